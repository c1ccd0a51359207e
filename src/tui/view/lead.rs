//! The lead's list of reviews, and the review pane of the decide screen (the card itself is
//! drawn as on the reviewer's card screen).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};

use super::{Theme, clip, fit, suggestion};
use chrono::NaiveDateTime;

use crate::domain::decision::DecisionKind;
use crate::domain::lead_row::LeadRow;
use crate::domain::review::Verdict;
use crate::text::tui as msg;
use crate::tui::state::{CardState, LeadList, Pane, Shared};

/// "3 d", "5 h", "now": how long a review has waited.
fn age(created_at: NaiveDateTime, now: NaiveDateTime) -> String {
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
    let title = super::box_title(
        &msg::reviews_title(waiting, l.rows.len()),
        table_area.width,
        0,
    );
    // The filter's words, as many as fit: a word is never cut.
    let help = msg::lead_filter_help();
    let room = (table_area.width as usize).saturating_sub(4);
    let fitted = super::fit_parts(help.trim(), " ", room);
    // Words left out: the line says the rest are under `?` (help lists every keyword).
    let help = if fitted.len() < help.trim().len() {
        let more = msg::filter_more();
        let room = room.saturating_sub(super::width(&more) + 1);
        format!("{} {more}", super::fit_parts(help.trim(), " ", room))
    } else {
        fitted
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .title(title)
        .title_bottom(Line::from(format!(" {help} ")).right_aligned());
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
    let headers = msg::lead_columns();
    let now = shared.now;
    let widths = widths(l, &headers, now, table_area.width);
    let sources = several_sources(l);
    // The score and the age are figures.
    let header = Row::new(
        (headers.iter().zip(&widths).enumerate())
            .map(|(i, (h, w))| super::head(h, *w, matches!(i, 5 | 7), theme)),
    );
    let visible = table_area.height.saturating_sub(3) as usize;
    let first = l.selected.saturating_sub(visible.saturating_sub(1));
    let rows = l
        .shown
        .iter()
        .enumerate()
        .skip(first)
        .take(visible.max(1))
        .map(|(pos, &i)| lead_row(l, pos, i, sources, now, &widths, theme));
    let constraints = widths.iter().map(|w| Constraint::Length(*w as u16));
    let table = Table::new(rows, constraints).header(header).block(block);
    super::draw_list(frame, table_area, table, l.selected - first, theme);
}

/// Columns of a title a card keeps in a narrow list: the stage's words are shortened, and the
/// source named by its first letters, before the title gives up more.
const TITLE_SHARE: usize = 15;

/// Columns a stage keeps: «Отработка возражений» reads «Отр. возр.», not «Отр. воз.», and a
/// name of three words «Кон. п. в.», not «Кон. пос…» (tester42 F14).
const STAGE_FLOOR: usize = 10;

/// The fewest first letters of `source` that no other of `names` starts with (the whole name
/// when another starts with all of it): `amo-north` and `amo-south` read `amo-n`, `amo-s`.
fn source_mark(source: &str, names: &[String]) -> String {
    let chars: Vec<char> = source.chars().collect();
    (1..=chars.len())
        .map(|n| chars[..n].iter().collect::<String>())
        .find(|head| !(names.iter()).any(|o| o != source && o.starts_with(head.as_str())))
        .unwrap_or_else(|| source.to_string())
}

/// A review's card as the list names it: its id (with its source, cut to `source` columns, in
/// a list of several sources) and title.
fn card_words(r: &LeadRow, mark: Option<&str>, source: Option<usize>) -> String {
    let source = match source {
        Some(cols) => format!(" ({})", fit(&clip(mark.unwrap_or(&r.source), 24), cols)),
        None => String::new(),
    };
    format!(
        "{}{source} {}",
        clip(&r.external_id, 12),
        clip(r.title.as_deref().unwrap_or(""), 60)
    )
}

/// The verdict and the change a row shows: the lead's stage or owner on a review the lead
/// overrode (≠), which is what stands, else the auditor's; then the fields the review corrects,
/// which reach the CRM whoever decided (tester42 F11: a corrected phone left the cell empty).
fn standing(r: &LeadRow) -> (Verdict, Change) {
    let (verdict, stage, owner) = match r.decision.as_ref().map(|d| &d.decision) {
        Some(d) if d.kind == DecisionKind::Override => (
            d.verdict.unwrap_or(r.verdict),
            d.suggested_stage.as_deref(),
            d.suggested_owner.as_deref(),
        ),
        _ => (
            r.verdict,
            r.suggested_stage.as_deref(),
            r.suggested_owner.as_deref(),
        ),
    };
    let change = Change {
        moved: stage.or(owner).map(|s| clip(s, 60)),
        fields: r.corrected.clone(),
    };
    (verdict, change)
}

/// What a row asks the CRM to change: the stage or the owner, and the fields corrected.
struct Change {
    moved: Option<String>,
    fields: Vec<String>,
}

impl Change {
    /// In full: «Договор, поле: Телефон».
    fn whole(&self) -> String {
        let fields = Some(msg::lead_fields(&self.fields)).filter(|f| !f.is_empty());
        let parts: Vec<String> = [self.moved.clone(), fields].into_iter().flatten().collect();
        parts.join(", ")
    }

    /// In `cols` columns: whole where it fits; else a lone field by its label («Телефон»), and
    /// beside a stage or owner cut short the fields' count stays («Смир… +1»): that the CRM
    /// gets a field too is not the part cut off.
    fn fitted(&self, cols: usize) -> String {
        let whole = self.whole();
        if super::width(&whole) <= cols {
            return whole;
        }
        match (&self.moved, self.fields.as_slice()) {
            (None, [one]) => super::cell(&msg::field_label(one), cols),
            (Some(moved), [_, ..]) => {
                let more = format!(" +{}", self.fields.len());
                let room = cols.saturating_sub(super::width(&more));
                format!("{}{more}", super::cell(moved, room))
            }
            _ => super::cell(&whole, cols),
        }
    }
}

/// The columns' widths in a box `box_width` wide, from every review listed (the columns stay
/// put as the list scrolls; the list keeps their measure, so a frame costs the rows in view).
/// The card, its stage and the suggestion give way, the widest first; marks, auditors, verdicts
/// and figures keep their width; the extra room goes to the card.
fn widths(l: &LeadList, headers: &[String; 8], now: NaiveDateTime, box_width: u16) -> Vec<usize> {
    use super::columns::{Col, widths};
    let measure = measured(l);
    let [card, stage, auditor, suggested] = measure.widest;
    // `5001 (amo-north) Квартира…`, as the queue names a card of a list of several sources.
    let card = if measure.sources.several {
        card + measure.sources.width + 3
    } else {
        card
    };
    let verdicts = Verdict::ALL.map(msg::verdict);
    let at_least = |w: usize, header: &str| w.max(super::width(header));
    // The card keeps its id, the mark of its source and the title's share: the stage (its
    // words shortened), the suggestion and the auditor give way further first.
    let id = 8;
    let (card_floor, stage_floor, auditor_floor, suggested_floor) = if measure.sources.several {
        let marks = (measure.names.iter())
            .map(|n| super::width(&clip(&source_mark(n, &measure.names), 24)))
            .max()
            .unwrap_or(1);
        // No wider than the widest card with its mark needs.
        let floor = (id + marks + 4 + TITLE_SHARE).min(measure.widest[0] + marks + 3);
        (floor, STAGE_FLOOR, 5, 6)
    } else {
        (id + 1 + TITLE_SHARE, STAGE_FLOOR, 6, 7)
    };
    // The header over the auditors' names stays whole (a word, as short as names usually are).
    let auditor_floor = auditor_floor.max(super::width(&headers[3]));
    let cols = [
        // The marks: one column per slot of [`marks`].
        Col::keep(3),
        // The card is what the row is about: its id and the start of its title stay.
        Col::give(at_least(card, &headers[1]), card_floor),
        Col::give(at_least(stage, &headers[2]), stage_floor),
        Col::give(at_least(auditor, &headers[3]), auditor_floor),
        Col::of(&headers[4], verdicts.iter().map(String::as_str), 11),
        Col::keep(4.max(super::width(&headers[5]))),
        Col::give(at_least(suggested, &headers[6]), suggested_floor),
        Col::give(at_least(widest_age(&measure.made, now), &headers[7]), 4),
    ];
    // The box's borders and the selection mark take three columns.
    widths((box_width as usize).saturating_sub(3), 1, &cols, 1)
}

/// The reviews shown measured (those shown since the last frame are measured now).
fn measured(l: &LeadList) -> std::cell::Ref<'_, crate::tui::state::LeadMeasure> {
    l.measure.of(l.shown.len(), |new, m| {
        for &i in &l.shown[new] {
            let r = &l.rows[i];
            let cells = [
                super::width(&card_words(r, None, None)),
                super::width(&r.stage),
                super::width(&r.auditor),
                super::width(&standing(r).1.whole()),
            ];
            for (w, cell) in m.widest.iter_mut().zip(cells) {
                *w = (*w).max(cell);
            }
            m.made.push(r.created_at);
            m.sources.add(&r.source, super::width(&clip(&r.source, 24)));
            if m.names.len() < crate::tui::state::LeadMeasure::NAMES && !m.names.contains(&r.source)
            {
                m.names.push(r.source.clone());
            }
        }
        m.made.sort_unstable();
    })
}

/// The reviews shown are of cards of more than one source: the list, and the card opened from
/// it, name each card's source.
pub fn several_sources(l: &LeadList) -> bool {
    measured(l).sources.several
}

/// The widest age, `now`, of reviews made at `made` (oldest first), read from three of them
/// instead of all: an age's words grow with its count in each unit (days, hours), so the widest
/// in days is the oldest review's, the widest in hours that of the oldest made within the last
/// day, and "now" is the newest's if it is anyone's.
fn widest_age(made: &[NaiveDateTime], now: NaiveDateTime) -> usize {
    let within_a_day = made.partition_point(|t| now - *t >= chrono::TimeDelta::days(1));
    [made.first(), made.get(within_a_day), made.last()]
        .into_iter()
        .flatten()
        .map(|t| super::width(&age(*t, now)))
        .max()
        .unwrap_or(0)
}

/// The mark of a lead's decision: ✔ accepted, ≠ overridden, ↩ sent back.
pub fn decision_mark(kind: DecisionKind) -> &'static str {
    match kind {
        DecisionKind::Accept => "✔",
        DecisionKind::Override => "≠",
        DecisionKind::Return => "↩",
    }
}

/// A review's marks in the list, a slot each so that none hides another: ⚠ a verdict against
/// the rules; the lead's word (✔ ≠ ↩) or, on a review without one, ≡ settled with its card by
/// a decision on another review, ↻ made after that decision, ⇄ its card's auditors split; ◎ a
/// calibration review. A slot with nothing to say is blank, so each mark
/// keeps its own column down the list.
pub fn marks(r: &LeadRow) -> [&'static str; 3] {
    let rules = if r.disagrees_with_rules() { "⚠" } else { " " };
    let word = match &r.decision {
        Some(d) => decision_mark(d.decision.kind),
        None if r.settled_with_card() => "≡",
        None if r.after_decision() => "↻",
        None if r.split => "⇄",
        None => " ",
    };
    let calibration = if r.calibration { "◎" } else { " " };
    [rules, word, calibration]
}

/// A review's row in the lead's list (`pos`: its place in the shown rows, `i`: in all rows).
fn lead_row<'a>(
    l: &'a LeadList,
    pos: usize,
    i: usize,
    sources: bool,
    now: NaiveDateTime,
    widths: &[usize],
    theme: &Theme,
) -> Row<'a> {
    let r = &l.rows[i];
    // Another review of the card just above: the card is named once.
    let same_card = pos
        .checked_sub(1)
        .map(|p| &l.rows[l.shown[p]])
        .is_some_and(|o| o.source == r.source && o.external_id == r.external_id);
    let [rules, word, calibration] = marks(r);
    let card = if same_card {
        "  ↳".to_string()
    } else {
        // The source gives way to the title's share: named by its first letters that tell it
        // from the others listed (`amo-n`), cut only past that.
        let id = super::width(&clip(&r.external_id, 12));
        let room = widths[1].saturating_sub(id + 4 + TITLE_SHARE).max(1);
        let tag = (sources && super::width(&clip(&r.source, 24)) > room)
            .then(|| source_mark(&r.source, &measured(l).names));
        let room = if tag.is_some() { usize::MAX } else { room };
        card_words(r, tag.as_deref(), sources.then_some(room))
    };
    let score = r.score.map_or("—".into(), |s| format!("{s:.0}%"));
    let (verdict, suggested) = standing(r);
    // The lead's verdict on an overridden row, in the colour of its ≠.
    let verdict_style = if verdict == r.verdict {
        ratatui::style::Style::default()
    } else {
        theme.warn
    };
    // A decided review waits for nothing.
    let waited = if r.awaits() {
        age(r.created_at, now)
    } else {
        String::new()
    };
    Row::new(vec![
        Cell::from(Line::from(vec![
            Span::styled(rules, theme.fail),
            Span::styled(word, theme.warn),
            Span::styled(calibration, theme.warn),
        ])),
        Cell::from(super::fit(&card, widths[1])),
        Cell::from(super::abbreviate_whole(&r.stage, widths[2])),
        Cell::from(super::cell(&r.auditor, widths[3])),
        Cell::from(Span::styled(
            super::fit(&msg::verdict(verdict), widths[4]),
            verdict_style,
        )),
        Cell::from(Line::from(score).right_aligned()),
        Cell::from(suggested.fitted(widths[6])),
        Cell::from(Line::from(super::fit(&waited, widths[7])).right_aligned()),
    ])
}

/// The auditor's review beside the card: verdict, suggestion, comment, time spent, and the
/// lead's standing decision.
pub fn review_lines(
    shared: &Shared,
    l: &LeadList,
    c: &CardState,
    theme: &Theme,
) -> Vec<Line<'static>> {
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
    lines.extend(changed_since(shared, r, c, theme));
    // Side by side: what the other auditors said about the same card (a calibration's
    // disagreements are settled here: the lead's decision becomes the reference).
    let others: Vec<String> = (l.rows.iter())
        .filter(|o| {
            o.source == r.source && o.external_id == r.external_id && o.auditor != r.auditor
        })
        .map(|o| other_said(o, (!same_stage(&shared.funnel, o, r)).then_some(&o.stage)))
        .collect();
    if r.calibration || !others.is_empty() {
        // A calibration card whose auditors split is both: neither word hides the other.
        let mut labels = Vec::new();
        if r.calibration {
            labels.push(format!("◎ {}", msg::calibration()));
        }
        if r.split {
            labels.push(format!("⇄ {}", msg::auditors_split()));
        }
        if labels.is_empty() {
            labels.push(msg::others().to_string());
        }
        let label = labels.join(" · ");
        lines.push(Line::from(vec![
            Span::styled(format!("{label}: "), theme.warn),
            Span::raw(others.join("; ")),
        ]));
    }
    let currency = c.detail.card.currency.as_deref();
    lines.extend(suggestion::suggestion_lines(&c.draft, currency, theme));
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

/// Another auditor's word on the card beside the review: name, verdict, and what the review
/// would move the card to — «boris не тот этап → Договор», «boris в порядке, ответств. →
/// Попова Анна» — for two "wrong stage" verdicts may split on the stage alone. Name and verdict
/// are joined by non-breaking spaces, as the arrow and the word after it: a row ends between
/// auditors or inside a stage's or owner's name, not between «anna» and «не тот этап».
/// `at`: the stage the other judged it at, where it is not the open review's (tester40 F5: a
/// verdict given after the CRM moved the card on is of another stage).
fn other_said(o: &LeadRow, at: Option<&String>) -> String {
    let glued = |s: &str| s.replace(' ', "\u{a0}");
    let mut said = glued(&format!(
        "{} {}",
        clip(&o.auditor, 20),
        msg::verdict(o.verdict)
    ));
    if let Some(stage) = at {
        said.push_str(&format!(" ({})", msg::others_at_stage(&clip(stage, 60))));
    }
    let arrow_to = |to: &str| format!("→\u{a0}{}", clip(to, 60));
    if let Some(stage) = o.suggested_stage.as_deref() {
        said.push_str(&format!(" {}", arrow_to(stage)));
    }
    if let Some(owner) = o.suggested_owner.as_deref() {
        // "ответств. →" says whose the name is; the arrow goes with the name.
        let word = msg::owner_arrow();
        let word = word.trim_end_matches('→').trim_end();
        said.push_str(&format!(", {} {}", glued(word), arrow_to(owner)));
    }
    said
}

/// Reviews `o` and `r` were made at one stage: one the funnel knows by either's name, else
/// one name (a stage gone since is known by its own).
fn same_stage(funnel: &crate::domain::Funnel, o: &LeadRow, r: &LeadRow) -> bool {
    use crate::domain::names::fold;
    let known = |x: &LeadRow| (!x.stage_gone).then(|| funnel.resolve(&x.stage)).flatten();
    match (known(o), known(r)) {
        (Some(a), Some(b)) => a == b,
        _ => fold(&o.stage) == fold(&r.stage),
    }
}

/// What a sync changed on the card since review `r` of it, which the card pane shows as it is
/// now: the stage it moved to (the checklist beside it is the reviewed stage's), a stage the
/// funnel lost since, or that it changed; then the other fields it changed, from what to what,
/// where the review kept the card as judged.
fn changed_since(shared: &Shared, r: &LeadRow, c: &CardState, theme: &Theme) -> Vec<Line<'static>> {
    use crate::domain::names::fold;
    let funnel = &shared.funnel;
    let card = &c.detail.card;
    let warn = |s: String| Line::from(Span::styled(s, theme.warn));
    // A stage the funnel lost since is said, and then what changed, as of any card (tester40
    // F5: the move was left unsaid).
    let mut lines = Vec::new();
    if c.checked.is_none() && (r.stage_gone || funnel.resolve(&r.stage).is_none()) {
        lines.push(warn(msg::review_stage_gone(&clip(&r.stage, 60))));
    }
    let moved = match (c.checked, c.stage) {
        (Some(then), Some(now)) => then != now,
        _ => fold(&r.stage) != fold(&card.stage),
    };
    let review = c.previous.as_ref();
    let changed = review
        .is_some_and(|p| crate::domain::stored_review::changed_since(p.card_hash, c.detail.hash));
    if !moved && !changed {
        return lines;
    }
    // The stage is said first, with the checklist it leaves beside the card.
    let changes: Vec<_> = (review.and_then(|p| p.as_judged.as_ref()))
        .map(|j| j.changes(card))
        .unwrap_or_default()
        .into_iter()
        .filter(|ch| !super::card::is_stage(&ch.field))
        .collect();
    if moved {
        let now = c
            .stage
            .map_or(card.stage.as_str(), |i| &funnel.stage(i).name);
        lines.push(warn(msg::review_card_moved(
            &clip(now, 60),
            &clip(&r.stage, 60),
        )));
    } else if changes.is_empty() {
        lines.push(warn(msg::review_card_changed()));
    } else {
        lines.push(warn(msg::review_changed_fields()));
    }
    lines.extend(super::changed::lines(&changes, card, funnel, theme));
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
    let scroll = l
        .review_scroll
        .shown(lines.len().saturating_sub(height) as u16) as usize;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decision::{Decision, LeadDecision};

    /// anna's "ok" on a card the rules flag as critical, nothing else said about it yet.
    fn ok_against_the_rules() -> LeadRow {
        LeadRow {
            review_id: "r".into(),
            card_id: Some(crate::domain::ids::CardId(1)),
            source: "amocrm".into(),
            external_id: "31245817".into(),
            title: None,
            stage: "Встреча проведена".into(),
            auditor: "anna".into(),
            verdict: Verdict::Ok,
            score: Some(100.0),
            suggested_stage: None,
            suggested_owner: None,
            corrected: Vec::new(),
            comment: String::new(),
            created_at: NaiveDateTime::default(),
            seconds_spent: None,
            flag_rank: 3,
            decision: None,
            calibration: false,
            split: false,
            settled: None,
            funnel_fingerprint: None,
            stage_gone: false,
        }
    }

    fn decided(kind: DecisionKind) -> Option<LeadDecision> {
        Some(LeadDecision {
            id: "d".into(),
            lead: "olga".into(),
            decision: Decision {
                kind,
                ..Decision::accept()
            },
            created_at: "2026-11-20 09:00:00".into(),
        })
    }

    /// The rows most worth a first look are those where several things are wrong at once: the
    /// warning that the verdict goes against the rules stays beside the split and the
    /// calibration, each in its own column.
    #[test]
    fn every_mark_that_applies_is_shown_none_hides_another() {
        let r = ok_against_the_rules();
        assert_eq!(marks(&r), ["⚠", " ", " "]);
        let split = LeadRow {
            split: true,
            ..r.clone()
        };
        assert_eq!(marks(&split), ["⚠", "⇄", " "]);
        let calibration = LeadRow {
            calibration: true,
            ..r.clone()
        };
        assert_eq!(marks(&calibration), ["⚠", " ", "◎"]);
        let all = LeadRow {
            calibration: true,
            split: true,
            ..r.clone()
        };
        assert_eq!(marks(&all), ["⚠", "⇄", "◎"]);
        // Decided: the lead's word takes the split's slot (a decision that approves settles the
        // card; a returned review waits for its auditor, not for the lead), and the warning
        // stays: the verdict that stands still goes against the rules.
        for (kind, mark) in [
            (DecisionKind::Accept, "✔"),
            (DecisionKind::Override, "≠"),
            (DecisionKind::Return, "↩"),
        ] {
            let d = LeadRow {
                decision: decided(kind),
                calibration: true,
                ..r.clone()
            };
            assert_eq!(marks(&d), ["⚠", mark, "◎"], "{kind:?}");
        }
        // Nothing to say: three blanks keep the columns in place.
        let fine = LeadRow {
            verdict: Verdict::Stale,
            ..r
        };
        assert_eq!(marks(&fine), [" ", " ", " "]);
    }

    /// Help (`?`) on the list names every mark a row can show: ≡ and ↻ as well as the others.
    #[test]
    fn help_on_the_list_explains_every_mark_a_row_can_show() {
        let r = ok_against_the_rules();
        // The lead accepted boris's review on 20.11.2026 at 09:00.
        let by_boris = || crate::domain::settled::Settled {
            review_id: "other".into(),
            auditor: "boris".into(),
            reviewed_at: "2026-11-19 09:00:00".into(),
            reviewed_stage: "Квалификация".into(),
            proposal: crate::domain::suggestion::Proposal {
                verdict: Verdict::Stale,
                stage: None,
                owner: None,
                corrections: Default::default(),
            },
            card_changed: None,
            decision: decided(DecisionKind::Accept).expect("a decision"),
        };
        let made = |day: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, day)
                .and_then(|d| d.and_hms_opt(12, 0, 0))
                .expect("a day")
        };
        let mut rows = vec![
            LeadRow {
                split: true,
                calibration: true,
                ..r.clone()
            },
            // Settled with its card: made before the decision on boris's review.
            LeadRow {
                created_at: made(19),
                settled: Some(by_boris()),
                ..r.clone()
            },
            // Made after it.
            LeadRow {
                created_at: made(21),
                settled: Some(by_boris()),
                ..r.clone()
            },
        ];
        rows.extend(DecisionKind::ALL.map(|kind| LeadRow {
            decision: decided(kind),
            ..r.clone()
        }));
        let shown: std::collections::BTreeSet<&str> = (rows.iter())
            .flat_map(marks)
            .filter(|m| *m != " ")
            .collect();
        assert!(shown.contains("≡") && shown.contains("↻"), "{shown:?}");
        for lang in [crate::text::lang::Lang::En, crate::text::lang::Lang::Ru] {
            crate::text::lang::with(lang, || {
                let legend = super::super::popup::legend(crate::tui::keymap::Mode::Reviews);
                for mark in &shown {
                    assert!(legend.iter().any(|(m, _)| m == mark), "{lang:?}: {mark}");
                }
            });
        }
    }

    /// Another auditor is named with the verdict and what the review moves the card to: the
    /// stage, the owner (its word saying whose the name is); a name's control characters show
    /// as placeholders.
    #[test]
    fn another_auditor_is_named_with_the_stage_or_owner_asked_for() {
        for lang in [crate::text::lang::Lang::En, crate::text::lang::Lang::Ru] {
            crate::text::lang::with(lang, || {
                let said = |r: &LeadRow| other_said(r, None).replace('\u{a0}', " ");
                let wrong = msg::verdict(Verdict::WrongStage);
                let boris = LeadRow {
                    auditor: "boris".into(),
                    verdict: Verdict::WrongStage,
                    suggested_stage: Some("Принятие решения".into()),
                    ..ok_against_the_rules()
                };
                assert_eq!(said(&boris), format!("boris {wrong} → Принятие решения"));
                let owner = LeadRow {
                    verdict: Verdict::Ok,
                    suggested_stage: None,
                    suggested_owner: Some("Попова\u{1b}[2J Анна".into()),
                    ..boris.clone()
                };
                let ok = msg::verdict(Verdict::Ok);
                let word = msg::owner_arrow();
                let shown = said(&owner);
                assert!(
                    shown.starts_with(&format!("boris {ok}, {word} Попова")),
                    "{lang:?}: {shown}"
                );
                assert!(!shown.contains('\u{1b}'), "{shown:?}");
                // The verdict stays with the name, the arrow with the stage's first word.
                let raw = other_said(&boris, None);
                assert!(raw.contains("boris\u{a0}"));
                assert!(raw.contains("→\u{a0}Принятие"));
            });
        }
    }

    /// A card is named with its source only in a list of several; a source's control
    /// characters show as placeholders.
    #[test]
    fn a_card_is_named_with_its_source_in_a_list_of_several() {
        let r = LeadRow {
            title: Some("Квартира у парка".into()),
            ..ok_against_the_rules()
        };
        assert_eq!(card_words(&r, None, None), "31245817 Квартира у парка");
        assert_eq!(
            card_words(&r, None, Some(24)),
            "31245817 (amocrm) Квартира у парка"
        );
        assert_eq!(
            card_words(&r, Some("a"), Some(4)),
            "31245817 (a) Квартира у парка"
        );
        let hostile = LeadRow {
            source: "amo\u{1b}[2J".into(),
            ..r
        };
        assert!(!card_words(&hostile, None, Some(24)).contains('\u{1b}'));
    }

    /// tester42 F11: a review that corrects fields says so beside its stage or owner, by the
    /// field's label when it is one, by their count when several; the lead's override keeps
    /// them (they reach the CRM whoever decided).
    #[test]
    fn a_row_names_the_fields_its_review_corrects() {
        crate::text::lang::with(crate::text::lang::Lang::Ru, || {
            let phone = LeadRow {
                corrected: vec!["phone".into()],
                ..ok_against_the_rules()
            };
            assert_eq!(standing(&phone).1.whole(), "поле: Телефон");
            // At 80 columns: the field by its label, a stage or owner cut beside the count.
            assert_eq!(standing(&phone).1.fitted(7), "Телефон");
            let two = LeadRow {
                verdict: Verdict::WrongStage,
                suggested_stage: Some("Договор".into()),
                corrected: vec!["phone".into(), "Срок действия брони".into()],
                ..ok_against_the_rules()
            };
            assert_eq!(standing(&two).1.whole(), "Договор, 2 поля");
            assert_eq!(standing(&two).1.fitted(7), "Дог… +2");
            let overridden = LeadRow {
                decision: decided(DecisionKind::Override),
                ..two.clone()
            };
            assert_eq!(
                standing(&overridden).1.whole(),
                "2 поля",
                "no stage of the lead's"
            );
            assert_eq!(standing(&ok_against_the_rules()).1.whole(), "");
        });
    }

    /// A narrow list marks a source by the fewest first letters no other source listed starts
    /// with.
    #[test]
    fn a_source_is_marked_by_the_letters_that_tell_it_apart() {
        let names = ["fake", "amocrm"].map(String::from);
        assert_eq!(source_mark("fake", &names), "f");
        assert_eq!(source_mark("amocrm", &names), "a");
        let names = ["amo-north", "amo-south", "amo"].map(String::from);
        assert_eq!(source_mark("amo-north", &names), "amo-n");
        assert_eq!(source_mark("amo-south", &names), "amo-s");
        assert_eq!(source_mark("amo", &names), "amo");
    }

    /// The age column's width read from three reviews is the widest age of them all, whatever
    /// mix of the just made, hours and days old (in both languages).
    #[test]
    fn the_widest_age_read_from_three_reviews_is_the_widest_of_all() {
        use crate::text::lang::{Lang, with};
        let now = NaiveDateTime::default() + chrono::TimeDelta::days(2000);
        // Minutes ago: made later than the clock, now, hours either side of 10, a day, 10 and
        // 100 days.
        let ago = [
            -30,
            0,
            59,
            60,
            9 * 60,
            10 * 60,
            1439,
            1440,
            9 * 1440,
            10 * 1440,
            150 * 1440,
        ];
        let made = |picked: &[i64]| -> Vec<NaiveDateTime> {
            let mut m: Vec<_> = (picked.iter())
                .map(|&a| now - chrono::TimeDelta::minutes(a))
                .collect();
            m.sort_unstable();
            m
        };
        for lang in [Lang::En, Lang::Ru] {
            with(lang, || {
                for a in 0..ago.len() {
                    for b in a..ago.len() {
                        for c in b..ago.len() {
                            let made = made(&[ago[a], ago[b], ago[c]]);
                            let every = (made.iter())
                                .map(|t| super::super::width(&age(*t, now)))
                                .max();
                            assert_eq!(Some(widest_age(&made, now)), every, "{lang:?} {made:?}");
                        }
                    }
                }
            });
        }
    }
}
