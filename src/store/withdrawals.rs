//! A review's withdrawal weighed again against the lead's decisions on it, inside the caller's
//! transaction (a merge, an undo, a decision taken back): the rule is `domain::withdrawal`'s,
//! the rows are here. A withdrawal a decision keeps out is held in `held_withdrawn_at` (and its
//! signature), so that a decision taken back may still let it apply.

use rusqlite::{OptionalExtension, params};

use super::StoreError;
use super::reviews::settle_current;
use crate::domain::withdrawal::{DecisionOn, Held, Reweighed, Withdrawal, reweigh};

/// A review's card and auditor and the withdrawal it holds (applied, then held out), on either
/// backend.
pub(crate) const WITHDRAWAL_OF: &str = "SELECT card_source, card_external_id, auditor,
        withdrawn_at, withdrawal_signature, held_withdrawn_at, held_withdrawal_signature
     FROM reviews WHERE id = $1";

/// The decisions on a review, in the order the lead made them, on either backend.
pub(crate) const DECISIONS_ON: &str = "SELECT lead, decision, withdrawn_at FROM lead_decisions
     WHERE review_id = $1 ORDER BY seq, created_at";

/// Writes the withdrawal a review holds, applied or held out, on the server.
pub(crate) const SET_WITHDRAWAL: &str = "UPDATE reviews SET withdrawn_at = $2,
        withdrawal_signature = $3, held_withdrawn_at = $4, held_withdrawal_signature = $5
     WHERE id = $1";

/// [`SET_WITHDRAWAL`] in a store file (SQLite numbers `$N` in the order they appear).
const SET_WITHDRAWAL_FILE: &str = "UPDATE reviews SET withdrawn_at = ?2,
        withdrawal_signature = ?3, held_withdrawn_at = ?4, held_withdrawal_signature = ?5
     WHERE id = ?1";

/// The withdrawal a row holds, from its four columns (applied first).
pub(crate) fn held(
    applied: (Option<String>, Option<String>),
    held_out: (Option<String>, Option<String>),
) -> Option<Held> {
    let held = |(at, signature): (Option<String>, Option<String>), applied| {
        at.map(|at| Held {
            withdrawal: Withdrawal { at, signature },
            applied,
        })
    };
    held(applied, true).or_else(|| held(held_out, false))
}

/// [`SET_WITHDRAWAL`]'s four values for what a review holds.
pub(crate) type Columns = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub(crate) fn columns(h: &Option<Held>) -> Columns {
    match h {
        None => (None, None, None, None),
        Some(h) if h.applied => (
            Some(h.withdrawal.at.clone()),
            h.withdrawal.signature.clone(),
            None,
            None,
        ),
        Some(h) => (
            None,
            None,
            Some(h.withdrawal.at.clone()),
            h.withdrawal.signature.clone(),
        ),
    }
}

/// Weighs review `id`'s withdrawals (the one it holds and `incoming`) against the decisions on
/// it and writes what is kept; `None`: no such review. The caller settles the card's current
/// review when [`Reweighed::changed`].
pub(crate) fn reweigh_review(
    tx: &rusqlite::Connection,
    id: &str,
    incoming: &[Withdrawal],
) -> Result<Option<Reweighed>, StoreError> {
    let row = tx
        .prepare_cached(WITHDRAWAL_OF)?
        .query_row([id], |r| {
            Ok((
                (r.get(0)?, r.get(1)?, r.get(2)?),
                held((r.get(3)?, r.get(4)?), (r.get(5)?, r.get(6)?)),
            ))
        })
        .optional()?;
    let Some(((card_source, card_external_id, auditor), stored)) = row else {
        return Ok(None);
    };
    let decisions = tx
        .prepare_cached(DECISIONS_ON)?
        .query_map([id], |r| {
            Ok(DecisionOn {
                lead: r.get(0)?,
                decision: r.get(1)?,
                taken_back_at: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let was_withdrawn = stored.as_ref().is_some_and(|h| h.applied);
    let (weighed, write) = reweigh(stored, incoming, &decisions);
    if let Some(now) = write {
        let (a, b, c, d) = columns(&now);
        tx.prepare_cached(SET_WITHDRAWAL_FILE)?
            .execute(params![id, a, b, c, d])?;
    }
    Ok(Some(Reweighed {
        card_source,
        card_external_id,
        auditor,
        was_withdrawn,
        weighed,
    }))
}

/// [`reweigh_review`], then the card's current review derived again if the review's
/// withdrawal changed.
pub(crate) fn reweigh_and_settle(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    incoming: &[Withdrawal],
) -> Result<Option<Reweighed>, StoreError> {
    let r = reweigh_review(tx, id, incoming)?;
    if let Some(r) = r.as_ref().filter(|r| r.changed()) {
        settle_current(tx, &r.card_source, &r.card_external_id, &r.auditor)?;
    }
    Ok(r)
}
