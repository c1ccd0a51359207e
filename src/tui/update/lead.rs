//! The team lead's screens: the list of the auditors' reviews and the decision on one of them.
//! Same keymap conventions as the reviewer; decisions are durable before the next review shows.

use std::time::Instant;

use ratatui_textarea::TextArea;

use super::{Cx, card, edit_line};
use crate::domain::as_judged::AsJudged;
use crate::domain::decision::{Decision, DecisionKind};
use crate::domain::filter_key::FilterKey as Keyword;
use crate::domain::lead_row::LeadRow;
use crate::domain::names::fold;
use crate::domain::review::Verdict;
use crate::text::tui as msg;
use crate::tui::action::Action;
use crate::tui::desk::{Desk, DeskResult, Standing};
use crate::tui::effect::Effect;
use crate::tui::keymap::{Key, Mode};
use crate::tui::picker::{Picker, PickerFor};
use crate::tui::read::{Ask, CardRead, Then, Whose};
use crate::tui::state::{
    CardState, FieldInput, InputFor, Kept, LeadList, Pane, Popup, Screen, State, Status,
};

/// Reads the reviews and opens the list (`okk lead`), before the first frame.
pub fn load(state: &mut State, desk: &Desk) -> DeskResult<()> {
    let mut cx = Cx::new(desk);
    cx.read(state, Ask::LeadRows, Then::LeadList);
    cx.read_crm_stages();
    crate::tui::run::settle_reads(state, cx.effects, desk)
}

/// The reviews read back: the list shows them, keeping its filter and undo. Each stage by the
/// funnel's name for it, as the queue and the card name it (the CRM's may be an alias); a
/// stage gone since by its own (tester43 F3: not by the stage that took its name).
pub(super) fn rows_read(state: &mut State, mut rows: Vec<LeadRow>) {
    let funnel = &state.shared.funnel;
    for r in rows.iter_mut().filter(|r| !r.stage_gone) {
        if let Some(i) = funnel.resolve(&r.stage) {
            let name = &funnel.stage(i).name;
            if *name != r.stage {
                r.stage.clone_from(name);
            }
        }
    }
    let keep = state.lead.take();
    let mut list = LeadList {
        rows,
        shown: Vec::new(),
        selected: 0,
        filter: keep.as_ref().map(|l| l.filter.clone()).unwrap_or_default(),
        filtering: false,
        all: keep.as_ref().is_some_and(|l| l.all),
        open: None,
        kept_note: keep.as_ref().and_then(|l| l.kept_note.clone()),
        undo: keep.map(|l| l.undo).unwrap_or_default(),
        typed_from: None,
        focus: Pane::Review,
        review_scroll: Default::default(),
        measure: Default::default(),
    };
    refilter(&mut list);
    state.lead = Some(list);
    state.screen = Screen::Reviews;
}

/// The reviews read again while the list is up (others acted): the selection stays on its
/// review, and the filter being typed goes on.
pub(super) fn rows_refreshed(state: &mut State, rows: Vec<LeadRow>) {
    let Some(list) = state.lead.as_ref() else {
        return;
    };
    let filtering = list.filtering;
    // The selected review and those below it: the first of them still listed is selected.
    let from_selected: Vec<String> = (list.shown.iter().skip(list.selected))
        .map(|&i| list.rows[i].review_id.clone())
        .collect();
    let at = list.selected;
    // The decisions undo withdraws, by their review: the rows' places change with others'.
    let undo: Vec<(String, String)> = (list.undo.iter())
        .map(|(row, id)| (list.rows[*row].review_id.clone(), id.clone()))
        .collect();
    rows_read(state, rows);
    let Some(list) = state.lead.as_mut() else {
        return;
    };
    list.filtering = filtering;
    let row_of: std::collections::HashMap<&str, usize> = (list.rows.iter().enumerate())
        .map(|(i, r)| (r.review_id.as_str(), i))
        .collect();
    list.undo = (undo.into_iter())
        .filter_map(|(review, id)| Some((*row_of.get(review.as_str())?, id)))
        .collect();
    let now: std::collections::HashMap<&str, usize> = (list.shown.iter().enumerate())
        .map(|(pos, &i)| (list.rows[i].review_id.as_str(), pos))
        .collect();
    list.selected = (from_selected.iter())
        .find_map(|id| now.get(id.as_str()).copied())
        .unwrap_or(at.min(list.shown.len().saturating_sub(1)));
}

/// Whether a review passes the list's filter: words `auditor:NAME`, `stage:TEXT`,
/// `verdict:NAME`, `since:YYYY-MM-DD`, `until:YYYY-MM-DD`, `disagree` (ok on a card the rules
/// flag as critical, or auditors split on the card with no decision to settle it),
/// `calibration` (made for a calibration), `source:NAME` (the card's source, or its first
/// letters), each also by its Russian word ([`keyword`]); any other word must appear in the card's id, title,
/// stage, auditor or comment. Case and ё/е do not matter. A day that cannot be read filters
/// nothing: [`unread_day`] names it, and the status line says so.
pub fn matches(row: &LeadRow, filter: &str) -> bool {
    filter.split_whitespace().all(|word| {
        let (key, value) = word.split_once(':').unwrap_or(("", word));
        let has = |s: &str| fold(s).contains(&fold(value));
        match (keyword(key), keyword(word)) {
            (Some(Keyword::Auditor), _) => has(&row.auditor),
            (Some(Keyword::Stage), _) => has(&row.stage),
            // The code (`stale`) or the word the list shows (`устарела`), its first letters.
            // The auditor's, or the lead's on an override (the list shows that one).
            (Some(Keyword::Verdict), _) => {
                let lead = (row.decision.as_ref())
                    .filter(|d| d.decision.kind == DecisionKind::Override)
                    .and_then(|d| d.decision.verdict);
                [Some(row.verdict), lead].into_iter().flatten().any(|v| {
                    v.as_str().starts_with(&value.to_lowercase())
                        || fold(&crate::text::tui::verdict(v)).starts_with(&fold(value))
                })
            }
            (Some(Keyword::Since), _) => day(value).is_none_or(|d| row.created_at.date() >= d),
            (Some(Keyword::Until), _) => day(value).is_none_or(|d| row.created_at.date() <= d),
            (_, Some(Keyword::Disagree)) => row.disagrees(),
            (_, Some(Keyword::Calibration)) => row.calibration,
            // The card's source, by its name or first letters.
            (Some(Keyword::Source), _) => fold(&row.source).starts_with(&fold(value)),
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

/// A keyword by any of its words in any language (`auditor`, `аудитор`, «спор» or
/// «расходятся»: the words the help, the columns and the marks show), from the table the help
/// reads too ([`msg::filter_keywords`]); case and ё/е do not matter.
fn keyword(word: &str) -> Option<Keyword> {
    msg::filter_keyword(word)
}

/// The filter's first `since:`/`until:` word whose day cannot be read.
pub fn unread_day(filter: &str) -> Option<&str> {
    filter.split_whitespace().find(|word| {
        word.split_once(':').is_some_and(|(key, value)| {
            matches!(keyword(key), Some(Keyword::Since | Keyword::Until)) && day(value).is_none()
        })
    })
}

/// The status line for the filter after a key on the list: what day it cannot read and the
/// forms it takes, for as long as the filter holds it; once mended, that message goes (another
/// stays).
fn say_unread_day(state: &mut State, before: Option<String>, opening: bool) {
    let Some(l) = state.lead.as_ref() else {
        return;
    };
    // The list's message: a review opened (or opening) leaves it behind.
    if state.screen != Screen::Reviews || opening {
        return;
    }
    let now = unread_day(&l.filter).map(msg::filter_bad_day);
    let status = &mut state.shared.status;
    match now {
        Some(said) => *status = Some(Status::Error(said)),
        None if before.is_some() && *status == before.map(Status::Error) => *status = None,
        None => {}
    }
}

/// A filter's day: `YYYY-MM-DD`, or `DD.MM.YYYY` as the screens write days.
fn day(value: &str) -> Option<chrono::NaiveDate> {
    ["%Y-%m-%d", "%d.%m.%Y"]
        .iter()
        .find_map(|f| chrono::NaiveDate::parse_from_str(value, f).ok())
}

/// Shows the rows that pass the filter. The selection follows its review, not its place: a
/// review decided, or `t`, or a word of the filter changes which rows sit above it, and the
/// lead must not find another review under the cursor. A review that left the list hands the
/// selection to the row that took its place (`shown` keeps the rows' order).
fn refilter(list: &mut LeadList) {
    let was = list.shown.get(list.selected).copied();
    refilter_at(list, was);
}

/// [`refilter`], the selection going to row `was` (an index into `rows`) or the one after it.
fn refilter_at(list: &mut LeadList, was: Option<usize>) {
    list.shown = list
        .rows
        .iter()
        .enumerate()
        .filter(|(_, r)| (list.all || r.awaits()) && matches(r, &list.filter))
        .map(|(i, _)| i)
        .collect();
    list.measure.forget();
    let last = list.shown.len().saturating_sub(1);
    list.selected = match was {
        Some(row) => (list.shown.iter()).position(|&i| i >= row).unwrap_or(last),
        None => list.selected.min(last),
    };
}

/// The list's filter being typed.
fn filter_keys(l: &mut LeadList, action: Action) {
    match action {
        Action::Choose | Action::Down => l.filtering = false,
        Action::Close => {
            l.filtering = false;
            l.filter.clear();
            refilter(l);
        }
        // From the review selected as the filter was opened: a letter that passes it by must
        // not lose it for the next letters.
        Action::Type(key) if edit_line(&mut l.filter, key) => refilter_at(l, l.typed_from),
        _ => {}
    }
}

pub(super) fn list_keys(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(l) = state.lead.as_ref() else {
        return;
    };
    let before = unread_day(&l.filter).map(msg::filter_bad_day);
    list_key(state, action, cx);
    say_unread_day(state, before, action == Action::Open);
}

fn list_key(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(l) = state.lead.as_mut() else {
        return;
    };
    if l.filtering {
        return filter_keys(l, action);
    }
    if let Some(to) = action.move_in_list(l.selected, l.shown.len(), 20) {
        l.selected = to;
        return;
    }
    match action {
        Action::Filter => {
            l.filtering = true;
            l.typed_from = l.shown.get(l.selected).copied();
        }
        Action::Close if !l.filter.is_empty() => {
            l.filter.clear();
            refilter(l);
        }
        // Read again too: the list may have missed others' writes (a review was open).
        Action::ToggleAll => {
            l.all = !l.all;
            refilter(l);
            super::live::refresh(state, cx);
        }
        Action::Open if !l.shown.is_empty() => {
            let row = l.shown[l.selected];
            open(state, row, cx);
        }
        Action::Help => {
            state.popup = Some(Popup::Help {
                scroll: Default::default(),
            })
        }
        Action::Back => state.shared.quit = true,
        _ => {}
    }
}

/// A key that means nothing on the list: one that decides on the decide screen (`a`, `o`,
/// `b`, `u`) says the review must be opened first, rather than doing nothing.
pub(super) fn unbound_on_list(state: &mut State, key: Key) {
    if state.mode() != Mode::Reviews || state.holds_keys() {
        return;
    }
    let keymap = &state.shared.keymap;
    let decides = matches!(
        keymap.lookup(Mode::Decide, key),
        Some(Action::Accept | Action::Override | Action::SendBack | Action::Undo)
    );
    let open = (keymap.rows(Mode::Reviews).into_iter())
        .find(|(a, _)| *a == Action::Open)
        .and_then(|(_, keys)| keys.first().map(ToString::to_string));
    if let (true, Some(open)) = (decides, open) {
        state.shared.status = Some(Status::Info(msg::open_review_first(&open)));
    }
}

/// Asks for row `row`'s card as the store has it and the auditor's review, for the decide
/// screen.
fn open(state: &mut State, row: usize, cx: &mut Cx) {
    let Some(l) = state.lead.as_ref() else {
        return;
    };
    let r = &l.rows[row];
    let Some(card_id) = r.card_id else {
        state.shared.status = Some(Status::Info(msg::card_not_synced(&r.external_id)));
        return;
    };
    let whose = Whose::Of {
        auditor: r.auditor.clone(),
        review_id: r.review_id.clone(),
        fingerprint: r.funnel_fingerprint.clone(),
    };
    cx.read(state, Ask::Card { card_id, whose }, Then::Decide { row });
}

/// Row `row`'s card read back: the decide screen shows it beside the auditor's review.
pub(super) fn card_read(state: &mut State, row: usize, read: Option<Box<CardRead>>) {
    let (Some(read), Some(l)) = (read.map(|r| *r), state.lead.as_mut()) else {
        return;
    };
    if let Some(pos) = l.shown.iter().position(|&i| i == row) {
        l.selected = pos;
    }
    l.open = Some(row);
    l.focus = Pane::Review;
    l.review_scroll = Default::default();
    let funnel = &state.shared.funnel;
    let stage = funnel.resolve(&read.detail.card.stage);
    // The auditor answered the checklist of the stage she reviewed the card at (the list's
    // row names it, by the funnel's name where it knows the stage by an alias); a sync may
    // have moved the card since. The lead's corrections answer that checklist too. A stage
    // gone since is none the funnel has, whichever of its stages took the name (tester43 F3).
    let checked = (!l.rows[row].stage_gone)
        .then(|| funnel.resolve(&l.rows[row].stage))
        .flatten();
    state.card = Some(CardState {
        index: row,
        stage,
        checked,
        draft: (read.review.as_ref())
            .map(|p| p.draft.clone())
            .unwrap_or_default(),
        // The lead sees what the auditor confirmed; nothing is suggested to the lead.
        suggested: Default::default(),
        // The auditor's review, not a draft of the lead's.
        kept: Kept::Never,
        previous: read.review,
        opened: Instant::now(),
        scroll: Default::default(),
        item: 0,
        decision: read.decision,
        others: Vec::new(),
        past_checklist: read.past_checklist,
        detail: read.detail,
    });
    state.screen = Screen::Decide;
}

pub(super) fn decide_keys(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(c) = state.card.as_mut() else {
        state.screen = Screen::Reviews;
        return;
    };
    match action {
        Action::Accept => record(state, Decision::accept(), cx),
        Action::Override => {
            // Overriding with the auditor's own verdict would be an accept; but for "wrong
            // stage", where the lead may name another stage.
            let own = c.previous.as_ref().map(|p| p.verdict);
            let verdicts = Verdict::ALL
                .iter()
                .filter(|v| Some(**v) != own || **v == Verdict::WrongStage)
                .map(|v| msg::verdict(*v).to_string())
                .collect();
            let picker = Picker::new(PickerFor::Verdict, verdicts).with_note(owner_kept(c));
            state.popup = Some(Popup::Picker(picker));
        }
        Action::SendBack => {
            // The note of a sending back the store refused (the card changed): offered again.
            let kept = (state.lead.as_ref())
                .and_then(|l| {
                    let open = &l.rows[l.open?].review_id;
                    l.kept_note.as_ref().filter(|(review, _)| review == open)
                })
                .map(|(_, note)| note.clone());
            let mut area = TextArea::from(kept.iter().map(String::as_str));
            area.move_cursor(ratatui_textarea::CursorMove::End);
            state.popup = Some(Popup::Input(FieldInput::new(
                InputFor::ReturnNote,
                String::new(),
                area,
            )));
        }
        // The lead corrects the auditor's answers; the decision keeps them as the reference.
        Action::Item(n) => c.cycle_item(&state.shared.funnel, n),
        Action::Undo => undo(state, cx),
        Action::Skip => step(state, 1, cx),
        Action::Prev => step(state, -1, cx),
        Action::Pane => {
            if let Some(l) = state.lead.as_mut() {
                l.focus = match l.focus {
                    Pane::Review => Pane::Card,
                    Pane::Card => Pane::Review,
                };
            }
        }
        a if a.moves() => match state.lead.as_mut() {
            Some(l) if l.focus == Pane::Review => l.review_scroll.by(a),
            _ => c.scroll_by(a),
        },
        Action::Help => {
            state.popup = Some(Popup::Help {
                scroll: Default::default(),
            })
        }
        Action::Back => {
            state.card = None;
            state.screen = Screen::Reviews;
            if let Some(l) = state.lead.as_mut() {
                l.open = None;
                refilter(l);
            }
            // Others' verdicts given while the review was open: the watcher's word came and
            // went while the list was not up to take it.
            super::live::refresh(state, cx);
        }
        _ => {}
    }
}

/// The lead picked a verdict (override) or a stage after "wrong stage".
pub(super) fn chosen(state: &mut State, purpose: PickerFor, chosen: String, cx: &mut Cx) {
    let funnel = &state.shared.funnel;
    match purpose {
        PickerFor::Verdict => {
            let Some(v) = Verdict::ALL
                .into_iter()
                .find(|v| msg::verdict(*v) == chosen)
            else {
                return;
            };
            match v {
                Verdict::WrongStage => {
                    // The stage the review judged wrong is left out, not the card's stage
                    // now: a sync may have moved the card since, and the stage it was moved
                    // to may be the one the lead holds it belonged at (tester40 F4).
                    let here = state.card.as_ref().and_then(|c| c.checked);
                    // Nor the auditor's stage: naming it again would be an accept.
                    let auditors = (state.card.as_ref())
                        .and_then(|c| c.previous.as_ref())
                        .and_then(|p| p.draft.suggested_stage.as_deref());
                    let stages = (card::other_stages(funnel, here).into_iter())
                        .filter(|s| Some(s.as_str()) != auditors)
                        .collect();
                    let picker = card::stage_picker(state, PickerFor::LeadStage, stages);
                    let note = state.card.as_ref().and_then(owner_kept);
                    state.popup = Some(Popup::Picker(picker.with_note(note)));
                }
                Verdict::Dead => {
                    let lost = card::lost_stage(funnel);
                    record(state, Decision::overrule(v, lost), cx)
                }
                _ => record(state, Decision::overrule(v, None), cx),
            }
        }
        PickerFor::LeadStage => record(
            state,
            Decision::overrule(Verdict::WrongStage, Some(chosen)),
            cx,
        ),
        _ => {}
    }
}

/// The owner the auditor suggested on card `c`'s review: an override keeps it (tester42 F10: it
/// was dropped from the CRM file unsaid).
fn auditors_owner(c: &CardState) -> Option<String> {
    let p = c.previous.as_ref()?;
    (p.draft.suggested_owner.clone()).filter(|o| !o.trim().is_empty())
}

/// The override pickers' line saying the auditor's owner stays, where there is one.
fn owner_kept(c: &CardState) -> Option<String> {
    auditors_owner(c).map(|o| msg::override_keeps_owner(&o))
}

/// The lead typed the note sending the review back.
pub(super) fn send_back(state: &mut State, note: String, cx: &mut Cx) {
    record(state, Decision::send_back(note), cx)
}

/// Asks for the decision to be written; the next review awaiting one shows once it is.
fn record(state: &mut State, mut decision: Decision, cx: &mut Cx) {
    let Some(l) = state.lead.as_ref() else {
        return;
    };
    let Some(row) = l.open else {
        return;
    };
    if let Some(c) = &state.card {
        let auditors = c.previous.as_ref().map(|p| &p.draft.answers);
        if Some(&c.draft.answers) != auditors {
            decision.answers = Some(c.draft.answers.clone());
        }
        // An override has no owner step: the auditor's owner stands with the lead's verdict,
        // as its pickers said, and the decision names it so every output reads it alike.
        if decision.kind == DecisionKind::Override && decision.suggested_owner.is_none() {
            decision.suggested_owner = auditors_owner(c);
        }
    }
    let r = &l.rows[row];
    // On the card as drawn: one an import changed since is refused, and shown as it is.
    let seen = (state.card.as_ref()).map(|c| c.detail.hash);
    cx.ask(Effect::Decide {
        row,
        review_id: r.review_id.clone(),
        card: (r.source.clone(), r.external_id.clone()),
        decision,
        seen,
    });
}

/// The decision is in the store (`id`; `standing`, the review's decision and its card's
/// settling one now): the next review awaiting one shows.
pub(super) fn decided(
    state: &mut State,
    row: usize,
    decision: &Decision,
    id: String,
    standing: Standing,
    cx: &mut Cx,
) {
    let Some(l) = state.lead.as_mut() else {
        return;
    };
    l.rows[row].decision = standing.decision;
    crate::domain::lead_row::resettle(&mut l.rows, row, standing.settled);
    l.undo.push((row, id));
    l.kept_note = None;
    state.shared.status = Some(Status::Info(msg::decided(
        decision.kind.as_str(),
        &l.rows[row].external_id,
    )));
    super::live::own_write(state);
    next_awaiting(state, row, cx)
}

/// The store refused `decision` on row `row`'s card: an import or a sync changed the card since
/// the screen drew it, and nothing was written. The card is read again and shown as it is, with
/// what the lead built on it (the checklist's corrections stay; the note of a sending back is
/// offered again by `b`); keys wait for it, so the next decision is on the card as it is.
pub(super) fn decision_refused(state: &mut State, row: usize, decision: Decision, cx: &mut Cx) {
    let Some(l) = state.lead.as_mut() else {
        return;
    };
    if decision.kind == DecisionKind::Return {
        l.kept_note = Some((l.rows[row].review_id.clone(), decision.note));
    }
    let r = &l.rows[row];
    let Some(card_id) = r.card_id else {
        let refused = crate::domain::store_error::StoreError::CardChanged {
            external_id: r.external_id.clone(),
        };
        state.shared.status = Some(Status::Error(refused.to_string()));
        return;
    };
    let whose = Whose::Of {
        auditor: r.auditor.clone(),
        review_id: r.review_id.clone(),
        fingerprint: r.funnel_fingerprint.clone(),
    };
    let then = Then::DecideChanged {
        row,
        kind: decision.kind,
    };
    cx.read(state, Ask::Card { card_id, whose }, then);
}

/// Row `row`'s card read again after the store refused the lead's decision `kind` on it as
/// changed: redrawn. Gone meanwhile (a prune), the list shows again, saying so.
pub(super) fn changed_read(
    state: &mut State,
    row: usize,
    kind: DecisionKind,
    read: Option<Box<CardRead>>,
    cx: &mut Cx,
) {
    match read {
        Some(read) => redraw_changed(state, *read, Some(kind)),
        None => {
            let Some(l) = state.lead.as_mut() else {
                return;
            };
            let external_id = l.rows[row].external_id.clone();
            l.open = None;
            refilter(l);
            state.card = None;
            state.screen = Screen::Reviews;
            let gone = crate::domain::store_error::StoreError::CardGone {
                external_id: Some(external_id),
            };
            state.shared.status = Some(Status::Error(gone.to_string()));
            super::live::refresh(state, cx);
        }
    }
}

/// The card on the decide screen as the store holds it now, read because an import or a sync
/// changed it since it was drawn (a refresh saw its digest move, or the store refused the
/// lead's decision `refused` on it): shown as it is, with the auditor's review and the
/// decision standing on it read again, while the checklist the lead corrects (the reviewed
/// stage's) and the lead's corrections stay. The status names what changed, in the words the
/// reviewer's ↻ list uses. Nothing is done when another card is on screen by now; one shown as
/// it is already only hears of the refusal.
pub(super) fn redraw_changed(state: &mut State, read: CardRead, refused: Option<DecisionKind>) {
    if state.screen != Screen::Decide {
        return;
    }
    let funnel = &state.shared.funnel;
    let (Some(c), Some(l)) = (state.card.as_mut(), state.lead.as_mut()) else {
        return;
    };
    if c.detail.card_id != read.detail.card_id || l.open != Some(c.index) {
        return;
    }
    let said = |id: &str, fields: &[_]| match refused {
        Some(kind) => msg::decision_changed_on_screen(id, fields, kind),
        None => msg::changed_on_screen(id, fields, None),
    };
    if c.detail.hash == read.detail.hash {
        if refused.is_some() {
            state.shared.status = Some(Status::Info(said(&c.detail.card.external_id, &[])));
        }
        return;
    }
    let was = AsJudged::of_carried(&c.detail.card, c.detail.carried.as_ref());
    let fields: Vec<_> = (was.changes(&read.detail.card).into_iter())
        .map(|ch| ch.field)
        .collect();
    c.stage = funnel.resolve(&read.detail.card.stage);
    // The review the row names, read again (an auditor's newer one is another row's).
    if let Some(review) = read.review
        && Some(&review.id) == c.previous.as_ref().map(|p| &p.id)
    {
        c.previous = Some(review);
    }
    c.decision = read.decision;
    c.detail = read.detail;
    let card = &c.detail.card;
    l.rows[c.index].title.clone_from(&card.title);
    l.measure.forget();
    state.shared.status = Some(Status::Info(said(&card.external_id, &fields)));
}

fn next_awaiting(state: &mut State, from: usize, cx: &mut Cx) {
    let Some(l) = state.lead.as_mut() else {
        return;
    };
    let pos = l.shown.iter().position(|&i| i == from).unwrap_or(0);
    let next = (l.shown.iter().skip(pos + 1))
        .chain(l.shown.iter().take(pos))
        .copied()
        .find(|&i| l.rows[i].awaits());
    match next {
        Some(i) => open(state, i, cx),
        None => {
            l.open = None;
            refilter(l);
            state.card = None;
            state.screen = Screen::Reviews;
            // Under a filter only the shown reviews are decided: others may still wait.
            let awaiting = l.rows.iter().filter(|r| r.awaits()).count();
            state.shared.status = Some(Status::Info(if awaiting == 0 {
                msg::all_decided()
            } else {
                msg::all_decided_here(awaiting)
            }));
            super::live::refresh(state, cx);
        }
    }
}

/// Space / p on the decide screen: the next or previous review in the list.
fn step(state: &mut State, by: isize, cx: &mut Cx) {
    let Some(l) = state.lead.as_ref() else {
        return;
    };
    let Some(row) = l.open else { return };
    let pos = l.shown.iter().position(|&i| i == row).unwrap_or(0) as isize + by;
    if pos >= 0
        && let Some(&i) = l.shown.get(pos as usize)
    {
        open(state, i, cx);
    }
}

fn undo(state: &mut State, cx: &mut Cx) {
    let Some(l) = state.lead.as_ref() else {
        return;
    };
    let Some(&(row, ref id)) = l.undo.last() else {
        state.shared.status = Some(Status::Info(msg::nothing_to_undo()));
        return;
    };
    let r = &l.rows[row];
    cx.ask(Effect::WithdrawDecision {
        row,
        id: id.clone(),
        review_id: r.review_id.clone(),
        card: (r.source.clone(), r.external_id.clone()),
    });
}

/// The lead's last decision is withdrawn (`standing`, the review's decision and its card's
/// settling one now): the review shows again.
pub(super) fn decision_undone(state: &mut State, row: usize, standing: Standing, cx: &mut Cx) {
    let Some(l) = state.lead.as_mut() else {
        return;
    };
    l.undo.pop();
    l.rows[row].decision = standing.decision;
    crate::domain::lead_row::resettle(&mut l.rows, row, standing.settled);
    refilter(l);
    state.shared.status = Some(Status::Info(msg::decision_undone()));
    super::live::own_write(state);
    open(state, row, cx)
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
            corrected: Vec::new(),
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
            settled: None,
            funnel_fingerprint: None,
            stage_gone: false,
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
        assert!(matches(&r, "since:20.11.2026 until:20.11.2026"));
        assert!(!matches(&r, "since:21.11.2026"));
        assert!(!matches(&r, "calibration"));
        let mut cal = r.clone();
        cal.calibration = true;
        assert!(matches(&cal, "calibration auditor:anna"));
        let mut split = fine.clone();
        split.split = true;
        assert!(matches(&split, "disagree"), "auditors split on the card");
        // The card's source, by its name or its first letters, in either language's word.
        for kept in ["source:amocrm", "source:AMO", "источник:amo auditor:anna"] {
            assert!(matches(&r, kept), "{kept}");
        }
        for left in ["source:b24", "source:amocrm2", "источник:crm"] {
            assert!(!matches(&r, left), "{left}");
        }
    }

    /// The keywords in the words the Russian interface shows, in either language: a Russian
    /// lead types what the list and help say.
    #[test]
    fn the_filter_takes_the_russian_keywords_too() {
        use crate::text::lang::{Lang, with};
        for lang in [Lang::En, Lang::Ru] {
            with(lang, || {
                let r = row();
                assert!(
                    matches(&r, "аудитор:ANNA этап:встреча вердикт:ok"),
                    "{lang:?}"
                );
                assert!(!matches(&r, "аудитор:boris"));
                assert!(!matches(&r, "этап:договор"));
                assert!(!matches(&r, "вердикт:stale"));
                assert!(matches(&r, "с:20.11.2026 по:2026-11-20"));
                assert!(!matches(&r, "с:21.11.2026"));
                assert!(!matches(&r, "по:19.11.2026"));
                assert_eq!(unread_day("с:вчера"), Some("с:вчера"));
                assert_eq!(unread_day("ПО:31.13.2026"), Some("ПО:31.13.2026"));
                for word in ["спор", "Расходятся"] {
                    assert!(matches(&r, word), "{word}: ok against the rules");
                    let fine = LeadRow {
                        flag_rank: 2,
                        ..r.clone()
                    };
                    assert!(!matches(&fine, word), "{word}");
                }
                assert!(!matches(&r, "калибровка"));
                let cal = LeadRow {
                    calibration: true,
                    ..r.clone()
                };
                assert!(matches(&cal, "Калибровка аудитор:anna"));
            });
        }
    }

    /// The help (`?` on the list) and the list's bottom line name the filter's keywords by the
    /// words the filter takes, read from one table: every word it takes is in the help, and
    /// every keyword the help or the bottom line names is one it takes, in either language.
    #[test]
    fn the_filter_s_help_names_exactly_the_keywords_it_takes() {
        use crate::text::lang::{Lang, with};
        use crate::tui::keymap::Mode;
        let tokens = |s: &str| -> Vec<String> {
            s.split(|c: char| c.is_whitespace() || ",;()/—".contains(c))
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        };
        for lang in Lang::ALL {
            with(lang, || {
                let help = Action::Filter.help(Mode::Reviews);
                let said = tokens(&help);
                for (word, key) in msg::filter_keywords() {
                    let named = said.iter().any(|t| match key.takes_value() {
                        true => fold(t).starts_with(&format!("{word}:")),
                        false => fold(t) == *word,
                    });
                    assert!(
                        named,
                        "{lang:?}: {word} ({key:?}) is not in the help: {help}"
                    );
                }
                // After the help's own first word («filter:»).
                for t in said.iter().skip(1).filter_map(|t| t.split_once(':')) {
                    let key = keyword(t.0);
                    assert!(
                        key.is_some_and(Keyword::takes_value),
                        "{lang:?}: the help names {t:?}, which the filter does not take: {help}"
                    );
                }
                // The bottom line: keywords alone, each one once, in the current language.
                let line = msg::lead_filter_help();
                let mut keys = Vec::new();
                for t in tokens(&line) {
                    let key = match t.split_once(':') {
                        Some((word, _)) => keyword(word).filter(|k| k.takes_value()),
                        None => keyword(&t).filter(|k| !k.takes_value()),
                    };
                    let key = key.unwrap_or_else(|| panic!("{lang:?}: {t} in «{line}»"));
                    assert_eq!(
                        msg::filter_words(key)[0],
                        t.split(':').next().unwrap(),
                        "{lang:?}: the bottom line speaks the list's language"
                    );
                    keys.push(key);
                }
                assert_eq!(keys, Keyword::ALL, "{lang:?}: {line}");
            });
        }
        // The Russian interface's words and the English ones both filter, whatever the language.
        let words: Vec<&str> = msg::filter_keywords()
            .iter()
            .map(|(w, _)| w.as_str())
            .collect();
        for word in [
            "auditor",
            "аудитор",
            "спор",
            "расходятся",
            "disagree",
            "с",
            "по",
        ] {
            assert!(words.contains(&word), "{word}: {words:?}");
        }
    }

    /// On a review the lead overrode the list shows the lead's verdict: `verdict:` finds it by
    /// that word too (and by the auditor's).
    #[test]
    fn the_verdict_filter_finds_an_overridden_review_by_the_leads_verdict() {
        let mut r = row();
        assert!(!matches(&r, "verdict:dead"));
        r.decision = Some(crate::domain::decision::LeadDecision {
            id: "d".into(),
            lead: "olga".into(),
            decision: Decision::overrule(Verdict::Dead, None),
            created_at: "2026-11-21 09:00:00".into(),
        });
        assert!(matches(&r, "verdict:dead") && matches(&r, "verdict:ok"));
        assert!(!matches(&r, "verdict:stale"));
    }

    /// A day in no form okk reads is named, and filters nothing (it neither hides every review
    /// nor lets the other words go).
    #[test]
    fn a_day_the_filter_cannot_read_is_named_and_filters_nothing() {
        let r = row();
        for bad in ["since:31.13.2026", "until:вчера", "SINCE:2026-11", "since:"] {
            assert_eq!(unread_day(&format!("auditor:anna {bad}")), Some(bad));
            assert!(matches(&r, bad), "{bad}");
            assert!(!matches(&r, &format!("{bad} auditor:boris")), "{bad}");
        }
        for good in [
            "since:20.11.2026",
            "until:2026-11-20",
            "auditor:anna",
            "31.13.2026",
        ] {
            assert_eq!(unread_day(good), None, "{good}");
        }
    }

    /// The lead types the verdict as the list shows it, in the list's language.
    #[test]
    fn the_verdict_filter_takes_the_shown_word() {
        crate::text::lang::with(crate::text::lang::Lang::Ru, || {
            let mut r = row();
            r.verdict = Verdict::Stale;
            assert!(matches(&r, "verdict:устарела") && matches(&r, "verdict:УСТАР"));
            assert!(matches(&r, "verdict:stale"));
            assert!(!matches(&r, "verdict:в"), "«в порядке» is ok's");
            r.verdict = Verdict::Ok;
            assert!(matches(&r, "verdict:в"));
        });
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
        let grouped = crate::domain::lead_row::group_by_card(rows.clone(), &Default::default());
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
