//! What one import may cost: the bounds every input is held to (columns, cell and row sizes,
//! rows, workbook size and unpacked size), their defaults for real CRM exports, `--limit` parsing.

pub use crate::domain::limit::Limit;
use crate::text::import as msg;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Columns in a row (CSV fields, or a sheet's column index + 1).
    pub columns: u64,
    /// Bytes in one cell.
    pub cell: u64,
    /// Bytes in one row.
    pub row: u64,
    /// Data rows in one file.
    pub rows: u64,
    /// Size of a workbook file (xlsx, xls, ods) on disk.
    pub workbook: u64,
    /// Sum of a zip workbook's parts once unpacked (the sheet is streamed: this bounds time).
    pub unpacked: u64,
    /// One unpacked part other than a worksheet (shared strings, styles, an ODS's content):
    /// these are read into memory whole. Also the memory calamine takes for each part it reads
    /// when it opens an xlsx or xlsb, measured first (`xlsx::measure`): a shared string is 24
    /// bytes however short, so `part` ÷ 24 strings (11,184,810 by default) is as many as a
    /// `uniqueCount` may claim.
    pub part: u64,
    /// Unpacked ÷ packed size of any zip part over 1 MiB (a zip bomb packs far tighter).
    pub ratio: u64,
    /// Cells of a sheet calamine holds at once where it reads a sheet whole (ods, xls): the
    /// grid from the first to the last value, about 56 bytes a cell.
    pub grid: u64,
}

/// What the text of an ods or xls sheet costs okk per byte, as calamine reads it whole: its
/// cells, then the rows made of them while its grid still stands, and slack (measured at the
/// peak: ods, 202 MB of repeated text, 645 MB, 3.2×; xls, 240 MB of shared-string copies,
/// 818 MB, 3.4× — a budget, not a bound: at the default part limit, under 300 MB either way).
pub const TEXT_COPIES: u64 = 3;

/// Parts smaller than this are not held to the ratio: tiny parts compress wildly.
pub const RATIO_FLOOR: u64 = 1024 * 1024;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            columns: 16_384,
            cell: 1 << 20,
            row: 16 << 20,
            rows: 20_000_000,
            workbook: 256 << 20,
            unpacked: 2 << 30,
            part: 256 << 20,
            ratio: 100,
            grid: 8_000_000,
        }
    }
}

impl Limits {
    pub fn get(&self, l: Limit) -> u64 {
        match l {
            Limit::Columns => self.columns,
            Limit::Cell => self.cell,
            Limit::Row => self.row,
            Limit::Rows => self.rows,
            Limit::Workbook => self.workbook,
            Limit::Unpacked => self.unpacked,
            Limit::Part => self.part,
            Limit::Ratio => self.ratio,
            Limit::Grid => self.grid,
        }
    }

    fn slot(&mut self, l: Limit) -> &mut u64 {
        match l {
            Limit::Columns => &mut self.columns,
            Limit::Cell => &mut self.cell,
            Limit::Row => &mut self.row,
            Limit::Rows => &mut self.rows,
            Limit::Workbook => &mut self.workbook,
            Limit::Unpacked => &mut self.unpacked,
            Limit::Part => &mut self.part,
            Limit::Ratio => &mut self.ratio,
            Limit::Grid => &mut self.grid,
        }
    }

    /// Applies `--limit` specs: `NAME=VALUE[,NAME=VALUE…]`.
    pub fn apply(&mut self, spec: &str) -> Result<(), String> {
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part
                .split_once('=')
                .ok_or_else(|| msg::limit_spec_without_equals(part))?;
            let limit = Limit::ALL
                .into_iter()
                .find(|l| l.name().eq_ignore_ascii_case(name.trim()))
                .ok_or_else(|| msg::limit_unknown(name.trim()))?;
            let n = parse_value(value.trim(), limit.is_bytes())
                .filter(|&n| n > 0)
                .ok_or_else(|| msg::limit_bad_value(limit.name(), value.trim()))?;
            *self.slot(limit) = n;
        }
        Ok(())
    }
}

/// `123`, and for sizes `64K`, `64M`, `1G` (powers of 1024).
fn parse_value(v: &str, bytes: bool) -> Option<u64> {
    let (digits, shift) = match v.as_bytes().last()?.to_ascii_uppercase() {
        b'K' if bytes => (&v[..v.len() - 1], 10),
        b'M' if bytes => (&v[..v.len() - 1], 20),
        b'G' if bytes => (&v[..v.len() - 1], 30),
        _ => (v, 0),
    };
    let n: u64 = digits.replace('_', "").parse().ok()?;
    n.checked_mul(1 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_raised_by_name_with_size_suffixes() {
        let mut l = Limits::default();
        l.apply("columns=5000, cell=8M").unwrap();
        l.apply("unpacked=4G").unwrap();
        assert_eq!(l.columns, 5000);
        assert_eq!(l.cell, 8 << 20);
        assert_eq!(l.unpacked, 4 << 30);
        assert_eq!(l.rows, Limits::default().rows);
    }

    #[test]
    fn bad_limit_specs_say_what_is_wrong() {
        let mut l = Limits::default();
        assert!(l.apply("colums=5").unwrap_err().contains("columns"));
        assert!(l.apply("rows=1M").unwrap_err().contains("rows"));
        assert!(l.apply("rows=0").is_err());
        assert!(l.apply("rows").unwrap_err().contains("="));
        assert_eq!(l, Limits::default());
    }
}
