//! Auditor figures for the team lead: how much each auditor reviews, how fast, how often the
//! lead agrees, and how close their calibration verdicts come to the lead's reference.
//!
//! `reviews` counts the auditor's current reviews: a card judged again (after the lead sent it
//! back, say) counts once, so the auditors' reviews add up to the stats' reviews and those sent
//! back. The pace and the lead's decisions are over every review made, replaced ones too: the
//! time was spent, and a review sent back was sent back.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decision::DecisionKind;
use super::funnel::Funnel;
use super::past_checklist::PastFunnels;
use super::score::Answers;

/// One review as the figures need it (not withdrawn).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewFact {
    pub auditor: String,
    /// Not replaced by the auditor's later review of the card.
    pub current: bool,
    pub seconds: Option<f64>,
    /// The lead's standing decision on it.
    pub decision: Option<DecisionKind>,
    /// The card's stage at review (the checklist it was answered against).
    pub stage: String,
    pub answers: Answers,
    /// The lead's answers when the lead corrected them.
    pub lead_answers: Option<Answers>,
    /// The funnel version it was made under (`None` before okk recorded it).
    pub funnel_fingerprint: Option<String>,
}

impl ReviewFact {
    /// The reference the auditor is measured against: the lead's answers where the lead gave
    /// them, else the auditor's own where the lead accepted or overrode (the lead let them
    /// stand); nothing for a review sent back or not decided.
    fn reference(&self) -> Option<&Answers> {
        match self.decision {
            Some(DecisionKind::Accept | DecisionKind::Override) => {
                Some(self.lead_answers.as_ref().unwrap_or(&self.answers))
            }
            _ => None,
        }
    }
}

/// How close an auditor's answers to one checklist item come to the lead's reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemAlignment {
    /// The funnel stage whose checklist lists it.
    pub stage: String,
    pub id: String,
    /// Its text in the checklist (its id when the funnel no longer lists it).
    pub text: String,
    /// 1 − |auditor − reference| / item max, averaged (written to four places).
    #[serde(serialize_with = "four_places")]
    pub alignment: f64,
    /// The decided reviews where both the auditor and the reference answered it: the sample.
    pub judged: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditorFigures {
    pub auditor: String,
    /// Current reviews: each card the auditor judged once.
    pub reviews: u64,
    /// Reviews made per hour of time on cards; `None` below 5 timed reviews or 10 minutes.
    #[serde(serialize_with = "tenths")]
    pub cards_per_hour: Option<f64>,
    #[serde(serialize_with = "tenths")]
    pub median_seconds: Option<f64>,
    /// Reviews the lead decided on.
    pub decided: u64,
    /// Shares of the decided reviews.
    #[serde(serialize_with = "four_places")]
    pub accepted: Option<f64>,
    #[serde(serialize_with = "four_places")]
    pub overridden: Option<f64>,
    #[serde(serialize_with = "four_places")]
    pub returned: Option<f64>,
    /// Calibration cards with a lead reference, and the share the auditor matched.
    pub calibrated: u64,
    #[serde(serialize_with = "four_places")]
    pub reference_agreement: Option<f64>,
    /// Per checklist item (in funnel and checklist order): alignment with the lead's reference,
    /// 1 − |auditor − reference| / item max, averaged over the decided reviews where both
    /// answered (MaestroQA-style), with that count.
    pub items: Vec<ItemAlignment>,
    /// Checklist items the auditor's reviews left unanswered (neither pass nor fail anywhere).
    pub unanswered: u64,
}

/// The figures are kept exact (the text and the report round them once, to whole seconds and
/// percents); what JSON and CSV write is rounded as every other figure of `okk stats`: shares to
/// four places, seconds and the pace to one decimal (docs/analytics.md). These two say how.
pub mod written {
    use crate::domain::analytics::tally;

    /// A share to four places (0.4286).
    pub fn share(v: Option<f64>) -> Option<f64> {
        v.map(tally::rate)
    }

    /// Seconds, or reviews an hour, to one decimal (0.6).
    pub fn tenths(v: Option<f64>) -> Option<f64> {
        v.map(tally::tenths)
    }
}

fn four_places<T: Into<Option<f64>> + Copy, S: serde::Serializer>(
    v: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    let v: Option<f64> = (*v).into();
    match written::share(v) {
        Some(v) => s.serialize_f64(v),
        None => s.serialize_none(),
    }
}

fn tenths<S: serde::Serializer>(v: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    serde::Serialize::serialize(&written::tenths(*v), s)
}

/// The time on cards a pace needs before it is one: five quick clicks are not "1 360 an hour".
pub const MIN_PACE_SECONDS: f64 = 600.0;

/// Reviews an hour of time on cards: `None` below [`MIN_SAMPLE`](super::analytics::tally::MIN_SAMPLE)
/// timed reviews or [`MIN_PACE_SECONDS`] on them.
fn pace(timed: usize, seconds: f64) -> Option<f64> {
    let enough = timed as u64 >= super::analytics::tally::MIN_SAMPLE && seconds >= MIN_PACE_SECONDS;
    enough.then(|| timed as f64 * 3600.0 / seconds)
}

fn median(v: &mut [f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    })
}

/// `calibration`: (auditor, matched the lead's reference) per calibration card judged. `past`
/// tells the stage a review was made at where `funnel` no longer has it there.
pub fn figures(
    reviews: &[ReviewFact],
    calibration: &[(String, bool)],
    funnel: &Funnel,
    past: &PastFunnels,
) -> Vec<AuditorFigures> {
    let mut by: BTreeMap<&str, Vec<&ReviewFact>> = BTreeMap::new();
    for r in reviews {
        by.entry(&r.auditor).or_default().push(r);
    }
    for (a, _) in calibration {
        by.entry(a).or_default();
    }
    by.into_iter()
        .map(|(auditor, rs)| {
            let mut secs: Vec<f64> = rs.iter().filter_map(|r| r.seconds).collect();
            let total: f64 = secs.iter().sum();
            let decided: Vec<DecisionKind> = rs.iter().filter_map(|r| r.decision).collect();
            let share = |k: DecisionKind| {
                (!decided.is_empty()).then(|| {
                    decided.iter().filter(|d| **d == k).count() as f64 / decided.len() as f64
                })
            };
            let cal: Vec<bool> = calibration
                .iter()
                .filter(|(a, _)| a == auditor)
                .map(|(_, m)| *m)
                .collect();
            // (stage index, item index) → (sum, n): funnel and checklist order.
            let mut items: BTreeMap<(usize, usize), (f64, u64)> = BTreeMap::new();
            let gone =
                |r: &ReviewFact| past.gone_stage(funnel, &r.stage, r.funnel_fingerprint.as_deref());
            // Of the checklist each review answered: a stage merged into another since had
            // its own (tester43 F3).
            let unanswered: usize = rs
                .iter()
                .filter(|r| r.current)
                .filter_map(|r| {
                    let stage =
                        gone(r).or_else(|| Some(funnel.stage(funnel.resolve(&r.stage)?)))?;
                    Some(super::score::unanswered(&stage.checklist, &r.answers))
                })
                .sum();
            for r in &rs {
                let at = (gone(r).is_none())
                    .then(|| funnel.resolve(&r.stage))
                    .flatten();
                let (Some(reference), Some(at)) = (r.reference(), at) else {
                    continue;
                };
                for (i, item) in funnel.stage(at).checklist.iter().enumerate() {
                    let value = |a: &Answers| a.get(&item.id).and_then(|x| x.value(item.scale));
                    if let (Some(a), Some(b)) = (value(&r.answers), value(reference)) {
                        let e = items.entry((at, i)).or_default();
                        e.0 += 1.0 - (a - b).abs();
                        e.1 += 1;
                    }
                }
            }
            AuditorFigures {
                items: items
                    .into_iter()
                    .map(|((at, i), (sum, n))| {
                        let stage = funnel.stage(at);
                        let item = &stage.checklist[i];
                        ItemAlignment {
                            stage: stage.name.clone(),
                            id: item.id.clone(),
                            text: item.text.clone(),
                            alignment: sum / n as f64,
                            judged: n,
                        }
                    })
                    .collect(),
                auditor: auditor.to_string(),
                reviews: rs.iter().filter(|r| r.current).count() as u64,
                cards_per_hour: pace(secs.len(), total),
                median_seconds: median(&mut secs),
                decided: decided.len() as u64,
                accepted: share(DecisionKind::Accept),
                overridden: share(DecisionKind::Override),
                returned: share(DecisionKind::Return),
                unanswered: unanswered as u64,
                calibrated: cal.len() as u64,
                reference_agreement: (!cal.is_empty())
                    .then(|| cal.iter().filter(|m| **m).count() as f64 / cal.len() as f64),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_by_hand() {
        let r = |a: &str, s: f64, d: Option<DecisionKind>| ReviewFact {
            auditor: a.into(),
            current: true,
            seconds: Some(s),
            decision: d,
            ..ReviewFact::default()
        };
        let facts = vec![
            r("anna", 30.0, Some(DecisionKind::Accept)),
            r("anna", 60.0, Some(DecisionKind::Override)),
            r("anna", 90.0, None),
            r("anna", 180.0, Some(DecisionKind::Accept)),
            r("boris", 10.0, Some(DecisionKind::Return)),
        ];
        let cal = vec![("anna".to_string(), true), ("anna".to_string(), false)];
        let funnel = crate::funnel_config::default_funnel();
        let f = figures(&facts, &cal, &funnel, &PastFunnels::default());
        let anna = &f[0];
        assert_eq!(anna.reviews, 4);
        // boris's review sent back and then judged again: one card, one review; the return
        // still counts among the lead's decisions on his work.
        let mut again = facts.clone();
        again[4].current = false;
        again.push(r("boris", 20.0, None));
        let f2 = figures(
            &again,
            &cal,
            &crate::funnel_config::default_funnel(),
            &PastFunnels::default(),
        );
        assert_eq!((f2[1].reviews, f2[1].decided), (1, 1));
        assert_eq!(f2[1].returned, Some(1.0));
        // 2 reviews in 30 s, 4 in 360 s: too few, too quick for a pace; the median of 30, 60,
        // 90, 180 = 75 still stands.
        assert_eq!(f2[1].cards_per_hour, None);
        assert_eq!(anna.cards_per_hour, None);
        assert_eq!(anna.median_seconds, Some(75.0));
        // Five reviews in 600 s: 30 an hour; in 599 s, not yet a pace.
        let five = |s: f64| vec![r("vera", s / 5.0, None); 5];
        assert_eq!(
            figures(&five(600.0), &[], &funnel, &PastFunnels::default())[0].cards_per_hour,
            Some(30.0)
        );
        assert_eq!(
            figures(&five(599.0), &[], &funnel, &PastFunnels::default())[0].cards_per_hour,
            None
        );
        assert_eq!(
            figures(&five(600.0)[..4], &[], &funnel, &PastFunnels::default())[0].cards_per_hour,
            None
        );
        assert_eq!(anna.decided, 3);
        assert_eq!(anna.accepted, Some(2.0 / 3.0));
        assert_eq!(anna.overridden, Some(1.0 / 3.0));
        assert_eq!(anna.returned, Some(0.0));
        assert_eq!(anna.reference_agreement, Some(0.5));
        assert_eq!(f[1].returned, Some(1.0));
        assert_eq!(f[1].reference_agreement, None);
    }

    #[test]
    fn json_writes_shares_to_four_places_and_seconds_to_tenths() {
        let r = |s: f64, d| ReviewFact {
            auditor: "anna".into(),
            current: true,
            seconds: Some(s),
            decision: Some(d),
            ..ReviewFact::default()
        };
        let facts = [
            r(12.34, DecisionKind::Accept),
            r(12.36, DecisionKind::Override),
            r(20.0, DecisionKind::Return),
        ];
        let funnel = crate::funnel_config::default_funnel();
        let cal = vec![("anna".to_string(), true); 3];
        let f = figures(&facts, &cal, &funnel, &PastFunnels::default());
        // Kept exact for the text and the report, which round once.
        assert_eq!(f[0].accepted, Some(1.0 / 3.0));
        assert_eq!(f[0].median_seconds, Some(12.36));
        let json = serde_json::to_value(&f[0]).unwrap();
        assert_eq!(json["accepted"], 0.3333);
        assert_eq!(json["overridden"], 0.3333);
        assert_eq!(json["returned"], 0.3333);
        assert_eq!(json["median_seconds"], 12.4);
        assert_eq!(json["reference_agreement"], 1.0);
        assert_eq!(json["cards_per_hour"], serde_json::Value::Null);
    }

    #[test]
    fn item_alignment_against_the_leads_answers() {
        use crate::domain::score::Answer;
        let funnel = crate::funnel_config::default_funnel();
        let stage = funnel.stage(funnel.resolve("Встреча проведена").unwrap());
        let (i1, i2) = (stage.checklist[0].id.clone(), stage.checklist[1].id.clone());
        let answers = |a: Answer, b: Answer| Answers::from([(i1.clone(), a), (i2.clone(), b)]);
        let fact = |lead: Option<Answers>, d| ReviewFact {
            auditor: "anna".into(),
            current: true,
            decision: Some(d),
            stage: "Встреча проведена".into(),
            answers: answers(Answer::Pass, Answer::Pass),
            lead_answers: lead,
            ..ReviewFact::default()
        };
        // One review the lead corrected on item 2 (pass → fail), one accepted as is, one sent
        // back (not counted): item 1 aligns 1.0; item 2 (0 + 1) / 2 = 0.5.
        let facts = vec![
            fact(
                Some(answers(Answer::Pass, Answer::Fail)),
                DecisionKind::Override,
            ),
            fact(None, DecisionKind::Accept),
            fact(
                Some(answers(Answer::Fail, Answer::Fail)),
                DecisionKind::Return,
            ),
        ];
        let f = figures(&facts, &[], &funnel, &PastFunnels::default());
        // Named by their texts, in checklist order, each with its sample.
        let items: Vec<(&str, f64, u64)> = f[0]
            .items
            .iter()
            .map(|i| (i.text.as_str(), i.alignment, i.judged))
            .collect();
        assert_eq!(
            items,
            [
                (stage.checklist[0].text.as_str(), 1.0, 2),
                (stage.checklist[1].text.as_str(), 0.5, 2)
            ]
        );
        assert_eq!(f[0].items[0].id, i1);
        assert_eq!(f[0].items[1].stage, "Встреча проведена");
        // Every review answered 2 of the stage's items: the rest are counted as unanswered.
        assert_eq!(f[0].unanswered, 3 * (stage.checklist.len() as u64 - 2));
    }

    #[test]
    fn an_unanswered_item_is_neither_aligned_nor_misaligned() {
        use crate::domain::score::Answer;
        let funnel = crate::funnel_config::default_funnel();
        let stage = funnel.stage(funnel.resolve("Встреча проведена").unwrap());
        let (i1, i2) = (stage.checklist[0].id.clone(), stage.checklist[1].id.clone());
        let fact = ReviewFact {
            auditor: "anna".into(),
            current: true,
            decision: Some(DecisionKind::Override),
            stage: "Встреча проведена".into(),
            // Item 2 left unanswered by the auditor; the lead failed it.
            answers: Answers::from([(i1.clone(), Answer::Pass)]),
            lead_answers: Some(Answers::from([
                (i1.clone(), Answer::Pass),
                (i2.clone(), Answer::Fail),
            ])),
            ..ReviewFact::default()
        };
        let f = figures(&[fact], &[], &funnel, &PastFunnels::default());
        assert!(f[0].items.iter().all(|i| i.id != i2));
        assert_eq!(
            (f[0].items[0].id.as_str(), f[0].items[0].alignment),
            (i1.as_str(), 1.0)
        );
        assert_eq!(f[0].unanswered, stage.checklist.len() as u64 - 1);
    }
}
