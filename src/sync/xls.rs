//! The extent of an xls workbook's sheets, measured from its BIFF records before calamine reads
//! every sheet whole: a record or a cell address can claim a grid of billions of cells.

use std::io::{BufReader, ErrorKind, Read, Seek};

use super::limits::{Limit, Limits};
use crate::text::import as msg;

/// Cells spanned by one sheet's values.
#[derive(Default)]
struct Span {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
    /// Rows and columns calamine reserves cells for, from the sheet's DIMENSIONS record.
    reserved: (u64, u64),
}

impl Span {
    fn add(&mut self, row: u32, col: u32) {
        let widen = |r: &mut Option<(u32, u32)>, v: u32| {
            *r = Some(r.map_or((v, v), |(lo, hi)| (lo.min(v), hi.max(v))));
        };
        widen(&mut self.rows, row);
        widen(&mut self.cols, col);
    }

    fn width(&self) -> u64 {
        self.cols.map_or(0, |(lo, hi)| (hi - lo) as u64 + 1)
    }

    fn cells(&self) -> u64 {
        let height = self.rows.map_or(0, |(lo, hi)| (hi - lo) as u64 + 1);
        height
            .saturating_mul(self.width())
            .saturating_add(self.reserved.0.saturating_mul(self.reserved.1))
    }

    /// The bigger of the two grids, as rows × columns.
    fn shape(&self) -> (u64, u64) {
        let height = self.rows.map_or(0, |(lo, hi)| (hi - lo) as u64 + 1);
        if height.saturating_mul(self.width()) >= self.reserved.0.saturating_mul(self.reserved.1) {
            (height, self.width())
        } else {
            self.reserved
        }
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u16::from_le_bytes(d.get(at..at + 2)?.try_into().ok()?) as u32)
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The rows and columns calamine reserves for a DIMENSIONS record, or `None` where its
/// arithmetic would wrap.
fn dimensions(d: &[u8]) -> Option<(u64, u64)> {
    let (rf, rl, mut cf, cl) = match d.len() {
        10 => (u16_at(d, 0)?, u16_at(d, 2)?, u16_at(d, 4)?, u16_at(d, 6)?),
        14 | 16 => (u32_at(d, 0)?, u32_at(d, 4)?, u16_at(d, 8)?, u16_at(d, 10)?),
        _ => return Some((0, 0)),
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    if rl < 1 || cl < 1 {
        return Some((1, 1));
    }
    let rows = (rl as u64 - 1).checked_sub(rf as u64)? + 1;
    let cols = (cl as u64 - 1).checked_sub(cf as u64)? + 1;
    Some((rows, cols))
}

/// Refuses an xls whose sheets (all of them: calamine reads every sheet when it opens the file)
/// would take more than the grid limit, or are wider than the column limit.
pub fn check<R: Read + Seek>(file: R, limits: &Limits) -> Result<(), String> {
    let mut cfb =
        cfb::CompoundFile::open(file).map_err(|e| msg::not_a_workbook_ole(&e.to_string()))?;
    let path = ["/Workbook", "/Book"]
        .into_iter()
        .find(|p| cfb.is_stream(p))
        .ok_or_else(|| msg::not_a_workbook_ole(msg::NO_WORKBOOK_STREAM))?;
    let stream = cfb
        .open_stream(path)
        .map_err(|e| msg::not_a_workbook_ole(&e.to_string()))?;
    let mut r = BufReader::new(stream);
    let mut walk = Walk::default();
    let mut data = vec![0u8; u16::MAX as usize];
    loop {
        let mut head = [0u8; 4];
        match r.read_exact(&mut head) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(msg::broken_workbook(&e.to_string())),
        }
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = u16::from_le_bytes([head[2], head[3]]) as usize;
        if r.read_exact(&mut data[..len]).is_err() {
            // A record cut short: calamine says so.
            break;
        }
        walk.record(typ, &data[..len], limits)?;
        if walk.total.saturating_add(walk.sheet.cells()) > limits.grid {
            let (rows, cols) = walk.sheet.shape();
            return Err(msg::grid_limit(limits.grid, rows, cols));
        }
    }
    Ok(())
}

/// Where the walk over a workbook's records is: the cells of the sheets ended, how deep in
/// substreams, and the sheet under way.
#[derive(Default)]
struct Walk {
    total: u64,
    depth: u32,
    sheet: Span,
}

impl Walk {
    /// One record of type `typ` with its data `d`.
    fn record(&mut self, typ: u16, d: &[u8], limits: &Limits) -> Result<(), String> {
        let sheet = &mut self.sheet;
        match typ {
            // BOF: a substream (globals, a sheet, a chart inside one) begins.
            0x0809 => {
                self.depth += 1;
                if self.depth == 1 {
                    *sheet = Span::default();
                }
            }
            // EOF of a substream.
            0x000A => {
                if self.depth == 1 {
                    if sheet.width() > limits.columns {
                        return Err(msg::whole_file_limit(
                            Limit::Columns,
                            limits.columns,
                            sheet.width(),
                            None,
                        ));
                    }
                    self.total = self.total.saturating_add(sheet.cells());
                }
                self.depth = self.depth.saturating_sub(1);
            }
            0x0200 if self.depth == 1 => {
                sheet.reserved = dimensions(d)
                    .ok_or_else(|| msg::broken_workbook(msg::DIMENSIONS_BEFORE_START))?;
            }
            // Number, Label, RString, BoolErr, RK, LabelSst, Formula: row and column first.
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x00FD | 0x0006 if self.depth == 1 => {
                if let (Some(row), Some(col)) = (u16_at(d, 0), u16_at(d, 2)) {
                    sheet.add(row, col);
                }
            }
            // MulRk: a row, its first column, and its last in the record's last two bytes.
            0x00BD if self.depth == 1 && d.len() >= 6 => {
                if let (Some(row), Some(first), Some(last)) =
                    (u16_at(d, 0), u16_at(d, 2), u16_at(d, d.len() - 2))
                {
                    sheet.add(row, first);
                    sheet.add(row, last.max(first));
                }
            }
            _ => {}
        }
        Ok(())
    }
}
