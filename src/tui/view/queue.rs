//! The queue screen: the stage's cards in the order the auditor meets them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::{Theme, clip};
use crate::text::tui as msg;
use crate::tui::state::State;

/// One character per rule code, so a row shows what is wrong at a glance.
pub fn flag_icon(code: &str) -> char {
    match code {
        "required" => 'R',
        "idle" => 'I',
        "date" => 'D',
        "markers" => 'M',
        "closed_open" => 'C',
        "backwards" => 'B',
        "gone" => 'G',
        "unknown_stage" => 'U',
        _ => '?',
    }
}

pub fn verdict_icon(v: crate::domain::review::Verdict) -> &'static str {
    use crate::domain::review::Verdict as V;
    match v {
        V::Ok => "✔",
        V::WrongStage => "→",
        V::Stale => "⌛",
        V::Dead => "✝",
        V::Unclear => "?",
    }
}

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let Some(q) = &state.queue else { return };
    let row = &state.stages[q.row];
    let [filter_area, table_area] = if q.filtering || !q.filter.is_empty() {
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area)
    } else {
        [Rect::default(), area]
    };
    if filter_area.height > 0 {
        let cursor = if q.filtering { "▏" } else { "" };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!(" {}: ", msg::FILTER), theme.bold),
                Span::raw(format!("{}{cursor}", clip(&q.filter, 200))),
            ])),
            filter_area,
        );
    }
    let all = if q.all {
        format!(" · {}", msg::QUEUE_ALL)
    } else {
        String::new()
    };
    let title = format!(
        " {} · {} / {}{all} ",
        clip(&row.name, 60),
        q.counts.reviewed,
        q.counts.cards
    );
    let block = Block::default().borders(Borders::ALL).title(title);
    if q.items.is_empty() {
        let inner = block.inner(table_area);
        frame.render_widget(block, table_area);
        frame.render_widget(Paragraph::new(msg::QUEUE_EMPTY), inner);
        return;
    }
    let header = Row::new(msg::QUEUE_COLUMNS.map(|h| Cell::from(h).style(theme.bold)));
    // Only the rows in view are built: a queue can hold many pages.
    let visible = table_area.height.saturating_sub(3) as usize;
    let first = q.selected.saturating_sub(visible.saturating_sub(1));
    let rows = q.items.iter().skip(first).take(visible.max(1)).map(|item| {
        let e = &item.entry;
        let mark = item.done.map_or(" ", verdict_icon);
        let flags: String = e.flags.iter().map(|c| flag_icon(c)).collect();
        let mut notes = Vec::new();
        if e.changed_since_review {
            notes.push(Span::styled(format!(" ↻ {}", msg::CHANGED), theme.warn));
        }
        if e.calibration {
            notes.push(Span::styled(format!(" ◎ {}", msg::CALIBRATION), theme.warn));
        }
        if let Some(note) = &e.returned {
            notes.push(Span::styled(
                format!(" ↩ {}: {}", msg::RETURNED, clip(note, 60)),
                theme.warn,
            ));
        }
        let mut title = vec![Span::raw(clip(e.title.as_deref().unwrap_or(""), 120))];
        title.extend(notes);
        Row::new(vec![
            Cell::from(mark),
            Cell::from(clip(&e.id, 20)),
            Cell::from(Line::from(title)),
            Cell::from(clip(e.owner.as_deref().unwrap_or(""), 40)),
            Cell::from(
                Line::from(e.idle_days.map_or(String::new(), |d| d.to_string())).right_aligned(),
            ),
            Cell::from(Span::styled(flags, theme.fail)),
        ])
    });
    let widths = [
        Constraint::Length(1),
        Constraint::Length(10),
        Constraint::Fill(3),
        Constraint::Fill(1),
        Constraint::Length(4),
        Constraint::Length(6),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶");
    let mut ts = TableState::default().with_selected(Some(q.selected - first));
    frame.render_stateful_widget(table, table_area, &mut ts);
}
