//! Reading cards back as domain values, streamed: rules run over every card without holding
//! them all in memory.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, Row};

use super::cards::parse_time;
use super::fields::FieldNames;
use super::{Store, StoreError};
use crate::domain::{Card, CardContext, FieldName, StageVisit};

/// The store's stages, each found by one seek of the queue index (which leads with the stage)
/// from the one before (SQLite and PostgreSQL alike): a store of a million cards has a few
/// dozen stages, and reading them this way costs as many seeks, where `DISTINCT` reads every
/// entry.
pub const DISTINCT_STAGES: &str = "WITH RECURSIVE s(stage) AS (
        SELECT (SELECT min(stage) FROM cards)
        UNION ALL
        SELECT (SELECT min(stage) FROM cards WHERE stage > s.stage) FROM s
        WHERE s.stage IS NOT NULL)
    SELECT stage FROM s WHERE stage IS NOT NULL";

/// The columns [`RawCard`] reads, in order.
pub const CARD_COLUMNS: &str = "c.id, c.source, c.external_id, c.pipeline, c.stage, c.title, \
     c.owner, c.amount, c.currency, c.created_at, c.updated_at, c.closed_at, \
     c.expected_close_at, c.last_activity_at, c.closed, c.won, c.contact, c.company, c.phones, \
     c.emails, c.tags, c.notes, c.fields, c.invalid, c.gone_at, c.touched_at, c.search, \
     c.first_batch";

fn time(v: Option<&str>) -> Option<NaiveDateTime> {
    v.and_then(parse_time)
}

// JSON is parsed from text already checked as UTF-8 (by simdutf8, several times faster on
// Cyrillic than the check `from_slice` makes of every string).
fn list(v: Option<&str>) -> Vec<String> {
    v.and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or_default()
}

/// The `invalid` column: raw values by field name (a JSON object).
fn pairs(v: Option<&str>) -> Vec<(FieldName, String)> {
    let map: serde_json::Map<String, serde_json::Value> = v
        .and_then(|v| serde_json::from_str(v).ok())
        .unwrap_or_default();
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

/// The text columns of [`CARD_COLUMNS`], by their place in it.
mod col {
    pub const SOURCE: usize = 1;
    pub const EXTERNAL_ID: usize = 2;
    pub const PIPELINE: usize = 3;
    pub const STAGE: usize = 4;
    pub const TITLE: usize = 5;
    pub const OWNER: usize = 6;
    pub const AMOUNT: usize = 7;
    pub const CURRENCY: usize = 8;
    pub const CREATED: usize = 9;
    pub const UPDATED: usize = 10;
    pub const CLOSED_AT: usize = 11;
    pub const EXPECTED: usize = 12;
    pub const ACTIVITY: usize = 13;
    pub const CLOSED: usize = 14;
    pub const WON: usize = 15;
    pub const CONTACT: usize = 16;
    pub const COMPANY: usize = 17;
    pub const PHONES: usize = 18;
    pub const EMAILS: usize = 19;
    pub const TAGS: usize = 20;
    pub const NOTES: usize = 21;
    pub const FIELDS: usize = 22;
    pub const INVALID: usize = 23;
    pub const GONE: usize = 24;
    pub const TOUCHED: usize = 25;
    pub const SEARCH: usize = 26;
    pub const FIRST_BATCH: usize = 27;
    pub const COUNT: usize = 28;
}

/// A card row as SQLite gave it: its columns' bytes, not yet checked or parsed. Reading must
/// happen on the connection's thread, which every judge waits for: it copies the bytes into one
/// buffer and nothing more. Checking the text (UTF-8), parsing JSON and dates happen on the
/// judge's thread.
pub struct RawCard {
    pub id: i64,
    /// Every text column's bytes, one after another.
    bytes: Vec<u8>,
    /// Each column's end in `bytes` and whether it is NULL (text columns only).
    ends: [(u32, bool); col::COUNT],
    amount: Option<f64>,
    closed: Option<bool>,
    won: Option<bool>,
    first_batch: i64,
    /// The stage history as read: (stage, seen at), oldest first.
    history: Vec<(String, String)>,
    /// When the card was first seen, for a card without history rows (see `stage_history`).
    first_seen: Option<String>,
}

impl RawCard {
    fn bytes(&self, col: usize) -> Option<&[u8]> {
        let (end, null) = self.ends[col];
        let start = if col == 0 { 0 } else { self.ends[col - 1].0 };
        (!null).then(|| &self.bytes[start as usize..end as usize])
    }

    /// A text column. The store wrote it as UTF-8; a damaged one reads as empty rather than
    /// failing the pass over every card.
    fn text(&self, col: usize) -> Option<&str> {
        self.bytes(col)
            .map(|b| simdutf8::basic::from_utf8(b).unwrap_or_default())
    }

    fn owned(&self, col: usize) -> Option<String> {
        self.text(col).map(str::to_owned)
    }

    /// The card's owner as stored.
    pub fn owner(&self) -> Option<&str> {
        self.text(col::OWNER)
    }

    /// The card's stage as the CRM names it.
    pub fn stage(&self) -> Option<&str> {
        self.text(col::STAGE)
    }

    /// Not gone from the CRM.
    pub fn is_live(&self) -> bool {
        self.bytes(col::GONE).is_none()
    }

    /// Not gone, and neither a closed flag nor a closing date.
    pub fn is_open(&self) -> bool {
        self.is_live() && !self.closed.unwrap_or(false) && self.bytes(col::CLOSED_AT).is_none()
    }

    /// The card's id in its CRM.
    pub fn external_id(&self) -> &str {
        self.text(col::EXTERNAL_ID).unwrap_or_default()
    }

    /// The card's last activity, update or creation ('YYYY-MM-DD HH:MM:SS').
    pub fn touched_at(&self) -> Option<&str> {
        self.text(col::TOUCHED)
    }

    /// The card's columns a standing copies (see `standings`).
    pub fn queue_columns(&self) -> QueueColumns {
        QueueColumns {
            stage: self.owned(col::STAGE).unwrap_or_default(),
            touched_at: self.owned(col::TOUCHED),
            external_id: self.owned(col::EXTERNAL_ID).unwrap_or_default(),
            gone_at: self.owned(col::GONE),
            closed: self.closed,
            closed_at: self.owned(col::CLOSED_AT),
            search: self.owned(col::SEARCH).unwrap_or_default(),
        }
    }

    fn from_row(r: &Row<'_>) -> rusqlite::Result<RawCard> {
        use rusqlite::types::ValueRef;
        let mut texts: [Option<&[u8]>; col::COUNT] = [None; col::COUNT];
        let mut size = 0;
        for (c, text) in texts.iter_mut().enumerate().skip(1) {
            if let ValueRef::Text(t) = r.get_ref(c)? {
                size += t.len();
                *text = Some(t);
            }
        }
        let mut bytes = Vec::with_capacity(size);
        let mut ends = [(0u32, true); col::COUNT];
        for (end, text) in ends.iter_mut().zip(texts).skip(1) {
            if let Some(t) = text {
                bytes.extend_from_slice(t);
                end.1 = false;
            }
            end.0 = bytes.len() as u32;
        }
        Ok(RawCard {
            id: r.get(0)?,
            bytes,
            ends,
            amount: r.get(col::AMOUNT)?,
            closed: r.get(col::CLOSED)?,
            won: r.get(col::WON)?,
            first_batch: r.get(col::FIRST_BATCH)?,
            history: Vec::new(),
            first_seen: None,
        })
    }

    /// The card and what the store knows beyond it (history, gone); `names` names its custom
    /// fields ([`Store::field_names`]).
    /// A card as another backend read it: the columns of [`CARD_COLUMNS`] as text (null as
    /// `None`) and the typed ones, with its stage history (stage, seen at) or, without one,
    /// when its first import started.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_texts(
        id: i64,
        texts: &[Option<String>],
        amount: Option<f64>,
        closed: Option<bool>,
        won: Option<bool>,
        first_batch: i64,
        history: Vec<(String, String)>,
        first_seen: Option<String>,
    ) -> RawCard {
        let mut bytes = Vec::new();
        let mut ends = [(0u32, true); col::COUNT];
        for (c, end) in ends.iter_mut().enumerate().skip(1) {
            let typed = [col::AMOUNT, col::CLOSED, col::WON, col::FIRST_BATCH].contains(&c);
            if let Some(Some(t)) = texts.get(c).filter(|_| !typed) {
                bytes.extend_from_slice(t.as_bytes());
                end.1 = false;
            }
            end.0 = bytes.len() as u32;
        }
        RawCard {
            id,
            bytes,
            ends,
            amount,
            closed,
            won,
            first_batch,
            history,
            first_seen,
        }
    }

    pub fn parse(&self, names: &FieldNames) -> (Card, CardContext) {
        let gone_since = time(self.text(col::GONE));
        let visit = |stage: &str, seen_at: &str| StageVisit {
            stage: stage.to_string(),
            seen_at: parse_time(seen_at).unwrap_or_default(),
        };
        let history = match (&self.first_seen, self.text(col::STAGE)) {
            // The card has stayed in the stage it was first seen in.
            (Some(seen_at), Some(stage)) if self.history.is_empty() => {
                vec![visit(stage, seen_at)]
            }
            _ => self.history.iter().map(|(s, at)| visit(s, at)).collect(),
        };
        let context = CardContext {
            gone: gone_since.is_some(),
            gone_since,
            history,
        };
        let card = Card {
            source: self.owned(col::SOURCE).unwrap_or_default(),
            external_id: self.owned(col::EXTERNAL_ID).unwrap_or_default(),
            pipeline: self.owned(col::PIPELINE),
            stage: self.owned(col::STAGE).unwrap_or_default(),
            title: self.owned(col::TITLE),
            owner: self.owned(col::OWNER),
            amount: self.amount,
            currency: self.owned(col::CURRENCY),
            created_at: time(self.text(col::CREATED)),
            updated_at: time(self.text(col::UPDATED)),
            closed_at: time(self.text(col::CLOSED_AT)),
            expected_close_at: time(self.text(col::EXPECTED)),
            last_activity_at: time(self.text(col::ACTIVITY)),
            closed: self.closed,
            won: self.won,
            contact: self.owned(col::CONTACT),
            company: self.owned(col::COMPANY),
            phones: list(self.text(col::PHONES)),
            emails: list(self.text(col::EMAILS)),
            tags: list(self.text(col::TAGS)),
            notes: list(self.text(col::NOTES)),
            fields: names.decode(self.text(col::FIELDS)),
            invalid: pairs(self.text(col::INVALID))
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
        let names = self.field_names()?;
        self.for_each_raw_in(after, upto, |raw| {
            let id = raw.id;
            let (card, ctx) = raw.parse(&names);
            f(id, card, ctx)
        })
    }

    /// Cards in `after < id <= upto` as read, unparsed, with their stage history (parsing
    /// is left to the caller, which may do it on another thread).
    pub fn for_each_raw_in(
        &self,
        after: i64,
        upto: i64,
        f: impl FnMut(RawCard) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        Self::raw_cards_in(&self.conn, after, upto, f)
    }

    /// [`Store::for_each_raw_in`] on a connection held elsewhere (an import's transaction).
    pub(super) fn raw_cards_in(
        conn: &rusqlite::Connection,
        after: i64,
        upto: i64,
        mut f: impl FnMut(RawCard) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut cards = conn.prepare_cached(&format!(
            "SELECT {CARD_COLUMNS} FROM cards c WHERE c.id > ?1 AND c.id <= ?2 ORDER BY c.id"
        ))?;
        let mut history = conn.prepare_cached(
            "SELECT card_id, stage, seen_at FROM stage_history
             WHERE card_id > ?1 AND card_id <= ?2 ORDER BY card_id, batch_id",
        )?;
        // When the batches ran, as asked for: a card that never moved has its first visit in
        // its first batch, and a million cards come from a few batches.
        let mut batches: std::collections::HashMap<i64, Option<String>> = Default::default();
        let mut batch_time = conn.prepare_cached(super::cards::BATCH_STARTED_AT)?;
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
            if raw.history.is_empty() {
                raw.first_seen = match batches.get(&raw.first_batch) {
                    Some(t) => t.clone(),
                    None => {
                        let t: Option<String> = batch_time
                            .query_row([raw.first_batch], |r| r.get(0))
                            .optional()?;
                        batches.insert(raw.first_batch, t.clone());
                        t
                    }
                };
            }
            f(raw)?;
        }
        Ok(())
    }
}

pub use crate::domain::card_detail::CardDetail;

impl Store {
    /// One card with its stage history, flags and content digest; `None` if there is no such id.
    pub fn card_detail(&self, card_id: i64) -> Result<Option<CardDetail>, StoreError> {
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
            "SELECT code, severity, args, field FROM flags WHERE card_id = ?1 ORDER BY seq",
        )?;
        let flags = stmt
            .query_map([card_id], |r| {
                super::flags::stored_flag(
                    r.get_ref(0)?.as_str()?,
                    r.get(1)?,
                    r.get(3)?,
                    r.get_ref(2)?.as_str()?,
                )
            })?
            .collect::<Result<_, _>>()?;
        let note_times = self.note_times(&card)?;
        let carried = self.carried(&card.source, &self.field_names()?)?;
        Ok(Some(CardDetail {
            card_id: crate::domain::ids::CardId(card_id),
            card,
            context,
            flags,
            hash,
            note_times,
            carried,
        }))
    }
}

impl super::cards::Import<'_> {
    /// The custom fields' names by id, as this import's transaction sees them.
    pub fn field_names(&self) -> Result<FieldNames, StoreError> {
        Store::field_names_on(self.conn())
    }

    /// The card `id` as the store holds it, in this import's transaction (a sync compares it
    /// with what the CRM now says: `sync::change::only_fields_added`).
    pub fn stored_card(&self, id: i64, names: &FieldNames) -> Result<Option<Card>, StoreError> {
        let raw = self
            .conn()
            .prepare_cached(&format!(
                "SELECT {CARD_COLUMNS} FROM cards c WHERE c.id = ?1"
            ))?
            .query_row([id], RawCard::from_row)
            .optional()?;
        Ok(raw.map(|r| r.parse(names).0))
    }
}
