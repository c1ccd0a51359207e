//! The fill figures each import or sync run left behind (per field and stage: the cards and how
//! many keep the field), kept so that `okk fields` can say whether a field is kept better.
//!
//! Taken when the figures are read, not after each run: the cards stay as the latest run that
//! changed them left them until the next one, so the unfiltered rows `okk fields`, the report or
//! the reviewer count anyway are that run's snapshot, and an import or sync pays no extra pass
//! over the cards. A run nobody looked at before the next one leaves no point.

use std::time::Duration;

use rusqlite::{OptionalExtension, params};

use crate::domain::fill::{FillRow, FillSnapshot};
use crate::store::{Store, StoreError};

/// How long a read waits for the write lock to record its snapshot before it leaves it to the
/// next read: an import holding the lock must not hold up `okk fields`.
const RECORD_WAIT: Duration = Duration::from_millis(50);

/// The latest finished run that changed cards, and whether its snapshot is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatestRun {
    pub run: i64,
    pub recorded: bool,
}

impl Store {
    /// The latest finished import or sync run that inserted, updated or marked gone a card
    /// (every committed run is finished: a run's batch row lands in its own transaction).
    pub fn latest_changing_run(&self) -> Result<Option<LatestRun>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT b.id, EXISTS (SELECT 1 FROM fill_snapshots s WHERE s.batch_id = b.id)
                 FROM import_batches b
                 WHERE b.finished_at IS NOT NULL AND b.inserted + b.updated + b.gone > 0
                 ORDER BY b.id DESC LIMIT 1",
            )?
            .query_row([], |r| {
                Ok(LatestRun {
                    run: r.get(0)?,
                    recorded: r.get(1)?,
                })
            })
            .optional()?)
    }

    /// Records desk-wide fill `rows` as run `run`'s snapshot, unless it has one. Best effort: a
    /// store that is busy or read-only keeps no point, and the next read tries again.
    pub fn note_fill(&self, run: i64, rows: &[FillRow]) -> bool {
        self.waiting_at_most(RECORD_WAIT, |s| s.insert_fill(run, rows).is_ok())
            .unwrap_or(false)
    }

    fn insert_fill(&self, run: i64, rows: &[FillRow]) -> Result<(), StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        // Another reader may have recorded it since this one looked.
        let recorded: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM fill_snapshots WHERE batch_id = ?1)",
            [run],
            |r| r.get(0),
        )?;
        if !recorded {
            let mut insert = tx.prepare(
                "INSERT OR IGNORE INTO fill_snapshots (batch_id, field, stage, cards, filled)
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
        Ok(())
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
