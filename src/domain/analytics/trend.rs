//! The weekly trend: reviews, cards judged and the share not ok per ISO week (Monday to
//! Sunday), weeks without reviews included, so that a chart's gaps are real gaps. A card counts
//! in the week of the review whose verdict stands on it.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::Serialize;

use super::facts::Window;
use super::tally::{rate, share};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Week {
    /// ISO 8601: `2026-W47`.
    pub week: String,
    /// Its Monday.
    pub starts: NaiveDate,
    /// Current reviews that landed that week.
    pub reviews: u64,
    /// Cards whose standing verdict was given that week, and those not ok.
    pub judged: u64,
    pub mismatches: u64,
    /// Mismatches / judged.
    pub mismatch_rate: Option<f64>,
}

/// One week's counts, as the collector keeps them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WeekCounts {
    pub reviews: u64,
    pub judged: u64,
    pub mismatches: u64,
}

impl WeekCounts {
    pub fn add(&mut self, o: WeekCounts) {
        self.reviews += o.reviews;
        self.judged += o.judged;
        self.mismatches += o.mismatches;
    }
}

/// The Monday of `day`'s ISO week.
pub fn monday(day: NaiveDate) -> NaiveDate {
    day - Days::new(u64::from(day.weekday().num_days_from_monday()))
}

/// `counts` per Monday. The weeks run from the window's first week (or the first week with
/// reviews) to its last (or the last with reviews).
pub fn weeks(counts: &BTreeMap<NaiveDate, WeekCounts>, window: &Window) -> Vec<Week> {
    let first = window.since.map(monday).or(counts.keys().next().copied());
    let last = window
        .until
        .map(monday)
        .or(counts.keys().next_back().copied());
    let (Some(mut at), Some(last)) = (first, last) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    while at <= last {
        let c = counts.get(&at).copied().unwrap_or_default();
        let iso = at.iso_week();
        out.push(Week {
            week: format!("{}-W{:02}", iso.year(), iso.week()),
            starts: at,
            reviews: c.reviews,
            judged: c.judged,
            mismatches: c.mismatches,
            mismatch_rate: share(c.mismatches, c.judged).map(rate),
        });
        at = at + Days::new(7);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// `n` cards judged (by as many reviews), `bad` not ok.
    fn counts(n: u64, bad: u64) -> WeekCounts {
        WeekCounts {
            reviews: n,
            judged: n,
            mismatches: bad,
        }
    }

    #[test]
    fn weeks_start_on_monday_and_cross_the_year_as_iso_says() {
        // 2026-11-20 is a Friday; 2027-01-01 is a Friday of 2026's week 53.
        assert_eq!(monday(d(2026, 11, 20)), d(2026, 11, 16));
        assert_eq!(monday(d(2026, 11, 16)), d(2026, 11, 16));
        let counts = BTreeMap::from([(d(2026, 12, 28), counts(4, 1))]);
        let w = weeks(&counts, &Window::default());
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].week, "2026-W53");
        assert_eq!(w[0].mismatch_rate, Some(0.25));
    }

    #[test]
    fn empty_weeks_are_kept_and_the_window_sets_the_ends() {
        let counts = BTreeMap::from([
            (d(2026, 11, 2), counts(2, 2)),
            (d(2026, 11, 16), counts(3, 0)),
        ]);
        let w = weeks(&counts, &Window::default());
        let labels: Vec<&str> = w.iter().map(|w| w.week.as_str()).collect();
        assert_eq!(labels, ["2026-W45", "2026-W46", "2026-W47"]);
        assert_eq!((w[1].reviews, w[1].mismatch_rate), (0, None));
        let window = Window {
            since: Some(d(2026, 10, 29)),
            until: Some(d(2026, 11, 24)),
            side: None,
        };
        let w = weeks(&counts, &window);
        assert_eq!(w.first().unwrap().week, "2026-W44");
        assert_eq!(w.last().unwrap().week, "2026-W48");
        assert!(weeks(&BTreeMap::new(), &Window::default()).is_empty());
    }
}
