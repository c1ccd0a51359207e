//! Finds English left in a Russian output: the words of the English catalogue that the Russian
//! catalogue does not use itself (so `okk`, `--db`, `CSV`, key names and rule codes pass), looked
//! up in a text okk printed in Russian.
//!
//! `#[path = "support/english.rs"] mod english;` (or `../support/english.rs` from `common/`).
#![allow(dead_code)]

use std::collections::BTreeSet;

use okk::text::i18n::catalogues;

/// Latin words of three letters or more in `text`, lower-cased; placeables (`{ $x }`) and Fluent
/// syntax are skipped when `catalogue` is set.
fn latin_words(text: &str, catalogue: bool) -> BTreeSet<String> {
    let mut words = BTreeSet::new();
    for line in text.lines() {
        let line = line.trim_start();
        if catalogue && line.starts_with('#') {
            continue;
        }
        // The message id before ` = ` and every `{ … }` are code, not words.
        let mut body = if catalogue {
            line.split_once(" = ").map_or(line, |(_, v)| v).to_string()
        } else {
            line.to_string()
        };
        if catalogue {
            while let (Some(a), Some(b)) = (body.find('{'), body.find('}')) {
                if b < a {
                    break;
                }
                body.replace_range(a..=b, " ");
            }
            if body.trim_start().starts_with('[') || body.trim_start().starts_with("*[") {
                body = body
                    .split_once(']')
                    .map_or(String::new(), |(_, r)| r.to_string());
            }
        }
        let mut word = String::new();
        // Whether the word began glued to `_` (the tail of a code such as `meeting_confirmed`).
        let mut after_underscore = false;
        let mut prev = ' ';
        for c in body.chars().chain(std::iter::once(' ')) {
            if c.is_ascii_alphabetic() || (c == '\'' && !word.is_empty()) {
                if word.is_empty() {
                    after_underscore = prev == '_';
                }
                word.push(c);
            } else {
                // A word glued to `-`, `_`, `/`, `.` or a digit is a flag, a key, a path or a code.
                let glued =
                    after_underscore || matches!(c, '-' | '_' | '/' | '.' | '=' | '0'..='9');
                let w = word.trim_end_matches('\'');
                if w.len() >= 3 && !glued {
                    words.insert(w.to_ascii_lowercase());
                }
                word.clear();
            }
            prev = c;
        }
    }
    words
}

fn catalogue_words(lang: &str) -> BTreeSet<String> {
    catalogues()
        .iter()
        .filter(|c| c.lang == lang)
        .flat_map(|c| latin_words(c.text, true))
        .collect()
}

/// The English words of okk's own messages found in `text` (meant to be Russian), minus `allowed`
/// (data that happens to be Latin: card names, a CRM's column names).
pub fn english_in(text: &str, allowed: &[&str]) -> Vec<String> {
    let english = catalogue_words("en");
    let russian_uses = catalogue_words("ru");
    latin_words(text, false)
        .into_iter()
        .filter(|w| english.contains(w) && !russian_uses.contains(w))
        .filter(|w| !allowed.iter().any(|a| a.eq_ignore_ascii_case(w)))
        .collect()
}

/// Fails with the English words `text` holds (`what` names the output in the message).
pub fn assert_russian(what: &str, text: &str, allowed: &[&str]) {
    let found = english_in(text, allowed);
    assert!(
        found.is_empty(),
        "{what}: English words in the Russian output: {found:?}\n---\n{text}"
    );
}
