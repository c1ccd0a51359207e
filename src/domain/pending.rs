//! A verdict the store could not take yet (another writer holds it, or the server is out of
//! reach), as the pending journal keeps it until the store takes it: everything the write needs,
//! the review's id included, and its undo when the auditor took it back meanwhile.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::review::Review;
use super::store_error::StoreError;
use super::stored_review::{ReviewedCard, Stamp};

/// The id travels with the verdict so that it is written once, whoever writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PendingReview {
    pub id: String,
    pub card: ReviewedCard,
    pub review: Review,
    pub auditor: String,
    pub funnel_fingerprint: String,
    pub now: NaiveDateTime,
    /// The auditor took the verdict back (undo) at this time while it was kept here, after it
    /// had been sent to a server that never answered: the server may hold it (the bytes may
    /// still arrive), so the journal writes it and withdraws it, and it stands nowhere. A
    /// verdict taken back that was never sent leaves the journal instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn_at: Option<NaiveDateTime>,
}

impl PendingReview {
    pub fn stamp(&self) -> Stamp<'_> {
        Stamp {
            auditor: &self.auditor,
            funnel_fingerprint: &self.funnel_fingerprint,
            now: self.now,
        }
    }
}

/// What a replay of the pending journal did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Replayed {
    /// Verdicts written to the store now.
    pub saved: usize,
    /// Their cards, as each verdict judged them (the card's digest then): a card the CRM changed
    /// since stands judged on what it no longer says, and the auditor is told.
    pub saved_cards: Vec<SavedLate>,
    /// Verdicts their auditor took back while kept, withdrawn in the store now (written first
    /// when it did not have them yet: see [`PendingReview::withdrawn_at`]).
    pub withdrawn: usize,
    /// Journal entries left: their reviewer still runs (it writes them), or the store is busy.
    pub waiting: usize,
    /// Journal entries that could not be read (kept, for a person to look at).
    pub unreadable: Vec<std::path::PathBuf>,
    /// Verdicts a reviewer killed while writing them to the journal left unfinished, dropped.
    /// Never acknowledged (the screen says a verdict is saved only once its file is whole and
    /// synced), but typed: said, not dropped silently.
    pub torn: Vec<Torn>,
}

/// A verdict the replay wrote: its card, and the digest the card had when it was judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedLate {
    pub card: crate::domain::ids::CardId,
    pub external_id: String,
    pub hash: i64,
    /// Whose verdict it is (another auditor may have judged the card while it waited).
    pub auditor: String,
}

/// A journal entry left unfinished, as the warning names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Torn {
    /// The file it was in (removed).
    pub file: std::path::PathBuf,
    /// The card its text named, when it got that far.
    pub card: Option<String>,
}

/// A withdrawal of a verdict taken back while kept, as the journal weighs it: the lead's
/// decision on it (made while the verdict, sent before the link hung, was on the server after
/// all) stands, as it does over an undo at the desk, and the journal has nothing more to do.
pub fn taken_back(withdrawn: Result<(), StoreError>) -> Result<(), StoreError> {
    match withdrawn {
        Err(StoreError::Decided { .. }) => Ok(()),
        other => other,
    }
}
