//! One group's running counts (a stage, a manager, or a manager at a stage), and the figures
//! they make: the mismatch rate, the median idle days, the checklist items failed most.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::analytics::stages::VerdictCounts;

/// How many items a group lists as failing most, and as the likely cause of a bottleneck.
pub const TOP_ITEMS: usize = 3;

/// Reviews a group needs before its share not ok is ranked: below it, one review would make a
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
    /// Reviews that answered it (not n/a).
    pub judged: u64,
    pub failed: u64,
    /// Failed in a review whose verdict was not ok.
    pub failed_in_mismatch: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Cards there now (not gone).
    pub cards: u64,
    pub flagged: u64,
    /// Open cards (not closed, not at a won or lost stage) by whole idle days.
    pub idle: BTreeMap<u32, u64>,
    /// Current reviews counted (those the lead sent back are not).
    pub reviews: u64,
    pub verdicts: VerdictCounts,
    pub score_sum: f64,
    pub scored: u64,
    pub items: Items,
}

impl Tally {
    pub fn merge(&mut self, other: &Tally) {
        self.cards += other.cards;
        self.flagged += other.flagged;
        for (days, n) in &other.idle {
            *self.idle.entry(*days).or_default() += n;
        }
        self.reviews += other.reviews;
        for v in crate::domain::review::Verdict::ALL {
            self.verdicts.add(v, other.verdicts.get(v));
        }
        self.score_sum += other.score_sum;
        self.scored += other.scored;
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

    pub fn mismatches(&self) -> u64 {
        self.reviews - self.verdicts.ok
    }

    pub fn mismatch_rate(&self) -> Option<f64> {
        share(self.mismatches(), self.reviews)
    }

    /// Cards there now that likely lie: the share of reviews not ok at the group, times its
    /// cards. `None` before any review.
    pub fn estimated_lying(&self) -> Option<f64> {
        self.mismatch_rate().map(|r| r * self.cards as f64)
    }

    /// [`Tally::estimated_lying`] as a 95 % interval: the Wilson interval of the share not ok,
    /// times the cards.
    pub fn lying_interval(&self) -> Option<(f64, f64)> {
        let cards = self.cards as f64;
        wilson(self.mismatches(), self.reviews).map(|(lo, hi)| (lo * cards, hi * cards))
    }

    /// Enough reviews for the group's share not ok to be ranked ([`MIN_SAMPLE`]).
    pub fn ranked(&self) -> bool {
        self.reviews >= MIN_SAMPLE
    }

    /// Counts one answer to item `id` of stage `stage`.
    pub fn judged(&mut self, stage: usize, id: &str, failed: bool, mismatch: bool) {
        let items = self.items.entry(stage).or_default();
        let t = match items.get_mut(id) {
            Some(t) => t,
            None => items.entry(id.to_string()).or_default(),
        };
        t.judged += 1;
        t.failed += u64::from(failed);
        t.failed_in_mismatch += u64::from(failed && mismatch);
    }

    /// The figures, naming items through `info`.
    pub fn figures(&self, info: Namer) -> Figures {
        Figures {
            flagged_share: share(self.flagged, self.cards).map(rate),
            reviews: self.reviews,
            review_verdicts: self.verdicts,
            mismatches: self.mismatches(),
            mismatch_rate: self.mismatch_rate().map(rate),
            estimated_lying: self.estimated_lying().map(tenths),
            estimated_lying_low: self.lying_interval().map(|(lo, _)| tenths(lo)),
            estimated_lying_high: self.lying_interval().map(|(_, hi)| tenths(hi)),
            ranked: self.ranked(),
            scored: self.scored,
            average_score: (self.scored > 0).then(|| tenths(self.score_sum / self.scored as f64)),
            open_cards: self.idle.values().sum(),
            median_idle_days: median(&self.idle),
            top_failing: self.top(info, |t| t.failed),
        }
    }

    /// The items failed most in reviews not ok: what most likely makes the group's cards lie.
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
    /// Current reviews counted (made at the stage, or of the manager's cards).
    pub reviews: u64,
    /// Those reviews by the verdict as it landed (the lead's on an override).
    pub review_verdicts: VerdictCounts,
    /// Reviews whose verdict is not ok.
    pub mismatches: u64,
    /// Mismatches / reviews.
    pub mismatch_rate: Option<f64>,
    /// Mismatch rate × cards: how many of the cards there now likely lie.
    pub estimated_lying: Option<f64>,
    /// The 95 % (Wilson) interval of the estimate: a few reviews say little.
    pub estimated_lying_low: Option<f64>,
    pub estimated_lying_high: Option<f64>,
    /// At least [`MIN_SAMPLE`] reviews: the group takes part in rankings.
    pub ranked: bool,
    /// Reviews with a score (the sample of `average_score`).
    pub scored: u64,
    /// The mean checklist score of the reviews that have one.
    pub average_score: Option<f64>,
    /// Open cards (not closed, not at a won or lost stage) with a date to count idle days from:
    /// the ones the median is taken over.
    pub open_cards: u64,
    pub median_idle_days: Option<f64>,
    pub top_failing: Vec<FailingItem>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailingItem {
    /// The stage whose checklist lists it.
    pub stage: String,
    pub id: String,
    pub text: String,
    pub critical: bool,
    pub failed: u64,
    /// Reviews that judged it (not n/a).
    pub judged: u64,
    /// Failed / judged.
    pub fail_rate: Option<f64>,
    /// Failed in reviews whose verdict was not ok.
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
    fn one_review_not_ok_says_little_about_twenty_one_cards() {
        let mut t = Tally {
            cards: 21,
            reviews: 1,
            ..Tally::default()
        };
        t.verdicts.add(crate::domain::review::Verdict::Stale, 1);
        assert_eq!(t.estimated_lying(), Some(21.0));
        let (lo, hi) = t.lying_interval().unwrap();
        // 1 of 1: the share lies anywhere from about 21 % to 100 %.
        assert!((lo - 21.0 * 0.2065).abs() < 0.01, "{lo}");
        assert_eq!(hi, 21.0);
        assert!(!t.ranked());
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
                t.judged(0, id, n < failed, false);
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
        let top = t.figures(&info).top_failing;
        let ids: Vec<&str> = top.iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
        assert_eq!((top[0].text.as_str(), top[0].critical), ("Текст c", true));
        assert_eq!((top[1].text.as_str(), top[1].fail_rate), ("a", Some(0.2)));
        assert!(t.likely_cause(&info).is_empty());
    }
}
