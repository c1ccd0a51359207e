//! The words of `okk db imports` and `okk db prune`: the runs' table, the prune's report, its
//! question and its refusals.

use std::path::Path;

use super::common::{cards, column, int};
use super::safe::line;
use crate::domain::prune::{DeskWork, ImportRun, Kept, KeptByCalibration, PruneReport};

/// `--import` given something that is neither a run's number nor `last`.
pub fn bad_run(value: &str) -> String {
    crate::tr!("prune-bad-run", value = line(value))
}

/// Cells padded (left: text; right: numbers) to the widest of their column.
fn table(rows: &[Vec<String>], numeric: &[bool]) -> String {
    use unicode_width::UnicodeWidthStr;
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut cells = Vec::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = " ".repeat(widths[c] - cell.width());
            let last = c + 1 == columns;
            cells.push(match (numeric[c], last) {
                (true, _) => format!("{pad}{cell}"),
                (false, true) => cell.clone(),
                (false, false) => format!("{cell}{pad}"),
            });
        }
        out.push_str("  ");
        out.push_str(&cells.join("  "));
        out.push('\n');
    }
    out
}

/// Profile and source cells are cut to this many columns (a file name, last, is not).
const NAME_COLUMNS: usize = 24;

/// `okk db imports`: every run of the store, a row each.
pub fn runs(runs: &[ImportRun], store: &Path) -> String {
    let store = store.display().to_string();
    if runs.is_empty() {
        return format!("{}\n", crate::tr!("prune-imports-none", store = store));
    }
    let mut rows = vec![vec![
        crate::tr!("prune-col-run"),
        crate::tr!("prune-col-when"),
        crate::tr!("prune-col-profile"),
        crate::tr!("prune-col-source"),
        crate::tr!("prune-col-rows"),
        crate::tr!("prune-col-new"),
        crate::tr!("prune-col-updated"),
        crate::tr!("prune-col-unchanged"),
        crate::tr!("prune-col-here"),
        crate::tr!("prune-col-file"),
    ]];
    let name = |s: &str| column(s, NAME_COLUMNS).trim_end().to_string();
    for r in runs {
        let n = |v: u64| int(v as i64);
        rows.push(vec![
            r.id.to_string(),
            super::common::stored_time(&r.started_at),
            name(&r.profile),
            name(&r.source),
            n(r.rows),
            n(r.inserted),
            n(r.updated),
            n(r.unchanged),
            n(r.still_here),
            line(&r.file).into_owned(),
        ]);
    }
    let numeric = [
        true, false, false, false, true, true, true, true, true, false,
    ];
    format!(
        "{}\n{}",
        crate::tr!("prune-imports-header", store = store),
        table(&rows, &numeric)
    )
}

/// The kind of desk work, as the report names what kept cards.
fn work(w: DeskWork) -> String {
    match w {
        DeskWork::Reviews => crate::tr!("prune-work-reviews"),
        DeskWork::Drafts => crate::tr!("prune-work-drafts"),
        DeskWork::Leases => crate::tr!("prune-work-leases"),
        DeskWork::Calibrations => crate::tr!("prune-work-calibrations"),
    }
}

/// What the selector named, before the counts.
fn what(r: &PruneReport) -> String {
    if let Some(run) = r.import.as_ref().filter(|run| run.sync) {
        return crate::tr!(
            "prune-what-sync",
            run = run.id,
            connection = line(&run.source),
            file = line(&run.file),
            when = super::common::stored_time(&run.started_at),
            cards = cards(run.still_here as usize)
        );
    }
    if let Some(run) = &r.import {
        return crate::tr!(
            "prune-what-import",
            run = run.id,
            file = line(&run.file),
            when = super::common::stored_time(&run.started_at),
            source = line(&run.source),
            cards = cards(run.still_here as usize)
        );
    }
    if let Some(source) = &r.source {
        return crate::tr!(
            "prune-what-source",
            source = line(source),
            cards = cards(r.selected as usize)
        );
    }
    crate::tr!("prune-what-gone", cards = cards(r.selected as usize))
}

/// How much of a report is said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Said {
    /// `--yes` or `--dry-run`: what was selected, then what was done.
    Whole,
    /// Before the question: what was selected and what the prune would do.
    Preview,
    /// After the answer: what was done (the preview said what was selected).
    Outcome,
}

/// `okk db prune`'s report (`--yes`, `--dry-run`).
pub fn report(r: &PruneReport, store: &Path) -> String {
    said(r, store, Said::Whole)
}

/// What the prune would do, before it asks.
pub fn preview(r: &PruneReport, store: &Path) -> String {
    said(r, store, Said::Preview)
}

/// What the prune did, once the user said yes.
pub fn outcome(r: &PruneReport, store: &Path) -> String {
    said(r, store, Said::Outcome)
}

fn said(r: &PruneReport, store: &Path, how: Said) -> String {
    let store = store.display().to_string();
    let mut out = match how {
        Said::Outcome => String::new(),
        Said::Whole | Said::Preview => format!("{}\n", what(r)),
    };
    let removed = cards(r.removed as usize);
    let head = match (r.removed, r.dry_run, how) {
        (0, _, _) => crate::tr!("prune-nothing", store = store),
        (_, true, Said::Preview) => {
            crate::tr!("prune-would-remove-asked", cards = removed, store = store)
        }
        (_, true, _) => crate::tr!("prune-would-remove", cards = removed, store = store),
        (_, false, _) => crate::tr!("prune-removed", cards = removed, store = store),
    };
    out.push_str(&format!("{head}\n"));
    if r.kept > 0 {
        out.push_str(&format!(
            "{}\n",
            crate::tr!("prune-kept", cards = cards(r.kept as usize), count = r.kept)
        ));
        for k in &r.kept_for {
            out.push_str(&format!("    {}\n", kept_for(k)));
        }
        // What kept cards then do, and the way to release the ones that only reviews and
        // drafts keep (a claim or a calibration is released by its own end: the lead ends a
        // calibration, and the report names the command).
        out.push_str(&format!(
            "{}\n",
            crate::tr!("prune-kept-count", count = r.kept)
        ));
        for c in &r.calibrations {
            out.push_str(&format!("{}\n", kept_by_calibration(c)));
        }
        if r.releasable() {
            out.push_str(&format!(
                "{}\n",
                crate::tr!("prune-kept-release", selector = selector(r))
            ));
        }
    }
    if !r.released.is_empty() {
        let count = r.released_cards;
        out.push_str(&format!(
            "{}\n",
            crate::tr!(
                "prune-released",
                dry = if r.dry_run { "yes" } else { "no" },
                cards = cards(count as usize)
            )
        ));
        for k in &r.released {
            out.push_str(&format!("    {}\n", kept_for(k)));
        }
        let w = &r.work_removed;
        out.push_str(&format!(
            "    {}\n",
            crate::tr!(
                "prune-work-rows",
                dry = if r.dry_run { "yes" } else { "no" },
                reviews = int(w.reviews as i64),
                decisions = int(w.decisions as i64),
                drafts = int(w.drafts as i64)
            )
        ));
    }
    if r.updated_only > 0 {
        let changed = cards(r.updated_only as usize);
        let said = match &r.import {
            Some(run) if run.sync => crate::tr!("prune-updated-only-sync", cards = changed),
            _ => crate::tr!("prune-updated-only", cards = changed),
        };
        out.push_str(&format!("{said}\n"));
    }
    if !r.runs_removed.is_empty() && r.removed > 0 {
        let runs: Vec<String> = r.runs_removed.iter().map(i64::to_string).collect();
        let key = if r.dry_run {
            crate::tr!(
                "prune-runs-would-go",
                count = runs.len(),
                runs = runs.join(", ")
            )
        } else {
            crate::tr!(
                "prune-runs-gone",
                count = runs.len(),
                runs = runs.join(", ")
            )
        };
        out.push_str(&format!("{key}\n"));
    }
    if !r.connections_reset.is_empty() && r.removed > 0 {
        let names: Vec<String> = (r.connections_reset.iter())
            .map(|c| line(c).into_owned())
            .collect();
        out.push_str(&format!(
            "{}\n",
            crate::tr!(
                "prune-connections-reset",
                count = names.len(),
                names = names.join(", ")
            )
        ));
    }
    out
}

/// One kind of desk work on the cards a prune kept or released: how many, the first ids.
fn kept_for(k: &Kept) -> String {
    let mut ids: Vec<String> = k.first.iter().map(|i| line(i).into_owned()).collect();
    if k.cards > k.first.len() as u64 {
        ids.push("…".to_string());
    }
    crate::tr!(
        "prune-kept-for",
        work = work(k.work),
        cards = cards(k.cards as usize),
        ids = ids.join(", ")
    )
}

/// An open calibration keeping cards, with the command that ends it.
fn kept_by_calibration(c: &KeptByCalibration) -> String {
    crate::tr!(
        "prune-kept-calibration",
        id = line(&c.id[..8.min(c.id.len())]),
        stage = line(&c.stage),
        cards = cards(c.cards as usize)
    )
}

/// How the report's command line names what was selected (`--import 2`, `--source S`,
/// `--gone`), for a command to run again.
fn selector(r: &PruneReport) -> String {
    if let Some(run) = &r.import {
        return format!("--import {}", run.id);
    }
    if let Some(source) = &r.source {
        return format!("--source '{}'", line(source).replace('\'', "'\\''"));
    }
    "--gone".to_string()
}

/// The question before a prune on a terminal (answered on the same line).
pub fn ask(r: &PruneReport, store: &Path) -> String {
    let store = store.display().to_string();
    let removed = cards(r.removed as usize);
    if r.released.is_empty() {
        return crate::tr!("prune-ask", cards = removed, store = store);
    }
    crate::tr!(
        "prune-ask-with-work",
        cards = removed,
        store = store,
        reviews = r.work_removed.reviews,
        drafts = r.work_removed.drafts
    )
}

/// Whether `answer` (a line typed) says yes, in either language: y, yes, д, да.
pub fn is_yes(answer: &str) -> bool {
    let a = answer.trim().to_lowercase();
    matches!(a.as_str(), "y" | "yes" | "д" | "да")
}

/// The answer was no (or nothing).
pub fn not_removed() -> String {
    crate::tr!("prune-not-removed")
}

/// Off a terminal without `--yes` or `--dry-run`.
pub fn needs_yes() -> String {
    crate::tr!("prune-needs-yes")
}

pub fn no_such_run(run: i64, store: &Path) -> String {
    crate::tr!(
        "prune-no-such-run",
        run = run,
        store = store.display().to_string()
    )
}

pub fn no_runs(store: &Path) -> String {
    crate::tr!("prune-no-runs", store = store.display().to_string())
}

pub fn no_such_source(source: &str, sources: &[String], store: &Path) -> String {
    let store = store.display().to_string();
    if sources.is_empty() {
        return crate::tr!(
            "prune-no-source-at-all",
            source = line(source),
            store = store
        );
    }
    let sources: Vec<String> = sources.iter().map(|s| line(s).into_owned()).collect();
    crate::tr!(
        "prune-no-such-source",
        source = line(source),
        store = store,
        sources = sources.join(", ")
    )
}

/// On a server: an auditor's login (or one okk does not know), refused before anything is read.
pub fn lead_only(login: &str) -> String {
    crate::tr!("prune-lead-only", login = line(login))
}

/// On a server: a login that passed okk's check but that the server does not let prune.
pub fn refused_on_server(login: &str, table: &str) -> String {
    crate::tr!(
        "prune-refused-on-server",
        login = line(login),
        table = line(table)
    )
}
