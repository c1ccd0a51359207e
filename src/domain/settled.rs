//! The lead's decision that settles a card: of the standing accepts and overrides on its
//! reviews, the latest the lead made. It stands until the lead decides again, whatever an
//! auditor says after it: a review that re-judges the card shows the lead a new review to
//! decide, and leaves the card's verdict where the lead put it.

use std::collections::HashMap;

use super::calibration::CardKey;
use super::decision::LeadDecision;
use super::final_word::final_verdict;
use super::review::Verdict;
use super::suggestion::{Proposal, asked_stage};

/// A lead's standing decision on one review of a card that was not taken back (the auditor's
/// current review, or one the auditor has judged the card again since), with what that review
/// proposed.
#[derive(Debug, Clone, PartialEq)]
pub struct Settled {
    pub review_id: String,
    pub auditor: String,
    /// When the review was made, `YYYY-MM-DD HH:MM:SS`.
    pub reviewed_at: String,
    /// The card's stage when it was reviewed.
    pub reviewed_stage: String,
    /// What the review proposed (the auditor's verdict, stage, owner, corrections).
    pub proposal: Proposal,
    /// A sync changed the card after that review (`None`: the card or its digest is unknown).
    pub card_changed: Option<bool>,
    pub decision: LeadDecision,
}

impl Settled {
    /// The card's verdict: the lead's on an override, else the auditor's the lead accepted.
    pub fn verdict(&self) -> Verdict {
        final_verdict(self.proposal.verdict, Some(&self.decision.decision))
            .unwrap_or(self.proposal.verdict)
    }

    /// Whether this decision also settles a review of the card that has no decision of its own
    /// (made by `auditor` at `reviewed_at`, `YYYY-MM-DD HH:MM:SS`): another auditor's, made
    /// before the decision, was on the card when the lead decided. One made after it, or by
    /// the decided review's own auditor (judging the card again), is new to the lead: it awaits
    /// a decision, and the card's verdict stands meanwhile.
    pub fn covers(&self, auditor: &str, reviewed_at: &str) -> bool {
        auditor != self.auditor && reviewed_at <= self.decision.created_at.as_str()
    }

    /// Which of two decisions settles the card: the later made, then the one on the later
    /// review, then the greater review id (a frozen clock still gives one answer).
    fn order(&self) -> (&str, &str, &str) {
        (
            &self.decision.created_at,
            &self.reviewed_at,
            &self.review_id,
        )
    }
}

/// One standing decision on a review not taken back, as a store reads it: the review's card,
/// the decision's place among the review's decisions, and the review with the decision.
#[derive(Debug, Clone, PartialEq)]
pub struct DecidedReview {
    pub card: CardKey,
    pub seq: i64,
    pub settled: Settled,
}

/// Each settled card's settling decision, by source and external id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettledCards(HashMap<String, HashMap<String, Settled>>);

impl SettledCards {
    /// From every standing decision on reviews not taken back, in any order: a review's own
    /// decision is its latest (by place, then time, then id, as everywhere); of those that
    /// accept or override, the one [`Settled::order`] puts last settles its card.
    pub fn from_decided(decided: impl IntoIterator<Item = DecidedReview>) -> SettledCards {
        let mut latest: HashMap<String, DecidedReview> = HashMap::new();
        for d in decided {
            let key = |d: &DecidedReview| {
                (
                    d.seq,
                    d.settled.decision.created_at.clone(),
                    d.settled.decision.id.clone(),
                )
            };
            match latest.get(&d.settled.review_id) {
                Some(l) if key(l) >= key(&d) => {}
                _ => {
                    latest.insert(d.settled.review_id.clone(), d);
                }
            }
        }
        let mut cards = SettledCards::default();
        for d in latest.into_values() {
            if !d.settled.decision.decision.approves() {
                continue;
            }
            let (source, external_id) = d.card;
            let by_id = cards.0.entry(source).or_default();
            match by_id.get(&external_id) {
                Some(s) if s.order() >= d.settled.order() => {}
                _ => {
                    by_id.insert(external_id, d.settled);
                }
            }
        }
        cards
    }

    pub fn get(&self, source: &str, external_id: &str) -> Option<&Settled> {
        self.0.get(source)?.get(external_id)
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(HashMap::is_empty)
    }

    /// The one card a store was asked about (`from_decided` of one card's reviews).
    pub fn into_only(self) -> Option<Settled> {
        self.0.into_values().flat_map(HashMap::into_values).next()
    }

    /// The stage moves the lead's settling decisions ask for, card by card.
    pub fn asked_moves(&self) -> AskedMoves {
        let mut moves = AskedMoves::default();
        for (source, cards) in &self.0 {
            for (external_id, settled) in cards {
                if let Some(m) = settled.asked_move() {
                    (moves.0.entry(source.clone()).or_default()).insert(external_id.clone(), m);
                }
            }
        }
        moves
    }
}

impl Settled {
    /// The stage move this decision asks for: from the stage the card was reviewed in to the
    /// stage the review or the lead named. The CRM making that move is the desk's own word
    /// carried out, not a fault of the card's path (`domain::rules`, `backwards`). Told by the
    /// stages, not by the clock: a file's edit times and okk's clock need not agree.
    pub fn asked_move(&self) -> Option<AskedMove> {
        let to = asked_stage(&self.proposal, Some(&self.decision.decision))?;
        Some(AskedMove {
            from: self.reviewed_stage.clone(),
            to,
        })
    }
}

/// A stage move the lead asked for on a card, by the stages' names as the CRM or the review
/// wrote them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AskedMove {
    /// The card's stage when it was reviewed.
    pub from: String,
    /// The stage it should go to.
    pub to: String,
}

/// The moves the lead asked for, by source and external id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AskedMoves(HashMap<String, HashMap<String, AskedMove>>);

impl AskedMoves {
    pub fn get(&self, source: &str, external_id: &str) -> Option<&AskedMove> {
        // The rules run asks for every card of a store that mostly has none.
        if self.0.is_empty() {
            return None;
        }
        self.0.get(source)?.get(external_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::decision::{Decision, DecisionKind};

    fn decided(
        review: &str,
        auditor: &str,
        at: &str,
        kind: DecisionKind,
        when: &str,
    ) -> DecidedReview {
        decided_on("31588109", review, auditor, at, kind, when)
    }

    fn decided_on(
        card: &str,
        review: &str,
        auditor: &str,
        at: &str,
        kind: DecisionKind,
        when: &str,
    ) -> DecidedReview {
        DecidedReview {
            card: ("amocrm".into(), card.into()),
            seq: 1,
            settled: Settled {
                review_id: review.into(),
                auditor: auditor.into(),
                reviewed_at: at.into(),
                reviewed_stage: "Встреча назначена".into(),
                proposal: Proposal {
                    verdict: Verdict::Ok,
                    stage: None,
                    owner: None,
                    corrections: Default::default(),
                },
                card_changed: Some(false),
                decision: LeadDecision {
                    id: format!("d-{review}-{when}"),
                    lead: "olga".into(),
                    decision: Decision {
                        kind,
                        verdict: (kind == DecisionKind::Override).then_some(Verdict::Dead),
                        ..Decision::accept()
                    },
                    created_at: when.into(),
                },
            },
        }
    }

    const T1: &str = "2026-11-20 10:00:00";
    const T2: &str = "2026-11-20 11:00:00";
    const T3: &str = "2026-11-20 12:00:00";

    #[test]
    fn the_leads_latest_accept_or_override_on_a_card_settles_it() {
        // Boris reviewed first, anna after; the lead overrode anna's, then accepted boris's:
        // the lead decided again, and that is the card's word now.
        let cards = SettledCards::from_decided([
            decided("anna1", "anna", T1, DecisionKind::Override, T2),
            decided(
                "boris1",
                "boris",
                "2026-11-20 09:00:00",
                DecisionKind::Accept,
                T3,
            ),
        ]);
        let s = cards.get("amocrm", "31588109").expect("settled");
        assert_eq!(s.review_id, "boris1");
        assert_eq!(s.verdict(), Verdict::Ok);
        assert_eq!(cards.get("amocrm", "other"), None);
    }

    #[test]
    fn a_return_settles_nothing_and_a_later_one_on_the_same_review_unsettles_it() {
        let mut back = decided("anna1", "anna", T1, DecisionKind::Return, T3);
        back.seq = 2;
        let over = decided("anna1", "anna", T1, DecisionKind::Override, T2);
        assert!(SettledCards::from_decided([back.clone(), over.clone()]).is_empty());
        // A return on another review of the card leaves the override standing.
        let other = decided("anna2", "anna", T3, DecisionKind::Return, T3);
        let cards = SettledCards::from_decided([over, other]);
        assert_eq!(
            cards.get("amocrm", "31588109").map(Settled::verdict),
            Some(Verdict::Dead)
        );
    }

    #[test]
    fn the_decision_covers_other_auditors_reviews_made_before_it_only() {
        let s = decided("anna1", "anna", T1, DecisionKind::Override, T2).settled;
        // Boris's review was on the card when the lead decided: settled with it.
        assert!(s.covers("boris", T1));
        // Boris judged after the decision, or anna judged again: new to the lead.
        assert!(!s.covers("boris", T3));
        assert!(!s.covers("anna", T1));
    }

    #[test]
    fn cards_are_settled_each_on_its_own() {
        let cards = SettledCards::from_decided([
            decided_on("1", "a", "anna", T1, DecisionKind::Accept, T2),
            decided_on("2", "b", "anna", T1, DecisionKind::Override, T2),
        ]);
        assert_eq!(
            cards.get("amocrm", "1").map(Settled::verdict),
            Some(Verdict::Ok)
        );
        assert_eq!(
            cards.get("amocrm", "2").map(Settled::verdict),
            Some(Verdict::Dead)
        );
    }
}
