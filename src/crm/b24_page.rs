//! Bitrix24's answers read straight into typed structs: a `batch` of pages, a page (a list, or
//! `{"items": […]}` for `crm.stagehistory.list`) and a deal with its `UF_*` fields. No
//! `serde_json::Value` tree per deal: a batch of 2,500 deals made one of tens of megabytes.
//! As forgiving as reading the tree was: a value of another type reads empty.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
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
    pub custom: Vec<(String, String)>,
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
                while let Some(key) = map.next_key::<Key>()? {
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
                        Key::Custom(name) => {
                            let Cell(v) = map.next_value()?;
                            d.custom.push((name, v));
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

/// A deal's key: only a `UF_*` one is kept as text.
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
    Custom(String),
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Key, D::Error> {
        struct V;
        impl Visitor<'_> for V {
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
                    k if k.starts_with("UF_") => Key::Custom(k.to_string()),
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// A custom field's value as a cell: a list's values joined by ", ".
struct Cell(String);

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        match Value::deserialize(d)? {
            Value::Array(items) => Ok(Cell(
                items
                    .iter()
                    .map(super::amocrm::scalar)
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
            Value::String(s) => Ok(Cell(s)),
            other => Ok(Cell(super::amocrm::scalar(&other))),
        }
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
        assert_eq!(
            d.custom,
            [
                ("UF_CRM_MULTI".to_string(), "a, 2, ".to_string()),
                ("UF_CRM_ONE".to_string(), "x".to_string()),
                ("UF_CRM_OBJ".to_string(), r#"{"k":1}"#.to_string()),
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
