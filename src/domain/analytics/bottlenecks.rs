//! The bottleneck ranking: stages, and managers at a stage, by how many of their cards likely
//! lie (the share of judged cards not ok times the open cards there now), with the checklist
//! items failed most on those cards as the likely cause.

use std::collections::BTreeMap;

use serde::Serialize;

use super::make_up::JudgedBefore;
use super::tally::{FailingItem, Namer, Tally, WholeCards, rate, tenths};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bottleneck {
    /// 1 lies most.
    pub rank: usize,
    pub stage: String,
    /// The manager, in the ranking of managers at a stage (`None` there: cards with no owner).
    pub manager: Option<String>,
    pub cards: u64,
    /// Current reviews that landed, each auditor's apart.
    pub reviews: u64,
    /// Cards judged (each once): the sample of the share not ok.
    pub judged: u64,
    pub mismatches: u64,
    pub mismatch_rate: f64,
    /// Of the open cards there now (`covered_cards`).
    pub estimated_lying: f64,
    /// The 95 % (Wilson) interval of `estimated_lying`.
    pub estimated_lying_low: f64,
    pub estimated_lying_high: f64,
    /// The estimate in whole cards, for people: not in the JSON, which keeps the tenths above.
    #[serde(skip)]
    pub lying_cards: WholeCards,
    /// The open cards there now: what the estimate speaks for.
    pub covered_cards: u64,
    pub likely_cause: Vec<FailingItem>,
    /// Of its cards not ok, those whose checklist was left unanswered (no item marked pass or
    /// fail): what the likely cause cannot speak for.
    #[serde(skip)]
    pub mismatches_unanswered: u64,
    /// Its cards judged by the funnel version their standing review was made under.
    #[serde(skip)]
    pub judged_by_version: BTreeMap<i64, u64>,
    /// Most of its cards judged predate the latest funnel version that changed which cards
    /// its stage holds (see [`super::make_up`]), as on the stage rows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judged_before_change: Option<JudgedBefore>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bottlenecks {
    pub stages: Vec<Bottleneck>,
    /// (stage, manager) pairs.
    pub pairs: Vec<Bottleneck>,
    /// Stages, and pairs, with cards not ok but fewer than [`MIN_SAMPLE`](super::tally::MIN_SAMPLE) cards judged: not ranked.
    pub unranked_stages: usize,
    pub unranked_pairs: usize,
}

/// Ranks the candidates (stage, manager, tally) that likely hold lying cards: most estimated
/// lying cards first, then most mismatches; equal ones keep the order given. Candidates with
/// fewer than [`MIN_SAMPLE`](super::tally::MIN_SAMPLE) cards judged are left out and counted (the second value).
pub fn rank(
    candidates: Vec<(String, Option<String>, &Tally)>,
    info: Namer,
) -> (Vec<Bottleneck>, usize) {
    let mut unranked = 0;
    let mut rows: Vec<Bottleneck> = candidates
        .into_iter()
        .filter_map(|(stage, manager, t)| {
            let e = t.own_estimate().filter(|e| e.lying > 0.0)?;
            if !t.ranked() {
                unranked += 1;
                return None;
            }
            Some(Bottleneck {
                rank: 0,
                stage,
                manager,
                cards: t.cards,
                reviews: t.reviews,
                judged: t.judged,
                mismatches: t.mismatches(),
                mismatch_rate: rate(t.mismatch_rate()?),
                estimated_lying: e.lying,
                estimated_lying_low: tenths(e.low),
                estimated_lying_high: tenths(e.high),
                lying_cards: e.whole(),
                covered_cards: e.over,
                likely_cause: t.likely_cause(info),
                mismatches_unanswered: t.mismatches_unanswered,
                judged_by_version: t.judged_by_version.clone(),
                judged_before_change: None,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        b.estimated_lying
            .total_cmp(&a.estimated_lying)
            .then(b.mismatches.cmp(&a.mismatches))
    });
    for (i, r) in rows.iter_mut().enumerate() {
        r.rank = i + 1;
        r.estimated_lying = tenths(r.estimated_lying);
    }
    (rows, unranked)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::analytics::tally::ItemInfo;

    /// `cards` open cards, `judged` of them judged, `not_ok` of those not ok.
    fn tally(cards: u64, judged: u64, not_ok: u64) -> Tally {
        Tally::unflagged(cards, judged, not_ok)
    }

    #[test]
    fn most_lying_first_ties_by_mismatches_then_as_given_and_small_samples_left_out() {
        let info = |_: usize, id: &str| ItemInfo {
            stage: String::new(),
            text: id.into(),
            critical: false,
        };
        let (a, b, c, d, tiny) = (
            tally(10, 5, 1),  // 2 lying, 1 mismatch
            tally(4, 10, 5),  // 2 lying, 5 mismatches
            tally(30, 6, 2),  // 10 lying
            tally(10, 5, 1),  // a's twin: keeps its place after a
            tally(100, 1, 1), // 100 "lying" from one card
        );
        let named = |s: &str, t| (s.to_string(), None, t);
        let (rows, unranked) = rank(
            vec![
                named("a", &a),
                named("b", &b),
                named("c", &c),
                named("d", &d),
                named("tiny", &tiny),
            ],
            &info,
        );
        let order: Vec<(usize, &str)> = rows.iter().map(|r| (r.rank, r.stage.as_str())).collect();
        assert_eq!(order, [(1, "c"), (2, "b"), (3, "a"), (4, "d")]);
        assert_eq!(unranked, 1);
        // c: 2 of 6, Wilson 9.7 %–70 % of 30 cards.
        assert_eq!(
            (rows[0].estimated_lying_low, rows[0].estimated_lying_high),
            (2.9, 21.0)
        );
    }
}
