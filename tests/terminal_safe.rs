//! CRM text that attacks the terminal (an OSC title change, a screen clear, a right-to-left
//! override) in owner and stage names: every command that prints it to a terminal shows it as
//! placeholders, JSON escapes it, and CSV to a file or a pipe keeps the data as it came.

mod common;
mod pty;

use common::{Desk, funnel_path, path_arg};
use pty::Spawn;

const OWNER: &str = "Иван \u{1b}]0;pwned\u{7}Грозный\u{202e}";
const STAGE: &str = "Этап \u{1b}]2;pwned\u{7}\u{1b}[2J";
const TITLE: &str = "Сделка \u{1b}]0;pwned\u{7}";
/// What the terminal shows for them (vt100 keeps the bidi override's placeholder, �, off its
/// grid; the raw output has it).
const OWNER_SHOWN: &str = "Иван ␛]0;pwned␇Грозный";
const STAGE_SHOWN: &str = "Этап ␛]2;pwned␇␛[2J";

/// A desk with two amoCRM deals whose owner, stage and title are escape sequences.
fn hostile_desk() -> Desk {
    let desk = Desk::new();
    let header = "\"ID\",\"Название сделки\",\"Бюджет\",\"Ответственный\",\"Дата создания сделки\",\
                  \"Дата редактирования\",\"Теги\",\"Примечание\",\"Этап сделки\",\"Воронка\",\
                  \"Полное имя контакта\",\"Мобильный телефон\"\n";
    let mut csv = header.to_string();
    for (id, stage) in [("700001", STAGE), ("700002", "Первичный контакт")] {
        csv.push_str(&format!(
            "\"{id}\",\"{TITLE}\",\"1000\",\"{OWNER}\",\"20.11.2026 10:00:00\",\
             \"20.11.2026 11:00:00\",\"\",\"\",\"{stage}\",\"Продажи\",\"Клиент\",\"+7 900 000-00-01\"\n"
        ));
    }
    let file = desk.dir.path().join("hostile.csv");
    std::fs::write(&file, csv).unwrap();
    desk.import(&["--profile", "amocrm", &path_arg(&file)]);
    desk
}

/// `okk --db DB --funnel assets/funnel.toml ARGS` in a terminal, run to its end; the terminal.
fn on_terminal(desk: &Desk, args: &[&str]) -> pty::Term {
    let all = desk.okk_args(args);
    let mut term = Spawn::new(&all, 200, 50).start(desk.dir.path());
    term.wait_exit();
    term
}

/// No escape of the CRM's reached the terminal as bytes: the window kept its title, the
/// screen was not cleared, no bidi override went out.
fn assert_nothing_obeyed(term: &pty::Term) {
    let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
    for sequence in ["\x1b]0;pwned", "\x1b]2;pwned", "\x1b[2J", "\u{202e}"] {
        assert!(
            !raw.contains(sequence),
            "{sequence:?} reached the terminal:\n{raw}"
        );
    }
    term.with_events(|e| assert!(e.titles.is_empty(), "the title changed: {:?}", e.titles));
}

#[test]
fn okk_stats_csv_on_a_terminal_leaves_the_title_unchanged_and_shows_placeholders() {
    let desk = hostile_desk();
    let term = on_terminal(&desk, &["stats", "--csv", "--table", "managers"]);
    let screen = term.screen();
    assert!(screen.contains(OWNER_SHOWN), "{screen}");
    let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
    assert!(raw.contains("Грозный\u{fffd}"), "{raw:?}");
    assert_nothing_obeyed(&term);

    let term = on_terminal(&desk, &["stats", "--csv"]);
    let screen = term.screen();
    assert!(screen.contains(STAGE_SHOWN), "{screen}");
    assert_nothing_obeyed(&term);
}

#[test]
fn stats_text_check_and_queue_on_a_terminal_show_placeholders() {
    let desk = hostile_desk();
    for args in [
        &["stats"][..],
        &["stats", "--table", "managers"],
        &["check"],
        &["queue", "--stage", "Первичный контакт", "--all"],
    ] {
        let term = on_terminal(&desk, args);
        let screen = term.screen();
        assert!(
            screen.contains("␛]") && !screen.contains("pwned\u{7}"),
            "okk {args:?}:\n{screen}"
        );
        assert_nothing_obeyed(&term);
    }
    // An error that names the CRM's stage.
    let term = on_terminal(&desk, &["queue", "--stage", STAGE]);
    assert!(term.screen().contains("␛]2;pwned␇"), "{}", term.screen());
    assert_nothing_obeyed(&term);
}

#[test]
fn csv_to_a_pipe_keeps_the_data_as_is_and_json_escapes_it() {
    let desk = hostile_desk();
    let out = desk
        .okk()
        .args(["stats", "--csv", "--table", "managers"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.contains(OWNER),
        "the file keeps the owner's name as is:\n{csv:?}"
    );

    let out = desk.okk().args(["stats", "--json"]).output().unwrap();
    assert!(out.status.success());
    let json = String::from_utf8(out.stdout).unwrap();
    assert!(
        !json.contains('\u{1b}') && !json.contains('\u{202e}') && !json.contains('\u{7}'),
        "{json:?}"
    );
    assert!(
        json.contains(r"\u001b]0;pwned\u0007Грозный\u202e"),
        "{json}"
    );
    let back: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(holds(&back, OWNER), "the JSON reads back the same");

    for args in [
        &["check", "--json"][..],
        &["queue", "--stage", "Первичный контакт", "--all", "--json"],
    ] {
        let out = desk.okk().args(args).output().unwrap();
        assert!(out.status.success(), "okk {args:?}");
        let json = String::from_utf8(out.stdout).unwrap();
        assert!(
            !json.contains('\u{1b}') && !json.contains('\u{202e}'),
            "okk {args:?}: {json:?}"
        );
        assert!(json.contains(r"\u202e"), "okk {args:?}: {json}");
    }
}

/// An export written to standard output (`--out -`) on a terminal shows the card's escapes as
/// placeholders (tester26 F-g: `export reviews --out -` retitled the window and cleared the
/// screen); to a pipe it is the CSV the CRM imports, bytes as they came.
#[test]
fn an_export_to_a_terminal_shows_placeholders_and_to_a_pipe_the_bytes() {
    let desk = hostile_desk();
    desk.review(
        "700001",
        "anna",
        "2026-11-21 10:00:00",
        &common::Verdict {
            comment: "ок \u{1b}[2J",
            ..common::Verdict::of("ok")
        },
    );
    let term = on_terminal(&desk, &["export", "reviews", "--out", "-"]);
    let screen = term.screen();
    assert!(screen.contains("ок ␛[2J"), "{screen}");
    assert!(screen.contains(STAGE_SHOWN), "{screen}");
    assert_nothing_obeyed(&term);

    let out = desk
        .okk()
        .args(["export", "reviews", "--out", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(
        csv.contains(STAGE) && csv.contains("ок \u{1b}[2J"),
        "{csv:?}"
    );
}

/// `json` has the string `s` somewhere.
fn holds(json: &serde_json::Value, s: &str) -> bool {
    use serde_json::Value;
    match json {
        Value::String(v) => v == s,
        Value::Array(a) => a.iter().any(|v| holds(v, s)),
        Value::Object(o) => o.values().any(|v| holds(v, s)),
        _ => false,
    }
}

#[test]
fn funnel_show_on_a_terminal_shows_a_stage_names_escapes_as_placeholders() {
    let desk = Desk::new();
    let toml = std::fs::read_to_string(funnel_path()).unwrap().replace(
        "name = \"Встреча проведена\"",
        "name = \"Встреча \\u001b]0;pwned\\u0007проведена\"",
    );
    assert!(toml.contains("pwned"));
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::write(&funnel, toml).unwrap();
    let args = [
        "--db".to_string(),
        path_arg(&desk.db),
        "--funnel".into(),
        path_arg(&funnel),
        "funnel".into(),
        "show".into(),
    ];
    let mut term = Spawn::new(&args, 200, 50).start(desk.dir.path());
    assert!(term.wait_exit().success());
    // Longer than the screen: read what was written.
    let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
    assert!(raw.contains("Встреча ␛]0;pwned␇проведена"), "{raw}");
    assert_nothing_obeyed(&term);
}
