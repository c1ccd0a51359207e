//! Calibration: a reproducible sample of a stage's cards that several auditors judge, and how
//! far their verdicts and checklist answers agree.

use std::collections::{BTreeMap, BTreeSet};

use rand::SeedableRng;
use rand::seq::IndexedRandom;
use serde::Serialize;

use super::agreement::{Ratings, cohen_kappa, krippendorff_alpha, percent_agreement};
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
}

/// What a calibration's current reviews say, gathered review by review (on either backend):
/// each listed auditor's judgement, and each card's reference (the lead's standing verdict).
#[derive(Debug, Default)]
pub struct Judged {
    pub judgements: Vec<Judgement>,
    pub reference: BTreeMap<CardKey, Verdict>,
}

impl Judged {
    /// One current review of `card` by `auditor`; `lead`: the verdict the lead's standing
    /// decision on it gives (the auditor's on an accept, the lead's on an override).
    pub fn take(
        &mut self,
        c: &Calibration,
        card: &CardKey,
        auditor: String,
        (verdict, checklist): (&str, &str),
        lead: Option<&str>,
    ) {
        if let Some(v) = lead.and_then(Verdict::from_name) {
            self.reference.insert(card.clone(), v);
        }
        if !c.auditors.contains(&auditor) {
            return;
        }
        self.judgements.push(Judgement {
            card: card.clone(),
            auditor,
            verdict: Verdict::from_name(verdict).unwrap_or(Verdict::Unclear),
            answers: serde_json::from_str::<Answers>(checklist).unwrap_or_default(),
        });
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
    /// Cards two auditors or more answered it on: the sample of `percent` and `alpha`.
    pub cards: usize,
    pub percent: Option<f64>,
    pub alpha: Option<f64>,
    /// Judgements that left the item unanswered: they count neither way.
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub cards: usize,
    pub auditors: Vec<String>,
    /// Cards each auditor has judged so far.
    pub judged: BTreeMap<String, usize>,
    /// Cards two auditors or more have judged: the sample of `percent`, `kappa` and `alpha`.
    pub compared: usize,
    pub percent: Option<f64>,
    pub kappa: Option<f64>,
    pub alpha: Option<f64>,
    pub pairs: Vec<PairAgreement>,
    pub items: Vec<ItemAgreement>,
    pub disagreements: Vec<Disagreement>,
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

/// Agreement over `cards` (in sample order) among `auditors`; `judged` holds whatever the
/// auditors have submitted (missing judgements are missing answers); `reference` the lead's
/// verdict per card.
pub fn report(
    cards: &[CardKey],
    auditors: &[String],
    judged: &[Judgement],
    reference: &BTreeMap<CardKey, Verdict>,
) -> Report {
    let sample = Sample {
        cards,
        auditors,
        judged,
    };
    let verdicts: Ratings<Verdict> = sample.ratings(|j| Some(j.verdict));
    Report {
        cards: cards.len(),
        auditors: auditors.to_vec(),
        judged: auditors
            .iter()
            .map(|a| {
                let n = cards.iter().filter(|c| sample.find(c, a).is_some()).count();
                (a.clone(), n)
            })
            .collect(),
        compared: compared(&verdicts),
        percent: percent_agreement(&verdicts),
        kappa: (auditors.len() == 2)
            .then(|| cohen_kappa(&verdicts, 0, 1))
            .flatten(),
        alpha: krippendorff_alpha(&verdicts),
        pairs: pairs(auditors, &verdicts),
        items: sample.items(),
        disagreements: disagreements(&sample, &verdicts, reference),
    }
}

/// Units (cards) with two ratings or more: the ones agreement is measured on.
fn compared<T>(ratings: &Ratings<T>) -> usize {
    ratings
        .iter()
        .filter(|u| u.iter().flatten().count() >= 2)
        .count()
}

/// The cards, auditors and judgements one report is about.
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

    /// Agreement per checklist item any judgement answers.
    fn items(&self) -> Vec<ItemAgreement> {
        let item_ids: BTreeSet<&String> =
            self.judged.iter().flat_map(|j| j.answers.keys()).collect();
        item_ids
            .into_iter()
            .map(|id| {
                let ratings = self.ratings(|j| j.answers.get(id).map(answer_key));
                ItemAgreement {
                    item: id.clone(),
                    cards: compared(&ratings),
                    percent: percent_agreement(&ratings),
                    alpha: krippendorff_alpha(&ratings),
                    unanswered: (self.judged.iter())
                        .filter(|j| self.cards.contains(&j.card))
                        .filter(|j| self.auditors.contains(&j.auditor))
                        .filter(|j| !j.answers.contains_key(id))
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

    #[test]
    fn a_hand_computed_calibration() {
        // Three cards, two auditors: they agree on c1 and c2 (ok, ok; dead, dead) and not on c3
        // (ok vs stale). p_o = 2/3; anna: ok 2, dead 1; boris: ok 1, dead 1, stale 1;
        // p_e = (2/3·1/3) + (1/3·1/3) = 1/3; kappa = (2/3 − 1/3) / (1 − 1/3) = 0.5.
        let cards = pool(3);
        let who = vec!["anna".to_string(), "boris".to_string()];
        let j = |c: usize, a: &str, v: Verdict| Judgement {
            card: cards[c].clone(),
            auditor: a.into(),
            verdict: v,
            answers: Answers::from([(
                "i1".to_string(),
                if v == Verdict::Ok {
                    Answer::Pass
                } else {
                    Answer::Fail
                },
            )]),
        };
        let judged = vec![
            j(0, "anna", Verdict::Ok),
            j(0, "boris", Verdict::Ok),
            j(1, "anna", Verdict::Dead),
            j(1, "boris", Verdict::Dead),
            j(2, "anna", Verdict::Ok),
            j(2, "boris", Verdict::Stale),
        ];
        let reference = BTreeMap::from([(cards[2].clone(), Verdict::Stale)]);
        let r = report(&cards, &who, &judged, &reference);
        assert!((r.percent.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert!((r.kappa.unwrap() - 0.5).abs() < 1e-9);
        assert_eq!(r.pairs.len(), 1);
        assert_eq!(r.pairs[0].cards, 3);
        assert_eq!(r.disagreements.len(), 1);
        assert_eq!(r.disagreements[0].id, "00002");
        assert_eq!(r.disagreements[0].reference, Some(Verdict::Stale));
        assert_eq!(r.items[0].item, "i1");
        assert!((r.items[0].percent.unwrap() - 2.0 / 3.0).abs() < 1e-9);
        assert_eq!((r.compared, r.items[0].cards), (3, 3));
    }

    #[test]
    fn items_left_unanswered_count_neither_as_agreement_nor_as_disagreement() {
        let cards = pool(2);
        let who = vec!["anna".to_string(), "boris".to_string()];
        let j = |c: usize, a: &str, answers: &[(&str, Answer)]| Judgement {
            card: cards[c].clone(),
            auditor: a.into(),
            verdict: Verdict::Stale,
            answers: answers.iter().map(|(i, x)| (i.to_string(), *x)).collect(),
        };
        // Nobody touched i2 on card 0 except anna; on card 1 both answered it differently.
        let judged = vec![
            j(0, "anna", &[("i1", Answer::Pass), ("i2", Answer::Pass)]),
            j(0, "boris", &[("i1", Answer::Pass)]),
            j(1, "anna", &[("i1", Answer::Fail), ("i2", Answer::Pass)]),
            j(1, "boris", &[("i1", Answer::Fail), ("i2", Answer::Fail)]),
        ];
        let r = report(&cards, &who, &judged, &BTreeMap::new());
        let item = |id: &str| r.items.iter().find(|i| i.item == id).unwrap();
        assert_eq!(item("i1").percent, Some(1.0));
        assert_eq!(item("i1").unanswered, 0);
        // Card 0 has one rating of i2 only: it is no agreement; card 1 is a disagreement. Its
        // agreement rests on that one card, and says so.
        assert_eq!(item("i2").percent, Some(0.0));
        assert_eq!(item("i2").unanswered, 1);
        assert_eq!((item("i1").cards, item("i2").cards), (2, 1));
        assert_eq!(r.compared, 2);
    }
}
