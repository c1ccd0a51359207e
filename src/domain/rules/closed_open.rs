//! `closed_open`: the card's closing facts contradict its stage — a closing date or "closed" on
//! a card in an open stage, or "not closed" on a card in a won or lost stage.

use super::{Cx, flag};
use crate::domain::card::SystemField;
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::domain::funnel::StageKind;
use crate::text::rules as text;

pub(super) fn check(cx: &Cx, severity: Severity) -> Option<Flag> {
    let card = cx.card;
    let stage = cx.stage.name.as_str();
    let (message, field) = match cx.stage.kind {
        StageKind::Open => match (card.closed_at, card.closed) {
            (Some(at), _) => (
                text::closed_on_open(at.date(), stage),
                SystemField::ClosedAt,
            ),
            (None, Some(true)) => (text::marked_closed_on_open(stage), SystemField::Closed),
            _ => return None,
        },
        StageKind::Won | StageKind::Lost => match card.closed {
            Some(false) => (text::not_closed_on_closing(stage), SystemField::Closed),
            _ => return None,
        },
    };
    Some(flag(
        RuleCode::ClosedOpen,
        severity,
        message,
        Some(field.name().to_string()),
    ))
}
