//! What the exports read: current reviews with the card as it is now and the lead's latest
//! decision, streamed in a stable order; and the stage names a CRM's own cards use. The same
//! reads on a server are `pg::export`'s; the port both meet is `export_source`.

use std::collections::HashMap;

use rusqlite::{Row, params};

use super::{Store, StoreError};
use crate::domain::decision::{DecisionKind, LeadDecision};
use crate::domain::final_word::{AwaitingLead, Waiting};
use crate::domain::review::Verdict;
use crate::domain::score::Answers;
use crate::domain::stored_review::card_changed;
use crate::domain::suggestion::{CardNow, Proposal};

/// Which current reviews, in which order.
#[derive(Debug, Clone, Default)]
pub struct ReviewQuery<'a> {
    /// Reviewed at or after this time, `YYYY-MM-DD HH:MM:SS`.
    pub since: Option<&'a str>,
    pub auditor: Option<&'a str>,
    /// Only reviews of cards imported with this profile (the CRM export).
    pub profile: Option<&'a str>,
    /// Only reviews of cards of this source (one CRM account).
    pub source: Option<&'a str>,
    /// Card by card, each card's latest review first; otherwise oldest review first.
    pub by_card: bool,
}

/// A current review as the exports need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedReview {
    pub id: String,
    pub source: String,
    pub external_id: String,
    pub auditor: String,
    /// The card's stage (as the CRM named it) when reviewed.
    pub stage: String,
    pub proposal: Proposal,
    pub answers: Answers,
    pub score: Option<f64>,
    pub comment: String,
    pub created_at: String,
    pub seconds_spent: Option<f64>,
    /// The card as the store holds it now; `None` while the review waits for its card to arrive.
    pub card: Option<CardNow>,
    pub title: Option<String>,
    /// A sync changed the card after the review (`None`: the card or its digest is unknown).
    pub card_changed: Option<bool>,
    /// When a later full import or sweep found the card no longer in the CRM (`None`: it is
    /// there, or not in the store): a change for it has nothing to land on there.
    pub card_gone_at: Option<String>,
    pub lead: Option<LeadDecision>,
    /// The funnel version the review was made under (`None` before okk recorded it).
    pub funnel_fingerprint: Option<String>,
}

impl ExportedReview {
    /// The card is gone from the CRM.
    pub fn card_gone(&self) -> bool {
        self.card_gone_at.is_some()
    }
}

// The card by the review's `card_id` (kept in step with source and external id by every sync and
// bundle import): one rowid seek instead of a seek in the (source, external_id) index and then
// one in the table. The lead's decisions are read once into a map beside it (`decisions`), not
// looked up per review: most reviews have none.
const SELECT: &str = "
SELECT r.id, r.card_source, r.card_external_id, r.auditor, r.stage, r.verdict, r.checklist,
       r.score, r.suggested_stage, r.suggested_owner, r.corrections, r.comment, r.created_at,
       r.seconds_spent,
       c.id, c.stage, c.owner, c.pipeline, c.title, r.card_hash, c.gone_at, c.content_hash,
       r.funnel_fingerprint
FROM reviews r
LEFT JOIN cards c ON c.id = r.card_id
WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
  AND (?1 IS NULL OR r.created_at >= ?1)
  AND (?2 IS NULL OR r.auditor = ?2)
  AND (?3 IS NULL OR c.first_batch IN (SELECT id FROM import_batches WHERE profile = ?3))
  AND (?4 IS NULL OR c.source = ?4)";

/// Each review's latest decision not taken back: the first row of each review.
const DECISIONS: &str = "
SELECT id, lead, decision, verdict, suggested_stage, suggested_owner, note, created_at, checklist,
       review_id
FROM lead_decisions WHERE withdrawn_at IS NULL
ORDER BY review_id, seq DESC, created_at DESC, id DESC";

/// The current reviews no decision of the lead (of a kind okk knows) stands on, of the cards
/// holding two or more reviews: what [`crate::domain::final_word::AwaitingLead::from_waiting`]
/// reads, the same on both backends. Which of them split is the domain's to say. The cards are
/// found in the card index alone (reviews superseded or undone count there too: a few more
/// cards looked at, no pass over the reviews themselves).
macro_rules! waiting {
    ($reviews:literal) => {
        concat!(
            "SELECT r.card_source, r.card_external_id, r.verdict, r.suggested_stage,
       r.suggested_owner, r.corrections, r.created_at, r.auditor, r.id
FROM ",
            $reviews,
            "
WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
  AND (r.card_source, r.card_external_id) IN (
      SELECT card_source, card_external_id FROM reviews
      GROUP BY card_source, card_external_id HAVING count(*) > 1)
  AND NOT EXISTS (
      SELECT 1 FROM lead_decisions d
      WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
        AND d.decision IN ('accept', 'override', 'return'))"
        )
    };
}
pub(crate) const WAITING: &str = waiting!("reviews r");

/// [`WAITING`] as SQLite reads it best: the reviews in their table's order, each card looked up
/// in the list of cards with two or more. Led by the card index instead, it fetched each review
/// at random: `okk export reviews` where every card has two auditors (400,000 reviews) took
/// 4.1–4.2 s against 3.2 s; where one judged each card, 1.4 s either way.
const WAITING_IN_TABLE_ORDER: &str = waiting!("reviews r NOT INDEXED");

/// One row of [`WAITING`]: its card, what it proposes, and when and by whom it was made.
pub(crate) fn waiting_review(
    card: (String, String),
    verdict: &str,
    (stage, owner): (Option<String>, Option<String>),
    corrections: &str,
    (at, auditor, id): (String, String, String),
) -> Waiting {
    let proposal = Proposal {
        verdict: Verdict::from_name(verdict).unwrap_or(Verdict::Unclear),
        stage,
        owner,
        // A JSON column okk wrote itself; a damaged one reads as no corrections.
        corrections: serde_json::from_str(corrections).unwrap_or_default(),
    };
    Waiting {
        card,
        proposal,
        at,
        auditor,
        id,
    }
}

/// Reviews made at one frozen second (the demo's clock) still come out in one order.
const BY_TIME: &str = "ORDER BY r.created_at, r.card_source, r.card_external_id, r.auditor, r.id";
const BY_CARD: &str =
    "ORDER BY r.card_source, r.card_external_id, r.created_at DESC, r.auditor, r.id";

impl Store {
    /// Calls `f` with every current review `q` selects, in its order, not yet parsed (the
    /// port: [`super::export_source::ReviewExportSource`]).
    pub fn for_each_review_row<E: From<StoreError>>(
        &self,
        q: &ReviewQuery<'_>,
        mut f: impl FnMut(ReviewRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let order = if q.by_card { BY_CARD } else { BY_TIME };
        self.conn
            .pragma_update(None, "mmap_size", super::schema::MMAP_SIZE)
            .map_err(StoreError::from)?;
        let mut decisions = self.decisions()?;
        let mut stmt = self
            .conn
            .prepare(&format!("{SELECT} {order}"))
            .map_err(StoreError::from)?;
        let mut rows = stmt
            .query(params![q.since, q.auditor, q.profile, q.source])
            .map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let mut row = review_row(r)?;
            // A review is current once: its decision can move out of the map.
            row.review.lead = decisions.remove(&row.review.id);
            f(row)?;
        }
        Ok(())
    }

    /// The cards whose auditors split with no decision of the lead (the port:
    /// [`super::export_source::ReviewExportSource::awaiting_lead`]).
    pub fn awaiting_lead(&self) -> Result<AwaitingLead, StoreError> {
        let mut stmt = self.conn.prepare(WAITING_IN_TABLE_ORDER)?;
        let rows = stmt.query_map([], |r| {
            let corrections: String = r.get(5)?;
            let verdict: String = r.get(2)?;
            Ok(waiting_review(
                (r.get(0)?, r.get(1)?),
                &verdict,
                (r.get(3)?, r.get(4)?),
                &corrections,
                (r.get(6)?, r.get(7)?, r.get(8)?),
            ))
        })?;
        Ok(AwaitingLead::from_waiting(
            rows.collect::<Result<Vec<_>, _>>()?,
        ))
    }

    /// Every review's latest lead decision not taken back, by review id.
    fn decisions(&self) -> Result<HashMap<String, LeadDecision>, StoreError> {
        let mut stmt = self.conn.prepare(DECISIONS)?;
        let mut rows = stmt.query([])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            let review: String = r.get(9)?;
            let known = r
                .get::<_, String>(2)
                .ok()
                .is_some_and(|d| DecisionKind::from_name(&d).is_some());
            if out.contains_key(&review) || !known {
                continue;
            }
            out.insert(review, super::decisions::decision_row(r)?);
        }
        Ok(out)
    }

    /// Owners and the CRM user id the latest card naming them carried in `field` (Bitrix24's
    /// `Name [17]`, kept at import).
    pub fn owner_ids(&self, field: &str) -> Result<Vec<(String, String)>, StoreError> {
        let Some(id) = self.field_id(field)? else {
            return Ok(Vec::new());
        };
        // `fields` is [[id, value], …]; `instr` skips, without parsing, the cards that cannot
        // hold the field.
        let mut stmt = self.conn.prepare(
            "SELECT owner, uid, max(id) FROM (
                 SELECT c.id, c.owner,
                        (SELECT j.value ->> '$[1]' FROM json_each(c.fields) j
                         WHERE j.value ->> '$[0]' = ?1) AS uid
                 FROM cards c
                 WHERE c.owner IS NOT NULL AND instr(c.fields, '[' || ?1 || ',') > 0)
             WHERE uid IS NOT NULL GROUP BY owner",
        )?;
        let rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every stage name current reviews were made at (as the CRM named it).
    pub fn reviewed_stage_names(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT stage FROM reviews
             WHERE superseded_by IS NULL AND withdrawn_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The stage names the cards imported with `profile` (of `source`, if given) carry, with how
    /// many cards carry each: how that CRM spells its stages.
    pub fn stage_spellings(
        &self,
        profile: &str,
        source: Option<&str>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.stage, count(*) FROM cards c JOIN import_batches b ON b.id = c.first_batch
             WHERE b.profile = ?1 AND (?2 IS NULL OR c.source = ?2)
             GROUP BY c.stage ORDER BY c.stage",
        )?;
        let rows = stmt.query_map(params![profile, source], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A current review as read, its JSON columns (checklist, corrections) not yet parsed: parsing
/// can happen on another thread than the connection's.
#[derive(Debug, Clone)]
pub struct ReviewRow {
    pub(super) review: ExportedReview,
    pub(super) checklist: String,
    pub(super) corrections: String,
}

impl ReviewRow {
    pub fn parse(self) -> ExportedReview {
        // JSON columns okk wrote itself; a damaged one reads as empty rather than stopping the
        // export.
        let mut review = self.review;
        review.answers = serde_json::from_str(&self.checklist).unwrap_or_default();
        review.proposal.corrections = serde_json::from_str(&self.corrections).unwrap_or_default();
        review
    }
}

fn review_row(r: &Row<'_>) -> Result<ReviewRow, StoreError> {
    Ok(ReviewRow {
        checklist: r.get(6)?,
        corrections: r.get(10)?,
        review: exported(r)?,
    })
}

fn exported(r: &Row<'_>) -> Result<ExportedReview, StoreError> {
    let verdict = |i: usize| -> rusqlite::Result<Option<Verdict>> {
        Ok(r.get::<_, Option<String>>(i)?
            .and_then(|v| Verdict::from_name(&v)))
    };
    let card = match r.get::<_, Option<i64>>(14)? {
        Some(_) => Some(CardNow {
            stage: r.get(15)?,
            owner: r.get(16)?,
            pipeline: r.get(17)?,
        }),
        None => None,
    };
    Ok(ExportedReview {
        id: r.get(0)?,
        source: r.get(1)?,
        external_id: r.get(2)?,
        auditor: r.get(3)?,
        stage: r.get(4)?,
        proposal: Proposal {
            verdict: verdict(5)?.unwrap_or(Verdict::Unclear),
            stage: r.get(8)?,
            owner: r.get(9)?,
            corrections: Default::default(),
        },
        answers: Default::default(),
        score: r.get(7)?,
        comment: r.get(11)?,
        created_at: r.get(12)?,
        seconds_spent: r.get(13)?,
        card,
        title: r.get(18)?,
        // The queue's ↻ rule: both digests read, the domain compares them.
        card_changed: card_changed(r.get(19)?, r.get(21)?),
        card_gone_at: r.get(20)?,
        lead: None,
        funnel_fingerprint: r.get(22)?,
    })
}

impl Store {
    /// Whether any import came through this profile.
    pub fn has_profile(&self, profile: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM import_batches WHERE profile = ?1)",
            [profile],
            |r| r.get(0),
        )?)
    }
}
