//! `okk sync`: each named connection (or all) in turn; the rules run once at the end, as after
//! `okk import`.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, config, in_pass, user};
use crate::cli::SyncArgs;
use crate::crm::config::Connection;
use crate::crm::sync::{SyncOptions, sync};
use crate::text::crm as msg;

pub fn run(paths: &Paths, args: SyncArgs) -> Result<ExitCode> {
    let config = config::load(&paths.config)?;
    let conns = pick(&config.crm, &args.names)?;
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_store()?;
    // Without `--no-check` the rules judge each page's cards as it lands.
    let skip = args.no_check || args.dry_run;
    let rules = in_pass::rules(paths, &store, &fingerprint, skip)?;
    let opts = SyncOptions {
        full: args.full,
        dry_run: args.dry_run,
        now: chrono::Local::now().naive_local(),
        progress: !args.json,
        rules,
    };
    let mut changed = false;
    let mut all_judged = true;
    let mut failure = None;
    for conn in conns {
        match sync(&mut store, &funnel, conn, &opts) {
            Ok(report) => {
                changed |= report.inserted + report.updated + report.gone > 0;
                all_judged &= report.judged;
                if args.json {
                    super::say(serde_json::to_string(&report)?)?;
                } else {
                    super::say_raw(msg::report(&report))?;
                }
            }
            Err(f) => {
                // A refused token stops at the first request: nothing was written. Pages that
                // landed before the failure were judged as they landed (if they could not be,
                // their commits left "rules must run" for the next reader).
                changed |= !f.is_refused();
                failure = Some(f.message(conn));
                break;
            }
        }
    }
    if !args.dry_run && changed {
        in_pass::after(
            paths,
            &mut store,
            &funnel,
            &fingerprint,
            args.no_check,
            all_judged,
        )?;
    }
    match failure {
        Some(m) => Err(user(m)),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The connections named (all when none is), in the order given.
pub fn pick<'a>(all: &'a [Connection], names: &[String]) -> Result<Vec<&'a Connection>> {
    if all.is_empty() {
        return Err(user(msg::no_connections()));
    }
    if names.is_empty() {
        return Ok(all.iter().collect());
    }
    names
        .iter()
        .map(|n| {
            all.iter().find(|c| &c.name == n).ok_or_else(|| {
                let known: Vec<String> = all.iter().map(|c| c.name.clone()).collect();
                user(msg::unknown_connection(n, &known))
            })
        })
        .collect()
}
