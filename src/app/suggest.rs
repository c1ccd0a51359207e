//! `okk funnel suggest`: proposals drawn from the store; `--apply N` writes one into the
//! funnel file (the previous file kept beside it).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::domain::Funnel;
use crate::domain::fill::FillTally;
use crate::domain::ports::FunnelHistory;
use crate::domain::suggest::{
    HistoryTally, Mismatch, Observed, OneSitting, SilentTally, Suggestion, mismatch, one_sitting,
    suggest,
};
use crate::funnel_config::edit;
use crate::store::Store;
use crate::store::funnel_facts::CardColumns;
use crate::text::suggest as msg;

pub fn run(paths: &Paths, json: bool, apply: Option<usize>) -> Result<ExitCode> {
    let (list, mismatch, sitting) = match paths.server() {
        Some(url) => {
            let mut store = paths.open_server(url)?;
            let now = paths.server_today();
            let may_write = super::import::writes_cards(&store)?;
            // A lead's login judges the flags again below; an auditor's reads them as they are.
            let (funnel, fingerprint, note) = super::stored_funnel::load_reading(paths, &store)?;
            if let (Some(note), false) = (note, may_write) {
                super::warn(note);
            }
            super::audit::refresh_server(&mut store, &funnel, &fingerprint, now, may_write)?;
            server_proposals(&store, &funnel, now.date())?
        }
        None => {
            let (funnel, fingerprint) = paths.load_funnel_with_fingerprint()?;
            let mut store = paths.open_existing_store()?;
            let now = paths.today(&store)?;
            // The extra-control figures read reviews at the stage the rules placed them; the
            // version is recorded there too.
            super::audit::refresh(&mut store, &funnel, &fingerprint, now, false)?;
            proposals(&store, &funnel, now.date())?
        }
    };
    let with_patches: Vec<(Suggestion, String)> = list
        .into_iter()
        .map(|s| {
            let p = edit::patch(&s.edit);
            (s, p)
        })
        .collect();
    if let Some(n) = apply {
        let Some((s, _)) = with_patches.iter().find(|(s, _)| s.id == n) else {
            return Err(user(msg::no_such_suggestion(n, with_patches.len())));
        };
        return apply_one(&paths.funnel, s);
    }
    if json {
        let rows: Vec<serde_json::Value> = with_patches
            .iter()
            .map(|(s, patch)| {
                serde_json::json!({
                    "id": s.id,
                    "kind": s.kind,
                    "stage": s.stage,
                    "summary": msg::summary(s),
                    "evidence": s.evidence,
                    "patch": patch,
                })
            })
            .collect();
        super::say_json(&serde_json::json!({
            "suggestions": rows,
            "funnel_mismatch": mismatch,
            "one_sitting": sitting,
        }))?;
    } else {
        super::say_raw(msg::listing(
            &with_patches,
            mismatch.as_ref(),
            sitting.as_ref(),
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Every proposal, the mismatch of the funnel and the store when they hardly meet, and the
/// note of a history recorded in one sitting.
type Proposals = (Vec<Suggestion>, Option<Mismatch>, Option<OneSitting>);

/// Every proposal the store's data supports, as of `today`, and the mismatch of the funnel and
/// the store when they hardly meet.
pub fn proposals(store: &Store, funnel: &Funnel, today: chrono::NaiveDate) -> Result<Proposals> {
    let (fill, silent) = store.fold_card_fields(
        CardColumns::All,
        || (FillTally::default(), SilentTally::default()),
        |(f, s), card| {
            f.add(funnel, card);
            s.add(funnel, card, today);
        },
        |(f, s), (f2, s2)| {
            f.merge(f2);
            s.merge(s2);
        },
    )?;
    let mut history = HistoryTally::default();
    if let Some((first, last)) = store.runs_span()? {
        history.in_one_sitting(first, last);
    }
    let seen = store.for_each_stage_history(|visits| history.add(funnel, visits))?;
    let observed = Observed {
        fill: &fill,
        silent: &silent,
        history: &history,
        verdicts: &store.verdicts_per_stage()?,
        moves: &store.stage_moves()?,
        last_entries: &store.last_entries(&seen)?,
        sources: &store.source_columns()?,
        today,
    };
    Ok((
        suggest(funnel, &observed),
        mismatch(funnel, &observed),
        one_sitting(&observed),
    ))
}

/// [`proposals`] from a team server's store: the same tallies over what it holds.
fn server_proposals(
    store: &crate::store::pg::PgStore,
    funnel: &Funnel,
    today: chrono::NaiveDate,
) -> Result<Proposals> {
    let (mut fill, mut silent) = (FillTally::default(), SilentTally::default());
    store.for_each_card_fields(|card| {
        fill.add(funnel, card);
        silent.add(funnel, card, today);
    })?;
    let mut history = HistoryTally::default();
    if let Some((first, last)) = store.runs_span()? {
        history.in_one_sitting(first, last);
    }
    FunnelHistory::for_each_stage_history(store, &mut |visits| history.add(funnel, visits))?;
    let observed = Observed {
        fill: &fill,
        silent: &silent,
        history: &history,
        verdicts: &store.verdicts_per_stage()?,
        moves: &store.stage_moves()?,
        last_entries: &store.last_entries()?,
        sources: &store.all_source_columns()?,
        today,
    };
    Ok((
        suggest(funnel, &observed),
        mismatch(funnel, &observed),
        one_sitting(&observed),
    ))
}

/// Shows the diff, keeps the old file beside the new one, writes the new one.
fn apply_one(path: &Path, s: &Suggestion) -> Result<ExitCode> {
    let old =
        std::fs::read_to_string(path).map_err(|e| user(msg::cannot_apply(path, &e.to_string())))?;
    let new = edit::apply(&old, &s.edit).map_err(|e| user(msg::cannot_apply(path, &e)))?;
    if let Err(e) = crate::funnel_config::load_str(&new, path) {
        return Err(user(msg::applied_but_invalid(&e.to_string())));
    }
    let diff = similar::TextDiff::from_lines(&old, &new);
    let name = path.display().to_string();
    super::say_raw(
        diff.unified_diff()
            .context_radius(3)
            .header(&name, &name)
            .to_string(),
    )?;
    let kept = kept_path(path);
    std::fs::copy(path, &kept).map_err(|e| user(msg::cannot_apply(path, &e.to_string())))?;
    write_text(path, &new)?;
    super::say(msg::applied(path, &kept))?;
    Ok(ExitCode::SUCCESS)
}

/// `funnel.toml` → `funnel.before-1.toml` (the first number not taken).
fn kept_path(path: &Path) -> PathBuf {
    let stem = path.file_stem().map_or_else(
        || "funnel".to_string(),
        |s| s.to_string_lossy().into_owned(),
    );
    let ext = path
        .extension()
        .map_or_else(|| "toml".to_string(), |e| e.to_string_lossy().into_owned());
    (1..)
        .map(|n| path.with_file_name(format!("{stem}.before-{n}.{ext}")))
        .find(|p| !p.exists())
        .unwrap_or_else(|| path.with_extension("before.toml"))
}

/// Writes `text` to `path` whole or not at all (a temp file renamed onto it).
pub fn write_text(path: &Path, text: &str) -> Result<()> {
    crate::export::file::write_atomically(path, true, |w| {
        std::io::Write::write_all(w, text.as_bytes()).map_err(|e| crate::export::ExportError::Io {
            path: path.to_path_buf(),
            source: e,
        })
    })
    .map_err(|e| user(e.to_string()))
}
