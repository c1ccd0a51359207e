//! One group's running counts (a stage, a manager, or a manager at a stage), and the figures
//! they make: the mismatch rate, the median idle days, the checklist items failed most.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::analytics::stages::VerdictCounts;

/// How many items a group lists as failing most, and as the likely cause of a bottleneck.
pub const TOP_ITEMS: usize = 3;

/// Cards judged a group needs before its share not ok is ranked: below it, one card would make a
/// manager "the worst" on a coin toss.
pub const MIN_SAMPLE: u64 = 5;

/// z for a two-sided 95 % interval.
const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (95 %) of the share `part / whole`: honest at small samples and
/// near 0 or 1, where the normal approximation says "0 % ± 0". `None` for no sample.
pub fn wilson(part: u64, whole: u64) -> Option<(f64, f64)> {
    if whole == 0 {
        return None;
    }
    let n = whole as f64;
    let p = part.min(whole) as f64 / n;
    let z2 = Z95 * Z95;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Items by the stage whose checklist they belong to (an index the caller gives meaning to) and
/// id: looked up by `&str`, so counting an answer allocates nothing once the item is known.
pub type Items = BTreeMap<usize, BTreeMap<String, ItemTally>>;

/// How an item is named in the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemInfo {
    /// The stage's name (the funnel's, or the CRM's for a stage the funnel does not know).
    pub stage: String,
    pub text: String,
    pub critical: bool,
}

/// Names an item: (stage index, item id) → how the figures name it.
pub type Namer<'a> = &'a dyn Fn(usize, &str) -> ItemInfo;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ItemTally {
    /// Cards judged whose standing review answered it (not n/a).
    pub judged: u64,
    pub failed: u64,
    /// Failed on a card whose verdict was not ok.
    pub failed_in_mismatch: u64,
}

/// How many of some open cards likely lie: the share not ok among the cards judged, times the
/// open cards it speaks for, with its 95 % interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The open cards it speaks for.
    pub over: u64,
    pub lying: f64,
    pub low: f64,
    pub high: f64,
}

/// An estimate in whole cards, as people read it (`~18 (7–26)`): each figure rounded once, from
/// the unrounded estimate. Rounding the JSON's tenths again would turn 26.47 (26.5) into 27.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WholeCards {
    pub lying: u64,
    pub low: u64,
    pub high: u64,
}

/// A count of cards to the nearest whole card (half away from zero), never below 0.
pub fn whole(v: f64) -> u64 {
    v.max(0.0).round() as u64
}

impl Estimate {
    /// The estimate in whole cards, each figure rounded once.
    pub fn whole(&self) -> WholeCards {
        WholeCards {
            lying: whole(self.lying),
            low: whole(self.low),
            high: whole(self.high),
        }
    }

    /// Two estimates over different cards (two stages), added. The interval's ends are added
    /// too: each stage's 95 % interval holding its truth puts the sum between them, so the
    /// summed interval is wider than a 95 % one of the sum (it errs on the side of saying less).
    pub fn plus(self, o: Estimate) -> Estimate {
        Estimate {
            over: self.over + o.over,
            lying: self.lying + o.lying,
            low: self.low + o.low,
            high: self.high + o.high,
        }
    }
}

/// The two strata of a group's open cards an estimate is made over: [`UNFLAGGED`] and
/// [`FLAGGED`] (the card has a flag of the stage rules now, as the queues tell a flagged card).
/// The auditors' queues put flagged cards first, so the cards judged are mostly flagged, and
/// flagged cards lie more: one share over all the open cards would speak for the unflagged ones
/// by the flagged ones' (tester42 F1).
pub const UNFLAGGED: usize = 0;
pub const FLAGGED: usize = 1;

/// One stratum's counts in a group: its open cards, and the cards judged whose card is in the
/// stratum now (a card judged flagged whose flags have cleared since is unflagged now).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StratumTally {
    /// Open cards there now in the stratum.
    pub open: u64,
    /// Cards judged (each once, by the verdict that stands) in the stratum now.
    pub judged: u64,
    /// Those whose verdict is not ok.
    pub mismatches: u64,
    /// Of the judged, those open here now: all of `open`, the stratum is measured.
    pub open_judged: u64,
    /// Those of them not ok.
    pub open_mismatches: u64,
}

impl StratumTally {
    fn add(&mut self, o: &StratumTally) {
        self.open += o.open;
        self.judged += o.judged;
        self.mismatches += o.mismatches;
        self.open_judged += o.open_judged;
        self.open_mismatches += o.open_mismatches;
    }

    /// Every open card of the stratum judged here: its lying cards are counted.
    fn measured(&self) -> bool {
        self.open > 0 && self.open_judged >= self.open
    }

    /// The stratum's part of a stage's estimate: over its own open cards, the count where it is
    /// measured.
    fn own(&self) -> StratumEstimate {
        if self.measured() {
            let lying = self.open_mismatches as f64;
            let exact = Estimate {
                over: self.open,
                lying,
                low: lying,
                high: lying,
            };
            return StratumEstimate {
                measured: true,
                ..self.part(self.open, Some(exact))
            };
        }
        self.over(self.open)
    }

    /// Its share not ok times `over` open cards, with the Wilson interval: `None` without open
    /// cards to speak for, or without a card judged in it (unsampled: no other stratum's share
    /// stands in for it). Never measured: a manager's open cards span stages.
    fn over(&self, over: u64) -> StratumEstimate {
        let estimate = (over > 0).then(|| {
            let (lo, hi) = wilson(self.mismatches, self.judged)?;
            let n = over as f64;
            Some(Estimate {
                over,
                lying: self.mismatches as f64 / self.judged as f64 * n,
                low: lo * n,
                high: hi * n,
            })
        });
        self.part(over, estimate.flatten())
    }

    fn part(&self, open: u64, estimate: Option<Estimate>) -> StratumEstimate {
        StratumEstimate {
            open,
            judged: self.judged,
            not_ok: self.mismatches,
            open_unjudged: open.saturating_sub(self.open_judged),
            measured: false,
            estimate,
            unsampled: if self.judged == 0 { open } else { 0 },
        }
    }
}

/// One stratum's part of an estimate.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StratumEstimate {
    /// The stratum's open cards the estimate would speak for.
    pub open: u64,
    pub judged: u64,
    pub not_ok: u64,
    /// Open cards not judged where they are: the most more judging can still sample here.
    pub open_unjudged: u64,
    /// Every one of its open cards judged here: the estimate is the count.
    pub measured: bool,
    /// `None`: no open card, or none judged (unsampled).
    pub estimate: Option<Estimate>,
    /// Open cards with no card of their stratum judged: the estimate leaves them out. Summed
    /// over stages, those of the stages whose stratum had none.
    pub unsampled: u64,
}

impl StratumEstimate {
    /// Two strata's parts over different cards (two stages' flagged cards), added.
    fn plus(self, o: StratumEstimate) -> StratumEstimate {
        let open = self.open + o.open;
        StratumEstimate {
            open,
            judged: self.judged + o.judged,
            not_ok: self.not_ok + o.not_ok,
            open_unjudged: self.open_unjudged + o.open_unjudged,
            measured: open > 0 && (self.open == 0 || self.measured) && (o.open == 0 || o.measured),
            estimate: match (self.estimate, o.estimate) {
                (Some(a), Some(b)) => Some(a.plus(b)),
                (a, b) => a.or(b),
            },
            unsampled: self.unsampled + o.unsampled,
        }
    }
}

/// An estimate by stratum: each stratum's share over its own open cards, summed.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Stratified {
    /// By [`UNFLAGGED`] and [`FLAGGED`].
    pub strata: [StratumEstimate; 2],
}

impl Stratified {
    /// The group's estimate: its sampled strata's summed, the interval ends too (as the funnel's
    /// sums its stages'). With cards judged but no open card anywhere (a won or lost stage),
    /// 0 over none; with open cards only in strata no card was judged in, none.
    pub fn total(&self, judged: u64) -> Option<Estimate> {
        let [a, b] = self.strata.map(|s| s.estimate);
        match (a, b) {
            (Some(a), Some(b)) => Some(a.plus(b)),
            (Some(e), None) | (None, Some(e)) => Some(e),
            (None, None) => {
                (judged > 0 && self.strata.iter().all(|s| s.open == 0)).then_some(Estimate {
                    over: 0,
                    lying: 0.0,
                    low: 0.0,
                    high: 0.0,
                })
            }
        }
    }

    /// Open cards the estimate leaves out: those of a stratum no card was judged in.
    pub fn unsampled(&self) -> u64 {
        self.strata.iter().map(|s| s.unsampled).sum()
    }

    /// Two groups' (two stages'), stratum by stratum.
    pub fn plus(self, o: Stratified) -> Stratified {
        Stratified {
            strata: [
                self.strata[0].plus(o.strata[0]),
                self.strata[1].plus(o.strata[1]),
            ],
        }
    }

    /// The figures people and scripts read: tenths, as the group's.
    pub fn figures(&self) -> StrataFigures {
        let f = |s: &StratumEstimate| StratumFigures {
            open: s.open,
            judged: s.judged,
            not_ok: s.not_ok,
            estimate: s.estimate.map(|e| tenths(e.lying)),
            low: s.estimate.map(|e| tenths(e.low)),
            high: s.estimate.map(|e| tenths(e.high)),
            measured: s.measured,
            lying_cards: s.estimate.map(|e| e.whole()),
            unsampled: s.unsampled,
            open_unjudged: s.open_unjudged,
        };
        StrataFigures {
            flagged: f(&self.strata[FLAGGED]),
            unflagged: f(&self.strata[UNFLAGGED]),
        }
    }
}

/// A group's estimate by stratum, in `strata` of `okk stats --json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StrataFigures {
    pub flagged: StratumFigures,
    pub unflagged: StratumFigures,
}

impl StrataFigures {
    /// Open cards no card judged speaks for, in both strata.
    pub fn unsampled(&self) -> u64 {
        self.flagged.unsampled + self.unflagged.unsampled
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StratumFigures {
    /// The stratum's open cards.
    pub open: u64,
    /// Cards judged in it now, and those not ok.
    pub judged: u64,
    pub not_ok: u64,
    /// Its lying cards, with the 95 % interval: `null` without a card judged in it.
    pub estimate: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub measured: bool,
    #[serde(skip)]
    pub lying_cards: Option<WholeCards>,
    /// Its open cards when none of its cards is judged: left out of the estimate.
    #[serde(skip)]
    pub unsampled: u64,
    /// Its open cards not judged where they are.
    #[serde(skip)]
    pub open_unjudged: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Cards there now (not gone).
    pub cards: u64,
    pub flagged: u64,
    /// Open cards there now (not closed, not at a won or lost stage): what the reviews sample
    /// and an estimate speaks for.
    pub open: u64,
    /// Open cards with a day to count from, by whole idle days.
    pub idle: BTreeMap<u32, u64>,
    /// Current reviews that landed (those the lead sent back did not), each auditor's apart.
    pub reviews: u64,
    /// Cards judged: each card once (per stage it was judged at), by the verdict that stands
    /// on it. The sample every share is of.
    pub judged: u64,
    /// Cards whose auditors split on whether they are ok, with no decision of the lead: no
    /// sample until the lead settles them.
    pub disputed: u64,
    /// The judged cards by the verdict that stands.
    pub verdicts: VerdictCounts,
    pub score_sum: f64,
    pub scored: u64,
    pub items: Items,
    /// The judged cards by the funnel version the review whose verdict stands was made under
    /// (0: before any version): whether a stage's sample predates a change of what it holds.
    pub judged_by_version: BTreeMap<i64, u64>,
    /// Of the judged cards, those open here now (judged at this stage and still in it): when
    /// they are all of `open`, the stage is measured, not sampled.
    pub open_judged: u64,
    /// Those of them whose verdict is not ok.
    pub open_mismatches: u64,
    /// Judged cards not ok whose standing review marked no checklist item pass or fail: the
    /// checklist says nothing of why they are not ok (no item failed there is no reason).
    pub mismatches_unanswered: u64,
    /// Judged cards whose standing verdict here is the lead's decision on a review at another
    /// stage ([`super::settle::Pick::elsewhere`]).
    pub decided_elsewhere: u64,
    /// By [`UNFLAGGED`] and [`FLAGGED`]: what the estimate is made of.
    pub strata: [StratumTally; 2],
}

impl Tally {
    /// A test's group: `open` cards, all unflagged and open, `judged` of them judged elsewhere
    /// (none open here), `not_ok` of those not ok.
    #[cfg(test)]
    pub(crate) fn unflagged(open: u64, judged: u64, not_ok: u64) -> Tally {
        let mut t = Tally {
            cards: open,
            open,
            judged,
            ..Tally::default()
        };
        t.verdicts
            .add(crate::domain::review::Verdict::Ok, judged - not_ok);
        t.verdicts
            .add(crate::domain::review::Verdict::Stale, not_ok);
        t.strata[UNFLAGGED] = StratumTally {
            open,
            judged,
            mismatches: not_ok,
            ..StratumTally::default()
        };
        t
    }

    /// One card judged, by the review that stands on it: its verdict, version and score (its
    /// checklist items are the caller's: they count at a stage, not in the totals).
    pub fn judged_by(&mut self, pick: &super::settle::Pick) {
        self.judged += 1;
        *self
            .judged_by_version
            .entry(pick.version.unwrap_or(0))
            .or_default() += 1;
        self.verdicts.add(pick.verdict, 1);
        if let Some(s) = pick.score {
            self.score_sum += s;
            self.scored += 1;
        }
    }

    pub fn merge(&mut self, other: &Tally) {
        self.cards += other.cards;
        self.flagged += other.flagged;
        self.open += other.open;
        for (days, n) in &other.idle {
            *self.idle.entry(*days).or_default() += n;
        }
        self.reviews += other.reviews;
        self.judged += other.judged;
        self.disputed += other.disputed;
        for v in crate::domain::review::Verdict::ALL {
            self.verdicts.add(v, other.verdicts.get(v));
        }
        self.score_sum += other.score_sum;
        self.scored += other.scored;
        self.open_judged += other.open_judged;
        self.open_mismatches += other.open_mismatches;
        self.mismatches_unanswered += other.mismatches_unanswered;
        self.decided_elsewhere += other.decided_elsewhere;
        for (mine, theirs) in self.strata.iter_mut().zip(&other.strata) {
            mine.add(theirs);
        }
        for (version, n) in &other.judged_by_version {
            *self.judged_by_version.entry(*version).or_default() += n;
        }
        for (stage, items) in &other.items {
            let into = self.items.entry(*stage).or_default();
            for (id, t) in items {
                let mine = into.entry(id.clone()).or_default();
                mine.judged += t.judged;
                mine.failed += t.failed;
                mine.failed_in_mismatch += t.failed_in_mismatch;
            }
        }
    }

    /// Takes the sample of `once` (cards judged each once, their reviews at every stage settled
    /// as one) for its own: a group over several stages, whose stage tallies count a card
    /// judged at two stages twice. What is counted per stage stays: the cards, the reviews,
    /// the checklist items (each belongs to one stage's checklist), and the open cards judged
    /// where they are now (each at one stage only).
    pub fn count_cards_as(&mut self, once: &Tally) {
        self.judged = once.judged;
        self.disputed = once.disputed;
        self.verdicts = once.verdicts;
        self.score_sum = once.score_sum;
        self.scored = once.scored;
        self.judged_by_version = once.judged_by_version.clone();
        self.mismatches_unanswered = once.mismatches_unanswered;
        for (mine, once) in self.strata.iter_mut().zip(&once.strata) {
            mine.judged = once.judged;
            mine.mismatches = once.mismatches;
        }
    }

    /// One card judged in stratum `flagged` (its flags now), `open_here`: open at this stage.
    pub fn judged_in_stratum(&mut self, flagged: bool, mismatch: bool, open_here: bool) {
        let s = &mut self.strata[usize::from(flagged)];
        s.judged += 1;
        s.mismatches += u64::from(mismatch);
        if open_here {
            s.open_judged += 1;
            s.open_mismatches += u64::from(mismatch);
        }
    }

    /// Judged cards whose verdict is not ok.
    pub fn mismatches(&self) -> u64 {
        self.judged - self.verdicts.ok
    }

    pub fn mismatch_rate(&self) -> Option<f64> {
        share(self.mismatches(), self.judged)
    }

    /// How many of a manager's open cards likely lie: each stratum's share not ok (their cards
    /// judged in it) times `over`, their open cards in it at the stages where a card of theirs
    /// was judged; summed, as [`Stratified::total`].
    pub fn strata_over(&self, over: [u64; 2]) -> Stratified {
        Stratified {
            strata: [0, 1].map(|i| self.strata[i].over(over[i])),
        }
    }

    /// A stage's, or a manager's at one stage, by stratum: each over its own open cards; a
    /// stratum whose every open card is judged here is no estimate but the count.
    pub fn own_strata(&self) -> Stratified {
        Stratified {
            strata: self.strata.map(|s| s.own()),
        }
    }

    /// [`Tally::own_strata`] summed: its sampled strata's lying cards. `None` before any card
    /// is judged, or while no card is judged in the strata that hold its open cards.
    pub fn own_estimate(&self) -> Option<Estimate> {
        self.own_strata().total(self.judged)
    }

    /// Every open card here is judged here: what lies is known, not estimated.
    pub fn measured(&self) -> bool {
        self.open > 0 && self.open_judged >= self.open
    }

    /// Open cards here not judged here (yet): the most a stage can still be asked to judge.
    pub fn open_unjudged(&self) -> u64 {
        self.open.saturating_sub(self.open_judged)
    }

    /// Enough cards judged for the group's share not ok to be ranked ([`MIN_SAMPLE`]).
    pub fn ranked(&self) -> bool {
        self.judged >= MIN_SAMPLE
    }

    /// Counts one answer to item `id` of stage `stage`.
    pub fn count_item(&mut self, stage: usize, id: &str, failed: bool, mismatch: bool) {
        let items = self.items.entry(stage).or_default();
        let t = match items.get_mut(id) {
            Some(t) => t,
            None => items.entry(id.to_string()).or_default(),
        };
        t.judged += 1;
        t.failed += u64::from(failed);
        t.failed_in_mismatch += u64::from(failed && mismatch);
    }

    /// The figures, naming items through `info`, with the group's estimate of lying cards.
    pub fn figures(&self, info: Namer, estimate: Option<Estimate>) -> Figures {
        Figures {
            flagged_share: share(self.flagged, self.cards).map(rate),
            reviews: self.reviews,
            judged: self.judged,
            disputed: self.disputed,
            review_verdicts: self.verdicts,
            mismatches: self.mismatches(),
            mismatch_rate: self.mismatch_rate().map(rate),
            estimated_lying: estimate.map(|e| tenths(e.lying)),
            estimated_lying_low: estimate.map(|e| tenths(e.low)),
            estimated_lying_high: estimate.map(|e| tenths(e.high)),
            lying_cards: estimate.map(|e| e.whole()),
            covered_cards: estimate.map_or(0, |e| e.over),
            open_unjudged: self.open_unjudged(),
            measured: self.measured(),
            ranked: self.ranked(),
            scored: self.scored,
            average_score: (self.scored > 0).then(|| tenths(self.score_sum / self.scored as f64)),
            open_cards: self.idle.values().sum(),
            median_idle_days: median(&self.idle),
            top_failing: self.top(info, |t| t.failed),
            judged_by_version: self.judged_by_version.clone(),
            judged_before_change: None,
            decided_elsewhere: self.decided_elsewhere,
            strata: None,
        }
    }

    /// The items failed most on cards not ok: what most likely makes the group's cards lie.
    pub fn likely_cause(&self, info: Namer) -> Vec<FailingItem> {
        self.top(info, |t| t.failed_in_mismatch)
    }

    /// The [`TOP_ITEMS`] items with the highest `by` (above 0), ties by stage and id.
    fn top(&self, info: Namer, by: impl Fn(&ItemTally) -> u64) -> Vec<FailingItem> {
        let mut items: Vec<(usize, &String, &ItemTally)> = self
            .items
            .iter()
            .flat_map(|(stage, items)| items.iter().map(move |(id, t)| (*stage, id, t)))
            .filter(|(_, _, t)| by(t) > 0)
            .collect();
        // Stable: equal counts stay in stage and id order.
        items.sort_by_key(|(_, _, t)| std::cmp::Reverse(by(t)));
        items
            .into_iter()
            .take(TOP_ITEMS)
            .map(|(stage, id, t)| {
                let named = info(stage, id);
                FailingItem {
                    stage: named.stage,
                    id: id.clone(),
                    text: named.text,
                    critical: named.critical,
                    failed: t.failed,
                    judged: t.judged,
                    fail_rate: share(t.failed, t.judged).map(rate),
                    failed_in_mismatch: t.failed_in_mismatch,
                }
            })
            .collect()
    }
}

/// A group's figures beside its cards and flagged counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figures {
    /// Flagged cards / cards.
    pub flagged_share: Option<f64>,
    /// Current reviews that landed (made at the stage, or of the manager's cards), each
    /// auditor's apart.
    pub reviews: u64,
    /// Cards judged: each once, by the verdict that stands on it. The sample of every share.
    pub judged: u64,
    /// Cards the auditors split on (ok or not) that the lead has yet to settle: not judged.
    pub disputed: u64,
    /// The judged cards by the verdict that stands (the lead's on an override).
    pub review_verdicts: VerdictCounts,
    /// Judged cards whose verdict is not ok.
    pub mismatches: u64,
    /// Mismatches / judged.
    pub mismatch_rate: Option<f64>,
    /// How many of the open cards it speaks for (`covered_cards`) likely lie.
    pub estimated_lying: Option<f64>,
    /// The 95 % (Wilson) interval of the estimate: a few cards say little.
    pub estimated_lying_low: Option<f64>,
    pub estimated_lying_high: Option<f64>,
    /// The estimate in whole cards, for people (the text, the report, the stats screen): not
    /// in the JSON, which keeps the tenths above.
    #[serde(skip)]
    pub lying_cards: Option<WholeCards>,
    /// The open cards the estimate speaks for: a stage's open cards; a manager's open cards at
    /// the stages their cards were judged at; in the totals, the open cards of the stages with
    /// a card judged. 0 without an estimate.
    pub covered_cards: u64,
    /// Open cards not judged where they are now: what more judging could still sample.
    pub open_unjudged: u64,
    /// Every open card judged where it is: the estimate is the exact count, not a share times
    /// the cards (`estimated_lying` = low = high).
    pub measured: bool,
    /// At least [`MIN_SAMPLE`] cards judged: the group takes part in rankings.
    pub ranked: bool,
    /// Judged cards with a score (the sample of `average_score`).
    pub scored: u64,
    /// The mean checklist score of the judged cards that have one.
    pub average_score: Option<f64>,
    /// Open cards (not closed, not at a won or lost stage) with a date to count idle days from:
    /// the ones the median is taken over.
    pub open_cards: u64,
    pub median_idle_days: Option<f64>,
    pub top_failing: Vec<FailingItem>,
    /// The judged cards by the funnel version their standing review was made under (0: before
    /// any), as [`Tally::judged_by_version`].
    #[serde(skip)]
    pub judged_by_version: BTreeMap<i64, u64>,
    /// Most of its cards judged were judged before the latest funnel version that changed which
    /// cards their stage holds (see [`super::make_up`]): on a stage's row and on a manager's
    /// (whose stages [`super::ManagerGroup::changed_stages`] names), not on the totals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged_before_change: Option<super::make_up::JudgedBefore>,
    /// On a stage's row: of its cards judged, those it counts by the lead's decision on a
    /// review made at another stage (the lead's word on a card stands at every stage). Not in
    /// the JSON when none.
    #[serde(skip_serializing_if = "is_zero")]
    pub decided_elsewhere: u64,
    /// The estimate by stratum (flagged now, or not): on the stages, the managers and the
    /// totals ([`Figures::with_strata`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strata: Option<StrataFigures>,
}

impl Figures {
    /// With the estimate's strata beside it.
    pub fn with_strata(mut self, strata: &Stratified) -> Figures {
        self.strata = Some(strata.figures());
        self
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailingItem {
    /// The stage whose checklist lists it.
    pub stage: String,
    pub id: String,
    pub text: String,
    pub critical: bool,
    pub failed: u64,
    /// Judged cards that answered it (not n/a).
    pub judged: u64,
    /// Failed / judged.
    pub fail_rate: Option<f64>,
    /// Failed on cards whose verdict was not ok.
    pub failed_in_mismatch: u64,
}

pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Shares to four places (0.6667): more digits only look precise.
pub fn rate(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// Scores and estimated card counts to one decimal.
pub fn tenths(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// The median of a histogram (value → how many): the middle value, or the mean of the two
/// middle ones.
pub fn median(histogram: &BTreeMap<u32, u64>) -> Option<f64> {
    let n: u64 = histogram.values().sum();
    if n == 0 {
        return None;
    }
    // The k-th smallest value, 1-based.
    let nth = |k: u64| {
        let mut seen = 0;
        for (v, c) in histogram {
            seen += c;
            if seen >= k {
                return f64::from(*v);
            }
        }
        unreachable!("k is at most n")
    };
    Some(if n % 2 == 1 {
        nth(n / 2 + 1)
    } else {
        (nth(n / 2) + nth(n / 2 + 1)) / 2.0
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_intervals_match_published_values() {
        // Newcombe (1998), Statistics in Medicine 17:857, table I: 81/263 → 0.2553–0.3662;
        // 15/148 → 0.0624–0.1605; 0/20 → 0–0.1611; 1/29 → 0.0061–0.1718.
        let close = |got: (f64, f64), want: (f64, f64)| {
            assert!(
                (got.0 - want.0).abs() < 5e-5 && (got.1 - want.1).abs() < 5e-5,
                "{got:?} != {want:?}"
            );
        };
        close(wilson(81, 263).unwrap(), (0.2553, 0.3662));
        close(wilson(15, 148).unwrap(), (0.0624, 0.1605));
        close(wilson(0, 20).unwrap(), (0.0, 0.1611));
        close(wilson(1, 29).unwrap(), (0.0061, 0.1718));
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn one_card_not_ok_says_little_about_twenty_one_cards() {
        let mut t = Tally::unflagged(21, 1, 1);
        t.cards = 25;
        let e = t.own_estimate().unwrap();
        // Over the 21 open cards, not the 25 there.
        assert_eq!((e.over, e.lying), (21, 21.0));
        // 1 of 1: the share lies anywhere from about 21 % to 100 %.
        assert!((e.low - 21.0 * 0.2065).abs() < 0.01, "{}", e.low);
        assert_eq!(e.high, 21.0);
        assert!(!t.ranked());
        assert_eq!(Tally::default().own_estimate(), None);
    }

    #[test]
    fn people_read_an_estimate_rounded_once_from_the_unrounded_figure() {
        // 3 of 5 not ok over 30 open cards: 6.92–26.47, 18. The JSON's tenths say 26.5, which
        // rounded again would read 27.
        let t = Tally::unflagged(30, 5, 3);
        let e = t.own_estimate().unwrap();
        assert!((e.high - 26.47).abs() < 0.01, "{}", e.high);
        let f = t.figures(
            &|_, id| ItemInfo {
                stage: String::new(),
                text: id.into(),
                critical: false,
            },
            Some(e),
        );
        assert_eq!(f.estimated_lying_high, Some(26.5));
        let whole = WholeCards {
            lying: 18,
            low: 7,
            high: 26,
        };
        assert_eq!((e.whole(), f.lying_cards), (whole, Some(whole)));
        assert_eq!((super::whole(-0.2), super::whole(2.5)), (0, 3));
    }

    #[test]
    fn median_of_a_histogram() {
        let h = |pairs: &[(u32, u64)]| pairs.iter().copied().collect::<BTreeMap<_, _>>();
        assert_eq!(median(&h(&[])), None);
        // 1, 5, 5 → 5.
        assert_eq!(median(&h(&[(1, 1), (5, 2)])), Some(5.0));
        // 1, 2, 9, 9 → (2 + 9) / 2.
        assert_eq!(median(&h(&[(1, 1), (2, 1), (9, 2)])), Some(5.5));
        // 0, 0, 0, 40 → 0.
        assert_eq!(median(&h(&[(0, 3), (40, 1)])), Some(0.0));
    }

    #[test]
    fn top_items_by_count_then_by_key_and_unknown_items_by_id() {
        let mut t = Tally::default();
        for (id, failed) in [("b", 2), ("a", 2), ("c", 5), ("d", 1), ("e", 0)] {
            for n in 0..10 {
                t.count_item(0, id, n < failed, false);
            }
        }
        let info = |_: usize, id: &str| ItemInfo {
            stage: "S".into(),
            text: if id == "c" {
                "Текст c".into()
            } else {
                id.into()
            },
            critical: id == "c",
        };
        let top = t.figures(&info, None).top_failing;
        let ids: Vec<&str> = top.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
        assert_eq!((top[0].text.as_str(), top[0].critical), ("Текст c", true));
        assert_eq!((top[1].text.as_str(), top[1].fail_rate), ("a", Some(0.2)));
        assert!(t.likely_cause(&info).is_empty());
    }
}
