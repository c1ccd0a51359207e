//! The stats screen's fields view: per custom field and stage, the cards, how many keep the
//! field and the rate, and the owner who leaves it empty most (the rows of `okk fields`). Each
//! field's name heads its stages on a line of its own, so that neither it nor a stage's name
//! has to share a column with the other.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, List, ListItem, ListState, Paragraph};

use super::columns::{Col, widths};
use super::{Theme, fit, pad, width};
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

/// The owner who leaves the field empty most: the name, and the cards they keep it on of theirs.
fn who(r: &FillRow) -> Option<(String, String)> {
    // A field the CRM never sends: said in place of an owner to blame.
    if !r.not_exported_by.is_empty() {
        return Some((
            crate::text::fields::not_exported(&r.not_exported_by),
            String::new(),
        ));
    }
    emptiest(r).map(|o| {
        let name = o.owner.as_deref().map_or_else(msg::fields_no_owner, |n| {
            crate::text::safe::line(n).into_owned()
        });
        (name, format!("{}/{}", o.filled, o.cards))
    })
}

/// `name count` in `cols` columns: the name gives way, the count stays.
fn fit_who(name: &str, count: &str, cols: usize) -> String {
    if count.is_empty() {
        return fit(name, cols);
    }
    let tail = width(count) + 1;
    if cols > tail + 1 {
        format!("{} {count}", fit(name, cols - tail))
    } else {
        fit(&format!("{name} {count}"), cols)
    }
}

/// `s` right-aligned in `cols` columns.
fn right(s: &str, cols: usize) -> String {
    format!("{}{s}", " ".repeat(cols.saturating_sub(width(s))))
}

/// The stage's indent under its field's name.
const INDENT: &str = "  ";

pub fn draw(v: &FieldsView, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .title(super::box_title(&msg::fields_title(), area.width, 0));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if v.rows.is_empty() {
        frame.render_widget(
            Paragraph::new(super::wrapped(msg::fields_none(), inner.width)),
            inner,
        );
        return;
    }
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(inner);
    let [field, stage, kept_as, cards, filled, rate, trend, emptiest] = msg::fields_columns();
    let headers = [
        format!("{field} / {stage}"),
        kept_as,
        cards,
        filled,
        rate,
        trend,
        emptiest,
    ];
    let trends: Vec<String> = (v.rows.iter())
        .map(|r| crate::text::fields::trend(&r.trend))
        .collect();
    let whos: Vec<Option<(String, String)>> = v.rows.iter().map(who).collect();
    let stages: Vec<String> = (v.rows.iter())
        .map(|r| format!("{INDENT}{}", crate::text::safe::line(&r.stage)))
        .collect();
    let marks: Vec<String> = (v.rows.iter())
        .map(|r| msg::fields_mark(r.bound, r.required))
        .collect();
    let figures = |f: fn(&FillRow) -> u64| v.rows.iter().map(move |r| f(r).to_string());
    let keep = |h: &str, cells: Vec<String>| {
        let c = Col::of(h, cells.iter().map(String::as_str), 0);
        Col::keep(c.want)
    };
    let no_trend = trends.iter().all(String::is_empty);
    let cols = [
        Col::of(&headers[0], stages.iter().map(String::as_str), 12),
        keep(&headers[1], marks.clone()),
        keep(&headers[2], figures(|r| r.cards).collect()),
        keep(&headers[3], figures(|r| r.filled).collect()),
        keep(&headers[4], vec!["100%".into()]),
        // A column of nothing (no run recorded a rate) takes no room.
        if no_trend {
            Col::keep(0)
        } else {
            Col::of(&headers[5], trends.iter().map(String::as_str), 8)
        },
        Col::give(
            (whos.iter().flatten())
                .map(|(n, c)| width(n) + 1 + width(c))
                .chain([width(&headers[6])])
                .max()
                .unwrap_or(0),
            10,
        ),
    ];
    let w = widths(inner.width as usize, 1, &cols, 6);
    // The figures' headers sit over their figures, at the right.
    let header: Vec<String> = (headers.iter().enumerate())
        .map(|(i, h)| match (i, no_trend) {
            (5, true) => String::new(),
            (2..=4, _) => right(&fit(h, w[i]), w[i]),
            _ => pad(&fit(h, w[i]), w[i]),
        })
        .collect();
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(header.join(" "), theme.bold))),
        head,
    );
    let mut items = Vec::new();
    let mut selected = 0;
    for (i, r) in v.rows.iter().enumerate() {
        if i == 0 || v.rows[i - 1].field != r.field {
            let name = fit(&crate::text::safe::line(&r.field), inner.width as usize);
            items.push(ListItem::new(Line::from(Span::styled(name, theme.bold))));
        }
        if i == v.selected {
            selected = items.len();
        }
        let low = r.rate.is_some_and(|x| x < 0.8) && (r.bound || r.required);
        let who = whos[i]
            .as_ref()
            .map_or_else(String::new, |(n, c)| fit_who(n, c, w[6]));
        let cell = |s: &str, i: usize| pad(&fit(s, w[i]), w[i]);
        let spans = vec![
            Span::raw(cell(&stages[i], 0)),
            Span::raw(" "),
            Span::styled(cell(&marks[i], 1), theme.dim),
            Span::raw(" "),
            Span::raw(right(&r.cards.to_string(), w[2])),
            Span::raw(" "),
            Span::raw(right(&r.filled.to_string(), w[3])),
            Span::raw(" "),
            Span::styled(
                right(&pct(r.rate), w[4]),
                if low { theme.fail } else { Style::new() },
            ),
            Span::raw(" "),
            Span::raw(cell(&trends[i], 5)),
            Span::raw(" "),
            Span::styled(who, theme.dim),
        ];
        items.push(ListItem::new(Line::from(spans)));
    }
    let mut ls = ListState::default().with_selected(Some(selected));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme.selected),
        body,
        &mut ls,
    );
}
