//! A stage merged into another as docs/funnel.md's merge fix does it — removed, its name and
//! its aliases made the other stage's aliases — is told as a merge, and the reviews made at it
//! before keep the checklist their auditor answered (tester43 F2, F3). On a store file and on
//! the team server alike.
//!
//! | cards  | stage (CRM)       | reviews under version 1                          |
//! |--------|-------------------|--------------------------------------------------|
//! | N1–N3  | Неразобранное     | N1, N2 stale, N3 ok: both of its items answered  |
//! | P1     | Первичный контакт | ok, none of its three items answered             |
//!
//! Version 2 merges «Неразобранное» (alias «Новый лид») into «Первичный контакт».

mod common;

#[path = "support/server_db.rs"]
mod server_db;

use std::path::{Path, PathBuf};

use common::figures::{TODAY, flat, stage_row};
use common::{Desk, path_arg, succeeded};
use serde_json::{Value as Json, json};

const FUNNEL_V1: &str = r#"name = "Продажи"

[rules]
idle = "off"
markers = "off"
closed_open = "off"
backwards = "off"
gone = "off"
unknown_stage = "off"
required = "off"

[[stages]]
name = "Неразобранное"
aliases = ["Новый лид"]

[[stages.checklist]]
id = "called"
text = "Позвонили в течение часа"

[[stages.checklist]]
id = "noted"
text = "Заявка записана"

[[stages]]
name = "Первичный контакт"

[[stages.checklist]]
id = "need"
text = "Выяснена потребность"

[[stages.checklist]]
id = "budget"
text = "Выяснен бюджет"

[[stages.checklist]]
id = "next"
text = "Назначен следующий шаг"

[[stages]]
name = "Квалификация"

[[stages]]
name = "Успех"
kind = "won"
"#;

const MERGED: &str = "Неразобранное";
const INTO: &str = "Первичный контакт";

/// A review of `verdict` with the ids `passed` answered pass.
fn review(verdict: &str, passed: &[&str]) -> okk::domain::review::Review {
    let mut r = common::figures::plain_review(verdict);
    for id in passed {
        r.draft
            .answers
            .insert(id.to_string(), okk::domain::score::Answer::Pass);
    }
    r
}

/// The table above, version 2 recorded: the desk and its funnel file (now version 2's).
fn merged_desk() -> (Desk, PathBuf) {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::write(&funnel, FUNNEL_V1).unwrap();
    let mut lines = vec![
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка"
            .to_string(),
    ];
    for (id, stage) in [("N1", MERGED), ("N2", MERGED), ("N3", MERGED), ("P1", INTO)] {
        lines.push(format!(
            "{id},Сделка {id},100000,Оля,01.11.2026 10:00:00,19.11.2026 10:00:00,не закрыта,\
             {stage},Продажи"
        ));
    }
    let csv = desk.dir.path().join("deals.csv");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    desk.okk_on(&funnel, &["import", &path_arg(&csv)]);
    let v1 = desk.version_hash(&funnel, 0);
    let at = "2026-11-18 12:00:00";
    for (card, verdict) in [("N1", "stale"), ("N2", "stale"), ("N3", "ok")] {
        desk.save_review_under(
            card,
            "anna",
            at,
            &v1,
            &review(verdict, &["called", "noted"]),
        );
    }
    desk.save_review_under("P1", "anna", at, &v1, &review("ok", &[]));
    // Version 2: the merge fix of docs/funnel.md, the alias moving along with the name.
    let merged = FUNNEL_V1
        .replace(
            "[[stages]]\nname = \"Неразобранное\"\naliases = [\"Новый лид\"]\n\n\
             [[stages.checklist]]\nid = \"called\"\ntext = \"Позвонили в течение часа\"\n\n\
             [[stages.checklist]]\nid = \"noted\"\ntext = \"Заявка записана\"\n\n",
            "",
        )
        .replace(
            "name = \"Первичный контакт\"\n",
            "name = \"Первичный контакт\"\naliases = [\"Неразобранное\", \"Новый лид\"]\n",
        );
    assert!(!merged.contains("called"), "{merged}");
    std::fs::write(&funnel, merged).unwrap();
    desk.okk_on(&funnel, &["check"]);
    desk.version_hash(&funnel, 1);
    (desk, funnel)
}

/// `okk export reviews --headers en` to stdout: each row as header → value, by card.
fn exported(csv: &str) -> Vec<(String, std::collections::BTreeMap<String, String>)> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    (reader.records())
        .map(|r| {
            let row: std::collections::BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect();
            (row["external_id"].clone(), row)
        })
        .collect()
}

/// What each store says, checked alike: `on(args)` runs okk on it.
fn assert_told(on: &dyn Fn(&[&str]) -> String) {
    // F2: the merged stage's estimate rests on reviews made before the merge: 4 of 4.
    let stats: Json = serde_json::from_str(&on(&["stats", "--json"])).unwrap();
    assert_eq!(
        stage_row(&stats, INTO)["judged_before_change"],
        json!({"version": 2, "change": "merge", "before": 4, "of": 4}),
        "{stats}"
    );
    // F2: version 2 lists the stage it removed, merged into the other.
    let split: Json =
        serde_json::from_str(&on(&["stats", "--funnel-version", "2", "--json"])).unwrap();
    let row = |stage: &str| {
        (split["stages"].as_array().unwrap().iter())
            .find(|r| r["stage"] == stage)
            .unwrap_or_else(|| panic!("no «{stage}» in {split}"))
            .clone()
    };
    let gone = row(MERGED);
    assert_eq!(gone["change"], "removed", "{gone}");
    assert_eq!(gone["merged_into"], INTO, "{gone}");
    assert_eq!(gone["before"]["judged"], 3, "its own reviews: {gone}");
    assert_eq!(row(INTO)["merged_from"], json!([MERGED]), "{split}");
    let text = flat(&on(&["stats", "--funnel-version", "2"]));
    let said = format!("merged by version 2 into «{INTO}» (version 1 had it)");
    assert!(text.contains(&said), "«{said}» in {text}");
    let history = flat(&on(&["funnel", "history"]));
    let said = format!("«{MERGED}» merged into «{INTO}»");
    assert!(history.contains(&said), "«{said}» in {history}");
    // F3: each review by the checklist its auditor answered, named by the stage it was made at.
    for (card, row) in exported(&on(&["export", "reviews", "--headers", "en", "--out", "-"])) {
        let (unanswered, stage) = match card.as_str() {
            "P1" => ("3", INTO),
            _ => ("0", MERGED),
        };
        assert_eq!(row["unanswered_items"], unanswered, "{card}: {row:?}");
        assert_eq!(row["funnel_stage"], stage, "{card}: {row:?}");
        assert_eq!(row["funnel_stage_now"], INTO, "{card}: {row:?}");
    }
    let auditors: Json = serde_json::from_str(&on(&["stats", "--auditors", "--json"])).unwrap();
    assert_eq!(auditors["auditors"][0]["unanswered"], 3, "{auditors}");
}

#[test]
fn a_merge_is_told_as_one_and_its_reviews_keep_their_checklist() {
    let (desk, funnel) = merged_desk();
    assert_told(&|args| desk.okk_on(&funnel, args));
}

#[test]
fn on_the_server_a_merge_is_told_as_on_a_file() {
    let Some(server) = server_db::ServerDb::new() else {
        return;
    };
    let (desk, funnel) = merged_desk();
    succeeded(
        desk.okk_funnel(&funnel)
            .args(["db", "copy"])
            .arg(&desk.db)
            .arg(&server.url),
    );
    let on = |db: &str, funnel: &Path, args: &[&str]| {
        let mut cmd = desk.okk_bare();
        cmd.args(["--db", db]).arg("--funnel").arg(funnel);
        succeeded(cmd.args(["--today", TODAY]).args(args))
    };
    assert_told(&|args| on(&server.url, &funnel, args));
    let file = path_arg(&desk.db);
    for args in [
        &["stats", "--json"][..],
        &["stats", "--funnel-version", "2", "--json"],
        &["export", "reviews", "--headers", "en", "--out", "-"],
        &["stats", "--auditors", "--json"],
    ] {
        assert_eq!(
            on(&server.url, &funnel, args),
            on(&file, &funnel, args),
            "{args:?}"
        );
    }
}
