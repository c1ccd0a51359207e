//! A lead's decision on an auditor's review: accept it, override it with the lead's own verdict
//! and suggestion, or return it to the auditor. Only the latest decision on a review counts.

use super::review::Verdict;

/// The kind of decision (one vocabulary with the lead's desk).
pub use super::decision::DecisionKind as Decision;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadDecision {
    pub lead: String,
    pub decision: Decision,
    /// The lead's verdict, on an override.
    pub verdict: Option<Verdict>,
    /// The lead's suggestion, on an override: it replaces the auditor's (none means no move).
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
}

impl LeadDecision {
    /// The lead accepted the review or set their own suggestion in its place.
    pub fn approves(&self) -> bool {
        matches!(self.decision, Decision::Accept | Decision::Override)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_names_round_trip() {
        for d in Decision::ALL {
            assert_eq!(Decision::from_name(d.as_str()), Some(d));
        }
        assert_eq!(Decision::from_name("Accept"), None);
    }
}
