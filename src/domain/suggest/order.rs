//! The order stages really come in, from the data alone (never from the funnel's own order):
//! the stage histories first; where they say little, what the cards carry — the cards of later
//! stages have more fields filled and were created longer ago — and closed stages last.

use std::cmp::Ordering;

use super::history::HistoryTally;
use crate::domain::fill::StageStats;

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
    let mut order: Vec<usize> = (0..stages.len()).collect();
    order.sort_by(|&i, &j| {
        let (si, sj) = (&stages[i].1, &stages[j].1);
        let closed = mostly_closed(si).cmp(&mostly_closed(sj));
        // Among closed stages, the won ones first.
        let won = (sj.won * 2 >= sj.cards).cmp(&(si.won * 2 >= si.cards));
        closed
            .then(if mostly_closed(si) { won } else { Ordering::Equal })
            .then(score[j].cmp(&score[i]))
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
        // Lead: 10 cards, 0.5 fields each; Demo: 10 cards, 2 each; Won: closed and won;
        // Lost: closed, not won; Nurture: 1 field each but older than Lead.
        let stages = [
            ("Won", stats(4, 4, 4, 12, 100)),
            ("Demo", stats(10, 0, 0, 20, 300)),
            ("Lost", stats(6, 6, 0, 3, 200)),
            ("Lead", stats(10, 0, 0, 5, 500)),
            ("Nurture", stats(10, 0, 0, 10, 400)),
        ];
        let order = observed_order(&stages, &HistoryTally::default());
        let names: Vec<&str> = order.iter().map(|&i| stages[i].0).collect();
        assert_eq!(names, ["Lead", "Nurture", "Demo", "Won", "Lost"]);
    }

    #[test]
    fn history_outranks_what_the_cards_carry() {
        // Two cards went Demo → Lead (an odd desk): Demo comes first although its cards carry
        // more fields.
        let funnel = default_funnel();
        let mut history = HistoryTally::default();
        let d = |n| NaiveDate::from_ymd_opt(2026, 11, n).unwrap();
        for _ in 0..2 {
            history.add(
                &funnel,
                &[(d(1), "Demo".to_string()), (d(3), "Lead".to_string())],
            );
        }
        let stages = [("Lead", stats(10, 0, 0, 5, 500)), ("Demo", stats(10, 0, 0, 20, 300))];
        let order = observed_order(&stages, &history);
        assert_eq!(order, [1, 0]);
    }
}
