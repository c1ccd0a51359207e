//! A page of amoCRM leads read straight into rows of the export's shape: each value is written
//! into its cell as the parser meets it, with no struct of owned strings and lists per lead in
//! between (those were a third of a 30-field page's reading: allocating, copying, freeing).
//! As forgiving of odd shapes as the typed page ([`super::amo_page`]): a value of another type
//! reads empty.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

use super::amo_page::{Int, Links, List, Loose, Scalar, Valued};
use super::row::{empty_row, push_unix};
use crate::domain::fx::FxMap;

/// amoCRM's system statuses, the same in every pipeline.
pub const STATUS_WON: i64 = 142;
pub const STATUS_LOST: i64 = 143;

/// The columns of the fixed part of a row (the reader's header names them).
mod col {
    pub const ID: usize = 0;
    pub const NAME: usize = 1;
    pub const PRICE: usize = 2;
    pub const OWNER: usize = 3;
    pub const OWNER_ID: usize = 4;
    /// Created, edited, closed, nearest task.
    pub const TIMES: usize = 5;
    pub const TAGS: usize = 9;
    pub const STAGE: usize = 10;
    pub const PIPELINE: usize = 11;
    pub const CLOSED: usize = 12;
    pub const WON: usize = 13;
}

/// What the account's metadata says about a lead's values.
pub struct Shape<'a> {
    /// Cells in a row.
    pub width: usize,
    /// (pipeline id, status id) → (pipeline name, status name).
    pub stages: &'a FxMap<(i64, i64), (String, String)>,
    pub users: &'a FxMap<i64, String>,
    /// Custom field id → (column, is a date).
    pub fields: &'a FxMap<i64, (usize, bool)>,
}

/// A lead as its row, with what the reader pages by.
pub struct LeadRow {
    pub id: Option<i64>,
    pub updated_at: Option<i64>,
    pub cells: Vec<String>,
}

/// `/api/v4/leads` as rows, and whether another page follows.
#[derive(Default)]
pub struct RowsPage {
    pub leads: Vec<LeadRow>,
    pub has_next: bool,
}

/// Reads a page of leads into rows shaped by `shape`, their cells taken from `spare` (a
/// landed page's strings) while it has some.
pub fn read_page(
    text: &str,
    shape: &Shape,
    spare: &mut Vec<Vec<String>>,
) -> serde_json::Result<RowsPage> {
    let mut de = serde_json::Deserializer::from_str(text);
    let page = PageSeed { shape, spare }.deserialize(&mut de)?;
    de.end()?;
    Ok(page)
}

struct PageSeed<'s, 'a> {
    shape: &'s Shape<'a>,
    spare: &'s mut Vec<Vec<String>>,
}

/// A seed that reads whatever value comes (its visitor says what of it it takes).
macro_rules! read_by_any {
    ($seed:ty, $value:ty) => {
        impl<'de> DeserializeSeed<'de> for $seed {
            type Value = $value;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<$value, D::Error> {
                d.deserialize_any(self)
            }
        }
    };
}

/// The visitors below read any other type of value as nothing, as [`Loose`] and [`List`] do
/// (`$empty`, of `$self`).
macro_rules! empty_otherwise {
    ($self:ident, $value:ty, $empty:expr) => {
        fn visit_bool<E>($self, _: bool) -> Result<$value, E> {
            Ok($empty)
        }
        fn visit_i64<E>($self, _: i64) -> Result<$value, E> {
            Ok($empty)
        }
        fn visit_u64<E>($self, _: u64) -> Result<$value, E> {
            Ok($empty)
        }
        fn visit_f64<E>($self, _: f64) -> Result<$value, E> {
            Ok($empty)
        }
        fn visit_str<E>($self, _: &str) -> Result<$value, E> {
            Ok($empty)
        }
        fn visit_unit<E>($self) -> Result<$value, E> {
            Ok($empty)
        }
        fn visit_none<E>($self) -> Result<$value, E> {
            Ok($empty)
        }
    };
}

/// Reads an object, any other value being nothing (`$self` reads the object's entries).
macro_rules! object_only {
    ($value:ty, $empty:expr) => {
        empty_otherwise!(self, $value, $empty);
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<$value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok($empty)
        }
    };
}

/// Reads an array, any other value being nothing.
macro_rules! array_only {
    ($value:ty, $empty:expr) => {
        empty_otherwise!(self, $value, $empty);
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<$value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok($empty)
        }
    };
}

read_by_any!(PageSeed<'_, '_>, RowsPage);

impl<'de> Visitor<'de> for PageSeed<'_, '_> {
    type Value = RowsPage;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a page of leads")
    }
    object_only!(RowsPage, RowsPage::default());
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RowsPage, A::Error> {
        let mut page = RowsPage::default();
        while let Some(key) = next_key(&mut map, &["_embedded", "_links"])? {
            match key {
                Some(0) => map.next_value_seed(EmbeddedSeed {
                    shape: self.shape,
                    spare: self.spare,
                    leads: &mut page.leads,
                })?,
                Some(_) => {
                    let links: Loose<Links> = map.next_value()?;
                    page.has_next = links.0.next.is_some();
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(page)
    }
}

/// An object's key as its place in a list of the keys wanted (`None`: another key), read
/// without copying it.
struct KeyOf(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeyOf {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyOf {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.0.iter().position(|k| *k == v))
    }
}

/// The next key of `map` among `keys`: `Some(None)` for another one.
fn next_key<'de, A: MapAccess<'de>>(
    map: &mut A,
    keys: &'static [&'static str],
) -> Result<Option<Option<usize>>, A::Error> {
    map.next_key_seed(KeyOf(keys))
}

struct EmbeddedSeed<'s, 'a> {
    shape: &'s Shape<'a>,
    spare: &'s mut Vec<Vec<String>>,
    leads: &'s mut Vec<LeadRow>,
}

read_by_any!(EmbeddedSeed<'_, '_>, ());

impl<'de> Visitor<'de> for EmbeddedSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    object_only!((), ());
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = next_key(&mut map, &["leads"])? {
            if key.is_some() {
                // A second `leads` replaces the first, as a struct's field would.
                self.leads.clear();
                map.next_value_seed(LeadsSeed {
                    shape: self.shape,
                    spare: self.spare,
                    leads: self.leads,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

struct LeadsSeed<'s, 'a> {
    shape: &'s Shape<'a>,
    spare: &'s mut Vec<Vec<String>>,
    leads: &'s mut Vec<LeadRow>,
}

read_by_any!(LeadsSeed<'_, '_>, ());

impl<'de> Visitor<'de> for LeadsSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of leads")
    }
    array_only!((), ());
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.leads
            .reserve(seq.size_hint().unwrap_or(0).min(super::amocrm::LIMIT));
        loop {
            let cells = empty_row(self.spare, self.shape.width);
            let seed = LeadSeed {
                shape: self.shape,
                row: LeadRow {
                    id: None,
                    updated_at: None,
                    cells,
                },
            };
            match seq.next_element_seed(seed)? {
                Some(row) => self.leads.push(row),
                None => return Ok(()),
            }
        }
    }
}

/// The keys of a lead okk reads, in the order [`LeadSeed`] matches them.
const LEAD_KEYS: [&str; 12] = [
    "id",
    "updated_at",
    "name",
    "price",
    "responsible_user_id",
    "pipeline_id",
    "status_id",
    "created_at",
    "closed_at",
    "closest_task_at",
    "_embedded",
    "custom_fields_values",
];

struct LeadSeed<'s, 'a> {
    shape: &'s Shape<'a>,
    row: LeadRow,
}

read_by_any!(LeadSeed<'_, '_>, LeadRow);

/// What a lead's row is finished with once the whole lead is read (its keys come in any order).
#[derive(Default)]
struct Ids {
    owner: Int,
    pipeline: Int,
    status: Int,
    times: [Int; 4],
}

impl<'de> Visitor<'de> for LeadSeed<'_, '_> {
    type Value = LeadRow;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a lead")
    }
    // Not a lead: a row with no id, which the reader refuses.
    empty_otherwise!(self, LeadRow, self.row);
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<LeadRow, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(self.row)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<LeadRow, A::Error> {
        let LeadSeed { shape, mut row } = self;
        let mut ids = Ids::default();
        let cells = &mut row.cells;
        while let Some(key) = next_key(&mut map, &LEAD_KEYS)? {
            match key {
                Some(0) => row.id = map.next_value::<Int>()?.0,
                Some(1) => {
                    let t = map.next_value::<Int>()?;
                    row.updated_at = t.0;
                    ids.times[1] = t;
                }
                Some(2) => map.next_value_seed(Cell::replace(&mut cells[col::NAME]))?,
                Some(3) => map.next_value_seed(Cell::replace(&mut cells[col::PRICE]))?,
                Some(4) => ids.owner = map.next_value()?,
                Some(5) => ids.pipeline = map.next_value()?,
                Some(6) => ids.status = map.next_value()?,
                Some(7) => ids.times[0] = map.next_value()?,
                Some(8) => ids.times[2] = map.next_value()?,
                Some(9) => ids.times[3] = map.next_value()?,
                Some(10) => {
                    let tags = &mut cells[col::TAGS];
                    tags.clear();
                    map.next_value_seed(TagsSeed(tags))?;
                }
                Some(11) => map.next_value_seed(FieldsSeed { shape, cells })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        finish(shape, &ids, row.id, cells);
        Ok(row)
    }
}

/// The cells a lead's ids and times give: stage and pipeline by name, closed and won from the
/// status, the owner by name and id, the times as the export writes them.
fn finish(shape: &Shape, ids: &Ids, id: Option<i64>, cells: &mut [String]) {
    let mut number = itoa::Buffer::new();
    let stage = (ids.pipeline.0.unwrap_or(0), ids.status.0.unwrap_or(0));
    match shape.stages.get(&stage) {
        Some((pipeline, status)) => {
            cells[col::STAGE].push_str(status);
            cells[col::PIPELINE].push_str(pipeline);
        }
        // A stage added after the pipelines were read: its ids stand in for its name.
        None => {
            cells[col::STAGE].push_str(number.format(stage.1));
            cells[col::PIPELINE].push_str(number.format(stage.0));
        }
    }
    let (closed, won) = match stage.1 {
        STATUS_WON => ("Y", "Y"),
        STATUS_LOST => ("Y", "N"),
        _ => ("N", ""),
    };
    cells[col::CLOSED].push_str(closed);
    cells[col::WON].push_str(won);
    if let Some(id) = id {
        cells[col::ID].push_str(number.format(id));
    }
    if let Some(o) = ids.owner.0 {
        match shape.users.get(&o) {
            Some(name) => cells[col::OWNER].push_str(name),
            None => cells[col::OWNER].push_str(number.format(o)),
        }
        cells[col::OWNER_ID].push_str(number.format(o));
    }
    for (cell, t) in cells[col::TIMES..col::TIMES + 4].iter_mut().zip(ids.times) {
        if let Some(t) = t.0 {
            push_unix(cell, t);
        }
    }
}

/// A value written at the end of a cell as [`Scalar::push_to`] writes it; a date field's Unix
/// time as the export writes dates.
struct Cell<'c> {
    out: &'c mut String,
    date: bool,
}

impl<'c> Cell<'c> {
    /// The cell's last value wins (a key given twice).
    fn replace(out: &'c mut String) -> Cell<'c> {
        out.clear();
        Cell { out, date: false }
    }

    fn int(self, i: i64) {
        if self.date {
            push_unix(self.out, i);
        } else {
            self.out.push_str(itoa::Buffer::new().format(i));
        }
    }

    fn other(self, v: serde_json::Value) {
        Scalar::Other(v).push_to(self.out);
    }
}

read_by_any!(Cell<'_>, ());

impl<'de> Visitor<'de> for Cell<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        self.int(v);
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        match i64::try_from(v) {
            Ok(i) => self.int(i),
            Err(_) => self.other(v.into()),
        }
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        self.other(v.into());
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.other(v.into());
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.out.push_str(v);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        self.other(v);
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        self.other(v);
        Ok(())
    }
}

/// `_embedded` of a lead: its tags' names, joined by ", ".
struct TagsSeed<'c>(&'c mut String);

read_by_any!(TagsSeed<'_>, ());

impl<'de> Visitor<'de> for TagsSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    object_only!((), ());
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = next_key(&mut map, &["tags"])? {
            if key.is_some() {
                self.0.clear();
                map.next_value_seed(NamesSeed(&mut *self.0))?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// The tags array: each item's `name`, a separator before every item but the first (an item
/// with no name is an empty part, as the typed page read it).
struct NamesSeed<'c>(&'c mut String);

read_by_any!(NamesSeed<'_>, ());

impl<'de> Visitor<'de> for NamesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of tags")
    }
    array_only!((), ());
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut first = true;
        loop {
            let start = self.0.len();
            if !first {
                self.0.push_str(", ");
            }
            match seq.next_element_seed(Member {
                out: &mut *self.0,
                keys: &["name"],
                date: false,
            })? {
                Some(()) => first = false,
                None => {
                    self.0.truncate(start);
                    return Ok(());
                }
            }
        }
    }
}

/// One key of an object written into a cell (the object's other keys skipped); nothing for
/// anything but an object.
struct Member<'c> {
    out: &'c mut String,
    /// The key, alone.
    keys: &'static [&'static str],
    date: bool,
}

read_by_any!(Member<'_>, ());

impl<'de> Visitor<'de> for Member<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object")
    }
    object_only!((), ());
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let start = self.out.len();
        while let Some(key) = next_key(&mut map, self.keys)? {
            if key.is_some() {
                // The last of a key given twice.
                self.out.truncate(start);
                map.next_value_seed(Cell {
                    out: &mut *self.out,
                    date: self.date,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

/// `custom_fields_values` (may be null): each known field's values into its column.
struct FieldsSeed<'s, 'a, 'c> {
    shape: &'s Shape<'a>,
    cells: &'c mut [String],
}

read_by_any!(FieldsSeed<'_, '_, '_>, ());

impl<'de> Visitor<'de> for FieldsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of fields")
    }
    array_only!((), ());
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(FieldSeed {
                shape: self.shape,
                cells: &mut *self.cells,
            })?
            .is_some()
        {}
        Ok(())
    }
}

/// One field of a deal: `{"field_id": …, "field_name": …, "values": [{"value": …}, …]}`.
struct FieldSeed<'s, 'a, 'c> {
    shape: &'s Shape<'a>,
    cells: &'c mut [String],
}

read_by_any!(FieldSeed<'_, '_, '_>, ());

impl<'de> Visitor<'de> for FieldSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field's values")
    }
    object_only!((), ());
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut field: Option<(usize, bool)> = None;
        let mut id_read = false;
        // Values that came before the field's id, kept until it comes.
        let mut early: Option<List<Loose<Valued>>> = None;
        while let Some(key) = next_key(&mut map, &["field_id", "values"])? {
            match key {
                Some(0) => {
                    let id = map.next_value::<Int>()?.0;
                    field = id.and_then(|i| self.shape.fields.get(&i)).copied();
                    id_read = true;
                }
                Some(_) if id_read => match field {
                    Some((col, date)) => {
                        // A field given twice: its last values are the cell.
                        let cell = &mut self.cells[col];
                        cell.clear();
                        map.next_value_seed(ValuesSeed { out: cell, date })?;
                    }
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                },
                Some(_) => early = Some(map.next_value()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let (Some(values), Some((col, date))) = (early, field) {
            let cell = &mut self.cells[col];
            cell.clear();
            let values = values.0.iter().filter_map(|v| v.0.value.as_ref());
            for (i, v) in values.enumerate() {
                if i > 0 {
                    cell.push_str(", ");
                }
                match (date, v.as_i64()) {
                    (true, Some(t)) => push_unix(cell, t),
                    _ => v.push_to(cell),
                }
            }
        }
        Ok(())
    }
}

/// A field's `values`: each item's `value` (an item with none is no part; a null one an empty
/// part), joined by ", ".
struct ValuesSeed<'c> {
    out: &'c mut String,
    date: bool,
}

read_by_any!(ValuesSeed<'_>, ());

impl<'de> Visitor<'de> for ValuesSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of values")
    }
    array_only!((), ());
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut parts = 0usize;
        loop {
            let start = self.out.len();
            if parts > 0 {
                self.out.push_str(", ");
            }
            let item = ValueItem {
                out: &mut *self.out,
                date: self.date,
            };
            match seq.next_element_seed(item)? {
                Some(true) => parts += 1,
                // No `value`: nothing of it, not even the separator.
                Some(false) => self.out.truncate(start),
                None => {
                    self.out.truncate(start);
                    return Ok(());
                }
            }
        }
    }
}

/// One item of `values`: whether it had a `value`.
struct ValueItem<'c> {
    out: &'c mut String,
    date: bool,
}

read_by_any!(ValueItem<'_>, bool);

impl<'de> Visitor<'de> for ValueItem<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a value")
    }
    object_only!(bool, false);
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let start = self.out.len();
        let mut found = false;
        while let Some(key) = next_key(&mut map, &["value"])? {
            if key.is_some() {
                self.out.truncate(start);
                map.next_value_seed(Cell {
                    out: &mut *self.out,
                    date: self.date,
                })?;
                found = true;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An account's metadata: one pipeline's won stage, one user, a list field and a date one.
    struct Meta {
        stages: FxMap<(i64, i64), (String, String)>,
        users: FxMap<i64, String>,
        fields: FxMap<i64, (usize, bool)>,
    }

    impl Meta {
        fn new() -> Meta {
            Meta {
                stages: [((7, 142), ("Продажи".to_string(), "Успешно".to_string()))]
                    .into_iter()
                    .collect(),
                users: [(9, "Анна".to_string())].into_iter().collect(),
                fields: [(501, (14, false)), (502, (15, true))]
                    .into_iter()
                    .collect(),
            }
        }

        fn shape(&self) -> Shape<'_> {
            Shape {
                width: 16,
                stages: &self.stages,
                users: &self.users,
                fields: &self.fields,
            }
        }
    }

    fn rows(text: &str) -> RowsPage {
        read_page(text, &Meta::new().shape(), &mut Vec::new()).unwrap()
    }

    /// A lead's row: texts as they came, a field of many values joined, a date field's Unix
    /// time written as the export writes dates, closed and won from its status.
    #[test]
    fn a_lead_becomes_a_row_of_the_export_s_shape() {
        let page = rows(
            r#"{"_embedded": {"leads": [{"id": 5, "name": "Сделка", "price": "100",
                "responsible_user_id": 9, "pipeline_id": 7, "status_id": 142,
                "updated_at": 1700000000,
                "_embedded": {"tags": [{"name": "ипотека"}, {"name": "сайт"}]},
                "custom_fields_values": [
                    {"field_id": 501, "field_name": "Интересы", "values": [{"value": "Дом"},
                      {"value": "Ипотека", "enum_id": 3}]},
                    {"field_id": 502, "values": [{"value": 1700000000}]}]}]}}"#,
        );
        assert!(!page.has_next);
        let [lead] = &page.leads[..] else { panic!() };
        assert_eq!((lead.id, lead.updated_at), (Some(5), Some(1_700_000_000)));
        let row = &lead.cells;
        assert_eq!(&row[..5], ["5", "Сделка", "100", "Анна", "9"]);
        assert_eq!(row[6], "14.11.2023 22:13:20");
        assert_eq!(&row[9..12], ["ипотека, сайт", "Успешно", "Продажи"]);
        // Status 142: closed and won.
        assert_eq!(&row[12..14], ["Y", "Y"]);
        assert_eq!(&row[14..], ["Дом, Ипотека", "14.11.2023 22:13:20"]);
    }

    /// Values of another type than expected read empty; a number is written out, an object as
    /// its JSON; a field's values before its id, a field given twice, an escaped text.
    #[test]
    fn a_page_of_odd_shapes_reads_as_the_typed_page_did() {
        let page = rows(
            r#"{"_links": {"next": {"href": "x"}}, "_embedded": {"leads": [
                {"id": "7", "updated_at": 1.5e9, "name": 12, "price": null,
                 "custom_fields_values": null, "_embedded": {"tags": [{"name": "a"}, 3]}},
                {"id": 8, "updated_at": 1, "price": 1.5, "name": {"x": 1},
                 "custom_fields_values": [{"values": [{"value": 1700000000},
                   {"value": true}, "junk", {"enum_id": 4}, {"value": null}], "field_id": "502"},
                   {"field_id": 501, "values": [{"value": "раз"}]},
                   {"field_id": 501, "values": [{"value": "два\n\"три\""}]}, 4],
                 "_embedded": []},
                3
            ]}}"#,
        );
        assert!(page.has_next);
        let [a, b, c] = &page.leads[..] else { panic!() };
        assert_eq!((a.id, a.updated_at), (Some(7), Some(1_500_000_000)));
        assert_eq!((&a.cells[1][..], &a.cells[2][..]), ("12", ""));
        assert_eq!(a.cells[9], "a, ");
        assert_eq!(
            (b.cells[1].as_str(), b.cells[2].as_str()),
            (r#"{"x":1}"#, "1.5")
        );
        assert_eq!(b.cells[14], "два\n\"три\"");
        assert_eq!(b.cells[15], "14.11.2023 22:13:20, true, ");
        assert_eq!(b.cells[9], "");
        assert_eq!((c.id, c.updated_at), (None, None));
        let end = rows(r#"{"_links": {"next": null}}"#);
        assert!(!end.has_next && end.leads.is_empty());
        assert!(rows("[]").leads.is_empty());
    }

    /// Rows come from the spare ones, emptied and cut to the page's width.
    #[test]
    fn spare_rows_are_written_again_from_empty() {
        let meta = Meta::new();
        let shape = meta.shape();
        let mut spare = vec![vec!["old".to_string(); 20]];
        let page = read_page(
            r#"{"_embedded": {"leads": [{"id": 1, "updated_at": 2}]}}"#,
            &shape,
            &mut spare,
        )
        .unwrap();
        assert!(spare.is_empty());
        let cells = &page.leads[0].cells;
        assert_eq!(cells.len(), 16);
        assert_eq!(cells[0], "1");
        assert!(cells[14..].iter().all(String::is_empty) && cells[1].is_empty());
    }
}
