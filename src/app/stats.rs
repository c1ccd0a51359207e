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
    if args.auditors {
        return print_auditors(&store, &funnel, args.json);
    }
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

fn print_auditors(
    store: &crate::store::Store,
    funnel: &crate::domain::Funnel,
    json: bool,
) -> Result<ExitCode> {
    let mut calibration = Vec::new();
    for c in store.calibrations()? {
        let (judged, reference) = store.calibration_judgements(&c)?;
        for j in judged {
            if let Some(r) = reference.get(&j.card) {
                calibration.push((j.auditor, j.verdict == *r));
            }
        }
    }
    let figures = crate::domain::auditors::figures(&store.review_facts()?, &calibration, funnel);
    if json {
        super::say(serde_json::json!({ "auditors": figures }))?;
    } else {
        super::say_raw(crate::text::app::auditors_table(&figures))?;
    }
    Ok(ExitCode::SUCCESS)
}
