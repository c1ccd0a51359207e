//! The PostgreSQL store behind the domain's ports: each method is the store's own, with ids
//! converted at this edge; the pending journal is a file on this machine, as on a laptop.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};

use super::PgStore;
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
use crate::store::StoreError;
use crate::store::pending::{journal, journal_files, replay_files};

impl QueueStore for PgStore {
    fn crm_stage_names(&self) -> StoreResult<Vec<String>> {
        PgStore::crm_stage_names(self)
    }

    fn queue(&self, q: &QueueQuery<'_>) -> StoreResult<Vec<QueueEntry>> {
        PgStore::queue(self, q)
    }

    fn queue_counts(&self, q: &QueueQuery<'_>) -> StoreResult<QueueCounts> {
        PgStore::queue_counts(self, q)
    }

    fn claim(
        &mut self,
        q: &QueueQuery<'_>,
        n: usize,
        lease: Duration,
    ) -> StoreResult<Vec<QueueEntry>> {
        PgStore::claim(self, q, n, lease)
    }

    fn release(&mut self, card: CardId, auditor: &str) -> StoreResult<()> {
        PgStore::release(self, card.0, auditor)
    }

    fn renew(&mut self, auditor: &str, cards: &[CardId], lease: Duration) -> StoreResult<()> {
        let ids: Vec<i64> = cards.iter().map(|c| c.0).collect();
        PgStore::renew(self, auditor, &ids, lease)
    }
}

impl ReviewStore for PgStore {
    fn card_detail(&self, card: CardId) -> StoreResult<Option<CardDetail>> {
        PgStore::card_detail(self, card.0)
    }

    fn current_review(&self, card: CardId, auditor: &str) -> StoreResult<Option<StoredReview>> {
        PgStore::current_review(self, card.0, auditor)
    }

    fn save_review(&mut self, p: &PendingReview) -> StoreResult<()> {
        self.save_review_as(&p.id, &p.card, &p.review, &p.stamp(), false)
    }

    fn withdraw_review(&mut self, id: &str, now: NaiveDateTime) -> StoreResult<()> {
        PgStore::withdraw_review(self, id, now)
    }

    fn draft(&self, card: CardId, auditor: &str) -> StoreResult<Option<String>> {
        PgStore::draft(self, card.0, auditor)
    }

    fn save_draft(
        &mut self,
        card: CardId,
        auditor: &str,
        comment: &str,
        now: NaiveDateTime,
    ) -> StoreResult<()> {
        PgStore::save_draft(self, card.0, auditor, comment, now)
    }

    fn owners(&self) -> StoreResult<Vec<String>> {
        PgStore::owners(self)
    }

    /// A lock not had within `wait` (and a statement running past it) answers busy.
    fn set_write_wait(&self, wait: Duration) -> StoreResult<()> {
        let ms = wait.as_millis().max(1);
        self.conn.borrow_mut().batch_execute(&format!(
            "SET lock_timeout = {ms}; SET statement_timeout = {}",
            ms * 3
        ))?;
        Ok(())
    }

    fn keep_pending(&self, p: &PendingReview) -> StoreResult<Box<dyn KeptVerdict>> {
        let path = self.journal_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: dir.to_path_buf(),
                source: Box::new(e),
            })?;
        }
        let kept = journal(path, p).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?;
        Ok(Box::new(kept))
    }

    fn replay_pending(&mut self) -> StoreResult<Replayed> {
        let files = journal_files(self.journal_path());
        replay_files(files, |p| {
            self.save_review_as(&p.id, &p.card, &p.review, &p.stamp(), true)
        })
    }

    /// The server does not say which session holds a lock (yet): none named.
    fn blocker(&self) -> Option<Writer> {
        None
    }

    fn idle(&self) -> StoreResult<()> {
        Ok(())
    }
}

impl Reopen for PgStore {
    fn reopen(&self) -> StoreResult<Box<dyn DeskStore>> {
        Ok(Box::new(self.reconnect()?))
    }

    fn watch(&self) -> StoreResult<Box<dyn crate::domain::ports::Changes>> {
        Ok(Box::new(super::watch::PgWatch::open(self)?))
    }
}

impl LeadStore for PgStore {
    fn lead_rows(&self) -> StoreResult<Vec<LeadRow>> {
        PgStore::lead_rows(self)
    }

    fn latest_decision(&self, review_id: &str) -> StoreResult<Option<LeadDecision>> {
        PgStore::latest_decision(self, review_id)
    }

    fn decide(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        now: NaiveDateTime,
    ) -> StoreResult<String> {
        PgStore::decide(self, review_id, lead, decision, now)
    }

    fn withdraw_decision(&mut self, id: &str, now: NaiveDateTime) -> StoreResult<()> {
        PgStore::withdraw_decision(self, id, now)
    }
}

impl StatsStore for PgStore {
    fn stats_figures(
        &self,
        funnel: &Funnel,
        today: NaiveDate,
        window: Window,
    ) -> StoreResult<StatsFigures> {
        PgStore::stats_figures(self, funnel, today, window)
    }

    fn reviews_per_day(&self, first: NaiveDate, last: NaiveDate) -> StoreResult<Vec<u64>> {
        PgStore::reviews_per_day(self, first, last)
    }

    fn review_facts(&self) -> StoreResult<Vec<ReviewFact>> {
        PgStore::review_facts(self)
    }
}

impl CalibrationStore for PgStore {
    fn calibration_pool(
        &self,
        crm_stages: &[String],
        closed_stage: bool,
    ) -> StoreResult<Vec<CardKey>> {
        PgStore::calibration_pool(self, crm_stages, closed_stage)
    }

    fn save_calibration(&mut self, c: &Calibration) -> StoreResult<bool> {
        PgStore::save_calibration(self, c)
    }

    fn calibrations(&self) -> StoreResult<Vec<Calibration>> {
        PgStore::calibrations(self)
    }

    fn calibration_judgements(
        &self,
        c: &Calibration,
    ) -> StoreResult<(Vec<Judgement>, BTreeMap<CardKey, Verdict>)> {
        PgStore::calibration_judgements(self, c)
    }
}
