//! `okk funnel init`: a starting funnel — the built-in one, or with `--from-store` one from the
//! store's stages.

use std::path::Path;
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::domain::Funnel;
use crate::domain::columns::carries_task;
use crate::domain::crm_stage::crm_order;
use crate::domain::fill::FillTally;
use crate::domain::funnel::{DefaultAnswer, StageKind};
use crate::domain::ports::FunnelHistory;
use crate::domain::suggest::HistoryTally;
use crate::funnel_config::init;
use crate::store::funnel_facts::CardColumns;
use crate::text::init as msg;

pub fn run(paths: &Paths, from_store: bool, out: Option<&Path>, force: bool) -> Result<ExitCode> {
    if !from_store {
        return builtin(paths, out, force);
    }
    // The store as a message may name it (a server's URL without its password).
    let shown = match paths.server() {
        Some(url) => std::path::PathBuf::from(crate::store::pg::shown_url(url)),
        None => paths.db.clone(),
    };
    if paths.server().is_none() && !paths.db.exists() {
        return Err(user(msg::store_has_no_cards(&shown)));
    }
    refuse_to_replace(out, force)?;
    // An empty funnel: every stage, field and history row by the CRM's own names.
    let empty = Funnel::new(String::new(), Vec::new(), Vec::new(), DefaultAnswer::Pass);
    let mut history = HistoryTally::default();
    let (fill, pipelines, crm_stages, sources) = match paths.server() {
        Some(url) => {
            let store = paths.open_server(url)?;
            let mut fill = FillTally::default();
            store.for_each_card_fields(|card| fill.add(&empty, card))?;
            FunnelHistory::for_each_stage_history(&store, &mut |visits| {
                history.add(&empty, visits)
            })?;
            let crm_stages = FunnelHistory::crm_stages(&store)?;
            let sources = store.all_source_columns()?;
            (fill, store.pipeline_cards()?, crm_stages, sources)
        }
        None => {
            let store = paths.open_store()?;
            let fill = store.fold_card_fields(
                CardColumns::All,
                FillTally::default,
                |t, card| t.add(&empty, card),
                |a, b| a.merge(b),
            )?;
            store.for_each_stage_history(|visits| history.add(&empty, visits))?;
            let crm_stages = FunnelHistory::crm_stages(&store)?;
            let sources = store.source_columns()?;
            (fill, store.pipeline_cards()?, crm_stages, sources)
        }
    };
    let stages: Vec<(String, _)> = fill.stages().map(|(n, s)| (n.to_string(), *s)).collect();
    let cards: u64 = stages.iter().map(|(_, s)| s.cards).sum();
    if cards == 0 {
        return Err(user(msg::store_has_no_cards(&shown)));
    }
    // The CRM's own order, where a sync read it; else the order is guessed from the cards.
    let mut planned = init::plan(&stages, &history, &crm_order(&crm_stages));
    let pairs: Vec<(String, String)> = crm_stages
        .iter()
        .map(|(_, s)| (s.pipeline.clone(), s.stage.clone()))
        .collect();
    init::pipelines_of(&mut planned, &pairs);
    let mut columns: Vec<(String, u64, u64)> = fill
        .field_values()
        .into_iter()
        .filter(|(_, filled, _)| *filled > 0)
        .map(|(n, f, d)| (n.to_string(), f, d))
        .collect();
    columns.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    // Named after the CRM's pipeline; several pipelines make one funnel here (a funnel file is
    // one funnel), which is said.
    let name = match pipelines.as_slice() {
        [] => msg::funnel_name(&shown),
        list => list
            .iter()
            .map(|(p, _)| p.as_str())
            .collect::<Vec<_>>()
            .join(" + "),
    };
    // A source that carries the nearest task (a sync's, or an export with the column): its
    // open cards with nothing scheduled are worth a flag from the start (`no_task`).
    let no_task = sources.iter().any(|(_, c)| carries_task(c, &empty));
    let open = planned.iter().filter(|p| p.kind == StageKind::Open).count() as u64;
    let no_task = no_task && open > 0;
    let text = init::render(
        &name,
        cards,
        &planned,
        &columns,
        history.moved_cards,
        no_task,
    );
    // What okk writes must pass its own check.
    crate::funnel_config::load_str(&text, out.unwrap_or(Path::new("funnel.toml")))
        .map_err(|e| user(e.to_string()))?;
    match out {
        Some(out) => {
            make_folder(out)?;
            super::suggest::write_text(out, &text)?;
            super::say(msg::wrote(out, planned.len()))?;
            super::say(msg::use_it(out, paths.default_funnel()))?;
        }
        None => super::say_raw(&text)?,
    }
    // On stderr, so that the printed funnel stays a file to save.
    if pipelines.len() > 1 {
        super::warn(msg::pipelines_merged(&pipelines));
    }
    if no_task {
        super::warn(msg::no_task_on(open));
    }
    let guessed = planned.iter().filter(|p| p.crm_rank.is_none()).count() as u64;
    if guessed == planned.len() as u64 {
        super::warn(msg::order_guessed(history.moved_cards));
    } else {
        super::warn(msg::order_from_crm());
        if guessed > 0 {
            super::warn(msg::order_partly_guessed(guessed));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An existing `out` is replaced only with `--force`.
fn refuse_to_replace(out: Option<&Path>, force: bool) -> Result<()> {
    match out {
        Some(out) if out.exists() && !force => Err(user(msg::exists(out))),
        _ => Ok(()),
    }
}

/// `okk funnel init` without `--from-store`: the built-in funnel's own text (comments and
/// all), to `out` or printed — what a first run with an empty store can start from.
fn builtin(paths: &Paths, out: Option<&Path>, force: bool) -> Result<ExitCode> {
    refuse_to_replace(out, force)?;
    let text = crate::funnel_config::DEFAULT_FUNNEL;
    match out {
        Some(out) => {
            let stages = crate::funnel_config::default_funnel().stages.len();
            make_folder(out)?;
            super::suggest::write_text(out, text)?;
            super::say(msg::wrote_builtin(out, stages))?;
            super::say(msg::use_it(out, paths.default_funnel()))?;
        }
        None => super::say_raw(text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The folder `out` goes in, made when it is not there (`OKK_FUNNEL` may name a path in a
/// folder nobody made yet, as the default funnel's is made).
fn make_folder(out: &Path) -> Result<()> {
    match out.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| user(crate::text::app::cannot_write(dir, &e)))
        }
        None => Ok(()),
    }
}
