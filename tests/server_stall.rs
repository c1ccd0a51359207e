//! The reviewer on a team server whose link hangs or drops: a verdict given meanwhile is kept on
//! this machine before anything goes over the network, the screen keeps answering, the
//! reviewer reconnects when the server answers and writes what waits, and what waits is
//! written whatever address the same store is opened by next. The real binary in a terminal,
//! the server behind a TCP forwarder the test stalls (support/stall_proxy.rs). Needs
//! `OKK_TEST_PG`; without it each test says it skipped.

mod common;
mod pty;

#[path = "support/fake_crm.rs"]
mod fake;
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
    // Said twice: back (then the kept verdicts are written), and written — the journal file
    // goes after the server has the verdict, so only the second says it is gone.
    term.wait_for("1 verdict kept on this machine is written");
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

/// Every review the server holds, withdrawn or not: (card, verdict, withdrawn).
fn every_review_on(url: &str) -> Vec<(String, String, bool)> {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    c.query(
        "SELECT card_external_id, verdict, withdrawn_at IS NOT NULL FROM reviews ORDER BY 1",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// What the journal's one file holds.
fn kept_entry(desk: &Desk) -> okk::domain::pending::PendingReview {
    let [file] = &journal(desk)[..] else {
        panic!("one file: {:?}", journal(desk));
    };
    serde_json::from_slice(&std::fs::read(file).unwrap()).unwrap()
}

/// Waits until `ready` holds of the server, for at most ten seconds.
fn until_server(what: &str, ready: impl Fn() -> bool) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !ready() {
        assert!(std::time::Instant::now() < until, "{what}: not in time");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// anna's reviewer on `url` with its writer's connection made: her first verdict saved (the
/// reviewer opens its connections in the background), and the next card on screen. Returns the
/// two cards.
fn reviewer_writing(desk: &Desk, url: &str) -> (Term, String, String) {
    let mut term = reviewer(desk, url);
    let first = card_id(&term.screen());
    term.send("a");
    term.wait_for(&format!("#{first} saved: ok"));
    term.wait_until("the next card", |s| {
        let text = s.contents();
        text.contains("┌ #") && card_id(&text) != first
    });
    let next = card_id(&term.screen());
    (term, first, next)
}

/// The tester's F-g: the link hangs, a verdict is given and undone. The undo is the journal's,
/// not refused for want of a connection; the verdict had been sent before the link hung, so
/// the journal keeps its withdrawal. The reviewer is killed before the link comes back and
/// the bytes held on the way reach the server after all: the next okk withdraws the verdict
/// there, and it stands nowhere.
#[test]
fn an_undo_while_the_link_hangs_is_kept_here_and_a_verdict_that_arrives_late_is_withdrawn() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = proxy.url(&server.url);
    let (mut term, first, next) = reviewer_writing(&desk, &url);
    proxy.stall();
    term.send("s");
    term.wait_for(&format!("#{next} kept on this machine"));
    term.send("u");
    term.wait_for(&format!("verdict on #{next} withdrawn"));
    assert!(!term.screen().contains("no connection"));
    let kept = kept_entry(&desk);
    assert!(kept.withdrawn_at.is_some(), "kept as its withdrawal");
    term.kill();
    // The held bytes go on: the verdict sent before the link hung lands on the server.
    proxy.resume();
    until_server("the late verdict", || {
        every_review_on(&server.url).len() == 2
    });
    let ok = (first.clone(), "ok".to_string());
    assert!(reviews_on(&server.url).contains(&(next.clone(), "stale".to_string())));
    let err = stats_on(&desk, &url);
    assert!(
        !err.contains("saved"),
        "a withdrawal is no verdict saved: {err}"
    );
    assert_eq!(reviews_on(&server.url), [ok], "it stands nowhere");
    assert!(every_review_on(&server.url).contains(&(next, "stale".to_string(), true)));
    assert!(journal(&desk).is_empty());
}

/// The same undo with the reviewer still open: once the server answers, the journal writes
/// the verdict's withdrawal first (the verdict never stands there), the card is hers to judge
/// again, and her new verdict goes to the server.
#[test]
fn an_undo_while_the_link_hangs_is_written_when_the_server_answers_again() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = proxy.url(&server.url);
    let (mut term, first, next) = reviewer_writing(&desk, &url);
    proxy.stall();
    term.send("d");
    term.wait_for(&format!("#{next} kept on this machine"));
    term.send("u");
    term.wait_for(&format!("verdict on #{next} withdrawn"));
    assert!(kept_entry(&desk).withdrawn_at.is_some());
    // What the stalled link held is dropped with it.
    proxy.reset();
    proxy.resume();
    term.wait_for("connection to the server is back");
    until_server("the withdrawal", || journal(&desk).is_empty());
    let ok = (first.clone(), "ok".to_string());
    assert_eq!(reviews_on(&server.url), std::slice::from_ref(&ok));
    term.wait_until("her card again", |s| {
        s.contents().contains(&format!("┌ #{next}"))
    });
    term.send("s");
    term.wait_for(&format!("#{next} saved: stale"));
    let mut now = vec![ok, (next, "stale".to_string())];
    now.sort();
    assert_eq!(reviews_on(&server.url), now);
    term.send("<C-c>");
    assert!(term.wait_exit().success());
    assert!(journal(&desk).is_empty());
}

/// A verdict given once the link is known lost is never sent: its undo takes it out of the
/// journal (the file gone at once, synced), and nothing of it ever reaches the server, even
/// with the reviewer killed before the link comes back.
#[test]
fn a_verdict_never_sent_and_undone_leaves_the_journal_and_nothing_is_replayed() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = proxy.url(&server.url);
    let mut term = reviewer(&desk, &url);
    let first = card_id(&term.screen());
    proxy.stall();
    // A checklist answer: its draft is sent at the next pause and never answered.
    term.send("1");
    term.wait_for("no connection to the server");
    term.send("a");
    term.wait_for(&format!("#{first} kept on this machine"));
    assert_eq!(journal(&desk).len(), 1);
    term.send("u");
    term.wait_for(&format!("verdict on #{first} withdrawn"));
    assert_eq!(journal(&desk), Vec::<PathBuf>::new(), "gone at once");
    term.kill();
    proxy.resume();
    let err = stats_on(&desk, &url);
    assert!(!err.contains("saved"), "{err}");
    assert_eq!(every_review_on(&server.url), []);
}

/// An undo once the journal's verdict is on the server (the link came back meanwhile) goes to
/// the server, as any undo does.
#[test]
fn an_undo_after_the_link_came_back_withdraws_the_verdict_on_the_server() {
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
    proxy.reset();
    proxy.resume();
    // Back, then the kept verdict written (see above): the second says it is on the server.
    term.wait_for("1 verdict kept on this machine is written");
    assert_eq!(
        reviews_on(&server.url),
        [(first.clone(), "dead".to_string())]
    );
    assert!(journal(&desk).is_empty());
    term.send("u");
    term.wait_for(&format!("verdict on #{first} withdrawn"));
    assert_eq!(reviews_on(&server.url), []);
    assert_eq!(
        every_review_on(&server.url),
        [(first, "dead".to_string(), true)]
    );
    term.send("<C-c>");
    assert!(term.wait_exit().success());
}

/// The tester's F-h: the link drops and the reviewer's reconnect stalls in its handshake (the
/// connection taken and never answered, as over a link that hung again). The attempt is given
/// up at the connect deadline (here the URL's two seconds) and made anew, so the reviewer is
/// back within about that once the server answers.
#[test]
fn a_reconnect_stalled_in_its_handshake_is_given_up_at_the_connect_deadline() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = format!("{}?connect_timeout=2", proxy.url(&server.url));
    let (mut term, first, next) = reviewer_writing(&desk, &url);
    proxy.swallow_new();
    proxy.reset();
    term.send("s");
    term.wait_for(&format!("#{next} kept on this machine"));
    // The reconnect's handshake is under way and will never be answered.
    std::thread::sleep(std::time::Duration::from_millis(500));
    proxy.answer_new();
    let answered = std::time::Instant::now();
    term.wait_for_within(
        "connection to the server is back: 1 verdict",
        std::time::Duration::from_secs(8),
    );
    assert!(
        answered.elapsed() < std::time::Duration::from_secs(5),
        "back within the connect deadline and a retry: {:?}",
        answered.elapsed()
    );
    let mut both = vec![(first, "ok".to_string()), (next, "stale".to_string())];
    both.sort();
    assert_eq!(reviews_on(&server.url), both);
    term.send("<C-c>");
    assert!(term.wait_exit().success());
}

/// `okk … ARGS` in `lang` with a link that hangs mid-command (the kernel takes the bytes,
/// nothing answers) once okk sends `stall_on`: what it said, its exit code and how long it took.
fn on_a_hung_link(
    desk: &Desk,
    server: &ServerDb,
    lang: &str,
    stall_on: &[u8],
    args: &[&str],
) -> (String, Option<i32>, f64) {
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = format!("{}?connect_timeout=2", proxy.url(&server.url));
    proxy.stall_on(stall_on);
    let started = std::time::Instant::now();
    let out = desk
        .okk_bare()
        .args(["--lang", lang, "--db", &url, "--funnel"])
        .arg(funnel_path())
        .args(["--today", TODAY])
        .args(args)
        .env("OKK_LINK_WAIT_MS", "500")
        .timeout(HUNG)
        .output()
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code(),
        took,
    )
}

/// The stats' read of the cards, after the connection is made and the schema checked.
const STATS_READ: &[u8] = b"FROM cards c LEFT JOIN standings s ON s.card_id = c.id";

/// The tester's F-i: a command on a link that hangs ends by itself: no byte for the link's
/// wait (twice `OKK_LINK_WAIT_MS`) and no new connection answered within the connect deadline,
/// and it says so in the reader's language, with exit code 1 — one that says its error as its
/// own text too (an import names its file).
#[test]
fn a_command_on_a_link_that_hangs_ends_with_a_clear_message_and_exit_code_1() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let stats = ["stats", "--json"];
    let (err, code, took) = on_a_hung_link(&desk, &server, "en", STATS_READ, &stats);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("no answer from the server"), "{err}");
    assert!(err.contains("run the command again"), "{err}");
    assert!(
        took < 8.0,
        "it gave up after a second's silence and a probe: {took} s"
    );
    let (err, code, _) = on_a_hung_link(&desk, &server, "ru", STATS_READ, &stats);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("нет ответа от сервера"), "{err}");
    let demo = repo().join("assets/demo/amocrm_deals.csv");
    let import = ["import", demo.to_str().unwrap()];
    let (err, code, _) =
        on_a_hung_link(&desk, &server, "en", b"INSERT INTO import_batches", &import);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("amocrm_deals.csv") && err.contains("no answer from the server"),
        "{err}"
    );
}

/// Longer than any command here takes on a live link: past it, it waits on a hung one.
const HUNG: std::time::Duration = std::time::Duration::from_secs(30);

const TOKEN_ENV: &str = "OKK_TEST_AMO_TOKEN";

/// The cards on the server: how many, and how many distinct deals.
fn cards_on(url: &str) -> (i64, i64) {
    let mut c = postgres::Client::connect(url, postgres::NoTls).unwrap();
    let r = c
        .query_one(
            "SELECT count(*), count(DISTINCT external_id) FROM cards",
            &[],
        )
        .unwrap();
    (r.get(0), r.get(1))
}

/// `okk sync --json` onto `url` from the fake CRM `config` names, the link's wait a second
/// (`OKK_LINK_WAIT_MS`): its exit code, stdout and stderr.
fn sync_through(desk: &Desk, url: &str, config: &std::path::Path) -> (Option<i32>, String, String) {
    let out = desk
        .okk_bare()
        .args(["--db", url, "--funnel"])
        .arg(funnel_path())
        .arg("--config")
        .arg(config)
        .env(TOKEN_ENV, fake::TOKEN)
        .env("OKK_SYNC_RATE", "0")
        .env("OKK_LINK_WAIT_MS", "500")
        .args(["--today", TODAY, "sync", "--json"])
        .timeout(HUNG)
        .output()
        .expect("okk sync ended by itself");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The tester's F-i for `okk sync`: the link hangs as the sync's second group begins (its
/// first committed, with its cursor). The sync ends by itself, exit code 1, saying that what
/// landed is kept and how to resume; the next sync goes on from there, no deal lost or doubled.
#[test]
fn a_sync_on_a_link_that_hangs_ends_and_the_next_resumes_from_what_landed() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let mut state = fake::State::with_deals(2000);
    state.faults.page_delay = std::time::Duration::from_millis(250);
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, TOKEN_ENV);
    succeeded(desk.okk_bare().args(["--db", &server.url, "db", "roles"]));
    let proxy = StallProxy::start(&upstream(&server.url));
    let url = format!("{}?connect_timeout=2", proxy.url(&server.url));
    // Each group of pages is one transaction under the sync's lock: the second's.
    proxy.stall_on_nth(b"pg_advisory_xact_lock(hashtext('okk sync'))", 2);
    let (code, out, err) = sync_through(&desk, &url, &config);
    assert_eq!(code, Some(1), "{err}");
    let said = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        said.contains("main: no answer from the server")
            && said.contains("what landed is kept: once the server answers, run `okk --config")
            && said.contains("sync` again to resume"),
        "{err}"
    );
    let line: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(line["connection"], "main", "{out}");
    // The group under way rolls back with its session once the server sees the link go.
    proxy.reset();
    proxy.resume();
    let (landed, distinct) = cards_on(&server.url);
    assert!(
        landed > 0 && landed < 2000 && landed == distinct,
        "{landed} cards"
    );
    crm.with(|s| s.faults.page_delay = std::time::Duration::ZERO);
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let (code, out, err) = loop {
        let (code, out, err) = sync_through(&desk, &url, &config);
        // The cut session's hold on the connection ends when the server sees it go.
        if code == Some(0) || !err.contains("another okk") || std::time::Instant::now() > until {
            break (code, out, err);
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    };
    assert_eq!(code, Some(0), "{err}");
    let report: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["inserted"].as_u64().unwrap() as i64, 2000 - landed);
    assert_eq!(cards_on(&server.url), (2000, 2000));
}

/// A server at work is no dead link: an import that waits for another's lock longer than the
/// link's wait gets no byte meanwhile, yet the server takes a new connection each time it is
/// asked, and the import goes on once the lock is free.
#[test]
fn a_command_waiting_on_a_busy_server_is_not_taken_for_a_dead_link() {
    let Some(server) = ServerDb::new() else {
        return;
    };
    let desk = demo_on(&server);
    let mut holder = postgres::Client::connect(&server.url, postgres::NoTls).unwrap();
    holder
        .execute("SELECT pg_advisory_lock(hashtext('okk sync'))", &[])
        .unwrap();
    let held = std::time::Duration::from_secs(4);
    let release = std::thread::spawn(move || {
        std::thread::sleep(held);
        holder
            .execute("SELECT pg_advisory_unlock(hashtext('okk sync'))", &[])
            .unwrap();
    });
    let demo = repo().join("assets/demo/amocrm_deals.csv");
    let started = std::time::Instant::now();
    let out = desk
        .okk_bare()
        .args(["--db", &server.url, "--funnel"])
        .arg(funnel_path())
        .args(["--today", TODAY, "import", "--json"])
        .arg(&demo)
        .env("OKK_LINK_WAIT_MS", "300")
        .output()
        .unwrap();
    release.join().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(started.elapsed() >= held, "it waited for the lock");
}
