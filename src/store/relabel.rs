//! A data migration (SQLite's 28, PostgreSQL's 19): Pipedrive's deal fields under their labels.
//! Until session 26 an import named a custom field of a Pipedrive deal by its whole header
//! (`Сделка - Бюджет`); since, by its label (`Бюджет`, the profile's `custom_field_prefixes`
//! taken off). A card keeps the fields a new export lacks, so a re-import of an old store left
//! the two names side by side. This moves the old names' values under the labels.
//!
//! What moves: the fields of the cards of Pipedrive sources (the sources an import with the
//! `pipedrive` profile wrote), and those sources' custom columns (`source_columns`). A card that
//! holds the label already (a re-import wrote it) keeps that value, the newer, and loses the old
//! pair. An old name leaves `field_names` once no card and no review's card as judged names it:
//! a review keeps the card as it was judged (and signed), under the names it had.

use std::collections::{HashMap, HashSet};

use rusqlite::params;

use crate::domain::names::{fold, strip_prefix_loosely};

/// The prefixes the old imports kept, as the Pipedrive profile of session 26 takes them off.
/// Frozen here: the migration does on a store found next year what it does today, whatever the
/// profile then says.
pub(super) const OLD_PREFIXES: [&str; 2] = ["Deal - ", "Сделка - "];

/// The label an old import's field name stands for (`Сделка - Бюджет` → `Бюджет`).
pub(super) fn label(name: &str) -> Option<&str> {
    OLD_PREFIXES
        .iter()
        .find_map(|p| strip_prefix_loosely(name, p))
}

/// A card's field key as its row keeps it: the field's id, or its name where it had none.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) enum Key {
    Id(i64),
    Name(String),
}

impl Key {
    fn from_json(v: &serde_json::Value) -> Option<Key> {
        match v {
            serde_json::Value::Number(n) => n.as_i64().map(Key::Id),
            serde_json::Value::String(s) => Some(Key::Name(s.clone())),
            _ => None,
        }
    }

    fn to_json(&self) -> serde_json::Value {
        match self {
            Key::Id(id) => (*id).into(),
            Key::Name(name) => name.as_str().into(),
        }
    }
}

/// Where an old name's values go: the label's id, and the keys a card may hold the label by.
#[derive(Debug, Clone)]
pub(super) struct Target {
    pub id: i64,
    pub name: String,
}

impl Target {
    fn is(&self, key: &Key) -> bool {
        match key {
            Key::Id(id) => *id == self.id,
            Key::Name(name) => *name == self.name,
        }
    }
}

/// A card's `fields` text with every key `moves` names under its target: `None` when nothing
/// moves (or the text is not the pairs okk writes, which the migration leaves as it is). A pair
/// whose label the card holds already, by a pair that does not move or by an earlier one that
/// moved there, goes.
pub(super) fn relabel(fields: &str, moves: &HashMap<Key, Target>) -> Option<String> {
    let pairs: Vec<(serde_json::Value, serde_json::Value)> = serde_json::from_str(fields).ok()?;
    let keys: Vec<Key> = pairs
        .iter()
        .map(|(k, _)| Key::from_json(k))
        .collect::<Option<_>>()?;
    if !keys.iter().any(|k| moves.contains_key(k)) {
        return None;
    }
    let mut out = Vec::with_capacity(pairs.len());
    let mut moved_to: Vec<i64> = Vec::new();
    for ((_, value), key) in pairs.into_iter().zip(&keys) {
        let Some(target) = moves.get(key) else {
            out.push(serde_json::Value::Array(vec![key.to_json(), value]));
            continue;
        };
        let held = keys.iter().any(|k| !moves.contains_key(k) && target.is(k));
        if held || moved_to.contains(&target.id) {
            continue;
        }
        moved_to.push(target.id);
        out.push(serde_json::Value::Array(vec![target.id.into(), value]));
    }
    Some(serde_json::Value::Array(out).to_string())
}

/// The store's old names and where each goes, the labels given ids (`new_ids`: those made
/// here). Shared by both backends: `names` is `field_names`, `id_of` gives a label its id.
pub(super) fn plan<E>(
    names: &[(i64, String)],
    mut id_of: impl FnMut(&str) -> Result<(i64, bool), E>,
) -> Result<(HashMap<Key, Target>, Vec<i64>), E> {
    let mut moves = HashMap::new();
    let mut new_ids = Vec::new();
    for (id, name) in names {
        let Some(label) = label(name) else { continue };
        let (target, new) = id_of(label)?;
        if new {
            new_ids.push(target);
        }
        let target = Target {
            id: target,
            name: label.to_string(),
        };
        moves.insert(Key::Id(*id), target.clone());
        moves.insert(Key::Name(name.clone()), target);
    }
    Ok((moves, new_ids))
}

/// A source's custom column (kept folded) under its label's name, when it has an old name.
pub(super) fn column_label(folded: &str) -> Option<String> {
    label(folded).map(fold)
}

/// The ids a card's `fields` text names.
pub(super) fn ids_in(fields: &str) -> Vec<i64> {
    serde_json::from_str::<Vec<(serde_json::Value, serde::de::IgnoredAny)>>(fields)
        .map(|pairs| pairs.iter().filter_map(|(k, _)| k.as_i64()).collect())
        .unwrap_or_default()
}

/// Runs the migration in SQLite's migrating transaction.
pub(super) fn sqlite(tx: &rusqlite::Connection) -> rusqlite::Result<()> {
    let sources: Vec<String> = tx
        .prepare("SELECT DISTINCT source FROM import_batches WHERE profile = 'pipedrive'")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if sources.is_empty() {
        return Ok(());
    }
    for source in &sources {
        let custom: Vec<String> = tx
            .prepare("SELECT name FROM source_columns WHERE source = ?1 AND kind = 'custom'")?
            .query_map([source], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for name in custom {
            let Some(label) = column_label(&name) else {
                continue;
            };
            tx.execute(
                "INSERT OR IGNORE INTO source_columns (source, kind, name) VALUES (?1, 'custom', ?2)",
                params![source, label],
            )?;
            tx.execute(
                "DELETE FROM source_columns WHERE source = ?1 AND kind = 'custom' AND name = ?2",
                params![source, name],
            )?;
        }
    }
    let names: Vec<(i64, String)> = tx
        .prepare("SELECT id, name FROM field_names ORDER BY id")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let (moves, new_ids) = plan(&names, |label| {
        let made = tx.execute(
            "INSERT OR IGNORE INTO field_names (name) VALUES (?1)",
            [label],
        )? == 1;
        let id = tx.query_row("SELECT id FROM field_names WHERE name = ?1", [label], |r| {
            r.get(0)
        })?;
        Ok::<_, rusqlite::Error>((id, made))
    })?;
    if moves.is_empty() {
        return Ok(());
    }
    let mut changed: Vec<(i64, String)> = Vec::new();
    {
        let mut cards = tx.prepare("SELECT id, fields FROM cards WHERE source = ?1")?;
        for source in &sources {
            let mut rows = cards.query([source])?;
            while let Some(r) = rows.next()? {
                let fields: String = r.get(1)?;
                if let Some(new) = relabel(&fields, &moves) {
                    changed.push((r.get(0)?, new));
                }
            }
        }
    }
    let mut update = tx.prepare("UPDATE cards SET fields = ?2 WHERE id = ?1")?;
    for (id, fields) in &changed {
        update.execute(params![id, fields])?;
    }
    // What still names a field: any card, and any review's card as judged.
    let mut used: HashSet<i64> = HashSet::new();
    {
        let mut cards = tx.prepare("SELECT fields FROM cards")?;
        let mut rows = cards.query([])?;
        while let Some(r) = rows.next()? {
            used.extend(ids_in(r.get_ref(0)?.as_str().unwrap_or("[]")));
        }
        let mut judged = tx.prepare("SELECT judged FROM reviews WHERE judged IS NOT NULL")?;
        let mut rows = judged.query([])?;
        while let Some(r) = rows.next()? {
            let text: Option<String> = r.get(0)?;
            used.extend(super::as_judged::ids(text.as_deref().unwrap_or_default()));
        }
    }
    let unused = (moves.keys())
        .filter_map(|k| match k {
            Key::Id(id) => Some(*id),
            Key::Name(_) => None,
        })
        .chain(new_ids)
        .filter(|id| !used.contains(id));
    let mut delete = tx.prepare("DELETE FROM field_names WHERE id = ?1")?;
    for id in unused.collect::<HashSet<_>>() {
        delete.execute([id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn moves() -> HashMap<Key, Target> {
        let budget = Target {
            id: 9,
            name: "Бюджет".into(),
        };
        HashMap::from([
            (Key::Id(1), budget.clone()),
            (Key::Id(2), budget.clone()),
            (Key::Name("Сделка - Бюджет".into()), budget),
        ])
    }

    #[test]
    fn old_names_lose_the_deal_s_prefix_only() {
        assert_eq!(label("Сделка - Дата встречи"), Some("Дата встречи"));
        assert_eq!(label("Deal - Budget"), Some("Budget"));
        assert_eq!(label("DEAL -  Budget"), Some("Budget"));
        for kept in [
            "Контактное лицо - Дата встречи",
            "Организация - Интересующие параметры",
            "Person - Email",
            "Бюджет",
            "Сделка -",
        ] {
            assert_eq!(label(kept), None, "{kept}");
        }
        assert_eq!(
            column_label("сделка - дата встречи").as_deref(),
            Some("дата встречи")
        );
    }

    #[test]
    fn a_field_moves_under_its_label_in_place_and_a_label_held_already_wins() {
        let m = moves();
        assert_eq!(
            relabel(r#"[[3,"a"],[1,"100"],[4,"b"]]"#, &m).as_deref(),
            Some(r#"[[3,"a"],[9,"100"],[4,"b"]]"#)
        );
        // A re-import wrote the label beside the old name: the label's value is the newer.
        assert_eq!(
            relabel(r#"[[9,"200"],[3,"a"],[1,"100"]]"#, &m).as_deref(),
            Some(r#"[[9,"200"],[3,"a"]]"#)
        );
        // Two old names of one label (`Deal - ` and `Сделка - `): the first stays.
        assert_eq!(
            relabel(r#"[[2,"x"],["Сделка - Бюджет","y"],[1,"z"]]"#, &m).as_deref(),
            Some(r#"[[9,"x"]]"#)
        );
        assert_eq!(relabel(r#"[[3,"a"]]"#, &m), None);
        assert_eq!(relabel("not json", &m), None);
        assert_eq!(relabel(r#"{"Сделка - Бюджет":"1"}"#, &m), None);
    }

    /// A store of `file`'s Pipedrive deals as this okk imports them, its path and folder.
    fn imported(file: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("okk.db");
        let mut store = crate::store::Store::open(&path).unwrap();
        import(&mut store, file);
        (dir, path)
    }

    fn import(store: &mut crate::store::Store, file: &str) -> crate::sync::ImportReport {
        let opts = crate::sync::ImportOptions {
            now: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
            ..Default::default()
        };
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/import")
            .join(file);
        let funnel = crate::funnel_config::default_funnel();
        crate::sync::import_file(store, &funnel, &fixture, &opts).unwrap()
    }

    /// Each card's custom fields by name, as the store reads them (the file as it is, not
    /// migrated).
    fn fields(path: &std::path::Path) -> Vec<(String, Vec<(String, String)>)> {
        let conn = rusqlite::Connection::open(path).unwrap();
        let names = crate::store::Store::field_names_on(&conn).unwrap();
        let mut stmt = conn
            .prepare("SELECT external_id, fields FROM cards ORDER BY external_id")
            .unwrap();
        stmt.query_map([], |r| {
            let fields: String = r.get(1)?;
            let pairs = (names.decode(Some(&fields)).into_iter())
                .map(|(n, v)| (n.to_string(), v))
                .collect();
            Ok((r.get(0)?, pairs))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    fn field_names(path: &std::path::Path) -> Vec<String> {
        sorted_names(path, "SELECT name FROM field_names")
    }

    fn custom_columns(path: &std::path::Path) -> Vec<String> {
        sorted_names(
            path,
            "SELECT name FROM source_columns WHERE kind = 'custom'",
        )
    }

    /// The names `sql` selects from the store file at `path`, sorted.
    fn sorted_names(path: &std::path::Path, sql: &str) -> Vec<String> {
        let conn = rusqlite::Connection::open(path).unwrap();
        let mut names: Vec<String> = conn
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        names.sort();
        names
    }

    /// The store as an okk before session 26 left it, at schema 27: the deal's custom field
    /// under its whole header, in `field_names` and in the source's columns, and every card's
    /// digest another (its profile took nothing off then, so its mapping differed).
    const OLD_NAMING: &str = "
        UPDATE field_names SET name = 'Сделка - ' || name
            WHERE name = 'Дата встречи в офисе продаж';
        UPDATE source_columns SET name = 'сделка - ' || name
            WHERE kind = 'custom' AND name = 'дата встречи в офисе продаж';
        UPDATE cards SET content_hash = content_hash + 1;
        PRAGMA user_version = 27;";

    #[test]
    fn an_old_pipedrive_store_migrates_to_the_labels_and_a_reimport_adds_no_second_name() {
        let file = "pipedrive_deals_ru.csv";
        let (_dir, path) = imported(file);
        let now = fields(&path);
        let names = field_names(&path);
        assert!(names.contains(&"Дата встречи в офисе продаж".to_string()));
        let columns = custom_columns(&path);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(OLD_NAMING).unwrap();
        // A review judged a card under the old name: it keeps it.
        conn.execute_batch(
            "INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage,
                                  verdict, created_at, judged)
             SELECT 'r1', id, source, external_id, 'anna', stage, 'ok', '2026-11-19 10:00:00',
                    '{\"fields\":[[' || (SELECT id FROM field_names
                                         WHERE name = 'Сделка - Дата встречи в офисе продаж')
                    || ',\"2026-11-03\"]]}'
             FROM cards WHERE external_id = '201';",
        )
        .unwrap();
        drop(conn);
        let old = fields(&path);
        assert!(
            old[0]
                .1
                .iter()
                .any(|(n, _)| n == "Сделка - Дата встречи в офисе продаж"),
            "{old:?}"
        );

        // Opening it migrates it.
        let mut store = crate::store::Store::open(&path).unwrap();
        assert_eq!(fields(&path), now, "the labels, with the values");
        assert_eq!(custom_columns(&path), columns);
        let mut expected = names.clone();
        expected.push("Сделка - Дата встречи в офисе продаж".into());
        expected.sort();
        assert_eq!(
            field_names(&path),
            expected,
            "the old name stays for the review"
        );
        let card: i64 = (store.conn)
            .query_row("SELECT id FROM cards WHERE external_id = '201'", [], |r| {
                r.get(0)
            })
            .unwrap();
        let review = store.current_review(card, "anna");
        let judged = review.unwrap().unwrap().as_judged.unwrap();
        assert_eq!(judged.fields[0].0, "Сделка - Дата встречи в офисе продаж");

        // The same file again: every field under one name, with its value.
        import(&mut store, file);
        drop(store);
        assert_eq!(fields(&path), now);
        assert_eq!(field_names(&path), expected);
        assert_eq!(custom_columns(&path), columns);
    }

    #[test]
    fn a_store_reimported_before_it_migrated_keeps_the_labels_newer_value() {
        let (_dir, path) = imported("pipedrive_deals_ru.csv");
        let now = fields(&path);
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(OLD_NAMING).unwrap();
        // What an import by this okk, before the migration, left: the label beside the old
        // name, with the export's newer value.
        conn.execute_batch(
            "INSERT INTO field_names (name) VALUES ('Дата встречи в офисе продаж');
             UPDATE cards SET fields = json_insert(fields, '$[#]', json_array(
                 (SELECT id FROM field_names WHERE name = 'Дата встречи в офисе продаж'),
                 '2026-12-01'))
             WHERE external_id = '201';
             INSERT INTO source_columns VALUES ('pipedrive', 'custom',
                                                'дата встречи в офисе продаж');",
        )
        .unwrap();
        drop(conn);
        drop(crate::store::Store::open(&path).unwrap());
        let mut expected = now.clone();
        for (name, value) in &mut expected[0].1 {
            if name == "Дата встречи в офисе продаж" {
                *value = "2026-12-01".into();
            }
        }
        let after = fields(&path);
        assert_eq!(after[0].1.len(), now[0].1.len(), "{after:?}");
        let sorted = |mut v: Vec<(String, String)>| {
            v.sort();
            v
        };
        assert_eq!(sorted(after[0].1.clone()), sorted(expected[0].1.clone()));
        assert_eq!(after[1..], expected[1..]);
        assert!(
            !field_names(&path)
                .iter()
                .any(|n| n.starts_with("Сделка - ")),
            "{:?}",
            field_names(&path)
        );
    }

    #[test]
    fn another_crm_s_columns_keep_their_names() {
        let (_dir, path) = imported("amocrm_utf8_bom.csv");
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(
            "UPDATE field_names SET name = 'Сделка - ' || name WHERE id = 1;
             PRAGMA user_version = 27;",
        )
        .unwrap();
        drop(conn);
        let before = (fields(&path), field_names(&path));
        drop(crate::store::Store::open(&path).unwrap());
        assert_eq!((fields(&path), field_names(&path)), before);
    }
}
