//! One interface over the two shapes of export: streamed CSV text, and the rows of a workbook's
//! sheet or of an HTML table.

use std::io::Read;

use super::csv::{CsvError, CsvReader};
use super::xlsx::{MergedCell, MergedCells, Row, SheetError, SheetRows, Uncalculated};

pub enum RowSource {
    Csv(Box<CsvReader<Box<dyn Read + Send>>>),
    Sheet {
        rows: Box<SheetRows>,
        current: Row,
        /// A sheet's rows stop at their last value; an HTML table's have every cell.
        pads: bool,
    },
}

impl RowSource {
    pub fn sheet(rows: SheetRows) -> RowSource {
        RowSource::Sheet {
            rows: Box::new(rows),
            current: (0, Vec::new()),
            pads: true,
        }
    }

    /// An HTML table's rows: each has its cells, empty ones too, so a row shorter than the
    /// header is one that lost cells, as a CSV record would be.
    pub fn table(rows: SheetRows) -> RowSource {
        RowSource::Sheet {
            rows: Box::new(rows),
            current: (0, Vec::new()),
            pads: false,
        }
    }

    pub fn next_record(&mut self) -> Result<bool, CsvError> {
        match self {
            RowSource::Csv(r) => r.next_record(),
            RowSource::Sheet { rows, current, .. } => match rows.next_row() {
                Ok(Some(row)) => {
                    *current = row;
                    Ok(true)
                }
                Ok(None) => Ok(false),
                Err(SheetError::At {
                    line,
                    column,
                    message,
                }) => Err(CsvError::Sheet {
                    line: Some(line),
                    column,
                    message,
                }),
                Err(SheetError::Limit {
                    line,
                    column,
                    limit,
                    value,
                }) => Err(CsvError::Limit {
                    line,
                    column,
                    limit,
                    value,
                }),
                Err(SheetError::Whole(message)) => Err(CsvError::Sheet {
                    line: None,
                    column: None,
                    message,
                }),
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

    /// A quote not doubled inside a quoted field of the current CSV record: its physical line
    /// and 1-based field (a sheet's cells have no quoting).
    pub fn stray_quote(&self) -> Option<(u64, usize)> {
        match self {
            RowSource::Csv(r) => r.stray_quote(),
            RowSource::Sheet { .. } => None,
        }
    }

    /// A sheet's formula cells with no value kept, once its rows are read through.
    pub fn uncalculated(&self) -> Uncalculated {
        match self {
            RowSource::Csv(_) => Uncalculated::default(),
            RowSource::Sheet { rows, .. } => rows.uncalculated(),
        }
    }

    /// The merged cell of an HTML table that covers column `column` (1-based) of the current
    /// row, leaving it empty.
    pub fn covered(&self, column: usize) -> Option<MergedCell> {
        match self {
            RowSource::Sheet { rows, current, .. } => rows.covered(current.0, column),
            RowSource::Csv(_) => None,
        }
    }

    /// An HTML table's merged cells in deal rows, once its rows are read through.
    pub fn merged(&self) -> MergedCells {
        match self {
            RowSource::Sheet { rows, .. } => rows.merged().clone(),
            RowSource::Csv(_) => MergedCells::default(),
        }
    }

    /// A sheet row may be shorter than the header (trailing empty cells are not stored), never
    /// longer: its last cell holds a value.
    pub fn pads_short_rows(&self) -> bool {
        matches!(self, RowSource::Sheet { pads: true, .. })
    }
}
