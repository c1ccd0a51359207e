//! What can go wrong with a store, whatever its backend: the kinds a caller decides on (refuse a
//! newer store, retry when busy) and the backend's own error kept as the cause. The words for
//! each are the strings layer's (`text::store`), which renders this type.

use std::path::PathBuf;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug)]
pub enum StoreError {
    /// The store was made by a newer okk: refused before anything was written to it.
    NewerSchema {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    /// The file (or server database) is not an okk store.
    NotOkk { path: PathBuf },
    /// `okk db copy`'s server store already holds cards or reviews: refused, nothing written.
    NotEmpty { path: PathBuf },
    /// The server refused this session's role the write (SQLSTATE 42501: a row-level policy
    /// or a missing grant, docs/team-server.md "Roles"): `table` is what it would have written.
    Refused { table: String },
    /// The store, or a file beside it (the pending journal), could not be opened or written.
    Open { path: PathBuf, source: BoxError },
    /// The backend refused or failed a question or a write. `busy`: another writer held the
    /// store longer than this one waits; the user can retry.
    Backend { busy: bool, source: BoxError },
}

impl StoreError {
    /// Another writer holds the store past the wait: the user can retry.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Backend { busy: true, .. })
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Open { source, .. } | StoreError::Backend { source, .. } => {
                Some(source.as_ref())
            }
            StoreError::NewerSchema { .. }
            | StoreError::NotOkk { .. }
            | StoreError::NotEmpty { .. }
            | StoreError::Refused { .. } => None,
        }
    }
}
