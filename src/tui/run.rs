//! The runtime: draw, wait for a key (or half a second, to keep a comment draft; 60 ms while a
//! verdict waits for a busy store), update, perform the effects update asks for, repeat. Store
//! writes run on a writer thread with its own store handle (gitui's lesson): a busy store never
//! freezes the screen. The terminal is restored on every exit path: `ratatui::init` installs a
//! panic hook that restores it before color-eyre reports the panic.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use color_eyre::Result;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::desk::Desk;
use super::effect::{Effect, Msg, Outcome, perform};
use super::keymap::Key;
use super::state::{Screen, State, Status};
use super::update::{meant, update};
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
    let mut writer: Option<Writer> = None;
    let settle = settle_wait();
    let result = (|| -> Result<()> {
        let mut keys = Keys::default();
        loop {
            terminal.draw(|f| view(state, &theme, f))?;
            timings.frame(state, started, keys.timed.take());
            // The writer thread opens its own store handle once the first frame is up.
            let w = match writer.as_mut() {
                Some(w) => w,
                None => writer.insert(Writer::start(desk, state.open_url, settle)?),
            };
            // Quitting waits for the writes under way (each is bounded: a busy store sends a
            // verdict to the journal).
            if state.quit && w.in_flight == 0 {
                return Ok(());
            }
            w.step(state, desk, &mut keys)?;
        }
    })();
    ratatui::restore();
    let left = match writer {
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
    state.saving.as_ref().is_some_and(|s| !s.trying)
}

/// Keys held while the store is slow: the status line says what they wait for.
fn status_pending(state: &mut State, writes: usize) {
    if state.status.is_none() {
        state.status = Some(Status::Info(crate::text::tui::writes_pending(writes)));
    }
}

/// The writer thread: performs effects on its own desk, in order, and sends back outcomes.
struct Writer {
    effects: Sender<Effect>,
    outcomes: Receiver<Outcome>,
    thread: JoinHandle<Desk>,
    /// Effects sent whose outcome has not come back.
    in_flight: usize,
    /// How long a key's frame waits for its writes.
    settle: Duration,
}

impl Writer {
    fn start(desk: &Desk, open_url: fn(&str) -> bool, settle: Duration) -> Result<Writer> {
        let mut twin = desk.twin()?;
        let (effects, todo) = channel::<Effect>();
        let (done, outcomes) = channel();
        let thread = std::thread::spawn(move || {
            for effect in todo {
                if done.send(perform(effect, &mut twin, open_url)).is_err() {
                    break;
                }
            }
            twin
        });
        Ok(Writer {
            effects,
            outcomes,
            thread,
            in_flight: 0,
            settle,
        })
    }

    /// One turn of the loop between frames: an outcome that came back, a key held or typed,
    /// or a pause in the keys.
    fn step(&mut self, state: &mut State, desk: &Desk, keys: &mut Keys) -> Result<()> {
        if let Some(outcome) = self.poll(Duration::ZERO) {
            self.feed(state, Msg::Done(Box::new(outcome)), desk);
            return Ok(());
        }
        // Keys wait while a write is under way (typed ahead, they apply in order), unless a
        // verdict waits for a busy store (then update lets through the keys that look around
        // the card).
        let keys_flow = self.in_flight == 0 || waits_for_store(state);
        if keys_flow && let Some(key) = keys.held.pop_front() {
            let t = Instant::now();
            self.key(state, key, desk);
            keys.timed = Some((t, ms(t)));
            return Ok(());
        }
        // Soon when work waits for a pause in the keys (a typed filter), for the store (a
        // verdict saving while another process writes) or for the writer, else twice a second.
        let wait = match (self.in_flight, state.wants_tick()) {
            (1.., _) => 5,
            (0, true) => 60,
            (0, false) => 500,
        };
        if !event::poll(Duration::from_millis(wait))? {
            if self.in_flight == 0 {
                self.feed(state, Msg::Tick, desk);
            }
            return Ok(());
        }
        match event::read()? {
            Event::Key(k) if k.kind != KeyEventKind::Release => {
                let key = Key::from_event(&k);
                if !keys_flow {
                    keys.held.push_back(key);
                    status_pending(state, self.in_flight);
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
        if got.is_some() {
            self.in_flight -= 1;
        }
        got
    }

    /// A key through update; its writes get `settle` to come back before the frame.
    fn key(&mut self, state: &mut State, key: Key, desk: &Desk) {
        for key in meant(state, key) {
            self.feed(state, Msg::Key(key), desk);
            let until = Instant::now() + self.settle;
            while self.in_flight > 0 {
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
            if self.effects.send(effect).is_ok() {
                self.in_flight += 1;
            }
        }
    }

    /// Waits for the writes under way and returns the pending journal's file, if a verdict is
    /// left in it.
    fn stop(self) -> Option<PathBuf> {
        drop(self.effects);
        let twin = self.thread.join().ok()?;
        twin.pending().map(|p| p.to_path_buf())
    }
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
            inbox.push_back(Msg::Done(Box::new(perform(effect, desk, state.open_url))));
        }
    }
}
