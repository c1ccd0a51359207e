//! Workbooks that lie about what calamine will hold (a shared-strings count no part could hold,
//! thousands of five-byte `<si/>` or `<xf/>`), name a shared string they lack, spell an entity
//! XML does not know, hold a NUL, or make calamine panic: each is refused as one line naming the
//! part or the cell, in the user's language, without a backtrace, the store as it was, and a
//! first import leaves no store behind. Each workbook is built here, small.

mod common;

use std::io::{Cursor, Write};
use std::path::Path;

use common::{Desk, assert_same, path_arg};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Сделки" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
const SST_START: &str = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;

/// An inline-string cell.
fn inline(at: &str, text: &str) -> String {
    format!(r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>"#)
}

/// The amoCRM header and one deal, its title cell (B2) as given.
fn sheet(title_cell: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">{}{}{}{}</row><row r="2">{}{title_cell}{}{}</row></sheetData></worksheet>"#,
        inline("A1", "ID"),
        inline("B1", "Название сделки"),
        inline("C1", "Этап сделки"),
        inline("D1", "Ответственный"),
        inline("A2", "4000"),
        inline("C2", "Первичный контакт"),
        inline("D2", "Анна"),
    )
}

/// A workbook of the given parts over the usual ones (a part named twice: the later wins).
fn xlsx(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let title = inline("B2", "Сделка");
    let sheet = sheet(&title);
    let sst = format!("{SST_START} count=\"0\" uniqueCount=\"0\"></sst>");
    let mut all: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/sharedStrings.xml", sst.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ];
    for (name, bytes) in parts {
        all.retain(|(n, _)| n != name);
        all.push((name, bytes));
    }
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in all {
        zip.start_file(name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

fn write(desk: &Desk, name: &str, bytes: &[u8]) -> String {
    let p = desk.dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    path_arg(&p)
}

/// `okk import ARGS` in `lang`: exit 1, one line of error (no panic, no backtrace); its stderr.
fn fails(desk: &Desk, lang: &str, args: &[&str]) -> String {
    let out = desk
        .okk()
        .env("OKK_LANG", lang)
        .arg("import")
        .args(args)
        .output()
        .expect("run okk");
    let err = String::from_utf8(out.stderr).expect("UTF-8 stderr");
    assert_eq!(out.status.code(), Some(1), "exit 1 expected:\n{err}");
    assert_eq!(err.lines().count(), 1, "one line of error:\n{err}");
    for crash in ["panicked", "memory allocation", "backtrace", "0..0"] {
        assert!(!err.contains(crash), "{crash:?} in:\n{err}");
    }
    err
}

/// A desk already holding a good export's cards.
fn desk_with_cards() -> Desk {
    let desk = Desk::new();
    let r = desk.import_one(&[&common::fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(r["inserted"], 5);
    desk
}

/// `file` refused in English and in Russian with `at` after its name and the two texts, on a
/// desk with cards (left as they were) and on a first import (which leaves no store behind).
fn refused(file: &[u8], extra: &[&str], at: &str, en: &str, ru: &str) {
    let desk = desk_with_cards();
    let path = write(&desk, "hostile.xlsx", file);
    let mut args: Vec<&str> = extra.to_vec();
    args.push(&path);
    let before = desk.digest();
    for (lang, says) in [("en", en), ("ru", ru)] {
        let err = fails(&desk, lang, &args);
        let prefix = format!("okk: {path}{at} ");
        assert!(err.starts_with(&prefix), "expected {prefix:?}, got:\n{err}");
        assert!(err.contains(says), "expected {says:?} in:\n{err}");
    }
    assert_same(&before, &desk.digest());

    let first = Desk::new();
    let path = write(&first, "hostile.xlsx", file);
    let mut args: Vec<&str> = extra.to_vec();
    args.push(&path);
    fails(&first, "en", &args);
    assert_eq!(store_files(first.dir.path()), Vec::<String>::new());
}

/// The store's files in a desk's folder (the store, its -wal and -shm, a writer's mark).
fn store_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("okk.db"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_shared_strings_count_no_part_could_hold_is_refused_before_calamine_reserves_it() {
    // 2^44 strings once made okk ask for 422 TB and abort; 2^64 - 1 panicked ("capacity
    // overflow") with a backtrace; a count no u64 holds is a claim all the same.
    for claim in [
        "17592186044416",
        "18446744073709551615",
        "99999999999999999999999",
    ] {
        let sst =
            format!("{SST_START} count=\"1\" uniqueCount=\"{claim}\"><si><t>x</t></si></sst>");
        let size = sst.len();
        let file = xlsx(&[("xl/sharedStrings.xml", sst.as_bytes())]);
        refused(
            &file,
            &[],
            ":",
            &format!(
                "broken workbook: its part «xl/sharedStrings.xml» says it holds {claim} shared \
                 strings (uniqueCount), but it is {size} bytes, room for {} at most (a string \
                 takes at least 5 bytes: <si/>)",
                size / 5
            ),
            "повреждённая книга: часть «xl/sharedStrings.xml» заявляет общих строк \
             (uniqueCount): ",
        );
    }
}

/// A shared-strings part of `n` empty strings, claiming `claim` of them.
fn empty_strings(n: usize, claim: Option<usize>) -> Vec<u8> {
    let claim = claim.map_or(String::new(), |c| format!(" uniqueCount=\"{c}\""));
    format!("{SST_START}{claim}>{}</sst>", "<si/>".repeat(n)).into_bytes()
}

#[test]
fn a_count_the_part_could_hold_but_memory_may_not_is_refused_at_the_part_limit() {
    // 1,000 strings of 5 bytes claimed: 24,000 bytes set aside before one is read.
    let file = xlsx(&[("xl/sharedStrings.xml", &empty_strings(1000, Some(1000)))]);
    refused(
        &file,
        &["--limit", "part=8K"],
        ":",
        "over the «part» limit: its part «xl/sharedStrings.xml» says it holds 1000 shared \
         strings (uniqueCount), and the reader sets 24 bytes aside for each before it reads \
         one: 23 KiB, more than 8 KiB; if the file is genuine, raise it with --limit part=VALUE",
        "превышен предел «part»: его часть «xl/sharedStrings.xml» заявляет общих строк \
         (uniqueCount): 1\u{202f}000, а программа чтения откладывает под каждую 24 байта, ещё не \
         прочитав ни одной: 23 КиБ, больше 8 КиБ",
    );
    let desk = Desk::new();
    let path = write(&desk, "claimed.xlsx", &file);
    let r = desk.import_one(&["--limit", "part=32K", &path]);
    assert_eq!(r["inserted"], 1);
}

#[test]
fn shared_strings_are_held_to_the_part_limit_as_memory_not_only_as_xml() {
    // 3,000 `<si/>` are 15 KB of XML, under the 16 KiB limit, but 24 bytes each in a table that
    // doubles as it grows, the old one copied over: the 257th makes it 512 + 256 slots, 18 KiB.
    let file = xlsx(&[("xl/sharedStrings.xml", &empty_strings(3000, None))]);
    refused(
        &file,
        &["--limit", "part=16K"],
        ":",
        "over the «part» limit: its part «xl/sharedStrings.xml» is read into memory whole, and \
         its first 257 shared strings alone take 18 KiB there (24 bytes each, and their text), \
         more than 16 KiB",
        "превышен предел «part»: его часть «xl/sharedStrings.xml» читается в память целиком, и \
         уже первые её общие строки (257) занимают там 18 КиБ (по 24 байта на строку и их \
         текст), больше 16 КиБ",
    );
    // The limit is all that is in the way.
    let desk = Desk::new();
    let path = write(&desk, "many.xlsx", &file);
    let r = desk.import_one(&["--limit", "part=1M", &path]);
    assert_eq!(r["inserted"], 1);
}

#[test]
fn five_byte_styles_that_cost_calamine_hundreds_each_are_held_to_the_part_limit() {
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><cellXfs>{}</cellXfs></styleSheet>"#,
        "<xf/>".repeat(20_000)
    );
    let file = xlsx(&[("xl/styles.xml", styles.as_bytes())]);
    refused(
        &file,
        &["--limit", "part=1M"],
        ":",
        "over the «part» limit: its part «xl/styles.xml» is read into memory whole, and its \
         first ",
        "превышен предел «part»: его часть «xl/styles.xml» читается в память целиком",
    );
    let desk = Desk::new();
    let path = write(&desk, "styles.xlsx", &file);
    assert_eq!(desk.import_one(&[&path])["inserted"], 1);
}

#[test]
fn a_cell_naming_a_shared_string_the_workbook_lacks_is_an_error_at_that_cell() {
    let sst = format!("{SST_START} count=\"1\" uniqueCount=\"1\"><si><t>x</t></si></sst>");
    let sheet = sheet(r#"<c r="B2" t="s"><v>999999999</v></c>"#);
    let file = xlsx(&[
        ("xl/sharedStrings.xml", sst.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
    ]);
    refused(
        &file,
        &[],
        ":2:2:",
        "sheet «Сделки», cell B2: it refers to shared string 999999999 (counted from 0), but \
         the workbook's shared strings number 1; open the workbook in a spreadsheet and save it \
         again, or export CSV",
        "лист «Сделки», ячейка B2: она ссылается на общую строку 999\u{202f}999\u{202f}999 (счёт с 0), а \
         общих строк в книге: 1",
    );
    let desk = Desk::new();
    let path = write(&desk, "oor.xlsx", &file);
    let out = desk
        .okk()
        .args(["import", "--json", &path])
        .output()
        .unwrap();
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (line["line"].as_u64(), line["column"].as_u64()),
        (Some(2), Some(2))
    );
}

#[test]
fn an_entity_xml_does_not_define_is_said_in_the_users_language_where_it_is() {
    let doctype =
        r#"<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>"#;
    let sst = format!(
        r#"{doctype}<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&xxe;</t></si></sst>"#
    );
    refused(
        &xlsx(&[("xl/sharedStrings.xml", sst.as_bytes())]),
        &[],
        ":",
        "broken workbook: it uses the entity «&xxe;», which XML does not define (okk expands no \
         entity a DOCTYPE declares); open it in a spreadsheet and save it again, or export CSV",
        "повреждённая книга: в ней есть сущность «&xxe;», которой в XML нет (сущностей, \
         объявленных в DOCTYPE, okk не раскрывает)",
    );
    let sheet = sheet(&inline("B2", "&xxe;"));
    refused(
        &xlsx(&[("xl/worksheets/sheet1.xml", sheet.as_bytes())]),
        &[],
        ":2:2:",
        "sheet «Сделки», cell B2: it uses the entity «&xxe;», which XML does not define",
        "лист «Сделки», ячейка B2: в ней есть сущность «&xxe;»",
    );
}

#[test]
fn broken_xml_keeps_the_parsers_words_as_a_detail_in_the_users_language() {
    // An `<si>` never closed: the parser's own words stay, inside the user's language.
    let sst = format!("{SST_START}><si><t>x</t></si><si><t>y");
    refused(
        &xlsx(&[("xl/sharedStrings.xml", sst.as_bytes())]),
        &[],
        ":",
        "broken workbook: its XML ends before the closing </",
        "повреждённая книга: её XML кончается раньше закрывающего </",
    );
    let mut sheet = sheet(&inline("B2", "Сделка"));
    sheet.truncate(sheet.find("<row r=\"2\">").unwrap() + 40);
    sheet.push_str("<![CDATA[");
    let err = fails(
        &Desk::new(),
        "ru",
        &[&write(
            &Desk::new(),
            "cut.xlsx",
            &xlsx(&[("xl/worksheets/sheet1.xml", sheet.as_bytes())]),
        )],
    );
    assert!(err.contains("лист «Сделки», ячейка "), "{err}");
    assert!(err.contains("её XML не соответствует формату ("), "{err}");
}

#[test]
fn a_nul_in_a_workbook_cell_is_refused_at_the_cell_as_a_csv_field_holding_one_is() {
    let nul = sheet(&inline("B2", "a_x0000_b"));
    refused(
        &xlsx(&[("xl/worksheets/sheet1.xml", nul.as_bytes())]),
        &[],
        ":2:2:",
        "cell B2 holds a NUL character (an xlsx writes it _x0000_): no CRM writes one, so the \
         file is damaged; delete the character (or the row), or export the deals again",
        "в ячейке B2 символ NUL (в xlsx он записан как _x0000_)",
    );
    // Other control characters are kept, as a CSV keeps them (and shown as placeholders).
    let desk = Desk::new();
    let bel = sheet(&inline("B2", "a_x0007_b"));
    let path = write(
        &desk,
        "bel.xlsx",
        &xlsx(&[("xl/worksheets/sheet1.xml", bel.as_bytes())]),
    );
    assert_eq!(desk.import_one(&[&path])["inserted"], 1);
    assert_eq!(desk.card("4000")["title"], "a\u{7}b");
}

#[test]
fn a_panic_inside_the_workbook_reader_is_a_broken_workbook_without_a_backtrace() {
    // An xlsb whose shared strings begin with a record too short for its count: calamine
    // slices past its end and panics.
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, bytes) in [
        ("xl/workbook.bin", &[][..]),
        ("xl/sharedStrings.bin", &[0x9F, 0x01, 0x00][..]),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(bytes).unwrap();
    }
    let file = zip.finish().unwrap().into_inner();
    refused(
        &file,
        &[],
        ":",
        "broken workbook: the reader gave up on it (range start index 4 out of range for slice \
         of length 0); open it in a spreadsheet and save it again, or export CSV",
        "повреждённая книга: программа чтения на ней сломалась (range start index 4",
    );
}
