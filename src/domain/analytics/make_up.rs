//! A stage whose make-up a funnel version changed — cards merged in by a name it took, split off
//! by one it dropped, or the stage itself new — and whether its sample predates that change: its
//! estimate then applies a share judged on other cards than those it now speaks for.

use std::collections::BTreeMap;

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
    sample_judged_before(&f.judged_by_version, f.judged, change)
}

/// [`judged_before`] of a sample given as its cards judged by funnel version (`by_version`),
/// `judged` in all.
pub fn sample_judged_before(
    by_version: &BTreeMap<i64, u64>,
    judged: u64,
    change: Change,
) -> Option<JudgedBefore> {
    let before: u64 = by_version.range(..change.version).map(|(_, n)| n).sum();
    (before * 2 > judged).then_some(JudgedBefore {
        version: change.version,
        change: change.make_up,
        before,
        of: judged,
    })
}

/// A manager's estimate spans the stages their cards were judged at (`samples`: each stage's
/// name and the manager's cards judged there by version; `judged` in all). The rule is the
/// stage rows', applied to the sample the estimate stands on: each card counts as judged before
/// a change when it was judged before the latest version that changed the make-up of the stage
/// it was judged at, and the estimate is marked when those cards are more than half of the
/// manager's cards judged. The version said is the latest of those changes (every card counted
/// predates it), the change what they did together, and the stages named are theirs.
pub fn manager_judged_before(
    samples: &[(String, BTreeMap<i64, u64>)],
    judged: u64,
    change_at: impl Fn(&str) -> Option<Change>,
) -> Option<(JudgedBefore, Vec<String>)> {
    let mut before = 0;
    let mut latest: Option<Change> = None;
    let mut stages = Vec::new();
    for (stage, by_version) in samples {
        let Some(c) = change_at(stage) else {
            continue;
        };
        let n: u64 = by_version.range(..c.version).map(|(_, n)| n).sum();
        if n == 0 {
            continue;
        }
        before += n;
        stages.push(stage.clone());
        latest = Some(match latest {
            None => c,
            Some(l) => Change {
                version: l.version.max(c.version),
                make_up: l.make_up.with(c.make_up),
            },
        });
    }
    let c = latest?;
    (before * 2 > judged).then_some((
        JudgedBefore {
            version: c.version,
            change: c.make_up,
            before,
            of: judged,
        },
        stages,
    ))
}

impl StatsFigures {
    /// Marks each estimate whose sample mostly predates the latest of `versions` that changed
    /// which cards its stage holds: the stage rows and their analytics, the bottlenecks (a
    /// stage's, and a manager's at a stage), and the managers.
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
        let a = &mut self.analytics;
        for s in &mut a.stages {
            if let Some(c) = at(s.known, &s.stage) {
                s.group.figures.judged_before_change = judged_before(&s.group.figures, c);
            }
        }
        // A bottleneck's estimate is its own sample's: a stage's, or one manager's cards at the
        // stage. A pair is marked by its own cards judged, not by its stage's: a manager whose
        // cards there were judged after the merge has a share judged on the stage as it is now,
        // however old the other managers' reviews; one whose cards were judged before it applies
        // an old share to cards the stage has taken in since, however new the others'. A stage
        // the funnel does not know has no bottleneck name it resolves.
        let bottlenecks = &mut a.bottlenecks;
        for b in bottlenecks.stages.iter_mut().chain(&mut bottlenecks.pairs) {
            if let Some(c) = at(true, &b.stage) {
                b.judged_before_change = sample_judged_before(&b.judged_by_version, b.judged, c);
            }
        }
        for m in &mut a.managers {
            let f = &mut m.group.figures;
            let marked = manager_judged_before(&m.judged_by_stage, f.judged, |s| at(true, s));
            (f.judged_before_change, m.changed_stages) = match marked {
                Some((j, stages)) => (Some(j), stages),
                None => (None, Vec::new()),
            };
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

    #[test]
    fn a_manager_is_marked_by_their_cards_judged_before_their_own_stage_s_change() {
        let by = |pairs: &[(i64, u64)]| pairs.iter().copied().collect::<BTreeMap<i64, u64>>();
        let change_at = |stage: &str| match stage {
            "merged" => Some(Change {
                version: 2,
                make_up: MakeUp::Merge,
            }),
            "new" => Some(Change {
                version: 3,
                make_up: MakeUp::Added,
            }),
            _ => None,
        };
        // 3 before the merge, 1 before the new stage, 9 old reviews at a stage never changed.
        let samples = vec![
            ("merged".to_string(), by(&[(1, 3), (2, 1)])),
            ("new".to_string(), by(&[(2, 1), (3, 1)])),
            ("same".to_string(), by(&[(1, 9)])),
        ];
        assert_eq!(manager_judged_before(&samples, 16, change_at), None);
        let (j, stages) = manager_judged_before(&samples[..2], 6, change_at).unwrap();
        assert_eq!(
            j,
            JudgedBefore {
                version: 3,
                change: MakeUp::Added,
                before: 4,
                of: 6
            }
        );
        assert_eq!(stages, ["merged", "new"]);
    }
}
