//! Reading cards back as domain values, streamed: rules run over every card without holding
//! them all in memory.

use chrono::NaiveDateTime;
use rusqlite::Row;

use super::cards::parse_time;
use super::{Store, StoreError};
use crate::domain::{Card, CardContext, FieldName, StageVisit};

/// The columns [`RawCard`] reads, in order.
pub const CARD_COLUMNS: &str = "c.id, c.source, c.external_id, c.pipeline, c.stage, c.title, \
     c.owner, c.amount, c.currency, c.created_at, c.updated_at, c.closed_at, \
     c.expected_close_at, c.last_activity_at, c.closed, c.won, c.contact, c.company, c.phones, \
     c.emails, c.tags, c.notes, c.fields, c.invalid, c.gone_at, c.touched_at, c.search";

fn time(v: Option<String>) -> Option<NaiveDateTime> {
    v.and_then(|s| parse_time(&s))
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

/// The columns of a card's row that its queue order and filters read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueColumns {
    pub stage: String,
    pub touched_at: Option<String>,
    pub external_id: String,
    pub gone_at: Option<String>,
    pub closed: Option<bool>,
    pub closed_at: Option<String>,
    pub search: String,
}

/// A card row as SQLite gave it: its columns, not yet parsed. Reading is cheap and must happen
/// on the connection's thread; parsing (JSON, dates) can happen on another.
pub struct RawCard {
    pub id: i64,
    text: [Option<String>; 12],
    lists: [String; 6],
    times: [Option<String>; 6],
    amount: Option<f64>,
    closed: Option<bool>,
    won: Option<bool>,
    touched_at: Option<String>,
    search: String,
    /// The stage history as read: (stage, seen at), oldest first.
    history: Vec<(String, String)>,
}

impl RawCard {
    /// The card's owner as stored.
    pub fn owner(&self) -> Option<&str> {
        self.text[5].as_deref()
    }

    /// The card's columns a standing copies (see `standings`).
    pub fn queue_columns(&self) -> QueueColumns {
        QueueColumns {
            stage: self.text[3].clone().unwrap_or_default(),
            touched_at: self.touched_at.clone(),
            external_id: self.text[1].clone().unwrap_or_default(),
            gone_at: self.times[5].clone(),
            closed: self.closed,
            closed_at: self.times[2].clone(),
            search: self.search.clone(),
        }
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<RawCard> {
        Ok(RawCard {
            id: r.get(0)?,
            // source, external_id, pipeline, stage, title, owner, currency, contact, company
            text: [
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(8)?,
                r.get(16)?,
                r.get(17)?,
                None,
                None,
                None,
            ],
            // phones, emails, tags, notes, fields, invalid
            lists: [
                r.get(18)?,
                r.get(19)?,
                r.get(20)?,
                r.get(21)?,
                r.get(22)?,
                r.get(23)?,
            ],
            // created, updated, closed, expected close, last activity, gone
            times: [
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
                r.get(12)?,
                r.get(13)?,
                r.get(24)?,
            ],
            amount: r.get(7)?,
            closed: r.get(14)?,
            won: r.get(15)?,
            touched_at: r.get(25)?,
            search: r.get(26)?,
            history: Vec::new(),
        })
    }

    /// The card and what the store knows beyond it (history, gone).
    pub fn parse(self) -> (Card, CardContext) {
        let [
            source,
            external_id,
            pipeline,
            stage,
            title,
            owner,
            currency,
            contact,
            company,
            ..,
        ] = self.text;
        let [phones, emails, tags, notes, fields, invalid] = self.lists;
        let [created, updated, closed_at, expected, activity, gone] = self.times;
        let gone_since = time(gone);
        let context = CardContext {
            gone: gone_since.is_some(),
            gone_since,
            history: self
                .history
                .into_iter()
                .map(|(stage, seen_at)| StageVisit {
                    stage,
                    seen_at: time(Some(seen_at)).unwrap_or_default(),
                })
                .collect(),
        };
        let card = Card {
            source: source.unwrap_or_default(),
            external_id: external_id.unwrap_or_default(),
            pipeline,
            stage: stage.unwrap_or_default(),
            title,
            owner,
            amount: self.amount,
            currency,
            created_at: time(created),
            updated_at: time(updated),
            closed_at: time(closed_at),
            expected_close_at: time(expected),
            last_activity_at: time(activity),
            closed: self.closed,
            won: self.won,
            contact,
            company,
            phones: list(phones),
            emails: list(emails),
            tags: list(tags),
            notes: list(notes),
            fields: pairs(fields),
            invalid: pairs(invalid)
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        };
        (card, context)
    }
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
        self.for_each_raw_in(after, upto, |raw| {
            let id = raw.id;
            let (card, ctx) = raw.parse();
            f(id, card, ctx)
        })
    }

    /// Cards in `after < id <= upto` as read, unparsed, with their stage history (parsing
    /// is left to the caller, which may do it on another thread).
    pub fn for_each_raw_in(
        &self,
        after: i64,
        upto: i64,
        mut f: impl FnMut(RawCard) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut cards = self.conn.prepare_cached(&format!(
            "SELECT {CARD_COLUMNS} FROM cards c WHERE c.id > ?1 AND c.id <= ?2 ORDER BY c.id"
        ))?;
        let mut history = self.conn.prepare_cached(
            "SELECT card_id, stage, seen_at FROM stage_history
             WHERE card_id > ?1 AND card_id <= ?2 ORDER BY card_id, batch_id",
        )?;
        let mut hist_rows = history.query([after, upto])?;
        let mut pending: Option<(i64, (String, String))> = None;
        let mut rows = cards.query([after, upto])?;
        while let Some(r) = rows.next()? {
            let mut raw = RawCard::from_row(r)?;
            let id = raw.id;
            // Both cursors walk in card id order: merge them.
            loop {
                if pending.is_none()
                    && let Some(h) = hist_rows.next()?
                {
                    pending = Some((h.get(0)?, (h.get(1)?, h.get(2)?)));
                }
                match pending.take() {
                    Some((cid, v)) if cid == id => raw.history.push(v),
                    Some((cid, v)) if cid < id => drop(v),
                    other => {
                        pending = other;
                        break;
                    }
                }
            }
            f(raw)?;
        }
        Ok(())
    }
}

/// Everything the reviewer shows of one card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardDetail {
    pub card_id: i64,
    pub card: Card,
    pub context: CardContext,
    pub flags: Vec<crate::domain::flag::Flag>,
    pub hash: i64,
}

impl Store {
    /// One card with its stage history, flags and content digest; `None` if there is no such id.
    pub fn card_detail(&self, card_id: i64) -> Result<Option<CardDetail>, StoreError> {
        use crate::domain::flag::{Flag, RuleCode, Severity};
        let mut found = None;
        self.for_each_card_in(card_id - 1, card_id, |id, card, context| {
            found = Some((id, card, context));
            Ok(())
        })?;
        let Some((card_id, card, context)) = found else {
            return Ok(None);
        };
        let hash: i64 = self
            .conn
            .prepare_cached("SELECT content_hash FROM cards WHERE id = ?1")?
            .query_row([card_id], |r| r.get(0))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT code, severity, message, field FROM flags WHERE card_id = ?1 ORDER BY seq",
        )?;
        let flags = stmt
            .query_map([card_id], |r| {
                Ok(Flag {
                    code: RuleCode::from_name(&r.get::<_, String>(0)?)
                        .unwrap_or(RuleCode::UnknownStage),
                    severity: Severity::from_rank(r.get(1)?).unwrap_or(Severity::Warning),
                    message: r.get(2)?,
                    field: r.get(3)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(CardDetail {
            card_id,
            card,
            context,
            flags,
            hash,
        }))
    }
}
