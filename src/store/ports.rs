//! The SQLite store behind the domain's ports (`domain::ports`): each port method is the
//! store's own function (`store::delegate`), with the pending journal and the file's writers
//! converted at this edge.

use std::path::Path;
use std::time::Duration;

use super::pending::{Journaled, journal};
use super::writer::writers;
use super::{Store, StoreError};
use crate::domain::pending::{PendingReview, Replayed};
use crate::domain::ports::{DeskStore, KeptVerdict, Reopen, StoreResult};
use crate::domain::writer::Writer;

super::delegate::desk_ports!(Store, {
    fn set_write_wait(&self, wait: Duration) -> StoreResult<()> {
        self.set_busy_timeout(wait)
    }

    fn keep_pending(&self, p: &PendingReview) -> StoreResult<Box<dyn KeptVerdict>> {
        let kept = journal(self.path(), p).map_err(|e| StoreError::Open {
            path: self.path().to_path_buf(),
            source: Box::new(e),
        })?;
        Ok(Box::new(kept))
    }

    fn replay_pending(&mut self) -> StoreResult<Replayed> {
        Store::replay_pending(self)
    }

    fn blocker(&self) -> Option<Writer> {
        writers(self.path()).first().copied()
    }

    fn idle(&self) -> StoreResult<()> {
        self.checkpoint()
    }
});

impl Reopen for Store {
    fn reopen(&self) -> StoreResult<Box<dyn DeskStore>> {
        let twin = Store::open(self.path())?;
        // A twin serves one thread of a session (the reviewer's reads or writes), whose pages
        // the system's file cache already holds: SQLite's own cache sized for passes over every
        // card would only hold a second copy of them (measured: +15 MB of the reviewer's peak).
        twin.conn
            .pragma_update(None, "cache_size", -super::schema::TWIN_CACHE_KIB)?;
        // The figures this connection read hold for the twin too, unless a commit came
        // between (checked): not read a second time. Without them it reads them when asked.
        let _ = self.lend_figures(&twin);
        Ok(Box::new(twin))
    }

    fn opener(&self) -> crate::domain::ports::Opener {
        let path = self.path().to_path_buf();
        Box::new(move || Ok(Box::new(Store::open(&path)?) as Box<dyn DeskStore>))
    }

    fn watch(&self) -> StoreResult<Box<dyn crate::domain::ports::Changes>> {
        Ok(Box::new(super::watch::FileWatch::open(self.path())?))
    }

    fn keep_figures_aside(&self, auditor: &str) -> StoreResult<()> {
        Store::keep_figures_aside(self, auditor)
    }

    fn others_committed(&self) -> StoreResult<bool> {
        Store::others_committed(self)
    }
}

impl KeptVerdict for Journaled {
    fn path(&self) -> &Path {
        Journaled::path(self)
    }

    fn remove(self: Box<Self>) -> StoreResult<()> {
        let path = self.path().to_path_buf();
        Journaled::remove(*self).map_err(|e| StoreError::Open {
            path,
            source: Box::new(e),
        })
    }

    fn discard(self: Box<Self>) -> StoreResult<()> {
        let path = self.path().to_path_buf();
        Journaled::discard(*self).map_err(|e| StoreError::Open {
            path,
            source: Box::new(e),
        })
    }
}

impl crate::domain::ports::UserStore for Store {
    fn session(&self) -> StoreResult<crate::domain::roles::Session> {
        Ok(crate::domain::roles::Session::file())
    }

    fn users(&self) -> StoreResult<Vec<crate::domain::roles::User>> {
        Store::users(self)
    }

    fn reviewers(&self) -> StoreResult<Vec<String>> {
        Store::reviewers(self)
    }

    fn register_user(&mut self, user: &crate::domain::roles::User) -> StoreResult<()> {
        Store::register_user(self, user)
    }

    fn assign_users(&mut self, users: &[crate::domain::roles::User]) -> StoreResult<()> {
        Store::assign_users(self, users)
    }
}

impl crate::domain::ports::PruneStore for Store {
    fn import_runs(&self) -> StoreResult<Vec<crate::domain::prune::ImportRun>> {
        Store::import_runs(self)
    }

    fn prune_with(
        &mut self,
        selector: &crate::domain::prune::Selector,
        dry_run: bool,
        with_work: bool,
    ) -> StoreResult<crate::domain::prune::Pruned> {
        Store::prune_with(self, selector, dry_run, with_work)
    }
}
