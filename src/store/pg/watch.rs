//! Others' writes on a server as they commit: a session of its own `LISTEN`s on the channel
//! the triggers on reviews and lead decisions notify (schema migration 2).

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use super::PgStore;
use crate::domain::ports::Changes;
use crate::store::StoreError;

pub struct PgWatch {
    store: PgStore,
}

impl PgWatch {
    pub fn open(on: &PgStore) -> Result<PgWatch, StoreError> {
        let store = on.reconnect_listening()?;
        store.conn.borrow_mut().batch_execute("LISTEN okk")?;
        Ok(PgWatch { store })
    }
}

impl Changes for PgWatch {
    fn wait(&mut self, timeout: Duration) -> Result<bool, StoreError> {
        let mut conn = self.store.conn.borrow_mut();
        let mut notes = conn.notifications();
        if notes.timeout_iter(timeout).next()?.is_none() {
            return Ok(false);
        }
        // A burst (twenty auditors' verdicts) is one change to the screens.
        let mut more = notes.iter();
        while more.next()?.is_some() {}
        Ok(true)
    }

    fn applied_funnel(&mut self) -> Result<Option<(i64, String)>, StoreError> {
        let applied = self.store.applied_funnel()?;
        Ok(applied.map(|(v, _, _)| (v.version, v.hash)))
    }
}
