//! The card as judged (`domain::as_judged`) as a review's row keeps it, on either backend: the
//! custom fields keyed as a card's row keys them (`store::fields`: the field's id, or its name
//! where it has none), so that a review repeats no field name.

use serde::{Deserialize, Serialize};

use super::fields::{FieldKeys, FieldNames};
use crate::domain::SystemField;
use crate::domain::as_judged::{AsJudged, Kept};

#[derive(Serialize, Deserialize)]
struct Stored {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    card: Vec<(SystemField, Kept)>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    fields: Vec<(Key, Kept)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rest: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Key {
    Id(i64),
    Name(String),
}

/// `j` as the row keeps it, its fields by the ids `keys` knows.
pub(crate) fn encode(j: &AsJudged, keys: &FieldKeys) -> String {
    let stored = Stored {
        card: j.card.clone(),
        fields: (j.fields.iter())
            .map(|(name, kept)| {
                let key = keys
                    .id_of(name)
                    .map_or_else(|| Key::Name(name.clone()), Key::Id);
                (key, kept.clone())
            })
            .collect(),
        rest: j.rest.clone(),
    };
    serde_json::to_string(&stored).expect("a snapshot serialises")
}

/// The row's text read back, its fields named by `names`; text that is not a snapshot reads as
/// none (a review then says only that its card changed) rather than failing the read.
pub(crate) fn decode(text: &str, names: &FieldNames) -> Option<AsJudged> {
    let stored: Stored = serde_json::from_str(text).ok()?;
    Some(AsJudged {
        card: stored.card,
        fields: (stored.fields.into_iter())
            .map(|(key, kept)| {
                let name = match key {
                    Key::Id(id) => names.name_of(id).to_string(),
                    Key::Name(name) => name,
                };
                (name, kept)
            })
            .collect(),
        rest: stored.rest,
    })
}

/// The field ids a row's text names (to tell whether the names at hand know them all).
pub(crate) fn ids(text: &str) -> Vec<i64> {
    serde_json::from_str::<Stored>(text)
        .map(|s| {
            (s.fields.into_iter())
                .filter_map(|(k, _)| match k {
                    Key::Id(id) => Some(id),
                    Key::Name(_) => None,
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Card, FieldName};

    #[test]
    fn fields_are_kept_by_id_where_they_have_one_and_read_back_by_name() {
        let names = FieldNames::from_pairs([(3, "Город".to_string()), (7, "Источник".into())]);
        let card = Card {
            stage: "Квалификация".into(),
            title: Some("Сделка #1".into()),
            fields: vec![
                (FieldName::from("Источник"), "ЦИАН".into()),
                (FieldName::from("Без id"), "x".into()),
            ],
            ..Card::default()
        };
        let j = AsJudged::of(&card);
        let text = encode(&j, &names.keys());
        assert_eq!(
            text,
            r#"{"card":[["title","Сделка #1"],["stage","Квалификация"]],"fields":[[7,"ЦИАН"],["Без id","x"]]}"#
        );
        assert_eq!(decode(&text, &names), Some(j.clone()));
        assert_eq!(ids(&text), [7]);
        // Read back elsewhere, by the names of the store it is read in; the same text out.
        assert_eq!(decode(&text, &names).unwrap().to_text(), j.to_text());
        assert_eq!(decode("not json", &names), None);
    }
}
