//! Funnel versions: each config okk runs with recorded in the store at the rules run, and
//! `okk funnel history`.

use std::path::Path;
use std::process::ExitCode;

use color_eyre::Result;

use super::Paths;
use crate::domain::Funnel;
use crate::domain::analytics::make_up::StageMoves;
use crate::domain::analytics::{Analytics, VersionSide, Window};
use crate::domain::funnel_diff::{FunnelDiff, diff};
use crate::domain::ports::{FunnelHistory, StatsStore};
use crate::domain::version_split::{Reviews, SplitTally, StageCards, StageChange, VersionSplit};
use crate::store::Store;
use crate::text::versions as msg;

/// Records the funnel with this fingerprint as a new version if the store has not seen it.
/// Best effort: a busy or read-only store records it at the next run, the command goes on.
pub fn note(store: &Store, funnel: &Funnel, fingerprint: &str) {
    let now = chrono::Local::now().naive_local();
    said(try_note(store, funnel, fingerprint, now, false));
}

/// [`note`] for an import or a sync that wrote cards under the funnel, as of its start (`at`,
/// the clock it dates the moves it found by): the version is first used no later than that,
/// so every move of the run that brought it is on its side of the split, however long the
/// run took (tester37 F6) — also when another command recorded it while the run went on.
pub fn note_at(store: &Store, funnel: &Funnel, fingerprint: &str, at: chrono::NaiveDateTime) {
    said(try_note(store, funnel, fingerprint, at, true));
}

/// A note that failed is said, unless the store was busy.
fn said(noted: Result<(), crate::store::StoreError>) {
    if let Err(e) = noted
        && !e.is_busy()
    {
        super::warn(msg::not_recorded(&e.to_string()));
    }
}

/// `run_began`: `at` is when a run that wrote cards began, which dates the version back if
/// another command recorded it later.
fn try_note(
    store: &Store,
    funnel: &Funnel,
    fingerprint: &str,
    at: chrono::NaiveDateTime,
    run_began: bool,
) -> Result<(), crate::store::StoreError> {
    let at = crate::store::cards::fmt_time(&at);
    if store.has_funnel_version(fingerprint)? {
        return match run_began {
            true => store.first_used_by(fingerprint, &at),
            false => Ok(()),
        };
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
    store.record_funnel_version(
        fingerprint,
        &at,
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
    let funnels: Vec<Option<Funnel>> = versions.iter().map(read_funnel).collect();
    let rows: Vec<(crate::domain::funnel_diff::FunnelVersion, FunnelDiff)> = versions
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let recorded: FunnelDiff = serde_json::from_str(&v.changes).unwrap_or_default();
            let before = i.checked_sub(1).and_then(|p| funnels[p].as_ref());
            let d = crate::domain::funnel_diff::of_version(recorded, before, funnels[i].as_ref());
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

/// `okk stats --funnel-version N`: the stages version N touched (with those it removed), before
/// and after it: the reviews by the version each was made under, the stage visits at the moment
/// it was first used.
pub fn before_after<S: StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDate,
    version: i64,
    json: bool,
) -> Result<ExitCode> {
    let Some(split) = split(store, funnel, today, version)? else {
        return Err(super::user(msg::no_such_version(version)));
    };
    if json {
        super::say_json(&split)?;
    } else {
        super::say_raw(msg::before_after(&split))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Version `version`'s stages split at it (see [`before_after`]); `None` for a version the
/// store does not have. The stages are the version's own, read with its funnel (not the one
/// okk runs with now, which may have renamed or dropped them since): those it touched — every
/// one for the first version, or for a change that touched none — then those it removed, read
/// with the version before's funnel. The stages the cards are in now that the version does not
/// have are listed with their cards.
pub fn split<S: StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDate,
    version: i64,
) -> Result<Option<VersionSplit>> {
    let versions = store.funnel_versions()?;
    let Some(at) = versions.iter().position(|v| v.version == version) else {
        return Ok(None);
    };
    let Some((first_used, recorded)) = first_use(&versions[at]) else {
        return Ok(None);
    };
    let cut = Cut {
        version,
        first_used,
    };
    let own = read_funnel(&versions[at]);
    let previous = at.checked_sub(1).map(|p| &versions[p]);
    // The removed stages, as the version before had them.
    let old = previous.and_then(read_funnel);
    let diff = crate::domain::funnel_diff::of_version(recorded, old.as_ref(), own.as_ref());
    let read_with_current_funnel = own.is_none();
    let own = own.unwrap_or_else(|| funnel.clone());
    // Every stage for the first version, or for a change that touched none: a change that
    // only removed stages touched the removed ones, listed below (tester40 F6).
    let mut stages = diff.touched();
    if diff.first || (stages.is_empty() && diff.stages_removed.is_empty()) {
        stages = own.stages.iter().map(|s| s.name.clone()).collect();
    }
    // The stages the version added, and those it split by them: a share of their cards moved
    // into a new stage, which the funnel file does not say.
    let added: Vec<usize> = if diff.first {
        Vec::new()
    } else {
        (diff.stages_added.iter())
            .filter_map(|s| own.resolve(s))
            .collect()
    };
    let here = sides(store, &own, today, cut, added.clone(), Vec::new())?;
    let cards_now = |i: usize| {
        let name = &own.stage(i).name;
        (here.after.stages.iter())
            .find(|g| g.known && g.stage == *name)
            .map_or(0, |g| g.group.cards)
    };
    let split_by =
        crate::domain::analytics::make_up::split_by(&own, &added, &here.moves, cards_now);
    for (i, _) in &split_by {
        let name = &own.stage(*i).name;
        if !stages.contains(name) {
            stages.push(name.clone());
        }
    }
    stages.sort_by_key(|s| own.resolve(s));
    // An added stage's after is its whole life: every review, whatever its version.
    let whole = match added.is_empty() {
        true => None,
        false => Some(super::analytics::figures(
            store,
            &own,
            today,
            Window::default(),
        )?),
    };
    let reviews = Reviews {
        before: &here.before,
        after: &here.after,
        now: &here.after,
        added: &added,
        whole: whole.as_ref().map(|w| &w.analytics),
    };
    let split: Vec<usize> = split_by.iter().map(|(i, _)| *i).collect();
    let mut rows = here.tally.rows(&own, &stages, &reviews, &split);
    let unchanged_left_out = own.stages.len().saturating_sub(rows.len()) as u64;
    for row in &mut rows {
        row.change = stage_change(&diff, &row.stage);
        row.renamed_from = (diff.stages_renamed.iter())
            .find(|(_, new)| *new == row.stage)
            .map(|(old, _)| old.clone());
        // Its before holds the reviews made at the stages merged into it, by their names.
        row.merged_from = (diff.stages_merged.iter())
            .filter(|(_, into)| *into == row.stage)
            .map(|(gone, _)| gone.clone())
            .collect();
        let split = (split_by.iter()).find(|(i, _)| own.stage(*i).name == row.stage);
        if let Some((_, with)) = split {
            row.split_with = with.iter().map(|&j| own.stage(j).name.clone()).collect();
            // Cards moving is more than a limit or a field: said first.
            if matches!(row.change, None | Some(StageChange::Changed)) {
                row.change = Some(StageChange::Split);
            }
        }
    }
    let now = here.after;
    let mut removed_names: Vec<String> = Vec::new();
    let mut removed_unread = Vec::new();
    match old.as_ref() {
        _ if diff.stages_removed.is_empty() => {}
        Some(old) => {
            let removed = (diff.stages_removed.iter())
                .filter_map(|r| old.resolve(r))
                .collect();
            let s = sides(store, old, today, cut, Vec::new(), removed)?;
            let reviews = Reviews {
                before: &s.before,
                after: &s.after,
                now: &s.after,
                added: &[],
                whole: None,
            };
            for mut row in s.tally.rows(old, &diff.stages_removed, &reviews, &[]) {
                row.change = Some(StageChange::Removed);
                row.merged_into = (diff.stages_merged.iter())
                    .find(|(gone, _)| *gone == row.stage)
                    .map(|(_, into)| into.clone());
                removed_names.push(row.stage.clone());
                rows.push(row);
            }
        }
        None => removed_unread = diff.stages_removed.clone(),
    }
    for row in &mut rows {
        row.in_current_funnel = funnel.resolve(&row.stage).is_some();
    }
    // A CRM name a removed stage stood for is told on its row.
    let told = |name: &str| {
        old.as_ref()
            .and_then(|o| o.resolve(name).map(|i| o.stage(i).name.as_str()))
            .is_some_and(|s| removed_names.iter().any(|r| r == s))
    };
    let not_in_version = (now.stages.iter())
        .filter(|g| !g.known && g.group.cards > 0 && !told(&g.stage))
        .map(|g| StageCards {
            stage: g.stage.clone(),
            cards: g.group.cards,
        })
        .collect();
    Ok(Some(VersionSplit {
        version,
        since: first_used.date(),
        first_used,
        previous: previous.map(|p| p.version),
        stages: rows,
        not_in_version,
        removed_unread,
        read_with_current_funnel,
        unchanged_left_out,
    }))
}

/// Where a version splits the figures: the reviews by the version each was made under (this one
/// or a later: after), the stage visits at the moment it was first used.
#[derive(Debug, Clone, Copy)]
struct Cut {
    version: i64,
    first_used: chrono::NaiveDateTime,
}

/// The two sides of `cut` as `funnel` reads the store: the reviews made before and after it
/// (the "after" side's figures are also the ones of now: idle days and cards do not depend on
/// the window), the stage visits split at it, and the moves of the cards now at the stages
/// `added` into them.
struct Sides {
    before: Analytics,
    after: Analytics,
    tally: SplitTally,
    moves: StageMoves,
}

fn sides<S: StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDate,
    cut: Cut,
    added: Vec<usize>,
    removed: Vec<usize>,
) -> Result<Sides> {
    let side = |after| Window {
        side: Some(VersionSide {
            version: cut.version,
            after,
        }),
        ..Window::default()
    };
    let before = super::analytics::figures(store, funnel, today, side(false))?;
    let after = super::analytics::figures(store, funnel, today, side(true))?;
    let mut tally = SplitTally::new(cut.first_used, added.clone(), removed);
    let mut moves = StageMoves::into(added);
    store.for_each_stage_history(&mut |visits| {
        tally.add(funnel, visits);
        moves.add(funnel, visits);
    })?;
    // The cards that never moved were at their stage too: not only those that later left.
    store.for_each_unmoved_card(&mut |visit| tally.add(funnel, visit))?;
    Ok(Sides {
        before: before.analytics,
        after: after.analytics,
        tally,
        moves,
    })
}

/// What `diff` did to the stage it names `stage` (by its new name).
fn stage_change(diff: &FunnelDiff, stage: &str) -> Option<StageChange> {
    if diff.first {
        return None;
    }
    if diff.stages_added.iter().any(|s| s == stage) {
        Some(StageChange::Added)
    } else if diff.stages_renamed.iter().any(|(_, new)| new == stage) {
        Some(StageChange::Renamed)
    } else if diff.touched().iter().any(|s| s == stage) {
        Some(StageChange::Changed)
    } else {
        None
    }
}

/// The store's funnel versions that still read, by fingerprint: what the stage a review was
/// made at was then.
pub(super) fn past_funnels<S: FunnelHistory + ?Sized>(
    store: &S,
    funnel: &Funnel,
) -> Result<crate::domain::past_checklist::PastFunnels> {
    let versions = store.funnel_versions()?;
    Ok(crate::domain::past_checklist::PastFunnels::new(
        funnel,
        (versions.iter())
            .filter_map(|v| Some((v.hash.clone(), read_funnel(v)?)))
            .collect(),
    ))
}

/// A recorded version's funnel, read from the text it was recorded with.
pub(super) fn read_funnel(v: &crate::domain::funnel_diff::FunnelVersion) -> Option<Funnel> {
    crate::funnel_config::load_version(v)
}

/// The latest version that changed something, split: the report's before/after section.
pub fn latest_split<S: StatsStore + FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    today: chrono::NaiveDate,
) -> Result<Option<VersionSplit>> {
    let versions = store.funnel_versions()?;
    let Some(last) = versions.iter().rev().find(|v| v.version > 1) else {
        return Ok(None);
    };
    split(store, funnel, today, last.version)
}

/// The stage a funnel version removed that `name` was another name of (an alias in the version
/// before's text, not the stage's own name), and that version: the latest such.
pub(super) fn removed_alias<S: FunnelHistory + ?Sized>(
    store: &S,
    name: &str,
) -> Result<Option<(String, i64)>> {
    let versions = store.funnel_versions()?;
    let key = crate::domain::names::fold(name);
    for (at, v) in versions.iter().enumerate().rev() {
        let Some((_, diff)) = first_use(v) else {
            continue;
        };
        if diff.stages_removed.is_empty() {
            continue;
        }
        let Some(old) = at.checked_sub(1).and_then(|p| read_funnel(&versions[p])) else {
            continue;
        };
        let Some(i) = old.resolve(name) else {
            continue;
        };
        let stage = &old.stage(i).name;
        if crate::domain::names::fold(stage) != key && diff.stages_removed.contains(stage) {
            return Ok(Some((stage.clone(), v.version)));
        }
    }
    Ok(None)
}

/// The moment a version was first used, for splitting the stage visits at it, and what it
/// changed.
fn first_use(
    v: &crate::domain::funnel_diff::FunnelVersion,
) -> Option<(chrono::NaiveDateTime, FunnelDiff)> {
    let at = crate::store::cards::parse_time(&v.first_used)?;
    Some((at, serde_json::from_str(&v.changes).unwrap_or_default()))
}
