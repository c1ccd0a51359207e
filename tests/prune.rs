//! `okk db imports` and `okk db prune` from the command line: a file imported by mistake taken
//! back out leaves the store as one that never had it; a dry run writes nothing; off a terminal
//! the prune will not go without `--yes`, on one it asks; desk work always stays; on a team
//! server the prune is the owner's or a lead's (the PostgreSQL stories need `OKK_TEST_PG`).

mod common;
mod pty;
#[path = "support/server_db.rs"]
mod server_db;

use common::{Desk, Verdict, path_arg, repo, succeeded};
use serde_json::Value as Json;
use server_db::ServerDb;

const TODAY: &str = "2026-11-20";

fn demo() -> String {
    path_arg(&repo().join("assets/demo/amocrm_deals.csv"))
}

/// Another department's export (Bitrix24): three cards of source «bitrix24».
fn other_department() -> String {
    common::fixture("bitrix24_deals.csv")
}

/// `okk --db DB --funnel assets/funnel.toml --today TODAY ARGS` on the desk: exit, stdout, stderr.
fn run_on(desk: &Desk, db: &str, args: &[&str]) -> (bool, String, String) {
    let out = desk
        .okk_bare()
        .args(["--db", db, "--funnel"])
        .arg(common::funnel_path())
        .args(["--today", TODAY])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok_on(desk: &Desk, db: &str, args: &[&str]) -> String {
    let (ok, out, err) = run_on(desk, db, args);
    assert!(ok, "okk {args:?} on {db}: {err}");
    out
}

fn json_on(desk: &Desk, db: &str, args: &[&str]) -> Json {
    let out = ok_on(desk, db, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("okk {args:?}: not JSON ({e}): {out}"))
}

/// A desk that imported the demo and then, by mistake, the other department's file; and the
/// rules run.
fn mistaken_desk() -> Desk {
    let desk = Desk::new();
    let db = path_arg(&desk.db);
    ok_on(&desk, &db, &["import", &demo()]);
    // `okk fields` records each run's fill figures as it reads them.
    ok_on(&desk, &db, &["fields", "--json"]);
    ok_on(&desk, &db, &["import", &other_department()]);
    ok_on(&desk, &db, &["fields", "--json"]);
    desk
}

/// The store file's bytes (every okk closed: the log is in the file).
fn bytes(desk: &Desk) -> Vec<u8> {
    std::fs::read(&desk.db).unwrap()
}

/// The times a run happened at (the clock's, so they differ between two stores) left out.
fn timeless(text: &str) -> String {
    // 'YYYY-MM-DD HH:MM:SS': digits and separators in this shape.
    const SHAPE: &[u8] = b"0000-00-00 00:00:00";
    let chars: Vec<char> = text.chars().collect();
    let fits = |at: usize| {
        SHAPE.iter().enumerate().all(|(i, &s)| {
            chars.get(at + i).is_some_and(|&c| {
                if s == b'0' {
                    c.is_ascii_digit()
                } else {
                    c == s as char
                }
            })
        })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if fits(i) {
            out.push_str("TIME");
            i += SHAPE.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// What the desk, the lead and the head of sales read of a store: the stats, the auditors', the
/// report, the flags, the fill rates and their trend, every stage's queue, and the runs.
fn everything_read(desk: &Desk, db: &str) -> Vec<(String, String)> {
    let mut read = Vec::new();
    for args in [
        &["stats", "--json"][..],
        &["stats", "--auditors", "--json"],
        &["stats"],
        &["report", "--out", "-"],
        &["check", "--json"],
        &["fields", "--json"],
        &["db", "imports", "--json"],
    ] {
        read.push((args.join(" "), timeless(&ok_on(desk, db, args))));
    }
    let stats = json_on(desk, db, &["stats", "--json"]);
    let stages: Vec<String> = (stats["stages"].as_array().unwrap().iter())
        .map(|s| s["stage"].as_str().unwrap().to_string())
        .collect();
    assert!(stages.len() >= 10, "{stages:?}");
    for stage in &stages {
        for all in [&[][..], &["--all"]] {
            let args = [
                &["queue", "--stage", stage, "--json", "--limit", "500"][..],
                all,
            ]
            .concat();
            read.push((args.join(" "), ok_on(desk, db, &args)));
        }
    }
    read
}

#[test]
fn an_import_pruned_leaves_the_store_reading_as_one_that_never_had_it() {
    let once = Desk::new();
    let once_db = path_arg(&once.db);
    ok_on(&once, &once_db, &["import", &demo()]);
    ok_on(&once, &once_db, &["fields", "--json"]);
    let twice = mistaken_desk();
    let twice_db = path_arg(&twice.db);
    let expected = everything_read(&once, &once_db);
    assert_ne!(
        everything_read(&twice, &twice_db),
        expected,
        "the other department's cards show"
    );
    let report = json_on(
        &twice,
        &twice_db,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    assert_eq!(report["removed"], 3, "{report}");
    assert_eq!(report["kept"], 0);
    assert_eq!(report["import"]["id"], 2);
    assert_eq!(report["import"]["source"], "bitrix24");
    assert_eq!(report["runs_removed"], serde_json::json!([2]));
    let read = everything_read(&twice, &twice_db);
    for ((what, got), (_, want)) in read.iter().zip(&expected) {
        assert_eq!(got, want, "okk {what}");
    }
    assert_eq!(read.len(), expected.len());
    // And what the reviewer's screens read besides: each stage's counts and where its cards
    // without flags start, the owners, the newest activity, the fill figures of each run.
    use common::Table;
    for table in [
        Table::StageCounts,
        Table::Owners,
        Table::Meta,
        Table::FillSnapshots,
    ] {
        assert_eq!(twice.rows(table), once.rows(table), "{table:?}");
    }
}

#[test]
fn a_dry_run_leaves_the_store_file_byte_for_byte_as_it_was_and_says_what_would_go() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    let before = bytes(&desk);
    let said = ok_on(&desk, &db, &["db", "prune", "--import", "2", "--dry-run"]);
    assert!(said.contains("Would remove 3 cards from"), "{said}");
    assert!(said.contains("a dry run: nothing changed"), "{said}");
    assert!(said.contains("Import 2 ("), "{said}");
    let json = json_on(
        &desk,
        &db,
        &["db", "prune", "--source", "bitrix24", "--dry-run", "--json"],
    );
    assert_eq!(
        (json["dry_run"].as_bool(), json["removed"].as_u64()),
        (Some(true), Some(3))
    );
    ok_on(&desk, &db, &["db", "prune", "--gone", "--dry-run"]);
    let ru = ok_on(
        &desk,
        &db,
        &[
            "--lang",
            "ru",
            "db",
            "prune",
            "--import",
            "last",
            "--dry-run",
        ],
    );
    assert!(ru.contains("было бы убрано: 3 карточки"), "{ru}");
    assert!(bytes(&desk) == before, "the store file changed");
    assert!(
        !desk.db.with_extension("db-wal").exists(),
        "no log left beside it"
    );
}

#[test]
fn off_a_terminal_the_prune_refuses_without_yes_and_changes_nothing() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    let before = bytes(&desk);
    for (lang, words) in [
        ("en", "cannot ask here (not a terminal): add --yes"),
        (
            "ru",
            "спросить здесь не может (это не терминал): добавьте --yes",
        ),
    ] {
        let (ok, out, err) = run_on(
            &desk,
            &db,
            &["--lang", lang, "db", "prune", "--import", "last"],
        );
        assert!(!ok, "{out}");
        assert!(err.contains(words), "{err}");
        assert!(
            err.contains("--dry-run"),
            "the hint names the dry run: {err}"
        );
    }
    assert!(bytes(&desk) == before, "the store file changed");
    // With --yes it goes.
    let said = ok_on(&desk, &db, &["db", "prune", "--import", "last", "--yes"]);
    assert!(said.contains("Removed 3 cards from"), "{said}");
    assert!(said.contains("The record of import 2 went too"), "{said}");
    let runs = ok_on(&desk, &db, &["db", "imports", "--json"]);
    assert_eq!(runs.lines().count(), 1, "{runs}");
}

/// On a terminal the prune shows what it would do and asks: Enter (no) keeps everything, `y`
/// takes the cards out.
#[test]
fn on_a_terminal_the_prune_asks_and_only_yes_removes() {
    let desk = mistaken_desk();
    let before = bytes(&desk);
    let args = desk.okk_args(&["db", "prune", "--import", "last"]);
    let mut term = pty::Spawn::new(&args, 160, 30).start(desk.dir.path());
    term.wait_for("Would remove 3 cards from");
    term.wait_for("for good? [y/N]");
    term.send("<enter>");
    term.wait_for("Nothing removed.");
    term.wait_clean_exit("answered no");
    assert!(bytes(&desk) == before, "the store file changed");

    let mut term = pty::Spawn::new(&args, 160, 30).start(desk.dir.path());
    term.wait_for("for good? [y/N]");
    term.send("y<enter>");
    term.wait_for("Removed 3 cards from");
    term.wait_clean_exit("answered yes");
    let runs = succeeded(desk.okk().args(["db", "imports", "--json"]));
    assert_eq!(runs.lines().count(), 1, "{runs}");

    // In Russian: «д» says yes.
    let desk = mistaken_desk();
    let args = desk.okk_args(&["--lang", "ru", "db", "prune", "--source", "bitrix24"]);
    let mut term = pty::Spawn::new(&args, 160, 30).start(desk.dir.path());
    term.wait_for("насовсем? [д/Н]");
    term.send("д<enter>");
    term.wait_for("убрано: 3 карточки");
    term.wait_clean_exit("answered д");
}

/// A card of the mistaken file that an auditor already judged stays (its review is desk work),
/// and the report names it and why; the others go.
#[test]
fn a_judged_card_of_the_mistaken_import_stays_and_the_report_says_why() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    desk.review("503", "anna", "2026-11-20 10:00:00", &Verdict::of("dead"));
    let said = ok_on(&desk, &db, &["db", "prune", "--import", "last", "--yes"]);
    assert!(said.contains("Removed 2 cards from"), "{said}");
    assert!(
        said.contains("Kept 1 card: they carry desk work, which is never removed:"),
        "{said}"
    );
    assert!(said.contains("reviews: 1 card (503)"), "{said}");
    assert!(
        !said.contains("record of import"),
        "the run still brought 503: {said}"
    );
    let runs: Vec<Json> = ok_on(&desk, &db, &["db", "imports", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(runs[1]["still_here"], 1);
    // Again: nothing left to take, and 503 stays, in Russian too.
    let ru = ok_on(
        &desk,
        &db,
        &["--lang", "ru", "db", "prune", "--import", "2", "--yes"],
    );
    assert!(ru.contains("Убирать из"), "{ru}");
    assert!(ru.contains("Оставлено: 1 карточка"), "{ru}");
    assert!(ru.contains("проверки: 1 карточка (503)"), "{ru}");
}

#[test]
fn a_run_or_source_the_store_lacks_is_refused_with_what_it_holds() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--import", "9", "--dry-run"]);
    assert!(
        !ok && err.contains("holds no import 9: okk db imports lists them"),
        "{err}"
    );
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--source", "nope", "--yes"]);
    assert!(
        !ok && err.contains("its sources: amocrm, bitrix24"),
        "{err}"
    );
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--import", "x", "--yes"]);
    assert!(!ok && err.contains("expected an import's number"), "{err}");
    let (ok, _, err) = run_on(
        &desk,
        &db,
        &["db", "prune", "--gone", "--source", "a", "--yes"],
    );
    assert!(!ok && err.contains("cannot be used with"), "{err}");
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--yes"]);
    assert!(
        !ok && err.contains("--import"),
        "one selector is required: {err}"
    );
}

/// A file name and a source from outside okk reach the terminal as placeholders, never as
/// escape sequences; JSON escapes them.
#[test]
fn the_runs_list_shows_hostile_names_as_placeholders() {
    let desk = Desk::new();
    let db = path_arg(&desk.db);
    let file = desk.dir.path().join("отдел \u{1b}]0;pwned\u{7}.csv");
    std::fs::copy(
        repo().join("tests/fixtures/import/bitrix24_deals.csv"),
        &file,
    )
    .unwrap();
    let source = "отдел\u{1b}[2J\u{202e}";
    ok_on(
        &desk,
        &db,
        &["import", "--source", source, &path_arg(&file)],
    );
    let table = ok_on(&desk, &db, &["db", "imports"]);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{202e}'),
        "{table:?}"
    );
    assert!(table.contains("отдел ␛]0;pwned␇.csv"), "{table}");
    assert!(table.contains("отдел␛[2J"), "{table}");
    let json = ok_on(&desk, &db, &["db", "imports", "--json"]);
    assert!(json.contains("\\u001b]0;pwned"), "{json}");
    let said = ok_on(
        &desk,
        &db,
        &["db", "prune", "--source", source, "--dry-run"],
    );
    assert!(
        !said.contains('\u{1b}') && said.contains("«отдел␛[2J"),
        "{said:?}"
    );
}

// The team server.

/// A server store holding the demo and, by mistake, the other department's file.
fn mistaken_server(desk: &Desk, server: &ServerDb) {
    ok_on(desk, &server.url, &["import", &demo()]);
    ok_on(desk, &server.url, &["import", &other_department()]);
}

#[test]
fn on_the_server_the_owner_prunes_and_the_store_reads_as_the_file_that_never_had_it() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    ok_on(&desk, &file, &["import", &demo()]);
    mistaken_server(&desk, &server);
    let runs = ok_on(&desk, &server.url, &["db", "imports"]);
    assert!(runs.contains("bitrix24"), "{runs}");
    let dry = json_on(
        &desk,
        &server.url,
        &["db", "prune", "--import", "last", "--dry-run", "--json"],
    );
    assert_eq!(dry["removed"], 3, "{dry}");
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "prune", "--import", "last"]);
    assert!(!ok && err.contains("add --yes"), "{err}");
    let report = json_on(
        &desk,
        &server.url,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    let mut expected = dry.clone();
    expected["dry_run"] = Json::Bool(false);
    assert_eq!(report, expected);
    for args in [
        &["stats", "--json"][..],
        &["check", "--json"],
        &[
            "queue",
            "--stage",
            "Квалификация",
            "--json",
            "--all",
            "--limit",
            "500",
        ],
    ] {
        assert_eq!(
            ok_on(&desk, &server.url, args),
            ok_on(&desk, &file, args),
            "okk {args:?}"
        );
    }
    assert_eq!(
        timeless(&ok_on(&desk, &server.url, &["db", "imports", "--json"])),
        timeless(&ok_on(&desk, &file, &["db", "imports", "--json"])),
    );
}

/// On the server the prune is a lead's: an auditor's login is refused before anything is read.
/// A lead's login passes okk's check, but the server gives it no right to delete cards (and
/// shows it only its own drafts): it is refused in words that say so and who prunes, and the
/// store is as it was.
#[test]
fn on_the_server_an_auditor_s_login_and_a_lead_s_are_refused_and_nothing_changes() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let (anna, anna_url) = server.login("anna");
    let (lena, lena_url) = server.login("lena");
    ok_on(
        &desk,
        &server.url,
        &[
            "db",
            "roles",
            "--auditor",
            &format!("anna={anna}"),
            "--lead",
            &format!("lena={lena}"),
        ],
    );
    let before = ok_on(&desk, &server.url, &["db", "imports", "--json"]);
    for args in [&["--dry-run"][..], &["--yes"]] {
        let all = [&["db", "prune", "--import", "last"][..], args].concat();
        let (ok, _, err) = run_on(&desk, &anna_url, &all);
        assert!(
            !ok && err.contains(&format!(
                "is the database owner's or a lead's command: the login role {anna}"
            )),
            "{err}"
        );
        let (ok, _, err) = run_on(&desk, &lena_url, &all);
        assert!(
            !ok && err.contains(&format!(
                "the server does not let the login role {lena} prune: it may not delete from"
            )),
            "{err}"
        );
        assert!(err.contains("the database owner's login prunes"), "{err}");
    }
    let (ok, _, err) = run_on(
        &desk,
        &lena_url,
        &["--lang", "ru", "db", "prune", "--gone", "--yes"],
    );
    assert!(!ok && err.contains("сервер не даёт роли входа"), "{err}");
    // The runs (an auditor may list them) and the cards are as they were.
    assert_eq!(
        ok_on(&desk, &anna_url, &["db", "imports", "--json"]),
        before
    );
    assert_eq!(
        ok_on(&desk, &server.url, &["db", "imports", "--json"]),
        before
    );
}
