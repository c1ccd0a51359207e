//! The team lead's decisions and the list of reviews awaiting one. Decisions are never changed:
//! a later one supersedes, an undo marks one withdrawn.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::cards::{fmt_time, time_at};
use super::{Store, StoreError};
use crate::domain::decision::{Decision, DecisionKind, LeadDecision};
use crate::domain::ids::CardId;
use crate::domain::others_review::OthersReview;
use crate::domain::review::{Verdict, corrected_fields, suggested_owner};
use crate::domain::settled::{DecidedReview, Settled, SettledCards};
use crate::domain::stored_review::{card_changed, changed_since};
use crate::domain::suggestion::Proposal;

pub use crate::domain::lead_row::{LeadRow, group_by_card, resplit};

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

/// Every standing decision (of a kind okk knows) on a review not taken back, with the review
/// and the card's digests it was judged on and has now (whether a sync changed it since, by
/// [`crate::domain::stored_review::card_changed`]): what [`SettledCards::from_decided`] reads, in
/// each backend's words for one card's parameters (`card`: empty for every card). The
/// decision's columns come first, as [`decision_row`] reads them.
pub(crate) fn decided_sql(card: &str) -> String {
    format!(
        "SELECT d.id, d.lead, d.decision, d.verdict, d.suggested_stage, d.suggested_owner,
                d.note, d.created_at, d.checklist, d.seq,
                r.card_source, r.card_external_id, r.id, r.auditor, r.created_at, r.verdict,
                r.suggested_stage, r.suggested_owner, r.corrections,
                r.card_hash, r.stage, c.content_hash
         FROM lead_decisions d
         JOIN reviews r ON r.id = d.review_id
         LEFT JOIN cards c ON c.id = r.card_id
         WHERE d.withdrawn_at IS NULL AND r.withdrawn_at IS NULL
           AND d.decision IN ('accept', 'override', 'return') {card}"
    )
}

/// One card's narrowing of [`decided_sql`] on a store file.
const ONE_CARD: &str = "AND r.card_source = ?1 AND r.card_external_id = ?2";

/// Writes `lead`'s decision on review `review_id` in `conn`, after the review's others; its id.
fn insert_decision(
    conn: &rusqlite::Connection,
    review_id: &str,
    lead: &str,
    decision: &Decision,
    now: NaiveDateTime,
) -> Result<String, StoreError> {
    let id = uuid::Uuid::new_v4().to_string();
    conn.execute(
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

/// The review half of a [`decided_sql`] row (columns 9 on), around its decision.
pub(crate) fn decided_review(
    decision: LeadDecision,
    seq: i64,
    review: [String; 7],
    stage: Option<String>,
    owner: Option<String>,
    corrections: &str,
    card_changed: Option<bool>,
) -> DecidedReview {
    let [
        source,
        external_id,
        review_id,
        auditor,
        reviewed_at,
        verdict,
        reviewed_stage,
    ] = review;
    DecidedReview {
        card: (source, external_id),
        seq,
        settled: Settled {
            review_id,
            auditor,
            reviewed_at,
            reviewed_stage,
            proposal: Proposal {
                verdict: Verdict::from_name(&verdict).unwrap_or(Verdict::Unclear),
                stage,
                owner,
                // A JSON column okk wrote itself; a damaged one reads as no corrections.
                corrections: serde_json::from_str(corrections).unwrap_or_default(),
            },
            card_changed,
            decision,
        },
    }
}

/// The decisions that settle cards, read in `conn` (the store's connection or a merge's
/// transaction): every card's, or the one `card` names.
pub(crate) fn settled_cards_in(
    conn: &rusqlite::Connection,
    card: Option<(&str, &str)>,
) -> Result<SettledCards, StoreError> {
    let sql = decided_sql(if card.is_some() { ONE_CARD } else { "" });
    let mut stmt = conn.prepare_cached(&sql)?;
    let read = |r: &rusqlite::Row<'_>| -> rusqlite::Result<DecidedReview> {
        let corrections: String = r.get(18)?;
        Ok(decided_review(
            decision_row(r)?,
            r.get(9)?,
            [
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
                r.get(14)?,
                r.get(15)?,
                r.get(20)?,
            ],
            r.get(16)?,
            r.get(17)?,
            &corrections,
            card_changed(r.get(19)?, r.get(21)?),
        ))
    };
    let rows = match card {
        Some((source, external_id)) => stmt.query_map(params![source, external_id], read)?,
        None => stmt.query_map([], read)?,
    };
    Ok(SettledCards::from_decided(
        rows.collect::<Result<Vec<_>, _>>()?,
    ))
}

impl Store {
    /// The decision that settles each card the lead settled.
    pub fn settled_cards(&self) -> Result<SettledCards, StoreError> {
        settled_cards_in(&self.conn, None)
    }

    /// The decision that settles one card, if the lead settled it.
    pub fn settled_card(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<Settled>, StoreError> {
        Ok(settled_cards_in(&self.conn, Some((source, external_id)))?.into_only())
    }

    /// Records the lead's decision on a review (one durable transaction); returns its id.
    pub fn decide(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        now: NaiveDateTime,
    ) -> Result<String, StoreError> {
        insert_decision(&self.conn, review_id, lead, decision, now)
    }

    /// [`Store::decide`], given on the card the lead's screen drew with digest `seen`: refused
    /// ([`StoreError::CardChanged`]), nothing written, when an import or a sync changed the
    /// review's card since (the same transaction's lock keeps it as read here). A card the
    /// store no longer holds is not compared.
    pub fn decide_as_seen(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        seen: i64,
        now: NaiveDateTime,
    ) -> Result<String, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let card: Option<(i64, String)> = tx
            .query_row(
                "SELECT c.content_hash, r.card_external_id FROM reviews r
                 JOIN cards c ON c.id = r.card_id WHERE r.id = ?1",
                [review_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((hash, external_id)) = card
            && hash != seen
        {
            return Err(StoreError::CardChanged { external_id });
        }
        let id = insert_decision(&tx, review_id, lead, decision, now)?;
        tx.commit()?;
        Ok(id)
    }

    /// Takes a decision back (undo): it stays, marked withdrawn. An auditor's undo it held
    /// out is weighed again: by the records' times it may apply now (docs/lead.md "An undo
    /// that comes in a bundle").
    pub fn withdraw_decision(&mut self, id: &str, now: NaiveDateTime) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let review: Option<String> = tx
            .query_row(
                "UPDATE lead_decisions SET withdrawn_at = ?2 WHERE id = ?1 AND withdrawn_at IS NULL
                 RETURNING review_id",
                params![id, fmt_time(&now)],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(review) = review {
            super::withdrawals::reweigh_and_settle(&tx, &review, &[])?;
        }
        tx.commit()?;
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

    /// See `ReviewStore::others_reviews`: the card's reviews found by its key (the reviews'
    /// index leads with it), each review's latest decision by its own.
    pub fn others_reviews(
        &self,
        card_id: i64,
        auditor: &str,
    ) -> Result<Vec<OthersReview>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.id, r.auditor, r.verdict, r.card_hash, c.content_hash
             FROM cards c JOIN reviews r ON r.card_source = c.source
                  AND r.card_external_id = c.external_id AND r.card_id = c.id
             WHERE c.id = ?1 AND r.auditor <> ?2
               AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
             ORDER BY r.created_at, r.id",
        )?;
        type Row = (String, String, String, Option<i64>, i64);
        let rows = stmt
            .query_map(params![card_id, auditor], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?
            .collect::<Result<Vec<Row>, _>>()?;
        let mut out = Vec::new();
        for (id, auditor, verdict, judged, now) in rows {
            let Some(verdict) = Verdict::from_name(&verdict) else {
                continue;
            };
            out.push(OthersReview {
                auditor,
                verdict,
                card_changed: changed_since(judged, now),
                decision: self.latest_decision(&id)?,
            });
        }
        Ok(out)
    }

    /// Every current review (of any auditor), card by card (cards in the order of their first
    /// review, each card's oldest first), with its latest standing decision and the decision
    /// that settles its card.
    pub fn lead_rows(&self) -> Result<Vec<LeadRow>, StoreError> {
        let mut stmt = self.conn.prepare(&lead_rows_sql(
            "EXISTS (SELECT 1 FROM json_each(k.auditors) WHERE value = r.auditor)",
            "r.rowid",
        ))?;
        let mut latest = self.conn.prepare_cached(LATEST)?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let review_id: String = r.get(0)?;
            let verdict: String = r.get(6)?;
            let decision = latest.query_row([&review_id], decision_row).optional()?;
            out.push(LeadRow {
                card_id: r.get::<_, Option<i64>>(1)?.map(CardId),
                external_id: r.get(2)?,
                title: r.get(3)?,
                stage: r.get(4)?,
                auditor: r.get(5)?,
                verdict: Verdict::from_name(&verdict).unwrap_or(Verdict::Unclear),
                score: r.get(7)?,
                suggested_stage: r.get(8)?,
                suggested_owner: suggested_owner(r.get(9)?, &r.get::<_, String>(16)?),
                corrected: corrected_fields(&r.get::<_, String>(16)?),
                comment: r.get(10)?,
                created_at: time_at(r, 11)?,
                seconds_spent: r.get(12)?,
                flag_rank: r.get(13)?,
                calibration: r.get(14)?,
                source: r.get(15)?,
                split: false,
                settled: None,
                funnel_fingerprint: r.get(17)?,
                stage_gone: false,
                decision,
                review_id,
            });
        }
        Ok(group_by_card(out, &self.settled_cards()?))
    }
}

/// The lead's rows as SQL, in each backend's words for the two things they say apart: whether
/// a calibration's JSON list of auditors names the review's (`listed`), and the order reviews
/// were written in (`written`).
pub(crate) fn lead_rows_sql(listed: &str, written: &str) -> String {
    format!(
        "SELECT r.id, r.card_id, r.card_external_id, c.title, r.stage, r.auditor, r.verdict,
                r.score, r.suggested_stage, r.suggested_owner, r.comment, r.created_at,
                r.seconds_spent,
                coalesce((SELECT s.flag_rank FROM standings s WHERE s.card_id = r.card_id), 0),
                EXISTS (SELECT 1 FROM calibration_cards cc
                        JOIN calibrations k ON k.id = cc.calibration_id
                        WHERE cc.card_source = r.card_source
                          AND cc.card_external_id = r.card_external_id
                          AND r.created_at >= k.created_at
                          AND (k.ended_at IS NULL OR r.created_at <= k.ended_at)
                          AND {listed}),
                r.card_source, r.corrections, r.funnel_fingerprint
         FROM reviews r LEFT JOIN cards c ON c.id = r.card_id
         WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
         ORDER BY r.created_at, {written}"
    )
}
