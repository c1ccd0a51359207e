//! Bitrix24's "Export to Excel" (an HTML table named .xls) imports as its CSV export does: the
//! same deals give the same store, from a cloud portal's UTF-8 or a box install's windows-1251;
//! a broken file is refused at its row, and the store stays as it was.

mod common;

use common::{Desk, Digest, Table, assert_same, fixture, path_arg, text};

/// What a store holds with the import's own trace left out (its batch: the file's name and
/// encoding, and the moment it ran; the funnel recorded when the store was made): what the file
/// said.
fn contents(desk: &Desk) -> Digest {
    let batches = desk.rows(Table::ImportBatches);
    let moments: Vec<String> = (batches.iter())
        .flat_map(|b| [text(b, "started_at"), text(b, "finished_at")])
        .collect();
    let mut digest = desk.digest();
    digest.remove("import_batches");
    digest.remove("funnel_versions");
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

/// The fixture's text with its first line (the `<meta>`) replaced by `opening`, as UTF-8.
fn opened_with(desk: &Desk, name: &str, opening: &str) -> String {
    broken(desk, name, |t| {
        let (_, rest) = t.split_once('\n').unwrap();
        format!("{opening}{rest}").into_bytes()
    })
}

/// An export opening with a `<style>`, a comment, an `<?xml?>` declaration, a BOM and blank
/// lines, or in UTF-16 with its BOM, is the HTML table it holds (tester29 F7: these were read as
/// a CSV and refused with advice to --map its columns); one that opens as HTML but holds no
/// table says so; an Excel 2003 XML workbook is named for what it is.
#[test]
fn an_html_export_is_read_whatever_it_opens_with() {
    let plain = Desk::new();
    plain.import_one(&[&fixture("bitrix24_deals.xls")]);
    for (name, opening) in [
        (
            "style.xls",
            "<style>td{mso-number-format:\"\\@\";}</style>\n",
        ),
        ("comment.xls", "<!-- export -->\n"),
        ("xml.xls", "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
        (
            "bom.xls",
            "\u{feff}\r\n\r\n  <!-- a --><?xml version=\"1.0\"?>\n",
        ),
    ] {
        let desk = Desk::new();
        let file = opened_with(&desk, name, opening);
        let r = desk.import_one(&[&file]);
        assert_eq!(
            (&r["profile"], &r["inserted"]),
            (&"bitrix24".into(), &3.into()),
            "{name}: {r:#}"
        );
        assert!(
            (r["encoding_reason"].as_str().unwrap()).starts_with("HTML table, "),
            "{name}: {r:#}"
        );
        assert_same(&contents(&plain), &contents(&desk));
    }
    // UTF-16 with its byte-order mark, the `<meta>` kept (its charset is no UTF-16 one).
    let desk = Desk::new();
    let utf16 = broken(&desk, "utf16.xls", |t| {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in t.replace("charset=UTF-8", "charset=utf-16").encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes
    });
    let r = desk.import_one(&[&utf16]);
    assert_eq!(
        (&r["encoding"], &r["inserted"]),
        (&"UTF-16LE".into(), &3.into()),
        "{r:#}"
    );
    assert_same(&contents(&plain), &contents(&desk));

    // HTML with no table: said so, no advice about a CSV's columns.
    let no_table = broken(&desk, "denied.xls", |_| {
        "<!-- export -->\n<p>Доступ запрещён</p>\n"
            .as_bytes()
            .to_vec()
    });
    let err = refused(
        &desk,
        &no_table,
        ":",
        "not a table: the file is HTML but holds no <table>",
    );
    assert!(!err.contains("--map"), "{err}");

    let xml = broken(&desk, "workbook.xls", |_| {
        b"<?xml version=\"1.0\"?>\n<?mso-application progid=\"Excel.Sheet\"?>\n\
          <Workbook xmlns=\"urn:schemas-microsoft-com:office:spreadsheet\"><Worksheet ss:Name=\"1\">\
          <Table><Row><Cell><Data ss:Type=\"String\">ID</Data></Cell></Row></Table></Worksheet></Workbook>"
            .to_vec()
    });
    refused(
        &desk,
        &xml,
        ":",
        "an Excel 2003 XML spreadsheet (SpreadsheetML), which okk does not read: open it in Excel \
         or LibreOffice and save it as .xlsx",
    );
}

/// A merged cell in a deal row (tester29 F8: `colspan` over «Стадия сделки» and «Воронка»)
/// imports as a spreadsheet shows it, its neighbour empty, and is warned of at its row with the
/// file's line and the columns it spread over, in both languages.
#[test]
fn a_merged_cell_in_a_deal_row_is_warned_of_at_its_row() {
    let desk = Desk::new();
    let merged = broken(&desk, "merged.xls", |t| {
        t.replacen(
            "<td>Офис на первом этаже</td><td>Сделка успешна</td><td>Общая</td>",
            "<td>Офис на первом этаже</td><td colspan=\"2\">Сделка успешна</td>",
            1,
        )
        .into_bytes()
    });
    let r = desk.import_one(&["--dry-run", &merged]);
    assert_eq!(r["warnings"], 1, "{r:#}");
    let w = &r["warning_samples"][0];
    assert_eq!(
        (&w["line"], &w["column"]),
        (&5.into(), &"Стадия сделки".into()),
        "{w:#}"
    );
    assert_eq!(
        w["message"],
        "a merged cell (line 29 of the file) spans 2 columns: its value went into «Стадия \
         сделки», and the column «Воронка» beside it reads empty, as a spreadsheet shows the \
         file. A Bitrix24 export merges no deal's cells: the file was edited by hand — check the \
         card, or export the deals again"
    );
    // The card is read as the spreadsheet shows it: no pipeline.
    desk.import_one(&[&merged]);
    assert_eq!(desk.card("502")["pipeline"], serde_json::Value::Null);
    // The export as Bitrix24 writes it warns of nothing.
    let plain = Desk::new().import_one(&["--dry-run", &fixture("bitrix24_deals.xls")]);
    assert_eq!(plain["warnings"], 0, "{plain:#}");

    let out = desk
        .okk()
        .args(["--lang", "ru", "import", "--dry-run", &merged])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains(
            "    строка 5 [Стадия сделки]: объединённая ячейка (строка 29 файла) занимает 2 \
             столбца: её значение попало в «Стадия сделки», а столбец «Воронка» рядом с ней \
             прочитан пустым"
        ),
        "{out}"
    );
}

/// A merged cell that empties a column every row needs (tester31 F6: `rowspan` over «Стадия
/// сделки» leaves the row below without a stage) is named in the error itself, as the warning
/// names one over another column: its row, the file's line, the columns and rows it spans. The
/// same for a `colspan` that spreads a deal's title over its stage. The store stays as it was.
#[test]
fn a_merged_cell_that_empties_the_stage_is_named_in_the_error() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let down = broken(&desk, "rowspan.xls", |t| {
        t.replacen(
            "<td>Офис на первом этаже</td><td>Сделка успешна</td>",
            "<td>Офис на первом этаже</td><td rowspan=\"2\">Сделка успешна</td>",
            1,
        )
        .replacen(
            "<td>Новая заявка с сайта</td><td>Новая</td>",
            "<td>Новая заявка с сайта</td>",
            1,
        )
        .into_bytes()
    });
    refused(
        &desk,
        &down,
        ":6:3:",
        "the stage column «Стадия сделки» is empty; every row needs one. A merged cell covers \
         it — the cell of row 5 (line 29 of the file) spans 1 column and 2 rows: its value went \
         into «Стадия сделки» of row 5 alone, and the cells it covers read empty, as a \
         spreadsheet shows the file. A Bitrix24 export merges no deal's cells: the file was \
         edited by hand — unmerge the cell (its value in each row), or export the deals again",
    );
    let across = broken(&desk, "colspan.xls", |t| {
        t.replacen(
            "<td>Новая заявка с сайта</td><td>Новая</td>",
            "<td colspan=\"2\">Новая заявка с сайта</td>",
            1,
        )
        .into_bytes()
    });
    refused(
        &desk,
        &across,
        ":6:3:",
        "A merged cell covers it — the cell of row 6 (line 30 of the file) spans 2 columns: its \
         value went into «Название сделки» of row 6 alone",
    );
    let out = desk
        .okk()
        .args(["--lang", "ru", "import", "--dry-run", &down])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(
            ":6:3: столбец этапа «Стадия сделки» пуст; он нужен в каждой строке. Ячейку закрыла \
             объединённая ячейка строки 5 (строка 29 файла): она занимает 1 столбец и 2 строки, \
             её значение попало только в «Стадия сделки» строки 5, а закрытые ею ячейки \
             прочитаны пустыми"
        ),
        "{err}"
    );
}

/// `--sheet` names a workbook's sheet: given for a file with none — an HTML table or a CSV —
/// it is refused before anything is read (tester29 F9: it was silently ignored), and the store
/// stays as it was.
#[test]
fn a_sheet_asked_of_a_file_without_sheets_is_refused() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let before = desk.digest();
    for (file, says) in [
        (
            fixture("bitrix24_deals.xls"),
            "--sheet «Сделки»: this file is an HTML table (Bitrix24's \"Export to Excel\"), one \
             table and no sheets; import it without --sheet",
        ),
        (
            fixture("bitrix24_deals.csv"),
            "--sheet «Сделки»: this file is a CSV text, which has no sheets (--sheet picks a \
             sheet of an xlsx, xls or ods workbook); import it without --sheet",
        ),
    ] {
        let err = desk.import_fails(&["--sheet", "Сделки", &file]);
        assert_eq!(err, format!("okk: {file}: {says}\n"));
        assert_same(&before, &desk.digest());
    }
    let out = desk
        .okk()
        .args([
            "--lang",
            "ru",
            "import",
            "--sheet",
            "X",
            &fixture("bitrix24_deals.xls"),
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("--sheet «X»: этот файл — HTML-таблица («Экспорт в Excel» Битрикс24)"),
    );
}
