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
    formats: Vec<(Vec<Item<'static>>, Option<Shape>)>,
}

impl DateParser {
    pub fn new(formats: &[String]) -> DateParser {
        DateParser {
            formats: formats
                .iter()
                .filter_map(|f| StrftimeItems::new(f).parse_to_owned().ok())
                .map(|items| {
                    let shape = Shape::of(&items);
                    (items, shape)
                })
                .collect(),
        }
    }

    /// Date-only values are midnight; values with an offset are converted to UTC. A two-digit
    /// year is read as Excel reads it (see [`century`]).
    pub fn parse(&self, raw: &str) -> Option<NaiveDateTime> {
        self.parse_any_year(raw).and_then(century)
    }

    /// The value is written in one of the formats, every field in its range, but the day it
    /// names does not exist (`31.02.2026`, `29.02.2025`): a wrong date, not a value of another
    /// kind.
    pub fn no_such_day(&self, raw: &str) -> bool {
        let raw = raw.trim();
        self.parse(raw).is_none()
            && self.formats.iter().any(|(items, _)| {
                chrono::format::parse(&mut Parsed::new(), raw, items.iter()).is_ok()
            })
    }

    fn parse_any_year(&self, raw: &str) -> Option<NaiveDateTime> {
        let raw = raw.trim();
        for (items, shape) in &self.formats {
            if let Some(dt) = shape.as_ref().and_then(|s| s.read(raw)) {
                return Some(dt);
            }
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

/// A file re-saved by Excel writes `20.11.26` or `11/15/26` where the CRM wrote the whole year,
/// and chrono's `%Y` takes the two digits for year 26: such a year is Excel's, 00–29 this
/// century and 30–99 the last. A year of three digits is no date a CRM writes.
fn century(dt: NaiveDateTime) -> Option<NaiveDateTime> {
    use chrono::Datelike;
    match dt.year() {
        y @ 0..=29 => dt.with_year(2000 + y),
        y @ 30..=99 => dt.with_year(1900 + y),
        100..=999 => None,
        _ => Some(dt),
    }
}

/// A date format of zero-padded numbers between one-byte literals (`%d.%m.%Y %H:%M:%S`), read
/// byte by byte: an import reads millions of dates, and chrono's general parser was a
/// hundredth of its time. A value of exactly that shape reads as chrono reads it; anything else
/// (a one-digit day, a wider year, a time that does not exist) is left to chrono.
#[derive(Debug, Clone)]
struct Shape {
    /// Per byte of the value: a literal byte, or a digit of a numbered part.
    bytes: Vec<Slot>,
    /// Whether the value has a time of day (else it is midnight).
    time: bool,
    seconds: bool,
}

#[derive(Debug, Clone, Copy)]
enum Slot {
    Literal(u8),
    Digit(Part),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Year,
    Month,
    Day,
    Hour,
    Minute,
    Second,
}

impl Shape {
    fn of(items: &[Item<'_>]) -> Option<Shape> {
        use chrono::format::{Numeric, Pad};
        let mut bytes = Vec::new();
        let mut seen = Vec::new();
        for item in items {
            match item {
                Item::Numeric(n, Pad::Zero) => {
                    let (part, width) = match n {
                        Numeric::Year => (Part::Year, 4),
                        Numeric::Month => (Part::Month, 2),
                        Numeric::Day => (Part::Day, 2),
                        Numeric::Hour => (Part::Hour, 2),
                        Numeric::Minute => (Part::Minute, 2),
                        Numeric::Second => (Part::Second, 2),
                        _ => return None,
                    };
                    if seen.contains(&part) {
                        return None;
                    }
                    seen.push(part);
                    bytes.extend(std::iter::repeat_n(Slot::Digit(part), width));
                }
                // Exactly this byte: chrono takes it too (and reads a space as any run of white
                // space, a value of another shape it reads itself).
                Item::Literal(l) | Item::Space(l) if l.len() == 1 && l.is_ascii() => {
                    bytes.push(Slot::Literal(l.as_bytes()[0]));
                }
                Item::OwnedLiteral(l) | Item::OwnedSpace(l) if l.len() == 1 && l.is_ascii() => {
                    bytes.push(Slot::Literal(l.as_bytes()[0]));
                }
                _ => return None,
            }
        }
        let has = |p| seen.contains(&p);
        let date = has(Part::Year) && has(Part::Month) && has(Part::Day);
        let time = has(Part::Hour) && has(Part::Minute);
        // Shapes chrono reads some other way (an hour without minutes is midnight there).
        if !date || (has(Part::Hour) != time) || (has(Part::Second) && !time) {
            return None;
        }
        Some(Shape {
            bytes,
            time,
            seconds: has(Part::Second),
        })
    }

    fn read(&self, raw: &str) -> Option<NaiveDateTime> {
        let b = raw.as_bytes();
        if b.len() != self.bytes.len() {
            return None;
        }
        let mut v = [0u32; 6];
        for (&c, slot) in b.iter().zip(&self.bytes) {
            match *slot {
                Slot::Literal(l) if c == l => {}
                Slot::Digit(p) if c.is_ascii_digit() => {
                    let n = &mut v[p as usize];
                    *n = *n * 10 + u32::from(c - b'0');
                }
                _ => return None,
            }
        }
        let [y, mo, d, h, mi, s] = v;
        let date = NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, mo, d)?;
        if self.time {
            date.and_hms_opt(h, mi, if self.seconds { s } else { 0 })
        } else {
            date.and_hms_opt(0, 0, 0)
        }
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
        K::Number => super::amount::parse_amount(raw.trim(), true).is_some(),
        K::Text | K::Bool | K::List => true,
    }
}

/// Parses a date or date-time with the given formats (see [`DateParser`]).
pub fn parse_date(raw: &str, formats: &[String]) -> Option<NaiveDateTime> {
    parse_date_any_year(raw.trim(), formats).and_then(century)
}

fn parse_date_any_year(raw: &str, formats: &[String]) -> Option<NaiveDateTime> {
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

/// A profile's words for yes and no, folded once: a sync's every deal carries two yes/no
/// cells, and folding the words again for each cost more than reading the cell.
#[derive(Debug, Clone, Default)]
pub struct Bools {
    yes: Vec<String>,
    no: Vec<String>,
}

impl Bools {
    pub fn new(true_values: &[String], false_values: &[String]) -> Bools {
        let folded = |ws: &[String]| ws.iter().map(|w| fold(w)).collect();
        Bools {
            yes: folded(true_values),
            no: folded(false_values),
        }
    }

    /// A yes/no cell, by the profile's words (compared folded).
    pub fn parse(&self, raw: &str) -> Option<bool> {
        let k = fold(raw);
        if self.yes.contains(&k) {
            Some(true)
        } else if self.no.contains(&k) {
            Some(false)
        } else {
            None
        }
    }
}

/// The words an import reads as yes and as no unless its profile names its own.
pub const YES_WORDS: [&str; 6] = ["да", "yes", "y", "true", "1", "истина"];
pub const NO_WORDS: [&str; 6] = ["нет", "no", "n", "false", "0", "ложь"];

/// A custom field's value read as a checkbox's, to be shown in words: a field the funnel
/// declares `bool` by any of [`YES_WORDS`]/[`NO_WORDS`]; any other by `true`/`false` alone, what
/// amoCRM writes for a checkbox in its export and its API, which never mean anything else — an
/// undeclared field's `1` or `n` may (`Комнат: 1`), and stays as written.
pub fn checkbox(kind: crate::domain::funnel::FieldKind, raw: &str) -> Option<bool> {
    let k = fold(raw);
    let (yes, no): (&[&str], &[&str]) = match kind {
        crate::domain::funnel::FieldKind::Bool => (&YES_WORDS, &NO_WORDS),
        _ => (&["true"], &["false"]),
    };
    if yes.contains(&k.as_str()) {
        Some(true)
    } else if no.contains(&k.as_str()) {
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
pub const OWNER_ID_FIELD: &str = crate::domain::columns::OWNER_ID_COLUMNS[1];

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

    /// The byte-by-byte reading of a date answers as chrono does, for the profiles' formats and
    /// values of every near shape.
    #[test]
    fn shaped_dates_read_as_chrono_reads_them() {
        use super::DateParser;
        let formats: Vec<String> = [
            "%d.%m.%Y %H:%M:%S",
            "%d.%m.%Y %H:%M",
            "%d.%m.%Y",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%d",
            "%Y%m%d",
            "%d/%m/%Y %H",
            "%m/%d/%Y %I:%M %p",
        ]
        .map(String::from)
        .to_vec();
        let chrono_only = |raw: &str| {
            let mut p = DateParser::new(&formats);
            for (_, shape) in &mut p.formats {
                *shape = None;
            }
            p.parse(raw)
        };
        let fast = DateParser::new(&formats);
        assert!(fast.formats.iter().filter(|(_, s)| s.is_some()).count() >= 6);
        for raw in [
            "05.11.2026 10:07:09",
            "5.11.2026 10:07:09",
            "05.11.2026  10:07:09",
            "05.11.2026 10:07",
            "05.11.2026",
            "31.02.2026",
            "29.02.2024 23:59:60",
            "00.01.2026",
            "05.13.2026 10:00:00",
            "05.11.2026 24:00:00",
            "2026-11-05 10:07:09",
            "2026-11-05T10:07:09",
            "2026-11-05",
            "20261105",
            "05/11/2026 10",
            "11/05/2026 10:07 PM",
            "0005.11.2026",
            "05.11.20266",
            "+2026-11-05",
            "2026-11-05 10:07:09Z",
            "",
            "05.11.2026 10:07:0x",
        ] {
            assert_eq!(fast.parse(raw), chrono_only(raw), "{raw:?}");
        }
    }
    use super::*;

    #[test]
    fn a_checkbox_reads_by_every_yes_no_word_if_declared_else_by_true_and_false_alone() {
        use crate::domain::funnel::FieldKind as K;
        for (raw, bool_field, other) in [
            ("true", Some(true), Some(true)),
            (" FALSE ", Some(false), Some(false)),
            ("1", Some(true), None),
            ("0", Some(false), None),
            ("Да", Some(true), None),
            ("n", Some(false), None),
            ("может быть", None, None),
            ("", None, None),
        ] {
            assert_eq!(super::checkbox(K::Bool, raw), bool_field, "{raw:?}");
            assert_eq!(super::checkbox(K::Text, raw), other, "{raw:?}");
            assert_eq!(super::checkbox(K::Number, raw), other, "{raw:?}");
        }
    }

    #[test]
    fn yes_and_no_read_by_the_profiles_words_folded() {
        let words = |ws: &[&str]| ws.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        let b = super::Bools::new(
            &words(&["Да", "true", "Закрыта"]),
            &words(&["нет", "FALSE"]),
        );
        assert_eq!(b.parse("да"), Some(true));
        assert_eq!(b.parse(" TRUE "), Some(true));
        assert_eq!(b.parse("закрыта"), Some(true));
        assert_eq!(b.parse("Нет"), Some(false));
        assert_eq!(b.parse("false"), Some(false));
        assert_eq!(b.parse("может быть"), None);
        assert_eq!(b.parse(""), None);
    }

    fn fmts(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// Excel re-saves `20.11.2026` as `20.11.26`: the year is this century's, not year 26
    /// (a card idle for 730,000 days).
    #[test]
    fn a_two_digit_year_is_read_as_excel_reads_it() {
        let ru = DateParser::new(&fmts(&["%d.%m.%Y %H:%M:%S", "%d.%m.%Y"]));
        let day = |p: &DateParser, raw| p.parse(raw).map(|d| d.to_string());
        assert_eq!(day(&ru, "20.11.26").as_deref(), Some("2026-11-20 00:00:00"));
        assert_eq!(
            day(&ru, "20.11.26 10:00:00").as_deref(),
            Some("2026-11-20 10:00:00")
        );
        assert_eq!(day(&ru, "01.02.85").as_deref(), Some("1985-02-01 00:00:00"));
        assert_eq!(day(&ru, "20.11.226"), None);
        assert_eq!(
            day(&ru, "20.11.2026").as_deref(),
            Some("2026-11-20 00:00:00")
        );
        let us = DateParser::new(&fmts(&["%m/%d/%Y"]));
        assert_eq!(day(&us, "11/15/26").as_deref(), Some("2026-11-15 00:00:00"));
        assert_eq!(
            parse_date("12/01/26", &fmts(&["%m/%d/%Y"])).map(|d| d.to_string()),
            Some("2026-12-01 00:00:00".to_string())
        );
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
