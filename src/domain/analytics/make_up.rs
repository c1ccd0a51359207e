//! A stage whose make-up a funnel version changed — cards merged in by a name it took, split off
//! by one it dropped, or the stage itself new — and whether its sample predates that change: its
//! estimate then applies a share judged on other cards than those it now speaks for.

use serde::Serialize;

use super::StatsFigures;
use super::tally::Figures;
use crate::domain::funnel::Funnel;
use crate::domain::funnel_diff::{FunnelDiff, FunnelVersion};

/// What a version did to the cards a stage holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MakeUp {
    /// The version added the stage.
    Added,
    /// It took a name (an alias) whose cards were elsewhere: another stage merged into it.
    Merge,
    /// It dropped a name: those cards went elsewhere.
    Split,
    MergeAndSplit,
}

impl MakeUp {
    /// Two changes of one version to one stage.
    fn with(self, other: MakeUp) -> MakeUp {
        match (self, other) {
            (MakeUp::Added, _) | (_, MakeUp::Added) => MakeUp::Added,
            (a, b) if a == b => a,
            _ => MakeUp::MergeAndSplit,
        }
    }
}

/// The latest version that changed a stage's make-up, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub version: i64,
    pub make_up: MakeUp,
}

/// On a stage whose cards judged were mostly judged under a funnel version older than the one
/// that last changed its make-up: that version, the change, and `before` of the `of` cards
/// judged there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct JudgedBefore {
    pub version: i64,
    pub change: MakeUp,
    pub before: u64,
    pub of: u64,
}

/// Per stage of `funnel` (by its index), the latest of `versions` (oldest first) that changed
/// its make-up. The versions name stages as they were; a later rename keeps the old name as an
/// alias, so `funnel` resolves it.
pub fn changes(funnel: &Funnel, versions: &[FunnelVersion]) -> Vec<Option<Change>> {
    let mut out: Vec<Option<Change>> = vec![None; funnel.stages.len()];
    for v in versions {
        let Ok(diff) = serde_json::from_str::<FunnelDiff>(&v.changes) else {
            continue;
        };
        if diff.first {
            continue;
        }
        let mut mark = |stage: &str, make_up: MakeUp| {
            let Some(i) = funnel.resolve(stage) else {
                return;
            };
            let make_up = match out[i] {
                Some(c) if c.version == v.version => c.make_up.with(make_up),
                _ => make_up,
            };
            out[i] = Some(Change {
                version: v.version,
                make_up,
            });
        };
        for stage in &diff.stages_added {
            mark(stage, MakeUp::Added);
        }
        for (stage, _) in &diff.aliases_added {
            mark(stage, MakeUp::Merge);
        }
        for (stage, _) in &diff.aliases_removed {
            mark(stage, MakeUp::Split);
        }
    }
    out
}

/// The cards of `f` judged under a version older than `change`'s, when they are more than half
/// of its cards judged.
pub fn judged_before(f: &Figures, change: Change) -> Option<JudgedBefore> {
    let before: u64 = f
        .judged_by_version
        .range(..change.version)
        .map(|(_, n)| n)
        .sum();
    (before * 2 > f.judged).then_some(JudgedBefore {
        version: change.version,
        change: change.make_up,
        before,
        of: f.judged,
    })
}

impl StatsFigures {
    /// Marks each stage (its row and its analytics) whose sample mostly predates the latest of
    /// `versions` that changed which cards it holds.
    pub fn note_make_up_changes(&mut self, funnel: &Funnel, versions: &[FunnelVersion]) {
        let changes = changes(funnel, versions);
        let at = |known: bool, stage: &str| {
            known
                .then(|| funnel.resolve(stage))
                .flatten()
                .and_then(|i| changes[i])
        };
        for r in &mut self.rows {
            if let Some(c) = at(r.base.known, &r.base.stage) {
                r.figures.judged_before_change = judged_before(&r.figures, c);
            }
        }
        for s in &mut self.analytics.stages {
            if let Some(c) = at(s.known, &s.stage) {
                s.group.figures.judged_before_change = judged_before(&s.group.figures, c);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn load(src: &str) -> Funnel {
        crate::funnel_config::load_str(src, Path::new("t.toml")).unwrap()
    }

    fn version(version: i64, diff: &FunnelDiff) -> FunnelVersion {
        FunnelVersion {
            version,
            hash: format!("h{version}"),
            first_used: "2026-11-01 09:00:00".into(),
            name: "t".into(),
            content: String::new(),
            changes: serde_json::to_string(diff).unwrap(),
        }
    }

    fn judged(by_version: &[(i64, u64)]) -> Figures {
        let mut t = super::super::Tally::default();
        for (v, n) in by_version {
            t.judged += n;
            t.judged_by_version.insert(*v, *n);
        }
        t.figures(
            &|_, id| super::super::ItemInfo {
                stage: String::new(),
                text: id.into(),
                critical: false,
            },
            None,
        )
    }

    #[test]
    fn a_merge_a_split_and_a_new_stage_change_a_stage_s_make_up_a_limit_does_not() {
        let old = load(
            "name = \"t\"\n[[stages]]\nname = \"Неразобранное\"\n\
             [[stages]]\nname = \"Первичный контакт\"\n\
             [[stages]]\nname = \"Встреча\"\naliases = [\"Встреча назначена\"]\n",
        );
        let new = load(
            "name = \"t\"\n[[stages]]\nname = \"Первичный контакт\"\n\
             aliases = [\"Неразобранное\"]\nmax_idle_days = 3\n\
             [[stages]]\nname = \"Встреча\"\n[[stages]]\nname = \"Назначена\"\n\
             aliases = [\"Встреча назначена\"]\n",
        );
        let limit = load(
            "name = \"t\"\n[[stages]]\nname = \"Первичный контакт\"\n\
             aliases = [\"Неразобранное\"]\nmax_idle_days = 5\n\
             [[stages]]\nname = \"Встреча\"\n[[stages]]\nname = \"Назначена\"\n\
             aliases = [\"Встреча назначена\"]\n",
        );
        let first = FunnelDiff {
            first: true,
            ..FunnelDiff::default()
        };
        let versions = [
            version(1, &first),
            version(2, &crate::domain::funnel_diff::diff(&old, &new)),
            version(3, &crate::domain::funnel_diff::diff(&new, &limit)),
        ];
        let at = |v, make_up| {
            Some(Change {
                version: v,
                make_up,
            })
        };
        assert_eq!(
            changes(&limit, &versions),
            [
                at(2, MakeUp::Merge),
                at(2, MakeUp::Split),
                at(2, MakeUp::Added)
            ]
        );
        assert_eq!(changes(&limit, &versions[..1]), [None, None, None]);
    }

    #[test]
    fn a_stage_is_marked_when_more_than_half_its_cards_judged_predate_the_change() {
        let change = Change {
            version: 3,
            make_up: MakeUp::Merge,
        };
        // 4 of 5 under versions 1 and 2 (0: before any version was recorded).
        let mostly = judged(&[(0, 1), (2, 3), (3, 1)]);
        assert_eq!(
            judged_before(&mostly, change),
            Some(JudgedBefore {
                version: 3,
                change: MakeUp::Merge,
                before: 4,
                of: 5
            })
        );
        // Half is not most; nothing judged, nothing to say.
        assert_eq!(
            judged_before(&judged(&[(2, 3), (3, 2), (4, 1)]), change),
            None
        );
        assert_eq!(judged_before(&judged(&[]), change), None);
    }
}
