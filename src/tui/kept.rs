//! The verdicts a reviewer keeps in the pending journal on this machine until the store takes
//! them, shared by a desk and its twins (whichever is connected writes them), and their undo.
//!
//! A verdict sent to a server that never answered may be in the server or not (the bytes may
//! still arrive over a link that hung), so it is marked from the moment it is handed to the
//! store until the store answers: taken back then, it stays in the journal as a withdrawal
//! (written, then withdrawn: it stands nowhere either way). One never sent simply leaves.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::NaiveDateTime;

use crate::domain::pending::PendingReview;
use crate::domain::ports::{KeptVerdict, StoreError};
use crate::domain::review::Review;
use crate::domain::stored_review::ReviewedCard;

/// One verdict in the journal, its file held (locked) by this process.
struct Entry {
    pending: PendingReview,
    file: Box<dyn KeptVerdict>,
    /// Handed to the store and not answered, or answered with a lost link: the store may have
    /// it.
    maybe_in: bool,
}

/// The journal's verdicts, oldest first. Each change is one push, one removal or one flag
/// under the lock, so a thread that died holding it left nothing half-done.
#[derive(Clone, Default)]
pub struct Kept(Arc<Mutex<Vec<Entry>>>);

/// What an undo found in the journal.
#[derive(Debug, PartialEq, Eq)]
pub enum TakenBack {
    /// Not there: the store has the verdict (the undo is the store's).
    NotKept,
    /// Gone from the journal: the store never had it.
    Discarded,
    /// Kept as its withdrawal: the store may have it.
    Withdrawing,
}

impl Kept {
    fn lock(&self) -> MutexGuard<'_, Vec<Entry>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn push(&self, pending: PendingReview, file: Box<dyn KeptVerdict>) {
        self.lock().push(Entry {
            pending,
            file,
            maybe_in: false,
        });
    }

    /// The oldest entry, to be written now: from here until the store answers it may be in
    /// the store.
    pub fn next(&self) -> Option<PendingReview> {
        let mut kept = self.lock();
        let first = kept.first_mut()?;
        first.maybe_in = true;
        Some(first.pending.clone())
    }

    /// The store answered that it did not take `id` (busy: its transaction rolled back).
    pub fn not_taken(&self, id: &str) {
        if let Some(e) = self.lock().iter_mut().find(|e| e.pending.id == id) {
            e.maybe_in = false;
        }
    }

    /// The store took `written` (a verdict, or a verdict and its withdrawal): out of the
    /// journal, unless it was taken back since (its withdrawal is still to be written).
    pub fn written(&self, written: &PendingReview) {
        let mut kept = self.lock();
        let at = kept.iter().position(|e| {
            e.pending.id == written.id && e.pending.withdrawn_at == written.withdrawn_at
        });
        if let Some(at) = at {
            // A journal file left behind is written at most once (the id travels with it).
            let _ = kept.remove(at).file.remove();
        }
    }

    /// The store refused `id` for good: out of the journal.
    pub fn forget(&self, id: &str) {
        let mut kept = self.lock();
        if let Some(at) = kept.iter().position(|e| e.pending.id == id) {
            let _ = kept.remove(at).file.remove();
        }
    }

    /// The auditor's undo of verdict `id` at `at`: a verdict the journal still holds is
    /// taken back here, durably, before this returns: its file removed when no store was
    /// ever asked to take it, else kept again (`keep`) as its withdrawal.
    pub fn take_back(
        &self,
        id: &str,
        at: NaiveDateTime,
        keep: impl FnOnce(&PendingReview) -> Result<Box<dyn KeptVerdict>, StoreError>,
    ) -> Result<TakenBack, StoreError> {
        let mut kept = self.lock();
        let Some(i) =
            (kept.iter()).position(|e| e.pending.id == id && e.pending.withdrawn_at.is_none())
        else {
            return Ok(TakenBack::NotKept);
        };
        if !kept[i].maybe_in {
            kept.remove(i).file.discard()?;
            return Ok(TakenBack::Discarded);
        }
        let withdrawal = PendingReview {
            withdrawn_at: Some(at),
            ..kept[i].pending.clone()
        };
        // Written over the verdict's file (the same name): the one it replaces is dropped, not
        // removed.
        let file = keep(&withdrawal)?;
        kept[i].pending = withdrawal;
        kept[i].file = file;
        Ok(TakenBack::Withdrawing)
    }

    /// The id under which this verdict is kept, if it is (the newest such).
    pub fn kept_as(&self, card: &ReviewedCard, review: &Review) -> Option<String> {
        let kept = self.lock();
        let mut verdicts = kept
            .iter()
            .rev()
            .filter(|e| e.pending.withdrawn_at.is_none());
        verdicts
            .find(|e| e.pending.card == *card && e.pending.review == *review)
            .map(|e| e.pending.id.clone())
    }

    /// The id of the newest verdict kept (not taken back).
    pub fn last_verdict(&self) -> Option<String> {
        let kept = self.lock();
        let mut verdicts = kept
            .iter()
            .rev()
            .filter(|e| e.pending.withdrawn_at.is_none());
        verdicts.next().map(|e| e.pending.id.clone())
    }

    /// The files of the verdicts kept (the withdrawals waiting are no verdicts: the next okk
    /// writes them without a word).
    pub fn files(&self) -> Vec<PathBuf> {
        (self.lock().iter())
            .filter(|e| e.pending.withdrawn_at.is_none())
            .map(|e| e.file.path().to_path_buf())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ids::CardId;
    use crate::domain::review::Verdict;

    /// A journal file that tells what became of it.
    #[derive(Debug)]
    struct File(&'static str, Arc<Mutex<Vec<String>>>);

    impl KeptVerdict for File {
        fn path(&self) -> &std::path::Path {
            std::path::Path::new(self.0)
        }
        fn remove(self: Box<Self>) -> Result<(), StoreError> {
            self.1.lock().unwrap().push(format!("{} removed", self.0));
            Ok(())
        }
        fn discard(self: Box<Self>) -> Result<(), StoreError> {
            self.1.lock().unwrap().push(format!("{} discarded", self.0));
            Ok(())
        }
    }

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
                verdict: Verdict::Ok,
                draft: Default::default(),
                score: None,
                seconds_spent: 1.0,
            },
            auditor: "anna".into(),
            funnel_fingerprint: "fp".into(),
            now: noon(),
            withdrawn_at: None,
        }
    }

    fn noon() -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    #[test]
    fn a_verdict_never_sent_or_answered_busy_is_discarded_by_its_undo() {
        let log = Arc::default();
        let kept = Kept::default();
        kept.push(pending("a"), Box::new(File("a", Arc::clone(&log))));
        kept.push(pending("b"), Box::new(File("b", Arc::clone(&log))));
        let never = |_: &PendingReview| -> Result<Box<dyn KeptVerdict>, StoreError> {
            panic!("kept again")
        };
        assert_eq!(
            kept.take_back("b", noon(), never).unwrap(),
            TakenBack::Discarded
        );
        let sent = kept.next().unwrap();
        assert_eq!(sent.id, "a");
        kept.not_taken("a");
        assert_eq!(
            kept.take_back("a", noon(), never).unwrap(),
            TakenBack::Discarded
        );
        assert_eq!(*log.lock().unwrap(), ["b discarded", "a discarded"]);
        assert!(kept.next().is_none() && kept.files().is_empty());
        assert_eq!(
            kept.take_back("a", noon(), never).unwrap(),
            TakenBack::NotKept
        );
    }

    #[test]
    fn a_verdict_sent_and_unanswered_is_kept_as_its_withdrawal_whatever_the_late_answer() {
        let log = Arc::default();
        let kept = Kept::default();
        kept.push(pending("a"), Box::new(File("a", Arc::clone(&log))));
        let sent = kept.next().unwrap();
        let again = Arc::clone(&log);
        let taken = kept.take_back("a", noon(), move |p| {
            assert_eq!(p.withdrawn_at, Some(noon()));
            Ok(Box::new(File("a withdrawn", again)))
        });
        assert_eq!(taken.unwrap(), TakenBack::Withdrawing);
        assert_eq!(kept.last_verdict(), None);
        assert!(kept.files().is_empty(), "no verdict waits");
        // The writer that hung answers at last: the withdrawal still has to go.
        kept.written(&sent);
        assert!(log.lock().unwrap().is_empty());
        let withdrawal = kept.next().unwrap();
        assert_eq!(withdrawal.withdrawn_at, Some(noon()));
        kept.written(&withdrawal);
        assert_eq!(*log.lock().unwrap(), ["a withdrawn removed"]);
        assert!(kept.next().is_none());
    }
}
