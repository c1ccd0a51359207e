//! Store reads are effects: a key asks for a page, a card or the figures, the screen says
//! "loading…" until the answer comes back as a message, and the answer shows. Driven here one
//! message at a time, each effect performed by hand (the runtime does it on its reader thread).

mod common;

use okk::tui::desk::Desk;
use okk::tui::effect::{Effect, Msg, perform};
use okk::tui::state::{Screen, State};
use okk::tui::update::{load_stages, start_at_stage, update};

const MET: &str = "Встреча проведена";

struct Session {
    _dir: tempfile::TempDir,
    state: State,
    desk: Desk,
}

fn session() -> Session {
    let common::Desk { dir, db } = common::Desk::demo();
    let (mut state, desk) = common::reviewer::open(&db, "anna");
    load_stages(&mut state, &desk).unwrap();
    Session {
        _dir: dir,
        state,
        desk,
    }
}

impl Session {
    /// One key through update, its effects returned unperformed.
    fn key(&mut self, seq: &str) -> Vec<Effect> {
        let mut effects = Vec::new();
        for key in common::keys::parse(seq) {
            effects.extend(update(&mut self.state, Msg::Key(key), &self.desk));
        }
        effects
    }

    /// Performs one effect and feeds its outcome back; returns what that asks for next.
    fn answer(&mut self, effect: Effect) -> Vec<Effect> {
        let outcome = perform(effect, &mut self.desk, |_| false);
        update(&mut self.state, Msg::Done(Box::new(outcome)), &self.desk)
    }

    fn screen(&self) -> String {
        common::reviewer::screen(&self.state, 100, 30)
    }

    fn stage_row(&self, name: &str) -> usize {
        common::reviewer::stage_row(&self.state, name)
    }
}

/// The one effect asked for, a read.
fn one_read(mut effects: Vec<Effect>) -> Effect {
    assert_eq!(effects.len(), 1, "one effect: {effects:?}");
    let effect = effects.remove(0);
    assert!(effect.is_read(), "a read: {effect:?}");
    effect
}

#[test]
fn opening_a_stage_asks_for_its_queue_and_says_loading_until_the_answer_shows_it() {
    let mut s = session();
    let row = s.stage_row(MET);
    s.state.stages.selected = row;
    let read = one_read(s.key("<enter>"));
    // Nothing read yet: the funnel stays, with the mark.
    assert_eq!(s.state.screen, Screen::Funnel);
    assert!(s.state.queue.is_none());
    assert!(s.screen().contains("loading…"), "{}", s.screen());
    let next = s.answer(read);
    assert!(next.is_empty(), "the queue needs nothing more: {next:?}");
    assert_eq!(s.state.screen, Screen::Queue);
    assert!(!s.state.queue.as_ref().unwrap().items.is_empty());
    assert!(!s.screen().contains("loading…"));
}

#[test]
fn going_back_drops_a_read_under_way_and_its_late_answer_changes_nothing() {
    let mut s = session();
    let read = one_read(s.key("4"));
    assert!(
        s.state.holds_keys(),
        "the stats replace the screen: keys wait"
    );
    assert!(s.key("q").is_empty());
    assert!(!s.state.holds_keys());
    assert!(!s.screen().contains("loading…"));
    assert!(s.answer(read).is_empty());
    assert_eq!(
        s.state.screen,
        Screen::Funnel,
        "the dropped figures do not show"
    );
    assert!(s.state.stats.is_none());
    assert!(!s.state.shared.quit, "q dropped the read, it did not quit");
}

#[test]
fn a_verdict_then_the_next_card_read_and_keys_wait_for_it_rather_than_judge_the_card_judged() {
    let mut s = session();
    let row = s.stage_row(MET);
    start_at_stage(&mut s.state, row, &s.desk).unwrap();
    let first = s.state.card.as_ref().unwrap().detail.card_id;
    let mut effects = s.key("a");
    assert!(
        matches!(effects[..], [Effect::SaveVerdict { .. }, Effect::Read(_)]),
        "the verdict, and the next card read ahead: {effects:?}"
    );
    let ahead = effects.remove(1);
    // The verdict is in before the card read ahead: the next card is asked for, the judged one
    // stays meanwhile, and the late card read ahead changes nothing.
    let card = one_read(s.answer(effects.remove(0)));
    assert!(s.answer(ahead).is_empty());
    assert_eq!(s.state.card.as_ref().unwrap().detail.card_id, first);
    assert!(s.state.holds_keys());
    assert!(
        s.key("s").is_empty(),
        "a verdict key waits for the next card"
    );
    assert!(s.state.verdicts.saving.is_none());
    assert!(s.answer(card).is_empty());
    let next = s.state.card.as_ref().unwrap().detail.card_id;
    assert_ne!(next, first, "the next card shows");
    assert!(s.state.queue.as_ref().unwrap().items[0].done.is_some());
}

#[test]
fn the_next_card_is_read_while_the_verdict_is_written_and_shows_as_soon_as_it_lands() {
    let mut s = session();
    let row = s.stage_row(MET);
    start_at_stage(&mut s.state, row, &s.desk).unwrap();
    let first = s.state.card.as_ref().unwrap().detail.card_id;
    let second = s.state.queue.as_ref().unwrap().items[1].entry.card_id;
    let mut effects = s.key("a");
    let ahead = effects.remove(1);
    assert!(s.answer(ahead).is_empty());
    assert_eq!(s.state.card.as_ref().unwrap().detail.card_id, first);
    assert!(!s.state.holds_keys(), "a card read ahead holds no key");
    assert!(
        s.answer(effects.remove(0)).is_empty(),
        "nothing more to read once the verdict is in"
    );
    assert_eq!(s.state.card.as_ref().unwrap().detail.card_id, second);
    assert_eq!(s.state.screen, Screen::Card);
    assert!(!s.screen().contains("loading…"));
}

#[test]
fn typing_a_queue_filter_goes_on_while_the_queue_is_read_again() {
    let mut s = session();
    let row = s.stage_row(MET);
    start_at_stage(&mut s.state, row, &s.desk).unwrap();
    s.key("q/");
    assert!(s.key("a").is_empty(), "typing reads nothing by itself");
    // The pause in the keys re-reads the queue; typing goes on meanwhile.
    let read = one_read(update(&mut s.state, Msg::Tick, &s.desk));
    assert!(!s.state.holds_keys());
    s.key("b");
    let q = s.state.queue.as_ref().unwrap();
    assert_eq!(q.filter, "ab");
    assert!(
        q.filter_pending,
        "the letter typed since waits for the next pause"
    );
    assert!(s.answer(read).is_empty());
    // The answer for "a" shows until the next pause reads "ab".
    let read = one_read(update(&mut s.state, Msg::Tick, &s.desk));
    s.answer(read);
    assert!(!s.state.queue.as_ref().unwrap().filter_pending);
    assert!(!s.screen().contains("loading…"));
}

/// Back on the funnel from a stage, its rows stay and its figures are read again without
/// holding the keys: a `q` typed before they come quits (it was taken for dropping the read,
/// and lost, while a desk of many reviews took most of a second to count them), and the figures
/// still show when they come.
#[test]
fn back_on_the_funnel_a_q_typed_before_its_figures_come_quits() {
    let mut s = session();
    let row = s.stage_row(MET);
    start_at_stage(&mut s.state, row, &s.desk).unwrap();
    assert_eq!(s.state.screen, Screen::Card);
    assert!(
        s.key("q").is_empty(),
        "the card to its queue: nothing to read"
    );
    let reread = one_read(s.key("q"));
    assert_eq!(s.state.screen, Screen::Funnel);
    assert!(
        !s.state.holds_keys(),
        "the funnel's keys act while it is read again"
    );
    // Its figures come back and show.
    s.state.stages.rows[row].counts = Default::default();
    assert!(s.answer(reread).is_empty());
    assert!(
        s.state.stages.rows[row].counts.cards > 0,
        "the figures read again show"
    );
    // Into the stage's queue again, back, and `q` before the figures come: it quits.
    let queue = one_read(s.key("<enter>"));
    assert!(s.answer(queue).is_empty());
    assert_eq!(s.state.screen, Screen::Queue);
    let _unanswered = one_read(s.key("q"));
    assert_eq!(s.state.screen, Screen::Funnel);
    s.key("q");
    assert!(
        s.state.shared.quit,
        "q on the funnel quits while its figures are read"
    );
}
