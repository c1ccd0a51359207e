//! The team lead's decisions and the list of reviews awaiting one. Decisions are never changed:
//! a later one supersedes, an undo marks one withdrawn.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::cards::fmt_time;
use super::{Store, StoreError};
use crate::domain::decision::{Decision, DecisionKind, LeadDecision};
use crate::domain::final_word::{Current, FinalWord, final_word};
use crate::domain::review::Verdict;
use crate::domain::suggestion::Proposal;
use std::collections::HashMap;

/// A current review as the lead's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadRow {
    pub review_id: String,
    /// `None` while the card has not arrived in a sync.
    pub card_id: Option<i64>,
    pub source: String,
    pub external_id: String,
    pub title: Option<String>,
    /// The card's stage when reviewed.
    pub stage: String,
    pub auditor: String,
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
    pub comment: String,
    pub created_at: String,
    pub seconds_spent: Option<f64>,
    /// The card's most severe flag now (0 none, 3 critical).
    pub flag_rank: i64,
    /// The latest decision still standing, if any.
    pub decision: Option<LeadDecision>,
    /// Made for a calibration (the card is in one naming the auditor, and the review is newer).
    pub calibration: bool,
    /// The card's auditors disagree and no decision of the lead settles it.
    pub split: bool,
}

impl LeadRow {
    /// The auditor judged against the rules: "ok" on a card the rules flag as critical.
    pub fn disagrees_with_rules(&self) -> bool {
        self.verdict == Verdict::Ok && self.flag_rank >= 3
    }

    /// What `disagree` finds: a review against the rules, or auditors split on its card.
    pub fn disagrees(&self) -> bool {
        self.disagrees_with_rules() || self.split
    }

    fn proposal(&self) -> Proposal {
        Proposal {
            verdict: self.verdict,
            stage: self.suggested_stage.clone(),
            owner: self.suggested_owner.clone(),
            corrections: Default::default(),
        }
    }

    fn word(&self) -> Option<&Decision> {
        self.decision.as_ref().map(|d| &d.decision)
    }
}

/// Puts each card's reviews together (cards in the order of their first review, a card's
/// reviews oldest first) and marks the cards whose auditors split with nothing settled.
pub fn group_by_card(rows: Vec<LeadRow>) -> Vec<LeadRow> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut cards: HashMap<(String, String), Vec<LeadRow>> = HashMap::new();
    for r in rows {
        let key = (r.source.clone(), r.external_id.clone());
        cards
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(r);
    }
    let mut out = Vec::new();
    for key in order {
        let mut group = cards.remove(&key).expect("keyed");
        mark_split(&mut group);
        out.extend(group);
    }
    out
}

/// Marks one card's reviews (oldest first) as split or not.
fn mark_split(group: &mut [LeadRow]) {
    let split = group.len() > 1 && {
        let proposals: Vec<Proposal> = group.iter().rev().map(LeadRow::proposal).collect();
        let words: Vec<_> = group.iter().rev().map(LeadRow::word).collect();
        let current: Vec<Current<'_>> = proposals
            .iter()
            .zip(&words)
            .map(|(proposal, w)| Current {
                proposal,
                decision: *w,
            })
            .collect();
        final_word(&current) == FinalWord::NeedsLead
    };
    for r in group {
        r.split = split;
    }
}

/// After a decision on `rows[row]` (rows grouped by card): re-marks that card's split, which the
/// decision may settle or, undone, reopen.
pub fn resplit(rows: &mut [LeadRow], row: usize) {
    let same = |a: &LeadRow, b: &LeadRow| a.source == b.source && a.external_id == b.external_id;
    let Some(r) = rows.get(row) else { return };
    let start = (0..row)
        .rev()
        .take_while(|&i| same(&rows[i], r))
        .last()
        .unwrap_or(row);
    let end = (row..rows.len())
        .take_while(|&i| same(&rows[i], r))
        .last()
        .unwrap_or(row)
        + 1;
    mark_split(&mut rows[start..end]);
}

const LATEST: &str = "SELECT id, lead, decision, verdict, suggested_stage, suggested_owner, note,
        created_at, checklist FROM lead_decisions
     WHERE review_id = ?1 AND withdrawn_at IS NULL
     ORDER BY seq DESC, created_at DESC, id DESC LIMIT 1";

pub(super) fn decision_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<LeadDecision> {
    let kind: String = r.get(2)?;
    let verdict: Option<String> = r.get(3)?;
    Ok(LeadDecision {
        id: r.get(0)?,
        lead: r.get(1)?,
        decision: Decision {
            kind: DecisionKind::from_name(&kind).unwrap_or(DecisionKind::Accept),
            verdict: verdict.as_deref().and_then(Verdict::from_name),
            suggested_stage: r.get(4)?,
            suggested_owner: r.get(5)?,
            note: r.get(6)?,
            answers: r
                .get::<_, Option<String>>(8)?
                .and_then(|j| serde_json::from_str(&j).ok()),
        },
        created_at: r.get(7)?,
    })
}

impl Store {
    /// Records the lead's decision on a review (one durable transaction); returns its id.
    pub fn decide(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        now: NaiveDateTime,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.conn.execute(
            "INSERT INTO lead_decisions (id, review_id, lead, decision, verdict, suggested_stage,
                 suggested_owner, note, created_at, checklist, seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
                     (SELECT coalesce(max(seq), 0) + 1 FROM lead_decisions WHERE review_id = ?2))",
            params![
                id,
                review_id,
                lead,
                decision.kind.as_str(),
                decision.verdict.map(Verdict::as_str),
                decision.suggested_stage,
                decision.suggested_owner,
                decision.note,
                fmt_time(&now),
                decision
                    .answers
                    .as_ref()
                    .map(|a| serde_json::to_string(a).expect("answers serialise")),
            ],
        )?;
        Ok(id)
    }

    /// Takes a decision back (undo): it stays, marked withdrawn.
    pub fn withdraw_decision(&mut self, id: &str, now: NaiveDateTime) -> Result<(), StoreError> {
        self.conn.execute(
            "UPDATE lead_decisions SET withdrawn_at = ?2 WHERE id = ?1 AND withdrawn_at IS NULL",
            params![id, fmt_time(&now)],
        )?;
        Ok(())
    }

    /// The latest standing decision on a review.
    pub fn latest_decision(&self, review_id: &str) -> Result<Option<LeadDecision>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(LATEST)?
            .query_row([review_id], decision_row)
            .optional()?)
    }

    /// Every current review (of any auditor), card by card (cards in the order of their first
    /// review, each card's oldest first), with its latest standing decision.
    pub fn lead_rows(&self) -> Result<Vec<LeadRow>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.id, r.card_id, r.card_external_id, c.title, r.stage, r.auditor, r.verdict,
                    r.score, r.suggested_stage, r.suggested_owner, r.comment, r.created_at,
                    r.seconds_spent,
                    coalesce((SELECT s.flag_rank FROM standings s WHERE s.card_id = r.card_id), 0),
                    EXISTS (SELECT 1 FROM calibration_cards cc
                            JOIN calibrations k ON k.id = cc.calibration_id
                            WHERE cc.card_source = r.card_source
                              AND cc.card_external_id = r.card_external_id
                              AND r.created_at >= k.created_at
                              AND EXISTS (SELECT 1 FROM json_each(k.auditors)
                                          WHERE value = r.auditor)),
                    r.card_source
             FROM reviews r LEFT JOIN cards c ON c.id = r.card_id
             WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
             ORDER BY r.created_at, r.rowid",
        )?;
        let mut latest = self.conn.prepare_cached(LATEST)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let review_id: String = r.get(0)?;
            let verdict: String = r.get(6)?;
            let decision = latest.query_row([&review_id], decision_row).optional()?;
            out.push(LeadRow {
                card_id: r.get(1)?,
                external_id: r.get(2)?,
                title: r.get(3)?,
                stage: r.get(4)?,
                auditor: r.get(5)?,
                verdict: Verdict::from_name(&verdict).unwrap_or(Verdict::Unclear),
                score: r.get(7)?,
                suggested_stage: r.get(8)?,
                suggested_owner: r.get(9)?,
                comment: r.get(10)?,
                created_at: r.get(11)?,
                seconds_spent: r.get(12)?,
                flag_rank: r.get(13)?,
                calibration: r.get(14)?,
                source: r.get(15)?,
                split: false,
                decision,
                review_id,
            });
        }
        Ok(group_by_card(out))
    }
}
