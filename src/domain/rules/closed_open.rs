//! `closed_open`: the card's closing facts contradict its stage — a closing date or "closed" on
//! a card in an open stage, or "not closed" on a card in a won or lost stage.

use super::{Cx, flag};
use crate::domain::card::SystemField;
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};
use crate::domain::funnel::StageKind;

pub(super) fn check(cx: &Cx, severity: Severity) -> Option<Flag> {
    let card = cx.card;
    let stage = cx.stage.name.clone();
    let (evidence, field) = match cx.stage.kind {
        StageKind::Open => match (card.closed_at, card.closed) {
            (Some(at), _) => (
                Evidence::ClosedOnOpen {
                    closed: at.date(),
                    stage,
                },
                SystemField::ClosedAt,
            ),
            (None, Some(true)) => (Evidence::MarkedClosedOnOpen { stage }, SystemField::Closed),
            _ => return None,
        },
        StageKind::Won | StageKind::Lost => match card.closed {
            Some(false) => (Evidence::NotClosedOnClosing { stage }, SystemField::Closed),
            _ => return None,
        },
    };
    Some(flag(
        RuleCode::ClosedOpen,
        severity,
        evidence,
        Some(field.name().to_string()),
    ))
}
