//! Word-stem matching of marker phrases: «купил» finds «Купила», «купили»; «не актуально» finds
//! «Не актуально», but not «актуально» alone. Marker lists are stemmed once, when the funnel loads.
//!
//! Stemming is the costly step, so a word of a card is stemmed only when a marker stem could come
//! of it: Snowball cuts endings only, so the word must start with that stem.

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
    /// Stem ids by the stem's first two characters (packed), sorted by that key; one-letter
    /// stems under the letter alone.
    heads: Vec<(u64, Vec<u32>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MarkerList {
    pub name: String,
    pub phrases: Vec<Phrase>,
    /// Ids of the stems that begin a phrase of this list.
    firsts: Vec<u32>,
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

/// Buffers reused across the words and texts of one card, so matching allocates per card at most.
#[derive(Debug, Default)]
pub struct Scratch {
    word: String,
    /// Stems the current word may usefully be: a phrase's first, or the next of a partial match.
    wanted: Vec<u32>,
    /// Phrases matched up to the previous word, and those still alive after the current one.
    partial: Vec<Partial>,
    next: Vec<Partial>,
}

/// A phrase whose first `matched` words were the last words read, starting at byte `start`.
#[derive(Debug, Clone, Copy)]
struct Partial {
    phrase: u32,
    matched: u32,
    start: usize,
}

const NO_STEM: u32 = u32::MAX;

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
                firsts: Vec::new(),
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
                let Some(&first) = stems.first() else {
                    continue;
                };
                if !list.firsts.contains(&first) {
                    list.firsts.push(first);
                }
                list.phrases.push(Phrase { text, stems });
            }
            out.lists.push(list);
        }
        let mut heads: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, stem) in out.stems.iter().enumerate() {
            heads.entry(head(stem)).or_default().push(i as u32);
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
        let markers = self.lists.get(list.0)?;
        let phrases = &markers.phrases;
        scratch.partial.clear();
        for span in words(text) {
            // Only a stem that starts a phrase or continues a partial match is worth stemming for.
            scratch.wanted.clear();
            scratch.wanted.extend_from_slice(&markers.firsts);
            for p in &scratch.partial {
                scratch
                    .wanted
                    .push(phrases[p.phrase as usize].stems[p.matched as usize]);
            }
            let id = self.stem_id(&text[span.clone()], &scratch.wanted, &mut scratch.word);
            scratch.next.clear();
            if id != NO_STEM {
                let found = |phrase, start: usize| Found {
                    list,
                    phrase,
                    span: start..span.end,
                };
                for p in &scratch.partial {
                    let stems = &phrases[p.phrase as usize].stems;
                    if stems[p.matched as usize] != id {
                        continue;
                    }
                    if p.matched as usize + 1 == stems.len() {
                        return Some(found(p.phrase as usize, p.start));
                    }
                    scratch.next.push(Partial {
                        matched: p.matched + 1,
                        ..*p
                    });
                }
                for (i, phrase) in phrases.iter().enumerate() {
                    if phrase.stems[0] != id {
                        continue;
                    }
                    if phrase.stems.len() == 1 {
                        return Some(found(i, span.start));
                    }
                    scratch.next.push(Partial {
                        phrase: i as u32,
                        matched: 1,
                        start: span.start,
                    });
                }
            }
            std::mem::swap(&mut scratch.partial, &mut scratch.next);
        }
        None
    }

    /// The id of the wanted marker stem a word stems to, or `NO_STEM`. Most words are turned
    /// away by their first two letters, before they are folded or stemmed.
    fn stem_id(&self, raw: &str, wanted: &[u32], folded: &mut String) -> u32 {
        let (two, one) = heads_of(raw);
        let buckets = [two, one].map(|key| {
            self.heads
                .binary_search_by_key(&key, |(k, _)| *k)
                .map_or(&[][..], |i| self.heads[i].1.as_slice())
        });
        if !buckets
            .iter()
            .flat_map(|b| b.iter())
            .any(|id| wanted.contains(id))
        {
            return NO_STEM;
        }
        fold_into(raw, folded);
        let word = folded.as_str();
        let mut candidates = [NO_STEM; 4];
        let mut n = 0;
        for &id in buckets.iter().flat_map(|b| b.iter()) {
            if n < candidates.len()
                && wanted.contains(&id)
                && could_stem_to(word, &self.stems[id as usize])
            {
                candidates[n] = id;
                n += 1;
            }
        }
        if n == 0 {
            return NO_STEM;
        }
        let stemmed = stem(word);
        candidates[..n]
            .iter()
            .copied()
            .find(|&id| self.stems[id as usize] == stemmed.as_ref())
            .unwrap_or(NO_STEM)
    }
}

/// Whether `word` (folded) may stem to `stem`, judged without stemming. The Russian stemmer
/// only cuts endings, and only after a word's first vowel: a Russian stem is a prefix of its
/// word, and one without a vowel («в») comes only of itself. The English stemmer may rewrite
/// the end («hoping» → «hope»), so an English stem only has to share the word's start.
fn could_stem_to(word: &str, stem: &str) -> bool {
    const VOWELS: &str = "аеиоуыэюя";
    if !is_cyrillic(stem) {
        return true;
    }
    word.starts_with(stem) && (word.len() == stem.len() || stem.chars().any(|c| VOWELS.contains(c)))
}

fn is_cyrillic(s: &str) -> bool {
    s.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c))
}

/// Byte ranges of the words of `text`: runs of letters and digits (a hyphen or an apostrophe
/// splits, so «trade-in» is two words).
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = chars.next()?;
            if is_word_char(c) {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !is_word_char(c) {
                end = i;
                break;
            }
            chars.next();
        }
        Some(start..end)
    })
}

/// Lower case with `ё` as `е`, as `domain::names::fold` compares names, into a reused buffer.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    for c in word.chars() {
        match lower_fast(c) {
            Some(lc) => out.push(lc),
            None => {
                for lc in c.to_lowercase() {
                    out.push(if lc == 'ё' { 'е' } else { lc });
                }
            }
        }
    }
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

/// The stems of a phrase, folded and stemmed word by word (for tests and `okk funnel show`).
pub fn phrase_stems(text: &str) -> Vec<String> {
    let mut word = String::new();
    words(text)
        .map(|span| {
            fold_into(&text[span], &mut word);
            stem(&word).into_owned()
        })
        .collect()
}

/// The first two characters (or the one) of a word, packed: a stem is a prefix of its word in
/// its first two characters at least (the English stemmer may rewrite a final «y» as «i»).
fn head(s: &str) -> u64 {
    let mut chars = s.chars();
    let a = chars.next().map_or(0, u64::from);
    let b = chars.next().map_or(0, u64::from);
    (a << 32) | b
}

/// `head` and the one-letter key of a word not yet folded, folding only its first letters.
fn heads_of(raw: &str) -> (u64, u64) {
    let mut folded = raw.chars().flat_map(|c| {
        let (fast, slow) = match lower_fast(c) {
            Some(lc) => (Some(lc), None),
            None => (None, Some(c.to_lowercase())),
        };
        fast.into_iter()
            .chain(slow.into_iter().flatten())
            .map(|lc| if lc == 'ё' { 'е' } else { lc })
    });
    let a = folded.next().map_or(0, u64::from);
    let b = folded.next().map_or(0, u64::from);
    ((a << 32) | b, a << 32)
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
    fn words_split_on_punctuation_and_hyphens() {
        let text = "trade-in, 2-к: «Да»";
        let got: Vec<&str> = words(text).map(|r| &text[r]).collect();
        assert_eq!(got, ["trade", "in", "2", "к", "Да"]);
    }

    #[test]
    fn a_phrase_without_words_is_dropped() {
        let m = lists(&["…", "отказ"]);
        assert_eq!(m.list(MarkerListId(0)).unwrap().phrases.len(), 1);
        assert_eq!(phrase_stems("Купили в другом"), ["куп", "в", "друг"]);
    }
}
