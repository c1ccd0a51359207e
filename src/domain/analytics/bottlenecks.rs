//! The bottleneck ranking: stages, and managers at a stage, by how many of their cards likely
//! lie (the share of reviews not ok times the cards there now), with the checklist items failed
//! most in those reviews as the likely cause.

use serde::Serialize;

use super::tally::{FailingItem, Namer, Tally, rate, tenths};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bottleneck {
    /// 1 lies most.
    pub rank: usize,
    pub stage: String,
    /// The manager, in the ranking of managers at a stage (`None` there: cards with no owner).
    pub manager: Option<String>,
    pub cards: u64,
    pub reviews: u64,
    pub mismatches: u64,
    pub mismatch_rate: f64,
    pub estimated_lying: f64,
    pub likely_cause: Vec<FailingItem>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bottlenecks {
    pub stages: Vec<Bottleneck>,
    /// (stage, manager) pairs.
    pub pairs: Vec<Bottleneck>,
}

/// Ranks the candidates (stage, manager, tally) that likely hold lying cards: most estimated
/// lying cards first, then most mismatches; equal ones keep the order given.
pub fn rank(candidates: Vec<(String, Option<String>, &Tally)>, info: Namer) -> Vec<Bottleneck> {
    let mut rows: Vec<Bottleneck> = candidates
        .into_iter()
        .filter_map(|(stage, manager, t)| {
            let lying = t.estimated_lying().filter(|n| *n > 0.0)?;
            Some(Bottleneck {
                rank: 0,
                stage,
                manager,
                cards: t.cards,
                reviews: t.reviews,
                mismatches: t.mismatches(),
                mismatch_rate: rate(t.mismatch_rate()?),
                estimated_lying: lying,
                likely_cause: t.likely_cause(info),
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
    rows
}
