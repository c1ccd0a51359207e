//! The PostgreSQL store behind the domain's ports: each method is the store's own
//! (`store::delegate`); the pending journal is a file on this machine, as on a laptop.

use std::time::Duration;

use super::PgStore;
use crate::domain::pending::{PendingReview, Replayed};
use crate::domain::ports::{DeskStore, KeptVerdict, Reopen, StoreResult};
use crate::domain::writer::Writer;
use crate::store::StoreError;
use crate::store::pending::{Journal, journal, journal_files, replay_files};

crate::store::delegate::desk_ports!(PgStore, {
    /// A lock not had within `wait` (and a statement running past it) answers busy.
    fn set_write_wait(&self, wait: Duration) -> StoreResult<()> {
        let ms = wait.as_millis().max(1);
        self.conn.borrow_mut().batch_execute(&format!(
            "SET lock_timeout = {ms}; SET statement_timeout = {}",
            ms * 3
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
        let store = std::cell::RefCell::new(self);
        replay_files(
            files,
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
