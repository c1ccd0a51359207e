//! `okk sync`: each named connection (or all) in turn; the rules run once at the end, as after
//! `okk import`.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use color_eyre::Result;

use super::{Paths, config, in_pass, user};
use crate::cli::SyncArgs;
use crate::crm::config::Connection;
use crate::crm::sync::{Left, SyncOptions, sync};
use crate::domain::Funnel;
use crate::store::crm::SyncState;
use crate::store::sync_lock::{LockError, SyncLock};
use crate::store::sync_tx::SyncStore;
use crate::sync::import::PassRules;
use crate::text::app as msg_app;
use crate::text::crm as msg;

pub fn run(paths: &Paths, args: SyncArgs) -> Result<ExitCode> {
    let config = config::load(&paths.config)?;
    let conns = pick(paths, &config.crm, &args.names)?;
    // Said once, before any connection: the cards of one account under two sources.
    for w in &config.same_account {
        super::warn(w);
    }
    if let Some(url) = paths.server() {
        return on_server(paths, url, &args, &conns);
    }
    let (funnel, fingerprint) = paths.load_funnel_for(args.dry_run)?;
    // A store file this run makes, and no sync gets a card into (a refused token, an unreachable
    // CRM): not left behind as an empty store at a path the user may have mistyped.
    let made_here = !paths.db.exists();
    let mut store = paths.open_store_to_write()?;
    // Without `--no-check` the rules judge each page's cards as it lands.
    let skip = args.no_check || args.dry_run;
    let rules = in_pass::rules(paths, &store, &fingerprint, skip)?;
    let opts = options(&args, rules);
    let lock = |conn: &Connection| match SyncLock::take(&paths.db, &conn.name) {
        Ok(l) => Ok(Some(l)),
        Err(LockError::Held) => Err(msg::sync_under_way(&conn.name)),
        Err(LockError::Io(e)) => Err(msg::sync_lock_failed(&conn.name, &e)),
    };
    let Synced {
        changed,
        all_judged,
        failed,
        interrupted,
        unknown_stages,
        ..
    } = sync_all(
        &mut store,
        &funnel,
        &conns,
        &opts,
        &said(paths, args.json),
        &lock,
    )?;
    if unknown_stages {
        super::say(crate::text::import::unknown_stages_next(&paths.funnel))?;
    }
    // Only when nothing at all landed: a first sync reads the notes before the deals, and
    // notes that landed are kept for the next run to resume from, as the message says. A dry
    // run lands nothing, so the store it had to make goes whatever it read.
    let nothing_landed = args.dry_run || (!store.has_cards()? && !store.has_synced()?);
    if made_here && (failed || interrupted || args.dry_run) && nothing_landed {
        drop(store);
        super::paths::remove_store(&paths.db);
        return Ok(if interrupted {
            ExitCode::from(INTERRUPTED)
        } else {
            exit(failed)
        });
    }
    if interrupted {
        // The rules of pages not judged as they landed are left to the next reader, as after
        // a kill.
        return Ok(ExitCode::from(INTERRUPTED));
    }
    if !args.dry_run && changed {
        in_pass::after(
            paths,
            &mut store,
            &funnel,
            &fingerprint,
            opts.now,
            args.no_check,
            all_judged,
        )?;
    }
    Ok(exit(failed))
}

/// Exit 1 when a connection failed (each failure was said as it happened).
fn exit(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The exit code of a run stopped by Ctrl-C (128 + SIGINT, as a shell says it).
const INTERRUPTED: u8 = 130;

/// The sync's options from the command's.
fn options(args: &SyncArgs, rules: Option<PassRules>) -> SyncOptions {
    SyncOptions {
        full: args.full,
        dry_run: args.dry_run,
        now: chrono::Local::now().naive_local(),
        progress: !args.json,
        rules,
        stop: stop_on_ctrl_c(),
        new_source: args.new_source,
    }
}

/// Ctrl-C sets the flag: the sync asks the CRM nothing more, lands what it read, puts the
/// store back in WAL and says how to resume. A second Ctrl-C exits at once.
fn stop_on_ctrl_c() -> Arc<AtomicBool> {
    use signal_hook::consts::SIGINT;
    let stop = Arc::new(AtomicBool::new(false));
    // Registered first, so that it sees the flag as the first Ctrl-C left it.
    let _ =
        signal_hook::flag::register_conditional_shutdown(SIGINT, INTERRUPTED.into(), stop.clone());
    let _ = signal_hook::flag::register(SIGINT, stop.clone());
    stop
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
    let (funnel, fingerprint) = super::stored_funnel::load_for(paths, &store, args.dry_run)?;
    let today = paths.server_today();
    let rules = (!args.dry_run).then(|| in_pass::judging(&fingerprint, today));
    let opts = options(args, rules);
    // The server's own lock keeps two laptops' syncs of one connection apart (`hold_sync`).
    let said = said(paths, args.json);
    let done = sync_all(&mut store, &funnel, conns, &opts, &said, &|_| Ok(None))?;
    if done.interrupted {
        return Ok(ExitCode::from(INTERRUPTED));
    }
    if done.link_lost {
        return Ok(exit(true));
    }
    // As after an import: the other cards' flags judged for another day are judged again; all
    // of them when a sync brought fields its source never carried (its cards' absent fields
    // changed).
    if !args.dry_run && done.columns_changed {
        super::audit::rerun_server(&mut store, &funnel, &fingerprint, today)?;
    } else if !args.dry_run && (!done.failed || done.changed) {
        super::audit::refresh_server(&mut store, &funnel, &fingerprint, today, true)?;
    }
    Ok(exit(done.failed))
}

/// What the connections' syncs came to.
struct Synced {
    /// Some sync wrote cards (or may have: one failed after pages landed).
    changed: bool,
    /// The rules judged every sync's cards as they landed.
    all_judged: bool,
    /// Some connection failed (its failure was said as it happened).
    failed: bool,
    /// Ctrl-C stopped the run: the connections after are not synced.
    interrupted: bool,
    /// The team server stopped answering: the connections after are not synced.
    link_lost: bool,
    /// Some sync brought fields its source never carried before, which change the flags of
    /// cards it did not write (see `SyncReport::columns_changed`).
    columns_changed: bool,
    /// Some report named stages the funnel does not have (said as text, not in `--json`).
    unknown_stages: bool,
}

/// How the reports and failures are said: as JSON lines, and the config file `--config`
/// named, which the commands they suggest name too.
struct Said<'a> {
    json: bool,
    config: Option<&'a std::path::Path>,
    /// The team server's address (without its password), when the store is one.
    server: Option<String>,
}

fn said(paths: &Paths, json: bool) -> Said<'_> {
    Said {
        json,
        config: paths.config_given(),
        server: paths.server().map(crate::store::pg::shown_url),
    }
}

/// Takes a connection's sync lock, or says why it cannot be synced now.
type Lock<'a> = dyn Fn(&Connection) -> Result<Option<SyncLock>, String> + 'a;

/// Each connection in turn, its report or its failure said as it comes: one connection that
/// fails does not keep the others from their sync.
fn sync_all(
    store: &mut dyn SyncStore,
    funnel: &Funnel,
    conns: &[&Connection],
    opts: &SyncOptions,
    said: &Said<'_>,
    lock: &Lock<'_>,
) -> Result<Synced> {
    let mut done = Synced {
        changed: false,
        all_judged: true,
        failed: false,
        interrupted: false,
        link_lost: false,
        columns_changed: false,
        unknown_stages: false,
    };
    for conn in conns {
        let _held = match lock(conn) {
            Ok(held) => held,
            Err(m) => {
                done.failed = true;
                say_failure(conn, &m, said.json)?;
                continue;
            }
        };
        // Each connection's moment is its own start (its "last sync", its sweep's): the
        // safe "as of", what the CRM said after it being the next sync's to read. The
        // command's start would date a connection synced after a long one by the first's.
        let opts = &SyncOptions {
            now: chrono::Local::now().naive_local(),
            ..opts.clone()
        };
        // A server's hold: the store's session (a file's is `lock`'s, taken above).
        if !store.hold_sync(&conn.name)? {
            done.failed = true;
            say_failure(conn, &msg::sync_under_way(&conn.name), said.json)?;
            continue;
        }
        let synced = sync(store, funnel, conn, opts);
        // A failure to let go leaves the hold to the session's end (this command's).
        let _ = store.release_sync(&conn.name);
        match synced {
            Ok(report) => {
                done.changed |=
                    report.inserted + report.updated + report.notes_updated + report.gone > 0
                        || report.columns_changed;
                done.all_judged &= report.judged;
                done.columns_changed |= report.columns_changed;
                if said.json {
                    super::say(serde_json::to_string(&report)?)?;
                } else {
                    super::say_raw(msg::report(&report, said.config))?;
                    done.unknown_stages |= !report.unknown_stages.is_empty();
                }
            }
            Err(f) => {
                // A refused token stops at the first request: nothing was written. Pages that
                // landed before the failure were judged as they landed (if they could not be,
                // their commits left "rules must run" for the next reader).
                done.changed |= !f.is_refused();
                done.failed = true;
                // Pages this run or an earlier one landed moved the connection's state on; a
                // sweep's first group recorded it.
                let left = Left {
                    pages: store
                        .crm_state(&conn.name)
                        .map_or(true, |s| s != SyncState::default()),
                    sweep: store.crm_sweep(&conn.name).is_ok_and(|s| s.is_some()),
                };
                // The server out of reach: the connections after would find it so too, and
                // nothing more can be written (the rules' refresh included).
                if let Some(url) = said.server.as_deref().filter(|_| f.is_unreachable()) {
                    say_failure(
                        conn,
                        &msg::server_silent(&conn.name, url, said.config),
                        said.json,
                    )?;
                    done.link_lost = true;
                    break;
                }
                say_failure(conn, &f.message(conn, left, said.config), said.json)?;
                if f.is_interrupted() {
                    done.interrupted = true;
                    break;
                }
            }
        }
    }
    Ok(done)
}

/// A connection's failure: on stderr as any error, and with `--json` as its line of the
/// report (`connection`, `error`).
fn say_failure(conn: &Connection, message: &str, json: bool) -> Result<()> {
    super::stderr::print(&user(message));
    if json {
        let line = serde_json::json!({"connection": conn.name, "error": message});
        super::say(line.to_string())?;
    }
    Ok(())
}

/// The connections named (all when none is), in the order given. None in the config file is
/// an error that names the file (and says so when `--config` named one that is not there).
pub fn pick<'a>(
    paths: &Paths,
    all: &'a [Connection],
    names: &[String],
) -> Result<Vec<&'a Connection>> {
    if all.is_empty() {
        return Err(user(match paths.config_given() {
            Some(given) if !given.exists() => msg::no_config(given),
            given => msg::no_connections(&paths.config, given),
        }));
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
