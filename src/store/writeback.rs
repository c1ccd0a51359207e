//! Starting the disk writes of a bulk load early. A first import writes a store of a gigabyte
//! under the rollback journal; the kernel keeps those pages dirty until the commit's fsync,
//! which then waited 0.6 s on a million cards while nothing else ran. Asked to start writing
//! them back when the cards are in and the indexes are still to be built (seconds of CPU and no
//! disk), the disk works meanwhile and the commit's fsync finds little left.
//!
//! This is only a hint: durability still comes from SQLite's own fsync at the commit.

use std::path::Path;

/// Asks the kernel to start writing the store file's dirty pages back, on a thread of its own
/// (submitting a gigabyte of writes takes the caller a third of a second); join it once the
/// transaction has committed. `None` where that cannot be asked (not Linux, no `/proc`, the file
/// not found open).
pub(super) fn start(db: &Path) -> Option<std::thread::JoinHandle<()>> {
    #[cfg(target_os = "linux")]
    {
        let fd = open_fd_of(db)?;
        std::thread::Builder::new()
            .name("okk-writeback".into())
            .spawn(move || {
                // SAFETY: `fd` is the descriptor SQLite holds open on the store until the
                // connection closes, after the import's commit (which joins this thread); the
                // call only schedules writes of the file's pages.
                unsafe {
                    libc::sync_file_range(fd, 0, 0, libc::SYNC_FILE_RANGE_WRITE);
                }
            })
            .ok()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = db;
        None
    }
}

/// The descriptor this process has open on `db`: SQLite's own. Opening another and closing it
/// would drop every POSIX lock the process holds on the file (SQLite's among them) — the
/// descriptor is looked up instead, never opened.
#[cfg(target_os = "linux")]
fn open_fd_of(db: &Path) -> Option<i32> {
    let want = std::fs::canonicalize(db).ok()?;
    std::fs::read_dir("/proc/self/fd")
        .ok()?
        .filter_map(Result::ok)
        .find_map(|entry| {
            let target = std::fs::read_link(entry.path()).ok()?;
            (target == want)
                .then(|| entry.file_name().to_str()?.parse().ok())
                .flatten()
        })
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The store's own descriptor is found (and none for a file not open).
    #[test]
    fn finds_the_descriptor_sqlite_holds_on_the_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("okk.db");
        let store = crate::store::Store::open(&path).unwrap();
        let fd = super::open_fd_of(&path).expect("the store's descriptor");
        assert_eq!(
            std::fs::read_link(format!("/proc/self/fd/{fd}")).unwrap(),
            std::fs::canonicalize(&path).unwrap()
        );
        assert_eq!(super::open_fd_of(&dir.path().join("other.db")), None);
        super::start(&path)
            .expect("a writeback thread")
            .join()
            .unwrap();
        drop(store);
    }
}
