//! Funnel versions: each config okk runs with recorded in the store at the rules run, and
//! `okk funnel history`.

use std::path::Path;
use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::domain::Funnel;
use crate::domain::analytics::Window;
use crate::domain::funnel_diff::{FunnelDiff, diff};
use crate::domain::ports::{FunnelHistory, StatsStore};
use crate::domain::version_split::{SplitTally, StageSplit};
use crate::store::Store;
use crate::text::versions as msg;

/// Records the funnel with this fingerprint as a new version if the store has not seen it.
/// Best effort: a busy or read-only store records it at the next run, the command goes on.
pub fn note(store: &Store, funnel: &Funnel, fingerprint: &str) {
    if let Err(e) = try_note(store, funnel, fingerprint)
        && !e.is_busy()
    {
        super::warn(msg::not_recorded(&e.to_string()));
    }
}

fn try_note(
    store: &Store,
    funnel: &Funnel,
    fingerprint: &str,
) -> Result<(), crate::store::StoreError> {
    if store.has_funnel_version(fingerprint)? {
        return Ok(());
    }
    let Some(text) = super::paths::loaded_text(fingerprint) else {
        return Ok(());
    };
    let changes = match store.last_funnel_version()? {
        Some(prev) => crate::funnel_config::load_str(&prev.content, Path::new("previous"))
            .map(|old| diff(&old, funnel))
            .unwrap_or_default(),
        None => FunnelDiff {
            first: true,
            ..FunnelDiff::default()
        },
    };
    let now = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    store.record_funnel_version(
        fingerprint,
        &now,
        &funnel.name,
        &text,
        &serde_json::to_string(&changes).unwrap_or_default(),
    )?;
    Ok(())
}

pub fn history(paths: &Paths, json: bool) -> Result<ExitCode> {
    let versions = match paths.server() {
        Some(url) => FunnelHistory::funnel_versions(&paths.open_server(url)?)?,
        None => paths.open_existing_store()?.funnel_versions()?,
    };
    // Each version compared with the one before by this okk, from the texts the store keeps:
    // a diff recorded by an older okk may not tell all it tells now (aliases). Where a text no
    // longer reads, the recorded diff stands.
    let read = |v: &crate::domain::funnel_diff::FunnelVersion| {
        crate::funnel_config::load_str(&v.content, Path::new("recorded")).ok()
    };
    let funnels: Vec<Option<Funnel>> = versions.iter().map(read).collect();
    let rows: Vec<(crate::domain::funnel_diff::FunnelVersion, FunnelDiff)> = versions
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let recorded: FunnelDiff = serde_json::from_str(&v.changes).unwrap_or_default();
            let before = i.checked_sub(1).and_then(|p| funnels[p].as_ref());
            let d = match (before, &funnels[i]) {
                (Some(old), Some(new)) if !recorded.first => diff(old, new),
                _ => recorded,
            };
            (v, d)
        })
        .collect();
    if json {
        let list: Vec<serde_json::Value> = rows
            .iter()
            .map(|(v, d)| {
                serde_json::json!({
                    "version": v.version,
                    "hash": v.hash,
                    "first_used": v.first_used,
                    "name": v.name,
                    "changes": d,
                })
            })
            .collect();
        super::say_json(&serde_json::json!({ "versions": list }))?;
    } else {
        super::say_raw(msg::history(&rows))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `okk stats --funnel-version N`: the stages version N touched, before and after the day it
/// was first used.
pub fn before_after(
    store: &Store,
    funnel: &Funnel,
    today: chrono::NaiveDate,
    version: i64,
    json: bool,
) -> Result<ExitCode> {
    let Some((day, rows)) = split(store, funnel, today, version)? else {
        return Err(super::user(msg::no_such_version(version)));
    };
    if json {
        super::say_json(&serde_json::json!({
            "version": version,
            "since": day,
            "stages": rows,
        }))?;
    } else {
        super::say_raw(msg::before_after(version, day, &rows))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The day version `version` was first used and its touched stages split at it; `None` for a
/// version the store does not have. The first version, or one that touched no stage, splits
/// every stage.
pub fn split<S: StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDate,
    version: i64,
) -> Result<Option<(chrono::NaiveDate, Vec<StageSplit>)>> {
    let Some((day, diff)) = first_day(store, version)? else {
        return Ok(None);
    };
    let mut stages = diff.touched();
    if diff.first || stages.is_empty() {
        stages = funnel.stages.iter().map(|s| s.name.clone()).collect();
    }
    let before = Window {
        since: None,
        until: day.pred_opt(),
    };
    let after = Window {
        since: Some(day),
        until: None,
    };
    let before = super::analytics::figures(store, funnel, today, before)?;
    let after = super::analytics::figures(store, funnel, today, after)?;
    let mut tally = SplitTally::new(day);
    store.for_each_stage_history(&mut |visits| tally.add(funnel, visits))?;
    // Idle days do not depend on the window: the "after" pass has them as they are now.
    let rows = tally.rows(
        funnel,
        &stages,
        &before.analytics,
        &after.analytics,
        &after.analytics,
    );
    Ok(Some((day, rows)))
}

/// The latest version that changed something, split: the report's before/after section.
pub fn latest_split<S: StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDate,
) -> Result<Option<(i64, chrono::NaiveDate, Vec<StageSplit>)>> {
    let versions = store.funnel_versions()?;
    let Some(last) = versions.iter().rev().find(|v| v.version > 1) else {
        return Ok(None);
    };
    Ok(split(store, funnel, today, last.version)?.map(|(d, rows)| (last.version, d, rows)))
}

/// The day a version was first used, for splitting analytics at it.
pub fn first_day(
    store: &impl FunnelHistory,
    version: i64,
) -> Result<Option<(chrono::NaiveDate, FunnelDiff)>> {
    let v = store
        .funnel_versions()?
        .into_iter()
        .find(|v| v.version == version);
    Ok(v.and_then(|v| {
        let day = chrono::NaiveDate::parse_from_str(v.first_used.get(..10)?, "%Y-%m-%d").ok()?;
        Some((day, serde_json::from_str(&v.changes).unwrap_or_default()))
    }))
}
