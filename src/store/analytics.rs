//! What the analytics read, streamed: every card not gone, and every current review with the
//! lead's standing decision. Counting happens in `domain::analytics`; nothing here holds more
//! than one row.

use chrono::{Days, NaiveDate};
use rusqlite::types::Type;
use rusqlite::{Row, params};

use super::{Store, StoreError};
use crate::domain::analytics::{CardFact, Finding, Window};
use crate::domain::decision::DecisionKind;
use crate::domain::review::Verdict;

/// The day of a 'YYYY-MM-DD HH:MM:SS' time (or a bare date); `None` for anything else.
fn day(text: Option<&str>) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text?.get(..10)?, "%Y-%m-%d").ok()
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
pub(super) fn bounds(window: &Window) -> (Option<String>, Option<String>) {
    let since = window.since.map(|d| format!("{d} 00:00:00"));
    let before = window
        .until
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .map(|d| format!("{d} 00:00:00"));
    (since, before)
}

impl Store {
    /// Calls `f` with every card not gone. A full scan: the owner is not in any index, and one
    /// pass over the table is cheaper than a million index lookups.
    pub fn for_each_card_fact(&self, mut f: impl FnMut(&CardFact)) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT stage, owner, touched_at, coalesce(closed, 0), flag_count > 0
             FROM cards WHERE gone_at IS NULL",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(&CardFact {
                stage: required(r, 0)?,
                owner: text(r, 1)?,
                touched: day(text(r, 2)?),
                closed: r.get::<_, i64>(3)? != 0,
                flagged: r.get::<_, bool>(4)?,
            });
        }
        Ok(())
    }

    /// Calls `f` with every current review made within `window`, with its card's owner now and
    /// the lead's latest decision not taken back.
    pub fn for_each_finding(
        &self,
        window: &Window,
        mut f: impl FnMut(&Finding),
    ) -> Result<(), StoreError> {
        let (since, before) = bounds(window);
        let mut stmt = self.conn.prepare(
            "SELECT r.stage, c.owner, r.verdict, r.score, r.checklist, r.created_at,
                    d.decision, d.verdict
             FROM reviews r
             LEFT JOIN cards c ON c.id = r.card_id
             LEFT JOIN lead_decisions d ON d.rowid = (
                 SELECT d2.rowid FROM lead_decisions d2
                 WHERE d2.review_id = r.id AND d2.withdrawn_at IS NULL
                 ORDER BY d2.created_at DESC, d2.rowid DESC LIMIT 1)
             WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
               AND (?1 IS NULL OR r.created_at >= ?1)
               AND (?2 IS NULL OR r.created_at < ?2)",
        )?;
        let mut rows = stmt.query(params![since, before])?;
        while let Some(r) = rows.next()? {
            let verdict = |i: usize| -> rusqlite::Result<Option<Verdict>> {
                Ok(text(r, i)?.and_then(Verdict::from_name))
            };
            let Some(day) = day(text(r, 5)?) else {
                continue;
            };
            let lead = text(r, 6)?
                .and_then(DecisionKind::from_name)
                .map(|k| Ok::<_, rusqlite::Error>((k, verdict(7)?)))
                .transpose()?;
            f(&Finding {
                stage: required(r, 0)?,
                owner: text(r, 1)?,
                verdict: verdict(2)?.unwrap_or(Verdict::Unclear),
                lead,
                score: r.get(3)?,
                // A JSON column okk wrote itself; a damaged one counts as no answers.
                answers: serde_json::from_str(required(r, 4)?).unwrap_or_default(),
                day,
            });
        }
        Ok(())
    }
}
