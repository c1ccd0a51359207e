//! How okk compares names that people and CRMs spell loosely: stage names, headers, field labels.

/// Fold a name for comparison: trimmed, inner whitespace collapsed, lower-cased, `ё` as `е`,
/// non-breaking spaces as spaces. Two names are "the same" when their folds are equal.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    fold_into(name, &mut out);
    out
}

/// [`fold`], appended to `out`. Letters of Latin and Russian take a short path: every card's id,
/// title and owner is folded at import, and Unicode's case tables cost a tenth of it; what
/// folds to itself (lower-case letters, digits, signs) is copied a run at a time, which halved
/// the fold of a title or a name again.
fn fold_into(name: &str, out: &mut String) {
    let start = out.len();
    let mut pending_space = false;
    let b = name.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let run = i;
        loop {
            match b.get(i) {
                Some(&x) if x < 0x80 && !x.is_ascii_uppercase() && !is_ascii_space(x) => i += 1,
                // а..п and р..я (ё, which folds to е, is D1 91).
                Some(0xD0) if matches!(b.get(i + 1), Some(0xB0..=0xBF)) => i += 2,
                Some(0xD1) if matches!(b.get(i + 1), Some(0x80..=0x8F)) => i += 2,
                _ => break,
            }
        }
        if i > run {
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            // The run ends before a byte that starts a character (or at the end).
            out.push_str(&name[run..i]);
            continue;
        }
        let ch = name[i..].chars().next().expect("on a character boundary");
        i += ch.len_utf8();
        if ch.is_whitespace() || ch == '\u{a0}' {
            pending_space = out.len() > start;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match fast_fold(ch) {
            Some(c) => out.push(c),
            None => out.extend(slow_fold(ch)),
        }
    }
}

/// The ASCII characters Unicode counts as white space (`char::is_whitespace`).
fn is_ascii_space(b: u8) -> bool {
    matches!(b, 0x09..=0x0D | 0x20)
}

/// A character folded (lower case, `ё` as `е`) without Unicode's tables, for Latin and Russian
/// letters and ASCII; `None` for the rest.
fn fast_fold(ch: char) -> Option<char> {
    match ch {
        'A'..='Z' => Some(ch.to_ascii_lowercase()),
        '\0'..='\u{7f}' | 'а'..='я' => Some(ch),
        // А..Я lie 32 code points below а..я.
        'А'..='Я' => char::from_u32(ch as u32 + 32),
        'ё' | 'Ё' => Some('е'),
        _ => None,
    }
}

fn slow_fold(ch: char) -> impl Iterator<Item = char> {
    ch.to_lowercase().map(|c| if c == 'ё' { 'е' } else { c })
}

/// The characters of `s` folded one by one (as [`fold`], less the spaces' trimming and
/// collapsing), without allocating.
pub fn fold_chars(s: &str) -> impl Iterator<Item = char> + '_ {
    s.chars().flat_map(|ch| {
        let fast = fast_fold(ch);
        let slow = fast.is_none().then(|| slow_fold(ch));
        fast.into_iter().chain(slow.into_iter().flatten())
    })
}

/// `name` without `prefix` when it begins with it, compared as [`fold`] compares (case, spaces,
/// ё/е): the rest, trimmed; `None` when it does not begin so, or nothing follows it. Pipedrive's
/// `Сделка - Дата встречи` is the deal's field «Дата встречи».
pub fn strip_prefix_loosely<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let want = fold(prefix);
    if want.is_empty() {
        return None;
    }
    // The shortest head of `name` that folds to the prefix, among heads a few spaces longer
    // than it at most: a header is untrusted, and folding every head of a long one would cost
    // its length squared.
    let room = prefix.len() * 2 + 8;
    name.char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|&end| end <= room)
        .find(|&end| fold(&name[..end]) == want)
        .map(|end| name[end..].trim())
        .filter(|rest| !rest.is_empty())
}

/// The name of the `n`th column (from 2) of a header an export repeats: `Бюджет (2)`. The
/// import names repeats so, to keep them apart; [`numbered_base`] reads it back.
pub fn numbered(base: &str, n: usize) -> String {
    format!("{base} ({n})")
}

/// The header and number of a name [`numbered`] made (`Бюджет (2)` → `Бюджет`, 2); `None` for
/// a name of another shape (a header can be `Бюджет (2)` itself: the caller knows which).
pub fn numbered_base(name: &str) -> Option<(&str, usize)> {
    let (base, rest) = name.strip_suffix(')')?.rsplit_once(" (")?;
    let n: usize = rest.parse().ok().filter(|n| *n >= 2)?;
    // `(02)` or `(+2)` is no number the import wrote.
    (n.to_string() == rest && !base.is_empty()).then_some((base, n))
}

/// What the queue's text filter looks in: the card's id, title and owner, folded, apart by a
/// character no typed filter holds (so no match spans two of them).
pub fn search_text(external_id: &str, title: Option<&str>, owner: Option<&str>) -> String {
    let (title, owner) = (title.unwrap_or(""), owner.unwrap_or(""));
    let mut out = String::with_capacity(external_id.len() + title.len() + owner.len() + 2);
    fold_into(external_id, &mut out);
    out.push(SEARCH_SEPARATOR);
    fold_into(title, &mut out);
    out.push(SEARCH_SEPARATOR);
    fold_into(owner, &mut out);
    out
}

/// ASCII unit separator: a control character, which the filter's line editor never takes.
pub const SEARCH_SEPARATOR: char = '\u{1f}';

/// How alike (normalized Damerau–Levenshtein over the folds) a known name must be to be offered
/// for one typed: a letter missing, extra, wrong or two swapped in a name of four letters is
/// 0.75; two wrong in four, 0.5; «vera» and «anna», 0.25.
const NEAR: f64 = 0.5;

/// The names of `known` that `typed` may have meant, the likeliest first, at most `n`: those
/// at least [`NEAR`] alike (a name the same but for case or ё is the likeliest).
pub fn closest<'k>(typed: &str, known: &'k [String], n: usize) -> Vec<&'k str> {
    let key = fold(typed);
    let mut near: Vec<(f64, &str)> = known
        .iter()
        .map(|k| {
            let like = strsim::normalized_damerau_levenshtein(&fold(k), &key);
            (like, k.as_str())
        })
        .filter(|(like, _)| *like >= NEAR)
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    near.into_iter().take(n).map(|(_, k)| k).collect()
}

#[cfg(test)]
mod tests {
    use super::{closest, fold};

    #[test]
    fn the_names_a_typo_may_have_meant_come_likeliest_first() {
        let known: Vec<String> = ["anna", "boris", "vera", "Вероника", "inna"]
            .map(String::from)
            .to_vec();
        assert_eq!(closest("vrea", &known, 3), ["vera"]);
        assert_eq!(closest("Anna", &known, 3), ["anna", "inna"]);
        assert_eq!(closest("ana", &known, 3), ["anna", "inna"]);
        assert_eq!(closest("anna", &known, 1), ["anna"]);
        assert_eq!(closest("вероника", &known, 3), ["Вероника"]);
        assert!(closest("dmitry", &known, 3).is_empty());
        assert!(closest("vera", &[], 3).is_empty());
    }
    use proptest::prelude::*;

    /// The fold by Unicode's tables alone, which the short paths must agree with.
    fn fold_by_tables(name: &str) -> String {
        let mut out = String::new();
        let mut pending_space = false;
        for ch in name.chars() {
            if ch.is_whitespace() || ch == '\u{a0}' {
                pending_space = !out.is_empty();
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            for lc in ch.to_lowercase() {
                out.push(if lc == 'ё' { 'е' } else { lc });
            }
        }
        out
    }

    proptest! {
        #[test]
        fn the_short_paths_fold_as_unicode_does(name in "[ \\t\u{a0}a-zA-Z0-9Ѐ-ӿ«»İ\u{1f}-\u{7f}]{0,40}") {
            prop_assert_eq!(fold(&name), fold_by_tables(&name));
        }

        #[test]
        fn any_text_folds_as_unicode_does(name in any::<String>()) {
            prop_assert_eq!(fold(&name), fold_by_tables(&name));
        }
    }

    #[test]
    fn fold_chars_folds_each_character() {
        let s = "Не ЗАКРЫТА Ёлка İ ß";
        assert_eq!(
            super::fold_chars(s).collect::<String>(),
            s.chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c == 'ё' { 'е' } else { c })
                .collect::<String>()
        );
    }

    #[test]
    fn every_cyrillic_and_ascii_letter_folds_as_unicode_does() {
        let all: String = ('\0'..='\u{7f}').chain('Ѐ'..='ӿ').collect();
        assert_eq!(fold(&all), fold_by_tables(&all));
    }

    #[test]
    fn a_numbered_name_reads_back_as_its_header_and_number() {
        use super::{numbered, numbered_base};
        assert_eq!(numbered_base(&numbered("Бюджет", 2)), Some(("Бюджет", 2)));
        assert_eq!(numbered_base("Город (2) (3)"), Some(("Город (2)", 3)));
        for plain in [
            "Бюджет",
            "Бюджет (1)",
            "Бюджет (02)",
            "Бюджет (x)",
            " (2)",
            "(2)",
        ] {
            assert_eq!(numbered_base(plain), None, "{plain}");
        }
    }

    #[test]
    fn a_prefix_is_stripped_as_names_are_compared() {
        use super::strip_prefix_loosely as strip;
        assert_eq!(
            strip("Deal - Дата встречи", "Deal - "),
            Some("Дата встречи")
        );
        assert_eq!(
            strip("СДЕЛКА -  Дата - время", "Сделка - "),
            Some("Дата - время")
        );
        assert_eq!(strip("Deal -", "Deal - "), None, "nothing after it");
        assert_eq!(strip("Person - Email", "Deal - "), None);
        assert_eq!(strip("Dealer - X", "Deal - "), None);
        assert_eq!(strip("Deal - X", ""), None);
    }

    #[test]
    fn folds_case_space_and_yo() {
        assert_eq!(fold("  Бюджет "), "бюджет");
        assert_eq!(fold("Встреча\u{a0} ПРОВЕДЕНА"), "встреча проведена");
        assert_eq!(fold("Отчёт"), fold("отчет"));
    }
}
