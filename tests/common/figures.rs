//! The lead's figures on a desk built by hand (exports imported, reviews planted, funnel
//! versions recorded), as the tests of a changing funnel read them: what they share.

use std::path::Path;

use serde_json::Value as Json;

use super::{Desk, succeeded};

/// The day the hand-built desks are judged on.
pub const TODAY: &str = "2026-11-20";

impl Desk {
    /// `okk` under `funnel`, judged on [`TODAY`]; its stdout (it must succeed).
    pub fn okk_on(&self, funnel: &Path, args: &[&str]) -> String {
        succeeded(self.okk_funnel(funnel).args(["--today", TODAY]).args(args))
    }

    /// [`Desk::okk_on`] read as JSON.
    pub fn json_on(&self, funnel: &Path, args: &[&str]) -> Json {
        serde_json::from_str(&self.okk_on(funnel, args)).expect("JSON")
    }

    /// The fingerprint of the store's `at`-th funnel version.
    pub fn version_hash(&self, funnel: &Path, at: usize) -> String {
        let history = self.json_on(funnel, &["funnel", "history", "--json"]);
        history["versions"][at]["hash"]
            .as_str()
            .unwrap_or_else(|| panic!("no version {at}: {history}"))
            .to_string()
    }
}

/// A review of `verdict` with nothing else said, 30 s spent.
pub fn plain_review(verdict: &str) -> okk::domain::review::Review {
    okk::domain::review::Review {
        verdict: okk::domain::review::Verdict::from_name(verdict).unwrap(),
        draft: Default::default(),
        score: None,
        seconds_spent: 30.0,
    }
}

/// The `okk stats --json` row of `stage`.
pub fn stage_row<'a>(stats: &'a Json, stage: &str) -> &'a Json {
    (stats["stages"].as_array().unwrap().iter())
        .find(|r| r["stage"] == stage)
        .unwrap_or_else(|| panic!("no «{stage}» in {stats}"))
}

/// The `okk stats --json` row of manager `name`.
pub fn manager_row<'a>(stats: &'a Json, name: &str) -> &'a Json {
    (stats["managers"].as_array().unwrap().iter())
        .find(|m| m["manager"] == name)
        .unwrap_or_else(|| panic!("no manager {name} in {stats}"))
}

/// A text with its lines joined: the notes break at 80 columns.
pub fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
