//! The sentences of flags: what a stage rule found on a card, with the evidence (field, value,
//! date) quoted as the CRM wrote it, so a QC specialist can check the claim in one look.
//! Rendered from a flag's evidence (`domain::flag::Evidence`) at display time, never stored.
//! English for now; a Russian interface translates this file. Dates are DD.MM.YYYY.

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

/// A calendar day as the desk writes it.
pub fn day(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

/// How far a day lies from today, in words: "today", "3 days ago", "in 5 days".
fn distance(days_from_today: i64) -> String {
    match days_from_today {
        0 => "today".to_string(),
        -1 => "yesterday".to_string(),
        1 => "tomorrow".to_string(),
        n if n < 0 => format!("{} days ago", -n),
        n => format!("in {n} days"),
    }
}

/// A field as a sentence names it: a custom field by its name in «», a profile field in words.
pub fn field(f: &FieldRef) -> String {
    match f {
        FieldRef::Custom(name) => q(name),
        FieldRef::System(s) => system_field(*s).to_string(),
    }
}

fn system_field(f: SystemField) -> &'static str {
    match f {
        SystemField::ExternalId => "the CRM id",
        SystemField::Title => "the title",
        SystemField::Stage => "the stage",
        SystemField::Pipeline => "the pipeline",
        SystemField::Owner => "the owner",
        SystemField::Amount => "the amount",
        SystemField::Currency => "the currency",
        SystemField::CreatedAt => "the creation date",
        SystemField::UpdatedAt => "the last edit date",
        SystemField::ClosedAt => "the closing date",
        SystemField::ExpectedCloseAt => "the expected close date",
        SystemField::LastActivityAt => "the last activity date",
        SystemField::Closed => "the closed flag",
        SystemField::Won => "the won flag",
        SystemField::Status => "the status",
        SystemField::Contact => "the contact",
        SystemField::Company => "the company",
        SystemField::Phone => "the phone",
        SystemField::Email => "the email",
        SystemField::Tags => "the tags",
        SystemField::Notes => "the notes",
    }
}

// ---- required ----

fn required_empty(f: &FieldRef, stage: &str) -> String {
    format!("{} is empty, required in {}", field(f), q(stage))
}

// ---- idle ----

fn idle(days: i64, last: NaiveDate, stage: &str, allowed: u32) -> String {
    format!(
        "no activity for {days} days (last {}); {} allows {allowed}",
        day(last),
        q(stage)
    )
}

/// Idle past twice the stage's limit: `times` whole limits.
fn idle_far(days: i64, last: NaiveDate, stage: &str, allowed: u32, times: i64) -> String {
    format!(
        "no activity for {days} days (last {}): {times}× the {allowed} days {} allows",
        day(last),
        q(stage)
    )
}

// ---- date ----

fn date_not_a_date(f: &FieldRef, raw: &str, stage: &str) -> String {
    format!(
        "{} holds {}, which is not a date (DD.MM.YYYY); {} needs a date there",
        field(f),
        q(raw),
        q(stage)
    )
}

/// `must_be = "not_passed"` failed: the day is before today.
fn date_passed(f: &FieldRef, value: NaiveDate, from_today: i64, stage: &str) -> String {
    format!(
        "{} {} has passed ({}), yet the card is in {}",
        field(f),
        day(value),
        distance(from_today),
        q(stage)
    )
}

/// `must_be = "future"` failed: the day is today or before.
fn date_not_future(f: &FieldRef, value: NaiveDate, from_today: i64, stage: &str) -> String {
    format!(
        "{} {} is not in the future ({}), yet the card is in {}",
        field(f),
        day(value),
        distance(from_today),
        q(stage)
    )
}

/// `must_be = "past"` failed: the day is after today.
fn date_not_past(f: &FieldRef, value: NaiveDate, from_today: i64, stage: &str) -> String {
    format!(
        "{} {} is still ahead ({}), yet the card is in {}",
        field(f),
        day(value),
        distance(from_today),
        q(stage)
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
    format!(
        "{} {} is after {} {}; in {} it must not be",
        field(f),
        day(value),
        field(other),
        day(other_value),
        q(stage)
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
    format!(
        "{} {} is before {} {}; in {} it must not be",
        field(f),
        day(value),
        field(other),
        day(other_value),
        q(stage)
    )
}

// ---- markers ----

/// `list` is the marker list's name: the shipped `lost` and `sold` lists get their meaning
/// spelled out, any other list is named.
fn markers(place: Place, quote: &str, list: &str, stage: &str) -> String {
    let said = match place {
        Place::Notes => "notes say",
        Place::Tags => "tags say",
        Place::Title => "the title says",
    };
    let meaning = match list {
        "lost" => "the lead looks lost".to_string(),
        "sold" => "the deal looks sold".to_string(),
        other => format!("a {} marker", q(other)),
    };
    format!(
        "{said} {}: {meaning}, but the card is in {}",
        q(quote),
        q(stage)
    )
}

// ---- closed_open ----

fn closed_on_open(closed: NaiveDate, stage: &str) -> String {
    format!(
        "closed on {} but {} is an open stage",
        day(closed),
        q(stage)
    )
}

fn marked_closed_on_open(stage: &str) -> String {
    format!("marked closed but {} is an open stage", q(stage))
}

fn not_closed_on_closing(stage: &str) -> String {
    format!("marked not closed but {} is a closing stage", q(stage))
}

// ---- backwards ----

fn moved_back(from: &str, to: &str, on: NaiveDate) -> String {
    format!("moved back from {} to {} on {}", q(from), q(to), day(on))
}

fn skipped(stages: &[String], to: &str, on: NaiveDate) -> String {
    let names: Vec<String> = stages.iter().map(|s| q(s)).collect();
    format!(
        "skipped {} (not skippable) on the way to {} ({})",
        names.join(", "),
        q(to),
        day(on)
    )
}

// ---- gone ----

fn gone(since: Option<NaiveDate>) -> String {
    match since {
        Some(d) => format!(
            "missing from the CRM export since {} but not closed",
            day(d)
        ),
        None => "missing from the latest CRM export but not closed".to_string(),
    }
}

// ---- unknown_stage ----

fn unknown_stage(stage: &str) -> String {
    format!("stage {} is not in the funnel", q(stage))
}

/// `no_task`: nothing scheduled on an open card.
fn no_task(stage: &str) -> String {
    format!("no task is scheduled, yet the card is open in {}", q(stage))
}

/// `no_task`: the nearest task was due before today.
fn task_overdue(due: NaiveDate, from_today: i64, stage: &str) -> String {
    format!(
        "the nearest task was due {} ({}) and nothing later is scheduled, yet the card is open \
         in {}",
        day(due),
        distance(from_today),
        q(stage)
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
    }
}
