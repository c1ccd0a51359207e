//! Migration 10 (live sync): a store of schema 9 with cards gains the `crm_sync` table, keeps its
//! cards, and a sync's cursor is read back as written. A store an older okk synced, which
//! recorded none of the sync's fields, gets them at its next sync; one whose values it wrote
//! otherwise (migration 26 keeps their version) is read whole again by its next sync, once.

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

// ---- A store whose values an older okk wrote (migration 26) ----------------------------------

/// A Bitrix24 connection «b24» to the fake, synced into a desk.
struct Portal {
    crm: fake::FakeCrm,
    desk: Desk,
    config: std::path::PathBuf,
}

impl Portal {
    /// A portal of `deals` deals and 30 user fields, which `untyped` lists with no type nor
    /// items (each a `string`): okk writes each value as the deal list gives it, as an okk
    /// before it read them did.
    fn new(deals: usize, untyped: bool) -> Portal {
        let mut state = fake::State::with_deals_and_fields(deals, 30);
        state.b24_untyped = untyped;
        let crm = fake::FakeCrm::start(state, 0);
        let desk = Desk::new();
        let config = desk.dir.path().join("config.toml");
        fake::write_bitrix_config(&config, "b24", &crm.url);
        Portal { crm, desk, config }
    }

    fn okk(&self) -> assert_cmd::Command {
        let mut cmd = self.desk.okk();
        cmd.arg("--config")
            .arg(&self.config)
            .env("OKK_SYNC_RATE", "0")
            .env("OKK_SYNC_BACKOFF_MS", "5");
        cmd
    }

    /// `okk sync --json`: its report.
    fn sync(&self) -> serde_json::Value {
        serde_json::from_str(&succeeded(self.okk().args(["sync", "--json"]))).unwrap()
    }

    /// The store as an okk of schema 25 leaves it, which kept no version of the values a sync
    /// wrote: the next okk to open it adds `crm_sync.values_version`, NULL.
    fn as_an_older_okk_left_it(&self) {
        Connection::open(&self.desk.db)
            .unwrap()
            .execute_batch(
                "ALTER TABLE crm_sync DROP COLUMN values_version; PRAGMA user_version = 25;",
            )
            .unwrap();
    }

    /// The account's fields' names.
    fn names(&self) -> Vec<&'static str> {
        self.crm.with(|s| s.fields.iter().map(|f| f.1).collect())
    }

    /// The cards' user fields as an import of the portal's CSV export, today, gives them.
    fn exported(&self) -> Fields {
        let other = Desk::new();
        let csv = other.dir.path().join("bitrix24_export.csv");
        self.crm.with(|s| s.export_bitrix_csv(&csv));
        succeeded(
            other
                .okk()
                .args(["import", "--profile", "bitrix24"])
                .arg(&csv)
                .args(["--source", "b24"]),
        );
        other.account_fields(&self.names())
    }

    fn fields(&self) -> Fields {
        self.desk.account_fields(&self.names())
    }
}

type Fields = std::collections::BTreeMap<String, Vec<(String, String)>>;

/// How many of `fields` hold `value` in the field `name`.
fn holding(fields: &Fields, name: &str, value: &str) -> usize {
    (fields.values().flatten())
        .filter(|(k, v)| k == name && v == value)
        .count()
}

/// A store an older okk synced holds what its reader wrote: a list's item ids, booleans
/// `1`/`0`, dates in ISO 8601, and no version of them. Upgraded (`values_version` NULL), its
/// next sync reads every deal again though none changed — not going on from that okk's last
/// run, killed while it read the changes alone —, says so once (in the report, and `reread`
/// in `--json`), and the cards then hold the values the portal's export gives. The sync after
/// it reads the changes alone again.
#[test]
fn bitrix24_a_store_an_older_okk_synced_is_read_whole_once_and_then_holds_the_export_s_values() {
    let portal = Portal::new(160, true);
    let first = portal.sync();
    assert_eq!(first["inserted"], 160, "{first}");
    assert!(first["reread"].is_null(), "{first}");
    let old = portal.fields();
    assert!(holding(&old, "Ипотека одобрена", "1") > 0, "{old:?}");
    portal.as_an_older_okk_left_it();
    Connection::open(&portal.desk.db)
        .unwrap()
        .execute_batch(
            r#"UPDATE crm_sync SET resume = json_object('from', cursor - 10,
                   'after_id', 30000080, 'newest', cursor);"#,
        )
        .unwrap();
    portal.crm.with(|s| s.b24_untyped = false);

    let out = succeeded(portal.okk().args(["--lang", "en", "sync"]));
    let said = "every deal read again, once: an older okk wrote some values otherwise";
    assert_eq!(out.matches(said).count(), 1, "{out}");
    assert!(out.contains("b24: 160 deals read"), "{out}");
    let now = portal.fields();
    assert_eq!(now, portal.exported());
    assert_eq!(holding(&now, "Ипотека одобрена", "1"), 0);

    // Read with today's version: the next sync reads the changes alone.
    let next = portal.sync();
    assert!(next["reread"].is_null(), "{next}");
    assert!(next["rows"].as_u64().unwrap() < 50, "{next}");
    assert!(next["requests"].as_u64().unwrap() <= 8, "{next}");
    assert_eq!(
        (&next["updated"], &next["inserted"]),
        (&0.into(), &0.into())
    );
}

/// A `date` user field (not a `datetime`) is the day alone, as the portal's export writes it
/// (`15.03.2026`); an okk of values version 1 wrote it with the portal's midnight
/// (`15.03.2026 00:00:00`). Such a store (its cards' digests of those values) is read whole
/// once by the next sync, and its cards then hold what an import of the export gives.
#[test]
fn bitrix24_date_fields_synced_with_a_midnight_are_read_again_as_the_export_s_day() {
    let portal = Portal::new(160, false);
    portal.sync();
    let is_day = |v: &str| {
        let b = v.as_bytes();
        b.len() == 10 && b[2] == b'.' && b[5] == b'.' && v.replace('.', "").parse::<u32>().is_ok()
    };
    let days = |f: &Fields| (f.values().flatten()).filter(|(_, v)| is_day(v)).count();
    let synced = portal.fields();
    assert!(days(&synced) > 100, "{synced:?}");
    assert_eq!(synced, portal.exported());
    // As values version 1 left it: each day at midnight, and the digests of those values.
    let conn = Connection::open(&portal.desk.db).unwrap();
    let cards: Vec<(i64, String)> = {
        let mut stmt = conn.prepare("SELECT id, fields FROM cards").unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
        rows.map(Result::unwrap).collect()
    };
    for (id, fields) in cards {
        let mut pairs: Vec<(i64, String)> = serde_json::from_str(&fields).unwrap();
        for (_, v) in &mut pairs {
            if is_day(v) {
                v.push_str(" 00:00:00");
            }
        }
        conn.execute(
            "UPDATE cards SET fields = ?2, content_hash = content_hash + 1 WHERE id = ?1",
            rusqlite::params![id, serde_json::to_string(&pairs).unwrap()],
        )
        .unwrap();
    }
    conn.execute("UPDATE crm_sync SET values_version = 1", [])
        .unwrap();
    drop(conn);
    assert_eq!(days(&portal.fields()), 0);

    let again = portal.sync();
    assert_eq!(again["reread"], "values", "{again}");
    assert_eq!(again["rows"], 160, "{again}");
    let now = portal.fields();
    assert_eq!(now, synced);
    assert_eq!(now, portal.exported());
    let next = portal.sync();
    assert!(next["reread"].is_null(), "{next}");
}

/// The re-reading sync killed half-way: the next sync goes on after the last deal it landed,
/// still reading every deal from there (not only the changes), and says so again; the sync
/// after it reads the changes alone.
#[test]
fn bitrix24_a_re_reading_sync_killed_half_way_is_finished_by_the_next() {
    let portal = Portal::new(1000, true);
    portal.sync();
    portal.as_an_older_okk_left_it();
    let before = portal.crm.with(|s| {
        s.b24_untyped = false;
        s.faults.note_page_delay = std::time::Duration::from_millis(100);
        s.comment_batches
    });
    let probe = portal.okk();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("okk"));
    for (k, v) in probe.get_envs() {
        match v {
            Some(v) => child.env(k, v),
            None => child.env_remove(k),
        };
    }
    let mut child = child
        .args(probe.get_args())
        .args(["sync", "--json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // A group lands what came within a second of its first page.
    while portal.crm.with(|s| s.comment_batches) < before + 14 {
        assert!(child.try_wait().unwrap().is_none(), "the sync ended first");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    portal
        .crm
        .with(|s| s.faults.note_page_delay = std::time::Duration::ZERO);
    let yes_no =
        |f: &Fields| holding(f, "Ипотека одобрена", "Да") + holding(f, "Ипотека одобрена", "Нет");
    let halfway = yes_no(&portal.fields());
    assert!(halfway > 0, "the killed run landed pages");

    let report = portal.sync();
    assert_eq!(report["reread"], "values", "{report}");
    assert!(report["resumed_run_begun_at"].is_string(), "{report}");
    let rows = report["rows"].as_u64().unwrap();
    assert!((50..1000).contains(&rows), "{report}");
    let now = portal.fields();
    assert_eq!(now, portal.exported());
    assert!(yes_no(&now) > halfway);

    let next = portal.sync();
    assert!(next["reread"].is_null(), "{next}");
    assert!(next["rows"].as_u64().unwrap() < 50, "{next}");
}

/// The version is per connection and per reader: an amoCRM store an older okk synced (no
/// version kept) is not read again, its reader writing values as it always has.
#[test]
fn an_amocrm_store_an_older_okk_synced_reads_only_the_changes() {
    let crm = fake::FakeCrm::start(fake::State::with_deals(300), 0);
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    fake::write_config(&config, "main", &crm.url, "OKK_TEST_AMO_TOKEN");
    let sync = || -> serde_json::Value {
        let out = succeeded(
            desk.okk()
                .arg("--config")
                .arg(&config)
                .env("OKK_TEST_AMO_TOKEN", fake::TOKEN)
                .env("OKK_SYNC_RATE", "0")
                .args(["sync", "--json"]),
        );
        serde_json::from_str(&out).unwrap()
    };
    sync();
    Connection::open(&desk.db)
        .unwrap()
        .execute_batch("ALTER TABLE crm_sync DROP COLUMN values_version; PRAGMA user_version = 25;")
        .unwrap();
    let again = sync();
    assert!(again["reread"].is_null(), "{again}");
    assert!(again["rows"].as_u64().unwrap() < 300, "{again}");
    assert!(again["requests"].as_u64().unwrap() <= 7, "{again}");
}
