//! Word-stem matching of marker phrases: «купил» finds «Купила», «купили»; «не актуально» finds
//! «Не актуально», but not «актуально» alone. Marker lists are stemmed once, when the funnel loads.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;

use rust_stemmers::{Algorithm, Stemmer};

/// Which of the funnel's marker lists a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MarkerListId(pub usize);

/// Named phrase lists (`[markers]` in the TOML), pre-stemmed and indexed for matching.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MarkerLists {
    lists: Vec<MarkerList>,
    /// Every stem of every phrase → a small id, so phrases compare as integers.
    stems: HashMap<String, u32>,
    /// The first one or two characters of every stem: a word whose start is not here cannot
    /// stem to a marker stem, so it is not stemmed at all (stemmers only cut word ends).
    heads: HashSet<u64>,
    /// The id of a phrase's last stem → the phrases ending with it.
    ends: HashMap<u32, Vec<(MarkerListId, u32)>>,
    /// Words in the longest phrase.
    longest: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MarkerList {
    pub name: String,
    pub phrases: Vec<Phrase>,
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
    /// (stem id or `NO_STEM`, byte start) of the last few words.
    window: VecDeque<(u32, usize)>,
}

const NO_STEM: u32 = u32::MAX;

impl MarkerLists {
    /// Stems every phrase. Phrases without a single word are dropped (the loader refuses them).
    pub fn new(lists: Vec<(String, Vec<String>)>) -> MarkerLists {
        let mut out = MarkerLists::default();
        let mut word = String::new();
        for (name, phrases) in lists {
            let id = MarkerListId(out.lists.len());
            let mut list = MarkerList {
                name,
                phrases: Vec::new(),
            };
            for text in phrases {
                let mut stems = Vec::new();
                for span in words(&text) {
                    fold_into(&text[span], &mut word);
                    let stem = stem(&word);
                    out.heads.insert(head(&stem));
                    let next = out.stems.len() as u32;
                    stems.push(*out.stems.entry(stem.into_owned()).or_insert(next));
                }
                let Some(&last) = stems.last() else { continue };
                out.longest = out.longest.max(stems.len());
                let phrase = list.phrases.len() as u32;
                out.ends.entry(last).or_default().push((id, phrase));
                list.phrases.push(Phrase { text, stems });
            }
            out.lists.push(list);
        }
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
        if self.longest == 0 {
            return None;
        }
        scratch.window.clear();
        for span in words(text) {
            let word = &text[span.clone()];
            fold_into(word, &mut scratch.word);
            let id = if self.heads.contains(&head(&scratch.word)) || self.heads.contains(&head1(&scratch.word)) {
                self.stems
                    .get(stem(&scratch.word).as_ref())
                    .copied()
                    .unwrap_or(NO_STEM)
            } else {
                NO_STEM
            };
            if scratch.window.len() == self.longest {
                scratch.window.pop_front();
            }
            scratch.window.push_back((id, span.start));
            if id == NO_STEM {
                continue;
            }
            for &(l, p) in self.ends.get(&id).into_iter().flatten() {
                if l != list {
                    continue;
                }
                let stems = &self.lists[l.0].phrases[p as usize].stems;
                let n = stems.len();
                let len = scratch.window.len();
                if n <= len
                    && scratch
                        .window
                        .range(len - n..)
                        .map(|(s, _)| *s)
                        .eq(stems.iter().copied())
                {
                    return Some(Found {
                        list,
                        phrase: p as usize,
                        span: scratch.window[len - n].1..span.end,
                    });
                }
            }
        }
        None
    }
}

/// Byte ranges of the words of `text`: runs of letters and digits (a hyphen or an apostrophe
/// splits, so «trade-in» is two words).
pub fn words(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut chars = text.char_indices().peekable();
    std::iter::from_fn(move || {
        let start = loop {
            let (i, c) = chars.next()?;
            if c.is_alphanumeric() {
                break i;
            }
        };
        let mut end = text.len();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
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
        for lc in c.to_lowercase() {
            out.push(if lc == 'ё' { 'е' } else { lc });
        }
    }
}

/// The Snowball stem of a folded word: Russian for Cyrillic words, English otherwise.
pub fn stem(folded: &str) -> std::borrow::Cow<'_, str> {
    let cyrillic = folded.chars().any(|c| ('\u{400}'..='\u{4ff}').contains(&c));
    let algorithm = if cyrillic {
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

/// The first two characters (or the one) of a word, packed: both stemmers keep a word's start,
/// so a word can only stem to a marker stem when its start is one of theirs.
fn head(s: &str) -> u64 {
    let mut chars = s.chars();
    let a = chars.next().map_or(0, u64::from);
    let b = chars.next().map_or(0, u64::from);
    (a << 32) | b
}

/// The first character alone: a one-letter stem («в», «у») starts longer words.
fn head1(s: &str) -> u64 {
    s.chars().next().map_or(0, |a| u64::from(a) << 32)
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
        for text in ["купила", "купили", "Купил", "КУПИЛИ квартиру"] {
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
        assert_eq!(found(&m, "Client is NOT interested."), Some("NOT interested"));
        assert!(found(&m, "not interesting").is_some());
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
