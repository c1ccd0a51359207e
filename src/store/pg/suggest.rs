//! What `okk funnel suggest` reads of a server store beyond the cards and their stage history
//! (`pg::fill`, `pg::funnel_history`): the auditors' verdicts and stage moves per stage, and
//! the last day any card entered each stage. `store::funnel_facts`' answers, in SQL.

use chrono::NaiveDate;

use super::PgStore;
use crate::domain::analytics::Window;
use crate::store::StoreError;

/// A review's latest decision not taken back, latest by `ORDER BY` as the store file's query
/// picks it (the figures' by time, the moves' by place).
fn standing_decision(latest: &str) -> String {
    format!(
        "LEFT JOIN LATERAL (
            SELECT e.decision, e.verdict, e.suggested_stage FROM lead_decisions e
            WHERE e.review_id = r.id AND e.withdrawn_at IS NULL
            ORDER BY {latest} LIMIT 1) d ON true"
    )
}

fn day(text: Option<&str>) -> Option<NaiveDate> {
    crate::store::analytics::day(text.map(str::as_bytes))
}

impl PgStore {
    /// Cards judged per stage when reviewed, each once by the verdict that stands on it, as
    /// the store file's `verdicts_per_stage`: (stage, cards, not ok), by stage bytewise.
    pub fn verdicts_per_stage(&self) -> Result<Vec<(String, u64, u64)>, StoreError> {
        let mut samples = crate::domain::analytics::settle::StageSamples::default();
        let conn = &mut *self.conn.borrow_mut();
        super::stats::for_each_finding(conn, &Window::default(), |r| samples.add(r))?;
        Ok(samples.finish())
    }

    /// The auditors' stage moves (`Store::stage_moves`): (stage when reviewed, suggested
    /// stage, cards) of current wrong-stage reviews not sent back, an override's suggestion
    /// in place of the auditor's.
    pub fn stage_moves(&self) -> Result<Vec<(String, String, u64)>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            &format!(
                "SELECT stage, moved, count(DISTINCT (card_source, card_external_id))
                 FROM (SELECT r.stage, r.card_source, r.card_external_id, coalesce(
                           CASE WHEN d.decision = 'override' THEN d.suggested_stage END,
                           r.suggested_stage) AS moved
                       FROM reviews r {decision}
                       WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                         AND r.verdict = 'wrong_stage'
                         AND d.decision IS DISTINCT FROM 'return') x
                 WHERE moved IS NOT NULL AND moved <> ''
                 GROUP BY stage, moved ORDER BY stage COLLATE \"C\", moved COLLATE \"C\"",
                decision = standing_decision("e.seq DESC")
            ),
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get::<_, i64>(2).max(0) as u64))
            .collect())
    }

    /// The last day any card entered each stage as the CRM names it (`Store::last_entries`):
    /// a move a sync saw (gone cards too), or the last touch of a card there now.
    /// As [`crate::store::Store::pipeline_cards`].
    pub fn pipeline_cards(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut conn = self.conn.borrow_mut();
        let rows = conn.query(
            "SELECT pipeline, count(*) FROM cards
             WHERE gone_at IS NULL AND pipeline IS NOT NULL AND pipeline <> ''
             GROUP BY pipeline ORDER BY count(*) DESC, pipeline COLLATE \"C\"",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1) as u64))
            .collect())
    }

    /// As [`crate::store::Store::runs_span`].
    pub fn runs_span(
        &self,
    ) -> Result<Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>, StoreError> {
        let r = self.conn.borrow_mut().query_one(
            "SELECT min(started_at COLLATE \"C\"), max(started_at COLLATE \"C\")
             FROM import_batches",
            &[],
        )?;
        let parse = |t: Option<String>| t.as_deref().and_then(crate::store::cards::parse_time);
        Ok(parse(r.get(0)).zip(parse(r.get(1))))
    }

    pub fn last_entries(&self) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        let mut last: std::collections::BTreeMap<String, NaiveDate> = Default::default();
        let mut conn = self.conn.borrow_mut();
        let seen = conn.query(
            "SELECT stage, max(seen_at COLLATE \"C\") FROM stage_history GROUP BY stage",
            &[],
        )?;
        let touched = conn.query(
            "SELECT stage, max(touched_at COLLATE \"C\") FROM cards WHERE gone_at IS NULL
             GROUP BY stage",
            &[],
        )?;
        for r in seen.iter().chain(touched.iter()) {
            let Some(d) = day(r.get(1)) else {
                continue;
            };
            let stage: Option<String> = r.get(0);
            let e = last.entry(stage.unwrap_or_default()).or_insert(d);
            *e = (*e).max(d);
        }
        Ok(last.into_iter().collect())
    }
}
