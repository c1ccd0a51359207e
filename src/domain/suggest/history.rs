//! What the stage histories say: which stage cards reach before which (the order the funnel
//! really has), how long they stay before moving on, and which stages they skip or pass through.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::funnel::{Funnel, StageKind};
use crate::domain::fx::FxMap;
use crate::domain::stage_rename::RenameEvidence;

/// Counts over every card's history. Stages by the funnel's name where it knows them, else the
/// CRM's.
#[derive(Debug, Clone, Default)]
pub struct HistoryTally {
    /// Stage names seen, by index (a million histories name a dozen stages).
    names: Vec<String>,
    index: FxMap<String, u32>,
    /// CRM stage name → its name's index and its funnel stage: resolved once a name, not once
    /// a visit.
    crm: FxMap<String, (u32, Option<usize>)>,
    /// (a, b) → cards that were at `a` before they were at `b`.
    before: HashMap<(u32, u32), u64>,
    /// Funnel stage index → days spent there by cards that then moved forward.
    pub stays: HashMap<usize, Vec<u32>>,
    /// Funnel stage index → cards that left it forward within a day.
    pub quick: HashMap<usize, u64>,
    /// Funnel stage index → when cards jumped over it (from an earlier stage to a later one
    /// that is not lost) → how many: only those after the stage's first entry are skips of
    /// it ([`HistoryTally::skipped`]).
    skips: HashMap<usize, BTreeMap<NaiveDateTime, u64>>,
    /// Funnel stage index → the moment a card was first seen there.
    first_entry: HashMap<usize, NaiveDateTime>,
    /// (a, b) → the day → cards that went from `a` straight to `b` that day (each card once a
    /// pair): where a stage's cards went, and when (a rename or a removal empties a stage at
    /// once; the stage's cards that left long before say nothing of it).
    next: HashMap<(u32, u32), BTreeMap<NaiveDate, u64>>,
    /// Cards whose history has two stages or more.
    pub moved_cards: u64,
    /// Every import and sync the store holds ran within one day, from the first to the last
    /// ([`HistoryTally::in_one_sitting`]).
    pub one_sitting: Option<(NaiveDateTime, NaiveDateTime)>,
    /// Forward moves after a stay of a day or less left out of `stays` and `quick` because
    /// the history is from one sitting.
    pub unclear: u64,
}

/// Longer than this from the first import or sync to the last, and the store's history is no
/// longer one sitting.
const SITTING_HOURS: i64 = 24;

/// The stays a history recorded in one sitting cannot tell from the sitting itself: a day or
/// less (stays are counted in calendar days).
const UNCLEAR_DAYS: u32 = 1;

impl HistoryTally {
    /// The tally of a store whose imports and syncs ran from `first` to `last` (when each
    /// began). Within one day, the history is from one sitting: a backfill of last month's
    /// exports one after another, or a store a day old. A move a file could not date by its
    /// deal's edit is dated by the import's clock there, so a stay of a day or less says how
    /// long the sitting took between two files, not how long the card stayed: such stays are
    /// left out of `stays` and `quick` (counted in `unclear`), so that no merge and no idle
    /// limit is drawn from them. Stays longer than a day are the files' own dates.
    pub fn in_one_sitting(&mut self, first: NaiveDateTime, last: NaiveDateTime) {
        if (last - first).num_hours() < SITTING_HOURS {
            self.one_sitting = Some((first, last));
        }
    }

    /// Counts one card's visits (the day each was first seen, in order, no repeats).
    pub fn add(&mut self, funnel: &Funnel, visits: &[(NaiveDateTime, String)]) {
        if visits.len() < 2 {
            return;
        }
        self.moved_cards += 1;
        let (names, index): (Vec<u32>, Vec<Option<usize>>) = visits
            .iter()
            .map(|(_, s)| self.crm_stage(funnel, s))
            .unzip();
        // Each ordered pair once per card: a card that went back and forth counts once.
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for (i, &a) in names.iter().enumerate() {
            for &b in &names[i + 1..] {
                if a != b && !names[..i].contains(&b) && !pairs.contains(&(a, b)) {
                    pairs.push((a, b));
                }
            }
        }
        for p in pairs {
            *self.before.entry(p).or_default() += 1;
        }
        let mut steps: Vec<(u32, u32)> = Vec::new();
        for w in 0..visits.len() - 1 {
            let step = (names[w], names[w + 1]);
            if step.0 != step.1 && !steps.contains(&step) {
                steps.push(step);
                let day = visits[w + 1].0.date();
                *self.next.entry(step).or_default().entry(day).or_default() += 1;
            }
        }
        for (w, i) in index.iter().enumerate() {
            if let Some(i) = *i {
                let at = visits[w].0;
                let first = self.first_entry.entry(i).or_insert(at);
                *first = (*first).min(at);
            }
        }
        for w in 0..visits.len() - 1 {
            let (Some(from), Some(to)) = (index[w], index[w + 1]) else {
                continue;
            };
            let forward = to > from && funnel.stage(to).kind != StageKind::Lost;
            if !forward {
                continue;
            }
            // Calendar days, as everywhere a stay is counted.
            let days = (visits[w + 1].0.date() - visits[w].0.date())
                .num_days()
                .max(0) as u32;
            for over in from + 1..to {
                let at = visits[w + 1].0;
                *self.skips.entry(over).or_default().entry(at).or_default() += 1;
            }
            if self.one_sitting.is_some() && days <= UNCLEAR_DAYS {
                self.unclear += 1;
                continue;
            }
            self.stays.entry(from).or_default().push(days);
            if days <= 1 {
                *self.quick.entry(from).or_default() += 1;
            }
        }
    }

    fn crm_stage(&mut self, funnel: &Funnel, crm: &str) -> (u32, Option<usize>) {
        if let Some(&known) = self.crm.get(crm) {
            return known;
        }
        let stage = funnel.resolve(crm);
        let name = match stage {
            Some(i) => self.intern(&funnel.stage(i).name),
            None => self.intern(crm),
        };
        self.crm.insert(crm.to_string(), (name, stage));
        (name, stage)
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    /// Counts stage `from`'s history as `to`'s (spellings of one stage, merged by `funnel
    /// init`); a pair that becomes a stage before itself is dropped.
    pub fn rename(&mut self, from: &str, to: &str) {
        let Some(&f) = self.index.get(from) else {
            return;
        };
        let t = self.intern(to);
        self.crm.clear();
        let before = std::mem::take(&mut self.before);
        for ((a, b), n) in before {
            let a = if a == f { t } else { a };
            let b = if b == f { t } else { b };
            if a != b {
                *self.before.entry((a, b)).or_default() += n;
            }
        }
        let next = std::mem::take(&mut self.next);
        for ((a, b), days) in next {
            let a = if a == f { t } else { a };
            let b = if b == f { t } else { b };
            if a != b {
                let to = self.next.entry((a, b)).or_default();
                for (day, n) in days {
                    *to.entry(day).or_default() += n;
                }
            }
        }
    }

    pub fn merge(&mut self, other: HistoryTally) {
        for ((a, b), n) in other.before {
            let a = self.intern(&other.names[a as usize]);
            let b = self.intern(&other.names[b as usize]);
            *self.before.entry((a, b)).or_default() += n;
        }
        for ((a, b), days) in other.next {
            let a = self.intern(&other.names[a as usize]);
            let b = self.intern(&other.names[b as usize]);
            let to = self.next.entry((a, b)).or_default();
            for (day, n) in days {
                *to.entry(day).or_default() += n;
            }
        }
        for (k, v) in other.stays {
            self.stays.entry(k).or_default().extend(v);
        }
        for (k, n) in other.quick {
            *self.quick.entry(k).or_default() += n;
        }
        for (k, times) in other.skips {
            let to = self.skips.entry(k).or_default();
            for (at, n) in times {
                *to.entry(at).or_default() += n;
            }
        }
        for (k, at) in other.first_entry {
            let first = self.first_entry.entry(k).or_insert(at);
            *first = (*first).min(at);
        }
        self.moved_cards += other.moved_cards;
        self.unclear += other.unclear;
        self.one_sitting = self.one_sitting.or(other.one_sitting);
    }

    /// Cards seen at `a` before `b`, minus cards seen at `b` before `a`.
    pub fn lead(&self, a: &str, b: &str) -> i64 {
        let (Some(&a), Some(&b)) = (self.index.get(a), self.index.get(b)) else {
            return 0;
        };
        let get = |x, y| self.before.get(&(x, y)).copied().unwrap_or(0) as i64;
        get(a, b) - get(b, a)
    }
}

impl HistoryTally {
    /// Cards that jumped over the funnel's stage `i` since a card was first seen there: a move
    /// made before the stage existed (the CRM added it later) skipped nothing (tester37 F7).
    /// A stage no history has entered counts every jump.
    pub fn skipped(&self, i: usize) -> u64 {
        let Some(times) = self.skips.get(&i) else {
            return 0;
        };
        match self.first_entry.get(&i) {
            Some(first) => times.range(first..).map(|(_, n)| n).sum(),
            None => times.values().sum(),
        }
    }

    /// Where the cards of `from` went since the first went straight to `to` (the day the CRM
    /// renamed or removed it, if it did): each stage they went to, with its cards, most first.
    pub fn went_since_first_to(&self, from: &str, to: &str) -> Vec<(String, u64)> {
        let (Some(&a), Some(&b)) = (self.index.get(from), self.index.get(to)) else {
            return Vec::new();
        };
        let Some(first) = (self.next.get(&(a, b))).and_then(|d| d.keys().next().copied()) else {
            return Vec::new();
        };
        let mut out: Vec<(String, u64)> = (self.next.iter())
            .filter(|((x, _), _)| *x == a)
            .map(|((_, y), days)| {
                let n = days.range(first..).map(|(_, n)| n).sum::<u64>();
                (self.names[*y as usize].clone(), n)
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        out.sort_by(|x, y| y.1.cmp(&x.1).then_with(|| x.0.cmp(&y.0)));
        out
    }

    /// What the histories say of `from` renamed to `to` (both as this tally names stages: the
    /// funnel's name where it knows one), with the cards `stayed` at `from` now and those
    /// `at_new` now: the cards that left `from` since the first went straight to `to`.
    pub fn rename_evidence(
        &self,
        from: &str,
        to: &str,
        stayed: u64,
        at_new: u64,
    ) -> RenameEvidence {
        let went = self.went_since_first_to(from, to);
        let moved = (went.iter()).find(|(s, _)| s == to).map_or(0, |(_, n)| *n);
        RenameEvidence {
            old: went.iter().map(|(_, n)| n).sum::<u64>() + stayed,
            stayed,
            moved,
            at_new,
        }
    }
}

/// The `p`-th percentile (nearest rank) of `values`, which it sorts.
pub fn percentile(values: &mut [u32], p: u32) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let rank = (u64::from(p) * values.len() as u64).div_ceil(100).max(1) as usize;
    Some(values[rank.min(values.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn funnel() -> Funnel {
        crate::funnel_config::default_funnel()
    }

    /// Four files imported minutes apart: a stay of seconds is the sitting's, not the card's;
    /// one the files' edits dated over days is the card's.
    #[test]
    fn a_history_from_one_sitting_keeps_no_stay_of_a_day_or_less() {
        let f = funnel();
        let (a, b, c) = (
            f.stages[0].name.clone(),
            f.stages[1].name.clone(),
            f.stages[2].name.clone(),
        );
        let quick = [
            (at("2026-12-06 18:57"), a.clone()),
            (at("2026-12-06 18:58"), b.clone()),
        ];
        let dated = [
            (at("2026-10-20 11:00"), b.clone()),
            (at("2026-11-07 15:00"), c),
        ];
        let mut t = HistoryTally::default();
        t.add(&f, &quick);
        assert_eq!(
            (t.stays.get(&0), t.quick.get(&0)),
            (Some(&vec![0]), Some(&1))
        );
        let mut t = HistoryTally::default();
        t.in_one_sitting(at("2026-12-06 18:57"), at("2026-12-06 19:01"));
        t.add(&f, &quick);
        t.add(&f, &dated);
        assert_eq!(t.stays.get(&0), None);
        assert_eq!(t.quick.get(&0), None);
        assert_eq!(t.stays.get(&1), Some(&vec![18]));
        assert_eq!(t.unclear, 1);
        // Imports over more than a day: no sitting, every stay counts.
        let mut t = HistoryTally::default();
        t.in_one_sitting(at("2026-11-02 09:00"), at("2026-11-09 09:00"));
        t.add(&f, &quick);
        assert_eq!((t.one_sitting, t.unclear), (None, 0));
        assert_eq!(t.quick.get(&0), Some(&1));
    }

    #[test]
    fn the_ninetieth_percentile_of_ten_stays_is_the_ninth() {
        let mut v = vec![10, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        assert_eq!(percentile(&mut v, 90), Some(9));
        assert_eq!(percentile(&mut [4], 90), Some(4));
        assert_eq!(percentile(&mut [], 90), None);
    }

    /// tester37 F7: moves over a stage made before any card entered it (the CRM added it
    /// later) are no skips of it; those after are.
    #[test]
    fn a_jump_made_before_a_stage_was_first_entered_is_no_skip_of_it() {
        let funnel = crate::funnel_config::load_str(
            "name = \"t\"\n[[stages]]\nname = \"A\"\n[[stages]]\nname = \"B\"\n\
             [[stages]]\nname = \"C\"\n",
            std::path::Path::new("t.toml"),
        )
        .unwrap();
        let at = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, d)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap()
        };
        let mut h = HistoryTally::default();
        for _ in 0..3 {
            h.add(&funnel, &[(at(1), "A".into()), (at(5), "C".into())]);
        }
        h.add(&funnel, &[(at(6), "A".into()), (at(10), "B".into())]);
        h.add(&funnel, &[(at(11), "A".into()), (at(12), "C".into())]);
        assert_eq!(h.skipped(funnel.resolve("B").unwrap()), 1);
        assert_eq!(h.skipped(funnel.resolve("A").unwrap()), 0);
    }
}
