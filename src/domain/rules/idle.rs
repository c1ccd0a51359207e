//! `idle`: an open card untouched for longer than its stage allows. Counted in calendar days,
//! as the sentence states them: a card last touched on the 14th is 6 days idle on the 20th.

use super::{Cx, flag};
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::domain::funnel::StageKind;
use crate::text::rules as text;

pub(super) fn check(cx: &Cx, severity: Severity) -> Option<Flag> {
    if cx.stage.kind != StageKind::Open {
        return None;
    }
    let allowed = cx.stage.max_idle_days?;
    // A card with no date at all cannot be said to be idle.
    let last = cx.card.last_touched()?.date();
    let days = (cx.now.date() - last).num_days();
    (days > i64::from(allowed)).then(|| {
        flag(
            RuleCode::Idle,
            severity,
            text::idle(days, last, &cx.stage.name, allowed),
            None,
        )
    })
}
