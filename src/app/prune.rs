//! `okk db imports` and `okk db prune`: the store's import and sync runs, and a mistaken run's
//! (a source's, the CRM's deleted) cards taken back out, through the prune port whichever store
//! `--db` names. On a terminal the prune shows what it would do and asks first.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::cli::{PruneArgs, RunPick};
use crate::domain::ports::PruneStore;
use crate::domain::prune::{PruneReport, Pruned, Selector};
use crate::domain::roles::Role;
use crate::store::StoreError;
use crate::text::prune as msg;

/// The store `--db` names behind the port, and how to name it to the user. `write`: the prune
/// itself, refused at once on a store file okk may not write.
fn open(paths: &Paths, write: bool) -> Result<(Box<dyn PruneStore>, PathBuf)> {
    if let Some(url) = paths.server() {
        let store = paths.open_server(url)?;
        let shown = store.shown().to_path_buf();
        return Ok((Box::new(store), shown));
    }
    let store = paths.open_existing_store()?;
    if write && store.is_read_only() {
        return Err(user(
            StoreError::ReadOnly {
                path: Some(paths.db.clone()),
                why: crate::store::ReadOnlyWhy::Write,
            }
            .to_string(),
        ));
    }
    Ok((Box::new(store), paths.db.clone()))
}

/// `okk db imports`.
pub fn imports(paths: &Paths, json: bool) -> Result<ExitCode> {
    let (store, shown) = open(paths, false)?;
    let runs = store.import_runs().map_err(|e| user(e.to_string()))?;
    if json {
        for run in &runs {
            super::say_json(run)?;
        }
    } else {
        super::say_raw(msg::runs(&runs, &shown))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `okk db prune`.
pub fn prune(paths: &Paths, args: PruneArgs) -> Result<ExitCode> {
    let asks = !args.yes && !args.dry_run;
    // Nothing is opened before a prune that could not go on: off a terminal it cannot ask.
    if asks && !std::io::stdin().is_terminal() {
        return Err(user(msg::needs_yes()));
    }
    let selector = match (args.import, args.source, args.gone) {
        (Some(RunPick::Last), _, _) => Selector::Import(None),
        (Some(RunPick::Number(n)), _, _) => Selector::Import(Some(n)),
        (None, Some(source), _) => Selector::Source(source),
        (None, None, _) => Selector::Gone,
    };
    let (mut store, shown) = open(paths, !args.dry_run)?;
    let login = leads(&*store)?;
    let with_work = args.with_work;
    let run = |store: &mut dyn PruneStore, selector: &Selector, dry: bool| {
        done(
            store.prune_with(selector, dry, with_work),
            selector,
            &shown,
            login.as_deref(),
        )
    };
    let (report, said) = if asks {
        let preview = run(&mut *store, &selector, true)?;
        // The question's preview goes where a text report goes; beside JSON, to stderr.
        say_text(&msg::preview(&preview, &shown), args.json)?;
        if preview.removed == 0 {
            (preview, String::new())
        } else if !super::confirmed(&msg::ask(&preview, &shown))? {
            // Declined is not done: a script that answered tells the two apart by the exit
            // code, as with other tools' "aborted" (docs/import.md).
            super::warn(msg::not_removed());
            return Ok(ExitCode::FAILURE);
        } else {
            // The run the question named, whatever was imported since.
            let selector = match (&selector, &preview.import) {
                (Selector::Import(None), Some(r)) => Selector::Import(Some(r.id)),
                _ => selector,
            };
            let report = run(&mut *store, &selector, false)?;
            let said = msg::outcome(&report, &shown);
            (report, said)
        }
    } else {
        let report = run(&mut *store, &selector, args.dry_run)?;
        let said = msg::report(&report, &shown);
        (report, said)
    };
    if args.json {
        super::say_json(&report)?;
    } else {
        super::say_raw(said)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// On a server, a lead's command (the database owner's too), as `okk import` is: an auditor's
/// login is refused before anything is read. The login, for the words of a refusal.
fn leads(store: &dyn PruneStore) -> Result<Option<String>> {
    let session = store.session().map_err(|e| user(e.to_string()))?;
    if session.owner || matches!(session.mapped, Some((_, Role::Lead))) {
        return Ok(session.login);
    }
    Err(user(msg::lead_only(
        session.login.as_deref().unwrap_or_default(),
    )))
}

/// The report, or what the selector named that the store does not hold said as an error.
fn done(
    pruned: Result<Pruned, StoreError>,
    selector: &Selector,
    shown: &std::path::Path,
    login: Option<&str>,
) -> Result<PruneReport> {
    match pruned {
        Ok(Pruned::Done(report)) => Ok(*report),
        Ok(Pruned::NoSuchRun(n)) => Err(user(msg::no_such_run(n, shown))),
        Ok(Pruned::NoRuns) => Err(user(msg::no_runs(shown))),
        Ok(Pruned::NoSuchSource { sources }) => {
            let asked = match selector {
                Selector::Source(s) => s.as_str(),
                _ => "",
            };
            Err(user(msg::no_such_source(asked, &sources, shown)))
        }
        Err(StoreError::Refused { table }) if login.is_some() => Err(user(msg::refused_on_server(
            login.unwrap_or_default(),
            &table,
        ))),
        Err(e) => Err(user(e.to_string())),
    }
}

/// Text beside the JSON report goes to stderr, so that stdout holds the JSON alone.
fn say_text(text: &str, json: bool) -> std::io::Result<()> {
    if json {
        super::warn(text.trim_end());
        Ok(())
    } else {
        super::say_raw(text)
    }
}
