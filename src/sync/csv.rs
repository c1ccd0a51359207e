//! A streaming CSV reader (RFC 4180 via `csv-core`) that knows the physical line each record
//! starts on and tells a quote left open at the end of the file from a normal last line.

use std::io::{self, Read};

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::limits::{Limit, Limits};

/// Moved to the shared formats (the owners file of the CRM export sniffs it too).
pub use crate::formats::delimiter::sniff_delimiter;

#[derive(Debug)]
pub enum CsvError {
    Io(io::Error),
    /// The file ends inside a quoted field that began on this line.
    UnclosedQuote {
        line: u64,
    },
    /// A field that is not valid UTF-8 (1-based field number).
    NotUtf8 {
        line: u64,
        field: usize,
    },
    /// A field holding a NUL byte, which no text export writes (1-based field number).
    Nul {
        line: u64,
        field: usize,
    },
    /// The record crosses one of the import's limits (1-based column, when one is at fault).
    Limit {
        line: u64,
        column: Option<usize>,
        limit: Limit,
        value: u64,
    },
    /// A workbook row that cannot be read (the sheet's own line and column).
    Sheet {
        line: Option<u64>,
        column: Option<usize>,
        message: String,
    },
}

pub struct CsvReader<R> {
    rdr: Reader,
    src: R,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    out: Vec<u8>,
    ends: Vec<usize>,
    nfields: usize,
    /// The current record is valid UTF-8 as a whole (checked once, not per field).
    record_utf8: bool,
    /// Physical line (1-based) the reader is on.
    next_line: u64,
    /// Physical line the current record started on.
    line: u64,
    done: bool,
    /// Fields per record, bytes per field and per record.
    max_fields: usize,
    max_field: usize,
    max_record: usize,
}

impl<R: Read> CsvReader<R> {
    pub fn new(src: R, delimiter: u8) -> Self {
        CsvReader {
            rdr: ReaderBuilder::new().delimiter(delimiter).build(),
            src,
            buf: vec![0; 256 * 1024],
            start: 0,
            end: 0,
            eof: false,
            out: vec![0; 16 * 1024],
            ends: vec![0; 256],
            nfields: 0,
            record_utf8: false,
            next_line: 1,
            line: 1,
            done: false,
            max_fields: usize::MAX,
            max_field: usize::MAX,
            max_record: usize::MAX,
        }
    }

    /// Holds records to the import's limits. They are checked when a buffer has to grow and
    /// once per record, so a well-behaved file pays one comparison a record.
    pub fn with_limits(mut self, limits: &Limits) -> Self {
        let cap = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
        self.max_fields = cap(limits.columns);
        self.max_field = cap(limits.cell);
        self.max_record = cap(limits.row);
        self
    }

    fn limit(&self, column: Option<usize>, limit: Limit, value: usize) -> CsvError {
        CsvError::Limit {
            line: self.line,
            column,
            limit,
            value: value as u64,
        }
    }

    /// The first field of the record read so far that is over the cell limit.
    fn oversized_field(&self, nend: usize, nout: usize) -> Option<usize> {
        let mut start = 0;
        for i in 0..=nend {
            let end = if i < nend { self.ends[i] } else { nout };
            if end - start > self.max_field {
                return Some(i + 1);
            }
            start = end;
        }
        None
    }

    fn fill(&mut self) -> io::Result<()> {
        if self.start == self.end && !self.eof {
            let n = self.src.read(&mut self.buf)?;
            self.start = 0;
            self.end = n;
            self.eof = n == 0;
        }
        Ok(())
    }

    /// Reads the next record; its fields are then available through [`CsvReader::field`].
    /// Returns `Ok(false)` at the end of the file. Blank lines are skipped.
    pub fn next_record(&mut self) -> Result<bool, CsvError> {
        if self.done || !self.skip_blank_lines()? {
            return Ok(false);
        }
        self.line = self.next_line;
        let mut nout = 0;
        let mut nend = 0;
        let mut pending = false;
        loop {
            self.fill().map_err(CsvError::Io)?;
            let input: &[u8] = if self.start < self.end {
                &self.buf[self.start..self.end]
            } else if pending {
                // At the end of the file in the middle of a record: a newline closes it unless
                // a quoted field is still open.
                b"\n"
            } else {
                &[]
            };
            let synthetic = self.start == self.end;
            let (res, nin, o, e) =
                self.rdr
                    .read_record(input, &mut self.out[nout..], &mut self.ends[nend..]);
            if !synthetic {
                self.next_line += memchr_count(&input[..nin]);
                self.start += nin;
            }
            pending = !synthetic || pending;
            nout += o;
            nend += e;
            match res {
                ReadRecordResult::InputEmpty if synthetic => {
                    return Err(self.stop(CsvError::UnclosedQuote { line: self.line }));
                }
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => self.grow_out(nend, nout)?,
                ReadRecordResult::OutputEndsFull => self.grow_ends(nend)?,
                ReadRecordResult::Record => return self.record(nend).map(|()| true),
                ReadRecordResult::End => {
                    self.done = true;
                    return Ok(false);
                }
            }
        }
    }

    /// Skips blank lines ourselves so that the record's first line is known exactly. `false`:
    /// the file ended.
    fn skip_blank_lines(&mut self) -> Result<bool, CsvError> {
        loop {
            self.fill().map_err(CsvError::Io)?;
            if self.start == self.end {
                self.done = true;
                return Ok(false);
            }
            match self.buf[self.start] {
                b'\n' => {
                    self.next_line += 1;
                    self.start += 1;
                }
                b'\r' => self.start += 1,
                _ => return Ok(true),
            }
        }
    }

    /// An error ends the reading.
    fn stop(&mut self, e: CsvError) -> CsvError {
        self.done = true;
        e
    }

    /// The record's text outgrew its buffer: a bigger one, within the limits.
    fn grow_out(&mut self, nend: usize, nout: usize) -> Result<(), CsvError> {
        // A quote never closed turns the rest of the file into one field: it stops here, at
        // the cell limit, not when memory runs out.
        if nout > self.max_field
            && let Some(col) = self.oversized_field(nend, nout)
        {
            return Err(self.stop(self.limit(Some(col), Limit::Cell, self.max_field)));
        }
        if nout > self.max_record {
            return Err(self.stop(self.limit(None, Limit::Row, self.max_record)));
        }
        let n = self.out.len() * 2;
        self.out.resize(n, 0);
        Ok(())
    }

    /// The record has more fields than `ends` holds.
    fn grow_ends(&mut self, nend: usize) -> Result<(), CsvError> {
        if nend > self.max_fields {
            return Err(self.stop(self.limit(None, Limit::Columns, self.max_fields)));
        }
        let n = self.ends.len() * 2;
        self.ends.resize(n, 0);
        Ok(())
    }

    /// A whole record read: held to the limits, its UTF-8 checked once.
    fn record(&mut self, nend: usize) -> Result<(), CsvError> {
        self.nfields = nend;
        let used = if nend == 0 { 0 } else { self.ends[nend - 1] };
        if nend > self.max_fields {
            return Err(self.stop(self.limit(None, Limit::Columns, self.max_fields)));
        }
        if used > self.max_field {
            if used > self.max_record {
                return Err(self.stop(self.limit(None, Limit::Row, self.max_record)));
            }
            if let Some(col) = self.oversized_field(nend - 1, used) {
                return Err(self.stop(self.limit(Some(col), Limit::Cell, self.max_field)));
            }
        }
        // A NUL is valid UTF-8 but no CRM writes one: the file is damaged, or not an export
        // (the sniffer lets a text file with a stray NUL through so that it is said here, at
        // its line and field). `contains` on bytes is a memchr.
        if self.out[..used].contains(&0) {
            let at = self.out[..used].iter().position(|&b| b == 0).unwrap_or(0);
            let field = self.ends[..nend]
                .iter()
                .position(|&end| end > at)
                .unwrap_or(0)
                + 1;
            let line = self.line;
            return Err(self.stop(CsvError::Nul { line, field }));
        }
        // simdutf8: Cyrillic text is all multi-byte, where std's check is slowest.
        self.record_utf8 = simdutf8::basic::from_utf8(&self.out[..used]).is_ok();
        // Offsets in `ends` are relative to each call's output slice start; csv-core keeps them
        // cumulative within one record, so nothing to adjust.
        Ok(())
    }

    /// Line the current record starts on.
    pub fn line(&self) -> u64 {
        self.line
    }

    pub fn len(&self) -> usize {
        self.nfields
    }

    pub fn is_empty(&self) -> bool {
        self.nfields == 0
    }

    pub fn field_bytes(&self, i: usize) -> &[u8] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.out[start..self.ends[i]]
    }

    pub fn field(&self, i: usize) -> Result<&str, CsvError> {
        let bytes = self.field_bytes(i);
        if self.record_utf8 {
            // SAFETY: the whole record was checked to be UTF-8 when it was read, and fields are
            // split at ASCII delimiters, so every field is a whole run of UTF-8 characters.
            return Ok(unsafe { std::str::from_utf8_unchecked(bytes) });
        }
        std::str::from_utf8(bytes).map_err(|_| CsvError::NotUtf8 {
            line: self.line,
            field: i + 1,
        })
    }
}

fn memchr_count(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &str) -> Result<Vec<(u64, Vec<String>)>, CsvError> {
        let mut r = CsvReader::new(text.as_bytes(), b',');
        let mut rows = Vec::new();
        while r.next_record()? {
            let fields = (0..r.len())
                .map(|i| r.field(i).unwrap().to_string())
                .collect();
            rows.push((r.line(), fields));
        }
        Ok(rows)
    }

    #[test]
    fn records_know_their_first_line_across_multiline_fields() {
        let rows = read_all("a,b\n1,\"x\ny\"\n\n2,\"q\"\"q\"\r\n3,z").unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1], (2, vec!["1".into(), "x\ny".into()]));
        assert_eq!(rows[2], (5, vec!["2".into(), "q\"q".into()]));
        assert_eq!(rows[3], (6, vec!["3".into(), "z".into()]));
    }

    #[test]
    fn quote_left_open_at_the_end_is_an_error_at_its_line() {
        let err = read_all("a,b\n1,2\n3,\"never closed\n4,5\n").unwrap_err();
        assert!(
            matches!(err, CsvError::UnclosedQuote { line: 3 }),
            "{err:?}"
        );
    }

    #[test]
    fn closed_quote_at_the_end_without_newline_is_fine() {
        let rows = read_all("a,b\n1,\"x\"").unwrap();
        assert_eq!(rows[1].1, vec!["1".to_string(), "x".into()]);
    }

    #[test]
    fn nul_byte_is_an_error_at_its_line_and_field() {
        let err = read_all("a,b,c\n1,2,3\n\"x\ny\",z\0z,3\n").unwrap_err();
        assert!(
            matches!(err, CsvError::Nul { line: 3, field: 2 }),
            "{err:?}"
        );
    }

    #[test]
    fn long_fields_grow_the_buffers() {
        let long = "я".repeat(100_000);
        let rows = read_all(&format!("a,b\n1,\"{long}\"\n")).unwrap();
        assert_eq!(rows[1].1[1].len(), long.len());
    }
}
