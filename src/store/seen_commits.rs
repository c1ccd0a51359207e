//! Whether other connections committed since this one last looked: the reviewer's refresh
//! after her own verdict needs nothing her verdict did not already tell the screen.

use super::{Store, StoreError};

impl Store {
    /// Whether another connection committed since the last call (the first: yes). This
    /// connection's own commits do not count: SQLite's `data_version` moves for others' only.
    pub fn others_committed(&self) -> Result<bool, StoreError> {
        let now: i64 = self
            .conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))?;
        Ok(self.seen_version.replace(Some(now)) != Some(now))
    }
}
