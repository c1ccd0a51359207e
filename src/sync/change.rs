//! How a card an export changed stands to the store's copy, by the funnel: moved to another
//! stage, changed where it is, only its stage renamed by the CRM, or the card its reviews saw
//! (fields its source never carried before taken, fields the read does not carry kept:
//! `store::cards::Change`).

use std::collections::{HashMap, HashSet};

use super::mapper::Mapper;
use crate::domain::columns::SourceColumns;
use crate::domain::names::fold;
use crate::domain::{Card, FieldName, Funnel, SystemField};
use crate::store::cards::{Change, Existing};

/// What changed between the store's `old` card and the export's `card` (whose digest differs).
/// `digest_as_named(old_stage)` is the digest the export's cells would have had with the
/// stage's old name: asked for only when the funnel resolves both names to one stage, and
/// equal to the stored digest only when nothing else changed. `renamed_by_crm`: the CRM says
/// it renamed the old stage to the new (a sync reads its stages by id): no move, whether or not
/// the funnel knows the new name yet.
pub fn change_of(
    funnel: &Funnel,
    old: Option<&Existing>,
    card: &Card,
    renamed_by_crm: bool,
    digest_as_named: impl FnOnce(&str) -> i64,
) -> Change {
    let Some(old) = old else {
        return Change::NEW;
    };
    if old.stage == card.stage {
        return Change::Content { moved: false };
    }
    if !renamed_by_crm && funnel.moved(&old.stage, &card.stage) {
        return Change::Content { moved: true };
    }
    if !old.gone && digest_as_named(&old.stage) == old.hash {
        Change::StageRenamed
    } else {
        Change::Content { moved: false }
    }
}

/// The columns one read carries (a file's header, a sync's fields) beside those its source's
/// earlier imports and syncs carried. A column new to the source tells a field the card never
/// had from one the CRM filled; a column the read lacks says nothing of the card, where an
/// empty cell says the CRM emptied the field.
#[derive(Debug, Clone, Default)]
pub struct ReadColumns {
    /// Every earlier import's and sync's (empty: not known, or a new source).
    before: SourceColumns,
    now: SourceColumns,
    /// This read's headers, folded.
    headers: HashSet<String>,
    /// okk's field each of the profile's headers feeds (folded): whose value a raw text kept
    /// under its header (`Card::invalid`) is.
    feeds: HashMap<String, SystemField>,
    /// Some column of the source's is not in this read / this read has one new to the source.
    lacking: bool,
    adding: bool,
    /// The read's custom fields new to the source, as its cards name them.
    new_custom: Vec<FieldName>,
}

/// okk's fields a card holds a value of (a status is read into closed and won, the id and the
/// stage every read carries).
const CARD_FIELDS: [SystemField; 18] = {
    use SystemField as F;
    [
        F::Pipeline,
        F::Title,
        F::Owner,
        F::Amount,
        F::Currency,
        F::CreatedAt,
        F::UpdatedAt,
        F::ClosedAt,
        F::ExpectedCloseAt,
        F::LastActivityAt,
        F::Closed,
        F::Won,
        F::Contact,
        F::Company,
        F::Phone,
        F::Email,
        F::Tags,
        F::Notes,
    ]
};

impl ReadColumns {
    /// `before`: the source's columns before this read; `now`: the read's, as it records them;
    /// `mapper`: its header and profile.
    pub fn new(before: SourceColumns, now: SourceColumns, mapper: &Mapper) -> ReadColumns {
        let mut c = ReadColumns {
            headers: mapper.names().iter().map(|h| fold(h)).collect(),
            feeds: mapper
                .profile()
                .fields
                .iter()
                .flat_map(|(f, headers)| headers.iter().map(move |h| (fold(h), *f)))
                .collect(),
            before,
            now,
            lacking: false,
            adding: false,
            new_custom: Vec::new(),
        };
        c.lacking = !c.missing_fields().is_empty() || !c.missing_custom().is_empty();
        c.new_custom = mapper
            .custom_fields()
            .into_iter()
            .filter(|n| c.new_custom(n))
            .collect();
        c.adding = !c.new_custom.is_empty() || CARD_FIELDS.into_iter().any(|f| c.new_field(f));
        c
    }

    /// Whether the source's columns were known before this read (a store imported before okk
    /// kept them has none recorded, nor has a new source).
    pub fn known(&self) -> bool {
        !self.before.is_empty()
    }

    fn new_field(&self, f: SystemField) -> bool {
        self.known() && self.now.carries(f) && !self.before.carries(f)
    }

    fn new_custom(&self, name: &str) -> bool {
        self.known() && self.now.carries_custom(name) && !self.before.carries_custom(name)
    }

    /// Whether the column `header` (feeding okk's field `field`, or a custom field) is new to
    /// the source.
    fn is_new(&self, header: &str, field: Option<SystemField>) -> bool {
        match field {
            Some(f) => self.new_field(f),
            None => self.new_custom(header),
        }
    }

    /// Whether the source had a pipeline column this read lacks (its cards keep their
    /// pipelines).
    pub fn lacks_pipeline(&self) -> bool {
        self.lacks(SystemField::Pipeline)
    }

    /// The source carried okk's field `f`, and this read does not.
    fn lacks(&self, f: SystemField) -> bool {
        self.known() && self.before.carries(f) && !self.now.carries(f)
    }

    /// [`ReadColumns::lacks`] for a custom field, its name folded.
    fn lacks_custom(&self, folded: &str) -> bool {
        self.known() && self.before.carries_folded(folded) && !self.now.carries_folded(folded)
    }

    /// What the read carries that is new to the source, for its report: the headers of
    /// `mapper`'s columns, in the read's order, then okk's fields it carries with no column
    /// (a sync's notes, read from their own API), by their names.
    pub fn new_columns(&self, mapper: &Mapper) -> Vec<String> {
        let columns = mapper
            .columns()
            .filter(|(h, f)| self.is_new(h, *f))
            .map(|(h, _)| h.to_string());
        // A status column feeds closed and won.
        let fed = |f: SystemField| {
            mapper.columns().any(|(_, g)| {
                g == Some(f)
                    || (g == Some(SystemField::Status)
                        && matches!(f, SystemField::Closed | SystemField::Won))
            })
        };
        let fields = CARD_FIELDS
            .into_iter()
            .filter(|&f| !fed(f) && self.new_field(f))
            .map(|f| f.name().to_string());
        columns.chain(fields).collect()
    }

    /// The source's fields the read does not carry, for its report: okk's by their names
    /// ([`ReadColumns::missing_fields`]), then the custom ones as the cards name them (`names`:
    /// the store's names of them; folded when it has none).
    pub fn missing_columns(&self, names: &[FieldName]) -> Vec<String> {
        let fields = self
            .missing_fields()
            .into_iter()
            .map(|f| f.name().to_string());
        let custom = self.missing_custom().into_iter().map(|folded| {
            names
                .iter()
                .find(|n| fold(n) == folded)
                .map_or_else(|| folded.to_string(), |n| n.to_string())
        });
        fields.chain(custom).collect()
    }

    /// okk's fields the source carried that this read does not, in okk's order (a status
    /// counts for closed and won: a card holds those).
    pub fn missing_fields(&self) -> Vec<SystemField> {
        CARD_FIELDS
            .into_iter()
            .filter(|&f| self.lacks(f))
            .filter(|&f| {
                // Closed and won lost with a status column are the status's.
                !matches!(f, SystemField::Closed | SystemField::Won)
                    || !self.lacks(SystemField::Status)
            })
            .chain(
                self.lacks(SystemField::Status)
                    .then_some(SystemField::Status),
            )
            .collect()
    }

    /// The source's custom columns this read does not carry (folded).
    pub fn missing_custom(&self) -> Vec<&str> {
        if !self.known() {
            return Vec::new();
        }
        self.before
            .custom_names()
            .into_iter()
            .filter(|n| !self.now.carries_custom(n))
            .collect()
    }

    /// Whether a card the store holds (as gone: `gone`), whose row's digest changed, is read
    /// back before it is written: to keep what this read does not carry, to tell the fields new
    /// to the source, or to find the card its reviews saw in cells that changed.
    pub fn compares(&self, gone: bool, change: Change) -> bool {
        self.known()
            && (self.lacking
                || self.adding
                || (!gone && change == (Change::Content { moved: false })))
    }

    /// Whether `card` holds a value in a column new to the source.
    fn gains(&self, card: &Card) -> bool {
        // The read's cards name their fields with the mapper's names.
        let new = |k: &FieldName| {
            self.new_custom
                .iter()
                .any(|n| std::sync::Arc::ptr_eq(n, k) || n == k)
        };
        self.adding
            && (CARD_FIELDS
                .into_iter()
                .any(|f| self.new_field(f) && filled(card, f))
                || card.fields.iter().any(|(k, _)| new(k)))
    }

    /// Gives `new` the values `old` has in the fields this read does not carry (and the raw
    /// texts kept under their headers): a column the export lost says nothing of the deal.
    /// Whether it kept any.
    fn keep_uncarried(&self, old: &Card, new: &mut Card) -> bool {
        if !self.lacking {
            return false;
        }
        let mut kept = false;
        for f in CARD_FIELDS {
            if self.lacks(f) && !filled(new, f) && filled(old, f) {
                take(f, old, new);
                kept = true;
            }
        }
        // The read does not carry them: `new` has none of them.
        for (name, value) in &old.fields {
            if self.lacks_custom(&fold(name)) {
                new.fields.push((name.clone(), value.clone()));
                kept = true;
            }
        }
        for (header, raw) in &old.invalid {
            let h = fold(header);
            let lost = match self.feeds.get(&h) {
                Some(&f) => self.lacks(f) && !filled(new, f),
                None => !self.headers.contains(&h),
            };
            if lost && !new.invalid.iter().any(|(n, _)| fold(n) == h) {
                new.invalid.push((header.clone(), raw.clone()));
                kept = true;
            }
        }
        kept
    }
}

/// Whether `card` holds a value of okk's field `f`.
fn filled(card: &Card, f: SystemField) -> bool {
    use SystemField as F;
    match f {
        F::ExternalId => !card.external_id.is_empty(),
        F::Stage => !card.stage.is_empty(),
        F::Pipeline => card.pipeline.is_some(),
        F::Title => card.title.is_some(),
        F::Owner => card.owner.is_some(),
        F::Amount => card.amount.is_some(),
        F::Currency => card.currency.is_some(),
        F::CreatedAt => card.created_at.is_some(),
        F::UpdatedAt => card.updated_at.is_some(),
        F::ClosedAt => card.closed_at.is_some(),
        F::ExpectedCloseAt => card.expected_close_at.is_some(),
        F::LastActivityAt => card.last_activity_at.is_some(),
        F::Closed => card.closed.is_some(),
        F::Won => card.won.is_some(),
        F::Status => card.closed.is_some() || card.won.is_some(),
        F::Contact => card.contact.is_some(),
        F::Company => card.company.is_some(),
        F::Phone => !card.phones.is_empty(),
        F::Email => !card.emails.is_empty(),
        F::Tags => !card.tags.is_empty(),
        F::Notes => !card.notes.is_empty(),
    }
}

/// Gives `to` the value `from` has of okk's field `f` (one of [`CARD_FIELDS`]).
fn take(f: SystemField, from: &Card, to: &mut Card) {
    use SystemField as F;
    match f {
        F::Pipeline => to.pipeline.clone_from(&from.pipeline),
        F::Title => to.title.clone_from(&from.title),
        F::Owner => to.owner.clone_from(&from.owner),
        F::Amount => to.amount = from.amount,
        F::Currency => to.currency.clone_from(&from.currency),
        F::CreatedAt => to.created_at = from.created_at,
        F::UpdatedAt => to.updated_at = from.updated_at,
        F::ClosedAt => to.closed_at = from.closed_at,
        F::ExpectedCloseAt => to.expected_close_at = from.expected_close_at,
        F::LastActivityAt => to.last_activity_at = from.last_activity_at,
        F::Closed => to.closed = from.closed,
        F::Won => to.won = from.won,
        F::Contact => to.contact.clone_from(&from.contact),
        F::Company => to.company.clone_from(&from.company),
        F::Phone => to.phones.clone_from(&from.phones),
        F::Email => to.emails.clone_from(&from.emails),
        F::Tags => to.tags.clone_from(&from.tags),
        F::Notes => to.notes.clone_from(&from.notes),
        F::ExternalId | F::Stage | F::Status => {}
    }
}

/// How a row whose digest changed stands to the card the store holds, settled by
/// [`settle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub change: Change,
    /// The card took a value in a column new to its source.
    pub gained: bool,
    /// It kept values of fields the read does not carry (its row is to be serialised again).
    pub kept: bool,
}

/// How `new`, what a read says of a card whose digest changed, stands to `old`, the store's
/// copy; `change` is how the funnel sees its stage ([`change_of`]), `gone` whether the store
/// holds it as gone. First `new` keeps `old`'s values in the fields the read does not carry
/// (a column the export lost would otherwise empty them on every card, as if the CRM had).
/// Then, when nothing else differs — fields new to the source aside, which `old` had none of
/// ([`only_fields_added`]) — the card is the one its reviews saw: [`Change::SameCard`], or
/// [`Change::StageRenamed`] when its stage is another name of the same stage of the funnel
/// (one the digest with the old name could not tell, the columns having changed too).
pub fn settle(
    old: &Card,
    new: &mut Card,
    change: Change,
    gone: bool,
    columns: &ReadColumns,
) -> Settled {
    settle_renamed(old, new, change, gone, columns, None)
}

/// [`settle`], for a read that knows the CRM renamed the card's pipeline from
/// `pipeline_was` (a sync reads pipelines by id): its new name alone is no change either.
pub fn settle_renamed(
    old: &Card,
    new: &mut Card,
    change: Change,
    gone: bool,
    columns: &ReadColumns,
    pipeline_was: Option<&str>,
) -> Settled {
    let kept = columns.keep_uncarried(old, new);
    let gained = columns.gains(new);
    let pipeline_was = pipeline_was.filter(|p| old.pipeline.as_deref() == Some(*p));
    let change = match change {
        Change::Content { moved: false } if !gone => {
            if old.stage == new.stage {
                let same = match pipeline_was {
                    None => same_but_added(old, new, &columns.before, &columns.feeds),
                    Some(was) => {
                        let mut as_named = new.clone();
                        as_named.pipeline = Some(was.to_string());
                        same_but_added(old, &as_named, &columns.before, &columns.feeds)
                    }
                };
                if same { Change::SameCard } else { change }
            } else {
                let mut as_named = new.clone();
                as_named.stage.clone_from(&old.stage);
                if let Some(was) = pipeline_was {
                    as_named.pipeline = Some(was.to_string());
                }
                if same_but_added(old, &as_named, &columns.before, &columns.feeds) {
                    Change::StageRenamed
                } else {
                    change
                }
            }
        }
        change => change,
    };
    Settled {
        change,
        gained,
        kept,
    }
}

/// Whether two values of one of okk's fields that several columns feed (phones, emails, tags,
/// notes) say the same: the same values in the same order, each counted once. Two columns that
/// carried one phone, one of them dropped from a later export, leave the card its phone.
fn same_values(old: &[String], new: &[String]) -> bool {
    if old == new {
        return true;
    }
    distinct(old) == distinct(new)
}

fn distinct(values: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::with_capacity(values.len());
    for v in values {
        if !out.contains(&v.as_str()) {
            out.push(v);
        }
    }
    out
}

/// Whether `new` says of its deal what the store's `old` card said, but for fields the source's
/// earlier imports and syncs never carried (`before`: their columns) that `old` has no value
/// in: a CRM read another way for the first time (its API instead of its export), or an export
/// given a column, that brings a field the earlier ones lacked. The card a reviewer saw did not
/// change (`Change::SameCard`). Any other difference, a value lost included, is a change; so
/// is every difference when `before` is not known.
pub fn only_fields_added(old: &Card, new: &Card, before: &SourceColumns) -> bool {
    same_but_added(old, new, before, &HashMap::new())
}

/// [`only_fields_added`], knowing which of okk's fields a header feeds (`feeds`, folded): a
/// value of one that did not parse (kept raw under its header) is told as its field is.
fn same_but_added(
    old: &Card,
    new: &Card,
    before: &SourceColumns,
    feeds: &HashMap<String, SystemField>,
) -> bool {
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
        same(
            F::Phone,
            same_values(&old.phones, &new.phones),
            old.phones.is_empty(),
        ),
        same(
            F::Email,
            same_values(&old.emails, &new.emails),
            old.emails.is_empty(),
        ),
        same(
            F::Tags,
            same_values(&old.tags, &new.tags),
            old.tags.is_empty(),
        ),
        same(
            F::Notes,
            same_values(&old.notes, &new.notes),
            old.notes.is_empty(),
        ),
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
    // By the name folded once: a card has dozens of fields, and a changed export compares
    // every card.
    let kept = |name: &str| {
        before.carries_folded(name) || was.binary_search_by(|(k, _)| k.as_str().cmp(name)).is_ok()
    };
    let mut now: Vec<(String, &str)> = Vec::with_capacity(new.fields.len());
    for (k, v) in &new.fields {
        let name = fold(k);
        if kept(&name) {
            now.push((name, v.as_str()));
        }
    }
    now.sort_unstable();
    // A raw value under a header `old` had none under, of a field it had no value in and the
    // source never carried, is a field added too.
    let added_bad = |header: &str| {
        let h = fold(header);
        !old.invalid.iter().any(|(k, _)| fold(k) == h)
            && match feeds.get(&h) {
                Some(&f) => added(f, !filled(old, f)),
                None => !kept(&h),
            }
    };
    let mut bad_was: Vec<&(String, String)> = old.invalid.iter().collect();
    let mut bad_now: Vec<&(String, String)> =
        new.invalid.iter().filter(|(k, _)| !added_bad(k)).collect();
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

    /// An amoCRM export's columns as a read of them: a mapper over `header`, with the columns
    /// the source carried before (`exported`).
    fn read(header: &[&str]) -> (ReadColumns, Mapper) {
        read_after(exported(), header)
    }

    fn read_after(before: SourceColumns, header: &[&str]) -> (ReadColumns, Mapper) {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let profile = crate::sync::profile::Profile::builtin("amocrm").unwrap();
        let mapper = Mapper::new(&header, profile, "main".into()).unwrap();
        let custom: Vec<String> = mapper
            .custom_fields()
            .iter()
            .map(|f| f.to_string())
            .collect();
        let okk: Vec<String> = mapper
            .system_field_names()
            .iter()
            .map(|f| f.to_string())
            .collect();
        let now = SourceColumns::new(okk, custom);
        (ReadColumns::new(before, now, &mapper), mapper)
    }

    const EXPORTED: [&str; 6] = [
        "ID",
        "Название сделки",
        "Этап сделки",
        "Ответственный",
        "Примечание",
        "Источник",
    ];

    #[test]
    fn an_export_given_a_column_is_the_card_its_reviews_saw_until_the_column_changes() {
        let (columns, mapper) = read(&[&EXPORTED[..], &["Город"]].concat());
        assert_eq!(columns.new_columns(&mapper), ["Город"]);
        assert!(columns.missing_fields().is_empty() && columns.missing_custom().is_empty());
        let old = card(&[("Источник", "Сайт")]);
        let same = Change::Content { moved: false };
        assert!(columns.compares(false, same) && columns.compares(true, same));
        let mut new = card(&[("Источник", "Сайт"), ("Город", "Екатеринбург")]);
        let settled = settle(&old, &mut new, same, false, &columns);
        assert_eq!(
            settled,
            Settled {
                change: Change::SameCard,
                gained: true,
                kept: false
            }
        );
        // Empty in the new column: the same card, no value gained.
        let mut bare = card(&[("Источник", "Сайт")]);
        let settled = settle(&old, &mut bare, same, false, &columns);
        assert_eq!((settled.change, settled.gained), (Change::SameCard, false));
        // Another value in a column the source had: a change, the new value gained all the same.
        let mut edited = card(&[("Источник", "Авито"), ("Город", "Екатеринбург")]);
        let settled = settle(&old, &mut edited, same, false, &columns);
        assert_eq!((settled.change, settled.gained), (same, true));
        // A gone card that comes back is written back as ever.
        let mut back = card(&[("Источник", "Сайт")]);
        assert_eq!(settle(&old, &mut back, same, true, &columns).change, same);
    }

    #[test]
    fn an_export_that_lost_a_column_keeps_its_values_and_is_no_change_of_the_card() {
        // No notes column, no «Источник», no creation date (which did not parse last time).
        let before = exported().with(&["created_at"], &[]);
        let (columns, mapper) = read_after(before, &EXPORTED[..4]);
        assert!(columns.new_columns(&mapper).is_empty());
        assert_eq!(
            columns.missing_fields(),
            [SystemField::CreatedAt, SystemField::Notes]
        );
        assert_eq!(columns.missing_custom(), ["источник"]);
        let mut old = card(&[("Источник", "Сайт")]);
        old.invalid
            .push(("Дата создания сделки".into(), "32.13.2026".into()));
        let same = Change::Content { moved: false };
        let mut new = card(&[]);
        new.notes.clear();
        let settled = settle(&old, &mut new, same, false, &columns);
        assert_eq!(
            settled,
            Settled {
                change: Change::SameCard,
                gained: false,
                kept: true
            }
        );
        assert_eq!(new, old, "the values kept");
        // Edited where the export still says something: changed, the lost columns kept.
        let mut retitled = card(&[]);
        retitled.notes.clear();
        retitled.title = Some("Другая".into());
        assert_eq!(
            settle(&old, &mut retitled, same, false, &columns).change,
            same
        );
        assert_eq!(retitled.field("Источник"), Some("Сайт"));
        assert_eq!(retitled.notes, old.notes);
        // Moved, and still keeping them.
        let mut moved = card(&[]);
        moved.stage = "Квалификация".into();
        let change = Change::Content { moved: true };
        assert_eq!(
            settle(&old, &mut moved, change, false, &columns).change,
            change
        );
        assert_eq!(moved.field("Источник"), Some("Сайт"));
    }

    #[test]
    fn a_stage_renamed_as_the_columns_changed_is_a_rename() {
        let (columns, _) = read(&[&EXPORTED[..], &["Город"]].concat());
        let old = card(&[("Источник", "Сайт")]);
        let mut new = card(&[("Источник", "Сайт"), ("Город", "Екатеринбург")]);
        new.stage = "Первичный контакт (новое имя)".into();
        // `change_of` found the funnel's same stage under another name; the digest could not
        // tell, the header having changed.
        let same_stage = Change::Content { moved: false };
        let settled = settle(&old, &mut new, same_stage, false, &columns);
        assert_eq!(settled.change, Change::StageRenamed);
        new.title = Some("Другая".into());
        let settled = settle(&old, &mut new, same_stage, false, &columns);
        assert_eq!(settled.change, same_stage);
    }

    /// What a report says of a read: its new columns by header, okk's fields it brings with
    /// no column of their own (a sync's notes) by name, and the fields it lacks, custom ones as
    /// the cards name them.
    #[test]
    fn a_read_names_what_it_brings_and_what_it_lacks_for_the_report() {
        // Earlier: the export without notes, with «Источник» and «Город».
        let before = SourceColumns::new(
            ["external_id", "title", "stage", "owner"].map(String::from),
            ["Источник", "Город"].map(String::from),
        );
        let header: Vec<String> = ["ID", "Название сделки", "Этап сделки", "Бюджет", "Источник"]
            .map(String::from)
            .to_vec();
        let profile = crate::sync::profile::Profile::builtin("amocrm").unwrap();
        let mapper = Mapper::new(&header, profile, "main".into()).unwrap();
        // A sync's: the notes come from their own API.
        let mut okk: Vec<String> = mapper
            .system_field_names()
            .iter()
            .map(|f| f.to_string())
            .collect();
        okk.push("notes".into());
        let now = SourceColumns::new(okk, ["Источник".to_string()]);
        let columns = ReadColumns::new(before, now, &mapper);
        assert_eq!(columns.new_columns(&mapper), ["Бюджет", "notes"]);
        let names: Vec<FieldName> = vec!["Город".into()];
        assert_eq!(columns.missing_columns(&names), ["owner", "Город"]);
        // Without the store's names, folded.
        assert_eq!(columns.missing_columns(&[]), ["owner", "город"]);
    }

    #[test]
    fn a_source_whose_columns_are_not_known_compares_nothing() {
        let header: Vec<String> = EXPORTED.iter().map(|h| h.to_string()).collect();
        let profile = crate::sync::profile::Profile::builtin("amocrm").unwrap();
        let mapper = Mapper::new(&header, profile, "main".into()).unwrap();
        let columns = ReadColumns::new(SourceColumns::default(), exported(), &mapper);
        assert!(!columns.known());
        assert!(columns.new_columns(&mapper).is_empty());
        assert!(!columns.compares(false, Change::Content { moved: false }));
    }
}
