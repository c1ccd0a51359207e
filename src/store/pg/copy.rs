//! A whole store copied between SQLite and PostgreSQL (`okk db copy`, either way): every table
//! both hold, in one transaction, so that a copy that fails leaves its target empty. Into the
//! server the rows stream through `COPY … FROM STDIN`; out of it, row by row as they arrive.

use std::io::Write;

use rusqlite::types::ValueRef;

use super::PgStore;
use crate::store::{Store, StoreError};

/// The tables copied (the SQLite store's name, the server's), in an order where what a row
/// names is there before it. Leases are not: a claim is the moment's, not the store's.
pub const TABLES: [(&str, &str); 21] = [
    ("import_batches", "import_batches"),
    ("cards", "cards"),
    ("stage_history", "stage_history"),
    ("field_names", "field_names"),
    ("flags", "flags"),
    ("standings", "standings"),
    ("reviews", "reviews"),
    ("lead_decisions", "lead_decisions"),
    ("drafts", "drafts"),
    ("calibrations", "calibrations"),
    ("calibration_cards", "calibration_cards"),
    ("funnel_versions", "funnel_versions"),
    ("users", "okk_users"),
    ("trusted_keys", "trusted_keys"),
    ("crm_sync", "crm_sync"),
    ("crm_notes", "crm_notes"),
    ("crm_notes_read", "crm_notes_read"),
    ("crm_sweep", "crm_sweep"),
    ("crm_swept", "crm_swept"),
    ("crm_stages", "crm_stages"),
    ("source_columns", "source_columns"),
];

/// The columns of a table both stores have, in the server's order; `reviews.seq` is the
/// server's own (the order rows arrive in: SQLite's rowid).
fn shared_columns(
    from: &rusqlite::Connection,
    tx: &mut impl postgres::GenericClient,
    (table, pg_table): (&str, &str),
) -> Result<Vec<String>, StoreError> {
    let theirs: Vec<String> = from
        .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let ours: Vec<String> = tx
        .query(
            "SELECT column_name::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1
             ORDER BY ordinal_position",
            &[&pg_table],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    Ok(ours
        .into_iter()
        .filter(|c| theirs.contains(c) && !(table == "reviews" && c == "seq"))
        .collect())
}

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

/// One value of the server's as SQLite takes it (okk's columns hold integers, reals, text and
/// one yes/no).
fn value(row: &postgres::Row, i: usize) -> Result<rusqlite::types::Value, postgres::Error> {
    use postgres::types::Type;
    use rusqlite::types::Value;
    let t = row.columns()[i].type_().clone();
    Ok(if t == Type::INT8 {
        row.try_get::<_, Option<i64>>(i)?
            .map_or(Value::Null, Value::Integer)
    } else if t == Type::INT4 {
        row.try_get::<_, Option<i32>>(i)?
            .map_or(Value::Null, |v| Value::Integer(v.into()))
    } else if t == Type::FLOAT8 {
        row.try_get::<_, Option<f64>>(i)?
            .map_or(Value::Null, Value::Real)
    } else if t == Type::BOOL {
        row.try_get::<_, Option<bool>>(i)?
            .map_or(Value::Null, |v| Value::Integer(v.into()))
    } else {
        row.try_get::<_, Option<String>>(i)?
            .map_or(Value::Null, Value::Text)
    })
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

/// A yes/no of SQLite's (0 or 1) as the server's `boolean` takes it in CSV.
fn yes_no(v: ValueRef<'_>) -> ValueRef<'_> {
    match v {
        ValueRef::Integer(0) => ValueRef::Text(b"f"),
        ValueRef::Integer(_) => ValueRef::Text(b"t"),
        other => other,
    }
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
        for (table, pg_table) in TABLES {
            let columns = shared_columns(&from.conn, &mut tx, (table, pg_table))?;
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
                "COPY {pg_table} ({list}) FROM STDIN WITH (FORMAT csv)"
            ))?;
            let mut line = Vec::with_capacity(4096);
            let mut n = 0u64;
            while let Some(r) = rows.next()? {
                line.clear();
                for (i, column) in columns.iter().enumerate() {
                    if i > 0 {
                        line.push(b',');
                    }
                    let v = r.get_ref(i)?;
                    let v = if pg_table == "okk_users" && column == "assigned" {
                        yes_no(v)
                    } else {
                        v
                    };
                    field(&mut line, v)
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
        // The file's applied funnel stays the store's funnel on the server.
        if let Some((v, by, at)) = crate::store::funnel_versions::applied_on(&from.conn)? {
            tx.execute(
                "INSERT INTO funnel_applied (hash, applied_by, applied_at) VALUES ($1, $2, $3)",
                &[&v.hash, &by, &at],
            )?;
        }
        tx.batch_execute(super::stage_counts::KEEP_STAGE_COUNTS)?;
        tx.commit()?;
        // The planner's figures for the tables just filled: without them the queue's first
        // pages plan as if the tables were empty, until autovacuum comes round.
        conn.batch_execute("ANALYZE")?;
        Ok(copied)
    }
}

impl PgStore {
    /// Copies every table both stores hold from this server store into `to`, a store file
    /// just made (`okk db copy postgres://… FILE`), in one transaction of the file's; its
    /// summaries (stage counts, owners) are counted from the cards copied.
    pub fn copy_to_sqlite(&self, to: &mut Store) -> Result<Copied, StoreError> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut conn = self.conn.borrow_mut();
        // One snapshot for every table: what the server holds at one moment.
        let mut read = super::snapshot(&mut conn)?;
        let tx = to.conn.transaction()?;
        // Rows name rows written after them (a review superseded by a later one, by `seq`):
        // the keys are checked at the commit, when every row is in.
        tx.execute_batch("PRAGMA defer_foreign_keys = ON")?;
        let mut copied = Copied::default();
        for (table, pg_table) in TABLES {
            let columns = shared_columns(&tx, &mut read, (table, pg_table))?;
            let list = columns.join(", ");
            let order = if table == "reviews" {
                "ORDER BY seq"
            } else {
                ""
            };
            let places: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
            let mut insert = tx.prepare(&format!(
                "INSERT INTO {table} ({list}) VALUES ({})",
                places.join(", ")
            ))?;
            let mut rows = read.query_raw(
                &format!("SELECT {list} FROM {pg_table} {order}"),
                std::iter::empty::<i64>(),
            )?;
            let mut n = 0u64;
            while let Some(row) = rows.next()? {
                let values = (0..columns.len())
                    .map(|i| value(&row, i))
                    .collect::<Result<Vec<_>, _>>()?;
                insert.execute(rusqlite::params_from_iter(values))?;
                n += 1;
            }
            copied.rows.push((table, n));
        }
        // Copied by a login mapped to an okk user: the file is that user's (an auditor's
        // laptop); its bundles carry what they make on it, not the server's records copied.
        let mapped: Option<String> = read
            .query_one(
                "SELECT u.name FROM (SELECT 1) one
                 LEFT JOIN okk_users u ON u.login = session_user",
                &[],
            )?
            .get(0);
        if let Some(name) = mapped {
            crate::store::flags::set_meta_on(&tx, crate::store::bundle::SIGNS_AS, &name)?;
            crate::store::copied::mark(&tx)?;
        }
        // The server's applied funnel is the file's: commands on the copy judge by it, as
        // they do on the server, not by the funnel file of the laptop it lands on.
        let applied = read.query_opt(
            "SELECT a.hash, a.applied_by, a.applied_at
             FROM funnel_applied a JOIN funnel_versions v ON v.hash = a.hash
             ORDER BY a.seq DESC LIMIT 1",
            &[],
        )?;
        if let Some(r) = applied {
            let (hash, by, at): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            crate::store::funnel_versions::set_applied_on(&tx, &hash, &by, &at)?;
        }
        let summary = crate::store::run_summary::RunSummary::of_store(&tx)?;
        crate::store::run_summary::store_run_summary(&tx, &summary)?;
        tx.commit()?;
        read.commit()?;
        Ok(copied)
    }
}
