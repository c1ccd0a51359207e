//! `okk sync`: each named connection (or all) in turn; the rules run once at the end, as after
//! `okk import`.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, config, in_pass, user};
use crate::cli::SyncArgs;
use crate::crm::config::Connection;
use crate::crm::sync::{SyncOptions, sync};
use crate::domain::Funnel;
use crate::store::sync_tx::SyncStore;
use crate::sync::import::PassRules;
use crate::text::app as msg_app;
use crate::text::crm as msg;

pub fn run(paths: &Paths, args: SyncArgs) -> Result<ExitCode> {
    let config = config::load(&paths.config)?;
    let conns = pick(&config.crm, &args.names)?;
    if let Some(url) = paths.server() {
        return on_server(paths, url, &args, &conns);
    }
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_store()?;
    // Without `--no-check` the rules judge each page's cards as it lands.
    let skip = args.no_check || args.dry_run;
    let rules = in_pass::rules(paths, &store, &fingerprint, skip)?;
    let opts = options(&args, rules);
    let Synced {
        changed,
        all_judged,
        failure,
    } = sync_all(&mut store, &funnel, &conns, &opts, args.json)?;
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

/// The sync's options from the command's.
fn options(args: &SyncArgs, rules: Option<PassRules>) -> SyncOptions {
    SyncOptions {
        full: args.full,
        dry_run: args.dry_run,
        now: chrono::Local::now().naive_local(),
        progress: !args.json,
        rules,
    }
}

/// `okk sync` onto a team server's store: the same sync, each group of pages one transaction
/// of the server's with its cursor, the rules judging every card it writes and the server's
/// rules run after when the other cards' flags are another day's (as for `okk import`:
/// docs/team-server.md).
fn on_server(paths: &Paths, url: &str, args: &SyncArgs, conns: &[&Connection]) -> Result<ExitCode> {
    if args.no_check {
        return Err(user(msg_app::sync_no_check_on_server()));
    }
    let mut store = paths.open_server(url)?;
    super::import::may_write_cards(&store, msg_app::sync_owner_only)?;
    let (funnel, fingerprint) = super::stored_funnel::load(paths, &store)?;
    let today = paths.server_today();
    let rules = (!args.dry_run).then(|| in_pass::judging(&fingerprint, today));
    let opts = options(args, rules);
    let done = sync_all(&mut store, &funnel, conns, &opts, args.json)?;
    // As after an import: the other cards' flags judged for another day are judged again.
    if !args.dry_run && done.failure.is_none() {
        super::audit::refresh_server(&mut store, &funnel, &fingerprint, today, true)?;
    }
    match done.failure {
        Some(m) => Err(user(m)),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// What the connections' syncs came to.
struct Synced {
    /// Some sync wrote cards (or may have: one failed after pages landed).
    changed: bool,
    /// The rules judged every sync's cards as they landed.
    all_judged: bool,
    /// The failure that stopped the run, in the user's words.
    failure: Option<String>,
}

/// Each connection in turn, its report said; the first failure stops the run.
fn sync_all(
    store: &mut dyn SyncStore,
    funnel: &Funnel,
    conns: &[&Connection],
    opts: &SyncOptions,
    json: bool,
) -> Result<Synced> {
    let mut done = Synced {
        changed: false,
        all_judged: true,
        failure: None,
    };
    for conn in conns {
        match sync(store, funnel, conn, opts) {
            Ok(report) => {
                done.changed |= report.inserted + report.updated + report.gone > 0;
                done.all_judged &= report.judged;
                if json {
                    super::say(serde_json::to_string(&report)?)?;
                } else {
                    super::say_raw(msg::report(&report))?;
                }
            }
            Err(f) => {
                // A refused token stops at the first request: nothing was written. Pages that
                // landed before the failure were judged as they landed (if they could not be,
                // their commits left "rules must run" for the next reader).
                done.changed |= !f.is_refused();
                done.failure = Some(f.message(conn));
                break;
            }
        }
    }
    Ok(done)
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
