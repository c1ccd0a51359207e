//! Messages about the store: the words for each kind of [`StoreError`], whatever its backend.

use std::path::Path;

use crate::domain::store_error::StoreError;

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::NewerSchema { path, found, known } => {
                f.write_str(&newer_schema(path, *found, *known))
            }
            StoreError::NotOkk { path } => f.write_str(&not_okk(path)),
            StoreError::Open { path, source } => f.write_str(&cannot_open(path, source)),
            StoreError::Backend { busy, source } => f.write_str(&failed(source, *busy)),
        }
    }
}

pub fn newer_schema(path: &Path, found: i64, known: i64) -> String {
    format!(
        "{}: this database was written by a newer okk (schema {found}; this okk knows up to {known}). \
         It was not touched. Upgrade okk, or pass --db with another file.",
        path.display()
    )
}

pub fn not_okk(path: &Path) -> String {
    format!(
        "{}: this file is not an okk database. It was not touched. Pass --db with another file.",
        path.display()
    )
}

pub fn cannot_open(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("{}: cannot open the database: {err}", path.display())
}

fn failed(e: &dyn std::fmt::Display, busy: bool) -> String {
    if busy {
        "the database is busy: another okk is writing to it (an import?); \
         try again when it has finished"
            .into()
    } else {
        format!("database error: {e}")
    }
}
