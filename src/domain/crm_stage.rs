//! The CRM's own pipelines and stages, as a live sync read it (ids, names, amoCRM's `sort`,
//! Bitrix24's `SORT`): `okk funnel init --from-store` lists stages in their order instead of
//! guessing, and `okk export crm` finds where a move lands in a card's own pipeline.

use std::collections::BTreeMap;

use super::funnel::Funnel;
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

/// Every synced connection's stages, by connection: what a card of that source can be moved to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountStages(BTreeMap<String, Vec<CrmStage>>);

impl AccountStages {
    /// From the store's rows (connection, stage).
    pub fn new(rows: Vec<(String, CrmStage)>) -> AccountStages {
        let mut by: BTreeMap<String, Vec<CrmStage>> = BTreeMap::new();
        for (connection, stage) in rows {
            by.entry(connection).or_default().push(stage);
        }
        AccountStages(by)
    }

    /// The stages of `source`'s pipelines, when `source` is a connection a sync read them for
    /// (a source of file imports has none).
    pub fn of(&self, source: &str) -> Option<&[CrmStage]> {
        self.0
            .get(source)
            .map(Vec::as_slice)
            .filter(|s| !s.is_empty())
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
/// pipeline) that a move to `target` lands on: one the funnel resolves to the same stage — its
/// name or an alias, loosely compared — the one spelled as the target first, then the
/// pipeline's first by its order.
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
    in_pipeline
        .filter(|s| {
            let spelled = fold(&s.stage) == name;
            spelled || (index.is_some() && funnel.resolve(&s.stage) == index)
        })
        .min_by_key(|s| (fold(&s.stage) != name, s.sort, s.stage_id.clone()))
        .ok_or(NoLanding::Stage)
}

#[cfg(test)]
mod tests {
    use super::*;

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
