//! A review as it goes into the store and comes back: the card it is about (`ReviewedCard`), who
//! wrote it and when (`Stamp`), and an auditor's current review as stored (`StoredReview`).

use chrono::NaiveDateTime;

use super::as_judged::AsJudged;
use super::ids::CardId;
use super::review::{ReviewDraft, Verdict};

/// The card a review is about, as the store knows it at review time.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReviewedCard {
    pub card_id: CardId,
    pub source: String,
    pub external_id: String,
    /// The card's stage as the CRM names it.
    pub stage: String,
    /// The card's content digest as it was read (on screen): a verdict given now on another
    /// digest than the store's is refused ([`Given::Now`]); a later sync that changes the card
    /// puts it back in the queue.
    pub hash: i64,
    /// The card as judged, to tell later what a sync changed (none in a journal an older okk
    /// wrote).
    #[serde(default)]
    pub as_judged: Option<AsJudged>,
}

impl From<&super::card_detail::CardDetail> for ReviewedCard {
    /// The card on screen, as a verdict names it.
    fn from(d: &super::card_detail::CardDetail) -> ReviewedCard {
        ReviewedCard {
            card_id: d.card_id,
            source: d.card.source.clone(),
            external_id: d.card.external_id.clone(),
            stage: d.card.stage.clone(),
            hash: d.hash,
            as_judged: Some(AsJudged::of_carried(&d.card, d.carried.as_ref())),
        }
    }
}

/// Whether a card changed since a review of it, from the card's digest the review kept
/// (`judged`; a review okk made before it kept one has none) and the card's digest now (`now`;
/// none while the review waits for its card): `None` when either is unknown. The one rule
/// behind the ↻ mark of the queue, the card's and the lead's screens and the reviews export's
/// «card changed» column.
pub fn card_changed(judged: Option<i64>, now: Option<i64>) -> Option<bool> {
    Some(judged? != now?)
}

/// [`card_changed`] as a mark: shown only when the card is known to have changed.
pub fn changed_since(judged: Option<i64>, now: i64) -> bool {
    card_changed(judged, Some(now)) == Some(true)
}

/// An auditor's current review of a card, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredReview {
    pub id: String,
    pub verdict: Verdict,
    pub draft: ReviewDraft,
    pub score: Option<f64>,
    /// The card's stage as the CRM named it when judged: a sync may have moved it since.
    pub stage: String,
    pub card_hash: Option<i64>,
    /// The card as judged; `None` for a review made before okk kept it.
    pub as_judged: Option<AsJudged>,
    pub created_at: NaiveDateTime,
}

/// How a verdict comes to the store, which says what it is weighed against there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// At its auditor's key, on the card on screen: refused when the store no longer holds
    /// the card ([`super::store_error::StoreError::CardGone`]) or holds it changed since the
    /// screen read it, its digest not the verdict's
    /// ([`super::store_error::StoreError::CardChanged`]): no verdict is taken on content the
    /// card no longer has. Nothing was said saved yet; the reviewer shows the card again.
    Now,
    /// Said saved to its auditor before (kept in the pending journal while the server was out
    /// of reach) and written by her reviewer now: taken on the card as judged however an
    /// import changed it since (it comes back to her marked ↻), refused only on a card gone.
    Kept,
    /// Late: replayed from the journal after its reviewer was gone. Not refused: on a card
    /// gone it waits by the card's key; it replaces only the reviews made before it and leaves
    /// the drafts (a draft there now is for a later verdict).
    Late,
}

impl Given {
    /// Replayed after its reviewer was gone ([`Given::Late`]).
    pub fn late(self) -> bool {
        self == Given::Late
    }
}

/// Who writes the review, against which funnel, when.
pub struct Stamp<'a> {
    pub auditor: &'a str,
    pub funnel_fingerprint: &'a str,
    pub now: NaiveDateTime,
}
