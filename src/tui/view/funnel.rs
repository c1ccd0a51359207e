//! The funnel screen: each stage in queue order with its figures and a bar of the auditor's
//! progress through it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState};

use super::{Theme, clip};
use crate::text::tui as msg;
use crate::tui::state::{Shared, StagesScreen};

const BAR: usize = 12;

/// `reviewed` of `cards` as a bar of BAR cells: done ones full, the rest light.
fn bar(done: u64, total: u64) -> String {
    if total == 0 {
        return " ".repeat(BAR);
    }
    let full = ((done as f64 / total as f64) * BAR as f64).round() as usize;
    let full = full.min(BAR);
    format!("{}{}", "█".repeat(full), "░".repeat(BAR - full))
}

pub fn draw(shared: &Shared, s: &StagesScreen, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", clip(&shared.funnel.name, 60)))
        .title_bottom(
            Line::from(format!(
                " ◆ {}  ? {} ",
                msg::extra_control(),
                msg::not_in_funnel()
            ))
            .right_aligned(),
        );
    if s.rows.iter().all(|r| r.counts.cards == 0) && s.rows.iter().all(|r| r.stage.is_some()) {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(Paragraph::new(msg::no_cards()), inner);
        return;
    }
    // The stage's figures, each column as wide as its header in either language. The first is
    // the stage's queue, not its cards in the CRM: closed and gone cards a rule flagged are in
    // it, which `okk stats` does not count (tester32 F7 read «Всего» as the stage's total).
    const FIGURES: [u16; 4] = [8, 9, 7, 5];
    let header = Row::new((msg::funnel_columns().iter().enumerate()).map(|(i, h)| {
        let figure = (1..=FIGURES.len()).contains(&i);
        let cols = if figure {
            FIGURES[i - 1] as usize
        } else {
            super::width(h)
        };
        super::head(h, cols, figure, theme)
    }));
    let rows = s.rows.iter().map(|r| {
        let c = r.counts;
        // A one-character mark: the stage column needs the room at 80 columns.
        let mark = if r.stage.is_none() {
            Span::styled(" ?", theme.warn)
        } else if r.extra_control {
            Span::styled(" ◆", theme.warn)
        } else {
            Span::raw("")
        };
        Row::new(vec![
            Cell::from(clip(&r.name, 60)),
            Cell::from(Line::from(c.cards.to_string()).right_aligned()),
            Cell::from(Line::from(c.to_review().to_string()).right_aligned()),
            Cell::from(Line::from(c.flagged.to_string()).right_aligned()),
            Cell::from(Line::from(c.reviewed.to_string()).right_aligned()),
            Cell::from(Line::from(vec![
                Span::styled(bar(c.reviewed, c.cards), theme.bar),
                mark,
            ])),
        ])
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(FIGURES[0]),
        Constraint::Length(FIGURES[1]),
        Constraint::Length(FIGURES[2]),
        Constraint::Length(FIGURES[3]),
        Constraint::Length(BAR as u16 + 2),
    ];
    let table = Table::new(rows, widths)
        .header(header)
        .block(block)
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶ ");
    let mut ts = TableState::default().with_selected(Some(s.selected));
    frame.render_stateful_widget(table, area, &mut ts);
}
