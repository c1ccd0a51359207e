//! Keeping the flags true: the stage rules run after every import, and again whenever the
//! funnel config or the date has changed since they last ran.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use color_eyre::Result;

use crate::domain::Card;
use crate::domain::Funnel;
use crate::domain::as_judged::AsJudged;
use crate::domain::columns::AbsentFields;
use crate::domain::rules::evaluate_with;
use crate::domain::stage_rename::{one_stage, only_renamed};
use crate::store::Store;
use crate::store::flags::RulesRun;
use crate::store::reattach::OnlyRenamed;
use crate::store::writer::{Writer, WriterNote};

use crate::store::flags::RULES_RAN_FOR;

/// A store's own "today" (the demo's), as 'YYYY-MM-DD HH:MM:SS': its cards are judged as of
/// that day unless `--today` says otherwise.
pub const CLOCK: &str = "clock";

/// The one answer to "which day are the cards judged against" (rules, idle days, "days ago"):
/// `--today`/`OKK_TODAY` if given (at noon: everything judged counts calendar days), else the
/// store's own day (the demo's), else the local time. The times okk records (verdicts,
/// decisions, syncs) never come from here: they are the clock's.
pub fn today(store: &Store, given: Option<NaiveDate>) -> Result<NaiveDateTime> {
    if let Some(day) = given {
        return Ok(day.and_time(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default()));
    }
    if let Some(clock) = store.meta(CLOCK)?
        && let Some(t) = crate::store::cards::parse_time(&clock)
    {
        return Ok(t);
    }
    Ok(chrono::Local::now().naive_local())
}

/// The rules' marker (`RULES_RAN_FOR`) for a funnel and the day judged.
pub fn ran_for(fingerprint: &str, now: NaiveDateTime) -> String {
    format!("{fingerprint} {}", now.date())
}

/// Makes the next [`refresh`] run the rules (the cards changed).
pub fn mark_stale(store: &Store) -> Result<()> {
    store.set_meta(RULES_RAN_FOR, "")?;
    Ok(())
}

/// Runs the rules over every card as of `now` (see [`today`]) if `force`, or if the funnel
/// (its fingerprint) or the judged day changed since the last run. Returns what the run found,
/// if it ran.
pub fn refresh(
    store: &mut Store,
    funnel: &Funnel,
    fingerprint: &str,
    now: NaiveDateTime,
    force: bool,
) -> Result<Option<RulesRun>> {
    let key = ran_for(fingerprint, now);
    if store.is_read_only() {
        // Nothing can be written: the flags are shown as the last run left them, and said so
        // when that run judged another day or funnel.
        if store.meta(RULES_RAN_FOR)?.as_deref() != Some(key.as_str()) {
            super::warn(crate::text::check::flags_of_read_only_store());
        }
        return Ok(None);
    }
    super::funnel_versions::note(store, funnel, fingerprint);
    mend_renamed(store, funnel, fingerprint)?;
    if !force && store.meta(RULES_RAN_FOR)?.as_deref() == Some(key.as_str()) {
        return Ok(None);
    }
    // Per source, the required fields it never exports: not a fault of each card.
    let absent = AbsentFields::new(funnel, store.source_columns()?);
    let asked = store.settled_cards()?.asked_moves();
    let note = WriterNote::hold(store.path(), Writer::Rules);
    // The marker is written by the run's own transaction: a kill before its commit leaves "rules
    // must run", never stale flags marked current.
    let run = store.rerun_flags_marking(Some(&key), |card, ctx| {
        let asked = asked.get(&card.source, &card.external_id);
        evaluate_with(card, ctx, funnel, now, absent.of(&card.source), asked)
    });
    drop(note);
    let run = match run {
        Ok(run) => run,
        // Another okk holds the store (an import, which runs the rules itself when it ends):
        // show the flags as they are rather than wait.
        Err(e) if !force && e.is_busy() => {
            super::warn(crate::text::check::flags_not_refreshed());
            return Ok(None);
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Some(run))
}

/// [`refresh`] on a team server's store: the server's rules run (`pg::rules_run`) when its flags
/// were judged for another funnel or day, and `may_write` (the owner's or a lead's login: an
/// auditor's may not write flags). Returns what the run found, if it ran.
pub fn refresh_server(
    store: &mut crate::store::pg::PgStore,
    funnel: &Funnel,
    fingerprint: &str,
    now: NaiveDateTime,
    may_write: bool,
) -> Result<Option<RulesRun>> {
    let key = ran_for(fingerprint, now);
    if !may_write {
        return Ok(None);
    }
    if store.rules_ran_for()?.as_deref() == Some(key.as_str()) {
        // The rules need no run; a renamed stage's cards may still want their reviews back.
        reattach_server(store, funnel)?;
        return Ok(None);
    }
    rerun_server(store, funnel, fingerprint, now).map(Some)
}

/// The funnel may name a renamed stage now that an import took for a move: its cards are the
/// cards their reviews saw again. Asked once per funnel, whether or not the rules run (the
/// store keeps which funnel it last asked for): a store whose funnel had the alias before okk
/// did this is mended at its first run too. Said when some were given back.
pub fn mend_renamed(store: &mut Store, funnel: &Funnel, fingerprint: &str) -> Result<()> {
    match with_renames(funnel, |judge| store.reattach_renamed(judge, fingerprint)) {
        Ok(0) => Ok(()),
        Ok(n) => {
            super::warn(crate::text::check::reattached(n));
            Ok(())
        }
        // Another okk holds the store: the next run does it.
        Err(e) if e.is_busy() => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// `f` given the domain's judgement of a card changed only in its stage's name, for the stores.
fn with_renames<R>(funnel: &Funnel, f: impl FnOnce(&OnlyRenamed<'_>) -> R) -> R {
    let same = |then: &str, now: &str| one_stage(funnel, then, now);
    let only = |at: &str, judged: &AsJudged, card: &Card| only_renamed(funnel, at, judged, card);
    f(&OnlyRenamed {
        same_stage: &same,
        only_renamed: &only,
    })
}

/// The server's cards changed only in a stage's name the funnel now has as an alias, given back
/// to their reviews (said when there were some).
fn reattach_server(store: &mut crate::store::pg::PgStore, funnel: &Funnel) -> Result<()> {
    let n = with_renames(funnel, |judge| store.reattach_renamed(judge))?;
    if n > 0 {
        super::warn(crate::text::check::reattached(n));
    }
    Ok(())
}

/// The server's rules run over every card as of `now`, whatever its flags were judged for (a
/// sync brought fields that change which fields of a source are absent).
pub fn rerun_server(
    store: &mut crate::store::pg::PgStore,
    funnel: &Funnel,
    fingerprint: &str,
    now: NaiveDateTime,
) -> Result<RulesRun> {
    let key = ran_for(fingerprint, now);
    reattach_server(store, funnel)?;
    let absent = AbsentFields::new(funnel, store.all_source_columns()?);
    let asked = store.settled_cards()?.asked_moves();
    let run = store.rerun_rules(&key, &|card, ctx| {
        let asked = asked.get(&card.source, &card.external_id);
        evaluate_with(card, ctx, funnel, now, absent.of(&card.source), asked)
    })?;
    Ok(run)
}

/// For the reviewer's start: like [`refresh`], except when only the day changed since the rules
/// last ran (same funnel). Re-judging a million cards takes seconds, and the morning's import
/// runs the rules anyway; the reviewer opens at once and says from which day the flags are.
/// Returns that day when the flags are left as they are.
pub fn refresh_unless_only_the_day(
    store: &mut Store,
    funnel: &Funnel,
    fingerprint: &str,
    now: NaiveDateTime,
) -> Result<Option<String>> {
    let ran = store.meta(RULES_RAN_FOR)?.unwrap_or_default();
    if let Some((fp, day)) = ran.split_once(' ')
        && fp == fingerprint
        && day != now.date().to_string()
    {
        return Ok(Some(day.to_string()));
    }
    refresh(store, funnel, fingerprint, now, false)?;
    Ok(None)
}

/// More days than this between the cards' newest activity and the day judged, and the export is
/// probably older than the day: nearly every open card looks idle.
const OLD_EXPORT_DAYS: i64 = 7;

/// Says on stderr when the cards' newest activity (as the last rules run found it) is after the
/// day judged, or long before it, with the `--today` that would judge the export as of its own
/// day. The second only when the day is the wall clock's: a day given (`--today`, `OKK_TODAY`,
/// `given`) or the store's own (the demo's) was chosen, and the note would only repeat itself
/// on every command.
pub fn note_old_export(
    store: &Store,
    today: NaiveDateTime,
    given: Option<NaiveDate>,
) -> Result<()> {
    let newest = store
        .meta(crate::store::flags::NEWEST_ACTIVITY_KEY)?
        .and_then(|t| crate::store::cards::parse_time(&t));
    // Activity after the day judged is said whoever chose the day: such cards count 0 idle
    // days, which is not what they were on the day their export was taken.
    if let Some(newest) = newest
        && newest.date() > today.date()
    {
        eprintln!(
            "{}",
            crate::text::check::activity_after_day(newest.date(), today.date())
        );
        return Ok(());
    }
    if given.is_some() || store.meta(CLOCK)?.is_some() {
        return Ok(());
    }
    if let Some(newest) = newest {
        let days = (today.date() - newest.date()).num_days();
        if days > OLD_EXPORT_DAYS {
            eprintln!(
                "{}",
                crate::text::check::old_export(newest.date(), days, today.date())
            );
        }
    }
    Ok(())
}
