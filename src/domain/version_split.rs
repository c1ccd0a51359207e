//! Before and after a funnel version: for the stages a change touched, the cards judged and
//! their share not ok (by the version each review was made under), time in stage and
//! conversion to a later stage (on each side of the moment it was first used), each with its
//! sample size.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
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

/// What a version did to a stage, beside its split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StageChange {
    Added,
    /// The version before had it; the version does not: its split is read with the version
    /// before's funnel.
    Removed,
    Renamed,
    /// A share of its cards moved to a stage the version added: the CRM split it
    /// (see [`super::analytics::make_up::split_by`]).
    Split,
    /// Fields bound or unbound, the idle limit, extra control.
    Changed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageSplit {
    /// As the version (a removed stage: the version before) names it.
    pub stage: String,
    /// `None` for a stage the version added: it had no before. Its after is then its whole
    /// life — every review made at it, every card seen entering it (the CRM may date a move
    /// into it before okk first ran with the version).
    pub before: Option<Side>,
    pub after: Side,
    /// Median idle days of the open cards there now (the store keeps no past idle days).
    pub median_idle_days_now: Option<f64>,
    /// `None`: the first version, or a stage the version left as it was.
    pub change: Option<StageChange>,
    /// The old name, for a stage the version renamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// For a stage the version split: the stages it added that took cards from it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub split_with: Vec<String>,
    /// Cards in the stage now (not gone).
    pub cards_now: u64,
    /// The funnel okk runs with now knows the stage (by its name or an alias).
    pub in_current_funnel: bool,
}

/// Cards now (not gone) in a stage the version does not have.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageCards {
    pub stage: String,
    pub cards: u64,
}

/// `okk stats --funnel-version N`: the stages as version N had them, split at the version: the
/// reviews by the version each was made under, the stage visits at the moment it was first used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VersionSplit {
    pub version: i64,
    /// The day the version was first used.
    pub since: NaiveDate,
    /// The moment it was first used (`YYYY-MM-DD HH:MM:SS` in JSON, as the history records it).
    #[serde(serialize_with = "moment")]
    pub first_used: NaiveDateTime,
    /// The version before it, whose funnel a removed stage is read with.
    pub previous: Option<i64>,
    pub stages: Vec<StageSplit>,
    /// The stages the store's cards are in now that the version does not have (a removed
    /// stage's cards are on its row instead), most cards first.
    pub not_in_version: Vec<StageCards>,
    /// Stages the version removed that are not split: the version before's text no longer
    /// reads as a funnel.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed_unread: Vec<String>,
    /// The version's text no longer reads as a funnel (an older okk wrote it): its stages are
    /// named by the funnel okk runs with now.
    pub read_with_current_funnel: bool,
}

fn moment<S: serde::Serializer>(t: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&t.format("%Y-%m-%d %H:%M:%S"))
}

/// The reviews a split reads, by the funnel version each was made under.
pub struct Reviews<'a> {
    /// Made under an earlier version.
    pub before: &'a Analytics,
    /// Made under this version or a later one.
    pub after: &'a Analytics,
    /// As things stand: the cards there now, their idle days.
    pub now: &'a Analytics,
    /// The stages the version added (by the funnel's index), and every review whatever its
    /// version: an added stage had no before, and its after is all it has.
    pub added: &'a [usize],
    pub whole: Option<&'a Analytics>,
}

/// Stays and conversions per stage and side, counted from the stage histories.
#[derive(Debug, Clone)]
pub struct SplitTally {
    since: NaiveDateTime,
    /// (stage index, after?) → (entered, moved on, days of those that moved on).
    sides: HashMap<(usize, bool), (u64, u64, Vec<u32>)>,
}

impl SplitTally {
    /// Split at the moment the version was first used: a visit that began before it is the
    /// version before's, even on the same day.
    pub fn new(since: NaiveDateTime) -> SplitTally {
        SplitTally {
            since,
            sides: HashMap::new(),
        }
    }

    /// One card's visits (when each was first seen, in order).
    pub fn add(&mut self, funnel: &Funnel, visits: &[(NaiveDateTime, String)]) {
        for (w, (seen, stage)) in visits.iter().enumerate() {
            let Some(i) = funnel.resolve(stage) else {
                continue;
            };
            let side = self.sides.entry((i, *seen >= self.since)).or_default();
            side.0 += 1;
            let Some((next_day, next)) = visits.get(w + 1) else {
                continue;
            };
            let Some(j) = funnel.resolve(next) else {
                continue;
            };
            if j > i && funnel.stage(j).kind != StageKind::Lost {
                side.1 += 1;
                let days = (next_day.date() - seen.date()).num_days();
                side.2.push(days.max(0) as u32);
            }
        }
    }

    /// The rows for `stages` (funnel names; those it does not know are left out), in the
    /// order given, with the reviews of each side's figures and the cards there now of
    /// `reviews.now`'s. A stage the version added has no before (see [`StageSplit::before`]).
    pub fn rows(
        &self,
        funnel: &Funnel,
        stages: &[String],
        reviews: &Reviews<'_>,
    ) -> Vec<StageSplit> {
        let counts = |a: &Analytics, name: &str| {
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
                let name = &funnel.stage(i).name;
                let side = |sides: &[bool], a: &Analytics| {
                    let (reviews, n, bad) = counts(a, name);
                    let (mut entered, mut moved, mut days) = (0, 0, Vec::new());
                    for after in sides {
                        if let Some((e, m, d)) = self.sides.get(&(i, *after)) {
                            entered += e;
                            moved += m;
                            days.extend_from_slice(d);
                        }
                    }
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
                let (before, after) = match reviews.whole {
                    Some(whole) if reviews.added.contains(&i) => {
                        (None, side(&[false, true], whole))
                    }
                    _ => (
                        Some(side(&[false], reviews.before)),
                        side(&[true], reviews.after),
                    ),
                };
                let now = (reviews.now.stages.iter()).find(|g| g.known && g.stage == *name);
                Some(StageSplit {
                    stage: name.clone(),
                    before,
                    after,
                    median_idle_days_now: now.and_then(|g| g.group.figures.median_idle_days),
                    change: None,
                    renamed_from: None,
                    split_with: Vec::new(),
                    cards_now: now.map_or(0, |g| g.group.cards),
                    in_current_funnel: true,
                })
            })
            .collect()
    }
}
