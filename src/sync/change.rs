//! How a card an export changed stands to the store's copy, by the funnel: moved to another
//! stage, changed where it is, only its stage renamed by the CRM, or only given fields its
//! source never carried before (`store::cards::Change`).

use crate::domain::columns::SourceColumns;
use crate::domain::names::fold;
use crate::domain::{Card, Funnel, SystemField};
use crate::store::cards::{Change, Existing};

/// What changed between the store's `old` card and the export's `card` (whose digest differs).
/// `digest_as_named(old_stage)` is the digest the export's cells would have had with the
/// stage's old name: asked for only when the funnel resolves both names to one stage, and
/// equal to the stored digest only when nothing else changed.
pub fn change_of(
    funnel: &Funnel,
    old: Option<&Existing>,
    card: &Card,
    digest_as_named: impl FnOnce(&str) -> i64,
) -> Change {
    let Some(old) = old else {
        return Change::NEW;
    };
    if old.stage == card.stage {
        return Change::Content { moved: false };
    }
    if funnel.moved(&old.stage, &card.stage) {
        return Change::Content { moved: true };
    }
    if !old.gone && digest_as_named(&old.stage) == old.hash {
        Change::StageRenamed
    } else {
        Change::Content { moved: false }
    }
}

/// Whether `new` says of its deal what the store's `old` card said, but for fields the source's
/// earlier imports and syncs never carried (`before`: their columns) that `old` has no value
/// in: a CRM read another way for the first time (its API instead of its export) that brings
/// a field the export lacked. The card a reviewer saw did not change (`Change::FieldsAdded`).
/// Any other difference, a value lost included, is a change; so is every difference when
/// `before` is not known.
pub fn only_fields_added(old: &Card, new: &Card, before: &SourceColumns) -> bool {
    use SystemField as F;
    if before.is_empty() {
        return false;
    }
    // A field `old` had no value in, which the source never carried before.
    let added = |f: F, old_empty: bool| old_empty && !before.carries(f);
    let same = |f: F, equal: bool, old_empty: bool| equal || added(f, old_empty);
    let systems = [
        same(
            F::Pipeline,
            old.pipeline == new.pipeline,
            old.pipeline.is_none(),
        ),
        old.stage == new.stage,
        same(F::Title, old.title == new.title, old.title.is_none()),
        same(F::Owner, old.owner == new.owner, old.owner.is_none()),
        same(F::Amount, old.amount == new.amount, old.amount.is_none()),
        same(
            F::Currency,
            old.currency == new.currency,
            old.currency.is_none(),
        ),
        same(
            F::CreatedAt,
            old.created_at == new.created_at,
            old.created_at.is_none(),
        ),
        same(
            F::UpdatedAt,
            old.updated_at == new.updated_at,
            old.updated_at.is_none(),
        ),
        same(
            F::ClosedAt,
            old.closed_at == new.closed_at,
            old.closed_at.is_none(),
        ),
        same(
            F::ExpectedCloseAt,
            old.expected_close_at == new.expected_close_at,
            old.expected_close_at.is_none(),
        ),
        same(
            F::LastActivityAt,
            old.last_activity_at == new.last_activity_at,
            old.last_activity_at.is_none(),
        ),
        same(F::Closed, old.closed == new.closed, old.closed.is_none()),
        same(F::Won, old.won == new.won, old.won.is_none()),
        same(
            F::Contact,
            old.contact == new.contact,
            old.contact.is_none(),
        ),
        same(
            F::Company,
            old.company == new.company,
            old.company.is_none(),
        ),
        same(F::Phone, old.phones == new.phones, old.phones.is_empty()),
        same(F::Email, old.emails == new.emails, old.emails.is_empty()),
        same(F::Tags, old.tags == new.tags, old.tags.is_empty()),
        same(F::Notes, old.notes == new.notes, old.notes.is_empty()),
    ];
    if systems.contains(&false) {
        return false;
    }
    // Custom fields (and values that did not parse) by name, in any order: the new card's,
    // less those the source never carried and `old` has none of, are `old`'s.
    let mut was: Vec<(String, &str)> = old
        .fields
        .iter()
        .map(|(k, v)| (fold(k), v.as_str()))
        .collect();
    was.sort_unstable();
    let has = |name: &str| {
        let name = fold(name);
        was.binary_search_by(|(k, _)| k.as_str().cmp(&name)).is_ok()
    };
    let kept = |name: &str| before.carries_custom(name) || has(name);
    let mut now: Vec<(String, &str)> = new
        .fields
        .iter()
        .filter(|(k, _)| kept(k))
        .map(|(k, v)| (fold(k), v.as_str()))
        .collect();
    now.sort_unstable();
    let mut bad_was: Vec<&(String, String)> = old.invalid.iter().collect();
    let mut bad_now: Vec<&(String, String)> = new.invalid.iter().filter(|(k, _)| kept(k)).collect();
    bad_was.sort_unstable();
    bad_now.sort_unstable();
    was == now && bad_was == bad_now
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FieldName;

    fn card(fields: &[(&str, &str)]) -> Card {
        Card {
            source: "main".into(),
            external_id: "7".into(),
            stage: "Первичный контакт".into(),
            title: Some("Сделка #7".into()),
            owner: Some("Смирнова Ольга".into()),
            notes: vec!["Перезвонить".into()],
            fields: fields
                .iter()
                .map(|(k, v)| (FieldName::from(*k), v.to_string()))
                .collect(),
            ..Card::default()
        }
    }

    /// The columns of amoCRM's export: its own fields, «Источник»; not the owner's id nor the
    /// nearest task, which only its API gives.
    fn exported() -> SourceColumns {
        SourceColumns::new(
            ["external_id", "title", "stage", "owner", "notes"].map(String::from),
            ["Источник"].map(String::from),
        )
    }

    #[test]
    fn a_field_the_export_never_had_coming_with_the_api_is_no_change_of_the_card() {
        let old = card(&[("Источник", "Сайт")]);
        let new = card(&[
            ("ID ответственного", "9000001"),
            ("Источник", "Сайт"),
            ("Ближайшая задача", "22.11.2026 10:00:00"),
        ]);
        assert!(only_fields_added(&old, &new, &exported()));
        // Not when no import recorded its columns: nothing tells a new field from a filled one.
        assert!(!only_fields_added(&old, &new, &SourceColumns::default()));
    }

    #[test]
    fn a_value_changed_filled_or_lost_in_a_field_the_source_carried_is_a_change() {
        let old = card(&[("Источник", "Сайт")]);
        let edited = card(&[("Источник", "Авито"), ("Ближайшая задача", "x")]);
        assert!(!only_fields_added(&old, &edited, &exported()));
        let lost = card(&[("Ближайшая задача", "x")]);
        assert!(!only_fields_added(&old, &lost, &exported()));
        let mut retitled = card(&[("Источник", "Сайт")]);
        retitled.title = Some("Другая".into());
        assert!(!only_fields_added(&old, &retitled, &exported()));
        let mut noted = card(&[("Источник", "Сайт")]);
        noted.notes.push("Купили в другом ЖК".into());
        assert!(!only_fields_added(&old, &noted, &exported()));
        // A field the source carried, empty before, filled now.
        let bare = card(&[]);
        assert!(!only_fields_added(
            &bare,
            &card(&[("Источник", "Сайт")]),
            &exported()
        ));
        // The amount the export never had, filled by the API.
        let mut priced = card(&[("Источник", "Сайт")]);
        priced.amount = Some(1_000_000.0);
        assert!(only_fields_added(&old, &priced, &exported()));
    }
}
