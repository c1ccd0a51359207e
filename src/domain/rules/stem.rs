//! Word-stem matching of marker phrases: «купил» finds «Купила», «купили»; «не актуально» finds
//! «Не актуально», but not «актуально» alone. Marker lists are stemmed once, when the funnel loads.
//!
//! Stemming is the costly step, so a word of a card is stemmed only when a marker stem could come
//! of it (Snowball keeps a word's first letters), when a phrase wants that stem there, and once
//! for all the lists a stage reads.

use std::collections::HashMap;
use std::ops::Range;

use rust_stemmers::{Algorithm, Stemmer};

/// Which of the funnel's marker lists a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MarkerListId(pub usize);

/// Named phrase lists (`[markers]` in the TOML), pre-stemmed and indexed for matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MarkerLists {
    lists: Vec<MarkerList>,
    /// Every stem of every phrase, by id: phrases compare as integers.
    stems: Vec<String>,
    /// By stem id: what a word must be to stem to it (see `could_stem_to`).
    shapes: Vec<StemShape>,
    /// Stem ids by the stem's first two letters (packed, see `key`), sorted by that key;
    /// one-letter stems under the letter alone.
    heads: Vec<(u64, Vec<u32>)>,
    /// Which pairs of Russian first letters (а..я × а..я, 1024 bits) and which single Russian
    /// letters begin a stem: most words of a card are turned away by one bit test.
    russian_pairs: Vec<u64>,
    russian_singles: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MarkerList {
    pub name: String,
    pub phrases: Vec<Phrase>,
    /// By stem id: whether the stem begins a phrase of this list.
    is_first: Vec<bool>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    /// As written in the funnel.
    pub text: String,
    stems: Vec<u32>,
}

/// Where a phrase was found: the byte range of its words in the searched text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub list: MarkerListId,
    pub phrase: usize,
    pub span: Range<usize>,
}

/// Buffers reused across the texts of one card, so matching allocates per card at most.
#[derive(Debug, Default)]
pub struct Scratch {
    /// The words of the text last read.
    tokens: Vec<Token>,
    word: String,
    /// Phrases matched up to the previous word, and those still alive after the current one.
    partial: Vec<Partial>,
    next: Vec<Partial>,
}

/// One word of a text: where it is, and what is known of its stem.
#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    /// Indices into `MarkerLists::heads` of the marker stems the word may stem to.
    buckets: [u32; 2],
    /// A stem id, `NO_STEM`, or `UNSTEMMED` while no phrase has asked.
    stem: u32,
}

/// A phrase whose first `matched` words were the last words read, starting at byte `start`.
#[derive(Debug, Clone, Copy)]
struct Partial {
    phrase: u32,
    matched: u32,
    start: usize,
}

/// What is known of the words a stem may come of, without stemming them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StemShape {
    /// A Russian stem with a vowel: words that start with it.
    RussianPrefix,
    /// A Russian stem without a vowel («в»): only the word itself.
    RussianWhole,
    /// Any other: words that share its first letters.
    Other,
}

const NO_STEM: u32 = u32::MAX;
const UNSTEMMED: u32 = u32::MAX - 1;
const NO_BUCKET: u32 = u32::MAX;

impl MarkerLists {
    /// Stems every phrase. Phrases without a single word are dropped (the loader refuses them).
    pub fn new(lists: Vec<(String, Vec<String>)>) -> MarkerLists {
        let mut out = MarkerLists::default();
        let mut ids: HashMap<String, u32> = HashMap::new();
        let mut word = String::new();
        for (name, phrases) in lists {
            let mut list = MarkerList {
                name,
                phrases: Vec::new(),
                is_first: Vec::new(),
            };
            for text in phrases {
                let mut stems = Vec::new();
                for span in words(&text) {
                    fold_into(&text[span], &mut word);
                    let stem = stem(&word).into_owned();
                    let next = ids.len() as u32;
                    let stem_id = *ids.entry(stem.clone()).or_insert_with(|| {
                        out.stems.push(stem);
                        next
                    });
                    stems.push(stem_id);
                }
                if !stems.is_empty() {
                    list.phrases.push(Phrase { text, stems });
                }
            }
            out.lists.push(list);
        }
        out.shapes = out.stems.iter().map(|s| shape(s)).collect();
        for list in &mut out.lists {
            list.is_first = vec![false; out.stems.len()];
            for phrase in &list.phrases {
                list.is_first[phrase.stems[0] as usize] = true;
            }
        }
        let mut heads: HashMap<u64, Vec<u32>> = HashMap::new();
        out.russian_pairs = vec![0; 16];
        for (i, stem) in out.stems.iter().enumerate() {
            let (a, b) = first_letters(stem);
            heads.entry(key(a, b)).or_default().push(i as u32);
            match (russian(a), russian(b)) {
                (Some(a), Some(b)) => out.russian_pairs[a / 2] |= 1 << ((a % 2) * 32 + b),
                (Some(a), None) if b == 0 => out.russian_singles |= 1 << a,
                _ => {}
            }
        }
        out.heads = heads.into_iter().collect();
        out.heads.sort_unstable_by_key(|(k, _)| *k);
        out
    }

    pub fn id(&self, name: &str) -> Option<MarkerListId> {
        self.lists
            .iter()
            .position(|l| l.name == name.trim())
            .map(MarkerListId)
    }

    pub fn list(&self, id: MarkerListId) -> Option<&MarkerList> {
        self.lists.get(id.0)
    }

    pub fn lists(&self) -> &[MarkerList] {
        &self.lists
    }

    pub fn is_empty(&self) -> bool {
        self.lists.is_empty()
    }

    /// The first phrase of `list` in `text`, in reading order.
    pub fn find(&self, list: MarkerListId, text: &str, scratch: &mut Scratch) -> Option<Found> {
        self.read(text, scratch);
        self.find_read(list, text, scratch)
    }

    /// Splits `text` into words for [`MarkerLists::find_read`]: once per text, however many
    /// lists are looked for in it.
    pub fn read(&self, text: &str, scratch: &mut Scratch) {
        scratch.tokens.clear();
        for span in words(text) {
            let (a, b) = first_letters(&text[span.clone()]);
            let buckets = self.buckets(a, b);
            if buckets == [NO_BUCKET; 2] {
                // A word no marker stem can come of only breaks phrases: one gap stands for a
                // run of them.
                if scratch.tokens.last().is_none_or(|t| t.stem != NO_STEM) {
                    scratch.tokens.push(Token {
                        start: span.start,
                        end: span.end,
                        buckets,
                        stem: NO_STEM,
                    });
                }
                continue;
            }
            scratch.tokens.push(Token {
                start: span.start,
                end: span.end,
                buckets,
                stem: UNSTEMMED,
            });
        }
    }

    /// Where in `heads` the stems beginning with a word's first letters `a`, `b` (folded) are.
    fn buckets(&self, a: u32, b: u32) -> [u32; 2] {
        let bucket = |key| {
            self.heads
                .binary_search_by_key(&key, |(k, _)| *k)
                .map_or(NO_BUCKET, |i| i as u32)
        };
        match (russian(a), russian(b)) {
            (Some(ra), Some(rb)) => {
                let pair = self.russian_pairs[ra / 2] & (1 << ((ra % 2) * 32 + rb)) != 0;
                let single = self.russian_singles & (1 << ra) != 0;
                [
                    if pair { bucket(key(a, b)) } else { NO_BUCKET },
                    if single { bucket(key(a, 0)) } else { NO_BUCKET },
                ]
            }
            _ => [bucket(key(a, b)), bucket(key(a, 0))],
        }
    }

    /// The first phrase of `list` among the words of `text` last [read](MarkerLists::read).
    pub fn find_read(
        &self,
        list: MarkerListId,
        text: &str,
        scratch: &mut Scratch,
    ) -> Option<Found> {
        let markers = self.lists.get(list.0)?;
        let phrases = &markers.phrases;
        let Scratch {
            tokens,
            word,
            partial,
            next,
        } = scratch;
        partial.clear();
        for token in tokens.iter_mut() {
            if token.stem == NO_STEM {
                partial.clear();
                continue;
            }
            next.clear();
            let wanted = |id: u32| {
                markers.is_first[id as usize]
                    || partial
                        .iter()
                        .any(|p| phrases[p.phrase as usize].stems[p.matched as usize] == id)
            };
            let id = self.stem_of(token, text, word, wanted);
            if id < UNSTEMMED {
                let found = |phrase, start| Found {
                    list,
                    phrase,
                    span: start..token.end,
                };
                for p in partial.iter() {
                    let stems = &phrases[p.phrase as usize].stems;
                    if stems[p.matched as usize] != id {
                        continue;
                    }
                    if p.matched as usize + 1 == stems.len() {
                        return Some(found(p.phrase as usize, p.start));
                    }
                    next.push(Partial {
                        matched: p.matched + 1,
                        ..*p
                    });
                }
                for (i, phrase) in phrases.iter().enumerate() {
                    if phrase.stems[0] != id {
                        continue;
                    }
                    if phrase.stems.len() == 1 {
                        return Some(found(i, token.start));
                    }
                    next.push(Partial {
                        phrase: i as u32,
                        matched: 1,
                        start: token.start,
                    });
                }
            }
            std::mem::swap(partial, next);
        }
        None
    }

    /// The token's stem id, stemming it now if some marker stem it may have is `wanted`;
    /// `UNSTEMMED` when none is (the word cannot matter here).
    fn stem_of(
        &self,
        token: &mut Token,
        text: &str,
        folded: &mut String,
        wanted: impl Fn(u32) -> bool,
    ) -> u32 {
        if token.stem != UNSTEMMED {
            return token.stem;
        }
        let [two, one] = token.buckets.map(|b| match b {
            NO_BUCKET => &[][..],
            b => self.heads[b as usize].1.as_slice(),
        });
        if !two.iter().chain(one).any(|&id| wanted(id)) {
            return UNSTEMMED;
        }
        fold_into(&text[token.start..token.end], folded);
        let word = folded.as_str();
        let mut possible = two
            .iter()
            .chain(one)
            .copied()
            .filter(|&id| could_stem_to(word, &self.stems[id as usize], self.shapes[id as usize]))
            .peekable();
        let id = if possible.peek().is_none() {
            NO_STEM
        } else {
            let stemmed = stem(word);
            possible
                .find(|&id| self.stems[id as usize] == stemmed.as_ref())
                .unwrap_or(NO_STEM)
        };
        token.stem = id;
        id
    }
}

/// The Russian stemmer only cuts endings, and only after a word's first vowel: a Russian stem
/// is a prefix of its word, and one without a vowel («в») comes only of itself. The English
/// stemmer may rewrite the end («hoping» → «hope»), so an English stem only has to share the
/// word's first letters.
fn shape(stem: &str) -> StemShape {
    const VOWELS: &str = "аеиоуыэюя";
    if !is_cyrillic(stem) {
        StemShape::Other
    } else if stem.chars().any(|c| VOWELS.contains(c)) {
        StemShape::RussianPrefix
    } else {
        StemShape::RussianWhole
    }
}

/// Whether `word` (folded) may stem to `stem`, judged without stemming (see `shape`).
fn could_stem_to(word: &str, stem: &str, shape: StemShape) -> bool {
    match shape {
        StemShape::RussianPrefix => word.starts_with(stem),
        StemShape::RussianWhole => word == stem,
        StemShape::Other => true,
    }
}

fn is_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

/// Byte ranges of the words of `text`: runs of letters and digits (a hyphen or an apostrophe
/// splits, so «trade-in» is two words).
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let mut start: Option<usize> = None;
        while at < text.len() {
            let (len, word) = char_at(text, at);
            match (word, start) {
                (true, None) => start = Some(at),
                (false, Some(s)) => {
                    at += len;
                    return Some(s..at - len);
                }
                _ => {}
            }
            at += len;
        }
        start.map(|s| s..text.len())
    })
}

/// The length of the character at byte `at` of `text` and whether it is a word character
/// ([`is_word_char`]), read from its bytes where that is enough: the judge reads every note of
/// every card, nearly all ASCII and Russian, and decoding each character was most of it.
fn char_at(text: &str, at: usize) -> (usize, bool) {
    let b = text.as_bytes()[at];
    if b.is_ascii() {
        return (1, b.is_ascii_alphanumeric());
    }
    // 0xD0 and 0xD1 lead U+0400..U+047F, the Cyrillic letters (а..я, А..Я, ё, Ё among them):
    // every one a letter.
    if b == 0xD0 || b == 0xD1 {
        return (2, true);
    }
    let c = text[at..].chars().next().unwrap_or(' ');
    (c.len_utf8(), is_word_char(c))
}

/// Lower case with `ё` as `е`, as `domain::names::fold` compares names, into a reused buffer.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    out.extend(folded_chars(word));
}

fn folded_chars(word: &str) -> impl Iterator<Item = char> + '_ {
    word.chars().flat_map(|c| {
        let (fast, slow) = match lower_fast(c) {
            Some(lc) => (Some(lc), None),
            None => (None, Some(c.to_lowercase())),
        };
        fast.into_iter().chain(
            slow.into_iter()
                .flatten()
                .map(|lc| if lc == 'ё' { 'е' } else { lc }),
        )
    })
}

/// A letter or digit. Latin and Russian letters are answered without Unicode tables: they are
/// nearly every character a card holds, and the tables' lookups dominated the profile.
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё')
        || (!c.is_ascii() && c.is_alphanumeric())
}

/// The folded (lower-case, `ё` as `е`) form of a Latin or Russian letter or a digit; `None` for
/// other characters, which take the general path.
pub(super) fn lower_fast(c: char) -> Option<char> {
    match c {
        'a'..='z' | '0'..='9' | 'а'..='я' => Some(c),
        'A'..='Z' => Some(c.to_ascii_lowercase()),
        'А'..='Я' => char::from_u32(c as u32 + 0x20),
        'ё' | 'Ё' => Some('е'),
        _ => None,
    }
}

/// The Snowball stem of a folded word: Russian for Cyrillic words, English otherwise.
pub fn stem(folded: &str) -> std::borrow::Cow<'_, str> {
    let algorithm = if is_cyrillic(folded) {
        Algorithm::Russian
    } else {
        Algorithm::English
    };
    Stemmer::create(algorithm).stem(folded)
}

/// The stems of a phrase, folded and stemmed word by word (for tests and the funnel check).
pub fn phrase_stems(text: &str) -> Vec<String> {
    let mut word = String::new();
    words(text)
        .map(|span| {
            fold_into(&text[span], &mut word);
            stem(&word).into_owned()
        })
        .collect()
}

/// The first two letters of a word, folded (0 where the word is shorter). Snowball keeps a
/// stem's first two letters as they were in the word (the English stemmer rewrites only later
/// letters, e.g. a final «y»), so a word can stem to a marker stem only if its first two letters,
/// or its first alone for a one-letter stem, are that stem's.
fn first_letters(word: &str) -> (u32, u32) {
    let mut pair = [0u32; 2];
    let mut n = 0;
    'fill: for c in word.chars() {
        if let Some(lc) = lower_fast(c) {
            pair[n] = u32::from(lc);
            n += 1;
        } else {
            for lc in c.to_lowercase() {
                pair[n] = u32::from(if lc == 'ё' { 'е' } else { lc });
                n += 1;
                if n == 2 {
                    break 'fill;
                }
            }
        }
        if n == 2 {
            break;
        }
    }
    (pair[0], pair[1])
}

fn key(a: u32, b: u32) -> u64 {
    (u64::from(a) << 32) | u64::from(b)
}

/// 0..32 for а..я.
fn russian(c: u32) -> Option<usize> {
    c.checked_sub(u32::from('а'))
        .filter(|&i| i < 32)
        .map(|i| i as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(phrases: &[&str]) -> MarkerLists {
        MarkerLists::new(vec![(
            "lost".into(),
            phrases.iter().map(|p| p.to_string()).collect(),
        )])
    }

    fn found<'a>(m: &MarkerLists, text: &'a str) -> Option<&'a str> {
        let id = m.id("lost").unwrap();
        m.find(id, text, &mut Scratch::default())
            .map(|f| &text[f.span])
    }

    #[test]
    fn forms_of_a_verb_share_its_stem() {
        let m = lists(&["купил"]);
        for text in ["купила", "купили", "Купил", "КУПИЛИ квартиру"]
        {
            assert!(found(&m, text).is_some(), "{text}");
        }
        assert_eq!(found(&m, "Клиент: «Мы купили»"), Some("купили"));
        assert_eq!(found(&m, "покупатель"), None);
    }

    #[test]
    fn a_phrase_matches_its_words_in_a_row_only() {
        let m = lists(&["не актуально"]);
        assert_eq!(found(&m, "Уже не актуально!"), Some("не актуально"));
        assert_eq!(found(&m, "НЕ   Актуально"), Some("НЕ   Актуально"));
        assert_eq!(found(&m, "актуально"), None);
        assert_eq!(found(&m, "вопрос актуально, не звонить"), None);
        assert_eq!(found(&m, "не очень актуально"), None);
    }

    #[test]
    fn phrases_match_across_word_forms() {
        let m = lists(&["купил у конкурентов", "купили в другом"]);
        assert_eq!(
            found(&m, "Купила у конкурента, в ЖК «Европейский»"),
            Some("Купила у конкурента")
        );
        assert_eq!(
            found(&m, "сообщил, что купили в другом ЖК"),
            Some("купили в другом")
        );
        assert_eq!(found(&m, "купили в рассрочку"), None);
    }

    #[test]
    fn yo_and_e_are_one_letter() {
        let m = lists(&["всё решили"]);
        assert!(found(&m, "Все решили сами").is_some());
        let m = lists(&["передумал"]);
        assert!(found(&m, "Передумала покупать").is_some());
        assert!(found(&m, "передумали").is_some());
    }

    #[test]
    fn english_words_are_stemmed_too() {
        let m = lists(&["not interested"]);
        assert_eq!(
            found(&m, "Client is NOT interested."),
            Some("NOT interested")
        );
        assert!(found(&m, "not interesting").is_some());
    }

    #[test]
    fn english_stems_that_rewrite_the_end_still_match() {
        let m = lists(&["hoping", "happy"]);
        assert!(found(&m, "We hope so").is_some());
        assert!(found(&m, "happy client").is_some());
    }

    #[test]
    fn one_list_does_not_answer_for_another() {
        let m = MarkerLists::new(vec![
            ("lost".into(), vec!["отказ".into()]),
            ("sold".into(), vec!["договор подписан".into()]),
        ]);
        let sold = m.id("sold").unwrap();
        let mut s = Scratch::default();
        assert_eq!(m.find(sold, "отказ", &mut s), None);
        let f = m.find(sold, "Договор подписан вчера", &mut s).unwrap();
        assert_eq!((f.phrase, f.span), (0, 0..31));
    }

    #[test]
    fn one_reading_serves_every_list() {
        let m = MarkerLists::new(vec![
            ("lost".into(), vec!["не актуально".into()]),
            ("sold".into(), vec!["договор подписан".into()]),
        ]);
        let text = "Договор подписан, но уже не актуально";
        let mut s = Scratch::default();
        m.read(text, &mut s);
        let lost = m.find_read(m.id("lost").unwrap(), text, &mut s).unwrap();
        let sold = m.find_read(m.id("sold").unwrap(), text, &mut s).unwrap();
        assert_eq!(&text[lost.span], "не актуально");
        assert_eq!(&text[sold.span], "Договор подписан");
    }

    #[test]
    fn words_split_on_punctuation_and_hyphens() {
        let text = "trade-in, 2-к: «Да»";
        let got: Vec<&str> = words(text).map(|r| &text[r]).collect();
        assert_eq!(got, ["trade", "in", "2", "к", "Да"]);
        let got: Vec<&str> = words("  Ёлка").map(|r| &"  Ёлка"[r]).collect();
        assert_eq!(got, ["Ёлка"]);
        assert_eq!(words("").count(), 0);
        assert_eq!(words(" ,. ").count(), 0);
    }

    /// The byte-level reading splits as one that decodes every character does.
    #[test]
    fn words_split_as_characters_read_one_by_one_do() {
        fn by_chars(text: &str) -> Vec<Range<usize>> {
            let mut out = Vec::new();
            let mut start = None;
            for (i, c) in text.char_indices() {
                match (is_word_char(c), start) {
                    (true, None) => start = Some(i),
                    (false, Some(s)) => {
                        out.push(s..i);
                        start = None;
                    }
                    _ => {}
                }
            }
            out.extend(start.map(|s| s..text.len()));
            out
        }
        let mut texts: Vec<String> = [
            "Купили в другом ЖК, тел. +7 (912) 000-11-22; «Ёлки» — ёж",
            "Ѐ Ѐа ѐ Ѡѿ ҂x ӕ é ß 数字 ١٢٣ 🙂ok",
            "a\u{301}b c\u{483}d",
            "",
            "   ",
            "x",
            "Я",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Every character of the Cyrillic blocks and around them, alone and between words.
        for c in ('\u{3f0}'..='\u{530}').chain('\u{1c80}'..='\u{1c8f}') {
            texts.push(format!("{c}"));
            texts.push(format!("а{c}b {c}"));
        }
        for text in &texts {
            assert_eq!(words(text).collect::<Vec<_>>(), by_chars(text), "{text:?}");
        }
    }

    #[test]
    fn a_phrase_without_words_is_dropped() {
        let m = lists(&["…", "отказ"]);
        assert_eq!(m.list(MarkerListId(0)).unwrap().phrases.len(), 1);
        assert_eq!(phrase_stems("Купили в другом"), ["куп", "в", "друг"]);
    }
}
