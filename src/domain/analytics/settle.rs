//! One card's current reviews at one stage, settled into one sample: the verdict that stands on
//! the card (docs/lead.md's final word), or none while the lead has yet to settle it.
//!
//! Kept small while the reviews stream in (the card's owner and stage are the collector's): the
//! latest review the lead approved, the latest still waiting, and whether those waiting split.

use chrono::NaiveDate;

use super::facts::Finding;
use crate::domain::decision::DecisionKind;
use crate::domain::failed::judged_items;
use crate::domain::funnel::ChecklistItem;
use crate::domain::review::Verdict;
use crate::domain::score::Answers;

/// The checklist items one review judged, kept small while its card waits to be settled: the
/// stage's items by their place in its checklist (the first 64), any others by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answered {
    judged: u64,
    failed: u64,
    others: Box<[(Box<str>, bool)]>,
}

impl Answered {
    pub fn new(checklist: &[ChecklistItem], answers: &Answers) -> Answered {
        let mut a = Answered::default();
        let mut others = Vec::new();
        for j in judged_items(checklist, answers) {
            let at = j
                .item
                .and_then(|item| checklist.iter().position(|c| std::ptr::eq(c, item)))
                .filter(|i| *i < 64);
            match at {
                Some(i) => {
                    a.judged |= 1 << i;
                    a.failed |= u64::from(j.failed) << i;
                }
                None => others.push((j.id.into(), j.failed)),
            }
        }
        a.others = others.into_boxed_slice();
        a
    }

    /// No item judged (pass or fail): the checklist says nothing of the card.
    pub fn is_empty(&self) -> bool {
        self.judged == 0 && self.others.is_empty()
    }

    /// (item id, failed) per item judged, in [`judged_items`]' order; `checklist` is the one
    /// [`Answered::new`] was given.
    pub fn items<'a>(
        &'a self,
        checklist: &'a [ChecklistItem],
    ) -> impl Iterator<Item = (&'a str, bool)> + 'a {
        let listed = checklist
            .iter()
            .take(64)
            .enumerate()
            .filter(|(i, _)| self.judged & (1 << i) != 0)
            .map(|(i, item)| (item.id.as_str(), self.failed & (1 << i) != 0));
        listed.chain(self.others.iter().map(|(id, f)| (&**id, *f)))
    }
}

/// One review as its card's sample would take it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// When it was made, `YYYY-MM-DD HH:MM:SS`.
    at: Box<str>,
    /// The auditor, NUL, the review's id: of reviews made in one second, the lowest is the
    /// latest (the CRM export's order: latest first, then by auditor, then by id).
    tie: Box<str>,
    /// As it landed: the lead's on an override.
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub answered: Answered,
    pub day: NaiveDate,
    /// The funnel version it was made under ([`Finding::version`]).
    pub version: Option<i64>,
    /// Its verdict is the lead's decision on another review of the card (one at another stage:
    /// the stage holds none the decision stands on), not what was said of it here: the lead's
    /// word on a card stands over a later review, at any stage (tester40 F2).
    pub elsewhere: bool,
}

impl Pick {
    fn later_than(&self, other: &Pick) -> bool {
        self.at > other.at || (self.at == other.at && self.tie < other.tie)
    }

    fn is_later(review: &Finding, than: &Option<Pick>) -> bool {
        than.as_ref().is_none_or(|p| {
            let at = &*p.at;
            review.at > at || (review.at == at && tie(review.auditor, review.id).as_str() < &*p.tie)
        })
    }
}

fn tie(auditor: &str, id: &str) -> String {
    format!("{auditor}\0{id}")
}

/// What stands on a card at a stage.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Settled<'a> {
    /// One sample: the verdict that stands, with the review it stands on.
    Judged(&'a Pick),
    /// Auditors split on whether the card is ok and the lead has not decided: no sample until
    /// the lead does.
    Disputed,
    /// Every review was sent back: nothing stands until the card is judged again.
    Nothing,
}

/// A card's current reviews at one stage, as they came.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CardReviews {
    /// The latest review the lead accepted or overrode: its word stands, whatever came after.
    approved: Option<Pick>,
    /// The latest review still waiting for the lead.
    waiting: Option<Pick>,
    /// Some waiting review says ok; some says not ok.
    waiting_ok: bool,
    waiting_not_ok: bool,
}

impl CardReviews {
    /// Takes one current review; `answered` reads its checklist answers, only when it is the
    /// latest of its kind so far. A review the lead sent back counts for nothing.
    pub fn add(&mut self, review: &Finding, answered: impl FnOnce() -> Answered) {
        let Some(verdict) = review.landed() else {
            return;
        };
        // The lead's word on the card, where the stores say which review it stands on (the
        // latest decision: not always on the review made latest); else the review's own.
        let approved = match review.settled {
            Some(_) => review.settles,
            None => matches!(
                review.lead,
                Some((DecisionKind::Accept | DecisionKind::Override, _))
            ),
        };
        let slot = if approved {
            &mut self.approved
        } else {
            self.waiting_ok |= verdict == Verdict::Ok;
            self.waiting_not_ok |= verdict != Verdict::Ok;
            &mut self.waiting
        };
        // What was said of the card here: the lead's override of this review, else the
        // auditor's verdict (none once sent back).
        let own = match review.lead {
            Some((DecisionKind::Return, _)) => None,
            Some((DecisionKind::Override, Some(v))) => Some(v),
            _ => Some(review.verdict),
        };
        if Pick::is_later(review, slot) {
            *slot = Some(Pick {
                elsewhere: !approved && review.settled.is_some() && own != Some(verdict),
                at: review.at.into(),
                tie: tie(review.auditor, review.id).into(),
                verdict,
                score: review.score,
                answered: answered(),
                day: review.day,
                version: review.version,
            });
        }
    }

    /// The same card's reviews another collector took.
    pub fn merge(&mut self, other: CardReviews) {
        let later = |mine: &mut Option<Pick>, theirs: Option<Pick>| {
            if let Some(t) = theirs
                && mine.as_ref().is_none_or(|m| t.later_than(m))
            {
                *mine = Some(t);
            }
        };
        later(&mut self.approved, other.approved);
        later(&mut self.waiting, other.waiting);
        self.waiting_ok |= other.waiting_ok;
        self.waiting_not_ok |= other.waiting_not_ok;
    }

    /// The lead's word where the lead approved a review (the latest such); else, when the
    /// reviews waiting for the lead agree the card is ok, or agree it is not, the latest of
    /// them (auditors who found it not ok for different reasons: the latest's reason); else
    /// it is disputed. The CRM export leaves a card out on any split (another stage or owner
    /// too); a share not ok needs only ok or not.
    pub fn settled(&self) -> Settled<'_> {
        if let Some(p) = &self.approved {
            return Settled::Judged(p);
        }
        match &self.waiting {
            None => Settled::Nothing,
            Some(_) if self.waiting_ok && self.waiting_not_ok => Settled::Disputed,
            Some(p) => Settled::Judged(p),
        }
    }
}

/// Cards judged per stage as the CRM named it when reviewed, each card once by the verdict that
/// stands on it (a disputed card in no count), as `okk stats` counts its samples: what `okk
/// funnel suggest` weighs a stage's share not ok by.
#[derive(Debug, Default)]
pub struct StageSamples {
    cards: crate::domain::fx::FxMap<CardAtStage, CardReviews>,
}

/// (CRM source, CRM id, stage when reviewed).
type CardAtStage = (Box<str>, Box<str>, Box<str>);

impl StageSamples {
    pub fn add(&mut self, review: &Finding) {
        let (source, id) = review.crm_card;
        let key = (source.into(), id.into(), review.stage.into());
        self.cards
            .entry(key)
            .or_default()
            .add(review, Answered::default);
    }

    /// (stage, cards judged, not ok), by stage bytewise.
    pub fn finish(self) -> Vec<(String, u64, u64)> {
        let mut per: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
        for ((_, _, stage), reviews) in self.cards {
            if let Settled::Judged(p) = reviews.settled() {
                let e = per.entry(stage.into()).or_default();
                e.0 += 1;
                e.1 += u64::from(p.verdict != Verdict::Ok);
            }
        }
        per.into_iter().map(|(s, (n, bad))| (s, n, bad)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::score::Answer;

    fn review<'a>(
        id: &'a str,
        auditor: &'a str,
        at: &'a str,
        verdict: Verdict,
        lead: Option<(DecisionKind, Option<Verdict>)>,
    ) -> Finding<'a> {
        static NONE: Answers = Answers::new();
        Finding {
            id,
            card: Some(1),
            crm_card: ("amocrm", "1"),
            auditor,
            stage: "Бронирование",
            verdict,
            lead,
            settled: None,
            settles: false,
            score: None,
            answers: &NONE,
            at,
            day: NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
            version: None,
        }
    }

    fn settle(reviews: &[Finding]) -> Option<Option<Verdict>> {
        let mut c = CardReviews::default();
        for r in reviews {
            c.add(r, Answered::default);
        }
        match c.settled() {
            Settled::Judged(p) => Some(Some(p.verdict)),
            Settled::Disputed => Some(None),
            Settled::Nothing => None,
        }
    }

    const T1: &str = "2026-11-02 10:00:00";
    const T2: &str = "2026-11-02 11:00:00";

    /// The lead overrode anna's later review, then accepted boris's earlier one: the latest
    /// decision settles the card (the stores say which review it stands on), and the card's
    /// sample is that review's, score and all, not the review made latest.
    #[test]
    fn the_sample_is_the_review_the_settling_decision_stands_on() {
        let settled = |mut r: Finding<'static>, settles: bool| {
            r.settled = Some(Verdict::Stale);
            r.settles = settles;
            r
        };
        let boris = Finding {
            score: Some(0.25),
            ..settled(
                review(
                    "b",
                    "boris",
                    T1,
                    Verdict::Stale,
                    Some((DecisionKind::Accept, None)),
                ),
                true,
            )
        };
        let anna = Finding {
            score: Some(1.0),
            ..settled(
                review(
                    "a",
                    "anna",
                    T2,
                    Verdict::Ok,
                    Some((DecisionKind::Override, Some(Verdict::Dead))),
                ),
                false,
            )
        };
        let mut c = CardReviews::default();
        c.add(&anna, Answered::default);
        c.add(&boris, Answered::default);
        let Settled::Judged(p) = c.settled() else {
            panic!("settled by the lead");
        };
        assert_eq!((p.verdict, p.score), (Verdict::Stale, Some(0.25)));
    }

    #[test]
    fn two_auditors_who_agree_make_one_sample_of_their_verdict() {
        let both = [
            review("a", "anna", T1, Verdict::Stale, None),
            review("b", "boris", T2, Verdict::Dead, None),
        ];
        // Not ok by both; the latest's reason.
        assert_eq!(settle(&both), Some(Some(Verdict::Dead)));
        let ok = [
            review("a", "anna", T1, Verdict::Ok, None),
            review("b", "boris", T2, Verdict::Ok, None),
        ];
        assert_eq!(settle(&ok), Some(Some(Verdict::Ok)));
    }

    #[test]
    fn a_split_waits_for_the_lead_whose_word_then_stands_over_any_later_review() {
        let split = [
            review("a", "anna", T1, Verdict::Ok, None),
            review("b", "boris", T2, Verdict::Stale, None),
        ];
        assert_eq!(settle(&split), Some(None));
        // The lead accepts anna's ok: it stands over boris's later stale.
        let settled = [
            review(
                "a",
                "anna",
                T1,
                Verdict::Ok,
                Some((DecisionKind::Accept, None)),
            ),
            review("b", "boris", T2, Verdict::Stale, None),
        ];
        assert_eq!(settle(&settled), Some(Some(Verdict::Ok)));
        // An override lands as the lead's verdict.
        let over = [review(
            "a",
            "anna",
            T1,
            Verdict::Ok,
            Some((DecisionKind::Override, Some(Verdict::Dead))),
        )];
        assert_eq!(settle(&over), Some(Some(Verdict::Dead)));
    }

    #[test]
    fn a_review_sent_back_counts_for_nothing() {
        let back = Some((DecisionKind::Return, None));
        assert_eq!(settle(&[review("a", "anna", T1, Verdict::Ok, back)]), None);
        let with_other = [
            review("a", "anna", T1, Verdict::Ok, back),
            review("b", "boris", T2, Verdict::Stale, None),
        ];
        assert_eq!(settle(&with_other), Some(Some(Verdict::Stale)));
    }

    #[test]
    fn in_one_second_the_auditor_first_by_name_is_the_latest_whatever_the_order() {
        let a = review("z", "anna", T1, Verdict::Stale, None);
        let b = review("a", "boris", T1, Verdict::Dead, None);
        assert_eq!(settle(&[a.clone(), b.clone()]), Some(Some(Verdict::Stale)));
        assert_eq!(settle(&[b.clone(), a.clone()]), Some(Some(Verdict::Stale)));
        // Merged from two halves, the same.
        let (mut one, mut two) = (CardReviews::default(), CardReviews::default());
        one.add(&b, Answered::default);
        two.add(&a, Answered::default);
        one.merge(two);
        assert!(matches!(one.settled(), Settled::Judged(p) if p.verdict == Verdict::Stale));
    }

    #[test]
    fn answers_are_kept_by_their_place_in_the_checklist_and_read_back_by_id() {
        let funnel = crate::funnel_config::default_funnel();
        let checklist = &funnel
            .stage(funnel.resolve("Встреча проведена").unwrap())
            .checklist;
        let (first, third) = (checklist[0].id.clone(), checklist[2].id.clone());
        let answers = Answers::from([
            (third.clone(), Answer::Fail),
            (first.clone(), Answer::Pass),
            ("gone_item".to_string(), Answer::Fail),
            (checklist[1].id.clone(), Answer::Na),
        ]);
        let a = Answered::new(checklist, &answers);
        let items: Vec<(&str, bool)> = a.items(checklist).collect();
        assert_eq!(
            items,
            [
                (first.as_str(), false),
                (third.as_str(), true),
                ("gone_item", true)
            ]
        );
    }

    #[test]
    fn a_stage_counts_each_card_once_and_a_disputed_one_not_at_all() {
        fn on(samples: &mut StageSamples, card: &str, id: &str, who: &str, v: Verdict, at: &str) {
            let mut r = review(id, who, at, v, None);
            r.crm_card = ("amocrm", card);
            samples.add(&r);
        }
        let mut samples = StageSamples::default();
        // Card 1: two auditors agree it is stale: one card not ok.
        on(&mut samples, "1", "a", "anna", Verdict::Stale, T1);
        on(&mut samples, "1", "b", "boris", Verdict::Dead, T2);
        // Card 2: ok by one. Card 3: ok and stale, no lead: disputed, in no count.
        on(&mut samples, "2", "c", "anna", Verdict::Ok, T1);
        on(&mut samples, "3", "d", "anna", Verdict::Ok, T1);
        on(&mut samples, "3", "e", "boris", Verdict::Stale, T2);
        assert_eq!(samples.finish(), [("Бронирование".to_string(), 2, 1)]);
    }
}
