//! `okk import` onto the server: the import port (`store::import_tx`) on PostgreSQL. One
//! transaction under the sync's advisory lock. The source's cards are looked up in memory
//! (`known`); new cards, their flags and standings go straight in by `COPY`, changed cards by
//! `COPY` into a temp table and then set-based statements at the finish (stage history, update,
//! gone marks), where the cards written without flags are judged from what the server holds.

use super::PgStore;
use super::bulk_load::BulkLoad;
use super::copy_text::CopyRows;
use super::known::Known;
use crate::domain::columns::SourceColumns;
use crate::domain::fx::FxMap;
use crate::domain::settled::AskedMoves;
use crate::domain::stage_move::{first_visit, move_time};
use crate::domain::{Card, FieldName};
use crate::store::StoreError;
use crate::store::cards::{
    BatchCounts, BatchMeta, CardRow, Change, Existing, Outcome, StoreTime, fmt_time, parse_time,
};
use crate::store::fields::{FieldKeys, FieldNames};
use crate::store::flag_write::JudgedFlag;
use crate::store::import_tx::{ImportStore, ImportTx};
use crate::store::judged::{Judge, NewJudgement};
use crate::store::read::{QueueColumns, RawCard};

/// One sync at a time writes the server's cards (an import; the API sync when it comes).
pub(super) const SYNC_LOCK: &str = "SELECT pg_advisory_xact_lock(hashtext('okk sync'))";

/// The columns of `cards` a new card's row fills, in `PgImport::insert`'s order:
/// `CardRow::values` from `pipeline` to `content_hash`, between the key and the batch.
const CARD_COLUMNS: &str = "id, source, external_id, pipeline, stage, title, owner, amount, \
    currency, created_at, updated_at, closed_at, expected_close_at, last_activity_at, closed, \
    won, contact, company, phones, emails, tags, notes, fields, invalid, content_hash, \
    first_batch, changed_batch, changed_at, touched_at, search";

/// A lead's new cards wait here until each send: `COPY` into a table under row-level policies
/// is refused to anyone but its owner, so a lead's import copies into this table of its own and
/// inserts from it (dropped with the transaction).
const NEW_TABLE: &str = "CREATE TEMP TABLE okk_import_new ON COMMIT DROP AS
    SELECT id, source, external_id, pipeline, stage, title, owner, amount, currency, created_at,
        updated_at, closed_at, expected_close_at, last_activity_at, closed, won, contact,
        company, phones, emails, tags, notes, fields, invalid, content_hash, first_batch,
        changed_batch, changed_at, touched_at, search
    FROM cards WITH NO DATA";

/// Changed cards wait here until the finish (dropped with the transaction).
const CHANGED_TABLE: &str = "CREATE TEMP TABLE okk_import_changed (
    id bigint PRIMARY KEY, changed boolean NOT NULL, history boolean NOT NULL,
    visit boolean NOT NULL, renamed boolean NOT NULL, pipeline text, stage text, title text, owner text, amount double precision, currency text,
    created_at text, updated_at text, closed_at text, expected_close_at text,
    last_activity_at text, closed bigint, won bigint, contact text, company text, phones text,
    emails text, tags text, notes text, fields text, invalid text, content_hash bigint,
    touched_at text, search text, moved_at text) ON COMMIT DROP";

const CHANGED_COLUMNS: &str = "id, changed, history, visit, renamed, pipeline, stage, title, owner, amount, \
    currency, created_at, updated_at, closed_at, expected_close_at, last_activity_at, closed, \
    won, contact, company, phones, emails, tags, notes, fields, invalid, content_hash, \
    touched_at, search, moved_at";

/// A card that moved (or came back from gone) and had kept its first stage until now first
/// gets that visit, from its row as it was (see `stage_history`): for a file (`$1`), dated no
/// later than the deal's edit it held (`stage_move::first_visit`; both texts in the store's one
/// shape, so compared as text); a sync's CRM record of the path dates it instead. The SQLite
/// import's `history`, for every changed card at once.
const FIRST_VISITS: &str = "INSERT INTO stage_history (card_id, batch_id, seen_at, pipeline, stage)
    SELECT c.id, c.first_batch,
        CASE WHEN $1 AND c.updated_at < b.started_at THEN c.updated_at ELSE b.started_at END,
        c.pipeline, c.stage
    FROM okk_import_changed s JOIN cards c ON c.id = s.id
    JOIN import_batches b ON b.id = c.first_batch
    WHERE s.history AND NOT EXISTS (SELECT 1 FROM stage_history h WHERE h.card_id = c.id)";

/// The finish's statements for the changed cards after [`FIRST_VISITS`], and whether each
/// takes the batch and the time (`$1`, `$2`).
const CHANGED_STEPS: [(&str, bool); 4] = [
    // A card that moved (or came back from gone) gets a history row for this sync.
    // At the deal's edit where it dates the move (`moved_at`, see `PgImport::date_moves`),
    // else now; a sync's move waits for the CRM's path of it (`PgSync::stage_path`).
    (
        "INSERT INTO stage_history (card_id, batch_id, seen_at, pipeline, stage)
         SELECT s.id, $1, coalesce(s.moved_at, $2), s.pipeline, s.stage
         FROM okk_import_changed s WHERE s.visit",
        true,
    ),
    // The SQLite import's `UPDATE_CARD`, for every changed card at once.
    (
        "UPDATE cards c SET pipeline = s.pipeline, stage = s.stage, title = s.title,
            owner = s.owner, amount = s.amount, currency = s.currency,
            created_at = s.created_at, updated_at = s.updated_at, closed_at = s.closed_at,
            expected_close_at = s.expected_close_at, last_activity_at = s.last_activity_at,
            closed = s.closed, won = s.won, contact = s.contact, company = s.company,
            phones = s.phones, emails = s.emails, tags = s.tags, notes = s.notes,
            fields = s.fields, invalid = s.invalid,
            content_hash = CASE WHEN s.renamed THEN c.content_hash ELSE s.content_hash END,
            export_digest = CASE WHEN s.renamed THEN s.content_hash END,
            touched_at = s.touched_at, search = s.search,
            changed_batch = CASE WHEN s.changed THEN $1 ELSE c.changed_batch END,
            changed_at = CASE WHEN s.changed THEN $2 ELSE c.changed_at END,
            gone_at = NULL, gone_batch = NULL
         FROM okk_import_changed s WHERE c.id = s.id",
        true,
    ),
    // Their flags and standings judged the old content: judged again at the finish.
    (
        "DELETE FROM flags f USING okk_import_changed s WHERE f.card_id = s.id",
        false,
    ),
    (
        "DELETE FROM standings t USING okk_import_changed s WHERE t.card_id = s.id",
        false,
    ),
];

pub(super) const FLAG_COLUMNS: &str = "card_id, seq, code, severity, args, field";
pub(super) const STANDING_COLUMNS: &str = "card_id, flag_rank, flag_count, place, stage, touched_at, \
    external_id, gone_at, closed, closed_at, search";

/// The moves waiting in `okk_import_changed` with their deal's edit time, and when the visit
/// each ends began: the card's last history row, else its first visit (before the finish
/// writes it): its first batch, and the deal's edit the card holds until the finish.
const MOVES_EDITED: &str = "SELECT s.id, s.moved_at,
        (SELECT h.seen_at FROM stage_history h WHERE h.card_id = s.id
         ORDER BY h.batch_id DESC LIMIT 1), b.started_at, c.updated_at
    FROM okk_import_changed s JOIN cards c ON c.id = s.id
    JOIN import_batches b ON b.id = c.first_batch
    WHERE s.history AND s.moved_at IS NOT NULL";

/// Rows buffered past this are sent (a hundred round trips per 300,000 cards; the client
/// copies each send once more).
pub(super) const SEND_BYTES: usize = 2 << 20;

/// Cards a finish judges per read.
pub(super) const JUDGE_CHUNK: usize = 4096;

/// More new cards than this and the planner's figures are taken again before the commit.
const ANALYZE_AFTER: u64 = 10_000;

/// An import onto the server under way. Dropped without [`ImportTx::finish`], its
/// transaction rolls back.
pub struct PgImport<'a> {
    tx: postgres::Transaction<'a>,
    /// The session in use while the import holds its transaction (`link`'s watch).
    _in_use: super::link::InUse,
    batch: i64,
    now: String,
    /// `now` as a time, for the moves a file dates by its deals' edits.
    now_time: chrono::NaiveDateTime,
    source: String,
    partial: bool,
    known: Known,
    /// The id the next new card gets (ids are the server's max + 1 on, under the sync's lock,
    /// as SQLite gives rowids).
    next_id: i64,
    /// Card ids this file held, as a bitset.
    seen: Vec<u64>,
    /// Cards of the source, not gone, that this file held (`cards::marks_gone`).
    shared: u64,
    judge: Option<Judge<'a>>,
    /// Cards written without flags, judged at the finish from what the server holds.
    later: Vec<i64>,
    new_cards: CopyRows,
    changed: CopyRows,
    flags: CopyRows,
    standings: CopyRows,
    inserted: u64,
    /// Changed cards waiting in `okk_import_changed`.
    updated: u64,
    /// Of them, moves that carry their deal's edit time (`moved_at`).
    edited_moves: u64,
    /// Into a store with no cards: the queue indexes and the `judged` triggers wait for the
    /// finish.
    bulk: Option<BulkLoad>,
    /// The session's login owns the store: its new cards go straight into `cards`, a first
    /// import may bulk-load, and the planner's figures are taken after a large one. A lead's
    /// import stages its new cards (`NEW_TABLE`) and leaves the figures to autovacuum.
    owner: bool,
    /// The rules' mark (`pg::rules_run`) as the import found it, and whether the store had no
    /// cards: an import that judges what it writes leaves every card judged for its day and
    /// funnel only when the others were already (or there were none).
    found_mark: Option<String>,
    empty: bool,
    /// The day and funnel this import judges for, when the rules run in its pass.
    ran_for: Option<String>,
    /// The cards [`ImportTx::prefetch_cards`] read, by id, until [`ImportTx::stored_card`]
    /// asks for them.
    prefetched: FxMap<i64, RawCard>,
    /// A sync's group: as the SQLite import's `defers_moves`.
    defers_moves: bool,
    /// Batches this group added after its own for the visits of a path (`visit_batches`).
    extra_batches: Vec<i64>,
}

impl ImportStore for PgStore {
    /// The server keeps no rules run of its own: its flags are its imports' judgements, and an
    /// import judges the cards it writes.
    fn flags_current_for(&self, _ran_for: &str) -> Result<bool, StoreError> {
        Ok(true)
    }

    fn reviewed_cards(&self, ids: &[i64]) -> Result<u64, StoreError> {
        let n: i64 = self
            .conn
            .borrow_mut()
            .query_one(
                "SELECT count(DISTINCT card_id) FROM reviews WHERE card_id = ANY($1)
                   AND superseded_by IS NULL AND withdrawn_at IS NULL",
                &[&ids],
            )?
            .get(0);
        Ok(n as u64)
    }

    fn source_stages(
        &self,
        source: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        source_stages_in(&mut *self.conn.borrow_mut(), source, wanted)
    }

    fn begin_import<'s>(
        &'s mut self,
        meta: &BatchMeta<'_>,
    ) -> Result<Box<dyn ImportTx<'s> + 's>, StoreError> {
        Ok(Box::new(PgImport::begin(self.conn.get_mut(), meta)?))
    }
}

/// [`ImportStore::source_stages`] on the server's session (or an import's transaction).
fn source_stages_in(
    conn: &mut impl postgres::GenericClient,
    source: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<(String, u64)>, StoreError> {
    // The server's stages one index seek each (the same walk as a store file's), and only
    // the wanted ones counted.
    let stages: Vec<String> = conn
        .query(crate::store::read::DISTINCT_STAGES, &[])?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let mut out = Vec::new();
    for stage in stages.into_iter().filter(|s| wanted(s)) {
        let n: i64 = conn
            .query_one(
                "SELECT count(*) FROM cards WHERE stage = $1 AND source = $2
                 AND gone_at IS NULL",
                &[&stage, &source],
            )?
            .get(0);
        if n > 0 {
            out.push((stage, n as u64));
        }
    }
    Ok(out)
}

impl<'a> PgImport<'a> {
    pub(super) fn begin(
        (conn, in_use): (&'a mut postgres::Client, super::link::InUse),
        meta: &BatchMeta<'_>,
    ) -> Result<Self, StoreError> {
        let mut tx = conn.transaction()?;
        tx.batch_execute(&format!(
            "{SYNC_LOCK}; SET LOCAL application_name = 'okk import'; {CHANGED_TABLE};"
        ))?;
        let now = fmt_time(&meta.now);
        let partial = i64::from(meta.partial);
        let batch: i64 = tx
            .query_one(
                "INSERT INTO import_batches (id, file, profile, source, encoding, started_at,
                     partial)
                 SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $6 FROM import_batches
                 RETURNING id",
                &[
                    &meta.file,
                    &meta.profile,
                    &meta.source,
                    &meta.encoding,
                    &now,
                    &partial,
                ],
            )?
            .get(0);
        let max_id: i64 = tx
            .query_one("SELECT coalesce(max(id), 0) FROM cards", &[])?
            .get(0);
        let known = Known::load(&mut tx, meta.source)?;
        let owner: bool = tx
            .query_one(
                "SELECT pg_has_role(session_user,
                    (SELECT relowner FROM pg_class WHERE oid = 'okk_meta'::regclass), 'MEMBER')",
                &[],
            )?
            .get(0);
        if !owner {
            tx.batch_execute(NEW_TABLE)?;
        }
        let found_mark: Option<String> = tx
            .query_opt(
                "SELECT value FROM okk_meta WHERE key = 'rules_ran_for'",
                &[],
            )?
            .map(|r| r.get(0));
        let bulk = if max_id == 0 && meta.bulk && owner {
            Some(BulkLoad::begin(&mut tx)?)
        } else {
            None
        };
        Ok(PgImport {
            tx,
            _in_use: in_use,
            batch,
            now,
            now_time: meta.now,
            source: meta.source.to_string(),
            partial: meta.partial,
            known,
            next_id: max_id + 1,
            seen: Vec::new(),
            shared: 0,
            judge: None,
            later: Vec::new(),
            new_cards: CopyRows::new(if owner { "cards" } else { "okk_import_new" }, CARD_COLUMNS),
            changed: CopyRows::new("okk_import_changed", CHANGED_COLUMNS),
            flags: CopyRows::new("flags", FLAG_COLUMNS),
            standings: CopyRows::new("standings", STANDING_COLUMNS),
            inserted: 0,
            updated: 0,
            edited_moves: 0,
            bulk,
            owner,
            found_mark,
            empty: max_id == 0,
            ran_for: None,
            prefetched: FxMap::default(),
            defers_moves: meta.encoding == crate::store::cards::SYNC_ENCODING,
            extra_batches: Vec::new(),
        })
    }

    fn mark_seen(&mut self, id: i64) {
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

    /// Sends what the buffers hold once they are big enough (`all`: whatever they hold), new
    /// cards before the flags and standings that name them.
    fn send(&mut self, all: bool) -> Result<(), StoreError> {
        let held =
            self.new_cards.len() + self.changed.len() + self.flags.len() + self.standings.len();
        if !all && held < SEND_BYTES {
            return Ok(());
        }
        let owner = self.owner;
        for (i, rows) in [
            &mut self.new_cards,
            &mut self.changed,
            &mut self.flags,
            &mut self.standings,
        ]
        .into_iter()
        .enumerate()
        {
            let staged = i == 0 && !owner && rows.len() > 0;
            rows.send(&mut self.tx)?;
            if staged {
                self.tx.batch_execute(&format!(
                    "INSERT INTO cards ({CARD_COLUMNS}) SELECT {CARD_COLUMNS} FROM okk_import_new;
                     TRUNCATE okk_import_new"
                ))?;
            }
        }
        Ok(())
    }

    /// Writes what waits (new cards, flags, changed cards) into the tables, so that a statement
    /// of the sync's own (`pg::sync`) reads and changes the cards as a SQLite import would.
    pub(super) fn flush(&mut self) -> Result<(), StoreError> {
        self.send(true)?;
        if self.updated == 0 {
            return Ok(());
        }
        self.date_moves()?;
        let (batch, now) = (self.batch, self.now.clone());
        let by_file = !self.defers_moves;
        self.tx.execute(FIRST_VISITS, &[&by_file])?;
        for (sql, stamped) in CHANGED_STEPS {
            if stamped {
                self.tx.execute(sql, &[&batch, &now])?;
            } else {
                self.tx.execute(sql, &[])?;
            }
        }
        self.tx.batch_execute("TRUNCATE okk_import_changed")?;
        self.updated = 0;
        self.edited_moves = 0;
        Ok(())
    }

    /// Of the moves waiting with their deal's edit time, those the edit does not date
    /// (`domain::stage_move::move_time`: at or before the visit they end began, or after the
    /// import) lose it, and take the import's time: one read and one write for all of them.
    fn date_moves(&mut self) -> Result<(), StoreError> {
        if self.edited_moves == 0 {
            return Ok(());
        }
        let mut undated: Vec<i64> = Vec::new();
        for r in self.tx.query(MOVES_EDITED, &[])? {
            let (id, edited, last): (i64, &str, Option<&str>) = (r.get(0), r.get(1), r.get(2));
            let (imported, held): (&str, Option<&str>) = (r.get(3), r.get(4));
            let began = match last {
                Some(seen) => parse_time(seen),
                None => parse_time(imported).map(|t| first_visit(t, held.and_then(parse_time))),
            };
            let edited = parse_time(edited);
            let moved = move_time(edited, began, self.now_time);
            if Some(moved) != edited {
                undated.push(id);
            }
        }
        if !undated.is_empty() {
            self.tx.execute(
                "UPDATE okk_import_changed SET moved_at = NULL WHERE id = ANY($1)",
                &[&undated],
            )?;
        }
        Ok(())
    }

    /// The transaction, after [`PgImport::flush`]: what the sync's own statements run on.
    pub(super) fn flushed(&mut self) -> Result<&mut postgres::Transaction<'a>, StoreError> {
        self.flush()?;
        Ok(&mut self.tx)
    }

    /// As the SQLite import's `visit_batches`: `n` batches after `after`, in order.
    pub(super) fn visit_batches(&mut self, after: i64, n: usize) -> Result<Vec<i64>, StoreError> {
        let mut out =
            crate::store::stage_path::reused_batches(self.batch, &self.extra_batches, after, n);
        while out.len() < n {
            let b: i64 = self
                .tx
                .query_one(
                    "INSERT INTO import_batches (id, file, profile, source, encoding, started_at,
                         finished_at, partial)
                     SELECT (SELECT max(id) FROM import_batches) + 1, file, profile, source,
                         encoding, started_at, started_at, partial
                     FROM import_batches WHERE id = $1
                     RETURNING id",
                    &[&self.batch],
                )?
                .get(0);
            self.extra_batches.push(b);
            out.push(b);
        }
        Ok(out)
    }

    /// The import's time, as a time.
    pub(super) fn now_time(&self) -> chrono::NaiveDateTime {
        self.now_time
    }

    /// The transaction, for statements on tables the import does not hold rows back for.
    pub(super) fn tx(&mut self) -> &mut postgres::Transaction<'a> {
        &mut self.tx
    }

    /// The batch and the time its rows carry.
    pub(super) fn stamp(&self) -> (i64, &str) {
        (self.batch, &self.now)
    }

    /// Forgets the rules' judgement of a card the sync changed: judged again at the finish.
    pub(super) fn unjudge(&mut self, id: i64) -> Result<(), StoreError> {
        self.tx
            .execute("DELETE FROM flags WHERE card_id = $1", &[&id])?;
        self.tx
            .execute("DELETE FROM standings WHERE card_id = $1", &[&id])?;
        if self.judge.is_some() {
            self.later.push(id);
        }
        Ok(())
    }

    /// A new card's row, with its id; `None` when the file held it on an earlier row.
    fn insert(&mut self, row: &CardRow) -> Result<Option<i64>, StoreError> {
        let card = &row.card;
        if self.known.find(&card.external_id).is_some() {
            return Ok(None);
        }
        let id = self.next_id;
        self.next_id += 1;
        self.known.add_new(
            &card.external_id,
            id,
            row.hash,
            &card.stage,
            !card.invalid.is_empty(),
        );
        let out = &mut self.new_cards;
        out.int(Some(id));
        out.text(Some(&card.source));
        out.text(Some(&card.external_id));
        for v in row.values() {
            out.value(v)?;
        }
        out.int(Some(self.batch));
        out.int(Some(self.batch));
        out.text(Some(&self.now));
        out.text(row.touched_at.as_ref().map(|t| t.as_str()));
        out.text(Some(&row.search));
        out.end_row();
        self.mark_seen(id);
        self.inserted += 1;
        Ok(Some(id))
    }

    /// A judged card's flags and, when it has any, its standing.
    fn judged(&mut self, id: i64, flags: &[JudgedFlag], columns: Option<&QueueColumns>) {
        super::judged_rows::push(&mut self.flags, &mut self.standings, id, flags, columns);
    }

    /// Marks the cards of the file's pipelines it no longer has gone: how many, and how many
    /// not because the file holds none of the source's cards (as the SQLite import's).
    fn mark_gone(&mut self, scopes: &[Option<String>]) -> Result<(u64, u64), StoreError> {
        if self.partial {
            return Ok((0, 0));
        }
        let gone = self.known.missing(scopes, |id| self.was_seen(id));
        if !crate::store::cards::marks_gone(self.shared, gone.len()) {
            return Ok((0, gone.len() as u64));
        }
        if gone.is_empty() {
            return Ok((0, 0));
        }
        self.tx.execute(
            "UPDATE cards SET gone_at = $1, gone_batch = $2 WHERE id = ANY($3)",
            &[&self.now, &self.batch, &gone],
        )?;
        self.tx
            .execute("DELETE FROM flags WHERE card_id = ANY($1)", &[&gone])?;
        self.tx
            .execute("DELETE FROM standings WHERE card_id = ANY($1)", &[&gone])?;
        let n = gone.len() as u64;
        if self.judge.is_some() {
            self.later.extend(gone);
        }
        Ok((n, 0))
    }

    /// Judges the cards written without flags as the rules run would: read back with their
    /// stage history (this transaction's writes included), in id order.
    fn judge_later(&mut self) -> Result<(), StoreError> {
        let Some(judge) = self.judge.take() else {
            return Ok(());
        };
        let mut ids = std::mem::take(&mut self.later);
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Ok(());
        }
        let names = super::written::field_names(&mut self.tx)?;
        for window in ids.chunks(JUDGE_CHUNK) {
            for raw in super::written::raw_cards(&mut self.tx, window)? {
                let (card, ctx) = raw.parse(&names);
                let flags: Vec<JudgedFlag> = judge(&card, &ctx)
                    .into_iter()
                    .map(JudgedFlag::new)
                    .collect();
                let columns = raw.queue_columns();
                self.judged(raw.id, &flags, Some(&columns));
            }
            self.send(true)?;
        }
        Ok(())
    }
}

impl<'a> ImportTx<'a> for PgImport<'a> {
    fn fresh(&self) -> bool {
        self.known.is_empty()
    }

    fn rules_run_after(&self) -> bool {
        false
    }

    fn source_columns(&mut self) -> Result<SourceColumns, StoreError> {
        let (mut okk, mut custom) = (Vec::new(), Vec::new());
        for r in self.tx.query(
            "SELECT kind, name FROM source_columns WHERE source = $1 ORDER BY kind, name",
            &[&self.source],
        )? {
            let (kind, name): (&str, String) = (r.get(0), r.get(1));
            if kind == "okk" { &mut okk } else { &mut custom }.push(name);
        }
        Ok(SourceColumns::new(okk, custom))
    }

    fn record_columns(&mut self, okk: &[&str], custom: &[&str]) -> Result<(), StoreError> {
        let insert = self.tx.prepare(
            "INSERT INTO source_columns (source, kind, name) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )?;
        for name in okk {
            self.tx.execute(&insert, &[&self.source, &"okk", name])?;
        }
        for header in custom {
            let folded = crate::domain::names::fold(header);
            self.tx
                .execute(&insert, &[&self.source, &"custom", &folded.as_str()])?;
        }
        Ok(())
    }

    fn field_keys(&mut self, names: &[FieldName]) -> Result<FieldKeys, StoreError> {
        let mut list: Vec<(FieldName, i64)> = Vec::new();
        for name in names {
            if list.iter().any(|(n, _)| n == name) {
                continue;
            }
            // Numbered as SQLite numbers rowids (max + 1), under the sync's lock.
            self.tx.execute(
                "INSERT INTO field_names (id, name)
                 SELECT coalesce(max(id), 0) + 1, $1 FROM field_names
                 ON CONFLICT (name) DO NOTHING",
                &[&name.as_ref()],
            )?;
            let id: i64 = self
                .tx
                .query_one(
                    "SELECT id FROM field_names WHERE name = $1",
                    &[&name.as_ref()],
                )?
                .get(0);
            list.push((name.clone(), id));
        }
        Ok(FieldKeys::from_pairs(list))
    }

    /// The judge stays for the finish; `ran_for` and the summaries are a store file's (the
    /// server keeps neither).
    fn judge_in_pass(
        &mut self,
        ran_for: &str,
        judge: Judge<'a>,
        _summaries: bool,
    ) -> Result<(), StoreError> {
        self.judge = Some(judge);
        self.ran_for = Some(ran_for.to_string());
        Ok(())
    }

    fn asked_moves(&mut self) -> Result<AskedMoves, StoreError> {
        Ok(super::desk::settled_cards_in(&mut self.tx, None)?.asked_moves())
    }

    fn lookup(&mut self, external_id: &str) -> Result<Option<Existing>, StoreError> {
        Ok(self
            .known
            .find(external_id)
            .map(|s| self.known.existing(&s)))
    }

    fn unchanged(&mut self, id: i64) -> Outcome {
        if self.was_seen(id) {
            return Outcome::Duplicate;
        }
        self.mark_seen(id);
        // Only a card the server holds live is unchanged (a gone one is written back).
        self.shared += 1;
        Outcome::Unchanged
    }

    fn field_names(&mut self) -> Result<FieldNames, StoreError> {
        super::written::field_names(&mut self.tx)
    }

    fn prefetch_cards(&mut self, rows: &[(&str, Option<i64>)]) -> Result<(), StoreError> {
        self.prefetched.clear();
        let ids: Vec<i64> = rows
            .iter()
            .filter_map(|(external_id, hash)| {
                let slot = self.known.find(external_id)?;
                (hash != &Some(slot.hash) || slot.gone).then_some(slot.id)
            })
            .collect();
        if !ids.is_empty() {
            for raw in super::written::stored_cards(&mut self.tx, &ids)? {
                self.prefetched.insert(raw.id, raw);
            }
        }
        Ok(())
    }

    fn stored_card(&mut self, id: i64, names: &FieldNames) -> Result<Option<Card>, StoreError> {
        // The card as stored before this import (or group of pages): its changed cards wait in
        // `okk_import_changed` until the finish, and one it wrote already is a duplicate
        // whatever it compares to.
        let raw = match self.prefetched.remove(&id) {
            Some(raw) => Some(raw),
            None => super::written::stored_cards(&mut self.tx, &[id])?.pop(),
        };
        Ok(raw.map(|r| r.parse(names).0))
    }

    fn upsert(
        &mut self,
        existing: Option<&Existing>,
        row: &CardRow,
        change: Change,
        edited: Option<chrono::NaiveDateTime>,
    ) -> Result<Outcome, StoreError> {
        let Some(old) = existing else {
            let outcome = match self.insert(row)? {
                Some(id) => {
                    if self.judge.is_some() {
                        self.later.push(id);
                    }
                    Outcome::Inserted
                }
                None => Outcome::Duplicate,
            };
            self.send(false)?;
            return Ok(outcome);
        };
        if self.was_seen(old.id) {
            return Ok(Outcome::Duplicate);
        }
        self.shared += u64::from(!old.gone);
        // As the SQLite import's `upsert`.
        let renamed = change.keeps_the_card() && !old.gone;
        let stage_changed = change == (Change::Content { moved: true });
        let out = &mut self.changed;
        out.int(Some(old.id));
        out.boolean(old.hash != row.hash && !renamed);
        out.boolean(stage_changed || old.gone);
        out.boolean((stage_changed && !self.defers_moves) || old.gone);
        out.boolean(renamed);
        for v in row.values() {
            out.value(v)?;
        }
        out.text(row.touched_at.as_ref().map(|t| t.as_str()));
        out.text(Some(&row.search));
        // A card back from gone in the stage it had did not move (as the SQLite import's).
        let edited = edited.filter(|_| stage_changed).map(|t| StoreTime::new(&t));
        out.text(edited.as_ref().map(StoreTime::as_str));
        out.end_row();
        self.edited_moves += u64::from(edited.is_some());
        self.mark_seen(old.id);
        self.known.rewritten(&row.card.external_id, row.hash);
        self.updated += 1;
        if self.judge.is_some() {
            self.later.push(old.id);
        }
        self.send(false)?;
        let renamed_stage = old.stage != row.card.stage;
        Ok(Outcome::of_update(
            change,
            renamed,
            stage_changed,
            renamed_stage,
        ))
    }

    fn insert_judged(
        &mut self,
        row: &CardRow,
        judgement: NewJudgement,
    ) -> Result<Outcome, StoreError> {
        let flags = judgement.into_flags();
        let Some(id) = self.insert(row)? else {
            return Ok(Outcome::Duplicate);
        };
        if !flags.is_empty() {
            let card = &row.card;
            let columns = QueueColumns {
                stage: card.stage.clone(),
                touched_at: row.touched_at.map(|t| t.as_str().to_string()),
                external_id: card.external_id.clone(),
                gone_at: None,
                closed: card.closed,
                closed_at: row.closed_at.map(|t| t.as_str().to_string()),
                search: row.search.clone(),
            };
            self.judged(id, &flags, Some(&columns));
        }
        self.send(false)?;
        Ok(Outcome::Inserted)
    }

    fn finish(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        commit: bool,
    ) -> Result<BatchCounts, StoreError> {
        self.finish_reading(counts, scopes, commit, &mut |_| Ok(()))
    }

    fn finish_dry(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        source: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<(BatchCounts, Vec<(String, u64)>), StoreError> {
        let mut held = Vec::new();
        let counts = self.finish_reading(counts, scopes, false, &mut |tx| {
            held = source_stages_in(tx, source, wanted)?;
            Ok(())
        })?;
        Ok((counts, held))
    }
}

impl PgImport<'_> {
    /// [`ImportTx::finish`], `read` given the transaction with everything written, just
    /// before it commits or rolls back (a dry run's report of the store as it would be).
    fn finish_reading(
        mut self: Box<Self>,
        mut counts: BatchCounts,
        scopes: &[Option<String>],
        commit: bool,
        read: &mut dyn FnMut(&mut postgres::Transaction<'_>) -> Result<(), StoreError>,
    ) -> Result<BatchCounts, StoreError> {
        self.flush()?;
        let (batch, now) = (self.batch, self.now.clone());
        (counts.gone, counts.gone_withheld) = self.mark_gone(scopes)?;
        counts.warnings += u64::from(counts.gone_withheld > 0);
        // Reviews made on another laptop before their card arrived attach to it now.
        // By the owner's function: only their auditor may change reviews otherwise.
        self.tx.execute("SELECT okk_attach_reviews()", &[])?;
        self.judge_later()?;
        let figures: [i64; 6] = [
            counts.rows as i64,
            counts.inserted as i64,
            counts.updated as i64,
            counts.unchanged as i64,
            counts.gone as i64,
            counts.warnings as i64,
        ];
        self.tx.execute(
            "UPDATE import_batches SET finished_at = $2, rows = $3, inserted = $4, updated = $5,
             unchanged = $6, gone = $7, warnings = $8 WHERE id = $1",
            &[
                &batch,
                &now,
                &figures[0],
                &figures[1],
                &figures[2],
                &figures[3],
                &figures[4],
                &figures[5],
            ],
        )?;
        read(&mut self.tx)?;
        if !commit {
            self.tx.rollback()?;
            return Ok(counts);
        }
        if let Some(bulk) = self.bulk.take() {
            bulk.finish(&mut self.tx)?;
        }
        if let Some(ran_for) = &self.ran_for
            && (self.empty || self.found_mark.as_ref() == Some(ran_for))
        {
            self.tx
                .execute(super::rules_run::MARK_RULES_RUN, &[ran_for])?;
        }
        if self.inserted > ANALYZE_AFTER && self.owner {
            // The planner's figures for the tables just filled (the queue plans by them).
            self.tx.batch_execute("ANALYZE cards, standings, flags")?;
        }
        // Open reviewers refresh, as a store file's see its version move: their figures, and
        // a card on screen the batch changed is shown as it is now (sent at the commit).
        if counts.inserted + counts.updated + counts.gone > 0 {
            self.tx.execute("SELECT pg_notify('okk', 'cards')", &[])?;
        }
        self.tx
            .batch_execute(super::stage_counts::KEEP_STAGE_COUNTS)?;
        self.tx.commit()?;
        Ok(counts)
    }
}
