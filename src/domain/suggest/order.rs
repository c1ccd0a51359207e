//! The order stages really come in, from the data alone (never from the funnel's own order):
//! the stage histories first; where they say little, what the cards carry — the cards of later
//! stages have more fields filled and were created longer ago — and closed stages last.

use std::cmp::Ordering;

use super::history::HistoryTally;
use crate::domain::fill::StageStats;

/// Words stage names carry, by where such a stage usually stands (CRMs' standard stages and the
/// built-in funnel's): a hint where the history says nothing. First match wins.
const NAME_HINTS: &[(&[&str], f64)] = &[
    (&["after the meeting", "после встреч", "молчун"], 4.0),
    (
        &["new", "lead", "prospect", "нов", "заявк", "первичн", "лид"],
        0.0,
    ),
    (&["qualif", "квалиф"], 1.0),
    (
        &["discovery", "needs", "analysis", "подбор", "потребност"],
        2.0,
    ),
    (
        &[
            "meeting",
            "demo",
            "presentation",
            "встреч",
            "показ",
            "презентац",
        ],
        3.0,
    ),
    (&["proposal", "quote", "offer", "предложен", "кп"], 5.0),
    (&["negotiat", "переговор", "возражен"], 6.0),
    (&["booking", "reserv", "брон"], 7.0),
    (&["contract", "invoice", "договор", "счет", "счёт"], 8.0),
];

/// Where a stage of this name usually stands, if its name says.
pub fn name_hint(name: &str) -> Option<f64> {
    let n = crate::domain::names::fold(name);
    NAME_HINTS
        .iter()
        .find(|(words, _)| words.iter().any(|w| n.contains(w)))
        .map(|(_, rank)| *rank)
}

/// Whether most of a stage's cards are closed.
pub fn mostly_closed(s: &StageStats) -> bool {
    s.cards > 0 && s.closed * 2 >= s.cards
}

/// Indices into `stages` in the order cards move through them.
pub fn observed_order(stages: &[(&str, StageStats)], history: &HistoryTally) -> Vec<usize> {
    // How many other stages a stage comes before, minus how many come before it (by cards).
    let score: Vec<i64> = stages
        .iter()
        .map(|(a, _)| {
            stages
                .iter()
                .map(|(b, _)| history.lead(a, b).signum())
                .sum()
        })
        .collect();
    // A stage whose name says nothing is placed by what its cards carry among the others: its
    // rank by fields filled, scaled onto the hints' range. One number per stage keeps the
    // order total.
    let mut by_data: Vec<usize> = (0..stages.len())
        .filter(|&i| !mostly_closed(&stages[i].1))
        .collect();
    by_data.sort_by(|&i, &j| {
        let (si, sj) = (&stages[i].1, &stages[j].1);
        si.mean_filled()
            .total_cmp(&sj.mean_filled())
            .then(
                sj.mean_created()
                    .unwrap_or(0.0)
                    .total_cmp(&si.mean_created().unwrap_or(0.0)),
            )
            .then(i.cmp(&j))
    });
    let span = NAME_HINTS.iter().map(|(_, r)| *r).fold(0.0, f64::max);
    let mut hint = vec![0.0; stages.len()];
    for (rank, &i) in by_data.iter().enumerate() {
        let scaled = if by_data.len() > 1 {
            rank as f64 / (by_data.len() - 1) as f64 * span
        } else {
            0.0
        };
        hint[i] = name_hint(stages[i].0).unwrap_or(scaled);
    }
    let mut order: Vec<usize> = (0..stages.len()).collect();
    order.sort_by(|&i, &j| {
        let (si, sj) = (&stages[i].1, &stages[j].1);
        let closed = mostly_closed(si).cmp(&mostly_closed(sj));
        // Among closed stages, the won ones first.
        let won = (sj.won * 2 >= sj.cards).cmp(&(si.won * 2 >= si.cards));
        closed
            .then(if mostly_closed(si) {
                won
            } else {
                Ordering::Equal
            })
            .then(score[j].cmp(&score[i]))
            .then(hint[i].total_cmp(&hint[j]))
            .then(si.mean_filled().total_cmp(&sj.mean_filled()))
            .then(
                // Older cards (an earlier mean creation day) stand further along.
                sj.mean_created()
                    .unwrap_or(0.0)
                    .total_cmp(&si.mean_created().unwrap_or(0.0)),
            )
            .then(stages[i].0.cmp(stages[j].0))
    });
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funnel_config::default_funnel;
    use chrono::NaiveDate;

    fn stats(cards: u64, closed: u64, won: u64, filled: u64, created: i64) -> StageStats {
        StageStats {
            cards,
            closed,
            won,
            filled,
            created_days: created * cards as i64,
            created: cards,
        }
    }

    #[test]
    fn without_history_more_fields_and_older_cards_come_later_and_closed_stages_last() {
        // Names that say nothing. Fresh: 10 cards, 0.5 fields each; Deep: 2 each; Paid:
        // closed and won; Gone: closed, not won; Warm: 1 field each.
        let stages = [
            ("Paid", stats(4, 4, 4, 12, 100)),
            ("Deep", stats(10, 0, 0, 20, 300)),
            ("Gone", stats(6, 6, 0, 3, 200)),
            ("Fresh", stats(10, 0, 0, 5, 500)),
            ("Warm", stats(10, 0, 0, 10, 400)),
        ];
        let order = observed_order(&stages, &HistoryTally::default());
        let names: Vec<&str> = order.iter().map(|&i| stages[i].0).collect();
        assert_eq!(names, ["Fresh", "Warm", "Deep", "Paid", "Gone"]);
    }

    #[test]
    fn without_history_a_stage_name_a_crm_uses_says_where_it_stands() {
        // Salesforce's standard stages, their cards carrying the same fields.
        let same = stats(9, 0, 0, 99, 300);
        let stages = [
            ("Negotiation", same),
            ("Qualification", same),
            ("Proposal/Quote", same),
            ("Discovery", same),
            ("Closed Won", stats(12, 12, 12, 132, 300)),
        ];
        let order = observed_order(&stages, &HistoryTally::default());
        let names: Vec<&str> = order.iter().map(|&i| stages[i].0).collect();
        assert_eq!(
            names,
            [
                "Qualification",
                "Discovery",
                "Proposal/Quote",
                "Negotiation",
                "Closed Won"
            ]
        );
    }

    #[test]
    fn history_outranks_what_the_cards_carry() {
        // Two cards went Demo → Lead (an odd desk): Demo comes first although its cards carry
        // more fields.
        let funnel = default_funnel();
        let mut history = HistoryTally::default();
        let d = |n| {
            NaiveDate::from_ymd_opt(2026, 11, n)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        };
        for _ in 0..2 {
            history.add(
                &funnel,
                &[(d(1), "Demo".to_string()), (d(3), "Lead".to_string())],
            );
        }
        let stages = [
            ("Lead", stats(10, 0, 0, 5, 500)),
            ("Demo", stats(10, 0, 0, 20, 300)),
        ];
        let order = observed_order(&stages, &history);
        assert_eq!(order, [1, 0]);
    }
}
