//! The bundle merge's port: the reads and writes `bundle::merge` makes inside its one
//! transaction, on a store file or a team server alike (docs/team-server.md "Bundles").

use super::StoreResult;
use crate::domain::calibration::{Calibration, Ended};
use crate::domain::records::{CalibrationRecord, DecisionRecord, ReviewRecord};
use crate::domain::settled::SettledCards;
use crate::domain::trust::TrustedKey;
use crate::domain::withdrawal::{Reweighed, Withdrawal};

/// The table a record of a bundle goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordTable {
    Reviews,
    Decisions,
}

impl RecordTable {
    pub fn name(self) -> &'static str {
        match self {
            RecordTable::Reviews => "reviews",
            RecordTable::Decisions => "lead_decisions",
        }
    }
}

/// A store that takes bundles: one merge at a time, in a transaction of its own.
pub trait MergeStore {
    /// Opens a merge holding the store's write lock until [`MergeTx::commit`]; dropped without
    /// it, the merge changes nothing.
    fn begin_merge(&mut self) -> StoreResult<Box<dyn MergeTx + '_>>;
}

/// A merge's transaction: what it reads and writes of reviews, decisions, calibrations and
/// trusted keys.
pub trait MergeTx {
    fn trusted_keys(&self) -> StoreResult<Vec<TrustedKey>>;
    fn calibrations(&self) -> StoreResult<Vec<Calibration>>;
    /// The review stored under `id`, as a record: its withdrawal the one the store holds,
    /// applied or held out.
    fn review(&self, id: &str) -> StoreResult<Option<ReviewRecord>>;
    /// Adds a review from elsewhere (linked to its card if the card is here).
    fn insert_review(&self, r: &ReviewRecord) -> StoreResult<()>;
    /// The decision stored under `id`, as a record.
    fn decision(&self, id: &str) -> StoreResult<Option<DecisionRecord>>;
    fn insert_decision(&self, d: &DecisionRecord) -> StoreResult<()>;
    /// Whether the calibration stored under `id` was made here (it has no signature).
    fn calibration_made_here(&self, id: &str) -> StoreResult<bool>;
    /// The signature of the end the store holds of calibration `id`, as it came in a bundle
    /// (`None`: ended here, or open).
    fn calibration_end_signature(&self, id: &str) -> StoreResult<Option<String>>;
    /// Adds a calibration from elsewhere, with its signature, and its end and the end's
    /// signature when it came ended.
    fn insert_calibration(&self, c: &CalibrationRecord) -> StoreResult<()>;
    /// Records `end` as calibration `id`'s end, signed `signature` (it replaces the end the
    /// store held, if any: the merge keeps the one that stands).
    fn set_calibration_end(
        &self,
        id: &str,
        end: &Ended,
        signature: Option<&str>,
    ) -> StoreResult<()>;
    /// Two valid signatures of one record (by two keys of one name): the store keeps the
    /// lower, whichever came first. A record made here (`here` is `None`) keeps none.
    fn keep_lowest_signature(
        &self,
        table: RecordTable,
        id: &str,
        here: Option<&str>,
        incoming: &Option<String>,
    ) -> StoreResult<()> {
        match (here, incoming) {
            (Some(h), Some(s)) if s.as_str() < h => self.set_signature(table, id, s),
            _ => Ok(()),
        }
    }
    /// Replaces the signature stored with a record.
    fn set_signature(&self, table: RecordTable, id: &str, signature: &str) -> StoreResult<()>;
    /// Keeps the earliest withdrawal of a record; true if the stored one changed.
    fn earliest_withdrawal(
        &self,
        table: RecordTable,
        id: &str,
        at: &Option<String>,
        sig: &Option<String>,
    ) -> StoreResult<bool>;
    /// Weighs review `id`'s withdrawals (the one the store holds, applied or held out, and
    /// `incoming`) against every decision on it (`domain::withdrawal`), and keeps what the rule
    /// says; `None`: no such review. The caller settles the card when the review's withdrawal
    /// changed.
    fn reweigh(&self, id: &str, incoming: &[Withdrawal]) -> StoreResult<Option<Reweighed>>;
    /// Records a key the merge trusted by itself.
    fn trust(&self, k: &TrustedKey) -> StoreResult<()>;
    /// Derives afresh which of the auditor's reviews of the card is current.
    fn settle(&self, source: &str, external_id: &str, auditor: &str) -> StoreResult<()>;
    /// The lead's decision that settles each card the lead settled, as the merge left them.
    fn settled_cards(&self) -> StoreResult<SettledCards>;
    /// The auditor's current review of the card, if no decision of the lead stands on it.
    fn current_undecided(
        &self,
        source: &str,
        external_id: &str,
        auditor: &str,
    ) -> StoreResult<Option<String>>;
    /// Of the reviews `ids`, those whose card has not arrived yet.
    fn waiting_among(&self, ids: &[String]) -> StoreResult<u64>;
    fn commit(self: Box<Self>) -> StoreResult<()>;
}
