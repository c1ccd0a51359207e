//! The team server from the command line: `okk queue --claim` shares one queue between
//! auditors (on a store file and on PostgreSQL), `okk db copy` moves a laptop's store onto the
//! server with the same queues, and a command not on the server yet says which ones are.
//! The PostgreSQL stories need `OKK_TEST_PG` (a throwaway server); without it they say they
//! were skipped, and under CI a skip is a failure.

mod common;

#[path = "support/english.rs"]
mod english;

use common::{Desk, Verdict, funnel_path, path_arg, repo};
use serde_json::Value as Json;

const TODAY: &str = "2026-11-20";

/// A desk holding the demo export, the rules run.
fn demo_desk() -> Desk {
    let desk = Desk::new();
    let demo = repo().join("assets/demo/amocrm_deals.csv");
    desk.import_one(&["--today", TODAY, demo.to_str().unwrap()]);
    desk
}

/// `okk --db DB --funnel assets/funnel.toml`, sandboxed in the desk.
fn okk_on(desk: &Desk, db: &str) -> assert_cmd::Command {
    let mut cmd = desk.okk_bare();
    cmd.args(["--db", db]).arg("--funnel").arg(funnel_path());
    cmd
}

/// `okk --db DB queue --stage STAGE --auditor WHO --json ARGS`: the card ids listed.
fn queue(desk: &Desk, db: &str, stage: &str, who: &str, args: &[&str]) -> Vec<String> {
    let out = okk_on(desk, db)
        .args(["--today", TODAY, "queue", "--stage", stage])
        .args(["--auditor", who, "--json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "okk queue failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Json = serde_json::from_slice(&out.stdout).unwrap();
    json["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

fn claim(desk: &Desk, db: &str, who: &str, n: usize) -> Vec<String> {
    queue(desk, db, "Квалификация", who, &["--claim", &n.to_string()])
}

/// Two auditors claim from one stage in turn: different cards, each from the top of what is
/// free, and the first gets back what they hold.
fn two_auditors_share_a_queue(desk: &Desk, db: &str) {
    let whole = queue(desk, db, "Квалификация", "anna", &["--limit", "500"]);
    assert!(whole.len() >= 6, "the demo stage holds cards to share");
    let anna = claim(desk, db, "anna", 3);
    assert_eq!(anna, whole[..3]);
    let boris = claim(desk, db, "boris", 3);
    assert_eq!(boris, whole[3..6], "boris gets the next cards nobody holds");
    assert_eq!(
        claim(desk, db, "anna", 3),
        anna,
        "anna's claims come back first"
    );
    assert_eq!(
        queue(desk, db, "Квалификация", "boris", &["--limit", "500"]),
        whole,
        "the auditor's own queue still lists every card"
    );
}

#[test]
fn two_auditors_sharing_a_store_file_claim_different_cards_and_get_their_own_back() {
    let desk = demo_desk();
    two_auditors_share_a_queue(&desk, &path_arg(&desk.db));
}

#[test]
fn a_command_not_on_the_server_yet_refuses_and_names_those_that_are() {
    let desk = Desk::new();
    let export = desk.dir.path().join("deals.csv");
    std::fs::write(&export, "ID\n1\n").unwrap();
    let out = okk_on(&desk, "postgres://okk:secret@127.0.0.1:1/okk")
        .arg("import")
        .arg(&export)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not work on a PostgreSQL store yet")
            && err.contains("okk review, okk lead, okk queue"),
        "{err}"
    );
    assert!(
        !err.contains("secret"),
        "the password is never shown: {err}"
    );
}

#[test]
fn db_copy_takes_a_sqlite_store_to_a_server_only() {
    let desk = Desk::new();
    let out = desk
        .okk()
        .args(["db", "copy", "postgres://127.0.0.1/okk"])
        .arg(&desk.db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("db copy moves a SQLite store"));
    let missing = desk.dir.path().join("nowhere.db");
    let out = desk
        .okk()
        .args(["db", "copy"])
        .arg(&missing)
        .arg("postgres://127.0.0.1:1/okk")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such store file"));
    assert!(!missing.exists(), "nothing is created by a refused copy");
}

#[test]
fn in_russian_the_server_s_refusals_and_db_copy_speak_russian() {
    let desk = Desk::new();
    let export = desk.dir.path().join("deals.csv");
    std::fs::write(&export, "ID\n1\n").unwrap();
    let out = okk_on(&desk, "postgres://okk:secret@127.0.0.1:1/okk")
        .args(["--lang", "ru", "import"])
        .arg(&export)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    english::assert_russian("okk import on a server", &err, &["postgres", "okk"]);
    assert!(
        err.contains("эта команда пока не работает с хранилищем на PostgreSQL")
            && err.contains("okk review, okk lead, okk queue (с --claim N)"),
        "{err}"
    );
    assert!(
        !err.contains("secret"),
        "the password is never shown: {err}"
    );

    let out = desk
        .okk()
        .args(["--lang", "ru", "db", "copy", "postgres://127.0.0.1/okk"])
        .arg(&desk.db)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    english::assert_russian("okk db copy backwards", &err, &["postgres"]);
    assert!(
        err.contains("db copy переносит хранилище SQLite в пустое хранилище PostgreSQL"),
        "{err}"
    );
    let missing = desk.dir.path().join("nowhere.db");
    let out = desk
        .okk()
        .args(["--lang", "ru", "db", "copy"])
        .arg(&missing)
        .arg("postgres://127.0.0.1:1/okk")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    english::assert_russian("okk db copy from nowhere", &err, &["postgres"]);
    assert!(err.contains("такого файла хранилища нет"), "{err}");

    // What a copy moved, and a server that already holds cards (worded without a server).
    use okk::text::lang::{self, Lang};
    let to = std::path::Path::new("postgres://host/okk");
    let (copied, not_empty) = lang::with(Lang::Ru, || {
        (
            okk::text::app::copied(&[("cards", 12345), ("reviews", 7)], to),
            okk::text::store::not_empty(to),
        )
    });
    assert_eq!(
        copied,
        "Скопировано в postgres://host/okk:\n  cards              12\u{202f}345\n  reviews            7\n"
    );
    assert!(
        not_empty.ends_with("в хранилище сервера уже есть карточки или проверки"),
        "{not_empty}"
    );
    let english = lang::with(Lang::En, || okk::text::app::copied(&[("cards", 12345)], to));
    assert_eq!(
        english,
        "Copied into postgres://host/okk:\n  cards              12345\n"
    );
}

/// A database of its own on the throwaway server, dropped after the test; `None` (skipped)
/// without `OKK_TEST_PG`.
struct ServerDb {
    server: String,
    name: String,
    url: String,
}

impl ServerDb {
    fn new() -> Option<ServerDb> {
        let Some(server) = std::env::var("OKK_TEST_PG").ok().filter(|s| !s.is_empty()) else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI runs the team server's tests: OKK_TEST_PG must name a PostgreSQL server"
            );
            eprintln!("skipped: OKK_TEST_PG is not set (a PostgreSQL server for these tests)");
            return None;
        };
        let name = format!("okk_cli_{}", uuid::Uuid::new_v4().simple());
        let mut admin = postgres::Client::connect(&server, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE template0"))
            .unwrap();
        let (base, _) = server.rsplit_once('/').unwrap();
        let url = format!("{base}/{name}");
        Some(ServerDb { server, name, url })
    }
}

impl Drop for ServerDb {
    fn drop(&mut self) {
        if let Ok(mut admin) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

#[test]
fn a_laptop_store_copied_to_the_server_lists_the_same_queues_and_hands_them_out() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    // Verdicts, a lead's decisions and a calibration travel with the store.
    let laptop = path_arg(&desk.db);
    let judged = queue(&desk, &laptop, "Переговоры", "anna", &["--limit", "3"]);
    let mut ids = Vec::new();
    for (i, card) in judged.iter().enumerate() {
        let v = ["ok", "stale", "dead"][i % 3];
        let at = format!("2026-11-{:02} 1{i}:00:00", 18 + i);
        ids.push(desk.review(card, "anna", &at, &Verdict::of(v)));
        desk.review(card, "boris", &at, &Verdict::of("ok"));
    }
    desk.decide(
        &ids[0],
        "lena",
        "accept",
        (None, None, None),
        "2026-11-20 12:00:00",
    );
    desk.decide(
        &ids[1],
        "lena",
        "override",
        (Some("ok"), None, None),
        "2026-11-20 12:30:00",
    );
    let out = desk
        .okk()
        .args(["db", "copy"])
        .arg(&desk.db)
        .arg(&server.url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("cards              353"));
    for args in [
        &["--json"][..],
        &["--auditors", "--json"],
        &["--csv", "--table", "managers"],
    ] {
        let stats = |db: &str| {
            let out = okk_on(&desk, db)
                .args(["--today", TODAY, "stats"])
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        };
        assert_eq!(
            String::from_utf8(stats(&server.url)).unwrap(),
            String::from_utf8(stats(&laptop)).unwrap(),
            "okk stats {args:?}"
        );
    }
    for stage in [
        "Квалификация",
        "Переговоры",
        "Договор",
        "Успешно реализовано",
    ] {
        for who in ["anna", "boris"] {
            for args in [&["--limit", "500"][..], &["--limit", "500", "--all"]] {
                assert_eq!(
                    queue(&desk, &server.url, stage, who, args),
                    queue(&desk, &laptop, stage, who, args),
                    "{stage} {who} {args:?}"
                );
            }
        }
    }
    two_auditors_share_a_queue(&desk, &server.url);
    let again = desk
        .okk()
        .args(["db", "copy"])
        .arg(&desk.db)
        .arg(&server.url)
        .output()
        .unwrap();
    assert!(
        !again.status.success(),
        "a server store with cards is not copied over"
    );
}

/// `who`'s reviewer on the server (which always takes cards by claim), at `stage`'s first card.
fn reviewer_on_server(
    url: &str,
    who: &str,
    stage: &str,
    dir: &std::path::Path,
) -> (okk::tui::state::State, okk::tui::desk::Desk) {
    use std::sync::Arc;
    let store = okk::store::pg::PgStore::open(url, dir).unwrap();
    let funnel = Arc::new(okk::funnel_config::default_funnel());
    let clock = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let desk =
        okk::tui::desk::Desk::new(store, funnel.clone(), who.into(), "fp".into(), Some(clock))
            .claiming(std::time::Duration::from_secs(30));
    let keymap = okk::tui::keymap::Keymap::default();
    let mut state = okk::tui::state::State::new(funnel, who.into(), keymap);
    okk::tui::update::load_stages(&mut state, &desk).unwrap();
    let row = (state.stages.rows.iter())
        .position(|r| r.name == stage)
        .unwrap();
    okk::tui::update::start_at_stage(&mut state, row, &desk).unwrap();
    (state, desk)
}

#[test]
fn on_the_server_two_reviewers_never_see_one_card_and_the_lead_hears_each_verdict() {
    use okk::tui::effect::{Msg, Outcome};
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let out = desk
        .okk()
        .args(["db", "copy"])
        .arg(&desk.db)
        .arg(&server.url)
        .output()
        .unwrap();
    assert!(out.status.success());
    let dir = desk.tmp_dir();
    let stage = "Квалификация";
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", stage, &dir);
    let (mut boris, mut b) = reviewer_on_server(&server.url, "boris", stage, &dir);
    // The lead's session listening for the auditors.
    let lead_store = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let mut watch = okk::domain::ports::Reopen::watch(&lead_store).unwrap();
    assert!(!watch.wait(std::time::Duration::ZERO).unwrap());
    let shown =
        |s: &okk::tui::state::State| s.card.as_ref().map(|c| c.detail.card.external_id.clone());
    let mut seen = std::collections::HashSet::new();
    for _ in 0..4 {
        let (Some(x), Some(y)) = (shown(&anna), shown(&boris)) else {
            break;
        };
        assert_ne!(x, y, "one card on both screens");
        assert!(seen.insert(x) && seen.insert(y), "a card shown twice");
        common::reviewer::press(&mut anna, &mut a, "a");
        common::reviewer::press(&mut boris, &mut b, "a");
    }
    assert!(seen.len() >= 6, "{seen:?}");
    assert!(
        watch.wait(std::time::Duration::from_secs(5)).unwrap(),
        "the verdicts notified"
    );
    // The lead's screen on the server refreshes its list on the watcher's word.
    let clock = a.now();
    let funnel = std::sync::Arc::new(okk::funnel_config::default_funnel());
    let mut l = okk::tui::desk::Desk::new(
        lead_store,
        funnel.clone(),
        "lena".into(),
        "fp".into(),
        Some(clock),
    );
    let keymap = okk::tui::keymap::Keymap::default();
    let mut lead = okk::tui::state::State::new(funnel, "lena".into(), keymap);
    okk::tui::lead::load(&mut lead, &l).unwrap();
    let before = lead.lead.as_ref().unwrap().rows.len();
    assert_eq!(before, seen.len());
    common::reviewer::press(&mut anna, &mut a, "a");
    okk::tui::run::dispatch(&mut lead, Msg::Done(Box::new(Outcome::OthersActed)), &mut l);
    assert_eq!(lead.lead.as_ref().unwrap().rows.len(), before + 1);
}
