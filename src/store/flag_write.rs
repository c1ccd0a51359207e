//! Writing what the rules judged: each card's flags and standing compared with what the store
//! holds, only what changed written; a big rewrite drops the secondary indexes first and builds
//! them once at the end.
//!
//! The one path that stores flags: a rules run over the store and a judging import both feed a
//! [`FlagWriter`] judged cards in card-id order, inside their own transaction, then call
//! [`FlagWriter::finish`].

use rusqlite::ToSql;
use rusqlite::types::ValueRef::Integer;
use rusqlite::types::{ToSqlOutput, ValueRef};

use super::borrowing::Borrowing;
use super::flags::{RulesRun, place};
use super::read::QueueColumns;
use super::run_summary::{RunSummary, store_run_summary};
use super::{Store, StoreError};
use crate::domain::flag::{Flag, RuleCode, Severity};

/// A flag as its row stores it: the evidence encoded as the `args` column holds it, on the
/// judge's thread, so the writer (the thread every judge waits for) only compares and binds
/// bytes. The evidence itself is dropped there too: freed on the thread that built it, where
/// the writer freed its strings from another thread's heap.
#[derive(Debug, Clone)]
pub struct JudgedFlag {
    pub code: RuleCode,
    pub severity: Severity,
    pub field: Option<String>,
    pub args: String,
}

impl JudgedFlag {
    pub fn new(flag: Flag) -> JudgedFlag {
        let args = super::flags::args(&flag.evidence);
        JudgedFlag {
            code: flag.code,
            severity: flag.severity,
            field: flag.field,
            args,
        }
    }
}

/// A judged card: id, flags now, and (when it has flags) the columns its standing copies.
pub type Judged = (i64, Vec<JudgedFlag>, Option<QueueColumns>);

/// The columns of `flags` that hold a flag, after `card_id` and `seq`; [`stored_form`] gives
/// their values in this order.
const FLAG_COLUMNS: &str = "code, severity, args, field";

/// A flag as its row stores it ([`FLAG_COLUMNS`]). A stored flag is the same as a judged one
/// when every value is: the comparison never looks inside a value.
fn stored_form(f: &JudgedFlag) -> rusqlite::Result<[ToSqlOutput<'_>; 4]> {
    Ok([
        f.code.as_str().to_sql()?,
        ToSqlOutput::from(f.severity.rank()),
        f.args.to_sql()?,
        f.field.to_sql()?,
    ])
}

fn value_of<'a>(v: &'a ToSqlOutput<'_>) -> ValueRef<'a> {
    match v {
        ToSqlOutput::Borrowed(v) => *v,
        ToSqlOutput::Owned(v) => v.into(),
        // The forms `stored_form` never makes compare unequal: the flag is written again.
        _ => ValueRef::Null,
    }
}

/// Whether a stored flag's row (card_id, then [`FLAG_COLUMNS`]) holds the flag `f`.
fn stored_is(r: &rusqlite::Row<'_>, f: &JudgedFlag) -> rusqlite::Result<bool> {
    for (i, v) in stored_form(f)?.iter().enumerate() {
        if r.get_ref(1 + i)? != value_of(v) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Changed cards (flags or standing written) past this share of all cards, and the rest of the
/// run writes without the secondary indexes: updating them in place costs a random page each
/// (the day moved past the export, most flags change: 30 s and more on a million cards), where
/// building them again is one sort.
const BIG_REWRITE_SHARE: i64 = 16;

/// An import's transaction (a sync lands its pages in transactions of up to 5,000 deals) drops
/// the indexes only past this many cards written: building them again sorts every flag and
/// standing the store holds and makes every statement prepare again, where a few thousand
/// written in place cost little. Measured on a first sync of 100,000 deals: the drops and
/// rebuilds of its first sixteen transactions were a sixth of its CPU.
const IN_PASS_BIG_FLOOR: i64 = 20_000;

/// Stores judged cards' flags and standings (see the module's doc).
pub struct FlagWriter<'s> {
    conn: &'s rusqlite::Connection,
    /// The SQL of the indexes dropped for a big rewrite, built again by [`FlagWriter::finish`].
    dropped: Vec<String>,
    /// Cards whose flags or standing were written so far.
    written: i64,
    /// How many written make the run a big rewrite.
    big: i64,
    run: RulesRun,
}

impl<'s> FlagWriter<'s> {
    /// Starts writing, inside the caller's transaction. With no standings stored yet (the first
    /// run after an import) the whole run is a big rewrite.
    pub fn new(store: &'s Store) -> Result<FlagWriter<'s>, StoreError> {
        Self::with_floor(&store.conn, 0)
    }

    /// [`FlagWriter::new`] on a connection held elsewhere (an import's transaction).
    pub(super) fn on(conn: &'s rusqlite::Connection) -> Result<FlagWriter<'s>, StoreError> {
        Self::with_floor(conn, IN_PASS_BIG_FLOOR)
    }

    /// `floor`: a rewrite is big past at least this many cards written.
    fn with_floor(
        conn: &'s rusqlite::Connection,
        floor: i64,
    ) -> Result<FlagWriter<'s>, StoreError> {
        let cards: i64 =
            conn.query_row("SELECT coalesce(max(id), 0) FROM cards", [], |r| r.get(0))?;
        let mut w = FlagWriter {
            conn,
            dropped: Vec::new(),
            written: 0,
            big: (cards / BIG_REWRITE_SHARE).max(floor),
            run: RulesRun::default(),
        };
        if !any_standing(conn)? {
            w.drop_indexes()?;
        }
        Ok(w)
    }

    /// Writes the flags and standings of judged cards (in card-id order, each card once) that
    /// differ from the stored ones: most cards are judged the same from one run to the next,
    /// and rewriting a flag costs far more than reading it.
    pub fn write(&mut self, judged: &[Judged]) -> Result<(), StoreError> {
        let (Some(first), Some(last)) = (judged.first(), judged.last()) else {
            return Ok(());
        };
        let (same, had) = self.stored_flags_match(judged, (first.0, last.0))?;
        let standings = self.stored_standings(judged, (first.0, last.0))?;
        let mut changes = Changes::new(self.conn)?;
        for (k, (id, flags, columns)) in judged.iter().enumerate() {
            self.run.cards += 1;
            self.run.flags += flags.len() as u64;
            self.run.flagged += u64::from(!flags.is_empty());
            let mut wrote = false;
            if !same[k] {
                changes.replace_flags(*id, flags, had[k])?;
                wrote = true;
            }
            wrote |= changes.set_standing(*id, flags, columns.as_ref(), standings[k])?;
            self.written += i64::from(wrote);
        }
        changes.flush()?;
        if self.dropped.is_empty() && self.written > self.big {
            self.drop_indexes()?;
        }
        Ok(())
    }

    /// Builds the dropped indexes again and stores the run's summaries; the caller commits.
    pub fn finish(self, summary: &RunSummary) -> Result<RulesRun, StoreError> {
        let conn = self.conn;
        let run = self.finish_flags()?;
        store_run_summary(conn, summary)?;
        Ok(run)
    }

    /// [`FlagWriter::finish`] leaving the summaries out of date (a sync's page: they are
    /// stored once after its last).
    pub(super) fn finish_flags(self) -> Result<RulesRun, StoreError> {
        let conn = self.conn;
        if !self.dropped.is_empty() {
            // Sorted on two cores in small runs, as after an import
            // (`schema::create_queue_index`): each sorter thread holds a cache's worth of keys,
            // and with the connection's own cache the two pushed a first import's peak memory
            // past 100 MB.
            conn.execute_batch("PRAGMA threads = 2; PRAGMA cache_size = -4096;")?;
            for sql in &self.dropped {
                conn.execute_batch(sql)?;
            }
            conn.execute_batch(&format!(
                "PRAGMA threads = 0; PRAGMA cache_size = -{};",
                super::schema::CACHE_KIB
            ))?;
        }
        Ok(self.run)
    }

    /// Drops the secondary indexes of `flags` and `standings`, whatever they are, keeping
    /// their SQL for [`FlagWriter::finish`].
    fn drop_indexes(&mut self) -> Result<(), StoreError> {
        let conn = self.conn;
        let indexes: Vec<(String, String)> = conn
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index'
                   AND tbl_name IN ('flags', 'standings') AND sql IS NOT NULL",
            )?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        for (name, sql) in indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
            self.dropped.push(sql);
        }
        Ok(())
    }

    /// For each judged card: whether its stored flags are the judged ones, and whether it had
    /// any. Both sides walk in card-id order and the stored values are compared in place,
    /// never copied (this runs on the thread every judge waits for).
    fn stored_flags_match(
        &self,
        judged: &[Judged],
        (first, last): (i64, i64),
    ) -> Result<(Vec<bool>, Vec<bool>), StoreError> {
        let mut same = vec![true; judged.len()];
        let mut had = vec![false; judged.len()];
        let mut read = self.conn.prepare_cached(&format!(
            "SELECT card_id, {FLAG_COLUMNS} FROM flags
             WHERE card_id >= ?1 AND card_id <= ?2 ORDER BY card_id, seq"
        ))?;
        let mut rows = read.query([first, last])?;
        let mut k = 0; // judged[k] is the card the stored row is compared with
        let mut seq = 0; // the stored row's place among its card's flags
        while let Some(r) = rows.next()? {
            let card: i64 = r.get(0)?;
            while k < judged.len() && judged[k].0 < card {
                same[k] &= seq == judged[k].1.len(); // fewer flags stored than judged?
                k += 1;
                seq = 0;
            }
            let Some((_, flags, _)) = judged.get(k).filter(|j| j.0 == card) else {
                continue; // a card not judged in this range
            };
            had[k] = true;
            same[k] &= flags.get(seq).map_or(Ok(false), |f| stored_is(r, f))?;
            seq += 1;
        }
        for (k, j) in judged.iter().enumerate().skip(k) {
            same[k] &= seq == j.1.len();
            seq = 0;
        }
        Ok((same, had))
    }

    /// Each judged card's stored standing (most severe flag, number of flags), if any.
    fn stored_standings(
        &self,
        judged: &[Judged],
        (first, last): (i64, i64),
    ) -> Result<Vec<Option<(i64, i64)>>, StoreError> {
        let mut prior = vec![None; judged.len()];
        let mut read = self.conn.prepare_cached(
            "SELECT card_id, flag_rank, flag_count FROM standings
             WHERE card_id >= ?1 AND card_id <= ?2 ORDER BY card_id",
        )?;
        let mut rows = read.query([first, last])?;
        let mut k = 0;
        while let Some(r) = rows.next()? {
            let card: i64 = r.get(0)?;
            while k < judged.len() && judged[k].0 < card {
                k += 1;
            }
            if judged.get(k).is_some_and(|j| j.0 == card) {
                prior[k] = Some((r.get(1)?, r.get(2)?));
            }
        }
        Ok(prior)
    }
}

/// Rows one INSERT statement writes: stepping a statement opens its cursors and seeks from the
/// root again, where each row of a block goes on from the last.
const BLOCK: usize = 32;

/// `INSERT … VALUES row, row, …` of `rows` rows.
fn insert_rows(head: &str, row: &str, rows: usize) -> String {
    format!("{head} VALUES {}", vec![row; rows].join(", "))
}

/// A flag's row: card id, seq, then [`FLAG_COLUMNS`].
const FLAG_ROW: &str = "(?, ?, ?, ?, ?, ?)";
/// OR IGNORE: a statement of many rows that may stop on a conflict midway makes SQLite keep a
/// statement journal (a copy of every page it touches, to undo that statement alone), which
/// showed in profiles of the first import with rules. No row can conflict — a card's old flags
/// and standing are deleted before its new ones are written — and [`in_blocks`] checks that
/// every row was written. The flags' INSERT is the same (see [`Changes::flush`]).
const WRITE_STANDINGS: &str = "INSERT OR IGNORE INTO standings (card_id, flag_rank, flag_count,
    place, stage, touched_at, external_id, gone_at, closed, closed_at, search)";
const STANDING_ROW: &str = "(?, ?, ?, ?, ?, coalesce(?, ''), ?, ?, ?, ?, ?)";

/// A standing to write: card id, most severe flag, number of flags, the card's queue columns.
type Standing<'j> = (i64, i64, i64, &'j QueueColumns);

/// What one [`FlagWriter::write`] call changes: deletions run as met, new rows wait to be
/// written a block at a time.
struct Changes<'c, 'j> {
    conn: &'c rusqlite::Connection,
    drop_flags: rusqlite::CachedStatement<'c>,
    drop_standing: rusqlite::CachedStatement<'c>,
    flags: Vec<(i64, i64, &'j JudgedFlag)>,
    standings: Vec<Standing<'j>>,
}

impl<'c, 'j> Changes<'c, 'j> {
    fn new(conn: &'c rusqlite::Connection) -> Result<Changes<'c, 'j>, StoreError> {
        Ok(Changes {
            conn,
            drop_flags: conn.prepare_cached("DELETE FROM flags WHERE card_id = ?1")?,
            drop_standing: conn.prepare_cached("DELETE FROM standings WHERE card_id = ?1")?,
            flags: Vec::new(),
            standings: Vec::new(),
        })
    }

    /// Replaces a card's stored flags with `flags`.
    fn replace_flags(
        &mut self,
        id: i64,
        flags: &'j [JudgedFlag],
        had: bool,
    ) -> Result<(), StoreError> {
        if had {
            self.drop_flags.execute([id])?;
        }
        self.flags
            .extend(flags.iter().enumerate().map(|(seq, f)| (id, seq as i64, f)));
        Ok(())
    }

    /// Brings a card's standing in line with its flags (`was`: the stored one); whether it
    /// changes.
    fn set_standing(
        &mut self,
        id: i64,
        flags: &[JudgedFlag],
        columns: Option<&'j QueueColumns>,
        was: Option<(i64, i64)>,
    ) -> Result<bool, StoreError> {
        let Some(c) = columns else {
            if was.is_some() {
                self.drop_standing.execute([id])?;
            }
            return Ok(was.is_some());
        };
        let top = flags.iter().map(|f| f.severity.rank()).max().unwrap_or(0);
        let count = flags.len() as i64;
        if was == Some((top, count)) {
            return Ok(false);
        }
        if was.is_some() {
            // Written again below, by an INSERT that does not replace (see [`WRITE_STANDINGS`]).
            self.drop_standing.execute([id])?;
        }
        self.standings.push((id, top, count, c));
        Ok(true)
    }

    /// Writes the new rows.
    fn flush(&mut self) -> Result<(), StoreError> {
        let head = format!("INSERT OR IGNORE INTO flags (card_id, seq, {FLAG_COLUMNS})");
        in_blocks(
            self.conn,
            &head,
            FLAG_ROW,
            &self.flags,
            |&(id, seq, f), out| {
                // In [`stored_form`]'s order.
                out.extend([
                    Integer(id),
                    Integer(seq),
                    text(Some(f.code.as_str())),
                    Integer(f.severity.rank()),
                    text(Some(&f.args)),
                    text(f.field.as_deref()),
                ]);
            },
        )?;
        in_blocks(
            self.conn,
            WRITE_STANDINGS,
            STANDING_ROW,
            &self.standings,
            |&(id, top, count, c), out| {
                let closed = c.closed.map_or(ValueRef::Null, |b| Integer(i64::from(b)));
                out.extend([
                    Integer(id),
                    Integer(top),
                    Integer(count),
                    Integer(place(top, count)),
                    text(Some(&c.stage)),
                    text(c.touched_at.as_deref()),
                    text(Some(&c.external_id)),
                    text(c.gone_at.as_deref()),
                    closed,
                    text(c.closed_at.as_deref()),
                    text(Some(&c.search)),
                ]);
            },
        )
    }
}

/// A text value as SQLite binds it (NULL for none).
fn text(t: Option<&str>) -> ValueRef<'_> {
    t.map_or(ValueRef::Null, |t| ValueRef::Text(t.as_bytes()))
}

/// Inserts `items` with `head` and one `row` per item, [`BLOCK`] rows a statement and the rest
/// one by one; `row_values` appends an item's values. The values are bound in place (see
/// `borrowing`): the flags' evidence and the standings' copied queue columns were copied once
/// more by SQLite's bind. `head` inserts OR IGNORE (see [`WRITE_STANDINGS`]): a row left out is a
/// conflict, and an error, as a plain INSERT's would be.
fn in_blocks<'j, T>(
    conn: &rusqlite::Connection,
    head: &str,
    row: &str,
    items: &'j [T],
    row_values: impl Fn(&'j T, &mut Vec<ValueRef<'j>>),
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let mut values = Vec::new();
    let mut chunks = items.chunks_exact(BLOCK);
    if chunks.len() > 0 {
        let mut block = Borrowing::prepare(conn, &insert_rows(head, row, BLOCK))?;
        for rows in &mut chunks {
            values.clear();
            rows.iter().for_each(|item| row_values(item, &mut values));
            all_written(block.execute_refs(&values)?, BLOCK, head)?;
        }
    }
    if !chunks.remainder().is_empty() {
        let mut one = Borrowing::prepare(conn, &insert_rows(head, row, 1))?;
        for item in chunks.remainder() {
            values.clear();
            row_values(item, &mut values);
            all_written(one.execute_refs(&values)?, 1, head)?;
        }
    }
    Ok(())
}

/// A block that wrote fewer rows than it held met a row already stored: SQLite's own error
/// for a conflict, as a plain INSERT would have stopped with (the caller's transaction, rolled
/// back, writes none of it).
fn all_written(written: usize, rows: usize, head: &str) -> rusqlite::Result<()> {
    if written == rows {
        return Ok(());
    }
    Err(rusqlite::Error::SqliteFailure(
        rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT),
        Some(format!(
            "{} of {rows} rows already stored: {head}",
            rows - written
        )),
    ))
}

impl Store {
    /// Whether any card has a standing (is flagged).
    pub(super) fn any_standing(&self) -> Result<bool, StoreError> {
        any_standing(&self.conn)
    }
}

fn any_standing(conn: &rusqlite::Connection) -> Result<bool, StoreError> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM standings)", [], |r| r.get(0))?)
}
