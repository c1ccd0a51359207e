//! The report's before/after section from a server store: the SQLite store's funnel versions
//! and `for_each_stage_history` on PostgreSQL, the same visits card by card.

use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

use super::PgStore;
use crate::domain::crm_stage::{CrmStage, Semantics};
use crate::domain::funnel_diff::FunnelVersion;
use crate::domain::ports::FunnelHistory;
use crate::domain::ports::funnel_history::StageVisits;
use crate::store::StoreError;

const NO_PARAMS: [&(dyn ToSql + Sync); 0] = [];

/// A funnel version from a row whose first columns are `version, hash, first_used, name,
/// content, changes`.
pub(super) fn version_of(r: &postgres::Row) -> FunnelVersion {
    FunnelVersion {
        version: r.get(0),
        hash: r.get(1),
        first_used: r.get(2),
        name: r.get(3),
        content: r.get(4),
        changes: r.get(5),
    }
}

impl FunnelHistory for PgStore {
    fn crm_stages(&self) -> Result<Vec<(String, CrmStage)>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT connection, pipeline_id, pipeline, pipeline_sort, stage_id, stage, sort,
                 semantics
             FROM crm_stages ORDER BY connection COLLATE \"C\", pipeline_sort,
                 pipeline_id COLLATE \"C\", sort, stage_id COLLATE \"C\"",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                (
                    r.get(0),
                    CrmStage {
                        pipeline_id: r.get(1),
                        pipeline: r.get(2),
                        pipeline_sort: r.get(3),
                        stage_id: r.get(4),
                        stage: r.get(5),
                        sort: r.get(6),
                        semantics: (r.get::<_, Option<String>>(7))
                            .and_then(|s| Semantics::parse(&s)),
                    },
                )
            })
            .collect())
    }

    fn funnel_versions(&self) -> Result<Vec<FunnelVersion>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT version, hash, first_used, name, content, changes
             FROM funnel_versions ORDER BY version",
            &[],
        )?;
        Ok(rows.iter().map(version_of).collect())
    }

    fn for_each_unmoved_card(&self, f: &mut dyn FnMut(&StageVisits)) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut rows = conn.query_raw(
            "SELECT b.started_at, c.updated_at, b.encoding = $1, c.stage
             FROM cards c JOIN import_batches b ON b.id = c.first_batch
             WHERE c.gone_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM stage_history h WHERE h.card_id = c.id)",
            [crate::store::cards::SYNC_ENCODING],
        )?;
        while let Some(r) = rows.next()? {
            let (at, edited, synced): (String, Option<String>, bool) =
                (r.get(0), r.get(1), r.get(2));
            let since = crate::store::funnel_facts::unmoved_since(&at, edited.as_deref(), synced);
            if let Some(at) = since {
                f(&[(at, r.get(3))]);
            }
        }
        Ok(())
    }

    fn for_each_stage_history_at(
        &self,
        stages: &[String],
        f: &mut dyn FnMut(&StageVisits),
    ) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        let names: Vec<&str> = stages.iter().map(String::as_str).collect();
        let rows = conn.query(
            "SELECT h.card_id, h.seen_at, h.stage
             FROM cards c JOIN stage_history h ON h.card_id = c.id
             WHERE c.stage = ANY($1) AND c.gone_at IS NULL
             ORDER BY h.card_id, h.batch_id",
            &[&names],
        )?;
        let mut card = None;
        let mut seen: Vec<(String, String)> = Vec::new();
        for r in &rows {
            let id: i64 = r.get(0);
            if card != Some(id) {
                crate::store::funnel_facts::visits_of(&mut seen, f);
                card = Some(id);
            }
            seen.push((r.get(1), r.get(2)));
        }
        crate::store::funnel_facts::visits_of(&mut seen, f);
        Ok(())
    }

    /// Streamed in the history's key order (card, sync); a card's few rows are put in time
    /// order here (a stable sort, byte order as SQLite's text: syncs break ties), and a sync
    /// that found the card where it already was is no move.
    fn for_each_stage_history(&self, f: &mut dyn FnMut(&StageVisits)) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut rows = conn.query_raw(
            "SELECT h.card_id, h.seen_at, h.stage FROM stage_history h
             WHERE NOT EXISTS (SELECT 1 FROM cards c
                               WHERE c.id = h.card_id AND c.gone_at IS NOT NULL)
             ORDER BY h.card_id, h.batch_id",
            NO_PARAMS,
        )?;
        let mut card = None;
        let mut seen: Vec<(String, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0);
            if card != Some(id) {
                crate::store::funnel_facts::visits_of(&mut seen, f);
                card = Some(id);
            }
            seen.push((r.get(1), r.get(2)));
        }
        crate::store::funnel_facts::visits_of(&mut seen, f);
        Ok(())
    }
}
