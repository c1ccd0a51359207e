//! `okk funnel check`, `show`, `suggest`, `init`, `history` and `apply`.

use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::cli::FunnelCommand;
use crate::domain::Funnel;
use crate::domain::columns::AbsentFields;
use crate::domain::funnel_diff::{stranded, weigh_likes};
use crate::domain::ports::FunnelHistory;
use crate::domain::ports::funnel_history::StageVisits;
use crate::domain::suggest::HistoryTally;
use crate::text::app as msg;

pub fn run(paths: &Paths, command: FunnelCommand) -> Result<ExitCode> {
    match command {
        FunnelCommand::Init {
            from_store,
            out,
            force,
        } => {
            // `--out -` prints it, as no `--out` does.
            let file = match &out {
                Some(crate::domain::output::Output::File(p)) => Some(p.as_path()),
                _ => None,
            };
            return super::funnel_init::run(paths, from_store, file, force);
        }
        FunnelCommand::Suggest { json, apply } => {
            return super::suggest::run(paths, json, apply);
        }
        FunnelCommand::History { json } => return super::funnel_versions::history(paths, json),
        FunnelCommand::Apply { file, lead } => {
            return super::stored_funnel::apply(paths, &file, lead.as_deref());
        }
        _ => {}
    }
    // On a server with an applied funnel, `show` and `check --store` read the store's (every
    // other command judges by it); a bare `check` validates the local file for `funnel apply`.
    // A store file with an applied funnel (a server's copied back) reads the same way.
    let stores = match (paths.server(), &command) {
        (Some(url), FunnelCommand::Show | FunnelCommand::Check { store: true }) => {
            super::stored_funnel::to_read(paths, &paths.open_server(url)?)?
        }
        (None, FunnelCommand::Show | FunnelCommand::Check { store: true }) => {
            super::stored_funnel::to_read_on_file(paths)?
        }
        _ => None,
    };
    let (funnel, name) = match stores {
        Some((funnel, name)) => (funnel, name),
        None => (paths.local_funnel_for(false)?.0, paths.funnel.clone()),
    };
    match command {
        FunnelCommand::Check { store } => {
            super::say(msg::funnel_ok(&name, &funnel))?;
            if store && paths.server().is_none() && !paths.db.exists() {
                super::say(crate::text::review::no_cards(&paths.db))?;
            } else if store {
                // The cards' moves, for whether a stage renamed looks renamed to them too.
                let mut history = HistoryTally::default();
                let mut tally = |visits: &StageVisits| history.add(&funnel, visits);
                let (columns, in_use, versions) = match paths.server() {
                    Some(url) => {
                        let server = paths.open_server(url)?;
                        let versions = FunnelHistory::funnel_versions(&server)?;
                        FunnelHistory::for_each_stage_history(&server, &mut tally)?;
                        (
                            server.all_source_columns()?,
                            server.stages_in_use()?,
                            versions,
                        )
                    }
                    None => {
                        let store = paths.open_store()?;
                        let versions = store.funnel_versions()?;
                        FunnelHistory::for_each_stage_history(&store, &mut tally)?;
                        (store.source_columns()?, store.stages_in_use()?, versions)
                    }
                };
                let absent = AbsentFields::new(&funnel, columns);
                super::say_raw(msg::absent_fields(&funnel, &absent))?;
                // Cards this funnel would leave out: said before it is used, not after.
                let earlier: Vec<Funnel> = versions
                    .iter()
                    .filter_map(super::funnel_versions::read_funnel)
                    .collect();
                let mut stranded = stranded(&funnel, &in_use, &earlier);
                weigh_likes(&mut stranded, &funnel, &in_use, &history);
                for s in stranded {
                    super::warn(msg::stranded(&s));
                }
            }
        }
        FunnelCommand::Show => super::say_raw(crate::funnel_config::show(&funnel))?,
        _ => {}
    }
    Ok(ExitCode::SUCCESS)
}
