//! What a CRM reader hands the sync: pages of deals as rows in the CRM's export shape (so the
//! file importer's profile, mapper and digest turn them into cards), deletions, and cursors.

use super::client::Client;
use super::sync::Failure;
use crate::domain::crm_stage::CrmStage;
use crate::domain::deal_note::DealNote;
use crate::domain::sync_report::Reading;

/// The columns a synced deal's closed and won come in, `Y`/`N` (the CRM profiles map them;
/// no CRM's file export has them: amoCRM's says it in the status, Bitrix24's in the stage).
pub const CLOSED_COLUMN: &str = "Сделка закрыта";
pub const WON_COLUMN: &str = "Сделка успешна";

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
    /// Notes on deals (amoCRM's notes, Bitrix24's timeline comments), which the cards show
    /// and the markers rules read.
    pub notes: Vec<DealNote>,
    /// Deals whose notes `notes` holds in full (Bitrix24 reads each deal's comments whole):
    /// the notes the store kept of them and `notes` no longer has go.
    pub notes_of: Vec<String>,
    /// The notes' cursor after this page (`None`: unchanged).
    pub notes_cursor: Option<i64>,
    /// The deals' cursor after this page (`None`: unchanged).
    pub cursor: Option<i64>,
    pub events_cursor: Option<i64>,
    /// Older moves of the run's are still to come (amoCRM's events, newest first, landed in
    /// parts): the visits these moves give may have others before them.
    pub older_moves: bool,
    /// Where an unfinished run stands, for a reader whose cursor only moves at the end of a
    /// run (Bitrix24 pages by id): saved with the page, `None` once the run is through.
    pub resume: Option<String>,
    /// What the page was read for (the progress line says it).
    pub reading: Reading,
}

/// A deal's move into a stage, at the CRM's own time (as the deals' dates are kept: amoCRM's in
/// UTC, Bitrix24's on the portal's clock).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageMove {
    pub deal: String,
    /// The stage's name, as the deal's rows name it.
    pub stage: String,
    /// Its pipeline's name, as the deal's rows name it (`None`: a stage the CRM did not list).
    pub pipeline: Option<String>,
    pub at: chrono::NaiveDateTime,
}

// One per HTTP request: moving a few hundred bytes is nothing beside it.
#[allow(clippy::large_enum_variant)]
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
    /// The CRM's pipelines and stages with its own order of them, as read with the metadata
    /// (every pipeline, not only the connection's).
    fn stages(&self) -> Vec<CrmStage>;
    fn next(&mut self, client: &mut Client) -> Result<Step, Failure>;

    /// A page the sync has landed, back on the reading thread: its strings are freed (or
    /// reused) by the thread that made them (freeing another thread's memory cost a first
    /// sync's writer a twentieth of its time).
    fn recycle(&mut self, page: Page) {
        drop(page);
    }
}

/// A row of `width` empty cells, a landed row's strings when there is one (its cells written
/// again, not made anew).
pub fn empty_row(spare: &mut Vec<Vec<String>>, width: usize) -> Vec<String> {
    let mut cells = spare.pop().unwrap_or_default();
    cells.truncate(width);
    cells.iter_mut().for_each(String::clear);
    cells.resize(width, String::new());
    cells
}

/// A Unix time as the CRM exports write it (UTC: the API gives no account time zone), written
/// at the end of `out`.
pub fn push_unix(out: &mut String, t: i64) {
    if let Some(d) = chrono::DateTime::from_timestamp(t, 0) {
        push_naive(out, d.naive_utc());
    }
}

/// A wall-clock time as the CRM exports write it: `31.12.2026 09:05:00`.
pub fn fmt_naive(d: chrono::NaiveDateTime) -> String {
    let mut s = String::new();
    push_naive(&mut s, d);
    s
}

/// [`fmt_naive`], written at the end of `out`.
pub fn push_naive(out: &mut String, d: chrono::NaiveDateTime) {
    use chrono::{Datelike, Timelike};
    use std::fmt::Write;
    // By hand: chrono's `format` parses its pattern for every date of every deal.
    if !(0..=9999).contains(&d.year()) {
        let _ = write!(out, "{}", d.format("%d.%m.%Y %H:%M:%S"));
        return;
    }
    let digits = |n: u32| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
    let [d1, d2] = digits(d.day());
    let [m1, m2] = digits(d.month());
    let [c1, c2] = digits(d.year() as u32 / 100);
    let [y1, y2] = digits(d.year() as u32 % 100);
    let [h1, h2] = digits(d.hour());
    let [i1, i2] = digits(d.minute());
    let [s1, s2] = digits(d.second());
    let bytes = [
        d1, d2, b'.', m1, m2, b'.', c1, c2, y1, y2, b' ', h1, h2, b':', i1, i2, b':', s1, s2,
    ];
    // Digits and separators: ASCII (collecting chars grew the string by each).
    out.push_str(std::str::from_utf8(&bytes).unwrap_or_default());
}

/// A cursor as the report shows it (ISO 8601, UTC).
pub fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.naive_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    fn fmt_unix(t: i64) -> String {
        let mut s = String::new();
        super::push_unix(&mut s, t);
        s
    }

    #[test]
    fn unix_times_read_as_the_exports_write_them() {
        for t in [
            0,
            1_700_000_000,
            1_709_251_199,
            -1,
            253_402_300_799,
            253_402_300_800,
        ] {
            let by_chrono = chrono::DateTime::from_timestamp(t, 0)
                .map(|d| d.naive_utc().format("%d.%m.%Y %H:%M:%S").to_string())
                .unwrap_or_default();
            assert_eq!(fmt_unix(t), by_chrono, "{t}");
        }
        assert_eq!(fmt_unix(i64::MAX), "");
    }
}
