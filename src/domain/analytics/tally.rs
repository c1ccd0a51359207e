//! One group's running counts (a stage, a manager, or a manager at a stage), and the figures
//! they make: the mismatch rate, the median idle days, the checklist items failed most.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::stats::VerdictCounts;

/// How many items a group lists as failing most, and as the likely cause of a bottleneck.
pub const TOP_ITEMS: usize = 3;

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
