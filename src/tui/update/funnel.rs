//! The funnel screen's keys, and the stages' figures read back: shown, or read to say the open
//! stage is done and which is next, or to open the next.

use super::{Cx, queue, stats};
use crate::text::tui as msg;
use crate::tui::action::Action;
use crate::tui::desk::StageRow;
use crate::tui::effect::Effect;
use crate::tui::read::{Ask, Read, Then};
use crate::tui::state::{Popup, State, Status};

pub(super) fn keys(state: &mut State, action: Action, cx: &mut Cx) {
    let s = &mut state.stages;
    if let Some(to) = action.move_in_list(s.selected, s.rows.len(), 10) {
        s.selected = to;
        return;
    }
    match action {
        Action::Open if !s.rows.is_empty() => {
            let row = s.selected;
            queue::open(state, row, String::new(), false, cx)
        }
        Action::Stats => stats::open(state, cx),
        Action::Help => {
            state.popup = Some(Popup::Help {
                scroll: Default::default(),
            })
        }
        Action::Back => state.shared.quit = true,
        _ => {}
    }
}

/// Back on the funnel from a stage or the figures: its rows stay on screen, and keys act on
/// them, while their figures are read again (no mark, as a refresh: on a desk of many reviews
/// the read takes most of a second, and a `q` typed meanwhile was taken for dropping the read
/// instead of quitting).
pub(super) fn reread(state: &State, cx: &mut Cx) {
    cx.ask(Effect::Read(Read {
        ticket: 0,
        ask: Ask::Stages,
        then: Then::Refreshed {
            writes: state.shared.own_writes,
        },
    }));
}

/// Asks for the stages' figures, then `then`.
pub(super) fn read(state: &mut State, then: Then, cx: &mut Cx) {
    cx.read(state, Ask::Stages, then);
}

/// The stages as the store has them now.
pub(super) fn stages_read(state: &mut State, then: Then, rows: Vec<StageRow>, cx: &mut Cx) {
    let open = (state.queue.as_ref())
        .and_then(|q| state.stages.rows.get(q.row))
        .map(|r| r.name.clone());
    state.stages.set_rows(rows);
    // The open queue's stage keeps its row by name (a stage before it may have come or gone);
    // a stage the funnel does not know whose every card a prune took out is no row any more:
    // back to the funnel, saying so.
    if let (Some(name), Some(q)) = (open, state.queue.as_mut()) {
        match state.stages.rows.iter().position(|r| r.name == name) {
            Some(row) => q.row = row,
            None => {
                state.queue = None;
                state.card = None;
                state.screen = crate::tui::state::Screen::Funnel;
                state.shared.status = Some(Status::Info(msg::stage_emptied(&name)));
                return;
            }
        }
    }
    match then {
        // The first look at the funnel: the cursor on the first stage with cards to review, in
        // the funnel's order (the extra-control stages first), else the first row; an auditor
        // who opens her store should not land on a stage with nothing in it.
        Then::ShowStages => {
            let rows = &state.stages.rows;
            state.stages.selected = (rows.iter())
                .position(|r| r.counts.to_review() > 0)
                .unwrap_or(0);
        }
        Then::StageDone => say_stage_done(state),
        Then::NextStage => match next_stage_row(state) {
            Some(row) => queue::start_at(state, row, cx),
            None => state.shared.status = Some(Status::Info(msg::all_done())),
        },
        _ => {}
    }
}

/// The open stage has no card left to review: says so (of the filtered cards, when a filter is
/// on), and names the next stage in queue order that has some, wrapping round to the earlier
/// ones, with the figures as the store has them now.
pub(super) fn say_stage_done(state: &mut State) {
    let name = state
        .stage_row()
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let filter = state.queue.as_ref().map_or("", |q| q.filter.as_str());
    // A stage that had no card for her to begin with is not one she checked.
    let empty = state.queue.as_ref().is_some_and(|q| q.items.is_empty())
        && state.stage_row().is_some_and(|r| r.counts.reviewed == 0);
    let rows = &state.stages.rows;
    let next = next_stage_row(state).map(|i| msg::NextStage {
        name: rows[i].name.clone(),
        to_review: rows[i].counts.to_review(),
    });
    state.shared.status = Some(Status::Info(msg::stage_done(
        &name,
        filter,
        next.as_ref(),
        empty,
    )));
}

/// The next stage in queue order with cards to review, after the open one, else the first
/// before it: an auditor who starts mid-funnel still meets the stages above.
fn next_stage_row(state: &State) -> Option<usize> {
    let from = state
        .queue
        .as_ref()
        .map_or(state.stages.selected, |q| q.row);
    let rows = &state.stages.rows;
    let n = rows.len();
    (from + 1..n)
        .chain(0..from.min(n))
        .find(|&i| rows[i].counts.to_review() > 0)
}
