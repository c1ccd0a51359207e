//! The team server from the command line: `okk queue --claim` shares one queue between
//! auditors (on a store file and on PostgreSQL), `okk db copy` moves a laptop's store onto the
//! server with the same queues, `okk import` onto the server does what it does onto a file, and
//! a command not on the server yet says which ones are.
//! The PostgreSQL stories need `OKK_TEST_PG` (a throwaway server); without it they say they
//! were skipped, and under CI a skip is a failure.

mod common;

#[path = "support/english.rs"]
mod english;
#[path = "support/fake_crm.rs"]
mod fake;
#[path = "support/server_db.rs"]
mod server_db;

use common::{Desk, Verdict, funnel_path, path_arg, repo, salesforce, succeeded};
use okk::domain::stored_review::Given;
use serde_json::Value as Json;
use server_db::ServerDb;

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
    let out = succeeded(
        okk_on(desk, db)
            .args(["--today", TODAY, "queue", "--stage", stage])
            .args(["--auditor", who, "--json"])
            .args(args),
    );
    common::card_ids(&serde_json::from_str(&out).unwrap())
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

/// `who`'s claims as the store at `db` holds them: (stage, card id, deadline in Unix seconds),
/// sorted; expired ones too (they hold nothing, but a renewal would show in their deadline).
fn leases_of(desk: &Desk, db: &str, who: &str) -> Vec<(String, String, f64)> {
    let mut out: Vec<(String, String, f64)> = if db.starts_with("postgres") {
        postgres::Client::connect(db, postgres::NoTls)
            .unwrap()
            .query(
                "SELECT c.stage, c.external_id, extract(epoch FROM l.until)::float8
                 FROM leases l JOIN cards c ON c.id = l.card_id WHERE l.auditor = $1",
                &[&who],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    } else {
        let conn = rusqlite::Connection::open(&desk.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT c.stage, c.external_id, l.until
                 FROM leases l JOIN cards c ON c.id = l.card_id WHERE l.auditor = ?1",
            )
            .unwrap();
        stmt.query_map([who], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

/// The card ids of `stage` among [`leases_of`].
fn ids_on(leases: &[(String, String, f64)], stage: &str) -> Vec<String> {
    let mut ids: Vec<String> = (leases.iter())
        .filter(|l| l.0 == stage)
        .map(|l| l.1.clone())
        .collect();
    ids.sort();
    ids
}

const MEETING_SET: &str = "Встреча назначена";

/// tester36 F5 from the command line: a claim holds what it prints and no more (her older
/// claims on the stage beyond them go back), never shortens a lease, and leaves her claims on
/// another stage as they were; `--release` gives them back, by stage or all, saying how many.
fn a_claim_holds_what_it_prints_and_release_gives_claims_back(desk: &Desk, db: &str) {
    let stage = "Квалификация";
    let three = queue(desk, db, stage, "anna", &["--claim", "3", "--lease", "30"]);
    assert_eq!(three.len(), 3);
    let four = queue(
        desk,
        db,
        MEETING_SET,
        "anna",
        &["--claim", "4", "--lease", "600"],
    );
    assert_eq!(four.len(), 4);
    let before = leases_of(desk, db, "anna");
    let one = queue(desk, db, stage, "anna", &["--claim", "1", "--lease", "600"]);
    assert_eq!(one, three[..1], "her claims on the stage first");
    let after = leases_of(desk, db, "anna");
    assert_eq!(
        ids_on(&after, stage),
        one,
        "it holds the one card it printed"
    );
    let elsewhere = |l: &[(String, String, f64)]| -> Vec<(String, String, f64)> {
        l.iter().filter(|l| l.0 == MEETING_SET).cloned().collect()
    };
    assert_eq!(
        elsewhere(&after),
        elsewhere(&before),
        "her claims on another stage as they were: not renewed, not given back"
    );
    assert_eq!(
        queue(desk, db, stage, "boris", &["--claim", "2"]),
        three[1..],
        "the two she held beyond the one printed are free"
    );
    // A script's short claim keeps the card as long as it was held.
    let held_until = after.iter().find(|l| l.0 == stage).unwrap().2;
    assert_eq!(
        queue(desk, db, stage, "anna", &["--claim", "1", "--lease", "5"]),
        one
    );
    let now = leases_of(desk, db, "anna");
    let until = now.iter().find(|l| l.0 == stage).unwrap().2;
    assert!(until >= held_until, "a claim never shortens a lease");

    let said = succeeded(
        okk_on(desk, db)
            .args(["--today", TODAY, "queue", "--stage", MEETING_SET])
            .args(["--auditor", "anna", "--release"]),
    );
    assert_eq!(
        said.trim(),
        "4 cards of «Встреча назначена» anna held are back in the shared queue"
    );
    assert_eq!(ids_on(&leases_of(desk, db, "anna"), MEETING_SET), [""; 0]);
    assert_eq!(
        queue(desk, db, MEETING_SET, "boris", &["--claim", "4"]),
        four,
        "free for the next auditor at once"
    );
    let said = succeeded(
        okk_on(desk, db)
            .args(["--today", TODAY, "queue", "--auditor", "anna"])
            .args(["--release", "--json"]),
    );
    assert_eq!(said.trim(), r#"{"released":1}"#, "every stage's");
    assert!(leases_of(desk, db, "anna").is_empty());
    assert_eq!(ids_on(&leases_of(desk, db, "boris"), MEETING_SET).len(), 4);
    let said = succeeded(
        okk_on(desk, db)
            .args([
                "--lang",
                "ru",
                "--today",
                TODAY,
                "queue",
                "--auditor",
                "anna",
            ])
            .arg("--release"),
    );
    assert_eq!(
        said.trim(),
        "за anna не закреплено ни одной карточки: возвращать нечего"
    );
}

#[test]
fn on_a_store_file_a_claim_holds_what_it_prints_and_release_gives_claims_back() {
    let desk = demo_desk();
    a_claim_holds_what_it_prints_and_release_gives_claims_back(&desk, &path_arg(&desk.db));
}

#[test]
fn on_the_server_a_claim_holds_what_it_prints_and_release_gives_claims_back() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    a_claim_holds_what_it_prints_and_release_gives_claims_back(&desk, &server.url);
}

/// `who`'s reviewer on `db` taking its cards by claim (a server always does; a store file
/// with `okk review --claim`), at `stage`'s first card.
fn reviewer_claiming(
    desk: &Desk,
    db: &str,
    who: &str,
    stage: &str,
) -> (okk::tui::state::State, okk::tui::desk::Desk) {
    if db.starts_with("postgres") {
        return reviewer_on_server(db, who, stage, &desk.tmp_dir());
    }
    let (mut state, d) = common::reviewer::open(&desk.db, who);
    let d = d.claiming(std::time::Duration::from_secs(30));
    okk::tui::update::load_stages(&mut state, &d).unwrap();
    let row = common::reviewer::stage_row(&state, stage);
    okk::tui::update::start_at_stage(&mut state, row, &d).unwrap();
    (state, d)
}

/// tester36 F5 in the reviewer: working on one stage (each verdict claims the next card) and
/// quitting gives back what it held there, and leaves the claims a script of hers made on
/// another stage exactly as they were: not renewed (for the reviewer's shorter lease or
/// longer), not given back.
fn the_reviewer_leaves_a_scripts_claims_on_another_stage_alone(desk: &Desk, db: &str) {
    let script = queue(
        desk,
        db,
        MEETING_SET,
        "anna",
        &["--claim", "2", "--lease", "600"],
    );
    assert_eq!(script.len(), 2);
    let before = leases_of(desk, db, "anna");
    let stage = "Квалификация";
    let (mut anna, mut a) = reviewer_claiming(desk, db, "anna", stage);
    let shown =
        |s: &okk::tui::state::State| s.card.as_ref().map(|c| c.detail.card.external_id.clone());
    let mut judged = Vec::new();
    for _ in 0..3 {
        judged.push(shown(&anna).expect("a card"));
        common::reviewer::press(&mut anna, &mut a, "a");
    }
    let on_screen = shown(&anna).expect("the next card");
    let working = leases_of(desk, db, "anna");
    assert_eq!(
        ids_on(&working, stage),
        [on_screen],
        "she holds the card on screen"
    );
    assert_eq!(ids_on(&working, MEETING_SET), ids_on(&before, MEETING_SET));
    assert_eq!(working[..2], before[..], "the script's claims as they were");
    common::reviewer::press(&mut anna, &mut a, "<ctrl-c>");
    assert!(anna.shared.quit);
    assert_eq!(
        leases_of(desk, db, "anna"),
        before,
        "quitting gave back what the reviewer held, and only that"
    );
}

#[test]
fn on_a_store_file_the_reviewer_leaves_a_scripts_claims_on_another_stage_alone() {
    let desk = demo_desk();
    the_reviewer_leaves_a_scripts_claims_on_another_stage_alone(&desk, &path_arg(&desk.db));
}

#[test]
fn on_the_server_the_reviewer_leaves_a_scripts_claims_on_another_stage_alone() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    the_reviewer_leaves_a_scripts_claims_on_another_stage_alone(&desk, &server.url);
}

/// `okk queue` without `--claim` only looks: with no `--auditor` and no `$USER` it lists the
/// queue as "auditor" and registers nobody (`okk db roles` has no users); a claim records work,
/// and registers the name it claims under.
fn a_queue_looked_at_registers_nobody_a_claim_does(desk: &Desk, db: &str) {
    let okk = |args: &[&str]| {
        let out = okk_on(desk, db)
            .env_remove("USER")
            .env_remove("USERNAME")
            .args(["--today", TODAY])
            .args(args)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "okk {args:?}: {said}{err}");
        said
    };
    okk(&["queue", "--stage", "Квалификация"]);
    okk(&["queue", "--stage", "Квалификация", "--json"]);
    let listed = okk(&["db", "roles"]);
    assert!(listed.contains("has no users yet"), "{listed}");
    let listed = okk(&["--lang", "ru", "db", "roles"]);
    assert!(listed.contains("пока нет пользователей"), "{listed}");
    okk(&["queue", "--stage", "Квалификация", "--claim", "1"]);
    let listed = okk(&["db", "roles"]);
    assert!(
        listed.contains("auditor") && listed.contains("registered on first use"),
        "{listed}"
    );
}

#[test]
fn a_queue_looked_at_on_a_store_file_registers_nobody() {
    let desk = demo_desk();
    a_queue_looked_at_registers_nobody_a_claim_does(&desk, &path_arg(&desk.db));
}

#[test]
fn a_queue_looked_at_on_the_server_registers_nobody() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    a_queue_looked_at_registers_nobody_a_claim_does(&desk, &server.url);
}

/// A store file is one person's: roles there keep names straight (an auditor's name does not
/// lead once roles are named, a stranger's name is not taken), they guard nothing from that
/// person, and a file has no logins.
#[test]
fn on_a_store_file_named_roles_keep_an_auditor_from_leading_and_a_stranger_out() {
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    refuses(
        &desk,
        &file,
        &["db", "roles", "--auditor", "anna=anna_pg"],
        "a store file has no login roles",
    );
    let (ok, said, err) = run_on(
        &desk,
        &file,
        &["db", "roles", "--auditor", "anna", "--lead", "lena"],
    );
    assert!(ok && said.contains("2 users named"), "{said}{err}");
    let (_, listed, _) = run_on(&desk, &file, &["db", "roles"]);
    assert!(
        listed.contains("anna") && listed.contains("lead"),
        "{listed}"
    );
    // `okk lead` needs a terminal; the refusal comes before it.
    refuses(
        &desk,
        &file,
        &["lead", "--lead", "anna"],
        "anna is an auditor on this store",
    );
    refuses(
        &desk,
        &file,
        &["queue", "--stage", "Договор", "--auditor", "zoe"],
        "zoe is not a user of this store",
    );
    refuses(
        &desk,
        &file,
        &[
            "calibrate",
            "new",
            "--stage",
            "Договор",
            "--auditors",
            "anna,lena",
            "--cards",
            "3",
            "--lead",
            "anna",
        ],
        "anna is an auditor on this store: only a lead starts a calibration",
    );
    let (ok, _, err) = run_on(
        &desk,
        &file,
        &["queue", "--stage", "Договор", "--auditor", "lena"],
    );
    assert!(ok, "a lead also reviews: {err}");
    refuses(
        &desk,
        &file,
        &[
            "funnel",
            "apply",
            &path_arg(&funnel_path()),
            "--lead",
            "anna",
        ],
        "anna is an auditor on this store: only a lead applies the funnel",
    );
    let (ok, _, err) = run_on(&desk, &file, &["--lang", "ru", "lead", "--lead", "anna"]);
    assert!(!ok, "{err}");
    english::assert_russian("okk lead as an auditor", &err, &["okk"]);
    assert!(err.contains("anna — аудитор в этом хранилище"), "{err}");
}

#[test]
fn a_server_that_does_not_answer_is_named_without_its_password() {
    let desk = Desk::new();
    let out = okk_on(&desk, "postgres://okk:secret@127.0.0.1:1/okk")
        .args(["funnel", "suggest"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("postgres://okk@127.0.0.1:1/okk"), "{err}");
    assert!(
        !err.contains("secret"),
        "the password is never shown: {err}"
    );
    // Every command runs on a server now; a command that had not learnt it would be refused
    // with the ones that have, the URL without its password.
    use okk::text::lang::{self, Lang};
    let shown = okk::store::pg::shown_url("postgres://okk:secret@127.0.0.1:1/okk");
    let refused = lang::with(Lang::En, || {
        okk::text::app::not_on_server(std::path::Path::new(&shown))
    });
    assert!(
        refused.contains("does not work on a PostgreSQL store yet")
            && refused.contains("okk review, okk lead, okk queue")
            && refused.contains("okk export reviews, okk export crm, okk report")
            && !refused.contains("secret"),
        "{refused}"
    );
}

/// Something at the address takes the connection and hangs up mid-reply without speaking
/// PostgreSQL (a proxy, a firewall, another service on the port): the driver's words ("bytes
/// remaining on stream") come in the reader's language, with what to check.
#[test]
fn a_host_that_answers_but_not_as_postgresql_is_explained_in_russian() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        use std::io::{Read, Write};
        for stream in listener.incoming().take(2) {
            let mut stream = stream.unwrap();
            // The client's startup message, whole (its length first), so that hanging up
            // closes the line rather than resetting it.
            let mut len = [0u8; 4];
            let _ = stream.read_exact(&mut len);
            let mut rest = vec![0u8; (u32::from_be_bytes(len) as usize).saturating_sub(4)];
            let _ = stream.read_exact(&mut rest);
            // A message's tag and the start of its length, then the line goes dead.
            let _ = stream.write_all(b"HTTP/1.1 400");
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let _ = stream.read_to_end(&mut rest);
        }
    });
    let desk = Desk::new();
    let url = format!("postgres://anna@127.0.0.1:{port}/okk");
    let run = |lang: &str| {
        let out = okk_on(&desk, &url)
            .args(["--lang", lang, "stats"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let err = run("ru");
    english::assert_russian(
        "an unreachable server",
        &err,
        &["okk", "postgres", "anna", "okk"],
    );
    assert!(err.contains("не ответив как PostgreSQL"), "{err}");
    let err = run("en");
    assert!(err.contains("without answering as PostgreSQL"), "{err}");
}

#[test]
fn db_copy_moves_a_store_between_a_file_and_a_server_only() {
    let desk = Desk::new();
    let other = desk.dir.path().join("other.db");
    let out = desk
        .okk()
        .args(["db", "copy"])
        .arg(&other)
        .arg(&desk.db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("db copy moves a whole store between"));
    std::fs::write(&other, "mine").unwrap();
    let out = desk
        .okk()
        .args(["db", "copy", "postgres://127.0.0.1:1/okk"])
        .arg(&other)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is there already"));
    assert_eq!(
        std::fs::read(&other).unwrap(),
        b"mine",
        "never written over"
    );
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

/// What okk says, failing, to `okk --db DB stats`.
fn refused_db(db: &str) -> String {
    let out = Desk::new()
        .okk_bare()
        .args(["--db", db, "stats"])
        .output()
        .unwrap();
    assert!(!out.status.success(), "{db}");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// libpq's keyword form is no file's name: said so, with the URL form to write, and the
/// password it held never printed back.
#[test]
fn a_connection_string_in_keyword_form_is_refused_without_its_password() {
    let err = refused_db("host=127.0.0.1 port=54330 user=postgres password=S3cretPW dbname=t7");
    assert!(!err.contains("S3cretPW"), "{err}");
    assert!(
        err.contains("password=*** dbname=t7» is a PostgreSQL connection string")
            && err.contains("postgres://USER:PASSWORD@HOST:PORT/DATABASE"),
        "{err}"
    );
}

/// An @ in a URL's password, not percent-encoded, is said so (the driver looked up the host
/// `PW@127.0.0.1`), the password still hidden.
#[test]
fn an_at_sign_in_a_url_password_is_said_so() {
    let err = refused_db("postgres://postgres:S3cret@PW@127.0.0.1:54330/t1");
    assert!(!err.contains("S3cret"), "{err}");
    assert!(err.contains("must be written %40"), "{err}");
}

#[test]
fn in_russian_the_server_s_refusals_and_db_copy_speak_russian() {
    let desk = Desk::new();
    use okk::text::lang::{self, Lang};
    let err = lang::with(Lang::Ru, || {
        okk::text::app::not_on_server(std::path::Path::new("postgres://okk@127.0.0.1:1/okk"))
    });
    english::assert_russian("a command not on a server", &err, &["postgres", "okk"]);
    assert!(
        err.contains("эта команда пока не работает с хранилищем на PostgreSQL")
            && err.contains("okk review, okk lead, okk queue (с --claim N)")
            && err.contains("okk export reviews, okk export crm, okk report"),
        "{err}"
    );

    let out = desk
        .okk()
        .args(["--lang", "ru", "db", "copy"])
        .arg(desk.dir.path().join("a.db"))
        .arg(&desk.db)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    english::assert_russian("okk db copy file to file", &err, &["postgres"]);
    assert!(
        err.contains("db copy переносит хранилище целиком между файлом SQLite и PostgreSQL"),
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
        not_empty.contains("в хранилище сервера уже есть карточки или проверки")
            && not_empty.contains("скопируйте в новую базу")
            && not_empty.contains("okk bundle import")
            && !not_empty.contains("не удаётся открыть"),
        "{not_empty}"
    );

    // A server that does not answer: the driver's words in Russian, the system's cause as it
    // gave it, and what to check.
    let out = desk
        .okk_bare()
        .args([
            "--lang",
            "ru",
            "--db",
            "postgres://okk@127.0.0.1:1/okk",
            "stats",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("ошибка подключения к серверу: Connection refused")
            && !err.contains("error connecting"),
        "{err}"
    );
    let out = desk
        .okk_bare()
        .args([
            "--lang",
            "en",
            "--db",
            "postgres://okk@127.0.0.1:1/okk",
            "stats",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error connecting to server: Connection refused"),
        "{err}"
    );
    let english = lang::with(Lang::En, || okk::text::app::copied(&[("cards", 12345)], to));
    assert_eq!(
        english,
        "Copied into postgres://host/okk:\n  cards              12345\n"
    );
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
    // Anna judges a card again: her first review is superseded by one made after it (the copy
    // back once failed on such a row, whose successor it had not written yet).
    desk.review(
        &judged[2],
        "anna",
        "2026-11-21 09:00:00",
        &Verdict::of("stale"),
    );
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
    let out = copied_to(&desk, &server.url);
    assert!(out.contains("cards              371"));
    for args in [
        &["--json"][..],
        &["--auditors", "--json"],
        &["--csv", "--table", "managers"],
    ] {
        let stats = |db: &str| {
            succeeded(
                okk_on(&desk, db)
                    .args(["--today", TODAY, "stats"])
                    .args(args),
            )
        };
        assert_eq!(stats(&server.url), stats(&laptop), "okk stats {args:?}");
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
    // And back to a laptop: the same figures and the same exports as the store it came from.
    let back = desk.dir.path().join("back.db");
    let out = desk
        .okk()
        .args(["db", "copy", &server.url])
        .arg(&back)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("cards              371") && said.contains("lead_decisions     2"),
        "{said}"
    );
    let back = path_arg(&back);
    for args in [
        &["stats", "--json"][..],
        &["stats", "--auditors", "--json"],
        &["stats", "--csv", "--table", "managers"],
        &[
            "queue",
            "--stage",
            "Переговоры",
            "--auditor",
            "anna",
            "--all",
            "--json",
        ],
    ] {
        let run = |db: &str| {
            let (ok, out, err) = run_on(&desk, db, &[&["--today", TODAY][..], args].concat());
            assert!(ok, "{args:?}: {err}");
            out
        };
        assert_eq!(run(&back), run(&laptop), "okk {args:?} after the copy back");
    }
    for (kind, profile) in [("reviews", None), ("crm", Some("amocrm"))] {
        let export = |db: &str| {
            let out = desk.dir.path().join(format!("{kind}-{}.csv", db.len()));
            let mut args = vec!["--today", TODAY, "export", kind, "--out"];
            let file = path_arg(&out);
            args.push(&file);
            if let Some(p) = profile {
                args.extend(["--profile", p]);
            }
            let (ok, _, err) = run_on(&desk, db, &args);
            assert!(ok, "export {kind}: {err}");
            std::fs::read(out).unwrap()
        };
        assert_eq!(
            export(&back),
            export(&laptop),
            "okk export {kind} after the copy back"
        );
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

/// tester43 F4: a server whose lead applied a funnel other than the laptop's, copied back to a
/// file: the file judges by the server's version as the server does (the laptop's `--funnel`
/// named and not used), so stats, the queue and both exports read the same on both; a lead's
/// `okk funnel apply` on the file moves it onto another funnel.
#[test]
fn a_file_copied_back_judges_by_the_server_s_applied_funnel_not_the_laptop_s() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let laptop = path_arg(&desk.db);
    let judged = queue(&desk, &laptop, "Бронирование", "anna", &["--limit", "4"]);
    for card in &judged {
        desk.review(card, "anna", "2026-11-19 10:00:00", &Verdict::of("stale"));
    }
    copied_to(&desk, &server.url);
    let other = desk.funnel_without_booking();
    let (ok, said, err) = run_on(
        &desk,
        &server.url,
        &[
            "--today", TODAY, "funnel", "apply", &other, "--lead", "lena",
        ],
    );
    assert!(ok && said.contains("funnel version"), "{said}{err}");
    let back = desk.dir.path().join("back.db");
    succeeded(desk.okk().args(["db", "copy", &server.url]).arg(&back));
    let back = path_arg(&back);
    let run = |db: &str, args: &[&str]| {
        let (ok, out, err) = run_on(&desk, db, &[&["--today", TODAY][..], args].concat());
        assert!(ok, "{args:?}: {err}");
        (out, err)
    };
    for args in [
        &["stats", "--json"][..],
        &["stats", "--auditors", "--json"],
        &[
            "queue",
            "--stage",
            "Бронь клиента",
            "--auditor",
            "anna",
            "--json",
        ],
    ] {
        let (on_server, _) = run(&server.url, args);
        let (on_file, err) = run(&back, args);
        assert_eq!(on_file, on_server, "okk {args:?} on the file copied back");
        assert!(
            err.contains("the store's funnel is used (version")
                && err.contains("funnel.toml differs from it and is not used"),
            "the laptop's funnel named, not used: {err}"
        );
    }
    let (laptop_stats, _) = run(&laptop, &["stats", "--json"]);
    assert_ne!(
        run(&back, &["stats", "--json"]).0,
        laptop_stats,
        "the server's funnel is not the laptop's"
    );
    let export = |db: &str, kind: &str| {
        let out = desk.dir.path().join(format!("{kind}-{}.csv", db.len()));
        let file = path_arg(&out);
        let mut args = vec!["export", kind, "--out", &file];
        if kind == "crm" {
            args.extend(["--profile", "amocrm"]);
        }
        run(db, &args);
        std::fs::read(out).unwrap()
    };
    for kind in ["reviews", "crm"] {
        assert_eq!(
            export(&back, kind),
            export(&server.url, kind),
            "okk export {kind} on the file copied back"
        );
    }
    // `funnel show` on the file reads the store's version, and says so.
    let (ok, shown, err) = desk
        .okk_bare()
        .args(["--db", &back, "funnel", "show"])
        .output()
        .map(|o| {
            (
                o.status.success(),
                String::from_utf8_lossy(&o.stdout).into_owned(),
                String::from_utf8_lossy(&o.stderr).into_owned(),
            )
        })
        .unwrap();
    assert!(
        ok && shown.contains("Бронь клиента") && err.contains("the store's funnel (version"),
        "{shown}{err}"
    );
    // The file's lead moves it onto the laptop's funnel: from then on it reads as the laptop.
    let full = path_arg(&funnel_path());
    let (said, err) = run(&back, &["funnel", "apply", &full, "--lead", "lena"]);
    assert!(said.contains("funnel version"), "{said}{err}");
    let (after, err) = run(&back, &["stats", "--json"]);
    assert_eq!(after, laptop_stats, "{err}");
    assert!(!err.contains("is not used"), "{err}");
}

/// The other way: a store file whose lead applied a funnel, copied onto a server, gives the
/// server that funnel, and the two read the same.
#[test]
fn a_file_s_applied_funnel_is_the_server_s_after_the_copy() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let laptop = path_arg(&desk.db);
    let other = desk.funnel_without_booking();
    let (ok, said, err) = run_on(
        &desk,
        &laptop,
        &[
            "--today", TODAY, "funnel", "apply", &other, "--lead", "lena",
        ],
    );
    assert!(ok && said.contains("funnel version"), "{said}{err}");
    copied_to(&desk, &server.url);
    let stats = |db: &str| run_on(&desk, db, &["--today", TODAY, "stats", "--json"]);
    let ((_, on_file, _), (ok, on_server, err)) = (stats(&laptop), stats(&server.url));
    assert!(ok, "{err}");
    assert!(on_server.contains("Бронь клиента"), "{on_server}");
    assert_eq!(on_server, on_file);
    assert!(
        err.contains("is not used"),
        "the laptop's funnel named: {err}"
    );
}

/// `okk db copy` of the desk's store to the server at `url`, succeeded: what it said.
fn copied_to(desk: &Desk, url: &str) -> String {
    succeeded(desk.okk().args(["db", "copy"]).arg(&desk.db).arg(url))
}

/// `okk ARGS` on `db` fails, saying `words`.
fn refuses(desk: &Desk, db: &str, args: &[&str], words: &str) {
    let (ok, _, err) = run_on(desk, db, args);
    assert!(!ok && err.contains(words), "okk {args:?}: {err}");
}

/// `okk ARGS` on `db`, as the desk's sandbox; its exit, stdout and stderr.
fn run_on(desk: &Desk, db: &str, args: &[&str]) -> (bool, String, String) {
    let out = okk_on(desk, db).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn on_the_server_an_auditor_s_login_cannot_decide_change_another_s_review_or_the_funnel() {
    use okk::domain::decision::Decision;
    use okk::domain::pending::PendingReview;
    use okk::domain::ports::{ReviewStore, StoreError};
    use okk::domain::review::Review;
    use okk::domain::stored_review::ReviewedCard;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let laptop = path_arg(&desk.db);
    let card = &queue(&desk, &laptop, "Переговоры", "anna", &["--limit", "1"])[0];
    let anna_review = desk.review(card, "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    let boris_review = desk.review(card, "boris", "2026-11-19 11:00:00", &Verdict::of("stale"));
    copied_to(&desk, &server.url);

    // Before roles are set up the owner acts as anyone, and a new name that claims work is
    // registered.
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &[
            "queue",
            "--stage",
            "Договор",
            "--auditor",
            "zoe",
            "--claim",
            "1",
        ],
    );
    assert!(ok, "{err}");
    let (_, listed, _) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(
        listed.contains("zoe") && listed.contains("registered on first use"),
        "{listed}"
    );

    let (anna, anna_url) = server.login("anna");
    let (boris, _) = server.login("boris");
    let (lena, lena_url) = server.login("lena");
    let (ok, said, err) = run_on(
        &desk,
        &server.url,
        &[
            "db",
            "roles",
            "--auditor",
            &format!("anna={anna}"),
            "--auditor",
            &format!("boris={boris}"),
            "--lead",
            &format!("lena={lena}"),
        ],
    );
    assert!(ok && said.contains("3 users named"), "{said}{err}");

    // The auditor's own connection, refused by the server itself (SQLSTATE 42501).
    let journal = desk.dir.path().join("journal");
    let mut as_anna = PgStore::open(&anna_url, &journal).expect("anna connects");
    let decision = Decision::accept();
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let refused = |r: Result<_, StoreError>, words: &str| {
        let e = r.expect_err("refused");
        assert!(matches!(e, StoreError::Refused { .. }), "{e:?}");
        assert!(e.to_string().contains(words), "{e}");
    };
    refused(
        as_anna
            .decide(&anna_review, "anna", &decision, now)
            .map(|_| ()),
        "only a lead decides",
    );
    refused(
        as_anna
            .decide(&anna_review, "lena", &decision, now)
            .map(|_| ()),
        "only a lead decides",
    );
    refused(
        as_anna.withdraw_review(&boris_review, now),
        "this review is another's",
    );
    let version = okk::domain::funnel_diff::FunnelVersion {
        version: 0,
        hash: "forged".into(),
        first_used: "2026-11-20 09:00:00".into(),
        name: "forged".into(),
        content: String::new(),
        changes: "{}".into(),
    };
    refused(
        as_anna
            .apply_funnel(&version, "anna", "2026-11-20 09:00:00")
            .map(|_| ()),
        "only a lead changes the store's funnel",
    );
    // A verdict in another's name, refused inside the one call a verdict is (schema 5).
    let card_id: i64 = postgres::Client::connect(&server.url, postgres::NoTls)
        .unwrap()
        .query_one("SELECT id FROM cards WHERE external_id = $1", &[card])
        .unwrap()
        .get(0);
    let detail = ReviewStore::card_detail(&as_anna, okk::domain::ids::CardId(card_id))
        .unwrap()
        .unwrap();
    let in_boris_name = PendingReview {
        id: "anna-as-boris".into(),
        card: ReviewedCard::from(&detail),
        review: Review {
            verdict: okk::domain::review::Verdict::Dead,
            draft: Default::default(),
            score: None,
            seconds_spent: 1.0,
        },
        auditor: "boris".into(),
        funnel_fingerprint: "fp".into(),
        now,
        withdrawn_at: None,
    };
    refused(
        as_anna.save_review(&in_boris_name, Given::Now),
        "this review is another's",
    );
    as_anna
        .withdraw_review(&anna_review, now)
        .expect("her own review is hers to withdraw");
    let mut as_lena = PgStore::open(&lena_url, &journal).expect("lena connects");
    as_lena
        .decide(&boris_review, "lena", &decision, now)
        .expect("a lead decides");

    // Her claims are leases in her own name: the server lets her lock and lease cards.
    let claimed = queue(&desk, &anna_url, "Квалификация", "anna", &["--claim", "2"]);
    assert_eq!(claimed.len(), 2);

    // The command line says so before the server has to.
    refuses(
        &desk,
        &anna_url,
        &["queue", "--stage", "Договор", "--auditor", "boris"],
        "this connection is okk user anna",
    );
    refuses(
        &desk,
        &server.url,
        &["queue", "--stage", "Договор", "--auditor", "yan"],
        "yan is not a user of this store",
    );
    // A bundle signed in the lead's name from her login would go out with a note telling every
    // auditor to trust her key as the lead's: refused as any other act in another's name, and
    // before a key is made.
    let key = desk.dir.path().join("anna-signing.key");
    let out = (okk_on(&desk, &anna_url).env("OKK_SIGNING_KEY", &key))
        .args(["bundle", "export", "--as", "lena", "--out"])
        .arg(desk.dir.path().join("as-lena.okkb"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("this connection is okk user anna"),
        "{err}"
    );
    assert!(!key.exists(), "a refusal makes no key");
    assert!(!desk.dir.path().join("as-lena.okkb").exists());

    // The funnel lives in the store: the lead applies one, an auditor may not, and an
    // auditor's command judges by the store's whatever its own file says.
    let renamed = desk.dir.path().join("renamed.toml");
    let text = std::fs::read_to_string(funnel_path()).unwrap().replacen(
        "name = \"Квалификация\"\naliases = [",
        "name = \"Qualify\"\naliases = [\"Квалификация\", ",
        1,
    );
    std::fs::write(&renamed, text).unwrap();
    let file = path_arg(&renamed);
    refuses(
        &desk,
        &anna_url,
        &["funnel", "apply", &file],
        "anna is an auditor on this store",
    );
    // Version 1 is the laptop's, copied in with its store.
    // The lead's name as `okk lead` takes it: `OKK_LEAD` (here not her login's) before the
    // config's and the login's.
    let out = (okk_on(&desk, &lena_url).env("OKK_LEAD", "boris"))
        .args(["funnel", "apply", &file])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("this connection is okk user lena"),
        "OKK_LEAD names the lead: {err}"
    );
    let (ok, said, err) = run_on(&desk, &lena_url, &["funnel", "apply", &file]);
    assert!(
        ok && said.contains("funnel version 2 applied"),
        "{said}{err}"
    );

    // A calibration is a lead's too: an auditor's login is refused in okk's words (not the
    // server's "may not read or change calibrations"), and the lead's login starts it in her
    // own name with no `--lead` and no `$USER` to take one from.
    let calibrate = [
        "calibrate",
        "new",
        "--stage",
        "Договор",
        "--auditors",
        "anna,boris",
    ];
    let (ok, _, err) = run_on(
        &desk,
        &anna_url,
        &[&["--lang", "ru"][..], &calibrate, &["--cards", "3"]].concat(),
    );
    assert!(
        !ok && err
            .contains("anna — аудитор в этом хранилище: калибровку начинает только руководитель"),
        "{err}"
    );
    let out = (okk_on(&desk, &lena_url)
        .env_remove("USER")
        .env_remove("USERNAME"))
    .env_remove("OKK_LEAD")
    .args(calibrate)
    .args(["--cards", "3"])
    .output()
    .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("by lena"), "{said}");
    let (_, out, _) = run_on(&desk, &server.url, &["calibrate", "report", "--json"]);
    let report: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(report["created_by"], "lena", "{report}");
    let (ok, _, err) = run_on(
        &desk,
        &anna_url,
        &["--today", TODAY, "queue", "--stage", "Qualify", "--json"],
    );
    assert!(ok, "the stored funnel knows Qualify: {err}");
    assert!(
        err.contains("the store's funnel is used (version 2, applied by lena"),
        "the local --funnel differs and is named: {err}"
    );
    let (ok, _, _) = run_on(
        &desk,
        &laptop,
        &["--today", TODAY, "queue", "--stage", "Qualify"],
    );
    assert!(!ok, "the laptop's own funnel does not know Qualify");
}

#[test]
fn a_laptop_s_signed_bundle_merges_into_the_server_store_with_the_same_checks() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    copied_to(&lead, &server.url);
    // An auditor's laptop: two verdicts, exported signed with the laptop's own key.
    let anna = demo_desk();
    let cards = queue(
        &anna,
        &path_arg(&anna.db),
        "Переговоры",
        "anna",
        &["--limit", "2"],
    );
    anna.review(&cards[0], "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    anna.review(
        &cards[1],
        "anna",
        "2026-11-19 10:05:00",
        &Verdict::of("dead"),
    );
    let bundle = anna.dir.path().join("anna.okkb");
    let (ok, _, err) = run_on(
        &anna,
        &path_arg(&anna.db),
        &[
            "bundle",
            "export",
            "--all",
            "--as",
            "anna",
            "--out",
            &path_arg(&bundle),
        ],
    );
    assert!(ok, "{err}");
    let file = path_arg(&bundle);

    // Not trusted yet: refused whole, the server store as it was.
    let stats = |db: &str| {
        run_on(
            &lead,
            db,
            &["--today", TODAY, "stats", "--auditors", "--json"],
        )
        .1
    };
    let before = stats(&server.url);
    let (ok, _, err) = run_on(&lead, &server.url, &["bundle", "import", &file]);
    assert!(
        !ok && err.contains("anna.okkb") && err.contains("anna"),
        "{err}"
    );
    assert_eq!(stats(&server.url), before);

    // Trusted, it goes in once, into the server and into the lead's laptop alike.
    for db in [server.url.as_str(), &path_arg(&lead.db)] {
        let (ok, _, err) = run_on(&lead, db, &["bundle", "trust", &file, "--as", "anna"]);
        assert!(ok, "{err}");
        let (ok, said, err) = run_on(&lead, db, &["bundle", "import", "--json", &file]);
        assert!(ok, "{err}");
        let report: Json = serde_json::from_str(&said).unwrap();
        assert_eq!(report["report"]["reviews_added"], 2, "{said}");
        let (_, again, _) = run_on(&lead, db, &["bundle", "import", "--json", &file]);
        let again: Json = serde_json::from_str(&again).unwrap();
        assert_eq!(
            (
                &again["report"]["reviews_added"],
                &again["report"]["reviews_known"]
            ),
            (&Json::from(0), &Json::from(2)),
            "importing twice changes nothing"
        );
    }
    assert_ne!(stats(&server.url), before);
    assert_eq!(stats(&server.url), stats(&path_arg(&lead.db)));
    // The keys each store trusts, listed alike.
    // (Each store dates the trust by its own clock when it was given: the two may fall on
    // either side of a second.)
    let keys = |db: &str| {
        let (ok, out, err) = run_on(&lead, db, &["bundle", "keys", "--json"]);
        assert!(ok, "{err}");
        let mut trusted = serde_json::from_str::<Json>(&out).unwrap()["trusted"].clone();
        for key in trusted.as_array_mut().into_iter().flatten() {
            let added = key
                .as_object_mut()
                .and_then(|k| k.remove("added_at"))
                .and_then(|a| a.as_str().map(str::to_string));
            assert!(added.is_some_and(|a| a.len() == 19), "{out}");
        }
        trusted
    };
    let on_server = keys(&server.url);
    assert_eq!(on_server.as_array().map(Vec::len), Some(1), "{on_server}");
    assert_eq!(on_server, keys(&path_arg(&lead.db)));

    // A record altered after signing is refused, and nothing of its file goes in.
    let text = std::fs::read_to_string(&bundle).unwrap();
    let forged = text.replacen("\"dead\"", "\"ok\"", 1);
    assert_ne!(forged, text, "the bundle carries the verdict as text");
    let forged_file = anna.dir.path().join("forged.okkb");
    std::fs::write(&forged_file, forged).unwrap();
    let after = stats(&server.url);
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["bundle", "import", &path_arg(&forged_file)],
    );
    assert!(
        !ok && err.contains("forged.okkb") && err.contains("altered"),
        "{err}"
    );
    assert_eq!(stats(&server.url), after);
}

#[test]
fn on_the_server_a_verdict_merged_after_the_leads_decision_leaves_the_card_where_the_lead_put_it() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    copied_to(&lead, &server.url);
    let anna = demo_desk();
    let card = queue(
        &anna,
        &path_arg(&anna.db),
        "Переговоры",
        "anna",
        &["--limit", "1"],
    )
    .remove(0);
    let export = |name: &str| {
        let bundle = anna.dir.path().join(name);
        let args = ["bundle", "export", "--force", "--as", "anna", "--out"];
        let (ok, _, err) = run_on(
            &anna,
            &path_arg(&anna.db),
            &[&args[..], &[&path_arg(&bundle)]].concat(),
        );
        assert!(ok, "{err}");
        path_arg(&bundle)
    };
    let import = |file: &str| -> Json {
        let (ok, said, err) = run_on(&lead, &server.url, &["bundle", "import", "--json", file]);
        assert!(ok, "{err}");
        serde_json::from_str::<Json>(&said).unwrap()["report"].clone()
    };
    // Anna's ok reaches the server; the lead overrides it there: the card is dead.
    let first = anna.review(&card, "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    let file = export("a1.okkb");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["bundle", "trust", &file, "--as", "anna"],
    );
    assert!(ok, "{err}");
    assert_eq!(import(&file)["after_decision"], 0);
    let dir = lead.tmp_dir();
    let mut store = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let dead = okk::domain::decision::Decision::overrule(okk::domain::review::Verdict::Dead, None);
    let at = chrono::NaiveDateTime::parse_from_str("2026-11-19 12:00:00", "%Y-%m-%d %H:%M:%S");
    store.decide(&first, "lena", &dead, at.unwrap()).unwrap();
    drop(store);
    // Anna judges the card ok again: her new verdict awaits the lead; the card stays dead.
    let again = anna.review(&card, "anna", "2026-11-19 13:00:00", &Verdict::of("ok"));
    let report = import(&export("a2.okkb"));
    assert_eq!(report["after_decision"], 1, "{report}");
    let out = lead.dir.path().join("reviews.csv");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["export", "reviews", "--force", "--out", &path_arg(&out)],
    );
    assert!(ok, "{err}");
    let rows = common::python_csv(&path_arg(&out), ',');
    let col = |name: &str| rows[0].iter().position(|c| c == name).unwrap();
    let row = rows
        .iter()
        .find(|r| r[col("review_id")] == again)
        .expect("anna's new review");
    assert_eq!(
        (
            row[col("lead_decision")].as_str(),
            row[col("final_verdict")].as_str()
        ),
        ("", "dead")
    );
    // Where that verdict comes from: the lead's override, on the review anna has replaced.
    assert_eq!(
        (
            row[col("settled_by")].as_str(),
            row[col("settled_decision")].as_str()
        ),
        ("lena", "override")
    );
}

/// The tester's story on the server: after judging a card, `t` lists it (marked with her
/// verdict, not claimed: it is hers) beside the card she holds, and a filter of its id finds
/// it; opened, it shows her verdict, and a new one replaces it.
#[test]
fn on_the_server_t_and_a_filter_list_her_earlier_verdicts_to_change_them() {
    use okk::domain::review::Verdict;
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let shown =
        |s: &okk::tui::state::State| s.card.as_ref().map(|c| c.detail.card.external_id.clone());
    let listed = |s: &okk::tui::state::State| -> Vec<String> {
        let q = s.queue.as_ref().unwrap();
        q.items.iter().map(|i| i.entry.id.clone()).collect()
    };
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", "Квалификация", &dir);
    let judged = shown(&anna).expect("a card");
    common::reviewer::press(&mut anna, &mut a, "a");
    let next = shown(&anna).expect("the next card");
    common::reviewer::press(&mut anna, &mut a, "qt");
    let now = listed(&anna);
    assert!(now.contains(&judged) && now.contains(&next), "{now:?}");
    let q = anna.queue.as_ref().unwrap();
    assert_eq!(q.held().len(), 1, "only the fresh card is held");
    assert!(!q.several_sources, "one source: ids alone");
    common::reviewer::press(&mut anna, &mut a, &format!("t/{judged}<enter>"));
    assert_eq!(listed(&anna), std::slice::from_ref(&judged));
    common::reviewer::press(&mut anna, &mut a, "<enter>");
    let card = anna.card.as_ref().expect("her card opens");
    assert_eq!(card.previous.as_ref().map(|r| r.verdict), Some(Verdict::Ok));
    common::reviewer::press(&mut anna, &mut a, "s");
    let q = anna.queue.as_ref().unwrap();
    assert_eq!(q.items[0].done, Some(Verdict::Stale), "her verdict changed");
}

/// The tester's story: a server holding two sources that share ids. The reviewer's list holds
/// the one card claimed, yet its row and the card's title say its source, as the laptop's
/// queue and the lead's desk do.
#[test]
fn on_the_server_of_two_sources_the_reviewer_says_each_cards_source() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let demo = repo().join("assets/demo/amocrm_deals.csv");
    desk.import(&[
        "--today",
        TODAY,
        "--source",
        "second",
        demo.to_str().unwrap(),
    ]);
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", "Квалификация", &dir);
    let card = anna.card.as_ref().expect("a card");
    let (id, source) = (
        card.detail.card.external_id.clone(),
        card.detail.card.source.clone(),
    );
    let title = common::reviewer::screen(&anna, 80, 24);
    assert!(title.contains(&format!("#{id} ({source})")), "{title}");
    common::reviewer::press(&mut anna, &mut a, "q");
    let q = anna.queue.as_ref().unwrap();
    assert_eq!(q.items.len(), 1, "one card claimed");
    let list = common::reviewer::screen(&anna, 80, 24);
    assert!(list.contains(&format!("{id} ({source})")), "{list}");
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

/// tester43 F1 on the server: a lead's `okk funnel apply` notifies, and the open reviewer's
/// screen says the store's funnel changed.
#[test]
fn on_the_server_a_funnel_applied_while_the_reviewer_is_open_is_said_on_her_screen() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", "Квалификация", &dir);
    let other = desk.funnel_without_booking();
    common::reviewer::hears_the_funnel_applied(&mut anna, &mut a, || {
        let args = [
            "--today", TODAY, "funnel", "apply", &other, "--lead", "lena",
        ];
        let (ok, _, err) = run_on(&desk, &server.url, &args);
        assert!(ok, "{err}");
    });
}

/// On the server, as on a shared file: the card she holds stays in her list under a filter it
/// matches (it was dropped until her next claim, held all the same); a filter that leaves it out
/// gives it back, says so, and the next auditor gets it.
#[test]
fn on_the_server_a_filter_keeps_the_card_she_holds_in_sight_or_gives_it_back() {
    use okk::tui::state::{Screen, Status};
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let stage = "Квалификация";
    let shown =
        |s: &okk::tui::state::State| s.card.as_ref().map(|c| c.detail.card.external_id.clone());
    let listed = |s: &okk::tui::state::State| -> Vec<String> {
        let q = s.queue.as_ref().unwrap();
        q.items.iter().map(|i| i.entry.id.clone()).collect()
    };
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", stage, &dir);
    let held = shown(&anna).expect("a card");
    common::reviewer::press(&mut anna, &mut a, "q");
    assert_eq!(anna.screen, Screen::Queue);

    common::reviewer::press(&mut anna, &mut a, &format!("/{held}<enter>"));
    assert_eq!(
        listed(&anna),
        std::slice::from_ref(&held),
        "{:?}",
        anna.shared.status
    );
    assert_eq!(anna.shared.status, None);
    let (boris, _b) = reviewer_on_server(&server.url, "boris", stage, &dir);
    assert_ne!(shown(&boris), Some(held.clone()), "still anna's");

    common::reviewer::press(&mut anna, &mut a, "/<C-u>нет такой карточки<enter>");
    assert!(listed(&anna).is_empty(), "{:?}", listed(&anna));
    assert!(
        matches!(&anna.shared.status, Some(Status::Info(m))
            if m == "1 card you held is back in the shared queue: the list leaves it out"),
        "{:?}",
        anna.shared.status
    );
    let (clara, _c) = reviewer_on_server(&server.url, "clara", stage, &dir);
    assert_eq!(shown(&clara), Some(held), "free for the next auditor");
}

/// tester31 F1 on a team server: an import through the server changes the card on anna's
/// screen. Her verdict key before any refresh is refused by the server (schema 22's
/// `okk_save_review` answers 'changed'), nothing written, and the card is shown anew, her next
/// key saving it on its new digest. The import is heard (it notifies as a prune does), and the
/// refresh it brings shows the next card, changed by another import, anew before any key.
#[test]
fn on_the_server_a_card_an_import_changed_on_screen_is_shown_anew_and_judged_as_it_is() {
    use okk::tui::effect::{Msg, Outcome};
    use okk::tui::state::Status;
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", "Квалификация", &dir);
    let listening = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let mut watch = okk::domain::ports::Reopen::watch(&listening).unwrap();
    let on_screen = |s: &okk::tui::state::State| {
        let c = s.card.as_ref().expect("a card on screen");
        (c.detail.card.external_id.clone(), c.detail.card_id)
    };
    let digest_now = |d: &okk::tui::desk::Desk, card| d.card(card).unwrap().unwrap().hash;
    let (first, first_id) = on_screen(&anna);
    let later = desk.crm_later(&[(&first, &[("Бюджет", "9990000")])]);
    succeeded(okk_on(&desk, &server.url).args(["import", &later]));
    assert!(
        watch.wait(std::time::Duration::from_secs(5)).unwrap(),
        "the import notified"
    );
    common::reviewer::press(&mut anna, &mut a, "a");
    assert_eq!(
        anna.shared.status,
        Some(Status::Info(format!(
            "#{first} changed in the CRM while it was on screen: Budget — the verdict «ok» was \
             not saved; look at the card again"
        )))
    );
    assert_eq!(a.current_review(first_id).unwrap(), None, "nothing written");
    assert_eq!(on_screen(&anna).0, first);
    assert_eq!(
        anna.card.as_ref().unwrap().detail.card.amount,
        Some(9_990_000.0)
    );
    common::reviewer::press(&mut anna, &mut a, "a");
    let mine = a.current_review(first_id).unwrap().expect("her verdict");
    assert_eq!(mine.card_hash, Some(digest_now(&a, first_id)));

    let (second, second_id) = on_screen(&anna);
    assert_ne!(second, first);
    while watch.wait(std::time::Duration::ZERO).unwrap() {}
    let later = desk.crm_later(&[
        (&first, &[("Бюджет", "9990000")]),
        (&second, &[("Бюджет", "1234567")]),
    ]);
    succeeded(okk_on(&desk, &server.url).args(["import", &later]));
    assert!(watch.wait(std::time::Duration::from_secs(5)).unwrap());
    okk::tui::run::dispatch(&mut anna, Msg::Done(Box::new(Outcome::OthersActed)), &mut a);
    assert_eq!(
        anna.shared.status,
        Some(Status::Info(format!(
            "#{second} changed in the CRM while it was on screen: Budget — look at the card again"
        )))
    );
    common::reviewer::press(&mut anna, &mut a, "a");
    let mine = a.current_review(second_id).unwrap().expect("her verdict");
    assert_eq!(mine.card_hash, Some(digest_now(&a, second_id)));
}

/// The same on the lead's decide screen: an import through the server changes the card of the
/// review open there. The lead's accept before any refresh is refused by the server (the call
/// is made only while the card has the digest the screen drew), nothing written, and the card
/// is shown anew, the next accept recorded on it. The import is heard, and the refresh it
/// brings shows the next review's card, changed by another import, anew before any key.
#[test]
fn on_the_server_a_card_an_import_changed_under_the_leads_decide_screen_is_shown_anew() {
    use okk::tui::effect::{Msg, Outcome};
    use okk::tui::state::Status;
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", "Квалификация", &dir);
    common::reviewer::press(&mut anna, &mut a, "aa");
    let listening = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let mut watch = okk::domain::ports::Reopen::watch(&listening).unwrap();
    let lead_store = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let funnel = std::sync::Arc::new(okk::funnel_config::default_funnel());
    let mut l = okk::tui::desk::Desk::new(
        lead_store,
        funnel.clone(),
        "lena".into(),
        "fp".into(),
        Some(a.now()),
    );
    let keymap = okk::tui::keymap::Keymap::default();
    let mut lead = okk::tui::state::State::new(funnel, "lena".into(), keymap);
    okk::tui::lead::load(&mut lead, &l).unwrap();
    assert_eq!(lead.lead.as_ref().unwrap().rows.len(), 2);
    common::reviewer::press(&mut lead, &mut l, "<enter>");
    let on_screen = |s: &okk::tui::state::State| {
        let c = s.card.as_ref().expect("a card on screen");
        let l = s.lead.as_ref().unwrap();
        let review = l.rows[l.open.unwrap()].review_id.clone();
        (
            c.detail.card.external_id.clone(),
            review,
            c.detail.card.amount,
        )
    };
    let (first, first_review, _) = on_screen(&lead);
    while watch.wait(std::time::Duration::ZERO).unwrap() {}
    let later = desk.crm_later(&[(&first, &[("Бюджет", "9990000")])]);
    succeeded(okk_on(&desk, &server.url).args(["import", &later]));
    assert!(
        watch.wait(std::time::Duration::from_secs(5)).unwrap(),
        "the import notified"
    );
    common::reviewer::press(&mut lead, &mut l, "a");
    assert_eq!(
        lead.shared.status,
        Some(Status::Info(format!(
            "#{first} changed in the CRM while it was on screen: Budget — the decision «accept» \
             was not recorded; look at the card again"
        )))
    );
    assert_eq!(
        l.latest_decision(&first_review).unwrap(),
        None,
        "nothing written"
    );
    assert_eq!(
        on_screen(&lead),
        (first.clone(), first_review.clone(), Some(9_990_000.0))
    );
    common::reviewer::press(&mut lead, &mut l, "a");
    let d = l.latest_decision(&first_review).unwrap().expect("recorded");
    assert_eq!(d.decision.kind, okk::domain::decision::DecisionKind::Accept);

    let (second, second_review, _) = on_screen(&lead);
    assert_ne!(second, first);
    while watch.wait(std::time::Duration::ZERO).unwrap() {}
    let later = desk.crm_later(&[
        (&first, &[("Бюджет", "9990000")]),
        (&second, &[("Бюджет", "1234567")]),
    ]);
    succeeded(okk_on(&desk, &server.url).args(["import", &later]));
    assert!(watch.wait(std::time::Duration::from_secs(5)).unwrap());
    okk::tui::run::dispatch(&mut lead, Msg::Done(Box::new(Outcome::OthersActed)), &mut l);
    assert_eq!(
        lead.shared.status,
        Some(Status::Info(format!(
            "#{second} changed in the CRM while it was on screen: Budget — look at the card again"
        )))
    );
    assert_eq!(on_screen(&lead).2, Some(1_234_567.0));
    common::reviewer::press(&mut lead, &mut l, "a");
    assert!(l.latest_decision(&second_review).unwrap().is_some());
}

#[test]
fn on_the_server_two_reviewers_never_see_one_card_and_the_lead_hears_each_verdict() {
    use okk::tui::effect::{Msg, Outcome};
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
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

    // A lead's decision is heard as well (schema 5's one-call decision notifies after it
    // commits).
    while watch.wait(std::time::Duration::ZERO).unwrap() {}
    let review = lead.lead.as_ref().unwrap().rows[0].review_id.clone();
    let mut other_lead = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    other_lead
        .decide(
            &review,
            "lena",
            &okk::domain::decision::Decision::accept(),
            clock,
        )
        .unwrap();
    assert!(
        watch.wait(std::time::Duration::from_secs(5)).unwrap(),
        "the decision notified"
    );

    // The tester's story: the lead has a review open while anna judges; the word comes while
    // the list is not up, and the list she comes back to shows the verdict all the same.
    okk::tui::run::dispatch(&mut lead, Msg::Done(Box::new(Outcome::OthersActed)), &mut l);
    let before = lead.lead.as_ref().unwrap().rows.len();
    common::reviewer::press(&mut lead, &mut l, "<enter>");
    assert_eq!(lead.screen, okk::tui::state::Screen::Decide);
    common::reviewer::press(&mut anna, &mut a, "a");
    okk::tui::run::dispatch(&mut lead, Msg::Done(Box::new(Outcome::OthersActed)), &mut l);
    common::reviewer::press(&mut lead, &mut l, "q");
    assert_eq!(lead.lead.as_ref().unwrap().rows.len(), before + 1);
    // Unheard, the next verdict shows on `t`.
    common::reviewer::press(&mut anna, &mut a, "a");
    common::reviewer::press(&mut lead, &mut l, "t");
    assert_eq!(lead.lead.as_ref().unwrap().rows.len(), before + 2);
}

/// The tester's story: anna judges the first card of a stage and takes the verdict back
/// (`u`); the card on her screen is hers again, so boris, opening the same stage, is handed
/// another (he was handed hers, and both judged it).
#[test]
fn on_the_server_a_card_whose_verdict_is_undone_is_not_handed_to_the_next_auditor() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let stage = "Встреча назначена";
    let shown =
        |s: &okk::tui::state::State| s.card.as_ref().map(|c| c.detail.card.external_id.clone());
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", stage, &dir);
    let first = shown(&anna).expect("a card for anna");
    common::reviewer::press(&mut anna, &mut a, "a");
    let next = shown(&anna).expect("her next card");
    common::reviewer::press(&mut anna, &mut a, "u");
    assert_eq!(shown(&anna), Some(first.clone()), "back on the card");
    let held = queue(&desk, &server.url, stage, "anna", &["--claim", "2"]);
    assert_eq!(held, [first.clone(), next.clone()], "both are anna's");
    let (boris, _b) = reviewer_on_server(&server.url, "boris", stage, &dir);
    let his = shown(&boris).expect("a card for boris");
    assert!(his != first && his != next, "boris was handed anna's {his}");
}

/// The place counter on the server: anna's `N` is what she judged and what a claim may still
/// hand her, so the cards boris holds or judged are off it (it read 10/20 with the stage done
/// for her, counting his); when nothing is left for her it reads k/k.
#[test]
fn on_the_server_the_place_counter_counts_only_what_may_still_come_to_the_reviewer() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let stage = "Договор";
    let total = |s: &okk::tui::state::State| s.queue.as_ref().unwrap().total();
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", stage, &dir);
    let cards = anna.queue.as_ref().unwrap().counts.to_review();
    assert_eq!(
        total(&anna),
        cards,
        "alone on the stage, every card is hers"
    );
    let (mut boris, mut b) = reviewer_on_server(&server.url, "boris", stage, &dir);
    assert_eq!(total(&boris), cards - 1, "anna holds one");
    common::reviewer::press(&mut anna, &mut a, "a");
    assert_eq!(total(&anna), cards - 1, "boris holds one");
    while anna.card.is_some() {
        common::reviewer::press(&mut anna, &mut a, "a");
        if boris.card.is_some() {
            common::reviewer::press(&mut boris, &mut b, "a");
        }
    }
    let q = anna.queue.as_ref().unwrap();
    let judged = q.done() as u64;
    assert!(judged < cards, "boris took his share: {judged} of {cards}");
    assert_eq!(q.total(), judged);
}

/// A lead exports the server's work as from a laptop: the same records, signed alike (anna's
/// verdicts with her signatures, kept since her bundle came in; the lead's decisions and
/// calibration signed at export with the lead's key), and a laptop that imports either
/// bundle ends with the same reviews and decisions.
#[test]
fn a_bundle_exported_from_the_server_carries_what_the_store_file_s_bundle_carries() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    // Anna's laptop: three verdicts and one changed (the first superseded), in her bundle;
    // two keep the card as she judged it, which travels with them.
    let anna = demo_desk();
    let cards = queue(
        &anna,
        &path_arg(&anna.db),
        "Переговоры",
        "anna",
        &["--limit", "3"],
    );
    let mut ids = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        let at = format!("2026-11-{:02} 1{i}:00:00", 17 + i);
        let v = Verdict {
            keeps_card: i > 0,
            ..Verdict::of(["ok", "stale", "dead"][i])
        };
        ids.push(anna.review(card, "anna", &at, &v));
    }
    anna.review(
        &cards[0],
        "anna",
        "2026-11-20 09:00:00",
        &Verdict::of("dead"),
    );
    let from_anna = anna.dir.path().join("anna.okkb");
    let (ok, _, err) = run_on(
        &anna,
        &path_arg(&anna.db),
        &[
            "bundle",
            "export",
            "--as",
            "anna",
            "--out",
            &path_arg(&from_anna),
        ],
    );
    assert!(ok, "{err}");
    let from_anna = path_arg(&from_anna);

    // The lead's store takes it, decides on two, draws a calibration (for boris too, whose
    // reviews have not come yet: named first); then goes to the server.
    let desk = demo_desk();
    let laptop = path_arg(&desk.db);
    for args in [
        &["bundle", "trust", &from_anna, "--as", "anna"][..],
        &["bundle", "import", &from_anna],
        &[
            "db",
            "roles",
            "--auditor",
            "anna",
            "--auditor",
            "boris",
            "--lead",
            "lena",
        ],
        &[
            "calibrate",
            "new",
            "--stage",
            "Договор",
            "--cards",
            "2",
            "--auditors",
            "anna,boris",
            "--seed",
            "7",
            "--lead",
            "lena",
        ],
    ] {
        let (ok, _, err) = run_on(&desk, &laptop, args);
        assert!(ok, "okk {args:?}: {err}");
    }
    desk.decide(
        &ids[1],
        "lena",
        "accept",
        (None, None, None),
        "2026-11-20 12:00:00",
    );
    desk.decide(
        &ids[2],
        "lena",
        "override",
        (Some("ok"), None, None),
        "2026-11-20 12:30:00",
    );
    copied_to(&desk, &server.url);

    let export = |db: &str, name: &str, args: &[&str]| {
        let out = desk.dir.path().join(name);
        let file = path_arg(&out);
        let mut all = vec![
            "bundle", "export", "--force", "--as", "lena", "--out", &file,
        ];
        all.extend(args);
        let (ok, said, err) = run_on(&desk, db, &all);
        assert!(ok, "okk --db {db} bundle export: {err}");
        (out, said)
    };
    // The record lines: the header's time and the trailer's digest differ by the moment.
    let records = |f: &std::path::Path| {
        let text = std::fs::read_to_string(f).unwrap();
        let lines: Vec<String> = text.lines().map(String::from).collect();
        lines[1..lines.len() - 1].to_vec()
    };
    for (args, n) in [(&["--all"][..], 7), (&["--since", "2026-11-20"], 6)] {
        let (file, file_said) = export(&laptop, "file.okkb", args);
        let (srv, srv_said) = export(&server.url, "server.okkb", args);
        assert_eq!(
            srv_said.replace("server.okkb", "file.okkb"),
            file_said,
            "{args:?}"
        );
        assert_eq!(records(&srv), records(&file), "{args:?}");
        assert_eq!(records(&srv).len(), n, "{args:?}: {srv_said}");
        let judged = (records(&srv).iter())
            .filter(|r| r.contains("\"judged\":") && r.contains("\"judged_signature\":"))
            .count();
        assert_eq!(judged, 2, "{args:?}: the card as judged travels, signed");
    }

    // Each bundle into a laptop of its own that trusts anna, and the lead as its lead.
    let (file, _) = export(&laptop, "file.okkb", &[]);
    let (srv, _) = export(&server.url, "server.okkb", &[]);
    let imported = |bundle: &std::path::Path| {
        let other = demo_desk();
        let db = path_arg(&other.db);
        let b = path_arg(bundle);
        for args in [
            &["bundle", "trust", &from_anna, "--as", "anna"][..],
            &["bundle", "trust", &b, "--as", "lena", "--lead"],
        ] {
            let (ok, _, err) = run_on(&other, &db, args);
            assert!(ok, "okk {args:?}: {err}");
        }
        let (ok, said, err) = run_on(&other, &db, &["bundle", "import", "--json", &b]);
        assert!(ok, "{err}");
        let report: Json = serde_json::from_str(&said).unwrap();
        assert_eq!(report["report"]["reviews_added"], 4, "{said}");
        assert_eq!(report["report"]["decisions_added"], 2, "{said}");
        let out = other.dir.path().join("reviews.csv");
        let (ok, _, err) = run_on(
            &other,
            &db,
            &[
                "--today",
                TODAY,
                "export",
                "reviews",
                "--out",
                &path_arg(&out),
            ],
        );
        assert!(ok, "{err}");
        let (_, stats, _) = run_on(
            &other,
            &db,
            &["--today", TODAY, "stats", "--auditors", "--json"],
        );
        (
            std::fs::read_to_string(out).unwrap(),
            stats,
            other.current_reviews(),
        )
    };
    let (from_file, from_server) = (imported(&file), imported(&srv));
    assert_eq!(from_server, from_file);
    assert_eq!(from_server.2.len(), 3, "anna's current reviews");
}

// `okk import` onto the server: the same reports, figures, queues, history and gone marks as
// onto a store file, nothing changed by a file that fails, and an auditor refused.

/// The demo export's records, header first, for writing variants of it.
fn demo_records() -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(repo().join("assets/demo/amocrm_deals.csv"))
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Writes `records` as the demo's CSV (the header's byte-order mark is its first cell's).
fn write_records(path: &std::path::Path, records: &[Vec<String>]) -> String {
    let mut writer = csv::Writer::from_path(path).unwrap();
    for r in records {
        writer.write_record(r).unwrap();
    }
    writer.flush().unwrap();
    path_arg(path)
}

/// The demo export a day later: one card moved to another stage, one edited, one no longer
/// there (a full export: it is gone), and one at another name of its stage («Встреча
/// состоялась», the CRM renamed «Встреча проведена»): not moved, not changed.
fn demo_a_day_later(desk: &Desk) -> (String, [String; 4]) {
    let mut records = demo_records();
    let column = |name: &str| records[0].iter().position(|h| h == name).unwrap();
    let (stage, title) = (column("Этап сделки"), column("Название сделки"));
    let moved = records[1][0].clone();
    assert_eq!(records[1][stage], "Первичный контакт");
    records[1][stage] = "Квалификация".into();
    let edited = records[2][0].clone();
    records[2][title].push_str(" (уточнено)");
    let removed = records.remove(3)[0].clone();
    let met = records
        .iter_mut()
        .find(|r| r[stage] == "Встреча проведена")
        .unwrap();
    met[stage] = "Встреча состоялась".into();
    let renamed = met[0].clone();
    let file = write_records(&desk.dir.path().join("demo_later.csv"), &records);
    (file, [moved, edited, removed, renamed])
}

/// `okk --today TODAY import --json FILE` on `db`: its report.
fn import_on(desk: &Desk, db: &str, file: &str) -> Json {
    let out = succeeded(okk_on(desk, db).args(["--today", TODAY, "import", "--json", file]));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

/// `okk stats` and every stage's queue (open and `--all`) for `who` read the same on both.
fn same_figures_and_queues(desk: &Desk, file: &str, url: &str, who: &str) {
    let run = |db: &str, args: &[&str]| {
        let (ok, out, err) = run_on(desk, db, &[&["--today", TODAY][..], args].concat());
        assert!(ok, "{args:?} on {db}: {err}");
        out
    };
    for args in [&["stats", "--json"][..], &["stats", "--auditors", "--json"]] {
        assert_eq!(run(url, args), run(file, args), "okk {args:?}");
    }
    let stats: Json = serde_json::from_str(&run(file, &["stats", "--json"])).unwrap();
    let stages: Vec<String> = stats["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage"].as_str().unwrap().to_string())
        .collect();
    assert!(stages.len() >= 10, "{stages:?}");
    for stage in &stages {
        for args in [&["--limit", "500"][..], &["--limit", "500", "--all"]] {
            assert_eq!(
                queue(desk, url, stage, who, args),
                queue(desk, file, stage, who, args),
                "queue {stage} {who} {args:?}"
            );
        }
    }
}

/// What the imports recorded, as text rows (one SQL for both stores): the batches, the stage
/// history (without the sync's clock time) and the gone marks.
const IMPORT_FACTS: [&str; 3] = [
    "SELECT id || '|' || profile || '|' || source || '|' || encoding || '|' || partial || '|' ||
            rows || '|' || inserted || '|' || updated || '|' || unchanged || '|' || gone || '|' ||
            warnings || '|' || CASE WHEN finished_at IS NULL THEN 0 ELSE 1 END
     FROM import_batches ORDER BY id",
    "SELECT c.external_id || '|' || h.batch_id || '|' || coalesce(h.pipeline, '-') || '|' ||
            h.stage
     FROM stage_history h JOIN cards c ON c.id = h.card_id ORDER BY c.external_id, h.batch_id",
    "SELECT external_id || '|' || gone_batch FROM cards WHERE gone_at IS NOT NULL
     ORDER BY external_id",
];

fn facts_on_file(desk: &Desk) -> Vec<Vec<String>> {
    texts_on_file(desk, &IMPORT_FACTS)
}

/// Each query's rows of text on the desk's store file.
fn texts_on_file(desk: &Desk, queries: &[&str]) -> Vec<Vec<String>> {
    let conn = desk.read_only();
    queries
        .iter()
        .map(|sql| {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(Result::unwrap).collect()
        })
        .collect()
}

fn facts_on_server(url: &str) -> Vec<Vec<String>> {
    texts_on_server(url, &IMPORT_FACTS)
}

/// Each query's rows of text on the server.
fn texts_on_server(url: &str, queries: &[&str]) -> Vec<Vec<String>> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    queries
        .iter()
        .map(|sql| {
            client
                .query(*sql, &[])
                .unwrap()
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect()
        })
        .collect()
}

/// An ID twice in one file, onto the server as onto a store file: the first row imported, the
/// later one's warning saying whether it differs from it — also when the first row updated a
/// card the server held and the later one is what it held before.
#[test]
fn on_the_server_a_repeated_id_says_whether_the_later_row_differs_as_on_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    let write = |name: &str, rows: &[(&str, &str, &str)]| {
        let mut text = String::from(
            "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата закрытия,\
             Этап сделки\n",
        );
        for (id, title, stage) in rows {
            text.push_str(&format!(
                "{id},{title},1000000,Смирнова Ольга,01.11.2026 10:00:00,не закрыта,{stage}\n"
            ));
        }
        let path = desk.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path_arg(&path)
    };
    let (a, b, c) = (
        ("930001", "A", "Квалификация"),
        ("930001", "B", "Первичный контакт"),
        ("930002", "C", "Квалификация"),
    );
    let said = |r: &Json| -> Vec<(u64, bool)> {
        (r["warning_samples"].as_array().unwrap().iter())
            .map(|w| {
                let m = w["message"].as_str().unwrap();
                (
                    w["line"].as_u64().unwrap(),
                    m.contains("but differs from it"),
                )
            })
            .collect()
    };
    let dup = write("dup.csv", &[a, c, b, c]);
    let swapped = write("swapped.csv", &[b, a, c, c]);
    for (f, expected) in [
        (&dup, [(4, true), (5, false)]),
        (&dup, [(4, true), (5, false)]),
        (&swapped, [(3, true), (5, false)]),
    ] {
        let onto_server = import_on(&desk, &server.url, f);
        assert_eq!(said(&onto_server), expected, "{onto_server}");
        assert_eq!(onto_server, import_on(&desk, &file, f));
    }
}

#[test]
fn the_demo_export_imported_onto_the_server_reads_as_onto_a_file_and_so_does_its_reimport() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    let demo = path_arg(&repo().join("assets/demo/amocrm_deals.csv"));
    let onto_file = import_on(&desk, &file, &demo);
    let onto_server = import_on(&desk, &server.url, &demo);
    assert_eq!(onto_server, onto_file, "the first import's report");
    assert_eq!(onto_server["inserted"], 371);
    same_figures_and_queues(&desk, &file, &server.url, "anna");

    let again = import_on(&desk, &server.url, &demo);
    assert_eq!(again, import_on(&desk, &file, &demo), "the same file again");
    assert_eq!(
        (again["unchanged"].as_u64(), again["inserted"].as_u64()),
        (Some(371), Some(0))
    );

    let (later, [moved, edited, removed, renamed]) = demo_a_day_later(&desk);
    let onto_server = import_on(&desk, &server.url, &later);
    assert_eq!(onto_server, import_on(&desk, &file, &later), "a day later");
    assert_eq!(
        (
            onto_server["updated"].as_u64(),
            onto_server["gone"].as_u64(),
            onto_server["stage_changes"].as_u64(),
            onto_server["stage_renames"].as_u64()
        ),
        (Some(3), Some(1), Some(1), Some(1))
    );
    same_figures_and_queues(&desk, &file, &server.url, "anna");
    let facts = facts_on_server(&server.url);
    assert_eq!(facts, facts_on_file(&desk), "batches, history, gone");
    assert!(
        facts[1]
            .iter()
            .any(|h| h.starts_with(&format!("{moved}|1|"))),
        "{facts:?}"
    );
    assert!(
        facts[1]
            .iter()
            .any(|h| h.starts_with(&format!("{moved}|3|"))),
        "{facts:?}"
    );
    assert!(
        !facts[1].iter().any(|h| h.starts_with(&edited)),
        "an edit is no move"
    );
    assert!(
        !facts[1].iter().any(|h| h.starts_with(&renamed)),
        "a renamed stage is no move"
    );
    let again = import_on(&desk, &server.url, &later);
    assert_eq!(again, import_on(&desk, &file, &later), "a day later, again");
    assert_eq!(again["updated"], 0, "{again}");
    assert_eq!(facts[2], vec![format!("{removed}|3")]);
}

/// Salesforce Leads after Opportunities under one source, onto the server as onto a file: the
/// Lead file holds none of the Opportunities, so it marks none of them gone and says why.
#[test]
fn leads_after_opportunities_onto_the_server_mark_none_gone_as_onto_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    let leads = salesforce("Lead.csv");
    let leads_on = |db: &str| -> Json {
        let args = [
            "--today",
            TODAY,
            "import",
            "--json",
            "--map",
            "stage=Status",
            &leads,
        ];
        serde_json::from_str(&succeeded(okk_on(&desk, db).args(args))).unwrap()
    };
    for db in [&file, &server.url] {
        import_on(&desk, db, &salesforce("Opportunity.csv"));
    }
    let onto_server = leads_on(&server.url);
    assert_eq!(onto_server, leads_on(&file), "the Lead file's report");
    assert_eq!(
        (
            onto_server["gone"].as_u64(),
            onto_server["warnings"].as_u64()
        ),
        (Some(0), Some(1))
    );
    assert_eq!(
        facts_on_server(&server.url),
        facts_on_file(&desk),
        "batches, gone"
    );
}

#[test]
fn a_reimport_onto_the_server_requeues_the_reviews_of_changed_cards_as_onto_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    let (later, [moved, edited, removed, renamed]) = demo_a_day_later(&desk);
    let records = demo_records();
    let stage_of = |card: &str| {
        let column = records[0].iter().position(|h| h == "Этап сделки").unwrap();
        records.iter().find(|r| r[0] == card).unwrap()[column].clone()
    };
    let kept = records[4][0].clone();
    for card in [&moved, &edited, &removed, &kept, &renamed] {
        desk.review(card, "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    }
    // The server starts where the laptop is, reviews included.
    copied_to(&desk, &server.url);
    let listed = |db: &str, stage: &str, card: &str| {
        queue(&desk, db, stage, "anna", &["--limit", "500"]).contains(&card.to_string())
    };
    assert!(!listed(&server.url, &stage_of(&edited), &edited), "judged");

    let onto_server = import_on(&desk, &server.url, &later);
    assert_eq!(onto_server, import_on(&desk, &file, &later), "the report");
    assert_eq!(
        (
            onto_server["updated"].as_u64(),
            onto_server["gone"].as_u64()
        ),
        (Some(3), Some(1))
    );
    same_figures_and_queues(&desk, &file, &server.url, "anna");
    assert_eq!(
        facts_on_server(&server.url),
        facts_on_file(&desk),
        "batches, history, gone"
    );
    // anna's verdicts judged the cards as they were: the changed ones are hers to judge again.
    assert!(
        listed(&server.url, "Квалификация", &moved),
        "moved: re-queued"
    );
    assert!(
        listed(&server.url, &stage_of(&edited), &edited),
        "edited: re-queued"
    );
    assert!(
        !listed(&server.url, &stage_of(&kept), &kept),
        "unchanged: still judged"
    );
    assert!(
        !listed(&server.url, "Встреча проведена", &renamed),
        "its stage renamed: still judged"
    );
}

/// The demo's cards as text rows (one SQL for both stores): what a card says, the digest its
/// reviews saw and the export's beside it, when it last changed.
const CARD_FACTS: [&str; 1] = [
    "SELECT external_id || '|' || coalesce(title, '-') || '|' || coalesce(created_at, '-') || '|' ||
            coalesce(pipeline, '-') || '|' || fields || '|' || content_hash || '|' ||
            coalesce(CAST(export_digest AS TEXT), '-') || '|' || coalesce(changed_batch, 0)
     FROM cards ORDER BY external_id",
];

/// The demo export given a column, then losing two, onto the server as onto a file: the same
/// reports (no card updated, the columns named once), the same cards (the new column's values
/// taken, the lost ones' kept), and the reviews standing on both.
#[test]
fn an_export_given_or_losing_columns_onto_the_server_changes_no_card_as_onto_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    let records = demo_records();
    let column = |name: &str| records[0].iter().position(|h| h == name).unwrap();
    let stage = column("Этап сделки");
    let reviewed = records[1][0].clone();
    desk.review(&reviewed, "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    copied_to(&desk, &server.url);
    let judged = |db: &str| {
        !queue(&desk, db, &records[1][stage], "anna", &["--limit", "500"]).contains(&reviewed)
    };
    assert!(judged(&server.url) && judged(&file));

    let given: Vec<Vec<String>> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            r.insert(
                1,
                if i == 0 {
                    "Канал".into()
                } else {
                    format!("канал {}", i % 3)
                },
            );
            r
        })
        .collect();
    let given = write_records(&desk.dir.path().join("given.csv"), &given);
    let onto_server = import_on(&desk, &server.url, &given);
    assert_eq!(onto_server, import_on(&desk, &file, &given), "the report");
    assert_eq!(
        (
            onto_server["updated"].as_u64(),
            onto_server["new_columns"].clone(),
            onto_server["new_column_cards"].as_u64()
        ),
        (Some(0), serde_json::json!(["Канал"]), Some(371)),
        "{onto_server}"
    );

    let (city, created) = (column("Город"), column("Дата создания сделки"));
    let lean: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            let mut r = r.clone();
            r.remove(city.max(created));
            r.remove(city.min(created));
            r
        })
        .collect();
    let lean = write_records(&desk.dir.path().join("lean.csv"), &lean);
    let onto_server = import_on(&desk, &server.url, &lean);
    assert_eq!(onto_server, import_on(&desk, &file, &lean), "the report");
    assert_eq!(
        (
            onto_server["updated"].as_u64(),
            onto_server["missing_columns"].clone()
        ),
        (Some(0), serde_json::json!(["created_at", "Город", "Канал"])),
        "{onto_server}"
    );
    assert_eq!(
        texts_on_server(&server.url, &CARD_FACTS),
        texts_on_file(&desk, &CARD_FACTS),
        "the cards"
    );
    // Every demo card has a city and a creation date, and took a channel.
    let city_of = |id: &str| records.iter().find(|r| r[0] == id).unwrap()[city].clone();
    for card in &texts_on_file(&desk, &CARD_FACTS)[0] {
        let parts: Vec<&str> = card.split('|').collect();
        assert_ne!(parts[2], "-", "the creation date kept: {card}");
        assert!(card.contains(&city_of(parts[0])), "the city kept: {card}");
        assert!(card.contains("канал "), "the channel taken: {card}");
    }
    assert_eq!(facts_on_server(&server.url), facts_on_file(&desk));
    assert!(judged(&server.url) && judged(&file), "the review stands");

    // The pipeline column lost too, and a deal: the cards keep their pipeline, and the file is
    // a full export of it (the deal it lacks is gone) on both.
    let mut lost = [city, created, column("Воронка")];
    lost.sort_unstable();
    let mut bare: Vec<Vec<String>> = records
        .iter()
        .map(|r| {
            let mut r = r.clone();
            for i in lost.into_iter().rev() {
                r.remove(i);
            }
            r
        })
        .collect();
    bare.remove(5);
    let bare = write_records(&desk.dir.path().join("bare.csv"), &bare);
    let onto_server = import_on(&desk, &server.url, &bare);
    assert_eq!(onto_server, import_on(&desk, &file, &bare), "the report");
    assert_eq!(
        (
            onto_server["updated"].as_u64(),
            onto_server["gone"].as_u64()
        ),
        (Some(0), Some(1)),
        "{onto_server}"
    );
    assert_eq!(
        texts_on_server(&server.url, &CARD_FACTS),
        texts_on_file(&desk, &CARD_FACTS),
        "the cards"
    );
    assert_eq!(facts_on_server(&server.url), facts_on_file(&desk));
}

/// Every table of the server store's schema, each row as text, sorted: equal means okk reads
/// the same store.
fn server_digest(url: &str) -> Vec<(String, Vec<String>)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let tables: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = 'public' ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(tables.len() > 15, "{tables:?}");
    tables
        .into_iter()
        .map(|t| {
            let rows = client
                .query(&format!("SELECT x::text FROM {t} x ORDER BY 1"), &[])
                .unwrap()
                .iter()
                .map(|r| r.get(0))
                .collect();
            (t, rows)
        })
        .collect()
}

/// The server store's indexes and triggers (name, definition, enabled).
fn server_schema(url: &str) -> Vec<String> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client
        .query(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
             UNION ALL SELECT tgname || ' ' || tgenabled::text FROM pg_trigger
             WHERE NOT tgisinternal ORDER BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn a_file_that_fails_midway_changes_nothing_on_the_server_and_says_where_as_on_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let demo = path_arg(&repo().join("assets/demo/amocrm_deals.csv"));
    // The demo's cards edited, then 30 copies of them under new ids: several megabytes of
    // rows have gone to the server by COPY when a byte near the end does not decode.
    let records = demo_records();
    let title = records[0]
        .iter()
        .position(|h| h == "Название сделки")
        .unwrap();
    let mut big = vec![records[0].clone()];
    for r in &records[1..] {
        let mut r = r.clone();
        r[title].push_str(" (уточнено)");
        big.push(r);
    }
    for copy in 0..30 {
        for r in &records[1..] {
            let mut r = r.clone();
            r[0] = format!("{}{copy:02}", r[0]);
            big.push(r);
        }
    }
    let bad_at = big.len() - 100;
    big[bad_at][title] = "ПЛОХО".into();
    let path = desk.dir.path().join("broken.csv");
    let name = write_records(&path, &big);
    let mut bytes = std::fs::read(&path).unwrap();
    let marker = "ПЛОХО".as_bytes();
    let at = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap();
    bytes[at] = 0xFF;
    std::fs::write(&path, &bytes).unwrap();
    let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1;

    // Into an empty store (the bulk load: indexes and triggers set aside until the finish).
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");
    let empty = (server_digest(&server.url), server_schema(&server.url));
    let (ok, _, err) = run_on(&desk, &server.url, &["--today", TODAY, "import", &name]);
    assert!(!ok && err.contains("not valid UTF-8"), "{err}");
    assert!(
        (server_digest(&server.url), server_schema(&server.url)) == empty,
        "the empty store is as it was, its indexes and triggers too"
    );

    // Into a store holding the demo (changed cards staged, new ones copied).
    import_on(&desk, &server.url, &demo);
    let before = server_digest(&server.url);
    let (ok, _, on_server) = run_on(&desk, &server.url, &["--today", TODAY, "import", &name]);
    assert!(!ok);
    let (ok, _, on_file) = run_on(
        &desk,
        &path_arg(&desk.db),
        &["--today", TODAY, "import", &name],
    );
    assert!(!ok);
    assert_eq!(on_server, on_file, "the same words as onto a file");
    let place = format!("{name}:{line}:{}: ", title + 1);
    assert!(on_server.contains(&place), "{place} in {on_server}");
    assert!(
        server_digest(&server.url) == before,
        "the server store is as it was"
    );
}

#[test]
fn a_lead_s_login_imports_onto_the_server_as_the_owner_does() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    let demo = path_arg(&repo().join("assets/demo/amocrm_deals.csv"));
    let (lena, lena_url) = server.login("lena");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &["db", "roles", "--lead", &format!("lena={lena}")],
    );
    assert!(ok, "{err}");
    // Into the empty store (no bulk load: that is the owner's), then a day later's changes.
    let by_lead = import_on(&desk, &lena_url, &demo);
    assert_eq!(by_lead, import_on(&desk, &file, &demo), "the first import");
    assert_eq!(by_lead["inserted"], 371);
    same_figures_and_queues(&desk, &file, &server.url, "lena");
    let (later, _) = demo_a_day_later(&desk);
    let by_lead = import_on(&desk, &lena_url, &later);
    assert_eq!(by_lead, import_on(&desk, &file, &later), "a day later");
    assert_eq!(
        (by_lead["updated"].as_u64(), by_lead["gone"].as_u64()),
        (Some(3), Some(1))
    );
    same_figures_and_queues(&desk, &file, &server.url, "lena");
    assert_eq!(
        facts_on_server(&server.url),
        facts_on_file(&desk),
        "batches, history, gone"
    );
}

/// `okk check --json` on a store as of `day`.
fn check_on(desk: &Desk, db: &str, day: &str) -> (String, String) {
    let (ok, out, err) = run_on(desk, db, &["--today", day, "check", "--json"]);
    assert!(ok, "check on {db}: {err}");
    (out, err)
}

#[test]
fn okk_check_on_the_server_judges_every_card_for_the_day_as_on_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    let demo = path_arg(&repo().join("assets/demo/amocrm_deals.csv"));
    import_on(&desk, &file, &demo);
    import_on(&desk, &server.url, &demo);
    let (on_file, _) = check_on(&desk, &file, TODAY);
    assert_eq!(
        check_on(&desk, &server.url, TODAY).0,
        on_file,
        "the import's day"
    );
    // Two weeks on, nothing imported: cards idle longer, bookings expired. The server's
    // flags were the import's; its check judges every card again, as the file's does.
    let later = "2026-12-04";
    let (later_on_file, _) = check_on(&desk, &file, later);
    assert_ne!(
        later_on_file, on_file,
        "the day changes what the rules find"
    );
    assert_eq!(
        check_on(&desk, &server.url, later).0,
        later_on_file,
        "{later}"
    );
    // The same file imported again a day later: the import writes no card, and the rules
    // still judge every card for the new day.
    let next = "2026-12-05";
    for db in [&file, &server.url] {
        let (ok, _, err) = run_on(&desk, db, &["--today", next, "import", &demo]);
        assert!(ok, "{err}");
    }
    let mut client = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    let mark: String = client
        .query_one(
            "SELECT value FROM okk_meta WHERE key = 'rules_ran_for'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(mark.ends_with(next), "{mark}");
    assert_eq!(
        check_on(&desk, &server.url, next).0,
        check_on(&desk, &file, next).0,
        "after an import of nothing new"
    );
}

/// tester36 F1: the database's owner whose login lacks CREATEROLE (a plain `createuser`) runs
/// `okk db roles`: refused, told it is the owner and which right it lacks, with the statement
/// a superuser runs, in both languages, nothing written; with the roles made beforehand and
/// the ADMIN OPTION on the groups, as the message says, it works.
#[test]
fn on_the_server_an_owner_without_createrole_is_told_the_right_db_roles_needs() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    // Dropped after the test in this order: anna's login before the owner that granted it.
    let (anna, _) = server.login("anna");
    let (owner, owner_url) = server.login("owner");
    let mut admin = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    let database = server.url.rsplit_once('/').unwrap().1.to_string();
    admin
        .batch_execute(&format!(
            "CREATE ROLE {owner} LOGIN; ALTER DATABASE {database} OWNER TO {owner}"
        ))
        .unwrap();
    let desk = demo_desk();
    copied_to(&desk, &owner_url);
    let roles = ["db", "roles", "--auditor", &format!("anna={anna}")];
    let (ok, _, err) = run_on(&desk, &owner_url, &roles);
    assert!(!ok, "{err}");
    assert!(
        err.contains(&format!("{owner}, the database's owner, may not create"))
            && err.contains(&format!("ALTER ROLE {owner} CREATEROLE")),
        "{err}"
    );
    assert!(!err.contains("only its owner"), "{err}");
    let (ok, _, err) = run_on(&desk, &owner_url, &[&["--lang", "ru"][..], &roles].concat());
    assert!(!ok);
    assert!(
        err.contains(&format!("{owner}, владелец базы, не может создавать роли"))
            && err.contains(&format!("ALTER ROLE {owner} CREATEROLE")),
        "{err}"
    );
    english::assert_russian(
        "okk db roles without CREATEROLE",
        &err,
        &["okk", "db", "roles"],
    );
    let (_, listed, _) = run_on(&desk, &owner_url, &["db", "roles"]);
    assert!(
        listed.contains("has no users yet"),
        "nothing written: {listed}"
    );

    // The roles made beforehand (the groups may be there already: they are the cluster's).
    admin
        .batch_execute(&format!(
            "DO $$ BEGIN
                 CREATE ROLE okk_auditor NOLOGIN;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             DO $$ BEGIN
                 CREATE ROLE okk_lead NOLOGIN;
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;
             CREATE ROLE {anna} LOGIN"
        ))
        .unwrap();
    let (ok, _, err) = run_on(&desk, &owner_url, &roles);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "{owner}, the database's owner, may not grant the role"
        )) && err.contains(&format!(
            "GRANT okk_auditor, okk_lead TO {owner} WITH ADMIN OPTION"
        )),
        "{err}"
    );
    admin
        .batch_execute(&format!(
            "GRANT okk_auditor, okk_lead TO {owner} WITH ADMIN OPTION"
        ))
        .unwrap();
    let (ok, _, err) = run_on(&desk, &owner_url, &roles);
    assert!(ok, "{err}");
    let (_, listed, _) = run_on(&desk, &owner_url, &["db", "roles"]);
    assert!(listed.contains(&anna), "{listed}");
    let member: bool = admin
        .query_one("SELECT pg_has_role($1, 'okk_auditor', 'MEMBER')", &[&anna])
        .unwrap()
        .get(0);
    assert!(member, "anna's login was granted her group");
}

#[test]
fn on_the_server_an_auditor_s_check_shows_the_flags_as_they_are_and_says_so() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let demo = path_arg(&repo().join("assets/demo/amocrm_deals.csv"));
    import_on(&desk, &server.url, &demo);
    let (anna, anna_url) = server.login("anna");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &["db", "roles", "--auditor", &format!("anna={anna}")],
    );
    assert!(ok, "{err}");
    let (as_imported, quiet) = check_on(&desk, &anna_url, TODAY);
    assert!(!quiet.contains("another day"), "{quiet}");
    let before = server_digest(&server.url);
    let (later, told) = check_on(&desk, &anna_url, "2026-12-04");
    assert_eq!(later, as_imported, "an auditor writes no flags");
    assert!(told.contains("judged for another day"), "{told}");
    assert!(server_digest(&server.url) == before, "nothing written");
    let (_, _, told) = run_on(
        &desk,
        &anna_url,
        &["--lang", "ru", "--today", "2026-12-04", "check"],
    );
    english::assert_russian("okk check as an auditor", &told, &["okk", "check"]);
}

#[test]
fn a_calibration_drawn_on_the_server_draws_what_a_file_draws_and_reports_alike() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    // The auditors a calibration names are ones the store knows.
    let (ok, _, err) = run_on(
        &desk,
        &file,
        &[
            "db",
            "roles",
            "--auditor",
            "anna",
            "--auditor",
            "boris",
            "--lead",
            "olga",
        ],
    );
    assert!(ok, "{err}");
    copied_to(&desk, &server.url);
    let met = "Встреча проведена";
    let draw = |db: &str| {
        let (ok, _, err) = run_on(
            &desk,
            db,
            &[
                "calibrate",
                "new",
                "--stage",
                met,
                "--cards",
                "5",
                "--auditors",
                "anna,boris",
                "--seed",
                "7",
                "--lead",
                "olga",
            ],
        );
        assert!(ok, "calibrate new on {db}: {err}");
    };
    draw(&file);
    draw(&server.url);
    let (ok, out, err) = run_on(&desk, &server.url, &["calibrate", "report", "--json"]);
    assert!(ok, "{err}");
    let mut on_server: Json = serde_json::from_str(&out).unwrap();
    // A name the server knows no one by is refused as on a file, and nothing is drawn.
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &[
            "calibrate",
            "new",
            "--stage",
            met,
            "--cards",
            "5",
            "--auditors",
            "anna,bors",
            "--lead",
            "olga",
        ],
    );
    assert!(
        !ok && err.contains("«bors» is not an auditor of this store: did you mean «boris»?"),
        "{err}"
    );
    let (_, out, _) = run_on(&desk, &server.url, &["calibrate", "report", "--json"]);
    let latest: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(latest["id"], on_server["id"], "no calibration drawn");
    let (ok, out, err) = run_on(&desk, &file, &["calibrate", "report", "--json"]);
    assert!(ok, "{err}");
    let mut on_file: Json = serde_json::from_str(&out).unwrap();
    for r in [&mut on_server, &mut on_file] {
        for key in ["id", "created_at"] {
            r.as_object_mut().unwrap().remove(key);
        }
    }
    assert_eq!(on_server, on_file);
    assert_eq!(on_server["report"]["cards"], 5, "{on_server}");
    // The sample comes first in each named auditor's queue, on the server as on the file.
    let first = |db: &str| queue(&desk, db, met, "anna", &["--limit", "5"]);
    assert_eq!(first(&server.url), first(&file));
}

/// tester31 F2, F1, F9 on the server: a calibration card that moved stage before boris judged
/// it, and one the CRM changed between anna's review and boris's, are left out of the report
/// and named, as from the store file it was copied from; and the reviews export's
/// `funnel_stage_now` and `calibration` columns are the file's, byte for byte.
#[test]
fn a_calibration_s_left_out_judgements_and_the_export_s_calibration_columns_read_alike_on_the_server()
 {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    let (later, [moved, edited, _, _]) = demo_a_day_later(&desk);
    let kept = "31983318";
    let c = okk::domain::calibration::Calibration {
        id: "5c0ffee0-0000-4000-8000-000000000003".into(),
        stage: "Первичный контакт".into(),
        seed: 1,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "olga".into(),
        created_at: "2026-11-19 09:00:00".into(),
        end: None,
        cards: [moved.as_str(), edited.as_str(), kept]
            .iter()
            .map(|id| ("amocrm".to_string(), id.to_string()))
            .collect(),
    };
    okk::store::Store::open(&desk.db)
        .unwrap()
        .save_calibration(&c)
        .unwrap();
    for card in [moved.as_str(), edited.as_str(), kept] {
        desk.review(card, "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    }
    desk.review(kept, "boris", "2026-11-19 10:30:00", &Verdict::of("stale"));
    import_on(&desk, &file, &later);
    desk.review(&moved, "boris", "2026-11-19 11:00:00", &Verdict::of("dead"));
    desk.review(&edited, "boris", "2026-11-19 11:00:00", &Verdict::of("ok"));
    desk.review(kept, "vera", "2026-11-19 12:00:00", &Verdict::of("ok"));
    copied_to(&desk, &server.url);
    let report = |db: &str| {
        let (ok, out, err) = run_on(&desk, db, &["calibrate", "report", "--json"]);
        assert!(ok, "calibrate report on {db}: {err}");
        serde_json::from_str::<Json>(&out).unwrap()
    };
    let on_server = report(&server.url);
    assert_eq!(on_server, report(&file));
    let r = &on_server["report"];
    assert_eq!(
        (&r["compared"], &r["disagreements"][0]["id"]),
        (&serde_json::json!(1), &serde_json::json!(kept)),
        "{r}"
    );
    assert_eq!(
        r["moved"],
        serde_json::json!([{"source": "amocrm", "id": moved, "stage": "Квалификация",
                            "auditors": ["boris"]}])
    );
    assert_eq!(
        r["changed"],
        serde_json::json!([{"source": "amocrm", "id": edited, "auditors": ["anna", "boris"]}])
    );
    for args in [
        &["export", "reviews"][..],
        &["export", "reviews", "--headers", "ru"],
    ] {
        let (srv, _) = exported(&desk, &server.url, args);
        let (laptop, _) = exported(&desk, &file, args);
        assert_eq!(
            String::from_utf8_lossy(&srv),
            String::from_utf8_lossy(&laptop),
            "okk {args:?}"
        );
    }
    let (srv, _) = exported(&desk, &server.url, &["export", "reviews"]);
    let mut csv = csv::Reader::from_reader(&srv[..]);
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut cells: Vec<[String; 4]> = csv
        .records()
        .map(|r| {
            let r = r.unwrap();
            ["external_id", "auditor", "funnel_stage_now", "calibration"]
                .map(|c| r[col(c)].to_string())
        })
        .collect();
    cells.sort();
    let row = |card: &str, who: &str, now: &str, calibration: &str| {
        [card, who, now, calibration].map(String::from)
    };
    let (first, qualifying, id) = ("Первичный контакт", "Квалификация", c.id.as_str());
    assert_eq!(
        cells,
        [
            row(kept, "anna", first, id),
            row(kept, "boris", first, id),
            row(kept, "vera", first, ""),
            row(&edited, "anna", first, id),
            row(&edited, "boris", first, id),
            row(&moved, "anna", qualifying, id),
            row(&moved, "boris", qualifying, id),
        ]
    );
}

#[test]
fn the_funnel_s_history_and_its_check_against_the_store_read_alike_on_the_server() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    copied_to(&desk, &server.url);
    let run = |db: &str, args: &[&str]| {
        let (ok, out, err) = run_on(&desk, db, args);
        assert!(ok, "{args:?} on {db}: {err}");
        out
    };
    // The versions the laptop recorded came with the copy.
    let history = run(&server.url, &["funnel", "history", "--json"]);
    assert_eq!(history, run(&file, &["funnel", "history", "--json"]));
    let versions: Json = serde_json::from_str(&history).unwrap();
    assert!(
        !versions["versions"].as_array().unwrap().is_empty(),
        "{versions}"
    );
    // A version's stages before and after it, alike (the server printed the plain stats).
    let split = run(&server.url, &["stats", "--funnel-version", "1", "--json"]);
    assert_eq!(
        split,
        run(&file, &["stats", "--funnel-version", "1", "--json"])
    );
    let split: Json = serde_json::from_str(&split).unwrap();
    assert_eq!(split["version"], 1, "{split}");
    // The required fields no export of the store's sources has, said alike (the demo's export
    // has every one).
    let checked = run(&server.url, &["funnel", "check", "--store"]);
    assert_eq!(checked, run(&file, &["funnel", "check", "--store"]));
    assert!(
        checked.contains("Every source exports every field the funnel requires."),
        "{checked}"
    );
    // A funnel that would leave cards out is warned of alike.
    let text = std::fs::read_to_string(funnel_path()).unwrap();
    let renamed = desk.dir.path().join("renamed.toml");
    let from = "name = \"Встреча назначена\"";
    std::fs::write(
        &renamed,
        text.replace(from, "name = \"Встреча запланирована\""),
    )
    .unwrap();
    let warned = |db: &str| {
        let mut cmd = desk.okk_bare();
        cmd.args(["--db", db]).arg("--funnel").arg(&renamed);
        let out = cmd.args(["funnel", "check", "--store"]).output().unwrap();
        assert!(out.status.success(), "{db}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let on_server = warned(&server.url);
    assert_eq!(on_server, warned(&file));
    assert!(
        on_server.contains("«Встреча назначена», which this funnel no longer has"),
        "{on_server}"
    );
}

#[test]
fn okk_fields_on_the_server_counts_what_a_file_counts() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    copied_to(&desk, &server.url);
    let fields = |db: &str, args: &[&str]| {
        let (ok, out, err) = run_on(&desk, db, &[&["fields", "--json"][..], args].concat());
        assert!(ok, "fields {args:?} on {db}: {err}");
        let mut rows: Json = serde_json::from_str(&out).unwrap();
        // A store file keeps each import's rates as a trend; the server keeps none.
        for row in rows["fields"].as_array_mut().unwrap() {
            row.as_object_mut().unwrap().remove("trend");
        }
        rows
    };
    for args in [
        &[][..],
        &["--owner", "Попова Анна"],
        &["--since", "2026-10-01"],
        &["--stage", "Встреча проведена"],
    ] {
        let on_server = fields(&server.url, args);
        assert_eq!(on_server, fields(&file, args), "fields {args:?}");
        assert!(
            !on_server["fields"].as_array().unwrap().is_empty(),
            "{args:?}"
        );
    }
    let (ok, text, err) = run_on(&desk, &server.url, &["fields"]);
    assert!(ok && !text.is_empty(), "{err}");
}

#[test]
fn a_starting_funnel_drawn_from_the_server_is_the_one_a_file_gives() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let file = path_arg(&desk.db);
    copied_to(&desk, &server.url);
    let init = |db: &str| {
        let (ok, out, err) = run_on(&desk, db, &["funnel", "init", "--from-store"]);
        assert!(ok, "funnel init on {db}: {err}");
        // The funnel is named after the store (the file's stem, the database's name).
        out.lines()
            .filter(|l| !l.starts_with("name = \"Funnel from "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let on_server = init(&server.url);
    assert_eq!(on_server, init(&file));
    assert!(on_server.contains("Встреча проведена"), "{on_server}");
}

#[test]
fn okk_funnel_suggest_on_the_server_proposes_what_a_file_proposes() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    // Reviews, moves and the lead's decisions: the proposals' figures have something to count.
    let desk = reviewed_desk();
    let file = path_arg(&desk.db);
    copied_to(&desk, &server.url);
    let suggest = |db: &str| {
        let (ok, out, err) = run_on(
            &desk,
            db,
            &["--today", TODAY, "funnel", "suggest", "--json"],
        );
        assert!(ok, "funnel suggest on {db}: {err}");
        serde_json::from_str::<Json>(&out).unwrap()
    };
    let on_server = suggest(&server.url);
    assert_eq!(on_server, suggest(&file));
    assert!(
        !on_server["suggestions"].as_array().unwrap().is_empty(),
        "{on_server}"
    );
}

#[test]
fn on_the_server_an_auditor_s_login_may_not_import_and_the_server_refuses_it_too() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let demo = path_arg(&repo().join("assets/demo/amocrm_deals.csv"));
    import_on(&desk, &server.url, &demo);
    let (anna, anna_url) = server.login("anna");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &["db", "roles", "--auditor", &format!("anna={anna}")],
    );
    assert!(ok, "{err}");
    let before = server_digest(&server.url);
    refuses(
        &desk,
        &anna_url,
        &["--today", TODAY, "import", &demo],
        &format!(
            "okk import onto a server store is the database owner's or a lead's command: \
             the login role {anna} neither owns this store nor is a lead's"
        ),
    );
    let (ok, _, err) = run_on(&desk, &anna_url, &["--lang", "ru", "import", &demo]);
    assert!(!ok);
    english::assert_russian("okk import as an auditor", &err, &["okk", "import", &anna]);
    refuses(
        &desk,
        &server.url,
        &["import", "--no-check", &demo],
        "--no-check does not apply to a server store",
    );
    // Past okk's own check, the server's grants refuse the auditor's role.
    let mut as_anna =
        okk::store::pg::PgStore::open(&anna_url, &desk.dir.path().join("journal")).unwrap();
    let opts = okk::sync::ImportOptions {
        now: common::time("2026-11-20 09:00:00"),
        ..Default::default()
    };
    let e = okk::sync::import_file(
        &mut as_anna,
        &okk::funnel_config::default_funnel(),
        std::path::Path::new(&demo),
        &opts,
    )
    .expect_err("refused by the server");
    assert!(
        e.message
            .contains("refused: this connection's PostgreSQL role may not read or change"),
        "{e}"
    );
    drop(as_anna);
    assert!(server_digest(&server.url) == before, "nothing written");
}

// `okk export reviews`, `okk export crm` and `okk report` on the server: the same bytes as from
// the laptop's store it was copied from.

/// The demo's cards link to this CRM account: the reviews export ends with each one's address.
const CRM_LINKS: &str = "[[crm]]\nname = \"amocrm\"\nkind = \"amocrm\"\n\
                         url = \"https://demo.amocrm.ru\"\ntoken_env = \"OKK_DEMO_TOKEN\"\n";

/// A lead's laptop: three auditors' reviews across stages (moves, owners, corrections, answers,
/// comments; two at one second; one judged again, one card judged by two who disagree), and the
/// lead's accept, override and return, one review decided twice.
fn reviewed_desk() -> Desk {
    let desk = demo_desk();
    let at = "2026-11-18 10:00:00";
    // Dead without a stage; at the same second, "Vera" and "anna" on one card: their order is
    // byte order, capitals first, on both stores.
    desk.review("31999149", "anna", at, &Verdict::of("dead"));
    desk.review("31999149", "Vera", at, &Verdict::of("ok"));
    let moved = desk.review(
        "31973177",
        "anna",
        "2026-11-18 11:00:00",
        &Verdict {
            stage: Some("Бронь"),
            owner: Some("Попова Анна"),
            corrections: &[
                ("title", "Комаров Михаил, 2-к \"Северный парк\""),
                ("amount", "7 500 000"),
                ("Срок действия брони", "2026-12-31"),
            ],
            comment: "звонил; клиент ждёт бронь",
            ..Verdict::of("wrong_stage")
        },
    );
    desk.decide(
        &moved,
        "lena",
        "accept",
        (None, None, None),
        "2026-11-19 09:00:00",
    );
    desk.review(
        "31957017",
        "boris",
        "2026-11-19 12:00:00",
        &Verdict {
            owner: Some("Морозов Алексей"),
            answers: &[("next_step", "fail"), ("contact_saved", "pass")],
            ..Verdict::of("stale")
        },
    );
    let returned = desk.review(
        "31874040",
        "boris",
        "2026-11-19 13:00:00",
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("wrong_stage")
        },
    );
    // Sent back with a note that starts like a formula: both stores carry it to `lead_note`,
    // defused alike.
    desk.send_back(
        &returned,
        "lena",
        "-проверь дату встречи, клиент перенёс её",
        "2026-11-20 09:00:00",
    );
    let overridden = desk.review(
        "31801109",
        "Vera",
        "2026-11-19 14:00:00",
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("wrong_stage")
        },
    );
    // Accepted first, then overridden: the latest decision is the lead's word.
    desk.decide(
        &overridden,
        "lena",
        "accept",
        (None, None, None),
        "2026-11-20 09:30:00",
    );
    desk.decide(
        &overridden,
        "lena",
        "override",
        (
            Some("wrong_stage"),
            Some("Бронирование"),
            Some("Попова Анна"),
        ),
        "2026-11-20 10:00:00",
    );
    // Judged again by the same auditor: only the later review is current.
    desk.review(
        "31898005",
        "boris",
        "2026-11-19 15:00:00",
        &Verdict::of("stale"),
    );
    desk.review(
        "31898005",
        "boris",
        "2026-11-20 08:00:00",
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("ok")
        },
    );
    // Two auditors disagree and no decision settles it: left to the lead.
    desk.review(
        "31957017",
        "anna",
        "2026-11-20 11:00:00",
        &Verdict::of("dead"),
    );
    // Reviews of cards a later sync moved, edited and found gone.
    let (later, changed) = demo_a_day_later(&desk);
    for (i, card) in changed[..3].iter().enumerate() {
        let at = format!("2026-11-20 12:0{i}:00");
        desk.review(card, "boris", &at, &Verdict::of(["ok", "stale", "dead"][i]));
    }
    import_on(&desk, &path_arg(&desk.db), &later);
    desk
}

/// `okk ARGS --out FILE --force` on `db`, which must succeed: the file's bytes and what it said.
fn exported(desk: &Desk, db: &str, args: &[&str]) -> (Vec<u8>, String) {
    let out = desk.dir.path().join("exported");
    let config = desk.dir.path().join("config.toml");
    std::fs::write(&config, CRM_LINKS).unwrap();
    let mut cmd = okk_on(desk, db);
    cmd.arg("--config").arg(&config).args(["--today", TODAY]);
    cmd.args(args).arg("--out").arg(&out).arg("--force");
    let out_cmd = cmd.output().unwrap();
    assert!(
        out_cmd.status.success(),
        "okk {args:?} on {db}: {}",
        String::from_utf8_lossy(&out_cmd.stderr)
    );
    let said = String::from_utf8_lossy(&out_cmd.stdout).into_owned();
    (std::fs::read(&out).unwrap(), said)
}

/// On the server as in the store file, a card two auditors split on (ok or not) with no decision
/// has no final verdict on either row and says it awaits the lead (one they split on only in
/// the owner carries their verdict and awaits the lead); a split the lead settled carries
/// the lead's word on both rows; two auditors who agree carry their verdict.
#[test]
fn on_the_server_a_split_card_awaits_the_lead_on_every_row_of_the_reviews_export() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let (split, settled, agree) = ("31894580", "31343045", "31999149");
    desk.review(split, "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    desk.review(
        split,
        "boris",
        "2026-11-19 10:30:00",
        &Verdict::of("unclear"),
    );
    desk.review(settled, "anna", "2026-11-19 11:00:00", &Verdict::of("ok"));
    let dead = desk.review(
        settled,
        "boris",
        "2026-11-19 11:30:00",
        &Verdict::of("dead"),
    );
    desk.decide(
        &dead,
        "lena",
        "accept",
        (None, None, None),
        "2026-11-19 12:00:00",
    );
    desk.review(agree, "anna", "2026-11-19 13:00:00", &Verdict::of("stale"));
    desk.review(agree, "boris", "2026-11-19 13:30:00", &Verdict::of("stale"));
    // Agreed it is dead, split on who should have it: the move waits for the lead, the verdict
    // counts (as `okk stats` counts it).
    let owner = "31254370";
    desk.review(owner, "anna", "2026-11-19 14:00:00", &Verdict::of("dead"));
    desk.review(
        owner,
        "boris",
        "2026-11-19 14:30:00",
        &Verdict {
            owner: Some("Васильев Игорь"),
            ..Verdict::of("dead")
        },
    );
    copied_to(&desk, &server.url);
    let (srv, _) = exported(&desk, &server.url, &["export", "reviews"]);
    let (file, _) = exported(&desk, &path_arg(&desk.db), &["export", "reviews"]);
    assert_eq!(
        String::from_utf8_lossy(&srv),
        String::from_utf8_lossy(&file)
    );
    let mut csv = csv::Reader::from_reader(&srv[..]);
    let header = csv.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut cells: Vec<(String, String, String, String)> = csv
        .records()
        .map(|r| {
            let r = r.unwrap();
            let c = |name: &str| r[col(name)].to_string();
            (
                c("external_id"),
                c("auditor"),
                c("final_verdict"),
                c("awaits_lead"),
            )
        })
        .collect();
    cells.sort();
    let row = |card: &str, a: &str, v: &str, w: &str| {
        (
            card.to_string(),
            a.to_string(),
            v.to_string(),
            w.to_string(),
        )
    };
    assert_eq!(
        cells,
        [
            row(owner, "anna", "dead", "yes"),
            row(owner, "boris", "dead", "yes"),
            row(settled, "anna", "dead", ""),
            row(settled, "boris", "dead", ""),
            row(split, "anna", "", "yes"),
            row(split, "boris", "", "yes"),
            row(agree, "anna", "stale", ""),
            row(agree, "boris", "stale", ""),
        ]
    );
}

#[test]
fn the_lead_s_exports_and_report_from_the_server_are_the_laptop_s_byte_for_byte() {
    let Some(mut server) = ServerDb::sorting_as_english() else {
        return;
    };
    let desk = reviewed_desk();
    let laptop = path_arg(&desk.db);
    // A second funnel version judged by once, then the first again: the report's before/after
    // section splits at the second.
    let second = desk.dir.path().join("funnel2.toml");
    let mut text = std::fs::read_to_string(funnel_path()).unwrap();
    text.push_str("\n# the lead's second thoughts\n");
    std::fs::write(&second, text).unwrap();
    let stats = ["--today", TODAY, "stats", "--json"];
    succeeded(
        desk.okk_bare()
            .args(["--db", &laptop, "--funnel"])
            .arg(&second)
            .args(stats),
    );
    succeeded(okk_on(&desk, &laptop).args(stats));
    copied_to(&desk, &server.url);
    let runs: &[&[&str]] = &[
        &["export", "reviews"],
        &["export", "reviews", "--stage", "Квалификация"],
        &["export", "reviews", "--stage", "Первичный контакт"],
        &["export", "reviews", "--since", "2026-11-19"],
        &["export", "reviews", "--auditor", "boris"],
        &[
            "export",
            "reviews",
            "--auditor",
            "Vera",
            "--since",
            "2026-11-18",
        ],
        &[
            "export",
            "reviews",
            "--headers",
            "ru",
            "--delimiter",
            ";",
            "--bom",
        ],
        &["export", "crm", "--profile", "amocrm"],
        &["export", "crm", "--profile", "amocrm", "--approved-only"],
        &[
            "export",
            "crm",
            "--profile",
            "bitrix24",
            "--skip-unmapped-owners",
        ],
        &["report"],
    ];
    for args in runs {
        let (file, file_said) = exported(&desk, &laptop, args);
        let (srv, srv_said) = exported(&desk, &server.url, args);
        assert_eq!(
            String::from_utf8_lossy(&srv),
            String::from_utf8_lossy(&file),
            "okk {args:?}"
        );
        assert_eq!(srv, file, "okk {args:?}: the bytes");
        assert_eq!(srv_said, file_said, "okk {args:?}");
    }
    // The whole export holds every current review, the lead's words and the CRM's addresses.
    let (all, _) = exported(&desk, &server.url, &["export", "reviews"]);
    let all = String::from_utf8(all).unwrap();
    assert_eq!(all.lines().count(), 1 + 11, "{all}");
    assert!(
        all.contains("https://demo.amocrm.ru/leads/detail/31801109"),
        "{all}"
    );
    assert!(all.contains("override") && all.contains("return"), "{all}");
    assert!(
        all.contains("\"'-проверь дату встречи, клиент перенёс её\""),
        "the lead's note, defused: {all}"
    );
    let vera = all.find("Vera").unwrap();
    assert!(vera < all.find(",anna,").unwrap(), "byte order: {all}");
    // The review of the card the later import found gone says since when, from the server too.
    let mut csv = csv::Reader::from_reader(all.as_bytes());
    let gone_at = csv
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "card_gone_at")
        .unwrap();
    let gone: Vec<String> = csv
        .records()
        .map(|r| r.unwrap()[gone_at].to_string())
        .filter(|at| !at.is_empty())
        .collect();
    assert_eq!(gone.len(), 1, "{all}");
    assert!(gone[0].starts_with("20"), "{gone:?}");
    // The lead's own login reads what the owner reads.
    let (lena, lena_url) = server.login("lena");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &["db", "roles", "--lead", &format!("lena={lena}")],
    );
    assert!(ok, "{err}");
    for args in [&runs[0], &runs[7], &runs[runs.len() - 1]] {
        assert!(
            exported(&desk, &lena_url, args).0 == exported(&desk, &laptop, args).0,
            "okk {args:?} as the lead's login"
        );
    }
    let (report, _) = exported(&desk, &server.url, &["report"]);
    assert!(
        String::from_utf8(report).unwrap().contains("before-after"),
        "the funnel's second version splits the figures"
    );
    // A stage neither the funnel nor the CRM knows is refused alike.
    let unknown = [
        "export",
        "reviews",
        "--stage",
        "Нет такого",
        "--out",
        "x.csv",
    ];
    let (ok, _, on_file) = run_on(&desk, &laptop, &unknown);
    let (srv_ok, _, on_server) = run_on(&desk, &server.url, &unknown);
    assert!(
        !ok && !srv_ok && on_file.contains("Нет такого"),
        "{on_file}"
    );
    assert_eq!(on_server, on_file);
}

/// A review of every card by each of three auditors at three moments (ties everywhere), some
/// of cards changed since, every seventh decided by the lead, written straight into the
/// laptop's store: more rows than the server hands out at a time.
#[test]
fn a_thousand_reviews_cross_the_server_s_batches_in_the_laptop_s_order() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    desk.conn()
        .execute_batch(
            "INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage,
                 verdict, card_hash, created_at, seconds_spent, score, comment)
             SELECT printf('r-%s-%s', a.name, c.external_id), c.id, c.source, c.external_id,
                    a.name, c.stage,
                    CASE c.id % 3 WHEN 0 THEN 'ok' WHEN 1 THEN 'stale' ELSE 'wrong_stage' END,
                    CASE WHEN c.id % 5 = 0 THEN 0 ELSE c.content_hash END,
                    printf('2026-11-%02d 10:00:00', 17 + c.id % 3), 12.5 + c.id % 7,
                    (c.id % 11) * 9.5, CASE WHEN c.id % 4 = 0 THEN 'см. ' || coalesce(c.title, '') ELSE '' END
             FROM cards c,
                  (SELECT 'anna' AS name UNION ALL SELECT 'Boris' UNION ALL SELECT 'vera') a;
             INSERT INTO lead_decisions (id, review_id, lead, decision, verdict,
                 suggested_stage, created_at, seq)
             SELECT 'd-' || id, id, 'lena',
                    CASE rowid % 3 WHEN 0 THEN 'accept' WHEN 1 THEN 'override' ELSE 'return' END,
                    CASE rowid % 3 WHEN 1 THEN 'wrong_stage' END,
                    CASE rowid % 3 WHEN 1 THEN 'Договор' END, '2026-11-20 09:00:00', 1
             FROM reviews WHERE rowid % 7 = 0;",
        )
        .unwrap();
    let laptop = path_arg(&desk.db);
    copied_to(&desk, &server.url);
    for args in [
        &["export", "reviews"][..],
        &[
            "export",
            "reviews",
            "--auditor",
            "Boris",
            "--since",
            "2026-11-18",
        ],
        &["export", "crm", "--profile", "amocrm"],
    ] {
        let (file, file_said) = exported(&desk, &laptop, args);
        let (srv, srv_said) = exported(&desk, &server.url, args);
        assert!(srv == file, "okk {args:?}: the bytes differ");
        assert_eq!(srv_said, file_said, "okk {args:?}");
    }
    let (all, said) = exported(&desk, &server.url, &["export", "reviews"]);
    assert_eq!(String::from_utf8(all).unwrap().lines().count(), 1 + 3 * 371);
    assert!(said.contains("1113 reviews"), "{said}");
}

#[test]
fn a_server_store_without_reviews_exports_the_header_alone_as_a_file_does() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let laptop = path_arg(&desk.db);
    copied_to(&desk, &server.url);
    let (file, file_said) = exported(&desk, &laptop, &["export", "reviews"]);
    let (srv, srv_said) = exported(&desk, &server.url, &["export", "reviews"]);
    assert_eq!((&srv, &srv_said), (&file, &file_said));
    assert_eq!(String::from_utf8(srv).unwrap().lines().count(), 1);
}

/// Bitrix24 names owners by user id, which its export shows beside the name: the ids the
/// import kept come out of the server as out of the file, with the same warnings.
#[test]
fn bitrix24_s_owner_ids_kept_at_import_reach_its_rest_calls_from_the_server_too() {
    let Some(server) = ServerDb::sorting_as_english() else {
        return;
    };
    let desk = Desk::new();
    desk.import(&[&common::fixture("bitrix24_deals.csv")]);
    let at = "2026-11-20 10:00:00";
    desk.review("501", "anna", at, &Verdict::of("dead"));
    desk.review(
        "503",
        "anna",
        at,
        &Verdict {
            owner: Some("Смирнова Ольга"),
            corrections: &[("amount", "120 000"), ("Интересующие параметры", "2-к")],
            ..Verdict::of("stale")
        },
    );
    let laptop = path_arg(&desk.db);
    copied_to(&desk, &server.url);
    let out = path_arg(&desk.dir.path().join("calls.jsonl"));
    let export = |db: &str| {
        let args = [
            "export",
            "crm",
            "--profile",
            "bitrix24",
            "--force",
            "--out",
            &out,
        ];
        let (ok, said, warned) = run_on(&desk, db, &args);
        assert!(ok, "{warned}");
        (std::fs::read(&out).unwrap(), said, warned)
    };
    let (file, srv) = (export(&laptop), export(&server.url));
    assert_eq!(srv, file);
    assert!(
        srv.2
            .contains("no owners map was needed: Смирнова Ольга [17]"),
        "{}",
        srv.2
    );
    assert!(String::from_utf8(srv.0).unwrap().contains("ASSIGNED_BY_ID"));
}

// ---- okk sync onto the server ----------------------------------------------------------------

const TOKEN_ENV: &str = "OKK_TEST_AMO_TOKEN";

/// `okk --db DB --config CONFIG --today TODAY sync --json ARGS` against the fake CRM: whether it
/// succeeded, its stdout and stderr.
fn sync_on(
    desk: &Desk,
    db: &str,
    config: &std::path::Path,
    args: &[&str],
) -> (bool, String, String) {
    let out = okk_on(desk, db)
        .arg("--config")
        .arg(config)
        .env(TOKEN_ENV, fake::TOKEN)
        // The fake answers at once: no need to wait between requests or long on a 429.
        .env("OKK_SYNC_RATE", "0")
        .env("OKK_SYNC_BACKOFF_MS", "5")
        .args(["--today", TODAY, "sync", "--json"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Deal 30000001's stages in the history rows of [`SYNC_FACTS`], in order: the stage it
/// passed through between two syncs is one (tester25 F2).
fn path_of_30000001(facts: &[Vec<String>]) -> Vec<String> {
    facts[2]
        .iter()
        .filter(|r| r.starts_with("30000001|"))
        .map(|r| r.split('|').nth(2).unwrap().to_string())
        .collect()
}

/// A sync that must succeed: its one report, its clock's moments marked (see [`clockless`]).
fn synced(desk: &Desk, db: &str, config: &std::path::Path) -> Json {
    let (ok, out, err) = sync_on(desk, db, config, &[]);
    assert!(ok, "okk sync on {db}: {err}");
    clockless(serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("not JSON ({e}): {out}")))
}

/// A sync's report with the moment of its last full pass (a first sync is one: this machine's
/// clock, a second apart between the file's run and the server's) said as set or not.
fn clockless(mut report: Json) -> Json {
    if report["full_sweep_at"].is_string() {
        report["full_sweep_at"] = "(set)".into();
    }
    report
}

/// What a sync keeps besides the figures, as text rows (one SQL for both stores): each card's
/// notes and gone mark, the CRM's notes, each card's stage visits (without the sync's clock
/// time: a visit a sync saw is dated when it ran) and how far the sync read.
const SYNC_FACTS: [&str; 5] = [
    "SELECT external_id || '|' || title || '|' || stage || '|' || notes || '|' ||
            CASE WHEN gone_at IS NULL THEN 'live' ELSE 'gone' END
     FROM cards ORDER BY external_id",
    "SELECT connection || '|' || deal || '|' || note || '|' || at || '|' || body
     FROM crm_notes ORDER BY deal, note",
    "SELECT c.external_id || '|' || coalesce(h.pipeline, '-') || '|' || h.stage || '|' ||
            CASE WHEN h.seen_at = b.started_at THEN 'sync' ELSE h.seen_at END
     FROM stage_history h JOIN cards c ON c.id = h.card_id
     JOIN import_batches b ON b.id = h.batch_id ORDER BY c.external_id, h.batch_id",
    "SELECT connection || '|' || coalesce(cursor, -1) || '|' || coalesce(events_cursor, -1) ||
            '|' || coalesce(resume, '-') || '|' || CASE WHEN full_at IS NULL THEN 0 ELSE 1 END
     FROM crm_sync ORDER BY connection",
    "SELECT connection || '|' || coalesce(cursor, -1) FROM crm_notes_read ORDER BY connection",
];

fn sync_facts_on_file(desk: &Desk) -> Vec<Vec<String>> {
    let conn = desk.read_only();
    SYNC_FACTS
        .iter()
        .map(|sql| {
            let mut stmt = conn.prepare(sql).unwrap();
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
            rows.map(Result::unwrap).collect()
        })
        .collect()
}

fn sync_facts_on_server(url: &str) -> Vec<Vec<String>> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    SYNC_FACTS
        .iter()
        .map(|sql| {
            client
                .query(*sql, &[])
                .unwrap()
                .iter()
                .map(|r| r.get::<_, String>(0))
                .collect()
        })
        .collect()
}

/// Each card's id and custom fields ({name: value}), by id, from the rows of
/// `SELECT external_id, fields` and of `SELECT id, name FROM field_names` (a card keeps
/// `[[field id, value], …]`).
fn named_fields(cards: Vec<(String, String)>, names: Vec<(i64, String)>) -> Vec<(String, Json)> {
    let names: std::collections::HashMap<i64, String> = names.into_iter().collect();
    cards
        .into_iter()
        .map(|(id, fields)| {
            let pairs: Vec<(i64, String)> = serde_json::from_str(&fields).unwrap();
            let named: serde_json::Map<String, Json> = (pairs.into_iter())
                .map(|(k, v)| (names[&k].clone(), Json::from(v)))
                .collect();
            (id, Json::Object(named))
        })
        .collect()
}

const CARD_FIELDS: &str = "SELECT external_id, fields FROM cards ORDER BY external_id";
const FIELD_NAMES: &str = "SELECT id, name FROM field_names";

/// [`named_fields`] on the server…
fn card_fields_on_server(url: &str) -> Vec<(String, Json)> {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let cards = (client.query(CARD_FIELDS, &[]).unwrap().iter())
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let names = (client.query(FIELD_NAMES, &[]).unwrap().iter())
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    named_fields(cards, names)
}

/// …and in a store file.
fn card_fields_on_file(desk: &Desk) -> Vec<(String, Json)> {
    let conn = rusqlite::Connection::open(&desk.db).unwrap();
    let mut cards = conn.prepare(CARD_FIELDS).unwrap();
    let cards = (cards.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap())
        .map(Result::unwrap)
        .collect();
    let mut names = conn.prepare(FIELD_NAMES).unwrap();
    let names = (names.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap())
        .map(Result::unwrap)
        .collect();
    named_fields(cards, names)
}

/// A Bitrix24 connection an okk that kept no version of its values synced (list items by id,
/// booleans `1`/`0`: the fake lists its user fields untyped for that sync), on a server as on
/// a file: upgraded (the server's migration 16, the file's 26), the next sync reads every deal
/// again and says so (`reread`), and the cards hold the values the portal's export writes
/// («Да»/«Нет», items by name), the same on both.
#[test]
fn a_bitrix24_store_an_older_okk_synced_is_read_whole_once_on_the_server_as_on_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let mut state = fake::State::with_deals_and_fields(120, 30);
    state.b24_untyped = true;
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_bitrix_config(&config, "b24", &crm.url);
    let file = path_arg(&desk.db);
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");
    synced(&desk, &file, &config);
    synced(&desk, &server.url, &config);
    let old = card_fields_on_server(&server.url);
    assert!(
        old.iter().any(|(_, f)| f["Ипотека одобрена"] == "1"),
        "as the older okk wrote it"
    );
    assert_eq!(old, card_fields_on_file(&desk));
    // As the okk before the version left them.
    rusqlite::Connection::open(&desk.db)
        .unwrap()
        .execute_batch("ALTER TABLE crm_sync DROP COLUMN values_version; PRAGMA user_version = 25;")
        .unwrap();
    postgres::Client::connect(&server.url, postgres::NoTls)
        .unwrap()
        .batch_execute(
            "ALTER TABLE crm_sync DROP COLUMN values_version;
             UPDATE okk_meta SET value = '15' WHERE key = 'schema_version';",
        )
        .unwrap();
    crm.with(|s| s.b24_untyped = false);

    let onto_file = synced(&desk, &file, &config);
    let onto_server = synced(&desk, &server.url, &config);
    assert_eq!(onto_server["reread"], "values", "{onto_server}");
    assert_eq!(onto_server["rows"], 120, "{onto_server}");
    // The cards whose values are now written otherwise changed; none came or went.
    assert!(
        onto_server["updated"].as_u64().unwrap() > 0,
        "{onto_server}"
    );
    assert_eq!(
        (&onto_server["inserted"], &onto_server["gone"]),
        (&0.into(), &0.into())
    );
    assert_eq!(onto_server, onto_file, "the re-reading sync's report");
    let now = card_fields_on_server(&server.url);
    assert_eq!(now, card_fields_on_file(&desk));
    assert!(now.iter().any(|(_, f)| f["Ипотека одобрена"] == "Да"));
    assert!(!now.iter().any(|(_, f)| f["Ипотека одобрена"] == "1"));

    let next = synced(&desk, &server.url, &config);
    assert!(next["reread"].is_null(), "{next}");
    assert!(next["rows"].as_u64().unwrap() < 50, "{next}");
}

/// tester41 F3 on the server: a Bitrix24 stage renamed after a deal at it was deleted. The
/// rename's reading of every deal is a full pass, so the deal is found gone on either store.
#[test]
fn a_bitrix24_rename_s_reading_finds_a_deleted_deal_gone_on_the_server_as_on_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(120), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_bitrix_config(&config, "b24", &crm.url);
    let file = path_arg(&desk.db);
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");
    synced(&desk, &file, &config);
    synced(&desk, &server.url, &config);
    // A deal of «Первичный контакт» (PREPARATION) of «Продажи недвижимости».
    let deleted = sync_facts_on_file(&desk)[0]
        .iter()
        .find(|r| r.split('|').nth(2) == Some("Первичный контакт"))
        .map(|r| r.split('|').next().unwrap().to_string())
        .expect("a card at the stage");
    crm.with(|s| {
        s.delete(deleted.parse().unwrap());
        s.b24_names
            .insert("PREPARATION", "Первичный контакт (звонок)");
    });
    let onto_file = synced(&desk, &file, &config);
    let onto_server = synced(&desk, &server.url, &config);
    assert_eq!(onto_server["reread"], "renamed", "{onto_server}");
    assert_eq!(onto_server["gone"], 1, "{onto_server}");
    assert_eq!(onto_server, onto_file, "the rename's report");
    let facts = sync_facts_on_server(&server.url);
    assert_eq!(facts[0], sync_facts_on_file(&desk)[0]);
    let row = facts[0]
        .iter()
        .find(|r| r.starts_with(&format!("{deleted}|")));
    assert!(row.is_some_and(|r| r.ends_with("|gone")), "{row:?}");
}

/// The CRM's changes between two syncs: two moves of one deal (through «Переговоры»), an
/// edit, a deletion, a new deal, a note on a deal that did not change and one on the new deal.
fn crm_a_day_later(crm: &fake::FakeCrm) -> i64 {
    crm.with(|s| {
        s.move_deal(30_000_001, 60_000_003);
        s.move_deal(30_000_001, 60_000_004);
        s.rename(30_000_002, "Переименована");
        s.delete(30_000_003);
        s.add_note(30_000_000, "Клиент просил больше не звонить");
        let new = s.add();
        s.add_note(new, "Договор подписан вчера");
        new
    })
}

#[test]
fn a_sync_onto_the_server_reads_as_onto_a_file_first_and_incrementally() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(300), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let file = path_arg(&desk.db);

    // A dry run reports what the sync would do and writes nothing, on either.
    let dry = |db: &str| {
        let (ok, out, err) = sync_on(&desk, db, &config, &["--dry-run"]);
        assert!(ok, "okk sync --dry-run on {db}: {err}");
        clockless(serde_json::from_str::<Json>(out.trim()).unwrap())
    };
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");
    let empty = server_digest(&server.url);
    let on_server = dry(&server.url);
    assert_eq!(on_server, dry(&file), "a dry run's report");
    assert_eq!(on_server["inserted"], 300);
    assert!(
        server_digest(&server.url) == empty,
        "a dry run writes nothing"
    );

    let onto_file = synced(&desk, &file, &config);
    let onto_server = synced(&desk, &server.url, &config);
    assert_eq!(onto_server, onto_file, "the first sync's report");
    assert_eq!(onto_server["inserted"], 300);
    assert!(onto_server["notes"].as_u64().unwrap() > 0, "{onto_server}");
    same_figures_and_queues(&desk, &file, &server.url, "anna");
    assert_eq!(
        sync_facts_on_server(&server.url),
        sync_facts_on_file(&desk),
        "cards, notes, history, cursor"
    );
    // `okk crm list` says when the server's store last synced (not "never").
    let out = okk_on(&desk, &server.url)
        .arg("--config")
        .arg(&config)
        .args(["crm", "list"])
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    let line = listed.lines().last().unwrap_or_default();
    assert!(
        out.status.success() && line.split('\t').nth(5).is_some_and(|at| at != "never"),
        "{listed}"
    );

    let new = crm_a_day_later(&crm);
    let onto_file = synced(&desk, &file, &config);
    let onto_server = synced(&desk, &server.url, &config);
    assert_eq!(onto_server, onto_file, "the incremental sync's report");
    // 30000000 changed by its note alone (its deal not read).
    assert_eq!(
        (
            onto_server["inserted"].as_u64(),
            onto_server["updated"].as_u64(),
            onto_server["notes_updated"].as_u64(),
            onto_server["gone"].as_u64(),
            onto_server["stage_changes"].as_u64()
        ),
        (Some(1), Some(2), Some(1), Some(1), Some(1)),
        "{onto_server}"
    );
    same_figures_and_queues(&desk, &file, &server.url, "anna");
    let facts = sync_facts_on_server(&server.url);
    assert_eq!(
        facts,
        sync_facts_on_file(&desk),
        "cards, notes, history, cursor"
    );
    assert_eq!(
        path_of_30000001(&facts),
        ["Первичный контакт", "Переговоры", "Принимают решение"]
    );
    assert!(
        facts[0]
            .iter()
            .any(|c| c.starts_with("30000003|") && c.ends_with("|gone")),
        "{:?}",
        facts[0]
    );
    assert!(
        facts[0]
            .iter()
            .any(|c| c.starts_with(&format!("{new}|")) && c.contains("Договор подписан вчера")),
        "{:?}",
        facts[0]
    );

    // Nothing new: nothing written, on either.
    let quiet = synced(&desk, &server.url, &config);
    assert_eq!(quiet, synced(&desk, &file, &config), "a quiet sync");
    assert_eq!(
        (quiet["inserted"].as_u64(), quiet["updated"].as_u64()),
        (Some(0), Some(0))
    );

    // A full sweep: every deal read again, those the CRM no longer lists marked gone (the one
    // deleted from the CRM's list without an event the sync read).
    crm.with(|s| s.deals.retain(|d| d.id != 30_000_004));
    let full = |db: &str| {
        let (ok, out, err) = sync_on(&desk, db, &config, &["--full"]);
        assert!(ok, "okk sync --full on {db}: {err}");
        let mut report: Json = serde_json::from_str(out.trim()).unwrap();
        assert!(report["full_sweep_at"].is_string(), "{report}");
        // The sweep's time is each run's own clock.
        report["full_sweep_at"] = Json::Null;
        report
    };
    let onto_server = full(&server.url);
    assert_eq!(onto_server, full(&file), "a full sweep's report");
    assert_eq!(onto_server["gone"], 1, "{onto_server}");
    same_figures_and_queues(&desk, &file, &server.url, "anna");
    assert_eq!(
        sync_facts_on_server(&server.url),
        sync_facts_on_file(&desk),
        "cards, notes, history, cursor"
    );
}

/// Issue 15's leftover on the server as on a file: deal 30000001 went to «Переговоры», back
/// and there again between two syncs, and amoCRM's events land in two parts, newest first
/// (the deal's newest event in the first): each store keeps both visits, in the CRM's order.
#[test]
fn on_the_server_a_deal_back_in_a_stage_keeps_both_visits_when_the_events_land_in_parts() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(300), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let file = path_arg(&desk.db);
    synced(&desk, &file, &config);
    synced(&desk, &server.url, &config);
    crm.with(|s| {
        s.clock = chrono::Utc::now().timestamp();
        s.move_deal(30_000_001, 60_000_003);
        s.move_deal(30_000_001, 60_000_002);
        // 99 moves of others after those: the deal's last move alone joins them on the first
        // page of 100 events.
        let others: Vec<i64> = (s.deals.iter())
            .filter(|d| d.id > 30_000_101 && d.pipeline == fake::PIPELINES[0].id)
            .map(|d| d.id)
            .take(99)
            .collect();
        assert_eq!(others.len(), 99);
        for id in others {
            s.move_deal(id, 60_000_004);
        }
        s.move_deal(30_000_001, 60_000_003);
        // Each page of events after the transaction of the one before closed.
        s.faults.event_page_delay = std::time::Duration::from_millis(1300);
    });
    let in_parts = |db: &str| {
        let out = okk_on(&desk, db)
            .arg("--config")
            .arg(&config)
            .env(TOKEN_ENV, fake::TOKEN)
            .env("OKK_SYNC_RATE", "0")
            .env("OKK_SYNC_EVENTS_HELD", "1")
            .args(["--today", TODAY, "sync", "--json"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "okk sync on {db}: {err}");
    };
    in_parts(&file);
    in_parts(&server.url);
    let facts = sync_facts_on_server(&server.url);
    assert_eq!(facts, sync_facts_on_file(&desk), "cards, notes, history");
    assert_eq!(
        path_of_30000001(&facts),
        [
            "Первичный контакт",
            "Переговоры",
            "Первичный контакт",
            "Переговоры"
        ]
    );
}

/// A sync stopped between two parts of amoCRM's events (the connection dropped for good after
/// two pages of them, newest first) and run again: the server's paths are the ones a file's
/// sync that went through at once gives, every visit of the older parts kept
/// (tests/sync_api.rs: the resumed run takes the stopped run's visits as its own).
#[test]
fn on_the_server_a_sync_cut_off_between_two_parts_of_the_events_resumes_to_the_whole_paths() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(300), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let file = path_arg(&desk.db);
    synced(&desk, &file, &config);
    synced(&desk, &server.url, &config);
    crm.with(|s| {
        s.clock = chrono::Utc::now().timestamp();
        let path = [60_000_003, 60_000_002, 60_000_003, 60_000_004];
        s.move_in_rounds(30_000_001, &path, 99);
    });
    let in_parts = |db: &str| {
        okk_on(&desk, db)
            .arg("--config")
            .arg(&config)
            .env(TOKEN_ENV, fake::TOKEN)
            .env("OKK_SYNC_RATE", "0")
            .env("OKK_SYNC_BACKOFF_MS", "5")
            .env("OKK_SYNC_EVENTS_HELD", "1")
            .args(["--today", TODAY, "sync", "--json"])
            .output()
            .unwrap()
    };
    let out = in_parts(&file);
    assert!(out.status.success(), "{out:?}");
    crm.with(|s| s.faults.events_answered = Some(2));
    let out = in_parts(&server.url);
    crm.with(|s| s.faults.events_answered = None);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert_ne!(
        path_of_30000001(&sync_facts_on_server(&server.url)),
        path_of_30000001(&sync_facts_on_file(&desk)),
        "the newest two parts alone"
    );
    let out = in_parts(&server.url);
    assert!(out.status.success(), "{out:?}");
    let facts = sync_facts_on_server(&server.url);
    assert_eq!(facts, sync_facts_on_file(&desk), "cards, notes, history");
    assert_eq!(
        path_of_30000001(&facts),
        [
            "Первичный контакт",
            "Переговоры",
            "Первичный контакт",
            "Переговоры",
            "Принимают решение"
        ]
    );
}

/// The CRM's own order of its pipelines and stages (amoCRM's `sort`), kept by the sync on the
/// server as on a file: `okk funnel init --from-store` lists the stages in it on either.
#[test]
fn init_from_a_store_synced_onto_the_server_lists_the_stages_in_the_crms_own_order() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let mut state = fake::State::with_deals(300);
    let (main, second) = (fake::PIPELINES[0].id, fake::PIPELINES[1].id);
    state.pipeline_sorts.extend([(second, 1), (main, 2)]);
    state.stage_sorts.extend([
        ((main, 60_000_003), 10),
        ((main, 60_000_001), 20),
        ((second, 61_000_002), 5),
    ]);
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let file = path_arg(&desk.db);
    let init = |db: &str| {
        synced(&desk, db, &config);
        let out = okk_on(&desk, db)
            .args(["--lang", "en", "funnel", "init", "--from-store"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{db}: {err}");
        assert!(err.contains("the CRM's own order"), "{db}: {err}");
        let text = String::from_utf8(out.stdout).unwrap();
        let funnel = okk::funnel_config::load_str(&text, std::path::Path::new("init.toml"))
            .expect("it loads");
        funnel
            .stages
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    let on_server = init(&server.url);
    assert_eq!(
        on_server,
        [
            "Показ",
            "Первичный контакт",
            "Переговоры",
            "Неразобранное",
            "Принимают решение",
            "Успешно реализовано",
            "Закрыто и не реализовано"
        ]
    );
    assert_eq!(on_server, init(&file), "the same order from a file");
}

/// The account's export imported, then its first sync, onto the server as onto a file, by a
/// funnel whose «Квалификация» (the fake's «Переговоры», «Принимают решение», «Показ») requires
/// the phone and «Интересующие параметры», which neither the export nor the API has: the same
/// reports, the fields said once and flagged on no card, and no card changed by the fields
/// only the API gives (its content hash stays, the API's digest kept beside it).
#[test]
fn a_first_sync_onto_the_server_after_file_imports_reads_as_onto_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(300), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let aliases = r#""Выявление потребностей"]"#;
    let built_in = std::fs::read_to_string(funnel_path()).unwrap();
    assert!(built_in.contains(aliases), "the built-in funnel changed");
    let funnel = desk.dir.path().join("qualifying.toml");
    let qualifying = built_in.replace(
        aliases,
        r#""Выявление потребностей", "Переговоры", "Принимают решение", "Показ"]"#,
    );
    std::fs::write(&funnel, qualifying).unwrap();
    let csv = desk.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    let okk = |db: &str| {
        let mut cmd = desk.okk_bare();
        cmd.args(["--db", db, "--today", TODAY, "--config"])
            .arg(&config)
            .arg("--funnel")
            .arg(&funnel)
            .env(TOKEN_ENV, fake::TOKEN)
            .env("OKK_SYNC_RATE", "0");
        cmd
    };
    let file = path_arg(&desk.db);
    let json = |db: &str, args: &[&str]| -> Json {
        let out = succeeded(okk(db).args(args));
        serde_json::from_str(out.trim()).unwrap()
    };
    let csv = path_arg(&csv);
    for db in [&file, &server.url] {
        json(db, &["import", "--json", &csv, "--source", "main"]);
    }
    let onto_server = clockless(json(&server.url, &["sync", "--json"]));
    assert_eq!(
        onto_server,
        clockless(json(&file, &["sync", "--json"])),
        "the sync's report"
    );
    assert_eq!(
        (
            onto_server["updated"].as_u64(),
            onto_server["unchanged"].as_u64()
        ),
        (Some(0), Some(300)),
        "{onto_server}"
    );
    let absent = onto_server["absent_fields"].to_string();
    assert!(absent.contains("phone"), "{absent}");
    let flags = json(&server.url, &["check", "--json"]);
    assert_eq!(flags, json(&file, &["check", "--json"]), "okk check");
    let flags = flags.to_string();
    assert!(flags.contains("«Квалификация»"), "{flags}");
    assert!(!flags.contains("\"code\":\"required\""), "{flags}");
    let hashes = "SELECT external_id || '|' || content_hash || '|' || coalesce(export_digest, 0)
                  FROM cards ORDER BY external_id";
    let mut client = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    let on_server: Vec<String> = client
        .query(hashes, &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let conn = desk.read_only();
    let mut stmt = conn.prepare(hashes).unwrap();
    let on_file: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(on_server, on_file, "the cards' content hashes and digests");
    assert!(
        on_file.iter().all(|h| !h.ends_with("|0")),
        "the API's digests kept"
    );
}

/// Onto the server as onto a file: a first sync of deals the store holds from exports under
/// another source stops before writing a card, says the source to name the connection after,
/// and goes on with `--new-source`.
#[test]
fn a_first_sync_onto_the_server_of_deals_imported_under_another_source_stops_as_on_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(120), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let csv = desk.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    let file = path_arg(&desk.db);
    let csv = path_arg(&csv);
    for db in [&file, &server.url] {
        succeeded(okk_on(&desk, db).args(["--today", TODAY, "import", &csv]));
        let (ok, out, err) = sync_on(&desk, db, &config, &[]);
        assert!(!ok, "{out}");
        assert!(
            out.contains("«amocrm»") && out.contains("120 of the first 120"),
            "{db}: {out} {err}"
        );
        let (ok, out, err) = sync_on(&desk, db, &config, &["--new-source"]);
        assert!(ok, "{db}: {err}");
        assert!(out.contains("\"inserted\":120"), "{db}: {out}");
    }
}

#[test]
fn on_the_server_an_auditor_s_login_may_not_sync_and_nothing_is_written() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(50), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    synced(&desk, &server.url, &config);
    let (anna, anna_url) = server.login("anna");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &["db", "roles", "--auditor", &format!("anna={anna}")],
    );
    assert!(ok, "{err}");
    crm_a_day_later(&crm);
    let before = server_digest(&server.url);
    let requests = crm.requests();
    let (ok, _, err) = sync_on(&desk, &anna_url, &config, &[]);
    assert!(!ok);
    assert!(
        err.contains(&format!(
            "okk sync onto a server store is the database owner's or a lead's command: \
             the login role {anna} neither owns this store nor is a lead's"
        )),
        "{err}"
    );
    assert_eq!(crm.requests(), requests, "refused before the CRM is asked");
    let (ok, _, err) = sync_on(&desk, &anna_url, &config, &["--no-check"]);
    assert!(
        !ok && err.contains("--no-check does not apply to a server store"),
        "{err}"
    );
    let out = okk_on(&desk, &anna_url)
        .arg("--config")
        .arg(&config)
        .env(TOKEN_ENV, fake::TOKEN)
        .args(["--lang", "ru", "sync"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    english::assert_russian("okk sync as an auditor", &err, &["okk", "sync", &anna]);
    assert!(server_digest(&server.url) == before, "nothing written");
}

#[test]
fn a_sync_onto_the_server_killed_mid_way_resumes_with_no_card_lost_or_doubled() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let mut state = fake::State::with_deals(2000);
    state.faults.page_delay = std::time::Duration::from_millis(250);
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    // The store made (migrated) first: its cards are counted while the sync runs.
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");

    // Killed while it reads: the server rolls the open transaction back with the connection.
    let mut child = desk.sandboxed(std::process::Command::new(env!("CARGO_BIN_EXE_okk")));
    child
        .args(["--db", &server.url, "--funnel"])
        .arg(funnel_path())
        .arg("--config")
        .arg(&config)
        .env(TOKEN_ENV, fake::TOKEN)
        .env("OKK_SYNC_RATE", "0")
        .args(["--today", TODAY, "sync", "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let cards = |url: &str| -> (i64, i64) {
        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        let r = client
            .query_one(
                "SELECT count(*), count(DISTINCT external_id) FROM cards",
                &[],
            )
            .unwrap();
        (r.get(0), r.get(1))
    };
    let mut child = child.spawn().unwrap();
    // A group committed (the pages of its first second: four of eight), and more under way.
    while cards(&server.url).0 < 500 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "okk sync ended before the kill"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The transaction of the page under way may still be closing on the server.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (landed, _) = cards(&server.url);
    assert!(landed > 0 && landed < 2000, "{landed} cards after the kill");

    crm.with(|s| s.faults.page_delay = std::time::Duration::ZERO);
    let before = leads();
    let report = synced(&desk, &server.url, &config);
    assert_eq!(report["inserted"].as_u64().unwrap() as i64, 2000 - landed);
    assert!(
        leads() - before < 8,
        "resumed from the cursor, not from the start"
    );
    assert_eq!(cards(&server.url), (2000, 2000));
}

/// Two syncs of one connection onto the server at once: the second is refused before it reads
/// (tester26 F-m: it counted the first one's cards as unchanged and said nothing had happened);
/// a sync killed outright lets go of the server's hold with its session.
#[test]
fn a_second_sync_of_a_connection_under_way_on_the_server_is_refused() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let mut state = fake::State::with_deals(1000);
    state.faults.page_delay = std::time::Duration::from_millis(300);
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");

    let mut first = desk.sandboxed(std::process::Command::new(env!("CARGO_BIN_EXE_okk")));
    first
        .args(["--db", &server.url, "--funnel"])
        .arg(funnel_path())
        .arg("--config")
        .arg(&config)
        .env(TOKEN_ENV, fake::TOKEN)
        .env("OKK_SYNC_RATE", "0")
        .args(["--today", TODAY, "sync", "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut first = first.spawn().unwrap();
    while leads() == 0 {
        assert!(first.try_wait().unwrap().is_none(), "the first sync ended");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let read = leads();
    let (ok, out, err) = sync_on(&desk, &server.url, &config, &[]);
    assert!(!ok, "{out}");
    assert!(err.contains("main: another okk is syncing"), "{err}");
    let line: Json = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["connection"], "main");
    assert!(leads() - read <= 1, "the second sync read no page");

    first.kill().unwrap();
    first.wait().unwrap();
    crm.with(|s| s.faults.page_delay = std::time::Duration::ZERO);
    // The killed session's end reaches the server within moments.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (ok, _, err) = sync_on(&desk, &server.url, &config, &[]);
        if ok {
            break;
        }
        assert!(err.contains("another okk"), "{err}");
        assert!(
            std::time::Instant::now() < deadline,
            "the hold outlived its session"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let mut client = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    let r = client
        .query_one(
            "SELECT count(*), count(DISTINCT external_id) FROM cards",
            &[],
        )
        .unwrap();
    assert_eq!((r.get::<_, i64>(0), r.get::<_, i64>(1)), (1000, 1000));
}

/// A full sweep killed half-way onto the server, then `okk sync` as after a Ctrl-C: the sync
/// goes on from where the sweep got to and finishes it, as on a file (the deals the CRM no
/// longer lists marked gone, the sweep recorded, its marks gone).
#[test]
fn a_full_sweep_onto_the_server_killed_half_way_is_finished_by_the_next_sync() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(2000), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");
    synced(&desk, &server.url, &config);
    // Gone from the CRM's list with no event: one read early in the sweep, one late.
    let gone = [30_000_004, 30_001_990];
    crm.with(|s| {
        s.deals.retain(|d| !gone.contains(&d.id));
        s.faults.page_delay = std::time::Duration::from_millis(250);
    });
    let count = |sql: &str| -> i64 {
        let mut client = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
        client.query_one(sql, &[]).unwrap().get(0)
    };
    let mut child = desk.sandboxed(std::process::Command::new(env!("CARGO_BIN_EXE_okk")));
    child
        .args(["--db", &server.url, "--funnel"])
        .arg(funnel_path())
        .arg("--config")
        .arg(&config)
        .env(TOKEN_ENV, fake::TOKEN)
        .env("OKK_SYNC_RATE", "0")
        .args(["--today", TODAY, "sync", "--json", "--full"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = child.spawn().unwrap();
    // A group of deals committed with the sweep's mark, and more under way.
    while count("SELECT count(*) FROM crm_swept") < 500 {
        assert!(
            child.try_wait().unwrap().is_none(),
            "okk sync --full ended before the kill"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(count("SELECT count(*) FROM crm_sweep"), 1);
    assert_eq!(
        count("SELECT count(*) FROM cards WHERE gone_at IS NOT NULL"),
        0
    );
    // The killed run's mark: it began and did not end.
    let begun = "SELECT count(*) FROM crm_sync WHERE run_begun_at IS NOT NULL";
    assert_eq!(count(begun), 1);

    crm.with(|s| s.faults.page_delay = std::time::Duration::ZERO);
    let report = synced(&desk, &server.url, &config);
    // It says it continues the killed run, and its end clears the mark.
    assert!(report["resumed_run_begun_at"].is_string(), "{report}");
    assert_eq!(count(begun), 0);
    assert_eq!(
        (report["gone"].as_u64(), report["full"].as_bool()),
        (Some(2), Some(true)),
        "{report}"
    );
    assert!(report["full_sweep_at"].is_string(), "{report}");
    assert!(report["rows"].as_u64().unwrap() < 2000, "{report}");
    // What the killed run read is in the report too, read from the server's batches: the two
    // together read every deal the CRM still has (two of the 2,000 were deleted).
    let landed = report["resumed_landed"]["rows"].as_u64().unwrap_or(0);
    assert!(
        landed > 0 && landed + report["rows"].as_u64().unwrap() >= 1998,
        "{report}"
    );
    assert_eq!(
        count("SELECT count(*) FROM cards WHERE gone_at IS NOT NULL"),
        2
    );
    assert_eq!(
        count("SELECT (SELECT count(*) FROM crm_sweep) + (SELECT count(*) FROM crm_swept)"),
        0
    );
}

#[test]
fn a_lead_s_login_syncs_onto_the_server_as_the_owner_does() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(120), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let file = path_arg(&desk.db);
    let (lena, lena_url) = server.login("lena");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &["db", "roles", "--lead", &format!("lena={lena}")],
    );
    assert!(ok, "{err}");
    let by_lead = synced(&desk, &lena_url, &config);
    assert_eq!(by_lead, synced(&desk, &file, &config), "the first sync");
    crm_a_day_later(&crm);
    let by_lead = synced(&desk, &lena_url, &config);
    assert_eq!(by_lead, synced(&desk, &file, &config), "a day later");
    assert_eq!(by_lead["gone"], 1, "{by_lead}");
    same_figures_and_queues(&desk, &file, &server.url, "lena");
    let facts = sync_facts_on_server(&server.url);
    assert_eq!(
        facts,
        sync_facts_on_file(&desk),
        "cards, notes, history, cursor"
    );
    assert_eq!(
        path_of_30000001(&facts),
        ["Первичный контакт", "Переговоры", "Принимают решение"]
    );
}

#[test]
fn a_bitrix24_sync_onto_the_server_reads_as_onto_a_file_its_comments_and_full_sweep_too() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(200), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_bitrix_config(&config, "b24", &crm.url);
    let file = path_arg(&desk.db);
    let both = |args: &[&str]| {
        let run = |db: &str| {
            let (ok, out, err) = sync_on(&desk, db, &config, args);
            assert!(ok, "okk sync {args:?} on {db}: {err}");
            let mut report: Json = serde_json::from_str(out.trim()).unwrap();
            // A full sweep's time is each run's own clock.
            report["full_sweep_at"] = Json::Null;
            report
        };
        let onto_server = run(&server.url);
        assert_eq!(onto_server, run(&file), "okk sync {args:?}");
        same_figures_and_queues(&desk, &file, &server.url, "anna");
        assert_eq!(
            sync_facts_on_server(&server.url),
            sync_facts_on_file(&desk),
            "cards, notes, history, cursor after okk sync {args:?}"
        );
        onto_server
    };
    assert_eq!(both(&[])["inserted"], 200);
    crm_a_day_later(&crm);
    assert_eq!(both(&[])["inserted"], 1);
    both(&["--full"]);
}

/// `okk export crm` on the server reads the synced account's stages as a store file does: a
/// Bitrix24 move goes out as the stage id of the card's own category — to the funnel's won or
/// lost stage, the category's own success or failure stage by its semantics, whatever the
/// portal named it — and a move to a stage its pipeline lacks is left out and named, the same
/// on both.
#[test]
fn on_the_server_a_bitrix24_export_writes_the_stage_ids_the_sync_kept() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let mut state = fake::State::with_deals(14);
    state.b24_names =
        std::collections::HashMap::from([("WON", "Сделка успешна"), ("C1:LOSE", "Отказ клиента")]);
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_bitrix_config(&config, "b24", &crm.url);
    let file = path_arg(&desk.db);
    synced(&desk, &file, &config);
    // «Вторичный рынок» (C1): «Первичный контакт» → «Закрыто…»; «Продажи недвижимости» has
    // no «Договор».
    desk.review(
        "30000012",
        "anna",
        "2026-11-19 10:00:00",
        &Verdict::of("dead"),
    );
    desk.review(
        "30000003",
        "anna",
        "2026-11-19 10:05:00",
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("wrong_stage")
        },
    );
    desk.review(
        "30000002",
        "anna",
        "2026-11-19 10:10:00",
        &Verdict {
            stage: Some("Успешно реализовано"),
            ..Verdict::of("wrong_stage")
        },
    );
    copied_to(&desk, &server.url);
    // The server's own sync writes the stages again (their semantics with them).
    let (ok, _, err) = sync_on(&desk, &server.url, &config, &[]);
    assert!(ok, "{err}");
    let export = |db: &str| {
        let out = desk.dir.path().join(format!("b24-{}.jsonl", db.len()));
        let file = path_arg(&out);
        let args = [
            "--today",
            TODAY,
            "export",
            "crm",
            "--profile",
            "bitrix24",
            "--out",
            &file,
        ];
        let (ok, _, err) = run_on(&desk, db, &args);
        assert!(ok, "export crm on {db}: {err}");
        (std::fs::read_to_string(out).unwrap(), err)
    };
    let (on_server, said) = export(&server.url);
    assert_eq!(
        on_server,
        "{\"method\":\"crm.deal.update\",\"params\":{\"id\":30000002,\"fields\":{\"STAGE_ID\":\"WON\"}}}\n\
         {\"method\":\"crm.deal.update\",\"params\":{\"id\":30000012,\"fields\":{\"STAGE_ID\":\"C1:LOSE\"}}}\n"
    );
    assert!(
        said.contains("stage «Договор» is not in the CRM pipeline «Продажи недвижимости» of «b24»"),
        "{said}"
    );
    assert_eq!((on_server, said), export(&file));
}

/// A lead's own login (not the database's owner) merges an auditor's laptop bundle into the
/// server store: the reviews go in under the auditor's name, as the owner's merge puts them.
#[test]
fn a_lead_s_login_merges_an_auditor_s_laptop_bundle_into_the_server_store() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    copied_to(&lead, &server.url);
    let (lena, lena_url) = server.login("lena");
    let (anna_login, _) = server.login("anna");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &[
            "db",
            "roles",
            "--lead",
            &format!("lena={lena}"),
            "--auditor",
            &format!("anna={anna_login}"),
        ],
    );
    assert!(ok, "{err}");
    let anna = demo_desk();
    let cards = queue(
        &anna,
        &path_arg(&anna.db),
        "Переговоры",
        "anna",
        &["--limit", "2"],
    );
    anna.review(&cards[0], "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    anna.review(
        &cards[1],
        "anna",
        "2026-11-19 10:05:00",
        &Verdict::of("dead"),
    );
    let bundle = anna.dir.path().join("anna.okkb");
    let (ok, _, err) = run_on(
        &anna,
        &path_arg(&anna.db),
        &[
            "bundle",
            "export",
            "--all",
            "--as",
            "anna",
            "--out",
            &path_arg(&bundle),
        ],
    );
    assert!(ok, "{err}");
    let file = path_arg(&bundle);
    let (ok, _, err) = run_on(
        &lead,
        &lena_url,
        &["bundle", "trust", &file, "--as", "anna"],
    );
    assert!(ok, "trust: {err}");
    let (ok, said, err) = run_on(&lead, &lena_url, &["bundle", "import", "--json", &file]);
    assert!(ok, "import: {err}");
    let report: Json = serde_json::from_str(&said).unwrap();
    assert_eq!(report["report"]["reviews_added"], 2, "{said}");
    // The same figures as the owner's merge of the same bundle into a copy of the store.
    let stats = |db: &str| {
        run_on(
            &lead,
            db,
            &["--today", TODAY, "stats", "--auditors", "--json"],
        )
        .1
    };
    let file_db = path_arg(&lead.db);
    for args in [
        &["bundle", "trust", &file, "--as", "anna"][..],
        &["bundle", "import", &file][..],
    ] {
        let (ok, _, err) = run_on(&lead, &file_db, args);
        assert!(ok, "{err}");
    }
    assert_eq!(stats(&lena_url), stats(&file_db));
    // What a merged review says stays as anna signed it, even for the lead's login.
    let mut as_lena = postgres::Client::connect(&lena_url, postgres::NoTls).unwrap();
    let changed = as_lena.execute(
        "UPDATE reviews SET verdict = 'ok' WHERE auditor = 'anna' AND verdict = 'dead'",
        &[],
    );
    assert!(changed.is_err(), "{changed:?}");
}

/// The records of a bundle file, without its header and trailer.
fn bundle_records(file: &std::path::Path) -> Vec<Json> {
    let text = std::fs::read_to_string(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    lines[1..lines.len() - 1]
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The set-up's round trip: vera's laptop made with `okk db copy URL FILE` from her own login
/// holds the whole desk (anna's and boris's verdicts, the lead's accept, made on the server),
/// but its bundle carries only what vera made on it, signed with her key: the lead's login
/// takes it (again: nothing changes). The lead's `bundle export --as lena` carries her
/// decisions and the verdicts signed elsewhere, and vera's laptop takes it. Before, each
/// signed everyone's records with its own key and the other side refused the file whole.
#[test]
fn a_laptop_copied_from_the_server_sends_back_its_auditor_s_work_and_takes_the_lead_s() {
    use okk::domain::decision::Decision;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    // The desk's work made on the server (a laptop's store moved there: its records unsigned).
    let lead = demo_desk();
    let on_file = path_arg(&lead.db);
    let cards = queue(&lead, &on_file, "Квалификация", "anna", &["--limit", "4"]);
    let anna_first = lead.review(&cards[0], "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    lead.review(
        &cards[1],
        "boris",
        "2026-11-19 10:05:00",
        &Verdict::of("dead"),
    );
    lead.decide(
        &anna_first,
        "lena",
        "accept",
        (None, None, None),
        "2026-11-19 11:00:00",
    );
    copied_to(&lead, &server.url);
    let (lena, lena_url) = server.login("lena");
    let (vera_login, vera_url) = server.login("vera");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &[
            "db",
            "roles",
            "--lead",
            &format!("lena={lena}"),
            "--auditor",
            &format!("vera={vera_login}"),
        ],
    );
    assert!(ok, "{err}");

    // Vera's laptop, copied from her login; two verdicts offline.
    let vera = Desk::new();
    let laptop = path_arg(&vera.db);
    succeeded(vera.okk().args(["db", "copy", &vera_url, &laptop]));
    vera.review(&cards[2], "vera", "2026-11-20 09:00:00", &Verdict::of("ok"));
    vera.review(
        &cards[3],
        "vera",
        "2026-11-20 09:05:00",
        &Verdict::of("stale"),
    );
    let bundle = vera.dir.path().join("vera.okkb");
    let file = path_arg(&bundle);
    let (ok, said, err) = run_on(
        &vera,
        &laptop,
        &["--lang", "ru", "bundle", "export", "--out", &file],
    );
    assert!(ok, "{err}");
    // tester36 F3: the server's records copied with the laptop stay out, said in one line,
    // and nobody is told to send by bundle what the server has.
    assert!(
        said.contains("проверок — 2, решений руководителя — 0")
            && said.contains("не вошли в пакет: 3 записи, скопированные с сервера")
            && !said.contains("от чужих имён"),
        "{said}"
    );
    let header: Json = serde_json::from_str(
        std::fs::read_to_string(&bundle)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        header["signer"], "vera",
        "the user the laptop was copied for"
    );
    // tester31 F7: her laptop signs for her only — never as the lead, whose key every auditor
    // would then trust in the lead's name — refused before a key is made.
    let forged = vera.dir.path().join("as-lena.okkb");
    let (ok, _, err) = run_on(
        &vera,
        &laptop,
        &[
            "bundle",
            "export",
            "--as",
            "lena",
            "--out",
            &path_arg(&forged),
        ],
    );
    assert!(
        !ok && err.contains("copied from the team server for okk user vera"),
        "{err}"
    );
    assert!(!forged.exists());
    let records = bundle_records(&bundle);
    assert_eq!(records.len(), 2);
    assert!(
        records.iter().all(|r| r["review"]["auditor"] == "vera"),
        "{records:?}"
    );

    // The lead's login takes it; again, and nothing changes.
    let (ok, _, err) = run_on(
        &lead,
        &lena_url,
        &["bundle", "trust", &file, "--as", "vera"],
    );
    assert!(ok, "{err}");
    for (added, known) in [(2, 0), (0, 2)] {
        let (ok, said, err) = run_on(&lead, &lena_url, &["bundle", "import", "--json", &file]);
        assert!(ok, "{err}");
        let report: Json = serde_json::from_str(&said).unwrap();
        assert_eq!(
            (
                &report["report"]["reviews_added"],
                &report["report"]["reviews_known"]
            ),
            (&Json::from(added), &Json::from(known)),
            "{said}"
        );
    }

    // The lead accepts vera's first verdict on the server and exports as in the set-up.
    let vera_first = {
        let mut c = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
        let row = c
            .query_one(
                "SELECT id FROM reviews WHERE auditor = 'vera' ORDER BY created_at LIMIT 1",
                &[],
            )
            .unwrap();
        row.get::<_, String>(0)
    };
    let journal = lead.dir.path().join("journal");
    let mut as_lena = PgStore::open(&lena_url, &journal).expect("lena connects");
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    as_lena
        .decide(&vera_first, "lena", &Decision::accept(), at)
        .unwrap();
    drop(as_lena);
    let desk_file = lead.dir.path().join("desk.okkb");
    let back = path_arg(&desk_file);
    let (ok, said, err) = run_on(
        &lead,
        &lena_url,
        &["bundle", "export", "--as", "lena", "--out", &back],
    );
    assert!(ok, "{err}");
    assert!(
        said.contains("2 reviews") && said.contains("left out: 3 records"),
        "{said}"
    );
    // Vera's laptop trusts the lead and takes the lead's bundle: her own verdicts back (her
    // own key's), the lead's new accept; the accept copied before is one it holds.
    for args in [
        &["bundle", "trust", &back, "--as", "lena", "--lead"][..],
        &["bundle", "import", "--json", &back],
    ] {
        let (ok, said, err) = run_on(&vera, &laptop, args);
        assert!(ok, "okk {args:?}: {err}");
        if args[1] == "import" {
            let report: Json = serde_json::from_str(&said).unwrap();
            assert_eq!(report["report"]["reviews_known"], 2, "{said}");
            assert_eq!(report["report"]["decisions_added"], 1, "{said}");
        }
    }
}

/// tester36 F2, F3: anna's laptop copied from the server by her login lists the stage as the
/// server's claim hands it to her: not the cards boris judged (one the lead accepted), nor the
/// one the lead sent back to him, nor her own; its figures (the funnel's, the title bar's)
/// count that list. Opened under a filter, boris's card says whose verdict stands on it and
/// the lead's word. Her bundle carries only what she judged on the laptop: the server's records
/// copied with it stay out, said in one line, and the server takes it as new work, no dispute.
#[test]
fn a_laptop_copied_from_the_server_lists_what_the_claim_hands_her_and_sends_only_its_own_work() {
    use okk::tui::state::Screen;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    let on_file = path_arg(&lead.db);
    let stage = "Квалификация";
    let cards = queue(&lead, &on_file, stage, "anna", &["--limit", "8"]);
    let accepted = lead.review(
        &cards[0],
        "boris",
        "2026-11-19 10:00:00",
        &Verdict::of("ok"),
    );
    lead.review(
        &cards[1],
        "boris",
        "2026-11-19 10:01:00",
        &Verdict::of("ok"),
    );
    lead.review(
        &cards[2],
        "boris",
        "2026-11-19 10:02:00",
        &Verdict::of("stale"),
    );
    let returned = lead.review(
        &cards[3],
        "boris",
        "2026-11-19 10:03:00",
        &Verdict::of("ok"),
    );
    lead.review(&cards[4], "anna", "2026-11-19 10:04:00", &Verdict::of("ok"));
    lead.decide(
        &accepted,
        "lena",
        "accept",
        (None, None, None),
        "2026-11-19 11:00:00",
    );
    lead.send_back(&returned, "lena", "звонок?", "2026-11-19 11:01:00");
    copied_to(&lead, &server.url);
    let (lena, lena_url) = server.login("lena");
    let (anna_login, anna_url) = server.login("anna");
    let (boris_login, _) = server.login("boris");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &[
            "db",
            "roles",
            "--lead",
            &format!("lena={lena}"),
            "--auditor",
            &format!("anna={anna_login}"),
            "--auditor",
            &format!("boris={boris_login}"),
        ],
    );
    assert!(ok, "{err}");

    let anna = Desk::new();
    let laptop = path_arg(&anna.db);
    succeeded(anna.okk().args(["db", "copy", &anna_url, &laptop]));
    let listed = queue(&anna, &laptop, stage, "anna", &["--limit", "500"]);
    assert!(
        listed.iter().all(|c| !cards[..5].contains(c)),
        "boris's cards and her own are not hers to review: {:?} in {listed:?}",
        &cards[..5]
    );
    assert_eq!(listed[..3], cards[5..8], "the next cards nobody judged");
    assert_eq!(
        queue(&lead, &anna_url, stage, "anna", &["--limit", "500"]),
        listed,
        "the server's own queue lists the same"
    );
    assert_eq!(
        queue(&lead, &anna_url, stage, "anna", &["--claim", "3"]),
        listed[..3],
        "what the server's claim hands her"
    );

    // Her reviewer on the laptop counts what it lists: the funnel's figure and the title bar.
    let (mut state, mut desk) = common::reviewer::open_at_stage(&anna.db, "anna", stage);
    assert_eq!(common::reviewer::shown_card(&state), listed[0]);
    let row = common::reviewer::stage_row(&state, stage);
    assert_eq!(
        state.stages.rows[row].counts.to_review() as usize,
        listed.len()
    );
    let q = state.queue.as_ref().unwrap();
    assert_eq!(
        (q.counts.to_review() as usize, q.total() as usize),
        (listed.len(), listed.len())
    );
    // Boris's card found by a filter: marked his, and the card says so before her verdict.
    common::reviewer::press(&mut state, &mut desk, &format!("q/{}<enter>", cards[0]));
    let q = state.queue.as_ref().unwrap();
    let found: Vec<(&str, bool)> = (q.items.iter())
        .map(|i| (i.entry.id.as_str(), i.entry.judged_by_other))
        .collect();
    assert_eq!(
        found,
        [(cards[0].as_str(), true)],
        "{:?}",
        state.shared.status
    );
    common::reviewer::press(&mut state, &mut desk, "<enter>");
    assert_eq!(state.screen, Screen::Card);
    let text = common::reviewer::screen(&state, 120, 40);
    assert!(
        text.contains("◇ boris judged it: ok · lead lena: accepted"),
        "{text}"
    );

    // Two verdicts on the laptop; its bundle carries them alone.
    anna.review(
        &listed[0],
        "anna",
        "2026-11-20 09:00:00",
        &Verdict::of("ok"),
    );
    anna.review(
        &listed[1],
        "anna",
        "2026-11-20 09:01:00",
        &Verdict::of("dead"),
    );
    let bundle = anna.dir.path().join("anna.okkb");
    let file = path_arg(&bundle);
    let (ok, said, err) = run_on(&anna, &laptop, &["bundle", "export", "--out", &file]);
    assert!(ok, "{err}");
    assert!(
        said.contains("2 reviews and 0 lead decisions")
            && said.contains(
                "not carried: 7 records copied from the team server with this store: the \
                 server has them"
            )
            && !said.contains("left out"),
        "{said}"
    );
    let records = bundle_records(&bundle);
    assert_eq!(records.len(), 2, "{records:?}");
    assert!(
        records.iter().all(|r| r["review"]["auditor"] == "anna"),
        "{records:?}"
    );
    let (ok, _, err) = run_on(
        &lead,
        &lena_url,
        &["bundle", "trust", &file, "--as", "anna"],
    );
    assert!(ok, "{err}");
    let (ok, said, err) = run_on(&lead, &lena_url, &["bundle", "import", "--json", &file]);
    assert!(ok, "{err}");
    let report: Json = serde_json::from_str(&said).unwrap();
    assert_eq!(
        (
            &report["report"]["reviews_added"],
            &report["report"]["reviews_known"]
        ),
        (&Json::from(2), &Json::from(0)),
        "{said}"
    );
    // No card two auditors split on: the lead has nothing to settle.
    let out = anna.dir.path().join("changes.csv");
    let (ok, _, err) = run_on(
        &lead,
        &lena_url,
        &[
            "--today",
            TODAY,
            "export",
            "crm",
            "--profile",
            "amocrm",
            "--out",
            &path_arg(&out),
        ],
    );
    assert!(ok && !err.contains("disagree"), "{err}");
}

/// On the server: anna's verdict, the lead's accept, then anna's `u` (her claim's reviewer):
/// refused, saying the lead accepted it; the lead's list and `okk export reviews` still have
/// the review with the lead's decision (before, both vanished and nobody was told).
#[test]
fn on_the_server_an_auditor_s_undo_does_not_erase_the_lead_s_accept() {
    use okk::domain::decision::{Decision, DecisionKind};
    use okk::tui::state::Status;
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", "Квалификация", &dir);
    let card = (anna.card.as_ref())
        .map(|c| c.detail.card.external_id.clone())
        .expect("a card for anna");
    common::reviewer::press(&mut anna, &mut a, "s");
    let mut lena = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let review = (lena.lead_rows().unwrap().into_iter())
        .find(|r| r.external_id == card)
        .expect("anna's verdict on the lead's list")
        .review_id;
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .unwrap()
        .and_hms_opt(12, 30, 0)
        .unwrap();
    lena.decide(&review, "lena", &Decision::accept(), at)
        .unwrap();
    common::reviewer::press(&mut anna, &mut a, "u");
    assert_eq!(
        anna.shared.status,
        Some(Status::Info(okk::text::tui::undo_decided(
            &card,
            "lena",
            DecisionKind::Accept
        )))
    );
    assert!(
        lena.lead_rows()
            .unwrap()
            .iter()
            .any(|r| r.review_id == review),
        "the review stays on the lead's list"
    );
    let out = desk.dir.path().join("reviews.csv");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &[
            "--today",
            TODAY,
            "export",
            "reviews",
            "--out",
            &path_arg(&out),
        ],
    );
    assert!(ok, "{err}");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv.lines()
            .any(|l| l.contains(&card) && l.contains("accept")),
        "{csv}"
    );
}

/// `okk db copy FILE URL` into a server store that already holds cards: refused, saying what
/// to do instead (a new database, or a bundle), not that the database cannot be opened.
#[test]
fn db_copy_into_a_server_store_with_cards_says_to_use_a_new_database_or_a_bundle() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    for (lang, says, not) in [
        (
            "en",
            "okk db copy goes only into an empty one",
            "cannot open",
        ),
        (
            "ru",
            "okk db copy копирует только в пустое",
            "не удаётся открыть",
        ),
    ] {
        let out = desk
            .okk()
            .args(["--lang", lang, "db", "copy"])
            .arg(&desk.db)
            .arg(&server.url)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains(says) && !err.contains(not), "{err}");
    }
}

/// An auditor's login running `okk bundle import` on the server is told it is the owner's or
/// a lead's command, before any bundle is read (it was refused for the bundle's signatures).
#[test]
fn on_the_server_an_auditor_s_bundle_import_is_refused_as_not_hers_to_run() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    copied_to(&lead, &server.url);
    let (anna_login, anna_url) = server.login("anna");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["db", "roles", "--auditor", &format!("anna={anna_login}")],
    );
    assert!(ok, "{err}");
    // A bundle of another's the server would refuse for its signer.
    let other = demo_desk();
    let cards = queue(
        &other,
        &path_arg(&other.db),
        "Квалификация",
        "vera",
        &["--limit", "1"],
    );
    other.review(&cards[0], "vera", "2026-11-19 10:00:00", &Verdict::of("ok"));
    let bundle = other.dir.path().join("vera.okkb");
    let (ok, _, err) = run_on(
        &other,
        &path_arg(&other.db),
        &["bundle", "export", "--out", &path_arg(&bundle)],
    );
    assert!(ok, "{err}");
    for (lang, says) in [
        (
            "en",
            "okk bundle import into a server store is the database owner's or a lead's command",
        ),
        (
            "ru",
            "okk bundle import в хранилище на сервере выполняет владелец базы или руководитель",
        ),
    ] {
        let (ok, _, err) = run_on(
            &lead,
            &anna_url,
            &["--lang", lang, "bundle", "import", &path_arg(&bundle)],
        );
        assert!(
            !ok && err.contains(says) && err.contains(&anna_login),
            "{err}"
        );
    }
}

/// The tester's story on the server: the lead sends boris's review back while anna and boris
/// judge the same stage by claim. Anna is never handed the card (neither her reviewer nor
/// `okk queue --claim`); boris's open reviewer lists it at the next refresh, marked ↩ with the
/// note, shows it after the card on screen, and his new verdict answers the return.
#[test]
fn on_the_server_a_review_sent_back_goes_to_its_own_auditor_and_to_nobody_else() {
    use okk::domain::decision::Decision;
    use okk::tui::effect::{Msg, Outcome};
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let dir = desk.tmp_dir();
    let shown =
        |s: &okk::tui::state::State| s.card.as_ref().map(|c| c.detail.card.external_id.clone());
    let (mut boris, mut b) = reviewer_on_server(&server.url, "boris", "Квалификация", &dir);
    let judged = shown(&boris).expect("a card");
    common::reviewer::press(&mut boris, &mut b, "a");
    let on_screen = shown(&boris).expect("the next card");

    let store = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let funnel = std::sync::Arc::new(okk::funnel_config::default_funnel());
    let mut lead = okk::tui::desk::Desk::new(store, funnel, "lena".into(), "fp".into(), None);
    let row = (lead.lead_rows().unwrap().into_iter())
        .find(|r| r.external_id == judged)
        .expect("boris's review");
    lead.decide(&row.review_id, &Decision::send_back("Нет звонка".into()))
        .unwrap();

    let (mut anna, mut a) = reviewer_on_server(&server.url, "anna", "Квалификация", &dir);
    for _ in 0..3 {
        let card = shown(&anna).expect("a card for anna");
        assert_ne!(card, judged, "anna was handed the card sent back to boris");
        common::reviewer::press(&mut anna, &mut a, "a");
    }
    let claimed = claim(&desk, &server.url, "anna", 5);
    assert!(!claimed.contains(&judged), "{claimed:?}");

    okk::tui::run::dispatch(
        &mut boris,
        Msg::Done(Box::new(Outcome::OthersActed)),
        &mut b,
    );
    let q = boris.queue.as_ref().unwrap();
    let item = (q.items.iter())
        .find(|i| i.entry.id == judged)
        .expect("back in his list");
    assert_eq!(item.entry.returned.as_deref(), Some("Нет звонка"));
    assert_eq!(shown(&boris), Some(on_screen));
    common::reviewer::press(&mut boris, &mut b, "a");
    assert_eq!(
        shown(&boris),
        Some(judged.clone()),
        "the card sent back next"
    );
    common::reviewer::press(&mut boris, &mut b, "d");
    let rows = lead.lead_rows().unwrap();
    let of_card: Vec<(&str, &str)> = (rows.iter())
        .filter(|r| r.external_id == judged)
        .map(|r| (r.auditor.as_str(), r.verdict.as_str()))
        .collect();
    assert_eq!(of_card, [("boris", "dead")], "answered by boris alone");
}

/// On the server: anna's two verdicts come in a bundle, the lead accepts one; on her laptop,
/// before the decision reaches it, anna takes both back, and her next bundle comes in. The
/// accepted verdict and the lead's accept stand, and the import says so (in Russian too); the
/// other verdict is withdrawn as before.
#[test]
fn on_the_server_a_bundled_undo_of_a_verdict_the_lead_accepted_is_not_applied_and_said() {
    use okk::domain::decision::Decision;
    let Some(server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    copied_to(&lead, &server.url);
    let anna = demo_desk();
    let laptop = path_arg(&anna.db);
    let cards = queue(&anna, &laptop, "Переговоры", "anna", &["--limit", "2"]);
    let accepted = anna.review(&cards[0], "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    let left = anna.review(
        &cards[1],
        "anna",
        "2026-11-19 10:05:00",
        &Verdict::of("dead"),
    );
    let export = |name: &str| {
        let bundle = anna.dir.path().join(name);
        let args = ["bundle", "export", "--force", "--as", "anna", "--out"];
        let (ok, _, err) = run_on(&anna, &laptop, &[&args[..], &[&path_arg(&bundle)]].concat());
        assert!(ok, "{err}");
        path_arg(&bundle)
    };
    let first = export("a1.okkb");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["bundle", "trust", &first, "--as", "anna"],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run_on(&lead, &server.url, &["bundle", "import", &first]);
    assert!(ok, "{err}");
    let dir = lead.tmp_dir();
    let mut lena = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").unwrap();
    lena.decide(
        &accepted,
        "lena",
        &Decision::accept(),
        at("2026-11-19 12:00:00"),
    )
    .unwrap();
    // Anna's laptop has not heard of the accept: both undos go through there.
    let mut own = okk::store::Store::open(&anna.db).unwrap();
    own.withdraw_review(&accepted, at("2026-11-19 13:00:00"))
        .unwrap();
    own.withdraw_review(&left, at("2026-11-19 13:01:00"))
        .unwrap();
    drop(own);
    let undo = export("a2.okkb");
    let (ok, said, err) = run_on(&lead, &server.url, &["bundle", "import", "--json", &undo]);
    assert!(ok, "{err}");
    let report = &serde_json::from_str::<Json>(&said).unwrap()["report"];
    assert_eq!(report["reviews_withdrawn"], 1, "{said}");
    let kept = &report["withdrawals_kept"];
    assert_eq!(kept.as_array().map(Vec::len), Some(1), "{said}");
    assert_eq!(
        (&kept[0]["review_id"], &kept[0]["card"], &kept[0]["lead"]),
        (
            &Json::from(accepted.as_str()),
            &Json::from(cards[0].as_str()),
            &Json::from("lena")
        ),
        "{said}"
    );
    assert_eq!(kept[0]["decision"], "accept", "{said}");
    // The accepted verdict stays on the lead's list with her accept; the other is gone.
    let rows = lena.lead_rows().unwrap();
    let row = rows.iter().find(|r| r.review_id == accepted);
    assert!(
        row.is_some_and(|r| r.decision.is_some()),
        "the accepted verdict and the accept stand"
    );
    assert!(
        !rows.iter().any(|r| r.review_id == left),
        "withdrawn as before"
    );
    // Again, in Russian words: the card, who decided, and that it was not applied.
    let (ok, said, err) = run_on(
        &lead,
        &server.url,
        &["--lang", "ru", "bundle", "import", &undo],
    );
    assert!(ok, "{err}");
    let line = format!("отзыв вердикта по #{} (anna) не применён", cards[0]);
    assert!(
        said.contains(&line) && said.contains("руководитель lena уже принял его"),
        "{said}"
    );
}

/// On the server, the lead takes back her accepts of two verdicts whose offline undos came in
/// while the accepts stood: one taken back (by the server's clock) before anna's undo was
/// stamped, which then applies, the other after it, which keeps the undo out for good. Anna's
/// laptop, taking the server's bundle, ends with the same verdicts standing.
#[test]
fn on_the_server_a_decision_taken_back_weighs_the_undo_it_held_out_by_the_records_times() {
    use okk::domain::decision::Decision;
    let Some(server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    copied_to(&lead, &server.url);
    let anna = demo_desk();
    let laptop = path_arg(&anna.db);
    let cards = queue(&anna, &laptop, "Переговоры", "anna", &["--limit", "2"]);
    let early = anna.review(&cards[0], "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    let late = anna.review(&cards[1], "anna", "2026-11-19 10:05:00", &Verdict::of("ok"));
    let export = |desk: &Desk, db: &str, who: &str, name: &str| {
        let bundle = desk.dir.path().join(name);
        let args = ["bundle", "export", "--force", "--as", who, "--out"];
        let (ok, _, err) = run_on(desk, db, &[&args[..], &[&path_arg(&bundle)]].concat());
        assert!(ok, "{err}");
        path_arg(&bundle)
    };
    let first = export(&anna, &laptop, "anna", "a1.okkb");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["bundle", "trust", &first, "--as", "anna"],
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run_on(&lead, &server.url, &["bundle", "import", &first]);
    assert!(ok, "{err}");
    let dir = lead.tmp_dir();
    let mut lena = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").unwrap();
    let accepts: Vec<String> = [&early, &late]
        .iter()
        .map(|r| {
            lena.decide(r, "lena", &Decision::accept(), at("2026-11-19 12:00:00"))
                .unwrap()
        })
        .collect();
    let mut own = okk::store::Store::open(&anna.db).unwrap();
    for r in [&early, &late] {
        own.withdraw_review(r, at("2026-11-19 13:00:00")).unwrap();
    }
    drop(own);
    let undo = export(&anna, &laptop, "anna", "a2.okkb");
    let (ok, said, err) = run_on(&lead, &server.url, &["bundle", "import", "--json", &undo]);
    assert!(ok, "{err}");
    let report = &serde_json::from_str::<Json>(&said).unwrap()["report"];
    assert_eq!(report["withdrawals_kept"].as_array().map(Vec::len), Some(2));
    let listed = |lena: &okk::store::pg::PgStore| {
        let rows = lena.lead_rows().unwrap();
        [&early, &late].map(|id| rows.iter().any(|r| &r.review_id == id))
    };
    assert_eq!(
        listed(&lena),
        [true, true],
        "held out while the accepts stand"
    );
    // The server's clock is behind anna's: this take-back is stamped before her undo.
    lena.withdraw_decision(&accepts[0], at("2026-11-19 12:30:00"))
        .unwrap();
    lena.withdraw_decision(&accepts[1], at("2026-11-19 14:00:00"))
        .unwrap();
    assert_eq!(
        listed(&lena),
        [false, true],
        "the earlier take-back lets the undo apply"
    );
    // Anna's laptop takes the lead's word: the same verdicts stand there.
    let back = export(&lead, &server.url, "lena", "back.okkb");
    let (ok, _, err) = run_on(
        &anna,
        &laptop,
        &["bundle", "trust", &back, "--as", "lena", "--lead"],
    );
    assert!(ok, "{err}");
    let (ok, said, err) = run_on(&anna, &laptop, &["bundle", "import", "--json", &back]);
    assert!(ok, "{err}");
    let report = &serde_json::from_str::<Json>(&said).unwrap()["report"];
    let lifted = &report["withdrawals_lifted"];
    assert_eq!(lifted.as_array().map(Vec::len), Some(1), "{said}");
    assert_eq!(
        (&lifted[0]["review_id"], &lifted[0]["taken_back"]),
        (&Json::from(late.as_str()), &Json::from(true)),
        "{said}"
    );
    let standing: Vec<String> = (anna.rows(common::Table::Reviews).iter())
        .filter(|r| r["withdrawn_at"].is_null())
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(standing, [late]);
}

/// On the server the other way round: anna's undo of two verdicts comes in before lena's
/// decisions on them, which lena made on her laptop not knowing of the undo. Each bundle of
/// lena's, merged under her own login, lifts the undo of the verdict it decides: the verdict
/// stands again with her decision, and the import says so (in Russian too); the undo of the
/// verdict nobody decided on stays.
#[test]
fn on_the_server_the_lead_s_decision_arriving_after_a_bundled_undo_lifts_it_and_says_so() {
    use okk::domain::decision::{Decision, DecisionKind};
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let lead = demo_desk();
    copied_to(&lead, &server.url);
    let (lena_login, lena_url) = server.login("lena");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["db", "roles", "--lead", &format!("lena={lena_login}")],
    );
    assert!(ok, "{err}");
    let anna = demo_desk();
    let cards = queue(
        &anna,
        &path_arg(&anna.db),
        "Переговоры",
        "anna",
        &["--limit", "3"],
    );
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").unwrap();
    let verdicts: Vec<String> = (cards.iter().enumerate())
        .map(|(i, card)| {
            anna.review(
                card,
                "anna",
                &format!("2026-11-19 10:0{i}:00"),
                &Verdict::of("ok"),
            )
        })
        .collect();
    let export = |desk: &Desk, who: &str, name: &str| {
        let bundle = path_arg(&desk.dir.path().join(name));
        let args = ["bundle", "export", "--force", "--as", who, "--out", &bundle];
        let (ok, _, err) = run_on(desk, &path_arg(&desk.db), &args);
        assert!(ok, "{err}");
        bundle
    };
    let first = export(&anna, "anna", "a1.okkb");
    // Lena's laptop takes anna's verdicts; the server takes them too, then anna's undo.
    let laptop = demo_desk();
    for (desk, db) in [(&laptop, path_arg(&laptop.db)), (&lead, server.url.clone())] {
        for args in [
            &["bundle", "trust", &first, "--as", "anna"][..],
            &["bundle", "import", &first][..],
        ] {
            let (ok, _, err) = run_on(desk, &db, args);
            assert!(ok, "{err}");
        }
    }
    let mut own = okk::store::Store::open(&anna.db).unwrap();
    for (i, v) in verdicts.iter().enumerate() {
        own.withdraw_review(v, at(&format!("2026-11-19 13:0{i}:00")))
            .unwrap();
    }
    drop(own);
    let undo = export(&anna, "anna", "a2.okkb");
    let (ok, said, err) = run_on(&lead, &server.url, &["bundle", "import", "--json", &undo]);
    assert!(ok, "{err}");
    let report = &serde_json::from_str::<Json>(&said).unwrap()["report"];
    assert_eq!(report["reviews_withdrawn"], 3, "{said}");
    let dir = lead.tmp_dir();
    let mut desk = okk::store::pg::PgStore::open(&server.url, &dir).unwrap();
    assert!(desk.lead_rows().unwrap().is_empty(), "all three withdrawn");
    // On her laptop, not knowing of the undo, lena accepts the first verdict.
    let mut lenas = okk::store::Store::open(&laptop.db).unwrap();
    lenas
        .decide(
            &verdicts[0],
            "lena",
            &Decision::accept(),
            at("2026-11-19 12:00:00"),
        )
        .unwrap();
    let accepted = export(&laptop, "lena", "l1.okkb");
    let (ok, _, err) = run_on(
        &lead,
        &server.url,
        &["bundle", "trust", &accepted, "--as", "lena", "--lead"],
    );
    assert!(ok, "{err}");
    let (ok, said, err) = run_on(&lead, &lena_url, &["bundle", "import", "--json", &accepted]);
    assert!(ok, "{err}");
    let report = &serde_json::from_str::<Json>(&said).unwrap()["report"];
    let lifted = &report["withdrawals_lifted"];
    assert_eq!(lifted.as_array().map(Vec::len), Some(1), "{said}");
    assert_eq!(
        (
            &lifted[0]["review_id"],
            &lifted[0]["card"],
            &lifted[0]["auditor"]
        ),
        (
            &Json::from(verdicts[0].as_str()),
            &Json::from(cards[0].as_str()),
            &Json::from("anna")
        ),
        "{said}"
    );
    assert_eq!(
        (&lifted[0]["lead"], &lifted[0]["decision"]),
        (&Json::from("lena"), &Json::from("accept")),
        "{said}"
    );
    let on_list = |desk: &mut okk::store::pg::PgStore| -> Vec<(String, Option<&str>)> {
        let mut rows: Vec<_> = (desk.lead_rows().unwrap().into_iter())
            .map(|r| (r.review_id, r.decision.map(|d| d.decision.kind.as_str())))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(
        on_list(&mut desk),
        [(verdicts[0].clone(), Some("accept"))],
        "the accepted verdict stands again with the accept"
    );
    // Then she sends the second back; her next bundle, said in Russian, lifts that one.
    lenas
        .decide(
            &verdicts[1],
            "lena",
            &Decision {
                kind: DecisionKind::Return,
                ..Decision::accept()
            },
            at("2026-11-19 12:05:00"),
        )
        .unwrap();
    let returned = export(&laptop, "lena", "l2.okkb");
    let (ok, said, err) = run_on(
        &lead,
        &lena_url,
        &["--lang", "ru", "bundle", "import", &returned],
    );
    assert!(ok, "{err}");
    let line = format!("отзыв вердикта по #{} (anna) снят", cards[1]);
    assert!(
        said.contains(&line) && said.contains("руководитель lena уже вернул его на доработку"),
        "{said}"
    );
    assert!(
        !said.contains(&format!("#{} ", cards[0])),
        "said once: {said}"
    );
    let mut want = vec![
        (verdicts[0].clone(), Some("accept")),
        (verdicts[1].clone(), Some("return")),
    ];
    want.sort();
    assert_eq!(
        on_list(&mut desk),
        want,
        "the third, undecided, stays withdrawn"
    );
}

/// Each card's stage visits as text rows (one SQL for both stores), a visit dated by its
/// import's clock as `import`, one dated otherwise by its time.
const VISITS: [&str; 1] = [
    "SELECT c.external_id || '|' || h.batch_id || '|' || h.stage || '|' ||
            CASE WHEN h.seen_at = b.started_at THEN 'import' ELSE h.seen_at END
     FROM stage_history h JOIN cards c ON c.id = h.card_id
     JOIN import_batches b ON b.id = h.batch_id ORDER BY c.external_id, h.batch_id",
];

/// An export imported a day after it was written, onto the server as onto a file: its moves
/// are dated by their deals' edits where those can date them (after the visit the move ends
/// began, not after the import), by the import otherwise; the visit each move ends began no
/// later than the deal's edit the first file gave; the same file again writes nothing, and an
/// older file's move back is the import's.
#[test]
fn on_the_server_a_file_dates_its_moves_by_the_deals_edits_as_onto_a_file() {
    use chrono::Timelike;
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    let now = chrono::Local::now()
        .naive_local()
        .with_nanosecond(0)
        .unwrap();
    let ago = |days: i64| now - chrono::Duration::days(days);
    let amo = |t: chrono::NaiveDateTime| t.format("%d.%m.%Y %H:%M:%S").to_string();
    let stored = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();
    let write = |name: &str, rows: &[(&str, String, &str)]| {
        let mut text = String::from(
            "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,\
             Дата редактирования,Этап сделки,Воронка\n",
        );
        for (id, edited, stage) in rows {
            text.push_str(&format!(
                "{id},Сделка {id},5000000,Смирнова Ольга,01.11.2026 10:00:00,{edited},\
                 {stage},Продажи недвижимости\n"
            ));
        }
        let path = desk.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path_arg(&path)
    };
    let ids = ["5001", "5002", "5003", "5004"];
    let v1: Vec<_> = ids
        .iter()
        .map(|id| (*id, amo(ago(5)), "Первичный контакт"))
        .collect();
    let v1 = write("v1.csv", &v1);
    let v2 = write(
        "v2.csv",
        &[
            ("5001", amo(ago(1)), "Квалификация"),
            ("5002", amo(now + chrono::Duration::days(1)), "Квалификация"),
            ("5003", amo(ago(6)), "Квалификация"),
            ("5004", "вчера".to_string(), "Квалификация"),
        ],
    );
    let older = write("older.csv", &[("5001", amo(ago(2)), "Первичный контакт")]);
    // The first import ran three days ago: the edits since fall after it.
    let plant = format!(
        "UPDATE import_batches SET started_at = '{}' WHERE id = 1",
        stored(ago(3))
    );
    for db in [&file, &server.url] {
        import_on(&desk, db, &v1);
    }
    desk.conn().execute_batch(&plant).unwrap();
    postgres::Client::connect(&server.url, postgres::NoTls)
        .unwrap()
        .batch_execute(&plant)
        .unwrap();
    for db in [&file, &server.url] {
        assert_eq!(import_on(&desk, db, &v2)["stage_changes"], 4, "{db}");
        assert_eq!(import_on(&desk, db, &v2)["stage_changes"], 0, "again: {db}");
    }
    let mut expected: Vec<String> = ids
        .iter()
        .flat_map(|id| {
            let moved = if *id == "5001" {
                stored(ago(1))
            } else {
                "import".to_string()
            };
            [
                format!("{id}|1|Первичный контакт|{}", stored(ago(5))),
                format!("{id}|2|Квалификация|{moved}"),
            ]
        })
        .collect();
    assert_eq!(texts_on_server(&server.url, &VISITS), [expected.clone()]);
    assert_eq!(texts_on_file(&desk, &VISITS), [expected.clone()]);

    for db in [&file, &server.url] {
        assert_eq!(import_on(&desk, db, &older)["stage_changes"], 1, "{db}");
    }
    expected.insert(2, "5001|4|Первичный контакт|import".to_string());
    assert_eq!(texts_on_server(&server.url, &VISITS), [expected.clone()]);
    assert_eq!(texts_on_file(&desk, &VISITS), [expected]);
}

/// The lead's accepted move, carried out by the CRM, raises no skip flag on the server either:
/// its import judges the changed card with the decisions the server holds.
#[test]
fn on_the_server_the_crm_carrying_out_the_leads_move_raises_no_skip_flag() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let (asked, unasked) = ("31969881", "31959178");
    let to_contract = Verdict {
        stage: Some("Договор"),
        ..Verdict::of("wrong_stage")
    };
    let review = desk.review(asked, "anna", "2026-11-20 10:00:00", &to_contract);
    desk.decide(
        &review,
        "lena",
        "accept",
        (None, None, None),
        "2026-11-21 09:00:00",
    );
    desk.review(unasked, "boris", "2026-11-20 10:00:00", &to_contract);
    copied_to(&desk, &server.url);
    let moved = common::demo_export_moved(
        &desk,
        "moved.csv",
        &[(asked, "Договор"), (unasked, "Договор")],
    );
    succeeded(okk_on(&desk, &server.url).args(["--today", TODAY, "import", &moved]));
    let listed = succeeded(okk_on(&desk, &server.url).args(["--today", TODAY, "check", "--json"]));
    let listed: Json = serde_json::from_str(&listed).expect("JSON");
    let skipped = |id: &str| {
        (listed["cards"].as_array().expect("cards").iter())
            .filter(|c| c["id"] == id)
            .flat_map(|c| c["flags"].as_array().expect("flags").clone())
            .any(|f| f["code"] == "backwards")
    };
    assert!(!skipped(asked), "the move the lead asked for");
    assert!(skipped(unasked), "a move the lead did not approve");
}

/// The server's migration 18 (the file's 27): a server store an older okk kept reviews in gains
/// the card as judged; its reviews read back without it. An auditor's own login then judges a
/// card through a session that read no card (as the reviewer's writer does): the review keeps
/// the card, its custom fields by the server's field ids, and reads back whole; and no one,
/// the owner included, changes it after.
#[test]
fn a_server_store_of_schema_17_keeps_its_reviews_and_a_verdict_since_keeps_the_card_as_judged() {
    use okk::domain::ids::CardId;
    use okk::domain::pending::PendingReview;
    use okk::domain::ports::ReviewStore;
    use okk::domain::review::Review;
    use okk::domain::stored_review::ReviewedCard;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    let laptop = path_arg(&desk.db);
    let cards = queue(&desk, &laptop, "Переговоры", "anna", &["--limit", "2"]);
    let older = desk.review(&cards[0], "anna", "2026-11-19 10:00:00", &Verdict::of("ok"));
    copied_to(&desk, &server.url);
    let mut owner = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    owner
        .batch_execute(
            "ALTER TABLE reviews DROP COLUMN judged, DROP COLUMN judged_signature;
             UPDATE okk_meta SET value = '17' WHERE key = 'schema_version';",
        )
        .unwrap();
    let (anna, anna_url) = server.login("anna");
    let (ok, said, err) = run_on(
        &desk,
        &server.url,
        &["db", "roles", "--auditor", &format!("anna={anna}")],
    );
    assert!(ok, "{said}{err}");
    let journal = desk.dir.path().join("journal");
    let store = PgStore::open(&server.url, &journal).expect("migrated on open");
    assert_eq!(
        store.schema_version().unwrap(),
        okk::store::pg::schema::latest()
    );
    let mut card_id = |external_id: &str| -> i64 {
        owner
            .query_one(
                "SELECT id FROM cards WHERE external_id = $1",
                &[&external_id],
            )
            .unwrap()
            .get(0)
    };
    let (first, second) = (card_id(&cards[0]), card_id(&cards[1]));
    let review = store.current_review(first, "anna").unwrap().unwrap();
    assert_eq!((review.id, review.as_judged), (older, None));

    // Anna's reviewer: one session reads the card, another writes her verdict.
    let reader = PgStore::open(&anna_url, &journal).expect("anna reads");
    let detail = ReviewStore::card_detail(&reader, CardId(second))
        .unwrap()
        .unwrap();
    assert!(
        !detail.card.fields.is_empty(),
        "a demo card has custom fields"
    );
    let p = PendingReview {
        id: "anna-judged".into(),
        card: ReviewedCard::from(&detail),
        review: Review {
            verdict: okk::domain::review::Verdict::Stale,
            draft: Default::default(),
            score: None,
            seconds_spent: 4.0,
        },
        auditor: "anna".into(),
        funnel_fingerprint: "fp".into(),
        now: common::time("2026-11-20 09:00:00"),
        withdrawn_at: None,
    };
    let mut writer = PgStore::open(&anna_url, &journal).expect("anna writes");
    writer.save_review(&p, Given::Now).expect("her verdict");
    let back = ReviewStore::current_review(&reader, CardId(second), "anna")
        .unwrap()
        .unwrap();
    assert_eq!(back.as_judged, p.card.as_judged, "read back as judged");
    let text: String = owner
        .query_one("SELECT judged FROM reviews WHERE id = 'anna-judged'", &[])
        .unwrap()
        .get(0);
    let (name, _) = &detail.card.fields[0];
    let id: i64 = owner
        .query_one("SELECT id FROM field_names WHERE name = $1", &[&&**name])
        .unwrap()
        .get(0);
    assert!(
        text.contains(&format!("[{id},")) && !text.contains(&format!("\"{name}\"")),
        "{name} by its id {id} in {text}"
    );
    let changed = owner.execute(
        "UPDATE reviews SET judged = '{}' WHERE id = 'anna-judged'",
        &[],
    );
    // The verdict's call is the one that keeps the card: the one before it is gone.
    let calls: i64 = owner
        .query_one(
            "SELECT count(*) FROM pg_proc WHERE proname = 'okk_save_review'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(calls, 1);
    let e = changed.expect_err("a review's card as judged is never changed");
    let said = e.as_db_error().map(|d| d.message().to_string());
    assert!(
        said.as_ref().is_some_and(|m| m.contains("never changed")),
        "{e:?}"
    );
}

/// On the server as on a file, one `okk sync` is one run in `okk db imports` however many
/// groups of pages it commits (tester29 F6), and `okk db prune --import last` after the next
/// sync takes the cards that sync brought, and nothing else.
#[test]
fn on_the_server_a_sync_is_one_run_and_pruning_the_last_takes_exactly_its_new_cards() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let mut state = fake::State::with_deals(1000);
    // Pages 400 ms apart: a group lands what came within a second of its first.
    state.faults.page_delay = std::time::Duration::from_millis(400);
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let okk = || {
        let mut cmd = desk.okk_bare();
        cmd.args(["--db", &server.url, "--config"])
            .arg(&config)
            .arg("--funnel")
            .arg(funnel_path())
            .env(TOKEN_ENV, fake::TOKEN)
            .env("OKK_SYNC_RATE", "0");
        cmd
    };
    let lines = |args: &[&str]| -> Vec<Json> {
        let out = succeeded(okk().args(args));
        out.lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let mut client = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    let mut ids = || -> Vec<String> {
        (client
            .query("SELECT external_id FROM cards ORDER BY 1", &[])
            .unwrap())
        .iter()
        .map(|r| r.get(0))
        .collect()
    };
    assert_eq!(lines(&["sync", "--json"])[0]["inserted"], 1000);
    let batches: i64 = postgres::Client::connect(&server.url, postgres::NoTls)
        .unwrap()
        .query_one("SELECT count(*) FROM import_batches", &[])
        .unwrap()
        .get(0);
    assert!(
        batches >= 3,
        "{batches} groups: the sync commits page by page"
    );
    let runs = lines(&["db", "imports", "--json"]);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(
        (&runs[0]["rows"], &runs[0]["still_here"], &runs[0]["sync"]),
        (&Json::from(1000), &Json::from(1000), &Json::Bool(true)),
        "{runs:?}"
    );
    let before = ids();
    crm.with(|s| {
        s.faults.page_delay = std::time::Duration::ZERO;
        s.add_n(40);
    });
    assert_eq!(lines(&["sync", "--json"])[0]["inserted"], 40);
    let runs = lines(&["db", "imports", "--json"]);
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[1]["still_here"], 40, "{runs:?}");
    let report = &lines(&["db", "prune", "--import", "last", "--yes", "--json"])[0];
    assert_eq!(report["import"]["id"], runs[1]["id"], "{report}");
    assert_eq!(report["removed"], 40, "{report}");
    assert_eq!(
        report["runs_removed"],
        Json::from(vec![runs[1]["id"].clone()])
    );
    assert_eq!(
        ids(),
        before,
        "the cards the second sync brought, and no other"
    );
    assert_eq!(lines(&["db", "imports", "--json"]), runs[..1]);
}

/// A stage the CRM renamed between two syncs, onto the server as onto a file: the same report
/// (said, every deal read once, no move), and every card of the stage under its new name with
/// no visit added to its history.
#[test]
fn a_stage_the_crm_renamed_reads_onto_the_server_as_onto_a_file() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let crm = fake::FakeCrm::start(fake::State::with_deals(150), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    let file = path_arg(&desk.db);
    let (ok, _, err) = run_on(&desk, &server.url, &["db", "roles"]);
    assert!(ok, "{err}");
    synced(&desk, &file, &config);
    synced(&desk, &server.url, &config);
    crm.with(|s| {
        s.amo_names
            .insert((7_000_001, 60_000_002), "Первичный контакт (звонок)");
        s.rename(30_000_002, "Переименована");
    });
    let onto_file = synced(&desk, &file, &config);
    let onto_server = synced(&desk, &server.url, &config);
    assert_eq!(onto_server, onto_file, "the renaming sync's report");
    assert_eq!(onto_server["reread"], "renamed", "{onto_server}");
    assert_eq!(onto_server["stage_changes"], 0, "{onto_server}");
    assert_eq!(
        onto_server["renamed_stages"][0]["to"],
        "Первичный контакт (звонок)"
    );
    let facts = sync_facts_on_server(&server.url);
    assert_eq!(
        facts,
        sync_facts_on_file(&desk),
        "cards, notes, history, cursor"
    );
    assert!(
        facts[0]
            .iter()
            .any(|r| r.contains("|Первичный контакт (звонок)|")),
        "{:?}",
        facts[0]
    );
    assert!(
        !facts[2].iter().any(|r| r.contains("(звонок)")),
        "no visit: {:?}",
        facts[2]
    );
}

/// tester31 F3 on the server: the lead's login ends a calibration as on a file; an auditor's
/// login is refused in okk's words, naming the store's leads (and the server itself refuses
/// her the write: the grants), nothing written; the cards leave the auditors' queues, the
/// report and list say it ended, a second end says so, and the server's bundle carries the end.
#[test]
fn on_the_server_the_lead_ends_a_calibration_and_an_auditor_s_login_may_not() {
    use okk::domain::calibration::Ended;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = demo_desk();
    copied_to(&desk, &server.url);
    let (anna, anna_url) = server.login("anna");
    let (boris, _) = server.login("boris");
    let (lena, lena_url) = server.login("lena");
    let (ok, _, err) = run_on(
        &desk,
        &server.url,
        &[
            "db",
            "roles",
            "--auditor",
            &format!("anna={anna}"),
            "--auditor",
            &format!("boris={boris}"),
            "--lead",
            &format!("lena={lena}"),
        ],
    );
    assert!(ok, "{err}");
    let met = "Встреча проведена";
    let (ok, _, err) = run_on(
        &desk,
        &lena_url,
        &[
            "calibrate",
            "new",
            "--stage",
            met,
            "--cards",
            "4",
            "--auditors",
            "anna,boris",
            "--seed",
            "7",
        ],
    );
    assert!(ok, "{err}");
    let first = |db: &str| -> usize {
        let (ok, out, err) = run_on(
            &desk,
            db,
            &[
                "--today",
                TODAY,
                "queue",
                "--stage",
                met,
                "--auditor",
                "anna",
                "--json",
            ],
        );
        assert!(ok, "{err}");
        let q: Json = serde_json::from_str(&out).unwrap();
        (q["cards"].as_array().unwrap().iter())
            .filter(|c| c.get("calibration").is_some())
            .count()
    };
    assert_eq!(first(&anna_url), 4);
    let before = server_digest(&server.url);
    let (ok, _, err) = run_on(
        &desk,
        &anna_url,
        &["--lang", "ru", "calibrate", "end", "--yes"],
    );
    assert!(
        !ok && err.contains(
            "anna — аудитор в этом хранилище: калибровку завершает только руководитель \
             (руководители хранилища: lena)"
        ),
        "{err}"
    );
    let listed = |db: &str| -> Json {
        let (ok, out, err) = run_on(&desk, db, &["calibrate", "list", "--json"]);
        assert!(ok, "{err}");
        serde_json::from_str(out.lines().next().unwrap()).unwrap()
    };
    let id = listed(&server.url)["id"].as_str().unwrap().to_string();
    let journal = desk.dir.path().join("journal");
    let mut as_anna = PgStore::open(&anna_url, &journal).expect("anna connects");
    let end = Ended {
        at: "2026-12-01 10:00:00".into(),
        by: "anna".into(),
    };
    assert!(
        as_anna.end_calibration(&id, &end).is_err(),
        "the server refuses an auditor's login the write"
    );
    drop(as_anna);
    assert!(server_digest(&server.url) == before, "nothing written");

    let (ok, said, err) = run_on(&desk, &lena_url, &["calibrate", "end", "--yes"]);
    assert!(ok, "{err}");
    assert!(
        said.contains(&format!("calibration {} of «{met}» ended ", &id[..8]))
            && said.contains("by lena"),
        "{said}"
    );
    assert_eq!(first(&anna_url), 0, "no card first any more");
    let (ok, said, _) = run_on(&desk, &lena_url, &["calibrate", "end", &id, "--yes"]);
    assert!(ok && said.contains("has ended already"), "{said}");
    let now = listed(&anna_url);
    assert_eq!(
        (now["open"].clone(), now["ended_by"].clone()),
        (false.into(), "lena".into())
    );
    let (ok, out, _) = run_on(&desk, &anna_url, &["calibrate", "report", "--json"]);
    let report: Json = serde_json::from_str(&out).unwrap();
    assert!(ok && report["ended_by"] == "lena", "{report}");
    let file = desk.dir.path().join("from-server.okkb");
    let (ok, _, err) = run_on(
        &desk,
        &lena_url,
        &["bundle", "export", "--out", file.to_str().unwrap()],
    );
    assert!(ok, "{err}");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\"ended_by\":\"lena\"") && text.contains("\"end_signature\":"),
        "{text}"
    );
}
