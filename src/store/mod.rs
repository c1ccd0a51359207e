//! The one place that speaks SQL: opening the store, migrations, and one function per question
//! the app asks. Every write that belongs together is one transaction.

pub mod analytics;
mod borrowing;
pub mod bundle;
pub mod calibration;
pub mod cards;
pub mod claims;
pub mod columns;
pub mod crm;
pub mod decisions;
mod delegate;
pub mod export;
pub mod export_source;
pub mod fields;
pub mod fill_trend;
pub mod flag_write;
pub mod flags;
pub mod funnel_facts;
pub mod funnel_versions;
pub mod import_tx;
pub mod inspect;
mod json_text;
pub mod judged;
mod judging;
pub mod pending;
pub mod pg;
pub mod ports;
pub mod queue;
pub mod read;
pub mod reviews;
pub mod run_summary;
pub mod schema;
pub mod sync_lock;
pub mod sync_tx;
pub mod trust;
pub mod users;
pub mod watch;
mod writeback;
pub mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use crate::domain::store_error::StoreError;

/// SQLite's errors at the store's edge: a backend error, marked busy when another connection
/// held the write lock past the wait.
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Backend {
            busy: is_busy(&e),
            source: Box::new(e),
        }
    }
}

/// How long a command's write waits for another process's write lock before "busy".
pub const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

pub struct Store {
    pub(crate) conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (creating if needed, with mode 0600) and migrates the store at `path`. A store made
    /// by a newer okk is refused before anything is written to it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_telling(path, |_, _| {})
    }

    /// Like [`Store::open`]; `upgrading(from, to)` is called before a store made by an older okk
    /// is migrated (which may rewrite every card: the caller can say so first).
    pub fn open_telling(
        path: &Path,
        upgrading: impl FnOnce(i64, i64),
    ) -> Result<Store, StoreError> {
        let open_err = |e: Box<dyn std::error::Error + Send + Sync>| StoreError::Open {
            path: path.to_path_buf(),
            source: e,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| open_err(Box::new(e)))?;
        }
        create_private(path).map_err(|e| open_err(Box::new(e)))?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| open_err(Box::new(e)))?;
        conn.busy_timeout(BUSY_WAIT)?;
        // Read-only checks first: a file we must not touch is refused before any pragma writes.
        let (app_id, version) = match read_header(&conn) {
            Ok(v) => v,
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::NotADatabase =>
            {
                return Err(StoreError::NotOkk {
                    path: path.to_path_buf(),
                });
            }
            Err(e) => return Err(e.into()),
        };
        if app_id != 0 && app_id != schema::APPLICATION_ID {
            return Err(StoreError::NotOkk {
                path: path.to_path_buf(),
            });
        }
        if version > schema::latest() {
            return Err(StoreError::NewerSchema {
                path: path.to_path_buf(),
                found: version,
                known: schema::latest(),
            });
        }
        if app_id == 0 && version == 0 && has_foreign_tables(&conn)? {
            return Err(StoreError::NotOkk {
                path: path.to_path_buf(),
            });
        }
        // An empty file given as --db becomes a store, one made before this check another
        // user's to read: the store holds customers' names and phones either way.
        make_private(path).map_err(|e| open_err(Box::new(e)))?;
        conn.execute_batch(&format!(
            "PRAGMA page_size = 16384;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA foreign_keys = ON;
             PRAGMA cache_size = -{};",
            schema::CACHE_KIB
        ))?;

        let mut store = Store {
            conn,
            path: path.to_path_buf(),
        };
        // Only a store that needs it takes the write lock: readers must not wait for an import.
        if version < schema::latest() || app_id == 0 {
            if version > 0 {
                upgrading(version, schema::latest());
            }
            store.migrate()?;
        }
        Ok(store)
    }

    /// Switches from WAL to SQLite's rollback journal when nobody else has the store open, for a
    /// transaction that adds many new pages: the journal writes them once where WAL writes them
    /// twice (to the log, then to the database). Just as durable. Returns whether it switched;
    /// [`Store::end_bulk_load`] switches back.
    pub(crate) fn rollback_journal(&mut self) -> Result<bool, StoreError> {
        // SQLite leaves WAL mode only when no other connection uses the log; otherwise it
        // answers "busy" (or with the mode it kept), and the work runs in WAL as usual.
        match self
            .conn
            .query_row("PRAGMA journal_mode = DELETE", [], |r| {
                r.get::<_, String>(0)
            }) {
            Ok(mode) => Ok(mode.eq_ignore_ascii_case("delete")),
            Err(e) => {
                let e = StoreError::from(e);
                if e.is_busy() { Ok(false) } else { Err(e) }
            }
        }
    }

    /// Copies what the write-ahead log holds into the store file, as far as no reader needs
    /// the log (a passive checkpoint: it never waits for another connection).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// How long a write waits for another connection's write lock before it answers "busy"
    /// (10 s from [`Store::open`]; the reviewer waits a moment and keeps drawing).
    pub fn set_busy_timeout(&self, wait: std::time::Duration) -> Result<(), StoreError> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Re-read inside the write lock: another okk may have migrated meanwhile.
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > schema::latest() {
            return Err(StoreError::NewerSchema {
                path: self.path.clone(),
                found: version,
                known: schema::latest(),
            });
        }
        // Migrations call it to fill columns okk computes (only while they run).
        tx.create_scalar_function(
            schema::SEARCH_TEXT_FN,
            3,
            rusqlite::functions::FunctionFlags::SQLITE_UTF8
                | rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
            |ctx| {
                let id: String = ctx.get(0)?;
                let title: Option<String> = ctx.get(1)?;
                let owner: Option<String> = ctx.get(2)?;
                Ok(crate::domain::names::search_text(
                    &id,
                    title.as_deref(),
                    owner.as_deref(),
                ))
            },
        )?;
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            if !schema::adds_a_column_there(&tx, i + 1)? {
                tx.execute_batch(sql)?;
            }
            tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        }
        // A migration may change what the rules read or wrote: they run again after it.
        if version > 0 && version < schema::latest() {
            tx.execute_batch(flags::FORGET_RULES_RUN)?;
        }
        tx.pragma_update(None, "application_id", schema::APPLICATION_ID)?;
        tx.commit()?;
        Ok(())
    }
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
}

fn read_header(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    let app_id = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok((app_id, version))
}

fn has_foreign_tables(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table'",
        [],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

/// Takes group and other permissions off an existing store file of ours (a no-op when already
/// private).
fn make_private(path: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            match std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)) {
                // Another user's store, shared on purpose: its owner decides who reads it.
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {}
                other => other?,
            }
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Creates the file with owner-only permissions if it does not exist: it holds customers' names
/// and phones. SQLite gives its -wal and -shm files the same mode.
fn create_private(path: &Path) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    match opts.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
