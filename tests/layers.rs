//! The layers point one way: `domain` (pure) ← `store` ← `sync`/`crm`/`export`/`report`/`bundle` ←
//! `app` ← `tui`/`cli`, with the strings layer (`text`) on the domain alone. This test reads every
//! `crate::…` path in `src/` (unit-test modules aside) and fails on an arrow the table does not
//! allow, so a wrong-way import is caught the day it is written, not in a refactor a year later.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Which top-level modules each layer may use. `main.rs` and `lib.rs` wire everything and are not
/// checked.
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("text", &["domain"]),
    ("store", &["domain"]),
    // What the CRMs' files look like (value formats, encodings, CSV delimiters, line:column),
    // shared by everyone who reads them.
    ("formats", &["domain"]),
    ("funnel_config", &["domain", "formats", "text"]),
    (
        "sync",
        &["domain", "formats", "store", "text", "funnel_config"],
    ),
    ("crm", &["domain", "store", "sync", "text"]),
    ("export", &["domain", "formats", "store", "text"]),
    ("report", &["domain", "text"]),
    ("bundle", &["domain", "store", "text"]),
    (
        "app",
        &[
            "domain",
            "formats",
            "store",
            "sync",
            "crm",
            "export",
            "report",
            "bundle",
            "funnel_config",
            "text",
            "tui",
            "cli",
        ],
    ),
    ("tui", &["domain", "formats", "text", "funnel_config"]),
    ("cli", &["domain", "formats", "text"]),
];

/// Arrows that point the wrong way today, each to be removed by the house issue's refactor. The
/// test also fails when one of these is gone, so the list only shrinks.
const KNOWN_WRONG: &[(&str, &str)] = &[];

#[test]
fn every_crate_import_points_down_the_layers() {
    let mut found: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    for (file, rel) in src_files() {
        let layer = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        if layer == "main" || layer == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for target in crate_paths(&text) {
            if target != layer {
                found
                    .entry((layer.clone(), target))
                    .or_default()
                    .insert(rel.clone());
            }
        }
    }
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut wrong = Vec::new();
    for ((from, to), files) in &found {
        let Some(may) = allowed.get(from.as_str()) else {
            wrong.push(format!("{from}: a top-level module missing from ALLOWED"));
            continue;
        };
        let known = KNOWN_WRONG.contains(&(from.as_str(), to.as_str()));
        if !may.contains(&to.as_str()) && !known {
            let files: Vec<_> = files.iter().cloned().collect();
            wrong.push(format!("{from} -> {to} (in {})", files.join(", ")));
        }
    }
    for (from, to) in KNOWN_WRONG {
        if !found.contains_key(&(from.to_string(), to.to_string())) {
            wrong.push(format!(
                "{from} -> {to} is gone: take it off KNOWN_WRONG in tests/layers.rs"
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n  {}",
        wrong.join("\n  ")
    );
}

/// Files outside `store/` that still name rusqlite. The test fails when one of them no longer
/// does, so the list only shrinks (main's StoreError became backend-neutral: it is empty).
const RUSQLITE_OUTSIDE_STORE: &[&str] = &[];

#[test]
fn only_the_store_names_its_database_driver() {
    let mut wrong = Vec::new();
    let mut named = BTreeSet::new();
    for (file, rel) in src_files() {
        if rel.starts_with("store/") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        let code: String = text
            .lines()
            .take_while(|line| line.trim() != "#[cfg(test)]")
            .filter(|line| !line.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        if code.contains("rusqlite") {
            named.insert(rel.clone());
            if !RUSQLITE_OUTSIDE_STORE.contains(&rel.as_str()) {
                wrong.push(format!("{rel} names rusqlite: go through the store's API"));
            }
        }
    }
    for rel in RUSQLITE_OUTSIDE_STORE {
        if !named.contains(*rel) {
            wrong.push(format!(
                "{rel} no longer names rusqlite: take it off RUSQLITE_OUTSIDE_STORE"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// Every Rust file under src/, with its path relative to src/ (`store/queue.rs`).
fn src_files() -> Vec<(std::path::PathBuf, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&src);
    files
        .into_iter()
        .map(|file| {
            let rel = (file.strip_prefix(&src).unwrap().to_string_lossy()).replace('\\', "/");
            (file, rel)
        })
        .collect()
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out
}

/// The top-level modules a file names through `crate::…`, including `use crate::{a::X, b}`
/// groups. Comments and everything from the first `#[cfg(test)]` on (the unit tests, which may
/// borrow any layer's fixtures) are left out.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let code: String = text
        .lines()
        .take_while(|line| line.trim() != "#[cfg(test)]")
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let mut out = BTreeSet::new();
    let mut rest = code.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // Top-level names of the group: those at brace depth 0 before a `::`, `,` or `}`.
            let mut depth = 0;
            let mut name = String::new();
            let mut at_start = true;
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_start = true,
                    c if depth == 0 && at_start && (c.is_alphanumeric() || c == '_') => {
                        name.push(c)
                    }
                    _ => {
                        if !name.is_empty() {
                            out.insert(std::mem::take(&mut name));
                        }
                        if !c.is_whitespace() {
                            at_start = false;
                        }
                    }
                }
            }
            if !name.is_empty() {
                out.insert(name);
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    // `crate::tr!` is the strings layer's macro (exported at the crate's root by `text::i18n`).
    if out.remove("tr") {
        out.insert("text".to_string());
    }
    out
}
