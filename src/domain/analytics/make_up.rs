//! A stage whose make-up a funnel version changed — cards merged in by a name it took, split off
//! by one it dropped or moved into a stage the version added, or the stage itself new — and
//! whether its sample predates that change: its estimate then applies a share judged on other
//! cards than those it now speaks for.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use serde::Serialize;

use super::StatsFigures;
use super::tally::Figures;
use crate::domain::funnel::Funnel;
use crate::domain::funnel_diff::{FunnelDiff, FunnelVersion};
use crate::domain::ports::{FunnelHistory, StoreResult};

/// What a version did to the cards a stage holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MakeUp {
    /// The version added the stage.
    Added,
    /// It took a name (an alias) whose cards were elsewhere: another stage merged into it.
    Merge,
    /// It dropped a name (those cards went elsewhere), or a share of its cards moved to a
    /// stage the version added: the CRM split it.
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

/// The cards now at the stages versions added, by the stage each moved into it from: a version
/// that adds a stage says nothing of where its cards come from; their histories do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageMoves {
    /// The added stages, by the funnel's index.
    into: Vec<usize>,
    /// (from, to) → the cards now at `to` that moved there from `from`, each once.
    cards: HashMap<(usize, usize), u64>,
}

impl StageMoves {
    /// The moves into `stages` (the funnel's indices) of the cards now there.
    pub fn into(stages: Vec<usize>) -> StageMoves {
        StageMoves {
            into: stages,
            cards: HashMap::new(),
        }
    }

    /// The stages the moves are counted into.
    pub fn stages(&self) -> &[usize] {
        &self.into
    }

    /// One card's visits, in order (`FunnelHistory::for_each_stage_history`): counted when its
    /// last is at one of the stages. A move is from a stage the funnel knows, one visit before
    /// the other: a card that passed through a name it does not know did not come from the
    /// stage before that.
    pub fn add(&mut self, funnel: &Funnel, visits: &[(NaiveDateTime, String)]) {
        let now = visits.last().and_then(|(_, s)| funnel.resolve(s));
        if !now.is_some_and(|i| self.into.contains(&i)) {
            return;
        }
        let mut last: Option<usize> = None;
        let mut seen: Vec<(usize, usize)> = Vec::new();
        for (_, stage) in visits {
            let at = funnel.resolve(stage);
            if let (Some(from), Some(to)) = (last, at)
                && from != to
                && self.into.contains(&to)
                && !seen.contains(&(from, to))
            {
                seen.push((from, to));
                *self.cards.entry((from, to)).or_default() += 1;
            }
            // Another name of the same stage is no visit of its own.
            if at.is_none() || at != last {
                last = at;
            }
        }
    }

    /// Cards now at stage `to` that moved there from stage `from`.
    pub fn moved(&self, from: usize, to: usize) -> u64 {
        self.cards.get(&(from, to)).copied().unwrap_or(0)
    }
}

/// A stage split by a new stage lost at least this share of its cards to it (1 in
/// `SPLIT_SHARE`): a card or two passing from it into the new one is no split.
const SPLIT_SHARE: u64 = 10;

/// The stages (by index) a version split by adding the stages `added`: each that lost to them
/// a tenth of its cards or more — the cards now at an added stage that came there from it,
/// against its cards now (`cards_now`) and those — with the added stages they went to. The CRM
/// split the stage: its cards now are not the ones it held, nor those judged there.
///
/// A won or lost stage the version added splits nothing: the cards that went there were won or
/// lost, as cards are every week (tester37 F12).
pub fn split_by(
    funnel: &Funnel,
    added: &[usize],
    moves: &StageMoves,
    cards_now: impl Fn(usize) -> u64,
) -> Vec<(usize, Vec<usize>)> {
    let mut lost: BTreeMap<usize, (u64, Vec<usize>)> = BTreeMap::new();
    for (&(from, to), &n) in &moves.cards {
        let closed = funnel.stage(to).kind != crate::domain::funnel::StageKind::Open;
        if added.contains(&from) || !added.contains(&to) || closed {
            continue;
        }
        let e = lost.entry(from).or_default();
        e.0 += n;
        if !e.1.contains(&to) {
            e.1.push(to);
        }
    }
    lost.into_iter()
        .filter(|&(stage, (n, _))| n > 0 && n * SPLIT_SHARE >= cards_now(stage) + n)
        .map(|(stage, (_, mut to))| {
            to.sort_unstable();
            (stage, to)
        })
        .collect()
}

/// What the marks read of a store's funnel history.
pub struct History<'a> {
    /// Every version, oldest first.
    pub versions: &'a [FunnelVersion],
    /// A version's funnel, read from the text it was recorded with (`None` where that no
    /// longer reads).
    pub read: &'a dyn Fn(&FunnelVersion) -> Option<Funnel>,
    /// The cards' moves between the stages of the funnel the marks are for, and its cards per
    /// stage now: where a version added a stage (see [`StatsFigures::make_up_needs_moves`]).
    pub moves: Option<(&'a StageMoves, &'a [u64])>,
}

fn recorded(v: &FunnelVersion) -> Option<FunnelDiff> {
    serde_json::from_str::<FunnelDiff>(&v.changes).ok()
}

/// Whether the alias `alias` version `at` of `history` gave the stage `stage` of `funnel`
/// brought another stage's cards to it: a name an earlier version's funnel had for a stage
/// beside this one (one it had as well, by a name the version resolves to it). A name none had
/// is the CRM's new name for the stage; one of the stage this one renamed is its own — a
/// rename kept as an alias, which moves no card. A funnel that no longer reads might have had
/// it: a merge, to be safe.
///
/// A stage merged in brings its aliases along with its name (tester43 F2): that its other
/// names resolve here too says nothing; that this stage stood beside it does.
fn takes_another_stage(
    history: &History<'_>,
    read: &mut [Option<Option<Funnel>>],
    at: usize,
    stage: &str,
    alias: &str,
) -> bool {
    use crate::domain::names::fold;
    for (i, slot) in read.iter_mut().enumerate().take(at + 1) {
        slot.get_or_insert_with(|| (history.read)(&history.versions[i]));
    }
    let funnel = |i: usize| read[i].as_ref().and_then(Option::as_ref);
    let Some(new) = funnel(at) else {
        return true;
    };
    let Some(this) = new.resolve(stage) else {
        return true;
    };
    (0..at).any(|i| {
        let Some(old) = funnel(i) else {
            return true;
        };
        let Some(j) = old.resolve(alias) else {
            return false;
        };
        (old.stages.iter().enumerate())
            .filter(|&(k, _)| k != j)
            .flat_map(|(_, s)| std::iter::once(&s.name).chain(&s.aliases))
            .filter(|n| fold(n) != fold(alias))
            .any(|n| new.resolve(n) == Some(this))
    })
}

/// Per stage of `funnel` (by its index), the latest of `history`'s versions that changed its
/// make-up. The versions name stages as they were; a later rename keeps the old name as an
/// alias, so `funnel` resolves it.
pub fn changes(funnel: &Funnel, history: &History<'_>) -> Vec<Option<Change>> {
    let mut out: Vec<Option<Change>> = vec![None; funnel.stages.len()];
    let mut read: Vec<Option<Option<Funnel>>> = vec![None; history.versions.len()];
    for (at, v) in history.versions.iter().enumerate() {
        let Some(diff) = recorded(v) else {
            continue;
        };
        // Compared again from the texts where they read: an older okk's record may lack what
        // this one tells.
        let from = at.saturating_sub(1);
        for (i, slot) in read.iter_mut().enumerate().take(at + 1).skip(from) {
            slot.get_or_insert_with(|| (history.read)(&history.versions[i]));
        }
        let text = |i: usize| read[i].as_ref().and_then(Option::as_ref);
        let before = at.checked_sub(1).and_then(text);
        let diff = crate::domain::funnel_diff::of_version(diff, before, text(at));
        if diff.first {
            continue;
        }
        let mut mark = |i: usize, make_up: MakeUp| {
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
            if let Some(i) = funnel.resolve(stage) {
                mark(i, MakeUp::Added);
            }
        }
        for (stage, alias) in &diff.aliases_added {
            if let Some(i) = funnel.resolve(stage)
                && takes_another_stage(history, &mut read, at, stage, alias)
            {
                mark(i, MakeUp::Merge);
            }
        }
        for (stage, _) in &diff.aliases_removed {
            if let Some(i) = funnel.resolve(stage) {
                mark(i, MakeUp::Split);
            }
        }
        if let Some((moves, cards)) = history.moves {
            let added: Vec<usize> = (diff.stages_added.iter())
                .filter_map(|s| funnel.resolve(s))
                .collect();
            let cards_now = |i: usize| cards.get(i).copied().unwrap_or(0);
            for (i, _) in split_by(funnel, &added, moves, cards_now) {
                mark(i, MakeUp::Split);
            }
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
    /// [`StatsFigures::note_make_up_changes`] with what it needs of `store`: its funnel
    /// versions (each read by `read`), and the stage histories of the cards now at the stages
    /// versions added, only where some sample predates such a version: `okk stats` and the
    /// stats screen do not read every card's history for a mark that could not show.
    pub fn note_make_up_changes_from(
        &mut self,
        funnel: &Funnel,
        store: &(impl FunnelHistory + ?Sized),
        read: &dyn Fn(&FunnelVersion) -> Option<Funnel>,
    ) -> StoreResult<()> {
        let versions = store.funnel_versions()?;
        let added = self.make_up_needs_moves(funnel, &versions);
        let moves = if added.is_empty() {
            None
        } else {
            // The cards now at those stages, by the names they carry.
            let names: Vec<String> = (self.rows.iter())
                .filter(|r| r.base.known)
                .filter(|r| {
                    funnel
                        .resolve(&r.base.stage)
                        .is_some_and(|i| added.contains(&i))
                })
                .flat_map(|r| r.base.crm_names.iter().cloned())
                .collect();
            let mut moves = StageMoves::into(added);
            if !names.is_empty() {
                store.for_each_stage_history_at(&names, &mut |v| moves.add(funnel, v))?;
            }
            Some(moves)
        };
        let cards = self.cards_per_stage(funnel);
        let history = History {
            versions: &versions,
            read,
            moves: moves.as_ref().map(|m| (m, cards.as_slice())),
        };
        self.note_make_up_changes(funnel, &history);
        Ok(())
    }

    /// The stages (of `funnel`, by index) whose cards' moves the marks need: those a version
    /// added, where some card judged at a stage the funnel knows was judged under an older
    /// version — the one case a stage split by the new one (a share of its cards moved into
    /// it) could be marked. None: the stage histories are not read.
    pub fn make_up_needs_moves(&self, funnel: &Funnel, versions: &[FunnelVersion]) -> Vec<usize> {
        let oldest_judged = (self.rows.iter())
            .filter(|r| r.base.known)
            .filter_map(|r| r.figures.judged_by_version.keys().next().copied())
            .min();
        let Some(oldest) = oldest_judged else {
            return Vec::new();
        };
        let mut added: Vec<usize> = versions
            .iter()
            .filter(|v| oldest < v.version)
            .filter_map(recorded)
            .filter(|d| !d.first)
            .flat_map(|d| d.stages_added)
            .filter_map(|s| funnel.resolve(&s))
            .collect();
        added.sort_unstable();
        added.dedup();
        added
    }

    /// The cards at each stage of `funnel` now (not gone), by its index.
    fn cards_per_stage(&self, funnel: &Funnel) -> Vec<u64> {
        let mut cards = vec![0; funnel.stages.len()];
        for r in self.rows.iter().filter(|r| r.base.known) {
            if let Some(i) = funnel.resolve(&r.base.stage) {
                cards[i] += r.base.cards;
            }
        }
        cards
    }

    /// Marks each estimate whose sample mostly predates the latest of `history`'s versions
    /// that changed which cards its stage holds: the stage rows and their analytics, the
    /// bottlenecks (a stage's, and a manager's at a stage), and the managers.
    pub fn note_make_up_changes(&mut self, funnel: &Funnel, history: &History<'_>) {
        let changes = changes(funnel, history);
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
            // Of the stage samples `judged_by_stage` counts (a card judged at two stages in
            // each), not of the row's cards judged (each once).
            let marked =
                manager_judged_before(&m.judged_by_stage, m.stage_samples, |s| at(true, s));
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
        let texts = [old, new.clone(), limit.clone()];
        let read = |v: &FunnelVersion| Some(texts[v.version as usize - 1].clone());
        assert_eq!(
            changes(&limit, &history(&versions, &read)),
            [
                at(2, MakeUp::Merge),
                at(2, MakeUp::Split),
                at(2, MakeUp::Added)
            ]
        );
        assert_eq!(
            changes(&limit, &history(&versions[..1], &read)),
            [None, None, None]
        );
    }

    fn history<'a>(
        versions: &'a [FunnelVersion],
        read: &'a dyn Fn(&FunnelVersion) -> Option<Funnel>,
    ) -> History<'a> {
        History {
            versions,
            read,
            moves: None,
        }
    }

    /// tester31 F4: the CRM renamed «Переговоры» to «Переговоры с клиентом» and the desk kept
    /// its stage, adding the new name as an alias — the fix the import prescribes. No funnel
    /// stage ever had that name: the cards it brings are the stage's own, and nothing is
    /// marked. An alias naming a stage an earlier version had (removed then, or now) brings
    /// that stage's cards: a merge, marked as before — also when it was removed a version
    /// before the alias came.
    #[test]
    fn an_alias_for_the_crm_s_new_name_is_no_merge_one_for_an_old_stage_is() {
        let v1 = load(
            "name = \"t\"\n[[stages]]\nname = \"Неразобранное\"\n\
             [[stages]]\nname = \"Переговоры\"\n[[stages]]\nname = \"Показ\"\n",
        );
        let renamed = load(
            "name = \"t\"\n[[stages]]\nname = \"Неразобранное\"\n\
             [[stages]]\nname = \"Переговоры\"\naliases = [\"Переговоры с клиентом\"]\n\
             [[stages]]\nname = \"Показ\"\n",
        );
        let diff = crate::domain::funnel_diff::diff;
        let first = FunnelDiff {
            first: true,
            ..FunnelDiff::default()
        };
        let versions = [version(1, &first), version(2, &diff(&v1, &renamed))];
        assert_eq!(
            diff(&v1, &renamed).aliases_added,
            [(
                "Переговоры".to_string(),
                "Переговоры с клиентом".to_string()
            )]
        );
        let texts = [v1.clone(), renamed.clone()];
        let read = |v: &FunnelVersion| Some(texts[v.version as usize - 1].clone());
        assert_eq!(
            changes(&renamed, &history(&versions, &read)),
            [None, None, None]
        );
        // A version whose text no longer reads might have had the name: a merge, to be safe.
        let unread = |v: &FunnelVersion| (v.version == 2).then(|| renamed.clone());
        assert_eq!(
            changes(&renamed, &history(&versions, &unread))[1],
            Some(Change {
                version: 2,
                make_up: MakeUp::Merge
            })
        );

        // «Неразобранное» removed by version 2, its name an alias of «Переговоры» in 3.
        let removed = load(
            "name = \"t\"\n[[stages]]\nname = \"Переговоры\"\n\
             [[stages]]\nname = \"Показ\"\n",
        );
        let merged = load(
            "name = \"t\"\n[[stages]]\nname = \"Переговоры\"\n\
             aliases = [\"Неразобранное\"]\n[[stages]]\nname = \"Показ\"\n",
        );
        let versions = [
            version(1, &first),
            version(2, &diff(&v1, &removed)),
            version(3, &diff(&removed, &merged)),
        ];
        let texts = [v1, removed, merged.clone()];
        let read = |v: &FunnelVersion| Some(texts[v.version as usize - 1].clone());
        assert_eq!(
            changes(&merged, &history(&versions, &read)),
            [
                Some(Change {
                    version: 3,
                    make_up: MakeUp::Merge
                }),
                None
            ]
        );
    }

    /// tester43 F2: «Контакт после встречи» merged into «Встреча проведена» as docs/funnel.md's
    /// merge fix does — removed, its name and its aliases made the other's aliases. Its
    /// aliases resolving to the stage too is no rename; «Отработка возражений» renamed in the
    /// same version, its old name kept as an alias, is one.
    #[test]
    fn a_stage_merged_in_with_its_aliases_is_a_merge_a_rename_beside_it_is_not() {
        let v1 = load(
            "name = \"t\"\n[[stages]]\nname = \"Встреча проведена\"\n\
             aliases = [\"Встреча состоялась\"]\n\
             [[stages]]\nname = \"Отработка возражений\"\naliases = [\"Возражения\"]\n\
             [[stages]]\nname = \"Контакт после встречи\"\n\
             aliases = [\"Касание после встречи\", \"Повторный контакт\"]\n",
        );
        let v2 = load(
            "name = \"t\"\n[[stages]]\nname = \"Встреча проведена\"\n\
             aliases = [\"Встреча состоялась\", \"Контакт после встречи\", \
             \"Касание после встречи\", \"Повторный контакт\"]\n\
             [[stages]]\nname = \"Работа с возражениями\"\n\
             aliases = [\"Возражения\", \"Отработка возражений\"]\n",
        );
        let diff = crate::domain::funnel_diff::diff;
        let first = FunnelDiff {
            first: true,
            ..FunnelDiff::default()
        };
        let versions = [version(1, &first), version(2, &diff(&v1, &v2))];
        let texts = [v1, v2.clone()];
        let read = |v: &FunnelVersion| Some(texts[v.version as usize - 1].clone());
        assert_eq!(
            changes(&v2, &history(&versions, &read)),
            [
                Some(Change {
                    version: 2,
                    make_up: MakeUp::Merge
                }),
                None
            ]
        );
    }

    /// tester37 F12: a version that adds the lost stage, and half of «Переговоры»'s cards lost
    /// into it: the cards were lost, nothing was split.
    #[test]
    fn cards_lost_into_a_lost_stage_a_version_added_split_nothing() {
        let v2 = load(
            "name = \"t\"\n[[stages]]\nname = \"Переговоры\"\n[[stages]]\nname = \"Торг\"\n\
             [[stages]]\nname = \"Договор\"\n[[stages]]\nname = \"Отказ\"\nkind = \"lost\"\n",
        );
        let mut moves = StageMoves::into(vec![1, 3]);
        for _ in 0..10 {
            moves.add(&v2, &[at(1, "Переговоры"), at(5, "Отказ")]);
        }
        let cards = [10, 0, 0, 10];
        assert!(split_by(&v2, &[1, 3], &moves, |i| cards[i]).is_empty());
        // Into the open stage it added, the same share is a split.
        for _ in 0..10 {
            moves.add(&v2, &[at(1, "Переговоры"), at(5, "Торг")]);
        }
        let cards = [10, 10, 0, 10];
        assert_eq!(split_by(&v2, &[1, 3], &moves, |i| cards[i]), [(0, vec![1])]);
    }

    fn at(day: u32, stage: &str) -> (NaiveDateTime, String) {
        let t = chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        (t, stage.to_string())
    }

    /// tester30 F7: version 2 adds «Торг», and the CRM moves half of «Переговоры»'s cards into
    /// it: «Переговоры» is split by version 2 though the funnel file only added a stage. A
    /// card or two from another stage into the new one (less than a tenth of its cards) is no
    /// split; nor is a card that went on from the new stage, nor one that came back from it;
    /// nor a version that adds a stage no card moved into.
    #[test]
    fn a_share_of_a_stage_s_cards_moved_into_a_stage_a_version_added_is_a_split() {
        let v1 = load(
            "name = \"t\"\n[[stages]]\nname = \"Квалификация\"\n\
             [[stages]]\nname = \"Переговоры\"\naliases = [\"Переговоры с клиентом\"]\n\
             [[stages]]\nname = \"Договор\"\n",
        );
        let v2 = load(
            "name = \"t\"\n[[stages]]\nname = \"Квалификация\"\n\
             [[stages]]\nname = \"Переговоры\"\naliases = [\"Переговоры с клиентом\"]\n\
             [[stages]]\nname = \"Торг\"\n[[stages]]\nname = \"Договор\"\n",
        );
        let mut moves = StageMoves::into(vec![2]);
        // 10 cards moved from «Переговоры» (under either name) to «Торг», 10 stayed; one of
        // 30 at «Квалификация» went straight to «Торг»; one went on to «Договор».
        for _ in 0..10 {
            moves.add(&v2, &[at(1, "Переговоры с клиентом"), at(5, "Торг")]);
        }
        moves.add(&v2, &[at(1, "Переговоры"), at(2, "Переговоры с клиентом")]);
        moves.add(&v2, &[at(1, "Квалификация"), at(3, "Торг")]);
        moves.add(
            &v2,
            &[at(1, "Квалификация"), at(3, "Переговоры"), at(4, "Договор")],
        );
        // Cards now elsewhere: through «Торг» to «Договор», and back to «Договор» from it.
        moves.add(&v2, &[at(1, "Переговоры"), at(2, "Торг"), at(3, "Договор")]);
        moves.add(&v2, &[at(1, "Договор"), at(2, "Торг"), at(3, "Договор")]);
        // A card moving back and forth counts once.
        moves.add(
            &v2,
            &[
                at(1, "Договор"),
                at(2, "Торг"),
                at(3, "Договор"),
                at(4, "Торг"),
            ],
        );
        assert_eq!(moves.moved(1, 2), 10);
        assert_eq!(moves.moved(0, 2), 1);
        assert_eq!(moves.moved(3, 2), 1);
        assert_eq!(moves.moved(2, 3), 0, "only the moves into the added stages");
        let cards = [30, 10, 20, 5];
        assert_eq!(
            split_by(&v2, &[2], &moves, |i| cards[i]),
            [(1, vec![2]), (3, vec![2])],
            "«Договор» lost 1 of its 6: a share; «Квалификация» 1 of 31 is not"
        );
        let first = FunnelDiff {
            first: true,
            ..FunnelDiff::default()
        };
        let versions = [
            version(1, &first),
            version(2, &crate::domain::funnel_diff::diff(&v1, &v2)),
        ];
        let texts = [v1, v2.clone()];
        let read = |v: &FunnelVersion| Some(texts[v.version as usize - 1].clone());
        let split = |v| {
            Some(Change {
                version: v,
                make_up: MakeUp::Split,
            })
        };
        let added = Some(Change {
            version: 2,
            make_up: MakeUp::Added,
        });
        let with_moves = History {
            moves: Some((&moves, &cards)),
            ..history(&versions, &read)
        };
        assert_eq!(changes(&v2, &with_moves), [None, split(2), added, split(2)]);
        // Without the moves the funnel file alone says only "added".
        assert_eq!(
            changes(&v2, &history(&versions, &read)),
            [None, None, added, None]
        );
        assert_eq!(
            changes(
                &v2,
                &History {
                    moves: Some((&StageMoves::into(vec![2]), &cards)),
                    ..history(&versions, &read)
                }
            ),
            [None, None, added, None]
        );
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
