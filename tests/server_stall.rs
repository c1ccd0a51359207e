//! The reviewer on a team server whose link hangs or drops: a verdict given meanwhile is kept on
//! this machine before anything goes over the network, the screen keeps answering, the
//! reviewer reconnects when the server answers and writes what waits, and what waits is
//! written whatever address the same store is opened by next. The real binary in a terminal,
//! the server behind a TCP forwarder the test stalls (support/stall_proxy.rs). Needs
//! `OKK_TEST_PG`; without it each test says it skipped.

mod common;
mod pty;

#[path = "support/server_db.rs"]
mod server_db;
#[path = "support/stall_proxy.rs"]
mod stall_proxy;

use std::path::PathBuf;

use common::{Desk, funnel_path, path_arg, repo, succeeded};
use pty::{Spawn, Term, card_id};
use server_db::ServerDb;
use stall_proxy::StallProxy;

const TODAY: &str = "2026-11-20";
const STAGE: &str = "Квалификация";

/// A desk holding the demo export, copied onto the server.
fn demo_on(server: &ServerDb) -> Desk {
    let desk = Desk::new();
    let demo = repo().join("assets/demo/amocrm_deals.csv");
    desk.import_one(&["--today", TODAY, demo.to_str().unwrap()]);
    succeeded(
        desk.okk()
            .args(["db", "copy"])
            .arg(&desk.db)
            .arg(&server.url),
    );
    desk
}

fn upstream(url: &str) -> String {
    let rest = url.rsplit_once('@').unwrap().1;
    rest.split_once('/').unwrap().0.to_string()
}

/// anna's reviewer on `url` at the stage's first card; a link is taken as lost after a second
/// and a half without an answer.
fn reviewer(desk: &Desk, url: &str) -> Term {
    let args = [
        "--db",
        url,
        "--funnel",
        &path_arg(&funnel_path()),
        "--today",
        TODAY,
        "review",
        "--stage",
        STAGE,
        "--auditor",
        "anna",
    ];
    // Short enough for the test to be quick, long enough that a loaded CI machine's live
    // writes never pass for a dead link.
    let term = Spawn::new(&args, 120, 40)
        .env("OKK_LINK_WAIT_MS", "3000")
        .start(desk.dir.path());
    term.wait_for("┌ #");
    term
}

/// The pending journal's files on this machine (the sandbox's data folder).
fn journal(desk: &Desk) -> Vec<PathBuf> {
    let dir = desk.dir.path().join("home/.local/share/okk/pending");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".json"))
        .collect();
    files.sort();
    files
}

/// The verdicts the server holds: (card, verdict).
fn reviews_on(url: &str) -> Vec<(String, String)> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query(
        "SELECT card_external_id, verdict FROM reviews WHERE withdrawn_at IS NULL ORDER BY 1",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// `okk --db URL stats --json`: what it said on stderr.
fn stats_on(desk: &Desk, url: &str) -> String {
    let out = desk
        .okk_bare()
        .args(["--db", url, "--funnel"])
        .arg(funnel_path())
        .args(["--today", TODAY, "stats", "--json"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    err
}

/// The tester's F-c: the link hangs, a verdict is given. It is on this machine before the
/// network is asked, the screen says there is no connection and answers every key, quitting
/// says what waits, and the next okk writes it.
#[test]
fn a_verdict_given_while_the_link_hangs_is_kept_here_and_the_screen_answers() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = proxy.url(&server.url);
    let mut term = reviewer(&desk, &url);
    let first = card_id(&term.screen());
    proxy.stall();
    term.send("a");
    term.wait_for(&format!("#{first} kept on this machine"));
    assert_eq!(journal(&desk).len(), 1, "durable here");
    assert!(reviews_on(&server.url).is_empty());
    term.send("?");
    term.wait_for("Keys");
    term.send("<esc>");
    term.wait_gone("Keys");
    term.send("<C-c>");
    assert!(term.wait_exit().success());
    let said = term.screen();
    assert!(said.contains("one verdict waits for the store"), "{said}");
    // What the stalled link held is dropped with it.
    proxy.reset();
    proxy.resume();
    assert!(reviews_on(&server.url).is_empty());
    let err = stats_on(&desk, &url);
    assert!(err.contains("saved 1 verdict"), "{err}");
    assert_eq!(reviews_on(&server.url), [(first, "ok".to_string())]);
    assert!(journal(&desk).is_empty());
}

/// The tester's F-d: the link drops while a verdict waits. The reviewer reconnects once the
/// server answers, writes the verdict without a key, says so, and the auditor goes on.
#[test]
fn after_the_link_comes_back_the_reviewer_writes_what_waits_and_goes_on() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = proxy.url(&server.url);
    let mut term = reviewer(&desk, &url);
    let first = card_id(&term.screen());
    proxy.stall();
    term.send("a");
    term.wait_for(&format!("#{first} kept on this machine"));
    assert!(!term.screen().contains("another program"));
    proxy.reset();
    proxy.resume();
    term.wait_for("connection to the server is back");
    assert_eq!(reviews_on(&server.url), [(first.clone(), "ok".to_string())]);
    assert!(journal(&desk).is_empty());
    // The next card shows, and its verdict goes straight to the server.
    term.wait_until("the next card", |s| {
        let text = s.contents();
        text.contains("┌ #") && card_id(&text) != first
    });
    let next = card_id(&term.screen());
    term.send("s");
    term.wait_for(&format!("#{next} saved: stale"));
    assert_eq!(reviews_on(&server.url).len(), 2);
    term.send("<C-c>");
    assert!(term.wait_exit().success());
    assert!(journal(&desk).is_empty());
}

/// The tester's F-e: a verdict left waiting under one address of the store (a tunnel's port)
/// is written when the same store is opened by another (its own port).
#[test]
fn a_verdict_left_under_one_address_is_written_when_the_store_opens_by_another() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = proxy.url(&server.url);
    let mut term = reviewer(&desk, &url);
    let first = card_id(&term.screen());
    proxy.stall();
    term.send("d");
    term.wait_for(&format!("#{first} kept on this machine"));
    term.kill();
    proxy.reset();
    assert_eq!(journal(&desk).len(), 1);
    let err = stats_on(&desk, &server.url);
    assert!(err.contains("saved 1 verdict"), "{err}");
    assert_eq!(reviews_on(&server.url), [(first, "dead".to_string())]);
    assert!(journal(&desk).is_empty());
}

/// A verdict an older okk left under the URL's name (before the store had an identity) is
/// still written when the store is opened by that URL.
#[test]
fn a_verdict_left_under_the_older_url_name_is_still_written() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = proxy.url(&server.url);
    let mut term = reviewer(&desk, &url);
    let first = card_id(&term.screen());
    proxy.stall();
    term.send("i");
    term.wait_for(&format!("#{first} kept on this machine"));
    term.kill();
    proxy.reset();
    let [kept] = &journal(&desk)[..] else {
        panic!("one file: {:?}", journal(&desk));
    };
    let name = kept.file_name().unwrap().to_str().unwrap();
    let rest = &name[name.find("-pending-").unwrap()..];
    let digest = xxhash_rust::xxh3::xxh3_64(okk::store::pg::shown_url(&server.url).as_bytes());
    let old = kept.with_file_name(format!("pg-{digest:016x}{rest}"));
    std::fs::rename(kept, &old).unwrap();
    let err = stats_on(&desk, &server.url);
    assert!(err.contains("saved 1 verdict"), "{err}");
    assert_eq!(reviews_on(&server.url), [(first, "unclear".to_string())]);
    assert!(journal(&desk).is_empty());
}
