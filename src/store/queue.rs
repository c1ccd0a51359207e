//! The review queue of one stage, straight from two indexes: flagged cards first (most severe,
//! then most flags; `standings_queue`), then the longest idle (`cards_queue`), then by external
//! id. Read a page at a
//! time: a stage may hold a hundred thousand cards.

use rusqlite::{OptionalExtension, params_from_iter, types::Value};

use super::cards::StoreTime;
use super::schema::SUMMARIES_KEY;
use super::{Store, StoreError};
use crate::domain::ids::CardId;
use crate::domain::review::Verdict;
use crate::domain::stored_review::changed_since;

pub use crate::domain::queue::{
    JudgedByOthers, JudgedList, QueueCounts, QueueEntry, QueueKey, QueueQuery,
};

/// Whether card `c` is flagged (has a standing).
pub(crate) const HAS_STANDING: &str = "EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id)";

/// The note of the lead's latest decision on a review, if that decision sent it back.
pub(crate) const RETURNED: &str = "(SELECT CASE WHEN d.decision = 'return' THEN d.note END
      FROM lead_decisions d WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
      ORDER BY d.seq DESC, d.created_at DESC, d.id DESC LIMIT 1)";

/// Card `c` is another auditor's (`auditor`: the SQL of the one asking; the claim's rule,
/// `QueueQuery::reviewed`): a current review of another auditor judged it as it is now and was
/// not sent back, or was sent back (theirs to answer), and no review of hers does either (she
/// judged it as it is now, or it was sent back to her). The caller leaves her pending
/// calibration cards out.
pub(crate) fn others_hold_sql(auditor: &str) -> String {
    let holds = format!(
        "r.superseded_by IS NULL AND r.withdrawn_at IS NULL
         AND (r.card_hash = c.content_hash OR {RETURNED} IS NOT NULL)"
    );
    // Found by the card's key (the reviews' index leads with it), its id checked.
    let card = "r.card_source = c.source AND r.card_external_id = c.external_id
                AND r.card_id = c.id";
    format!(
        "EXISTS (SELECT 1 FROM reviews r WHERE {card} AND r.auditor <> {auditor} AND {holds})
         AND NOT EXISTS (SELECT 1 FROM reviews r WHERE {card} AND r.auditor = {auditor}
                         AND {holds})"
    )
}

/// Review `r` is her current verdict (`?1`: the auditor) on card `c` as it is now, not sent
/// back: the card is judged, and leaves her queue.
pub(super) fn judged_as_is_sql() -> String {
    format!(
        "r.auditor = ?1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
         AND r.card_hash = c.content_hash AND {RETURNED} IS NULL"
    )
}

/// Cards counted by their CRM stage, then by [`card_kind_sql`].
pub(super) type ByKind = std::collections::HashMap<String, [i64; 4]>;

/// What a card is to the queue's filters: 3 open (kept, flagged or not), 0 closed or gone but
/// flagged (kept), 1 gone, 2 closed; [`QuerySql::keeps_kind`] says which a query keeps, as
/// [`QuerySql::filter_or_flagged`] does. Its standing is looked up only where the kind needs it.
pub(super) fn card_kind_sql() -> String {
    format!(
        "CASE WHEN c.gone_at IS NULL AND coalesce(c.closed, 0) = 0 AND c.closed_at IS NULL
              THEN 3 WHEN {HAS_STANDING} THEN 0 WHEN c.gone_at IS NOT NULL THEN 1 ELSE 2 END"
    )
}

/// The cards of `counted` that query `q` keeps: its stages, the kinds it keeps.
fn kept_of(counted: &ByKind, q: &QueueQuery<'_>) -> u64 {
    let n: i64 = (q.crm_stages.iter())
        .filter_map(|stage| counted.get(stage))
        .flat_map(|kinds| {
            (0..4)
                .filter(|k| q.keeps_kind(*k))
                .map(|k| kinds[k as usize])
        })
        .sum();
    n as u64
}

/// The SQL pieces a query turns into (a trait: the query is a domain type).
pub(crate) trait QuerySql {
    fn filter(&self) -> &'static str;
    fn filter_or_flagged(&self, flagged: &str) -> String;
    fn keeps_kind(&self, kind: i64) -> bool;
    fn kept_columns(&self) -> &'static str;
    fn stage_marks(&self, first: usize) -> String;
    fn source_marks(&self, card: &str, first: usize) -> String;
    fn source_args(&self) -> Vec<Value>;
}

impl QuerySql for QueueQuery<'_> {
    /// The cards without flags the queue keeps: a gone or closed card needs a look only when a
    /// rule says why (`gone`, `closed_open`), and a flagged card is always in its queue.
    fn filter(&self) -> &'static str {
        if self.all {
            ""
        } else if self.closed_stage {
            "AND c.gone_at IS NULL"
        } else {
            "AND c.gone_at IS NULL AND coalesce(c.closed, 0) = 0 AND c.closed_at IS NULL"
        }
    }

    /// [`QueueQuery::filter`] for a query over cards that may be flagged: `flagged` is the SQL
    /// that says whether card `c` has a standing.
    fn filter_or_flagged(&self, flagged: &str) -> String {
        match self.filter().strip_prefix("AND ") {
            None => String::new(),
            Some(kept) => format!("AND ({flagged} OR ({kept}))"),
        }
    }

    /// Whether the query keeps cards of this [`card_kind_sql`] kind.
    fn keeps_kind(&self, kind: i64) -> bool {
        match kind {
            1 => self.all,
            2 => self.all || self.closed_stage,
            _ => true,
        }
    }

    /// The `stage_counts` expressions for the cards and the flagged cards the queue keeps:
    /// every flagged card, and those without flags that pass [`QueueQuery::filter`].
    fn kept_columns(&self) -> &'static str {
        if self.all {
            "sum(cards), sum(flagged)"
        } else if self.closed_stage {
            "sum(live) + sum(flagged) - sum(live_flagged), sum(flagged)"
        } else {
            "sum(open) + sum(flagged) - sum(open_flagged), sum(flagged)"
        }
    }

    fn stage_marks(&self, first: usize) -> String {
        (0..self.crm_stages.len())
            .map(|i| format!("?{}", first + i))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `AND` the card's source (`card`: the SQL of it) is one of the query's sources, numbered
    /// from `first` ([`QuerySql::source_args`]); nothing without them.
    fn source_marks(&self, card: &str, first: usize) -> String {
        match self.sources {
            None => String::new(),
            Some(sources) => format!(
                "AND {card} IN ({})",
                (0..sources.len())
                    .map(|i| format!("?{}", first + i))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn source_args(&self) -> Vec<Value> {
        (self.sources.unwrap_or_default().iter())
            .map(|s| Value::from(s.clone()))
            .collect()
    }
}

impl Store {
    /// Distinct stage names as the CRM wrote them, sorted. One seek in the queue index per
    /// stage (it leads with the stage), where `SELECT DISTINCT` would read all its entries.
    pub fn crm_stage_names(&self) -> Result<Vec<String>, StoreError> {
        let mut first = self.conn.prepare_cached("SELECT min(stage) FROM cards")?;
        let mut next = self
            .conn
            .prepare_cached("SELECT min(stage) FROM cards WHERE stage > ?1")?;
        let mut out: Vec<String> = Vec::new();
        let mut stage: Option<String> = first.query_row([], |r| r.get(0))?;
        while let Some(s) = stage {
            stage = next.query_row([&s], |r| r.get(0))?;
            out.push(s);
        }
        Ok(out)
    }

    /// The stage names current reviews were made at, each with how many, sorted.
    pub fn reviewed_stages(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT stage, count(*) FROM reviews
             WHERE superseded_by IS NULL AND withdrawn_at IS NULL
             GROUP BY stage ORDER BY stage",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Up to `limit` cards the auditor has still to review, in queue order.
    pub fn queue(&self, q: &QueueQuery<'_>) -> Result<Vec<QueueEntry>, StoreError> {
        if q.crm_stages.is_empty() || q.limit == 0 {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        let pending = self.pending_calibration(q)?;
        let skip: std::collections::HashSet<i64> = pending.iter().map(|e| e.card_id.0).collect();
        if q.with_calibration {
            out.extend(pending);
        }
        // The flagged cards (their standings), then the rest; a page may span both.
        let after = q.after;
        if after.is_none_or(|k| k.flag_count > 0) {
            let from = after.map_or(Start::Top, Start::After);
            self.queue_pass(q, true, &from, &skip, &mut out)?;
        }
        if out.len() < q.limit {
            let from = match after.filter(|k| k.flag_count == 0) {
                Some(k) => Some(Start::After(k)),
                None => self.rest_start(q)?,
            };
            if let Some(from) = from {
                self.queue_pass(q, false, &from, &skip, &mut out)?;
            }
        }
        Ok(out)
    }

    /// See `QueueStore::judged`: driven from the auditor's reviews (`reviews_auditor`), never
    /// a scan of the stage; each card's entry as the queue reads it.
    pub fn judged(&self, q: &QueueQuery<'_>) -> Result<JudgedList, StoreError> {
        self.listed_by_reviews(q, false)
    }

    /// See `QueueStore::held_by_others`: driven from the others' reviews, as [`Self::judged`]
    /// from hers.
    pub fn held_by_others(&self, q: &QueueQuery<'_>) -> Result<JudgedList, StoreError> {
        self.listed_by_reviews(q, true)
    }

    /// The cards her current reviews (`others`: another auditor's that hold the card) find,
    /// each kept as the queue reads it with her verdict (`others`: marked another's).
    fn listed_by_reviews(
        &self,
        q: &QueueQuery<'_>,
        others: bool,
    ) -> Result<JudgedList, StoreError> {
        if q.crm_stages.is_empty() {
            return Ok(JudgedList::default());
        }
        let AuditorFilter {
            stages,
            text,
            sources,
            args,
        } = auditor_filter(q);
        let sql = format!(
            "SELECT DISTINCT c.id, c.external_id, coalesce(s.flag_rank, 0),
                    coalesce(s.flag_count, 0), c.touched_at, s.place
             FROM reviews r JOIN cards c ON c.id = r.card_id
             LEFT JOIN standings s ON s.card_id = c.id
             WHERE {judged} AND c.stage IN ({stages}) {kept} {text} {sources}
             ORDER BY s.place IS NULL, s.place, c.touched_at, c.external_id",
            kept = q.filter_or_flagged("s.card_id IS NOT NULL"),
            judged = match others {
                false => judged_as_is_sql(),
                // Not one she holds too (the inner `r` hides the outer one): the rest counted
                // are the list's.
                true => format!(
                    "r.auditor <> ?1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                     AND (r.card_hash = c.content_hash OR {RETURNED} IS NOT NULL)
                     AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id
                       AND r.auditor = ?1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                       AND (r.card_hash = c.content_hash OR {RETURNED} IS NOT NULL))"
                ),
            },
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut look = Lookups::new(&self.conn)?;
        let mine = QueueQuery {
            reviewed: true,
            ..*q
        };
        let mut out = Vec::new();
        while out.len() < q.limit
            && let Some(r) = rows.next()?
        {
            let key = QueueKey {
                flag_rank: r.get(2)?,
                flag_count: r.get(3)?,
                touched_at: r.get(4)?,
                external_id: r.get(1)?,
            };
            if let Some(entry) = look.entry(&mine, r.get(0)?, key)?
                && (if others {
                    entry.judged_by_other
                } else {
                    entry.my_verdict.is_some()
                })
            {
                out.push(entry);
            }
        }
        // The rest are counted, not read: every row is a current verdict of hers, or of
        // another's that holds the card (what `entry` asks again of the ones listed).
        let mut unlisted = 0;
        while rows.next()?.is_some() {
            unlisted += 1;
        }
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
        let AuditorFilter {
            stages,
            text,
            sources,
            args,
        } = auditor_filter(q);
        let sql = format!(
            "SELECT DISTINCT c.external_id, r.auditor
             FROM reviews r JOIN cards c ON c.id = r.card_id
             WHERE r.auditor <> ?1 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
               AND c.stage IN ({stages}) {text} {sources}
             ORDER BY c.external_id, r.auditor
             LIMIT {rows}",
            rows = q.limit * 8,
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(args), |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<Vec<(String, String)>, _>>()?;
        Ok(crate::domain::queue::judged_by_others(rows, q.limit))
    }

    /// See `QueueStore::several_sources`: the first and last source in the cards' unique
    /// index, two seeks.
    pub fn several_sources(&self) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT coalesce((SELECT min(source) FROM cards) <> (SELECT max(source) FROM cards),
                             0)",
            [],
            |r| r.get(0),
        )?)
    }

    /// See `QueueStore::sources`: one seek in the cards' unique index per source.
    pub fn sources(&self) -> Result<Vec<String>, StoreError> {
        let mut first = self.conn.prepare_cached("SELECT min(source) FROM cards")?;
        let mut next =
            (self.conn).prepare_cached("SELECT min(source) FROM cards WHERE source > ?1")?;
        let mut out: Vec<String> = Vec::new();
        let mut source: Option<String> = first.query_row([], |r| r.get(0))?;
        while let Some(s) = source {
            source = next.query_row([&s], |r| r.get(0))?;
            out.push(s);
        }
        Ok(out)
    }

    /// Where the cards without flags start in the queue of `q`'s stages, as the last rules run
    /// found them: `None` when the stages have none. Without current summaries (an import
    /// came since), their top.
    fn rest_start(&self, q: &QueueQuery<'_>) -> Result<Option<Start<'static>>, StoreError> {
        let current: bool = self.conn.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM meta WHERE key = '{SUMMARIES_KEY}')"),
            [],
            |r| r.get(0),
        )?;
        if !current {
            return Ok(Some(Start::Top));
        }
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT rest_touched_at, rest_external_id FROM stage_counts
             WHERE stage IN ({}) AND rest_external_id IS NOT NULL",
            q.stage_marks(1)
        ))?;
        let firsts = stmt.query_map(params_from_iter(q.crm_stages), |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?))
        })?;
        let mut first: Option<(Option<String>, String)> = None;
        for f in firsts {
            let f = f?;
            if first.as_ref().is_none_or(|first| f < *first) {
                first = Some(f);
            }
        }
        Ok(first.map(|(touched, id)| match touched {
            // Cards without a date come first: the top is where they start.
            None => Start::Top,
            Some(touched) => Start::At(touched, id),
        }))
    }

    /// One part of the queue: the flagged cards, read from their standings' index, or the cards
    /// without flags, read from the cards' queue index. Either scan reads its index alone, the
    /// text filter included (both hold `search`); a card's row (a random 16 KiB page) is read
    /// only for a card listed.
    fn queue_pass(
        &self,
        q: &QueueQuery<'_>,
        flagged: bool,
        from: &Start<'_>,
        skip: &std::collections::HashSet<i64>,
        out: &mut Vec<QueueEntry>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare_cached(&pass_sql(q, flagged, from))?;
        let mut rows = stmt.query(params_from_iter(pass_args(q, from)))?;
        let mut look = Lookups::new(&self.conn)?;
        while out.len() < q.limit
            && let Some(r) = rows.next()?
        {
            let card_id: i64 = r.get(0)?;
            if skip.contains(&card_id) {
                continue; // listed first, as a calibration card
            }
            let key = QueueKey {
                flag_rank: r.get(2)?,
                flag_count: r.get(3)?,
                touched_at: r.get(4)?,
                external_id: r.get(1)?,
            };
            if let Some(entry) = look.entry(q, card_id, key)? {
                out.push(entry);
            }
        }
        Ok(())
    }

    /// See [`crate::domain::ports::QueueStore::missing_cards`]: one statement over the list
    /// (each card one step down the table's key).
    pub fn missing_cards(
        &self,
        cards: &[crate::domain::queue::CardKey<'_>],
    ) -> Result<Vec<CardId>, StoreError> {
        if cards.is_empty() {
            return Ok(Vec::new());
        }
        let listed: Vec<serde_json::Value> = (cards.iter())
            .map(|c| serde_json::json!([c.id.0, c.source, c.external_id]))
            .collect();
        let mut stmt = self.conn.prepare_cached(
            "SELECT j.value ->> 0 FROM json_each(?1) j
             WHERE NOT EXISTS (SELECT 1 FROM cards c WHERE c.id = j.value ->> 0
                               AND c.source = j.value ->> 1 AND c.external_id = j.value ->> 2)
             ORDER BY j.key",
        )?;
        let rows = stmt.query_map([serde_json::Value::Array(listed).to_string()], |r| {
            Ok(CardId(r.get(0)?))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The queue's figures for the auditor: cards and flagged from the last rules run's
    /// figures (or the index), reviewed and the others' from her kept figures
    /// ([`Store::desk_figures`]).
    pub fn queue_counts(&self, q: &QueueQuery<'_>) -> Result<QueueCounts, StoreError> {
        Ok(self.queue_counts_many(std::slice::from_ref(q))?.remove(0))
    }

    /// The figures of several stages' queues for one auditor (the funnel screen's rows): her
    /// figures by stage and kind read once for all of them ([`Store::desk_figures`]), and kept:
    /// after her verdict the title bar's figures cost a look at the card she judged.
    pub fn queue_counts_many(&self, qs: &[QueueQuery<'_>]) -> Result<Vec<QueueCounts>, StoreError> {
        let Some(first) = qs.first() else {
            return Ok(Vec::new());
        };
        if qs.iter().any(|q| q.auditor != first.auditor) {
            return qs
                .iter()
                .map(|q| {
                    self.queue_counts_many(std::slice::from_ref(q))
                        .map(|mut c| c.remove(0))
                })
                .collect();
        }
        if qs.iter().all(|q| q.crm_stages.is_empty()) {
            return Ok(vec![QueueCounts::default(); qs.len()]);
        }
        // One queue's (its title bar): her figures of its stage alone, unless kept whole.
        let wanted = (qs.len() == 1).then_some(first.crm_stages);
        let (hers, others) = self.desk_figures(first.auditor, wanted)?;
        qs.iter()
            .map(|q| {
                if q.crm_stages.is_empty() {
                    return Ok(QueueCounts::default());
                }
                let (cards, flagged) = self.cards_and_flagged(q)?;
                Ok(QueueCounts {
                    cards: cards as u64,
                    flagged: flagged as u64,
                    reviewed: kept_of(&hers, q),
                    others: kept_of(&others, q),
                })
            })
            .collect()
    }

    /// The figures find every other auditor's reviewed card: read in place through the memory
    /// map, as the passes over every card are, not a page copied by a system call each (on a
    /// desk of 200,000 reviews that copying was nine tenths of the funnel screen's time).
    /// The size of the map before, for [`Store::unmap_cards`].
    pub(super) fn map_cards(&self) -> Result<i64, StoreError> {
        let before: i64 = self.conn.query_row("PRAGMA mmap_size", [], |r| r.get(0))?;
        self.conn
            .pragma_update(None, "mmap_size", super::schema::MMAP_SIZE)?;
        Ok(before)
    }

    /// The map as it was before [`Store::map_cards`]: the pages a read touched stay in the
    /// system's cache, not in this process's memory.
    pub(super) fn unmap_cards(&self, before: i64) -> Result<(), StoreError> {
        Ok(self.conn.pragma_update(None, "mmap_size", before)?)
    }

    /// A stage's cards and flagged cards the queue keeps.
    fn cards_and_flagged(&self, q: &QueueQuery<'_>) -> Result<(i64, i64), StoreError> {
        let stages: Vec<Value> = q.crm_stages.iter().cloned().map(Value::from).collect();
        // The figures the last rules run kept, if no import came since (one statement: one
        // snapshot of the mark and the figures); else counted from the cards, which on a
        // stage of 100k cards reads 100k index entries.
        let kept: (Option<i64>, Option<i64>, Option<i64>) = self
            .conn
            .prepare_cached(&format!(
                "SELECT (SELECT 1 FROM meta WHERE key = '{SUMMARIES_KEY}'), {}
                 FROM stage_counts WHERE stage IN ({})",
                q.kept_columns(),
                q.stage_marks(1),
            ))?
            .query_row(params_from_iter(stages.iter()), |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?;
        Ok(match kept {
            (Some(_), cards, flagged) => (cards.unwrap_or(0), flagged.unwrap_or(0)),
            (None, ..) => self
                .conn
                .prepare_cached(&format!(
                    "SELECT (SELECT count(*) FROM cards c WHERE c.stage IN ({stages}) {filter}),
                            (SELECT count(*) FROM standings c WHERE c.stage IN ({stages}))",
                    stages = q.stage_marks(1),
                    filter = q.filter_or_flagged(HAS_STANDING)
                ))?
                .query_row(params_from_iter(stages.iter()), |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })?,
        })
    }

    /// The stage's calibration cards the auditor has still to judge (of the calibrations still
    /// open: [`super::calibration::OWED`]), in queue order, matching the text filter.
    fn pending_calibration(&self, q: &QueueQuery<'_>) -> Result<Vec<QueueEntry>, StoreError> {
        // Driven from the (few) calibration cards, each found by its CRM identity: never a scan
        // of the stage.
        let sql = format!(
            "SELECT DISTINCT c.id, c.external_id, c.title, c.owner,
                    CAST(julianday(date(?1)) - julianday(date(c.touched_at)) AS INTEGER),
                    coalesce(s.flag_rank, 0) AS flag_rank, coalesce(s.flag_count, 0) AS flag_count,
                    c.touched_at, c.search, c.source, c.content_hash,
                    (SELECT r.card_hash FROM reviews r
                     WHERE r.card_id = c.id AND r.auditor = ?2
                       AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                     ORDER BY r.created_at DESC LIMIT 1)
             FROM calibrations k
             JOIN calibration_cards cc ON cc.calibration_id = k.id
             JOIN cards c ON c.source = cc.card_source AND c.external_id = cc.card_external_id
             LEFT JOIN standings s ON s.card_id = c.id
             WHERE k.ended_at IS NULL
               AND EXISTS (SELECT 1 FROM json_each(k.auditors) WHERE value = ?2)
               AND c.stage IN ({}) {}
               AND {}
             ORDER BY flag_rank DESC, flag_count DESC, c.touched_at, c.external_id",
            q.stage_marks(3),
            q.filter_or_flagged("s.card_id IS NOT NULL"),
            super::calibration::OWED.replace("?A", "?2"),
        );
        let mut args: Vec<Value> = vec![
            StoreTime::new(&q.now).as_str().to_string().into(),
            q.auditor.to_string().into(),
        ];
        args.extend(q.crm_stages.iter().cloned().map(Value::from));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let mut flags = self
            .conn
            .prepare_cached("SELECT code FROM flags WHERE card_id = ?1 ORDER BY seq")?;
        let mut rows = stmt.query(params_from_iter(args))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let card_id: i64 = r.get(0)?;
            let external_id: String = r.get(1)?;
            let title: Option<String> = r.get(2)?;
            let owner: Option<String> = r.get(3)?;
            if let Some(t) = q.text
                && !r.get::<_, String>(8)?.contains(t)
            {
                continue;
            }
            if let Some(sources) = q.sources
                && !sources.contains(&r.get::<_, String>(9)?)
            {
                continue;
            }
            out.push(QueueEntry {
                card_id: CardId(card_id),
                source: r.get(9)?,
                title,
                owner,
                idle_days: crate::domain::queue::idle_days(r.get(4)?),
                flags: flags
                    .query_map([card_id], |f| f.get(0))?
                    .collect::<Result<_, _>>()?,
                // Hers of another version: a card she is asked to judge again.
                changed_since_review: changed_since(r.get(11)?, r.get(10)?),
                returned: None,
                calibration: true,
                my_verdict: None,
                judged_by_other: false,
                key: QueueKey {
                    flag_rank: r.get(5)?,
                    flag_count: r.get(6)?,
                    touched_at: r.get(7)?,
                    external_id: external_id.clone(),
                },
                id: external_id,
            });
        }
        Ok(out)
    }
}

/// Where one pass of the queue starts.
enum Start<'k> {
    /// At the top of the stage.
    Top,
    /// After this card (the last of the previous page).
    After(&'k QueueKey),
    /// The cards without flags only: at this (touched, external id), the first of them.
    At(String, String),
}

/// One pass's SQL: ?1..?3 the key to start from (place, touched, external id), then the stages,
/// then the text. The key is compared as a row value in the index's order, so that the scan
/// starts where the last page ended (one seek, however deep).
fn pass_sql(q: &QueueQuery<'_>, flagged: bool, from: &Start<'_>) -> String {
    let text = if q.text.is_some() {
        format!("AND instr(c.search, ?{}) > 0", 4 + q.crm_stages.len())
    } else {
        String::new()
    };
    let stages = q.stage_marks(4);
    let first_source = 4 + q.crm_stages.len() + usize::from(q.text.is_some());
    if flagged {
        // The standings keep no source: the card's, by its id.
        let sources = q.source_marks(
            "(SELECT x.source FROM cards x WHERE x.id = c.card_id)",
            first_source,
        );
        let after_key = match from {
            Start::After(_) => {
                "AND (c.place, c.touched_at, c.external_id) > (?1, coalesce(?2, ''), ?3)"
            }
            Start::Top | Start::At(..) => "",
        };
        return format!(
            "SELECT c.card_id, c.external_id, c.flag_rank, c.flag_count, nullif(c.touched_at, '')
             FROM standings c
             WHERE c.stage IN ({stages}) {text} {sources} {after_key}
             ORDER BY c.place, c.touched_at, c.external_id"
        );
    }
    // Cards with no date at all (NULL) come first.
    let after_key = match from {
        Start::Top => "",
        Start::After(k) if k.touched_at.is_none() => {
            "AND (c.touched_at IS NOT NULL OR c.external_id > ?3)"
        }
        Start::After(_) => "AND (c.touched_at, c.external_id) > (?2, ?3)",
        Start::At(..) => "AND (c.touched_at, c.external_id) >= (?2, ?3)",
    };
    format!(
        "SELECT c.id, c.external_id, 0, 0, c.touched_at
         FROM cards c
         WHERE c.stage IN ({stages}) {filter} {text} {sources} {after_key}
           AND NOT EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id)
         ORDER BY c.touched_at, c.external_id",
        filter = q.filter(),
        sources = q.source_marks("c.source", first_source),
    )
}

/// [`pass_sql`]'s arguments.
fn pass_args(q: &QueueQuery<'_>, from: &Start<'_>) -> Vec<Value> {
    let mut args: Vec<Value> = match from {
        Start::Top => vec![Value::Null, Value::Null, Value::Null],
        Start::After(k) => vec![
            super::flags::place(k.flag_rank, k.flag_count).into(),
            k.touched_at.clone().map_or(Value::Null, Value::from),
            k.external_id.clone().into(),
        ],
        Start::At(touched, id) => vec![Value::Null, touched.clone().into(), id.clone().into()],
    };
    args.extend(q.crm_stages.iter().cloned().map(Value::from));
    if let Some(t) = q.text {
        args.push(t.to_string().into());
    }
    args.extend(q.source_args());
    args
}

/// What a queue entry shows beyond its index entry: the card's row, the auditor's review of it,
/// its flags.
pub(super) struct Lookups<'c> {
    card: rusqlite::CachedStatement<'c>,
    review: rusqlite::CachedStatement<'c>,
    flags: rusqlite::CachedStatement<'c>,
    others: rusqlite::CachedStatement<'c>,
}

impl<'c> Lookups<'c> {
    pub(super) fn new(conn: &'c rusqlite::Connection) -> Result<Lookups<'c>, StoreError> {
        Ok(Lookups {
            card: conn.prepare_cached(
                "SELECT title, owner, content_hash,
                        CAST(julianday(date(?2)) - julianday(date(touched_at)) AS INTEGER), source
                 FROM cards WHERE id = ?1",
            )?,
            review: conn.prepare_cached(&format!(
                "SELECT r.card_hash, {RETURNED}, r.verdict FROM reviews r
                 WHERE r.card_id = ?1 AND r.auditor = ?2
                   AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                 ORDER BY r.created_at DESC LIMIT 1"
            ))?,
            flags: conn.prepare_cached("SELECT code FROM flags WHERE card_id = ?1 ORDER BY seq")?,
            // Found by the card's key (the reviews' index leads with it), its id checked.
            others: conn.prepare_cached(&format!(
                "SELECT EXISTS (SELECT 1 FROM reviews r
                 WHERE r.card_source = ?1 AND r.card_external_id = ?2 AND r.card_id = ?3
                   AND r.auditor <> ?4 AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
                   AND (r.card_hash = ?5 OR {RETURNED} IS NOT NULL))"
            ))?,
        })
    }

    /// The queue's entry for a card, or `None` when `q` does not ask for `reviewed` cards and
    /// it is one: the auditor has reviewed it and it has not changed since, or another
    /// auditor holds it (`QueueQuery::reviewed`; her pending calibration cards are not looked
    /// up here).
    pub(super) fn entry(
        &mut self,
        q: &QueueQuery<'_>,
        card_id: i64,
        key: QueueKey,
    ) -> Result<Option<QueueEntry>, StoreError> {
        type Row = (Option<String>, Option<String>, i64, Option<i64>, String);
        let (title, owner, hash, idle_days, source): Row = self
            .card
            .query_row(rusqlite::params![card_id, StoreTime::new(&q.now)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })?;
        type Mine = (Option<i64>, Option<String>, Option<String>);
        let mine: Option<Mine> = self
            .review
            .query_row(rusqlite::params![card_id, q.auditor], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        let (reviewed_hash, returned, verdict) = mine.unwrap_or((None, None, None));
        let my_verdict = (reviewed_hash == Some(hash) && returned.is_none())
            .then(|| verdict.as_deref().and_then(Verdict::from_name))
            .flatten();
        if my_verdict.is_some() && !q.reviewed {
            return Ok(None); // reviewed, and unchanged since
        }
        // Sent back to her, the card is hers to answer whoever else judged it.
        let judged_by_other = my_verdict.is_none()
            && returned.is_none()
            && self.others.query_row(
                rusqlite::params![source, key.external_id, card_id, q.auditor, hash],
                |r| r.get(0),
            )?;
        if judged_by_other && !q.reviewed {
            return Ok(None); // another auditor's, as no claim would hand it to her
        }
        // Only a card with a standing has flags to look up.
        let flags = if key.flag_count > 0 {
            self.flags
                .query_map([card_id], |f| f.get(0))?
                .collect::<Result<_, _>>()?
        } else {
            Vec::new()
        };
        Ok(Some(QueueEntry {
            card_id: CardId(card_id),
            id: key.external_id.clone(),
            source,
            title,
            owner,
            idle_days: crate::domain::queue::idle_days(idle_days),
            flags,
            changed_since_review: changed_since(reviewed_hash, hash),
            returned,
            calibration: false,
            my_verdict,
            judged_by_other,
            key,
        }))
    }
}

/// The parts of a read of the reviews on the stage's cards under the auditor's filter: `?1` is
/// the auditor, then the stage's CRM names, the typed text and the sources, in that order.
struct AuditorFilter {
    stages: String,
    text: String,
    sources: String,
    args: Vec<Value>,
}

fn auditor_filter(q: &QueueQuery<'_>) -> AuditorFilter {
    let text = if q.text.is_some() {
        format!("AND instr(c.search, ?{}) > 0", 2 + q.crm_stages.len())
    } else {
        String::new()
    };
    let first_source = 2 + q.crm_stages.len() + usize::from(q.text.is_some());
    let mut args = vec![Value::from(q.auditor.to_string())];
    args.extend(q.crm_stages.iter().cloned().map(Value::from));
    if let Some(t) = q.text {
        args.push(t.to_string().into());
    }
    args.extend(q.source_args());
    AuditorFilter {
        stages: q.stage_marks(2),
        text,
        sources: q.source_marks("c.source", first_source),
        args,
    }
}
