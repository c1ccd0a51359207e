//! `backwards`: the stage history runs against the funnel — the card moved to an earlier stage,
//! or jumped over a stage the funnel marks `skippable = false`. A deal may be lost at any stage,
//! so a jump into a lost stage skips nothing. History entries in stages the funnel does not know
//! are passed over.

use super::{Cx, flag};
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::domain::funnel::StageKind;
use crate::text::rules as text;

pub(super) fn check(cx: &Cx, severity: Severity, out: &mut Vec<Flag>) {
    let funnel = cx.funnel;
    let mut previous: Option<usize> = None;
    for visit in &cx.ctx.history {
        let Some(index) = funnel.resolve(&visit.stage) else {
            continue;
        };
        let on = visit.seen_at.date();
        match previous {
            Some(p) if index < p => out.push(flag(
                RuleCode::Backwards,
                severity,
                text::moved_back(&funnel.stage(p).name, &funnel.stage(index).name, on),
                None,
            )),
            Some(p) if index > p + 1 && funnel.stage(index).kind != StageKind::Lost => {
                let skipped: Vec<&str> = funnel.stages[p + 1..index]
                    .iter()
                    .filter(|s| !s.skippable)
                    .map(|s| s.name.as_str())
                    .collect();
                if !skipped.is_empty() {
                    out.push(flag(
                        RuleCode::Backwards,
                        severity,
                        text::skipped(&skipped, &funnel.stage(index).name, on),
                        None,
                    ));
                }
            }
            _ => {}
        }
        previous = Some(index);
    }
}
