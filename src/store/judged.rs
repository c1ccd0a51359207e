//! The stage rules judged in an import's own pass: the card is in memory already, so its flags
//! and standing are written with it, and the summaries and the rules' marker with the commit.

use std::collections::BTreeSet;

use super::cards::{CardRow, Import, Outcome};
use super::flags::{Judged, NEWEST_ACTIVITY_KEY, RULES_RAN_FOR, RulesRun};
use super::read::QueueColumns;
use super::{Store, StoreError};
use crate::domain::flag::Flag;
use crate::domain::{Card, CardContext};

/// Judged cards are written this many at a time (the rules run's chunk).
const CHUNK: usize = 4096;

/// The stage rules as an import applies them.
pub type Judge<'a> = Box<dyn Fn(&Card, &CardContext) -> Vec<Flag> + 'a>;

/// What an import that judges its cards carries until it commits.
pub(super) struct InPass<'a> {
    /// The rules' marker (funnel fingerprint and day) the commit stores.
    ran_for: String,
    judge: Judge<'a>,
    /// Judged new cards, waiting to be written.
    pending: Vec<Judged>,
    /// Cards written without a judgement (changed, gone, or new without flags given): judged
    /// at the commit from what the store holds, stage history included.
    later: Vec<i64>,
    run: RulesRun,
    /// The source's owners, for the owner picker's list.
    owners: BTreeSet<String>,
    /// The newest activity of this import's cards (see [`NEWEST_ACTIVITY_KEY`]).
    newest: Option<String>,
    /// The store was empty: the standings' index is built by one sort at the end.
    rebuild_index: bool,
    /// Refill the summaries at the commit (else [`Store::fill_summaries`] does, later).
    summaries: bool,
}

impl Store {
    /// Whether every card's flags are the rules' judgement for `ran_for` (the marker the last
    /// rules run stored), or there are no cards: then an import may judge only its own cards.
    pub fn flags_current_for(&self, ran_for: &str) -> Result<bool, StoreError> {
        Ok(self.max_card_id()? == 0 || self.meta(RULES_RAN_FOR)?.as_deref() == Some(ran_for))
    }
}

impl CardRow {
    /// The columns a flagged card's standing copies, as the store will hold them.
    fn queue_columns(&self) -> QueueColumns {
        let card = &self.card;
        QueueColumns {
            stage: card.stage.clone(),
            touched_at: self.touched_at.map(|t| t.as_str().to_string()),
            external_id: card.external_id.clone(),
            gone_at: None,
            closed: card.closed,
            closed_at: self.closed_at.map(|t| t.as_str().to_string()),
            search: self.search.clone(),
        }
    }
}

impl<'a> Import<'a> {
    /// From here on the import judges the cards it writes: new ones as they come with their
    /// flags ([`Import::insert_judged`]), every other card it writes with `judge` at the commit
    /// (changed cards need their stage history, which the store holds). The commit stores the
    /// summaries and `ran_for`: call it only when every other card's flags are current for it
    /// ([`Store::flags_current_for`]) and the import does not change what the rules find on
    /// the cards it does not write (the source's absent fields).
    ///
    /// `summaries: false` (a sync's page, one of hundreds): the stage counts and owners, which
    /// cost a pass over the store, are left out of date for [`Store::fill_summaries`].
    pub fn judge_in_pass(
        &mut self,
        ran_for: &str,
        judge: Judge<'a>,
        summaries: bool,
    ) -> Result<(), StoreError> {
        let empty = self.max_id_before() == 0;
        if empty {
            self.conn()
                .execute_batch(super::schema::STANDINGS_INDEX_DROP)?;
        }
        self.set_in_pass(InPass {
            ran_for: ran_for.to_string(),
            judge,
            pending: Vec::with_capacity(CHUNK),
            later: Vec::new(),
            run: RulesRun::default(),
            owners: BTreeSet::new(),
            newest: None,
            rebuild_index: empty,
            summaries,
        });
        Ok(())
    }

    /// [`Import::upsert`] of a new card with its flags, judged on the import's other threads.
    pub fn insert_judged(
        &mut self,
        row: &CardRow,
        flags: Vec<Flag>,
    ) -> Result<Outcome, StoreError> {
        let Some(id) = self.insert(row)? else {
            return Ok(Outcome::Duplicate);
        };
        self.mark_seen(id);
        let outcome = Outcome::Inserted;
        let Some(pass) = self.in_pass_mut() else {
            return Ok(outcome);
        };
        if let Some(o) = row.card.owner.as_deref().filter(|o| !o.is_empty())
            && !pass.owners.contains(o)
        {
            pass.owners.insert(o.to_string());
        }
        if let Some(t) = row.touched_at.as_ref().map(|t| t.as_str())
            && pass.newest.as_deref().is_none_or(|n| t > n)
        {
            pass.newest = Some(t.to_string());
        }
        let columns = (!flags.is_empty()).then(|| row.queue_columns());
        pass.pending.push((id, flags, columns));
        if pass.pending.len() >= CHUNK {
            self.write_pending()?;
        }
        Ok(outcome)
    }

    /// A card written without its flags: judged at the commit (when the rules run in the pass).
    pub(super) fn judge_later(&mut self, id: i64) {
        if let Some(pass) = self.in_pass_mut() {
            pass.later.push(id);
        }
    }

    fn write_pending(&mut self) -> Result<(), StoreError> {
        let Some(mut pass) = self.take_in_pass() else {
            return Ok(());
        };
        let result = insert_new(self.conn(), &pass.pending, &mut pass.run);
        pass.pending.clear();
        self.set_in_pass(pass);
        result
    }

    /// At the commit, after every card is written: the last flags, the standings' index, the
    /// summaries the rules run keeps (stage counts, owners, newest activity) and the marker.
    pub(super) fn finish_in_pass(&mut self) -> Result<(), StoreError> {
        self.write_pending()?;
        let Some(mut pass) = self.take_in_pass() else {
            return Ok(());
        };
        let conn = self.conn();
        judge_stored(conn, &mut pass)?;
        if pass.rebuild_index {
            conn.execute_batch(super::schema::STANDINGS_INDEX)?;
        }
        if pass.summaries {
            // The import emptied the owners' list: the cards it did not write are read back
            // (all of them, when the source had cards before).
            let other = if self.fresh() { self.source() } else { "" };
            fill_summaries(conn, self.max_id_before() > 0, other, &pass.owners)?;
        }
        let before: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [NEWEST_ACTIVITY_KEY],
                |r| r.get(0),
            )
            .ok();
        if let Some(newest) = before.max(pass.newest) {
            set_meta(conn, NEWEST_ACTIVITY_KEY, &newest)?;
        }
        set_meta(conn, RULES_RAN_FOR, &pass.ran_for)?;
        Ok(())
    }
}

impl Store {
    /// Refills the summaries (stage counts, owners) that imports judged with `summaries: false`
    /// left out of date: one pass over the store, in a transaction of its own.
    pub fn fill_summaries(&mut self) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        fill_summaries(&tx, true, "", &BTreeSet::new())?;
        tx.commit()?;
        Ok(())
    }
}

/// Stage counts, and owners: `owners` plus, when `read_back`, those of the cards of sources
/// other than `other` ("": every card). Marks the summaries current.
fn fill_summaries(
    conn: &rusqlite::Connection,
    read_back: bool,
    other: &str,
    owners: &BTreeSet<String>,
) -> Result<(), StoreError> {
    conn.execute_batch(super::schema::FILL_STAGE_COUNTS)?;
    if read_back {
        conn.execute(
            "INSERT OR IGNORE INTO owners (name) SELECT DISTINCT owner FROM cards
             WHERE source <> ?1 AND owner IS NOT NULL AND owner <> ''",
            [other],
        )?;
    }
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO owners (name) VALUES (?1)")?;
    for o in owners {
        insert.execute([o])?;
    }
    conn.execute_batch(super::schema::MARK_SUMMARIES)?;
    Ok(())
}

/// Judges the cards the import wrote without flags, as the rules run would: read back from the
/// store (this transaction's writes included) with their stage history, in id order.
fn judge_stored(conn: &rusqlite::Connection, pass: &mut InPass<'_>) -> Result<(), StoreError> {
    let mut ids = std::mem::take(&mut pass.later);
    if ids.is_empty() {
        return Ok(());
    }
    ids.sort_unstable();
    ids.dedup();
    let names = Store::field_names_on(conn)?;
    let mut judged: Vec<Judged> = Vec::with_capacity(CHUNK.min(ids.len()));
    for window in ids.chunks(CHUNK) {
        let (first, last) = (window[0], window[window.len() - 1]);
        let mut judge_one = |raw: super::read::RawCard| {
            if window.binary_search(&raw.id).is_err() {
                return Ok(());
            }
            if let Some(o) = raw.owner().filter(|o| !o.is_empty())
                && !pass.owners.contains(o)
            {
                pass.owners.insert(o.to_string());
            }
            if let Some(t) = raw.touched_at()
                && pass.newest.as_deref().is_none_or(|n| t > n)
            {
                pass.newest = Some(t.to_string());
            }
            let (card, ctx) = raw.parse(&names);
            let flags = (pass.judge)(&card, &ctx);
            let columns = (!flags.is_empty()).then(|| raw.queue_columns());
            judged.push((raw.id, flags, columns));
            Ok(())
        };
        // A window of ids close together is one range read; scattered ones are read each.
        if last - first < 4 * window.len() as i64 {
            Store::raw_cards_in(conn, first - 1, last, &mut judge_one)?;
        } else {
            for &id in window {
                Store::raw_cards_in(conn, id - 1, id, &mut judge_one)?;
            }
        }
        Store::write_flags_on(conn, &judged, &mut pass.run)?;
        judged.clear();
    }
    Ok(())
}

/// Flags and standing rows written by one statement.
const BLOCK: usize = 32;

/// Writes new cards' flags and standings. Unlike the rules run's write
/// (`Store::write_flags_on`), which compares with what the store holds, there is nothing to
/// compare with: the rows go in blocks of many rows a statement.
fn insert_new(
    conn: &rusqlite::Connection,
    judged: &[Judged],
    run: &mut RulesRun,
) -> Result<(), StoreError> {
    let flags: Vec<(i64, usize, &Flag)> = judged
        .iter()
        .flat_map(|(id, flags, _)| flags.iter().enumerate().map(|(seq, f)| (*id, seq, f)))
        .collect();
    let standings: Vec<(i64, &[Flag], &QueueColumns)> = judged
        .iter()
        .filter_map(|(id, flags, c)| c.as_ref().map(|c| (*id, flags.as_slice(), c)))
        .collect();
    run.cards += judged.len() as u64;
    run.flags += flags.len() as u64;
    run.flagged += standings.len() as u64;
    in_blocks(
        conn,
        FLAG_ROW,
        FLAG_INSERT,
        &flags,
        |stmt, at, &(id, seq, f)| {
            stmt.raw_bind_parameter(at + 1, id)?;
            stmt.raw_bind_parameter(at + 2, seq as i64)?;
            stmt.raw_bind_parameter(at + 3, f.code.as_str())?;
            stmt.raw_bind_parameter(at + 4, f.severity.rank())?;
            stmt.raw_bind_parameter(at + 5, &f.message)?;
            stmt.raw_bind_parameter(at + 6, &f.field)
        },
    )?;
    in_blocks(
        conn,
        STANDING_ROW,
        STANDING_INSERT,
        &standings,
        |stmt, at, &(id, flags, c)| {
            let top = flags.iter().map(|f| f.severity.rank()).max().unwrap_or(0);
            let count = flags.len() as i64;
            stmt.raw_bind_parameter(at + 1, id)?;
            stmt.raw_bind_parameter(at + 2, top)?;
            stmt.raw_bind_parameter(at + 3, count)?;
            stmt.raw_bind_parameter(at + 4, super::flags::place(top, count))?;
            stmt.raw_bind_parameter(at + 5, &c.stage)?;
            stmt.raw_bind_parameter(at + 6, c.touched_at.as_deref().unwrap_or(""))?;
            stmt.raw_bind_parameter(at + 7, &c.external_id)?;
            stmt.raw_bind_parameter(at + 8, &c.gone_at)?;
            stmt.raw_bind_parameter(at + 9, c.closed)?;
            stmt.raw_bind_parameter(at + 10, &c.closed_at)?;
            stmt.raw_bind_parameter(at + 11, &c.search)
        },
    )
}

const FLAG_INSERT: &str =
    "INSERT OR REPLACE INTO flags (card_id, seq, code, severity, message, field) VALUES ";
const FLAG_ROW: &str = "(?, ?, ?, ?, ?, ?)";
const STANDING_INSERT: &str = "INSERT OR REPLACE INTO standings (card_id, flag_rank, flag_count,
    place, stage, touched_at, external_id, gone_at, closed, closed_at, search) VALUES ";
const STANDING_ROW: &str = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

/// Inserts `rows` with `BLOCK` rows a statement (the rest one by one).
fn in_blocks<T>(
    conn: &rusqlite::Connection,
    row: &str,
    head: &str,
    rows: &[T],
    bind: impl Fn(&mut rusqlite::Statement<'_>, usize, &T) -> rusqlite::Result<()>,
) -> Result<(), StoreError> {
    let width = row.matches('?').count();
    let block_sql = format!("{head}{}", vec![row; BLOCK].join(", "));
    let mut blocks = rows.chunks_exact(BLOCK);
    if blocks.len() > 0 {
        let mut stmt = conn.prepare_cached(&block_sql)?;
        for block in &mut blocks {
            for (k, r) in block.iter().enumerate() {
                bind(&mut stmt, k * width, r)?;
            }
            stmt.raw_execute()?;
        }
    }
    let mut one = conn.prepare_cached(&format!("{head}{row}"))?;
    for r in blocks.remainder() {
        bind(&mut one, 0, r)?;
        one.raw_execute()?;
    }
    Ok(())
}

fn set_meta(conn: &rusqlite::Connection, key: &str, value: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}
