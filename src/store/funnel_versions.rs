//! The funnel versions okk has run with on this store: numbered, hashed, their text kept.

use rusqlite::{OptionalExtension, params};

pub use crate::domain::funnel_diff::FunnelVersion;
use crate::store::{Store, StoreError};

fn version(r: &rusqlite::Row) -> rusqlite::Result<FunnelVersion> {
    Ok(FunnelVersion {
        version: r.get(0)?,
        hash: r.get(1)?,
        first_used: r.get(2)?,
        name: r.get(3)?,
        content: r.get(4)?,
        changes: r.get(5)?,
    })
}

const COLUMNS: &str = "version, hash, first_used, name, content, changes";

impl Store {
    /// Whether a version with this hash is recorded.
    pub fn has_funnel_version(&self, hash: &str) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM funnel_versions WHERE hash = ?1")?
            .query_row([hash], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// The latest version recorded.
    pub fn last_funnel_version(&self) -> Result<Option<FunnelVersion>, StoreError> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM funnel_versions ORDER BY version DESC LIMIT 1"),
                [],
                version,
            )
            .optional()?)
    }

    /// Records a version unless its hash is there; its number.
    pub fn record_funnel_version(
        &self,
        hash: &str,
        first_used: &str,
        name: &str,
        content: &str,
        changes: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO funnel_versions (hash, first_used, name, content, changes)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hash) DO NOTHING",
            params![hash, first_used, name, content, changes],
        )?;
        Ok(self.conn.query_row(
            "SELECT version FROM funnel_versions WHERE hash = ?1",
            [hash],
            |r| r.get(0),
        )?)
    }

    /// Dates the version with this hash as first used at `at` if it was recorded later: a run
    /// that wrote cards under it began before another command recorded it, midway.
    pub fn first_used_by(&self, hash: &str, at: &str) -> Result<(), StoreError> {
        // Read first: most runs find it recorded earlier, and a write would take the lock.
        let later = self
            .conn
            .prepare_cached("SELECT 1 FROM funnel_versions WHERE hash = ?1 AND first_used > ?2")?
            .query_row(params![hash, at], |_| Ok(()))
            .optional()?
            .is_some();
        if !later {
            return Ok(());
        }
        self.conn.execute(
            "UPDATE funnel_versions SET first_used = ?2 WHERE hash = ?1 AND first_used > ?2",
            params![hash, at],
        )?;
        Ok(())
    }

    /// Every version, oldest first.
    pub fn funnel_versions(&self) -> Result<Vec<FunnelVersion>, StoreError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {COLUMNS} FROM funnel_versions ORDER BY version"
        ))?;
        let rows = stmt.query_map([], version)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

impl crate::domain::ports::FunnelHistory for Store {
    fn funnel_versions(&self) -> Result<Vec<FunnelVersion>, StoreError> {
        Store::funnel_versions(self)
    }

    fn for_each_stage_history(
        &self,
        f: &mut dyn FnMut(&crate::domain::ports::funnel_history::StageVisits),
    ) -> Result<(), StoreError> {
        Store::for_each_stage_history(self, f).map(drop)
    }

    fn for_each_stage_history_at(
        &self,
        stages: &[String],
        f: &mut dyn FnMut(&crate::domain::ports::funnel_history::StageVisits),
    ) -> Result<(), StoreError> {
        Store::for_each_stage_history_at(self, stages, f)
    }

    fn for_each_unmoved_card(
        &self,
        f: &mut dyn FnMut(&crate::domain::ports::funnel_history::StageVisits),
    ) -> Result<(), StoreError> {
        Store::for_each_unmoved_card(self, f)
    }

    fn crm_stages(&self) -> Result<Vec<(String, crate::domain::crm_stage::CrmStage)>, StoreError> {
        Store::crm_stages(self)
    }
}
