//! `store::inspect`, the read-only look the tests take at a store: looking never changes it.

mod common;

use common::{Desk, Table, fixture};
use okk::store::inspect::Inspect;

#[test]
fn looking_at_a_store_writes_nothing_and_a_missing_one_is_not_made() {
    let desk = Desk::new();
    assert!(Inspect::open(&desk.db).is_err(), "no store: an error");
    assert!(!desk.db.exists(), "and no file made");

    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let bytes = std::fs::read(&desk.db).unwrap();
    let look = Inspect::open(&desk.db).unwrap();
    let digest = look.digest().unwrap();
    assert_eq!(look.rows(Table::Cards).unwrap().len(), 5);
    assert_eq!(digest["cards"].len(), 5);
    assert_eq!(look.journal_mode().unwrap(), "wal");
    drop(look);
    assert_eq!(
        std::fs::read(&desk.db).unwrap(),
        bytes,
        "the file is as it was"
    );
}

#[test]
fn a_cards_fields_are_read_by_name_and_rows_come_in_the_order_written() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let look = Inspect::open(&desk.db).unwrap();
    let ids: Vec<i64> = look
        .rows(Table::Cards)
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted);
    let card = look.card("1001").unwrap().expect("card 1001");
    let fields: serde_json::Value = serde_json::from_str(card["fields"].as_str().unwrap()).unwrap();
    assert_eq!(fields["Кем создана сделка"], "Администратор", "{fields}");
    assert!(look.card("no such card").unwrap().is_none());
}
