//! `unknown_stage`: the CRM names a stage the funnel config does not have — a new stage, or a
//! renamed one whose old name is not yet an alias.

use super::flag;
use crate::domain::card::Card;
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};

pub(super) fn check(card: &Card, severity: Severity) -> Flag {
    flag(
        RuleCode::UnknownStage,
        severity,
        Evidence::UnknownStage {
            stage: card.stage.trim().to_string(),
        },
        None,
    )
}
