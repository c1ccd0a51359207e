//! What merging bundles into a store did, in figures.

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    pub reviews_added: u64,
    pub reviews_known: u64,
    pub reviews_withdrawn: u64,
    pub decisions_added: u64,
    pub decisions_known: u64,
    pub calibrations_added: u64,
    /// Calibrations the store held open that the merge brought the lead's end of: their cards
    /// no longer come first in the auditors' queues.
    pub calibrations_ended: u64,
    /// Keys trusted by this merge (on first use, or vouched for by a trusted lead).
    pub keys_added: u64,
    /// Reviews this file carries (new or known) whose card the store does not hold yet.
    pub waiting_for_cards: u64,
    /// New reviews, now current, of cards a lead's decision settled that does not settle them
    /// (made after it, or their auditor judging the card again): the decision stands, and
    /// they await the lead.
    pub after_decision: u64,
    /// Withdrawals of reviews the merge did not apply: a lead's decision stands on the review
    /// (docs/lead.md "An undo that comes in a bundle"), so the review and the decision stay.
    pub withdrawals_kept: Vec<DecisionOverWithdrawal>,
    /// Withdrawals the store held that the merge cleared: it brought a lead's decision on the
    /// withdrawn review, so the review stands again with the decision, as if the decision had
    /// come first and the withdrawal been kept out.
    pub withdrawals_lifted: Vec<DecisionOverWithdrawal>,
}

/// An auditor's withdrawal of a review and the lead's decision on it that outweighs it: the
/// withdrawal not applied (`withdrawals_kept`) or cleared (`withdrawals_lifted`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecisionOverWithdrawal {
    pub review_id: String,
    /// The card's id in its CRM (`external_id`).
    pub card: String,
    pub auditor: String,
    pub lead: String,
    pub decision: crate::domain::decision::DecisionKind,
    /// The lead took the decision back, but only after the withdrawal was made: the
    /// withdrawal stays out for good and the verdict stands (the auditor judges the card again
    /// to change it).
    pub taken_back: bool,
}
