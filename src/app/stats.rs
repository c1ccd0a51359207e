//! `okk stats`.

use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::cli::StatsArgs;
use crate::domain::stats::stage_table;

pub fn run(paths: &Paths, args: StatsArgs) -> Result<ExitCode> {
    let funnel = paths.load_funnel()?;
    let store = paths.open_store()?;
    print_stats(&store, &funnel, args.json)?;
    Ok(ExitCode::SUCCESS)
}

pub fn print_stats(
    store: &crate::store::Store,
    funnel: &crate::domain::Funnel,
    json: bool,
) -> Result<()> {
    let table = stage_table(funnel, &store.stage_counts()?);
    if json {
        println!("{}", serde_json::json!({ "stages": table }));
    } else {
        print!("{}", crate::text::app::stats_table(&funnel.name, &table));
    }
    Ok(())
}
