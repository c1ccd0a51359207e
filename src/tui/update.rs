//! The one place an action changes state. A verdict is written to the store before the next
//! card is read, and when writing fails the card stays on screen with the error.

use std::time::Instant;

use ratatui_textarea::TextArea;

use super::action::Action;
use super::desk::{Desk, DeskResult, Saving};
use super::effect::{AfterDraft, Effect, Msg, Outcome};
use super::keymap::Key;
use super::picker::{Picker, PickerFor};
use super::state::{
    CardState, FieldInput, InputFor, Item, Popup, Queue, SavingVerdict, Screen, State, Status, Undo,
};
use crate::domain::analytics::StatsFigures;
use crate::domain::funnel::StageKind;
use crate::domain::review::{Review, Verdict};
use crate::domain::score::{confirm, score, suggest};
use crate::domain::stored_review::ReviewedCard;
use crate::text::tui as msg;

/// Cards read per page of a queue.
pub const PAGE: usize = 100;
/// The first page: a screenful and some (each card listed costs a few random reads, and a
/// stage opened or a filter typed waits for them).
const FIRST_PAGE: usize = 50;
const BIG_PAGE: usize = 5000;

/// Reads the funnel's stages and their figures (the funnel screen).
pub fn load_stages(state: &mut State, desk: &Desk) -> DeskResult<()> {
    let mut rows = desk.stages()?;
    for row in &mut rows {
        row.counts = desk.counts(row)?;
    }
    // Keep the selection on the same stage when figures are re-read.
    let keep = state
        .stages
        .get(state.stage_selected)
        .map(|r| r.name.clone());
    state.stages = rows;
    state.stage_selected = keep
        .and_then(|n| state.stages.iter().position(|r| r.name == n))
        .unwrap_or(0)
        .min(state.stages.len().saturating_sub(1));
    Ok(())
}

/// What `update` may use: the desk's reads (through `Deref`; writes need `&mut Desk`, which
/// it never has) and the effects it asks the runtime for.
pub struct Cx<'a> {
    desk: &'a Desk,
    effects: Vec<Effect>,
}

impl<'a> Cx<'a> {
    pub fn new(desk: &'a Desk) -> Cx<'a> {
        Cx {
            desk,
            effects: Vec::new(),
        }
    }

    pub(super) fn ask(&mut self, effect: Effect) {
        self.effects.push(effect);
    }
}

impl std::ops::Deref for Cx<'_> {
    type Target = Desk;
    fn deref(&self) -> &Desk {
        self.desk
    }
}

/// The one place state changes: a message in, the effects it asks for out. The store is only
/// read here; every write is an effect the runtime performs, its outcome a later message.
pub fn update(state: &mut State, msg: Msg, desk: &Desk) -> Vec<Effect> {
    let mut cx = Cx::new(desk);
    match msg {
        Msg::Key(key) => handle(state, key, &mut cx),
        Msg::Tick => on_tick(state, &mut cx),
        Msg::Done(outcome) => done(state, *outcome, &mut cx),
    }
    cx.effects
}

/// A key press, with its effects performed before this returns (the tests' runtime).
pub fn handle_key(state: &mut State, key: Key, desk: &mut Desk) {
    super::run::dispatch(state, Msg::Key(key), desk);
}

/// A pause in the keys, with its effects performed before this returns.
pub fn tick(state: &mut State, desk: &mut Desk) {
    super::run::dispatch(state, Msg::Tick, desk);
}

/// The keys a key press stands for: Esc and the next key arriving together (a slow link, a
/// fast typist) reach us as Alt+key; unless Alt+key means something here, they were meant as
/// the two keys. The runtime settles each (its effects performed) before the next.
pub fn meant(state: &State, key: Key) -> Vec<Key> {
    if key.alt && state.keymap.lookup(state.mode(), key).is_none() {
        let esc = Key::plain(ratatui::crossterm::event::KeyCode::Esc);
        return vec![esc, Key { alt: false, ..key }];
    }
    vec![key]
}

/// A key press: looked up in the layer in force, then applied.
fn handle(state: &mut State, key: Key, desk: &mut Cx) {
    if let Some(action) = state.keymap.action(state.mode(), key) {
        act(state, action, desk);
    }
}

fn act(state: &mut State, action: Action, desk: &mut Cx) {
    state.now = desk.now();
    state.today = desk.today();
    if let Some(saving) = &state.saving {
        // The card stays until its verdict is in the store: only looking around it, help and
        // quitting (the verdict is safe in the journal) go on meanwhile.
        let status = Status::Info(msg::saving(&saving.external_id, saving.blocker));
        if allowed_while_saving(state, action)
            && let Err(e) = apply(state, action, desk)
        {
            state.status = Some(failed(&e, desk));
            return;
        }
        state.status = Some(status);
        return;
    }
    if !matches!(action, Action::Type(_)) {
        state.status = None;
    }
    if action != Action::Quit {
        state.quit_without_draft = false;
    }
    if let Err(e) = apply(state, action, desk) {
        state.status = Some(failed(&e, desk));
    }
}

/// The status line for a write that did not go in: with the store busy, what holds it.
fn failed(e: &crate::domain::store_error::StoreError, desk: &Desk) -> Status {
    if e.is_busy() {
        Status::Error(msg::store_busy(desk.blocker()))
    } else {
        Status::Error(msg::store_failed(&e.to_string()))
    }
}

fn allowed_while_saving(state: &State, action: Action) -> bool {
    use Action as A;
    match &state.popup {
        Some(Popup::Help { .. }) => matches!(action, A::Close | A::Down | A::Up | A::Quit),
        Some(_) => action == A::Quit,
        None => matches!(
            action,
            A::Quit | A::Help | A::Down | A::Up | A::PageDown | A::PageUp | A::First | A::Last
        ),
    }
}

/// Opens a stage's queue by name and its first card (`okk review --stage`).
pub fn start_at_stage(state: &mut State, row: usize, desk: &Desk) -> DeskResult<()> {
    let mut cx = Cx::new(desk);
    start_at(state, row, &mut cx)
}

fn start_at(state: &mut State, row: usize, desk: &mut Cx) -> DeskResult<()> {
    state.stage_selected = row;
    open_queue(state, row, desk)?;
    open_first_card(state, desk)
}

/// Work done when the keys pause: a comment being typed is kept as a draft, and a queue filter
/// typed since is applied.
fn on_tick(state: &mut State, desk: &mut Cx) {
    state.now = desk.now();
    state.today = desk.today();
    if let Some(saving) = state.saving.as_mut() {
        // One try at a time: the next tick asks again once this one is answered.
        if !saving.trying {
            saving.trying = true;
            desk.ask(Effect::RetryVerdict);
        }
        return;
    }
    let filter = match state.queue.as_ref() {
        Some(q) if q.filter_pending => Some(q.row),
        _ => None,
    };
    save_comment_draft(state, desk, AfterDraft::Keep);
    let result = match filter {
        Some(row) => reload_queue(state, row, desk),
        None => {
            desk.ask(Effect::Idle);
            Ok(())
        }
    };
    if let Err(e) = result {
        state.status = Some(failed(&e, desk));
    }
}

/// Asks for the comment being typed to be kept as the card's draft; false when there is none
/// to keep (nothing typed since it was last kept).
fn save_comment_draft(state: &mut State, desk: &mut Cx, then: AfterDraft) -> bool {
    if let (Some(Popup::Comment { area, dirty }), Some(card)) = (&mut state.popup, &state.card)
        && *dirty
    {
        *dirty = false;
        desk.ask(Effect::SaveDraft {
            card_id: card.detail.card_id,
            comment: area.lines().join("\n"),
            then,
        });
        return true;
    }
    false
}

/// An effect's outcome: the rest of what the key that asked for it does.
fn done(state: &mut State, outcome: Outcome, desk: &mut Cx) {
    let result = match outcome {
        Outcome::Verdict { retry, result } => {
            verdict_outcome(state, retry, result, desk);
            Ok(())
        }
        Outcome::ReviewWithdrawn(result) => result.and_then(|()| undone(state, desk)),
        Outcome::DraftSaved {
            comment,
            then,
            result,
        } => draft_saved(state, comment, then, result, desk),
        Outcome::Decided {
            row,
            decision,
            result,
        } => result.and_then(|(id, standing)| {
            super::lead::decided(state, row, &decision, id, standing, desk)
        }),
        Outcome::DecisionWithdrawn { row, result } => {
            result.and_then(|standing| super::lead::decision_undone(state, row, standing, desk))
        }
        Outcome::UrlOpened { url, opened } => {
            state.status = Some(Status::Info(if opened {
                msg::crm_opened(&url)
            } else {
                msg::crm_no_browser(&url)
            }));
            Ok(())
        }
        Outcome::Idled(result) => result,
    };
    if let Err(e) = result {
        state.status = Some(failed(&e, desk));
    }
}

/// A comment draft is in the store (or not): the box closes, stays, or the app quits.
fn draft_saved(
    state: &mut State,
    comment: String,
    then: AfterDraft,
    result: DeskResult<()>,
    desk: &mut Cx,
) -> DeskResult<()> {
    let still_unsaved = |state: &mut State| {
        if let Some(Popup::Comment { dirty, .. }) = state.popup.as_mut() {
            *dirty = true;
        }
    };
    match (then, result) {
        // Another process holds the store: the draft stays marked unsaved, for the next pause.
        (AfterDraft::Keep, Err(e)) => {
            still_unsaved(state);
            if e.is_busy() { Ok(()) } else { Err(e) }
        }
        (AfterDraft::Keep, Ok(())) => Ok(()),
        (AfterDraft::Close, Err(e)) => {
            still_unsaved(state);
            Err(e)
        }
        (AfterDraft::Close, Ok(())) => {
            if let Some(c) = state.card.as_mut() {
                c.draft.comment = comment;
            }
            state.popup = None;
            Ok(())
        }
        // A busy store must not keep the auditor in: say so, and a second quit goes.
        (AfterDraft::Quit { asked_before }, Err(e)) if e.is_busy() && !asked_before => {
            still_unsaved(state);
            state.quit_without_draft = true;
            state.status = Some(Status::Error(msg::draft_busy_on_quit(desk.blocker())));
            Ok(())
        }
        (AfterDraft::Quit { .. }, Err(e)) if !e.is_busy() => {
            still_unsaved(state);
            Err(e)
        }
        (AfterDraft::Quit { .. }, _) => {
            quit(state);
            Ok(())
        }
    }
}

fn quit(state: &mut State) {
    if let (Some(Popup::Comment { area, .. }), Some(card)) = (&state.popup, &mut state.card) {
        card.draft.comment = area.lines().join("\n");
    }
    state.quit = true;
}

fn apply(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    if action == Action::Quit {
        let asked_before = std::mem::take(&mut state.quit_without_draft);
        if !save_comment_draft(state, desk, AfterDraft::Quit { asked_before }) {
            quit(state);
        }
        return Ok(());
    }
    if state.popup.is_some() {
        return popup(state, action, desk);
    }
    match state.screen {
        Screen::Funnel => funnel(state, action, desk),
        Screen::Queue => queue(state, action, desk),
        Screen::Card => card(state, action, desk),
        Screen::Reviews | Screen::Decide => super::lead::update(state, action, desk),
        Screen::Stats => stats(state, action, desk),
    }
}

fn funnel(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let n = state.stages.len();
    match action {
        Action::Down => state.stage_selected = (state.stage_selected + 1).min(n.saturating_sub(1)),
        Action::Up => state.stage_selected = state.stage_selected.saturating_sub(1),
        Action::PageDown => {
            state.stage_selected = (state.stage_selected + 10).min(n.saturating_sub(1))
        }
        Action::PageUp => state.stage_selected = state.stage_selected.saturating_sub(10),
        Action::First => state.stage_selected = 0,
        Action::Last => state.stage_selected = n.saturating_sub(1),
        Action::Open if n > 0 => open_queue(state, state.stage_selected, desk)?,
        Action::Stats => open_stats(state, desk),
        Action::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        Action::Back => state.quit = true,
        _ => {}
    }
    Ok(())
}

fn queue(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(q) = state.queue.as_mut() else {
        state.screen = Screen::Funnel;
        return Ok(());
    };
    if q.filtering {
        return filter(state, action, desk);
    }
    if q.filter_pending {
        let row = q.row;
        reload_queue(state, row, desk)?;
    }
    let q = state.queue.as_mut().expect("queue");
    let n = q.items.len();
    match action {
        Action::Down => {
            q.selected = (q.selected + 1).min(n.saturating_sub(1));
            ensure_loaded(state, desk, state_sel(state) + 1)?;
        }
        Action::Up => q.selected = q.selected.saturating_sub(1),
        Action::PageDown => {
            let want = q.selected + 20;
            ensure_loaded(state, desk, want)?;
            let q = state.queue.as_mut().expect("queue");
            q.selected = want.min(q.items.len().saturating_sub(1));
        }
        Action::PageUp => q.selected = q.selected.saturating_sub(20),
        Action::First => q.selected = 0,
        Action::Last => {
            ensure_loaded(state, desk, usize::MAX)?;
            let q = state.queue.as_mut().expect("queue");
            q.selected = q.items.len().saturating_sub(1);
        }
        Action::Open if q.finished() => next_stage(state, desk)?,
        Action::Open if n > 0 => {
            let i = q.selected;
            open_card(state, i, desk)?;
        }
        Action::Filter => q.filtering = true,
        Action::Close if !q.filter.is_empty() => {
            let row = q.row;
            q.filter.clear();
            reload_queue(state, row, desk)?;
        }
        Action::NextStage => next_stage(state, desk)?,
        Action::AllCards => {
            let row = q.row;
            q.all = !q.all;
            let all = q.all;
            reload_queue(state, row, desk)?;
            state.status = Some(Status::Info(msg::all_cards(all)));
        }
        Action::Stats => open_stats(state, desk),
        Action::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        Action::Back => {
            state.queue = None;
            state.screen = Screen::Funnel;
            load_stages(state, desk)?;
        }
        _ => {}
    }
    Ok(())
}

fn state_sel(state: &State) -> usize {
    state.queue.as_ref().map_or(0, |q| q.selected)
}

/// Typing the queue's filter: each change re-reads the queue from the start.
fn filter(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let q = state.queue.as_mut().expect("queue");
    let row = q.row;
    match action {
        Action::Choose | Action::Down => {
            q.filtering = false;
            if q.filter_pending {
                reload_queue(state, row, desk)?;
            }
        }
        Action::Close => {
            q.filtering = false;
            q.filter.clear();
            reload_queue(state, row, desk)?;
        }
        Action::Type(key) if edit_line(&mut q.filter, key) => q.filter_pending = true,
        _ => {}
    }
    Ok(())
}

/// Applies a typed key to a one-line text; true if the text changed.
pub(crate) fn edit_line(text: &mut String, key: Key) -> bool {
    use ratatui::crossterm::event::KeyCode;
    match key.code {
        KeyCode::Backspace => text.pop().is_some(),
        KeyCode::Char('u') if key.ctrl => {
            let changed = !text.is_empty();
            text.clear();
            changed
        }
        KeyCode::Char(c) if !key.ctrl && !key.alt && !c.is_control() => {
            text.push(c);
            true
        }
        _ => false,
    }
}

fn card(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(c) = state.card.as_mut() else {
        state.screen = Screen::Queue;
        return Ok(());
    };
    match action {
        Action::Ok | Action::Stale | Action::Unclear | Action::Dead | Action::WrongStage => {
            judge(state, action, desk)?
        }
        Action::Owner | Action::Correct | Action::Comment | Action::OpenCrm => {
            card_aside(state, action, desk)?
        }
        Action::Item(n) => c.cycle_item(&state.funnel, n),
        Action::Skip => {
            let from = c.index + 1;
            move_to(state, from, desk, false)?;
        }
        Action::Prev if c.index > 0 => {
            let i = c.index - 1;
            open_card(state, i, desk)?;
        }
        Action::Undo => undo(state, desk)?,
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
            let i = c.index;
            state.card = None;
            state.screen = Screen::Queue;
            if let Some(q) = state.queue.as_mut() {
                q.selected = i.min(q.items.len().saturating_sub(1));
            }
        }
        _ => {}
    }
    Ok(())
}

/// A verdict key on the card (wrong stage asks for the stage first).
fn judge(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(c) = state.card.as_mut() else {
        return Ok(());
    };
    match action {
        // The card is as it should be: the suggested answers are the auditor's (one key).
        Action::Ok => {
            c.draft.answers = confirm(&c.draft.answers, &c.suggested);
            verdict(state, Verdict::Ok, desk)
        }
        Action::Stale => verdict(state, Verdict::Stale, desk),
        Action::Unclear => verdict(state, Verdict::Unclear, desk),
        Action::Dead => {
            // The lost stage, or none: never a stage picked for an earlier verdict.
            c.draft.suggested_stage = lost_stage(&state.funnel);
            verdict(state, Verdict::Dead, desk)
        }
        Action::WrongStage => {
            let stages = other_stages(&state.funnel, c.stage);
            state.popup = Some(Popup::Picker(Picker::new(PickerFor::WrongStage, stages)));
            Ok(())
        }
        _ => Ok(()),
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

/// Keys that add to the review without judging: an owner, a correction, a comment, and the
/// card's page in the CRM.
fn card_aside(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(c) = state.card.as_ref() else {
        return Ok(());
    };
    match action {
        Action::Owner => {
            if state.owners.is_none() {
                state.owners = Some(desk.owners()?);
            }
            let owners = state.owners.clone().unwrap_or_default();
            state.popup = Some(Popup::Picker(Picker::new(PickerFor::Owner, owners)));
        }
        Action::Correct => {
            let fields = field_choices(state);
            state.popup = Some(Popup::Picker(Picker::new(PickerFor::Field, fields)));
        }
        Action::Comment => {
            let mut area = TextArea::from(c.draft.comment.lines());
            area.move_cursor(ratatui_textarea::CursorMove::Bottom);
            area.move_cursor(ratatui_textarea::CursorMove::End);
            state.popup = Some(Popup::Comment { area, dirty: false });
        }
        Action::OpenCrm => {
            let card = &c.detail.card;
            match state.crm_links.url(&card.source, &card.external_id) {
                Some(url) => desk.ask(Effect::OpenUrl(url)),
                None => state.status = Some(Status::Error(msg::crm_no_link())),
            }
        }
        _ => {}
    }
    Ok(())
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
    if let Some(c) = &state.card {
        if let Some(stage) = c.stage.map(|i| state.funnel.stage(i)) {
            stage.fields.iter().for_each(|f| push(f));
            stage.required.iter().for_each(|r| push(r.field.label()));
        }
        state
            .funnel
            .custom_fields
            .iter()
            .for_each(|f| push(&f.name));
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

fn popup(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    match state.popup {
        Some(Popup::Help { .. }) => help(state, action),
        Some(Popup::Picker(_)) => return picker(state, action, desk),
        Some(Popup::Comment { .. }) => comment(state, action, desk),
        Some(Popup::Input(_)) => return input(state, action, desk),
        None => {}
    }
    Ok(())
}

fn help(state: &mut State, action: Action) {
    let Some(Popup::Help { scroll }) = state.popup.as_mut() else {
        return;
    };
    match action {
        Action::Close => state.popup = None,
        Action::Down => *scroll = scroll.saturating_add(1),
        Action::Up => *scroll = scroll.saturating_sub(1),
        Action::PageDown => *scroll = scroll.saturating_add(10),
        Action::PageUp => *scroll = scroll.saturating_sub(10),
        Action::First => *scroll = 0,
        _ => {}
    }
}

fn picker(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(Popup::Picker(picker)) = state.popup.as_mut() else {
        return Ok(());
    };
    match action {
        Action::Close => state.popup = None,
        Action::Down => picker.down(),
        Action::Up => picker.up(),
        Action::Type(key) => {
            let mut q = picker.query.clone();
            if edit_line(&mut q, key) {
                picker.set_query(q);
            }
        }
        Action::Choose => {
            let Some(chosen) = picker.chosen().map(str::to_string) else {
                return Ok(());
            };
            let purpose = picker.purpose;
            state.popup = None;
            chose(state, purpose, chosen, desk)?;
        }
        _ => {}
    }
    Ok(())
}

fn comment(state: &mut State, action: Action, desk: &mut Cx) {
    let Some(Popup::Comment { area, dirty }) = state.popup.as_mut() else {
        return;
    };
    match action {
        Action::Close => {
            let text = area.lines().join("\n");
            let comment = text.trim_end().to_string();
            match state.card.as_ref() {
                // The box closes once the comment is kept.
                Some(c) => desk.ask(Effect::SaveDraft {
                    card_id: c.detail.card_id,
                    comment,
                    then: AfterDraft::Close,
                }),
                None => state.popup = None,
            }
        }
        Action::Type(key) if area.input(key.to_event()) => *dirty = true,
        _ => {}
    }
}

/// A one-line entry: a field's corrected value, or the lead's note sending a review back.
fn input(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some(Popup::Input(input)) = state.popup.as_mut() else {
        return Ok(());
    };
    match action {
        Action::Close => state.popup = None,
        // Clears the line, as in the filter and pickers (the text box would undo).
        Action::Type(key) if key == Key::ctrl('u') => input.area = TextArea::default(),
        Action::Type(key) => {
            use ratatui::crossterm::event::KeyCode;
            // Moving the cursor starts editing the old value rather than extending the
            // selection (the text box keeps it at the end of the line).
            if input.area.is_selecting()
                && matches!(
                    key.code,
                    KeyCode::Left | KeyCode::Right | KeyCode::Home | KeyCode::End
                )
            {
                input.area.cancel_selection();
            }
            input.area.input(key.to_event());
        }
        Action::Choose if input.purpose == InputFor::ReturnNote => {
            let note = input.area.lines().join(" ").trim().to_string();
            // The auditor must learn what to look at again.
            if note.is_empty() {
                state.status = Some(Status::Info(msg::note_needed()));
                return Ok(());
            }
            state.popup = None;
            super::lead::send_back(state, note, desk)?;
        }
        Action::Choose => {
            let value = input.area.lines().join(" ").trim().to_string();
            let field = input.field.clone();
            correct(state, field, value);
        }
        _ => {}
    }
    Ok(())
}

/// The corrected value typed for `field` (empty: the correction is taken back).
fn correct(state: &mut State, field: String, value: String) {
    let kind = state.funnel.field_kind(&field);
    // A correction the CRM could not take back is refused here, not at export.
    if !value.is_empty() && !crate::formats::values::is_typed(kind, &value) {
        state.status = Some(Status::Error(msg::not_typed(&field, kind, &value)));
        return;
    }
    state.popup = None;
    if let Some(c) = state.card.as_mut() {
        if value.is_empty() {
            c.draft.corrections.remove(&field);
        } else {
            c.draft.corrections.insert(field, value);
        }
    }
}

fn chose(state: &mut State, purpose: PickerFor, chosen: String, desk: &mut Cx) -> DeskResult<()> {
    if matches!(purpose, PickerFor::Verdict | PickerFor::LeadStage) {
        return super::lead::chose(state, purpose, chosen, desk);
    }
    let Some(c) = state.card.as_mut() else {
        return Ok(());
    };
    match purpose {
        PickerFor::Verdict | PickerFor::LeadStage => {}
        PickerFor::WrongStage => {
            c.draft.suggested_stage = Some(chosen);
            verdict(state, Verdict::WrongStage, desk)?;
        }
        PickerFor::Owner => c.draft.suggested_owner = Some(chosen),
        PickerFor::Field => {
            let current = c
                .draft
                .corrections
                .get(&chosen)
                .cloned()
                .or_else(|| super::state::field_value(&c.detail.card, &chosen))
                .unwrap_or_default();
            // The old value shows selected: typing replaces it, an arrow key edits it.
            let mut area = TextArea::from([current]);
            area.select_all();
            state.popup = Some(Popup::Input(FieldInput {
                purpose: InputFor::Correction,
                field: chosen,
                area,
            }));
        }
    }
    Ok(())
}

/// Writes the verdict (durably), marks the card done and shows the next card to review.
fn verdict(state: &mut State, verdict: Verdict, desk: &mut Cx) -> DeskResult<()> {
    let Some(c) = state.card.as_ref() else {
        return Ok(());
    };
    let items = c
        .stage
        .map(|i| state.funnel.stage(i).checklist.as_slice())
        .unwrap_or(&[]);
    let mut draft = c.draft.clone();
    // A stage suggestion belongs to the verdict that made it: re-judged "ok" or "stale" (after
    // an undo or a return), the card goes nowhere.
    if !matches!(verdict, Verdict::WrongStage | Verdict::Dead) {
        draft.suggested_stage = None;
    }
    let review = Review {
        verdict,
        score: score(items, &draft.answers),
        draft,
        seconds_spent: c.opened.elapsed().as_secs_f64(),
    };
    let card = &c.detail.card;
    let reviewed = ReviewedCard {
        card_id: c.detail.card_id,
        source: card.source.clone(),
        external_id: card.external_id.clone(),
        stage: card.stage.clone(),
        hash: c.detail.hash,
    };
    // The card stays (and keys that would leave it wait) until the store or the journal has
    // the verdict.
    state.saving = Some(SavingVerdict {
        verdict,
        index: c.index,
        row: state.queue.as_ref().map_or(0, |q| q.row),
        card_id: reviewed.card_id,
        external_id: reviewed.external_id.clone(),
        draft: review.draft.clone(),
        blocker: None,
        trying: true,
    });
    desk.ask(Effect::SaveVerdict {
        card: reviewed,
        review,
    });
    Ok(())
}

/// A try at writing the verdict came back: in the store (the next card shows), in the journal
/// (the loop's ticks try again), or refused.
fn verdict_outcome(
    state: &mut State,
    retry: bool,
    result: Option<DeskResult<Saving>>,
    desk: &mut Cx,
) {
    let Some(saving) = state.saving.as_mut() else {
        return;
    };
    saving.trying = false;
    match result {
        Some(Ok(Saving::Saved(id))) => {
            let saving = state.saving.take().expect("checked");
            if let Err(e) = landed(state, saving, id, desk) {
                state.status = Some(failed(&e, desk));
            }
        }
        Some(Ok(Saving::Waiting(blocker))) => {
            saving.blocker = blocker;
            state.status = Some(Status::Info(msg::saving(&saving.external_id, blocker)));
        }
        // Kept in the journal and tried again at the next tick; the status says why not yet.
        Some(Err(e)) if retry => {
            state.status = Some(Status::Error(msg::saving_failed(
                &saving.external_id,
                &e.to_string(),
            )))
        }
        // Neither in the store nor in the journal: the card stays with the error.
        Some(Err(e)) => {
            state.saving = None;
            state.status = Some(failed(&e, desk));
        }
        None => state.saving = None,
    }
}

/// The verdict is in the store: the queue shows it, undo can take it back, the next card shows.
fn landed(state: &mut State, s: SavingVerdict, id: String, desk: &mut Cx) -> DeskResult<()> {
    let index = s.index;
    let q = state.queue.as_mut().expect("a card is open from a queue");
    let before = q.items[index].done;
    q.items[index].done = Some(s.verdict);
    if before.is_none() {
        q.counts.reviewed += 1;
    }
    state.status = Some(Status::Info(msg::saved(s.verdict, &s.external_id)));
    state.undo.push(Undo {
        review_id: id,
        row: s.row,
        card_id: s.card_id,
        external_id: s.external_id,
        before,
        draft: s.draft,
    });
    move_to(state, index + 1, desk, true)
}

/// Withdraws the last verdict and shows its card again.
fn undo(state: &mut State, desk: &mut Cx) -> DeskResult<()> {
    let Some(last) = state.undo.last().cloned() else {
        state.status = Some(Status::Info(msg::nothing_to_undo()));
        return Ok(());
    };
    let same_queue = state.queue.as_ref().is_some_and(|q| q.row == last.row);
    if !same_queue {
        state.status = Some(Status::Info(msg::undo_other_stage()));
        return Ok(());
    }
    desk.ask(Effect::WithdrawReview {
        id: last.review_id.clone(),
    });
    Ok(())
}

/// The last verdict is withdrawn: its card shows again, as it was judged.
fn undone(state: &mut State, desk: &mut Cx) -> DeskResult<()> {
    let Some(last) = state.undo.pop() else {
        return Ok(());
    };
    let Some(q) = state.queue.as_mut() else {
        return Ok(());
    };
    if last.before.is_none() {
        q.counts.reviewed = q.counts.reviewed.saturating_sub(1);
    }
    let Some(index) = q.items.iter().position(|i| i.entry.card_id == last.card_id) else {
        // The card is filtered out of view: the verdict is withdrawn all the same.
        state.status = Some(Status::Info(msg::undone(&last.external_id)));
        return Ok(());
    };
    q.items[index].done = last.before;
    state.status = Some(Status::Info(msg::undone(&last.external_id)));
    open_card(state, index, desk)?;
    if let Some(c) = state.card.as_mut() {
        c.draft = last.draft;
    }
    Ok(())
}

/// Shows the first card at or after `from` that still wants a verdict (`pending_only`), or
/// simply the card at `from`; past the end, the queue screen says the stage is done.
fn move_to(state: &mut State, from: usize, desk: &mut Cx, pending_only: bool) -> DeskResult<()> {
    let mut i = from;
    loop {
        ensure_loaded(state, desk, i)?;
        let q = state.queue.as_ref().expect("queue");
        match q.items.get(i) {
            Some(item) if pending_only && item.done.is_some() => i += 1,
            Some(_) => return open_card(state, i, desk),
            None => break,
        }
    }
    // Past the end: go back for any card skipped earlier.
    let q = state.queue.as_ref().expect("queue");
    if let Some(i) = q.items.iter().position(|it| it.done.is_none()) {
        return open_card(state, i, desk);
    }
    let q = state.queue.as_mut().expect("queue");
    q.selected = q.items.len().saturating_sub(1);
    state.card = None;
    state.screen = Screen::Queue;
    say_stage_done(state, desk)
}

/// Reads pages until item `index` is loaded or the queue ends.
fn ensure_loaded(state: &mut State, desk: &Desk, index: usize) -> DeskResult<()> {
    let Some(q) = state.queue.as_mut() else {
        return Ok(());
    };
    while q.items.len() <= index && !q.exhausted {
        let row = &state.stages[q.row];
        // Calibration cards come first on the first page and are no place to resume from.
        let after = q
            .items
            .iter()
            .rev()
            .find(|i| !i.entry.calibration)
            .map(|i| i.entry.key.clone());
        if after.is_none() && !q.items.is_empty() {
            q.exhausted = true;
            break;
        }
        // Far targets (`G`) read in big pages: each page starts a new index scan.
        let size = if index - q.items.len() > PAGE {
            BIG_PAGE
        } else if q.items.is_empty() {
            FIRST_PAGE.max(index + 1)
        } else {
            PAGE
        };
        let page = desk.queue(row, after.as_ref(), &q.filter, size, q.all)?;
        q.exhausted = page.len() < size;
        q.items
            .extend(page.into_iter().map(|entry| Item { entry, done: None }));
    }
    Ok(())
}

fn open_queue(state: &mut State, row: usize, desk: &mut Cx) -> DeskResult<()> {
    let counts = desk.counts(&state.stages[row])?;
    state.stages[row].counts = counts;
    state.queue = Some(Queue {
        row,
        items: Vec::new(),
        selected: 0,
        filter: String::new(),
        filtering: false,
        filter_pending: false,
        exhausted: false,
        counts,
        total: counts.to_review(),
        all: false,
    });
    state.card = None;
    state.screen = Screen::Queue;
    ensure_loaded(state, desk, 0)
}

/// Re-reads the queue from the start (the filter changed).
fn reload_queue(state: &mut State, row: usize, desk: &mut Cx) -> DeskResult<()> {
    let q = state.queue.as_mut().expect("queue");
    q.filter_pending = false;
    q.items.clear();
    q.exhausted = false;
    q.selected = 0;
    ensure_loaded(state, desk, 0)?;
    let q = state.queue.as_mut().expect("queue");
    // A filtered count would read the whole stage: what is loaded, "+" in the view until the
    // queue is exhausted.
    q.total = if q.filter.is_empty() {
        let counts = desk.counts_of(&state.stages[row], q.all)?;
        q.counts = counts;
        counts.to_review()
    } else {
        q.items.len() as u64
    };
    Ok(())
}

fn open_first_card(state: &mut State, desk: &mut Cx) -> DeskResult<()> {
    if state.queue.as_ref().is_some_and(|q| !q.items.is_empty()) {
        open_card(state, 0, desk)
    } else {
        say_stage_done(state, desk)
    }
}

/// The open stage has no card left to review: says so (of the filtered cards, when a filter is
/// on), and names the next stage in queue order that has some, wrapping round to the earlier
/// ones, with the figures as the store has them now.
fn say_stage_done(state: &mut State, desk: &Desk) -> DeskResult<()> {
    load_stages(state, desk)?;
    let name = state
        .stage_row()
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let filter = state.queue.as_ref().map_or("", |q| q.filter.as_str());
    let next = next_stage_row(state).map(|i| msg::NextStage {
        name: state.stages[i].name.clone(),
        to_review: state.stages[i].counts.to_review(),
    });
    state.status = Some(Status::Info(msg::stage_done(&name, filter, next.as_ref())));
    Ok(())
}

/// The next stage in queue order with cards to review, after the open one, else the first
/// before it: an auditor who starts mid-funnel still meets the stages above.
fn next_stage_row(state: &State) -> Option<usize> {
    let from = state.queue.as_ref().map_or(state.stage_selected, |q| q.row);
    let n = state.stages.len();
    (from + 1..n)
        .chain(0..from.min(n))
        .find(|&i| state.stages[i].counts.to_review() > 0)
}

fn next_stage(state: &mut State, desk: &mut Cx) -> DeskResult<()> {
    // Figures may have moved since the funnel screen read them.
    load_stages(state, desk)?;
    match next_stage_row(state) {
        Some(row) => start_at_stage(state, row, desk),
        None => {
            state.status = Some(Status::Info(msg::all_done()));
            Ok(())
        }
    }
}

/// Shows queue item `index`: the card as the store has it now, the auditor's current review
/// of it (when re-judging) or the rules' pre-answers, and any comment draft.
fn open_card(state: &mut State, index: usize, desk: &mut Cx) -> DeskResult<()> {
    let q = state.queue.as_mut().expect("queue");
    let Some(item) = q.items.get(index) else {
        return Ok(());
    };
    q.selected = index;
    let Some(detail) = desk.card(item.entry.card_id)? else {
        return Ok(());
    };
    let stage = state.funnel.resolve(&detail.card.stage);
    let previous = desk.current_review(detail.card_id)?;
    let decision = match &previous {
        Some(p) => desk.latest_decision(&p.id)?,
        None => None,
    };
    let suggested = stage.map_or_else(Default::default, |s| {
        suggest(
            state.funnel.stage(s),
            &detail.flags,
            state.funnel.checklist_default,
        )
    });
    let draft = match &previous {
        Some(p) => p.draft.clone(),
        None => crate::domain::review::ReviewDraft {
            comment: desk.draft(detail.card_id)?.unwrap_or_default(),
            ..Default::default()
        },
    };
    state.card = Some(CardState {
        index,
        detail,
        stage,
        draft,
        suggested,
        previous,
        opened: Instant::now(),
        scroll: 0,
        decision,
    });
    state.screen = Screen::Card;
    Ok(())
}

/// Computes the figures (one pass over the cards and the reviews) and shows the stats screen.
fn open_stats(state: &mut State, desk: &Desk) {
    match desk.figures() {
        Ok(f) => {
            state.reviews_per_day = desk.reviews_per_day(30).unwrap_or_default();
            state.stats = Some((std::sync::Arc::new(f), 0));
            state.card = None;
            state.screen = Screen::Stats;
        }
        Err(e) => state.status = Some(failed(&e, desk)),
    }
}

/// The stats screen: move through the bottlenecks; enter opens the cards where one lies (the
/// stage's queue, filtered to the manager for a stage-and-manager pair).
fn stats(state: &mut State, action: Action, desk: &mut Cx) -> DeskResult<()> {
    let Some((f, sel)) = state.stats.as_mut() else {
        state.screen = Screen::Funnel;
        return Ok(());
    };
    let list = bottleneck_list(f);
    let n = list.len();
    match action {
        Action::Down => *sel = (*sel + 1).min(n.saturating_sub(1)),
        Action::Up => *sel = sel.saturating_sub(1),
        Action::First => *sel = 0,
        Action::Last => *sel = n.saturating_sub(1),
        Action::Open if n > 0 => {
            let (stage, manager) = list[*sel].clone();
            let Some(row) = state.stages.iter().position(|r| r.name == stage) else {
                return Ok(());
            };
            state.stage_selected = row;
            open_queue(state, row, desk)?;
            if let Some(m) = manager {
                let q = state.queue.as_mut().expect("opened");
                q.filter = m;
                reload_queue(state, row, desk)?;
            }
        }
        Action::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        Action::Back => {
            state.screen = Screen::Funnel;
            load_stages(state, desk)?;
        }
        _ => {}
    }
    Ok(())
}

/// The bottlenecks the stats screen lists, in order: stages, then stage-and-manager pairs.
pub fn bottleneck_list(f: &StatsFigures) -> Vec<(String, Option<String>)> {
    let b = &f.analytics.bottlenecks;
    b.stages
        .iter()
        .chain(&b.pairs)
        .map(|x| (x.stage.clone(), x.manager.clone()))
        .collect()
}
