//! A verdict the store could not take yet (another writer holds it), as the pending journal
//! keeps it until the store takes it: everything the write needs, the review's id included.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::review::Review;
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
    /// Journal entries left: their reviewer still runs (it writes them), or the store is busy.
    pub waiting: usize,
    /// Journal entries that could not be read (kept, for a person to look at).
    pub unreadable: Vec<std::path::PathBuf>,
}
