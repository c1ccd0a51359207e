//! `no_task`: an open card with no task scheduled — its nearest task (amoCRM's
//! `closest_task_at`, the exports' «Ближайшая задача») is empty or already past.

use super::values::{custom_value, parse_day};
use super::{Cx, flag};
use crate::domain::columns::task_field;
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};
use crate::domain::funnel::StageKind;

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
    // No export of the card's source had the column: no card of it can say its task.
    if cx.absent.contains(&task_field()) {
        return None;
    }
    let stage = cx.stage.name.clone();
    let found = TASK_FIELDS
        .iter()
        .find_map(|name| custom_value(cx.card, name, cx.funnel).map(|v| (*name, v)));
    let evidence = match found {
        None => Evidence::NoTask { stage },
        Some((_, raw)) => {
            let day = parse_day(raw)?;
            let today = cx.now.date();
            if day >= today {
                return None;
            }
            Evidence::TaskOverdue {
                due: day,
                from_today: (day - today).num_days(),
                stage,
            }
        }
    };
    Some(flag(
        RuleCode::NoTask,
        severity,
        evidence,
        Some(TASK_FIELDS[0].to_string()),
    ))
}
