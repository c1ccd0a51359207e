//! Escaping for HTML and SVG. Every string that reaches the page goes through [`esc`]: CRM data
//! is untrusted, and a card titled `<script>` must read as text, not run.

/// Text safe in an element's content and in a quoted attribute: `& < > " '` become entities
/// and control characters (which HTML forbids and XML rejects) become visible placeholders.
pub fn esc(s: &str) -> String {
    let s = crate::text::safe::line(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters of `s` (then `…`): long stage and item names in a chart.
pub fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_controls_in_crm_text_are_escaped() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(esc("a\u{1b}b\nc"), "a␛b␊c");
        assert_eq!(esc("Встреча проведена"), "Встреча проведена");
    }

    #[test]
    fn cut_counts_characters_not_bytes() {
        assert_eq!(cut("Молчуны после встречи", 7), "Молчун…");
        assert_eq!(cut("Договор", 7), "Договор");
    }
}
