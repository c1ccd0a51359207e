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
    v.map_or("—".into(), |v| crate::text::tui::percent(v * 100.0))
}

/// The owner who leaves the field empty on the most cards at the stage (listed first), if any
/// leaves it empty at all.
fn emptiest(r: &FillRow) -> Option<&OwnerFill> {
    r.owners.iter().find(|o| o.cards > 0 && o.empty() > 0)
}

/// The owner who leaves the field empty most: the name, and how many of their cards leave it
/// empty (the column says «empty», so the count is of the empty ones).
fn who(r: &FillRow) -> Option<(String, String)> {
    // A field the CRM never sends: said in place of an owner to blame.
    if !r.not_exported_by.is_empty() {
        return Some((
            crate::text::fields::not_exported(&r.not_exported_by),
            String::new(),
        ));
    }
    emptiest(r).map(|o| {
        let name = o
            .owner
            .as_deref()
            .map_or_else(msg::no_owner, |n| crate::text::safe::line(n).into_owned());
        (name, msg::fields_empty_of(o.empty(), o.cards))
    })
}

/// `name count` in `cols` columns: the name gives way, the count stays.
fn fit_who(name: &str, count: &str, cols: usize) -> String {
    if count.is_empty() {
        return fit(name, cols);
    }
    let tail = width(count) + 1;
    if cols > tail + 1 {
        format!("{} {count}", name_in(name, cols - tail))
    } else {
        fit(&format!("{name} {count}"), cols)
    }
}

/// A manager's name in `cols` columns: whole, else the first word and the others' initials
/// («Соколова М.»), else cut; the room it has is used (tester42 F14: «Соколова… пусто 1/5»
/// with columns to spare).
fn name_in(name: &str, cols: usize) -> String {
    if width(name) <= cols {
        return name.to_string();
    }
    let mut words = name.split_whitespace();
    let first = words.next().unwrap_or_default();
    let initials: String = words
        .filter_map(|w| w.chars().next())
        .map(|c| format!(" {c}."))
        .collect();
    let short = format!("{first}{initials}");
    // A person's name, not «(без ответственного)», whose words are no first name.
    let person = first.chars().next().is_some_and(char::is_alphabetic);
    if person && !initials.is_empty() && width(&short) <= cols {
        return short;
    }
    fit(name, cols)
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
    if v.rows.is_empty() {
        frame.render_widget(block, area);
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
        keep(&headers[4], vec![pct(Some(1.0))]),
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
    // A column short of the border: the last column's text never runs into it.
    let w = widths((inner.width as usize).saturating_sub(1), 1, &cols, 6);
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
    // Each row's line, after its field's name where the field starts.
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut heading: Vec<Option<usize>> = Vec::new();
    let mut selected = 0;
    for (i, r) in v.rows.iter().enumerate() {
        if i == 0 || v.rows[i - 1].field != r.field {
            lines.push(field_name(&r.field, inner.width, theme));
            heading.push(None);
        }
        if i == v.selected {
            selected = lines.len();
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
        lines.push(Line::from(spans));
        heading.push(Some(i));
    }
    let (first, name_of) = shown_from(&heading, selected, body.height as usize);
    // The rows out of sight above and below are said at the box's bottom edge, as the card's
    // boxes say theirs: a long list is seen to be long.
    let room = (body.height as usize).saturating_sub(usize::from(name_of.is_some()));
    let rows_in = |lines: &[Option<usize>]| lines.iter().filter(|h| h.is_some()).count();
    let above = rows_in(&heading[..first.min(heading.len())]);
    let below = rows_in(heading.get(first + room..).unwrap_or_default());
    let mut block = block;
    if above > 0 {
        let above = format!(" {} ", msg::items_above(above));
        block = block.title_bottom(Line::from(above).left_aligned());
    }
    if below > 0 {
        let below = format!(" {} ", msg::items_below(below));
        block = block.title_bottom(Line::from(below).right_aligned());
    }
    frame.render_widget(block, area);
    let mut items: Vec<ListItem> = Vec::new();
    if let Some(row) = name_of {
        items.push(ListItem::new(field_name(
            &v.rows[row].field,
            inner.width,
            theme,
        )));
    }
    let at = items.len() + selected - first;
    items.extend(lines.into_iter().skip(first).map(ListItem::new));
    let mut ls = ListState::default().with_selected(Some(at));
    frame.render_stateful_widget(
        List::new(items).highlight_style(theme.selected),
        body,
        &mut ls,
    );
}

/// A field's name on the line that heads its stages.
fn field_name(field: &str, width: u16, theme: &Theme) -> Line<'static> {
    let name = fit(&crate::text::safe::line(field), width as usize);
    Line::from(Span::styled(name, theme.bold))
}

/// The first of the list's lines shown in `height` rows with line `selected` the last in view
/// (or the list's top), and the row whose field's name heads them when that line is one of
/// the field's stages: a stage's line is never shown without its field's name above it, at
/// any scroll. `heading` holds, per line, the row it shows (`None`: a field's name).
fn shown_from(heading: &[Option<usize>], selected: usize, height: usize) -> (usize, Option<usize>) {
    let first = (selected + 1).saturating_sub(height.max(1));
    match heading.get(first) {
        // The name takes the first line's place: one line fewer shown, the selected one still
        // the last; a field that starts right there heads its own stages.
        Some(Some(row)) if first > 0 && first < selected => match heading.get(first + 1) {
            Some(None) => (first + 1, None),
            _ => (first + 1, Some(*row)),
        },
        _ => (first, None),
    }
}

#[cfg(test)]
mod tests {
    use super::{fit_who, shown_from};

    /// tester42 F14: «Соколова… пусто 1/5» with columns to spare: the name takes the room the
    /// count leaves it, shortened to its initials before it is cut.
    #[test]
    fn the_emptiest_owner_s_name_takes_the_room_its_count_leaves() {
        let who = |cols| fit_who("Соколова Марина", "пусто 1/5", cols);
        assert_eq!(who(30), "Соколова Марина пусто 1/5");
        assert_eq!(who(25), "Соколова Марина пусто 1/5");
        assert_eq!(who(22), "Соколова М. пусто 1/5");
        assert_eq!(who(21), "Соколова М. пусто 1/5");
        assert_eq!(who(19), "Соколова… пусто 1/5");
        assert_eq!(fit_who("Попова", "пусто 10/10", 17), "Попо… пусто 10/10");
        // Words that are no name are cut, not made initials.
        let none = fit_who("(без ответственного)", "пусто 1/1", 20);
        assert_eq!(none, "(без отве… пусто 1/1");
    }

    /// tui2 F1: scrolled down, the lines at the top were stages whose field's name had gone
    /// off the top. At every height and scroll, the first line shown is a field's name or the
    /// name of the field its stage belongs to heads it, and the selected line is in view.
    #[test]
    fn a_stage_line_is_never_shown_without_its_field_s_name() {
        // Field A's stages are rows 0..3, field B's rows 3..6, each under its name's line.
        let heading = [
            None,
            Some(0),
            Some(1),
            Some(2),
            None,
            Some(3),
            Some(4),
            Some(5),
        ];
        let field = |row: usize| row / 3;
        for height in 2..=9 {
            for selected in (0..heading.len()).filter(|&l| heading[l].is_some()) {
                let (first, name) = shown_from(&heading, selected, height);
                let shown = usize::from(name.is_some()) + selected + 1 - first;
                assert!(shown <= height, "{height} {selected}: {first} {name:?}");
                match (heading[first], name) {
                    (None, None) => {}
                    (Some(row), Some(named)) => assert_eq!(field(row), field(named)),
                    other => panic!("{height} {selected}: {other:?} at line {first}"),
                }
            }
        }
        // Three rows high, on A's last stage: A's name, then its second and third stages.
        assert_eq!(shown_from(&heading, 3, 3), (2, Some(0)));
        // On B's first stage: B's own name heads it, nothing of A's above.
        assert_eq!(shown_from(&heading, 5, 3), (4, None));
    }
}
