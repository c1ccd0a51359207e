//! What the analytics read, streamed: every card, and every current review with the lead's
//! standing decision, fed to `domain::analytics`'s collector, which does the counting; nothing
//! here holds more than one row, the lead's decisions, and the checklists already parsed.
//!
//! Speed matters here (a million cards and 200,000 reviews in under two seconds), hence the
//! memory map, the dates read by hand and the parsed checklists kept: each of these was a
//! tenth or more of the time.

pub mod stages;

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use rusqlite::types::Type;
use rusqlite::{Row, params};

use crate::domain::Funnel;
use crate::domain::analytics::{
    CardFact, Collector, Finding, LeftOut, StatsFigures, Window, stage_rows,
};
use crate::domain::decision::DecisionKind;
use crate::domain::review::Verdict;
use crate::domain::score::Answers;
use crate::store::{Store, StoreError};

/// How many distinct checklists are kept parsed. Reviews repeat a few hundred answer sets (most
/// items pass); past this many the cache starts again rather than grow.
const CHECKLISTS_KEPT: usize = 50_000;

/// The day of a 'YYYY-MM-DD HH:MM:SS' time (or a bare date); `None` for anything else. By hand,
/// from bytes: chrono's format parser cost more than SQLite's read of the row.
pub(crate) fn day(b: Option<&[u8]>) -> Option<NaiveDate> {
    let b = b?;
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |s: &[u8]| -> Option<u32> {
        s.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(num(&b[..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, num(&b[5..7])?, num(&b[8..10])?)
}

/// The moment of a 'YYYY-MM-DD HH:MM:SS' time (a bare date: its midnight); `None` for anything
/// else. By hand, as [`day`].
pub(crate) fn moment(b: Option<&[u8]>) -> Option<chrono::NaiveDateTime> {
    let b = b?;
    let date = day(Some(b))?;
    let two = |i: usize| -> Option<u32> {
        let (h, l) = (*b.get(i)?, *b.get(i + 1)?);
        (h.is_ascii_digit() && l.is_ascii_digit())
            .then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
    };
    if b.len() < 19 {
        return date.and_hms_opt(0, 0, 0);
    }
    date.and_hms_opt(two(11)?, two(14)?, two(17)?)
}

/// Column `i` as borrowed text (no copy of a million owners' names), or `None` for null.
fn text<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i)?
        .as_str_or_null()
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

/// A column that is never null.
fn required<'r>(r: &'r Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    text(r, i)?.ok_or(rusqlite::Error::InvalidColumnType(
        i,
        String::new(),
        Type::Null,
    ))
}

/// The window as bounds on `reviews.created_at`: at or after the first, before the second (the
/// day after `until` starts).
pub(crate) fn bounds(window: &Window) -> (Option<String>, Option<String>) {
    let since = window.since.map(|d| format!("{d} 00:00:00"));
    let before = window
        .until
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .map(|d| format!("{d} 00:00:00"));
    (since, before)
}

/// The funnel version a review `r` was made under (`Finding::version`): its fingerprint's, else
/// the latest version first used at or before it was made. The same SQL on both backends; the
/// history is a few rows, the first look-up goes by its unique hash.
pub(crate) const REVIEW_VERSION: &str = "coalesce(
    (SELECT v.version FROM funnel_versions v WHERE v.hash = r.funnel_fingerprint),
    (SELECT max(v.version) FROM funnel_versions v WHERE v.first_used <= r.created_at))";

/// A review's standing lead decision: its kind and, on an override, the lead's verdict.
type Decision = (DecisionKind, Option<Verdict>);

impl Store {
    /// The figures of the stats and the report: one pass over the cards and one over the
    /// current reviews in `window` (the per-stage counts come from the same passes). Idle days
    /// count to `today`.
    pub fn stats_figures(
        &self,
        funnel: &Funnel,
        today: NaiveDate,
        window: Window,
    ) -> Result<StatsFigures, StoreError> {
        let mut collector = Collector::new(funnel, today, window);
        if let Some((first, last)) = self.card_id_span()? {
            // Two threads read half the cards each: SQLite's decoding of a million rows is most
            // of the time, and a laptop has two cores or more.
            let middle = first + (last - first) / 2 + 1;
            let path = self.path();
            std::thread::scope(|s| -> Result<(), StoreError> {
                let second = s.spawn(move || -> Result<Collector, StoreError> {
                    let store = Store::open(path)?;
                    let mut c = Collector::new(funnel, today, window);
                    store.for_each_card_fact(middle..last + 1, |f: &CardFact| c.add_card(f))?;
                    Ok(c)
                });
                self.for_each_card_fact(first..middle, |f: &CardFact| collector.add_card(f))?;
                // A panic there is a bug: raised again here with its own message.
                let second = second
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))?;
                collector.absorb(second);
                Ok(())
            })?;
        }
        self.for_each_finding(&window, |r: &Finding| collector.add_review(r))?;
        if collector.holds_no_review() {
            collector.left_out(self.reviews_left_out(&window)?);
        }
        let (analytics, counts) = collector.finish();
        Ok(StatsFigures {
            rows: stage_rows(counts.table(funnel), &analytics.stages),
            analytics,
        })
    }

    /// The current reviews `window`'s days leave out: how many, and the days of the first and
    /// the last. None for a window of all days.
    pub fn reviews_left_out(&self, window: &Window) -> Result<LeftOut, StoreError> {
        let (since, before) = bounds(window);
        if since.is_none() && before.is_none() {
            return Ok(LeftOut::default());
        }
        let left_out = self.conn.query_row(
            "SELECT count(*), min(created_at), max(created_at) FROM reviews
             WHERE superseded_by IS NULL AND withdrawn_at IS NULL
               AND (created_at < ?1 OR created_at >= ?2)",
            params![since, before],
            |r| {
                Ok(LeftOut {
                    reviews: r.get::<_, i64>(0)? as u64,
                    first: day(text(r, 1)?.map(str::as_bytes)),
                    last: day(text(r, 2)?.map(str::as_bytes)),
                })
            },
        )?;
        Ok(left_out)
    }

    /// The lowest and highest card id; `None` for a store without cards.
    pub fn card_id_span(&self) -> Result<Option<(i64, i64)>, StoreError> {
        // Two subqueries: each is one step down the table's b-tree, where `min(id), max(id)`
        // in one SELECT scans every row.
        let span: (Option<i64>, Option<i64>) = self.conn.query_row(
            "SELECT (SELECT min(id) FROM cards), (SELECT max(id) FROM cards)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(span.0.zip(span.1))
    }

    /// Calls `f` with every card whose id is in `ids`. One pass over that part of the table
    /// (the owner is in no index), read in place through a memory map: SQLite then copies no
    /// page, which halves the time on a store of a million cards.
    pub fn for_each_card_fact(
        &self,
        ids: std::ops::Range<i64>,
        mut f: impl FnMut(&CardFact),
    ) -> Result<(), StoreError> {
        self.conn
            .pragma_update(None, "mmap_size", crate::store::schema::MMAP_SIZE)?;
        let mut stmt = self.conn.prepare(
            "SELECT id, stage, owner, touched_at, coalesce(closed, 0) <> 0 OR closed_at IS NOT NULL, gone_at IS NOT NULL
             FROM cards WHERE id >= ?1 AND id < ?2",
        )?;
        // The flagged ones, merged in: both walk in id order (a lookup per card would cost
        // a million seeks).
        let mut flagged = self.conn.prepare(
            "SELECT card_id FROM standings WHERE card_id >= ?1 AND card_id < ?2 ORDER BY card_id",
        )?;
        let mut flagged = flagged.query(params![ids.start, ids.end])?;
        let mut next_flagged: Option<i64> = None;
        let mut rows = stmt.query(params![ids.start, ids.end])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while next_flagged.is_none_or(|f| f < id) {
                match flagged.next()? {
                    Some(f) => next_flagged = Some(f.get(0)?),
                    None => {
                        next_flagged = Some(i64::MAX);
                    }
                }
            }
            f(&CardFact {
                id,
                stage: required(r, 1)?,
                owner: text(r, 2)?,
                touched: day(r.get_ref(3)?.as_bytes_or_null().ok().flatten()),
                closed: r.get::<_, i64>(4)? != 0,
                flagged: next_flagged == Some(id),
                gone: r.get(5)?,
            });
        }
        Ok(())
    }

    /// Each review's latest decision not taken back, in one read: cheaper than looking one up
    /// per review. Latest as the exports and the server take it (by its sequence first).
    fn standing_decisions(&self) -> Result<HashMap<String, Decision>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT review_id, decision, verdict FROM lead_decisions WHERE withdrawn_at IS NULL
             ORDER BY review_id, seq DESC, created_at DESC, id DESC",
        )?;
        let mut rows = stmt.query([])?;
        let mut out: HashMap<String, Decision> = HashMap::new();
        while let Some(r) = rows.next()? {
            let review = required(r, 0)?;
            // The first row of a review is its latest decision.
            if out.contains_key(review) {
                continue;
            }
            let Some(kind) = text(r, 1)?.and_then(DecisionKind::from_name) else {
                continue;
            };
            let verdict = text(r, 2)?.and_then(Verdict::from_name);
            out.insert(review.to_string(), (kind, verdict));
        }
        Ok(out)
    }

    /// Calls `f` with every current review made within `window`, with the lead's latest
    /// decision not taken back and the verdict of the lead's decision that settles its card. The card is named by id, not joined: a million-card table read
    /// at 200,000 random places costs more than the whole pass [`Self::for_each_card_fact`]
    /// makes anyway.
    pub fn for_each_finding(
        &self,
        window: &Window,
        mut f: impl FnMut(&Finding),
    ) -> Result<(), StoreError> {
        let decisions = self.standing_decisions()?;
        let settled = self.settled_cards()?;
        let any_settled = !settled.is_empty();
        let (since, before) = bounds(window);
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, card_id, stage, verdict, score, checklist, created_at,
                    card_source, card_external_id, auditor, {REVIEW_VERSION}
             FROM reviews r
             WHERE superseded_by IS NULL AND withdrawn_at IS NULL
               AND (?1 IS NULL OR created_at >= ?1)
               AND (?2 IS NULL OR created_at < ?2)"
        ))?;
        let mut rows = stmt.query(params![since, before])?;
        let mut checklists: HashMap<String, Answers> = HashMap::new();
        let empty = Answers::new();
        while let Some(r) = rows.next()? {
            let id = required(r, 0)?;
            let at = required(r, 6)?;
            let Some(day) = day(Some(at.as_bytes())) else {
                continue;
            };
            let json = required(r, 5)?;
            if !checklists.contains_key(json) {
                if checklists.len() >= CHECKLISTS_KEPT {
                    checklists.clear();
                }
                // A JSON column okk wrote itself; a damaged one counts as no answers.
                let answers = serde_json::from_str(json).unwrap_or_default();
                checklists.insert(json.to_string(), answers);
            }
            let settling = match any_settled {
                true => settled.get(required(r, 7)?, required(r, 8)?),
                false => None,
            };
            f(&Finding {
                id,
                card: r.get(1)?,
                crm_card: (required(r, 7)?, required(r, 8)?),
                auditor: required(r, 9)?,
                stage: required(r, 2)?,
                verdict: text(r, 3)?
                    .and_then(Verdict::from_name)
                    .unwrap_or(Verdict::Unclear),
                lead: decisions.get(id).copied(),
                settled: settling.map(|s| s.verdict()),
                settles: settling.is_some_and(|s| s.review_id == id),
                score: r.get(4)?,
                answers: checklists.get(json).unwrap_or(&empty),
                at,
                day,
                version: r.get(10)?,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::day;

    #[test]
    fn days_are_read_from_times_and_dates_and_nothing_else() {
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd);
        assert_eq!(day(Some(b"2026-11-20 12:00:00")), d(2026, 11, 20));
        assert_eq!(day(Some(b"2026-02-28")), d(2026, 2, 28));
        assert_eq!(day(Some(b"2026-02-30")), None);
        assert_eq!(day(Some(b"20.11.2026")), None);
        assert_eq!(day(Some(b"2026-1a-20")), None);
        assert_eq!(day(Some(b"")), None);
        assert_eq!(day(None), None);
    }

    #[test]
    fn moments_are_read_to_the_second_and_a_bare_date_is_its_midnight() {
        let m = |s: &str| super::moment(Some(s.as_bytes())).map(|t| t.to_string());
        assert_eq!(
            m("2026-12-05 19:55:37").as_deref(),
            Some("2026-12-05 19:55:37")
        );
        assert_eq!(m("2026-12-05").as_deref(), Some("2026-12-05 00:00:00"));
        assert_eq!(m("2026-12-05 19:5x:37"), None);
        assert_eq!(m("2026-12-05 25:00:00"), None);
    }
}
