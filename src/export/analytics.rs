//! `okk stats --csv`: each analytics table as rows of typed cells, for the one safe writer. The
//! header names are part of okk's interface (spreadsheets and scripts read them, `--headers en`):
//! add columns at the end, never rename one; `text::export::column` puts them in words.

use crate::domain::analytics::make_up::JudgedBefore;
use crate::domain::analytics::{Analytics, Bottleneck, FailingItem, Figures, StageRow, Week};
use crate::domain::auditors::{AuditorFigures, written};
use crate::text::analytics::items_cell;
use crate::text::export as text;

use super::cell::Cell;

/// A table: its header and its rows.
pub type Sheet<'a> = (Vec<&'static str>, Vec<Vec<Cell<'a>>>);

const FIGURES: [&str; 22] = [
    "flagged_share",
    "reviews",
    "ok",
    "wrong_stage",
    "stale",
    "dead",
    "unclear",
    "mismatches",
    "mismatch_rate",
    "estimated_lying",
    "average_score",
    "open_cards",
    "median_idle_days",
    "top_failing_items",
    "top_failing_ids",
    "estimated_lying_low",
    "estimated_lying_high",
    "ranked",
    "scored",
    "judged",
    "disputed",
    "covered_cards",
];

fn num(v: Option<f64>) -> Cell<'static> {
    v.map_or(Cell::Empty, Cell::Number)
}

fn count(n: u64) -> Cell<'static> {
    Cell::Number(n as f64)
}

/// The columns `changed_by_version` and `judged_before_change` of an estimate whose cards
/// judged mostly predate the version that changed its stage's make-up; empty otherwise.
fn judged_before(j: Option<&JudgedBefore>) -> [Cell<'static>; 2] {
    [
        j.map_or(Cell::Empty, |j| Cell::Number(j.version as f64)),
        j.map_or(Cell::Empty, |j| count(j.before)),
    ]
}

fn ids(items: &[FailingItem]) -> Cell<'static> {
    let ids: Vec<&str> = items.iter().map(|i| i.id.as_str()).collect();
    Cell::text(ids.join(", "))
}

/// `with_stage`: name each item's stage (a manager's items come from several).
fn figures(f: &Figures, with_stage: bool) -> Vec<Cell<'static>> {
    let v = &f.review_verdicts;
    vec![
        num(f.flagged_share),
        count(f.reviews),
        count(v.ok),
        count(v.wrong_stage),
        count(v.stale),
        count(v.dead),
        count(v.unclear),
        count(f.mismatches),
        num(f.mismatch_rate),
        num(f.estimated_lying),
        num(f.average_score),
        count(f.open_cards),
        num(f.median_idle_days),
        Cell::text(items_cell(&f.top_failing, with_stage, |i| i.failed)),
        ids(&f.top_failing),
        num(f.estimated_lying_low),
        num(f.estimated_lying_high),
        Cell::text(text::yes_no(f.ranked)),
        count(f.scored),
        count(f.judged),
        count(f.disputed),
        count(f.covered_cards),
    ]
}

pub fn stages(rows: &[StageRow]) -> Sheet<'_> {
    let mut header = vec![
        "stage", "known", "kind", "cards", "gone", "flagged", "reviewed",
    ];
    header.extend(FIGURES);
    header.extend(["changed_by_version", "judged_before_change"]);
    let rows = rows
        .iter()
        .map(|r| {
            let b = &r.base;
            let mut cells = vec![
                Cell::text(&b.stage),
                Cell::text(text::yes_no(b.known)),
                b.kind
                    .map_or(Cell::Empty, |k| Cell::text(text::stage_kind(k))),
                count(b.cards),
                count(b.gone),
                count(b.flagged),
                count(b.reviewed),
            ];
            cells.extend(figures(&r.figures, false));
            cells.extend(judged_before(r.figures.judged_before_change.as_ref()));
            cells
        })
        .collect();
    (header, rows)
}

pub fn managers(a: &Analytics) -> Sheet<'_> {
    let mut header = vec!["manager", "cards", "flagged"];
    header.extend(FIGURES);
    header.extend([
        "changed_by_version",
        "judged_before_change",
        "changed_stages",
    ]);
    let rows = a
        .managers
        .iter()
        .map(|m| {
            let mut cells = vec![
                Cell::opt(m.manager.as_deref()),
                count(m.group.cards),
                count(m.group.flagged),
            ];
            cells.extend(figures(&m.group.figures, true));
            cells.extend(judged_before(m.group.figures.judged_before_change.as_ref()));
            cells.push(Cell::text(m.changed_stages.join(", ")));
            cells
        })
        .collect();
    (header, rows)
}

/// Stages first (level `stage`), then managers at a stage (level `manager`), each by rank.
pub fn bottlenecks(a: &Analytics) -> Sheet<'_> {
    let header = vec![
        "level",
        "rank",
        "stage",
        "manager",
        "cards",
        "reviews",
        "mismatches",
        "mismatch_rate",
        "estimated_lying",
        "likely_cause",
        "likely_cause_ids",
        "estimated_lying_low",
        "estimated_lying_high",
        "judged",
        "covered_cards",
        "changed_by_version",
        "judged_before_change",
    ];
    let b = &a.bottlenecks;
    let rows = (b.stages.iter().map(|s| bottleneck(false, s)))
        .chain(b.pairs.iter().map(|p| bottleneck(true, p)))
        .collect();
    (header, rows)
}

fn bottleneck(manager: bool, b: &Bottleneck) -> Vec<Cell<'_>> {
    let mut cells = vec![
        Cell::text(text::level(manager)),
        count(b.rank as u64),
        Cell::text(&b.stage),
        Cell::opt(b.manager.as_deref()),
        count(b.cards),
        count(b.reviews),
        count(b.mismatches),
        Cell::Number(b.mismatch_rate),
        Cell::Number(b.estimated_lying),
        Cell::text(items_cell(&b.likely_cause, false, |i| i.failed_in_mismatch)),
        ids(&b.likely_cause),
        Cell::Number(b.estimated_lying_low),
        Cell::Number(b.estimated_lying_high),
        count(b.judged),
        count(b.covered_cards),
    ];
    cells.extend(judged_before(b.judged_before_change.as_ref()));
    cells
}

pub fn trend(weeks: &[Week]) -> Sheet<'_> {
    let header = vec![
        "week",
        "starts",
        "reviews",
        "mismatches",
        "mismatch_rate",
        "judged",
    ];
    let rows = weeks
        .iter()
        .map(|w| {
            vec![
                Cell::text(&w.week),
                Cell::text(w.starts.to_string()),
                count(w.reviews),
                count(w.mismatches),
                num(w.mismatch_rate),
                count(w.judged),
            ]
        })
        .collect();
    (header, rows)
}

pub fn auditors(rows: &[AuditorFigures]) -> Sheet<'_> {
    let header = vec![
        "auditor",
        "reviews",
        "cards_per_hour",
        "median_seconds",
        "decided",
        "accepted",
        "overridden",
        "returned",
        "calibrated",
        "reference_agreement",
        "unanswered",
    ];
    let rows = rows
        .iter()
        .map(|r| {
            // Rounded as their JSON: shares to four places, seconds and the pace to tenths.
            let (share, tenths) = (written::share, written::tenths);
            vec![
                Cell::text(&r.auditor),
                count(r.reviews),
                num(tenths(r.cards_per_hour)),
                num(tenths(r.median_seconds)),
                count(r.decided),
                num(share(r.accepted)),
                num(share(r.overridden)),
                num(share(r.returned)),
                count(r.calibrated),
                num(share(r.reference_agreement)),
                count(r.unanswered),
            ]
        })
        .collect();
    (header, rows)
}
