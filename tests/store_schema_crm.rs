//! Migration 10 (live sync): a store of schema 9 with cards gains the `crm_sync` table, keeps its
//! cards, and a sync's cursor is read back as written.

mod common;

use common::Desk;
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
    };
    store.save_crm_state("main", &state).unwrap();
    assert_eq!(store.crm_state("main").unwrap(), state);
    assert_eq!(
        store.crm_live_ids("main").unwrap(),
        [("7".to_string(), None)]
    );
}
