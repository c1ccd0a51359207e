//! The review port: one card's detail, the auditor's verdicts and drafts, and the pending
//! journal that keeps a verdict the store could not take yet.

use std::path::Path;
use std::time::Duration;

use chrono::NaiveDateTime;

use super::StoreResult;
use crate::domain::card_detail::CardDetail;
use crate::domain::ids::CardId;
use crate::domain::others_review::OthersReview;
use crate::domain::pending::{PendingReview, Replayed};
use crate::domain::review::ReviewDraft;
use crate::domain::stored_review::{Given, StoredReview};
use crate::domain::writer::Writer;

pub trait ReviewStore {
    /// One card with its history, flags and content digest; `None` if there is no such card.
    fn card_detail(&self, card: CardId) -> StoreResult<Option<CardDetail>>;

    /// The auditor's current review of the card, if any.
    fn current_review(&self, card: CardId, auditor: &str) -> StoreResult<Option<StoredReview>>;

    /// The current reviews of the card by auditors other than `auditor`, oldest first, each
    /// with the lead's latest standing decision on it: what the card screen says of a card
    /// another auditor judged or the lead settled.
    fn others_reviews(&self, card: CardId, auditor: &str) -> StoreResult<Vec<OthersReview>>;

    /// Writes the verdict under its own id and makes it the auditor's current review of the
    /// card (the one it replaces is kept, superseded); the card's draft goes. At most once: a
    /// review already stored under the id is left as it is. Durable before this returns. A
    /// card the store no longer holds (a prune took it out) is refused,
    /// [`super::StoreError::CardGone`], nothing written (a [`Given::Late`] verdict aside); one
    /// given now on a card the store holds changed since it was read (its digest not the
    /// verdict's) is refused, [`super::StoreError::CardChanged`], nothing written.
    fn save_review(&mut self, p: &PendingReview, given: Given) -> StoreResult<()>;

    /// Undo: marks the review withdrawn (never deletes it); the one it replaced is current again.
    fn withdraw_review(&mut self, id: &str, now: NaiveDateTime) -> StoreResult<()>;

    /// The review the auditor left unjudged on the card (her draft), if any.
    fn draft(&self, card: CardId, auditor: &str) -> StoreResult<Option<ReviewDraft>>;

    /// The cards the auditor left a draft on: the queue marks them. Drafts are few (one per
    /// card begun and left, gone with its verdict), so this reads no card.
    fn drafted(&self, auditor: &str) -> StoreResult<Vec<CardId>>;

    /// Keeps the review being built on the card (answers, suggestions, corrections, comment)
    /// as the auditor's draft; an empty one removes the draft. A card the store no longer
    /// holds is refused ([`super::StoreError::CardGone`]).
    fn save_draft(
        &mut self,
        card: CardId,
        auditor: &str,
        draft: &ReviewDraft,
        now: NaiveDateTime,
    ) -> StoreResult<()>;

    /// Every owner the cards name, sorted.
    fn owners(&self) -> StoreResult<Vec<String>>;

    /// The owners the cards of `source` name, sorted: the owner picker puts them first on a
    /// card of that source (another CRM's users mean nothing to its export).
    fn owners_of(&self, source: &str) -> StoreResult<Vec<String>>;

    /// How long a write waits for another writer before it answers busy
    /// ([`super::StoreError::is_busy`]): the reviewer waits a moment and keeps drawing.
    fn set_write_wait(&self, wait: Duration) -> StoreResult<()>;

    /// Keeps a verdict the store answered busy to, durably, until [`ReviewStore::save_review`]
    /// takes it; a process killed meanwhile leaves it for [`ReviewStore::replay_pending`].
    /// Kept again under the same id (its undo, `withdrawn_at`), it replaces what was kept.
    fn keep_pending(&self, p: &PendingReview) -> StoreResult<Box<dyn KeptVerdict>>;

    /// Writes the kept verdicts no live reviewer holds (each at most once, never over a verdict
    /// given since).
    fn replay_pending(&mut self) -> StoreResult<Replayed>;

    /// What holds the store's write lock, as far as the backend can tell.
    fn blocker(&self) -> Option<Writer>;

    /// Work for a pause in the keys (SQLite: copy the write-ahead log into the store).
    fn idle(&self) -> StoreResult<()>;
}

/// A verdict kept by [`ReviewStore::keep_pending`], held by the reviewer that wrote it.
pub trait KeptVerdict: Send + std::fmt::Debug {
    /// Where it is kept (shown to the user on quit while it waits).
    fn path(&self) -> &Path;

    /// Done: the store has the verdict.
    fn remove(self: Box<Self>) -> StoreResult<()>;

    /// Taken back (an undo) before it was ever sent: gone from the journal, durably (a power
    /// cut does not bring it back to be written).
    fn discard(self: Box<Self>) -> StoreResult<()>;
}
