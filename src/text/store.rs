//! Messages about the store (the SQLite file).

use std::path::Path;

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

pub fn sql(e: &rusqlite::Error, busy: bool) -> String {
    if busy {
        "the database is busy: another okk is writing to it (an import?); \
         try again when it has finished"
            .into()
    } else {
        format!("database error: {e}")
    }
}
