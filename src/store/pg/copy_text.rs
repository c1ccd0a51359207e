//! Rows for `COPY … FROM STDIN` in PostgreSQL's text format, built in a buffer and sent a few
//! megabytes at a time: the import's bulk writes (`pg::import`).

use std::io::Write;

use rusqlite::types::{ToSqlOutput, ValueRef};

use crate::store::StoreError;

/// Rows waiting to be copied into one table.
pub(super) struct CopyRows {
    /// `COPY table (columns) FROM STDIN`.
    statement: String,
    buf: Vec<u8>,
    /// No field written yet on the current row.
    row_start: bool,
}

impl CopyRows {
    pub(super) fn new(table: &str, columns: &str) -> CopyRows {
        CopyRows {
            statement: format!("COPY {table} ({columns}) FROM STDIN"),
            buf: Vec::new(),
            row_start: true,
        }
    }

    pub(super) fn len(&self) -> usize {
        self.buf.len()
    }

    fn sep(&mut self) {
        if !std::mem::replace(&mut self.row_start, false) {
            self.buf.push(b'\t');
        }
    }

    pub(super) fn null(&mut self) {
        self.sep();
        self.buf.extend_from_slice(b"\\N");
    }

    pub(super) fn text(&mut self, v: Option<&str>) {
        let Some(t) = v else {
            return self.null();
        };
        self.sep();
        // Only these four bytes mean something in a text-format field; UTF-8's other bytes
        // are never one of them.
        let bytes = t.as_bytes();
        if !bytes
            .iter()
            .any(|&b| matches!(b, b'\\' | b'\n' | b'\r' | b'\t'))
        {
            self.buf.extend_from_slice(bytes);
            return;
        }
        for &b in bytes {
            match b {
                b'\\' => self.buf.extend_from_slice(b"\\\\"),
                b'\n' => self.buf.extend_from_slice(b"\\n"),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                b'\t' => self.buf.extend_from_slice(b"\\t"),
                _ => self.buf.push(b),
            }
        }
    }

    pub(super) fn int(&mut self, v: Option<i64>) {
        let Some(i) = v else {
            return self.null();
        };
        self.sep();
        // Writing to a Vec cannot fail.
        let _ = write!(self.buf, "{i}");
    }

    pub(super) fn boolean(&mut self, v: bool) {
        self.sep();
        self.buf.push(if v { b't' } else { b'f' });
    }

    /// A value as SQLite would bind it (the card's columns are bound the same way for both
    /// stores: `CardRow::values`). Rust's shortest round-trip spelling of a real reads back
    /// as the same double.
    pub(super) fn value(&mut self, v: &dyn rusqlite::ToSql) -> Result<(), StoreError> {
        let out = v.to_sql()?;
        let v = match &out {
            ToSqlOutput::Borrowed(v) => *v,
            ToSqlOutput::Owned(v) => v.into(),
            _ => ValueRef::Null,
        };
        match v {
            ValueRef::Null => self.null(),
            ValueRef::Integer(i) => self.int(Some(i)),
            ValueRef::Real(f) => {
                self.sep();
                let _ = write!(self.buf, "{f:?}");
            }
            ValueRef::Text(t) => self.text(Some(std::str::from_utf8(t).map_err(|e| {
                StoreError::Backend {
                    busy: false,
                    source: Box::new(e),
                }
            })?)),
            ValueRef::Blob(_) => {
                return Err(StoreError::Backend {
                    busy: false,
                    source: "a binary value where okk writes none".into(),
                });
            }
        }
        Ok(())
    }

    pub(super) fn end_row(&mut self) {
        self.buf.push(b'\n');
        self.row_start = true;
    }

    /// Copies the rows written so far into the table, in the caller's transaction.
    pub(super) fn send(&mut self, tx: &mut postgres::Transaction<'_>) -> Result<(), StoreError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let mut writer = tx.copy_in(&self.statement)?;
        writer
            .write_all(&self.buf)
            .map_err(|e| StoreError::Backend {
                busy: false,
                source: Box::new(e),
            })?;
        writer.finish()?;
        self.buf.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::CopyRows;

    #[test]
    fn a_row_escapes_what_the_text_format_reads_and_spells_nulls() {
        let mut rows = CopyRows::new("t", "a, b, c, d, e");
        rows.text(Some("a\tb\\c\nd\re"));
        rows.text(None);
        rows.int(Some(-42));
        rows.value(&Some(1.5f64)).unwrap();
        rows.boolean(true);
        rows.end_row();
        rows.text(Some("Имя"));
        rows.end_row();
        assert_eq!(
            String::from_utf8(rows.buf).unwrap(),
            "a\\tb\\\\c\\nd\\re\t\\N\t-42\t1.5\tt\nИмя\n"
        );
    }
}
