//! `unknown_stage`: the CRM names a stage the funnel config does not have — a new stage, or a
//! renamed one whose old name is not yet an alias.

use super::flag;
use crate::domain::card::Card;
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::text::rules as text;

pub(super) fn check(card: &Card, severity: Severity) -> Flag {
    flag(
        RuleCode::UnknownStage,
        severity,
        text::unknown_stage(card.stage.trim()),
        None,
    )
}
