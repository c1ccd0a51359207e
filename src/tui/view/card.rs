//! The card screen: the card's truth on the left (figures, flags, fields with the stage's own
//! first, contact, notes), the review being built on the right (checklist and suggestion).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::{Theme, clip, suggestion};
use crate::domain::Card;
use crate::domain::as_judged::{Change, Field, Side};
use crate::domain::flag::Severity;
use crate::domain::score::{Against, Answer, score, unanswered};
use crate::domain::stage_path::{Step, Turn, in_stage_since};
use crate::domain::stored_review::{StoredReview, changed_since};
use crate::text::tui as msg;
use crate::tui::state::{CardState, LeadList, Pane, Shared};

/// Notes longer than this are cut for display: a 200 KB note must not slow every frame.
pub(super) const NOTE_LIMIT: usize = 8 * 1024;
/// Notes shown at most (the newest are first in CRM exports).
const NOTES_SHOWN: usize = 50;
/// Characters of notes drawn in all: the card is re-laid out on every key.
const NOTES_BUDGET: usize = 32 * 1024;

/// Rows the suggestion's box has at least (its border and four lines), and the checklist's
/// when it gives way to the suggestion (its border, its title's score, an item of two rows).
const SUGGESTION_MIN: u16 = 6;
const CHECKLIST_MIN: u16 = 6;

/// The card; on the lead's decide screen (`lead`), the auditor's review beside it. `sources`:
/// the list it was opened from holds cards of more than one source, which may share ids: its
/// title says its source too.
pub fn draw(
    shared: &Shared,
    c: &CardState,
    lead: Option<&LeadList>,
    sources: bool,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let right_w = (area.width * 2 / 5).max(36);
    let [left, right] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(right_w)]).areas(area);
    let card_focus = lead.is_some_and(|l| l.focus == Pane::Card);
    // The auditor reads the lead's note on the card, where it wraps and scrolls; the lead
    // reads it in the review pane.
    let head = Head {
        focus: card_focus,
        lead_note: lead.is_none(),
        source: sources,
    };
    draw_card(shared, c, head, theme, frame, left);
    // Items wrap rather than lose their words; the checklist is as tall as they need, or as
    // the suggestion leaves it (then it shows the selected item's part: see `window`).
    let inner_w = right.width.saturating_sub(2).max(1) as usize;
    let items = checklist_items(shared, c, theme, inner_w);
    // No items: as tall as the sentence that says so, wrapped.
    let rows: usize = if items.is_empty() {
        super::wrapped(msg::no_checklist(), inner_w as u16).len()
    } else {
        items.iter().map(Vec::len).sum()
    };
    let checklist_h = (rows as u16 + 2).max(3);
    let Some(l) = lead else {
        // The suggestion takes the rows what it would change needs (a verdict given, the stage,
        // the owner, corrections), and of its comment as much as fits in half the column: the
        // checklist gives way for them, down to a few rows (its window keeps the item in hand
        // in sight and says how many are above and below).
        let changes = super::hang::hang_all(suggestion_lines(shared, c, theme), inner_w);
        let comment = super::hang::hang_all(suggestion::comment_lines(&c.draft, theme), inner_w);
        let half = (right.height / 2).max(changes.len() as u16 + 2);
        let wanted = ((changes.len() + comment.len()) as u16 + 2)
            .min(half)
            .max(SUGGESTION_MIN);
        let suggestion = changes.into_iter().chain(comment).collect();
        let checklist_h = if checklist_h + wanted > right.height {
            (right.height.saturating_sub(wanted))
                .max(CHECKLIST_MIN)
                .min(checklist_h)
        } else {
            checklist_h
        };
        let [list, pane] = Layout::vertical([
            Constraint::Length(checklist_h),
            Constraint::Min(SUGGESTION_MIN),
        ])
        .areas(right);
        draw_checklist(shared, c, items, frame, list);
        return draw_suggestion(suggestion, frame, pane);
    };
    // The lead decides from the review: in focus, it takes the rows it needs and the checklist
    // gives way down to its title, which still says the score.
    let review = super::hang::hang_all(super::lead::review_lines(shared, l, c, theme), inner_w);
    let review_h = review.len() as u16 + 2;
    let rows = if l.focus == Pane::Review && checklist_h + review_h > right.height {
        [
            Constraint::Min(3),
            Constraint::Length(review_h.min(right.height.saturating_sub(3))),
        ]
    } else {
        [Constraint::Length(checklist_h), Constraint::Min(6)]
    };
    let [list, pane] = Layout::vertical(rows).areas(right);
    draw_checklist(shared, c, items, frame, list);
    super::lead::draw_review(l, review, theme, frame, pane);
}

fn date(t: chrono::NaiveDateTime) -> String {
    t.format("%d.%m.%Y").to_string()
}

/// A note's time: the day as [`date`] writes it, and the minute.
fn date_time(t: chrono::NaiveDateTime) -> String {
    t.format("%d.%m.%Y %H:%M").to_string()
}

/// 8450000 → "8 450 000 ₽"; with kopecks when it has any, as the language writes them
/// ("8 450 000,50 ₽" / "8 450 000.50 ₽"): a figure rounded to the rouble is in neither the CRM
/// nor its export. The currency by its sign however the CRM spells it (Bitrix24's «Российский
/// рубль», amoCRM's none: roubles), one with no sign as written, cut short.
pub fn money(amount: f64, currency: Option<&str>) -> String {
    let cents = (amount * 100.0).round() as i64;
    let digits = (cents.unsigned_abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(' ');
        }
        grouped.push(ch);
    }
    let kopecks = cents.unsigned_abs() % 100;
    if kopecks != 0 {
        grouped.push(crate::text::common::decimal_mark());
        grouped.push_str(&format!("{kopecks:02}"));
    }
    let sign = if cents < 0 { "-" } else { "" };
    let cur = match currency.map(str::trim) {
        None | Some("") => "₽".to_string(),
        Some(c) => crate::formats::currency::sign(c).map_or_else(|| clip(c, 8), String::from),
    };
    format!("{sign}{grouped} {cur}")
}

/// A label of the card's head, padded to the longest of them in the current language (9 columns
/// in English) so the values line up.
fn label(s: &str, theme: &Theme) -> Span<'static> {
    let longest = [
        msg::owner(),
        msg::budget(),
        msg::stage(),
        msg::path(),
        msg::activity(),
        msg::contact(),
        msg::tags(),
    ]
    .iter()
    .map(|l| super::width(l))
    .max()
    .unwrap_or(0);
    Span::styled(super::pad(s, longest.max(8) + 1), theme.dim)
}

/// The card pane's lines; `lead_note`: with the lead's note on the auditor's review, under the
/// head.
fn card_lines(
    shared: &Shared,
    c: &CardState,
    lead_note: bool,
    theme: &Theme,
    width: u16,
) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    head_lines(shared, c, lead_note, theme, width, &mut lines);
    field_lines(shared, c, theme, &mut lines);
    contact_lines(&c.detail.card, theme, &mut lines);
    note_lines(&c.detail.card, &c.detail.note_times, theme, &mut lines);
    lines
}

/// Owner and budget, stage (since when, closed, gone), the CRM link, the last activity, the
/// lead's note (`lead_note`: on the auditor's card; it says why the card came back, so it comes
/// before the flags, which can be many), flags.
fn head_lines(
    shared: &Shared,
    c: &CardState,
    lead_note: bool,
    theme: &Theme,
    width: u16,
    lines: &mut Vec<Line<'static>>,
) {
    let card = &c.detail.card;
    owner_lines(card, theme, width, lines);
    lines.push(stage_line(shared, c, theme));
    lines.extend(crm_stage_line(shared, c, theme, width));
    lines.extend(path_line(shared, c, theme, width));
    if let Some(url) = shared.crm_links.url(&card.source, &card.external_id) {
        // An address cut by the wrap is copied with a line break in it: where it does not fit
        // beside its label, it gets a line of its own.
        let url = crate::text::safe::line(&url).into_owned();
        let head = label(msg::CRM, theme);
        let width = usize::from(width);
        if head.width() + super::width(&url) <= width {
            lines.push(Line::from(vec![head, Span::styled(url, theme.dim)]));
        } else {
            // On lines of its own, whole, its scheme too: broken after a `/` where it can be
            // (a piece of the path to a line), so that what is read is the address itself;
            // `l` shows it on one line to copy.
            lines.push(Line::from(head));
            for piece in url_lines(&url, width) {
                lines.push(Line::from(Span::styled(piece, theme.dim)));
            }
        }
    }
    if let Some(t) = card.last_touched() {
        // Activity after the day judged (an export newer than `--today`) is 0 days idle, as
        // the queue and the stats count it; said as what it is, not as "today".
        let days = (shared.today.date() - t.date()).num_days();
        let when = if days < 0 {
            msg::after_day_judged(shared.today.date())
        } else {
            msg::days_ago(days)
        };
        let mut act = vec![
            label(&msg::activity(), theme),
            Span::raw(format!("{}, {when}", date(t))),
        ];
        if c.detail.flags.iter().any(|f| f.code.as_str() == "idle") {
            // The mark and its word on one row.
            act.push(Span::styled(
                format!("  ⚠\u{a0}{}", msg::idle()),
                theme.warn,
            ));
        }
        lines.push(Line::from(act));
    }
    if lead_note
        && let Some(note) = c
            .decision
            .as_ref()
            .and_then(|d| suggestion::note_line(d, theme))
    {
        lines.push(note);
    }
    // Another auditor's verdict, and the lead's word on it, before she spends one of hers: a
    // review that holds the card (as it is now, or sent back) is a warning, one of a version
    // the CRM has changed since is said quietly (the card is free to judge again).
    for r in &c.others {
        let style = if r.holds() { theme.warn } else { theme.dim };
        lines.push(Line::from(vec![
            Span::styled("◇ ", style),
            Span::styled(msg::others_review(r), style),
        ]));
    }
    for f in &c.detail.flags {
        let style = match f.severity {
            Severity::Critical => theme.critical,
            Severity::Warning => theme.warn,
            Severity::Info => theme.dim,
        };
        lines.push(Line::from(vec![
            Span::styled("⚑ ", style),
            Span::styled(clip(&crate::text::rules::message(f), 400), style),
        ]));
    }
}

/// Owner and budget: side by side when they fit, else one under the other (never wrapped
/// mid-figure).
fn owner_lines(card: &Card, theme: &Theme, width: u16, lines: &mut Vec<Line<'static>>) {
    let owner = card
        .owner
        .as_deref()
        .map_or_else(msg::no_owner, |o| clip(o, 40));
    // A space after the name however long it is: a long one ran into the budget's label.
    let mut first = vec![
        label(&msg::owner(), theme),
        Span::raw(super::pad(&format!("{owner} "), 22)),
    ];
    if let Some(a) = card.amount {
        let budget = vec![
            label(&msg::budget(), theme),
            Span::raw(money(a, card.currency.as_deref())),
        ];
        let together = Line::from(first.clone()).width() + Line::from(budget.clone()).width();
        if together <= width as usize {
            first.extend(budget);
        } else {
            lines.push(Line::from(first));
            first = budget;
        }
    }
    lines.push(Line::from(first));
}

/// The stage as the CRM names it, on a line of its own under the funnel's name, where the funnel
/// knows the stage by another name (an alias, a renamed stage); cut to the pane's `width`.
fn crm_stage_line(
    shared: &Shared,
    c: &CardState,
    theme: &Theme,
    width: u16,
) -> Option<Line<'static>> {
    use crate::domain::names::fold;
    let card = &c.detail.card;
    let funnel = shared.funnel.stage(c.stage?);
    if fold(&funnel.name) == fold(&card.stage) {
        return None;
    }
    let head = label("", theme);
    let room =
        usize::from(width).saturating_sub(head.width() + super::width(&msg::stage_in_crm("")));
    let name = clip(&card.stage, room.max(8));
    Some(Line::from(vec![
        head,
        Span::styled(msg::stage_in_crm(&name), theme.dim),
    ]))
}

/// The stage, since when the card is in it, and whether it is closed or gone from the CRM. The
/// funnel's name for it, as the flags and the queue say it (the CRM's own under it where they
/// differ: [`crm_stage_line`]).
fn stage_line(shared: &Shared, c: &CardState, theme: &Theme) -> Line<'static> {
    let card = &c.detail.card;
    let funnel = c.stage.map(|i| shared.funnel.stage(i).name.as_str());
    let mut stage = vec![
        label(&msg::stage(), theme),
        Span::raw(clip(funnel.unwrap_or(&card.stage), 60)),
    ];
    // The first sync's date says when okk first saw the card, not when it entered the
    // stage: only a move seen by a later sync tells that (a card back from gone in its stage
    // did not move then).
    let history = &c.detail.context.history;
    if let Some(since) = in_stage_since(&shared.funnel, history) {
        let today = shared.today.date();
        // A move an import after the day judged saw: not "since" a day to come.
        let text = if since.date() > today {
            msg::came_after_day_judged(today)
        } else {
            let days = (today - since.date()).num_days();
            // «с» never left at a row's end, away from its day.
            format!(
                "{}\u{a0}{} ({})",
                msg::since(),
                msg::day_month(since.date()),
                msg::since_days(days)
            )
        };
        stage.push(Span::styled(format!("  {text}"), theme.dim));
    }
    if card.closed == Some(true) || card.closed_at.is_some() {
        stage.push(Span::styled(format!("  {}", msg::closed()), theme.warn));
    }
    if c.detail.context.gone {
        stage.push(Span::styled(format!("  {}", msg::gone()), theme.warn));
    }
    Line::from(stage)
}

/// The most lines the card's path takes under its stage: at 80 columns a line holds a step
/// or two, and the auditor wants where the card began and how it came to its stage.
const PATH_LINES: usize = 3;

/// The card's path through the funnel, under its stage, where it moved: on the lines it needs
/// up to [`PATH_LINES`], the first beside its label, the others under the first; see
/// [`path_rows`].
fn path_line(shared: &Shared, c: &CardState, theme: &Theme, width: u16) -> Vec<Line<'static>> {
    let steps = crate::domain::stage_path::path(
        &shared.funnel,
        &c.detail.context.history,
        c.detail.card.pipeline.as_deref(),
    );
    if steps.is_empty() {
        return Vec::new();
    }
    let head = label(&msg::path(), theme);
    let indent = head.width();
    let room = usize::from(width).saturating_sub(indent);
    let mut head = Some(head);
    (path_rows(&steps, room, PATH_LINES, theme).into_iter())
        .map(|row| {
            let first = head.take().unwrap_or_else(|| Span::raw(" ".repeat(indent)));
            Line::from(std::iter::once(first).chain(row).collect::<Vec<_>>())
        })
        .collect()
}

/// A piece of the path as it is laid on lines: a step, or the mark of those left out.
struct Piece {
    /// The turn that reaches it (none for the first piece).
    arrow: Option<Turn>,
    /// The step's index (`None`: the mark «… +N»).
    step: Option<usize>,
    /// The mark's or the step's name, and the step's day.
    text: String,
    day: String,
}

impl Piece {
    fn body(&self) -> usize {
        super::width(&self.text) + super::width(&self.day)
    }

    /// Its columns after a piece on its line, and at the start of a line (its arrow, if any,
    /// without the space before it).
    fn cols(&self, at_start: bool) -> usize {
        let arrow = match (self.arrow, at_start) {
            (None, _) => 0,
            (Some(_), true) => 2,
            (Some(_), false) => 3,
        };
        arrow + self.body()
    }
}

/// The arrow of a turn: a move back `↶`, a jump over a stage that may not be skipped `↷`.
fn arrow(turn: Turn) -> &'static str {
    match turn {
        Turn::On => " → ",
        Turn::Back => " ↶ ",
        Turn::Skip => " ↷ ",
    }
}

/// The pieces on each line, greedily, the pieces whole and in order, a piece wider than a line
/// alone on one; `None` where they take more than `lines` lines of `room` columns.
fn wrap(pieces: &[Piece], room: usize, lines: usize) -> Option<Vec<std::ops::Range<usize>>> {
    let mut rows: Vec<std::ops::Range<usize>> = Vec::new();
    let mut used = 0;
    for (k, piece) in pieces.iter().enumerate() {
        match rows.last_mut() {
            Some(row) if used + piece.cols(false) <= room => {
                row.end = k + 1;
                used += piece.cols(false);
            }
            _ => {
                rows.push(k..k + 1);
                used = piece.cols(true);
            }
        }
    }
    (rows.len() <= lines).then_some(rows)
}

/// `steps` on at most `lines` lines of `room` columns, each step whole on one line: «A 18.11 →
/// B 20.11 ↶ A 21.11», a move back marked `↶` and a jump over a stage that may not be skipped
/// `↷`, both with the stage they reach in the warning's colour. Where they do not all fit, the
/// first step (where the card began) and the last ones that fit, with «… +N» between them
/// saying how many were left out; then the last ones alone after «… +N»; a step too wide
/// for a line alone has its name cut at its end, marked `…`, its day kept.
fn path_rows(steps: &[Step], room: usize, lines: usize, theme: &Theme) -> Vec<Vec<Span<'static>>> {
    let lines = lines.max(1);
    let names: Vec<String> = steps.iter().map(|s| clip(&s.name, 60)).collect();
    let step = |j: usize, first: bool| Piece {
        arrow: (!first).then_some(steps[j].turn),
        step: Some(j),
        text: names[j].clone(),
        day: format!(" {}", msg::day_month(steps[j].on)),
    };
    let left_out = |n: usize, first: bool| Piece {
        arrow: (!first).then_some(Turn::On),
        step: None,
        text: format!("… +{n}"),
        day: String::new(),
    };
    let last = steps.len().saturating_sub(1);
    // Every step; then the first, the mark, and the last ones from `from` on; then the mark
    // and the last ones; at worst the mark and the last step on one line, its name cut.
    let mut candidates: Vec<Vec<Piece>> = vec![(0..=last).map(|j| step(j, j == 0)).collect()];
    for from in 2..=last {
        let mut pieces = vec![step(0, true), left_out(from - 1, false)];
        pieces.extend((from..=last).map(|j| step(j, false)));
        candidates.push(pieces);
    }
    for from in 1..=last {
        let mut pieces = vec![left_out(from, true)];
        pieces.extend((from..=last).map(|j| step(j, false)));
        candidates.push(pieces);
    }
    let (pieces, rows) = candidates
        .into_iter()
        .find_map(|p| wrap(&p, room, lines).map(|rows| (p, rows)))
        .unwrap_or_else(|| {
            let pieces = vec![left_out(last, true), step(last, false)];
            (pieces, std::iter::once(0..2).collect())
        });
    let marked = |turn: Turn| {
        if turn == Turn::On {
            Style::new()
        } else {
            theme.warn
        }
    };
    rows.into_iter()
        .map(|row| {
            let mut spans: Vec<Span<'static>> = Vec::new();
            let start = row.start;
            for (k, piece) in pieces[row].iter().enumerate() {
                if let Some(turn) = piece.arrow {
                    let text = arrow(turn);
                    let text = if k == 0 { text.trim_start() } else { text };
                    let style = match piece.step {
                        Some(_) => marked(turn),
                        None => marked(turn).patch(theme.dim),
                    };
                    spans.push(Span::styled(text, style));
                }
                let Some(j) = piece.step else {
                    spans.push(Span::styled(piece.text.clone(), theme.dim));
                    continue;
                };
                // A step wider than its line alone: its name cut at its end, its day kept.
                let used: usize = spans.iter().map(Span::width).sum();
                let fits = room.saturating_sub(used + super::width(&piece.day));
                let name = if start + k + 1 == pieces.len() || piece.cols(k == 0) > room {
                    super::fit(&piece.text, fits)
                } else {
                    piece.text.clone()
                };
                spans.push(Span::styled(name, marked(steps[j].turn)));
                spans.push(Span::styled(piece.day.clone(), theme.dim));
            }
            spans
        })
        .collect()
}

/// The stage's own fields first (empty ones marked), then the card's other columns.
fn field_lines(shared: &Shared, c: &CardState, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(msg::fields(), theme.bold)));
    for (name, value, own) in fields(shared, c) {
        let value = match value {
            Some(v) => Span::raw(clip(&v, 400)),
            None => Span::styled(msg::empty(), if own { theme.fail } else { theme.dim }),
        };
        let name_style = if own { theme.bold } else { theme.dim };
        lines.push(Line::from(vec![
            Span::styled(
                format!("  {}: ", clip(&msg::field_label(&name), 40)),
                name_style,
            ),
            value,
        ]));
    }
}

fn contact_lines(card: &Card, theme: &Theme, lines: &mut Vec<Line<'static>>) {
    let contact: Vec<String> = [card.contact.clone(), card.company.clone()]
        .into_iter()
        .flatten()
        .chain(card.phones.iter().cloned())
        .chain(card.emails.iter().cloned())
        .collect();
    if !contact.is_empty() {
        lines.push(Line::from(vec![
            label(&msg::contact(), theme),
            Span::raw(clip(&contact.join(", "), 400)),
        ]));
    }
    if !card.tags.is_empty() {
        lines.push(Line::from(vec![
            label(&msg::tags(), theme),
            Span::raw(clip(&card.tags.join(", "), 400)),
        ]));
    }
}

/// The notes, each and all of them together cut to a budget, so one long note cannot push the rest
/// off the screen; each opens with when it was written, where the store knows it (`times`, in
/// the notes' order: a live sync's notes).
fn note_lines(
    card: &Card,
    times: &[Option<chrono::NaiveDateTime>],
    theme: &Theme,
    lines: &mut Vec<Line<'static>>,
) {
    // No notes: no heading to say so (the card's other lines are what there is).
    if card.notes.is_empty() {
        return;
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        format!("{} ({})", msg::notes(), card.notes.len()),
        theme.bold,
    )));
    let mut budget = NOTES_BUDGET;
    for (n, note) in card.notes.iter().enumerate() {
        if n == NOTES_SHOWN || budget == 0 {
            lines.push(Line::from(Span::styled(
                format!("  {}", msg::more_notes(card.notes.len() - n)),
                theme.dim,
            )));
            break;
        }
        // A dot between two notes; none closes the last.
        if n > 0 {
            lines.push(Line::from(Span::styled("  ·", theme.dim)));
        }
        let limit = NOTE_LIMIT.min(budget);
        let (shown, rest) = match note.char_indices().nth(limit) {
            Some((i, _)) => (&note[..i], note.len() - i),
            None => (note.as_str(), 0),
        };
        budget -= shown.chars().count().min(budget);
        let mut shown: Vec<String> = (shown.lines())
            .map(|l| crate::text::safe::line(l).into_owned())
            .collect();
        // A note cut short says so where it is cut, as well as below.
        if rest > 0
            && let Some(last) = shown.last_mut()
        {
            last.push('…');
        }
        // Its time opens its first line, which wraps under the note's indent, not the time's.
        let time = times.get(n).copied().flatten();
        if time.is_some() && shown.is_empty() {
            shown.push(String::new());
        }
        for (k, line) in shown.into_iter().enumerate() {
            lines.push(match time.filter(|_| k == 0) {
                Some(t) => Line::from(vec![
                    Span::raw("  "),
                    Span::styled(date_time(t), theme.dim),
                    Span::raw(format!(" {line}")),
                ]),
                None => Line::from(format!("  {line}")),
            });
        }
        if rest > 0 {
            lines.push(Line::from(Span::styled(
                format!("  {}", msg::more_text(rest)),
                theme.dim,
            )));
        }
    }
}

/// (name, value, the stage's own field): the stage's bound and required fields first (empty
/// ones kept, to be seen), then the card's other columns.
fn fields(shared: &Shared, c: &CardState) -> Vec<(String, Option<String>, bool)> {
    let card = &c.detail.card;
    let mut out: Vec<(String, Option<String>, bool)> = Vec::new();
    if let Some(stage) = c.stage.map(|i| shared.funnel.stage(i)) {
        let own = stage
            .fields
            .iter()
            .map(String::as_str)
            .chain(stage.required.iter().map(|r| r.field.label()));
        // Owner, budget and title are in the header already.
        let header = ["owner", "amount", "title"];
        for name in own {
            if header.contains(&name) || out.iter().any(|(n, _, _)| n == name) {
                continue;
            }
            let value = crate::tui::state::field_value(card, name, &shared.funnel)
                .filter(|v| !v.trim().is_empty());
            out.push((name.to_string(), value, true));
        }
    }
    // A column shown above under its declared name (or one of its aliases) is not listed again.
    let shown: Vec<String> = out
        .iter()
        .flat_map(|(n, _, _)| {
            let keys = shared.funnel.custom_keys(n).iter().cloned();
            std::iter::once(crate::domain::names::fold(n)).chain(keys)
        })
        .collect();
    // The owner's CRM id is okk's own, for writing a move back: the owner's name is above.
    for (k, v) in &card.fields {
        if !shown.contains(&crate::domain::names::fold(k))
            && !crate::domain::columns::is_owner_id_column(k)
        {
            let v = crate::tui::state::column_value(&shared.funnel, k, v);
            out.push((k.to_string(), Some(v), false));
        }
    }
    for (k, v) in &card.invalid {
        out.push((k.clone(), Some(format!("{v} (?)")), false));
    }
    out
}

/// The card's box title, `#id title`, cut to fit a box `box_width` wide.
/// The card pane's box title: `#ID Title`, `#ID (source) Title` with its `source`.
fn title(card: &Card, source: bool, box_width: u16) -> String {
    let t = card.title.as_deref().unwrap_or("");
    let source = if source {
        format!(" ({})", clip(&card.source, 24))
    } else {
        String::new()
    };
    let text = format!("#{}{source} {}", clip(&card.external_id, 24), clip(t, 200));
    format!(
        " {} ",
        super::fit(&text, (box_width as usize).saturating_sub(4))
    )
}

/// How the card's pane is headed.
#[derive(Clone, Copy)]
struct Head {
    /// The lead's scroll keys move it (its border says so).
    focus: bool,
    /// The lead's note on the auditor's review shows under the head.
    lead_note: bool,
    /// Its title names the card's source.
    source: bool,
}

/// The card's pane.
fn draw_card(
    shared: &Shared,
    c: &CardState,
    head: Head,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if head.focus {
            theme.key
        } else {
            Default::default()
        })
        .title(title(&c.detail.card, head.source, area.width));
    let inner = block.inner(area);
    let width = inner.width.max(1) as usize;
    let lines = super::hang::hang_all(
        card_lines(shared, c, head.lead_note, theme, inner.width),
        width,
    );
    let max_scroll = lines.len().saturating_sub(inner.height as usize) as u16;
    let scroll = c.scroll.shown(max_scroll);
    let p = Paragraph::new(lines)
        .block(block)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0));
    frame.render_widget(p, area);
}

fn answer_mark(a: Option<Answer>, scale: Option<u8>, theme: &Theme) -> Span<'static> {
    match a {
        Some(Answer::Pass) => Span::styled("✔", theme.pass),
        Some(Answer::Fail) => Span::styled("✘", theme.fail),
        Some(Answer::Na) => Span::styled("–", theme.dim),
        None => Span::styled("·", theme.dim),
        Some(Answer::Scale(n)) => {
            let max = scale.unwrap_or(1);
            let style = if n == 0 { theme.fail } else { theme.pass };
            Span::styled(format!("{n}/{max}"), style)
        }
    }
}

/// An unanswered item's suggestion: the mark dimmed, with "?" (it counts once confirmed).
fn suggested_mark(a: Answer, scale: Option<u8>, theme: &Theme) -> Span<'static> {
    let mark = answer_mark(Some(a), scale, theme);
    Span::styled(format!("{}?", mark.content), theme.dim)
}

/// The items the checklist's box shows, `first..=last`, of items `heights` rows tall in a box
/// `room` rows high: whole items only (a cut one would pass for whole), with the selected one
/// and, when both fit, the one after it — an auditor answering in order reads each item before
/// pressing its key — from as high up as that allows.
fn window(heights: &[usize], selected: usize, room: usize) -> (usize, usize) {
    let Some(end) = heights.len().checked_sub(1) else {
        return (0, 0);
    };
    let selected = selected.min(end);
    let fits = |first: usize, last: usize| heights[first..=last].iter().sum::<usize>() <= room;
    let ahead = (selected + 1).min(end);
    let target = if fits(selected, ahead) {
        ahead
    } else {
        selected
    };
    // An item taller than the box alone: it shows as far as the box reaches.
    let first = (0..=selected)
        .find(|&f| fits(f, target))
        .unwrap_or(selected);
    let mut last = target;
    while last < end && fits(first, last + 1) {
        last += 1;
    }
    (first, last)
}

/// The checklist's box around `wrapped` (its items as [`checklist_items`] wrapped them): the
/// part [`window`] picks when they do not all fit, its bottom edge saying how many items are
/// above and below it.
fn draw_checklist(
    shared: &Shared,
    c: &CardState,
    wrapped: Vec<Vec<Line<'static>>>,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    let recorded = recorded_items(c);
    let items = recorded.as_deref().unwrap_or(c.checklist(&shared.funnel));
    // Answers to a checklist the funnel no longer has are scored as the review recorded them.
    let pct = match &recorded {
        Some(_) => c.previous.as_ref().and_then(|p| p.score),
        None => score(items, &c.draft.answers),
    };
    let open = unanswered(items, &c.draft.answers);
    // One wording at every width, short enough to sit beside the box's name at 80 columns
    // (tester42 F12: the counter had two wordings and the name went as soon as an item was
    // answered); the score says more than the name, which gives way, whole, only where both
    // do not fit.
    let name = format!(" {} ", msg::checklist());
    let room = (area.width as usize).saturating_sub(2);
    let score = format!(
        " {} ",
        msg::score_title(pct.map(msg::percent).as_deref(), open)
    );
    let mut block = Block::default().borders(Borders::ALL);
    if super::width(&name) + super::width(&score) <= room {
        block = block.title(name);
    }
    let mut block = block.title(Line::from(super::fit(&score, room)).right_aligned());
    if items.is_empty() {
        let lines = super::wrapped(msg::no_checklist(), area.width.saturating_sub(2));
        frame.render_widget(Paragraph::new(lines).block(block), area);
        return;
    }
    let heights: Vec<usize> = wrapped.iter().map(Vec::len).collect();
    let inner = (area.height as usize).saturating_sub(2);
    let (first, last) = window(&heights, c.item, inner);
    let below = wrapped.len().saturating_sub(last + 1);
    // Out of sight, a suggested fail is what `a` would confirm unseen (tester42 F3): the edge
    // counts those beside the items.
    let fails = |range: std::ops::Range<usize>| {
        (items.get(range).unwrap_or(&[]).iter())
            .filter(|i| {
                !c.draft.answers.contains_key(&i.id)
                    && (c.suggested.get(&i.id)).is_some_and(|a| a.value(i.scale) == Some(0.0))
            })
            .count()
    };
    if first > 0 {
        let above = format!(
            " {} ",
            msg::items_out_of_sight(true, first, fails(0..first))
        );
        block = block.title_bottom(Line::from(above).left_aligned());
    }
    if below > 0 {
        let hidden = fails(last + 1..items.len());
        let below = format!(" {} ", msg::items_out_of_sight(false, below, hidden));
        block = block.title_bottom(Line::from(below).right_aligned());
    }
    let lines: Vec<Line<'static>> = wrapped
        .into_iter()
        .take(last + 1)
        .skip(first)
        .flatten()
        .collect();
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// The answers of a review made at a stage the funnel no longer has (removed since, no alias
/// left), as recorded: the checklist the latest funnel version with that stage had, its items
/// by their names; an answered item no version names, by its id marked as no longer in the
/// funnel. `None` where the funnel knows the checklist answered, or nothing was answered.
fn recorded_items(c: &CardState) -> Option<Vec<crate::domain::funnel::ChecklistItem>> {
    if c.checked.is_some() || c.draft.answers.is_empty() {
        return None;
    }
    let past = c.past_checklist.as_deref().unwrap_or(&[]);
    let named = past.iter().cloned();
    let unnamed = (c.draft.answers.keys())
        .filter(|id| !past.iter().any(|i| &i.id == *id))
        .map(|id| crate::domain::funnel::ChecklistItem {
            id: id.clone(),
            text: msg::item_not_in_funnel(&clip(id, 120)),
            weight: 0,
            critical: false,
            field: None,
            checks: Default::default(),
            scale: None,
            flags: Vec::new(),
        });
    Some(named.chain(unnamed).collect())
}

/// The checklist's items, each as its lines, wrapped to `width` past its number.
fn checklist_items(
    shared: &Shared,
    c: &CardState,
    theme: &Theme,
    width: usize,
) -> Vec<Vec<Line<'static>>> {
    let recorded = recorded_items(c);
    let items = recorded.as_deref().unwrap_or(c.checklist(&shared.funnel));
    let empty = (c.checked).map_or_else(Vec::new, |s| {
        let stage = shared.funnel.stage(s);
        let carried = c.detail.carried.as_ref();
        crate::domain::score::empty_bound(stage, &c.detail.card, &shared.funnel, carried)
    });
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let a = c.draft.answers.get(&item.id).copied();
            let na = matches!(a, Some(Answer::Na) | None);
            let text_style = if na {
                theme.dim
            } else {
                ratatui::style::Style::new()
            };
            let mark = match (a, c.suggested.get(&item.id)) {
                (None, Some(s)) => suggested_mark(*s, item.scale, theme),
                _ => answer_mark(a, item.scale, theme),
            };
            // A recorded answer's weight is known where a funnel version names its item
            // (tester40 F5), not where its id stands for its text.
            let past = c.past_checklist.as_deref().unwrap_or(&[]);
            let weighed = recorded.is_none() || past.iter().any(|p| p.id == item.id);
            let marks = vec![
                Span::styled(format!("{} ", i + 1), theme.key),
                mark,
                Span::styled(
                    match weighed {
                        false => " ".to_string(),
                        true => format!(" {} ", msg::item_weight(item.weight, item.critical)),
                    },
                    theme.dim,
                ),
            ];
            // Under the marks, not under the text: on a narrow terminal the marks' columns are
            // worth a row of the checklist.
            let head = marks[0].width();
            let mut spans = marks;
            spans.push(Span::styled(item.text.clone(), text_style));
            // A fail suggested by a flag names that flag, one suggested by an empty field says
            // so: why the card's checklist says ✘?.
            let why = (a.is_none() && c.suggested.contains_key(&item.id))
                .then(|| crate::domain::score::against(item, &c.detail.flags, &empty))
                .flatten();
            let said = match why {
                Some(Against::Flag(flag)) => {
                    Some(format!("  ⚑\u{a0}{}", msg::flag_word(flag.code)))
                }
                Some(Against::Empty) => {
                    Some(format!("  {}", msg::why_empty().replace(' ', "\u{a0}")))
                }
                None => None,
            };
            if let Some(said) = said {
                spans.push(Span::styled(said, theme.dim));
            }
            super::hang::hang(Line::from(spans), head, width)
        })
        .collect()
}

/// The suggestion's box around `lines` (wrapped to it): what does not fit is said at its bottom
/// edge, as the checklist says its items below — never left out unseen.
fn draw_suggestion(lines: Vec<Line<'static>>, frame: &mut Frame<'_>, area: Rect) {
    let mut block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {} ", msg::suggestion()));
    let room = usize::from(area.height.saturating_sub(2));
    if lines.len() > room {
        let below = format!(" {} ", msg::items_below(lines.len() - room));
        block = block.title_bottom(Line::from(below).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The suggestion's lines but the comment: the auditor's verdict on the card (opened again),
/// the lead's decision in a line, then what the review being built would change (stage, owner,
/// corrections).
fn suggestion_lines(shared: &Shared, c: &CardState, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines: Vec<Line<'static>> = Vec::new();
    if let Some(p) = &c.previous {
        lines.push(Line::from(vec![
            Span::styled(format!("{}: ", msg::your_verdict()), theme.dim),
            Span::styled(msg::verdict(p.verdict), theme.bold),
            // The mark and the moment part from the verdict's word as one, not at a row's end.
            Span::styled(
                format!(
                    "\u{a0}·\u{a0}{}",
                    msg::judged_when(&p.created_at, shared.today.date())
                ),
                theme.dim,
            ),
        ]));
        lines.extend(changed_since_yours(shared, p, c, theme));
    }
    // The decision in a line: its note is on the card's pane, whole.
    if let Some(dec) = &c.decision {
        lines.push(suggestion::decision_line(dec, theme));
    }
    let currency = c.detail.card.currency.as_deref();
    lines.extend(suggestion::change_lines(&c.draft, currency, theme));
    lines
}

/// What a sync changed on the card since the auditor's review `p` of it: the fields it changed,
/// from what to what (the stage among them), as the review kept the card; a review made before
/// okk kept it says, as the lead's screen does, the stage it moved from, else that it changed.
fn changed_since_yours(
    shared: &Shared,
    p: &StoredReview,
    c: &CardState,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let card = &c.detail.card;
    let funnel = &shared.funnel;
    let moved = funnel.moved(&p.stage, &card.stage);
    let changed = changed_since(p.card_hash, c.detail.hash);
    if !moved && !changed {
        return Vec::new();
    }
    let warn = |s: String| vec![Line::from(Span::styled(s, theme.warn))];
    if let Some(j) = &p.as_judged {
        let changes: Vec<Change> = (j.changes(card).into_iter())
            .filter(|ch| !is_stage(&ch.field) || moved_in(funnel, ch))
            .collect();
        if !changes.is_empty() {
            let mut lines = warn(msg::your_review_changed_fields());
            lines.extend(super::changed::lines(&changes, card, funnel, theme));
            return lines;
        }
    }
    if moved {
        let now = c
            .stage
            .map_or(card.stage.as_str(), |i| &funnel.stage(i).name);
        return warn(msg::your_review_card_moved(
            &clip(&p.stage, 60),
            &clip(now, 60),
        ));
    }
    warn(msg::your_review_card_changed())
}

/// Whether a change is of the card's stage.
pub(super) fn is_stage(f: &Field) -> bool {
    *f == Field::System(crate::domain::SystemField::Stage)
}

/// Whether a change of the stage's name is a move: another name the funnel keeps for the same
/// stage (the CRM renamed it) is not.
fn moved_in(funnel: &crate::domain::Funnel, ch: &Change) -> bool {
    let name = |s: &Side| match s {
        Side::Value(v) => v.clone(),
        _ => String::new(),
    };
    funnel.moved(&name(&ch.then), &name(&ch.now))
}

/// `url` in lines of at most `cols` columns, broken after its slashes (a piece that is wider
/// than a line alone broken where the line ends): joined, they are the address.
fn url_lines(url: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in url.split_inclusive('/') {
        let w = super::width(piece);
        if !line.is_empty() && super::width(&line) + w > cols && w <= cols {
            out.push(std::mem::take(&mut line));
        }
        for c in piece.chars() {
            let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if !line.is_empty() && super::width(&line) + w > cols {
                out.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{money, title, window};
    use crate::domain::stage_path::{Step, Turn};

    /// A long owner's name keeps a space before the budget's label (tester33 F12: «…Менеджер
    /// Бюджет» ran together); a short one is padded to the budget's column as before.
    #[test]
    fn the_owner_and_the_budget_keep_a_space_between_them() {
        use crate::text::lang::{Lang, with};
        let theme = super::super::Theme::plain();
        let line = |owner: &str| {
            let card = crate::domain::Card {
                owner: Some(owner.into()),
                amount: Some(1000.0),
                ..Default::default()
            };
            let mut lines = Vec::new();
            with(Lang::Ru, || {
                super::owner_lines(&card, &theme, 120, &mut lines)
            });
            lines[0].to_string()
        };
        let long = line("Константинопольская-Щедрина Анастасия");
        assert!(long.contains("Анастасия Бюджет"), "{long}");
        let short = line("Анна");
        assert!(
            short.contains(&format!("Анна{}Бюджет", " ".repeat(18))),
            "{short}"
        );
    }

    /// Notes are parted by a dot, with none after the last; a card with none shows no heading
    /// for them (tester39 F12).
    #[test]
    fn notes_are_parted_by_a_dot_and_none_shows_no_heading() {
        let theme = super::super::Theme::plain();
        let shown = |notes: &[&str]| {
            let card = crate::domain::Card {
                notes: notes.iter().map(|n| n.to_string()).collect(),
                ..Default::default()
            };
            let mut lines = Vec::new();
            super::note_lines(&card, &[], &theme, &mut lines);
            lines.iter().map(|l| l.to_string()).collect::<Vec<_>>()
        };
        assert!(shown(&[]).is_empty());
        let two = shown(&["first", "second"]);
        let heading = format!("{} (2)", crate::text::tui::notes());
        assert_eq!(two, ["", heading.as_str(), "  first", "  ·", "  second"]);
    }

    /// A budget with kopecks shows them, with the language's decimal mark; a whole one shows
    /// none; neither is ever rounded to the rouble.
    #[test]
    fn a_budget_shows_its_kopecks_when_it_has_any() {
        use crate::text::lang::{Lang, with};
        let both = |amount: f64, currency: Option<&str>| {
            (
                with(Lang::Ru, || money(amount, currency)),
                with(Lang::En, || money(amount, currency)),
            )
        };
        let pair = |ru: &str, en: &str| (ru.to_string(), en.to_string());
        assert_eq!(
            both(8_450_000.5, None),
            pair("8 450 000,50 ₽", "8 450 000.50 ₽")
        );
        assert_eq!(
            both(8_450_000.0, Some("RUB")),
            pair("8 450 000 ₽", "8 450 000 ₽")
        );
        assert_eq!(both(0.07, Some("USD")), pair("0,07 $", "0.07 $"));
        assert_eq!(
            both(27_880_000.0, Some("Российский рубль")),
            pair("27 880 000 ₽", "27 880 000 ₽")
        );
        assert_eq!(both(5.0, Some("Тенге")), pair("5 ₸", "5 ₸"));
        assert_eq!(both(5.0, Some("SGD")), pair("5 SGD", "5 SGD"));
        assert_eq!(both(-1500.25, None), pair("-1 500,25 ₽", "-1 500.25 ₽"));
        assert_eq!(both(999.999, None), pair("1 000 ₽", "1 000 ₽"));
    }

    /// The card's title names its source when asked (a list of several sources), never a
    /// control character of it.
    #[test]
    fn the_title_names_the_source_when_asked() {
        let card = crate::domain::Card {
            source: "amo-north".into(),
            external_id: "5001".into(),
            title: Some("Квартира у парка".into()),
            ..Default::default()
        };
        assert_eq!(title(&card, false, 80), " #5001 Квартира у парка ");
        assert_eq!(
            title(&card, true, 80),
            " #5001 (amo-north) Квартира у парка "
        );
        let hostile = crate::domain::Card {
            source: "amo\u{7}\u{1b}]0;x".into(),
            ..card
        };
        assert!(!title(&hostile, true, 80).chars().any(char::is_control));
    }

    /// «Встреча проведена» at 80×24: seven items, two rows each but the sixth (three), in a box
    /// of 13 rows.
    const MET: [usize; 7] = [2, 2, 2, 2, 2, 3, 2];

    #[test]
    fn all_items_that_fit_are_shown_whole() {
        assert_eq!(window(&MET, 0, 15), (0, 6));
        assert_eq!(window(&MET, 6, 15), (0, 6));
    }

    #[test]
    fn the_first_items_show_until_the_selection_needs_the_room() {
        assert_eq!(window(&MET, 0, 13), (0, 5));
        assert_eq!(window(&MET, 4, 13), (0, 5));
        // The sixth's key brings the seventh in sight: it is read before it is answered.
        assert_eq!(window(&MET, 5, 13), (1, 6));
        assert_eq!(window(&MET, 6, 13), (1, 6));
    }

    #[test]
    fn the_selection_stays_in_sight_when_it_and_the_next_do_not_fit_together() {
        assert_eq!(window(&MET, 5, 4), (5, 5));
        assert_eq!(window(&MET, 6, 4), (6, 6));
        assert_eq!(window(&MET, 3, 4), (3, 4));
    }

    #[test]
    fn an_item_taller_than_the_box_is_shown_from_its_top() {
        assert_eq!(window(&MET, 5, 1), (5, 5));
        assert_eq!(window(&MET, 0, 0), (0, 0));
        assert_eq!(window(&[], 3, 10), (0, 0));
        // A selection past the items (a stage with fewer) keeps the last in sight.
        assert_eq!(window(&[2, 2], 8, 2), (1, 1));
    }

    fn steps(list: &[(&str, Turn)]) -> Vec<Step> {
        (list.iter().enumerate())
            .map(|(k, (name, turn))| Step {
                name: name.to_string(),
                on: chrono::NaiveDate::from_ymd_opt(2026, 11, 18 + k as u32).unwrap(),
                turn: *turn,
            })
            .collect()
    }

    /// The path's lines in `room` columns, at most `lines` of them, joined by `\n`.
    fn path_lines(steps: &[Step], room: usize, lines: usize) -> String {
        let rows = super::path_rows(steps, room, lines, &super::Theme::plain());
        let rows: Vec<String> = (rows.iter())
            .map(|r| r.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        for row in &rows {
            assert!(super::super::width(row) <= room, "{row:?} in {room}");
        }
        rows.join("\n")
    }

    fn path_text(steps: &[Step], room: usize) -> String {
        path_lines(steps, room, 1)
    }

    const MOVED: [(&str, Turn); 3] = [
        ("Первичный контакт", Turn::On),
        ("Переговоры", Turn::On),
        ("Принимают решение", Turn::On),
    ];

    #[test]
    fn the_path_shows_every_step_in_order_where_it_fits() {
        let want = "Первичный контакт 18.11 → Переговоры 19.11 → Принимают решение 20.11";
        assert_eq!(path_text(&steps(&MOVED), 100), want);
        assert_eq!(path_text(&steps(&MOVED), want.chars().count()), want);
    }

    /// Too long for its lines: the first step and the last ones that fit, whole, with how many
    /// were left out between them; then the last ones alone.
    #[test]
    fn a_long_path_keeps_its_first_and_last_steps_and_says_how_many_went_between() {
        let full = "Первичный контакт 18.11 → Переговоры 19.11 → Принимают решение 20.11";
        let text = path_text(&steps(&MOVED), full.chars().count() - 1);
        assert_eq!(
            text,
            "Первичный контакт 18.11 → … +1 → Принимают решение 20.11"
        );
        let text = path_text(&steps(&MOVED), 40);
        assert_eq!(text, "… +2 → Принимают решение 20.11");
        // Narrower than the last step alone: its name is cut at its end, its day kept.
        let text = path_text(&steps(&MOVED), 20);
        assert_eq!(text, "… +2 → Приним… 20.11");
        assert_eq!(text.chars().count(), 20);
    }

    /// Narrow, the path takes the lines it needs, each step whole on one, the arrow that
    /// reaches a step beginning its line; too long for them, its middle steps go first.
    #[test]
    fn a_path_too_long_for_a_line_goes_on_over_the_next_ones() {
        let path = steps(&MOVED);
        assert_eq!(
            path_lines(&path, 31, 3),
            "Первичный контакт 18.11\n→ Переговоры 19.11\n→ Принимают решение 20.11"
        );
        assert_eq!(
            path_lines(&path, 50, 3),
            "Первичный контакт 18.11 → Переговоры 19.11\n→ Принимают решение 20.11"
        );
        assert_eq!(
            path_lines(&path, 31, 2),
            "Первичный контакт 18.11 → … +1\n→ Принимают решение 20.11"
        );
        // A name wider than a line alone is cut, marked, its day kept; the rest stay whole.
        let long = steps(&[
            ("Первичный контакт", Turn::On),
            ("Встреча с клиентом в офисе продаж назначена", Turn::On),
        ]);
        assert_eq!(
            path_lines(&long, 31, 3),
            "Первичный контакт 18.11\n→ Встреча с клиентом в о… 19.11"
        );
    }

    #[test]
    fn a_move_back_and_a_skip_are_marked_on_their_arrows() {
        let path = steps(&[
            ("Квалификация", Turn::On),
            ("Встреча проведена", Turn::Skip),
            ("Квалификация", Turn::Back),
        ]);
        assert_eq!(
            path_text(&path, 100),
            "Квалификация 18.11 ↷ Встреча проведена 19.11 ↶ Квалификация 20.11"
        );
        // The arrow of the step after the ones left out says how it was reached.
        assert_eq!(
            path_text(&path, 52),
            "Квалификация 18.11 → … +1 ↶ Квалификация 20.11"
        );
        assert_eq!(path_text(&path, 30), "… +2 ↶ Квалификация 20.11");
        assert_eq!(
            path_lines(&path, 30, 2),
            "Квалификация 18.11 → … +1\n↶ Квалификация 20.11"
        );
        assert_eq!(
            path_lines(&path, 30, 3),
            "Квалификация 18.11\n↷ Встреча проведена 19.11\n↶ Квалификация 20.11"
        );
        // In colour, the stage reached backwards is the warning's.
        let theme = super::Theme::colour();
        let spans: Vec<_> = super::path_rows(&path, 100, 1, &theme).concat();
        let back = spans
            .iter()
            .rposition(|s| s.content == "Квалификация")
            .unwrap();
        assert_eq!(spans[back].style, theme.warn);
        assert_ne!(spans[0].style, theme.warn);
    }

    /// A stage name from the CRM is shown with its control characters as placeholders.
    #[test]
    fn a_crm_stage_name_s_control_characters_are_not_drawn() {
        let path = steps(&[("Этап\u{1b}]0;x\u{7}", Turn::On), ("Договор", Turn::On)]);
        assert!(!path_text(&path, 100).chars().any(char::is_control));
    }

    /// An address wider than the card is kept whole, scheme included, over lines broken after
    /// its slashes; a piece wider than a line is broken where the line ends.
    #[test]
    fn a_long_crm_address_is_kept_whole_over_lines_broken_at_its_slashes() {
        let url = "http://127.0.0.1:28767/crm/deal/details/30000040/";
        let lines = super::url_lines(url, 38);
        assert_eq!(
            lines,
            ["http://127.0.0.1:28767/crm/deal/", "details/30000040/"]
        );
        assert_eq!(super::url_lines(url, 80), [url]);
        let long = "https://a-very-long-subdomain-of-an-agency.amocrm.ru/leads/detail/7";
        let lines = super::url_lines(long, 20);
        assert_eq!(lines.concat(), long);
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
    }
}
