//! `okk queue`: a stage's review queue.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, audit, user};
use crate::cli::QueueArgs;
use crate::domain::Funnel;
use crate::domain::funnel::StageKind;
use crate::domain::names::fold;
use crate::domain::ports::{FunnelHistory, QueueStore};
use crate::domain::queue::QueueQuery;
use crate::domain::roles::Role;
use crate::text::check as msg;

/// What naming a stage asks of a store: its cards' and reviews' stage names, and the funnel
/// versions, whose texts know the names of the stages they removed.
pub trait StageStore: QueueStore + FunnelHistory {}
impl<T: QueueStore + FunnelHistory + ?Sized> StageStore for T {}

/// The CRM's names for a stage given by its funnel name, an alias, or a CRM name the funnel
/// does not know.
pub fn crm_names(store: &dyn StageStore, funnel: &Funnel, name: &str) -> Result<Vec<String>> {
    let names = store.crm_stage_names()?;
    let unknown = |names: &[String]| -> Vec<String> {
        names
            .iter()
            .filter(|n| funnel.resolve(n).is_none())
            .cloned()
            .collect()
    };
    let matched: Vec<String> = match funnel.resolve(name) {
        Some(idx) => names
            .into_iter()
            .filter(|n| funnel.resolve(n) == Some(idx))
            .collect(),
        None => {
            let key = fold(name);
            let store_only = unknown(&names);
            let m: Vec<String> = names.into_iter().filter(|n| fold(n) == key).collect();
            if m.is_empty() {
                let stages: Vec<&str> = funnel.stages.iter().map(|s| s.name.as_str()).collect();
                let store_only: Vec<&str> = store_only.iter().map(String::as_str).collect();
                // No card there now, but reviews made there (a stage the funnel no longer
                // lists and the CRM no longer uses): the stage is in the store all the same.
                let reviewed = store.reviewed_stages()?;
                let about = |name: &str| {
                    let key = fold(name);
                    let reviews: u64 = (reviewed.iter())
                        .filter(|(n, _)| fold(n) == key)
                        .map(|(_, n)| n)
                        .sum();
                    match reviews {
                        0 => msg::unknown_stage(name, &stages, &store_only),
                        _ => msg::stage_reviews_only(name, reviews, &stages),
                    }
                };
                // Another name of a stage a funnel version removed: said, with what is true
                // of that stage (tester40 F9).
                if let Some((stage, version)) = super::funnel_versions::removed_alias(store, name)?
                {
                    let said = about(&stage);
                    return Err(user(msg::removed_alias(name, &stage, version, &said)));
                }
                return Err(user(about(name)));
            }
            m
        }
    };
    Ok(matched)
}

pub fn run(paths: &Paths, args: QueueArgs) -> Result<ExitCode> {
    let given = (args.auditor.as_deref())
        .map(str::trim)
        .filter(|a| !a.is_empty());
    // The name `okk review` takes: `--auditor`/`OKK_AUDITOR`, else the config's, else the login.
    let fallback = super::review::auditor(None, &super::config::load(&paths.config)?);
    // Only a claim records work in the auditor's name: a queue looked at registers nobody.
    let who = |store: &mut dyn crate::domain::ports::UserStore| match args.claim {
        Some(_) => super::roles::acting(store, given, &fallback, Role::Auditor),
        None => super::roles::looking(store, given, &fallback, Role::Auditor),
    };
    if let Some(url) = paths.server() {
        // The server's flags are its rules run's (okk check, an import): shown as they are.
        let mut store = paths.open_server(url)?;
        let (funnel, _) = super::stored_funnel::load_and_note(paths, &store)?;
        let who = who(&mut store)?;
        if args.release {
            return release(&mut store, &funnel, &args, &who);
        }
        let today = paths.server_today();
        return list(&mut store, &funnel, &args, &who, today);
    }
    let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
    let mut store = paths.open_existing_store()?;
    let who = who(&mut store)?;
    if args.release {
        return release(&mut store, &funnel, &args, &who);
    }
    let today = paths.today(&store)?;
    audit::refresh(&mut store, &funnel, &fingerprint, today, false)?;
    audit::note_old_export(&store, today, paths.today)?;
    list(&mut store, &funnel, &args, &who, today)
}

/// `--release`: the auditor's claims on the stage (on every stage without `--stage`) given
/// back, and how many were held.
fn release(
    store: &mut dyn StageStore,
    funnel: &Funnel,
    args: &QueueArgs,
    who: &str,
) -> Result<ExitCode> {
    let stage = match &args.stage {
        Some(name) => Some((crm_names(store, funnel, name)?, name.as_str())),
        None => None,
    };
    let count = store.release_claims(who, stage.as_ref().map(|(crm, _)| crm.as_slice()))?;
    if args.json {
        super::say_json(&serde_json::json!({ "released": count }))?;
    } else {
        // Titled by the funnel's name of the stage, whichever name was typed.
        let shown = stage.map(|(_, name)| {
            funnel
                .resolve(name)
                .map_or(name, |i| funnel.stage(i).name.as_str())
        });
        super::say(msg::queue_released(count, who, shown))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The queue (or, with `--claim`, the cards handed out) as text or JSON.
fn list(
    store: &mut dyn StageStore,
    funnel: &Funnel,
    args: &QueueArgs,
    who: &str,
    today: chrono::NaiveDateTime,
) -> Result<ExitCode> {
    // Clap asks for `--stage` unless `--release` is given.
    let name = args.stage.as_deref().unwrap_or_default();
    let crm_stages = crm_names(store, funnel, name)?;
    let closed_stage = funnel
        .resolve(name)
        .is_some_and(|i| funnel.stage(i).kind != StageKind::Open);
    let q = QueueQuery {
        after: None,
        text: None,
        sources: None,
        with_calibration: true,
        reviewed: false,
        crm_stages: &crm_stages,
        auditor: who,
        limit: args.limit,
        all: args.all,
        closed_stage,
        now: today,
    };
    let cards = match args.claim {
        Some(n) => store.claim(&q, n, std::time::Duration::from_secs(args.lease))?,
        None => store.queue(&q)?,
    };
    if args.json {
        super::say_json(&serde_json::json!({ "cards": cards }))?;
    } else {
        // The queue is titled by the funnel's name of the stage, whichever name was typed.
        let stage = (funnel.resolve(name)).map_or(name, |i| funnel.stage(i).name.as_str());
        let sources = store.sources()?.len() > 1;
        super::say_raw(msg::queue(stage, who, &cards, sources))?;
    }
    Ok(ExitCode::SUCCESS)
}
