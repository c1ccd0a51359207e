//! The fill figures each import or sync run leaves behind (per field and stage: the cards and
//! how many keep the field), kept so that `okk fields` can say whether a field is kept better.

use rusqlite::params;

use crate::domain::fill::{FillRow, FillSnapshot};
use crate::store::{Store, StoreError};

impl Store {
    /// Records desk-wide fill `rows` as the latest finished run's snapshot (a second record for
    /// that run replaces the first). The run, `None` when no run has finished yet.
    pub fn record_fill(&mut self, rows: &[FillRow]) -> Result<Option<i64>, StoreError> {
        let tx = self.conn.transaction()?;
        let run: Option<i64> = tx.query_row(
            "SELECT max(id) FROM import_batches WHERE finished_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?;
        let Some(run) = run else {
            return Ok(None);
        };
        tx.execute("DELETE FROM fill_snapshots WHERE batch_id = ?1", [run])?;
        {
            let mut insert = tx.prepare(
                "INSERT INTO fill_snapshots (batch_id, field, stage, cards, filled)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for r in rows {
                insert.execute(params![
                    run,
                    r.field,
                    r.stage,
                    r.cards as i64,
                    r.filled as i64
                ])?;
            }
        }
        tx.commit()?;
        Ok(Some(run))
    }

    /// Every recorded snapshot figure, with when its run finished.
    pub fn fill_snapshots(&self) -> Result<Vec<FillSnapshot>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT s.batch_id, b.finished_at, s.field, s.stage, s.cards, s.filled
             FROM fill_snapshots s JOIN import_batches b ON b.id = s.batch_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(FillSnapshot {
                run: r.get(0)?,
                at: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                field: r.get(2)?,
                stage: r.get(3)?,
                cards: r.get::<_, i64>(4)?.max(0) as u64,
                filled: r.get::<_, i64>(5)?.max(0) as u64,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
