//! Bundles into a server store: the merge's reads and writes (`domain::ports::MergeTx`) on
//! PostgreSQL, in one transaction under the merge's advisory lock; the checks are
//! `bundle::merge`'s, the same as on a store file.

use std::cell::RefCell;

use postgres::{GenericClient, Transaction};

use super::PgStore;
use super::desk::{calibrations_in, insert_calibration, settle_current};
use crate::domain::as_judged::AsJudged;
use crate::domain::calibration::{Calibration, Ended};
use crate::domain::ports::{MergeStore, MergeTx, RecordTable, StoreResult};
use crate::domain::records::{CalibrationRecord, DecisionRecord, ReviewRecord};
use crate::domain::trust::{Trusted, TrustedKey};
use crate::domain::withdrawal::{DecisionOn, Reweighed, Withdrawal, reweigh};
use crate::store::StoreError;
use crate::store::fields::{FieldKeys, FieldNames};

/// Two merges into one server store run one after the other (as SQLite's write lock makes
/// them): each reads what the other wrote.
const MERGE_LOCK: &str = "SELECT pg_advisory_xact_lock(hashtext('okk bundle merge'))";

pub(super) const REVIEW_COLUMNS: &str = "id, card_source, card_external_id, auditor, stage, verdict, \
     checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash, \
     funnel_fingerprint, created_at, seconds_spent, supersedes, withdrawn_at, signature, \
     withdrawal_signature";

pub(super) const DECISION_COLUMNS: &str = "id, review_id, lead, decision, verdict, suggested_stage, \
     suggested_owner, note, created_at, withdrawn_at, checklist, seq, signature, \
     withdrawal_signature";

pub(super) fn review_of(r: &postgres::Row) -> ReviewRecord {
    ReviewRecord {
        id: r.get(0),
        card_source: r.get(1),
        card_external_id: r.get(2),
        auditor: r.get(3),
        stage: r.get(4),
        verdict: r.get(5),
        checklist: r.get(6),
        score: r.get(7),
        suggested_stage: r.get(8),
        suggested_owner: r.get(9),
        corrections: r.get(10),
        comment: r.get(11),
        card_hash: r.get(12),
        funnel_fingerprint: r.get(13),
        created_at: r.get(14),
        seconds_spent: r.get(15),
        supersedes: r.get(16),
        withdrawn_at: r.get(17),
        signature: r.get(18),
        withdrawal_signature: r.get(19),
        judged: None,
        judged_signature: None,
    }
}

/// [`review_of`] with the card as judged (the row's columns after [`REVIEW_COLUMNS`]: the
/// snapshot, its signature), its fields named by `names`: as a bundle carries it.
pub(super) fn review_judged_of(r: &postgres::Row, names: &FieldNames) -> ReviewRecord {
    let mut review = review_of(r);
    review.judged = r
        .get::<_, Option<&str>>(20)
        .and_then(|t| crate::store::as_judged::decode(t, names))
        .map(|j| j.to_text());
    review.judged_signature = r.get(21);
    review
}

pub(super) fn decision_of(r: &postgres::Row) -> DecisionRecord {
    DecisionRecord {
        id: r.get(0),
        review_id: r.get(1),
        lead: r.get(2),
        decision: r.get(3),
        verdict: r.get(4),
        suggested_stage: r.get(5),
        suggested_owner: r.get(6),
        note: r.get(7),
        created_at: r.get(8),
        withdrawn_at: r.get(9),
        checklist: r.get(10),
        seq: r.get(11),
        signature: r.get(12),
        withdrawal_signature: r.get(13),
    }
}

impl PgStore {
    /// Trusts `k.key` under `k.name` (a key has one name; a name may have several keys): the
    /// SQLite store's `trust_key`.
    pub fn trust_key(&mut self, k: &TrustedKey) -> Result<Trusted, StoreError> {
        let (conn, _in_use) = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        tx.execute(MERGE_LOCK, &[])?;
        let known: Option<String> = tx
            .query_opt("SELECT name FROM trusted_keys WHERE key = $1", &[&k.key])?
            .map(|r| r.get(0));
        let lead = i64::from(k.lead);
        let outcome = match known {
            Some(name) if name != k.name => Trusted::OtherName(name),
            Some(_) => {
                tx.execute(
                    "UPDATE trusted_keys SET lead = $2 WHERE key = $1",
                    &[&k.key, &lead],
                )?;
                Trusted::Updated
            }
            None => {
                tx.execute(
                    "INSERT INTO trusted_keys (key, name, lead, added_at, how)
                     VALUES ($1, $2, $3, $4, $5)",
                    &[&k.key, &k.name, &lead, &k.added_at, &k.how],
                )?;
                Trusted::Added
            }
        };
        tx.commit()?;
        Ok(outcome)
    }
}

/// Every trusted key, by name (as the SQLite store lists them: text byte by byte).
pub(super) fn trusted_keys_in(conn: &mut impl GenericClient) -> StoreResult<Vec<TrustedKey>> {
    Ok(conn
        .query(
            "SELECT key, name, lead, added_at, how FROM trusted_keys
             ORDER BY name COLLATE \"C\", added_at COLLATE \"C\", key COLLATE \"C\"",
            &[],
        )?
        .iter()
        .map(|r| TrustedKey {
            key: r.get(0),
            name: r.get(1),
            lead: r.get::<_, i64>(2) != 0,
            added_at: r.get(3),
            how: r.get(4),
        })
        .collect())
}

impl MergeStore for PgStore {
    fn begin_merge(&mut self) -> StoreResult<Box<dyn MergeTx + '_>> {
        let (conn, in_use) = self.conn.get_mut();
        let mut tx = conn.transaction()?;
        tx.execute(MERGE_LOCK, &[])?;
        Ok(Box::new(PgMerge {
            tx: RefCell::new(tx),
            keys: std::cell::OnceCell::new(),
            _in_use: in_use,
        }))
    }
}

/// A merge's transaction on the server. The port reads through `&self`; a transaction asks
/// `&mut` for every statement.
struct PgMerge<'a> {
    tx: RefCell<Transaction<'a>>,
    /// The store's field ids, read at the first review that brings the card as judged.
    keys: std::cell::OnceCell<FieldKeys>,
    /// The session in use while the merge holds its transaction (`link`'s watch).
    _in_use: super::link::InUse,
}

impl MergeTx for PgMerge<'_> {
    fn trusted_keys(&self) -> StoreResult<Vec<TrustedKey>> {
        trusted_keys_in(&mut *self.tx.borrow_mut())
    }

    fn calibrations(&self) -> StoreResult<Vec<Calibration>> {
        calibrations_in(&mut *self.tx.borrow_mut())
    }

    fn review(&self, id: &str) -> StoreResult<Option<ReviewRecord>> {
        Ok(self
            .tx
            .borrow_mut()
            .query_opt(
                &format!(
                    "SELECT {} FROM reviews WHERE id = $1",
                    crate::store::bundle::HOLDING_COLUMNS
                ),
                &[&id],
            )?
            .as_ref()
            .map(review_of))
    }

    /// The SQLite store's `insert_review`: the card as judged (checked by the merge) keyed by
    /// this store's field ids. The card is looked up share-locked, as a verdict locks it: a
    /// prune that locked it first has taken it when the lock is granted (the review waits by
    /// its key), one that comes after waits for the merge and finds the review (the card
    /// stays). Read unlocked, the review could name a card the prune was deleting.
    fn insert_review(&self, r: &ReviewRecord) -> StoreResult<()> {
        let judged = match r.judged.as_deref().map(AsJudged::parse) {
            Some(Ok(j)) => {
                let keys = match self.keys.get() {
                    Some(k) => k,
                    None => {
                        let names = super::written::field_names(&mut *self.tx.borrow_mut())?;
                        self.keys.get_or_init(|| names.keys())
                    }
                };
                Some(crate::store::as_judged::encode(&j, keys))
            }
            _ => None,
        };
        let judged_signature = judged.as_ref().and(r.judged_signature.as_ref());
        self.tx.borrow_mut().execute(
            &format!(
                "INSERT INTO reviews ({REVIEW_COLUMNS}, judged, judged_signature, card_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                         $15, $16, $17, $18, $19, $20, $21, $22,
                         (SELECT c.id FROM cards c
                          WHERE c.source = $2 AND c.external_id = $3 FOR SHARE))"
            ),
            &[
                &r.id,
                &r.card_source,
                &r.card_external_id,
                &r.auditor,
                &r.stage,
                &r.verdict,
                &r.checklist,
                &r.score,
                &r.suggested_stage,
                &r.suggested_owner,
                &r.corrections,
                &r.comment,
                &r.card_hash,
                &r.funnel_fingerprint,
                &r.created_at,
                &r.seconds_spent,
                &r.supersedes,
                &r.withdrawn_at,
                &r.signature,
                &r.withdrawal_signature,
                &judged,
                &judged_signature,
            ],
        )?;
        Ok(())
    }

    fn decision(&self, id: &str) -> StoreResult<Option<DecisionRecord>> {
        Ok(self
            .tx
            .borrow_mut()
            .query_opt(
                &format!("SELECT {DECISION_COLUMNS} FROM lead_decisions WHERE id = $1"),
                &[&id],
            )?
            .as_ref()
            .map(decision_of))
    }

    fn insert_decision(&self, d: &DecisionRecord) -> StoreResult<()> {
        self.tx.borrow_mut().execute(
            &format!(
                "INSERT INTO lead_decisions ({DECISION_COLUMNS})
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
            ),
            &[
                &d.id,
                &d.review_id,
                &d.lead,
                &d.decision,
                &d.verdict,
                &d.suggested_stage,
                &d.suggested_owner,
                &d.note,
                &d.created_at,
                &d.withdrawn_at,
                &d.checklist,
                &d.seq,
                &d.signature,
                &d.withdrawal_signature,
            ],
        )?;
        Ok(())
    }

    fn calibration_made_here(&self, id: &str) -> StoreResult<bool> {
        Ok(self
            .tx
            .borrow_mut()
            .query_one(
                "SELECT signature IS NULL FROM calibrations WHERE id = $1",
                &[&id],
            )?
            .get(0))
    }

    fn calibration_end_signature(&self, id: &str) -> StoreResult<Option<String>> {
        Ok(self
            .tx
            .borrow_mut()
            .query_one(
                "SELECT end_signature FROM calibrations WHERE id = $1",
                &[&id],
            )?
            .get(0))
    }

    fn insert_calibration(&self, c: &CalibrationRecord) -> StoreResult<()> {
        let mut tx = self.tx.borrow_mut();
        insert_calibration(&mut *tx, &c.calibration_ended())?;
        tx.execute(
            "UPDATE calibrations SET signature = $2, end_signature = $3 WHERE id = $1",
            &[&c.calibration.id, &c.signature, &c.end_signature],
        )?;
        Ok(())
    }

    fn set_calibration_end(
        &self,
        id: &str,
        end: &Ended,
        signature: Option<&str>,
    ) -> StoreResult<()> {
        self.tx.borrow_mut().execute(
            "UPDATE calibrations SET ended_at = $2, ended_by = $3, end_signature = $4
             WHERE id = $1",
            &[&id, &end.at, &end.by, &signature],
        )?;
        Ok(())
    }

    fn set_signature(&self, table: RecordTable, id: &str, signature: &str) -> StoreResult<()> {
        self.tx.borrow_mut().execute(
            &format!("UPDATE {} SET signature = $2 WHERE id = $1", table.name()),
            &[&id, &signature],
        )?;
        Ok(())
    }

    /// The SQLite store's rule: the earliest withdrawal, at one time the lower signature.
    /// `COLLATE "C"`: text compared byte by byte, as SQLite compares it.
    fn earliest_withdrawal(
        &self,
        table: RecordTable,
        id: &str,
        at: &Option<String>,
        sig: &Option<String>,
    ) -> StoreResult<bool> {
        Ok(self.tx.borrow_mut().execute(
            &format!(
                "UPDATE {} SET withdrawn_at = $2, withdrawal_signature = $3
                 WHERE id = $1 AND (withdrawn_at IS NULL
                     OR ($2::text COLLATE \"C\", coalesce($3::text, '') COLLATE \"C\")
                        < (withdrawn_at COLLATE \"C\",
                           coalesce(withdrawal_signature, '') COLLATE \"C\"))",
                table.name()
            ),
            &[&id, at, sig],
        )? > 0)
    }

    /// Under the lock a decision on this review is taken under (`decide`): a lead deciding or
    /// taking a decision back at the desk during the merge waits for it.
    fn reweigh(&self, id: &str, incoming: &[Withdrawal]) -> StoreResult<Option<Reweighed>> {
        reweigh_review(&mut *self.tx.borrow_mut(), id, incoming)
    }

    fn trust(&self, k: &TrustedKey) -> StoreResult<()> {
        self.tx.borrow_mut().execute(
            "INSERT INTO trusted_keys (key, name, lead, added_at, how)
             VALUES ($1, $2, $3, $4, $5)",
            &[&k.key, &k.name, &i64::from(k.lead), &k.added_at, &k.how],
        )?;
        Ok(())
    }

    fn settle(&self, source: &str, external_id: &str, auditor: &str) -> StoreResult<()> {
        settle_current(&mut *self.tx.borrow_mut(), source, external_id, auditor)
    }

    fn settled_cards(&self) -> StoreResult<crate::domain::settled::SettledCards> {
        super::desk::settled_cards_in(&mut *self.tx.borrow_mut(), None)
    }

    fn current_undecided(
        &self,
        source: &str,
        external_id: &str,
        auditor: &str,
    ) -> StoreResult<Option<String>> {
        Ok(self
            .tx
            .borrow_mut()
            .query_opt(
                crate::store::bundle::CURRENT_UNDECIDED,
                &[&source, &external_id, &auditor],
            )?
            .map(|r| r.get(0)))
    }

    fn waiting_among(&self, ids: &[String]) -> StoreResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let n: i64 = self
            .tx
            .borrow_mut()
            .query_one(
                "SELECT count(*) FROM reviews WHERE card_id IS NULL AND id = ANY($1)",
                &[&ids],
            )?
            .get(0);
        Ok(n as u64)
    }

    fn commit(self: Box<Self>) -> StoreResult<()> {
        Ok(self.tx.into_inner().commit()?)
    }
}

/// The SQLite store's `withdrawals::reweigh_review` on the server, under the lock a decision on
/// the review is taken under (`decide`), so that none comes in between the look at the
/// decisions and the write. A login the policies keep from the review's row is refused, not
/// passed over.
pub(super) fn reweigh_review(
    tx: &mut impl GenericClient,
    id: &str,
    incoming: &[Withdrawal],
) -> StoreResult<Option<Reweighed>> {
    use crate::store::withdrawals::{DECISIONS_ON, SET_WITHDRAWAL, WITHDRAWAL_OF, columns, held};
    let key = xxhash_rust::xxh3::xxh3_64(id.as_bytes()) as i64;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&key])?;
    let Some(row) = tx.query_opt(WITHDRAWAL_OF, &[&id])? else {
        return Ok(None);
    };
    let stored = held((row.get(3), row.get(4)), (row.get(5), row.get(6)));
    let decisions: Vec<DecisionOn> = (tx.query(DECISIONS_ON, &[&id])?.iter())
        .map(|r| DecisionOn {
            lead: r.get(0),
            decision: r.get(1),
            taken_back_at: r.get(2),
        })
        .collect();
    let was_withdrawn = stored.as_ref().is_some_and(|h| h.applied);
    let (weighed, write) = reweigh(stored, incoming, &decisions);
    if let Some(now) = write {
        let (a, b, c, d) = columns(&now);
        if tx.execute(SET_WITHDRAWAL, &[&id, &a, &b, &c, &d])? == 0 {
            return Err(StoreError::Refused {
                table: "reviews".into(),
            });
        }
    }
    Ok(Some(Reweighed {
        card_source: row.get(0),
        card_external_id: row.get(1),
        auditor: row.get(2),
        was_withdrawn,
        weighed,
    }))
}
