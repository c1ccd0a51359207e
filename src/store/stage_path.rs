//! The rows a sync writes when the CRM's record of a deal's moves reaches its card: the plan
//! is `domain::stage_move::path_plan`'s; here it becomes history rows, the same for a store
//! file and a server.

use chrono::NaiveDateTime;

use super::cards::{fmt_time, parse_time};
use crate::domain::stage_move::{Entry, LastVisit, Tail, path_plan};

/// The card the entries are for, as the store holds it.
pub(super) struct PathCard {
    pub id: i64,
    pub stage: String,
    pub pipeline: Option<String>,
    pub first_batch: i64,
    /// When its first batch ran: since when a card with no history rows is in its stage.
    pub first_seen: String,
}

/// The card's last history row: its batch, stage, start, when its batch ran, whether a file's
/// import wrote it, and when the visit before it began.
pub(super) struct LastRow {
    pub batch: i64,
    pub stage: String,
    pub seen: String,
    pub ran: String,
    pub by_file: bool,
    pub before: Option<String>,
}

/// A history row to write: start, pipeline, stage.
pub(super) type Row = (String, Option<String>, String);

/// What a path is planned from: the card's rows the run (or the run it resumes) wrote
/// (`landed`, oldest first, after `last`, the card's last row from before the run), the
/// CRM's entries of this group's pages, and whether older entries of the run are still to
/// come (`complete` false: amoCRM's events landed in parts, newest first).
pub(super) struct PathInput<'a> {
    pub last: Option<&'a LastRow>,
    /// Each with its batch.
    pub landed: &'a [(i64, Row)],
    pub entries: &'a [Entry],
    pub complete: bool,
}

#[derive(Default)]
pub(super) struct PathWrites {
    /// The rows the run wrote (`PathInput::landed`) go: `first` and `next` are the path after
    /// `last` again.
    pub replace: bool,
    /// The last row (its batch) begins at this time instead.
    pub redate: Option<(i64, String)>,
    /// A card with no rows: its first, at its first batch.
    pub first: Option<Row>,
    /// Rows after the last one (or after `first`), in order, each at a batch of its own after
    /// `after`.
    pub next: Vec<Row>,
    pub after: i64,
    /// The CRM's entries gave visits after the card's last.
    pub appended: bool,
}

impl PathWrites {
    pub fn is_empty(&self) -> bool {
        !self.replace && self.redate.is_none() && self.first.is_none() && self.next.is_empty()
    }
}

/// What to write for the entries (one card's, from one group of pages). `settle`: the card
/// moved in this run and the CRM recorded no path for it, so, when its last visit is not in
/// its stage, the visit begins at this time (the sync's clock, as before it read the path).
///
/// The rows the run wrote already are planned again with the entries, from the row before
/// them (`domain::stage_move::path_plan`: an older part's entries go before them); when the
/// plan gives them as they are, they stay, and only what follows them is written.
pub(super) fn path_writes(
    card: &PathCard,
    input: PathInput<'_>,
    settle: Option<&NaiveDateTime>,
) -> PathWrites {
    let mut out = path_after(card, &input, settle);
    let landed = input.landed;
    if landed.is_empty() {
        return out;
    }
    let planned: Vec<&Row> = out.first.iter().chain(&out.next).collect();
    let kept = planned.len() >= landed.len()
        && out.redate.is_none()
        && planned.iter().zip(landed).all(|(a, (_, b))| *a == b);
    if kept {
        // The landed rows are the plan's first: only the visits after them are new.
        let new: Vec<Row> = planned[landed.len()..]
            .iter()
            .map(|r| (*r).clone())
            .collect();
        out.first = None;
        out.next = new;
        out.after = landed.iter().map(|(b, _)| *b).max().unwrap_or(out.after);
    } else {
        out.replace = true;
    }
    out
}

fn path_after(
    card: &PathCard,
    input: &PathInput<'_>,
    settle: Option<&NaiveDateTime>,
) -> PathWrites {
    let mut out = PathWrites::default();
    let pipeline_of = |e: &Entry| e.pipeline.clone().or_else(|| card.pipeline.clone());
    let row_of = |e: &Entry| (fmt_time(&e.at), pipeline_of(e), e.stage.clone());
    // The rows the run wrote, as the entries that gave them (their times are the CRM's).
    let mut all: Vec<Entry> = (input.landed.iter())
        .filter_map(|(_, (seen, pipeline, stage))| {
            Some(Entry {
                stage: stage.clone(),
                pipeline: pipeline.clone(),
                at: parse_time(seen)?,
            })
        })
        .collect();
    all.extend(input.entries.iter().cloned());
    let entries = &all[..];
    let complete = input.complete;
    match input.last {
        Some(last) => {
            let (Some(seen), Some(ran)) = (parse_time(&last.seen), parse_time(&last.ran)) else {
                return out;
            };
            let visit = LastVisit {
                seen,
                ran,
                by_file: last.by_file,
                before: last.before.as_deref().and_then(parse_time),
            };
            let tail = Tail::Row {
                stage: &last.stage,
                visit,
            };
            let plan = path_plan(tail, &card.stage, entries, complete);
            out.redate = plan.redate.map(|at| (last.batch, fmt_time(&at)));
            out.next = plan.after.iter().map(|e| row_of(e)).collect();
            out.appended = !out.next.is_empty();
            out.after = last.batch;
            if let Some(now) = settle
                && !out.appended
                && last.stage != card.stage
            {
                out.next
                    .push((fmt_time(now), card.pipeline.clone(), card.stage.clone()));
            }
        }
        None => {
            let Some(since) = parse_time(&card.first_seen) else {
                return out;
            };
            let tail = Tail::Unmoved {
                stage: &card.stage,
                since,
            };
            let plan = path_plan(tail, &card.stage, entries, complete);
            if plan.is_empty() && input.landed.is_empty() {
                return out;
            }
            let here = (
                fmt_time(&plan.redate.unwrap_or(since)),
                card.pipeline.clone(),
                card.stage.clone(),
            );
            let mut rows: Vec<Row> = plan.before.iter().map(|e| row_of(e)).collect();
            rows.push(here);
            rows.extend(plan.after.iter().map(|e| row_of(e)));
            out.appended = !plan.before.is_empty() || !plan.after.is_empty();
            let mut rows = rows.into_iter();
            out.first = rows.next();
            out.next = rows.collect();
            out.after = card.first_batch;
        }
    }
    out
}

/// Of a group's own batch and the batches it added after it (`extra`, in order), those after
/// `after`, in order, at most `n`: the batches a card's next visits take before the group adds
/// more (a card's history is ordered by batch, one visit each).
pub(super) fn reused_batches(own: i64, extra: &[i64], after: i64, n: usize) -> Vec<i64> {
    std::iter::once(own)
        .chain(extra.iter().copied())
        .filter(|&b| b > after)
        .take(n)
        .collect()
}
