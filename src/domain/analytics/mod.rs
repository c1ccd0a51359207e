//! Where the funnel leaks: per stage, per manager and per manager at a stage — cards judged and
//! the share not ok (each card once, by the verdict that stands on it: the lead's where the lead
//! decided), how many open cards likely lie, scores, idle days, flags, the checklist items
//! failed most — the bottleneck ranking and the weekly trend.
//!
//! Pure: the store streams [`CardFact`]s and then [`Finding`]s into a [`Collector`], which keeps
//! counts (and each card's stage and owner, 12 bytes a card, to place its reviews), and
//! [`Collector::finish`] makes the figures — and the per-stage counts `okk stats` always had,
//! from the same pass.

pub mod bottlenecks;
pub mod collector;
pub mod facts;
pub mod make_up;
pub mod settle;
pub mod stages;
pub mod tally;
pub mod trend;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

pub use bottlenecks::{Bottleneck, Bottlenecks};
pub use collector::Collector;
pub use facts::{AsOf, CardFact, Finding, LeftOut, VersionSide, Window};
use stages::StageFigures;
pub use tally::{
    Estimate, FailingItem, Figures, ItemInfo, StrataFigures, Stratified, StratumFigures, Tally,
    WholeCards,
};
pub use trend::Week;

/// The figures of one group beside its cards.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Group {
    /// Cards there now (not gone).
    pub cards: u64,
    /// Those with at least one flag.
    pub flagged: u64,
    #[serde(flatten)]
    pub figures: Figures,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageGroup {
    pub stage: String,
    pub known: bool,
    #[serde(flatten)]
    pub group: Group,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ManagerGroup {
    /// The cards' owner; `None` for cards without one (and reviews of cards not synced yet).
    pub manager: Option<String>,
    #[serde(flatten)]
    pub group: Group,
    /// The funnel's stages their cards were judged at, each with those cards by the funnel
    /// version their standing review was made under: what marks an estimate judged before a
    /// stage's make-up changed.
    #[serde(skip)]
    pub judged_by_stage: Vec<(String, BTreeMap<i64, u64>)>,
    /// Their cards judged at each stage summed: a card judged at two stages counts twice, as
    /// in the stage rows (the sample `judged_by_stage` marks, not the row's cards judged).
    #[serde(skip)]
    pub stage_samples: u64,
    /// With `judged_before_change`: the stages whose change most of their cards judged predate.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub changed_stages: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analytics {
    pub window: Window,
    /// The day idle days are counted to.
    pub today: NaiveDate,
    /// The day of the latest current review counted (in the window): a day given as today
    /// does not bound the reviews, and a page dated by it says when they end.
    #[serde(skip)]
    pub last_review: Option<NaiveDate>,
    /// Cards judged (or disputed) at more than one stage: each of those stages' rows counts
    /// them, the totals and their manager's row once, so the rows add up to more.
    #[serde(skip)]
    pub several_stages: u64,
    pub totals: Group,
    /// Current reviews the lead sent back: left out of every figure until judged again.
    pub returned: u64,
    /// Current reviews of cards the store does not hold: kept when `okk db prune` took their
    /// cards out before okk refused such verdicts, or merged from a bundle before their card
    /// was imported. They speak for no card here and count in no figure (a stage of no cards
    /// with a sample, a manager of cards gone); an import that brings the card back attaches
    /// them, and they count again.
    pub without_card: u64,
    /// The window holds none of the store's current reviews and leaves these out: the figures
    /// are empty because of the window, not for want of reviews, and the text says so. `None`
    /// when the window holds some, or there are none to leave out.
    #[serde(skip)]
    pub all_left_out: Option<LeftOut>,
    /// Funnel stages in order, then the stages it does not know (most cards first).
    pub stages: Vec<StageGroup>,
    /// Most estimated lying cards first, then most cards, then by name.
    pub managers: Vec<ManagerGroup>,
    pub bottlenecks: Bottlenecks,
    pub trend: Vec<Week>,
}

impl Analytics {
    /// The stage whose cards lie most, if any review found one that does.
    pub fn worst_stage(&self) -> Option<&Bottleneck> {
        self.bottlenecks.stages.first()
    }

    /// The funnel's lying cards (the totals) are counted, not estimated: every stage they sum
    /// whose open cards they speak for (cards judged, open cards there) is measured — each of
    /// its open cards judged there — so the sum is exact and its interval a point.
    pub fn total_measured(&self) -> bool {
        let mut summed = (self.stages.iter())
            .map(|s| &s.group.figures)
            .filter(|f| f.judged > 0 && f.covered_cards > 0)
            .peekable();
        summed.peek().is_some() && summed.all(|f| f.measured)
    }

    /// What the funnel's estimate of lying cards (the totals) still lacks before people are shown
    /// it: it sums each judged stage's share over its open cards, so a stage judged on one or two
    /// cards would put its whole stage into the headline. Every stage it sums (cards judged and
    /// open cards there) needs [`tally::MIN_SAMPLE`] cards judged, the minimum that ranks a stage.
    pub fn estimate_short(&self) -> EstimateShort {
        let mut short = EstimateShort::default();
        for s in &self.stages {
            let f = &s.group.figures;
            if f.judged == 0 || f.covered_cards == 0 {
                continue;
            }
            // Each stratum sampled is a share of its own: a stratum judged on a card or two
            // would swing the figure as a stage would. A stratum whose every open card is judged
            // there is measured, not sampled: its part is exact, however few its cards. The ask
            // never exceeds the open cards left to judge.
            let strata = f.strata.map_or([0; 2], |t| {
                [&t.flagged, &t.unflagged].map(|s| match s.estimate.is_some() && !s.measured {
                    true => tally::MIN_SAMPLE
                        .saturating_sub(s.judged)
                        .min(s.open_unjudged),
                    false => 0,
                })
            });
            let cards: u64 = strata.iter().sum();
            if cards > 0 {
                short.stages += 1;
                short.cards += cards;
            }
        }
        short
    }
}

/// The stages that hold the funnel's estimate back, and the cards still to judge there.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EstimateShort {
    /// Stages with open cards and cards judged, but fewer than [`tally::MIN_SAMPLE`].
    pub stages: u64,
    /// Cards still to judge there before the estimate is shown.
    pub cards: u64,
}

impl EstimateShort {
    /// The estimate stands on enough cards to be shown.
    pub fn shown(&self) -> bool {
        self.cards == 0
    }
}

/// A row of `okk stats --json`'s `stages`: the per-stage counts it always had, then the
/// analytics.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageRow {
    #[serde(flatten)]
    pub base: StageFigures,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Everything `okk stats`, `okk report` and the stats screen show about the funnel.
pub struct StatsFigures {
    /// Per stage: the counts `okk stats` always had, with the analytics beside them.
    pub rows: Vec<StageRow>,
    pub analytics: Analytics,
}

/// Joins the per-stage counts ([`stages::stage_table`]) with the analytics' stages, by
/// name; a stage only reviews name (cards since moved on) comes last.
pub fn stage_rows(base: Vec<StageFigures>, stages: &[StageGroup]) -> Vec<StageRow> {
    let mut used = vec![false; stages.len()];
    let mut rows: Vec<StageRow> = base
        .into_iter()
        .map(|b| {
            let found = stages
                .iter()
                .position(|s| s.known == b.known && s.stage == b.stage);
            let figures = match found {
                Some(i) => {
                    used[i] = true;
                    stages[i].group.figures.clone()
                }
                None => Tally::default().figures(
                    &|_, id| ItemInfo {
                        stage: String::new(),
                        text: id.to_string(),
                        critical: false,
                    },
                    None,
                ),
            };
            StageRow { base: b, figures }
        })
        .collect();
    for (s, _) in stages.iter().zip(used).filter(|(_, used)| !used) {
        rows.push(StageRow {
            base: StageFigures {
                stage: s.stage.clone(),
                cards: s.group.cards,
                gone: 0,
                flagged: s.group.flagged,
                known: s.known,
                kind: None,
                extra_control: false,
                crm_names: vec![s.stage.clone()],
                reviewed: 0,
                verdicts: Default::default(),
            },
            figures: s.group.figures.clone(),
        });
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decision::DecisionKind;
    use crate::domain::review::Verdict;
    use crate::domain::score::{Answer, Answers};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn card<'a>(id: i64, stage: &'a str, owner: &'a str, touched: u32) -> CardFact<'a> {
        CardFact {
            id,
            stage,
            owner: Some(owner),
            touched: Some(day(touched)),
            closed: false,
            flagged: false,
            gone: false,
        }
    }

    fn finding(card: i64, stage: &str, verdict: Verdict, d: u32) -> Finding<'_> {
        static NONE: Answers = Answers::new();
        Finding {
            id: "r",
            card: Some(card),
            crm_card: ("amocrm", "c"),
            auditor: "anna",
            stage,
            verdict,
            lead: None,
            settled: None,
            settles: false,
            score: None,
            answers: &NONE,
            at: Box::leak(format!("{} 10:00:00", day(d)).into_boxed_str()),
            day: day(d),
            version: None,
        }
    }

    /// Five cards (two in «Встреча проведена» by its name and an alias, three in stages the
    /// funnel does not know) and four reviews: one before the window, one sent back, and the
    /// same card's later review overridden to ok by the lead. Returns what the collector made
    /// of them and the stage's index.
    fn five_cards_four_reviews() -> (Analytics, stages::StageCounts, crate::domain::Funnel, usize) {
        // The built-in funnel: «Встреча состоялась» is an alias of «Встреча проведена».
        let funnel = crate::funnel_config::default_funnel();
        let met = funnel.resolve("Встреча проведена").unwrap();
        let window = Window {
            since: Some(day(10)),
            until: None,
            side: None,
        };
        let mut c = Collector::new(&funnel, day(20), window);
        c.add_card(&card(1, "Встреча состоялась", "Ольга", 18));
        c.add_card(&card(2, "Встреча проведена", "Ольга", 10));
        c.add_card(&card(3, "Старый этап", "Игорь", 1));
        c.add_card(&card(4, "Ещё этап", "Игорь", 1));
        c.add_card(&card(5, "Ещё этап", "Игорь", 1));
        let mut failed = finding(1, "Встреча состоялась", Verdict::Stale, 12);
        let answers = Answers::from([
            ("meeting_result".to_string(), Answer::Fail),
            ("next_step".to_string(), Answer::Pass),
        ]);
        failed.answers = &answers;
        c.add_review(&failed);
        // Before the window: passed over.
        c.add_review(&finding(2, "Встреча проведена", Verdict::Dead, 9));
        // Sent back: counted apart.
        let mut returned = finding(2, "Встреча проведена", Verdict::Dead, 13);
        returned.lead = Some((DecisionKind::Return, None));
        c.add_review(&returned);
        // Card 2 judged again, and overridden to ok by the lead.
        let mut overridden = finding(2, "Встреча проведена", Verdict::Stale, 14);
        overridden.lead = Some((DecisionKind::Override, Some(Verdict::Ok)));
        c.add_review(&overridden);
        let (a, counts) = c.finish();
        (a, counts, funnel, met)
    }

    #[test]
    fn aliases_fold_and_the_window_and_the_lead_decide_what_counts() {
        let (a, _, _, met) = five_cards_four_reviews();
        let s = &a.stages[met];
        assert_eq!((s.stage.as_str(), s.group.cards), ("Встреча проведена", 2));
        // Card 1 stale, card 2 ok by the lead: 1 of 2 not ok × 2 open cards; idle 2 and 10 → 6.
        let f = &s.group.figures;
        assert_eq!((f.reviews, f.judged, f.mismatches), (2, 2, 1));
        assert_eq!(f.estimated_lying, Some(1.0));
        assert_eq!(f.covered_cards, 2);
        assert_eq!(f.median_idle_days, Some(6.0));
        assert_eq!(f.top_failing.len(), 1);
        assert_eq!(f.top_failing[0].id, "meeting_result");
        assert!(f.top_failing[0].critical);
        assert_eq!(a.returned, 1);
        // One week, from the window's Monday (11-09) to the last review's (11-09).
        assert_eq!(a.trend.len(), 1);
        let w = &a.trend[0];
        assert_eq!((w.reviews, w.judged, w.mismatches), (2, 2, 1));
    }

    #[test]
    fn unknown_stages_follow_the_funnels_most_cards_first() {
        let (a, _, funnel, _) = five_cards_four_reviews();
        let tail: Vec<(&str, bool)> = a.stages[funnel.stages.len()..]
            .iter()
            .map(|s| (s.stage.as_str(), s.known))
            .collect();
        assert_eq!(tail, [("Ещё этап", false), ("Старый этап", false)]);
    }

    #[test]
    fn two_reviews_are_too_few_to_rank_a_stage_or_a_manager() {
        let (a, _, _, met) = five_cards_four_reviews();
        let f = &a.stages[met].group.figures;
        // Counted as unranked instead.
        assert_eq!(a.worst_stage(), None);
        assert_eq!(a.bottlenecks.unranked_stages, 1);
        assert!(!f.ranked);
        // 1 of 2 not ok, and both open cards there are judged there: no share times cards
        // and its interval (9.5 %–90.5 % of 2), but the count itself.
        assert!(f.measured);
        assert_eq!(
            (
                f.estimated_lying_low,
                f.estimated_lying,
                f.estimated_lying_high
            ),
            (Some(1.0), Some(1.0), Some(1.0))
        );
        // Both cards are Ольга's; two are too few to rank her above Игорь, who has more cards.
        assert_eq!(a.managers[1].manager.as_deref(), Some("Ольга"));
        assert_eq!(a.managers[1].group.figures.judged, 2);
    }

    #[test]
    fn per_stage_counts_go_by_crm_name_and_count_each_card_by_the_verdict_that_stands() {
        let (_, counts, _, _) = five_cards_four_reviews();
        // Cards by CRM name in byte order; card 1's only review is under the alias; card 2's
        // stands as the lead overrode it (ok), not as its auditor gave it (stale).
        let names: Vec<&str> = counts.stages.iter().map(|c| c.stage.as_str()).collect();
        assert_eq!(
            names,
            [
                "Встреча проведена",
                "Встреча состоялась",
                "Ещё этап",
                "Старый этап"
            ]
        );
        assert_eq!(
            counts.verdicts,
            [
                ("Встреча проведена".to_string(), Verdict::Ok, 1),
                ("Встреча состоялась".to_string(), Verdict::Stale, 1),
            ]
        );
        assert_eq!(
            counts.reviewed,
            [
                ("Встреча проведена".to_string(), 1),
                ("Встреча состоялась".to_string(), 1),
            ]
        );
    }

    #[test]
    fn a_card_counts_once_at_its_stage_now_by_the_lead_s_word_and_a_split_in_no_verdict() {
        let funnel = crate::funnel_config::default_funnel();
        let booking = "Бронирование";
        let mut c = Collector::new(&funnel, day(20), Window::default());
        for id in 1..=4 {
            c.add_card(&card(id, booking, "Ольга", 18));
        }
        let by = |card: i64, auditor: &'static str, v: Verdict, d: u32| Finding {
            auditor,
            ..finding(card, booking, v, d)
        };
        // Card 1: anna wrong_stage, accepted; boris ok later. Card 2: boris ok, overridden to
        // wrong_stage. Card 3: ok and stale, no decision. Card 4: judged at another stage
        // (stale), then here ok, both waiting: they split too.
        let mut accepted = by(1, "anna", Verdict::WrongStage, 10);
        accepted.lead = Some((DecisionKind::Accept, None));
        c.add_review(&accepted);
        c.add_review(&by(1, "boris", Verdict::Ok, 11));
        let mut overridden = by(2, "boris", Verdict::Ok, 11);
        overridden.lead = Some((DecisionKind::Override, Some(Verdict::WrongStage)));
        c.add_review(&overridden);
        c.add_review(&by(3, "anna", Verdict::Ok, 10));
        c.add_review(&by(3, "boris", Verdict::Stale, 11));
        c.add_review(&Finding {
            stage: "Встреча проведена",
            ..by(4, "anna", Verdict::Stale, 10)
        });
        c.add_review(&by(4, "boris", Verdict::Ok, 11));
        let (a, counts) = c.finish();
        let row = &counts.table(&funnel)[funnel.resolve(booking).unwrap()];
        assert_eq!(row.reviewed, 4);
        assert_eq!(
            (
                row.verdicts.ok,
                row.verdicts.wrong_stage,
                row.verdicts.total()
            ),
            (0, 2, 2)
        );
        // As the stage's own sample counts them: cards 1 and 2 wrong_stage, card 3 disputed;
        // card 4 ok here (its stale was at the other stage).
        let f = &a.stages[funnel.resolve(booking).unwrap()].group.figures;
        assert_eq!(
            (
                f.review_verdicts.wrong_stage,
                f.review_verdicts.ok,
                f.disputed
            ),
            (2, 1, 1)
        );
        // The totals and Ольга's row count each card once, its reviews at every stage settled
        // as one: card 4's stale and ok split too. Cards 1 and 2 wrong_stage; 3 and 4 disputed.
        for f in [&a.totals.figures, &a.managers[0].group.figures] {
            assert_eq!(
                (f.judged, f.review_verdicts.wrong_stage, f.disputed),
                (2, 2, 2)
            );
            assert_eq!(f.mismatch_rate, Some(1.0));
        }
        assert_eq!(a.several_stages, 1);
        let weeks: u64 = a.trend.iter().map(|w| w.judged).sum();
        assert_eq!(weeks, 2);
    }

    #[test]
    fn a_card_judged_at_two_stages_is_a_sample_at_each_and_one_card_in_the_totals() {
        let funnel = crate::funnel_config::default_funnel();
        let (met, booking) = ("Встреча проведена", "Бронирование");
        let mut c = Collector::new(&funnel, day(20), Window::default());
        c.add_card(&card(1, booking, "Ольга", 18));
        c.add_card(&card(2, booking, "Ольга", 18));
        // Card 1: stale at the meeting, then (moved on) stale here by another auditor. Card 2:
        // ok here.
        c.add_review(&finding(1, met, Verdict::Stale, 10));
        c.add_review(&Finding {
            auditor: "boris",
            ..finding(1, booking, Verdict::Stale, 17)
        });
        c.add_review(&finding(2, booking, Verdict::Ok, 17));
        let (a, _) = c.finish();
        let at = |stage: &str| &a.stages[funnel.resolve(stage).unwrap()].group.figures;
        assert_eq!((at(met).judged, at(met).mismatches), (1, 1));
        assert_eq!((at(booking).judged, at(booking).mismatches), (2, 1));
        // Once in all: 1 of 2 not ok, not 2 of 3.
        let (t, olga) = (&a.totals.figures, &a.managers[0].group.figures);
        for f in [t, olga] {
            assert_eq!((f.judged, f.mismatches, f.reviews), (2, 1, 3));
            assert_eq!(f.mismatch_rate, Some(0.5));
        }
        // Her estimate: 1 of 2 over her 2 open cards (at the stage her cards were judged at
        // and are now; the meeting holds none).
        assert_eq!(olga.estimated_lying, Some(1.0));
        assert_eq!(a.several_stages, 1);
        assert_eq!(a.managers[0].stage_samples, 3);
        // The week of the verdict that stands (the later one): one card a week, not two.
        let weeks: Vec<(u64, u64)> = a.trend.iter().map(|w| (w.judged, w.mismatches)).collect();
        assert_eq!(weeks, [(0, 0), (2, 1)]);
    }

    #[test]
    fn five_reviews_rank_a_stage_and_one_review_never_tops_the_managers() {
        let funnel = crate::funnel_config::default_funnel();
        let mut c = Collector::new(&funnel, day(20), Window::default());
        // Ольга: 6 cards, 5 reviews, 2 not ok. Игорь: 40 cards, 1 review, not ok.
        for id in 1..=5 {
            c.add_card(&card(id, "Встреча проведена", "Ольга", 18));
        }
        c.add_card(&card(46, "Встреча проведена", "Ольга", 18));
        for id in 6..=45 {
            c.add_card(&card(id, "Встреча проведена", "Игорь", 18));
        }
        for id in 1..=5 {
            let v = if id <= 2 { Verdict::Stale } else { Verdict::Ok };
            c.add_review(&finding(id, "Встреча проведена", v, 12));
        }
        c.add_review(&finding(6, "Встреча проведена", Verdict::Dead, 12));
        let (a, _) = c.finish();
        // The stage has 6 reviews: ranked.
        assert_eq!(a.worst_stage().unwrap().stage, "Встреча проведена");
        // Игорь's one review would make ~40 lying cards; it is not ranked and comes last.
        let managers: Vec<(Option<&str>, bool)> = a
            .managers
            .iter()
            .map(|m| (m.manager.as_deref(), m.group.figures.ranked))
            .collect();
        assert_eq!(managers, [(Some("Ольга"), true), (Some("Игорь"), false)]);
        let pairs: Vec<Option<&str>> = a
            .bottlenecks
            .pairs
            .iter()
            .map(|b| b.manager.as_deref())
            .collect();
        assert_eq!(pairs, [Some("Ольга")]);
        assert_eq!(a.bottlenecks.unranked_pairs, 1);
        let b = &a.bottlenecks.pairs[0];
        assert!(
            b.estimated_lying_low < b.estimated_lying && b.estimated_lying < b.estimated_lying_high
        );
    }

    #[test]
    fn a_stage_only_reviews_name_joins_the_table_at_its_end() {
        let funnel = crate::funnel_config::default_funnel();
        let mut c = Collector::new(&funnel, day(20), Window::default());
        // Card 7 was judged at a stage the CRM no longer has, and is closed now elsewhere.
        c.add_card(&CardFact {
            closed: true,
            ..card(7, "Успешно реализовано", "Ольга", 12)
        });
        c.add_review(&finding(7, "Снятый этап", Verdict::Unclear, 12));
        let (a, counts) = c.finish();
        assert!(
            counts.stages.iter().all(|s| s.stage != "Снятый этап"),
            "no card there"
        );
        let rows = stage_rows(counts.table(&funnel), &a.stages);
        assert_eq!(rows.len(), funnel.stages.len() + 1);
        let last = rows.last().unwrap();
        assert_eq!(
            (last.base.stage.as_str(), last.base.known),
            ("Снятый этап", false)
        );
        assert_eq!(last.figures.mismatch_rate, Some(1.0));
        // No cards there now: nothing lies there now, so it is no bottleneck.
        assert_eq!(last.figures.estimated_lying, Some(0.0));
        assert_eq!(last.figures.covered_cards, 0);
        assert!(a.bottlenecks.stages.is_empty());
    }

    /// tester29 F1: a stage of 2 open cards, 1 judged, was asked for 4 more; judged whole, it
    /// still held the funnel's estimate back ("judge 3 more" on a 2-card stage). The ask never
    /// exceeds the open cards left to judge, and a stage whose every open card is judged is
    /// measured: the estimate is shown, the stage's part the exact count.
    #[test]
    fn a_small_stage_is_asked_no_more_than_it_has_and_judged_whole_it_is_measured() {
        let funnel = crate::funnel_config::default_funnel();
        let run = |judged: &[(i64, Verdict)]| {
            let mut c = Collector::new(&funnel, day(20), Window::default());
            c.add_card(&card(1, "Новая", "Белова", 1));
            c.add_card(&card(2, "Новая", "Белова", 1));
            // A third card of the stage, closed: not open, nothing to sample.
            c.add_card(&CardFact {
                closed: true,
                ..card(3, "Новая", "Белова", 1)
            });
            for (id, v) in judged {
                c.add_review(&finding(*id, "Новая", *v, 12));
            }
            c.finish().0
        };
        let one = run(&[(1, Verdict::Ok)]);
        assert_eq!(
            one.estimate_short(),
            EstimateShort {
                stages: 1,
                cards: 1
            },
            "one open card is left to judge there, not four"
        );
        let both = run(&[(1, Verdict::Ok), (2, Verdict::Stale)]);
        assert!(both.estimate_short().shown(), "{:?}", both.estimate_short());
        let f = &both
            .stages
            .iter()
            .find(|s| s.stage == "Новая")
            .unwrap()
            .group
            .figures;
        assert!(f.measured);
        assert_eq!(f.open_unjudged, 0);
        assert_eq!(
            (
                f.estimated_lying_low,
                f.estimated_lying,
                f.estimated_lying_high
            ),
            (Some(1.0), Some(1.0), Some(1.0))
        );
        assert_eq!(both.totals.figures.estimated_lying, Some(1.0));
    }

    /// tester29 F2: a review of a card the store does not hold (a prune took it out) made a
    /// stage of 0 cards with a sample of 1, and a manager of no cards. It counts in no figure:
    /// no stage, no manager, no week; the analytics say how many were left out.
    #[test]
    fn a_review_of_a_card_not_in_the_store_counts_in_no_figure() {
        let funnel = crate::funnel_config::default_funnel();
        let mut c = Collector::new(&funnel, day(20), Window::default());
        c.add_card(&card(1, "Квалификация", "Ольга", 10));
        c.add_review(&finding(1, "Квалификация", Verdict::Ok, 12));
        // Kept by its key (no card id), and one under an id no card has.
        c.add_review(&Finding {
            card: None,
            crm_card: ("bitrix24", "90024"),
            ..finding(0, "В работе", Verdict::Ok, 13)
        });
        c.add_review(&finding(99, "В работе", Verdict::Dead, 13));
        let (a, counts) = c.finish();
        assert_eq!(a.without_card, 2);
        assert!(
            a.stages.iter().all(|s| s.stage != "В работе"),
            "no row of no cards"
        );
        assert!(counts.stages.iter().all(|s| s.stage != "В работе"));
        assert_eq!((a.totals.figures.judged, a.totals.figures.reviews), (1, 1));
        assert!(
            a.managers.iter().all(|m| m.manager.is_some()),
            "no manager of no card"
        );
        let week: u64 = a.trend.iter().map(|w| w.reviews).sum();
        assert_eq!(week, 1);
    }

    #[test]
    fn two_halves_absorbed_count_as_one_collector() {
        let funnel = crate::funnel_config::default_funnel();
        let cards = [
            card(1, "Встреча проведена", "Ольга", 18),
            card(2, "Неизвестный этап", "Игорь", 3),
            card(3, "Встреча состоялась", "Игорь", 10),
            card(4, "Неизвестный этап", "Ольга", 1),
            CardFact {
                owner: None,
                gone: true,
                ..card(5, "Квалификация", "", 2)
            },
            card(6, "Другой этап", "Вера", 5),
        ];
        let answers = Answers::from([("meeting_result".to_string(), Answer::Fail)]);
        let mut reviews = vec![
            finding(1, "Встреча проведена", Verdict::Stale, 12),
            finding(3, "Встреча проведена", Verdict::Ok, 13),
            finding(4, "Неизвестный этап", Verdict::Dead, 14),
            finding(5, "Квалификация", Verdict::WrongStage, 15),
        ];
        reviews[0].answers = &answers;
        let run = |split: usize| {
            let mut one = Collector::new(&funnel, day(20), Window::default());
            let mut two = Collector::new(&funnel, day(20), Window::default());
            for (i, c) in cards.iter().enumerate() {
                if i < split {
                    one.add_card(c)
                } else {
                    two.add_card(c)
                }
            }
            one.absorb(two);
            for r in &reviews {
                one.add_review(r);
            }
            one.finish()
        };
        let whole = run(cards.len());
        for split in 0..cards.len() {
            assert_eq!(run(split), whole, "split at {split}");
        }
        // Ольга, Игорь, Вера, and no owner (the gone card 5, whose review still counts).
        assert_eq!(whole.0.managers.len(), 4);
    }

    #[test]
    fn a_card_two_auditors_judged_is_one_sample_and_a_split_waits_for_the_lead() {
        let funnel = crate::funnel_config::default_funnel();
        let booking = "Бронирование";
        let mut c = Collector::new(&funnel, day(20), Window::default());
        for id in 1..=4 {
            c.add_card(&card(id, booking, "Ольга", 18));
        }
        let by = |card: i64, auditor: &'static str, v: Verdict, d: u32| Finding {
            auditor,
            ..finding(card, booking, v, d)
        };
        // Card 1: both ok. Card 2: stale and dead (not ok either way). Card 3: ok and stale,
        // no decision: disputed. Card 4: ok and stale, the lead accepted the ok.
        c.add_review(&by(1, "anna", Verdict::Ok, 10));
        c.add_review(&by(1, "boris", Verdict::Ok, 11));
        c.add_review(&by(2, "anna", Verdict::Stale, 10));
        c.add_review(&by(2, "boris", Verdict::Dead, 11));
        c.add_review(&by(3, "anna", Verdict::Ok, 10));
        c.add_review(&by(3, "boris", Verdict::Stale, 11));
        let mut accepted = by(4, "anna", Verdict::Ok, 10);
        accepted.lead = Some((DecisionKind::Accept, None));
        c.add_review(&accepted);
        c.add_review(&by(4, "boris", Verdict::Stale, 12));
        let (a, _) = c.finish();
        let f = &a.stages[funnel.resolve(booking).unwrap()].group.figures;
        // 8 reviews; 3 cards judged (1, 2, 4), 1 not ok (card 2, by the later verdict), 1
        // disputed: too few to rank, whatever 8 reviews would say.
        assert_eq!((f.reviews, f.judged, f.disputed), (8, 3, 1));
        assert_eq!((f.mismatches, f.review_verdicts.dead), (1, 1));
        assert!(!f.ranked);
        assert_eq!(a.totals.figures.disputed, 1);
        let weeks: Vec<(u64, u64)> = a.trend.iter().map(|w| (w.reviews, w.judged)).collect();
        assert_eq!(weeks, [(8, 3)]);
    }

    #[test]
    fn the_total_estimate_speaks_for_the_open_cards_of_the_judged_stages_only() {
        let funnel = crate::funnel_config::default_funnel();
        let (met, booking) = ("Встреча проведена", "Бронирование");
        let mut c = Collector::new(&funnel, day(20), Window::default());
        // Встреча проведена: 10 open cards (Ольга 1–6, Игорь 7–10) and 2 closed ones (11, 12).
        for id in 1..=12 {
            let owner = if id <= 6 { "Ольга" } else { "Игорь" };
            c.add_card(&CardFact {
                closed: id > 10,
                ..card(id, met, owner, 18)
            });
        }
        // Бронирование: 20 open cards of Ольга's (21–40); Первичный контакт: 50 never judged;
        // Успешно реализовано (won): 30.
        for id in 21..=40 {
            c.add_card(&card(id, booking, "Ольга", 18));
        }
        for id in 41..=90 {
            c.add_card(&card(id, "Первичный контакт", "Игорь", 18));
        }
        for id in 91..=120 {
            c.add_card(&card(id, "Успешно реализовано", "Игорь", 18));
        }
        // Встреча проведена: cards 1–5 judged, 1 and 2 not ok (Ольга's); card 1 twice.
        for id in 1..=5 {
            let v = if id <= 2 { Verdict::Stale } else { Verdict::Ok };
            c.add_review(&finding(id, met, v, 12));
        }
        c.add_review(&Finding {
            auditor: "boris",
            ..finding(1, met, Verdict::Dead, 13)
        });
        // Бронирование: cards 21–24 judged, 21 not ok. A won card judged ok.
        for id in 21..=24 {
            let v = if id == 21 { Verdict::Dead } else { Verdict::Ok };
            c.add_review(&finding(id, booking, v, 12));
        }
        c.add_review(&finding(91, "Успешно реализовано", Verdict::Ok, 12));
        let (a, _) = c.finish();
        let stage = |name: &str| &a.stages[funnel.resolve(name).unwrap()].group.figures;
        // Встреча проведена: 2 of 5 × 10 open = 4; Wilson(2, 5) = 11.8 %–76.9 % → 1.2–7.7.
        let m = stage(met);
        assert_eq!(
            (m.judged, m.covered_cards, m.estimated_lying),
            (5, 10, Some(4.0))
        );
        assert_eq!(
            (m.estimated_lying_low, m.estimated_lying_high),
            (Some(1.2), Some(7.7))
        );
        // Бронирование: 1 of 4 × 20 = 5; Wilson(1, 4) = 4.6 %–69.9 % → 0.9–14.0.
        let b = stage(booking);
        assert_eq!((b.covered_cards, b.estimated_lying), (20, Some(5.0)));
        assert_eq!(
            (b.estimated_lying_low, b.estimated_lying_high),
            (Some(0.9), Some(14.0))
        );
        // The won stage speaks for no open card; Первичный контакт was never judged.
        assert_eq!(stage("Успешно реализовано").covered_cards, 0);
        assert_eq!(stage("Первичный контакт").estimated_lying, None);
        // The funnel: 4 + 5 = 9 of the 30 open cards of the judged stages (not 3 of 10 judged
        // × the 120 cards), the intervals' ends summed; from 10 cards judged.
        let t = &a.totals.figures;
        assert_eq!((t.judged, t.mismatches), (10, 3));
        assert_eq!((t.covered_cards, t.estimated_lying), (30, Some(9.0)));
        assert_eq!(
            (t.estimated_lying_low, t.estimated_lying_high),
            (Some(2.1), Some(21.7))
        );
        let olga = a
            .managers
            .iter()
            .find(|m| m.manager.as_deref() == Some("Ольга"))
            .unwrap();
        // Ольга's judged cards: 1–5 (Встреча проведена) and 21–24: 3 of 9 not ok, over her
        // 6 open cards there and 20 at Бронирование: 3/9 × 26 = 8.7.
        let f = &olga.group.figures;
        assert_eq!((f.judged, f.mismatches, f.covered_cards), (9, 3, 26));
        assert_eq!(f.estimated_lying, Some(8.7));
    }

    #[test]
    fn a_window_that_holds_none_of_the_reviews_names_those_it_leaves_out() {
        let funnel = crate::funnel_config::default_funnel();
        let met = "Встреча проведена";
        let run = |window: Window, from_store: LeftOut| {
            let mut c = Collector::new(&funnel, day(20), window);
            c.add_card(&card(1, met, "Ольга", 18));
            // A review on the other side of funnel version 2 (made under none) is passed over.
            c.add_review(&finding(1, met, Verdict::Stale, 12));
            if c.holds_no_review() {
                c.left_out(from_store);
            }
            c.finish().0.all_left_out
        };
        let after_v2 = Window {
            side: Some(VersionSide {
                version: 2,
                after: true,
            }),
            ..Window::default()
        };
        let store = LeftOut {
            reviews: 2,
            first: Some(day(3)),
            last: Some(day(14)),
        };
        // The one passed over here and the two the store left out by their day.
        assert_eq!(
            run(after_v2, store),
            Some(LeftOut {
                reviews: 3,
                first: Some(day(3)),
                last: Some(day(14)),
            })
        );
        assert_eq!(
            run(after_v2, LeftOut::default()),
            Some(LeftOut::one(day(12)))
        );
        // Held, not left out: nothing to say.
        assert_eq!(run(Window::default(), store), None);
    }

    #[test]
    fn a_bottleneck_knows_its_cards_not_ok_whose_checklist_was_left_unanswered() {
        let funnel = crate::funnel_config::default_funnel();
        let met = "Встреча проведена";
        let mut c = Collector::new(&funnel, day(20), Window::default());
        for id in 1..=6 {
            c.add_card(&card(id, met, "Ольга", 18));
        }
        let passed = Answers::from([("meeting_result".to_string(), Answer::Pass)]);
        let na = Answers::from([("meeting_result".to_string(), Answer::Na)]);
        // Not ok: 1 answered (passed), 2 with n/a alone, 3 with nothing; ok: 4 with nothing.
        for (id, verdict, answers) in [
            (1, Verdict::Stale, Some(&passed)),
            (2, Verdict::Dead, Some(&na)),
            (3, Verdict::Unclear, None),
            (4, Verdict::Ok, None),
            (5, Verdict::Ok, Some(&passed)),
        ] {
            let mut f = finding(id, met, verdict, 12);
            if let Some(a) = answers {
                f.answers = a;
            }
            c.add_review(&f);
        }
        let (a, _) = c.finish();
        let b = a.worst_stage().expect("five judged rank the stage");
        assert_eq!((b.mismatches, b.mismatches_unanswered), (3, 2));
        assert!(b.likely_cause.is_empty());
    }

    /// `open` open cards at `stage`, Ольга's, ids from `first`; the first `flagged` of them
    /// flagged now.
    fn open_cards(c: &mut Collector, stage: &str, first: i64, open: i64, flagged: i64) {
        for id in first..first + open {
            let mut f = card(id, stage, "Ольга", 18);
            f.flagged = id < first + flagged;
            c.add_card(&f);
        }
    }

    /// Cards `ids` judged at `stage`, the first `not_ok` of them stale, the rest ok.
    fn judge(c: &mut Collector, stage: &str, ids: std::ops::Range<i64>, not_ok: i64) {
        let first = ids.start;
        for id in ids {
            let verdict = if id < first + not_ok {
                Verdict::Stale
            } else {
                Verdict::Ok
            };
            c.add_review(&finding(id, stage, verdict, 12));
        }
    }

    fn close(got: f64, want: f64) {
        assert!((got - want).abs() < 0.05, "{got} != {want}");
    }

    /// tester42 F1: 7 cards judged at «Контакт после встречи», all of them flagged, 6 not ok;
    /// 27 of its 68 open cards are flagged. The flagged cards' share speaks for the 27 flagged
    /// cards only: the 41 unflagged ones, none judged, are left out and said to be (okk said
    /// "68 of 68 (44–68)" when one share spoke for all).
    #[test]
    fn the_flagged_cards_share_is_never_spread_over_the_unflagged_cards_nobody_judged() {
        let funnel = crate::funnel_config::default_funnel();
        let stage = "Контакт после встречи";
        let mut c = Collector::new(&funnel, day(20), Window::default());
        open_cards(&mut c, stage, 1, 68, 27);
        judge(&mut c, stage, 1..8, 6);
        let (a, _) = c.finish();
        let s = a.stages.iter().find(|s| s.stage == stage).unwrap();
        let f = &s.group.figures;
        assert_eq!((f.judged, f.mismatches, f.covered_cards), (7, 6, 27));
        let strata = f.strata.unwrap();
        assert_eq!(
            (
                strata.flagged.open,
                strata.flagged.judged,
                strata.flagged.not_ok
            ),
            (27, 7, 6)
        );
        assert_eq!((strata.unflagged.open, strata.unflagged.judged), (41, 0));
        assert_eq!(
            (strata.unflagged.estimate, strata.unflagged.unsampled),
            (None, 41)
        );
        // 6 of 7 (Wilson 48.7 %–97.4 %) of the 27 flagged cards: 23.1 (13.1–26.3).
        close(f.estimated_lying.unwrap(), 23.1);
        close(f.estimated_lying_low.unwrap(), 13.1);
        close(f.estimated_lying_high.unwrap(), 26.3);
        assert!(f.estimated_lying_high.unwrap() <= 27.0);
        // The funnel's figure speaks for the same 27 and is shown: the one stratum sampled has
        // 7 cards judged; the 41 are said to be unsampled.
        let t = &a.totals.figures;
        assert_eq!(
            (t.covered_cards, t.estimated_lying),
            (27, f.estimated_lying)
        );
        assert_eq!(t.strata.unwrap().unsampled(), 41);
        assert!(a.estimate_short().shown());
        // Ольга's estimate too: her flagged cards' share over her flagged open cards.
        let olga = &a.managers[0].group.figures;
        assert_eq!(
            (olga.covered_cards, olga.estimated_lying),
            (27, f.estimated_lying)
        );
    }

    /// The figures of `stage`'s row.
    fn stage_figures<'a>(a: &'a Analytics, stage: &str) -> &'a super::Figures {
        &(a.stages.iter().find(|s| s.stage == stage))
            .unwrap()
            .group
            .figures
    }

    /// One unflagged card judged does not put the 41 into the funnel's figure on its own word:
    /// a stratum sampled on fewer than 5 cards holds the figure back, as a stage does.
    #[test]
    fn an_unflagged_stratum_judged_on_one_card_holds_the_funnels_figure_back() {
        let funnel = crate::funnel_config::default_funnel();
        let stage = "Контакт после встречи";
        let mut c = Collector::new(&funnel, day(20), Window::default());
        open_cards(&mut c, stage, 1, 68, 27);
        judge(&mut c, stage, 1..8, 6);
        judge(&mut c, stage, 30..31, 1);
        let (a, _) = c.finish();
        let f = stage_figures(&a, stage);
        assert_eq!(f.covered_cards, 68);
        let short = a.estimate_short();
        assert_eq!((short.stages, short.cards), (1, 4));
        assert!(!short.shown());
    }

    /// Both strata sampled: each share over its own open cards, the ends summed. One share over
    /// all 60 (4 of 10) would say 24.
    #[test]
    fn a_stage_sampled_in_both_strata_sums_each_strata_share_over_its_own_cards() {
        let funnel = crate::funnel_config::default_funnel();
        let stage = "Контакт после встречи";
        let mut c = Collector::new(&funnel, day(20), Window::default());
        open_cards(&mut c, stage, 1, 60, 20);
        judge(&mut c, stage, 1..6, 4);
        judge(&mut c, stage, 21..26, 0);
        let (a, _) = c.finish();
        let f = stage_figures(&a, stage);
        let strata = f.strata.unwrap();
        // Flagged: 4 of 5 (37.6 %–96.4 %) of 20; unflagged: 0 of 5 (0–43.4 %) of 40.
        close(strata.flagged.estimate.unwrap(), 16.0);
        close(strata.unflagged.estimate.unwrap(), 0.0);
        close(f.estimated_lying.unwrap(), 16.0);
        let (flo, fhi) = super::tally::wilson(4, 5).unwrap();
        let (ulo, uhi) = super::tally::wilson(0, 5).unwrap();
        close(f.estimated_lying_low.unwrap(), 20.0 * flo + 40.0 * ulo);
        close(f.estimated_lying_high.unwrap(), 20.0 * fhi + 40.0 * uhi);
        assert_eq!((f.covered_cards, strata.unsampled()), (60, 0));
    }

    /// A stratum whose every open card is judged is counted, the other estimated; a card judged
    /// whose flags have cleared since counts among the unflagged; a stage nobody judged adds no
    /// unsampled cards to the funnel's figure, and the totals sum the stages'.
    #[test]
    fn a_measured_stratum_is_counted_and_the_totals_sum_the_stages_strata() {
        let funnel = crate::funnel_config::default_funnel();
        let (meeting, booking, nobody) = ("Контакт после встречи", "Бронирование", "Квалификация");
        let mut c = Collector::new(&funnel, day(20), Window::default());
        // «Контакт после встречи»: 3 flagged, all judged (2 not ok); 10 unflagged, 5 judged
        // (1 not ok), card 4 among them: flagged when judged, its flags cleared since.
        open_cards(&mut c, meeting, 1, 13, 3);
        judge(&mut c, meeting, 1..4, 2);
        judge(&mut c, meeting, 4..9, 1);
        // «Бронирование»: 10 flagged, 5 judged, 5 not ok; 10 unflagged, none judged.
        open_cards(&mut c, booking, 100, 20, 10);
        judge(&mut c, booking, 100..105, 5);
        open_cards(&mut c, nobody, 200, 30, 5);
        let (a, _) = c.finish();
        let at = |name: &str| {
            &a.stages
                .iter()
                .find(|s| s.stage == name)
                .unwrap()
                .group
                .figures
        };
        let m = at(meeting);
        let ms = m.strata.unwrap();
        assert!(ms.flagged.measured && !ms.unflagged.measured && !m.measured);
        assert_eq!(ms.flagged.estimate, Some(2.0));
        assert_eq!((ms.flagged.low, ms.flagged.high), (Some(2.0), Some(2.0)));
        assert_eq!((ms.unflagged.judged, ms.unflagged.not_ok), (5, 1));
        close(ms.unflagged.estimate.unwrap(), 2.0);
        close(m.estimated_lying.unwrap(), 4.0);
        let b = at(booking);
        assert_eq!((b.covered_cards, b.strata.unwrap().unsampled()), (10, 10));
        close(b.estimated_lying.unwrap(), 10.0);
        assert_eq!(at(nobody).estimated_lying, None);
        let t = &a.totals.figures;
        let ts = t.strata.unwrap();
        assert_eq!(
            (ts.flagged.open, ts.flagged.judged, ts.flagged.not_ok),
            (13, 8, 7)
        );
        assert_eq!((ts.unflagged.open, ts.unflagged.judged), (20, 5));
        // The unflagged «Бронирование» cards only: «Квалификация» was judged nowhere.
        assert_eq!(ts.unsampled(), 10);
        assert_eq!(t.covered_cards, 13 + 10);
        close(t.estimated_lying.unwrap(), 14.0);
        // Each figure in tenths of the unrounded sum.
        let low = t.estimated_lying_low.unwrap();
        let summed = m.estimated_lying_low.unwrap() + b.estimated_lying_low.unwrap();
        assert!((low - summed).abs() <= 0.11, "{low} != {summed}");
        // The measured flagged stratum holds nothing back, though 3 < 5.
        assert!(a.estimate_short().shown());
    }
}
