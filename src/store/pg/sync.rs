//! `okk sync` onto the server: the sync port (`store::sync_tx`) on PostgreSQL. A group of pages
//! is one import transaction (`pg::import`: cards by `COPY`, the sync's lock) that also writes
//! the cursor, the notes, deletions and the CRM's move times. The statements that read or change
//! cards first flush what the import holds back, so they see the cards as the SQLite sync's
//! statements do; the notes and the cursor are tables of their own, written at once.

use std::collections::HashSet;

use crate::domain::fx::FxSet;
use crate::domain::settled::AskedMoves;

use super::PgStore;
use super::import::PgImport;
use crate::domain::Card;
use crate::domain::FieldName;
use crate::domain::columns::SourceColumns;
use crate::domain::crm_stage::{CrmStage, Semantics};
use crate::domain::deal_note::DealNote;
use crate::domain::fx::FxMap;
use crate::domain::stage_move::Entry;
use crate::store::StoreError;
use crate::store::cards::{BatchCounts, BatchMeta, CardRow, Change, Existing, Outcome};
use crate::store::crm::{SyncState, newest};
use crate::store::fields::{FieldKeys, FieldNames};
use crate::store::import_tx::ImportTx;
use crate::store::judged::{Judge, NewJudgement};
use crate::store::sync_tx::{SyncStore, SyncTx};

const STATE: &str = "SELECT s.cursor, events_cursor, synced_at, full_at, resume, n.cursor,
        run_begun_at, values_version
    FROM crm_sync s LEFT JOIN crm_notes_read n USING (connection) WHERE connection = $1";

const SAVE_STATE: &str = "INSERT INTO crm_sync
        (connection, cursor, events_cursor, synced_at, full_at, resume, run_begun_at,
         values_version)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
    ON CONFLICT (connection) DO UPDATE SET cursor = $2, events_cursor = $3, synced_at = $4,
        full_at = $5, resume = $6, run_begun_at = $7, values_version = $8";

const SAVE_NOTES_CURSOR: &str = "INSERT INTO crm_notes_read (connection, cursor) VALUES ($1, $2)
    ON CONFLICT (connection) DO UPDATE SET cursor = $2";

fn save_state(
    tx: &mut impl postgres::GenericClient,
    connection: &str,
    s: &SyncState,
) -> Result<(), StoreError> {
    tx.execute(
        SAVE_STATE,
        &[
            &connection,
            &s.cursor,
            &s.events_cursor,
            &s.synced_at,
            &s.full_at,
            &s.resume,
            &s.run_begun_at,
            &s.values_version,
        ],
    )?;
    tx.execute(SAVE_NOTES_CURSOR, &[&connection, &s.notes_cursor])?;
    Ok(())
}

/// The connection's pipelines and stages become `stages` (a sync reads them whole).
fn save_stages(
    tx: &mut impl postgres::GenericClient,
    connection: &str,
    stages: &[CrmStage],
) -> Result<(), StoreError> {
    tx.execute(
        "DELETE FROM crm_stages WHERE connection = $1",
        &[&connection],
    )?;
    let texts = |f: fn(&CrmStage) -> &str| stages.iter().map(f).collect::<Vec<&str>>();
    let sorts = |f: fn(&CrmStage) -> i64| stages.iter().map(f).collect::<Vec<i64>>();
    let semantics: Vec<Option<&str>> = (stages.iter())
        .map(|s| s.semantics.map(Semantics::as_str))
        .collect();
    tx.execute(
        "INSERT INTO crm_stages
             (connection, pipeline_id, pipeline, pipeline_sort, stage_id, stage, sort, semantics)
         SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                                  $7::bigint[], $8::text[])
         ON CONFLICT (connection, pipeline_id, stage_id) DO UPDATE SET
             pipeline = excluded.pipeline, pipeline_sort = excluded.pipeline_sort,
             stage = excluded.stage, sort = excluded.sort, semantics = excluded.semantics",
        &[
            &connection,
            &texts(|s| s.pipeline_id.as_str()),
            &texts(|s| s.pipeline.as_str()),
            &sorts(|s| s.pipeline_sort),
            &texts(|s| s.stage_id.as_str()),
            &texts(|s| s.stage.as_str()),
            &sorts(|s| s.sort),
            &semantics,
        ],
    )?;
    Ok(())
}

/// The advisory locks of okk's syncs: the two-key space (apart from the one-key locks of
/// migrations, merges and claims), this number and the connection's name hashed.
const SYNC_LOCKS: i32 = 0x006f_6b6b;

impl SyncStore for PgStore {
    fn crm_stages_of(&self, connection: &str) -> Result<Vec<CrmStage>, StoreError> {
        use crate::domain::ports::FunnelHistory;
        Ok(self
            .crm_stages()?
            .into_iter()
            .filter(|(c, _)| c == connection)
            .map(|(_, s)| s)
            .collect())
    }

    fn hold_sync(&mut self, connection: &str) -> Result<bool, StoreError> {
        let row = self.conn.borrow_mut().query_one(
            "SELECT pg_try_advisory_lock($1, hashtext($2))",
            &[&SYNC_LOCKS, &connection],
        )?;
        Ok(row.get(0))
    }

    fn release_sync(&mut self, connection: &str) -> Result<(), StoreError> {
        self.conn.borrow_mut().execute(
            "SELECT pg_advisory_unlock($1, hashtext($2))",
            &[&SYNC_LOCKS, &connection],
        )?;
        Ok(())
    }

    fn crm_state(&self, connection: &str) -> Result<SyncState, StoreError> {
        let row = self.conn.borrow_mut().query_opt(STATE, &[&connection])?;
        Ok(row
            .map(|r| SyncState {
                cursor: r.get(0),
                events_cursor: r.get(1),
                synced_at: r.get(2),
                full_at: r.get(3),
                resume: r.get(4),
                notes_cursor: r.get(5),
                run_begun_at: r.get(6),
                values_version: r.get(7),
            })
            .unwrap_or_default())
    }

    fn save_crm_state(
        &mut self,
        connection: &str,
        state: &SyncState,
        stages: Option<&[CrmStage]>,
    ) -> Result<(), StoreError> {
        let (conn, _in_use) = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        if let Some(stages) = stages {
            save_stages(&mut tx, connection, stages)?;
        }
        save_state(&mut tx, connection, state)?;
        tx.commit()?;
        Ok(())
    }

    fn crm_note_deals(&self, connection: &str) -> Result<FxSet<String>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT DISTINCT deal FROM crm_notes WHERE connection = $1",
            &[&connection],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn crm_live_ids(&self, source: &str) -> Result<Vec<(String, Option<String>)>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT external_id, pipeline FROM cards WHERE source = $1 AND gone_at IS NULL",
            &[&source],
        )?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn crm_sweep(&self, connection: &str) -> Result<Option<String>, StoreError> {
        let row = self.conn.borrow_mut().query_opt(
            "SELECT started_at FROM crm_sweep WHERE connection = $1",
            &[&connection],
        )?;
        Ok(row.map(|r| r.get(0)))
    }

    fn crm_swept(&self, connection: &str) -> Result<HashSet<String>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT deal FROM crm_swept WHERE connection = $1",
            &[&connection],
        )?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn file_twin(
        &self,
        source: &str,
        deals: &[(&str, &str)],
    ) -> Result<Option<(String, u64)>, StoreError> {
        let ids: Vec<&str> = deals.iter().map(|d| d.0).collect();
        let titles: Vec<&str> = deals.iter().map(|d| d.1).collect();
        let row = self.conn.borrow_mut().query_opt(
            "WITH d(id, title) AS (SELECT * FROM unnest($2::text[], $3::text[])),
                  s(source) AS (SELECT DISTINCT source FROM import_batches
                                 WHERE source <> $1
                                   AND source NOT IN (SELECT connection FROM crm_sync))
             SELECT s.source, count(*) FROM s CROSS JOIN d JOIN cards c
                 ON c.source = s.source AND c.external_id = d.id
              WHERE trim(coalesce(c.title, '')) = trim(d.title)
                AND NOT EXISTS (SELECT 1 FROM cards WHERE source = $1)
              GROUP BY s.source ORDER BY 2 DESC, 1 LIMIT 1",
            &[&source, &ids, &titles],
        )?;
        Ok(row.map(|r| (r.get(0), r.get::<_, i64>(1) as u64)))
    }

    fn source_has_cards(&self, source: &str, before: Option<&str>) -> Result<bool, StoreError> {
        let row = self.conn.borrow_mut().query_one(
            "SELECT EXISTS (SELECT 1 FROM cards c JOIN import_batches b ON b.id = c.first_batch
                             WHERE c.source = $1 AND ($2::text IS NULL OR b.started_at < $2))",
            &[&source, &before],
        )?;
        Ok(row.get(0))
    }

    fn sync_landed_since(
        &self,
        source: &str,
        file: &str,
        at: &str,
    ) -> Result<crate::domain::sync_report::Landed, StoreError> {
        let row = self.conn.borrow_mut().query_one(
            "SELECT coalesce(sum(rows), 0)::bigint, coalesce(sum(inserted), 0)::bigint,
                    coalesce(sum(updated), 0)::bigint, coalesce(sum(gone), 0)::bigint
             FROM import_batches
             WHERE source = $1 AND file = $2 AND encoding = $3 AND started_at >= $4",
            &[&source, &file, &crate::store::cards::SYNC_ENCODING, &at],
        )?;
        let n = |i| row.get::<_, i64>(i).max(0) as u64;
        Ok(crate::domain::sync_report::Landed {
            rows: n(0),
            inserted: n(1),
            updated: n(2),
            gone: n(3),
        })
    }

    fn sync_began_at(&self, source: &str, at: &str) -> Result<bool, StoreError> {
        let row = self.conn.borrow_mut().query_one(
            "SELECT EXISTS (SELECT 1 FROM import_batches
                            WHERE source = $1 AND encoding = $2 AND started_at = $3)",
            &[&source, &crate::store::cards::SYNC_ENCODING, &at],
        )?;
        Ok(row.get(0))
    }

    fn forget_refused_first_sync(&mut self, connection: &str) -> Result<(), StoreError> {
        let (conn, _in_use) = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        let has_cards: bool = tx
            .query_one(
                "SELECT EXISTS (SELECT 1 FROM cards WHERE source = $1)",
                &[&connection],
            )?
            .get(0);
        if !has_cards {
            for sql in [
                "DELETE FROM crm_notes WHERE connection = $1",
                "DELETE FROM crm_notes_read WHERE connection = $1",
                "DELETE FROM crm_sync WHERE connection = $1",
                "DELETE FROM crm_sweep WHERE connection = $1",
                "DELETE FROM crm_swept WHERE connection = $1",
                "DELETE FROM crm_stages WHERE connection = $1",
                "DELETE FROM source_columns WHERE source = $1",
                "DELETE FROM import_batches WHERE source = $1",
            ] {
                tx.execute(sql, &[&connection])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn file_sources(&self, profile: &str) -> Result<Vec<(String, u64)>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT c.source, count(*) FROM cards c
              WHERE c.gone_at IS NULL
                AND c.source IN (SELECT source FROM import_batches WHERE profile = $1)
                AND c.source NOT IN (SELECT connection FROM crm_sync)
              GROUP BY c.source ORDER BY 2 DESC, 1",
            &[&profile],
        )?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get::<_, i64>(1) as u64))
            .collect())
    }

    /// The server keeps no summaries: its reads count from the cards.
    fn fill_summaries(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    fn begin_sync<'s>(
        &'s mut self,
        meta: &BatchMeta<'_>,
    ) -> Result<Box<dyn SyncTx<'s> + 's>, StoreError> {
        Ok(Box::new(PgSync {
            import: PgImport::begin(self.conn.get_mut(), meta)?,
            deleted: FxMap::default(),
            notes: FxMap::default(),
        }))
    }

    /// The server's journal never changes.
    fn end_run(&mut self) -> Result<(), StoreError> {
        Ok(())
    }
}

/// A group of pages landing on the server: an import, and what the sync keeps beside it.
struct PgSync<'a> {
    import: PgImport<'a>,
    /// Cards this group marked deleted: a lookup finds them gone (the import's in-memory cards
    /// are as they were when it began).
    deleted: FxMap<i64, ()>,
    /// The notes of the deals [`SyncTx::prefetch_notes`] named, read in one statement (a round
    /// trip per card would cost more than its row's COPY).
    notes: FxMap<String, Vec<(i64, String, String)>>,
}

/// The import's calls, as the import makes them (a deletion aside).
impl<'a> ImportTx<'a> for PgSync<'a> {
    fn fresh(&self) -> bool {
        self.import.fresh()
    }

    fn rules_run_after(&self) -> bool {
        self.import.rules_run_after()
    }

    fn source_columns(&mut self) -> Result<SourceColumns, StoreError> {
        self.import.source_columns()
    }

    fn record_columns(&mut self, okk: &[&str], custom: &[&str]) -> Result<(), StoreError> {
        self.import.record_columns(okk, custom)
    }

    fn field_keys(&mut self, names: &[FieldName]) -> Result<FieldKeys, StoreError> {
        self.import.field_keys(names)
    }

    fn judge_in_pass(
        &mut self,
        ran_for: &str,
        judge: Judge<'a>,
        summaries: bool,
    ) -> Result<(), StoreError> {
        self.import.judge_in_pass(ran_for, judge, summaries)
    }

    fn asked_moves(&mut self) -> Result<AskedMoves, StoreError> {
        self.import.asked_moves()
    }

    fn lookup(&mut self, external_id: &str) -> Result<Option<Existing>, StoreError> {
        let mut found = self.import.lookup(external_id)?;
        if let Some(e) = found.as_mut().filter(|_| !self.deleted.is_empty()) {
            e.gone |= self.deleted.contains_key(&e.id);
        }
        Ok(found)
    }

    fn unchanged(&mut self, id: i64) -> Outcome {
        self.import.unchanged(id)
    }

    fn field_names(&mut self) -> Result<FieldNames, StoreError> {
        self.import.field_names()
    }

    fn prefetch_cards(&mut self, rows: &[(&str, Option<i64>)]) -> Result<(), StoreError> {
        self.import.prefetch_cards(rows)
    }

    fn stored_card(&mut self, id: i64, names: &FieldNames) -> Result<Option<Card>, StoreError> {
        self.import.stored_card(id, names)
    }

    fn upsert(
        &mut self,
        existing: Option<&Existing>,
        row: &CardRow,
        change: Change,
        edited: Option<chrono::NaiveDateTime>,
    ) -> Result<Outcome, StoreError> {
        self.import.upsert(existing, row, change, edited)
    }

    fn insert_judged(
        &mut self,
        row: &CardRow,
        judgement: NewJudgement,
    ) -> Result<Outcome, StoreError> {
        self.import.insert_judged(row, judgement)
    }

    fn finish(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        commit: bool,
    ) -> Result<BatchCounts, StoreError> {
        Box::new(self.import).finish(counts, scopes, commit)
    }

    fn finish_dry(
        self: Box<Self>,
        counts: BatchCounts,
        scopes: &[Option<String>],
        source: &str,
        wanted: &dyn Fn(&str) -> bool,
    ) -> Result<(BatchCounts, Vec<(String, u64)>), StoreError> {
        Box::new(self.import).finish_dry(counts, scopes, source, wanted)
    }
}

impl<'a> SyncTx<'a> for PgSync<'a> {
    fn save_crm_state(&mut self, connection: &str, state: &SyncState) -> Result<(), StoreError> {
        save_state(self.import.tx(), connection, state)
    }

    fn save_crm_stages(&mut self, connection: &str, stages: &[CrmStage]) -> Result<(), StoreError> {
        save_stages(self.import.tx(), connection, stages)
    }

    fn begin_sweep(&mut self, connection: &str, started_at: &str) -> Result<(), StoreError> {
        let tx = self.import.tx();
        tx.execute(
            "DELETE FROM crm_swept WHERE connection = $1",
            &[&connection],
        )?;
        tx.execute(
            "INSERT INTO crm_sweep (connection, started_at) VALUES ($1, $2)
             ON CONFLICT (connection) DO UPDATE SET started_at = excluded.started_at",
            &[&connection, &started_at],
        )?;
        Ok(())
    }

    fn swept(&mut self, connection: &str, deals: &[&str]) -> Result<(), StoreError> {
        if deals.is_empty() {
            return Ok(());
        }
        self.import.tx().execute(
            "INSERT INTO crm_swept (connection, deal) SELECT $1, unnest($2::text[])
             ON CONFLICT DO NOTHING",
            &[&connection, &deals],
        )?;
        Ok(())
    }

    fn end_sweep(&mut self, connection: &str) -> Result<(), StoreError> {
        let tx = self.import.tx();
        tx.execute(
            "DELETE FROM crm_swept WHERE connection = $1",
            &[&connection],
        )?;
        tx.execute(
            "DELETE FROM crm_sweep WHERE connection = $1",
            &[&connection],
        )?;
        Ok(())
    }

    fn mark_deleted(&mut self, source: &str, external_id: &str) -> Result<bool, StoreError> {
        let (batch, now) = self.import.stamp();
        let now = now.to_string();
        let row = self.import.flushed()?.query_opt(
            "UPDATE cards SET gone_at = $3, gone_batch = $4
             WHERE source = $1 AND external_id = $2 AND gone_at IS NULL RETURNING id",
            &[&source, &external_id, &now, &batch],
        )?;
        let Some(row) = row else { return Ok(false) };
        let id: i64 = row.get(0);
        self.import.unjudge(id)?;
        self.deleted.insert(id, ());
        Ok(true)
    }

    fn save_notes(
        &mut self,
        connection: &str,
        notes: &[DealNote],
        complete: &[String],
    ) -> Result<(), StoreError> {
        let tx = self.import.tx();
        if !complete.is_empty() {
            tx.execute(
                "DELETE FROM crm_notes WHERE connection = $1 AND deal = ANY($2)",
                &[&connection, &complete],
            )?;
        }
        // One statement for the page's notes; a note read twice keeps its last reading (one
        // statement may not change a row twice).
        let mut last: std::collections::HashMap<(&str, &str), usize> = Default::default();
        for (i, n) in notes.iter().enumerate() {
            last.insert((&n.deal, &n.id), i);
        }
        let mut kept: Vec<usize> = last.into_values().collect();
        kept.sort_unstable();
        let deals: Vec<&str> = kept.iter().map(|&i| notes[i].deal.as_str()).collect();
        let ids: Vec<&str> = kept.iter().map(|&i| notes[i].id.as_str()).collect();
        let ats: Vec<i64> = kept.iter().map(|&i| notes[i].at).collect();
        let bodies: Vec<&str> = kept.iter().map(|&i| notes[i].text.as_str()).collect();
        if deals.is_empty() {
            return Ok(());
        }
        tx.execute(
            "INSERT INTO crm_notes (connection, deal, note, at, body)
             SELECT $1, d, n, a, b FROM unnest($2::text[], $3::text[], $4::bigint[], $5::text[])
                 AS x (d, n, a, b)
             ON CONFLICT (connection, deal, note)
                 DO UPDATE SET at = excluded.at, body = excluded.body",
            &[&connection, &deals, &ids, &ats, &bodies],
        )?;
        Ok(())
    }

    fn prefetch_notes(&mut self, connection: &str, deals: &[&str]) -> Result<(), StoreError> {
        self.notes.clear();
        if deals.is_empty() {
            return Ok(());
        }
        let rows = self.import.tx().query(
            "SELECT deal, at, note, body FROM crm_notes WHERE connection = $1 AND deal = ANY($2)",
            &[&connection, &deals],
        )?;
        for deal in deals {
            self.notes.insert(deal.to_string(), Vec::new());
        }
        for r in rows {
            let deal: String = r.get(0);
            if let Some(notes) = self.notes.get_mut(&deal) {
                notes.push((r.get(1), r.get(2), r.get(3)));
            }
        }
        Ok(())
    }

    fn crm_notes(&mut self, connection: &str, deal: &str) -> Result<Vec<String>, StoreError> {
        if let Some(notes) = self.notes.remove(deal) {
            return Ok(newest(notes));
        }
        let rows = self.import.tx().query(
            "SELECT at, note, body FROM crm_notes WHERE connection = $1 AND deal = $2",
            &[&connection, &deal],
        )?;
        Ok(newest(
            rows.iter()
                .map(|r| (r.get(0), r.get(1), r.get(2)))
                .collect(),
        ))
    }

    fn card_notes(
        &mut self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<(i64, i64, Vec<String>)>, StoreError> {
        let row = self.import.flushed()?.query_opt(
            "SELECT id, coalesce(export_digest, content_hash), notes FROM cards
             WHERE source = $1 AND external_id = $2 AND gone_at IS NULL",
            &[&source, &external_id],
        )?;
        Ok(row.map(|r| {
            let notes: &str = r.get(2);
            (
                r.get(0),
                r.get(1),
                serde_json::from_str(notes).unwrap_or_default(),
            )
        }))
    }

    fn set_card_notes(&mut self, id: i64, notes: &[String], hash: i64) -> Result<(), StoreError> {
        let (batch, now) = self.import.stamp();
        let now = now.to_string();
        let notes = serde_json::to_string(notes).unwrap_or_else(|_| "[]".into());
        self.import.flushed()?.execute(
            "UPDATE cards SET notes = $2, content_hash = $3, export_digest = NULL,
             changed_batch = $4, changed_at = $5 WHERE id = $1",
            &[&id, &notes, &hash, &batch, &now],
        )?;
        self.import.unjudge(id)
    }

    fn batch(&self) -> i64 {
        self.import.stamp().0
    }

    /// As `Import::stage_path` (store::crm) does on a store file.
    fn stage_path(
        &mut self,
        source: &str,
        external_id: &str,
        entries: &[Entry],
        settle: bool,
        run: crate::store::sync_tx::RunRows,
        complete: bool,
    ) -> Result<(bool, bool), StoreError> {
        use crate::store::stage_path::{LastRow, PathCard, PathInput, Row, path_writes};
        let now = self.import.now_time();
        let tx = self.import.flushed()?;
        let Some(r) = tx.query_opt(
            "SELECT c.id, c.stage, c.pipeline, c.first_batch, b.started_at
             FROM cards c JOIN import_batches b ON b.id = c.first_batch
             WHERE c.source = $1 AND c.external_id = $2 AND c.gone_at IS NULL",
            &[&source, &external_id],
        )?
        else {
            return Ok((false, false));
        };
        let card = PathCard {
            id: r.get(0),
            stage: r.get(1),
            pipeline: r.get(2),
            first_batch: r.get(3),
            first_seen: r.get(4),
        };
        let landed: Vec<(i64, Row)> = tx
            .query(
                "SELECT h.batch_id, h.seen_at, h.pipeline, h.stage
                 FROM stage_history h JOIN import_batches b ON b.id = h.batch_id
                 WHERE h.card_id = $1 AND b.source = $2 AND b.encoding = $3
                   AND h.batch_id >= $4
                 ORDER BY h.batch_id",
                &[
                    &card.id,
                    &source,
                    &crate::store::cards::SYNC_ENCODING,
                    &run.from_batch,
                ],
            )?
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2), r.get(3))))
            .collect();
        let below = landed.first().map_or(i64::MAX, |(b, _)| *b);
        let last = tx
            .query_opt(
                "SELECT h.batch_id, h.stage, h.seen_at, b.started_at, b.encoding <> $2,
                    (SELECT p.seen_at FROM stage_history p
                     WHERE p.card_id = h.card_id AND p.batch_id < h.batch_id
                     ORDER BY p.batch_id DESC LIMIT 1)
                 FROM stage_history h JOIN import_batches b ON b.id = h.batch_id
                 WHERE h.card_id = $1 AND h.batch_id < $3
                 ORDER BY h.batch_id DESC LIMIT 1",
                &[&card.id, &crate::store::cards::SYNC_ENCODING, &below],
            )?
            .map(|r| LastRow {
                batch: r.get(0),
                stage: r.get(1),
                seen: r.get(2),
                ran: r.get(3),
                by_file: r.get(4),
                before: r.get(5),
            });
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
            for (batch, _) in &landed {
                tx.execute(
                    "DELETE FROM stage_history WHERE card_id = $1 AND batch_id = $2",
                    &[&card.id, batch],
                )?;
            }
        }
        let batches = self.import.visit_batches(writes.after, writes.next.len())?;
        let tx = self.import.tx();
        if let Some((batch, at)) = &writes.redate {
            tx.execute(
                "UPDATE stage_history SET seen_at = $3 WHERE card_id = $1 AND batch_id = $2",
                &[&card.id, batch, at],
            )?;
        }
        let first = writes.first.iter().map(|r| (card.first_batch, r));
        for (batch, (seen, pipeline, stage)) in first.chain(batches.into_iter().zip(&writes.next)) {
            tx.execute(
                "INSERT INTO stage_history (card_id, batch_id, seen_at, pipeline, stage)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&card.id, &batch, seen, pipeline, stage],
            )?;
        }
        self.import.unjudge(card.id)?;
        Ok((true, writes.appended))
    }
}
