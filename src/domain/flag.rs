//! Flags: what the stage rules found wrong with a card, each with its evidence as data (the
//! field, values, dates, phrase, stages, limits); `text::rules` renders the sentence on display.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::funnel::FieldRef;

/// How bad a flag is. Ordered: `Critical` > `Warning` > `Info`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }

    /// Stored as a small integer so the queue can order by it through an index.
    pub fn rank(self) -> i64 {
        match self {
            Severity::Info => 1,
            Severity::Warning => 2,
            Severity::Critical => 3,
        }
    }

    pub fn from_rank(rank: i64) -> Option<Severity> {
        match rank {
            1 => Some(Severity::Info),
            2 => Some(Severity::Warning),
            3 => Some(Severity::Critical),
            _ => None,
        }
    }
}

/// The kinds of stage rule; each flag carries the code of the rule that raised it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleCode {
    Required,
    Idle,
    Date,
    Markers,
    ClosedOpen,
    Backwards,
    Gone,
    UnknownStage,
    NoTask,
}

impl RuleCode {
    pub const ALL: [RuleCode; 9] = [
        RuleCode::Required,
        RuleCode::Idle,
        RuleCode::Date,
        RuleCode::Markers,
        RuleCode::ClosedOpen,
        RuleCode::Backwards,
        RuleCode::Gone,
        RuleCode::UnknownStage,
        RuleCode::NoTask,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleCode::Required => "required",
            RuleCode::Idle => "idle",
            RuleCode::Date => "date",
            RuleCode::Markers => "markers",
            RuleCode::ClosedOpen => "closed_open",
            RuleCode::Backwards => "backwards",
            RuleCode::Gone => "gone",
            RuleCode::UnknownStage => "unknown_stage",
            RuleCode::NoTask => "no_task",
        }
    }

    pub fn from_name(name: &str) -> Option<RuleCode> {
        RuleCode::ALL
            .into_iter()
            .find(|c| c.as_str() == name.trim())
    }
}

/// One thing wrong with a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub code: RuleCode,
    pub severity: Severity,
    /// What the rule saw, for the sentence a QC specialist would accept (rendered by
    /// `text::rules` in the reader's language) and for change detection between runs.
    pub evidence: Evidence,
    /// The field the flag is about, when there is one: a checklist item bound to that field is
    /// pre-answered "fail".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Where on the card a marker phrase was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Place {
    Notes,
    Tags,
    Title,
}

/// What a rule found, with the values it found it on, quoted as the CRM wrote them. One variant
/// per sentence: `stage` is the funnel's name of the card's stage; `from_today` is how many days
/// the date lies after the day judged (negative: before). Stored as JSON (the `args` column, and
/// `okk check --json`), so a variant's name and fields are a machine contract: add, never rename.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "says", rename_all = "snake_case")]
pub enum Evidence {
    /// `required`: the field is empty.
    RequiredEmpty { field: FieldRef, stage: String },
    /// `idle`: no activity for `days` days since `last`; the stage allows `allowed`.
    Idle {
        days: i64,
        last: NaiveDate,
        allowed: u32,
        stage: String,
    },
    /// `idle` past twice the limit: `times` whole limits.
    IdleFar {
        days: i64,
        last: NaiveDate,
        allowed: u32,
        times: i64,
        stage: String,
    },
    /// `date`: the field holds `raw`, which is not a date.
    NotADate {
        field: FieldRef,
        raw: String,
        stage: String,
    },
    /// `date`, `must_be = "not_passed"`: the day is before the day judged.
    DatePassed {
        field: FieldRef,
        day: NaiveDate,
        from_today: i64,
        stage: String,
    },
    /// `date`, `must_be = "future"`: the day is the day judged or before.
    DateNotFuture {
        field: FieldRef,
        day: NaiveDate,
        from_today: i64,
        stage: String,
    },
    /// `date`, `must_be = "past"`: the day is after the day judged.
    DateNotPast {
        field: FieldRef,
        day: NaiveDate,
        from_today: i64,
        stage: String,
    },
    /// `date`, `must_be = "before_field"`: the day is after the other field's.
    DateAfterOther {
        field: FieldRef,
        day: NaiveDate,
        other: FieldRef,
        other_day: NaiveDate,
        stage: String,
    },
    /// `date`, `must_be = "after_field"`: the day is before the other field's.
    DateBeforeOther {
        field: FieldRef,
        day: NaiveDate,
        other: FieldRef,
        other_day: NaiveDate,
        stage: String,
    },
    /// `markers`: a phrase of marker list `list` found in the card's `place`, quoted.
    Marker {
        place: Place,
        quote: String,
        list: String,
        stage: String,
    },
    /// `closed_open`: a closing date on a card in an open stage.
    ClosedOnOpen { closed: NaiveDate, stage: String },
    /// `closed_open`: "closed" on a card in an open stage.
    MarkedClosedOnOpen { stage: String },
    /// `closed_open`: "not closed" on a card in a won or lost stage.
    NotClosedOnClosing { stage: String },
    /// `backwards`: moved to an earlier stage on `on`.
    MovedBack {
        from: String,
        to: String,
        on: NaiveDate,
    },
    /// `backwards`: jumped over stages the funnel marks not skippable.
    Skipped {
        stages: Vec<String>,
        to: String,
        on: NaiveDate,
    },
    /// `gone`: missing from the full exports (since the day the first one missed it).
    Gone {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<NaiveDate>,
    },
    /// `unknown_stage`: the CRM's stage is not in the funnel.
    UnknownStage { stage: String },
    /// `no_task`: nothing scheduled on an open card.
    NoTask { stage: String },
    /// `no_task`: the nearest task was due before the day judged.
    TaskOverdue {
        due: NaiveDate,
        from_today: i64,
        stage: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::SystemField;

    #[test]
    fn severities_order_and_round_trip() {
        assert!(Severity::Critical > Severity::Warning && Severity::Warning > Severity::Info);
        for s in [Severity::Info, Severity::Warning, Severity::Critical] {
            assert_eq!(Severity::from_rank(s.rank()), Some(s));
        }
        for c in RuleCode::ALL {
            assert_eq!(RuleCode::from_name(c.as_str()), Some(c));
        }
    }

    #[test]
    fn evidence_reads_back_as_written() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        for e in [
            Evidence::RequiredEmpty {
                field: FieldRef::Custom("Бюджет".into()),
                stage: "Квалификация".into(),
            },
            Evidence::DateAfterOther {
                field: FieldRef::System(SystemField::ClosedAt),
                day,
                other: FieldRef::Custom("Дата встречи".into()),
                other_day: day,
                stage: "Бронь".into(),
            },
            Evidence::Gone { since: None },
            Evidence::Skipped {
                stages: vec!["A".into(), "B".into()],
                to: "C".into(),
                on: day,
            },
        ] {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(
                serde_json::from_str::<Evidence>(&json).unwrap(),
                e,
                "{json}"
            );
        }
        assert_eq!(
            serde_json::to_string(&Evidence::Gone { since: Some(day) }).unwrap(),
            r#"{"says":"gone","since":"2026-11-05"}"#
        );
    }
}
