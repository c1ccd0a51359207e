//! Writing synced cards: one import is one transaction that inserts new cards, updates changed
//! ones (appending stage moves to the history), and marks cards missing from a full export gone.

use std::borrow::Cow;

use chrono::NaiveDateTime;
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension, Transaction, params, params_from_iter};

use super::{Store, StoreError};
use crate::domain::Card;

pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Reads a time as the store writes it ([`TIME_FORMAT`]). The rules read millions of them, and
/// chrono's parser re-reads its format string every time: the store's one shape is read
/// by hand, anything else by chrono.
pub fn parse_time(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    let shaped = b.len() == 19
        && [4, 7].iter().all(|&i| b[i] == b'-')
        && b[10] == b' '
        && [13, 16].iter().all(|&i| b[i] == b':');
    if !shaped {
        return NaiveDateTime::parse_from_str(s, TIME_FORMAT).ok();
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    chrono::NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?.and_hms_opt(
        num(11, 13)?,
        num(14, 16)?,
        num(17, 19)?,
    )
}

/// Column `i` of `r`, a time the store wrote: the store's edge, where its spelling becomes a
/// chrono value.
pub(crate) fn time_at(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<NaiveDateTime> {
    let text: String = r.get(i)?;
    parse_time(&text).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("{text:?} is not a time in the store's shape").into(),
        )
    })
}

pub fn fmt_time(t: &NaiveDateTime) -> String {
    StoreTime::new(t).as_str().to_string()
}

/// A time in the store's shape ([`TIME_FORMAT`]), on the stack: an import writes a few million,
/// and each was an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreTime([u8; 19]);

impl StoreTime {
    pub fn new(t: &NaiveDateTime) -> StoreTime {
        // By hand: chrono's format() re-parses the pattern on every call.
        use chrono::{Datelike, Timelike};
        let mut b = *b"0000-00-00 00:00:00";
        let put = |b: &mut [u8; 19], at: usize, width: usize, mut v: u32| {
            for i in (0..width).rev() {
                b[at + i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(&mut b, 0, 4, t.year().clamp(0, 9999) as u32);
        put(&mut b, 5, 2, t.month());
        put(&mut b, 8, 2, t.day());
        put(&mut b, 11, 2, t.hour());
        put(&mut b, 14, 2, t.minute());
        put(&mut b, 17, 2, t.second());
        StoreTime(b)
    }

    pub fn as_str(&self) -> &str {
        // Digits and separators only: always UTF-8.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl ToSql for StoreTime {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

fn opt_time(t: &Option<NaiveDateTime>) -> Option<StoreTime> {
    t.as_ref().map(StoreTime::new)
}

/// A card as the store holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: i64,
    /// The digest of what the export said about the card last time: its content hash, unless
    /// a later export only renamed its stage (`cards.export_digest`).
    pub hash: i64,
    pub gone: bool,
    pub stage: String,
    /// Some values did not parse last time: the row is mapped again to report them again.
    pub has_invalid: bool,
    pub(super) pipeline: Option<String>,
    pub(super) first_batch: i64,
}

impl Existing {
    /// The pipeline the store holds the card in.
    pub fn pipeline(&self) -> Option<&str> {
        self.pipeline.as_deref()
    }
}

/// How a card the store holds changed, as the import sees it with the funnel (the store does
/// not know the funnel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The export says something else about the card. `moved`: it is at another stage of the
    /// funnel (or at a name the funnel does not know): a visit in its stage history.
    Content { moved: bool },
    /// Only the name of its stage changed, to another name the funnel has for the same stage
    /// (the CRM renamed the stage, the funnel keeps the old name as an alias). The new name is
    /// stored, but the card did not move and is the card its reviews saw: its content hash
    /// stays, and what the export said is kept beside it (`cards.export_digest`).
    StageRenamed,
    /// What the card says did not change though its row did: it gained only fields its
    /// source's earlier imports and syncs never carried (a CRM read over its API after its
    /// exports: the owner's id, the nearest task; an export given a column), kept the values
    /// of fields this read does not carry (a column the export lost), or its cells changed
    /// while the card they make did not. Written as read, and the card its reviews saw all the
    /// same: as for [`Change::StageRenamed`], its content hash stays and the new digest is kept
    /// beside it (`sync::change::settle`).
    SameCard,
}

impl Change {
    /// A card the store did not hold: nothing to compare.
    pub const NEW: Change = Change::Content { moved: false };

    /// The card written is still the one its reviews saw (its content hash stays).
    pub fn keeps_the_card(self) -> bool {
        matches!(self, Change::StageRenamed | Change::SameCard)
    }
}

impl Outcome {
    /// What writing a card the store held came to; `kept`: it stays the card its reviews saw
    /// ([`Change::keeps_the_card`], and it was not gone); `renamed`: its stage has another
    /// name now, whether or not it moved.
    pub fn of_update(change: Change, kept: bool, stage_changed: bool, renamed: bool) -> Outcome {
        match change {
            Change::StageRenamed if kept => Outcome::StageRenamed,
            Change::SameCard if kept => Outcome::SameCard,
            _ => Outcome::Updated {
                stage_changed,
                stage_renamed: renamed && !stage_changed,
            },
        }
    }
}

/// What happened to one card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Inserted,
    Updated {
        stage_changed: bool,
        /// At a stage the CRM renamed (a name the funnel has for the same stage), the card
        /// changed otherwise too: no move.
        stage_renamed: bool,
    },
    /// Written with its stage's new name only (see [`Change::StageRenamed`]).
    StageRenamed,
    /// Written as read, and still the card its reviews saw (see [`Change::SameCard`]).
    SameCard,
    Unchanged,
    /// The file already held this card on an earlier line; the later row is ignored so that
    /// importing the file again stays a no-op.
    Duplicate,
}

/// The `encoding` of a sync's batches (`import_batches.encoding`): what tells the visits a
/// sync dated from those a file did (`Import::stage_entered_at`).
pub const SYNC_ENCODING: &str = crate::domain::import_runs::SYNC_ENCODING;

pub struct BatchMeta<'a> {
    pub file: &'a str,
    pub profile: &'a str,
    pub source: &'a str,
    /// The file's, or [`SYNC_ENCODING`] for a sync's pages.
    pub encoding: &'a str,
    pub partial: bool,
    pub now: NaiveDateTime,
    /// Many cards at once (a file): a first load of the source may take the backend's bulk
    /// path (see [`Store::begin_import`]).
    pub bulk: bool,
    /// A group of pages of a sync that found its source empty: the cards of the source are
    /// this run's own, so a store file writes the group under the rollback journal as a bulk
    /// load does (each new page written once, where the log writes it, then the file again).
    /// The store stays in that journal after the group, for the next: switching back to the
    /// log and out again at every group cost a checkpoint, fsyncs and SQLite's page cache each
    /// time. Into an empty store, the first group drops the queue indexes, which the run builds
    /// after its last (`store::deferred`). The sync switches back when its run ends
    /// (`SyncStore::end_run`).
    pub fresh_run: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub gone: u64,
    /// Cards a full export would have marked gone but did not, because it holds none of the
    /// cards its source has ([`marks_gone`]): one warning of the import's (in `warnings`).
    pub gone_withheld: u64,
    pub warnings: u64,
}

/// Whether a full export marks the `missing` cards it does not hold gone, when it holds
/// `shared` of the cards its source has (not gone). A file that holds none of them is no export
/// of those cards but of others filed under the same source: another object of the CRM
/// (Salesforce Leads after Opportunities) or another account. Marking them all gone would say
/// every deal left the CRM; a real export of them that lost some still holds the rest.
pub(super) fn marks_gone(shared: u64, missing: usize) -> bool {
    shared > 0 || missing == 0
}

/// A card in the form the store writes it: hashed and serialised. Built on the import's reader
/// thread so that the writer thread only binds values.
pub struct CardRow {
    pub card: Card,
    pub hash: i64,
    created_at: Option<StoreTime>,
    updated_at: Option<StoreTime>,
    pub(super) closed_at: Option<StoreTime>,
    expected_close_at: Option<StoreTime>,
    last_activity_at: Option<StoreTime>,
    /// The latest of the card's dates: the queue orders by it.
    pub(super) touched_at: Option<StoreTime>,
    /// The queue filter's text (`names::search_text`).
    pub(super) search: String,
    phones: Cow<'static, str>,
    emails: Cow<'static, str>,
    tags: Cow<'static, str>,
    notes: Cow<'static, str>,
    fields: Cow<'static, str>,
    invalid: Cow<'static, str>,
}

impl CardRow {
    /// `hash` is the digest of what the export said about the card (see `sync::digest`).
    pub fn new(card: Card, hash: i64, keys: &super::fields::FieldKeys) -> CardRow {
        CardRow {
            hash,
            created_at: opt_time(&card.created_at),
            updated_at: opt_time(&card.updated_at),
            closed_at: opt_time(&card.closed_at),
            expected_close_at: opt_time(&card.expected_close_at),
            last_activity_at: opt_time(&card.last_activity_at),
            touched_at: opt_time(&card.last_touched()),
            search: crate::domain::names::search_text(
                &card.external_id,
                card.title.as_deref(),
                card.owner.as_deref(),
            ),
            phones: json_list(&card.phones),
            emails: json_list(&card.emails),
            tags: json_list(&card.tags),
            notes: json_list(&card.notes),
            fields: keys.encode(&card.fields),
            invalid: json_object(&card.invalid),
            card,
        }
    }
}

// Most cards have no emails, no invalid values…: the empty cases cost no allocation.
impl CardRow {
    /// The card's columns from `pipeline` to `content_hash`, in the order both INSERT_CARD and
    /// UPDATE_CARD number them.
    pub(super) fn values(&self) -> [&dyn ToSql; 22] {
        let card = &self.card;
        [
            &card.pipeline,
            &card.stage,
            &card.title,
            &card.owner,
            &card.amount,
            &card.currency,
            &self.created_at,
            &self.updated_at,
            &self.closed_at,
            &self.expected_close_at,
            &self.last_activity_at,
            &card.closed,
            &card.won,
            &card.contact,
            &card.company,
            &self.phones,
            &self.emails,
            &self.tags,
            &self.notes,
            &self.fields,
            &self.invalid,
            &self.hash,
        ]
    }
}

fn json_list(items: &[String]) -> Cow<'static, str> {
    if items.is_empty() {
        return Cow::Borrowed("[]");
    }
    let mut out = String::with_capacity(items.iter().map(|s| s.len() + 4).sum::<usize>() + 16);
    out.push('[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        super::json_text::push_str(&mut out, item);
    }
    out.push(']');
    Cow::Owned(out)
}

fn json_object<K: AsRef<str>>(pairs: &[(K, String)]) -> Cow<'static, str> {
    if pairs.is_empty() {
        return Cow::Borrowed("{}");
    }
    let mut out = String::with_capacity(
        pairs.len() * 8 + pairs.iter().map(|(_, v)| v.len()).sum::<usize>() * 2,
    );
    out.push('{');
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        super::json_text::push_str(&mut out, k.as_ref());
        out.push(':');
        super::json_text::push_str(&mut out, v);
    }
    out.push('}');
    Cow::Owned(out)
}

const INSERT_CARD: &str = "INSERT OR IGNORE INTO cards (source, external_id, pipeline, stage,
    title, owner, amount, currency, created_at, updated_at, closed_at, expected_close_at,
    last_activity_at, closed, won, contact, company, phones, emails, tags, notes, fields, invalid,
    content_hash, first_batch, changed_batch, changed_at, touched_at, search)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
    ?20, ?21, ?22, ?23, ?24, ?25, ?25, ?26, ?27, ?28)";

const UPDATE_CARD: &str = "UPDATE cards SET pipeline=?2, stage=?3, title=?4, owner=?5, amount=?6,
    currency=?7, created_at=?8, updated_at=?9, closed_at=?10, expected_close_at=?11,
    last_activity_at=?12, closed=?13, won=?14, contact=?15, company=?16, phones=?17, emails=?18,
    tags=?19, notes=?20, fields=?21, invalid=?22, touched_at=?27, search=?28,
    content_hash = CASE WHEN ?29 THEN content_hash ELSE ?23 END,
    export_digest = CASE WHEN ?29 THEN ?23 ELSE NULL END,
    changed_batch = CASE WHEN ?26 THEN ?24 ELSE changed_batch END,
    changed_at = CASE WHEN ?26 THEN ?25 ELSE changed_at END,
    gone_at=NULL, gone_batch=NULL
    WHERE id=?1";

/// The card's digest is what the export said last (`Existing::hash`).
const LOOKUP_CARD: &str = "SELECT id, coalesce(export_digest, content_hash), gone_at IS NOT NULL,
    stage, invalid <> '{}', pipeline, first_batch
    FROM cards WHERE source = ?1 AND external_id = ?2";

/// A changed card's flags judged its old content, and its standing copies columns the change may
/// have changed: both go, and the rules run after the import writes them again.
const DROP_STANDING: &str = "DELETE FROM standings WHERE card_id = ?1";
const DROP_FLAGS: &str = "DELETE FROM flags WHERE card_id = ?1";

/// When a batch ran: the time of a card's first visit, for a card that never moved (see
/// `stage_history`).
pub(super) const BATCH_STARTED_AT: &str = "SELECT started_at FROM import_batches WHERE id = ?1";

/// What dates a card's first visit when it first moves (`domain::stage_move::first_visit`):
/// the run that first brought it, and the deal's last edit the card holds.
const FIRST_VISIT: &str = "SELECT b.started_at, c.updated_at
    FROM cards c JOIN import_batches b ON b.id = c.first_batch WHERE c.id = ?1";

/// When the card's current visit began, if it has history rows: its last row (a card's rows are
/// one range of the history's key).
const LAST_VISIT_BEGAN: &str =
    "SELECT seen_at FROM stage_history WHERE card_id = ?1 ORDER BY batch_id DESC LIMIT 1";

const INSERT_HISTORY: &str = "INSERT INTO stage_history (card_id, batch_id, seen_at, pipeline,
    stage) VALUES (?1, ?2, ?3, ?4, ?5)";

/// Stage-history rows written by one statement.
const HISTORY_ROWS: usize = 64;

fn insert_history_block() -> String {
    let rows: Vec<&str> = (0..HISTORY_ROWS).map(|_| "(?, ?, ?, ?, ?)").collect();
    format!(
        "INSERT INTO stage_history (card_id, batch_id, seen_at, pipeline, stage) VALUES {}",
        rows.join(", ")
    )
}

/// An import under way. Dropping it without [`Import::finish`] rolls everything back.
pub struct Import<'a> {
    // Statements are held, not looked up in rusqlite's cache per row: the lookup hashes the
    // SQL text, which showed up in profiles of million-row imports.
    // Binds the card's text in place (see `borrowing`): a bulk load's writer copied every byte.
    insert_card: super::borrowing::Borrowing<'a>,
    update_card: rusqlite::Statement<'a>,
    insert_history: rusqlite::Statement<'a>,
    insert_history_block: rusqlite::Statement<'a>,
    /// (card, batch, seen at, pipeline, stage)
    pending_history: Vec<(i64, i64, String, Option<String>, String)>,
    lookup_card: rusqlite::Statement<'a>,
    drop_standing: rusqlite::Statement<'a>,
    drop_flags: rusqlite::Statement<'a>,
    tx: Transaction<'a>,
    /// The connection the transaction is on, for writers that outlive a borrow of the import
    /// (the judged cards' [`super::flag_write::FlagWriter`]).
    db: &'a rusqlite::Connection,
    batch: i64,
    now: String,
    /// `now` as a time, for the moves a file dates by its deals' edits.
    now_time: NaiveDateTime,
    source: String,
    partial: bool,
    /// New cards get rowids above this (SQLite picks max(rowid) + 1).
    max_id_before: i64,
    rebuild_queue_index: bool,
    fresh: bool,
    /// Card ids seen in this file, as a bitset (ids are dense rowids).
    seen: Vec<u64>,
    /// Cards of the source, not gone, that this file held (see [`marks_gone`]).
    shared: u64,
    /// The rules judged in this import's pass (`store::judged`).
    in_pass: Option<super::judged::InPass<'a>>,
    /// Switched to the rollback journal for a bulk load: back to WAL when it ends…
    switched: bool,
    /// …unless the next group of the same sync follows (`BatchMeta::fresh_run`).
    keep_journal: bool,
    /// The store's summary its sync's groups before this one carried (when still current).
    base: Option<super::run_summary::RunSummary>,
    /// `PRAGMA data_version` as this transaction began.
    data_version: i64,
    /// Where the store keeps what this one's commit carries on to the next group.
    carried: &'a mut Option<super::run_summary::Carried>,
    /// A sync's group: a move's visit waits for the CRM's record of the deal's path
    /// (`Import::stage_path`) instead of being written at the group's batch.
    defers_moves: bool,
    /// Batches this group added after its own for the visits of a path (`visit_batches`).
    extra_batches: Vec<i64>,
}

impl Drop for Import<'_> {
    fn drop(&mut self) {
        // SQLite changes the journal mode and the foreign keys' check only outside a
        // transaction: a failed import's is rolled back first (the transaction's own drop then
        // finds nothing to do).
        if !self.tx.is_autocommit() {
            let _ = self.tx.execute_batch("ROLLBACK");
        }
        // Best effort: the next okk to open the store sets both again anyway.
        let _ = self.tx.execute_batch(CHECK_FOREIGN_KEYS);
        if self.switched && !self.keep_journal {
            let _ = wal(&self.tx);
        }
    }
}

/// An import writes with SQLite's foreign-key check off, and turns it back on when it ends
/// (`Store::open` turns it on). Every id it writes is one it read from the store or inserted
/// in its own transaction, so the check found nothing, at a cost: each flag and standing
/// looked its card up among a million, each card its batch twice, and a statement of many
/// rows whose check may fail midway keeps a statement journal (a copy of every page it
/// touches) — together about a tenth of the writer's time on the first import with rules. A
/// rules run over the store (`Store::rerun_flags`) does the same.
pub(super) const SKIP_FOREIGN_KEYS: &str = "PRAGMA foreign_keys = OFF";
pub(super) const CHECK_FOREIGN_KEYS: &str = "PRAGMA foreign_keys = ON";

impl<'a> Import<'a> {
    /// The import's transaction, for the store's other modules.
    pub(super) fn conn(&self) -> &rusqlite::Connection {
        &self.tx
    }

    pub(super) fn source(&self) -> &str {
        &self.source
    }

    pub(super) fn db(&self) -> &'a rusqlite::Connection {
        self.db
    }

    pub(super) fn max_id_before(&self) -> i64 {
        self.max_id_before
    }

    pub(super) fn set_in_pass(&mut self, pass: super::judged::InPass<'a>) {
        self.in_pass = Some(pass);
    }

    pub(super) fn take_in_pass(&mut self) -> Option<super::judged::InPass<'a>> {
        self.in_pass.take()
    }

    pub(super) fn in_pass_mut(&mut self) -> Option<&mut super::judged::InPass<'a>> {
        self.in_pass.as_mut()
    }

    /// The summary of every card before this transaction, carried by the groups before it.
    pub(super) fn take_carried(&mut self) -> Option<super::run_summary::RunSummary> {
        self.base.take()
    }
}

impl Store {
    pub(super) fn end_bulk_load(&mut self) -> Result<(), StoreError> {
        wal(&self.conn)
    }

    /// Begins an import: one transaction, ended by [`Import::finish`] (or rolled back when the
    /// import is dropped). A bulk first load of a source, when nobody else has the store open,
    /// runs under SQLite's rollback journal, which writes the new pages once where WAL writes
    /// them twice (to the log, then to the database), just as durably; into an empty store it
    /// also builds the queue index once at the end instead of taking every card in random
    /// order. The import switches back to WAL when it ends.
    pub fn begin_import(&mut self, meta: &BatchMeta<'_>) -> Result<Import<'_>, StoreError> {
        let bulk = meta.fresh_run || (meta.bulk && self.source_is_empty(meta.source)?);
        // The summary a sync's groups carry holds while no other connection has committed
        // (`PRAGMA data_version`), and leaving the log moves that figure by itself: it is
        // checked before the switch and stamped anew after it (the switch succeeds only with
        // nobody else on the store).
        let carried_current = match &self.carried {
            Some(c) => Some(c.data_version == super::run_summary::data_version(&self.conn)?),
            None => None,
        };
        let switched = bulk && self.rollback_journal()?;
        if switched && let Some(current) = carried_current {
            if current {
                let now = super::run_summary::data_version(&self.conn)?;
                if let Some(c) = self.carried.as_mut() {
                    c.data_version = now;
                }
            } else {
                self.carried = None;
            }
        }
        let Store { conn, carried, .. } = self;
        let conn: &rusqlite::Connection = conn;
        let import = conn
            .execute_batch(SKIP_FOREIGN_KEYS)
            .map_err(StoreError::from)
            .and_then(|()| open_import(conn, meta, switched, carried));
        if import.is_err() {
            // Best effort: the next okk to open the store sets both again anyway.
            let _ = conn.execute_batch(CHECK_FOREIGN_KEYS);
            if switched {
                let _ = wal(conn);
            }
        }
        import
    }

    pub(super) fn source_is_empty(&self, source: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT NOT EXISTS (SELECT 1 FROM cards WHERE source = ?1)",
            [source],
            |r| r.get(0),
        )?)
    }
}

fn wal(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))?;
    Ok(())
}

fn open_import<'c>(
    conn: &'c rusqlite::Connection,
    meta: &BatchMeta<'_>,
    switched: bool,
    carried: &'c mut Option<super::run_summary::Carried>,
) -> Result<Import<'c>, StoreError> {
    // `Store::begin_import`'s `&mut self` guarantees no other transaction on this connection
    // is open.
    let tx = Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    // Taken whatever this transaction does: only a sync's next group may carry it on.
    let data_version = super::run_summary::data_version(&tx)?;
    let base = carried
        .take()
        .filter(|c| c.data_version == data_version)
        .map(|c| c.summary);
    let now = fmt_time(&meta.now);
    tx.execute(
        "INSERT INTO import_batches (file, profile, source, encoding, started_at, partial)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            meta.file,
            meta.profile,
            meta.source,
            meta.encoding,
            now,
            meta.partial
        ],
    )?;
    let batch = tx.last_insert_rowid();
    // The cards change: the summaries are out of date until the rules run again.
    tx.execute_batch(super::schema::DROP_SUMMARIES)?;
    // And so are the flags: a kill after this commits must leave "rules must run".
    tx.execute_batch(super::flags::FORGET_RULES_RUN)?;
    let max_id_before = tx.query_row("SELECT coalesce(max(id), 0) FROM cards", [], |r| r.get(0))?;
    // Only into an empty store: rebuilding means sorting every card there is. A sync's run
    // builds both queue indexes once, after its last group (`deferred`).
    let defer_indexes = switched && meta.fresh_run && max_id_before == 0;
    let rebuild_queue_index = switched && max_id_before == 0 && !defer_indexes;
    if defer_indexes {
        super::deferred::defer(&tx, meta.source)?;
    } else if rebuild_queue_index {
        tx.execute_batch("DROP INDEX cards_queue")?;
    }
    let fresh = tx.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM cards WHERE source = ?1)",
        [meta.source],
        |r| r.get(0),
    )?;
    Ok(Import {
        insert_card: super::borrowing::Borrowing::prepare(conn, INSERT_CARD)?,
        update_card: conn.prepare(UPDATE_CARD)?,
        insert_history: conn.prepare(INSERT_HISTORY)?,
        insert_history_block: conn.prepare(&insert_history_block())?,
        pending_history: Vec::with_capacity(HISTORY_ROWS),
        lookup_card: conn.prepare(LOOKUP_CARD)?,
        drop_standing: conn.prepare(DROP_STANDING)?,
        drop_flags: conn.prepare(DROP_FLAGS)?,
        tx,
        db: conn,
        batch,
        now,
        now_time: meta.now,
        source: meta.source.to_string(),
        partial: meta.partial,
        max_id_before,
        rebuild_queue_index,
        fresh,
        seen: Vec::new(),
        shared: 0,
        in_pass: None,
        switched,
        keep_journal: meta.fresh_run,
        base,
        data_version,
        carried,
        defers_moves: meta.encoding == SYNC_ENCODING,
        extra_batches: Vec::new(),
    })
}

impl Import<'_> {
    /// The source had no cards when the import began: every card is new (or repeated in the
    /// file, which the insert tells), so no lookup is needed.
    pub fn fresh(&self) -> bool {
        self.fresh
    }

    /// The import's transaction, its batch and its time, for the other writers of a sync
    /// (`store::crm`) that must commit with its cards.
    pub(super) fn parts(&self) -> (&Transaction<'_>, i64, &str) {
        (&self.tx, self.batch, &self.now)
    }

    /// The import's time, as a time.
    pub(super) fn now_time(&self) -> NaiveDateTime {
        self.now_time
    }

    /// `n` batches after `after`, in order, for the visits of a path (`store::stage_path`):
    /// the group's own while it is after, then batches the group adds after its own, one per
    /// visit a card needs beyond it. A card's history is ordered by batch: its visits need
    /// one each, each later than the one before.
    pub(super) fn visit_batches(&mut self, after: i64, n: usize) -> Result<Vec<i64>, StoreError> {
        let mut out = super::stage_path::reused_batches(self.batch, &self.extra_batches, after, n);
        while out.len() < n {
            self.tx
                .prepare_cached(
                    "INSERT INTO import_batches (file, profile, source, encoding, started_at,
                         finished_at, partial)
                     SELECT file, profile, source, encoding, started_at, started_at, partial
                     FROM import_batches WHERE id = ?1",
                )?
                .execute([self.batch])?;
            let b = self.tx.last_insert_rowid();
            self.extra_batches.push(b);
            out.push(b);
        }
        Ok(out)
    }

    /// The card as the store holds it (this import's own writes included).
    pub fn lookup(&mut self, external_id: &str) -> Result<Option<Existing>, StoreError> {
        Ok(self
            .lookup_card
            .query_row(params![self.source, external_id], |r| {
                Ok(Existing {
                    id: r.get(0)?,
                    hash: r.get(1)?,
                    gone: r.get(2)?,
                    stage: r.get(3)?,
                    has_invalid: r.get(4)?,
                    pipeline: r.get(5)?,
                    first_batch: r.get(6)?,
                })
            })
            .optional()?)
    }

    /// Ids for the custom fields the file's cards may carry (new names are added, in this
    /// import's transaction).
    pub fn field_keys<'n>(
        &self,
        names: impl IntoIterator<Item = &'n crate::domain::FieldName>,
    ) -> Result<super::fields::FieldKeys, StoreError> {
        super::fields::field_keys(&self.tx, names)
    }

    /// A card the store holds with the same digest: nothing to write.
    pub fn unchanged(&mut self, id: i64) -> Outcome {
        if self.was_seen(id) {
            return Outcome::Duplicate;
        }
        self.mark_seen(id);
        // Only a card the store holds live is unchanged (a gone one is written back).
        self.shared += 1;
        Outcome::Unchanged
    }

    /// Writes a card the snapshot did not hold, or held with another digest or as gone;
    /// `change` says how the funnel sees the difference (ignored for a new card); `edited`:
    /// the deal's last edit as the read gives it, which dates a move where it can
    /// ([`crate::domain::stage_move::move_time`]).
    pub fn upsert(
        &mut self,
        existing: Option<&Existing>,
        row: &CardRow,
        change: Change,
        edited: Option<NaiveDateTime>,
    ) -> Result<Outcome, StoreError> {
        let card = &row.card;
        debug_assert_eq!(card.source, self.source);
        let Some(old) = existing else {
            // OR IGNORE: a card repeated in the file was inserted from its first row.
            // A new card's first stage is its row's (see `stage_history`): no history yet.
            return match self.insert(row)? {
                Some(id) => {
                    self.mark_seen(id);
                    self.judge_later(id);
                    Ok(Outcome::Inserted)
                }
                None => Ok(Outcome::Duplicate),
            };
        };
        if self.was_seen(old.id) {
            return Ok(Outcome::Duplicate);
        }
        self.shared += u64::from(!old.gone);
        // The card its reviews saw: its content hash stays, the new digest goes beside it.
        let renamed = change.keeps_the_card() && !old.gone;
        let changed = old.hash != row.hash && !renamed;
        let stage_changed = change == (Change::Content { moved: true });
        if stage_changed || old.gone {
            // A card back from gone in the stage it had did not move: it was seen again now.
            // A sync's move waits for the CRM's path of it (`stage_path`). Before the card's
            // row changes: its first visit is dated by the deal's edit it holds now.
            let deferred = self.defers_moves && stage_changed && !old.gone;
            self.history(old, card, edited.filter(|_| stage_changed), deferred)?;
        }
        let head: [&dyn ToSql; 1] = [&old.id];
        let tail: [&dyn ToSql; 6] = [
            &self.batch,
            &self.now,
            &changed,
            &row.touched_at,
            &row.search,
            &renamed,
        ];
        self.update_card.execute(params_from_iter(
            head.into_iter().chain(row.values()).chain(tail),
        ))?;
        // Judged again all the same: its standing holds the stage's name.
        self.unjudge(old.id)?;
        self.mark_seen(old.id);
        let renamed_stage = old.stage != card.stage;
        Ok(Outcome::of_update(
            change,
            renamed,
            stage_changed,
            renamed_stage,
        ))
    }

    /// Inserts the card; `None` when the file held the same card on an earlier row.
    pub(super) fn insert(&mut self, row: &CardRow) -> Result<Option<i64>, StoreError> {
        let card = &row.card;
        let values = row.values();
        let params: [&dyn ToSql; 28] = std::array::from_fn(|i| match i {
            0 => &card.source as &dyn ToSql,
            1 => &card.external_id,
            2..=23 => values[i - 2],
            24 => &self.batch,
            25 => &self.now,
            26 => &row.touched_at,
            _ => &row.search,
        });
        let n = self.insert_card.execute(&params)?;
        Ok((n == 1).then(|| self.tx.last_insert_rowid()))
    }

    /// Records that this sync saw the card in a new stage (or back from gone), at the deal's
    /// edit (`edited`) where it dates the move, else now. A card that has kept its first stage
    /// until now has no history rows (its row said it): its first visit is written first, from
    /// the row as it was. `deferred`: only that first visit; the new one waits for the CRM's
    /// record of the path (a sync's).
    fn history(
        &mut self,
        old: &Existing,
        card: &Card,
        edited: Option<NaiveDateTime>,
        deferred: bool,
    ) -> Result<(), StoreError> {
        // When the visit the move ends began: the card's last history row (what told whether
        // it had any), else its first visit, written now.
        let last_seen: Option<String> = self
            .tx
            .prepare_cached(LAST_VISIT_BEGAN)?
            .query_row([old.id], |r| r.get(0))
            .optional()?;
        let began = match last_seen {
            Some(seen) => seen,
            None => {
                let (imported, edited): (String, Option<String>) = self
                    .tx
                    .prepare_cached(FIRST_VISIT)?
                    .query_row([old.id], |r| Ok((r.get(0)?, r.get(1)?)))?;
                // A sync's CRM record of the path dates the visit instead (`stage_path`).
                let first_seen = match parse_time(&imported) {
                    Some(t) if !self.defers_moves => {
                        fmt_time(&crate::domain::stage_move::first_visit(
                            t,
                            edited.as_deref().and_then(parse_time),
                        ))
                    }
                    _ => imported,
                };
                self.pending_history.push((
                    old.id,
                    old.first_batch,
                    first_seen.clone(),
                    old.pipeline.clone(),
                    old.stage.clone(),
                ));
                first_seen
            }
        };
        if deferred {
            return Ok(());
        }
        let seen_at = match edited {
            None => self.now.clone(),
            Some(_) => fmt_time(&crate::domain::stage_move::move_time(
                edited,
                parse_time(&began),
                self.now_time,
            )),
        };
        self.pending_history.push((
            old.id,
            self.batch,
            seen_at,
            card.pipeline.clone(),
            card.stage.clone(),
        ));
        if self.pending_history.len() >= HISTORY_ROWS {
            self.flush_history()?;
        }
        Ok(())
    }

    /// Writes the buffered history rows: full blocks with one statement of many rows (a
    /// statement per row cost a tenth of a bulk load), the rest one by one.
    pub(super) fn flush_history(&mut self) -> Result<(), StoreError> {
        let rows = std::mem::take(&mut self.pending_history);
        let mut blocks = rows.chunks_exact(HISTORY_ROWS);
        for block in &mut blocks {
            let stmt = &mut self.insert_history_block;
            for (k, (id, batch, seen_at, pipeline, stage)) in block.iter().enumerate() {
                let at = k * 5;
                stmt.raw_bind_parameter(at + 1, id)?;
                stmt.raw_bind_parameter(at + 2, batch)?;
                stmt.raw_bind_parameter(at + 3, seen_at)?;
                stmt.raw_bind_parameter(at + 4, pipeline)?;
                stmt.raw_bind_parameter(at + 5, stage)?;
            }
            stmt.raw_execute()?;
        }
        for (id, batch, seen_at, pipeline, stage) in blocks.remainder() {
            self.insert_history
                .execute(params![id, batch, seen_at, pipeline, stage])?;
        }
        self.pending_history = rows;
        self.pending_history.clear();
        Ok(())
    }

    /// Forgets the rules' judgement of a card the import changed.
    pub(super) fn unjudge(&mut self, id: i64) -> Result<(), StoreError> {
        self.drop_standing.execute([id])?;
        self.drop_flags.execute([id])?;
        self.judge_later(id);
        Ok(())
    }

    pub(super) fn mark_seen(&mut self, id: i64) {
        let (word, bit) = ((id as usize) / 64, (id as usize) % 64);
        if self.seen.len() <= word {
            self.seen.resize(word + 1, 0);
        }
        self.seen[word] |= 1 << bit;
    }

    fn was_seen(&self, id: i64) -> bool {
        let (word, bit) = ((id as usize) / 64, (id as usize) % 64);
        self.seen.get(word).is_some_and(|w| w & (1 << bit) != 0)
    }

    /// Marks cards of this source and of the pipelines this file held (`scopes`), that the
    /// file did not hold, as gone. Returns how many were marked, and how many were not because
    /// the file holds none of the source's cards ([`marks_gone`]). Skipped for partial exports.
    fn mark_gone(&mut self, scopes: &[Option<String>]) -> Result<(u64, u64), StoreError> {
        if self.partial {
            return Ok((0, 0));
        }
        // Walk the ids of the source through the (source, external_id) index, which answers
        // without reading the cards themselves; only cards the file did not hold are read.
        // Cards added by this import were all seen, so only older ids are candidates.
        let mut unseen = Vec::new();
        {
            let mut stmt = self
                .tx
                .prepare_cached("SELECT id FROM cards WHERE source = ?1 AND id <= ?2")?;
            let ids = stmt.query_map(params![self.source, self.max_id_before], |r| {
                r.get::<_, i64>(0)
            })?;
            for id in ids {
                let id = id?;
                if !self.was_seen(id) {
                    unseen.push(id);
                }
            }
        }
        let mut missing = Vec::new();
        for id in unseen {
            let (pipeline, already_gone): (Option<String>, bool) = self
                .tx
                .prepare_cached("SELECT pipeline, gone_at IS NOT NULL FROM cards WHERE id = ?1")?
                .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            if !already_gone && scopes.contains(&pipeline) {
                missing.push(id);
            }
        }
        if !marks_gone(self.shared, missing.len()) {
            return Ok((0, missing.len() as u64));
        }
        for &id in &missing {
            self.tx
                .prepare_cached("UPDATE cards SET gone_at = ?2, gone_batch = ?3 WHERE id = ?1")?
                .execute(params![id, self.now, self.batch])?;
            self.unjudge(id)?;
        }
        Ok((missing.len() as u64, 0))
    }

    /// Finishes the batch: marks cards of the file's pipelines (`scopes`) that it did not hold
    /// gone, records the counts. `commit: false` (a dry run) rolls everything back but still
    /// returns the counts.
    pub fn finish(
        self,
        counts: BatchCounts,
        scopes: &[Option<String>],
        commit: bool,
    ) -> Result<BatchCounts, StoreError> {
        self.finish_reading(counts, scopes, commit, &mut |_| Ok(()))
    }

    /// [`Import::finish`], `read` given the transaction with everything written, just before
    /// it commits or rolls back (a dry run's report of the store as the import leaves it).
    pub(super) fn finish_reading(
        mut self,
        mut counts: BatchCounts,
        scopes: &[Option<String>],
        commit: bool,
        read: &mut dyn FnMut(&rusqlite::Connection) -> Result<(), StoreError>,
    ) -> Result<BatchCounts, StoreError> {
        self.flush_history()?;
        // The cards are in; the indexes still to build are CPU alone.
        let writeback = match self.tx.path() {
            Some(path) if self.switched => super::writeback::start(std::path::Path::new(path)),
            _ => None,
        };
        if self.rebuild_queue_index {
            super::schema::create_queue_index(&self.tx)?;
        }
        (counts.gone, counts.gone_withheld) = self.mark_gone(scopes)?;
        // The import warns of the cards it did not mark gone (`sync::import`).
        counts.warnings += u64::from(counts.gone_withheld > 0);
        // Reviews made on another laptop before their card arrived attach to it now.
        self.tx.execute(
            "UPDATE reviews SET card_id = (SELECT c.id FROM cards c
                 WHERE c.source = reviews.card_source AND c.external_id = reviews.card_external_id)
             WHERE card_id IS NULL",
            [],
        )?;
        let carry = self.finish_in_pass()?;
        self.tx.execute(
            "UPDATE import_batches SET finished_at = ?2, rows = ?3, inserted = ?4, updated = ?5,
             unchanged = ?6, gone = ?7, warnings = ?8 WHERE id = ?1",
            params![
                self.batch,
                self.now,
                counts.rows as i64,
                counts.inserted as i64,
                counts.updated as i64,
                counts.unchanged as i64,
                counts.gone as i64,
                counts.warnings as i64
            ],
        )?;
        read(&self.tx)?;
        // By statement, not `Transaction::commit`, which would move the transaction out of an
        // import whose drop switches the journal back.
        let ended = self
            .tx
            .execute_batch(if commit { "COMMIT" } else { "ROLLBACK" });
        if let Some(w) = writeback {
            let _ = w.join();
        }
        ended?;
        if commit {
            *self.carried = carry.map(|summary| super::run_summary::Carried {
                summary,
                data_version: self.data_version,
            });
        }
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::{TIME_FORMAT, fmt_time, parse_time};
    use chrono::NaiveDateTime;

    #[test]
    fn times_read_back_as_chrono_reads_them() {
        for s in [
            "2026-11-27 18:39:37",
            "2000-02-29 00:00:00",
            "1999-12-31 23:59:59",
            "2026-02-30 10:00:00",
            "2026-11-27 24:00:00",
            "2026-11-27 18:39",
            "2026-11-27T18:39:37",
            "2026-1a-27 18:39:37",
            "20261127 18:39:37xx",
            "",
            "  2026-11-27 18:39:37",
        ] {
            let chrono = NaiveDateTime::parse_from_str(s, TIME_FORMAT).ok();
            assert_eq!(parse_time(s), chrono, "{s:?}");
        }
        let t = parse_time("2026-11-27 18:39:37").unwrap();
        assert_eq!(fmt_time(&t), "2026-11-27 18:39:37");
    }

    /// The foreign-key check an import skips is on again once it ends, committed or not.
    #[test]
    fn an_import_turns_the_foreign_key_check_back_on() {
        use super::{BatchCounts, BatchMeta, Store};
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("okk.db")).unwrap();
        let check = |store: &Store| -> bool {
            store
                .conn
                .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
                .unwrap()
        };
        let now = parse_time("2026-11-20 10:00:00").unwrap();
        let meta = BatchMeta {
            file: "a.csv",
            profile: "generic",
            source: "generic",
            encoding: "UTF-8",
            partial: false,
            now,
            bulk: true,
            fresh_run: false,
        };
        for commit in [Some(true), Some(false), None] {
            let import = store.begin_import(&meta).unwrap();
            assert!(
                !import
                    .conn()
                    .query_row("PRAGMA foreign_keys", [], |r| r.get::<_, bool>(0))
                    .unwrap()
            );
            match commit {
                Some(commit) => {
                    import.finish(BatchCounts::default(), &[], commit).unwrap();
                }
                // Dropped unfinished, as a failed import is.
                None => drop(import),
            }
            assert!(check(&store), "after commit: {commit:?}");
        }
    }

    /// A sync's groups carry the summary of every card from one to the next while nobody else
    /// writes the store; the switch out of the log (a first sync's later groups) keeps it, and
    /// another connection's commit drops it.
    #[test]
    fn the_carried_summary_survives_the_journal_switch_not_another_writer() {
        use super::super::run_summary::{Carried, RunSummary, data_version};
        use super::{BatchMeta, Store};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("okk.db");
        let mut store = Store::open(&path).unwrap();
        let now = parse_time("2026-11-20 10:00:00").unwrap();
        let meta = BatchMeta {
            file: "crm",
            profile: "amocrm",
            source: "main",
            encoding: "api",
            partial: true,
            now,
            bulk: false,
            fresh_run: true,
        };
        for other_writer in [false, true] {
            store.end_bulk_load().unwrap();
            if other_writer {
                let other = rusqlite::Connection::open(&path).unwrap();
                other
                    .execute("INSERT INTO meta (key, value) VALUES ('x', 'y')", [])
                    .unwrap();
            }
            store.carried = Some(Carried {
                summary: RunSummary::default(),
                data_version: data_version(&store.conn).unwrap(),
            });
            if other_writer {
                // Seen by this connection's next read only.
                let other = rusqlite::Connection::open(&path).unwrap();
                other
                    .execute("DELETE FROM meta WHERE key = 'x'", [])
                    .unwrap();
            }
            let mut import = store.begin_import(&meta).unwrap();
            assert_eq!(
                import.take_carried().is_some(),
                !other_writer,
                "another writer: {other_writer}"
            );
        }
    }
}
