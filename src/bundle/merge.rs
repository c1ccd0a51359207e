//! Merging bundles into a store: each record must be signed by a key trusted under the name it
//! claims (a withdrawal: the author's or a lead's), dated within the window, and, if its id is
//! there already, hold what the store holds. All in one of the store's transactions
//! (`domain::ports::MergeTx`, a store file's or a server's): every file goes in, or on any
//! refusal nothing at all.
//!
//! Idempotent and order-independent: records are immutable and keyed by UUID; the only changes
//! a record can carry are a withdrawal and a calibration's end (never taken back; of two, the
//! earlier stands); which review is current is then derived afresh. A review's withdrawals
//! are weighed last, once every file's decisions are in, by `domain::withdrawal`'s rule
//! (docs/lead.md "An undo that comes in a bundle"): an auditor's undo stays out while a lead's
//! decision stands on the review, and for good once a decision was taken back after the undo
//! was made; the store holds it out rather than dropping it, so a take-back stamped before it
//! lets it apply. A decision the merge brings on a review the store holds withdrawn lifts the
//! withdrawal the same way, so the store ends as if the decision had come first; the report
//! names each one kept out or lifted.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;

use chrono::NaiveDateTime;

use super::keyring::{Keyring, Signer};
use super::sign::{PublicKey, Signature};
use super::{BundleError, CalibrationRecord, DecisionRecord, Reader, Record, ReviewRecord, times};
use crate::domain::as_judged::AsJudged;
use crate::domain::calibration::{Calibration, Ended};
use crate::domain::decision::DecisionKind;
use crate::domain::merge::{DecisionOverWithdrawal, MergeReport};
use crate::domain::ports::{MergeStore, MergeTx, RecordTable};
use crate::domain::trust::TrustedKey;
use crate::domain::withdrawal::{Overruling, Withdrawal};
use crate::store::StoreError;
use crate::store::cards::fmt_time;
use crate::text::bundle as msg;

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

/// Merges bundles into `store` in one transaction: all of them, or (on any refusal) nothing.
/// New records are added, a withdrawal is taken from either side (the earliest kept), and each
/// touched card's current review is derived again. One report per input.
pub fn merge_bundles<R: BufRead>(
    store: &mut dyn MergeStore,
    mut inputs: Vec<MergeInput<R>>,
    opts: &MergeOptions,
) -> Result<Vec<MergeReport>, MergeError> {
    let tx = store.begin_merge()?;
    let mut keyring = keyring(&*tx, opts.own)?;
    take_headers(&inputs, &mut keyring, opts.now)?;
    let calibrations = tx
        .calibrations()?
        .into_iter()
        .map(|c| (c.id.clone(), c))
        .collect();
    let mut merge = Merge {
        tx: &*tx,
        keyring: &mut keyring,
        calibrations,
        groups: BTreeMap::new(),
        withdrawals: Vec::new(),
        decided: Vec::new(),
        at_file: 0,
        reviews_seen: Vec::new(),
        now: opts.now,
    };
    let mut reports = Vec::new();
    for (i, input) in inputs.iter_mut().enumerate() {
        let how = opts
            .trust_on_first_use
            .then(|| msg::how_first_use(&input.name));
        merge.keyring.trust_on_first_use(how);
        merge.at_file = i;
        let mut report = merge.file(i, &mut input.reader)?;
        // The file's own reviews, new or known, whose card the store does not hold yet
        // (tester33 F11: every file was given the store's whole count).
        let seen = std::mem::take(&mut merge.reviews_seen);
        report.waiting_for_cards = tx.waiting_among(&seen)?;
        reports.push(report);
    }
    let mut groups = std::mem::take(&mut merge.groups);
    let withdrawals = std::mem::take(&mut merge.withdrawals);
    let decided = std::mem::take(&mut merge.decided);
    weigh_withdrawals(&*tx, withdrawals, decided, &mut groups, &mut reports)?;
    finish(tx, &keyring, &groups, opts.now, &mut reports)?;
    Ok(reports)
}

/// The store's trusted keys, and this okk's own.
fn keyring(tx: &dyn MergeTx, own: Option<PublicKey>) -> Result<Keyring, StoreError> {
    let trusted = tx.trusted_keys()?;
    Ok(Keyring::new(
        own,
        trusted
            .iter()
            .filter_map(|k| Some((PublicKey::parse(&k.key)?, k.name.clone(), k.lead))),
    ))
}

/// Headers first: a lead's vouches hold for every file of the call, whatever its order.
fn take_headers<R: BufRead>(
    inputs: &[MergeInput<R>],
    keyring: &mut Keyring,
    now: NaiveDateTime,
) -> Result<(), MergeError> {
    for (i, input) in inputs.iter().enumerate() {
        let refused = |why| MergeError::Refused {
            file: i,
            line: 1,
            why,
        };
        times::check("created_at", &input.reader.header.created_at, now).map_err(refused)?;
        keyring
            .take_vouches(&input.reader.header, &input.name)
            .map_err(refused)?;
    }
    Ok(())
}

/// A review's withdrawal a file brought, applied once every file's records are in.
struct Withdrawing {
    id: String,
    at: Option<String>,
    sig: Option<String>,
    /// The review came in this merge (inserted without the withdrawal): it counts as added,
    /// not as withdrawn.
    new: bool,
    file: usize,
}

/// Weighs again, once every file's records are in, each review the files brought a
/// withdrawal of or a decision on (taken back or not): `domain::withdrawal`'s rule, so that the
/// store ends as any store that took the same records in another order. Each file's report
/// names the withdrawals it brought that the lead's decisions keep out (`withdrawals_kept`),
/// and the file that brought a decision names the withdrawal it lifted off a review the store
/// held withdrawn (`withdrawals_lifted`); a withdrawal that now applies counts as one, in the
/// file that brought it (or the decision's take-back that let it through). The cards whose
/// reviews changed are settled at the end.
fn weigh_withdrawals(
    tx: &dyn MergeTx,
    withdrawals: Vec<Withdrawing>,
    decided: Vec<(String, usize)>,
    groups: &mut Groups,
    reports: &mut [MergeReport],
) -> Result<(), StoreError> {
    // Each review once, in the order the files brought it.
    let mut order = Vec::new();
    let mut brought: HashMap<String, Vec<Withdrawing>> = HashMap::new();
    for w in withdrawals {
        if !brought.contains_key(&w.id) {
            order.push(w.id.clone());
        }
        brought.entry(w.id.clone()).or_default().push(w);
    }
    let mut decided_in: HashMap<String, usize> = HashMap::new();
    for (id, file) in decided {
        if !brought.contains_key(&id) && !decided_in.contains_key(&id) {
            order.push(id.clone());
        }
        decided_in.entry(id).or_insert(file);
    }
    for id in order {
        let came = brought.remove(&id).unwrap_or_default();
        let incoming: Vec<Withdrawal> = (came.iter())
            .filter_map(|w| {
                Some(Withdrawal {
                    at: w.at.clone()?,
                    signature: w.sig.clone(),
                })
            })
            .collect();
        let Some(r) = tx.reweigh(&id, &incoming)? else {
            continue;
        };
        let told = |o: &Overruling| DecisionOverWithdrawal {
            review_id: id.clone(),
            card: r.card_external_id.clone(),
            auditor: r.auditor.clone(),
            lead: o.lead.clone(),
            decision: DecisionKind::from_name(&o.decision).unwrap_or(DecisionKind::Accept),
            taken_back: o.taken_back,
        };
        let first_came = came.first().map(|w| w.file);
        let decision_file = decided_in.get(&id).copied();
        if let Some(o) = &r.weighed.overruled_by {
            if r.was_withdrawn {
                let file = decision_file.or(first_came).unwrap_or(0);
                reports[file].withdrawals_lifted.push(told(o));
            }
            for w in &came {
                reports[w.file].withdrawals_kept.push(told(o));
            }
        }
        // A review this merge added counts as added, not as withdrawn.
        if r.weighed.applies()
            && !r.was_withdrawn
            && !came.iter().any(|w| w.new)
            && let Some(file) = first_came.or(decision_file)
        {
            reports[file].reviews_withdrawn += 1;
        }
        if r.changed() {
            groups
                .entry((r.card_source, r.card_external_id, r.auditor))
                .or_default();
        }
    }
    Ok(())
}

/// Records the keys the merge trusted, settles the touched cards' current reviews, counts the
/// reviews waiting for their cards and those that came after the lead's decision on theirs,
/// and commits.
fn finish(
    tx: Box<dyn MergeTx + '_>,
    keyring: &Keyring,
    groups: &Groups,
    now: NaiveDateTime,
    reports: &mut [MergeReport],
) -> Result<(), StoreError> {
    let now = fmt_time(&now);
    for k in &keyring.added {
        tx.trust(&TrustedKey {
            key: k.key.to_string(),
            name: k.name.clone(),
            lead: false,
            added_at: now.clone(),
            how: k.how.clone(),
        })?;
    }
    for (source, external_id, auditor) in groups.keys() {
        tx.settle(source, external_id, auditor)?;
    }
    count_after_decision(&*tx, groups, reports)?;
    if let Some(last) = reports.last_mut() {
        last.keys_added = keyring.added.len() as u64;
    }
    tx.commit()
}

/// Each (source, external id, auditor) a merge touched, with the newest review it brought of
/// them: their current review is derived again at the end.
type Groups = BTreeMap<(String, String, String), Option<Newest>>;

/// The newest review a merge brought of one auditor's card: the file it came in, its id and
/// when it was made.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Newest {
    created_at: String,
    id: String,
    file: usize,
}

/// Counts, per file, the new reviews that came after the lead's decision on their card: each
/// now its auditor's current review, with no decision of its own, on a card a decision
/// settles that does not settle it too (made after the decision, or re-judging the decided
/// review). The decision stands; the lead is told they wait.
fn count_after_decision(
    tx: &dyn MergeTx,
    groups: &Groups,
    reports: &mut [MergeReport],
) -> Result<(), StoreError> {
    if groups.values().all(Option::is_none) {
        return Ok(());
    }
    let settled = tx.settled_cards()?;
    if settled.is_empty() {
        return Ok(());
    }
    for ((source, external_id, auditor), newest) in groups {
        let (Some(newest), Some(s)) = (newest, settled.get(source, external_id)) else {
            continue;
        };
        if s.covers(auditor, &newest.created_at) {
            continue;
        }
        let current = tx.current_undecided(source, external_id, auditor)?;
        if current.as_deref() == Some(newest.id.as_str())
            && let Some(r) = reports.get_mut(newest.file)
        {
            r.after_decision += 1;
        }
    }
    Ok(())
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

struct Merge<'a> {
    tx: &'a dyn MergeTx,
    keyring: &'a mut Keyring,
    calibrations: HashMap<String, Calibration>,
    /// Every review touched, with the newest of them the merge added.
    groups: Groups,
    /// The reviews' withdrawals, weighed at the end ([`weigh_withdrawals`]).
    withdrawals: Vec<Withdrawing>,
    /// The reviews the files brought a decision on (taken back or not), with the file: their
    /// withdrawals are weighed again at the end ([`weigh_withdrawals`]).
    decided: Vec<(String, usize)>,
    /// The file being merged (its index among the inputs).
    at_file: usize,
    /// The ids of the reviews the file being merged carries, new or known.
    reviews_seen: Vec<String>,
    now: NaiveDateTime,
}

fn why<T>(r: Result<T, String>) -> Result<T, Refusal> {
    r.map_err(Refusal::Why)
}

/// A review or a decision as the merge's checks see it: its author signs the record, and a
/// withdrawal is signed apart (by the author or a lead).
struct Signed<'r> {
    id: &'r str,
    author: &'r str,
    created_at: &'r str,
    withdrawn_at: &'r Option<String>,
    signature: &'r Option<String>,
    signed_bytes: Vec<u8>,
    withdrawal_signature: &'r Option<String>,
    withdrawal_bytes: Option<Vec<u8>>,
}

/// The records [`Signed`] sees: reviews and decisions (their authors' fields have other names).
trait SignedRecord {
    fn signed(&self) -> Signed<'_>;
}

impl SignedRecord for ReviewRecord {
    fn signed(&self) -> Signed<'_> {
        Signed {
            id: &self.id,
            author: &self.auditor,
            created_at: &self.created_at,
            withdrawn_at: &self.withdrawn_at,
            signature: &self.signature,
            signed_bytes: self.signed_bytes(),
            withdrawal_signature: &self.withdrawal_signature,
            withdrawal_bytes: self.withdrawal_bytes(),
        }
    }
}

impl SignedRecord for DecisionRecord {
    fn signed(&self) -> Signed<'_> {
        Signed {
            id: &self.id,
            author: &self.lead,
            created_at: &self.created_at,
            withdrawn_at: &self.withdrawn_at,
            signature: &self.signature,
            signed_bytes: self.signed_bytes(),
            withdrawal_signature: &self.withdrawal_signature,
            withdrawal_bytes: self.withdrawal_bytes(),
        }
    }
}

/// The table a record is kept in.
trait Table {
    const TABLE: RecordTable;
}

impl Table for ReviewRecord {
    const TABLE: RecordTable = RecordTable::Reviews;
}

impl Table for DecisionRecord {
    const TABLE: RecordTable = RecordTable::Decisions;
}

/// A withdrawal the record carries, checked: (when, its signature).
type Checked = (Option<String>, Option<String>);

/// Whether the store held a review or a decision before the merge, and the withdrawal the
/// record carries (checked), which the caller applies.
enum Seen {
    New(Option<Checked>),
    Known(Option<Checked>),
}

impl Merge<'_> {
    /// Every record of one file; its report.
    fn file<R: BufRead>(
        &mut self,
        i: usize,
        reader: &mut Reader<R>,
    ) -> Result<MergeReport, MergeError> {
        let mut report = MergeReport::default();
        loop {
            let next = reader
                .next_record()
                .map_err(|error| MergeError::Bundle { file: i, error })?;
            let Some((line, record)) = next else {
                return Ok(report);
            };
            self.record(record, &mut report).map_err(|e| match e {
                Refusal::Why(why) => MergeError::Refused { file: i, line, why },
                Refusal::Store(e) => MergeError::Store(e),
            })?;
        }
    }

    fn record(&mut self, record: Record, report: &mut MergeReport) -> Result<(), Refusal> {
        match record {
            Record::Review(r) => self.review(r, report),
            Record::Decision(d) => self.decision(d, report),
            Record::Calibration(c) => self.calibration(c, report),
        }
    }

    /// The checks every review and decision passes: its times in the window, signed by a key
    /// trusted under its author's name (or this store's own, for a record made here), the same
    /// as the store's copy, and a withdrawal signed by the author or a lead.
    fn check(
        &mut self,
        r: &Signed<'_>,
        what: &str,
        here: Option<&Signed<'_>>,
    ) -> Result<Option<Checked>, Refusal> {
        why(times::check("created_at", r.created_at, self.now))?;
        why(times::check_opt(
            "withdrawn_at",
            r.withdrawn_at.as_deref(),
            self.now,
        ))?;
        let signature = r.signature.as_deref();
        let signer = why(self
            .keyring
            .signer(signature, &r.signed_bytes, r.author, what))?;
        why(authorised(
            &signer,
            r.author,
            here.map(|h| h.signature.is_none()),
            what,
        ))?;
        if here.is_some_and(|h| h.signed_bytes != r.signed_bytes) {
            return Err(Refusal::Why(msg::conflict(what)));
        }
        let Some(bytes) = &r.withdrawal_bytes else {
            return Ok(None);
        };
        let w = why(self.keyring.signer(
            r.withdrawal_signature.as_deref(),
            bytes,
            r.author,
            &msg::what_withdrawal(what),
        ))?;
        match &w {
            Signer::Own => {
                let made_here = here.is_some_and(|h| {
                    h.withdrawn_at == r.withdrawn_at && h.withdrawal_signature.is_none()
                });
                if !made_here {
                    return Err(Refusal::Why(msg::own_key_not_made_here(what)));
                }
            }
            Signer::Trusted { name, lead } => {
                if name != r.author && !lead {
                    return Err(Refusal::Why(msg::withdrawal_by_other(what, name)));
                }
            }
        }
        Ok(Some((
            r.withdrawn_at.clone(),
            r.withdrawal_signature.clone(),
        )))
    }

    fn review(&mut self, r: ReviewRecord, report: &mut MergeReport) -> Result<(), Refusal> {
        self.reviews_seen.push(r.id.clone());
        let here = self.tx.review(&r.id)?;
        let what = msg::what_review(&r.id, &r.auditor);
        let mut added = None;
        let (withdrawal, new) = match self.signed(&r, &what, here.as_ref())? {
            Seen::New(withdrawal) => {
                judged(&r, &what)?;
                // Its withdrawal waits for the end, with the others (a decision on it may
                // come in a later file).
                let mut bare = r.clone();
                bare.withdrawn_at = None;
                bare.withdrawal_signature = None;
                self.tx.insert_review(&bare)?;
                report.reviews_added += 1;
                // A withdrawn review is never current: nothing to tell the lead of.
                added = r.withdrawn_at.is_none().then(|| Newest {
                    created_at: r.created_at.clone(),
                    id: r.id.clone(),
                    file: self.at_file,
                });
                (withdrawal, true)
            }
            Seen::Known(withdrawal) => {
                report.reviews_known += 1;
                (withdrawal, false)
            }
        };
        if let Some((at, sig)) = withdrawal {
            self.withdrawals.push(Withdrawing {
                id: r.id.clone(),
                at,
                sig,
                new,
                file: self.at_file,
            });
        }
        let newest = self
            .groups
            .entry((r.card_source, r.card_external_id, r.auditor))
            .or_default();
        if added > *newest {
            *newest = added;
        }
        Ok(())
    }

    fn decision(&mut self, d: DecisionRecord, report: &mut MergeReport) -> Result<(), Refusal> {
        let here = self.tx.decision(&d.id)?;
        let what = msg::what_decision(&d.id, &d.lead);
        self.decided.push((d.review_id.clone(), self.at_file));
        match self.signed(&d, &what, here.as_ref())? {
            Seen::New(_) => {
                self.tx.insert_decision(&d)?;
                report.decisions_added += 1;
            }
            Seen::Known(withdrawal) => {
                report.decisions_known += 1;
                if let Some((at, sig)) = withdrawal {
                    self.tx
                        .earliest_withdrawal(RecordTable::Decisions, &d.id, &at, &sig)?;
                }
            }
        }
        Ok(())
    }

    /// A review or a decision checked against the store's copy of it (`here`); one the store
    /// holds keeps the lowest signature of the two. The caller adds a new one and applies the
    /// withdrawal (the earliest of the two is kept).
    fn signed<R: SignedRecord + Table>(
        &mut self,
        r: &R,
        what: &str,
        here: Option<&R>,
    ) -> Result<Seen, Refusal> {
        let (r, here) = (r.signed(), here.map(SignedRecord::signed));
        let withdrawal = self.check(&r, what, here.as_ref())?;
        let Some(h) = here else {
            return Ok(Seen::New(withdrawal));
        };
        self.tx
            .keep_lowest_signature(R::TABLE, r.id, h.signature.as_deref(), r.signature)?;
        Ok(Seen::Known(withdrawal))
    }

    fn calibration(
        &mut self,
        c: CalibrationRecord,
        report: &mut MergeReport,
    ) -> Result<(), Refusal> {
        let cal = &c.calibration;
        why(times::check("created_at", &cal.created_at, self.now))?;
        let what = msg::what_calibration(&cal.id, &cal.created_by);
        let here = self.calibrations.get(&cal.id).cloned();
        let made_here = match here {
            None => None,
            Some(_) => Some(self.tx.calibration_made_here(&cal.id)?),
        };
        let signer = why(self.keyring.signer(
            c.signature.as_deref(),
            &c.signed_bytes(),
            &cal.created_by,
            &what,
        ))?;
        why(authorised(&signer, &cal.created_by, made_here, &what))?;
        let end = c.end().map_err(|_| Refusal::Why(msg::half_an_end(&what)))?;
        if let Some(end) = &end {
            self.check_end(&c, end, here.as_ref())?;
        }
        let Some(h) = here else {
            self.tx.insert_calibration(&c)?;
            self.calibrations
                .insert(cal.id.clone(), c.calibration_ended());
            report.calibrations_added += 1;
            return Ok(());
        };
        if h.as_started() != *cal {
            return Err(Refusal::Why(msg::conflict(&what)));
        }
        let Some(end) = end else {
            // A record without the end (an older okk's, or sent before the lead ended it)
            // never takes the end back.
            return Ok(());
        };
        let takes = match &h.end {
            None => true,
            Some(held) if end.stands_before(held) => true,
            // The same end signed twice (two keys of one name): the lower signature stays,
            // whichever came first; one made here keeps none.
            Some(held) if *held == end => {
                let signature = self.tx.calibration_end_signature(&cal.id)?;
                matches!((signature, &c.end_signature), (Some(h), Some(s)) if s.as_str() < h.as_str())
            }
            Some(_) => false,
        };
        if takes {
            (self.tx).set_calibration_end(&cal.id, &end, c.end_signature.as_deref())?;
            if h.end.is_none() {
                report.calibrations_ended += 1;
            }
            let mut ended = h;
            ended.end = Some(end);
            self.calibrations.insert(cal.id.clone(), ended);
        }
        Ok(())
    }

    /// The checks a calibration's end passes: its time in the window and not before the
    /// calibration began, signed by a key trusted under its ender's name (or this store's own,
    /// for the end this store made), and the ender the lead who started it or a key trusted as
    /// a lead: who may start a calibration may end it.
    fn check_end(
        &mut self,
        c: &CalibrationRecord,
        end: &Ended,
        here: Option<&Calibration>,
    ) -> Result<(), Refusal> {
        let cal = &c.calibration;
        let what = msg::what_calibration_end(&cal.id, &end.by);
        why(times::check("ended_at", &end.at, self.now))?;
        if end.at < cal.created_at {
            return Err(Refusal::Why(msg::end_before_start(&what, &cal.created_at)));
        }
        let bytes = c.end_bytes().unwrap_or_default();
        let signer = why(self
            .keyring
            .signer(c.end_signature.as_deref(), &bytes, &end.by, &what))?;
        // This store's own key signs only the end this store holds, made here.
        let made_here = match here {
            None => None,
            Some(h) if h.end.as_ref() == Some(end) => {
                Some(self.tx.calibration_end_signature(&cal.id)?.is_none())
            }
            Some(_) => Some(false),
        };
        why(authorised(&signer, &end.by, made_here, &what))?;
        if let Signer::Trusted { lead: false, .. } = signer
            && end.by != cal.created_by
        {
            return Err(Refusal::Why(msg::end_not_lead(
                &what,
                &end.by,
                &cal.created_by,
            )));
        }
        Ok(())
    }
}

/// The card as judged a new review brings, if any, checked as the review is: within the bounds
/// okk writes it in, as okk writes it, and signed by the key that signed the review. (A review
/// the store holds keeps the snapshot it came with.)
fn judged(r: &ReviewRecord, what: &str) -> Result<(), Refusal> {
    let (Some(text), Some(bytes)) = (&r.judged, r.judged_bytes()) else {
        return Ok(());
    };
    let what = msg::what_judged(what);
    AsJudged::parse(text).map_err(|e| Refusal::Why(msg::judged_invalid(&what, &e)))?;
    let Some(signature) = r.judged_signature.as_deref() else {
        return Err(Refusal::Why(msg::unsigned(&what)));
    };
    let author = r.signature.as_deref().and_then(Signature::parse);
    let signed = Signature::parse(signature)
        .filter(|s| author.is_some_and(|a| a.key == s.key))
        .is_some_and(|s| s.verifies(&bytes));
    if !signed {
        return Err(Refusal::Why(msg::bad_signature(&what)));
    }
    Ok(())
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
