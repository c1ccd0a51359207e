//! Calibration: a reproducible sample of a stage's cards that several auditors judge, and how
//! far their verdicts and checklist answers agree.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rand::SeedableRng;
use rand::seq::IndexedRandom;
use serde::Serialize;

use super::Funnel;
use super::agreement::{Ratings, cohen_kappa, krippendorff_alpha, percent_agreement};
use super::funnel::ChecklistItem;
use super::judge_again::{Again, CardNow, judge_again};
use super::review::Verdict;
use super::score::{Answer, Answers};

/// A card by its CRM identity: (source, external id).
pub type CardKey = (String, String);

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// A calibration as stored and carried in bundles (its time in the bundle's spelling: the
/// record travels signed as written).
pub struct Calibration {
    pub id: String,
    pub stage: String,
    pub seed: u64,
    pub auditors: Vec<String>,
    pub created_by: String,
    pub created_at: String,
    /// In sample order.
    pub cards: Vec<CardKey>,
    /// When and by whom the lead ended it; `None`: open. Not part of what its creator signed:
    /// a bundle carries the end beside it, signed apart by whoever ended it
    /// (`records::CalibrationRecord`).
    #[serde(skip)]
    pub end: Option<Ended>,
}

/// A calibration's end: when (the store's time shape) and who ended it. An ended
/// calibration's cards no longer come first in its auditors' queues nor keep a card from a
/// prune, and its report reads the reviews as they stood at the end.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ended {
    pub at: String,
    pub by: String,
}

impl Ended {
    /// Whether this end stands before `other`, when two stores ended one calibration: the
    /// earlier stands (then the ender's name first in order), so that every store that sees
    /// both keeps the same one, whichever came first. An end is never taken back.
    pub fn stands_before(&self, other: &Ended) -> bool {
        self < other
    }
}

impl Calibration {
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }

    /// The calibration as it was started, without its end: what its creator signed, and what
    /// two stores' copies of it must agree on.
    pub fn as_started(&self) -> Calibration {
        Calibration {
            end: None,
            ..self.clone()
        }
    }

    /// Whether a review made at `at` (the store's time shape, compared as the stores compare
    /// it) falls in the calibration: at or after its start, and not after its end.
    pub fn spans(&self, at: &str) -> bool {
        self.created_at.as_str() <= at && self.end.as_ref().is_none_or(|e| at <= e.at.as_str())
    }
}

/// A name `--auditors` gave that the store knows nobody by, with the known names it may have
/// meant, the likeliest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownAuditor {
    pub name: String,
    pub like: Vec<String>,
}

/// The names offered for one unknown.
const LIKE_SHOWN: usize = 3;

/// The names of `auditors` that none of `known` is (the store's users and the authors of its
/// reviews), each with the known names closest to it: a calibration for a name misspelt is
/// judged by nobody, and its cards wait first in no queue.
pub fn unknown_auditors(auditors: &[String], known: &[String]) -> Vec<UnknownAuditor> {
    auditors
        .iter()
        .filter(|a| !known.contains(a))
        .map(|a| UnknownAuditor {
            name: a.clone(),
            like: (super::names::closest(a, known, LIKE_SHOWN).into_iter())
                .map(str::to_string)
                .collect(),
        })
        .collect()
}

/// `n` cards drawn from `pool` with `seed`: the same pool and seed give the same cards, in the
/// same order, on any machine (ChaCha8, a fixed algorithm).
pub fn sample(pool: &[CardKey], n: usize, seed: u64) -> Vec<CardKey> {
    let mut sorted = pool.to_vec();
    sorted.sort();
    sorted.dedup();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    sorted.choose_multiple(&mut rng, n).cloned().collect()
}

/// One auditor's answer on one calibration card.
#[derive(Debug, Clone, PartialEq)]
pub struct Judgement {
    pub card: CardKey,
    pub auditor: String,
    pub verdict: Verdict,
    pub answers: Answers,
    /// The card's stage when judged, as the CRM named it.
    pub stage: String,
    /// The digest of the card as judged (`reviews.card_hash`); `None` where the review kept
    /// none.
    pub digest: Option<i64>,
}

/// One review of a calibration card as a store reads it: of an open calibration, a current
/// review made since it began; of an ended one, any review made while it ran and not withdrawn
/// by its end ([`Judged::finish`] keeps each auditor's latest of those).
#[derive(Debug, Clone, Copy)]
pub struct ReviewRead<'a> {
    pub id: &'a str,
    pub auditor: &'a str,
    pub verdict: &'a str,
    /// The checklist answers, as JSON.
    pub checklist: &'a str,
    pub stage: &'a str,
    pub digest: Option<i64>,
    /// When it was made (the store's time shape).
    pub at: &'a str,
    /// The verdict the lead's standing decision on the review gives (the auditor's on an
    /// accept, the lead's on an override).
    pub lead: Option<&'a str>,
}

/// The lead's verdict on a calibration card, from the decision on one review of it, with the
/// stage and the card's digest that review saw: a reference for the judgements made alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub card: CardKey,
    pub verdict: Verdict,
    pub stage: String,
    pub digest: Option<i64>,
}

/// One review taken, until [`Judged::finish`] keeps each auditor's latest.
#[derive(Debug)]
struct Taken {
    card: CardKey,
    id: String,
    at: String,
    auditor: String,
    verdict: Verdict,
    answers: Answers,
    stage: String,
    digest: Option<i64>,
    lead: Option<Verdict>,
}

/// What a calibration's reviews say, gathered review by review (on either backend), then
/// [`Judged::finish`]ed: each listed auditor's judgement, and the lead's verdicts on the cards.
#[derive(Debug, Default)]
pub struct Judged {
    taken: Vec<Taken>,
}

impl Judged {
    /// One review `r` of `card`.
    pub fn take(&mut self, card: &CardKey, r: ReviewRead<'_>) {
        self.taken.push(Taken {
            card: card.clone(),
            id: r.id.to_string(),
            at: r.at.to_string(),
            auditor: r.auditor.to_string(),
            verdict: Verdict::from_name(r.verdict).unwrap_or(Verdict::Unclear),
            answers: serde_json::from_str::<Answers>(r.checklist).unwrap_or_default(),
            stage: r.stage.to_string(),
            digest: r.digest,
            lead: r.lead.and_then(Verdict::from_name),
        });
    }

    /// Each auditor's latest review of each card (of an ended calibration, the one that stood
    /// at its end; of an open one its current review, the only one read), in the order they
    /// were made: the judgements of `c`'s listed auditors, and the lead's verdicts on any of
    /// those reviews.
    pub fn finish(mut self, c: &Calibration) -> (Vec<Judgement>, Vec<Reference>) {
        self.taken
            .sort_by(|a, b| (&a.at, &a.id).cmp(&(&b.at, &b.id)));
        let mut latest: BTreeMap<(&CardKey, &str), usize> = BTreeMap::new();
        for (i, t) in self.taken.iter().enumerate() {
            latest.insert((&t.card, &t.auditor), i);
        }
        let mut kept: Vec<usize> = latest.into_values().collect();
        kept.sort_unstable();
        let mut judged = Vec::new();
        let mut references = Vec::new();
        for t in kept.into_iter().map(|i| &self.taken[i]) {
            if let Some(v) = t.lead {
                references.push(Reference {
                    card: t.card.clone(),
                    verdict: v,
                    stage: t.stage.clone(),
                    digest: t.digest,
                });
            }
            if c.auditors.contains(&t.auditor) {
                judged.push(Judgement {
                    card: t.card.clone(),
                    auditor: t.auditor.clone(),
                    verdict: t.verdict,
                    answers: t.answers.clone(),
                    stage: t.stage.clone(),
                    digest: t.digest,
                });
            }
        }
        (judged, references)
    }
}

/// Which calibration a review belongs to: the latest made, at or before the review (and not
/// ended before it), of those that sample its card and name its auditor — the reviews a
/// calibration's report reads (`reviews.created_at >= calibrations.created_at`, compared as the
/// stores compare them).
#[derive(Debug, Default)]
pub struct Membership<'a> {
    /// External id → (source, calibration sampling it), the latest made first.
    by_card: HashMap<&'a str, Vec<(&'a str, &'a Calibration)>>,
}

impl<'a> Membership<'a> {
    pub fn new(calibrations: &'a [Calibration]) -> Membership<'a> {
        let mut by_card: HashMap<&str, Vec<_>> = HashMap::new();
        for c in calibrations {
            for (source, id) in &c.cards {
                by_card.entry(id).or_default().push((source.as_str(), c));
            }
        }
        for made in by_card.values_mut() {
            made.sort_by(|(_, a), (_, b)| (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id)));
        }
        Membership { by_card }
    }

    /// The id of the calibration `auditor`'s review of card (`source`, `external_id`) made at
    /// `at` belongs to, if any.
    pub fn of(
        &self,
        (source, external_id): (&str, &str),
        auditor: &str,
        at: &str,
    ) -> Option<&'a str> {
        let made = self.by_card.get(external_id)?;
        made.iter()
            .find(|(s, c)| *s == source && c.spans(at) && c.auditors.iter().any(|a| a == auditor))
            .map(|(_, c)| c.id.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PairAgreement {
    pub a: String,
    pub b: String,
    /// Cards both judged.
    pub cards: usize,
    pub percent: Option<f64>,
    pub kappa: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAgreement {
    pub item: String,
    /// The item's text in the calibration stage's checklist.
    pub text: String,
    /// Cards two auditors or more answered it on: the sample of `percent` and `alpha`.
    pub cards: usize,
    pub percent: Option<f64>,
    pub alpha: Option<f64>,
    /// Judgements compared (made at the calibration's stage, where the item was asked) that
    /// left the item unanswered: they count neither way.
    pub unanswered: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    pub source: String,
    pub id: String,
    /// Auditor → verdict.
    pub verdicts: BTreeMap<String, Verdict>,
    /// The lead's verdict on the card, when the lead has settled it.
    pub reference: Option<Verdict>,
}

/// Judgements of a card made while it stood at another stage than the calibration's (it
/// moved during the calibration): left out of every figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub source: String,
    pub id: String,
    /// Where they were made: the funnel's name of the stage (the CRM's, for one the funnel
    /// does not know).
    pub stage: String,
    pub auditors: Vec<String>,
}

/// A card whose auditors judged it as different contents (the CRM changed it between their
/// reviews: their reviews' digests of it differ): they did not judge the same card, and it is
/// left out of every figure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changed {
    pub source: String,
    pub id: String,
    /// The auditors who judged it at the calibration's stage.
    pub auditors: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub cards: usize,
    pub auditors: Vec<String>,
    /// Cards each auditor has judged so far (wherever the card stood).
    pub judged: BTreeMap<String, usize>,
    /// Cards two auditors or more have judged alike (at the calibration's stage, the same
    /// card): the sample of `percent`, `kappa` and `alpha`.
    pub compared: usize,
    pub percent: Option<f64>,
    pub kappa: Option<f64>,
    pub alpha: Option<f64>,
    pub pairs: Vec<PairAgreement>,
    /// The calibration stage's checklist items, in its order.
    pub items: Vec<ItemAgreement>,
    /// Whether the funnel knows the calibration's stage (else it has no items to list).
    pub stage_known: bool,
    pub disagreements: Vec<Disagreement>,
    pub moved: Vec<Moved>,
    pub changed: Vec<Changed>,
    /// The cards of an open calibration its auditors are asked to judge again, with who
    /// ([`super::judge_again::judge_again`]): first in their queues, marked, until they do.
    pub again: Vec<Again>,
}

/// How an answer compares with another: pass/fail/n-a, or a scale point.
fn answer_key(a: &Answer) -> String {
    match a {
        Answer::Pass => "pass".into(),
        Answer::Fail => "fail".into(),
        Answer::Na => "na".into(),
        Answer::Scale(n) => format!("scale {n}"),
    }
}

/// Agreement of calibration `c`'s auditors over its cards; `judged` holds whatever they have
/// submitted (missing judgements are missing answers); `references` the lead's verdicts on the
/// cards (a card's reference is the lead's verdict on a judgement made alike: see
/// [`reference_agreement`]).
/// A calibration compares like with like: judgements made at the calibration's stage (a card
/// moved elsewhere during it is judged against another stage's checklist: those are left out,
/// [`Report::moved`]), of one and the same card (a card whose auditors judged different
/// contents is left out whole, [`Report::changed`]: which of its versions is the calibration's
/// card nothing says). `now` are the cards as the store holds them now: who is to judge again.
pub fn report(
    c: &Calibration,
    funnel: &Funnel,
    judged: &[Judgement],
    references: &[Reference],
    now: &[CardNow],
) -> Report {
    let sorted = sort_out(c, funnel, judged);
    let reference = &like_references(c, funnel, &sorted, references);
    let (cards, auditors) = (&c.cards[..], &c.auditors[..]);
    let sample = Sample {
        cards,
        auditors,
        judged: &sorted.compared,
    };
    let verdicts: Ratings<Verdict> = sample.ratings(|j| Some(j.verdict));
    let checklist = funnel
        .resolve(&c.stage)
        .map(|i| &funnel.stage(i).checklist[..]);
    Report {
        cards: cards.len(),
        auditors: auditors.to_vec(),
        judged: auditors
            .iter()
            .map(|a| {
                let of = |k: &CardKey| judged.iter().any(|j| &j.card == k && &j.auditor == a);
                (a.clone(), cards.iter().filter(|k| of(k)).count())
            })
            .collect(),
        compared: compared(&verdicts),
        percent: percent_agreement(&verdicts),
        kappa: (auditors.len() == 2)
            .then(|| cohen_kappa(&verdicts, 0, 1))
            .flatten(),
        alpha: krippendorff_alpha(&verdicts),
        pairs: pairs(auditors, &verdicts),
        items: sample.items(checklist.unwrap_or_default()),
        stage_known: checklist.is_some(),
        disagreements: disagreements(&sample, &verdicts, reference),
        moved: sorted.moved,
        changed: sorted.changed,
        again: judge_again(c, judged, now),
    }
}

/// Each auditor's judgement that the report compares, and whether it matched the lead's
/// reference on its card (`okk stats --auditors`' agreement with the lead): like the report, it
/// compares like with like — a judgement made after the card moved to another stage, or of a
/// card whose auditors judged different contents, is left out, and so is a lead's verdict given
/// on a review made at another stage or of other contents than the judgements compared.
pub fn reference_agreement(
    c: &Calibration,
    funnel: &Funnel,
    judged: &[Judgement],
    references: &[Reference],
) -> Vec<(String, bool)> {
    let sorted = sort_out(c, funnel, judged);
    let reference = like_references(c, funnel, &sorted, references);
    (sorted.compared.iter())
        .filter_map(|j| {
            let r = reference.get(&j.card)?;
            Some((j.auditor.clone(), j.verdict == *r))
        })
        .collect()
}

/// The lead's verdict per card, from the decisions on reviews made alike with the judgements
/// compared: at the calibration's stage, of the card as they judged it (the same digest, where
/// both kept one); of a card left out whole, none. The decision on the latest such review
/// stands.
fn like_references(
    c: &Calibration,
    funnel: &Funnel,
    sorted: &Sorted,
    references: &[Reference],
) -> BTreeMap<CardKey, Verdict> {
    let mut out = BTreeMap::new();
    for r in references {
        let left_out =
            (sorted.changed.iter()).any(|x| (&x.source, &x.id) == (&r.card.0, &r.card.1));
        if left_out || funnel.moved(&c.stage, &r.stage) {
            continue;
        }
        let seen: BTreeSet<i64> = (sorted.compared.iter())
            .filter(|j| j.card == r.card)
            .filter_map(|j| j.digest)
            .collect();
        if r.digest
            .is_some_and(|d| !seen.is_empty() && !seen.contains(&d))
        {
            continue;
        }
        out.insert(r.card.clone(), r.verdict);
    }
    out
}

/// A calibration's judgements sorted out: the ones compared, and the ones left out.
struct Sorted {
    compared: Vec<Judgement>,
    moved: Vec<Moved>,
    changed: Vec<Changed>,
}

/// Card by card in sample order, each card's judgements in the calibration's order of
/// auditors: those made at another stage go to `moved` (one entry per stage), and a card whose
/// remaining judgements saw different digests of it goes to `changed`. A review that kept no
/// digest differs from none.
fn sort_out(c: &Calibration, funnel: &Funnel, judged: &[Judgement]) -> Sorted {
    let mut out = Sorted {
        compared: Vec::new(),
        moved: Vec::new(),
        changed: Vec::new(),
    };
    for card in &c.cards {
        let of_card = c
            .auditors
            .iter()
            .flat_map(|a| (judged.iter()).filter(move |j| &j.card == card && &j.auditor == a));
        let (here, elsewhere): (Vec<&Judgement>, Vec<&Judgement>) =
            of_card.partition(|j| !funnel.moved(&c.stage, &j.stage));
        let mut moved: Vec<Moved> = Vec::new();
        for j in elsewhere {
            let stage = funnel
                .resolve(&j.stage)
                .map_or(j.stage.clone(), |i| funnel.stage(i).name.clone());
            match moved.iter_mut().find(|m| m.stage == stage) {
                Some(m) => m.auditors.push(j.auditor.clone()),
                None => moved.push(Moved {
                    source: card.0.clone(),
                    id: card.1.clone(),
                    stage,
                    auditors: vec![j.auditor.clone()],
                }),
            }
        }
        out.moved.extend(moved);
        let digests: BTreeSet<i64> = here.iter().filter_map(|j| j.digest).collect();
        if digests.len() > 1 {
            out.changed.push(Changed {
                source: card.0.clone(),
                id: card.1.clone(),
                auditors: here.iter().map(|j| j.auditor.clone()).collect(),
            });
        } else {
            out.compared.extend(here.into_iter().cloned());
        }
    }
    out
}

/// Units (cards) with two ratings or more: the ones agreement is measured on.
fn compared<T>(ratings: &Ratings<T>) -> usize {
    ratings
        .iter()
        .filter(|u| u.iter().flatten().count() >= 2)
        .count()
}

/// The cards, auditors and judgements compared one report is about.
struct Sample<'a> {
    cards: &'a [CardKey],
    auditors: &'a [String],
    judged: &'a [Judgement],
}

impl Sample<'_> {
    fn find(&self, card: &CardKey, auditor: &str) -> Option<&Judgement> {
        self.judged
            .iter()
            .find(|j| &j.card == card && j.auditor == auditor)
    }

    /// One rating per card and auditor (`None` where the auditor gave none).
    fn ratings<T>(&self, rating: impl Fn(&Judgement) -> Option<T>) -> Ratings<T> {
        self.cards
            .iter()
            .map(|c| {
                self.auditors
                    .iter()
                    .map(|a| self.find(c, a).and_then(&rating))
                    .collect()
            })
            .collect()
    }

    /// Agreement per item of the stage's `checklist`, over the judgements compared (each made
    /// at that stage: every one of them was asked every item); none while nothing is compared.
    fn items(&self, checklist: &[ChecklistItem]) -> Vec<ItemAgreement> {
        if self.judged.is_empty() {
            return Vec::new();
        }
        checklist
            .iter()
            .map(|item| {
                let ratings = self.ratings(|j| j.answers.get(&item.id).map(answer_key));
                ItemAgreement {
                    item: item.id.clone(),
                    text: item.text.clone(),
                    cards: compared(&ratings),
                    percent: percent_agreement(&ratings),
                    alpha: krippendorff_alpha(&ratings),
                    unanswered: (self.judged.iter())
                        .filter(|j| !j.answers.contains_key(&item.id))
                        .count(),
                }
            })
            .collect()
    }
}

/// Agreement of each two auditors on the verdicts.
fn pairs(auditors: &[String], verdicts: &Ratings<Verdict>) -> Vec<PairAgreement> {
    let mut pairs = Vec::new();
    for i in 0..auditors.len() {
        for j in i + 1..auditors.len() {
            let both: Ratings<Verdict> = verdicts.iter().map(|u| vec![u[i], u[j]]).collect();
            pairs.push(PairAgreement {
                a: auditors[i].clone(),
                b: auditors[j].clone(),
                cards: both
                    .iter()
                    .filter(|u| u[0].is_some() && u[1].is_some())
                    .count(),
                percent: percent_agreement(&both),
                kappa: cohen_kappa(&both, 0, 1),
            });
        }
    }
    pairs
}

/// The cards whose auditors gave more than one verdict, with the lead's where there is one.
fn disagreements(
    sample: &Sample<'_>,
    verdicts: &Ratings<Verdict>,
    reference: &BTreeMap<CardKey, Verdict>,
) -> Vec<Disagreement> {
    sample
        .cards
        .iter()
        .zip(verdicts)
        .filter(|(_, u)| {
            let given: BTreeSet<Verdict> = u.iter().flatten().copied().collect();
            given.len() > 1
        })
        .map(|(c, u)| Disagreement {
            source: c.0.clone(),
            id: c.1.clone(),
            verdicts: (sample.auditors.iter())
                .zip(u)
                .filter_map(|(a, v)| v.map(|v| (a.clone(), v)))
                .collect(),
            reference: reference.get(c).copied(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_auditor_the_store_does_not_know_is_named_with_the_names_it_may_mean() {
        let known: Vec<String> = ["anna", "boris", "vera"].map(String::from).to_vec();
        let given: Vec<String> = ["anna", "vrea", "Boris", "dmitry"]
            .map(String::from)
            .to_vec();
        let unknown = |name: &str, like: &[&str]| UnknownAuditor {
            name: name.into(),
            like: like.iter().map(|l| l.to_string()).collect(),
        };
        assert_eq!(
            unknown_auditors(&given, &known),
            [
                unknown("vrea", &["vera"]),
                unknown("Boris", &["boris"]),
                unknown("dmitry", &[])
            ]
        );
        assert!(unknown_auditors(&given[..1], &known).is_empty());
    }

    fn pool(n: usize) -> Vec<CardKey> {
        (0..n)
            .map(|i| ("amocrm".to_string(), format!("{i:05}")))
            .collect()
    }

    #[test]
    fn the_same_seed_draws_the_same_cards_whatever_the_pool_order() {
        let mut p = pool(100);
        let a = sample(&p, 10, 7);
        p.reverse();
        assert_eq!(sample(&p, 10, 7), a);
        assert_ne!(sample(&p, 10, 8), a);
        assert_eq!(a.len(), 10);
        assert_eq!(sample(&pool(3), 10, 7).len(), 3);
    }

    const QUALIFYING: &str = "Квалификация";

    fn calibration(cards: &[CardKey], auditors: &[&str]) -> Calibration {
        Calibration {
            id: "c1".into(),
            stage: QUALIFYING.into(),
            seed: 1,
            auditors: auditors.iter().map(|a| a.to_string()).collect(),
            created_by: "olga".into(),
            created_at: "2026-11-20 09:00:00".into(),
            cards: cards.to_vec(),
            end: None,
        }
    }

    /// `auditor`'s judgement of `card` at `stage`, as the card's digest `digest`.
    fn judged(
        card: &CardKey,
        auditor: &str,
        verdict: Verdict,
        answers: &[(&str, Answer)],
        (stage, digest): (&str, Option<i64>),
    ) -> Judgement {
        Judgement {
            card: card.clone(),
            auditor: auditor.into(),
            verdict,
            answers: answers.iter().map(|(i, x)| (i.to_string(), *x)).collect(),
            stage: stage.into(),
            digest,
        }
    }

    fn item<'r>(r: &'r Report, id: &str) -> &'r ItemAgreement {
        r.items.iter().find(|i| i.item == id).unwrap()
    }

    #[test]
    fn a_hand_computed_calibration() {
        // Three cards, two auditors: they agree on c1 and c2 (ok, ok; dead, dead) and not on c3
        // (ok vs stale). p_o = 2/3; anna: ok 2, dead 1; boris: ok 1, dead 1, stale 1;
        // p_e = (2/3·1/3) + (1/3·1/3) = 1/3; kappa = (2/3 − 1/3) / (1 − 1/3) = 0.5.
        let cards = pool(3);
        let c = calibration(&cards, &["anna", "boris"]);
        let j = |k: usize, a: &str, v: Verdict| {
            let answer = if v == Verdict::Ok {
                Answer::Pass
            } else {
                Answer::Fail
            };
            judged(
                &cards[k],
                a,
                v,
                &[("decision_maker", answer)],
                (QUALIFYING, Some(7)),
            )
        };
        let judgements = vec![
            j(0, "anna", Verdict::Ok),
            j(0, "boris", Verdict::Ok),
            j(1, "anna", Verdict::Dead),
            j(1, "boris", Verdict::Dead),
            j(2, "anna", Verdict::Ok),
            j(2, "boris", Verdict::Stale),
        ];
        let reference = [Reference {
            card: cards[2].clone(),
            verdict: Verdict::Stale,
            stage: QUALIFYING.into(),
            digest: Some(7),
        }];
        let funnel = crate::funnel_config::default_funnel();
        let r = report(&c, &funnel, &judgements, &reference, &[]);
        assert!((r.percent.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.kappa.unwrap() - 0.5).abs() < 1e-9);
        assert_eq!(r.pairs.len(), 1);
        assert_eq!(r.pairs[0].cards, 3);
        assert_eq!(r.disagreements.len(), 1);
        assert_eq!(r.disagreements[0].id, "00002");
        assert_eq!(r.disagreements[0].reference, Some(Verdict::Stale));
        let asked = item(&r, "decision_maker");
        assert_eq!(asked.text, "Определено, кто принимает решение о покупке");
        assert!((asked.percent.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!((r.compared, asked.cards), (3, 3));
        assert!(r.moved.is_empty() && r.changed.is_empty());
    }

    /// Every item of the calibration stage's checklist is listed, in its order, by its text;
    /// one nobody answered is no agreement, and each compared judgement left it unanswered.
    #[test]
    fn items_left_unanswered_count_neither_as_agreement_nor_as_disagreement() {
        let cards = pool(2);
        let c = calibration(&cards, &["anna", "boris"]);
        let j = |k: usize, a: &str, answers: &[(&str, Answer)]| {
            judged(&cards[k], a, Verdict::Stale, answers, (QUALIFYING, None))
        };
        // Nobody touched payment_method on card 0 except anna; on card 1 both answered it
        // differently.
        let (i1, i2) = ("params_filled", "payment_method");
        let judgements = vec![
            j(0, "anna", &[(i1, Answer::Pass), (i2, Answer::Pass)]),
            j(0, "boris", &[(i1, Answer::Pass)]),
            j(1, "anna", &[(i1, Answer::Fail), (i2, Answer::Pass)]),
            j(1, "boris", &[(i1, Answer::Fail), (i2, Answer::Fail)]),
        ];
        let funnel = crate::funnel_config::default_funnel();
        let r = report(&c, &funnel, &judgements, &[], &[]);
        let stage = &funnel.stage(funnel.resolve(QUALIFYING).unwrap()).checklist;
        let listed: Vec<(&str, &str)> = (r.items.iter())
            .map(|i| (i.item.as_str(), i.text.as_str()))
            .collect();
        let expected: Vec<(&str, &str)> = (stage.iter())
            .map(|i| (i.id.as_str(), i.text.as_str()))
            .collect();
        assert_eq!(listed, expected);
        assert_eq!(item(&r, i1).percent, Some(1.0));
        assert_eq!(item(&r, i1).unanswered, 0);
        // Card 0 has one rating of i2 only: it is no agreement; card 1 is a disagreement. Its
        // agreement rests on that one card, and says so.
        assert_eq!(item(&r, i2).percent, Some(0.0));
        assert_eq!(item(&r, i2).unanswered, 1);
        assert_eq!((item(&r, i1).cards, item(&r, i2).cards), (2, 1));
        assert_eq!(item(&r, "next_step").percent, None);
        assert_eq!(item(&r, "next_step").unanswered, 4);
        assert_eq!(r.compared, 2);
        // Nothing judged yet: no items to speak of.
        let none = report(&c, &funnel, &[], &[], &[]);
        assert!(none.items.is_empty() && none.stage_known);
    }

    /// tester31 F2: a card that moved to «Встреча назначена» during a calibration of
    /// «Квалификация» and was judged there is judged against another checklist: that judgement
    /// is left out of every figure (the verdicts, the items and their «unanswered») and named;
    /// one made at an alias of the stage is at the stage.
    #[test]
    fn a_judgement_made_after_the_card_moved_stage_is_left_out_and_named() {
        let cards = pool(4);
        let c = calibration(&cards, &["anna", "boris"]);
        let met = "Встреча назначена";
        let answered = [("decision_maker", Answer::Pass)];
        let mut judgements: Vec<Judgement> = (0..4)
            .map(|k| {
                judged(
                    &cards[k],
                    "anna",
                    Verdict::Ok,
                    &answered,
                    (QUALIFYING, None),
                )
            })
            .collect();
        judgements.extend((0..2).map(|k| {
            judged(
                &cards[k],
                "boris",
                Verdict::Ok,
                &answered,
                (QUALIFYING, None),
            )
        }));
        // The CRM's other name of the stage, which the funnel lists among its aliases.
        judgements.push(judged(
            &cards[2],
            "boris",
            Verdict::Ok,
            &answered,
            ("Выявление потребностей", None),
        ));
        judgements.push(judged(
            &cards[3],
            "boris",
            Verdict::Stale,
            &[
                ("meeting_date_set", Answer::Fail),
                ("address_sent", Answer::Pass),
            ],
            (met, None),
        ));
        let funnel = crate::funnel_config::default_funnel();
        let r = report(&c, &funnel, &judgements, &[], &[]);
        assert_eq!(
            r.moved,
            [Moved {
                source: "amocrm".into(),
                id: "00003".into(),
                stage: met.into(),
                auditors: vec!["boris".into()],
            }]
        );
        // Three cards compared, all alike: no disagreement, and kappa has nothing to say.
        assert_eq!((r.compared, r.percent), (3, Some(1.0)));
        assert!(r.disagreements.is_empty());
        assert_eq!((r.kappa, r.pairs[0].kappa), (None, None));
        assert_eq!(r.pairs[0].cards, 3);
        // The calibration stage's items only; counted over the 7 judgements made there.
        assert!(r.items.iter().all(|i| !i.item.starts_with("meeting_date")));
        assert!(r.items.iter().all(|i| i.item != "address_sent"));
        assert_eq!(item(&r, "decision_maker").unanswered, 0);
        assert_eq!(item(&r, "payment_method").unanswered, 7);
        // Each auditor's count of cards judged is what they did, wherever the card stood.
        assert_eq!(r.judged["boris"], 4);
    }

    /// A card the CRM changed between its auditors' reviews (their digests of it differ) was
    /// not the same card to both: left out whole and named. A review that kept no digest differs
    /// from none; digests of reviews made at another stage do not count.
    #[test]
    fn a_card_its_auditors_judged_as_different_contents_is_left_out_whole() {
        let cards = pool(3);
        let c = calibration(&cards, &["anna", "boris", "vera"]);
        let at = |digest: i64| (QUALIFYING, Some(digest));
        let judgements = vec![
            judged(&cards[0], "anna", Verdict::Ok, &[], at(1)),
            judged(&cards[0], "boris", Verdict::Ok, &[], at(1)),
            judged(&cards[0], "vera", Verdict::Dead, &[], at(2)),
            judged(&cards[1], "anna", Verdict::Ok, &[], at(5)),
            judged(&cards[1], "boris", Verdict::Stale, &[], (QUALIFYING, None)),
            judged(
                &cards[1],
                "vera",
                Verdict::Ok,
                &[],
                ("Встреча назначена", Some(6)),
            ),
            judged(&cards[2], "anna", Verdict::Ok, &[], at(8)),
            judged(&cards[2], "boris", Verdict::Ok, &[], at(8)),
        ];
        let funnel = crate::funnel_config::default_funnel();
        let r = report(&c, &funnel, &judgements, &[], &[]);
        assert_eq!(
            r.changed,
            [Changed {
                source: "amocrm".into(),
                id: "00000".into(),
                auditors: ["anna", "boris", "vera"].map(String::from).to_vec(),
            }]
        );
        assert_eq!(r.moved.len(), 1);
        // Cards 1 (anna ok, boris stale) and 2 (ok, ok): 1 pair of 2 agrees.
        assert_eq!((r.compared, r.percent), (2, Some(0.5)));
        let ids: Vec<&str> = r.disagreements.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["00001"]);
        assert_eq!(r.judged["vera"], 2);
    }

    /// A review belongs to the latest calibration made at or before it that samples its card
    /// and names its auditor.
    #[test]
    fn a_review_belongs_to_the_latest_calibration_of_its_card_and_auditor() {
        let cards = pool(2);
        let mut first = calibration(&cards, &["anna", "boris"]);
        first.id = "first".into();
        let mut second = calibration(&cards[1..], &["anna", "vera"]);
        second.id = "second".into();
        second.created_at = "2026-11-21 09:00:00".into();
        let both = [second, first];
        let m = Membership::new(&both);
        let card = |k: usize| (cards[k].0.as_str(), cards[k].1.as_str());
        assert_eq!(m.of(card(0), "anna", "2026-11-20 09:00:00"), Some("first"));
        assert_eq!(m.of(card(0), "anna", "2026-11-20 08:59:59"), None);
        assert_eq!(m.of(card(0), "vera", "2026-11-22 10:00:00"), None);
        assert_eq!(m.of(card(1), "anna", "2026-11-20 10:00:00"), Some("first"));
        assert_eq!(m.of(card(1), "anna", "2026-11-22 10:00:00"), Some("second"));
        assert_eq!(m.of(card(1), "boris", "2026-11-22 10:00:00"), Some("first"));
        assert_eq!(
            m.of(("bitrix24", &cards[1].1), "anna", "2026-11-22 10:00:00"),
            None
        );
    }

    /// An ended calibration's reviews are the ones made while it ran: a review after its end
    /// belongs to no calibration (the export's `calibration` column is empty for it).
    #[test]
    fn a_review_made_after_its_calibration_ended_belongs_to_none() {
        let cards = pool(1);
        let mut c = calibration(&cards, &["anna", "boris"]);
        c.end = Some(Ended {
            at: "2026-11-21 18:00:00".into(),
            by: "olga".into(),
        });
        let both = [c];
        let m = Membership::new(&both);
        let card = (cards[0].0.as_str(), cards[0].1.as_str());
        assert_eq!(m.of(card, "anna", "2026-11-21 18:00:00"), Some("c1"));
        assert_eq!(m.of(card, "anna", "2026-11-21 18:00:01"), None);
        assert!(!both[0].is_open() && both[0].as_started().is_open());
    }

    /// Of two ends of one calibration the earlier stands, then the ender's name first: the
    /// same one on every store, whichever came first.
    #[test]
    fn of_two_ends_the_earlier_stands() {
        let end = |at: &str, by: &str| Ended {
            at: at.into(),
            by: by.into(),
        };
        let (olga, lena) = (
            end("2026-11-21 18:00:00", "olga"),
            end("2026-11-22 09:00:00", "lena"),
        );
        assert!(olga.stands_before(&lena) && !lena.stands_before(&olga));
        let same_second = end("2026-11-21 18:00:00", "lena");
        assert!(same_second.stands_before(&olga));
        assert!(!olga.stands_before(&olga));
    }

    fn read<'a>(id: &'a str, auditor: &'a str, verdict: &'a str, at: &'a str) -> ReviewRead<'a> {
        ReviewRead {
            id,
            auditor,
            verdict,
            checklist: "{}",
            stage: QUALIFYING,
            digest: Some(1),
            at,
            lead: None,
        }
    }

    /// An ended calibration's store reads every review made while it ran and not withdrawn by
    /// its end: each auditor's latest of them is the one that stood at the end, and only the
    /// listed auditors' are judgements (another's gives the lead's verdict all the same).
    #[test]
    fn each_auditor_s_latest_review_is_their_judgement_and_the_lead_s_decisions_are_references() {
        let cards = pool(2);
        let c = calibration(&cards, &["anna", "boris"]);
        let mut j = Judged::default();
        j.take(
            &cards[0],
            read("a2", "anna", "stale", "2026-11-20 11:00:00"),
        );
        j.take(&cards[0], read("a1", "anna", "ok", "2026-11-20 10:00:00"));
        j.take(
            &cards[0],
            read("b1", "boris", "dead", "2026-11-20 10:30:00"),
        );
        j.take(
            &cards[1],
            ReviewRead {
                lead: Some("dead"),
                ..read("v1", "vera", "ok", "2026-11-20 10:00:00")
            },
        );
        let (judged, references) = j.finish(&c);
        let got: Vec<(&str, &str, Verdict)> = (judged.iter())
            .map(|j| (j.card.1.as_str(), j.auditor.as_str(), j.verdict))
            .collect();
        assert_eq!(
            got,
            [
                ("00000", "boris", Verdict::Dead),
                ("00000", "anna", Verdict::Stale)
            ]
        );
        assert_eq!(
            references,
            [Reference {
                card: cards[1].clone(),
                verdict: Verdict::Dead,
                stage: QUALIFYING.into(),
                digest: Some(1),
            }]
        );
    }

    /// tester31 F3 (session 29's note): `okk stats --auditors`' agreement with the lead counts
    /// what the calibration report compares and nothing else — not a verdict given after the
    /// card moved stage, not a card its auditors judged as different contents, and not against
    /// a lead's verdict given on a review made at another stage.
    #[test]
    fn agreement_with_the_lead_counts_only_the_judgements_the_report_compares() {
        let cards = pool(4);
        let c = calibration(&cards, &["anna", "boris"]);
        let met = "Встреча назначена";
        let at = |digest: i64| (QUALIFYING, Some(digest));
        let judgements = vec![
            // Card 0: alike, the lead says stale: anna matches, boris not.
            judged(&cards[0], "anna", Verdict::Stale, &[], at(1)),
            judged(&cards[0], "boris", Verdict::Ok, &[], at(1)),
            // Card 1: boris judged it after it moved; the lead decided on his review there.
            judged(&cards[1], "anna", Verdict::Ok, &[], at(2)),
            judged(&cards[1], "boris", Verdict::Dead, &[], (met, Some(3))),
            // Card 2: changed between their reviews: left out whole.
            judged(&cards[2], "anna", Verdict::Ok, &[], at(4)),
            judged(&cards[2], "boris", Verdict::Ok, &[], at(5)),
            // Card 3: the lead's verdict on another auditor's review of other contents.
            judged(&cards[3], "anna", Verdict::Ok, &[], at(6)),
        ];
        let reference = |k: usize, v: Verdict, (stage, digest): (&str, Option<i64>)| Reference {
            card: cards[k].clone(),
            verdict: v,
            stage: stage.into(),
            digest,
        };
        let references = [
            reference(0, Verdict::Stale, at(1)),
            reference(1, Verdict::Dead, (met, Some(3))),
            reference(2, Verdict::Ok, at(5)),
            reference(3, Verdict::Dead, at(7)),
        ];
        let funnel = crate::funnel_config::default_funnel();
        let matched = reference_agreement(&c, &funnel, &judgements, &references);
        assert_eq!(
            matched,
            [("anna".to_string(), true), ("boris".to_string(), false)]
        );
        // The report's disagreements name the same reference, and none from elsewhere.
        let r = report(&c, &funnel, &judgements, &references, &[]);
        assert_eq!(r.disagreements.len(), 1);
        assert_eq!(r.disagreements[0].reference, Some(Verdict::Stale));
    }
}
