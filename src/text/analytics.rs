//! Messages of `okk stats`: the stage table with its analytics, the stage that lies most and
//! why, managers, bottlenecks, the weekly trend.

use std::fmt::Write;

use super::common;
use super::i18n;
use super::lang;
use super::safe::line;
use crate::domain::analytics::make_up::{JudgedBefore, MakeUp};
use crate::domain::analytics::{
    Analytics, Bottleneck, FailingItem, Figures, LeftOut, ManagerGroup, StageRow, WholeCards,
    Window,
};
use crate::domain::funnel::StageKind;

/// How many bottlenecks the text lists (JSON and CSV have them all).
const SHOWN: usize = 10;

/// A share as a whole percentage, `—` for none: «95 %» in Russian (a no-break space, as the
/// screens write it), «95%» in English.
pub fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| {
        let n = i18n::decimal(lang::current(), v * 100.0, 0);
        crate::tr!("analytics-percent", n = n)
    })
}

/// A figure to at most one decimal (`9`, `9.5`; `9,5` in Russian), `—` for none.
/// A mean checklist score with the number of judged cards it is the mean of: a score of two
/// cards reads otherwise as the stage's whole.
pub fn score(f: &crate::domain::analytics::Figures) -> String {
    match f.average_score {
        None => "—".into(),
        s => crate::tr!("analytics-score-of", score = num(s), n = int(f.scored)),
    }
}

pub fn num(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 => i18n::decimal(lang::current(), v, 0),
        Some(v) => i18n::decimal(lang::current(), v, 1),
    }
}

/// A count as the current language writes it (`12345`; `12 345` in Russian).
fn int(n: u64) -> String {
    common::int(n as i64)
}

/// `~21 (4–21)`: an estimate of lying cards and its 95 % interval, in whole cards.
pub fn lying(cards: WholeCards) -> String {
    // A stage judged whole is counted, not estimated: the count alone, no "~" and no interval.
    if cards.low == cards.high {
        return int(cards.lying);
    }
    format!(
        "~{} ({}–{})",
        int(cards.lying),
        int(cards.low),
        int(cards.high)
    )
}

/// A yes-or-no a message selects its wording by (`{ $measured -> [yes] … *[other] … }`).
pub(crate) fn yes_no(yes: bool) -> &'static str {
    if yes { "yes" } else { "no" }
}

/// What the interval in brackets is, and what is left out of rankings.
pub fn lying_note() -> String {
    crate::tr!("analytics-lying-note")
}

/// Untrusted text on one line, at most `max` characters (then `…`).
fn cut(s: &str, max: usize) -> String {
    let s = line(s);
    if s.chars().count() <= max {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn width<'a>(names: impl Iterator<Item = &'a str>, min: usize) -> usize {
    names
        .map(|n| line(n).chars().count())
        .max()
        .unwrap_or(0)
        .max(min)
}

/// `reviews from … to …` for a window; empty for all reviews.
pub fn window(w: &Window) -> String {
    match (w.since, w.until) {
        (None, None) => String::new(),
        (Some(s), None) => crate::tr!("analytics-window-since", since = common::day(s)),
        (None, Some(u)) => crate::tr!("analytics-window-until", until = common::day(u)),
        (Some(s), Some(u)) => crate::tr!(
            "analytics-window-between",
            since = common::day(s),
            until = common::day(u)
        ),
    }
}

pub fn since_after_until(w: &Window) -> String {
    // The days as the user typed them on the command line.
    crate::tr!(
        "analytics-since-after-until",
        since = w.since.map(|d| d.to_string()).unwrap_or_default(),
        until = w.until.map(|d| d.to_string()).unwrap_or_default()
    )
}

/// Items as one cell: `text (n); text (n)`, each with its stage when `with_stage`; `n` is
/// `count` of it (fails, or fails in reviews not ok).
pub fn items_cell(
    items: &[FailingItem],
    with_stage: bool,
    count: impl Fn(&FailingItem) -> u64,
) -> String {
    let one = |i: &FailingItem| {
        if with_stage {
            format!("{} [{}] ({})", i.text, i.stage, count(i))
        } else {
            format!("{} ({})", i.text, count(i))
        }
    };
    items.iter().map(one).collect::<Vec<_>>().join("; ")
}

/// The stage table: the per-stage counts `okk stats` always printed, then the cards judged, the
/// share not ok, the mean score and the median idle days; under it what the funnel's likely
/// lying cards come to.
///
/// At `cols` columns: where the table with its marks (won, lost, extra control, not in the
/// funnel) is wider, the marks go under it, a line per mark; where it is still wider, the
/// columns the TUI and `--json` give as well leave it in the order [`STAGE_DROPPED`] says, and
/// a line names them ([`fit`]).
pub fn stages_table(funnel_name: &str, rows: &[StageRow], a: &Analytics, cols: usize) -> String {
    let head = [
        crate::tr!("analytics-col-stage"),
        crate::tr!("analytics-col-cards"),
        crate::tr!("analytics-col-flagged"),
        crate::tr!("analytics-col-reviewed"),
        crate::tr!("analytics-col-gone"),
        crate::tr!("analytics-col-judged"),
        crate::tr!("analytics-col-not-ok"),
        crate::tr!("analytics-col-score"),
        crate::tr!("analytics-col-idle"),
    ];
    // Each column as wide as English always made it, or its header in a longer language.
    let min = [5, 7, 7, 8, 5, 7, 6, 5, 6];
    let mut widths = [0; 9];
    for (i, (h, m)) in head.iter().zip(min).enumerate() {
        widths[i] = h.chars().count().max(m);
    }
    widths[7] = rows
        .iter()
        .map(|r| &r.figures)
        .chain([&a.totals.figures])
        .map(|f| unicode_width::UnicodeWidthStr::width(score(f).as_str()))
        .fold(widths[7], usize::max);
    let total = crate::tr!("analytics-col-total");
    widths[0] = width(
        rows.iter()
            .map(|r| r.base.stage.as_str())
            .chain([total.as_str()]),
        widths[0],
    );
    let mut s = String::new();
    let scope = window(&a.window);
    if scope.is_empty() {
        let _ = writeln!(s, "{}", line(funnel_name));
    } else {
        let _ = writeln!(s, "{} — {scope}", line(funnel_name));
    }
    let mut cells: Vec<Vec<String>> = Vec::with_capacity(rows.len() + 1);
    let mut marks: Vec<String> = Vec::with_capacity(rows.len() + 1);
    let (mut gone, mut reviewed) = (0, 0);
    for r in rows {
        let (b, f) = (&r.base, &r.figures);
        let row = [
            line(&b.stage).into_owned(),
            int(b.cards),
            int(b.flagged),
            int(b.reviewed),
            int(b.gone),
            int(f.judged),
            marked_share(pct(f.mismatch_rate), f.judged_before_change.as_ref()),
            score(f),
            num(f.median_idle_days),
        ];
        cells.push(row.into());
        marks.push(stage_mark(b).trim_start().to_string());
        gone += b.gone;
        reviewed += b.reviewed;
    }
    let t = &a.totals;
    let row = [
        total,
        int(t.cards),
        int(t.flagged),
        int(reviewed),
        int(gone),
        int(t.figures.judged),
        pct(t.figures.mismatch_rate),
        score(&t.figures),
        num(t.figures.median_idle_days),
    ];
    cells.push(row.into());
    marks.push(String::new());
    let mut head: Vec<String> = head.into();
    let mut widths: Vec<usize> = widths.into();
    // The marks as a last column, unless the table is wider with them than the screen.
    let fits = |w: &[usize], extra: usize| table_width(w) + extra <= cols;
    let widest_mark = marks.iter().map(|m| m.chars().count()).max().unwrap_or(0);
    let marks_below = !fits(&widths, widest_mark + 2) && widest_mark > 0;
    if !marks_below {
        head.push(String::new());
        widths.push(0);
        for (row, mark) in cells.iter_mut().zip(&marks) {
            row.push(mark.clone());
        }
    }
    let dropped = fit(&mut head, &mut cells, &mut widths, &STAGE_DROPPED, cols);
    for row in std::iter::once(&head).chain(&cells) {
        table_row(&mut s, &widths, row);
    }
    if marks_below {
        marks_under(&mut s, rows, &marks);
    }
    if !dropped.is_empty() {
        note(&mut s, left_out(&dropped, cols));
    }
    note(&mut s, crate::tr!("analytics-judged-note"));
    if let Some(several) = several_stages(rows.iter().map(|r| &r.figures), a, &int) {
        note(&mut s, several);
    }
    let by_stage = rows.iter().map(|r| (r.base.stage.as_str(), &r.figures));
    if let Some(elsewhere) = decided_elsewhere(by_stage, &int) {
        note(&mut s, elsewhere);
    }
    note(&mut s, not_ok_note(&t.figures, &int));
    for note_text in before_change_notes(rows) {
        note(&mut s, note_text);
    }
    if let Some(lying) = total_lying(a, &int) {
        note(&mut s, lying);
    }
    if let Some(unsampled) = unsampled(a, &int) {
        note(&mut s, unsampled);
    }
    if t.figures.disputed > 0 {
        note(
            &mut s,
            crate::tr!(
                "analytics-disputed",
                count = t.figures.disputed,
                filter = super::tui::disagree_word()
            ),
        );
    }
    if a.returned > 0 {
        note(&mut s, crate::tr!("analytics-returned", count = a.returned));
    }
    if a.without_card > 0 {
        note(
            &mut s,
            crate::tr!("analytics-without-card", count = a.without_card),
        );
    }
    s
}

/// Why the stage rows' samples add up to more than the Total's: cards judged at more than one
/// stage count at each, the Total (and each manager) once. `None` when no card was.
pub fn several_stages<'a>(
    rows: impl Iterator<Item = &'a Figures>,
    a: &Analytics,
    count: &dyn Fn(u64) -> String,
) -> Option<String> {
    if a.several_stages == 0 {
        return None;
    }
    let summed: u64 = rows.map(|f| f.judged).sum();
    Some(crate::tr!(
        "analytics-several-stages",
        count = count(a.several_stages),
        count_n = a.several_stages,
        rows = count(summed),
        total = count(a.totals.figures.judged),
        total_n = a.totals.figures.judged,
        disputed = count(a.totals.figures.disputed),
        disputed_n = a.totals.figures.disputed
    ))
}

/// The stage rows that count a card by the lead's decision on its review at another stage
/// (`«Stage» 1`), and how many such cards in all. `None` when no row does.
pub fn decided_elsewhere<'a>(
    rows: impl Iterator<Item = (&'a str, &'a Figures)>,
    count: &dyn Fn(u64) -> String,
) -> Option<String> {
    let at: Vec<(&str, u64)> = rows
        .filter(|(_, f)| f.decided_elsewhere > 0)
        .map(|(stage, f)| (stage, f.decided_elsewhere))
        .collect();
    let n: u64 = at.iter().map(|(_, n)| n).sum();
    if n == 0 {
        return None;
    }
    let stages = (at.iter())
        .map(|(stage, n)| format!("«{}» {}", line(stage), count(*n)))
        .collect::<Vec<_>>()
        .join(", ");
    Some(crate::tr!(
        "analytics-decided-elsewhere",
        count = count(n),
        count_n = n,
        stages = stages
    ))
}

/// What "not ok" counts, with how many of the cards not ok are only unclear: the lead sends
/// the share upward, and an auditor's "unclear" is in it (the card does not show its stage).
/// With none not ok, it says no share of them ("unclear: 0 of the 0").
pub fn not_ok_note(f: &Figures, count: &dyn Fn(u64) -> String) -> String {
    crate::tr!(
        "analytics-not-ok-note",
        not_ok = count(f.mismatches),
        not_ok_n = f.mismatches,
        unclear = count(f.review_verdicts.unclear)
    )
}

/// The window's name and what it leaves out, for a sentence saying the window holds none of
/// the store's current reviews: `(window, count, span)`, or `None` when it holds some (or
/// there are none).
pub(super) fn all_left_out(
    a: &Analytics,
    count: &dyn Fn(u64) -> String,
) -> Option<(String, String, String)> {
    let out = a.all_left_out?;
    let named = window(&a.window);
    // A window of funnel versions alone has no days to name (its figures say no sentence).
    if named.is_empty() {
        return None;
    }
    Some((named, count(out.reviews), left_out_span(&out)))
}

/// The days reviews were made on: `made on 06.12.2026`, `made from 01.12.2026 to 06.12.2026`.
fn left_out_span(out: &LeftOut) -> String {
    let day = |d: Option<chrono::NaiveDate>| d.map(common::day).unwrap_or_else(|| "—".into());
    crate::tr!(
        "analytics-left-out-span",
        same = yes_no(out.first == out.last),
        first = day(out.first),
        last = day(out.last)
    )
}

/// In place of "no reviews yet" where the window holds none of the store's current reviews
/// but the store has some: the window, and the reviews it leaves out and their days.
fn none_in_window(a: &Analytics, count: &dyn Fn(u64) -> String) -> Option<String> {
    let (window, reviews, span) = all_left_out(a, count)?;
    Some(crate::tr!(
        "analytics-none-in-window",
        window = window,
        count = reviews,
        span = span
    ))
}

/// The trend's line for a window that holds none of the store's current reviews.
fn trend_none_in_window(a: &Analytics, count: &dyn Fn(u64) -> String) -> Option<String> {
    let (window, reviews, span) = all_left_out(a, count)?;
    Some(crate::tr!(
        "analytics-trend-none-in-window",
        window = window,
        count = reviews,
        span = span
    ))
}

/// The stage table's mark on the share not ok of a stage whose sample mostly predates the
/// funnel version that changed which cards it holds; the sentence under the table says why.
const BEFORE_CHANGE: &str = "*";

/// The managers' list's mark on the estimate of a manager with too few cards judged to rank.
const UNRANKED: &str = "†";

/// A stage's share not ok as the stage tables show it (`okk stats`, the stats screen): with
/// [`BEFORE_CHANGE`] when its sample mostly predates the change of its make-up.
pub fn marked_share(share: String, judged_before: Option<&JudgedBefore>) -> String {
    match judged_before {
        Some(_) => format!("{share}{BEFORE_CHANGE}"),
        None => share,
    }
}

/// The sentences under a stage table (`okk stats`, the stats screen), one per stage whose
/// share is marked: «* «Stage»: why».
pub fn before_change_notes(rows: &[StageRow]) -> Vec<String> {
    (rows.iter())
        .filter_map(|r| {
            let j = r.figures.judged_before_change.as_ref()?;
            Some(before_change_note(
                &r.base.stage,
                judged_before_change(j, &int),
            ))
        })
        .collect()
}

/// One sentence under a list whose estimate of `label` is marked: «* «label»: why».
fn before_change_note(label: &str, why: String) -> String {
    format!("{BEFORE_CHANGE} «{}»: {why}", line(label))
}

/// The bottleneck's estimate as the lists show it (`okk stats`, the stats screen): with
/// [`BEFORE_CHANGE`] when its sample mostly predates the change of its stage's make-up.
pub fn marked_lying(b: &Bottleneck) -> String {
    marked_share(lying(b.lying_cards), b.judged_before_change.as_ref())
}

/// A bottleneck as its note names it: the stage, or «stage · manager».
pub fn bottleneck_label(b: &Bottleneck) -> String {
    match &b.manager {
        Some(m) => format!("{} · {m}", b.stage),
        None => b.stage.clone(),
    }
}

/// The sentences under a list of bottlenecks, one per marked estimate: «* «Stage · manager»:
/// why».
pub fn bottleneck_before_change_notes(rows: &[Bottleneck]) -> Vec<String> {
    (rows.iter())
        .filter_map(|b| {
            let j = b.judged_before_change.as_ref()?;
            Some(before_change_note(
                &bottleneck_label(b),
                judged_before_change(j, &int),
            ))
        })
        .collect()
}

/// The sentences under the managers' list, one per marked estimate: «* «Manager»: why», the
/// why naming the stages whose change their cards judged predate.
pub fn manager_before_change_notes(managers: &[ManagerGroup]) -> Vec<String> {
    (managers.iter())
        .filter_map(|m| {
            let j = m.group.figures.judged_before_change.as_ref()?;
            let name = m
                .manager
                .clone()
                .unwrap_or_else(|| crate::tr!("analytics-no-owner"));
            Some(before_change_note(
                &name,
                manager_judged_before_change(j, &m.changed_stages, &int),
            ))
        })
        .collect()
}

/// Why a manager's estimate is marked: most of their cards judged were judged at `stages`
/// before the funnel version that changed which cards those hold.
pub fn manager_judged_before_change(
    j: &JudgedBefore,
    stages: &[String],
    count: &dyn Fn(u64) -> String,
) -> String {
    let named: Vec<String> = stages.iter().map(|s| format!("«{}»", line(s))).collect();
    crate::tr!(
        "analytics-manager-judged-before-change",
        stages = named.join(", "),
        count = stages.len(),
        version = j.version,
        change = make_up(j.change),
        before = count(j.before),
        before_n = j.before,
        judged = count(j.of)
    )
}

/// Why a stage's estimate is marked: most of its cards judged were judged before the funnel
/// version that changed which cards it holds (a merge, a split, the stage new).
pub fn judged_before_change(j: &JudgedBefore, count: &dyn Fn(u64) -> String) -> String {
    let change = make_up(j.change);
    crate::tr!(
        "analytics-judged-before-change",
        version = j.version,
        change = change,
        before = count(j.before),
        before_n = j.before,
        judged = count(j.of)
    )
}

/// [`judged_before_change`] as a sentence of its own, under the stage that lies most.
fn lies_most_before_change(j: &JudgedBefore, count: &dyn Fn(u64) -> String) -> String {
    let change = make_up(j.change);
    crate::tr!(
        "analytics-lies-most-before-change",
        version = j.version,
        change = change,
        before = count(j.before),
        before_n = j.before,
        judged = count(j.of)
    )
}

/// What a funnel version did to the cards a stage holds, in words.
fn make_up(change: MakeUp) -> String {
    match change {
        MakeUp::Added => crate::tr!("analytics-make-up-added"),
        MakeUp::Merge => crate::tr!("analytics-make-up-merge"),
        MakeUp::Split => crate::tr!("analytics-make-up-split"),
        MakeUp::MergeAndSplit => crate::tr!("analytics-make-up-merge-and-split"),
    }
}

/// The funnel's likely lying cards: the one figure `okk stats`, its JSON (`totals`) and the
/// report give, with what it speaks for and its sample. `None` before any card is judged.
pub fn total_lying(a: &Analytics, count: &dyn Fn(u64) -> String) -> Option<String> {
    let f = &a.totals.figures;
    let lying = f.lying_cards?;
    let short = a.estimate_short();
    if !short.shown() {
        return Some(estimate_held(a, count));
    }
    let stages = a
        .stages
        .iter()
        .filter(|s| s.group.figures.judged > 0)
        .count() as u64;
    let measured = a.total_measured();
    Some(crate::tr!(
        "analytics-total-lying",
        measured = yes_no(measured),
        lying = match measured {
            true => count(lying.lying),
            false => format!("~{}", count(lying.lying)),
        },
        low = count(lying.low),
        high = count(lying.high),
        open = count(f.covered_cards),
        open_n = f.covered_cards,
        stages = count(stages),
        stages_n = stages,
        judged = count(f.judged),
        judged_n = f.judged,
        not_ok = count(f.mismatches)
    ))
}

/// The open cards the estimate leaves out at the stages it speaks for: those of a kind (flagged
/// now, or not) none of which was judged there, stage by stage. `None` when there are none.
pub fn unsampled(a: &Analytics, count: &dyn Fn(u64) -> String) -> Option<String> {
    let mut list = Vec::new();
    for st in a.stages.iter().filter(|st| st.group.figures.judged > 0) {
        let Some(strata) = st.group.figures.strata else {
            continue;
        };
        let stage = line(&st.stage);
        let n = strata.unflagged.unsampled;
        if n > 0 {
            list.push(crate::tr!(
                "analytics-unsampled-unflagged",
                stage = stage.clone(),
                open = count(n),
                open_n = n
            ));
        }
        let n = strata.flagged.unsampled;
        if n > 0 {
            list.push(crate::tr!(
                "analytics-unsampled-flagged",
                stage = stage,
                open = count(n),
                open_n = n
            ));
        }
    }
    (!list.is_empty()).then(|| crate::tr!("analytics-unsampled", list = list.join(", ")))
}

/// Which of a stage's open cards its estimate speaks for: all of them, or only the flagged or
/// the unflagged ones (the other kind unsampled), as the stage that lies most says.
fn covered_part(f: &Figures) -> &'static str {
    match f.strata {
        Some(s) if s.flagged.unsampled > 0 && s.unflagged.unsampled == 0 => "unflagged",
        Some(s) if s.unflagged.unsampled > 0 && s.flagged.unsampled == 0 => "flagged",
        _ => "all",
    }
}

/// The stage table's columns that leave it first where it is wider than the screen: the gone
/// cards, the reviews made, the score, the flagged cards (the TUI's stats screen and `--json`
/// give them all).
const STAGE_DROPPED: [usize; 4] = [4, 3, 7, 2];

/// The width of a table's line of columns `widths` (its first left-aligned after two spaces,
/// each other after two more).
fn table_width(widths: &[usize]) -> usize {
    widths.iter().map(|w| w + 2).sum()
}

/// Drops columns of a table, by their index in `order`, until its lines fit `cols` columns;
/// then cuts its first column's cells (names) to what is left, down to ten columns. The headers
/// of the columns it dropped.
fn fit(
    head: &mut Vec<String>,
    rows: &mut [Vec<String>],
    widths: &mut Vec<usize>,
    order: &[usize],
    cols: usize,
) -> Vec<String> {
    let mut gone: Vec<usize> = Vec::new();
    for &c in order {
        if table_width(widths) - gone.iter().map(|&g| widths[g] + 2).sum::<usize>() <= cols {
            break;
        }
        gone.push(c);
    }
    gone.sort_unstable();
    let mut dropped = Vec::new();
    for &c in gone.iter().rev() {
        dropped.push(head.remove(c));
        widths.remove(c);
        for r in rows.iter_mut() {
            r.remove(c);
        }
    }
    dropped.reverse();
    let over = table_width(widths).saturating_sub(cols);
    if over > 0 && widths[0] > 10 {
        widths[0] = widths[0].saturating_sub(over).max(10);
        for r in rows.iter_mut() {
            r[0] = cut(&r[0], widths[0]);
        }
    }
    dropped
}

/// One row of the stage table: the stage left-aligned, the figures right-aligned, then its
/// mark, if the table has them (free text: not padded).
fn table_row(s: &mut String, widths: &[usize], cells: &[String]) {
    let mut l = format!("  {:<w$}", cells[0], w = widths[0]);
    for (cell, w) in cells.iter().zip(widths).skip(1) {
        let _ = write!(l, "  {cell:>w$}");
    }
    let _ = writeln!(s, "{}", l.trim_end());
}

/// The stage table's marks under it, a line per mark: the stages it marks.
fn marks_under(s: &mut String, rows: &[StageRow], marks: &[String]) {
    let mut by: Vec<(&str, Vec<String>)> = Vec::new();
    for (r, mark) in rows.iter().zip(marks) {
        let mark = mark.trim();
        if mark.is_empty() {
            continue;
        }
        let stage = format!("«{}»", line(&r.base.stage));
        match by.iter_mut().find(|(m, _)| *m == mark) {
            Some((_, stages)) => stages.push(stage),
            None => by.push((mark, vec![stage])),
        }
    }
    for (mark, stages) in by {
        note(
            s,
            crate::tr!("analytics-marked", mark = mark, stages = stages.join(", ")),
        );
    }
}

/// The line that names the columns a table left out to fit `cols` columns.
fn left_out(dropped: &[String], cols: usize) -> String {
    crate::tr!(
        "analytics-left-out",
        cols = cols,
        columns = dropped.join(", ")
    )
}

/// A space [`fit_lines`] does not break at (inside backquotes), put back after.
const KEPT_SPACE: char = '\u{1f}';

/// A text's lines fitted to `cols` columns: a longer line (a title, a note: the tables are
/// fitted already) broken at spaces, its next lines indented two columns more than it.
pub fn fit_lines(text: &str, cols: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::with_capacity(text.len() + 64);
    for l in text.split_inclusive('\n') {
        let (body, end) = match l.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (l, ""),
        };
        if body.width() <= cols {
            out.push_str(l);
            continue;
        }
        let indent = body.len() - body.trim_start().len();
        let next = indent + 2;
        // A command in backquotes stays on one line, to be copied whole.
        let mut quoted = false;
        let kept: String = (body.trim_start().chars())
            .map(|c| {
                quoted ^= c == '`';
                if quoted && c == ' ' { KEPT_SPACE } else { c }
            })
            .collect();
        let wrapped = common::wrap(&kept, cols.saturating_sub(next), 0);
        for (i, part) in wrapped.lines().enumerate() {
            let pad = if i == 0 { indent } else { next };
            out.extend(std::iter::repeat_n(' ', pad));
            out.push_str(&part.replace(KEPT_SPACE, " "));
            out.push('\n');
        }
        if end.is_empty() {
            out.pop();
        }
    }
    out
}

/// What the stage table says after a stage's figures: a stage the funnel does not know, a
/// won or lost stage, or one under extra control.
fn stage_mark(b: &crate::domain::analytics::stages::StageFigures) -> String {
    stage_mark_word(b).map_or_else(String::new, |mark| format!("  {mark}"))
}

/// What sets a stage's row apart, in `okk stats`' words (the report marks its rows alike): a
/// stage the funnel does not list (never did, or a later version removed it), a won or lost
/// one, an extra control.
pub fn stage_mark_word(b: &crate::domain::analytics::stages::StageFigures) -> Option<String> {
    Some(match (b.known, b.kind, b.extra_control) {
        (false, _, _) => crate::tr!("analytics-mark-unknown"),
        (_, Some(StageKind::Won), _) => crate::tr!("analytics-mark-won"),
        (_, Some(StageKind::Lost), _) => crate::tr!("analytics-mark-lost"),
        (_, _, true) => crate::tr!("analytics-mark-extra"),
        _ => return None,
    })
}

/// A line under a table, indented as its rows.
fn note(s: &mut String, text: String) {
    let _ = writeln!(s, "  {text}");
}

/// In place of the funnel's estimate of lying cards while a stage it sums has too few cards
/// judged: the cards judged, the stages short, and how many more cards to judge there.
pub fn estimate_held(a: &Analytics, count: &dyn Fn(u64) -> String) -> String {
    let short = a.estimate_short();
    let judged = a.totals.figures.judged;
    crate::tr!(
        "analytics-total-lying-held",
        judged = count(judged),
        judged_n = judged,
        stages = count(short.stages),
        stages_n = short.stages,
        needed = count(short.cards),
        needed_n = short.cards,
        min = crate::domain::analytics::tally::MIN_SAMPLE
    )
}

/// The stage that lies most and why: the sentence `okk stats` ends its stage table with.
pub fn worst_stage(a: &Analytics) -> String {
    headline(a, &int)
}

/// [`worst_stage`], with `count` writing its numbers (the report groups their thousands).
pub fn headline(a: &Analytics, count: &dyn Fn(u64) -> String) -> String {
    let Some(b) = a.worst_stage() else {
        if let Some(none) = none_in_window(a, count) {
            return none + "\n";
        }
        return if a.totals.figures.reviews == 0 {
            crate::tr!("analytics-no-reviews") + "\n"
        } else if a.totals.figures.judged == 0 {
            crate::tr!("analytics-none-judged") + "\n"
        } else if a.bottlenecks.unranked_stages > 0 {
            crate::tr!(
                "analytics-too-few",
                count = count(a.bottlenecks.unranked_stages as u64),
                stages = a.bottlenecks.unranked_stages,
                min = crate::domain::analytics::tally::MIN_SAMPLE
            ) + "\n"
        } else {
            crate::tr!("analytics-no-stage-lies") + "\n"
        };
    };
    let row = (a.stages.iter()).find(|st| st.stage == b.stage && b.manager.is_none());
    let unclear = row.map_or(0, |st| st.group.figures.review_verdicts.unclear);
    // Every open card judged there: what lies is counted, and said so (no "about", no interval
    // of a point).
    let measured = row.is_some_and(|st| st.group.figures.measured);
    let part = row.map_or("all", |st| covered_part(&st.group.figures));
    let mut s = crate::tr!(
        "analytics-lies-most",
        stage = line(&b.stage),
        not_ok = count(b.mismatches),
        unclear = count(unclear),
        unclear_n = unclear,
        judged = count(b.judged),
        judged_n = b.judged,
        share = pct(Some(b.mismatch_rate)),
        measured = yes_no(measured),
        part = part,
        lying = count(b.lying_cards.lying),
        lying_n = b.lying_cards.lying,
        open = count(b.covered_cards),
        open_n = b.covered_cards,
        low = count(b.lying_cards.low),
        high = count(b.lying_cards.high)
    );
    s.push('\n');
    note(&mut s, cause(b, count));
    let marked = (a.stages.iter())
        .find(|st| st.known && st.stage == b.stage)
        .and_then(|st| st.group.figures.judged_before_change);
    if let Some(j) = marked {
        note(&mut s, lies_most_before_change(&j, count));
    }
    s
}

/// Why the stage's cards lie: the items failed most on its cards not ok. Cards not ok whose
/// checklist was left unanswered say nothing either way, and the sentence says how many: "no
/// item failed" is read as "their checklists passed".
fn cause(b: &Bottleneck, count: &dyn Fn(u64) -> String) -> String {
    let unanswered = b.mismatches_unanswered.min(b.mismatches);
    if b.likely_cause.is_empty() {
        if unanswered == 0 {
            return crate::tr!("analytics-why-none");
        }
        let answered = b.mismatches - unanswered;
        return crate::tr!(
            "analytics-why-unanswered",
            unanswered = count(unanswered),
            not_ok = count(b.mismatches),
            not_ok_n = b.mismatches,
            answered = count(answered),
            answered_n = answered
        );
    }
    let items: Vec<String> = b
        .likely_cause
        .iter()
        .map(|i| {
            crate::tr!(
                "analytics-why-item",
                item = line(&i.text),
                failed = count(i.failed_in_mismatch),
                not_ok = count(b.mismatches)
            )
        })
        .collect();
    crate::tr!(
        "analytics-why",
        items = items.join(", "),
        unanswered = count(unanswered),
        unanswered_n = unanswered,
        not_ok = count(b.mismatches),
        not_ok_n = b.mismatches
    )
}

/// Lines of a table: each column as wide as its widest cell; the first `left` columns aligned
/// left, the others right; the last column is free text and not padded.
pub(crate) fn grid(header: &[String], rows: &[Vec<String>], left: usize) -> String {
    grid_with(header, rows, left, true)
}

/// [`grid`]; `free_last`: whether the last column is free text (else aligned as the others).
fn grid_with(header: &[String], rows: &[Vec<String>], left: usize, free_last: bool) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            let cells = rows.iter().map(|r| r[c].chars().count());
            cells.chain([header[c].chars().count()]).max().unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let last = cells.len() - 1;
        let mut l = String::from(" ");
        for (c, cell) in cells.into_iter().enumerate() {
            let w = widths[c];
            let gap = if c == 0 { " " } else { "  " };
            let _ = match (c == last && free_last, c < left) {
                (true, _) => write!(l, "{gap}{cell}"),
                (false, true) => write!(l, "{gap}{cell:<w$}"),
                (false, false) => write!(l, "{gap}{cell:>w$}"),
            };
        }
        l.trim_end().to_string() + "\n"
    };
    let mut s = line(header.iter().map(String::as_str).collect());
    for r in rows {
        s.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    s
}

/// The managers' table at `cols` columns: where it is wider, the item failed most, the
/// flagged cards, the score and the idle days leave it in that order (named under it), then
/// the names are cut.
pub fn managers_table(a: &Analytics, cols: usize) -> String {
    let rows: Vec<Vec<String>> = a
        .managers
        .iter()
        .map(|m| {
            let f = &m.group.figures;
            let fails = f.top_failing.first().map_or(String::new(), |i| {
                format!("«{}» ×{}", cut(&i.text, 40), int(i.failed))
            });
            vec![
                cut(
                    m.manager
                        .as_deref()
                        .unwrap_or(&crate::tr!("analytics-no-owner")),
                    30,
                ),
                int(m.group.cards),
                int(m.group.flagged),
                int(f.judged),
                marked_share(pct(f.mismatch_rate), f.judged_before_change.as_ref()),
                match f.lying_cards {
                    Some(cards) if f.ranked => lying(cards),
                    // Not ranked: `*` marks an estimate judged before a change, as on stages.
                    Some(cards) => format!("{}{UNRANKED}", lying(cards)),
                    None => "—".into(),
                },
                score(f),
                num(f.median_idle_days),
                fails,
            ]
        })
        .collect();
    let header = [
        crate::tr!("analytics-col-manager"),
        crate::tr!("analytics-col-cards"),
        crate::tr!("analytics-col-flagged"),
        crate::tr!("analytics-col-judged"),
        crate::tr!("analytics-col-not-ok"),
        crate::tr!("analytics-col-lying"),
        crate::tr!("analytics-col-score"),
        crate::tr!("analytics-col-idle"),
        crate::tr!("analytics-col-fails-most"),
    ];
    let (table, dropped) = fitted_grid(&header, rows, 1, &[8, 2, 6, 7], cols);
    let unranked = a
        .managers
        .iter()
        .filter(|m| !m.group.figures.ranked)
        .count();
    let tail = if unranked > 0 {
        format!(
            "  {}\n",
            crate::tr!(
                "analytics-unranked-managers",
                min = crate::domain::analytics::tally::MIN_SAMPLE,
                count = unranked
            )
        )
    } else {
        String::new()
    };
    let mut left = String::new();
    if !dropped.is_empty() {
        note(&mut left, left_out(&dropped, cols));
    }
    for n in manager_before_change_notes(&a.managers) {
        note(&mut left, n);
    }
    format!(
        "{}\n{table}{tail}{left}  {}\n",
        crate::tr!("analytics-managers-title"),
        lying_note()
    )
}

/// [`grid`] at `cols` columns: where it is wider, the columns of `order` leave it in that
/// order, then the first column's cells are cut. The table and the headers it left out.
fn fitted_grid(
    header: &[String],
    mut rows: Vec<Vec<String>>,
    left: usize,
    order: &[usize],
    cols: usize,
) -> (String, Vec<String>) {
    let mut head = header.to_vec();
    let mut widths: Vec<usize> = (0..head.len())
        .map(|c| {
            let cells = rows.iter().map(|r| r[c].chars().count());
            cells.chain([head[c].chars().count()]).max().unwrap_or(0)
        })
        .collect();
    let last = head.len() - 1;
    let dropped = fit(&mut head, &mut rows, &mut widths, order, cols);
    let free_last = dropped.is_empty() || !order.contains(&last) || head.len() == last + 1;
    (grid_with(&head, &rows, left, free_last), dropped)
}

/// The bottlenecks at `cols` columns: where a list is wider, the likely cause, the share and
/// the open cards leave it in that order (named under it), then the names are cut.
pub fn bottlenecks_table(a: &Analytics, cols: usize) -> String {
    let mut s = crate::tr!("analytics-bottlenecks-title") + "\n";
    let b = &a.bottlenecks;
    let min = crate::domain::analytics::tally::MIN_SAMPLE;
    if b.stages.is_empty() {
        if b.unranked_stages > 0 {
            note(
                &mut s,
                crate::tr!(
                    "analytics-unranked-stages",
                    count = b.unranked_stages,
                    min = min
                ),
            );
        } else if a.all_left_out.is_some() {
            note(&mut s, crate::tr!("analytics-bottlenecks-none-in-window"));
        } else {
            note(&mut s, crate::tr!("analytics-bottlenecks-none"));
        }
        return s;
    }
    list(&mut s, &b.stages, crate::tr!("analytics-col-stage"), cols);
    if b.unranked_stages > 0 {
        note(
            &mut s,
            crate::tr!(
                "analytics-unranked-more-stages",
                count = b.unranked_stages,
                min = min
            ),
        );
    }
    s.push('\n');
    // No pair ranked: no header with nothing under it (tester42), only the pairs left out.
    if !b.pairs.is_empty() {
        list(
            &mut s,
            &b.pairs,
            crate::tr!("analytics-col-stage-manager"),
            cols,
        );
    }
    if b.unranked_pairs > 0 {
        let (count, min) = (b.unranked_pairs, min);
        let said = match b.pairs.is_empty() {
            true => crate::tr!("analytics-unranked-pairs", count = count, min = min),
            false => crate::tr!("analytics-unranked-more-pairs", count = count, min = min),
        };
        note(&mut s, said);
    }
    note(&mut s, lying_note());
    s
}

fn list(s: &mut String, rows: &[Bottleneck], what: String, cols: usize) {
    let label = |b: &Bottleneck| match &b.manager {
        Some(m) => format!("{} · {}", cut(&b.stage, 30), cut(m, 30)),
        None => cut(&b.stage, 30),
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .take(SHOWN)
        .map(|b| {
            let causes: Vec<String> = b
                .likely_cause
                .iter()
                .map(|i| format!("«{}» ×{}", cut(&i.text, 40), int(i.failed_in_mismatch)))
                .collect();
            vec![
                format!("{:>2}", b.rank),
                label(b),
                marked_lying(b),
                int(b.covered_cards),
                format!("{}/{}", int(b.mismatches), int(b.judged)),
                pct(Some(b.mismatch_rate)),
                causes.join(", "),
            ]
        })
        .collect();
    let header = [
        " #".to_string(),
        what,
        crate::tr!("analytics-col-lying"),
        crate::tr!("analytics-col-open"),
        crate::tr!("analytics-col-not-ok"),
        String::new(),
        crate::tr!("analytics-col-likely-cause"),
    ];
    let (table, dropped) = fitted_grid(&header, cells, 2, &[6, 5, 3], cols);
    s.push_str(&table);
    if !dropped.is_empty() {
        let named: Vec<String> = dropped.into_iter().filter(|h| !h.is_empty()).collect();
        note(s, left_out(&named, cols));
    }
    if rows.len() > SHOWN {
        note(s, crate::tr!("analytics-more", count = rows.len() - SHOWN));
    }
    for n in bottleneck_before_change_notes(&rows[..rows.len().min(SHOWN)]) {
        note(s, n);
    }
}

pub fn trend_table(a: &Analytics) -> String {
    let mut s = crate::tr!("analytics-trend-title") + "\n";
    if a.trend.is_empty() {
        let none = trend_none_in_window(a, &int);
        note(
            &mut s,
            none.unwrap_or_else(|| crate::tr!("analytics-trend-none")),
        );
        return s;
    }
    let (week, from, reviews, not_ok) = (
        crate::tr!("analytics-col-week"),
        crate::tr!("analytics-col-from"),
        crate::tr!("analytics-col-judged"),
        crate::tr!("analytics-col-not-ok"),
    );
    let weeks: Vec<String> = a.trend.iter().map(|wk| common::week(wk.starts)).collect();
    let widest = weeks.iter().map(|w| w.chars().count()).max().unwrap_or(0);
    let w = [
        week.chars().count().max(8).max(widest),
        from.chars().count().max(10),
        reviews.chars().count().max(7),
        not_ok.chars().count().max(6),
    ];
    let _ = writeln!(
        s,
        "  {week:<w0$}  {from:<w1$}  {reviews:>w2$}  {not_ok:>w3$}",
        w0 = w[0],
        w1 = w[1],
        w2 = w[2],
        w3 = w[3]
    );
    for (wk, label) in a.trend.iter().zip(&weeks) {
        let bar = wk
            .mismatch_rate
            .map_or(String::new(), |r| "█".repeat((r * 20.0).round() as usize));
        let _ = writeln!(
            s,
            "  {:<w0$}  {:<w1$}  {:>w2$}  {:>w3$}  {bar}",
            label,
            common::day(wk.starts),
            int(wk.judged),
            pct(wk.mismatch_rate),
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        );
    }
    s
}
