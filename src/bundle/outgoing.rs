//! What a bundle from this store may carry. A record travels signed by its author: one that came
//! from elsewhere keeps its signature; one made here is signed by this okk's key, which signs
//! for one name, the bundle's signer. A record made here in another name (a store copied from a
//! team server, a file several auditors share) is left out: no key here may sign it, and a
//! store that takes bundles refuses a record in one name signed by another's key.

use std::collections::{BTreeMap, HashSet};

use super::Record;

/// Sorts a store's records into those a bundle signed for `signer` carries and those it leaves
/// out (counted by author).
pub struct Outgoing {
    signer: String,
    /// The reviews left out: a decision about one of them is left out too (a store that has
    /// not got the review cannot hold a decision on it).
    reviews_left_out: HashSet<String>,
    /// Records left out, by their author's name.
    pub left_out: BTreeMap<String, u64>,
}

impl Outgoing {
    pub fn new(signer: &str) -> Outgoing {
        Outgoing {
            signer: signer.to_string(),
            reviews_left_out: HashSet::new(),
            left_out: BTreeMap::new(),
        }
    }

    /// `record` as the bundle carries it, or `None`: left out. A withdrawal made here of a
    /// record in another's name goes without the withdrawal (the signer's key may not sign
    /// it); the record itself travels with its author's signature.
    pub fn take(&mut self, mut record: Record) -> Option<Record> {
        let signer = self.signer.as_str();
        let mine = |author: &str| author == signer;
        let author = match &mut record {
            Record::Review(r) => {
                if r.signature.is_none() && !mine(&r.auditor) {
                    self.reviews_left_out.insert(r.id.clone());
                    Some(r.auditor.clone())
                } else {
                    if r.withdrawal_signature.is_none() && !mine(&r.auditor) {
                        r.withdrawn_at = None;
                    }
                    // The card as judged goes signed by its author, or not at all.
                    if r.judged_signature.is_none() && !mine(&r.auditor) {
                        r.judged = None;
                    }
                    None
                }
            }
            Record::Decision(d) => {
                if (d.signature.is_none() && !mine(&d.lead))
                    || self.reviews_left_out.contains(&d.review_id)
                {
                    Some(d.lead.clone())
                } else {
                    if d.withdrawal_signature.is_none() && !mine(&d.lead) {
                        d.withdrawn_at = None;
                    }
                    None
                }
            }
            Record::Calibration(c) => {
                if c.signature.is_none() && !mine(&c.calibration.created_by) {
                    Some(c.calibration.created_by.clone())
                } else {
                    // An end made here in another's name goes without the end, as a
                    // withdrawal does: the signer's key may not sign it.
                    if c.end_signature.is_none() && !c.ended_by.as_deref().is_some_and(mine) {
                        c.ended_at = None;
                        c.ended_by = None;
                    }
                    None
                }
            }
        };
        match author {
            Some(name) => {
                *self.left_out.entry(name).or_default() += 1;
                None
            }
            None => Some(record),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::{CalibrationRecord, DecisionRecord, ReviewRecord};

    fn review(id: &str, auditor: &str, signature: Option<&str>) -> ReviewRecord {
        ReviewRecord {
            id: id.into(),
            card_source: "amocrm".into(),
            card_external_id: "1".into(),
            auditor: auditor.into(),
            stage: "Квалификация".into(),
            verdict: "ok".into(),
            checklist: "{}".into(),
            score: None,
            suggested_stage: None,
            suggested_owner: None,
            corrections: "{}".into(),
            comment: String::new(),
            card_hash: None,
            funnel_fingerprint: None,
            created_at: "2026-11-20 10:00:00".into(),
            seconds_spent: None,
            supersedes: None,
            withdrawn_at: None,
            signature: signature.map(String::from),
            withdrawal_signature: None,
            judged: None,
            judged_signature: None,
        }
    }

    fn decision(id: &str, review_id: &str, lead: &str) -> DecisionRecord {
        DecisionRecord {
            id: id.into(),
            review_id: review_id.into(),
            lead: lead.into(),
            decision: "accept".into(),
            verdict: None,
            suggested_stage: None,
            suggested_owner: None,
            note: String::new(),
            created_at: "2026-11-20 11:00:00".into(),
            withdrawn_at: None,
            checklist: None,
            seq: 1,
            signature: None,
            withdrawal_signature: None,
        }
    }

    #[test]
    fn a_bundle_carries_the_signer_s_own_records_and_others_only_as_their_authors_signed_them() {
        let mut out = Outgoing::new("vera");
        let kept = |r: Option<Record>| r.is_some();
        assert!(kept(out.take(Record::Review(review("v1", "vera", None)))));
        assert!(!kept(out.take(Record::Review(review("a1", "anna", None)))));
        assert!(kept(out.take(Record::Review(review(
            "a2",
            "anna",
            Some("k:s")
        )))));
        // The lead's decision made here is the lead's to sign; a decision on a review left out
        // goes neither, even signed.
        assert!(!kept(
            out.take(Record::Decision(decision("d1", "v1", "lena")))
        ));
        let mut signed = decision("d2", "a1", "lena");
        signed.signature = Some("k:s".into());
        assert!(!kept(out.take(Record::Decision(signed))));
        assert_eq!(
            out.left_out,
            BTreeMap::from([("anna".to_string(), 1), ("lena".to_string(), 2)])
        );
    }

    #[test]
    fn another_s_withdrawal_made_here_is_left_off_the_record_it_withdrew() {
        let mut out = Outgoing::new("vera");
        let mut r = review("a2", "anna", Some("k:s"));
        r.withdrawn_at = Some("2026-11-20 12:00:00".into());
        let Some(Record::Review(back)) = out.take(Record::Review(r.clone())) else {
            panic!("anna's signed review travels")
        };
        assert_eq!(back.withdrawn_at, None);
        // Her own withdrawal (or one signed elsewhere) goes with it.
        r.withdrawal_signature = Some("k:w".into());
        let Some(Record::Review(back)) = out.take(Record::Review(r)) else {
            panic!("anna's signed review travels")
        };
        assert!(back.withdrawn_at.is_some());
        let mut own = review("v1", "vera", None);
        own.withdrawn_at = Some("2026-11-20 12:00:00".into());
        let Some(Record::Review(back)) = out.take(Record::Review(own)) else {
            panic!("vera's own review travels")
        };
        assert!(back.withdrawn_at.is_some());
        assert!(out.left_out.is_empty());
    }

    /// The card as judged goes with another's review only signed by its author; the signer's
    /// own goes as it is (the writer signs it).
    #[test]
    fn another_s_card_as_judged_goes_only_signed_by_its_author() {
        let mut out = Outgoing::new("vera");
        let mut r = review("a2", "anna", Some("k:s"));
        r.judged = Some("{}".into());
        let Some(Record::Review(back)) = out.take(Record::Review(r.clone())) else {
            panic!("anna's signed review travels")
        };
        assert_eq!(back.judged, None);
        r.judged_signature = Some("k:j".into());
        let Some(Record::Review(back)) = out.take(Record::Review(r)) else {
            panic!("anna's signed review travels")
        };
        assert!(back.judged.is_some());
        let mut own = review("v1", "vera", None);
        own.judged = Some("{}".into());
        let Some(Record::Review(back)) = out.take(Record::Review(own)) else {
            panic!("vera's own review travels")
        };
        assert!(back.judged.is_some());
    }

    /// A calibration's end made here goes only in the bundle of the lead who ended it: in
    /// another's it travels without the end (the signer's key may not sign it), as another's
    /// withdrawal does; an end signed elsewhere travels as it came.
    #[test]
    fn an_end_made_here_by_another_goes_without_the_end() {
        use crate::domain::calibration::{Calibration, Ended};
        let c = Calibration {
            id: "c1".into(),
            stage: "Квалификация".into(),
            seed: 1,
            auditors: vec!["anna".into(), "boris".into()],
            created_by: "olga".into(),
            created_at: "2026-11-20 10:00:00".into(),
            cards: vec![("amocrm".into(), "1".into())],
            end: Some(Ended {
                at: "2026-11-21 10:00:00".into(),
                by: "lena".into(),
            }),
        };
        let record = |end_signature: Option<&str>| {
            Record::Calibration(CalibrationRecord::of(
                c.clone(),
                Some("k:s".into()),
                end_signature.map(String::from),
            ))
        };
        let ended = |r: Option<Record>| match r {
            Some(Record::Calibration(c)) => c.end().unwrap().map(|e| e.by),
            other => panic!("the calibration travels: {other:?}"),
        };
        assert_eq!(ended(Outgoing::new("olga").take(record(None))), None);
        assert_eq!(
            ended(Outgoing::new("lena").take(record(None))),
            Some("lena".into())
        );
        assert_eq!(
            ended(Outgoing::new("olga").take(record(Some("k:e")))),
            Some("lena".into())
        );
    }
}
