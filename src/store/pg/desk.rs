//! What the reviewer's and the lead's screens read and write on PostgreSQL: a card's detail,
//! verdicts (each one transaction, committed before it returns), drafts, the lead's decisions
//! and calibrations, in the SQLite store's terms.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use postgres::GenericClient;

use super::PgStore;
use super::prepared::{Begun, Prepared};
use crate::domain::calibration::{
    Calibration, CardKey, Ended, Judged, Judgement, Reference, ReviewRead,
};
use crate::domain::card_detail::CardDetail;
use crate::domain::decision::{Decision, DecisionKind, LeadDecision};
use crate::domain::ids::CardId;
use crate::domain::lead_row::{LeadRow, group_by_card};
use crate::domain::others_review::OthersReview;
use crate::domain::review::{Review, ReviewDraft, Verdict, corrected_fields, suggested_owner};
use crate::domain::score::Answers;
use crate::domain::settled::{DecidedReview, Settled, SettledCards};
use crate::domain::stored_review::{Given, ReviewedCard, Stamp, StoredReview};
use crate::store::StoreError;
use crate::store::cards::{fmt_time, parse_time};
use crate::store::fields::FieldNames;

const CURRENT: &str = "superseded_by IS NULL AND withdrawn_at IS NULL";

/// A stored time read back; a value not in the store's shape is an error, as on SQLite.
pub(super) fn time(text: &str) -> Result<NaiveDateTime, StoreError> {
    parse_time(text).ok_or_else(|| StoreError::Backend {
        busy: false,
        source: format!("{text:?} is not a time in the store's shape").into(),
    })
}

/// A verdict's writes but the settling of earlier reviews, one statement: the review (at most
/// once under its id, replacing the auditor's current one made before $18; $20 the card as
/// judged), the draft's delete
/// (unless $19 is false: a late review from the journal), the lease's end; and how many
/// reviews of the card the auditor had before. The card is $2 while it holds the card's key
/// (`card`, read after its lock): a card a prune took out meanwhile (or whose id an import
/// gave another card since) is none: a late review waits for it by its key; one given now is
/// rolled back and refused, as `okk_save_review` refuses it (schema 21). The third column
/// says whether the card was there, the fourth whether it is still the card judged (its
/// digest $14): a verdict given now on a card an import changed since is rolled back and
/// refused too, as `okk_save_review` refuses it (schema 22).
const SAVE_REVIEW: &str = "WITH card AS (
        SELECT id, content_hash FROM cards WHERE id = $2 AND source = $3 AND external_id = $4),
    ins AS (
        INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage,
            verdict, checklist, score, suggested_stage, suggested_owner, corrections,
            comment, card_hash, funnel_fingerprint, created_at, seconds_spent, judged,
            supersedes)
        SELECT $1, (SELECT id FROM card), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
            $15, $16, $17, $20,
            (SELECT id FROM reviews WHERE card_source = $3 AND card_external_id = $4
               AND auditor = $5 AND superseded_by IS NULL AND withdrawn_at IS NULL
               AND created_at <= $18
             ORDER BY created_at DESC, id DESC LIMIT 1)
        ON CONFLICT (id) DO NOTHING
        RETURNING id),
    draft AS (
        DELETE FROM drafts WHERE $19 AND card_id = (SELECT id FROM card) AND auditor = $5
            AND EXISTS (SELECT 1 FROM ins)),
    lease AS (
        DELETE FROM leases WHERE card_id = (SELECT id FROM card) AND auditor = $5
            AND EXISTS (SELECT 1 FROM ins))
    SELECT EXISTS (SELECT 1 FROM ins),
        (SELECT count(*) FROM reviews
         WHERE card_source = $3 AND card_external_id = $4 AND auditor = $5),
        EXISTS (SELECT 1 FROM card),
        EXISTS (SELECT 1 FROM card WHERE content_hash = $14)";

/// The refusal of a verdict on a card the store no longer holds.
fn card_gone(card: &ReviewedCard) -> StoreError {
    StoreError::CardGone {
        external_id: Some(card.external_id.clone()),
    }
}

/// The refusal of a verdict given now on a card an import changed since it was read.
fn card_changed(card: &ReviewedCard) -> StoreError {
    StoreError::CardChanged {
        external_id: card.external_id.clone(),
    }
}

/// Schema 5's verdict in one call (schema 18's, with the card as judged; schema 20's, the card
/// locked by its key and none when a prune took it out; schema 21's, refused then; schema
/// 22's, refused on a card whose digest is not the verdict's): 'saved', 'known' (stored before
/// under this id), 'gone' and 'changed' (refused: nothing written) or 'earlier' (the auditor
/// judged the card before: nothing written).
const SAVE_FIRST_REVIEW: &str = "SELECT okk_save_review($1, $2, $3, $4, $5, $6, $7, $8, $9,
    $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";

/// Schema 5's `okk_decide`: the lead's decision on review $2.
const DECIDE: &str = "SELECT okk_decide($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)";

/// [`DECIDE`], called only while review $2's card has digest $12 (a card the store no longer
/// holds is not compared): a row when the decision is written, none when refused.
const DECIDE_AS_SEEN: &str = "SELECT okk_decide($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     WHERE NOT EXISTS (SELECT 1 FROM reviews r JOIN cards c ON c.id = r.card_id
                       WHERE r.id = $2 AND c.content_hash IS DISTINCT FROM $12)";

const LATEST: &str = "SELECT id, lead, decision, verdict, suggested_stage, suggested_owner, note,
        created_at, checklist FROM lead_decisions
     WHERE review_id = $1 AND withdrawn_at IS NULL
     ORDER BY seq DESC, created_at DESC, id DESC LIMIT 1";

fn decision_row(r: &postgres::Row) -> LeadDecision {
    let kind: String = r.get(2);
    let verdict: Option<String> = r.get(3);
    LeadDecision {
        id: r.get(0),
        lead: r.get(1),
        decision: Decision {
            kind: DecisionKind::from_name(&kind).unwrap_or(DecisionKind::Accept),
            verdict: verdict.as_deref().and_then(Verdict::from_name),
            suggested_stage: r.get(4),
            suggested_owner: r.get(5),
            note: r.get(6),
            answers: r
                .get::<_, Option<String>>(8)
                .and_then(|j| serde_json::from_str(&j).ok()),
        },
        created_at: r.get(7),
    }
}

/// The decisions that settle cards, read in `conn` (the store's client or a merge's
/// transaction): every card's, or the one `card` names (SQLite's `settled_cards_in`).
pub(super) fn settled_cards_in(
    conn: &mut impl GenericClient,
    card: Option<(&str, &str)>,
) -> Result<SettledCards, StoreError> {
    let rows = match card {
        Some((source, external_id)) => conn.query(
            &crate::store::decisions::decided_sql(
                "AND r.card_source = $1 AND r.card_external_id = $2",
            ),
            &[&source, &external_id],
        )?,
        None => conn.query(&crate::store::decisions::decided_sql(""), &[])?,
    };
    let decided = rows.iter().map(|r| -> DecidedReview {
        crate::store::decisions::decided_review(
            decision_row(r),
            r.get(9),
            [
                r.get(10),
                r.get(11),
                r.get(12),
                r.get(13),
                r.get(14),
                r.get(15),
                r.get(20),
            ],
            r.get(16),
            r.get(17),
            r.get(18),
            crate::domain::stored_review::card_changed(r.get(19), r.get(21)),
        )
    });
    Ok(SettledCards::from_decided(decided.collect::<Vec<_>>()))
}

/// Tells the listening okk (the live refresh) of a write schema 5's one-call verdict or
/// decision committed without notifying (`okk_notify`'s comment says why): a statement of its
/// own, which writes nothing and waits for no disk. Its failure is not the write's: the write
/// is committed, and others see it at their next refresh.
fn notify_after_commit(conn: &mut postgres::Client, prepared: &Prepared, table: &str) {
    if let Ok(sql) = prepared.get(conn, "SELECT pg_notify('okk', $1)") {
        let _ = conn.execute(&sql, &[&table]);
    }
}

/// Which of an auditor's reviews of a card is current, stored in `superseded_by`: the SQLite
/// store's rule (`reviews::superseded_by`), applied here.
pub(super) fn settle_current(
    tx: &mut impl GenericClient,
    source: &str,
    external_id: &str,
    auditor: &str,
) -> Result<(), StoreError> {
    let found = tx.query(
        "SELECT id, supersedes, withdrawn_at IS NOT NULL, created_at, superseded_by FROM reviews
         WHERE card_source = $1 AND card_external_id = $2 AND auditor = $3",
        &[&source, &external_id, &auditor],
    )?;
    let rows: Vec<(String, Option<String>, bool, String)> = found
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let was: BTreeMap<&str, Option<&str>> = found.iter().map(|r| (r.get(0), r.get(4))).collect();
    // Only the rows whose mark changes: each update re-marks the card (schema 4's trigger).
    let changed: Vec<(&str, Option<&str>)> = crate::store::reviews::superseded_by(&rows)
        .into_iter()
        .filter(|(id, by)| was.get(id) != Some(by))
        .collect();
    if changed.is_empty() {
        return Ok(());
    }
    let set = tx.prepare("UPDATE reviews SET superseded_by = $2 WHERE id = $1")?;
    for (id, by) in changed {
        tx.execute(&set, &[&id, &by])?;
    }
    Ok(())
}

impl PgStore {
    /// A card with its stage history, field names and flags: one statement.
    pub fn card_detail(&self, card_id: i64) -> Result<Option<CardDetail>, StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let sql = self.prepared.get(
            conn,
            &format!(
                "SELECT {raw}, c.content_hash,
                    ARRAY(SELECT n.id FROM field_names n ORDER BY n.id),
                    ARRAY(SELECT n.name FROM field_names n ORDER BY n.id),
                    ARRAY(SELECT f.code FROM flags f WHERE f.card_id = c.id ORDER BY f.seq),
                    ARRAY(SELECT f.severity FROM flags f WHERE f.card_id = c.id ORDER BY f.seq),
                    ARRAY(SELECT f.args FROM flags f WHERE f.card_id = c.id ORDER BY f.seq),
                    ARRAY(SELECT f.field FROM flags f WHERE f.card_id = c.id ORDER BY f.seq),
                    coalesce(cn.ats, '{{}}'), coalesce(cn.ids, '{{}}'), coalesce(cn.bodies, '{{}}'),
                    ARRAY(SELECT s.kind FROM source_columns s WHERE s.source = c.source),
                    ARRAY(SELECT s.name FROM source_columns s WHERE s.source = c.source)
                 FROM cards c
                 LEFT JOIN LATERAL (
                    SELECT array_agg(k.at) AS ats, array_agg(k.note) AS ids,
                           array_agg(k.body) AS bodies
                    FROM (SELECT at, note, body FROM crm_notes
                          WHERE connection = c.source AND deal = c.external_id
                          ORDER BY at DESC, length(note) DESC, note COLLATE \"C\" DESC
                          LIMIT {per_card}) k
                 ) cn ON TRUE
                 WHERE c.id = $1",
                raw = super::written::raw_card_columns(),
                per_card = crate::domain::deal_note::NOTES_PER_CARD,
            ),
        )?;
        let Some(r) = conn.query_opt(&sql, &[&card_id])? else {
            return Ok(None);
        };
        let raw = super::written::raw_card(&r);
        // After the card's own columns: its digest, the field names, its flags.
        let at = super::written::RAW_CARD_WIDTH;
        let names = FieldNames::from_pairs(
            r.get::<_, Vec<i64>>(at + 1)
                .into_iter()
                .zip(r.get::<_, Vec<String>>(at + 2)),
        );
        let (card, context) = raw.parse(&names);
        *self.field_names.borrow_mut() = Some(names.clone());
        let codes: Vec<String> = r.get(at + 3);
        let severities: Vec<i64> = r.get(at + 4);
        let args: Vec<String> = r.get(at + 5);
        let fields: Vec<Option<String>> = r.get(at + 6);
        let mut flags = Vec::new();
        for (((code, severity), args), field) in
            codes.into_iter().zip(severities).zip(args).zip(fields)
        {
            flags.push(crate::store::flags::stored_flag(
                &code, severity, field, &args,
            )?);
        }
        // Then the newest of its deal's notes a live sync keeps, to time the card's notes by.
        let stored: Vec<(i64, String, String)> = (r.get::<_, Vec<i64>>(at + 7).into_iter())
            .zip(r.get::<_, Vec<String>>(at + 8))
            .zip(r.get::<_, Vec<String>>(at + 9))
            .map(|((at, id), body)| (at, id, body))
            .collect();
        let note_times = crate::domain::deal_note::times_of(&card.notes, stored)
            .into_iter()
            .map(|t| t.and_then(crate::store::crm::local_time))
            .collect();
        // Last, the columns its source's imports and syncs carried.
        let (mut okk, mut custom) = (Vec::new(), Vec::new());
        for (kind, name) in
            (r.get::<_, Vec<String>>(at + 10).into_iter()).zip(r.get::<_, Vec<String>>(at + 11))
        {
            if kind == "okk" { &mut okk } else { &mut custom }.push(name);
        }
        let columns = crate::domain::columns::SourceColumns::new(okk, custom);
        let carried = crate::store::columns::carried_by(&columns, &names);
        Ok(Some(CardDetail {
            card_id: CardId(card_id),
            card,
            context,
            flags,
            hash: r.get(at),
            note_times,
            carried,
        }))
    }

    pub fn current_review(
        &self,
        card_id: i64,
        auditor: &str,
    ) -> Result<Option<StoredReview>, StoreError> {
        let row = self.conn.borrow_mut().query_opt(
            &format!(
                "SELECT id, verdict, checklist, score, suggested_stage, suggested_owner,
                        corrections, comment, card_hash, created_at, stage, judged
                 FROM reviews WHERE card_id = $1 AND auditor = $2 AND {CURRENT}
                 ORDER BY created_at DESC LIMIT 1"
            ),
            &[&card_id, &auditor],
        )?;
        let Some(r) = row else { return Ok(None) };
        let as_judged = match r.get::<_, Option<&str>>(11) {
            Some(text) => {
                let ids = crate::store::as_judged::ids(text);
                let names = self.names_knowing(|n| ids.iter().all(|&id| n.knows(id)))?;
                crate::store::as_judged::decode(text, &names)
            }
            None => None,
        };
        let answers: Answers = serde_json::from_str(r.get(2)).unwrap_or_default();
        Ok(Some(StoredReview {
            id: r.get(0),
            verdict: Verdict::from_name(r.get(1)).unwrap_or(Verdict::Unclear),
            draft: ReviewDraft {
                answers,
                suggested_stage: r.get(4),
                suggested_owner: r.get(5),
                corrections: serde_json::from_str(r.get(6)).unwrap_or_default(),
                comment: r.get(7),
            },
            score: r.get(3),
            stage: r.get(10),
            card_hash: r.get(8),
            as_judged,
            created_at: time(r.get(9))?,
        }))
    }

    /// The field names this session knows, read again first when `enough` says they lack one
    /// (a field an import added since they were read).
    fn names_knowing(
        &self,
        enough: impl Fn(&FieldNames) -> bool,
    ) -> Result<FieldNames, StoreError> {
        if let Some(names) = self.field_names.borrow().as_ref().filter(|n| enough(n)) {
            return Ok(names.clone());
        }
        let names = super::written::field_names(&mut *self.conn.borrow_mut())?;
        *self.field_names.borrow_mut() = Some(names.clone());
        Ok(names)
    }

    /// The SQLite store's `save_review_as`: at most once under `id`; a late review (replayed
    /// from the journal) replaces only reviews made before it; one given now is refused on a
    /// card gone or changed since it was read ([`Given`]). The auditor's lease on the card
    /// ends with it: the card is judged. Committed (on the server's disk) before it returns.
    pub fn save_review_as(
        &mut self,
        id: &str,
        card: &ReviewedCard,
        review: &Review,
        stamp: &Stamp<'_>,
        given: Given,
    ) -> Result<(), StoreError> {
        let late = given.late();
        let d = &review.draft;
        let checklist = serde_json::to_string(&d.answers).expect("answers serialise");
        let corrections = serde_json::to_string(&d.corrections).expect("corrections serialise");
        // Keyed by the names this session knows (read again if the card has a field they lack,
        // which then costs a round trip); a field still without an id is kept by its name.
        let judged = match &card.as_judged {
            Some(j) => {
                let knows = |n: &FieldNames| {
                    let keys = n.keys();
                    j.fields.iter().all(|(name, _)| keys.id_of(name).is_some())
                };
                let keys = self.names_knowing(knows)?.keys();
                Some(crate::store::as_judged::encode(j, &keys))
            }
            None => None,
        };
        let conn = &mut *self.conn.borrow_mut();
        // Two sessions saving one auditor's verdicts on one card settle one after the other,
        // under this lock (its key hashed here).
        let key = xxhash_rust::xxh3::xxh3_64(
            [card.source.as_str(), &card.external_id, stamp.auditor]
                .join("\u{1f}")
                .as_bytes(),
        ) as i64;
        // The usual verdict, the auditor's first of the card given now, is one call (schema
        // 5's okk_save_review, which refuses a card gone or changed): one round trip and its
        // commit. A verdict that replaces one, one kept or a late one, takes the way below;
        // the call then wrote nothing.
        if given == Given::Now {
            let sql = self.prepared.get(conn, SAVE_FIRST_REVIEW)?;
            let outcome: String = conn
                .query_one(
                    &sql,
                    &[
                        &id,
                        &card.card_id.0,
                        &card.source,
                        &card.external_id,
                        &stamp.auditor,
                        &card.stage,
                        &review.verdict.as_str(),
                        &checklist,
                        &review.score,
                        &d.suggested_stage,
                        &d.suggested_owner,
                        &corrections,
                        &d.comment,
                        &card.hash,
                        &stamp.funnel_fingerprint,
                        &fmt_time(&stamp.now),
                        &review.seconds_spent,
                        &judged,
                        &key,
                    ],
                )?
                .get(0);
            if outcome == "saved" {
                notify_after_commit(conn, &self.prepared, "reviews");
            }
            if outcome == "gone" {
                return Err(card_gone(card));
            }
            if outcome == "changed" {
                return Err(card_changed(card));
            }
            if outcome != "earlier" {
                return Ok(()); // saved, or stored before under this id
            }
        }
        // The card's row is locked before the lease is touched, in the claim's order (card,
        // then lease): the verdict rewrites the card's `judged` mark after it deletes the
        // lease, and a claim that locked the card and waits on that lease would deadlock.
        // Both go with BEGIN in one round trip (the id a number).
        let mut tx = Begun::with(
            conn,
            &format!(
                "SELECT pg_advisory_xact_lock({key});
                 SELECT FROM cards WHERE id = {} FOR UPDATE",
                card.card_id.0
            ),
        )?;
        let sql = self.prepared.get(tx.conn(), SAVE_REVIEW)?;
        let row = tx.conn().query_one(
            &sql,
            &[
                &id,
                &card.card_id.0,
                &card.source,
                &card.external_id,
                &stamp.auditor,
                &card.stage,
                &review.verdict.as_str(),
                &checklist,
                &review.score,
                &d.suggested_stage,
                &d.suggested_owner,
                &corrections,
                &d.comment,
                &card.hash,
                &stamp.funnel_fingerprint,
                &fmt_time(&stamp.now),
                &review.seconds_spent,
                &if late {
                    fmt_time(&stamp.now)
                } else {
                    "9999".to_string()
                },
                &!late,
                &judged,
            ],
        )?;
        let (inserted, earlier, held, same): (bool, i64, bool, bool) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        // A verdict given now on a card a prune took out: nothing of it stays.
        if inserted && !held && !late {
            return Err(card_gone(card));
        }
        // Nor of one given now on a card an import changed since the screen read it.
        if inserted && held && !same && given == Given::Now {
            return Err(card_changed(card));
        }
        if !inserted {
            return Ok(()); // stored before under this id: left as it is
        }
        // The auditor's first review of the card is current as it went in.
        if earlier > 0 {
            settle_current(tx.conn(), &card.source, &card.external_id, stamp.auditor)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn withdraw_review(&mut self, id: &str, now: NaiveDateTime) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        // The lock a decision on this review is taken under (`decide`): none comes in between
        // the look at the decisions and the withdrawal.
        let key = xxhash_rust::xxh3::xxh3_64(id.as_bytes()) as i64;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key])?;
        let standing = tx
            .query_opt(crate::store::reviews::STANDING_DECISION, &[&id])?
            .map(|r| (r.get(0), r.get(1)));
        if let Some(refused) = crate::store::reviews::decided(standing) {
            return Err(refused);
        }
        // Weighed as a bundle's undo is: one the lead's decision keeps out (taken back only
        // after it) gives way to this one. A row the policies hide from this login's update
        // is refused, not passed over in silence.
        let undo = crate::domain::withdrawal::Withdrawal {
            at: fmt_time(&now),
            signature: None,
        };
        let weighed = super::bundle::reweigh_review(&mut tx, id, &[undo])?;
        if let Some(r) = weighed.filter(|r| r.changed()) {
            settle_current(&mut tx, &r.card_source, &r.card_external_id, &r.auditor)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The review the auditor left unjudged on the card, if any (SQLite's `draft`).
    pub fn draft(&self, card_id: i64, auditor: &str) -> Result<Option<ReviewDraft>, StoreError> {
        Ok(self
            .conn
            .borrow_mut()
            .query_opt(
                "SELECT comment, checklist, suggested_stage, suggested_owner, corrections
                 FROM drafts WHERE card_id = $1 AND auditor = $2",
                &[&card_id, &auditor],
            )?
            .map(|r| ReviewDraft::from_stored(r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))))
    }

    /// The cards the auditor left a draft on (SQLite's `drafted`).
    pub fn drafted(&self, auditor: &str) -> Result<Vec<i64>, StoreError> {
        Ok(self
            .conn
            .borrow_mut()
            .query("SELECT card_id FROM drafts WHERE auditor = $1", &[&auditor])?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    /// Keeps the review being built on the card; an empty one removes the draft (SQLite's
    /// `save_draft`).
    pub fn save_draft(
        &mut self,
        card_id: i64,
        auditor: &str,
        draft: &ReviewDraft,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        if draft.is_empty() {
            conn.execute(
                "DELETE FROM drafts WHERE card_id = $1 AND auditor = $2",
                &[&card_id, &auditor],
            )?;
        } else {
            let checklist = serde_json::to_string(&draft.answers).expect("answers serialise");
            let corrections =
                serde_json::to_string(&draft.corrections).expect("corrections serialise");
            // Only on a card the store holds, its row share-locked: a prune that locked it
            // first took it (nothing is written, and the draft is refused), one that comes
            // after finds the draft and keeps the card. The server has no foreign key to
            // refuse it otherwise, and the draft would stay on a card that is not there.
            let written = conn.execute(
                "WITH card AS (SELECT id FROM cards WHERE id = $1 FOR SHARE)
                 INSERT INTO drafts (card_id, auditor, comment, checklist, suggested_stage,
                     suggested_owner, corrections, updated_at)
                 SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM card
                 ON CONFLICT (card_id, auditor) DO UPDATE
                 SET comment = excluded.comment, checklist = excluded.checklist,
                     suggested_stage = excluded.suggested_stage,
                     suggested_owner = excluded.suggested_owner,
                     corrections = excluded.corrections, updated_at = excluded.updated_at",
                &[
                    &card_id,
                    &auditor,
                    &draft.comment,
                    &checklist,
                    &draft.suggested_stage,
                    &draft.suggested_owner,
                    &corrections,
                    &fmt_time(&now),
                ],
            )?;
            if written == 0 {
                return Err(StoreError::CardGone { external_id: None });
            }
        }
        Ok(())
    }

    pub fn owners(&self) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .borrow_mut()
            .query(
                "SELECT DISTINCT owner FROM cards WHERE owner IS NOT NULL AND owner <> ''
                 ORDER BY owner",
                &[],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    pub fn owners_of(&self, source: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .conn
            .borrow_mut()
            .query(
                "SELECT DISTINCT owner FROM cards
                 WHERE source = $1 AND owner IS NOT NULL AND owner <> '' ORDER BY owner",
                &[&source],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    pub fn decide(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        now: NaiveDateTime,
    ) -> Result<String, StoreError> {
        self.decide_with(review_id, lead, decision, None, now)
    }

    /// The SQLite store's `decide_as_seen`: `okk_decide`'s call, made only while the review's
    /// card has the digest the lead's screen drew (`seen`), else refused, nothing written. One
    /// statement, one round trip: its check reads the statement's snapshot, and an import
    /// committed after that comes after the decision, as one committed after it would.
    pub fn decide_as_seen(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        seen: i64,
        now: NaiveDateTime,
    ) -> Result<String, StoreError> {
        self.decide_with(review_id, lead, decision, Some(seen), now)
    }

    /// `okk_decide`'s one call, on the card as drawn with digest `seen` where one is given.
    fn decide_with(
        &mut self,
        review_id: &str,
        lead: &str,
        decision: &Decision,
        seen: Option<i64>,
        now: NaiveDateTime,
    ) -> Result<String, StoreError> {
        let id = uuid::Uuid::new_v4().to_string();
        let conn = &mut *self.conn.borrow_mut();
        // Two leads deciding on one review at once get distinct places: schema 5's okk_decide
        // takes its place under this lock, in one call (one round trip and its commit).
        let key = xxhash_rust::xxh3::xxh3_64(review_id.as_bytes()) as i64;
        let sql = self.prepared.get(
            conn,
            if seen.is_some() {
                DECIDE_AS_SEEN
            } else {
                DECIDE
            },
        )?;
        let at = fmt_time(&now);
        let answers = (decision.answers.as_ref())
            .map(|a| serde_json::to_string(a).expect("answers serialise"));
        let kind = decision.kind.as_str();
        let verdict = decision.verdict.map(Verdict::as_str);
        let mut params: Vec<&(dyn postgres::types::ToSql + Sync)> = vec![
            &id,
            &review_id,
            &lead,
            &kind,
            &verdict,
            &decision.suggested_stage,
            &decision.suggested_owner,
            &decision.note,
            &at,
            &answers,
            &key,
        ];
        if let Some(seen) = &seen {
            params.push(seen);
        }
        let decided = conn.execute(&sql, &params)?;
        if decided == 0 {
            let card = conn.query_opt(
                "SELECT card_external_id FROM reviews WHERE id = $1",
                &[&review_id],
            )?;
            return Err(StoreError::CardChanged {
                external_id: card.map(|r| r.get(0)).unwrap_or_default(),
            });
        }
        notify_after_commit(conn, &self.prepared, "lead_decisions");
        Ok(id)
    }

    /// The SQLite store's `withdraw_decision`: an auditor's undo the decision held out is
    /// weighed again.
    pub fn withdraw_decision(&mut self, id: &str, now: NaiveDateTime) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let review = tx.query_opt(
            "UPDATE lead_decisions SET withdrawn_at = $2 WHERE id = $1 AND withdrawn_at IS NULL
             RETURNING review_id",
            &[&id, &fmt_time(&now)],
        )?;
        if let Some(review) = review {
            let review: String = review.get(0);
            let weighed = super::bundle::reweigh_review(&mut tx, &review, &[])?;
            if let Some(r) = weighed.filter(|r| r.changed()) {
                settle_current(&mut tx, &r.card_source, &r.card_external_id, &r.auditor)?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// See `ReviewStore::others_reviews`: one round trip, each review's latest decision joined
    /// in by the server.
    pub fn others_reviews(
        &self,
        card_id: i64,
        auditor: &str,
    ) -> Result<Vec<OthersReview>, StoreError> {
        let rows = self.conn.borrow_mut().query(
            "SELECT d.id, d.lead, d.decision, d.verdict, d.suggested_stage, d.suggested_owner,
                    d.note, d.created_at, d.checklist,
                    r.auditor, r.verdict, r.card_hash, c.content_hash
             FROM reviews r JOIN cards c ON c.id = r.card_id
             LEFT JOIN LATERAL (
                 SELECT * FROM lead_decisions d
                 WHERE d.review_id = r.id AND d.withdrawn_at IS NULL
                 ORDER BY d.seq DESC, d.created_at DESC, d.id DESC LIMIT 1) d ON TRUE
             WHERE r.card_id = $1 AND r.auditor <> $2
               AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
             ORDER BY r.created_at, r.id COLLATE \"C\"",
            &[&card_id, &auditor],
        )?;
        Ok(rows
            .iter()
            .filter_map(|r| {
                Some(OthersReview {
                    auditor: r.get(9),
                    verdict: Verdict::from_name(r.get(10))?,
                    card_changed: crate::domain::stored_review::changed_since(r.get(11), r.get(12)),
                    decision: r
                        .get::<_, Option<String>>(0)
                        .is_some()
                        .then(|| decision_row(r)),
                })
            })
            .collect())
    }

    pub fn latest_decision(&self, review_id: &str) -> Result<Option<LeadDecision>, StoreError> {
        Ok(self
            .conn
            .borrow_mut()
            .query_opt(LATEST, &[&review_id])?
            .as_ref()
            .map(decision_row))
    }

    /// The decision that settles each card the lead settled.
    pub fn settled_cards(&self) -> Result<SettledCards, StoreError> {
        settled_cards_in(&mut *self.conn.borrow_mut(), None)
    }

    /// The decision that settles one card, if the lead settled it.
    pub fn settled_card(
        &self,
        source: &str,
        external_id: &str,
    ) -> Result<Option<Settled>, StoreError> {
        Ok(
            settled_cards_in(&mut *self.conn.borrow_mut(), Some((source, external_id)))?
                .into_only(),
        )
    }

    pub fn lead_rows(&self) -> Result<Vec<LeadRow>, StoreError> {
        let settled = self.settled_cards()?;
        let conn = &mut *self.conn.borrow_mut();
        let rows = conn.query(
            &crate::store::decisions::lead_rows_sql("k.auditors::jsonb ? r.auditor", "r.seq"),
            &[],
        )?;
        let latest = conn.prepare(LATEST)?;
        let mut out = Vec::new();
        for r in rows {
            let review_id: String = r.get(0);
            let decision = conn
                .query_opt(&latest, &[&review_id])?
                .as_ref()
                .map(decision_row);
            out.push(LeadRow {
                card_id: r.get::<_, Option<i64>>(1).map(CardId),
                external_id: r.get(2),
                title: r.get(3),
                stage: r.get(4),
                auditor: r.get(5),
                verdict: Verdict::from_name(r.get(6)).unwrap_or(Verdict::Unclear),
                score: r.get(7),
                suggested_stage: r.get(8),
                suggested_owner: suggested_owner(r.get(9), r.get(16)),
                corrected: corrected_fields(r.get(16)),
                comment: r.get(10),
                created_at: time(r.get(11))?,
                seconds_spent: r.get(12),
                flag_rank: r.get(13),
                calibration: r.get(14),
                source: r.get(15),
                split: false,
                settled: None,
                funnel_fingerprint: r.get(17),
                stage_gone: false,
                decision,
                review_id,
            });
        }
        Ok(group_by_card(out, &settled))
    }

    pub fn calibration_pool(
        &self,
        crm_stages: &[String],
        closed_stage: bool,
    ) -> Result<Vec<CardKey>, StoreError> {
        let open = if closed_stage {
            ""
        } else {
            "AND coalesce(closed, 0) = 0 AND closed_at IS NULL"
        };
        let stages: Vec<&str> = crm_stages.iter().map(String::as_str).collect();
        Ok(self
            .conn
            .borrow_mut()
            .query(
                &format!(
                    "SELECT source, external_id FROM cards
                     WHERE stage = ANY($1) AND gone_at IS NULL {open} ORDER BY id"
                ),
                &[&stages],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    pub fn save_calibration(&mut self, c: &Calibration) -> Result<bool, StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let added = insert_calibration(&mut tx, c)?;
        tx.commit()?;
        Ok(added)
    }

    pub fn calibrations(&self) -> Result<Vec<Calibration>, StoreError> {
        calibrations_in(&mut *self.conn.borrow_mut())
    }

    pub fn calibration_judgements(
        &self,
        c: &Calibration,
    ) -> Result<(Vec<Judgement>, Vec<Reference>), StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let stmt = conn.prepare(crate::store::calibration::judgements_sql(c))?;
        let mut judged = Judged::default();
        for card in &c.cards {
            let rows = match &c.end {
                Some(end) => conn.query(&stmt, &[&card.0, &card.1, &c.created_at, &end.at])?,
                None => conn.query(&stmt, &[&card.0, &card.1, &c.created_at])?,
            };
            for r in rows {
                let read = ReviewRead {
                    id: r.get(0),
                    auditor: r.get(1),
                    verdict: r.get(2),
                    checklist: r.get(3),
                    lead: r.get(4),
                    stage: r.get(5),
                    digest: r.get(6),
                    at: r.get(7),
                };
                judged.take(card, read);
            }
        }
        Ok(judged.finish(c))
    }

    /// See [`crate::domain::ports::CalibrationStore::calibration_cards_now`].
    pub fn calibration_cards_now(
        &self,
        c: &Calibration,
    ) -> Result<Vec<crate::domain::judge_again::CardNow>, StoreError> {
        let conn = &mut *self.conn.borrow_mut();
        let stmt = conn.prepare(crate::store::calibration::CARD_NOW)?;
        let mut out = Vec::new();
        for card in &c.cards {
            if let Some(r) = conn.query_opt(&stmt, &[&card.0, &card.1])? {
                out.push(crate::domain::judge_again::CardNow {
                    card: card.clone(),
                    digest: r.get(0),
                    stage: r.get(1),
                });
            }
        }
        Ok(out)
    }

    /// Ends calibration `id` unless it has ended (the SQLite store's `end_calibration`): true
    /// when it ended now. A lead's login may (the grants); an auditor's may not.
    pub fn end_calibration(&mut self, id: &str, end: &Ended) -> Result<bool, StoreError> {
        let ended = self.conn.borrow_mut().execute(
            crate::store::calibration::END_CALIBRATION,
            &[&id, &end.at, &end.by],
        )?;
        Ok(ended > 0)
    }
}

/// Adds a calibration and its cards unless its id is there (with its end, if it came ended);
/// true when it went in.
pub(super) fn insert_calibration(
    tx: &mut impl GenericClient,
    c: &Calibration,
) -> Result<bool, StoreError> {
    let end = c.end.as_ref();
    let added = tx.execute(
        "INSERT INTO calibrations (id, stage, seed, auditors, created_by, created_at, ended_at,
             ended_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING",
        &[
            &c.id,
            &c.stage,
            &(c.seed as i64),
            &serde_json::to_string(&c.auditors).expect("names serialise"),
            &c.created_by,
            &c.created_at,
            &end.map(|e| &e.at),
            &end.map(|e| &e.by),
        ],
    )? > 0;
    if added {
        let card = tx.prepare(
            "INSERT INTO calibration_cards (calibration_id, position, card_source,
                 card_external_id) VALUES ($1, $2, $3, $4)",
        )?;
        for (i, (source, id)) in c.cards.iter().enumerate() {
            tx.execute(&card, &[&c.id, &(i as i64), source, id])?;
        }
    }
    Ok(added)
}

/// Every calibration with its cards, oldest first.
pub(super) fn calibrations_in(
    conn: &mut impl GenericClient,
) -> Result<Vec<Calibration>, StoreError> {
    let mut out: Vec<Calibration> = conn
        .query(
            "SELECT id, stage, seed, auditors, created_by, created_at, ended_at, ended_by
             FROM calibrations ORDER BY created_at COLLATE \"C\", id COLLATE \"C\"",
            &[],
        )?
        .iter()
        .map(|r| Calibration {
            id: r.get(0),
            stage: r.get(1),
            seed: r.get::<_, i64>(2) as u64,
            auditors: serde_json::from_str(r.get(3)).unwrap_or_default(),
            created_by: r.get(4),
            created_at: r.get(5),
            cards: Vec::new(),
            end: crate::store::calibration::ended(r.get(6), r.get(7)),
        })
        .collect();
    for c in &mut out {
        c.cards = conn
            .query(
                "SELECT card_source, card_external_id FROM calibration_cards
                 WHERE calibration_id = $1 ORDER BY position",
                &[&c.id],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
    }
    Ok(out)
}
