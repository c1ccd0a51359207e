//! Migration 10 (live sync): a store of schema 9 with cards gains the `crm_sync` table, keeps its
//! cards, and a sync's cursor is read back as written. A store an older okk synced, which
//! recorded none of the sync's fields, gets them at its next sync.

mod common;
#[path = "support/fake_crm.rs"]
mod fake;

use common::{Desk, succeeded};
use okk::store::Store;
use okk::store::crm::SyncState;
use okk::store::schema::MIGRATIONS;
use rusqlite::Connection;

#[test]
fn a_store_of_schema_9_gains_the_sync_cursors_and_keeps_its_cards() {
    let desk = Desk::new();
    // Schema 9 is today's schema without migration 10's table and 11's columns.
    drop(Store::open(&desk.db).unwrap());
    {
        let conn = Connection::open(&desk.db).unwrap();
        conn.execute_batch(
            "DROP TABLE crm_sync; ALTER TABLE stage_counts DROP COLUMN rest_touched_at;
             ALTER TABLE stage_counts DROP COLUMN rest_external_id; PRAGMA user_version = 9;
             INSERT INTO import_batches (file, profile, source, encoding, started_at)
                 VALUES ('f.csv', 'amocrm', 'main', 'UTF-8', '2026-11-01 10:00:00');
             INSERT INTO cards (source, external_id, stage, content_hash, first_batch,
                                changed_batch, changed_at)
                 VALUES ('main', '7', 'Квалификация', 1, 1, 1, '2026-11-01 10:00:00');",
        )
        .unwrap();
    }
    let mut store = Store::open(&desk.db).unwrap();
    assert_eq!(store.schema_version().unwrap(), MIGRATIONS.len() as i64);
    assert_eq!(store.crm_state("main").unwrap(), SyncState::default());
    let state = SyncState {
        cursor: Some(1_795_000_000),
        events_cursor: Some(1_795_000_100),
        synced_at: Some("2026-12-03 09:00:00".into()),
        full_at: None,
        resume: Some("{\"after_id\":7}".into()),
        notes_cursor: Some(1_795_000_050),
        run_begun_at: Some("2026-12-03 08:59:00".into()),
    };
    store.save_crm_state("main", &state).unwrap();
    assert_eq!(store.crm_state("main").unwrap(), state);
    assert_eq!(
        store.crm_live_ids("main").unwrap(),
        [("7".to_string(), None)]
    );
}

/// `okk check --json` as of the fake's day, judged by `funnel`: the flagged cards' flags.
fn flags(desk: &Desk, funnel: &std::path::Path) -> Vec<String> {
    let out = succeeded(
        desk.okk_funnel(funnel)
            .env("OKK_TODAY", "2026-11-20")
            .args(["check", "--json"]),
    );
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut cards: Vec<String> = json["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["id"], c["flags"]))
        .collect();
    cards.sort();
    cards
}

/// Before okk recorded a sync's fields, the rules counted a synced source as carrying every
/// field, and flagged its cards for the fields its CRM has not (here the phone and
/// «Интересующие параметры», required at «Квалификация», the stage of the fake's
/// «Переговоры», «Принимают решение» and «Показ»). The next sync records them: those flags go, and no card counts as changed.
#[test]
fn a_store_synced_before_the_sync_recorded_its_fields_loses_their_flags_at_the_next_sync() {
    let crm = fake::FakeCrm::start(fake::State::with_deals(300), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, "OKK_TEST_AMO_TOKEN");
    let built_in = std::fs::read_to_string(common::funnel_path()).unwrap();
    let funnel = desk.dir.path().join("qualifying.toml");
    let aliases = r#""Выявление потребностей"]"#;
    assert!(built_in.contains(aliases), "the built-in funnel changed");
    let qualifying = built_in.replace(
        aliases,
        r#""Выявление потребностей", "Переговоры",
        "Принимают решение", "Показ"]"#,
    );
    std::fs::write(&funnel, qualifying).unwrap();
    let sync = || {
        let out = succeeded(
            desk.okk_funnel(&funnel)
                .arg("--config")
                .arg(&config)
                .env("OKK_TEST_AMO_TOKEN", fake::TOKEN)
                .env("OKK_SYNC_RATE", "0")
                .args(["sync", "--json"]),
        );
        serde_json::from_str::<serde_json::Value>(&out).unwrap()
    };
    sync();
    let honest = flags(&desk, &funnel);
    assert!(
        honest.iter().any(|c| c.contains("«Квалификация»")),
        "{honest:#?}"
    );
    let required = |f: &[String]| f.iter().any(|c| c.contains("\"code\":\"required\""));
    assert!(!required(&honest), "{honest:#?}");
    // As such a store stands: no columns recorded for the source, the flags judged so.
    Connection::open(&desk.db)
        .unwrap()
        .execute_batch(
            "DELETE FROM source_columns; UPDATE meta SET value = '' WHERE key = 'rules_ran_for';",
        )
        .unwrap();
    assert!(required(&flags(&desk, &funnel)));

    let report = sync();
    assert_eq!(report["updated"], 0, "{report}");
    assert_eq!(flags(&desk, &funnel), honest);
}
