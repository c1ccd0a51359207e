//! Who holds the store's write lock, told without taking it: a long writer (an import, a rules
//! run) leaves a note beside the store, `okk.db-writer-PID-KIND`, locked while it lives.

use std::fs::File;
use std::path::{Path, PathBuf};

pub use crate::domain::writer::Writer;

/// A note that this process is writing to the store; removed when dropped. A process killed
/// outright leaves the file, but not its lock: readers take an unlocked note for a dead one.
pub struct WriterNote {
    path: PathBuf,
    _file: File,
}

impl WriterNote {
    /// Leaves the note beside the store at `db`. Best effort: without it the reviewer says the
    /// store is busy without saying why, so a failure is not worth stopping the import for.
    pub fn hold(db: &Path, what: Writer) -> Option<WriterNote> {
        let path = sibling(
            db,
            &format!("writer-{}-{}", std::process::id(), what.as_str()),
        )?;
        let file = File::create(&path).ok()?;
        if file.lock().is_err() {
            let _ = std::fs::remove_file(&path);
            return None;
        }
        Some(WriterNote { path, _file: file })
    }
}

impl Drop for WriterNote {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The long writers now at work on the store at `db` (an import first), per their notes.
pub fn writers(db: &Path) -> Vec<Writer> {
    let Some(prefix) = sibling_name(db, "writer-") else {
        return Vec::new();
    };
    let dir = parent(db);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<Writer> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let (_pid, what) = name.strip_prefix(&prefix)?.split_once('-')?;
            let what = Writer::from_name(what)?;
            let file = File::open(e.path()).ok()?;
            // Free to lock: its writer is gone (killed before it could remove the note).
            file.try_lock_shared().is_err().then_some(what)
        })
        .collect();
    found.sort_by_key(|w| *w != Writer::Import);
    found.dedup();
    found
}

/// The directory holding the store.
pub(crate) fn parent(db: &Path) -> &Path {
    match db.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// `okk.db-SUFFIX` for a store at `okk.db`.
pub(crate) fn sibling_name(db: &Path, suffix: &str) -> Option<String> {
    Some(format!("{}-{suffix}", db.file_name()?.to_str()?))
}

pub(crate) fn sibling(db: &Path, suffix: &str) -> Option<PathBuf> {
    Some(parent(db).join(sibling_name(db, suffix)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_tells_while_its_writer_lives_and_a_dead_writers_note_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("okk.db");
        assert!(writers(&db).is_empty());
        let rules = WriterNote::hold(&db, Writer::Rules).unwrap();
        let import = WriterNote::hold(&db, Writer::Import).unwrap();
        assert_eq!(writers(&db), [Writer::Import, Writer::Rules]);
        drop(import);
        assert_eq!(writers(&db), [Writer::Rules]);
        // A writer killed outright: the file stays, unlocked.
        let left = dir.path().join("okk.db-writer-1-import");
        std::fs::write(&left, "").unwrap();
        assert_eq!(writers(&db), [Writer::Rules]);
        drop(rules);
        assert!(writers(&db).is_empty());
    }
}
