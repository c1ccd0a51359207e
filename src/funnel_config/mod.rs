//! Loading and checking the funnel TOML: the stages a card goes through, what each demands, and
//! the checklist an auditor answers there. Every problem comes back with its file:line:column.

mod check;
pub mod edit;
mod error;
mod fields;
pub mod init;
mod parse;
mod raw;
mod rules;
mod show;
pub(crate) mod span;
mod suggest;
mod unique;

use std::path::Path;

pub use error::{FunnelError, Problem};
pub use show::show;

use crate::domain::funnel::Funnel;
use crate::text::funnel_config as text;
use error::Report;

/// The funnel okk ships with: a real-estate developer's sales funnel. Also the format's reference.
pub const DEFAULT_FUNNEL: &str = include_str!("../../assets/funnel.toml");

/// Reads and checks a funnel file.
pub fn load(path: &Path) -> Result<Funnel, FunnelError> {
    let bytes = std::fs::read(path)
        .map_err(|e| whole_file(path, text::cannot_read(&crate::text::common::error(&e))))?;
    match String::from_utf8(bytes) {
        Ok(src) => load_str(&src, path),
        // A funnel saved from Excel-era tools is often cp1251; point at the first byte that breaks.
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            let valid = std::str::from_utf8(valid).unwrap_or_default();
            let mut report = Report::new(path, valid);
            report.add(valid.len()..valid.len(), "", text::not_utf8());
            Err(report.into_error())
        }
    }
}

/// A recorded funnel version's funnel, read from the text it was recorded with; `None` where
/// that no longer reads (an older okk wrote it).
pub fn load_version(v: &crate::domain::funnel_diff::FunnelVersion) -> Option<Funnel> {
    let name = format!("funnel version {}", v.version);
    load_str(&v.content, Path::new(&name)).ok()
}

/// Checks funnel TOML given as text; `path` only names the source in problems.
pub fn load_str(src: &str, path: &Path) -> Result<Funnel, FunnelError> {
    // The TOML lexer skips a byte-order mark but counts it in spans; editors do not show it.
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut report = Report::new(path, src);
    let Some(raw) = parse::raw(src, &mut report) else {
        return Err(report.into_error());
    };
    let funnel = check::funnel(&raw, &mut report);
    report.finish().map(|()| funnel)
}

/// The built-in funnel, checked. It is tested to load, so a failure here is a build defect.
pub fn default_funnel() -> Funnel {
    load_str(DEFAULT_FUNNEL, Path::new("assets/funnel.toml"))
        .unwrap_or_else(|e| panic!("the built-in funnel is broken:\n{e}"))
}

fn whole_file(path: &Path, message: String) -> FunnelError {
    FunnelError {
        problems: vec![Problem {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            key: String::new(),
            message,
        }],
    }
}
