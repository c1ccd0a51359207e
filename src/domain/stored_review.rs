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
    /// The card's content digest: a later sync that changes the card puts it back in the queue.
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

/// Who writes the review, against which funnel, when.
pub struct Stamp<'a> {
    pub auditor: &'a str,
    pub funnel_fingerprint: &'a str,
    pub now: NaiveDateTime,
}
