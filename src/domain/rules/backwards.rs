//! `backwards`: the stage history runs against the funnel — the card moved to an earlier stage,
//! or jumped over a stage the funnel marks `skippable = false`. A deal may be lost at any stage,
//! so a jump into a lost stage skips nothing. History entries in stages the funnel does not know
//! are passed over. The move the lead asked for (from the stage the card was reviewed in to the
//! one the review names) is the desk's own word carried out: not flagged.

use super::{Cx, flag};
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};

pub(super) fn check(cx: &Cx, severity: Severity, out: &mut Vec<Flag>) {
    let funnel = cx.funnel;
    let asked = cx
        .asked
        .and_then(|m| Some((funnel.resolve(&m.from)?, funnel.resolve(&m.to)?)));
    let mut previous: Option<usize> = None;
    for visit in &cx.ctx.history {
        let Some(index) = funnel.resolve(&visit.stage) else {
            continue;
        };
        let on = visit.seen_at.date();
        if previous.is_some() && asked == previous.map(|p| (p, index)) {
            previous = Some(index);
            continue;
        }
        match previous {
            Some(p) if index < p => out.push(flag(
                RuleCode::Backwards,
                severity,
                Evidence::MovedBack {
                    from: funnel.stage(p).name.clone(),
                    to: funnel.stage(index).name.clone(),
                    on,
                },
                None,
            )),
            Some(p) => {
                let skipped: Vec<String> = (funnel
                    .skipped(p, index, cx.card.pipeline.as_deref())
                    .into_iter())
                .map(|s| s.name.clone())
                .collect();
                if !skipped.is_empty() {
                    out.push(flag(
                        RuleCode::Backwards,
                        severity,
                        Evidence::Skipped {
                            stages: skipped,
                            to: funnel.stage(index).name.clone(),
                            on,
                        },
                        None,
                    ));
                }
            }
            None => {}
        }
        previous = Some(index);
    }
}
