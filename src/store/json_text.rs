//! A card row's JSON columns written straight into a `String`, byte for byte as serde_json
//! writes them. serde_json writes into bytes, which then had to be checked again to become text:
//! on a million-card import the check alone was a fiftieth of the reader thread's time.

/// Appends `s` as a JSON string literal (quotes included), escaped exactly as serde_json's
/// compact writer does: `"` and `\`, the short escapes `\b \f \n \r \t`, every other control
/// character below U+0020 as `\u00XX`; nothing else.
pub(super) fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
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

    proptest! {
        #[test]
        fn any_text_is_written_as_serde_json_writes_it(s in "\\PC*|[\\x00-\\x20\"\\\\а-яё]{0,40}") {
            prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
