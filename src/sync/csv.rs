//! A streaming CSV reader (RFC 4180 via `csv-core`) that knows the physical line each record
//! starts on, tells a quote left open at the end of the file from a normal last line, and finds
//! a quote inside a quoted field that is not doubled (which `csv-core` reads on without a word).

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
    delimiter: u8,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Where the current record's bytes begin in `buf`; those read from earlier fills of the
    /// buffer are in `spill` (a record across a refill: rare, and only it is copied).
    rec_start: usize,
    spill: Vec<u8>,
    /// Where the current record's text holds quotes (most records: nowhere).
    quotes: Vec<usize>,
    /// The current record's quote not doubled inside a quoted field: its physical line and
    /// 1-based field.
    stray_quote: Option<(u64, usize)>,
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
            delimiter,
            buf: vec![0; 256 * 1024],
            start: 0,
            end: 0,
            rec_start: 0,
            spill: Vec::new(),
            quotes: Vec::new(),
            stray_quote: None,
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
        self.rec_start = self.start;
        self.spill.clear();
        let mut nout = 0;
        let mut nend = 0;
        let mut pending = false;
        loop {
            if self.start == self.end && !self.eof {
                // The buffer is refilled below: the record's bytes so far are kept for the check
                // of its quotes.
                self.spill
                    .extend_from_slice(&self.buf[self.rec_start..self.end]);
                self.rec_start = 0;
            }
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

    /// A whole record read: held to the limits, its UTF-8 checked once, its quotes checked
    /// against its bytes.
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
        // its line and field). The same pass tells whether the fields' text holds a quote.
        let text = &self.out[..used];
        let (nul, first_quote) = match memchr::memchr2(0, b'"', text) {
            None => (None, None),
            Some(i) if text[i] == 0 => (Some(i), None),
            Some(i) => (memchr::memchr(0, &text[i..]).map(|j| i + j), Some(i)),
        };
        if let Some(at) = nul {
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
        let raw = if self.spill.is_empty() {
            &self.buf[self.rec_start..self.start]
        } else {
            self.spill
                .extend_from_slice(&self.buf[self.rec_start..self.start]);
            &self.spill[..]
        };
        let raw = without_terminator(raw);
        self.stray_quote = None;
        self.quotes.clear();
        if let Some(i) = first_quote {
            let found = memchr::memchr_iter(b'"', &self.out[i..used]).map(|j| i + j);
            self.quotes.extend(found);
        }
        // The fields' lengths say where each quoted field's closing quote must be: only a
        // record where one is not there is read again byte by byte.
        if !fields_fit(raw, &self.quotes, &self.ends[..nend]) {
            self.stray_quote = stray_quote(raw, self.delimiter)
                .map(|(newlines, field)| (self.line + newlines, field + 1));
        }
        Ok(())
    }

    /// A quote inside a quoted field of the current record that is not doubled
    /// (`"Админ"истратор"`): `csv-core` closes the field there and reads the rest of it as
    /// written (`Администратор"`). Its physical line and 1-based field.
    pub fn stray_quote(&self) -> Option<(u64, usize)> {
        self.stray_quote
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

/// A record's bytes without the line end `csv-core` took with it (`\n`, `\r`, or none at the
/// end of the file; the `\n` of a `\r\n` may come with the next read).
fn without_terminator(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

/// Whether a record's bytes are its fields (ending at `ends`) as RFC 4180 writes them: a field
/// that opens with a quote closes with one right after its text, each quote of the text written
/// twice. `quotes`: where the fields' text holds quotes (most records: nowhere).
///
/// A field per step, from where `csv-core` began it: its length says where its closing quote
/// must be, and when its text holds no quote, that one byte tells (a quote not doubled leaves
/// the rest of the field after the quote that closed it, its last byte where the closing quote
/// would be); a field whose text holds quotes has its bytes searched for quotes not in pairs.
/// Exact: `false` when, and only when, [`stray_quote`] finds one (and, for safety, when the
/// fields do not end where the record does).
fn fields_fit(raw: &[u8], quotes: &[usize], ends: &[usize]) -> bool {
    let (mut at, mut start) = (0, 0);
    if quotes.is_empty() {
        // The common path: a few instructions a field.
        for &end in ends {
            let len = end - start;
            start = end;
            if raw.get(at) == Some(&b'"') {
                let close = at + 1 + len;
                if raw.get(close) != Some(&b'"') {
                    return false;
                }
                at = close + 2;
            } else {
                at += len + 1;
            }
        }
        return at == raw.len() + 1;
    }
    let mut q = 0;
    for &end in ends {
        let first = q;
        while quotes.get(q).is_some_and(|&p| p < end) {
            q += 1;
        }
        let len = end - start;
        start = end;
        if raw.get(at) == Some(&b'"') {
            let close = at + 1 + len + (q - first);
            if raw.get(close) != Some(&b'"') || (q > first && !pairs_only(&raw[at + 1..close])) {
                return false;
            }
            at = close + 2;
        } else {
            at += len + 1;
        }
    }
    at == raw.len() + 1
}

/// Whether every quote in a quoted field's bytes is one of a pair (`""`).
fn pairs_only(inside: &[u8]) -> bool {
    let mut found = memchr::memchr_iter(b'"', inside);
    while let Some(q) = found.next() {
        if found.next() != Some(q + 1) {
            return false;
        }
    }
    true
}

/// The first quote in a record's bytes that closes a quoted field but is followed by neither
/// the delimiter, another quote nor the line end: the line ends before it within the record
/// and its 0-based field. `csv-core`'s own reading, byte by byte: off the common path.
fn stray_quote(raw: &[u8], delimiter: u8) -> Option<(u64, usize)> {
    #[derive(Clone, Copy)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let (mut at, mut field, mut newlines) = (At::FieldStart, 0, 0);
    for &b in raw {
        at = match at {
            At::FieldStart | At::Unquoted if b == delimiter => {
                field += 1;
                At::FieldStart
            }
            At::FieldStart if b == b'"' => At::Quoted,
            At::FieldStart | At::Unquoted => At::Unquoted,
            At::Quoted if b == b'"' => At::QuoteInQuoted,
            At::Quoted => At::Quoted,
            At::QuoteInQuoted if b == b'"' => At::Quoted,
            At::QuoteInQuoted if b == delimiter => {
                field += 1;
                At::FieldStart
            }
            At::QuoteInQuoted if b == b'\r' || b == b'\n' => At::Unquoted,
            At::QuoteInQuoted => return Some((newlines, field)),
        };
        newlines += u64::from(b == b'\n');
    }
    None
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

    /// Each record's line, its fields, and its quote not doubled (line, field), if any.
    type Read = Vec<(u64, Vec<String>, Option<(u64, usize)>)>;

    fn read_with_strays(bytes: &[u8], delimiter: u8) -> Read {
        let mut r = CsvReader::new(bytes, delimiter);
        let mut rows = Vec::new();
        while r.next_record().unwrap() {
            let fields = (0..r.len())
                .map(|i| r.field(i).unwrap().to_string())
                .collect();
            rows.push((r.line(), fields, r.stray_quote()));
        }
        rows
    }

    fn strays(text: &str) -> Vec<(u64, usize)> {
        read_with_strays(text.as_bytes(), b',')
            .into_iter()
            .filter_map(|(_, _, s)| s)
            .collect()
    }

    #[test]
    fn a_quote_not_doubled_inside_a_quoted_field_is_found_at_its_line_and_field() {
        let rows = read_with_strays(
            "ID,Название,Этап\n1,\"Админ\"истратор\",Договор\n".as_bytes(),
            b',',
        );
        // Read as csv-core reads it, and said.
        assert_eq!(rows[1].1[1], "Администратор\"");
        assert_eq!(rows[1].2, Some((2, 2)));
        assert_eq!(rows[0].2, None);
    }

    #[test]
    fn every_shape_of_a_quote_not_doubled_is_found() {
        for (text, at) in [
            // The closing quote followed by text, with no quote after it.
            ("a,b\n\"x\"y,z\n", (2, 1)),
            // …by a space (a hand-edited file).
            ("a,b\n\"x\" ,z\n", (2, 1)),
            // In the last field, at the end of a file with no line end.
            ("a,b\n1,\"x\"y", (2, 2)),
            // After doubled quotes.
            ("a,b\n1,\"x\"\"y\"\"z\"w\"\n", (2, 2)),
            // On the second line of a field that spans two: the line of the quote.
            ("a,b\n1,\"x\ny\"z\"\n2,3\n", (3, 2)),
            // With \r\n line ends, on the second record.
            ("a,b\r\n1,2\r\n3,\"4\"5\r\n", (3, 2)),
            // An earlier field's text of doubled quotes that misleads the fields' lengths.
            ("a,b,c\n\"\"\"\"\"\",\"x\"y,z\n", (2, 2)),
        ] {
            assert_eq!(strays(text), [at], "{text:?}");
        }
    }

    #[test]
    fn fields_written_as_rfc_4180_writes_them_are_no_stray_quote() {
        for text in [
            "a,b\n1,\"q\"\"q\"\n",
            "a,b\n\"\",\"\"\n",
            "a,b\n\"\"\"\",\"\"\"\"\"\"\n",
            "a,b\n\"x,\"\"y\"\"\",\"1\n2\"\r\n",
            "a,b\n1,\"x\"",
            // A quote inside a field that does not open with one is text (no RFC 4180, but
            // nothing read otherwise than written).
            "a,b\n12\" screen,x\"\n",
            " \"a\",b\n",
            "a,b\n,\n,\"\"\n",
        ] {
            assert_eq!(strays(text), [], "{text:?}");
        }
        // Bitrix24: every field quoted, `;` after each, the last too.
        let bitrix = "\"ID\";\"Название\";\n\"1\";\"Кв. \"\"Уют\"\"\";\n";
        let rows = read_with_strays(bitrix.as_bytes(), b';');
        assert!(rows.iter().all(|r| r.2.is_none()), "{rows:?}");
        assert_eq!(rows[1].1, ["1", "Кв. \"Уют\"", ""]);
    }

    #[test]
    fn a_record_across_a_refill_of_the_buffer_is_checked_whole() {
        let long = "я".repeat(200_000);
        let text = format!("a,b,c\n1,\"{long}\",\"x\"y\"\n2,\"{long}\",\"ok\"\n");
        let rows = read_with_strays(text.as_bytes(), b',');
        assert_eq!(rows[1].2, Some((2, 3)));
        assert_eq!(rows[2].2, None);
        assert_eq!(rows[2].1[1].len(), long.len());
    }

    proptest::proptest! {
        /// Whatever a field holds, the `csv` crate's writer (quoting every field, or only the
        /// ones that need it) writes no quote this reader calls not doubled, and the reader
        /// reads back what it wrote.
        #[test]
        fn what_a_csv_writer_writes_has_no_stray_quote(
            records in proptest::collection::vec(
                proptest::collection::vec("[a\"\\n\r, ;я]{0,6}", 3),
                1..6,
            ),
            always in proptest::bool::ANY,
            semicolon in proptest::bool::ANY,
        ) {
            let delimiter = if semicolon { b';' } else { b',' };
            let style = if always { csv::QuoteStyle::Always } else { csv::QuoteStyle::Necessary };
            let mut w = csv::WriterBuilder::new()
                .delimiter(delimiter)
                .quote_style(style)
                .from_writer(Vec::new());
            // A first field that is never empty: a line of one empty field would be blank.
            for r in &records {
                let mut r = r.clone();
                r[0].insert(0, 'k');
                w.write_record(&r).unwrap();
            }
            let bytes = w.into_inner().unwrap();
            let rows = read_with_strays(&bytes, delimiter);
            proptest::prop_assert_eq!(rows.len(), records.len());
            for ((_, fields, stray), written) in rows.iter().zip(&records) {
                proptest::prop_assert_eq!(*stray, None);
                proptest::prop_assert_eq!(&fields[1..], &written[1..]);
            }
        }
    }

    /// A field of a generated record: plain text, quoted as RFC 4180 quotes it, or quoted with
    /// a quote not doubled (`"` text `"` tail).
    #[derive(Debug, Clone)]
    enum Field {
        Plain(String),
        Quoted(String),
        Stray(String, String),
    }

    fn field() -> impl proptest::strategy::Strategy<Value = Field> {
        use proptest::prelude::*;
        prop_oneof![
            "[a я][a я\"]{0,4}".prop_map(Field::Plain),
            "[a\"\n\r, я]{0,6}".prop_map(Field::Quoted),
            ("[a\"\n, я]{0,4}", "[a я][a я\"]{0,3}").prop_map(|(a, t)| Field::Stray(a, t)),
        ]
    }

    proptest::proptest! {
        /// Any mix of fields, quoted or plain, with quotes not doubled or not: the reader names
        /// the first quote not doubled (its line and field) and nothing else.
        #[test]
        fn the_first_quote_not_doubled_is_found_and_no_other(
            fields in proptest::collection::vec(field(), 1..5),
        ) {
            // A first field of its own: a record of one empty field would be a blank line.
            let mut text = String::from("k");
            let mut expected = None;
            let mut newlines = 0;
            for (i, f) in fields.iter().enumerate() {
                text.push(',');
                match f {
                    Field::Plain(t) => text.push_str(t),
                    Field::Quoted(t) => {
                        newlines += t.matches('\n').count() as u64;
                        text.push_str(&format!("\"{}\"", t.replace('"', "\"\"")));
                    }
                    Field::Stray(a, t) => {
                        newlines += a.matches('\n').count() as u64;
                        expected.get_or_insert((1 + newlines, i + 2));
                        text.push_str(&format!("\"{}\"{t}", a.replace('"', "\"\"")));
                    }
                }
            }
            text.push('\n');
            let rows = read_with_strays(text.as_bytes(), b',');
            proptest::prop_assert_eq!(rows.len(), 1, "{:?}", text);
            proptest::prop_assert_eq!(rows[0].2, expected, "{:?}", text);
        }
    }

    #[test]
    fn long_fields_grow_the_buffers() {
        let long = "я".repeat(100_000);
        let rows = read_all(&format!("a,b\n1,\"{long}\"\n")).unwrap();
        assert_eq!(rows[1].1[1].len(), long.len());
    }
}
