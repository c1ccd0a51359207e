//! Tests come in through the front door: they read the store through its API (`okk::store`,
//! `store::inspect`) or the CLI's `--json`, and SQL stays in the store's own tests.
//! This test fails when SQL appears in another test file, and when an entry below goes stale.

use std::path::Path;

/// Test files that may speak SQL to the store's file, and why.
const SQL_ALLOWED: [(&str, &str); 21] = [
    ("store_files.rs", "store test: the files beside the store"),
    ("store_schema.rs", "migration test"),
    (
        "support/store_contract/sqlite.rs",
        "the contract suite's SQLite factory: makes a store of a newer schema",
    ),
    (
        "team_server.rs",
        "creates and drops a database per test on the throwaway PostgreSQL server",
    ),
    (
        "funnel_on_server.rs",
        "plants flags judged by an older funnel on the throwaway PostgreSQL server, and reads \
         which reviews see their card",
    ),
    (
        "support/server_db.rs",
        "creates and drops a database per test on the throwaway PostgreSQL server",
    ),
    (
        "server_stall.rs",
        "a session of its own holds the sync's lock on the server, as another import does",
    ),
    (
        "support/store_contract/postgres.rs",
        "the contract suite's PostgreSQL factory: a database per story, a newer schema",
    ),
    ("store_schema_crm.rs", "migration test"),
    (
        "prune.rs",
        "the server's rights as an auditor's and a lead's login meet them (a DELETE refused), \
         a race's sessions held at a lock, a server store stepped back to schema 19",
    ),
    (
        "layers.rs",
        "speaks no SQL: names the driver to check that only store/ does",
    ),
    (
        "queue.rs",
        "store test: the queue's summary tables (standings, owners) against the cards",
    ),
    (
        "rules_rerun.rs",
        "store test: flags and standings after a rerun, and the query plan it relies on",
    ),
    (
        "import_bulk.rs",
        "store test: the bulk load's journal mode, seen from a second connection",
    ),
    (
        "common/mod.rs",
        "Desk::conn for the tests above, plant_card: a CRM value no fixture carries, \
         plant_history: months of syncs' stage moves, and refuse_drafts: a write that fails",
    ),
    (
        "funnel_version_moves.rs",
        "holds the write lock as another writer would, so that an import lasts, and records a \
         funnel version in it as another command would meanwhile",
    ),
    (
        "tui_state.rs",
        "plants what no key makes: a card gone from the CRM, a write that fails",
    ),
    // The TUI key-press harnesses, rewritten in one notation this round (helper "elm"): their
    // reads move to store::inspect with that rewrite.
    (
        "tui_busy.rs",
        "TUI harness: holds the write lock as a second okk would",
    ),
    ("tui_e2e.rs", "TUI harness: reads the reviews it saved"),
    ("lead_e2e.rs", "TUI harness: reads the decisions it saved"),
    (
        "lead_snapshots.rs",
        "TUI harness: reads the decisions it saved",
    ),
];

/// What SQL against the store's file looks like in a test.
const SQL_SIGNS: [&str; 9] = [
    "rusqlite",
    "Connection::open",
    ".conn()",
    "query_row(",
    "execute(",
    "execute_batch(",
    ".prepare(",
    ".count(\"",
    ".count(&format",
];

fn test_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("tests/") {
        let path = entry.expect("a tests/ entry").path();
        if path.is_dir() {
            test_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path.display().to_string());
        }
    }
}

#[test]
fn sql_stays_in_the_store_tests() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut files = Vec::new();
    test_files(&root, &mut files);
    files.sort();
    let mut speaking = Vec::new();
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file
            .strip_prefix(&format!("{}/", root.display()))
            .unwrap()
            .to_string();
        if rel == "front_door.rs" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let Some((n, line)) = text
            .lines()
            .enumerate()
            .find(|(_, l)| SQL_SIGNS.iter().any(|s| l.contains(s)))
        else {
            continue;
        };
        speaking.push(rel.clone());
        if !SQL_ALLOWED.iter().any(|(f, _)| *f == rel) {
            wrong.push(format!("tests/{rel}:{}: {}", n + 1, line.trim()));
        }
    }
    assert!(
        wrong.is_empty(),
        "read the store through okk::store (store::inspect for what a command wrote) or the \
         CLI's --json, not SQL:\n{}",
        wrong.join("\n")
    );
    let stale: Vec<&str> = SQL_ALLOWED
        .iter()
        .map(|(f, _)| *f)
        .filter(|f| !speaking.iter().any(|s| s == f))
        .collect();
    assert!(
        stale.is_empty(),
        "no SQL left in {stale:?}: remove them from SQL_ALLOWED"
    );
}
