//! The store on disk: a new file is migrated to the latest schema and private to its owner; a file
//! okk must not touch (a newer okk's store, something that is not SQLite at all) is refused with
//! its bytes unchanged; and readers are never locked out while an import writes.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{Desk, fixture};
use okk::store::schema::{APPLICATION_ID, MIGRATIONS, latest};
use okk::store::{Store, StoreError};
use rusqlite::Connection;

fn tables(conn: &Connection) -> Vec<String> {
    let mut stmt = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// A store file built by the first `n` migrations only, as an okk of schema `n` left it (the
/// search-text function of schema 5 stubbed: these stores hold no cards it would fill).
fn store_at_schema(db: &std::path::Path, n: usize) -> Connection {
    let conn = Connection::open(db).unwrap();
    conn.create_scalar_function(
        okk::store::schema::SEARCH_TEXT_FN,
        3,
        rusqlite::functions::FunctionFlags::SQLITE_DETERMINISTIC,
        |_| Ok(String::new()),
    )
    .unwrap();
    for m in &MIGRATIONS[..n] {
        conn.execute_batch(m).unwrap();
    }
    conn
}

#[test]
fn a_new_store_is_migrated_to_the_latest_schema() {
    let desk = Desk::new();
    assert!(!desk.db.exists());
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    assert_eq!(latest(), MIGRATIONS.len() as i64);
    drop(store);

    let conn = desk.conn();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
    let app_id: i64 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    assert_eq!(app_id, APPLICATION_ID);
    assert_eq!(
        tables(&conn),
        [
            "calibration_cards",
            "calibrations",
            "cards",
            "crm_notes",
            "crm_notes_read",
            "crm_stages",
            "crm_sweep",
            "crm_swept",
            "crm_sync",
            "drafts",
            "field_names",
            "fill_snapshots",
            "flags",
            "funnel_versions",
            "import_batches",
            "lead_decisions",
            "leases",
            "meta",
            "owners",
            "reviews",
            "source_columns",
            "stage_counts",
            "stage_history",
            "standings",
            "trusted_keys",
            "users"
        ]
    );
}

#[test]
fn a_store_of_schema_1_with_cards_migrates_forward_and_keeps_them() {
    let desk = Desk::new();
    {
        let conn = Connection::open(&desk.db).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = 1; PRAGMA application_id = {APPLICATION_ID};
             INSERT INTO import_batches (file, profile, source, encoding, started_at)
                 VALUES ('f.csv', 'amocrm', 'amocrm', 'UTF-8', '2026-11-01 10:00:00');
             INSERT INTO cards (source, external_id, stage, created_at, updated_at, content_hash,
                                first_batch, changed_batch, changed_at)
                 VALUES ('amocrm', '7', 'Квалификация', '2026-10-01 09:00:00',
                         '2026-10-20 18:30:00', 1, 1, 1, '2026-11-01 10:00:00');
             INSERT INTO cards (source, external_id, stage, title, owner, content_hash,
                                first_batch, changed_batch, changed_at)
                 VALUES ('amocrm', 'A-8', 'Квалификация', '  ЖК «Ёлки»,  2-к ', 'Смирнова Ольга',
                         1, 1, 1, '2026-11-01 10:00:00');"
        ))
        .unwrap();
    }
    let store = okk::store::Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    drop(store);
    let conn = desk.conn();
    let (touched, rank): (String, i64) = conn
        .query_row(
            "SELECT c.touched_at, coalesce(s.flag_rank, 0) FROM cards c
             LEFT JOIN standings s ON s.card_id = c.id WHERE c.external_id = '7'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((touched.as_str(), rank), ("2026-10-20 18:30:00", 0));
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id FROM cards WHERE stage = 'x'
             ORDER BY touched_at, external_id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("cards_queue"), "{plan}");
    // Schema 5: the queue filter's text, folded, filled for the cards already there, and read
    // from the queue index alone.
    let search: String = conn
        .query_row(
            "SELECT search FROM cards WHERE external_id = 'A-8'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(search, "a-8\u{1f}жк «елки», 2-к\u{1f}смирнова ольга");
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT id, external_id FROM cards
             WHERE stage = 'x' AND gone_at IS NULL AND instr(search, 'елк') > 0
             ORDER BY touched_at, external_id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("COVERING INDEX cards_queue"), "{plan}");
    // Schema 6: the flagged cards' queue, read from the standings' index alone.
    let plan: String = conn
        .query_row(
            "EXPLAIN QUERY PLAN SELECT card_id, external_id FROM standings
             WHERE stage = 'x' AND gone_at IS NULL AND instr(search, 'елк') > 0
             ORDER BY place, touched_at, external_id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("COVERING INDEX standings_queue"), "{plan}");
    // A page starts after the last one's key with one seek, not a scan from the stage's start.
    for (table, key) in [
        (
            "standings",
            "(place, touched_at, external_id) > (-3000002, '2026', '7')",
        ),
        ("cards", "(touched_at, external_id) > ('2026', '7')"),
    ] {
        let plan: String = conn
            .query_row(
                &format!(
                    "EXPLAIN QUERY PLAN SELECT external_id FROM {table} WHERE stage = 'x' AND {key}"
                ),
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(
            plan.contains("(stage=? AND (") && plan.contains(")>(?"),
            "{plan}"
        );
    }
}

/// Schema 6 moved a flagged card's standing out of its row: the flagged cards of a schema-5 store
/// keep their place in the queue. Schema 7 names custom fields by id.
/// Schema 8 keeps the columns each source's imports had. A store that already holds cards knows
/// nothing of their columns: nothing is taken as absent for its sources until they import again.
#[test]
fn a_store_of_schema_7_learns_its_sources_columns_at_their_next_import() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("bitrix24_deals.csv")]);
    desk.conn()
        .execute_batch(
            // Back to schema 7: the later migrations' tables and columns go too, so that they all
            // run again.
            "DROP TABLE source_columns; DROP TABLE trusted_keys; DROP TABLE crm_sync;
             ALTER TABLE reviews DROP COLUMN signature;
             ALTER TABLE reviews DROP COLUMN withdrawal_signature;
             ALTER TABLE lead_decisions DROP COLUMN signature;
             ALTER TABLE lead_decisions DROP COLUMN withdrawal_signature;
             ALTER TABLE calibrations DROP COLUMN signature;
             ALTER TABLE stage_counts DROP COLUMN rest_touched_at;
             ALTER TABLE stage_counts DROP COLUMN rest_external_id;
             PRAGMA user_version = 7;",
        )
        .unwrap();
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    assert!(store.source_columns().unwrap().is_empty());
    drop(store);
    let report = desk.import_one(&[&fixture("bitrix24_deals.csv")]);
    assert!(report["absent_fields"].as_array().is_some());
    let store = Store::open(&desk.db).unwrap();
    let sources: Vec<String> = store
        .source_columns()
        .unwrap()
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(sources, ["bitrix24"]);
    let okk: i64 = desk.count(
        "SELECT count(*) FROM source_columns WHERE kind = 'okk' AND name IN ('external_id', 'stage')",
    );
    assert_eq!(okk, 2);
}

#[test]
fn a_store_of_schema_5_keeps_its_flagged_cards_standings() {
    let desk = Desk::new();
    {
        let conn = store_at_schema(&desk.db, 5);
        conn.execute_batch(&format!(
            "PRAGMA user_version = 5; PRAGMA application_id = {APPLICATION_ID};
             INSERT INTO import_batches (file, profile, source, encoding, started_at)
                 VALUES ('f.csv', 'amocrm', 'amocrm', 'UTF-8', '2026-11-01 10:00:00');
             INSERT INTO cards (source, external_id, stage, touched_at, content_hash,
                                first_batch, changed_batch, changed_at, search, flag_rank,
                                flag_count)
                 VALUES ('amocrm', '1', 'Квалификация', '2026-10-01 09:00:00', 1, 1, 1,
                         '2026-11-01 10:00:00', '1␟a␟b', 0, 0),
                        ('amocrm', '2', 'Квалификация', '2026-10-02 09:00:00', 1, 1, 1,
                         '2026-11-01 10:00:00', '2␟c␟d', 3, 2);
             UPDATE cards SET fields = '{{\"Источник\":\"Сайт\",\"Город\":\"Тула\"}}'
                 WHERE external_id = '2';
             INSERT INTO flags (card_id, seq, code, severity, message)
                 VALUES (2, 0, 'idle', 3, 'idle'), (2, 1, 'required', 2, 'empty');"
        ))
        .unwrap();
    }
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    drop(store);
    let conn = desk.conn();
    let standings: Vec<(i64, i64, i64, String, String)> = conn
        .prepare("SELECT card_id, flag_rank, flag_count, stage, search FROM standings")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        standings,
        [(2, 3, 2, "Квалификация".to_string(), "2␟c␟d".to_string())]
    );
    let columns: i64 = conn
        .query_row(
            "SELECT count(*) FROM pragma_table_info('cards') WHERE name LIKE 'flag_%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(columns, 0, "the standing left the card's row");
    // Schema 7: custom fields by id, in their order, names stored once.
    let (fields, empty): (String, String) = conn
        .query_row(
            "SELECT (SELECT fields FROM cards WHERE external_id = '2'),
                    (SELECT fields FROM cards WHERE external_id = '1')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (fields.as_str(), empty.as_str()),
        (r#"[[2,"Сайт"],[1,"Тула"]]"#, "[]")
    );
    let store = Store::open(&desk.db).unwrap();
    let card = store.card_detail(2).unwrap().unwrap().card;
    let fields: Vec<(&str, &str)> = card
        .fields
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_str()))
        .collect();
    assert_eq!(fields, [("Источник", "Сайт"), ("Город", "Тула")]);
}

#[test]
fn the_cli_creates_and_migrates_the_store_on_first_use() {
    let desk = Desk::new();
    let first = desk
        .okk()
        .args(["import", "--json", &common::fixture("amocrm_utf8_bom.csv")])
        .output()
        .unwrap();
    assert!(first.status.success());
    // A new store is made, not upgraded: nothing to say.
    assert!(
        !String::from_utf8_lossy(&first.stderr).contains("upgrading"),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let version: i64 = desk
        .conn()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
    // Opening it again migrates nothing and keeps the data.
    let before = desk.digest();
    desk.okk().args(["stats", "--json"]).assert().success();
    common::assert_same(&before, &desk.digest());
}

/// A store as a newer okk would leave it: our application id, a schema version we do not know.
fn newer_store(path: &Path) {
    let conn = Connection::open(path).unwrap();
    conn.execute_batch(&format!(
        "CREATE TABLE future_things (id INTEGER PRIMARY KEY, what TEXT);
         INSERT INTO future_things (what) VALUES ('from okk 9');
         PRAGMA application_id = {APPLICATION_ID};
         PRAGMA user_version = {};",
        latest() + 1
    ))
    .unwrap();
}

#[test]
fn a_store_from_a_newer_okk_is_refused_and_left_byte_for_byte() {
    let desk = Desk::new();
    newer_store(&desk.db);
    let bytes = std::fs::read(&desk.db).unwrap();

    let out = desk.okk().args(["stats", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains(&format!(
            "this database was written by a newer okk (schema {}; this okk knows up to {})",
            latest() + 1,
            latest()
        )),
        "{err}"
    );
    assert!(err.contains("It was not touched"), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(std::fs::read(&desk.db).unwrap(), bytes);

    // An import is refused the same way, before reading the export.
    let err = desk.import_fails(&[&fixture("amocrm_utf8_bom.csv")]);
    assert!(err.contains("newer okk"), "{err}");
    assert_eq!(std::fs::read(&desk.db).unwrap(), bytes);

    match Store::open(&desk.db) {
        Err(StoreError::NewerSchema { found, known, .. }) => {
            assert_eq!((found, known), (latest() + 1, latest()))
        }
        Err(e) => panic!("expected NewerSchema, got {e}"),
        Ok(_) => panic!("a newer store was opened"),
    }
    assert_eq!(std::fs::read(&desk.db).unwrap(), bytes);
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_and_left_byte_for_byte() {
    let desk = Desk::new();
    let text = "ID,Название сделки,Этап сделки\n1001,Квартира,Первичный контакт\n".repeat(20);
    std::fs::write(&desk.db, &text).unwrap();

    let out = desk.okk().args(["stats", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("this file is not an okk database. It was not touched."),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&desk.db).unwrap(), text);

    let err = desk.import_fails(&[&fixture("amocrm_utf8_bom.csv")]);
    assert!(err.contains("not an okk database"), "{err}");
    assert_eq!(std::fs::read_to_string(&desk.db).unwrap(), text);
}

#[test]
fn another_programs_sqlite_database_is_refused_and_left_byte_for_byte() {
    let desk = Desk::new();
    {
        let conn = Connection::open(&desk.db).unwrap();
        conn.execute_batch(
            "CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT);
             INSERT INTO contacts (name) VALUES ('Петров');",
        )
        .unwrap();
    }
    let bytes = std::fs::read(&desk.db).unwrap();
    let out = desk.okk().args(["stats", "--json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not an okk database"), "{err}");
    assert_eq!(std::fs::read(&desk.db).unwrap(), bytes);
}

#[cfg(unix)]
#[test]
fn the_store_file_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let mode = std::fs::metadata(&desk.db).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");

    // Also when the library creates it, in a directory that does not exist yet.
    let nested = desk.dir.path().join("a/b/okk.db");
    drop(Store::open(&nested).unwrap());
    let mode = std::fs::metadata(&nested).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
}

/// Holds the store's write lock the way an import does (`BEGIN IMMEDIATE`, a card written, not
/// committed) on another connection while `check` runs, then rolls back.
fn while_an_import_writes(desk: &Desk, check: impl FnOnce()) {
    let writer = desk.conn();
    writer
        .execute_batch(
            "BEGIN IMMEDIATE;
             INSERT INTO import_batches (file, profile, source, encoding, started_at)
             VALUES ('held.csv', 'amocrm', 'amocrm', 'UTF-8', '2026-11-20 12:00:00');
             INSERT INTO cards (source, external_id, stage, content_hash, first_batch,
                                changed_batch, changed_at)
             VALUES ('amocrm', '9999', 'Квалификация', 0, last_insert_rowid(),
                     last_insert_rowid(), '2026-11-20 12:00:00');",
        )
        .unwrap();
    check();
    writer.execute_batch("ROLLBACK").unwrap();
}

#[test]
fn a_second_connection_reads_while_an_import_holds_the_store() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    while_an_import_writes(&desk, || {
        let reader = Connection::open(&desk.db).unwrap();
        // No waiting: a reader must not need the write lock.
        reader.busy_timeout(Duration::ZERO).unwrap();
        let mode: String = reader
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            mode, "wal",
            "the store is in WAL mode, so readers never wait"
        );
        let n: i64 = reader
            .query_row("SELECT count(*) FROM cards", [], |r| r.get(0))
            .expect("a reader is not locked out");
        assert_eq!(
            n, 5,
            "the reader sees the committed cards, not the open import"
        );
    });
    assert_eq!(desk.count("SELECT count(*) FROM cards"), 5);
}

#[test]
fn okk_stats_reads_while_an_import_holds_the_store() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    while_an_import_writes(&desk, || {
        let started = Instant::now();
        let out = desk
            .okk()
            .args(["stats", "--json"])
            .timeout(Duration::from_secs(5))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "okk stats failed after {:?}: {}",
            started.elapsed(),
            String::from_utf8_lossy(&out.stderr)
        );
        let stats: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let cards: u64 = stats["stages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["cards"].as_u64().unwrap())
            .sum();
        assert_eq!(cards, 5);
    });
}

#[test]
fn upgrading_an_older_store_is_announced_once() {
    let desk = Desk::new();
    {
        let conn = Connection::open(&desk.db).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute_batch(&format!(
            "PRAGMA user_version = 1; PRAGMA application_id = {APPLICATION_ID};"
        ))
        .unwrap();
    }
    let stderr = |out: std::process::Output| {
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let first = stderr(desk.okk().args(["stats", "--json"]).output().unwrap());
    let said = format!("from schema 1 to {}", MIGRATIONS.len());
    assert!(
        first.contains("upgrading the store") && first.contains(&said),
        "{first}"
    );
    let again = stderr(desk.okk().args(["stats", "--json"]).output().unwrap());
    assert!(!again.contains("upgrading"), "{again}");
}

#[test]
fn a_store_of_schema_7_gains_signatures_and_trusted_keys_and_runs_the_rules_again_at_schema_9() {
    let desk = Desk::new();
    {
        let conn = store_at_schema(&desk.db, 7);
        conn.execute_batch(&format!(
            "PRAGMA user_version = 7; PRAGMA application_id = {APPLICATION_ID};
             INSERT INTO reviews (id, card_source, card_external_id, auditor, stage, verdict,
                                  created_at)
                 VALUES ('r1', 'amocrm', '1', 'anna', 'Квалификация', 'ok',
                         '2026-11-01 10:00:00');
             INSERT INTO meta (key, value) VALUES ('rules_ran_for', 'fp 2026-11-01');"
        ))
        .unwrap();
    }
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    assert!(store.trusted_keys().unwrap().is_empty());
    // A migration may change what the rules find: they run again.
    assert_eq!(store.meta("rules_ran_for").unwrap(), None);
    drop(store);
    let conn = desk.conn();
    let sig: Option<String> = conn
        .query_row("SELECT signature FROM reviews WHERE id = 'r1'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(
        sig, None,
        "a review made before signing counts as made here"
    );
}

#[test]
fn a_store_of_schema_10_with_sentence_flags_is_judged_again_and_its_flags_read_the_same() {
    let desk = Desk::demo();
    let before = desk.run_ok(&["check"]);
    let json_before = desk.run_ok(&["check", "--json"]);
    let flags = desk.count("SELECT count(*) FROM flags");
    assert!(flags > 0 && before.contains("no activity for"), "{before}");
    // As an okk of schema 10 left it: each flag an English sentence only, the rules marked run.
    desk.conn()
        .execute_batch(
            "DROP TABLE flags;
             CREATE TABLE flags (
                 card_id   INTEGER NOT NULL REFERENCES cards(id),
                 seq       INTEGER NOT NULL,
                 code      TEXT NOT NULL,
                 severity  INTEGER NOT NULL,
                 message   TEXT NOT NULL,
                 field     TEXT,
                 PRIMARY KEY (card_id, seq)
             ) WITHOUT ROWID;
             CREATE INDEX flags_code ON flags (code, card_id);
             INSERT INTO flags (card_id, seq, code, severity, message)
                 SELECT card_id, 0, 'idle', flag_rank, 'a sentence of schema 10' FROM standings;
             ALTER TABLE stage_counts DROP COLUMN rest_touched_at;
             ALTER TABLE stage_counts DROP COLUMN rest_external_id;
             PRAGMA user_version = 10;",
        )
        .unwrap();
    assert!(desk.count("SELECT count(*) FROM meta WHERE key = 'rules_ran_for'") == 1);

    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    drop(store);
    // The sentences are gone with the marker: the next command judges every card again.
    assert_eq!(desk.count("SELECT count(*) FROM flags"), 0);
    assert_eq!(
        desk.count("SELECT count(*) FROM meta WHERE key = 'rules_ran_for'"),
        0
    );
    assert_eq!(desk.run_ok(&["check"]), before);
    assert_eq!(desk.run_ok(&["check", "--json"]), json_before);
    assert_eq!(desk.count("SELECT count(*) FROM flags"), flags);
    assert_eq!(
        desk.count("SELECT count(*) FROM pragma_table_info('flags') WHERE name = 'message'"),
        0,
        "no sentence is stored"
    );
    assert_eq!(
        desk.count("SELECT count(*) FROM flags WHERE json_extract(args, '$.says') IS NULL"),
        0
    );
}

/// Schema 12 keeps where each stage's cards without flags start in its queue. A store of schema
/// 11 has the summaries but not those: they count as out of date until the rules run again, and
/// that run fills them.
#[test]
fn a_store_of_schema_11_learns_where_its_unflagged_cards_start_at_the_next_rules_run() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    desk.stats(); // the rules run: the summaries are current
    desk.conn()
        .execute_batch(
            "ALTER TABLE stage_counts DROP COLUMN rest_touched_at;
             ALTER TABLE stage_counts DROP COLUMN rest_external_id;
             PRAGMA user_version = 11;",
        )
        .unwrap();
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    assert_eq!(store.meta("summaries").unwrap(), None);
    drop(store);
    assert_eq!(desk.count("SELECT count(*) FROM stage_counts"), 0);
    desk.stats();
    // Every stage with a card without flags knows its first one; the others know they have none.
    let wrong = desk.count(
        "SELECT count(*) FROM stage_counts
         WHERE (rest_external_id IS NULL) <> (cards = flagged)",
    );
    assert_eq!(wrong, 0);
    assert!(desk.count("SELECT count(*) FROM stage_counts WHERE rest_external_id IS NOT NULL") > 0);
}

/// Schema 13 keeps the shared queue's claims. A store of schema 12 gains the table, empty: no
/// card is held, and the first claim hands out the top of the queue.
#[test]
fn a_store_of_schema_12_gains_leases_and_hands_out_its_queue_from_the_top() {
    use okk::domain::ports::QueueStore;
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    desk.conn()
        .execute_batch("DROP TABLE leases; PRAGMA user_version = 12;")
        .unwrap();
    let mut store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    assert_eq!(desk.count("SELECT count(*) FROM leases"), 0);
    let stages = store.crm_stage_names().unwrap();
    let q = okk::domain::queue::QueueQuery {
        crm_stages: &stages,
        auditor: "anna",
        limit: 100,
        all: true,
        closed_stage: true,
        now: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap(),
        after: None,
        text: None,
        sources: None,
        with_calibration: true,
        reviewed: false,
    };
    let top: Vec<String> = store
        .queue(&q)
        .unwrap()
        .into_iter()
        .take(2)
        .map(|e| e.id)
        .collect();
    let claimed: Vec<String> = QueueStore::claim(&mut store, &q, 2, Duration::from_secs(60))
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    assert_eq!(claimed, top);
    assert_eq!(
        desk.count("SELECT count(*) FROM leases WHERE auditor = 'anna'"),
        2
    );
}

/// Schema 14 records every funnel config okk runs with. A store of schema 13 gains the table
/// empty; the next command that checks the cards records its funnel as version 1, with its text.
#[test]
fn a_store_of_schema_13_records_the_funnel_it_next_runs_with() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(desk.count("SELECT count(*) FROM funnel_versions"), 1);
    desk.conn()
        .execute_batch("DROP TABLE funnel_versions; PRAGMA user_version = 13;")
        .unwrap();
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    drop(store);
    assert_eq!(desk.count("SELECT count(*) FROM funnel_versions"), 0);
    desk.stats();
    let conn = desk.conn();
    let (version, content): (i64, String) = conn
        .query_row("SELECT version, content FROM funnel_versions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(version, 1);
    assert_eq!(
        content,
        std::fs::read_to_string(common::funnel_path()).unwrap()
    );
    // The same funnel again is no new version.
    desk.stats();
    assert_eq!(desk.count("SELECT count(*) FROM funnel_versions"), 1);
}

#[test]
fn a_store_of_schema_14_records_each_imports_fill_from_its_next_look_on() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    // The import records no fill; the first look at the fields records its run's: a row per
    // field and stage, all under that run.
    assert_eq!(desk.count("SELECT count(*) FROM fill_snapshots"), 0);
    desk.run_ok(&["fields"]);
    let recorded = desk.count("SELECT count(*) FROM fill_snapshots");
    assert!(recorded > 0);
    assert_eq!(
        desk.count("SELECT count(DISTINCT batch_id) FROM fill_snapshots"),
        1
    );
    desk.conn()
        .execute_batch("DROP TABLE fill_snapshots; PRAGMA user_version = 14;")
        .unwrap();
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    drop(store);
    // Migrated: the table is there, empty (the past runs' fill is not known).
    assert_eq!(desk.count("SELECT count(*) FROM fill_snapshots"), 0);
    // The same export again changes no card: the cards are still as the first run left them,
    // and the next look records that run's point.
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(desk.count("SELECT count(*) FROM fill_snapshots"), 0);
    desk.run_ok(&["fields"]);
    assert_eq!(desk.count("SELECT count(*) FROM fill_snapshots"), recorded);
    assert_eq!(desk.count("SELECT max(batch_id) FROM fill_snapshots"), 1);
}

/// Schema 16 holds the store's okk users. A store of schema 15 gains the table empty; the next
/// command that records work in an auditor's name (a claim) registers them on first use.
#[test]
fn a_store_of_schema_15_gains_users_and_registers_an_auditor_on_first_use() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    desk.conn()
        .execute_batch("DROP TABLE users; PRAGMA user_version = 15;")
        .unwrap();
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    drop(store);
    assert_eq!(desk.count("SELECT count(*) FROM users"), 0);
    let stage = desk
        .conn()
        .query_row("SELECT stage FROM cards LIMIT 1", [], |r| {
            r.get::<_, String>(0)
        });
    let out = desk
        .okk()
        .args([
            "queue",
            "--stage",
            &stage.unwrap(),
            "--auditor",
            "anna",
            "--claim",
            "1",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM users WHERE name = 'anna' AND role = 'auditor' AND assigned = 0"
        ),
        1
    );
}

/// Migration 25: a store of schema 24 with an auditor's withdrawn verdict and a lead's decision
/// on another gains the columns a withdrawal held out lives in, keeps both reviews as they
/// were, and holds out an undo that comes while the decision stands, which applies once the
/// lead takes the decision back (its take-back stamped before the undo).
#[test]
fn a_store_of_schema_24_keeps_its_reviews_and_holds_an_undo_out_behind_a_decision() {
    use okk::store::inspect::Table;
    let desk = Desk::demo();
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").unwrap();
    let cards: Vec<String> = (desk.rows(Table::Cards).iter().take(2))
        .map(|c| c["external_id"].as_str().unwrap().to_string())
        .collect();
    let ok = common::Verdict::of("ok");
    let withdrawn = desk.review(&cards[0], "anna", "2026-11-19 10:00:00", &ok);
    let decided = desk.review(&cards[1], "anna", "2026-11-19 10:01:00", &ok);
    let mut store = Store::open(&desk.db).unwrap();
    store
        .withdraw_review(&withdrawn, at("2026-11-19 11:00:00"))
        .unwrap();
    let accept = okk::domain::decision::Decision::accept();
    let decision = (store.decide(&decided, "olga", &accept, at("2026-11-19 12:00:00"))).unwrap();
    drop(store);
    desk.conn()
        .execute_batch(
            "ALTER TABLE reviews DROP COLUMN held_withdrawn_at;
             ALTER TABLE reviews DROP COLUMN held_withdrawal_signature;
             PRAGMA user_version = 24;",
        )
        .unwrap();
    let before = desk.rows(Table::Reviews);
    assert!(!before[0].contains_key("held_withdrawn_at"));
    let mut store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    let after = desk.rows(Table::Reviews);
    for (b, a) in before.iter().zip(&after) {
        for (column, value) in b {
            assert_eq!(&a[column], value, "{column}");
        }
        assert!(a["held_withdrawn_at"].is_null());
    }
    // The lead's store takes the auditor's offline undo of the decided verdict: held out.
    let row = |id: &str| {
        let rows = desk.rows(Table::Reviews);
        let r = rows.iter().find(|r| r["id"] == id).unwrap().clone();
        (r["withdrawn_at"].clone(), r["held_withdrawn_at"].clone())
    };
    let key = okk::bundle::sign::Keypair::from_seed([7; 32]);
    let mut b =
        okk::bundle::Writer::new(Vec::new(), &key, "anna", "2026-11-19 13:00:00", Vec::new())
            .unwrap();
    let mut records = Vec::new();
    (store.bundle_records(None, |r| {
        records.push(r);
        Ok::<_, StoreError>(())
    }))
    .unwrap();
    for r in records {
        if let okk::bundle::Record::Review(mut r) = r
            && r.id == decided
        {
            r.withdrawn_at = Some("2026-11-19 12:30:00".into());
            b.record(okk::bundle::Record::Review(r)).unwrap();
        }
    }
    let bytes = b.finish().unwrap().0;
    (store.trust_key(&okk::store::trust::TrustedKey {
        key: key.public().to_string(),
        name: "anna".into(),
        lead: false,
        added_at: "2026-11-19 13:00:00".into(),
        how: "trusted".into(),
    }))
    .unwrap();
    let inputs = vec![okk::bundle::merge::MergeInput {
        name: "anna.okkb".into(),
        reader: okk::bundle::Reader::new(&bytes[..]).unwrap(),
    }];
    let opts = okk::bundle::merge::MergeOptions {
        own: None,
        trust_on_first_use: false,
        now: at("2026-11-20 00:00:00"),
    };
    let reports = okk::bundle::merge::merge_bundles(&mut store, inputs, &opts).unwrap();
    assert_eq!(reports[0].withdrawals_kept.len(), 1, "{reports:?}");
    assert_eq!(
        row(&decided),
        (serde_json::Value::Null, "2026-11-19 12:30:00".into())
    );
    store
        .withdraw_decision(&decision, at("2026-11-19 12:15:00"))
        .unwrap();
    assert_eq!(
        row(&decided),
        ("2026-11-19 12:30:00".into(), serde_json::Value::Null)
    );
    assert_eq!(row(&withdrawn).1, serde_json::Value::Null);
    assert!(!row(&withdrawn).0.is_null());
}

/// Migration 27: a store of schema 26 gains the columns the card as judged lives in; its
/// reviews stay as they were and read back without it (a sync's change is said, no list); a
/// verdict made since keeps the card, its custom fields by the store's field ids.
#[test]
fn a_store_of_schema_26_keeps_its_reviews_and_a_verdict_since_keeps_the_card_as_judged() {
    use okk::domain::ids::CardId;
    use okk::store::inspect::Table;
    use okk::store::reviews::{ReviewedCard, Stamp};
    let desk = Desk::demo();
    let cards: Vec<String> = (desk.rows(Table::Cards).iter().take(2))
        .map(|c| c["external_id"].as_str().unwrap().to_string())
        .collect();
    let older = desk.review(
        &cards[0],
        "anna",
        "2026-11-19 10:00:00",
        &common::Verdict::of("ok"),
    );
    desk.conn()
        .execute_batch(
            "ALTER TABLE reviews DROP COLUMN judged;
             ALTER TABLE reviews DROP COLUMN judged_signature;
             PRAGMA user_version = 26;",
        )
        .unwrap();
    let before = desk.rows(Table::Reviews);
    assert!(!before[0].contains_key("judged"));

    let mut store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    let after = desk.rows(Table::Reviews);
    for (b, a) in before.iter().zip(&after) {
        for (column, value) in b {
            assert_eq!(&a[column], value, "{column}");
        }
        assert!(a["judged"].is_null() && a["judged_signature"].is_null());
    }
    let id = |external_id: &str| CardId(desk.card(external_id)["id"].as_i64().unwrap());
    let review = store
        .current_review(id(&cards[0]).0, "anna")
        .unwrap()
        .unwrap();
    assert_eq!((review.id, review.as_judged), (older, None));

    let detail = store.card_detail(id(&cards[1]).0).unwrap().unwrap();
    assert!(
        !detail.card.fields.is_empty(),
        "a demo card has custom fields"
    );
    let card = ReviewedCard::from(&detail);
    let review = okk::domain::review::Review {
        verdict: okk::domain::review::Verdict::Stale,
        draft: Default::default(),
        score: None,
        seconds_spent: 3.0,
    };
    let stamp = Stamp {
        auditor: "anna",
        funnel_fingerprint: "fp",
        now: common::time("2026-11-19 11:00:00"),
    };
    let saved = store.save_review(&card, &review, &stamp).unwrap();
    let back = store
        .current_review(detail.card_id.0, "anna")
        .unwrap()
        .unwrap();
    assert_eq!(back.id, saved);
    assert_eq!(back.as_judged, card.as_judged, "read back as judged");
    // The row names no custom field: it keys them by the ids the cards' rows use.
    let text: String = desk
        .conn()
        .query_row("SELECT judged FROM reviews WHERE id = ?1", [&saved], |r| {
            r.get(0)
        })
        .unwrap();
    for (name, _) in &detail.card.fields {
        assert!(!text.contains(&format!("\"{name}\"")), "{name} in {text}");
    }
    let id_of: i64 = desk
        .conn()
        .query_row(
            "SELECT id FROM field_names WHERE name = ?1",
            [&*detail.card.fields[0].0],
            |r| r.get(0),
        )
        .unwrap();
    assert!(text.contains(&format!("[{id_of},")), "{text}");
}

/// Migration 29: a store of schema 28 gains a calibration's end; its calibrations are open, and
/// one ends once, the first end standing.
#[test]
fn a_store_of_schema_28_keeps_its_calibrations_open_and_one_ends_once() {
    use okk::domain::calibration::{Calibration, Ended};
    let desk = Desk::demo();
    let c = Calibration {
        id: "c-28".into(),
        stage: "Квалификация".into(),
        seed: 1,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "olga".into(),
        created_at: "2026-11-20 09:00:00".into(),
        cards: vec![("amocrm".into(), "31973177".into())],
        end: None,
    };
    Store::open(&desk.db).unwrap().save_calibration(&c).unwrap();
    desk.conn()
        .execute_batch(
            "ALTER TABLE calibrations DROP COLUMN ended_at;
             ALTER TABLE calibrations DROP COLUMN ended_by;
             ALTER TABLE calibrations DROP COLUMN end_signature;
             PRAGMA user_version = 28;",
        )
        .unwrap();
    let mut store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest());
    assert_eq!(store.calibrations().unwrap(), [c]);
    let end = |at: &str, by: &str| Ended {
        at: at.into(),
        by: by.into(),
    };
    assert!(
        store
            .end_calibration("c-28", &end("2026-11-21 09:00:00", "olga"))
            .unwrap()
    );
    assert!(
        !store
            .end_calibration("c-28", &end("2026-11-20 10:00:00", "lena"))
            .unwrap()
    );
    assert_eq!(
        store.calibrations().unwrap()[0].end,
        Some(end("2026-11-21 09:00:00", "olga"))
    );
}
