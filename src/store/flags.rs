//! Storing what the stage rules found: a card's flags are replaced on every run, never piled
//! up, and the card's standing in its queue (most severe flag, number of flags) follows.

use std::collections::BTreeSet;
use std::sync::mpsc::Receiver;

use rusqlite::params;

use super::read::{QueueColumns, RawCard};
use super::{Store, StoreError};
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::domain::{Card, CardContext};

/// A judged card: id, flags now, and (when it has flags) the columns its standing copies.
pub(super) type Judged = (i64, Vec<Flag>, Option<QueueColumns>);

/// `meta` key: the newest activity of any card as the last rules run found it, so that a desk
/// judging an old export against today can be told so.
pub const NEWEST_ACTIVITY_KEY: &str = "newest_activity";

/// `meta` key: the funnel fingerprint and day the rules last ran for. Written by the rules run's
/// own transaction, and deleted by the transaction of every write that changes what the rules
/// would find (an import, a migration), so that a crash anywhere leaves at worst "rules must run".
pub const RULES_RAN_FOR: &str = "rules_ran_for";

/// Forgets that the rules ran (inside a transaction that changes cards).
pub(super) const FORGET_RULES_RUN: &str = "DELETE FROM meta WHERE key = 'rules_ran_for';";

/// Cards are read, judged and written back this many at a time.
const CHUNK: i64 = 4096;

/// A standing's place in its stage's queue (`standings.place`): most severe first, then most
/// flags, as one ascending number, so that a page starts after a key with one row-value seek.
/// Migration 6 spells the same formula in SQL.
pub(super) fn place(flag_rank: i64, flag_count: i64) -> i64 {
    -(flag_rank * 1_000_000 + flag_count)
}

/// Whether a stored flag's row (card_id, code, severity, message, field) is the flag `f`.
fn stored_is(r: &rusqlite::Row<'_>, f: &Flag) -> rusqlite::Result<bool> {
    let text = |i| -> rusqlite::Result<Option<&[u8]>> { Ok(r.get_ref(i)?.as_bytes_or_null()?) };
    Ok(text(1)? == Some(f.code.as_str().as_bytes())
        && r.get::<_, i64>(2)? == f.severity.rank()
        && text(3)? == Some(f.message.as_bytes())
        && text(4)? == f.field.as_deref().map(str::as_bytes))
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RulesRun {
    pub cards: u64,
    pub flagged: u64,
    pub flags: u64,
}

/// A flagged card as `okk check` lists it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FlaggedCard {
    pub id: String,
    pub source: String,
    pub stage: String,
    pub owner: Option<String>,
    pub flags: Vec<Flag>,
}

impl Store {
    /// Runs `judge` over every card and stores its flags, all in one transaction. Cards are
    /// judged on other threads (one per core) while this one reads the next chunk and writes
    /// the last.
    pub fn rerun_flags(
        &mut self,
        judge: impl Fn(&Card, &CardContext) -> Vec<Flag> + Sync,
    ) -> Result<RulesRun, StoreError> {
        self.rerun_flags_marking(None, judge)
    }

    /// [`Store::rerun_flags`], and `ran_for` stored under [`RULES_RAN_FOR`] by the same
    /// transaction: the marker never claims flags that a crash did not let commit.
    pub fn rerun_flags_marking(
        &mut self,
        ran_for: Option<&str>,
        judge: impl Fn(&Card, &CardContext) -> Vec<Flag> + Sync,
    ) -> Result<RulesRun, StoreError> {
        // No standings yet (the first run after an import): most of what the run writes is new
        // pages, which the rollback journal writes once.
        let bulk: bool =
            self.conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM standings)", [], |r| {
                    r.get(0)
                })?;
        let switched = bulk && self.rollback_journal()?;
        // A transaction by hand: `for_each_card_in` borrows the store, which a rusqlite
        // Transaction value would hold.
        let result = self
            .conn
            .execute_batch("BEGIN IMMEDIATE")
            .map_err(StoreError::from)
            .and_then(|()| self.judge_all(&judge, bulk))
            .and_then(|run| {
                if let Some(v) = ran_for {
                    self.set_meta(RULES_RAN_FOR, v)?;
                }
                Ok(run)
            });
        let result = match result {
            Ok(run) => self
                .conn
                .execute_batch("COMMIT")
                .map(|()| run)
                .map_err(Into::into),
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(e)
            }
        };
        if switched {
            // Best effort, as after an import: the next okk to open the store sets WAL again.
            let _ = self.end_bulk_load();
        }
        result
    }

    fn judge_all(
        &self,
        judge: &(impl Fn(&Card, &CardContext) -> Vec<Flag> + Sync),
        bulk: bool,
    ) -> Result<RulesRun, StoreError> {
        self.conn
            .pragma_update(None, "mmap_size", super::schema::MMAP_SIZE)?;
        let max_id = self.max_card_id()?;
        let names = self.field_names()?;
        let names = &names;
        let mut run = RulesRun::default();
        // No standings yet: they are written with their index dropped, and it is built by one
        // sort after, cheaper than inserting into it all over.
        if bulk {
            self.conn
                .execute_batch(super::schema::STANDINGS_INDEX_DROP)?;
        }
        // Judging (JSON, dates, stemming) costs more than reading: it gets every core, the
        // reader's too (the reader waits on SQLite's page reads much of the time).
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let (owners, newest) = std::thread::scope(|scope| {
            let (to_judge, judging) = std::sync::mpsc::sync_channel::<Vec<RawCard>>(2);
            let (to_write, judged) = std::sync::mpsc::sync_channel::<Vec<Judged>>(2);
            let judging = std::sync::Arc::new(std::sync::Mutex::new(judging));
            let judge_chunks =
                |judging: std::sync::Arc<std::sync::Mutex<_>>,
                 to_write: std::sync::mpsc::SyncSender<Vec<Judged>>| {
                    // Every owner named, for the `owners` summary: the pass reads every card anyway.
                    let mut owners: BTreeSet<String> = BTreeSet::new();
                    // The newest activity of any card: how old the export is (see
                    // `NEWEST_ACTIVITY_KEY`).
                    let mut newest: Option<String> = None;
                    loop {
                        // Poisoned only if another judge panicked; its panic is raised below.
                        let Ok(Ok(chunk)) = judging
                            .lock()
                            .map(|r: std::sync::MutexGuard<'_, Receiver<Vec<RawCard>>>| r.recv())
                        else {
                            break;
                        };
                        // Parsing the cards' JSON and dates happens here too, off the connection's
                        // thread.
                        let out = chunk
                            .into_iter()
                            .map(|raw| {
                                if let Some(o) = raw.owner().filter(|o| !o.is_empty())
                                    && !owners.contains(o)
                                {
                                    owners.insert(o.to_string());
                                }
                                if let Some(t) = raw.touched_at()
                                    && newest.as_deref().is_none_or(|n| t > n)
                                {
                                    newest = Some(t.to_string());
                                }
                                let (card, ctx) = raw.parse(names);
                                let flags = judge(&card, &ctx);
                                // Only a flagged card has a standing to copy them into.
                                let columns = (!flags.is_empty()).then(|| raw.queue_columns());
                                (raw.id, flags, columns)
                            })
                            .collect();
                        if to_write.send(out).is_err() {
                            break;
                        }
                    }
                    (owners, newest)
                };
            let judges: Vec<_> = (0..workers)
                .map(|_| {
                    let (judging, to_write) = (judging.clone(), to_write.clone());
                    scope.spawn(move || judge_chunks(judging, to_write))
                })
                .collect();
            // The judges hold the only senders: the channel ends when they do.
            drop(to_write);
            let mut after = 0;
            let mut in_flight = 0usize;
            loop {
                if after < max_id {
                    let upto = after + CHUNK;
                    let mut chunk = Vec::with_capacity(CHUNK as usize);
                    self.for_each_raw_in(after, upto, |raw| {
                        chunk.push(raw);
                        Ok(())
                    })?;
                    after = upto;
                    if to_judge.send(chunk).is_err() {
                        break;
                    }
                    in_flight += 1;
                    // Keep every judge busy while the next chunk is read.
                    if in_flight <= workers && after < max_id {
                        continue;
                    }
                }
                if in_flight == 0 {
                    break;
                }
                let Ok(done) = judged.recv() else { break };
                in_flight -= 1;
                self.write_flags(&done, &mut run)?;
            }
            drop(to_judge);
            let mut owners = BTreeSet::new();
            let mut newest: Option<String> = None;
            for judge in judges {
                let (mut theirs, their_newest) = judge
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p));
                owners.append(&mut theirs);
                newest = newest.max(their_newest);
            }
            Ok::<_, StoreError>((owners, newest))
        })?;
        if bulk {
            self.conn.execute_batch(super::schema::STANDINGS_INDEX)?;
        }
        // The summaries, in the same transaction: flags changed the stages' flagged figures.
        self.conn.execute_batch(super::schema::FILL_STAGE_COUNTS)?;
        self.conn.execute("DELETE FROM owners", [])?;
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO owners (name) VALUES (?1)")?;
        for o in &owners {
            insert.execute([o])?;
        }
        match newest {
            Some(t) => self.set_meta(NEWEST_ACTIVITY_KEY, &t)?,
            None => {
                self.conn
                    .execute("DELETE FROM meta WHERE key = ?1", [NEWEST_ACTIVITY_KEY])?;
            }
        }
        self.conn.execute_batch(super::schema::MARK_SUMMARIES)?;
        Ok(run)
    }

    /// Writes the flags of judged cards (in id order) that differ from the stored ones: most
    /// cards are judged the same from one run to the next, and rewriting a flag costs far more
    /// than reading it.
    fn write_flags(&self, judged: &[Judged], run: &mut RulesRun) -> Result<(), StoreError> {
        Self::write_flags_on(&self.conn, judged, run)
    }

    /// [`Store::write_flags`] on a connection held elsewhere: an import judges its cards in its
    /// own pass and writes their flags in its own transaction.
    pub(super) fn write_flags_on(
        conn: &rusqlite::Connection,
        judged: &[Judged],
        run: &mut RulesRun,
    ) -> Result<(), StoreError> {
        let (Some(first), Some(last)) = (judged.first(), judged.last()) else {
            return Ok(());
        };
        // What the store holds for these cards, compared as read: both walk in card id order,
        // and the stored text is compared in place, never copied (most cards are judged as
        // before, and this runs on the thread every judge waits for).
        let mut same = vec![true; judged.len()];
        let mut had = vec![false; judged.len()];
        let mut read = conn.prepare_cached(
            "SELECT card_id, code, severity, message, field FROM flags
             WHERE card_id >= ?1 AND card_id <= ?2 ORDER BY card_id, seq",
        )?;
        let mut rows = read.query([first.0, last.0])?;
        let mut k = 0; // judged[k] is the card the stored row is compared with
        let mut seq = 0; // the stored row's place among its card's flags
        while let Some(r) = rows.next()? {
            let card: i64 = r.get(0)?;
            while k < judged.len() && judged[k].0 < card {
                // Fewer flags stored than judged now?
                same[k] &= seq == judged[k].1.len();
                k += 1;
                seq = 0;
            }
            let Some((_, flags, _)) = judged.get(k).filter(|j| j.0 == card) else {
                continue; // a card not judged in this chunk (none: chunks are id ranges)
            };
            had[k] = true;
            same[k] &= flags
                .get(seq)
                .is_some_and(|f| stored_is(r, f).unwrap_or(false));
            seq += 1;
        }
        while k < judged.len() {
            same[k] &= seq == judged[k].1.len();
            k += 1;
            seq = 0;
        }
        let mut prior: Vec<Option<(i64, i64)>> = vec![None; judged.len()];
        let mut read = conn.prepare_cached(
            "SELECT card_id, flag_rank, flag_count FROM standings
             WHERE card_id >= ?1 AND card_id <= ?2 ORDER BY card_id",
        )?;
        let mut rows = read.query([first.0, last.0])?;
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
        let mut drop_standing = conn.prepare_cached("DELETE FROM standings WHERE card_id = ?1")?;
        let mut write_standing = conn.prepare_cached(
            "INSERT OR REPLACE INTO standings (card_id, flag_rank, flag_count, place, stage,
                 touched_at, external_id, gone_at, closed, closed_at, search)
             VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, ''), ?7, ?8, ?9, ?10, ?11)",
        )?;
        let mut delete = conn.prepare_cached("DELETE FROM flags WHERE card_id = ?1")?;
        let mut insert = conn.prepare_cached(
            "INSERT INTO flags (card_id, seq, code, severity, message, field)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for (k, (id, flags, columns)) in judged.iter().enumerate() {
            let was = prior[k];
            run.cards += 1;
            run.flags += flags.len() as u64;
            if !flags.is_empty() {
                run.flagged += 1;
            }
            if !same[k] {
                if had[k] {
                    delete.execute([id])?;
                }
                for (seq, f) in flags.iter().enumerate() {
                    insert.execute(params![
                        id,
                        seq as i64,
                        f.code.as_str(),
                        f.severity.rank(),
                        f.message,
                        f.field
                    ])?;
                }
            }
            match columns {
                None if was.is_some() => {
                    drop_standing.execute([id])?;
                }
                None => {}
                Some(c) => {
                    let top = flags.iter().map(|f| f.severity.rank()).max().unwrap_or(0);
                    let count = flags.len() as i64;
                    if was != Some((top, count)) {
                        write_standing.execute(params![
                            id,
                            top,
                            count,
                            place(top, count),
                            c.stage,
                            c.touched_at,
                            c.external_id,
                            c.gone_at,
                            c.closed,
                            c.closed_at,
                            c.search
                        ])?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Flagged cards, in funnel-independent order (stage as the CRM names it, then external
    /// id). `stages`: only these CRM stage names (None: all). `code`: only cards with that flag.
    pub fn flagged_cards(
        &self,
        stages: Option<&[String]>,
        code: Option<RuleCode>,
        mut f: impl FnMut(FlaggedCard) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.source, c.external_id, c.stage, c.owner, f.code, f.severity,
                    f.message, f.field
             FROM cards c JOIN flags f ON f.card_id = c.id
             ORDER BY c.stage, c.external_id, c.id, f.seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut current: Option<(i64, FlaggedCard)> = None;
        let keep = |c: &FlaggedCard| {
            stages.is_none_or(|s| s.contains(&c.stage))
                && code.is_none_or(|code| c.flags.iter().any(|f| f.code == code))
        };
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let flag = Flag {
                code: RuleCode::from_name(&r.get::<_, String>(5)?)
                    .unwrap_or(RuleCode::UnknownStage),
                severity: Severity::from_rank(r.get(6)?).unwrap_or(Severity::Warning),
                message: r.get(7)?,
                field: r.get(8)?,
            };
            match current.as_mut() {
                Some((cid, card)) if *cid == id => card.flags.push(flag),
                _ => {
                    if let Some((_, done)) = current.take()
                        && keep(&done)
                    {
                        f(done)?;
                    }
                    current = Some((
                        id,
                        FlaggedCard {
                            id: r.get(2)?,
                            source: r.get(1)?,
                            stage: r.get(3)?,
                            owner: r.get(4)?,
                            flags: vec![flag],
                        },
                    ));
                }
            }
        }
        if let Some((_, done)) = current
            && keep(&done)
        {
            f(done)?;
        }
        Ok(())
    }

    /// Cards with at least one flag, per stage as the CRM names it (not gone).
    pub fn flagged_per_stage(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT stage, count(*) FROM standings WHERE gone_at IS NULL GROUP BY stage",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )?;
        Ok(())
    }
}
