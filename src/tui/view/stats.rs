//! The stats screen: where the funnel leaks. Cards and the share of cards judged not ok per
//! stage, reviews per day, the managers, and the bottlenecks (enter opens their cards).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, List, ListItem, ListState, Paragraph, Row, Sparkline, Table,
};

use super::{Theme, clip, fit, pad};
use crate::domain::analytics::{Analytics, StatsFigures};
use crate::text::tui as msg;
use crate::tui::state::StatsScreen;

/// The stage row's columns but its name and bars: cards, the share not ok, its sample.
const STAGE_FIGURES: usize = 7 + 6 + 6;
/// The fewest cells a stage's bar keeps before its name gives way.
const LEAST_BAR: usize = 3;

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| msg::percent(v * 100.0))
}

/// A bar of `width` cells for `value` of `max`.
fn bar(value: f64, max: f64, width: usize) -> String {
    if max <= 0.0 {
        return String::new();
    }
    let n = ((value / max) * width as f64).round() as usize;
    "█".repeat(n.min(width))
}

pub fn draw(s: &StatsScreen, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let f = &s.figures;
    let a = &f.analytics;
    let [top, bottom] =
        Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
    let [stages, trend] =
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(top);
    let [managers, bottlenecks] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(bottom);

    stage_panel(f, theme, frame, stages);
    trend_panel(&s.reviews_per_day, a, theme, frame, trend);
    managers_panel(a, theme, frame, managers);
    bottlenecks_panel(a, s.selected, theme, frame, bottlenecks);
}

fn stage_panel(f: &StatsFigures, theme: &Theme, frame: &mut Frame<'_>, stages: Rect) {
    // Per stage: cards as a bar, and the share of cards judged not ok as a second bar; under
    // them the notes on marked shares (`okk stats`'s sentences, wrapped whole), kept in view:
    // the rows give way to them when the box is short.
    let block = Block::default()
        .borders(Borders::ALL)
        .title(super::box_title(&msg::stats_stages(), stages.width, 0));
    let inner = block.inner(stages);
    let notes = dim_notes(
        crate::text::analytics::before_change_notes(&f.rows),
        inner,
        theme,
    );
    let (table, below) = under_rows(inner, f.rows.len(), notes.len());
    let block = more_below(block, f.rows.len(), table.height);
    frame.render_widget(block, stages);
    // The names take what they need (tester39 F13: «Первичный конт…» beside ten blank columns),
    // short of leaving the two bars fewer than three cells each; the bars take the rest.
    let inner_w = stages.width.saturating_sub(2) as usize;
    let longest = (f.rows.iter())
        .map(|r| super::width(&crate::text::safe::line(&r.base.stage)))
        .max()
        .unwrap_or(0);
    let name_w = (longest + 1)
        .min(inner_w.saturating_sub(STAGE_FIGURES + 2 * LEAST_BAR))
        .max(10);
    let bar_w = inner_w.saturating_sub(name_w + STAGE_FIGURES) / 2;
    let max_cards = f.rows.iter().map(|r| r.base.cards).max().unwrap_or(0) as f64;
    let lines: Vec<Line> = f
        .rows
        .iter()
        .map(|r| {
            let rate = r.figures.mismatch_rate;
            Line::from(vec![
                Span::raw(pad(
                    &fit(&crate::text::safe::line(&r.base.stage), name_w - 1),
                    name_w,
                )),
                Span::styled(
                    pad(&bar(r.base.cards as f64, max_cards, bar_w), bar_w),
                    theme.bar,
                ),
                Span::raw(format!("{:>6} ", r.base.cards)),
                Span::styled(
                    pad(&bar(rate.unwrap_or(0.0), 1.0, bar_w), bar_w),
                    theme.fail,
                ),
                // «100 %*» in Russian: a share, its no-break space and the mark.
                Span::raw(format!(
                    "{:>6}",
                    crate::text::analytics::marked_share(
                        pct(rate),
                        r.figures.judged_before_change.as_ref()
                    )
                )),
                // The sample the share comes from.
                Span::styled(
                    format!(" {:>5}", msg::of_reviews(r.figures.judged)),
                    theme.dim,
                ),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), table);
    frame.render_widget(Paragraph::new(notes), below);
}

/// `block` with «↓ N more» at its bottom edge when `rows` rows do not fit the `shown` lines
/// they have: a box never leaves rows out unseen (the checklist and the suggestion say so
/// too).
fn more_below(block: Block<'_>, rows: usize, shown: u16) -> Block<'_> {
    let hidden = rows.saturating_sub(usize::from(shown));
    if hidden == 0 {
        return block;
    }
    let below = format!(" {} ", msg::items_below(hidden));
    block.title_bottom(Line::from(below).right_aligned())
}

/// `notes` wrapped to `inner`'s width, dimmed.
fn dim_notes(notes: Vec<String>, inner: Rect, theme: &Theme) -> Vec<Line<'static>> {
    (notes.into_iter())
        .flat_map(|n| super::wrapped(n, inner.width))
        .map(|l| l.style(theme.dim))
        .collect()
}

/// The line under a list whose estimates are marked `*` (judged mostly before a funnel version
/// changed their stage), wrapped to `inner`'s width: one line for the list, where the stages'
/// box has a sentence per stage, so that the rows keep the small box; `okk stats` and the
/// report give each its sentence.
fn legend<'a>(
    marked: impl Iterator<Item = &'a Option<crate::domain::analytics::make_up::JudgedBefore>>,
    inner: Rect,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let latest = marked.flatten().map(|j| j.version).max();
    let notes = latest.map(msg::stats_before_change).into_iter().collect();
    dim_notes(notes, inner, theme)
}

/// The line under the bottlenecks when a stage they list leaves out open cards of a kind none
/// of which was judged there (its flagged or its unflagged cards): the figure beside it speaks
/// for the others only.
fn unsampled_note(a: &Analytics, inner: Rect, theme: &Theme) -> Vec<Line<'static>> {
    let listed = |name: &str| (a.bottlenecks.stages.iter()).any(|b| b.stage == name);
    let left_out: u64 = (a.stages.iter())
        .filter(|s| listed(&s.stage))
        .filter_map(|s| s.group.figures.strata.map(|t| t.unsampled()))
        .sum();
    let notes = (left_out > 0)
        .then(|| msg::stats_unsampled(left_out))
        .into_iter()
        .collect();
    dim_notes(notes, inner, theme)
}

/// A box's `inner` area split into its `rows` and the `notes` lines right under them, a line
/// apart where there is room; the rows give way to the notes when the box is short.
fn under_rows(inner: Rect, rows: usize, notes: usize) -> (Rect, Rect) {
    let notes_h = (notes as u16).min(inner.height);
    let rows_h = (rows as u16).min(inner.height - notes_h);
    let gap = u16::from(notes_h > 0 && rows_h + notes_h < inner.height);
    let top = Rect {
        height: rows_h,
        ..inner
    };
    let below = Rect {
        y: inner.y + rows_h + gap,
        height: notes_h,
        ..inner
    };
    (top, below)
}

fn trend_panel(days: &[u64], a: &Analytics, theme: &Theme, frame: &mut Frame<'_>, trend: Rect) {
    // Reviews per day over the last 30 days, oldest first; the week's figures below. A box
    // narrower than that shows the latest days it has room for (a sparkline draws the first
    // values and drops the rest: today's would go), and its title says how many. Under the
    // figures, what "not ok" counts: the share the lead sends upward has «unclear» in it.
    let room = trend.width.saturating_sub(2) as usize;
    let days = &days[days.len().saturating_sub(room)..];
    let block = Block::default()
        .borders(Borders::ALL)
        .title(super::box_title(
            &msg::stats_trend(days.len()),
            trend.width,
            0,
        ));
    let inner = block.inner(trend);
    frame.render_widget(block, trend);
    let mut counts = vec![msg::stats_not_ok(a.totals.figures.review_verdicts.unclear)];
    if a.several_stages > 0 {
        let rows = a.stages.iter().map(|s| s.group.figures.judged).sum();
        counts.push(msg::stats_several_stages(rows));
    }
    let counts = dim_notes(counts, inner, theme);
    let last = a.trend.last();
    // The week's figure keeps its words and its sample whole: where the line does not fit,
    // the week heads it on a line of its own (tester42 F14: «07.12–13.12: 60 % из 25» had
    // lost «не ок»).
    let week = last.map_or_else(|| "—".into(), |w| crate::text::common::week(w.starts));
    let (judged, share) = (
        last.map_or(0, |w| w.judged),
        pct(last.and_then(|w| w.mismatch_rate)),
    );
    let last_week = msg::stats_last_week(&week, judged, &share);
    let mut figures: Vec<Line> = if super::width(&last_week) <= room {
        vec![Line::from(last_week)]
    } else {
        vec![
            Line::from(fit(&msg::stats_week_head(&week), room)),
            Line::from(fit(
                &format!("  {}", msg::stats_week_figure(judged, &share)),
                room,
            )),
        ]
    };
    figures.push(Line::from(fit(
        &msg::stats_totals(
            a.totals.figures.judged,
            &pct(a.totals.figures.mismatch_rate),
        ),
        room,
    )));
    let [spark, legend, below] = Layout::vertical([
        Constraint::Min(1),
        Constraint::Length(figures.len() as u16),
        Constraint::Length(counts.len() as u16),
    ])
    .areas(inner);
    frame.render_widget(Sparkline::default().data(days).style(theme.bar), spark);
    frame.render_widget(Paragraph::new(figures), legend);
    frame.render_widget(Paragraph::new(counts), below);
}

/// A manager's name as the panel shows it: cards with no owner are said as the fields view and
/// the card say them.
fn name(m: &crate::domain::analytics::ManagerGroup) -> String {
    m.manager.clone().unwrap_or_else(msg::no_owner)
}

fn managers_panel(a: &Analytics, theme: &Theme, frame: &mut Frame<'_>, managers: Rect) {
    // Managers by estimated lying cards; under them what a marked share means.
    use super::columns::{Col, widths};
    let headers = msg::stats_manager_columns();
    // The median idle days as `okk stats`, the report and JSON give it (`6.5`, `6,5`).
    let idle: Vec<String> = (a.managers.iter())
        .map(|m| crate::text::analytics::num(m.group.figures.median_idle_days))
        .collect();
    let idle_w = idle.iter().map(|d| super::width(d)).max().unwrap_or(0);
    let names: Vec<String> = a.managers.iter().map(name).collect();
    // The figures as wide as their widest cell or header, no wider: the names take the rest
    // (tester39 F13: «Новикова Екатер…» beside figure columns wider than their figures).
    let figure = |header: &str, cells: Vec<String>| {
        let w = cells.iter().map(|c| super::width(c)).max().unwrap_or(0);
        Col::keep(w.max(super::width(header)))
    };
    let shares: Vec<String> = (a.managers.iter())
        .map(|m| {
            crate::text::analytics::marked_share(
                pct(m.group.figures.mismatch_rate),
                m.group.figures.judged_before_change.as_ref(),
            )
        })
        .collect();
    let cols = [
        Col::of(&headers[0], names.iter().map(String::as_str), 8),
        figure(
            &headers[1],
            a.managers
                .iter()
                .map(|m| m.group.cards.to_string())
                .collect(),
        ),
        figure(
            &headers[2],
            (a.managers.iter())
                .map(|m| m.group.figures.judged.to_string())
                .collect(),
        ),
        figure(&headers[3], shares),
        Col::keep(idle_w.max(super::width(&headers[4]))),
    ];
    let widths = widths((managers.width as usize).saturating_sub(2), 1, &cols, 0);
    // All but the manager are figures.
    let header = Row::new(
        (headers.iter().zip(&widths).enumerate())
            .map(|(i, (h, w))| super::head(h, *w, i > 0, theme)),
    );
    let rows = (a.managers.iter().zip(idle).zip(&names)).map(|((m, idle), name)| {
        // Too few cards judged to rank: listed last, dimmed.
        let style = if m.group.figures.ranked {
            ratatui::style::Style::new()
        } else {
            theme.dim
        };
        Row::new(vec![
            Cell::from(super::cell(name, widths[0])),
            Cell::from(Line::from(m.group.cards.to_string()).right_aligned()),
            Cell::from(Line::from(m.group.figures.judged.to_string()).right_aligned()),
            Cell::from(
                Line::from(crate::text::analytics::marked_share(
                    pct(m.group.figures.mismatch_rate),
                    m.group.figures.judged_before_change.as_ref(),
                ))
                .right_aligned(),
            ),
            Cell::from(Line::from(idle).right_aligned()),
        ])
        .style(style)
    });
    let constraints = widths.iter().map(|w| Constraint::Length(*w as u16));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(super::box_title(&msg::stats_managers(), managers.width, 0));
    let inner = block.inner(managers);
    let marked = a
        .managers
        .iter()
        .map(|m| &m.group.figures.judged_before_change);
    let notes = legend(marked, inner, theme);
    // The header is a row too.
    let (table, below) = under_rows(inner, a.managers.len() + 1, notes.len());
    let block = more_below(block, a.managers.len() + 1, table.height);
    frame.render_widget(block, managers);
    frame.render_widget(Table::new(rows, constraints).header(header), table);
    frame.render_widget(Paragraph::new(notes), below);
}

/// A bottleneck's stage, with its manager where it is a stage and manager pair, in `room`
/// columns: whole where it fits; else the stage shortened first, by its words as the lead's
/// list shortens it («Отр. возр.»), then the manager to the first word and the others'
/// initials («Морозов А.») and to the first word; where even that leaves the stage too little
/// room, two shortened words and more as fit, else the shortened words cut where the room ends
/// (`Пер. к…`: stages of one first syllable read apart), then `…`. The manager's first word stays whole:
/// the pairs of one stage read apart at 80 columns too.
fn bottleneck_label(stage: &str, manager: Option<&str>, room: usize) -> String {
    let stage = clip(stage, 40);
    let Some(manager) = manager else {
        return super::abbreviate(&stage, room);
    };
    let manager = clip(manager, 30);
    let whole = format!("{stage} · {manager}");
    if super::width(&whole) <= room {
        return whole;
    }
    let mut words = manager.split_whitespace();
    let first = words.next().unwrap_or_default().to_string();
    let initials = words
        .filter_map(|w| w.chars().next())
        .map(|c| format!(" {c}."));
    let short: String = std::iter::once(first.clone()).chain(initials).collect();
    for form in [&manager, &short, &first] {
        let left = room.saturating_sub(super::width(form) + 3);
        if let Ok(shortened) = super::shorten_words(&stage, left) {
            return format!("{shortened} · {form}");
        }
    }
    let left = room.saturating_sub(super::width(&first) + 3);
    let stage = super::shorten_words(&stage, left).unwrap_or_else(|floor| {
        let words: Vec<&str> = floor.split(' ').collect();
        // Two shortened words and more, else the shortened words cut where the room ends:
        // «Пер.…» said «Первичный контакт» and «Переговоры с клиентом» alike, «Пер. к…» and
        // «Пер. с…» do not (nor «Вст. н…» and «Вст. п…»).
        (2..words.len())
            .rev()
            .map(|n| format!("{}…", words[..n].join(" ")))
            .find(|cut| super::width(cut) <= left)
            .unwrap_or_else(|| super::fit(&floor, left.max(2)).replace(" …", "…"))
    });
    super::fit(&format!("{stage} · {first}"), room)
}

fn bottlenecks_panel(
    a: &Analytics,
    selected: usize,
    theme: &Theme,
    frame: &mut Frame<'_>,
    bottlenecks: Rect,
) {
    // Bottlenecks, selectable: enter opens their cards. A line runs to the box's edge (less
    // the selection mark) and ends in `…` there.
    let room = (bottlenecks.width as usize).saturating_sub(3);
    let b = &a.bottlenecks;
    let items: Vec<ListItem> = b
        .stages
        .iter()
        .chain(&b.pairs)
        .map(|x| {
            let cause = x
                .likely_cause
                .first()
                .map(|c| format!(" — {}", clip(&c.text, 60)))
                .unwrap_or_default();
            let c = x.lying_cards;
            // Judged whole, a stage's figure is a count: alone, without "~" or an interval.
            let figure = match c.low == c.high {
                true => c.lying.to_string(),
                false => format!("~{} ({}–{})", c.lying, c.low, c.high),
            };
            let lying = Span::styled(
                crate::text::analytics::marked_share(figure, x.judged_before_change.as_ref()) + " ",
                theme.fail,
            );
            let share = Span::styled(format!("{}/{} ", x.mismatches, x.judged), theme.dim);
            let figures = lying.width() + share.width();
            let left = room.saturating_sub(figures);
            let label = bottleneck_label(&x.stage, x.manager.as_deref(), left);
            // The cause beside the name where both fit whole; else under it, the name taking
            // the row's room (tester42 F14: «Бронирование — Дата п…», the cause cut).
            let beside = super::width(&label) + super::width(&cause) <= left;
            if cause.is_empty() || beside {
                let line = vec![
                    lying,
                    share,
                    Span::raw(label),
                    Span::styled(cause, theme.dim),
                ];
                return ListItem::new(Line::from(super::fit_spans(line, room)));
            }
            let under = format!("{}{}", " ".repeat(figures), cause.trim_start());
            ListItem::new(vec![
                Line::from(vec![lying, share, Span::raw(label)]),
                Line::from(Span::styled(fit(&under, room), theme.dim)),
            ])
        })
        .collect();
    let heights: Vec<usize> = items.iter().map(ListItem::height).collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .title(super::box_title(
            &msg::stats_bottlenecks(),
            bottlenecks.width,
            0,
        ));
    if items.is_empty() {
        let inner = block.inner(bottlenecks);
        frame.render_widget(block, bottlenecks);
        let empty = if a.totals.figures.reviews == 0 {
            msg::stats_no_reviews()
        } else {
            msg::stats_too_few()
        };
        frame.render_widget(Paragraph::new(super::wrapped(empty, inner.width)), inner);
        return;
    }
    let inner = block.inner(bottlenecks);
    let marked = b
        .stages
        .iter()
        .chain(&b.pairs)
        .map(|x| &x.judged_before_change);
    let mut notes = legend(marked, inner, theme);
    notes.extend(unsampled_note(a, inner, theme));
    let (list, below) = under_rows(inner, heights.iter().sum(), notes.len());
    // The list scrolls to keep the selection in view: the rows above and below it are said at
    // the box's edges. The offset is set here, as the list would take it, so that what the
    // edges say is what it draws.
    let height = usize::from(list.height).max(1);
    let selected = selected.min(items.len().saturating_sub(1));
    let offset = (0..=selected)
        .find(|&o| heights[o..=selected].iter().sum::<usize>() <= height)
        .unwrap_or(selected);
    let mut shown = offset;
    let mut used = 0;
    while shown < heights.len() && used + heights[shown] <= height {
        used += heights[shown];
        shown += 1;
    }
    let mut block = more_below(block, items.len(), shown as u16);
    if offset > 0 {
        let above = format!(" {} ", msg::items_above(offset));
        block = block.title_bottom(Line::from(above).left_aligned());
    }
    frame.render_widget(block, bottlenecks);
    let mut ls = ListState::default()
        .with_selected(Some(selected))
        .with_offset(offset);
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(theme.selected)
            .highlight_symbol("▶"),
        list,
        &mut ls,
    );
    frame.render_widget(Paragraph::new(notes), below);
}

#[cfg(test)]
mod tests {
    use super::bottleneck_label;

    /// The tester's F8: at 80×24 a pair of «Отработка возражений» and «Морозов Алексей» has
    /// 17 to 24 columns beside its figures. The stage gives way first, then the manager's
    /// name, whose first word stays whole: rows of one stage read apart.
    #[test]
    fn a_pairs_stage_gives_way_before_its_managers_name() {
        let label = |room| bottleneck_label("Отработка возражений", Some("Морозов Алексей"), room);
        assert_eq!(label(60), "Отработка возражений · Морозов Алексей");
        assert_eq!(label(30), "Отраб. возр. · Морозов Алексей");
        assert_eq!(label(24), "Отр. возр. · Морозов А.");
        assert_eq!(label(20), "Отр. возр. · Морозов");
        assert_eq!(label(17), "Отр. в… · Морозов");
        assert_eq!(label(8), "О… · Мо…");
        let contact =
            |room| bottleneck_label("Контакт после встречи", Some("Кузнецов Дмитрий"), room);
        assert_eq!(contact(21), "Кон. пос.… · Кузнецов");
        assert_eq!(contact(19), "Кон. по… · Кузнецов");
        // Two stages of one first syllable stay apart where the words' shortened forms do not
        // fit (tester30 F9: both were «Пер.…» at 80×24).
        let first = bottleneck_label("Первичный контакт", Some("Смирнова Ольга"), 18);
        let talks = bottleneck_label("Переговоры с клиентом", Some("Смирнова Ольга"), 19);
        assert_eq!(
            (first.as_str(), talks.as_str()),
            ("Пер. к… · Смирнова", "Пер. с… · Смирнова")
        );
        // A stage alone shortens by its words, as the lead's list does.
        assert_eq!(
            bottleneck_label("Отработка возражений", None, 14),
            "Отраб. возраж."
        );
        // Whatever the room, never wider than it.
        for room in 0..50 {
            let l = bottleneck_label("Контакт после встречи", Some("Кузнецов Дмитрий"), room);
            assert!(super::super::width(&l) <= room, "{room}: {l}");
        }
    }
}
