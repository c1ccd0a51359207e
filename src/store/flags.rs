//! Storing what the stage rules found: a card's flags are replaced on every run, never piled
//! up, and the card's standing in its queue (most severe flag, number of flags) follows.

use super::flag_write::FlagWriter;
use super::{Store, StoreError};
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};
use crate::domain::{Card, CardContext};

/// A flag's evidence as the `args` column stores it: compact JSON, written by the judges' threads
/// so the writer only compares bytes.
pub(super) fn args(e: &Evidence) -> String {
    serde_json::to_string(e).expect("evidence is plain data")
}

/// A stored flag read back. `args` no okk of this schema wrote (edited by hand) is an error,
/// not a flag without evidence.
pub(super) fn stored_flag(
    code: &str,
    severity: i64,
    field: Option<String>,
    args: &str,
) -> rusqlite::Result<Flag> {
    let evidence = serde_json::from_str(args).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e))
    })?;
    Ok(Flag {
        code: RuleCode::from_name(code).unwrap_or(RuleCode::UnknownStage),
        severity: Severity::from_rank(severity).unwrap_or(Severity::Warning),
        evidence,
        field,
    })
}

/// `meta` key: the newest activity of any card as the last rules run found it, so that a desk
/// judging an old export against today can be told so.
pub const NEWEST_ACTIVITY_KEY: &str = "newest_activity";

/// `meta` key: the funnel fingerprint and day the rules last ran for. Written by the rules run's
/// own transaction, and deleted by the transaction of every write that changes what the rules
/// would find (an import, a migration), so that a crash anywhere leaves at worst "rules must run".
pub const RULES_RAN_FOR: &str = "rules_ran_for";

/// Forgets that the rules ran (inside a transaction that changes cards).
pub(super) const FORGET_RULES_RUN: &str = "DELETE FROM meta WHERE key = 'rules_ran_for';";

/// A standing's place in its stage's queue (`standings.place`): most severe first, then most
/// flags, as one ascending number, so that a page starts after a key with one row-value seek.
/// Migration 6 spells the same formula in SQL.
pub(super) fn place(flag_rank: i64, flag_count: i64) -> i64 {
    -(flag_rank * 1_000_000 + flag_count)
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RulesRun {
    pub cards: u64,
    pub flagged: u64,
    pub flags: u64,
}

pub use crate::domain::flagged_card::FlaggedCard;

/// Flag rows, each card's together and in order (both stores' `flagged_cards`), gathered into
/// flagged cards: each handed to `f` once its last row has passed, if it is one asked for
/// (`stages`: only these CRM stage names; `code`: only cards with that flag).
pub(super) struct FlaggedCards<'a, F> {
    stages: Option<&'a [String]>,
    code: Option<RuleCode>,
    current: Option<(i64, FlaggedCard)>,
    f: F,
}

impl<'a, F: FnMut(FlaggedCard) -> Result<(), StoreError>> FlaggedCards<'a, F> {
    pub(super) fn new(stages: Option<&'a [String]>, code: Option<RuleCode>, f: F) -> Self {
        FlaggedCards {
            stages,
            code,
            current: None,
            f,
        }
    }

    /// A flag of card `id`; `card` (its flags empty) is read only for a card's first row.
    pub(super) fn row(
        &mut self,
        id: i64,
        flag: Flag,
        card: impl FnOnce() -> Result<FlaggedCard, StoreError>,
    ) -> Result<(), StoreError> {
        if let Some((cid, c)) = self.current.as_mut()
            && *cid == id
        {
            c.flags.push(flag);
            return Ok(());
        }
        self.hand_over()?;
        let mut c = card()?;
        c.flags.push(flag);
        self.current = Some((id, c));
        Ok(())
    }

    /// The last card handed over.
    pub(super) fn finish(mut self) -> Result<(), StoreError> {
        self.hand_over()
    }

    fn hand_over(&mut self) -> Result<(), StoreError> {
        let Some((_, done)) = self.current.take() else {
            return Ok(());
        };
        let asked = self.stages.is_none_or(|s| s.contains(&done.stage))
            && self
                .code
                .is_none_or(|code| done.flags.iter().any(|f| f.code == code));
        if asked { (self.f)(done) } else { Ok(()) }
    }
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
        let switched = !self.any_standing()? && self.rollback_journal()?;
        // A transaction by hand: `for_each_card_in` borrows the store, which a rusqlite
        // Transaction value would hold. Without the foreign-key check, as an import writes
        // (`store::cards::SKIP_FOREIGN_KEYS`): every flag and standing is a card's it just read.
        let result = self
            .conn
            .execute_batch(super::cards::SKIP_FOREIGN_KEYS)
            .and_then(|()| self.conn.execute_batch("BEGIN IMMEDIATE"))
            .map_err(StoreError::from)
            .and_then(|()| {
                let mut writer = FlagWriter::new(self)?;
                let summary = self.judge_every_card(&judge, &mut writer)?;
                writer.finish(&summary)
            })
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
        // Best effort: the next okk to open the store turns it on anyway.
        let _ = self.conn.execute_batch(super::cards::CHECK_FOREIGN_KEYS);
        if switched {
            // Best effort, as after an import: the next okk to open the store sets WAL again.
            let _ = self.end_bulk_load();
        }
        result
    }

    /// Flagged cards, in funnel-independent order (stage as the CRM names it, then external
    /// id). `stages`: only these CRM stage names (None: all). `code`: only cards with that flag.
    pub fn flagged_cards(
        &self,
        stages: Option<&[String]>,
        code: Option<RuleCode>,
        f: impl FnMut(FlaggedCard) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.source, c.external_id, c.stage, c.owner, f.code, f.severity,
                    f.args, f.field
             FROM cards c JOIN flags f ON f.card_id = c.id
             ORDER BY c.stage, c.external_id, c.id, f.seq",
        )?;
        let mut rows = stmt.query([])?;
        let mut cards = FlaggedCards::new(stages, code, f);
        while let Some(r) = rows.next()? {
            let (code, args): (String, String) = (r.get(5)?, r.get(7)?);
            let flag = stored_flag(&code, r.get(6)?, r.get(8)?, &args)?;
            cards.row(r.get(0)?, flag, || {
                Ok(FlaggedCard {
                    id: r.get(2)?,
                    source: r.get(1)?,
                    stage: r.get(3)?,
                    owner: r.get(4)?,
                    flags: Vec::new(),
                })
            })?;
        }
        cards.finish()
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
        meta_on(&self.conn, key)
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), StoreError> {
        set_meta_on(&self.conn, key, value)
    }
}

/// [`Store::meta`] on a connection held elsewhere (an import's transaction).
pub(super) fn meta_on(
    conn: &rusqlite::Connection,
    key: &str,
) -> Result<Option<String>, StoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

/// [`Store::set_meta`] on a connection held elsewhere (an import's transaction).
pub(super) fn set_meta_on(
    conn: &rusqlite::Connection,
    key: &str,
    value: &str,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [key, value],
    )?;
    Ok(())
}
