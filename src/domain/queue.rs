//! A stage's review queue as the store hands it out: the question (`QueueQuery`), a page's rows
//! (`QueueEntry`), the key a page continues from (`QueueKey`) and the stage's figures.

use chrono::NaiveDateTime;

use super::ids::CardId;

/// A card's place in the queue order; the next page starts after it. Opaque to callers: only
/// the store that handed it out reads it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueKey {
    pub flag_rank: i64,
    pub flag_count: i64,
    /// The card's last activity in the store's own spelling (compared in the index's order).
    pub touched_at: Option<String>,
    pub external_id: String,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct QueueEntry {
    #[serde(skip)]
    pub card_id: CardId,
    pub id: String,
    /// Where the card came from (an import's source, a CRM connection's name): two sources may
    /// share ids, so the id alone does not tell their cards apart.
    pub source: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub flags: Vec<String>,
    pub idle_days: Option<i64>,
    /// The auditor reviewed the card, and a later sync changed it.
    pub changed_since_review: bool,
    /// The team lead sent the auditor's review back, with this note.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned: Option<String>,
    /// In a calibration the auditor has still to judge, or to judge again (such cards come
    /// first: `judge_again`).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub calibration: bool,
    /// The auditor's current verdict on the card, unchanged since and not sent back: listed
    /// only when the query asks for `reviewed` cards.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub my_verdict: Option<super::review::Verdict>,
    /// Another auditor holds a current review of the card (see [`QueueQuery::reviewed`]) and
    /// it is not hers to judge: listed only when the query asks for `reviewed` cards.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub judged_by_other: bool,
    #[serde(skip)]
    pub key: QueueKey,
}

/// A card as a list shows it: the store's id and the key (source, external id) it had then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardKey<'a> {
    pub id: CardId,
    pub source: &'a str,
    pub external_id: &'a str,
}

impl QueueEntry {
    /// The card as this entry lists it.
    pub fn card_key(&self) -> CardKey<'_> {
        CardKey {
            id: self.card_id,
            source: &self.source,
            external_id: &self.id,
        }
    }
}

pub struct QueueQuery<'a> {
    /// The stage's names as the CRM writes them (a funnel stage and its aliases).
    pub crm_stages: &'a [String],
    pub auditor: &'a str,
    pub limit: usize,
    /// Also gone and closed cards without flags (a flagged card is always in its queue).
    pub all: bool,
    /// Closed cards belong in the queue of a won or lost stage.
    pub closed_stage: bool,
    /// Idle days are counted to this moment's day, in calendar days as the `idle` rule and the
    /// card count them.
    pub now: NaiveDateTime,
    /// Start after this card (the last of the previous page).
    pub after: Option<&'a QueueKey>,
    /// Only cards whose id, title or owner contains this (already folded: `names::fold`).
    pub text: Option<&'a str>,
    /// Only cards of these sources (a filter's `source:NAME`: the sources whose name starts
    /// with it); `None`: every source.
    pub sources: Option<&'a [String]>,
    /// Put the auditor's pending calibration cards first (the first page of a queue).
    pub with_calibration: bool,
    /// Also the cards the auditor reviewed and nothing changed since (else they leave her
    /// queue), with her verdict: how she finds one again to change it; and the cards another
    /// auditor holds (else they leave it too, as no claim hands them out: `judged_by_other`).
    /// A card another auditor holds is one they have a current review of that judged it as it
    /// is now and was not sent back, or that the lead sent back to them (theirs to answer),
    /// unless it is hers: she judged it as it is now, the lead sent her own review back, or
    /// an open calibration asks her to judge it (every listed auditor judges those).
    pub reviewed: bool,
}

/// A card's idle days as the store counted them (the day judged less the day of its last
/// activity): a card active after the day judged (an export newer than `--today`) is 0 days
/// idle, as the `idle` rule, the card and the stats count it, never a negative figure.
pub fn idle_days(counted: Option<i64>) -> Option<i64> {
    counted.map(|d| d.max(0))
}

/// What came of taking a card back for an auditor (`QueueStore::reclaim`, an undo).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reclaimed {
    /// The card is the auditor's, for the lease asked.
    Held,
    /// Another auditor holds an unexpired claim on it (named): theirs until it runs out.
    HeldBy(String),
}

/// The cards an auditor judged that a queue lists (`QueueStore::judged`): up to the query's
/// limit, and how many more the same query keeps (a list too long to read whole says so, and
/// that a filter narrows it).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JudgedList {
    pub entries: Vec<QueueEntry>,
    /// Her judged cards the query keeps beyond its limit: not listed.
    pub unlisted: u64,
}

/// A card of the queue that other auditors judged (`QueueStore::judged_by_others`): a filter
/// that finds it lists nothing to the auditor asking, and says whose it is instead.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JudgedByOthers {
    pub external_id: String,
    /// Who judged it, each once, sorted.
    pub auditors: Vec<String>,
}

/// Rows of `(external_id, auditor)` in card order, as the stores read them, gathered per card:
/// at most `limit` cards.
pub fn judged_by_others(rows: Vec<(String, String)>, limit: usize) -> Vec<JudgedByOthers> {
    let mut out: Vec<JudgedByOthers> = Vec::new();
    for (external_id, auditor) in rows {
        if let Some(last) = out.last_mut()
            && last.external_id == external_id
        {
            if !last.auditors.contains(&auditor) {
                last.auditors.push(auditor);
            }
            continue;
        }
        if out.len() == limit {
            break;
        }
        out.push(JudgedByOthers {
            external_id,
            auditors: vec![auditor],
        });
    }
    out
}

/// A stage's queue in figures: `reviewed + others + to_review = cards`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    pub cards: u64,
    pub flagged: u64,
    /// Cards the auditor has a current review of, unchanged since and not sent back.
    pub reviewed: u64,
    /// Cards another auditor holds and the auditor has not judged ([`QueueQuery::reviewed`]):
    /// not hers to review, as no claim hands them to her.
    pub others: u64,
}

impl QueueCounts {
    /// The cards left for her: what her queue lists, the reviewed and the others' aside.
    pub fn to_review(&self) -> u64 {
        self.cards.saturating_sub(self.reviewed + self.others)
    }
}
