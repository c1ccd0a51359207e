//! The stats screen's fields view: per custom field and stage, the cards, how many keep the
//! field and the rate, and the owner who leaves it empty most (the rows of `okk fields`).

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, TableState, Wrap};

use super::{Theme, clip};
use crate::domain::fill::{FillRow, OwnerFill};
use crate::text::tui as msg;
use crate::tui::state::FieldsView;

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

/// The owner whose cards at the stage keep the field least (listed first), if any leaves it
/// empty at all.
fn emptiest(r: &FillRow) -> Option<&OwnerFill> {
    r.owners.iter().find(|o| o.cards > 0 && o.filled < o.cards)
}

pub fn draw(v: &FieldsView, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(msg::fields_title());
    if v.rows.is_empty() {
        let inner = block.inner(area);
        frame.render_widget(block, area);
        frame.render_widget(
            Paragraph::new(msg::fields_none()).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let header = Row::new(msg::fields_columns().map(|h| Cell::from(h).style(theme.bold)));
    let rows = v.rows.iter().enumerate().map(|(i, r)| {
        // The field's name heads its group; the rows under it name only the stage.
        let first = i == 0 || v.rows[i - 1].field != r.field;
        let field = if first {
            clip(&r.field, 40)
        } else {
            String::new()
        };
        let low = r.rate.is_some_and(|x| x < 0.8) && (r.bound || r.required);
        // A field the CRM never sends: said in place of an owner to blame.
        let unexported = (!r.not_exported_by.is_empty())
            .then(|| crate::text::fields::not_exported(&r.not_exported_by));
        let who = unexported.unwrap_or_else(|| {
            emptiest(r).map_or_else(String::new, |o| {
                let name = o
                    .owner
                    .as_deref()
                    .map_or_else(msg::fields_no_owner, |n| clip(n, 30));
                format!("{name} {}/{}", o.filled, o.cards)
            })
        });
        Row::new(vec![
            Cell::from(field).style(theme.bold),
            Cell::from(clip(&r.stage, 40)),
            Cell::from(msg::fields_mark(r.bound, r.required)).style(theme.dim),
            Cell::from(Line::from(r.cards.to_string()).right_aligned()),
            Cell::from(Line::from(r.filled.to_string()).right_aligned()),
            Cell::from(Line::from(pct(r.rate)).right_aligned()).style(if low {
                theme.fail
            } else {
                ratatui::style::Style::new()
            }),
            Cell::from(crate::text::fields::trend(&r.trend)),
            Cell::from(who).style(theme.dim),
        ])
    });
    let widths = [
        Constraint::Percentage(20),
        Constraint::Percentage(18),
        Constraint::Length(9),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(17),
        Constraint::Min(10),
    ];
    let mut ts = TableState::default().with_selected(Some(v.selected));
    frame.render_stateful_widget(
        Table::new(rows, widths)
            .header(header)
            .block(block)
            .row_highlight_style(theme.selected),
        area,
        &mut ts,
    );
}
