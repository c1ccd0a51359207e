//! What `okk export reviews` and `okk export crm` read of a store, a file or a team server
//! alike: the exports lay out and write once (`app::export`), only these reads differ.

use super::StoreError;
use super::export::{ExportedReview, ReviewQuery, ReviewRow};

/// A store the exports read from (SQLite: `store::export`; PostgreSQL: `store::pg::export`).
/// Both hand out the same rows in the same order, so a desk's export is byte for byte the same
/// on its laptop and on the server it was copied to.
pub trait ReviewExportSource {
    /// Calls `f` with every current review `q` selects, not yet parsed, in `q`'s order, the
    /// lead's latest decision not taken back attached; `f` may stop the walk with an error of
    /// its own (the file it writes to failed). Memory stays bounded whatever the store holds.
    fn for_each_review_row<E: From<StoreError>>(
        &self,
        q: &ReviewQuery<'_>,
        f: impl FnMut(ReviewRow) -> Result<(), E>,
    ) -> Result<(), E>;

    /// Like [`ReviewExportSource::for_each_review_row`], each review parsed.
    fn for_each_current_review<E: From<StoreError>>(
        &self,
        q: &ReviewQuery<'_>,
        mut f: impl FnMut(ExportedReview) -> Result<(), E>,
    ) -> Result<(), E> {
        self.for_each_review_row(q, |row| f(row.parse()))
    }

    /// The lead's decision that settles each card the lead settled (`domain::settled`): the
    /// word that stands on the card whatever its current reviews say.
    fn settled_cards(&self) -> Result<crate::domain::settled::SettledCards, StoreError>;

    /// The cards whose auditors split with no decision of the lead to settle them
    /// (`domain::final_word`: the CRM export leaves them out), read in one query. A card the
    /// lead settled may be among them: [`ReviewExportSource::settled_cards`] outranks this.
    fn awaiting_lead(&self) -> Result<crate::domain::final_word::AwaitingLead, StoreError>;

    /// Every calibration, with its cards: which calibration a review belongs to.
    fn calibrations(&self) -> Result<Vec<crate::domain::calibration::Calibration>, StoreError>;

    /// Every stage name current reviews were made at (as the CRM named it), in no set order.
    fn reviewed_stage_names(&self) -> Result<Vec<String>, StoreError>;

    /// Distinct stage names as the CRM wrote them on the cards, sorted.
    fn crm_stage_names(&self) -> Result<Vec<String>, StoreError>;

    /// Whether any import came through this profile.
    fn has_profile(&self, profile: &str) -> Result<bool, StoreError>;

    /// Owners and the CRM user id the latest card naming them carried in `field`.
    fn owner_ids(&self, field: &str) -> Result<Vec<(String, String)>, StoreError>;

    /// The stage names the cards imported with `profile` (of `source`, if given) carry, with
    /// how many cards carry each, by name.
    fn stage_spellings(
        &self,
        profile: &str,
        source: Option<&str>,
    ) -> Result<Vec<(String, u64)>, StoreError>;

    /// Every synced connection's pipelines and stages with their ids, as its last sync read
    /// them (`FunnelHistory::crm_stages`): where a move of one of its cards lands.
    fn crm_stages(&self) -> Result<Vec<(String, crate::domain::crm_stage::CrmStage)>, StoreError>;

    /// The CRM connections synced into the store (with stages stored or not), by name.
    fn crm_connections(&self) -> Result<Vec<String>, StoreError>;

    /// Every source whose columns are known, with them: the headers a corrected custom field
    /// is written back under.
    fn source_columns(
        &self,
    ) -> Result<Vec<(String, crate::domain::columns::SourceColumns)>, StoreError>;
}

impl ReviewExportSource for super::Store {
    fn for_each_review_row<E: From<StoreError>>(
        &self,
        q: &ReviewQuery<'_>,
        f: impl FnMut(ReviewRow) -> Result<(), E>,
    ) -> Result<(), E> {
        super::Store::for_each_review_row(self, q, f)
    }

    fn settled_cards(&self) -> Result<crate::domain::settled::SettledCards, StoreError> {
        super::Store::settled_cards(self)
    }

    fn awaiting_lead(&self) -> Result<crate::domain::final_word::AwaitingLead, StoreError> {
        super::Store::awaiting_lead(self)
    }

    fn calibrations(&self) -> Result<Vec<crate::domain::calibration::Calibration>, StoreError> {
        super::Store::calibrations(self)
    }

    fn reviewed_stage_names(&self) -> Result<Vec<String>, StoreError> {
        super::Store::reviewed_stage_names(self)
    }

    fn crm_stage_names(&self) -> Result<Vec<String>, StoreError> {
        super::Store::crm_stage_names(self)
    }

    fn has_profile(&self, profile: &str) -> Result<bool, StoreError> {
        super::Store::has_profile(self, profile)
    }

    fn owner_ids(&self, field: &str) -> Result<Vec<(String, String)>, StoreError> {
        super::Store::owner_ids(self, field)
    }

    fn stage_spellings(
        &self,
        profile: &str,
        source: Option<&str>,
    ) -> Result<Vec<(String, u64)>, StoreError> {
        super::Store::stage_spellings(self, profile, source)
    }

    fn crm_stages(&self) -> Result<Vec<(String, crate::domain::crm_stage::CrmStage)>, StoreError> {
        super::Store::crm_stages(self)
    }

    fn crm_connections(&self) -> Result<Vec<String>, StoreError> {
        super::Store::crm_connections(self)
    }

    fn source_columns(
        &self,
    ) -> Result<Vec<(String, crate::domain::columns::SourceColumns)>, StoreError> {
        super::Store::source_columns(self)
    }
}
