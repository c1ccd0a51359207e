//! The one place state changes: a message in, the effects it asks for out, dispatched once to
//! the screen it concerns (one file per screen). The store is neither read nor written here:
//! reads and writes are effects, their answers later messages.

mod card;
mod funnel;
pub mod lead;
mod live;
mod popup;
mod queue;
mod stats;

use super::action::Action;
use super::desk::{Desk, DeskResult};
use super::effect::{AfterDraft, Effect, Msg, Outcome};
use super::keymap::Key;
use super::read::{Answer, Ask, Read, Then};
use super::state::{Kept, Popup, Screen, State, Status};
use crate::domain::ids::CardId;
use crate::domain::review::ReviewDraft;
use crate::domain::store_error::StoreError;
use crate::text::tui as msg;

pub use super::read::PAGE;
pub use stats::bottleneck_list;

/// What `update` may use: the clock and what holds the store (through the desk, which it
/// never reads cards from), and the effects it asks the runtime for.
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

    /// Asks for a store read; it overtakes any read under way, and the screen says "loading…"
    /// until its answer comes back as `then`.
    pub(super) fn read(&mut self, state: &mut State, ask: Ask, then: Then) {
        let holds_keys = !matches!(then, Then::Reload) || !state.queue_filter_typing();
        let ticket = state.shared.start_loading(holds_keys);
        self.effects.push(Effect::Read(Read { ticket, ask, then }));
    }

    /// Asks for queue item `index`'s card ahead of need: not the read under way (no mark, no
    /// ticket), its answer kept for when the card is opened.
    pub(super) fn read_ahead(&mut self, ask: Ask, index: usize) {
        let then = Then::Ahead { index };
        self.effects.push(Effect::Read(Read {
            ticket: 0,
            ask,
            then,
        }));
    }

    /// Asks for the CRMs' stages (the stage pickers' marks): unticketed, as a card read
    /// ahead, no mark, keys go on.
    pub(super) fn read_crm_stages(&mut self) {
        self.effects.push(Effect::Read(Read {
            ticket: 0,
            ask: Ask::CrmStages,
            then: Then::CrmStages,
        }));
    }

    fn blocker(&self) -> Option<crate::domain::writer::Writer> {
        self.desk.blocker()
    }
}

impl State {
    /// The queue's filter is being typed: a re-read of the queue lets the typing go on.
    fn queue_filter_typing(&self) -> bool {
        self.queue.as_ref().is_some_and(|q| q.filtering)
    }
}

/// The one place state changes: a message in, the effects it asks for out.
pub fn update(state: &mut State, msg: Msg, desk: &Desk) -> Vec<Effect> {
    let mut cx = Cx::new(desk);
    match msg {
        Msg::Key(key) => handle(state, key, &mut cx),
        Msg::Tick => on_tick(state, &mut cx),
        Msg::Done(outcome) => done(state, *outcome, &mut cx),
        Msg::HangUp => hang_up(state, &mut cx),
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

/// Reads the funnel's stages and their figures (the funnel screen), before the first frame.
pub fn load_stages(state: &mut State, desk: &Desk) -> DeskResult<()> {
    let mut cx = Cx::new(desk);
    cx.read(state, Ask::Stages, Then::ShowStages);
    cx.read_crm_stages();
    super::run::settle_reads(state, cx.effects, desk)
}

/// Opens a stage's queue by name and its first card (`okk review --stage`), before the first
/// frame.
pub fn start_at_stage(state: &mut State, row: usize, desk: &Desk) -> DeskResult<()> {
    let mut cx = Cx::new(desk);
    queue::start_at(state, row, &mut cx);
    cx.read_crm_stages();
    super::run::settle_reads(state, cx.effects, desk)
}

/// The keys a key press stands for: Esc and the next key arriving together (a slow link, a
/// fast typist) reach us as Alt+key; unless Alt+key means something here, they were meant as
/// the two keys. The runtime settles each (its effects performed) before the next.
pub fn meant(state: &State, key: Key) -> Vec<Key> {
    if key.alt && state.shared.keymap.lookup(state.mode(), key).is_none() {
        let esc = Key::plain(ratatui::crossterm::event::KeyCode::Esc);
        return vec![esc, Key { alt: false, ..key }];
    }
    vec![key]
}

/// Whether a key acts while a read holds the keys: quitting, and going back (which drops the
/// read); the rest wait for the read's answer.
pub fn passes_while_loading(state: &State, key: Key) -> bool {
    matches!(
        state.shared.keymap.action(state.mode(), key),
        Some(Action::Quit | Action::Back | Action::Close)
    )
}

/// A key press: looked up in the layer in force, then applied.
fn handle(state: &mut State, key: Key, cx: &mut Cx) {
    let action = state.shared.keymap.action(state.mode(), key);
    // Nothing is drawn but the request for a larger terminal: only ctrl-c acts.
    if state.shared.hidden && !(key.ctrl && action == Some(Action::Quit)) {
        return;
    }
    let typed_after = std::mem::replace(
        &mut state.shared.last_typed,
        printable(key).then(std::time::Instant::now),
    );
    if let Some(action) = action
        && action.judges()
        && typed_after.is_some_and(|t| t.elapsed() < TYPING_GAP)
        && state.shared.keymap.through_layout(state.mode(), key)
    {
        // A Russian letter right after another key typed is a word, not a verdict (a name
        // typed where no box was open): said, and the card left as it was.
        state.shared.status = Some(Status::Info(msg::typed_not_verdict(key_text(key))));
        return;
    }
    match action {
        Some(action) => act(state, action, cx),
        None => lead::unbound_on_list(state, key),
    }
}

/// Less than this between two printable keys is typing: a person judging a card reads it first.
const TYPING_GAP: std::time::Duration = std::time::Duration::from_millis(400);

/// A key that types a character (no Ctrl, no Alt).
fn printable(key: Key) -> bool {
    matches!(key.code, ratatui::crossterm::event::KeyCode::Char(_)) && !key.ctrl && !key.alt
}

fn key_text(key: Key) -> String {
    match key.code {
        ratatui::crossterm::event::KeyCode::Char(c) => c.to_string(),
        _ => String::new(),
    }
}

fn act(state: &mut State, action: Action, cx: &mut Cx) {
    state.shared.now = cx.desk.now();
    state.shared.today = cx.desk.today();
    state.verdicts.ahead = None;
    if state.holds_keys() && action != Action::Quit {
        // Going back drops the read; the runtime holds any other key until the answer.
        if matches!(action, Action::Back | Action::Close) {
            state.shared.loading = None;
        }
        return;
    }
    if let Some(saving) = &state.verdicts.saving {
        // The card stays until its verdict is in the store: only looking around it, help and
        // quitting (the verdict is safe in the journal) go on meanwhile.
        let status = Status::Info(msg::saving(&saving.external_id, saving.blocker));
        if allowed_while_saving(state, action) {
            apply(state, action, cx);
        }
        state.shared.status = Some(status);
        return;
    }
    if !matches!(action, Action::Type(_)) {
        state.shared.status = None;
    }
    if action != Action::Quit {
        state.shared.quit_without_draft = false;
    }
    let (screen, ticket) = (state.screen, state.shared.tickets);
    apply(state, action, cx);
    // A key that left the screen without asking for a read drops the one under way: its
    // answer would take the user back.
    if state.screen != screen && state.shared.tickets == ticket {
        state.shared.loading = None;
    }
}

/// The status line for a store error: with the store busy, what holds it.
fn failed(e: &crate::domain::store_error::StoreError, cx: &Cx) -> Status {
    if e.is_unreachable() {
        Status::Error(msg::no_link())
    } else if e.is_busy() {
        Status::Error(msg::store_busy(cx.blocker()))
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

/// Work done when the keys pause: the review being built on the card (a comment being typed
/// too) is kept as a draft, and a queue filter typed since is applied.
fn on_tick(state: &mut State, cx: &mut Cx) {
    state.shared.now = cx.desk.now();
    state.shared.today = cx.desk.today();
    queue::renew_claims(state, cx);
    if let Some(saving) = state.verdicts.saving.as_mut() {
        // One try at a time: the next tick asks again once this one is answered.
        if !saving.trying {
            saving.trying = true;
            cx.ask(Effect::RetryVerdict);
        }
        return;
    }
    keep_draft(state, cx, AfterDraft::Keep);
    if state.queue.as_ref().is_some_and(|q| q.filter_pending) {
        queue::reload(state, cx);
    } else {
        cx.ask(Effect::Idle);
    }
}

/// Asks for the review being built on the card (with the comment being typed) to be kept as
/// the auditor's draft; false when there is none to keep (nothing changed since it was kept).
pub(super) fn keep_draft(state: &mut State, cx: &mut Cx, then: AfterDraft) -> bool {
    let typed = match &state.popup {
        Some(Popup::Comment { area, .. }) => Some(area.lines().join("\n")),
        _ => None,
    };
    let Some(card) = state.card.as_mut() else {
        return false;
    };
    // A verdict on its way to the store takes the card's draft: none to keep meanwhile.
    if state.verdicts.saving.is_some() {
        return false;
    }
    let Some(draft) = card.unkept(typed) else {
        return false;
    };
    // Kept as far as the next pause can tell; a refusal marks it unkept again.
    card.kept = Kept::As(draft.clone());
    // Her list marks the card as holding her draft, or no more (an empty one is removed).
    if let Some(q) = state.queue.as_mut() {
        let id = card.detail.card_id;
        if draft.is_empty() {
            q.drafted.remove(&id);
        } else {
            q.drafted.insert(id);
        }
    }
    cx.ask(Effect::SaveDraft {
        card_id: card.detail.card_id,
        draft,
        then,
    });
    true
}

/// An effect's outcome: the rest of what the key that asked for it does.
fn done(state: &mut State, outcome: Outcome, cx: &mut Cx) {
    let result = match outcome {
        Outcome::Verdict { retry, result } => {
            card::verdict_outcome(state, retry, result, cx);
            Ok(())
        }
        Outcome::Link { up } => {
            link(state, up, cx);
            Ok(())
        }
        Outcome::Flushed { written, result } => {
            flushed(state, written, cx);
            // Not in yet: the link dropped again (said so), or the store is busy (the next
            // verdict's write, or the next okk, takes them).
            result.or_else(|e| if e.is_busy() { Ok(()) } else { Err(e) })
        }
        Outcome::ReviewWithdrawn {
            id,
            result: Err(StoreError::Decided { lead, decision }),
        } => {
            card::undo_refused(state, &id, &lead, decision);
            Ok(())
        }
        Outcome::ReviewWithdrawn { id, result } => {
            result.map(|held_by| card::undone(state, &id, held_by, cx))
        }
        Outcome::DraftSaved {
            card_id,
            draft,
            then,
            result,
        } => draft_saved(state, card_id, draft, then, result, cx),
        // An import or a sync changed the card since the lead's screen drew it: nothing was
        // written, and the card shows as it is now.
        Outcome::Decided {
            row,
            decision,
            result: Err(StoreError::CardChanged { .. }),
        } => {
            lead::decision_refused(state, row, decision, cx);
            Ok(())
        }
        Outcome::Decided {
            row,
            decision,
            result,
        } => result.map(|(id, standing)| lead::decided(state, row, &decision, id, standing, cx)),
        Outcome::DecisionWithdrawn { row, result } => {
            result.map(|standing| lead::decision_undone(state, row, standing, cx))
        }
        Outcome::UrlOpened { url, opened } => {
            state.shared.status = Some(Status::Info(if opened {
                msg::crm_opened(&url)
            } else {
                msg::crm_no_browser(&url)
            }));
            Ok(())
        }
        Outcome::Idled(result) | Outcome::Held(result) => result,
        Outcome::OthersActed => {
            live::others_acted(state, cx);
            Ok(())
        }
        Outcome::FunnelApplied { version, hash } => {
            live::funnel_applied(state, version, &hash, cx);
            Ok(())
        }
        // A card read ahead: kept for when it opens; a failure leaves the usual read to it.
        Outcome::Read {
            then: Then::Ahead { index },
            result,
            ..
        } => {
            if let Ok(Answer::Card(Some(read))) = result {
                state.verdicts.ahead = Some((index, read));
            }
            Ok(())
        }
        // The CRMs' stages, kept for the stage pickers; a read that failed keeps those known
        // (others' next write asks again).
        Outcome::Read {
            then: Then::CrmStages,
            result,
            ..
        } => {
            if let Ok(Answer::CrmStages(stages)) = result {
                state.shared.crm_stages = std::sync::Arc::new(stages);
            }
            Ok(())
        }
        // A refresh that failed changes nothing: the next change of others' asks again.
        // One asked before the session's own last write may not have seen it: dropped, and
        // asked again.
        Outcome::Read {
            then: Then::Refreshed { writes },
            result,
            ..
        } => {
            match result {
                Ok(_) if writes != state.shared.own_writes => {
                    state.shared.refresh_again = true;
                    live::refresh(state, cx)
                }
                Ok(answer) => live::refreshed(state, answer, cx),
                Err(_) => state.shared.refresh_again = true,
            }
            Ok(())
        }
        Outcome::Read {
            ticket,
            then,
            result,
        } => {
            // An answer overtaken by a later read, or by a move elsewhere, is dropped.
            if !state.shared.answered(ticket) {
                return;
            }
            result.map(|answer| loaded(state, then, answer, cx))
        }
    };
    if let Err(e) = result {
        let said = e.is_unreachable() && state.shared.offline && state.shared.status.is_some();
        if !said {
            state.shared.status = Some(failed(&e, cx));
        }
    }
}

/// The link to the server is lost, or back: said; back, the verdicts kept meanwhile are
/// written first, and the figures on screen read again.
fn link(state: &mut State, up: bool, cx: &mut Cx) {
    state.shared.offline = !up;
    if !up {
        state.shared.status = Some(Status::Error(msg::no_link()));
        return;
    }
    state.shared.status = Some(Status::Info(msg::link_back(0)));
    cx.ask(Effect::Flush);
    live::others_acted(state, cx);
}

/// The verdicts kept while the link was down are in the store: said, and a card judged then,
/// still on screen because the next could not be read, gives way to the next.
fn flushed(state: &mut State, written: usize, cx: &mut Cx) {
    if written > 0 {
        state.shared.status = Some(Status::Info(msg::link_back(written)));
    }
    let judged_on_screen = match (&state.card, &state.queue) {
        (Some(c), Some(q)) => q.items.get(c.index).is_some_and(|i| i.done.is_some()),
        _ => false,
    };
    if state.screen == Screen::Card && judged_on_screen && state.verdicts.saving.is_none() {
        let next = state.card.as_ref().map_or(0, |c| c.index + 1);
        card::move_to(state, next, true, cx);
    }
}

/// A read's answer, to the screen that asked for it.
fn loaded(state: &mut State, then: Then, answer: Answer, cx: &mut Cx) {
    match (then, answer) {
        (then @ (Then::ShowStages | Then::StageDone | Then::NextStage), Answer::Stages(rows)) => {
            funnel::stages_read(state, then, rows, cx)
        }
        (
            then,
            Answer::Pages {
                entries,
                exhausted,
                counts,
                claimable,
                several_sources,
                judged_unlisted,
                judged_by_others,
                drafted,
            },
        ) => {
            let read = queue::PagesRead {
                exhausted,
                counts,
                claimable,
                several_sources,
                judged_unlisted,
                judged_by_others,
                drafted,
            };
            queue::pages_read(state, then, entries, read, cx)
        }
        (Then::ShowCard { index, draft }, Answer::Card(read)) => {
            card::card_read(state, index, draft, read, cx)
        }
        (Then::Changed { index, verdict }, Answer::Card(read)) => {
            card::changed_read(state, index, verdict, read, cx)
        }
        (Then::Decide { row }, Answer::Card(read)) => lead::card_read(state, row, read),
        (Then::DecideChanged { row, kind }, Answer::Card(read)) => {
            lead::changed_read(state, row, kind, read, cx)
        }
        (Then::Fields, Answer::Fields(rows)) => stats::fields_read(state, rows),
        (Then::Stats, Answer::Stats { figures, per_day }) => {
            stats::figures_read(state, figures, per_day)
        }
        (Then::LeadList, Answer::LeadRows(rows)) => lead::rows_read(state, rows),
        (Then::OwnerPicker, Answer::Owners(owners)) => card::owners_read(state, owners),
        // An answer to a question not asked with this `then`: nothing to show.
        _ => {}
    }
}

/// A draft is in the store (or not): the card and its comment box stay, the box closes, or
/// the app quits.
fn draft_saved(
    state: &mut State,
    card_id: CardId,
    draft: ReviewDraft,
    then: AfterDraft,
    result: DeskResult<()>,
    cx: &mut Cx,
) -> DeskResult<()> {
    // Marked unkept, for the next pause (if the card is still the one on screen).
    let still_unsaved = |state: &mut State| {
        if let Some(c) = state.card.as_mut()
            && c.detail.card_id == card_id
            && c.kept != Kept::Never
        {
            c.kept = Kept::Not;
        }
    };
    // The card was taken out of the store (a prune): nothing to keep the draft on. It leaves
    // the list (the next card shows if it was on screen); a quit goes on.
    if let Err(e) = &result
        && e.is_card_gone()
    {
        if matches!(then, AfterDraft::Quit { .. }) {
            quit(state, cx);
        } else {
            queue::drop_gone(state, &[card_id], Some(None), cx);
        }
        return Ok(());
    }
    match (then, result) {
        // Another process holds the store: the draft stays marked unsaved, for the next pause.
        (AfterDraft::Keep, Err(e)) => {
            still_unsaved(state);
            if e.is_busy() { Ok(()) } else { Err(e) }
        }
        (AfterDraft::Keep | AfterDraft::Leave, Ok(())) => Ok(()),
        (AfterDraft::Leave, Err(e)) => {
            still_unsaved(state);
            Err(e)
        }
        // The box stays open over the refusal; the comment becomes the card's, unsaved: esc
        // leaves the box without losing it, and the next pause or the verdict writes it.
        (AfterDraft::Close, Err(e)) => {
            if let Some(c) = state.card.as_mut()
                && c.detail.card_id == card_id
            {
                c.draft.comment = draft.comment;
            }
            still_unsaved(state);
            Err(e)
        }
        (AfterDraft::Close, Ok(())) => {
            let empty = draft.comment.is_empty();
            if let Some(c) = state.card.as_mut()
                && c.detail.card_id == card_id
            {
                c.draft.comment = draft.comment;
            }
            state.popup = None;
            state.shared.status = Some(Status::Info(msg::comment_kept(empty)));
            Ok(())
        }
        // A busy store must not keep the auditor in: say so, and a second quit goes.
        (AfterDraft::Quit { asked_before }, Err(e)) if e.is_busy() && !asked_before => {
            still_unsaved(state);
            state.shared.quit_without_draft = true;
            state.shared.status = Some(Status::Error(match e.is_unreachable() {
                true => msg::draft_unreachable_on_quit(),
                false => msg::draft_busy_on_quit(cx.blocker()),
            }));
            Ok(())
        }
        (AfterDraft::Quit { .. }, Err(e)) if !e.is_busy() => {
            still_unsaved(state);
            Err(e)
        }
        (AfterDraft::Quit { .. }, _) => {
            quit(state, cx);
            Ok(())
        }
    }
}

/// Quits, giving back the cards the open queue holds (the runtime waits for that write).
fn quit(state: &mut State, cx: &mut Cx) {
    if let (Some(Popup::Comment { area, .. }), Some(card)) = (&state.popup, &mut state.card) {
        card.draft.comment = area.lines().join("\n");
    }
    queue::release_claims(state, &[], cx);
    state.shared.quit = true;
}

/// The terminal is gone: the draft kept as a quit keeps it (its refusal asks nobody a
/// second quit), and the cards held given back whatever becomes of it.
fn hang_up(state: &mut State, cx: &mut Cx) {
    keep_draft(state, cx, AfterDraft::Quit { asked_before: true });
    quit(state, cx);
}

fn apply(state: &mut State, action: Action, cx: &mut Cx) {
    if action == Action::Quit {
        let asked_before = std::mem::take(&mut state.shared.quit_without_draft);
        if !keep_draft(state, cx, AfterDraft::Quit { asked_before }) {
            quit(state, cx);
        }
        return;
    }
    if state.popup.is_some() {
        return popup::keys(state, action, cx);
    }
    match state.screen {
        Screen::Funnel => funnel::keys(state, action, cx),
        Screen::Queue => queue::keys(state, action, cx),
        Screen::Card => card::keys(state, action, cx),
        Screen::Reviews => lead::list_keys(state, action, cx),
        Screen::Decide => lead::decide_keys(state, action, cx),
        Screen::Stats => stats::keys(state, action, cx),
    }
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
