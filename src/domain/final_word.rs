//! Whose word stands on a card: the lead's decision over any auditor's, and auditors who split
//! with no decision to settle them leave the card to the lead.

use std::collections::{HashMap, HashSet};

use super::calibration::CardKey;
use super::decision::{Decision, DecisionKind};
use super::names::fold;
use super::review::Verdict;
use super::suggestion::Proposal;

/// The verdict a review stands for once the lead has spoken: the lead's on an override, the
/// auditor's on an accept or while undecided; none for a review sent back (it awaits a new
/// judgement).
pub fn final_verdict(auditor: Verdict, decision: Option<&Decision>) -> Option<Verdict> {
    match decision {
        Some(d) if d.kind == DecisionKind::Return => None,
        Some(d) if d.kind == DecisionKind::Override => Some(d.verdict.unwrap_or(auditor)),
        _ => Some(auditor),
    }
}

/// One auditor's current review of a card, as the final word weighs it.
#[derive(Debug, Clone, Copy)]
pub struct Current<'a> {
    pub proposal: &'a Proposal,
    pub decision: Option<&'a Decision>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinalWord {
    /// The review (its index) whose word stands.
    Review(usize),
    /// Auditors disagree and no decision of the lead settles it.
    NeedsLead,
    /// Nothing stands: every review was sent back (or there is none).
    Nothing,
}

/// The word that stands among a card's current reviews, given latest first: the latest review
/// the lead accepted or overrode, whatever came after it; else, when every review still waiting
/// for the lead says the same (verdict, suggested stage and owner), the latest of them; else
/// the lead must settle it. Reviews sent back count for nothing.
pub fn final_word(reviews: &[Current<'_>]) -> FinalWord {
    if let Some(i) = reviews
        .iter()
        .position(|r| r.decision.is_some_and(Decision::approves))
    {
        return FinalWord::Review(i);
    }
    let mut waiting = reviews
        .iter()
        .enumerate()
        .filter(|(_, r)| r.decision.is_none());
    let Some((first, r)) = waiting.next() else {
        return FinalWord::Nothing;
    };
    if waiting.all(|(_, o)| same_word(r.proposal, o.proposal)) {
        FinalWord::Review(first)
    } else {
        FinalWord::NeedsLead
    }
}

/// Two proposals ask the CRM for the same thing. A stage suggestion counts only where the verdict
/// uses one (an "ok" moves nothing whatever was picked).
pub fn same_word(a: &Proposal, b: &Proposal) -> bool {
    let moves = |p: &Proposal| {
        matches!(p.verdict, Verdict::WrongStage | Verdict::Dead)
            .then(|| p.stage.as_deref().map(fold))
            .flatten()
    };
    let owner = |p: &Proposal| p.owner.as_deref().map(fold);
    a.verdict == b.verdict && moves(a) == moves(b) && owner(a) == owner(b)
}

/// The cards [`final_word`] leaves to the lead: their auditors split, and no decision of the
/// lead stands on any of their current reviews that waits for one. A card the lead settled
/// (`domain::settled`) may be among them: its settling decision outranks this.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AwaitingLead(HashMap<String, HashSet<String>>);

impl AwaitingLead {
    /// From the current reviews no decision of the lead stands on (card and proposal, in any
    /// order): the cards whose such reviews split. A card with one is not split; reviews sent
    /// back or decided are not given, as [`final_word`] does not weigh them against the rest.
    pub fn from_waiting(reviews: impl IntoIterator<Item = (CardKey, Proposal)>) -> AwaitingLead {
        let mut cards: HashMap<CardKey, Vec<Proposal>> = HashMap::new();
        for (card, proposal) in reviews {
            cards.entry(card).or_default().push(proposal);
        }
        let mut out = AwaitingLead::default();
        for ((source, external_id), proposals) in cards {
            let current: Vec<Current<'_>> = (proposals.iter())
                .map(|proposal| Current {
                    proposal,
                    decision: None,
                })
                .collect();
            if final_word(&current) == FinalWord::NeedsLead {
                out.0.entry(source).or_default().insert(external_id);
            }
        }
        out
    }

    pub fn contains(&self, source: &str, external_id: &str) -> bool {
        self.0
            .get(source)
            .is_some_and(|ids| ids.contains(external_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::Corrections;

    fn proposal(verdict: Verdict, stage: Option<&str>) -> Proposal {
        Proposal {
            verdict,
            stage: stage.map(String::from),
            owner: None,
            corrections: Corrections::new(),
        }
    }

    fn lead(kind: DecisionKind, verdict: Option<Verdict>) -> Decision {
        Decision {
            kind,
            verdict,
            ..Decision::accept()
        }
    }

    #[test]
    fn an_accepted_review_outranks_a_later_undecided_one() {
        let (ok, stale) = (proposal(Verdict::Ok, None), proposal(Verdict::Stale, None));
        let accept = lead(DecisionKind::Accept, None);
        // boris's later stale first (latest first), then anna's accepted ok.
        let reviews = [
            Current {
                proposal: &stale,
                decision: None,
            },
            Current {
                proposal: &ok,
                decision: Some(&accept),
            },
        ];
        assert_eq!(final_word(&reviews), FinalWord::Review(1));
    }

    #[test]
    fn auditors_who_split_leave_the_card_to_the_lead() {
        let (ok, stale) = (proposal(Verdict::Ok, None), proposal(Verdict::Stale, None));
        let split = [
            Current {
                proposal: &stale,
                decision: None,
            },
            Current {
                proposal: &ok,
                decision: None,
            },
        ];
        assert_eq!(final_word(&split), FinalWord::NeedsLead);
        // Two ok verdicts agree, whatever stage one picked before choosing ok.
        let ok_picked = proposal(Verdict::Ok, Some("Договор"));
        let agree = [
            Current {
                proposal: &ok_picked,
                decision: None,
            },
            Current {
                proposal: &ok,
                decision: None,
            },
        ];
        assert_eq!(final_word(&agree), FinalWord::Review(0));
        // Wrong stage to two different stages is a split.
        let (a, b) = (
            proposal(Verdict::WrongStage, Some("Договор")),
            proposal(Verdict::WrongStage, Some("Бронирование")),
        );
        let stages = [
            Current {
                proposal: &a,
                decision: None,
            },
            Current {
                proposal: &b,
                decision: None,
            },
        ];
        assert_eq!(final_word(&stages), FinalWord::NeedsLead);
    }

    #[test]
    fn a_review_sent_back_counts_for_nothing() {
        let (ok, stale) = (proposal(Verdict::Ok, None), proposal(Verdict::Stale, None));
        let back = lead(DecisionKind::Return, None);
        let reviews = [
            Current {
                proposal: &stale,
                decision: Some(&back),
            },
            Current {
                proposal: &ok,
                decision: None,
            },
        ];
        assert_eq!(final_word(&reviews), FinalWord::Review(1));
        assert_eq!(final_word(&reviews[..1]), FinalWord::Nothing);
    }

    #[test]
    fn the_final_verdict_is_the_leads_on_an_override() {
        let over = lead(DecisionKind::Override, Some(Verdict::Stale));
        assert_eq!(
            final_verdict(Verdict::Ok, Some(&over)),
            Some(Verdict::Stale)
        );
        let accept = lead(DecisionKind::Accept, None);
        assert_eq!(final_verdict(Verdict::Ok, Some(&accept)), Some(Verdict::Ok));
        assert_eq!(final_verdict(Verdict::Dead, None), Some(Verdict::Dead));
        let back = lead(DecisionKind::Return, None);
        assert_eq!(final_verdict(Verdict::Ok, Some(&back)), None);
    }

    #[test]
    fn cards_whose_waiting_reviews_split_await_the_lead_and_no_other() {
        let card = |id: &str| ("amocrm".to_string(), id.to_string());
        let p = |v, stage| proposal(v, stage);
        let awaiting = AwaitingLead::from_waiting([
            // Split: ok and unclear.
            (card("1"), p(Verdict::Ok, None)),
            (card("2"), p(Verdict::Ok, None)),
            (card("1"), p(Verdict::Unclear, None)),
            // Agree: two ok, one with a stage picked before choosing ok.
            (card("2"), p(Verdict::Ok, Some("Договор"))),
            // One waiting review: nothing to split.
            (card("3"), p(Verdict::Dead, None)),
            // Wrong stage, to two stages.
            (card("4"), p(Verdict::WrongStage, Some("Договор"))),
            (card("4"), p(Verdict::WrongStage, Some("Бронирование"))),
        ]);
        assert!(awaiting.contains("amocrm", "1"));
        assert!(!awaiting.contains("amocrm", "2"));
        assert!(!awaiting.contains("amocrm", "3"));
        assert!(awaiting.contains("amocrm", "4"));
        assert!(!awaiting.contains("bitrix24", "1"));
        assert_eq!(AwaitingLead::from_waiting([]), AwaitingLead::default());
    }
}
