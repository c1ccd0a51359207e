//! An auditor's review of one card: the verdict, the checklist answers and the suggestions that
//! go back to the CRM. Pure data; the store keeps it, the reviewer screen builds it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::names::fold;
use super::score::{Answers, confirm};

/// Does the card tell the truth about its stage?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// The card matches its stage.
    Ok,
    /// The card belongs in another stage (the review suggests which).
    WrongStage,
    /// The card's information is out of date.
    Stale,
    /// The lead is lost but the card is still open.
    Dead,
    /// Cannot judge: the manager must say.
    Unclear,
}

impl Verdict {
    pub const ALL: [Verdict; 5] = [
        Verdict::Ok,
        Verdict::WrongStage,
        Verdict::Stale,
        Verdict::Dead,
        Verdict::Unclear,
    ];

    /// The name stored in SQLite and printed in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::WrongStage => "wrong_stage",
            Verdict::Stale => "stale",
            Verdict::Dead => "dead",
            Verdict::Unclear => "unclear",
        }
    }

    pub fn from_name(name: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == name)
    }
}

/// An owner suggestion that names the card's owner now: refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyOwner;

/// Suggested corrections: field label → the value the auditor says it should hold.
pub type Corrections = BTreeMap<String, String>;

/// What an auditor decided about a card, before the store stamps it with ids and times.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ReviewDraft {
    pub answers: Answers,
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
    pub corrections: Corrections,
    pub comment: String,
}

impl ReviewDraft {
    /// Nothing answered, suggested, corrected or said: no draft to keep.
    pub fn is_empty(&self) -> bool {
        *self == ReviewDraft::default()
    }

    /// The draft `verdict` writes, this one left as it is (undo shows the card as it was
    /// before the key). `ok` takes the rules' `suggested` answers for the items left
    /// unanswered: the card is as it should be, so the marks on screen are the auditor's. Any
    /// other verdict keeps them out of the score, only her own answers counting. The stage
    /// suggestion is the verdict's own (`stage`: the one picked for a wrong stage, the lost
    /// stage of a dead lead), never one left from an earlier verdict.
    pub fn judged(&self, verdict: Verdict, stage: Option<String>, suggested: &Answers) -> Self {
        let mut out = self.clone();
        if verdict == Verdict::Ok {
            out.answers = confirm(&self.answers, suggested);
        }
        out.suggested_stage =
            stage.filter(|_| matches!(verdict, Verdict::WrongStage | Verdict::Dead));
        out
    }

    /// The draft as the card's stage now takes it: only the answers to its checklist's items
    /// (`items`; none at a stage the funnel does not know). `answered_at_another`: the answers
    /// were given at another stage (her review before the CRM moved the card), where even an
    /// item of the same id asked about another moment of the deal, so none is kept. An answer
    /// the stage's checklist does not ask would be saved unseen with the next verdict, and
    /// counted as that stage's item in the lead's figures.
    pub fn for_stage(
        mut self,
        items: &[crate::domain::funnel::ChecklistItem],
        answered_at_another: bool,
    ) -> Self {
        if answered_at_another {
            self.answers.clear();
        }
        self.answers
            .retain(|id, _| items.iter().any(|i| i.id == *id));
        self
    }

    /// Suggests `owner` as the card's new owner (`None` or blank: none). A review names one
    /// owner: the owner picker and a correction of the owner field are two ways of saying it,
    /// so the later replaces the earlier. Returns the other owner it replaced, if any.
    /// `current`: the card's owner now; suggesting them would send the CRM a move to where the
    /// card already is, so it is refused and the draft left as it was.
    pub fn suggest_owner(
        &mut self,
        owner: Option<String>,
        current: Option<&str>,
    ) -> Result<Option<String>, AlreadyOwner> {
        let owner = owner.filter(|o| !o.trim().is_empty());
        if let (Some(o), Some(c)) = (&owner, current)
            && fold(o) == fold(c)
        {
            return Err(AlreadyOwner);
        }
        let corrected = self.take_owner_correction();
        let was = std::mem::replace(&mut self.suggested_owner, owner).or(corrected);
        let same = |w: &String| Some(fold(w)) == self.suggested_owner.as_deref().map(fold);
        Ok(was.filter(|w| self.suggested_owner.is_some() && !same(w)))
    }

    /// Corrects `field` to `value` (empty: the correction taken back). The owner field is the
    /// owner suggestion ([`ReviewDraft::suggest_owner`]): returns the owner it replaced.
    pub fn correct(
        &mut self,
        field: String,
        value: String,
        current_owner: Option<&str>,
    ) -> Result<Option<String>, AlreadyOwner> {
        if is_owner_field(&field) {
            return self.suggest_owner(Some(value), current_owner);
        }
        if value.is_empty() {
            self.corrections.remove(&field);
        } else {
            self.corrections.insert(field, value);
        }
        Ok(None)
    }

    /// The pipeline the review corrects the card to, which a move of its stage lands in (as
    /// [`super::suggestion::suggest`] reads it: `pipeline` however spelled, blank none).
    pub fn pipeline_correction(&self) -> Option<&str> {
        (self.corrections.iter())
            .find(|(k, _)| fold(k) == "pipeline")
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.trim().is_empty())
    }

    /// The value the review gives `field`, if it corrects it (the owner field: the suggested
    /// owner).
    pub fn corrected(&self, field: &str) -> Option<&str> {
        if is_owner_field(field) {
            return self.suggested_owner.as_deref();
        }
        self.corrections.get(field).map(String::as_str)
    }

    /// The owner correction, taken out of the corrections (blank counts as none).
    fn take_owner_correction(&mut self) -> Option<String> {
        let key = self
            .corrections
            .keys()
            .find(|k| is_owner_field(k))
            .cloned()?;
        self.corrections
            .remove(&key)
            .filter(|v| !v.trim().is_empty())
    }

    /// One owner suggestion: a review written before the owner field's correction became the
    /// owner suggestion may hold both; the picker's stands, as the CRM export has always taken
    /// it (see `suggestion::suggest`), and a lone owner correction becomes the suggestion.
    fn one_owner(mut self) -> Self {
        let corrected = self.take_owner_correction();
        if self.suggested_owner.is_none() {
            self.suggested_owner = corrected;
        }
        self
    }

    /// A draft as a store keeps it: the answers and the corrections as JSON (what cannot be
    /// read back counts as none: a damaged cell must not keep the card from opening).
    pub fn from_stored(
        comment: String,
        checklist: &str,
        suggested_stage: Option<String>,
        suggested_owner: Option<String>,
        corrections: &str,
    ) -> ReviewDraft {
        ReviewDraft {
            answers: serde_json::from_str(checklist).unwrap_or_default(),
            suggested_stage,
            suggested_owner,
            corrections: serde_json::from_str(corrections).unwrap_or_default(),
            comment,
        }
        .one_owner()
    }
}

/// The one owner a stored review suggests (`corrections` as the store keeps them, JSON): see
/// [`ReviewDraft::from_stored`].
pub fn suggested_owner(suggested_owner: Option<String>, corrections: &str) -> Option<String> {
    if suggested_owner.is_some() {
        return suggested_owner;
    }
    ReviewDraft {
        corrections: serde_json::from_str(corrections).unwrap_or_default(),
        ..ReviewDraft::default()
    }
    .take_owner_correction()
}

/// The fields a stored review corrects (`corrections` as the store keeps them, JSON), but the
/// owner, which [`suggested_owner`] names.
pub fn corrected_fields(corrections: &str) -> Vec<String> {
    let all: Corrections = serde_json::from_str(corrections).unwrap_or_default();
    all.into_keys().filter(|k| !is_owner_field(k)).collect()
}

/// Whether a correction's field is the card's owner (okk's `owner`, in any case or spacing).
pub fn is_owner_field(name: &str) -> bool {
    fold(name) == crate::domain::SystemField::Owner.name()
}

/// A review as written: the draft, its verdict and score, and how long the auditor looked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub verdict: Verdict,
    pub draft: ReviewDraft,
    /// The checklist score (percent), `None` when no item counted.
    pub score: Option<f64>,
    pub seconds_spent: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_keeps_only_the_answers_its_stage_asks() {
        let item = |id: &str| crate::domain::funnel::ChecklistItem {
            id: id.into(),
            text: id.into(),
            weight: 1,
            critical: false,
            field: None,
            checks: Default::default(),
            scale: None,
            flags: Vec::new(),
        };
        let draft = ReviewDraft {
            answers: [
                ("next_step".to_string(), crate::domain::score::Answer::Pass),
                (
                    "meeting_result".to_string(),
                    crate::domain::score::Answer::Fail,
                ),
            ]
            .into_iter()
            .collect(),
            comment: "перезвонить".into(),
            ..ReviewDraft::default()
        };
        let items = [item("next_step"), item("objection")];
        let here = draft.clone().for_stage(&items, false);
        assert_eq!(
            here.answers.keys().collect::<Vec<_>>(),
            ["next_step"],
            "an item of another stage's checklist goes"
        );
        let moved = draft.for_stage(&items, true);
        assert!(
            moved.answers.is_empty(),
            "answered at another stage: none kept"
        );
        assert_eq!(moved.comment, "перезвонить", "the rest of the draft stays");
    }

    /// The owner picker and a correction of the owner field say one thing: the later replaces
    /// the earlier, and says whom it replaced.
    #[test]
    fn the_later_owner_suggestion_replaces_the_earlier_whichever_way_it_came() {
        let mut d = ReviewDraft::default();
        assert_eq!(
            d.suggest_owner(Some("Смирнова Ольга".into()), None),
            Ok(None)
        );
        let was = d.correct("owner".into(), "Попова Анна".into(), None);
        assert_eq!(was, Ok(Some("Смирнова Ольга".into())));
        assert_eq!(d.suggested_owner.as_deref(), Some("Попова Анна"));
        assert!(d.corrections.is_empty(), "{:?}", d.corrections);
        assert_eq!(d.corrected("owner"), Some("Попова Анна"));
        // The picker again: its owner stands, the correction's is gone.
        let was = d.suggest_owner(Some("Васильев Игорь".into()), None);
        assert_eq!(was, Ok(Some("Попова Анна".into())));
        assert_eq!(d.suggested_owner.as_deref(), Some("Васильев Игорь"));
        // The same owner again replaces no one; an empty correction takes the owner back.
        assert_eq!(
            d.correct("Owner".into(), " васильев игорь".into(), None),
            Ok(None)
        );
        assert_eq!(d.correct("owner".into(), String::new(), None), Ok(None));
        assert_eq!(d.suggested_owner, None);
        // Other fields stay corrections.
        assert_eq!(d.correct("amount".into(), "1 000".into(), None), Ok(None));
        assert_eq!(d.corrected("amount"), Some("1 000"));
    }

    /// The card's owner now is no suggestion, by the picker or the owner field (tester39 F2):
    /// refused, and the suggestion that stood stays.
    #[test]
    fn a_suggestion_of_the_card_s_owner_now_is_refused() {
        let mut d = ReviewDraft::default();
        let now = Some("Сидоров Олег");
        assert_eq!(
            d.suggest_owner(Some("Сидоров Олег".into()), now),
            Err(AlreadyOwner)
        );
        assert_eq!(d.suggested_owner, None);
        d.suggest_owner(Some("Попова Анна".into()), now).unwrap();
        assert_eq!(
            d.correct("owner".into(), "сидоров олег".into(), now),
            Err(AlreadyOwner)
        );
        assert_eq!(d.suggested_owner.as_deref(), Some("Попова Анна"));
        // Taking the suggestion back is no suggestion of anyone.
        assert_eq!(d.suggest_owner(None, now), Ok(None));
        assert_eq!(d.suggested_owner, None);
    }

    /// A review written before the two became one may hold both: read back, it names one.
    #[test]
    fn a_stored_review_with_two_owner_suggestions_reads_as_one() {
        let both = r#"{"owner":"Попова Анна","title":"Кв. 12"}"#;
        let d = ReviewDraft::from_stored(
            String::new(),
            "{}",
            None,
            Some("Смирнова Ольга".into()),
            both,
        );
        assert_eq!(d.suggested_owner.as_deref(), Some("Смирнова Ольга"));
        assert_eq!(d.corrections.keys().collect::<Vec<_>>(), ["title"]);
        let lone = r#"{"owner":"Попова Анна"}"#;
        assert_eq!(suggested_owner(None, lone).as_deref(), Some("Попова Анна"));
        assert_eq!(suggested_owner(None, "{}"), None);
    }

    /// `ok` confirms the suggestions of the items left unanswered; another verdict counts only
    /// her own answers, and the draft the key was pressed on is left as it was (undo shows it).
    #[test]
    fn only_ok_takes_the_suggested_answers_and_the_draft_stays_as_it_was() {
        use crate::domain::score::Answer;
        let suggested: Answers = [("call", Answer::Pass), ("next", Answer::Fail)]
            .map(|(k, a)| (k.to_string(), a))
            .into();
        let mut draft = ReviewDraft {
            suggested_stage: Some("Переговоры".into()),
            ..ReviewDraft::default()
        };
        draft.answers.insert("next".into(), Answer::Pass);
        let before = draft.clone();
        let ok = draft.judged(Verdict::Ok, None, &suggested);
        assert_eq!(ok.answers.get("call"), Some(&Answer::Pass));
        assert_eq!(ok.answers.get("next"), Some(&Answer::Pass), "hers stands");
        assert_eq!(ok.suggested_stage, None, "an ok card goes nowhere");
        for v in [Verdict::Stale, Verdict::Unclear, Verdict::Dead] {
            let j = draft.judged(v, Some("Закрыто".into()), &suggested);
            assert_eq!(j.answers, before.answers, "{v:?}");
        }
        let dead = draft.judged(Verdict::Dead, Some("Закрыто".into()), &suggested);
        assert_eq!(dead.suggested_stage.as_deref(), Some("Закрыто"));
        let stale = draft.judged(Verdict::Stale, Some("Закрыто".into()), &suggested);
        assert_eq!(stale.suggested_stage, None);
        let moved = draft.judged(Verdict::WrongStage, Some("Бронь".into()), &suggested);
        assert_eq!(moved.suggested_stage.as_deref(), Some("Бронь"));
        assert_eq!(draft, before);
    }

    #[test]
    fn verdict_names_round_trip() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::from_name(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::from_name("OK"), None);
    }
}
