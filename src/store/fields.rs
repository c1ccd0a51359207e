//! Custom fields as a card's row keeps them: `[[id, value], …]`, the field's name stored once in
//! `field_names`. A million cards repeating «Дата встречи в офисе продаж» in every row spent more
//! than half of their custom fields' bytes on names.
//!
//! A key may also be a name (a JSON string): a field the import had no id for, and the stores
//! written before schema 7 (a JSON object by name), read alike.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};

use super::{Store, StoreError};
use crate::domain::FieldName;
use crate::domain::fill::CardField;
use crate::domain::fx::FxMap;

/// Names → ids, for writing cards. A list scanned by pointer first: the import's cards name
/// their fields with the very `Arc`s the header gave, and hashing each name cost more than the
/// scan of a file's few dozen columns.
#[derive(Debug, Default, Clone)]
pub struct FieldKeys {
    list: Vec<(FieldName, i64)>,
}

/// Ids → names, for reading cards.
#[derive(Debug, Default, Clone)]
pub struct FieldNames {
    by_id: FxMap<i64, FieldName>,
}

impl FieldKeys {
    /// The ids another backend gave these names.
    pub(crate) fn from_pairs(pairs: impl IntoIterator<Item = (FieldName, i64)>) -> FieldKeys {
        FieldKeys {
            list: pairs.into_iter().collect(),
        }
    }

    /// The card's custom fields as the row stores them.
    pub fn encode(&self, pairs: &[(FieldName, String)]) -> Cow<'static, str> {
        if pairs.is_empty() {
            return Cow::Borrowed("[]");
        }
        let mut out = String::with_capacity(
            pairs.len() * 8 + pairs.iter().map(|(_, v)| v.len()).sum::<usize>() * 2,
        );
        out.push('[');
        for (i, (name, value)) in pairs.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('[');
            match self.id(name) {
                Some(id) => super::json_text::push_int(&mut out, id),
                None => super::json_text::push_str(&mut out, name),
            }
            out.push(',');
            super::json_text::push_str(&mut out, value);
            out.push(']');
        }
        out.push(']');
        Cow::Owned(out)
    }

    /// The id of the field `name`, if it has one.
    pub(crate) fn id_of(&self, name: &str) -> Option<i64> {
        self.list
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, id)| *id)
    }

    fn id(&self, name: &FieldName) -> Option<i64> {
        let found = |same: &dyn Fn(&FieldName) -> bool| {
            self.list.iter().find(|(n, _)| same(n)).map(|(_, id)| *id)
        };
        found(&|n| std::sync::Arc::ptr_eq(n, name)).or_else(|| found(&|n| n == name))
    }
}

impl FieldNames {
    /// The names by id, as another backend read them.
    pub(crate) fn from_pairs(pairs: impl IntoIterator<Item = (i64, String)>) -> FieldNames {
        FieldNames {
            by_id: pairs
                .into_iter()
                .map(|(id, name)| (id, FieldName::from(name)))
                .collect(),
        }
    }

    /// Every name, in no order.
    pub fn names(&self) -> impl Iterator<Item = &FieldName> {
        self.by_id.values()
    }

    /// Every name, oldest id first.
    pub(crate) fn in_id_order(&self) -> Vec<&str> {
        let mut pairs: Vec<(&i64, &FieldName)> = self.by_id.iter().collect();
        pairs.sort_unstable_by_key(|(id, _)| **id);
        pairs.into_iter().map(|(_, n)| &**n).collect()
    }

    /// The same names by name, for writing.
    pub(crate) fn keys(&self) -> FieldKeys {
        FieldKeys {
            list: self.by_id.iter().map(|(id, n)| (n.clone(), *id)).collect(),
        }
    }

    /// Whether a field has id `id`.
    pub(crate) fn knows(&self, id: i64) -> bool {
        self.by_id.contains_key(&id)
    }

    /// The name of field `id` (an id no name is known for: the number, as [`FieldNames::decode`]
    /// reads it).
    pub(crate) fn name_of(&self, id: i64) -> FieldName {
        self.name(Key::Id(id))
    }

    /// The card's custom fields from the row's text (pairs or, before schema 7, an object).
    /// Text that is not JSON reads as no fields rather than failing a pass over every card.
    pub fn decode(&self, json: Option<&str>) -> Vec<(FieldName, String)> {
        self.decode_with(json, |key, value| (self.name(key), value.into_owned()))
    }

    /// [`FieldNames::decode`] for a pass over every card: the names and values borrowed (from
    /// this table and the row's text) where they can be, each field with its id.
    pub fn decode_borrowed<'a>(&'a self, json: Option<&'a str>) -> Vec<CardField<'a>> {
        self.decode_with(json, |key, value| match key {
            Key::Id(id) => CardField {
                id: u32::try_from(id).ok(),
                name: self
                    .by_id
                    .get(&id)
                    .map_or_else(|| Cow::Owned(id.to_string()), |n| Cow::Borrowed(&**n)),
                value,
            },
            Key::Name(name) => CardField {
                id: None,
                name,
                value,
            },
        })
    }

    fn decode_with<'a, P>(
        &self,
        json: Option<&'a str>,
        pair: impl FnMut(Key<'a>, Cow<'a, str>) -> P,
    ) -> Vec<P> {
        let Some(json) = json else {
            return Vec::new();
        };
        let mut de = serde_json::Deserializer::from_str(json);
        de.deserialize_any(PairsVisitor { pair })
            .unwrap_or_default()
    }

    fn name(&self, key: Key) -> FieldName {
        match key {
            Key::Id(id) => self
                .by_id
                .get(&id)
                .cloned()
                .unwrap_or_else(|| FieldName::from(id.to_string())),
            Key::Name(name) => FieldName::from(name.as_ref()),
        }
    }
}

impl Store {
    /// Every custom field's name by id.
    pub fn field_names(&self) -> Result<FieldNames, StoreError> {
        Self::field_names_on(&self.conn)
    }

    /// [`Store::field_names`] on a connection held elsewhere (an import's transaction).
    pub(super) fn field_names_on(conn: &rusqlite::Connection) -> Result<FieldNames, StoreError> {
        let mut stmt = conn.prepare_cached("SELECT id, name FROM field_names")?;
        let by_id = stmt
            .query_map([], |r| {
                Ok((r.get::<_, i64>(0)?, FieldName::from(r.get::<_, String>(1)?)))
            })?
            .collect::<Result<_, _>>()?;
        Ok(FieldNames { by_id })
    }

    /// The id of one field name, if any card was ever written with it.
    pub fn field_id(&self, name: &str) -> Result<Option<i64>, StoreError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM field_names WHERE name = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?)
    }
}

/// Ids for `names`, new names given one (inside the caller's transaction, so that a failed import
/// leaves no names behind).
pub(super) fn field_keys<'a>(
    conn: &rusqlite::Connection,
    names: impl IntoIterator<Item = &'a FieldName>,
) -> Result<FieldKeys, StoreError> {
    let mut insert = conn.prepare_cached("INSERT OR IGNORE INTO field_names (name) VALUES (?1)")?;
    let mut get = conn.prepare_cached("SELECT id FROM field_names WHERE name = ?1")?;
    let mut list: Vec<(FieldName, i64)> = Vec::new();
    for name in names {
        if list.iter().any(|(n, _)| n == name) {
            continue;
        }
        insert.execute([name.as_ref()])?;
        let id: i64 = get.query_row([name.as_ref()], |r| r.get(0))?;
        list.push((name.clone(), id));
    }
    Ok(FieldKeys { list })
}

enum Key<'de> {
    Id(i64),
    Name(Cow<'de, str>),
}

/// Reads the pairs without building a `serde_json::Value` per field: this runs for every card of
/// every rules run. `pair` makes each pair what the caller keeps: owned for a card's detail,
/// borrowed from the row's text for a pass over every card.
struct PairsVisitor<F> {
    pair: F,
}

impl<'de, P, F: FnMut(Key<'de>, Cow<'de, str>) -> P> Visitor<'de> for PairsVisitor<F> {
    type Value = Vec<P>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("custom fields: [[id, value], …] or {name: value}")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(8));
        while let Some((key, Text(value))) = seq.next_element::<(KeyRepr, Text)>()? {
            out.push((self.pair)(key.0, value));
        }
        Ok(out)
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(8));
        while let Some((Text(key), Text(value))) = map.next_entry::<Text, Text>()? {
            out.push((self.pair)(Key::Name(key), value));
        }
        Ok(out)
    }
}

struct KeyRepr<'de>(Key<'de>);

impl<'de> de::Deserialize<'de> for KeyRepr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyRepr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field id or name")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<KeyRepr<'de>, E> {
                Ok(KeyRepr(Key::Id(v as i64)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<KeyRepr<'de>, E> {
                Ok(KeyRepr(Key::Id(v)))
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<KeyRepr<'de>, E> {
                Ok(KeyRepr(Key::Name(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyRepr<'de>, E> {
                Ok(KeyRepr(Key::Name(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KeyRepr<'de>, E> {
                Ok(KeyRepr(Key::Name(Cow::Owned(v))))
            }
        }
        d.deserialize_any(V)
    }
}

/// A field's value as text: strings as they are (borrowed from the row where they need no
/// unescaping), anything else (a number, true) as its JSON.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(serde_json::Value::from(v).to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed("null")))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Text<'de>, A::Error> {
                let v: serde_json::Value =
                    de::Deserialize::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Text<'de>, A::Error> {
                let v: serde_json::Value =
                    de::Deserialize::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Text(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> (FieldKeys, FieldNames) {
        let pairs = [(1, "Дата встречи в офисе продаж"), (2, "Источник")];
        let keys = FieldKeys {
            list: pairs
                .iter()
                .map(|(i, n)| (FieldName::from(*n), *i))
                .collect(),
        };
        let names = FieldNames {
            by_id: pairs
                .iter()
                .map(|(i, n)| (*i, FieldName::from(*n)))
                .collect(),
        };
        (keys, names)
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(FieldName, String)> {
        p.iter()
            .map(|(k, v)| (FieldName::from(*k), v.to_string()))
            .collect()
    }

    #[test]
    fn fields_round_trip_by_id_in_their_order() {
        let (keys, names) = names();
        let fields = pairs(&[
            ("Источник", "Авито \"реклама\""),
            ("Дата встречи в офисе продаж", "12.11.2026"),
            ("Без id", "x\ny"),
        ]);
        let text = keys.encode(&fields);
        assert_eq!(
            text,
            r#"[[2,"Авито \"реклама\""],[1,"12.11.2026"],["Без id","x\ny"]]"#
        );
        assert_eq!(names.decode(Some(&text)), fields);
        assert_eq!(keys.encode(&[]), "[]");
        assert_eq!(names.decode(Some("[]")), []);
    }

    #[test]
    fn an_object_by_name_and_odd_values_read_too() {
        let (_, names) = names();
        assert_eq!(
            names.decode(Some(r#"{"Город":"Тула","n":5,"b":true,"z":null}"#)),
            pairs(&[("Город", "Тула"), ("n", "5"), ("b", "true"), ("z", "null")])
        );
        // An id no name is known for reads as the number; broken text as no fields.
        assert_eq!(names.decode(Some(r#"[[9,"v"]]"#)), pairs(&[("9", "v")]));
        assert_eq!(names.decode(Some("[[1,")), []);
        assert_eq!(names.decode(None), []);
    }
}
