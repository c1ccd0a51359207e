//! Bundles in and out of the store, on the SQL side: every review and lead decision since a
//! date streamed out a row at a time, and the reads and writes a merge makes inside its one
//! transaction ([`MergeTx`]). Checking signatures, names and times is `bundle::merge`'s.

use std::collections::HashMap;

use rusqlite::{OptionalExtension, params};

use super::fields::{FieldKeys, FieldNames};
use super::reviews::settle_current;
use super::{Store, StoreError};
use crate::domain::as_judged::AsJudged;
use crate::domain::calibration::{Calibration, Ended};
use crate::domain::ports::StoreResult;
use crate::domain::records::{CalibrationRecord, DecisionRecord, Record, ReviewRecord};
use crate::domain::trust::TrustedKey;
use crate::domain::withdrawal::{Reweighed, Withdrawal};

pub use crate::domain::merge::MergeReport;

const REVIEW_COLUMNS: &str = "id, card_source, card_external_id, auditor, stage, verdict, \
     checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash, \
     funnel_fingerprint, created_at, seconds_spent, supersedes, withdrawn_at, signature, \
     withdrawal_signature";

/// [`REVIEW_COLUMNS`] as a merge compares a review: its withdrawal the one the store holds,
/// applied or held out (a withdrawal made here, held out, is still one this store made), on
/// either backend.
pub(crate) const HOLDING_COLUMNS: &str = "id, card_source, card_external_id, auditor, stage, \
     verdict, checklist, score, suggested_stage, suggested_owner, corrections, comment, \
     card_hash, funnel_fingerprint, created_at, seconds_spent, supersedes, \
     coalesce(withdrawn_at, held_withdrawn_at), signature, \
     CASE WHEN withdrawn_at IS NULL THEN held_withdrawal_signature \
          ELSE withdrawal_signature END";

const DECISION_COLUMNS: &str = "id, review_id, lead, decision, verdict, suggested_stage, \
     suggested_owner, note, created_at, withdrawn_at, checklist, seq, signature, \
     withdrawal_signature";

fn review_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<ReviewRecord> {
    Ok(ReviewRecord {
        id: r.get(0)?,
        card_source: r.get(1)?,
        card_external_id: r.get(2)?,
        auditor: r.get(3)?,
        stage: r.get(4)?,
        verdict: r.get(5)?,
        checklist: r.get(6)?,
        score: r.get(7)?,
        suggested_stage: r.get(8)?,
        suggested_owner: r.get(9)?,
        corrections: r.get(10)?,
        comment: r.get(11)?,
        card_hash: r.get(12)?,
        funnel_fingerprint: r.get(13)?,
        created_at: r.get(14)?,
        seconds_spent: r.get(15)?,
        supersedes: r.get(16)?,
        withdrawn_at: r.get(17)?,
        signature: r.get(18)?,
        withdrawal_signature: r.get(19)?,
        judged: None,
        judged_signature: None,
    })
}

/// [`review_of`] with the card as judged (the row's columns after [`REVIEW_COLUMNS`]: the
/// snapshot, its signature), its fields named by `names`: as a bundle carries it.
fn review_judged_of(r: &rusqlite::Row<'_>, names: &FieldNames) -> rusqlite::Result<ReviewRecord> {
    let mut review = review_of(r)?;
    let judged: Option<String> = r.get(20)?;
    review.judged = judged
        .and_then(|t| super::as_judged::decode(&t, names))
        .map(|j| j.to_text());
    review.judged_signature = r.get(21)?;
    Ok(review)
}

fn decision_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<DecisionRecord> {
    Ok(DecisionRecord {
        id: r.get(0)?,
        review_id: r.get(1)?,
        lead: r.get(2)?,
        decision: r.get(3)?,
        verdict: r.get(4)?,
        suggested_stage: r.get(5)?,
        suggested_owner: r.get(6)?,
        note: r.get(7)?,
        created_at: r.get(8)?,
        withdrawn_at: r.get(9)?,
        checklist: r.get(10)?,
        seq: r.get(11)?,
        signature: r.get(12)?,
        withdrawal_signature: r.get(13)?,
    })
}

impl Store {
    /// Hands `emit` every review and lead decision in the store made (or withdrawn) at or after
    /// `since` ('YYYY-MM-DD…'; `None`: all), one at a time in a stable order, then every
    /// calibration; the reviews those decisions are about come along, so the bundle stands on
    /// its own. Records made here come without a signature (the bundle writer signs them). On
    /// a file copied from a team server for one of its users the server's records copied with
    /// it are passed over (the server has them): how many is the answer.
    pub fn bundle_records<E: From<StoreError>>(
        &self,
        since: Option<&str>,
        mut emit: impl FnMut(Record) -> Result<(), E>,
    ) -> Result<u64, E> {
        let since = since.unwrap_or("");
        let copied = super::copied::read(&self.conn)?.unwrap_or_default();
        let mut from_server = 0u64;
        let names = self.field_names()?;
        // A store read as it is may be older than the columns.
        let judged = if self.schema_version()? >= super::schema::JUDGED_FROM {
            "judged, judged_signature"
        } else {
            "NULL, NULL"
        };
        let each = |sql: &str,
                    emit: &mut dyn FnMut(&rusqlite::Row<'_>) -> Result<(), E>|
         -> Result<(), E> {
            let mut stmt = self.conn.prepare(sql).map_err(StoreError::from)?;
            let mut rows = stmt.query([since]).map_err(StoreError::from)?;
            while let Some(row) = rows.next().map_err(StoreError::from)? {
                emit(row)?;
            }
            Ok(())
        };
        each(
            &format!(
                "SELECT {REVIEW_COLUMNS}, {judged}, rowid FROM reviews
                 WHERE created_at >= ?1 OR withdrawn_at >= ?1
                    OR id IN (SELECT review_id FROM lead_decisions
                              WHERE created_at >= ?1 OR withdrawn_at >= ?1)
                 ORDER BY created_at, rowid"
            ),
            &mut |row| {
                if row.get::<_, i64>(22).map_err(StoreError::from)? <= copied.reviews {
                    from_server += 1;
                    return Ok(());
                }
                let review = review_judged_of(row, &names).map_err(StoreError::from)?;
                emit(Record::Review(review))
            },
        )?;
        each(
            &format!(
                "SELECT {DECISION_COLUMNS}, rowid FROM lead_decisions
                 WHERE created_at >= ?1 OR withdrawn_at >= ?1 ORDER BY created_at, rowid"
            ),
            &mut |row| {
                if row.get::<_, i64>(14).map_err(StoreError::from)? <= copied.decisions {
                    from_server += 1;
                    return Ok(());
                }
                emit(Record::Decision(
                    decision_of(row).map_err(StoreError::from)?,
                ))
            },
        )?;
        // Calibrations are few and small: every one goes, whatever `since` says, with its end.
        let signatures = self.calibration_signatures()?;
        for c in self.calibrations()? {
            let ended = c.end.as_ref().map(|e| e.at.as_str());
            if copied.calibration(&c.id, ended) {
                from_server += 1;
                continue;
            }
            let (signature, end) = signatures.get(&c.id).cloned().unwrap_or_default();
            emit(Record::Calibration(CalibrationRecord::of(
                c, signature, end,
            )))?;
        }
        Ok(from_server)
    }

    /// The names records made here were made under, distinct and sorted (see
    /// [`crate::domain::ports::BundleSource::own_authors`]).
    pub fn own_authors(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare(OWN_AUTHORS)?;
        let mut names: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        names.sort();
        Ok(names)
    }

    /// Each calibration's signatures as they came in bundles: its creator's, and its ender's.
    fn calibration_signatures(&self) -> Result<HashMap<String, Signatures>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, signature, end_signature FROM calibrations")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Opens a merge: one transaction holding the store's write lock until
    /// [`MergeTx::commit`]; dropped without it, the merge changes nothing.
    pub fn begin_merge(&mut self) -> Result<MergeTx<'_>, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        Ok(MergeTx {
            tx,
            keys: std::cell::OnceCell::new(),
        })
    }
}

/// A calibration's signatures as the store holds them: its creator's and its ender's (`None`:
/// made here, or not ended).
pub(crate) type Signatures = (Option<String>, Option<String>);

/// `meta` key: the okk user a store file was copied for from a team server (`okk db copy URL
/// FILE` by a login mapped to one): whose work its bundles carry when no `--as` names one.
pub(crate) const SIGNS_AS: &str = "signs_as";

/// Whose records this store made (unsigned: its own key signs them on export), on either
/// backend.
pub(crate) const OWN_AUTHORS: &str = "
SELECT auditor FROM reviews WHERE signature IS NULL
UNION SELECT lead FROM lead_decisions WHERE signature IS NULL
UNION SELECT created_by FROM calibrations WHERE signature IS NULL
UNION SELECT ended_by FROM calibrations WHERE ended_by IS NOT NULL AND end_signature IS NULL";

/// The lead's records made in this store (see `BundleSource::own_leads`), on either backend.
pub(crate) const OWN_LEADS: &str = "
SELECT lead FROM lead_decisions WHERE signature IS NULL
UNION SELECT created_by FROM calibrations WHERE signature IS NULL
UNION SELECT ended_by FROM calibrations WHERE ended_by IS NOT NULL AND end_signature IS NULL";

impl crate::domain::ports::BundleSource for Store {
    fn trusted_keys(&self) -> StoreResult<Vec<TrustedKey>> {
        Store::trusted_keys(self)
    }

    fn own_authors(&self) -> StoreResult<Vec<String>> {
        Store::own_authors(self)
    }

    fn own_leads(&self) -> StoreResult<Vec<String>> {
        let mut stmt = self.conn.prepare(OWN_LEADS)?;
        let mut names: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        names.sort();
        Ok(names)
    }

    fn signs_as(&self) -> StoreResult<Option<String>> {
        self.meta(SIGNS_AS)
    }

    fn bundle_records<E: From<StoreError>>(
        &self,
        since: Option<&str>,
        emit: impl FnMut(Record) -> Result<(), E>,
    ) -> Result<u64, E> {
        Store::bundle_records(self, since, emit)
    }
}

pub use crate::domain::ports::RecordTable;

/// The auditor's current review of a card with no standing decision of the lead, on either
/// backend (`?N` and `$N` both number parameters in SQLite).
pub(crate) const CURRENT_UNDECIDED: &str = "SELECT r.id FROM reviews r
     WHERE r.card_source = $1 AND r.card_external_id = $2 AND r.auditor = $3
       AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM lead_decisions d
                       WHERE d.review_id = r.id AND d.withdrawn_at IS NULL)";

/// A merge's transaction on a store file (the port: `domain::ports::MergeTx`).
pub struct MergeTx<'a> {
    tx: rusqlite::Transaction<'a>,
    /// The store's field ids, read at the first review that brings the card as judged.
    keys: std::cell::OnceCell<FieldKeys>,
}

impl crate::domain::ports::MergeStore for Store {
    fn begin_merge(&mut self) -> StoreResult<Box<dyn crate::domain::ports::MergeTx + '_>> {
        Ok(Box::new(Store::begin_merge(self)?))
    }
}

impl crate::domain::ports::MergeTx for MergeTx<'_> {
    fn trusted_keys(&self) -> StoreResult<Vec<TrustedKey>> {
        super::trust::trusted_keys(&self.tx)
    }

    fn calibrations(&self) -> StoreResult<Vec<Calibration>> {
        super::calibration::calibrations_in(&self.tx)
    }

    /// The review stored under `id`, as a record, with the withdrawal it holds.
    fn review(&self, id: &str) -> StoreResult<Option<ReviewRecord>> {
        Ok(self
            .tx
            .prepare_cached(&format!(
                "SELECT {HOLDING_COLUMNS} FROM reviews WHERE id = ?1"
            ))?
            .query_row([id], review_of)
            .optional()?)
    }

    /// Adds a review from elsewhere (linked to its card if the card is here), the card as
    /// judged (checked by the merge) keyed by this store's field ids.
    fn insert_review(&self, r: &ReviewRecord) -> StoreResult<()> {
        let judged = match r.judged.as_deref().map(AsJudged::parse) {
            Some(Ok(j)) => {
                let keys = match self.keys.get() {
                    Some(k) => k,
                    None => {
                        let keys = Store::field_names_on(&self.tx)?.keys();
                        self.keys.get_or_init(|| keys)
                    }
                };
                Some(super::as_judged::encode(&j, keys))
            }
            _ => None,
        };
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO reviews ({REVIEW_COLUMNS}, judged, judged_signature, card_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                         ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
                         (SELECT c.id FROM cards c
                          WHERE c.source = ?2 AND c.external_id = ?3))"
            ))?
            .execute(params![
                r.id,
                r.card_source,
                r.card_external_id,
                r.auditor,
                r.stage,
                r.verdict,
                r.checklist,
                r.score,
                r.suggested_stage,
                r.suggested_owner,
                r.corrections,
                r.comment,
                r.card_hash,
                r.funnel_fingerprint,
                r.created_at,
                r.seconds_spent,
                r.supersedes,
                r.withdrawn_at,
                r.signature,
                r.withdrawal_signature,
                judged,
                judged.as_ref().and(r.judged_signature.as_ref()),
            ])?;
        Ok(())
    }

    /// The decision stored under `id`, as a record.
    fn decision(&self, id: &str) -> StoreResult<Option<DecisionRecord>> {
        Ok(self
            .tx
            .prepare_cached(&format!(
                "SELECT {DECISION_COLUMNS} FROM lead_decisions WHERE id = ?1"
            ))?
            .query_row([id], decision_of)
            .optional()?)
    }

    fn insert_decision(&self, d: &DecisionRecord) -> StoreResult<()> {
        self.tx
            .prepare_cached(&format!(
                "INSERT INTO lead_decisions ({DECISION_COLUMNS})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
            ))?
            .execute(params![
                d.id,
                d.review_id,
                d.lead,
                d.decision,
                d.verdict,
                d.suggested_stage,
                d.suggested_owner,
                d.note,
                d.created_at,
                d.withdrawn_at,
                d.checklist,
                d.seq,
                d.signature,
                d.withdrawal_signature,
            ])?;
        Ok(())
    }

    /// Whether the calibration stored under `id` was made here (it has no signature).
    fn calibration_made_here(&self, id: &str) -> StoreResult<bool> {
        Ok(self.tx.query_row(
            "SELECT signature IS NULL FROM calibrations WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    fn calibration_end_signature(&self, id: &str) -> StoreResult<Option<String>> {
        Ok(self.tx.query_row(
            "SELECT end_signature FROM calibrations WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?)
    }

    /// Adds a calibration from elsewhere, with its signature (and its end's).
    fn insert_calibration(&self, c: &CalibrationRecord) -> StoreResult<()> {
        super::calibration::insert_calibration(&self.tx, &c.calibration_ended())?;
        self.tx.execute(
            "UPDATE calibrations SET signature = ?2, end_signature = ?3 WHERE id = ?1",
            params![c.calibration.id, c.signature, c.end_signature],
        )?;
        Ok(())
    }

    fn set_calibration_end(
        &self,
        id: &str,
        end: &Ended,
        signature: Option<&str>,
    ) -> StoreResult<()> {
        self.tx.execute(
            "UPDATE calibrations SET ended_at = ?2, ended_by = ?3, end_signature = ?4
             WHERE id = ?1",
            params![id, end.at, end.by, signature],
        )?;
        Ok(())
    }

    fn set_signature(&self, table: RecordTable, id: &str, signature: &str) -> StoreResult<()> {
        self.tx
            .prepare_cached(&format!(
                "UPDATE {} SET signature = ?2 WHERE id = ?1",
                table.name()
            ))?
            .execute(params![id, signature])?;
        Ok(())
    }

    /// Keeps the earliest withdrawal of a record; true if the stored one changed.
    fn earliest_withdrawal(
        &self,
        table: RecordTable,
        id: &str,
        at: &Option<String>,
        sig: &Option<String>,
    ) -> StoreResult<bool> {
        earliest_withdrawal(&self.tx, table.name(), id, at, sig)
    }

    fn reweigh(&self, id: &str, incoming: &[Withdrawal]) -> StoreResult<Option<Reweighed>> {
        super::withdrawals::reweigh_review(&self.tx, id, incoming)
    }

    /// Records a key the merge trusted by itself.
    fn trust(&self, k: &TrustedKey) -> StoreResult<()> {
        super::trust::insert(&self.tx, k)
    }

    /// Derives afresh which of the auditor's reviews of the card is current.
    fn settle(&self, source: &str, external_id: &str, auditor: &str) -> StoreResult<()> {
        settle_current(&self.tx, source, external_id, auditor)
    }

    fn settled_cards(&self) -> StoreResult<crate::domain::settled::SettledCards> {
        super::decisions::settled_cards_in(&self.tx, None)
    }

    fn current_undecided(
        &self,
        source: &str,
        external_id: &str,
        auditor: &str,
    ) -> StoreResult<Option<String>> {
        Ok(self
            .tx
            .prepare_cached(CURRENT_UNDECIDED)?
            .query_row(params![source, external_id, auditor], |r| r.get(0))
            .optional()?)
    }

    fn waiting_among(&self, ids: &[String]) -> StoreResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let ids = serde_json::json!(ids).to_string();
        Ok(self.tx.query_row(
            "SELECT count(*) FROM reviews
             WHERE card_id IS NULL AND id IN (SELECT value FROM json_each(?1))",
            [ids],
            |r| r.get::<_, i64>(0),
        )? as u64)
    }

    fn commit(self: Box<Self>) -> StoreResult<()> {
        Ok(self.tx.commit()?)
    }
}

/// Keeps the earliest withdrawal (and its signature; at one time, the lower signature, a
/// withdrawal made here first). True if the stored one changed.
fn earliest_withdrawal(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    id: &str,
    at: &Option<String>,
    sig: &Option<String>,
) -> Result<bool, StoreError> {
    Ok(tx
        .prepare_cached(&format!(
            "UPDATE {table} SET withdrawn_at = ?2, withdrawal_signature = ?3
             WHERE id = ?1 AND (withdrawn_at IS NULL
                 OR (?2, ?3) < (withdrawn_at, coalesce(withdrawal_signature, '')))"
        ))?
        .execute(params![id, at, sig])?
        > 0)
}
