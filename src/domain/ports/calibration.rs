//! The calibration port: the pool a sample is drawn from, the calibrations handed out, and
//! their end.

use super::StoreResult;
use crate::domain::calibration::{Calibration, CardKey, Ended, Judgement, Reference};
use crate::domain::judge_again::CardNow;

pub trait CalibrationStore {
    /// The cards a calibration of a stage draws from: there now (not gone; closed ones only in
    /// a won or lost stage), by CRM identity.
    fn calibration_pool(
        &self,
        crm_stages: &[String],
        closed_stage: bool,
    ) -> StoreResult<Vec<CardKey>>;

    /// Stores a calibration once (its id is its identity); true if it is new. Its cards come
    /// first in each named auditor's queue until judged, while it is open.
    fn save_calibration(&mut self, c: &Calibration) -> StoreResult<bool>;

    /// Every calibration, oldest first, each with its end if it ended.
    fn calibrations(&self) -> StoreResult<Vec<Calibration>>;

    /// The listed auditors' judgements of the calibration's cards — their current reviews made
    /// since it began; of an ended calibration, the reviews that stood at its end — and the
    /// lead's verdicts on the cards, from the standing decisions on those reviews (and on other
    /// auditors' of the same time).
    fn calibration_judgements(
        &self,
        c: &Calibration,
    ) -> StoreResult<(Vec<Judgement>, Vec<Reference>)>;

    /// The calibration's cards as the store holds them now — each one's digest and stage —
    /// of those the CRM still has (not gone), in sample order: who is to judge one again
    /// ([`crate::domain::judge_again::judge_again`]).
    fn calibration_cards_now(&self, c: &Calibration) -> StoreResult<Vec<CardNow>>;

    /// Ends calibration `id` (`end`: when and by whom), unless it has ended: true when it ended
    /// now. Its cards no longer come first in its auditors' queues nor keep a card from a
    /// prune; its report reads the reviews as they stood at the end.
    fn end_calibration(&mut self, id: &str, end: &Ended) -> StoreResult<bool>;
}
