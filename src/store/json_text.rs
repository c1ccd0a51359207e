//! A card row's JSON columns written straight into a `String`, byte for byte as serde_json
//! writes them. serde_json writes into bytes, which then had to be checked again to become text:
//! on a million-card import the check alone was a fiftieth of the reader thread's time.

/// Appends `s` as a JSON string literal (quotes included), escaped exactly as serde_json's
/// compact writer does: `"` and `\`, the short escapes `\b \f \n \r \t`, every other control
/// character below U+0020 as `\u00XX`; nothing else.
pub(super) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    // Most values need no escape at all: eight bytes at a time tell so, and the loop below
    // looks at the rest (text is cut only at a byte it escapes, ASCII, so on a boundary).
    let clean = clean_prefix(s.as_bytes());
    let mut start = 0;
    for (i, b) in s.bytes().enumerate().skip(clean) {
        let escape: &str = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x0C => "\\f",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x00..=0x1F => "",
            _ => continue,
        };
        // Every byte matched above is ASCII, so `i` is a character boundary.
        out.push_str(&s[start..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xF)] as char);
        } else {
            out.push_str(escape);
        }
        start = i + 1;
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// How many leading bytes of `b` surely need no escape, counted eight at a time up to the first
/// word that may hold one (the formulas never miss such a byte; a word they doubt is left to
/// the byte loop).
fn clean_prefix(b: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A byte of `x` is zero: its high bit in the result (no false positives for a byte that is
    // not, once bytes at and above 0x80 are masked out by `!x`).
    let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
    let mut at = 0;
    for chunk in b.chunks_exact(8) {
        let x = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // Below 0x20: the high bit of (x - 0x20 per byte) set where x's was not.
        let control = x.wrapping_sub(0x20 * ONES) & !x & HIGHS;
        if control | zero(x ^ (u64::from(b'"') * ONES)) | zero(x ^ (u64::from(b'\\') * ONES)) != 0 {
            break;
        }
        at += 8;
    }
    at
}

/// Appends an integer as serde_json writes it.
pub(super) fn push_int(out: &mut String, n: i64) {
    out.push_str(itoa::Buffer::new().format(n));
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    fn ours(s: &str) -> String {
        let mut out = String::new();
        super::push_str(&mut out, s);
        out
    }

    #[test]
    fn every_control_character_is_escaped_as_serde_json_escapes_it() {
        for c in (0u32..0x80).chain([0x7F, 0x85, 0x2028, 0xFEFF]) {
            let s = format!("a{}б", char::from_u32(c).unwrap());
            assert_eq!(ours(&s), serde_json::to_string(&s).unwrap(), "U+{c:04X}");
        }
        let mut n = String::new();
        super::push_int(&mut n, -42);
        assert_eq!(n, serde_json::to_string(&-42i64).unwrap());
    }

    /// Whatever word of eight bytes the byte to escape falls in, and however a two-byte letter
    /// straddles the words.
    #[test]
    fn a_byte_to_escape_is_found_at_every_place() {
        for lead in ["", "a", "ab", "abc"] {
            for at in 0..20 {
                for bad in ['"', '\\', '\n', '\u{1}', '\u{1f}'] {
                    let mut s: String = lead.to_string();
                    s.extend(std::iter::repeat_n('ж', at));
                    s.push(bad);
                    s.push_str("конец строки");
                    assert_eq!(ours(&s), serde_json::to_string(&s).unwrap(), "{s:?}");
                }
            }
        }
    }

    proptest! {
        #[test]
        fn any_text_is_written_as_serde_json_writes_it(s in "\\PC*|[\\x00-\\x20\"\\\\а-яё]{0,40}") {
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
