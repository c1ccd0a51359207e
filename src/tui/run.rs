//! The terminal loop: draw, wait for a key (or half a second, to keep a comment draft; 60 ms
//! while a verdict waits for a busy store), update, repeat. The terminal is restored on every
//! exit path: `ratatui::init` installs a panic hook that restores it before color-eyre reports
//! the panic.

use std::time::{Duration, Instant};

use color_eyre::Result;
use ratatui::crossterm::event::{self, Event, KeyEventKind};

use super::desk::Desk;
use super::effect::{Msg, perform};
use super::keymap::Key;
use super::state::{Screen, State};
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

pub fn run(state: &mut State, desk: &mut Desk, started: Instant) -> Result<()> {
    let theme = Theme::from_env();
    let timings_file = std::env::var_os("OKK_TIMINGS");
    let mut timings = Timings::default();
    let mut terminal = ratatui::init();
    let result = (|| -> Result<()> {
        let mut pending: Option<(Instant, f64)> = None;
        loop {
            terminal.draw(|f| view(state, &theme, f))?;
            let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
            if timings.first_frame_ms.is_none() {
                timings.first_frame_ms = Some(ms(started));
            }
            if timings.first_card_ms.is_none() && state.screen == Screen::Card {
                timings.first_card_ms = Some(ms(started));
            }
            if let Some((t, update)) = pending.take() {
                timings.keys_ms.push(ms(t));
                timings.update_ms.push(update);
            }
            if state.quit {
                return Ok(());
            }
            // Soon when work waits for a pause in the keys (a typed filter) or for the store (a
            // verdict saving while another process writes), else twice a second.
            let wait = if state.wants_tick() { 60 } else { 500 };
            if !event::poll(Duration::from_millis(wait))? {
                dispatch(state, Msg::Tick, desk);
                continue;
            }
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    let t = Instant::now();
                    dispatch(state, Msg::Key(Key::from_event(&k)), desk);
                    pending = Some((t, ms(t)));
                }
                // A resize (or anything else) just redraws.
                _ => {}
            }
        }
    })();
    ratatui::restore();
    if let Some(path) = timings_file {
        std::fs::write(path, serde_json::to_vec(&timings)?)?;
    }
    result
}

/// One message through `update`, and every effect it asks for performed in order, each outcome
/// fed back as a message, until nothing more is asked. A key that stands for two is settled
/// one key at a time.
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
    let mut inbox = std::collections::VecDeque::from([msg]);
    while let Some(msg) = inbox.pop_front() {
        for effect in update(state, msg, desk) {
            inbox.push_back(Msg::Done(perform(effect, desk, state.open_url)));
        }
    }
}
