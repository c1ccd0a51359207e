//! The hand-out on PostgreSQL: a stage's next cards claimed for one auditor by a lease row
//! (until a time on the server's clock), the rows locked with `SKIP LOCKED` so that two
//! auditors claiming at the same instant each pass over what the other is taking.

use std::time::Duration;

use postgres::Transaction;

use super::PgStore;
use super::queue::{JUDGED, Pass, page, pending_calibration, with_flags};
use crate::domain::queue::{QueueEntry, QueueQuery};
use crate::store::StoreError;

impl PgStore {
    /// Up to `n` cards for `q.auditor`: their unexpired claims first (held `lease` more), then
    /// the calibration cards they have still to judge (never leased: every listed auditor
    /// judges them), then the next free cards in queue order, each leased for `lease`. One
    /// transaction: a claim is there for everyone once this returns.
    pub fn claim(
        &mut self,
        q: &QueueQuery<'_>,
        n: usize,
        lease: Duration,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        if q.crm_stages.is_empty() || n == 0 {
            return Ok(Vec::new());
        }
        let secs = lease.as_secs_f64();
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let mut out = held_then_calibration(&mut tx, q, n, secs)?;
        // Each round locks the next free rows and leases them; a card another claim leased
        // after this statement's snapshot loses on the lease's key and is passed over.
        let mut skip = ids(&out);
        while out.len() < n {
            let candidates = page(&mut tx, q, None, &skip, n - out.len(), Pass::Free)?;
            if candidates.is_empty() {
                break;
            }
            let tried = ids(&candidates);
            let won = lease_unjudged(&mut tx, &tried, q.auditor, secs)?;
            skip.extend(&tried);
            out.extend(
                candidates
                    .into_iter()
                    .filter(|e| won.contains(&e.card_id.0)),
            );
        }
        with_flags(&mut tx, &mut out)?;
        tx.commit()?;
        Ok(out)
    }

    /// Gives the auditor's claim on `card` back (a skip, a quit): the card is free at once.
    pub fn release(&mut self, card: i64, auditor: &str) -> Result<(), StoreError> {
        self.conn.borrow_mut().execute(
            "DELETE FROM leases WHERE card_id = $1 AND auditor = $2",
            &[&card, &auditor],
        )?;
        Ok(())
    }

    /// Holds the auditor's unexpired claims on `cards` for `lease` from now (the card on
    /// screen); an expired claim is not taken back this way: it may be another's by now.
    pub fn renew(
        &mut self,
        auditor: &str,
        cards: &[i64],
        lease: Duration,
    ) -> Result<(), StoreError> {
        self.conn.borrow_mut().execute(
            "UPDATE leases SET until = now() + make_interval(secs => $3)
             WHERE auditor = $1 AND card_id = ANY($2) AND until > now()",
            &[&auditor, &cards, &lease.as_secs_f64()],
        )?;
        Ok(())
    }
}

fn ids(entries: &[QueueEntry]) -> Vec<i64> {
    entries.iter().map(|e| e.card_id.0).collect()
}

/// The auditor's unexpired claims (held `secs` more), then the calibration cards they have
/// still to judge, up to `n`.
fn held_then_calibration(
    tx: &mut Transaction<'_>,
    q: &QueueQuery<'_>,
    n: usize,
    secs: f64,
) -> Result<Vec<QueueEntry>, StoreError> {
    let held: Vec<i64> = tx
        .query(
            "UPDATE leases SET until = now() + make_interval(secs => $2)
             WHERE auditor = $1 AND until > now() RETURNING card_id",
            &[&q.auditor, &secs],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = if held.is_empty() {
        Vec::new()
    } else {
        page(tx, q, None, &[], n, Pass::Only(&held))?
    };
    if out.len() < n {
        let listed = ids(&out);
        let calibration = pending_calibration(tx, q)?;
        out.extend(
            calibration
                .into_iter()
                .filter(|e| !listed.contains(&e.card_id.0))
                .take(n - out.len()),
        );
    }
    Ok(out)
}

/// Leases the cards `ids` to `auditor` for `secs`; the ids it won. A card judged and given
/// back by another auditor after this claim's snapshot has no lease left to lose on: looked at
/// again with a new snapshot (READ COMMITTED), which sees every verdict committed before the
/// lease went in, and given up.
fn lease_unjudged(
    tx: &mut Transaction<'_>,
    ids: &[i64],
    auditor: &str,
    secs: f64,
) -> Result<Vec<i64>, StoreError> {
    let mut won: Vec<i64> = tx
        .query(
            "INSERT INTO leases (card_id, auditor, until)
             SELECT id, $2, now() + make_interval(secs => $3) FROM unnest($1::bigint[]) id
             ON CONFLICT (card_id) DO UPDATE
                 SET auditor = excluded.auditor, until = excluded.until
                 WHERE leases.until <= now()
             RETURNING card_id",
            &[&ids, &auditor, &secs],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if won.is_empty() {
        return Ok(won);
    }
    let judged: Vec<i64> = tx
        .query(
            &format!("SELECT c.id FROM cards c WHERE c.id = ANY($1) AND {JUDGED}"),
            &[&won],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !judged.is_empty() {
        tx.execute(
            "DELETE FROM leases WHERE card_id = ANY($1) AND auditor = $2",
            &[&judged, &auditor],
        )?;
        won.retain(|id| !judged.contains(id));
    }
    Ok(won)
}
