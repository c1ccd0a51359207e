//! A cell a spreadsheet would run as a formula, and how okk writes it instead: every CSV okk
//! writes (exports, and the templates it prints for the user to fill in) goes through here.

use std::borrow::Cow;

/// What makes Excel, LibreOffice and Google Sheets read a cell as a formula (OWASP, "CSV
/// Injection"): a leading `=`, `+`, `-` or `@`, and tab or carriage return before them.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The text as a spreadsheet will show it but never run it: a dangerous first character gets a
/// `'` in front (OWASP's advice), which spreadsheets read as "this is text".
pub fn defuse(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// [`defuse`] undone: a cell okk wrote defused and a text editor kept as written (a spreadsheet
/// drops the `'` itself when it saves) reads as the text it stands for.
pub fn undefuse(text: &str) -> &str {
    match text.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => text,
    }
}
