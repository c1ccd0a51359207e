//! The stats port: the figures of the stats screen and the report.

use chrono::NaiveDate;

use super::StoreResult;
use crate::domain::Funnel;
use crate::domain::analytics::{StatsFigures, Window};
use crate::domain::auditors::ReviewFact;
use crate::domain::fill::FillRow;

pub trait StatsStore {
    /// Everything `okk stats` computes; idle days count to `today`.
    fn stats_figures(
        &self,
        funnel: &Funnel,
        today: NaiveDate,
        window: Window,
    ) -> StoreResult<StatsFigures>;

    /// Reviews made (not withdrawn) per day from `first` to `last`, zeros included.
    fn reviews_per_day(&self, first: NaiveDate, last: NaiveDate) -> StoreResult<Vec<u64>>;

    /// One fact per current review (who, when, how long, what the lead decided): the
    /// auditors' figures.
    fn review_facts(&self) -> StoreResult<Vec<ReviewFact>>;

    /// How well each custom field is kept per stage (`okk fields`), over every card not gone.
    fn fill_rows(&self, funnel: &Funnel) -> StoreResult<Vec<FillRow>>;
}
