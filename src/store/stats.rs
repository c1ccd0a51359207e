//! Read-side questions about the whole store (per-stage counts for `okk stats`).

use super::{Store, StoreError};
use crate::domain::stats::CrmStageCount;

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

    pub fn card_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM cards", [], |r| r.get::<_, i64>(0))? as u64)
    }
}
