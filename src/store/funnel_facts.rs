//! What `okk fields`, `okk funnel suggest` and `okk funnel init` read: every card with its
//! custom fields, every card's stage history, the auditors' stage moves and verdicts per stage.
//! Streamed; the counting is `domain::fill` and `domain::suggest`'s.

use chrono::NaiveDate;
use rusqlite::params;

use crate::domain::Funnel;
use crate::domain::analytics::{Finding, Window};
use crate::domain::fill::{CardFields, FillRow, FillTally};
use crate::domain::names::fold;
use crate::domain::review::Verdict;
use crate::store::{Store, StoreError};

/// The day of a 'YYYY-MM-DD…' text.
fn day(text: Option<&str>) -> Option<NaiveDate> {
    let t = text?;
    NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok()
}

/// Runs a fill row's trend keeps, the latest.
const TREND_RUNS: usize = 12;

impl Store {
    /// The fill rows over every card not gone, with the desk's trend.
    pub fn fill_rows(&self, funnel: &Funnel) -> Result<Vec<FillRow>, StoreError> {
        self.fill_rows_of(funnel, None, None)
    }

    /// The fill rows (`okk fields`, the reviewer's fields view, the report) over the cards not
    /// gone, of `owner` and created on or after `since` when given.
    pub fn fill_rows_of(
        &self,
        funnel: &Funnel,
        owner: Option<&str>,
        since: Option<NaiveDate>,
    ) -> Result<Vec<FillRow>, StoreError> {
        let owner = owner.map(fold);
        let tally = self.fold_card_fields(
            FillTally::default,
            |t, card| {
                if let Some(o) = &owner
                    && card.owner.map(fold).as_ref() != Some(o)
                {
                    return;
                }
                if let Some(s) = since
                    && card.created.is_none_or(|c| c < s)
                {
                    return;
                }
                t.add(funnel, card);
            },
            |a, b| a.merge(b),
        )?;
        let mut rows = tally.rows(funnel);
        // The trend is the desk's: a part of the cards was never recorded.
        if owner.is_none() && since.is_none() {
            crate::domain::fill::attach_trend(&mut rows, &self.fill_snapshots()?, TREND_RUNS);
        }
        Ok(rows)
    }

    /// Folds every card not gone into a `C`: two threads, each over half the ids, merged after
    /// (decoding a million rows of fields is the time; a laptop has two cores or more).
    pub fn fold_card_fields<C: Send>(
        &self,
        make: impl Fn() -> C + Sync,
        add: impl Fn(&mut C, &CardFields) + Sync,
        merge: impl Fn(&mut C, C),
    ) -> Result<C, StoreError> {
        let mut acc = make();
        let Some((first, last)) = self.card_id_span()? else {
            return Ok(acc);
        };
        let middle = first + (last - first) / 2 + 1;
        let path = self.path();
        let (make, add) = (&make, &add);
        std::thread::scope(|s| -> Result<(), StoreError> {
            let second = s.spawn(move || -> Result<C, StoreError> {
                let store = Store::open(path)?;
                let mut c = make();
                store.for_each_card_fields(middle..last + 1, |card| add(&mut c, card))?;
                Ok(c)
            });
            self.for_each_card_fields(first..middle, |card| add(&mut acc, card))?;
            let second = second
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            merge(&mut acc, second);
            Ok(())
        })?;
        Ok(acc)
    }

    /// Calls `f` with every card not gone whose id is in `ids`.
    pub fn for_each_card_fields(
        &self,
        ids: std::ops::Range<i64>,
        mut f: impl FnMut(&CardFields),
    ) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "mmap_size", crate::store::schema::MMAP_SIZE)?;
        let names = self.field_names()?;
        let mut stmt = self.conn.prepare(
            "SELECT id, external_id, stage, owner, created_at, touched_at,
                    coalesce(closed, 0) OR closed_at IS NOT NULL, coalesce(won, 0), fields
             FROM cards WHERE id >= ?1 AND id < ?2 AND gone_at IS NULL",
        )?;
        let mut rows = stmt.query(params![ids.start, ids.end])?;
        while let Some(r) = rows.next()? {
            let fields = names.decode(r.get_ref(8)?.as_str_or_null().ok().flatten());
            f(&CardFields {
                id: r.get(0)?,
                external_id: r.get_ref(1)?.as_str().unwrap_or_default(),
                stage: r.get_ref(2)?.as_str().unwrap_or_default(),
                owner: r.get_ref(3)?.as_str_or_null().ok().flatten(),
                created: day(r.get_ref(4)?.as_str_or_null().ok().flatten()),
                touched: day(r.get_ref(5)?.as_str_or_null().ok().flatten()),
                closed: r.get::<_, i64>(6)? != 0,
                won: r.get::<_, i64>(7)? != 0,
                fields: &fields,
            });
        }
        Ok(())
    }

    /// Calls `f` with each card's stage history (the day each sync found it in a new stage, in
    /// order), cards not gone, one card at a time. A card that never moved has one row or none.
    pub fn for_each_stage_history(
        &self,
        mut f: impl FnMut(&[(NaiveDate, String)]),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT h.card_id, h.seen_at, h.stage FROM stage_history h
             JOIN cards c ON c.id = h.card_id AND c.gone_at IS NULL
             ORDER BY h.card_id, h.seen_at, h.batch_id",
        )?;
        let mut rows = stmt.query([])?;
        let mut card = None;
        let mut visits: Vec<(NaiveDate, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if card != Some(id) {
                if !visits.is_empty() {
                    f(&visits);
                }
                visits.clear();
                card = Some(id);
            }
            let Some(seen) = day(r.get_ref(1)?.as_str_or_null().ok().flatten()) else {
                continue;
            };
            let stage: String = r.get(2)?;
            // A sync that found the card where it already was is no move.
            if visits.last().is_some_and(|(_, s)| *s == stage) {
                continue;
            }
            visits.push((seen, stage));
        }
        if !visits.is_empty() {
            f(&visits);
        }
        Ok(())
    }

    /// The auditors' stage moves: (stage when reviewed, suggested stage, reviews), current
    /// wrong-stage reviews with a suggestion, where the lead did not send the review back
    /// (an override's suggestion replaces the auditor's).
    pub fn stage_moves(&self) -> Result<Vec<(String, String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.stage, coalesce(
                 (SELECT d.suggested_stage FROM lead_decisions d
                  WHERE d.review_id = r.id AND d.withdrawn_at IS NULL AND d.decision = 'override'
                    AND d.suggested_stage IS NOT NULL
                    AND d.seq = (SELECT max(seq) FROM lead_decisions e
                                 WHERE e.review_id = r.id AND e.withdrawn_at IS NULL)),
                 r.suggested_stage) AS moved, count(*)
             FROM reviews r
             WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
               AND r.verdict = 'wrong_stage'
               AND NOT EXISTS (SELECT 1 FROM lead_decisions d
                               WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
                                 AND d.decision = 'return'
                                 AND d.seq = (SELECT max(seq) FROM lead_decisions e
                                              WHERE e.review_id = r.id AND e.withdrawn_at IS NULL))
             GROUP BY r.stage, moved HAVING moved IS NOT NULL AND moved <> ''",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?.max(0) as u64))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Current reviews per stage when reviewed, as they land (the lead's override replaces the
    /// verdict; a review sent back counts nowhere): (stage, reviews, not ok).
    pub fn verdicts_per_stage(&self) -> Result<Vec<(String, u64, u64)>, StoreError> {
        let mut per: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
        self.for_each_finding(&Window::default(), |r: &Finding| {
            let Some(verdict) = r.landed() else {
                return;
            };
            let e = per.entry(r.stage.to_string()).or_default();
            e.0 += 1;
            if verdict != Verdict::Ok {
                e.1 += 1;
            }
        })?;
        Ok(per.into_iter().map(|(s, (n, bad))| (s, n, bad)).collect())
    }

    /// The last day any card entered each stage as the CRM names it: a move a sync saw, or the
    /// last touch of a card there now (its activity, update or creation: `touched_at`, which
    /// the queue's index holds, so no card's row is read).
    pub fn last_entries(&self) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT stage, max(at) FROM (
                 SELECT stage, max(seen_at) AS at FROM stage_history GROUP BY stage
                 UNION ALL
                 SELECT stage, max(touched_at) FROM cards
                 WHERE gone_at IS NULL GROUP BY stage)
             GROUP BY stage",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (stage, at) = row?;
            if let Some(d) = day(at.as_deref()) {
                out.push((stage, d));
            }
        }
        Ok(out)
    }
}
