//! A verdict given while another process holds the store's write lock (a long import): the
//! reviewer does not freeze. It says what it waits for, keeps the card on screen, keeps the
//! verdict in the pending journal, and writes it the moment the lock frees; a reviewer killed
//! meanwhile loses nothing (the next okk writes it).

mod common;
mod pty;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::reviewer::{press, shown_card};
use common::{Desk, funnel_path, path_arg};
use okk::store::Store;
use okk::store::writer::{Writer, WriterNote};
use okk::tui::state::{State, Status};
use okk::tui::update::tick;
use pty::{Spawn, card_id};
use rusqlite::Connection;

const MET: &str = "Встреча проведена";

/// Another process's long write: the store's write lock held by a second connection (as an
/// import's transaction holds it), and the note an import leaves beside the store.
struct LongWrite {
    conn: Connection,
    _note: Option<WriterNote>,
}

fn hold_write_lock(db: &Path, note: Option<Writer>) -> LongWrite {
    let conn = Connection::open(db).unwrap();
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    LongWrite {
        conn,
        _note: note.and_then(|w| WriterNote::hold(db, w)),
    }
}

impl LongWrite {
    fn end(self) {
        self.conn.execute_batch("COMMIT").unwrap();
    }
}

fn journal_files(db: &Path) -> Vec<PathBuf> {
    let name = db.file_name().unwrap().to_str().unwrap().to_string();
    std::fs::read_dir(db.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_str().unwrap();
            n.starts_with(&format!("{name}-pending-")) && n.ends_with(".json")
        })
        .collect()
}

fn open_stage(desk: &Desk, who: &str) -> (State, okk::tui::desk::Desk) {
    common::reviewer::open_at_stage(&desk.db, who, MET)
}

fn status(state: &State) -> String {
    match &state.shared.status {
        Some(Status::Info(s) | Status::Error(s)) => s.clone(),
        None => String::new(),
    }
}

#[test]
fn a_verdict_during_an_import_waits_without_freezing_and_lands_when_the_lock_frees() {
    let desk = Desk::demo();
    let (mut state, mut d) = open_stage(&desk, "anna");
    let first = shown_card(&state);
    let import = hold_write_lock(&desk.db, Some(Writer::Import));

    let t = Instant::now();
    press(&mut state, &mut d, "a");
    // The key came back at once (a short wait, not SQLite's ten seconds).
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(
        shown_card(&state),
        first,
        "the card stays until its verdict is saved"
    );
    assert!(
        status(&state).contains("saving… (store busy: import running)"),
        "{}",
        status(&state)
    );
    assert_eq!(
        journal_files(&desk.db).len(),
        1,
        "the verdict is kept durably meanwhile"
    );
    assert!(desk.current_reviews().is_empty());

    // Keys that would leave the card, or judge it again, wait; looking around does not.
    press(&mut state, &mut d, "<space>psxj?");
    assert_eq!(shown_card(&state), first);
    assert!(state.popup.is_some(), "help opens while saving");
    press(&mut state, &mut d, "<esc>");
    assert!(state.popup.is_none());
    assert!(status(&state).contains("saving…"), "{}", status(&state));
    tick(&mut state, &mut d);
    assert_eq!(shown_card(&state), first, "still busy");

    import.end();
    tick(&mut state, &mut d);
    assert_ne!(
        shown_card(&state),
        first,
        "the next card shows once the verdict is in"
    );
    assert!(
        status(&state).contains(&format!("#{first} saved: ok")),
        "{}",
        status(&state)
    );
    assert!(
        journal_files(&desk.db).is_empty(),
        "the journal is done with"
    );
    let reviews = desk.current_reviews();
    assert_eq!(reviews, [(first.clone(), "anna".into(), "ok".into())]);
    // Undo takes back the verdict that waited, like any other.
    press(&mut state, &mut d, "u");
    assert_eq!(shown_card(&state), first);
    assert!(desk.current_reviews().is_empty());
}

#[test]
fn without_a_note_the_status_says_another_program_holds_the_store() {
    let desk = Desk::demo();
    let (mut state, mut d) = open_stage(&desk, "anna");
    let lock = hold_write_lock(&desk.db, None);
    press(&mut state, &mut d, "a");
    assert!(
        status(&state).contains("store busy: another program is writing to it"),
        "{}",
        status(&state)
    );
    lock.end();
    tick(&mut state, &mut d);
    assert_eq!(desk.current_reviews().len(), 1);
}

/// The reviewer dies (its state and desk gone without a word, as on kill -9) while its verdict
/// waits: the next okk to open the store writes it, once, and a verdict given since on the same
/// card stays the current one.
#[test]
fn a_waiting_verdict_survives_the_reviewer_and_is_written_once_by_the_next_okk() {
    let desk = Desk::demo();
    let (mut state, mut d) = open_stage(&desk, "anna");
    let first = shown_card(&state);
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    press(&mut state, &mut d, "d");
    assert!(status(&state).contains("saving…"));
    // What kill -9 leaves: the journal file, its lock gone with the process.
    let journal = journal_files(&desk.db);
    drop((state, d));
    assert_eq!(journal_files(&desk.db), journal);
    import.end();

    let mut store = Store::open(&desk.db).unwrap();
    let replayed = store.replay_pending().unwrap();
    assert_eq!((replayed.saved, replayed.waiting), (1, 0));
    assert!(journal_files(&desk.db).is_empty());
    assert_eq!(
        desk.current_reviews(),
        [(first.clone(), "anna".into(), "dead".into())]
    );
    assert_eq!(store.replay_pending().unwrap().saved, 0);

    // A verdict left waiting and replayed only after the auditor judged the card again: the
    // later verdict stays current.
    let (mut state, mut d) = open_stage(&desk, "boris");
    let card = shown_card(&state);
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    press(&mut state, &mut d, "s");
    let journal = journal_files(&desk.db);
    let kept = std::fs::read(&journal[0]).unwrap();
    drop((state, d));
    std::fs::remove_file(&journal[0]).unwrap();
    import.end();
    let (mut state, mut d) = open_stage(&desk, "boris");
    assert_eq!(shown_card(&state), card);
    // The clock moves on (the demo's is frozen): the new verdict is a second later.
    press(&mut state, &mut d, "a");
    drop((state, d));
    let store_conn = desk.conn();
    store_conn
        .execute(
            "UPDATE reviews SET created_at = '2099-01-01 00:00:00' WHERE auditor = 'boris'",
            [],
        )
        .unwrap();
    std::fs::write(&journal[0], kept).unwrap();
    assert_eq!(store.replay_pending().unwrap().saved, 1);
    let boris: Vec<_> = desk
        .current_reviews()
        .into_iter()
        .filter(|r| r.1 == "boris")
        .collect();
    assert_eq!(boris, [(card, "boris".into(), "ok".into())]);
    assert_eq!(
        desk.count("SELECT count(*) FROM reviews WHERE auditor = 'boris'"),
        2,
        "the late verdict is kept, in the history"
    );
}

// ---- the real binary in a terminal ------------------------------------------------------------

/// `okk review --stage MET --auditor anna` on the desk's store.
/// tester36 F4: a verdict left waiting by a reviewer that was stopped, written by the next okk
/// after a sync or an import changed its card: the next okk names the card and says it changed
/// since the verdict (which stands, ↻ in the queue), not only «saved 1 verdict».
#[test]
fn a_waiting_verdict_written_after_its_card_changed_is_named_as_changed_since() {
    let desk = Desk::demo();
    let (mut state, mut d) = open_stage(&desk, "anna");
    let first = shown_card(&state);
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    press(&mut state, &mut d, "d");
    drop((state, d));
    import.end();
    // The CRM changes the card before any okk writes the verdict (the journal's file set aside
    // while the import runs: an import writes what waits first).
    let journal = journal_files(&desk.db);
    assert_eq!(journal.len(), 1);
    let aside = desk.dir.path().join("aside.json");
    std::fs::rename(&journal[0], &aside).unwrap();
    desk.changed_in_the_crm(&[(&first, &[("Бюджет", "9990000")])]);
    std::fs::rename(&aside, &journal[0]).unwrap();
    let out = desk
        .okk()
        .args(["--lang", "en", "queue", "--stage", MET, "--auditor", "anna"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        said.contains(&format!(
            "okk: #{first}: the card has changed in the CRM since the verdict saved now was \
             given: the verdict stands, marked ↻ in the queue; look at the card again"
        )),
        "{said}"
    );
    assert_eq!(
        desk.current_reviews(),
        [(first.clone(), "anna".into(), "dead".into())]
    );
    // A verdict written on the card as it still is says nothing more.
    let (mut state, mut d) = open_stage(&desk, "boris");
    let card = shown_card(&state);
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    press(&mut state, &mut d, "a");
    drop((state, d));
    import.end();
    let out = desk
        .okk()
        .args([
            "--lang",
            "en",
            "queue",
            "--stage",
            MET,
            "--auditor",
            "boris",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(said.contains("saved 1 verdict"), "{card}: {said}");
    assert!(!said.contains("changed in the CRM"), "{said}");
}

fn review_args(desk: &Desk) -> Vec<String> {
    desk.okk_args(&["review", "--stage", MET, "--auditor", "anna"])
}

fn review(desk: &Desk) -> pty::Term {
    let term = Spawn::new(&review_args(desk), 120, 40).start(desk.dir.path());
    term.wait_for("┌ #");
    term
}

/// ctrl-c: out at once, from any screen.
fn quit(term: &mut pty::Term) {
    term.send("<C-c>");
    assert!(term.wait_exit().success());
}

#[test]
fn in_a_terminal_the_screen_draws_on_while_an_import_holds_the_store() {
    let desk = Desk::demo();
    let mut term = review(&desk);
    let first = card_id(&term.screen());
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    term.send("a");
    term.wait_for("saving… (store busy: import running)");
    // The loop is alive: help opens and closes, the card is still the same.
    term.send("?");
    term.wait_for("verdict ok");
    term.send("<esc>");
    let screen = term.wait_for("saving…");
    assert_eq!(card_id(&screen), first);
    assert!(desk.current_reviews().is_empty());
    import.end();
    term.wait_for(&format!("#{first} saved: ok"));
    assert_ne!(card_id(&term.screen()), first);
    assert_eq!(
        desk.current_reviews(),
        [(first, "anna".into(), "ok".into())]
    );
    quit(&mut term);
}

#[test]
fn in_a_terminal_kill_9_while_saving_loses_nothing() {
    let desk = Desk::demo();
    let mut term = review(&desk);
    let first = card_id(&term.screen());
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    term.send("i");
    term.wait_for("saving… (store busy: import running)");
    term.kill();
    import.end();
    assert!(desk.current_reviews().is_empty());
    // The next okk, whatever the command, writes the verdict first.
    let out = desk.okk().args(["stats", "--json"]).output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("saved 1 verdict"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        desk.current_reviews(),
        [(first.clone(), "anna".into(), "unclear".into())]
    );
    let mut term = review(&desk);
    assert_ne!(
        card_id(&term.screen()),
        first,
        "the judged card left the queue"
    );
    quit(&mut term);
}

/// The issue's own story, measured (not a pass/fail test: `cargo test --test tui_busy --
/// --ignored --nocapture`): a real `okk import` of 300,000 generated rows runs while the
/// auditor gives a verdict and looks at help; every key's time from arrival to its frame drawn
/// (the app's `OKK_TIMINGS`) is printed, with how long the verdict waited for the import.
#[test]
#[ignore = "a measurement: generates 300,000 rows and imports them (minutes in a debug build)"]
fn measure_keys_while_a_300k_row_import_holds_the_store() {
    let rows = std::env::var("OKK_MEASURE_ROWS").unwrap_or_else(|_| "300000".into());
    let desk = Desk::demo();
    let csv = desk.dir.path().join("big.csv");
    let gen_ok = std::process::Command::new("python3")
        .arg(common::repo().join("bench/gen_rows.py"))
        .arg(&rows)
        .arg(&csv)
        .status()
        .unwrap()
        .success();
    assert!(gen_ok, "bench/gen_rows.py failed");
    let timings = desk.dir.path().join("timings.json");
    let mut term = Spawn::new(&review_args(&desk), 120, 40)
        .env("OKK_TIMINGS", path_arg(&timings))
        .start(desk.dir.path());
    term.wait_for("┌ #");
    let first = card_id(&term.screen());

    let started = Instant::now();
    let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_okk"))
        .args([
            "--db",
            &path_arg(&desk.db),
            "--funnel",
            &path_arg(&funnel_path()),
        ])
        .args(["import", "--json", &path_arg(&csv)])
        .env("HOME", desk.dir.path())
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Into the import's transaction: its note is there and the store refuses a writer.
    let probe = Connection::open(&desk.db).unwrap();
    probe.busy_timeout(Duration::ZERO).unwrap();
    loop {
        if probe.execute_batch("BEGIN IMMEDIATE; ROLLBACK").is_err() {
            break;
        }
        assert!(
            import.try_wait().unwrap().is_none(),
            "the import ended first"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let pressed = Instant::now();
    term.send("a");
    let screen = term.wait_for("saving…");
    let status_line = screen
        .lines()
        .rev()
        .nth(1)
        .unwrap_or_default()
        .trim()
        .to_string();
    // Look around while it waits: help, scrolling.
    for k in ["?", "<esc>", "j", "k", "?", "<esc>"] {
        std::thread::sleep(Duration::from_millis(300));
        term.send(k);
    }
    term.wait_for_within(&format!("#{first} saved: ok"), Duration::from_secs(1800));
    let waited = pressed.elapsed();
    let import_ok = import.wait().unwrap().success();
    let import_s = started.elapsed();
    term.send("<C-c>");
    term.wait_exit();
    let t: serde_json::Value = serde_json::from_slice(&std::fs::read(&timings).unwrap()).unwrap();
    let keys_ms: Vec<f64> = t["keys_ms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    println!(
        "{rows} rows: import {:.1} s (ok: {import_ok}); the verdict waited {:.1} s; status: «{status_line}»",
        import_s.as_secs_f64(),
        waited.as_secs_f64()
    );
    println!(
        "key to frame, ms: {:?} (max {:.0})",
        keys_ms.iter().map(|m| m.round()).collect::<Vec<_>>(),
        keys_ms.iter().cloned().fold(0.0, f64::max)
    );
    assert_eq!(desk.current_reviews().len(), 1);
}

#[test]
fn in_a_terminal_quitting_while_saving_says_where_the_verdict_is_kept() {
    let desk = Desk::demo();
    let mut term = review(&desk);
    let first = card_id(&term.screen());
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    term.send("s");
    term.wait_for("saving…");
    quit(&mut term);
    let said = term.screen();
    assert!(
        said.contains("one verdict waits for the store") && said.contains("-pending-"),
        "{said}"
    );
    assert_eq!(journal_files(&desk.db).len(), 1);
    import.end();
    let mut term = review(&desk);
    assert_ne!(
        card_id(&term.screen()),
        first,
        "written before the queue was read"
    );
    assert_eq!(
        desk.current_reviews(),
        [(first, "anna".into(), "stale".into())]
    );
    assert!(journal_files(&desk.db).is_empty());
    quit(&mut term);
}

#[test]
fn undo_while_the_store_is_busy_says_what_holds_it_and_works_when_pressed_again() {
    let desk = Desk::demo();
    let (mut state, mut d) = open_stage(&desk, "anna");
    let first = shown_card(&state);
    press(&mut state, &mut d, "a");
    assert_eq!(desk.current_reviews().len(), 1);
    let second = shown_card(&state);
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    let t = Instant::now();
    press(&mut state, &mut d, "u");
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(
        status(&state),
        "not saved: store busy (import running); press the key again when it is done"
    );
    assert_eq!(shown_card(&state), second);
    assert_eq!(desk.current_reviews().len(), 1);
    import.end();
    press(&mut state, &mut d, "u");
    assert_eq!(shown_card(&state), first);
    assert!(desk.current_reviews().is_empty());
}

/// ctrl-c while a comment is typed and the store is busy: the draft cannot be kept, so the first
/// ctrl-c says so and the second leaves; the reviewer never holds the auditor in.
#[test]
fn quitting_with_an_unsaved_comment_while_the_store_is_busy_asks_once() {
    let desk = Desk::demo();
    let (mut state, mut d) = open_stage(&desk, "anna");
    press(&mut state, &mut d, "c");
    press(&mut state, &mut d, "перезвонить");
    let import = hold_write_lock(&desk.db, Some(Writer::Import));
    press(&mut state, &mut d, "<C-c>");
    assert!(!state.shared.quit);
    assert!(
        status(&state).contains("store busy (import running); quit again"),
        "{}",
        status(&state)
    );
    press(&mut state, &mut d, "<C-c>");
    assert!(state.shared.quit);
    import.end();
}
