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
pub use crate::domain::pending::{PendingReview, Replayed, Torn};

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
        if files.files.is_empty() {
            return Ok(Replayed {
                torn: files.torn,
                ..Replayed::default()
            });
        }
        // A replay must not hold up the command that runs it: a store still busy keeps the
        // verdict in its file for the next okk.
        self.set_busy_timeout(REPLAY_WAIT)?;
        let store = std::cell::RefCell::new(&mut *self);
        let result = replay_files(
            files,
            |_| true,
            |p| {
                (store.borrow_mut()).save_review_as(
                    &p.id,
                    &p.card,
                    &p.review,
                    &p.stamp(),
                    crate::domain::stored_review::Given::Late,
                )
            },
            |id, at| store.borrow_mut().withdraw_review(id, at),
        );
        self.set_busy_timeout(super::BUSY_WAIT)?;
        result
    }
}

/// What a journal file may weigh: a verdict with its comment and card as judged is a few
/// kilobytes; anything past this is not one okk wrote (the file is untrusted).
const MAX_ENTRY_BYTES: u64 = 4 << 20;

/// The journal beside a store: its whole files, and what temp files left torn said.
#[derive(Debug, Default)]
pub(crate) struct Journal {
    pub files: Vec<PathBuf>,
    /// Verdicts whose temp file a reviewer killed in the middle of writing it left unfinished:
    /// dropped, and said so.
    pub torn: Vec<Torn>,
}

impl Journal {
    pub(crate) fn add(&mut self, other: Journal) {
        self.files.extend(other.files);
        self.torn.extend(other.torn);
        self.files.sort();
        self.files.dedup();
    }
}

/// The journal files beside the store at `db`, sorted. A temp file left by a reviewer killed
/// before its rename (no live reviewer holds it) is finished here when it holds one whole
/// verdict of its own id, the rename done as its writer would have; else it is removed and
/// its card named in [`Journal::torn`].
pub(crate) fn journal_files(db: &Path) -> Journal {
    let mut found = Journal::default();
    let Some(prefix) = sibling_name(db, "pending-") else {
        return found;
    };
    let Ok(entries) = std::fs::read_dir(parent(db)) else {
        return found;
    };
    for e in entries.flatten() {
        let Some(name) = e.file_name().to_str().map(str::to_string) else {
            continue;
        };
        let Some(rest) = name.strip_prefix(&prefix) else {
            continue;
        };
        if rest.ends_with(".json") {
            found.files.push(e.path());
        } else if let Some(id) = rest.strip_suffix(".json.tmp") {
            // Unlocked means its writer is dead; locked, it is still writing.
            let Ok(file) = File::open(e.path()) else {
                continue;
            };
            if file.try_lock().is_err() {
                continue;
            }
            match finish_temp(&e.path(), id, &file) {
                Temp::Whole(whole) => found.files.push(whole),
                // Whole, but not renamed (the folder refused): the next okk tries again.
                Temp::Stuck => {}
                Temp::Torn(card) => {
                    let _ = std::fs::remove_file(e.path());
                    found.torn.push(Torn {
                        file: e.path(),
                        card,
                    });
                }
            }
        }
    }
    found.files.sort();
    found.files.dedup();
    found
}

/// What a temp file a dead reviewer left turned out to be.
enum Temp {
    /// One whole verdict of its own id, now under its journal name (this path).
    Whole(PathBuf),
    /// Whole, but the rename failed: left as it is.
    Stuck,
    /// Unfinished, or not okk's: the card its text names, if it got that far.
    Torn(Option<String>),
}

/// Renames the temp file at `temp` (held locked in `file`) to its journal name when it holds
/// one whole verdict whose id is `id`, synced first as its writer would have.
fn finish_temp(temp: &Path, id: &str, file: &File) -> Temp {
    let Some(bytes) = read_bounded(file) else {
        return Temp::Torn(None);
    };
    match serde_json::from_slice::<PendingReview>(&bytes) {
        Ok(p) if p.id == id => {}
        _ => return Temp::Torn(card_named(&bytes)),
    }
    let whole = temp.with_extension("");
    let renamed = file.sync_all().and_then(|()| std::fs::rename(temp, &whole));
    if renamed.is_err() {
        return Temp::Stuck;
    }
    if let Ok(dir) = File::open(parent(temp)) {
        let _ = dir.sync_all();
    }
    Temp::Whole(whole)
}

/// A journal file's bytes, if it weighs no more than a verdict may.
fn read_bounded(file: &File) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    (file.take(MAX_ENTRY_BYTES + 1))
        .read_to_end(&mut bytes)
        .ok()?;
    (bytes.len() as u64 <= MAX_ENTRY_BYTES).then_some(bytes)
}

/// The card a torn journal entry names (its `external_id`, when the text got that far).
fn card_named(bytes: &[u8]) -> Option<String> {
    const KEY: &str = "\"external_id\":";
    let text = String::from_utf8_lossy(bytes);
    let after = &text[text.find(KEY)? + KEY.len()..];
    // The value as JSON wrote it: a whole string literal, or nothing.
    let mut de = serde_json::Deserializer::from_str(after.trim_start());
    let id: String = serde::Deserialize::deserialize(&mut de).ok()?;
    let id: String = id.chars().take(64).collect();
    (!id.is_empty()).then_some(id)
}

/// Writes each journal file no live reviewer holds through `save` (a late write: never over
/// a verdict given since), for any backend; one its auditor took back (`withdrawn_at`) is
/// written and then withdrawn through `withdraw`, so that it stands nowhere whether or not the
/// store had it.
pub(crate) fn replay_files(
    journal: Journal,
    take: impl Fn(&PendingReview) -> bool,
    mut save: impl FnMut(&PendingReview) -> Result<(), StoreError>,
    mut withdraw: impl FnMut(&str, chrono::NaiveDateTime) -> Result<(), StoreError>,
) -> Result<Replayed, StoreError> {
    let mut done = Replayed {
        torn: journal.torn,
        ..Replayed::default()
    };
    for path in journal.files {
        let Ok(file) = File::open(&path) else {
            continue;
        };
        // Locked: its reviewer is alive and will write it itself.
        if file.try_lock().is_err() {
            done.waiting += 1;
            continue;
        }
        // Untrusted: one whole verdict, filed under its own id.
        let own = |p: &PendingReview| {
            (path.file_name().and_then(|n| n.to_str()))
                .is_some_and(|n| n.ends_with(&file_suffix(&p.id)))
        };
        let pending: PendingReview = match read_bounded(&file)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .filter(own)
        {
            Some(p) => p,
            None => {
                done.unreadable.push(path);
                continue;
            }
        };
        // Another person's verdict, kept under a home they share: theirs to write (a server
        // takes a verdict only from its own auditor's login), left in its file, unsaid.
        if !take(&pending) {
            continue;
        }
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
                    None => {
                        done.saved += 1;
                        done.saved_cards.push(crate::domain::pending::SavedLate {
                            card: pending.card.card_id,
                            external_id: pending.card.external_id.clone(),
                            hash: pending.card.hash,
                            auditor: pending.auditor.clone(),
                        });
                    }
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
    fn a_replay_drops_a_torn_temp_file_saying_so_and_keeps_an_unreadable_one() {
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
        let said = Torn {
            file: tmp.clone(),
            card: None,
        };
        assert_eq!(r.torn, [said], "said, not dropped silently");
        assert!(!tmp.exists());
        assert!(bad.exists(), "kept for a person to look at");
    }

    /// Untrusted journal text: a whole verdict under another id's name, or one past the size a
    /// verdict may have, is not written; a torn one names its card only from a whole string.
    #[test]
    fn a_journal_entry_is_written_only_whole_under_its_own_id() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("okk.db");
        let mut store = Store::open(&db).unwrap();
        let other = dir.path().join("okk.db-pending-r7.json.tmp");
        std::fs::write(&other, serde_json::to_vec(&pending("r8")).unwrap()).unwrap();
        let big = dir.path().join("okk.db-pending-r9.json.tmp");
        let mut huge = serde_json::to_vec(&pending("r9")).unwrap();
        huge.resize(MAX_ENTRY_BYTES as usize + 10, b' ');
        std::fs::write(&big, huge).unwrap();
        let r = store.replay_pending().unwrap();
        assert_eq!(r.saved, 0);
        let mut cards: Vec<_> = r.torn.iter().map(|t| t.card.clone()).collect();
        cards.sort();
        assert_eq!(cards, [None, Some("42".to_string())]);
        assert!(!other.exists() && !big.exists());
        assert_eq!(card_named(br#"{"card":{"external_id":"4"#), None);
        let named = card_named(br##"{"card":{"external_id": "#4\u001b""##);
        assert_eq!(named.as_deref(), Some("#4\u{1b}"));
    }
}
