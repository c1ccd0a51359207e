//! The funnel a team server's lead applies, as every command then sees it: `okk funnel apply`
//! judges the flags by the version at once; a reader whose flags are another funnel's says so;
//! `okk funnel show` and `okk funnel check --store` read the store's version, not a laptop's file.
//! The stories need `OKK_TEST_PG` (a throwaway server); without it they say they were skipped.

mod common;

#[path = "support/server_db.rs"]
mod server_db;

use common::{Desk, funnel_path, path_arg, repo, succeeded};
use serde_json::Value as Json;
use server_db::ServerDb;

const TODAY: &str = "2026-11-20";

/// `okk --db DB --funnel assets/funnel.toml`, sandboxed in the desk.
fn okk_on(desk: &Desk, db: &str) -> assert_cmd::Command {
    let mut cmd = desk.okk_bare();
    cmd.args(["--db", db]).arg("--funnel").arg(funnel_path());
    cmd
}

/// `okk ARGS` on `db` with no `--funnel` (the laptop's default file, if any); exit, out, err.
fn bare_on(desk: &Desk, db: &str, args: &[&str]) -> (bool, String, String) {
    let out = desk
        .okk_bare()
        .args(["--db", db])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run_on(desk: &Desk, db: &str, args: &[&str]) -> (bool, String, String) {
    let out = okk_on(desk, db).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The demo export onto the server, judged by the built-in funnel.
fn demo_on(desk: &Desk, url: &str) {
    let demo = path_arg(&repo().join("assets/demo/amocrm_deals.csv"));
    succeeded(okk_on(desk, url).args(["--today", TODAY, "import", &demo]));
}

/// `okk stats --json` on `db` (no `--funnel`: the store's): (cards, flagged) at `stage`, and
/// what it said on stderr.
fn flagged_at(desk: &Desk, db: &str, stage: &str) -> ((i64, i64), String) {
    let (ok, out, err) = bare_on(desk, db, &["--today", TODAY, "stats", "--json"]);
    assert!(ok, "{err}");
    let stats: Json = serde_json::from_str(&out).unwrap();
    let row = (stats["stages"].as_array().unwrap().iter())
        .find(|s| s["stage"] == stage)
        .unwrap_or_else(|| panic!("no «{stage}» in {stats:#}"));
    let n = |k: &str| row[k].as_i64().unwrap_or_else(|| panic!("{k} in {row}"));
    ((n("cards"), n("flagged")), err)
}

/// A lead applies a funnel that no longer knows «Бронирование», then the built-in one again:
/// each apply judges every card by the version at once and says how many carry a flag, so the
/// figures after it are the version's (before, they stayed the old funnel's until someone ran
/// `okk check`).
#[test]
fn funnel_apply_on_the_server_judges_the_flags_by_the_version_at_once() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    demo_on(&desk, &server.url);
    let ((cards, before), _) = flagged_at(&desk, &server.url, "Бронирование");
    assert!(
        cards > before,
        "some booked cards are fine: {before} of {cards}"
    );

    let reduced = desk.funnel_without_booking();
    let (ok, said, err) = run_on(
        &desk,
        &server.url,
        &[
            "--today", TODAY, "funnel", "apply", &reduced, "--lead", "lena",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        said.contains("funnel version 1 applied") && said.contains("cards flagged"),
        "{said}"
    );
    let ((_, after), err) = flagged_at(&desk, &server.url, "Бронирование");
    assert_eq!(
        after, cards,
        "every card at a stage the version lacks: {err}"
    );
    assert!(!err.contains("another funnel"), "{err}");

    let full = path_arg(&funnel_path());
    let (ok, said, err) = run_on(
        &desk,
        &server.url,
        &["--today", TODAY, "funnel", "apply", &full, "--lead", "lena"],
    );
    assert!(
        ok && said.contains("funnel version 2 applied"),
        "{said}{err}"
    );
    assert_eq!(
        flagged_at(&desk, &server.url, "Бронирование").0,
        (cards, before)
    );
}

/// Flags left judged by another funnel than the applied version (a version applied before
/// `funnel apply` judged them, or a rules run that failed): stats, the queue and an auditor's
/// suggestions say so, and a lead's `okk check` puts them right.
#[test]
fn a_reader_on_the_server_says_when_the_flags_are_another_funnel_s() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    demo_on(&desk, &server.url);
    let reduced = desk.funnel_without_booking();
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &[
            "--today", TODAY, "funnel", "apply", &reduced, "--lead", "lena",
        ],
    );
    assert!(ok, "{err}");
    let (_, quiet) = flagged_at(&desk, &server.url, "Бронирование");
    assert!(!quiet.contains("another funnel"), "{quiet}");

    // As a server upgraded from before `funnel apply` judged the flags leaves them.
    let mut owner = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    owner
        .execute(
            "UPDATE okk_meta SET value = 'an-older-funnel 2026-11-20' WHERE key = 'rules_ran_for'",
            &[],
        )
        .unwrap();
    let (_, said) = flagged_at(&desk, &server.url, "Бронирование");
    assert!(
        said.contains("judged by another funnel than the store's (version 1)"),
        "{said}"
    );
    let (ok, _, err) = bare_on(
        &desk,
        &server.url,
        &["--today", TODAY, "queue", "--stage", "Договор"],
    );
    assert!(ok && err.contains("another funnel"), "{err}");
    let (ok, _, err) = bare_on(
        &desk,
        &server.url,
        &["--lang", "ru", "--today", TODAY, "stats"],
    );
    assert!(
        ok && err.contains("флаги на сервере вынесены по другой воронке"),
        "{err}"
    );

    let (ok, _, err) = bare_on(&desk, &server.url, &["--today", TODAY, "check"]);
    assert!(ok, "{err}");
    let (_, quiet) = flagged_at(&desk, &server.url, "Бронирование");
    assert!(!quiet.contains("another funnel"), "{quiet}");
}

/// After an apply, `okk funnel show` and `okk funnel check --store` read the store's version
/// and say so; they write no built-in funnel into the laptop's HOME. With `--funnel FILE` they
/// read the file and say the store judges by its version.
#[test]
fn funnel_show_and_check_on_the_server_read_the_store_s_funnel() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    demo_on(&desk, &server.url);
    let reduced = desk.funnel_without_booking();
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &[
            "--today", TODAY, "funnel", "apply", &reduced, "--lead", "lena",
        ],
    );
    assert!(ok, "{err}");
    let local = desk.dir.path().join("home/.config/okk/funnel.toml");

    let (ok, shown, err) = bare_on(&desk, &server.url, &["funnel", "show"]);
    assert!(ok, "{err}");
    assert!(shown.contains("Бронь клиента"), "the store's: {shown}");
    assert!(err.contains("the store's funnel (version 1"), "{err}");
    let (ok, said, err) = bare_on(&desk, &server.url, &["funnel", "check", "--store"]);
    assert!(ok, "{err}");
    assert!(
        said.contains("#funnel-1: ok — ") && err.contains("the store's funnel (version 1"),
        "{said}{err}"
    );
    // The store's version knows no «Бронирование»: its cards are said to be left out.
    assert!(err.contains("«Бронирование»"), "{err}");
    assert!(!local.exists(), "nothing written into the laptop's HOME");

    // The built-in file given: shown as given, said not to be the store's.
    let (ok, shown, err) = run_on(&desk, &server.url, &["funnel", "show"]);
    assert!(ok, "{err}");
    assert!(!shown.contains("Бронь клиента"), "{shown}");
    assert!(
        err.contains("not the funnel this store judges by: that is the store's version 1"),
        "{err}"
    );
    let (ok, said, err) = run_on(
        &desk,
        &server.url,
        &["--lang", "ru", "funnel", "check", "--store"],
    );
    assert!(ok, "{err}");
    assert!(
        said.contains("funnel.toml: всё в порядке") && err.contains("судит по своей версии 1"),
        "{said}{err}"
    );
}

/// An amoCRM export of five deals, four of them at `stage`, written into the desk; its path.
fn five_deals(desk: &Desk, name: &str, stage: &str) -> String {
    let mut text = "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Примечание,Этап сделки,Воронка\n".to_string();
    for id in 5001..=5005 {
        let stage = if id == 5005 {
            "Встреча назначена"
        } else {
            stage
        };
        text.push_str(&format!(
            "{id},Сделка {id},5000000,Смирнова Ольга,01.11.2026 10:00:00,Встреча прошла,{stage},Продажи недвижимости\n"
        ));
    }
    let path = desk.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path_arg(&path)
}

/// A stage the CRM renamed, imported onto the server (copied there from a laptop with two
/// reviews): its dry run and its import name the probable rename and the reviews sent back, as
/// onto a store file (tests/import_resync.rs); the lead's apply of a funnel with the new name as
/// an alias gives the two cards back to their reviews.
#[test]
fn a_probable_rename_is_said_on_the_server_as_on_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    desk.import_one(&[&five_deals(&desk, "v1.csv", "Встреча проведена")]);
    let ok = common::Verdict {
        keeps_card: true,
        ..common::Verdict::of("ok")
    };
    for id in ["5001", "5002"] {
        desk.review(id, "anna", "2026-11-20 12:00:00", &ok);
    }
    succeeded(
        desk.okk()
            .args(["db", "copy"])
            .arg(&desk.db)
            .arg(&server.url),
    );
    let v2 = five_deals(&desk, "v2.csv", "Встреча прошла");
    let expected = serde_json::json!([{"from": "Встреча проведена", "to": "Встреча прошла",
        "cards": 4, "held": 4, "reviewed": 2}]);
    for dry in [true, false] {
        let mut cmd = okk_on(&desk, &server.url);
        cmd.args(["--today", TODAY, "import", "--json"]);
        if dry {
            cmd.arg("--dry-run");
        }
        let out: Json = serde_json::from_str(&succeeded(cmd.arg(&v2))).unwrap();
        assert_eq!(out["probable_renames"], expected, "dry run {dry}: {out}");
    }
    let mut owner = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    let mut seen_as_judged = || -> i64 {
        owner
            .query_one(
                "SELECT count(*) FROM reviews r JOIN cards c ON c.id = r.card_id
                 WHERE r.card_hash = c.content_hash",
                &[],
            )
            .unwrap()
            .get(0)
    };
    assert_eq!(seen_as_judged(), 0, "sent back by the import");

    let text = std::fs::read_to_string(funnel_path()).unwrap().replace(
        "aliases = [\"Встреча состоялась\", \"Проведена встреча\"]",
        "aliases = [\"Встреча состоялась\", \"Проведена встреча\", \"Встреча прошла\"]",
    );
    let v2_funnel = desk.dir.path().join("funnel-v2.toml");
    std::fs::write(&v2_funnel, text).unwrap();
    let (ok, said, err) = run_on(
        &desk,
        &server.url,
        &[
            "--today",
            TODAY,
            "funnel",
            "apply",
            &path_arg(&v2_funnel),
            "--lead",
            "lena",
        ],
    );
    assert!(ok, "{err}");
    assert!(
        err.contains("2 reviewed cards changed only in the name of their stage"),
        "{said}{err}"
    );
    assert_eq!(seen_as_judged(), 2, "the cards their reviews saw again");
    let out: Json = serde_json::from_str(&succeeded(desk.okk_bare().args([
        "--db",
        &server.url,
        "--today",
        TODAY,
        "import",
        "--json",
        &v2,
    ])))
    .unwrap();
    assert_eq!(out["unchanged"], 5, "{out}");
}
