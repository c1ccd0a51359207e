//! The PostgreSQL store behind the domain's ports: each method is the store's own
//! (`store::delegate`); the pending journal is a file on this machine, as on a laptop.

use std::time::Duration;

use super::PgStore;
use crate::domain::pending::{PendingReview, Replayed};
use crate::domain::ports::{DeskStore, KeptVerdict, Reopen, StoreResult};
use crate::domain::writer::Writer;
use crate::store::StoreError;
use crate::store::pending::{Journal, journal, journal_files, replay_files};

/// How long one of the desk's statements may run before it is given up: a runaway read must
/// not hold the reader thread for ever; no read of a million-card server comes near it.
const STATEMENT_BOUND: Duration = Duration::from_secs(60);

crate::store::delegate::desk_ports!(PgStore, {
    /// A lock not had within `wait` answers busy. A statement is bounded apart, and far
    /// longer: the desk's reads count a stage's cards, and on a server of a million cards one
    /// stage's count takes more than a second; bounded at three waits (300 ms), the reviewer
    /// could not open the funnel at all and was told another okk was writing.
    fn set_write_wait(&self, wait: Duration) -> StoreResult<()> {
        let ms = wait.as_millis().max(1);
        self.conn.borrow_mut().batch_execute(&format!(
            "SET lock_timeout = {ms}; SET statement_timeout = {}",
            STATEMENT_BOUND.as_millis()
        ))?;
        Ok(())
    }

    fn keep_pending(&self, p: &PendingReview) -> StoreResult<Box<dyn KeptVerdict>> {
        let path = self.journal_path();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
                path: dir.to_path_buf(),
                source: Box::new(e),
            })?;
        }
        let kept = journal(path, p).map_err(|e| StoreError::Open {
            path: path.to_path_buf(),
            source: Box::new(e),
        })?;
        Ok(Box::new(kept))
    }

    fn replay_pending(&mut self) -> StoreResult<Replayed> {
        let mut files = Journal::default();
        for name in self.journal_names() {
            files.add(journal_files(name));
        }
        // A login mapped to an okk user writes that user's verdicts only (the server refuses
        // the others'); the owner's writes any.
        let only = match files.files.is_empty() {
            true => None,
            false => {
                let session = crate::domain::ports::UserStore::session(&*self)?;
                (session.mapped.map(|(name, _)| name)).filter(|_| !session.owner)
            }
        };
        let store = std::cell::RefCell::new(self);
        replay_files(
            files,
            |p| only.as_ref().is_none_or(|name| *name == p.auditor),
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
        )
    }

    /// The server does not say which session holds a lock (yet): none named.
    fn blocker(&self) -> Option<Writer> {
        None
    }

    fn idle(&self) -> StoreResult<()> {
        Ok(())
    }
});

impl Reopen for PgStore {
    fn reopen(&self) -> StoreResult<Box<dyn DeskStore>> {
        Ok(Box::new(self.reconnect()?))
    }

    fn opener(&self) -> crate::domain::ports::Opener {
        let (url, dir) = self.reopening();
        Box::new(move || Ok(Box::new(PgStore::open(&url, &dir)?) as Box<dyn DeskStore>))
    }

    fn remote(&self) -> bool {
        true
    }

    fn watch(&self) -> StoreResult<Box<dyn crate::domain::ports::Changes>> {
        Ok(Box::new(super::watch::PgWatch::open(self)?))
    }
}

impl crate::domain::ports::PruneStore for PgStore {
    fn import_runs(&self) -> StoreResult<Vec<crate::domain::prune::ImportRun>> {
        PgStore::import_runs(self)
    }

    fn prune_with(
        &mut self,
        selector: &crate::domain::prune::Selector,
        dry_run: bool,
        with_work: bool,
    ) -> StoreResult<crate::domain::prune::Pruned> {
        PgStore::prune_with(self, selector, dry_run, with_work)
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::ports::ReviewStore;
    use crate::store::pg::PgStore;
    use crate::store::pg::test_db::Db;

    /// The desk waits for a lock as long as it is told, but its reads run long on a server of
    /// a million cards: a statement is bounded far beyond the wait (bounded at three waits, the
    /// reviewer could not open the funnel of such a server).
    #[test]
    fn the_desk_waits_briefly_for_a_lock_and_long_for_a_read() {
        let Some(db) = Db::new("okk_wait") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let store = PgStore::open(&db.url, dir.path()).unwrap();
        store
            .set_write_wait(std::time::Duration::from_millis(100))
            .unwrap();
        let mut conn = store.conn.borrow_mut();
        let show = |conn: &mut postgres::Client, what: &str| -> String {
            conn.query_one(&format!("SHOW {what}"), &[]).unwrap().get(0)
        };
        assert_eq!(show(&mut conn, "lock_timeout"), "100ms");
        assert_eq!(show(&mut conn, "statement_timeout"), "1min");
    }
}
