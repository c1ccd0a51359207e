//! What `okk fields`, `okk funnel suggest` and `okk funnel init` read: every card with its
//! custom fields, every card's stage history, the auditors' stage moves and verdicts per stage.
//! Streamed; the counting is `domain::fill` and `domain::suggest`'s.

use chrono::NaiveDate;
use rusqlite::params;

use crate::domain::Funnel;
use crate::domain::analytics::settle::StageSamples;
use crate::domain::analytics::{Finding, Window};
use crate::domain::fill::{CardFields, FillRow, FillTally};
use crate::domain::fx::FxMap;
use crate::domain::names::fold;
use crate::store::{Store, StoreError};

/// The day of a 'YYYY-MM-DD…' text (by hand: chrono's format parser cost more than the row).
fn day(text: Option<&str>) -> Option<NaiveDate> {
    crate::store::analytics::day(text.map(str::as_bytes))
}

fn moment(text: &str) -> Option<chrono::NaiveDateTime> {
    crate::store::analytics::moment(Some(text.as_bytes()))
}

/// When the visit of a card that never moved began, as its first move will write it
/// (`Import::history`): the run that first brought it (`started`), or, a file's card, the
/// deal's last edit the store holds when that is earlier (`domain::stage_move::first_visit`:
/// a backfill's cards were there by their files' dates, not the sitting's). A sync's card
/// keeps its run's clock, which the CRM's record of the path dates instead.
pub(crate) fn unmoved_since(
    started: &str,
    edited: Option<&str>,
    synced: bool,
) -> Option<chrono::NaiveDateTime> {
    let at = moment(started)?;
    let edited = edited
        .filter(|_| !synced)
        .and_then(crate::store::cards::parse_time);
    Some(crate::domain::stage_move::first_visit(at, edited))
}

/// Hands `f` one card's history rows (`seen_at`, stage; drained) as its visits: in time order
/// (a stable sort: runs break ties), a sync that found the card where it already was no move.
pub(crate) fn visits_of(
    rows: &mut Vec<(String, String)>,
    f: &mut dyn FnMut(&crate::domain::ports::funnel_history::StageVisits),
) {
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let mut visits: Vec<(chrono::NaiveDateTime, String)> = Vec::new();
    for (at, stage) in rows.drain(..) {
        let Some(at) = moment(&at) else {
            continue;
        };
        if visits.last().is_some_and(|(_, s)| *s == stage) {
            continue;
        }
        visits.push((at, stage));
    }
    if !visits.is_empty() {
        f(&visits);
    }
}

/// What a pass over every card reads of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardColumns {
    /// What fill rates count: the stage, owner, creation day and custom fields; the others read
    /// empty (no external id, no last touch, open, not won). Each text column read is copied
    /// and checked as UTF-8 a million times.
    Fill,
    /// Everything [`CardFields`] holds.
    All,
}

/// Runs a fill row's trend keeps, the latest.
const TREND_RUNS: usize = 12;

impl Store {
    /// The fill rows over every card not gone, with the desk's trend (recording them as the
    /// latest run's point when it has none: see `store::fill_trend`).
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
        let whole = owner.is_none() && since.is_none();
        // Read before the pass and after it: a run that landed while the cards were read makes
        // the rows no run's snapshot.
        let latest = if whole {
            self.latest_changing_run()?
        } else {
            None
        };
        let tally = self.fold_card_fields(
            CardColumns::Fill,
            FillTally::default,
            |t, card| {
                if card.counts_for(owner.as_deref(), since) {
                    t.add(funnel, card);
                }
            },
            |a, b| a.merge(b),
        )?;
        let mut rows = tally.rows(funnel);
        // The trend is the desk's: a part of the cards was never recorded.
        if whole {
            if let Some(l) = latest
                && !l.recorded
                && self.latest_changing_run()? == latest
            {
                self.note_fill(l.run, &rows);
            }
            crate::domain::fill::attach_trend(&mut rows, &self.fill_snapshots()?, TREND_RUNS);
        }
        crate::domain::fill::mark_unexported(&mut rows, funnel, &self.source_columns()?);
        Ok(rows)
    }

    /// Folds every card not gone into a `C`: two threads, each over half the ids, merged after
    /// (decoding a million rows of fields is the time; a laptop has two cores or more).
    pub fn fold_card_fields<C: Send>(
        &self,
        columns: CardColumns,
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
                store.for_each_card_fields(columns, middle..last + 1, |card| add(&mut c, card))?;
                Ok(c)
            });
            self.for_each_card_fields(columns, first..middle, |card| add(&mut acc, card))?;
            let second = second
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
            merge(&mut acc, second);
            Ok(())
        })?;
        Ok(acc)
    }

    /// Calls `f` with every card not gone whose id is in `ids`, with `columns` read.
    pub fn for_each_card_fields(
        &self,
        columns: CardColumns,
        ids: std::ops::Range<i64>,
        mut f: impl FnMut(&CardFields),
    ) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "mmap_size", crate::store::schema::MMAP_SIZE)?;
        let names = self.field_names()?;
        let mut stmt = self.conn.prepare(match columns {
            CardColumns::All => {
                "SELECT id, external_id, stage, owner, created_at, touched_at,
                        coalesce(closed, 0) OR closed_at IS NOT NULL, coalesce(won, 0), fields,
                        source
                 FROM cards WHERE id >= ?1 AND id < ?2 AND gone_at IS NULL"
            }
            CardColumns::Fill => {
                "SELECT id, NULL, stage, owner, created_at, NULL, 0, 0, fields, source
                 FROM cards WHERE id >= ?1 AND id < ?2 AND gone_at IS NULL"
            }
        })?;
        let mut rows = stmt.query(params![ids.start, ids.end])?;
        while let Some(r) = rows.next()? {
            let fields = names.decode_borrowed(r.get_ref(8)?.as_str_or_null().ok().flatten());
            let bytes = |i| {
                r.get_ref(i)
                    .ok()
                    .and_then(|v| v.as_bytes_or_null().ok().flatten())
            };
            f(&CardFields {
                id: r.get(0)?,
                external_id: r.get_ref(1)?.as_str().unwrap_or_default(),
                stage: r.get_ref(2)?.as_str().unwrap_or_default(),
                owner: r.get_ref(3)?.as_str_or_null().ok().flatten(),
                source: r.get_ref(9)?.as_str().unwrap_or_default(),
                created: crate::store::analytics::day(bytes(4)),
                touched: crate::store::analytics::day(bytes(5)),
                closed: r.get::<_, i64>(6)? != 0,
                won: r.get::<_, i64>(7)? != 0,
                fields: &fields,
            });
        }
        Ok(())
    }

    /// The one visit of each card (not gone) that never moved (no history rows): its stage,
    /// since its first sync's start.
    pub fn for_each_unmoved_card(
        &self,
        f: &mut dyn FnMut(&crate::domain::ports::funnel_history::StageVisits),
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT b.started_at, c.updated_at, b.encoding = ?1, c.stage
             FROM cards c JOIN import_batches b ON b.id = c.first_batch
             WHERE c.gone_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM stage_history h WHERE h.card_id = c.id)",
        )?;
        let mut rows = stmt.query([crate::store::cards::SYNC_ENCODING])?;
        while let Some(r) = rows.next()? {
            let (at, edited, synced): (String, Option<String>, bool) =
                (r.get(0)?, r.get(1)?, r.get(2)?);
            if let Some(at) = unmoved_since(&at, edited.as_deref(), synced) {
                f(&[(at, r.get(3)?)]);
            }
        }
        Ok(())
    }

    /// [`Store::for_each_stage_history`] of the cards (not gone) now at one of `stages` (as the
    /// cards carry the names): found by the cards' stage index, each card's rows one range of
    /// the history's key.
    pub fn for_each_stage_history_at(
        &self,
        stages: &[String],
        f: &mut dyn FnMut(&crate::domain::ports::funnel_history::StageVisits),
    ) -> Result<(), StoreError> {
        let names = serde_json::to_string(stages).unwrap_or_else(|_| "[]".into());
        let mut stmt = self.conn.prepare(
            "SELECT h.card_id, h.seen_at, h.stage
             FROM cards c JOIN stage_history h ON h.card_id = c.id
             WHERE c.stage IN (SELECT value FROM json_each(?1)) AND c.gone_at IS NULL
             ORDER BY h.card_id, h.batch_id",
        )?;
        let mut rows = stmt.query([names])?;
        let mut card = None;
        let mut seen: Vec<(String, String)> = Vec::new();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if card != Some(id) {
                visits_of(&mut seen, f);
                card = Some(id);
            }
            seen.push((r.get(1)?, r.get(2)?));
        }
        visits_of(&mut seen, f);
        Ok(())
    }

    /// Calls `f` with each card's stage history (when each sync found it in a new stage, in
    /// order), cards not gone, one card at a time. A card that never moved has one row or none.
    /// Returns the last day a sync saw any card (gone ones too) in each stage as the CRM names
    /// it, for [`Store::last_entries`]: the same rows, where a query of its own sorted millions
    /// of them by stage.
    pub fn for_each_stage_history(
        &self,
        mut f: impl FnMut(&[(chrono::NaiveDateTime, String)]),
    ) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        // Gone cards are few: their ids once, rather than a look at each history row's card.
        let gone: std::collections::HashSet<i64> = self
            .conn
            .prepare("SELECT id FROM cards WHERE gone_at IS NOT NULL")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        // In the table's own order (card, run): millions of rows are not sorted; a card's few
        // are put in time order here (a stable sort: runs break ties, as before).
        let mut stmt = self.conn.prepare(
            "SELECT card_id, seen_at, stage FROM stage_history ORDER BY card_id, batch_id",
        )?;
        let mut rows = stmt.query([])?;
        let mut card = None;
        // (seen_at, stage) of the card's rows, and its visits: reused from card to card, their
        // strings overwritten in place (a million cards, three or four rows each).
        let mut seen = Reused::<(String, String)>::default();
        let mut visits = Reused::<(chrono::NaiveDateTime, String)>::default();
        let mut flush = |seen: &mut Reused<(String, String)>| {
            let rows = seen.as_mut();
            if !rows.is_sorted_by(|a, b| a.0 <= b.0) {
                rows.sort_by(|a, b| a.0.cmp(&b.0));
            }
            visits.clear();
            for (at, stage) in rows.iter() {
                let Some(at) = moment(at) else {
                    continue;
                };
                // A sync that found the card where it already was is no move.
                if visits.as_mut().last().is_some_and(|(_, s)| s == stage) {
                    continue;
                }
                let (d, s) = visits.next();
                *d = at;
                s.push_str(stage);
            }
            if !visits.as_mut().is_empty() {
                f(visits.as_mut());
            }
            seen.clear();
        };
        let mut last: FxMap<String, String> = FxMap::default();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            if card != Some(id) {
                flush(&mut seen);
                card = Some(id);
            }
            let at = r.get_ref(1)?.as_str().unwrap_or_default();
            let stage = r.get_ref(2)?.as_str().unwrap_or_default();
            match last.get_mut(stage) {
                Some(m) if at > m.as_str() => {
                    m.clear();
                    m.push_str(at);
                }
                Some(_) => {}
                None => {
                    last.insert(stage.to_string(), at.to_string());
                }
            }
            if gone.contains(&id) {
                continue;
            }
            let (a, s) = seen.next();
            a.push_str(at);
            s.push_str(stage);
        }
        flush(&mut seen);
        Ok(last
            .into_iter()
            .filter_map(|(stage, at)| Some((stage, day(Some(&at))?)))
            .collect())
    }

    /// The auditors' stage moves: (stage when reviewed, suggested stage, cards), current
    /// wrong-stage reviews with a suggestion, where the lead did not send the review back
    /// (an override's suggestion replaces the auditor's); two auditors moving one card the
    /// same way are one card, as everywhere a figure counts cards.
    pub fn stage_moves(&self) -> Result<Vec<(String, String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT r.stage, coalesce(
                 (SELECT d.suggested_stage FROM lead_decisions d
                  WHERE d.review_id = r.id AND d.withdrawn_at IS NULL AND d.decision = 'override'
                    AND d.suggested_stage IS NOT NULL
                    AND d.seq = (SELECT max(seq) FROM lead_decisions e
                                 WHERE e.review_id = r.id AND e.withdrawn_at IS NULL)),
                 r.suggested_stage) AS moved,
                 count(DISTINCT r.card_source || char(31) || r.card_external_id)
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

    /// Cards judged per stage when reviewed, each once by the verdict that stands on it
    /// ([`StageSamples`]: the lead's decision, else auditors who agree; a disputed card and a
    /// review sent back count nowhere), as `okk stats` counts them: (stage, cards, not ok).
    pub fn verdicts_per_stage(&self) -> Result<Vec<(String, u64, u64)>, StoreError> {
        let mut samples = StageSamples::default();
        self.for_each_finding(&Window::default(), |r: &Finding| samples.add(r))?;
        Ok(samples.finish())
    }

    /// When the first and the last of the store's imports and syncs began (`None`: none
    /// ran): `okk funnel suggest` tells a history recorded in one sitting by them
    /// (`domain::suggest::HistoryTally::in_one_sitting`).
    pub fn runs_span(
        &self,
    ) -> Result<Option<(chrono::NaiveDateTime, chrono::NaiveDateTime)>, StoreError> {
        let (first, last): (Option<String>, Option<String>) = self.conn.query_row(
            "SELECT min(started_at), max(started_at) FROM import_batches",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let parse = |t: Option<String>| t.as_deref().and_then(crate::store::cards::parse_time);
        Ok(parse(first).zip(parse(last)))
    }

    /// The cards (not gone) per pipeline the CRM names, most first (`okk funnel init` names
    /// its funnel after them); cards without one are not counted.
    pub fn pipeline_cards(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT pipeline, count(*) FROM cards
             WHERE gone_at IS NULL AND pipeline IS NOT NULL AND pipeline <> ''
             GROUP BY pipeline ORDER BY count(*) DESC, pipeline",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The last day any card entered each stage as the CRM names it: a move a sync saw (`seen`,
    /// as [`Store::for_each_stage_history`] returns it), or the last touch of a card there now
    /// (its activity, update or creation: `touched_at`, which the queue's index holds, so no
    /// card's row is read).
    pub fn last_entries(
        &self,
        seen: &[(String, NaiveDate)],
    ) -> Result<Vec<(String, NaiveDate)>, StoreError> {
        let mut last: std::collections::BTreeMap<String, NaiveDate> =
            seen.iter().cloned().collect();
        let mut stmt = self.conn.prepare(
            "SELECT stage, max(touched_at) FROM cards WHERE gone_at IS NULL GROUP BY stage",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(d) = day(r.get_ref(1)?.as_str_or_null().ok().flatten()) else {
                continue;
            };
            let stage = r.get_ref(0)?.as_str().unwrap_or_default();
            match last.get_mut(stage) {
                Some(at) => *at = (*at).max(d),
                None => {
                    last.insert(stage.to_string(), d);
                }
            }
        }
        Ok(last.into_iter().collect())
    }
}

/// A list whose items are kept when it is cleared, to be overwritten: strings keep their
/// buffers, so refilling the list allocates nothing once it has grown.
struct Reused<T> {
    items: Vec<T>,
    len: usize,
}

impl<T> Default for Reused<T> {
    fn default() -> Self {
        Reused {
            items: Vec::new(),
            len: 0,
        }
    }
}

impl<A: Default + Clear, B: Default + Clear> Reused<(A, B)> {
    /// The next item, cleared.
    fn next(&mut self) -> &mut (A, B) {
        if self.len == self.items.len() {
            self.items.push(Default::default());
        }
        let item = &mut self.items[self.len];
        item.0.clear();
        item.1.clear();
        self.len += 1;
        item
    }
}

impl<T> Reused<T> {
    fn clear(&mut self) {
        self.len = 0;
    }

    fn as_mut(&mut self) -> &mut [T] {
        &mut self.items[..self.len]
    }
}

/// What an item of a [`Reused`] list clears to before it is overwritten.
trait Clear {
    fn clear(&mut self);
}

impl Clear for String {
    fn clear(&mut self) {
        String::clear(self);
    }
}

impl Clear for NaiveDate {
    /// A day is overwritten whole.
    fn clear(&mut self) {}
}

impl Clear for chrono::NaiveDateTime {
    /// A moment is overwritten whole.
    fn clear(&mut self) {}
}
