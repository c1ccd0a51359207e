//! Checklist scoring: an auditor's answers to a stage's checklist, the score they make, and the
//! answers the rules suggest (never counted until the auditor confirms them).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::as_judged::Carried;
use super::card::Card;
use super::flag::Flag;
use super::flag::RuleCode;
use super::funnel::{ChecklistItem, Checks, DefaultAnswer, FieldRef, Funnel, Stage};
use super::names::fold;
use super::rules::values::is_filled;

/// One answer to one checklist item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Pass,
    Fail,
    /// Not applicable: the item counts neither for nor against the card.
    Na,
    /// `n` on an item answered on a `0..=max` scale (`scale = Some(max)`); worth `n / max`.
    Scale(u8),
}

impl Answer {
    /// The answer after this one when the auditor presses the item's key again: pass → fail → n/a →
    /// pass, or on a scale item down from the maximum, max → max−1 → … → 0 → n/a → max: «almost
    /// fine», the usual answer below the suggested maximum, is one press past it (tester39 F4:
    /// 4 of 5 took 7 presses going up from 0). An answer of the other kind (left over from a
    /// config change) first reads as its nearest equivalent.
    pub fn next(self, scale: Option<u8>) -> Answer {
        match scale {
            None => match self {
                Answer::Pass => Answer::Fail,
                Answer::Fail => Answer::Na,
                Answer::Na => Answer::Pass,
                Answer::Scale(0) => Answer::Na,
                Answer::Scale(_) => Answer::Fail,
            },
            Some(max) => match self {
                Answer::Na => Answer::Scale(max),
                Answer::Fail | Answer::Scale(0) => Answer::Na,
                Answer::Pass => Answer::Scale(max.saturating_sub(1)),
                Answer::Scale(n) => Answer::Scale(n.min(max) - 1),
            },
        }
    }

    /// What the answer is worth, 0..=1, on an item with this `scale`; `None` for n/a. A scale
    /// value above the maximum counts as the maximum; on a pass/fail item any scale value above 0
    /// counts as a pass.
    pub fn value(self, scale: Option<u8>) -> Option<f64> {
        match self {
            Answer::Pass => Some(1.0),
            Answer::Fail => Some(0.0),
            Answer::Na => None,
            Answer::Scale(n) => Some(match scale {
                Some(max) if max > 0 => f64::from(n.min(max)) / f64::from(max),
                _ => f64::from(u8::from(n > 0)),
            }),
        }
    }

    /// The answer `default` means on an item with this `scale`: a scale item passes at its
    /// maximum and fails at 0.
    pub fn from_default(default: DefaultAnswer, scale: Option<u8>) -> Answer {
        match (default, scale) {
            (DefaultAnswer::Na, _) => Answer::Na,
            (DefaultAnswer::Pass, None) => Answer::Pass,
            (DefaultAnswer::Fail, None) => Answer::Fail,
            (DefaultAnswer::Pass, Some(max)) => Answer::Scale(max),
            (DefaultAnswer::Fail, Some(_)) => Answer::Scale(0),
        }
    }
}

/// A card's answers: checklist item id → answer.
pub type Answers = BTreeMap<String, Answer>;

/// The card's checklist score, a percentage 0..=100.
///
/// Score = Σ(weight × value) / Σ(weight) × 100, both sums over the items that have an answer that
/// is not n/a, where pass = 1, fail = 0 and `n` on a `0..=max` scale = n / max (clamped to 0..=1).
/// Any failed `critical` item (fail, or 0 on a critical scale item) makes the score 0.
/// `None` when no item counts (every item n/a or unanswered). Answers for ids not in `items` are
/// ignored.
pub fn score(items: &[ChecklistItem], answers: &Answers) -> Option<f64> {
    let mut earned = 0.0_f64;
    let mut possible = 0_u64;
    let mut counted = false;
    let mut critical_failed = false;
    for item in items {
        let Some(value) = answers.get(&item.id).and_then(|a| a.value(item.scale)) else {
            continue;
        };
        counted = true;
        critical_failed |= item.critical && value <= 0.0;
        earned += f64::from(item.weight) * value;
        possible += u64::from(item.weight);
    }
    if !counted {
        return None;
    }
    if critical_failed {
        return Some(0.0);
    }
    // Weights are 1..=100 (the funnel loader sees to it); all-zero weights have no share to give.
    if possible == 0 {
        return None;
    }
    Some((100.0 * earned / possible as f64).clamp(0.0, 100.0))
}

/// The answers suggested for a card at `stage`: every item gets the funnel's `default`, except an
/// item bound to a field a flag speaks against — the rules found that field wrong, so the item is
/// suggested failed (0 on a scale item). Which flags speak against it depends on what the item
/// judges: a `filled` item only fails when the field is empty (`required`); a `valid` item on
/// any flag naming the field. A bound field the card has `empty` (see [`empty_bound`]) fails
/// either kind, required or not: the card shows it empty, so its item cannot say it is filled
/// (tester42 F6). A suggestion is only shown; the auditor confirms it (`a`, or by answering the
/// item) before it counts.
///
/// An item also names the rules whose flag speaks against it whatever field it names (its
/// `flags`): an idle card's next step.
pub fn suggest(
    stage: &Stage,
    flags: &[Flag],
    empty: &[FieldRef],
    default: DefaultAnswer,
) -> Answers {
    stage
        .checklist
        .iter()
        .map(|item| {
            let caught = against(item, flags, empty).is_some();
            let default = if caught { DefaultAnswer::Fail } else { default };
            (item.id.clone(), Answer::from_default(default, item.scale))
        })
        .collect()
}

/// Why an item is suggested failed, which the card names beside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Against<'f> {
    /// A flag that speaks against it.
    Flag(&'f Flag),
    /// No flag does, but its field is empty on the card.
    Empty,
}

/// What speaks against `item` (see [`suggest`]): the first of `flags` that does, else its field
/// being among the card's `empty` ones.
pub fn against<'f>(
    item: &ChecklistItem,
    flags: &'f [Flag],
    empty: &[FieldRef],
) -> Option<Against<'f>> {
    let field = item.field.as_ref().map(|f| fold(f.label()));
    let flag = flags.iter().find(|f| {
        let on_field = || {
            let judged = item.checks == Checks::Valid || f.code == RuleCode::Required;
            judged && field.is_some() && f.field.as_deref().map(fold) == field
        };
        item.flags.contains(&f.code) || on_field()
    });
    if let Some(flag) = flag {
        return Some(Against::Flag(flag));
    }
    let empty_here = field.is_some_and(|field| empty.iter().any(|e| fold(e.label()) == field));
    empty_here.then_some(Against::Empty)
}

/// The fields `stage`'s checklist items are bound to that `card` has empty, as its card shows
/// them. A field its source's imports and syncs never `carried` is left out, as the `required`
/// rule leaves it (docs/rules.md "A column the source never exports"): not the manager's fault.
pub fn empty_bound(
    stage: &Stage,
    card: &Card,
    funnel: &Funnel,
    carried: Option<&Carried>,
) -> Vec<FieldRef> {
    let mut out: Vec<FieldRef> = Vec::new();
    for field in stage.checklist.iter().filter_map(|i| i.field.as_ref()) {
        let carried = carried.is_none_or(|c| c.carries(field, funnel));
        if carried && !is_filled(card, field, funnel) && !out.contains(field) {
            out.push(field.clone());
        }
    }
    out
}

/// The answers with every item the auditor left unanswered taking its suggestion: what `a`
/// confirms on a card that is as it should be.
pub fn confirm(answers: &Answers, suggested: &Answers) -> Answers {
    let mut out = answers.clone();
    for (id, a) in suggested {
        out.entry(id.clone()).or_insert(*a);
    }
    out
}

/// Items of `items` with no answer at all (n/a is an answer): neither pass nor fail anywhere.
pub fn unanswered(items: &[ChecklistItem], answers: &Answers) -> usize {
    items
        .iter()
        .filter(|i| !answers.contains_key(&i.id))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::card::SystemField;
    use crate::domain::flag::{Evidence, Severity};
    use crate::domain::funnel::FieldRef;

    fn item(id: &str, weight: u32) -> ChecklistItem {
        ChecklistItem {
            id: id.to_string(),
            text: format!("Пункт {id}"),
            weight,
            critical: false,
            field: None,
            checks: Checks::Filled,
            scale: None,
            flags: Vec::new(),
        }
    }

    fn critical(mut item: ChecklistItem) -> ChecklistItem {
        item.critical = true;
        item
    }

    fn scaled(mut item: ChecklistItem, max: u8) -> ChecklistItem {
        item.scale = Some(max);
        item
    }

    fn bound(mut item: ChecklistItem, field: FieldRef) -> ChecklistItem {
        item.field = Some(field);
        item
    }

    fn answers(pairs: &[(&str, Answer)]) -> Answers {
        pairs.iter().map(|(id, a)| (id.to_string(), *a)).collect()
    }

    /// A stage of the built-in funnel with its checklist replaced, so these tests do not spell out
    /// every field of `Stage`.
    fn stage_with(checklist: Vec<ChecklistItem>) -> Stage {
        let mut stage = crate::funnel_config::default_funnel().stages[0].clone();
        stage.checklist = checklist;
        stage
    }

    fn flag_on(field: &str) -> Flag {
        Flag {
            code: RuleCode::Required,
            severity: Severity::Warning,
            evidence: Evidence::RequiredEmpty {
                field: FieldRef::Custom(field.to_string()),
                stage: "Договор".into(),
            },
            field: Some(field.to_string()),
        }
    }

    fn date_flag_on(field: &str) -> Flag {
        Flag {
            code: RuleCode::Date,
            severity: Severity::Critical,
            evidence: Evidence::DatePassed {
                field: FieldRef::Custom(field.to_string()),
                day: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                from_today: -3,
                stage: "Договор".into(),
            },
            field: Some(field.to_string()),
        }
    }

    fn close(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("a score");
        assert!((actual - expected).abs() < 1e-9, "{actual} != {expected}");
    }

    #[test]
    fn readme_example_weights_three_two_one_and_na_with_one_fail() {
        let items = [item("a", 3), item("b", 2), item("c", 1), item("d", 4)];
        let given = answers(&[
            ("a", Answer::Pass),
            ("b", Answer::Fail),
            ("c", Answer::Pass),
            ("d", Answer::Na),
        ]);
        // (3×1 + 2×0 + 1×1) / (3 + 2 + 1) = 4/6
        close(score(&items, &given), 400.0 / 6.0);
    }

    #[test]
    fn all_pass_scores_a_hundred_and_all_fail_zero() {
        let items = [item("a", 5), item("b", 1)];
        let pass = answers(&[("a", Answer::Pass), ("b", Answer::Pass)]);
        let fail = answers(&[("a", Answer::Fail), ("b", Answer::Fail)]);
        assert_eq!(score(&items, &pass), Some(100.0));
        assert_eq!(score(&items, &fail), Some(0.0));
    }

    #[test]
    fn a_failed_critical_item_makes_the_score_zero() {
        let items = [item("a", 10), item("b", 10), critical(item("c", 1))];
        let given = answers(&[
            ("a", Answer::Pass),
            ("b", Answer::Pass),
            ("c", Answer::Fail),
        ]);
        assert_eq!(score(&items, &given), Some(0.0));
    }

    #[test]
    fn a_critical_item_marked_na_does_not_zero_the_score() {
        let items = [item("a", 1), critical(item("c", 1))];
        let given = answers(&[("a", Answer::Pass), ("c", Answer::Na)]);
        assert_eq!(score(&items, &given), Some(100.0));
    }

    #[test]
    fn scale_items_count_their_share_of_the_maximum() {
        let items = [scaled(item("script", 2), 5), item("call", 3)];
        let given = answers(&[("script", Answer::Scale(4)), ("call", Answer::Pass)]);
        // (2 × 4/5 + 3 × 1) / (2 + 3) = 4.6 / 5
        close(score(&items, &given), 92.0);
    }

    #[test]
    fn a_scale_answer_above_the_maximum_counts_as_the_maximum() {
        let items = [scaled(item("script", 1), 5)];
        let given = answers(&[("script", Answer::Scale(9))]);
        assert_eq!(score(&items, &given), Some(100.0));
    }

    #[test]
    fn zero_on_a_critical_scale_item_makes_the_score_zero() {
        let items = [critical(scaled(item("script", 1), 5)), item("call", 9)];
        let zero = answers(&[("script", Answer::Scale(0)), ("call", Answer::Pass)]);
        let one = answers(&[("script", Answer::Scale(1)), ("call", Answer::Pass)]);
        assert_eq!(score(&items, &zero), Some(0.0));
        // Above 0 a critical scale item is not failed: (1 × 1/5 + 9) / 10.
        close(score(&items, &one), 92.0);
    }

    #[test]
    fn marking_an_item_na_removes_its_weight() {
        let items = [item("a", 3), item("b", 7)];
        let with_na = answers(&[("a", Answer::Pass), ("b", Answer::Na)]);
        let unanswered = answers(&[("a", Answer::Pass)]);
        assert_eq!(score(&items, &with_na), Some(100.0));
        assert_eq!(score(&items, &unanswered), Some(100.0));
    }

    #[test]
    fn nothing_to_count_gives_no_score() {
        let items = [item("a", 3), critical(item("b", 7))];
        assert_eq!(score(&items, &Answers::new()), None);
        let all_na = answers(&[("a", Answer::Na), ("b", Answer::Na)]);
        assert_eq!(score(&items, &all_na), None);
        assert_eq!(score(&[], &all_na), None);
    }

    #[test]
    fn answers_for_unknown_items_are_ignored() {
        let items = [item("a", 2), item("b", 2)];
        let given = answers(&[
            ("a", Answer::Pass),
            ("b", Answer::Fail),
            ("removed_from_config", Answer::Fail),
            ("another", Answer::Pass),
        ]);
        close(score(&items, &given), 50.0);
    }

    #[test]
    fn pass_fail_items_cycle_pass_fail_na() {
        assert_eq!(Answer::Pass.next(None), Answer::Fail);
        assert_eq!(Answer::Fail.next(None), Answer::Na);
        assert_eq!(Answer::Na.next(None), Answer::Pass);
    }

    #[test]
    fn scale_items_cycle_down_from_the_maximum_through_every_step_then_na() {
        let mut seen = vec![Answer::Scale(5)];
        for _ in 0..7 {
            seen.push(seen.last().unwrap().next(Some(5)));
        }
        assert_eq!(
            seen,
            [
                Answer::Scale(5),
                Answer::Scale(4),
                Answer::Scale(3),
                Answer::Scale(2),
                Answer::Scale(1),
                Answer::Scale(0),
                Answer::Na,
                Answer::Scale(5),
            ]
        );
        // A value above the maximum (the scale was narrowed) reads as the maximum.
        assert_eq!(Answer::Scale(9).next(Some(5)), Answer::Scale(4));
    }

    #[test]
    fn an_answer_of_the_other_kind_cycles_from_its_nearest_equivalent() {
        // A scale item read with a pass/fail answer, e.g. after `scale` was added to the config.
        assert_eq!(Answer::Pass.next(Some(4)), Answer::Scale(3));
        assert_eq!(Answer::Fail.next(Some(4)), Answer::Na);
        // A pass/fail item read with a scale answer, after `scale` was removed.
        assert_eq!(Answer::Scale(3).next(None), Answer::Fail);
        assert_eq!(Answer::Scale(0).next(None), Answer::Na);
    }

    #[test]
    fn answers_serialise_in_snake_case() {
        let given = answers(&[
            ("a", Answer::Pass),
            ("b", Answer::Fail),
            ("c", Answer::Na),
            ("d", Answer::Scale(3)),
        ]);
        let json = serde_json::to_string(&given).unwrap();
        assert_eq!(json, r#"{"a":"pass","b":"fail","c":"na","d":{"scale":3}}"#);
        let back: Answers = serde_json::from_str(&json).unwrap();
        assert_eq!(back, given);
    }

    #[test]
    fn suggest_without_flags_gives_every_item_the_funnel_default() {
        let stage = stage_with(vec![item("a", 1), scaled(item("s", 2), 5)]);
        assert_eq!(
            suggest(&stage, &[], &[], DefaultAnswer::Pass),
            answers(&[("a", Answer::Pass), ("s", Answer::Scale(5))])
        );
        assert_eq!(
            suggest(&stage, &[], &[], DefaultAnswer::Fail),
            answers(&[("a", Answer::Fail), ("s", Answer::Scale(0))])
        );
        assert_eq!(
            suggest(&stage, &[], &[], DefaultAnswer::Na),
            answers(&[("a", Answer::Na), ("s", Answer::Na)])
        );
    }

    #[test]
    fn suggest_fails_the_items_bound_to_a_flagged_field() {
        let stage = stage_with(vec![
            bound(item("phone_saved", 4), FieldRef::System(SystemField::Phone)),
            bound(
                scaled(item("meeting", 2), 5),
                FieldRef::Custom("Дата встречи в офисе продаж".into()),
            ),
            bound(item("owner_set", 1), FieldRef::System(SystemField::Owner)),
            item("call", 3),
        ]);
        // The flag names the field loosely spelled; the comparison folds case, spaces and «ё».
        let flags = [flag_on("Phone"), flag_on("  дата встречи в  офисе продаж")];
        assert_eq!(
            suggest(&stage, &flags, &[], DefaultAnswer::Na),
            answers(&[
                ("phone_saved", Answer::Fail),
                ("meeting", Answer::Scale(0)),
                ("owner_set", Answer::Na),
                ("call", Answer::Na),
            ])
        );
    }

    #[test]
    fn suggest_ignores_flags_that_name_no_field() {
        let stage = stage_with(vec![bound(
            item("phone_saved", 4),
            FieldRef::System(SystemField::Phone),
        )]);
        let mut idle = flag_on("phone");
        idle.field = None;
        assert_eq!(
            suggest(&stage, &[idle], &[], DefaultAnswer::Pass),
            answers(&[("phone_saved", Answer::Pass)])
        );
    }

    fn idle_flag() -> Flag {
        Flag {
            code: RuleCode::Idle,
            severity: Severity::Critical,
            evidence: Evidence::Idle {
                days: 69,
                last: chrono::NaiveDate::from_ymd_opt(2026, 9, 12).unwrap(),
                allowed: 3,
                stage: "Первичный контакт".into(),
            },
            field: None,
        }
    }

    /// tester39 F1: a card idle for months was suggested «next step set» ✔?. An item that
    /// names the idle rule among its `flags` is suggested failed when the card is idle, and
    /// the idle flag is the reason; an item that does not name it keeps the default.
    #[test]
    fn an_item_naming_a_rule_is_suggested_failed_by_that_rules_flag_whatever_its_field() {
        let mut next = critical(item("next_step", 4));
        next.flags = vec![RuleCode::Idle, RuleCode::NoTask];
        let stage = stage_with(vec![next.clone(), item("call", 3)]);
        let idle = [idle_flag()];
        assert_eq!(
            suggest(&stage, &idle, &[], DefaultAnswer::Pass),
            answers(&[("next_step", Answer::Fail), ("call", Answer::Pass)])
        );
        assert_eq!(against(&next, &idle, &[]), Some(Against::Flag(&idle[0])));
        assert_eq!(against(&stage.checklist[1], &idle, &[]), None);
        // A flag of a rule it does not name leaves it as the funnel's default.
        assert_eq!(against(&next, &[date_flag_on("Дата договора")], &[]), None);
        assert_eq!(
            suggest(&stage, &[], &[], DefaultAnswer::Pass),
            answers(&[("next_step", Answer::Pass), ("call", Answer::Pass)])
        );
        // The built-in funnel binds every stage's next step to the idle and no-task flags.
        let funnel = crate::funnel_config::default_funnel();
        let steps: Vec<_> = (funnel.stages.iter())
            .flat_map(|s| &s.checklist)
            .filter(|i| i.id == "next_step")
            .collect();
        assert!(!steps.is_empty());
        for step in steps {
            assert_eq!(
                step.flags,
                [RuleCode::Idle, RuleCode::NoTask],
                "{}",
                step.text
            );
        }
    }

    #[test]
    fn the_built_in_first_stage_scores_a_flagged_critical_field_as_zero() {
        let funnel = crate::funnel_config::default_funnel();
        let stage = &funnel.stages[0];
        assert_eq!(funnel.checklist_default, DefaultAnswer::Pass);
        let clean = suggest(stage, &[], &[], funnel.checklist_default);
        assert_eq!(score(&stage.checklist, &clean), Some(100.0));
        // In the shipped funnel `contact_saved` is critical and bound to `phone`.
        let bound = stage
            .checklist
            .iter()
            .find(|i| i.critical && i.field.is_some())
            .expect("a critical item bound to a field in the first stage");
        let field = bound.field.as_ref().unwrap().label();
        let caught = suggest(stage, &[flag_on(field)], &[], funnel.checklist_default);
        let answer = caught[&bound.id];
        assert_eq!(answer.value(bound.scale), Some(0.0), "{answer:?}");
        assert_eq!(score(&stage.checklist, &caught), Some(0.0));
    }

    #[test]
    fn an_expired_booking_is_still_entered_but_no_longer_valid() {
        let booking = FieldRef::Custom("Срок действия брони".into());
        let mut valid = bound(item("booking_valid", 2), booking.clone());
        valid.checks = Checks::Valid;
        let stage = stage_with(vec![
            critical(bound(item("booking_term_set", 5), booking)),
            valid,
        ]);
        let passed = [date_flag_on("Срок действия брони")];
        assert_eq!(
            suggest(&stage, &passed, &[], DefaultAnswer::Pass),
            answers(&[
                ("booking_term_set", Answer::Pass),
                ("booking_valid", Answer::Fail),
            ])
        );
        // An empty field is neither entered nor valid.
        let empty = [flag_on("Срок действия брони")];
        assert_eq!(
            suggest(&stage, &empty, &[], DefaultAnswer::Pass),
            answers(&[
                ("booking_term_set", Answer::Fail),
                ("booking_valid", Answer::Fail),
            ])
        );
    }

    /// tester42 F6: «Интерес к доп. услугам» is bound to the stage but not required, so no flag
    /// fires when it is empty; the card showed it «— пусто» while its item was suggested ✔?. An
    /// empty bound field now suggests the item failed, either kind, and says why; filled, or
    /// never carried by the card's source, it leaves the default.
    #[test]
    fn a_bound_field_the_card_has_empty_suggests_a_fail_without_a_flag() {
        let field = FieldRef::Custom("Интерес к доп. услугам".into());
        let mut valid = bound(item("interest_valid", 1), field.clone());
        valid.checks = Checks::Valid;
        let stage = stage_with(vec![
            bound(item("extra_services", 2), field.clone()),
            valid,
            bound(item("phone_saved", 1), FieldRef::System(SystemField::Phone)),
            item("call", 3),
        ]);
        let funnel = crate::funnel_config::default_funnel();
        let mut card = Card {
            phones: vec!["+7 900 000-00-00".into()],
            ..Card::default()
        };
        let empty = empty_bound(&stage, &card, &funnel, None);
        assert_eq!(empty, std::slice::from_ref(&field));
        assert_eq!(
            suggest(&stage, &[], &empty, DefaultAnswer::Pass),
            answers(&[
                ("extra_services", Answer::Fail),
                ("interest_valid", Answer::Fail),
                ("phone_saved", Answer::Pass),
                ("call", Answer::Pass),
            ])
        );
        assert_eq!(
            against(&stage.checklist[0], &[], &empty),
            Some(Against::Empty)
        );
        // A flag on the field is the reason named before its emptiness.
        let flags = [flag_on("Интерес к доп. услугам")];
        assert_eq!(
            against(&stage.checklist[0], &flags, &empty),
            Some(Against::Flag(&flags[0]))
        );
        // A source that never carried the column: not the card's fault, as for `required`.
        let carried = Carried {
            okk: vec![SystemField::Phone],
            custom: vec!["Дата встречи в офисе продаж".into()],
        };
        assert_eq!(empty_bound(&stage, &card, &funnel, Some(&carried)), []);
        let carried = Carried {
            custom: vec!["интерес к доп. услугам".into()],
            ..carried
        };
        assert_eq!(
            empty_bound(&stage, &card, &funnel, Some(&carried)),
            std::slice::from_ref(&field)
        );
        card.fields
            .push(("Интерес к доп. услугам".into(), "паркинг".into()));
        assert_eq!(empty_bound(&stage, &card, &funnel, None), []);
    }

    #[test]
    fn unanswered_items_count_neither_for_nor_against_until_confirmed() {
        let items = [item("a", 1), critical(item("b", 1)), item("c", 2)];
        let suggested = answers(&[
            ("a", Answer::Pass),
            ("b", Answer::Fail),
            ("c", Answer::Pass),
        ]);
        let given = answers(&[("a", Answer::Fail)]);
        // The critical item is only suggested failed: the score does not drop to 0 for it.
        assert_eq!(score(&items, &given), Some(0.0));
        assert_eq!(unanswered(&items, &given), 2);
        let confirmed = confirm(&given, &suggested);
        // The auditor's own answer stands; the rest take their suggestions.
        assert_eq!(
            confirmed,
            answers(&[
                ("a", Answer::Fail),
                ("b", Answer::Fail),
                ("c", Answer::Pass)
            ])
        );
        assert_eq!(unanswered(&items, &confirmed), 0);
        let na = answers(&[("a", Answer::Na)]);
        assert_eq!(unanswered(&items, &na), 2, "n/a is an answer");
        let pass_only = answers(&[("c", Answer::Pass)]);
        assert_eq!(score(&items, &pass_only), Some(100.0));
    }
}
