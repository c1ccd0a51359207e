//! What changed between two funnel versions: stages added, removed or renamed (a new name that
//! keeps the old one as an alias), fields bound or unbound, idle limits and extra control.

use serde::{Deserialize, Serialize};

use super::analytics::stages::StageInUse;
use super::funnel::Funnel;
use super::names::fold;

/// One recorded version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FunnelVersion {
    pub version: i64,
    pub hash: String,
    pub first_used: String,
    pub name: String,
    #[serde(skip)]
    pub content: String,
    /// JSON of `domain::funnel_diff::FunnelDiff`.
    #[serde(skip)]
    pub changes: String,
}

/// Fields a store recorded before they existed read empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FunnelDiff {
    pub stages_added: Vec<String>,
    /// Every stage no stage of the new version continues (by its name, or by an alias naming
    /// it as a rename keeps the old name): one dropped outright, and one merged into another
    /// stage, whose name is now that stage's alias (listed in `stages_merged` too).
    pub stages_removed: Vec<String>,
    /// (removed stage, the stage its name is now an alias of): a merge.
    pub stages_merged: Vec<(String, String)>,
    /// (old name, new name).
    pub stages_renamed: Vec<(String, String)>,
    /// (stage, alias): a name that now brings its cards to the stage (the old name a renamed
    /// stage keeps is its rename, not listed here).
    pub aliases_added: Vec<(String, String)>,
    /// (stage, alias): a name the stage no longer takes cards by.
    pub aliases_removed: Vec<(String, String)>,
    /// (stage, field).
    pub fields_bound: Vec<(String, String)>,
    pub fields_unbound: Vec<(String, String)>,
    /// (stage, old limit, new limit).
    pub limits_changed: Vec<(String, Option<u32>, Option<u32>)>,
    /// (stage, now extra control).
    pub extra_control_changed: Vec<(String, bool)>,
    /// The first version: nothing to compare with.
    pub first: bool,
}

impl FunnelDiff {
    /// The stages the change touched, by their new name.
    pub fn touched(&self) -> Vec<String> {
        let mut out: Vec<String> = self.stages_added.clone();
        out.extend(self.stages_renamed.iter().map(|(_, n)| n.clone()));
        out.extend(self.aliases_added.iter().map(|(s, _)| s.clone()));
        out.extend(self.aliases_removed.iter().map(|(s, _)| s.clone()));
        out.extend(self.fields_bound.iter().map(|(s, _)| s.clone()));
        out.extend(self.fields_unbound.iter().map(|(s, _)| s.clone()));
        out.extend(self.limits_changed.iter().map(|(s, _, _)| s.clone()));
        out.extend(self.extra_control_changed.iter().map(|(s, _)| s.clone()));
        out.sort();
        out.dedup();
        out
    }

    pub fn is_empty(&self) -> bool {
        *self
            == FunnelDiff {
                first: self.first,
                ..FunnelDiff::default()
            }
    }
}

/// The stage of `old` (by index) that `st`, a stage of a later funnel, continues: the one of its
/// name, else one an alias of it names (a rename keeping the old name). A stage merged into
/// another is continued by none: the other continues the stage of its own name.
pub fn continued(old: &Funnel, st: &super::funnel::Stage) -> Option<usize> {
    (old.stages.iter())
        .position(|o| fold(&o.name) == fold(&st.name))
        .or_else(|| {
            (old.stages.iter()).position(|o| st.aliases.iter().any(|a| fold(a) == fold(&o.name)))
        })
}

/// What a version changed: compared by this okk with the version before, from the texts the
/// store keeps (`before`, `this`), where both read — a diff recorded by an older okk may not
/// tell all it tells now (aliases, a merge: tester43 F2) —, else as recorded.
pub fn of_version(
    recorded: FunnelDiff,
    before: Option<&Funnel>,
    this: Option<&Funnel>,
) -> FunnelDiff {
    match (before, this) {
        (Some(old), Some(new)) if !recorded.first => diff(old, new),
        _ => recorded,
    }
}

/// `new` compared with `old`.
pub fn diff(old: &Funnel, new: &Funnel) -> FunnelDiff {
    let mut d = FunnelDiff::default();
    let mut continued_by: Vec<bool> = vec![false; old.stages.len()];
    for st in &new.stages {
        let before = continued(old, st).map(|i| {
            continued_by[i] = true;
            old.stage(i)
        });
        let Some(o) = before else {
            d.stages_added.push(st.name.clone());
            continue;
        };
        if fold(&o.name) != fold(&st.name) {
            d.stages_renamed.push((o.name.clone(), st.name.clone()));
        }
        let named = |stage: &super::funnel::Stage, a: &str| {
            std::iter::once(&stage.name)
                .chain(&stage.aliases)
                .any(|n| fold(n) == fold(a))
        };
        for a in &st.aliases {
            if !named(o, a) {
                d.aliases_added.push((st.name.clone(), a.clone()));
            }
        }
        for a in &o.aliases {
            if !named(st, a) {
                d.aliases_removed.push((st.name.clone(), a.clone()));
            }
        }
        for f in &st.fields {
            if !o.fields.iter().any(|x| fold(x) == fold(f)) {
                d.fields_bound.push((st.name.clone(), f.clone()));
            }
        }
        for f in &o.fields {
            if !st.fields.iter().any(|x| fold(x) == fold(f)) {
                d.fields_unbound.push((st.name.clone(), f.clone()));
            }
        }
        if o.max_idle_days != st.max_idle_days {
            d.limits_changed
                .push((st.name.clone(), o.max_idle_days, st.max_idle_days));
        }
        if o.extra_control != st.extra_control {
            d.extra_control_changed
                .push((st.name.clone(), st.extra_control));
        }
    }
    for (o, _) in (old.stages.iter().zip(continued_by)).filter(|(_, c)| !c) {
        d.stages_removed.push(o.name.clone());
        if let Some(i) = new.resolve(&o.name) {
            d.stages_merged
                .push((o.name.clone(), new.stage(i).name.clone()));
        }
    }
    d
}

/// Cards at a stage name the funnel does not resolve: what `okk funnel check --store` warns of
/// before the funnel leaves them «not in the funnel».
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stranded {
    /// The name as the cards carry it.
    pub stage: String,
    pub cards: u64,
    pub reviews: u64,
    /// A funnel the store ran with had it: this one renamed the stage without keeping the old
    /// name as an alias, or removed it.
    pub had: bool,
    /// This funnel's stage that looks like its new name: the stage of the same name (which
    /// dropped it as an alias), else one the change added in its place or sharing a word with
    /// it.
    pub like: Option<String>,
}

/// The stage names in `in_use` (with cards) that `funnel` does not resolve, most cards first;
/// `earlier`: the funnels the store ran with, oldest first.
pub fn stranded(funnel: &Funnel, in_use: &[StageInUse], earlier: &[Funnel]) -> Vec<Stranded> {
    let mut out: Vec<Stranded> = in_use
        .iter()
        .filter(|s| s.cards > 0 && funnel.resolve(&s.stage).is_none())
        .map(|s| {
            let before = earlier
                .iter()
                .rev()
                .find_map(|old| old.resolve(&s.stage).map(|i| (old, i)));
            Stranded {
                stage: s.stage.clone(),
                cards: s.cards,
                reviews: s.reviews,
                had: before.is_some(),
                like: before.and_then(|(old, at)| new_name_of(old, at, &s.stage, funnel)),
            }
        })
        .collect();
    out.sort_by(|a, b| b.cards.cmp(&a.cards).then_with(|| a.stage.cmp(&b.stage)));
    out
}

/// Drops the new name [`stranded`] guessed for a stage where the cards' own moves say it was
/// no rename (by the import's and `funnel suggest`'s rule, [`RenameEvidence::is_rename`]): the
/// cards came to the stranded name from the stage guessed, but most of that stage's went
/// elsewhere (the CRM removed it and added this one beside it), or some still stand there.
/// Where no card moved between them the guess stands: the funnel was renamed before any import.
///
/// [`RenameEvidence::is_rename`]: super::stage_rename::RenameEvidence::is_rename
pub fn weigh_likes(
    stranded: &mut [Stranded],
    funnel: &Funnel,
    in_use: &[StageInUse],
    history: &super::suggest::HistoryTally,
) {
    for s in stranded {
        let Some(at) = s.like.as_deref().and_then(|l| funnel.resolve(l)) else {
            continue;
        };
        let stayed = (in_use.iter())
            .filter(|u| funnel.resolve(&u.stage) == Some(at))
            .map(|u| u.cards)
            .sum();
        let e = history.rename_evidence(&funnel.stage(at).name, &s.stage, stayed, s.cards);
        if e.moved > 0 && !e.is_rename() {
            s.like = None;
        }
    }
}

/// The stage of `new` that looks like `old`'s stage `at` (which cards know as `crm`) renamed.
fn new_name_of(old: &Funnel, at: usize, crm: &str, new: &Funnel) -> Option<String> {
    let name = &old.stage(at).name;
    if let Some(j) = new.resolve(name) {
        return Some(new.stage(j).name.clone());
    }
    let added: Vec<usize> = diff(old, new)
        .stages_added
        .iter()
        .filter_map(|a| new.resolve(a))
        .collect();
    // Where the old stage stood: between the stages that were its neighbours.
    let continues = |o: Option<usize>, n: Option<usize>| match (o, n) {
        (None, None) => true,
        (Some(o), Some(n)) => new.resolve(&old.stage(o).name) == Some(n),
        _ => false,
    };
    let in_its_place = |j: usize| {
        continues(at.checked_sub(1), j.checked_sub(1))
            && continues(
                Some(at + 1).filter(|&i| i < old.stages.len()),
                Some(j + 1).filter(|&i| i < new.stages.len()),
            )
    };
    if let Some(&j) = added.iter().find(|&&j| in_its_place(j)) {
        return Some(new.stage(j).name.clone());
    }
    let words = |s: &str| -> Vec<String> {
        fold(s)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_string)
            .collect()
    };
    let mut theirs = words(name);
    theirs.extend(words(crm));
    added
        .iter()
        .map(|&j| {
            let shared = words(&new.stage(j).name)
                .iter()
                .filter(|w| theirs.contains(w))
                .count();
            (shared, j)
        })
        .filter(|(shared, _)| *shared > 0)
        .max_by_key(|(shared, _)| *shared)
        .map(|(_, j)| new.stage(j).name.clone())
}

/// Whether flags marked as judged for `ran_for` (the rules run's mark: a funnel's fingerprint
/// and the day, `"FINGERPRINT YYYY-MM-DD"`) were judged by a funnel other than `fingerprint`'s.
/// No mark, or an empty one (the rules must run anyway), is no other funnel's.
pub fn judged_by_another(ran_for: Option<&str>, fingerprint: &str) -> bool {
    match ran_for.map(str::trim).filter(|r| !r.is_empty()) {
        Some(ran) => ran.split_once(' ').map_or(ran, |(fp, _)| fp) != fingerprint,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn flags_judged_by_another_funnel_are_told_from_another_day_s() {
        assert!(!judged_by_another(Some("abc 2026-11-20"), "abc"));
        assert!(
            !judged_by_another(Some("abc 2026-11-19"), "abc"),
            "only the day"
        );
        assert!(judged_by_another(Some("old 2026-11-20"), "abc"));
        assert!(judged_by_another(Some("old"), "abc"));
        assert!(!judged_by_another(None, "abc"), "never ran: no flags");
        assert!(!judged_by_another(Some(""), "abc"));
    }

    fn load(src: &str) -> Funnel {
        crate::funnel_config::load_str(src, Path::new("t.toml")).unwrap()
    }

    #[test]
    fn a_rename_kept_as_alias_a_new_limit_and_a_dropped_stage_are_told_apart() {
        let old = load(
            "name = \"t\"\n[[stages]]\nname = \"A\"\nmax_idle_days = 3\n\
             [[stages]]\nname = \"B\"\n[[stages]]\nname = \"C\"\n",
        );
        let new = load(
            "name = \"t\"\n[[custom_fields]]\nname = \"M\"\n[[stages]]\nname = \"A\"\n\
             max_idle_days = 5\nfields = [\"M\"]\n[[stages]]\nname = \"B2\"\naliases = [\"B\"]\n\
             [[stages]]\nname = \"D\"\n",
        );
        let d = diff(&old, &new);
        assert_eq!(d.stages_renamed, [("B".to_string(), "B2".to_string())]);
        assert_eq!(d.stages_added, ["D"]);
        assert_eq!(d.stages_removed, ["C"]);
        assert_eq!(d.fields_bound, [("A".to_string(), "M".to_string())]);
        assert_eq!(d.limits_changed, [("A".to_string(), Some(3), Some(5))]);
        assert_eq!(d.touched(), ["A", "B2", "D"]);
        assert!(
            d.aliases_added.is_empty() && d.aliases_removed.is_empty(),
            "{d:?}"
        );
    }

    /// tester43 F2: a stage merged into another (removed, its names made the other's aliases,
    /// as docs/funnel.md's merge fix does) is removed all the same, and said merged, though
    /// the new funnel resolves its name.
    #[test]
    fn a_stage_whose_names_became_another_s_aliases_is_removed_by_a_merge() {
        let old = load(
            "name = \"t\"\n[[stages]]\nname = \"A\"\n\
             [[stages]]\nname = \"B\"\naliases = [\"b1\"]\n[[stages]]\nname = \"C\"\n",
        );
        let new = load(
            "name = \"t\"\n[[stages]]\nname = \"A\"\naliases = [\"B\", \"b1\"]\n\
             [[stages]]\nname = \"C2\"\naliases = [\"C\"]\n",
        );
        let d = diff(&old, &new);
        assert_eq!(d.stages_removed, ["B"]);
        assert_eq!(d.stages_merged, [("B".to_string(), "A".to_string())]);
        assert_eq!(d.stages_renamed, [("C".to_string(), "C2".to_string())]);
        assert_eq!(d.aliases_added.len(), 2, "{d:?}");
    }

    #[test]
    fn an_alias_added_or_dropped_is_a_change() {
        let old = load("name = \"t\"\n[[stages]]\nname = \"A\"\naliases = [\"a1\", \"a2\"]\n");
        let new = load("name = \"t\"\n[[stages]]\nname = \"A\"\naliases = [\"A2\", \"a3\"]\n");
        let d = diff(&old, &new);
        assert_eq!(d.aliases_added, [("A".to_string(), "a3".to_string())]);
        assert_eq!(d.aliases_removed, [("A".to_string(), "a1".to_string())]);
        assert!(!d.is_empty());
        assert_eq!(d.touched(), ["A"]);
        // A diff recorded before aliases were compared reads back without them.
        let stored: FunnelDiff = serde_json::from_str(r#"{"stages_added":["X"]}"#).unwrap();
        assert_eq!(stored.stages_added, ["X"]);
    }

    fn used(stage: &str, cards: u64, reviews: u64) -> StageInUse {
        StageInUse {
            stage: stage.into(),
            cards,
            reviews,
        }
    }

    #[test]
    fn cards_at_a_name_the_funnel_no_longer_has_are_stranded_with_the_stage_renamed_in_its_place() {
        let old = load(
            "name = \"t\"\n[[stages]]\nname = \"Встреча проведена\"\n\
             [[stages]]\nname = \"Возражения\"\n[[stages]]\nname = \"Договор\"\n",
        );
        // Renamed without the old name as an alias, another stage removed.
        let new = load(
            "name = \"t\"\n[[stages]]\nname = \"Встреча в офисе проведена\"\n\
             [[stages]]\nname = \"Договор\"\n",
        );
        let in_use = [
            used("встреча проведена", 45, 11),
            used("Возражения", 30, 0),
            used("Договор", 20, 3),
            used("Переговоры", 3, 0),
            used("Пусто", 0, 0),
        ];
        let s = stranded(&new, &in_use, std::slice::from_ref(&old));
        let got: Vec<_> = s
            .iter()
            .map(|s| {
                (
                    s.stage.as_str(),
                    s.cards,
                    s.reviews,
                    s.had,
                    s.like.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "встреча проведена",
                    45,
                    11,
                    true,
                    Some("Встреча в офисе проведена")
                ),
                ("Возражения", 30, 0, true, None),
                ("Переговоры", 3, 0, false, None),
            ]
        );
        // A stage added elsewhere is no rename of it; one in its place is, whatever its words.
        let split = load(
            "name = \"t\"\n[[stages]]\nname = \"Встреча проведена\"\n\
             [[stages]]\nname = \"Договор\"\n[[stages]]\nname = \"Оплата\"\n",
        );
        let s = stranded(&split, &in_use[1..2], std::slice::from_ref(&old));
        assert_eq!((s[0].had, s[0].like.as_deref()), (true, None));
        let renamed = load(
            "name = \"t\"\n[[stages]]\nname = \"Итоги\"\n[[stages]]\nname = \"Возражения\"\n[[stages]]\nname = \"Договор\"\n",
        );
        let s = stranded(&renamed, &in_use[..1], &[old]);
        assert_eq!(s[0].like.as_deref(), Some("Итоги"));
        // The alias dropped from the stage that had it: that stage.
        let dropped = load(
            "name = \"t\"\n[[stages]]\nname = \"Встреча в офисе проведена\"\n\
             aliases = [\"Встреча проведена\"]\n",
        );
        let s = stranded(&new, &in_use[..1], &[dropped]);
        assert_eq!(s[0].like.as_deref(), Some("Встреча в офисе проведена"));
        // Kept as an alias: nothing stranded.
        let kept = load(
            "name = \"t\"\n[[stages]]\nname = \"Встреча в офисе проведена\"\n\
             aliases = [\"Встреча проведена\"]\n",
        );
        assert!(stranded(&kept, &in_use[..1], &[]).is_empty());
    }

    /// tester37 F5: the funnel the store ran with took «Ипотека» for «Бронь» renamed; the cards
    /// say «Бронь»'s went mostly to «Договор»: no rename to hint at. With no card moved between
    /// them (the funnel renamed before any import), the guess stands.
    #[test]
    fn a_guessed_rename_the_cards_moves_deny_is_not_hinted() {
        let old = load(
            "name = \"t\"\n[[stages]]\nname = \"Бронь\"\naliases = [\"Ипотека\"]\n\
             [[stages]]\nname = \"Договор\"\n",
        );
        let new =
            load("name = \"t\"\n[[stages]]\nname = \"Бронь\"\n[[stages]]\nname = \"Договор\"\n");
        let in_use = [used("Ипотека", 11, 4), used("Договор", 31, 0)];
        let at = |d: u32| {
            chrono::NaiveDate::from_ymd_opt(2026, 11, d)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap()
        };
        let mut history = crate::domain::suggest::HistoryTally::default();
        for (stage, n) in [("Ипотека", 11), ("Договор", 31)] {
            for _ in 0..n {
                history.add(&new, &[(at(2), "Бронь".into()), (at(23), stage.into())]);
            }
        }
        let mut s = stranded(&new, &in_use, std::slice::from_ref(&old));
        assert_eq!(
            s[0].like.as_deref(),
            Some("Бронь"),
            "the guess by the names"
        );
        weigh_likes(&mut s, &new, &in_use, &history);
        assert_eq!(
            (s[0].stage.as_str(), s[0].like.as_deref()),
            ("Ипотека", None)
        );

        let mut s = stranded(&new, &in_use, std::slice::from_ref(&old));
        let none = crate::domain::suggest::HistoryTally::default();
        weigh_likes(&mut s, &new, &in_use, &none);
        assert_eq!(
            s[0].like.as_deref(),
            Some("Бронь"),
            "no move says otherwise"
        );
    }
}
