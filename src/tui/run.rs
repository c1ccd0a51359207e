//! The runtime: draw, wait for a key (or half a second, to keep a comment draft; 60 ms while a
//! verdict waits for a busy store), update, perform the effects update asks for, repeat. Store
//! writes run on a writer thread and reads on a reader thread, each with its own store handle
//! (gitui's lesson): a busy or slow store never freezes the screen. The terminal is restored on
//! every exit path: `ratatui::init` installs a panic hook that restores it before color-eyre
//! reports the panic.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use color_eyre::Result;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::desk::{Desk, DeskResult};
use super::effect::{Effect, Msg, Outcome, perform, read_outcome};
use super::keymap::Key;
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

/// Runs the screens until the user quits. Returns the pending journal's file when a verdict
/// is left in it (the store stayed busy to the end).
pub fn run(state: &mut State, desk: &mut Desk, started: Instant) -> Result<Option<PathBuf>> {
    let theme = Theme::from_env();
    let timings_file = std::env::var_os("OKK_TIMINGS");
    let mut timings = Timings::default();
    let mut terminal = ratatui::init();
    let mut workers: Option<Workers> = None;
    let settle = settle_wait();
    let result = (|| -> Result<()> {
        let mut keys = Keys::default();
        loop {
            terminal.draw(|f| view(state, &theme, f))?;
            timings.frame(state, started, keys.timed.take());
            // The worker threads open their own store handles once the first frame is up.
            let w = match workers.as_mut() {
                Some(w) => w,
                None => workers.insert(Workers::start(desk, state.shared.open_url, settle)?),
            };
            // Quitting waits for the writes under way (each is bounded: a busy store sends a
            // verdict to the journal), not for reads.
            if state.shared.quit && w.writes == 0 {
                return Ok(());
            }
            w.step(state, desk, &mut keys)?;
        }
    })();
    ratatui::restore();
    let left = match workers {
        Some(w) => w.stop(),
        None => desk.pending().map(|p| p.to_path_buf()),
    };
    if let Some(path) = timings_file {
        std::fs::write(path, serde_json::to_vec(&timings)?)?;
    }
    result.map(|()| left)
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

/// The worker threads, each with its own desk on the store: the writer performs writes in
/// order, the reader reads; both send back outcomes on one channel.
struct Workers {
    writes_to: Sender<Effect>,
    reads_to: Sender<Effect>,
    outcomes: Receiver<Outcome>,
    writer: JoinHandle<Desk>,
    /// Writes sent whose outcome has not come back.
    writes: usize,
    /// Reads sent whose answer has not come back.
    reads: usize,
    /// How long a key's frame waits for its writes and reads.
    settle: Duration,
}

impl Workers {
    fn start(desk: &Desk, open_url: fn(&str) -> bool, settle: Duration) -> Result<Workers> {
        let mut twin = desk.twin()?;
        let (writes_to, todo) = channel::<Effect>();
        let (done, outcomes) = channel();
        let answers = done.clone();
        watch(desk, done.clone());
        let writer = std::thread::spawn(move || {
            for effect in todo {
                if done.send(perform(effect, &mut twin, open_url)).is_err() {
                    break;
                }
            }
            twin
        });
        // The reader is not joined: quitting does not wait for a read (the stats' can take a
        // second on a big store).
        let reader = desk.twin()?;
        let (reads_to, asked) = channel::<Effect>();
        std::thread::spawn(move || {
            for effect in asked {
                let Effect::Read(read) = effect else { continue };
                if answers.send(read_outcome(read, &reader)).is_err() {
                    break;
                }
            }
        });
        Ok(Workers {
            writes_to,
            reads_to,
            outcomes,
            writer,
            writes: 0,
            reads: 0,
            settle,
        })
    }

    fn in_flight(&self) -> usize {
        self.writes + self.reads
    }

    /// Whether `key` goes to update now: not while a write is under way (unless a verdict
    /// waits for a busy store: update lets through the keys that look around the card), nor
    /// while a read will replace what it acts on (but quitting and going back go).
    fn flows(&self, state: &State, key: Key) -> bool {
        (self.writes == 0 || waits_for_store(state))
            && (!state.holds_keys() || passes_while_loading(state, key))
    }

    /// One turn of the loop between frames: an outcome that came back, a key held or typed,
    /// or a pause in the keys.
    fn step(&mut self, state: &mut State, desk: &Desk, keys: &mut Keys) -> Result<()> {
        if let Some(outcome) = self.poll(Duration::ZERO) {
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
                    status_pending(state, self.writes);
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

    fn poll(&mut self, wait: Duration) -> Option<Outcome> {
        let got = match self.outcomes.recv_timeout(wait) {
            Ok(o) => Some(o),
            Err(RecvTimeoutError::Timeout) => None,
            Err(RecvTimeoutError::Disconnected) => None,
        };
        match &got {
            Some(Outcome::Read { .. }) => self.reads -= 1,
            // The watcher's, not an effect's: nothing waited for it.
            Some(Outcome::OthersActed) => {}
            Some(_) => self.writes -= 1,
            None => {}
        }
        got
    }

    /// A key through update; its writes and reads get `settle` to come back before the frame.
    fn key(&mut self, state: &mut State, key: Key, desk: &Desk) {
        for key in meant(state, key) {
            self.feed(state, Msg::Key(key), desk);
            let until = Instant::now() + self.settle;
            while self.in_flight() > 0 {
                let Some(outcome) = self.poll(until.saturating_duration_since(Instant::now()))
                else {
                    break;
                };
                self.feed(state, Msg::Done(Box::new(outcome)), desk);
            }
        }
    }

    fn feed(&mut self, state: &mut State, msg: Msg, desk: &Desk) {
        for effect in update(state, msg, desk) {
            let (to, count) = if effect.is_read() {
                (&self.reads_to, &mut self.reads)
            } else {
                (&self.writes_to, &mut self.writes)
            };
            if to.send(effect).is_ok() {
                *count += 1;
            } else {
                // The worker is gone: nothing will answer, so nothing may wait for it.
                state.shared.loading = None;
            }
        }
    }

    /// Waits for the writes under way and returns the pending journal's file, if a verdict is
    /// left in it.
    fn stop(self) -> Option<PathBuf> {
        drop(self.writes_to);
        drop(self.reads_to);
        let twin = self.writer.join().ok()?;
        twin.pending().map(|p| p.to_path_buf())
    }
}

/// How often the watcher wakes to look for others' writes, and how long it lets a burst of
/// them gather into one refresh.
const WATCH_WAIT: Duration = Duration::from_secs(1);
const WATCH_GATHER: Duration = Duration::from_millis(300);

/// The watcher thread: others' writes to the store (a server's notification, a file's
/// version) become a message, so the figures on screen and the lead's list refresh without a
/// key. A store that cannot be watched is only not live.
fn watch(desk: &Desk, told: Sender<Outcome>) {
    let Ok(mut changes) = desk.watch() else {
        return;
    };
    std::thread::spawn(move || {
        loop {
            match changes.wait(WATCH_WAIT) {
                Ok(true) => {
                    std::thread::sleep(WATCH_GATHER);
                    // Drained: the burst is told once.
                    let _ = changes.wait(Duration::ZERO);
                    if told.send(Outcome::OthersActed).is_err() {
                        break;
                    }
                }
                Ok(false) => {}
                Err(_) => break,
            }
        }
    });
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
