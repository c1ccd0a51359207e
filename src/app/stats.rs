//! `okk stats`.

use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::cli::StatsArgs;
use crate::domain::stats::{add_verdicts, stage_table};

pub fn run(paths: &Paths, args: StatsArgs) -> Result<ExitCode> {
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_store()?;
    super::audit::refresh(&mut store, &funnel, &fingerprint, false)?;
    print_stats(&store, &funnel, args.json)?;
    Ok(ExitCode::SUCCESS)
}

pub fn print_stats(
    store: &crate::store::Store,
    funnel: &crate::domain::Funnel,
    json: bool,
) -> Result<()> {
    let mut table = stage_table(funnel, &store.stage_counts()?, &store.flagged_per_stage()?);
    add_verdicts(funnel, &mut table, &store.verdict_counts()?);
    if json {
        super::say(serde_json::json!({ "stages": table }))?;
    } else {
        super::say_raw(crate::text::app::stats_table(&funnel.name, &table))?;
    }
    Ok(())
}
