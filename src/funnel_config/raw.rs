//! The funnel TOML exactly as written, every value with its span.
//! Nearly everything is optional and enums are plain strings so that `check`, not serde, says what
//! is missing or misspelled — all problems at once instead of the first one.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

use crate::text::funnel_config as words;

/// The keys a table of the funnel takes, and which of them hold arrays of tables with keys of
/// their own: unknown keys are found from this before serde reads the rest, so that every one
/// of them is a problem in the list (serde stops at the first). Kept equal to the structs below
/// by a test.
pub struct Keys {
    pub names: &'static [&'static str],
    pub tables: &'static [(&'static str, &'static Keys)],
}

pub const FUNNEL_KEYS: Keys = Keys {
    names: &[
        "name",
        "checklist_default",
        "custom_fields",
        "stages",
        "markers",
        "rules",
        "suggest",
    ],
    tables: &[
        ("custom_fields", &CUSTOM_FIELD_KEYS),
        ("stages", &STAGE_KEYS),
    ],
};

const CUSTOM_FIELD_KEYS: Keys = Keys {
    names: &["name", "type", "aliases"],
    tables: &[],
};

const STAGE_KEYS: Keys = Keys {
    names: &[
        "name",
        "aliases",
        "kind",
        "extra_control",
        "max_idle_days",
        "skippable",
        "pipelines",
        "required",
        "fields",
        "checklist",
        "rules",
    ],
    tables: &[("checklist", &ITEM_KEYS), ("rules", &RULE_KEYS)],
};

const ITEM_KEYS: Keys = Keys {
    names: &[
        "id", "text", "weight", "critical", "field", "checks", "scale", "flags",
    ],
    tables: &[],
};

const RULE_KEYS: Keys = Keys {
    names: &["kind", "severity", "field", "must_be", "other", "markers"],
    tables: &[],
};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunnel {
    pub name: Option<Spanned<String>>,
    pub checklist_default: Option<Spanned<String>>,
    #[serde(default)]
    pub custom_fields: Vec<Spanned<RawCustomField>>,
    pub stages: Option<Spanned<Vec<Spanned<RawStage>>>>,
    /// `[markers]`: list name → phrases.
    #[serde(default)]
    pub markers: BTreeMap<Spanned<String>, Spanned<RawMarkerList>>,
    /// `[rules]`: rule code → severity or "off".
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<String>>,
    /// `[suggest]`: threshold name → number (checked in `suggest.rs`).
    #[serde(default)]
    pub suggest: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

/// A `[markers]` entry. Read by hand rather than as `Vec<String>` so that a wrong shape is one
/// more problem in the list, at the item that is wrong, instead of the reader's first error.
#[derive(Debug)]
pub enum RawMarkerList {
    Items(Vec<Spanned<toml::Value>>),
    /// Not an array: what was found instead ("text", "a number", …), for the message.
    NotAList(&'static str),
}

impl<'de> Deserialize<'de> for RawMarkerList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MarkerListVisitor)
    }
}

struct MarkerListVisitor;

impl<'de> Visitor<'de> for MarkerListVisitor {
    type Value = RawMarkerList;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(words::EXPECTING_PHRASES)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawMarkerList, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<toml::Value>>()? {
            items.push(item);
        }
        Ok(RawMarkerList::Items(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawMarkerList, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(RawMarkerList::NotAList(words::WORD_TABLE_OR_DATE))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<RawMarkerList, E> {
        Ok(RawMarkerList::NotAList(words::WORD_TEXT))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawMarkerList, E> {
        Ok(RawMarkerList::NotAList(words::WORD_NUMBER))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawMarkerList, E> {
        Ok(RawMarkerList::NotAList(words::WORD_NUMBER))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawMarkerList, E> {
        Ok(RawMarkerList::NotAList(words::WORD_NUMBER))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawMarkerList, E> {
        Ok(RawMarkerList::NotAList(words::WORD_BOOL))
    }
}

/// One `[[stages.rules]]` entry; which keys a kind takes is checked in `rules.rs`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRule {
    pub kind: Option<Spanned<String>>,
    pub severity: Option<Spanned<String>>,
    pub field: Option<Spanned<String>>,
    pub must_be: Option<Spanned<String>>,
    pub other: Option<Spanned<String>>,
    pub markers: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomField {
    pub name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub extra_control: bool,
    /// Signed so that `-1` gets our range message rather than serde's type error.
    pub max_idle_days: Option<Spanned<i64>>,
    pub skippable: Option<bool>,
    #[serde(default)]
    pub pipelines: Vec<Spanned<String>>,
    #[serde(default)]
    pub required: Vec<Spanned<RawRequired>>,
    #[serde(default)]
    pub fields: Vec<Spanned<String>>,
    #[serde(default)]
    pub checklist: Vec<Spanned<RawChecklistItem>>,
    #[serde(default)]
    pub rules: Vec<Spanned<RawRule>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChecklistItem {
    pub id: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    pub weight: Option<Spanned<i64>>,
    #[serde(default)]
    pub critical: bool,
    pub field: Option<Spanned<String>>,
    pub checks: Option<Spanned<String>>,
    pub scale: Option<Spanned<i64>>,
    #[serde(default)]
    pub flags: Vec<Spanned<String>>,
}

/// A `required` entry: a field's name, or `{ field = "…", severity = "critical" }`. Read by
/// hand (like [`RawMarkerList`]) so that a wrong shape or key is one more problem in the list.
#[derive(Debug)]
pub enum RawRequired {
    Field(String),
    Table {
        field: Option<Spanned<String>>,
        severity: Option<Spanned<String>>,
        /// Keys other than `field` and `severity`.
        unknown: Vec<String>,
    },
    /// Neither text nor a table: what was found instead, for the message.
    Wrong(&'static str),
}

impl<'de> Deserialize<'de> for RawRequired {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(RequiredVisitor)
    }
}

struct RequiredVisitor;

impl<'de> Visitor<'de> for RequiredVisitor {
    type Value = RawRequired;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(words::EXPECTING_REQUIRED)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<RawRequired, E> {
        Ok(RawRequired::Field(v.to_string()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawRequired, A::Error> {
        let (mut field, mut severity, mut unknown) = (None, None, Vec::new());
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "field" => field = Some(map.next_value::<Spanned<String>>()?),
                "severity" => severity = Some(map.next_value::<Spanned<String>>()?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    unknown.push(key);
                }
            }
        }
        Ok(RawRequired::Table {
            field,
            severity,
            unknown,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawRequired, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(RawRequired::Wrong(words::WORD_LIST))
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<RawRequired, E> {
        Ok(RawRequired::Wrong(words::WORD_NUMBER))
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<RawRequired, E> {
        Ok(RawRequired::Wrong(words::WORD_NUMBER))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawRequired, E> {
        Ok(RawRequired::Wrong(words::WORD_NUMBER))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<RawRequired, E> {
        Ok(RawRequired::Wrong(words::WORD_BOOL))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys serde's derive accepts for `T`, read from its unknown-field message.
    fn serde_keys<T: serde::de::DeserializeOwned + fmt::Debug>() -> Vec<String> {
        let e = toml::from_str::<T>("not_a_key_of_any_table = 0").unwrap_err();
        e.message()
            .split('`')
            .skip(3)
            .step_by(2)
            .map(str::to_string)
            .collect()
    }

    fn names(k: &Keys) -> Vec<String> {
        k.names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_key_lists_match_the_structs() {
        assert_eq!(names(&FUNNEL_KEYS), serde_keys::<RawFunnel>());
        assert_eq!(names(&CUSTOM_FIELD_KEYS), serde_keys::<RawCustomField>());
        assert_eq!(names(&STAGE_KEYS), serde_keys::<RawStage>());
        assert_eq!(names(&ITEM_KEYS), serde_keys::<RawChecklistItem>());
        assert_eq!(names(&RULE_KEYS), serde_keys::<RawRule>());
    }
}
