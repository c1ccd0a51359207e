//! The server's records in a store file copied from a team server for one of its users (`okk db
//! copy URL FILE`): marked at the copy, so that the file's bundles carry only what is made on it
//! after (the server has the rest), and kept true by a prune.
//!
//! No table says where a row came from, so the copy writes a mark in `meta`: the last review and
//! the last lead decision it wrote (rows are written in order into the new file: every row at or
//! before the mark, by rowid, is the server's; a later one was made or merged here), and each
//! calibration it wrote with its end as copied (few and small: one whose end changed here, a
//! lead's end on her laptop, travels again). The mark names rows by their ids, not their rowids:
//! a file rebuilt in rowid order keeps the same split.

use std::collections::HashMap;

use rusqlite::OptionalExtension;

use super::StoreError;

/// `meta` key of the mark (JSON: `{"reviews": ID|null, "lead_decisions": ID|null,
/// "calibrations": {ID: ENDED_AT|null}}`).
const COPIED_KEY: &str = "copied_from_server";

/// The tables whose rows the mark splits by rowid.
const TABLES: [&str; 2] = ["reviews", "lead_decisions"];

/// Where the server's records end in a store file copied from a team server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Copied {
    /// The rowid of the last review copied (0: none); later rows were made here.
    pub reviews: i64,
    /// The rowid of the last lead decision copied (0: none).
    pub decisions: i64,
    /// Each calibration copied, with its end (`ended_at`) as copied.
    pub calibrations: HashMap<String, Option<String>>,
}

impl Copied {
    /// Whether calibration `id`, ended `ended_at` now, is the server's as copied (an end made
    /// here is this store's to send).
    pub fn calibration(&self, id: &str, ended_at: Option<&str>) -> bool {
        self.calibrations
            .get(id)
            .is_some_and(|copied| copied.as_deref() == ended_at)
    }
}

/// Marks every review, decision and calibration of the file just copied as the server's (in the
/// copy's transaction).
pub(crate) fn mark(conn: &rusqlite::Connection) -> Result<(), StoreError> {
    let mut marks = serde_json::Map::new();
    for table in TABLES {
        let last: Option<String> = conn
            .query_row(
                &format!("SELECT id FROM {table} ORDER BY rowid DESC LIMIT 1"),
                [],
                |r| r.get(0),
            )
            .optional()?;
        marks.insert(table.into(), last.into());
    }
    let mut stmt = conn.prepare("SELECT id, ended_at FROM calibrations")?;
    let calibrations = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?))
        })?
        .map(|c| c.map(|(id, end)| (id, serde_json::Value::from(end))))
        .collect::<Result<serde_json::Map<_, _>, _>>()?;
    marks.insert("calibrations".into(), calibrations.into());
    super::flags::set_meta_on(
        conn,
        COPIED_KEY,
        &serde_json::Value::from(marks).to_string(),
    )
}

/// The mark of a store file copied from a server (`None`: not such a file). A row the mark names
/// that is gone (it cannot be: a prune moves the mark first) marks nothing: its table's rows are
/// all taken as made here, which sends the server some it has, never holds back one it has not.
pub(crate) fn read(conn: &rusqlite::Connection) -> Result<Option<Copied>, StoreError> {
    let Some(text) = super::flags::meta_on(conn, COPIED_KEY)? else {
        return Ok(None);
    };
    let marks: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let rowid = |table: &str| -> Result<i64, StoreError> {
        let Some(id) = marks[table].as_str() else {
            return Ok(0);
        };
        Ok(conn
            .query_row(
                &format!("SELECT rowid FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .optional()?
            .unwrap_or(0))
    };
    let calibrations = (marks["calibrations"].as_object().into_iter().flatten())
        .map(|(id, end)| (id.clone(), end.as_str().map(String::from)))
        .collect();
    Ok(Some(Copied {
        reviews: rowid(TABLES[0])?,
        decisions: rowid(TABLES[1])?,
        calibrations,
    }))
}

/// Before a prune deletes `going` (SQL listing the ids of the reviews it takes; their decisions
/// go with them): a mark on a row that goes moves to the last row before it that stays, so that
/// a row made here later, given a rowid the deleted ones had, is not taken for the server's.
pub(crate) fn keep_past(conn: &rusqlite::Connection, going: &str) -> Result<(), StoreError> {
    let Some(text) = super::flags::meta_on(conn, COPIED_KEY)? else {
        return Ok(());
    };
    let mut marks: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let going = [
        format!("SELECT id FROM ({going})"),
        format!("SELECT id FROM lead_decisions WHERE review_id IN ({going})"),
    ];
    for (table, going) in TABLES.into_iter().zip(going) {
        let Some(id) = marks[table].as_str().map(String::from) else {
            continue;
        };
        let kept: Option<String> = conn
            .query_row(
                &format!(
                    "SELECT id FROM {table}
                     WHERE rowid <= (SELECT rowid FROM {table} WHERE id = ?1)
                       AND id NOT IN ({going})
                     ORDER BY rowid DESC LIMIT 1"
                ),
                [&id],
                |r| r.get(0),
            )
            .optional()?;
        marks[table] = kept.into();
    }
    super::flags::set_meta_on(conn, COPIED_KEY, &marks.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("okk.db")).unwrap();
        (dir, store)
    }

    /// Reviews `ids` by `auditor`, and an accept on each, as rows of their own (no cards: the
    /// mark reads ids and rowids only).
    fn plant(store: &Store, ids: &[&str]) {
        for id in ids {
            store
                .conn
                .execute(
                    "INSERT INTO reviews (id, card_source, card_external_id, auditor, stage,
                                          verdict, created_at)
                     VALUES (?1, 'a', ?1, 'boris', 'Квалификация', 'ok', '2026-11-19 10:00:00')",
                    [id],
                )
                .unwrap();
            store
                .conn
                .execute(
                    "INSERT INTO lead_decisions (id, review_id, lead, decision, created_at)
                     VALUES ('d-' || ?1, ?1, 'lena', 'accept', '2026-11-19 11:00:00')",
                    [id],
                )
                .unwrap();
        }
    }

    fn rowid(store: &Store, table: &str, id: &str) -> i64 {
        store
            .conn
            .query_row(
                &format!("SELECT rowid FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .unwrap()
    }

    #[test]
    fn a_store_not_copied_from_a_server_has_no_mark() {
        let (_dir, store) = store();
        plant(&store, &["r1"]);
        assert_eq!(read(&store.conn).unwrap(), None);
    }

    #[test]
    fn the_mark_ends_at_the_last_row_copied_and_a_calibration_s_end_made_here_is_not_the_server_s()
    {
        let (_dir, store) = store();
        plant(&store, &["r1", "r2"]);
        store
            .conn
            .execute_batch(
                "INSERT INTO calibrations (id, stage, seed, auditors, created_by, created_at)
                 VALUES ('k1', 'Квалификация', 1, '[\"anna\"]', 'lena', '2026-11-19 09:00:00')",
            )
            .unwrap();
        mark(&store.conn).unwrap();
        plant(&store, &["r3"]);
        let copied = read(&store.conn).unwrap().expect("marked");
        assert_eq!(copied.reviews, rowid(&store, "reviews", "r2"));
        assert!(rowid(&store, "reviews", "r3") > copied.reviews);
        assert_eq!(copied.decisions, rowid(&store, "lead_decisions", "d-r2"));
        assert!(copied.calibration("k1", None));
        assert!(
            !copied.calibration("k1", Some("2026-11-20 10:00:00")),
            "ended here"
        );
        assert!(!copied.calibration("k2", None), "made here");
    }

    /// A prune that takes the last rows copied, and every row made since: a row made after it
    /// takes the rowid the last one had, and is this store's to send all the same.
    #[test]
    fn a_prune_of_the_last_rows_copied_moves_the_mark_before_them() {
        let (_dir, store) = store();
        plant(&store, &["r1", "r2", "r3"]);
        mark(&store.conn).unwrap();
        plant(&store, &["r4"]);
        store
            .conn
            .execute_batch(
                "CREATE TEMP TABLE prune_reviews AS
                     SELECT id FROM reviews WHERE id IN ('r2', 'r3', 'r4');",
            )
            .unwrap();
        keep_past(&store.conn, "SELECT id FROM temp.prune_reviews").unwrap();
        store
            .conn
            .execute_batch(
                "DELETE FROM lead_decisions WHERE review_id IN (SELECT id FROM temp.prune_reviews);
                 DELETE FROM reviews WHERE id IN (SELECT id FROM temp.prune_reviews);",
            )
            .unwrap();
        plant(&store, &["r5"]);
        let copied = read(&store.conn).unwrap().expect("marked");
        assert_eq!(copied.reviews, rowid(&store, "reviews", "r1"));
        assert_eq!(rowid(&store, "reviews", "r5"), copied.reviews + 1);
        assert_eq!(copied.decisions, rowid(&store, "lead_decisions", "d-r1"));
        // Every copied row gone: nothing left is the server's.
        store
            .conn
            .execute_batch(
                "DELETE FROM temp.prune_reviews; INSERT INTO temp.prune_reviews VALUES ('r1');",
            )
            .unwrap();
        keep_past(&store.conn, "SELECT id FROM temp.prune_reviews").unwrap();
        let copied = read(&store.conn).unwrap().expect("marked");
        assert_eq!((copied.reviews, copied.decisions), (0, 0));
    }
}
