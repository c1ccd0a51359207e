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
    /// The charset an HTML export's `<meta>` declares.
    Declared,
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

/// A stage the funnel does not know: how many of its source's cards the store holds in it
/// (not gone), which is what the user has to act on, and how many of them this import or sync
/// read (a sync reads only the deals that changed).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct UnknownStage {
    pub stage: String,
    /// The source's cards in the stage, not gone, once the import or sync is through (a dry
    /// run's: as the run would leave the store, read before it rolls back: [`DryHeld`]).
    pub cards: u64,
    /// The rows or deals this import or sync read in the stage.
    pub read: u64,
}

/// The stages the funnel does not know among those the source's cards are in (`held`: each
/// stage with its cards, not gone) and those this run read (`read`, counted by
/// [`UnknownStage::read`]): most cards first (then by name).
pub fn unknown_stages(
    known: impl Fn(&str) -> bool,
    read: Vec<UnknownStage>,
    held: Vec<(String, u64)>,
) -> Vec<UnknownStage> {
    let mut out: Vec<UnknownStage> = held
        .into_iter()
        .filter(|(stage, _)| !known(stage))
        .map(|(stage, cards)| UnknownStage {
            stage,
            cards,
            read: 0,
        })
        .collect();
    for r in read {
        match out.iter_mut().find(|u| u.stage == r.stage) {
            Some(u) => u.read = r.read,
            None => out.push(UnknownStage { cards: 0, ..r }),
        }
    }
    out.sort_by(|a, b| {
        (b.cards, b.read)
            .cmp(&(a.cards, a.read))
            .then_with(|| a.stage.cmp(&b.stage))
    });
    out
}

/// A dry sync's cards per stage as the run would leave the store. Each group of pages rolls
/// back before the next lands, so each reads the store as it was before the run with that
/// group's change alone: the changes add up to the run's (a run lands each deal it reads in
/// one group), over the store before the run.
#[derive(Debug, Default)]
pub struct DryHeld {
    /// The store before the run's first group (`None` until then).
    before: Option<Vec<(String, u64)>>,
    change: std::collections::BTreeMap<String, i64>,
}

impl DryHeld {
    /// Whether the store before the run is still to be read ([`DryHeld::before`]).
    pub fn wants_before(&self) -> bool {
        self.before.is_none()
    }

    /// The cards per stage before the run's first group.
    pub fn before(&mut self, held: Vec<(String, u64)>) {
        self.before = Some(held);
    }

    /// The cards per stage a group's transaction held just before it rolled back.
    pub fn group(&mut self, after: Vec<(String, u64)>) {
        let before = self.before.as_deref().unwrap_or_default();
        for (stage, n) in &after {
            *self.change.entry(stage.clone()).or_default() += *n as i64;
        }
        for (stage, n) in before {
            *self.change.entry(stage.clone()).or_default() -= *n as i64;
        }
    }

    /// The cards per stage (none at 0) once every group is in; `None` when no group landed:
    /// the store stands as it was.
    pub fn held(self) -> Option<Vec<(String, u64)>> {
        let mut held: std::collections::BTreeMap<String, i64> = self
            .before?
            .into_iter()
            .map(|(s, n)| (s, n as i64))
            .collect();
        for (stage, d) in self.change {
            *held.entry(stage).or_default() += d;
        }
        Some(
            held.into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| (s, n as u64))
                .collect(),
        )
    }
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
    /// Updated cards whose stage has another name now, one the funnel has for the same stage
    /// (the CRM renamed it): no move; unchanged for their reviews unless the export changed
    /// something else on them.
    pub stage_renames: u64,
    pub warnings: u64,
    pub warning_samples: Vec<Warning>,
    pub unknown_stages: Vec<UnknownStage>,
    /// Stages the CRM probably renamed (nearly every card of a known stage now at one unknown
    /// stage): said with what to do first (`domain::stage_rename`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub probable_renames: Vec<super::stage_rename::ProbableRename>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn stage(stage: &str, cards: u64, read: u64) -> UnknownStage {
        UnknownStage {
            stage: stage.into(),
            cards,
            read,
        }
    }

    /// Two groups, each rolled back: the first moves the store's 3 cards at «Старый» to
    /// «Новый», the second brings 2 new ones to «Новый». The run would leave 5 at «Новый» and
    /// none at «Старый».
    #[test]
    fn a_dry_sync_s_groups_add_their_changes_to_the_store_before_it() {
        let held = |pairs: &[(&str, u64)]| -> Vec<(String, u64)> {
            pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
        };
        let mut dry = DryHeld::default();
        assert!(dry.wants_before());
        dry.before(held(&[("Старый", 3), ("Архив", 1)]));
        assert!(!dry.wants_before());
        dry.group(held(&[("Новый", 3), ("Архив", 1)]));
        dry.group(held(&[("Новый", 2), ("Старый", 3), ("Архив", 1)]));
        assert_eq!(dry.held(), Some(held(&[("Архив", 1), ("Новый", 5)])));
        assert_eq!(DryHeld::default().held(), None);
    }

    #[test]
    fn an_unknown_stage_counts_the_cards_the_store_holds_in_it_not_only_those_read_now() {
        let read = vec![stage("Переговоры", 0, 1), stage("Новый", 0, 2)];
        let held = vec![
            ("Переговоры".to_string(), 1311),
            ("Оплата".to_string(), 5),
            ("Архив".to_string(), 7),
        ];
        let known = |s: &str| s == "Оплата";
        assert_eq!(
            unknown_stages(known, read, held),
            vec![
                stage("Переговоры", 1311, 1),
                stage("Архив", 7, 0),
                // Read by a dry run, which wrote nothing: none in the store.
                stage("Новый", 0, 2),
            ]
        );
    }
}
