//! The title bar (where the auditor is), the status line and the hint bar (generated from the
//! keymap of the layer in force).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::{Theme, clip};
use crate::text::tui as msg;
use crate::tui::action::Action;
use crate::tui::state::{InputFor, Popup, Screen, Shared, State, Status};

pub fn title(state: &State, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let mut parts = vec![format!(" okk · {}", clip(&state.shared.funnel.name, 40))];
    if state.screen == Screen::Stats {
        parts.push(msg::stats_title().to_string());
    } else if state.screen != Screen::Funnel
        && let Some(row) = state.stage_row()
    {
        parts.push(clip(&row.name, 40));
        if let Some(q) = &state.queue {
            let pos = match (&state.card, state.screen) {
                (Some(c), Screen::Card) => c.index + 1,
                _ if q.items.is_empty() => 0,
                _ => q.selected + 1,
            };
            let more = if q.more() { "+" } else { "" };
            parts.push(format!("{pos}/{}{more}", q.total()));
        }
    }
    // Who is working, once (a bare name: "auditor anna" read as "auditor auditor" for the
    // default name), at the right beside help, so a long stage name cannot cut it off.
    let who = super::fit(&crate::text::safe::line(&state.shared.auditor), 24);
    let who = match &state.lead {
        Some(l) => {
            let pos = if l.shown.is_empty() {
                0
            } else {
                l.selected + 1
            };
            parts.push(format!("{pos}/{}", l.shown.len()));
            format!("{} {who}", msg::lead())
        }
        None => who,
    };
    let right = format!("  {who} · ? {} ", msg::help());
    // The name and the help key always show; the left part gives way.
    let room = (area.width as usize).saturating_sub(super::width(&right));
    // The funnel's name goes first when the stage and the place in the queue need its room.
    let mut text = parts.join(" · ");
    if super::width(&text) > room && parts.len() > 2 {
        parts.remove(0);
        text = format!(" okk · {}", parts.join(" · "));
    }
    let left = super::pad(&super::fit(&text, room), room);
    let line = Line::from(vec![Span::raw(left), Span::raw(right)]);
    frame.render_widget(Paragraph::new(line).style(theme.title), area);
}

/// The status line, and at its right end the mark of a store read under way.
pub fn status(shared: &Shared, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    // A message longer than the line is cut at a word's end, marked.
    let room = (area.width as usize).saturating_sub(1);
    let line = match &shared.status {
        Some(Status::Info(s)) => Line::from(Span::styled(
            format!(" {}", super::fit_words(s, room)),
            theme.bold,
        )),
        Some(Status::Error(s)) => Line::from(Span::styled(
            format!(" {}", super::fit_words(s, room)),
            theme.error,
        )),
        None => Line::default(),
    };
    frame.render_widget(Paragraph::new(line), area);
    if shared.loading.is_some() {
        let mark = Line::from(Span::styled(format!("{} ", msg::loading()), theme.dim));
        frame.render_widget(Paragraph::new(mark.right_aligned()), area);
    }
}

pub fn hints(state: &State, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let mut spans = Vec::new();
    // The keymap's ranks say which hints give way when the terminal is narrow.
    // `l` only for a card the CRM links to.
    let linked = state.card.as_ref().is_some_and(|c| {
        let card = &c.detail.card;
        (state.shared.crm_links)
            .url(&card.source, &card.external_id)
            .is_some()
    });
    let absent: &[Action] = if linked { &[] } else { &[Action::OpenCrm] };
    // Enter in the lead's note box sends the review back, in the comment box keeps the
    // comment: nothing is chosen there. Esc in a text box drops what was typed.
    let saying = match &state.popup {
        Some(Popup::Input(input)) if input.purpose == InputFor::ReturnNote => vec![
            (Action::Choose, msg::return_note_enter()),
            (Action::Close, msg::text_esc()),
        ],
        Some(Popup::Input(_)) => vec![(Action::Close, msg::text_esc())],
        Some(Popup::Comment { .. }) => vec![
            (Action::Choose, msg::comment_enter()),
            (Action::Close, msg::text_esc()),
        ],
        _ => Vec::new(),
    };
    for hint in
        (state.shared.keymap).hint_bar_saying(state.mode(), area.width as usize, absent, &saying)
    {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(hint.key, theme.key));
        spans.push(Span::raw(format!(" {} ", hint.word)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
