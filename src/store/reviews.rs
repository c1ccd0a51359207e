//! Reviews and their drafts: each verdict is one durable transaction, written before the next
//! card is shown; undo withdraws a review (never deletes it) and restores the one it replaced.

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::cards::{fmt_time, time_at};
use super::{Store, StoreError};
use crate::domain::review::{Review, ReviewDraft, Verdict};
use crate::domain::withdrawal::Withdrawal;

pub use crate::domain::stored_review::{Given, ReviewedCard, Stamp, StoredReview};

const CURRENT: &str = "superseded_by IS NULL AND withdrawn_at IS NULL";

impl Store {
    /// Writes `review` of `card` and makes it the auditor's current review of the card (the
    /// previous one, if any, is superseded, not deleted); the card's draft goes. One
    /// transaction, committed durably (WAL, synchronous=FULL) before this returns. Given now
    /// ([`Given::Now`]): refused on a card the store no longer holds or holds changed.
    pub fn save_review(
        &mut self,
        card: &ReviewedCard,
        review: &Review,
        stamp: &Stamp<'_>,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        self.save_review_as(&id, card, review, stamp, Given::Now)?;
        Ok(id)
    }

    /// [`Store::save_review`] under a given id, at most once: a review already stored under
    /// `id` is left as it is (a verdict kept in the pending journal may be written by its own
    /// reviewer and by a replay). `given` says what it is weighed against ([`Given`]): a late
    /// review (replayed from the journal after the fact) replaces only reviews made before it,
    /// so a verdict given since stays current.
    pub fn save_review_as(
        &mut self,
        id: &str,
        card: &ReviewedCard,
        review: &Review,
        stamp: &Stamp<'_>,
        given: Given,
    ) -> Result<(), StoreError> {
        let late = given.late();
        let before = self.conn.total_changes();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let stored: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM reviews WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        if stored {
            return Ok(());
        }
        // The card as the store holds it now, by its id and its key both: a card taken out of
        // the store (`okk db prune`) while its auditor judged it may have left its id to a card
        // an import brought since (a store file reuses the highest id), and the verdict must
        // not land on that one. Without the card a verdict given now is refused (the reviewer
        // says the card was removed and moves on); a late one, replayed from the journal after
        // its reviewer was gone, was acknowledged before the prune, and waits by the card's key
        // as one made on another laptop does (an import that brings the card again attaches
        // it; until then no figure counts it).
        let held: Option<(i64, i64)> = tx
            .query_row(
                "SELECT id, content_hash FROM cards
                 WHERE id = ?1 AND source = ?2 AND external_id = ?3",
                params![card.card_id.0, card.source, card.external_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if held.is_none() && !late {
            return Err(StoreError::CardGone {
                external_id: Some(card.external_id.clone()),
            });
        }
        // Given now, the verdict is on the card its auditor saw: an import that changed the
        // card since the screen read it (the same transaction's lock keeps it as read here)
        // would leave a verdict on content the card no longer has, refused; her reviewer shows
        // the card as it is. One said saved before (kept, late) stands on the card as judged.
        if let Some((_, now)) = held
            && given == Given::Now
            && now != card.hash
        {
            return Err(StoreError::CardChanged {
                external_id: card.external_id.clone(),
            });
        }
        let held = held.map(|(id, _)| id);
        let supersedes = superseded(&tx, card, stamp, late)?;
        insert_review(&tx, id, held, card, review, stamp, supersedes)?;
        settle_current(&tx, &card.source, &card.external_id, stamp.auditor)?;
        if let Some(held) = held {
            // A late review's draft is long gone; a draft there now is for a later verdict.
            if !late {
                tx.execute(
                    "DELETE FROM drafts WHERE card_id = ?1 AND auditor = ?2",
                    params![held, stamp.auditor],
                )?;
            }
            // Judged: the auditor's claim on the card (a shared queue's hand-out) ends.
            tx.execute(
                "DELETE FROM leases WHERE card_id = ?1 AND auditor = ?2",
                params![held, stamp.auditor],
            )?;
        }
        let touched = cards_of(&tx, &card.source, &card.external_id, stamp.auditor)?;
        tx.commit()?;
        // Her verdict changes her figures on this card alone (under every id her reviews of
        // it name).
        self.own_write(before, &touched);
        Ok(())
    }

    /// Withdraws review `id` (undo): it stays in the store, marked withdrawn, and the review it
    /// replaced, if any, is current again. A review the lead has decided on is not withdrawn
    /// ([`StoreError::Decided`]).
    pub fn withdraw_review(&mut self, id: &str, now: NaiveDateTime) -> Result<(), StoreError> {
        let before = self.conn.total_changes();
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let standing: Option<(String, String)> = tx
            .query_row(STANDING_DECISION, [id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some(refused) = decided(standing) {
            return Err(refused);
        }
        // Weighed as a bundle's undo is: one the lead's decision keeps out (taken back only
        // after it) gives way to this one.
        let undo = Withdrawal {
            at: fmt_time(&now),
            signature: None,
        };
        super::withdrawals::reweigh_and_settle(&tx, id, &[undo])?;
        let key: Option<(String, String, String)> = tx
            .query_row(
                "SELECT card_source, card_external_id, auditor FROM reviews WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let touched = match key {
            Some((source, external_id, auditor)) => cards_of(&tx, &source, &external_id, &auditor)?,
            None => Vec::new(),
        };
        tx.commit()?;
        // Her review taken back changes her figures on its card alone.
        self.own_write(before, &touched);
        Ok(())
    }

    /// The auditor's current review of the card, if any.
    pub fn current_review(
        &self,
        card_id: i64,
        auditor: &str,
    ) -> Result<Option<StoredReview>, StoreError> {
        // A store read as it is may be older than the column.
        let judged = if self.schema_version()? >= super::schema::JUDGED_FROM {
            "judged"
        } else {
            "NULL"
        };
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, verdict, checklist, score, suggested_stage, suggested_owner, corrections,
                    comment, card_hash, created_at, stage, {judged}
             FROM reviews WHERE card_id = ?1 AND auditor = ?2 AND {CURRENT}
             ORDER BY created_at DESC LIMIT 1"
        ))?;
        let found = stmt
            .query_row(params![card_id, auditor], |r| {
                let judged: Option<String> = r.get(11)?;
                Ok((
                    StoredReview {
                        id: r.get(0)?,
                        verdict: Verdict::from_name(&r.get::<_, String>(1)?)
                            .unwrap_or(Verdict::Unclear),
                        draft: ReviewDraft::from_stored(
                            r.get(7)?,
                            &r.get::<_, String>(2)?,
                            r.get(4)?,
                            r.get(5)?,
                            &r.get::<_, String>(6)?,
                        ),
                        score: r.get(3)?,
                        stage: r.get(10)?,
                        card_hash: r.get(8)?,
                        as_judged: None,
                        created_at: time_at(r, 9)?,
                    },
                    judged,
                ))
            })
            .optional()?;
        let Some((mut review, judged)) = found else {
            return Ok(None);
        };
        if let Some(text) = judged {
            review.as_judged = super::as_judged::decode(&text, &self.field_names()?);
        }
        Ok(Some(review))
    }

    /// Keeps the review being built on the card (answers, suggestions, corrections, comment),
    /// so that leaving the card or a crash loses nothing; an empty one removes the draft.
    pub fn save_draft(
        &mut self,
        card_id: i64,
        auditor: &str,
        draft: &ReviewDraft,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let before = self.conn.total_changes();
        self.write_draft(card_id, auditor, draft, now)?;
        // A draft is no figure.
        self.own_write(before, &[]);
        Ok(())
    }

    fn write_draft(
        &mut self,
        card_id: i64,
        auditor: &str,
        draft: &ReviewDraft,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        if draft.is_empty() {
            self.conn.execute(
                "DELETE FROM drafts WHERE card_id = ?1 AND auditor = ?2",
                params![card_id, auditor],
            )?;
        } else {
            let checklist = serde_json::to_string(&draft.answers).expect("answers serialise");
            let corrections =
                serde_json::to_string(&draft.corrections).expect("corrections serialise");
            // Only on a card the store holds, in the statement that writes it: a card a prune
            // took out a moment ago is refused in words, not by the foreign key.
            let written = self.conn.execute(
                "INSERT INTO drafts (card_id, auditor, comment, checklist, suggested_stage,
                     suggested_owner, corrections, updated_at)
                 SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8
                 WHERE EXISTS (SELECT 1 FROM cards WHERE id = ?1)
                 ON CONFLICT (card_id, auditor) DO UPDATE
                 SET comment = excluded.comment, checklist = excluded.checklist,
                     suggested_stage = excluded.suggested_stage,
                     suggested_owner = excluded.suggested_owner,
                     corrections = excluded.corrections, updated_at = excluded.updated_at",
                params![
                    card_id,
                    auditor,
                    draft.comment,
                    checklist,
                    draft.suggested_stage,
                    draft.suggested_owner,
                    corrections,
                    fmt_time(&now)
                ],
            )?;
            if written == 0 {
                return Err(StoreError::CardGone { external_id: None });
            }
        }
        Ok(())
    }

    /// The review the auditor left unjudged on the card, if any.
    pub fn draft(&self, card_id: i64, auditor: &str) -> Result<Option<ReviewDraft>, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT comment, checklist, suggested_stage, suggested_owner, corrections
                 FROM drafts WHERE card_id = ?1 AND auditor = ?2",
            )?
            .query_row(params![card_id, auditor], |r| {
                Ok(ReviewDraft::from_stored(
                    r.get(0)?,
                    &r.get::<_, String>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    &r.get::<_, String>(4)?,
                ))
            })
            .optional()?)
    }

    /// The cards the auditor left a draft on (the drafts table holds no more than the cards
    /// begun and left: no card is read).
    pub fn drafted(&self, auditor: &str) -> Result<Vec<i64>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT card_id FROM drafts WHERE auditor = ?1")?;
        let ids = stmt.query_map(params![auditor], |r| r.get(0))?;
        Ok(ids.collect::<Result<_, _>>()?)
    }

    /// Every owner the cards name, sorted: the owner picker's list. From the summary the rules
    /// run keeps, else (an import came since, or no card has an owner) from the cards, which
    /// reads all of them.
    pub fn owners(&self) -> Result<Vec<String>, StoreError> {
        let mut kept = self.conn.prepare_cached(&format!(
            "SELECT name FROM owners
             WHERE EXISTS (SELECT 1 FROM meta WHERE key = '{}') ORDER BY name",
            super::schema::SUMMARIES_KEY
        ))?;
        let owners: Vec<String> = kept
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if !owners.is_empty() {
            return Ok(owners);
        }
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT owner FROM cards WHERE owner IS NOT NULL AND owner <> ''
             ORDER BY owner",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The owners the cards of `source` name, sorted (the cards' unique index holds the
    /// source's cards together: only they are read).
    pub fn owners_of(&self, source: &str) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT DISTINCT owner FROM cards
             WHERE source = ?1 AND owner IS NOT NULL AND owner <> '' ORDER BY owner",
        )?;
        let rows = stmt.query_map([source], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// Decides which of an auditor's reviews of a card is current, from facts that never change
/// once written (which review each one replaced, which were withdrawn), and stores the answer
/// in `superseded_by`. A review is replaced when a review not withdrawn descends from it
/// through `supersedes` links (withdrawn links included: undoing the middle of three keeps the
/// last). Of the reviews nothing replaced, the latest (then the greatest id) is current; two
/// laptops that each judged the card leave two such heads, and the later one wins.
pub(crate) fn settle_current(
    tx: &rusqlite::Transaction<'_>,
    source: &str,
    external_id: &str,
    auditor: &str,
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT id, supersedes, withdrawn_at IS NOT NULL, created_at FROM reviews
         WHERE card_source = ?1 AND card_external_id = ?2 AND auditor = ?3",
    )?;
    let rows: Vec<(String, Option<String>, bool, String)> = stmt
        .query_map(params![source, external_id, auditor], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<Result<_, _>>()?;
    let mut set = tx.prepare_cached("UPDATE reviews SET superseded_by = ?2 WHERE id = ?1")?;
    for (id, by) in superseded_by(&rows) {
        set.execute(params![id, by])?;
    }
    Ok(())
}

/// The cards (ids) the auditor's reviews of a card's key name: what her write on it may change
/// in the figures.
fn cards_of(
    tx: &rusqlite::Transaction<'_>,
    source: &str,
    external_id: &str,
    auditor: &str,
) -> Result<Vec<i64>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT DISTINCT card_id FROM reviews
         WHERE card_source = ?1 AND card_external_id = ?2 AND auditor = ?3
           AND card_id IS NOT NULL",
    )?;
    let ids = stmt.query_map(params![source, external_id, auditor], |r| r.get(0))?;
    Ok(ids.collect::<Result<_, _>>()?)
}

/// [`settle_current`]'s decision, for any backend: each review of one auditor's card (id, the
/// review it replaced, withdrawn, created at) with the current review it is superseded by, if
/// any.
pub(crate) fn superseded_by(
    rows: &[(String, Option<String>, bool, String)],
) -> Vec<(&str, Option<&str>)> {
    use std::collections::{HashMap, HashSet};
    let parent: HashMap<&str, &str> = rows
        .iter()
        .filter_map(|(id, sup, ..)| sup.as_deref().map(|s| (id.as_str(), s)))
        .collect();
    let mut replaced: HashSet<&str> = HashSet::new();
    for (id, _, withdrawn, _) in rows {
        if *withdrawn {
            continue;
        }
        // Walk up the links; a cycle (only a corrupt bundle could make one) stops the walk.
        let mut seen = HashSet::from([id.as_str()]);
        let mut at = id.as_str();
        while let Some(&up) = parent.get(at) {
            if !seen.insert(up) {
                break;
            }
            replaced.insert(up);
            at = up;
        }
    }
    let current = rows
        .iter()
        .filter(|(id, _, withdrawn, _)| !withdrawn && !replaced.contains(id.as_str()))
        .max_by(|a, b| a.3.cmp(&b.3).then(a.0.cmp(&b.0)))
        .map(|r| r.0.as_str());
    rows.iter()
        .map(|(id, _, withdrawn, _)| {
            let by = match current {
                Some(c) if !withdrawn && c != id => Some(c),
                _ => None,
            };
            (id.as_str(), by)
        })
        .collect()
}

/// The auditor's current review of the card that a new one replaces: the latest, or for a
/// `late` review the latest made before it.
fn superseded(
    tx: &rusqlite::Transaction<'_>,
    card: &ReviewedCard,
    stamp: &Stamp<'_>,
    late: bool,
) -> Result<Option<String>, StoreError> {
    let before = if late {
        fmt_time(&stamp.now)
    } else {
        "9999".into()
    };
    Ok(tx
        .query_row(
            &format!(
                "SELECT id FROM reviews WHERE card_source = ?1 AND card_external_id = ?2
                   AND auditor = ?3 AND {CURRENT} AND created_at <= ?4
                 ORDER BY created_at DESC, id DESC LIMIT 1"
            ),
            params![card.source, card.external_id, stamp.auditor, before],
            |r| r.get(0),
        )
        .optional()?)
}

fn insert_review(
    tx: &rusqlite::Transaction<'_>,
    id: &str,
    held: Option<i64>,
    card: &ReviewedCard,
    review: &Review,
    stamp: &Stamp<'_>,
    supersedes: Option<String>,
) -> Result<(), StoreError> {
    let d = &review.draft;
    let checklist = serde_json::to_string(&d.answers).expect("answers serialise");
    let corrections = serde_json::to_string(&d.corrections).expect("corrections serialise");
    let judged = match &card.as_judged {
        Some(j) => Some(super::as_judged::encode(
            j,
            &Store::field_names_on(tx)?.keys(),
        )),
        None => None,
    };
    tx.execute(
        "INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage,
             verdict, checklist, score, suggested_stage, suggested_owner, corrections,
             comment, card_hash, funnel_fingerprint, created_at, seconds_spent, supersedes,
             judged)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, ?19)",
        params![
            id,
            held,
            card.source,
            card.external_id,
            stamp.auditor,
            card.stage,
            review.verdict.as_str(),
            checklist,
            review.score,
            d.suggested_stage,
            d.suggested_owner,
            corrections,
            d.comment,
            card.hash,
            stamp.funnel_fingerprint,
            fmt_time(&stamp.now),
            review.seconds_spent,
            supersedes,
            judged,
        ],
    )?;
    Ok(())
}

/// The lead's standing decision (the latest not taken back) on a review its auditor has not
/// withdrawn: (lead, decision), on either backend.
pub(crate) const STANDING_DECISION: &str = "SELECT d.lead, d.decision FROM lead_decisions d
     JOIN reviews r ON r.id = d.review_id AND r.withdrawn_at IS NULL
     WHERE d.review_id = $1 AND d.withdrawn_at IS NULL
     ORDER BY d.seq DESC LIMIT 1";

/// The refusal of an undo over the lead's standing decision, if there is one.
pub(crate) fn decided(standing: Option<(String, String)>) -> Option<StoreError> {
    let (lead, decision) = standing?;
    Some(StoreError::Decided {
        lead,
        decision: crate::domain::decision::DecisionKind::from_name(&decision)
            .unwrap_or(crate::domain::decision::DecisionKind::Accept),
    })
}
