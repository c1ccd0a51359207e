//! `okk funnel check`, `show`, `suggest`, `init`, `history` and `apply`.

use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::cli::FunnelCommand;
use crate::domain::columns::AbsentFields;
use crate::text::app as msg;

pub fn run(paths: &Paths, command: FunnelCommand) -> Result<ExitCode> {
    match command {
        FunnelCommand::Init {
            from_store,
            out,
            force,
        } => return super::funnel_init::run(paths, from_store, out.as_deref(), force),
        FunnelCommand::Suggest { json, apply } => {
            return super::suggest::run(paths, json, apply);
        }
        FunnelCommand::History { json } => return super::funnel_versions::history(paths, json),
        FunnelCommand::Apply { file, lead } => {
            return super::stored_funnel::apply(paths, &file, lead.as_deref());
        }
        _ => {}
    }
    let funnel = paths.load_funnel()?;
    match command {
        FunnelCommand::Check { store } => {
            super::say(msg::funnel_ok(&paths.funnel, &funnel))?;
            if store && paths.server().is_none() && !paths.db.exists() {
                super::say(crate::text::review::no_cards(&paths.db))?;
            } else if store {
                let columns = match paths.server() {
                    Some(url) => paths.open_server(url)?.all_source_columns()?,
                    None => paths.open_store()?.source_columns()?,
                };
                let absent = AbsentFields::new(&funnel, columns);
                super::say_raw(msg::absent_fields(&funnel, &absent))?;
            }
        }
        FunnelCommand::Show => super::say_raw(crate::funnel_config::show(&funnel))?,
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}
