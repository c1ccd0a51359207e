//! Others' writes to a store file as they commit, for the screens' live refresh: a connection
//! of its own polls SQLite's `data_version`, which moves when another connection commits.

use std::path::Path;
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

use super::StoreError;
use crate::domain::ports::Changes;

/// How often the file's version is read while waiting: a verdict shows on the others'
/// screens within this, and a read of one page-cached integer costs next to nothing.
const POLL: Duration = Duration::from_millis(250);

pub struct FileWatch {
    conn: Connection,
    version: i64,
}

impl FileWatch {
    pub fn open(path: &Path) -> Result<FileWatch, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let version = data_version(&conn)?;
        Ok(FileWatch { conn, version })
    }
}

fn data_version(conn: &Connection) -> Result<i64, StoreError> {
    Ok(conn.query_row("PRAGMA data_version", [], |r| r.get(0))?)
}

impl Changes for FileWatch {
    fn wait(&mut self, timeout: Duration) -> Result<bool, StoreError> {
        let until = Instant::now() + timeout;
        loop {
            let now = data_version(&self.conn)?;
            if now != self.version {
                self.version = now;
                return Ok(true);
            }
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(false);
            }
            std::thread::sleep(left.min(POLL));
        }
    }

    fn applied_funnel(&mut self) -> Result<Option<(i64, String)>, StoreError> {
        let applied = super::funnel_versions::applied_on(&self.conn)?;
        Ok(applied.map(|(v, _, _)| (v.version, v.hash)))
    }
}
