//! Reads the funnel TOML into the raw structs. Unknown keys and values of the wrong type are
//! all reported, each at its key; only a syntax error stops the reading. Serde's and the TOML
//! reader's messages are given their line and key here, and reworded by
//! `text::funnel_config::toml_error` (config.toml's errors are, too).

use serde::Deserialize;
use toml::de::{DeTable, DeValue};

use super::error::Report;
use super::raw::{FUNNEL_KEYS, Keys, RawFunnel};
use super::span::{key_at, key_before};
use crate::text::funnel_config as text;

pub(super) fn raw(src: &str, report: &mut Report) -> Option<RawFunnel> {
    let mut doc = match DeTable::parse(src) {
        Ok(doc) => doc,
        Err(error) => {
            add(src, &error, report);
            return None;
        }
    };
    unknown_keys(doc.get_mut(), &FUNNEL_KEYS, src, report);
    // Serde stops at the first value of the wrong type: each is reported, taken out, and the
    // rest read again, so that every one is in the list. The checks need the whole funnel, so
    // they wait for the types to be right.
    let mut wrong_types = false;
    // Each round takes a key out: a file has only so many (the bound is for a pathological one).
    for _ in 0..MAX_TYPE_ERRORS {
        match RawFunnel::deserialize(toml::de::Deserializer::from(doc.clone())) {
            Ok(raw) if !wrong_types => return Some(raw),
            Ok(_) => return None,
            Err(error) => {
                add(src, &error, report);
                wrong_types = true;
                let removed = error
                    .span()
                    .is_some_and(|span| remove_at(doc.get_mut(), span.start));
                if !removed {
                    return None;
                }
            }
        }
    }
    None
}

/// Wrong types reported at most; past them the file is too far off to list them all.
const MAX_TYPE_ERRORS: usize = 50;

/// Takes out the innermost key whose key or value holds `offset`, in `table` or the tables
/// below it; false if there is none. Tables are searched whatever their own spans: an array of
/// tables spans only its `[[…]]` header.
fn remove_at(table: &mut DeTable<'_>, offset: usize) -> bool {
    let holds = |span: std::ops::Range<usize>| {
        span.start <= offset && offset < span.end.max(span.start + 1)
    };
    for (_, value) in table.iter_mut() {
        let found = match value.get_mut() {
            DeValue::Table(t) => remove_at(t, offset),
            DeValue::Array(items) => items.iter_mut().any(|item| match item.get_mut() {
                DeValue::Table(t) => remove_at(t, offset),
                _ => false,
            }),
            _ => false,
        };
        if found {
            return true;
        }
    }
    let Some(key) = table
        .iter()
        .find(|(k, v)| holds(k.span()) || holds(v.span()))
        .map(|(k, _)| k.clone())
    else {
        return false;
    };
    table.remove(key.get_ref().as_ref());
    true
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
    report.add(
        span.clone(),
        key,
        text::toml_error_at(src, span.start, error.message()),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_message_lists_the_known_keys() {
        let m = text::toml_error("unknown field `wieght`, expected one of `id`, `text`, `weight`");
        assert_eq!(
            m,
            text::unknown_key("wieght", &["id".into(), "text".into(), "weight".into()])
        );
    }

    #[test]
    fn type_errors_say_what_to_write() {
        let m = text::toml_error("invalid type: string \"3\", expected i64");
        assert!(m.contains("a whole number"), "{m}");
    }

    /// tester33 F9: a number too big is not of the wrong type, serde's English stays out, a
    /// figure past 2^53 is written as it was, and a control character written raw in a text is
    /// said as such, not as a text left unclosed.
    #[test]
    fn a_number_too_big_or_a_raw_control_character_is_said_as_what_it_is() {
        use crate::text::lang::{Lang, with};
        with(Lang::En, || {
            for message in [
                "invalid type: integer `99999999999999999999` as i128, expected i64",
                "invalid value: integer `18446744073709551615`, expected i64",
            ] {
                let m = text::toml_error(message);
                assert!(m.contains("is too big for any key here"), "{m}");
                assert!(!m.contains("i64") && !m.contains("wrong type"), "{m}");
            }
            let m = text::idle_days_out_of_range(i64::MAX);
            assert!(m.contains("9223372036854775807"), "{m}");
            let src = "auditor = \"a\u{1b}]0;x\u{7}\"\n";
            let m = text::toml_error_at(src, 12, "invalid basic string");
            assert!(m.contains("control character"), "{m}");
            let m = text::toml_error_at("auditor = \"a\n", 10, "invalid basic string");
            assert!(m.contains("not closed"), "{m}");
            // tester41 F9: two `[crm]` tables.
            let src = "[crm]\nname = \"a\"\n[crm]\nname = \"b\"\n";
            let m = text::toml_error_at(src, 17, "duplicate key");
            assert!(m.contains("[[crm]]"), "{m}");
            let m = text::toml_error_at("a = 1\na = 2\n", 6, "duplicate key");
            assert!(m.contains("set twice"), "{m}");
        });
    }
}
