//! `okk review` (and bare `okk`, and `okk demo`): opens the reviewer on a store.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use color_eyre::Result;

use super::{Paths, audit, config, user};
use crate::cli::ReviewArgs;
use crate::domain::Funnel;
use crate::domain::names::fold;
use crate::domain::roles::Role;
use crate::store::Store;
use crate::text::review as msg;
use crate::tui::desk::Desk;
use crate::tui::state::State;
use crate::tui::update;

pub fn run(paths: &Paths, args: ReviewArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let config = config::load(&paths.config)?;
    if let Some(url) = paths.server() {
        // The server's flags are its rules run's (okk check, an import): shown as they are.
        let given = args.auditor.as_deref();
        let stage = args.stage.as_deref();
        let (mut state, desk, removed) =
            server_desk(paths, url, &config, given, Role::Auditor, stage)?;
        // A server's queue is shared: always taken by claim.
        let desk = desk.claiming(lease(&args));
        say_unnamed(&mut state, &args, &config);
        return begin(state, desk, &args, removed, None, started);
    }
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_existing_store()?;
    let stale = refresh(paths, &mut store, &funnel, &fingerprint)?;
    open(
        paths,
        store,
        funnel,
        fingerprint,
        config,
        &args,
        started,
        stale,
    )
}

/// Bare `okk`: the reviewer when the store has cards, else a word on how to begin.
pub fn bare(paths: &Paths) -> Result<ExitCode> {
    let has_cards =
        paths.server().is_some() || (paths.db.exists() && paths.open_store()?.has_cards()?);
    if !has_cards {
        super::say(msg::no_cards(&paths.db))?;
        return Ok(ExitCode::SUCCESS);
    }
    run(
        paths,
        ReviewArgs {
            stage: None,
            auditor: std::env::var("OKK_AUDITOR").ok(),
            claim: false,
            lease: 300,
        },
    )
}

/// The auditor: `--auditor` or `OKK_AUDITOR` (clap reads both), else the config file, else
/// the login name.
pub fn auditor(given: Option<&str>, config: &config::Config) -> String {
    given
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .or_else(|| config.auditor.clone())
        .unwrap_or_else(login_name)
}

/// The login name (`USER`, `USERNAME`), the last resort of [`auditor`].
fn login_name() -> String {
    (std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "auditor".into())
}

/// The name `given` (`--auditor`, `--lead`), or the config's or login's, acts under on
/// `store` with `need`'s rights (app::roles).
fn acting(
    store: &mut dyn crate::domain::ports::UserStore,
    given: Option<&str>,
    config: &config::Config,
    need: Role,
) -> Result<String> {
    let given = given.map(str::trim).filter(|s| !s.is_empty());
    super::roles::acting(store, given, &auditor(None, config), need)
}

/// The rules before the reviewer opens: rerun unless only the day changed, or always when
/// `--today` names the day.
fn refresh(
    paths: &Paths,
    store: &mut Store,
    funnel: &Funnel,
    fingerprint: &str,
) -> Result<Option<String>> {
    let today = paths.today(store)?;
    if paths.today.is_some() {
        audit::refresh(store, funnel, fingerprint, today, false)?;
        return Ok(None);
    }
    audit::refresh_unless_only_the_day(store, funnel, fingerprint, today)
}

#[allow(clippy::too_many_arguments)]
pub fn open(
    paths: &Paths,
    store: Store,
    funnel: Funnel,
    fingerprint: String,
    config: config::Config,
    args: &ReviewArgs,
    started: Instant,
    flags_from: Option<String>,
) -> Result<ExitCode> {
    let mut store = store;
    let who = acting(&mut store, args.auditor.as_deref(), &config, Role::Auditor)?;
    let today = paths.today(&store)?;
    let removed = removed_alias(&store, args.stage.as_deref())?;
    let (mut state, mut desk) = desk(store, today, funnel, fingerprint, &config, who)?;
    say_unnamed(&mut state, args, &config);
    if args.claim {
        desk = desk.claiming(lease(args));
    }
    begin(state, desk, args, removed, flags_from, started)
}

/// With no name given (`--auditor`, `OKK_AUDITOR`, the config's `auditor`), the reviewer saves
/// verdicts under the login name: said once, on the status line it opens with, with how to set
/// one.
fn say_unnamed(state: &mut State, args: &ReviewArgs, config: &config::Config) {
    let given = args
        .auditor
        .as_deref()
        .map(str::trim)
        .is_some_and(|a| !a.is_empty());
    // A note already on the line (flags of another funnel) matters more.
    if !given && config.auditor.is_none() && state.shared.status.is_none() {
        state.shared.status = Some(crate::tui::state::Status::Info(
            crate::text::tui::auditor_unnamed(&state.shared.auditor),
        ));
    }
}

/// How long a claim holds a card: `--lease`, at least a few seconds (it is renewed at a third
/// of it, on pauses in the keys).
fn lease(args: &ReviewArgs) -> std::time::Duration {
    std::time::Duration::from_secs(args.lease.max(3))
}

/// A removed stage's name and the funnel version that removed it.
type Removed = (String, i64);

/// The stage a funnel version removed that `stage` (`--stage`) was another name of, and that
/// version: read from the store's funnel history before the screen opens (the screen's desk
/// knows no versions).
fn removed_alias(
    store: &(impl crate::domain::ports::FunnelHistory + ?Sized),
    stage: Option<&str>,
) -> Result<Option<Removed>> {
    match stage {
        Some(name) => super::funnel_versions::removed_alias(store, name),
        None => Ok(None),
    }
}

/// The reviewer at the funnel, or at the stage `args` names; `removed`: the removed stage
/// that name was another name of ([`removed_alias`]).
fn begin(
    mut state: State,
    desk: Desk,
    args: &ReviewArgs,
    removed: Option<Removed>,
    flags_from: Option<String>,
    started: Instant,
) -> Result<ExitCode> {
    match &args.stage {
        Some(name) => {
            let rows = desk.stages()?;
            let row = match find_stage(&state.shared.funnel, &rows, name) {
                Ok(row) => row,
                // No card there now, but reviews made there: said so, as `okk queue` says it;
                // and another name of a removed stage says whose name it was (as `okk queue`).
                Err(unknown) => {
                    let funnel = &state.shared.funnel;
                    let stages: Vec<&str> = funnel.stages.iter().map(|s| s.name.as_str()).collect();
                    let reviews_only = |name: &str| -> Result<Option<String>> {
                        Ok(match desk.reviews_at(name)? {
                            0 => None,
                            n => Some(crate::text::check::stage_reviews_only(name, n, &stages)),
                        })
                    };
                    let Some((stage, version)) = removed else {
                        return Err(reviews_only(name)?.map(super::user).unwrap_or(unknown));
                    };
                    let about = match reviews_only(&stage)? {
                        Some(said) => said,
                        None => {
                            let store_only: Vec<&str> = (rows.iter())
                                .filter(|r| r.stage.is_none())
                                .map(|r| r.name.as_str())
                                .collect();
                            crate::text::check::unknown_stage(&stage, &stages, &store_only)
                        }
                    };
                    let said = crate::text::check::removed_alias(name, &stage, version, &about);
                    return Err(super::user(said));
                }
            };
            state.stages.rows = rows;
            update::start_at_stage(&mut state, row, &desk)?;
        }
        None => update::load_stages(&mut state, &desk)?,
    }
    show(state, desk, flags_from, started)
}

/// The screen's state and the desk for `who` (the auditor, or the lead), once a terminal is
/// there to show them on.
/// The desk on the team server at `url`, for `given` (or the configured name) acting as `role`:
/// the reviewer's and the lead's start-up there, under the server's day.
/// `stage`: the `--stage` given, whose removed stage ([`removed_alias`]) comes back too.
fn server_desk(
    paths: &Paths,
    url: &str,
    config: &config::Config,
    given: Option<&str>,
    role: Role,
    stage: Option<&str>,
) -> Result<(State, Desk, Option<Removed>)> {
    let mut store = paths.open_server(url)?;
    let (funnel, fingerprint, note) = super::stored_funnel::load_reading(paths, &store)?;
    let who = acting(&mut store, given, config, role)?;
    let removed = removed_alias(&store, stage)?;
    let (mut state, desk) = desk(
        store,
        paths.server_today(),
        funnel,
        fingerprint,
        config,
        who,
    )?;
    // Flags of another funnel than the one applied: said on the line the screen opens with
    // (stderr is under the screen).
    if let Some(note) = note {
        let note = note.trim_start_matches("okk: ").to_string();
        state.shared.status = Some(crate::tui::state::Status::Error(note));
    }
    Ok((state, desk, removed))
}

fn desk(
    store: impl crate::domain::ports::DeskStore + 'static,
    today: chrono::NaiveDateTime,
    funnel: Funnel,
    fingerprint: String,
    config: &config::Config,
    who: String,
) -> Result<(State, Desk)> {
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(user(msg::needs_terminal()));
    }
    let funnel = Arc::new(funnel);
    let desk =
        Desk::new(store, funnel.clone(), who.clone(), fingerprint, None).judging_as_of(today);
    let mut state = State::new(funnel, who, config.keymap.clone());
    state.shared.crm_links = Arc::new(crate::crm::links::of(&config.crm));
    state.shared.now = desk.now();
    state.shared.today = desk.today();
    Ok((state, desk))
}

/// Runs the screens until the user quits; `flags_from`: the day the flags shown were judged,
/// when the rules could not run for today.
fn show(
    mut state: State,
    mut desk: Desk,
    flags_from: Option<String>,
    started: Instant,
) -> Result<ExitCode> {
    if let Some(day) = flags_from {
        state.shared.status = Some(crate::tui::state::Status::Info(
            crate::text::tui::flags_from(&day),
        ));
    }
    let left = crate::tui::run::run(&mut state, &mut desk, started);
    // A server's connection says goodbye as it closes and waits for the server to hear it:
    // on a link that hangs, for ever. The process ends here; the system closes the socket.
    if desk.remote() {
        std::mem::forget(desk);
    }
    let left = left?;
    // The terminal closed: nobody to tell (the next okk writes what is left).
    if !left.is_empty() && !crate::tui::run::terminal_gone() {
        super::warn(crate::text::tui::left_pending(&left));
    }
    Ok(ExitCode::SUCCESS)
}

/// The funnel screen's row for a stage given by funnel name, alias or CRM name.
fn find_stage(funnel: &Funnel, rows: &[crate::tui::desk::StageRow], name: &str) -> Result<usize> {
    let found = match funnel.resolve(name) {
        Some(i) => rows.iter().position(|r| r.stage == Some(i)),
        None => rows
            .iter()
            .position(|r| r.crm_names.iter().any(|n| fold(n) == fold(name))),
    };
    found.ok_or_else(|| {
        let known = |r: &&crate::tui::desk::StageRow| r.stage.is_some();
        let names: Vec<&str> = rows.iter().filter(known).map(|r| r.name.as_str()).collect();
        let store_only: Vec<&str> = rows
            .iter()
            .filter(|r| r.stage.is_none())
            .map(|r| r.name.as_str())
            .collect();
        user(crate::text::check::unknown_stage(name, &names, &store_only))
    })
}

/// `okk lead`: the lead's list of reviews.
pub fn lead(paths: &Paths, args: crate::cli::LeadArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let config = config::load(&paths.config)?;
    if let Some(url) = paths.server() {
        let given = args.lead.as_deref();
        let (mut state, desk, _) = server_desk(paths, url, &config, given, Role::Lead, None)?;
        crate::tui::lead::load(&mut state, &desk)?;
        return show(state, desk, None, started);
    }
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_existing_store()?;
    let who = acting(&mut store, args.lead.as_deref(), &config, Role::Lead)?;
    let stale = refresh(paths, &mut store, &funnel, &fingerprint)?;
    let today = paths.today(&store)?;
    let (mut state, desk) = desk(store, today, funnel, fingerprint, &config, who)?;
    crate::tui::lead::load(&mut state, &desk)?;
    show(state, desk, stale, started)
}
