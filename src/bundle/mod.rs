//! Moving reviews and lead decisions between laptops: a bundle is one file of JSON lines, a
//! header that names the format version, one record per line, and a trailer with the count and
//! a SHA-256 of everything before it. A bundle that is cut short, altered or of an unknown
//! version is refused whole, before anything is merged.

mod format;

pub use format::{BundleError, read, write};

use serde::{Deserialize, Serialize};

/// The format this okk writes and reads.
pub const VERSION: u32 = 1;

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
}

/// What a bundle holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bundle {
    pub created_at: String,
    pub reviews: Vec<ReviewRecord>,
    pub decisions: Vec<DecisionRecord>,
    /// Calibrations, so that their cards reach the auditors' queues.
    pub calibrations: Vec<crate::store::calibration::Calibration>,
}
