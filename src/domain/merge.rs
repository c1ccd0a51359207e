//! What merging bundles into a store did, in figures.

#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    pub reviews_added: u64,
    pub reviews_known: u64,
    pub reviews_withdrawn: u64,
    pub decisions_added: u64,
    pub decisions_known: u64,
    pub calibrations_added: u64,
    /// Keys trusted by this merge (on first use, or vouched for by a trusted lead).
    pub keys_added: u64,
    /// Reviews (in this store, after the merge) whose card has not arrived yet.
    pub waiting_for_cards: u64,
    /// New reviews, now current, of cards a lead's decision settled that does not settle them
    /// (made after it, or their auditor judging the card again): the decision stands, and
    /// they await the lead.
    pub after_decision: u64,
    /// Withdrawals of reviews the merge did not apply: a lead's decision stands on the review
    /// (docs/lead.md "An undo that comes in a bundle"), so the review and the decision stay.
    pub withdrawals_kept: Vec<WithdrawalKept>,
}

/// A bundle's withdrawal of a review not applied, and the lead's decision that kept it out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct WithdrawalKept {
    pub review_id: String,
    /// The card's id in its CRM (`external_id`).
    pub card: String,
    pub auditor: String,
    pub lead: String,
    pub decision: crate::domain::decision::DecisionKind,
}
