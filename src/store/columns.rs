//! The columns each source's exports have had (`source_columns`): kept by every import, read by
//! the rules run and the import report to tell a field the CRM never exports from an empty one.

use super::cards::Import;
use super::fields::FieldNames;
use super::{Store, StoreError};
use crate::domain::as_judged::Carried;
use crate::domain::columns::SourceColumns;

const KIND_OKK: &str = "okk";
const KIND_CUSTOM: &str = "custom";

impl Import<'_> {
    /// Adds this file's columns to its source's: `okk` fields by name, `custom` headers as
    /// written. In the import's transaction, so a dry run or a failed import keeps nothing.
    pub fn record_columns(&self, okk: &[&str], custom: &[&str]) -> Result<(), StoreError> {
        let mut insert = self.conn().prepare_cached(
            "INSERT OR IGNORE INTO source_columns (source, kind, name) VALUES (?1, ?2, ?3)",
        )?;
        let source = self.source();
        for name in okk {
            insert.execute([source, KIND_OKK, name])?;
        }
        for header in custom {
            let folded = crate::domain::names::fold(header);
            insert.execute([source, KIND_CUSTOM, folded.as_str()])?;
        }
        Ok(())
    }

    /// The columns of every import of this source, this one's included.
    pub fn source_columns(&self) -> Result<SourceColumns, StoreError> {
        let all = columns(self.conn(), Some(self.source()))?;
        Ok(all.into_iter().next().map(|(_, c)| c).unwrap_or_default())
    }
}

impl Store {
    /// Every source whose columns are known, with them.
    pub fn source_columns(&self) -> Result<Vec<(String, SourceColumns)>, StoreError> {
        columns(&self.conn, None)
    }

    /// The fields `source` has carried, its custom ones by the names of `names` (the card
    /// read's): what a verdict keeps empty with the card as judged.
    pub(crate) fn carried(
        &self,
        source: &str,
        names: &FieldNames,
    ) -> Result<Option<Carried>, StoreError> {
        let all = columns(&self.conn, Some(source))?;
        let of = all.into_iter().next().map(|(_, c)| c).unwrap_or_default();
        Ok(carried_by(&of, names))
    }
}

/// [`Carried`] of a source's columns, custom ones by the store's field names (either backend).
pub(crate) fn carried_by(columns: &SourceColumns, names: &FieldNames) -> Option<Carried> {
    Carried::of(columns, names.in_id_order())
}

fn columns(
    conn: &rusqlite::Connection,
    only: Option<&str>,
) -> Result<Vec<(String, SourceColumns)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT source, kind, name FROM source_columns
         WHERE ?1 IS NULL OR source = ?1 ORDER BY source",
    )?;
    let mut rows = stmt.query([only])?;
    let mut out: Vec<(String, Vec<String>, Vec<String>)> = Vec::new();
    while let Some(r) = rows.next()? {
        let source: String = r.get(0)?;
        let kind: String = r.get(1)?;
        let name: String = r.get(2)?;
        if out.last().is_none_or(|(s, ..)| *s != source) {
            out.push((source, Vec::new(), Vec::new()));
        }
        if let Some((_, okk, custom)) = out.last_mut() {
            if kind == KIND_OKK {
                okk.push(name);
            } else {
                custom.push(name);
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(s, okk, custom)| (s, SourceColumns::new(okk, custom)))
        .collect())
}
