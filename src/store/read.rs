//! Reading cards back as domain values, streamed: rules run over every card without holding
//! them all in memory.

use chrono::NaiveDateTime;
use rusqlite::{Row, params};

use super::cards::TIME_FORMAT;
use super::{Store, StoreError};
use crate::domain::{Card, CardContext, FieldName, StageVisit};

/// The columns [`card_from_row`] reads, in order.
pub const CARD_COLUMNS: &str = "c.id, c.source, c.external_id, c.pipeline, c.stage, c.title, \
     c.owner, c.amount, c.currency, c.created_at, c.updated_at, c.closed_at, \
     c.expected_close_at, c.last_activity_at, c.closed, c.won, c.contact, c.company, c.phones, \
     c.emails, c.tags, c.notes, c.fields, c.invalid, c.gone_at";

fn time(v: Option<String>) -> Option<NaiveDateTime> {
    v.and_then(|s| NaiveDateTime::parse_from_str(&s, TIME_FORMAT).ok())
}

fn list(v: String) -> Vec<String> {
    serde_json::from_str(&v).unwrap_or_default()
}

fn pairs(v: String) -> Vec<(FieldName, String)> {
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&v).unwrap_or_default();
    map.into_iter()
        .map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (FieldName::from(k.as_str()), v)
        })
        .collect()
}

/// (card id, card, when it went missing) from a row selected with [`CARD_COLUMNS`].
pub fn card_from_row(r: &Row<'_>) -> rusqlite::Result<(i64, Card, Option<NaiveDateTime>)> {
    let card = Card {
        source: r.get(1)?,
        external_id: r.get(2)?,
        pipeline: r.get(3)?,
        stage: r.get(4)?,
        title: r.get(5)?,
        owner: r.get(6)?,
        amount: r.get(7)?,
        currency: r.get(8)?,
        created_at: time(r.get(9)?),
        updated_at: time(r.get(10)?),
        closed_at: time(r.get(11)?),
        expected_close_at: time(r.get(12)?),
        last_activity_at: time(r.get(13)?),
        closed: r.get(14)?,
        won: r.get(15)?,
        contact: r.get(16)?,
        company: r.get(17)?,
        phones: list(r.get(18)?),
        emails: list(r.get(19)?),
        tags: list(r.get(20)?),
        notes: list(r.get(21)?),
        fields: pairs(r.get(22)?),
        invalid: pairs(r.get::<_, String>(23)?)
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    };
    Ok((r.get(0)?, card, time(r.get(24)?)))
}

impl Store {
    /// Calls `f` for every card with its context, in id order, reading in one pass.
    pub fn for_each_card(
        &self,
        mut f: impl FnMut(i64, &Card, &CardContext) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.for_each_card_in(0, i64::MAX, |id, card, ctx| f(id, &card, &ctx))
    }

    /// The largest card id (0 when there are none): callers walk the cards in id ranges.
    pub fn max_card_id(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT coalesce(max(id), 0) FROM cards", [], |r| r.get(0))?)
    }

    /// Like [`Store::for_each_card`], for ids in `after < id <= upto`, handing the cards over.
    pub fn for_each_card_in(
        &self,
        after: i64,
        upto: i64,
        mut f: impl FnMut(i64, Card, CardContext) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut cards = self.conn.prepare_cached(&format!(
            "SELECT {CARD_COLUMNS} FROM cards c WHERE c.id > ?1 AND c.id <= ?2 ORDER BY c.id"
        ))?;
        let mut history = self.conn.prepare_cached(
            "SELECT card_id, stage, seen_at FROM stage_history
             WHERE card_id > ?1 AND card_id <= ?2 ORDER BY card_id, batch_id",
        )?;
        let mut hist_rows = history.query([after, upto])?;
        let mut pending: Option<(i64, StageVisit)> = None;
        let mut rows = cards.query([after, upto])?;
        while let Some(r) = rows.next()? {
            let (id, card, gone_since) = card_from_row(r)?;
            let mut ctx = CardContext {
                gone: gone_since.is_some(),
                gone_since,
                history: Vec::new(),
            };
            // Both cursors walk in card id order: merge them.
            loop {
                if pending.is_none()
                    && let Some(h) = hist_rows.next()?
                {
                    let visit = StageVisit {
                        stage: h.get(1)?,
                        seen_at: time(h.get(2)?).unwrap_or_default(),
                    };
                    pending = Some((h.get(0)?, visit));
                }
                match pending.take() {
                    Some((cid, v)) if cid == id => ctx.history.push(v),
                    Some((cid, v)) if cid < id => drop(v),
                    other => {
                        pending = other;
                        break;
                    }
                }
            }
            f(id, card, ctx)?;
        }
        Ok(())
    }

    /// One card by source and external id.
    pub fn card(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<(i64, Card, CardContext)>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {CARD_COLUMNS} FROM cards c WHERE c.source = ?1 AND c.external_id = ?2"
        ))?;
        let mut rows = stmt.query(params![source, external_id])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let (id, card, gone_since) = card_from_row(r)?;
        let mut h = self.conn.prepare_cached(
            "SELECT stage, seen_at FROM stage_history WHERE card_id = ?1 ORDER BY batch_id",
        )?;
        let history = h
            .query_map([id], |r| {
                Ok(StageVisit {
                    stage: r.get(0)?,
                    seen_at: time(r.get(1)?).unwrap_or_default(),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some((
            id,
            card,
            CardContext {
                gone: gone_since.is_some(),
                gone_since,
                history,
            },
        )))
    }
}
