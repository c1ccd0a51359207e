//! `no_task`: an open card with no task scheduled — its nearest task (amoCRM's
//! `closest_task_at`, the exports' «Ближайшая задача») is empty or already past.

use super::values::{custom_value, parse_day};
use super::{Cx, flag};
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::domain::funnel::StageKind;
use crate::text::rules as text;

/// The names the nearest-task column goes by (the sync writes the first).
pub const TASK_FIELDS: [&str; 4] = [
    "Ближайшая задача",
    "Closest task",
    "Nearest task",
    "closest_task_at",
];

pub(super) fn check(cx: &Cx, severity: Severity) -> Option<Flag> {
    if cx.stage.kind != StageKind::Open || cx.card.closed == Some(true) {
        return None;
    }
    let stage = cx.stage.name.as_str();
    let found = TASK_FIELDS
        .iter()
        .find_map(|name| custom_value(cx.card, name, cx.funnel).map(|v| (*name, v)));
    let message = match found {
        None => text::no_task(stage),
        Some((_, raw)) => {
            let day = parse_day(raw)?;
            let today = cx.now.date();
            if day >= today {
                return None;
            }
            text::task_overdue(day, (day - today).num_days(), stage)
        }
    };
    Some(flag(
        RuleCode::NoTask,
        severity,
        message,
        Some(TASK_FIELDS[0].to_string()),
    ))
}
