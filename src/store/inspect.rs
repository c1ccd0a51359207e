//! Reads for tests and diagnostics: what a store file holds, table by table, as plain values.
//! Opened read-only and never migrated, so looking cannot change what is looked at.
//!
//! The app's own questions have their own methods on [`super::Store`]; this is for proving what a
//! command did or did not write (a failed import changes nothing, a merge twice gives one store)
//! without each test speaking SQL to the schema.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rusqlite::types::Value;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value as Json;

use super::StoreError;

/// Every row of every table (and the schema itself, and `user_version`), rows sorted, values
/// spelled out: equal digests mean the store holds the same data.
pub type Digest = BTreeMap<String, Vec<String>>;

/// One row as column → value (TEXT, INTEGER, REAL or null; a BLOB as its bytes' debug text).
pub type Row = BTreeMap<String, Json>;

/// The tables a test may look into.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Table {
    Cards,
    StageHistory,
    ImportBatches,
    Reviews,
    LeadDecisions,
    Drafts,
    Flags,
    Standings,
    Owners,
    FieldNames,
    FillSnapshots,
    StageCounts,
    Meta,
    /// The cards handed out by claim, and to whom (a shared queue).
    Leases,
    /// The columns each source's imports and syncs have had.
    SourceColumns,
    /// Each CRM connection's cursors, notes, notes' cursor, stages and sweep under way.
    CrmSync,
    CrmNotes,
    CrmNotesRead,
    CrmStages,
    CrmSweep,
}

impl Table {
    fn name(self) -> &'static str {
        match self {
            Table::Cards => "cards",
            Table::StageHistory => "stage_history",
            Table::ImportBatches => "import_batches",
            Table::Reviews => "reviews",
            Table::LeadDecisions => "lead_decisions",
            Table::Drafts => "drafts",
            Table::Flags => "flags",
            Table::Standings => "standings",
            Table::Owners => "owners",
            Table::FieldNames => "field_names",
            Table::FillSnapshots => "fill_snapshots",
            Table::StageCounts => "stage_counts",
            Table::Meta => "meta",
            Table::Leases => "leases",
            Table::SourceColumns => "source_columns",
            Table::CrmSync => "crm_sync",
            Table::CrmNotes => "crm_notes",
            Table::CrmNotesRead => "crm_notes_read",
            Table::CrmStages => "crm_stages",
            Table::CrmSweep => "crm_sweep",
        }
    }

    /// The order rows were written in: rowid, or the key of a table without one.
    fn order(self) -> &'static str {
        match self {
            Table::StageHistory => "card_id, batch_id",
            Table::Flags => "card_id, seq",
            Table::Owners => "name",
            // A key's row moves as it is rewritten: what a store holds is the keys' values.
            Table::Meta => "key",
            Table::FillSnapshots => "batch_id, field, stage",
            Table::StageCounts => "stage",
            Table::SourceColumns => "source, kind, name",
            Table::CrmNotes => "connection, deal, note",
            Table::CrmStages => "connection, pipeline_id, stage_id",
            _ => "rowid",
        }
    }
}

/// A read-only look at a store file.
pub struct Inspect {
    conn: Connection,
}

impl Inspect {
    /// Opens the store at `path` read-only (it must exist); waits up to 10 s for a writer.
    pub fn open(path: &Path) -> Result<Inspect, StoreError> {
        let open_err = |e: rusqlite::Error| StoreError::Open {
            path: PathBuf::from(path),
            source: Box::new(e),
        };
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(open_err)?;
        conn.busy_timeout(super::BUSY_WAIT)?;
        Ok(Inspect { conn })
    }

    /// See [`Digest`].
    pub fn digest(&self) -> Result<Digest, StoreError> {
        let mut out = Digest::new();
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        out.insert("PRAGMA user_version".into(), vec![version.to_string()]);
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for table in ["sqlite_schema".to_string()].into_iter().chain(tables) {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM \"{table}\""))?;
            let n = stmt.column_count();
            let mut rows: Vec<String> = stmt
                .query_map([], |r| {
                    let cells = (0..n)
                        .map(|i| Ok(format!("{:?}", r.get::<_, Value>(i)?)))
                        .collect::<rusqlite::Result<Vec<String>>>()?;
                    Ok(cells.join(" | "))
                })?
                .collect::<Result<_, _>>()?;
            rows.sort();
            out.insert(table, rows);
        }
        Ok(out)
    }

    /// Every row of `table` in the order it was written (by key for a table without rowids); a
    /// card's `fields` as the JSON text of {field name: value} (the row keeps field ids).
    pub fn rows(&self, table: Table) -> Result<Vec<Row>, StoreError> {
        let sql = format!("SELECT * FROM {} ORDER BY {}", table.name(), table.order());
        self.select(table, &sql, [])
    }

    /// The card with this external id (of any source), if there is one.
    pub fn card(&self, external_id: &str) -> Result<Option<Row>, StoreError> {
        let sql = "SELECT * FROM cards WHERE external_id = ?1 ORDER BY rowid";
        Ok(self
            .select(Table::Cards, sql, [external_id])?
            .into_iter()
            .next())
    }

    /// The journal mode of the file (`wal` unless a bulk load left it otherwise).
    pub fn journal_mode(&self) -> Result<String, StoreError> {
        Ok(self
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?)
    }

    /// The store's own indexes (not those SQLite makes for a UNIQUE or PRIMARY KEY) on `table`,
    /// by name.
    pub fn indexes(&self, table: Table) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .prepare(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
                   AND tbl_name = ?1 ORDER BY name",
            )?
            .query_map([table.name()], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }

    fn select(
        &self,
        table: Table,
        sql: &str,
        params: impl rusqlite::Params,
    ) -> Result<Vec<Row>, StoreError> {
        let mut stmt = self.conn.prepare(sql)?;
        let names: Vec<String> = stmt.column_names().map(String::from).collect();
        let mut rows: Vec<Row> = stmt
            .query_map(params, |r| {
                names
                    .iter()
                    .enumerate()
                    .map(|(i, name)| Ok((name.clone(), json(r.get::<_, Value>(i)?))))
                    .collect()
            })?
            .collect::<Result<_, _>>()?;
        if table == Table::Cards {
            let names = self.field_names()?;
            for row in &mut rows {
                name_fields(row, &names);
            }
        }
        Ok(rows)
    }

    fn field_names(&self) -> Result<BTreeMap<i64, String>, StoreError> {
        Ok(self
            .conn
            .prepare("SELECT id, name FROM field_names")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?)
    }
}

fn json(v: Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Integer(n) => Json::from(n),
        Value::Real(f) => Json::from(f),
        Value::Text(s) => Json::from(s),
        Value::Blob(b) => Json::from(format!("{b:?}")),
    }
}

/// A card row's `fields`, kept as `[[field id, value], …]`, rewritten as `{name: value}` text.
fn name_fields(row: &mut Row, names: &BTreeMap<i64, String>) {
    let Some(Json::String(stored)) = row.get("fields") else {
        return;
    };
    let Ok(pairs) = serde_json::from_str::<Vec<(i64, String)>>(stored) else {
        return;
    };
    let by_name: serde_json::Map<String, Json> = pairs
        .into_iter()
        .map(|(id, v)| {
            let name = names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
            (name, Json::from(v))
        })
        .collect();
    row.insert(
        "fields".into(),
        Json::from(Json::Object(by_name).to_string()),
    );
}
