//! Counted words many areas share (1 card, 2 cards; 1 карточка, 5 карточек) and how numbers and
//! days read in the current language.

use super::i18n;
use super::lang;

pub fn cards(count: usize) -> String {
    crate::tr!("common-cards", count = count)
}

pub fn days(count: i64) -> String {
    crate::tr!("common-days", count = count)
}

pub fn reviews(count: usize) -> String {
    crate::tr!("common-reviews", count = count)
}

/// A whole number: `12345` / `12 345`.
pub fn int(n: i64) -> String {
    i18n::int(lang::current(), n)
}

/// A day: `2026-12-03` / `03.12.2026`.
pub fn day(d: chrono::NaiveDate) -> String {
    i18n::day(lang::current(), d)
}

/// A moment: `2026-12-03 12:00:00` / `03.12.2026 12:00:00`.
pub fn moment(t: chrono::NaiveDateTime) -> String {
    i18n::moment(lang::current(), t)
}
