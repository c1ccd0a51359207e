//! The queue port: a stage's cards to review, a page at a time, and its figures.

use std::time::Duration;

use super::StoreResult;
use crate::domain::ids::CardId;
use crate::domain::queue::{
    CardKey, JudgedByOthers, JudgedList, QueueCounts, QueueEntry, QueueQuery, Reclaimed,
};

pub trait QueueStore {
    /// Distinct stage names as the CRM wrote them, sorted.
    fn crm_stage_names(&self) -> StoreResult<Vec<String>>;

    /// The stage names current reviews were made at (as the CRM named them then), each with
    /// how many, sorted: a stage no card is at now may still hold reviews.
    fn reviewed_stages(&self) -> StoreResult<Vec<(String, u64)>>;

    /// Up to `q.limit` cards the auditor has still to review, in queue order: the auditor's
    /// pending calibration cards (first page only), then flagged cards (most severe, then most
    /// flags), then the longest idle, then by external id. A page continues after `q.after`;
    /// paging through a queue no one changes lists every card once.
    fn queue(&self, q: &QueueQuery<'_>) -> StoreResult<Vec<QueueEntry>>;

    /// The queue's cards `q.auditor` has judged (a current verdict of hers, the card unchanged
    /// since and not sent back), each with `my_verdict`, in queue order, matching `q.text` and
    /// kept as `q.all` keeps cards; up to `q.limit`, and how many more the query keeps (the
    /// bound holds the list's memory; the count says what it left out). Found from her
    /// reviews, not the stage's cards: a queue shared by claim lists them under `t` and a
    /// filter (hers, never handed out), so that she can open one and change her verdict.
    fn judged(&self, q: &QueueQuery<'_>) -> StoreResult<JudgedList>;

    /// The queue's cards another auditor holds (their current review judged the card as it is
    /// now, or the lead sent it back to them; not hers: see `QueueQuery::reviewed`), each
    /// marked `judged_by_other`, in queue order, matching the filter and kept as `q.all` keeps
    /// cards; up to `q.limit`, and how many more. Found from the reviews, not the stage's
    /// cards: a queue shared by claim lists them under `t`, after her judged ones, as a queue
    /// read whole does (no claim hands them out).
    fn held_by_others(&self, q: &QueueQuery<'_>) -> StoreResult<JudgedList>;

    /// The queue's cards matching `q.text` (and `q.sources`) that auditors other than
    /// `q.auditor` have a current review of, with who, in external id order: up to `q.limit`
    /// cards. A filter that lists nothing to her says whose the card she looked for is.
    fn judged_by_others(&self, q: &QueueQuery<'_>) -> StoreResult<Vec<JudgedByOthers>>;

    /// The store holds cards of more than one source (two CRM connections may share ids: a
    /// list then names each card's source).
    fn several_sources(&self) -> StoreResult<bool>;

    /// Every source the store holds cards of, each once (a queue filter's `source:` names them).
    fn sources(&self) -> StoreResult<Vec<String>>;

    /// Of `cards`, those the store no longer holds under that id and key (`okk db prune` took
    /// them out; a store file may since have given the id to another card): an open list
    /// drops them, and a card on screen says it was removed. In the order given.
    fn missing_cards(&self, cards: &[CardKey<'_>]) -> StoreResult<Vec<CardId>>;

    /// The queue's figures for the auditor; `cards - reviewed` is what the pages list.
    fn queue_counts(&self, q: &QueueQuery<'_>) -> StoreResult<QueueCounts>;

    /// [`QueueStore::queue_counts`] of each query (one auditor's, as the funnel screen asks
    /// for every stage at once), in order: what a store can read once for all, it does.
    fn queue_counts_many(&self, qs: &[QueueQuery<'_>]) -> StoreResult<Vec<QueueCounts>>;

    /// The hand-out of a queue shared by several auditors: up to `n` cards for `q.auditor`,
    /// each held for them alone for `lease` (from the store's clock, never `q.now`). Their
    /// unexpired claims on the cards `q` keeps come first, in queue order (held `lease` more,
    /// or as long as they were held when that is longer: a claim never shortens a lease), then
    /// the cards the lead sent back to them (see [`QueueStore::claim_returned`]), then the
    /// calibration cards they have still to judge (never held: every listed auditor judges
    /// them), then the next cards of the queue that nobody holds, nobody has judged as they
    /// are now and that were not sent back to another auditor (a card sent back is its
    /// auditor's alone until their new verdict or the lead's next decision answers the
    /// return). A claim holds only what it hands out: their claims on the cards `q` keeps
    /// that it does not return (beyond `n`) are given back, and their claims outside `q`
    /// (another stage, a card its filter leaves out) are left as they are, neither renewed nor
    /// given back. Two auditors claiming at the same time never get one card; an expired claim
    /// is back in the queue. A verdict ends the auditor's claim on its card.
    fn claim(
        &mut self,
        q: &QueueQuery<'_>,
        n: usize,
        lease: Duration,
    ) -> StoreResult<Vec<QueueEntry>>;

    /// The queue's cards the lead sent back to `q.auditor` (their review's return is open)
    /// that no other auditor holds, each held for them for `lease`, in queue order, with the
    /// lead's note: what a claim hands them first, asked alone when others wrote (the lead
    /// returned a card while their queue is open). Cards in `except` (those they gave back
    /// this session) are neither held nor listed.
    fn claim_returned(
        &mut self,
        q: &QueueQuery<'_>,
        lease: Duration,
        except: &[crate::domain::ids::CardId],
    ) -> StoreResult<Vec<QueueEntry>>;

    /// How many cards a claim may still hand `q.auditor` (the `N` a shared queue counts to):
    /// the queue's cards that nobody else holds, nobody has judged as they are now and that
    /// were not sent back to another auditor, their own claims, the cards sent back to them
    /// and the calibration cards they have still to judge among them, `except` (the cards they
    /// gave back, never handed to them again) aside. Counted as [`QueueStore::queue_counts`]
    /// counts, `q.text` aside.
    fn claimable(&self, q: &QueueQuery<'_>, except: &[CardId]) -> StoreResult<u64>;

    /// Gives the auditor's claim on a card back (a skip, a quit): it is free at once.
    fn release(&mut self, card: CardId, auditor: &str) -> StoreResult<()>;

    /// Gives back every claim of the auditor on the cards of `crm_stages` (`None`: of every
    /// stage): they are free at once. How many were held (unexpired) until then.
    fn release_claims(&mut self, auditor: &str, crm_stages: Option<&[String]>) -> StoreResult<u64>;

    /// Holds the auditor's unexpired claims on `cards` for `lease` from now (the card on
    /// screen), or longer when they were held longer.
    fn renew(&mut self, auditor: &str, cards: &[CardId], lease: Duration) -> StoreResult<()>;

    /// Takes a card back for the auditor (the card an undo puts on screen again): leased to
    /// them for `lease` from now (their own claim held longer), unless another auditor holds
    /// an unexpired claim on it; then nothing is written and that auditor is named. Unlike a
    /// claim it asks nothing of the card (judged or not, in which stage): the caller knows
    /// the card is the auditor's to look at.
    fn reclaim(&mut self, card: CardId, auditor: &str, lease: Duration) -> StoreResult<Reclaimed>;
}
