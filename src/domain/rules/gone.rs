//! `gone`: the card vanished from a full CRM export while still open — deleted or moved in the
//! CRM without being closed, so it drops out of every report unnoticed.

use super::flag;
use crate::domain::card::CardContext;
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};
use crate::domain::funnel::{Stage, StageKind};

/// `stage`: the card's funnel stage, `None` when the funnel does not know it.
pub(super) fn check(ctx: &CardContext, stage: Option<&Stage>, severity: Severity) -> Option<Flag> {
    let closing = stage.is_some_and(|s| s.kind != StageKind::Open);
    (ctx.gone && !closing).then(|| {
        let since = ctx.gone_since.map(|t| t.date());
        flag(RuleCode::Gone, severity, Evidence::Gone { since }, None)
    })
}
