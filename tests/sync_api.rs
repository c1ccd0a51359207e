//! The desk syncs its amoCRM and Bitrix24 accounts over their APIs instead of exporting files:
//! the first sync
//! reads every deal, later ones only what changed (moves, edits, deletions, new deals), a sync
//! killed mid-way resumes, a busy CRM is waited for, a refused token changes nothing.
//! Every test talks to the fake CRM of tests/support on 127.0.0.1.

mod common;
#[path = "support/fake_crm.rs"]
mod fake;

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use common::{Desk, Table, Verdict, succeeded, text};
use fake::{FakeCrm, State, TOKEN};
use serde_json::Value as Json;

const TOKEN_ENV: &str = "OKK_TEST_AMO_TOKEN";

struct Synced {
    desk: Desk,
    config: PathBuf,
    funnel: PathBuf,
}

impl Synced {
    fn new(crm: &FakeCrm) -> Synced {
        Synced::at(&crm.url)
    }

    /// An amoCRM connection «main» to the fake at `url`.
    fn at(url: &str) -> Synced {
        let desk = Desk::new();
        let config = desk.dir.path().join("config.toml");
        fake::write_config(&config, "main", url, TOKEN_ENV);
        Synced {
            desk,
            config,
            funnel: common::funnel_path(),
        }
    }

    fn bitrix(crm: &FakeCrm) -> Synced {
        Synced::bitrix_at(&crm.url)
    }

    /// A Bitrix24 connection «b24» to the fake at `url`.
    fn bitrix_at(url: &str) -> Synced {
        let desk = Desk::new();
        let config = desk.dir.path().join("config.toml");
        fake::write_bitrix_config(&config, "b24", url);
        Synced {
            desk,
            config,
            funnel: common::funnel_path(),
        }
    }

    /// Judged by [`qualifying_funnel`] instead of the built-in one.
    fn qualifying(mut self) -> Synced {
        self.funnel = qualifying_funnel(self.desk.dir.path());
        self
    }

    fn okk(&self) -> Command {
        let mut cmd = self.desk.okk_funnel(&self.funnel);
        cmd.arg("--config")
            .arg(&self.config)
            .env(TOKEN_ENV, TOKEN)
            // The fake answers at once: no need to wait between requests or long on a 429.
            .env("OKK_SYNC_RATE", "0")
            .env("OKK_SYNC_BACKOFF_MS", "5");
        cmd
    }

    /// `okk sync --json ARGS`, which must succeed: the one connection's report.
    fn sync(&self, args: &[&str]) -> Json {
        let stdout = succeeded(self.okk().arg("sync").arg("--json").args(args));
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 1, "one line per connection: {stdout}");
        serde_json::from_str(lines[0]).unwrap()
    }

    /// `okk sync ARGS`, which must fail with exit code 1: its stderr.
    fn sync_fails(&self, args: &[&str]) -> String {
        let out = self.okk().arg("sync").args(args).output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
        stderr
    }
}

/// The built-in funnel in which the fake's «Переговоры», «Принимают решение» and «Показ» are
/// names of «Квалификация», a stage that requires the phone and «Интересующие параметры»: fields
/// neither the fake's API nor its export has. Written into `dir`; its path.
fn qualifying_funnel(dir: &std::path::Path) -> PathBuf {
    let built_in = std::fs::read_to_string(common::funnel_path()).unwrap();
    let aliases = r#"aliases = ["Квалификация клиента", "Выявление потребностей"]"#;
    assert!(built_in.contains(aliases), "the built-in funnel changed");
    let funnel = built_in.replace(
        aliases,
        r#"aliases = ["Квалификация клиента", "Выявление потребностей", "Переговоры",
  "Принимают решение", "Показ"]"#,
    );
    let path = dir.join("qualifying.toml");
    std::fs::write(&path, funnel).unwrap();
    path
}

/// `okk check --json` as of the fake's day: each flagged card's id and flags, sorted.
fn flags_of(okk: Command) -> Vec<String> {
    let mut okk = okk;
    let out = succeeded(okk.env("OKK_TODAY", "2026-11-20").args(["check", "--json"]));
    let json: Json = serde_json::from_str(&out).unwrap();
    let mut cards: Vec<String> = json["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{} {}", c["id"], c["flags"]))
        .collect();
    cards.sort();
    cards
}

/// (rows, inserted, updated, unchanged, gone)
fn tally(r: &Json) -> (u64, u64, u64, u64, u64) {
    let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("no {k} in {r}"));
    (
        n("rows"),
        n("inserted"),
        n("updated"),
        n("unchanged"),
        n("gone"),
    )
}

#[test]
fn first_sync_reads_every_deal_and_a_second_with_nothing_changed_costs_a_handful_of_requests() {
    let crm = FakeCrm::start(State::with_deals(620), 0);
    let desk = Synced::new(&crm);

    let first = desk.sync(&[]);
    assert_eq!(tally(&first), (620, 620, 0, 0, 0));
    assert_eq!(first["since"], Json::Null);
    assert!(first["until"].is_string());
    // Metadata (pipelines, users, fields), two pages of 250 notes, three of 250 deals, events.
    assert!(first["requests"].as_u64().unwrap() <= 9, "{first}");
    assert_eq!(desk.desk.rows(Table::Cards).len() as i64, 620);
    // The groups after the first ran under the rollback journal (a fresh source's bulk path);
    // the store is back in WAL mode.
    assert_eq!(desk.desk.journal_mode(), "wal");
    // 142/143 repeat in both pipelines, and each card keeps its own pipeline's name.
    assert_eq!(
        desk.desk
            .rows(Table::Cards)
            .iter()
            .filter(|c| c["stage"] == "Успешно реализовано")
            .map(|c| c["pipeline"].to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        2
    );
    // `custom_fields_values: null` is a card with no custom fields, not an error.
    let bare = desk.desk.card("30000000");
    assert_eq!(bare["owner"], "Смирнова Ольга");
    let with_fields = desk.desk.card("30000001");
    assert!(
        with_fields["fields"].as_str().unwrap().contains("ЦИАН"),
        "{with_fields:?}"
    );

    let before = crm.requests();
    let again = desk.sync(&[]);
    let (rows, inserted, updated, unchanged, gone) = tally(&again);
    assert_eq!((inserted, updated, gone), (0, 0, 0));
    assert_eq!(rows, unchanged);
    assert!(rows < 10, "only the overlap is read again: {again}");
    let cost = crm.requests() - before;
    assert!(
        cost <= 10,
        "a sync with nothing changed cost {cost} requests"
    );
    assert_eq!(again["requests"].as_u64().unwrap(), cost);
    assert_eq!(again["since"], first["until"]);
}

/// The report's unknown stage counts the cards the store holds in it, not the deals this
/// run happened to read: a sync with nothing changed still says the stage holds them all.
#[test]
fn an_unknown_stage_counts_the_cards_the_store_holds_there_whatever_the_sync_read() {
    let crm = FakeCrm::start(State::with_deals(620), 0);
    let desk = Synced::new(&crm);
    let first = desk.sync(&[]);
    let held = desk
        .desk
        .rows(Table::Cards)
        .iter()
        .filter(|c| c["stage"] == "Переговоры")
        .count() as u64;
    assert!(held > 10, "{held}");
    let stage = |r: &Json| {
        r["unknown_stages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["stage"] == "Переговоры")
            .cloned()
            .unwrap_or_else(|| panic!("no «Переговоры» in {r}"))
    };
    assert_eq!(stage(&first)["cards"], held);
    assert_eq!(stage(&first)["read"], held);

    // Nothing changed: the overlap's few deals are read, the stage still holds them all.
    let again = desk.sync(&[]);
    assert!(again["rows"].as_u64().unwrap() < 10, "{again}");
    assert_eq!(stage(&again)["cards"], held, "{again}");
    assert!(stage(&again)["read"].as_u64().unwrap() < 10, "{again}");
    let out = succeeded(desk.okk().env("OKK_LANG", "ru").arg("sync"));
    let line = format!("этапа нет в воронке: Переговоры ({held} карточ");
    assert!(out.contains(&line), "{out}");
}

/// Two connections whose deals share a stage the funnel lacks: each one's report counts its
/// own cards there and says whose they are, not the store's (which `okk stats` counts).
#[test]
fn an_unknown_stage_of_two_connections_is_counted_per_connection_and_said_so() {
    let crm = FakeCrm::start(State::with_deals(70), 0);
    let desk = Synced::new(&crm);
    let amo = std::fs::read_to_string(&desk.config).unwrap();
    fake::write_bitrix_config(&desk.config, "b24", &crm.url);
    let b24 = std::fs::read_to_string(&desk.config).unwrap();
    std::fs::write(&desk.config, format!("{amo}\n{b24}")).unwrap();
    let out = succeeded(desk.okk().arg("sync"));
    let at = |source: &str| {
        (desk.desk.rows(Table::Cards).iter())
            .filter(|c| c["stage"] == "Переговоры" && c["source"] == source)
            .count()
    };
    let (main, b24) = (at("main"), at("b24"));
    assert!(main > 0 && b24 > 0, "{main} {b24}");
    for (source, n) in [("main", main), ("b24", b24)] {
        let line = format!("stage not in the funnel: Переговоры ({n} cards of «{source}»)");
        assert!(out.contains(&line), "{line}\n{out}");
    }
    assert!(!out.contains("in the store"), "{out}");
    let out = succeeded(desk.okk().env("OKK_LANG", "ru").arg("sync"));
    let line = format!("этапа нет в воронке: Переговоры ({b24} карточек источника «b24»)");
    assert!(out.contains(&line), "{line}\n{out}");
}

#[test]
fn deals_moved_on_to_a_stage_the_funnel_does_not_know_are_moves_not_a_rename() {
    // «Первичный контакт» is in the funnel, «Переговоры» is not, and holds deals already.
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    let moved = crm.with(|s| {
        let ids: Vec<i64> = (s.deals.iter())
            .filter(|d| d.pipeline == 7_000_001 && d.status == 60_000_002)
            .map(|d| d.id)
            .collect();
        assert!(
            (s.deals.iter()).any(|d| d.pipeline == 7_000_001 && d.status == 60_000_003),
            "«Переговоры» holds deals before the moves"
        );
        for id in &ids {
            s.move_deal(*id, 60_000_003);
        }
        ids.len()
    });
    assert!(moved >= 3, "{moved}");
    // Every card the sync reads left «Первичный контакт» for «Переговоры»: read alone, that is
    // what a rename looks like; the stages' ids say nothing was renamed.
    for args in [&["--dry-run"][..], &[]] {
        let report = desk.sync(args);
        assert_eq!(report["stage_changes"], moved, "{args:?} {report}");
        assert!(
            report.get("probable_renames").is_none(),
            "{args:?} {report}"
        );
    }
}

/// Between two syncs the CRM moves deal `moved` to stage `to`, renames 30000002, deletes
/// 30000003 and gains a deal, whose id it returns.
fn plant_changes(crm: &FakeCrm, moved: i64, to: i64) -> i64 {
    crm.with(|s| {
        s.move_deal(moved, to);
        s.rename(30_000_002, "Переименована");
        s.delete(30_000_003);
        s.add()
    })
}

/// A first sync, then [`plant_changes`] in the CRM and a second sync, which brings the one new
/// deal, the two changed ones and the one move: its report and the new deal's id.
fn changed_since_the_first_sync(crm: &FakeCrm, desk: &Synced, moved: i64, to: i64) -> (Json, i64) {
    desk.sync(&[]);
    let new_id = plant_changes(crm, moved, to);
    let report = desk.sync(&[]);
    assert_eq!(report["inserted"], 1);
    assert_eq!(report["updated"], 2);
    assert_eq!(report["stage_changes"], 1);
    (report, new_id)
}

/// A Unix time as the store keeps it (UTC).
fn utc(t: i64) -> chrono::NaiveDateTime {
    chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc()
}

/// `okk sync --dry-run` on a machine okk never ran on, as `okk import --dry-run`: the default
/// funnel is used from memory, not written to the home folder.
#[test]
fn a_dry_run_sync_on_a_new_machine_writes_no_funnel_config() {
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let desk = Synced::new(&crm);
    let out = desk
        .desk
        .okk_bare()
        .arg("--db")
        .arg(&desk.desk.db)
        .arg("--config")
        .arg(&desk.config)
        .env(TOKEN_ENV, TOKEN)
        .env("OKK_SYNC_RATE", "0")
        .args(["sync", "--dry-run", "--json"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "{err}");
    let config = desk.desk.dir.path().join("home/.config");
    assert!(
        !config.exists(),
        "a dry run wrote into {}",
        config.display()
    );
    assert!(
        err.contains("would write the default funnel config to"),
        "{err}"
    );
    // Nor a store: the dry run read the deals and wrote none of them.
    let report: serde_json::Value =
        serde_json::from_slice(out.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(report["inserted"], 3, "{report}");
    assert!(!desk.desk.db.exists(), "a dry run made the store");
    // It would be a full pass, and records none: the last one is still none.
    assert_eq!(
        (&report["full"], &report["full_sweep_at"]),
        (&true.into(), &serde_json::Value::Null),
        "{report}"
    );
}

#[test]
fn pages_that_come_while_the_last_is_written_land_with_it_in_one_transaction() {
    let crm = FakeCrm::start(State::with_deals(4000), 0);
    let desk = Synced::new(&crm);

    let first = desk.sync(&[]);
    assert_eq!(tally(&first), (4000, 4000, 0, 0, 0));
    // Sixteen pages of 250, read ahead while the store writes: fewer commits than pages (each
    // commit is one import batch), and every card once.
    let leads = crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    let batches = desk.desk.rows(Table::ImportBatches).len() as u64;
    assert!(leads >= 16, "{leads} pages");
    assert!(
        batches < 16,
        "{batches} transactions for {leads} requests of 16 pages"
    );
    assert_eq!(distinct_ids(&desk.desk), 4000);
}

#[test]
fn a_move_in_amocrm_enters_the_stage_history_at_the_crms_own_time_not_the_syncs() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    // Moved before okk ever synced: the card's one visit is dated by the CRM's event.
    let early = crm.with(|s| {
        s.move_deal(30_000_008, 60_000_004);
        s.moves.last().unwrap().at
    });
    desk.sync(&[]);
    assert_eq!(
        desk.desk.visits("30000008"),
        [("Принимают решение".to_string(), utc(early))]
    );
    let first = desk.desk.visits("30000001");
    assert_eq!(first.len(), 1, "a card that never moved has one visit");

    // Moved three times between syncs, back to its stage and on again (the CRM's clock this
    // machine's): each move is a visit of its own, at the CRM's time, whatever order the
    // events come in (newest first).
    let times = crm.with(|s| {
        s.clock = chrono::Utc::now().timestamp();
        for to in [60_000_004, 60_000_002, 60_000_004] {
            s.move_deal(30_000_001, to);
        }
        let n = s.moves.len();
        [n - 3, n - 2, n - 1].map(|i| utc(s.moves[i].at))
    });
    let report = desk.sync(&[]);
    assert_eq!(report["stage_changes"], 1);
    let moved = times[2];
    assert_eq!(
        desk.desk.visits("30000001"),
        [
            first[0].clone(),
            ("Принимают решение".to_string(), times[0]),
            ("Первичный контакт".to_string(), times[1]),
            ("Принимают решение".to_string(), moved)
        ]
    );
    // A sync with nothing new leaves the history as it is.
    desk.sync(&[]);
    assert_eq!(desk.desk.visits("30000001")[3].1, moved);
}

#[test]
fn an_incremental_sync_brings_moves_edits_deletions_and_new_deals() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    let (report, new_id) = changed_since_the_first_sync(&crm, &desk, 30_000_001, 60_000_004);
    assert_eq!(report["gone"], 1);
    assert!(report["requests"].as_u64().unwrap() <= 10, "{report}");

    assert_eq!(
        desk.desk.history("30000001"),
        ["Первичный контакт", "Принимают решение"]
    );
    assert_eq!(desk.desk.card("30000002")["title"], "Переименована");
    assert!(desk.desk.card("30000003")["gone_at"].is_string());
    assert_eq!(desk.desk.card(&new_id.to_string())["gone_at"], Json::Null);
    assert_eq!(
        desk.desk
            .rows_where(Table::Cards, |c| c["gone_at"].is_null()),
        300
    );
}

/// A sync that changed cards makes no pass over the store for the fill trend; the next look at
/// the fields records the point of the latest transaction that changed cards.
#[test]
fn an_incremental_sync_records_no_fill_and_the_next_look_records_its_point() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    changed_since_the_first_sync(&crm, &desk, 30_000_001, 60_000_004);
    assert!(desk.desk.rows(Table::FillSnapshots).is_empty());
    succeeded(desk.okk().args(["fields", "--json"]));
    let runs: std::collections::BTreeSet<i64> = desk
        .desk
        .rows(Table::FillSnapshots)
        .iter()
        .map(|r| r["batch_id"].as_i64().unwrap())
        .collect();
    let changing = desk
        .desk
        .rows(Table::ImportBatches)
        .iter()
        .filter(|b| ["inserted", "updated", "gone"].iter().any(|k| b[*k] != 0))
        .map(|b| b["id"].as_i64().unwrap())
        .max();
    assert_eq!(
        runs.into_iter().collect::<Vec<_>>(),
        Vec::from_iter(changing)
    );
}

#[test]
fn a_sync_killed_mid_way_resumes_where_it_stopped_with_no_card_lost_or_doubled() {
    let mut state = State::with_deals(2000);
    state.faults.page_delay = Duration::from_millis(250);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);

    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    // Pages come 250 ms apart and a group lands what came within a second of its first.
    kill_after(&desk, || leads() >= 7);

    let landed = desk.desk.rows(Table::Cards).len() as i64;
    assert!(landed > 0 && landed < 2000, "{landed} cards after the kill");
    // The first group left the queue indexes to the run's end, which did not come.
    assert!(desk.desk.queue_indexes().is_empty());

    crm.with(|s| s.faults.page_delay = Duration::ZERO);
    let report = desk.sync(&[]);
    assert_eq!(report["inserted"].as_u64().unwrap() as i64, 2000 - landed);
    // Resumed from the cursor, not from the start: the deals it reads are those not landed,
    // and the few of the last landed second read again for the cursor's overlap. (Not the
    // requests: a kill under load may come after a single page landed, and the rest then
    // takes as many pages as a read from the start would, the overlap's deal tipping them.)
    let read = report["rows"].as_u64().unwrap() as i64;
    assert!(
        read <= 2000 - landed + 5,
        "resumed from the cursor, not from the start: {read} deals read, {landed} landed"
    );
    assert_eq!(desk.desk.rows(Table::Cards).len() as i64, 2000);
    assert_eq!(distinct_ids(&desk.desk), 2000);
    assert_eq!(desk.desk.journal_mode(), "wal");
    // Built when the next okk opened the store to write.
    assert_eq!(desk.desk.queue_indexes(), QUEUE_INDEXES);
}

const QUEUE_INDEXES: [&str; 2] = ["cards_queue", "standings_queue"];

/// The moment a report line gives after `prefix` (this machine's clock, as okk shows
/// moments: `2026-11-20 17:24:10` in English, `20.11.2026 17:24:10` in Russian).
fn moment_after(text: &str, prefix: &str, format: &str) -> chrono::NaiveDateTime {
    let at = text
        .lines()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no «{prefix}» line: {text}"));
    chrono::NaiveDateTime::parse_from_str(at.trim(), format).unwrap_or_else(|e| panic!("{at}: {e}"))
}

/// A sync killed mid-way leaves its mark: the next run says it continues the interrupted one
/// and the moment that one began (the text on this machine's clock, `--json` in ISO 8601
/// UTC), a dry run too (which writes nothing, so the run after it says it again); a run after
/// one that went through says nothing of the kind.
#[test]
fn a_sync_resumed_after_a_kill_says_it_continues_the_interrupted_one() {
    let mut state = State::with_deals(2000);
    state.faults.page_delay = Duration::from_millis(250);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    let second = |t: chrono::NaiveDateTime| t.with_nanosecond(0).unwrap();
    use chrono::Timelike;
    let before = second(chrono::Local::now().naive_local());
    kill_after(&desk, || leads() >= 7);
    let after = chrono::Local::now().naive_local();
    crm.with(|s| s.faults.page_delay = Duration::ZERO);

    let text = |lang: &str| {
        let out = desk
            .okk()
            .args(["--lang", lang, "sync", "--dry-run"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let en = text("en");
    let begun = moment_after(
        &en,
        "continues an interrupted sync begun at ",
        "%Y-%m-%d %H:%M:%S",
    );
    assert!(
        before <= begun && begun <= after,
        "{before} {begun} {after}"
    );
    let ru = text("ru");
    assert_eq!(
        moment_after(
            &ru,
            "продолжена прерванная синхронизация, начатая ",
            "%d.%m.%Y %H:%M:%S"
        ),
        begun,
        "{ru}"
    );

    let resumed = desk.sync(&[]);
    let iso = resumed["resumed_run_begun_at"]
        .as_str()
        .unwrap_or_else(|| panic!("{resumed}"));
    let utc = chrono::NaiveDateTime::parse_from_str(iso, "%Y-%m-%dT%H:%M:%SZ").unwrap();
    use chrono::TimeZone;
    assert_eq!(
        chrono::Utc
            .from_utc_datetime(&utc)
            .with_timezone(&chrono::Local)
            .naive_local(),
        begun,
        "{resumed}"
    );
    assert_eq!(desk.desk.rows(Table::Cards).len(), 2000);
    // The report adds up to what the CRM holds: the killed attempt's share and this one's
    // (tester32 F2: it counted only its own), said in the text too.
    let landed = &resumed["resumed_landed"];
    let before_kill = landed["inserted"]
        .as_u64()
        .unwrap_or_else(|| panic!("{resumed}"));
    assert!(
        before_kill > 0,
        "the kill came after a page landed: {resumed}"
    );
    assert_eq!(
        before_kill + resumed["inserted"].as_u64().unwrap(),
        2000,
        "{resumed}"
    );
    assert!(
        en.contains("before it stopped, that sync had landed: ")
            && en.contains("the sync in all: 2000 new, 0 changed, 0 gone"),
        "{en}"
    );
    assert!(
        ru.contains("всего за синхронизацию: новых 2\u{202f}000"),
        "{ru}"
    );

    // That run went through: the next one continues nothing.
    let next = desk.sync(&[]);
    assert!(next["resumed_run_begun_at"].is_null(), "{next}");
    assert!(next.get("resumed_landed").is_none(), "{next}");
    let out = desk.okk().args(["--lang", "en", "sync"]).output().unwrap();
    let plain = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.status.success() && plain.starts_with("main: "),
        "{plain}"
    );
    assert!(!plain.contains("interrupted"), "{plain}");
}

#[test]
fn amocrm_a_bulk_edited_second_paged_by_offset_loses_no_deal_when_one_leaves_it() {
    // A bulk edit gives 600 deals one second; pages within it go by offset, so a deal of that
    // second changed while the sync reads it shifts the pages after it by one.
    let mut state = State::with_deals(600);
    let second = state.deals[0].created_at + 30;
    for d in state.deals.iter_mut() {
        d.updated_at = second;
    }
    state.faults.page_delay = Duration::from_millis(300);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    let mut child = spawn_sync(&desk, &[]);
    // The first request reads from no second; the second reads the bulk's first page.
    while crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0)) < 2 {
        assert!(child.try_wait().unwrap().is_none(), "the sync ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    // The first deal of the page read leaves the bulk edit's second.
    crm.with(|s| s.rename(30_000_000, "Изменена во время чтения"));
    assert!(child.wait_with_output().unwrap().status.success());
    assert_eq!(distinct_ids(&desk.desk), 600);
    assert_eq!(
        desk.desk.card("30000000")["title"],
        "Изменена во время чтения"
    );
}

#[test]
fn a_second_sync_of_a_connection_under_way_is_refused_and_writes_nothing() {
    let crm = FakeCrm::start(State::with_deals(1000), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    crm.with(|s| {
        s.rename(30_000_002, "Переименована");
        s.faults.page_delay = Duration::from_millis(300);
    });
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    let before = leads();
    let first = spawn_sync(&desk, &[]);
    while leads() == before {
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = desk
        .okk()
        .args(["sync", "--json", "main"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("main: another okk is syncing"), "{stderr}");
    assert!(stderr.contains("try again when it ends"), "{stderr}");
    let line: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["connection"], "main");
    assert!(line["error"].as_str().unwrap().contains("another okk"));

    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{first:?}");
    let report: Json = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(report["updated"], 1, "{report}");
    // The lock went with the sync that held it.
    crm.with(|s| s.faults.page_delay = Duration::ZERO);
    let again = desk.sync(&[]);
    assert_eq!(
        (again["inserted"].clone(), again["updated"].clone()),
        (0.into(), 0.into())
    );
}

#[test]
fn a_connection_that_fails_does_not_keep_the_others_from_their_sync() {
    let crm = FakeCrm::start(State::with_deals(30), 0);
    let desk = Synced::new(&crm);
    let missing = desk.desk.dir.path().join("no-such-token");
    let mut config = std::fs::read_to_string(&desk.config).unwrap();
    config.push_str(&format!(
        "\n[[crm]]\nname = \"gone\"\nkind = \"amocrm\"\nurl = \"{}\"\ntoken_file = \"{}\"\n",
        crm.url,
        missing.display()
    ));
    std::fs::write(&desk.config, config).unwrap();

    // Named first, the failing one: the other is synced all the same.
    let out = desk
        .okk()
        .args(["sync", "--json", "gone", "main"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("connection «gone»: cannot read the token file"),
        "{stderr}"
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Json> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0]["connection"], "gone");
    assert!(lines[0]["error"].as_str().unwrap().contains("token file"));
    assert_eq!(lines[1]["connection"], "main");
    assert_eq!(tally(&lines[1]), (30, 30, 0, 0, 0));

    // A refused token still leaves the store as it was, whatever the others do.
    let before = std::fs::read(&desk.desk.db).unwrap();
    crm.with(|s| s.faults.expired = true);
    let out = desk.okk().args(["sync", "main", "gone"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the token was refused"), "{stderr}");
    assert!(
        stderr.contains("connection «gone»: cannot read the token file"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&desk.desk.db).unwrap(), before);
}

/// `okk crm list` as a script reads it: the line of `name`, split at its tabs.
fn listed(desk: &Synced, name: &str) -> Vec<String> {
    let out = succeeded(desk.okk().args(["crm", "list"]));
    out.lines()
        .map(|l| l.split('\t').map(str::to_string).collect::<Vec<_>>())
        .find(|f| f[0] == name)
        .unwrap_or_else(|| panic!("no {name} in {out}"))
}

#[test]
fn a_sync_killed_mid_way_is_not_the_last_sync_crm_list_shows() {
    let mut state = State::with_deals(2000);
    state.faults.page_delay = Duration::from_millis(250);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    kill_after(&desk, || leads() >= 7);
    assert!(!desk.desk.rows(Table::Cards).is_empty(), "pages landed");
    // Columns: name, kind, url, token, pipelines, last sync, last full sweep.
    assert_eq!(listed(&desk, "main")[5], "never");

    crm.with(|s| s.faults.page_delay = Duration::ZERO);
    let report = desk.sync(&["--full"]);
    let synced = listed(&desk, "main");
    assert_ne!(synced[5], "never");
    assert_eq!(synced[5], synced[6], "a full sync is a full sweep");
    // The sweep's time as the cursors are given: UTC, with its Z.
    let at = report["full_sweep_at"].as_str().unwrap();
    let parsed = chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%SZ");
    assert!(parsed.is_ok(), "{at}");
    let local = chrono::NaiveDateTime::parse_from_str(&synced[6], "%Y-%m-%d %H:%M:%S").unwrap();
    let utc = chrono::TimeZone::from_local_datetime(&chrono::Local, &local)
        .earliest()
        .unwrap()
        .naive_utc();
    assert_eq!(parsed.unwrap(), utc);
}

/// A first sync reads every deal of the connection's pipelines: it is the last full pass
/// (`crm list`, `full_sweep_at`), and a Bitrix24 report does not advise `--full` right after it.
/// The syncs after it are no sweep, and keep its time.
#[test]
fn a_first_sync_is_the_last_full_pass() {
    let crm = FakeCrm::start(State::with_deals(60), 0);
    let desk = Synced::bitrix(&crm);
    let first = desk.sync(&[]);
    assert_eq!(first["full"], true, "{first}");
    assert_eq!(first["deletions_checked"], true, "{first}");
    let at = first["full_sweep_at"].as_str().unwrap().to_string();
    // Before the next sync, which is the last sync then (a second later, now and then).
    let listed = listed(&desk, "b24");
    assert_eq!(listed[5], listed[6], "{listed:?}");
    let text = succeeded(desk.okk().args(["--lang", "ru", "sync"]));
    assert!(!text.contains("никогда"), "{text}");
    let again = desk.sync(&[]);
    assert_eq!(again["full"], false, "{again}");
    assert_eq!(again["full_sweep_at"], at.as_str(), "{again}");
}

/// A first sync into a store that holds the source's cards from its exports sweeps them: a
/// deal deleted in the portal since the export is found gone (Bitrix24 lists no deletions), the
/// rest unchanged. Into a store without them, nothing is gone.
#[test]
fn a_first_sync_after_the_exports_finds_the_deals_deleted_since() {
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let desk = Synced::bitrix(&crm);
    let csv = desk.desk.dir.path().join("bitrix24_export.csv");
    crm.with(|s| s.export_bitrix_csv(&csv));
    let imported = succeeded(desk.okk().args([
        "import",
        "--json",
        "--profile",
        "bitrix24",
        csv.to_str().unwrap(),
        "--source",
        "b24",
    ]));
    assert!(imported.contains("\"inserted\":120"), "{imported}");
    crm.with(|s| s.delete(30_000_005));
    let first = desk.sync(&[]);
    assert_eq!(
        (&first["gone"], &first["inserted"], &first["full"]),
        (&1.into(), &0.into(), &true.into()),
        "{first}"
    );
    assert!(!desk.desk.card("30000005")["gone_at"].is_null());
    assert!(desk.desk.card("30000006")["gone_at"].is_null());
}

/// A first sync killed half-way and resumed read every deal once, across the two runs: the
/// run that goes through finishes it as a full pass.
#[test]
fn a_first_sync_resumed_after_a_kill_is_a_full_pass() {
    let mut state = State::with_deals(1000);
    state.faults.note_page_delay = Duration::from_millis(100);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::bitrix(&crm);
    kill_after(&desk, || crm.with(|s| s.comment_batches) >= 14);
    let landed = desk.desk.rows(Table::Cards).len();
    assert!(landed > 0 && landed < 1000, "{landed} cards after the kill");
    assert_eq!(listed(&desk, "b24")[6], "never");
    crm.with(|s| s.faults.note_page_delay = Duration::ZERO);
    let report = desk.sync(&[]);
    assert_eq!(report["full"], true, "{report}");
    assert!(report["full_sweep_at"].is_string(), "{report}");
    assert!(report["full_sweep_begun_at"].is_string(), "{report}");
    // The pass began with the run the kill stopped, as its report says, and so did the sync.
    assert_eq!(
        report["full_sweep_at"], report["full_sweep_begun_at"],
        "{report}"
    );
    assert_eq!(report["gone"], 0, "{report}");
    assert_eq!(distinct_ids(&desk.desk), 1000);
    assert_eq!(listed(&desk, "b24")[5], listed(&desk, "b24")[6]);
    let again = desk.sync(&[]);
    assert_eq!(again["full"], false, "{again}");
}

/// Each connection's "last sync" is its own start, not the command's: a connection synced
/// after a slow one is dated after it.
#[test]
fn each_connection_is_dated_by_its_own_sync_not_the_commands_start() {
    // Three pages of deals at 700 ms each: the first connection's sync outlasts a second.
    let mut state = State::with_deals(600);
    state.faults.page_delay = Duration::from_millis(700);
    let crm = FakeCrm::start(state, 0);
    let other = FakeCrm::start(State::with_deals(20), 0);
    let desk = Synced::new(&crm);
    let mut config = std::fs::read_to_string(&desk.config).unwrap();
    config.push_str(&format!(
        "\n[[crm]]\nname = \"b24\"\nkind = \"bitrix24\"\nurl = \"{}/rest/1/{}/\"\n",
        other.url,
        fake::WEBHOOK_CODE
    ));
    std::fs::write(&desk.config, config).unwrap();
    let began = std::time::Instant::now();
    succeeded(desk.okk().args(["sync", "main", "b24"]));
    assert!(began.elapsed() > Duration::from_millis(1500));
    let at = |name: &str| {
        let t = listed(&desk, name)[5].clone();
        chrono::NaiveDateTime::parse_from_str(&t, "%Y-%m-%d %H:%M:%S").unwrap()
    };
    assert!(at("b24") > at("main"), "{} {}", at("main"), at("b24"));
    assert_eq!(listed(&desk, "b24")[6], listed(&desk, "b24")[5]);
}

#[test]
fn ctrl_c_stops_the_sync_says_how_to_resume_and_leaves_the_store_in_wal() {
    let mut state = State::with_deals(2000);
    state.faults.page_delay = Duration::from_millis(250);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    // Past the first group: the groups after it run under the rollback journal.
    let stderr = interrupt(&desk, &[], || leads() >= 7);
    assert!(
        stderr
            .replace('\n', " ")
            .contains("interrupted; what landed is kept; run `okk --config ")
            && stderr.contains(" sync` again to resume"),
        "{stderr}"
    );
    let landed = desk.desk.rows(Table::Cards).len() as i64;
    assert!(landed > 0 && landed < 2000, "{landed} cards");
    assert_eq!(desk.desk.journal_mode(), "wal");

    crm.with(|s| s.faults.page_delay = Duration::ZERO);
    let report = desk.sync(&[]);
    assert_eq!(report["inserted"].as_u64().unwrap() as i64, 2000 - landed);
    assert_eq!(distinct_ids(&desk.desk), 2000);
}

#[test]
fn a_burst_of_429_and_a_page_cut_mid_way_are_retried() {
    let mut state = State::with_deals(600);
    state.faults.too_many = 3;
    state.faults.cut_pages = 1;
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);

    let report = desk.sync(&[]);
    assert_eq!(tally(&report), (600, 600, 0, 0, 0));
    assert_eq!(report["retries"], 4);
    assert_eq!(desk.desk.rows(Table::Cards).len() as i64, 600);
}

#[test]
fn a_refused_token_says_how_to_make_a_new_one_and_changes_nothing() {
    let crm = FakeCrm::start(State::with_deals(50), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    let before = std::fs::read(&desk.desk.db).unwrap();

    crm.with(|s| {
        s.faults.expired = true;
        s.move_deal(30_000_001, 60_000_004);
    });
    let stderr = desk.sync_fails(&[]);
    assert!(stderr.contains("the token was refused"), "{stderr}");
    assert!(stderr.contains("long-lived token"), "{stderr}");
    assert!(!stderr.contains(TOKEN), "{stderr}");
    assert_eq!(std::fs::read(&desk.desk.db).unwrap(), before);
}

/// The same into a store that was not there (a first sync, or a mistyped `--db`): no empty
/// store is left behind for a sync that got nothing in.
#[test]
fn a_refused_first_sync_leaves_no_store_file() {
    let mut state = State::with_deals(50);
    state.faults.expired = true;
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    assert!(!desk.desk.db.exists());
    let stderr = desk.sync_fails(&[]);
    assert!(stderr.contains("the token was refused"), "{stderr}");
    let left: Vec<_> = std::fs::read_dir(desk.desk.db.parent().unwrap())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("okk.db"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn a_token_that_may_not_read_users_keeps_owner_ids_and_warns_once() {
    let mut state = State::with_deals(10);
    state.faults.not_admin = true;
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    let report = desk.sync(&[]);
    assert_eq!(report["warnings"], 1);
    assert_eq!(desk.desk.card("30000000")["owner"], "9000001");
}

/// With a funnel whose stages require fields amoCRM's deals lack (the phone is the contact's,
/// «Интересующие параметры» a field the account does not have), as the funnels users write.
#[test]
fn the_counts_of_a_synced_account_equal_its_file_export_imported_elsewhere() {
    let crm = FakeCrm::start(State::with_deals(700), 0);
    let desk = Synced::new(&crm).qualifying();
    let synced = desk.sync(&[]);

    let other = Desk::new();
    let csv = other.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    let imported = succeeded(other.okk_funnel(&desk.funnel).args([
        "import",
        "--json",
        csv.to_str().unwrap(),
        "--source",
        "main",
    ]));
    let imported: Json = serde_json::from_str(&imported).unwrap();

    for k in [
        "rows",
        "inserted",
        "updated",
        "unchanged",
        "gone",
        "stage_changes",
    ] {
        assert_eq!(synced[k], imported[k], "{k}");
    }
    assert_eq!(synced["unknown_stages"], imported["unknown_stages"]);
    // The fields neither has are said once, by both, and flagged on no card.
    assert_eq!(synced["absent_fields"], imported["absent_fields"]);
    let absent = synced["absent_fields"].to_string();
    assert!(
        absent.contains("phone") && absent.contains("Интересующие параметры"),
        "{absent}"
    );
    assert_eq!(desk.desk.stage_counts(), other.stage_counts());
    let cards = |d: &Desk| {
        let columns = [
            "external_id",
            "pipeline",
            "stage",
            "title",
            "owner",
            "amount",
            "created_at",
            "updated_at",
            "closed_at",
            "tags",
            "notes",
        ];
        let mut rows: Vec<String> = d
            .rows(Table::Cards)
            .iter()
            .map(|c| columns.map(|k| c[k].to_string()).join("|"))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(cards(&desk.desk), cards(&other));
    // Closed and won: the API says them (statuses 142 and 143), the file export does not.
    let closing = |d: &Desk| {
        d.rows(Table::Cards)
            .iter()
            .map(|c| format!("{}|{}|{}", c["stage"], c["closed"], c["won"]))
            .collect::<std::collections::BTreeSet<_>>()
    };
    assert!(closing(&other).iter().all(|c| c.ends_with("|null|null")));
    let synced_closing = closing(&desk.desk);
    assert!(
        synced_closing.contains("\"Успешно реализовано\"|1|1")
            && synced_closing.contains("\"Закрыто и не реализовано\"|1|0")
            && synced_closing.contains("\"Переговоры\"|0|null"),
        "{synced_closing:?}"
    );
    // The notes and the fields say the same to the rules either way.
    let synced_flags = flags_of(desk.okk());
    assert!(synced_flags.iter().any(|c| c.contains("купили в другом")));
    assert!(
        synced_flags.iter().any(|c| c.contains("«Квалификация»")),
        "cards at a stage that requires fields"
    );
    assert_eq!(synced_flags, flags_of(other.okk_funnel(&desk.funnel)));
}

/// An account of 30 custom fields (`fake_crm --fields 30`, the second deal shape of
/// bench/sync.sh: numbers, lists, multiselects, dates, checkboxes, texts, a sentence with a
/// line break): every card's custom fields are the same synced as imported from the account's
/// export, field by field, and they are every value the account holds.
#[test]
fn the_custom_fields_of_a_30_field_account_are_the_same_synced_as_imported() {
    let crm = FakeCrm::start(State::with_deals_and_fields(400, 30), 0);
    let desk = Synced::new(&crm);
    let synced = desk.sync(&[]);
    let other = Desk::new();
    let csv = other.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    let imported = succeeded(other.okk_funnel(&desk.funnel).args([
        "import",
        "--json",
        csv.to_str().unwrap(),
        "--source",
        "main",
    ]));
    let imported: Json = serde_json::from_str(&imported).unwrap();
    assert_eq!(
        (&synced["inserted"], &imported["inserted"]),
        (&400.into(), &400.into())
    );

    let (names, values) = crm.with(|s| {
        let names: Vec<&str> = s.fields.iter().map(|f| f.1).collect();
        let values: usize = s.deals.iter().map(|d| d.custom.len()).sum();
        (names, values)
    });
    assert_eq!(names.len(), 30);
    // Card id → the account's fields on it (the API gives fields of its own beside them).
    let fields = |d: &Desk| -> std::collections::BTreeMap<String, Vec<(String, String)>> {
        d.rows(Table::Cards)
            .iter()
            .map(|c| {
                let all: Json = serde_json::from_str(&text(c, "fields")).unwrap();
                let mine = all
                    .as_object()
                    .unwrap()
                    .iter()
                    .filter(|(k, _)| names.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect();
                (text(c, "external_id"), mine)
            })
            .collect()
    };
    let (by_sync, by_import) = (fields(&desk.desk), fields(&other));
    assert_eq!(by_sync.len(), 400);
    for (id, synced) in &by_sync {
        assert_eq!(synced, &by_import[id], "card {id}");
    }
    assert_eq!(by_sync.values().map(Vec::len).sum::<usize>(), values);
    // Every kind came through: a multiselect's options, a checkbox, a date, a line break.
    let all: Vec<&(String, String)> = by_sync.values().flatten().collect();
    let some =
        |name: &str, like: &dyn Fn(&str) -> bool| all.iter().any(|(k, v)| k == name && like(v));
    assert!(some("Интересы", &|v| v.contains(", ")));
    assert!(some("Ипотека одобрена", &|v| v == "true"));
    assert!(some("Дата следующего звонка", &|v| v
        .ends_with(" 00:00:00")));
    assert!(some("Комментарий менеджера", &|v| v
        .contains('\n')));
    assert!(
        by_sync.values().any(|f| f.len() >= 20),
        "deals that fill most fields"
    );
    assert!(by_sync.values().any(Vec::is_empty), "deals that fill none");
}

/// A desk that imported the account's export (`--source main`) before its first sync.
fn imported_before(crm: &FakeCrm, desk: &Synced) {
    let csv = desk.desk.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    let imported = succeeded(desk.okk().args([
        "import",
        "--json",
        csv.to_str().unwrap(),
        "--source",
        "main",
    ]));
    assert!(imported.contains("\"inserted\":300"), "{imported}");
}

/// A rate-limited sync lands the pages that came within a second in one transaction: the
/// notes (read first) in one, their deals in later ones. A card whose notes changed is counted
/// once, by its deal: the counts add up to the deals read.
#[test]
fn a_card_whose_notes_and_deal_land_in_two_transactions_is_counted_once() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    imported_before(&crm, &desk);
    crm.with(|s| {
        s.add_note(30_000_000, "Клиент просил больше не звонить");
        // Each page of deals comes after the group of the notes has closed.
        s.faults.page_delay = Duration::from_millis(1200);
    });
    let report = desk.sync(&[]);
    let (rows, inserted, updated, unchanged, _) = tally(&report);
    assert_eq!(rows, 300, "{report}");
    assert_eq!(inserted + updated + unchanged, rows, "{report}");
    assert_eq!(
        (updated, report["notes_updated"].as_u64()),
        (1, Some(0)),
        "{report}"
    );
    // The file's batch, the notes' group, the two pages of deals, the events: the notes
    // landed apart from their deal.
    let batches = desk.desk.rows(Table::ImportBatches).len();
    assert!(batches >= 4, "{batches} batches");
    assert_eq!(
        notes(&desk.desk, "30000000"),
        ["Клиент просил больше не звонить"]
    );
}

/// A first sync judges each group of pages as it lands and stores the summaries (the stage
/// counts, the owners, the newest activity) once, at its end: as its groups carried them when
/// every card is one they judged once, else read from the cards (a stage move, read after the
/// deals, judged its card again). Either way they are the ones its cards make.
#[test]
fn a_first_sync_in_many_groups_stores_the_summaries_its_cards_make() {
    for moved in [false, true] {
        let crm = FakeCrm::start(State::with_deals(600), 0);
        crm.with(|s| {
            // Each page of deals lands in a group of its own.
            s.faults.page_delay = Duration::from_millis(1100);
            if moved {
                s.move_deal(30_000_000, 60_000_003);
            }
        });
        let desk = Synced::new(&crm);
        let report = desk.sync(&[]);
        assert_eq!(report["inserted"], 600, "{report}");
        let batches = desk.desk.rows(Table::ImportBatches).len();
        assert!(batches >= 4, "{batches} batches");
        let synced = summaries(&desk.desk);
        assert!(synced.len() > 5, "{synced:?}");
        // The queue indexes its first group deferred were built when it ended.
        assert_eq!(desk.desk.queue_indexes(), QUEUE_INDEXES);
        okk::store::Store::open(&desk.desk.db)
            .and_then(|mut store| store.fill_summaries())
            .expect("fill the summaries from the cards");
        assert_eq!(synced, summaries(&desk.desk), "moved: {moved}");
    }
}

/// The summaries as the store keeps them: the stage counts, the owners, the newest activity
/// and the mark that they are current, a line a row.
fn summaries(desk: &Desk) -> Vec<String> {
    let line = |r: &okk::store::inspect::Row| format!("{r:?}");
    let mut lines: Vec<String> = desk.rows(Table::StageCounts).iter().map(line).collect();
    lines.extend(desk.rows(Table::Owners).iter().map(line));
    let mut meta: Vec<String> = desk
        .rows(Table::Meta)
        .iter()
        .filter(|r| matches!(text(r, "key").as_str(), "summaries" | "newest_activity"))
        .map(line)
        .collect();
    meta.sort();
    lines.extend(meta);
    lines
}

/// A desk that imported its amoCRM exports, then syncs the account: the API gives fields no
/// export had (the owner's id, the nearest task). No card a reviewer saw changed: the cards
/// take the fields, the reviews stand; a deal edited in the CRM since is changed all the same,
/// and so is a later edit.
#[test]
fn switching_from_file_imports_to_the_sync_changes_no_card_a_reviewer_saw() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    imported_before(&crm, &desk);
    desk.desk.review(
        "30000001",
        "anna",
        "2026-11-19 12:00:00",
        &Verdict::of("ok"),
    );
    // The review stands while its card is the one it saw (a changed card re-queues it).
    let stands = || {
        let reviewed = &desk.desk.rows(Table::Reviews)[0]["card_hash"];
        *reviewed == desk.desk.card("30000001")["content_hash"]
    };
    assert!(stands());
    crm.with(|s| s.rename(30_000_002, "Переименована"));

    let report = desk.sync(&[]);
    assert_eq!(tally(&report), (300, 0, 1, 299, 0), "{report}");
    assert!(stands(), "the review stands");
    // The card took the fields only the API gives: its owner's id, its nearest task.
    let fields = desk.desk.card("30000001")["fields"].to_string();
    assert!(fields.contains("9000002"), "{fields}");
    assert_eq!(desk.desk.card("30000002")["title"], "Переименована");
    // And closed and won, which the export does not say (status 142: won): new columns, taken
    // without counting the won and lost cards changed.
    let won = desk.desk.card("30000004");
    assert_eq!(
        (&won["stage"], &won["closed"], &won["won"]),
        (&"Успешно реализовано".into(), &1.into(), &1.into())
    );
    let new_columns = report["new_columns"].to_string();
    assert!(
        new_columns.contains("Сделка закрыта") && new_columns.contains("Сделка успешна"),
        "{report}"
    );
    // Nothing changed since: nothing changes.
    let quiet = desk.sync(&[]);
    assert_eq!(
        (quiet["updated"].clone(), quiet["inserted"].clone()),
        (0.into(), 0.into())
    );

    crm.with(|s| s.rename(30_000_001, "Другое название"));
    let later = desk.sync(&[]);
    assert_eq!(later["updated"], 1, "{later}");
    assert!(!stands(), "the card changed since its review");
}

/// A desk that imported the account's exports under the default source («amocrm») and adds its
/// connection under another name («main», as the docs' example does): `okk crm add` says the
/// store holds those cards, and the first sync stops before writing a card instead of bringing
/// every deal in again beside its reviewed copy; `--new-source` (another account) goes on.
#[test]
fn a_first_sync_of_deals_imported_under_another_source_stops_before_doubling_them() {
    // The notes are read before the deals; a deals page slower than a transaction stays open
    // (as a CRM's rate limit makes it) lands them in a group of their own before the first deal
    // is compared (tester30 F6: that group's run and columns were left behind).
    let mut account = State::with_deals(300);
    account.faults.page_delay = Duration::from_millis(1200);
    let crm = FakeCrm::start(account, 0);
    let desk = Synced::new(&crm);
    let csv = desk.desk.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    let imported = succeeded(desk.okk().args(["import", "--json", csv.to_str().unwrap()]));
    assert!(imported.contains("\"inserted\":300"), "{imported}");
    desk.desk.review(
        "30000001",
        "anna",
        "2026-11-19 12:00:00",
        &Verdict::of("ok"),
    );

    // `crm add` of a second connection (its config of its own) names the imported source.
    let other = desk.desk.dir.path().join("other.toml");
    let added = desk
        .desk
        .okk_funnel(&desk.funnel)
        .args(["--config", other.to_str().unwrap(), "crm", "add", "desk"])
        .args([
            "--kind",
            "amocrm",
            "--url",
            &crm.url,
            "--token-env",
            TOKEN_ENV,
        ])
        .output()
        .unwrap();
    assert!(added.status.success());
    let said = String::from_utf8(added.stderr).unwrap();
    assert!(
        said.contains("300") && said.contains("«amocrm»") && said.contains("«desk»"),
        "{said}"
    );

    let stderr = desk.sync_fails(&[]);
    assert!(
        stderr.contains("«amocrm»")
            && stderr.contains("250")
            && stderr.contains("name = \"amocrm\"")
            && stderr.contains("sync main --new-source"),
        "{stderr}"
    );
    let sources = |desk: &Synced| {
        let mut s: Vec<String> = desk
            .desk
            .rows(Table::Cards)
            .iter()
            .map(|c| c["source"].as_str().unwrap().to_string())
            .collect();
        s.sort();
        s.dedup();
        s
    };
    assert_eq!(sources(&desk), ["amocrm"], "no card of «main» was written");
    // Nor anything else: no run, no columns, no notes, no cursor of «main».
    for (table, key) in [
        (Table::ImportBatches, "source"),
        (Table::SourceColumns, "source"),
        (Table::CrmSync, "connection"),
        (Table::CrmNotes, "connection"),
        (Table::CrmNotesRead, "connection"),
        (Table::CrmStages, "connection"),
        (Table::CrmSweep, "connection"),
    ] {
        let left = desk.desk.rows_where(table, |r| r[key] == "main");
        assert_eq!(left, 0, "{table:?} keeps nothing of the refused sync");
    }
    // A dry run says the same.
    let dry = desk.sync_fails(&["--dry-run"]);
    assert!(dry.contains("«amocrm»"), "{dry}");

    // Another account after all: its cards come in apart, and later syncs are not asked again.
    let report = desk.sync(&["--new-source"]);
    assert_eq!(tally(&report), (300, 300, 0, 0, 0), "{report}");
    let again = desk.sync(&[]);
    assert_eq!(
        (&again["inserted"], &again["updated"]),
        (&0.into(), &0.into()),
        "{again}"
    );
}

/// The owner's CRM id a sync keeps for writing moves back is okk's own: the card shows the
/// owner's name, not «ID ответственного», and `okk fields` does not count it as a field.
#[test]
fn the_owner_s_crm_id_is_kept_but_shown_neither_on_the_card_nor_among_the_fields() {
    let crm = FakeCrm::start(State::with_deals(60), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    let fields = desk.desk.card("30000001")["fields"].to_string();
    assert!(fields.contains("ID ответственного"), "kept: {fields}");
    let listed = succeeded(desk.okk().args(["fields", "--json"]));
    assert!(!listed.contains("ID ответственного"), "{listed}");
    assert!(listed.contains("Дата встречи"), "{listed}");
    let (state, _reviewer) =
        common::reviewer::open_at_stage(&desk.desk.db, "anna", "Первичный контакт");
    let screen = common::reviewer::screen(&state, 120, 40);
    assert!(
        screen.contains("Поля") || screen.contains("Fields"),
        "{screen}"
    );
    assert!(!screen.contains("ID ответственного"), "{screen}");
}

/// Named after the imported source, the first sync goes on with its cards (the docs' advice).
#[test]
fn a_first_sync_named_after_the_imported_source_takes_its_cards_over() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    fake::write_config(&desk.config, "amocrm", &crm.url, TOKEN_ENV);
    let csv = desk.desk.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    succeeded(desk.okk().args(["import", csv.to_str().unwrap()]));
    let report = desk.sync(&[]);
    assert_eq!(tally(&report), (300, 0, 0, 300, 0), "{report}");
}

/// A desk whose amoCRM export carried columns the API does not give (the contact's name, the
/// city), then syncs: the sync says nothing of them, so the cards keep them and no card a
/// reviewer saw changed. The export imported again after the sync changes none either: it says
/// nothing of the fields only the API gives (the owner's id), which stay.
#[test]
fn a_sync_keeps_what_the_export_had_and_the_api_has_not_and_back_again() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    let csv = desk.desk.dir.path().join("amocrm_export.csv");
    crm.with(|s| s.export_csv(&csv));
    // The export as the account's users set it up: two columns more.
    let mut records: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(&csv)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    for (i, r) in records.iter_mut().enumerate() {
        let (contact, city) = match i {
            0 => ("Полное имя контакта".to_string(), "Город".to_string()),
            _ => (format!("Клиент {}", r[0]), "Екатеринбург".to_string()),
        };
        r.extend([contact, city]);
    }
    let mut w = csv::Writer::from_path(&csv).unwrap();
    for r in &records {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    let import = || {
        let out = succeeded(desk.okk().args([
            "import",
            "--json",
            csv.to_str().unwrap(),
            "--source",
            "main",
        ]));
        serde_json::from_str::<Json>(&out).unwrap()
    };
    assert_eq!(import()["inserted"], 300);
    desk.desk.review(
        "30000001",
        "anna",
        "2026-11-19 12:00:00",
        &Verdict::of("ok"),
    );
    let stands = || {
        let reviewed = &desk.desk.rows(Table::Reviews)[0]["card_hash"];
        *reviewed == desk.desk.card("30000001")["content_hash"]
    };
    let card = || {
        let card = desk.desk.card("30000001");
        let fields = common::json_col(&card, "fields");
        (card["contact"].clone(), fields)
    };
    let (contact, fields) = card();
    assert_eq!(contact, "Клиент 30000001");
    assert_eq!(fields["Город"], "Екатеринбург");

    let report = desk.sync(&[]);
    assert_eq!(tally(&report), (300, 0, 0, 300, 0), "{report}");
    assert!(stands(), "the review stands");
    let (contact, fields) = card();
    assert_eq!(contact, "Клиент 30000001", "kept");
    assert_eq!(fields["Город"], "Екатеринбург", "kept");
    assert!(
        fields["ID ответственного"].is_string(),
        "the API's: {fields}"
    );

    // The export again: the API's fields stay, nothing changed.
    let again = import();
    assert_eq!(
        (&again["updated"], &again["unchanged"]),
        (&Json::from(0), &Json::from(300)),
        "{again}"
    );
    assert!(
        again["missing_columns"]
            .to_string()
            .contains("ID ответственного"),
        "{again}"
    );
    assert!(stands(), "the review stands");
    assert_eq!(card().1, fields);
    let quiet = desk.sync(&[]);
    assert_eq!(quiet["updated"], 0, "{quiet}");
}

/// The account is given a custom field, which managers fill in on two deals, and one of its
/// fields is deleted. The next sync says so as an import of an export given a column and
/// lacking one does (the same keys): the new field and how many cards took a value from it,
/// which changes no card a reviewer saw, and the field no longer given, whose values the cards
/// keep. In English and in Russian; the new field is new once.
#[test]
fn a_field_the_crm_gains_or_loses_is_named_by_the_sync_as_an_import_names_a_column() {
    use serde_json::json;
    const BUDGET: &str = "Бюджет клиента";
    const MEETING: &str = "Дата встречи в офисе продаж";
    let crm = FakeCrm::start(State::with_deals(30), 0);
    let desk = Synced::new(&crm);
    let columns = |r: &Json| {
        (
            r["new_columns"].clone(),
            r["new_column_cards"].clone(),
            r["missing_columns"].clone(),
        )
    };
    let first = desk.sync(&[]);
    // Nothing is new to a source that had nothing.
    assert_eq!(columns(&first), (json!([]), json!(0), json!([])), "{first}");
    let meeting = common::json_col(&desk.desk.card("30000001"), "fields")[MEETING].clone();
    assert!(meeting.is_string(), "{meeting}");

    crm.with(|s| {
        s.add_field(5_000_003, BUDGET, "numeric");
        s.set_field(30_000_001, 5_000_003, json!("5000000"));
        s.set_field(30_000_002, 5_000_003, json!("7000000"));
        s.set_field(30_000_004, 5_000_003, json!(""));
        s.delete_field(5_000_002);
    });
    let said = |lang: &str| succeeded(desk.okk().args(["--lang", lang, "sync", "--dry-run"]));
    let (en, ru) = (said("en"), said("ru"));
    let r = desk.sync(&[]);
    assert_eq!(
        columns(&r),
        (json!([BUDGET]), json!(2), json!([MEETING])),
        "{r}"
    );
    // The terminal says what the JSON says.
    for line in [
        format!("new field (no import or sync had it before): «{BUDGET}»"),
        "2 cards took a value from the new fields (not a change of the card)".to_string(),
        format!("field no longer given (the cards keep it): «{MEETING}»"),
    ] {
        assert!(en.contains(&line), "{line}\n{en}");
    }
    for line in [
        format!("новое поле (прежде его не было): «{BUDGET}»"),
        "значение из новых полей получили 2 карточки (это не изменение)".to_string(),
        format!("поле больше не приходит (карточки его хранят): «{MEETING}»"),
    ] {
        assert!(ru.contains(&line), "{line}\n{ru}");
    }
    // The values: the new one taken, the deleted one kept.
    let fields_of = |id: &str| common::json_col(&desk.desk.card(id), "fields");
    let fields = fields_of("30000001");
    assert_eq!(fields[BUDGET], "5000000");
    assert_eq!(fields[MEETING], meeting);
    // An empty value is none: 30000004 took nothing.
    assert!(fields_of("30000004")[BUDGET].is_null());

    // Said once: the field is the source's now. The deleted one is still not given.
    crm.with(|s| s.set_field(30_000_005, 5_000_003, json!("9000000")));
    let again = desk.sync(&[]);
    assert_eq!(
        columns(&again),
        (json!([]), json!(0), json!([MEETING])),
        "{again}"
    );
    assert_eq!(
        again["updated"], 1,
        "a value of a known field is a change: {again}"
    );
}

#[test]
fn the_config_requires_https_off_this_machine_and_points_at_the_line() {
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "auditor = \"me\"\n\n[[crm]]\nname = \"main\"\nkind = \"amocrm\"\n\
         url = \"http://example.amocrm.ru\"\ntoken_env = \"X\"\n",
    )
    .unwrap();
    let out = desk
        .okk()
        .arg("--config")
        .arg(&config)
        .args(["crm", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("config.toml:6:7"), "{stderr}");
    assert!(stderr.contains("https"), "{stderr}");
}

#[test]
fn a_webhook_secret_never_shows_and_a_token_file_must_be_private() {
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    let token = desk.dir.path().join("token");
    std::fs::write(&token, "secret-token\n").unwrap();
    let okk = |args: &[&str]| {
        desk.okk()
            .arg("--config")
            .arg(&config)
            .args(args)
            .output()
            .unwrap()
    };
    let out = okk(&[
        "crm",
        "add",
        "b24",
        "--kind",
        "bitrix24",
        "--url",
        "https://portal.bitrix24.ru/rest/1/s3cr3tcode/",
    ]);
    assert!(out.status.success(), "{out:?}");
    let out = okk(&[
        "crm",
        "add",
        "amo",
        "--kind",
        "amocrm",
        "--url",
        "https://x.amocrm.ru",
        "--token-file",
        token.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{out:?}");
    let list = String::from_utf8(okk(&["crm", "list"]).stdout).unwrap();
    assert!(
        list.contains("https://portal.bitrix24.ru/rest/1/***/"),
        "{list}"
    );
    assert!(!list.contains("s3cr3tcode"), "{list}");

    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&token, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = okk(&["crm", "test", "amo"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("chmod 600"), "{stderr}");
    assert!(!stderr.contains("secret-token"), "{stderr}");
}

#[test]
fn crm_add_keeps_only_what_works_and_its_errors_speak_of_the_flags() {
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    let add = |args: &[&str]| {
        desk.okk()
            .arg("--config")
            .arg(&config)
            .args(["crm", "add"])
            .args(args)
            .output()
            .unwrap()
    };
    // A page of the account pasted from the browser: its origin is kept.
    let out = add(&[
        "amo",
        "--kind",
        "amocrm",
        "--url",
        "https://x.amocrm.ru/leads/pipeline/1/?skip_filter=Y",
        "--token-env",
        "T",
    ]);
    assert!(out.status.success(), "{out:?}");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(
        written.contains("url = \"https://x.amocrm.ru\"\n"),
        "{written}"
    );
    // An address with no scheme, as a browser's bar shows it: https (tester41 F9).
    let out = add(&[
        "bare",
        "--kind",
        "kommo",
        "--url",
        "z.kommo.com/leads/",
        "--token-env",
        "T",
    ]);
    assert!(out.status.success(), "{out:?}");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(
        written.contains("url = \"https://z.kommo.com\"\n"),
        "{written}"
    );
    // A webhook with a method after its code: the method goes.
    let out = add(&[
        "b24",
        "--kind",
        "bitrix24",
        "--url",
        "https://p.bitrix24.ru/rest/1/c0de/crm.deal.list.json",
    ]);
    assert!(out.status.success(), "{out:?}");
    let written = std::fs::read_to_string(&config).unwrap();
    assert!(
        written.contains("https://p.bitrix24.ru/rest/1/c0de/\""),
        "{written}"
    );

    let before = std::fs::read_to_string(&config).unwrap();
    for (args, said) in [
        (
            &[
                "b2",
                "--kind",
                "bitrix24",
                "--url",
                "https://p.bitrix24.ru/crm/deal/",
            ][..],
            "--url of a Bitrix24 connection is its incoming webhook",
        ),
        (
            &[
                "a2",
                "--kind",
                "amocrm",
                "--url",
                "http://x.amocrm.ru",
                "--token-env",
                "T",
            ][..],
            "--url: the address must use https: `--url https://x.amocrm.ru`",
        ),
        (
            &[
                "a3",
                "--kind",
                "amocrm",
                "--url",
                "https://y.amocrm.ru",
                "--token-env",
                "T",
                "--token-file",
                "/tmp/t",
            ][..],
            "give --token-env or --token-file, not both",
        ),
        (
            &[
                "a4",
                "--kind",
                "amocrm",
                "--url",
                "https://y.amocrm.ru",
                "--token-env",
                "A=B",
            ][..],
            "--token-env names an environment variable",
        ),
        (
            &["a5", "--kind", "amocrm", "--url", "https://y.amocrm.ru"][..],
            "needs --token-env VARIABLE or --token-file PATH",
        ),
        (
            &[
                "amo",
                "--kind",
                "amocrm",
                "--url",
                "https://y.amocrm.ru",
                "--token-env",
                "T",
            ][..],
            "has a connection named «amo» already",
        ),
        // The same account again, under another name: its deals would come in twice.
        (
            &[
                "amo-again",
                "--kind",
                "kommo",
                "--url",
                "https://X.amocrm.ru/leads/",
                "--token-env",
                "T",
            ][..],
            "«amo-again» would read the same account as «amo» (x.amocrm.ru) and the same pipelines",
        ),
        (
            &[
                "amo-rent",
                "--kind",
                "amocrm",
                "--url",
                "https://x.amocrm.ru",
                "--token-env",
                "T",
                "--pipeline",
                "Аренда",
            ][..],
            "sync «amo» instead, or give the two pipelines apart",
        ),
        // Another webhook of the same portal.
        (
            &[
                "b24-again",
                "--kind",
                "bitrix24",
                "--url",
                "https://p.bitrix24.ru/rest/9/0th3r/",
            ][..],
            "would read the same account as «b24» (p.bitrix24.ru)",
        ),
    ] {
        let out = add(args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(said), "{args:?}: {stderr}");
        assert!(!stderr.contains("config.toml:"), "{args:?}: {stderr}");
        assert!(!stderr.contains("token_env"), "{args:?}: {stderr}");
    }
    assert_eq!(std::fs::read_to_string(&config).unwrap(), before);

    // One account, its pipelines parted between two connections: no deal is read twice.
    for (name, pipeline) in [("y-sales", "Продажи"), ("y-rent", "Аренда")] {
        let out = add(&[
            name,
            "--kind",
            "amocrm",
            "--url",
            "https://y.amocrm.ru",
            "--token-env",
            "T",
            "--pipeline",
            pipeline,
        ]);
        assert!(out.status.success(), "{out:?}");
    }
    let out = add(&[
        "y-all",
        "--kind",
        "amocrm",
        "--url",
        "https://y.amocrm.ru",
        "--token-env",
        "T",
    ]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("as «y-sales» (y.amocrm.ru)"), "{stderr}");
}

/// Two [[crm]] tables written by hand for one account (another name, the same address): each
/// deal would be synced twice, as two cards under two sources. `okk crm list` and `okk sync`
/// say so once, at the second table's name; the sync still runs.
#[test]
fn two_connections_of_one_account_are_warned_about_once() {
    let crm = FakeCrm::start(State::with_deals(3), 0);
    let desk = Synced::new(&crm);
    let mut config = std::fs::read_to_string(&desk.config).unwrap();
    config.push_str(&format!(
        "\n[[crm]]\nname = \"again\"\nkind = \"amocrm\"\nurl = \"{}/\"\ntoken_env = \"{TOKEN_ENV}\"\n",
        crm.url
    ));
    std::fs::write(&desk.config, config).unwrap();
    let warning = format!(
        "okk: {}:8:8: connection «again» reads the same account as «main» (line 2, ",
        desk.config.display()
    );

    let out = desk.okk().args(["crm", "list"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches(&warning).count(), 1, "{stderr}");
    assert!(
        stderr.contains("every deal they share is synced twice, as two cards under two sources"),
        "{stderr}"
    );

    let out = desk.okk().args(["sync", "--json"]).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.matches(&warning).count(), 1, "{stderr}");
    assert_eq!(String::from_utf8(out.stdout).unwrap().lines().count(), 2);

    // In Russian too.
    let out = desk
        .okk()
        .args(["--lang", "ru", "crm", "list"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("подключение «again» читает тот же аккаунт, что и «main» (строка 2, "),
        "{stderr}"
    );
}

/// Ctrl-C to `okk sync --full` once `when` holds: its stderr (it said how to go on).
fn interrupt_full_sweep(desk: &Synced, when: impl Fn() -> bool) -> String {
    interrupt(desk, &["--full"], when)
}

/// Ctrl-C to `okk sync ARGS` once `when` holds: its stderr (it said how to go on), the exit
/// 130 checked.
fn interrupt(desk: &Synced, args: &[&str], when: impl Fn() -> bool) -> String {
    let child = spawn_sync(desk, args);
    while !when() {
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    stderr
}

/// A full sweep stopped half-way, then `okk sync` as the interrupt message says: the deals the
/// CRM no longer lists are marked gone and the sweep is recorded, as a whole `--full` would.
fn the_next_sync_finishes_the_sweep(desk: &Synced, name: &str, gone: &[i64]) -> Json {
    // The first sync's pass, not the sweep's (it did not finish).
    let before = listed(desk, name)[6].clone();
    assert_eq!(before, listed(desk, name)[5], "the sweep did not finish");
    let report = desk.sync(&[]);
    assert!(report["full_sweep_begun_at"].is_string(), "{report}");
    assert_eq!(report["gone"], gone.len(), "{report}");
    assert_eq!(report["full"], true, "{report}");
    assert!(report["full_sweep_at"].is_string(), "{report}");
    for id in gone {
        assert!(
            desk.desk.card(&id.to_string())["gone_at"].is_string(),
            "{id}"
        );
    }
    assert_ne!(listed(desk, name)[6], "never");
    // Done: the next sync is an ordinary one.
    let after = desk.sync(&[]);
    assert_eq!(
        (after["gone"].clone(), after["full"].clone()),
        (0.into(), false.into())
    );
    assert_eq!(after["full_sweep_at"], report["full_sweep_at"]);
    report
}

/// amoCRM lists a deal deleted long ago (beyond the events it keeps) no more: only a sweep
/// finds it. A sweep stopped by Ctrl-C is finished by the next sync, which reads the deals
/// from where the sweep stopped, not from its own cursor.
#[test]
fn amocrm_a_full_sweep_stopped_half_way_is_finished_by_the_next_sync() {
    let crm = FakeCrm::start(State::with_deals(2000), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    // Gone from the CRM's list with no event: one read early in the sweep, one late.
    let gone = [30_000_004, 30_001_990];
    crm.with(|s| {
        s.deals.retain(|d| !gone.contains(&d.id));
        s.faults.page_delay = Duration::from_millis(250);
    });
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    let before = leads();
    let stderr = interrupt_full_sweep(&desk, || leads() >= before + 4);
    // It says the next sync (with the config file it was given) finishes the sweep, the
    // command whole on its line.
    let config = format!("`okk --config {} sync`", desk.config.display());
    let said = stderr.replace('\n', " ");
    assert!(
        said.contains(&format!(
            "okk: interrupted; what landed is kept; run {config} again to resume: it finishes \
             the full sweep under way"
        )),
        "{stderr}"
    );
    assert!(stderr.lines().any(|l| l.contains(&config)), "{stderr}");
    assert_eq!(
        desk.desk
            .rows_where(Table::Cards, |c| !c["gone_at"].is_null()),
        0
    );

    crm.with(|s| s.faults.page_delay = Duration::ZERO);
    let at = leads();
    let report = the_next_sync_finishes_the_sweep(&desk, "main", &gone);
    assert!(report["rows"].as_u64().unwrap() < 2000, "{report}");
    assert!(
        leads() - at < 8,
        "the pages the sweep had not read: {}",
        leads() - at
    );
}

/// Bitrix24 lists no deletions: a sweep is the only way to find them. Stopped by Ctrl-C, it is
/// finished by the next sync, which reads the deals after the last one it landed.
#[test]
fn bitrix24_a_full_sweep_stopped_half_way_is_finished_by_the_next_sync() {
    let crm = FakeCrm::start(State::with_deals(1000), 0);
    let desk = Synced::bitrix(&crm);
    desk.sync(&[]);
    let gone = [30_000_004, 30_000_990];
    let batches = crm.with(|s| {
        s.deals.retain(|d| !gone.contains(&d.id));
        // The deals come 50 pages a request; each page's comments are a request of their own.
        s.faults.note_page_delay = Duration::from_millis(100);
        s.comment_batches
    });
    let comments = || crm.with(|s| s.comment_batches);
    interrupt_full_sweep(&desk, || comments() >= batches + 12);
    assert_eq!(
        desk.desk
            .rows_where(Table::Cards, |c| !c["gone_at"].is_null()),
        0
    );

    crm.with(|s| s.faults.note_page_delay = Duration::ZERO);
    let pages = crm.with(|s| s.deal_pages);
    let report = the_next_sync_finishes_the_sweep(&desk, "b24", &gone);
    assert!(report["rows"].as_u64().unwrap() < 1000, "{report}");
    let read = crm.with(|s| s.deal_pages) - pages;
    assert!(
        read < 20,
        "{read} pages: the sweep's rest, not every deal again"
    );
}

/// Starts `okk sync --json ARGS` in the background, its output piped.
fn spawn_sync(desk: &Synced, args: &[&str]) -> std::process::Child {
    spawn_sync_with(desk, &[], args)
}

/// [`spawn_sync`] with these variables set too.
fn spawn_sync_with(desk: &Synced, env: &[(&str, &str)], args: &[&str]) -> std::process::Child {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("okk"));
    let probe = desk.okk();
    for (k, v) in probe.get_envs() {
        match v {
            Some(v) => child.env(k, v),
            None => child.env_remove(k),
        };
    }
    child.envs(env.iter().copied());
    child
        .args(probe.get_args())
        .arg("sync")
        .arg("--json")
        .args(args);
    child
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// Starts `okk sync` and kills it (SIGKILL) once `when` holds.
fn kill_after(desk: &Synced, when: impl Fn() -> bool) {
    let mut child = spawn_sync(desk, &[]);
    while !when() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "okk sync ended before the kill"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

// ---- Bitrix24 ---------------------------------------------------------------------------------

const BATCH: &str = "/rest/1/h00ksecret42/batch.json";
const DEAL_LIST: &str = "/rest/1/h00ksecret42/crm.deal.list.json";

/// Bitrix24's user fields land under the labels the portal gives them, as its export names the
/// column («Источник», not `UF_CRM_SOURCE`); a store synced before okk read the labels takes the
/// label on the deals it reads again (`--full`: all of them) without counting a card changed,
/// and its report names the new column and the code's as no longer sent.
#[test]
fn bitrix24_user_fields_land_under_their_labels_and_a_store_synced_by_codes_takes_them() {
    let crm = FakeCrm::start(State::with_deals(60), 0);
    let (id, source) = crm.with(|s| {
        s.deals
            .iter()
            .find_map(|d| {
                let c = d.custom.iter().find(|c| c.0 == fake::FIELDS[0].0)?;
                Some((d.id.to_string(), c.1.as_str()?.to_string()))
            })
            .unwrap()
    });
    let fields = |desk: &Synced| -> Json {
        serde_json::from_str(desk.desk.card(&id)["fields"].as_str().unwrap()).unwrap()
    };
    let fresh = Synced::bitrix(&crm);
    fresh.sync(&[]);
    let by_label = fields(&fresh);
    assert_eq!(by_label["Источник"], source.as_str(), "{by_label}");
    assert!(by_label.get("UF_CRM_SOURCE").is_none(), "{by_label}");

    // A store synced while the codes were the names.
    crm.with(|s| s.b24_labels = false);
    let before = Synced::bitrix(&crm);
    before.sync(&[]);
    assert_eq!(fields(&before)["UF_CRM_SOURCE"], source.as_str());
    crm.with(|s| s.b24_labels = true);
    let again = before.sync(&["--full"]);
    assert_eq!(again["updated"], 0, "{again}");
    assert_eq!(
        again["new_columns"],
        serde_json::json!(["Источник"]),
        "{again}"
    );
    assert_eq!(
        again["missing_columns"],
        serde_json::json!(["UF_CRM_SOURCE"]),
        "{again}"
    );
    let now = fields(&before);
    assert_eq!(now["Источник"], source.as_str(), "{now}");
}

/// A portal of 30 user fields (`fake_crm --fields 30`): every value its deals hold lands on
/// their cards under the field's label, the multiple ones (a multiselect's items) too, which
/// the portal gives only when `select` names them (`UF_*` leaves them out, crm-deal-list.md);
/// a deal changed since is read with them again.
#[test]
fn bitrix24_every_user_field_of_a_30_field_portal_lands_on_the_cards_multiple_ones_too() {
    let crm = FakeCrm::start(State::with_deals_and_fields(120, 30), 0);
    let desk = Synced::bitrix(&crm);
    desk.sync(&[]);
    let (names, multi, held) = crm.with(|s| {
        let names: Vec<&str> = s.fields.iter().map(|f| f.1).collect();
        let multi: Vec<&str> = (s.fields.iter())
            .filter(|f| f.2 == "multiselect")
            .map(|f| f.1)
            .collect();
        let held: std::collections::BTreeMap<String, Vec<(&str, usize)>> = (s.deals.iter())
            .map(|d| {
                let mut values: Vec<(&str, usize)> = (d.custom.iter())
                    .map(|(id, v)| {
                        let name = s.fields.iter().find(|f| f.0 == *id).unwrap().1;
                        (name, v.as_array().map_or(1, Vec::len))
                    })
                    .collect();
                values.sort();
                (d.id.to_string(), values)
            })
            .collect();
        (names, multi, held)
    });
    let landed = |desk: &Synced| {
        let mut landed = std::collections::BTreeMap::new();
        for c in desk.desk.rows(Table::Cards) {
            let all: Json = serde_json::from_str(&text(&c, "fields")).unwrap();
            let mut values: Vec<(&str, usize)> = (all.as_object().unwrap().iter())
                .filter_map(|(k, v)| {
                    let name = *names.iter().find(|n| **n == k.as_str())?;
                    // A multiple field's items, joined.
                    let items = match multi.contains(&name) {
                        true => v.as_str().unwrap().split(", ").count(),
                        false => 1,
                    };
                    Some((name, items))
                })
                .collect();
            values.sort();
            landed.insert(text(&c, "external_id"), values);
        }
        landed
    };
    let same = |landed: std::collections::BTreeMap<String, Vec<(&str, usize)>>| {
        assert_eq!(landed.len(), held.len());
        for (id, values) in &held {
            assert_eq!(&landed[id], values, "card {id}");
        }
    };
    same(landed(&desk));
    // A list field's items by their names, as the portal's export and its deal card show them,
    // not by the ids the deal list gives.
    let named: Vec<(String, String, String)> = crm.with(|s| {
        let mut out = Vec::new();
        for d in &s.deals {
            for (id, v) in &d.custom {
                let f = s.fields.iter().find(|f| f.0 == *id).unwrap();
                let words = match v {
                    Json::Array(many) => many.iter().map(|i| i.as_str().unwrap()).collect(),
                    v => vec![v.as_str().unwrap_or_default()],
                };
                if matches!(f.2, "select" | "multiselect") {
                    out.push((d.id.to_string(), f.1.to_string(), words.join(", ")));
                }
            }
        }
        out
    });
    assert!(named.len() > 50, "{}", named.len());
    let cards: std::collections::HashMap<String, Json> = (desk.desk.rows(Table::Cards).iter())
        .map(|c| {
            (
                text(c, "external_id"),
                serde_json::from_str(&text(c, "fields")).unwrap(),
            )
        })
        .collect();
    for (deal, field, words) in &named {
        assert_eq!(
            cards[deal][field],
            Json::from(words.as_str()),
            "#{deal} {field}"
        );
    }
    // A date field's value as the portal's export writes it, not the ISO 8601 the deal list
    // gives: a `date` field's day alone, a `datetime` field's (the meeting's) wall-clock time.
    let dated: Vec<(String, String)> = crm.with(|s| {
        (s.deals.iter())
            .flat_map(|d| d.custom.iter().map(move |(id, _)| (d.id, *id)))
            .filter_map(|(deal, id)| {
                let f = s.fields.iter().find(|f| f.0 == id).unwrap();
                (f.2 == "date").then(|| (deal.to_string(), f.1.to_string()))
            })
            .collect()
    });
    assert!(dated.len() > 50, "{}", dated.len());
    for (deal, field) in &dated {
        let v = cards[deal][field].as_str().unwrap();
        let read = if field == fake::FIELDS[1].1 {
            chrono::NaiveDateTime::parse_from_str(v, "%d.%m.%Y %H:%M:%S").map(|_| ())
        } else {
            chrono::NaiveDate::parse_from_str(v, "%d.%m.%Y").map(|_| ())
        };
        assert!(read.is_ok(), "#{deal} {field}: {v}");
    }
    let multiple = |d: &str| held[d].iter().any(|(n, k)| *n == "Интересы" && *k > 1);
    assert!(held.keys().any(|d| multiple(d)), "deals of many items");

    // A deal changed since: read again, with its multiple fields.
    let deal = held.keys().find(|d| multiple(d)).unwrap().clone();
    crm.with(|s| s.rename(deal.parse().unwrap(), "Переименована"));
    let again = desk.sync(&[]);
    assert_eq!(again["updated"], 1, "{again}");
    same(landed(&desk));
}

/// A portal of 30 user fields (lists, multiple lists, dates, booleans, numbers, texts): every
/// card's user fields are the same synced as imported from the portal's CSV export, field by
/// field — a list's items by name, a boolean «Да»/«Нет» as the export writes them, not the
/// item ids and `1`/`0` the deal list gives.
#[test]
fn bitrix24_the_user_fields_of_a_30_field_portal_are_the_same_synced_as_imported() {
    let crm = FakeCrm::start(State::with_deals_and_fields(200, 30), 0);
    let desk = Synced::bitrix(&crm);
    let synced = desk.sync(&[]);
    let other = Desk::new();
    let csv = other.dir.path().join("bitrix24_export.csv");
    crm.with(|s| s.export_bitrix_csv(&csv));
    let imported = succeeded(other.okk().args([
        "import",
        "--json",
        "--profile",
        "bitrix24",
        csv.to_str().unwrap(),
        "--source",
        "b24",
    ]));
    let imported: Json = serde_json::from_str(&imported).unwrap();
    assert_eq!(
        (&synced["inserted"], &imported["inserted"]),
        (&200.into(), &200.into())
    );
    let (names, values) = crm.with(|s| {
        let names: Vec<&str> = s.fields.iter().map(|f| f.1).collect();
        let values: usize = s.deals.iter().map(|d| d.custom.len()).sum();
        (names, values)
    });
    assert_eq!(names.len(), 30);
    let (by_sync, by_import) = (
        desk.desk.account_fields(&names),
        other.account_fields(&names),
    );
    assert_eq!(by_sync.len(), 200);
    for (id, synced) in &by_sync {
        assert_eq!(synced, &by_import[id], "card {id}");
    }
    assert_eq!(by_sync.values().map(Vec::len).sum::<usize>(), values);
    let all: Vec<&(String, String)> = by_sync.values().flatten().collect();
    let some =
        |name: &str, like: &dyn Fn(&str) -> bool| all.iter().any(|(k, v)| k == name && like(v));
    for boolean in ["Ипотека одобрена", "Повторное обращение"] {
        assert!(some(boolean, &|v| v == "Да"), "{boolean}");
        assert!(some(boolean, &|v| v == "Нет"), "{boolean}");
        assert!(!some(boolean, &|v| v != "Да" && v != "Нет"), "{boolean}");
    }
    assert!(some("Интересы", &|v| v.contains(", ")));
}

#[test]
fn bitrix24_first_sync_maps_c1_stages_and_string_numbers_and_a_second_changes_nothing() {
    let crm = FakeCrm::start(State::with_deals(130), 0);
    let desk = Synced::bitrix(&crm);

    let first = desk.sync(&[]);
    assert_eq!(tally(&first), (130, 130, 0, 0, 0));
    // Category list, one batch for every pipeline's stages, users, then one `batch` each for
    // the open activities, the three pages of deals (chained) and the stage history, and a batch
    // of comments per page of deals.
    assert_eq!(first["requests"], 9, "{first}");
    assert!(!first.to_string().contains("h00ksecret42"), "{first}");
    assert!(first["url"].as_str().unwrap().ends_with("/rest/1/***/"));

    // Deal 30000012 sits in the second pipeline, stage `C1:NEW`.
    let card = desk.desk.card("30000012");
    assert_eq!(card["pipeline"], "Вторичный рынок");
    assert_eq!(card["stage"], "Первичный контакт");
    assert_eq!(card["owner"], "Смирнова Ольга");
    assert!(card["fields"].as_str().unwrap().contains("ASSIGNED_BY_ID"));
    assert_eq!(desk.desk.card("30000000")["amount"], 1_000_000.0);
    assert_eq!(desk.desk.card("30000004")["stage"], "Успешно реализовано");

    let again = desk.sync(&[]);
    assert_eq!(
        (again["inserted"].clone(), again["updated"].clone()),
        (0.into(), 0.into())
    );
    // The same metadata and open activities, the activities changed since the cursor, the
    // overlap's page of deals with its comments, the stage history.
    assert_eq!(again["requests"], 8, "{again}");
}

/// Bitrix24 lists no deletions: a sync that is no full sweep does not say "gone: 0" as if it
/// had looked, but that it did not, when the last sweep was (or never) and the command that
/// finds them; `--json` keeps `gone` a number and says `deletions_checked`.
#[test]
fn bitrix24_an_incremental_sync_says_deletions_were_not_checked_and_how_to_find_them() {
    let crm = FakeCrm::start(State::with_deals(60), 0);
    let desk = Synced::bitrix(&crm);
    desk.sync(&[]);
    let again = desk.sync(&[]);
    assert_eq!(again["gone"], 0, "{again}");
    assert_eq!(again["deletions_checked"], false, "{again}");

    let text = succeeded(desk.okk().args(["--lang", "en", "sync"]));
    assert!(!text.contains("gone from the CRM: 0"), "{text}");
    assert!(
        text.contains(
            "gone from the CRM: not checked (Bitrix24 does not list the deals gone from it)"
        ),
        "{text}"
    );
    // The first sync was the last full pass.
    assert!(text.contains("last full sweep: "), "{text}");
    assert!(!text.contains("never"), "{text}");
    let full = format!("`okk --config {} sync b24 --full`", desk.config.display());
    assert!(text.contains(&full), "{text}");

    let swept = desk.sync(&["--full"]);
    assert_eq!(swept["deletions_checked"], true, "{swept}");
    let text = succeeded(desk.okk().args(["--lang", "ru", "sync"]));
    assert!(text.contains("нет в CRM: не проверялось"), "{text}");
    assert!(!text.contains("никогда"), "{text}");
    assert_eq!(
        text.matches("последний полный проход: ").count(),
        1,
        "{text}"
    );
    assert!(text.contains(&full), "{text}");
}

/// amoCRM lists its deletions as events: every sync checked them.
#[test]
fn amocrm_every_sync_checks_deletions() {
    let crm = FakeCrm::start(State::with_deals(20), 0);
    let desk = Synced::new(&crm);
    assert_eq!(desk.sync(&[])["deletions_checked"], true);
    let text = succeeded(desk.okk().args(["--lang", "en", "sync"]));
    assert!(text.contains("gone from the CRM: 0"), "{text}");
    assert!(!text.contains("--full"), "{text}");
}

/// A portal that does not put `$result[…]` into the next command (an old one, or one that
/// answers a reference differently) still gives every deal, a page a request; one that does
/// gives them many pages a request.
#[test]
fn bitrix24_pages_a_portal_does_not_chain_come_one_a_request() {
    let mut state = State::with_deals(1000);
    state.faults.literal_refs = true;
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::bitrix(&crm);
    let first = desk.sync(&[]);
    assert_eq!(tally(&first), (1000, 1000, 0, 0, 0));
    assert_eq!(distinct_ids(&desk.desk), 1000);
    // Twenty-one pages (the last empty): the first batch's second page did not follow its
    // first, so each page after it was asked alone.
    let lists = crm.with(|s| s.by_path.get(DEAL_LIST).copied().unwrap_or(0));
    assert_eq!(lists, 20, "pages asked alone");

    crm.with(|s| s.faults.literal_refs = false);
    let fresh = Synced::bitrix(&crm);
    let (pages, batches) = crm.with(|s| (s.deal_pages, s.by_path[BATCH]));
    assert_eq!(tally(&fresh.sync(&[])), (1000, 1000, 0, 0, 0));
    assert_eq!(distinct_ids(&fresh.desk), 1000);
    // One request for every page (and the empty one that ends them), no page asked twice.
    let read = crm.with(|s| s.deal_pages) - pages;
    assert!(read <= 21, "{read} pages for 20");
    let chained = crm.with(|s| s.by_path[BATCH]) - batches;
    // The deals' one, a batch of comments per page, metadata, activities, history.
    assert_eq!(chained, 1 + 20 + 3, "{chained} batches");
    assert_eq!(
        crm.with(|s| s.by_path.get(DEAL_LIST).copied().unwrap_or(0)),
        lists,
        "no page asked alone"
    );

    // An incremental sync does not know how long its lists are: it asks 2 pages, then 4, 8,
    // 16 while they come full — 1,000 changed deals in four requests.
    crm.with(|s| {
        let ids: Vec<i64> = s.deals.iter().map(|d| d.id).collect();
        for id in ids {
            s.rename(id, "Переименована");
        }
    });
    let before = crm.with(|s| (s.deal_pages, s.by_path[BATCH], s.comment_batches));
    let report = fresh.sync(&[]);
    assert_eq!(tally(&report).2, 1000, "{report}");
    let after = crm.with(|s| (s.deal_pages, s.by_path[BATCH], s.comment_batches));
    assert!(
        after.0 - before.0 <= 22,
        "{} pages read",
        after.0 - before.0
    );
    // Less the comments' batches, the stages', the open and the changed activities', the
    // stage history's.
    let deal_batches = (after.1 - before.1) - (after.2 - before.2) - 4;
    assert_eq!(deal_batches, 4, "{report}");
}

/// As for amoCRM: the fields the funnel requires that the portal has not (the phone is the
/// contact's) are said once and flagged on no card; the portal's own are.
#[test]
fn bitrix24_fields_the_portal_lacks_are_said_once_and_flagged_on_no_card() {
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let desk = Synced::bitrix(&crm).qualifying();
    let report = desk.sync(&[]);
    let absent = report["absent_fields"].to_string();
    assert!(
        absent.contains("phone") && absent.contains("Интересующие параметры"),
        "{absent}"
    );
    assert!(!absent.contains("owner"), "{absent}");
    let flags = flags_of(desk.okk());
    assert!(
        flags.iter().any(|c| c.contains("«Квалификация»")),
        "cards at a stage that requires fields: {flags:#?}"
    );
    assert!(
        !flags.iter().any(|c| c.contains("\"code\":\"required\"")),
        "{flags:#?}"
    );
    // (`okk check` for the fake's day judged the store again, by the fields the sync recorded.)
}

#[test]
fn bitrix24_stage_history_dates_a_move_by_the_portals_own_clock() {
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let desk = Synced::bitrix(&crm);
    let early = crm.with(|s| {
        s.move_deal(30_000_008, 60_000_004);
        s.moves.last().unwrap().at
    });
    desk.sync(&[]);
    // The fake portal's clock is UTC+3, and Bitrix24's dates are kept on it.
    let portal = |t: i64| utc(t) + chrono::Duration::hours(3);
    assert_eq!(
        desk.desk.visits("30000008"),
        [("Принимают решение".to_string(), portal(early))]
    );
    let moved = crm.with(|s| {
        s.move_deal(30_000_001, 60_000_004);
        s.moves.last().unwrap().at
    });
    let report = desk.sync(&[]);
    assert_eq!(report["stage_changes"], 1);
    let visits = desk.desk.visits("30000001");
    assert_eq!(visits.len(), 2, "{visits:?}");
    assert_eq!(visits[1], ("Принимают решение".to_string(), portal(moved)));
}

#[test]
fn bitrix24_incremental_sync_brings_changes_and_a_full_sweep_finds_deletions() {
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let desk = Synced::bitrix(&crm);
    let (report, new_id) = changed_since_the_first_sync(&crm, &desk, 30_000_012, 61_000_002);
    // Bitrix24 lists no deletions: only a full sweep finds them.
    assert_eq!(report["gone"], 0);
    assert_eq!(
        desk.desk.history("30000012"),
        ["Первичный контакт", "Показ"]
    );
    assert_eq!(
        desk.desk.card(&new_id.to_string())["title"],
        format!("Сделка #{}", new_id)
    );

    let full = desk.sync(&["--full"]);
    assert_eq!(full["gone"], 1);
    assert_eq!(full["rows"], 120);
    assert!(full["full_sweep_at"].is_string());
    assert!(desk.desk.card("30000003")["gone_at"].is_string());
    let list = desk.okk().args(["crm", "list"]).output().unwrap();
    let list = String::from_utf8(list.stdout).unwrap();
    assert!(
        !list.contains("never\n"),
        "the full sweep's time is listed: {list}"
    );
}

#[test]
fn bitrix24_query_limit_exceeded_is_retried_and_an_expired_token_changes_nothing() {
    let mut state = State::with_deals(60);
    state.faults.too_many = 2;
    state.faults.cut_pages = 1;
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::bitrix(&crm);
    let report = desk.sync(&[]);
    assert_eq!(report["inserted"], 60);
    assert_eq!(report["retries"], 3);

    let before = std::fs::read(&desk.desk.db).unwrap();
    crm.with(|s| s.faults.expired = true);
    let stderr = desk.sync_fails(&[]);
    // A webhook is no token.
    assert!(stderr.contains("refused the webhook"), "{stderr}");
    assert!(stderr.contains("incoming webhook"), "{stderr}");
    assert!(!stderr.contains("h00ksecret42"), "{stderr}");
    assert_eq!(std::fs::read(&desk.desk.db).unwrap(), before);
}

#[test]
fn bitrix24_sync_killed_mid_way_resumes_by_id_with_no_card_lost_or_doubled() {
    let mut state = State::with_deals(1000);
    // The deals come 50 pages a request; each page's comments are a request of their own.
    state.faults.note_page_delay = Duration::from_millis(100);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::bitrix(&crm);
    // A group lands what came within a second of its first page.
    kill_after(&desk, || crm.with(|s| s.comment_batches) >= 14);

    let landed = desk.desk.rows(Table::Cards).len() as i64;
    assert!(landed > 0 && landed < 1000, "{landed} cards after the kill");
    crm.with(|s| {
        s.faults.note_page_delay = Duration::ZERO;
        // Between the kill and the resume, a deal landed and one not yet read change.
        s.rename(30_000_001, "Изменена после остановки");
        s.pass(120);
        s.rename(30_000_999, "Изменена позже");
    });
    let before = crm.with(|s| s.deal_pages);
    let report = desk.sync(&[]);
    assert_eq!(report["inserted"].as_u64().unwrap() as i64, 1000 - landed);
    assert!(report["resumed_run_begun_at"].is_string(), "{report}");
    assert_eq!(desk.desk.card("30000999")["title"], "Изменена позже");
    // Read from the last id landed: the pages not landed, and the empty one that ends it.
    let read = crm.with(|s| s.deal_pages) - before;
    assert!(
        read as i64 <= (1000 - landed) / 50 + 2,
        "{read} pages read again for {} cards not landed",
        1000 - landed
    );
    assert_eq!(distinct_ids(&desk.desk), 1000);
    assert_eq!(desk.desk.rows(Table::Cards).len() as i64, 1000);
    // The resumed run went on by id; the next one reads what changed behind it.
    let next = desk.sync(&[]);
    assert_eq!(next["updated"], 1, "{next}");
    assert!(next["resumed_run_begun_at"].is_null(), "{next}");
    assert_eq!(
        desk.desk.card("30000001")["title"],
        "Изменена после остановки"
    );
}

#[test]
fn bitrix24_a_deal_changed_behind_the_run_s_id_paging_is_read_by_the_next_sync() {
    // Deals are paged by id: one whose id the run has passed and that changes while the run
    // goes on is not read again, and a deal of a higher id changed after it must not carry
    // the cursor past it.
    let mut state = State::with_deals(5000);
    state.faults.note_page_delay = Duration::from_millis(20);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::bitrix(&crm);
    let mut child = spawn_sync(&desk, &[]);
    while crm.with(|s| s.comment_batches) < 3 {
        assert!(child.try_wait().unwrap().is_none(), "the sync ended early");
        std::thread::sleep(Duration::from_millis(5));
    }
    crm.with(|s| {
        s.rename(30_000_002, "Переименована во время синхронизации");
        // A long run: minutes, more than the overlap the cursor keeps, pass between changes.
        s.pass(120);
        s.rename(30_004_000, "Тоже переименована");
    });
    assert!(child.wait_with_output().unwrap().status.success());
    // The run read the higher deal after its change, not the lower one.
    assert_eq!(desk.desk.card("30004000")["title"], "Тоже переименована");
    assert_eq!(desk.desk.card("30000002")["title"], "Сделка #30000002");

    let report = desk.sync(&[]);
    assert_eq!(
        desk.desk.card("30000002")["title"],
        "Переименована во время синхронизации"
    );
    assert_eq!(report["updated"], 1, "{report}");
    // The run's start less a second: no more than the two deals read again.
    assert!(report["rows"].as_u64().unwrap() <= 2, "{report}");
    // And the cursor then moves on: a third run reads at most the overlap's seconds again.
    let third = desk.sync(&[]);
    assert_eq!(third["updated"], 0, "{third}");
    assert!(third["rows"].as_u64().unwrap() <= 2, "{third}");
}

// ---- the no_task rule -------------------------------------------------------------------------

#[test]
fn no_task_flags_open_cards_whose_nearest_task_is_missing_or_past_on_the_stages_that_ask() {
    let crm = FakeCrm::start(State::with_deals(200), 0);
    let desk = Synced::new(&crm);
    no_task_story(&crm, &desk, 0, |_, d| d.closest_task_at);
}

/// Bitrix24 has no nearest-task field: a deal's open activities (read account-wide) say it.
/// One with an open activity due later is not flagged, one with none (or only done ones) is.
#[test]
fn bitrix24_no_task_reads_the_deals_open_activities() {
    let crm = FakeCrm::start(State::with_deals(200), 0);
    let desk = Synced::bitrix(&crm);
    // The fake portal's clock is UTC+3: its deadlines are kept on it.
    no_task_story(&crm, &desk, 3, |s, d| s.nearest_activity(d.id));
    let done_only = crm.with(|s| {
        s.activities
            .iter()
            .filter(|a| a.completed)
            .map(|a| a.deal)
            .find(|d| s.nearest_activity(*d).is_none())
    });
    assert!(
        done_only.is_some(),
        "the fake has a deal with only done activities"
    );
}

/// An activity done or scheduled in the portal leaves its deal's DATE_MODIFY as it was: the
/// next sync reads the deals whose activities changed since its cursor (and only those) again,
/// so their nearest task is the portal's.
#[test]
fn bitrix24_an_activity_done_or_added_moves_its_deals_nearest_task_at_the_next_sync() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::bitrix(&crm);
    desk.sync(&[]);
    let task = |id: &str| {
        let fields: Json =
            serde_json::from_str(desk.desk.card(id)["fields"].as_str().unwrap()).unwrap();
        fields["Ближайшая задача"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    let (done, added) = crm.with(|s| {
        let open = |d: &&fake::Deal| s.nearest_activity(d.id).is_some();
        let done = s.deals.iter().find(open).unwrap().id;
        let none = s.deals.iter().rev().find(|d| !open(d)).unwrap().id;
        (done, none)
    });
    assert_ne!(task(&done.to_string()), "");
    assert_eq!(task(&added.to_string()), "");
    let due = crm.with(|s| {
        s.complete_activities(done);
        let due = s.clock + 86_400;
        s.add_activity(added, due);
        due
    });

    let report = desk.sync(&[]);
    assert_eq!(tally(&report).2, 2, "{report}");
    assert_eq!(task(&done.to_string()), "");
    let portal = utc(due) + chrono::Duration::hours(3);
    assert_eq!(
        task(&added.to_string()),
        portal.format("%d.%m.%Y %H:%M:%S").to_string()
    );
    // Metadata, users, open and changed activities, the overlap's deals, the touched deals,
    // a batch of comments for each of both, the stage history.
    assert!(report["requests"].as_u64().unwrap() <= 10, "{report}");
    // Nothing changed since: nothing read again.
    let again = desk.sync(&[]);
    assert_eq!(tally(&again).2, 0, "{again}");
}

/// The shipped funnel with the `no_task` rule on «Первичный контакт», written into `dir`.
fn no_task_funnel(dir: &std::path::Path) -> PathBuf {
    let text = std::fs::read_to_string(common::funnel_path()).unwrap();
    let at = text.find("name = \"Первичный контакт\"").unwrap();
    let needle = "required = [\"owner\"]\n";
    let at = at + text[at..].find(needle).unwrap() + needle.len();
    let funnel = dir.join("funnel.toml");
    let with_rule = format!(
        "{}\n  [[stages.rules]]\n  kind = \"no_task\"\n{}",
        &text[..at],
        &text[at..]
    );
    std::fs::write(&funnel, with_rule).unwrap();
    funnel
}

/// A stage with `no_task` holds cards of a connection (its API says each deal's nearest task)
/// and of a file import of the same account (its export has no such column): only the
/// connection's taskless cards are flagged — judged in the sync's and the import's own pass
/// and by a rules run over the store alike — and the import says the column is not exported.
#[test]
fn no_task_flags_no_card_of_a_source_whose_exports_never_had_the_nearest_task() {
    let crm = FakeCrm::start(State::with_deals(200), 0);
    let judged = |extra: &[&str]| {
        let mut desk = Synced::new(&crm);
        desk.funnel = no_task_funnel(desk.desk.dir.path());
        let today = |mut cmd: Command| {
            cmd.env("OKK_TODAY", "2026-11-20");
            cmd
        };
        succeeded(today(desk.okk()).arg("sync").args(extra));
        let csv = desk.desk.dir.path().join("amocrm_export.csv");
        crm.with(|s| s.export_csv(&csv));
        let imported = succeeded(
            today(desk.okk())
                .args(["import", "--json"])
                .args(extra)
                .args([csv.to_str().unwrap(), "--source", "file"]),
        );
        let flagged: Vec<(String, String)> = {
            let out = succeeded(today(desk.okk()).args(["check", "--rule", "no_task", "--json"]));
            let json: Json = serde_json::from_str(&out).unwrap();
            let mut cards: Vec<(String, String)> = json["cards"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| (c["source"].to_string(), c["id"].to_string()))
                .collect();
            cards.sort();
            cards
        };
        let store = succeeded(
            desk.okk()
                .args(["--lang", "en", "funnel", "check", "--store"]),
        );
        (imported, flagged, store)
    };
    let (imported, in_pass, store) = judged(&[]);
    let (_, after, _) = judged(&["--no-check"]);
    assert!(
        !in_pass.is_empty(),
        "the connection's taskless cards are flagged"
    );
    assert!(
        in_pass.iter().all(|(source, _)| source == "\"main\""),
        "{in_pass:?}"
    );
    assert_eq!(in_pass, after);
    let imported: Json = serde_json::from_str(&imported).unwrap();
    assert!(
        imported["absent_fields"]
            .to_string()
            .contains("Ближайшая задача"),
        "{imported}"
    );
    assert!(
        store.contains("«file» never exports")
            && store.contains("Ближайшая задача: the no_task rule reads it at Первичный контакт")
            && store.matches("Ближайшая задача").count() == 1,
        "{store}"
    );
}

/// Syncs with the `no_task` rule on «Первичный контакт» and checks its flags on two days
/// against the fake's deals and `task` (a deal's nearest task, Unix seconds; `hours`: the
/// CRM's clock ahead of UTC).
fn no_task_story(
    crm: &FakeCrm,
    desk: &Synced,
    hours: i64,
    task: fn(&State, &fake::Deal) -> Option<i64>,
) {
    let funnel = no_task_funnel(desk.desk.dir.path());
    let okk = || {
        let mut cmd = desk.desk.okk_bare();
        cmd.arg("--db")
            .arg(&desk.desk.db)
            .arg("--funnel")
            .arg(&funnel)
            .arg("--config")
            .arg(&desk.config)
            .env(TOKEN_ENV, TOKEN)
            .env("OKK_SYNC_RATE", "0");
        cmd
    };
    succeeded(okk().args(["sync", "--json"]));

    let flagged = |today: &str| -> Vec<String> {
        okk::store::Store::open(&desk.desk.db)
            .and_then(|store| store.set_meta("clock", today))
            .expect("set the store's clock");
        let out = succeeded(okk().args(["check", "--rule", "no_task", "--json"]));
        let json: Json = serde_json::from_str(&out).unwrap();
        let mut ids: Vec<String> = json["cards"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    // The fake's deals in «Первичный контакт» and their nearest tasks.
    let expected = |today: chrono::NaiveDate| -> Vec<String> {
        let mut ids: Vec<String> = crm.with(|s| {
            s.deals
                .iter()
                // «Неразобранное» is an alias of the stage in the shipped funnel.
                .filter(|d| [60_000_001, 60_000_002, 61_000_001].contains(&d.status))
                .filter(|d| match task(s, d) {
                    None => true,
                    Some(t) => {
                        let local = t + hours * 3600;
                        chrono::DateTime::from_timestamp(local, 0)
                            .unwrap()
                            .date_naive()
                            < today
                    }
                })
                .map(|d| d.id.to_string())
                .collect()
        });
        ids.sort();
        ids
    };
    let early = flagged("2026-01-01 09:00:00");
    assert!(!early.is_empty());
    assert_eq!(
        early,
        expected(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
    );
    let late = flagged("2027-06-01 09:00:00");
    assert!(late.len() > early.len(), "past tasks count as none");
    assert_eq!(
        late,
        expected(chrono::NaiveDate::from_ymd_opt(2027, 6, 1).unwrap())
    );
}

#[test]
fn bitrix24_webhook_without_the_user_scope_keeps_owner_ids_and_warns_once() {
    let mut state = State::with_deals(10);
    state.faults.not_admin = true;
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::bitrix(&crm);
    let report = desk.sync(&[]);
    assert_eq!(report["inserted"], 10);
    assert_eq!(report["warnings"], 1);
    assert_eq!(desk.desk.card("30000000")["owner"], "1");
    assert!(
        desk.desk.card("30000000")["fields"]
            .as_str()
            .unwrap()
            .contains("\"1\"")
    );
}

/// A server that takes connections and never says a word (a CRM hung behind its balancer).
fn silent_server() -> (std::net::SocketAddr, std::sync::mpsc::Sender<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        while stopped.try_recv().is_err() {
            match listener.accept() {
                Ok((stream, _)) => held.push(stream),
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(5)),
            }
        }
    });
    (addr, stop)
}

#[test]
fn a_crm_that_holds_the_connection_and_says_nothing_is_given_up_after_three_tries() {
    let (addr, _stop) = silent_server();
    // `okk sync` of a connection to the silent server at `url`, which must fail: its stderr.
    let sync_fails = |url: String, lang: &str| {
        let out = Synced::at(&url)
            .okk()
            .env("OKK_SYNC_ANSWER_MS", "200")
            .env("OKK_LANG", lang)
            .arg("sync")
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        stderr
    };
    let stderr = sync_fails(format!("http://{addr}"), "en");
    assert!(
        stderr.contains("the server did not answer in time"),
        "{stderr}"
    );
    // Not six tries of a wait each: a server silent twice is silent the third time.
    assert!(stderr.contains("after 3 tries"), "{stderr}");

    // https to a port that never sets up TLS: said as such, with the address to check.
    let stderr = sync_fails(format!("https://{addr}"), "ru");
    assert!(
        stderr.contains("защищённое соединение (https) не установилось вовремя"),
        "{stderr}"
    );
    assert!(stderr.contains("после 3 попыток"), "{stderr}");
    assert!(
        stderr.contains("crm list"),
        "the address to check: {stderr}"
    );
}

#[test]
fn a_crm_that_cannot_be_reached_is_tried_a_few_times_then_named_and_nothing_changes() {
    let crm = FakeCrm::start(State::with_deals(20), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    let before = std::fs::read(&desk.desk.db).unwrap();
    drop(crm);
    let stderr = desk.sync_fails(&[]);
    assert!(stderr.contains("cannot reach"), "{stderr}");
    assert!(stderr.contains("after 6 tries"), "{stderr}");
    assert!(stderr.contains("the connection was refused"), "{stderr}");
    // The command to run again names the config file the sync was given, as a shell reads it.
    let again = format!(
        "run `okk --config {} sync main` again",
        desk.config.display()
    );
    assert!(stderr.contains(&again), "{stderr}");
    assert_eq!(std::fs::read(&desk.desk.db).unwrap(), before);

    // In Russian, all of it Russian.
    let out = desk
        .okk()
        .env("OKK_LANG", "ru")
        .arg("sync")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("соединение отклонено"), "{stderr}");
    for english in ["Connection refused", "os error", "io:"] {
        assert!(!stderr.contains(english), "{stderr}");
    }
    // `crm test` lands no pages: nothing to keep, no sync to run again.
    let out = desk.okk().args(["crm", "test", "main"]).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the connection was refused"), "{stderr}");
    assert!(!stderr.contains("okk sync"), "{stderr}");
    assert_eq!(std::fs::read(&desk.desk.db).unwrap(), before);
}

/// A connection that never landed a page and whose address nothing answers at: no "run okk
/// sync again to go on" (there is nothing to go on from), but the address to check.
#[test]
fn an_address_nothing_answers_at_before_any_page_says_to_check_it_not_to_resume() {
    let crm = FakeCrm::start(State::with_deals(1), 0);
    let desk = Synced::new(&crm);
    drop(crm);
    let stderr = desk.sync_fails(&[]);
    assert!(stderr.contains("the connection was refused"), "{stderr}");
    // The commands name the `--config` the sync was given: pasted, they read its connections.
    let config = desk.config.display();
    assert!(
        stderr.contains(&format!(
            "Nothing was read: check the connection's address (`okk --config {config} crm list`) \
             and try it with `okk --config {config} crm test main`."
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("kept"), "{stderr}");
    assert!(!stderr.contains("go on"), "{stderr}");
    let out = desk
        .okk()
        .env("OKK_LANG", "ru")
        .arg("sync")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "Ничего не прочитано: проверьте адрес подключения (`okk --config {config} crm list`) \
             и попробуйте его командой `okk --config {config} crm test main`."
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("сохранены"), "{stderr}");
}

/// `okk check --json` and `okk stats --json` as of the fake's day.
fn judged(s: &Synced) -> (String, String) {
    let run = |args: &[&str]| succeeded(s.okk().env("OKK_TODAY", "2026-11-20").args(args));
    (run(&["check", "--json"]), run(&["stats", "--json"]))
}

#[test]
fn a_sync_judges_each_page_as_it_lands_as_a_rules_run_over_the_store_would() {
    let crm = FakeCrm::start(State::with_deals(700), 0);
    let in_pass = Synced::new(&crm);
    let after = Synced::new(&crm);
    let sync = |s: &Synced, args: &[&str]| {
        succeeded(
            s.okk()
                .env("OKK_TODAY", "2026-11-20")
                .arg("sync")
                .args(args),
        );
    };
    sync(&in_pass, &[]);
    sync(&after, &["--no-check"]);
    plant_changes(&crm, 30_000_001, 60_000_004);
    sync(&in_pass, &[]);
    sync(&after, &["--no-check"]);
    let (check, stats) = judged(&in_pass);
    assert!(
        check.contains("\"flags\""),
        "the fake's deals have flagged cards"
    );
    assert_eq!((check, stats), judged(&after));
}

/// How many different external ids the store's cards have (a doubled card would repeat one).
/// `okk db imports --json`: the store's runs, one object each.
fn runs(synced: &Synced) -> Vec<Json> {
    let out = succeeded(synced.okk().args(["db", "imports", "--json"]));
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// `okk db prune --import last --json ARGS`: the report.
fn prune_last(synced: &Synced, args: &[&str]) -> Json {
    let out = succeeded(
        synced
            .okk()
            .args(["db", "prune", "--import", "last", "--json"])
            .args(args),
    );
    serde_json::from_str(&out).unwrap()
}

/// The CRM ids of the store's cards, sorted.
fn card_ids(desk: &Desk) -> Vec<String> {
    let mut ids: Vec<String> = (desk.rows(Table::Cards).iter())
        .map(|c| text(c, "external_id"))
        .collect();
    ids.sort();
    ids
}

/// One `okk sync` is one run in `okk db imports`, however many groups of pages it commits one
/// by one (tester29 F6: a 2,000-deal sync read as 16 runs, and `okk db prune --import last`
/// after a mistaken sync took out its last, empty group and nothing else): its rows are the
/// deals it read, its new cards its own; `prune --import last` after the next sync takes the
/// cards that sync brought and nothing else, and says it is a sync's.
#[test]
fn a_sync_is_one_run_and_pruning_the_last_takes_exactly_the_cards_it_brought() {
    let mut state = State::with_deals(1000);
    // Pages 400 ms apart: a group lands what came within a second of its first.
    state.faults.page_delay = Duration::from_millis(400);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    let first = desk.sync(&[]);
    assert_eq!(first["inserted"], 1000, "{first}");
    let groups = desk.desk.rows(Table::ImportBatches).len();
    assert!(
        groups >= 3,
        "{groups} groups: the sync commits page by page"
    );
    let all = runs(&desk);
    assert_eq!(all.len(), 1, "{all:?}");
    let run = &all[0];
    assert_eq!(
        (
            &run["rows"],
            &run["inserted"],
            &run["still_here"],
            &run["sync"]
        ),
        (
            &Json::from(1000),
            &Json::from(1000),
            &Json::from(1000),
            &Json::Bool(true)
        ),
        "{run}"
    );
    assert_eq!(run["file"], "amocrm:main");

    let before = card_ids(&desk.desk);
    crm.with(|s| {
        s.faults.page_delay = Duration::ZERO;
        s.add_n(40);
        s.rename(30_000_002, "Изменена перед второй синхронизацией");
    });
    let second = desk.sync(&[]);
    assert_eq!(
        (&second["inserted"], &second["updated"]),
        (&Json::from(40), &Json::from(1))
    );
    let all = runs(&desk);
    assert_eq!(all.len(), 2, "{all:?}");
    let run = &all[1];
    assert_eq!(
        (&run["inserted"], &run["updated"], &run["still_here"]),
        (&Json::from(40), &Json::from(1), &Json::from(40)),
        "{run}"
    );
    let id = run["id"].as_i64().unwrap();

    let out = desk
        .okk()
        .args([
            "--lang",
            "en",
            "db",
            "prune",
            "--import",
            "last",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let said = String::from_utf8(out.stdout).unwrap();
    assert!(
        said.contains(&format!("Sync {id} of connection «main», begun ")),
        "{said}"
    );
    assert!(
        said.contains("(amocrm:main): 40 cards it first brought"),
        "{said}"
    );
    assert!(said.contains("Would remove 40 cards from"), "{said}");
    assert!(
        said.contains("It also changed 1 card that earlier"),
        "{said}"
    );

    let report = prune_last(&desk, &["--yes"]);
    assert_eq!(report["import"]["id"], id, "{report}");
    assert_eq!(
        (&report["selected"], &report["removed"]),
        (&Json::from(40), &Json::from(40))
    );
    assert_eq!(
        card_ids(&desk.desk),
        before,
        "the cards the second sync brought, and no other"
    );
    // The renamed card stays as that sync left it, and so does the record of its run.
    assert_eq!(
        desk.desk.card("30000002")["title"],
        "Изменена перед второй синхронизацией"
    );
    assert_eq!(
        report["runs_removed"],
        Json::from(Vec::<i64>::new()),
        "{report}"
    );
    assert_eq!(runs(&desk).len(), 2);
}

/// A sync killed half-way is a run of its own in `okk db imports`, holding what it landed;
/// the sync that resumes it (its report says it continues the interrupted one) is the next
/// run. `okk db prune --import last` right after either takes what that `okk sync` brought.
#[test]
fn a_killed_sync_and_the_sync_that_resumes_it_are_a_run_each_and_prune_takes_each_s_cards() {
    let mut state = State::with_deals(1000);
    state.faults.note_page_delay = Duration::from_millis(100);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::bitrix(&crm);
    kill_after(&desk, || crm.with(|s| s.comment_batches) >= 14);
    let landed = desk.desk.rows(Table::Cards).len() as u64;
    assert!(landed > 0 && landed < 1000, "{landed} cards after the kill");
    let all = runs(&desk);
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["still_here"], landed, "{all:?}");
    let killed = prune_last(&desk, &["--dry-run"]);
    assert_eq!(killed["import"]["id"], all[0]["id"], "{killed}");
    assert_eq!(killed["removed"], landed, "{killed}");

    crm.with(|s| s.faults.note_page_delay = Duration::ZERO);
    let resumed = desk.sync(&[]);
    assert!(resumed["resumed_run_begun_at"].is_string(), "{resumed}");
    assert_eq!(resumed["inserted"], 1000 - landed);
    let all = runs(&desk);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[1]["still_here"], 1000 - landed, "{all:?}");
    let report = prune_last(&desk, &["--yes"]);
    assert_eq!(report["import"]["id"], all[1]["id"], "{report}");
    assert_eq!(report["removed"], 1000 - landed, "{report}");
    assert_eq!(desk.desk.rows(Table::Cards).len() as u64, landed);
    // The killed run's cards are the next `last`.
    let report = prune_last(&desk, &["--yes"]);
    assert_eq!(report["import"]["id"], all[0]["id"], "{report}");
    assert_eq!(report["removed"], landed, "{report}");
    assert!(desk.desk.rows(Table::Cards).is_empty());
}

fn distinct_ids(desk: &Desk) -> usize {
    let rows = desk.rows(Table::Cards);
    let ids: std::collections::BTreeSet<String> =
        rows.iter().map(|c| text(c, "external_id")).collect();
    ids.len()
}

// ---- notes and comments -----------------------------------------------------------------------

const NOTES: &str = "/api/v4/leads/notes";

/// The card's notes as the store keeps them.
fn notes(desk: &Desk, id: &str) -> Vec<String> {
    let card = desk.card(id);
    let json = card["notes"].as_str().unwrap_or("[]");
    serde_json::from_str(json).unwrap()
}

/// The ids of the cards `okk check --rule RULE --json` lists, as of the fake's day.
fn flagged_by(s: &Synced, rule: &str) -> Vec<String> {
    let out = succeeded(
        s.okk()
            .env("OKK_TODAY", "2026-11-20")
            .args(["check", "--rule", rule, "--json"]),
    );
    let json: Json = serde_json::from_str(&out).unwrap();
    let mut ids: Vec<String> = json["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn amocrm_notes_are_read_account_wide_and_the_markers_rule_reads_them_on_synced_cards() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    let first = desk.sync(&[]);
    // Text notes, service messages and SMS carry `params.text`; calls have none.
    let texts = crm.with(|s| s.notes.iter().filter(|n| n.has_text()).count());
    assert_eq!(first["notes"].as_u64().unwrap() as usize, texts, "{first}");
    assert_eq!(
        notes(&desk.desk, "30000003"),
        crm.with(|s| s.texts_of(30_000_003))
    );
    assert_eq!(notes(&desk.desk, "30000005"), Vec::<String>::new());
    // «купили в другом» in a note, on a card in «Первичный контакт».
    assert!(flagged_by(&desk, "markers").contains(&"30000001".to_string()));
    assert!(!flagged_by(&desk, "markers").contains(&"30000000".to_string()));

    // A note on a deal that did not change: the next sync reads it (and only it). The card
    // changed by its notes alone, its deal not read (the deals read are the overlap's).
    let note = crm.with(|s| s.add_note(30_000_000, "Клиент просил больше не звонить"));
    let before = crm.requests();
    let second = desk.sync(&[]);
    let (rows, inserted, updated, unchanged, _) = tally(&second);
    assert_eq!(
        (updated, second["notes_updated"].as_u64()),
        (0, Some(1)),
        "{second}"
    );
    assert_eq!(inserted + updated + unchanged, rows, "{second}");
    assert!(crm.requests() - before <= 10, "{second}");
    assert_eq!(
        notes(&desk.desk, "30000000"),
        ["Клиент просил больше не звонить"]
    );
    assert!(flagged_by(&desk, "markers").contains(&"30000000".to_string()));

    // Edited in the CRM: the new text replaces the old.
    crm.with(|s| s.edit_note(note, "Перезвонить в понедельник"));
    desk.sync(&[]);
    assert_eq!(notes(&desk.desk, "30000000"), ["Перезвонить в понедельник"]);
    assert!(!flagged_by(&desk, "markers").contains(&"30000000".to_string()));

    // Nothing changed: the notes read again are only the overlap's, and change nothing.
    let before = crm.requests();
    let quiet = desk.sync(&[]);
    assert_eq!(
        (quiet["inserted"].clone(), quiet["updated"].clone()),
        (0.into(), 0.into())
    );
    assert!(crm.requests() - before <= 10, "{quiet}");
}

/// The card screen reads a synced card's notes with the times amoCRM wrote them (its wall
/// clock here), each note its own.
#[test]
fn a_synced_card_s_notes_read_with_the_times_the_crm_wrote_them() {
    let crm = FakeCrm::start(State::with_deals(40), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    let deal = 30_000_003;
    let mut want: Vec<(String, chrono::NaiveDateTime)> = crm.with(|s| {
        let mut notes: Vec<&fake::Note> = (s.notes.iter())
            .filter(|n| n.deal == deal && n.has_text())
            .collect();
        notes.sort_by_key(|n| std::cmp::Reverse((n.created_at, n.id)));
        (notes.iter())
            .map(|n| {
                let at = chrono::DateTime::from_timestamp(n.created_at, 0).unwrap();
                (
                    n.text.clone(),
                    at.with_timezone(&chrono::Local).naive_local(),
                )
            })
            .collect()
    });
    assert!(want.len() >= 2, "the fake's deal has notes: {want:?}");
    let store = okk::store::Store::open(&desk.desk.db).unwrap();
    let id = desk.desk.card(&deal.to_string())["id"].as_i64().unwrap();
    let detail = store.card_detail(id).unwrap().unwrap();
    let got: Vec<(String, Option<chrono::NaiveDateTime>)> = (detail.card.notes.iter().cloned())
        .zip(detail.note_times.iter().copied())
        .collect();
    assert_eq!(detail.note_times.len(), detail.card.notes.len());
    want.truncate(got.len());
    let want: Vec<_> = want.into_iter().map(|(t, at)| (t, Some(at))).collect();
    assert_eq!(got, want);
}

#[test]
fn a_note_on_a_deal_the_sync_has_not_seen_waits_for_its_deal() {
    let crm = FakeCrm::start(State::with_deals(40), 0);
    let desk = Synced::new(&crm);
    // The note comes before its deal (written while the sync read, say).
    let future = crm.with(|s| {
        let id = s.next_id();
        s.add_note(id, "Договор подписан вчера");
        id
    });
    desk.sync(&[]);
    let id = crm.with(|s| s.add());
    assert_eq!(id, future);
    let report = desk.sync(&[]);
    assert_eq!(report["inserted"], 1);
    assert_eq!(
        notes(&desk.desk, &id.to_string()),
        ["Договор подписан вчера"]
    );
    // The fake's note on a deal it never had is kept and harms nothing.
    let unseen = fake::UNSEEN_DEAL.to_string();
    assert_eq!(
        desk.desk
            .rows_where(Table::Cards, |c| text(c, "external_id") == unseen),
        0
    );
}

/// The notes' pages read again come at once: the sync after a stop mid-notes, which reads fewer
/// of them than there are (it resumed from their cursor); its report.
fn resumes_from_the_notes_cursor(crm: &FakeCrm, desk: &Synced) -> Json {
    let pages = || crm.with(|s| s.by_path.get(NOTES).copied().unwrap_or(0));
    crm.with(|s| s.faults.note_page_delay = Duration::ZERO);
    let before = pages();
    let report = desk.sync(&[]);
    let all = crm.with(|s| s.notes.len()).div_ceil(250) as u64;
    assert!(
        pages() - before < all,
        "resumed from the notes' cursor: {} of {all} pages again",
        pages() - before
    );
    report
}

#[test]
fn a_sync_killed_while_reading_notes_resumes_from_the_notes_it_landed() {
    let mut state = State::with_deals(3000);
    state.faults.note_page_delay = Duration::from_millis(300);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    let pages = || crm.with(|s| s.by_path.get(NOTES).copied().unwrap_or(0));
    // A group lands what came within a second of its first page: four pages of eight.
    kill_after(&desk, || pages() >= 7);
    let report = resumes_from_the_notes_cursor(&crm, &desk);
    assert_eq!(report["inserted"], 3000);
    for id in ["30000001", "30000003", "30002997", "30002999"] {
        let want = crm.with(|s| s.texts_of(id.parse().unwrap()));
        assert_eq!(notes(&desk.desk, id), want, "{id}");
    }
}

/// Ctrl-C while a first sync into a store it made reads the notes (no card landed yet): the
/// store stays with the notes that landed, as the message says, and the next run resumes from
/// them (it used to remove the store as if nothing had landed).
#[test]
fn ctrl_c_before_any_card_of_a_first_sync_keeps_the_store_and_the_notes_that_landed() {
    let mut state = State::with_deals(3000);
    state.faults.note_page_delay = Duration::from_millis(300);
    let crm = FakeCrm::start(state, 0);
    let desk = Synced::new(&crm);
    assert!(!desk.desk.db.exists(), "the sync makes the store");
    let pages = || crm.with(|s| s.by_path.get(NOTES).copied().unwrap_or(0));
    // A group lands what came within a second of its first page: past the first group.
    let stderr = interrupt(&desk, &[], || pages() >= 7);
    assert!(stderr.contains("what landed is kept"), "{stderr}");
    assert!(desk.desk.db.exists(), "the store with its notes stays");
    assert!(desk.desk.rows(Table::Cards).is_empty(), "no card yet");

    let report = resumes_from_the_notes_cursor(&crm, &desk);
    assert_eq!(report["inserted"], 3000);
}

#[test]
fn bitrix24_comments_land_as_notes_and_open_activities_are_the_nearest_task() {
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let desk = Synced::bitrix(&crm);
    let first = desk.sync(&[]);
    assert!(first["notes"].as_u64().unwrap() > 0, "{first}");
    assert_eq!(
        notes(&desk.desk, "30000003"),
        crm.with(|s| s.texts_of(30_000_003))
    );
    assert!(flagged_by(&desk, "markers").contains(&"30000001".to_string()));
    // A comment deleted in the CRM goes when its deal is read again.
    crm.with(|s| {
        s.notes.retain(|n| n.deal != 30_000_001);
        s.rename(30_000_001, "Без комментариев");
    });
    desk.sync(&[]);
    assert_eq!(notes(&desk.desk, "30000001"), Vec::<String>::new());

    // A deal whose comments the portal will not give keeps the notes it had, with a warning.
    let kept = notes(&desk.desk, "30000003");
    assert!(!kept.is_empty());
    crm.with(|s| {
        s.faults.comments_denied = Some(30_000_003);
        s.rename(30_000_003, "Без доступа к комментариям");
    });
    let report = desk.sync(&[]);
    assert_eq!(report["warnings"], 1, "{report}");
    assert!(report.to_string().contains("ACCESS_DENIED"), "{report}");
    assert_eq!(notes(&desk.desk, "30000003"), kept);
    crm.with(|s| s.faults.comments_denied = None);

    // Deal 30000001 has an open activity (its nearest task), 30000000 none.
    let due = crm.with(|s| {
        (
            s.nearest_activity(30_000_001),
            s.nearest_activity(30_000_000),
        )
    });
    assert!(due.0.is_some() && due.1.is_none(), "{due:?}");
    let fields = desk.desk.card("30000001")["fields"].to_string();
    assert!(fields.contains("Ближайшая задача"), "{fields}");
}

/// The fake CRM as a user trying okk runs it (`cargo run --example fake_crm`: its built
/// binary), told what to change on its standard input.
struct FakeCrmProcess {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    /// The lines it prints, read on a thread so that a fake that says nothing fails the test
    /// instead of hanging it.
    said: std::sync::mpsc::Receiver<String>,
    url: String,
}

impl FakeCrmProcess {
    fn start(kind: &str, deals: usize) -> FakeCrmProcess {
        use std::io::BufRead;
        use std::process::Stdio;
        // Test binaries live in target/<profile>/deps, examples in target/<profile>/examples.
        let exe = std::env::current_exe().unwrap();
        let bin = exe
            .parent()
            .unwrap()
            .parent()
            .unwrap()
            .join("examples/fake_crm");
        assert!(
            bin.is_file(),
            "{} is not built (cargo test builds the examples; cargo build --examples)",
            bin.display()
        );
        let mut child = std::process::Command::new(bin)
            .args(["--kind", kind, "--deals", &deals.to_string(), "--port", "0"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let (tx, said) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut fake = FakeCrmProcess {
            child,
            stdin,
            said,
            url: String::new(),
        };
        // "fake amocrm with 40 deals at http://127.0.0.1:PORT", …, "okk sync fake".
        loop {
            let line = fake.next_line();
            if let Some((_, url)) = line.split_once(" deals at ") {
                fake.url = url.to_string();
            }
            if line.starts_with("okk sync") {
                break;
            }
        }
        assert!(fake.url.starts_with("http://127.0.0.1:"), "{}", fake.url);
        fake
    }

    fn next_line(&self) -> String {
        self.said
            .recv_timeout(Duration::from_secs(30))
            .expect("the fake CRM printed nothing more")
    }

    /// Types `command` into the fake: the line it answers.
    fn tell(&mut self, command: &str) -> String {
        use std::io::Write;
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        self.next_line()
    }
}

impl Drop for FakeCrmProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The try-it section's promise (docs/sync.md): `move N` in the fake's terminal gives the next
/// sync N stage changes, and `delete N` N cards gone. Deals in «Неразобранное» stay where they
/// are: okk's funnel reads it as «Первичный контакт», so moving one on would show no change.
#[test]
fn amocrm_the_fake_s_move_and_delete_commands_show_stage_changes_and_gone_cards() {
    let mut fake = FakeCrmProcess::start("amocrm", 40);
    let desk = Synced::at(&fake.url);
    assert_eq!(desk.sync(&[])["rows"], 40);

    assert_eq!(
        fake.tell("move 3"),
        "moved 3 deals to their pipeline's next stage"
    );
    let report = desk.sync(&[]);
    assert_eq!(report["stage_changes"], 3, "{report}");
    assert_eq!(report["updated"], 3, "{report}");
    assert_eq!(desk.desk.history("30000000"), ["Неразобранное"]);
    assert_eq!(
        desk.desk.history("30000001"),
        ["Первичный контакт", "Переговоры"]
    );
    assert_eq!(
        desk.desk.history("30000002"),
        ["Переговоры", "Принимают решение"]
    );
    assert_eq!(
        desk.desk.history("30000007"),
        ["Первичный контакт", "Переговоры"]
    );

    assert_eq!(fake.tell("delete 2"), "deleted 2 deals");
    let report = desk.sync(&[]);
    assert_eq!(report["gone"], 2, "{report}");
    assert!(desk.desk.card("30000000")["gone_at"].is_string());
    assert!(desk.desk.card("30000001")["gone_at"].is_string());
    assert_eq!(desk.desk.card("30000002")["gone_at"], Json::Null);

    // New deals between syncs, the fake's moves and deletions kept (no restart).
    assert_eq!(fake.tell("add 5"), "added 5 deals");
    let report = desk.sync(&[]);
    assert_eq!(tally(&report).1, 5, "{report}");
    assert_eq!(report["stage_changes"], 0, "{report}");
    assert_eq!(distinct_ids(&desk.desk), 45);
    assert!(desk.desk.card("30000001")["gone_at"].is_string());
}

/// Bitrix24 lists no deletions: after `delete 2` the fake says so and names the full sweep,
/// which finds the two; `move 3` reaches the cards through the portal's stage history.
#[test]
fn bitrix24_the_fake_s_delete_is_found_by_a_full_sweep_and_its_move_by_the_next_sync() {
    let mut fake = FakeCrmProcess::start("bitrix24", 40);
    let desk = Synced::bitrix_at(&fake.url);
    assert_eq!(desk.sync(&[])["rows"], 40);

    assert_eq!(
        fake.tell("delete 2"),
        "deleted 2 deals; Bitrix24 lists no deletions: `okk sync fake-b24 --full` finds them"
    );
    assert_eq!(desk.sync(&[])["gone"], 0);
    let full = desk.sync(&["--full"]);
    assert_eq!(full["gone"], 2, "{full}");
    assert!(desk.desk.card("30000001")["gone_at"].is_string());

    assert_eq!(
        fake.tell("move 3"),
        "moved 3 deals to their pipeline's next stage"
    );
    let report = desk.sync(&[]);
    assert_eq!(report["stage_changes"], 3, "{report}");
    assert_eq!(
        desk.desk.history("30000008"),
        ["Переговоры", "Принимают решение"]
    );

    assert_eq!(fake.tell("add 3"), "added 3 deals");
    let report = desk.sync(&[]);
    assert_eq!(tally(&report).1, 3, "{report}");
    assert_eq!(distinct_ids(&desk.desk), 43);
}

/// The fake renames a pipeline as an admin would (tester32 could not try it): the next sync
/// says the rename and no card changes for it; an unknown name is refused on the fake's stderr.
#[test]
fn the_fake_s_rename_pipeline_command_reads_as_a_pipeline_renamed_in_the_crm() {
    let mut fake = FakeCrmProcess::start("amocrm", 40);
    let desk = Synced::at(&fake.url);
    assert_eq!(desk.sync(&[])["rows"], 40);
    assert_eq!(
        fake.tell("rename-pipeline Продажи недвижимости => Продажи 2027"),
        "renamed the pipeline «Продажи недвижимости» to «Продажи 2027»"
    );
    let report = desk.sync(&[]);
    let renamed = &report["renamed_pipelines"];
    assert_eq!(renamed.as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(renamed[0]["to"], "Продажи 2027", "{report}");
    assert_eq!(report["updated"], 0, "{report}");
    assert_eq!(
        fake.tell("rename-stage Переговоры => Переговоры с клиентом"),
        "renamed «Переговоры» to «Переговоры с клиентом» in 1 pipeline(s)"
    );
    let report = desk.sync(&[]);
    assert_eq!(report["stage_changes"], 0, "{report}");
    assert!(
        report["renamed_stages"]
            .as_array()
            .is_some_and(|r| !r.is_empty()),
        "{report}"
    );
}

/// A desk fed both ways: an export imported a day late dates a move by its deal's last edit
/// (an edit after the move), and the first sync after it reads the CRM's record of the move,
/// which dates the visit instead — as it dates a visit a file import dated by its own clock.
#[test]
fn a_sync_after_a_file_dates_the_move_the_file_dated_by_an_edit_by_the_crm_s_record() {
    use chrono::Timelike;
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    imported_before(&crm, &desk);
    // The export was imported three days ago; the CRM's clock is the desk's.
    let now = chrono::Local::now()
        .naive_local()
        .with_nanosecond(0)
        .unwrap();
    let first = now - chrono::Duration::days(3);
    desk.desk.plant_batch_time(1, first);
    let deal = 30_000_000;
    let (moved_at, edited_at) = crm.with(|s| {
        s.clock = (now - chrono::Duration::days(2)).and_utc().timestamp();
        s.move_deal(deal, 60_000_003);
        s.rename(deal, "Сделка после встречи");
        (s.moves.last().unwrap().at, s.clock)
    });
    let time = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc();
    let csv = desk.desk.dir.path().join("amocrm_export_later.csv");
    crm.with(|s| s.export_csv(&csv));
    let imported = succeeded(desk.okk().args([
        "import",
        "--json",
        csv.to_str().unwrap(),
        "--source",
        "main",
    ]));
    assert!(imported.contains("\"stage_changes\":1"), "{imported}");
    let id = deal.to_string();
    let stage = text(&desk.desk.card(&id), "stage");
    let visits = desk.desk.visits(&id);
    assert_eq!(
        visits.last(),
        Some(&(stage.clone(), time(edited_at))),
        "{visits:?}"
    );

    desk.sync(&[]);
    let visits = desk.desk.visits(&id);
    assert_eq!(visits.len(), 2, "{visits:?}");
    assert_eq!(visits.last(), Some(&(stage, time(moved_at))), "{visits:?}");
}

/// The fake's first pipeline as a funnel in which «Переговоры» may not be skipped (tester25's
/// `skippable = false` copy of the `--from-store` funnel). Written into `dir`; its path.
fn no_skipping_funnel(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("no-skipping.toml");
    std::fs::write(
        &path,
        r#"name = "Без пропусков"

[[stages]]
name = "Первичный контакт"
aliases = ["Неразобранное"]

[[stages]]
name = "Переговоры"
skippable = false

[[stages]]
name = "Принимают решение"

[[stages]]
name = "Успешно реализовано"
kind = "won"

[[stages]]
name = "Закрыто и не реализовано"
kind = "lost"
"#,
    )
    .unwrap();
    path
}

/// The cards `okk check` flags for their stage history (`backwards`).
fn backwards_flags(desk: &Synced) -> Vec<String> {
    flags_of(desk.okk())
        .into_iter()
        .filter(|c| c.contains("backwards"))
        .collect()
}

/// Moves deal 30000001 (at «Первичный контакт») on twice between two syncs: the two moves'
/// times in the CRM.
fn moved_twice(crm: &FakeCrm) -> (i64, i64) {
    crm.with(|s| {
        s.move_deal(30_000_001, 60_000_003);
        let talks = s.moves.last().unwrap().at;
        s.move_deal(30_000_001, 60_000_004);
        (talks, s.moves.last().unwrap().at)
    })
}

/// tester25 F2: a deal moved twice between two syncs went through «Переговоры», and the CRM's
/// events say so: the card's history keeps the visit, at the CRM's time, and the skip rule
/// sees no skip. A sync with nothing new (which reads the last event again) doubles nothing.
#[test]
fn a_deal_moved_twice_between_syncs_keeps_the_stage_it_passed_through() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let mut desk = Synced::new(&crm);
    desk.funnel = no_skipping_funnel(desk.desk.dir.path());
    desk.sync(&[]);
    let first = desk.desk.visits("30000001");
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].0, "Первичный контакт");
    assert_eq!(backwards_flags(&desk), Vec::<String>::new());

    // The CRM's clock is this machine's (the fake's lags it by days: the other tests).
    crm.with(|s| s.clock = chrono::Utc::now().timestamp());
    let (talks, decide) = moved_twice(&crm);
    let report = desk.sync(&[]);
    assert_eq!(report["stage_changes"], 1, "{report}");
    let path = [
        first[0].clone(),
        ("Переговоры".to_string(), utc(talks)),
        ("Принимают решение".to_string(), utc(decide)),
    ];
    assert_eq!(desk.desk.visits("30000001"), path);
    assert_eq!(backwards_flags(&desk), Vec::<String>::new());

    desk.sync(&[]);
    assert_eq!(desk.desk.visits("30000001"), path);
}

/// The events a landing holds are bounded (a first sync of a large account reads its whole
/// history): held one at a time here, every move and deletion lands, and the cursor moves only
/// with the last, so the sync after reads none of them again.
#[test]
fn events_landed_in_parts_bring_every_move_and_deletion_once() {
    // The same account and edits, the events landed whole and one at a time.
    let run = |held: &str| {
        let crm = FakeCrm::start(State::with_deals(300), 0);
        let desk = Synced::new(&crm);
        desk.sync(&[]);
        crm.with(|s| s.clock = chrono::Utc::now().timestamp());
        let talks = crm.with(|s| {
            s.move_deal(30_000_001, 60_000_003);
            let a = s.moves.last().unwrap().at;
            s.move_deal(30_000_002, 60_000_004);
            s.delete(30_000_010);
            a
        });
        let sync = || {
            let out = succeeded(
                desk.okk()
                    .env("OKK_SYNC_EVENTS_HELD", held)
                    .args(["sync", "--json"]),
            );
            serde_json::from_str::<Json>(out.trim()).unwrap()
        };
        let report = sync();
        let visits = desk.desk.visits("30000001");
        assert_eq!(
            visits.last().unwrap(),
            &("Переговоры".to_string(), utc(talks))
        );
        let quiet = sync();
        assert_eq!(
            (&quiet["stage_changes"], &quiet["gone"], &quiet["updated"]),
            (&0.into(), &0.into(), &0.into()),
            "{quiet}"
        );
        assert_eq!(desk.desk.visits("30000001"), visits);
        let facts = |r: &Json| {
            (
                r["stage_changes"].clone(),
                r["gone"].clone(),
                r["updated"].clone(),
            )
        };
        // The stages visited (their times are each run's clocks, checked above).
        let moves =
            |id: &str| -> Vec<String> { desk.desk.visits(id).into_iter().map(|v| v.0).collect() };
        (facts(&report), moves("30000001"), moves("30000002"))
    };
    let whole = run("100000");
    assert_eq!(whole.0.1, 1, "the deletion");
    assert_eq!(run("1"), whole);
}

/// A sync that stopped after the deal's row landed and before the events were read (here a
/// 403 on the events) leaves the move's visit to the next, which reads the events again and
/// writes the path once; the sync after it adds nothing.
#[test]
fn a_sync_stopped_before_the_events_leaves_the_path_to_the_next_and_doubles_no_visit() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let mut desk = Synced::new(&crm);
    desk.funnel = no_skipping_funnel(desk.desk.dir.path());
    desk.sync(&[]);
    let first = desk.desk.visits("30000001");
    let (talks, decide) = moved_twice(&crm);
    crm.with(|s| s.faults.forbidden = Some(("/api/v4/events", "no events for you")));
    desk.sync_fails(&[]);
    assert_eq!(desk.desk.card("30000001")["stage"], "Принимают решение");

    crm.with(|s| s.faults.forbidden = None);
    desk.sync(&[]);
    let path = [
        first[0].clone(),
        ("Переговоры".to_string(), utc(talks)),
        ("Принимают решение".to_string(), utc(decide)),
    ];
    assert_eq!(desk.desk.visits("30000001"), path);
    assert_eq!(backwards_flags(&desk), Vec::<String>::new());
    desk.sync(&[]);
    assert_eq!(desk.desk.visits("30000001"), path);
}

/// A move the CRM's events do not record (here: none are read, the events list answers
/// empty) still enters the history, at the sync's clock, with the run's last transaction.
#[test]
fn a_move_no_event_records_enters_the_history_at_the_sync_s_time() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    crm.with(|s| {
        s.move_deal(30_000_001, 60_000_003);
        s.moves.clear();
    });
    let before = chrono::Utc::now().naive_local() - chrono::Duration::seconds(5);
    desk.sync(&[]);
    let visits = desk.desk.visits("30000001");
    assert_eq!(visits.len(), 2, "{visits:?}");
    assert_eq!(visits[1].0, "Переговоры");
    assert!(visits[1].1 >= before, "{visits:?}");
}

/// As `a_deal_moved_twice_between_syncs_keeps_the_stage_it_passed_through`, for Bitrix24's
/// stage history (on the portal's clock).
#[test]
fn bitrix24_a_deal_moved_twice_between_syncs_keeps_the_stage_it_passed_through() {
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let mut desk = Synced::bitrix(&crm);
    desk.funnel = no_skipping_funnel(desk.desk.dir.path());
    desk.sync(&[]);
    let first = desk.desk.visits("30000001");
    assert_eq!(first.len(), 1, "{first:?}");
    let (talks, decide) = moved_twice(&crm);
    desk.sync(&[]);
    let portal = |t: i64| utc(t) + chrono::Duration::hours(3);
    let path = [
        first[0].clone(),
        ("Переговоры".to_string(), portal(talks)),
        ("Принимают решение".to_string(), portal(decide)),
    ];
    assert_eq!(desk.desk.visits("30000001"), path);
    assert_eq!(backwards_flags(&desk), Vec::<String>::new());
    desk.sync(&[]);
    assert_eq!(desk.desk.visits("30000001"), path);
}

/// Issue 15's leftover: deal 30000001 (at «Первичный контакт» since the first sync) went to
/// «Переговоры», back, and to «Переговоры» again before the next sync. amoCRM lists the three
/// events newest first; they land whole, or in parts of a page of events each (`held` 1) with
/// the deal's events split after the newest (`split` 1) or after the two newest (`split` 2).
/// Every way, the path keeps both visits and the card's visit now begins at the last entry.
fn moved_there_back_and_there_again(held: &str, split: usize) {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    let first = desk.desk.visits("30000001");
    assert_eq!(first.len(), 1, "{first:?}");
    assert_eq!(first[0].0, "Первичный контакт");
    const DEAL: i64 = 30_000_001;
    // Other deals' moves, as many as it takes for the newest `split` of the deal's three
    // events to fill the first page of 100 events with them.
    let others = |s: &mut fake::State, n: usize| {
        let ids: Vec<i64> = (s.deals.iter())
            .filter(|d| d.id > DEAL + 100 && d.pipeline == fake::PIPELINES[0].id)
            .map(|d| d.id)
            .take(n)
            .collect();
        assert_eq!(ids.len(), n);
        for id in ids {
            s.move_deal(id, 60_000_004);
        }
    };
    let times = crm.with(|s| {
        s.clock = chrono::Utc::now().timestamp();
        let mut times = Vec::new();
        for (k, status) in [60_000_003, 60_000_002, 60_000_003].into_iter().enumerate() {
            if k == 3 - split {
                others(s, 100 - split);
            }
            s.move_deal(DEAL, status);
            times.push(s.moves.last().unwrap().at);
        }
        times
    });
    // Each page of events comes after the transaction of the one before has closed.
    crm.with(|s| s.faults.event_page_delay = Duration::from_millis(1300));
    let out = succeeded(
        desk.okk()
            .env("OKK_SYNC_EVENTS_HELD", held)
            .args(["sync", "--json"]),
    );
    crm.with(|s| s.faults.event_page_delay = Duration::ZERO);
    let report: Json = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(report["gone"], 0, "{report}");
    let path = [
        first[0].clone(),
        ("Переговоры".to_string(), utc(times[0])),
        ("Первичный контакт".to_string(), utc(times[1])),
        ("Переговоры".to_string(), utc(times[2])),
    ];
    let visits = desk.desk.visits("30000001");
    assert_eq!(visits, path, "held {held}, split after {split}");
    // A sync with nothing new reads the newest event again and changes nothing.
    desk.sync(&[]);
    assert_eq!(
        desk.desk.visits("30000001"),
        path,
        "held {held}, split {split}"
    );
}

#[test]
fn a_deal_back_in_a_stage_between_syncs_is_dated_by_its_last_entry_events_landed_whole() {
    moved_there_back_and_there_again("100000", 1);
}

#[test]
fn a_deal_back_in_a_stage_between_syncs_is_dated_by_its_last_entry_newest_event_first() {
    moved_there_back_and_there_again("1", 1);
}

#[test]
fn a_deal_back_in_a_stage_between_syncs_is_dated_by_its_last_entry_two_newest_first() {
    moved_there_back_and_there_again("1", 2);
}

/// Each card's path by CRM id: (stage, pipeline, start) of each visit, oldest first.
type Paths = std::collections::BTreeMap<String, Vec<(String, String, String)>>;

/// Asserts two stores hold the same paths, naming the first deal whose path differs.
fn assert_same_paths(got: &Paths, expected: &Paths, what: &str) {
    let deals: std::collections::BTreeSet<&String> = got.keys().chain(expected.keys()).collect();
    for deal in deals {
        assert_eq!(got.get(deal), expected.get(deal), "deal {deal}, {what}");
    }
}

/// Each card's path as the store holds it, by CRM id: (stage, pipeline, start), oldest first.
/// The visit okk first saw a card in begins at its store's first sync (okk's clock, not the
/// CRM's): two stores synced a moment apart differ there only, so that start is left out.
fn paths(desk: &Desk) -> Paths {
    let int = |row: &common::Row, column: &str| row[column].as_i64().unwrap();
    let cards: std::collections::BTreeMap<i64, (String, i64)> = (desk.rows(Table::Cards).iter())
        .map(|c| {
            (
                int(c, "id"),
                (text(c, "external_id"), int(c, "first_batch")),
            )
        })
        .collect();
    let began: std::collections::BTreeMap<i64, String> = (desk.rows(Table::ImportBatches).iter())
        .map(|b| (int(b, "id"), text(b, "started_at")))
        .collect();
    let mut rows = desk.rows(Table::StageHistory);
    rows.sort_by_key(|h| (int(h, "card_id"), int(h, "batch_id")));
    let mut out = std::collections::BTreeMap::<String, Vec<_>>::new();
    for h in rows {
        let (deal, first) = &cards[&int(&h, "card_id")];
        let batch = int(&h, "batch_id");
        let mut start = text(&h, "seen_at");
        if batch == *first && start == began[&batch] {
            start = "first seen".into();
        }
        let pipeline = h["pipeline"].as_str().unwrap_or_default().to_string();
        out.entry(deal.clone())
            .or_default()
            .push((text(&h, "stage"), pipeline, start));
    }
    out
}

/// The deal whose path [`four_rounds_of_moves`] follows.
const ROUNDS_DEAL: &str = "30000001";

/// Four rounds of moves between two syncs (`State::move_in_rounds`), each a page of events:
/// deal 30000001 (at «Первичный контакт») goes to «Переговоры», back, to «Переговоры» again
/// and on to «Принимают решение», and 99 other deals move once a round.
fn four_rounds_of_moves(s: &mut fake::State) {
    let path = [60_000_003, 60_000_002, 60_000_003, 60_000_004];
    s.move_in_rounds(ROUNDS_DEAL.parse().unwrap(), &path, 99);
}

const ROUND_STAGES: [&str; 5] = [
    "Первичный контакт",
    "Переговоры",
    "Первичный контакт",
    "Переговоры",
    "Принимают решение",
];

/// The stages of a deal's path.
fn stages_of(paths: &Paths) -> Vec<&str> {
    paths[ROUNDS_DEAL].iter().map(|v| v.0.as_str()).collect()
}

/// `okk sync --json`, its events landed a page at a time.
fn sync_in_parts(desk: &Synced) -> Command {
    let mut okk = desk.okk();
    okk.env("OKK_SYNC_EVENTS_HELD", "1")
        .args(["sync", "--json"]);
    okk
}

/// The lead's note of session 26: a sync stopped between two parts of amoCRM's events (newest
/// first) left the visits of the parts it landed, and the run that resumed took them for
/// visits older than its own, so the older parts' visits, which go before them, were lost.
/// Cut off after each part in turn (the connection dropped for good) and then resumed, every
/// card's path is the one a store whose sync went through at once holds; a quiet sync after
/// changes nothing.
#[test]
fn a_sync_cut_off_between_two_parts_of_the_events_resumes_to_the_uninterrupted_paths() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let whole = Synced::new(&crm);
    let cut: Vec<Synced> = (1..=3).map(|_| Synced::new(&crm)).collect();
    for desk in std::iter::once(&whole).chain(&cut) {
        desk.sync(&[]);
    }
    crm.with(|s| {
        // The CRM's clock is this machine's (the fake's lags it by days: the other tests).
        s.clock = chrono::Utc::now().timestamp();
        four_rounds_of_moves(s);
    });
    succeeded(&mut sync_in_parts(&whole));
    let expected = paths(&whole.desk);
    assert_eq!(stages_of(&expected), ROUND_STAGES);
    for (desk, parts) in cut.iter().zip(1..) {
        crm.with(|s| s.faults.events_answered = Some(parts));
        let out = sync_in_parts(desk).output().unwrap();
        crm.with(|s| s.faults.events_answered = None);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        // The newest parts landed: the deal's last move is there.
        let landed = paths(&desk.desk);
        assert_eq!(stages_of(&landed).last(), Some(&"Принимают решение"));
        assert_ne!(landed, expected, "cut after {parts} parts");

        succeeded(&mut sync_in_parts(desk));
        let what = format!("cut after {parts} parts");
        assert_same_paths(&paths(&desk.desk), &expected, &what);
        desk.sync(&[]);
        assert_same_paths(
            &paths(&desk.desk),
            &expected,
            &format!("{what}, synced again"),
        );
    }
}

/// As above, for a first sync, which reads every event the account keeps (a large account's
/// history lands in many parts): each card's whole path up to the stage it is in.
#[test]
fn a_first_sync_cut_off_between_two_parts_of_the_events_resumes_to_the_uninterrupted_paths() {
    let mut state = State::with_deals(300);
    four_rounds_of_moves(&mut state);
    let crm = FakeCrm::start(state, 0);
    let whole = Synced::new(&crm);
    succeeded(&mut sync_in_parts(&whole));
    let expected = paths(&whole.desk);
    // Okk never saw the deal at «Первичный контакт» before it moved on.
    assert_eq!(stages_of(&expected), ROUND_STAGES[1..]);
    // Landed whole, the events give the same paths.
    let at_once = Synced::new(&crm);
    at_once.sync(&[]);
    assert_same_paths(&paths(&at_once.desk), &expected, "the events landed whole");
    for parts in 1..=3 {
        let desk = Synced::new(&crm);
        crm.with(|s| s.faults.events_answered = Some(parts));
        let out = sync_in_parts(&desk).output().unwrap();
        crm.with(|s| s.faults.events_answered = None);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert_ne!(paths(&desk.desk), expected, "cut after {parts} parts");
        succeeded(&mut sync_in_parts(&desk));
        let what = format!("a first sync cut after {parts} parts");
        assert_same_paths(&paths(&desk.desk), &expected, &what);
    }
}

/// As above, the run killed outright (SIGKILL) once the newest part of the events has landed,
/// while the CRM is slow to answer the next.
#[test]
fn a_sync_killed_between_two_parts_of_the_events_resumes_to_the_uninterrupted_paths() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let whole = Synced::new(&crm);
    let killed = Synced::new(&crm);
    whole.sync(&[]);
    killed.sync(&[]);
    crm.with(|s| {
        s.clock = chrono::Utc::now().timestamp();
        four_rounds_of_moves(s);
    });
    succeeded(&mut sync_in_parts(&whole));
    let expected = paths(&whole.desk);

    crm.with(|s| s.faults.event_page_delay = Duration::from_secs(4));
    let mut child = spawn_sync_with(&killed, &[("OKK_SYNC_EVENTS_HELD", "1")], &[]);
    let landed = || {
        let paths = paths(&killed.desk);
        paths.contains_key(ROUNDS_DEAL) && stages_of(&paths).last() == Some(&"Принимают решение")
    };
    while !landed() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "okk sync ended before the kill"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    crm.with(|s| s.faults.event_page_delay = Duration::ZERO);
    assert_ne!(paths(&killed.desk), expected);

    succeeded(&mut sync_in_parts(&killed));
    assert_same_paths(&paths(&killed.desk), &expected, "killed after a part");
}

/// A stage the CRM renamed since the last sync (its ids carry another name). The sync says so
/// outright and reads every deal once, so that no card keeps the old name (one CRM stage under
/// two names, the deals not edited since at the old one) and none counts as moved: no visit
/// in the stage history, the reviews stand. `rename` renames the stage of «Первичный контакт»
/// of «Продажи недвижимости» in the fake; `edited`: deals edited since, the incremental part.
fn a_renamed_stage_takes_every_card_without_a_move(desk: &Synced, rename: impl FnOnce()) {
    const OLD: &str = "Первичный контакт";
    const NEW: &str = "Первичный контакт (звонок)";
    desk.sync(&[]);
    let of_pipeline = |c: &std::collections::BTreeMap<String, Json>, stage: &str| {
        c["pipeline"] == "Продажи недвижимости" && c["stage"] == stage
    };
    let at_old: Vec<String> = desk
        .desk
        .rows(Table::Cards)
        .into_iter()
        .filter(|c| of_pipeline(c, OLD))
        .map(|c| c["external_id"].as_str().unwrap().to_string())
        .collect();
    assert!(at_old.len() >= 5, "{at_old:?}");
    // Deals the CRM does not edit (`rename` edits the first few).
    for id in &at_old[at_old.len() - 3..] {
        desk.desk
            .review(id, "anna", "2026-11-19 12:00:00", &Verdict::of("ok"));
    }
    let reviewed = desk.desk.rows(Table::Reviews);
    let history_before = desk.desk.rows(Table::StageHistory).len();
    rename();

    let report = desk.sync(&[]);
    assert_eq!(report["reread"], "renamed", "{report}");
    assert_eq!(
        report["renamed_stages"],
        serde_json::json!([{
            "pipeline": "Продажи недвижимости",
            "from": OLD,
            "to": NEW,
            "add_alias_to": "Первичный контакт"
        }]),
        "{report}"
    );
    assert_eq!(report["stage_changes"], 0, "{report}");
    assert_eq!(report["stage_renames"], at_old.len(), "{report}");
    assert!(report.get("probable_renames").is_none(), "{report}");
    let cards = desk.desk.rows(Table::Cards);
    assert_eq!(cards.iter().filter(|c| of_pipeline(c, OLD)).count(), 0);
    assert_eq!(
        cards.iter().filter(|c| of_pipeline(c, NEW)).count(),
        at_old.len(),
        "every card of the stage takes its new name, edited since or not"
    );
    // «Первичный контакт» of the other pipeline is another stage: it keeps its name.
    assert!(
        cards
            .iter()
            .any(|c| c["pipeline"] == "Вторичный рынок" && c["stage"] == OLD)
    );
    assert_eq!(desk.desk.rows(Table::StageHistory).len(), history_before);
    for r in &reviewed {
        let card = desk.desk.card(r["card_external_id"].as_str().unwrap());
        assert_eq!(
            r["card_hash"], card["content_hash"],
            "the review stands: {r:?}"
        );
    }
    // Said once: the next sync reads only what changed.
    let quiet = desk.sync(&[]);
    assert!(quiet["reread"].is_null(), "{quiet}");
    assert!(quiet.get("renamed_stages").is_none(), "{quiet}");
    assert_eq!(quiet["updated"], 0, "{quiet}");
}

#[test]
fn amocrm_a_stage_renamed_in_the_crm_takes_every_card_under_its_new_name_without_a_move() {
    let crm = FakeCrm::start(State::with_deals(200), 0);
    let desk = Synced::new(&crm);
    a_renamed_stage_takes_every_card_without_a_move(&desk, || {
        crm.with(|s| {
            s.amo_names
                .insert((7_000_001, 60_000_002), "Первичный контакт (звонок)");
            s.edit_first(5);
        })
    });
}

#[test]
fn bitrix24_a_stage_renamed_in_the_portal_takes_every_card_under_its_new_name_without_a_move() {
    let crm = FakeCrm::start(State::with_deals(200), 0);
    let desk = Synced::bitrix(&crm);
    a_renamed_stage_takes_every_card_without_a_move(&desk, || {
        crm.with(|s| {
            s.b24_names
                .insert("PREPARATION", "Первичный контакт (звонок)");
            s.edit_first(5);
        })
    });
}

/// tester41 F3: Bitrix24 lists no deletions, and a deal deleted in the portal before a stage
/// rename was not read again by the rename's reading of every deal: its card kept the old name
/// («этапа нет в воронке: Переговоры») until a `--full`. The rename's reading is a full pass:
/// the deal is found gone, no card keeps the old name, and the report says deletions were seen.
#[test]
fn bitrix24_a_deal_deleted_before_a_stage_rename_is_found_gone_by_the_rename_s_reading() {
    const OLD: &str = "Первичный контакт";
    let crm = FakeCrm::start(State::with_deals(200), 0);
    let desk = Synced::bitrix(&crm);
    desk.sync(&[]);
    let at_old: Vec<String> = (desk.desk.rows(Table::Cards).into_iter())
        .filter(|c| c["pipeline"] == "Продажи недвижимости" && c["stage"] == OLD)
        .map(|c| c["external_id"].as_str().unwrap().to_string())
        .collect();
    let deleted = at_old.last().expect("cards at the stage").clone();
    crm.with(|s| {
        s.delete(deleted.parse().unwrap());
        s.b24_names
            .insert("PREPARATION", "Первичный контакт (звонок)");
    });
    let report = desk.sync(&[]);
    assert_eq!(report["reread"], "renamed", "{report}");
    assert_eq!(report["gone"], 1, "{report}");
    let unknown = report["unknown_stages"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(unknown.iter().all(|u| u["stage"] != OLD), "{report}");
    assert!(!desk.desk.card(&deleted)["gone_at"].is_null(), "{report}");
    let left_at_old = (desk.desk.rows(Table::Cards).into_iter())
        .filter(|c| c["pipeline"] == "Продажи недвижимости" && c["stage"] == OLD)
        .filter(|c| c["gone_at"].is_null())
        .count();
    assert_eq!(left_at_old, 0, "{report}");
    // The pass is the last full one: the next sync says when, and reads only what changed.
    let quiet = desk.sync(&[]);
    assert_eq!(quiet["updated"], 0, "{quiet}");
    assert_eq!(quiet["gone"], 0, "{quiet}");
}

/// The text report names the rename and, while the funnel does not know the new name, the
/// alias to add; with the alias in the funnel, the cards stay where the figures had them.
#[test]
fn a_stage_renamed_in_the_crm_is_said_with_the_alias_to_add_in_either_language() {
    let crm = FakeCrm::start(State::with_deals(120), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    crm.with(|s| {
        s.amo_names
            .insert((7_000_001, 60_000_002), "Первичный контакт (звонок)")
    });
    let out = desk
        .okk()
        .args(["--lang", "ru", "sync", "--dry-run"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    for said in [
        "  все сделки прочитаны заново, один раз: в CRM переименовали этап или воронку\n",
        "  этап переименован в CRM: «Первичный контакт» → «Первичный контакт (звонок)» («Продажи \
         недвижимости»)\n",
        "    карточки этапа получили новое название: ни одна не перешла, проверки в силе\n",
        "    добавьте «Первичный контакт (звонок)» в псевдонимы этапа «Первичный контакт» в \
         воронке\n",
    ] {
        assert!(stdout.contains(said), "{said}\n{stdout}");
    }
    // The funnel with the new name as an alias: nothing to add, and no card off the funnel.
    let funnel = desk.desk.dir.path().join("aliased.toml");
    let text_of = std::fs::read_to_string(&desk.funnel).unwrap();
    let aliased = text_of.replacen(
        "aliases = [\"Новая заявка\",",
        "aliases = [\"Первичный контакт (звонок)\", \"Новая заявка\",",
        1,
    );
    assert_ne!(aliased, text_of, "the funnel names the stage");
    std::fs::write(&funnel, aliased).unwrap();
    let desk = Synced { funnel, ..desk };
    let stdout = succeeded(desk.okk().args(["sync"]));
    assert!(
        stdout.contains(
            "stage renamed in the CRM: «Первичный контакт» → «Первичный контакт (звонок)»"
        ),
        "{stdout}"
    );
    assert!(
        !stdout.contains("add «Первичный контакт (звонок)»"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("stage not in the funnel: Первичный контакт (звонок)"),
        "{stdout}"
    );
}

/// `okk sync --dry-run` names the stages the funnel does not know as the sync would leave the
/// store, as `okk import --dry-run` does (each group of pages rolls back before the next, and
/// the store before the run said 0 cards at the stage the CRM renamed to): the real run's
/// figures, read over groups of pages that each rolled back.
#[test]
fn a_dry_sync_names_the_unknown_stages_as_the_sync_would_leave_them() {
    let crm = FakeCrm::start(State::with_deals(900), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    crm.with(|s| {
        s.amo_names
            .insert((7_000_001, 60_000_002), "Первичный контакт (звонок)");
        // Pages slower than a group stays open: more than one group.
        s.faults.page_delay = Duration::from_millis(600);
    });
    let dry = desk.sync(&["--dry-run"]);
    crm.with(|s| s.faults.page_delay = Duration::ZERO);
    let real = desk.sync(&[]);
    let renamed = (real["unknown_stages"].as_array().unwrap().iter())
        .find(|u| u["stage"] == "Первичный контакт (звонок)")
        .unwrap_or_else(|| panic!("{real}"));
    assert!(renamed["cards"].as_u64().unwrap() > 0, "{real}");
    assert_eq!(dry["unknown_stages"], real["unknown_stages"], "{dry}");
}

/// A sync that found a stage renamed and was killed while it read every deal again: the next
/// one finds the rename still to do (the CRM's stages are written with the run's last
/// transaction) and reads on until no card keeps the old name.
#[test]
fn a_sync_killed_while_it_reads_a_renamed_stage_again_finishes_the_rename_the_next_time() {
    let crm = FakeCrm::start(State::with_deals(2000), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    crm.with(|s| {
        s.amo_names
            .insert((7_000_001, 60_000_002), "Первичный контакт (звонок)");
        s.faults.page_delay = Duration::from_millis(250);
    });
    let leads = || crm.with(|s| s.by_path.get("/api/v4/leads").copied().unwrap_or(0));
    let before = leads();
    let at = |stage: &str| {
        desk.desk.rows_where(Table::Cards, |c| {
            c["pipeline"] == "Продажи недвижимости" && c["stage"] == stage
        })
    };
    kill_after(&desk, || {
        leads() >= before + 3 && at("Первичный контакт (звонок)") > 0
    });
    assert!(at("Первичный контакт") > 0, "the kill left some to rename");

    crm.with(|s| s.faults.page_delay = Duration::ZERO);
    let report = desk.sync(&[]);
    assert_eq!(report["reread"], "renamed", "{report}");
    assert_eq!(report["stage_changes"], 0, "{report}");
    assert_eq!(at("Первичный контакт"), 0);
    assert!(at("Первичный контакт (звонок)") > 100);
    assert!(desk.desk.history("30000001").len() <= 1);
}

/// A pipeline the CRM renamed since the last sync: said, every deal read once, and every card
/// of it under the new name without counting as changed (its reviews stand); a funnel stage
/// that names the pipeline by its old name is pointed out.
#[test]
fn a_pipeline_renamed_in_the_crm_takes_every_card_under_its_new_name_unchanged() {
    let crm = FakeCrm::start(State::with_deals(140), 0);
    let desk = Synced::new(&crm);
    desk.sync(&[]);
    let of = |desk: &Synced, pipeline: &str| {
        desk.desk
            .rows_where(Table::Cards, |c| c["pipeline"] == pipeline)
    };
    let held = of(&desk, "Продажи недвижимости");
    assert!(held > 50, "{held}");
    let reviewed = "30000120";
    assert_eq!(desk.desk.card(reviewed)["pipeline"], "Продажи недвижимости");
    desk.desk
        .review(reviewed, "anna", "2026-11-19 12:00:00", &Verdict::of("ok"));
    crm.with(|s| {
        s.pipeline_names.insert(7_000_001, "Продажи 2027");
        s.edit_first(3);
    });
    let funnel = desk.desk.dir.path().join("piped.toml");
    let text_of = std::fs::read_to_string(&desk.funnel).unwrap();
    let piped = text_of.replacen(
        "name = \"Первичный контакт\"",
        "name = \"Первичный контакт\"\npipelines = [\"Продажи недвижимости\", \"Вторичный рынок\"]",
        1,
    );
    assert_ne!(piped, text_of);
    std::fs::write(&funnel, piped).unwrap();
    let desk = Synced { funnel, ..desk };

    let report = desk.sync(&[]);
    assert_eq!(report["reread"], "renamed", "{report}");
    assert_eq!(
        report["renamed_pipelines"],
        serde_json::json!([{"from": "Продажи недвижимости", "to": "Продажи 2027"}]),
        "{report}"
    );
    assert_eq!(
        report["funnel_names_old_pipeline"],
        serde_json::json!(["Первичный контакт"]),
        "{report}"
    );
    assert_eq!(
        (&report["updated"], &report["rows"]),
        (&3.into(), &140.into()),
        "{report}"
    );
    assert_eq!(of(&desk, "Продажи недвижимости"), 0);
    assert_eq!(of(&desk, "Продажи 2027"), held);
    let review = &desk.desk.rows(Table::Reviews)[0];
    assert_eq!(
        review["card_hash"],
        desk.desk.card(reviewed)["content_hash"],
        "the review stands"
    );
    let quiet = desk.sync(&[]);
    assert!(quiet["reread"].is_null(), "{quiet}");
    assert_eq!(quiet["updated"], 0, "{quiet}");
}

/// A connection whose `pipelines` names a pipeline the CRM renamed since: the sync follows it by
/// the id the name had at the last sync, says which name to write in the config, and reads it
/// under its new name (it stopped with "no such pipeline" before) — amoCRM and Bitrix24 alike.
#[test]
fn a_connection_filtered_to_a_pipeline_the_crm_renamed_follows_it_and_says_so() {
    for bitrix in [false, true] {
        let crm = FakeCrm::start(State::with_deals(140), 0);
        let desk = if bitrix {
            Synced::bitrix(&crm)
        } else {
            Synced::new(&crm)
        };
        let config = std::fs::read_to_string(&desk.config).unwrap();
        std::fs::write(
            &desk.config,
            format!(
                "{}\npipelines = [\"Продажи недвижимости\"]\n",
                config.trim_end()
            ),
        )
        .unwrap();
        let first = desk.sync(&[]);
        let held = first["inserted"].as_u64().unwrap();
        assert!(held > 0 && held < 140, "one pipeline of two: {first}");
        crm.with(|s| {
            s.pipeline_names.insert(7_000_001, "Продажи 2027");
        });
        let report = desk.sync(&[]);
        let said = report["warning_samples"].to_string();
        assert!(
            said.contains("the CRM renamed the pipeline «Продажи недвижимости» to «Продажи 2027»")
                && said.contains("write «Продажи 2027» there in the config"),
            "{report}"
        );
        assert_eq!(report["inserted"], 0, "{report}");
        assert_eq!(report["reread"], "renamed", "{report}");
        assert_eq!(
            desk.desk
                .rows_where(Table::Cards, |c| c["pipeline"] == "Продажи 2027"),
            held as usize,
            "bitrix: {bitrix}"
        );
    }
}
