//! `date`: a date field contradicts the stage — a meeting "scheduled" for last week, a booking
//! that has expired. An empty field is the `required` rule's business, not this one's.

use super::config::{DateRule, MustBe};
use super::values::{DayValue, day_value};
use super::{Cx, flag};
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};

pub(super) fn check(cx: &Cx, rule: &DateRule, severity: Severity) -> Option<Flag> {
    let stage = cx.stage.name.clone();
    let field = &rule.field;
    let name = field.clone();
    let evidence = match day_value(cx.card, field, cx.funnel) {
        DayValue::Empty => return None,
        DayValue::NotADate(raw) => Evidence::NotADate {
            field: name,
            raw: raw.to_string(),
            stage,
        },
        DayValue::Day(day) => {
            let today = cx.now.date();
            let from_today = (day - today).num_days();
            let other_day = |other| match day_value(cx.card, other, cx.funnel) {
                DayValue::Day(d) => Some(d),
                DayValue::Empty | DayValue::NotADate(_) => None,
            };
            match &rule.must_be {
                MustBe::Future if day <= today => Evidence::DateNotFuture {
                    field: name,
                    day,
                    from_today,
                    stage,
                },
                MustBe::Past if day > today => Evidence::DateNotPast {
                    field: name,
                    day,
                    from_today,
                    stage,
                },
                MustBe::NotPassed if day < today => Evidence::DatePassed {
                    field: name,
                    day,
                    from_today,
                    stage,
                },
                MustBe::BeforeField(other) => Evidence::DateAfterOther {
                    field: name,
                    day,
                    other: other.clone(),
                    other_day: other_day(other).filter(|&o| day > o)?,
                    stage,
                },
                MustBe::AfterField(other) => Evidence::DateBeforeOther {
                    field: name,
                    day,
                    other: other.clone(),
                    other_day: other_day(other).filter(|&o| day < o)?,
                    stage,
                },
                _ => return None,
            }
        }
    };
    Some(flag(
        RuleCode::Date,
        severity,
        evidence,
        Some(field.label().to_string()),
    ))
}
