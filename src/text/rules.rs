//! The sentences of flags: what a stage rule found on a card, with the evidence (field, value,
//! date) quoted as the CRM wrote it, so a QC specialist can check the claim in one look.
//! Rendered from a flag's evidence (`domain::flag::Evidence`) at display time in the reader's
//! language (`assets/i18n/LANG/rules.ftl`), never stored. Dates are DD.MM.YYYY in both.

use chrono::NaiveDate;

use crate::domain::card::SystemField;
use crate::domain::flag::{Evidence, Flag, Place};
use crate::domain::funnel::FieldRef;

/// The sentence of a flag.
pub fn message(f: &Flag) -> String {
    sentence(&f.evidence)
}

/// The sentence that states `e`.
pub fn sentence(e: &Evidence) -> String {
    match e {
        Evidence::RequiredEmpty { field, stage } => required_empty(field, stage),
        Evidence::Idle {
            days,
            last,
            allowed,
            stage,
        } => idle(*days, *last, stage, *allowed),
        Evidence::IdleFar {
            days,
            last,
            allowed,
            times,
            stage,
        } => idle_far(*days, *last, stage, *allowed, *times),
        Evidence::NotADate { field, raw, stage } => date_not_a_date(field, raw, stage),
        Evidence::DatePassed {
            field,
            day,
            from_today,
            stage,
        } => date_passed(field, *day, *from_today, stage),
        Evidence::DateNotFuture {
            field,
            day,
            from_today,
            stage,
        } => date_not_future(field, *day, *from_today, stage),
        Evidence::DateNotPast {
            field,
            day,
            from_today,
            stage,
        } => date_not_past(field, *day, *from_today, stage),
        Evidence::DateAfterOther {
            field,
            day,
            other,
            other_day,
            stage,
        } => date_after_other(field, *day, other, *other_day, stage),
        Evidence::DateBeforeOther {
            field,
            day,
            other,
            other_day,
            stage,
        } => date_before_other(field, *day, other, *other_day, stage),
        Evidence::Marker {
            place,
            quote,
            list,
            stage,
        } => markers(*place, quote, list, stage),
        Evidence::ClosedOnOpen { closed, stage } => closed_on_open(*closed, stage),
        Evidence::MarkedClosedOnOpen { stage } => marked_closed_on_open(stage),
        Evidence::NotClosedOnClosing { stage } => not_closed_on_closing(stage),
        Evidence::MovedBack { from, to, on } => moved_back(from, to, *on),
        Evidence::Skipped { stages, to, on } => skipped(stages, to, *on),
        Evidence::Gone { since } => gone(*since),
        Evidence::UnknownStage { stage } => unknown_stage(stage),
        Evidence::NoTask { stage } => no_task(stage),
        Evidence::TaskOverdue {
            due,
            from_today,
            stage,
        } => task_overdue(*due, *from_today, stage),
    }
}

fn q(text: &str) -> String {
    format!("«{text}»")
}

/// A calendar day as the desk writes it (the same in both languages: flags always said DD.MM.YYYY).
pub fn day(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// How far a day lies from today, in words: "today", "3 days ago", "in 5 days".
fn distance(days_from_today: i64) -> String {
    match days_from_today {
        0 => crate::tr!("rules-today"),
        -1 => crate::tr!("rules-yesterday"),
        1 => crate::tr!("rules-tomorrow"),
        n if n < 0 => crate::tr!("rules-days-ago", count = -n),
        n => crate::tr!("rules-days-ahead", count = n),
    }
}

/// A field as a sentence names it: a custom field by its name in «», a profile field in words.
pub fn field(f: &FieldRef) -> String {
    match f {
        FieldRef::Custom(name) => crate::tr!("rules-custom-field", name = name),
        FieldRef::System(s) => system_field(*s),
    }
}

fn system_field(f: SystemField) -> String {
    match f {
        SystemField::ExternalId => crate::tr!("rules-field-external-id"),
        SystemField::Title => crate::tr!("rules-field-title"),
        SystemField::Stage => crate::tr!("rules-field-stage"),
        SystemField::Pipeline => crate::tr!("rules-field-pipeline"),
        SystemField::Owner => crate::tr!("rules-field-owner"),
        SystemField::Amount => crate::tr!("rules-field-amount"),
        SystemField::Currency => crate::tr!("rules-field-currency"),
        SystemField::CreatedAt => crate::tr!("rules-field-created-at"),
        SystemField::UpdatedAt => crate::tr!("rules-field-updated-at"),
        SystemField::ClosedAt => crate::tr!("rules-field-closed-at"),
        SystemField::ExpectedCloseAt => crate::tr!("rules-field-expected-close-at"),
        SystemField::LastActivityAt => crate::tr!("rules-field-last-activity-at"),
        SystemField::Closed => crate::tr!("rules-field-closed"),
        SystemField::Won => crate::tr!("rules-field-won"),
        SystemField::Status => crate::tr!("rules-field-status"),
        SystemField::Contact => crate::tr!("rules-field-contact"),
        SystemField::Company => crate::tr!("rules-field-company"),
        SystemField::Phone => crate::tr!("rules-field-phone"),
        SystemField::Email => crate::tr!("rules-field-email"),
        SystemField::Tags => crate::tr!("rules-field-tags"),
        SystemField::Notes => crate::tr!("rules-field-notes"),
    }
}

// ---- required ----

fn required_empty(f: &FieldRef, stage: &str) -> String {
    crate::tr!("rules-required-empty", field = field(f), stage = stage)
}

// ---- idle ----

fn idle(days: i64, last: NaiveDate, stage: &str, allowed: u32) -> String {
    crate::tr!(
        "rules-idle",
        days = days,
        last = day(last),
        stage = stage,
        allowed = allowed
    )
}

/// Idle past twice the stage's limit: how many limits, whole from ten up and to a tenth below
/// (19 days of 7 are 2.7 limits, not «2 times»), a half rounded up as every figure is
/// ([`crate::text::i18n::rounded`]): 160 days of 7 are 22.86, «23» (tester42 F13: «22» beside
/// «9,7»). `times` (whole limits, rounded down) is the flag's; the sentence reckons anew.
fn idle_far(days: i64, last: NaiveDate, stage: &str, allowed: u32, times: i64) -> String {
    let ratio = days as f64 / f64::from(allowed.max(1));
    let tenth = crate::text::i18n::rounded(ratio, 1);
    let whole: i64 = crate::text::i18n::rounded(ratio, 0)
        .parse()
        .unwrap_or(times);
    let (said, plural) = match tenth.parse::<f64>() {
        // A fraction takes the form of «2 раза» in Russian (в 2,7 раза).
        Ok(t) if t < 10.0 && t.fract() != 0.0 => (
            crate::text::i18n::decimal(crate::text::lang::current(), ratio, 1),
            2,
        ),
        _ => (whole.to_string(), whole),
    };
    crate::tr!(
        "rules-idle-far",
        days = days,
        last = day(last),
        times = said,
        times_n = plural,
        allowed = allowed,
        stage = stage
    )
}

// ---- date ----

fn date_not_a_date(f: &FieldRef, raw: &str, stage: &str) -> String {
    crate::tr!(
        "rules-not-a-date",
        field = field(f),
        raw = raw,
        stage = stage
    )
}

/// `must_be = "not_passed"` failed: the day is before today.
fn date_passed(f: &FieldRef, value: NaiveDate, from_today: i64, stage: &str) -> String {
    crate::tr!(
        "rules-date-passed",
        field = field(f),
        day = day(value),
        distance = distance(from_today),
        stage = stage
    )
}

/// `must_be = "future"` failed: the day is today or before.
fn date_not_future(f: &FieldRef, value: NaiveDate, from_today: i64, stage: &str) -> String {
    crate::tr!(
        "rules-date-not-future",
        field = field(f),
        day = day(value),
        distance = distance(from_today),
        stage = stage
    )
}

/// `must_be = "past"` failed: the day is after today.
fn date_not_past(f: &FieldRef, value: NaiveDate, from_today: i64, stage: &str) -> String {
    crate::tr!(
        "rules-date-not-past",
        field = field(f),
        day = day(value),
        distance = distance(from_today),
        stage = stage
    )
}

/// `must_be = "before_field"` failed.
fn date_after_other(
    f: &FieldRef,
    value: NaiveDate,
    other: &FieldRef,
    other_value: NaiveDate,
    stage: &str,
) -> String {
    crate::tr!(
        "rules-date-after-other",
        field = field(f),
        day = day(value),
        other = field(other),
        other_day = day(other_value),
        stage = stage
    )
}

/// `must_be = "after_field"` failed.
fn date_before_other(
    f: &FieldRef,
    value: NaiveDate,
    other: &FieldRef,
    other_value: NaiveDate,
    stage: &str,
) -> String {
    crate::tr!(
        "rules-date-before-other",
        field = field(f),
        day = day(value),
        other = field(other),
        other_day = day(other_value),
        stage = stage
    )
}

// ---- markers ----

/// `list` is the marker list's name: the shipped `lost` and `sold` lists get their meaning
/// spelled out, any other list is named.
fn markers(place: Place, quote: &str, list: &str, stage: &str) -> String {
    let said = match place {
        Place::Notes => crate::tr!("rules-said-notes"),
        Place::Tags => crate::tr!("rules-said-tags"),
        Place::Title => crate::tr!("rules-said-title"),
    };
    let meaning = match list {
        "lost" => crate::tr!("rules-meaning-lost"),
        "sold" => crate::tr!("rules-meaning-sold"),
        other => crate::tr!("rules-meaning-other", list = other),
    };
    crate::tr!(
        "rules-markers",
        said = said,
        quote = quote,
        meaning = meaning,
        stage = stage
    )
}

// ---- closed_open ----

fn closed_on_open(closed: NaiveDate, stage: &str) -> String {
    crate::tr!("rules-closed-on-open", day = day(closed), stage = stage)
}

fn marked_closed_on_open(stage: &str) -> String {
    crate::tr!("rules-marked-closed-on-open", stage = stage)
}

fn not_closed_on_closing(stage: &str) -> String {
    crate::tr!("rules-not-closed-on-closing", stage = stage)
}

// ---- backwards ----

fn moved_back(from: &str, to: &str, on: NaiveDate) -> String {
    crate::tr!("rules-moved-back", from = from, to = to, on = day(on))
}

fn skipped(stages: &[String], to: &str, on: NaiveDate) -> String {
    let names: Vec<String> = stages.iter().map(|s| q(s)).collect();
    crate::tr!(
        "rules-skipped",
        count = stages.len(),
        stages = names.join(", "),
        to = to,
        on = day(on)
    )
}

// ---- gone ----

fn gone(since: Option<NaiveDate>) -> String {
    match since {
        Some(d) => crate::tr!("rules-gone-since", since = day(d)),
        None => crate::tr!("rules-gone"),
    }
}

// ---- unknown_stage ----

fn unknown_stage(stage: &str) -> String {
    crate::tr!("rules-unknown-stage", stage = stage)
}

/// `no_task`: nothing scheduled on an open card.
fn no_task(stage: &str) -> String {
    crate::tr!("rules-no-task", stage = stage)
}

/// `no_task`: the nearest task was due before today.
fn task_overdue(due: NaiveDate, from_today: i64, stage: &str) -> String {
    crate::tr!(
        "rules-task-overdue",
        due = day(due),
        distance = distance(from_today),
        stage = stage
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_read_naturally() {
        assert_eq!(distance(0), "today");
        assert_eq!(distance(-1), "yesterday");
        assert_eq!(distance(-10), "10 days ago");
        assert_eq!(distance(5), "in 5 days");
        let ru = |n| crate::text::lang::with(crate::text::lang::Lang::Ru, || distance(n));
        assert_eq!(ru(0), "сегодня");
        assert_eq!(ru(-1), "вчера");
        assert_eq!(ru(-3), "3 дня назад");
        assert_eq!(ru(-21), "21 день назад");
        assert_eq!(ru(5), "через 5 дней");
    }

    /// tester39 F16: 19 days of 7 read «в 2 раза дольше»; a tenth below ten limits, rounded down.
    #[test]
    fn far_idle_says_how_many_limits_to_a_tenth_below_ten() {
        let last = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let far = |days, times| idle_far(days, last, "Договор", 7, times);
        let ru =
            |days, times| crate::text::lang::with(crate::text::lang::Lang::Ru, || far(days, times));
        assert!(far(19, 2).contains(": 2.7× the 7 days"), "{}", far(19, 2));
        assert!(ru(19, 2).contains("в 2,7 раза дольше"), "{}", ru(19, 2));
        assert!(ru(21, 3).contains("в 3 раза дольше"), "{}", ru(21, 3));
        assert!(ru(35, 5).contains("в 5 раз дольше"), "{}", ru(35, 5));
        assert!(ru(160, 22).contains("в 23 раза дольше"), "{}", ru(160, 22));
        assert!(far(160, 22).contains(": 23× the"), "{}", far(160, 22));
    }

    /// tester42 F13: «160 дней … в 22 раза» (22.9 rounded down), «82 дня … в 11 раз» (11.7),
    /// but «68 дней … в 9,7 раза»: one rule, whole from ten up, a tenth below, a half up.
    #[test]
    fn far_idle_rounds_its_multiple_half_up_whole_from_ten() {
        let last = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
        let ru = |days, allowed| {
            crate::text::lang::with(crate::text::lang::Lang::Ru, || {
                idle_far(days, last, "Договор", allowed, days / i64::from(allowed))
            })
        };
        for (days, allowed, said) in [
            (160, 7, "в 23 раза"),
            (82, 7, "в 12 раз"),
            (68, 7, "в 9,7 раза"),
            (66, 7, "в 9,4 раза"),
            // 9.96 is 10.0 to a tenth: whole.
            (249, 25, "в 10 раз"),
            // 3.025 is 3.0 to a tenth: no «,0»; 3.05 is 3.1.
            (121, 40, "в 3 раза"),
            (61, 20, "в 3,1 раза"),
            (21, 2, "в 11 раз"),
        ] {
            assert!(
                ru(days, allowed).contains(said),
                "{said}: {}",
                ru(days, allowed)
            );
        }
    }
}
