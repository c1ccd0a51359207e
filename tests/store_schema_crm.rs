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
        values_version: Some(1),
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

/// A Bitrix24 store synced before okk kept the CRM's stages (schema 21: no `crm_stages`) has
/// no stage id for its cards: `okk export crm --profile bitrix24` leaves a move out and says
/// to run `okk sync NAME` once — these cards came from the CRM's API, not from an export file.
/// After that one sync the move is written, by the stage's semantics (migration 24) where the
/// category names its failure stage otherwise than the funnel.
#[test]
fn a_bitrix24_store_synced_before_the_stages_were_kept_is_told_to_sync_once() {
    let mut state = fake::State::with_deals(14);
    state.b24_names = std::collections::HashMap::from([("C1:LOSE", "Отказ клиента")]);
    let crm = fake::FakeCrm::start(state, 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_bitrix_config(&config, "b24", &crm.url);
    let okk = || {
        let mut cmd = desk.okk();
        cmd.arg("--config").arg(&config).env("OKK_SYNC_RATE", "0");
        cmd
    };
    succeeded(okk().args(["sync", "--json"]));
    // As an okk before schema 22 left it: no stages, and so none of migration 24's column.
    Connection::open(&desk.db)
        .unwrap()
        .execute_batch("DROP TABLE crm_stages; PRAGMA user_version = 21;")
        .unwrap();
    desk.review(
        "30000005",
        "anna",
        "2026-11-20 12:00:00",
        &common::Verdict::of("dead"),
    );
    let out = desk.file("b24.jsonl");
    let export = |lang: &str| {
        let run = okk()
            .args([
                "--lang",
                lang,
                "export",
                "crm",
                "--force",
                "--profile",
                "bitrix24",
            ])
            .args(["--out", &out])
            .output()
            .unwrap();
        assert!(run.status.success());
        (
            std::fs::read_to_string(&out).unwrap(),
            String::from_utf8_lossy(&run.stderr).into_owned(),
        )
    };
    let (file, said) = export("en");
    assert_eq!(file, "");
    assert!(
        said.contains(
            "okk: Bitrix24 takes a stage by its id, and okk has no stage ids of «b24»: its last \
             sync came before okk kept its pipelines' stages. The move to «Закрыто и не \
             реализовано» is not written, and card 30000005 left out of the file; run `okk sync \
             b24` once so okk learns the pipelines' stage ids, then export again"
        ) && !said.contains("export file"),
        "{said}"
    );
    let (_, said) = export("ru");
    assert!(
        said.contains(
            "запустите один раз `okk sync b24`, чтобы okk узнал id этапов воронок, и выгрузите \
             снова"
        ) && !said.contains("файла выгрузки"),
        "{said}"
    );
    // The store was upgraded by the export; one sync fills it.
    let version: i64 = Connection::open(&desk.db)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, MIGRATIONS.len() as i64);
    succeeded(okk().args(["sync", "--json"]));
    let semantics: Vec<(String, Option<String>)> = {
        let conn = Connection::open(&desk.db).unwrap();
        let mut stmt = conn
            .prepare(
                "SELECT stage_id, semantics FROM crm_stages WHERE pipeline_id = '1' ORDER BY sort",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let open = || Some("open".to_string());
    assert_eq!(
        semantics,
        [
            ("C1:NEW".to_string(), open()),
            ("C1:PREPARATION".to_string(), open()),
            ("C1:WON".to_string(), Some("won".to_string())),
            ("C1:LOSE".to_string(), Some("lost".to_string())),
        ]
    );
    let (file, said) = export("en");
    assert_eq!(
        file,
        "{\"method\":\"crm.deal.update\",\"params\":{\"id\":30000005,\"fields\":{\"STAGE_ID\":\"C1:LOSE\"}}}\n",
        "{said}"
    );
}
