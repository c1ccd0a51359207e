//! The CRM's own order of its pipelines and stages, as a live sync read it (amoCRM's `sort`,
//! Bitrix24's `SORT`): `okk funnel init --from-store` lists stages in it instead of guessing.

use super::names::fold;

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

#[cfg(test)]
mod tests {
    use super::*;

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
