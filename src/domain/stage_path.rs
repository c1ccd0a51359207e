//! A card's path through the funnel: the stages its history visited, in order, each with the
//! day it was seen there and how it got there — the moves the `backwards` rule judges, as the
//! card screen shows them.

use chrono::{NaiveDate, NaiveDateTime};

use super::{Funnel, StageVisit};

/// How a step of the path was reached from the step before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Turn {
    /// The first step, or a move the funnel finds nothing against (forward, or a stage it does
    /// not know).
    On,
    /// To an earlier stage of the funnel.
    Back,
    /// Over a stage the funnel says may not be skipped.
    Skip,
}

/// One stage of the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The funnel's name for the stage where it knows it, else the CRM's (untrusted).
    pub name: String,
    /// The day the card was first seen there.
    pub on: NaiveDate,
    pub turn: Turn,
}

/// The path `history` (oldest first) took through `funnel`. Visits in a row to one stage (the
/// CRM renamed it, the funnel keeps both names) are one step, dated by the first. Empty where
/// the card never moved: one stage is no path. Turns are judged as the `backwards` rule judges
/// them (for a card of `pipeline`): from the last stage the funnel knows, stages it does not know
/// passed over.
pub fn path(funnel: &Funnel, history: &[StageVisit], pipeline: Option<&str>) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut previous: Option<usize> = None;
    for visit in history {
        let index = funnel.resolve(&visit.stage);
        let name = index.map_or(visit.stage.as_str(), |i| funnel.stage(i).name.as_str());
        if steps.last().is_some_and(|s| s.name == name) {
            continue;
        }
        let turn = match (previous, index) {
            (Some(p), Some(i)) if i < p => Turn::Back,
            (Some(p), Some(i)) if !funnel.skipped(p, i, pipeline).is_empty() => Turn::Skip,
            _ => Turn::On,
        };
        previous = index.or(previous);
        steps.push(Step {
            name: name.to_string(),
            on: visit.seen_at.date(),
            turn,
        });
    }
    if steps.len() < 2 {
        steps.clear();
    }
    steps
}

/// When the card came to the stage it is in: the first of the last visits in a row to that
/// stage (a stage the CRM renamed, or the card back from gone in it, is no move); `None` where
/// no visit before them was to another stage: the card never moved, and its first visit says
/// when okk first saw it, not when it came.
pub fn in_stage_since(funnel: &Funnel, history: &[StageVisit]) -> Option<NaiveDateTime> {
    let name = |v: &StageVisit| match funnel.resolve(&v.stage) {
        Some(i) => funnel.stage(i).name.clone(),
        None => v.stage.clone(),
    };
    let (last, before) = history.split_last()?;
    let here = name(last);
    let first_here = before
        .iter()
        .rposition(|v| name(v) != here)
        .map(|moved_from| &history[moved_from + 1])?;
    Some(first_here.seen_at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visits(list: &[(&str, &str)]) -> Vec<StageVisit> {
        list.iter()
            .map(|(day, stage)| StageVisit {
                stage: stage.to_string(),
                seen_at: NaiveDate::parse_from_str(day, "%Y-%m-%d")
                    .unwrap()
                    .and_hms_opt(9, 0, 0)
                    .unwrap(),
            })
            .collect()
    }

    fn steps(list: &[(&str, &str)]) -> Vec<(String, String, Turn)> {
        path(&crate::funnel_config::default_funnel(), &visits(list), None)
            .into_iter()
            .map(|s| (s.name, s.on.format("%d.%m").to_string(), s.turn))
            .collect()
    }

    fn step(name: &str, on: &str, turn: Turn) -> (String, String, Turn) {
        (name.to_string(), on.to_string(), turn)
    }

    fn since(list: &[(&str, &str)]) -> Option<String> {
        let funnel = crate::funnel_config::default_funnel();
        in_stage_since(&funnel, &visits(list)).map(|t| t.format("%d.%m").to_string())
    }

    /// Tester27's card #501: gone after a mistaken import, back in its stage on the day of the
    /// next one (a visit of the import's) — which says nothing of when it came to the stage.
    #[test]
    fn a_card_back_from_gone_in_its_stage_or_under_its_new_name_did_not_come_there_then() {
        assert_eq!(since(&[]), None);
        assert_eq!(since(&[("2026-11-01", "Первичный контакт")]), None);
        assert_eq!(
            since(&[
                ("2026-11-01", "Первичный контакт"),
                ("2026-12-06", "Первичный контакт"),
            ]),
            None
        );
        assert_eq!(
            since(&[
                ("2026-11-01", "Первичный контакт"),
                ("2026-11-05", "Квалификация"),
                ("2026-11-09", "Квалификация"),
            ]),
            Some("05.11".into())
        );
        assert_eq!(
            since(&[
                ("2026-11-01", "Квалификация"),
                ("2026-11-05", "Этап из CRM"),
            ]),
            Some("05.11".into()),
            "a name the funnel does not know is another stage"
        );
        assert_eq!(
            since(&[
                ("2026-11-01", "Квалификация"),
                ("2026-11-05", "Встреча назначена"),
                ("2026-11-09", "Назначена встреча"),
                ("2026-12-06", "Встреча назначена"),
            ]),
            Some("05.11".into()),
            "an alias is the same stage"
        );
    }

    #[test]
    fn a_card_that_never_moved_has_no_path() {
        assert!(steps(&[]).is_empty());
        assert!(steps(&[("2026-11-18", "Первичный контакт")]).is_empty());
        // Seen twice under two names of one stage: still one stage.
        assert!(
            steps(&[
                ("2026-11-18", "Первичный контакт"),
                ("2026-11-19", "Неразобранное"),
            ])
            .is_empty()
        );
    }

    #[test]
    fn the_path_is_in_the_history_s_order_under_the_funnel_s_names() {
        let got = steps(&[
            ("2026-11-18", "Новая заявка"),
            ("2026-11-20", "Квалификация"),
            ("2026-11-21", "Назначена встреча"),
        ]);
        assert_eq!(
            got,
            [
                step("Первичный контакт", "18.11", Turn::On),
                step("Квалификация", "20.11", Turn::On),
                step("Встреча назначена", "21.11", Turn::On),
            ]
        );
    }

    #[test]
    fn a_move_to_an_earlier_stage_is_back_and_a_jump_over_a_required_one_is_a_skip() {
        let got = steps(&[
            ("2026-11-01", "Первичный контакт"),
            // Квалификация and Встреча назначена may not be skipped.
            ("2026-11-05", "Встреча проведена"),
            ("2026-11-09", "Квалификация"),
            ("2026-11-10", "Встреча назначена"),
            // Lost from anywhere skips nothing.
            ("2026-11-12", "Отказ"),
        ]);
        let turns: Vec<Turn> = got.iter().map(|s| s.2).collect();
        assert_eq!(
            turns,
            [Turn::On, Turn::Skip, Turn::Back, Turn::On, Turn::On],
            "{got:?}"
        );
        assert_eq!(got[4].0, "Закрыто и не реализовано");
    }

    #[test]
    fn a_stage_the_funnel_does_not_know_keeps_the_crm_s_name_and_judges_nothing() {
        let got = steps(&[
            ("2026-11-01", "Встреча назначена"),
            ("2026-11-02", "Этап из CRM"),
            // Judged from Встреча назначена, the last stage the funnel knows: back.
            ("2026-11-03", "Квалификация"),
        ]);
        assert_eq!(
            got,
            [
                step("Встреча назначена", "01.11", Turn::On),
                step("Этап из CRM", "02.11", Turn::On),
                step("Квалификация", "03.11", Turn::Back),
            ]
        );
    }
}
