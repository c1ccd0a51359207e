//! Bitrix24's answers read straight into typed structs: a `batch` of pages, a page (a list, or
//! `{"items": […]}` for `crm.stagehistory.list`) and a deal with its `UF_*` fields. No
//! `serde_json::Value` tree per deal: a batch of 2,500 deals made one of tens of megabytes.
//! As forgiving as reading the tree was: a value of another type reads empty.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{
    DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde_json::Value;

use super::amo_page::{Int, List, Loose, Scalar};

/// An item of a list read by `>ID`.
pub trait Item: DeserializeOwned + Default {
    fn id(&self) -> Option<i64>;
}

impl Item for Value {
    fn id(&self) -> Option<i64> {
        super::amocrm::int(self.get("ID"))
    }
}

/// `batch`'s answer: each command's result by its key.
#[derive(Deserialize, Default)]
#[serde(default, bound = "T: Deserialize<'de> + Default")]
pub struct Batch<T> {
    result: Loose<BatchResult<T>>,
}

#[derive(Deserialize, Default)]
#[serde(default, bound = "T: Deserialize<'de> + Default")]
struct BatchResult<T> {
    /// `[]` when empty (PHP's empty array).
    result: Loose<HashMap<String, T>>,
    result_error: Loose<HashMap<String, Loose<BatchError>>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BatchError {
    pub error: Scalar,
    pub error_description: Scalar,
}

impl<T> Batch<T> {
    pub fn take(&mut self, key: &str) -> Option<T> {
        self.result.0.result.0.remove(key)
    }

    pub fn get(&self, key: &str) -> Option<&T> {
        self.result.0.result.0.get(key)
    }

    /// The command's error, as «CODE description».
    pub fn error(&self, key: &str) -> Option<String> {
        let e = &self.result.0.result_error.0.get(key)?.0;
        let text = format!("{} {}", e.error.cell(), e.error_description.cell());
        Some(text.trim().to_string())
    }
}

/// A list method's answer alone: `{"result": page}`.
#[derive(Deserialize, Default)]
#[serde(default, bound = "T: Deserialize<'de> + Default")]
pub struct Single<T> {
    pub result: T,
}

/// A page of items: a list, or an object holding it under `items`; anything else reads empty.
pub struct PageOf<T>(pub Vec<T>);

impl<T> Default for PageOf<T> {
    fn default() -> Self {
        PageOf(Vec::new())
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for PageOf<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PageOf<T>, D::Error> {
        #[derive(Deserialize, Default)]
        #[serde(default, bound = "T: Deserialize<'de> + Default")]
        struct Nested<T> {
            items: List<Loose<T>>,
        }
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = PageOf<T>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<PageOf<T>, A::Error> {
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
                while let Some(Loose(item)) = seq.next_element::<Loose<T>>()? {
                    out.push(item);
                }
                Ok(PageOf(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<PageOf<T>, A::Error> {
                let n: Nested<T> =
                    Nested::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(PageOf(n.items.0.into_iter().map(|l| l.0).collect()))
            }
            fn visit_bool<E>(self, _: bool) -> Result<PageOf<T>, E> {
                Ok(PageOf::default())
            }
            fn visit_i64<E>(self, _: i64) -> Result<PageOf<T>, E> {
                Ok(PageOf::default())
            }
            fn visit_u64<E>(self, _: u64) -> Result<PageOf<T>, E> {
                Ok(PageOf::default())
            }
            fn visit_f64<E>(self, _: f64) -> Result<PageOf<T>, E> {
                Ok(PageOf::default())
            }
            fn visit_str<E>(self, _: &str) -> Result<PageOf<T>, E> {
                Ok(PageOf::default())
            }
            fn visit_unit<E>(self) -> Result<PageOf<T>, E> {
                Ok(PageOf::default())
            }
            fn visit_none<E>(self) -> Result<PageOf<T>, E> {
                Ok(PageOf::default())
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A timeline comment (`crm.timeline.comment.list`).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Comment {
    #[serde(rename = "ID")]
    pub id: Scalar,
    #[serde(rename = "CREATED")]
    pub created: Scalar,
    #[serde(rename = "COMMENT")]
    pub comment: Scalar,
}

/// An activity of `crm.activity.list`, the fields the sync reads (a deal's nearest task).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Activity {
    #[serde(rename = "ID")]
    pub id: Int,
    #[serde(rename = "OWNER_ID")]
    pub owner_id: Int,
    #[serde(rename = "DEADLINE")]
    pub deadline: Scalar,
}

impl Item for Activity {
    fn id(&self) -> Option<i64> {
        self.id.0
    }
}

/// A deal of `crm.deal.list` (`select: ["*", "UF_*"]`): the fields the sync reads, and every
/// `UF_*` field as its cell (a multiple field's values joined by ", ").
#[derive(Default)]
pub struct Deal {
    pub id: Int,
    pub title: Scalar,
    pub stage_id: Scalar,
    pub category_id: Int,
    pub assigned_by_id: Int,
    pub opportunity: Scalar,
    pub currency_id: Scalar,
    pub date_create: Scalar,
    pub date_modify: Scalar,
    pub closedate: Scalar,
    pub closed: Scalar,
    pub comments: Scalar,
    /// The `UF_*` fields' codes and values one after the other in one text (thirty fields were
    /// sixty strings a deal): read by [`Deal::custom`].
    custom_text: String,
    /// Where each code and value ends in `custom_text`, each beginning where the one before
    /// ended.
    custom_ends: Vec<(u32, u32)>,
}

impl Deal {
    /// The `UF_*` fields as (code, value), a multiple field's values joined by ", ".
    pub fn custom(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        self.custom_ends.iter().map(move |&(code, value)| {
            let (code, value) = (code as usize, value as usize);
            let pair = (
                &self.custom_text[start..code],
                &self.custom_text[code..value],
            );
            start = value;
            pair
        })
    }
}

impl Item for Deal {
    fn id(&self) -> Option<i64> {
        self.id.0
    }
}

impl<'de> Deserialize<'de> for Deal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Deal, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Deal;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a deal")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Deal, A::Error> {
                let mut d = Deal::default();
                while let Some(key) = map.next_key_seed(KeySeed(&mut d.custom_text))? {
                    match key {
                        Key::Id => d.id = map.next_value()?,
                        Key::Title => d.title = map.next_value()?,
                        Key::StageId => d.stage_id = map.next_value()?,
                        Key::CategoryId => d.category_id = map.next_value()?,
                        Key::AssignedById => d.assigned_by_id = map.next_value()?,
                        Key::Opportunity => d.opportunity = map.next_value()?,
                        Key::CurrencyId => d.currency_id = map.next_value()?,
                        Key::DateCreate => d.date_create = map.next_value()?,
                        Key::DateModify => d.date_modify = map.next_value()?,
                        Key::CloseDate => d.closedate = map.next_value()?,
                        Key::Closed => d.closed = map.next_value()?,
                        Key::Comments => d.comments = map.next_value()?,
                        Key::Custom => {
                            let code = d.custom_text.len();
                            map.next_value_seed(Joined(&mut d.custom_text))?;
                            // A deal of 4 GB is refused by the client long before.
                            d.custom_ends
                                .push((code as u32, d.custom_text.len() as u32));
                        }
                        Key::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(d)
            }
        }
        d.deserialize_map(V)
    }
}

/// A deal's key: a `UF_*` one is written at the end of the deal's custom text.
enum Key {
    Id,
    Title,
    StageId,
    CategoryId,
    AssignedById,
    Opportunity,
    CurrencyId,
    DateCreate,
    DateModify,
    CloseDate,
    Closed,
    Comments,
    Custom,
    Other,
}

/// Reads a deal's key, a `UF_*` code written into the text it holds.
struct KeySeed<'t>(&'t mut String);

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = Key;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E>(self, k: &str) -> Result<Key, E> {
        Ok(match k {
            "ID" => Key::Id,
            "TITLE" => Key::Title,
            "STAGE_ID" => Key::StageId,
            "CATEGORY_ID" => Key::CategoryId,
            "ASSIGNED_BY_ID" => Key::AssignedById,
            "OPPORTUNITY" => Key::Opportunity,
            "CURRENCY_ID" => Key::CurrencyId,
            "DATE_CREATE" => Key::DateCreate,
            "DATE_MODIFY" => Key::DateModify,
            "CLOSEDATE" => Key::CloseDate,
            "CLOSED" => Key::Closed,
            "COMMENTS" => Key::Comments,
            k if k.starts_with("UF_") => {
                self.0.push_str(k);
                Key::Custom
            }
            _ => Key::Other,
        })
    }
}

/// A custom field's value written as a cell at the end of a text: a multiple field's values
/// joined by ", ", each as [`Scalar::push_to`] writes it.
struct Joined<'t>(&'t mut String);

impl<'de> DeserializeSeed<'de> for Joined<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Joined<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut first = true;
        while let Some(part) = seq.next_element::<Scalar>()? {
            if !first {
                self.0.push_str(", ");
            }
            first = false;
            part.push_to(self.0);
        }
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Scalar::Other(v).push_to(self.0);
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        self.0.push_str(v);
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        Scalar::Int(v).push_to(self.0);
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        Scalar::Other(v.into()).push_to(self.0);
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        Scalar::Other(v.into()).push_to(self.0);
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        Scalar::Other(v.into()).push_to(self.0);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_of_deal_pages_reads_typed_and_forgiving() {
        let text = r#"{"result":{"result":{
            "p0":[{"ID":"37","TITLE":"Дом","STAGE_ID":"C1:NEW","CATEGORY_ID":"1",
                   "OPPORTUNITY":"19999.99","ASSIGNED_BY_ID":1,"DATE_MODIFY":"2024-09-02T18:37:18+02:00",
                   "COMMENTS":null,"UF_CRM_MULTI":["a",2,null],"UF_CRM_ONE":"x","UF_CRM_OBJ":{"k":1},
                   "UF_CRM_NESTED":[1,[2,3],{"k":"v"},true,1.5],"UF_CRM_ESC":"a\"b",
                   "EXTRA":{"deep":[1,2]}}, 5],
            "p1":{"items":[{"ID":38}]}},
            "result_error":{"p2":{"error":"","error_description":"Not found"}}},"time":{}}"#;
        let mut b: Batch<PageOf<Deal>> = serde_json::from_str(text).unwrap();
        let p0 = b.take("p0").unwrap().0;
        assert_eq!(p0.len(), 2);
        let d = &p0[0];
        assert_eq!(d.id(), Some(37));
        assert_eq!(d.title.cell(), "Дом");
        assert_eq!(d.category_id.0, Some(1));
        assert_eq!(d.assigned_by_id.0, Some(1));
        assert_eq!(d.comments.cell(), "");
        let custom: Vec<(&str, &str)> = d.custom().collect();
        assert_eq!(
            custom,
            [
                ("UF_CRM_MULTI", "a, 2, "),
                ("UF_CRM_ONE", "x"),
                ("UF_CRM_OBJ", r#"{"k":1}"#),
                ("UF_CRM_NESTED", r#"1, [2,3], {"k":"v"}, true, 1.5"#),
                ("UF_CRM_ESC", "a\"b"),
            ]
        );
        // A number where a deal should be reads as an empty deal (no id: the page stops there).
        assert_eq!(p0[1].id(), None);
        assert_eq!(b.take("p1").unwrap().0[0].id(), Some(38));
        assert_eq!(b.error("p2").as_deref(), Some("Not found"));
        // PHP's empty array for an empty map.
        let empty: Batch<PageOf<Deal>> =
            serde_json::from_str(r#"{"result":{"result":[],"result_error":[]}}"#).unwrap();
        assert!(empty.get("p0").is_none());
    }
}
