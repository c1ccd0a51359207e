//! `okk report`'s page: the figures of `okk stats` and the auditors', as one self-contained
//! HTML file with inline SVG charts for the head of sales.

pub mod charts;
mod funnel;
pub mod html;
pub mod page;

use crate::domain::analytics::{Analytics, StageRow};
use crate::domain::auditors::AuditorFigures;

/// What the page shows.
pub use crate::domain::analytics::AsOf;

pub struct Report<'a> {
    pub funnel_name: &'a str,
    /// What the page is dated by.
    pub generated: AsOf,
    pub rows: &'a [StageRow],
    pub analytics: &'a Analytics,
    pub auditors: &'a [AuditorFigures],
    /// `okk fields`' rows (the page shows the bound and required ones).
    pub fields: &'a [crate::domain::fill::FillRow],
    /// The latest funnel version that changed something: its stages split at its first day.
    pub before_after: Option<&'a crate::domain::version_split::VersionSplit>,
}

pub fn render(r: &Report) -> String {
    page::render(r)
}
