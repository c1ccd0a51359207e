//! CRM data is untrusted: before any of it reaches a terminal, control characters, escape
//! sequences and bidi overrides become visible placeholders, so a card can neither move the
//! cursor, retitle the window, nor reorder what the auditor reads.

use std::borrow::Cow;

/// A placeholder for a character that must not reach the terminal as is: C0 controls become
/// their Unicode "control pictures" (ESC → ␛, TAB → ␉, LF → ␊), DEL → ␡, and C1 controls,
/// bidi embeddings/overrides/isolates and other invisible format characters (a zero-width space,
/// a word joiner, a byte-order mark: an id that carries one reads as another) → �. The joiners
/// (U+200C, U+200D) stay: emoji and some scripts are written with them.
fn placeholder(c: char) -> Option<char> {
    match c {
        '\u{00}'..='\u{1f}' => char::from_u32(0x2400 + c as u32),
        '\u{7f}' => Some('␡'),
        '\u{80}'..='\u{9f}'
        | '\u{200b}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2060}'..='\u{2064}'
        | '\u{feff}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}'
        | '\u{061c}' => Some('\u{fffd}'),
        _ => None,
    }
}

/// A character that must not reach a terminal as is (JSON writes it as `\uXXXX`).
pub fn is_unsafe(c: char) -> bool {
    placeholder(c).is_some()
}

/// One line of untrusted text, safe to print.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| placeholder(c).unwrap_or(c)).collect())
}

/// Text of many lines (a command's output, an error), safe to print: line breaks stay, every
/// other control, escape and bidi character becomes its placeholder.
pub fn text(s: &str) -> Cow<'_, str> {
    let keep = |c: char| c == '\n' || !is_unsafe(c);
    if s.chars().all(keep) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if keep(c) {
                    c
                } else {
                    placeholder(c).unwrap_or(c)
                }
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::{line, text};

    #[test]
    fn escape_sequences_and_bidi_overrides_are_made_visible() {
        assert_eq!(line("Встреча проведена"), "Встреча проведена");
        assert_eq!(line("\u{1b}[2J\u{1b}]0;pwned\u{7}"), "␛[2J␛]0;pwned␇");
        assert_eq!(line("a\u{202e}b\u{9b}c"), "a\u{fffd}b\u{fffd}c");
        // Invisible characters that make one id read as another; joiners stay (emoji).
        assert_eq!(
            line("\u{feff}20\u{200b}02\u{2060}"),
            "\u{fffd}20\u{fffd}02\u{fffd}"
        );
        assert_eq!(line("👨\u{200d}👩"), "👨\u{200d}👩");
        assert_eq!(line("two\nlines\r"), "two␊lines␍");
    }

    #[test]
    fn text_keeps_its_line_breaks_and_nothing_else() {
        assert_eq!(text("a\nb\n"), "a\nb\n");
        assert_eq!(text("a\r\n\u{1b}]2;x\u{7}\u{2067}"), "a␍\n␛]2;x␇\u{fffd}");
    }
}
