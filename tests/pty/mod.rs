//! The real `okk` binary in a pseudo-terminal, its output parsed by a vt100 screen: what an
//! auditor would see, read back as text. Tests wait for the screen to show something (never
//! sleep to synchronise), so they are as fast as the binary and patient on a loaded machine.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

pub mod reviewer;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How long a wait may take before the test fails: long, for a loaded 2-core CI machine; waits
/// return as soon as the screen matches.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Output is taken as a finished frame once the terminal has been quiet this long: ratatui
/// writes a frame in several chunks, and a match on the first chunk must not let a test read
/// (or type into) a half-drawn screen.
const QUIET: Duration = Duration::from_millis(40);

const POLL: Duration = Duration::from_millis(10);

/// What the terminal was asked to do besides drawing: a card's text must never get here.
#[derive(Debug, Default)]
pub struct Events {
    /// Every window title and icon name set (OSC 0, 1, 2), in order.
    pub titles: Vec<String>,
    pub bells: usize,
}

impl vt100::Callbacks for Events {
    fn set_window_title(&mut self, _: &mut vt100::Screen, title: &[u8]) {
        self.titles
            .push(String::from_utf8_lossy(title).into_owned());
    }
    fn set_window_icon_name(&mut self, _: &mut vt100::Screen, name: &[u8]) {
        self.titles.push(String::from_utf8_lossy(name).into_owned());
    }
    fn audible_bell(&mut self, _: &mut vt100::Screen) {
        self.bells += 1;
    }
}

struct Shared {
    parser: vt100::Parser<Events>,
    /// When the last byte arrived.
    last_output: Instant,
    /// Everything the binary wrote, for failure messages and byte-level checks.
    raw: Vec<u8>,
}

/// The environment the binary runs in: nothing from the test's own environment reaches it
/// (no OKK_DB of the developer's), and every path it may write is inside `sandbox`.
fn sandboxed(cmd: &mut CommandBuilder, sandbox: &Path) {
    let home = sandbox.join("home");
    let tmp = sandbox.join("tmp");
    std::fs::create_dir_all(&home).expect("home dir");
    std::fs::create_dir_all(&tmp).expect("tmp dir");
    cmd.env_clear();
    cmd.env("HOME", &home);
    cmd.env("XDG_DATA_HOME", home.join(".local/share"));
    cmd.env("XDG_CONFIG_HOME", home.join(".config"));
    cmd.env("XDG_CACHE_HOME", home.join(".cache"));
    cmd.env("XDG_STATE_HOME", home.join(".local/state"));
    cmd.env("TMPDIR", &tmp);
    cmd.env("TERM", "xterm-256color");
    cmd.env("LANG", "C.UTF-8");
    cmd.env("RUST_BACKTRACE", "0");
    cmd.env("USER", "tester");
    cmd.env("LOGNAME", "tester");
    cmd.cwd(sandbox);
}

/// How to start the binary: arguments, extra environment, terminal size.
pub struct Spawn {
    args: Vec<String>,
    env: Vec<(String, String)>,
    cols: u16,
    rows: u16,
}

impl Spawn {
    /// `okk ARGS` in a `cols`×`rows` terminal.
    pub fn new<S: AsRef<str>>(args: &[S], cols: u16, rows: u16) -> Spawn {
        Spawn {
            args: args.iter().map(|a| a.as_ref().to_string()).collect(),
            env: Vec::new(),
            cols,
            rows,
        }
    }

    pub fn env(mut self, key: &str, value: impl AsRef<str>) -> Spawn {
        self.env.push((key.to_string(), value.as_ref().to_string()));
        self
    }

    /// Starts the binary with the sandbox under `sandbox`.
    pub fn start(self, sandbox: &Path) -> Term {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: self.rows,
                cols: self.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_okk"));
        cmd.args(&self.args);
        sandboxed(&mut cmd, sandbox);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        let child = pty.slave.spawn_command(cmd).expect("spawn okk");
        // Our copy of the slave side must go, or the reader never sees the end of output.
        drop(pty.slave);
        let shared = Arc::new(Mutex::new(Shared {
            parser: vt100::Parser::new_with_callbacks(
                self.rows.try_into().expect("rows > 0"),
                self.cols.try_into().expect("cols > 0"),
                0,
                Events::default(),
            ),
            last_output: Instant::now(),
            raw: Vec::new(),
        }));
        let ended = Arc::new(AtomicBool::new(false));
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let reader = {
            let shared = shared.clone();
            let ended = ended.clone();
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        // EIO once the binary has exited and closed its side.
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            let mut s = shared.lock().unwrap_or_else(|e| e.into_inner());
                            s.parser.process(&buf[..n]);
                            s.raw.extend_from_slice(&buf[..n]);
                            s.last_output = Instant::now();
                        }
                    }
                }
                ended.store(true, Ordering::SeqCst);
            })
        };
        let writer = pty.master.take_writer().expect("pty writer");
        Term {
            shared,
            ended,
            reader: Some(reader),
            writer,
            master: pty.master,
            child,
            status: None,
        }
    }
}

/// The binary running in a terminal.
pub struct Term {
    shared: Arc<Mutex<Shared>>,
    ended: Arc<AtomicBool>,
    reader: Option<thread::JoinHandle<()>>,
    writer: Box<dyn Write + Send>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    status: Option<ExitStatus>,
}

impl Term {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.shared.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The screen as text, rows joined by newlines.
    pub fn screen(&self) -> String {
        self.lock().parser.screen().contents()
    }

    /// Runs `f` on the parsed screen (cells, attributes, cursor, alternate screen).
    pub fn with_screen<T>(&self, f: impl FnOnce(&vt100::Screen) -> T) -> T {
        f(self.lock().parser.screen())
    }

    /// Runs `f` on what the terminal was asked besides drawing (titles, bells).
    pub fn with_events<T>(&self, f: impl FnOnce(&Events) -> T) -> T {
        f(self.lock().parser.callbacks())
    }

    /// Every byte the binary has written so far.
    pub fn raw_output(&self) -> Vec<u8> {
        self.lock().raw.clone()
    }

    /// One screen row as text.
    pub fn row(&self, row: u16) -> String {
        self.with_screen(|s| {
            let (_, cols) = s.size();
            s.contents_between(row, 0, row, cols.get())
        })
    }

    /// Types a key sequence in the tests' notation (`"xдогов<enter>"`, see `common::keys`),
    /// as the terminal sends it.
    /// A lone Esc is special: crossterm reads an Esc that arrives with the next key as Alt+key,
    /// so after each one this waits for the screen to change (the popup closing, the filter
    /// clearing) before typing on. Wait for the effect of the keys before an Esc first, so that
    /// the change seen is the Esc's own. An Esc followed by `[` or `O` starts a key sequence
    /// (an arrow, PgDn) and goes out whole.
    pub fn send(&mut self, seq: &str) {
        // A lone Esc goes by itself, once what came before it is drawn: sent with the next
        // key it would read as Alt+key. An Alt key (`<A-enter>`) goes whole, Esc and all.
        let esc = okk::tui::keymap::Key::parse("esc").expect("esc");
        let mut pending = String::new();
        for key in crate::common::keys::parse(seq) {
            if key != esc {
                pending.push_str(&crate::common::keys::key_bytes(key));
                continue;
            }
            self.write(pending.as_bytes());
            pending.clear();
            self.settle();
            let before = self.screen();
            self.write(b"\x1b");
            self.wait_until("the screen to change after Esc", |s| s.contents() != before);
        }
        self.write(pending.as_bytes());
    }

    fn write(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Waits until the output has been quiet for a moment: the frame being drawn is complete.
    pub fn settle(&self) {
        let deadline = Instant::now() + PATIENCE;
        while Instant::now() < deadline {
            if self.lock().last_output.elapsed() >= QUIET || self.ended.load(Ordering::SeqCst) {
                return;
            }
            thread::sleep(POLL);
        }
        panic!("the terminal never went quiet:\n{}", self.screen());
    }

    /// Waits until the screen shows `text`; the screen then. Fails with the screen as it was.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_for_within(text, PATIENCE)
    }

    pub fn wait_for_within(&self, text: &str, timeout: Duration) -> String {
        self.wait_until_within(&format!("«{text}» on screen"), timeout, |s| {
            s.contents().contains(text)
        });
        self.screen()
    }

    /// Waits until the screen no longer shows `text`.
    pub fn wait_gone(&self, text: &str) -> String {
        self.wait_until(&format!("«{text}» gone from the screen"), |s| {
            !s.contents().contains(text)
        });
        self.screen()
    }

    /// Waits until `ready` holds for a finished frame.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&vt100::Screen) -> bool) {
        self.wait_until_within(what, PATIENCE, ready)
    }

    pub fn wait_until_within(
        &self,
        what: &str,
        timeout: Duration,
        ready: impl Fn(&vt100::Screen) -> bool,
    ) {
        let deadline = Instant::now() + timeout;
        loop {
            {
                let s = self.lock();
                let quiet = s.last_output.elapsed() >= QUIET || self.ended.load(Ordering::SeqCst);
                if quiet && ready(s.parser.screen()) {
                    return;
                }
            }
            if Instant::now() >= deadline {
                panic!(
                    "waited {timeout:?} for {what}; the screen shows:\n{}",
                    self.screen()
                );
            }
            if self.ended.load(Ordering::SeqCst) {
                // No more output can come: one last look, then give up.
                let s = self.lock();
                if ready(s.parser.screen()) {
                    return;
                }
                panic!(
                    "okk exited while waiting for {what}; the screen shows:\n{}",
                    s.parser.screen().contents()
                );
            }
            thread::sleep(POLL);
        }
    }

    /// Resizes the terminal (the binary gets SIGWINCH) and the screen that parses its output.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        {
            let mut s = self.lock();
            s.parser.set_size(
                rows.try_into().expect("rows > 0"),
                cols.try_into().expect("cols > 0"),
            );
        }
        self.master
            .resize(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("resize the pty");
    }

    /// Waits for the binary to exit, which must be clean (`what` names the run in the failure).
    pub fn wait_clean_exit(&mut self, what: &str) {
        let status = self.wait_exit();
        assert!(status.success(), "{what}: okk exited with {status}");
    }

    /// Waits for the binary to exit; its status. All its output has been parsed by then.
    pub fn wait_exit(&mut self) -> ExitStatus {
        if let Some(status) = &self.status {
            return status.clone();
        }
        let deadline = Instant::now() + PATIENCE;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "okk did not exit within {PATIENCE:?}; the screen shows:\n{}",
                    self.screen()
                );
            }
            thread::sleep(POLL);
        };
        // The reader ends when the pty's other side is closed: then every byte is parsed.
        let until = Instant::now() + PATIENCE;
        while !self.ended.load(Ordering::SeqCst) && Instant::now() < until {
            thread::sleep(POLL);
        }
        if self.ended.load(Ordering::SeqCst)
            && let Some(reader) = self.reader.take()
        {
            reader.join().expect("the reader thread");
        }
        self.status = Some(status.clone());
        status
    }

    /// The terminal is in cooked mode (line editing and echo on), as a shell expects to find
    /// it; raw mode turns both off. Read from the pty's own settings, which outlive the binary.
    pub fn line_editing(&self) -> bool {
        let termios = self.master.get_termios().expect("the pty's settings");
        // The flags' type lives in portable-pty's nix; their names are enough here.
        let flags = format!("{:?}", termios.local_flags);
        let set: Vec<&str> = flags
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .collect();
        set.contains(&"ICANON") && set.contains(&"ECHO")
    }

    /// The process id, while it runs.
    pub fn pid(&self) -> u32 {
        self.child.process_id().expect("okk has a pid")
    }

    /// SIGHUP, as when the terminal window is closed: how many bytes okk had written by then.
    #[allow(dead_code)]
    pub fn hang_up(&mut self) -> usize {
        let before = self.raw_output().len();
        let pid = self.pid();
        let ok = std::process::Command::new("kill")
            .args(["-HUP", &pid.to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -HUP {pid} failed");
        before
    }

    /// SIGKILL: no destructor, no terminal restore, no last write: a crash, or the power cut.
    pub fn kill(&mut self) -> ExitStatus {
        let pid = self.pid();
        let ok = std::process::Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status()
            .expect("run kill")
            .success();
        assert!(ok, "kill -KILL {pid} failed");
        let status = self.wait_exit();
        assert!(
            status.signal().is_some(),
            "okk should have died of SIGKILL: {status}"
        );
        status
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        // A failed test must not leave okk running (holding the store, or the CI job).
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            if let Some(pid) = self.child.process_id() {
                let _ = std::process::Command::new("kill")
                    .args(["-KILL", &pid.to_string()])
                    .status();
            }
            let _ = self.child.wait();
        }
    }
}

/// The external id of the card on screen, from its box's title `┌ #ID title ─┐`.
pub fn card_id(screen: &str) -> String {
    let at = screen
        .find("┌ #")
        .unwrap_or_else(|| panic!("no card on screen:\n{screen}"));
    screen[at + "┌ #".len()..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect()
}
