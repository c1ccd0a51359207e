//! What the report's before/after section and `okk funnel init` read of a store, a file or a
//! team server alike: the funnel versions it judged by, every card's stage moves, and the
//! CRMs' own order of their stages.

use chrono::NaiveDateTime;

use super::StoreResult;
use crate::domain::crm_stage::CrmStage;
use crate::domain::funnel_diff::FunnelVersion;

/// One card's stage moves: the moment a sync first found it in each stage, in order.
pub type StageVisits = [(NaiveDateTime, String)];

pub trait FunnelHistory {
    /// Every funnel version the store recorded, oldest first.
    fn funnel_versions(&self) -> StoreResult<Vec<FunnelVersion>>;

    /// Calls `f` with each card's stage history (when each sync found it in a new stage, in
    /// order), cards not gone, one card at a time.
    fn for_each_stage_history(&self, f: &mut dyn FnMut(&StageVisits)) -> StoreResult<()>;

    /// Calls `f` with the one visit of each card (not gone) that never moved: no history rows,
    /// its stage since the sync that first found it (that sync's start). With
    /// [`FunnelHistory::for_each_stage_history`], every card's visits.
    fn for_each_unmoved_card(&self, f: &mut dyn FnMut(&StageVisits)) -> StoreResult<()>;

    /// [`FunnelHistory::for_each_stage_history`] of the cards (not gone) now at one of
    /// `stages`, the names as the cards carry them: the histories of a few stages' cards, read
    /// through the cards' stage index rather than every card's history.
    fn for_each_stage_history_at(
        &self,
        stages: &[String],
        f: &mut dyn FnMut(&StageVisits),
    ) -> StoreResult<()>;

    /// Every connection's pipelines and stages with the CRM's own order of them, as its last
    /// sync read them: (connection, stage). Empty where no sync ever ran (file imports only).
    fn crm_stages(&self) -> StoreResult<Vec<(String, CrmStage)>>;
}
