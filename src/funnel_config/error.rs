//! What is wrong with a funnel file, as a list the user can fix in one pass.
//! Each problem prints as `FILE:LINE:COLUMN: key: message`, the shape editors and terminals link.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::formats::line_col::LineIndex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: PathBuf,
    /// 1-based; 0 when the problem is with the file as a whole (it cannot be read).
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// Dotted key, e.g. `stages[3].checklist[1].weight` (indices 0-based); "" when unknown.
    pub key: String,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:", self.path.display())?;
        if self.line > 0 {
            write!(f, "{}:{}:", self.line, self.column)?;
        }
        if !self.key.is_empty() {
            write!(f, " {}:", self.key)?;
        }
        write!(f, " {}", self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", one_per_line(.problems))]
pub struct FunnelError {
    /// In file order; never empty.
    pub problems: Vec<Problem>,
}

fn one_per_line(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(Problem::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collects problems against one source text, turning spans into positions as they arrive.
pub(super) struct Report<'a> {
    path: &'a Path,
    lines: LineIndex<'a>,
    problems: Vec<Problem>,
}

impl<'a> Report<'a> {
    pub fn new(path: &'a Path, src: &'a str) -> Report<'a> {
        Report {
            path,
            lines: LineIndex::new(src),
            problems: Vec::new(),
        }
    }

    pub fn add(&mut self, span: Range<usize>, key: impl Into<String>, message: String) {
        let (line, column) = self.lines.position(span.start);
        self.problems.push(Problem {
            path: self.path.to_path_buf(),
            line,
            column,
            key: key.into(),
            message,
        });
    }

    pub fn position(&self, span: &Range<usize>) -> (usize, usize) {
        self.lines.position(span.start)
    }

    pub fn finish(self) -> Result<(), FunnelError> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(self.into_error())
        }
    }

    /// For callers that have just added a problem and cannot go on.
    pub fn into_error(mut self) -> FunnelError {
        // Checks run by topic (custom fields before stages); the user reads top to bottom.
        self.problems.sort_by_key(|p| (p.line, p.column));
        FunnelError {
            problems: self.problems,
        }
    }
}
