//! The reviewer without a terminal, for the tests that drive it key by key: a state and a desk
//! on a store, and the screen drawn on a test backend.

use std::path::Path;
use std::sync::Arc;

use okk::store::Store;
use okk::tui::desk::Desk;
use okk::tui::keymap::Keymap;
use okk::tui::state::State;
use okk::tui::view::{Theme, view};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// A state and a desk on `db` for `who` (the reviewer, or the lead's desk), under the store's
/// clock: the demo's is frozen, so idle days and ages stay what the snapshots say.
pub fn open(db: &Path, who: &str) -> (State, Desk) {
    let store = Store::open(db).expect("open the store");
    let funnel = Arc::new(okk::funnel_config::default_funnel());
    let clock = okk::app::audit::today(&store, None).expect("the store's day");
    let desk = Desk::new(store, funnel.clone(), who.into(), "fp".into(), Some(clock));
    let mut state = State::new(funnel, who.into(), Keymap::default());
    state.shared.now = desk.now();
    state.shared.today = desk.today();
    (state, desk)
}

/// Presses the keys of a sequence in the tests' notation (`"ax Закр<enter>"`, see
/// [`super::keys`]), each with its effects performed before the next.
pub fn press(state: &mut State, desk: &mut Desk, seq: &str) {
    for key in super::keys::parse(seq) {
        okk::tui::update::handle_key(state, key, desk);
    }
}

/// `state` drawn on a `width`×`height` test terminal.
pub fn buffer(state: &State, width: u16, height: u16, theme: &Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal.draw(|f| view(state, theme, f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// The screen as text, uncoloured: one quoted line per row (cells hidden behind a wide
/// character are listed after the row).
pub fn screen(state: &State, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| view(state, &Theme::plain(), f))
        .expect("draw");
    terminal.backend().to_string()
}
