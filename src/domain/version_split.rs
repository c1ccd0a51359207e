//! Before and after a funnel version: for the stages a change touched, the cards judged and
//! their share not ok, time in stage and conversion to a later stage, on each side of the day
//! the version was first used, each with its sample size.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::analytics::Analytics;
use super::fill::share;
use super::funnel::{Funnel, StageKind};
use super::suggest::history::percentile;

/// One side (before or after) of one stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Side {
    /// Current reviews made on that side.
    pub reviews: u64,
    /// Cards judged on that side (each once, by the verdict that stands), and those not ok.
    pub judged: u64,
    pub mismatches: u64,
    pub mismatch_rate: Option<f64>,
    /// Cards the syncs saw enter the stage on that side.
    pub entered: u64,
    /// Of those, the ones that moved on to a later stage (not lost).
    pub moved_on: u64,
    pub conversion: Option<f64>,
    /// Median days in the stage of those that moved on.
    pub median_days: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageSplit {
    pub stage: String,
    pub before: Side,
    pub after: Side,
    /// Median idle days of the open cards there now (the store keeps no past idle days).
    pub median_idle_days_now: Option<f64>,
}

/// Stays and conversions per stage and side, counted from the stage histories.
#[derive(Debug, Clone)]
pub struct SplitTally {
    day: NaiveDate,
    /// (stage index, after?) → (entered, moved on, days of those that moved on).
    sides: HashMap<(usize, bool), (u64, u64, Vec<u32>)>,
}

impl SplitTally {
    pub fn new(day: NaiveDate) -> SplitTally {
        SplitTally {
            day,
            sides: HashMap::new(),
        }
    }

    /// One card's visits (the day each was first seen, in order).
    pub fn add(&mut self, funnel: &Funnel, visits: &[(NaiveDate, String)]) {
        for (w, (seen, stage)) in visits.iter().enumerate() {
            let Some(i) = funnel.resolve(stage) else {
                continue;
            };
            let side = self.sides.entry((i, *seen >= self.day)).or_default();
            side.0 += 1;
            let Some((next_day, next)) = visits.get(w + 1) else {
                continue;
            };
            let Some(j) = funnel.resolve(next) else {
                continue;
            };
            if j > i && funnel.stage(j).kind != StageKind::Lost {
                side.1 += 1;
                side.2.push((*next_day - *seen).num_days().max(0) as u32);
            }
        }
    }

    /// The rows for `stages` (funnel names), with the reviews of each side's figures.
    pub fn rows(
        &self,
        funnel: &Funnel,
        stages: &[String],
        before: &Analytics,
        after: &Analytics,
        now: &Analytics,
    ) -> Vec<StageSplit> {
        let reviews = |a: &Analytics, name: &str| {
            a.stages
                .iter()
                .find(|g| g.stage == name)
                .map_or((0, 0, 0), |g| {
                    let f = &g.group.figures;
                    (f.reviews, f.judged, f.mismatches)
                })
        };
        stages
            .iter()
            .filter_map(|name| {
                let i = funnel.resolve(name)?;
                let side = |after_side: bool, a: &Analytics| {
                    let (reviews, n, bad) = reviews(a, &funnel.stage(i).name);
                    let (entered, moved, days) = self
                        .sides
                        .get(&(i, after_side))
                        .cloned()
                        .unwrap_or_default();
                    let mut days = days;
                    Side {
                        reviews,
                        judged: n,
                        mismatches: bad,
                        mismatch_rate: share(bad, n),
                        entered,
                        moved_on: moved,
                        conversion: share(moved, entered),
                        median_days: percentile(&mut days, 50),
                    }
                };
                let idle = now
                    .stages
                    .iter()
                    .find(|g| g.stage == funnel.stage(i).name)
                    .and_then(|g| g.group.figures.median_idle_days);
                Some(StageSplit {
                    stage: funnel.stage(i).name.clone(),
                    before: side(false, before),
                    after: side(true, after),
                    median_idle_days_now: idle,
                })
            })
            .collect()
    }
}
