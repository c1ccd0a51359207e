//! The stats screen: the figures asked for and read back, moving through the bottlenecks, and
//! opening the cards where one lies; its fields view (how well each custom field is kept).

use std::sync::Arc;

use super::{Cx, funnel, queue};
use crate::domain::analytics::StatsFigures;
use crate::domain::fill::FillRow;
use crate::tui::action::Action;
use crate::tui::read::{Ask, Then};
use crate::tui::state::{FieldsView, Popup, Screen, State, StatsScreen};

/// Asks for the figures (one pass over the cards and the reviews); the stats screen shows
/// them once they are in.
pub(super) fn open(state: &mut State, cx: &mut Cx) {
    cx.read(state, Ask::Stats, Then::Stats);
}

pub(super) fn figures_read(state: &mut State, figures: Box<StatsFigures>, per_day: Vec<u64>) {
    let back = match (state.screen, state.stats.as_ref()) {
        (Screen::Stats, Some(s)) => s.back,
        (screen, _) => screen,
    };
    state.stats = Some(StatsScreen {
        figures: Arc::from(figures),
        selected: 0,
        reviews_per_day: per_day,
        fields: None,
        back,
    });
    state.card = None;
    state.screen = Screen::Stats;
}

/// The fill rows are in: the fields view opens over the figures (a stats screen closed
/// meanwhile stays closed).
pub(super) fn fields_read(state: &mut State, rows: Vec<FillRow>) {
    if let Some(s) = state.stats.as_mut()
        && state.screen == Screen::Stats
    {
        s.fields = Some(FieldsView {
            rows: Arc::from(rows),
            selected: 0,
        });
    }
}

/// Move through the bottlenecks; enter opens the cards where one lies (the stage's queue,
/// filtered to the manager for a stage-and-manager pair). The fields key asks for the fields
/// view, which then takes the moves until it is closed.
pub(super) fn keys(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(s) = state.stats.as_mut() else {
        state.screen = Screen::Funnel;
        return;
    };
    if s.fields.is_some() {
        fields_keys(&mut s.fields, action, &mut state.popup);
        return;
    }
    let list = bottleneck_list(&s.figures);
    let last = list.len().saturating_sub(1);
    match action {
        Action::Down => s.selected = (s.selected + 1).min(last),
        Action::Up => s.selected = s.selected.saturating_sub(1),
        Action::First => s.selected = 0,
        Action::Last => s.selected = last,
        Action::Open if !list.is_empty() => {
            let (stage, manager) = list[s.selected].clone();
            let Some(row) = state.stages.rows.iter().position(|r| r.name == stage) else {
                return;
            };
            state.stages.selected = row;
            queue::open_from_stats(state, row, manager.unwrap_or_default(), cx);
        }
        Action::Help => {
            state.popup = Some(Popup::Help {
                scroll: Default::default(),
            })
        }
        Action::Fields => cx.read(state, Ask::Fields, Then::Fields),
        // A queue is shown again as it was left (its place, its filter, its `t`); the
        // funnel's figures are read again.
        Action::Back if s.back == Screen::Queue && state.queue.is_some() => {
            state.screen = Screen::Queue;
        }
        Action::Back => {
            state.screen = Screen::Funnel;
            funnel::reread(state, cx);
        }
        _ => {}
    }
}

/// Rows moved over per page of the fields view.
const FIELDS_PAGE: usize = 10;

fn fields_keys(open: &mut Option<FieldsView>, action: Action, popup: &mut Option<Popup>) {
    let Some(view) = open.as_mut() else {
        return;
    };
    if let Some(to) = action.move_in_list(view.selected, view.rows.len(), FIELDS_PAGE) {
        view.selected = to;
        return;
    }
    match action {
        Action::Help => {
            *popup = Some(Popup::Help {
                scroll: Default::default(),
            })
        }
        // Back to the figures it was opened over.
        Action::Fields | Action::Back => *open = None,
        _ => {}
    }
}

/// The bottlenecks the stats screen lists, in order: stages, then stage-and-manager pairs.
pub fn bottleneck_list(f: &StatsFigures) -> Vec<(String, Option<String>)> {
    let b = &f.analytics.bottlenecks;
    b.stages
        .iter()
        .chain(&b.pairs)
        .map(|x| (x.stage.clone(), x.manager.clone()))
        .collect()
}
