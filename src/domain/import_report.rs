//! What a file import found and chose, for its report: the encoding and why, the profile and
//! why (or the one the headers came closest to), the counts, value warnings, unknown stages.

use serde::Serialize;

use super::SystemField;

/// Why the file's encoding was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Bom,
    ValidUtf8,
    /// UTF-8 but for a few bad bytes, which the reader then reports where they are.
    MostlyUtf8,
    /// Not UTF-8: the first byte UTF-8 cannot hold is on this line (of the first bytes).
    Guessed {
        line: u64,
    },
    Forced,
}

/// Why a profile was chosen, for the report.
#[derive(Debug, Clone)]
pub struct Detection {
    pub profile: String,
    pub matched: Vec<String>,
    pub known: usize,
    pub runner_up: Option<(String, usize)>,
}

/// The profile headers come closest to when no profile finds both an ID and a stage column:
/// what the refusal names, as `--profile NAME` would.
#[derive(Debug, Clone, PartialEq)]
pub struct NearMiss {
    pub profile: String,
    /// The file's headers the profile knows, in file order.
    pub matched: Vec<String>,
    /// The required fields it finds no column for, with the headers it looks for.
    pub missing: Vec<(SystemField, Vec<String>)>,
}

/// A stage the funnel does not know, and how many of the file's cards are in it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnknownStage {
    pub stage: String,
    pub cards: u64,
}

/// What one file's import did. Its JSON (`okk import --json`) is a machine contract.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub profile: String,
    pub profile_reason: String,
    pub encoding: String,
    pub encoding_reason: String,
    pub delimiter: Option<String>,
    pub sheet: Option<String>,
    pub source: String,
    pub rows: u64,
    pub cards: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub gone: u64,
    pub stage_changes: u64,
    /// Updated cards whose stage only has another name now, one the funnel has for the same
    /// stage (the CRM renamed it): no move, and unchanged for their reviews.
    pub stage_renames: u64,
    pub warnings: u64,
    pub warning_samples: Vec<Warning>,
    pub unknown_stages: Vec<UnknownStage>,
    /// Fields the funnel requires that no export of this source has had a column for (okk
    /// field names and custom field names): not flagged on the cards, said here once.
    pub absent_fields: Vec<String>,
    /// The file's columns no earlier import or sync of its source had, by their headers: the
    /// cards the store held take their values and are the cards their reviews saw (counted
    /// unchanged unless something else changed), said here once.
    pub new_columns: Vec<String>,
    /// Cards the store held that took a value in `new_columns`.
    pub new_column_cards: u64,
    /// Fields earlier imports or syncs of the source carried that the file has no column for
    /// (okk field names, custom field names as the cards hold them): it says nothing of them,
    /// and the cards keep the values they had.
    pub missing_columns: Vec<String>,
    pub dry_run: bool,
    /// The rules judged every card of this file in its pass, and every card in the store is
    /// judged for the import's rules marker: no rules run is needed after it.
    #[serde(skip)]
    pub judged: bool,
}

/// A problem with one value that does not stop the import.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warning {
    pub line: u64,
    pub column: String,
    pub message: String,
}
