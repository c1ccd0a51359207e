//! What a CRM reader hands the sync: pages of deals as rows in the CRM's export shape (so the
//! file importer's profile, mapper and digest turn them into cards), deletions, and cursors.

use super::client::Client;
use super::sync::Failure;

/// One page of what changed, landed in one transaction with its cursors.
#[derive(Debug, Default)]
pub struct Page {
    /// One row per deal, cells in the order of the reader's header.
    pub rows: Vec<Vec<String>>,
    /// The deals' CRM ids, in the order of `rows`.
    pub ids: Vec<String>,
    /// Deals the API returned (repeats of this run's earlier pages included).
    pub read: u64,
    /// CRM ids of deals the CRM deleted.
    pub deleted: Vec<String>,
    /// When deals entered a stage, as the CRM recorded the move (its stage history).
    pub moves: Vec<StageMove>,
    /// The deals' cursor after this page (`None`: unchanged).
    pub cursor: Option<i64>,
    pub events_cursor: Option<i64>,
    /// Where an unfinished run stands, for a reader whose cursor only moves at the end of a
    /// run (Bitrix24 pages by id): saved with the page, `None` once the run is through.
    pub resume: Option<String>,
}

/// A deal's move into a stage, at the CRM's own time (as the deals' dates are kept: amoCRM's in
/// UTC, Bitrix24's on the portal's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMove {
    pub deal: String,
    /// The stage's name, as the deal's rows name it.
    pub stage: String,
    pub at: chrono::NaiveDateTime,
}

pub enum Step {
    Page(Page),
    Done,
}

/// A CRM's read side, page by page.
pub trait Reader {
    /// The column names of every row (fixed once the metadata is read).
    fn header(&self) -> &[String];
    /// Things the user should know that did not stop the sync (each said once).
    fn warnings(&mut self) -> Vec<String>;
    fn next(&mut self, client: &mut Client) -> Result<Step, Failure>;
    /// The deals the CRM lists now (after a full sweep): the store's others are gone.
    /// `None` when this sweep did not read every deal.
    fn all_ids(&self) -> Option<&std::collections::HashSet<String>> {
        None
    }
}

/// A Unix time as the CRM exports write it (UTC: the API gives no account time zone).
pub fn fmt_unix(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.naive_utc().format("%d.%m.%Y %H:%M:%S").to_string())
        .unwrap_or_default()
}

/// A cursor as the report shows it (ISO 8601, UTC).
pub fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.naive_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
