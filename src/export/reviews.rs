//! The reviews export: one row per current review. The header names are part of okk's interface
//! (scripts and pivot tables read them, `--headers en`): add columns at the end, never rename one;
//! `text::export::column` puts them in words for people.

use crate::domain::Funnel;
use crate::domain::failed::failed_items;
use crate::domain::final_word::{Split, final_verdict};
use crate::domain::funnel::Stage;
use crate::domain::score::unanswered;
use crate::domain::settled::Settled;
use crate::store::export::ExportedReview;

use super::cell::Cell;
use crate::text::export as text;

pub const HEADER: [&str; 34] = [
    "review_id",
    "source",
    "external_id",
    "title",
    "stage",
    "owner",
    "auditor",
    "verdict",
    "score",
    "failed_items",
    "failed_critical_items",
    "suggested_stage",
    "suggested_owner",
    "corrections",
    "comment",
    "reviewed_at",
    "seconds_spent",
    "lead_decision",
    "lead",
    "card_changed",
    "lead_verdict",
    "lead_suggested_stage",
    "lead_suggested_owner",
    "final_verdict",
    "unanswered_items",
    "crm_url",
    "lead_note",
    "settled_by",
    "settled_decision",
    "card_gone_at",
    "awaits_lead",
    "funnel_stage",
    "funnel_stage_now",
    "calibration",
];

/// Whom the cells that name fields and checklist items are for. People read a field by the
/// label the card shows and an item by its text (`Бюджет: 12 000 000; Название: …`, items joined
/// by `; `); scripts read okk's keys (the corrections as a JSON object `{"amount": …}`, item
/// ids). The headers' language chooses, as it does for the verdicts: okk's machine names in
/// English (`--headers en`), words in Russian.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    People,
    Scripts,
}

/// [`HEADER`] in the current language: okk's machine names in English, words in Russian.
pub fn header() -> Vec<String> {
    HEADER.iter().map(|c| text::column(c)).collect()
}

/// The funnel a review is read with, and the stage it was made at where the funnel no longer
/// has it there (removed, or merged into another since: `PastFunnels::gone_stage`).
#[derive(Debug, Clone, Copy)]
pub struct StageAt<'a> {
    pub funnel: &'a Funnel,
    pub gone: Option<&'a Stage>,
}

/// The cells of one review, in [`HEADER`] order, values for people (verdicts, decisions, yes/no)
/// in the current language. `stage` is the card's stage (the CRM's name) when reviewed, and
/// `funnel_stage` the funnel's name of it (empty for a stage the funnel does not know), one
/// name per stage however the CRM renamed it;
/// `title` and `owner` are the card's now; failed items are judged against that stage's
/// checklist in `funnel` — of the stage gone since (`at.gone`) where it is: the checklist the
/// auditor answered, named as its version named it (tester43 F3: not the stage that took its
/// name). `settled`, the lead's decision that settles the card (on this review
/// or another, maybe one its auditor has judged again since and so not in the file), gives the
/// final verdict of every review of the card, and every row of the card names it
/// (`settled_by`, `settled_decision`): where the final verdict comes from. Else, on a card whose
/// auditors split (`split`, `domain::final_word::AwaitingLead`), every row says the card awaits
/// the lead and carries the verdict `okk stats` counts it in (`Split::standing`: none where they
/// split on whether it is ok), so that a pivot of the file gives the figures `okk stats` gives. `crm_url` links the
/// card to its CRM (see `crm::links`). `funnel_stage_now` is the funnel's name of the card's
/// stage now (empty as `funnel_stage` is), so that a card moved since its review shows;
/// `calibration`, the calibration the review belongs to (`domain::calibration::Membership`).
/// `reader` says how fields and items are named.
pub fn row<'a>(
    at: StageAt<'_>,
    r: &'a ExportedReview,
    settled: Option<&'a Settled>,
    split: Option<Split>,
    crm_url: Option<String>,
    calibration: Option<&'a str>,
    reader: Reader,
) -> Vec<Cell<'a>> {
    let funnel = at.funnel;
    let funnel_name = |crm_stage: &str| {
        (funnel.resolve(crm_stage))
            .map_or(Cell::Empty, |i| Cell::text(funnel.stage(i).name.clone()))
    };
    let stage = (at.gone).or_else(|| funnel.resolve(&r.stage).map(|i| funnel.stage(i)));
    let checklist = stage.map_or(&[][..], |s| &s.checklist[..]);
    let failed = failed_items(checklist, &r.answers);
    // One owner suggestion: the owner field's correction is the owner's column, not a
    // correction beside it.
    let corrections = r.proposal.corrections_but_owner();
    let corrections = match reader {
        _ if corrections.is_empty() => Cell::Empty,
        Reader::People => Cell::text(text::corrections(&corrections)),
        Reader::Scripts => {
            Cell::text(serde_json::to_string(&corrections).expect("strings serialise"))
        }
    };
    let items = |ids: &[String]| match reader {
        Reader::People => {
            let named: Vec<&str> = (ids.iter())
                .map(|id| {
                    let item = checklist.iter().find(|i| i.id == *id);
                    // An item the checklist no longer lists keeps its id.
                    item.map_or(id.as_str(), |i| i.text.as_str())
                })
                .collect();
            Cell::text(named.join("; "))
        }
        Reader::Scripts => Cell::text(ids.join(", ")),
    };
    let overridden = r
        .lead
        .as_ref()
        .map(|d| &d.decision)
        .filter(|d| d.kind == crate::domain::decision::DecisionKind::Override);
    // The lead's settling word outranks a split among the reviews that came after it.
    let split = split.filter(|_| settled.is_none());
    let awaits_lead = split.is_some();
    let final_verdict = match (settled, split) {
        (Some(s), _) => Some(s.verdict()),
        (None, Some(split)) => split.standing,
        (None, None) => final_verdict(r.proposal.verdict, r.lead.as_ref().map(|d| &d.decision)),
    };
    let changed = r
        .card_changed
        .map_or(Cell::Empty, |c| Cell::text(text::yes_no(c)));
    vec![
        Cell::text(&r.id),
        Cell::text(&r.source),
        Cell::text(&r.external_id),
        Cell::opt(r.title.as_deref()),
        Cell::text(&r.stage),
        Cell::opt(r.card.as_ref().and_then(|c| c.owner.as_deref())),
        Cell::text(&r.auditor),
        Cell::text(text::verdict(r.proposal.verdict)),
        r.score.map_or(Cell::Empty, |s| Cell::Number(tenths(s))),
        items(&failed.all),
        items(&failed.critical),
        Cell::opt(r.proposal.stage.as_deref()),
        Cell::opt(r.proposal.owner()),
        corrections,
        Cell::text(&r.comment),
        Cell::text(&r.created_at),
        r.seconds_spent
            .map_or(Cell::Empty, |s| Cell::Number(tenths(s))),
        r.lead
            .as_ref()
            .map_or(Cell::Empty, |d| Cell::text(text::decision(d.decision.kind))),
        Cell::opt(r.lead.as_ref().map(|d| d.lead.as_str())),
        changed,
        overridden
            .and_then(|d| d.verdict)
            .map_or(Cell::Empty, |v| Cell::text(text::verdict(v))),
        Cell::opt(overridden.and_then(|d| d.suggested_stage.as_deref())),
        Cell::opt(overridden.and_then(|d| d.suggested_owner.as_deref())),
        final_verdict.map_or(Cell::Empty, |v| Cell::text(text::verdict(v))),
        Cell::Number(unanswered(checklist, &r.answers) as f64),
        crm_url.map_or(Cell::Empty, Cell::text),
        // What the lead wrote sending the review back: the lead's words, defused like any.
        Cell::opt(
            (r.lead.as_ref())
                .map(|d| d.decision.note.as_str())
                .filter(|n| !n.is_empty()),
        ),
        Cell::opt(settled.map(|s| s.decision.lead.as_str())),
        settled.map_or(Cell::Empty, |s| {
            Cell::text(text::decision(s.decision.decision.kind))
        }),
        // The card is gone from the CRM since then: nothing there to act on.
        Cell::opt(r.card_gone_at.as_deref()),
        // The CRM's move waits for the lead (`okk export crm` leaves the card out).
        match awaits_lead {
            true => Cell::text(text::yes_no(true)),
            false => Cell::Empty,
        },
        // A pivot per stage reads one name for a stage the CRM renamed.
        match at.gone {
            Some(s) => Cell::text(s.name.clone()),
            None => funnel_name(&r.stage),
        },
        r.card
            .as_ref()
            .map_or(Cell::Empty, |c| funnel_name(&c.stage)),
        Cell::opt(calibration),
    ]
}

/// Scores and seconds to one decimal: more digits only look precise.
fn tenths(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::Verdict;
    use crate::domain::suggestion::Proposal;

    fn review(gone_at: Option<&str>) -> ExportedReview {
        ExportedReview {
            id: "r1".into(),
            source: "amocrm".into(),
            external_id: "31999149".into(),
            auditor: "anna".into(),
            stage: "Первичный контакт".into(),
            proposal: Proposal {
                verdict: Verdict::Ok,
                stage: None,
                owner: None,
                corrections: Default::default(),
            },
            answers: Default::default(),
            score: None,
            comment: String::new(),
            created_at: "2026-11-20 10:00:00".into(),
            seconds_spent: None,
            card: None,
            title: None,
            card_changed: Some(false),
            card_gone_at: gone_at.map(String::from),
            lead: None,
            funnel_fingerprint: None,
        }
    }

    fn now(funnel: &Funnel) -> StageAt<'_> {
        StageAt { funnel, gone: None }
    }

    /// tester43 F3: a review made at «Контакт после встречи» under a version since which the
    /// stage was merged into «Встреча проведена» counts the unanswered items of the checklist
    /// its auditor answered, and names the stage it was made at, not the one that took its name.
    #[test]
    fn a_review_at_a_stage_gone_since_is_told_by_the_stage_it_was_made_at() {
        let funnel = crate::funnel_config::default_funnel();
        let contact = (funnel.resolve("Контакт после встречи"))
            .map(|i| funnel.stage(i).clone())
            .unwrap();
        let met = funnel.resolve("Встреча проведена").unwrap();
        assert!(contact.checklist.len() != funnel.stage(met).checklist.len());
        let mut r = review(None);
        r.stage = "Контакт после встречи".into();
        let answers = (contact.checklist.iter())
            .map(|i| (i.id.clone(), crate::domain::score::Answer::Pass))
            .collect();
        r.answers = answers;
        let col = |c: &str| HEADER.iter().position(|h| *h == c).unwrap();
        let at = StageAt {
            funnel: &funnel,
            gone: Some(&contact),
        };
        let cells = row(at, &r, None, None, None, None, Reader::Scripts);
        assert_eq!(cells[col("unanswered_items")], Cell::Number(0.0));
        assert_eq!(
            cells[col("funnel_stage")],
            Cell::text("Контакт после встречи")
        );
        // The stage that took its name: its items but one it shares with «Контакт» unanswered
        // (tester43: 0 → 6).
        let met = funnel.stage(met);
        let at = StageAt {
            funnel: &funnel,
            gone: Some(met),
        };
        let cells = row(at, &r, None, None, None, None, Reader::Scripts);
        let theirs = (met.checklist.iter())
            .filter(|i| !r.answers.contains_key(&i.id))
            .count();
        assert!(theirs > 0);
        assert_eq!(cells[col("unanswered_items")], Cell::Number(theirs as f64));
    }

    /// A review of a card gone from the CRM says since when, in its own column; one of a card
    /// the CRM lists leaves it empty.
    #[test]
    fn a_review_of_a_gone_card_says_since_when_in_its_own_column() {
        let funnel = crate::funnel_config::default_funnel();
        let gone = review(Some("2026-11-21 09:00:00"));
        let gone_at = HEADER.iter().position(|c| *c == "card_gone_at").unwrap();
        let row = row(now(&funnel), &gone, None, None, None, None, Reader::Scripts);
        assert_eq!(row.len(), HEADER.len());
        assert_eq!(row[gone_at], Cell::text("2026-11-21 09:00:00"));
        let live = review(None);
        let row = super::row(now(&funnel), &live, None, None, None, None, Reader::People);
        assert_eq!(row[gone_at], Cell::Empty);
    }
}
