//! The queue port: a stage's cards to review, a page at a time, and its figures.

use super::StoreResult;
use crate::domain::queue::{QueueCounts, QueueEntry, QueueQuery};

pub trait QueueStore {
    /// Distinct stage names as the CRM wrote them, sorted.
    fn crm_stage_names(&self) -> StoreResult<Vec<String>>;

    /// Up to `q.limit` cards the auditor has still to review, in queue order: the auditor's
    /// pending calibration cards (first page only), then flagged cards (most severe, then most
    /// flags), then the longest idle, then by external id. A page continues after `q.after`;
    /// paging through a queue no one changes lists every card once.
    fn queue(&self, q: &QueueQuery<'_>) -> StoreResult<Vec<QueueEntry>>;

    /// The queue's figures for the auditor; `cards - reviewed` is what the pages list.
    fn queue_counts(&self, q: &QueueQuery<'_>) -> StoreResult<QueueCounts>;
}
