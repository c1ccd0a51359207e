//! The CRM's own pipelines and stages, as a live sync read it (ids, names, amoCRM's `sort`,
//! Bitrix24's `SORT`): `okk funnel init --from-store` lists stages in their order instead of
//! guessing, and `okk export crm` finds where a move lands in a card's own pipeline.

use std::collections::{BTreeMap, BTreeSet};

use super::funnel::{Funnel, StageKind};
use super::names::fold;
use super::suggestion::StageTarget;

/// One stage of a CRM pipeline, with the CRM's own order of both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrmStage {
    /// The CRM's ids: amoCRM's 142 and 143 repeat in every pipeline, so a stage is its pair.
    pub pipeline_id: String,
    pub pipeline: String,
    /// The pipeline's place among the account's (the CRM's `sort`: smaller first).
    pub pipeline_sort: i64,
    pub stage_id: String,
    /// The stage's name, as the synced cards carry it.
    pub stage: String,
    /// The stage's place in its pipeline (the CRM's `sort`).
    pub sort: i64,
    /// Whether the CRM counts the stage as its pipeline's success or failure (Bitrix24's
    /// `SEMANTICS` S / F; amoCRM's 142 and 143 in every pipeline). `None`: not known (a sync
    /// made before okk kept it).
    pub semantics: Option<Semantics>,
}

/// What a CRM stage means to its pipeline: still in work, or the deal closed won or lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Semantics {
    Open,
    Won,
    Lost,
}

impl Semantics {
    /// As the store keeps it.
    pub fn as_str(self) -> &'static str {
        match self {
            Semantics::Open => "open",
            Semantics::Won => "won",
            Semantics::Lost => "lost",
        }
    }

    pub fn parse(s: &str) -> Option<Semantics> {
        match s {
            "open" => Some(Semantics::Open),
            "won" => Some(Semantics::Won),
            "lost" => Some(Semantics::Lost),
            _ => None,
        }
    }

    /// What a funnel stage of `kind` closes as (`None`: an open stage).
    fn of(kind: StageKind) -> Option<Semantics> {
        match kind {
            StageKind::Won => Some(Semantics::Won),
            StageKind::Lost => Some(Semantics::Lost),
            StageKind::Open => None,
        }
    }
}

/// The stages' names in the CRMs' order: connections by name, each one's pipelines by their
/// sort, each pipeline's stages by theirs (ids break ties). A name met again — a stage of the
/// same name in a later pipeline, amoCRM's won and lost in each — keeps its first place, as the
/// stages of several pipelines make one funnel.
pub fn crm_order(rows: &[(String, CrmStage)]) -> Vec<String> {
    let mut rows: Vec<&(String, CrmStage)> = rows.iter().collect();
    // Ids are numbers in both CRMs (Bitrix24's stage ids aside, which only break ties).
    let id = |s: &str| (s.parse::<i64>().unwrap_or(i64::MAX), s.to_string());
    rows.sort_by(|(ca, a), (cb, b)| {
        ca.cmp(cb)
            .then(a.pipeline_sort.cmp(&b.pipeline_sort))
            .then_with(|| id(&a.pipeline_id).cmp(&id(&b.pipeline_id)))
            .then(a.sort.cmp(&b.sort))
            .then_with(|| id(&a.stage_id).cmp(&id(&b.stage_id)))
    });
    let mut seen = std::collections::HashSet::new();
    rows.into_iter()
        .filter(|(_, s)| seen.insert(fold(&s.stage)))
        .map(|(_, s)| s.stage.clone())
        .collect()
}

/// A stage the CRM renamed: the same ids (pipeline, stage) under another name since the
/// connection's last sync. Certain, where a file import can only guess from its cards
/// (`domain::stage_rename`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CrmRename {
    /// The pipeline as the CRM names it now (its cards carry that name).
    pub pipeline: String,
    pub from: String,
    pub to: String,
    /// The funnel stage the old name is, when the funnel does not know the new one: the name
    /// to add to its aliases, or the cards stand at a stage the funnel does not know.
    pub add_alias_to: Option<String>,
}

/// The stages `now` (this sync's read) names otherwise than `before` (the last sync's), by
/// their ids, with the funnel stage whose aliases lack the new name (`alias_for`: given the old
/// and the new name, that stage's name).
pub fn renamed(
    before: &[CrmStage],
    now: &[CrmStage],
    alias_for: impl Fn(&str, &str) -> Option<String>,
) -> Vec<CrmRename> {
    let was: std::collections::HashMap<(&str, &str), &str> = before
        .iter()
        .map(|s| {
            (
                (s.pipeline_id.as_str(), s.stage_id.as_str()),
                s.stage.as_str(),
            )
        })
        .collect();
    now.iter()
        .filter_map(|s| {
            let from = *was.get(&(s.pipeline_id.as_str(), s.stage_id.as_str()))?;
            (from != s.stage).then(|| CrmRename {
                pipeline: s.pipeline.clone(),
                from: from.to_string(),
                to: s.stage.clone(),
                add_alias_to: alias_for(from, &s.stage),
            })
        })
        .collect()
}

/// A pipeline the CRM renamed: the same id under another name since the last sync.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PipelineRename {
    pub from: String,
    pub to: String,
}

/// The pipelines `now` names otherwise than `before`, by their ids.
pub fn renamed_pipelines(before: &[CrmStage], now: &[CrmStage]) -> Vec<PipelineRename> {
    let was: std::collections::HashMap<&str, &str> = before
        .iter()
        .map(|s| (s.pipeline_id.as_str(), s.pipeline.as_str()))
        .collect();
    let mut out: Vec<PipelineRename> = Vec::new();
    for s in now {
        if let Some(&from) = was.get(s.pipeline_id.as_str())
            && from != s.pipeline
            && !out.iter().any(|r| r.to == s.pipeline)
        {
            out.push(PipelineRename {
                from: from.to_string(),
                to: s.pipeline.clone(),
            });
        }
    }
    out
}

/// The pipelines a connection's `pipelines = [...]` names, as the CRM names them now (`now`: id,
/// name): a name the CRM no longer has, whose id the last sync read under it (`last`), is that
/// pipeline's new name — the CRM renamed it, and the sync follows it rather than stop. With the
/// pairs followed so, for the report to say which name to write in the config. A name neither
/// way stays as it is (the reader says the pipeline is not there).
pub fn follow_renamed(
    wanted: &[String],
    last: &[CrmStage],
    now: &[(String, String)],
) -> (Vec<String>, Vec<PipelineRename>) {
    let mut renamed = Vec::new();
    let names = wanted
        .iter()
        .map(|w| {
            if now.iter().any(|(_, n)| n == w) {
                return w.clone();
            }
            let id = last
                .iter()
                .find(|s| s.pipeline == *w)
                .map(|s| &s.pipeline_id);
            match id.and_then(|id| now.iter().find(|(i, _)| i == id)) {
                Some((_, to)) => {
                    renamed.push(PipelineRename {
                        from: w.clone(),
                        to: to.clone(),
                    });
                    to.clone()
                }
                None => w.clone(),
            }
        })
        .collect();
    (names, renamed)
}

/// Whether a card of `pipeline` that stood at `from` and stands at `to` only took its stage's
/// new name (one of `renames`).
pub fn is_renamed(renames: &[CrmRename], pipeline: Option<&str>, from: &str, to: &str) -> bool {
    renames
        .iter()
        .any(|r| r.from == from && r.to == to && pipeline.is_none_or(|p| p == r.pipeline))
}

/// Every synced connection's stages, by connection: what a card of that source can be moved to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountStages {
    by: BTreeMap<String, Vec<CrmStage>>,
    /// The CRM connections okk knows (configured, or synced into the store), stages or none.
    connections: BTreeSet<String>,
}

impl AccountStages {
    /// From the store's rows (connection, stage).
    pub fn new(rows: Vec<(String, CrmStage)>) -> AccountStages {
        let mut by: BTreeMap<String, Vec<CrmStage>> = BTreeMap::new();
        for (connection, stage) in rows {
            by.entry(connection).or_default().push(stage);
        }
        AccountStages {
            by,
            connections: BTreeSet::new(),
        }
    }

    /// These stages, knowing `connections` for CRM connections (configured or synced): a
    /// source among them with no stages is one whose last sync came before okk kept them.
    pub fn with_connections(mut self, connections: impl IntoIterator<Item = String>) -> Self {
        self.connections.extend(connections);
        self
    }

    /// The stages of `source`'s pipelines, when `source` is a connection a sync read them for
    /// (a source of file imports has none).
    pub fn of(&self, source: &str) -> Option<&[CrmStage]> {
        self.by
            .get(source)
            .map(Vec::as_slice)
            .filter(|s| !s.is_empty())
    }

    /// Which of `targets` (funnel stages' names, as a stage picker offers them) a move of a
    /// card of `source` in `pipeline` would find no place for in that pipeline ([`landing`]
    /// finds none): `okk export crm` leaves such a move out. All false where okk knows no
    /// stages of `source` (a source of file imports), or no pipeline of that name (the next
    /// sync reads it; the export says so meanwhile).
    pub fn unlanded(
        &self,
        source: &str,
        pipeline: Option<&str>,
        funnel: &Funnel,
        targets: &[String],
    ) -> Vec<bool> {
        let Some(stages) = self.of(source) else {
            return vec![false; targets.len()];
        };
        (targets.iter())
            .map(|name| {
                let target = match funnel.resolve(name) {
                    Some(i) => StageTarget::Funnel(i),
                    None => StageTarget::Named(name.clone()),
                };
                landing(stages, pipeline, funnel, &target) == Err(NoLanding::Stage)
            })
            .collect()
    }

    /// Whether `source` is a CRM connection okk knows (its cards came from `okk sync`), not a
    /// source of export files.
    pub fn is_connection(&self, source: &str) -> bool {
        self.connections.contains(source) || self.by.contains_key(source)
    }
}

/// Why a move has nowhere to land in the card's CRM pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLanding {
    /// The connection's last sync read no pipeline of that name.
    Pipeline,
    /// The pipeline has no stage the funnel knows by the target's name or aliases.
    Stage,
}

/// The stage of `pipeline` (of one connection's `stages`; all of them when the card names no
/// pipeline) that a move to `target` lands on. A move to the funnel's won or lost stage lands
/// on the pipeline's own success or failure stage, by the CRM's semantics, whatever either is
/// named (Bitrix24 names each category's `C1:WON` as its admins chose); where the CRM's
/// semantics are not known (a sync made before okk kept them), or the pipeline has no such
/// stage, by name as any other move: one the funnel resolves to the same stage — its name or an
/// alias, loosely compared — the one spelled as the target first, then the pipeline's first by
/// its order.
pub fn landing<'a>(
    stages: &'a [CrmStage],
    pipeline: Option<&str>,
    funnel: &Funnel,
    target: &StageTarget,
) -> Result<&'a CrmStage, NoLanding> {
    let key = pipeline.map(fold);
    let mut in_pipeline = stages
        .iter()
        .filter(|s| key.as_ref().is_none_or(|k| fold(&s.pipeline) == *k))
        .peekable();
    if in_pipeline.peek().is_none() {
        return Err(NoLanding::Pipeline);
    }
    let (index, name) = match target {
        StageTarget::Funnel(i) => (Some(*i), funnel.stage(*i).name.as_str()),
        StageTarget::Named(name) => (funnel.resolve(name), name.as_str()),
    };
    let name = fold(name);
    let named = |s: &CrmStage| {
        let spelled = fold(&s.stage) == name;
        spelled || (index.is_some() && funnel.resolve(&s.stage) == index)
    };
    // The closest by name first, then the pipeline's order.
    let rank = |s: &CrmStage| {
        (
            fold(&s.stage) != name,
            !named(s),
            s.sort,
            s.stage_id.clone(),
        )
    };
    let closes = index.and_then(|i| Semantics::of(funnel.stage(i).kind));
    let in_pipeline: Vec<&CrmStage> = in_pipeline.collect();
    if let Some(closes) = closes
        && let Some(s) = (in_pipeline.iter())
            .filter(|s| s.semantics == Some(closes))
            .min_by_key(|s| rank(s))
    {
        return Ok(s);
    }
    in_pipeline
        .into_iter()
        .filter(|s| named(s))
        .min_by_key(|s| rank(s))
        .ok_or(NoLanding::Stage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_is_renamed_when_its_ids_carry_another_name_and_only_then() {
        let at = |pipeline: &str, id: &str, name: &str| CrmStage {
            pipeline_id: pipeline.into(),
            pipeline: format!("P{pipeline}"),
            pipeline_sort: 1,
            stage_id: id.into(),
            stage: name.into(),
            sort: 1,
            semantics: None,
        };
        let before = [
            at("1", "142", "Успешно"),
            at("2", "142", "Успешно"),
            at("1", "7", "Переговоры"),
        ];
        let now = [
            at("1", "142", "Успешно"),
            // amoCRM's 142 repeats in every pipeline: renamed in the second only.
            at("2", "142", "Продано"),
            at("1", "7", "Переговоры с клиентом"),
            // New ids are a stage added, not a rename.
            at("1", "8", "Торг"),
        ];
        let alias_for =
            |a: &str, _: &str| (a == "Успешно").then(|| "Успешно реализовано".to_string());
        let got = renamed(&before, &now, alias_for);
        assert_eq!(
            got,
            [
                CrmRename {
                    pipeline: "P2".into(),
                    from: "Успешно".into(),
                    to: "Продано".into(),
                    add_alias_to: Some("Успешно реализовано".into())
                },
                CrmRename {
                    pipeline: "P1".into(),
                    from: "Переговоры".into(),
                    to: "Переговоры с клиентом".into(),
                    add_alias_to: None
                },
            ]
        );
        assert!(is_renamed(&got, Some("P2"), "Успешно", "Продано"));
        assert!(!is_renamed(&got, Some("P1"), "Успешно", "Продано"));
        assert!(!is_renamed(&got, Some("P1"), "Переговоры", "Торг"));
        assert!(
            renamed(&[], &now, alias_for).is_empty(),
            "nothing to compare with"
        );
        assert!(renamed_pipelines(&before, &now).is_empty());
        // A connection's filter follows a renamed pipeline by the id its name had.
        let now_ids = [
            ("1".to_string(), "Продажи 2027".to_string()),
            ("2".to_string(), "P2".to_string()),
        ];
        let wanted = ["P1".to_string(), "P2".to_string(), "Нет такой".to_string()];
        let (names, followed) = follow_renamed(&wanted, &before, &now_ids);
        assert_eq!(names, ["Продажи 2027", "P2", "Нет такой"]);
        assert_eq!(
            followed,
            [PipelineRename {
                from: "P1".into(),
                to: "Продажи 2027".into()
            }]
        );
        let moved = [at("1", "142", "Успешно"), at("3", "142", "Успешно")];
        let mut renamed_p = moved.clone();
        renamed_p[0].pipeline = "Продажи 2027".into();
        assert_eq!(
            renamed_pipelines(&moved, &renamed_p),
            [PipelineRename {
                from: "P1".into(),
                to: "Продажи 2027".into()
            }]
        );
    }

    #[test]
    fn a_move_lands_on_the_pipelines_own_stage_by_name_or_alias_or_nowhere() {
        let f = crate::funnel_config::default_funnel();
        let at = |pipeline: &str, id: &str, name: &str, sort: i64| CrmStage {
            pipeline_id: pipeline.into(),
            pipeline: format!("P{pipeline}"),
            pipeline_sort: 1,
            stage_id: id.into(),
            stage: name.into(),
            sort,
            semantics: None,
        };
        let stages = [
            at("1", "NEW", "Неразобранное", 10),
            at("1", "PREPARATION", "первичный КОНТАКТ", 20),
            at("1", "LOSE", "Закрыто", 40),
            at("2", "C2:NEW", "Новая заявка", 10),
            at("2", "C2:BOOK", "Бронь", 20),
        ];
        let to = |name: &str| StageTarget::Funnel(f.resolve(name).unwrap());
        let id =
            |p: Option<&str>, t: &StageTarget| landing(&stages, p, &f, t).map(|s| &*s.stage_id);
        // Spelled as the funnel's stage (loosely) beats an alias earlier in the pipeline.
        assert_eq!(id(Some("P1"), &to("Первичный контакт")), Ok("PREPARATION"));
        assert_eq!(id(Some("p1"), &to("Закрыто и не реализовано")), Ok("LOSE"));
        assert_eq!(id(Some("P2"), &to("Первичный контакт")), Ok("C2:NEW"));
        assert_eq!(id(Some("P2"), &to("Бронирование")), Ok("C2:BOOK"));
        assert_eq!(
            id(Some("P1"), &StageTarget::Named("Бронь".into())),
            Err(NoLanding::Stage)
        );
        assert_eq!(id(Some("P1"), &to("Договор")), Err(NoLanding::Stage));
        assert_eq!(id(Some("P3"), &to("Договор")), Err(NoLanding::Pipeline));
        assert_eq!(id(None, &to("Бронирование")), Ok("C2:BOOK"));
    }

    /// Bitrix24's category names its success and failure stages as its admins chose: a move to
    /// the funnel's won or lost stage lands on them by the CRM's semantics, and by name where
    /// the semantics are not known.
    #[test]
    fn a_move_to_won_or_lost_lands_on_the_pipelines_own_success_or_failure_stage() {
        let f = crate::funnel_config::default_funnel();
        let at = |id: &str, name: &str, sort: i64, semantics: Option<Semantics>| CrmStage {
            pipeline_id: "1".into(),
            pipeline: "Вторичный рынок".into(),
            pipeline_sort: 1,
            stage_id: id.into(),
            stage: name.into(),
            sort,
            semantics,
        };
        let known = [
            at("C1:NEW", "Первичный контакт", 10, Some(Semantics::Open)),
            at("C1:WON", "Продано", 20, Some(Semantics::Won)),
            // An open stage that the funnel would take for its lost one by name.
            at(
                "C1:HOLD",
                "Закрыто и не реализовано",
                25,
                Some(Semantics::Open),
            ),
            at("C1:LOSE", "Отказ клиента", 30, Some(Semantics::Lost)),
            at(
                "C1:APOLOGY",
                "Анализ причины провала",
                40,
                Some(Semantics::Lost),
            ),
        ];
        let to = |name: &str| StageTarget::Funnel(f.resolve(name).unwrap());
        let won = to("Успешно реализовано");
        let lost = to("Закрыто и не реализовано");
        let id = |stages: &[CrmStage], t: &StageTarget| {
            landing(stages, Some("Вторичный рынок"), &f, t).map(|s| s.stage_id.clone())
        };
        assert_eq!(id(&known, &won), Ok("C1:WON".to_string()));
        // The first failure stage by the pipeline's order.
        assert_eq!(id(&known, &lost), Ok("C1:LOSE".to_string()));
        let named = StageTarget::Named("Закрыто и не реализовано".into());
        assert_eq!(id(&known, &named), Ok("C1:LOSE".to_string()));
        // Open stages still land by name.
        assert_eq!(
            id(&known, &to("Первичный контакт")),
            Ok("C1:NEW".to_string())
        );
        // Semantics not known: by name, as before.
        let unknown: Vec<CrmStage> = (known.iter())
            .map(|s| CrmStage {
                semantics: None,
                ..s.clone()
            })
            .collect();
        assert_eq!(id(&unknown, &won), Err(NoLanding::Stage));
        assert_eq!(id(&unknown, &lost), Ok("C1:HOLD".to_string()));
    }

    /// The stage picker marks the funnel's stages a card's own pipeline has no place for: by
    /// name or alias, won and lost by the CRM's semantics, whatever the CRM names them; nothing
    /// for a source of file imports or a pipeline the last sync did not read.
    #[test]
    fn the_stages_a_cards_pipeline_has_no_place_for_are_the_ones_marked() {
        let f = crate::funnel_config::default_funnel();
        let at = |pipeline: &str, id: &str, name: &str, semantics: Semantics| {
            (
                "b24".to_string(),
                CrmStage {
                    pipeline_id: pipeline.into(),
                    pipeline: pipeline.into(),
                    pipeline_sort: 1,
                    stage_id: id.into(),
                    stage: name.into(),
                    sort: 10,
                    semantics: Some(semantics),
                },
            )
        };
        let stages = AccountStages::new(vec![
            at("Вторичный рынок", "C1:NEW", "Новая заявка", Semantics::Open),
            at("Вторичный рынок", "C1:BOOK", "Бронь", Semantics::Open),
            at(
                "Вторичный рынок",
                "C1:WON",
                "Сделка успешна",
                Semantics::Won,
            ),
            at("Вторичный рынок", "C1:LOSE", "Отказ", Semantics::Lost),
            at("Аренда", "C2:NEW", "Первичный контакт", Semantics::Open),
            at("Аренда", "C2:DEAL", "Договор", Semantics::Open),
        ]);
        let targets: Vec<String> = [
            "Первичный контакт",
            "Квалификация",
            "Бронирование",
            "Договор",
            "Успешно реализовано",
            "Закрыто и не реализовано",
            "Стадия не из воронки",
        ]
        .map(String::from)
        .to_vec();
        let marks = |source: &str, pipeline: Option<&str>| -> Vec<&str> {
            let marked = stages.unlanded(source, pipeline, &f, &targets);
            assert_eq!(marked.len(), targets.len());
            (targets.iter().zip(marked))
                .filter(|(_, m)| *m)
                .map(|(t, _)| t.as_str())
                .collect()
        };
        assert_eq!(
            marks("b24", Some("Вторичный рынок")),
            ["Квалификация", "Договор", "Стадия не из воронки"]
        );
        assert_eq!(
            marks("b24", Some("аренда")),
            [
                "Квалификация",
                "Бронирование",
                "Успешно реализовано",
                "Закрыто и не реализовано",
                "Стадия не из воронки"
            ]
        );
        // No pipeline named: any of the connection's.
        assert_eq!(marks("b24", None), ["Квалификация", "Стадия не из воронки"]);
        // A pipeline the last sync did not read, a source of file imports: nothing to say.
        assert!(marks("b24", Some("Новостройки")).is_empty());
        assert!(marks("amocrm", Some("Вторичный рынок")).is_empty());
    }

    fn stage(pipeline: (&str, i64), id: &str, name: &str, sort: i64) -> (String, CrmStage) {
        (
            "main".to_string(),
            CrmStage {
                pipeline_id: pipeline.0.into(),
                pipeline: format!("P{}", pipeline.0),
                pipeline_sort: pipeline.1,
                stage_id: id.into(),
                stage: name.into(),
                sort,
                semantics: None,
            },
        )
    }

    #[test]
    fn pipelines_by_their_sort_then_stages_by_theirs_a_name_once() {
        let rows = vec![
            stage(("1", 2), "11", "Переговоры", 10),
            stage(("1", 2), "142", "Успешно", 10_000),
            stage(("1", 2), "12", "Первичный контакт", 20),
            stage(("2", 1), "142", "Успешно", 10_000),
            stage(("2", 1), "22", "Показ", 20),
            stage(("2", 1), "21", "первичный  КОНТАКТ", 10),
        ];
        assert_eq!(
            crm_order(&rows),
            ["первичный  КОНТАКТ", "Показ", "Успешно", "Переговоры"]
        );
    }
}
