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
    /// `okk db roles` by the server's owner, whose login may not make or grant the roles it
    /// needs (SQLSTATE 42501 on `CREATE ROLE`, `GRANT` or `REVOKE` of a role): `login` is the
    /// owner's, `role` the one it tried, `create` whether it tried to make it (CREATEROLE is
    /// missing) or to grant it (CREATEROLE, or the ADMIN OPTION on it, is missing).
    RoleRight {
        login: String,
        role: String,
        create: bool,
    },
    /// An auditor's undo of a verdict the lead has decided on (a decision standing, not taken
    /// back): refused, the verdict and the decision stand, so the lead's word never vanishes
    /// unseen. `lead` decided, `decision` is how.
    Decided {
        lead: String,
        decision: crate::domain::decision::DecisionKind,
    },
    /// A verdict or a draft on a card the store no longer holds (`okk db prune` took it out
    /// while it was on screen): refused, nothing written, so that no review waits on a card
    /// nobody asked for. `external_id`: the card's, when the write named it (a draft names
    /// only the store's id).
    CardGone { external_id: Option<String> },
    /// A verdict given on the card on screen ([`super::stored_review::Given::Now`]), or a lead's
    /// decision on a review of it, whose card the store holds changed since the screen read it
    /// (an import or a sync wrote it): refused, nothing written, so that nothing is decided on
    /// content the card no longer has. The screen reads the card again and shows it.
    /// `external_id`: the card's.
    CardChanged { external_id: String },
    /// The store, or a file beside it (the pending journal), could not be opened or written.
    Open { path: PathBuf, source: BoxError },
    /// The store file or its folder is not writable here: the store is read as it is (when it
    /// can be), and whatever would write to it is refused. `path`: the file, when known where
    /// the error arose (a write deep in a command names none; the command's caller adds it).
    /// `why` says what could not be done.
    ReadOnly {
        path: Option<PathBuf>,
        why: ReadOnlyWhy,
    },
    /// The backend refused or failed a question or a write. `busy`: another writer held the
    /// store longer than this one waits; the user can retry.
    Backend { busy: bool, source: BoxError },
    /// The connection to the server was lost, or it stopped answering: nothing says whether
    /// the store is busy, only that it cannot be reached from here now. Retried as a busy
    /// store is (the verdict kept on this machine meanwhile).
    Unreachable { source: BoxError },
}

/// What a store that cannot be written here could not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnlyWhy {
    /// A command wrote (a review, an import, the rules' flags).
    Write,
    /// The store needs an upgrade to this okk's schema, which writes.
    Upgrade,
    /// The write-ahead log beside it holds changes not yet in the file, and SQLite cannot
    /// read them without its index file (the `-shm`), which it cannot make here.
    UnsavedLog,
    /// There is no store file yet, and the folder takes no new file.
    Create,
}

impl StoreError {
    /// Another writer holds the store past the wait: the user can retry.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            StoreError::Backend { busy: true, .. } | StoreError::Unreachable { .. }
        )
    }

    /// The server cannot be reached from here now (see [`StoreError::Unreachable`]).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, StoreError::Unreachable { .. })
    }

    /// The card written to is no longer in the store (see [`StoreError::CardGone`]).
    pub fn is_card_gone(&self) -> bool {
        matches!(self, StoreError::CardGone { .. })
    }

    /// The card judged changed in the store since it was read (see [`StoreError::CardChanged`]).
    pub fn is_card_changed(&self) -> bool {
        matches!(self, StoreError::CardChanged { .. })
    }

    /// The store cannot be written where it is.
    pub fn is_read_only(&self) -> bool {
        matches!(self, StoreError::ReadOnly { .. })
    }

    /// This error naming the store file `path` where it named none.
    pub fn at(self, path: &std::path::Path) -> StoreError {
        match self {
            StoreError::ReadOnly { path: None, why } => StoreError::ReadOnly {
                path: Some(path.to_path_buf()),
                why,
            },
            other => other,
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Open { source, .. }
            | StoreError::Backend { source, .. }
            | StoreError::Unreachable { source } => Some(source.as_ref()),
            StoreError::NewerSchema { .. }
            | StoreError::ReadOnly { .. }
            | StoreError::NotOkk { .. }
            | StoreError::NotEmpty { .. }
            | StoreError::Refused { .. }
            | StoreError::RoleRight { .. }
            | StoreError::Decided { .. }
            | StoreError::CardGone { .. }
            | StoreError::CardChanged { .. } => None,
        }
    }
}
