//! What one live CRM sync did, for its report: the import's counts plus the requests it cost
//! and how far its cursor moved.

use serde::Serialize;

use super::import_report::UnknownStage;

/// What one connection's sync did: the import report's counts plus the requests it cost.
#[derive(Debug, Clone, Serialize)]
pub struct SyncReport {
    pub connection: String,
    pub kind: &'static str,
    /// Redacted.
    pub url: String,
    /// Deals read.
    pub rows: u64,
    /// Notes (comments) on deals read.
    pub notes: u64,
    /// Of the deals read (`rows` is their sum): new cards, cards changed, cards the same.
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Cards whose notes changed while their deals, not read, did not (amoCRM's notes are read
    /// apart from the deals): changed too, their reviews due again.
    pub notes_updated: u64,
    pub gone: u64,
    /// The sync looked for deals deleted in the CRM: amoCRM's events, or a full sweep. A
    /// Bitrix24 sync that is no sweep cannot see deletions: its `gone` is 0 unchecked.
    pub deletions_checked: bool,
    pub stage_changes: u64,
    /// Cards changed at a stage the CRM renamed, not moved (an import's `stage_renames`).
    pub stage_renames: u64,
    pub unknown_stages: Vec<UnknownStage>,
    /// Stages the CRM probably renamed, by the deals read (`domain::stage_rename`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probable_renames: Vec<super::stage_rename::ProbableRename>,
    /// Stages the CRM renamed since the connection's last sync (the same ids, another name):
    /// their cards took the new name, and none of them moved.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renamed_stages: Vec<super::crm_stage::CrmRename>,
    /// Pipelines the CRM renamed since the connection's last sync: their cards took the new
    /// name, and none of them changed for it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub renamed_pipelines: Vec<super::crm_stage::PipelineRename>,
    /// The funnel's stages that name a renamed pipeline by its old name (`pipelines = [...]`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub funnel_names_old_pipeline: Vec<String>,
    pub warnings: u64,
    pub warning_samples: Vec<String>,
    pub requests: u64,
    pub retries: u64,
    /// The cursor the sync started from (`None`: a first or full sync).
    pub since: Option<String>,
    /// The cursor it reached: the newest update time the CRM returned.
    pub until: Option<String>,
    /// The sync read every deal and marked the ones the CRM no longer lists gone: `--full`, or
    /// the sync that finished a sweep an earlier `--full` began and did not finish.
    pub full: bool,
    /// When a full sweep last finished (this one included).
    pub full_sweep_at: Option<String>,
    /// When the sweep this sync finished began, when an earlier run began it (a `--full`
    /// stopped half-way).
    pub full_sweep_begun_at: Option<String>,
    /// When the run this sync continues began, when an earlier run was killed or stopped
    /// half-way (`None`: the last run went through, or this one is `--full`).
    pub resumed_run_begun_at: Option<String>,
    /// What the run's stopped attempts had landed (with `resumed_run_begun_at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed_landed: Option<Landed>,
    /// Why this sync read every deal though it is no full sweep (`None`: it did not, or it
    /// is a first sync).
    pub reread: Option<Reread>,
    pub dry_run: bool,
    /// The fields the funnel requires that the source carries neither in this sync (its
    /// fields) nor in any import or sync before: not flagged on its cards (an import's
    /// `absent_fields`). okk's fields by name, custom ones by the funnel's.
    pub absent_fields: Vec<String>,
    /// The fields this sync carries that no import or sync of its source carried before (the
    /// CRM's names; okk's fields it reads with no column of their own, as amoCRM's notes, by
    /// okk's names): the cards the store held take their values and are the cards their
    /// reviews saw (an import's `new_columns`).
    pub new_columns: Vec<String>,
    /// Cards the store held that took a value in `new_columns`.
    pub new_column_cards: u64,
    /// Fields earlier imports or syncs of the source carried that this sync does not (okk
    /// field names, custom field names as the cards hold them): the cards keep the values
    /// they had (an import's `missing_columns`).
    pub missing_columns: Vec<String>,
    /// Every page landed was judged as it landed: no rules run is needed after the sync.
    #[serde(skip)]
    pub judged: bool,
    /// This sync brought fields its source never carried before that change which fields are
    /// absent: the flags of the source's cards it did not write are judged again after it.
    #[serde(skip)]
    pub columns_changed: bool,
}

/// What the earlier attempts of a run this sync continues had landed before they were stopped
/// (their batches: the connection's since the run began), so that the report adds up to what
/// happened in the CRM, not only to this attempt's share of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Landed {
    pub rows: u64,
    pub inserted: u64,
    pub updated: u64,
    pub gone: u64,
}

/// Why a sync that was not asked for a sweep read every deal again (a rename's reading is one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reread {
    /// The connection was last read whole by an okk that wrote some values otherwise (a
    /// Bitrix24 list field's item ids, say): every card takes them as this okk writes them.
    Values,
    /// The CRM renamed a stage or a pipeline since the last sync: every card of it takes the
    /// new name now, not only those of the deals that changed (the others would keep the old).
    Renamed,
}

/// What a sync is reading, by the page that landed last: its progress line names it (a notes
/// phase that counted "0 deals" and climbing waits looked stuck).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Reading {
    /// amoCRM's notes, read account-wide before the deals.
    Notes,
    #[default]
    Deals,
    /// Stage moves and deletions (amoCRM's events, Bitrix24's stage history), after the deals.
    Moves,
}

/// A sync's figures so far, for its progress line on a terminal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncProgress {
    pub reading: Reading,
    pub deals: u64,
    pub notes: u64,
    /// Stage moves and deletions.
    pub moves: u64,
    pub pages: u64,
    pub requests: u64,
    /// Requests sent again (the CRM was busy, or did not answer).
    pub retries: u64,
}
