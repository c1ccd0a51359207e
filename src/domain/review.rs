//! An auditor's review of one card: the verdict, the checklist answers and the suggestions that
//! go back to the CRM. Pure data; the store keeps it, the reviewer screen builds it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::score::Answers;

/// Does the card tell the truth about its stage?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The card matches its stage.
    Ok,
    /// The card belongs in another stage (the review suggests which).
    WrongStage,
    /// The card's information is out of date.
    Stale,
    /// The lead is lost but the card is still open.
    Dead,
    /// Cannot judge: the manager must say.
    Unclear,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::Ok,
        Verdict::WrongStage,
        Verdict::Stale,
        Verdict::Dead,
        Verdict::Unclear,
    ];

    /// The name stored in SQLite and printed in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::WrongStage => "wrong_stage",
            Verdict::Stale => "stale",
            Verdict::Dead => "dead",
            Verdict::Unclear => "unclear",
        }
    }

    pub fn from_name(name: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// Suggested corrections: field label → the value the auditor says it should hold.
pub type Corrections = BTreeMap<String, String>;

/// What an auditor decided about a card, before the store stamps it with ids and times.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReviewDraft {
    pub answers: Answers,
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
    pub corrections: Corrections,
    pub comment: String,
}

impl ReviewDraft {
    /// Nothing answered, suggested, corrected or said: no draft to keep.
    pub fn is_empty(&self) -> bool {
        *self == ReviewDraft::default()
    }

    /// A draft as a store keeps it: the answers and the corrections as JSON (what cannot be
    /// read back counts as none: a damaged cell must not keep the card from opening).
    pub fn from_stored(
        comment: String,
        checklist: &str,
        suggested_stage: Option<String>,
        suggested_owner: Option<String>,
        corrections: &str,
    ) -> ReviewDraft {
        ReviewDraft {
            answers: serde_json::from_str(checklist).unwrap_or_default(),
            suggested_stage,
            suggested_owner,
            corrections: serde_json::from_str(corrections).unwrap_or_default(),
            comment,
        }
    }
}

/// A review as written: the draft, its verdict and score, and how long the auditor looked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub verdict: Verdict,
    pub draft: ReviewDraft,
    /// The checklist score (percent), `None` when no item counted.
    pub score: Option<f64>,
    pub seconds_spent: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_names_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_name(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::from_name("OK"), None);
    }
}
