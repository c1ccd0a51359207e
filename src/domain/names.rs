//! How okk compares names that people and CRMs spell loosely: stage names, headers, field labels.

/// Fold a name for comparison: trimmed, inner whitespace collapsed, lower-cased, `ё` as `е`,
/// non-breaking spaces as spaces. Two names are "the same" when their folds are equal.
pub fn fold(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
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

/// What the queue's text filter looks in: the card's id, title and owner, folded, apart by a
/// character no typed filter holds (so no match spans two of them).
pub fn search_text(external_id: &str, title: Option<&str>, owner: Option<&str>) -> String {
    let mut out = fold(external_id);
    out.push(SEARCH_SEPARATOR);
    out.push_str(&fold(title.unwrap_or("")));
    out.push(SEARCH_SEPARATOR);
    out.push_str(&fold(owner.unwrap_or("")));
    out
}

/// ASCII unit separator: a control character, which the filter's line editor never takes.
pub const SEARCH_SEPARATOR: char = '\u{1f}';

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_case_space_and_yo() {
        assert_eq!(fold("  Бюджет "), "бюджет");
        assert_eq!(fold("Встреча\u{a0} ПРОВЕДЕНА"), "встреча проведена");
        assert_eq!(fold("Отчёт"), fold("отчет"));
    }
}
