//! The live sync's write side as a port: the import's ([`ImportTx`]) and what only a sync
//! writes with its cards — the cursor, the CRM's notes, deletions and stage-move times — so
//! that `crm::sync` lands its pages on a store file and on a team server alike.

use std::collections::HashSet;

use crate::domain::fx::FxSet;

use super::cards::{BatchMeta, Import};
use super::crm::SyncState;
use super::import_tx::{ImportStore, ImportTx};
use super::{Store, StoreError};
use crate::domain::crm_stage::CrmStage;
use crate::domain::deal_note::DealNote;
use crate::domain::stage_move::Entry;
use crate::domain::sync_report::Landed;

/// The history rows a sync's run wrote: those of its batches, from `from_batch` on (so that an
/// older part of the CRM's record goes before them), the batches of a run killed half-way that
/// it resumes included (the run's first batch is kept with its state: `crm::sync::RunMark`).
#[derive(Debug, Clone, Copy)]
pub struct RunRows {
    pub from_batch: i64,
}

/// A store a live sync lands its pages in.
pub trait SyncStore: ImportStore {
    /// How far the connection's sync got (the default state when it never ran).
    fn crm_state(&self, connection: &str) -> Result<SyncState, StoreError>;

    /// Saves how far the sync got when a page brought nothing to write; with the CRM's
    /// pipelines and stages (`Some`: the run's first pages), in one transaction.
    fn save_crm_state(
        &mut self,
        connection: &str,
        state: &SyncState,
        stages: Option<&[CrmStage]>,
    ) -> Result<(), StoreError>;

    /// The deals of a connection the store holds notes for (a sync looks up only theirs).
    /// The connection's pipelines and stages as its last sync read them.
    fn crm_stages_of(&self, connection: &str) -> Result<Vec<CrmStage>, StoreError>;

    fn crm_note_deals(&self, connection: &str) -> Result<FxSet<String>, StoreError>;

    /// The CRM ids (and pipelines) of the source's cards not gone.
    fn crm_live_ids(&self, source: &str) -> Result<Vec<(String, Option<String>)>, StoreError>;

    /// When the connection's full sweep under way began (`None`: none is).
    fn crm_sweep(&self, connection: &str) -> Result<Option<String>, StoreError>;

    /// The deals the connection's full sweep under way has listed so far.
    fn crm_swept(&self, connection: &str) -> Result<HashSet<String>, StoreError>;

    /// The source file imports fed (no connection syncs it) holding the most of `deals` (CRM
    /// id, title), and how many; `None` when `source` has cards already or none holds any.
    fn file_twin(
        &self,
        source: &str,
        deals: &[(&str, &str)],
    ) -> Result<Option<(String, u64)>, StoreError>;

    /// Whether the source holds cards; with `before`, cards an import or sync that began
    /// before it brought (okk's clock, as batches are dated).
    fn source_has_cards(&self, source: &str, before: Option<&str>) -> Result<bool, StoreError>;

    /// Whether a sync of the source began at `at` (okk's clock, as batches are dated): the
    /// batches of one run carry its moment, which tells the runs apart (`domain::import_runs`).
    fn sync_began_at(&self, source: &str, at: &str) -> Result<bool, StoreError>;

    /// What the connection's sync batches (`file`: `KIND:CONNECTION`) begun at or after `at`
    /// landed: a run's stopped attempts, read before its next attempt writes.
    fn sync_landed_since(&self, source: &str, file: &str, at: &str) -> Result<Landed, StoreError>;

    /// The sources file imports of `profile` fed and no connection syncs, with their cards.
    fn file_sources(&self, profile: &str) -> Result<Vec<(String, u64)>, StoreError>;

    /// A first sync refused before its first card (`crm::sync`'s twin check) leaves nothing:
    /// what its earlier groups wrote (the notes read before the deals, the cursors, the sweep
    /// begun, the CRM's stages, the run's rows and columns) goes, in one transaction. Only
    /// while the connection's source holds no card: anything else is left as it is.
    fn forget_refused_first_sync(&mut self, connection: &str) -> Result<(), StoreError>;

    /// Whether the source holds no cards, where the backend tells it before a group begins
    /// (`None`: the group's [`ImportTx::fresh`] tells).
    fn source_is_empty(&self, _source: &str) -> Result<Option<bool>, StoreError> {
        Ok(None)
    }

    /// Builds the indexes the run's first group deferred (a store file's first sync: see
    /// `store::deferred`), after its last group.
    fn build_deferred(&mut self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Fills the summaries the pages' commits left out of date (a server keeps none).
    fn fill_summaries(&mut self) -> Result<(), StoreError>;

    /// Holds the connection's sync against other okk processes syncing it into this store
    /// (`false`: one holds it now). A store file's hold is a lock file beside it
    /// (`store::sync_lock`), taken before the store opens: nothing here. A server's is its
    /// session's, let go by [`SyncStore::release_sync`] or as the session ends (a killed okk's
    /// too).
    fn hold_sync(&mut self, _connection: &str) -> Result<bool, StoreError> {
        Ok(true)
    }

    /// Lets go of what [`SyncStore::hold_sync`] took.
    fn release_sync(&mut self, _connection: &str) -> Result<(), StoreError> {
        Ok(())
    }

    /// Begins one group of pages: one transaction, ended by [`ImportTx::finish`].
    fn begin_sync<'s>(
        &'s mut self,
        meta: &BatchMeta<'_>,
    ) -> Result<Box<dyn SyncTx<'s> + 's>, StoreError>;

    /// The run's last group has landed (or the run stopped): a store file that kept a bulk
    /// load's journal between groups (`BatchMeta::fresh_run`) goes back to its log.
    fn end_run(&mut self) -> Result<(), StoreError>;
}

/// One group of pages under way: the import's calls and the sync's own, all in its
/// transaction (a kill loses the group and its cursor together).
pub trait SyncTx<'a>: ImportTx<'a> {
    /// Saves how far the sync got, with this group's cards.
    fn save_crm_state(&mut self, connection: &str, state: &SyncState) -> Result<(), StoreError>;

    /// The CRM's pipelines and stages (each with the CRM's order) as this run read them, with
    /// its first pages: they replace the connection's.
    fn save_crm_stages(&mut self, connection: &str, stages: &[CrmStage]) -> Result<(), StoreError>;

    /// A full sweep begins at `started_at` (an earlier one stopped half-way is dropped).
    fn begin_sweep(&mut self, connection: &str, started_at: &str) -> Result<(), StoreError>;

    /// The deals these pages listed, for the sweep under way.
    fn swept(&mut self, connection: &str, deals: &[&str]) -> Result<(), StoreError>;

    /// The sweep under way is through: its mark and its deals go.
    fn end_sweep(&mut self, connection: &str) -> Result<(), StoreError>;

    /// Marks the card the CRM deleted gone; whether it was there and not gone already.
    fn mark_deleted(&mut self, source: &str, external_id: &str) -> Result<bool, StoreError>;

    /// Keeps the notes read; `complete`: deals whose notes `notes` holds in full.
    fn save_notes(
        &mut self,
        connection: &str,
        notes: &[DealNote],
        complete: &[String],
    ) -> Result<(), StoreError>;

    /// The notes of `deals` are asked for next (after this group's notes are saved): a store
    /// may read them at once.
    fn prefetch_notes(&mut self, _connection: &str, _deals: &[&str]) -> Result<(), StoreError> {
        Ok(())
    }

    /// A deal's notes as its card shows them: newest first, at most `NOTES_PER_CARD`.
    fn crm_notes(&mut self, connection: &str, deal: &str) -> Result<Vec<String>, StoreError>;

    /// The card of `external_id` (not gone): its id, digest (`Existing::hash`) and notes.
    fn card_notes(
        &mut self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<(i64, i64, Vec<String>)>, StoreError>;

    /// Gives a card other notes (and the content hash they make): it changed.
    fn set_card_notes(&mut self, id: i64, notes: &[String], hash: i64) -> Result<(), StoreError>;

    /// The group's own batch (the first group's: where the run's rows begin).
    fn batch(&self) -> i64;

    /// The CRM's record of a card's moves (one group's entries): its path's visits, planned
    /// again with those the run wrote (`run`; `complete` false: older entries of the run are
    /// still to come); see `Import::stage_path`. Whether the history changed, and whether the
    /// entries gave visits of their own.
    fn stage_path(
        &mut self,
        source: &str,
        external_id: &str,
        entries: &[Entry],
        settle: bool,
        run: RunRows,
        complete: bool,
    ) -> Result<(bool, bool), StoreError>;
}

impl SyncStore for Store {
    fn crm_stages_of(&self, connection: &str) -> Result<Vec<CrmStage>, StoreError> {
        Ok(Store::crm_stages(self)?
            .into_iter()
            .filter(|(c, _)| c == connection)
            .map(|(_, s)| s)
            .collect())
    }

    fn crm_state(&self, connection: &str) -> Result<SyncState, StoreError> {
        Store::crm_state(self, connection)
    }

    fn save_crm_state(
        &mut self,
        connection: &str,
        state: &SyncState,
        stages: Option<&[CrmStage]>,
    ) -> Result<(), StoreError> {
        Store::save_crm_state_and_stages(self, connection, state, stages)
    }

    fn crm_note_deals(&self, connection: &str) -> Result<FxSet<String>, StoreError> {
        Store::crm_note_deals(self, connection)
    }

    fn crm_live_ids(&self, source: &str) -> Result<Vec<(String, Option<String>)>, StoreError> {
        Store::crm_live_ids(self, source)
    }

    fn crm_sweep(&self, connection: &str) -> Result<Option<String>, StoreError> {
        Store::crm_sweep(self, connection)
    }

    fn crm_swept(&self, connection: &str) -> Result<HashSet<String>, StoreError> {
        Store::crm_swept(self, connection)
    }

    fn file_twin(
        &self,
        source: &str,
        deals: &[(&str, &str)],
    ) -> Result<Option<(String, u64)>, StoreError> {
        Store::file_twin(self, source, deals)
    }

    fn source_has_cards(&self, source: &str, before: Option<&str>) -> Result<bool, StoreError> {
        Store::source_has_cards(self, source, before)
    }

    fn sync_began_at(&self, source: &str, at: &str) -> Result<bool, StoreError> {
        Store::sync_began_at(self, source, at)
    }

    fn sync_landed_since(&self, source: &str, file: &str, at: &str) -> Result<Landed, StoreError> {
        Store::sync_landed_since(self, source, file, at)
    }

    fn file_sources(&self, profile: &str) -> Result<Vec<(String, u64)>, StoreError> {
        Store::file_sources(self, profile)
    }

    fn forget_refused_first_sync(&mut self, connection: &str) -> Result<(), StoreError> {
        Store::forget_refused_first_sync(self, connection)
    }

    fn source_is_empty(&self, source: &str) -> Result<Option<bool>, StoreError> {
        Store::source_is_empty(self, source).map(Some)
    }

    fn build_deferred(&mut self) -> Result<(), StoreError> {
        super::deferred::build(&self.conn).map(|_| ())
    }

    fn fill_summaries(&mut self) -> Result<(), StoreError> {
        Store::fill_summaries(self)
    }

    fn begin_sync<'s>(
        &'s mut self,
        meta: &BatchMeta<'_>,
    ) -> Result<Box<dyn SyncTx<'s> + 's>, StoreError> {
        Ok(Box::new(Store::begin_import(self, meta)?))
    }

    fn end_run(&mut self) -> Result<(), StoreError> {
        // What the run's groups carried is the run's: the store may be written otherwise next.
        self.carried = None;
        // A run that stopped early builds them too (one killed leaves them to the next open).
        let built = super::deferred::build(&self.conn);
        self.end_bulk_load().and(built.map(|_| ()))
    }
}

impl<'a> SyncTx<'a> for Import<'a> {
    fn save_crm_state(&mut self, connection: &str, state: &SyncState) -> Result<(), StoreError> {
        Import::save_crm_state(self, connection, state)
    }

    fn save_crm_stages(&mut self, connection: &str, stages: &[CrmStage]) -> Result<(), StoreError> {
        Import::save_crm_stages(self, connection, stages)
    }

    fn begin_sweep(&mut self, connection: &str, started_at: &str) -> Result<(), StoreError> {
        Import::begin_sweep(self, connection, started_at)
    }

    fn swept(&mut self, connection: &str, deals: &[&str]) -> Result<(), StoreError> {
        Import::swept(self, connection, deals)
    }

    fn end_sweep(&mut self, connection: &str) -> Result<(), StoreError> {
        Import::end_sweep(self, connection)
    }

    fn mark_deleted(&mut self, source: &str, external_id: &str) -> Result<bool, StoreError> {
        Import::mark_deleted(self, source, external_id)
    }

    fn save_notes(
        &mut self,
        connection: &str,
        notes: &[DealNote],
        complete: &[String],
    ) -> Result<(), StoreError> {
        Import::save_notes(self, connection, notes, complete)
    }

    fn crm_notes(&mut self, connection: &str, deal: &str) -> Result<Vec<String>, StoreError> {
        Import::crm_notes(self, connection, deal)
    }

    fn card_notes(
        &mut self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<(i64, i64, Vec<String>)>, StoreError> {
        Import::card_notes(self, source, external_id)
    }

    fn set_card_notes(&mut self, id: i64, notes: &[String], hash: i64) -> Result<(), StoreError> {
        Import::set_card_notes(self, id, notes, hash)
    }

    fn stage_path(
        &mut self,
        source: &str,
        external_id: &str,
        entries: &[Entry],
        settle: bool,
        run: RunRows,
        complete: bool,
    ) -> Result<(bool, bool), StoreError> {
        Import::stage_path(self, source, external_id, entries, settle, run, complete)
    }

    fn batch(&self) -> i64 {
        self.parts().1
    }
}
