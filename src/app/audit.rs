//! Keeping the flags true: the stage rules run after every import, and again whenever the
//! funnel config or the date has changed since they last ran.

use chrono::NaiveDateTime;
use color_eyre::Result;

use crate::domain::Funnel;
use crate::domain::rules::evaluate;
use crate::store::Store;
use crate::store::flags::RulesRun;

use crate::store::flags::RULES_RAN_FOR;

/// A store's frozen "now" (the demo's), as 'YYYY-MM-DD HH:MM:SS'.
pub const CLOCK: &str = "clock";

/// The moment rules and idle days are measured against: the store's frozen clock if it has one
/// (the demo), else the local time.
pub fn now(store: &Store) -> Result<NaiveDateTime> {
    if let Some(clock) = store.meta(CLOCK)?
        && let Some(t) = crate::store::cards::parse_time(&clock)
    {
        return Ok(t);
    }
    Ok(chrono::Local::now().naive_local())
}

/// Makes the next [`refresh`] run the rules (the cards changed).
pub fn mark_stale(store: &Store) -> Result<()> {
    store.set_meta(RULES_RAN_FOR, "")?;
    Ok(())
}

/// Runs the rules over every card if `force`, or if the funnel (its fingerprint) or the day
/// changed since the last run. Returns what the run found, if it ran.
pub fn refresh(
    store: &mut Store,
    funnel: &Funnel,
    fingerprint: &str,
    force: bool,
) -> Result<Option<RulesRun>> {
    let now = now(store)?;
    let key = format!("{fingerprint} {}", now.date());
    if !force && store.meta(RULES_RAN_FOR)?.as_deref() == Some(key.as_str()) {
        return Ok(None);
    }
    let run =
        match store.rerun_flags_marking(Some(&key), |card, ctx| evaluate(card, ctx, funnel, now)) {
            Ok(run) => run,
            // Another okk holds the store (an import, which runs the rules itself when it ends):
            // show the flags as they are rather than wait.
            Err(e) if !force && e.is_busy() => {
                eprintln!("{}", crate::text::check::flags_not_refreshed());
                return Ok(None);
            }
            Err(e) => return Err(e.into()),
        };
    Ok(Some(run))
}

/// For the reviewer's start: like [`refresh`], except when only the day changed since the rules
/// last ran (same funnel). Re-judging a million cards takes seconds, and the morning's import
/// runs the rules anyway; the reviewer opens at once and says from which day the flags are.
/// Returns that day when the flags are left as they are.
pub fn refresh_unless_only_the_day(
    store: &mut Store,
    funnel: &Funnel,
    fingerprint: &str,
) -> Result<Option<String>> {
    let ran = store.meta(RULES_RAN_FOR)?.unwrap_or_default();
    if let Some((fp, day)) = ran.split_once(' ')
        && fp == fingerprint
        && day != now(store)?.date().to_string()
    {
        return Ok(Some(day.to_string()));
    }
    refresh(store, funnel, fingerprint, false)?;
    Ok(None)
}
