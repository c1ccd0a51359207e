//! What a funnel configures about its rules: the per-stage rules (`date`, `markers`) and, for every
//! rule code, its severity or "off". Built by `crate::funnel_config` from the TOML; plain data here.

use crate::domain::flag::{RuleCode, Severity};
use crate::domain::funnel::FieldRef;

use super::stem::MarkerListId;

/// A rule configured on one stage (`[[stages.rules]]`). The other rule codes need no per-stage
/// config: they follow from the stage itself (`required`, `max_idle_days`, `kind`, `skippable`).
#[derive(Debug, Clone, PartialEq)]
pub enum Rule {
    Date(DateRule),
    Markers(MarkersRule),
    NoTask(NoTaskRule),
}

impl Rule {
    pub fn code(&self) -> RuleCode {
        match self {
            Rule::Date(_) => RuleCode::Date,
            Rule::Markers(_) => RuleCode::Markers,
            Rule::NoTask(_) => RuleCode::NoTask,
        }
    }

    /// The rule's own severity; `None` takes the funnel's default for its code.
    pub fn severity(&self) -> Option<Severity> {
        match self {
            Rule::Date(r) => r.severity,
            Rule::Markers(r) => r.severity,
            Rule::NoTask(r) => r.severity,
        }
    }
}

/// A date field must stand in a given relation to today or to another date field. An empty field
/// is left to the `required` rule.
#[derive(Debug, Clone, PartialEq)]
pub struct DateRule {
    /// A system date field or a custom field of type date.
    pub field: FieldRef,
    pub must_be: MustBe,
    pub severity: Option<Severity>,
}

/// Dates compare by calendar day: CRM dates are days, and a desk thinks in days.
#[derive(Debug, Clone, PartialEq)]
pub enum MustBe {
    /// After today.
    Future,
    /// Today or earlier: a meeting held this morning is past.
    Past,
    /// Today or later: a booking that expires today is still valid.
    NotPassed,
    /// On or before the other field's day (skipped while the other field is empty).
    BeforeField(FieldRef),
    /// On or after the other field's day (skipped while the other field is empty).
    AfterField(FieldRef),
}

impl MustBe {
    /// The word used in the TOML (`must_be = "…"`).
    pub fn word(&self) -> &'static str {
        match self {
            MustBe::Future => "future",
            MustBe::Past => "past",
            MustBe::NotPassed => "not_passed",
            MustBe::BeforeField(_) => "before_field",
            MustBe::AfterField(_) => "after_field",
        }
    }
}

/// Phrases from one of the funnel's marker lists found in the card's notes, tags or title.
#[derive(Debug, Clone, PartialEq)]
pub struct MarkersRule {
    pub list: MarkerListId,
    pub severity: Option<Severity>,
}

/// An open card with no task scheduled: the nearest-task column (amoCRM's `closest_task_at`)
/// empty or in the past. Only for sources that carry that column (see `no_task.rs`).
#[derive(Debug, Clone, PartialEq)]
pub struct NoTaskRule {
    pub severity: Option<Severity>,
}

/// For every rule code: on with a severity, or off (`[rules]` in the TOML).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleSettings {
    levels: [Option<Severity>; RuleCode::ALL.len()],
}

impl Default for RuleSettings {
    fn default() -> Self {
        RuleSettings {
            levels: RuleCode::ALL.map(|c| Some(default_severity(c))),
        }
    }
}

impl RuleSettings {
    /// `None`: the rule is off.
    pub fn level(&self, code: RuleCode) -> Option<Severity> {
        self.levels[code as usize]
    }

    pub fn set(&mut self, code: RuleCode, level: Option<Severity>) {
        self.levels[code as usize] = level;
    }

    pub fn is_on(&self, code: RuleCode) -> bool {
        self.level(code).is_some()
    }
}

/// How bad each kind of finding is unless the funnel says otherwise. A closed deal sitting in an
/// open stage corrupts every figure of the funnel, hence critical; the rest ask for a look.
pub fn default_severity(code: RuleCode) -> Severity {
    match code {
        RuleCode::ClosedOpen => Severity::Critical,
        RuleCode::Required
        | RuleCode::Idle
        | RuleCode::Date
        | RuleCode::Markers
        | RuleCode::Backwards
        | RuleCode::Gone
        | RuleCode::UnknownStage
        | RuleCode::NoTask => Severity::Warning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_start_with_every_rule_on_at_its_default() {
        let mut s = RuleSettings::default();
        for code in RuleCode::ALL {
            assert_eq!(s.level(code), Some(default_severity(code)));
        }
        s.set(RuleCode::Backwards, None);
        assert!(!s.is_on(RuleCode::Backwards));
        assert!(s.is_on(RuleCode::Idle));
    }
}
