//! The pending journal: a verdict the store could not take yet (another process holds its write
//! lock) is kept in a file beside it, `okk.db-pending-ID.json`, synced to disk before the
//! reviewer says "saving…". The reviewer writes it to the store as soon as the lock frees; a
//! reviewer killed meanwhile leaves the file, and the next okk to open the store writes it.
//! A verdict its auditor takes back while it waits leaves the journal the same durable way, or
//! stays in it as a withdrawal when the store may have it already (`withdrawn_at`).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::writer::{parent, sibling, sibling_name};
use super::{Store, StoreError};

use crate::domain::pending::taken_back;
pub use crate::domain::pending::{PendingReview, Replayed};

/// A journal file this process wrote and holds (locked, so that another okk's replay leaves it
/// to us while we live).
#[derive(Debug)]
pub struct Journaled {
    path: PathBuf,
    _file: File,
}

impl Journaled {
    /// Done: the store has the review. (Not synced: a file a power cut brings back is
    /// written again under its id, which the store takes once.)
    pub fn remove(self) -> std::io::Result<()> {
        match std::fs::remove_file(&self.path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// Taken back before any store had it (an undo): removed, and the removal synced as the
    /// file's rename was, so that no power cut brings the verdict back to be written.
    pub fn discard(self) -> std::io::Result<()> {
        let folder = parent(&self.path).to_path_buf();
        self.remove()?;
        File::open(folder)?.sync_all()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn file_suffix(id: &str) -> String {
    format!("pending-{id}.json")
}

/// Keeps `p` durably beside the store at `db`: written to a temp name, synced, renamed, and the
/// rename synced, so a power cut leaves either no file or the whole of it.
pub fn journal(db: &Path, p: &PendingReview) -> std::io::Result<Journaled> {
    let bad_name = || std::io::Error::other("the store's file name is not UTF-8");
    let path = sibling(db, &file_suffix(&p.id)).ok_or_else(bad_name)?;
    let temp = sibling(db, &format!("{}.tmp", file_suffix(&p.id))).ok_or_else(bad_name)?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(&temp)?;
    // The lock goes with the file through the rename.
    file.lock()?;
    let write = (|| {
        file.write_all(&serde_json::to_vec(p).map_err(std::io::Error::other)?)?;
        file.sync_all()?;
        std::fs::rename(&temp, &path)?;
        File::open(parent(db))?.sync_all()
    })();
    if let Err(e) = write {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    Ok(Journaled { path, _file: file })
}

const REPLAY_WAIT: std::time::Duration = std::time::Duration::from_millis(200);

impl Store {
    /// Writes the verdicts that reviewers killed while the store was busy left in the journal
    /// (each at most once, and never over a verdict given since). A journal file whose
    /// reviewer still runs is left to it.
    pub fn replay_pending(&mut self) -> Result<Replayed, StoreError> {
        let files = journal_files(self.path());
        if files.is_empty() {
            return Ok(Replayed::default());
        }
        // A replay must not hold up the command that runs it: a store still busy keeps the
        // verdict in its file for the next okk.
        self.set_busy_timeout(REPLAY_WAIT)?;
        let store = std::cell::RefCell::new(&mut *self);
        let result = replay_files(
            files,
            |p| (store.borrow_mut()).save_review_as(&p.id, &p.card, &p.review, &p.stamp(), true),
            |id, at| store.borrow_mut().withdraw_review(id, at),
        );
        self.set_busy_timeout(super::BUSY_WAIT)?;
        result
    }
}

/// The journal files beside the store at `db`, sorted; a temp file left by a reviewer killed
/// before its rename is removed on the way.
pub(crate) fn journal_files(db: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    let Some(prefix) = sibling_name(db, "pending-") else {
        return files;
    };
    let Ok(entries) = std::fs::read_dir(parent(db)) else {
        return files;
    };
    for e in entries.flatten() {
        let Some(name) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        if !name.starts_with(&prefix) {
            continue;
        }
        if name.ends_with(".json") {
            files.push(e.path());
        } else if name.ends_with(".json.tmp") {
            // Killed before its rename: never acknowledged ("saving…" comes after the
            // rename), and the verdict's card was still on screen. Unlocked means dead.
            if File::open(e.path()).is_ok_and(|f| f.try_lock().is_ok()) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    files.sort();
    files
}

/// Writes each journal file no live reviewer holds through `save` (a late write: never over
/// a verdict given since), for any backend; one its auditor took back (`withdrawn_at`) is
/// written and then withdrawn through `withdraw`, so that it stands nowhere whether or not the
/// store had it.
pub(crate) fn replay_files(
    files: Vec<PathBuf>,
    mut save: impl FnMut(&PendingReview) -> Result<(), StoreError>,
    mut withdraw: impl FnMut(&str, chrono::NaiveDateTime) -> Result<(), StoreError>,
) -> Result<Replayed, StoreError> {
    let mut done = Replayed::default();
    for path in files {
        let Ok(file) = File::open(&path) else {
            continue;
        };
        // Locked: its reviewer is alive and will write it itself.
        if file.try_lock().is_err() {
            done.waiting += 1;
            continue;
        }
        let pending: PendingReview = match std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
        {
            Some(p) => p,
            None => {
                done.unreadable.push(path);
                continue;
            }
        };
        let written = save(&pending).and_then(|()| match pending.withdrawn_at {
            Some(at) => taken_back(withdraw(&pending.id, at)),
            None => Ok(()),
        });
        match written {
            Ok(()) => {
                std::fs::remove_file(&path).map_err(|e| StoreError::Open {
                    path: path.clone(),
                    source: Box::new(e),
                })?;
                match pending.withdrawn_at {
                    Some(_) => done.withdrawn += 1,
                    None => done.saved += 1,
                }
            }
            Err(e) if e.is_busy() => done.waiting += 1,
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::CardId;
    use crate::domain::review::Review;
    use crate::domain::stored_review::ReviewedCard;

    fn pending(id: &str) -> PendingReview {
        PendingReview {
            id: id.into(),
            card: ReviewedCard {
                card_id: CardId(1),
                source: "amocrm".into(),
                external_id: "42".into(),
                stage: "Договор".into(),
                hash: 7,
                as_judged: None,
            },
            review: Review {
                verdict: crate::domain::review::Verdict::Stale,
                draft: Default::default(),
                score: Some(50.0),
                seconds_spent: 3.5,
            },
            auditor: "anna".into(),
            funnel_fingerprint: "fp".into(),
            now: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            withdrawn_at: None,
        }
    }

    #[test]
    fn a_journal_file_is_private_whole_and_reads_back_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("okk.db");
        let kept = journal(&db, &pending("r1")).unwrap();
        assert_eq!(kept.path(), dir.path().join("okk.db-pending-r1.json"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(kept.path()).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let back: PendingReview =
            serde_json::from_slice(&std::fs::read(kept.path()).unwrap()).unwrap();
        assert_eq!(back, pending("r1"));
        assert!(!dir.path().join("okk.db-pending-r1.json.tmp").exists());
        // Locked while this process holds it.
        let other = File::open(kept.path()).unwrap();
        assert!(other.try_lock().is_err());
        drop(other);
        kept.remove().unwrap();
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
        // Taken back: gone the same way, and a replay finds nothing.
        journal(&db, &pending("r2")).unwrap().discard().unwrap();
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    }

    /// A verdict kept with the card as judged reads back with it; one an older okk kept (no
    /// card) reads back without it, and replays.
    #[test]
    fn a_journal_entry_keeps_the_card_as_judged_and_one_an_older_okk_wrote_reads_without() {
        let card = crate::domain::Card {
            stage: "Договор".into(),
            title: Some("Сделка #42".into()),
            ..Default::default()
        };
        let mut p = pending("r4");
        p.card.as_judged = Some(crate::domain::as_judged::AsJudged::of(&card));
        let text = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<PendingReview>(&text).unwrap(), p);
        let mut older: serde_json::Value = serde_json::to_value(pending("r5")).unwrap();
        older["card"].as_object_mut().unwrap().remove("as_judged");
        let back: PendingReview = serde_json::from_value(older).unwrap();
        assert_eq!(back, pending("r5"));
    }

    #[test]
    fn a_replay_removes_a_temp_file_killed_before_its_rename_and_keeps_an_unreadable_one() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("okk.db");
        let mut store = Store::open(&db).unwrap();
        let tmp = dir.path().join("okk.db-pending-r2.json.tmp");
        std::fs::write(&tmp, "{\"id\":").unwrap();
        let bad = dir.path().join("okk.db-pending-r3.json");
        std::fs::write(&bad, "not json").unwrap();
        let r = store.replay_pending().unwrap();
        assert_eq!(r.saved, 0);
        assert_eq!(r.unreadable, std::slice::from_ref(&bad));
        assert!(!tmp.exists());
        assert!(bad.exists(), "kept for a person to look at");
    }
}
