//! The one place that speaks SQL: opening the store, migrations, and one function per question
//! the app asks. Every write that belongs together is one transaction.

pub mod analytics;
pub(crate) mod as_judged;
mod borrowing;
pub mod bundle;
pub mod calibration;
pub mod cards;
pub mod claims;
pub mod columns;
pub mod copied;
pub mod crm;
pub mod decisions;
mod deferred;
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
mod kept_figures;
pub mod pending;
pub mod pg;
pub mod ports;
pub mod prune;
pub mod queue;
pub mod read;
pub mod reattach;
mod relabel;
pub mod reviews;
pub mod run_summary;
pub mod schema;
mod seen_commits;
pub(crate) mod stage_path;
pub mod sync_lock;
pub mod sync_tx;
pub mod trust;
pub mod users;
pub mod watch;
mod withdrawals;
mod writeback;
pub mod writer;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

pub use crate::domain::store_error::{ReadOnlyWhy, StoreError};

/// SQLite's errors at the store's edge: a backend error, marked busy when another connection
/// held the write lock past the wait; a write the file or its folder refuses is said as such
/// (SQLite's "attempt to write a readonly database", code 8 and its kin, told nobody where or
/// why).
impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        if is_read_only(&e) {
            return StoreError::ReadOnly {
                path: None,
                why: ReadOnlyWhy::Write,
            };
        }
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
    /// Opened read-only: okk may not write the file or in its folder (see [`Store::open`]).
    read_only: bool,
    /// The summary a sync's groups of pages carry from one to the next (`run_summary`).
    carried: Option<run_summary::Carried>,
    /// The reviewer's figures, kept while they hold (`kept_figures`).
    kept_figures: std::cell::RefCell<Option<kept_figures::KeptFigures>>,
    /// Whole reads of the figures are made aside (`Store::keep_figures_aside`).
    figures_aside: std::cell::Cell<bool>,
    /// `data_version` when [`Store::others_committed`] last looked.
    seen_version: std::cell::Cell<Option<i64>>,
}

impl Store {
    /// Opens (creating if needed, with mode 0600) and migrates the store at `path`. A store made
    /// by a newer okk is refused before anything is written to it.
    ///
    /// A store okk may not write (the file, or its folder, where SQLite keeps the write-ahead
    /// log and its index) is opened read-only, as it is on disk: it reads, and a write is
    /// refused with [`StoreError::ReadOnly`]. When its log holds changes not yet in the file,
    /// SQLite can read them only through the log's index file, if one is there.
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
        let refused = |why| StoreError::ReadOnly {
            path: Some(path.to_path_buf()),
            why,
        };
        let created = |e: std::io::Error| {
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
            ) {
                refused(ReadOnlyWhy::Create)
            } else {
                open_err(Box::new(e))
            }
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(created)?;
        }
        create_private(path).map_err(created)?;
        let (file_writable, folder_writable) = writable_here(path);
        let read_only = !(file_writable && folder_writable);
        let conn = if read_only {
            open_read_only(path, folder_writable).map_err(|e| match e {
                ReadOnlyOpen::Log => refused(ReadOnlyWhy::UnsavedLog),
                ReadOnlyOpen::Failed(e) => open_err(e),
            })?
        } else {
            Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| open_err(Box::new(e)))?
        };
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
        if read_only {
            // As it is on disk: no pragma that writes, no upgrade.
            if app_id == 0 {
                return Err(refused(ReadOnlyWhy::Create));
            }
            if version < schema::READS_AS_IT_IS_FROM {
                return Err(refused(ReadOnlyWhy::Upgrade));
            }
            conn.execute_batch(&format!(
                "PRAGMA foreign_keys = ON; PRAGMA cache_size = -{};",
                schema::CACHE_KIB
            ))?;
            if version < schema::ENDED_FROM {
                conn.execute_batch(schema::OPEN_CALIBRATIONS)?;
            }
            return Ok(Store {
                conn,
                path: path.to_path_buf(),
                read_only: true,
                carried: None,
                kept_figures: Default::default(),
                figures_aside: Default::default(),
                seen_version: Default::default(),
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
            read_only: false,
            carried: None,
            kept_figures: Default::default(),
            figures_aside: Default::default(),
            seen_version: Default::default(),
        };
        // An older store has no `meta`, so no note (the migrations make the table).
        if version >= schema::META_FROM {
            deferred::heal(&store.conn, path)?;
        }
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

    /// Runs `write` waiting at most `wait` for another connection's write lock (a best-effort
    /// note a reader leaves: busy, it is left for the next reader), then waits as before.
    pub(crate) fn waiting_at_most<T>(
        &self,
        wait: std::time::Duration,
        write: impl FnOnce(&Store) -> T,
    ) -> Option<T> {
        let before: Option<i64> = self
            .conn
            .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
            .ok();
        self.conn.busy_timeout(wait).ok()?;
        let done = write(self);
        if let Some(ms) = before {
            let _ = self
                .conn
                .busy_timeout(std::time::Duration::from_millis(ms.max(0) as u64));
        }
        Some(done)
    }

    /// How long a write waits for another connection's write lock before it answers "busy"
    /// (10 s from [`Store::open`]; the reviewer waits a moment and keeps drawing).
    pub fn set_busy_timeout(&self, wait: std::time::Duration) -> Result<(), StoreError> {
        Ok(self.conn.busy_timeout(wait)?)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Opened read-only: okk may not write the file or in its folder.
    pub fn is_read_only(&self) -> bool {
        self.read_only
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
            if i + 1 == schema::RELABEL_PIPEDRIVE {
                relabel::sqlite(&tx)?;
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

fn is_read_only(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ReadOnly)
}

/// Whether this process may write the store file, and make files in its folder (SQLite's
/// write-ahead log and its index live beside it). Asked of the system, not tried: trying would
/// leave a file behind.
fn writable_here(path: &Path) -> (bool, bool) {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let may = |p: &Path, mode| {
            std::ffi::CString::new(p.as_os_str().as_bytes())
                // SAFETY: a NUL-terminated path and a mode; access(2) reads nothing else.
                .is_ok_and(|c| unsafe { libc::access(c.as_ptr(), mode) } == 0)
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        (may(path, libc::W_OK), may(dir, libc::W_OK | libc::X_OK))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        (true, true)
    }
}

/// Why a store okk may not write could not be opened to read.
enum ReadOnlyOpen {
    /// Its write-ahead log holds changes, and SQLite has no index file to read them by.
    Log,
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

/// Opens a store okk may not write, as it is on disk. In a folder it may write to (the file is
/// another user's, or read-only), SQLite reads it as usual, through the log's index file it
/// makes there. In a folder it may not: without changes in a write-ahead log (no log, or an
/// empty one: the last okk to close it checkpointed it), the file is all there is, and SQLite
/// reads it as immutable (no log, no index file, no lock: nobody can write beside it either,
/// unless the folder's owner runs okk on it meanwhile); otherwise the log's changes are the
/// store's too, and SQLite reads them through the index file beside it when there is one
/// (read-only, since SQLite 3.22).
fn open_read_only(path: &Path, folder_writable: bool) -> Result<Connection, ReadOnlyOpen> {
    let mut log = path.as_os_str().to_owned();
    log.push("-wal");
    let log_holds = std::fs::metadata(&log).is_ok_and(|m| m.len() > 0);
    let how = if log_holds || folder_writable {
        "mode=ro"
    } else {
        "immutable=1"
    };
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| ReadOnlyOpen::Failed(e);
    let uri = file_uri(path, how).map_err(|e| failed(Box::new(e)))?;
    let conn = Connection::open_with_flags(
        &uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| failed(Box::new(e)))?;
    // SQLite opens lazily: the first read tells whether the log can be read.
    match conn.query_row("PRAGMA schema_version", [], |_| Ok(())) {
        Ok(()) => Ok(conn),
        Err(_) if log_holds => Err(ReadOnlyOpen::Log),
        Err(e) => Err(failed(Box::new(e))),
    }
}

/// `path` as an SQLite URI (`file:///abs/path?QUERY`): every byte but letters, digits and
/// `/._~-` percent-encoded, so that a `?`, `#` or `%` in a folder's name stays a name.
fn file_uri(path: &Path, query: &str) -> std::io::Result<String> {
    let absolute = std::path::absolute(path)?;
    let mut uri = String::from("file://");
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        absolute.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = absolute.to_string_lossy().replace('\\', "/").into_bytes();
    for b in bytes {
        if b.is_ascii_alphanumeric() || b"/._~-".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push('?');
    uri.push_str(query);
    Ok(uri)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lang::{Lang, with};

    /// Whoever runs the tests (root writes anywhere), a store read where okk may not write
    /// refuses a write as read-only, and the words name the file and what to make writable; a
    /// folder's name with spaces, `?`, `#` and `%` stays a name in SQLite's URI.
    #[test]
    fn a_store_read_as_it_is_refuses_a_write_by_name_and_odd_folder_names_stay_names() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("Папка с пробелом ?#%20");
        std::fs::create_dir(&folder).unwrap();
        let path = folder.join("okk.db");
        drop(Store::open(&path).unwrap());
        let Ok(conn) = open_read_only(&path, false) else {
            panic!("read as it is");
        };
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, schema::latest());
        let write = conn
            .execute("INSERT INTO meta (key, value) VALUES ('x', 'y')", [])
            .unwrap_err();
        let e = StoreError::from(write);
        assert!(e.is_read_only() && !e.is_busy());
        let (en, ru) = (
            with(Lang::En, || e.to_string()),
            with(Lang::Ru, || e.to_string()),
        );
        assert!(en.starts_with("cannot write to the store: okk may not write in its folder"));
        assert!(ru.starts_with("не удаётся записать в хранилище"), "{ru}");
        let e = e.at(&path);
        let named = with(Lang::En, || e.to_string());
        assert!(
            named.starts_with(&format!(
                "{}: cannot write to the store: okk may not write in its folder {} (or to the file)",
                path.display(),
                folder.display()
            )),
            "{named}"
        );
        assert!(std::error::Error::source(&e).is_none(), "said once");
    }
}
