//! The lead's list of reviews, and the review pane of the decide screen (the card itself is
//! drawn as on the reviewer's card screen).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::{Theme, clip, suggestion};
use crate::domain::decision::DecisionKind;
use crate::text::tui as msg;
use crate::tui::state::{CardState, LeadList, Pane, Shared};

/// "3 d", "5 h", "now": how long a review has waited.
fn age(created_at: chrono::NaiveDateTime, now: chrono::NaiveDateTime) -> String {
    let d = now - created_at;
    msg::age(d.num_days(), d.num_hours())
}

pub fn draw(shared: &Shared, l: &LeadList, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let [filter_area, table_area] = if l.filtering || !l.filter.is_empty() {
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area)
    } else {
        [Rect::default(), area]
    };
    if filter_area.height > 0 {
        super::filter_line(&l.filter, l.filtering, theme, frame, filter_area);
    }
    let waiting = l.rows.iter().filter(|r| r.awaits()).count();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(msg::reviews_title(waiting, l.rows.len()))
        .title_bottom(Line::from(msg::lead_filter_help()).right_aligned());
    if l.shown.is_empty() {
        let inner = block.inner(table_area);
        frame.render_widget(block, table_area);
        let empty = if l.filter.is_empty() && !l.all {
            msg::all_decided()
        } else {
            msg::reviews_empty().to_string()
        };
        frame.render_widget(Paragraph::new(empty), inner);
        return;
    }
    let header = Row::new(msg::lead_columns().map(|h| Cell::from(h).style(theme.bold)));
    let visible = table_area.height.saturating_sub(3) as usize;
    let first = l.selected.saturating_sub(visible.saturating_sub(1));
    let rows = l
        .shown
        .iter()
        .enumerate()
        .skip(first)
        .take(visible.max(1))
        .map(|(pos, &i)| lead_row(l, pos, i, shared.now, theme));
    let widths = [
        Constraint::Length(1),
        Constraint::Fill(3),
        Constraint::Fill(2),
        Constraint::Length(10),
        Constraint::Length(11),
        Constraint::Length(5),
        Constraint::Fill(2),
        Constraint::Length(5),
    ];
    let table = Table::new(rows, widths).header(header).block(block);
    super::draw_list(frame, table_area, table, l.selected - first, theme);
}

/// A review's row in the lead's list (`pos`: its place in the shown rows, `i`: in all rows).
fn lead_row<'a>(
    l: &'a LeadList,
    pos: usize,
    i: usize,
    now: chrono::NaiveDateTime,
    theme: &Theme,
) -> Row<'a> {
    let r = &l.rows[i];
    // Another review of the card just above: the card is named once.
    let same_card = pos
        .checked_sub(1)
        .map(|p| &l.rows[l.shown[p]])
        .is_some_and(|o| o.source == r.source && o.external_id == r.external_id);
    let mark = match &r.decision {
        Some(d) => match d.decision.kind {
            DecisionKind::Accept => "✔",
            DecisionKind::Override => "≠",
            DecisionKind::Return => "↩",
        },
        None if r.settled_with_card() => "≡",
        None if r.after_decision() => "↻",
        None if r.split => "⇄",
        None if r.disagrees_with_rules() => "⚠",
        None if r.calibration => "◎",
        None => " ",
    };
    let suggestion = r
        .suggested_stage
        .as_deref()
        .or(r.suggested_owner.as_deref())
        .unwrap_or("");
    Row::new(vec![
        Cell::from(Span::styled(mark, theme.warn)),
        Cell::from(if same_card {
            "  ↳".to_string()
        } else {
            format!(
                "{} {}",
                clip(&r.external_id, 12),
                clip(r.title.as_deref().unwrap_or(""), 60)
            )
        }),
        Cell::from(clip(&r.stage, 40)),
        Cell::from(clip(&r.auditor, 20)),
        Cell::from(msg::verdict(r.verdict)),
        Cell::from(Line::from(r.score.map_or("—".into(), |s| format!("{s:.0}%"))).right_aligned()),
        Cell::from(clip(suggestion, 40)),
        Cell::from(Line::from(age(r.created_at, now)).right_aligned()),
    ])
}

/// The auditor's review beside the card: verdict, suggestion, comment, time spent, and the
/// lead's standing decision.
pub fn review_lines(l: &LeadList, c: &CardState, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    let Some(r) = l.open.map(|i| &l.rows[i]) else {
        return lines;
    };
    // The standing decision first: on a small screen it must not be the line cut off.
    if let Some(dec) = &r.decision {
        lines.extend(suggestion::decision_lines(dec, theme));
    }
    // The card's word, when another review of it carries it.
    if let Some(s) = r.settled.as_ref().filter(|s| s.review_id != r.review_id) {
        lines.push(Line::from(Span::styled(msg::card_settled(s), theme.warn)));
        if r.after_decision() {
            lines.push(Line::from(Span::styled(
                msg::came_after_decision(),
                theme.warn,
            )));
        } else if r.settled_with_card() {
            lines.push(Line::from(Span::styled(
                msg::settled_with_card(),
                theme.dim,
            )));
        }
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{}: ", msg::by_auditor(&r.auditor)), theme.dim),
        Span::styled(msg::verdict(r.verdict), theme.bold),
    ]));
    if r.disagrees_with_rules() {
        lines.push(Line::from(Span::styled(msg::disagrees(), theme.fail)));
    }
    // Side by side: what the other auditors said about the same card (a calibration's
    // disagreements are settled here: the lead's decision becomes the reference).
    let others: Vec<String> = (l.rows.iter())
        .filter(|o| {
            o.source == r.source && o.external_id == r.external_id && o.auditor != r.auditor
        })
        .map(|o| format!("{} {}", clip(&o.auditor, 20), msg::verdict(o.verdict)))
        .collect();
    if r.calibration || !others.is_empty() {
        let label = if r.calibration {
            format!("◎ {}", msg::calibration())
        } else if r.split {
            format!("⇄ {}", msg::auditors_split())
        } else {
            msg::others().to_string()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{label}: "), theme.warn),
            Span::raw(others.join(", ")),
        ]));
    }
    lines.extend(suggestion::suggestion_lines(&c.draft, theme));
    lines.push(Line::from(Span::styled(
        format!(
            "{} · {}",
            clip(&msg::moment(&r.created_at), 20),
            msg::spent(r.seconds_spent.unwrap_or(0.0))
        ),
        theme.dim,
    )));
    lines
}

/// The review pane: `lines`, [`review_lines`] wrapped to its width, from the lead's scroll on.
/// In focus, its border says so; cut short, its bottom edge says more follows.
pub fn draw_review(
    l: &LeadList,
    lines: Vec<Line<'static>>,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", msg::review()));
    if l.focus == Pane::Review {
        block = block.border_style(theme.key);
    }
    let height = block.inner(area).height as usize;
    let scroll = (l.review_scroll as usize).min(lines.len().saturating_sub(height));
    if scroll + height < lines.len() {
        block = block.title_bottom(Line::from(" ▼ ").right_aligned());
    }
    if scroll > 0 {
        block = block.title(Line::from(" ▲ ").right_aligned());
    }
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((scroll as u16, 0)),
        area,
    );
}
