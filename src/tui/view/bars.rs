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
    // (The stats screen's own name, with nothing after it, too: «где воронка т…» was cut.)
    if super::width(&text) > room && (parts.len() > 2 || state.screen == Screen::Stats) {
        parts.remove(0);
        text = format!(" okk · {}", parts.join(" · "));
    }
    let left = super::pad(&super::fit(&text, room), room);
    let line = Line::from(vec![Span::raw(left), Span::raw(right)]);
    frame.render_widget(Paragraph::new(line).style(theme.title), area);
}

/// Rows the status line may take: a message longer than the line (a write refused, with the
/// server's reason) wraps over up to this many, the body giving way, so it is read whole.
pub const STATUS_ROWS: usize = 4;

/// The status message wrapped to `width` columns, each of its lines on a row of its own (at most [`STATUS_ROWS`] rows, the last cut at
/// a word's end, marked, if it needs more); none without a message.
pub fn status_lines(shared: &Shared, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let changed = shared.funnel_changed.map(crate::text::tui::funnel_changed);
    let (text, style) = match (&shared.status, &changed) {
        (Some(Status::Info(s)), _) => (s, theme.bold),
        (Some(Status::Error(s)), _) | (None, Some(s)) => (s, theme.error),
        (None, None) => return Vec::new(),
    };
    let width = usize::from(width);
    // A message of two parts (what is done, then where `enter` goes) starts each on a row.
    let mut lines: Vec<Line<'static>> = (text.split('\n'))
        .flat_map(|part| {
            super::hang::hang(
                Line::from(Span::styled(format!(" {part}"), style)),
                1,
                width,
            )
        })
        .collect();
    if lines.len() > STATUS_ROWS {
        // The rows kept, then what is left of the message cut at a word's end on the last.
        let kept: String = (lines[..STATUS_ROWS - 1].iter())
            .flat_map(|l| l.spans.iter().map(|s| format!("{} ", s.content)))
            .collect();
        lines.truncate(STATUS_ROWS - 1);
        let rest = text
            .split_whitespace()
            .skip(kept.split_whitespace().count())
            .collect::<Vec<_>>()
            .join(" ");
        let rest = super::fit_words(&rest, width.saturating_sub(1));
        lines.push(Line::from(Span::styled(format!(" {rest}"), style)));
    }
    lines
}

/// The status line (`lines`, from [`status_lines`]), and at its right end the mark of a store
/// read under way.
pub fn status(
    shared: &Shared,
    lines: Vec<Line<'static>>,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    frame.render_widget(Paragraph::new(lines), area);
    if shared.loading.is_some() {
        let mark = Line::from(Span::styled(format!("{} ", msg::loading()), theme.dim));
        let last = Rect {
            y: area.bottom().saturating_sub(1),
            height: 1.min(area.height),
            ..area
        };
        frame.render_widget(Paragraph::new(mark.right_aligned()), last);
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
    // comment: nothing is chosen there. Esc in a text box drops what was typed; over a comment
    // the store refused, which is the card's now, it drops nothing.
    let esc = if state.comment_kept_on_esc() {
        msg::comment_esc_kept()
    } else {
        msg::text_esc()
    };
    let saying = match &state.popup {
        Some(Popup::Input(input)) if input.purpose == InputFor::ReturnNote => vec![
            (Action::Choose, msg::return_note_enter()),
            (Action::Close, msg::text_esc()),
        ],
        // The value box saves what is typed: nothing is chosen there either.
        Some(Popup::Input(_)) => vec![
            (Action::Choose, msg::comment_enter()),
            (Action::Close, msg::text_esc()),
        ],
        // The funnel is the first screen: going back from it quits.
        None if state.screen == crate::tui::state::Screen::Funnel => {
            vec![(Action::Back, msg::funnel_back_quits())]
        }
        // Over all cards `t` goes back to the cards to check.
        None if state.screen == crate::tui::state::Screen::Queue
            && state.queue.as_ref().is_some_and(|q| q.all) =>
        {
            (Action::AllCards.hint_on())
                .map(|word| vec![(Action::AllCards, word)])
                .unwrap_or_default()
        }
        Some(Popup::Comment { .. }) => {
            vec![(Action::Choose, msg::comment_enter()), (Action::Close, esc)]
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(status: Option<Status>, width: u16) -> Vec<String> {
        let funnel = std::sync::Arc::new(crate::funnel_config::default_funnel());
        let keymap = crate::tui::keymap::Keymap::default();
        let mut state = State::new(funnel, "anna".to_string(), keymap);
        state.shared.status = status;
        (status_lines(&state.shared, &Theme::plain(), width).iter())
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn a_message_that_fits_takes_one_row_and_none_takes_none() {
        assert!(lines_of(None, 80).is_empty());
        let one = lines_of(Some(Status::Info("saved".to_string())), 80);
        assert_eq!(one, [" saved"]);
    }

    #[test]
    fn a_long_message_wraps_whole_then_is_cut_at_the_rows_it_may_take() {
        let reason = "refused: this connection writes and withdraws reviews only of its own \
                      auditor, ask the administrator to grant it again";
        let two = lines_of(Some(Status::Error(reason.to_string())), 80);
        assert_eq!(two.len(), 2, "{two:?}");
        let joined = two.join(" ");
        assert_eq!(
            joined.split_whitespace().collect::<Vec<_>>().join(" "),
            reason
        );
        let long = "word ".repeat(200);
        let cut = lines_of(Some(Status::Error(long)), 80);
        assert_eq!(cut.len(), STATUS_ROWS, "{cut:?}");
        assert!(cut.iter().all(|l| super::super::width(l) <= 80), "{cut:?}");
        assert!(cut[STATUS_ROWS - 1].ends_with('…'), "{cut:?}");
    }

    /// A stage done: where `enter` goes starts a row of its own, the next stage's name whole
    /// on it at 80 columns (tester39 F8: it was parted at the row's end).
    #[test]
    fn a_message_of_two_lines_starts_its_second_on_a_row_of_its_own() {
        let next = crate::text::tui::NextStage {
            name: "Закрыто и не реализовано".into(),
            to_review: 20,
        };
        let said = crate::text::tui::stage_done("Успешно реализовано", "", Some(&next), false);
        let rows = lines_of(Some(Status::Info(said)), 80);
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[1].contains("«Закрыто и не реализовано»"), "{rows:?}");
    }
}
