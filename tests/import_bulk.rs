//! The first import of a source is a bulk load: okk switches the store to SQLite's rollback
//! journal for it when nobody else has the store open, and back to WAL after — on success and
//! on failure alike.

mod common;

use common::{Desk, assert_same, fixture};
use rusqlite::Connection;

#[test]
fn a_first_import_leaves_the_store_in_wal_mode() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(r["inserted"], r["cards"]);
    assert_eq!(desk.journal_mode(), "wal");
    // A new card's first stage is its row's: no history rows until it moves.
    assert_eq!(desk.count("SELECT count(*) FROM stage_history"), 0);
    let first = desk.conn().query_row(
        "SELECT external_id, stage FROM cards ORDER BY id LIMIT 1",
        [],
        |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)),
    );
    let (id, stage) = first.unwrap();
    assert_eq!(desk.history(&id), [stage]);
}

#[test]
fn a_failed_first_import_changes_nothing_and_leaves_wal_mode() {
    let desk = Desk::new();
    // Create the empty store first, so there is something to compare.
    desk.empty_store();
    let before = desk.digest();
    let err = desk.import_fails(&[&fixture("malformed/field_count_mid.csv")]);
    assert!(err.contains(":6: "), "{err}");
    assert_same(&before, &desk.digest());
    assert_eq!(desk.journal_mode(), "wal");
}

#[test]
fn a_first_import_while_another_connection_reads_stays_in_wal_and_works() {
    let desk = Desk::new();
    desk.empty_store();
    // Another okk (an auditor's reviewer, say) has the store open and is reading.
    let other = Connection::open(&desk.db).unwrap();
    let mode: String = other
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let _n: i64 = other
        .query_row("SELECT count(*) FROM cards", [], |r| r.get(0))
        .unwrap();
    let r = desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(r["inserted"], r["cards"]);
    let n: i64 = other
        .query_row("SELECT count(*) FROM cards", [], |r| r.get(0))
        .unwrap();
    assert_eq!(Some(n as u64), r["cards"].as_u64());
    assert_eq!(desk.journal_mode(), "wal");
}
