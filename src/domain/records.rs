//! Reviews, lead decisions and calibrations as they travel between stores in bundles: the
//! records, and the bytes their authors sign (pure data; the bundle format and its keys are
//! `bundle/`'s, the tables they go into the store's).

use serde::{Deserialize, Serialize};

/// One record of a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Record {
    Review(ReviewRecord),
    Decision(DecisionRecord),
    Calibration(CalibrationRecord),
}

/// A calibration as it travels, signed by the lead who started it; its end (when, by whom) goes
/// beside it, signed apart by whoever ended it. A record without an end reads and signs as
/// before ends existed, and an okk that knows none takes one with an end as an open calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRecord {
    /// As started (its `end` is the record's fields below).
    #[serde(flatten)]
    pub calibration: super::calibration::Calibration,
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended_by: Option<String>,
    /// The ender's signature of [`CalibrationRecord::end_bytes`] (`None` in the store: ended
    /// there, signed when exported).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_signature: Option<String>,
}

/// A calibration record whose end is half there (a time without who ended it, or the other
/// way): no end okk writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HalfAnEnd;

impl CalibrationRecord {
    /// `c` as a bundle carries it: its end beside it, with the signatures the store holds
    /// (`end_signature`: of its end, if it has one).
    pub fn of(
        c: super::calibration::Calibration,
        signature: Option<String>,
        end_signature: Option<String>,
    ) -> CalibrationRecord {
        let end = c.end.clone();
        CalibrationRecord {
            calibration: super::calibration::Calibration { end: None, ..c },
            signature,
            end_signature: end.as_ref().and(end_signature),
            ended_at: end.as_ref().map(|e| e.at.clone()),
            ended_by: end.map(|e| e.by),
        }
    }

    /// The end the record carries, if any; both its fields or neither.
    pub fn end(&self) -> Result<Option<super::calibration::Ended>, HalfAnEnd> {
        match (&self.ended_at, &self.ended_by) {
            (Some(at), Some(by)) => Ok(Some(super::calibration::Ended {
                at: at.clone(),
                by: by.clone(),
            })),
            (None, None) => Ok(None),
            _ => Err(HalfAnEnd),
        }
    }

    /// The calibration with the end the record carries (a half end is none).
    pub fn calibration_ended(&self) -> super::calibration::Calibration {
        super::calibration::Calibration {
            end: self.end().ok().flatten(),
            ..self.calibration.clone()
        }
    }
}

/// What a record's author signs: the record without its withdrawal and signatures (those are
/// signed apart, by whoever withdrew), as JSON, after a word that tells the kinds apart.
fn signed_json(kind: &str, value: &impl Serialize) -> Vec<u8> {
    let mut out = format!("okk {kind}\n").into_bytes();
    serde_json::to_writer(&mut out, value).expect("records serialise");
    out
}

impl ReviewRecord {
    pub fn signed_bytes(&self) -> Vec<u8> {
        let bare = ReviewRecord {
            withdrawn_at: None,
            signature: None,
            withdrawal_signature: None,
            judged: None,
            judged_signature: None,
            ..self.clone()
        };
        signed_json("review", &bare)
    }

    /// What the author signs of the card as judged (`None`: the record carries none): apart
    /// from the review, so that an okk that knows no snapshot still checks the review's own
    /// signature, and takes the review without it.
    pub fn judged_bytes(&self) -> Option<Vec<u8>> {
        let text = self.judged.as_ref()?;
        let mut out = format!("okk judged review {}\n", self.id).into_bytes();
        out.extend_from_slice(text.as_bytes());
        Some(out)
    }

    /// What the withdrawer signs (`None`: not withdrawn).
    pub fn withdrawal_bytes(&self) -> Option<Vec<u8>> {
        let at = self.withdrawn_at.as_ref()?;
        Some(format!("okk withdraw review {} {at}", self.id).into_bytes())
    }
}

impl DecisionRecord {
    pub fn signed_bytes(&self) -> Vec<u8> {
        let bare = DecisionRecord {
            withdrawn_at: None,
            signature: None,
            withdrawal_signature: None,
            ..self.clone()
        };
        signed_json("decision", &bare)
    }

    pub fn withdrawal_bytes(&self) -> Option<Vec<u8>> {
        let at = self.withdrawn_at.as_ref()?;
        Some(format!("okk withdraw decision {} {at}", self.id).into_bytes())
    }
}

impl CalibrationRecord {
    /// What its creator signs: the calibration as started (an end is signed apart).
    pub fn signed_bytes(&self) -> Vec<u8> {
        signed_json("calibration", &self.calibration.as_started())
    }

    /// What the ender signs (`None`: not ended): the calibration's id, when and who, as JSON
    /// (a name may hold spaces).
    pub fn end_bytes(&self) -> Option<Vec<u8>> {
        #[derive(Serialize)]
        struct End<'a> {
            id: &'a str,
            ended_at: &'a str,
            ended_by: &'a str,
        }
        let end = End {
            id: &self.calibration.id,
            ended_at: self.ended_at.as_deref()?,
            ended_by: self.ended_by.as_deref()?,
        };
        Some(signed_json("end calibration", &end))
    }
}

/// A review as it travels: everything but the local card id and the derived "current" cache.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewRecord {
    pub id: String,
    pub card_source: String,
    pub card_external_id: String,
    pub auditor: String,
    pub stage: String,
    pub verdict: String,
    pub checklist: String,
    pub score: Option<f64>,
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
    pub corrections: String,
    pub comment: String,
    pub card_hash: Option<i64>,
    pub funnel_fingerprint: Option<String>,
    pub created_at: String,
    pub seconds_spent: Option<f64>,
    pub supersedes: Option<String>,
    pub withdrawn_at: Option<String>,
    /// The author's signature (`None` in the store: made here, signed when exported).
    #[serde(default)]
    pub signature: Option<String>,
    /// The withdrawer's (the author's or a lead's) signature of the withdrawal.
    #[serde(default)]
    pub withdrawal_signature: Option<String>,
    /// The card as its auditor judged it (`domain::as_judged`'s text, custom fields by name),
    /// if the review kept it. Written only when there is one: a record without it signs and
    /// reads as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged: Option<String>,
    /// The author's signature of [`ReviewRecord::judged_bytes`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judged_signature: Option<String>,
}

/// A lead's decision on a review; never changed once made (a later decision supersedes it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub id: String,
    pub review_id: String,
    pub lead: String,
    pub decision: String,
    pub verdict: Option<String>,
    pub suggested_stage: Option<String>,
    pub suggested_owner: Option<String>,
    pub note: String,
    pub created_at: String,
    #[serde(default)]
    pub withdrawn_at: Option<String>,
    /// The lead's checklist answers (JSON), when they differ from the auditor's.
    #[serde(default)]
    pub checklist: Option<String>,
    /// Its place among the decisions on the review.
    #[serde(default)]
    pub seq: i64,
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub withdrawal_signature: Option<String>,
}
