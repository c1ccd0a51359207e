//! What the exports read from a server store (`okk export reviews`, `okk export crm`): the
//! SQLite store's `store::export` reads on PostgreSQL, the same rows in the same order.

use postgres::types::ToSql;

use super::PgStore;
use crate::domain::decision::{Decision, DecisionKind, LeadDecision};
use crate::domain::final_word::AwaitingLead;
use crate::domain::review::Verdict;
use crate::domain::suggestion::{CardNow, Proposal};
use crate::store::StoreError;
use crate::store::export::{ExportedReview, ReviewQuery, ReviewRow};
use crate::store::export_source::ReviewExportSource;

/// Rows fetched from the portal at a time: the client holds one batch, whatever the store.
const BATCH: i32 = 1024;

// The SQLite SELECT (`store::export`) with each review's latest decision not taken back joined
// in (SQLite reads those into a map first; here the server picks them, so nothing grows with
// the store on this side). Keys compare in the "C" collation: byte by byte, as SQLite's text.
const SELECT: &str = r#"
SELECT r.id, r.card_source, r.card_external_id, r.auditor, r.stage, r.verdict, r.checklist,
       r.score, r.suggested_stage, r.suggested_owner, r.corrections, r.comment, r.created_at,
       r.seconds_spent,
       c.id, c.stage, c.owner, c.pipeline, c.title, r.card_hash,
       d.id, d.lead, d.decision, d.verdict, d.suggested_stage, d.suggested_owner, d.note,
       d.created_at, d.checklist, c.gone_at, c.content_hash, r.funnel_fingerprint
FROM reviews r
LEFT JOIN cards c ON c.id = r.card_id
LEFT JOIN (SELECT DISTINCT ON (review_id) review_id, id, lead, decision, verdict,
                  suggested_stage, suggested_owner, note, created_at, checklist
           FROM lead_decisions WHERE withdrawn_at IS NULL
           ORDER BY review_id, seq DESC, created_at DESC, id COLLATE "C" DESC) d
       ON d.review_id = r.id
WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
  AND ($1::text IS NULL OR r.created_at >= $1)
  AND ($2::text IS NULL OR r.auditor = $2)
  AND ($3::text IS NULL OR c.first_batch IN (SELECT id FROM import_batches WHERE profile = $3))
  AND ($4::text IS NULL OR c.source = $4)"#;

const BY_TIME: &str = r#"ORDER BY r.created_at, r.card_source COLLATE "C",
    r.card_external_id COLLATE "C", r.auditor COLLATE "C", r.id COLLATE "C""#;
const BY_CARD: &str = r#"ORDER BY r.card_source COLLATE "C", r.card_external_id COLLATE "C",
    r.created_at DESC, r.auditor COLLATE "C", r.id COLLATE "C""#;

impl PgStore {
    /// The rows of [`ReviewExportSource::for_each_review_row`], from one read-only snapshot
    /// through a portal, [`BATCH`] rows at a time.
    pub fn for_each_review_row<E: From<StoreError>>(
        &self,
        q: &ReviewQuery<'_>,
        mut f: impl FnMut(ReviewRow) -> Result<(), E>,
    ) -> Result<(), E> {
        let order = if q.by_card { BY_CARD } else { BY_TIME };
        let mut conn = self.conn.borrow_mut();
        let mut tx = super::snapshot(&mut conn).map_err(StoreError::from)?;
        let params: [&(dyn ToSql + Sync); 4] = [&q.since, &q.auditor, &q.profile, &q.source];
        let portal = tx
            .bind(&format!("{SELECT} {order}"), &params)
            .map_err(StoreError::from)?;
        loop {
            let rows = tx.query_portal(&portal, BATCH).map_err(StoreError::from)?;
            let last = rows.len() < BATCH as usize;
            for r in &rows {
                f(review_row(r))?;
            }
            if last {
                break;
            }
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }

    /// The cards whose auditors split with no decision of the lead: the SQLite store's
    /// `awaiting_lead`, its query ([`crate::store::export::WAITING`]) read here.
    pub fn awaiting_lead(&self) -> Result<AwaitingLead, StoreError> {
        let rows = self
            .conn
            .borrow_mut()
            .query(crate::store::export::WAITING, &[])?;
        Ok(AwaitingLead::from_waiting(rows.iter().map(|r| {
            crate::store::export::waiting_review(
                (r.get(0), r.get(1)),
                r.get(2),
                (r.get(3), r.get(4)),
                r.get(5),
                (r.get(6), r.get(7), r.get(8)),
            )
        })))
    }

    pub fn reviewed_stage_names(&self) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT DISTINCT stage FROM reviews
             WHERE superseded_by IS NULL AND withdrawn_at IS NULL",
            &[],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub fn has_profile(&self, profile: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .borrow_mut()
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM import_batches WHERE profile = $1)",
                &[&profile],
            )?
            .get(0))
    }

    /// SQLite's `owner_ids`: `fields` is `[[id, value], …]` as text; `strpos` skips, without
    /// parsing, the cards that cannot hold the field; the latest card (highest id) per owner
    /// (`owner` is in the "C" collation: one owner per byte-distinct name, as in SQLite).
    pub fn owner_ids(&self, field: &str) -> Result<Vec<(String, String)>, StoreError> {
        let mut conn = self.conn.borrow_mut();
        let Some(id) = conn
            .query_opt("SELECT id FROM field_names WHERE name = $1", &[&field])?
            .map(|r| r.get::<_, i64>(0).to_string())
        else {
            return Ok(Vec::new());
        };
        let rows = conn.query(
            r#"SELECT DISTINCT ON (owner) owner, uid FROM (
                   SELECT c.id, c.owner,
                          (SELECT j.value ->> 1 FROM json_array_elements(c.fields::json) j
                           WHERE j.value ->> 0 = $1 LIMIT 1) AS uid
                   FROM cards c
                   WHERE c.owner IS NOT NULL AND strpos(c.fields, '[' || $1 || ',') > 0) o
               WHERE uid IS NOT NULL ORDER BY owner, id DESC"#,
            &[&id],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    pub fn stage_spellings(
        &self,
        profile: &str,
        source: Option<&str>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT c.stage, count(*) FROM cards c JOIN import_batches b ON b.id = c.first_batch
             WHERE b.profile = $1 AND ($2::text IS NULL OR c.source = $2)
             GROUP BY c.stage ORDER BY c.stage",
            &[&profile, &source],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect())
    }
}

fn review_row(r: &postgres::Row) -> ReviewRow {
    let verdict = |i: usize| r.get::<_, Option<&str>>(i).and_then(Verdict::from_name);
    let card = r.get::<_, Option<i64>>(14).map(|_| CardNow {
        stage: r.get(15),
        owner: r.get(16),
        pipeline: r.get(17),
    });
    let lead = r.get::<_, Option<String>>(20).map(|id| LeadDecision {
        id,
        lead: r.get(21),
        decision: Decision {
            kind: DecisionKind::from_name(r.get(22)).unwrap_or(DecisionKind::Accept),
            verdict: verdict(23),
            suggested_stage: r.get(24),
            suggested_owner: r.get(25),
            note: r.get(26),
            answers: r
                .get::<_, Option<&str>>(28)
                .and_then(|j| serde_json::from_str(j).ok()),
        },
        created_at: r.get(27),
    });
    ReviewRow {
        checklist: r.get(6),
        corrections: r.get(10),
        review: ExportedReview {
            id: r.get(0),
            source: r.get(1),
            external_id: r.get(2),
            auditor: r.get(3),
            stage: r.get(4),
            proposal: Proposal {
                verdict: verdict(5).unwrap_or(Verdict::Unclear),
                stage: r.get(8),
                owner: r.get(9),
                corrections: Default::default(),
            },
            answers: Default::default(),
            score: r.get(7),
            comment: r.get(11),
            created_at: r.get(12),
            seconds_spent: r.get(13),
            card,
            title: r.get(18),
            // The queue's ↻ rule: both digests read, the domain compares them.
            card_changed: crate::domain::stored_review::card_changed(r.get(19), r.get(30)),
            card_gone_at: r.get(29),
            lead,
            funnel_fingerprint: r.get(31),
        },
    }
}

impl ReviewExportSource for PgStore {
    fn for_each_review_row<E: From<StoreError>>(
        &self,
        q: &ReviewQuery<'_>,
        f: impl FnMut(ReviewRow) -> Result<(), E>,
    ) -> Result<(), E> {
        PgStore::for_each_review_row(self, q, f)
    }

    fn settled_cards(&self) -> Result<crate::domain::settled::SettledCards, StoreError> {
        PgStore::settled_cards(self)
    }

    fn awaiting_lead(&self) -> Result<crate::domain::final_word::AwaitingLead, StoreError> {
        PgStore::awaiting_lead(self)
    }

    fn calibrations(&self) -> Result<Vec<crate::domain::calibration::Calibration>, StoreError> {
        PgStore::calibrations(self)
    }

    fn reviewed_stage_names(&self) -> Result<Vec<String>, StoreError> {
        PgStore::reviewed_stage_names(self)
    }

    fn crm_stage_names(&self) -> Result<Vec<String>, StoreError> {
        PgStore::crm_stage_names(self)
    }

    fn has_profile(&self, profile: &str) -> Result<bool, StoreError> {
        PgStore::has_profile(self, profile)
    }

    fn owner_ids(&self, field: &str) -> Result<Vec<(String, String)>, StoreError> {
        PgStore::owner_ids(self, field)
    }

    fn stage_spellings(
        &self,
        profile: &str,
        source: Option<&str>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        PgStore::stage_spellings(self, profile, source)
    }

    fn crm_stages(&self) -> Result<Vec<(String, crate::domain::crm_stage::CrmStage)>, StoreError> {
        crate::domain::ports::FunnelHistory::crm_stages(self)
    }

    fn crm_connections(&self) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT connection FROM crm_sync ORDER BY connection COLLATE \"C\"",
            &[],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn source_columns(
        &self,
    ) -> Result<Vec<(String, crate::domain::columns::SourceColumns)>, StoreError> {
        self.all_source_columns()
    }
}
