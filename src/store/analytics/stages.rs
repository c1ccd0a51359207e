//! Read-side questions about the whole store (per-stage counts for `okk stats`).

use crate::domain::analytics::stages::{CrmStageCount, StageInUse};
use crate::store::{Store, StoreError};

/// [`Store::stages_in_use`]'s question, the server's too (`pg::stats`).
pub(crate) const STAGES_IN_USE: &str =
    "SELECT c.stage, count(*), CAST(coalesce(sum(r.n), 0) AS bigint)
    FROM cards c LEFT JOIN (
        SELECT card_id, count(*) AS n FROM reviews
        WHERE superseded_by IS NULL AND withdrawn_at IS NULL GROUP BY card_id
    ) r ON r.card_id = c.id
    WHERE c.gone_at IS NULL GROUP BY c.stage ORDER BY c.stage";

impl Store {
    /// Cards per stage name as the CRM wrote it; the funnel folds names into stages.
    pub fn stage_counts(&self) -> Result<Vec<CrmStageCount>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT stage, SUM(gone_at IS NULL), SUM(gone_at IS NOT NULL)
             FROM cards GROUP BY stage ORDER BY stage",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(CrmStageCount {
                stage: r.get(0)?,
                cards: r.get::<_, i64>(1)? as u64,
                gone: r.get::<_, i64>(2)? as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Per stage name the cards carry: the cards not gone there and their current reviews.
    pub fn stages_in_use(&self) -> Result<Vec<StageInUse>, StoreError> {
        let mut stmt = self.conn.prepare(STAGES_IN_USE)?;
        let rows = stmt.query_map([], |r| {
            Ok(StageInUse {
                stage: r.get(0)?,
                cards: r.get::<_, i64>(1)? as u64,
                reviews: r.get::<_, i64>(2)? as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether the store holds any card (without counting a million of them).
    pub fn has_cards(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM cards)", [], |r| r.get(0))?)
    }

    pub fn card_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM cards", [], |r| r.get::<_, i64>(0))? as u64)
    }

    /// Cards (not gone) with a current review, per CRM stage name: the per-stage table's
    /// `reviewed`. (Which verdict stands on each is the lead's and the auditors' word settled,
    /// `domain::analytics::settle`, not a question for SQL.)
    pub fn reviewed_per_stage(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.stage, count(*) FROM cards c
             WHERE c.gone_at IS NULL AND EXISTS (
                 SELECT 1 FROM reviews r WHERE r.card_id = c.id
                   AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                   AND coalesce((SELECT d.decision FROM lead_decisions d
                                 WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
                                 ORDER BY d.seq DESC, d.created_at DESC, d.id DESC LIMIT 1),
                                '') <> 'return')
             GROUP BY c.stage ORDER BY c.stage",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every review not withdrawn (replaced ones too, marked), with its time and the lead's
    /// standing decision.
    pub fn review_facts(&self) -> Result<Vec<crate::domain::auditors::ReviewFact>, StoreError> {
        use crate::domain::decision::DecisionKind;
        let mut stmt = self.conn.prepare(
            "SELECT r.auditor, r.seconds_spent, d.decision, r.stage, r.checklist, d.checklist,
                    r.superseded_by IS NULL, r.funnel_fingerprint
             FROM reviews r LEFT JOIN lead_decisions d ON d.rowid = (
                 SELECT d2.rowid FROM lead_decisions d2
                 WHERE d2.review_id = r.id AND d2.withdrawn_at IS NULL
                 ORDER BY d2.seq DESC, d2.created_at DESC, d2.id DESC LIMIT 1)
             WHERE r.withdrawn_at IS NULL",
        )?;
        let rows = stmt.query_map([], |r| {
            let d: Option<String> = r.get(2)?;
            let answers: String = r.get(4)?;
            let lead: Option<String> = r.get(5)?;
            Ok(crate::domain::auditors::ReviewFact {
                auditor: r.get(0)?,
                current: r.get(6)?,
                seconds: r.get(1)?,
                decision: d.as_deref().and_then(DecisionKind::from_name),
                stage: r.get(3)?,
                answers: serde_json::from_str(&answers).unwrap_or_default(),
                lead_answers: lead.and_then(|j| serde_json::from_str(&j).ok()),
                funnel_fingerprint: r.get(7)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Reviews made (not withdrawn) per day from `first` to `last`, zeros included.
    pub fn reviews_per_day(
        &self,
        first: chrono::NaiveDate,
        last: chrono::NaiveDate,
    ) -> Result<Vec<u64>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT substr(created_at, 1, 10), count(*) FROM reviews
             WHERE withdrawn_at IS NULL AND created_at >= ?1 AND created_at < ?2
             GROUP BY 1",
        )?;
        let end = last + chrono::Days::new(1);
        let counts: std::collections::HashMap<String, u64> = stmt
            .query_map([first.to_string(), end.to_string()], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<Result<_, _>>()?;
        Ok(first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| counts.get(&d.to_string()).copied().unwrap_or(0))
            .collect())
    }
}
