//! Messages of `okk import`: errors that stop an import, warnings, and the report.

use super::safe;
use crate::sync::decode::Reason;
use crate::sync::profile::Detection;

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

pub fn empty_file() -> String {
    "the file is empty: there is no header row".into()
}

pub fn binary_file(at: usize) -> String {
    format!(
        "this is not a text export (a NUL byte at offset {at}); export the deals as CSV or XLSX"
    )
}

pub fn html_table() -> String {
    "this is an HTML table saved as a spreadsheet (Bitrix24's \"Export to Excel\"); \
     export as CSV instead"
        .into()
}

pub fn bad_workbook(e: &str) -> String {
    format!("cannot read the workbook: {e}")
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
        Reason::Bom => "byte-order mark",
        Reason::ValidUtf8 => "valid UTF-8",
        Reason::Guessed => "guessed from letter frequencies",
        Reason::Forced => "--encoding",
    }
    .into()
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
pub fn profile_near_miss(near: &crate::sync::profile::NearMiss) -> String {
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
pub fn report(r: &crate::sync::ImportReport) -> String {
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
