//! The extent of an xls workbook's sheets, measured from its BIFF records before calamine reads
//! every sheet whole: a record or a cell address can claim a grid of billions of cells.

use std::io::{BufReader, ErrorKind, Read, Seek};

use super::limits::{Limit, Limits, TEXT_COPIES};
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

/// `n` bytes at (`seg`, `pos`) of the SST's records, which a field may straddle.
fn take(segments: &[Vec<u8>], seg: &mut usize, pos: &mut usize, n: usize) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let s = segments.get(*seg)?;
        if *pos >= s.len() {
            *seg += 1;
            *pos = 0;
            continue;
        }
        let k = (n - out.len()).min(s.len() - *pos);
        out.extend_from_slice(&s[*pos..*pos + k]);
        *pos += k;
    }
    Some(out)
}

/// What each string of a shared strings table costs once decoded (its UTF-8 bytes), walked as MS-XLS lays it out: a header (count of
/// characters, flags, counts of formatting runs and of phonetic bytes), the characters — which
/// go on in the next CONTINUE record after a byte that says their width again — then the runs
/// and the phonetic data. A table cut short ends the walk; calamine says what is wrong.
fn string_costs(segments: &[Vec<u8>]) -> Vec<u64> {
    let mut out = Vec::new();
    let (mut seg, mut pos) = (0usize, 0usize);
    while let Some(head) = take(segments, &mut seg, &mut pos, 3) {
        let chars = u16::from_le_bytes([head[0], head[1]]) as usize;
        let flags = head[2];
        let runs = if flags & 0x08 != 0 {
            take(segments, &mut seg, &mut pos, 2).map_or(0, |b| u16::from_le_bytes([b[0], b[1]]))
        } else {
            0
        };
        let phonetic = if flags & 0x04 != 0 {
            take(segments, &mut seg, &mut pos, 4)
                .map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        } else {
            0
        };
        let mut wide = flags & 0x01 != 0;
        let (mut left, mut cost) = (chars, 0u64);
        while left > 0 {
            let Some(s) = segments.get(seg) else {
                break;
            };
            let width = if wide { 2 } else { 1 };
            let here = left.min(s.len().saturating_sub(pos) / width);
            cost += utf8_cost(&s[pos..pos + here * width], wide);
            pos += here * width;
            left -= here;
            if left > 0 {
                // The characters go on in the next record, after their width again.
                seg += 1;
                pos = 1;
                wide = segments
                    .get(seg)
                    .and_then(|s| s.first())
                    .is_some_and(|f| f & 1 != 0);
            }
        }
        out.push(cost);
        let skip = 4 * runs as usize + phonetic as usize;
        if skip > 0 && take(segments, &mut seg, &mut pos, skip).is_none() {
            break;
        }
    }
    out
}

/// Bytes that characters take in UTF-8: UTF-16 units (`wide`) or one byte each (the
/// workbook's code page; one above 0x7F takes two). A surrogate half is counted as 2, its pair
/// as the 4 it takes.
fn utf8_cost(chars: &[u8], wide: bool) -> u64 {
    if !wide {
        return chars.iter().map(|&b| if b < 0x80 { 1 } else { 2 }).sum();
    }
    chars
        .chunks_exact(2)
        .map(|u| match u16::from_le_bytes([u[0], u[1]]) {
            0..0x80 => 1,
            0x80..0x800 | 0xD800..0xE000 => 2,
            _ => 3,
        })
        .sum()
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
    // Counted to the end, so that the message says what the whole workbook holds.
    if walk.text.saturating_mul(TEXT_COPIES) > limits.part {
        return Err(msg::sheet_text_limit(limits.part, walk.text, TEXT_COPIES));
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
    /// The shared strings table (SST and its CONTINUE records) while it is being read.
    sst: Option<Vec<Vec<u8>>>,
    /// What each shared string costs in UTF-8, by index.
    strings: Vec<u64>,
    /// Bytes of text calamine builds: a cell that refers to a shared string gets its own
    /// copy of it, so 14 bytes of record can cost 196 KB.
    text: u64,
}

impl Walk {
    /// One record of type `typ` with its data `d`.
    fn record(&mut self, typ: u16, d: &[u8], limits: &Limits) -> Result<(), String> {
        if let Some(sst) = &mut self.sst {
            if typ == 0x003C {
                sst.push(d.to_vec());
                return Ok(());
            }
            self.strings = string_costs(sst);
            self.sst = None;
        }
        let sheet = &mut self.sheet;
        match typ {
            // SST: the count of references and of strings, then the strings.
            0x00FC => self.sst = Some(vec![d.get(8..).unwrap_or_default().to_vec()]),
            // LabelSst: a cell holding shared string `isst`.
            0x00FD if self.depth == 1 => {
                if let (Some(row), Some(col)) = (u16_at(d, 0), u16_at(d, 2)) {
                    sheet.add(row, col);
                }
                let cost = u32_at(d, 6).and_then(|i| self.strings.get(i as usize));
                self.text = self.text.saturating_add(cost.copied().unwrap_or(0));
            }
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
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x027E | 0x0006 if self.depth == 1 => {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_strings_are_walked_across_continue_records_runs_and_phonetics() {
        // "ab" one byte a character; then 3 UTF-16 characters with 1 formatting run and 2
        // phonetic bytes, split after the first character (the next record gives the width
        // again, here one byte); then "z".
        let first = [
            &[2u8, 0, 0][..],
            b"ab",
            &[3, 0, 0x0D, 1, 0, 2, 0, 0, 0],
            &[0x16, 0x04],
        ]
        .concat();
        let second = [&[0u8][..], b"cd", &[0, 0, 0, 0], &[9, 9], &[1, 0, 0], b"z"].concat();
        // 0x0416 «Ж» takes 2 bytes in UTF-8; "ab", "cd", "z" one each.
        assert_eq!(string_costs(&[first, second]), vec![2, 2 + 2, 1]);
    }

    #[test]
    fn a_table_cut_short_ends_the_walk() {
        assert_eq!(string_costs(&[vec![5, 0, 1, 0x41, 0]]), vec![1]);
        assert_eq!(string_costs(&[vec![5]]), Vec::<u64>::new());
    }
}
