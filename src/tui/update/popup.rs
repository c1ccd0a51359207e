//! Keys in a popup: help's scrolling, the pickers, the comment box and the one-line entry; what
//! a picker chose or an entry holds goes to the card or the lead's decision it was opened on.

use ratatui_textarea::TextArea;

use super::{Cx, card, edit_line, lead};
use crate::text::tui as msg;
use crate::tui::action::Action;
use crate::tui::effect::{AfterDraft, Effect};
use crate::tui::keymap::Key;
use crate::tui::picker::PickerFor;
use crate::tui::state::{InputFor, Kept, Popup, State, Status};

pub(super) fn keys(state: &mut State, action: Action, cx: &mut Cx) {
    match state.popup {
        Some(Popup::Help { .. }) => help(state, action),
        Some(Popup::Picker(_)) => picker(state, action, cx),
        Some(Popup::Comment { .. }) => comment(state, action, cx),
        Some(Popup::Input(_)) => input(state, action, cx),
        None => {}
    }
}

fn help(state: &mut State, action: Action) {
    let Some(Popup::Help { scroll }) = state.popup.as_mut() else {
        return;
    };
    match action {
        Action::Close => state.popup = None,
        Action::Down | Action::Up | Action::PageDown | Action::PageUp | Action::First => {
            scroll.by(action)
        }
        _ => {}
    }
}

fn picker(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(Popup::Picker(picker)) = state.popup.as_mut() else {
        return;
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
                return;
            };
            let purpose = picker.purpose;
            state.popup = None;
            match purpose {
                PickerFor::Verdict | PickerFor::LeadStage => {
                    lead::chosen(state, purpose, chosen, cx)
                }
                PickerFor::WrongStage | PickerFor::Owner | PickerFor::Field => {
                    card::chosen(state, purpose, chosen, cx)
                }
            }
        }
        _ => {}
    }
}

/// The comment box: enter keeps the comment and closes, as every text box's enter takes what
/// it holds; alt-enter (ctrl-j) starts a new line; esc closes without keeping what was typed,
/// asking once first when something was (a paragraph is not lost to a stray key).
fn comment(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(Popup::Comment {
        area,
        asked_to_discard,
    }) = state.popup.as_mut()
    else {
        return;
    };
    match action {
        Action::Choose => {
            let comment = area.lines().join("\n").trim_end().to_string();
            let Some(c) = state.card.as_mut() else {
                state.popup = None;
                return;
            };
            // The box closes once the comment is kept (at once when it is already).
            match c.unkept(Some(comment.clone())) {
                Some(draft) => {
                    c.kept = Kept::As(draft.clone());
                    cx.ask(Effect::SaveDraft {
                        card_id: c.detail.card_id,
                        draft,
                        then: AfterDraft::Close,
                    })
                }
                None => {
                    c.draft.comment = comment;
                    state.popup = None;
                }
            }
        }
        Action::Close => {
            let typed = area.lines().join("\n").trim_end().to_string();
            let before = state.card.as_ref().map(|c| c.draft.comment.as_str());
            if !*asked_to_discard && before.is_some_and(|b| b.trim_end() != typed) {
                *asked_to_discard = true;
                state.shared.status = Some(Status::Info(msg::discard_asked()));
                return;
            }
            // The card's draft still holds the comment the box opened with; a pause may have
            // kept what was typed as the draft meanwhile: the one it opened with goes back.
            if *asked_to_discard {
                state.shared.status = None;
            }
            state.popup = None;
            super::keep_draft(state, cx, AfterDraft::Keep);
        }
        Action::NewLine => {
            *asked_to_discard = false;
            area.insert_newline();
        }
        Action::Type(key) => {
            *asked_to_discard = false;
            area.input(key.to_event());
        }
        _ => {}
    }
}

/// A one-line entry: a field's corrected value, or the lead's note sending a review back.
fn input(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(Popup::Input(input)) = state.popup.as_mut() else {
        return;
    };
    match action {
        // As in the comment box: what was typed is dropped once asked.
        Action::Close => {
            let typed = input.area.lines().join(" ");
            if !input.asked_to_discard && typed.trim() != input.before.trim() {
                input.asked_to_discard = true;
                state.shared.status = Some(Status::Info(msg::discard_asked()));
                return;
            }
            if input.asked_to_discard {
                state.shared.status = None;
            }
            state.popup = None;
        }
        // Clears the line, as in the filter and pickers (the text box would undo).
        Action::Type(key) if key == Key::ctrl('u') => {
            input.asked_to_discard = false;
            input.area = TextArea::default();
        }
        Action::Type(key) => {
            input.asked_to_discard = false;
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
                state.shared.status = Some(Status::Info(msg::note_needed()));
                return;
            }
            state.popup = None;
            lead::send_back(state, note, cx);
        }
        Action::Choose => {
            let value = input.area.lines().join(" ").trim().to_string();
            let field = input.field.clone();
            card::correct(state, field, value);
        }
        _ => {}
    }
}
