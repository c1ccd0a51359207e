//! amoCRM's answers read straight into typed structs (no `serde_json::Value` tree per item), as
//! forgiving of odd shapes as reading the tree was: a value of another type reads empty. The
//! values' types are Bitrix24's too; the leads themselves are read into rows (`amo_rows`).

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// `/api/v4/leads/notes`: the notes and whether another page follows.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NotesPage {
    #[serde(rename = "_embedded")]
    embedded: Loose<NotesEmbedded>,
    #[serde(rename = "_links")]
    links: Loose<Links>,
}

impl NotesPage {
    pub fn notes(&self) -> impl ExactSizeIterator<Item = &Note> {
        self.embedded.0.notes.0.iter().map(|n| &n.0)
    }

    pub fn has_next(&self) -> bool {
        self.links.0.next.is_some()
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NotesEmbedded {
    notes: List<Loose<Note>>,
}

/// A note on a deal: its text is `params.text` (text notes, service messages, SMS, notes with
/// a place); calls and files have none.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Note {
    pub id: Int,
    pub entity_id: Int,
    pub created_at: Int,
    pub updated_at: Int,
    pub params: Loose<NoteParams>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NoteParams {
    pub text: Scalar,
}

/// A page's `_links`: whether `next` is there and not null.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Links {
    pub next: Option<IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Valued {
    /// `None`: no `value` key (a `null` one is an empty part).
    #[serde(deserialize_with = "present")]
    pub value: Option<Scalar>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Scalar>, D::Error> {
    Scalar::deserialize(d).map(Some)
}

/// A number the API may send as a number or a string (`None`: neither).
#[derive(Default, Clone, Copy)]
pub struct Int(pub Option<i64>);

/// A value as a cell: strings as they are, numbers and booleans written out, null empty, an
/// object or array as its JSON.
#[derive(Default, Clone)]
pub enum Scalar {
    #[default]
    Null,
    Text(String),
    Int(i64),
    Other(serde_json::Value),
}

impl Scalar {
    /// [`Scalar::cell`], the text moved out.
    pub fn into_cell(self) -> String {
        match self {
            Scalar::Text(s) => s,
            other => other.cell(),
        }
    }

    pub fn cell(&self) -> String {
        match self {
            Scalar::Null => String::new(),
            Scalar::Text(s) => s.clone(),
            Scalar::Int(i) => i.to_string(),
            Scalar::Other(v) => super::amocrm::scalar(v),
        }
    }

    /// [`Scalar::cell`], borrowed when it is a text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Scalar::Text(s) => std::borrow::Cow::Borrowed(s),
            other => std::borrow::Cow::Owned(other.cell()),
        }
    }

    /// [`Scalar::cell`], written at the end of `out`.
    pub fn push_to(&self, out: &mut String) {
        match self {
            Scalar::Null => {}
            Scalar::Text(s) => out.push_str(s),
            Scalar::Int(i) => out.push_str(itoa::Buffer::new().format(*i)),
            Scalar::Other(v) => out.push_str(&super::amocrm::scalar(v)),
        }
    }

    /// The number, when the value is an integer number (not a string).
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Scalar::Int(i) => Some(*i),
            Scalar::Other(v) => v.as_i64(),
            _ => None,
        }
    }
}

/// An object read as `T`; any other value reads as `T::default()`.
#[derive(Default)]
pub struct Loose<T>(pub T);

/// An array of `T`; any other value reads empty.
#[derive(Default)]
pub struct List<T>(pub Vec<T>);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Int, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Int;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Int, E> {
                Ok(Int(Some(v)))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Int, E> {
                Ok(Int(Some(i64::try_from(v).unwrap_or(v as f64 as i64))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Int, E> {
                Ok(Int(Some(v as i64)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Int, E> {
                Ok(Int(v.trim().parse().ok()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Int, E> {
                Ok(Int(None))
            }
            fn visit_unit<E>(self) -> Result<Int, E> {
                Ok(Int(None))
            }
            fn visit_none<E>(self) -> Result<Int, E> {
                Ok(Int(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Int, A::Error> {
                skip_seq(seq).map(|_| Int(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Int, A::Error> {
                skip_map(map).map(|_| Int(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a value")
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(match i64::try_from(v) {
                    Ok(i) => Scalar::Int(i),
                    Err(_) => Scalar::Other(v.into()),
                })
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar::Other(v.into()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Other(v.into()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(v))
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Null)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(Scalar::Other(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Scalar::Other(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Loose<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Loose<T>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = Loose<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Loose<T>, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Loose)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Loose<T>, A::Error> {
                skip_seq(seq).map(|_| Loose(T::default()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Loose<T>, E> {
                Ok(Loose(T::default()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Loose<T>, E> {
                Ok(Loose(T::default()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<Loose<T>, E> {
                Ok(Loose(T::default()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<Loose<T>, E> {
                Ok(Loose(T::default()))
            }
            fn visit_str<E>(self, _: &str) -> Result<Loose<T>, E> {
                Ok(Loose(T::default()))
            }
            fn visit_unit<E>(self) -> Result<Loose<T>, E> {
                Ok(Loose(T::default()))
            }
            fn visit_none<E>(self) -> Result<Loose<T>, E> {
                Ok(Loose(T::default()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<List<T>, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(256));
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
                skip_map(map).map(|_| List(Vec::new()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_i64<E>(self, _: i64) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_u64<E>(self, _: u64) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_f64<E>(self, _: f64) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_str<E>(self, _: &str) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_unit<E>(self) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
            fn visit_none<E>(self) -> Result<List<T>, E> {
                Ok(List(Vec::new()))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values of another type than expected read empty; numbers come as numbers or strings.
    #[test]
    fn a_page_of_odd_shapes_reads_as_the_value_tree_did() {
        let page: NotesPage = serde_json::from_str(
            r#"{"_links": {"next": {"href": "x"}}, "_embedded": {"notes": [
                {"id": "7", "entity_id": 1.5e3, "updated_at": 12, "params": {"text": "Звонок"}},
                {"id": 8, "params": {"text": 12}}, {"id": 9, "params": []}, 3,
                {"id": 10, "params": {"text": {"x": 1}}}
            ]}}"#,
        )
        .unwrap();
        assert!(page.has_next());
        let notes: Vec<&Note> = page.notes().collect();
        let ids: Vec<Option<i64>> = notes.iter().map(|n| n.id.0).collect();
        assert_eq!(ids, [Some(7), Some(8), Some(9), None, Some(10)]);
        assert_eq!(
            (notes[0].entity_id.0, notes[0].updated_at.0),
            (Some(1500), Some(12))
        );
        let texts: Vec<String> = notes.iter().map(|n| n.params.0.text.cell()).collect();
        assert_eq!(texts, ["Звонок", "12", "", "", r#"{"x":1}"#]);
        let end: NotesPage = serde_json::from_str(r#"{"_links": {"next": null}}"#).unwrap();
        assert!(!end.has_next() && end.notes().len() == 0);
    }
}
