//! What changed between two funnel versions: stages added, removed or renamed (a new name that
//! keeps the old one as an alias), fields bound or unbound, idle limits and extra control.

use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelDiff {
    pub stages_added: Vec<String>,
    pub stages_removed: Vec<String>,
    /// (old name, new name).
    pub stages_renamed: Vec<(String, String)>,
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

/// `new` compared with `old`.
pub fn diff(old: &Funnel, new: &Funnel) -> FunnelDiff {
    let mut d = FunnelDiff::default();
    for st in &new.stages {
        // The old stage this one continues: by name, else by one of its aliases.
        let before = old
            .stages
            .iter()
            .find(|o| fold(&o.name) == fold(&st.name))
            .or_else(|| {
                old.stages
                    .iter()
                    .find(|o| st.aliases.iter().any(|a| fold(a) == fold(&o.name)))
            });
        let Some(o) = before else {
            d.stages_added.push(st.name.clone());
            continue;
        };
        if fold(&o.name) != fold(&st.name) {
            d.stages_renamed.push((o.name.clone(), st.name.clone()));
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
    for o in &old.stages {
        if new.resolve(&o.name).is_none() {
            d.stages_removed.push(o.name.clone());
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
    }
}
