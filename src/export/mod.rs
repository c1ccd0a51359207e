//! Exporters: the reviews as a table, and the changes they ask for in the form each CRM takes
//! back (profiles in `assets/crm/NAME/export.toml`). Every file goes through one safe writer.

pub mod analytics;
pub mod cell;
pub mod crm;
pub mod file;
pub mod headers;
pub mod owners;
pub mod profile;
pub mod rest;
pub mod reviews;
pub mod table;

use std::path::PathBuf;

use crate::store::StoreError;
use crate::text::export as msg;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The target exists and `--force` was not given.
    #[error("{}", msg::exists(.0))]
    Exists(PathBuf),
    #[error("{}", msg::cannot_write(.path, .source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}
