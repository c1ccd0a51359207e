//! `okk db copy`: a laptop's SQLite store into a team server's PostgreSQL store; `okk db
//! roles` (app::roles).

use std::path::PathBuf;
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::cli::DbCommand;
use crate::store::pg::{is_url, shown_url};
use crate::text::app as msg;

pub fn run(paths: &Paths, command: DbCommand) -> Result<ExitCode> {
    match command {
        DbCommand::Copy { from, to } => {
            let from_url = from.to_str().is_some_and(is_url);
            let Some(url) = to.to_str().filter(|t| is_url(t) && !from_url) else {
                return Err(user(msg::copy_direction(&from, &to)));
            };
            if !from.is_file() {
                return Err(user(msg::no_store_file(&from)));
            }
            let source = super::paths::open_store(&from)?;
            let mut target = paths.open_server(url)?;
            let copied = target
                .copy_from_sqlite(&source)
                .map_err(|e| user(e.to_string()))?;
            super::say(msg::copied(&copied.rows, &PathBuf::from(shown_url(url))))?;
            Ok(ExitCode::SUCCESS)
        }
        DbCommand::Roles { auditors, leads } => super::roles::run(paths, &auditors, &leads),
    }
}
