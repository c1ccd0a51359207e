//! The checklist items a review failed, and which of them are critical: what the reviews export
//! lists and, later, what the analytics rank as a stage's likely causes.

use super::funnel::ChecklistItem;
use super::score::Answers;

/// Failed item ids: those of the stage's checklist in its order, then answers to items it no
/// longer lists (the config changed since the review), by id.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Failed {
    pub all: Vec<String>,
    /// The failed items the checklist marks critical (an unlisted item is not known to be).
    pub critical: Vec<String>,
}

/// An item fails when answered `fail`, or 0 on a scale (`n/a` and unanswered items do not).
pub fn failed_items(items: &[ChecklistItem], answers: &Answers) -> Failed {
    let mut failed = Failed::default();
    for j in judged_items(items, answers).filter(|j| j.failed) {
        failed.all.push(j.id.to_string());
        if j.item.is_some_and(|i| i.critical) {
            failed.critical.push(j.id.to_string());
        }
    }
    failed
}

/// One checklist item the answers judged.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Judged<'a> {
    pub id: &'a str,
    /// The item as the stage's checklist lists it; `None` for an item it no longer lists.
    pub item: Option<&'a ChecklistItem>,
    pub failed: bool,
}

/// Every item the answers judged (answered, not `n/a`), in [`failed_items`]' order: the analytics
/// count how often an item fails among the reviews that judged it.
pub fn judged_items<'a>(
    items: &'a [ChecklistItem],
    answers: &'a Answers,
) -> impl Iterator<Item = Judged<'a>> {
    let listed = items.iter().filter_map(|item| {
        let value = answers.get(&item.id)?.value(item.scale)?;
        Some(Judged {
            id: &item.id,
            item: Some(item),
            failed: value == 0.0,
        })
    });
    let unlisted = answers
        .iter()
        .filter(|(id, _)| !items.iter().any(|i| &i.id == *id))
        .filter_map(|(id, a)| {
            Some(Judged {
                id,
                item: None,
                failed: a.value(None)? == 0.0,
            })
        });
    listed.chain(unlisted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::score::Answer;

    #[test]
    fn fails_count_critical_ones_are_named_and_unlisted_items_come_last() {
        // «Первичный контакт»: first_call_in_time, then contact_saved (critical).
        let funnel = crate::funnel_config::default_funnel();
        let answers = Answers::from([
            ("contact_saved".to_string(), Answer::Fail),
            ("first_call_in_time".to_string(), Answer::Fail),
            ("gone_item".to_string(), Answer::Fail),
            ("passed_gone_item".to_string(), Answer::Pass),
        ]);
        let failed = failed_items(&funnel.stages[0].checklist, &answers);
        assert_eq!(
            failed.all,
            ["first_call_in_time", "contact_saved", "gone_item"]
        );
        assert_eq!(failed.critical, ["contact_saved"]);
    }

    #[test]
    fn a_scale_item_fails_only_at_zero() {
        let mut item = crate::funnel_config::default_funnel().stages[0].checklist[0].clone();
        item.scale = Some(5);
        item.critical = true;
        let at = |n| Answers::from([(item.id.clone(), Answer::Scale(n))]);
        let items = [item.clone()];
        assert_eq!(failed_items(&items, &at(0)).critical, [item.id.clone()]);
        assert_eq!(failed_items(&items, &at(1)), Failed::default());
        let na = Answers::from([(item.id.clone(), Answer::Na)]);
        assert_eq!(failed_items(&items, &na), Failed::default());
    }
}
