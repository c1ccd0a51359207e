//! The lead's port: every current review with its standing decision and the decision that
//! settles its card, and the lead's decisions.

use chrono::NaiveDateTime;

use super::StoreResult;
use crate::domain::decision::{Decision, LeadDecision};
use crate::domain::lead_row::LeadRow;
use crate::domain::settled::Settled;

pub trait LeadStore {
    /// Every current review (of any auditor), card by card (cards in the order of their first
    /// review, each card's oldest first), with its latest standing decision, the decision that
    /// settles its card, and split mark.
    fn lead_rows(&self) -> StoreResult<Vec<LeadRow>>;

    /// The latest standing decision on a review.
    fn latest_decision(&self, review_id: &str) -> StoreResult<Option<LeadDecision>>;

    /// The lead's decision that settles a card: the latest accept or override standing on any
    /// of its reviews not taken back (`domain::settled`).
    fn settled(&self, source: &str, external_id: &str) -> StoreResult<Option<Settled>>;

    /// Records `lead`'s decision on a review (accept, override, return); returns its id. A later
    /// decision supersedes; none is ever changed.
    fn decide(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        now: NaiveDateTime,
    ) -> StoreResult<String>;

    /// [`LeadStore::decide`] on the card as the lead's screen drew it (`seen`, its digest then):
    /// refused with [`super::StoreError::CardChanged`], nothing written, when an import or a
    /// sync changed the card since. A decision weighs the auditor's review, which stands on the
    /// card as judged; but the lead weighs it beside the card as it is, and must not decide on
    /// a card they were not shown.
    fn decide_as_seen(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        seen: i64,
        now: NaiveDateTime,
    ) -> StoreResult<String>;

    /// Undo: marks a decision withdrawn; the one before it stands again.
    fn withdraw_decision(&mut self, id: &str, now: NaiveDateTime) -> StoreResult<()>;
}
