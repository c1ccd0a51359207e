//! Drawing: a pure function of the state. Every string from the CRM passes `text::safe` before
//! it reaches a span, so a card cannot send the terminal an escape sequence.

mod bars;
mod card;
mod fields;
mod funnel;
mod hang;
mod lead;
mod popup;
mod queue;
mod stats;
mod suggestion;
mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Table, TableState};

pub use theme::Theme;

use super::state::{Screen, State};
use crate::text::tui as msg;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

pub fn view(state: &State, theme: &Theme, frame: &mut Frame<'_>) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let p = Paragraph::new(msg::too_small(area.width, area.height))
            .wrap(ratatui::widgets::Wrap { trim: true });
        frame.render_widget(p, area);
        return;
    }
    let [title, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    bars::title(state, theme, frame, title);
    let shared = &state.shared;
    match state.screen {
        Screen::Funnel => funnel::draw(shared, &state.stages, theme, frame, body),
        Screen::Queue => {
            if let Some((q, row)) = state.queue.as_ref().zip(state.stage_row()) {
                queue::draw(q, row, theme, frame, body)
            }
        }
        Screen::Card => {
            if let Some(c) = &state.card {
                card::draw(shared, c, None, theme, frame, body)
            }
        }
        Screen::Decide => {
            if let Some(c) = &state.card {
                card::draw(shared, c, state.lead.as_ref(), theme, frame, body)
            }
        }
        Screen::Reviews => {
            if let Some(l) = &state.lead {
                lead::draw(shared, l, theme, frame, body)
            }
        }
        Screen::Stats => {
            if let Some(s) = &state.stats {
                match &s.fields {
                    Some(v) => fields::draw(v, theme, frame, body),
                    None => stats::draw(s, theme, frame, body),
                }
            }
        }
    }
    bars::status(shared, theme, frame, status);
    bars::hints(state, theme, frame, hints);
    if state.popup.is_some() {
        popup::draw(state, theme, frame, body);
    }
}

/// A box of `w`×`h` centred in `area` (clamped to it).
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// At most `max` characters of untrusted one-line text, made safe; long values end in `…`.
fn clip(s: &str, max: usize) -> String {
    let safe = crate::text::safe::line(s);
    match safe.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &safe[..i]),
        None => safe.into_owned(),
    }
}

/// Display width of text (Cyrillic 1, CJK and emoji 2).
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns, ending in `…` when cut.
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// `s` padded with spaces to `cols` columns (by display width, not characters).
fn pad(s: &str, cols: usize) -> String {
    format!("{s}{}", " ".repeat(cols.saturating_sub(width(s))))
}

/// A long list's table (its rows, header and box), the selected row marked as every long list
/// marks it: the queue's and the lead's. `selected` counts from the first row built.
fn draw_list(frame: &mut Frame<'_>, area: Rect, table: Table<'_>, selected: usize, theme: &Theme) {
    let table = table
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶");
    let mut ts = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut ts);
}

/// The filter being typed (or kept) above a list: the queue's and the lead's.
fn filter_line(filter: &str, typing: bool, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let cursor = if typing { "▏" } else { "" };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!(" {}: ", msg::filter()), theme.bold),
            Span::raw(format!("{}{cursor}", clip(filter, 200))),
        ])),
        area,
    );
}
