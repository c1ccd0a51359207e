//! The import's write side as a port: the pipeline (`sync::import`) reads, maps and judges the
//! rows, and hands each card to an [`ImportTx`]. The SQLite store's is `cards::Import` (below,
//! by delegation); the team server's is `pg::import`.

use chrono::NaiveDateTime;

use super::cards::{BatchCounts, BatchMeta, CardRow, Change, Existing, Import, Outcome};
use super::fields::{FieldKeys, FieldNames};
use super::judged::{Judge, NewJudgement};
use super::{Store, StoreError};
use crate::domain::columns::SourceColumns;
use crate::domain::settled::AskedMoves;
use crate::domain::{Card, FieldName};

/// A store a file can be imported into.
pub trait ImportStore {
    /// Whether every other card's flags are the rules' judgement for `ran_for`, so that an
    /// import may judge only the cards it writes.
    fn flags_current_for(&self, ran_for: &str) -> Result<bool, StoreError>;

    /// Each stage of the store that `wanted` takes (the stages the funnel does not know) with
    /// how many of the source's cards (not gone) are in it, those with none left out: what an
    /// import's or a sync's report says of the stages the funnel does not know.
    fn source_stages(
        &self,
        source: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<(String, u64)>, StoreError>;

    /// How many of the cards `ids` have a live review (neither superseded nor withdrawn): the
    /// ones an import that changes them sends back to their auditors.
    fn reviewed_cards(&self, ids: &[i64]) -> Result<u64, StoreError>;

    /// Begins one file's import: one transaction, ended by [`ImportTx::finish`] (or rolled
    /// back when the import is dropped).
    fn begin_import<'s>(
        &'s mut self,
        meta: &BatchMeta<'_>,
    ) -> Result<Box<dyn ImportTx<'s> + 's>, StoreError>;
}

/// One file's import under way: what the pipeline's writer stage calls, in this order: the
/// source's columns and field keys, the rules (when they judge in the pass), each card
/// (looked up, then written or counted unchanged), then [`ImportTx::finish`].
pub trait ImportTx<'a> {
    /// The source had no cards when the import began: every card is new.
    fn fresh(&self) -> bool;

    /// Whether the rules can run over the whole store after this import (a store file: yes).
    /// Where they cannot (a server has no rules run), the import judges what it writes even
    /// when the file changes what the rules find on cards it does not write.
    fn rules_run_after(&self) -> bool {
        true
    }

    /// The columns of every import of this source, this one's included.
    fn source_columns(&mut self) -> Result<SourceColumns, StoreError>;

    /// Adds this file's columns to its source's.
    fn record_columns(&mut self, okk: &[&str], custom: &[&str]) -> Result<(), StoreError>;

    /// Ids for the custom fields the file's cards may carry (new names added).
    fn field_keys(&mut self, names: &[FieldName]) -> Result<FieldKeys, StoreError>;

    /// From here on the import judges the cards it writes (see `Import::judge_in_pass`).
    fn judge_in_pass(
        &mut self,
        ran_for: &str,
        judge: Judge<'a>,
        summaries: bool,
    ) -> Result<(), StoreError>;

    /// The stage moves the lead asked for on the store's cards (the judge passes them to the
    /// rules: `domain::settled::AskedMoves`).
    fn asked_moves(&mut self) -> Result<AskedMoves, StoreError>;

    /// The card as the store holds it (this import's own writes included).
    fn lookup(&mut self, external_id: &str) -> Result<Option<Existing>, StoreError>;

    /// A card the store holds with the same digest: nothing to write.
    fn unchanged(&mut self, id: i64) -> Outcome;

    /// The custom fields' names by id (to read [`ImportTx::stored_card`]).
    fn field_names(&mut self) -> Result<FieldNames, StoreError>;

    /// The cards of `rows` (external ids, with the digest a row now has, `None`: any) that the
    /// store holds with another digest or as gone are read back next
    /// ([`ImportTx::stored_card`]): a store may read them at once (a server, a round trip per
    /// card). Each call replaces the last one's.
    fn prefetch_cards(&mut self, _rows: &[(&str, Option<i64>)]) -> Result<(), StoreError> {
        Ok(())
    }

    /// The card `id` as the store holds it, what a row whose digest changed is compared with
    /// (`sync::change::settle`): as it was before this import (or group of a sync's pages),
    /// unless the import wrote it already, and then the row is a duplicate whatever it compares
    /// to.
    fn stored_card(&mut self, id: i64, names: &FieldNames) -> Result<Option<Card>, StoreError>;

    /// Writes a card the store did not hold, or held with another digest or as gone; `change`
    /// says how the funnel sees the difference (ignored for a new card). `edited`: the deal's
    /// last edit as the read itself gives it (a file's edit-time column), which dates a move
    /// the card made where it can (`domain::stage_move::move_time`); `None` (no such column,
    /// or a sync, whose moves the CRM's events date): the move is the import's.
    fn upsert(
        &mut self,
        existing: Option<&Existing>,
        row: &CardRow,
        change: Change,
        edited: Option<NaiveDateTime>,
    ) -> Result<Outcome, StoreError>;

    /// A new card with its flags (and the queue columns they need), judged on the import's
    /// other threads.
    fn insert_judged(
        &mut self,
        row: &CardRow,
        judgement: NewJudgement,
    ) -> Result<Outcome, StoreError>;

    /// Marks cards of the file's pipelines (`scopes`) it did not hold gone, records the counts
    /// and commits (`commit: false`, a dry run: rolls back, counts all the same).
    fn finish(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        commit: bool,
    ) -> Result<BatchCounts, StoreError>;

    /// A dry run's end: [`ImportTx::finish`] without the commit, and, read in its transaction
    /// just before the rollback, the source's stages `wanted` takes with the cards (not gone)
    /// the store would hold at each once the file is in ([`ImportStore::source_stages`] of the
    /// store the import would leave): a stage the file empties is not one it warns of.
    fn finish_dry(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        source: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<(BatchCounts, Vec<(String, u64)>), StoreError>;
}

impl ImportStore for Store {
    fn flags_current_for(&self, ran_for: &str) -> Result<bool, StoreError> {
        Store::flags_current_for(self, ran_for)
    }

    fn reviewed_cards(&self, ids: &[i64]) -> Result<u64, StoreError> {
        let mut n = 0u64;
        // Within SQLite's bound on one statement's parameters.
        for chunk in ids.chunks(500) {
            let marks = vec!["?"; chunk.len()].join(",");
            let found: i64 = self.conn.query_row(
                &format!(
                    "SELECT count(DISTINCT card_id) FROM reviews WHERE card_id IN ({marks})
                       AND superseded_by IS NULL AND withdrawn_at IS NULL"
                ),
                rusqlite::params_from_iter(chunk),
                |r| r.get(0),
            )?;
            n += found as u64;
        }
        Ok(n)
    }

    fn source_stages(
        &self,
        source: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        source_stages_in(&self.conn, source, wanted)
    }

    fn begin_import<'s>(
        &'s mut self,
        meta: &BatchMeta<'_>,
    ) -> Result<Box<dyn ImportTx<'s> + 's>, StoreError> {
        Ok(Box::new(Store::begin_import(self, meta)?))
    }
}

/// [`ImportStore::source_stages`] on a store file's connection (or an import's transaction).
pub(super) fn source_stages_in(
    conn: &rusqlite::Connection,
    source: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<(String, u64)>, StoreError> {
    {
        // The store's stages one index seek each, and only the wanted ones counted: grouping
        // every card of the source cost a read of the whole table on every import (0.2 s of a
        // re-import of 300,000 rows).
        let stages: Vec<String> = conn
            .prepare(super::read::DISTINCT_STAGES)?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        // A store of this source alone counts from the queue index alone (stage, gone_at);
        // otherwise each card of the stage is read for its source (a funnel that knows none of
        // 300,000 cards' stages: 1.1 s against 0.05 s).
        let only: bool = conn.query_row(
            "SELECT coalesce((SELECT min(source) FROM cards) = ?1
                 AND (SELECT max(source) FROM cards) = ?1, 0)",
            [source],
            |r| r.get(0),
        )?;
        let mut count = conn.prepare(if !only {
            "SELECT count(*) FROM cards WHERE stage = ?1 AND source = ?2 AND gone_at IS NULL"
        } else {
            "SELECT count(*) FROM cards WHERE stage = ?1 AND gone_at IS NULL AND ?2 IS NOT NULL"
        })?;
        let mut out = Vec::new();
        for stage in stages.into_iter().filter(|s| wanted(s)) {
            let n: i64 = count.query_row(rusqlite::params![stage, source], |r| r.get(0))?;
            if n > 0 {
                out.push((stage, n as u64));
            }
        }
        Ok(out)
    }
}

impl<'a> ImportTx<'a> for Import<'a> {
    fn fresh(&self) -> bool {
        Import::fresh(self)
    }

    fn source_columns(&mut self) -> Result<SourceColumns, StoreError> {
        Import::source_columns(self)
    }

    fn record_columns(&mut self, okk: &[&str], custom: &[&str]) -> Result<(), StoreError> {
        Import::record_columns(self, okk, custom)
    }

    fn field_keys(&mut self, names: &[FieldName]) -> Result<FieldKeys, StoreError> {
        Import::field_keys(self, names)
    }

    fn judge_in_pass(
        &mut self,
        ran_for: &str,
        judge: Judge<'a>,
        summaries: bool,
    ) -> Result<(), StoreError> {
        Import::judge_in_pass(self, ran_for, judge, summaries)
    }

    fn asked_moves(&mut self) -> Result<AskedMoves, StoreError> {
        Ok(super::decisions::settled_cards_in(self.conn(), None)?.asked_moves())
    }

    fn lookup(&mut self, external_id: &str) -> Result<Option<Existing>, StoreError> {
        Import::lookup(self, external_id)
    }

    fn unchanged(&mut self, id: i64) -> Outcome {
        Import::unchanged(self, id)
    }

    fn field_names(&mut self) -> Result<FieldNames, StoreError> {
        Import::field_names(self)
    }

    fn stored_card(&mut self, id: i64, names: &FieldNames) -> Result<Option<Card>, StoreError> {
        Import::stored_card(self, id, names)
    }

    fn upsert(
        &mut self,
        existing: Option<&Existing>,
        row: &CardRow,
        change: Change,
        edited: Option<NaiveDateTime>,
    ) -> Result<Outcome, StoreError> {
        Import::upsert(self, existing, row, change, edited)
    }

    fn insert_judged(
        &mut self,
        row: &CardRow,
        judgement: NewJudgement,
    ) -> Result<Outcome, StoreError> {
        Import::insert_judgement(self, row, judgement)
    }

    fn finish(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        commit: bool,
    ) -> Result<BatchCounts, StoreError> {
        Import::finish(*self, counts, scopes, commit)
    }

    fn finish_dry(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        source: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<(BatchCounts, Vec<(String, u64)>), StoreError> {
        let mut held = Vec::new();
        let counts = Import::finish_reading(*self, counts, scopes, false, &mut |conn| {
            held = source_stages_in(conn, source, wanted)?;
            Ok(())
        })?;
        Ok((counts, held))
    }
}
