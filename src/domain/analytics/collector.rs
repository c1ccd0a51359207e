//! The one pass: cards first, then reviews, counted into per-stage, per-owner tallies. A card's
//! reviews at a stage are held (small: [`CardReviews`]) until the last review is in, then
//! counted as one card judged, by the verdict that stands on it.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::facts::{CardFact, Finding, LeftOut, Window};
use super::settle::{Answered, CardReviews, Settled};
use super::tally::{Estimate, ItemInfo, Namer, Stratified, Tally};
use super::trend::WeekCounts;
use super::{Analytics, Bottlenecks, Group, ManagerGroup, StageGroup, bottlenecks, trend};
use crate::domain::analytics::stages::{CrmStageCount, StageCounts, VerdictCounts};
use crate::domain::funnel::{Funnel, StageKind};
use crate::domain::review::Verdict;

use crate::domain::fx::FxMap as Map;

/// An owner, by their place in [`Collector::owners`]; [`NO_OWNER`] for cards without one.
type Owner = u32;
const NO_OWNER: Owner = u32::MAX;

/// One funnel stage (or CRM stage the funnel does not know), its tallies split by owner.
#[derive(Debug)]
struct Slot {
    name: String,
    kind: Option<StageKind>,
    by_owner: Map<Owner, Tally>,
}

impl Slot {
    fn merged(&self) -> Tally {
        let mut all = Tally::default();
        for t in self.by_owner.values() {
            all.merge(t);
        }
        all
    }
}

/// A stage name exactly as the CRM writes it: the counts of the per-stage table.
#[derive(Debug)]
struct CrmStage {
    name: String,
    slot: usize,
    cards: u64,
    gone: u64,
    flagged: u64,
    /// Cards here now with a current review in the window.
    reviewed: u64,
    /// Those cards by the verdict that stands on each (its current reviews at every stage
    /// settled as one: the lead's decision first); a card the auditors split on, or whose
    /// every review was sent back, in none.
    verdicts: VerdictCounts,
}

/// Where a card is now: its CRM stage and owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct CardRef {
    crm: u32,
    owner: Owner,
    gone: bool,
    /// Open (not closed, not at a won or lost stage): what the reviews sample.
    open: bool,
    /// Flagged now: the stratum its verdict counts in.
    flagged: bool,
}

// A million cards held as they are read: the stratum's flag fits the padding, 12 bytes a card.
const _: () = assert!(std::mem::size_of::<Option<CardRef>>() == 12);

/// Card id → [`CardRef`]. Store ids are dense (cards are never deleted), so a vector indexed by
/// id: 12 bytes a card where a hash map takes about 50; ids far beyond the count go to a map.
#[derive(Debug, Default)]
struct Cards {
    dense: Vec<Option<CardRef>>,
    sparse: Map<i64, CardRef>,
}

impl Cards {
    fn insert(&mut self, id: i64, card: CardRef) {
        match usize::try_from(id) {
            Ok(i) if i < self.dense.len() + (1 << 20) => {
                if i >= self.dense.len() {
                    self.dense.resize(i + 1, None);
                }
                self.dense[i] = Some(card);
            }
            _ => {
                self.sparse.insert(id, card);
            }
        }
    }

    fn get(&self, id: i64) -> Option<CardRef> {
        usize::try_from(id)
            .ok()
            .and_then(|i| self.dense.get(i).copied().flatten())
            .or_else(|| self.sparse.get(&id).copied())
    }

    fn iter(&self) -> impl Iterator<Item = (i64, CardRef)> + '_ {
        let dense = self.dense.iter().enumerate();
        dense
            .filter_map(|(i, c)| Some((i as i64, (*c)?)))
            .chain(self.sparse.iter().map(|(id, c)| (*id, *c)))
    }
}

/// A manager (`None`: no owner), their counts across the stages (each card judged once), the
/// open cards their estimate speaks for (by stratum: unflagged, flagged), their cards judged at each funnel stage by version,
/// and those stage samples summed (a card judged at two stages twice).
type ManagerTally<'a> = (
    Option<&'a String>,
    Tally,
    [u64; 2],
    Vec<(String, BTreeMap<i64, u64>)>,
    u64,
);

/// Takes every card, then every current review; [`Collector::finish`] makes the figures.
pub struct Collector<'f> {
    funnel: &'f Funnel,
    today: NaiveDate,
    window: Window,
    crm_of: Map<String, u32>,
    crm: Vec<CrmStage>,
    /// The funnel's stages at their own index, unknown CRM names after.
    slots: Vec<Slot>,
    owner_of: Map<String, Owner>,
    owners: Vec<String>,
    cards: Cards,
    /// Each card's current reviews in the window, per stage (slot) they were made at.
    judged: Map<(i64, u32), CardReviews>,
    /// Per owner, their cards judged each once, their reviews at every stage settled as one
    /// (made in [`Collector::finish`]): what the totals' and the managers' samples count.
    once: Map<Owner, Tally>,
    /// Cards counted (judged or disputed) at more than one stage: the stage rows count them at
    /// each, the totals and the managers once.
    several_stages: u64,
    /// Current reviews in the window of cards the store does not hold (see
    /// [`super::Analytics::without_card`]): counted apart, in no figure.
    without_card: u64,
    /// Per ISO week's Monday.
    weeks: BTreeMap<NaiveDate, WeekCounts>,
    returned: u64,
    /// The day of the latest current review in the window.
    last_review: Option<NaiveDate>,
    /// Current reviews in the window, of cards held or not, sent back or not.
    in_window: u64,
    /// Current reviews the window leaves out: those passed over here, and those the store
    /// left out by their day ([`Collector::left_out`]).
    left_out: LeftOut,
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
                by_owner: Map::default(),
            })
            .collect();
        Collector {
            funnel,
            today,
            window,
            crm_of: Map::default(),
            crm: Vec::new(),
            slots,
            owner_of: Map::default(),
            owners: Vec::new(),
            cards: Cards::default(),
            judged: Map::default(),
            once: Map::default(),
            several_stages: 0,
            without_card: 0,
            weeks: BTreeMap::new(),
            returned: 0,
            last_review: None,
            in_window: 0,
            left_out: LeftOut::default(),
        }
    }

    /// No current review in the window so far: what the store asks before it counts the
    /// reviews it left out by their day, only then (the figures name them only then).
    pub fn holds_no_review(&self) -> bool {
        self.in_window == 0
    }

    /// Current reviews the store did not hand over, being outside the window by their day.
    pub fn left_out(&mut self, reviews: LeftOut) {
        self.left_out.add(reviews);
    }

    fn crm(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.crm_of.get(name) {
            return i;
        }
        let slot = self.funnel.resolve(name).unwrap_or_else(|| {
            self.slots.push(Slot {
                name: name.to_string(),
                kind: None,
                by_owner: Map::default(),
            });
            self.slots.len() - 1
        });
        self.crm.push(CrmStage {
            name: name.to_string(),
            slot,
            cards: 0,
            gone: 0,
            flagged: 0,
            reviewed: 0,
            verdicts: VerdictCounts::default(),
        });
        let i = (self.crm.len() - 1) as u32;
        self.crm_of.insert(name.to_string(), i);
        i
    }

    fn owner(&mut self, name: Option<&str>) -> Owner {
        let Some(name) = name else {
            return NO_OWNER;
        };
        if let Some(&o) = self.owner_of.get(name) {
            return o;
        }
        self.owners.push(name.to_string());
        let o = (self.owners.len() - 1) as Owner;
        self.owner_of.insert(name.to_string(), o);
        o
    }

    pub fn add_card(&mut self, card: &CardFact) {
        let crm = self.crm(card.stage);
        let owner = self.owner(card.owner);
        let slot = self.crm[crm as usize].slot;
        // Won and lost deals rest by nature: their quiet days say nothing about the manager.
        let open = !card.gone
            && !card.closed
            && !matches!(
                self.slots[slot].kind,
                Some(StageKind::Won | StageKind::Lost)
            );
        self.cards.insert(
            card.id,
            CardRef {
                crm,
                owner,
                gone: card.gone,
                open,
                flagged: card.flagged,
            },
        );
        let c = &mut self.crm[crm as usize];
        if card.gone {
            c.gone += 1;
            return;
        }
        c.cards += 1;
        c.flagged += u64::from(card.flagged);
        let slot = &mut self.slots[c.slot];
        let t = slot.by_owner.entry(owner).or_default();
        t.cards += 1;
        t.flagged += u64::from(card.flagged);
        t.open += u64::from(open);
        t.strata[usize::from(card.flagged)].open += u64::from(open);
        if open && let Some(day) = card.touched {
            let days = (self.today - day).num_days().clamp(0, i64::from(u32::MAX)) as u32;
            *t.idle.entry(days).or_default() += 1;
        }
    }

    /// After every card: a review counts for its card's owner now.
    pub fn add_review(&mut self, review: &Finding) {
        if !self.window.covers(review) {
            self.left_out.add(LeftOut::one(review.day));
            return;
        }
        self.in_window += 1;
        // A review of a card the store does not hold (a prune took it out, or a bundle brought
        // it before its card was imported) speaks for no card here: no stage's sample, no
        // manager's, no week's. It counts again once its card is imported (and attached).
        let Some(card) = review.card.and_then(|id| self.cards.get(id)) else {
            self.without_card += 1;
            return;
        };
        self.last_review = self.last_review.max(Some(review.day));
        let crm = self.crm(review.stage);
        let slot = self.crm[crm as usize].slot;
        if review.landed().is_none() {
            self.returned += 1;
        } else {
            let owner = card.owner;
            self.slots[slot].by_owner.entry(owner).or_default().reviews += 1;
            self.weeks
                .entry(trend::monday(review.day))
                .or_default()
                .reviews += 1;
        }
        let checklist = self.checklist(slot);
        let id = review.card.expect("a review found its card by its id");
        let reviews = self.judged.entry((id, slot as u32)).or_default();
        reviews.add(review, || Answered::new(checklist, review.answers));
    }

    /// The checklist of the stage at `slot` (none for a stage the funnel does not know).
    fn checklist(&self, slot: usize) -> &'f [crate::domain::funnel::ChecklistItem] {
        let funnel = self.funnel;
        match self.slots[slot].kind {
            Some(_) => &funnel.stage(slot).checklist[..],
            None => &[],
        }
    }

    /// Counts a card's reviews at the stage at `slot` as one card judged, by the verdict that
    /// stands on it, for `owner` (the card's now). `open_here`: the card is open at that stage
    /// now, so the stage's estimate knows it for certain; `flagged`: it is flagged now, the
    /// stratum it counts in. Whether it counted (judged or disputed).
    fn count_card(
        &mut self,
        slot: usize,
        owner: Owner,
        reviews: &CardReviews,
        open_here: bool,
        flagged: bool,
    ) -> bool {
        let checklist = self.checklist(slot);
        let t = self.slots[slot].by_owner.entry(owner).or_default();
        let pick = match reviews.settled() {
            Settled::Nothing => return false,
            Settled::Disputed => {
                t.disputed += 1;
                return true;
            }
            Settled::Judged(pick) => pick,
        };
        let mismatch = pick.verdict != Verdict::Ok;
        if open_here {
            t.open_judged += 1;
            t.open_mismatches += u64::from(mismatch);
        }
        t.judged_by(pick);
        t.judged_in_stratum(flagged, mismatch, open_here);
        t.decided_elsewhere += u64::from(pick.elsewhere);
        let mut answered = false;
        for (id, failed) in pick.answered.items(checklist) {
            answered = true;
            t.count_item(slot, id, failed, mismatch);
        }
        t.mismatches_unanswered += u64::from(mismatch && !answered);
        true
    }

    /// Counts a card once for `owner` (the card's now), its reviews at every stage settled as
    /// one: the totals' and the manager's sample, and the week of the verdict that stands.
    /// Checklist items stay the stages' (each item belongs to one stage's checklist).
    fn count_once(&mut self, owner: Owner, flagged: bool, reviews: &CardReviews) {
        let t = self.once.entry(owner).or_default();
        let pick = match reviews.settled() {
            Settled::Nothing => return,
            Settled::Disputed => {
                t.disputed += 1;
                return;
            }
            Settled::Judged(pick) => pick,
        };
        let mismatch = pick.verdict != Verdict::Ok;
        t.judged_by(pick);
        t.judged_in_stratum(flagged, mismatch, false);
        t.mismatches_unanswered += u64::from(mismatch && pick.answered.is_empty());
        let week = self.weeks.entry(trend::monday(pick.day)).or_default();
        week.judged += 1;
        week.mismatches += u64::from(mismatch);
    }

    /// Adds what another collector over the same funnel, day and window counted (the other half
    /// of the cards, read on another thread): the figures come out as if one had counted all.
    pub fn absorb(&mut self, other: Collector<'_>) {
        let crm: Vec<u32> = other.crm.iter().map(|c| self.crm(&c.name)).collect();
        let owners: Vec<Owner> = other.owners.iter().map(|o| self.owner(Some(o))).collect();
        let owner = |o: Owner| if o == NO_OWNER { o } else { owners[o as usize] };
        // The funnel's stages have one index everywhere; a stage it does not know is named as
        // the CRM names it.
        let mut slots = Vec::with_capacity(other.slots.len());
        for (i, s) in other.slots.iter().enumerate() {
            slots.push(match s.kind {
                Some(_) => i,
                None => {
                    let c = self.crm(&s.name);
                    self.crm[c as usize].slot
                }
            });
        }
        for (c, theirs) in crm.iter().zip(&other.crm) {
            let mine = &mut self.crm[*c as usize];
            mine.cards += theirs.cards;
            mine.gone += theirs.gone;
            mine.flagged += theirs.flagged;
            mine.reviewed += theirs.reviewed;
            for v in Verdict::ALL {
                mine.verdicts.add(v, theirs.verdicts.get(v));
            }
        }
        for (i, slot) in other.slots.into_iter().enumerate() {
            for (o, mut t) in slot.by_owner {
                t.items = std::mem::take(&mut t.items)
                    .into_iter()
                    .map(|(s, items)| (slots[s], items))
                    .collect();
                let mine = self.slots[slots[i]].by_owner.entry(owner(o)).or_default();
                mine.merge(&t);
            }
        }
        for (id, c) in other.cards.iter() {
            let c = CardRef {
                crm: crm[c.crm as usize],
                owner: owner(c.owner),
                ..c
            };
            self.cards.insert(id, c);
        }
        for ((card, slot), theirs) in other.judged {
            let slot = slots[slot as usize] as u32;
            self.judged.entry((card, slot)).or_default().merge(theirs);
        }
        self.without_card += other.without_card;
        for (week, counts) in other.weeks {
            self.weeks.entry(week).or_default().add(counts);
        }
        self.returned += other.returned;
        self.last_review = self.last_review.max(other.last_review);
        self.in_window += other.in_window;
        self.left_out.add(other.left_out);
    }

    pub fn finish(mut self) -> (Analytics, StageCounts) {
        // Each card judged counts for its owner now. A stage's row counts it by its reviews
        // there. Its reviews at every stage settled as one make the verdict that stands on the
        // card: by it the card counts once in the totals, its manager's row and the trend, and
        // (not gone) once at its CRM stage now, as the CRM export takes it.
        let mut standing: Map<i64, (CardReviews, u32)> = Map::default();
        for ((card, slot), reviews) in std::mem::take(&mut self.judged) {
            let now = self.cards.get(card);
            let owner = now.map_or(NO_OWNER, |c| c.owner);
            let open_here =
                now.is_some_and(|c| c.open && self.crm[c.crm as usize].slot == slot as usize);
            let flagged = now.is_some_and(|c| c.flagged);
            let counted = self.count_card(slot as usize, owner, &reviews, open_here, flagged);
            let (all, stages) = standing.entry(card).or_default();
            all.merge(reviews);
            *stages += u32::from(counted);
        }
        for (card, (reviews, stages)) in standing {
            let Some(now) = self.cards.get(card) else {
                continue;
            };
            self.count_once(now.owner, now.flagged, &reviews);
            self.several_stages += u64::from(stages > 1);
            if now.gone {
                continue;
            }
            // A card whose every review was sent back is not reviewed: it waits in the queue
            // for a new verdict (and counts in no sample), as the auditor's queue counts it.
            let at = &mut self.crm[now.crm as usize];
            match reviews.settled() {
                Settled::Judged(pick) => {
                    at.reviewed += 1;
                    at.verdicts.add(pick.verdict, 1);
                }
                Settled::Disputed => at.reviewed += 1,
                Settled::Nothing => {}
            }
        }
        let counts = self.stage_counts();
        (self.analytics(), counts)
    }

    /// The per-stage table's inputs, by CRM name in byte order (as the store used to list them).
    fn stage_counts(&self) -> StageCounts {
        let mut crm: Vec<&CrmStage> = self.crm.iter().filter(|c| c.cards + c.gone > 0).collect();
        crm.sort_by(|a, b| a.name.cmp(&b.name));
        let mut counts = StageCounts::default();
        for c in crm {
            counts.stages.push(CrmStageCount {
                stage: c.name.clone(),
                cards: c.cards,
                gone: c.gone,
            });
            if c.flagged > 0 {
                counts.flagged.push((c.name.clone(), c.flagged));
            }
            if c.reviewed > 0 {
                counts.reviewed.push((c.name.clone(), c.reviewed));
            }
            for v in Verdict::ALL {
                let n = c.verdicts.get(v);
                if n > 0 {
                    counts.verdicts.push((c.name.clone(), v, n));
                }
            }
        }
        counts
    }

    fn analytics(&self) -> Analytics {
        let info = |stage: usize, id: &str| self.item_info(stage, id);
        let group = |t: &Tally, strata: &Stratified| Group {
            cards: t.cards,
            flagged: t.flagged,
            figures: t.figures(&info, strata.total(t.judged)).with_strata(strata),
        };
        let merged: Vec<Tally> = self.slots.iter().map(Slot::merged).collect();
        let strata: Vec<Stratified> = merged.iter().map(Tally::own_strata).collect();
        let order = self.stage_order(&merged);
        let stages = order
            .iter()
            .map(|&i| StageGroup {
                stage: self.slots[i].name.clone(),
                known: self.slots[i].kind.is_some(),
                group: group(&merged[i], &strata[i]),
            })
            .collect();
        // The funnel's likely lying cards: each stage's estimate (its strata's shares not ok
        // over their own open cards), summed over the stages with a card judged (stages differ,
        // and so do their samples). The strata are summed over the same stages, so that what
        // the total leaves unsampled is said of the stages it speaks for.
        let total = merged
            .iter()
            .filter_map(Tally::own_estimate)
            .reduce(Estimate::plus);
        let total_strata = (merged.iter().zip(&strata))
            .filter(|(t, _)| t.judged > 0)
            .map(|(_, s)| *s)
            .reduce(Stratified::plus)
            .unwrap_or_default();
        let (totals, managers) = self.managers();
        Analytics {
            window: self.window,
            today: self.today,
            totals: Group {
                cards: totals.cards,
                flagged: totals.flagged,
                figures: totals.figures(&info, total).with_strata(&total_strata),
            },
            returned: self.returned,
            without_card: self.without_card,
            all_left_out: (self.in_window == 0 && self.left_out.reviews > 0)
                .then_some(self.left_out),
            last_review: self.last_review,
            several_stages: self.several_stages,
            stages,
            managers: managers
                .iter()
                .map(|(owner, t, over, by_stage, samples)| ManagerGroup {
                    manager: owner.cloned(),
                    group: group(t, &t.strata_over(*over)),
                    judged_by_stage: by_stage.clone(),
                    stage_samples: *samples,
                    changed_stages: Vec::new(),
                })
                .collect(),
            bottlenecks: self.bottlenecks(&order, &merged, &info),
            trend: trend::weeks(&self.weeks, &self.window),
        }
    }

    /// A checklist item as the tables name it; an id the funnel no longer has stands for itself.
    fn item_info(&self, stage: usize, id: &str) -> ItemInfo {
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
    }

    /// Funnel stages in order, then unknown ones by cards (most first), then name.
    fn stage_order(&self, merged: &[Tally]) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.slots.len()).collect();
        let known = self.funnel.stages.len();
        order[known..].sort_by(|&a, &b| {
            merged[b]
                .cards
                .cmp(&merged[a].cards)
                .then(self.slots[a].name.cmp(&self.slots[b].name))
        });
        order
    }

    /// Everyone's counts together, and each manager's across the stages (each card judged
    /// counted once, by the verdict that stands on it) with the open cards their estimate
    /// speaks for (theirs at the stages where a card of theirs was judged):
    /// ranked managers by the cards likely lying, then those with too few cards judged to
    /// rank, by cards.
    fn managers(&self) -> (Tally, Vec<ManagerTally<'_>>) {
        let mut totals = Tally::default();
        let mut once = Tally::default();
        type Sum = (Tally, [u64; 2], Vec<(String, BTreeMap<i64, u64>)>, u64);
        let mut managers: BTreeMap<Option<&String>, Sum> = BTreeMap::new();
        for slot in &self.slots {
            for (owner, t) in &slot.by_owner {
                let m = managers
                    .entry(self.owners.get(*owner as usize))
                    .or_default();
                m.0.merge(t);
                m.3 += t.judged;
                if t.judged > 0 {
                    for (over, s) in m.1.iter_mut().zip(&t.strata) {
                        *over += s.open;
                    }
                    if slot.kind.is_some() {
                        m.2.push((slot.name.clone(), t.judged_by_version.clone()));
                    }
                }
                totals.merge(t);
            }
        }
        for (owner, t) in &self.once {
            let m = managers
                .entry(self.owners.get(*owner as usize))
                .or_default();
            m.0.count_cards_as(t);
            once.merge(t);
        }
        totals.count_cards_as(&once);
        let mut managers: Vec<ManagerTally<'_>> = managers
            .into_iter()
            .map(|(m, (t, over, by_stage, samples))| (m, t, over, by_stage, samples))
            .collect();
        managers.sort_by(|(a, ta, oa, _, _), (b, tb, ob, _, _)| {
            let lying = |t: &Tally, over: [u64; 2]| {
                (t.strata_over(over).total(t.judged).filter(|_| t.ranked()))
                    .map_or(-1.0, |e| e.lying)
            };
            tb.ranked()
                .cmp(&ta.ranked())
                .then(lying(tb, *ob).total_cmp(&lying(ta, *oa)))
                .then(tb.cards.cmp(&ta.cards))
                .then(a.cmp(b))
        });
        (totals, managers)
    }

    /// Stages, and managers at a stage (stages in `order`, managers by name), ranked.
    fn bottlenecks(&self, order: &[usize], merged: &[Tally], info: Namer) -> Bottlenecks {
        let stage_candidates = order
            .iter()
            .map(|&i| (self.slots[i].name.clone(), None, &merged[i]))
            .collect();
        let mut pair_candidates = Vec::new();
        for &i in order {
            let mut cells: Vec<(Option<&String>, &Tally)> = self.slots[i]
                .by_owner
                .iter()
                .map(|(o, t)| (self.owners.get(*o as usize), t))
                .collect();
            cells.sort_by(|a, b| a.0.cmp(&b.0));
            for (owner, t) in cells {
                pair_candidates.push((self.slots[i].name.clone(), owner.cloned(), t));
            }
        }
        let (stages, unranked_stages) = bottlenecks::rank(stage_candidates, info);
        let (pairs, unranked_pairs) = bottlenecks::rank(pair_candidates, info);
        Bottlenecks {
            stages,
            pairs,
            unranked_stages,
            unranked_pairs,
        }
    }
}
