//! A first sync's queue indexes, built once when it ends. A file import into an empty store
//! drops the queue index and sorts it once at its commit; a sync lands in groups of a few
//! thousand deals, each a transaction, and kept both queue indexes (cards' and standings') up
//! to date card by card, in random order — the largest part of what its writer spent beyond
//! the import's. So the first group of a sync into an empty store drops them and notes their
//! SQL and the connection in `meta`, in its own transaction; the run builds them after its last
//! group. A run killed before that leaves the note: the next okk to open the store for writing
//! builds them, unless that connection's sync is running still (its lock is held).

use std::path::Path;

use super::StoreError;
use super::flags::{meta_on, set_meta_on};
use super::sync_lock::{LockError, SyncLock};

/// The connection whose run dropped the indexes (`meta`).
const DEFERRED_BY: &str = "indexes_deferred_by";
/// The dropped indexes' SQL, a JSON list of statements (`meta`).
const DEFERRED_SQL: &str = "indexes_deferred";

/// The indexes a first sync defers: the queues' (the unique ones are constraints and stay).
const QUEUE_INDEXES: &str = "SELECT name, sql FROM sqlite_schema WHERE type = 'index'
    AND tbl_name IN ('cards', 'standings') AND sql IS NOT NULL ORDER BY name";

/// Drops the queue indexes in the transaction of a first sync's first group, noting them for
/// [`build`]; `connection`: the sync's.
pub(super) fn defer(conn: &rusqlite::Connection, connection: &str) -> Result<(), StoreError> {
    let indexes: Vec<(String, String)> = conn
        .prepare(QUEUE_INDEXES)?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    if indexes.is_empty() {
        return Ok(());
    }
    let mut sql = meta_on(conn, DEFERRED_SQL)?
        .map(|s| serde_json::from_str::<Vec<String>>(&s).unwrap_or_default())
        .unwrap_or_default();
    for (name, create) in indexes {
        conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        sql.push(create);
    }
    set_meta_on(
        conn,
        DEFERRED_SQL,
        &serde_json::to_string(&sql).expect("strings serialise"),
    )?;
    set_meta_on(conn, DEFERRED_BY, connection)?;
    Ok(())
}

/// Builds the indexes a sync deferred, in a transaction of its own, and drops the note;
/// whether there were any.
pub(super) fn build(conn: &rusqlite::Connection) -> Result<bool, StoreError> {
    if meta_on(conn, DEFERRED_SQL)?.is_none() {
        return Ok(false);
    }
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    // Read again under the write lock: another okk may have built them meanwhile.
    let Some(noted) = meta_on(&tx, DEFERRED_SQL)? else {
        return Ok(false);
    };
    // A note okk cannot read builds what the schema says (it lists the same two).
    let sql: Vec<String> = serde_json::from_str(&noted).unwrap_or_else(|_| {
        vec![
            super::schema::QUEUE_INDEX_SQL.to_string(),
            super::schema::STANDINGS_INDEX_SQL.to_string(),
        ]
    });
    // Sorted on two cores in small runs, as after a bulk import (`schema::create_queue_index`).
    tx.execute_batch("PRAGMA threads = 2; PRAGMA cache_size = -4096;")?;
    let built = sql.iter().try_for_each(|create| {
        // "IF NOT EXISTS": an index built by hand, or by a rules run, stays as it is.
        let create = create.replacen("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1);
        tx.execute_batch(&create)
    });
    tx.execute_batch(&format!(
        "PRAGMA threads = 0; PRAGMA cache_size = -{};",
        super::schema::CACHE_KIB
    ))?;
    built?;
    tx.execute(
        "DELETE FROM meta WHERE key IN (?1, ?2)",
        [DEFERRED_SQL, DEFERRED_BY],
    )?;
    tx.commit()?;
    Ok(true)
}

/// At a writer's open of a store that has `meta` ([`super::schema::META_FROM`]): the indexes a
/// killed sync left unbuilt are built, unless its connection's sync is running (it builds them
/// when it ends).
pub(super) fn heal(conn: &rusqlite::Connection, db: &Path) -> Result<(), StoreError> {
    let Some(by) = meta_on(conn, DEFERRED_BY)? else {
        return Ok(());
    };
    match SyncLock::take(db, &by) {
        Ok(lock) => {
            build(conn)?;
            drop(lock);
            Ok(())
        }
        Err(LockError::Held) => Ok(()),
        // The lock's folder refused a file: the sync that could hold it cannot run either.
        Err(LockError::Io(_)) => build(conn).map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use super::super::cards::{BatchCounts, BatchMeta, parse_time};
    use super::super::sync_lock::SyncLock;
    use super::super::{Store, StoreError};

    fn indexes(store: &Store) -> Vec<String> {
        store
            .conn
            .prepare(super::QUEUE_INDEXES)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// A first sync's first group, committed: the queue indexes wait for the run's end.
    fn first_group(store: &mut Store) -> Result<(), StoreError> {
        let meta = BatchMeta {
            file: "amocrm:main",
            profile: "amocrm",
            source: "main",
            encoding: "api",
            partial: true,
            now: parse_time("2026-11-20 10:00:00").unwrap(),
            bulk: false,
            fresh_run: true,
        };
        let import = store.begin_import(&meta)?;
        import.finish(BatchCounts::default(), &[], true)?;
        Ok(())
    }

    const BOTH: [&str; 2] = ["cards_queue", "standings_queue"];

    /// Deferred by the first group, built once by the run's end, and the note gone.
    #[test]
    fn a_first_sync_builds_the_queue_indexes_once_at_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("okk.db")).unwrap();
        assert_eq!(indexes(&store), BOTH);
        first_group(&mut store).unwrap();
        assert!(indexes(&store).is_empty());
        assert_eq!(
            store.meta(super::DEFERRED_BY).unwrap().as_deref(),
            Some("main")
        );
        assert!(super::build(&store.conn).unwrap());
        assert_eq!(indexes(&store), BOTH);
        assert_eq!(store.meta(super::DEFERRED_SQL).unwrap(), None);
        assert!(!super::build(&store.conn).unwrap(), "nothing left to build");
    }

    /// A run killed after its first group: the next okk to open the store builds them, unless
    /// the connection's sync still runs (holds its lock).
    #[test]
    fn the_next_open_builds_what_a_killed_sync_deferred_unless_it_runs() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("okk.db");
        let mut store = Store::open(&path).unwrap();
        first_group(&mut store).unwrap();
        drop(store);
        let running = SyncLock::take(&path, "main").unwrap();
        let store = Store::open(&path).unwrap();
        assert!(indexes(&store).is_empty(), "its run builds them");
        drop(store);
        drop(running);
        let store = Store::open(&path).unwrap();
        assert_eq!(indexes(&store), BOTH);
        assert_eq!(store.meta(super::DEFERRED_BY).unwrap(), None);
    }

    /// A store with cards already: its queue indexes stay.
    #[test]
    fn a_sync_into_a_store_with_cards_defers_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("okk.db")).unwrap();
        let meta = BatchMeta {
            file: "a.csv",
            profile: "generic",
            source: "file",
            encoding: "UTF-8",
            partial: false,
            now: parse_time("2026-11-20 10:00:00").unwrap(),
            bulk: false,
            fresh_run: false,
        };
        let mut import = store.begin_import(&meta).unwrap();
        let card = crate::domain::Card {
            external_id: "1".into(),
            stage: "Новая".into(),
            ..Default::default()
        };
        let keys = super::super::fields::FieldKeys::default();
        import
            .insert(&super::super::cards::CardRow::new(card, 1, &keys))
            .unwrap();
        import.finish(BatchCounts::default(), &[], true).unwrap();
        first_group(&mut store).unwrap();
        assert_eq!(indexes(&store), BOTH);
    }
}
