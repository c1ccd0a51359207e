//! `okk db copy`: a whole store between a laptop's SQLite file and a team server's PostgreSQL
//! store, either way; `okk db roles` (app::roles), `okk db imports` and `okk db prune`
//! (app::prune).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::cli::DbCommand;
use crate::store::pg::{is_url, shown_url};
use crate::text::app as msg;

pub fn run(paths: &Paths, command: DbCommand) -> Result<ExitCode> {
    match command {
        DbCommand::Copy { from, to } => {
            let url_of = |p: &Path| p.to_str().filter(|t| is_url(t)).map(str::to_string);
            match (url_of(&from), url_of(&to)) {
                (None, Some(url)) => into_server(paths, &from, &url),
                (Some(url), None) => out_of_server(paths, &url, &to),
                _ => Err(user(msg::copy_direction(&from, &to))),
            }
        }
        DbCommand::Roles { auditors, leads } => super::roles::run(paths, &auditors, &leads),
        DbCommand::Imports { json } => super::prune::imports(paths, json),
        DbCommand::Prune(args) => super::prune::prune(paths, args),
    }
}

/// A laptop's store file into an empty server store.
fn into_server(paths: &Paths, from: &Path, url: &str) -> Result<ExitCode> {
    if !from.is_file() {
        return Err(user(msg::no_store_file(from)));
    }
    let source = super::paths::open_store(from)?;
    let mut target = paths.open_server(url)?;
    let copied = target
        .copy_from_sqlite(&source)
        .map_err(|e| user(e.to_string()))?;
    super::say(msg::copied(&copied.rows, &PathBuf::from(shown_url(url))))?;
    Ok(ExitCode::SUCCESS)
}

/// A server store into a new store file (one that is there is never written over); a copy
/// that fails leaves no file.
fn out_of_server(paths: &Paths, url: &str, to: &Path) -> Result<ExitCode> {
    if to.exists() {
        return Err(user(msg::copy_target_exists(to)));
    }
    let source = paths.open_server(url)?;
    let copied = super::paths::open_store(to).and_then(|mut target| {
        source
            .copy_to_sqlite(&mut target)
            .map_err(|e| user(e.to_string()))
    });
    match copied {
        Ok(copied) => {
            super::say(msg::copied(&copied.rows, to))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            super::paths::remove_store(to);
            Err(e)
        }
    }
}
