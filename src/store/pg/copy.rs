//! A whole SQLite store copied into an empty PostgreSQL one (`okk db copy FILE postgres://…`):
//! every table the server store has, streamed through `COPY … FROM STDIN`, in one transaction,
//! so that a copy that fails leaves the server store empty.

use std::io::Write;

use rusqlite::types::ValueRef;

use super::PgStore;
use crate::store::{Store, StoreError};

/// The tables copied, in an order where what a row names is there before it.
pub const TABLES: [&str; 11] = [
    "import_batches",
    "cards",
    "stage_history",
    "field_names",
    "flags",
    "standings",
    "reviews",
    "lead_decisions",
    "drafts",
    "calibrations",
    "calibration_cards",
];

/// What a copy moved: rows per table, in [`TABLES`]' order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Copied {
    pub rows: Vec<(&'static str, u64)>,
}

/// Why a copy was refused before it began.
fn refused(to: &PgStore, why: &str) -> StoreError {
    StoreError::Open {
        path: to.shown().to_path_buf(),
        source: why.to_string().into(),
    }
}

/// One value as a CSV field for PostgreSQL's COPY: null unquoted and empty, anything else
/// quoted (so an empty text stays empty text).
fn field(out: &mut Vec<u8>, v: ValueRef<'_>) -> Result<(), String> {
    match v {
        ValueRef::Null => {}
        ValueRef::Integer(i) => write!(out, "{i}").expect("a Vec takes writes"),
        ValueRef::Real(f) => write!(out, "{f:?}").expect("a Vec takes writes"),
        ValueRef::Text(t) => {
            out.push(b'"');
            for &b in t {
                if b == b'"' {
                    out.push(b'"');
                }
                out.push(b);
            }
            out.push(b'"');
        }
        ValueRef::Blob(_) => return Err("a binary value where okk writes none".into()),
    }
    Ok(())
}

impl PgStore {
    /// Copies every card, flag, review, decision, draft and calibration of `from` into this
    /// store, which must hold no cards or reviews yet.
    pub fn copy_from_sqlite(&mut self, from: &Store) -> Result<Copied, StoreError> {
        let mut conn = self.conn.borrow_mut();
        let used: bool = conn
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM cards) OR EXISTS (SELECT 1 FROM reviews)",
                &[],
            )?
            .get(0);
        drop(conn);
        if used {
            return Err(StoreError::NotEmpty {
                path: self.shown().to_path_buf(),
            });
        }
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let mut copied = Copied::default();
        for table in TABLES {
            let theirs: Vec<String> = from
                .conn
                .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let ours: Vec<String> = tx
                .query(
                    "SELECT column_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name = $1
                     ORDER BY ordinal_position",
                    &[&table],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect();
            // reviews.seq is the server's own (the order rows arrive in: SQLite's rowid).
            let columns: Vec<&str> = ours
                .iter()
                .filter(|c| theirs.contains(c) && !(table == "reviews" && *c == "seq"))
                .map(String::as_str)
                .collect();
            let list = columns.join(", ");
            let order = if table == "reviews" {
                "ORDER BY rowid"
            } else {
                ""
            };
            let mut stmt = from
                .conn
                .prepare(&format!("SELECT {list} FROM {table} {order}"))?;
            let mut rows = stmt.query([])?;
            let mut writer = tx.copy_in(&format!(
                "COPY {table} ({list}) FROM STDIN WITH (FORMAT csv)"
            ))?;
            let mut line = Vec::with_capacity(4096);
            let mut n = 0u64;
            while let Some(r) = rows.next()? {
                line.clear();
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    field(&mut line, r.get_ref(i)?)
                        .map_err(|why| refused(self, &format!("{table}.{column}: {why}")))?;
                }
                line.push(b'\n');
                writer.write_all(&line).map_err(|e| StoreError::Backend {
                    busy: false,
                    source: Box::new(e),
                })?;
                n += 1;
            }
            writer.finish()?;
            copied.rows.push((table, n));
        }
        tx.commit()?;
        // The planner's figures for the tables just filled: without them the queue's first
        // pages plan as if the tables were empty, until autovacuum comes round.
        conn.batch_execute("ANALYZE")?;
        Ok(copied)
    }
}
