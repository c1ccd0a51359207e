//! Moving reviews and lead decisions between laptops: a bundle is one file of JSON lines, a
//! header that names the format version and the signer's key, one signed record per line, and a
//! trailer with the count, a SHA-256 of everything before it and the signer's signature of that.
//! A bundle that is cut short, altered, forged or of an unknown version is refused whole.

mod format;
pub mod keyring;
pub mod merge;
pub mod outgoing;
pub mod sign;
pub mod times;

pub use format::{BundleError, Header, Reader, Vouch, Writer, check, check_each};

/// The records a bundle carries are the domain's (the store reads and writes them too).
pub use crate::domain::records::{CalibrationRecord, DecisionRecord, Record, ReviewRecord};

/// The format this okk writes and reads (1 was unsigned).
pub const VERSION: u32 = 2;
