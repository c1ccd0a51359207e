//! The screens kept current while others act on a shared store: another auditor's verdict or
//! the lead's decision, a sync (the runtime's watcher says so) re-reads the figures on screen,
//! the lead's list, the card on the reviewer's or the lead's screen and the CRMs' stages the
//! stage pickers mark by, without a key press and without holding the keys.

use super::{Cx, lead};
use crate::text::tui as msg;
use crate::tui::read::{Answer, Ask, Counted, Read, Then};
use crate::tui::state::{Item, Screen, State, Status};

/// The fewest and the most of a list's first cards a refresh reads again: a list scrolled far
/// keeps its later cards as read (each is read anew when opened).
const RELIST_LEAST: usize = 50;
const RELIST_MOST: usize = 250;

/// Others wrote: asks for what the screen shows that their writes may have changed.
pub(super) fn refresh(state: &mut State, cx: &mut Cx) {
    // A read the user asked for is on its way (its answer is current), or a verdict waits
    // for the store: nothing to add.
    if state.shared.loading.is_some() || state.verdicts.saving.is_some() {
        return;
    }
    let ask = match state.screen {
        Screen::Funnel => Ask::Stages,
        Screen::Queue | Screen::Card => match (state.stage_row(), state.queue.as_ref()) {
            (Some(row), Some(q)) => Ask::Counts {
                row: row.clone(),
                all: q.all,
                claimed: (cx.desk.lease().is_some() && q.filter.is_empty())
                    .then(|| q.given_back.clone()),
                listed: (q.items.iter())
                    .map(|i| (i.entry.card_id, i.entry.source.clone(), i.entry.id.clone()))
                    .collect(),
                // The auditor's card: an import that changed it shows at once, before a key.
                on_screen: state
                    .card
                    .as_ref()
                    .filter(|_| state.screen == Screen::Card)
                    .map(|c| (c.detail.card_id, c.detail.hash)),
                // A list read whole (not handed out by claim: those cards come by `claimed`):
                // its first cards again, for what others' writes changed in them.
                relist: (cx.desk.lease().is_none() && q.filter.is_empty() && !q.all)
                    .then(|| q.items.len().clamp(RELIST_LEAST, RELIST_MOST)),
                again: state.shared.refresh_again,
            },
            _ => return,
        },
        Screen::Reviews if state.popup.is_none() => Ask::LeadRows,
        // The lead's card: an import that changed it shows at once, before a key.
        Screen::Decide => match (state.card.as_ref(), state.lead.as_ref()) {
            (Some(c), Some(l)) if l.open == Some(c.index) => {
                let r = &l.rows[c.index];
                Ask::Changed {
                    card_id: c.detail.card_id,
                    hash: c.detail.hash,
                    whose: crate::tui::read::Whose::Of {
                        auditor: r.auditor.clone(),
                        review_id: r.review_id.clone(),
                        fingerprint: r.funnel_fingerprint.clone(),
                    },
                }
            }
            _ => return,
        },
        _ => return,
    };
    if matches!(ask, Ask::Counts { .. }) {
        state.shared.refresh_again = false;
    }
    // Unticketed, as a card read ahead: no mark, keys go on.
    cx.ask(crate::tui::effect::Effect::Read(Read {
        ticket: 0,
        ask,
        then: Then::Refreshed {
            writes: state.shared.own_writes,
        },
    }));
}

/// Others wrote (a sync may have read the CRMs' stages anew: the stage pickers mark by them,
/// read again whatever the screen), and the screen is refreshed.
pub(super) fn others_acted(state: &mut State, cx: &mut Cx) {
    cx.read_crm_stages();
    refresh(state, cx);
}

/// The store's applied funnel heard: when it is not the funnel this session judges by (a lead
/// applied another while the screen was open), the screen says so until the end of the
/// session, or until the store's funnel is this session's again.
pub(super) fn funnel_applied(state: &mut State, version: i64, hash: &str, cx: &Cx) {
    state.shared.funnel_changed = (hash != cx.desk.fingerprint()).then_some(version);
}

/// One of the session's own writes landed (the screen counted it already): a refresh under way
/// may have read the store before it, and its answer is dropped and asked again (it may carry
/// others' writes too, which the next answer then shows).
pub(super) fn own_write(state: &mut State) {
    state.shared.own_writes += 1;
}

/// A refresh came back: shown if its screen is still up.
pub(super) fn refreshed(state: &mut State, answer: Answer, cx: &mut Cx) {
    match (state.screen, answer) {
        (Screen::Funnel, Answer::Stages(rows)) => state.stages.set_rows(rows),
        (Screen::Queue | Screen::Card, Answer::Counts(counted)) => {
            let Counted {
                counts,
                claimable,
                back,
                gone,
                changed,
                others_on_screen,
                fresh,
            } = *counted;
            // A prune took listed cards out of the store: they leave the list first (the
            // card on screen, if one of them, gives way to the next).
            super::queue::drop_gone(state, &gone, None, cx);
            // An import or a sync changed the card on screen: shown as it is now. Not under a
            // verdict on its way: the card stays as judged until the store answers (a refusal
            // shows it anew, saying so).
            if let Some(read) = changed
                && state.verdicts.saving.is_none()
            {
                super::card::redraw_changed(state, *read, None);
            }
            // Another auditor judged the card on screen meanwhile (or the lead decided on
            // their verdict): the line saying whose verdict stands follows.
            if let Some((card, others)) = others_on_screen {
                super::card::others_refreshed(state, card, others);
            }
            if let Some(fresh) = fresh {
                super::queue::relist(state, fresh);
            }
            let Some(q) = state.queue.as_mut() else {
                return;
            };
            q.counts = counts;
            // The cards the lead sent back to her meanwhile: in her list, to judge again.
            let items = back.into_iter().map(|entry| Item { done: None, entry });
            let came = super::queue::merge(q, items);
            if came > 0 {
                state.shared.status = Some(Status::Info(msg::sent_back_listed(came)));
            }
            let Some(q) = state.queue.as_mut() else {
                return;
            };
            // Others' claims and verdicts change what is left for her (her own list's `N`); an
            // answer asked under a filter has no count to say.
            if q.filter.is_empty()
                && let Some(left) = claimable
            {
                q.claimable = Some(left);
            }
            if let Some(row) = state.stages.rows.get_mut(q.row) {
                row.counts = counts;
            }
        }
        (Screen::Reviews, Answer::LeadRows(rows)) => lead::rows_refreshed(state, rows),
        // Not under a read the lead asked for (the next review, a refused decision's card):
        // its answer replaces the screen.
        (Screen::Decide, Answer::Changed(Some(read))) if state.shared.loading.is_none() => {
            lead::redraw_changed(state, *read, None)
        }
        // The list it was for is no longer up: what others changed in it is read next time.
        (_, Answer::Counts(_)) => state.shared.refresh_again = true,
        _ => {}
    }
}
