//! One `okk sync` of a connection at a time on a store file: a lock file beside the store,
//! `okk.db-sync-HEX` (the connection's name in hex), locked while its sync runs.
//!
//! Two syncs of one connection would read the same pages and the second would count every
//! card the first had just written as changed; the lock refuses the second before it reads.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::writer::sibling;

/// The connection's sync lock, held until dropped (a process killed outright leaves the file
/// but not its lock: the next sync takes it).
pub struct SyncLock {
    path: PathBuf,
    file: File,
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process holds it: a sync of the connection is under way.
    Held,
    Io(std::io::Error),
}

impl SyncLock {
    /// Takes the lock of `connection`'s sync on the store at `db`, without waiting.
    pub fn take(db: &Path, connection: &str) -> Result<SyncLock, LockError> {
        // The name may hold anything but control characters; hex makes any of it a file name.
        let path = sibling(db, &format!("sync-{}", hex::encode(connection)))
            .ok_or_else(|| LockError::Io(std::io::Error::other("no file name")))?;
        loop {
            let mut opts = OpenOptions::new();
            opts.create(true).truncate(false).write(true);
            // As private as the store beside it (tester41 F11 b).
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let file = opts.open(&path).map_err(LockError::Io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => return Err(LockError::Held),
                Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
            }
            // The holder before us removes the file as it lets go: a lock taken on the file it
            // removed would hold nothing against the next sync, which makes a new one.
            if same_file(&file, &path) {
                return Ok(SyncLock { path, file });
            }
        }
    }
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}

impl Drop for SyncLock {
    fn drop(&mut self) {
        // Removed while still locked, so no one takes a lock on a file about to go.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_sync_of_a_connection_is_refused_while_the_first_holds_its_lock() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("okk.db");
        let first = SyncLock::take(&db, "c3").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&first.path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}: others may read it");
        }
        assert!(matches!(SyncLock::take(&db, "c3"), Err(LockError::Held)));
        // Another connection syncs meanwhile.
        let other = SyncLock::take(&db, "склад / 2").unwrap();
        drop(first);
        let again = SyncLock::take(&db, "c3").unwrap();
        drop(again);
        drop(other);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
