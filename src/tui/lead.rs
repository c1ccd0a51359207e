//! The team lead's screens: the list of the auditors' reviews and the decision on one of them.
//! Same keymap conventions as the reviewer; decisions are durable before the next review shows.

use std::time::Instant;

use ratatui_textarea::TextArea;

use super::action::Action;
use super::desk::{Desk, DeskResult};
use super::effect::Effect;
use super::picker::{Picker, PickerFor};
use super::state::{CardState, FieldInput, InputFor, LeadList, Popup, Screen, State, Status};
use super::update::Cx;
use crate::domain::decision::{Decision, LeadDecision};
use crate::domain::lead_row::LeadRow;
use crate::domain::names::fold;
use crate::domain::review::Verdict;
use crate::text::tui as msg;

/// Reads the reviews and opens the list (`okk lead`).
pub fn load(state: &mut State, desk: &Desk) -> DeskResult<()> {
    let rows = desk.lead_rows()?;
    let keep = state.lead.take();
    let mut list = LeadList {
        rows,
        shown: Vec::new(),
        selected: 0,
        filter: keep.as_ref().map(|l| l.filter.clone()).unwrap_or_default(),
        filtering: false,
        all: keep.as_ref().is_some_and(|l| l.all),
        open: None,
        undo: keep.map(|l| l.undo).unwrap_or_default(),
    };
    refilter(&mut list);
    state.lead = Some(list);
    state.screen = Screen::Reviews;
    Ok(())
}

/// Whether a review passes the list's filter: words `auditor:NAME`, `stage:TEXT`,
/// `verdict:NAME`, `since:YYYY-MM-DD`, `until:YYYY-MM-DD`, `disagree` (ok on a card the rules
/// flag as critical, or auditors split on the card with no decision to settle it),
/// `calibration` (made for a calibration); any other word must appear in the card's id, title,
/// stage, auditor or comment. Case and ё/е do not matter.
pub fn matches(row: &LeadRow, filter: &str) -> bool {
    filter.split_whitespace().all(|word| {
        let (key, value) = word.split_once(':').unwrap_or(("", word));
        let has = |s: &str| fold(s).contains(&fold(value));
        match key.to_lowercase().as_str() {
            "auditor" => has(&row.auditor),
            "stage" => has(&row.stage),
            "verdict" => row.verdict.as_str().starts_with(&value.to_lowercase()),
            "since" => day(value).is_some_and(|d| row.created_at.date() >= d),
            "until" => day(value).is_some_and(|d| row.created_at.date() <= d),
            _ if fold(word) == "disagree" => row.disagrees(),
            _ if fold(word) == "calibration" => row.calibration,
            _ => {
                has(&row.external_id)
                    || row.title.as_deref().is_some_and(has)
                    || has(&row.stage)
                    || has(&row.auditor)
                    || has(&row.comment)
            }
        }
    })
}

/// A filter's `YYYY-MM-DD`.
fn day(value: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()
}

fn refilter(list: &mut LeadList) {
    list.shown = list
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| (list.all || r.decision.is_none()) && matches(r, &list.filter))
        .map(|(i, _)| i)
        .collect();
    list.selected = list.selected.min(list.shown.len().saturating_sub(1));
}

pub fn update(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    match state.screen {
        Screen::Reviews => list(state, action, desk),
        Screen::Decide => decide(state, action, desk),
        _ => Ok(()),
    }
}

fn list(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(l) = state.lead.as_mut() else {
        return Ok(());
    };
    let n = l.shown.len();
    if l.filtering {
        match action {
            Action::Choose | Action::Down => l.filtering = false,
            Action::Close => {
                l.filtering = false;
                l.filter.clear();
                refilter(l);
            }
            Action::Type(key) if super::update::edit_line(&mut l.filter, key) => {
                l.selected = 0;
                refilter(l);
            }
            _ => {}
        }
        return Ok(());
    }
    match action {
        Action::Down => l.selected = (l.selected + 1).min(n.saturating_sub(1)),
        Action::Up => l.selected = l.selected.saturating_sub(1),
        Action::PageDown => l.selected = (l.selected + 20).min(n.saturating_sub(1)),
        Action::PageUp => l.selected = l.selected.saturating_sub(20),
        Action::First => l.selected = 0,
        Action::Last => l.selected = n.saturating_sub(1),
        Action::Filter => l.filtering = true,
        Action::Close if !l.filter.is_empty() => {
            l.filter.clear();
            refilter(l);
        }
        Action::ToggleAll => {
            l.all = !l.all;
            refilter(l);
        }
        Action::Open if n > 0 => {
            let row = l.shown[l.selected];
            open(state, row, desk)?;
        }
        Action::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        Action::Back => state.quit = true,
        _ => {}
    }
    Ok(())
}

/// Shows row `row` on the decide screen: the card as the store has it, the auditor's review.
fn open(state: &mut State, row: usize, desk: &mut Cx) -> DeskResult<()> {
    let l = state.lead.as_mut().expect("lead");
    let r = &l.rows[row];
    let Some(card_id) = r.card_id else {
        state.status = Some(Status::Info(msg::card_not_synced(&r.external_id)));
        return Ok(());
    };
    let Some(detail) = desk.card(card_id)? else {
        return Ok(());
    };
    let review = desk.review_of(card_id, &r.auditor)?;
    let decision = desk.latest_decision(&r.review_id)?;
    if let Some(pos) = l.shown.iter().position(|&i| i == row) {
        l.selected = pos;
    }
    l.open = Some(row);
    let stage = state.funnel.resolve(&detail.card.stage);
    state.card = Some(CardState {
        index: row,
        stage,
        draft: review.as_ref().map(|p| p.draft.clone()).unwrap_or_default(),
        // The lead sees what the auditor confirmed; nothing is suggested to the lead.
        suggested: Default::default(),
        previous: review,
        opened: Instant::now(),
        scroll: 0,
        decision,
        detail,
    });
    state.screen = Screen::Decide;
    Ok(())
}

fn decide(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(c) = state.card.as_mut() else {
        state.screen = Screen::Reviews;
        return Ok(());
    };
    match action {
        Action::Accept => record(state, Decision::accept(), desk)?,
        Action::Override => {
            // Overriding with the auditor's own verdict would be an accept.
            let own = c.previous.as_ref().map(|p| p.verdict);
            let verdicts = Verdict::ALL
                .iter()
                .filter(|v| Some(**v) != own)
                .map(|v| msg::verdict(*v).to_string())
                .collect();
            state.popup = Some(Popup::Picker(Picker::new(PickerFor::Verdict, verdicts)));
        }
        Action::SendBack => {
            state.popup = Some(Popup::Input(FieldInput {
                purpose: InputFor::ReturnNote,
                field: String::new(),
                area: TextArea::default(),
            }));
        }
        // The lead corrects the auditor's answers; the decision keeps them as the reference.
        Action::Item(n) => c.cycle_item(&state.funnel, n),
        Action::Undo => undo(state, desk)?,
        Action::Skip => step(state, 1, desk)?,
        Action::Prev => step(state, -1, desk)?,
        Action::Down
        | Action::Up
        | Action::PageDown
        | Action::PageUp
        | Action::First
        | Action::Last => {
            c.scroll_by(action);
        }
        Action::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        Action::Back => {
            state.card = None;
            state.screen = Screen::Reviews;
            if let Some(l) = state.lead.as_mut() {
                l.open = None;
                refilter(l);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The lead picked a verdict (override) or a stage after "wrong stage", or typed a note.
pub fn chose(
    state: &mut State,
    purpose: PickerFor,
    chosen: String,
    desk: &mut Cx,
) -> DeskResult<()> {
    match purpose {
        PickerFor::Verdict => {
            let Some(v) = Verdict::ALL
                .into_iter()
                .find(|v| msg::verdict(*v) == chosen)
            else {
                return Ok(());
            };
            match v {
                Verdict::WrongStage => {
                    let here = state.card.as_ref().and_then(|c| c.stage);
                    let stages = super::update::other_stages(&state.funnel, here);
                    state.popup = Some(Popup::Picker(Picker::new(PickerFor::LeadStage, stages)));
                    Ok(())
                }
                Verdict::Dead => {
                    let lost = super::update::lost_stage(&state.funnel);
                    record(state, Decision::overrule(v, lost), desk)
                }
                _ => record(state, Decision::overrule(v, None), desk),
            }
        }
        PickerFor::LeadStage => record(
            state,
            Decision::overrule(Verdict::WrongStage, Some(chosen)),
            desk,
        ),
        _ => Ok(()),
    }
}

pub fn send_back(state: &mut State, note: String, desk: &mut Cx) -> DeskResult<()> {
    record(state, Decision::send_back(note), desk)
}

/// Writes the decision, then shows the next review awaiting one.
fn record(state: &mut State, mut decision: Decision, desk: &mut Cx) -> DeskResult<()> {
    let Some(row) = state.lead.as_ref().and_then(|l| l.open) else {
        return Ok(());
    };
    if let Some(c) = &state.card {
        let auditors = c.previous.as_ref().map(|p| &p.draft.answers);
        if Some(&c.draft.answers) != auditors {
            decision.answers = Some(c.draft.answers.clone());
        }
    }
    let review_id = state.lead.as_ref().expect("lead").rows[row]
        .review_id
        .clone();
    desk.ask(Effect::Decide {
        row,
        review_id,
        decision,
    });
    Ok(())
}

/// The decision is in the store (`id`; `standing`, the review's decision now): the next review
/// awaiting one shows.
pub(super) fn decided(
    state: &mut State,
    row: usize,
    decision: &Decision,
    id: String,
    standing: Option<LeadDecision>,
    desk: &mut Cx,
) -> DeskResult<()> {
    let Some(l) = state.lead.as_mut() else {
        return Ok(());
    };
    l.rows[row].decision = standing;
    crate::domain::lead_row::resplit(&mut l.rows, row);
    l.undo.push((row, id));
    state.status = Some(Status::Info(msg::decided(
        decision.kind.as_str(),
        &l.rows[row].external_id,
    )));
    next_awaiting(state, row, desk)
}

fn next_awaiting(state: &mut State, from: usize, desk: &mut Cx) -> DeskResult<()> {
    let l = state.lead.as_ref().expect("lead");
    let pos = l.shown.iter().position(|&i| i == from).unwrap_or(0);
    let next = l
        .shown
        .iter()
        .skip(pos + 1)
        .chain(l.shown.iter().take(pos))
        .copied()
        .find(|&i| l.rows[i].decision.is_none());
    match next {
        Some(i) => open(state, i, desk),
        None => {
            state.card = None;
            state.screen = Screen::Reviews;
            let l = state.lead.as_mut().expect("lead");
            l.open = None;
            refilter(l);
            state.status = Some(Status::Info(msg::all_decided()));
            Ok(())
        }
    }
}

/// Space / p on the decide screen: the next or previous review in the list.
fn step(state: &mut State, by: isize, desk: &mut Cx) -> DeskResult<()> {
    let l = state.lead.as_ref().expect("lead");
    let Some(row) = l.open else { return Ok(()) };
    let pos = l.shown.iter().position(|&i| i == row).unwrap_or(0) as isize + by;
    if pos >= 0
        && let Some(&i) = l.shown.get(pos as usize)
    {
        open(state, i, desk)?;
    }
    Ok(())
}

fn undo(state: &mut State, desk: &mut Cx) -> DeskResult<()> {
    let Some((row, id)) = state.lead.as_ref().and_then(|l| l.undo.last().cloned()) else {
        state.status = Some(Status::Info(msg::nothing_to_undo()));
        return Ok(());
    };
    let review_id = state.lead.as_ref().expect("lead").rows[row]
        .review_id
        .clone();
    desk.ask(Effect::WithdrawDecision { row, id, review_id });
    Ok(())
}

/// The lead's last decision is withdrawn (`standing`, the review's decision now): the review
/// shows again.
pub(super) fn decision_undone(
    state: &mut State,
    row: usize,
    standing: Option<LeadDecision>,
    desk: &mut Cx,
) -> DeskResult<()> {
    let Some(l) = state.lead.as_mut() else {
        return Ok(());
    };
    l.undo.pop();
    l.rows[row].decision = standing;
    crate::domain::lead_row::resplit(&mut l.rows, row);
    refilter(l);
    state.status = Some(Status::Info(msg::decision_undone()));
    open(state, row, desk)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> LeadRow {
        LeadRow {
            review_id: "r".into(),
            card_id: Some(crate::domain::ids::CardId(1)),
            source: "amocrm".into(),
            external_id: "31245817".into(),
            title: Some("ЖК «Северный парк», 2-к кв.".into()),
            stage: "Встреча проведена".into(),
            auditor: "anna".into(),
            verdict: Verdict::Ok,
            score: Some(75.0),
            suggested_stage: None,
            suggested_owner: None,
            comment: "клиент ждёт ипотеку".into(),
            created_at: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
            seconds_spent: Some(12.0),
            flag_rank: 3,
            decision: None,
            calibration: false,
            split: false,
        }
    }

    #[test]
    fn the_filter_reads_keys_and_free_words() {
        let r = row();
        assert!(matches(&r, ""));
        assert!(matches(&r, "auditor:ANNA stage:встреча verdict:ok"));
        assert!(!matches(&r, "auditor:boris"));
        assert!(matches(&r, "since:2026-11-20 until:2026-11-20"));
        assert!(!matches(&r, "since:2026-11-21"));
        assert!(!matches(&r, "until:2026-11-19"));
        assert!(matches(&r, "disagree северный ждет"));
        let mut fine = r.clone();
        fine.flag_rank = 2;
        assert!(!matches(&fine, "disagree"));
        assert!(!matches(&r, "verdict:stale"));
        assert!(!matches(&r, "calibration"));
        let mut cal = r.clone();
        cal.calibration = true;
        assert!(matches(&cal, "calibration auditor:anna"));
        let mut split = fine.clone();
        split.split = true;
        assert!(matches(&split, "disagree"), "auditors split on the card");
    }

    #[test]
    fn a_cards_reviews_come_together_and_a_split_is_marked_until_the_lead_settles_it() {
        let review = |id: &str, card: &str, auditor: &str, verdict: Verdict| LeadRow {
            review_id: id.into(),
            external_id: card.into(),
            auditor: auditor.into(),
            verdict,
            ..row()
        };
        let rows = vec![
            review("1", "A", "anna", Verdict::Ok),
            review("2", "B", "anna", Verdict::Stale),
            review("3", "A", "boris", Verdict::Dead),
            review("4", "B", "boris", Verdict::Stale),
        ];
        let grouped = crate::domain::lead_row::group_by_card(rows.clone());
        let ids: Vec<&str> = grouped.iter().map(|r| r.review_id.as_str()).collect();
        assert_eq!(ids, ["1", "3", "2", "4"]);
        let split: Vec<bool> = grouped.iter().map(|r| r.split).collect();
        assert_eq!(split, [true, true, false, false]);
        // The lead accepts anna's ok: settled, in place.
        let mut grouped = grouped;
        grouped[0].decision = Some(crate::domain::decision::LeadDecision {
            id: "d".into(),
            lead: "lena".into(),
            decision: Decision::accept(),
            created_at: "2026-11-21 09:00:00".into(),
        });
        crate::domain::lead_row::resplit(&mut grouped, 0);
        assert!(grouped.iter().all(|r| !r.split));
        // Undone: split again (found from the card's second row too).
        grouped[0].decision = None;
        crate::domain::lead_row::resplit(&mut grouped, 1);
        let split: Vec<bool> = grouped.iter().map(|r| r.split).collect();
        assert_eq!(split, [true, true, false, false]);
    }
}
