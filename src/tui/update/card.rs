//! The card screen's keys: checklist items, verdicts (written by the runtime, the next card
//! shown once the store has them), the owner, corrections, the comment, undo; the card read
//! back from the store.

use std::time::Instant;

use ratatui_textarea::TextArea;

use super::{Cx, failed, funnel, keep_draft, queue};
use crate::domain::as_judged::AsJudged;
use crate::domain::funnel::StageKind;
use crate::domain::others_review::OthersReview;
use crate::domain::review::{Review, ReviewDraft, Verdict};
use crate::domain::score::{empty_bound, score, suggest};
use crate::domain::stored_review::ReviewedCard;
use crate::text::tui as msg;
use crate::tui::action::Action;
use crate::tui::desk::{DeskResult, Saving};
use crate::tui::effect::{AfterDraft, Effect};
use crate::tui::keymap::Mode;
use crate::tui::picker::{Picker, PickerFor};
use crate::tui::read::{Ask, CardRead, Then, Whose};
use crate::tui::state::{
    CardState, FieldInput, InputFor, Kept, Popup, SavingVerdict, Screen, State, Status, Undo,
};

pub(super) fn keys(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(c) = state.card.as_mut() else {
        state.screen = Screen::Queue;
        return;
    };
    match action {
        Action::Ok | Action::Stale | Action::Unclear | Action::Dead | Action::WrongStage => {
            judge(state, action, cx)
        }
        Action::Owner | Action::Correct | Action::Comment | Action::OpenCrm => {
            aside(state, action, cx)
        }
        Action::Item(n) => c.cycle_item(&state.shared.funnel, n),
        Action::Skip if cx.desk.lease().is_some() => {
            state.verdicts.follows_last = false;
            skip_claimed(state, cx)
        }
        Action::Skip => {
            let from = c.index + 1;
            state.verdicts.follows_last = false;
            move_to(state, from, false, cx);
        }
        Action::Prev if c.index > 0 => {
            let i = c.index - 1;
            state.verdicts.follows_last = false;
            open(state, i, None, cx);
        }
        Action::Undo => undo(state, cx),
        a if a.moves() => c.scroll_by(a),
        Action::Help => {
            state.popup = Some(Popup::Help {
                scroll: Default::default(),
            })
        }
        Action::Back | Action::Filter => {
            let i = c.index;
            state.verdicts.follows_last = false;
            keep_draft(state, cx, AfterDraft::Leave);
            state.card = None;
            state.screen = Screen::Queue;
            if let Some(q) = state.queue.as_mut() {
                q.selected = i.min(q.items.len().saturating_sub(1));
                // The list, its filter open for what she types.
                q.filtering = action == Action::Filter;
            }
        }
        _ => {}
    }
}

/// A skip on a queue taken by claim gives the card back to the others: it leaves this
/// auditor's list (a claim never lists it again this session), and the next card shows,
/// claimed if need be.
fn skip_claimed(state: &mut State, cx: &mut Cx) {
    let (Some(c), Some(q)) = (state.card.as_ref(), state.queue.as_mut()) else {
        return;
    };
    let i = c.index;
    let Some(item) = q.items.get(i) else {
        return;
    };
    // A card judged here, or a calibration card, is not held: a plain skip.
    if item.done.is_some() || item.entry.calibration {
        return move_to(state, i + 1, false, cx);
    }
    let card = item.entry.card_id;
    q.items.remove(i);
    q.measure.forget();
    q.given_back.push(card);
    // Given back, it is never hers again: off what is left for her.
    q.claimable = q.claimable.map(|n| n.saturating_sub(1));
    cx.ask(Effect::Release(vec![card]));
    move_to(state, i, false, cx)
}

/// A verdict key on the card (wrong stage asks for the stage first).
fn judge(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(c) = state.card.as_ref() else {
        return;
    };
    let funnel = &state.shared.funnel;
    match action {
        Action::Ok => verdict(state, Verdict::Ok, None, cx),
        Action::Stale => verdict(state, Verdict::Stale, None, cx),
        Action::Unclear => verdict(state, Verdict::Unclear, None, cx),
        // The lost stage, or none: never a stage picked for an earlier verdict.
        Action::Dead => verdict(state, Verdict::Dead, lost_stage(funnel), cx),
        Action::WrongStage => {
            let stages = other_stages(funnel, c.stage);
            let picker = stage_picker(state, PickerFor::WrongStage, stages);
            state.popup = Some(Popup::Picker(picker));
        }
        _ => {}
    }
}

/// The funnel's lost stage, where a dead card belongs.
pub(super) fn lost_stage(funnel: &crate::domain::Funnel) -> Option<String> {
    funnel
        .stages
        .iter()
        .find(|s| s.kind == StageKind::Lost)
        .map(|s| s.name.clone())
}

/// The funnel's stages but `here` (a card's own), for a wrong-stage verdict.
pub(super) fn other_stages(funnel: &crate::domain::Funnel, here: Option<usize>) -> Vec<String> {
    funnel
        .stages
        .iter()
        .enumerate()
        .filter(|(i, _)| Some(*i) != here)
        .map(|(_, s)| s.name.clone())
        .collect()
}

/// A stage picker over `stages` for the card on screen, the stages marked that its own CRM
/// pipeline (the review's corrected pipeline, else the card's) has no place for: `okk export
/// crm` leaves a move to one out. No marks for a card of a source no sync read stages for.
pub(super) fn stage_picker(state: &State, purpose: PickerFor, stages: Vec<String>) -> Picker {
    let marked = match &state.card {
        Some(c) => {
            let card = &c.detail.card;
            let pipeline = (c.draft.pipeline_correction()).or(card.pipeline.as_deref());
            let funnel = &state.shared.funnel;
            (state.shared.crm_stages).unlanded(&card.source, pipeline, funnel, &stages)
        }
        None => Vec::new(),
    };
    Picker::new(purpose, stages).with_marks(marked)
}

/// Keys that add to the review without judging: an owner, a correction, a comment, and the
/// card's page in the CRM.
fn aside(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(c) = state.card.as_ref() else {
        return;
    };
    match action {
        // Read once per source: the owners of this card's source come first.
        Action::Owner => match state.verdicts.owners.clone() {
            Some(owners) if owners.source == c.detail.card.source => owners_read(state, owners),
            _ => {
                let source = c.detail.card.source.clone();
                cx.read(state, Ask::Owners { source }, Then::OwnerPicker)
            }
        },
        Action::Correct => {
            let fields = field_choices(state);
            state.popup = Some(Popup::Picker(Picker::new(PickerFor::Field, fields)));
        }
        Action::Comment => {
            let mut area = TextArea::from(c.draft.comment.lines());
            area.move_cursor(ratatui_textarea::CursorMove::Bottom);
            area.move_cursor(ratatui_textarea::CursorMove::End);
            state.popup = Some(Popup::Comment {
                area,
                asked_to_discard: false,
            });
        }
        Action::OpenCrm => {
            let card = &c.detail.card;
            match state.shared.crm_links.url(&card.source, &card.external_id) {
                Some(url) => cx.ask(Effect::OpenUrl(url)),
                None => state.shared.status = Some(Status::Error(msg::crm_no_link(&card.source))),
            }
        }
        _ => {}
    }
}

/// The owners are known: the owner picker opens (on the card it was asked on).
pub(super) fn owners_read(state: &mut State, owners: crate::tui::picker::Owners) {
    let current = (state.card.as_ref()).and_then(|c| c.detail.card.owner.clone());
    let picker = owners.picker(current.as_deref());
    state.verdicts.owners = Some(owners);
    if state.screen == Screen::Card && state.popup.is_none() {
        state.popup = Some(Popup::Picker(picker));
    }
}

/// The fields a correction can be about: the stage's own first, then the funnel's custom
/// fields, the card's other columns, and okk's system fields.
fn field_choices(state: &State) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    };
    let funnel = &state.shared.funnel;
    if let Some(c) = &state.card {
        if let Some(stage) = c.stage.map(|i| funnel.stage(i)) {
            stage.fields.iter().for_each(|f| push(f));
            stage.required.iter().for_each(|r| push(r.field.label()));
        }
        funnel.custom_fields.iter().for_each(|f| push(&f.name));
        c.detail.card.fields.iter().for_each(|(k, _)| push(k));
    }
    for f in crate::domain::SystemField::ALL {
        use crate::domain::SystemField as S;
        if !matches!(f, S::ExternalId | S::Stage | S::Status) {
            push(f.name());
        }
    }
    out
}

/// A picker on the card chose: the stage of a wrong-stage verdict, an owner, a field to
/// correct.
pub(super) fn chosen(state: &mut State, purpose: PickerFor, chosen: String, cx: &mut Cx) {
    let Some(c) = state.card.as_mut() else {
        return;
    };
    match purpose {
        PickerFor::Verdict | PickerFor::LeadStage => {}
        PickerFor::WrongStage => verdict(state, Verdict::WrongStage, Some(chosen), cx),
        PickerFor::Owner => {
            let current = c.detail.card.owner.clone();
            let replaced = c
                .draft
                .suggest_owner(Some(chosen.clone()), current.as_deref());
            owner_replaced(state, &chosen, replaced);
        }
        PickerFor::Field => {
            let current = (c.draft.corrected(&chosen).map(String::from))
                .or_else(|| {
                    crate::tui::state::field_value(&c.detail.card, &chosen, &state.shared.funnel)
                })
                .unwrap_or_default();
            // The old value shows selected: typing replaces it, an arrow key edits it.
            let mut area = TextArea::from([current]);
            area.select_all();
            state.popup = Some(Popup::Input(FieldInput::new(
                InputFor::Correction,
                chosen,
                area,
            )));
        }
    }
}

/// The corrected value typed for `field` (empty: the correction is taken back).
pub(super) fn correct(state: &mut State, field: String, value: String) {
    let kind = state.shared.funnel.field_kind(&field);
    // A correction the CRM could not take back is refused here, not at export.
    if !value.is_empty() && !crate::formats::values::is_typed(kind, &value) {
        state.shared.status = Some(Status::Error(msg::not_typed(&field, kind, &value)));
        return;
    }
    // A budget below zero is a slip (a dash typed for a space), and every CRM file would carry it.
    if crate::domain::SystemField::from_name(&field) == Some(crate::domain::SystemField::Amount)
        && crate::formats::amount::parse_amount(value.trim(), true).is_some_and(|a| a < 0.0)
    {
        state.shared.status = Some(Status::Error(msg::negative_amount(&field, &value)));
        return;
    }
    state.popup = None;
    if let Some(c) = state.card.as_mut() {
        let current = c.detail.card.owner.clone();
        let replaced = c.draft.correct(field, value.clone(), current.as_deref());
        owner_replaced(state, &value, replaced);
    }
}

/// A new owner suggestion took the place of another (the picker's and the owner field's are
/// one): the status line says which went, so that the auditor is not left thinking both stand.
/// A suggestion of the card's owner now is refused, and says so.
fn owner_replaced(
    state: &mut State,
    owner: &str,
    replaced: Result<Option<String>, crate::domain::review::AlreadyOwner>,
) {
    match replaced {
        Ok(Some(was)) => state.shared.status = Some(Status::Info(msg::owner_replaced(owner, &was))),
        Ok(None) => {}
        Err(_) => state.shared.status = Some(Status::Error(msg::owner_already(owner))),
    }
}

/// Whether the draft answers `item` with a fail (0 on a scale item, as the score reads it).
fn draft_fails(
    draft: &crate::domain::review::ReviewDraft,
    item: &crate::domain::funnel::ChecklistItem,
) -> bool {
    (draft.answers.get(&item.id)).is_some_and(|a| a.value(item.scale) == Some(0.0))
}

/// Asks for the verdict to be written (durably); the card stays until it is. `stage`: the
/// stage it suggests (a wrong stage's pick, a dead lead's lost stage). The card's draft is
/// left as it was: what `ok` confirms, or the stage, is the review's, so undo (or a failed
/// write) shows the card as it was before the key.
fn verdict(state: &mut State, verdict: Verdict, stage: Option<String>, cx: &mut Cx) {
    let Some(c) = state.card.as_ref() else {
        return;
    };
    let items = c.checklist(&state.shared.funnel);
    let draft = c.draft.judged(verdict, stage, &c.suggested);
    let review = Review {
        verdict,
        score: score(items, &draft.answers),
        draft,
        seconds_spent: c.opened.elapsed().as_secs_f64(),
    };
    let reviewed = ReviewedCard::from(&c.detail);
    let critical_failed = (verdict == Verdict::Ok)
        .then(|| {
            (items.iter())
                .find(|i| i.critical && draft_fails(&review.draft, i))
                .map(|i| i.text.clone())
        })
        .flatten();
    // The card stays (and keys that would leave it wait) until the store or the journal has
    // the verdict.
    state.verdicts.saving = Some(SavingVerdict {
        verdict,
        index: c.index,
        row: state.queue.as_ref().map_or(0, |q| q.row),
        card_id: reviewed.card_id,
        external_id: reviewed.external_id.clone(),
        draft: c.draft.clone(),
        blocker: None,
        trying: true,
        critical_failed,
    });
    // The next card is read while the verdict is written: it shows as soon as the verdict
    // lands, instead of after one more read.
    let next = state.queue.as_ref().and_then(|q| {
        (q.items.iter().enumerate().skip(c.index + 1))
            .find(|(_, item)| item.done.is_none())
            .map(|(i, item)| (i, item.entry.card_id))
    });
    cx.ask(Effect::SaveVerdict {
        card: reviewed,
        review,
    });
    if let Some((index, card_id)) = next {
        let whose = Whose::Mine;
        cx.read_ahead(Ask::Card { card_id, whose }, index);
    }
}

/// A try at writing the verdict came back: in the store (the next card shows), in the journal
/// (the loop's ticks try again), or refused.
pub(super) fn verdict_outcome(
    state: &mut State,
    retry: bool,
    result: Option<DeskResult<Saving>>,
    cx: &mut Cx,
) {
    let Some(saving) = state.verdicts.saving.as_mut() else {
        return;
    };
    saving.trying = false;
    // A verdict that waited for the store: the card read ahead may predate what the writer
    // that held the store changed. Read it again when it opens.
    if retry || !matches!(result, Some(Ok(Saving::Saved(_)))) {
        state.verdicts.ahead = None;
    }
    // The card was taken out of the store (a prune) while it was on screen: the store refused
    // the verdict (the journal let it go); the card leaves the list, the next one shows.
    if let Some(Err(e)) = &result
        && e.is_card_gone()
    {
        let saving = state.verdicts.saving.take().expect("checked");
        return queue::drop_gone(state, &[saving.card_id], Some(Some(saving.verdict)), cx);
    }
    // An import or a sync changed the card since it was read: the store refused a verdict on
    // content the card no longer has (the journal let it go). Read again, it shows as it is
    // now with what she built on it; keys wait for it, so her next verdict is on that.
    if let Some(Err(e)) = &result
        && e.is_card_changed()
    {
        let saving = state.verdicts.saving.take().expect("checked");
        let ask = Ask::Card {
            card_id: saving.card_id,
            whose: Whose::Mine,
        };
        let then = Then::Changed {
            index: saving.index,
            verdict: saving.verdict,
        };
        return cx.read(state, ask, then);
    }
    let status = &mut state.shared.status;
    match result {
        Some(Ok(Saving::Saved(id))) => {
            let saving = state.verdicts.saving.take().expect("checked");
            landed(state, saving, id, cx);
        }
        // On this machine, the server out of reach: the auditor goes on; the runtime
        // reconnects and the verdict is written then.
        Some(Ok(Saving::Kept(id))) => {
            let saving = state.verdicts.saving.take().expect("checked");
            let external_id = saving.external_id.clone();
            landed(state, saving, id, cx);
            state.shared.status = Some(Status::Info(msg::kept_here(&external_id)));
        }
        Some(Ok(Saving::Waiting(blocker))) => {
            saving.blocker = blocker;
            *status = Some(Status::Info(msg::saving(&saving.external_id, blocker)));
        }
        // Kept in the journal and tried again at the next tick; the status says why not yet.
        Some(Err(e)) if retry => {
            *status = Some(Status::Error(msg::saving_failed(
                &saving.external_id,
                &e.to_string(),
            )))
        }
        // Neither in the store nor in the journal: the card stays with the error.
        Some(Err(e)) => {
            state.verdicts.saving = None;
            state.shared.status = Some(failed(&e, cx));
        }
        None => state.verdicts.saving = None,
    }
}

/// The verdict is in the store: the queue shows it, undo can take it back, the next card shows.
fn landed(state: &mut State, s: SavingVerdict, id: String, cx: &mut Cx) {
    let index = s.index;
    // The verdict took the card's draft: leaving the card must not write it back.
    if let Some(c) = state.card.as_mut() {
        c.kept = Kept::Never;
    }
    let q = state.queue.as_mut().expect("a card is open from a queue");
    let before = q.items[index].done;
    q.items[index].done = Some(s.verdict);
    // The verdict took her draft too.
    q.drafted.remove(&q.items[index].entry.card_id);
    // Judged as it is now: no longer changed since her review.
    let changed_before = std::mem::take(&mut q.items[index].entry.changed_since_review);
    // Judged by her, another auditor's card (opened under `t` or a filter) counts as hers.
    let others_before = std::mem::take(&mut q.items[index].entry.judged_by_other);
    if before.is_none() {
        q.counts.reviewed += 1;
        if others_before {
            q.counts.others = q.counts.others.saturating_sub(1);
        }
        // Judged, the card counts among the list's judged, no longer among what is left.
        q.claimable = q.claimable.map(|n| n.saturating_sub(1));
    }
    state.shared.status = Some(match &s.critical_failed {
        Some(item) => Status::Error(msg::saved_critical_failed(s.verdict, &s.external_id, item)),
        None => Status::Info(msg::saved(s.verdict, &s.external_id)),
    });
    super::live::own_write(state);
    state.verdicts.undo.push(Undo {
        review_id: id,
        row: s.row,
        card_id: s.card_id,
        external_id: s.external_id,
        verdict: s.verdict,
        before,
        changed_before,
        others_before,
        draft: s.draft,
    });
    state.verdicts.follows_last = true;
    move_to(state, index + 1, true, cx)
}

/// `u` on the card: takes back a verdict of this session, always on a card the auditor sees.
/// Right after a verdict (or an undo) it is the last one, its card shown again. Once she has
/// moved herself, it is the verdict she gave this card this session; else it withdraws nothing:
/// a verdict of hers on the card from before (or one the lead decided on) is said to stand and
/// why, and on a card she has not judged her last verdict's card opens, `u` there taking it
/// back (docs/reviewer.md).
fn undo(state: &mut State, cx: &mut Cx) {
    let Some(c) = state.card.as_ref() else {
        return;
    };
    let verdicts = &state.verdicts;
    let target = if verdicts.follows_last {
        verdicts.undo.len().checked_sub(1)
    } else {
        let here = c.detail.card_id;
        verdicts.undo.iter().rposition(|u| u.card_id == here)
    };
    if let Some(at) = target {
        return withdraw(state, at, cx);
    }
    if c.previous.is_some() {
        let said = match &c.decision {
            Some(d) => msg::undo_decided(&c.detail.card.external_id, &d.lead, d.decision.kind),
            None if verdicts.undo.is_empty() => nothing_to_undo(state),
            None => msg::undo_earlier(&verdict_keys(state)),
        };
        state.shared.status = Some(Status::Info(said));
        return;
    }
    match verdicts.undo.len().checked_sub(1) {
        Some(at) => show_last(state, at, cx),
        None => state.shared.status = Some(Status::Info(nothing_to_undo(state))),
    }
}

/// `u` on the queue screen. Right after a verdict that ended the list (the queue shown where
/// the next card would be, nothing pressed since) it takes that verdict back and shows its
/// card again, as `u` on the next card would; else it opens her last verdict's card and says
/// `u` there takes it back. No verdict is withdrawn on a card she is not looking at but the
/// one she just judged.
pub(super) fn undo_on_list(state: &mut State, cx: &mut Cx) {
    match state.verdicts.undo.len().checked_sub(1) {
        Some(at) if state.verdicts.follows_last => withdraw(state, at, cx),
        Some(at) => show_last(state, at, cx),
        None => state.shared.status = Some(Status::Info(nothing_to_undo(state))),
    }
}

/// Where undo entry `at`'s card is in the open queue; `None` (the status says why) when the
/// queue is another stage's or does not list it: no verdict is withdrawn out of sight.
fn listed(state: &mut State, at: usize) -> Option<usize> {
    let entry = &state.verdicts.undo[at];
    let q = state.queue.as_ref()?;
    let said = if q.row != entry.row {
        let stage = state.stages.rows.get(entry.row).map(|r| r.name.as_str());
        msg::undo_other_stage(&entry.external_id, stage.unwrap_or_default())
    } else if let Some(i) = q
        .items
        .iter()
        .position(|i| i.entry.card_id == entry.card_id)
    {
        return Some(i);
    } else {
        let all = first_key(state, Mode::Queue, Action::AllCards).unwrap_or_default();
        msg::undo_not_listed(&entry.external_id, &all)
    };
    state.shared.status = Some(Status::Info(said));
    None
}

/// Asks for verdict `at` of the undo list to be withdrawn (its card, listed, shows once it is).
fn withdraw(state: &mut State, at: usize, cx: &mut Cx) {
    let Some(index) = listed(state, at) else {
        return;
    };
    let entry = &state.verdicts.undo[at];
    // On a queue taken by claim the card the undo shows again is taken back with the
    // withdrawal (the verdict had ended her claim). A card whose earlier verdict stands again
    // (re-judged) is nobody's to hand out, and a calibration card is never held.
    let take_back = cx.desk.lease().and_then(|_| {
        let item = state.queue.as_ref()?.items.get(index)?;
        (entry.before.is_none() && !item.entry.calibration).then_some(entry.card_id)
    });
    cx.ask(Effect::WithdrawReview {
        id: entry.review_id.clone(),
        take_back,
    });
}

/// `u` on a card she has not judged, away from her last verdict (undo entry `at`): its card
/// opens, with the verdict, and the status says that `u` there takes it back.
fn show_last(state: &mut State, at: usize, cx: &mut Cx) {
    let Some(index) = listed(state, at) else {
        return;
    };
    let entry = &state.verdicts.undo[at];
    let key = first_key(state, Mode::Card, Action::Undo).unwrap_or_default();
    let said = msg::undo_shows_last(&entry.external_id, entry.verdict, &key);
    open(state, index, None, cx);
    state.shared.status = Some(Status::Info(said));
}

/// The first key bound to `action` on `mode`'s screen, as the keymap in force has it.
fn first_key(state: &State, mode: Mode, action: Action) -> Option<String> {
    (state.shared.keymap.rows(mode).into_iter())
        .find(|(a, _)| *a == action)
        .and_then(|(_, keys)| keys.first().map(|k| k.to_string()))
}

/// The verdict keys in force, as a status line names them.
fn verdict_keys(state: &State) -> String {
    let verdicts: Vec<String> = [
        Action::Ok,
        Action::WrongStage,
        Action::Stale,
        Action::Dead,
        Action::Unclear,
    ]
    .into_iter()
    .filter_map(|a| first_key(state, Mode::Card, a))
    .collect();
    verdicts.join(" ")
}

/// What `u` says with no verdict of this session to take back, in the keys in force: on a card
/// she reviewed before (opened from the list of her reviewed cards), that another verdict
/// changes it; on another, where her earlier verdicts are.
fn nothing_to_undo(state: &State) -> String {
    if state.card.as_ref().is_some_and(|c| c.previous.is_some()) {
        msg::nothing_to_undo_reviewed(&verdict_keys(state))
    } else {
        let all = first_key(state, Mode::Queue, Action::AllCards).unwrap_or_default();
        msg::nothing_to_undo_card(&all)
    }
}

/// The store refused to withdraw verdict `id`: the lead has decided on it. The verdict and the
/// decision stand; it leaves the undo list (the next `u` takes back the one before), and the
/// status says who decided and how to change the verdict.
pub(super) fn undo_refused(
    state: &mut State,
    id: &str,
    lead: &str,
    decision: crate::domain::decision::DecisionKind,
) {
    let Some(at) = state.verdicts.undo.iter().position(|u| u.review_id == id) else {
        return;
    };
    let entry = state.verdicts.undo.remove(at);
    state.shared.status = Some(Status::Info(msg::undo_decided(
        &entry.external_id,
        lead,
        decision,
    )));
}

/// Verdict `id` is withdrawn: its card shows again, as it was before the verdict key, and the
/// next `u` takes back the verdict before. `held_by`: another auditor holds the card (a claim of theirs): the
/// status says so and it leaves her list, as a card she skipped does, instead of showing as
/// hers to judge.
pub(super) fn undone(state: &mut State, id: &str, held_by: Option<String>, cx: &mut Cx) {
    let Some(at) = state.verdicts.undo.iter().position(|u| u.review_id == id) else {
        return;
    };
    let last = state.verdicts.undo.remove(at);
    state.verdicts.follows_last = true;
    super::live::own_write(state);
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    if last.before.is_none() {
        q.counts.reviewed = q.counts.reviewed.saturating_sub(1);
        if last.others_before {
            q.counts.others += 1;
        }
    }
    // The card filtered out of view: the verdict is withdrawn all the same.
    let index = q.items.iter().position(|i| i.entry.card_id == last.card_id);
    let Some(holder) = held_by else {
        // Hers again, to judge: back among what is left for her.
        if last.before.is_none() {
            q.claimable = q.claimable.map(|n| n + 1);
        }
        state.shared.status = Some(Status::Info(msg::undone(
            &last.external_id,
            last.verdict,
            last.before,
        )));
        if let Some(index) = index {
            q.items[index].done = last.before;
            q.items[index].entry.changed_since_review = last.changed_before;
            q.items[index].entry.judged_by_other = last.others_before;
            open(state, index, Some(last.draft), cx);
        }
        return;
    };
    state.shared.status = Some(Status::Info(msg::undone_held_by(
        &last.external_id,
        &holder,
    )));
    let Some(index) = index else {
        return;
    };
    // Off her list, never claimed back this session (as a skip).
    q.items.remove(index);
    q.measure.forget();
    q.given_back.push(last.card_id);
    if q.selected > index {
        q.selected -= 1;
    }
    // A verdict given since the undo was asked names its card by its place.
    if let Some(s) = state.verdicts.saving.as_mut()
        && s.index > index
    {
        s.index -= 1;
    }
    match state.card.as_mut() {
        Some(c) if c.index > index => c.index -= 1,
        // The card on screen was that one (it cannot be, after a verdict moved on; should
        // it be): the next card shows.
        Some(c) if c.index == index => move_to(state, index, true, cx),
        _ => {}
    }
}

/// Shows the first card at or after `from` that still wants a verdict (`pending_only`), or
/// simply the card at `from`; past the end, the queue screen says the stage is done. Pages
/// not read yet are asked for, and this goes on once they are in.
pub(super) fn move_to(state: &mut State, from: usize, pending_only: bool, cx: &mut Cx) {
    keep_draft(state, cx, AfterDraft::Leave);
    // On a shared queue a card the lead sent back comes next, wherever the list has it (one
    // judged earlier this session and sent back since waits above the card just judged).
    if pending_only && cx.desk.lease().is_some() {
        let back = (state.queue.as_ref()).and_then(|q| {
            (q.items.iter().take(from))
                .position(|it| it.done.is_none() && it.entry.returned.is_some())
        });
        let current = state.card.as_ref().map(|c| c.index);
        if let Some(i) = back.filter(|i| Some(*i) != current) {
            return open(state, i, None, cx);
        }
    }
    let mut i = from;
    loop {
        let then = Then::MoveTo {
            from: i,
            pending_only,
        };
        if !queue::ensure_loaded(state, cx, i, then) {
            return;
        }
        let Some(q) = state.queue.as_ref() else {
            return;
        };
        match q.items.get(i) {
            Some(item) if pending_only && item.done.is_some() => i += 1,
            Some(_) => return open(state, i, None, cx),
            None => break,
        }
    }
    // Past the end: go back for any card skipped earlier.
    let q = state.queue.as_mut().expect("checked");
    if let Some(i) = q.items.iter().position(|it| it.done.is_none()) {
        return open(state, i, None, cx);
    }
    q.selected = q.items.len().saturating_sub(1);
    state.card = None;
    state.screen = Screen::Queue;
    funnel::read(state, Then::StageDone, cx)
}

/// Asks for queue item `index`: the card as the store has it now, the auditor's draft of it or
/// her current review (when re-judging); `draft`: the review to show instead (undo).
pub(super) fn open(state: &mut State, index: usize, draft: Option<ReviewDraft>, cx: &mut Cx) {
    // The card left keeps what was built on it (read before the store has it, a card opened
    // again would show less).
    keep_draft(state, cx, AfterDraft::Leave);
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    let Some(item) = q.items.get(index) else {
        return;
    };
    q.selected = index;
    let card_id = item.entry.card_id;
    if let Some((i, read)) = state.verdicts.ahead.take()
        && i == index
        && read.detail.card_id == card_id
    {
        return card_read(state, index, draft, Some(read), cx);
    }
    let ask = Ask::Card {
        card_id,
        whose: Whose::Mine,
    };
    cx.read(state, ask, Then::ShowCard { index, draft });
}

/// The answers the card's flags and its empty bound fields suggest at stage `s`.
fn suggested(
    funnel: &crate::domain::Funnel,
    s: usize,
    detail: &crate::domain::card_detail::CardDetail,
) -> crate::domain::score::Answers {
    let stage = funnel.stage(s);
    let carried = detail.carried.as_ref();
    let empty = empty_bound(stage, &detail.card, funnel, carried);
    suggest(stage, &detail.flags, &empty, funnel.checklist_default)
}

/// Queue item `index` read back: shown with the review, or the rules' pre-answers.
pub(super) fn card_read(
    state: &mut State,
    index: usize,
    draft: Option<ReviewDraft>,
    read: Option<Box<CardRead>>,
    cx: &mut Cx,
) {
    let Some(read) = read.map(|r| *r) else {
        return gone_on_opening(state, index, cx);
    };
    let funnel = &state.shared.funnel;
    let stage = funnel.resolve(&read.detail.card.stage);
    let suggested = stage.map_or_else(Default::default, |s| suggested(funnel, s, &read.detail));
    // What the store gives back on the next opening is kept already; a draft given here (undo)
    // is not: it is the auditor's draft again once its verdict is withdrawn.
    // Only the answers the card's stage asks now: her review from before the CRM moved the
    // card answered another stage's checklist, and a draft may hold an item the funnel no longer
    // asks. What the next opening gives back is taken alike: opening the card writes nothing.
    let items = stage.map_or(&[][..], |s| &funnel.stage(s).checklist[..]);
    let (draft, kept) = match (draft, read.draft, &read.review) {
        (Some(given), ..) => (given, Kept::Not),
        (None, Some(kept), _) => {
            let kept = kept.for_stage(items, false);
            (kept.clone(), Kept::As(kept))
        }
        (None, None, Some(p)) => {
            let at_another = funnel.resolve(&p.stage) != stage;
            let kept = p.draft.clone().for_stage(items, at_another);
            (kept.clone(), Kept::As(kept))
        }
        (None, None, None) => (ReviewDraft::default(), Kept::As(ReviewDraft::default())),
    };
    let others = others_shown(state.queue.as_ref(), index, read.others);
    state.card = Some(CardState {
        index,
        detail: read.detail,
        stage,
        checked: stage,
        draft,
        kept,
        suggested,
        previous: read.review,
        opened: Instant::now(),
        scroll: Default::default(),
        item: 0,
        decision: read.decision,
        others,
        past_checklist: read.past_checklist,
    });
    state.screen = Screen::Card;
}

/// Of the other auditors' reviews of queue item `index`'s card, those its card shows: none on a
/// calibration card, which every listed auditor judges on their own (another's verdict shown
/// there would be the one the lead then finds them agreeing with).
fn others_shown(
    queue: Option<&crate::tui::state::Queue>,
    index: usize,
    others: Vec<OthersReview>,
) -> Vec<OthersReview> {
    let calibration = (queue.and_then(|q| q.items.get(index))).is_some_and(|i| i.entry.calibration);
    if calibration { Vec::new() } else { others }
}

/// Other auditors' reviews of `card` read again (a refresh): shown if it is still on screen.
pub(super) fn others_refreshed(
    state: &mut State,
    card: crate::domain::ids::CardId,
    others: Vec<OthersReview>,
) {
    if state.screen != Screen::Card {
        return;
    }
    let Some(c) = state.card.as_mut().filter(|c| c.detail.card_id == card) else {
        return;
    };
    c.others = others_shown(state.queue.as_ref(), c.index, others);
}

/// The card on screen (queue item `index`) read again after the store refused `verdict` on it
/// as changed: redrawn; gone meanwhile (a prune), it leaves the list as a refused verdict's
/// card does.
pub(super) fn changed_read(
    state: &mut State,
    index: usize,
    verdict: Verdict,
    read: Option<Box<CardRead>>,
    cx: &mut Cx,
) {
    match read {
        Some(read) => redraw_changed(state, *read, Some(verdict)),
        None => {
            let Some(card) = (state.queue.as_ref())
                .and_then(|q| q.items.get(index))
                .map(|i| i.entry.card_id)
            else {
                return;
            };
            queue::drop_gone(state, &[card], Some(Some(verdict)), cx)
        }
    }
}

/// The card on screen as the store holds it now, read because an import or a sync changed it
/// since it was read (a refresh saw its digest move, or the store refused `refused` on it):
/// shown as it is, with its review, decision and the rules' suggestions read again, while what
/// the auditor built on it — answers, suggestions, corrections, the comment — stays. The
/// status names what changed, in the words the ↻ list under a verdict uses. Nothing is done
/// when another card is on screen by now; one shown as it is already only hears of the
/// refusal.
pub(super) fn redraw_changed(state: &mut State, read: CardRead, refused: Option<Verdict>) {
    let funnel = &state.shared.funnel;
    let Some(c) = state.card.as_mut() else {
        return;
    };
    if c.detail.card_id != read.detail.card_id {
        return;
    }
    if c.detail.hash == read.detail.hash {
        if let Some(v) = refused {
            let said = msg::changed_on_screen(&c.detail.card.external_id, &[], Some(v));
            state.shared.status = Some(Status::Info(said));
        }
        return;
    }
    let was = AsJudged::of_carried(&c.detail.card, c.detail.carried.as_ref());
    let fields: Vec<_> = (was.changes(&read.detail.card).into_iter())
        .map(|ch| ch.field)
        .collect();
    let stage = funnel.resolve(&read.detail.card.stage);
    if stage != c.stage {
        c.item = 0;
    }
    c.suggested = stage.map_or_else(Default::default, |s| suggested(funnel, s, &read.detail));
    c.stage = stage;
    c.checked = stage;
    c.previous = read.review;
    c.decision = read.decision;
    c.others = others_shown(state.queue.as_ref(), c.index, read.others);
    c.detail = read.detail;
    let card = &c.detail.card;
    if let Some(item) = (state.queue.as_mut()).and_then(|q| q.items.get_mut(c.index)) {
        item.entry.title = card.title.clone();
        item.entry.owner = card.owner.clone();
    }
    let said = msg::changed_on_screen(&card.external_id, &fields, refused);
    state.shared.status = Some(Status::Info(said));
}

/// Queue item `index`, asked for, is no longer in the store (a prune took it out since the list
/// was read): it leaves the list and the next card that wants a verdict shows, the status says
/// why.
fn gone_on_opening(state: &mut State, index: usize, cx: &mut Cx) {
    let Some(item) = state.queue.as_ref().and_then(|q| q.items.get(index)) else {
        return;
    };
    let (card_id, external_id) = (item.entry.card_id, item.entry.id.clone());
    queue::drop_gone(state, &[card_id], None, cx);
    let on_screen = state
        .card
        .as_ref()
        .is_some_and(|c| c.detail.card_id == card_id);
    if !on_screen {
        move_to(state, index, true, cx);
        state.shared.status = Some(Status::Info(msg::card_removed(&external_id, None)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::score::Answer;

    /// A critical scale item answered 0 zeroes the score as a failed one does: `a` confirming a
    /// suggested 0/5 must say «critical … failed: score 0 %» as for ✘?.
    #[test]
    fn zero_on_a_scale_item_fails_it_as_the_score_reads_it() {
        let mut item = crate::funnel_config::default_funnel().stages[0].checklist[0].clone();
        item.scale = Some(5);
        let mut draft = ReviewDraft::default();
        for (answer, fails) in [
            (Answer::Scale(0), true),
            (Answer::Scale(1), false),
            (Answer::Fail, true),
            (Answer::Na, false),
        ] {
            draft.answers.insert(item.id.clone(), answer);
            assert_eq!(draft_fails(&draft, &item), fails, "{answer:?}");
        }
        draft.answers.clear();
        assert!(!draft_fails(&draft, &item), "unanswered");
    }
}
