//! The reviewer without a terminal, for the tests that drive it key by key: a state and a desk
//! on a store, and the screen drawn on a test backend.

use std::path::Path;
use std::sync::Arc;

use okk::domain::crm_stage::{CrmStage, Semantics};
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
    open_as_of(db, who, None)
}

/// [`open`], judging the cards as of `day` (`--today`) when given.
pub fn open_as_of(db: &Path, who: &str, day: Option<chrono::NaiveDate>) -> (State, Desk) {
    let store = Store::open(db).expect("open the store");
    let funnel = Arc::new(okk::funnel_config::default_funnel());
    let clock = okk::app::audit::today(&store, day).expect("the store's day");
    let desk = Desk::new(store, funnel.clone(), who.into(), "fp".into(), Some(clock));
    let mut state = State::new(funnel, who.into(), Keymap::default());
    state.shared.now = desk.now();
    state.shared.today = desk.today();
    (state, desk)
}

/// The demo's pipeline as an amoCRM sync could read it: no «Квалификация», «Молчуны после
/// встречи» nor «Бронирование»; the success and failure stages named as the account's admins
/// chose (known by their semantics, not by the funnel's names).
pub const DEMO_PIPELINE: (&str, &[(&str, Semantics)]) = (
    "Продажи недвижимости",
    &[
        ("Неразобранное", Semantics::Open),
        ("Встреча назначена", Semantics::Open),
        ("Встреча проведена", Semantics::Open),
        ("Отработка возражений", Semantics::Open),
        ("Контакт после встречи", Semantics::Open),
        ("Договор", Semantics::Open),
        ("Продано", Semantics::Won),
        ("Не продано", Semantics::Lost),
    ],
);

/// What the stage pickers mark on a demo card once [`DEMO_PIPELINE`] is planted.
pub const NOT_IN_DEMO_PIPELINE: [&str; 3] =
    ["Квалификация", "Молчуны после встречи", "Бронирование"];

/// Plants in `store` the stages a sync of connection `connection` would have read: one
/// pipeline, its stages in order (`okk sync` writes them; a test of the screens needs no CRM).
pub fn plant_crm_stages(
    store: &mut Store,
    connection: &str,
    pipeline: (&str, &[(&str, Semantics)]),
) {
    let (name, stages) = pipeline;
    let stages: Vec<CrmStage> = (stages.iter().enumerate())
        .map(|(i, (stage, semantics))| CrmStage {
            pipeline_id: "7000001".into(),
            pipeline: name.into(),
            pipeline_sort: 1,
            stage_id: format!("{}", 60_000_001 + i),
            stage: stage.to_string(),
            sort: 10 * (i as i64 + 1),
            semantics: Some(*semantics),
        })
        .collect();
    let state = okk::store::crm::SyncState::default();
    store
        .save_crm_state_and_stages(connection, &state, Some(&stages))
        .expect("plant the CRM's stages");
}

/// The stage picker's items marked (no place in the card's CRM pipeline), in the list's order.
pub fn marked(picker: &okk::tui::picker::Picker) -> Vec<&str> {
    (picker.items.iter().enumerate())
        .filter(|(i, _)| picker.is_marked(*i))
        .map(|(_, s)| s.as_str())
        .collect()
}

/// The funnel screen's row of stage `name` (stages loaded).
pub fn stage_row(state: &State, name: &str) -> usize {
    (state.stages.rows.iter())
        .position(|r| r.name == name)
        .unwrap_or_else(|| panic!("no stage {name}"))
}

/// [`open`], the stages loaded and stage `stage` opened at its first card, as `okk review
/// --stage STAGE` starts.
pub fn open_at_stage(db: &Path, who: &str, stage: &str) -> (State, Desk) {
    open_at_stage_as_of(db, who, stage, None)
}

/// [`open_at_stage`], judging the cards as of `day` when given.
pub fn open_at_stage_as_of(
    db: &Path,
    who: &str,
    stage: &str,
    day: Option<chrono::NaiveDate>,
) -> (State, Desk) {
    let (mut state, desk) = open_as_of(db, who, day);
    okk::tui::update::load_stages(&mut state, &desk).expect("stages");
    let row = stage_row(&state, stage);
    okk::tui::update::start_at_stage(&mut state, row, &desk).expect("the stage opens");
    (state, desk)
}

/// The external id of the card open on the card screen.
pub fn shown_card(state: &State) -> String {
    let card = state.card.as_ref().expect("a card is open");
    card.detail.card.external_id.clone()
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

/// Characters that must not reach a terminal: controls (C0, DEL, C1) and the invisible
/// direction and format marks a card could reorder text with.
fn forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{061c}'
        )
}

/// Every cell holds printable text (nothing [`forbidden`]), and each row's symbols add up to
/// exactly the terminal's width: a wide character takes its cell and hides the next one, so a
/// row that miscounts one shifts or cuts everything after it.
pub fn assert_rows_whole(buf: &Buffer) {
    let area = buf.area;
    for y in 0..area.height {
        let mut width = 0usize;
        let mut hidden = 0usize;
        for x in 0..area.width {
            let sym = buf[(x, y)].symbol();
            if let Some(c) = sym.chars().find(|&c| forbidden(c)) {
                panic!("cell ({x}, {y}) holds {c:?} in {sym:?}");
            }
            if hidden > 0 {
                hidden -= 1;
                continue;
            }
            let w = ratatui::text::Span::raw(sym).width();
            width += w;
            hidden = w.saturating_sub(1);
        }
        assert_eq!(
            width, area.width as usize,
            "row {y} is {width} columns wide"
        );
    }
}

/// tester43 F1: a lead applies another funnel to the store (`apply`, another process) while
/// the reviewer (`state` on `desk`) is open: her watcher hears it (the apply notifies), and the
/// screen says the store's funnel changed, a key later still, until the store's funnel is the
/// session's again.
pub fn hears_the_funnel_applied(state: &mut State, desk: &mut Desk, apply: impl FnOnce()) {
    use okk::tui::effect::{Msg, Outcome};
    let mut watch = desk.watch().expect("a watch on the store");
    assert_eq!(
        watch.applied_funnel().expect("asked"),
        None,
        "the store judges by the reviewer's funnel file so far"
    );
    apply();
    assert!(
        watch
            .wait(std::time::Duration::from_secs(5))
            .expect("waited"),
        "the apply heard"
    );
    let (version, hash) = (watch.applied_funnel().expect("asked")).expect("a funnel applied");
    let said = format!("the store's funnel changed (version {version})");
    assert!(!screen(state, 200, 30).contains(&said));
    let heard = |hash: String| Msg::Done(Box::new(Outcome::FunnelApplied { version, hash }));
    okk::tui::run::dispatch(state, heard(hash), desk);
    assert!(
        screen(state, 200, 30).contains(&said),
        "{}",
        screen(state, 200, 30)
    );
    press(state, desk, "<space>");
    assert!(
        screen(state, 200, 30).contains(&said),
        "said until she opens okk again: {}",
        screen(state, 200, 30)
    );
    // The store's funnel is the session's again: nothing to say.
    okk::tui::run::dispatch(state, heard(desk.fingerprint().to_string()), desk);
    assert!(!screen(state, 200, 30).contains(&said));
}
