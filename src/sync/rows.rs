//! One interface over the two shapes of export: streamed CSV text and an in-memory sheet.

use std::io::Read;

use super::csv::{CsvError, CsvReader};

pub enum RowSource {
    Csv(Box<CsvReader<Box<dyn Read + Send>>>),
    Sheet {
        rows: std::vec::IntoIter<(u64, Vec<String>)>,
        current: (u64, Vec<String>),
    },
}

impl RowSource {
    pub fn sheet(rows: Vec<(u64, Vec<String>)>) -> RowSource {
        RowSource::Sheet {
            rows: rows.into_iter(),
            current: (0, Vec::new()),
        }
    }

    pub fn next_record(&mut self) -> Result<bool, CsvError> {
        match self {
            RowSource::Csv(r) => r.next_record(),
            RowSource::Sheet { rows, current } => match rows.next() {
                Some(row) => {
                    *current = row;
                    Ok(true)
                }
                None => Ok(false),
            },
        }
    }

    pub fn line(&self) -> u64 {
        match self {
            RowSource::Csv(r) => r.line(),
            RowSource::Sheet { current, .. } => current.0,
        }
    }

    pub fn len(&self) -> usize {
        match self {
            RowSource::Csv(r) => r.len(),
            RowSource::Sheet { current, .. } => current.1.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn field(&self, i: usize) -> Result<&str, CsvError> {
        match self {
            RowSource::Csv(r) => r.field(i),
            RowSource::Sheet { current, .. } => Ok(current.1.get(i).map_or("", String::as_str)),
        }
    }

    /// A sheet row may be shorter than the header (trailing empty cells are not stored).
    pub fn pads_short_rows(&self) -> bool {
        matches!(self, RowSource::Sheet { .. })
    }
}
