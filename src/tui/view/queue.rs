//! The queue screen: the stage's cards in the order the auditor meets them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::{Theme, clip};
use crate::domain::flag::RuleCode;
use crate::domain::queue::QueueEntry;
use crate::text::tui as msg;
use crate::tui::action::Action;
use crate::tui::desk::StageRow;
use crate::tui::keymap::{Keymap, Mode};
use crate::tui::state::{Item, Queue};

/// Every verdict, in the legend's order.
pub const VERDICTS: [crate::domain::review::Verdict; 5] = {
    use crate::domain::review::Verdict as V;
    [V::Ok, V::WrongStage, V::Stale, V::Dead, V::Unclear]
};

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
        "no_task" => 'T',
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

/// The mark of a card holding her draft (a verdict or checklist begun and left), in the
/// verdicts' column: the card's verdict, once given, is marked instead.
pub const DRAFT: &str = "✎";

/// The cards she left a draft on ([`crate::tui::state::Queue::drafted`]).
type Drafted = std::collections::BTreeSet<crate::domain::ids::CardId>;

/// The row shows the draft mark: a draft and no verdict of hers.
fn shows_draft(item: &Item, drafted: &Drafted) -> bool {
    item.done.is_none() && drafted.contains(&item.entry.card_id)
}

/// The queue's one-line legend: the marks beside the titles of the rows on screen (↩ sent back,
/// ↻ changed, ◎ calibration, ◇ another auditor's: the title's words after them are often cut at 80 columns), then
/// their flag letters and verdict marks, with their words, as many as fit in `room` columns,
/// and where the rest are explained.
fn legend(rows: &[crate::tui::state::Item], drafted: &Drafted, room: usize) -> String {
    let mut flags = [false; RuleCode::ALL.len()];
    let mut verdicts = [false; VERDICTS.len()];
    let title_marks = [
        (
            DRAFT,
            msg::legend_draft(),
            rows.iter().any(|i| shows_draft(i, drafted)),
        ),
        (
            "↩",
            msg::legend_returned(),
            rows.iter().any(|i| i.entry.returned.is_some()),
        ),
        (
            "↻",
            msg::legend_changed(),
            rows.iter().any(|i| i.entry.changed_since_review),
        ),
        (
            "◎",
            msg::calibration(),
            rows.iter().any(|i| i.entry.calibration),
        ),
        (
            "◇",
            msg::legend_judged_by_other(),
            rows.iter().any(|i| i.entry.judged_by_other),
        ),
    ];
    let titles = (title_marks.into_iter())
        .filter(|(_, _, shown)| *shown)
        .map(|(mark, word, _)| format!("{mark} {word}"));
    for item in rows {
        for f in &item.entry.flags {
            if let Some(i) = RuleCode::ALL.iter().position(|c| c.as_str() == f) {
                flags[i] = true;
            }
        }
        if let Some(i) = VERDICTS.iter().position(|v| item.done == Some(*v)) {
            verdicts[i] = true;
        }
    }
    let codes = RuleCode::ALL
        .into_iter()
        .zip(flags)
        .filter(|(_, shown)| *shown)
        .map(|(c, _)| format!("{} {}", flag_icon(c.as_str()), msg::flag_word(c)));
    let marks = VERDICTS
        .into_iter()
        .zip(verdicts)
        .filter(|(_, shown)| *shown)
        .map(|(v, _)| format!("{} {}", verdict_icon(v), msg::verdict(v)));
    let entries: Vec<String> = titles.chain(codes).chain(marks).collect();
    let more = format!(" {} ", msg::legend_more());
    let mut line = String::new();
    for (i, entry) in entries.iter().enumerate() {
        let next = format!(" {entry} ·");
        if super::width(&line) + super::width(&next) + super::width(&more) > room {
            // Every mark on screen explained beats saying where the rest are: the pointer to
            // `?` gives way when that lets the last of them in.
            let rest: Vec<&String> = entries[i..].iter().collect();
            let whole = format!(
                "{line} {} ",
                (rest.iter().map(|e| e.as_str()))
                    .collect::<Vec<_>>()
                    .join(" · ")
            );
            if super::width(&whole) <= room {
                return whole;
            }
            return line + &more;
        }
        line.push_str(&next);
    }
    // Every mark in view explained: nothing more to point at (docs/reviewer.md).
    match line.strip_suffix(" ·") {
        Some(all) => format!("{all} "),
        None => line,
    }
}

pub fn draw(
    q: &Queue,
    row: &StageRow,
    keymap: &Keymap,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    // Her judged cards a shared queue leaves out: said under the list, with the key that
    // narrows it.
    let area = if q.judged_unlisted > 0 && area.height > 6 {
        let key = (keymap.rows(Mode::Queue).into_iter())
            .find(|(a, _)| *a == Action::Filter)
            .and_then(|(_, keys)| keys.first().map(ToString::to_string))
            .unwrap_or_default();
        let said = msg::judged_unlisted(q.judged_unlisted, &key);
        // One row, two when a long count does not fit (indented as the status line is).
        let lines = super::hang::hang(
            Line::from(Span::styled(format!(" {said}"), theme.dim)),
            1,
            area.width.max(1) as usize,
        );
        let rows = lines.len().min(2) as u16;
        let [list, notice] =
            Layout::vertical([Constraint::Min(1), Constraint::Length(rows)]).areas(area);
        frame.render_widget(Paragraph::new(lines), notice);
        list
    } else {
        area
    };
    let [filter_area, table_area] = if q.filtering || !q.filter.is_empty() {
        Layout::vertical([Constraint::Length(1), Constraint::Min(1)]).areas(area)
    } else {
        [Rect::default(), area]
    };
    if filter_area.height > 0 {
        super::filter_line(&q.filter, q.filtering, theme, frame, filter_area);
    }
    let all = if q.all {
        format!(" · {}", msg::queue_all())
    } else {
        String::new()
    };
    // Labelled as the funnel's columns («Мои», «Всего»): the title bar's `k/N` counts the list.
    let title = format!(
        " {} · {}{all} ",
        clip(&row.name, 60),
        msg::queue_mine_of(q.counts.reviewed, q.counts.cards),
    );
    let title = super::box_title(&title, table_area.width, 0);
    // Only the rows in view are built: a queue can hold many pages.
    let visible = table_area.height.saturating_sub(3) as usize;
    let first = q.selected.saturating_sub(visible.saturating_sub(1));
    let shown = &q.items[first.min(q.items.len())..(first + visible.max(1)).min(q.items.len())];
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(
            Line::from(legend(
                shown,
                &q.drafted,
                table_area.width.saturating_sub(4) as usize,
            ))
            .right_aligned(),
        );
    if q.items.is_empty() {
        let inner = block.inner(table_area);
        frame.render_widget(block, table_area);
        // A filter that matches nothing is not a stage done.
        // Or it finds cards of other auditors: whose they are, not that none is here.
        let said = if q.filter.trim().is_empty() {
            msg::queue_empty()
        } else if !q.judged_by_others.is_empty() {
            msg::queue_judged_by_others(q.filter.trim(), &q.judged_by_others)
        } else {
            msg::queue_no_match(q.filter.trim())
        };
        let lines = super::wrapped(said, inner.width);
        frame.render_widget(Paragraph::new(lines), inner);
        return;
    }
    let headers = msg::queue_columns();
    let (widths, sources) = widths(q, &headers, table_area.width);
    // The idle days are the one figure.
    let header = Row::new(
        (headers.iter().zip(&widths).enumerate())
            .map(|(i, (h, w))| super::head(h, *w, i == 4, theme)),
    );
    let rows = shown
        .iter()
        .map(|item| queue_row(item, shows_draft(item, &q.drafted), sources, &widths, theme));
    let constraints = widths.iter().map(|w| Constraint::Length(*w as u16));
    let table = Table::new(rows, constraints).header(header).block(block);
    super::draw_list(frame, table_area, table, q.selected - first, theme);
}

/// The columns' widths in a box `box_width` wide, from the cards loaded (not only those in view:
/// the columns stay put as the list scrolls; the queue keeps their measure, so a frame costs
/// the rows in view, not the cards loaded). The title gives way first, then the owner; the
/// extra room goes to the title. With cards of more than one source (`true` beside the widths),
/// the id's column holds each card's source too.
fn widths(q: &Queue, headers: &[String; 6], box_width: u16) -> (Vec<usize>, bool) {
    use super::columns::{Col, widths};
    let m = measured(q);
    let [id, title, owner, flags] = m.widest;
    let sources = m.sources.several || q.several_sources;
    // `777001 (amocrm)`, as `okk check` names a card of a store with several sources.
    let id = if sources {
        id + m.sources.width + 3
    } else {
        id
    };
    let at_least = |w: usize, header: &str| w.max(super::width(header));
    let cols = [
        // ⌛ is two cells wide.
        Col::keep(2),
        Col::give(at_least(id, &headers[1]), 8),
        Col::give(at_least(title, &headers[2]), 12),
        Col::give(at_least(owner, &headers[3]), 8),
        Col::keep(4.max(super::width(&headers[4]))),
        Col::give(at_least(flags, &headers[5]), 4),
    ];
    // The box's borders and the selection mark take three columns.
    let widths = widths((box_width as usize).saturating_sub(3), 1, &cols, 2);
    (widths, sources)
}

/// The queue's cards measured (those loaded since the last frame are measured now).
fn measured(q: &Queue) -> std::cell::Ref<'_, crate::tui::state::QueueMeasure> {
    q.measure.of(q.items.len(), |new, m| {
        for item in &q.items[new] {
            let cells = measure(&item.entry);
            for (w, cell) in m.widest.iter_mut().zip(cells) {
                *w = (*w).max(cell);
            }
            let source = &item.entry.source;
            m.sources
                .add(source, super::width(&crate::text::safe::line(source)));
        }
    })
}

/// The queue's cards come from more than one source (a queue taken by claim: the store's):
/// its rows, and the card opened from it, name each card's source.
pub fn several_sources(q: &Queue) -> bool {
    q.several_sources || measured(q).sources.several
}

/// A card's owner as its row names it: a card with none says so, as the card and the stats do.
fn owner(e: &QueueEntry) -> std::borrow::Cow<'_, str> {
    e.owner
        .as_deref()
        .map_or_else(|| msg::no_owner().into(), std::borrow::Cow::Borrowed)
}

/// A card's id, title (with its marks), owner and flags: the columns its row takes.
fn measure(e: &QueueEntry) -> [usize; 4] {
    let title = (title_spans(e, &Theme::plain()).iter())
        .map(Span::width)
        .sum();
    [
        super::width(&e.id),
        title,
        super::width(&owner(e)),
        e.flags.len(),
    ]
}

/// A card's title and the marks of what changed beside it: every mark first (↻ ◎ ↩ ◇), then
/// their words in that order, so a row cut short still shows each mark the legend explains.
fn title_spans(e: &QueueEntry, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::raw(clip(e.title.as_deref().unwrap_or(""), 120))];
    let mut said: Vec<(&str, String)> = Vec::new();
    if e.changed_since_review {
        said.push(("↻", msg::changed()));
    }
    if e.calibration {
        said.push(("◎", msg::calibration()));
    }
    if let Some(note) = &e.returned {
        said.push(("↩", format!("{}: {}", msg::returned(), clip(note, 60))));
    }
    if e.judged_by_other {
        said.push(("◇", msg::judged_by_other()));
    }
    if said.is_empty() {
        return spans;
    }
    let marks: Vec<&str> = said.iter().map(|(m, _)| *m).collect();
    let words: Vec<String> = said.into_iter().map(|(_, w)| w).collect();
    spans.push(Span::styled(format!(" {}", marks.join(" ")), theme.warn));
    spans.push(Span::styled(format!(" {}", words.join(" · ")), theme.warn));
    spans
}

/// The title cell, `cols` wide, of [`title_spans`]: the marks' words give way first, then the
/// title, so that the marks stay.
fn fit_title(spans: Vec<Span<'static>>, cols: usize) -> Vec<Span<'static>> {
    let marks = spans.get(1).map_or(0, Span::width);
    let title = spans.first().map_or(0, Span::width);
    if title + marks <= cols || marks >= cols {
        return super::fit_spans(spans, cols);
    }
    let mut spans = spans;
    spans.truncate(2);
    spans[0] = Span::styled(super::fit(&spans[0].content, cols - marks), spans[0].style);
    super::fit_spans(spans, cols)
}

/// One card's row: its verdict mark, id (with its source, in a list of several `sources`),
/// title with what changed, owner, idle days, flags, each cut to its column's width.
fn queue_row<'a>(
    item: &'a Item,
    draft: bool,
    sources: bool,
    widths: &[usize],
    theme: &Theme,
) -> Row<'a> {
    let e = &item.entry;
    let mark = match item.done {
        Some(v) => Span::raw(verdict_icon(v)),
        None if draft => Span::styled(DRAFT, theme.warn),
        None => Span::raw(" "),
    };
    let flags: String = e.flags.iter().map(|c| flag_icon(c)).collect();
    let title = fit_title(title_spans(e, theme), widths[2]);
    let id = if sources {
        format!("{} ({})", e.id, e.source)
    } else {
        e.id.clone()
    };
    Row::new(vec![
        Cell::from(mark),
        Cell::from(super::cell(&id, widths[1])),
        Cell::from(Line::from(title)),
        Cell::from(match &e.owner {
            Some(o) => Span::raw(super::cell(o, widths[3])),
            None => Span::styled(super::cell(&msg::no_owner(), widths[3]), theme.dim),
        }),
        Cell::from(
            Line::from(e.idle_days.map_or(String::new(), |d| d.to_string())).right_aligned(),
        ),
        Cell::from(Span::styled(super::fit(&flags, widths[5]), theme.fail)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(returned: Option<&str>, flags: &[&str]) -> Item {
        Item {
            done: None,
            entry: QueueEntry {
                card_id: crate::domain::ids::CardId(1),
                id: "1".into(),
                source: "amocrm".into(),
                title: Some("Сделка".into()),
                owner: None,
                idle_days: None,
                flags: flags.iter().map(|f| f.to_string()).collect(),
                changed_since_review: false,
                returned: returned.map(String::from),
                calibration: false,
                my_verdict: None,
                judged_by_other: false,
                key: crate::domain::queue::QueueKey {
                    flag_rank: 0,
                    flag_count: flags.len() as i64,
                    touched_at: None,
                    external_id: "1".into(),
                },
            },
        }
    }

    /// tui2 F8 (b): `?` twice in one legend («? неясно · ? все отметки»), the unclear verdict's
    /// mark and the help key. The legend's pointer to help names no key (the hint bar does):
    /// however wide, `?` is in it once at most, as the unclear verdict's mark.
    #[test]
    fn the_legend_shows_the_question_mark_once_at_most() {
        for lang in [crate::text::lang::Lang::Ru, crate::text::lang::Lang::En] {
            crate::text::lang::with(lang, || {
                let mut unclear = item(None, &["required", "idle", "markers"]);
                unclear.done = Some(crate::domain::review::Verdict::Unclear);
                let rows = [unclear, item(Some("Нет звонка"), &["closed_open"])];
                for room in 30..=140 {
                    let line = legend(&rows, &Default::default(), room);
                    assert!(line.matches('?').count() <= 1, "{lang:?} {room}: {line}");
                }
            });
        }
    }

    /// A card holding her draft is marked in its row and the legend says what the mark is; a
    /// card she judged since shows its verdict instead (tui2 F9).
    #[test]
    fn a_card_holding_my_draft_is_marked_and_the_legend_says_so() {
        let drafted: Drafted = [crate::domain::ids::CardId(1)].into();
        let mut judged = item(None, &[]);
        judged.done = Some(crate::domain::review::Verdict::Ok);
        assert!(shows_draft(&item(None, &[]), &drafted));
        assert!(!shows_draft(&judged, &drafted));
        assert!(!shows_draft(&item(None, &[]), &Default::default()));
        for lang in [crate::text::lang::Lang::Ru, crate::text::lang::Lang::En] {
            crate::text::lang::with(lang, || {
                let line = legend(&[item(None, &["idle"])], &drafted, 76);
                assert!(
                    line.contains(&format!("{DRAFT} {}", msg::legend_draft())),
                    "{line}"
                );
                let marks = super::super::popup::legend(crate::tui::keymap::Mode::Queue);
                assert!(marks.iter().any(|(m, _)| m == DRAFT), "{lang:?}");
                assert!(!legend(&[judged.clone()], &drafted, 76).contains(DRAFT));
            });
        }
    }

    /// The tester's rows at 80 columns: a card sent back, a card idle; the legend names ↩ too,
    /// and when the rows show more marks than fit, ↩ first and where the rest are explained.
    #[test]
    fn the_legend_names_the_return_mark_a_row_shows_at_80_columns() {
        for lang in [crate::text::lang::Lang::Ru, crate::text::lang::Lang::En] {
            crate::text::lang::with(lang, || {
                let rows = [item(Some("Нет звонка"), &[]), item(None, &["idle"])];
                let line = legend(&rows, &Default::default(), 76);
                assert!(
                    line.contains(&format!("↩ {}", msg::legend_returned())),
                    "{line}"
                );
                assert!(line.contains("I "), "{line}");
                // Both marks explained: nothing more in help to point at (tester42 F4).
                assert!(!line.contains(&msg::legend_more()), "{line}");
                assert!(!line.trim_end().ends_with('·'), "{line}");
                let crowded = [
                    item(Some("Нет звонка"), &["required", "idle"]),
                    item(None, &["markers", "closed_open"]),
                    item(None, &["date", "backwards"]),
                ];
                let line = legend(&crowded, &Default::default(), 76);
                assert!(
                    line.contains('↩') && line.contains(&msg::legend_more()),
                    "{line}"
                );
                assert!(!legend(&rows[1..], &Default::default(), 76).contains('↩'));
            });
        }
    }

    /// The tester's row at 80 columns: a card changed by a sync and sent back by the lead shows
    /// ↻ and ↩ both, their words after them cut; a title too long for the cell gives way to
    /// the marks, not the marks to it.
    #[test]
    fn every_mark_a_row_carries_shows_in_a_narrow_title_cell() {
        for lang in [crate::text::lang::Lang::Ru, crate::text::lang::Lang::En] {
            crate::text::lang::with(lang, || {
                let mut it = item(Some("Нет звонка"), &[]);
                it.entry.changed_since_review = true;
                let cell = |it: &Item, cols: usize| -> String {
                    let spans = fit_title(title_spans(&it.entry, &Theme::plain()), cols);
                    let text: String = spans.iter().map(|s| s.content.as_ref()).collect();
                    assert!(super::super::width(&text) <= cols, "{text}");
                    text
                };
                let text = cell(&it, 35);
                assert!(text.starts_with("Сделка ↻ ↩ "), "{lang:?}: {text}");
                assert!(text.contains(&msg::changed()[..4]), "{lang:?}: {text}");
                it.entry.title = Some("Заявка с сайта ЖК «Академический сад», 3-к".into());
                let text = cell(&it, 30);
                assert!(text.ends_with("… ↻ ↩"), "{lang:?}: {text}");
                it.entry.calibration = true;
                assert!(cell(&it, 30).ends_with("… ↻ ◎ ↩"), "{lang:?}");
                // Room for all: every word, in the marks' order.
                let text = cell(&it, 200);
                let (changed, returned) = (msg::changed(), msg::returned());
                let at = |w: &str| text.find(w).unwrap_or_else(|| panic!("{w} in {text}"));
                assert!(at(&changed) < at(&returned), "{text}");
            });
        }
    }

    #[test]
    fn every_rule_has_a_letter_of_its_own_and_the_legend_names_it() {
        let letters: Vec<char> = RuleCode::ALL
            .into_iter()
            .map(|c| flag_icon(c.as_str()))
            .collect();
        for (i, l) in letters.iter().enumerate() {
            assert_ne!(*l, '?', "{:?} has no letter", RuleCode::ALL[i]);
            assert!(!letters[i + 1..].contains(l), "{l} means two rules");
        }
        let legend = super::super::popup::legend(crate::tui::keymap::Mode::Queue);
        for l in letters {
            assert!(legend.iter().any(|(m, _)| m == &l.to_string()), "{l}");
        }
        for v in VERDICTS {
            assert!(legend.iter().any(|(m, _)| m == verdict_icon(v)));
        }
    }
}
