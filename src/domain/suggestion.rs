//! What a review asks the CRM to change — a stage move, a new owner, corrected fields — with the
//! lead's override in place of the auditor's suggestion, and changes the card already has dropped.

use super::decision::{Decision, DecisionKind};
use super::funnel::{Funnel, StageKind};
use super::names::fold;
use super::review::{Corrections, Verdict, is_owner_field};

/// What the auditor proposed in a review.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    pub verdict: Verdict,
    pub stage: Option<String>,
    pub owner: Option<String>,
    pub corrections: Corrections,
}

impl Proposal {
    /// The owner the review suggests: the owner picker's, else a correction of the owner field
    /// (a review written before the two became one may hold both; the picker's stands, as in
    /// [`suggest`]).
    pub fn owner(&self) -> Option<&str> {
        let corrected = || {
            (self.corrections.iter())
                .find(|(k, _)| is_owner_field(k))
                .map(|(_, v)| v.as_str())
        };
        (self.owner.as_deref())
            .filter(|o| !o.trim().is_empty())
            .or_else(|| corrected().filter(|v| !v.trim().is_empty()))
    }

    /// The corrections but the owner's, which [`Proposal::owner`] names.
    pub fn corrections_but_owner(&self) -> Corrections {
        (self.corrections.iter())
            .filter(|(k, _)| !is_owner_field(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// The card as the store knows it now (names as the CRM wrote them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CardNow {
    pub stage: String,
    pub owner: Option<String>,
    pub pipeline: Option<String>,
}

/// Where the card should go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StageTarget {
    /// A stage of the funnel (its index).
    Funnel(usize),
    /// A name the funnel no longer knows (the config changed since the review): kept as written.
    Named(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub verdict: Verdict,
    pub stage: Option<StageTarget>,
    pub owner: Option<String>,
    pub pipeline: Option<String>,
    /// Corrected fields other than stage, owner and pipeline, which have their own columns.
    pub corrections: Corrections,
}

/// The change a review asks for, or `None` when it asks for nothing the card does not already
/// have, or the lead returned it.
///
/// - A lead's override replaces the auditor's verdict (where the lead gave one), stage and owner.
/// - An `ok` verdict moves nothing: the card matches its stage, whatever stage was picked first.
/// - `dead` without a stage goes to the funnel's first lost stage.
/// - Corrections of `owner`, `pipeline` and `stage` stand in where no suggestion names them.
pub fn suggest(
    funnel: &Funnel,
    proposal: &Proposal,
    decision: Option<&Decision>,
    card: &CardNow,
) -> Option<Suggestion> {
    let mut corrections = proposal.corrections.clone();
    let corrected_stage = take_correction(&mut corrections, "stage");
    let corrected_owner = take_correction(&mut corrections, "owner");
    let corrected_pipeline = take_correction(&mut corrections, "pipeline");

    let (verdict, stage, owner) = standing_word(proposal, decision)?;
    let stage = match verdict {
        Verdict::Ok => None,
        Verdict::Dead => stage.or(corrected_stage).or_else(|| lost_stage(funnel)),
        _ => stage.or(corrected_stage),
    };
    let stage = stage
        .filter(|s| !s.trim().is_empty())
        .map(|s| match funnel.resolve(&s) {
            Some(i) => StageTarget::Funnel(i),
            None => StageTarget::Named(s),
        })
        .filter(|t| !same_stage(funnel, t, &card.stage));
    let differs = |new: &String, now: &Option<String>| now.as_deref().map(fold) != Some(fold(new));
    let owner = owner
        .filter(|o| !o.trim().is_empty())
        .or(corrected_owner)
        .filter(|o| differs(o, &card.owner));
    let pipeline = corrected_pipeline.filter(|p| differs(p, &card.pipeline));

    let nothing = stage.is_none() && owner.is_none() && pipeline.is_none();
    if nothing && corrections.is_empty() {
        return None;
    }
    Some(Suggestion {
        verdict,
        stage,
        owner,
        pipeline,
        corrections,
    })
}

/// The verdict, stage and owner a review stands for once the lead has spoken (the lead's own on
/// an override); `None` for a review sent back.
fn standing_word(
    proposal: &Proposal,
    decision: Option<&Decision>,
) -> Option<(Verdict, Option<String>, Option<String>)> {
    Some(match decision {
        Some(d) if d.kind == DecisionKind::Return => return None,
        Some(d) if d.kind == DecisionKind::Override => (
            d.verdict.unwrap_or(proposal.verdict),
            d.suggested_stage.clone(),
            d.suggested_owner.clone(),
        ),
        _ => (
            proposal.verdict,
            proposal.stage.clone(),
            proposal.owner.clone(),
        ),
    })
}

/// Takes the correction of the okk field `name` (folded) out of `corrections`, when not blank.
fn take_correction(corrections: &mut Corrections, name: &str) -> Option<String> {
    let key = corrections.keys().find(|k| fold(k) == name).cloned()?;
    corrections.remove(&key).filter(|v| !v.trim().is_empty())
}

/// The stage a review asks the card to move to once the lead has spoken, as [`suggest`] picks
/// it (the stage suggested, else a correction of the stage field), before it is compared with
/// the card: `None` for an `ok` verdict, a review sent back, or no stage named (a dead card
/// without one goes to a lost stage, which the stage path never counts as a skip).
pub fn asked_stage(proposal: &Proposal, decision: Option<&Decision>) -> Option<String> {
    let (verdict, stage, _) = standing_word(proposal, decision)?;
    if verdict == Verdict::Ok {
        return None;
    }
    stage
        .filter(|s| !s.trim().is_empty())
        .or_else(|| take_correction(&mut proposal.corrections.clone(), "stage"))
}

/// The funnel's first lost stage's name, where a dead card goes.
fn lost_stage(funnel: &Funnel) -> Option<String> {
    funnel
        .stages
        .iter()
        .find(|s| s.kind == StageKind::Lost)
        .map(|s| s.name.clone())
}

fn same_stage(funnel: &Funnel, target: &StageTarget, crm_stage: &str) -> bool {
    match target {
        StageTarget::Funnel(i) => funnel.resolve(crm_stage) == Some(*i),
        StageTarget::Named(name) => fold(name) == fold(crm_stage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funnel() -> Funnel {
        crate::funnel_config::default_funnel()
    }

    fn card() -> CardNow {
        CardNow {
            stage: "Встреча назначена".into(),
            owner: Some("Смирнова Ольга".into()),
            pipeline: Some("Продажи недвижимости".into()),
        }
    }

    fn proposal(verdict: Verdict, stage: Option<&str>, owner: Option<&str>) -> Proposal {
        Proposal {
            verdict,
            stage: stage.map(String::from),
            owner: owner.map(String::from),
            corrections: Corrections::new(),
        }
    }

    #[test]
    fn the_stage_asked_for_is_the_word_that_stands() {
        let wrong = proposal(Verdict::WrongStage, Some("Договор"), None);
        assert_eq!(asked_stage(&wrong, None).as_deref(), Some("Договор"));
        assert_eq!(
            asked_stage(&wrong, Some(&Decision::accept())).as_deref(),
            Some("Договор")
        );
        let lead = Decision::overrule(Verdict::WrongStage, Some("Бронирование".into()));
        assert_eq!(
            asked_stage(&wrong, Some(&lead)).as_deref(),
            Some("Бронирование")
        );
        let ok = Decision::overrule(Verdict::Ok, None);
        assert_eq!(asked_stage(&wrong, Some(&ok)), None, "the lead says ok");
        let back = Decision {
            kind: DecisionKind::Return,
            ..Decision::accept()
        };
        assert_eq!(asked_stage(&wrong, Some(&back)), None, "sent back");
        let mut corrected = proposal(Verdict::Stale, None, None);
        corrected
            .corrections
            .insert("Stage".into(), "Договор".into());
        assert_eq!(asked_stage(&corrected, None).as_deref(), Some("Договор"));
        let picked = proposal(Verdict::Ok, Some("Договор"), None);
        assert_eq!(asked_stage(&picked, None), None, "an ok moves nothing");
    }

    fn stage_name(f: &Funnel, s: &Suggestion) -> String {
        match s.stage.as_ref().expect("a stage move") {
            StageTarget::Funnel(i) => f.stage(*i).name.clone(),
            StageTarget::Named(n) => n.clone(),
        }
    }

    fn lead(kind: DecisionKind, stage: Option<&str>) -> Decision {
        Decision {
            kind,
            suggested_stage: stage.map(String::from),
            ..Decision::accept()
        }
    }

    #[test]
    fn a_dead_card_without_a_stage_goes_to_the_lost_stage() {
        let f = funnel();
        let s = suggest(&f, &proposal(Verdict::Dead, None, None), None, &card()).unwrap();
        assert_eq!(stage_name(&f, &s), "Закрыто и не реализовано");
    }

    #[test]
    fn an_ok_verdict_moves_nothing_and_a_move_to_the_same_stage_is_no_move() {
        let f = funnel();
        let ok = proposal(Verdict::Ok, Some("Договор"), None);
        assert_eq!(suggest(&f, &ok, None, &card()), None);
        // «Запись на встречу» is an alias of the card's own stage.
        let same = proposal(Verdict::WrongStage, Some("Запись на встречу"), None);
        assert_eq!(suggest(&f, &same, None, &card()), None);
        let same_owner = proposal(Verdict::Stale, None, Some(" смирнова  ольга"));
        assert_eq!(suggest(&f, &same_owner, None, &card()), None);
    }

    #[test]
    fn the_leads_override_replaces_the_auditors_suggestion_and_a_return_drops_it() {
        let f = funnel();
        let p = proposal(Verdict::WrongStage, Some("Договор"), Some("Васильев Игорь"));
        let s = suggest(&f, &p, Some(&lead(DecisionKind::Accept, None)), &card()).unwrap();
        assert_eq!(stage_name(&f, &s), "Договор");
        assert_eq!(s.owner.as_deref(), Some("Васильев Игорь"));
        let over = lead(DecisionKind::Override, Some("Бронирование"));
        let s = suggest(&f, &p, Some(&over), &card()).unwrap();
        assert_eq!(stage_name(&f, &s), "Бронирование");
        assert_eq!(s.owner, None, "the lead's override names no owner");
        assert_eq!(s.verdict, Verdict::WrongStage);
        assert_eq!(
            suggest(&f, &p, Some(&lead(DecisionKind::Return, None)), &card()),
            None
        );
    }

    #[test]
    fn owner_and_pipeline_corrections_fill_their_own_columns() {
        let f = funnel();
        let mut p = proposal(Verdict::Stale, None, None);
        p.corrections
            .insert("owner".into(), "Васильев Игорь".into());
        p.corrections.insert("pipeline".into(), "Вторичка".into());
        p.corrections
            .insert("title".into(), "ЖК «Север», кв. 12".into());
        let s = suggest(&f, &p, None, &card()).unwrap();
        assert_eq!(s.owner.as_deref(), Some("Васильев Игорь"));
        assert_eq!(s.pipeline.as_deref(), Some("Вторичка"));
        assert_eq!(s.corrections.keys().collect::<Vec<_>>(), ["title"]);
        assert_eq!(s.stage, None);
    }

    /// A review written with both an owner and an owner correction names one owner, the
    /// picker's, in the CRM's change and in the reviews export alike.
    #[test]
    fn two_owner_suggestions_of_one_review_export_as_one() {
        let f = funnel();
        let mut p = proposal(Verdict::Stale, None, Some("Васильев Игорь"));
        p.corrections.insert("owner".into(), "Попова Анна".into());
        p.corrections.insert("title".into(), "Кв. 12".into());
        assert_eq!(p.owner(), Some("Васильев Игорь"));
        assert_eq!(
            p.corrections_but_owner().keys().collect::<Vec<_>>(),
            ["title"]
        );
        let s = suggest(&f, &p, None, &card()).unwrap();
        assert_eq!(s.owner, p.owner().map(String::from));
        p.owner = None;
        assert_eq!(
            p.owner(),
            Some("Попова Анна"),
            "a lone correction is the owner"
        );
    }

    #[test]
    fn a_stage_the_funnel_forgot_is_kept_by_name() {
        let f = funnel();
        let p = proposal(Verdict::WrongStage, Some("Архив"), None);
        let s = suggest(&f, &p, None, &card()).unwrap();
        assert_eq!(s.stage, Some(StageTarget::Named("Архив".into())));
    }
}
