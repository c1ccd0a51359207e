//! `okk report`: the figures of `okk stats` and `okk stats --auditors` as one HTML file,
//! written whole or not at all.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::cli::ReportArgs;
use crate::domain::Funnel;
use crate::domain::analytics::Window;
use crate::domain::ports::{CalibrationStore, FunnelHistory, StatsStore};
use crate::export::ExportError;
use crate::export::file::{io, write_output};
use crate::report::{AsOf, Report, render};

pub fn run(paths: &Paths, args: ReportArgs) -> Result<ExitCode> {
    match paths.server() {
        // The server's flags are its own imports': this okk judges nothing on it.
        Some(url) => {
            let store = paths.open_server(url)?;
            let (funnel, _) = super::stored_funnel::load_and_note(paths, &store)?;
            write_report(&store, &funnel, paths.server_today(), paths.today, &args)
        }
        None => {
            let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
            let mut store = paths.open_existing_store()?;
            let today = paths.today(&store)?;
            super::audit::refresh(&mut store, &funnel, &fingerprint, today, false)?;
            write_report(&store, &funnel, today, paths.today, &args)
        }
    }
}

/// The report of `store` as of `today` (`given`: the day `--today` names, if it does): one page
/// from a store file and from a team server.
fn write_report<S: StatsStore + CalibrationStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDateTime,
    given: Option<chrono::NaiveDate>,
    args: &ReportArgs,
) -> Result<ExitCode> {
    let window = Window {
        since: args.since,
        until: args.until,
        side: None,
    };
    if window.is_empty() {
        return Err(user(crate::text::analytics::since_after_until(&window)));
    }
    let mut figures = super::analytics::figures(store, funnel, today.date(), window)?;
    super::analytics::note_make_up_changes(store, funnel, &mut figures)?;
    let auditors = super::analytics::auditor_figures(store, funnel)?;
    let fields = store.fill_rows(funnel)?;
    let split = super::funnel_versions::latest_split(store, funnel, today.date())?;
    let page = render(&Report {
        fields: &fields,
        before_after: split.as_ref(),
        funnel_name: &funnel.name,
        // A day given has no time of its own: the page says the day, not the noon it is
        // judged at.
        generated: given.map_or(AsOf::Moment(today), AsOf::Day),
        rows: &figures.rows,
        analytics: &figures.analytics,
        auditors: &auditors,
    });
    let target = &args.target.out;
    let out = target.path();
    write_output(target, args.target.force, |file| {
        file.write_all(page.as_bytes()).map_err(io(out))
    })
    .map_err(|e| match e {
        ExportError::Store(e) => color_eyre::Report::new(e),
        other => user(other.to_string()),
    })?;
    super::say_beside(target, crate::text::report::wrote(out))?;
    Ok(ExitCode::SUCCESS)
}
