//! The team lead's word on an auditor's review: accepted as it is, overridden with the lead's
//! own verdict and suggestion (the auditor's original stays), or sent back with a note.

use serde::{Deserialize, Serialize};

use super::review::Verdict;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Accept,
    Override,
    Return,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 3] = [
        DecisionKind::Accept,
        DecisionKind::Override,
        DecisionKind::Return,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Accept => "accept",
            DecisionKind::Override => "override",
            DecisionKind::Return => "return",
        }
    }

    pub fn from_name(name: &str) -> Option<DecisionKind> {
        [
            DecisionKind::Accept,
            DecisionKind::Override,
            DecisionKind::Return,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A decision as the lead makes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    pub kind: DecisionKind,
    /// Override: the verdict the lead holds right.
    pub verdict: Option<Verdict>,
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
    /// Return: what the auditor should look at again.
    pub note: String,
    /// The lead's checklist answers, when the lead corrected the auditor's.
    pub answers: Option<super::score::Answers>,
}

impl Decision {
    pub fn accept() -> Decision {
        Decision {
            kind: DecisionKind::Accept,
            verdict: None,
            suggested_stage: None,
            suggested_owner: None,
            note: String::new(),
            answers: None,
        }
    }

    pub fn overrule(verdict: Verdict, stage: Option<String>) -> Decision {
        Decision {
            kind: DecisionKind::Override,
            verdict: Some(verdict),
            suggested_stage: stage,
            ..Decision::accept()
        }
    }

    /// The lead accepted the review or set their own suggestion in its place.
    pub fn approves(&self) -> bool {
        matches!(self.kind, DecisionKind::Accept | DecisionKind::Override)
    }

    pub fn send_back(note: String) -> Decision {
        Decision {
            kind: DecisionKind::Return,
            note,
            ..Decision::accept()
        }
    }
}

/// A decision as stored: who made it and when. Only the latest one standing on a review counts.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadDecision {
    pub id: String,
    pub lead: String,
    pub decision: Decision,
    pub created_at: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decision_names_round_trip() {
        for d in DecisionKind::ALL {
            assert_eq!(DecisionKind::from_name(d.as_str()), Some(d));
        }
        assert_eq!(DecisionKind::from_name("Accept"), None);
    }
}
