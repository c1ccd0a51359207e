//! PostgreSQL's migration 19: Pipedrive's deal fields under their labels, as SQLite's 28 moves
//! them (`store::relabel`, which says what moves and why), in the migrating transaction.

use std::collections::HashSet;

use postgres::GenericClient;

use crate::store::relabel::{Key, column_label, ids_in, plan, relabel};

pub(super) fn migrate(tx: &mut impl GenericClient) -> Result<(), postgres::Error> {
    let sources: Vec<String> = (tx.query(
        "SELECT DISTINCT source FROM import_batches WHERE profile = 'pipedrive'",
        &[],
    )?)
    .iter()
    .map(|r| r.get(0))
    .collect();
    if sources.is_empty() {
        return Ok(());
    }
    let custom = tx.query(
        "SELECT source, name FROM source_columns
         WHERE kind = 'custom' AND source = ANY($1)",
        &[&sources],
    )?;
    for row in custom {
        let (source, name): (String, String) = (row.get(0), row.get(1));
        let Some(label) = column_label(&name) else {
            continue;
        };
        tx.execute(
            "INSERT INTO source_columns (source, kind, name) VALUES ($1, 'custom', $2)
             ON CONFLICT DO NOTHING",
            &[&source, &label],
        )?;
        tx.execute(
            "DELETE FROM source_columns WHERE source = $1 AND kind = 'custom' AND name = $2",
            &[&source, &name],
        )?;
    }
    let names: Vec<(i64, String)> = (tx
        .query("SELECT id, name FROM field_names ORDER BY id", &[])?)
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    let (moves, new_ids) = plan(&names, |label| {
        // Numbered as the import numbers them (max + 1).
        let made = tx.execute(
            "INSERT INTO field_names (id, name)
             SELECT coalesce(max(id), 0) + 1, $1 FROM field_names
             ON CONFLICT (name) DO NOTHING",
            &[&label],
        )? == 1;
        let id: i64 = tx
            .query_one("SELECT id FROM field_names WHERE name = $1", &[&label])?
            .get(0);
        Ok::<_, postgres::Error>((id, made))
    })?;
    if moves.is_empty() {
        return Ok(());
    }
    let cards = tx.query(
        "SELECT id, fields FROM cards WHERE source = ANY($1)",
        &[&sources],
    )?;
    for row in cards {
        let (id, fields): (i64, String) = (row.get(0), row.get(1));
        if let Some(new) = relabel(&fields, &moves) {
            tx.execute("UPDATE cards SET fields = $2 WHERE id = $1", &[&id, &new])?;
        }
    }
    // What still names a field: any card, and any review's card as judged.
    let mut used: HashSet<i64> = HashSet::new();
    for row in tx.query("SELECT fields FROM cards", &[])? {
        used.extend(ids_in(row.get(0)));
    }
    for row in tx.query("SELECT judged FROM reviews WHERE judged IS NOT NULL", &[])? {
        used.extend(crate::store::as_judged::ids(row.get(0)));
    }
    let unused: HashSet<i64> = (moves.keys())
        .filter_map(|k| match k {
            Key::Id(id) => Some(*id),
            Key::Name(_) => None,
        })
        .chain(new_ids)
        .filter(|id| !used.contains(id))
        .collect();
    for id in unused {
        tx.execute("DELETE FROM field_names WHERE id = $1", &[&id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::fields::FieldNames;
    use crate::store::pg::PgStore;

    use crate::store::pg::test_db::Db;

    type Fields = Vec<(String, Vec<(String, String)>)>;

    /// Each card's custom fields by name; the field names; the custom columns.
    fn look(db: &Db) -> (Fields, Vec<String>, Vec<String>) {
        let mut c = db.client();
        let pairs: Vec<(i64, String)> = (c.query("SELECT id, name FROM field_names", &[]).unwrap())
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let mut names: Vec<String> = pairs.iter().map(|(_, n)| n.clone()).collect();
        names.sort();
        let by_id = FieldNames::from_pairs(pairs);
        let fields = (c
            .query(
                "SELECT external_id, fields FROM cards ORDER BY external_id COLLATE \"C\"",
                &[],
            )
            .unwrap())
        .iter()
        .map(|r| {
            let decoded = by_id.decode(Some(r.get(1)));
            let pairs = decoded
                .into_iter()
                .map(|(n, v)| (n.to_string(), v))
                .collect();
            (r.get(0), pairs)
        })
        .collect();
        let columns = (c
            .query(
                "SELECT name FROM source_columns WHERE kind = 'custom' ORDER BY name COLLATE \"C\"",
                &[],
            )
            .unwrap())
        .iter()
        .map(|r| r.get(0))
        .collect();
        (fields, names, columns)
    }

    #[test]
    fn an_old_pipedrive_server_store_migrates_to_the_labels_and_a_reimport_adds_no_second_name() {
        let Some(db) = Db::new("okk_relabel") else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let mut store = PgStore::open(&db.url, dir.path()).unwrap();
        crate::store::pg::test_db::import_fixture(&mut store, "pipedrive_deals_ru.csv");
        drop(store);
        let now = look(&db);
        assert!(now.1.contains(&"Дата встречи в офисе продаж".to_string()));
        // The store as an okk before session 26 left it, at schema 18 (what
        // `store::relabel`'s tests do to a store file).
        db.client()
            .batch_execute(
                "UPDATE field_names SET name = 'Сделка - ' || name
                     WHERE name = 'Дата встречи в офисе продаж';
                 UPDATE source_columns SET name = 'сделка - ' || name
                     WHERE kind = 'custom' AND name = 'дата встречи в офисе продаж';
                 UPDATE okk_meta SET value = '18' WHERE key = 'schema_version';",
            )
            .unwrap();
        let old = look(&db);
        assert!(
            old.1
                .contains(&"Сделка - Дата встречи в офисе продаж".to_string())
        );

        let mut store = PgStore::open(&db.url, dir.path()).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            super::super::schema::latest()
        );
        assert_eq!(look(&db), now, "the labels, with the values");
        crate::store::pg::test_db::import_fixture(&mut store, "pipedrive_deals_ru.csv");
        drop(store);
        assert_eq!(look(&db), now, "one name a field, its value");
    }
}
