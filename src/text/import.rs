//! Messages of `okk import`: errors that stop an import, warnings, and the report.

use super::safe;
use crate::domain::import_report::{Detection, ImportReport, NearMiss, Reason};
use crate::domain::limit::Limit;

pub fn map_entry_without_equals(part: &str) -> String {
    format!("--map entry «{part}» has no «=»; write it as field=Header, e.g. stage=Status")
}

pub fn map_unknown_field(field: &str) -> String {
    let known: Vec<&str> = crate::domain::SystemField::ALL
        .iter()
        .map(|f| f.name())
        .collect();
    format!(
        "--map names an unknown field «{field}»; use one of: {}",
        known.join(", ")
    )
}

pub fn map_empty_header(field: &str) -> String {
    format!("--map {field}= has no header after «=»")
}

pub fn map_header_missing(field: &str, header: &str, headers: &[String]) -> String {
    format!(
        "--map {field}={}: the file has no column «{}»; its columns are: {}",
        safe::line(header),
        safe::line(header),
        short_list(headers)
    )
}

pub fn unnamed_column(n: usize) -> String {
    format!("Column {n}")
}

pub fn missing_column(field: &str, profile: &str, expected: &[String]) -> String {
    let hint = if expected.is_empty() {
        String::new()
    } else {
        format!(
            " (profile {profile} looks for {})",
            expected
                .iter()
                .map(|h| format!("«{h}»"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    format!("no {field} column in the header{hint}; name it with --map {field}=HEADER")
}

pub fn wrong_field_count(found: usize, expected: usize) -> String {
    format!(
        "this row has {found} fields but the header has {expected}; \
         look for a stray delimiter or an unbalanced quote on this line"
    )
}

pub fn empty_required(field: &str, column: Option<&str>) -> String {
    match column {
        Some(c) => format!("the {field} column «{c}» is empty; every row needs one"),
        None => format!("no {field} in this row"),
    }
}

pub fn bad_amount(value: &str) -> String {
    format!("«{value}» is not an amount; kept as text")
}

pub fn bad_date(value: &str, formats: &[String]) -> String {
    format!(
        "«{value}» is not a date in a known format ({}); kept as text",
        formats.join(", ")
    )
}

pub fn bad_bool(value: &str) -> String {
    format!("«{value}» is not yes/no; kept as text")
}

pub fn bad_status(value: &str) -> String {
    format!("«{value}» is not a status this profile knows; kept as text")
}

pub fn duplicate_id() -> String {
    "this row repeats the ID of an earlier row (or, for grouped product rows, of an earlier \
     group); the later row is ignored"
        .into()
}

pub fn scientific_id(id: &str) -> String {
    format!(
        "ID «{id}» looks like a number Excel turned into scientific notation, so it may not match \
         the CRM's record; export again without opening the file in Excel"
    )
}

pub fn unclosed_quote() -> String {
    "a quoted field that starts in this record is never closed: the file ends inside quotes \
     (the file may be truncated, or a quote inside a field is not doubled)"
        .into()
}

pub fn not_utf8() -> String {
    "bytes here are not valid UTF-8; if the file is in another encoding, pass --encoding \
     (e.g. --encoding windows-1251)"
        .into()
}

pub fn undecodable(offset: u64) -> String {
    format!(
        "bytes at offset {offset} cannot be decoded in the chosen encoding; pass the right one \
         with --encoding"
    )
}

pub fn cannot_read(e: &std::io::Error) -> String {
    format!("cannot read the file: {e}")
}

// Whole-file errors start with their class: empty file, binary file, not a workbook, broken
// zip, broken workbook, over a limit.

pub fn empty_file() -> String {
    "empty file: there is no header row (the file is empty or holds only blanks)".into()
}

pub fn binary_file(at: usize) -> String {
    format!(
        "binary file: a NUL byte at offset {at}, so this is not a text export; export the deals \
         as CSV or XLSX"
    )
}

pub fn html_table() -> String {
    "not a workbook: this is an HTML table saved as a spreadsheet (Bitrix24's \"Export to \
     Excel\"); export as CSV instead"
        .into()
}

pub fn broken_zip(e: &str) -> String {
    format!(
        "broken zip: the file starts like an xlsx/ods (a zip archive) but its directory cannot be \
         read ({e}); it may be truncated — export it again"
    )
}

pub fn zip_without_sheet(entries: usize) -> String {
    format!(
        "not a workbook: a zip archive ({entries} {}) with no spreadsheet in it \
         (xlsx, xlsb or ods)",
        if entries == 1 { "file" } else { "files" }
    )
}

pub fn not_a_workbook_ole(e: &str) -> String {
    format!(
        "not a workbook: an Office file that is not an Excel 97–2003 workbook, or one that is \
         password-protected ({e}); save it as XLSX or CSV"
    )
}

pub fn broken_workbook(e: &str) -> String {
    let detail = if e.is_empty() {
        "its XML does not follow the format".to_string()
    } else {
        safe::line(e).into_owned()
    };
    format!("broken workbook: {detail}; open it in a spreadsheet and save it again, or export CSV")
}

pub fn workbook_reader_stopped() -> String {
    broken_workbook("the sheet reader stopped")
}

pub fn sheet_rows_out_of_order(cell: &str, after_row: u64) -> String {
    format!(
        "cell {cell} comes after row {after_row}: the sheet's rows are out of order, which \
         spreadsheet programs never write; save the file again"
    )
}

pub fn sheet_cell_left_of_header(cell: &str) -> String {
    format!(
        "cell {cell} is left of the header's first column, so it has no header; delete it or \
         give it one"
    )
}

pub fn sheet_beyond_header(column: usize, width: usize) -> String {
    format!(
        "this row has a value in column {column} but the header has {width}; a cell beyond the \
         header has no field to go to — give the column a header or delete the cell"
    )
}

pub fn limit_spec_without_equals(part: &str) -> String {
    format!("--limit entry «{part}» has no «=»; write it as NAME=VALUE, e.g. columns=5000")
}

pub fn limit_unknown(name: &str) -> String {
    let known: Vec<&str> = Limit::ALL.iter().map(|l| l.name()).collect();
    format!(
        "--limit names an unknown limit «{name}»; use one of: {}",
        known.join(", ")
    )
}

pub fn limit_bad_value(name: &str, value: &str) -> String {
    format!(
        "--limit {name}={value}: not a positive number{}",
        if Limit::ALL.iter().any(|l| l.name() == name && l.is_bytes()) {
            " of bytes (K, M and G suffixes are fine: 64M)"
        } else {
            ""
        }
    )
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

fn raise(limit: Limit) -> String {
    format!(
        "; if the file is genuine, raise it with --limit {}=VALUE",
        limit.name()
    )
}

/// A row or cell that crosses a limit (the error's line and column say where).
pub fn limit_exceeded(limit: Limit, value: u64) -> String {
    let what = match limit {
        Limit::Columns => format!("this row has more than {value} columns"),
        Limit::Cell => format!(
            "this cell is over {} (a quote never closed also runs the rest of the file into one \
             cell)",
            size(value)
        ),
        Limit::Row => format!("this row is over {}", size(value)),
        Limit::Rows => format!("the file has more than {value} data rows"),
        other => format!("{} is over {value}", other.name()),
    };
    format!("over the «{}» limit: {what}{}", limit.name(), raise(limit))
}

pub fn grid_limit(value: u64, rows: u64, columns: u64) -> String {
    format!(
        "over the «grid» limit: the sheet spans {rows} rows × {columns} columns, more than \
         {value} cells, and an ods or xls sheet is read into memory whole{}",
        raise(Limit::Grid)
    )
}

/// A file that crosses a limit as a whole (`part`: the zip part at fault).
pub fn whole_file_limit(limit: Limit, value: u64, found: u64, part: Option<&str>) -> String {
    let part = part.map(|p| format!("its part «{}»", safe::line(p)));
    let what = match limit {
        Limit::Workbook => format!("the workbook is {}, over {}", size(found), size(value)),
        Limit::Unpacked => format!(
            "the workbook unpacks to more than {} (at least {}); a small file that unpacks to \
             this much is a zip bomb",
            size(value),
            size(found)
        ),
        Limit::Part => format!(
            "{} unpacks to {}, over {}; it would be read into memory whole",
            part.unwrap_or_default(),
            size(found),
            size(value)
        ),
        Limit::Ratio => format!(
            "{} is packed {found}:1, tighter than {value}:1, the mark of a zip bomb",
            part.unwrap_or_default()
        ),
        other => return limit_exceeded(other, value),
    };
    format!("over the «{}» limit: {what}{}", limit.name(), raise(limit))
}

pub fn no_such_sheet(want: &str, names: &[String]) -> String {
    format!(
        "the workbook has no sheet «{want}»; its sheets are: {}",
        names.join(", ")
    )
}

pub fn no_sheets() -> String {
    "the workbook has no sheets".into()
}

pub fn workbook_reason() -> String {
    "workbook".into()
}

pub fn unknown_encoding(label: &str) -> String {
    format!(
        "unknown encoding «{label}»; use utf-8, utf-16le, utf-16be, windows-1251 (cp1251) or koi8-r"
    )
}

pub fn encoding_reason(reason: Reason) -> String {
    match reason {
        Reason::Bom => "byte-order mark".into(),
        Reason::ValidUtf8 => "valid UTF-8".into(),
        Reason::MostlyUtf8 => "UTF-8 but for a few bad bytes".into(),
        Reason::Guessed { line } => format!(
            "not UTF-8 (line {line} has bytes UTF-8 cannot hold); guessed from letter frequencies"
        ),
        Reason::Forced => "--encoding".into(),
    }
}

pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".into(),
        other => (other as char).to_string(),
    }
}

pub fn unknown_profile(name: &str) -> String {
    format!(
        "unknown profile «{name}»; use auto, amocrm, bitrix24, hubspot, pipedrive, salesforce or generic"
    )
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
        Some((name, n)) => format!("; next best {name} with {n}"),
        None => String::new(),
    };
    format!(
        "{} of its headers found ({}{more}){runner}",
        d.matched.len(),
        shown.join(", ")
    )
}

pub fn profile_generic_by_map() -> String {
    "no CRM profile matched; columns from --map".into()
}

/// No profile found both an ID and a stage column; one came close: named as `--profile` would
/// name the missing column, with the headers that gave the profile away.
pub fn profile_near_miss(near: &NearMiss) -> String {
    let fields: Vec<&str> = near.missing.iter().map(|(f, _)| f.name()).collect();
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
                format!("{} in {}", f.name(), hs.join(", "))
            }
        })
        .collect();
    let maps: Vec<String> = fields.iter().map(|f| format!("{f}=HEADER")).collect();
    format!(
        "no {} column in the header ({} are {}'s headers; profile {} looks for {}); \
         name {} with --map {}",
        fields.join(" or "),
        short_list(&near.matched),
        near.profile,
        near.profile,
        looks.join("; "),
        if one { "it" } else { "them" },
        maps.join(",")
    )
}

pub fn profile_not_recognised(headers: &[String]) -> String {
    format!(
        "no profile recognises these headers ({}); pass --profile NAME, or --map \
         external_id=HEADER,stage=HEADER,... for any other CSV",
        short_list(headers)
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
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{}", safe::line(&r.file));
    let _ = writeln!(s, "  profile   {} ({})", r.profile, r.profile_reason);
    let _ = write!(s, "  encoding  {} ({})", r.encoding, r.encoding_reason);
    if let Some(d) = &r.delimiter {
        let _ = write!(s, ", delimiter «{d}»");
    }
    if let Some(sheet) = &r.sheet {
        let _ = write!(s, ", sheet «{sheet}»");
    }
    let _ = writeln!(s);
    let _ = writeln!(s, "  rows      {} ({} cards)", r.rows, r.cards);
    let _ = writeln!(
        s,
        "  cards     {} new, {} updated ({} moved stage), {} unchanged, {} gone",
        r.inserted, r.updated, r.stage_changes, r.unchanged, r.gone
    );
    if !r.unknown_stages.is_empty() {
        let list: Vec<String> = r
            .unknown_stages
            .iter()
            .map(|u| format!("«{}» ({})", safe::line(&u.stage), u.cards))
            .collect();
        let _ = writeln!(
            s,
            "  unknown stages (not in the funnel; add them or their aliases): {}",
            list.join(", ")
        );
    }
    if !r.absent_fields.is_empty() {
        let list: Vec<String> = r
            .absent_fields
            .iter()
            .map(|f| format!("«{}»", safe::line(f)))
            .collect();
        let _ = writeln!(
            s,
            "  not exported (the funnel requires them, no export of «{}» has the column; not \
             flagged on the cards): {}",
            safe::line(&r.source),
            list.join(", ")
        );
    }
    if r.warnings > 0 {
        let _ = writeln!(s, "  warnings  {}", r.warnings);
        for w in &r.warning_samples {
            let col = if w.column.is_empty() {
                String::new()
            } else {
                format!(" [{}]", safe::line(&w.column))
            };
            let _ = writeln!(s, "    line {}{col}: {}", w.line, safe::line(&w.message));
        }
        if r.warnings as usize > r.warning_samples.len() {
            let _ = writeln!(s, "    …");
        }
    }
    if r.dry_run {
        let _ = writeln!(s, "  dry run: nothing was written");
    }
    s
}

// Details of a broken workbook or zip, for the messages above.
pub const NO_WORKBOOK_STREAM: &str = "no Workbook stream";
pub const DIMENSIONS_BEFORE_START: &str = "a sheet's DIMENSIONS record ends before it starts";
pub const ZIP_TOO_SHORT: &str = "the file ends within its first bytes";
pub const ZIP_ENTRY_UNREADABLE: &str = "an entry of its directory cannot be read";
