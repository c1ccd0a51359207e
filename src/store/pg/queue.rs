//! A stage's review queue on PostgreSQL: the SQLite store's order (the auditor's calibration
//! cards, then flagged cards by standing, then the longest idle, then by external id) as one
//! keyset query per page, and the queue's figures.

use postgres::GenericClient;
use postgres::types::ToSql;

use super::PgStore;
use super::prepared::{Begun, Prepared};
use super::stage_counts;
use crate::domain::ids::CardId;
use crate::domain::queue::{
    JudgedByOthers, JudgedList, QueueCounts, QueueEntry, QueueKey, QueueQuery,
};
use crate::domain::review::Verdict;
use crate::store::StoreError;
use crate::store::cards::fmt_time;

/// The cards without flags the queue keeps (a flagged card is always in its queue): as
/// `store::queue`'s filter.
pub(super) fn kept(q: &QueueQuery<'_>) -> &'static str {
    if q.all {
        "TRUE"
    } else if q.closed_stage {
        "c.gone_at IS NULL"
    } else {
        "c.gone_at IS NULL AND coalesce(c.closed, 0) = 0 AND c.closed_at IS NULL"
    }
}

/// The note of the lead's latest decision on review `r`, if that decision sent it back.
pub(super) const RETURNED: &str = "(SELECT CASE WHEN d.decision = 'return' THEN d.note END
      FROM lead_decisions d WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
      ORDER BY d.seq DESC, d.created_at DESC, d.id DESC LIMIT 1)";

/// Card `c` is another auditor's (`$2`: the one asking; `QueueQuery::reviewed`, the claim's
/// rule): a current review of another auditor judged it as it is now and was not sent back, or
/// was sent back (theirs to answer), and no review of hers does either. The SQLite store's
/// `queue::others_hold_sql`; the caller leaves her pending calibration cards out.
pub(super) fn others_hold() -> String {
    let holds = format!(
        "r.superseded_by IS NULL AND r.withdrawn_at IS NULL
         AND (r.card_hash = c.content_hash OR {RETURNED} IS NOT NULL)"
    );
    format!(
        "(EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id AND r.auditor <> $2
                  AND {holds})
          AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id AND r.auditor = $2
                          AND {holds}))"
    )
}

/// Auditor `$2` owes open calibration `k` a judgement of card `c`: the SQLite store's
/// `calibration::OWED` (the domain's `judge_again`).
macro_rules! owed {
    () => {
        "NOT EXISTS (
    SELECT 1 FROM reviews rr
    WHERE rr.card_id = c.id AND rr.auditor = $2 AND rr.created_at >= k.created_at
      AND rr.superseded_by IS NULL AND rr.withdrawn_at IS NULL
      AND NOT (c.gone_at IS NULL AND rr.stage = c.stage
               AND rr.card_hash IS NOT NULL AND rr.card_hash <> c.content_hash
               AND (EXISTS (SELECT 1 FROM reviews ro
                           WHERE ro.card_id = c.id AND ro.auditor <> rr.auditor
                             AND ro.created_at >= k.created_at
                             AND ro.superseded_by IS NULL AND ro.withdrawn_at IS NULL
                             AND ro.stage = c.stage
                             AND ro.card_hash IS NOT NULL AND ro.card_hash <> rr.card_hash
                             AND k.auditors::jsonb ? ro.auditor)
                    OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(k.auditors::jsonb) a(name)
                               WHERE NOT EXISTS (
                                   SELECT 1 FROM reviews rn
                                   WHERE rn.card_id = c.id AND rn.auditor = a.name
                                     AND rn.created_at >= k.created_at
                                     AND rn.superseded_by IS NULL AND rn.withdrawn_at IS NULL
                                     AND rn.stage = c.stage)))))"
    };
}

/// Card `c` is in an open calibration that names auditor `$2` and that they have still to
/// judge (or judge again).
pub(super) const PENDING_CALIBRATION: &str = concat!(
    "EXISTS (
    SELECT 1 FROM calibration_cards cc JOIN calibrations k ON k.id = cc.calibration_id
    WHERE cc.card_source = c.source AND cc.card_external_id = c.external_id
      AND k.ended_at IS NULL AND k.auditors::jsonb ? $2
      AND ",
    owed!(),
    ")"
);

/// [`owed!`] for the modules beside this one (a macro is this file's alone).
pub(super) const OWED: &str = owed!();

/// Which cards a page lists.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Pass<'a> {
    /// The auditor's own queue, as `okk queue` and the reviewer list it.
    Mine,
    /// Only these cards (the auditor's unexpired claims), in queue order.
    Only(&'a [i64]),
}

/// Up to `limit` queue entries after `after`, not in `skip`.
pub(super) fn page(
    conn: &mut impl GenericClient,
    prepared: &Prepared,
    q: &QueueQuery<'_>,
    after: Option<&QueueKey>,
    skip: &[i64],
    limit: usize,
    pass: Pass<'_>,
) -> Result<Vec<QueueEntry>, StoreError> {
    let [flagged, rest] = page_sql(q, pass);
    let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
    let now = fmt_time(&q.now);
    let place = after.map(|k| crate::store::flags::place(k.flag_rank, k.flag_count));
    let touched = after.and_then(|k| k.touched_at.clone());
    let external = after.map(|k| k.external_id.clone());
    let only_ids: Vec<i64> = match pass {
        Pass::Only(ids) => ids.to_vec(),
        _ => Vec::new(),
    };
    let mut rows = Vec::new();
    let passes = [
        (flagged, after.is_none_or(|k| k.flag_count > 0)),
        (rest, true),
    ];
    for (sql, wanted) in passes {
        let left = limit.saturating_sub(rows.len()) as i64;
        if !wanted || left == 0 {
            continue;
        }
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![
            &stages, &q.auditor, &now, &place, &touched, &external, &q.text, &left, &skip,
            &q.sources,
        ];
        if matches!(pass, Pass::Only(_)) {
            params.push(&only_ids);
        }
        let sql = prepared.get(conn, &sql)?;
        rows.extend(conn.query(&sql, &params)?);
    }
    Ok(rows.iter().map(entry).collect())
}

/// The stages `$1` lists: one stage (the usual case) as an equality, so that each pass reads
/// its index in order and stops when the page is full; several as a list.
pub(super) fn stage_match(q: &QueueQuery<'_>) -> &'static str {
    if q.crm_stages.len() == 1 {
        "= ($1::text[])[1]"
    } else {
        "= ANY($1)"
    }
}

/// A page's two passes: the flagged cards in their standings' order, then the rest in the
/// cards' (touched, id): the SQLite store's two index walks, each stopping at the page's end.
fn page_sql(q: &QueueQuery<'_>, pass: Pass<'_>) -> [String; 2] {
    let only = match pass {
        Pass::Mine => "",
        Pass::Only(_) => "AND c.id = ANY($11)",
    };
    let stage = stage_match(q);
    // A literal, not a parameter: the passes' parameters are numbered per pass kind.
    let reviewed = if q.reviewed { "TRUE" } else { "FALSE" };
    // The cards another auditor holds leave her own queue (a claim never hands them out), and
    // come back with her reviewed ones; a pass over given cards lists them as they are.
    let others = match pass {
        Pass::Mine if !q.reviewed => "AND NOT others.held",
        _ => "",
    };
    let held = others_hold();
    let common = format!(
        "LEFT JOIN LATERAL (
             SELECT r.card_hash, {RETURNED} AS returned, r.verdict FROM reviews r
             WHERE r.card_id = c.id AND r.auditor = $2
               AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
             ORDER BY r.created_at DESC LIMIT 1) mine ON TRUE
         CROSS JOIN LATERAL (SELECT {held} AS held) others
         WHERE ($7::text IS NULL OR strpos(c.search, $7) > 0)
           AND ($10::text[] IS NULL OR c.source = ANY($10))
           AND NOT (c.id = ANY($9))
           AND ({reviewed} OR mine.card_hash IS NULL OR mine.card_hash <> c.content_hash
                OR mine.returned IS NOT NULL)
           {others}
           {only}",
    );
    let columns = "c.id, c.external_id, c.title, c.owner,
                (left($3::text, 10)::date - left(c.touched_at, 10)::date)::bigint";
    let flagged = format!(
        "SELECT {columns}, s.flag_rank, s.flag_count, c.touched_at,
                mine.card_hash, mine.returned, c.content_hash, mine.verdict, c.source,
                others.held
         FROM standings s JOIN cards c ON c.id = s.card_id
         {common}
           AND s.stage {stage}
           AND ($4::bigint IS NULL
                OR (s.place, s.touched_at, s.external_id) > ($4, coalesce($5::text, ''), $6::text))
         ORDER BY s.place, s.touched_at, s.external_id
         LIMIT $8"
    );
    let rest = format!(
        "SELECT {columns}, 0::bigint, 0::bigint, c.touched_at,
                mine.card_hash, mine.returned, c.content_hash, mine.verdict, c.source,
                others.held
         FROM cards c
         {common}
           AND c.stage {stage}
           AND NOT EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id)
           AND ({kept})
           AND ($4::bigint IS NULL OR $4 <> 0
                OR (coalesce(c.touched_at, ''), c.external_id)
                   > (coalesce($5::text, ''), $6::text))
         ORDER BY coalesce(c.touched_at, ''), c.external_id
         LIMIT $8",
        kept = kept(q),
    );
    [flagged, rest]
}

/// A row of a page's pass as a queue entry (flags read after, for the page at once).
fn entry(r: &postgres::Row) -> QueueEntry {
    let hash: i64 = r.get(10);
    let reviewed: Option<i64> = r.get(8);
    let returned: Option<String> = r.get(9);
    let verdict: Option<String> = r.get(11);
    let external_id: String = r.get(1);
    let my_verdict = (reviewed == Some(hash) && returned.is_none())
        .then(|| verdict.as_deref().and_then(Verdict::from_name))
        .flatten();
    QueueEntry {
        card_id: CardId(r.get(0)),
        id: external_id.clone(),
        source: r.get(12),
        title: r.get(2),
        owner: r.get(3),
        idle_days: crate::domain::queue::idle_days(r.get(4)),
        flags: Vec::new(),
        changed_since_review: crate::domain::stored_review::changed_since(reviewed, hash),
        returned,
        calibration: false,
        my_verdict,
        judged_by_other: r.get(13),
        key: QueueKey {
            flag_rank: r.get(5),
            flag_count: r.get(6),
            touched_at: r.get(7),
            external_id,
        },
    }
}

/// Each entry's flag codes, most severe first (one query for the page).
pub(super) fn with_flags(
    conn: &mut impl GenericClient,
    entries: &mut [QueueEntry],
) -> Result<(), StoreError> {
    let ids: Vec<i64> = entries
        .iter()
        .filter(|e| e.key.flag_count > 0)
        .map(|e| e.card_id.0)
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    let rows = conn.query(
        "SELECT card_id, code FROM flags WHERE card_id = ANY($1) ORDER BY card_id, seq",
        &[&ids],
    )?;
    for r in rows {
        let id: i64 = r.get(0);
        if let Some(e) = entries.iter_mut().find(|e| e.card_id.0 == id) {
            e.flags.push(r.get(1));
        }
    }
    Ok(())
}

/// The stage's calibration cards the auditor has still to judge or judge again (of the
/// calibrations still open), in queue order, matching the text filter.
pub(super) fn pending_calibration(
    conn: &mut impl GenericClient,
    q: &QueueQuery<'_>,
) -> Result<Vec<QueueEntry>, StoreError> {
    let sql = format!(
        "SELECT DISTINCT c.id, c.external_id, c.title, c.owner,
                (left($3::text, 10)::date - left(c.touched_at, 10)::date)::bigint,
                coalesce(s.flag_rank, 0) AS flag_rank, coalesce(s.flag_count, 0) AS flag_count,
                c.touched_at, c.search, c.source, c.content_hash,
                (SELECT r.card_hash FROM reviews r
                 WHERE r.card_id = c.id AND r.auditor = $2
                   AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                 ORDER BY r.created_at DESC LIMIT 1)
         FROM calibrations k
         JOIN calibration_cards cc ON cc.calibration_id = k.id
         JOIN cards c ON c.source = cc.card_source AND c.external_id = cc.card_external_id
         LEFT JOIN standings s ON s.card_id = c.id
         WHERE k.ended_at IS NULL AND k.auditors::jsonb ? $2
           AND c.stage = ANY($1) AND (s.card_id IS NOT NULL OR ({kept}))
           AND {owed}
         ORDER BY flag_rank DESC, flag_count DESC, c.touched_at NULLS FIRST, c.external_id",
        kept = kept(q),
        owed = owed!(),
    );
    let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
    let now = fmt_time(&q.now);
    let rows = conn.query(&sql, &[&stages, &q.auditor, &now])?;
    let mut out: Vec<QueueEntry> = rows
        .iter()
        .filter(|r| q.text.is_none_or(|t| r.get::<_, &str>(8).contains(t)))
        .filter(|r| {
            q.sources
                .is_none_or(|s| s.iter().any(|s| s == r.get::<_, &str>(9)))
        })
        .map(|r| {
            let external_id: String = r.get(1);
            QueueEntry {
                card_id: CardId(r.get(0)),
                id: external_id.clone(),
                source: r.get(9),
                title: r.get(2),
                owner: r.get(3),
                idle_days: crate::domain::queue::idle_days(r.get(4)),
                flags: Vec::new(),
                // Hers of another version: a card she is asked to judge again.
                changed_since_review: crate::domain::stored_review::changed_since(
                    r.get(11),
                    r.get(10),
                ),
                returned: None,
                calibration: true,
                my_verdict: None,
                judged_by_other: false,
                key: QueueKey {
                    flag_rank: r.get(5),
                    flag_count: r.get(6),
                    touched_at: r.get(7),
                    external_id,
                },
            }
        })
        .collect();
    with_flags(conn, &mut out)?;
    Ok(out)
}

impl PgStore {
    /// One seek in the queue index per stage (a loose index scan, as `sources`), where
    /// `SELECT DISTINCT` read every card: 0.4 s of the funnel screen's start on a server of a
    /// million cards.
    pub fn crm_stage_names(&self) -> Result<Vec<String>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "WITH RECURSIVE s(stage) AS (
                 SELECT min(stage) FROM cards
                 UNION ALL
                 SELECT (SELECT min(c.stage) FROM cards c WHERE c.stage > s.stage)
                 FROM s WHERE s.stage IS NOT NULL)
             SELECT stage FROM s WHERE stage IS NOT NULL",
            &[],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub fn reviewed_stages(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT stage, count(*) FROM reviews
             WHERE superseded_by IS NULL AND withdrawn_at IS NULL
             GROUP BY stage ORDER BY stage COLLATE \"C\"",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect())
    }

    pub fn queue(&self, q: &QueueQuery<'_>) -> Result<Vec<QueueEntry>, StoreError> {
        if q.crm_stages.is_empty() || q.limit == 0 {
            return Ok(Vec::new());
        }
        let conn = &mut *self.conn.borrow_mut();
        let pending = pending_calibration(conn, q)?;
        let skip: Vec<i64> = pending.iter().map(|e| e.card_id.0).collect();
        let mut out = Vec::new();
        if q.with_calibration {
            out.extend(pending.into_iter().take(q.limit));
        }
        let rest = q.limit - out.len();
        if rest > 0 {
            let mut page = page(conn, &self.prepared, q, q.after, &skip, rest, Pass::Mine)?;
            with_flags(conn, &mut page)?;
            out.extend(page);
        }
        Ok(out)
    }

    /// See `QueueStore::judged`: her cards found from her reviews, then read as the queue
    /// reads them (only those cards, in queue order).
    pub fn judged(&self, q: &QueueQuery<'_>) -> Result<JudgedList, StoreError> {
        self.listed_by_reviews(q, false)
    }

    /// See `QueueStore::held_by_others`: found from the others' reviews that hold their cards,
    /// as [`Self::judged`] from hers.
    pub fn held_by_others(&self, q: &QueueQuery<'_>) -> Result<JudgedList, StoreError> {
        self.listed_by_reviews(q, true)
    }

    /// The cards her current reviews (`others`: another auditor's that hold the card) find,
    /// read as the queue reads them, with her verdict (`others`: marked another's).
    fn listed_by_reviews(
        &self,
        q: &QueueQuery<'_>,
        others: bool,
    ) -> Result<JudgedList, StoreError> {
        if q.crm_stages.is_empty() {
            return Ok(JudgedList::default());
        }
        let conn = &mut *self.conn.borrow_mut();
        // Her cards the list keeps (the filter's text, closed and gone ones as `q.all` keeps
        // them): those a page lists, and what is left out when they are more than its limit.
        let sql = format!(
            "SELECT DISTINCT r.card_id FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE {whose} AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
               AND c.stage = ANY($2)
               AND ($3::text IS NULL OR strpos(c.search, $3) > 0)
               AND ($4::text[] IS NULL OR c.source = ANY($4))
               AND (EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id) OR ({kept}))",
            kept = kept(q),
            whose = match others {
                false => format!(
                    "r.auditor = $1 AND r.card_hash = c.content_hash AND {RETURNED} IS NULL"
                ),
                // Not one she holds too (the inner `r` hides the outer one).
                true => format!(
                    "r.auditor <> $1 AND (r.card_hash = c.content_hash OR {RETURNED} IS NOT NULL)
                     AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id
                       AND r.auditor = $1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                       AND (r.card_hash = c.content_hash OR {RETURNED} IS NOT NULL))"
                ),
            },
        );
        let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
        let query: [&(dyn ToSql + Sync); 4] = [&q.auditor, &stages, &q.text, &q.sources];
        let ids: Vec<i64> = (conn.query(&sql, &query)?.iter())
            .map(|r| r.get(0))
            .collect();
        if ids.is_empty() || q.limit == 0 {
            return Ok(JudgedList {
                entries: Vec::new(),
                unlisted: ids.len() as u64,
            });
        }
        let mine = QueueQuery {
            reviewed: true,
            ..*q
        };
        let mut out = page(
            conn,
            &self.prepared,
            &mine,
            None,
            &[],
            q.limit,
            Pass::Only(&ids),
        )?;
        out.retain(|e| match others {
            false => e.my_verdict.is_some(),
            true => e.judged_by_other,
        });
        with_flags(conn, &mut out)?;
        let unlisted = if out.len() < q.limit {
            0
        } else {
            ids.len().saturating_sub(out.len()) as u64
        };
        Ok(JudgedList {
            entries: out,
            unlisted,
        })
    }

    /// See `QueueStore::judged_by_others`: the current reviews of other auditors of the
    /// stage's cards matching the filter.
    pub fn judged_by_others(&self, q: &QueueQuery<'_>) -> Result<Vec<JudgedByOthers>, StoreError> {
        if q.crm_stages.is_empty() || q.limit == 0 {
            return Ok(Vec::new());
        }
        let conn = &mut *self.conn.borrow_mut();
        let sql =
            "SELECT DISTINCT c.external_id COLLATE \"C\" AS id, r.auditor COLLATE \"C\" AS who
             FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE r.auditor <> $1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
               AND c.stage = ANY($2)
               AND ($3::text IS NULL OR strpos(c.search, $3) > 0)
               AND ($4::text[] IS NULL OR c.source = ANY($4))
             ORDER BY id, who
             LIMIT $5";
        let stages: Vec<&str> = q.crm_stages.iter().map(String::as_str).collect();
        let rows = (q.limit * 8) as i64;
        let query: [&(dyn ToSql + Sync); 5] = [&q.auditor, &stages, &q.text, &q.sources, &rows];
        let rows: Vec<(String, String)> = (conn.query(sql, &query)?.iter())
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        Ok(crate::domain::queue::judged_by_others(rows, q.limit))
    }

    /// See `QueueStore::several_sources`: the first and last source in the cards' unique
    /// index, two seeks.
    pub fn several_sources(&self) -> Result<bool, StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let row = conn.query_one(
            "SELECT coalesce((SELECT min(source) FROM cards) <> (SELECT max(source) FROM cards),
                             FALSE)",
            &[],
        )?;
        Ok(row.get(0))
    }

    /// See `QueueStore::sources`: one seek in the cards' unique index per source (a loose
    /// index scan), where `SELECT DISTINCT` would read all its entries.
    pub fn sources(&self) -> Result<Vec<String>, StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let rows = conn.query(
            "WITH RECURSIVE s(source) AS (
                 SELECT min(source) FROM cards
                 UNION ALL
                 SELECT (SELECT min(c.source) FROM cards c WHERE c.source > s.source)
                 FROM s WHERE s.source IS NOT NULL)
             SELECT source FROM s WHERE source IS NOT NULL",
            &[],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    /// See [`crate::domain::ports::QueueStore::missing_cards`]: one round trip.
    pub fn missing_cards(
        &self,
        cards: &[crate::domain::queue::CardKey<'_>],
    ) -> Result<Vec<CardId>, StoreError> {
        if cards.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = cards.iter().map(|c| c.id.0).collect();
        let sources: Vec<&str> = cards.iter().map(|c| c.source).collect();
        let keys: Vec<&str> = cards.iter().map(|c| c.external_id).collect();
        let rows = self.conn.borrow_mut().query(
            "SELECT u.id FROM unnest($1::bigint[], $2::text[], $3::text[])
                 WITH ORDINALITY AS u(id, source, external_id, n)
             WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.id = u.id
                               AND c.source = u.source AND c.external_id = u.external_id)
             ORDER BY u.n",
            &[&ids, &sources, &keys],
        )?;
        Ok(rows.iter().map(|r| CardId(r.get(0))).collect())
    }

    /// See `QueueStore::queue_counts_many`: the stages' figures the server keeps
    /// (`okk_stage_counts()`, schema 24), and her reviews and the others' read once for all
    /// the stages, counted by the card's stage and kind, as the store file reads them. Stage
    /// by stage, each counted its cards and read every review again: on a server of a million
    /// cards and 200,000 reviews the funnel screen took 9.7 s to show (docs/benchmarks.md,
    /// «Reviewer»).
    pub fn queue_counts_many(&self, qs: &[QueueQuery<'_>]) -> Result<Vec<QueueCounts>, StoreError> {
        let Some(first) = qs.first() else {
            return Ok(Vec::new());
        };
        if qs.iter().any(|q| q.auditor != first.auditor) {
            return (qs.iter())
                .map(|q| Ok(self.queue_counts_many(std::slice::from_ref(q))?[0]))
                .collect();
        }
        if qs.iter().all(|q| q.crm_stages.is_empty()) {
            return Ok(vec![QueueCounts::default(); qs.len()]);
        }
        let conn = &mut *self.conn.borrow_mut();
        // A plan compiled for each call cost more than it saved: 0.2 s of the funnel's reads
        // on a server of a million cards.
        let mut tx = Begun::with(conn, "SET LOCAL jit = off")?;
        let figures = stage_counts::kept(tx.conn())?;
        let reviewed = stage_counts::reviewed_by_stage(tx.conn(), &self.prepared, first.auditor)?;
        tx.commit()?;
        Ok(qs
            .iter()
            .map(|q| {
                let (cards, flagged) = stage_counts::cards_and_flagged(&figures, q);
                QueueCounts {
                    cards,
                    flagged,
                    reviewed: stage_counts::kept_of(&reviewed, q, stage_counts::JUDGED),
                    others: stage_counts::kept_of(&reviewed, q, stage_counts::OTHERS),
                }
            })
            .collect())
    }

    pub fn queue_counts(&self, q: &QueueQuery<'_>) -> Result<QueueCounts, StoreError> {
        Ok(self.queue_counts_many(std::slice::from_ref(q))?[0])
    }
}
