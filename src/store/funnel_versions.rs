//! The funnel versions okk has run with on this store: numbered, hashed, their text kept.

use std::path::Path;

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

/// The `meta` key naming the store's applied funnel (`okk funnel apply`, or a server's carried
/// by `okk db copy`): kept in `meta` as JSON, `{"hash", "by", "at"}`, the version's text in
/// `funnel_versions`, so that a store file copied back from a server judges as the server does.
pub const APPLIED: &str = "funnel_applied";

/// Who made which version the store's funnel, and when (the `meta` row [`APPLIED`]).
#[derive(serde::Serialize, serde::Deserialize)]
struct AppliedMark {
    hash: String,
    by: String,
    at: String,
}

/// The store's applied funnel version on `conn`, with who applied it and when. A mark whose
/// version is not recorded (a store edited by hand) or cannot be read is no applied funnel.
pub(crate) fn applied_on(
    conn: &rusqlite::Connection,
) -> Result<Option<(FunnelVersion, String, String)>, StoreError> {
    let Some(mark) = crate::store::flags::meta_on(conn, APPLIED)? else {
        return Ok(None);
    };
    let Ok(mark) = serde_json::from_str::<AppliedMark>(&mark) else {
        return Ok(None);
    };
    let found = conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM funnel_versions WHERE hash = ?1"),
            [&mark.hash],
            version,
        )
        .optional()?;
    Ok(found.map(|v| (v, mark.by, mark.at)))
}

/// Makes the recorded version with `hash` the store's funnel on `conn`, applied by `by` at `at`.
pub(crate) fn set_applied_on(
    conn: &rusqlite::Connection,
    hash: &str,
    by: &str,
    at: &str,
) -> Result<(), StoreError> {
    let mark = AppliedMark {
        hash: hash.to_string(),
        by: by.to_string(),
        at: at.to_string(),
    };
    let text = serde_json::to_string(&mark).expect("three strings serialise");
    crate::store::flags::set_meta_on(conn, APPLIED, &text)
}

/// The applied funnel of the store file at `path`, read without opening the store (no
/// upgrade, no journal replayed): every command asks before it loads a funnel. A file that is
/// not a store okk knows (no `meta` table yet) has none.
pub fn applied_in(path: &Path) -> Result<Option<(FunnelVersion, String, String)>, StoreError> {
    let conn = rusqlite::Connection::open_with_flags(
        path,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    let tables: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master
         WHERE type = 'table' AND name IN ('meta', 'funnel_versions')",
        [],
        |r| r.get(0),
    )?;
    if tables < 2 {
        return Ok(None);
    }
    applied_on(&conn)
}

impl Store {
    /// The funnel the store's lead applied last, with who applied it and when.
    pub fn applied_funnel(&self) -> Result<Option<(FunnelVersion, String, String)>, StoreError> {
        applied_on(&self.conn)
    }

    /// Makes `version` the store's funnel (recorded as a funnel version unless its hash is
    /// known), applied by `by` at `at`; the version's number.
    pub fn apply_funnel(
        &mut self,
        version: &FunnelVersion,
        by: &str,
        at: &str,
    ) -> Result<i64, StoreError> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO funnel_versions (hash, first_used, name, content, changes)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (hash) DO NOTHING",
            params![
                version.hash,
                at,
                version.name,
                version.content,
                version.changes
            ],
        )?;
        let number = tx.query_row(
            "SELECT version FROM funnel_versions WHERE hash = ?1",
            [&version.hash],
            |r| r.get(0),
        )?;
        set_applied_on(&tx, &version.hash, by, at)?;
        tx.commit()?;
        Ok(number)
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
