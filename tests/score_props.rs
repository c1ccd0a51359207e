//! Properties of checklist scoring that must hold for any checklist and any answers: the score stays
//! a percentage, n/a takes an item out of both sums, a critical fail zeroes it, and neither the scale
//! of the weights nor the order of the items changes it.

use okk::domain::funnel::ChecklistItem;
use okk::domain::score::{Answer, Answers, score};
use proptest::prelude::*;

/// One checklist item with the answer the auditor gave it (`None`: not answered).
#[derive(Debug, Clone)]
struct Row {
    item: ChecklistItem,
    answer: Option<Answer>,
}

fn answer_for(scale: Option<u8>) -> BoxedStrategy<Option<Answer>> {
    match scale {
        None => prop_oneof![
            Just(Some(Answer::Pass)),
            Just(Some(Answer::Fail)),
            Just(Some(Answer::Na)),
            Just(None),
        ]
        .boxed(),
        // A little past the maximum too: stored answers can outlive a smaller `scale` in the config.
        Some(max) => prop_oneof![
            (0..=max.saturating_add(2)).prop_map(|n| Some(Answer::Scale(n))),
            Just(Some(Answer::Na)),
            Just(None),
        ]
        .boxed(),
    }
}

fn row(max_weight: u32) -> impl Strategy<Value = Row> {
    (1..=max_weight, any::<bool>(), prop::option::of(1u8..=10))
        .prop_flat_map(|(weight, critical, scale)| {
            answer_for(scale).prop_map(move |answer| (weight, critical, scale, answer))
        })
        .prop_map(|(weight, critical, scale, answer)| Row {
            item: ChecklistItem {
                id: String::new(),
                text: "Пункт чек-листа".into(),
                weight,
                critical,
                field: None,
                checks: Default::default(),
                scale,
                flags: Vec::new(),
            },
            answer,
        })
}

/// A checklist of 0..12 items with unique ids `i0`, `i1`, … in generation order.
fn checklist(max_weight: u32) -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(row(max_weight), 0..12).prop_map(|mut rows| {
        for (i, r) in rows.iter_mut().enumerate() {
            r.item.id = format!("i{i}");
        }
        rows
    })
}

fn non_empty_checklist(max_weight: u32) -> impl Strategy<Value = Vec<Row>> {
    checklist(max_weight).prop_filter("at least one item", |rows| !rows.is_empty())
}

fn items(rows: &[Row]) -> Vec<ChecklistItem> {
    rows.iter().map(|r| r.item.clone()).collect()
}

fn answers(rows: &[Row]) -> Answers {
    rows.iter()
        .filter_map(|r| r.answer.map(|a| (r.item.id.clone(), a)))
        .collect()
}

fn failed(item: &ChecklistItem) -> Answer {
    match item.scale {
        Some(_) => Answer::Scale(0),
        None => Answer::Fail,
    }
}

fn passed(item: &ChecklistItem) -> Answer {
    match item.scale {
        Some(max) => Answer::Scale(max),
        None => Answer::Pass,
    }
}

fn same_score(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-9,
        (a, b) => a == b,
    }
}

proptest! {
    #[test]
    fn the_score_is_always_a_percentage(rows in checklist(100)) {
        if let Some(s) = score(&items(&rows), &answers(&rows)) {
            prop_assert!((0.0..=100.0).contains(&s), "score {s}");
        }
    }

    #[test]
    fn there_is_no_score_exactly_when_no_item_counts(rows in checklist(100)) {
        let counts = rows
            .iter()
            .any(|r| r.answer.is_some_and(|a| a != Answer::Na));
        prop_assert_eq!(score(&items(&rows), &answers(&rows)).is_some(), counts);
    }

    #[test]
    fn marking_an_item_na_removes_its_weight(
        rows in non_empty_checklist(100),
        pick in any::<prop::sample::Index>(),
    ) {
        let i = pick.index(rows.len());
        let mut marked = answers(&rows);
        marked.insert(rows[i].item.id.clone(), Answer::Na);

        let mut without = rows.clone();
        without.remove(i);

        prop_assert_eq!(
            score(&items(&rows), &marked),
            score(&items(&without), &answers(&without))
        );
    }

    #[test]
    fn a_failed_critical_item_makes_the_score_zero(
        rows in non_empty_checklist(100),
        pick in any::<prop::sample::Index>(),
    ) {
        let mut rows = rows;
        let i = pick.index(rows.len());
        rows[i].item.critical = true;
        rows[i].answer = Some(failed(&rows[i].item));
        prop_assert_eq!(score(&items(&rows), &answers(&rows)), Some(0.0));
    }

    #[test]
    fn multiplying_all_weights_by_a_constant_changes_nothing(
        rows in checklist(10),
        factor in 1u32..=10,
    ) {
        // Weights 1..=10 times 1..=10 stay within the funnel's 1..=100.
        let mut scaled = rows.clone();
        for r in &mut scaled {
            r.item.weight *= factor;
        }
        let before = score(&items(&rows), &answers(&rows));
        let after = score(&items(&scaled), &answers(&scaled));
        prop_assert!(same_score(before, after), "{before:?} vs {after:?}");
    }

    #[test]
    fn passing_every_item_scores_a_hundred(rows in non_empty_checklist(100)) {
        let all_pass: Answers = rows
            .iter()
            .map(|r| (r.item.id.clone(), passed(&r.item)))
            .collect();
        prop_assert_eq!(score(&items(&rows), &all_pass), Some(100.0));
    }

    #[test]
    fn the_order_of_the_items_does_not_matter(
        (rows, shuffled) in checklist(100)
            .prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle())),
    ) {
        let given = answers(&rows);
        let before = score(&items(&rows), &given);
        let after = score(&items(&shuffled), &given);
        prop_assert!(same_score(before, after), "{before:?} vs {after:?}");
    }

    #[test]
    fn answers_for_items_not_in_the_checklist_are_ignored(
        rows in checklist(100),
        stray in prop::collection::btree_map(
            "[a-z_]{1,12}",
            prop_oneof![Just(Answer::Pass), Just(Answer::Fail), (0u8..=10).prop_map(Answer::Scale)],
            0..5,
        ),
    ) {
        // Ids of the checklist are `i<digits>`; the stray ids never contain a digit.
        let mut given = answers(&rows);
        given.extend(stray);
        prop_assert_eq!(
            score(&items(&rows), &given),
            score(&items(&rows), &answers(&rows))
        );
    }
}
