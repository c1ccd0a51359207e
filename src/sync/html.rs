//! Bitrix24's "Export to Excel": an HTML document holding one `<table>`, named `.xls`. Its
//! charset comes from a BOM, its `<meta>` or the bytes; html5ever's tokenizer reads the markup
//! on a thread of its own, and the table's rows come out as a sheet's do, bounded alike.
//!
//! A cell's value is its text as a spreadsheet shows it: entities decoded, `<br>` a line break,
//! runs of white space (`&nbsp;` too) one space, the ends trimmed, nested tags' text joined. A
//! cell spanning columns (`colspan`) or rows (`rowspan`) keeps its value in its first column and
//! row and leaves the others empty, as a spreadsheet opening the file does, so no column moves;
//! one in a deal row is noted for the import's warnings (no export merges a deal's cells).

use std::cell::RefCell;
use std::io::{self, Read};
use std::sync::mpsc::SyncSender;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use html5ever::TokenizerResult;
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, EndTag, StartTag, Tag, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use super::decode::{self, Chosen, MalformedAt, Reason};
use super::limits::{Limit, Limits};
use super::xlsx::{
    Covered, MergedCell, MergedCells, Msg, Row, SheetError, SheetRows, Uncalculated, stream,
};
use crate::text::import as msg;

/// Bytes handed to the tokenizer at a time: what it may hold beyond the markup it is inside.
const CHUNK: usize = 64 * 1024;
/// Rows per batch handed to the import, and bytes (a batch of long rows goes out sooner).
const BATCH_ROWS: usize = 256;
const BATCH_BYTES: usize = 1 << 20;
/// The widest `colspan` and `rowspan` HTML honours (browsers clamp them so).
const MAX_COLSPAN: u64 = 1000;
const MAX_ROWSPAN: u64 = 65_534;
/// Merged cells of deal rows kept to be named in the import's warnings (all are counted).
const MERGED_KEPT: usize = 10;

/// The encoding of an HTML export: `--encoding`, else a byte-order mark, else the charset its
/// `<meta>` declares, else what the bytes look like (as for a CSV).
pub fn encoding(head: &[u8], whole: bool, forced: Option<&str>) -> Result<Chosen, String> {
    if let Some(label) = forced {
        return decode::forced(label, head).ok_or_else(|| msg::unknown_encoding(label));
    }
    if let Some((encoding, bom_len)) = Encoding::for_bom(head) {
        return Ok(Chosen {
            encoding,
            bom_len,
            reason: Reason::Bom,
        });
    }
    if let Some(encoding) = declared(head) {
        return Ok(Chosen {
            encoding,
            bom_len: 0,
            reason: Reason::Declared,
        });
    }
    Ok(decode::sniff(head, whole))
}

/// The charset the first `<meta>` that names one declares: `<meta charset=…>` or
/// `<meta http-equiv="Content-Type" content="…; charset=…">`. The markup is ASCII whatever the
/// encoding, so the first bytes are tokenized as they come (others read as U+FFFD). A label
/// the Encoding Standard does not know is no declaration.
pub fn declared(head: &[u8]) -> Option<&'static Encoding> {
    let text = String::from_utf8_lossy(head);
    let tokenizer = Tokenizer::new(MetaSink::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(&text));
    let _ = tokenizer.feed(&input);
    let label = tokenizer.sink.found.take()?;
    let encoding = Encoding::for_label(label.trim().as_bytes())?;
    // As a browser reads a declaration: UTF-16 would have shown its BOM (the markup read as
    // ASCII, so it is not UTF-16), and x-user-defined is windows-1252.
    Some(match encoding.name() {
        "UTF-16LE" | "UTF-16BE" => UTF_8,
        "x-user-defined" => WINDOWS_1252,
        _ => encoding,
    })
}

/// Finds the first `<meta>` charset declaration.
#[derive(Default)]
struct MetaSink {
    found: RefCell<Option<String>>,
}

impl TokenSink for MetaSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(tag) = token
            && tag.kind == StartTag
            && &*tag.name == "meta"
            && self.found.borrow().is_none()
        {
            let attr = |name: &str| {
                (tag.attrs.iter())
                    .find(|a| &*a.name.local == name)
                    .map(|a| a.value.to_string())
            };
            let found = attr("charset").or_else(|| {
                let http_equiv = attr("http-equiv")?;
                http_equiv
                    .trim()
                    .eq_ignore_ascii_case("content-type")
                    .then(|| attr("content").as_deref().and_then(charset_in_content))?
            });
            *self.found.borrow_mut() = found;
        }
        TokenSinkResult::Continue
    }
}

/// The charset in a `content` attribute (`text/html;charset=UTF-8`), read as the HTML standard's
/// "extracting a character encoding from a meta element" reads it.
fn charset_in_content(content: &str) -> Option<String> {
    let lower = content.to_ascii_lowercase();
    let mut from = 0;
    loop {
        let at = from + lower[from..].find("charset")?;
        let rest = content[at + "charset".len()..].trim_start_matches(is_space);
        from = at + "charset".len();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start_matches(is_space);
        return match value.chars().next()? {
            q @ ('"' | '\'') => {
                let inner = &value[1..];
                inner.find(q).map(|end| inner[..end].to_string())
            }
            _ => Some(
                value
                    .split(|c: char| is_space(c) || c == ';')
                    .next()
                    .unwrap_or_default()
                    .to_string(),
            ),
        };
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

/// Reads the table out of `text` (UTF-8, as `decode::Utf8Reader` gives it) on a thread of its
/// own, a batch of rows at a time. A row's number is the table's (the header is 1), as a
/// spreadsheet opening the file numbers it; the reader's own errors also name the file's line.
pub fn rows(text: impl Read + Send + 'static, limits: &Limits) -> SheetRows {
    let limits = *limits;
    stream(move |tx| read(text, &limits, tx))
}

fn read(
    mut text: impl Read,
    limits: &Limits,
    tx: &SyncSender<Msg>,
) -> Result<Uncalculated, SheetError> {
    let tokenizer = Tokenizer::new(
        TableSink(RefCell::new(Table::new(limits))),
        TokenizerOpts::default(),
    );
    let input = BufferQueue::default();
    let mut buf = vec![0u8; CHUNK];
    // The bytes of a character cut by the end of the last read.
    let mut carry = 0;
    // Lines before the chunk being checked, for a byte that is not UTF-8.
    let mut lines = 1u64;
    // Bytes fed since the tokenizer last gave a token: a tag, a comment or an attribute it is
    // still reading, held whole in its memory until it ends.
    let mut unbroken = 0u64;
    loop {
        let n = match text.read(&mut buf[carry..]) {
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(&e)),
        };
        let end = carry + n;
        if n == 0 {
            if carry > 0 {
                return Err(tokenizer.sink.0.borrow().not_utf8(lines));
            }
            // No pause from here on: the tokenizer's end takes none.
            tokenizer.sink.0.borrow_mut().ending = true;
            tokenizer.end();
            let mut table = tokenizer.sink.0.borrow_mut();
            table.fail_on_end();
            if let Some(e) = table.failed.take() {
                return Err(e);
            }
            let (rows, covers) = table.take_batch();
            if !rows.is_empty() {
                if !covers.is_empty() {
                    let _ = tx.send(Msg::Covers(covers));
                }
                let _ = tx.send(Msg::Rows(rows));
            }
            if table.merged.count > 0 {
                let _ = tx.send(Msg::Merged(std::mem::take(&mut table.merged)));
            }
            return Ok(Uncalculated::default());
        }
        // What is UTF-8 is fed before a byte that is not is reported: the error then names the
        // row it is in. A character cut by the end of the read waits for the next.
        let (valid, cut, bad) = match std::str::from_utf8(&buf[..end]) {
            Ok(s) => (s, 0, false),
            Err(e) => {
                let valid = std::str::from_utf8(&buf[..e.valid_up_to()]).unwrap_or_default();
                (valid, end - valid.len(), e.error_len().is_some())
            }
        };
        lines += valid.bytes().filter(|&b| b == b'\n').count() as u64;
        let tokens_before = tokenizer.sink.0.borrow().tokens;
        input.push_back(StrTendril::from_slice(valid));
        // The sink pauses the tokenizer when a batch is full (`Table::full`): the batch goes
        // out, and the rest of the chunk is read on.
        loop {
            let paused = matches!(tokenizer.feed(&input), TokenizerResult::Script(_));
            let mut table = tokenizer.sink.0.borrow_mut();
            if let Some(e) = table.failed.take() {
                return Err(e);
            }
            if table.full() {
                table.done_bytes = 0;
                let (rows, covers) = table.take_batch();
                drop(table);
                if !covers.is_empty() && tx.send(Msg::Covers(covers)).is_err() {
                    return Ok(Uncalculated::default());
                }
                if tx.send(Msg::Rows(rows)).is_err() {
                    // The import stopped listening.
                    return Ok(Uncalculated::default());
                }
            }
            if !paused {
                break;
            }
        }
        let table = tokenizer.sink.0.borrow();
        if bad {
            return Err(table.not_utf8(lines));
        }
        if table.tokens == tokens_before {
            unbroken += valid.len() as u64;
            if unbroken > limits.cell {
                return Err(table.long_markup(limits.cell));
            }
        } else {
            unbroken = 0;
        }
        drop(table);
        buf.copy_within(end - cut..end, 0);
        carry = cut;
    }
}

fn read_error(e: &io::Error) -> SheetError {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<MalformedAt>())
    {
        Some(at) => SheetError::Whole(msg::undecodable(at.0)),
        None => SheetError::Whole(msg::cannot_read(e)),
    }
}

struct TableSink(RefCell<Table>);

impl TokenSink for TableSink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        self.0.borrow_mut().token(token, line)
    }
}

/// Where the reader is, against the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Before,
    In,
    After,
}

/// The table as the tokens build it.
struct Table {
    limits: Limits,
    place: Place,
    /// Tokens seen (parse errors aside): the reader tells markup that never ends by them.
    tokens: u64,
    /// The file's line of the last token.
    line: u64,
    /// Rows begun, empty ones too (a spreadsheet shows those): the current row's number.
    row_no: u64,
    /// Rows with cells given so far (the first is the header).
    given: u64,
    row: Option<RowCells>,
    cell: Option<CellText>,
    /// Per column, the rows below that a cell above still spans (`rowspan`), and that cell.
    spanned: Vec<u64>,
    span_from: Vec<Option<MergedCell>>,
    /// The cells of the rows in `done` that merged cells cover.
    covers: Vec<Covered>,
    /// Inside `<script>`, `<style>` and the like: their text is no cell's, up to this end tag.
    skip: Option<html5ever::LocalName>,
    /// Cells of deal rows that span columns or rows.
    merged: MergedCells,
    done: Vec<Row>,
    /// What the rows in `done` hold, their cells counted too (a thousand empty cells of a
    /// `colspan` take memory).
    done_bytes: usize,
    failed: Option<SheetError>,
    /// The file has ended: the tokenizer's end takes no pause.
    ending: bool,
}

struct RowCells {
    /// The file's line of its `<tr>` (or first cell).
    line: u64,
    cells: Vec<String>,
    bytes: u64,
}

/// A cell's text as it comes, its white space already collapsed.
struct CellText {
    text: String,
    /// White space seen after the last character kept.
    space: bool,
    /// The file's line of its tag.
    line: u64,
    column: usize,
    colspan: u64,
    rowspan: u64,
}

impl CellText {
    fn push(&mut self, s: &str) {
        for c in s.chars() {
            if is_space(c) || c == '\u{a0}' {
                self.space = true;
                continue;
            }
            if self.space && !self.text.is_empty() && !self.text.ends_with('\n') {
                self.text.push(' ');
            }
            self.space = false;
            self.text.push(c);
        }
    }

    /// `<br>`: a line break; the space before it goes.
    fn line_break(&mut self) {
        self.text.push('\n');
        self.space = false;
    }

    /// A block (`<p>`, `<div>`, `<li>`) begins or ends: its text is a line of its own.
    fn block_edge(&mut self) {
        if !self.text.is_empty() && !self.text.ends_with('\n') {
            self.line_break();
        }
    }

    fn finish(self) -> String {
        let text = self.text.trim_matches(|c: char| c == '\n' || c == ' ');
        if text.len() == self.text.len() {
            self.text
        } else {
            text.to_string()
        }
    }
}

/// Notes that `by` covers `column` of `row`: the row's cover by the same cell, where it ends
/// at the column before, grows by it.
fn cover(covers: &mut Vec<Covered>, row: u64, column: usize, by: MergedCell) {
    match covers.last_mut() {
        Some(c) if c.row == row && c.by == by && c.last + 1 == column => c.last = column,
        _ => covers.push(Covered {
            row,
            first: column,
            last: column,
            by,
        }),
    }
}

/// `colspan="3"` → 3: the digits it starts with, as HTML reads a non-negative integer; none,
/// or 0, is 1.
fn span(tag: &Tag, name: &str, max: u64) -> u64 {
    let Some(value) = (tag.attrs.iter()).find(|a| &*a.name.local == name) else {
        return 1;
    };
    let digits: String = value
        .value
        .trim_start_matches(is_space)
        .trim_start_matches('+')
        .chars()
        .take_while(char::is_ascii_digit)
        .take(8)
        .collect();
    digits.parse::<u64>().unwrap_or(1).clamp(1, max)
}

impl Table {
    fn new(limits: &Limits) -> Table {
        Table {
            limits: *limits,
            place: Place::Before,
            tokens: 0,
            line: 1,
            row_no: 0,
            given: 0,
            row: None,
            cell: None,
            spanned: Vec::new(),
            span_from: Vec::new(),
            covers: Vec::new(),
            skip: None,
            merged: MergedCells::default(),
            done: Vec::new(),
            done_bytes: 0,
            failed: None,
            ending: false,
        }
    }

    /// The rows done, and the covers of their cells: a row still being read keeps its own for
    /// the batch it will be in.
    fn take_batch(&mut self) -> (Vec<Row>, Vec<Covered>) {
        let rows = std::mem::take(&mut self.done);
        let last = rows.last().map_or(0, |(n, _)| *n);
        let theirs = self.covers.partition_point(|c| c.row <= last);
        let covers = self.covers.drain(..theirs).collect();
        (rows, covers)
    }

    /// A batch to hand over: the tokenizer pauses at the tag that filled it.
    fn full(&self) -> bool {
        self.done.len() >= BATCH_ROWS || self.done_bytes >= BATCH_BYTES
    }

    fn token(&mut self, token: Token, line: u64) -> TokenSinkResult<()> {
        if self.failed.is_some() {
            return TokenSinkResult::Continue;
        }
        if !matches!(token, Token::ParseError(_)) {
            self.tokens += 1;
        }
        self.line = line;
        match token {
            Token::TagToken(tag) => {
                let next = self.tag(&tag);
                // Only a tag may pause the tokenizer (`Script`), and only while it has input.
                if next == TokenSinkResult::Continue && self.full() && !self.ending {
                    return TokenSinkResult::Script(());
                }
                return next;
            }
            Token::CharacterTokens(text) => {
                if self.skip.is_none()
                    && let Some(cell) = &mut self.cell
                {
                    cell.push(&text);
                    if cell.text.len() as u64 > self.limits.cell {
                        let column = cell.column;
                        self.fail_limit(Some(column), Limit::Cell, self.limits.cell);
                    }
                }
            }
            Token::NullCharacterToken => {
                if self.skip.is_none()
                    && let Some(cell) = &self.cell
                {
                    let column = cell.column;
                    self.fail_at(Some(column), msg::nul_in_field());
                }
            }
            Token::EOFToken => self.close_row(),
            Token::DoctypeToken(_) | Token::CommentToken(_) | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }

    fn tag(&mut self, tag: &Tag) -> TokenSinkResult<()> {
        if let Some(skip) = &self.skip {
            if tag.kind == EndTag && tag.name == *skip {
                self.skip = None;
            }
            return TokenSinkResult::Continue;
        }
        let name = &*tag.name;
        if tag.kind == StartTag {
            // What the tree builder would tell the tokenizer: these elements' text is not
            // markup, whatever it holds.
            let raw = match name {
                "script" => Some(TokenSinkResult::RawData(RawKind::ScriptData)),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                    Some(TokenSinkResult::RawData(RawKind::Rawtext))
                }
                "title" | "textarea" => Some(TokenSinkResult::RawData(RawKind::Rcdata)),
                "plaintext" => Some(TokenSinkResult::Plaintext),
                _ => None,
            };
            if let Some(raw) = raw {
                if !tag.self_closing {
                    self.skip = Some(tag.name.clone());
                    return raw;
                }
                return TokenSinkResult::Continue;
            }
        }
        match (self.place, tag.kind, name) {
            (Place::Before, StartTag, "table") => self.place = Place::In,
            (Place::In, StartTag, "table") => {
                self.fail_at(None, msg::html_nested_table(self.line));
            }
            (Place::After, StartTag, "table") => {
                self.fail_at(None, msg::html_second_table(self.line));
            }
            (Place::In, EndTag, "table") => {
                self.close_row();
                self.place = Place::After;
                if self.failed.is_none() && self.given == 0 {
                    self.failed = Some(SheetError::Whole(msg::html_empty_table()));
                }
            }
            (Place::In, StartTag, "tr") => {
                self.close_row();
                self.open_row();
            }
            (Place::In, EndTag, "tr" | "thead" | "tbody" | "tfoot")
            | (Place::In, StartTag, "thead" | "tbody" | "tfoot") => self.close_row(),
            (Place::In, StartTag, "td" | "th") => {
                if self.row.is_none() {
                    self.open_row();
                }
                self.close_cell();
                self.open_cell(tag);
            }
            (Place::In, EndTag, "td" | "th") => self.close_cell(),
            // `</br>` is a `<br>` to a browser too.
            (Place::In, _, "br") => {
                if let Some(cell) = &mut self.cell {
                    cell.line_break();
                }
            }
            (Place::In, _, "p" | "div" | "li" | "ul" | "ol") => {
                if let Some(cell) = &mut self.cell {
                    cell.block_edge();
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }

    fn open_row(&mut self) {
        self.row_no += 1;
        self.row = Some(RowCells {
            line: self.line,
            cells: Vec::new(),
            bytes: 0,
        });
    }

    fn open_cell(&mut self, tag: &Tag) {
        let Some(row) = &mut self.row else { return };
        // The columns a cell above still spans come first, empty.
        while let Some(n) = self.spanned.get_mut(row.cells.len()).filter(|n| **n > 0) {
            *n -= 1;
            row.cells.push(String::new());
            let column = row.cells.len();
            if let Some(by) = self.span_from.get(column - 1).copied().flatten() {
                cover(&mut self.covers, self.row_no, column, by);
            }
        }
        let column = row.cells.len() + 1;
        self.cell = Some(CellText {
            text: String::new(),
            space: false,
            line: self.line,
            column,
            colspan: span(tag, "colspan", MAX_COLSPAN),
            rowspan: span(tag, "rowspan", MAX_ROWSPAN),
        });
    }

    fn close_cell(&mut self) {
        let Some(cell) = self.cell.take() else { return };
        let Some(row) = &mut self.row else { return };
        let (column, colspan, rowspan, line) = (cell.column, cell.colspan, cell.rowspan, cell.line);
        let last = (column - 1) as u64 + colspan;
        if last > self.limits.columns {
            return self.fail_limit(Some(column), Limit::Columns, self.limits.columns);
        }
        let text = cell.finish();
        row.bytes += text.len() as u64;
        if row.bytes > self.limits.row {
            return self.fail_limit(None, Limit::Row, self.limits.row);
        }
        row.cells.push(text);
        let merged = MergedCell {
            row: self.row_no,
            line,
            column,
            across: colspan,
            down: rowspan,
        };
        // A deal row's (the header is given first): no export merges one's cells.
        if (colspan > 1 || rowspan > 1) && self.given > 0 {
            self.merged.count += 1;
            if self.merged.first.len() < MERGED_KEPT {
                self.merged.first.push(merged);
            }
        }
        // Bounded by the column limit just checked.
        row.cells.resize(last as usize, String::new());
        for c in column + 1..=last as usize {
            cover(&mut self.covers, self.row_no, c, merged);
        }
        if rowspan > 1 {
            if self.spanned.len() < last as usize {
                self.spanned.resize(last as usize, 0);
                self.span_from.resize(last as usize, None);
            }
            for n in &mut self.spanned[column - 1..last as usize] {
                *n = rowspan - 1;
            }
            for by in &mut self.span_from[column - 1..last as usize] {
                *by = Some(merged);
            }
        }
    }

    fn close_row(&mut self) {
        self.close_cell();
        let Some(mut row) = self.row.take() else {
            return;
        };
        // Columns past the row's last cell that a cell above spans are the row's, empty.
        if let Some(last) = self.spanned.iter().rposition(|&n| n > 0)
            && last >= row.cells.len()
        {
            for (i, n) in self
                .spanned
                .iter_mut()
                .enumerate()
                .take(last + 1)
                .skip(row.cells.len())
            {
                if *n > 0
                    && let Some(by) = self.span_from[i]
                {
                    cover(&mut self.covers, self.row_no, i + 1, by);
                }
                *n = n.saturating_sub(1);
            }
            row.cells.resize(last + 1, String::new());
        }
        if row.cells.is_empty() || self.failed.is_some() {
            return;
        }
        if self.given == 0 && row.cells.iter().all(String::is_empty) {
            self.line = row.line;
            return self.fail_at(None, msg::html_empty_header(row.line));
        }
        self.given += 1;
        self.done_bytes += row.bytes as usize + row.cells.len() * std::mem::size_of::<String>();
        let covers = self
            .covers
            .iter()
            .rev()
            .take_while(|c| c.row == self.row_no);
        self.done_bytes += covers.count() * std::mem::size_of::<Covered>();
        self.done.push((self.row_no, row.cells));
    }

    /// At the end of the file: a table it never began, or one it cut off.
    fn fail_on_end(&mut self) {
        if self.failed.is_some() {
            return;
        }
        match self.place {
            Place::Before => self.failed = Some(SheetError::Whole(msg::html_no_table())),
            Place::In => {
                let message = msg::html_truncated(self.row_no, self.line);
                self.fail_at(None, message);
            }
            Place::After => {}
        }
    }

    /// An error at the current row (the file as a whole before the first).
    fn fail_at(&mut self, column: Option<usize>, message: String) {
        self.failed = Some(if self.row_no == 0 {
            SheetError::Whole(message)
        } else {
            SheetError::At {
                line: self.row_no,
                column,
                message,
            }
        });
    }

    fn fail_limit(&mut self, column: Option<usize>, limit: Limit, value: u64) {
        let message = msg::html_over_limit(limit, value, self.line);
        self.fail_at(column, message);
    }

    fn not_utf8(&self, line: u64) -> SheetError {
        let message = msg::html_not_utf8(line);
        if self.row_no == 0 {
            SheetError::Whole(message)
        } else {
            SheetError::At {
                line: self.row_no,
                column: None,
                message,
            }
        }
    }

    /// A tag, comment or attribute that has not ended after `limit` bytes.
    fn long_markup(&self, limit: u64) -> SheetError {
        let message = msg::html_long_markup(limit, self.line);
        if self.row_no == 0 {
            SheetError::Whole(message)
        } else {
            SheetError::At {
                line: self.row_no,
                column: None,
                message,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(html: &str) -> Result<Vec<Row>, SheetError> {
        table_with(html, &Limits::default())
    }

    fn table_with(html: &str, limits: &Limits) -> Result<Vec<Row>, SheetError> {
        let mut rows = rows(io::Cursor::new(html.as_bytes().to_vec()), limits);
        let mut out = Vec::new();
        while let Some(row) = rows.next_row()? {
            out.push(row);
        }
        Ok(out)
    }

    fn cells(rows: &[Row]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|(_, c)| c.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn the_meta_charset_is_found_in_either_spelling() {
        let http_equiv =
            br#"<meta http-equiv="Content-type" content="text/html;charset=windows-1251" />"#;
        assert_eq!(
            declared(http_equiv),
            Some(encoding_rs::WINDOWS_1251),
            "Bitrix24's own"
        );
        assert_eq!(declared(b"<META CHARSET='utf-8'><table>"), Some(UTF_8));
        assert_eq!(
            declared(b"<html><head><meta http-equiv=content-type content='text/html; charset = \"cp1251\"'>"),
            Some(encoding_rs::WINDOWS_1251)
        );
        assert_eq!(declared(b"<meta charset=utf-16le>"), Some(UTF_8));
        assert_eq!(declared(b"<meta charset=klingon><table>"), None);
        assert_eq!(
            declared(b"<meta name=author content='charset=koi8-r'>"),
            None
        );
        assert_eq!(declared(b"<table><tr><td>ID</td></tr></table>"), None);
    }

    #[test]
    fn a_bom_wins_over_the_meta_and_the_meta_over_the_bytes() {
        let cp = encoding_rs::WINDOWS_1251
            .encode("<meta charset=utf-8><table><tr><th>Стадия сделки</th></tr></table>")
            .0
            .into_owned();
        let chosen = encoding(&cp, true, None).unwrap();
        assert_eq!((chosen.encoding, chosen.reason), (UTF_8, Reason::Declared));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(b"<meta charset=windows-1251><table>");
        let chosen = encoding(&bom, true, None).unwrap();
        assert_eq!((chosen.encoding, chosen.bom_len), (UTF_8, 3));
        let chosen = encoding(&cp, true, Some("koi8-r")).unwrap();
        assert_eq!(chosen.encoding, encoding_rs::KOI8_R);
        let bare = encoding_rs::WINDOWS_1251
            .encode("<table><tr><th>Стадия сделки</th><th>Название сделки</th></tr></table>")
            .0
            .into_owned();
        assert_eq!(
            encoding(&bare, true, None).unwrap().encoding,
            encoding_rs::WINDOWS_1251
        );
    }

    #[test]
    fn cells_read_as_a_spreadsheet_shows_them() {
        let rows = table(
            "<table border=\"1\">\n<tr><th>ID</th><th>Комментарий</th><th>Сумма</th><th>Пусто</th></tr>\n\
             <tr><td>1</td><td>Оплата &quot;в два&nbsp;транша&quot;<br>  и&#32;&#x2014;&amp; <b>жирно</b>\n   ещё </td>\
             <td style=\"mso-number-format:'\\@'\">1&nbsp;200&nbsp;000,00</td><td>&nbsp;</td></tr>\n</table>",
        )
        .unwrap();
        assert_eq!(
            cells(&rows),
            vec![
                vec!["ID", "Комментарий", "Сумма", "Пусто"],
                vec![
                    "1",
                    "Оплата \"в два транша\"\nи —& жирно ещё",
                    "1 200 000,00",
                    ""
                ],
            ]
        );
        assert_eq!(rows[1].0, 2, "the table's row, not the file's line");
    }

    #[test]
    fn empty_trailing_cells_stay_and_spans_keep_the_columns() {
        let rows = table(
            "<table><tr><td>A</td><td>B</td><td>C</td></tr>\
             <tr><td colspan=2>ab</td><td rowspan=2>c</td></tr>\
             <tr><td>x</td><td></td></tr>\
             <tr><td>1</td><td></td><td></td></tr></table>",
        )
        .unwrap();
        assert_eq!(
            cells(&rows),
            vec![
                vec!["A", "B", "C"],
                vec!["ab", "", "c"],
                vec!["x", "", ""],
                vec!["1", "", ""],
            ]
        );
    }

    /// A deal row's merged cells are named (row, file line, column, span) for the import's
    /// warnings, the header's are not, and however many there are only the first few are kept.
    #[test]
    fn merged_cells_of_deal_rows_are_noted_where_they_are() {
        let html = "<table><tr><th colspan=2>ID</th><th>B</th><th>C</th></tr>\n\
                    <tr><td>1</td><td>a</td><td>b</td><td>c</td></tr>\n\
                    <tr><td>2</td><td colspan=\"2\">a</td><td>c</td></tr>\n\
                    <tr><td>3</td><td>a</td><td>b</td>\n<td rowspan=2>c</td></tr>\n\
                    <tr><td>4</td><td>a</td><td>b</td></tr></table>";
        let mut read = rows_of(html);
        while read.next_row().unwrap().is_some() {}
        let at = |row, line, column, across, down| MergedCell {
            row,
            line,
            column,
            across,
            down,
        };
        assert_eq!(
            read.merged(),
            &MergedCells {
                count: 2,
                first: vec![at(3, 3, 2, 2, 1), at(4, 5, 4, 1, 2)],
            }
        );
        let mut many = String::from("<table><tr><td>ID</td><td>A</td><td>B</td></tr>");
        for i in 0..25 {
            many.push_str(&format!("<tr><td>{i}</td><td colspan=2>x</td></tr>"));
        }
        many.push_str("</table>");
        let mut read = rows_of(&many);
        while read.next_row().unwrap().is_some() {}
        assert_eq!(read.merged().count, 25);
        assert_eq!(read.merged().first.len(), MERGED_KEPT);
        // A table without one says none.
        let mut plain = rows_of("<table><tr><td>ID</td></tr><tr><td>1</td></tr></table>");
        while plain.next_row().unwrap().is_some() {}
        assert_eq!(plain.merged(), &MergedCells::default());
    }

    /// The cells a merged cell covers are known with their row, as the import reads it: below
    /// a `rowspan` (also in a row past the cells it gives, and in the first row of the next
    /// batch), beside a `colspan`; a cell given a value is covered by nothing.
    #[test]
    fn the_cells_a_merged_cell_covers_are_known_with_their_row() {
        let mut html = String::from("<table><tr><td>ID</td><td>A</td><td>B</td></tr>\n");
        for i in 2..BATCH_ROWS {
            html.push_str(&format!("<tr><td>{i}</td><td>a</td><td>b</td></tr>\n"));
        }
        // Rows BATCH_ROWS (the first batch's last) and the next: «B» spans both.
        html.push_str("<tr><td>x</td><td>a</td><td rowspan=\"2\">b</td></tr>\n");
        html.push_str("<tr><td>y</td><td>a</td></tr>\n");
        html.push_str("<tr><td colspan=\"3\">z</td></tr>\n");
        html.push_str("<tr><td rowspan=\"3\">w</td><td>a</td><td>b</td></tr>\n");
        html.push_str("<tr><td>a</td><td>b</td></tr></table>");
        let mut read = rows_of(&html);
        let mut covered = Vec::new();
        while let Some((row, cells)) = read.next_row().unwrap() {
            for column in 1..=cells.len() {
                if let Some(by) = read.covered(row, column) {
                    covered.push((row, column, by.row, by.column, by.across, by.down));
                }
            }
        }
        let n = BATCH_ROWS as u64;
        assert_eq!(
            covered,
            [
                (n + 1, 3, n, 3, 1, 2),
                (n + 2, 2, n + 2, 1, 3, 1),
                (n + 2, 3, n + 2, 1, 3, 1),
                (n + 4, 1, n + 3, 1, 1, 3),
            ]
        );
    }

    fn rows_of(html: &str) -> SheetRows {
        rows(
            io::Cursor::new(html.as_bytes().to_vec()),
            &Limits::default(),
        )
    }

    #[test]
    fn markup_that_is_not_a_cell_stays_out_of_the_cells() {
        let rows = table(
            "<!DOCTYPE html><html><head><title>a <td> b</title><style>td{x:1}</style>\
             <script>document.write('<tr><td>x</td></tr>')</script></head><body>\
             <table><thead><tr><th>ID<!-- not this --></th></tr></thead>\
             <tbody><tr><td>7<script>'</td>'</script></td></tr></tbody></table>\
             <p>after</p></body></html>",
        )
        .unwrap();
        assert_eq!(cells(&rows), vec![vec!["ID"], vec!["7"]]);
    }

    #[test]
    fn broken_tables_say_what_is_wrong() {
        let whole = |html: &str| match table(html) {
            Err(SheetError::Whole(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(whole("<meta charset=utf-8><p>nothing</p>").contains("no <table>"));
        assert!(whole("<table></table>").contains("no rows"));
        let at = |html: &str| match table(html) {
            Err(SheetError::At { line, message, .. }) => (line, message),
            other => panic!("{other:?}"),
        };
        let (row, m) = at("<table>\n<tr><th>ID</th></tr>\n<tr><td>1</td></tr>\n<tr><td>2</td>");
        assert_eq!(row, 3);
        assert!(
            m.contains("ends inside the table") && m.contains("line 4"),
            "{m}"
        );
        let (row, m) = at("<table><tr><td>ID</td></tr><tr><td><table>");
        assert_eq!(row, 2);
        assert!(m.contains("table inside"), "{m}");
        let (_, m) = at("<table><tr><td>ID</td></tr></table><table><tr><td>x</td></tr></table>");
        assert!(m.contains("second table"), "{m}");
        let (row, m) = at("<table>\n<tr><td></td><td> </td></tr><tr><td>1</td></tr></table>");
        assert_eq!(row, 1);
        assert!(m.contains("first row") && m.contains("line 2"), "{m}");
    }

    #[test]
    fn limits_hold_cells_rows_columns_and_markup() {
        let limits = Limits {
            cell: 1000,
            columns: 10,
            row: 3000,
            ..Limits::default()
        };
        let long = format!(
            "<table><tr><td>ID</td></tr><tr><td>{}</td></tr>",
            "я".repeat(600)
        );
        match table_with(&long, &limits) {
            Err(SheetError::At {
                line: 2,
                column: Some(1),
                message,
            }) => assert!(message.contains("«cell»"), "{message}"),
            other => panic!("{other:?}"),
        }
        let wide = format!("<table><tr>{}</tr>", "<td>x".repeat(11));
        match table_with(&wide, &limits) {
            Err(SheetError::At {
                column: Some(11),
                message,
                ..
            }) => assert!(message.contains("«columns»"), "{message}"),
            other => panic!("{other:?}"),
        }
        let span = "<table><tr><td colspan=999999>x</td></tr></table>";
        assert!(matches!(
            table_with(span, &limits),
            Err(SheetError::At {
                column: Some(1),
                ..
            })
        ));
        let attr = format!(
            "<table><tr><td title=\"{}\">x</td></tr>",
            "a".repeat(200_000)
        );
        match table_with(&attr, &limits) {
            Err(SheetError::At {
                line: 1, message, ..
            }) => {
                assert!(message.contains("«cell»"), "{message}")
            }
            other => panic!("{other:?}"),
        }
        let comment = format!("<!--{}", "a".repeat(200_000));
        assert!(matches!(
            table_with(&comment, &limits),
            Err(SheetError::Whole(_))
        ));
    }

    #[test]
    fn a_batch_of_rows_stays_small_however_many_cells_a_span_makes() {
        let mut html = String::from("<table><tr><td>ID</td></tr>");
        for _ in 0..3000 {
            html.push_str("<tr><td colspan=1000>x</td></tr>");
        }
        html.push_str("</table>");
        let (tx, rx) = std::sync::mpsc::sync_channel(1000);
        read(io::Cursor::new(html.into_bytes()), &Limits::default(), &tx).unwrap();
        drop(tx);
        let mut rows = 0;
        while let Ok(m) = rx.recv() {
            let batch = match m {
                Msg::Rows(batch) => batch,
                Msg::Covers(_) => continue,
                _ => break,
            };
            let cells: usize = batch.iter().map(|(_, c)| c.len()).sum();
            assert!(
                cells * std::mem::size_of::<String>() <= BATCH_BYTES + 1000 * 24,
                "{} rows, {cells} cells in one batch",
                batch.len()
            );
            rows += batch.len();
        }
        assert_eq!(rows, 3001);
    }

    #[test]
    fn bytes_that_are_not_utf8_are_named_by_their_line() {
        let mut bytes = b"<table>\n<tr><td>ID</td></tr>\n<tr><td>".to_vec();
        bytes.extend_from_slice(&[0xD0, 0xFF]);
        bytes.extend_from_slice(b"</td></tr></table>");
        let mut rows = rows(io::Cursor::new(bytes), &Limits::default());
        let mut err = None;
        while err.is_none() {
            match rows.next_row() {
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(e) => err = Some(e),
            }
        }
        match err {
            Some(SheetError::At { message, .. }) => {
                assert!(message.contains("line 3"), "{message}")
            }
            other => panic!("{other:?}"),
        }
    }
}
