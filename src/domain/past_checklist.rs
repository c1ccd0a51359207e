//! The checklist of a stage the funnel no longer has, from the funnel versions the store
//! recorded: a review made there answered that checklist's items, which the lead reads by
//! their names, not their ids.

use super::funnel::{Funnel, Stage};
use super::funnel_diff::continued;

/// The funnel versions a store recorded that still read, oldest first, each by its
/// fingerprint (the one a review made under it carries), against the funnel of now.
#[derive(Debug, Clone, Default)]
pub struct PastFunnels {
    versions: Vec<Version>,
}

#[derive(Debug, Clone)]
struct Version {
    fingerprint: String,
    funnel: Funnel,
    /// Per stage of `funnel`, the stage of the funnel of now that continues it: worked out
    /// once, not per review.
    continued_by: Vec<Option<usize>>,
}

impl PastFunnels {
    /// `versions` (fingerprint, funnel), oldest first, against `now`.
    pub fn new(now: &Funnel, versions: Vec<(String, Funnel)>) -> PastFunnels {
        let versions = (versions.into_iter())
            .map(|(fingerprint, funnel)| {
                let mut continued_by = vec![None; funnel.stages.len()];
                for (i, s) in now.stages.iter().enumerate() {
                    if let Some(at) = continued(&funnel, s) {
                        continued_by[at] = Some(i);
                    }
                }
                Version {
                    fingerprint,
                    funnel,
                    continued_by,
                }
            })
            .collect();
        PastFunnels { versions }
    }

    /// The stage a review made at `stage` (the CRM's name) under the funnel version of
    /// `fingerprint` was made at, where `now` has it no longer under that name: the version's
    /// stage, when no stage of `now` continues it (removed, or merged into another — its name
    /// now that stage's alias, tester43 F3) or another stage of `now` holds the name. Its
    /// checklist is the one the auditor answered, not the one the name leads to now. A review
    /// of a version not recorded (or that no longer reads) is told by `now` alone: the latest
    /// version's stage of that name, where `now` does not know it. `None`: `now`'s stage of
    /// that name is the one the review was made at. `now` is the funnel these were read
    /// against.
    pub fn gone_stage(
        &self,
        now: &Funnel,
        stage: &str,
        fingerprint: Option<&str>,
    ) -> Option<&Stage> {
        let then = (self.versions.iter()).find(|v| Some(v.fingerprint.as_str()) == fingerprint);
        if let Some((then, at)) = then.and_then(|v| Some((v, v.funnel.resolve(stage)?))) {
            return match then.continued_by[at] {
                Some(i) if now.resolve(stage) == Some(i) => None,
                _ => Some(then.funnel.stage(at)),
            };
        }
        if now.resolve(stage).is_some() {
            return None;
        }
        (self.versions.iter().rev())
            .find_map(|v| v.funnel.resolve(stage).map(|i| v.funnel.stage(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn funnel(negotiation: Option<&str>) -> Funnel {
        let mut src = "name = \"Продажи\"\n\n[[stages]]\nname = \"Контакт\"\n".to_string();
        if let Some(text) = negotiation {
            src += &format!(
                "\n[[stages]]\nname = \"Переговоры\"\naliases = [\"Торг\"]\n\n\
                 [[stages.checklist]]\nid = \"q3\"\ntext = \"{text}\"\nweight = 2\n"
            );
        }
        crate::funnel_config::load_str(&src, std::path::Path::new("funnel.toml")).unwrap()
    }

    #[test]
    fn the_latest_version_that_had_the_stage_names_its_items() {
        let (v1, v2, v3) = (
            funnel(Some("Старый текст")),
            funnel(Some("Новый текст")),
            funnel(None),
        );
        // A review of no recorded version, at a stage the funnel of now (v3) does not have.
        let text = |versions: &[Funnel], stage: &str| {
            let past = PastFunnels::new(
                &v3,
                (versions.iter())
                    .enumerate()
                    .map(|(i, f)| (i.to_string(), f.clone()))
                    .collect(),
            );
            (past.gone_stage(&v3, stage, None)).map(|s| s.checklist[0].text.clone())
        };
        let all = [v1.clone(), v2, v3.clone()];
        assert_eq!(text(&all, "Переговоры").as_deref(), Some("Новый текст"));
        // By an alias, as the CRM named the stage.
        assert_eq!(text(&all, "торг").as_deref(), Some("Новый текст"));
        assert_eq!(text(&[v1], "Переговоры").as_deref(), Some("Старый текст"));
        assert_eq!(text(std::slice::from_ref(&v3), "Переговоры"), None);
        assert_eq!(text(&[], "Переговоры"), None);
    }

    /// tester43 F3: «Контакт» merged into «Встреча» (removed, its names made aliases of
    /// «Встреча»), «Возражения» renamed «Работа с возражениями» keeping its name as an alias.
    /// A review made at «Контакт» under version 1 answered «Контакт»'s checklist, one made
    /// there under version 2 «Встреча»'s; a review at a renamed stage answered the stage it
    /// still is.
    #[test]
    fn a_review_at_a_stage_merged_since_answered_the_version_s_stage() {
        let load = |src: &str| {
            crate::funnel_config::load_str(src, std::path::Path::new("funnel.toml")).unwrap()
        };
        let item = |id: &str| format!("[[stages.checklist]]\nid = \"{id}\"\ntext = \"{id}\"\n");
        let v1 = load(&format!(
            "name = \"t\"\n[[stages]]\nname = \"Встреча\"\n{}\
             [[stages]]\nname = \"Возражения\"\n{}\
             [[stages]]\nname = \"Контакт\"\naliases = [\"Касание\"]\n{}",
            item("met"),
            item("objection"),
            item("contact")
        ));
        let v2 = load(&format!(
            "name = \"t\"\n[[stages]]\nname = \"Встреча\"\naliases = [\"Контакт\", \"Касание\"]\n{}\
             [[stages]]\nname = \"Работа с возражениями\"\naliases = [\"Возражения\"]\n{}",
            item("met"),
            item("objection")
        ));
        let versions = vec![("v1".to_string(), v1), ("v2".to_string(), v2.clone())];
        let past = PastFunnels::new(&v2, versions.clone());
        let gone = |stage: &str, fingerprint: Option<&str>| {
            (past.gone_stage(&v2, stage, fingerprint))
                .map(|s| (s.name.clone(), s.checklist[0].id.clone()))
        };
        let contact = Some(("Контакт".to_string(), "contact".to_string()));
        assert_eq!(gone("Контакт", Some("v1")), contact);
        assert_eq!(gone("касание", Some("v1")), contact, "by its alias");
        assert_eq!(gone("Контакт", Some("v2")), None);
        assert_eq!(gone("Встреча", Some("v1")), None);
        assert_eq!(gone("Возражения", Some("v1")), None, "a rename");
        // Not recorded: told by the funnel of now, as before.
        assert_eq!(gone("Контакт", Some("v0")), None);
        assert_eq!(gone("Контакт", None), None);
        // Removed outright: gone whatever the version.
        let v3 = load(&format!(
            "name = \"t\"\n[[stages]]\nname = \"Встреча\"\n{}",
            item("met")
        ));
        let past = PastFunnels::new(&v3, versions);
        assert_eq!(
            past.gone_stage(&v3, "Возражения", None)
                .map(|s| s.name.as_str()),
            Some("Работа с возражениями")
        );
        assert_eq!(
            past.gone_stage(&v3, "Возражения", Some("v1"))
                .map(|s| s.name.as_str()),
            Some("Возражения")
        );
    }
}
