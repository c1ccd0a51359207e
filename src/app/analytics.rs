//! `okk stats`: the per-stage counts, the analytics (managers, bottlenecks, trend) and the
//! auditors' figures, as text, JSON or one table as CSV.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::cli::{StatsArgs, StatsTable};
use crate::domain::Funnel;
use crate::domain::analytics::{StatsFigures, Window};
use crate::domain::auditors::AuditorFigures;
use crate::domain::ports::{CalibrationStore, FunnelHistory, StatsStore};
use crate::export::analytics as sheets;
use crate::export::table::Table;
use crate::text::analytics as msg;
use crate::text::lang::{Lang, with};

pub fn run(paths: &Paths, args: StatsArgs) -> Result<ExitCode> {
    if let Some(url) = paths.server() {
        // The server's flags are its rules run's (okk check, an import): shown as they are.
        let store = paths.open_server(url)?;
        let (funnel, _) = super::stored_funnel::load_and_note(paths, &store)?;
        let today = paths.server_today();
        return show(&store, &funnel, today, &args);
    }
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_existing_store()?;
    let today = paths.today(&store)?;
    super::audit::refresh(&mut store, &funnel, &fingerprint, today, false)?;
    super::audit::note_old_export(&store, today, paths.today)?;
    show(&store, &funnel, today, &args)
}

/// The figures `args` ask for, printed (a funnel version's: its stages before and after).
fn show<S: CalibrationStore + StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDateTime,
    args: &StatsArgs,
) -> Result<ExitCode> {
    if let Some(version) = args.funnel_version {
        return super::funnel_versions::before_after(
            store,
            funnel,
            today.date(),
            version,
            args.json,
        );
    }
    // A CSV's columns and values for people speak the interface's language unless --headers
    // says otherwise (`en`: okk's machine names, for scripts).
    let headers = args
        .headers
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_else(crate::text::lang::current);
    if args.auditors {
        let figures = auditor_figures(store, funnel)?;
        if args.csv {
            with(headers, || {
                write_csv(sheets::auditors(&figures), &args.layout)
            })?;
        } else if args.json {
            super::say_json(&serde_json::json!({ "auditors": figures }))?;
        } else {
            super::say_raw(crate::text::app::auditors_table(&figures))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let window = Window {
        since: args.since,
        until: args.until,
        side: None,
    };
    if window.is_empty() {
        return Err(user(msg::since_after_until(&window)));
    }
    let mut f = figures(store, funnel, today.date(), window)?;
    note_make_up_changes(store, funnel, &mut f)?;
    if args.csv {
        with(headers, || {
            let sheet = match args.table.unwrap_or(StatsTable::Stages) {
                StatsTable::Stages => sheets::stages(&f.rows),
                StatsTable::Managers => sheets::managers(&f.analytics),
                StatsTable::Bottlenecks => sheets::bottlenecks(&f.analytics),
                StatsTable::Trend => sheets::trend(&f.analytics.trend),
            };
            write_csv(sheet, &args.layout)
        })?;
    } else if args.json {
        super::say_json(&json(&f, args.table))?;
    } else {
        super::say_raw(text(funnel, &f, args.table))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The figures as of `today` (the judged day: see [`super::audit::today`]).
pub fn figures(
    store: &dyn StatsStore,
    funnel: &Funnel,
    today: chrono::NaiveDate,
    window: Window,
) -> Result<StatsFigures> {
    Ok(store.stats_figures(funnel, today, window)?)
}

/// Marks the stages whose cards judged mostly predate the funnel version that last changed
/// which cards they hold (a merge, a split, the stage new): their estimates apply a share judged
/// on other cards.
pub fn note_make_up_changes<S: FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    f: &mut StatsFigures,
) -> Result<()> {
    f.note_make_up_changes_from(funnel, store, &crate::funnel_config::load_version)?;
    Ok(())
}

/// The auditors' figures, with their agreement with the lead's calibration references.
pub fn auditor_figures<S: CalibrationStore + StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
) -> Result<Vec<AuditorFigures>> {
    // What each calibration's report compares, against the lead's verdicts given alike.
    let mut calibration = Vec::new();
    for c in store.calibrations()? {
        let (judged, references) = store.calibration_judgements(&c)?;
        calibration.extend(crate::domain::calibration::reference_agreement(
            &c,
            funnel,
            &judged,
            &references,
        ));
    }
    Ok(crate::domain::auditors::figures(
        &store.review_facts()?,
        &calibration,
        funnel,
        &super::funnel_versions::past_funnels(store, funnel)?,
    ))
}

/// The funnel's totals, and whether people are shown its estimate of lying cards: not before
/// every stage it sums has the cards judged a stage needs to be ranked (`judged_needed`, the
/// cards still to judge there); the figures stay for scripts either way.
fn totals(a: &crate::domain::analytics::Analytics) -> serde_json::Value {
    let short = a.estimate_short();
    let mut totals = serde_json::to_value(&a.totals).unwrap_or_default();
    if let Some(t) = totals.as_object_mut() {
        t.insert("estimate_shown".into(), short.shown().into());
        t.insert("judged_needed".into(), short.cards.into());
        // The stage rows count these at each stage they were judged at, the totals once.
        t.insert("judged_at_several_stages".into(), a.several_stages.into());
    }
    totals
}

fn json(f: &StatsFigures, table: Option<StatsTable>) -> serde_json::Value {
    use serde_json::json;
    let a = &f.analytics;
    match table {
        Some(StatsTable::Stages) => json!({ "window": a.window, "stages": f.rows }),
        Some(StatsTable::Managers) => json!({ "window": a.window, "managers": a.managers }),
        Some(StatsTable::Bottlenecks) => {
            json!({ "window": a.window, "bottlenecks": a.bottlenecks })
        }
        Some(StatsTable::Trend) => json!({ "window": a.window, "trend": a.trend }),
        None => json!({
            "window": a.window,
            "today": a.today,
            "totals": totals(a),
            "returned": a.returned,
            "reviews_without_card": a.without_card,
            "stages": f.rows,
            "managers": a.managers,
            "bottlenecks": a.bottlenecks,
            "trend": a.trend,
        }),
    }
}

/// How wide `okk stats` (and `okk calibrate report`) writes its text: the terminal's width on
/// one, else 80 columns.
pub(super) fn text_columns() -> usize {
    use std::io::IsTerminal;
    const DEFAULT: usize = 80;
    if !std::io::stdout().is_terminal() {
        return DEFAULT;
    }
    ratatui::crossterm::terminal::size().map_or(DEFAULT, |(w, _)| usize::from(w).max(40))
}

fn text(funnel: &Funnel, f: &StatsFigures, table: Option<StatsTable>) -> String {
    let a = &f.analytics;
    let cols = text_columns();
    let stages = || {
        let mut s = msg::stages_table(&funnel.name, &f.rows, a, cols);
        s.push('\n');
        s.push_str(&msg::worst_stage(a));
        s
    };
    let text = match table {
        Some(StatsTable::Stages) => stages(),
        Some(StatsTable::Managers) => msg::managers_table(a, cols),
        Some(StatsTable::Bottlenecks) => msg::bottlenecks_table(a, cols),
        Some(StatsTable::Trend) => msg::trend_table(a),
        None => [
            stages(),
            msg::managers_table(a, cols),
            msg::bottlenecks_table(a, cols),
            msg::trend_table(a),
        ]
        .join("\n"),
    };
    msg::fit_lines(&text, cols)
}

/// One table as CSV on stdout, through the export's safe writer (terminal-safe on a tty), laid
/// out as `--delimiter` and `--bom` say (as `okk export reviews` does).
fn write_csv(sheet: sheets::Sheet, layout: &crate::cli::CsvLayout) -> Result<()> {
    let (header, rows) = sheet;
    use std::io::IsTerminal;
    let stdout = std::io::stdout();
    let terminal = stdout.is_terminal();
    let mut table =
        Table::new(stdout.lock(), super::export::csv_layout(layout))?.on_terminal(terminal);
    let header: Vec<String> = header
        .iter()
        .map(|h| crate::text::export::column(h))
        .collect();
    table.header(&header)?;
    for row in &rows {
        table.row(row)?;
    }
    drop(table.finish()?);
    Ok(())
}

/// `okk demo --print`: the full text of `okk stats`.
pub fn print_stats(
    store: &dyn StatsStore,
    funnel: &Funnel,
    today: chrono::NaiveDate,
) -> Result<()> {
    let f = figures(store, funnel, today, Window::default())?;
    super::say_raw(text(funnel, &f, None))?;
    Ok(())
}
