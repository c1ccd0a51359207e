//! Where the funnel leaks: per stage, per manager and per manager at a stage — reviews and the
//! share not ok (the lead's verdict where the lead overrode one), scores, idle days, flags, the
//! checklist items failed most — the bottleneck ranking and the weekly trend.
//!
//! Pure: the store streams [`CardFact`]s and [`Finding`]s into a [`Collector`], which keeps
//! counts only (a million cards cost a few small maps), and [`Collector::finish`] makes the
//! figures.

pub mod bottlenecks;
pub mod facts;
pub mod tally;
pub mod trend;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::failed::judged_items;
use super::funnel::{Funnel, StageKind};
use super::review::Verdict;
use super::stats::StageFigures;
pub use bottlenecks::{Bottleneck, Bottlenecks};
pub use facts::{CardFact, Finding, Window};
pub use tally::{FailingItem, Figures, ItemInfo, Tally};
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
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Analytics {
    pub window: Window,
    /// The day idle days are counted to.
    pub today: NaiveDate,
    pub totals: Group,
    /// Current reviews the lead sent back: left out of every figure until judged again.
    pub returned: u64,
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
}

/// One stage's counts, split by the cards' owner.
#[derive(Debug)]
struct Slot {
    name: String,
    kind: Option<StageKind>,
    no_owner: Tally,
    by_owner: HashMap<String, Tally>,
}

impl Slot {
    fn tally(&mut self, owner: Option<&str>) -> &mut Tally {
        let Some(owner) = owner else {
            return &mut self.no_owner;
        };
        // Two lookups on a new owner, none of them allocating on the million that follow.
        if !self.by_owner.contains_key(owner) {
            self.by_owner.insert(owner.to_string(), Tally::default());
        }
        self.by_owner.get_mut(owner).expect("just inserted")
    }

    fn cells(&self) -> impl Iterator<Item = (Option<&String>, &Tally)> {
        std::iter::once((None, &self.no_owner))
            .filter(|(_, t)| **t != Tally::default())
            .chain(self.by_owner.iter().map(|(o, t)| (Some(o), t)))
    }

    fn merged(&self) -> Tally {
        let mut all = Tally::default();
        for (_, t) in self.cells() {
            all.merge(t);
        }
        all
    }
}

/// Takes cards and reviews one at a time; [`Collector::finish`] makes the figures.
pub struct Collector<'f> {
    funnel: &'f Funnel,
    today: NaiveDate,
    window: Window,
    /// CRM stage name → slot: the funnel's stages at their own index, unknown names after.
    slot_of: HashMap<String, usize>,
    slots: Vec<Slot>,
    /// (reviews, mismatches) per ISO week's Monday.
    weeks: BTreeMap<NaiveDate, (u64, u64)>,
    returned: u64,
}

impl<'f> Collector<'f> {
    /// Idle days count to `today`; reviews outside `window` are passed over.
    pub fn new(funnel: &'f Funnel, today: NaiveDate, window: Window) -> Collector<'f> {
        let slots = funnel
            .stages
            .iter()
            .map(|s| Slot {
                name: s.name.clone(),
                kind: Some(s.kind),
                no_owner: Tally::default(),
                by_owner: HashMap::new(),
            })
            .collect();
        Collector {
            funnel,
            today,
            window,
            slot_of: HashMap::new(),
            slots,
            weeks: BTreeMap::new(),
            returned: 0,
        }
    }

    fn slot(&mut self, crm_stage: &str) -> usize {
        if let Some(&i) = self.slot_of.get(crm_stage) {
            return i;
        }
        let i = self.funnel.resolve(crm_stage).unwrap_or_else(|| {
            self.slots.push(Slot {
                name: crm_stage.to_string(),
                kind: None,
                no_owner: Tally::default(),
                by_owner: HashMap::new(),
            });
            self.slots.len() - 1
        });
        self.slot_of.insert(crm_stage.to_string(), i);
        i
    }

    pub fn add_card(&mut self, card: &CardFact) {
        let today = self.today;
        let i = self.slot(card.stage);
        let slot = &mut self.slots[i];
        // Won and lost deals rest by nature: their quiet days say nothing about the manager.
        let open = !card.closed && !matches!(slot.kind, Some(StageKind::Won | StageKind::Lost));
        let t = slot.tally(card.owner);
        t.cards += 1;
        t.flagged += u64::from(card.flagged);
        if open && let Some(day) = card.touched {
            let days = (today - day).num_days().clamp(0, i64::from(u32::MAX)) as u32;
            *t.idle.entry(days).or_default() += 1;
        }
    }

    pub fn add_review(&mut self, review: &Finding) {
        if !self.window.contains(review.day) {
            return;
        }
        let Some(verdict) = review.landed() else {
            self.returned += 1;
            return;
        };
        let mismatch = verdict != Verdict::Ok;
        let i = self.slot(review.stage);
        let funnel = self.funnel;
        let checklist = match self.slots[i].kind {
            Some(_) => &funnel.stage(i).checklist[..],
            None => &[],
        };
        let t = self.slots[i].tally(review.owner);
        t.reviews += 1;
        t.verdicts.add(verdict, 1);
        if let Some(s) = review.score {
            t.score_sum += s;
            t.scored += 1;
        }
        for j in judged_items(checklist, &review.answers) {
            t.judged(i, j.id, j.failed, mismatch);
        }
        let week = self.weeks.entry(trend::monday(review.day)).or_default();
        week.0 += 1;
        week.1 += u64::from(mismatch);
    }

    pub fn finish(self) -> Analytics {
        let info = |stage: usize, id: &str| {
            let slot = &self.slots[stage];
            let item = slot.kind.and_then(|_| {
                self.funnel
                    .stage(stage)
                    .checklist
                    .iter()
                    .find(|i| i.id == id)
            });
            ItemInfo {
                stage: slot.name.clone(),
                text: item.map_or_else(|| id.to_string(), |i| i.text.clone()),
                critical: item.is_some_and(|i| i.critical),
            }
        };
        let group = |t: &Tally| Group {
            cards: t.cards,
            flagged: t.flagged,
            figures: t.figures(&info),
        };

        let merged: Vec<Tally> = self.slots.iter().map(Slot::merged).collect();
        // Funnel stages in order, then unknown ones by cards (most first), then name.
        let mut order: Vec<usize> = (0..self.slots.len()).collect();
        let known = self.funnel.stages.len();
        order[known..].sort_by(|&a, &b| {
            merged[b]
                .cards
                .cmp(&merged[a].cards)
                .then(self.slots[a].name.cmp(&self.slots[b].name))
        });
        let stages = order
            .iter()
            .map(|&i| StageGroup {
                stage: self.slots[i].name.clone(),
                known: self.slots[i].kind.is_some(),
                group: group(&merged[i]),
            })
            .collect();

        let mut totals = Tally::default();
        let mut managers: BTreeMap<Option<&String>, Tally> = BTreeMap::new();
        for slot in &self.slots {
            for (owner, t) in slot.cells() {
                managers.entry(owner).or_default().merge(t);
                totals.merge(t);
            }
        }
        let mut managers: Vec<(Option<&String>, Tally)> = managers.into_iter().collect();
        managers.sort_by(|(a, ta), (b, tb)| {
            let lying = |t: &Tally| t.estimated_lying().unwrap_or(-1.0);
            lying(tb)
                .total_cmp(&lying(ta))
                .then(tb.cards.cmp(&ta.cards))
                .then(a.cmp(b))
        });

        let stage_candidates = order
            .iter()
            .map(|&i| (self.slots[i].name.clone(), None, &merged[i]))
            .collect();
        let mut pair_candidates = Vec::new();
        for &i in &order {
            let mut cells: Vec<_> = self.slots[i].cells().collect();
            cells.sort_by(|a, b| a.0.cmp(&b.0));
            for (owner, t) in cells {
                pair_candidates.push((self.slots[i].name.clone(), owner.cloned(), t));
            }
        }
        let bottlenecks = Bottlenecks {
            stages: bottlenecks::rank(stage_candidates, &info),
            pairs: bottlenecks::rank(pair_candidates, &info),
        };

        Analytics {
            window: self.window,
            today: self.today,
            totals: group(&totals),
            returned: self.returned,
            stages,
            managers: managers
                .iter()
                .map(|(owner, t)| ManagerGroup {
                    manager: owner.cloned(),
                    group: group(t),
                })
                .collect(),
            bottlenecks,
            trend: trend::weeks(&self.weeks, &self.window),
        }
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

/// Joins the per-stage counts ([`super::stats::stage_table`]) with the analytics' stages, by
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
                None => Tally::default().figures(&|_, id| ItemInfo {
                    stage: String::new(),
                    text: id.to_string(),
                    critical: false,
                }),
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
    use crate::domain::score::{Answer, Answers};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    fn card<'a>(stage: &'a str, owner: &'a str, touched: u32) -> CardFact<'a> {
        CardFact {
            stage,
            owner: Some(owner),
            touched: Some(day(touched)),
            closed: false,
            flagged: false,
        }
    }

    fn finding<'a>(stage: &'a str, owner: &'a str, verdict: Verdict, d: u32) -> Finding<'a> {
        Finding {
            stage,
            owner: Some(owner),
            verdict,
            lead: None,
            score: None,
            answers: Answers::new(),
            day: day(d),
        }
    }

    #[test]
    fn aliases_fold_unknown_stages_follow_and_the_window_and_the_lead_decide_what_counts() {
        // The built-in funnel: «Встреча состоялась» is an alias of «Встреча проведена».
        let funnel = crate::funnel::default_funnel();
        let met = funnel.resolve("Встреча проведена").unwrap();
        let window = Window {
            since: Some(day(10)),
            until: None,
        };
        let mut c = Collector::new(&funnel, day(20), window);
        c.add_card(&card("Встреча состоялась", "Ольга", 18));
        c.add_card(&card("Встреча проведена", "Ольга", 10));
        c.add_card(&card("Старый этап", "Игорь", 1));
        c.add_card(&card("Ещё этап", "Игорь", 1));
        c.add_card(&card("Ещё этап", "Игорь", 1));
        let mut failed = finding("Встреча состоялась", "Ольга", Verdict::Stale, 12);
        failed.answers = Answers::from([
            ("meeting_result".to_string(), Answer::Fail),
            ("next_step".to_string(), Answer::Pass),
        ]);
        c.add_review(&failed);
        // Before the window: passed over.
        c.add_review(&finding("Встреча проведена", "Ольга", Verdict::Dead, 9));
        // Sent back: counted apart.
        let mut returned = finding("Встреча проведена", "Ольга", Verdict::Dead, 13);
        returned.lead = Some((DecisionKind::Return, None));
        c.add_review(&returned);
        // Overridden to ok by the lead.
        let mut overridden = finding("Встреча проведена", "Ольга", Verdict::Stale, 14);
        overridden.lead = Some((DecisionKind::Override, Some(Verdict::Ok)));
        c.add_review(&overridden);
        let a = c.finish();

        let s = &a.stages[met];
        assert_eq!((s.stage.as_str(), s.group.cards), ("Встреча проведена", 2));
        // 1 of 2 not ok × 2 cards; idle 2 and 10 → 6.
        let f = &s.group.figures;
        assert_eq!((f.reviews, f.mismatches), (2, 1));
        assert_eq!(f.estimated_lying, Some(1.0));
        assert_eq!(f.median_idle_days, Some(6.0));
        assert_eq!(f.top_failing.len(), 1);
        assert_eq!(f.top_failing[0].id, "meeting_result");
        assert!(f.top_failing[0].critical);
        assert_eq!(a.returned, 1);
        // Unknown stages after the funnel's, most cards first.
        let tail: Vec<(&str, bool)> = a.stages[funnel.stages.len()..]
            .iter()
            .map(|s| (s.stage.as_str(), s.known))
            .collect();
        assert_eq!(tail, [("Ещё этап", false), ("Старый этап", false)]);
        // One week, from the window's Monday (11-09) to the last review's (11-09).
        assert_eq!(a.trend.len(), 1);
        assert_eq!((a.trend[0].reviews, a.trend[0].mismatches), (2, 1));
        assert_eq!(a.worst_stage().unwrap().stage, "Встреча проведена");
    }

    #[test]
    fn a_stage_only_reviews_name_joins_the_table_at_its_end() {
        let funnel = crate::funnel::default_funnel();
        let mut c = Collector::new(&funnel, day(20), Window::default());
        c.add_review(&finding("Снятый этап", "Ольга", Verdict::Unclear, 12));
        let a = c.finish();
        let base = crate::domain::stats::stage_table(&funnel, &[], &[]);
        let rows = stage_rows(base, &a.stages);
        assert_eq!(rows.len(), funnel.stages.len() + 1);
        let last = rows.last().unwrap();
        assert_eq!(
            (last.base.stage.as_str(), last.base.known),
            ("Снятый этап", false)
        );
        assert_eq!(last.figures.mismatch_rate, Some(1.0));
        // No cards there now: nothing lies there now, so it is no bottleneck.
        assert_eq!(last.figures.estimated_lying, Some(0.0));
        assert!(a.bottlenecks.stages.is_empty());
    }
}
