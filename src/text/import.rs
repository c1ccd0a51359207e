//! Messages of `okk import`: errors that stop an import, warnings, and the report.

use std::fmt::Write;

use super::common::int;
use super::lang;
use super::safe;
use crate::domain::SystemField;
use crate::domain::import_report::{Detection, ImportReport, NearMiss, Reason};
use crate::domain::limit::Limit;

pub fn map_entry_without_equals(part: &str) -> String {
    crate::tr!("import-map-without-equals", part = part)
}

pub fn map_unknown_field(field: &str) -> String {
    let known: Vec<&str> = crate::domain::SystemField::ALL
        .iter()
        .map(|f| f.name())
        .collect();
    crate::tr!(
        "import-map-unknown-field",
        field = field,
        known = known.join(", ")
    )
}

pub fn map_empty_header(field: &str) -> String {
    crate::tr!("import-map-empty-header", field = field)
}

pub fn map_header_missing(field: &str, header: &str, headers: &[String]) -> String {
    crate::tr!(
        "import-map-header-missing",
        field = field,
        header = safe::line(header),
        headers = short_list(headers)
    )
}

pub fn unnamed_column(n: usize) -> String {
    // A column's name is data (stored with the cards' fields, matched at the next import), so it
    // reads the same whatever language okk speaks.
    format!("Column {n}")
}

/// A required field as the user knows it, not by its `--map` key (`stage` → «этапа» in
/// Russian, as «нет столбца этапа» reads).
fn field_label(field: SystemField) -> String {
    match field {
        SystemField::ExternalId => crate::tr!("import-field-external-id"),
        SystemField::Stage => crate::tr!("import-field-stage"),
        other => other.name().to_string(),
    }
}

pub fn missing_column(field: SystemField, profile: &str, expected: &[String]) -> String {
    let hint = if expected.is_empty() {
        String::new()
    } else {
        let expected = expected
            .iter()
            .map(|h| format!("«{h}»"))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            " {}",
            crate::tr!(
                "import-missing-column-hint",
                profile = profile,
                expected = expected
            )
        )
    };
    crate::tr!(
        "import-missing-column",
        label = field_label(field),
        field = field.name(),
        hint = hint
    )
}

/// A workbook's formula cells that hold no value, imported empty: how many, and where the first
/// is (`header` empty when its column has none).
pub fn formulas_without_values(count: u64, sheet: &str, cell: &str, header: &str) -> String {
    let column = if header.is_empty() {
        String::new()
    } else {
        crate::tr!("import-formulas-column", header = safe::line(header))
    };
    let (sheet, cell) = (safe::line(sheet), cell.to_string());
    if count == 1 {
        crate::tr!(
            "import-formula-without-value",
            sheet = sheet,
            cell = cell,
            column = column
        )
    } else {
        crate::tr!(
            "import-formulas-without-values",
            count = count,
            sheet = sheet,
            cell = cell,
            column = column
        )
    }
}

pub fn wrong_field_count(found: usize, expected: usize) -> String {
    crate::tr!(
        "import-wrong-field-count",
        found = found,
        expected = expected
    )
}

pub fn empty_required(field: SystemField, column: Option<&str>) -> String {
    let label = field_label(field);
    match column {
        Some(c) => crate::tr!("import-empty-required-column", label = label, column = c),
        None => crate::tr!("import-empty-required", label = label),
    }
}

pub fn bad_amount(value: &str) -> String {
    crate::tr!("import-bad-amount", value = value)
}

/// An amount whose one mark could group thousands or part the fraction (`1,234`): read as
/// `read`, by the profile's convention; `other` is the other reading.
pub fn ambiguous_amount(value: &str, read: f64, other: f64, profile: &str) -> String {
    crate::tr!(
        "import-ambiguous-amount",
        value = value,
        read = super::common::number(read),
        other = super::common::number(other),
        profile = profile
    )
}

pub fn bad_date(value: &str, formats: &[String]) -> String {
    let formats: Vec<String> = formats.iter().map(|f| date_pattern(f)).collect();
    crate::tr!(
        "import-bad-date",
        value = value,
        formats = formats.join(", ")
    )
}

/// A date in a known format naming a day that does not exist (`31.02.2026`).
pub fn no_such_day(value: &str) -> String {
    crate::tr!("import-no-such-day", value = value)
}

/// A strftime format as people write date patterns: `%d.%m.%Y %H:%M` → `ДД.ММ.ГГГГ чч:мм`
/// (`DD.MM.YYYY hh:mm`). What has no such letters (`%z`, `%b`) is shown as it is.
fn date_pattern(format: &str) -> String {
    let mut out = String::new();
    let mut chars = format.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let letters = match chars.next() {
            Some('d') => crate::tr!("import-date-day"),
            Some('m') => crate::tr!("import-date-month"),
            Some('Y') => crate::tr!("import-date-year"),
            Some('y') => crate::tr!("import-date-year-short"),
            Some('H') => crate::tr!("import-date-hour"),
            Some('M') => crate::tr!("import-date-minute"),
            Some('S') => crate::tr!("import-date-second"),
            Some(other) => {
                out.push('%');
                out.push(other);
                continue;
            }
            None => {
                out.push('%');
                break;
            }
        };
        out.push_str(&letters);
    }
    out
}

pub fn bad_bool(value: &str) -> String {
    crate::tr!("import-bad-bool", value = value)
}

pub fn bad_status(value: &str) -> String {
    crate::tr!("import-bad-status", value = value)
}

/// A row repeating an earlier row's ID, skipped; `differs`: its cells are not the earlier
/// row's (in an export the later row may be the newer state).
pub fn duplicate_id(differs: bool) -> String {
    match differs {
        true => crate::tr!("import-duplicate-id-differs"),
        false => crate::tr!("import-duplicate-id-same"),
    }
}

/// How many differing columns a duplicate's warning names; the rest are counted.
const DUPLICATE_COLUMNS: usize = 3;

/// A row repeating the ID of the row (or group) at line `first`, skipped; `differing`: the
/// headers of the columns in which it differs from that one (none: the same).
pub fn duplicate_id_at(first: u64, differing: &[String]) -> String {
    if differing.is_empty() {
        return crate::tr!("import-duplicate-id-same-at", first = first);
    }
    let named: Vec<String> = differing
        .iter()
        .take(DUPLICATE_COLUMNS)
        .map(|h| format!("«{}»", safe::line(h)))
        .collect();
    let named = named.join(", ");
    let more = differing.len().saturating_sub(DUPLICATE_COLUMNS);
    let columns = match more {
        0 => named,
        more => crate::tr!(
            "import-duplicate-columns-more",
            columns = named,
            count = more
        ),
    };
    // One column or several (the count only picks the word: «в столбце», «в столбцах»).
    let n = differing.len().min(DUPLICATE_COLUMNS + 1);
    crate::tr!(
        "import-duplicate-id-differs-at",
        first = first,
        columns = columns,
        n = n
    )
}

/// A file with a header and no rows: nothing imported, nothing of `source` marked gone.
pub fn no_rows(source: &str) -> String {
    crate::tr!("import-no-rows", source = safe::line(source))
}

/// A full export that holds none of the `cards` its source has (not gone): none marked gone.
pub fn gone_withheld(cards: u64, source: &str) -> String {
    crate::tr!(
        "import-gone-withheld",
        count = cards,
        source = safe::line(source)
    )
}

/// `crm`: the profile's label (`HubSpot`), `None` for the generic profile.
pub fn scientific_id(id: &str, crm: Option<&str>) -> String {
    let crm = match crm {
        Some(label) => label.to_string(),
        None => crate::tr!("import-the-crm"),
    };
    crate::tr!("import-scientific-id", id = safe::line(id), crm = crm)
}

/// A quote inside a quoted field of `column` (1-based) that is not doubled.
pub fn quote_not_doubled(column: usize) -> String {
    crate::tr!("import-quote-not-doubled", column = column)
}

pub fn unclosed_quote() -> String {
    crate::tr!("import-unclosed-quote")
}

pub fn not_utf8() -> String {
    crate::tr!("import-not-utf8")
}

/// A file of `okk import A B C` imported before `failed` stopped the import: its cards stay.
pub fn imported_before(file: &str, failed: &str) -> String {
    crate::tr!(
        "import-imported-before",
        file = safe::line(file),
        failed = safe::line(failed)
    )
}

/// A file of `okk import A B C` not read because `failed` (an earlier one) stopped the import.
pub fn not_read(file: &str, failed: &str) -> String {
    crate::tr!(
        "import-not-read",
        file = safe::line(file),
        failed = safe::line(failed)
    )
}

pub fn nul_in_field() -> String {
    crate::tr!("import-nul-in-field")
}

pub fn undecodable(offset: u64) -> String {
    crate::tr!("import-undecodable", offset = offset)
}

pub fn cannot_read(e: &std::io::Error) -> String {
    crate::tr!("import-cannot-read", error = super::common::error(e))
}

// Whole-file errors start with their class: empty file, binary file, not a workbook, broken
// zip, broken workbook, over a limit.

pub fn empty_file() -> String {
    crate::tr!("import-empty-file")
}

pub fn binary_file(at: usize) -> String {
    crate::tr!("import-binary-file", at = at)
}

pub fn xml_workbook() -> String {
    crate::tr!("import-xml-workbook")
}

/// `--sheet NAME` given for a file with no sheets: an HTML table (`html`) or a CSV.
pub fn sheet_without_sheets(sheet: &str, html: bool) -> String {
    if html {
        crate::tr!("import-sheet-html", sheet = sheet)
    } else {
        crate::tr!("import-sheet-csv", sheet = sheet)
    }
}

// An HTML table (Bitrix24's "Export to Excel"): the file as a whole, then its rows. The rows'
// messages name the file's line beside the table's row the error is filed at.

pub fn html_no_table() -> String {
    crate::tr!("import-no-table")
}

pub fn html_empty_table() -> String {
    crate::tr!("import-empty-table")
}

pub fn html_empty_header(line: u64) -> String {
    crate::tr!("import-html-empty-header", line = line)
}

pub fn html_truncated(row: u64, line: u64) -> String {
    crate::tr!("import-html-truncated", row = row, line = line)
}

pub fn html_nested_table(line: u64) -> String {
    crate::tr!("import-html-nested-table", line = line)
}

pub fn html_second_table(line: u64) -> String {
    crate::tr!("import-html-second-table", line = line)
}

pub fn html_not_utf8(line: u64) -> String {
    crate::tr!("import-html-not-utf8", line = line)
}

/// A limit crossed in an HTML table's row, at `line` of the file.
pub fn html_over_limit(limit: Limit, value: u64, line: u64) -> String {
    let what = match limit {
        Limit::Cell => crate::tr!("import-html-over-cell", size = size(value)),
        Limit::Row => crate::tr!("import-over-row", size = size(value)),
        Limit::Columns => crate::tr!("import-over-columns", value = value),
        other => crate::tr!("import-over-other", name = other.name(), value = value),
    };
    over(
        limit,
        &crate::tr!("import-html-at-line", what = what, line = line),
    )
}

/// Markup the tokenizer is still reading after `value` bytes (held to the cell limit).
pub fn html_long_markup(value: u64, line: u64) -> String {
    over(
        Limit::Cell,
        &crate::tr!("import-html-long-markup", size = size(value), line = line),
    )
}

/// An HTML table's read-as: the encoding's reason after the kind of file.
pub fn html_reason(reason: &str) -> String {
    crate::tr!("import-html-reason", reason = reason)
}

/// A merged cell in a deal row of an HTML table: at `line` of the file, spanning `across`
/// columns and `down` rows, its value under `first`, the columns read empty beside it `beside`
/// (none when it spans rows alone).
pub fn html_merged_cell(
    line: u64,
    across: u64,
    down: u64,
    first: &str,
    beside: &[String],
) -> String {
    let beside: Vec<String> = beside.iter().map(|h| format!("«{h}»")).collect();
    crate::tr!(
        "import-html-merged-cell",
        line = line,
        across = across,
        down = down,
        first = first,
        beside = beside.join(", "),
        besides = beside.len()
    )
}

/// A cell every row needs (`field`, under the header `column`) read empty because a merged cell
/// covers it: the cell of table row `row`, at `line` of the file, spanning `across` columns and
/// `down` rows, its value read under `first` in its own row.
pub fn html_merged_emptied(
    field: SystemField,
    column: &str,
    row: u64,
    line: u64,
    across: u64,
    down: u64,
    first: &str,
) -> String {
    crate::tr!(
        "import-html-merged-emptied",
        empty = empty_required(field, Some(column)),
        row = row,
        line = line,
        across = across,
        down = down,
        first = first
    )
}

pub fn broken_zip(e: &str) -> String {
    crate::tr!("import-broken-zip", error = detail(e))
}

pub fn zip_without_sheet(entries: usize) -> String {
    crate::tr!("import-zip-without-sheet", entries = entries)
}

pub fn not_a_workbook_ole(e: &str) -> String {
    crate::tr!("import-not-a-workbook-ole", error = detail(e))
}

/// A workbook a library could not read, in its own words (English): kept as a detail inside the
/// user's language; one of the constants below, said in the user's language.
pub fn broken_workbook(e: &str) -> String {
    let why = match e {
        "" => crate::tr!("import-broken-workbook-xml"),
        e => known_detail(e).unwrap_or_else(|| reader_says(e)),
    };
    broken_workbook_because(&why)
}

/// A broken workbook, `why` already in the user's language.
pub fn broken_workbook_because(why: &str) -> String {
    crate::tr!("import-broken-workbook", detail = safe::line(why))
}

pub fn workbook_reader_stopped() -> String {
    broken_workbook_because(&crate::tr!("import-workbook-reader-stopped"))
}

/// What a library says it cannot read, its words kept as a detail.
pub fn reader_says(library: &str) -> String {
    crate::tr!(
        "import-workbook-reader-says",
        detail = library_words(library)
    )
}

/// A library that panicked on the file: what it said.
pub fn reader_failed(library: &str) -> String {
    crate::tr!(
        "import-workbook-reader-failed",
        detail = library_words(library)
    )
}

/// XML a parser refused, its words kept as a detail.
pub fn xml_broken(library: &str) -> String {
    crate::tr!("import-xml-broken-detail", detail = library_words(library))
}

pub fn xml_unknown_entity(entity: &str) -> String {
    crate::tr!("import-xml-unknown-entity", entity = safe::line(entity))
}

pub fn xml_unterminated_entity() -> String {
    crate::tr!("import-xml-unterminated-entity")
}

pub fn xml_ends_early(tag: &str) -> String {
    crate::tr!("import-xml-ends-early", tag = safe::line(tag))
}

pub fn part_larger_than_stated() -> String {
    crate::tr!("import-part-larger-than-stated")
}

pub fn workbook_password() -> String {
    crate::tr!("import-workbook-password")
}

/// `why` a part of a zip workbook cannot be read.
pub fn part_broken(part: &str, why: &str) -> String {
    crate::tr!("import-part-broken", part = safe::line(part), detail = why)
}

/// `why` a sheet cannot be read, where no cell is to blame (a whole-file error's detail).
pub fn sheet_broken(sheet: &str, why: &str) -> String {
    crate::tr!(
        "import-sheet-broken",
        sheet = safe::line(sheet),
        detail = why
    )
}

/// `why` a sheet's cell cannot be read (the error's line and column say where too).
pub fn sheet_cell_broken(sheet: &str, cell: &str, why: &str) -> String {
    crate::tr!(
        "import-sheet-cell-broken",
        sheet = safe::line(sheet),
        cell = cell,
        detail = why
    )
}

/// A cell's shared string `index` (0-based, as the cell writes it) beyond the `count` the
/// workbook has.
pub fn shared_string_missing(index: &str, count: u64) -> String {
    crate::tr!(
        "import-shared-string-missing",
        index = written_number(index),
        count = number(count)
    )
}

/// A workbook cell holding a NUL, refused as a CSV field holding one is.
pub fn nul_in_cell(cell: &str) -> String {
    crate::tr!("import-nul-in-cell", cell = cell)
}

/// A shared-strings part claiming more strings than its size can hold (`claimed` as written).
pub fn shared_strings_claim_too_many(part: &str, claimed: &str, size_: u64, most: u64) -> String {
    // After «повреждённая книга:» (feminine), not a file's «его часть».
    let part = crate::tr!("import-the-part", part = safe::line(part));
    broken_workbook_because(&crate::tr!(
        "import-sst-claims-too-many",
        part = part,
        claimed = written_number(claimed),
        size = size(size_),
        most = number(most)
    ))
}

/// A shared-strings part whose claimed count makes the reader reserve more than `part` allows.
pub fn shared_strings_claim_limit(
    part: &str,
    claimed: u64,
    slot: u64,
    need: u64,
    value: u64,
) -> String {
    let what = crate::tr!(
        "import-over-strings-claimed",
        part = its_part(part),
        claimed = number(claimed),
        slot = slot,
        need = size(need),
        value = size(value)
    );
    over(Limit::Part, &what)
}

/// A shared-strings part whose first `count` strings take `need` bytes of memory, over `part`.
pub fn shared_strings_limit(part: &str, count: u64, slot: u64, need: u64, value: u64) -> String {
    let what = crate::tr!(
        "import-over-strings",
        part = its_part(part),
        count = number(count),
        slot = slot,
        need = size(need),
        value = size(value)
    );
    over(Limit::Part, &what)
}

/// A part read whole (styles, the workbook, relationships) whose first `count` records take
/// `need` bytes of memory, over `part`.
pub fn records_limit(part: &str, count: u64, need: u64, value: u64) -> String {
    let what = crate::tr!(
        "import-over-records",
        part = its_part(part),
        count = number(count),
        need = size(need),
        value = size(value)
    );
    over(Limit::Part, &what)
}

fn its_part(part: &str) -> String {
    crate::tr!("import-its-part", part = safe::line(part))
}

/// A count that may pass i64 (a hostile file's claim), grouped as the language groups digits.
fn number(n: u64) -> String {
    i64::try_from(n).map_or_else(|_| n.to_string(), int)
}

/// A number as a file writes it: grouped when it is one, else as written.
fn written_number(n: &str) -> String {
    n.parse::<u64>()
        .map_or_else(|_| safe::line(n).into_owned(), number)
}

/// A library's message without the positions it gives in its own buffers (`at 0..0: `), which
/// mean nothing to the user.
fn library_words(library: &str) -> String {
    let mut out = String::with_capacity(library.len());
    let mut rest = library;
    while let Some(i) = rest.find("at ") {
        let after = &rest[i + 3..];
        let after = after.strip_prefix("range ").unwrap_or(after);
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let a = digits(after);
        let before = if i == 0 { out.as_str() } else { &rest[..i] };
        let word = before.is_empty() || before.ends_with(' ');
        let range = word && a > 0 && after[a..].starts_with("..") && digits(&after[a + 2..]) > 0;
        if !range {
            out.push_str(&rest[..i + 3]);
            rest = &rest[i + 3..];
            continue;
        }
        let end = a + 2 + digits(&after[a + 2..]);
        let tail = after[end..].strip_prefix(':').unwrap_or(&after[end..]);
        out.push_str(rest[..i].trim_end());
        if !out.is_empty() && !tail.starts_with(' ') && !tail.is_empty() {
            out.push(' ');
        }
        rest = tail;
    }
    out.push_str(rest);
    safe::line(out.trim()).into_owned()
}

pub fn sheet_rows_out_of_order(cell: &str, after_row: u64) -> String {
    crate::tr!(
        "import-sheet-rows-out-of-order",
        cell = cell,
        row = after_row
    )
}

pub fn sheet_cell_left_of_header(cell: &str) -> String {
    crate::tr!("import-sheet-cell-left-of-header", cell = cell)
}

pub fn sheet_beyond_header(column: usize, width: usize) -> String {
    crate::tr!("import-sheet-beyond-header", column = column, width = width)
}

pub fn limit_spec_without_equals(part: &str) -> String {
    crate::tr!("import-limit-without-equals", part = part)
}

pub fn limit_unknown(name: &str) -> String {
    let known: Vec<&str> = Limit::ALL.iter().map(|l| l.name()).collect();
    crate::tr!(
        "import-limit-unknown",
        name = name,
        known = known.join(", ")
    )
}

pub fn limit_bad_value(name: &str, value: &str) -> String {
    if Limit::ALL.iter().any(|l| l.name() == name && l.is_bytes()) {
        crate::tr!("import-limit-bad-bytes", name = name, value = value)
    } else {
        crate::tr!("import-limit-bad-value", name = name, value = value)
    }
}

fn size(bytes: u64) -> String {
    let tenths = |x: f64| super::i18n::decimal(lang::current(), x, 1);
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => {
            crate::tr!("import-gib", n = int((b >> 30) as i64))
        }
        b if b >= 1 << 30 => crate::tr!("import-gib", n = tenths(b as f64 / (1u64 << 30) as f64)),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => {
            crate::tr!("import-mib", n = int((b >> 20) as i64))
        }
        b if b >= 1 << 20 => crate::tr!("import-mib", n = tenths(b as f64 / (1u64 << 20) as f64)),
        b if b >= 1 << 10 => crate::tr!("import-kib", n = int((b >> 10) as i64)),
        b => crate::tr!("import-bytes", n = b),
    }
}

fn raise(limit: Limit) -> String {
    format!(
        "; {}",
        crate::tr!("import-raise-limit", name = limit.name())
    )
}

/// A row or cell that crosses a limit (the error's line and column say where).
pub fn limit_exceeded(limit: Limit, value: u64) -> String {
    let what = match limit {
        Limit::Columns => crate::tr!("import-over-columns", value = value),
        Limit::Cell => crate::tr!("import-over-cell", size = size(value)),
        Limit::Row => crate::tr!("import-over-row", size = size(value)),
        Limit::Rows => crate::tr!("import-over-rows", value = value),
        other => crate::tr!("import-over-other", name = other.name(), value = value),
    };
    over(limit, &what)
}

fn over(limit: Limit, what: &str) -> String {
    let raise = raise(limit);
    crate::tr!(
        "import-over-limit",
        name = limit.name(),
        what = what,
        raise = raise
    )
}

pub fn grid_limit(value: u64, rows: u64, columns: u64) -> String {
    let what = crate::tr!(
        "import-over-grid",
        rows = rows,
        columns = columns,
        value = value
    );
    over(Limit::Grid, &what)
}

/// An ods or xls sheet whose text, its repeats counted, would take more memory than `part` allows.
pub fn sheet_text_limit(value: u64, text: u64, copies: u64) -> String {
    let what = crate::tr!(
        "import-over-sheet-text",
        size = size(text),
        copies = copies,
        value = size(value)
    );
    over(Limit::Part, &what)
}

/// A file that crosses a limit as a whole (`part`: the zip part at fault).
pub fn whole_file_limit(limit: Limit, value: u64, found: u64, part: Option<&str>) -> String {
    let part = part.map(|p| crate::tr!("import-its-part", part = safe::line(p)));
    let what = match limit {
        Limit::Workbook => {
            crate::tr!(
                "import-over-workbook",
                found = size(found),
                value = size(value)
            )
        }
        Limit::Unpacked => {
            crate::tr!(
                "import-over-unpacked",
                value = size(value),
                found = size(found)
            )
        }
        Limit::Part => crate::tr!(
            "import-over-part",
            part = part.unwrap_or_default(),
            found = size(found),
            value = size(value)
        ),
        Limit::Ratio => crate::tr!(
            "import-over-ratio",
            part = part.unwrap_or_default(),
            found = found,
            value = value
        ),
        other => return limit_exceeded(other, value),
    };
    over(limit, &what)
}

pub fn no_such_sheet(want: &str, names: &[String]) -> String {
    crate::tr!(
        "import-no-such-sheet",
        want = want,
        names = names.join(", ")
    )
}

pub fn no_sheets() -> String {
    crate::tr!("import-no-sheets")
}

pub fn workbook_reason() -> String {
    crate::tr!("import-workbook-reason")
}

pub fn unknown_encoding(label: &str) -> String {
    crate::tr!("import-unknown-encoding", label = label)
}

pub fn encoding_reason(reason: Reason) -> String {
    match reason {
        Reason::Bom => crate::tr!("import-reason-bom"),
        Reason::ValidUtf8 => crate::tr!("import-reason-valid-utf8"),
        Reason::MostlyUtf8 => crate::tr!("import-reason-mostly-utf8"),
        Reason::Guessed { line } => crate::tr!("import-reason-guessed", line = line),
        Reason::Forced => "--encoding".into(),
        Reason::Declared => crate::tr!("import-reason-declared"),
    }
}

pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => crate::tr!("import-tab"),
        other => (other as char).to_string(),
    }
}

pub fn unknown_profile(name: &str) -> String {
    crate::tr!("import-unknown-profile", name = name)
}

pub fn profile_forced() -> String {
    "--profile".into()
}

pub fn profile_detected(d: &Detection) -> String {
    let shown: Vec<&str> = d.matched.iter().take(4).map(String::as_str).collect();
    let more = if d.matched.len() > shown.len() {
        ", …"
    } else {
        ""
    };
    let runner = match &d.runner_up {
        Some((name, n)) => format!("; {}", crate::tr!("import-next-best", name = name, n = *n)),
        None => String::new(),
    };
    let shown = format!("{}{more}", shown.join(", "));
    crate::tr!(
        "import-profile-detected",
        count = d.matched.len(),
        shown = shown,
        runner = runner
    )
}

pub fn profile_generic_by_map() -> String {
    crate::tr!("import-profile-generic-by-map")
}

/// No profile found both an ID and a stage column; one came close: named as `--profile` would
/// name the missing column, with the headers that gave the profile away.
pub fn profile_near_miss(near: &NearMiss) -> String {
    let keys: Vec<&str> = near.missing.iter().map(|(f, _)| f.name()).collect();
    let labels: Vec<String> = near.missing.iter().map(|(f, _)| field_label(*f)).collect();
    let one = near.missing.len() == 1;
    let looks: Vec<String> = near
        .missing
        .iter()
        .filter(|(_, hs)| !hs.is_empty())
        .map(|(f, hs)| {
            let hs: Vec<String> = hs.iter().map(|h| format!("«{}»", safe::line(h))).collect();
            if one {
                hs.join(", ")
            } else {
                crate::tr!(
                    "import-near-miss-in",
                    field = field_label(*f),
                    headers = hs.join(", ")
                )
            }
        })
        .collect();
    let header = crate::tr!("import-header-placeholder");
    let maps: Vec<String> = keys.iter().map(|f| format!("{f}={header}")).collect();
    let fields = labels.join(&crate::tr!("import-or"));
    crate::tr!(
        "import-profile-near-miss",
        fields = fields,
        count = near.missing.len(),
        matched = short_list(&near.matched),
        profile = near.profile.as_str(),
        looks = looks.join("; "),
        maps = maps.join(",")
    )
}

pub fn profile_not_recognised(headers: &[String]) -> String {
    crate::tr!(
        "import-profile-not-recognised",
        headers = short_list(headers)
    )
}

fn short_list(items: &[String]) -> String {
    let shown: Vec<String> = items
        .iter()
        .take(8)
        .map(|h| format!("«{}»", safe::line(h)))
        .collect();
    let more = if items.len() > 8 { ", …" } else { "" };
    format!("{}{more}", shown.join(", "))
}

/// The human report of one file.
pub fn report(r: &ImportReport) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}", safe::line(&r.file));
    how_read(&mut s, r);
    let _ = writeln!(
        s,
        "  {}",
        crate::tr!("import-report-rows", rows = r.rows, cards = r.cards)
    );
    let _ = writeln!(
        s,
        "  {}",
        crate::tr!(
            "import-report-cards",
            inserted = r.inserted,
            updated = r.updated,
            moved = r.stage_changes,
            unchanged = r.unchanged,
            gone = r.gone
        )
    );
    if r.stage_renames > 0 {
        let _ = writeln!(
            s,
            "  {}",
            crate::tr!("import-report-renamed", count = r.stage_renames)
        );
    }
    columns(&mut s, r);
    unknown_stages(&mut s, r);
    for line in probable_renames(&r.probable_renames, r.dry_run) {
        let _ = writeln!(s, "  {line}");
    }
    absent_fields(&mut s, r);
    warnings(&mut s, r);
    if r.dry_run {
        let _ = writeln!(s, "  {}", crate::tr!("import-report-dry-run"));
    }
    s
}

/// The profile, encoding, delimiter and sheet the file was read with, and why.
fn how_read(s: &mut String, r: &ImportReport) {
    let _ = writeln!(
        s,
        "  {}",
        crate::tr!(
            "import-report-profile",
            profile = r.profile.as_str(),
            reason = r.profile_reason.as_str()
        )
    );
    // A workbook has no encoding of its own: its kind (xlsx, ods, …) is said as its format.
    let read_as = if r.sheet.is_some() {
        crate::tr!(
            "import-report-format",
            format = r.encoding.as_str(),
            reason = r.encoding_reason.as_str()
        )
    } else {
        crate::tr!(
            "import-report-encoding",
            encoding = r.encoding.as_str(),
            reason = r.encoding_reason.as_str()
        )
    };
    let _ = write!(s, "  {read_as}");
    if let Some(d) = &r.delimiter {
        let _ = write!(
            s,
            ", {}",
            crate::tr!("import-report-delimiter", delimiter = d)
        );
    }
    if let Some(sheet) = &r.sheet {
        let _ = write!(s, ", {}", crate::tr!("import-report-sheet", sheet = sheet));
    }
    let _ = writeln!(s);
}

/// After a report that named stages the funnel lacks: the funnel file to add them to, and
/// the funnel `okk funnel init --from-store` drafts from the store's own stages.
pub fn unknown_stages_next(funnel: &std::path::Path) -> String {
    crate::tr!(
        "import-unknown-stages-next",
        funnel = funnel.display().to_string()
    )
}

/// The stages the funnel lacks, by the source's cards there. A stage the store holds none of
/// them in (a dry run's rows, which it does not write) is no «(0)» there, but the file's rows:
/// said apart, by how many.
fn unknown_stages(s: &mut String, r: &ImportReport) {
    let (held, read): (Vec<_>, Vec<_>) = r.unknown_stages.iter().partition(|u| u.cards > 0);
    let read: Vec<_> = read.into_iter().filter(|u| u.read > 0).collect();
    let list = |stages: &[&crate::domain::import_report::UnknownStage], cards: bool| {
        let items: Vec<String> = stages
            .iter()
            .map(|u| {
                let n = if cards { u.cards } else { u.read };
                format!("«{}» ({n})", safe::line(&u.stage))
            })
            .collect();
        items.join(", ")
    };
    let source = safe::line(&r.source);
    if !held.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            crate::tr!(
                "import-report-unknown-stages",
                source = source.clone(),
                stages = list(&held, true)
            )
        );
    }
    if !read.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            crate::tr!(
                "import-report-unknown-stages-read",
                source = source,
                stages = list(&read, false)
            )
        );
    }
}

/// The stages the CRM probably renamed (an import's or a sync's), with what to do first (a dry
/// run) or now: a line each.
pub fn probable_renames(
    renames: &[crate::domain::stage_rename::ProbableRename],
    dry_run: bool,
) -> Vec<String> {
    let mut out = Vec::new();
    for p in renames {
        let (from, to) = (safe::line(&p.from), safe::line(&p.to));
        let line = if dry_run {
            crate::tr!(
                "import-report-probable-rename-before",
                from = from,
                to = to,
                cards = p.cards,
                held = p.held,
                reviewed = p.reviewed
            )
        } else {
            crate::tr!(
                "import-report-probable-rename-after",
                from = from,
                to = to,
                cards = p.cards,
                held = p.held,
                reviewed = p.reviewed
            )
        };
        out.push(line);
    }
    out
}

/// The file's columns new to its source, and the source's fields it has no column for: neither
/// changes a card (`sync::change::settle`).
fn columns(s: &mut String, r: &ImportReport) {
    if !r.new_columns.is_empty() {
        let _ = writeln!(
            s,
            "  {}",
            crate::tr!(
                "import-report-new-columns",
                count = r.new_columns.len(),
                columns = short_list(&r.new_columns),
                source = safe::line(&r.source),
                cards = r.new_column_cards
            )
        );
    }
    if !r.missing_columns.is_empty() {
        let fields: Vec<String> = r
            .missing_columns
            .iter()
            .map(|f| super::tui::field_label(f))
            .collect();
        let _ = writeln!(
            s,
            "  {}",
            crate::tr!(
                "import-report-missing-columns",
                count = r.missing_columns.len(),
                fields = short_list(&fields),
                source = safe::line(&r.source)
            )
        );
    }
}

/// okk's fields the source's export never carries.
fn absent_fields(s: &mut String, r: &ImportReport) {
    if r.absent_fields.is_empty() {
        return;
    }
    let list: Vec<String> = r
        .absent_fields
        .iter()
        // okk's own fields by the word the card uses for them («Телефон», not `phone`).
        .map(|f| format!("«{}»", safe::line(&super::tui::field_label(f))))
        .collect();
    let _ = writeln!(
        s,
        "  {}",
        crate::tr!(
            "import-report-not-exported",
            source = safe::line(&r.source),
            fields = list.join(", ")
        )
    );
}

/// How many warnings, the first few of them, and "…" when there are more.
fn warnings(s: &mut String, r: &ImportReport) {
    if r.warnings == 0 {
        return;
    }
    let _ = writeln!(
        s,
        "  {}",
        crate::tr!("import-report-warnings", count = r.warnings)
    );
    for w in &r.warning_samples {
        // Line 0: a warning about the file as a whole.
        if w.line == 0 {
            let _ = writeln!(s, "    {}", safe::line(&w.message));
            continue;
        }
        let col = if w.column.is_empty() {
            String::new()
        } else {
            format!(" [{}]", safe::line(&w.column))
        };
        let _ = writeln!(
            s,
            "    {}",
            crate::tr!(
                "import-report-warning",
                line = w.line,
                column = col,
                message = safe::line(&w.message)
            )
        );
    }
    if r.warnings as usize > r.warning_samples.len() {
        let _ = writeln!(s, "    …");
    }
}

/// A detail of a broken workbook or zip (one of the constants below) in the current language;
/// any other text (a library's own) as it is.
fn detail(e: &str) -> String {
    known_detail(e).unwrap_or_else(|| e.to_string())
}

fn known_detail(e: &str) -> Option<String> {
    Some(match e {
        NO_WORKBOOK_STREAM => crate::tr!("import-detail-no-workbook-stream"),
        DIMENSIONS_BEFORE_START => crate::tr!("import-detail-dimensions"),
        ZIP_TOO_SHORT => crate::tr!("import-detail-zip-too-short"),
        ZIP_ENTRY_UNREADABLE => crate::tr!("import-detail-zip-entry"),
        _ => return None,
    })
}

// Details of a broken workbook or zip, for the messages above.
pub const NO_WORKBOOK_STREAM: &str = "no Workbook stream";
pub const DIMENSIONS_BEFORE_START: &str = "a sheet's DIMENSIONS record ends before it starts";
pub const ZIP_TOO_SHORT: &str = "the file ends within its first bytes";
pub const ZIP_ENTRY_UNREADABLE: &str = "an entry of its directory cannot be read";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_librarys_positions_in_its_own_buffers_are_dropped_its_words_kept() {
        assert_eq!(
            library_words("Xml error: at 0..0: unrecognized entity `&xxe;`"),
            "Xml error: unrecognized entity `&xxe;`"
        );
        assert_eq!(
            library_words("escaping character at range 12..20: Cannot find ';'"),
            "escaping character Cannot find ';'"
        );
        assert_eq!(library_words("what format 1..2"), "what format 1..2");
        assert_eq!(library_words("look at 3 things"), "look at 3 things");
    }
}
