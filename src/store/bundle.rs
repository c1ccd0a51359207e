//! Bundles in and out of the store: every review and lead decision since a date, streamed out a
//! row at a time, and a merge that checks each record's signature, name and times, refuses a
//! record whose id is here with other content, and is idempotent and order-independent (records
//! are immutable and keyed by UUID; the only change a record can carry is a withdrawal, of which
//! the earliest is kept; which review is current is then derived afresh).

use std::collections::{BTreeSet, HashMap};
use std::io::BufRead;

use chrono::NaiveDateTime;
use rusqlite::{OptionalExtension, params};

use super::calibration::Calibration;
use super::reviews::settle_current;
use super::{Store, StoreError};
use crate::bundle::keyring::{Keyring, Signer};
use crate::bundle::sign::PublicKey;
use crate::bundle::{
    BundleError, CalibrationRecord, DecisionRecord, Reader, Record, ReviewRecord, times,
};
use crate::text::bundle as msg;

pub use crate::domain::merge::MergeReport;

/// Why a merge changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// The bundle at `file` (its index among the inputs) is damaged.
    #[error("{error}")]
    Bundle { file: usize, error: BundleError },
    /// A record the store must not take: forged, unsigned, out of its time window, conflicting.
    #[error("{}", msg::bad_line(*.line, .why))]
    Refused {
        file: usize,
        line: usize,
        why: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for MergeError {
    fn from(e: rusqlite::Error) -> Self {
        MergeError::Store(e.into())
    }
}

impl MergeError {
    /// Index of the input file the refusal is about (`None`: the store failed).
    pub fn file(&self) -> Option<usize> {
        match self {
            MergeError::Bundle { file, .. } | MergeError::Refused { file, .. } => Some(*file),
            MergeError::Store(_) => None,
        }
    }
}

/// One bundle to merge: how messages name it, and its reader.
pub struct MergeInput<R: BufRead> {
    pub name: String,
    pub reader: Reader<R>,
}

/// What the merge trusts besides the store's keys.
pub struct MergeOptions {
    /// This okk's own public key: records signed with it must be ones this store made.
    pub own: Option<PublicKey>,
    /// Trust an unknown key on first use for a name that has none yet (recorded).
    pub trust_on_first_use: bool,
    /// The importing machine's clock: no record may be dated more than a day after it.
    pub now: NaiveDateTime,
}

const REVIEW_COLUMNS: &str = "id, card_source, card_external_id, auditor, stage, verdict, \
     checklist, score, suggested_stage, suggested_owner, corrections, comment, card_hash, \
     funnel_fingerprint, created_at, seconds_spent, supersedes, withdrawn_at, signature, \
     withdrawal_signature";

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
    })
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
    /// its own. Records made here come without a signature (the bundle writer signs them).
    pub fn bundle_records<E: From<StoreError>>(
        &self,
        since: Option<&str>,
        mut emit: impl FnMut(Record) -> Result<(), E>,
    ) -> Result<(), E> {
        let since = since.unwrap_or("");
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
                "SELECT {REVIEW_COLUMNS} FROM reviews
                 WHERE created_at >= ?1 OR withdrawn_at >= ?1
                    OR id IN (SELECT review_id FROM lead_decisions WHERE created_at >= ?1)
                 ORDER BY created_at, rowid"
            ),
            &mut |row| emit(Record::Review(review_of(row).map_err(StoreError::from)?)),
        )?;
        each(
            &format!(
                "SELECT {DECISION_COLUMNS} FROM lead_decisions
                 WHERE created_at >= ?1 OR withdrawn_at >= ?1 ORDER BY created_at, rowid"
            ),
            &mut |row| {
                emit(Record::Decision(
                    decision_of(row).map_err(StoreError::from)?,
                ))
            },
        )?;
        // Calibrations are few and small: every one goes, whatever `since` says.
        let signatures = self.calibration_signatures()?;
        for c in self.calibrations()? {
            let signature = signatures.get(&c.id).cloned().flatten();
            emit(Record::Calibration(CalibrationRecord {
                calibration: c,
                signature,
            }))?;
        }
        Ok(())
    }

    fn calibration_signatures(&self) -> Result<HashMap<String, Option<String>>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, signature FROM calibrations")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Merges bundles in one transaction: all of them, or (on any refusal) nothing at all.
    /// Each record must be signed by a key trusted under the name it claims (a withdrawal: the
    /// author's or a lead's), dated within the window, and, if its id is here, hold what the
    /// store holds. New records are added, a withdrawal is taken from either side (the
    /// earliest kept), and each touched card's current review is derived again.
    pub fn merge_bundles<R: BufRead>(
        &mut self,
        inputs: Vec<MergeInput<R>>,
        opts: &MergeOptions,
    ) -> Result<Vec<MergeReport>, MergeError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let trusted = super::trust::trusted_keys(&tx)?;
        let mut keyring = Keyring::new(
            opts.own,
            trusted
                .iter()
                .filter_map(|k| Some((PublicKey::parse(&k.key)?, k.name.clone(), k.lead))),
        );
        let mut inputs = inputs;
        // Headers first: a lead's vouches hold for every file of the call, whatever its order.
        for (i, input) in inputs.iter().enumerate() {
            let refused = |why| MergeError::Refused {
                file: i,
                line: 1,
                why,
            };
            times::check("created_at", &input.reader.header.created_at, opts.now)
                .map_err(refused)?;
            keyring
                .take_vouches(&input.reader.header, &input.name)
                .map_err(refused)?;
        }
        let calibrations: HashMap<String, Calibration> = {
            let all = super::calibration::calibrations_in(&tx)?;
            all.into_iter().map(|c| (c.id.clone(), c)).collect()
        };
        let mut merge = Merge {
            tx: &tx,
            keyring: &mut keyring,
            calibrations,
            groups: BTreeSet::new(),
            now: opts.now,
        };
        let mut reports = Vec::new();
        for (i, input) in inputs.iter_mut().enumerate() {
            merge.keyring.trust_on_first_use(
                opts.trust_on_first_use
                    .then(|| msg::how_first_use(&input.name)),
            );
            let mut report = MergeReport::default();
            loop {
                let next = input
                    .reader
                    .next_record()
                    .map_err(|error| MergeError::Bundle { file: i, error })?;
                let Some((line, record)) = next else { break };
                merge.record(record, &mut report).map_err(|e| match e {
                    Refusal::Why(why) => MergeError::Refused { file: i, line, why },
                    Refusal::Store(e) => MergeError::Store(e),
                })?;
            }
            reports.push(report);
        }
        let Merge {
            groups, keyring, ..
        } = merge;
        let now = super::cards::fmt_time(&opts.now);
        for k in &keyring.added {
            super::trust::insert(
                &tx,
                &super::trust::TrustedKey {
                    key: k.key.to_string(),
                    name: k.name.clone(),
                    lead: false,
                    added_at: now.clone(),
                    how: k.how.clone(),
                },
            )?;
        }
        for (source, external_id, auditor) in &groups {
            settle_current(&tx, source, external_id, auditor)?;
        }
        let waiting = tx.query_row(
            "SELECT count(*) FROM reviews WHERE card_id IS NULL",
            [],
            |r| r.get::<_, i64>(0),
        )? as u64;
        if let Some(last) = reports.last_mut() {
            last.keys_added = keyring.added.len() as u64;
        }
        for r in &mut reports {
            r.waiting_for_cards = waiting;
        }
        tx.commit()?;
        Ok(reports)
    }
}

enum Refusal {
    Why(String),
    Store(StoreError),
}

impl From<StoreError> for Refusal {
    fn from(e: StoreError) -> Self {
        Refusal::Store(e)
    }
}

impl From<rusqlite::Error> for Refusal {
    fn from(e: rusqlite::Error) -> Self {
        Refusal::Store(e.into())
    }
}

struct Merge<'a> {
    tx: &'a rusqlite::Transaction<'a>,
    keyring: &'a mut Keyring,
    calibrations: HashMap<String, Calibration>,
    groups: BTreeSet<(String, String, String)>,
    now: NaiveDateTime,
}

fn why<T>(r: Result<T, String>) -> Result<T, Refusal> {
    r.map_err(Refusal::Why)
}

impl Merge<'_> {
    fn record(&mut self, record: Record, report: &mut MergeReport) -> Result<(), Refusal> {
        match record {
            Record::Review(r) => self.review(r, report),
            Record::Decision(d) => self.decision(d, report),
            Record::Calibration(c) => self.calibration(c, report),
        }
    }

    fn review(&mut self, r: ReviewRecord, report: &mut MergeReport) -> Result<(), Refusal> {
        why(times::check("created_at", &r.created_at, self.now))?;
        why(times::check_opt(
            "withdrawn_at",
            r.withdrawn_at.as_deref(),
            self.now,
        ))?;
        let what = msg::what_review(&r.id, &r.auditor);
        let here: Option<ReviewRecord> = self
            .tx
            .prepare_cached(&format!(
                "SELECT {REVIEW_COLUMNS} FROM reviews WHERE id = ?1"
            ))?
            .query_row([&r.id], review_of)
            .optional()?;
        let signer =
            why(self
                .keyring
                .signer(r.signature.as_deref(), &r.signed_bytes(), &r.auditor, &what))?;
        why(authorised(
            &signer,
            &r.auditor,
            here.as_ref().map(|h| h.signature.is_none()),
            &what,
        ))?;
        if let Some(h) = &here
            && h.signed_bytes() != r.signed_bytes()
        {
            return Err(Refusal::Why(msg::conflict(&what)));
        }
        let withdrawal = match r.withdrawal_bytes() {
            None => None,
            Some(bytes) => {
                let w = why(self.keyring.signer(
                    r.withdrawal_signature.as_deref(),
                    &bytes,
                    &r.auditor,
                    &msg::what_withdrawal(&what),
                ))?;
                match &w {
                    Signer::Own => {
                        let made_here = here.as_ref().is_some_and(|h| {
                            h.withdrawn_at == r.withdrawn_at && h.withdrawal_signature.is_none()
                        });
                        if !made_here {
                            return Err(Refusal::Why(msg::own_key_not_made_here(&what)));
                        }
                    }
                    Signer::Trusted { name, lead } => {
                        if name != &r.auditor && !lead {
                            return Err(Refusal::Why(msg::withdrawal_by_other(&what, name)));
                        }
                    }
                }
                Some((r.withdrawn_at.clone(), r.withdrawal_signature.clone()))
            }
        };
        match here {
            None => {
                self.tx
                    .prepare_cached(&format!(
                        "INSERT INTO reviews ({REVIEW_COLUMNS}, card_id)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
                                 ?15, ?16, ?17, ?18, ?19, ?20,
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
                    ])?;
                report.reviews_added += 1;
            }
            Some(h) => {
                report.reviews_known += 1;
                keep_lowest_signature(
                    self.tx,
                    "reviews",
                    &r.id,
                    h.signature.as_deref(),
                    &r.signature,
                )?;
                if let Some((at, sig)) = withdrawal
                    && earliest_withdrawal(self.tx, "reviews", &r.id, &at, &sig)?
                    && h.withdrawn_at.is_none()
                {
                    report.reviews_withdrawn += 1;
                }
            }
        }
        self.groups
            .insert((r.card_source, r.card_external_id, r.auditor));
        Ok(())
    }

    fn decision(&mut self, d: DecisionRecord, report: &mut MergeReport) -> Result<(), Refusal> {
        why(times::check("created_at", &d.created_at, self.now))?;
        why(times::check_opt(
            "withdrawn_at",
            d.withdrawn_at.as_deref(),
            self.now,
        ))?;
        let what = msg::what_decision(&d.id, &d.lead);
        let here: Option<DecisionRecord> = self
            .tx
            .prepare_cached(&format!(
                "SELECT {DECISION_COLUMNS} FROM lead_decisions WHERE id = ?1"
            ))?
            .query_row([&d.id], decision_of)
            .optional()?;
        let signer =
            why(self
                .keyring
                .signer(d.signature.as_deref(), &d.signed_bytes(), &d.lead, &what))?;
        why(authorised(
            &signer,
            &d.lead,
            here.as_ref().map(|h| h.signature.is_none()),
            &what,
        ))?;
        if let Some(h) = &here
            && h.signed_bytes() != d.signed_bytes()
        {
            return Err(Refusal::Why(msg::conflict(&what)));
        }
        let withdrawal = match d.withdrawal_bytes() {
            None => None,
            Some(bytes) => {
                let w = why(self.keyring.signer(
                    d.withdrawal_signature.as_deref(),
                    &bytes,
                    &d.lead,
                    &msg::what_withdrawal(&what),
                ))?;
                match &w {
                    Signer::Own => {
                        let made_here = here.as_ref().is_some_and(|h| {
                            h.withdrawn_at == d.withdrawn_at && h.withdrawal_signature.is_none()
                        });
                        if !made_here {
                            return Err(Refusal::Why(msg::own_key_not_made_here(&what)));
                        }
                    }
                    Signer::Trusted { name, lead } => {
                        if name != &d.lead && !lead {
                            return Err(Refusal::Why(msg::withdrawal_by_other(&what, name)));
                        }
                    }
                }
                Some((d.withdrawn_at.clone(), d.withdrawal_signature.clone()))
            }
        };
        match here {
            None => {
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
                report.decisions_added += 1;
            }
            Some(h) => {
                report.decisions_known += 1;
                keep_lowest_signature(
                    self.tx,
                    "lead_decisions",
                    &d.id,
                    h.signature.as_deref(),
                    &d.signature,
                )?;
                if let Some((at, sig)) = withdrawal {
                    earliest_withdrawal(self.tx, "lead_decisions", &d.id, &at, &sig)?;
                }
            }
        }
        Ok(())
    }

    fn calibration(
        &mut self,
        c: CalibrationRecord,
        report: &mut MergeReport,
    ) -> Result<(), Refusal> {
        let cal = &c.calibration;
        why(times::check("created_at", &cal.created_at, self.now))?;
        let what = msg::what_calibration(&cal.id, &cal.created_by);
        let here = self.calibrations.get(&cal.id);
        let made_here: Option<bool> = match here {
            None => None,
            Some(_) => Some(self.tx.query_row(
                "SELECT signature IS NULL FROM calibrations WHERE id = ?1",
                [&cal.id],
                |r| r.get(0),
            )?),
        };
        let signer = why(self.keyring.signer(
            c.signature.as_deref(),
            &c.signed_bytes(),
            &cal.created_by,
            &what,
        ))?;
        why(authorised(&signer, &cal.created_by, made_here, &what))?;
        if let Some(h) = here {
            if h != cal {
                return Err(Refusal::Why(msg::conflict(&what)));
            }
            return Ok(());
        }
        super::calibration::insert_calibration(self.tx, cal)?;
        self.tx.execute(
            "UPDATE calibrations SET signature = ?2 WHERE id = ?1",
            params![cal.id, c.signature],
        )?;
        self.calibrations.insert(cal.id.clone(), cal.clone());
        report.calibrations_added += 1;
        Ok(())
    }
}

/// Whether `signer` may have made a record in `author`'s name: a key trusted as the author, or
/// this store's own key for a record this store made (`made_here`: the record is here, made
/// in this store).
fn authorised(
    signer: &Signer,
    author: &str,
    made_here: Option<bool>,
    what: &str,
) -> Result<(), String> {
    match signer {
        Signer::Own if made_here == Some(true) => Ok(()),
        Signer::Own => Err(msg::own_key_not_made_here(what)),
        Signer::Trusted { name, .. } if name == author => Ok(()),
        Signer::Trusted { name, .. } => Err(msg::forged_name(what, author, name)),
    }
}

/// Two valid signatures of one record (by two keys of one name): the store keeps the lower,
/// whichever came first. A record made here (no signature) keeps none.
fn keep_lowest_signature(
    tx: &rusqlite::Transaction<'_>,
    table: &str,
    id: &str,
    here: Option<&str>,
    incoming: &Option<String>,
) -> Result<(), StoreError> {
    if let (Some(h), Some(s)) = (here, incoming)
        && s.as_str() < h
    {
        tx.prepare_cached(&format!("UPDATE {table} SET signature = ?2 WHERE id = ?1"))?
            .execute(params![id, s])?;
    }
    Ok(())
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
