//! JSON for stdout: serde_json escapes C0 controls, and this escapes the rest a terminal or an
//! editor would act on (DEL, C1 controls, bidi overrides and isolates) as `\uXXXX` too.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{CompactFormatter, Formatter};

/// serde_json's compact layout, with every character [`super::safe::is_unsafe`] names escaped.
/// The text means the same to any JSON reader; only its spelling changes.
pub struct SafeFormatter;

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if super::safe::is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                // Everything escaped here lies in the Basic Multilingual Plane: one \u each.
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        CompactFormatter.write_string_fragment(w, &fragment[start..])
    }
}

/// `value` as one line of JSON, safe for a terminal.
pub fn to_string(value: &impl Serialize) -> serde_json::Result<String> {
    let mut out = Vec::new();
    value.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        SafeFormatter,
    ))?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_reach_the_json_as_escapes_and_read_back_the_same() {
        let owner = "Иван\u{1b}]0;pwned\u{7}\u{202e}txt.exe\u{9b}\u{7f}";
        let json = super::to_string(&serde_json::json!({ "owner": owner })).unwrap();
        assert_eq!(
            json,
            r#"{"owner":"Иван\u001b]0;pwned\u0007\u202etxt.exe\u009b\u007f"}"#
        );
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["owner"], owner);
    }
}
