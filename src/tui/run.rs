//! The runtime: draw, wait for a key (or half a second, to keep a comment draft; 60 ms while a
//! verdict waits for a busy store), update, perform the effects update asks for, repeat. Store
//! writes run on a writer thread and reads on a reader thread, each with its own store handle
//! (gitui's lesson): a busy or slow store never freezes the screen. On a server each answer has
//! a deadline: a link that hangs past it, or drops, is taken as lost (the verdicts kept on this
//! machine, what was under way answered "no connection"), and a new connection is made in the
//! background until the server answers. The terminal is restored on
//! every exit path: `ratatui::init` installs a panic hook that restores it before color-eyre
//! reports the panic.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use color_eyre::Result;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use std::sync::Arc;

use super::action::Action;
use super::desk::{Desk, DeskMaker, DeskResult};
use super::effect::{Effect, Msg, Outcome, perform, read_outcome, unreachable};
use super::keymap::Key;
use super::read::Ask;
use super::state::{Screen, State, Status};
use super::update::{meant, passes_while_loading, update};
use super::view::{Theme, view};

/// Where the app measures itself (`OKK_TIMINGS=FILE`): start to the first card drawn, and each
/// key from its arrival to its frame drawn. The benchmark reads the file.
#[derive(Debug, Default, serde::Serialize)]
pub struct Timings {
    pub first_frame_ms: Option<f64>,
    pub first_card_ms: Option<f64>,
    pub keys_ms: Vec<f64>,
    /// Of each key's time, the part spent in `handle_key` (the rest is drawing the frame).
    pub update_ms: Vec<f64>,
}

/// How long a key's frame waits for the writes it asked for: a quick store shows the key's
/// whole outcome (the next card after a verdict) in one frame; a slow one gets a frame that
/// says what is pending, and the keys keep flowing.
/// `OKK_SETTLE_MS` sets it (0 in tests that make every write arrive after its key's frame).
fn settle_wait() -> Duration {
    let ms = std::env::var("OKK_SETTLE_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    Duration::from_millis(ms)
}

impl Timings {
    /// A frame is drawn: the first, the first with a card, and the end of a key's time.
    fn frame(&mut self, state: &State, started: Instant, key: Option<(Instant, f64)>) {
        if self.first_frame_ms.is_none() {
            self.first_frame_ms = Some(ms(started));
        }
        if self.first_card_ms.is_none() && state.screen == Screen::Card {
            self.first_card_ms = Some(ms(started));
        }
        if let Some((t, update)) = key {
            self.keys_ms.push(ms(t));
            self.update_ms.push(update);
        }
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// Keys typed while a write was under way, and the key whose frame is being drawn (when it
/// arrived, and how long its update took).
#[derive(Default)]
struct Keys {
    held: VecDeque<Key>,
    timed: Option<(Instant, f64)>,
}

/// How long a server has to answer a write before the link is taken as lost (a read has
/// twice that): far above what a desk's write takes on a live link (its statements give up
/// after a third of a second), short enough that nobody waits long on a dead one.
/// `OKK_LINK_WAIT_MS` sets it (tests), as it sets the deadline every server session has on
/// silence (`store::pg::link::wait`, twice it).
fn link_wait() -> Duration {
    let ms = std::env::var("OKK_LINK_WAIT_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(4000);
    Duration::from_millis(ms)
}

/// How long a failed reconnect waits before the next.
const RECONNECT_PAUSE: Duration = Duration::from_secs(1);

/// Runs the screens until the user quits. Returns the pending journal's files of the verdicts
/// left in it (the store stayed busy, or the server out of reach, to the end).
pub fn run(state: &mut State, desk: &mut Desk, started: Instant) -> Result<Vec<PathBuf>> {
    let theme = Theme::from_env();
    let timings_file = std::env::var_os("OKK_TIMINGS");
    let mut timings = Timings::default();
    let hangup = HangUp::watch();
    let mut terminal = ratatui::init();
    let mut workers: Option<Workers> = None;
    let settle = settle_wait();
    let result = (|| -> Result<()> {
        let mut keys = Keys::default();
        loop {
            let gone = hangup.heard();
            if !gone {
                let mut hidden = false;
                terminal.draw(|f| {
                    hidden = super::view::too_small(f.area());
                    view(state, &theme, f)
                })?;
                state.shared.hidden = hidden;
                timings.frame(state, started, keys.timed.take());
            }
            // The worker threads open their own store handles once the first frame is up.
            let w = match workers.as_mut() {
                Some(w) => w,
                None => workers.insert(Workers::start(desk, state.shared.open_url, settle)?),
            };
            if gone && !state.shared.quit {
                w.feed(state, Msg::HangUp, desk);
            }
            // Quitting waits for the writes under way (each is bounded: a busy store sends a
            // verdict to the journal), not for reads.
            if state.shared.quit && w.writes() == 0 {
                return Ok(());
            }
            if gone {
                w.wait_out(state, desk);
                continue;
            }
            match w.step(state, desk, &mut keys) {
                // The terminal went as its reading failed: the next turn quits, as on SIGHUP
                // (which okk does not hear when a shell that did not exec okk leads the session).
                Err(_) if hangup.heard() || hangup.terminal_lost() => {}
                other => other?,
            }
        }
    })();
    // A terminal that is gone gets nothing: a write to it fails, and nobody would see it.
    if !hangup.heard() {
        ratatui::restore();
    }
    if let Some(w) = workers {
        w.stop();
    }
    let left = desk.pending();
    if let Some(path) = timings_file {
        std::fs::write(path, serde_json::to_vec(&timings)?)?;
    }
    result.map(|()| left)
}

/// The terminal closed under the reviewer (SIGHUP): what `q` does is done (the draft kept, the
/// cards held given back) and okk ends without a word, instead of dying with the cards held
/// until their lease runs out.
struct HangUp {
    heard: Arc<std::sync::atomic::AtomicBool>,
    id: Option<signal_hook::SigId>,
    /// The screens ended: the terminal's watch stops.
    ended: Arc<std::sync::atomic::AtomicBool>,
}

/// Whether the terminal of this process's screens has gone (SIGHUP heard by a reviewer).
static GONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The terminal closed under a reviewer of this process: nothing may be written to it.
pub fn terminal_gone() -> bool {
    GONE.load(std::sync::atomic::Ordering::Relaxed)
}

impl HangUp {
    fn watch() -> HangUp {
        let heard = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let id = signal_hook::flag::register(signal_hook::consts::SIGHUP, heard.clone()).ok();
        quiet_stdin_on_hangup();
        let ended = Arc::new(std::sync::atomic::AtomicBool::new(false));
        watch_terminal(heard.clone(), ended.clone());
        HangUp { heard, id, ended }
    }

    /// Whether the terminal has hung up (it answers EIO), taken from now on as SIGHUP heard.
    fn terminal_lost(&self) -> bool {
        if !terminal_hung_up() {
            return false;
        }
        self.heard.store(true, std::sync::atomic::Ordering::Relaxed);
        true
    }

    fn heard(&self) -> bool {
        let heard = self.heard.load(std::sync::atomic::Ordering::Relaxed);
        if heard {
            GONE.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        heard
    }
}

/// A terminal that hangs up ends its reads at once and for ever, and crossterm's key reader
/// then reads nothing in a loop that never returns (measured: the reviewer spun at 100 % CPU,
/// its card held). On SIGHUP standard input becomes an empty pipe that is never written: the
/// reader finds nothing to read, its wait ends, and the loop hears the signal. (`dup2` is safe
/// in a signal handler; the pipe stays open for the process's life.)
fn quiet_stdin_on_hangup() {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors pipe2 writes.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
        return;
    }
    let quiet = fds[0];
    // SAFETY: the handler only calls dup2, which is async-signal-safe.
    let _ = unsafe {
        signal_hook::low_level::register(signal_hook::consts::SIGHUP, move || {
            libc::dup2(quiet, libc::STDIN_FILENO);
        })
    };
}

/// How often the terminal's watch asks whether the terminal is still there.
const TERMINAL_WATCH: Duration = Duration::from_secs(1);

/// A terminal can hang up without a word to okk: the kernel signals only the session's leader,
/// and a shell that ran okk without `exec` (`sh -c 'okk review; …'`, a launcher, a tmux
/// command) dies of it alone, leaving okk's reader spinning on a terminal that is gone, its card
/// held. A watch asks the terminal once a second (a hung-up terminal answers every request with
/// EIO) and, when it has gone, signals SIGHUP to okk itself: the same way out as a signal heard.
fn watch_terminal(
    heard: Arc<std::sync::atomic::AtomicBool>,
    ended: Arc<std::sync::atomic::AtomicBool>,
) {
    // SAFETY: isatty only reads the descriptor's kind.
    if unsafe { libc::isatty(libc::STDIN_FILENO) } != 1 {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("okk-terminal-watch".into())
        .spawn(move || {
            use std::sync::atomic::Ordering::Relaxed;
            while !ended.load(Relaxed) && !heard.load(Relaxed) {
                std::thread::sleep(TERMINAL_WATCH);
                if terminal_hung_up() && !ended.load(Relaxed) {
                    // SAFETY: signalling this very process; its handlers are okk's own.
                    unsafe { libc::kill(libc::getpid(), libc::SIGHUP) };
                    return;
                }
            }
        });
    // No watch (no thread to be had): a terminal that hangs up still signals okk when okk
    // leads its session, as it does when started by a terminal or with exec.
    drop(spawned);
}

/// Whether standard input's terminal hung up.
fn terminal_hung_up() -> bool {
    hung_up(libc::STDIN_FILENO)
}

/// Whether the terminal `fd` hung up: it answers a request for its settings with EIO.
fn hung_up(fd: libc::c_int) -> bool {
    // SAFETY: a zeroed termios is a valid buffer for tcgetattr to fill.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: tcgetattr writes only into `t`.
    let asked = unsafe { libc::tcgetattr(fd, &mut t) };
    asked != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::EIO)
}

impl Drop for HangUp {
    fn drop(&mut self) {
        self.ended.store(true, std::sync::atomic::Ordering::Relaxed);
        if let Some(id) = self.id.take() {
            signal_hook::low_level::unregister(id);
        }
    }
}

/// A verdict is in the pending journal, waiting for another process to free the store.
fn waits_for_store(state: &State) -> bool {
    state.verdicts.saving.as_ref().is_some_and(|s| !s.trying)
}

/// Keys held while the store is slow: the status line says what they wait for.
fn status_pending(state: &mut State, writes: usize) {
    if state.shared.status.is_none() && writes > 0 {
        state.shared.status = Some(Status::Info(crate::text::tui::writes_pending(writes)));
    }
}

/// What comes back to the loop: an effect's outcome from the worker threads of connection
/// `link` (a thread abandoned with a lost link may still answer, late: dropped), or a new
/// connection's desks.
/// (An outcome is large and the other rare: the enum is as large as the channel's usual word.)
#[allow(clippy::large_enum_variant)]
enum Arrived {
    Done(u64, Outcome),
    /// The writer's outcome: of a write, or of a read of the figures ([`on_writer`]).
    Wrote(u64, Outcome),
    Back(u64, Box<Reconnected>),
}

/// A new connection to the server: the writer's desk, the reader's, and the watcher's handle.
struct Reconnected {
    writer: Desk,
    reader: Desk,
    watch: Option<Box<dyn crate::domain::ports::Changes>>,
}

/// The worker threads, each with its own desk on the store: the writer performs writes in
/// order, one at a time, the reader reads; both send back outcomes on one channel. With the
/// link lost there are none, and effects are answered here (`effect::unreachable`).
struct Workers {
    /// `None` while the link is lost.
    writes_to: Option<Sender<Effect>>,
    reads_to: Option<Sender<Effect>>,
    outcomes: Receiver<Arrived>,
    arrive: Sender<Arrived>,
    writer: Option<JoinHandle<Desk>>,
    /// The connection the worker threads serve; a lost link starts the next.
    link: u64,
    /// Writes not answered, oldest first; the first is with the writer (since `sent`), the
    /// rest wait for it to answer.
    writing: VecDeque<Effect>,
    sent: Option<Instant>,
    /// With no connection yet, since when writes have waited for one.
    waits_since: Option<Instant>,
    /// Reads sent whose answer has not come back, and when.
    reading: VecDeque<(Effect, Instant)>,
    /// How long a key's frame waits for its writes and reads.
    settle: Duration,
    /// A server's deadline on the writer's answer (reads get twice it); none on a file.
    deadline: Option<Duration>,
    /// What reconnects (a server only).
    maker: Option<Arc<DeskMaker>>,
    /// No connection, and the deadline passed waiting for one: effects are answered here,
    /// at once, until a connection is made. (Without a connection and not offline, a new one
    /// is being made: effects wait for it, up to the deadline.)
    offline: bool,
    open_url: fn(&str) -> bool,
    /// The figures are read on the writer's connection ([`on_writer`]): a store file.
    figures_on_writer: bool,
}

/// Whether `effect` reads the queues' figures. On a store file the writer's connection reads
/// them: the figures it keeps ([`crate::store::Store::queue_counts`]) hold until another
/// connection commits, and her verdicts are that connection's own, so after a verdict the
/// title bar's figures cost a look at her card, not a read of every other auditor's (on the
/// reader's connection each verdict of hers is another connection's commit).
fn on_writer(effect: &Effect) -> bool {
    match effect {
        Effect::Read(read) => match &read.ask {
            Ask::Stages | Ask::Counts { .. } => true,
            Ask::Pages(p) => p.counts.is_some(),
            _ => false,
        },
        _ => false,
    }
}

impl Workers {
    fn start(desk: &Desk, open_url: fn(&str) -> bool, settle: Duration) -> Result<Workers> {
        let (arrive, outcomes) = channel();
        let remote = desk.remote();
        let mut w = Workers {
            writes_to: None,
            reads_to: None,
            outcomes,
            arrive,
            writer: None,
            link: 0,
            writing: VecDeque::new(),
            sent: None,
            reading: VecDeque::new(),
            waits_since: None,
            settle,
            deadline: remote.then(link_wait),
            maker: remote.then(|| Arc::new(desk.maker())),
            offline: false,
            open_url,
            figures_on_writer: !remote,
        };
        // A server's connections are made in the background: a link that hangs already must
        // not hold the screen (what is asked meanwhile waits for them, up to the deadline).
        if remote {
            w.reconnect();
        } else {
            let watch = desk.watch().ok();
            let writer = desk.twin()?;
            // A start on a card counted her stage's figures alone: the rest are read now, off
            // the writer's thread, and the funnel's are there when she goes back to it.
            let _ = writer.keep_figures_aside();
            w.connect(writer, desk.twin()?, watch);
        }
        Ok(w)
    }

    /// Makes a new connection in the background, trying until one is made: its desks come
    /// back as [`Arrived::Back`].
    fn reconnect(&self) {
        let Some(maker) = self.maker.clone() else {
            return;
        };
        let (link, arrive) = (self.link, self.arrive.clone());
        std::thread::spawn(move || {
            loop {
                let opened = (|| {
                    let writer = maker.open()?;
                    let reader = maker.open()?;
                    let watch = writer.watch().ok();
                    Ok::<_, crate::domain::store_error::StoreError>(Reconnected {
                        writer,
                        reader,
                        watch,
                    })
                })();
                match opened {
                    Ok(back) => {
                        let _ = arrive.send(Arrived::Back(link, Box::new(back)));
                        return;
                    }
                    Err(_) => std::thread::sleep(RECONNECT_PAUSE),
                }
            }
        });
    }

    /// Starts the worker threads (and the watcher) on connection `self.link`'s desks.
    fn connect(
        &mut self,
        mut writer: Desk,
        reader: Desk,
        changes: Option<Box<dyn crate::domain::ports::Changes>>,
    ) {
        let link = self.link;
        let open_url = self.open_url;
        let (writes_to, todo) = channel::<Effect>();
        let done = self.arrive.clone();
        self.writer = Some(std::thread::spawn(move || {
            for effect in todo {
                let outcome = perform(effect, &mut writer, open_url);
                if done.send(Arrived::Wrote(link, outcome)).is_err() {
                    break;
                }
            }
            writer
        }));
        // The reader is not joined: quitting does not wait for a read (the stats' can take a
        // second on a big store).
        let (reads_to, asked) = channel::<Effect>();
        let answers = self.arrive.clone();
        std::thread::spawn(move || {
            for effect in asked {
                let Effect::Read(read) = effect else { continue };
                let outcome = read_outcome(read, &reader);
                if answers.send(Arrived::Done(link, outcome)).is_err() {
                    break;
                }
            }
        });
        if let Some(changes) = changes {
            watch(changes, link, self.arrive.clone());
        }
        self.writes_to = Some(writes_to);
        self.reads_to = Some(reads_to);
    }

    /// The writes under way (the figures' reads the writer has aside).
    fn writes(&self) -> usize {
        self.writing.iter().filter(|e| !e.is_read()).count()
    }

    fn in_flight(&self) -> usize {
        self.writing.len() + self.reading.len()
    }

    /// Whether `key` goes to update now: not while a write is under way (unless a verdict
    /// waits for a busy store: update lets through the keys that look around the card; and
    /// quitting, which waits for the writes after), nor while a read will replace what it
    /// acts on (but quitting and going back go).
    fn flows(&self, state: &State, key: Key) -> bool {
        let quits = state.shared.keymap.action(state.mode(), key) == Some(Action::Quit);
        (self.writes() == 0 || waits_for_store(state) || quits)
            && (!state.holds_keys() || passes_while_loading(state, key))
    }

    /// One turn of the loop between frames: an outcome that came back, a key held or typed,
    /// or a pause in the keys.
    fn step(&mut self, state: &mut State, desk: &Desk, keys: &mut Keys) -> Result<()> {
        self.check_deadlines(state, desk);
        if let Some(outcome) = self.poll(Duration::ZERO, state, desk) {
            self.feed(state, Msg::Done(Box::new(outcome)), desk);
            return Ok(());
        }
        // Keys typed ahead wait, and apply in order.
        if let Some(&key) = keys.held.front()
            && self.flows(state, key)
        {
            keys.held.pop_front();
            let t = Instant::now();
            self.key(state, key, desk);
            keys.timed = Some((t, ms(t)));
            return Ok(());
        }
        // Soon when work waits for a pause in the keys (a typed filter), for the store (a
        // verdict saving while another process writes) or for the workers, else twice a second.
        let wait = match (self.in_flight(), state.wants_tick()) {
            (1.., _) => 5,
            (0, true) => 60,
            (0, false) => 500,
        };
        if !event::poll(Duration::from_millis(wait))? {
            if self.in_flight() == 0 {
                self.feed(state, Msg::Tick, desk);
            }
            return Ok(());
        }
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                let key = Key::from_event(&k);
                // Quitting and going back overtake the keys held.
                if !self.flows(state, key) || (!keys.held.is_empty() && !state.holds_keys()) {
                    keys.held.push_back(key);
                    status_pending(state, self.writes());
                    return Ok(());
                }
                let t = Instant::now();
                self.key(state, key, desk);
                keys.timed = Some((t, ms(t)));
            }
            // A resize (or anything else) just redraws.
            _ => {}
        }
        Ok(())
    }

    /// With the terminal gone: the outcomes of the writes under way, and their deadlines; no
    /// key is read.
    fn wait_out(&mut self, state: &mut State, desk: &Desk) {
        self.check_deadlines(state, desk);
        if let Some(outcome) = self.poll(Duration::from_millis(50), state, desk) {
            self.feed(state, Msg::Done(Box::new(outcome)), desk);
        }
    }

    /// The next outcome of the live connection within `wait` (a new connection is taken on
    /// the way, and said as an outcome).
    fn poll(&mut self, wait: Duration, state: &mut State, desk: &Desk) -> Option<Outcome> {
        let until = Instant::now() + wait;
        loop {
            let left = until.saturating_duration_since(Instant::now());
            let got = match self.outcomes.recv_timeout(left) {
                Ok(a) => a,
                Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => return None,
            };
            let got_from_writer = matches!(got, Arrived::Wrote(..));
            match got {
                Arrived::Done(link, outcome) | Arrived::Wrote(link, outcome)
                    if link == self.link =>
                {
                    match (&got_from_writer, &outcome) {
                        (true, _) => self.written(),
                        (false, Outcome::Read { .. }) => {
                            self.reading.pop_front();
                        }
                        // The watcher's, not an effect's: nothing waited for it.
                        _ => {}
                    }
                    if outcome.lost_link() {
                        self.lose_link(state, desk);
                    }
                    return Some(outcome);
                }
                Arrived::Back(link, back) if link == self.link && self.writes_to.is_none() => {
                    let Reconnected {
                        writer,
                        reader,
                        watch,
                    } = *back;
                    self.connect(writer, reader, watch);
                    // What waited for the connection goes now.
                    self.waits_since = None;
                    self.send_next_write();
                    if let Some(to) = &self.reads_to {
                        for (read, sent) in &mut self.reading {
                            let _ = to.send(read.clone());
                            *sent = Instant::now();
                        }
                    }
                    if std::mem::take(&mut self.offline) {
                        return Some(Outcome::Link { up: true });
                    }
                }
                // A thread of a connection given up on, answering late.
                _ => {}
            }
        }
    }

    /// The writer answered its write: the next waiting goes to it.
    fn written(&mut self) {
        self.writing.pop_front();
        self.sent = None;
        self.send_next_write();
    }

    fn send_next_write(&mut self) {
        if self.sent.is_some() {
            return;
        }
        let (Some(to), Some(next)) = (&self.writes_to, self.writing.front()) else {
            return;
        };
        if to.send(next.clone()).is_ok() {
            self.sent = Some(Instant::now());
        }
    }

    /// A server that has not answered in time, or a connection not made in time for what
    /// waits for it: the link is taken as lost.
    fn check_deadlines(&mut self, state: &mut State, desk: &Desk) {
        let Some(deadline) = self.deadline else {
            return;
        };
        if self.offline {
            return;
        }
        let late_read = (self.reading.front()).is_some_and(|(_, t)| t.elapsed() > deadline * 2);
        if self.writes_to.is_none() {
            let waiting = self.writing.front().map(|_| self.waits_since);
            let late_write = waiting.flatten().is_some_and(|t| t.elapsed() > deadline);
            if late_write || late_read {
                self.go_offline(state, desk);
            }
            return;
        }
        let late_write = self.sent.is_some_and(|t| t.elapsed() > deadline);
        if late_write || late_read {
            self.lose_link(state, desk);
        }
    }

    /// The link is lost: the worker threads are let go (one may be stuck on the dead
    /// connection for good), what they had is answered as with no connection, the screen is
    /// told, and a new connection is tried in the background until one is made.
    fn lose_link(&mut self, state: &mut State, desk: &Desk) {
        if self.maker.is_none() || self.writes_to.is_none() {
            return;
        }
        self.link += 1;
        self.writes_to = None;
        self.reads_to = None;
        // Not joined: it may never come back.
        self.writer = None;
        self.sent = None;
        self.go_offline(state, desk);
        self.reconnect();
    }

    /// Effects are answered here from now on (a new connection is tried meanwhile), and so
    /// is whatever waits for an answer; the screen is told.
    fn go_offline(&mut self, state: &mut State, desk: &Desk) {
        self.offline = true;
        self.feed(
            state,
            Msg::Done(Box::new(Outcome::Link { up: false })),
            desk,
        );
        let reads: Vec<Effect> = self.reading.drain(..).map(|(e, _)| e).collect();
        let writes: Vec<Effect> = self.writing.drain(..).collect();
        for effect in reads.into_iter().chain(writes) {
            let outcome = unreachable(effect, desk, self.open_url);
            self.feed(state, Msg::Done(Box::new(outcome)), desk);
        }
    }

    /// A key through update; its writes and reads get `settle` to come back before the frame.
    fn key(&mut self, state: &mut State, key: Key, desk: &Desk) {
        for key in meant(state, key) {
            self.feed(state, Msg::Key(key), desk);
            let until = Instant::now() + self.settle;
            while self.in_flight() > 0 {
                let left = until.saturating_duration_since(Instant::now());
                let Some(outcome) = self.poll(left, state, desk) else {
                    break;
                };
                self.feed(state, Msg::Done(Box::new(outcome)), desk);
            }
        }
    }

    fn feed(&mut self, state: &mut State, msg: Msg, desk: &Desk) {
        let mut inbox = VecDeque::from([msg]);
        while let Some(msg) = inbox.pop_front() {
            for effect in update(state, msg, desk) {
                let connecting = self.writes_to.is_none() && self.maker.is_some();
                // No connection: answered here, at once.
                if connecting && self.offline {
                    let outcome = unreachable(effect, desk, self.open_url);
                    inbox.push_back(Msg::Done(Box::new(outcome)));
                    continue;
                }
                if effect.is_read() && !(self.figures_on_writer && on_writer(&effect)) {
                    let sent = match &self.reads_to {
                        Some(to) => to.send(effect.clone()).is_ok(),
                        None => connecting,
                    };
                    if sent {
                        self.reading.push_back((effect, Instant::now()));
                    } else {
                        // The worker is gone: nothing will answer, so nothing may wait for it.
                        state.shared.loading = None;
                    }
                    continue;
                }
                let effect = match effect {
                    // A connection being made: the verdict is kept on this machine now, and
                    // written from there once it is made.
                    Effect::SaveVerdict { card, review } if connecting => {
                        match desk.keep_here(&card, &review) {
                            Ok(_) => Effect::RetryVerdict,
                            Err(e) => {
                                let result = Some(Err(e));
                                let outcome = Outcome::Verdict {
                                    retry: false,
                                    result,
                                };
                                inbox.push_back(Msg::Done(Box::new(outcome)));
                                continue;
                            }
                        }
                    }
                    effect => effect,
                };
                if connecting && self.writing.is_empty() {
                    self.waits_since = Some(Instant::now());
                }
                self.writing.push_back(effect);
                self.send_next_write();
            }
        }
    }

    /// Waits for the writer to finish what it has (nothing: quitting waited for the writes).
    fn stop(self) {
        drop(self.writes_to);
        drop(self.reads_to);
        if let Some(writer) = self.writer
            && let Ok(desk) = writer.join()
            && desk.remote()
        {
            // Its connection's goodbye would wait on a link that hangs (see app::review).
            std::mem::forget(desk);
        }
    }
}

/// How often the watcher wakes to look for others' writes, and how long it lets a burst of
/// them gather into one refresh.
const WATCH_WAIT: Duration = Duration::from_secs(1);
const WATCH_GATHER: Duration = Duration::from_millis(300);

/// The watcher thread: others' writes to the store (a server's notification, a file's
/// version) become a message, so the figures on screen and the lead's list refresh without a
/// key. A store that cannot be watched is only not live.
fn watch(mut changes: Box<dyn crate::domain::ports::Changes>, link: u64, told: Sender<Arrived>) {
    std::thread::spawn(move || {
        // The store's applied funnel, told at the start (an apply between the funnel's load
        // and this watch) and whenever it changes.
        let (mut funnel, mut ask) = (None, true);
        loop {
            if std::mem::take(&mut ask)
                && let Some(applied) = funnel_heard(changes.as_mut(), &mut funnel)
                && told.send(Arrived::Done(link, applied)).is_err()
            {
                break;
            }
            match changes.wait(WATCH_WAIT) {
                Ok(true) => {
                    std::thread::sleep(WATCH_GATHER);
                    // Drained: the burst is told once.
                    let _ = changes.wait(Duration::ZERO);
                    if told
                        .send(Arrived::Done(link, Outcome::OthersActed))
                        .is_err()
                    {
                        break;
                    }
                    ask = true;
                }
                Ok(false) => {}
                Err(_) => break,
            }
        }
    });
}

/// The store's applied funnel, when it is not the one `known` last (none: never asked): said
/// to the screens. A store that cannot say is asked again after the next write.
fn funnel_heard(
    changes: &mut dyn crate::domain::ports::Changes,
    known: &mut Option<Option<(i64, String)>>,
) -> Option<Outcome> {
    let now = changes.applied_funnel().ok()?;
    if known.as_ref() == Some(&now) {
        return None;
    }
    *known = Some(now.clone());
    let (version, hash) = now?;
    Some(Outcome::FunnelApplied { version, hash })
}

/// One message through `update`, and every effect it asks for performed in order, each outcome
/// fed back as a message, until nothing more is asked. A key that stands for two is settled
/// one key at a time. (The tests' runtime: everything on this thread, on this desk.)
pub fn dispatch(state: &mut State, msg: Msg, desk: &mut Desk) {
    match msg {
        Msg::Key(key) => {
            for key in meant(state, key) {
                settle(state, Msg::Key(key), desk);
            }
        }
        msg => settle(state, msg, desk),
    }
}

fn settle(state: &mut State, msg: Msg, desk: &mut Desk) {
    let mut inbox = VecDeque::from([msg]);
    while let Some(msg) = inbox.pop_front() {
        for effect in update(state, msg, desk) {
            let open_url = state.shared.open_url;
            inbox.push_back(Msg::Done(Box::new(perform(effect, desk, open_url))));
        }
    }
}

/// The reads `effects` ask for (and those their answers ask for), performed in order on this
/// thread before the first frame; the first that fails is the caller's error. Asks for no
/// write: a start-up only reads.
pub fn settle_reads(state: &mut State, effects: Vec<Effect>, desk: &Desk) -> DeskResult<()> {
    let mut todo = VecDeque::from(effects);
    while let Some(effect) = todo.pop_front() {
        let Effect::Read(read) = effect else {
            debug_assert!(false, "a write asked for at start-up: {effect:?}");
            continue;
        };
        let outcome = read_outcome(read, desk);
        if let Outcome::Read { result: Err(e), .. } = outcome {
            state.shared.loading = None;
            return Err(e);
        }
        todo.extend(update(state, Msg::Done(Box::new(outcome)), desk));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::hung_up;

    /// A terminal whose other end closed (the window gone) answers EIO, which the reviewer takes
    /// as SIGHUP when no signal came; a live one, or a descriptor that is no terminal, does not.
    #[test]
    fn a_terminal_whose_other_end_closed_is_hung_up() {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: openpty writes the two descriptors; no name, settings or size asked.
        let opened = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
        assert!(!hung_up(slave), "a live terminal");
        // SAFETY: closing the descriptor openpty gave.
        unsafe { libc::close(master) };
        assert!(hung_up(slave), "its other end closed");
        // SAFETY: closing the descriptor openpty gave.
        unsafe { libc::close(slave) };
        let file = std::fs::File::open("Cargo.toml").unwrap();
        assert!(
            !hung_up(std::os::fd::AsRawFd::as_raw_fd(&file)),
            "not a terminal"
        );
    }
}
