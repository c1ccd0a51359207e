//! Reads the funnel TOML into the raw structs. Unknown keys are all found first, each a problem
//! at its key; the TOML reader then stops at its first other error (a syntax error, a wrong
//! type), which is reworded here and given its line and key.

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::error::Report;
use super::raw::{FUNNEL_KEYS, Keys, RawFunnel};
use super::span::{key_at, key_before};
use crate::text::funnel as text;

pub(super) fn raw(src: &str, report: &mut Report) -> Option<RawFunnel> {
    let mut doc = match DeTable::parse(src) {
        Ok(doc) => doc,
        Err(error) => {
            add(src, &error, report);
            return None;
        }
    };
    unknown_keys(doc.get_mut(), &FUNNEL_KEYS, src, report);
    match RawFunnel::deserialize(toml::de::Deserializer::from(doc)) {
        Ok(raw) => Some(raw),
        Err(error) => {
            add(src, &error, report);
            None
        }
    }
}

fn add(src: &str, error: &toml::de::Error, report: &mut Report) {
    let span = error.span().unwrap_or(0..0);
    let key = match error.message() {
        "duplicate key" => {
            let written = src.get(span.clone()).unwrap_or_default();
            key_before(src, span.start, written.trim().trim_matches(['"', '\'']))
        }
        _ => key_at(src, span.start),
    };
    report.add(span, key, reword(error.message()));
}

/// Reports every key `keys` does not list, in this table and the arrays of tables below it,
/// and takes it out so that serde reads the rest.
fn unknown_keys(table: &mut DeTable<'_>, keys: &Keys, src: &str, report: &mut Report) {
    let unknown: Vec<_> = table
        .keys()
        .filter(|k| !keys.names.contains(&k.get_ref().as_ref()))
        .cloned()
        .collect();
    for k in unknown {
        let known: Vec<String> = keys.names.iter().map(|n| n.to_string()).collect();
        report.add(
            k.span(),
            key_at(src, k.span().start),
            text::unknown_key(k.get_ref(), &known),
        );
        table.remove(k.get_ref().as_ref());
    }
    for (name, inner) in keys.tables {
        // Anything but an array of tables is serde's to refuse, with its own message.
        if let Some(DeValue::Array(items)) = table.get_mut(*name).map(|v| v.get_mut()) {
            for item in items.iter_mut() {
                if let DeValue::Table(t) = item.get_mut() {
                    unknown_keys(t, inner, src, report);
                }
            }
        }
    }
}

/// Serde's and the TOML parser's messages, in the shape "what is wrong; how to fix it".
fn reword(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let mut names = backticked(rest).into_iter();
        let key = names.next().unwrap_or_default();
        return text::unknown_key(&key, &names.collect::<Vec<_>>());
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return text::wrong_type(found, expected);
    }
    if message == "duplicate key" {
        return text::duplicate_key();
    }
    text::syntax(message)
}

/// The `quoted` words of a serde message, in order.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_message_lists_the_known_keys() {
        let m = reword("unknown field `wieght`, expected one of `id`, `text`, `weight`");
        assert_eq!(
            m,
            text::unknown_key("wieght", &["id".into(), "text".into(), "weight".into()])
        );
    }

    #[test]
    fn type_errors_say_what_to_write() {
        let m = reword("invalid type: string \"3\", expected i64");
        assert!(m.contains("a whole number"), "{m}");
    }
}
