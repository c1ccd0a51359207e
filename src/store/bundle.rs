//! Bundles in and out of the store: every review and lead decision since a date, and a merge
//! that is idempotent and order-independent (records are immutable and keyed by UUID; the only
//! change a record can carry is a withdrawal, which is kept; which review is current is then
//! derived afresh).

use std::collections::BTreeSet;

use rusqlite::{OptionalExtension, params};

use super::reviews::settle_current;
use super::{Store, StoreError};
use crate::bundle::{Bundle, DecisionRecord, ReviewRecord};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct MergeReport {
    pub reviews_added: u64,
    pub reviews_known: u64,
    pub reviews_withdrawn: u64,
    pub decisions_added: u64,
    pub decisions_known: u64,
    pub calibrations_added: u64,
    /// Reviews (in this store, after the merge) whose card has not arrived yet.
    pub waiting_for_cards: u64,
}

const REVIEW_COLUMNS: &str = "id, card_source, card_external_id, auditor, stage, verdict, \
     checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash, \
     funnel_fingerprint, created_at, seconds_spent, supersedes, withdrawn_at";

impl Store {
    /// Every review and lead decision in the store made (or, for a review, withdrawn) at or
    /// after `since` ('YYYY-MM-DD…'; `None`: all), in a stable order; the reviews those
    /// decisions are about come along, so the bundle stands on its own.
    pub fn bundle(&self, since: Option<&str>, created_at: &str) -> Result<Bundle, StoreError> {
        let since = since.unwrap_or("");
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {REVIEW_COLUMNS} FROM reviews
             WHERE created_at >= ?1 OR withdrawn_at >= ?1
                OR id IN (SELECT review_id FROM lead_decisions WHERE created_at >= ?1)
             ORDER BY created_at, rowid"
        ))?;
        let reviews = stmt
            .query_map([since], |r| {
                Ok(ReviewRecord {
                    id: r.get(0)?,
                    card_source: r.get(1)?,
                    card_external_id: r.get(2)?,
                    auditor: r.get(3)?,
                    stage: r.get(4)?,
                    verdict: r.get(5)?,
                    checklist: r.get(6)?,
                    score: r.get(7)?,
                    suggested_stage: r.get(8)?,
                    suggested_owner: r.get(9)?,
                    corrections: r.get(10)?,
                    comment: r.get(11)?,
                    card_hash: r.get(12)?,
                    funnel_fingerprint: r.get(13)?,
                    created_at: r.get(14)?,
                    seconds_spent: r.get(15)?,
                    supersedes: r.get(16)?,
                    withdrawn_at: r.get(17)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT id, review_id, lead, decision, verdict, suggested_stage, suggested_owner,
                    note, created_at, withdrawn_at, checklist, seq
             FROM lead_decisions WHERE created_at >= ?1 OR withdrawn_at >= ?1
             ORDER BY created_at, rowid",
        )?;
        let decisions = stmt
            .query_map([since], |r| {
                Ok(DecisionRecord {
                    id: r.get(0)?,
                    review_id: r.get(1)?,
                    lead: r.get(2)?,
                    decision: r.get(3)?,
                    verdict: r.get(4)?,
                    suggested_stage: r.get(5)?,
                    suggested_owner: r.get(6)?,
                    note: r.get(7)?,
                    created_at: r.get(8)?,
                    withdrawn_at: r.get(9)?,
                    checklist: r.get(10)?,
                    seq: r.get(11)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        // Calibrations are few and small: every one goes, whatever `since` says.
        let calibrations = self.calibrations()?;
        Ok(Bundle {
            created_at: created_at.to_string(),
            reviews,
            decisions,
            calibrations,
        })
    }

    /// Merges a bundle in one transaction: new records are added, known ones keep what they
    /// hold (a withdrawal is taken from either side, the earliest time kept), and each touched
    /// card's current review is derived again. A record the store cannot take (a decision on
    /// a review neither side has) fails the whole merge.
    pub fn merge_bundle(&mut self, bundle: &Bundle) -> Result<MergeReport, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut report = MergeReport::default();
        let mut groups: BTreeSet<(String, String, String)> = BTreeSet::new();
        {
            let mut known = tx.prepare("SELECT withdrawn_at FROM reviews WHERE id = ?1")?;
            let mut insert = tx.prepare(&format!(
                "INSERT INTO reviews ({REVIEW_COLUMNS}, card_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                         ?17, ?18, (SELECT c.id FROM cards c
                                    WHERE c.source = ?2 AND c.external_id = ?3))"
            ))?;
            let mut withdraw = tx.prepare(
                "UPDATE reviews SET withdrawn_at = ?2
                 WHERE id = ?1 AND (withdrawn_at IS NULL OR withdrawn_at > ?2)",
            )?;
            for r in &bundle.reviews {
                let existing: Option<Option<String>> =
                    known.query_row([&r.id], |row| row.get(0)).optional()?;
                match existing {
                    None => {
                        insert.execute(params![
                            r.id,
                            r.card_source,
                            r.card_external_id,
                            r.auditor,
                            r.stage,
                            r.verdict,
                            r.checklist,
                            r.score,
                            r.suggested_stage,
                            r.suggested_owner,
                            r.corrections,
                            r.comment,
                            r.card_hash,
                            r.funnel_fingerprint,
                            r.created_at,
                            r.seconds_spent,
                            r.supersedes,
                            r.withdrawn_at,
                        ])?;
                        report.reviews_added += 1;
                    }
                    Some(here) => {
                        report.reviews_known += 1;
                        if let Some(w) = &r.withdrawn_at
                            && withdraw.execute(params![r.id, w])? > 0
                            && here.is_none()
                        {
                            report.reviews_withdrawn += 1;
                        }
                    }
                }
                groups.insert((
                    r.card_source.clone(),
                    r.card_external_id.clone(),
                    r.auditor.clone(),
                ));
            }
            let mut insert = tx.prepare(
                "INSERT INTO lead_decisions (id, review_id, lead, decision, verdict,
                     suggested_stage, suggested_owner, note, created_at, withdrawn_at, checklist,
                     seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT (id) DO NOTHING",
            )?;
            let mut withdraw_decision = tx.prepare(
                "UPDATE lead_decisions SET withdrawn_at = ?2
                 WHERE id = ?1 AND (withdrawn_at IS NULL OR withdrawn_at > ?2)",
            )?;
            for d in &bundle.decisions {
                let added = insert.execute(params![
                    d.id,
                    d.review_id,
                    d.lead,
                    d.decision,
                    d.verdict,
                    d.suggested_stage,
                    d.suggested_owner,
                    d.note,
                    d.created_at,
                    d.withdrawn_at,
                    d.checklist,
                    d.seq,
                ])?;
                if added > 0 {
                    report.decisions_added += 1;
                } else {
                    report.decisions_known += 1;
                    if let Some(w) = &d.withdrawn_at {
                        withdraw_decision.execute(params![d.id, w])?;
                    }
                }
            }
        }
        for c in &bundle.calibrations {
            if super::calibration::insert_calibration(&tx, c)? {
                report.calibrations_added += 1;
            }
        }
        for (source, external_id, auditor) in &groups {
            settle_current(&tx, source, external_id, auditor)?;
        }
        report.waiting_for_cards = tx.query_row(
            "SELECT count(*) FROM reviews WHERE card_id IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64;
        tx.commit()?;
        Ok(report)
    }
}
