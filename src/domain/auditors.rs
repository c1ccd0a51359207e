//! Auditor figures for the team lead: how much each auditor reviews, how fast, how often the
//! lead agrees, and how close their calibration verdicts come to the lead's reference.

use std::collections::BTreeMap;

use serde::Serialize;

use super::decision::DecisionKind;
use super::funnel::Funnel;
use super::score::Answers;

/// One review as the figures need it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReviewFact {
    pub auditor: String,
    pub seconds: Option<f64>,
    /// The lead's standing decision on it.
    pub decision: Option<DecisionKind>,
    /// The card's stage at review (the checklist it was answered against).
    pub stage: String,
    pub answers: Answers,
    /// The lead's answers when the lead corrected them.
    pub lead_answers: Option<Answers>,
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditorFigures {
    pub auditor: String,
    pub reviews: u64,
    /// Reviews per hour of time on cards.
    pub cards_per_hour: Option<f64>,
    pub median_seconds: Option<f64>,
    /// Reviews the lead decided on.
    pub decided: u64,
    /// Shares of the decided reviews.
    pub accepted: Option<f64>,
    pub overridden: Option<f64>,
    pub returned: Option<f64>,
    /// Calibration cards with a lead reference, and the share the auditor matched.
    pub calibrated: u64,
    pub reference_agreement: Option<f64>,
    /// Per checklist item id: alignment with the lead's reference, 1 − |auditor − reference| /
    /// item max, averaged over the decided reviews where both answered (MaestroQA-style).
    pub items: BTreeMap<String, f64>,
    /// Checklist items the auditor's reviews left unanswered (neither pass nor fail anywhere).
    pub unanswered: u64,
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

/// `calibration`: (auditor, matched the lead's reference) per calibration card judged.
pub fn figures(
    reviews: &[ReviewFact],
    calibration: &[(String, bool)],
    funnel: &Funnel,
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
            let mut items: BTreeMap<String, (f64, u64)> = BTreeMap::new();
            let unanswered: usize = rs
                .iter()
                .filter_map(|r| {
                    let stage = funnel.stage(funnel.resolve(&r.stage)?);
                    Some(super::score::unanswered(&stage.checklist, &r.answers))
                })
                .sum();
            for r in &rs {
                let (Some(reference), Some(stage)) = (
                    r.reference(),
                    funnel.resolve(&r.stage).map(|i| funnel.stage(i)),
                ) else {
                    continue;
                };
                for item in &stage.checklist {
                    let value = |a: &Answers| a.get(&item.id).and_then(|x| x.value(item.scale));
                    if let (Some(a), Some(b)) = (value(&r.answers), value(reference)) {
                        let e = items.entry(item.id.clone()).or_default();
                        e.0 += 1.0 - (a - b).abs();
                        e.1 += 1;
                    }
                }
            }
            AuditorFigures {
                items: items
                    .into_iter()
                    .map(|(k, (sum, n))| (k, sum / n as f64))
                    .collect(),
                auditor: auditor.to_string(),
                reviews: rs.len() as u64,
                cards_per_hour: (total > 0.0).then(|| secs.len() as f64 * 3600.0 / total),
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
        let f = figures(&facts, &cal, &crate::funnel_config::default_funnel());
        let anna = &f[0];
        assert_eq!(anna.reviews, 4);
        // 4 reviews in 360 s: 40 an hour; median of 30, 60, 90, 180 = 75.
        assert_eq!(anna.cards_per_hour, Some(40.0));
        assert_eq!(anna.median_seconds, Some(75.0));
        assert_eq!(anna.decided, 3);
        assert_eq!(anna.accepted, Some(2.0 / 3.0));
        assert_eq!(anna.overridden, Some(1.0 / 3.0));
        assert_eq!(anna.returned, Some(0.0));
        assert_eq!(anna.reference_agreement, Some(0.5));
        assert_eq!(f[1].returned, Some(1.0));
        assert_eq!(f[1].reference_agreement, None);
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
        let f = figures(&facts, &[], &funnel);
        assert_eq!(f[0].items[&i1], 1.0);
        assert_eq!(f[0].items[&i2], 0.5);
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
        let f = figures(&[fact], &[], &funnel);
        assert_eq!(f[0].items.get(&i2), None);
        assert_eq!(f[0].items[&i1], 1.0);
        assert_eq!(f[0].unanswered, stage.checklist.len() as u64 - 1);
    }
}
