//! Bitrix24's "Export to Excel" (an HTML table named .xls) imports as its CSV export does: the
//! same deals give the same store, from a cloud portal's UTF-8 or a box install's windows-1251;
//! a broken file is refused at its row, and the store stays as it was.

mod common;

use common::{Desk, Digest, Table, assert_same, fixture, path_arg, text};

/// What a store holds with the import's own trace left out (its batch: the file's name and
/// encoding, and the moment it ran): what the file said.
fn contents(desk: &Desk) -> Digest {
    let batches = desk.rows(Table::ImportBatches);
    let moments: Vec<String> = (batches.iter())
        .flat_map(|b| [text(b, "started_at"), text(b, "finished_at")])
        .collect();
    let mut digest = desk.digest();
    digest.remove("import_batches");
    for rows in digest.values_mut() {
        for row in rows.iter_mut() {
            for m in &moments {
                *row = row.replace(m.as_str(), "<import time>");
            }
        }
    }
    digest
}

#[test]
fn a_bitrix24_html_export_gives_the_store_its_csv_export_gives() {
    let csv = Desk::new();
    let from_csv = csv.import_one(&[&fixture("bitrix24_deals.csv")]);
    for (file, encoding) in [
        ("bitrix24_deals.xls", "UTF-8"),
        ("bitrix24_deals_cp1251.xls", "windows-1251"),
    ] {
        let html = Desk::new();
        let r = html.import_one(&[&fixture(file)]);
        assert_eq!(r["encoding"], encoding, "{r:#}");
        assert!(
            (r["encoding_reason"].as_str().unwrap()).starts_with("HTML table, declared in its"),
            "{r:#}"
        );
        assert_eq!(r["delimiter"], serde_json::Value::Null);
        for key in [
            "profile",
            "rows",
            "cards",
            "inserted",
            "unknown_stages",
            "warnings",
        ] {
            assert_eq!(r[key], from_csv[key], "{key}: {r:#}");
        }
        assert_same(&contents(&csv), &contents(&html));
        assert_eq!(csv.stats(), html.stats(), "{file}");
        // Cell for cell what the CSV holds: the CSV finds every card unchanged.
        let again = html.import_one(&[&fixture("bitrix24_deals.csv")]);
        assert_eq!(
            (&again["unchanged"], &again["updated"], &again["inserted"]),
            (&3.into(), &0.into(), &0.into()),
            "{again:#}"
        );
    }
    // The values a spreadsheet shows: entities decoded, `&nbsp;` an empty cell.
    let html = Desk::new();
    html.import_one(&[&fixture("bitrix24_deals_cp1251.xls")]);
    let card = html.card("502");
    assert_eq!(card["notes"], r#"["Оплата \"в два транша\""]"#);
    assert_eq!(card["amount"], 1_200_000.0);
    assert_eq!(html.card("503")["amount"], serde_json::Value::Null);
}

#[test]
fn a_dry_run_of_an_html_export_reports_and_writes_nothing() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let before = desk.digest();
    let r = desk.import_one(&["--dry-run", &fixture("bitrix24_deals_cp1251.xls")]);
    assert_eq!(r["dry_run"], true);
    assert_eq!(r["encoding"], "windows-1251");
    assert_eq!(
        (&r["rows"], &r["inserted"]),
        (&5.into(), &3.into()),
        "{r:#}"
    );
    assert_same(&before, &desk.digest());
    // The text report says what the file is.
    let out = desk
        .okk()
        .args(["import", "--dry-run", &fixture("bitrix24_deals.xls")])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains("  encoding  UTF-8 (HTML table, declared in its <meta>)\n"),
        "{out}"
    );
}

/// The UTF-8 fixture's text with `edit` applied, written into the desk's folder.
fn broken(desk: &Desk, name: &str, edit: impl FnOnce(String) -> Vec<u8>) -> String {
    let good =
        std::fs::read_to_string(common::repo().join("tests/fixtures/import/bitrix24_deals.xls"))
            .unwrap();
    let path = desk.dir.path().join(name);
    std::fs::write(&path, edit(good)).unwrap();
    path_arg(&path)
}

/// Imports `file` into `desk` (holding cards already): exit 1, one line of error
/// `okk: FILE{at} …says…`, the store as it was.
fn refused(desk: &Desk, file: &str, at: &str, says: &str) -> String {
    let before = desk.digest();
    let err = desk.import_fails(&[file]);
    let prefix = format!("okk: {file}{at} ");
    assert!(err.starts_with(&prefix), "expected {prefix:?}, got:\n{err}");
    assert!(err.contains(says), "expected {says:?} in:\n{err}");
    assert_eq!(err.lines().count(), 1, "one line of error:\n{err}");
    assert_same(&before, &desk.digest());
    err
}

#[test]
fn a_broken_html_export_is_refused_at_its_row_and_changes_nothing() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);

    // Cut inside its fourth deal row (the table's row 5, the file's line 29): a truncated file
    // would otherwise mark the deals it lost gone.
    let cut = broken(&desk, "cut.xls", |t| {
        let at = t.find("<td>Офис на первом этаже").unwrap();
        t.as_bytes()[..at].to_vec()
    });
    refused(
        &desk,
        &cut,
        ":5:",
        "the file ends inside the table, in its row 5 (line 29 of the file), with no </table>: \
         it is cut off",
    );

    let no_table = broken(&desk, "no_table.xls", |t| {
        t.replace("table", "div").into_bytes()
    });
    refused(
        &desk,
        &no_table,
        ":",
        "not a table: the file is HTML but holds no <table>",
    );

    let no_header = broken(&desk, "no_header.xls", |t| {
        let (head, rest) = t.split_once("</thead>").unwrap();
        let start = head.find("<thead>").unwrap();
        let empty = "<thead><tr><th></th><th>&nbsp;</th></tr>";
        format!("{}{empty}</thead>{rest}", &head[..start]).into_bytes()
    });
    refused(
        &desk,
        &no_header,
        ":1:",
        "the table's first row (line 3 of the file) has no text",
    );

    let empty = broken(&desk, "empty.xls", |t| {
        let start = t.find("<thead>").unwrap();
        let end = t.find("</table>").unwrap();
        format!("{}{}", &t[..start], &t[end..]).into_bytes()
    });
    refused(&desk, &empty, ":", "broken table: the table has no rows");

    // A row that lost a cell is refused as a CSV record that lost a field is.
    let short = broken(&desk, "short.xls", |t| {
        t.replacen("<td>RUB</td>", "", 2).into_bytes()
    });
    refused(
        &desk,
        &short,
        ":2:",
        "this row has 17 fields but the header has 18",
    );

    // The <meta> says UTF-8, the bytes are windows-1251.
    let lying = broken(&desk, "lying.xls", |t| {
        encoding_rs::WINDOWS_1251.encode(&t).0.into_owned()
    });
    refused(
        &desk,
        &lying,
        ":1:",
        "bytes on line 6 of the file are not valid UTF-8; if the file is in another encoding, \
         pass --encoding",
    );
    // Told the right one, it imports.
    let r = desk.import_one(&["--encoding", "cp1251", &lying]);
    assert_eq!(r["inserted"], 3, "{r:#}");
}

#[test]
fn an_html_export_s_errors_read_in_russian() {
    let desk = Desk::new();
    let cut = broken(&desk, "обрезан.xls", |t| {
        t.as_bytes()[..t.find("</tbody>").unwrap()].to_vec()
    });
    let out = desk
        .okk()
        .args(["--lang", "ru", "import", &cut])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "okk: {cut}:6: файл кончается внутри таблицы, в её строке 6 (строка 31 файла), \
             без </table>: он обрезан; выгрузите его заново"
        )),
        "{err}"
    );
    let r = desk
        .okk()
        .args([
            "--lang",
            "ru",
            "import",
            "--dry-run",
            &fixture("bitrix24_deals_cp1251.xls"),
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(r.stdout).unwrap();
    assert!(
        out.contains("  кодировка windows-1251 (HTML-таблица, указана в её <meta>)\n"),
        "{out}"
    );
}
