//! The hand-out on PostgreSQL: a stage's next cards claimed for one auditor by a lease row
//! (until a time on the server's clock), the rows locked with `SKIP LOCKED` so that two
//! auditors claiming at the same instant each pass over what the other is taking. A claim holds
//! only what it hands out, and only in its own query: her claims elsewhere are not its business.

use std::time::Duration;

use postgres::GenericClient;

use super::PgStore;
use super::prepared::{Begun, Prepared};
use super::queue::{PENDING_CALIBRATION, Pass, RETURNED, kept, page, pending_calibration};
use crate::domain::ids::CardId;
use crate::domain::queue::{QueueEntry, QueueKey, QueueQuery, Reclaimed};
use crate::store::StoreError;
use crate::store::cards::fmt_time;

impl PgStore {
    /// Up to `n` cards for `q.auditor`: their unexpired claims on the cards `q` keeps first
    /// (held `lease` more, or longer when they were; those beyond `n` given back), then the
    /// calibration cards they have still to judge (never leased: every listed auditor judges
    /// them), then the next free cards in queue order, each leased for `lease`. Their claims
    /// outside `q` are left as they are. A claim is there for everyone once this returns.
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
        let conn = &mut *self.conn.borrow_mut();
        // The usual claim (nothing held, no calibration, no card lost to another claim) is
        // this one statement, a transaction of its own: one round trip.
        let first = pick(conn, &self.prepared, q, n, secs, &[], true)?;
        let lost = first.won.len() < first.tried.len();
        if !first.busy && (!lost || first.won.len() >= n) {
            return Ok(first.won);
        }
        // The longer way, one transaction. What the first statement leased is committed: were
        // this to fail, those cards come back first on the auditor's next claim.
        let mut tx = Begun::with(conn, "SET LOCAL synchronous_commit = off")?;
        let conn = tx.conn();
        let (mut out, mut skip) = if first.busy {
            let out = held_then_calibration(conn, &self.prepared, q, n, secs)?;
            let skip = ids(&out);
            (out, skip)
        } else {
            (first.won, first.tried)
        };
        // A card another claim leased after a statement's snapshot is lost on the lease's key:
        // the next statement takes the next card.
        let mut lost = true;
        while out.len() < n && lost {
            let next = pick(conn, &self.prepared, q, n - out.len(), secs, &skip, false)?;
            lost = !next.tried.is_empty() && next.won.len() < next.tried.len();
            skip.extend(&next.tried);
            out.extend(next.won);
        }
        tx.commit()?;
        Ok(out)
    }

    /// See `QueueStore::claim_returned`: one transaction.
    pub fn claim_returned(
        &mut self,
        q: &QueueQuery<'_>,
        lease: Duration,
        except: &[i64],
    ) -> Result<Vec<QueueEntry>, StoreError> {
        if q.crm_stages.is_empty() {
            return Ok(Vec::new());
        }
        let conn = &mut *self.conn.borrow_mut();
        let mut tx = Begun::with(conn, "SET LOCAL synchronous_commit = off")?;
        let out = returned(tx.conn(), &self.prepared, q, lease.as_secs_f64(), except)?;
        tx.commit()?;
        Ok(out)
    }

    /// See `QueueStore::claimable`: the queue's cards nobody judged (the mark a claim reads
    /// too) that nobody else holds, that were not sent back to another auditor and that are
    /// not in `except`, and the calibration cards the auditor has still to judge.
    pub fn claimable(&self, q: &QueueQuery<'_>, except: &[i64]) -> Result<u64, StoreError> {
        if q.crm_stages.is_empty() {
            return Ok(0);
        }
        let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
        let count: i64 = self
            .conn
            .borrow_mut()
            .query_one(
                &format!(
                    "SELECT count(*) FROM cards c LEFT JOIN standings s ON s.card_id = c.id
                     WHERE c.stage = ANY($1) AND (s.card_id IS NOT NULL OR ({kept}))
                       AND ({PENDING_CALIBRATION}
                            OR (NOT c.judged AND NOT (c.id = ANY($3))
                                AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.card_id = c.id
                                                AND l.until > now() AND l.auditor <> $2)
                                AND NOT EXISTS (SELECT 1 FROM reviews r
                                                WHERE r.card_id = c.id AND r.auditor <> $2
                                                  AND r.superseded_by IS NULL
                                                  AND r.withdrawn_at IS NULL
                                                  AND {RETURNED} IS NOT NULL)))",
                    kept = kept(q),
                ),
                &[&stages, &q.auditor, &except],
            )?
            .get(0);
        Ok(count as u64)
    }

    /// Gives the auditor's claim on `card` back (a skip, a quit): the card is free at once.
    pub fn release(&mut self, card: i64, auditor: &str) -> Result<(), StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let sql = self.prepared.get(
            conn,
            "DELETE FROM leases WHERE card_id = $1 AND auditor = $2",
        )?;
        conn.execute(&sql, &[&card, &auditor])?;
        Ok(())
    }

    /// See `QueueStore::release_claims`: one statement, her expired claims cleared with the
    /// rest (they hold nothing), the unexpired ones counted.
    pub fn release_claims(
        &mut self,
        auditor: &str,
        crm_stages: Option<&[String]>,
    ) -> Result<u64, StoreError> {
        let stages: Option<Vec<&str>> = crm_stages.map(|s| s.iter().map(String::as_str).collect());
        let rows = self.conn.borrow_mut().query(
            "DELETE FROM leases l WHERE l.auditor = $1
               AND ($2::text[] IS NULL
                    OR l.card_id IN (SELECT c.id FROM cards c WHERE c.stage = ANY($2)))
             RETURNING l.until > now()",
            &[&auditor, &stages],
        )?;
        Ok(rows.iter().filter(|r| r.get::<_, bool>(0)).count() as u64)
    }

    /// See `QueueStore::reclaim`: `card` leased to the auditor for `lease`, unless another
    /// holds an unexpired claim on it (named, nothing written). The card's row is locked
    /// first, in the claim's order (card, then lease): a claim taking the card at this moment
    /// has it locked, so this waits for its lease and reads it; one that comes after skips the
    /// locked row.
    pub fn reclaim(
        &mut self,
        card: i64,
        auditor: &str,
        lease: Duration,
    ) -> Result<Reclaimed, StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let mut tx = Begun::with(conn, "SET LOCAL synchronous_commit = off")?;
        let conn = tx.conn();
        let lock = self
            .prepared
            .get(conn, "SELECT 1 FROM cards WHERE id = $1 FOR UPDATE")?;
        conn.execute(&lock, &[&card])?;
        let holder = self.prepared.get(
            conn,
            "SELECT auditor FROM leases WHERE card_id = $1 AND auditor <> $2 AND until > now()",
        )?;
        let out = match conn.query_opt(&holder, &[&card, &auditor])? {
            Some(row) => Reclaimed::HeldBy(row.get(0)),
            None => {
                let take = self.prepared.get(
                    conn,
                    &format!(
                        "INSERT INTO leases (card_id, auditor, until)
                         VALUES ($1, $2, now() + make_interval(secs => $3))
                         ON CONFLICT (card_id) DO UPDATE SET {TAKE}"
                    ),
                )?;
                conn.execute(&take, &[&card, &auditor, &lease.as_secs_f64()])?;
                Reclaimed::Held
            }
        };
        tx.commit()?;
        Ok(out)
    }

    /// Holds the auditor's unexpired claims on `cards` for `lease` from now, or longer when
    /// they were held longer (the card on screen); an expired claim is not taken back this
    /// way: it may be another's by now.
    pub fn renew(
        &mut self,
        auditor: &str,
        cards: &[i64],
        lease: Duration,
    ) -> Result<(), StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let sql = self.prepared.get(
            conn,
            "UPDATE leases SET until = greatest(until, now() + make_interval(secs => $3))
             WHERE auditor = $1 AND card_id = ANY($2) AND until > now()",
        )?;
        conn.execute(&sql, &[&auditor, &cards, &lease.as_secs_f64()])?;
        Ok(())
    }
}

/// A lease row's new values when the card is the auditor's (`excluded`): taken from whoever's
/// claim ran out, her own held to the later of its deadline and the new one (a renewal never
/// shortens a lease: a script's short claim leaves the card open in her reviewer held as long
/// as it was).
const TAKE: &str = "auditor = excluded.auditor,
    until = CASE WHEN leases.auditor = excluded.auditor
                 THEN greatest(leases.until, excluded.until) ELSE excluded.until END";

fn ids(entries: &[QueueEntry]) -> Vec<i64> {
    entries.iter().map(|e| e.card_id.0).collect()
}

/// The auditor's unexpired claims on the cards `q` keeps (held `secs` more, or longer when
/// they were; those beyond `n` given back), then the cards sent back to them, then the
/// calibration cards they have still to judge, up to `n`.
fn held_then_calibration(
    conn: &mut impl GenericClient,
    prepared: &Prepared,
    q: &QueueQuery<'_>,
    n: usize,
    secs: f64,
) -> Result<Vec<QueueEntry>, StoreError> {
    // Renewed (and so locked: a claim taking one that runs out meanwhile waits, then finds
    // it held) before the queue's order says which of them it keeps.
    let renew = prepared.get(
        conn,
        &format!(
            "UPDATE leases l SET until = greatest(l.until, now() + make_interval(secs => $3))
             FROM cards c
             WHERE c.id = l.card_id AND l.auditor = $2 AND l.until > now()
               AND c.stage = ANY($1)
               AND ($4::text IS NULL OR strpos(c.search, $4) > 0)
               AND ($5::text[] IS NULL OR c.source = ANY($5))
               AND (EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id) OR ({kept}))
             RETURNING l.card_id",
            kept = kept(q),
        ),
    )?;
    let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
    let held: Vec<i64> = conn
        .query(&renew, &[&stages, &q.auditor, &secs, &q.text, &q.sources])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = if held.is_empty() {
        Vec::new()
    } else {
        let mut page = page(conn, prepared, q, None, &[], held.len(), Pass::Only(&held))?;
        page.truncate(n);
        // A claim holds only what it hands out: `--claim 1` holds the one card it prints.
        let handed = ids(&page);
        let beyond: Vec<i64> = held.into_iter().filter(|c| !handed.contains(c)).collect();
        if !beyond.is_empty() {
            let give_back = prepared.get(
                conn,
                "DELETE FROM leases WHERE auditor = $1 AND card_id = ANY($2)",
            )?;
            conn.execute(&give_back, &[&q.auditor, &beyond])?;
        }
        super::queue::with_flags(conn, &mut page)?;
        page
    };
    if out.len() < n {
        let listed = ids(&out);
        let back = returned(conn, prepared, q, secs, &listed)?;
        out.extend(back.into_iter().take(n - out.len()));
    }
    if out.len() < n {
        let listed = ids(&out);
        let calibration = pending_calibration(conn, q)?;
        out.extend(
            calibration
                .into_iter()
                .filter(|e| !listed.contains(&e.card_id.0))
                .take(n - out.len()),
        );
    }
    Ok(out)
}

/// The queue's cards sent back to `q.auditor` (her current review's latest decision is a
/// return) but `skip`, matching the filter, that nobody else holds: leased to her for `secs`
/// (her own claim held longer), read as the queue reads them. Found from the lead's returns,
/// never a walk of the stage.
fn returned(
    conn: &mut impl GenericClient,
    prepared: &Prepared,
    q: &QueueQuery<'_>,
    secs: f64,
    skip: &[i64],
) -> Result<Vec<QueueEntry>, StoreError> {
    let sql = prepared.get(
        conn,
        &format!(
            "WITH back AS (
                 SELECT DISTINCT c.id FROM lead_decisions d JOIN reviews r ON r.id = d.review_id
                 JOIN cards c ON c.id = r.card_id
                 WHERE d.decision = 'return' AND d.withdrawn_at IS NULL
                   AND r.auditor = $2 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                   AND {RETURNED} IS NOT NULL
                   AND c.stage = ANY($1) AND NOT (c.id = ANY($4))
                   AND ($5::text IS NULL OR strpos(c.search, $5) > 0)
                   AND ($6::text[] IS NULL OR c.source = ANY($6))
                   AND (EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id) OR ({kept})))
             INSERT INTO leases (card_id, auditor, until)
             SELECT id, $2, now() + make_interval(secs => $3) FROM back
             ON CONFLICT (card_id) DO UPDATE SET {TAKE}
                 WHERE leases.until <= now() OR leases.auditor = excluded.auditor
             RETURNING card_id",
            kept = kept(q),
        ),
    )?;
    let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
    let held: Vec<i64> = conn
        .query(
            &sql,
            &[&stages, &q.auditor, &secs, &skip, &q.text, &q.sources],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if held.is_empty() {
        return Ok(Vec::new());
    }
    let mut out = page(conn, prepared, q, None, &[], held.len(), Pass::Only(&held))?;
    super::queue::with_flags(conn, &mut out)?;
    Ok(out)
}

/// One statement's hand-out: the cards it leased, the cards it tried (leased or lost), and
/// whether it found the auditor holding cards or in a calibration (then it took none).
struct Picked {
    busy: bool,
    won: Vec<QueueEntry>,
    tried: Vec<i64>,
}

/// Locks up to `n` free cards in queue order (skipping `skip` and rows other claims hold),
/// leases them to the auditor, and reads what the queue shows of the ones it won, flags
/// included: one statement, so one round trip. Its transaction commits without waiting for the
/// server's disk (`set_config`, as `SET LOCAL` would, without a round trip of its own): a
/// lease lost in a crash only gives its card back to the queue, and others see it at once all
/// the same (a synchronous commit is a flush, several ms here). With `probe` it takes nothing
/// if the auditor holds an unexpired claim on the stage (the longer way renews the ones the
/// query keeps and gives back the rest), if a calibration names the auditor, or if cards sent
/// back to them wait for them (`busy`). A card sent back to anyone is never a free card: it
/// waits for its auditor.
///
/// Why no card goes to two auditors: a card leased by another claim before this statement's
/// snapshot is seen leased; one leased after it loses on the lease's key (`ON CONFLICT … WHERE
/// leases.until <= now()` reads the newest lease row, whatever the snapshot); one judged after
/// it was changed by the verdict (its `judged` mark, schema 4's trigger), so `FOR UPDATE`
/// re-reads the row and its `NOT c.judged` drops it; one being judged is locked and skipped.
fn pick(
    conn: &mut impl GenericClient,
    prepared: &Prepared,
    q: &QueueQuery<'_>,
    n: usize,
    secs: f64,
    skip: &[i64],
    probe: bool,
) -> Result<Picked, StoreError> {
    let sql = prepared.get(conn, &pick_sql(q, n))?;
    let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
    let now = fmt_time(&q.now);
    let rows = conn.query(
        &sql,
        &[
            &stages, &q.auditor, &q.text, &secs, &probe, &skip, &now, &q.sources,
        ],
    )?;
    let mut picked = Picked {
        busy: rows.first().is_some_and(|r| r.get(0)),
        won: Vec::new(),
        tried: Vec::new(),
    };
    for r in &rows {
        let Some(id) = r.get::<_, Option<i64>>(1) else {
            continue;
        };
        picked.tried.push(id);
        if !r.get::<_, bool>(2) {
            continue;
        }
        let hash: i64 = r.get(12);
        let reviewed: Option<i64> = r.get(10);
        let external_id: String = r.get(3);
        picked.won.push(QueueEntry {
            card_id: CardId(id),
            id: external_id.clone(),
            source: r.get(15),
            title: r.get(4),
            owner: r.get(5),
            idle_days: crate::domain::queue::idle_days(r.get(6)),
            flags: r.get(13),
            changed_since_review: crate::domain::stored_review::changed_since(reviewed, hash),
            returned: r.get(11),
            calibration: false,
            my_verdict: None,
            judged_by_other: false,
            key: QueueKey {
                flag_rank: r.get(7),
                flag_count: r.get(8),
                touched_at: r.get(9),
                external_id,
            },
        });
    }
    Ok(picked)
}

/// The hand-out's statement for `n` cards. `n` is written in (not a parameter) so that the
/// plan the session keeps for it knows the walk stops after `n` rows: a parameter's limit is
/// planned as a tenth of the stage. The passes read the indexes of cards nobody judged
/// (schema 5's partial indexes, the only ones in the order with the card's id last), the
/// flagged cards first, the rest only when those run short.
///
/// The plan is kept, not made again on each call (a plan of this statement takes 1.5–2.5 ms,
/// three times what it runs): the server keeps the generic plan once it costs no more than the
/// ones made for the values. So the values that would make those look cheaper are out of their
/// sight: the stage and the cards to skip are read through sub-selects (estimated alike in
/// both), and the text filter is written in only when there is one.
/// $1 stages, $2 auditor, $3 text filter, $4 lease seconds, $5 probe, $6 skip, $7 today,
/// $8 the sources.
fn pick_sql(q: &QueueQuery<'_>, n: usize) -> String {
    // queue::stage_match's two shapes, each through a sub-select.
    let stage = if q.crm_stages.len() == 1 {
        "= (SELECT ($1::text[])[1])"
    } else {
        "= ANY((SELECT $1::text[])::text[])"
    };
    let text = match q.text {
        Some(_) => "AND strpos(c.search, $3) > 0",
        None => "",
    };
    let sources = match q.sources {
        Some(_) => "AND c.source = ANY($8)",
        None => "",
    };
    let free = format!(
        "NOT (c.id = ANY((SELECT $6::bigint[])::bigint[])) {text} {sources}
           AND NOT EXISTS (SELECT 1 FROM leases l WHERE l.card_id = c.id AND l.until > now())
           AND NOT EXISTS (SELECT 1 FROM reviews r
                           WHERE r.card_id = c.id AND r.superseded_by IS NULL
                             AND r.withdrawn_at IS NULL AND {RETURNED} IS NOT NULL)
           AND NOT (SELECT yes FROM busy)"
    );
    // Cards sent back to her that nobody holds: the longer way hands them out first.
    let sent_back = format!(
        "EXISTS (SELECT 1 FROM lead_decisions d JOIN reviews r ON r.id = d.review_id
                 JOIN cards c ON c.id = r.card_id
                 WHERE d.decision = 'return' AND d.withdrawn_at IS NULL
                   AND r.auditor = $2 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                   AND {RETURNED} IS NOT NULL AND c.stage {stage}
                   AND NOT EXISTS (SELECT 1 FROM leases l
                                   WHERE l.card_id = c.id AND l.until > now()))"
    );
    format!(
        "WITH held AS (
             SELECT 1 FROM leases l JOIN cards c ON c.id = l.card_id
             WHERE $5 AND l.auditor = $2 AND l.until > now() AND c.stage {stage} LIMIT 1),
         busy AS (
             SELECT $5 AND (EXISTS (SELECT 1 FROM held)
                 OR EXISTS (SELECT 1 FROM calibrations k
                            WHERE k.ended_at IS NULL AND k.auditors::jsonb ? $2)
                 OR {sent_back}) AS yes,
                 $3::text AS text, $8::text[] AS sources),
         flagged AS (
             SELECT c.id, 0 AS pass, s.place, s.touched_at AS touched, s.external_id,
                    s.flag_rank, s.flag_count
             FROM standings s JOIN cards c ON c.id = s.card_id
             WHERE s.stage {stage} AND NOT s.judged AND NOT c.judged AND {free}
             ORDER BY s.place, s.touched_at, s.external_id, s.card_id
             LIMIT {n} FOR UPDATE OF c SKIP LOCKED),
         rest AS (
             SELECT c.id, 1 AS pass, 0::bigint, coalesce(c.touched_at, ''), c.external_id,
                    0::bigint, 0::bigint
             FROM cards c
             WHERE (SELECT count(*) FROM flagged) < {n}
               AND c.stage {stage} AND NOT c.judged AND {free}
               AND NOT EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id)
               AND ({kept})
             ORDER BY coalesce(c.touched_at, ''), c.external_id, c.id
             LIMIT {n} FOR UPDATE SKIP LOCKED),
         picked AS (
             SELECT * FROM (SELECT * FROM flagged UNION ALL SELECT * FROM rest) p
             ORDER BY pass, place, touched, external_id, id LIMIT {n}),
         won AS (
             INSERT INTO leases (card_id, auditor, until)
             SELECT id, $2, now() + make_interval(secs => $4) FROM picked
             ON CONFLICT (card_id) DO UPDATE
                 SET auditor = excluded.auditor, until = excluded.until
                 WHERE leases.until <= now()
             RETURNING card_id)
         SELECT b.yes, p.id, w.card_id IS NOT NULL, c.external_id, c.title, c.owner,
                (left($7::text, 10)::date - left(c.touched_at, 10)::date)::bigint,
                p.flag_rank, p.flag_count, c.touched_at, mine.card_hash, mine.returned,
                c.content_hash,
                ARRAY(SELECT f.code FROM flags f WHERE f.card_id = p.id ORDER BY f.seq),
                set_config('synchronous_commit', 'off', true), c.source
         FROM busy b
         LEFT JOIN picked p ON TRUE
         LEFT JOIN cards c ON c.id = p.id
         LEFT JOIN won w ON w.card_id = p.id
         LEFT JOIN LATERAL (
             SELECT r.card_hash, {RETURNED} AS returned FROM reviews r
             WHERE r.card_id = p.id AND r.auditor = $2
               AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
             ORDER BY r.created_at DESC LIMIT 1) mine ON TRUE
         ORDER BY p.pass, p.place, p.touched, p.external_id, p.id",
        kept = kept(q),
    )
}
