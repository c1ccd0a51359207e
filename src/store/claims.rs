//! The hand-out of a queue shared by auditors on one store file: a card claimed for one auditor
//! by a lease row (until a time on this machine's clock), the claim made under SQLite's write
//! lock, so that two auditors claiming at once take turns and never get one card. A claim holds
//! only what it hands out, and only in its own query: her claims elsewhere are not its business.

use std::collections::HashSet;
use std::time::Duration;

use rusqlite::types::Value;
use rusqlite::{OptionalExtension, params, params_from_iter};

use super::calibration::pending_calibration_sql;
use super::queue::{HAS_STANDING, Lookups, QuerySql, RETURNED};
use super::{Store, StoreError};
use crate::domain::queue::{QueueEntry, QueueKey, QueueQuery, Reclaimed};

/// The clock leases are kept on: Unix seconds, to the millisecond.
const NOW: &str = "(julianday('now') - 2440587.5) * 86400.0";

/// How many queue entries a claim reads at a time while it looks for free cards.
const PAGE: usize = 200;

/// A card leased to auditor `?2` until `?3`: taken from whoever's claim ran out, and her own
/// claim held to the later of its deadline and `?3` (a renewal never shortens a lease: a
/// script's short claim leaves the card open in her reviewer held as long as it was).
const HOLD: &str = "INSERT INTO leases (card_id, auditor, until) VALUES (?1, ?2, ?3)
     ON CONFLICT (card_id) DO UPDATE SET auditor = excluded.auditor,
         until = CASE WHEN leases.auditor = excluded.auditor
                      THEN max(leases.until, excluded.until) ELSE excluded.until END";

impl Store {
    /// See `QueueStore::claim`: the caller's unexpired claims in the query, then their
    /// calibration cards, then the next free cards, each leased for `lease` (a claim of hers
    /// held longer keeps its deadline), her claims in the query beyond those given back; one
    /// write transaction.
    pub fn claim(
        &mut self,
        q: &QueueQuery<'_>,
        n: usize,
        lease: Duration,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        if q.crm_stages.is_empty() || n == 0 {
            return Ok(Vec::new());
        }
        self.written(|store| store.claim_in(q, n, lease.as_secs_f64()))
    }

    /// `f` in one write transaction, taken at once (`IMMEDIATE`: a claim reads and leases
    /// with no other writer between), committed when it succeeds.
    fn written<T>(&self, f: impl FnOnce(&Self) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        match f(self) {
            Ok(out) => {
                self.conn.execute_batch("COMMIT")?;
                Ok(out)
            }
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    fn claim_in(
        &self,
        q: &QueueQuery<'_>,
        n: usize,
        secs: f64,
    ) -> Result<Vec<QueueEntry>, StoreError> {
        let now: f64 = self
            .conn
            .query_row(&format!("SELECT {NOW}"), [], |r| r.get(0))?;
        let held = self.held_in(q, now)?;
        let mut leased = self
            .conn
            .prepare_cached("SELECT auditor FROM leases WHERE card_id = ?1 AND until > ?2")?;
        // Judged as it is now, or sent back (to another auditor: hers are `returned`).
        let mut judged = self.conn.prepare_cached(&format!(
            "SELECT EXISTS (SELECT 1 FROM reviews r JOIN cards c ON c.id = r.card_id
                 WHERE r.card_id = ?1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                   AND (r.card_hash = c.content_hash OR {RETURNED} IS NOT NULL))"
        ))?;
        // The cards sent back to her that she does not hold yet (those come back as hers).
        let returned: Vec<QueueEntry> = (self.returned_to(q, now)?.into_iter())
            .filter(|e| !held.contains(&e.card_id.0))
            .collect();
        let sent_back: HashSet<i64> = returned.iter().map(|e| e.card_id.0).collect();
        let (mut mine, mut free, mut calibration) = (Vec::new(), Vec::new(), Vec::new());
        let mut after: Option<QueueKey> = None;
        loop {
            let page = self.queue(&QueueQuery {
                after: after.as_ref(),
                limit: PAGE,
                with_calibration: after.is_none(),
                ..*q
            })?;
            let Some(last) = page.last() else { break };
            after = Some(last.key.clone());
            for e in page {
                if e.calibration {
                    calibration.push(e);
                } else if held.contains(&e.card_id.0) {
                    mine.push(e);
                } else if sent_back.contains(&e.card_id.0) {
                    // Listed first, below.
                } else if free.len() < n {
                    let holder: Option<String> = leased
                        .query_row(params![e.card_id.0, now], |r| r.get(0))
                        .optional()?;
                    if holder.is_none() && !judged.query_row([e.card_id.0], |r| r.get(0))? {
                        free.push(e);
                    }
                }
            }
            if free.len() >= n && mine.len() >= held.len() {
                break;
            }
        }
        let mut out = mine;
        out.extend(returned);
        out.extend(calibration);
        out.truncate(n);
        let rest = n - out.len();
        let mut hold = self.conn.prepare_cached(HOLD)?;
        for e in out.iter().filter(|e| !e.calibration) {
            hold.execute(params![e.card_id.0, q.auditor, now + secs])?;
        }
        for e in free.into_iter().take(rest) {
            hold.execute(params![e.card_id.0, q.auditor, now + secs])?;
            out.push(e);
        }
        // Her claims in the query it does not hand out go back (those beyond `n`, and any the
        // queue no longer lists): `--claim 1` holds the one card it prints.
        let kept: HashSet<i64> = out.iter().map(|e| e.card_id.0).collect();
        let mut give_back = self
            .conn
            .prepare_cached("DELETE FROM leases WHERE card_id = ?1 AND auditor = ?2")?;
        for card in held.iter().filter(|c| !kept.contains(c)) {
            give_back.execute(params![card, q.auditor])?;
        }
        Ok(out)
    }

    /// The auditor's unexpired claims on the cards `q` keeps (its stages, text, sources, and
    /// the closed or gone cards as it keeps them): the claims a claim of `q` answers for.
    fn held_in(&self, q: &QueueQuery<'_>, now: f64) -> Result<HashSet<i64>, StoreError> {
        let (text, first_source) = text_and_sources_at(q);
        let sql = format!(
            "SELECT l.card_id FROM leases l JOIN cards c ON c.id = l.card_id
             WHERE l.auditor = ?1 AND l.until > ?2 AND c.stage IN ({stages})
               {kept} {text} {sources}",
            stages = q.stage_marks(3),
            kept = q.filter_or_flagged(HAS_STANDING),
            sources = q.source_marks("c.source", first_source),
        );
        let args = auditor_now_args(q, now);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let held = stmt
            .query_map(params_from_iter(args), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(held)
    }

    /// See `QueueStore::claim_returned`: one write transaction.
    pub fn claim_returned(
        &mut self,
        q: &QueueQuery<'_>,
        lease: Duration,
        except: &[i64],
    ) -> Result<Vec<QueueEntry>, StoreError> {
        if q.crm_stages.is_empty() {
            return Ok(Vec::new());
        }
        self.written(|store| {
            let now: f64 = store
                .conn
                .query_row(&format!("SELECT {NOW}"), [], |r| r.get(0))?;
            let mut out = store.returned_to(q, now)?;
            out.retain(|e| !except.contains(&e.card_id.0));
            let mut hold = store.conn.prepare_cached(HOLD)?;
            for e in &out {
                hold.execute(params![e.card_id.0, q.auditor, now + lease.as_secs_f64()])?;
            }
            Ok(out)
        })
    }

    /// The queue's cards sent back to `q.auditor` (her current review's latest decision is a
    /// return) that nobody else holds at `now`, in queue order, matching the filter; found from
    /// the lead's returns, never a scan of the stage.
    fn returned_to(&self, q: &QueueQuery<'_>, now: f64) -> Result<Vec<QueueEntry>, StoreError> {
        let (text, first_source) = text_and_sources_at(q);
        let sql = format!(
            "SELECT DISTINCT c.id, c.external_id, coalesce(s.flag_rank, 0),
                    coalesce(s.flag_count, 0), c.touched_at, s.place
             FROM lead_decisions d JOIN reviews r ON r.id = d.review_id
             JOIN cards c ON c.id = r.card_id
             LEFT JOIN standings s ON s.card_id = c.id
             WHERE d.decision = 'return' AND d.withdrawn_at IS NULL
               AND r.auditor = ?1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
               AND {RETURNED} IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM leases l
                               WHERE l.card_id = c.id AND l.until > ?2 AND l.auditor <> ?1)
               AND c.stage IN ({stages}) {kept} {text} {sources}
             ORDER BY s.place IS NULL, s.place, c.touched_at, c.external_id",
            stages = q.stage_marks(3),
            kept = q.filter_or_flagged("s.card_id IS NOT NULL"),
            sources = q.source_marks("c.source", first_source),
        );
        let args = auditor_now_args(q, now);
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut look = Lookups::new(&self.conn)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let key = QueueKey {
                flag_rank: r.get(2)?,
                flag_count: r.get(3)?,
                touched_at: r.get(4)?,
                external_id: r.get(1)?,
            };
            if let Some(entry) = look.entry(q, r.get(0)?, key)? {
                out.push(entry);
            }
        }
        Ok(out)
    }

    /// See `QueueStore::claimable`: the queue's cards less those a claim passes by, read from
    /// the current reviews, the leases and `except` (a few, next to a stage's cards), not from
    /// the stage's cards one by one.
    pub fn claimable(&self, q: &QueueQuery<'_>, except: &[i64]) -> Result<u64, StoreError> {
        if q.crm_stages.is_empty() {
            return Ok(0);
        }
        let cards = self.queue_counts(q)?.cards;
        let mut args = vec![
            Value::from(q.auditor.to_string()),
            Value::from(serde_json::to_string(except).unwrap_or_else(|_| "[]".into())),
        ];
        args.extend(q.crm_stages.iter().cloned().map(Value::from));
        let passed: i64 = self
            .conn
            .prepare_cached(&format!(
                "SELECT count(*) FROM cards c
                 WHERE c.id IN (
                     SELECT r.card_id FROM reviews r JOIN cards k ON k.id = r.card_id
                     WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                       AND ((r.card_hash = k.content_hash AND {RETURNED} IS NULL)
                            OR (r.auditor <> ?1 AND {RETURNED} IS NOT NULL))
                     UNION SELECT card_id FROM leases WHERE until > {NOW} AND auditor <> ?1
                     UNION SELECT value FROM json_each(?2))
                   AND c.stage IN ({}) {} AND NOT {}",
                q.stage_marks(3),
                q.filter_or_flagged(HAS_STANDING),
                pending_calibration_sql("?1")
            ))?
            .query_row(params_from_iter(args), |r| r.get(0))?;
        Ok(cards.saturating_sub(passed as u64))
    }

    /// Gives the auditor's claim on `card` back: it is free at once.
    pub fn release(&mut self, card: i64, auditor: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "DELETE FROM leases WHERE card_id = ?1 AND auditor = ?2",
            params![card, auditor],
        )?;
        Ok(())
    }

    /// See `QueueStore::release_claims`: one statement, her expired claims cleared with the
    /// rest (they hold nothing), the unexpired ones counted.
    pub fn release_claims(
        &mut self,
        auditor: &str,
        crm_stages: Option<&[String]>,
    ) -> Result<u64, StoreError> {
        let stages = match crm_stages {
            None => String::new(),
            Some(stages) => format!(
                "AND card_id IN (SELECT id FROM cards WHERE stage IN ({}))",
                (0..stages.len())
                    .map(|i| format!("?{}", i + 2))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let mut args = vec![Value::from(auditor.to_string())];
        args.extend(
            crm_stages
                .unwrap_or_default()
                .iter()
                .cloned()
                .map(Value::from),
        );
        let mut stmt = self.conn.prepare(&format!(
            "DELETE FROM leases WHERE auditor = ?1 {stages} RETURNING until > {NOW}"
        ))?;
        let held: Vec<bool> = stmt
            .query_map(params_from_iter(args), |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(held.into_iter().filter(|&h| h).count() as u64)
    }

    /// See `QueueStore::reclaim`: `card` leased to the auditor for `lease`, unless another
    /// holds an unexpired claim on it (named, nothing written); under the write lock, so that
    /// a claim made at the same moment sees one or the other.
    pub fn reclaim(
        &mut self,
        card: i64,
        auditor: &str,
        lease: Duration,
    ) -> Result<Reclaimed, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now: f64 = tx.query_row(&format!("SELECT {NOW}"), [], |r| r.get(0))?;
        let holder: Option<String> = tx
            .query_row(
                "SELECT auditor FROM leases WHERE card_id = ?1 AND until > ?2 AND auditor <> ?3",
                params![card, now, auditor],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = holder {
            return Ok(Reclaimed::HeldBy(other));
        }
        tx.execute(HOLD, params![card, auditor, now + lease.as_secs_f64()])?;
        tx.commit()?;
        Ok(Reclaimed::Held)
    }

    /// Holds the auditor's unexpired claims on `cards` for `lease` from now, or longer when
    /// they were held longer.
    pub fn renew(
        &mut self,
        auditor: &str,
        cards: &[i64],
        lease: Duration,
    ) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        {
            let mut renew = tx.prepare_cached(&format!(
                "UPDATE leases SET until = max(until, {NOW} + ?3)
                 WHERE card_id = ?1 AND auditor = ?2 AND until > {NOW}"
            ))?;
            for card in cards {
                renew.execute(params![card, auditor, lease.as_secs_f64()])?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// A lease query's text clause over card `c` and the number its first source takes: the
/// auditor is ?1, the moment ?2, the stages from ?3 (as [`auditor_now_args`] binds them).
fn text_and_sources_at(q: &QueueQuery<'_>) -> (String, usize) {
    let text = if q.text.is_some() {
        format!("AND instr(c.search, ?{}) > 0", 3 + q.crm_stages.len())
    } else {
        String::new()
    };
    (text, 3 + q.crm_stages.len() + usize::from(q.text.is_some()))
}

/// The arguments of a lease query over `q` at `now`: auditor, moment, stages, text, sources.
fn auditor_now_args(q: &QueueQuery<'_>, now: f64) -> Vec<Value> {
    let mut args = vec![Value::from(q.auditor.to_string()), Value::from(now)];
    args.extend(q.crm_stages.iter().cloned().map(Value::from));
    if let Some(t) = q.text {
        args.push(t.to_string().into());
    }
    args.extend(q.source_args());
    args
}
