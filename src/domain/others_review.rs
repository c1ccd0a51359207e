//! Another auditor's current review of a card, as the auditor's card screen tells it: a card
//! opened under `t` or a filter may be another's to judge, or settled by the lead already.

use super::decision::LeadDecision;
use super::review::Verdict;

/// One current review of the card by another auditor, with the lead's word on it.
#[derive(Debug, Clone, PartialEq)]
pub struct OthersReview {
    pub auditor: String,
    pub verdict: Verdict,
    /// A sync changed the card after this review: it judged another version of the card, which
    /// is free to judge again.
    pub card_changed: bool,
    /// The lead's latest decision on it that stands (an accept, an override or a return).
    pub decision: Option<LeadDecision>,
}

impl OthersReview {
    /// The review holds the card for its auditor, as a claim reads it (see
    /// `QueueQuery::reviewed`): it judged the card as it is now, or the lead sent it back.
    pub fn holds(&self) -> bool {
        use super::decision::DecisionKind;
        let returned =
            (self.decision.as_ref()).is_some_and(|d| d.decision.kind == DecisionKind::Return);
        !self.card_changed || returned
    }
}
