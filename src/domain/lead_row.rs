//! The lead's list of reviews, one row per current review with its standing decision and the
//! decision that settles its card, grouped card by card, and which cards' auditors split with
//! nothing settled.

use std::collections::HashMap;

use chrono::NaiveDateTime;

use super::decision::{Decision, LeadDecision};
use super::final_word::{Current, FinalWord, final_word};
use super::ids::CardId;
use super::review::Verdict;
use super::settled::{Settled, SettledCards};
use super::suggestion::Proposal;

/// A current review as the lead's list shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadRow {
    pub review_id: String,
    /// `None` while the card has not arrived in a sync.
    pub card_id: Option<CardId>,
    pub source: String,
    pub external_id: String,
    pub title: Option<String>,
    /// The card's stage when reviewed.
    pub stage: String,
    pub auditor: String,
    pub verdict: Verdict,
    pub score: Option<f64>,
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
    /// The fields the review corrects but the owner (which `suggested_owner` names), by key:
    /// they reach the CRM too, and the list says so (tester42 F11).
    pub corrected: Vec<String>,
    pub comment: String,
    pub created_at: NaiveDateTime,
    pub seconds_spent: Option<f64>,
    /// The card's most severe flag now (0 none, 3 critical).
    pub flag_rank: i64,
    /// The latest decision still standing, if any.
    pub decision: Option<LeadDecision>,
    /// Made for a calibration (the card is in one naming the auditor, and the review is newer).
    pub calibration: bool,
    /// The card's auditors disagree and no decision of the lead settles it.
    pub split: bool,
    /// The lead's decision that settles the card (on this review or another of the card's).
    pub settled: Option<Settled>,
    /// The funnel version the review was made under (`None` before okk recorded it).
    pub funnel_fingerprint: Option<String>,
    /// The stage the review was made at is gone from the funnel since (removed, or merged
    /// into another: its name now the other's alias): `stage` names it, the checklist
    /// answered is that version's (`domain::past_checklist::PastFunnels::gone_stage`).
    pub stage_gone: bool,
}

impl LeadRow {
    /// The auditor judged against the rules: "ok" on a card the rules flag as critical.
    pub fn disagrees_with_rules(&self) -> bool {
        self.verdict == Verdict::Ok && self.flag_rank >= 3
    }

    /// What `disagree` finds: a review against the rules, or auditors split on its card.
    pub fn disagrees(&self) -> bool {
        self.disagrees_with_rules() || self.split
    }

    /// The review waits for the lead: it has no decision of its own, and the decision that
    /// settles its card does not settle it too.
    pub fn awaits(&self) -> bool {
        self.decision.is_none() && !self.settled_with_card()
    }

    /// Settled by the lead's decision on another review of the card (another auditor's,
    /// made before the decision), with no decision of its own.
    pub fn settled_with_card(&self) -> bool {
        self.decision.is_none()
            && self.settled.as_ref().is_some_and(|s| {
                s.covers(
                    &self.auditor,
                    &self.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
                )
            })
    }

    /// Made after the lead's decision that settles its card (or its auditor judging the card
    /// again): it awaits the lead, and the card's verdict stands meanwhile.
    pub fn after_decision(&self) -> bool {
        self.awaits() && self.settled.is_some()
    }

    fn proposal(&self) -> Proposal {
        Proposal {
            verdict: self.verdict,
            stage: self.suggested_stage.clone(),
            owner: self.suggested_owner.clone(),
            corrections: Default::default(),
        }
    }

    fn word(&self) -> Option<&Decision> {
        self.decision.as_ref().map(|d| &d.decision)
    }
}

/// Puts each card's reviews together (cards in the order of their first review, a card's
/// reviews oldest first), gives each the decision that settles its card, and marks the cards
/// whose auditors split with nothing settled.
pub fn group_by_card(rows: Vec<LeadRow>, settled: &SettledCards) -> Vec<LeadRow> {
    let mut order: Vec<(String, String)> = Vec::new();
    let mut cards: HashMap<(String, String), Vec<LeadRow>> = HashMap::new();
    for mut r in rows {
        r.settled = settled.get(&r.source, &r.external_id).cloned();
        let key = (r.source.clone(), r.external_id.clone());
        cards
            .entry(key.clone())
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(r);
    }
    let mut out = Vec::new();
    for key in order {
        let mut group = cards.remove(&key).expect("keyed");
        mark_split(&mut group);
        out.extend(group);
    }
    out
}

/// Marks one card's reviews (oldest first) as split or not: a card the lead settled is not.
fn mark_split(group: &mut [LeadRow]) {
    let settled = group.first().is_some_and(|r| r.settled.is_some());
    let split = !settled && group.len() > 1 && {
        let proposals: Vec<Proposal> = group.iter().rev().map(LeadRow::proposal).collect();
        let words: Vec<_> = group.iter().rev().map(LeadRow::word).collect();
        let current: Vec<Current<'_>> = proposals
            .iter()
            .zip(&words)
            .map(|(proposal, w)| Current {
                proposal,
                decision: *w,
            })
            .collect();
        final_word(&current) == FinalWord::NeedsLead
    };
    for r in group {
        r.split = split;
    }
}

/// After a decision on `rows[row]` (rows grouped by card): gives that card's reviews the
/// decision that settles the card now (`settled`, as the store has it) and re-marks its split,
/// which the decision may settle or, undone, reopen.
pub fn resettle(rows: &mut [LeadRow], row: usize, settled: Option<Settled>) {
    let Some(r) = rows.get(row) else { return };
    let card = (r.source.clone(), r.external_id.clone());
    for o in rows.iter_mut() {
        if o.source == card.0 && o.external_id == card.1 {
            o.settled = settled.clone();
        }
    }
    resplit(rows, row);
}

/// After a decision on `rows[row]` (rows grouped by card): re-marks that card's split, which the
/// decision may settle or, undone, reopen.
pub fn resplit(rows: &mut [LeadRow], row: usize) {
    let same = |a: &LeadRow, b: &LeadRow| a.source == b.source && a.external_id == b.external_id;
    let Some(r) = rows.get(row) else { return };
    let start = (0..row)
        .rev()
        .take_while(|&i| same(&rows[i], r))
        .last()
        .unwrap_or(row);
    let end = (row..rows.len())
        .take_while(|&i| same(&rows[i], r))
        .last()
        .unwrap_or(row)
        + 1;
    mark_split(&mut rows[start..end]);
}
