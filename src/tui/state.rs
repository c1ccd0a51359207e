//! What is on screen: the funnel's stages, the open queue, the open card with the review being
//! built, and the popup over them. Changed only by `update`; drawn only by `view`.

use std::cell::{Ref, RefCell};
use std::sync::Arc;
use std::time::Instant;

use ratatui_textarea::TextArea;

use super::desk::StageRow;
use super::keymap::{Keymap, Mode};
use super::picker::Picker;
use crate::domain::Funnel;
use crate::domain::analytics::StatsFigures;
use crate::domain::card_detail::CardDetail;
use crate::domain::queue::{QueueCounts, QueueEntry};
use crate::domain::review::{ReviewDraft, Verdict};
use crate::domain::stored_review::StoredReview;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Funnel,
    Queue,
    Card,
    /// The lead's list of reviews.
    Reviews,
    /// The lead deciding on one review: the card with the auditor's review beside it.
    Decide,
    /// Where the funnel leaks.
    Stats,
}

/// A queue entry and what the auditor did with it this session.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub entry: QueueEntry,
    pub done: Option<Verdict>,
}

/// The open stage's queue, read a page at a time.
#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    /// Index into `State::stages`.
    pub row: usize,
    pub items: Vec<Item>,
    pub selected: usize,
    pub filter: String,
    /// The filter is being typed.
    pub filtering: bool,
    /// The filter changed and the queue is not re-read yet: typing re-reads once the keys
    /// pause (a filter may pass over thousands of cards; each letter need not).
    pub filter_pending: bool,
    /// No more pages to read.
    pub exhausted: bool,
    /// The stage's figures when the queue was opened, kept current as verdicts land.
    pub counts: QueueCounts,
    /// A queue taken by claim (a shared store), unfiltered: the cards a claim may still hand
    /// the auditor, those she holds among them, as the store last said and her verdicts since.
    pub claimable: Option<u64>,
    /// Closed and gone cards without flags listed too (a toggle key).
    pub all: bool,
    /// A queue taken by claim: when the cards held were last renewed.
    pub renewed: Instant,
    /// A queue taken by claim: cards skipped, given back to the others (and off the list).
    pub given_back: Vec<crate::domain::ids::CardId>,
    /// The widest id, title, owner and flags of the cards loaded, and their sources, for the
    /// columns.
    pub measure: Measured<QueueMeasure>,
    /// A queue taken by claim lists a few cards at a time, often of one source: the store
    /// holding cards of more than one, its rows and cards name their source all the same (a
    /// listed queue tells from the cards it lists).
    pub several_sources: bool,
    /// A queue taken by claim under `t` or a filter: her judged cards it keeps beyond what a
    /// list holds ([`crate::tui::desk::JUDGED_CAP`]), not listed; the list says how many.
    pub judged_unlisted: u64,
    /// A filter that lists nothing: the cards it finds that other auditors judged, and who
    /// (the empty list says whose they are).
    pub judged_by_others: Vec<crate::domain::queue::JudgedByOthers>,
    /// Opened from a bottleneck of the stats screen: going back returns there.
    pub from_stats: bool,
    /// The cards she left a draft on (a verdict or checklist begun), as the store said when
    /// the list was read and her drafts kept since: their rows are marked.
    pub drafted: std::collections::BTreeSet<crate::domain::ids::CardId>,
}

impl Queue {
    pub fn done(&self) -> usize {
        self.items.iter().filter(|i| i.done.is_some()).count()
    }

    /// The `N` of "12/N": the cards of the list, read or not. Those judged in it stay in it,
    /// so it is what is judged plus what is left: on a shared queue, what a claim may still
    /// hand her (not the cards others hold or judged: those never come to her list); else
    /// the stage's cards she has still to review, or every card under `t` (which lists the
    /// reviewed ones too). A filtered list counts what is read (see [`Queue::more`]).
    pub fn total(&self) -> u64 {
        let read = self.items.len() as u64;
        let judged = self.done() as u64;
        let total = if !self.filter.is_empty() {
            read
        } else if let Some(left) = self.claimable {
            judged + left
        } else if self.all {
            self.counts.cards
        } else {
            judged + self.counts.to_review()
        };
        total.max(read)
    }

    /// More cards may follow [`Queue::total`]: a filtered list not read to its end (counting
    /// it would read the whole stage).
    pub fn more(&self) -> bool {
        !self.filter.is_empty() && !self.exhausted
    }

    /// The selected card was reviewed before this session (listed under `t` or a filter).
    pub fn selected_reviewed_before(&self) -> bool {
        (self.items.get(self.selected)).is_some_and(|i| i.entry.my_verdict.is_some())
    }

    /// Every card of the queue has a verdict.
    pub fn finished(&self) -> bool {
        self.exhausted && self.items.iter().all(|i| i.done.is_some())
    }

    /// The cards a queue taken by claim holds: listed, not judged here, not calibration cards
    /// (never held: every listed auditor judges those), not another auditor's (listed under
    /// `t`, never claimed).
    pub fn held(&self) -> Vec<crate::domain::ids::CardId> {
        (self.items.iter())
            .filter(|i| i.done.is_none() && !i.entry.calibration && !i.entry.judged_by_other)
            .map(|i| i.entry.card_id)
            .collect()
    }
}

/// The card being reviewed.
#[derive(Debug, Clone)]
pub struct CardState {
    /// Index into the queue's items.
    pub index: usize,
    pub detail: CardDetail,
    /// The funnel stage the card is in, if the funnel knows it.
    pub stage: Option<usize>,
    /// The funnel stage whose checklist `draft` answers, if the funnel knows it: the card's own
    /// for the auditor; for the lead, the stage the review was made at (a sync may have moved
    /// the card since, and the auditor answered that stage's items).
    pub checked: Option<usize>,
    /// The review being built: starts as the auditor's draft of the card, else her current
    /// review of it, else with no item answered.
    pub draft: ReviewDraft,
    /// How `draft` stands with the draft the store keeps of it.
    pub kept: Kept,
    /// The answers the funnel's default and the card's flags suggest: shown beside unanswered
    /// items, counted only once confirmed (`a` confirms them all).
    pub suggested: crate::domain::score::Answers,
    /// The auditor's current review of the card, when re-judging.
    pub previous: Option<StoredReview>,
    pub opened: Instant,
    /// The left pane's first line.
    pub scroll: Scroll,
    /// The checklist's selected item (0-based): the one whose key was pressed last. Where the
    /// box cannot hold every item (7 at 80×24), it keeps this one in sight.
    pub item: usize,
    /// The lead's standing decision on the review shown (read-only for the auditor).
    pub decision: Option<crate::domain::decision::LeadDecision>,
    /// Other auditors' current reviews of the card, with the lead's word on each: the auditor's
    /// card says whose it is, or that the lead settled it, before she spends a verdict on it.
    pub others: Vec<crate::domain::others_review::OthersReview>,
    /// Where `checked` is none (the review's stage is no longer in the funnel): that stage's
    /// checklist as the latest funnel version with it had it, which names the items answered.
    pub past_checklist: Option<Vec<crate::domain::funnel::ChecklistItem>>,
}

/// How the review being built on a card stands with the auditor's draft of it in the store: a
/// draft is kept at a pause in the keys and when the card is left, only if it changed.
#[derive(Debug, Clone, PartialEq)]
pub enum Kept {
    /// No draft of this desk's person: the lead looking at an auditor's review, or a card whose
    /// verdict is in the store (which took its draft).
    Never,
    /// The store gives this back when the card is opened again.
    As(ReviewDraft),
    /// Not in the store, or a try to keep it failed: the next pause or leaving keeps it.
    Not,
}

impl CardState {
    /// `draft` (with `comment` for the comment being typed, if any), when the store does not
    /// keep it yet and it is the auditor's to keep.
    pub fn unkept(&self, comment: Option<String>) -> Option<ReviewDraft> {
        let mut draft = self.draft.clone();
        if let Some(comment) = comment {
            draft.comment = comment;
        }
        match &self.kept {
            Kept::Never => None,
            Kept::As(kept) if *kept == draft => None,
            _ => Some(draft),
        }
    }
}

/// What a one-line entry is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFor {
    /// The corrected value of `FieldInput::field`.
    Correction,
    /// The lead's note to the auditor when sending a review back.
    ReturnNote,
}

impl CardState {
    /// The checklist `draft` answers: that of the stage [`CardState::checked`] names (none
    /// where the funnel does not know it).
    pub fn checklist<'f>(&self, funnel: &'f Funnel) -> &'f [crate::domain::funnel::ChecklistItem] {
        (self.checked).map_or(&[], |i| funnel.stage(i).checklist.as_slice())
    }

    /// Cycles checklist item `n` (1-based) of the checklist answered ([`CardState::checklist`]);
    /// nothing beyond it.
    pub fn cycle_item(&mut self, funnel: &Funnel, n: u8) {
        let Some(item) = self.checklist(funnel).get(usize::from(n).wrapping_sub(1)) else {
            return;
        };
        self.item = usize::from(n) - 1;
        use crate::domain::score::Answer;
        // The first press on an unanswered item confirms what it suggests (a new auditor
        // presses the key to agree with the mark she sees); the presses after it cycle.
        let next = match (
            self.draft.answers.get(&item.id),
            self.suggested.get(&item.id),
        ) {
            (Some(now), _) => now.next(item.scale),
            (None, Some(suggested)) => *suggested,
            (None, None) => {
                Answer::from_default(funnel.checklist_default, item.scale).next(item.scale)
            }
        };
        self.draft.answers.insert(item.id.clone(), next);
    }

    /// Scrolls the card pane by a move key ([`Action::moves`]; other keys leave it).
    ///
    /// [`Action::moves`]: super::action::Action::moves
    pub fn scroll_by(&mut self, action: super::action::Action) {
        self.scroll.by(action);
    }
}

/// A pane's first line. Move keys move it ([`Scroll::by`]); the view clamps it to the text it
/// draws and keeps where that text ended ([`Scroll::shown`]), so that keys past the end are not
/// lines the way back must undo before the pane moves again.
#[derive(Debug, Default, Clone)]
pub struct Scroll {
    at: u16,
    /// The last line a first line can be, as the last frame drew the pane (`None`: not drawn).
    end: std::cell::Cell<Option<u16>>,
}

impl Scroll {
    /// The first line, as the keys left it.
    pub fn at(&self) -> u16 {
        self.at
    }

    /// After a move key ([`Action::moves`]; other keys leave it). A key back starts from the
    /// end drawn, whatever keys went past it: the first one moves the text. (Keys down are not
    /// cut at the end: a frame of another size may draw more below.)
    ///
    /// [`Action::moves`]: super::action::Action::moves
    pub fn by(&mut self, action: super::action::Action) {
        use super::action::Action;
        let from = match action {
            Action::Up | Action::PageUp => self.end.get().map_or(self.at, |end| self.at.min(end)),
            _ => self.at,
        };
        self.at = scrolled(from, action);
    }

    /// The first line to draw of a text whose first line can be at most `end` (the view's).
    pub fn shown(&self, end: u16) -> u16 {
        self.end.set(Some(end));
        self.at.min(end)
    }
}

impl PartialEq for Scroll {
    /// Two panes scrolled alike (what the last frame measured is not part of it).
    fn eq(&self, other: &Scroll) -> bool {
        self.at == other.at
    }
}

/// A pane's first line `at` after a move key ([`Action::moves`]; other keys leave it). The
/// view clamps it to the text it draws.
///
/// [`Action::moves`]: super::action::Action::moves
pub fn scrolled(at: u16, action: super::action::Action) -> u16 {
    use super::action::Action;
    match action {
        Action::Down => at.saturating_add(1),
        Action::Up => at.saturating_sub(1),
        Action::PageDown => at.saturating_add(10),
        Action::PageUp => at.saturating_sub(10),
        Action::First => 0,
        Action::Last => u16::MAX,
        _ => at,
    }
}

/// One-line text entry.
#[derive(Debug)]
pub struct FieldInput {
    pub purpose: InputFor,
    pub field: String,
    pub area: TextArea<'static>,
    /// The text the box opened with: esc drops what was typed over it, once asked.
    pub before: String,
    /// Esc was pressed once over typed text: the next esc drops it.
    pub asked_to_discard: bool,
}

impl FieldInput {
    pub fn new(purpose: InputFor, field: String, area: TextArea<'static>) -> FieldInput {
        FieldInput {
            purpose,
            field,
            before: area.lines().join(" "),
            area,
            asked_to_discard: false,
        }
    }
}

/// The lead's list: current reviews, filtered.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadList {
    pub rows: Vec<crate::domain::lead_row::LeadRow>,
    /// Indices into `rows` that pass the filter, in order.
    pub shown: Vec<usize>,
    pub selected: usize,
    pub filter: String,
    pub filtering: bool,
    /// Decided reviews too (else only those awaiting a decision).
    pub all: bool,
    /// The row open on the decide screen.
    pub open: Option<usize>,
    /// Decisions made this session, for undo: (row, decision id).
    pub undo: Vec<(usize, String)>,
    /// The row selected when the filter being typed was opened (an index into `rows`).
    pub typed_from: Option<usize>,
    /// The decide screen's pane in focus. The review is, as each one opens: at 80×24 the card
    /// and the checklist leave it a few rows, and the lead must not decide without reading it.
    pub focus: Pane,
    /// The review pane's first line.
    pub review_scroll: Scroll,
    /// The reviews shown, measured for the columns.
    pub measure: Measured<LeadMeasure>,
    /// The note of a sending back the store refused (the card had changed under it), by its
    /// review's id: `b` on that review offers it again.
    pub kept_note: Option<(String, String)>,
}

/// What the lead's columns need from the reviews shown: the widest card, stage, auditor and
/// suggestion, and when each review was made, oldest first (an age grows with the clock, not
/// with the rows: the view reads the widest from a few of these each frame).
#[derive(Debug, Clone, Default)]
pub struct LeadMeasure {
    pub widest: [usize; 4],
    pub made: Vec<chrono::NaiveDateTime>,
    /// The sources of the reviews' cards.
    pub sources: Sources,
    /// Their names (a handful of CRM connections; past [`LeadMeasure::NAMES`] no more are
    /// kept): a narrow list marks a card's source by the fewest letters that tell it apart.
    pub names: Vec<String>,
}

impl LeadMeasure {
    pub const NAMES: usize = 64;
}

/// What the queue's columns need from the cards loaded: the widest id, title (with its marks),
/// owner and flags, and the cards' sources.
#[derive(Debug, Clone, Default)]
pub struct QueueMeasure {
    pub widest: [usize; 4],
    pub sources: Sources,
}

/// The sources of a list's cards: whether there is more than one (two CRM connections may share
/// ids: then the list, and the card opened from it, say each card's source beside its id), and
/// the widest as drawn.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    /// The widest source's width on screen.
    pub width: usize,
    /// The first card's source, while every card measured is of it.
    one: Option<String>,
    /// Cards of more than one source.
    pub several: bool,
}

impl Sources {
    /// Folds a card of `source`, `width` columns wide on screen, into the sources (cheap per
    /// card: the first source is kept, and compared with, until a second shows).
    pub fn add(&mut self, source: &str, width: usize) {
        self.width = self.width.max(width);
        match &self.one {
            None if !self.several => self.one = Some(source.to_string()),
            Some(first) if first != source => {
                self.one = None;
                self.several = true;
            }
            _ => {}
        }
    }
}

/// What a table's columns need from its rows, measured by the view on the first frame that
/// draws them and kept for the frames after: measured afresh each frame, every key cost as much
/// as the whole list (a 100k-card queue). Rows added at the end are measured on their own;
/// whoever changes the rows otherwise calls [`Measured::forget`] (a list that got shorter is
/// measured afresh in any case). Not part of what the state is: two states equal but for it
/// are equal.
#[derive(Debug, Clone, Default)]
pub struct Measured<M> {
    /// The rows measured (the first so many), and their measure.
    memo: RefCell<(usize, M)>,
}

impl<M: Default> Measured<M> {
    /// The measure of `len` rows: `add` folds the rows in the range (those not measured yet)
    /// into it.
    pub fn of(&self, len: usize, add: impl FnOnce(std::ops::Range<usize>, &mut M)) -> Ref<'_, M> {
        {
            let mut memo = self.memo.borrow_mut();
            let (seen, measure) = &mut *memo;
            if len < *seen {
                (*seen, *measure) = (0, M::default());
            }
            if len > *seen {
                add(*seen..len, measure);
                *seen = len;
            }
        }
        Ref::map(self.memo.borrow(), |(_, measure)| measure)
    }

    /// The rows changed: the next frame measures them all again.
    pub fn forget(&mut self) {
        *self.memo.get_mut() = (0, M::default());
    }

    /// How many rows the measure holds (0 once forgotten).
    pub fn rows(&self) -> usize {
        self.memo.borrow().0
    }
}

impl<M> PartialEq for Measured<M> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The decide screen's pane the scroll keys move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Pane {
    /// The auditor's review, which takes the room it needs (the checklist gives way).
    #[default]
    Review,
    /// The card (the checklist its full height, the review what is left).
    Card,
}

#[derive(Debug)]
pub enum Popup {
    Help {
        scroll: Scroll,
    },
    Picker(Picker),
    /// The comment being typed (the card's draft keeps the one it opened with until enter).
    Comment {
        area: TextArea<'static>,
        /// Esc was pressed once over typed text: the next esc drops it.
        asked_to_discard: bool,
    },
    Input(FieldInput),
}

/// A verdict that can be taken back.
#[derive(Debug, Clone, PartialEq)]
pub struct Undo {
    pub review_id: String,
    pub row: usize,
    pub card_id: crate::domain::ids::CardId,
    pub external_id: String,
    pub verdict: Verdict,
    /// What the queue item showed before (a re-judged card keeps its earlier verdict on undo).
    pub before: Option<Verdict>,
    /// Whether the item was marked ↻ (changed since the earlier review) before: a verdict on
    /// the card as it is now clears the mark, its undo puts it back.
    pub changed_before: bool,
    /// Whether the item was marked ◇ (another auditor's) before: her verdict makes the card
    /// hers, its undo gives it back to them.
    pub others_before: bool,
    /// The card's draft as it was before the verdict key (not the review saved, which `ok`
    /// confirmed the suggestions into): undo puts it back on screen.
    pub draft: ReviewDraft,
}

/// A verdict given while another process held the store's write lock: kept in the pending
/// journal, written by the loop's ticks as soon as the lock frees. Its card stays on screen
/// until then (keys that would leave the card wait).
#[derive(Debug, Clone, PartialEq)]
pub struct SavingVerdict {
    pub verdict: Verdict,
    /// The card's index in the queue, and the queue's stage row.
    pub index: usize,
    pub row: usize,
    pub card_id: crate::domain::ids::CardId,
    pub external_id: String,
    /// The card's draft before the verdict key, for the undo once it lands.
    pub draft: ReviewDraft,
    /// What holds the lock, as far as is known (shown in the status line).
    pub blocker: Option<crate::domain::writer::Writer>,
    /// A try at writing it is under way (the runtime has not answered yet).
    pub trying: bool,
    /// An «ok» that confirmed a critical item's suggested fail (the score is 0): its text, said
    /// beside «saved», since the item may have been out of the box's sight (tester42 F3).
    pub critical_failed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Info(String),
    Error(String),
}

/// What a store read under way will show (the screen says "loading…" meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loading {
    /// The read's ticket: an answer whose ticket is not this one was overtaken and is dropped.
    pub ticket: u64,
    /// The read will replace what keys act on (the card, the next card, the owners for the
    /// picker): keys wait for it, in order, instead of acting on what is about to go.
    pub holds_keys: bool,
}

/// What every screen shares: the session's setting, the status line, the read under way.
pub struct Shared {
    pub funnel: Arc<Funnel>,
    pub auditor: String,
    pub keymap: Keymap,
    /// The config's CRM connections: links from cards to the CRM.
    pub crm_links: Arc<crate::domain::links::CrmLinks>,
    /// The CRMs' own pipelines and stages, as the syncs read them (read as the desk opens and
    /// again when others write): the stage pickers mark a move the card's pipeline has no
    /// place for. Empty where cards come from files only.
    pub crm_stages: Arc<crate::domain::crm_stage::AccountStages>,
    /// Opens an address in the browser; `false` when there is none (tests put a fake here).
    pub open_url: fn(&str) -> bool,
    /// The clock, set before each update: how long ago a review was made.
    pub now: chrono::NaiveDateTime,
    /// The day cards are judged against (idle days, days in the stage), set with `now`.
    pub today: chrono::NaiveDateTime,
    pub status: Option<Status>,
    /// The store's applied funnel became another than the session judges by (its version
    /// number): the status line says so whenever it has nothing else to say.
    pub funnel_changed: Option<i64>,
    /// A store read under way.
    pub loading: Option<Loading>,
    /// The last read's ticket.
    pub tickets: u64,
    /// The session's own writes (verdicts, withdrawals, decisions) landed so far: a refresh
    /// asked before the last of them may have read the store without it, and its figures would
    /// undo what the screen already counts.
    pub own_writes: u64,
    /// A refresh's answer was dropped (or failed): the next reads again what others changed,
    /// even when the store says only the session's own writes came since it last asked.
    pub refresh_again: bool,
    pub quit: bool,
    /// The link to the server is lost (the runtime reconnects): the status line already says
    /// so, and what fails for it meanwhile is not said again over what it says.
    pub offline: bool,
    /// Quit found the store busy and the comment draft unsaved: the next quit goes without it.
    pub quit_without_draft: bool,
    /// The terminal is too small to draw the screens (the last frame said so instead): keys
    /// do nothing but quit, or they would act on a screen nobody sees.
    pub hidden: bool,
    /// When the last printable key came (a letter, a digit, a sign): a verdict key that the
    /// Russian layout's letter stands for, pressed right after one, is a word being typed.
    pub last_typed: Option<std::time::Instant>,
}

impl Shared {
    /// A new read begins: it overtakes any read under way. Returns its ticket.
    pub fn start_loading(&mut self, holds_keys: bool) -> u64 {
        self.tickets += 1;
        self.loading = Some(Loading {
            ticket: self.tickets,
            holds_keys,
        });
        self.tickets
    }

    /// An answer came: true when it is the read under way (which it ends), false when a later
    /// read or a move elsewhere overtook it.
    pub fn answered(&mut self, ticket: u64) -> bool {
        if self.loading.is_some_and(|l| l.ticket == ticket) {
            self.loading = None;
            return true;
        }
        false
    }
}

/// The funnel screen: its stages with their figures, and the selected row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StagesScreen {
    pub rows: Vec<StageRow>,
    pub selected: usize,
}

impl StagesScreen {
    /// The stages read again: the selection stays on the same stage.
    pub fn set_rows(&mut self, rows: Vec<StageRow>) {
        let keep = self.rows.get(self.selected).map(|r| r.name.clone());
        self.rows = rows;
        self.selected = keep
            .and_then(|n| self.rows.iter().position(|r| r.name == n))
            .unwrap_or(0)
            .min(self.rows.len().saturating_sub(1));
    }
}

/// The auditor's verdicts this session: what undo takes back, the one waiting for the store.
#[derive(Debug, Default)]
pub struct Verdicts {
    pub undo: Vec<Undo>,
    /// The card on screen is the one the last verdict (or undo) moved on to, and the auditor
    /// has not moved since: `u` takes back the last verdict at once and shows its card. Once
    /// she moves herself (skip, previous, back to the list), `u` never withdraws a verdict on a
    /// card she is not looking at.
    pub follows_last: bool,
    /// A verdict waiting for the store's write lock.
    pub saving: Option<SavingVerdict>,
    /// Owners known from the cards (read once per source, for the owner picker).
    pub owners: Option<super::picker::Owners>,
    /// The card after the one judged, read while the verdict was written (queue index, card):
    /// it shows as soon as the verdict lands. The next key drops it.
    pub ahead: Option<(usize, Box<super::read::CardRead>)>,
}

/// The stats screen: the figures, the selected bottleneck, reviews per day over the last weeks
/// (oldest first, the sparkline).
#[derive(Clone)]
pub struct StatsScreen {
    pub figures: Arc<StatsFigures>,
    pub selected: usize,
    pub reviews_per_day: Vec<u64>,
    /// The fields view over the figures, when open.
    pub fields: Option<FieldsView>,
    /// The screen the stats were opened from, which `q` goes back to as it was left.
    pub back: Screen,
}

/// The stats screen's fields view: how well each custom field is kept per stage (the rows of
/// `okk fields`), one selected.
#[derive(Clone)]
pub struct FieldsView {
    pub rows: Arc<[crate::domain::fill::FillRow]>,
    pub selected: usize,
}

pub struct State {
    pub screen: Screen,
    pub popup: Option<Popup>,
    pub shared: Shared,
    pub stages: StagesScreen,
    pub queue: Option<Queue>,
    pub card: Option<CardState>,
    pub verdicts: Verdicts,
    /// The lead's desk (`okk lead`); `None` in the reviewer.
    pub lead: Option<LeadList>,
    pub stats: Option<StatsScreen>,
}

impl State {
    pub fn new(funnel: Arc<Funnel>, auditor: String, keymap: Keymap) -> State {
        State {
            screen: Screen::Funnel,
            popup: None,
            shared: Shared {
                funnel,
                auditor,
                keymap,
                crm_links: Arc::default(),
                crm_stages: Arc::default(),
                open_url: super::effect::open_in_browser,
                now: chrono::NaiveDateTime::default(),
                today: chrono::NaiveDateTime::default(),
                status: None,
                funnel_changed: None,
                loading: None,
                tickets: 0,
                own_writes: 0,
                refresh_again: false,
                quit: false,
                quit_without_draft: false,
                offline: false,
                hidden: false,
                last_typed: None,
            },
            stages: StagesScreen::default(),
            queue: None,
            card: None,
            verdicts: Verdicts::default(),
            lead: None,
            stats: None,
        }
    }

    /// The comment box holds the card's own comment, which the store does not keep yet (enter's
    /// save was refused): esc leaves the box and the comment stays the card's, nothing dropped.
    pub fn comment_kept_on_esc(&self) -> bool {
        let (Some(Popup::Comment { area, .. }), Some(c)) = (&self.popup, &self.card) else {
            return false;
        };
        let typed = area.lines().join("\n");
        let typed = typed.trim_end();
        !typed.is_empty()
            && typed == c.draft.comment.trim_end()
            && c.unkept(Some(typed.to_string())).is_some()
    }

    /// The key layer in force: the popup's, else the screen's.
    pub fn mode(&self) -> Mode {
        match &self.popup {
            Some(Popup::Help { .. }) => Mode::Help,
            Some(Popup::Picker(_)) => Mode::Picker,
            Some(Popup::Comment { .. }) => Mode::Comment,
            Some(Popup::Input(_)) => Mode::Input,
            None => match self.screen {
                Screen::Queue if self.queue.as_ref().is_some_and(|q| q.filtering) => Mode::Filter,
                Screen::Reviews if self.lead.as_ref().is_some_and(|l| l.filtering) => Mode::Filter,
                _ => self.screen_mode(),
            },
        }
    }

    /// Work is waiting for the keys to pause (the loop wakes up soon to do it).
    pub fn wants_tick(&self) -> bool {
        self.verdicts.saving.is_some() || self.queue.as_ref().is_some_and(|q| q.filter_pending)
    }

    /// Keys wait: a read under way will replace what they would act on.
    pub fn holds_keys(&self) -> bool {
        self.shared.loading.is_some_and(|l| l.holds_keys)
    }

    /// The screen under the popup (help lists its keys).
    pub fn screen_mode(&self) -> Mode {
        match self.screen {
            Screen::Funnel => Mode::Funnel,
            Screen::Queue => Mode::Queue,
            Screen::Card => Mode::Card,
            Screen::Reviews => Mode::Reviews,
            Screen::Decide => Mode::Decide,
            // The fields view over the figures has keys of its own: its rows open nothing.
            Screen::Stats if self.stats.as_ref().is_some_and(|s| s.fields.is_some()) => {
                Mode::Fields
            }
            Screen::Stats => Mode::Stats,
        }
    }

    pub fn stage_row(&self) -> Option<&StageRow> {
        self.queue
            .as_ref()
            .and_then(|q| self.stages.rows.get(q.row))
    }
}

/// A field's value as the card shows it (custom field, else system field). A field the funnel
/// declares is found under any of its aliases, as the rules find it: a column exported as
/// «Запрос клиента» is the declared «Интересующие параметры» (shown empty, it misled the
/// auditor into failing a card the rules had passed).
pub fn field_value(
    card: &crate::domain::Card,
    label: &str,
    funnel: &crate::domain::Funnel,
) -> Option<String> {
    use crate::domain::SystemField as S;
    let custom = card
        .field(label)
        .or_else(|| crate::domain::rules::values::custom_value(card, label, funnel));
    if let Some(v) = custom {
        return Some(column_value(funnel, label, v));
    }
    let time = |t: Option<chrono::NaiveDateTime>| t.map(|t| t.format("%d.%m.%Y %H:%M").to_string());
    match S::from_name(label)? {
        S::Title => card.title.clone(),
        S::Owner => card.owner.clone(),
        S::Pipeline => card.pipeline.clone(),
        S::Amount => card.amount.map(|a| a.to_string()),
        S::Currency => card.currency.clone(),
        S::CreatedAt => time(card.created_at),
        S::UpdatedAt => time(card.updated_at),
        S::ClosedAt => time(card.closed_at),
        S::ExpectedCloseAt => time(card.expected_close_at),
        S::LastActivityAt => time(card.last_activity_at),
        S::Contact => card.contact.clone(),
        S::Company => card.company.clone(),
        S::Phone => Some(card.phones.join(", ")),
        S::Email => Some(card.emails.join(", ")),
        S::Tags => Some(card.tags.join(", ")),
        _ => None,
    }
}

/// A custom column's value as the card shows it: a field the funnel declares a date (by its name
/// or an alias) as [`shown_date`], and so the nearest task's column (a sync writes it with its
/// seconds, and the `no_task` rule reads it as a date, declared or not), a checkbox's yes or no in words (`formats::values::checkbox`:
/// amoCRM's `true`/`false`, every yes/no word of a field declared `bool`), any other as
/// written. What is stored and exported stays as the CRM wrote it.
pub fn column_value(funnel: &crate::domain::Funnel, header: &str, raw: &str) -> String {
    use crate::domain::funnel::FieldKind;
    let task = crate::domain::rules::TASK_FIELDS.contains(&header);
    let kind = funnel.custom_field(header).map_or(
        if task {
            FieldKind::Date
        } else {
            FieldKind::Text
        },
        |f| f.kind,
    );
    if kind == FieldKind::Date {
        return shown_date(raw);
    }
    match crate::formats::values::checkbox(kind, raw) {
        Some(true) => crate::text::tui::yes(),
        Some(false) => crate::text::tui::no(),
        None => raw.to_string(),
    }
}

/// A declared date field's value as the card shows dates, however the export wrote it: the day
/// (`05.11.2026`; a workbook's date cell reads `2026-11-05`, the same field in a CSV
/// `05.11.2026`, a datetime field at midnight `05.11.2026 00:00:00`), and the minute where a
/// CRM's date-and-time field holds a time of day (`30.11.2026 14:47`), as okk's own dates show
/// one — never its seconds. A value that reads as no date, or with a time zone, is shown as
/// written.
fn shown_date(raw: &str) -> String {
    use chrono::NaiveTime;
    let t = raw.trim();
    let Some(day) = crate::domain::rules::values::parse_day(t) else {
        return raw.to_string();
    };
    let shown_day = day.format("%d.%m.%Y").to_string();
    let Some((_, rest)) = t.split_once([' ', 'T']) else {
        return shown_day;
    };
    let time = ["%H:%M:%S%.f", "%H:%M:%S", "%H:%M"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(rest.trim(), f).ok());
    match time {
        Some(time) if time == NaiveTime::MIN => shown_day,
        Some(time) => format!("{shown_day} {}", time.format("%H:%M")),
        None => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Item, Measured, Queue, Sources};

    /// A meeting date from a workbook's date cell and the same date from a CSV read alike on
    /// the card; an undeclared column, a time of day and a value that is no date as written.
    #[test]
    fn a_declared_date_field_shows_one_day_however_the_export_wrote_it() {
        let funnel = crate::funnel_config::default_funnel();
        let card = |header: &str, value: &str| crate::domain::Card {
            fields: vec![(header.into(), value.into())],
            ..Default::default()
        };
        let shown = |header: &str, value: &str, label: &str| {
            super::field_value(&card(header, value), label, &funnel)
        };
        let meeting = "Дата встречи в офисе продаж";
        for raw in [
            "2026-11-05",
            "05.11.2026",
            "2026-11-05 00:00:00",
            "05.11.2026 00:00:00",
        ] {
            assert_eq!(
                shown(meeting, raw, meeting).as_deref(),
                Some("05.11.2026"),
                "{raw}"
            );
        }
        // Under an alias of the declared field too.
        assert_eq!(
            shown("Дата встречи", "2026-11-05", meeting).as_deref(),
            Some("05.11.2026")
        );
        // A date-and-time field's value: its minute, never its seconds (Bitrix24's export
        // writes `30.11.2026 02:47:00`, a workbook `2026-11-05 10:30:00`).
        for (raw, want) in [
            ("30.11.2026 02:47:00", "30.11.2026 02:47"),
            ("2026-11-05 10:30:00", "05.11.2026 10:30"),
            ("2026-11-05T10:30:00", "05.11.2026 10:30"),
            ("2026-11-05 10:30:59.250", "05.11.2026 10:30"),
            ("05.11.2026 10:30", "05.11.2026 10:30"),
            ("2026-11-05T00:00", "05.11.2026"),
        ] {
            assert_eq!(shown(meeting, raw, meeting).as_deref(), Some(want), "{raw}");
        }
        // A time zone, or a time that is none, is shown as written rather than guessed at.
        for raw in ["2026-11-05T10:30:00+03:00", "05.11.2026 утром"] {
            assert_eq!(shown(meeting, raw, meeting).as_deref(), Some(raw), "{raw}");
        }
        assert_eq!(
            shown(meeting, "на следующей неделе", meeting).as_deref(),
            Some("на следующей неделе")
        );
        assert_eq!(
            shown("Город", "2026-11-05", "Город").as_deref(),
            Some("2026-11-05")
        );
    }

    /// A checkbox reads yes or no in words on the card: amoCRM's `true`/`false` in any field,
    /// every yes/no word in a field the funnel declares `bool`; an undeclared field's `1` is a
    /// figure (rooms), and stays one.
    #[test]
    fn a_checkbox_field_reads_in_words_and_other_values_as_written() {
        use crate::domain::funnel::{CustomField, FieldKind};
        use crate::text::lang::{Lang, with};
        let mut funnel = crate::funnel_config::default_funnel();
        funnel.custom_fields.push(CustomField {
            name: "Сделка в ипотеку".into(),
            aliases: Vec::new(),
            kind: FieldKind::Bool,
        });
        let shown = |header: &str, value: &str| super::column_value(&funnel, header, value);
        with(Lang::Ru, || {
            assert_eq!(shown("Ипотека одобрена", "false"), "нет");
            assert_eq!(shown("Ипотека одобрена", "TRUE"), "да");
            assert_eq!(shown("Комнат", "1"), "1");
            assert_eq!(shown("Сделка в ипотеку", "1"), "да");
            assert_eq!(shown("Сделка в ипотеку", "N"), "нет");
            assert_eq!(shown("Сделка в ипотеку", "не знаю"), "не знаю");
        });
        with(Lang::En, || {
            assert_eq!(shown("Ипотека одобрена", "false"), "no")
        });
    }

    /// The nearest task's column, which a sync fills with its seconds, reads as the card's other
    /// dates do without the funnel declaring it (tester32 F8: «20.11.2026 11:08:40»); another
    /// undeclared field keeps what the CRM wrote.
    #[test]
    fn the_nearest_task_reads_as_a_date_undeclared() {
        let funnel = crate::funnel_config::default_funnel();
        let shown = |header: &str, value: &str| super::column_value(&funnel, header, value);
        assert_eq!(
            shown("Ближайшая задача", "20.11.2026 11:08:40"),
            "20.11.2026 11:08"
        );
        assert_eq!(
            shown("closest_task_at", "2026-11-20 00:00:00"),
            "20.11.2026"
        );
        assert_eq!(
            shown("Дата звонка", "20.11.2026 11:08:40"),
            "20.11.2026 11:08:40"
        );
    }

    /// One source, however many cards, is not several; a second is, and stays so; the widest
    /// is kept.
    #[test]
    fn sources_are_several_once_a_second_shows() {
        let mut s = Sources::default();
        for _ in 0..3 {
            s.add("amo-north", 9);
        }
        assert!(!s.several);
        s.add("b24", 3);
        assert!(s.several);
        s.add("amo-north", 9);
        assert!(s.several);
        assert_eq!(s.width, 9);
    }
    use crate::domain::queue::{QueueCounts, QueueEntry};
    use crate::domain::review::Verdict;

    /// A queue of `read` cards, the first `judged` of them judged here, with the stage's figures.
    fn queue(read: usize, judged: usize, counts: QueueCounts) -> Queue {
        let entry = |i: usize| QueueEntry {
            card_id: crate::domain::ids::CardId(i as i64),
            id: i.to_string(),
            source: "amocrm".into(),
            title: None,
            owner: None,
            flags: Vec::new(),
            idle_days: None,
            changed_since_review: false,
            returned: None,
            calibration: false,
            my_verdict: None,
            judged_by_other: false,
            key: Default::default(),
        };
        Queue {
            row: 0,
            items: (0..read)
                .map(|i| Item {
                    entry: entry(i),
                    done: (i < judged).then_some(Verdict::Ok),
                })
                .collect(),
            selected: 0,
            filter: String::new(),
            filtering: false,
            filter_pending: false,
            exhausted: false,
            counts,
            claimable: None,
            all: false,
            renewed: std::time::Instant::now(),
            given_back: Vec::new(),
            measure: Measured::default(),
            several_sources: false,
            drafted: Default::default(),
            judged_unlisted: 0,
            judged_by_others: Vec::new(),
            from_stats: false,
        }
    }

    #[test]
    fn the_place_counter_counts_what_was_judged_in_the_list_and_what_is_left() {
        let counts = QueueCounts {
            cards: 40,
            flagged: 8,
            reviewed: 3,
            others: 0,
        };
        // Her own queue: 3 judged here, 37 left to review (read or not).
        let q = queue(10, 3, counts);
        assert_eq!((q.total(), q.more()), (40, false));
        // `t` lists the reviewed cards too: every card of the stage.
        let all = Queue {
            all: true,
            ..queue(10, 3, counts)
        };
        assert_eq!(all.total(), 40);
        // Six cards another auditor holds: not hers to review (as no claim hands them to
        // her), listed under `t` only.
        let others = QueueCounts {
            others: 6,
            ..counts
        };
        assert_eq!(queue(10, 3, others).total(), 34);
        let all = Queue {
            all: true,
            ..queue(10, 3, others)
        };
        assert_eq!(all.total(), 40);
        // Shared by claim: what a claim may still hand her, not the stage's other cards.
        let shared = Queue {
            claimable: Some(2),
            ..queue(4, 3, counts)
        };
        assert_eq!((shared.total(), shared.more()), (5, false));
        // A filter: what is read, and more to come until the list ends.
        let mut filtered = Queue {
            filter: "ЖК".into(),
            claimable: Some(2),
            ..queue(4, 3, counts)
        };
        assert_eq!((filtered.total(), filtered.more()), (4, true));
        filtered.exhausted = true;
        assert_eq!((filtered.total(), filtered.more()), (4, false));
    }

    /// The widest of the words in `range`, folded into `widest`; counts the words measured.
    fn widest_of<'a>(
        words: &'a [&'a str],
        measured: &'a std::cell::Cell<usize>,
    ) -> impl FnOnce(std::ops::Range<usize>, &mut usize) + 'a {
        move |range, widest| {
            for w in &words[range] {
                measured.set(measured.get() + 1);
                *widest = (*widest).max(w.len());
            }
        }
    }

    #[test]
    fn frames_without_a_change_measure_nothing_and_rows_added_at_the_end_only_themselves() {
        let measured = std::cell::Cell::new(0);
        let m = Measured::<usize>::default();
        let mut words = vec!["ab", "abcd"];
        assert_eq!(*m.of(words.len(), widest_of(&words, &measured)), 4);
        assert_eq!(*m.of(words.len(), widest_of(&words, &measured)), 4);
        assert_eq!(measured.get(), 2, "the second frame measured nothing");
        // A page read at the end: only its rows are measured.
        words.extend(["abcdef", "a"]);
        assert_eq!(*m.of(words.len(), widest_of(&words, &measured)), 6);
        assert_eq!((measured.get(), m.rows()), (4, 4));
    }

    #[test]
    fn rows_that_change_are_measured_again() {
        let measured = std::cell::Cell::new(0);
        let mut m = Measured::<usize>::default();
        let words = ["abcdef", "ab"];
        assert_eq!(*m.of(2, widest_of(&words, &measured)), 6);
        // Re-read (a filter, a reload) into as many rows: only `forget` tells it.
        let words = ["abc", "ab"];
        m.forget();
        assert_eq!(m.rows(), 0);
        assert_eq!(*m.of(2, widest_of(&words, &measured)), 3);
        // A row taken out: the list is shorter, measured again without being told.
        let words = ["ab"];
        assert_eq!(*m.of(1, widest_of(&words, &measured)), 2);
        assert_eq!(measured.get(), 5);
    }

    #[test]
    fn the_measure_is_no_part_of_the_state_s_equality() {
        let m = Measured::<usize>::default();
        let _ = m.of(1, |_, w| *w = 9);
        assert_eq!(m, Measured::default());
    }
}
