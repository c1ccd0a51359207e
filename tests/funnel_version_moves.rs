//! tester37 F6: `okk stats --funnel-version N` puts every stage move on the same side of version
//! N however long the import that brought the version took. The import that first runs with
//! the changed funnel dates the moves it finds by its start; the version was recorded once the
//! import was through, so an import of more than a second put its own moves before the version
//! and a quick one after it.

mod common;

#[path = "support/server_db.rs"]
mod server_db;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::figures::TODAY;
use common::{Desk, path_arg, succeeded};
use serde_json::{Value as Json, json};

const FUNNEL: &str = r#"name = "Продажи"

[rules]
idle = "off"
markers = "off"
closed_open = "off"
backwards = "off"
gone = "off"
unknown_stage = "off"
required = "off"

[[stages]]
name = "Квалификация"

[[stages]]
name = "Переговоры"

[[stages]]
name = "Успех"
kind = "won"
"#;

/// Version 2 gives both open stages an idle limit: it touches both.
fn funnel_v2() -> String {
    FUNNEL
        .replace(
            "name = \"Квалификация\"\n",
            "name = \"Квалификация\"\nmax_idle_days = 9\n",
        )
        .replace(
            "name = \"Переговоры\"\n",
            "name = \"Переговоры\"\nmax_idle_days = 9\n",
        )
}

/// An amoCRM export of D1, D2 at the stages given. The deals' last edit is the one the first
/// file had: a move the second file shows is dated by the import's clock.
fn export(desk: &Desk, name: &str, stages: [&str; 2]) -> String {
    let mut lines = vec![
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка"
            .to_string(),
    ];
    for (i, stage) in stages.iter().enumerate() {
        let n = i + 1;
        lines.push(format!(
            "D{n},Сделка D{n},100000,Оля,01.11.2026 10:00:00,01.11.2026 10:00:00,не закрыта,\
             {stage},Продажи"
        ));
    }
    let path = desk.dir.path().join(name);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path_arg(&path)
}

/// D1 and D2 imported at «Квалификация» under version 1, then the funnel file changed: the
/// desk, its funnel file, and the second export (D1 moved to «Переговоры»).
fn desk_before_the_change() -> (Desk, PathBuf, String) {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::write(&funnel, FUNNEL).unwrap();
    let first = export(&desk, "first.csv", ["Квалификация", "Квалификация"]);
    desk.okk_on(&funnel, &["import", &first]);
    std::fs::write(&funnel, funnel_v2()).unwrap();
    let second = export(&desk, "second.csv", ["Переговоры", "Квалификация"]);
    (desk, funnel, second)
}

/// Version 2's stages (`before` and `after` of each), as `okk stats --funnel-version 2 --json`
/// splits them.
fn split(desk: &Desk, funnel: &Path) -> Json {
    let out = desk.okk_on(funnel, &["stats", "--funnel-version", "2", "--json"]);
    let split: Json = serde_json::from_str(&out).expect("JSON");
    split["stages"].clone()
}

fn sides(stages: &Json, stage: &str) -> (Json, Json) {
    let row = (stages.as_array().unwrap().iter())
        .find(|r| r["stage"] == stage)
        .unwrap_or_else(|| panic!("no «{stage}» in {stages}"));
    let pick = |side: &Json| json!([side["entered"], side["moved_on"]]);
    (pick(&row["before"]), pick(&row["after"]))
}

/// When the store's last import began.
fn last_run_began(desk: &Desk) -> String {
    let batches = desk.rows(okk::store::inspect::Table::ImportBatches);
    let began = batches.iter().map(|b| common::text(b, "started_at")).max();
    began.expect("an import ran")
}

/// The second import run while another writer holds the store for `held`: the import read its
/// clock at its start and waits for the lock, so it lasts that long.
fn import_held(desk: &Desk, funnel: &Path, file: &str, held: Duration) {
    let lock = desk.conn();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut cmd = desk.sandboxed(std::process::Command::new(env!("CARGO_BIN_EXE_okk")));
    cmd.arg("--db").arg(&desk.db).arg("--funnel").arg(funnel);
    cmd.args(["--today", TODAY, "import", file]);
    cmd.stdout(std::process::Stdio::null());
    let started = Instant::now();
    let mut child = cmd.spawn().expect("okk import");
    std::thread::sleep(held);
    let released = chrono::Local::now().naive_local();
    lock.execute_batch("COMMIT").unwrap();
    assert!(child.wait().unwrap().success(), "the held import failed");
    assert!(started.elapsed() >= held);
    // The import did read its clock before it waited: its run began over a second before the
    // lock was let go.
    let began = common::time(&last_run_began(desk));
    assert!(
        released - began > chrono::TimeDelta::seconds(1),
        "the import began at {began}, the lock went at {released}"
    );
}

#[test]
fn an_import_s_moves_fall_on_the_same_side_of_its_version_however_long_it_took() {
    let (quick, funnel_q, second_q) = desk_before_the_change();
    quick.okk_on(&funnel_q, &["import", &second_q]);
    let (slow, funnel_s, second_s) = desk_before_the_change();
    import_held(&slow, &funnel_s, &second_s, Duration::from_millis(2500));

    let (quick_split, slow_split) = (split(&quick, &funnel_q), split(&slow, &funnel_s));
    assert_eq!(quick_split, slow_split);
    // The move the import that brought version 2 found is version 2's: «Квалификация» had
    // both cards before it, none moved on then; after it, both there at the moment, D1 moved
    // on. «Переговоры» had no one before it.
    assert_eq!(
        sides(&slow_split, "Квалификация"),
        (json!([2, 0]), json!([2, 1]))
    );
    assert_eq!(
        sides(&slow_split, "Переговоры"),
        (json!([0, 0]), json!([1, 0]))
    );
    // Version 2 was first used when that import began.
    let history: Json =
        serde_json::from_str(&slow.okk_on(&funnel_s, &["funnel", "history", "--json"])).unwrap();
    let began = last_run_began(&slow);
    assert_eq!(history["versions"][1]["first_used"], json!(began));

    // The team server reads the same split from the store copied to it.
    let Some(server) = server_db::ServerDb::new() else {
        return;
    };
    succeeded(
        slow.okk_funnel(&funnel_s)
            .args(["db", "copy"])
            .arg(&slow.db)
            .arg(&server.url),
    );
    let mut cmd = slow.okk_bare();
    cmd.args(["--db", &server.url])
        .arg("--funnel")
        .arg(&funnel_s);
    cmd.args(["--today", TODAY, "stats", "--funnel-version", "2", "--json"]);
    let on_server: Json = serde_json::from_str(&succeeded(&mut cmd)).unwrap();
    assert_eq!(on_server["stages"], slow_split);
}

/// A run that found moves under a version another command recorded while it went on (the
/// reviewer opened with the new funnel): the version is first used when the run began.
#[test]
fn a_version_recorded_while_an_import_ran_is_first_used_at_the_import_s_start() {
    let (desk, funnel, second) = desk_before_the_change();
    let lock = desk.conn();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut cmd = desk.sandboxed(std::process::Command::new(env!("CARGO_BIN_EXE_okk")));
    cmd.arg("--db").arg(&desk.db).arg("--funnel").arg(&funnel);
    cmd.args(["--today", TODAY, "import", &second]);
    cmd.stdout(std::process::Stdio::null());
    let mut child = cmd.spawn().expect("okk import");
    std::thread::sleep(Duration::from_millis(1500));
    // What another command's note writes, a second and more after the import began.
    let later = chrono::Local::now().naive_local();
    let later = later.format("%Y-%m-%d %H:%M:%S").to_string();
    let text = funnel_v2();
    let hash = format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()));
    lock.execute(
        "INSERT INTO funnel_versions (hash, first_used, name, content, changes)
         VALUES (?1, ?2, 'Продажи', ?3, '{}')",
        rusqlite::params![hash, later, text],
    )
    .unwrap();
    lock.execute_batch("COMMIT").unwrap();
    assert!(child.wait().unwrap().success(), "the held import failed");
    let began = last_run_began(&desk);
    let history: Json =
        serde_json::from_str(&desk.okk_on(&funnel, &["funnel", "history", "--json"])).unwrap();
    assert_eq!(history["versions"][1]["hash"], json!(hash), "{history}");
    let first_used = history["versions"][1]["first_used"].clone();
    assert!(began < later, "{began} {later}");
    assert_eq!(first_used, json!(began));
    let stages = split(&desk, &funnel);
    assert_eq!(
        sides(&stages, "Квалификация"),
        (json!([2, 0]), json!([2, 1]))
    );
}

/// A card that never moved was at its stage no later than its deal's last edit the file gave
/// (as the first visit of a card that moves is dated: docs/import.md "When a visit began"),
/// not from the moment the import ran: a backfill's cards were there by their files' dates.
/// On the team server as on the file.
#[test]
fn a_card_that_never_moved_was_at_its_stage_by_its_deal_s_last_edit() {
    use okk::domain::ports::FunnelHistory;
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::write(&funnel, FUNNEL).unwrap();
    let first = export(&desk, "first.csv", ["Квалификация", "Переговоры"]);
    desk.okk_on(&funnel, &["import", &first]);
    let store = okk::store::Store::open(&desk.db).unwrap();
    let mut seen = Vec::new();
    FunnelHistory::for_each_unmoved_card(&store, &mut |v| seen.extend(v.iter().cloned())).unwrap();
    seen.sort();
    let edited = common::time("2026-11-01 10:00:00");
    assert_eq!(
        seen,
        [
            (edited, "Квалификация".to_string()),
            (edited, "Переговоры".to_string())
        ]
    );
    // Version 1 was first used when the import ran: both cards were at their stages before.
    let by_version = ["stats", "--funnel-version", "1", "--json"];
    let split: Json = serde_json::from_str(&desk.okk_on(&funnel, &by_version)).unwrap();
    assert_eq!(
        sides(&split["stages"], "Квалификация"),
        (json!([1, 0]), json!([1, 0]))
    );

    let Some(server) = server_db::ServerDb::new() else {
        return;
    };
    succeeded(
        desk.okk_funnel(&funnel)
            .args(["db", "copy"])
            .arg(&desk.db)
            .arg(&server.url),
    );
    let mut cmd = desk.okk_bare();
    cmd.args(["--db", &server.url]).arg("--funnel").arg(&funnel);
    cmd.args(["--today", TODAY]).args(by_version);
    let on_server: Json = serde_json::from_str(&succeeded(&mut cmd)).unwrap();
    assert_eq!(on_server["stages"], split["stages"]);
}
