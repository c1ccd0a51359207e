//! The calibration port: the pool a sample is drawn from, and the calibrations handed out.

use std::collections::BTreeMap;

use super::StoreResult;
use crate::domain::calibration::{Calibration, CardKey, Judgement};
use crate::domain::review::Verdict;

pub trait CalibrationStore {
    /// The cards a calibration of a stage draws from: there now (not gone; closed ones only in
    /// a won or lost stage), by CRM identity.
    fn calibration_pool(
        &self,
        crm_stages: &[String],
        closed_stage: bool,
    ) -> StoreResult<Vec<CardKey>>;

    /// Stores a calibration once (its id is its identity); true if it is new. Its cards come
    /// first in each named auditor's queue until judged.
    fn save_calibration(&mut self, c: &Calibration) -> StoreResult<bool>;

    /// Every calibration, oldest first.
    fn calibrations(&self) -> StoreResult<Vec<Calibration>>;

    /// The listed auditors' current reviews of the calibration's cards made since it began,
    /// and the lead's verdict per card where the lead has decided on one of them.
    fn calibration_judgements(
        &self,
        c: &Calibration,
    ) -> StoreResult<(Vec<Judgement>, BTreeMap<CardKey, Verdict>)>;
}
