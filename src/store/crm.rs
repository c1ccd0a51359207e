//! What a live sync keeps besides the cards: each connection's cursor (how far its deals were
//! read), written in the transaction of the page it came with, deletions by CRM id, the CRM's
//! own times of stage moves, a full sweep under way (the deals it has listed so far), and the
//! CRM's own order of its pipelines and stages.

use std::collections::HashSet;

use rusqlite::{OptionalExtension, params};

use super::cards::Import;
use super::{Store, StoreError};
use crate::domain::Card;
use crate::domain::crm_stage::{CrmStage, Semantics};
pub(crate) use crate::domain::deal_note::newest;
use crate::domain::deal_note::{DealNote, NOTES_PER_CARD, times_of};

/// Notes written by one statement (see `Import::save_notes`).
const NOTE_ROWS: usize = 64;

fn notes_block() -> String {
    let rows: Vec<&str> = (0..NOTE_ROWS).map(|_| "(?, ?, ?, ?, ?)").collect();
    format!(
        "INSERT INTO crm_notes (connection, deal, note, at, body) VALUES {}
         ON CONFLICT (connection, deal, note) DO UPDATE SET at = excluded.at, body = excluded.body",
        rows.join(", ")
    )
}

/// A note's stored notes to time a card's by: the newest [`NOTES_PER_CARD`], the order
/// [`newest`] keeps (a card holds no others).
pub(crate) const NOTE_TIMES: &str = "SELECT at, note, body FROM crm_notes
     WHERE connection = ?1 AND deal = ?2
     ORDER BY at DESC, length(note) DESC, note DESC LIMIT 50";
const _: () = assert!(NOTES_PER_CARD == 50, "NOTE_TIMES' limit");

/// A note's time (Unix seconds) as the screens show times: the wall clock here.
pub(crate) fn local_time(at: i64) -> Option<chrono::NaiveDateTime> {
    chrono::DateTime::from_timestamp(at, 0).map(|t| t.with_timezone(&chrono::Local).naive_local())
}

/// How far a connection's sync got.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// The largest update time (Unix seconds) the CRM returned for a deal.
    pub cursor: Option<i64>,
    /// How far the CRM's events were read: amoCRM's the largest creation time (Unix seconds) of
    /// the events read (deletions, moves), Bitrix24's the last stage history item's id.
    pub events_cursor: Option<i64>,
    pub synced_at: Option<String>,
    /// When a full sweep last finished.
    pub full_at: Option<String>,
    /// Where an unfinished run stands: the reader's own words (Bitrix24), or the run's first
    /// batch where the reader keeps none (amoCRM: `crm::sync::RunMark`).
    pub resume: Option<String>,
    /// The largest update time (Unix seconds) of the notes read (amoCRM; Bitrix24 reads its
    /// comments with their deals).
    pub notes_cursor: Option<i64>,
    /// When the run under way began (this machine's clock): written by a run's first
    /// transaction, cleared by its last. Set when a run begins, an earlier one was killed or
    /// stopped half-way.
    pub run_begun_at: Option<String>,
    /// The reader's way of writing values (`crm::sync::values_version`) the connection's
    /// deals were last read whole with; `None`: by an okk before it kept it (read as 0).
    pub values_version: Option<i64>,
}

impl Store {
    /// When each of `card`'s notes was written, where a live sync of its source kept them
    /// (see [`times_of`]).
    pub fn note_times(
        &self,
        card: &Card,
    ) -> Result<Vec<Option<chrono::NaiveDateTime>>, StoreError> {
        if card.notes.is_empty() {
            return Ok(Vec::new());
        }
        let stored: Vec<(i64, String, String)> = self
            .conn
            .prepare_cached(NOTE_TIMES)?
            .query_map(params![card.source, card.external_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(times_of(&card.notes, stored)
            .into_iter()
            .map(|at| at.and_then(local_time))
            .collect())
    }

    /// Whether any sync landed something here: its state is saved with every group of pages
    /// (notes come before the deals, so a first sync may hold notes and no card yet).
    pub fn has_synced(&self) -> Result<bool, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT EXISTS (SELECT 1 FROM crm_sync)", [], |r| r.get(0))?)
    }

    pub fn crm_state(&self, connection: &str) -> Result<SyncState, StoreError> {
        // A store read as it is may be older than the run's mark (`okk crm list`) and the
        // values' version.
        let version = self.schema_version()?;
        let begun = if version >= super::schema::RUN_BEGUN_FROM {
            "run_begun_at"
        } else {
            "NULL"
        };
        let values = if version >= super::schema::VALUES_VERSION_FROM {
            "values_version"
        } else {
            "NULL"
        };
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT s.cursor, events_cursor, synced_at, full_at, resume, n.cursor, {begun},
                         {values}
                     FROM crm_sync s LEFT JOIN crm_notes_read n USING (connection)
                     WHERE connection = ?1"
                ),
                [connection],
                |r| {
                    Ok(SyncState {
                        cursor: r.get(0)?,
                        events_cursor: r.get(1)?,
                        synced_at: r.get(2)?,
                        full_at: r.get(3)?,
                        resume: r.get(4)?,
                        notes_cursor: r.get(5)?,
                        run_begun_at: r.get(6)?,
                        values_version: r.get(7)?,
                    })
                },
            )
            .optional()?
            .unwrap_or_default())
    }
}

impl Store {
    /// Saves how far the sync got when a page brought nothing to write.
    pub fn save_crm_state(
        &mut self,
        connection: &str,
        state: &SyncState,
    ) -> Result<(), StoreError> {
        save_state(&self.conn, connection, state)
    }

    /// [`Store::save_crm_state`], and the CRM's pipelines and stages (`Some`: the run's first
    /// pages) in the same transaction.
    pub fn save_crm_state_and_stages(
        &mut self,
        connection: &str,
        state: &SyncState,
        stages: Option<&[CrmStage]>,
    ) -> Result<(), StoreError> {
        let Some(stages) = stages else {
            return self.save_crm_state(connection, state);
        };
        let tx = self.conn.transaction()?;
        save_stages(&tx, connection, stages)?;
        save_state(&tx, connection, state)?;
        tx.commit()?;
        Ok(())
    }

    /// Every connection's pipelines and stages as its last sync read them (none on a store
    /// older than the table, read as it is).
    pub fn crm_stages(&self) -> Result<Vec<(String, CrmStage)>, StoreError> {
        if self.schema_version()? < super::schema::CRM_STAGES_FROM {
            return Ok(Vec::new());
        }
        // A store read as it is may be older than the stages' semantics.
        let semantics = if self.schema_version()? < super::schema::STAGE_SEMANTICS_FROM {
            "NULL"
        } else {
            "semantics"
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT connection, pipeline_id, pipeline, pipeline_sort, stage_id, stage, sort,
                 {semantics}
             FROM crm_stages ORDER BY connection, pipeline_sort, pipeline_id, sort, stage_id"
        ))?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get(0)?,
                CrmStage {
                    pipeline_id: r.get(1)?,
                    pipeline: r.get(2)?,
                    pipeline_sort: r.get(3)?,
                    stage_id: r.get(4)?,
                    stage: r.get(5)?,
                    sort: r.get(6)?,
                    semantics: (r.get::<_, Option<String>>(7)?).and_then(|s| Semantics::parse(&s)),
                },
            ))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The source fed by file imports (no connection syncs it) that holds the most of `deals`
    /// (CRM id, title), with how many it holds; `None` when `source` already has cards or no
    /// such source holds any. A connection's first sync asks it: those deals came in by
    /// exports under another name, and would land again as second cards.
    pub fn file_twin(
        &self,
        source: &str,
        deals: &[(&str, &str)],
    ) -> Result<Option<(String, u64)>, StoreError> {
        let deals = serde_json::to_string(deals).unwrap_or_else(|_| "[]".into());
        // Sources first (a handful), then each deal by the (source, external_id) key.
        Ok(self
            .conn
            .query_row(
                "WITH d(id, title) AS (SELECT value ->> 0, value ->> 1 FROM json_each(?2)),
                      s(source) AS (SELECT DISTINCT source FROM import_batches
                                     WHERE source <> ?1
                                       AND source NOT IN (SELECT connection FROM crm_sync))
                 SELECT s.source, count(*) FROM s CROSS JOIN d CROSS JOIN cards c
                  WHERE c.source = s.source AND c.external_id = d.id
                    AND trim(coalesce(c.title, '')) = trim(d.title)
                    AND NOT EXISTS (SELECT 1 FROM cards WHERE source = ?1)
                  GROUP BY s.source ORDER BY 2 DESC, 1 LIMIT 1",
                params![source, deals],
                |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)),
            )
            .optional()?)
    }

    /// Whether the source holds cards; with `before`, cards an import or sync that began
    /// before it brought.
    pub fn source_has_cards(&self, source: &str, before: Option<&str>) -> Result<bool, StoreError> {
        let Some(before) = before else {
            return Ok(!self.source_is_empty(source)?);
        };
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM cards c JOIN import_batches b ON b.id = c.first_batch
                             WHERE c.source = ?1 AND b.started_at < ?2)",
            params![source, before],
            |r| r.get(0),
        )?)
    }

    /// Whether a sync of `source` began at `at` (a batch of its is dated so): a run that
    /// would begin then waits for the next second (`crm::sync`).
    pub fn sync_began_at(&self, source: &str, at: &str) -> Result<bool, StoreError> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM import_batches
                            WHERE source = ?1 AND encoding = ?2 AND started_at = ?3)",
            params![source, super::cards::SYNC_ENCODING, at],
            |r| r.get(0),
        )?)
    }

    /// See [`super::sync_tx::SyncStore::sync_landed_since`].
    pub fn sync_landed_since(
        &self,
        source: &str,
        file: &str,
        at: &str,
    ) -> Result<crate::domain::sync_report::Landed, StoreError> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(rows), 0), coalesce(sum(inserted), 0),
                    coalesce(sum(updated), 0), coalesce(sum(gone), 0)
             FROM import_batches
             WHERE source = ?1 AND file = ?2 AND encoding = ?3 AND started_at >= ?4",
            params![source, file, super::cards::SYNC_ENCODING, at],
            |r| {
                let n = |i| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
                Ok(crate::domain::sync_report::Landed {
                    rows: n(0)?,
                    inserted: n(1)?,
                    updated: n(2)?,
                    gone: n(3)?,
                })
            },
        )?)
    }

    /// The sources file imports of `profile` fed and no connection syncs, with their cards
    /// (not gone), most first: `okk crm add` names them, a first sync of the same account
    /// under another name would bring their deals in again.
    pub fn file_sources(&self, profile: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT c.source, count(*) FROM cards c
              WHERE c.gone_at IS NULL
                AND c.source IN (SELECT source FROM import_batches WHERE profile = ?1)
                AND c.source NOT IN (SELECT connection FROM crm_sync)
              GROUP BY c.source ORDER BY 2 DESC, 1",
        )?;
        let rows = stmt
            .query_map([profile], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
            .collect::<Result<_, _>>()?;
        Ok(rows)
    }

    /// The connections synced into the store, by name (`crm_sync`'s rows).
    pub fn crm_connections(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT connection FROM crm_sync ORDER BY connection")?;
        let names = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(names)
    }

    /// The deals of a connection the store holds notes for (a sync looks up only theirs).
    pub fn crm_note_deals(
        &self,
        connection: &str,
    ) -> Result<crate::domain::fx::FxSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT deal FROM crm_notes WHERE connection = ?1")?;
        let deals = stmt
            .query_map([connection], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(deals)
    }

    /// See [`super::sync_tx::SyncStore::forget_refused_first_sync`].
    pub fn forget_refused_first_sync(&mut self, connection: &str) -> Result<(), StoreError> {
        let tx = self.conn.transaction()?;
        let has_cards: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM cards WHERE source = ?1)",
            [connection],
            |r| r.get(0),
        )?;
        if !has_cards {
            for sql in [
                "DELETE FROM crm_notes WHERE connection = ?1",
                "DELETE FROM crm_notes_read WHERE connection = ?1",
                "DELETE FROM crm_sync WHERE connection = ?1",
                "DELETE FROM crm_sweep WHERE connection = ?1",
                "DELETE FROM crm_swept WHERE connection = ?1",
                "DELETE FROM crm_stages WHERE connection = ?1",
                "DELETE FROM source_columns WHERE source = ?1",
                "DELETE FROM fill_snapshots
                  WHERE batch_id IN (SELECT id FROM import_batches WHERE source = ?1)",
                "DELETE FROM import_batches WHERE source = ?1",
            ] {
                tx.execute(sql, [connection])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// When the connection's full sweep under way began (`None`: none is): a sweep stopped
    /// half-way is finished by the next sync.
    pub fn crm_sweep(&self, connection: &str) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row(
                "SELECT started_at FROM crm_sweep WHERE connection = ?1",
                [connection],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// The deals the connection's full sweep under way has listed so far.
    pub fn crm_swept(&self, connection: &str) -> Result<HashSet<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT deal FROM crm_swept WHERE connection = ?1")?;
        let deals = stmt
            .query_map([connection], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(deals)
    }

    /// The CRM ids (and pipelines) of the source's cards not gone: a full sweep marks the ones
    /// the CRM no longer lists.
    pub fn crm_live_ids(&self, source: &str) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let mut stmt = self.conn.prepare(
            "SELECT external_id, pipeline FROM cards WHERE source = ?1 AND gone_at IS NULL",
        )?;
        let ids = stmt
            .query_map([source], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        Ok(ids)
    }
}

/// The connection's pipelines and stages become `stages` (a sync reads them whole).
fn save_stages(
    conn: &rusqlite::Connection,
    connection: &str,
    stages: &[CrmStage],
) -> Result<(), StoreError> {
    conn.prepare_cached("DELETE FROM crm_stages WHERE connection = ?1")?
        .execute([connection])?;
    let mut put = conn.prepare_cached(
        "INSERT OR REPLACE INTO crm_stages
             (connection, pipeline_id, pipeline, pipeline_sort, stage_id, stage, sort, semantics)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for s in stages {
        put.execute(params![
            connection,
            s.pipeline_id,
            s.pipeline,
            s.pipeline_sort,
            s.stage_id,
            s.stage,
            s.sort,
            s.semantics.map(Semantics::as_str)
        ])?;
    }
    Ok(())
}

/// Saves a connection's state on `conn`: the store's own connection, or an import's
/// transaction.
fn save_state(
    conn: &rusqlite::Connection,
    connection: &str,
    state: &SyncState,
) -> Result<(), StoreError> {
    conn.prepare_cached(
        "INSERT INTO crm_sync
             (connection, cursor, events_cursor, synced_at, full_at, resume, run_begun_at,
              values_version)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (connection) DO UPDATE SET cursor = ?2, events_cursor = ?3,
             synced_at = ?4, full_at = ?5, resume = ?6, run_begun_at = ?7, values_version = ?8",
    )?
    .execute(params![
        connection,
        state.cursor,
        state.events_cursor,
        state.synced_at,
        state.full_at,
        state.resume,
        state.run_begun_at,
        state.values_version
    ])?;
    conn.prepare_cached(
        "INSERT INTO crm_notes_read (connection, cursor) VALUES (?1, ?2)
         ON CONFLICT (connection) DO UPDATE SET cursor = ?2",
    )?
    .execute(params![connection, state.notes_cursor])?;
    Ok(())
}

impl Import<'_> {
    /// A full sweep of the connection begins at `started_at`: an earlier one stopped half-way
    /// is dropped with the deals it listed.
    pub fn begin_sweep(&self, connection: &str, started_at: &str) -> Result<(), StoreError> {
        let (tx, _, _) = self.parts();
        tx.prepare_cached("DELETE FROM crm_swept WHERE connection = ?1")?
            .execute([connection])?;
        tx.prepare_cached(
            "INSERT INTO crm_sweep (connection, started_at) VALUES (?1, ?2)
             ON CONFLICT (connection) DO UPDATE SET started_at = ?2",
        )?
        .execute([connection, started_at])?;
        Ok(())
    }

    /// The deals these pages listed, for the sweep under way (with the pages: a sweep stopped
    /// after them knows them).
    pub fn swept(&self, connection: &str, deals: &[&str]) -> Result<(), StoreError> {
        let (tx, _, _) = self.parts();
        let mut put = tx
            .prepare_cached("INSERT OR IGNORE INTO crm_swept (connection, deal) VALUES (?1, ?2)")?;
        for deal in deals {
            put.execute([connection, deal])?;
        }
        Ok(())
    }

    /// The sweep is through (the deals it did not list are marked gone in this transaction):
    /// its mark and its deals go.
    pub fn end_sweep(&self, connection: &str) -> Result<(), StoreError> {
        let (tx, _, _) = self.parts();
        tx.prepare_cached("DELETE FROM crm_swept WHERE connection = ?1")?
            .execute([connection])?;
        tx.prepare_cached("DELETE FROM crm_sweep WHERE connection = ?1")?
            .execute([connection])?;
        Ok(())
    }

    /// The CRM's pipelines and stages as this run read them, with its first pages.
    pub fn save_crm_stages(&self, connection: &str, stages: &[CrmStage]) -> Result<(), StoreError> {
        let (tx, _, _) = self.parts();
        save_stages(tx, connection, stages)
    }

    /// Saves how far the sync got, with this page's cards (it commits or rolls back with them).
    pub fn save_crm_state(&self, connection: &str, state: &SyncState) -> Result<(), StoreError> {
        let (tx, _, _) = self.parts();
        save_state(tx, connection, state)
    }

    /// Marks the card the CRM deleted gone (as a full export that no longer holds it would).
    /// Returns whether it was there and not gone already.
    pub fn mark_deleted(&mut self, source: &str, external_id: &str) -> Result<bool, StoreError> {
        let id: Option<i64> = {
            let (tx, _, _) = self.parts();
            tx.prepare_cached(
                "SELECT id FROM cards WHERE source = ?1 AND external_id = ?2 AND gone_at IS NULL",
            )?
            .query_row(params![source, external_id], |r| r.get(0))
            .optional()?
        };
        let Some(id) = id else { return Ok(false) };
        {
            let (tx, batch, now) = self.parts();
            tx.prepare_cached("UPDATE cards SET gone_at = ?2, gone_batch = ?3 WHERE id = ?1")?
                .execute(params![id, now, batch])?;
        }
        self.unjudge(id)?;
        Ok(true)
    }

    /// Keeps the notes read (a note read again replaces its text). `complete`: deals whose
    /// notes `notes` holds in full (Bitrix24 reads each deal's comments whole): their others go.
    pub fn save_notes(
        &self,
        connection: &str,
        notes: &[DealNote],
        complete: &[String],
    ) -> Result<(), StoreError> {
        let (tx, _, _) = self.parts();
        let mut clear =
            tx.prepare_cached("DELETE FROM crm_notes WHERE connection = ?1 AND deal = ?2")?;
        for deal in complete {
            clear.execute(params![connection, deal])?;
        }
        // Full blocks with one statement of many rows (a statement a note cost a first sync
        // as much again as the notes' rows themselves), the rest one by one. A note read
        // twice in one block keeps its later reading, as it would row by row.
        let mut blocks = notes.chunks_exact(NOTE_ROWS);
        if blocks.len() > 0 {
            let mut block = tx.prepare_cached(&notes_block())?;
            for rows in &mut blocks {
                for (k, n) in rows.iter().enumerate() {
                    let at = k * 5;
                    block.raw_bind_parameter(at + 1, connection)?;
                    block.raw_bind_parameter(at + 2, &n.deal)?;
                    block.raw_bind_parameter(at + 3, &n.id)?;
                    block.raw_bind_parameter(at + 4, n.at)?;
                    block.raw_bind_parameter(at + 5, &n.text)?;
                }
                block.raw_execute()?;
            }
        }
        let mut put = tx.prepare_cached(
            "INSERT INTO crm_notes (connection, deal, note, at, body) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (connection, deal, note) DO UPDATE SET at = ?4, body = ?5",
        )?;
        for n in blocks.remainder() {
            put.execute(params![connection, n.deal, n.id, n.at, n.text])?;
        }
        Ok(())
    }

    /// A deal's notes as its card shows them ([`newest`]).
    pub fn crm_notes(&self, connection: &str, deal: &str) -> Result<Vec<String>, StoreError> {
        let (tx, _, _) = self.parts();
        // Ordered here, not by the query: `ORDER BY … LIMIT ?` made SQLite prepare the
        // statement again at every run (a sixth of a first sync's CPU).
        let mut stmt = tx.prepare_cached(
            "SELECT at, note, body FROM crm_notes WHERE connection = ?1 AND deal = ?2",
        )?;
        let notes: Vec<(i64, String, String)> = stmt
            .query_map(params![connection, deal], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        Ok(newest(notes))
    }

    /// The card of `external_id` (not gone): its id, content hash and notes.
    pub fn card_notes(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<(i64, i64, Vec<String>)>, StoreError> {
        let (tx, _, _) = self.parts();
        let found: Option<(i64, i64, String)> = tx
            .prepare_cached(
                "SELECT id, coalesce(export_digest, content_hash), notes FROM cards
                 WHERE source = ?1 AND external_id = ?2 AND gone_at IS NULL",
            )?
            .query_row(params![source, external_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()?;
        Ok(found
            .map(|(id, hash, notes)| (id, hash, serde_json::from_str(&notes).unwrap_or_default())))
    }

    /// Gives a card other notes (and the content hash they make): the card changed, its review
    /// is due again and it is judged again.
    pub fn set_card_notes(
        &mut self,
        id: i64,
        notes: &[String],
        hash: i64,
    ) -> Result<(), StoreError> {
        {
            let (tx, batch, now) = self.parts();
            let notes = serde_json::to_string(notes).unwrap_or_else(|_| "[]".into());
            tx.prepare_cached(
                "UPDATE cards SET notes = ?2, content_hash = ?3, export_digest = NULL,
                 changed_batch = ?4, changed_at = ?5 WHERE id = ?1",
            )?
            .execute(params![id, notes, hash, batch, now])?;
        }
        self.unjudge(id)
    }

    /// The CRM's record of the moves of the card `external_id` (`entries`, one group's):
    /// the visits after its last one are written, each at a batch of its own, in the CRM's
    /// order; an entry into the stage of its last visit dates it
    /// (`domain::stage_move::path_plan`). The visits the run wrote before (`run`) are
    /// planned again with them (`store::stage_path`): an older part of its entries
    /// (`complete` false: more to come) goes before them. `settle`: the card moved
    /// in this run and no entry gave its path, so its visit to its stage begins now. Returns
    /// whether the history changed (the card is judged again) and whether the entries gave
    /// visits of their own.
    pub fn stage_path(
        &mut self,
        source: &str,
        external_id: &str,
        entries: &[crate::domain::stage_move::Entry],
        settle: bool,
        run: super::sync_tx::RunRows,
        complete: bool,
    ) -> Result<(bool, bool), StoreError> {
        use super::stage_path::{LastRow, PathCard, PathInput, path_writes};
        self.flush_history()?;
        let now = self.now_time();
        let (card, last, landed) = {
            let (tx, _, _) = self.parts();
            let card: Option<PathCard> = tx
                .prepare_cached(
                    "SELECT c.id, c.stage, c.pipeline, c.first_batch, b.started_at
                     FROM cards c JOIN import_batches b ON b.id = c.first_batch
                     WHERE c.source = ?1 AND c.external_id = ?2 AND c.gone_at IS NULL",
                )?
                .query_row(params![source, external_id], |r| {
                    Ok(PathCard {
                        id: r.get(0)?,
                        stage: r.get(1)?,
                        pipeline: r.get(2)?,
                        first_batch: r.get(3)?,
                        first_seen: r.get(4)?,
                    })
                })
                .optional()?;
            let Some(card) = card else {
                return Ok((false, false));
            };
            let landed: Vec<(i64, super::stage_path::Row)> = tx
                .prepare_cached(
                    "SELECT h.batch_id, h.seen_at, h.pipeline, h.stage
                     FROM stage_history h JOIN import_batches b ON b.id = h.batch_id
                     WHERE h.card_id = ?1 AND b.source = ?2 AND b.encoding = ?3
                       AND h.batch_id >= ?4
                     ORDER BY h.batch_id",
                )?
                .query_map(
                    params![card.id, source, super::cards::SYNC_ENCODING, run.from_batch],
                    |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?, r.get(3)?))),
                )?
                .collect::<Result<_, _>>()?;
            let below = landed.first().map_or(i64::MAX, |(b, _)| *b);
            let last: Option<LastRow> = tx
                .prepare_cached(
                    "SELECT h.batch_id, h.stage, h.seen_at, b.started_at, b.encoding <> ?2,
                        (SELECT p.seen_at FROM stage_history p
                         WHERE p.card_id = h.card_id AND p.batch_id < h.batch_id
                         ORDER BY p.batch_id DESC LIMIT 1)
                     FROM stage_history h JOIN import_batches b ON b.id = h.batch_id
                     WHERE h.card_id = ?1 AND h.batch_id < ?3
                     ORDER BY h.batch_id DESC LIMIT 1",
                )?
                .query_row(params![card.id, super::cards::SYNC_ENCODING, below], |r| {
                    Ok(LastRow {
                        batch: r.get(0)?,
                        stage: r.get(1)?,
                        seen: r.get(2)?,
                        ran: r.get(3)?,
                        by_file: r.get(4)?,
                        before: r.get(5)?,
                    })
                })
                .optional()?;
            (card, last, landed)
        };
        let input = PathInput {
            last: last.as_ref(),
            landed: &landed,
            entries,
            complete,
        };
        let writes = path_writes(&card, input, settle.then_some(&now));
        if writes.is_empty() {
            return Ok((false, writes.appended));
        }
        if writes.replace {
            let (tx, _, _) = self.parts();
            let mut drop = tx
                .prepare_cached("DELETE FROM stage_history WHERE card_id = ?1 AND batch_id = ?2")?;
            for (batch, _) in &landed {
                drop.execute(params![card.id, batch])?;
            }
        }
        let batches = self.visit_batches(writes.after, writes.next.len())?;
        {
            let (tx, _, _) = self.parts();
            if let Some((batch, at)) = &writes.redate {
                tx.prepare_cached(
                    "UPDATE stage_history SET seen_at = ?3 WHERE card_id = ?1 AND batch_id = ?2",
                )?
                .execute(params![card.id, batch, at])?;
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO stage_history (card_id, batch_id, seen_at, pipeline, stage)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let first = writes.first.iter().map(|r| (card.first_batch, r));
            for (batch, (seen, pipeline, stage)) in
                first.chain(batches.into_iter().zip(&writes.next))
            {
                insert.execute(params![card.id, batch, seen, pipeline, stage])?;
            }
        }
        self.unjudge(card.id)?;
        Ok((true, writes.appended))
    }
}

#[cfg(test)]
mod tests {
    use super::Store;

    /// A synced card's notes read with the times its deal's notes have in `crm_notes`; a note
    /// the store has no time of (a file's, another source's) reads without one.
    #[test]
    fn a_card_s_notes_read_with_their_times_where_the_sync_kept_them() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("okk.db")).unwrap();
        store
            .conn
            .execute_batch(
                r#"INSERT INTO import_batches (file, profile, source, encoding, started_at)
                     VALUES ('api', 'amocrm', 'main', 'UTF-8', '2026-11-01 10:00:00');
                 INSERT INTO cards (source, external_id, stage, content_hash, first_batch,
                                    changed_batch, changed_at, notes)
                     VALUES ('main', '7', 'Квалификация', 1, 1, 1, '2026-11-01 10:00:00',
                             '["Перезвонить", "Из файла", "Первый звонок"]'),
                            ('file', '7', 'Квалификация', 1, 1, 1, '2026-11-01 10:00:00',
                             '["Перезвонить"]');
                 INSERT INTO crm_notes (connection, deal, note, at, body) VALUES
                     ('main', '7', '101', 1795000000, 'Первый звонок'),
                     ('main', '7', '102', 1795086400, 'Перезвонить'),
                     ('main', '8', '103', 1795090000, 'Из файла');"#,
            )
            .unwrap();
        let local = |at| super::local_time(at).unwrap();
        let synced = store.card_detail(1).unwrap().unwrap();
        assert_eq!(
            synced.note_times,
            [Some(local(1_795_086_400)), None, Some(local(1_795_000_000))]
        );
        let other = store.card_detail(2).unwrap().unwrap();
        assert_eq!(other.note_times, [None]);
    }
}
