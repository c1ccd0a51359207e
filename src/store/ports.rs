//! The SQLite store behind the domain's ports (`domain::ports`): each port method is the
//! store's own function, with ids and the pending journal converted at this edge.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};

use super::pending::{Journaled, journal};
use super::writer::writers;
use super::{Store, StoreError};
use crate::domain::Funnel;
use crate::domain::analytics::{StatsFigures, Window};
use crate::domain::auditors::ReviewFact;
use crate::domain::calibration::{Calibration, CardKey, Judgement};
use crate::domain::card_detail::CardDetail;
use crate::domain::decision::{Decision, LeadDecision};
use crate::domain::ids::CardId;
use crate::domain::lead_row::LeadRow;
use crate::domain::pending::{PendingReview, Replayed};
use crate::domain::ports::{
    CalibrationStore, DeskStore, KeptVerdict, LeadStore, QueueStore, Reopen, ReviewStore,
    StatsStore, StoreResult,
};
use crate::domain::queue::{QueueCounts, QueueEntry, QueueQuery};
use crate::domain::review::Verdict;
use crate::domain::stored_review::StoredReview;
use crate::domain::writer::Writer;

impl QueueStore for Store {
    fn crm_stage_names(&self) -> StoreResult<Vec<String>> {
        Store::crm_stage_names(self)
    }

    fn queue(&self, q: &QueueQuery<'_>) -> StoreResult<Vec<QueueEntry>> {
        Store::queue(self, q)
    }

    fn queue_counts(&self, q: &QueueQuery<'_>) -> StoreResult<QueueCounts> {
        Store::queue_counts(self, q)
    }

    fn claim(
        &mut self,
        q: &QueueQuery<'_>,
        n: usize,
        lease: Duration,
    ) -> StoreResult<Vec<QueueEntry>> {
        Store::claim(self, q, n, lease)
    }

    fn release(&mut self, card: CardId, auditor: &str) -> StoreResult<()> {
        Store::release(self, card.0, auditor)
    }

    fn renew(&mut self, auditor: &str, cards: &[CardId], lease: Duration) -> StoreResult<()> {
        let ids: Vec<i64> = cards.iter().map(|c| c.0).collect();
        Store::renew(self, auditor, &ids, lease)
    }
}

impl ReviewStore for Store {
    fn card_detail(&self, card: CardId) -> StoreResult<Option<CardDetail>> {
        Store::card_detail(self, card.0)
    }

    fn current_review(&self, card: CardId, auditor: &str) -> StoreResult<Option<StoredReview>> {
        Store::current_review(self, card.0, auditor)
    }

    fn save_review(&mut self, p: &PendingReview) -> StoreResult<()> {
        self.save_review_as(&p.id, &p.card, &p.review, &p.stamp(), false)
    }

    fn withdraw_review(&mut self, id: &str, now: NaiveDateTime) -> StoreResult<()> {
        Store::withdraw_review(self, id, now)
    }

    fn draft(&self, card: CardId, auditor: &str) -> StoreResult<Option<String>> {
        Store::draft(self, card.0, auditor)
    }

    fn save_draft(
        &mut self,
        card: CardId,
        auditor: &str,
        comment: &str,
        now: NaiveDateTime,
    ) -> StoreResult<()> {
        Store::save_draft(self, card.0, auditor, comment, now)
    }

    fn owners(&self) -> StoreResult<Vec<String>> {
        Store::owners(self)
    }

    fn set_write_wait(&self, wait: Duration) -> StoreResult<()> {
        self.set_busy_timeout(wait)
    }

    fn keep_pending(&self, p: &PendingReview) -> StoreResult<Box<dyn KeptVerdict>> {
        let kept = journal(self.path(), p).map_err(|e| StoreError::Open {
            path: self.path().to_path_buf(),
            source: Box::new(e),
        })?;
        Ok(Box::new(kept))
    }

    fn replay_pending(&mut self) -> StoreResult<Replayed> {
        Store::replay_pending(self)
    }

    fn blocker(&self) -> Option<Writer> {
        writers(self.path()).first().copied()
    }

    fn idle(&self) -> StoreResult<()> {
        self.checkpoint()
    }
}

impl Reopen for Store {
    fn reopen(&self) -> StoreResult<Box<dyn DeskStore>> {
        Ok(Box::new(Store::open(self.path())?))
    }

    fn watch(&self) -> StoreResult<Box<dyn crate::domain::ports::Changes>> {
        Ok(Box::new(super::watch::FileWatch::open(self.path())?))
    }
}

impl KeptVerdict for Journaled {
    fn path(&self) -> &Path {
        Journaled::path(self)
    }

    fn remove(self: Box<Self>) -> StoreResult<()> {
        let path = self.path().to_path_buf();
        Journaled::remove(*self).map_err(|e| StoreError::Open {
            path,
            source: Box::new(e),
        })
    }
}

impl LeadStore for Store {
    fn lead_rows(&self) -> StoreResult<Vec<LeadRow>> {
        Store::lead_rows(self)
    }

    fn latest_decision(&self, review_id: &str) -> StoreResult<Option<LeadDecision>> {
        Store::latest_decision(self, review_id)
    }

    fn decide(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        now: NaiveDateTime,
    ) -> StoreResult<String> {
        Store::decide(self, review_id, lead, decision, now)
    }

    fn withdraw_decision(&mut self, id: &str, now: NaiveDateTime) -> StoreResult<()> {
        Store::withdraw_decision(self, id, now)
    }
}

impl StatsStore for Store {
    fn stats_figures(
        &self,
        funnel: &Funnel,
        today: NaiveDate,
        window: Window,
    ) -> StoreResult<StatsFigures> {
        Store::stats_figures(self, funnel, today, window)
    }

    fn reviews_per_day(&self, first: NaiveDate, last: NaiveDate) -> StoreResult<Vec<u64>> {
        Store::reviews_per_day(self, first, last)
    }

    fn review_facts(&self) -> StoreResult<Vec<ReviewFact>> {
        Store::review_facts(self)
    }
}

impl CalibrationStore for Store {
    fn calibration_pool(
        &self,
        crm_stages: &[String],
        closed_stage: bool,
    ) -> StoreResult<Vec<CardKey>> {
        Store::calibration_pool(self, crm_stages, closed_stage)
    }

    fn save_calibration(&mut self, c: &Calibration) -> StoreResult<bool> {
        Store::save_calibration(self, c)
    }

    fn calibrations(&self) -> StoreResult<Vec<Calibration>> {
        Store::calibrations(self)
    }

    fn calibration_judgements(
        &self,
        c: &Calibration,
    ) -> StoreResult<(Vec<Judgement>, BTreeMap<CardKey, Verdict>)> {
        Store::calibration_judgements(self, c)
    }
}
