//! Reviewer benchmark: the release binary in a pseudo-terminal (120×40) on the store the import
//! benchmark leaves behind, driven by a scripted session of 345 keys.
//!
//!   bench/import.sh 1000000
//!   target/release/okk --db bench/out/okk.db --funnel assets/funnel.toml check > /dev/null
//!   cargo bench --bench tui
//!
//! Works on a copy of the store (the import benchmark's stays as it was). The app measures
//! itself (`OKK_TIMINGS`): start to the first card drawn, start to the first frame, and each
//! key from its arrival to its frame drawn. The benchmark waits for each key's frame on the
//! emulated screen (vt100; frames are counted by the cursor-hide that ends each) and, where the
//! key has a visible outcome, for that outcome, before sending the next key after a short pause,
//! as a fast auditor would. Peak memory is the child's VmHWM, read from /proc just before it
//! quits. Last, one start the morning after (the rules last ran yesterday).
//!
//! Environment: OKK_BENCH_DB (the store, default bench/out/okk.db), OKK_BENCH_STARTS (start-up
//! runs of each kind, default 5), OKK_BENCH_THINK_MS (pause between keys, default 20),
//! OKK_BENCH_SCREEN=1 (print the screen after each key), OKK_BENCH_DAY_START=0 (skip the start
//! that runs the day's rules first), OKK_BENCH_BIN (another okk binary, default the one built
//! with the bench: a build before a change and one after, run in turn on a busy machine).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 120;
/// The big stage the session starts in (~128k of the 1M cards).
const STAGE: &str = "Встреча проведена";
/// The stage the session moves to from the funnel screen.
const OTHER_STAGE: &str = "Договор";
const AUDITOR: &str = "bench";
/// On the card screen only (the checklist's title).
const CARD_MARK: &str = "Checklist";
/// The help overlay's title.
const HELP_TITLE: &str = "Keys";
/// A key's effect that does not show within this long is a broken script, not a slow app.
const KEY_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug, Default, serde::Deserialize)]
struct Timings {
    first_frame_ms: Option<f64>,
    first_card_ms: Option<f64>,
    keys_ms: Vec<f64>,
    #[serde(default)]
    update_ms: Vec<f64>,
}

/// Every frame the app draws ends by hiding the cursor (ratatui hides it after flushing the
/// frame's cells when no cursor position is set, as in okk): frames are counted by it.
const FRAME_END: &[u8] = b"\x1b[?25l";

/// What the pty has sent so far, as a screen, and how many frames.
struct Screen {
    parser: vt100::Parser,
    frames: u64,
    /// The last bytes read, for a FRAME_END split across two reads.
    tail: Vec<u8>,
    eof: bool,
}

impl Screen {
    fn feed(&mut self, bytes: &[u8]) {
        self.parser.process(bytes);
        let mut hay = std::mem::take(&mut self.tail);
        hay.extend_from_slice(bytes);
        self.frames += hay
            .windows(FRAME_END.len())
            .filter(|w| *w == FRAME_END)
            .count() as u64;
        // Shorter than FRAME_END: a match is never counted twice.
        self.tail = hay[hay.len().saturating_sub(FRAME_END.len() - 1)..].to_vec();
    }
}

/// The app running in a pseudo-terminal.
struct Term {
    shared: Arc<(Mutex<Screen>, Condvar)>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    pid: u32,
    spawned: Instant,
    _master: Box<dyn MasterPty + Send>,
}

impl Term {
    fn spawn(bin: &Path, args: &[String], timings: &Path) -> Term {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(bin);
        cmd.args(args);
        cmd.env("TERM", "xterm-256color");
        cmd.env("OKK_TIMINGS", timings);
        cmd.env_remove("NO_COLOR");
        let spawned = Instant::now();
        let child = pty.slave.spawn_command(cmd).expect("spawn okk");
        drop(pty.slave);
        let pid = child.process_id().expect("child pid");
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let shared = Arc::new((
            Mutex::new(Screen {
                parser: vt100::Parser::new(nonzero(ROWS), nonzero(COLS), 0),
                frames: 0,
                tail: Vec::new(),
                eof: false,
            }),
            Condvar::new(),
        ));
        let feed = shared.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let (lock, cv) = &*feed;
                let mut s = lock.lock().expect("screen lock");
                if n == 0 {
                    s.eof = true;
                    cv.notify_all();
                    return;
                }
                s.feed(&buf[..n]);
                cv.notify_all();
            }
        });
        Term {
            shared,
            writer,
            child,
            pid,
            spawned,
            _master: pty.master,
        }
    }

    fn text(&self) -> String {
        self.shared
            .0
            .lock()
            .expect("lock")
            .parser
            .screen()
            .contents()
    }

    fn frames(&self) -> u64 {
        self.shared.0.lock().expect("lock").frames
    }

    /// Waits until `done` holds for the screen and its frame count; false on timeout or when
    /// the app has exited.
    fn wait_for(&self, timeout: Duration, done: impl Fn(&vt100::Screen, u64) -> bool) -> bool {
        let (lock, cv) = &*self.shared;
        let until = Instant::now() + timeout;
        let mut s = lock.lock().expect("lock");
        loop {
            if done(s.parser.screen(), s.frames) {
                return true;
            }
            let now = Instant::now();
            if s.eof || now >= until {
                return false;
            }
            s = cv.wait_timeout(s, until - now).expect("lock").0;
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Peak resident memory so far, in MB (VmHWM).
    fn peak_rss_mb(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid))
            .expect("read /proc/PID/status");
        let kb: f64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kb / 1024.0
    }

    /// Sends the last key and waits for the app to exit.
    fn quit_with(mut self, bytes: &[u8]) {
        self.send(bytes);
        let until = Instant::now() + KEY_TIMEOUT;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    assert!(status.success(), "okk exited with {status:?}");
                    return;
                }
                Ok(None) if Instant::now() < until => std::thread::sleep(Duration::from_millis(5)),
                _ => {
                    let _ = self.child.kill();
                    panic!("okk did not quit:\n{}", self.text());
                }
            }
        }
    }
}

fn nonzero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a screen dimension")
}

fn read_timings(path: &Path) -> Timings {
    let text = std::fs::read(path).expect("OKK_TIMINGS file written on exit");
    serde_json::from_slice(&text).expect("timings JSON")
}

/// What a step waits for after sending its key (always a new frame: one is drawn per key).
enum Expect {
    /// The key's frame (the screen may look the same: scrolling a card that fits).
    Frame,
    /// The key's frame, showing this text.
    Text(&'static str),
}

struct Step {
    bytes: Vec<u8>,
    label: String,
    expect: Expect,
}

/// The scripted session's keys, in order.
struct Script(Vec<Step>);

impl Script {
    fn key(&mut self, key: &str, expect: Expect) -> &mut Self {
        let bytes = match key {
            "enter" => b"\r".to_vec(),
            "esc" => b"\x1b".to_vec(),
            "space" => b" ".to_vec(),
            k => k.as_bytes().to_vec(),
        };
        self.0.push(Step {
            bytes,
            label: key.to_string(),
            expect,
        });
        self
    }

    fn k(&mut self, key: &str) -> &mut Self {
        self.key(key, Expect::Frame)
    }

    fn t(&mut self, key: &str, text: &'static str) -> &mut Self {
        self.key(key, Expect::Text(text))
    }

    /// Types text one character at a time.
    fn typed(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.k(&c.to_string());
        }
        self
    }
}

// Texts that say the script is where it thinks it is.
const SAVED: &str = " saved: ";
const PICK_STAGE: &str = "Move to stage";
const PICK_OWNER: &str = "Hand to owner";
const PICK_FIELD: &str = "Correct field";
const COMMENT: &str = "Comment (enter saves";
const WITHDRAWN: &str = "withdrawn";
const QUEUE: &str = "Idle";
const FUNNEL: &str = "To review";
const FILTER: &str = "filter: ";

/// The session: reviewing cards of a big stage with every kind of key, the queue with a text
/// filter, back to the funnel and into another stage.
fn script() -> Script {
    let mut s = Script(Vec::new());
    // Twelve rounds on the card screen, each ending on a verdict that shows the next card.
    for round in 0..12 {
        s.k("j").k("j").k("k"); // scroll the card
        s.k("1").k("2").k("3"); // checklist items
        match round % 6 {
            0 => {
                s.t("c", COMMENT)
                    .typed("Клиент не отвечает, перезвонить")
                    .k("enter");
                s.t("a", SAVED);
            }
            1 => {
                // Wrong stage: the picker, filtered; choosing saves the verdict.
                s.t("x", PICK_STAGE).typed("дог").t("enter", SAVED);
            }
            2 => {
                // Owner suggestion, then a field correction.
                s.t("r", PICK_OWNER).typed("поп").t("enter", "Попова");
                s.t("e", PICK_FIELD)
                    .typed("pho")
                    .k("enter")
                    .typed(" 12")
                    .k("enter");
                s.t("s", SAVED);
            }
            3 => {
                // Skip, back, an item, unclear.
                s.k("space").k("p").k("4").t("i", SAVED);
            }
            4 => {
                // Dead, undo, an item, ok.
                s.t("d", SAVED).t("u", WITHDRAWN).k("5").t("a", SAVED);
            }
            _ => {
                s.t("?", HELP_TITLE).k("esc");
                s.k("J").k("g").t("a", SAVED);
            }
        }
    }
    // The queue: move, filter by owner, open a card, clear the filter.
    s.t("q", QUEUE);
    for _ in 0..8 {
        s.k("j");
    }
    s.k("k").k("k").k("J").k("g");
    s.t("/", FILTER).typed("смирн").k("enter");
    s.k("j")
        .k("j")
        .t("enter", CARD_MARK)
        .k("1")
        .t("a", SAVED)
        .t("q", QUEUE);
    s.k("esc"); // clear the filter: the whole queue again
    s.t("enter", CARD_MARK).k("2").t("a", SAVED).t("s", SAVED);
    // Back to the funnel, into another stage.
    s.t("q", QUEUE).t("q", FUNNEL);
    s.k("j").k("j").k("k").k("j").k("j"); // three rows down: «Договор»
    s.t("enter", OTHER_STAGE);
    s.k("j").k("j").t("enter", CARD_MARK);
    for round in 0..10 {
        s.k("j").k("1").k("2");
        match round % 3 {
            0 => s.t("a", SAVED),
            1 => s
                .t("c", COMMENT)
                .typed("Нет договора")
                .k("enter")
                .t("s", SAVED),
            _ => s.t("x", PICK_STAGE).typed("усп").t("enter", SAVED),
        };
    }
    s.t("q", QUEUE).t("q", FUNNEL);
    s
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    percentile(v, 50.0)
}

fn max(v: &[f64]) -> f64 {
    v.iter().copied().fold(f64::NAN, f64::max)
}

struct Env {
    bin: PathBuf,
    db: PathBuf,
    funnel: PathBuf,
    dir: PathBuf,
}

impl Env {
    /// okk's arguments: this store, the funnel, no user config; then `extra`.
    fn args(&self, extra: &[&str]) -> Vec<String> {
        let path = |p: &Path| p.to_str().expect("a UTF-8 path").to_string();
        let mut a = vec![
            "--db".to_string(),
            path(&self.db),
            "--funnel".into(),
            path(&self.funnel),
            "--config".into(),
            path(&self.dir.join("config.toml")),
        ];
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    }
}

/// Start-up runs: start, wait for `ready` on screen, read memory, quit at once (ctrl-c).
fn starts(env: &Env, extra: &[&str], ready: &str, runs: usize) -> (Vec<Timings>, Vec<f64>, f64) {
    let mut out = Vec::new();
    let mut walls = Vec::new();
    let mut rss: f64 = 0.0;
    for i in 0..runs {
        let timings = env.dir.join(format!("start-{i}.json"));
        let term = Term::spawn(&env.bin, &env.args(extra), &timings);
        let ok = term.wait_for(KEY_TIMEOUT, |s, frames| {
            frames > 0 && s.contents().contains(ready)
        });
        let wall = term.spawned.elapsed().as_secs_f64() * 1000.0;
        assert!(ok, "never showed «{ready}»:\n{}", term.text());
        rss = rss.max(term.peak_rss_mb());
        term.quit_with(b"\x03");
        out.push(read_timings(&timings));
        walls.push(wall);
    }
    (out, walls, rss)
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let db = std::env::var("OKK_BENCH_DB")
        .map(PathBuf::from)
        .unwrap_or_else(|_| root.join("bench/out/okk.db"));
    if !db.exists() {
        eprintln!(
            "tui bench: {} not found; run bench/import.sh first (see docs/benchmarks.md)",
            db.display()
        );
        return;
    }
    let env_num = |k: &str, d: u64| {
        std::env::var(k)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(d)
    };
    let runs = env_num("OKK_BENCH_STARTS", 5) as usize;
    let think = Duration::from_millis(env_num("OKK_BENCH_THINK_MS", 20));
    let show = std::env::var_os("OKK_BENCH_SCREEN").is_some();

    // Work on a copy: reviews are written durably and must not pile up in the original.
    let dir = tempfile::Builder::new()
        .prefix("okk-tui-bench-")
        .tempdir_in(db.parent().expect("db dir"))
        .expect("temp dir");
    let copy = dir.path().join("okk.db");
    let t = Instant::now();
    std::fs::copy(&db, &copy).expect("copy the store");
    // A log not yet checkpointed holds part of the store.
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    if wal.exists() {
        std::fs::copy(&wal, format!("{}-wal", copy.display())).expect("copy the log");
    }
    println!(
        "copied {} ({:.0} MB) in {:.1} s",
        db.display(),
        std::fs::metadata(&copy).map(|m| m.len()).unwrap_or(0) as f64 / 1e6,
        t.elapsed().as_secs_f64()
    );
    let env = Env {
        bin: std::env::var_os("OKK_BENCH_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_okk"))),
        db: copy,
        funnel: root.join("assets/funnel.toml"),
        dir: dir.path().to_path_buf(),
    };

    // The rules run once a day (and after imports): run them now, untimed, so that start-up
    // measures what an auditor meets on every start but the day's first.
    let t = Instant::now();
    let status = std::process::Command::new(&env.bin)
        .args(env.args(&["stats"]))
        .stdout(std::process::Stdio::null())
        .status()
        .expect("run okk stats");
    assert!(status.success(), "okk stats failed");
    println!(
        "okk stats (runs the rules if not yet run today): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    // The copy (and the rules' writes) leave a gigabyte of dirty pages: let the kernel write
    // them out now, not while the session's verdicts wait for their fsync.
    let t = Instant::now();
    let synced = std::process::Command::new("sync").status();
    println!(
        "sync: {:.1} s{}",
        t.elapsed().as_secs_f64(),
        if synced.is_ok_and(|s| s.success()) {
            ""
        } else {
            " (failed)"
        }
    );

    // Start-up straight on a card, and on the funnel screen.
    let stage_args = ["review", "--stage", STAGE, "--auditor", AUDITOR];
    let (card_starts, card_walls, card_rss) = starts(&env, &stage_args, CARD_MARK, runs);
    let funnel_args = ["review", "--auditor", AUDITOR];
    let (funnel_starts, funnel_walls, funnel_rss) = starts(&env, &funnel_args, STAGE, runs);

    // The session.
    let steps = script().0;
    let timings = env.dir.join("session.json");
    let mut term = Term::spawn(&env.bin, &env.args(&stage_args), &timings);
    assert!(
        term.wait_for(KEY_TIMEOUT, |s, frames| frames > 0
            && s.contents().contains(CARD_MARK)),
        "the first card never showed:\n{}",
        term.text()
    );
    let session = Instant::now();
    let mut sent = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        let before = term.frames();
        term.send(&step.bytes);
        let ok = term.wait_for(KEY_TIMEOUT, |s, frames| {
            frames > before
                && match step.expect {
                    Expect::Frame => true,
                    Expect::Text(t) => s.contents().contains(t),
                }
        });
        if !ok {
            let _ = term.child.kill();
            panic!(
                "step {i} (key «{}»): no frame{} within {KEY_TIMEOUT:?}:\n{}",
                step.label,
                match step.expect {
                    Expect::Text(t) => format!(" showing «{t}»"),
                    Expect::Frame => String::new(),
                },
                term.text()
            );
        }
        if show {
            println!("--- step {i}: {}\n{}", step.label, term.text());
        }
        sent.push(step.label.as_str());
        std::thread::sleep(think);
    }
    let session_s = session.elapsed().as_secs_f64();
    let session_rss = term.peak_rss_mb();
    // Back on the funnel screen: q quits.
    term.quit_with(b"q");
    sent.push("q (quit)");
    let t = read_timings(&timings);

    // Report.
    let mut first_card: Vec<f64> = card_starts.iter().filter_map(|t| t.first_card_ms).collect();
    let mut first_frame: Vec<f64> = funnel_starts
        .iter()
        .filter_map(|t| t.first_frame_ms)
        .collect();
    let (mut cw, mut fw) = (card_walls.clone(), funnel_walls.clone());
    println!();
    println!("start on a card (review --stage «{STAGE}»), {runs} runs:");
    println!(
        "  first_card_ms (in app)         median {:7.1}  max {:7.1}",
        median(&mut first_card),
        max(&first_card)
    );
    println!(
        "  spawn → card on screen (pty)   median {:7.1}  max {:7.1}",
        median(&mut cw),
        max(&cw)
    );
    println!("start on the funnel screen (review), {runs} runs:");
    println!(
        "  first_frame_ms (in app)        median {:7.1}  max {:7.1}",
        median(&mut first_frame),
        max(&first_frame)
    );
    println!(
        "  spawn → funnel on screen (pty) median {:7.1}  max {:7.1}",
        median(&mut fw),
        max(&fw)
    );
    println!(
        "session: {} keys sent, {} timed, {:.1} s",
        sent.len(),
        t.keys_ms.len(),
        session_s
    );
    // Keys that write to the store (a verdict, an undo) wait for its fsync.
    let writes = |i: usize| {
        steps
            .get(i)
            .is_some_and(|s| matches!(s.expect, Expect::Text(SAVED | WITHDRAWN)))
    };
    let pick = |keep: &dyn Fn(usize) -> bool| -> Vec<f64> {
        let mut v: Vec<f64> = (t.keys_ms.iter().copied().enumerate())
            .filter(|(i, _)| keep(*i))
            .map(|(_, ms)| ms)
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    for (what, keys) in [
        ("all keys", pick(&|_| true)),
        ("verdicts and undo", pick(&writes)),
        ("other keys", pick(&|i| !writes(i))),
    ] {
        println!(
            "  key → frame drawn, {what:<18} ({:3}) p50 {:6.2}  p90 {:6.2}  p99 {:7.2}  max {:7.2} ms",
            keys.len(),
            percentile(&keys, 50.0),
            percentile(&keys, 90.0),
            percentile(&keys, 99.0),
            max(&keys)
        );
    }
    if t.update_ms.len() == t.keys_ms.len() {
        let mut update = t.update_ms.clone();
        let mut draw: Vec<f64> = (t.keys_ms.iter().zip(&t.update_ms))
            .map(|(k, u)| k - u)
            .collect();
        update.sort_by(f64::total_cmp);
        draw.sort_by(f64::total_cmp);
        println!(
            "  of which update p50 {:6.2}  p99 {:7.2}; draw (and write to the pty) p50 {:6.2}  p99 {:7.2} ms",
            percentile(&update, 50.0),
            percentile(&update, 99.0),
            percentile(&draw, 50.0),
            percentile(&draw, 99.0)
        );
    }
    let mut slow: Vec<(usize, f64)> = t.keys_ms.iter().copied().enumerate().collect();
    slow.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!("  slowest keys (with the keys before them):");
    for (i, ms) in slow.iter().take(10) {
        let before: Vec<&str> = sent[i.saturating_sub(4)..*i].to_vec();
        let update = t.update_ms.get(*i).copied().unwrap_or(f64::NAN);
        println!(
            "    #{i:<4} {:<6} {ms:8.2} ms (update {update:5.2}, draw {:5.2})   after: {}",
            sent.get(*i).copied().unwrap_or("?"),
            ms - update,
            before.join(" ")
        );
    }
    println!(
        "peak RSS (VmHWM): card start {card_rss:.1} MB, funnel start {funnel_rss:.1} MB, session {session_rss:.1} MB"
    );
    if t.keys_ms.len() != sent.len() {
        println!(
            "note: {} keys timed for {} sent (keys that drew no frame are not timed)",
            t.keys_ms.len(),
            sent.len()
        );
    }

    // The day's first start: the rules last ran yesterday. The reviewer opens at once on
    // yesterday's flags (and says so); the morning's import or `okk check` re-runs them.
    if std::env::var("OKK_BENCH_DAY_START").as_deref() != Ok("0") {
        rusqlite::Connection::open(&env.db)
            .and_then(|c| {
                c.execute(
                    "UPDATE meta SET value = substr(value, 1, instr(value, ' ')) || '2000-01-01'
                     WHERE key = 'rules_ran_for'",
                    [],
                )
            })
            .expect("date the rules run yesterday");
        let (day, walls, rss) = starts(&env, &stage_args, CARD_MARK, 1);
        println!(
            "day's first start (yesterday's flags kept): first_card_ms {:.0}, spawn → card {:.0} ms, peak RSS {rss:.1} MB",
            day[0].first_card_ms.unwrap_or(f64::NAN),
            walls[0]
        );
    }
}
