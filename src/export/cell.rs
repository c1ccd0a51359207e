//! A cell of an exported table, typed: text is defused before a spreadsheet can run it as a
//! formula, numbers are written as numbers and never touched.

use std::borrow::Cow;

#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }

    /// Text, or empty when there is none.
    pub fn opt(s: Option<&'a str>) -> Cell<'a> {
        s.map_or(Cell::Empty, Cell::text)
    }
}

pub use crate::domain::formula::{defuse, undefuse};

/// A number as spreadsheets and importers read it back: plain decimal notation (never `1e21`),
/// `,` as the decimal separator where the locale wants it, nothing for a non-finite value.
pub fn number(value: f64, decimal_comma: bool) -> String {
    if !value.is_finite() {
        return String::new();
    }
    // `-0` reads oddly and means 0.
    let value = if value == 0.0 { 0.0 } else { value };
    let s = value.to_string();
    if decimal_comma {
        s.replace('.', ",")
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_get_a_quote_and_everything_else_is_left_alone() {
        assert_eq!(
            defuse("=HYPERLINK(\"http://x\",\"y\")"),
            "'=HYPERLINK(\"http://x\",\"y\")"
        );
        assert_eq!(defuse("+7 (999) 123-45-67"), "'+7 (999) 123-45-67");
        assert_eq!(defuse("-2+3"), "'-2+3");
        assert_eq!(defuse("@SUM(A1:A9)"), "'@SUM(A1:A9)");
        assert_eq!(defuse("\tcmd"), "'\tcmd");
        assert_eq!(defuse("\r=1"), "'\r=1");
        assert_eq!(defuse("Договор"), "Договор");
        assert_eq!(defuse("a=b"), "a=b");
        assert_eq!(defuse(""), "");
    }

    #[test]
    fn numbers_stay_plain() {
        assert_eq!(number(7_020_000.0, false), "7020000");
        assert_eq!(number(-2.5, false), "-2.5");
        assert_eq!(number(-2.5, true), "-2,5");
        assert_eq!(number(1e21, false), "1000000000000000000000");
        assert_eq!(number(-0.0, false), "0");
        assert_eq!(number(f64::NAN, false), "");
    }
}
