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
    /// For a stage the version removed by merging it into another (its name now that stage's
    /// alias): that stage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    /// For a stage the version merged others into: those stages. Its before counts their
    /// reviews too (the version's funnel reads their names as its own).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<String>,
    /// Cards in the stage now (not gone).
    pub cards_now: u64,
    /// The funnel okk runs with now knows the stage (by its name or an alias).
    pub in_current_funnel: bool,
    /// A stage the version removed: its moves on before the version that most likely were the
    /// removal itself, not work done (see [`Emptied`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emptied_into: Option<Emptied>,
}

/// A removed stage's last cards moving out into one stage before the version was first used:
/// the moves on (before) made after the last card came into it, to the stage that took most of
/// them. The CRM removing the stage moves its cards to the one that replaces it, dated by the
/// deal's edit — before the desk recorded the version —, so they read as the stage's
/// conversion (tester40 F7). They stay in `moved_on`: okk cannot tell them from work done for
/// sure, so the row says so instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Emptied {
    pub stage: String,
    pub moves: u64,
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
    /// The version's stages it left as they were, not listed: a lead reading the stages listed
    /// should know the rest were left out, not missing.
    pub unchanged_left_out: u64,
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

/// Stays and conversions per stage and side, counted from the stage histories and the cards
/// that never moved (a single visit each).
///
/// A side is a span of time: before the moment the version was first used, and from it on. A
/// card counts as entered on a side when it was at the stage at some moment of it — a card
/// there at the moment counts on both —, and as moved on on the side its move to a later stage
/// (not lost) fell in: not only the cards that later left (tester37 F3). The moves the
/// version's own change made are no progress: out of a stage it removed (from the moment on),
/// into a stage it added out of a stage it split (see [`SplitTally::rows`]).
#[derive(Debug, Clone)]
pub struct SplitTally {
    since: NaiveDateTime,
    /// The stages (by index) the version added, and those it removed (read with the version
    /// before's funnel, where they are).
    added: Vec<usize>,
    removed: Vec<usize>,
    sides: HashMap<(usize, Span), Counts>,
    /// Per removed stage: when the last card came into it, and its moves on before the version
    /// (when, and to which stage).
    last_entry: HashMap<usize, NaiveDateTime>,
    exits: HashMap<usize, Vec<(NaiveDateTime, usize)>>,
}

/// Which span of time a count is of: before the version, from it on, or the stage's whole life
/// (a stage the version added).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Span {
    Before,
    After,
    Whole,
}

#[derive(Debug, Clone, Default)]
struct Counts {
    entered: u64,
    moved: u64,
    days: Vec<u32>,
    /// Cards that went on into a stage the version added: its split, when the stage is one it
    /// split (then not the stage's cards at all), else ordinary moves (`forward` of them to a
    /// later stage, with their days).
    to_added: u64,
    to_added_forward: u64,
    to_added_days: Vec<u32>,
}

impl SplitTally {
    /// Split at the moment the version was first used: a visit that began before it is the
    /// version before's, even on the same day. `added`, `removed`: the stages the version
    /// added and removed, by their index in the funnel the tally is given.
    pub fn new(since: NaiveDateTime, added: Vec<usize>, removed: Vec<usize>) -> SplitTally {
        SplitTally {
            since,
            added,
            removed,
            sides: HashMap::new(),
            last_entry: HashMap::new(),
            exits: HashMap::new(),
        }
    }

    /// Where removed stage `i` emptied before the version (see [`Emptied`]), named by `funnel`.
    fn emptied(&self, funnel: &Funnel, i: usize) -> Option<Emptied> {
        let last = self.last_entry.get(&i)?;
        let mut to: HashMap<usize, (u64, NaiveDateTime)> = HashMap::new();
        for (at, j) in self.exits.get(&i)?.iter().filter(|(at, _)| at >= last) {
            let e = to.entry(*j).or_insert((0, *at));
            e.0 += 1;
            e.1 = e.1.max(*at);
        }
        // Most moves; on a tie, the stage the last card went to.
        let (j, (moves, _)) = to.into_iter().max_by_key(|(j, (n, at))| (*n, *at, *j))?;
        Some(Emptied {
            stage: funnel.stage(j).name.clone(),
            moves,
        })
    }

    /// One card's visits (when each was first seen, in order); a card that never moved is one
    /// visit.
    pub fn add(&mut self, funnel: &Funnel, visits: &[(NaiveDateTime, String)]) {
        for (w, (seen, stage)) in visits.iter().enumerate() {
            let Some(i) = funnel.resolve(stage) else {
                continue;
            };
            let next = visits.get(w + 1).map(|(at, s)| (*at, funnel.resolve(s)));
            let left = next.map(|(at, _)| at);
            let forward = next
                .and_then(|(_, j)| j)
                .filter(|&j| j > i && funnel.stage(j).kind != StageKind::Lost);
            let into_added = next
                .and_then(|(_, j)| j)
                .is_some_and(|j| self.added.contains(&j) && !self.added.contains(&i));
            let days = left.map_or(0, |l| (l.date() - seen.date()).num_days().max(0) as u32);
            let mut count = |span: Span, moved: bool| {
                let c = self.sides.entry((i, span)).or_default();
                c.entered += 1;
                if !moved {
                    return;
                }
                if into_added {
                    c.to_added += 1;
                    if forward.is_some() {
                        c.to_added_forward += 1;
                        c.to_added_days.push(days);
                    }
                } else if forward.is_some() {
                    c.moved += 1;
                    c.days.push(days);
                }
            };
            let removed_now = self.removed.contains(&i) && left.is_some_and(|l| l >= self.since);
            if self.removed.contains(&i) {
                let last = self.last_entry.entry(i).or_insert(*seen);
                *last = (*last).max(*seen);
                if let (Some(l), Some(j)) = (left.filter(|l| *l < self.since), forward) {
                    self.exits.entry(i).or_default().push((l, j));
                }
            }
            count(Span::Whole, !removed_now);
            if *seen < self.since {
                count(Span::Before, left.is_some_and(|l| l < self.since));
            }
            // There at the moment or after it; a card the version's removal moved out is not.
            if left.is_none_or(|l| l >= self.since) && !removed_now {
                count(Span::After, true);
            }
        }
    }

    /// The rows for `stages` (funnel names; those it does not know are left out), in the
    /// order given, with the reviews of each side's figures and the cards there now of
    /// `reviews.now`'s. A stage the version added has no before (see [`StageSplit::before`]).
    /// `split`: the stages (by index) the version split: their cards that went into a stage it
    /// added are the CRM's relabelling, counted on neither side; any other stage's are moves.
    pub fn rows(
        &self,
        funnel: &Funnel,
        stages: &[String],
        reviews: &Reviews<'_>,
        split: &[usize],
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
                let side = |span: Span, a: &Analytics| {
                    let (reviews, n, bad) = counts(a, name);
                    let c = self.sides.get(&(i, span)).cloned().unwrap_or_default();
                    let (mut entered, mut moved, mut days) = (c.entered, c.moved, c.days);
                    if split.contains(&i) {
                        entered -= c.to_added;
                    } else {
                        moved += c.to_added_forward;
                        days.extend(c.to_added_days);
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
                    Some(whole) if reviews.added.contains(&i) => (None, side(Span::Whole, whole)),
                    _ => (
                        Some(side(Span::Before, reviews.before)),
                        side(Span::After, reviews.after),
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
                    merged_into: None,
                    merged_from: Vec::new(),
                    cards_now: now.map_or(0, |g| g.group.cards),
                    in_current_funnel: true,
                    emptied_into: (self.removed.contains(&i))
                        .then(|| self.emptied(funnel, i))
                        .flatten(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funnel() -> Funnel {
        crate::funnel_config::load_str(
            "name = \"t\"\n[[stages]]\nname = \"A\"\n[[stages]]\nname = \"S\"\n\
             [[stages]]\nname = \"B\"\n[[stages]]\nname = \"W\"\nkind = \"won\"\n\
             [[stages]]\nname = \"L\"\nkind = \"lost\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap()
    }

    fn at(d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 11, d)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    }

    /// Stage A's row with no review on either side, with `split` the stages split.
    fn row_of_a(t: &SplitTally, f: &Funnel, split: &[usize]) -> StageSplit {
        let (empty, _) = crate::domain::analytics::collector::Collector::new(
            f,
            at(20).date(),
            crate::domain::analytics::Window::default(),
        )
        .finish();
        let reviews = Reviews {
            before: &empty,
            after: &empty,
            now: &empty,
            added: &[],
            whole: None,
        };
        t.rows(f, &["A".to_string()], &reviews, split).remove(0)
    }

    /// Each side's (entered, moved on) of stage A, with `split` the stages split.
    fn sides(t: &SplitTally, f: &Funnel, split: &[usize]) -> ((u64, u64), (u64, u64)) {
        let row = row_of_a(t, f, split);
        let b = row.before.unwrap();
        (
            (b.entered, b.moved_on),
            (row.after.entered, row.after.moved_on),
        )
    }

    /// tester37 F3: the cards that stayed count as having been there, on each side they were
    /// there; a move counts on the side it fell in.
    #[test]
    fn every_card_at_the_stage_on_a_side_counts_not_only_those_that_left() {
        let f = funnel();
        let mut t = SplitTally::new(at(10), Vec::new(), Vec::new());
        let stage = |s: &str| s.to_string();
        for _ in 0..3 {
            t.add(&f, &[(at(1), stage("A"))]);
        }
        for _ in 0..2 {
            t.add(&f, &[(at(1), stage("A")), (at(5), stage("B"))]);
        }
        t.add(&f, &[(at(1), stage("A")), (at(12), stage("B"))]);
        t.add(&f, &[(at(1), stage("A")), (at(12), stage("L"))]);
        t.add(&f, &[(at(11), stage("A"))]);
        // Before: all 7 were there, 2 moved on then. After: the 5 there at the moment and the
        // one arriving, 1 moved on.
        assert_eq!(sides(&t, &f, &[]), ((7, 2), (6, 1)));
    }

    /// The version's own change is no progress: the CRM's split into a stage it added, the
    /// removal moving a stage's cards out.
    #[test]
    fn the_version_s_own_split_and_removal_moves_are_not_moving_on() {
        let f = funnel();
        let s = f.resolve("S").unwrap();
        let a = f.resolve("A").unwrap();
        let run = |added: Vec<usize>, removed: Vec<usize>| {
            let mut t = SplitTally::new(at(10), added, removed);
            for _ in 0..4 {
                t.add(&f, &[(at(1), "A".to_string()), (at(12), "S".to_string())]);
            }
            t.add(&f, &[(at(1), "A".to_string()), (at(12), "B".to_string())]);
            t
        };
        // S added and A split by it: the four relabelled are not A's on the after side.
        let t = run(vec![s], Vec::new());
        assert_eq!(sides(&t, &f, &[a]).1, (1, 1));
        // S added but A not split by it: moves into S are moves.
        assert_eq!(sides(&t, &f, &[]).1, (5, 5));
        // A removed: its cards moved out from the moment on are the removal's.
        let t = run(Vec::new(), vec![a]);
        assert_eq!(sides(&t, &f, &[]), ((5, 0), (0, 0)));
    }

    /// tester40 F7: a removed stage's last cards moving on together into one stage before the
    /// version was first used are told apart from the moves on before the last card came in
    /// (work done); they stay in the conversion.
    #[test]
    fn a_removed_stage_s_last_moves_before_the_version_are_told_as_its_emptying() {
        let f = funnel();
        let a = f.resolve("A").unwrap();
        let mut t = SplitTally::new(at(20), Vec::new(), vec![a]);
        let visit = |d: u32, s: &str| (at(d), s.to_string());
        // Worked on: one card moved on to B before the last card came in (day 5).
        t.add(&f, &[visit(1, "A"), visit(3, "B")]);
        t.add(&f, &[visit(5, "A"), visit(15, "S")]);
        t.add(&f, &[visit(1, "A"), visit(15, "S")]);
        t.add(&f, &[visit(2, "A"), visit(16, "S")]);
        // One went to B after it too, and one was lost: neither is S's.
        t.add(&f, &[visit(2, "A"), visit(14, "B")]);
        t.add(&f, &[visit(2, "A"), visit(14, "L")]);
        let row = |t: &SplitTally| row_of_a(t, &f, &[]);
        let r = row(&t);
        let before = r.before.as_ref().unwrap();
        assert_eq!((before.entered, before.moved_on), (6, 5));
        assert_eq!(
            r.emptied_into,
            Some(Emptied {
                stage: "S".into(),
                moves: 3
            })
        );
        // A stage the version did not remove is not told so.
        let mut kept = SplitTally::new(at(20), Vec::new(), Vec::new());
        kept.add(&f, &[visit(1, "A"), visit(15, "S")]);
        assert_eq!(row(&kept).emptied_into, None);
        // Moves after the version was first used are the removal's, counted nowhere: not told.
        let mut late = SplitTally::new(at(10), Vec::new(), vec![a]);
        late.add(&f, &[visit(1, "A"), visit(15, "S")]);
        assert_eq!(row(&late).emptied_into, None);
    }
}
