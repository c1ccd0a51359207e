//! Parsing the value formats CRMs write: dates, amounts, yes/no, `Name [ID]` owners, lists.

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, NaiveDate, NaiveDateTime};

use serde::Deserialize;

use crate::domain::names::fold;

/// How a CRM writes a card's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OwnerFormat {
    /// The cell is the owner's name (or id) as is.
    #[default]
    Plain,
    /// `Name [123]` — the bracketed CRM user id is dropped (Bitrix24).
    NameWithId,
}

/// A profile's date formats, compiled once (chrono re-parses a format string on every call
/// otherwise, and an import parses a few million dates).
pub struct DateParser {
    formats: Vec<Vec<Item<'static>>>,
}

impl DateParser {
    pub fn new(formats: &[String]) -> DateParser {
        DateParser {
            formats: formats
                .iter()
                .filter_map(|f| StrftimeItems::new(f).parse_to_owned().ok())
                .collect(),
        }
    }

    /// Date-only values are midnight; values with an offset are converted to UTC.
    pub fn parse(&self, raw: &str) -> Option<NaiveDateTime> {
        let raw = raw.trim();
        for items in &self.formats {
            let mut parsed = Parsed::new();
            if chrono::format::parse(&mut parsed, raw, items.iter()).is_err() {
                continue;
            }
            if parsed.offset().is_some() {
                if let Ok(dt) = parsed.to_datetime() {
                    return Some(dt.naive_utc());
                }
            } else if let Ok(dt) = parsed.to_naive_datetime_with_offset(0) {
                return Some(dt);
            } else if let Ok(d) = parsed.to_naive_date() {
                return d.and_hms_opt(0, 0, 0);
            }
        }
        None
    }
}

/// Dates as auditors type them (and as the reviewer shows them): what a field correction may
/// say, and what the CRM change file reads back.
pub const TYPED_DATES: [&str; 7] = [
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
];

/// Whether a value typed for a field of this kind is one: a date must parse as one of
/// [`TYPED_DATES`], a number as an amount written the Russian way (`1 250 000,50`). Other kinds
/// take any text.
pub fn is_typed(kind: crate::domain::funnel::FieldKind, raw: &str) -> bool {
    use crate::domain::funnel::FieldKind as K;
    match kind {
        K::Date => DateParser::new(&TYPED_DATES.map(String::from))
            .parse(raw)
            .is_some(),
        K::Number => parse_amount(raw.trim(), true).is_some(),
        K::Text | K::Bool | K::List => true,
    }
}

/// Parses a date or date-time with the given formats (see [`DateParser`]).
pub fn parse_date(raw: &str, formats: &[String]) -> Option<NaiveDateTime> {
    let raw = raw.trim();
    for f in formats {
        if f.contains("%z") || f.contains("%:z") {
            if let Ok(dt) = DateTime::parse_from_str(raw, f) {
                return Some(dt.naive_utc());
            }
        } else if f.contains("%H") {
            if let Ok(dt) = NaiveDateTime::parse_from_str(raw, f) {
                return Some(dt);
            }
        } else if let Ok(d) = NaiveDate::parse_from_str(raw, f) {
            return d.and_hms_opt(0, 0, 0);
        }
    }
    None
}

/// Parses `8 450 000`, `8 450 000,50 ₽`, `1124741.15`, `1,124,741.15` (with `decimal_comma` off).
pub fn parse_amount(raw: &str, decimal_comma: bool) -> Option<f64> {
    // Most CRMs write plain whole numbers: no need to clean them up.
    if !raw.is_empty() && raw.len() < 16 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse::<u64>().ok().map(|v| v as f64);
    }
    let mut s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\''))
        .collect();
    for suffix in ["₽", "руб.", "руб", "р.", "$", "€", "rub", "usd", "eur"] {
        if let Some(stripped) = s.to_lowercase().strip_suffix(suffix) {
            s = stripped.to_string();
        }
        if let Some(stripped) = s.strip_prefix(suffix) {
            s = stripped.to_string();
        }
    }
    if s.is_empty() {
        return None;
    }
    let s = if decimal_comma {
        if s.contains(',') && s.contains('.') {
            // `1.234.567,89`: dots group thousands.
            s.replace('.', "").replace(',', ".")
        } else {
            s.replace(',', ".")
        }
    } else {
        s.replace(',', "")
    };
    let v: f64 = s.parse().ok()?;
    v.is_finite().then_some(v)
}

/// A yes/no cell, by the words a profile gives for yes and no (compared folded).
pub fn parse_bool(raw: &str, true_values: &[String], false_values: &[String]) -> Option<bool> {
    let k = fold(raw);
    if true_values.iter().any(|t| fold(t) == k) {
        Some(true)
    } else if false_values.iter().any(|f| fold(f) == k) {
        Some(false)
    } else {
        None
    }
}

/// `Смирнова Ольга [17]` → `Смирнова Ольга` when the profile says owners carry ids.
pub fn clean_owner(raw: &str, format: OwnerFormat) -> String {
    let raw = raw.trim();
    match format {
        OwnerFormat::Plain => raw.to_string(),
        OwnerFormat::NameWithId => match raw.rfind(" [") {
            Some(i) if raw.ends_with(']') => raw[..i].trim().to_string(),
            _ => raw.to_string(),
        },
    }
}

/// `Смирнова Ольга [17]` → `17` when the profile says owners carry ids (digits only).
pub fn owner_id(raw: &str, format: OwnerFormat) -> Option<&str> {
    let raw = raw.trim();
    match format {
        OwnerFormat::Plain => None,
        OwnerFormat::NameWithId => {
            let inner = raw.strip_suffix(']')?;
            let id = &inner[inner.rfind(" [")? + 2..];
            (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
        }
    }
}

/// The custom field a card keeps its owner's CRM user id in, when the export gave one
/// (`Name [17]`): named as Bitrix24's API names it, which takes it back.
pub const OWNER_ID_FIELD: &str = "ASSIGNED_BY_ID";

/// `3.14159E+17`: a long numeric ID after a trip through Excel (HubSpot record IDs).
pub fn looks_like_scientific(id: &str) -> bool {
    let Some((mantissa, exp)) = id.split_once(['e', 'E']) else {
        return false;
    };
    let exp = exp.strip_prefix('+').unwrap_or(exp);
    !exp.is_empty()
        && exp.bytes().all(|b| b.is_ascii_digit())
        && !mantissa.is_empty()
        && mantissa
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
        && mantissa.bytes().next().is_some_and(|b| b.is_ascii_digit())
}

pub fn split_list<'a>(raw: &'a str, sep: &'a str) -> impl Iterator<Item = String> + 'a {
    raw.split(sep)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmts(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn dates_in_crm_formats() {
        let f = fmts(&["%d.%m.%Y %H:%M:%S", "%d.%m.%Y"]);
        assert_eq!(
            parse_date("14.10.2026 09:30:00", &f).unwrap().to_string(),
            "2026-10-14 09:30:00"
        );
        assert_eq!(
            parse_date("14.10.2026", &f).unwrap().to_string(),
            "2026-10-14 00:00:00"
        );
        assert_eq!(parse_date("32.13.2026", &f), None);
        let sf = fmts(&["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d"]);
        assert_eq!(
            parse_date("2024-01-22T16:14:25.000+0300", &sf)
                .unwrap()
                .to_string(),
            "2024-01-22 13:14:25"
        );
        assert_eq!(
            parse_date("2024-11-10", &sf).unwrap().to_string(),
            "2024-11-10 00:00:00"
        );
    }

    #[test]
    fn compiled_parser_agrees_with_the_plain_one() {
        let f = fmts(&[
            "%Y-%m-%dT%H:%M:%S%.f%z",
            "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M",
            "%d.%m.%Y",
            "%Y-%m-%d",
        ]);
        let p = DateParser::new(&f);
        for raw in [
            "14.10.2026 09:30:00",
            "14.10.2026 09:30",
            "14.10.2026",
            "2024-11-10",
            "2024-01-22T16:14:25.000+0300",
            "32.13.2026",
            "завтра",
            "",
        ] {
            assert_eq!(p.parse(raw), parse_date(raw, &f), "{raw}");
        }
    }

    #[test]
    fn amounts_with_spaces_commas_and_currency() {
        assert_eq!(parse_amount("8 450 000", true), Some(8_450_000.0));
        assert_eq!(
            parse_amount("8\u{a0}450\u{a0}000,50 ₽", true),
            Some(8_450_000.5)
        );
        assert_eq!(parse_amount("1124741.15", true), Some(1_124_741.15));
        assert_eq!(parse_amount("1.234.567,89", true), Some(1_234_567.89));
        assert_eq!(parse_amount("1,124,741.15", false), Some(1_124_741.15));
        assert_eq!(parse_amount("abc", true), None);
        assert_eq!(parse_amount("", true), None);
    }

    #[test]
    fn excel_mangled_ids_are_spotted() {
        assert!(looks_like_scientific("3.14159E+17"));
        assert!(looks_like_scientific("1,2E+10"));
        assert!(!looks_like_scientific("31245817"));
        assert!(!looks_like_scientific("006Ec00000AieKFIAZ"));
        assert!(!looks_like_scientific("E+17"));
    }

    #[test]
    fn owners_with_ids() {
        assert_eq!(
            clean_owner("Смирнова Ольга [17]", OwnerFormat::NameWithId),
            "Смирнова Ольга"
        );
        assert_eq!(
            clean_owner("Смирнова Ольга [17]", OwnerFormat::Plain),
            "Смирнова Ольга [17]"
        );
        assert_eq!(
            owner_id(" Смирнова Ольга [17] ", OwnerFormat::NameWithId),
            Some("17")
        );
        assert_eq!(owner_id("Смирнова Ольга [17]", OwnerFormat::Plain), None);
        assert_eq!(
            owner_id("Смирнова Ольга [x7]", OwnerFormat::NameWithId),
            None
        );
        assert_eq!(owner_id("Смирнова Ольга []", OwnerFormat::NameWithId), None);
        assert_eq!(owner_id("Смирнова Ольга", OwnerFormat::NameWithId), None);
    }
}
