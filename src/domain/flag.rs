//! Flags: what the stage rules found wrong with a card, each with the evidence in a sentence.

use serde::Serialize;

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
    /// A sentence a QC specialist would accept, citing the evidence (field, value, date).
    pub message: String,
    /// The field the flag is about, when there is one: a checklist item bound to that field is
    /// pre-answered "fail".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
