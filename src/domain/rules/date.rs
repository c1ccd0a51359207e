//! `date`: a date field contradicts the stage — a meeting "scheduled" for last week, a booking
//! that has expired. An empty field is the `required` rule's business, not this one's.

use super::config::{DateRule, MustBe};
use super::values::{DayValue, day_value};
use super::{Cx, flag};
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::text::rules as text;

pub(super) fn check(cx: &Cx, rule: &DateRule, severity: Severity) -> Option<Flag> {
    let stage = cx.stage.name.as_str();
    let field = &rule.field;
    let message = match day_value(cx.card, field, cx.funnel) {
        DayValue::Empty => return None,
        DayValue::NotADate(raw) => text::date_not_a_date(field, raw, stage),
        DayValue::Day(day) => {
            let today = cx.now.date();
            let from_today = (day - today).num_days();
            let other_day = |other| match day_value(cx.card, other, cx.funnel) {
                DayValue::Day(d) => Some(d),
                DayValue::Empty | DayValue::NotADate(_) => None,
            };
            match &rule.must_be {
                MustBe::Future if day <= today => {
                    text::date_not_future(field, day, from_today, stage)
                }
                MustBe::Past if day > today => text::date_not_past(field, day, from_today, stage),
                MustBe::NotPassed if day < today => {
                    text::date_passed(field, day, from_today, stage)
                }
                MustBe::BeforeField(other) => {
                    let o = other_day(other).filter(|&o| day > o)?;
                    text::date_after_other(field, day, other, o, stage)
                }
                MustBe::AfterField(other) => {
                    let o = other_day(other).filter(|&o| day < o)?;
                    text::date_before_other(field, day, other, o, stage)
                }
                _ => return None,
            }
        }
    };
    Some(flag(
        RuleCode::Date,
        severity,
        message,
        Some(field.label().to_string()),
    ))
}
