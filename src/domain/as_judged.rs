//! The card as the auditor judged it, kept with her review so that a later sync's changes can
//! be named field by field (and from what), and the diff against the card as it is now.
//! Bounded: a CRM card is untrusted, and a huge field must not make every review of it huge.

use serde::{Deserialize, Serialize};

use super::card::{Card, SystemField};
use super::columns::SourceColumns;
use super::funnel::{FieldRef, Funnel};
use super::names::fold;

/// A value longer than this (bytes) is kept as its digest: the diff says it changed, not from
/// what.
pub const VALUE_LIMIT: usize = 256;
/// Bytes of values kept as they are, in all; past them, values are kept as digests.
pub const KEPT_BUDGET: usize = 8 * 1024;
/// Custom fields kept one by one; the ones after them (and any whose name is longer than
/// [`NAME_LIMIT`]) are kept as one digest.
pub const FIELDS_KEPT: usize = 120;
/// The longest custom field name kept (bytes).
pub const NAME_LIMIT: usize = 128;
/// The longest text of a snapshot a bundle may bring (bytes): more than the bounds above let
/// okk write.
pub const TEXT_LIMIT: usize = 64 * 1024;

/// okk's own fields a snapshot keeps, in the order a diff lists them: not `updated_at` (every
/// edit moves it, so it would be in every list), not `created_at` nor the id (they never
/// change).
pub const SYSTEM: [SystemField; 17] = [
    SystemField::Title,
    SystemField::Pipeline,
    SystemField::Stage,
    SystemField::Owner,
    SystemField::Amount,
    SystemField::Currency,
    SystemField::Closed,
    SystemField::Won,
    SystemField::ClosedAt,
    SystemField::ExpectedCloseAt,
    SystemField::LastActivityAt,
    SystemField::Contact,
    SystemField::Company,
    SystemField::Phone,
    SystemField::Email,
    SystemField::Tags,
    SystemField::Notes,
];

/// How dates are kept: the store's shape, so a value reads back the same on every backend.
const TIME: &str = "%Y-%m-%d %H:%M:%S";

/// A value as the snapshot keeps it: itself, or (too long, or past the budget) its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Kept {
    Value(String),
    Digest { xxh3: String },
}

impl Kept {
    fn digest_of(value: &str) -> Kept {
        Kept::Digest {
            xxh3: digest(value.as_bytes()),
        }
    }

    /// Whether `now` (the value the card has now, `None`: empty) is the value kept.
    fn holds(&self, now: Option<&str>) -> bool {
        match (self, now) {
            (Kept::Value(v), Some(n)) => v == n,
            (Kept::Digest { xxh3 }, Some(n)) => *xxh3 == digest(n.as_bytes()),
            (_, None) => false,
        }
    }

    fn side(&self) -> Side {
        match self {
            Kept::Value(v) => Side::Value(v.clone()),
            Kept::Digest { .. } => Side::Long,
        }
    }

    /// A field the source carried that the card had empty (see [`Carried`]).
    fn is_blank(&self) -> bool {
        matches!(self, Kept::Value(v) if v.is_empty())
    }
}

/// The fields a card's source had carried when it was judged (every import's and sync's
/// columns): okk's own, and the custom ones by the names the store knows them by. A snapshot
/// keeps those the card had empty, as empty values, so that a field the source did not carry
/// then — one only a later read gives, such as the CRM's API after its export — is told from
/// one the CRM filled since: the first is no change of the card (docs/sync.md), the second is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Carried {
    pub okk: Vec<SystemField>,
    pub custom: Vec<String>,
}

impl Carried {
    /// What `columns` carry; a custom column by the first of `names` (the store's field names,
    /// in id order) that folds to it, else by its folded header. `None`: the source's columns
    /// are not known (imported before okk recorded them): nothing can be told absent.
    pub fn of<'a>(
        columns: &SourceColumns,
        names: impl IntoIterator<Item = &'a str>,
    ) -> Option<Carried> {
        if columns.is_empty() {
            return None;
        }
        let mut custom: Vec<String> = Vec::new();
        let mut found = std::collections::HashSet::new();
        for name in names {
            let folded = fold(name);
            if columns.carries_folded(&folded) && found.insert(folded) {
                custom.push(name.to_string());
            }
        }
        for folded in columns.custom_names() {
            if !found.contains(folded) {
                custom.push(folded.to_string());
            }
        }
        Some(Carried {
            okk: SYSTEM.into_iter().filter(|f| columns.carries(*f)).collect(),
            custom,
        })
    }

    /// Whether the source carried `field`: a custom field under its name or one of the funnel's
    /// aliases of it (`SourceColumns::exports` reads a source's columns alike).
    pub fn carries(&self, field: &FieldRef, funnel: &Funnel) -> bool {
        match field {
            FieldRef::System(f) => self.okk.contains(f),
            FieldRef::Custom(name) => {
                let folded = [fold(name)];
                let keys = match funnel.custom_keys(name) {
                    [] => &folded[..],
                    keys => keys,
                };
                self.custom.iter().any(|c| keys.contains(&fold(c)))
            }
        }
    }
}

/// The card as judged: okk's own fields ([`SYSTEM`]) and the custom fields by name, each only
/// where it had a value, and, where the source's columns were known, those it carried that the
/// card had empty, as empty values ([`Carried`]; all of them or none). Written as JSON in this
/// shape (custom fields by name: bundles and the pending journal carry it so; the store keys
/// them by its field ids, `store::as_judged`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AsJudged {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub card: Vec<(SystemField, Kept)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<(String, Kept)>,
    /// The digest of the custom fields not kept one by one, if the card had any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rest: Option<String>,
}

/// Which of the card's fields changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Field {
    System(SystemField),
    Custom(String),
    /// Some of the custom fields kept together as one digest (a card of very many fields).
    Others,
}

/// A field's value on one side of a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Side {
    Empty,
    Value(String),
    /// Kept as its digest (too long, or notes): that it changed is known, not from what.
    Long,
}

/// One field that differs between the card as judged and the card now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub field: Field,
    pub then: Side,
    pub now: Side,
}

/// Why a snapshot brought from elsewhere (a bundle) is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SnapshotError {
    /// Its text is longer than [`TEXT_LIMIT`].
    TooLong { bytes: usize },
    /// Not JSON of this shape: serde's words.
    Shape(String),
    /// A field named twice.
    Twice(String),
    /// More custom fields than okk keeps one by one.
    TooManyFields(usize),
    /// A custom field's name empty or longer than [`NAME_LIMIT`].
    BadName,
    /// A value kept as it is that is longer than [`VALUE_LIMIT`], or values past
    /// [`KEPT_BUDGET`] in all: okk keeps those as digests.
    ValueTooLong(String),
    /// A digest that is not 16 hexadecimal digits.
    BadDigest(String),
    /// Not the text okk writes for what it holds (its author signed that text, and a store
    /// passes it on as it writes it).
    NotAsWritten,
}

impl AsJudged {
    /// What of `card` a review keeps, its source's columns not known.
    pub fn of(card: &Card) -> AsJudged {
        AsJudged::of_carried(card, None)
    }

    /// What of `card` a review keeps, with the fields its source `carried` that the card has
    /// empty: all of them, or none where they do not all fit within the bounds (then the
    /// snapshot says nothing of which fields the source carried, as one made without them).
    pub fn of_carried(card: &Card, carried: Option<&Carried>) -> AsJudged {
        let mut budget = KEPT_BUDGET;
        let mut keep = |value: String, whole: bool| {
            if !whole || value.len() > VALUE_LIMIT || value.len() > budget {
                Kept::digest_of(&value)
            } else {
                budget -= value.len();
                Kept::Value(value)
            }
        };
        let mut out = AsJudged {
            card: SYSTEM
                .iter()
                .filter_map(|&f| {
                    let v = system_value(card, f)?;
                    Some((f, keep(v, f != SystemField::Notes)))
                })
                .collect(),
            ..AsJudged::default()
        };
        let (kept, rest) = split_fields(card);
        out.fields = kept
            .into_iter()
            .map(|(name, value)| (name.to_string(), keep(value.to_string(), true)))
            .collect();
        out.rest = (!rest.is_empty()).then(|| rest_digest(rest.into_iter()));
        if let Some(carried) = carried {
            out.add_blanks(card, carried);
        }
        out
    }

    /// The fields `carried` that `card` has empty, kept empty (see [`Carried`]).
    fn add_blanks(&mut self, card: &Card, carried: &Carried) {
        // Fields kept together: which of them were empty is not known field by field.
        if self.rest.is_some() {
            return;
        }
        let filled: std::collections::HashSet<String> = (card.fields.iter())
            .filter(|(_, v)| !v.is_empty())
            .map(|(n, _)| fold(n))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut blanks = Vec::new();
        for name in &carried.custom {
            let folded = fold(name);
            if filled.contains(&folded) || !seen.insert(folded) {
                continue;
            }
            if name.is_empty() || name.len() > NAME_LIMIT {
                return;
            }
            blanks.push((name.clone(), Kept::Value(String::new())));
        }
        if self.fields.len() + blanks.len() > FIELDS_KEPT {
            return;
        }
        self.fields.extend(blanks);
        let valued = std::mem::take(&mut self.card);
        self.card = (SYSTEM.iter())
            .filter_map(|&f| match valued.iter().find(|(g, _)| *g == f) {
                Some(kept) => Some(kept.clone()),
                None => carried
                    .okk
                    .contains(&f)
                    .then(|| (f, Kept::Value(String::new()))),
            })
            .collect();
    }

    /// Whether the snapshot says which fields its source carried (it keeps those the card had
    /// empty): a field it has no entry for was not carried then.
    fn knows_carried(&self) -> bool {
        self.card.iter().any(|(_, k)| k.is_blank()) || self.fields.iter().any(|(_, k)| k.is_blank())
    }

    /// The snapshot as text (JSON, custom fields by name): what the pending journal and
    /// bundles carry and its author signs. The same snapshot always writes the same text.
    pub fn to_text(&self) -> String {
        serde_json::to_string(self).expect("a snapshot serialises")
    }

    /// A snapshot from elsewhere (a bundle), held to the bounds okk writes within.
    pub fn parse(text: &str) -> Result<AsJudged, SnapshotError> {
        if text.len() > TEXT_LIMIT {
            return Err(SnapshotError::TooLong { bytes: text.len() });
        }
        let j: AsJudged =
            serde_json::from_str(text).map_err(|e| SnapshotError::Shape(e.to_string()))?;
        j.check()?;
        if j.to_text() != text {
            return Err(SnapshotError::NotAsWritten);
        }
        Ok(j)
    }

    fn check(&self) -> Result<(), SnapshotError> {
        let mut budget = KEPT_BUDGET;
        let mut within = |name: &str, kept: &Kept| match kept {
            Kept::Value(v) if v.len() > VALUE_LIMIT || v.len() > budget => {
                Err(SnapshotError::ValueTooLong(name.to_string()))
            }
            Kept::Value(v) => {
                budget -= v.len();
                Ok(())
            }
            Kept::Digest { xxh3 } if is_digest(xxh3) => Ok(()),
            Kept::Digest { xxh3 } => Err(SnapshotError::BadDigest(xxh3.clone())),
        };
        for (i, (f, kept)) in self.card.iter().enumerate() {
            if self.card[..i].iter().any(|(g, _)| g == f) {
                return Err(SnapshotError::Twice(f.name().to_string()));
            }
            within(f.name(), kept)?;
        }
        if self.fields.len() > FIELDS_KEPT {
            return Err(SnapshotError::TooManyFields(self.fields.len()));
        }
        let mut names = std::collections::HashSet::new();
        for (name, kept) in &self.fields {
            if name.is_empty() || name.len() > NAME_LIMIT {
                return Err(SnapshotError::BadName);
            }
            if !names.insert(name.as_str()) {
                return Err(SnapshotError::Twice(name.clone()));
            }
            within(name, kept)?;
        }
        match &self.rest {
            Some(d) if !is_digest(d) => Err(SnapshotError::BadDigest(d.clone())),
            _ => Ok(()),
        }
    }

    /// The fields of `now` that differ from the card as judged: okk's own in [`SYSTEM`]'s
    /// order, then the custom fields in the card's order, then those the card no longer has,
    /// then (a card of very many fields) that some of the others changed. A field the source did
    /// not carry when the card was judged (the snapshot says which it did, [`Carried`]) is no
    /// change: a later read that carries it (the CRM's API after its export) only brings it.
    pub fn changes(&self, now: &Card) -> Vec<Change> {
        let mut out = Vec::new();
        let knows = self.knows_carried();
        for &f in &SYSTEM {
            let then = self.card.iter().find(|(g, _)| *g == f).map(|(_, k)| k);
            if then.is_none() && knows {
                continue;
            }
            let then = then.filter(|k| !k.is_blank());
            let value = system_value(now, f);
            if let Some(change) = compare(then, value, f == SystemField::Notes) {
                out.push(Change {
                    field: Field::System(f),
                    ..change
                });
            }
        }
        let kept = |name: &str| {
            let exact = self.fields.iter().find(|(n, _)| n == name);
            // A blank is kept under the store's name of the column: another store's card may
            // spell it otherwise.
            let loose = || {
                let folded = fold(name);
                (self.fields.iter()).find(|(n, k)| k.is_blank() && fold(n) == folded)
            };
            exact
                .or_else(|| knows.then(loose).flatten())
                .map(|(_, k)| k)
        };
        let filled = || now.fields.iter().filter(|(_, v)| !v.is_empty());
        // The fields not compared one by one, as `of` would keep them together: those the
        // snapshot has no value of (when it kept some together) and a name's repeats.
        let mut seen = std::collections::HashSet::new();
        let mut others: Vec<(&str, &str)> = Vec::new();
        for (name, value) in filled() {
            let first = seen.insert(&**name);
            let then = kept(name).filter(|_| first);
            if then.is_none() && (self.rest.is_some() || !first) {
                others.push((name, value.as_str()));
                continue;
            }
            if then.is_none() && knows {
                continue;
            }
            let then = then.filter(|k| !k.is_blank());
            if let Some(change) = compare(then, Some(value.clone()), false) {
                out.push(Change {
                    field: Field::Custom(name.to_string()),
                    ..change
                });
            }
        }
        for (name, kept) in &self.fields {
            if !seen.contains(name.as_str()) && !kept.is_blank() {
                out.push(Change {
                    field: Field::Custom(name.clone()),
                    then: kept.side(),
                    now: Side::Empty,
                });
            }
        }
        let then_rest = (self.rest.clone()).unwrap_or_else(|| rest_digest(std::iter::empty()));
        if rest_digest(others.into_iter()) != then_rest {
            out.push(Change {
                field: Field::Others,
                then: Side::Long,
                now: Side::Long,
            });
        }
        out
    }
}

/// A change of one field, if `then` (kept; `None`: empty) is not `now` (`None`: empty); a
/// side that is a `digest` (notes) is said [`Side::Long`].
fn compare(then: Option<&Kept>, now: Option<String>, digest: bool) -> Option<Change> {
    let same = match then {
        Some(k) => k.holds(now.as_deref()),
        None => now.is_none(),
    };
    if same {
        return None;
    }
    Some(Change {
        field: Field::Others,
        then: then.map_or(Side::Empty, Kept::side),
        now: match now {
            None => Side::Empty,
            Some(_) if digest => Side::Long,
            Some(v) => Side::Value(v),
        },
    })
}

/// The custom fields with a value: those kept one by one (in order, up to [`FIELDS_KEPT`], names
/// within [`NAME_LIMIT`]) and the others.
type Pairs<'c> = Vec<(&'c str, &'c str)>;

fn split_fields(card: &Card) -> (Pairs<'_>, Pairs<'_>) {
    let mut kept = Vec::new();
    let mut rest = Vec::new();
    for (name, value) in &card.fields {
        if value.is_empty() {
            continue;
        }
        let name: &str = name;
        let fits = !name.is_empty() && name.len() <= NAME_LIMIT;
        if fits && kept.len() < FIELDS_KEPT && !kept.iter().any(|(n, _)| *n == name) {
            kept.push((name, value.as_str()));
        } else {
            rest.push((name, value.as_str()));
        }
    }
    (kept, rest)
}

/// One digest of fields: each name and value, with separators no header or value holds.
fn rest_digest<'a>(fields: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for (name, value) in fields {
        h.update(name.as_bytes());
        h.update(&[0x1f]);
        h.update(value.as_bytes());
        h.update(&[0x1e]);
    }
    format!("{:016x}", h.digest())
}

fn digest(bytes: &[u8]) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(bytes))
}

fn is_digest(s: &str) -> bool {
    s.len() == 16 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// An okk field's value as the snapshot keeps it; `None`: empty.
fn system_value(card: &Card, f: SystemField) -> Option<String> {
    let text = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
    let time = |t: &Option<chrono::NaiveDateTime>| t.map(|t| t.format(TIME).to_string());
    let list = |l: &[String], sep: &str| (!l.is_empty()).then(|| l.join(sep));
    match f {
        SystemField::Title => text(&card.title),
        SystemField::Pipeline => text(&card.pipeline),
        SystemField::Stage => Some(card.stage.clone()).filter(|s| !s.is_empty()),
        SystemField::Owner => text(&card.owner),
        SystemField::Amount => card.amount.map(|a| a.to_string()),
        SystemField::Currency => text(&card.currency),
        SystemField::Closed => card.closed.map(|b| b.to_string()),
        SystemField::Won => card.won.map(|b| b.to_string()),
        SystemField::ClosedAt => time(&card.closed_at),
        SystemField::ExpectedCloseAt => time(&card.expected_close_at),
        SystemField::LastActivityAt => time(&card.last_activity_at),
        SystemField::Contact => text(&card.contact),
        SystemField::Company => text(&card.company),
        SystemField::Phone => list(&card.phones, ", "),
        SystemField::Email => list(&card.emails, ", "),
        SystemField::Tags => list(&card.tags, ", "),
        SystemField::Notes => list(&card.notes, "\n"),
        SystemField::ExternalId
        | SystemField::CreatedAt
        | SystemField::UpdatedAt
        | SystemField::Status => None,
    }
}

/// A kept date (the store's shape) read back, for showing it as dates are shown.
pub fn kept_time(value: &str) -> Option<chrono::NaiveDateTime> {
    chrono::NaiveDateTime::parse_from_str(value, TIME).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FieldName;

    fn at(day: u32) -> chrono::NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 11, day)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap()
    }

    fn card() -> Card {
        Card {
            source: "amocrm".into(),
            external_id: "30002216".into(),
            pipeline: Some("Продажи недвижимости".into()),
            stage: "Отработка возражений".into(),
            title: Some("Сделка #30002216".into()),
            owner: Some("Морозов Алексей".into()),
            amount: Some(9_550_000.0),
            last_activity_at: Some(at(18)),
            updated_at: Some(at(18)),
            phones: vec!["+7 912 000-00-00".into()],
            notes: vec!["Возражение: дорого".into()],
            fields: vec![
                (FieldName::from("Город"), "Екатеринбург".into()),
                (FieldName::from("Источник"), "ЦИАН".into()),
            ],
            ..Card::default()
        }
    }

    fn field(name: &str) -> Field {
        Field::Custom(name.into())
    }

    fn value(s: &str) -> Side {
        Side::Value(s.into())
    }

    #[test]
    fn an_unchanged_card_has_no_changes_and_the_snapshot_reads_back_from_its_text() {
        let c = card();
        let j = AsJudged::of(&c);
        assert!(j.changes(&c).is_empty(), "{:?}", j.changes(&c));
        assert_eq!(AsJudged::parse(&j.to_text()).unwrap(), j);
        // An edit that moves only the time of the edit is no change a reader is told of.
        let edited = Card {
            updated_at: Some(at(20)),
            ..c.clone()
        };
        assert!(j.changes(&edited).is_empty());
        // Notes are kept as their digest, never as their text.
        assert!(!j.to_text().contains("дорого"), "{}", j.to_text());
    }

    #[test]
    fn a_retitled_moved_card_with_a_field_filled_and_one_emptied_lists_each_from_what_to_what() {
        let j = AsJudged::of(&card());
        let mut now = card();
        now.title = Some("Сделка, правка 2213".into());
        now.stage = "Квалификация".into();
        now.amount = None;
        now.notes.push("Перезвонить".into());
        now.fields = vec![
            (FieldName::from("Источник"), "ЦИАН".into()),
            (
                FieldName::from("Дата встречи в офисе продаж"),
                "12.11.2026".into(),
            ),
        ];
        assert_eq!(
            j.changes(&now),
            vec![
                Change {
                    field: Field::System(SystemField::Title),
                    then: value("Сделка #30002216"),
                    now: value("Сделка, правка 2213"),
                },
                Change {
                    field: Field::System(SystemField::Stage),
                    then: value("Отработка возражений"),
                    now: value("Квалификация"),
                },
                Change {
                    field: Field::System(SystemField::Amount),
                    then: value("9550000"),
                    now: Side::Empty,
                },
                Change {
                    field: Field::System(SystemField::Notes),
                    then: Side::Long,
                    now: Side::Long,
                },
                Change {
                    field: field("Дата встречи в офисе продаж"),
                    then: Side::Empty,
                    now: value("12.11.2026"),
                },
                Change {
                    field: field("Город"),
                    then: value("Екатеринбург"),
                    now: Side::Empty,
                },
            ]
        );
    }

    #[test]
    fn a_huge_value_is_kept_as_its_digest_and_its_change_is_said_without_the_old_value() {
        let mut c = card();
        let huge = "я".repeat(100_000);
        c.fields
            .push((FieldName::from("Интересующие параметры"), huge.clone()));
        let j = AsJudged::of(&c);
        let text = j.to_text();
        assert!(text.len() < 2_000, "{} bytes", text.len());
        assert!(j.changes(&c).is_empty(), "the digest holds the same value");
        let mut now = c.clone();
        now.fields.last_mut().unwrap().1 = format!("{huge}!");
        assert_eq!(
            j.changes(&now),
            [Change {
                field: field("Интересующие параметры"),
                then: Side::Long,
                now: Side::Value(format!("{huge}!")),
            }]
        );
        // A value just within the limit is kept as it is.
        let mut c = card();
        c.fields
            .push((FieldName::from("Почти"), "a".repeat(VALUE_LIMIT)));
        assert!(
            AsJudged::of(&c)
                .to_text()
                .contains(&"a".repeat(VALUE_LIMIT))
        );
    }

    #[test]
    fn a_card_of_very_many_big_fields_stays_small_and_its_other_fields_change_as_one() {
        let mut c = card();
        c.fields = (0..FIELDS_KEPT + 50)
            .map(|i| (FieldName::from(format!("Поле {i}")), "x".repeat(200)))
            .collect();
        let j = AsJudged::of(&c);
        let text = j.to_text();
        // The budget, the digests of the fields past it, and the names.
        assert!(
            text.len() < KEPT_BUDGET + FIELDS_KEPT * 48,
            "{}",
            text.len()
        );
        assert_eq!(j.fields.len(), FIELDS_KEPT);
        assert!(j.rest.is_some());
        assert!(j.changes(&c).is_empty());
        assert_eq!(AsJudged::parse(&text).unwrap(), j);
        // A field past the budget kept as its digest still reads as unchanged, and changed.
        let mut now = c.clone();
        now.fields[FIELDS_KEPT - 1].1 = "y".into();
        assert_eq!(
            j.changes(&now),
            [Change {
                field: field(&format!("Поле {}", FIELDS_KEPT - 1)),
                then: Side::Long,
                now: value("y"),
            }]
        );
        // One of the fields kept together changes: said as the others.
        let mut now = c.clone();
        now.fields[FIELDS_KEPT + 10].1 = "y".into();
        assert_eq!(
            j.changes(&now),
            [Change {
                field: Field::Others,
                then: Side::Long,
                now: Side::Long,
            }]
        );
    }

    #[test]
    fn a_snapshot_out_of_the_bounds_okk_writes_within_is_refused_with_why() {
        let bad = |text: &str| AsJudged::parse(text).unwrap_err();
        assert!(matches!(
            bad(&"x".repeat(TEXT_LIMIT + 1)),
            SnapshotError::TooLong { .. }
        ));
        assert!(matches!(bad("[1,2]"), SnapshotError::Shape(_)));
        assert!(matches!(
            bad(r#"{"card":[["nonsense","x"]]}"#),
            SnapshotError::Shape(_)
        ));
        assert_eq!(
            bad(r#"{"card":[["title","a"],["title","b"]]}"#),
            SnapshotError::Twice("title".into())
        );
        let long = format!(
            r#"{{"fields":[["Город","{}"]]}}"#,
            "x".repeat(VALUE_LIMIT + 1)
        );
        assert_eq!(bad(&long), SnapshotError::ValueTooLong("Город".into()));
        assert_eq!(
            bad(r#"{"fields":[["Город",{"xxh3":"not hex"}]]}"#),
            SnapshotError::BadDigest("not hex".into())
        );
        assert_eq!(bad(r#"{"fields":[["","x"]]}"#), SnapshotError::BadName);
        let many: Vec<String> = (0..=FIELDS_KEPT)
            .map(|i| format!(r#"["f{i}","v"]"#))
            .collect();
        assert_eq!(
            bad(&format!(r#"{{"fields":[{}]}}"#, many.join(","))),
            SnapshotError::TooManyFields(FIELDS_KEPT + 1)
        );
        // Past the budget in all, though each value is short.
        let wide: Vec<String> = (0..KEPT_BUDGET / VALUE_LIMIT + 1)
            .map(|i| format!(r#"["f{i}","{}"]"#, "v".repeat(VALUE_LIMIT)))
            .collect();
        assert!(matches!(
            bad(&format!(r#"{{"fields":[{}]}}"#, wide.join(","))),
            SnapshotError::ValueTooLong(_)
        ));
        assert_eq!(AsJudged::parse("{}").unwrap(), AsJudged::default());
        // What okk would write otherwise (here, spaced out) is not what its author signed.
        assert_eq!(
            bad(r#"{"card": [["title","a"]]}"#),
            SnapshotError::NotAsWritten
        );
    }

    /// A field the card did not have when judged (none kept together) is said one by one; a
    /// name's repeat, kept with the others, is said as the others.
    #[test]
    fn a_new_field_is_said_by_name_and_a_repeated_name_among_the_others() {
        let j = AsJudged::of(&card());
        assert_eq!(j.rest, None);
        let mut now = card();
        now.fields.push((FieldName::from("Новое"), "да".into()));
        assert_eq!(
            j.changes(&now),
            [Change {
                field: field("Новое"),
                then: Side::Empty,
                now: value("да"),
            }]
        );
        let mut twice = card();
        twice.fields.push((FieldName::from("Город"), "Тула".into()));
        let j = AsJudged::of(&twice);
        assert!(j.rest.is_some(), "the repeat is kept with the others");
        assert!(j.changes(&twice).is_empty());
        let mut now = twice.clone();
        now.fields[2].1 = "Омск".into();
        assert_eq!(
            j.changes(&now),
            [Change {
                field: Field::Others,
                then: Side::Long,
                now: Side::Long,
            }]
        );
    }

    /// The columns of an amoCRM export as `okk import` records them, with the card's own
    /// custom fields and the meeting date, which this card has empty.
    fn exported() -> Carried {
        use SystemField as F;
        let columns = SourceColumns::new(
            [
                F::Title,
                F::Pipeline,
                F::Stage,
                F::Owner,
                F::Amount,
                F::ClosedAt,
            ]
            .iter()
            .chain(&[F::LastActivityAt, F::UpdatedAt, F::Phone, F::Notes])
            .map(|f| f.name().to_string()),
            ["ГОРОД", "Источник", "Дата встречи в офисе продаж"].map(String::from),
        );
        Carried::of(&columns, ["Источник", "Город", "Комнат"]).expect("columns known")
    }

    /// The card as the CRM's API gives it after the export: okk's closed and the fields only
    /// the API has filled, the title edited and the meeting date set meanwhile.
    fn synced() -> Card {
        let mut now = card();
        now.closed = Some(false);
        now.title = Some("Сделка, правка 2213".into());
        now.fields.extend([
            (FieldName::from("ID ответственного"), "9000001".into()),
            (
                FieldName::from("Ближайшая задача"),
                "22.11.2026 10:00:00".into(),
            ),
            (
                FieldName::from("Дата встречи в офисе продаж"),
                "12.12.2026 15:00".into(),
            ),
        ]);
        now
    }

    /// The tester's F6: a card judged from the export, then synced over the API. The fields
    /// the export never carried (closed, «ID ответственного», «Ближайшая задача») are no change
    /// of the card; the title edited and the meeting date filled — a column the export had,
    /// empty on the card — are.
    #[test]
    fn a_field_the_source_did_not_carry_when_judged_is_no_change_and_one_it_had_empty_is() {
        let carried = exported();
        assert_eq!(
            carried.custom,
            ["Источник", "Город", "дата встречи в офисе продаж"],
            "by the store's names where it has them, in their order; else folded"
        );
        let j = AsJudged::of_carried(&card(), Some(&carried));
        assert!(j.changes(&card()).is_empty(), "{:?}", j.changes(&card()));
        assert_eq!(AsJudged::parse(&j.to_text()).unwrap(), j);
        assert_eq!(
            j.changes(&synced()),
            [
                Change {
                    field: Field::System(SystemField::Title),
                    then: value("Сделка #30002216"),
                    now: value("Сделка, правка 2213"),
                },
                Change {
                    field: field("Дата встречи в офисе продаж"),
                    then: Side::Empty,
                    now: value("12.12.2026 15:00"),
                },
            ]
        );
        // okk's own fields the export carried empty are changes when filled.
        let mut closed = synced();
        closed.closed_at = Some(at(20));
        let listed: Vec<Field> = j.changes(&closed).into_iter().map(|c| c.field).collect();
        assert!(
            listed.contains(&Field::System(SystemField::ClosedAt)),
            "{listed:?}"
        );
        assert!(
            !listed.contains(&Field::System(SystemField::Closed)),
            "{listed:?}"
        );
        // A field emptied since is a change, whatever the source carried.
        let mut emptied = card();
        emptied.fields.remove(0);
        assert_eq!(
            j.changes(&emptied),
            [Change {
                field: field("Город"),
                then: value("Екатеринбург"),
                now: Side::Empty,
            }]
        );
        // Judged where the source's columns were not known (a review an older okk made, or a
        // store imported before okk recorded them): every field that came is listed.
        let unknown = AsJudged::of(&card());
        let listed: Vec<Field> = (unknown.changes(&synced()).into_iter())
            .map(|c| c.field)
            .collect();
        assert!(
            listed.contains(&Field::System(SystemField::Closed)),
            "{listed:?}"
        );
        assert!(listed.contains(&field("ID ответственного")), "{listed:?}");
        assert_eq!(Carried::of(&SourceColumns::default(), ["Город"]), None);
    }

    /// Blanks are all or none: where the source's empty columns do not fit beside the card's
    /// kept fields, the snapshot keeps none (and says nothing of what the source carried), so
    /// that no field it had empty is ever taken as one it did not carry.
    #[test]
    fn a_source_of_more_empty_columns_than_a_snapshot_keeps_keeps_none_of_them() {
        let columns = SourceColumns::new(
            ["title".to_string()],
            (0..FIELDS_KEPT).map(|i| format!("Поле {i}")),
        );
        let carried = Carried::of(&columns, []).unwrap();
        let j = AsJudged::of_carried(&card(), Some(&carried));
        assert_eq!(j, AsJudged::of(&card()));
        // A blank kept under another store's spelling of the column is found all the same.
        let columns = SourceColumns::new(["title".to_string()], ["Комнат".to_string()]);
        let j = AsJudged::of_carried(&card(), Carried::of(&columns, []).as_ref());
        let mut now = card();
        now.fields.push((FieldName::from("КОМНАТ"), "2".into()));
        assert_eq!(
            j.changes(&now),
            [Change {
                field: field("КОМНАТ"),
                then: Side::Empty,
                now: value("2"),
            }]
        );
    }

    #[test]
    fn dates_are_kept_in_the_stores_shape_and_read_back() {
        let j = AsJudged::of(&card());
        let (_, kept) = (j.card.iter())
            .find(|(f, _)| *f == SystemField::LastActivityAt)
            .unwrap();
        let Kept::Value(v) = kept else { panic!() };
        assert_eq!(v, "2026-11-18 10:30:00");
        assert_eq!(kept_time(v), Some(at(18)));
    }
}
