//! Reading a field of a card the way the rules need it: filled or not, and as a calendar day.
//! Lookups compare names folded without allocating: the rules run over millions of cards.

use chrono::{NaiveDate, NaiveDateTime};

use super::stem::lower_fast;
use crate::domain::card::{Card, SystemField};
use crate::domain::funnel::{FieldRef, Funnel};

/// The profile fields that hold a date: the only system fields a `date` rule may name.
pub const SYSTEM_DATE_FIELDS: [SystemField; 5] = [
    SystemField::CreatedAt,
    SystemField::UpdatedAt,
    SystemField::ClosedAt,
    SystemField::ExpectedCloseAt,
    SystemField::LastActivityAt,
];

/// Whether the card has a value for the field.
pub fn is_filled(card: &Card, field: &FieldRef, funnel: &Funnel) -> bool {
    match field {
        FieldRef::System(f) => system_filled(card, *f),
        FieldRef::Custom(name) => custom_value(card, name, funnel).is_some(),
    }
}

fn system_filled(card: &Card, field: SystemField) -> bool {
    fn text(v: &Option<String>) -> bool {
        v.as_deref().is_some_and(|s| !s.trim().is_empty())
    }
    fn any(v: &[String]) -> bool {
        v.iter().any(|s| !s.trim().is_empty())
    }
    match field {
        SystemField::ExternalId => !card.external_id.trim().is_empty(),
        SystemField::Title => text(&card.title),
        SystemField::Stage => !card.stage.trim().is_empty(),
        SystemField::Pipeline => text(&card.pipeline),
        SystemField::Owner => text(&card.owner),
        SystemField::Amount => card.amount.is_some(),
        SystemField::Currency => text(&card.currency),
        SystemField::Contact => text(&card.contact),
        SystemField::Company => text(&card.company),
        SystemField::Closed => card.closed.is_some(),
        SystemField::Won => card.won.is_some(),
        // A status word is read into closed/won by the profile.
        SystemField::Status => card.closed.is_some() || card.won.is_some(),
        SystemField::Phone => any(&card.phones),
        SystemField::Email => any(&card.emails),
        SystemField::Tags => any(&card.tags),
        SystemField::Notes => any(&card.notes),
        SystemField::CreatedAt
        | SystemField::UpdatedAt
        | SystemField::ClosedAt
        | SystemField::ExpectedCloseAt
        | SystemField::LastActivityAt => system_date(card, field).is_some(),
    }
}

/// The value of a system date field; `None` for an empty one or a field that holds no date.
pub fn system_date(card: &Card, field: SystemField) -> Option<NaiveDateTime> {
    match field {
        SystemField::CreatedAt => card.created_at,
        SystemField::UpdatedAt => card.updated_at,
        SystemField::ClosedAt => card.closed_at,
        SystemField::ExpectedCloseAt => card.expected_close_at,
        SystemField::LastActivityAt => card.last_activity_at,
        _ => None,
    }
}

/// A custom field's non-blank value, found under the field's name or any of its aliases
/// (compared folded; the name as written is tried first, as most exports write it so).
pub fn custom_value<'c>(card: &'c Card, name: &str, funnel: &Funnel) -> Option<&'c str> {
    let exact = card
        .fields
        .iter()
        .find(|(header, _)| header.as_ref() == name);
    let found = exact.or_else(|| {
        let keys = funnel.custom_keys(name);
        if keys.is_empty() {
            let key = crate::domain::names::fold(name);
            card.fields.iter().find(|(header, _)| fold_eq(header, &key))
        } else {
            card.fields
                .iter()
                .find(|(header, _)| keys.iter().any(|k| fold_eq(header, k)))
        }
    });
    found.map(|(_, v)| v.trim()).filter(|v| !v.is_empty())
}

/// A date field's value as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayValue<'c> {
    Empty,
    Day(NaiveDate),
    /// Filled with something that is not a date; the raw text, for the sentence.
    NotADate(&'c str),
}

pub fn day_value<'c>(card: &'c Card, field: &FieldRef, funnel: &Funnel) -> DayValue<'c> {
    match field {
        FieldRef::System(f) => {
            system_date(card, *f).map_or(DayValue::Empty, |d| DayValue::Day(d.date()))
        }
        FieldRef::Custom(name) => match custom_value(card, name, funnel) {
            None => DayValue::Empty,
            Some(raw) => parse_day(raw).map_or(DayValue::NotADate(raw), DayValue::Day),
        },
    }
}

/// A calendar day from the shapes CRMs export dates in: `DD.MM.YYYY` (amoCRM, Bitrix24) or
/// `YYYY-MM-DD` (HubSpot, Salesforce, workbooks), each optionally followed by a time.
pub fn parse_day(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    // Every form read below starts with a digit; most values (names, sources) do not, and a
    // pass over every card's fields asks this of each.
    if !raw.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let date = raw.split([' ', 'T']).next()?;
    let mut parts = date.split(['.', '-']);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let number = |s: &str, max_len: usize| -> Option<u32> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (year, month, day) = if date.contains('.') && c.len() == 4 {
        (number(c, 4)?, number(b, 2)?, number(a, 2)?)
    } else if date.contains('-') && a.len() == 4 {
        (number(a, 4)?, number(b, 2)?, number(c, 2)?)
    } else {
        return None;
    };
    NaiveDate::from_ymd_opt(year as i32, month, day)
}

/// `fold(raw) == folded`, without building `fold(raw)` (see `domain::names::fold`).
pub fn fold_eq(raw: &str, folded: &str) -> bool {
    let mut want = folded.chars();
    let mut pending_space = false;
    let mut started = false;
    for ch in raw.chars() {
        if ch.is_whitespace() || ch == '\u{a0}' {
            pending_space = started;
            continue;
        }
        if pending_space {
            if want.next() != Some(' ') {
                return false;
            }
            pending_space = false;
        }
        started = true;
        if let Some(lc) = lower_fast(ch) {
            if want.next() != Some(lc) {
                return false;
            }
            continue;
        }
        for lc in ch.to_lowercase() {
            let lc = if lc == 'ё' { 'е' } else { lc };
            if want.next() != Some(lc) {
                return false;
            }
        }
    }
    want.next().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::names::fold;

    #[test]
    fn fold_eq_agrees_with_fold() {
        for (a, b) in [
            ("  Дата  встречи ", "Дата встречи"),
            ("ДАТА\u{a0}ВСТРЕЧИ", "дата встречи"),
            ("Отчёт", "отчет"),
            ("Дата встречи", "Дата встреч"),
            ("Дата встречи", "Дата встречи в офисе"),
            ("", ""),
            ("a b", "ab"),
        ] {
            assert_eq!(fold_eq(a, &fold(b)), fold(a) == fold(b), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn days_parse_from_crm_shapes() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert_eq!(parse_day("05.11.2026"), Some(d));
        assert_eq!(parse_day("5.11.2026 14:30"), Some(d));
        assert_eq!(parse_day("2026-11-05"), Some(d));
        assert_eq!(parse_day("2026-11-05T10:00:00Z"), Some(d));
        assert_eq!(parse_day(" 2026-11-05 10:00:00 "), Some(d));
        for bad in [
            "завтра",
            "32.11.2026",
            "05.11.26",
            "2026/11/05",
            "1.2.3.4",
            "",
            "05.11.2026x",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
