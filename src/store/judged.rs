//! The stage rules judged in an import's own pass: the card is in memory already, so its flags
//! and standing are written with it, and the summaries and the rules' marker with the commit.

use std::collections::BTreeSet;

use super::cards::{CardRow, Import, Outcome};
use super::flags::{Judged, NEWEST_ACTIVITY_KEY, RULES_RAN_FOR, RulesRun};
use super::read::QueueColumns;
use super::{Store, StoreError};
use crate::domain::flag::Flag;

/// Judged cards are written this many at a time (the rules run's chunk).
const CHUNK: usize = 4096;

/// What an import that judges its cards carries until it commits.
pub(super) struct InPass {
    /// The rules' marker (funnel fingerprint and day) the commit stores.
    ran_for: String,
    pending: Vec<Judged>,
    run: RulesRun,
    /// The source's owners, for the owner picker's list.
    owners: BTreeSet<String>,
    /// The newest activity of this import's cards (see [`NEWEST_ACTIVITY_KEY`]).
    newest: Option<String>,
    /// The store was empty: the standings' index is built by one sort at the end.
    rebuild_index: bool,
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

impl Import<'_> {
    /// From here on the import judges its new cards itself ([`Import::insert_judged`]); its
    /// commit stores the summaries and `ran_for` (see [`Store::flags_current_for`]). Only for a
    /// fresh source: an update would need the card's stage history, which the store holds.
    pub fn judge_in_pass(&mut self, ran_for: &str) -> Result<(), StoreError> {
        let empty = self.max_id_before() == 0;
        if empty {
            self.conn()
                .execute_batch(super::schema::STANDINGS_INDEX_DROP)?;
        }
        self.set_in_pass(InPass {
            ran_for: ran_for.to_string(),
            pending: Vec::with_capacity(CHUNK),
            run: RulesRun::default(),
            owners: BTreeSet::new(),
            newest: None,
            rebuild_index: empty,
        });
        Ok(())
    }

    /// [`Import::upsert`] of a new card with its flags, judged on the import's other threads.
    pub fn insert_judged(
        &mut self,
        row: &CardRow,
        flags: Vec<Flag>,
    ) -> Result<Outcome, StoreError> {
        let outcome = self.upsert(None, row)?;
        if outcome != Outcome::Inserted {
            return Ok(outcome);
        }
        let id = self.conn().last_insert_rowid();
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
        let Some(pass) = self.take_in_pass() else {
            return Ok(());
        };
        let conn = self.conn();
        if pass.rebuild_index {
            conn.execute_batch(super::schema::STANDINGS_INDEX)?;
        }
        conn.execute_batch(super::schema::FILL_STAGE_COUNTS)?;
        // The import emptied the owners' list; other sources' owners are read back.
        if self.max_id_before() > 0 {
            conn.execute(
                "INSERT OR IGNORE INTO owners (name) SELECT DISTINCT owner FROM cards
             WHERE source <> ?1 AND owner IS NOT NULL AND owner <> ''",
                [self.source()],
            )?;
        }
        let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO owners (name) VALUES (?1)")?;
        for o in &pass.owners {
            insert.execute([o])?;
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
        conn.execute_batch(super::schema::MARK_SUMMARIES)?;
        Ok(())
    }
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
    in_blocks(conn, FLAG_ROW, FLAG_INSERT, &flags, |stmt, at, &(id, seq, f)| {
        stmt.raw_bind_parameter(at + 1, id)?;
        stmt.raw_bind_parameter(at + 2, seq as i64)?;
        stmt.raw_bind_parameter(at + 3, f.code.as_str())?;
        stmt.raw_bind_parameter(at + 4, f.severity.rank())?;
        stmt.raw_bind_parameter(at + 5, &f.message)?;
        stmt.raw_bind_parameter(at + 6, &f.field)
    })?;
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
