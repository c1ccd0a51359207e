//! The queue screen's keys and its filter; the queue's pages asked for and read back (opening
//! the queue, re-reading it, selecting further down, moving to the next card).

use super::{Cx, card, edit_line, funnel, stats};
use std::time::Instant;

use crate::domain::ids::CardId;
use crate::domain::queue::{QueueCounts, QueueEntry};
use crate::text::tui as msg;
use crate::tui::action::Action;
use crate::tui::effect::Effect;
use crate::tui::read::{Ask, Claimed, Pages, Then};
use crate::tui::state::{Item, Popup, Queue, Screen, State, Status};

pub(super) fn keys(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(q) = state.queue.as_mut() else {
        state.screen = Screen::Funnel;
        return;
    };
    // `u` right after the verdict that ended the list takes that verdict back
    // (`card::undo_on_list`).
    if action == Action::Undo && !q.filtering {
        return card::undo_on_list(state, cx);
    }
    // A card opened from the list is one she chose: `u` on it is about that card.
    state.verdicts.follows_last = false;
    if q.filtering {
        return filter(state, action, cx);
    }
    let n = q.items.len();
    match action {
        Action::Down => {
            q.selected = (q.selected + 1).min(n.saturating_sub(1));
            let next = q.selected + 1;
            ensure_loaded(state, cx, next, Then::More);
        }
        Action::Up => q.selected = q.selected.saturating_sub(1),
        Action::PageDown => {
            let want = q.selected + 20;
            select(state, want, cx)
        }
        Action::PageUp => q.selected = q.selected.saturating_sub(20),
        Action::First => q.selected = 0,
        Action::Last => select(state, usize::MAX, cx),
        // A card reviewed before is opened to change its verdict, not passed by.
        Action::Open if q.finished() && !q.selected_reviewed_before() => {
            funnel::read(state, Then::NextStage, cx)
        }
        Action::Open if n > 0 => {
            let i = q.selected;
            card::open(state, i, None, cx);
        }
        Action::Filter => q.filtering = true,
        Action::Close if !q.filter.is_empty() => {
            q.filter.clear();
            reload(state, cx);
        }
        Action::NextStage => funnel::read(state, Then::NextStage, cx),
        Action::AllCards => {
            q.all = !q.all;
            let all = q.all;
            reload(state, cx);
            state.shared.status = Some(Status::Info(msg::all_cards(all)));
        }
        Action::Stats => stats::open(state, cx),
        Action::Help => {
            state.popup = Some(Popup::Help {
                scroll: Default::default(),
            })
        }
        // A bottleneck's cards go back to the stats screen they were opened from, as left.
        Action::Back if q.from_stats && state.stats.is_some() => {
            release_claims(state, &[], cx);
            state.queue = None;
            state.screen = Screen::Stats;
        }
        Action::Back => {
            release_claims(state, &[], cx);
            state.queue = None;
            state.screen = Screen::Funnel;
            funnel::reread(state, cx);
        }
        _ => {}
    }
}

/// Selects item `want` (or the last), once it is read.
fn select(state: &mut State, want: usize, cx: &mut Cx) {
    if ensure_loaded(state, cx, want, Then::Select(want)) {
        select_loaded(state, want);
    }
}

fn select_loaded(state: &mut State, want: usize) {
    if let Some(q) = state.queue.as_mut() {
        q.selected = want.min(q.items.len().saturating_sub(1));
    }
}

/// Typing the queue's filter: each change re-reads the queue from the start.
fn filter(state: &mut State, action: Action, cx: &mut Cx) {
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    match action {
        Action::Choose | Action::Down => {
            q.filtering = false;
            if q.filter_pending {
                reload(state, cx);
            }
        }
        Action::Close => {
            q.filtering = false;
            q.filter.clear();
            reload(state, cx);
        }
        Action::Type(key) if edit_line(&mut q.filter, key) => q.filter_pending = true,
        _ => {}
    }
}

/// Opens a stage's queue and its first card (`okk review --stage`, the next stage).
pub(super) fn start_at(state: &mut State, row: usize, cx: &mut Cx) {
    state.stages.selected = row;
    open(state, row, String::new(), true, cx);
}

/// Asks for stage row `row`'s figures and the first page of its queue, filtered by `filter`.
pub(super) fn open(state: &mut State, row: usize, filter: String, first_card: bool, cx: &mut Cx) {
    open_listing(state, row, filter, first_card, false, cx)
}

/// A bottleneck of the stats screen opened: the stage's cards (filtered to the manager for a
/// stage-and-manager pair), every one listed as under `t` — those the bottleneck counts are
/// judged already — and going back returns to the stats screen.
pub(super) fn open_from_stats(state: &mut State, row: usize, filter: String, cx: &mut Cx) {
    open_listing(state, row, filter, false, true, cx)
}

fn open_listing(
    state: &mut State,
    row: usize,
    filter: String,
    first_card: bool,
    from_stats: bool,
    cx: &mut Cx,
) {
    let pages = Pages {
        row: state.stages.rows[row].clone(),
        after: None,
        have: 0,
        want: 0,
        filter: filter.clone(),
        all: from_stats,
        counts: Some(from_stats),
        claim: claimed(None, cx),
    };
    let then = Then::OpenQueue {
        row,
        filter,
        first_card,
        from_stats,
    };
    cx.read(state, Ask::Pages(pages), then);
}

/// Asks for the queue again from the start (the filter changed). On a queue taken by claim the
/// cards she holds that the new list keeps come back in it; those it leaves out are given
/// back when it comes ([`pages_read`]).
pub(super) fn reload(state: &mut State, cx: &mut Cx) {
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    q.filter_pending = false;
    // A filtered count would read the whole stage: what is loaded, "+" in the view until the
    // queue is exhausted.
    let pages = Pages {
        row: state.stages.rows[q.row].clone(),
        after: None,
        have: 0,
        want: 0,
        filter: q.filter.clone(),
        all: q.all,
        counts: q.filter.is_empty().then_some(q.all),
        claim: claimed_afresh(q, cx),
    };
    cx.read(state, Ask::Pages(pages), Then::Reload);
}

/// True when item `index` is loaded or the queue has ended; else asks for the pages up to it,
/// and `then` follows their answer.
pub(super) fn ensure_loaded(state: &mut State, cx: &mut Cx, index: usize, then: Then) -> bool {
    let Some(q) = state.queue.as_ref() else {
        return true;
    };
    if q.items.len() > index || q.exhausted {
        return true;
    }
    let pages = Pages {
        row: state.stages.rows[q.row].clone(),
        // Calibration cards come first on the first page and are no place to resume from.
        after: (q.items.iter().rev())
            .find(|i| !i.entry.calibration)
            .map(|i| i.entry.key.clone()),
        have: q.items.len(),
        want: index,
        filter: q.filter.clone(),
        all: q.all,
        counts: None,
        claim: claimed(Some(q), cx),
    };
    cx.read(state, Ask::Pages(pages), then);
    false
}

/// What came back with a queue's pages beside its cards (see [`crate::tui::read::Answer`]).
pub(super) struct PagesRead {
    pub exhausted: bool,
    pub counts: Option<QueueCounts>,
    /// On a queue taken by claim, what a claim may still hand out.
    pub claimable: Option<u64>,
    /// On a queue taken by claim read from the start, whether the store holds several sources.
    pub several_sources: Option<bool>,
    /// On a queue taken by claim read from the start, her judged cards left out of it.
    pub judged_unlisted: Option<u64>,
    /// A filter that lists nothing: the cards it finds that other auditors judged.
    pub judged_by_others: Vec<crate::domain::queue::JudgedByOthers>,
    /// The cards she left a draft on, as the store says now.
    pub drafted: Vec<CardId>,
}

/// Pages of the queue came back.
pub(super) fn pages_read(
    state: &mut State,
    then: Then,
    entries: Vec<QueueEntry>,
    read: PagesRead,
    cx: &mut Cx,
) {
    let PagesRead {
        exhausted,
        counts,
        claimable,
        several_sources,
        judged_unlisted,
        judged_by_others,
        drafted,
    } = read;
    // A card she reviewed before (listed under `t` and a filter) counts as judged: the next
    // card after a verdict passes it by, and her verdict marks it.
    let items = entries.into_iter().map(|entry| Item {
        done: entry.my_verdict,
        entry,
    });
    if let Then::OpenQueue {
        row,
        filter,
        first_card,
        from_stats,
    } = then
    {
        let counts = counts.unwrap_or_default();
        state.stages.rows[row].counts = counts;
        let items: Vec<Item> = items.collect();
        let keep: Vec<CardId> = items.iter().map(|i| i.entry.card_id).collect();
        release_claims(state, &keep, cx);
        state.queue = Some(Queue {
            row,
            claimable,
            items,
            selected: 0,
            filter,
            filtering: false,
            filter_pending: false,
            exhausted,
            counts,
            all: from_stats,
            renewed: Instant::now(),
            given_back: Vec::new(),
            measure: Default::default(),
            several_sources: several_sources.unwrap_or(false),
            judged_unlisted: judged_unlisted.unwrap_or(0),
            judged_by_others,
            from_stats,
            drafted: drafted.into_iter().collect(),
        });
        state.card = None;
        state.screen = Screen::Queue;
        if first_card {
            open_first_card(state, cx);
        } else if !from_stats && state.queue.as_ref().is_some_and(|q| q.finished()) {
            // Opened on a stage with nothing left to review: `enter` goes to the next stage
            // with cards (as after the stage's last card), and the status line says which.
            funnel::say_stage_done(state);
        }
        return;
    }
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    // Read afresh. On a queue taken by claim the cards she holds that the list still has come
    // first in it and the one selected stays selected: those it left out go back (below).
    let mut dropped = Vec::new();
    if then == Then::Reload {
        let items: Vec<Item> = items.collect();
        let mut selected = 0;
        if cx.desk.lease().is_some() {
            let at = |c: CardId| items.iter().position(|i| i.entry.card_id == c);
            dropped = q.held().into_iter().filter(|c| at(*c).is_none()).collect();
            let was = q.items.get(q.selected).map(|i| i.entry.card_id);
            selected = was.and_then(at).unwrap_or(0);
        }
        q.items = items;
        q.measure.forget();
        q.selected = selected;
    } else if cx.desk.lease().is_none() {
        q.items.extend(items);
    } else {
        let back = merge(q, items);
        if back > 0 {
            state.shared.status = Some(Status::Info(msg::sent_back_listed(back)));
        }
    }
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    q.exhausted = exhausted;
    q.claimable = claimable;
    // A list read afresh says her drafts as the store holds them; a page read on adds to
    // what she kept meanwhile (a draft written after the store was read is not lost).
    if then == Then::Reload {
        q.drafted = drafted.into_iter().collect();
    } else {
        q.drafted.extend(drafted);
    }
    if let Some(several) = several_sources {
        q.several_sources = several;
    }
    // A list read afresh says what it leaves out now (none, read without `t` or a filter).
    if then == Then::Reload || judged_unlisted.is_some() {
        q.judged_unlisted = judged_unlisted.unwrap_or(0);
    }
    if then == Then::Reload {
        q.judged_by_others = judged_by_others;
    }
    match then {
        Then::Reload => {
            if let Some(c) = counts {
                q.counts = c;
            }
            if !dropped.is_empty() {
                state.shared.status = Some(Status::Info(msg::given_back_unlisted(dropped.len())));
                cx.ask(Effect::Release(dropped));
            }
        }
        Then::Select(want) => select_loaded(state, want),
        Then::MoveTo { from, pending_only } => card::move_to(state, from, pending_only, cx),
        _ => {}
    }
}

/// Adds items to a shared queue's list (a few at a time); one it lists already (a card she judged this session, sent
/// back by the lead since) takes the new entry and wants a verdict again. Says how many cards
/// came sent back.
pub(super) fn merge(q: &mut Queue, items: impl IntoIterator<Item = Item>) -> usize {
    let mut back = 0;
    let mut changed = false;
    for item in items {
        let returned = item.entry.returned.is_some();
        match q
            .items
            .iter_mut()
            .find(|i| i.entry.card_id == item.entry.card_id)
        {
            Some(listed) => {
                let again = returned && (listed.done.is_some() || listed.entry.returned.is_none());
                back += usize::from(again);
                *listed = item;
                changed = true;
            }
            None => {
                back += usize::from(returned);
                q.items.push(item);
            }
        }
    }
    if changed {
        q.measure.forget();
    }
    back
}

/// A list read whole, with others' writes since (a sync, another auditor, the lead): its first
/// cards as the queue lists them now (`fresh`). A listed card takes its new entry (title, marks);
/// one she judged this session that the queue lists again (changed since, a calibration card
/// owed again) wants her verdict again; a calibration card new to the list comes first, as it
/// does when the stage opens. The selected card stays selected. Cards the queue lists no
/// longer stay as they are (she may have judged them; a prune's are dropped apart).
pub(super) fn relist(state: &mut State, fresh: Vec<QueueEntry>) {
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    let mut first = Vec::new();
    let mut changed = false;
    for entry in fresh {
        match q
            .items
            .iter_mut()
            .find(|i| i.entry.card_id == entry.card_id)
        {
            Some(listed) => {
                changed |= listed.done.is_some() || listed.entry != entry;
                listed.done = None;
                listed.entry = entry;
            }
            None if entry.calibration => first.push(Item { done: None, entry }),
            None => {}
        }
    }
    if first.is_empty() && !changed {
        return;
    }
    let came = first.len();
    q.items.splice(0..0, first);
    q.measure.forget();
    if !q.items.is_empty() {
        q.selected = (q.selected + came).min(q.items.len() - 1);
    }
    // What holds a place in the list moves down with it.
    if let Some(c) = state.card.as_mut() {
        c.index += came;
    }
    if let Some(s) = state.verdicts.saving.as_mut() {
        s.index += came;
    }
    if let Some((index, _)) = state.verdicts.ahead.as_mut() {
        *index += came;
    }
}

fn open_first_card(state: &mut State, cx: &mut Cx) {
    if state.queue.as_ref().is_some_and(|q| !q.items.is_empty()) {
        card::open(state, 0, None, cx)
    } else {
        funnel::read(state, Then::StageDone, cx)
    }
}

/// What the queue lists, when the desk takes its cards by claim (a shared store).
fn claimed(q: Option<&Queue>, cx: &Cx) -> Option<Claimed> {
    cx.desk.lease()?;
    let Some(q) = q else {
        return Some(Claimed::default());
    };
    let mut listed: Vec<CardId> = q.items.iter().map(|i| i.entry.card_id).collect();
    listed.extend(&q.given_back);
    Some(Claimed {
        listed,
        held: q.held(),
        afresh: false,
        given_back: q.given_back.clone(),
    })
}

/// [`claimed`] for the queue read again from the start: none of its cards is listed (the list
/// is replaced), so the held ones the new filter keeps come back in it.
fn claimed_afresh(q: &Queue, cx: &Cx) -> Option<Claimed> {
    cx.desk.lease()?;
    Some(Claimed {
        listed: q.given_back.clone(),
        held: q.held(),
        afresh: true,
        given_back: q.given_back.clone(),
    })
}

/// Gives back the cards the open queue holds (but those in `keep`): the auditor leaves it.
pub(super) fn release_claims(state: &State, keep: &[CardId], cx: &mut Cx) {
    let Some(q) = state.queue.as_ref() else {
        return;
    };
    if cx.desk.lease().is_none() {
        return;
    }
    let held: Vec<CardId> = q.held().into_iter().filter(|c| !keep.contains(c)).collect();
    if !held.is_empty() {
        cx.ask(Effect::Release(held));
    }
}

/// The cards the queue holds are held another lease once a third of it has passed: a pause
/// in the keys asks, the writer thread renews.
pub(super) fn renew_claims(state: &mut State, cx: &mut Cx) {
    let (Some(lease), Some(q)) = (cx.desk.lease(), state.queue.as_mut()) else {
        return;
    };
    if q.renewed.elapsed() < lease / 3 {
        return;
    }
    let held = q.held();
    if !held.is_empty() {
        q.renewed = Instant::now();
        cx.ask(Effect::Renew(held));
    }
}

/// Cards a prune took out of the store while the list showed them (`gone`): they leave the list,
/// and the undo list (their verdicts went with them, or never were); the card on screen, if one
/// of them, gives way to the next card that wants a verdict, its draft not written (there is no
/// card to keep it on). The status says which. `refused`: the store refused the verdict given
/// on the card on screen (`Some(Some(verdict))`), or its draft (`Some(None)`), for this.
pub(super) fn drop_gone(
    state: &mut State,
    gone: &[CardId],
    refused: Option<Option<crate::domain::review::Verdict>>,
    cx: &mut Cx,
) {
    let on_screen = (state.card.as_ref())
        .filter(|_| state.screen == Screen::Card)
        .map(|c| (c.index, c.detail.card_id, c.detail.card.external_id.clone()));
    let Some(q) = state.queue.as_mut() else {
        return;
    };
    let removed: Vec<usize> = (q.items.iter().enumerate())
        .filter(|(_, it)| gone.contains(&it.entry.card_id))
        .map(|(i, _)| i)
        .collect();
    let mine_gone = on_screen.as_ref().filter(|(_, id, _)| gone.contains(id));
    if removed.is_empty() && mine_gone.is_none() {
        return;
    }
    let shift = |i: usize| i - removed.iter().filter(|&&r| r < i).count();
    q.items.retain(|it| !gone.contains(&it.entry.card_id));
    q.measure.forget();
    q.selected = shift(q.selected).min(q.items.len().saturating_sub(1));
    state.verdicts.undo.retain(|u| !gone.contains(&u.card_id));
    state.verdicts.ahead = None;
    match on_screen {
        Some((index, id, external_id)) if gone.contains(&id) => {
            if let Some(c) = state.card.as_mut() {
                c.kept = crate::tui::state::Kept::Never;
            }
            // A box open on the card (a comment, a picker) has nothing left to write to.
            state.popup = None;
            state.verdicts.follows_last = false;
            card::move_to(state, shift(index), true, cx);
            state.shared.status = Some(Status::Info(msg::card_removed(&external_id, refused)));
        }
        Some((index, ..)) => {
            if let Some(c) = state.card.as_mut() {
                c.index = shift(index);
            }
            state.shared.status = Some(Status::Info(msg::cards_removed(removed.len())));
        }
        None => state.shared.status = Some(Status::Info(msg::cards_removed(removed.len()))),
    }
}
