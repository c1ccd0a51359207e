//! The reviewer's window on the store: every question the screens ask and every write a key
//! makes, for one auditor against one funnel. Store errors come back to update(), which shows
//! them and keeps the card on screen: a verdict that did not save is never silently dropped.
//!
//! The desk holds its store as a `Box<dyn DeskStore>` (the domain's ports), not a generic
//! parameter: `State`, `update` and the views stay free of a backend type, and a dynamic call
//! costs nothing next to a query.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;

use crate::domain::Funnel;
use crate::domain::analytics::{StatsFigures, Window};
use crate::domain::card_detail::CardDetail;
use crate::domain::crm_stage::AccountStages;
use crate::domain::filter_key::FilterKey;
use crate::domain::funnel::StageKind;
use crate::domain::ids::CardId;
use crate::domain::lead_row::LeadRow;
use crate::domain::names::fold;
use crate::domain::pending::{PendingReview, taken_back};
use crate::domain::ports::{DeskStore, StoreError};
use crate::domain::queue::{JudgedList, QueueCounts, QueueEntry, QueueKey, QueueQuery, Reclaimed};
use crate::domain::review::{Review, ReviewDraft};
use crate::domain::stored_review::{Given, ReviewedCard, StoredReview};
use crate::domain::writer::Writer;
use crate::text::tui::filter_keyword;

/// A row of the funnel screen: a funnel stage (with the CRM's names for it), or a stage the
/// CRM has and the funnel does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct StageRow {
    pub name: String,
    /// Index into the funnel's stages; `None` for a stage the funnel does not know.
    pub stage: Option<usize>,
    pub crm_names: Vec<String>,
    pub closed_stage: bool,
    pub extra_control: bool,
    pub counts: QueueCounts,
}

pub struct Desk {
    /// In a cell: a claim (a read that leases what it reads) goes through `&self`, as the
    /// reader thread's reads do.
    store: std::cell::RefCell<Box<dyn DeskStore>>,
    funnel: Arc<Funnel>,
    auditor: String,
    fingerprint: String,
    /// A frozen clock for the times okk records (tests), else the wall clock.
    clock: Option<NaiveDateTime>,
    /// The day cards are judged against (idle days, "days ago"): `--today`, the store's own
    /// day, else the clock (see `app::audit::today`).
    today: Option<NaiveDateTime>,
    /// The verdicts kept in the pending journal that the store has not taken yet, oldest
    /// first: shared with this desk's twins, so that whichever desk is connected writes them.
    kept: Kept,
    /// The store is a server: each verdict is kept on this machine before it is sent.
    remote: bool,
    /// Cards are taken by claim, each held this long (a queue shared by auditors).
    lease: Option<Duration>,
    /// The most of her judged cards a shared queue lists (see [`Desk::judged`]).
    judged_cap: usize,
}

/// A queue filter, read ([`Desk::read_filter`]).
struct QueueFilter {
    /// Folded: what the card's id, title or owner must hold.
    text: Option<String>,
    /// The sources its `source:` words keep.
    sources: Option<Vec<String>>,
}

impl QueueFilter {
    const NONE: QueueFilter = QueueFilter {
        text: None,
        sources: None,
    };

    /// Its `source:` words name no source the store holds.
    fn none_match(&self) -> bool {
        self.sources.as_ref().is_some_and(Vec::is_empty)
    }
}

/// The most of her judged cards a shared queue lists under `t` or a filter: what a list
/// holds in memory; the list says how many more there are, and that a filter narrows them.
pub const JUDGED_CAP: usize = 5000;

/// Cards another auditor judged that an empty filtered list names at most (whose they are).
pub const OTHERS_SHOWN: usize = 3;

pub type DeskResult<T> = Result<T, StoreError>;

pub use super::kept::{Kept, TakenBack};

/// A review's standing decision and the lead's decision that settles its card, as the store
/// has them after a decision or its undo (a decision on one review may settle, or unsettle,
/// the card's others).
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    pub decision: Option<crate::domain::decision::LeadDecision>,
    pub settled: Option<crate::domain::settled::Settled>,
}

/// How long a write from the reviewer waits for another process's write lock before the desk
/// says "busy" (and the loop draws on): long enough for another auditor's commit, short enough
/// that nobody sees the screen stop.
pub const WRITE_WAIT: std::time::Duration = std::time::Duration::from_millis(100);

/// Where a verdict is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saving {
    /// In the store, under this review id.
    Saved(String),
    /// In the pending journal: another process holds the store's write lock (an import, when
    /// `Some`). [`Desk::retry`] writes it when the lock frees.
    Waiting(Option<Writer>),
    /// In the pending journal on this machine under this review id: the server cannot be
    /// reached. Written when it answers (the runtime reconnects, then [`Desk::flush`]).
    Kept(String),
}

/// A desk opened later, from any thread, on the same store with the same settings: what a
/// reviewer that lost its server reconnects with.
pub struct DeskMaker {
    open: crate::domain::ports::Opener,
    like: Desk0,
}

/// A desk's settings without its store.
#[derive(Clone)]
struct Desk0 {
    funnel: Arc<Funnel>,
    auditor: String,
    fingerprint: String,
    clock: Option<NaiveDateTime>,
    today: Option<NaiveDateTime>,
    kept: Kept,
    lease: Option<Duration>,
    judged_cap: usize,
}

impl DeskMaker {
    /// A new desk on the store (a new connection to a server).
    pub fn open(&self) -> DeskResult<Desk> {
        Ok(Desk::with((self.open)()?, self.like.clone()))
    }
}

impl Desk {
    pub fn new(
        store: impl DeskStore + 'static,
        funnel: Arc<Funnel>,
        auditor: String,
        fingerprint: String,
        clock: Option<NaiveDateTime>,
    ) -> Desk {
        Desk::boxed(Box::new(store), funnel, auditor, fingerprint, clock)
    }

    fn boxed(
        store: Box<dyn DeskStore>,
        funnel: Arc<Funnel>,
        auditor: String,
        fingerprint: String,
        clock: Option<NaiveDateTime>,
    ) -> Desk {
        let like = Desk0 {
            funnel,
            auditor,
            fingerprint,
            clock,
            today: None,
            kept: Kept::default(),
            lease: None,
            judged_cap: JUDGED_CAP,
        };
        Desk::with(store, like)
    }

    /// A desk on `store` with the settings `like`: every desk is made here.
    fn with(store: Box<dyn DeskStore>, like: Desk0) -> Desk {
        // A failure leaves the backend's default wait, which is only slower.
        let _ = store.set_write_wait(WRITE_WAIT);
        Desk {
            remote: store.remote(),
            store: std::cell::RefCell::new(store),
            funnel: like.funnel,
            auditor: like.auditor,
            fingerprint: like.fingerprint,
            clock: like.clock,
            today: like.today,
            kept: like.kept,
            lease: like.lease,
            judged_cap: like.judged_cap,
        }
    }

    /// This desk's settings, for a twin or a maker of twins.
    fn settings(&self) -> Desk0 {
        Desk0 {
            funnel: self.funnel.clone(),
            auditor: self.auditor.clone(),
            fingerprint: self.fingerprint.clone(),
            clock: self.clock,
            today: self.today,
            kept: self.kept.clone(),
            lease: self.lease,
            judged_cap: self.judged_cap,
        }
    }

    /// A second desk on the same store with its own connection: the runtime's writer thread
    /// writes through it while the screen reads through this one.
    pub fn twin(&self) -> DeskResult<Desk> {
        let store = self.store.borrow_mut().reopen()?;
        Ok(Desk::with(store, self.settings()))
    }

    /// What opens more twins later, from another thread (see [`DeskMaker`]).
    pub fn maker(&self) -> DeskMaker {
        DeskMaker {
            open: self.store.borrow().opener(),
            like: self.settings(),
        }
    }

    /// The store is on another machine (see `Reopen::remote`).
    pub fn remote(&self) -> bool {
        self.remote
    }

    /// This desk taking its cards by claim, each held for `lease` while on screen: the queue of
    /// a store several auditors share (a server; a shared file with `--claim`).
    pub fn claiming(self, lease: Duration) -> Desk {
        Desk {
            lease: Some(lease),
            ..self
        }
    }

    /// This desk listing at most `cap` of her judged cards (tests: a cap a few cards reach).
    pub fn judged_cap(self, cap: usize) -> Desk {
        Desk {
            judged_cap: cap,
            ..self
        }
    }

    /// How long a claim holds a card; `None`: the desk lists the auditor's queue unclaimed.
    pub fn lease(&self) -> Option<Duration> {
        self.lease
    }

    /// The fingerprint of the funnel the session judges by (recorded with each verdict).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// A second handle that waits for others' writes (the live refresh; see `ports::Watch`).
    pub fn watch(&self) -> DeskResult<Box<dyn crate::domain::ports::Changes>> {
        self.store.borrow_mut().watch()
    }

    /// Her queue figures read whole in the background from now on, rather than on the next
    /// question that needs them ([`crate::domain::ports::Reopen::keep_figures_aside`]).
    pub fn keep_figures_aside(&self) -> DeskResult<()> {
        self.store.borrow().keep_figures_aside(&self.auditor)
    }

    /// Whether another handle wrote to the store since this desk last asked (the first time,
    /// and on a server: yes).
    pub fn others_committed(&self) -> DeskResult<bool> {
        self.store.borrow().others_committed()
    }

    /// This desk judging the cards as of `today` (the times it records stay the clock's).
    pub fn judging_as_of(self, today: NaiveDateTime) -> Desk {
        Desk {
            today: Some(today),
            ..self
        }
    }

    /// Work for a pause in the keys: the log of the verdicts written since is copied into the
    /// store now, so that no verdict's commit has to do it (SQLite does it on the commit that
    /// finds the log long, which would make that key slow). With nothing new in the log this
    /// reads its index and returns.
    pub fn idle(&self) -> DeskResult<()> {
        self.store.borrow_mut().idle()
    }

    /// The time okk records (verdicts, drafts, decisions).
    pub fn now(&self) -> NaiveDateTime {
        self.clock
            .unwrap_or_else(|| chrono::Local::now().naive_local())
    }

    /// The moment cards are judged against: idle days, "days ago", the stats' today.
    pub fn today(&self) -> NaiveDateTime {
        self.today.unwrap_or_else(|| self.now())
    }

    /// The funnel's stages in queue order (extra control first), then stages only the CRM
    /// knows; without counts (see [`Desk::counts`]).
    pub fn stages(&self) -> DeskResult<Vec<StageRow>> {
        let names = self.store.borrow_mut().crm_stage_names()?;
        let f = &self.funnel;
        let mut rows: Vec<StageRow> = f
            .queue_order()
            .into_iter()
            .map(|i| {
                let s = f.stage(i);
                StageRow {
                    name: s.name.clone(),
                    stage: Some(i),
                    crm_names: names
                        .iter()
                        .filter(|n| f.resolve(n) == Some(i))
                        .cloned()
                        .collect(),
                    closed_stage: s.kind != StageKind::Open,
                    extra_control: s.extra_control,
                    counts: QueueCounts::default(),
                }
            })
            .collect();
        let mut unknown: Vec<&String> = names.iter().filter(|n| f.resolve(n).is_none()).collect();
        unknown.sort();
        rows.extend(unknown.into_iter().map(|n| StageRow {
            name: n.clone(),
            stage: None,
            crm_names: vec![n.clone()],
            closed_stage: false,
            extra_control: false,
            counts: QueueCounts::default(),
        }));
        Ok(rows)
    }

    fn query<'a>(
        &'a self,
        row: &'a StageRow,
        now: NaiveDateTime,
        after: Option<&'a QueueKey>,
        filter: &'a QueueFilter,
        limit: usize,
        all: bool,
    ) -> QueueQuery<'a> {
        QueueQuery {
            crm_stages: &row.crm_names,
            auditor: &self.auditor,
            limit,
            all,
            closed_stage: row.closed_stage,
            now,
            after,
            text: filter.text.as_deref(),
            sources: filter.sources.as_deref(),
            with_calibration: after.is_none(),
            // Her reviewed cards come back under `t` and a filter: how she finds one to change.
            reviewed: all || filter.text.is_some() || filter.sources.is_some(),
        }
    }

    /// A queue filter as typed, read: its `source:NAME` words (`источник:` too) keep the cards
    /// of the sources whose name starts with NAME (case and ё/е do not matter); the rest is
    /// the text the card's id, title or owner must hold.
    fn read_filter(&self, filter: &str) -> DeskResult<QueueFilter> {
        let mut starts = Vec::new();
        let mut rest = Vec::new();
        for word in filter.split_whitespace() {
            match word.split_once(':') {
                Some((key, value)) if filter_keyword(key) == Some(FilterKey::Source) => {
                    starts.push(fold(value))
                }
                _ => rest.push(word),
            }
        }
        let needle = fold(&rest.join(" "));
        let sources = match starts.is_empty() {
            true => None,
            false => Some(
                (self.store.borrow().sources()?.into_iter())
                    .filter(|s| starts.iter().all(|p| fold(s).starts_with(p.as_str())))
                    .collect(),
            ),
        };
        Ok(QueueFilter {
            text: (!needle.is_empty()).then_some(needle),
            sources,
        })
    }

    pub fn counts(&self, row: &StageRow) -> DeskResult<QueueCounts> {
        self.counts_of(row, false)
    }

    /// Every row's figures ([`Desk::counts`] of each), read together.
    pub fn counts_all(&self, rows: &[StageRow]) -> DeskResult<Vec<QueueCounts>> {
        let now = self.today();
        let filter = QueueFilter::NONE;
        let qs: Vec<QueueQuery<'_>> = (rows.iter())
            .map(|row| self.query(row, now, None, &filter, 0, false))
            .collect();
        self.store.borrow_mut().queue_counts_many(&qs)
    }

    /// Of the cards a list shows (id, source, external id), those the store no longer holds.
    pub fn missing_cards(&self, listed: &[(CardId, String, String)]) -> DeskResult<Vec<CardId>> {
        let keys: Vec<crate::domain::queue::CardKey<'_>> = (listed.iter())
            .map(|(id, source, external_id)| crate::domain::queue::CardKey {
                id: *id,
                source,
                external_id,
            })
            .collect();
        self.store.borrow().missing_cards(&keys)
    }

    /// The stage's figures; `all`: closed and gone cards without flags counted too.
    pub fn counts_of(&self, row: &StageRow, all: bool) -> DeskResult<QueueCounts> {
        self.store.borrow_mut().queue_counts(&self.query(
            row,
            self.today(),
            None,
            &QueueFilter::NONE,
            0,
            all,
        ))
    }

    /// The next `limit` cards of the stage's queue after `after`, matching `filter` (any case)
    /// in id, title or owner; `all`: closed and gone cards without flags too.
    pub fn queue(
        &self,
        row: &StageRow,
        after: Option<&QueueKey>,
        filter: &str,
        limit: usize,
        all: bool,
    ) -> DeskResult<Vec<QueueEntry>> {
        let filter = self.read_filter(filter)?;
        if filter.none_match() {
            return Ok(Vec::new());
        }
        self.store
            .borrow_mut()
            .queue(&self.query(row, self.today(), after, &filter, limit, all))
    }

    /// Up to `n` cards of the stage handed to this auditor (their unexpired claims first,
    /// renewed), matching `filter`; see `QueueStore::claim`. Without a lease, nothing.
    pub fn claim(
        &self,
        row: &StageRow,
        filter: &str,
        n: usize,
        all: bool,
    ) -> DeskResult<Vec<QueueEntry>> {
        let Some(lease) = self.lease else {
            return Ok(Vec::new());
        };
        let filter = self.read_filter(filter)?;
        if filter.none_match() {
            return Ok(Vec::new());
        }
        let auditor = self.auditor.clone();
        let q = QueueQuery {
            crm_stages: &row.crm_names,
            auditor: &auditor,
            limit: n,
            all,
            closed_stage: row.closed_stage,
            now: self.today(),
            after: None,
            text: filter.text.as_deref(),
            sources: filter.sources.as_deref(),
            with_calibration: true,
            reviewed: false,
        };
        self.store.borrow_mut().claim(&q, n, lease)
    }

    /// The cards of the stage the lead sent back to this auditor that nobody else holds, held
    /// for them but those in `except` (see `QueueStore::claim_returned`). Without a lease,
    /// nothing.
    pub fn claim_returned(
        &self,
        row: &StageRow,
        all: bool,
        except: &[CardId],
    ) -> DeskResult<Vec<QueueEntry>> {
        let Some(lease) = self.lease else {
            return Ok(Vec::new());
        };
        let q = self.query(row, self.today(), None, &QueueFilter::NONE, 0, all);
        self.store.borrow_mut().claim_returned(&q, lease, except)
    }

    /// Up to [`JUDGED_CAP`] cards of the stage this auditor has judged, matching `filter`,
    /// with her verdicts, and how many more; see `QueueStore::judged`.
    pub fn judged(&self, row: &StageRow, filter: &str, all: bool) -> DeskResult<JudgedList> {
        self.listed(row, filter, all, |store, q| store.judged(q))
    }

    /// Up to [`JUDGED_CAP`] cards of the stage other auditors hold, matching `filter`, and
    /// how many more; see `QueueStore::held_by_others`.
    pub fn held_by_others(
        &self,
        row: &StageRow,
        filter: &str,
        all: bool,
    ) -> DeskResult<JudgedList> {
        self.listed(row, filter, all, |store, q| store.held_by_others(q))
    }

    /// Up to [`JUDGED_CAP`] cards that `read` finds from the reviews, matching `filter`.
    fn listed(
        &self,
        row: &StageRow,
        filter: &str,
        all: bool,
        read: impl FnOnce(&dyn DeskStore, &QueueQuery<'_>) -> DeskResult<JudgedList>,
    ) -> DeskResult<JudgedList> {
        let filter = self.read_filter(filter)?;
        if filter.none_match() {
            return Ok(JudgedList::default());
        }
        let q = self.query(row, self.today(), None, &filter, self.judged_cap, all);
        read(&**self.store.borrow(), &q)
    }

    /// Up to [`OTHERS_SHOWN`] cards of the stage matching `filter` that other auditors judged,
    /// with who; see `QueueStore::judged_by_others`.
    pub fn judged_by_others(
        &self,
        row: &StageRow,
        filter: &str,
        all: bool,
    ) -> DeskResult<Vec<crate::domain::queue::JudgedByOthers>> {
        let filter = self.read_filter(filter)?;
        if filter.none_match() {
            return Ok(Vec::new());
        }
        let q = self.query(row, self.today(), None, &filter, OTHERS_SHOWN, all);
        self.store.borrow().judged_by_others(&q)
    }

    /// The store holds cards of more than one source; see `QueueStore::several_sources`.
    pub fn several_sources(&self) -> DeskResult<bool> {
        self.store.borrow().several_sources()
    }

    /// How many cards a claim may still hand this auditor in the stage (their own claims among
    /// them), `except` the cards they gave back; see `QueueStore::claimable`. Without a lease,
    /// nothing to say.
    pub fn claimable(
        &self,
        row: &StageRow,
        all: bool,
        except: &[CardId],
    ) -> DeskResult<Option<u64>> {
        if self.lease.is_none() {
            return Ok(None);
        }
        let q = self.query(row, self.today(), None, &QueueFilter::NONE, 0, all);
        self.store.borrow().claimable(&q, except).map(Some)
    }

    /// Gives the auditor's claims on `cards` back (a skip, leaving the queue, quitting).
    pub fn release(&self, cards: &[CardId]) -> DeskResult<()> {
        for &card in cards {
            self.store.borrow_mut().release(card, &self.auditor)?;
        }
        Ok(())
    }

    /// Holds the auditor's claims on `cards` for another lease (the cards still on screen).
    pub fn renew(&self, cards: &[CardId]) -> DeskResult<()> {
        match self.lease {
            Some(lease) if !cards.is_empty() => {
                self.store.borrow_mut().renew(&self.auditor, cards, lease)
            }
            _ => Ok(()),
        }
    }

    pub fn card(&self, card_id: CardId) -> DeskResult<Option<CardDetail>> {
        self.store.borrow_mut().card_detail(card_id)
    }

    pub fn current_review(&self, card_id: CardId) -> DeskResult<Option<StoredReview>> {
        self.store
            .borrow_mut()
            .current_review(card_id, &self.auditor)
    }

    /// Other auditors' current reviews of the card, with the lead's word on each; see
    /// `ReviewStore::others_reviews`.
    pub fn others_reviews(
        &self,
        card_id: CardId,
    ) -> DeskResult<Vec<crate::domain::others_review::OthersReview>> {
        self.store.borrow().others_reviews(card_id, &self.auditor)
    }

    /// The cards this auditor left a draft on: the queue marks them.
    pub fn drafted(&self) -> DeskResult<Vec<CardId>> {
        self.store.borrow().drafted(&self.auditor)
    }

    pub fn draft(&self, card_id: CardId) -> DeskResult<Option<ReviewDraft>> {
        self.store.borrow_mut().draft(card_id, &self.auditor)
    }

    /// Every synced connection's pipelines and stages (none where cards come from files only):
    /// where a card's stage move lands in its CRM.
    pub fn crm_stages(&self) -> DeskResult<AccountStages> {
        let rows = crate::domain::ports::FunnelHistory::crm_stages(&**self.store.borrow())?;
        Ok(AccountStages::new(rows))
    }

    /// The owners the picker offers on a card of `source`: with cards of more than one
    /// source in the store, those its own cards name first, the others after (marked).
    pub fn owners(&self, source: &str) -> DeskResult<super::picker::Owners> {
        let store = self.store.borrow();
        let all = store.owners()?;
        if !store.several_sources()? {
            return Ok(super::picker::Owners {
                source: source.to_string(),
                own: all,
                others: Vec::new(),
            });
        }
        let own = store.owners_of(source)?;
        Ok(super::picker::Owners::split(source.to_string(), all, own))
    }

    /// Writes a verdict, waiting no longer than [`WRITE_WAIT`] for the store's write lock. When
    /// another process holds it, the verdict goes to the pending journal (durable before this
    /// returns) and [`Desk::retry`] writes it later: the screen never waits out an import. On a
    /// server the verdict is in the journal before anything is sent: a link that hangs or
    /// drops loses nothing, whatever becomes of this call.
    pub fn save(&mut self, card: &ReviewedCard, review: &Review) -> DeskResult<Saving> {
        let pending = self.pending_review(card, review);
        if self.remote {
            self.keep(&pending)?;
            return self.flush_to(&pending.id);
        }
        match self.write(&pending, Given::Now) {
            Ok(()) => Ok(Saving::Saved(pending.id)),
            Err(e) if e.is_busy() => {
                self.keep(&pending)?;
                Ok(self.not_yet(&e, &pending.id))
            }
            Err(e) => Err(e),
        }
    }

    /// Keeps a verdict in the pending journal only (the server cannot be reached): written
    /// when it answers ([`Desk::flush`]). Touches nothing but this machine's disk.
    pub fn keep_here(&self, card: &ReviewedCard, review: &Review) -> DeskResult<Saving> {
        let pending = self.pending_review(card, review);
        self.keep(&pending)?;
        Ok(Saving::Kept(pending.id))
    }

    fn pending_review(&self, card: &ReviewedCard, review: &Review) -> PendingReview {
        PendingReview {
            id: uuid::Uuid::new_v4().to_string(),
            card: card.clone(),
            review: review.clone(),
            auditor: self.auditor.clone(),
            funnel_fingerprint: self.fingerprint.clone(),
            now: self.now(),
            withdrawn_at: None,
        }
    }

    fn keep(&self, p: &PendingReview) -> DeskResult<()> {
        let file = self.store.borrow().keep_pending(p)?;
        self.kept.push(p.clone(), file);
        Ok(())
    }

    /// Why a verdict is not in the store yet: busy, or no connection.
    fn not_yet(&self, e: &StoreError, id: &str) -> Saving {
        match e.is_unreachable() {
            true => Saving::Kept(id.to_string()),
            false => Saving::Waiting(self.blocker()),
        }
    }

    /// Writes the kept verdicts, oldest first, until the store takes them all (`id`'s among
    /// them) or one cannot go in yet; a refusal of `id` takes it out of the journal (the card
    /// stays on screen with the error), a refusal of another stops here and keeps it. `id` is
    /// the verdict on screen, given now ([`Given::Now`]); those before it were said saved
    /// already ([`Given::Kept`]).
    fn flush_to(&mut self, id: &str) -> DeskResult<Saving> {
        loop {
            let Some(next) = self.kept.next() else {
                return Ok(Saving::Saved(id.to_string()));
            };
            let given = if next.id == id {
                Given::Now
            } else {
                Given::Kept
            };
            match self.write(&next, given) {
                Ok(()) => self.kept.written(&next),
                Err(e) if e.is_busy() => return Ok(self.not_yet(&e, id)),
                // An earlier verdict's card was pruned while it waited: no store takes it any
                // more, and it must not hold up the verdicts after it.
                Err(e) if e.is_card_gone() && next.id != id => self.kept.forget(&next.id),
                Err(e) => {
                    if next.id == id {
                        self.kept.forget(id);
                    }
                    return Err(e);
                }
            }
        }
    }

    /// Tries the verdicts kept in the journal again (the last of them is the one on screen);
    /// `None` when none waits.
    pub fn retry(&mut self) -> Option<DeskResult<Saving>> {
        let last = self.kept.last_verdict()?;
        Some(self.flush_to(&last))
    }

    /// Writes the verdicts kept in the journal (a reconnected reviewer), and the withdrawals
    /// of those taken back meanwhile: how many verdicts went in, or why the rest wait. Each
    /// was said saved when it was kept: it stands on the card as judged ([`Given::Kept`]).
    pub fn flush(&mut self) -> (usize, DeskResult<()>) {
        let mut written = 0;
        loop {
            let Some(next) = self.kept.next() else {
                return (written, Ok(()));
            };
            match self.write(&next, Given::Kept) {
                Ok(()) => {
                    self.kept.written(&next);
                    written += usize::from(next.withdrawn_at.is_none());
                }
                // Its card was pruned while the link was down: no store takes it any more.
                Err(e) if e.is_card_gone() => self.kept.forget(&next.id),
                Err(e) => return (written, Err(e)),
            }
        }
    }

    /// The id under which this verdict is kept in the journal, if it is (the newest such).
    pub fn kept_as(&self, card: &ReviewedCard, review: &Review) -> Option<String> {
        self.kept.kept_as(card, review)
    }

    /// The id of the newest verdict kept in the journal.
    pub fn last_kept(&self) -> Option<String> {
        self.kept.last_verdict()
    }

    /// The journal files of the verdicts kept and not yet in the store.
    pub fn pending(&self) -> Vec<PathBuf> {
        self.kept.files()
    }

    /// Writes a kept verdict; one taken back is written and withdrawn (see `tui::kept`). A
    /// busy store did not take it: marked so, an undo then simply drops it.
    fn write(&mut self, p: &PendingReview, given: Given) -> DeskResult<()> {
        let mut store = self.store.borrow_mut();
        let written = store
            .save_review(p, given)
            .and_then(|()| match p.withdrawn_at {
                Some(at) => taken_back(store.withdraw_review(&p.id, at)),
                None => Ok(()),
            });
        if let Err(e) = &written
            && e.is_busy()
            && !e.is_unreachable()
        {
            self.kept.not_taken(&p.id);
        }
        written
    }

    /// Undo of verdict `id` while the journal holds it (the server out of reach, or the store
    /// busy): taken back on this machine, durably (see [`Kept::take_back`]), never sent to
    /// the store as a verdict. `NotKept`: the store has it; its undo is the store's.
    pub fn take_back_kept(&self, id: &str) -> DeskResult<TakenBack> {
        let now = self.now();
        self.kept
            .take_back(id, now, |p| self.store.borrow().keep_pending(p))
    }

    /// What holds the store's write lock, as far as the store can tell.
    pub fn blocker(&self) -> Option<Writer> {
        self.store.borrow_mut().blocker()
    }

    pub fn withdraw(&mut self, id: &str) -> DeskResult<()> {
        let now = self.now();
        self.store.borrow_mut().withdraw_review(id, now)
    }

    /// Withdraws verdict `id` (undo) and, on a queue taken by claim, takes its card back for
    /// this auditor (`card`: the card the undo puts on screen again). The lease is taken
    /// before the withdrawal: while the verdict stands no claim hands the card out, so no
    /// other auditor can take it between the two. `Some(auditor)`: another auditor held the
    /// card already (their claim ran on while this one judged it); the verdict is withdrawn all
    /// the same and the card stays theirs.
    pub fn withdraw_taking_back(
        &mut self,
        id: &str,
        card: Option<CardId>,
    ) -> DeskResult<Option<String>> {
        // Still on this machine (kept while the link was lost, or the store busy): undone
        // here. The verdict did not end her claim (unless a server that never answered took
        // it after all), so the card is still hers.
        if self.take_back_kept(id)? != TakenBack::NotKept {
            return Ok(None);
        }
        let (Some(card), Some(lease)) = (card, self.lease) else {
            return self.withdraw(id).map(|()| None);
        };
        let auditor = self.auditor.clone();
        let held = self.store.borrow_mut().reclaim(card, &auditor, lease)?;
        match self.withdraw(id) {
            Ok(()) => Ok(match held {
                Reclaimed::Held => None,
                Reclaimed::HeldBy(other) => Some(other),
            }),
            Err(e) => {
                // The verdict stands: the card needs no claim (a failure here only leaves a
                // lease that runs out).
                if held == Reclaimed::Held {
                    let _ = self.store.borrow_mut().release(card, &auditor);
                }
                Err(e)
            }
        }
    }

    pub fn save_draft(&mut self, card_id: CardId, draft: &ReviewDraft) -> DeskResult<()> {
        let now = self.now();
        let auditor = self.auditor.clone();
        self.store
            .borrow_mut()
            .save_draft(card_id, &auditor, draft, now)
    }

    /// Everything `okk stats` computes, for the stats screen.
    /// A stage whose cards judged mostly predate the funnel version that changed which cards
    /// it holds is marked, as `okk stats` marks it.
    pub fn figures(&self) -> DeskResult<StatsFigures> {
        let mut f = self.store.borrow_mut().stats_figures(
            &self.funnel,
            self.today().date(),
            Window::default(),
        )?;
        f.note_make_up_changes_from(
            &self.funnel,
            &**self.store.borrow(),
            &crate::funnel_config::load_version,
        )?;
        Ok(f)
    }

    /// How well each custom field is kept per stage, for the stats screen's fields view.
    pub fn fill_rows(&self) -> DeskResult<Vec<crate::domain::fill::FillRow>> {
        self.store.borrow_mut().fill_rows(&self.funnel)
    }

    /// Reviews per day over the last `days` days to today.
    pub fn reviews_per_day(&self, days: u64) -> DeskResult<Vec<u64>> {
        let today = self.now().date();
        let first = today - chrono::Days::new(days.saturating_sub(1));
        self.store.borrow_mut().reviews_per_day(first, today)
    }

    /// Every current review for the lead; one made at a stage gone from the funnel since
    /// (removed, or merged into another) named as its funnel version named it.
    pub fn lead_rows(&self) -> DeskResult<Vec<LeadRow>> {
        let mut rows = self.store.borrow_mut().lead_rows()?;
        let past = self.past_funnels()?;
        for r in &mut rows {
            let gone = past.gone_stage(&self.funnel, &r.stage, r.funnel_fingerprint.as_deref());
            if let Some(stage) = gone {
                r.stage.clone_from(&stage.name);
                r.stage_gone = true;
            }
        }
        Ok(rows)
    }

    /// The funnel versions the store recorded, read.
    fn past_funnels(&self) -> DeskResult<crate::domain::past_checklist::PastFunnels> {
        let versions =
            crate::domain::ports::FunnelHistory::funnel_versions(&**self.store.borrow())?;
        Ok(crate::domain::past_checklist::PastFunnels::new(
            &self.funnel,
            (versions.iter())
                .filter_map(|v| Some((v.hash.clone(), crate::funnel_config::load_version(v)?)))
                .collect(),
        ))
    }

    /// Current reviews made at a stage the CRM named `name` (compared loosely): a stage no card
    /// is at may hold them.
    pub fn reviews_at(&self, name: &str) -> DeskResult<u64> {
        use crate::domain::names::fold;
        let key = fold(name);
        let stages = self.store.borrow().reviewed_stages()?;
        Ok(stages
            .iter()
            .filter(|(n, _)| fold(n) == key)
            .map(|(_, n)| n)
            .sum())
    }

    /// The checklist a review made at `stage` under the funnel version of `fingerprint`
    /// answered, where the funnel no longer has that stage there (removed, or merged into
    /// another since): as that version had it, else as the latest version with the stage had
    /// it. `None` where the funnel's stage of that name is the one, or no version had it.
    pub fn past_checklist(
        &self,
        stage: &str,
        fingerprint: Option<&str>,
    ) -> DeskResult<Option<Vec<crate::domain::funnel::ChecklistItem>>> {
        if self.funnel.resolve(stage).is_some() && fingerprint.is_none() {
            return Ok(None);
        }
        let past = self.past_funnels()?;
        Ok((past.gone_stage(&self.funnel, stage, fingerprint)).map(|s| s.checklist.clone()))
    }

    /// `auditor`'s current review of a card (the lead looks at someone else's).
    pub fn review_of(&self, card_id: CardId, auditor: &str) -> DeskResult<Option<StoredReview>> {
        self.store.borrow_mut().current_review(card_id, auditor)
    }

    pub fn latest_decision(
        &self,
        review_id: &str,
    ) -> DeskResult<Option<crate::domain::decision::LeadDecision>> {
        self.store.borrow_mut().latest_decision(review_id)
    }

    /// A review's standing decision and the decision that settles its card (`card`).
    pub fn standing(
        &self,
        review_id: &str,
        card: &crate::domain::calibration::CardKey,
    ) -> DeskResult<Standing> {
        let store = self.store.borrow();
        Ok(Standing {
            decision: store.latest_decision(review_id)?,
            settled: store.settled(&card.0, &card.1)?,
        })
    }

    /// Records a decision by this desk's person (the lead).
    pub fn decide(
        &mut self,
        review_id: &str,
        decision: &crate::domain::decision::Decision,
    ) -> DeskResult<String> {
        let now = self.now();
        let lead = self.auditor.clone();
        self.store
            .borrow_mut()
            .decide(review_id, &lead, decision, now)
    }

    /// [`Desk::decide`] on the card the lead's screen drew with digest `seen`: refused
    /// ([`crate::domain::store_error::StoreError::CardChanged`]) when the card changed since.
    pub fn decide_as_seen(
        &mut self,
        review_id: &str,
        decision: &crate::domain::decision::Decision,
        seen: i64,
    ) -> DeskResult<String> {
        let now = self.now();
        let lead = self.auditor.clone();
        self.store
            .borrow_mut()
            .decide_as_seen(review_id, &lead, decision, seen, now)
    }

    pub fn withdraw_decision(&mut self, id: &str) -> DeskResult<()> {
        let now = self.now();
        self.store.borrow_mut().withdraw_decision(id, now)
    }
}
