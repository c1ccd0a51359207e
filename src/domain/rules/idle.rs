//! `idle`: an open card untouched for longer than its stage allows. Counted in calendar days,
//! as the sentence states them: a card last touched on the 14th is 6 days idle on the 20th.
//! Graded: past [`STEP_UP`] times the limit the flag is one severity worse, so a card forgotten
//! for months ranks above one a day late.

use super::{Cx, flag};
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};
use crate::domain::funnel::StageKind;

/// How many times the stage's limit a card may stay idle before its flag steps up a severity.
pub const STEP_UP: i64 = 2;

/// `severity`: the rule's level, for a card up to [`STEP_UP`] times the limit.
pub(super) fn check(cx: &Cx, severity: Severity) -> Option<Flag> {
    if cx.stage.kind != StageKind::Open {
        return None;
    }
    let allowed = cx.stage.max_idle_days?;
    // A card with no date at all cannot be said to be idle.
    let last = cx.card.last_touched()?.date();
    let days = (cx.now.date() - last).num_days();
    let allowed_days = i64::from(allowed);
    if days <= allowed_days {
        return None;
    }
    let stage = cx.stage.name.clone();
    let (severity, evidence) = if days > STEP_UP * allowed_days {
        let times = days / allowed_days;
        let far = Evidence::IdleFar {
            days,
            last,
            allowed,
            times,
            stage,
        };
        (step_up(severity), far)
    } else {
        let idle = Evidence::Idle {
            days,
            last,
            allowed,
            stage,
        };
        (severity, idle)
    };
    Some(flag(RuleCode::Idle, severity, evidence, None))
}

/// One severity worse (critical stays critical).
pub fn step_up(severity: Severity) -> Severity {
    match severity {
        Severity::Info => Severity::Warning,
        Severity::Warning | Severity::Critical => Severity::Critical,
    }
}
