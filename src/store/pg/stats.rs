//! The stats on PostgreSQL: the same two streams the SQLite store feeds the domain's collector
//! (every card, every current review with the lead's standing decision), read row by row.

use std::collections::HashMap;

use chrono::NaiveDate;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;

use super::PgStore;
use crate::domain::Funnel;
use crate::domain::analytics::stages::StageInUse;
use crate::domain::analytics::{
    CardFact, Collector, Finding, LeftOut, StatsFigures, Window, stage_rows,
};
use crate::domain::auditors::ReviewFact;
use crate::domain::decision::DecisionKind;
use crate::domain::fill::FillRow;
use crate::domain::review::Verdict;
use crate::domain::score::Answers;
use crate::store::StoreError;
use crate::store::analytics::{REVIEW_VERSION, bounds, day};

const NO_PARAMS: [&(dyn ToSql + Sync); 0] = [];

/// Every card into the collector, streamed (rows as they arrive, never all of them held).
fn add_cards(conn: &mut postgres::Client, collector: &mut Collector) -> Result<(), StoreError> {
    let mut rows = conn.query_raw(
        "SELECT c.id, c.stage, c.owner, c.touched_at, (coalesce(c.closed, 0) <> 0 OR c.closed_at IS NOT NULL),
                s.card_id IS NOT NULL, c.gone_at IS NOT NULL
         FROM cards c LEFT JOIN standings s ON s.card_id = c.id",
        NO_PARAMS,
    )?;
    while let Some(r) = rows.next()? {
        let touched: Option<&str> = r.get(3);
        collector.add_card(&CardFact {
            id: r.get(0),
            stage: r.get(1),
            owner: r.get(2),
            touched: day(touched.map(str::as_bytes)),
            closed: r.get(4),
            flagged: r.get(5),
            gone: r.get(6),
        });
    }
    Ok(())
}

/// Each review's standing lead decision: its kind and, on an override, the lead's verdict.
fn standing_decisions(
    conn: &mut postgres::Client,
) -> Result<HashMap<String, (DecisionKind, Option<Verdict>)>, StoreError> {
    let mut decisions = HashMap::new();
    for r in conn.query(
        "SELECT DISTINCT ON (review_id) review_id, decision, verdict FROM lead_decisions
         WHERE withdrawn_at IS NULL ORDER BY review_id, seq DESC, created_at DESC, id DESC",
        &[],
    )? {
        let kind: &str = r.get(1);
        if let Some(kind) = DecisionKind::from_name(kind) {
            let verdict: Option<&str> = r.get(2);
            decisions.insert(r.get(0), (kind, verdict.and_then(Verdict::from_name)));
        }
    }
    Ok(decisions)
}

/// Calls `f` with every current review made within `window`, with the lead's standing decision
/// and the verdict of the decision that settles its card (the store file's `for_each_finding`).
pub(super) fn for_each_finding(
    conn: &mut postgres::Client,
    window: &Window,
    mut f: impl FnMut(&Finding),
) -> Result<(), StoreError> {
    let decisions = standing_decisions(conn)?;
    let settled = super::desk::settled_cards_in(conn, None)?;
    let (since, before) = bounds(window);
    let params: [&(dyn ToSql + Sync); 2] = [&since, &before];
    let mut rows = conn.query_raw(
        &format!(
            "SELECT id, card_id, stage, verdict, score, checklist, created_at,
                    card_source, card_external_id, auditor, {REVIEW_VERSION}
             FROM reviews r
             WHERE superseded_by IS NULL AND withdrawn_at IS NULL
               AND ($1::text IS NULL OR created_at >= $1)
               AND ($2::text IS NULL OR created_at < $2)"
        ),
        params,
    )?;
    let mut checklists: HashMap<String, Answers> = HashMap::new();
    let empty = Answers::new();
    while let Some(r) = rows.next()? {
        let id: &str = r.get(0);
        let at: &str = r.get(6);
        let Some(day) = day(Some(at.as_bytes())) else {
            continue;
        };
        let json: &str = r.get(5);
        if !checklists.contains_key(json) {
            checklists.insert(
                json.to_string(),
                serde_json::from_str(json).unwrap_or_default(),
            );
        }
        let verdict: &str = r.get(3);
        let settling = settled.get(r.get(7), r.get(8));
        f(&Finding {
            id,
            card: r.get(1),
            crm_card: (r.get(7), r.get(8)),
            auditor: r.get(9),
            stage: r.get(2),
            verdict: Verdict::from_name(verdict).unwrap_or(Verdict::Unclear),
            lead: decisions.get(id).copied(),
            settled: settling.map(|s| s.verdict()),
            settles: settling.is_some_and(|s| s.review_id == id),
            score: r.get(4),
            answers: checklists.get(json).unwrap_or(&empty),
            at,
            day,
            version: r.get(10),
        });
    }
    Ok(())
}

/// The current reviews `window`'s days leave out (the store file's `reviews_left_out`).
fn reviews_left_out(conn: &mut postgres::Client, window: &Window) -> Result<LeftOut, StoreError> {
    let (since, before) = bounds(window);
    if since.is_none() && before.is_none() {
        return Ok(LeftOut::default());
    }
    let r = conn.query_one(
        "SELECT count(*), min(created_at), max(created_at) FROM reviews
         WHERE superseded_by IS NULL AND withdrawn_at IS NULL
           AND (created_at < $1::text OR created_at >= $2::text)",
        &[&since, &before],
    )?;
    let at = |i: usize| r.get::<_, Option<&str>>(i).map(str::as_bytes);
    Ok(LeftOut {
        reviews: r.get::<_, i64>(0) as u64,
        first: day(at(1)),
        last: day(at(2)),
    })
}

impl PgStore {
    /// As the store file's `stages_in_use`.
    pub fn stages_in_use(&self) -> Result<Vec<StageInUse>, StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let rows = conn.query(crate::store::analytics::stages::STAGES_IN_USE, &[])?;
        Ok(rows
            .iter()
            .map(|r| StageInUse {
                stage: r.get(0),
                cards: r.get::<_, i64>(1) as u64,
                reviews: r.get::<_, i64>(2) as u64,
            })
            .collect())
    }

    pub fn stats_figures(
        &self,
        funnel: &Funnel,
        today: NaiveDate,
        window: Window,
    ) -> Result<StatsFigures, StoreError> {
        let mut collector = Collector::new(funnel, today, window);
        let conn = &mut *self.conn.borrow_mut();
        add_cards(conn, &mut collector)?;
        for_each_finding(conn, &window, |f| collector.add_review(f))?;
        if collector.holds_no_review() {
            collector.left_out(reviews_left_out(conn, &window)?);
        }
        let (analytics, counts) = collector.finish();
        Ok(StatsFigures {
            rows: stage_rows(counts.table(funnel), &analytics.stages),
            analytics,
        })
    }

    pub fn reviews_per_day(
        &self,
        first: NaiveDate,
        last: NaiveDate,
    ) -> Result<Vec<u64>, StoreError> {
        let end = last + chrono::Days::new(1);
        let counts: HashMap<String, u64> = self
            .conn
            .borrow_mut()
            .query(
                "SELECT left(created_at, 10), count(*) FROM reviews
                 WHERE withdrawn_at IS NULL AND created_at >= $1 AND created_at < $2
                 GROUP BY 1",
                &[&first.to_string(), &end.to_string()],
            )?
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect();
        Ok(first
            .iter_days()
            .take_while(|d| *d <= last)
            .map(|d| counts.get(&d.to_string()).copied().unwrap_or(0))
            .collect())
    }

    pub fn review_facts(&self) -> Result<Vec<ReviewFact>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT r.auditor, r.seconds_spent, d.decision, r.stage, r.checklist, d.checklist,
                    r.superseded_by IS NULL, r.funnel_fingerprint
             FROM reviews r LEFT JOIN LATERAL (
                 SELECT d2.decision, d2.checklist FROM lead_decisions d2
                 WHERE d2.review_id = r.id AND d2.withdrawn_at IS NULL
                 ORDER BY d2.seq DESC, d2.created_at DESC, d2.id DESC LIMIT 1) d ON TRUE
             WHERE r.withdrawn_at IS NULL
             ORDER BY r.seq",
            &[],
        )?;
        Ok(rows
            .iter()
            .map(|r| {
                let d: Option<&str> = r.get(2);
                let lead: Option<&str> = r.get(5);
                ReviewFact {
                    auditor: r.get(0),
                    current: r.get(6),
                    seconds: r.get(1),
                    decision: d.and_then(DecisionKind::from_name),
                    stage: r.get(3),
                    answers: serde_json::from_str(r.get(4)).unwrap_or_default(),
                    lead_answers: lead.and_then(|j| serde_json::from_str(j).ok()),
                    funnel_fingerprint: r.get(7),
                }
            })
            .collect())
    }

    /// The fill rows over every card not gone, as [`crate::store::Store::fill_rows`] counts
    /// them (`pg::fill`).
    pub fn fill_rows(&self, funnel: &Funnel) -> Result<Vec<FillRow>, StoreError> {
        self.fill_rows_of(funnel, None, None)
    }
}
