//! Reading workbooks (xlsx, xlsb, xls, ods) through calamine, bounded: the zip is vetted before
//! anything is unpacked, what calamine holds once it opens an xlsx is measured before it does
//! (`measure`), and a sheet streams row by row with every cell position checked. Its errors say
//! where (`locate`), in the user's language, and a panic in it is an error (`quiet`).

use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use calamine::{Cell, Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx, XlsxError};
use quick_xml::escape::EscapeError;

use super::limits::{Limit, Limits, RATIO_FLOOR};
use crate::text::import as msg;

mod locate;
mod measure;
mod quiet;

/// A row: its 1-based number in the sheet, and its cells from the header's first column.
pub type Row = (u64, Vec<String>);

/// Formula cells an xlsx keeps no value for: a program that writes workbooks without
/// calculating them (a script, a report generator) leaves only the formula, which calamine
/// reads as an empty cell. How many, and where the first is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uncalculated {
    pub cells: u64,
    /// The first one: its 0-based row and column in the sheet, and its column counted from the
    /// header's first (`None` left of the header, or before any header cell).
    pub first: Option<(u32, u32, Option<usize>)>,
}

/// Why a sheet's row cannot be read: the cell it is at, when known.
#[derive(Debug, Clone, PartialEq)]
pub enum SheetError {
    At {
        line: u64,
        column: Option<usize>,
        message: String,
    },
    Limit {
        line: u64,
        column: Option<usize>,
        limit: Limit,
        value: u64,
    },
    /// The sheet as a whole (XML that does not parse, a reader that gave up).
    Whole(String),
}

pub struct Sheet {
    pub name: String,
    /// What kind of workbook it was read from, by its bytes.
    pub format: Format,
    pub rows: SheetRows,
}

/// The rows of one sheet, as a background thread reads them (a streamed xlsx sheet) or from
/// memory (xls, ods: calamine reads those whole).
pub struct SheetRows {
    rx: Option<Receiver<Msg>>,
    batch: std::vec::IntoIter<Row>,
    /// Raised once the rows before it are read (a sheet read whole).
    failed: Option<SheetError>,
    /// Known once the sheet is read through.
    uncalculated: Uncalculated,
    /// An HTML table's merged cells in deal rows, known once it is read through.
    merged: MergedCells,
    /// The cells of the batch's rows that merged cells cover, and those of the next batch.
    covers: Vec<Covered>,
    next_covers: Vec<Covered>,
}

/// A cell of a deal row spanning more than one column or row (an HTML table's `colspan`,
/// `rowspan`): the others it covers read empty, as a spreadsheet shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MergedCell {
    /// The table's row (as rows are numbered: the header is 1) and the file's line of the cell.
    pub row: u64,
    pub line: u64,
    /// Its first column, 1-based, and the columns and rows it spans.
    pub column: usize,
    pub across: u64,
    pub down: u64,
}

/// Cells of a row that a merged cell covers, read empty: the row (as rows are numbered), its
/// columns `first..=last` (1-based), and the merged cell. A required cell read empty this way
/// is explained by the cell that covers it, not only called empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Covered {
    pub row: u64,
    pub first: usize,
    pub last: usize,
    pub by: MergedCell,
}

/// The merged cells of a table's deal rows: how many, and the first few of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergedCells {
    pub count: u64,
    pub first: Vec<MergedCell>,
}

/// What a reader thread hands the import (`stream`).
pub(super) enum Msg {
    Rows(Vec<Row>),
    /// The cells of the next batch's rows that merged cells cover, sent before it when it has
    /// any (an HTML table's).
    Covers(Vec<Covered>),
    /// Sent before `Done`, when the table had any.
    Merged(MergedCells),
    Failed(SheetError),
    Done(Uncalculated),
}

impl SheetRows {
    fn from_rows(rows: Vec<Row>, failed: Option<SheetError>) -> SheetRows {
        SheetRows {
            rx: None,
            batch: rows.into_iter(),
            failed,
            uncalculated: Uncalculated::default(),
            merged: MergedCells::default(),
            covers: Vec::new(),
            next_covers: Vec::new(),
        }
    }

    /// The merged cell that covers column `column` (1-based) of row `row` of the batch being
    /// read, leaving it empty.
    pub fn covered(&self, row: u64, column: usize) -> Option<MergedCell> {
        (self.covers.iter())
            .find(|c| c.row == row && (c.first..=c.last).contains(&column))
            .map(|c| c.by)
    }

    /// The formula cells without a value, once the rows are read through.
    pub fn uncalculated(&self) -> Uncalculated {
        self.uncalculated
    }

    /// The merged cells of an HTML table's deal rows, once the rows are read through.
    pub fn merged(&self) -> &MergedCells {
        &self.merged
    }

    pub fn next_row(&mut self) -> Result<Option<Row>, SheetError> {
        loop {
            if let Some(row) = self.batch.next() {
                return Ok(Some(row));
            }
            let Some(rx) = &self.rx else {
                return self.failed.take().map_or(Ok(None), Err);
            };
            match rx.recv() {
                Ok(Msg::Rows(rows)) => {
                    self.batch = rows.into_iter();
                    self.covers = std::mem::take(&mut self.next_covers);
                }
                Ok(Msg::Covers(covers)) => self.next_covers = covers,
                Ok(Msg::Merged(merged)) => self.merged = merged,
                Ok(Msg::Done(uncalculated)) => {
                    self.rx = None;
                    self.uncalculated = uncalculated;
                    return Ok(None);
                }
                Ok(Msg::Failed(e)) => {
                    self.rx = None;
                    return Err(e);
                }
                Err(_) => {
                    self.rx = None;
                    return Err(SheetError::Whole(msg::workbook_reader_stopped()));
                }
            }
        }
    }
}

/// What a workbook file is, by its contents (never its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Ods,
    Xls,
}

impl Format {
    /// The import report's `encoding` for a workbook of this kind (`--json` keeps these words).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Xls => "xls",
        }
    }
}

/// Opens the sheet to import. `Err` is a whole-file message that starts with its reason class.
pub fn open(path: &Path, sheet: Option<&str>, limits: &Limits) -> Result<Sheet, String> {
    let file = File::open(path).map_err(|e| msg::cannot_read(&e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size > limits.workbook {
        return Err(msg::whole_file_limit(
            Limit::Workbook,
            limits.workbook,
            size,
            None,
        ));
    }
    let mut file = BufReader::new(file);
    let mut magic = [0u8; 4];
    file.read_exact(&mut magic)
        .map_err(|_| msg::broken_zip(msg::ZIP_TOO_SHORT))?;
    file.rewind().map_err(|e| msg::cannot_read(&e))?;
    let (format, strings) = if magic == [0xD0, 0xCF, 0x11, 0xE0] {
        (Format::Xls, 0)
    } else {
        vet_zip(&mut file, limits)?
    };
    drop(file);
    let reopen = || {
        File::open(path)
            .map(BufReader::new)
            .map_err(|e| msg::cannot_read(&e))
    };
    let limits = *limits;
    // Xlsx and Xlsb stream alike, but their cell readers share no trait: one body for both.
    // `$next` reads a cell and whether it is a formula with no value kept (xlsb keeps a value
    // with every formula); `$why` says what a workbook's error is, `$stop` where a sheet's read
    // stopped (given the cells read before it, the sheet's name and the error).
    macro_rules! streamed {
        ($workbook:ident, $why:expr, $stop:expr, |$cells:ident| $next:expr) => {{
            let why = $why;
            let mut wb =
                $workbook::new(reopen()?).map_err(|e| msg::broken_workbook_because(&why(&e)))?;
            let name = pick_sheet(wb.sheet_names(), sheet)?;
            let sheet_error = move |name: &str, e| {
                msg::broken_workbook_because(&msg::sheet_broken(name, &why(&e)))
            };
            // Fail now, not in the thread, when the sheet is not there.
            wb.worksheet_cells_reader(&name)
                .map_err(|e| sheet_error(&name, e))?;
            let sheet_name = name.clone();
            let rows = stream(move |tx| {
                let mut $cells = wb
                    .worksheet_cells_reader(&sheet_name)
                    .map_err(|e| SheetError::Whole(sheet_error(&sheet_name, e)))?;
                let stop = $stop;
                pump(|| $next, |read, e| stop(read, &sheet_name, e), &limits, tx)
            });
            Ok(Sheet { name, format, rows })
        }};
    }
    let path = path.to_path_buf();
    // calamine reads hostile bytes: a panic in it is a broken workbook, not a crash.
    guarded(|| match format {
        Format::Xlsx => streamed!(
            Xlsx,
            xlsx_detail,
            move |read, sheet: &str, e: XlsxError| locate::stop(&path, sheet, read, strings, &e),
            |cells| cells.next_cell_with_formula_metadata().map(|c| c.map(|c| {
                let no_value = c.formula.is_some() && c.value == DataRef::Empty;
                (Cell::new(c.pos, c.value), no_value)
            }))
        ),
        Format::Xlsb => streamed!(
            Xlsb,
            |e: &calamine::XlsbError| msg::reader_says(&e.to_string()),
            |_, sheet: &str, e: calamine::XlsbError| SheetError::Whole(
                msg::broken_workbook_because(&msg::sheet_broken(
                    sheet,
                    &msg::reader_says(&e.to_string())
                ))
            ),
            |cells| cells.next_cell().map(|c| c.map(|c| (c, false)))
        ),
        Format::Ods => {
            super::ods::check(reopen()?, sheet, &limits)?;
            let wb = Ods::new(reopen()?).map_err(|e| msg::broken_workbook(&e.to_string()))?;
            whole_sheet(wb, format, sheet, &limits)
        }
        Format::Xls => {
            super::xls::check(reopen()?, &limits)?;
            let wb = Xls::new(reopen()?).map_err(|e| msg::not_a_workbook_ole(&e.to_string()))?;
            whole_sheet(wb, format, sheet, &limits)
        }
    })
}

fn guarded(f: impl FnOnce() -> Result<Sheet, String>) -> Result<Sheet, String> {
    quiet::caught(f)
        .unwrap_or_else(|said| Err(msg::broken_workbook_because(&msg::reader_failed(&said))))
}

/// What calamine could not read in an xlsx, in the user's language (its words kept as a detail
/// where okk has none of its own).
fn xlsx_detail(e: &XlsxError) -> String {
    match e {
        XlsxError::Xml(e) => xml_detail(e),
        XlsxError::Io(io) if larger_than_stated(io) => msg::part_larger_than_stated(),
        XlsxError::XmlEof(tag) => msg::xml_ends_early(tag),
        XlsxError::Password => msg::workbook_password(),
        other => msg::reader_says(&other.to_string()),
    }
}

/// What quick-xml could not read, in the user's language.
fn xml_detail(e: &quick_xml::Error) -> String {
    match e {
        quick_xml::Error::Escape(EscapeError::UnrecognizedEntity(_, entity)) => {
            let entity = if entity.starts_with('&') {
                entity.clone()
            } else {
                format!("&{entity};")
            };
            msg::xml_unknown_entity(&entity)
        }
        quick_xml::Error::Escape(EscapeError::UnterminatedEntity(_)) => {
            msg::xml_unterminated_entity()
        }
        quick_xml::Error::Io(io) if larger_than_stated(io) => msg::part_larger_than_stated(),
        other => msg::xml_broken(&other.to_string()),
    }
}

/// The zip reader's refusal to unpack a part past the size its directory states.
fn larger_than_stated(e: &std::io::Error) -> bool {
    e.to_string().contains("larger than its declared")
}

fn pick_sheet(names: Vec<String>, want: Option<&str>) -> Result<String, String> {
    match want {
        Some(want) => names
            .iter()
            .find(|n| n.trim().eq_ignore_ascii_case(want.trim()))
            .cloned()
            .ok_or_else(|| msg::no_such_sheet(want, &names)),
        None => names.first().cloned().ok_or_else(msg::no_sheets),
    }
}

/// Looks at the zip's directory before anything is unpacked: what it holds, and how big each
/// part says it is. The zip reader refuses to unpack a part past its stated size, so these
/// numbers bound what calamine can later inflate.
fn vet_zip<R: Read + Seek>(file: &mut R, limits: &Limits) -> Result<(Format, u64), String> {
    let mut zip = zip::ZipArchive::new(file).map_err(|e| msg::broken_zip(&e.to_string()))?;
    let mut total = 0u64;
    let mut format = None;
    for i in 0..zip.len() {
        let Ok(entry) = zip.by_index_data(i) else {
            return Err(msg::broken_zip(msg::ZIP_ENTRY_UNREADABLE));
        };
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let unpacked = entry.size();
        let packed = entry.compressed_size().max(1);
        total = total.saturating_add(unpacked);
        if total > limits.unpacked {
            return Err(msg::whole_file_limit(
                Limit::Unpacked,
                limits.unpacked,
                total,
                None,
            ));
        }
        let streamed = name.starts_with("xl/worksheets/");
        if !streamed && unpacked > limits.part {
            return Err(msg::whole_file_limit(
                Limit::Part,
                limits.part,
                unpacked,
                Some(&name),
            ));
        }
        if unpacked > RATIO_FLOOR && unpacked / packed > limits.ratio {
            return Err(msg::whole_file_limit(
                Limit::Ratio,
                limits.ratio,
                unpacked / packed,
                Some(&name),
            ));
        }
        format = format.or(match name.as_str() {
            "xl/workbook.xml" => Some(Format::Xlsx),
            "xl/workbook.bin" => Some(Format::Xlsb),
            "content.xml" => Some(Format::Ods),
            _ => None,
        });
    }
    let format = format.ok_or_else(|| msg::zip_without_sheet(zip.len()))?;
    // What calamine holds once it has opened an xlsx, known before it does.
    let strings = match format {
        Format::Xlsx | Format::Xlsb => measure::parts(&mut zip, limits)?,
        Format::Ods | Format::Xls => 0,
    };
    Ok((format, strings))
}

/// Runs `read` on a thread that hands rows over in batches; the import reads them as they come
/// (a streamed xlsx sheet, an HTML table).
pub(super) fn stream<F>(read: F) -> SheetRows
where
    F: FnOnce(&SyncSender<Msg>) -> Result<Uncalculated, SheetError> + Send + 'static,
{
    let (tx, rx) = sync_channel(2);
    let spawned = std::thread::Builder::new()
        .name("okk-sheet".into())
        .spawn(move || {
            let end = match quiet::caught(|| read(&tx)) {
                Ok(Ok(uncalculated)) => Msg::Done(uncalculated),
                Ok(Err(e)) => Msg::Failed(e),
                Err(said) => Msg::Failed(SheetError::Whole(msg::broken_workbook_because(
                    &msg::reader_failed(&said),
                ))),
            };
            // The import may have stopped already; then nobody listens.
            let _ = tx.send(end);
        });
    match spawned {
        Ok(_) => SheetRows {
            rx: Some(rx),
            batch: Vec::new().into_iter(),
            failed: None,
            uncalculated: Uncalculated::default(),
            merged: MergedCells::default(),
            covers: Vec::new(),
            next_covers: Vec::new(),
        },
        Err(e) => SheetRows::from_rows(Vec::new(), Some(SheetError::Whole(e.to_string()))),
    }
}

/// Rows per batch handed to the import, and bytes (a batch of long rows goes out sooner).
const BATCH_ROWS: usize = 256;
const BATCH_BYTES: usize = 1 << 20;

/// Streams cells into rows, a batch at a time. Returns when the sheet ends (with the formula
/// cells it found no value for), or quietly when the import stopped listening.
fn pump<'a, E>(
    mut next: impl FnMut() -> Result<Option<(Cell<DataRef<'a>>, bool)>, E>,
    stop: impl FnOnce(u64, E) -> SheetError,
    limits: &Limits,
    tx: &SyncSender<Msg>,
) -> Result<Uncalculated, SheetError> {
    let mut rows = Rows::new(limits);
    let mut batch = Vec::with_capacity(BATCH_ROWS);
    let mut bytes = 0usize;
    let mut uncalculated = Uncalculated::default();
    // Cells read, so that an error is placed at the cell after them.
    let mut read = 0u64;
    loop {
        let cell = match next() {
            Ok(cell) => cell,
            Err(e) => return Err(stop(read, e)),
        };
        read += 1;
        let done = match cell {
            Some((cell, no_value)) => {
                let (r, c) = cell.get_position();
                if no_value {
                    uncalculated.cells += 1;
                    let column = rows.first_col.and_then(|f| c.checked_sub(f));
                    uncalculated
                        .first
                        .get_or_insert((r, c, column.map(|c| c as usize)));
                }
                let text = ref_text(cell.get_value());
                rows.push(r, c, text)?
            }
            None => rows.finish(),
        };
        let end = cell_is_last(&done);
        if let Some(row) = done.row() {
            bytes += row.1.iter().map(String::len).sum::<usize>();
            batch.push(row);
            if batch.len() >= BATCH_ROWS || bytes >= BATCH_BYTES {
                bytes = 0;
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
                if tx.send(Msg::Rows(full)).is_err() {
                    return Ok(uncalculated);
                }
            }
        }
        if end {
            if !batch.is_empty() {
                let _ = tx.send(Msg::Rows(batch));
            }
            return Ok(uncalculated);
        }
    }
}

/// What one cell did to the row being built.
enum Step {
    /// The cell went into the current row.
    Same,
    /// It began a new row; this one is complete.
    Finished(Row),
    /// The sheet ended, with this last row (or none).
    End(Option<Row>),
}

impl Step {
    fn row(self) -> Option<Row> {
        match self {
            Step::Same => None,
            Step::Finished(r) => Some(r),
            Step::End(r) => r,
        }
    }
}

fn cell_is_last(s: &Step) -> bool {
    matches!(s, Step::End(_))
}

/// Builds rows from cells in sheet order, checking each cell's position and size before it is
/// stored: nothing is ever sized by a cell reference, only by cells actually present.
struct Rows<'l> {
    limits: &'l Limits,
    /// The current row (0-based), once a non-empty cell was seen.
    row: Option<u32>,
    /// The header's first column: cells are numbered from it.
    first_col: Option<u32>,
    cells: Vec<String>,
    bytes: u64,
}

impl<'l> Rows<'l> {
    fn new(limits: &'l Limits) -> Self {
        Rows {
            limits,
            row: None,
            first_col: None,
            cells: Vec::new(),
            bytes: 0,
        }
    }

    fn push(&mut self, r: u32, c: u32, text: String) -> Result<Step, SheetError> {
        if text.is_empty() {
            return Ok(Step::Same);
        }
        let line = r as u64 + 1;
        // As a CSV field's: a NUL is no CRM's text but a damaged file (xlsx writes it `_x0000_`,
        // which calamine decodes). Other control characters are kept, as a CSV's are, and shown
        // as placeholders.
        if text.contains('\0') {
            return Err(SheetError::At {
                line,
                column: Some(c as usize + 1),
                message: msg::nul_in_cell(&cell_ref(r, c)),
            });
        }
        let mut step = Step::Same;
        match self.row {
            Some(cur) if cur == r => {}
            Some(cur) if r < cur => {
                return Err(SheetError::At {
                    line,
                    column: Some(c as usize + 1),
                    message: msg::sheet_rows_out_of_order(&cell_ref(r, c), cur as u64 + 1),
                });
            }
            _ => {
                if let Some(row) = self.take() {
                    step = Step::Finished(row);
                }
                self.row = Some(r);
            }
        }
        let first = *self.first_col.get_or_insert(c);
        if c < first {
            return Err(SheetError::At {
                line,
                column: Some(c as usize + 1),
                message: msg::sheet_cell_left_of_header(&cell_ref(r, c)),
            });
        }
        let col = (c - first) as u64;
        if col >= self.limits.columns {
            return Err(SheetError::Limit {
                line,
                column: Some(c as usize + 1),
                limit: Limit::Columns,
                value: self.limits.columns,
            });
        }
        if text.len() as u64 > self.limits.cell {
            return Err(SheetError::Limit {
                line,
                column: Some(c as usize + 1),
                limit: Limit::Cell,
                value: self.limits.cell,
            });
        }
        self.bytes += text.len() as u64;
        if self.bytes > self.limits.row {
            return Err(SheetError::Limit {
                line,
                column: None,
                limit: Limit::Row,
                value: self.limits.row,
            });
        }
        let col = col as usize;
        if self.cells.len() <= col {
            // Bounded by the column limit just checked.
            self.cells.resize(col + 1, String::new());
        }
        self.cells[col] = text;
        Ok(step)
    }

    fn take(&mut self) -> Option<Row> {
        let r = self.row.take()?;
        self.bytes = 0;
        Some((r as u64 + 1, std::mem::take(&mut self.cells)))
    }

    fn finish(&mut self) -> Step {
        Step::End(self.take())
    }
}

/// xls and ods: calamine reads the workbook whole (xls: at most 65,536 × 256 cells a sheet;
/// ods: its content part, held to the `part` limit). The rows then pass the same checks.
fn whole_sheet<R, RS>(
    mut wb: R,
    format: Format,
    sheet: Option<&str>,
    limits: &Limits,
) -> Result<Sheet, String>
where
    R: Reader<RS>,
    RS: Read + Seek,
    R::Error: std::fmt::Display,
{
    let name = pick_sheet(wb.sheet_names(), sheet)?;
    let range = wb
        .worksheet_range(&name)
        .map_err(|e| msg::broken_workbook(&e.to_string()))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = Rows::new(limits);
    let mut out = Vec::new();
    let mut failed = None;
    'read: for (i, row) in range.rows().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            match rows.push(r0 + i as u32, c0 + j as u32, data_text(cell)) {
                Ok(Step::Finished(r)) => out.push(r),
                Ok(_) => {}
                Err(e) => {
                    failed = Some(e);
                    break 'read;
                }
            }
        }
    }
    if failed.is_none() {
        out.extend(rows.finish().row());
    }
    Ok(Sheet {
        name,
        format,
        rows: SheetRows::from_rows(out, failed),
    })
}

/// `A1`-style reference of a 0-based position.
pub fn cell_ref(r: u32, c: u32) -> String {
    let mut letters = Vec::new();
    let mut n = c as u64 + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8(letters).unwrap_or_default(),
        r as u64 + 1
    )
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// A date cell's value: a day alone when it has no time of day (a meeting's date is a day,
/// and shown as the day a CSV export writes, not as its midnight), else the moment.
fn date_text(d: chrono::NaiveDateTime) -> String {
    if d.time() == chrono::NaiveTime::MIN {
        d.format("%Y-%m-%d").to_string()
    } else {
        d.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// The text a CSV export would have held for a cell.
fn ref_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Float(f) => float_text(*f),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) => date_text(d),
            None => dt.to_string(),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => format!("#{e:?}"),
    }
}

fn data_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => float_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => date_text(d),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_refs_spell_columns_in_letters() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(4, 27), "AB5");
        assert_eq!(cell_ref(1_048_575, 16_383), "XFD1048576");
    }

    #[test]
    fn a_cell_far_beyond_the_column_limit_is_refused_without_allocating() {
        let limits = Limits {
            columns: 2000,
            ..Limits::default()
        };
        let mut rows = Rows::new(&limits);
        assert!(matches!(rows.push(0, 0, "ID".into()), Ok(Step::Same)));
        let err = rows.push(1_048_575, 16_383, "x".into()).err().unwrap();
        assert_eq!(
            err,
            SheetError::Limit {
                line: 1_048_576,
                column: Some(16_384),
                limit: Limit::Columns,
                value: limits.columns
            }
        );
    }

    #[test]
    fn rows_are_numbered_from_the_header_and_skip_empty_cells() {
        let limits = Limits::default();
        let mut rows = Rows::new(&limits);
        assert!(matches!(rows.push(2, 1, "ID".into()), Ok(Step::Same)));
        assert!(matches!(rows.push(2, 2, "Stage".into()), Ok(Step::Same)));
        let Ok(Step::Finished(header)) = rows.push(4, 2, "won".into()) else {
            panic!("row 5 finishes the header")
        };
        assert_eq!(header, (3, vec!["ID".to_string(), "Stage".into()]));
        assert!(matches!(rows.push(4, 3, String::new()), Ok(Step::Same)));
        assert_eq!(
            rows.finish().row(),
            Some((5, vec![String::new(), "won".into()]))
        );
        let err = Rows::new(&limits);
        let mut err = err;
        err.push(3, 0, "a".into()).ok();
        assert!(matches!(
            err.push(1, 0, "b".into()),
            Err(SheetError::At { line: 2, .. })
        ));
    }
}
