//! `okk fields` and `okk funnel suggest` on a twelve-card desk whose every figure is worked out
//! by hand below; `--apply` writes a proposal into the funnel file and the next run records the
//! new funnel version.
//!
//! The funnel (tests/fixtures/suggest/funnel.toml): Лид (idle limit 3) → Звонок (10) → Встреча
//! (7; «Дата встречи» bound, a `past` date rule) → Договор (5) → Пусто → Успех (won) / Отказ
//! (lost); `[suggest] min_cards = 4, min_moves = 4, min_reviews = 3, missing_moves = 4`, the other
//! thresholds as documented. The day
//! judged is 2026-11-20 (so "silent" means meeting and last edit on or before 2026-11-06).
//!
//! | card  | stage   | owner | edited     | Дата встречи | Объект | history (day: stage)            |
//! |-------|---------|-------|------------|--------------|--------|---------------------------------|
//! | L1–L4 | Лид     | Оля ×2, Игорь ×2 | 19.11 | —     | —      | —                               |
//! | M1,M2 | Встреча | Оля   | 01.10      | 01.10.2026   | yes    | 09-01 Лид, 09-05 Встреча        |
//! | M3,M4 | Встреча | Игорь | 19.11      | 18.11.2026   | yes    | 09-01 Лид, 09-05 Встреча        |
//! | D1–D4 | Договор | Оля   | 19.11      | 01.09.2026   | yes    | 08-01 Лид, 08-01 Звонок, 08-02  |
//! |       |         |       |            |              |        | Встреча, then Договор after 20, |
//! |       |         |       |            |              |        | 22, 25, 30 days                 |
//!
//! What follows, kind by kind:
//! - silent_tail «Встреча»: 4 open cards, M1 and M2 silent (meeting 01.10, edited 01.10): 2 of 4
//!   = 50 % ≥ 25 %; its limit 7 < 14 days.
//! - bind_field «Дата встречи»: Лид 0/4 = 0 % ≤ 20 %; Встреча 4/4, Договор 4/4 ≥ 80 %; bound
//!   at Встреча only → bind and require at Встреча, Договор; earliest Встреча (four histories
//!   reach it before Договор).
//! - bind_field «Объект» (not declared, text): the same shares; declared as text.
//! - idle_limit «Встреча»: stays of cards that moved on 20, 22, 25, 30 → the 90th percentile
//!   (nearest rank 4 of 4) 30; |30 − 7| = 23 ≥ 0.5 × 7. Лид: stays 0, 0, 0, 0, 4, 4, 4, 4 → 4;
//!   |4 − 3| = 1 < 1.5: no proposal. Звонок (stays 1, 1, 1, 1 → 1, far from 10) is proposed
//!   for merging instead.
//! - merge_stage «Звонок» into «Встреча»: skipped by M1–M4 (Лид → Встреча), left within a day
//!   by D1–D4: 8 of 8 passing = 100 % ≥ 80 % (so not dropped as well).
//! - drop_stage «Пусто»: no card ever entered it (60 days).
//! - extra_control «Встреча» then «Договор», counting cards as `okk stats` does (each once, a
//!   disputed one nowhere): the wrong-stage reviews below make Встреча 4 of 4 cards not ok
//!   (100 %); anna judges D1–D4 (D1, D2, D3 stale; D4 ok), boris D1 ok, so D1 is disputed:
//!   2 of 3 = 67 % ≥ 30 %. Лид: anna and boris judge L1–L4 ok / L1 ok: 0 of 4.
//! - missing_stage «Встреча» → «Молчуны» (a stage the funnel lacks): anna's wrong-stage
//!   reviews of M1–M4 and boris's of M1 = 4 cards ≥ 4.

mod common;

#[path = "support/english.rs"]
mod english;
#[path = "support/server_db.rs"]
mod server_db;

use std::path::{Path, PathBuf};

use common::{Desk, Table, path_arg, repo, succeeded};
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-11-20";

fn funnel_copy(desk: &Desk) -> PathBuf {
    let p = desk.dir.path().join("funnel.toml");
    std::fs::copy(repo().join("tests/fixtures/suggest/funnel.toml"), &p).unwrap();
    p
}

fn okk(desk: &Desk, funnel: &Path, args: &[&str]) -> String {
    succeeded(desk.okk_funnel(funnel).args(["--today", TODAY]).args(args))
}

fn json_of(desk: &Desk, funnel: &Path, args: &[&str]) -> Json {
    serde_json::from_str(&okk(desk, funnel, args)).expect("JSON")
}

const HEADER: &str = "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,\
Дата редактирования,Дата закрытия,Этап сделки,Воронка,Дата встречи,Объект";

fn row(id: &str, stage: &str, owner: &str, edited: &str, meeting: &str, object: &str) -> String {
    format!(
        "{id},Сделка {id},100000,{owner},01.07.2026 10:00:00,{edited} 10:00:00,не закрыта,\
         {stage},Продажи,{meeting},{object}"
    )
}

/// The twelve cards imported, their histories planted, the reviews saved.
fn desk() -> (Desk, PathBuf) {
    let desk = Desk::new();
    let funnel = funnel_copy(&desk);
    let mut lines = vec![HEADER.to_string()];
    for (id, owner) in [
        ("L1", "Оля"),
        ("L2", "Оля"),
        ("L3", "Игорь"),
        ("L4", "Игорь"),
    ] {
        lines.push(row(id, "Лид", owner, "19.11.2026", "", ""));
    }
    for id in ["M1", "M2"] {
        lines.push(row(
            id,
            "Встреча",
            "Оля",
            "01.10.2026",
            "01.10.2026",
            "Квартира 2к",
        ));
    }
    for id in ["M3", "M4"] {
        lines.push(row(
            id,
            "Встреча",
            "Игорь",
            "19.11.2026",
            "18.11.2026",
            "Квартира 1к",
        ));
    }
    for id in ["D1", "D2", "D3", "D4"] {
        lines.push(row(
            id,
            "Договор",
            "Оля",
            "19.11.2026",
            "01.09.2026",
            "Студия",
        ));
    }
    let csv = desk.dir.path().join("deals.csv");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    okk(&desk, &funnel, &["import", &path_arg(&csv)]);

    let plant = |id: &str, visits: &[(&str, &str)]| desk.plant_history(id, visits);
    for id in ["M1", "M2", "M3", "M4"] {
        plant(id, &[("2026-09-01", "Лид"), ("2026-09-05", "Встреча")]);
    }
    for (id, contract) in [
        ("D1", "2026-08-22"),
        ("D2", "2026-08-24"),
        ("D3", "2026-08-27"),
        ("D4", "2026-09-01"),
    ] {
        plant(
            id,
            &[
                ("2026-08-01", "Лид"),
                ("2026-08-01", "Звонок"),
                ("2026-08-02", "Встреча"),
                (contract, "Договор"),
            ],
        );
    }

    let review = |card: &str, auditor: &str, verdict: &str, moved: Option<&str>| {
        use okk::domain::review::{Review, ReviewDraft, Verdict};
        let r = Review {
            verdict: Verdict::from_name(verdict).unwrap(),
            draft: ReviewDraft {
                suggested_stage: moved.map(str::to_string),
                ..ReviewDraft::default()
            },
            score: None,
            seconds_spent: 30.0,
        };
        desk.save_review(card, auditor, "2026-11-19 12:00:00", &r);
    };
    for (card, verdict) in [
        ("D1", "stale"),
        ("D2", "stale"),
        ("D3", "stale"),
        ("D4", "ok"),
    ] {
        review(card, "anna", verdict, None);
    }
    review("D1", "boris", "ok", None);
    for card in ["L1", "L2", "L3", "L4"] {
        review(card, "anna", "ok", None);
    }
    review("L1", "boris", "ok", None);
    for card in ["M1", "M2", "M3", "M4"] {
        review(card, "anna", "wrong_stage", Some("Молчуны"));
    }
    review("M1", "boris", "wrong_stage", Some("Молчуны"));
    (desk, funnel)
}

fn by_kind<'a>(list: &'a [Json], kind: &str) -> Vec<&'a Json> {
    list.iter().filter(|s| s["kind"] == kind).collect()
}

#[test]
fn okk_fields_shows_how_each_column_is_kept_per_stage_and_who_leaves_it_empty() {
    let (desk, funnel) = desk();
    let out = json_of(&desk, &funnel, &["fields", "--json"]);
    let rows = out["fields"].as_array().unwrap();
    // The declared, bound field first: Встреча (bound) before the stages that do not bind it.
    assert_eq!(rows[0]["field"], "Дата встречи");
    assert_eq!(rows[0]["stage"], "Встреча");
    assert_eq!(rows[0]["bound"], true);
    assert_eq!(
        (rows[0]["cards"].clone(), rows[0]["filled"].clone()),
        (json!(4), json!(4))
    );
    let find = |field: &str, stage: &str| {
        rows.iter()
            .find(|r| r["field"] == field && r["stage"] == stage)
            .unwrap_or_else(|| panic!("no row {field} × {stage}"))
            .clone()
    };
    let lead = find("Дата встречи", "Лид");
    assert_eq!(lead["rate"], json!(0.0));
    assert_eq!(lead["bound"], false);
    assert_eq!(lead["owners"].as_array().unwrap().len(), 2);
    // «Объект» is no declared field and still counted: 4 of 4 at Договор, all Оля's.
    let object = find("Объект", "Договор");
    assert_eq!(
        object["owners"],
        json!([{"owner": "Оля", "cards": 4, "filled": 4, "rate": 1.0}])
    );
    // --stage and --owner narrow the rows; Игорь keeps «Объект» in both his Встреча cards.
    let out = json_of(
        &desk,
        &funnel,
        &["fields", "--json", "--stage", "встреча", "--owner", "Игорь"],
    );
    let rows = out["fields"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["stage"] == "Встреча"));
    let object = rows.iter().find(|r| r["field"] == "Объект").unwrap();
    assert_eq!(
        (object["cards"].clone(), object["rate"].clone()),
        (json!(2), json!(1.0))
    );
    // The text names the emptiest owner.
    let text = okk(&desk, &funnel, &["fields", "--stage", "Лид"]);
    assert!(
        text.contains("Лид: 0 of 4 (0%)  emptiest: Игорь 2 of 2 empty"),
        "{text}"
    );
}

#[test]
fn funnel_suggest_proposes_every_kind_with_its_evidence() {
    let (desk, funnel) = desk();
    let out = json_of(&desk, &funnel, &["funnel", "suggest", "--json"]);
    let list = out["suggestions"].as_array().unwrap().clone();
    let kinds: Vec<&str> = list.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        [
            "silent_tail",
            "bind_field",
            "bind_field",
            "idle_limit",
            "merge_stage",
            "drop_stage",
            "extra_control",
            "extra_control",
            "missing_stage"
        ],
        "{}",
        serde_json::to_string_pretty(&list).unwrap()
    );
    let ids: Vec<u64> = list.iter().map(|s| s["id"].as_u64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5, 6, 7, 8, 9]);

    let silent = by_kind(&list, "silent_tail")[0];
    assert_eq!(silent["stage"], "Встреча");
    assert_eq!(
        silent["evidence"],
        json!({"field": "Дата встречи", "silent_days": 14, "open_cards": 4, "silent_cards": 2,
               "share": 0.5, "sample": ["M1", "M2"]})
    );
    assert!(
        silent["patch"]
            .as_str()
            .unwrap()
            .contains("name = \"Встреча — без активности\""),
        "a Russian funnel's new stage is named in Russian, whatever language okk speaks"
    );

    let binds = by_kind(&list, "bind_field");
    let meeting = binds
        .iter()
        .find(|s| s["evidence"]["field"] == "Дата встречи")
        .unwrap();
    assert_eq!(meeting["evidence"]["earliest"], "Встреча");
    assert_eq!(meeting["evidence"]["declared"], true);
    let kept: Vec<&str> = meeting["evidence"]["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["stage"].as_str().unwrap())
        .collect();
    assert_eq!(kept, ["Встреча", "Договор"]);
    assert_eq!(
        meeting["evidence"]["not_kept"],
        json!([{"stage": "Лид", "cards": 4, "part": 0, "rate": 0.0}])
    );
    let object = binds
        .iter()
        .find(|s| s["evidence"]["field"] == "Объект")
        .unwrap();
    assert_eq!(object["evidence"]["declared"], false);
    assert!(
        object["patch"]
            .as_str()
            .unwrap()
            .contains("type = \"text\"")
    );

    assert_eq!(
        by_kind(&list, "idle_limit")[0]["evidence"],
        json!({"limit": 7, "percentile": 90, "days": 30, "moves": 4})
    );
    let merge = by_kind(&list, "merge_stage")[0];
    assert_eq!(merge["stage"], "Звонок");
    assert_eq!(
        merge["evidence"],
        json!({"passing": 8, "skipped": 4, "within_a_day": 4, "share": 1.0, "into": "Встреча"})
    );
    let dropped = by_kind(&list, "drop_stage")[0];
    assert_eq!(dropped["stage"], "Пусто");
    assert_eq!(
        dropped["evidence"],
        json!({"cards": 0, "last_entry": null, "unused_days": 60})
    );
    let extra = by_kind(&list, "extra_control");
    assert_eq!(extra[0]["stage"], "Встреча");
    assert_eq!(
        extra[0]["evidence"],
        json!({"cards": 4, "not_ok": 4, "share": 1.0})
    );
    assert_eq!(extra[1]["stage"], "Договор");
    assert_eq!(
        extra[1]["evidence"],
        json!({"cards": 3, "not_ok": 2, "share": 0.6667})
    );
    let missing = by_kind(&list, "missing_stage")[0];
    assert_eq!(
        missing["evidence"],
        json!({"from": "Встреча", "to": "Молчуны", "cards": 4, "known": false})
    );
}

#[test]
fn thresholds_in_the_funnel_file_turn_a_proposal_off() {
    let (desk, funnel) = desk();
    // Five cards judged are now needed for extra control (Встреча has four), and the tail
    // must be half and more… of a stage whose four cards have two silent: exactly half still
    // counts.
    let text = std::fs::read_to_string(&funnel)
        .unwrap()
        .replace("min_reviews = 3", "min_reviews = 5\nsilent_share = 0.5");
    std::fs::write(&funnel, text).unwrap();
    let out = json_of(&desk, &funnel, &["funnel", "suggest", "--json"]);
    let list = out["suggestions"].as_array().unwrap();
    assert!(by_kind(list, "extra_control").is_empty());
    assert_eq!(by_kind(list, "silent_tail").len(), 1);
    // A threshold out of range is a problem at its line.
    let bad = std::fs::read_to_string(&funnel)
        .unwrap()
        .replace("silent_share = 0.5", "silent_share = 5");
    std::fs::write(&funnel, bad).unwrap();
    let out = desk
        .okk_funnel(&funnel)
        .args(["funnel", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("suggest.silent_share"), "{err}");
    assert!(err.contains("a share from 0 to 1"), "{err}");
}

#[test]
fn applying_a_proposal_shows_the_diff_keeps_the_old_file_and_records_a_new_version() {
    let (desk, funnel) = desk();
    let before = std::fs::read_to_string(&funnel).unwrap();
    let history = json_of(&desk, &funnel, &["funnel", "history", "--json"]);
    assert_eq!(history["versions"].as_array().unwrap().len(), 1);
    assert_eq!(history["versions"][0]["changes"]["first"], true);

    // Proposal 4: «Встреча»'s idle limit 7 → 30.
    let out = okk(&desk, &funnel, &["funnel", "suggest", "--apply", "4"]);
    assert!(
        out.contains("-max_idle_days = 7\n+max_idle_days = 30"),
        "{out}"
    );
    let kept = desk.dir.path().join("funnel.before-1.toml");
    assert_eq!(std::fs::read_to_string(&kept).unwrap(), before);
    let after = std::fs::read_to_string(&funnel).unwrap();
    // Only that line changed: the comments and the rest stay as written.
    assert_eq!(
        after,
        before.replace("max_idle_days = 7", "max_idle_days = 30")
    );

    // The next run records version 2 with what changed.
    okk(&desk, &funnel, &["funnel", "suggest"]);
    let history = json_of(&desk, &funnel, &["funnel", "history", "--json"]);
    let versions = history["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["version"], 2);
    assert_eq!(
        versions[1]["changes"]["limits_changed"],
        json!([["Встреча", 7, 30]])
    );
    let text = okk(&desk, &funnel, &["funnel", "history"]);
    assert!(text.contains("«Встреча» idle limit 7 → 30"), "{text}");
    // Before and after version 2 at the stage it touched (the reviews, made 2026-11-19, and
    // the histories all come before it): 5 reviews of 4 cards (M1–M4; anna's and boris's
    // wrong-stage verdicts on M1 are one card), all 4 not ok; of the 8 cards that entered
    // Встреча (M1–M4, D1–D4), D1–D4 moved on, after 20, 22, 25, 30 days: median 22. After it,
    // M1–M4 are still there: 4 cards at the stage, none moved on yet.
    let split = json_of(
        &desk,
        &funnel,
        &["stats", "--funnel-version", "2", "--json"],
    );
    assert_eq!(split["version"], 2);
    let stages = split["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 1);
    assert_eq!(stages[0]["stage"], "Встреча");
    assert_eq!(
        stages[0]["before"],
        json!({"reviews": 5, "judged": 4, "mismatches": 4, "mismatch_rate": 1.0, "entered": 8,
               "moved_on": 4, "conversion": 0.5, "median_days": 22})
    );
    assert_eq!(
        stages[0]["after"],
        json!({"reviews": 0, "judged": 0, "mismatches": 0, "mismatch_rate": null, "entered": 4,
               "moved_on": 0, "conversion": 0.0, "median_days": null})
    );
    // The report shows the same split, and the bound field's fill.
    let page = desk.dir.path().join("report.html");
    okk(&desk, &funnel, &["report", "--out", &path_arg(&page)]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("<section id=\"before-after\">"));
    assert!(
        html.contains("<td>4 / 4 (100%)</td><td>4 / 8 (50%)</td><td>22</td>"),
        "{html}"
    );
    assert!(html.contains("<section id=\"fields\">"));
    assert!(html.contains(
        "<tr><td>Дата встречи</td><td class=\"text\">Встреча</td><td>4</td><td>4</td><td>100%</td>"
    ));
    // In Russian the page writes its days as `okk stats --funnel-version` does: `12,5`.
    let ru_page = desk.dir.path().join("report-ru.html");
    okk(
        &desk,
        &funnel,
        &["--lang", "ru", "report", "--out", &path_arg(&ru_page)],
    );
    let html = std::fs::read_to_string(&ru_page).unwrap();
    let section = html.split("<section id=\"before-after\">").nth(1).unwrap();
    let section = section.split("</section>").next().unwrap();
    let row = (section.lines())
        .find(|l| l.starts_with("<tr><td class=\"text\">Встреча"))
        .unwrap_or_else(|| panic!("{section}"));
    let idle_now = row
        .rsplit("<td>")
        .next()
        .unwrap()
        .trim_end_matches("</td></tr>");
    let (whole, tenths) = idle_now.split_once(',').unwrap_or_else(|| panic!("{row}"));
    assert!(
        whole.chars().all(|c| c.is_ascii_digit()) && tenths.len() == 1,
        "{row}"
    );

    // The idle-limit proposal is gone; a number past the list is an error.
    let out = json_of(&desk, &funnel, &["funnel", "suggest", "--json"]);
    assert!(by_kind(out["suggestions"].as_array().unwrap(), "idle_limit").is_empty());
    let bad = desk
        .okk_funnel(&funnel)
        .args(["--today", TODAY, "funnel", "suggest", "--apply", "99"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
}

/// A version that removes a stage and adds one: `okk stats --funnel-version 2` lists both —
/// the removed «Договор» with its figures before the change and the four cards still in it —
/// and version 1, read after it, lists its own stages (the removed one too, said to be gone
/// from the funnel okk runs with now) and names the cards now in a stage it did not have.
#[test]
fn a_version_s_split_lists_the_stage_it_removed_and_the_cards_it_does_not_place() {
    let (desk, funnel) = desk();
    // Version 2: «Договор» (D1–D4 are in it) gives way to «Молчуны».
    let before = std::fs::read_to_string(&funnel).unwrap();
    let dropped = "[[stages]]\nname = \"Договор\"\nmax_idle_days = 5\n";
    assert!(before.contains(dropped));
    std::fs::write(
        &funnel,
        before.replace(dropped, "[[stages]]\nname = \"Молчуны\"\n"),
    )
    .unwrap();
    okk(&desk, &funnel, &["check"]);
    // One card enters «Молчуны»: the same export again, with it.
    let csv = desk.dir.path().join("deals.csv");
    let mut deals = std::fs::read_to_string(&csv).unwrap();
    deals.push_str(&row("S1", "Молчуны", "Оля", "19.11.2026", "", ""));
    deals.push('\n');
    std::fs::write(&csv, deals).unwrap();
    okk(&desk, &funnel, &["import", &path_arg(&csv)]);
    let history = json_of(&desk, &funnel, &["funnel", "history", "--json"]);
    let changes = &history["versions"][1]["changes"];
    assert_eq!(changes["stages_added"], json!(["Молчуны"]));
    assert_eq!(changes["stages_removed"], json!(["Договор"]));

    let split = json_of(
        &desk,
        &funnel,
        &["stats", "--funnel-version", "2", "--json"],
    );
    let stages = split["stages"].as_array().unwrap();
    let names: Vec<&str> = stages
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Молчуны", "Договор"], "{split}");
    assert_eq!(stages[0]["change"], "added");
    assert_eq!(stages[0]["cards_now"], 1);
    // «Договор» before version 2: five reviews of four cards; D1 disputed (anna stale, boris
    // ok), D2 and D3 stale, D4 ok: 2 of 3 cards judged not ok; D1–D4 entered it and none moved
    // on. After it: nothing, and its four cards are in a stage version 2 lacks.
    let removed = &stages[1];
    assert_eq!(removed["change"], "removed");
    assert_eq!(removed["in_current_funnel"], false);
    assert_eq!(removed["cards_now"], 4);
    assert_eq!(
        removed["before"],
        json!({"reviews": 5, "judged": 3, "mismatches": 2, "mismatch_rate": 0.6667, "entered": 4,
               "moved_on": 0, "conversion": 0.0, "median_days": null})
    );
    assert_eq!(removed["after"]["reviews"], 0);
    // Told on the removed stage's row, not twice.
    assert_eq!(split["not_in_version"], json!([]), "{split}");
    let text = okk(&desk, &funnel, &["stats", "--funnel-version", "2"]);
    assert!(text.contains("«Молчуны» — added by version 2"), "{text}");
    assert!(
        text.contains("«Договор» — removed by version 2 (version 1 had it)"),
        "{text}"
    );
    assert!(
        text.contains("4 cards there now, in a stage version 2 does not have"),
        "{text}"
    );

    // Version 1, as it was: its stages in its order, «Договор» among them; «Молчуны»'s card is
    // in a stage it did not have.
    let split = json_of(
        &desk,
        &funnel,
        &["stats", "--funnel-version", "1", "--json"],
    );
    let stages = split["stages"].as_array().unwrap();
    let names: Vec<&str> = stages
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Лид",
            "Звонок",
            "Встреча",
            "Договор",
            "Пусто",
            "Успех",
            "Отказ"
        ],
        "{split}"
    );
    let contract = &stages[3];
    assert_eq!(contract["in_current_funnel"], false);
    assert_eq!(contract["cards_now"], 4);
    assert_eq!(contract["before"]["reviews"], 5);
    assert!(
        stages
            .iter()
            .filter(|s| s["stage"] != "Договор")
            .all(|s| s["in_current_funnel"] == true)
    );
    assert_eq!(
        split["not_in_version"],
        json!([{"stage": "Молчуны", "cards": 1}])
    );
    let text = okk(&desk, &funnel, &["stats", "--funnel-version", "1"]);
    assert!(
        text.contains("«Договор» — not in the funnel okk runs with now"),
        "{text}"
    );
    assert!(
        text.contains("Cards now in stages version 1 does not have: «Молчуны» 1"),
        "{text}"
    );
}

#[test]
fn applying_each_kind_leaves_a_funnel_that_passes_its_check() {
    let (desk, funnel) = desk();
    let pristine = std::fs::read_to_string(&funnel).unwrap();
    for n in 1..=9 {
        std::fs::write(&funnel, &pristine).unwrap();
        for f in std::fs::read_dir(desk.dir.path()).unwrap() {
            let p = f.unwrap().path();
            if p.to_string_lossy().contains(".before-") {
                std::fs::remove_file(p).unwrap();
            }
        }
        okk(
            &desk,
            &funnel,
            &["funnel", "suggest", "--apply", &n.to_string()],
        );
        let out = okk(&desk, &funnel, &["funnel", "check"]);
        assert!(out.contains("ok"), "after applying {n}: {out}");
    }
}

/// TOML keys of the patches `okk funnel suggest` prints: the funnel file's machine contract.
const TOML_KEYS: &[&str] = &["name", "aliases", "fields", "required", "kind", "stages"];

#[test]
fn in_russian_fields_suggest_and_history_speak_russian_and_keep_codes_and_keys() {
    let (desk, funnel) = desk();
    let ru = |args: &[&str]| {
        succeeded(
            desk.okk_funnel(&funnel)
                .args(["--lang", "ru", "--today", TODAY])
                .args(args),
        )
    };
    let fields = ru(&["fields"]);
    english::assert_russian("okk fields", &fields, &[]);
    assert!(
        fields.contains("Лид: 0 из 4 (0\u{a0}%)  больше всех пустых: Игорь — пусто 2 из 2"),
        "{fields}"
    );
    assert!(
        fields.contains("Встреча [привязано]: 4 из 4 (100\u{a0}%)"),
        "{fields}"
    );

    let suggest = ru(&["funnel", "suggest"]);
    english::assert_russian("okk funnel suggest", &suggest, TOML_KEYS);
    // The kinds are codes, the sentences Russian, the counts in the plural their number asks.
    assert!(
        suggest.contains("[merge_stage] Объедините «Звонок» с «Встреча»"),
        "{suggest}"
    );
    assert!(
        suggest.contains("[drop_stage] Уберите «Пусто»"),
        "{suggest}"
    );
    assert!(
        suggest.contains("из 8 карточек, прошедших через него, 4 его пропустили"),
        "{suggest}"
    );
    assert!(
        suggest.contains("Применить одно из них: `okk funnel suggest --apply N`."),
        "{suggest}"
    );
    // The English listing is what it was.
    let en = okk(&desk, &funnel, &["funnel", "suggest"]);
    assert!(
        en.contains("Apply one with `okk funnel suggest --apply N`."),
        "{en}"
    );

    let history = ru(&["funnel", "history"]);
    english::assert_russian("okk funnel history", &history, &[]);
    assert!(
        history.contains("- первая версия, с которой okk работал на этом хранилище"),
        "{history}"
    );
}

#[test]
fn a_funnel_version_s_changes_and_its_before_and_after_read_in_russian() {
    use okk::domain::funnel_diff::{FunnelDiff, FunnelVersion};
    use okk::domain::version_split::{Side, StageCards, StageChange, StageSplit, VersionSplit};
    use okk::text::lang::{self, Lang};
    let diff = FunnelDiff {
        stages_added: vec!["Молчуны".into()],
        stages_removed: vec!["Пусто".into()],
        stages_merged: Vec::new(),
        stages_renamed: vec![("Звонок".into(), "Созвон".into())],
        aliases_added: vec![("Договор".into(), "Подписание".into())],
        aliases_removed: vec![("Лид".into(), "Заявка".into())],
        fields_bound: vec![("Встреча".into(), "Дата встречи".into())],
        fields_unbound: vec![("Лид".into(), "Объект".into())],
        limits_changed: vec![("Встреча".into(), Some(7), None)],
        extra_control_changed: vec![("Договор".into(), true), ("Лид".into(), false)],
        first: false,
    };
    let version = FunnelVersion {
        version: 2,
        hash: "ab12cd34".into(),
        first_used: "2026-11-20".into(),
        name: "Продажи".into(),
        content: String::new(),
        changes: String::new(),
    };
    let side = |judged, mismatches, entered, moved_on| Side {
        reviews: judged + 1,
        judged,
        mismatches,
        mismatch_rate: Some(mismatches as f64 / judged as f64),
        entered,
        moved_on,
        conversion: Some(moved_on as f64 / entered as f64),
        median_days: Some(21),
    };
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let split = VersionSplit {
        version: 2,
        since: day,
        first_used: day.and_hms_opt(9, 30, 0).unwrap(),
        previous: Some(1),
        stages: vec![
            StageSplit {
                stage: "Встреча".into(),
                before: Some(side(5, 1, 4, 2)),
                after: side(2, 2, 21, 1),
                median_idle_days_now: Some(3.5),
                change: Some(StageChange::Changed),
                renamed_from: None,
                split_with: Vec::new(),
                merged_into: None,
                merged_from: Vec::new(),
                cards_now: 4,
                in_current_funnel: true,
                emptied_into: None,
            },
            StageSplit {
                stage: "Показ".into(),
                before: Some(side(4, 1, 4, 1)),
                after: side(1, 1, 2, 1),
                median_idle_days_now: Some(2.0),
                change: Some(StageChange::Split),
                renamed_from: None,
                split_with: vec!["Торг".into()],
                merged_into: None,
                merged_from: Vec::new(),
                cards_now: 5,
                in_current_funnel: true,
                emptied_into: None,
            },
            StageSplit {
                stage: "Торг".into(),
                before: None,
                after: side(1, 1, 3, 1),
                median_idle_days_now: Some(1.0),
                change: Some(StageChange::Added),
                renamed_from: None,
                split_with: Vec::new(),
                merged_into: None,
                merged_from: Vec::new(),
                cards_now: 3,
                in_current_funnel: true,
                emptied_into: None,
            },
            StageSplit {
                stage: "Пусто".into(),
                before: Some(side(1, 1, 1, 1)),
                after: side(1, 0, 1, 1),
                median_idle_days_now: None,
                change: Some(StageChange::Removed),
                renamed_from: None,
                split_with: Vec::new(),
                merged_into: None,
                merged_from: Vec::new(),
                cards_now: 3,
                in_current_funnel: false,
                emptied_into: None,
            },
        ],
        not_in_version: vec![StageCards {
            stage: "Переговоры".into(),
            cards: 2,
        }],
        removed_unread: Vec::new(),
        read_with_current_funnel: false,
        unchanged_left_out: 0,
    };
    let rows = [(version, diff)];
    let (history, before_after) = lang::with(Lang::Ru, || {
        (
            okk::text::versions::history(&rows),
            okk::text::versions::before_after(&split),
        )
    });
    english::assert_russian("okk funnel history", &history, &[]);
    english::assert_russian("okk stats --funnel-version", &before_after, &[]);
    assert!(
        history.starts_with("2. версия «Продажи», впервые применена 20.11.2026 (хеш ab12cd34)\n"),
        "{history}"
    );
    assert!(
        history.contains("   - «Встреча»: лимит простоя 7 → нет\n"),
        "{history}"
    );
    assert!(
        history.contains(
            "   - «Подписание» теперь псевдоним «Договор» (его карточки считаются там)\n"
        ),
        "{history}"
    );
    assert!(
        before_after.contains(
            "  до:    с ошибкой 1 из 5 проверенных карточек (20\u{a0}%); ушли дальше 2 из 4 попавших \
             (50\u{a0}%)"
        ),
        "{before_after}"
    );
    assert!(
        before_after.contains(
            "  после: с ошибкой 2 из 2 проверенных карточек (100\u{a0}%); ушли дальше 1 из 21 попавшей \
             (5\u{a0}%)"
        ),
        "{before_after}"
    );
    assert!(
        before_after.contains("медиана дней простоя сейчас: 3,5"),
        "{before_after}"
    );
    assert!(
        before_after.contains("\n«Встреча» — изменён версией 2\n"),
        "{before_after}"
    );
    assert!(
        before_after.contains(
            "\n«Пусто» — удалён версией 2 (был в версии 1); карточек на этапе сейчас: 3, а в \
             версии 2 такого этапа нет\n"
        ),
        "{before_after}"
    );
    assert!(
        before_after
            .contains("\nКарточки сейчас на этапах, которых нет в версии 2: «Переговоры» 2\n"),
        "{before_after}"
    );
    // A stage split by a new one, and the new one, which had no before (tester30 F7).
    assert!(
        before_after.contains(
            "\n«Показ» — разделён версией 2: заметная часть карточек перешла на этап «Торг», \
             добавленный ею\n"
        ),
        "{before_after}"
    );
    assert!(
        before_after.contains(
            "\n«Торг» — добавлен версией 2\n  до:    нет — этап добавила версия 2; «после» \
             считает все попадания на него и все проверки на нём\n  после: "
        ),
        "{before_after}"
    );
    // English is what it was.
    let english = lang::with(Lang::En, || okk::text::versions::history(&rows));
    assert!(
        english.starts_with("2. version «Продажи», first used 2026-11-20 (hash ab12cd34)\n"),
        "{english}"
    );
}

/// The bundled demo (scripts/gen_demo.py) plants the funnel's story. «Молчуны после встречи»:
/// nobody moves cards there, its 25 cards stay in «Контакт после встречи» with that stage's own
/// 25 and 18 more silent ones: 68 cards, one closed on an open stage, so 67 open; silent (the
/// meeting and the last edit 14+ days before 2026-11-20): the 18, the two idle cards of the old
/// «Молчуны» and the one of «Контакт после встречи» that has a meeting date = 21 (31 %). The
/// undeclared «Результат встречи» is kept in 84 %+ of the cards of every open stage from
/// «Встреча проведена» on and in none before. No card has ever entered «Молчуны после встречи».
#[test]
fn the_demo_proposes_splitting_the_silent_tail_binding_the_meeting_result_and_dropping_the_unused_stage()
 {
    let desk = Desk::new();
    desk.import_one(&[&path_arg(&repo().join("assets/demo/amocrm_deals.csv"))]);
    let funnel = common::funnel_path();
    let out = json_of(&desk, &funnel, &["funnel", "suggest", "--json"]);
    let list = out["suggestions"].as_array().unwrap();
    let kinds: Vec<(&str, &str)> = list
        .iter()
        .map(|s| (s["kind"].as_str().unwrap(), s["stage"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("silent_tail", "Контакт после встречи"),
            ("bind_field", "Встреча проведена"),
            ("drop_stage", "Молчуны после встречи"),
        ]
    );
    let tail = &list[0]["evidence"];
    assert_eq!(
        (&tail["open_cards"], &tail["silent_cards"], &tail["share"]),
        (&json!(67), &json!(21), &json!(0.3134))
    );
    let bind = &list[1]["evidence"];
    assert_eq!(bind["field"], "Результат встречи");
    assert_eq!(bind["declared"], false);
    assert_eq!(bind["earliest"], "Встреча проведена");
    let stages = |key: &str| -> Vec<String> {
        bind[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["stage"].as_str().unwrap().to_string())
            .collect()
    };
    let mut kept = stages("kept");
    kept.sort();
    assert_eq!(
        kept,
        [
            "Бронирование",
            "Встреча проведена",
            "Договор",
            "Контакт после встречи",
            "Отработка возражений"
        ]
    );
    assert_eq!(
        stages("not_kept"),
        ["Первичный контакт", "Квалификация", "Встреча назначена"]
    );
    assert!(
        bind["kept"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["rate"].as_f64().unwrap() >= 0.84)
    );
    assert!(
        bind["not_kept"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["part"] == 0)
    );
    let drop = &list[2]["evidence"];
    assert_eq!(
        (&drop["cards"], &drop["last_entry"]),
        (&json!(0), &Json::Null)
    );
}

/// Two imports of the same four «Встреча» cards (Оля's M1, M2; Игорь's M3, M4): the first with
/// «Дата встречи» on M1 only (1 of 4 = 25 %), the second on M1, M2 and M3 (3 of 4 = 75 %). The
/// desk looks at `okk fields` after each: each look records the fill the latest run left, and
/// the trend reads 25 % → 75 %. «Объект» is kept on all four both times: 100 % → 100 %. A third
/// import of the second file changes nothing and records nothing.
#[test]
fn okk_fields_shows_the_trend_of_each_field_run_by_run() {
    let desk = Desk::new();
    let funnel = funnel_copy(&desk);
    let write = |name: &str, met: [&str; 4]| {
        let mut lines = vec![HEADER.to_string()];
        for ((id, owner), meeting) in [
            ("M1", "Оля"),
            ("M2", "Оля"),
            ("M3", "Игорь"),
            ("M4", "Игорь"),
        ]
        .into_iter()
        .zip(met)
        {
            lines.push(row(id, "Встреча", owner, "19.11.2026", meeting, "Студия"));
        }
        let csv = desk.dir.path().join(name);
        std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
        path_arg(&csv)
    };
    let first = write("first.csv", ["18.11.2026", "", "", ""]);
    let second = write("second.csv", ["18.11.2026", "17.11.2026", "16.11.2026", ""]);
    okk(&desk, &funnel, &["import", &first]);
    okk(&desk, &funnel, &["fields"]);
    okk(&desk, &funnel, &["import", &second]);
    okk(&desk, &funnel, &["import", &second]);

    let out = json_of(&desk, &funnel, &["fields", "--json"]);
    let rows = out["fields"].as_array().unwrap();
    let trend = |field: &str| -> Vec<(i64, f64)> {
        let row = rows
            .iter()
            .find(|r| r["field"] == field && r["stage"] == "Встреча")
            .unwrap_or_else(|| panic!("no row {field}"));
        row["trend"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert!(p["at"].as_str().is_some_and(|a| a.len() >= 16), "{p}");
                (p["run"].as_i64().unwrap(), p["rate"].as_f64().unwrap())
            })
            .collect()
    };
    assert_eq!(trend("Дата встречи"), [(1, 0.25), (2, 0.75)]);
    assert_eq!(trend("Объект"), [(1, 1.0), (2, 1.0)]);
    // The text shows it beside the rate.
    let text = okk(&desk, &funnel, &["fields", "--stage", "Встреча"]);
    assert!(text.contains("3 of 4 (75%)"), "{text}");
    assert!(text.contains("by run: 25% → 75%"), "{text}");
    // A part of the cards has no recorded trend.
    let out = json_of(&desk, &funnel, &["fields", "--json", "--owner", "Оля"]);
    assert!(
        out["fields"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["trend"] == json!([]))
    );
}

/// The fill trend's points are taken when the figures are read, not by the import: two imports
/// nobody looked at in between leave one point, the latest run's; a look with nothing changed
/// since adds none; a look at part of the cards (`--owner`) records nothing.
#[test]
fn a_run_nobody_looked_at_leaves_no_point_in_the_trend() {
    let desk = Desk::new();
    let funnel = funnel_copy(&desk);
    let write = |name: &str, object: &str| {
        let lines = [
            HEADER.to_string(),
            row("M1", "Встреча", "Оля", "19.11.2026", "18.11.2026", object),
            row("M2", "Встреча", "Игорь", "19.11.2026", "", "Студия"),
        ];
        let csv = desk.dir.path().join(name);
        std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
        path_arg(&csv)
    };
    let snapshots = || {
        let runs: std::collections::BTreeSet<String> = desk
            .rows(Table::FillSnapshots)
            .iter()
            .map(|r| r["batch_id"].to_string())
            .collect();
        runs.len()
    };
    okk(&desk, &funnel, &["import", &write("first.csv", "")]);
    okk(&desk, &funnel, &["import", &write("second.csv", "Студия")]);
    // The imports made no pass over the cards for the trend.
    assert_eq!(snapshots(), 0);
    okk(&desk, &funnel, &["fields", "--owner", "Оля"]);
    assert_eq!(snapshots(), 0);

    let out = json_of(&desk, &funnel, &["fields", "--json"]);
    let object = out["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["field"] == "Объект" && r["stage"] == "Встреча")
        .unwrap()
        .clone();
    // Only the second run (batch 2) has a point: 2 of 2 keep «Объект».
    let points: Vec<(i64, f64)> = object["trend"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["run"].as_i64().unwrap(), p["rate"].as_f64().unwrap()))
        .collect();
    assert_eq!(points, [(2, 1.0)]);
    assert_eq!(snapshots(), 1);
    let rows = desk.rows(Table::FillSnapshots);
    // Looking again records nothing more.
    okk(&desk, &funnel, &["fields"]);
    assert_eq!(desk.rows(Table::FillSnapshots), rows);
}

/// The stages of `field` a patch puts it in `required` at: the `[[stages]]` blocks whose
/// `required` line names it.
fn required_in_patch(patch: &str, field: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stage: Option<String> = None;
    for line in patch.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("name = ") {
            stage = Some(name.trim_matches('"').to_string());
        } else if line.starts_with("required = ") && line.contains(&format!("\"{field}\"")) {
            out.push(
                stage
                    .clone()
                    .expect("a stage's name before its required line"),
            );
        }
    }
    out
}

/// A second source (`b24`) whose deals sit at «Звонок» and «Встреча» with two columns the
/// amoCRM export never had — «Комментарий» (filled on all of them) and «ID ответственного»
/// (the owner's CRM id, filled at «Звонок» only) — and without «Объект», which only the amoCRM
/// export has. No stage is judged by the cards of a source that never exports the column:
/// «Комментарий» is kept wherever it can be (no proposal; before, «Лид» and «Договор», all
/// amoCRM cards, read as 0 %), «Объект» is kept at «Встреча» by amoCRM's cards there (b24's do
/// not count) and «Звонок» is out of its comparison; «ID ответственного», okk's own write-back
/// id, is not proposed though b24's «Встреча» cards leave it empty. What the sentence tells to
/// require is what the patch requires.
#[test]
fn bind_field_compares_only_the_cards_of_sources_that_export_the_column_and_says_what_it_patches() {
    let (desk, funnel) = desk();
    let header = "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,\
                  Дата редактирования,Дата закрытия,Этап сделки,Воронка,Комментарий,\
                  ID ответственного";
    let mut lines = vec![header.to_string()];
    for (i, (stage, owner_id)) in [("Звонок", "9001"), ("Встреча", "")]
        .iter()
        .flat_map(|s| std::iter::repeat_n(*s, 4))
        .enumerate()
    {
        lines.push(format!(
            "B{i},Сделка B{i},100,Оля,01.07.2026 10:00:00,19.11.2026 10:00:00,не закрыта,\
             {stage},Продажи,перезвонить,{owner_id}"
        ));
    }
    let csv = desk.dir.path().join("b24.csv");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    okk(
        &desk,
        &funnel,
        &[
            "import",
            "--source",
            "b24",
            "--profile",
            "amocrm",
            &path_arg(&csv),
        ],
    );
    let out = json_of(&desk, &funnel, &["funnel", "suggest", "--json"]);
    let list = out["suggestions"].as_array().unwrap().clone();
    let binds = by_kind(&list, "bind_field");
    let fields: Vec<&str> = binds
        .iter()
        .map(|b| b["evidence"]["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["Дата встречи", "Объект"], "{list:#?}");
    let object = binds[1];
    let stages = |k: &str| -> Vec<String> {
        object["evidence"][k]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["stage"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(stages("kept"), ["Встреча", "Договор"]);
    assert_eq!(stages("not_kept"), ["Лид"]);
    // «Встреча»: M1–M4, amoCRM's, all with «Объект»; b24's four there are not counted.
    assert_eq!(object["evidence"]["kept"][0]["cards"], 4);
    // The sentence's stages to require are the patch's.
    let patch = object["patch"].as_str().unwrap();
    assert_eq!(
        required_in_patch(patch, "Объект"),
        stages("kept"),
        "{patch}"
    );
    for lang in ["en", "ru"] {
        let text = okk(&desk, &funnel, &["--lang", lang, "funnel", "suggest"]);
        let sentence = text
            .lines()
            .skip_while(|l| !l.contains("«Объект»"))
            .take_while(|l| !l.trim_start().starts_with('['))
            .flat_map(str::split_whitespace)
            .collect::<Vec<_>>()
            .join(" ");
        for stage in stages("kept") {
            assert!(sentence.contains(&format!("«{stage}»")), "{sentence}");
        }
        let require = match lang {
            "en" => "bind it to those stages and require it there.",
            _ => "привяжите его к этим этапам и сделайте на них обязательным.",
        };
        assert!(sentence.contains(require), "{sentence}");
        assert!(!sentence.contains("«Звонок»"), "{sentence}");
    }
}

/// Version 2 (the idle limit of «Встреча») is first used today at T. Reviews of «Встреча»'s
/// cards made earlier the same day under version 1 (its fingerprint), or under a fingerprint
/// the history does not know (a bundle from another laptop) before T, are "before"; one made
/// under version 2 is "after"; a card that entered «Встреча» a minute before T entered it
/// before. Not by the calendar day: before, all of these read as "after".
#[test]
fn a_versions_split_takes_each_review_by_the_version_it_was_made_under_and_moves_by_the_moment() {
    let (desk, funnel, t) = split_desk();
    let split = json_of(
        &desk,
        &funnel,
        &["stats", "--funnel-version", "2", "--json"],
    );
    assert_split(&split, t);
    let text = okk(
        &desk,
        &funnel,
        &["--lang", "ru", "stats", "--funnel-version", "2"],
    );
    assert!(
        text.contains("проверки — по версии, при которой каждая сделана"),
        "{text}"
    );
}

/// The same split from the team server, the store copied there: its query takes each review by
/// the version it was made under (an unknown fingerprint by its time) and each entry by the
/// moment, as the store file's does.
#[test]
fn on_the_server_a_versions_split_takes_each_review_by_its_version_and_moves_by_the_moment() {
    let Some(server) = server_db::ServerDb::new() else {
        return;
    };
    let (desk, funnel, t) = split_desk();
    succeeded(
        desk.okk_funnel(&funnel)
            .args(["db", "copy"])
            .arg(&desk.db)
            .arg(&server.url),
    );
    let on = |db: &str, args: &[&str]| {
        let mut cmd = desk.okk_bare();
        cmd.args(["--db", db]).arg("--funnel").arg(&funnel);
        succeeded(cmd.args(["--today", TODAY]).args(args))
    };
    let args = ["stats", "--funnel-version", "2", "--json"];
    let split = on(&server.url, &args);
    assert_split(&serde_json::from_str(&split).expect("JSON"), t);
    assert_eq!(split, on(&path_arg(&desk.db), &args));
}

/// The desk with version 2 (the idle limit of «Встреча») first used at T, its reviews and a
/// stage entry planted around T; T.
fn split_desk() -> (Desk, PathBuf, chrono::NaiveDateTime) {
    let (desk, funnel) = desk();
    let text = std::fs::read_to_string(&funnel).unwrap();
    assert!(text.contains("max_idle_days = 7"));
    std::fs::write(
        &funnel,
        text.replacen("max_idle_days = 7", "max_idle_days = 30", 1),
    )
    .unwrap();
    okk(&desk, &funnel, &["check"]);
    let history = json_of(&desk, &funnel, &["funnel", "history", "--json"]);
    let v1 = history["versions"][0]["hash"].as_str().unwrap().to_string();
    let v2 = history["versions"][1]["hash"].as_str().unwrap().to_string();
    let t = chrono::NaiveDateTime::parse_from_str(
        history["versions"][1]["first_used"].as_str().unwrap(),
        "%Y-%m-%d %H:%M:%S",
    )
    .unwrap();
    let at = |secs: i64| {
        (t - chrono::Duration::seconds(secs))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string()
    };
    let ok = okk::domain::review::Review {
        verdict: okk::domain::review::Verdict::Ok,
        draft: Default::default(),
        score: None,
        seconds_spent: 30.0,
    };
    desk.save_review_under("M1", "carl", &at(60), &v1, &ok);
    desk.save_review_under("M2", "carl", &at(50), &v1, &ok);
    desk.save_review_under("M3", "carl", &at(40), "another-laptop", &ok);
    desk.save_review_under("M4", "carl", &at(30), &v2, &ok);
    desk.plant_history("L1", &[("2026-11-01", "Лид"), (&at(60), "Встреча")]);
    (desk, funnel, t)
}

/// `okk stats --funnel-version 2 --json` of [`split_desk`], first used at `t`.
fn assert_split(split: &Json, t: chrono::NaiveDateTime) {
    assert_eq!(
        split["first_used"],
        json!(t.format("%Y-%m-%d %H:%M:%S").to_string())
    );
    let meeting = &split["stages"][0];
    assert_eq!(meeting["stage"], "Встреча", "{split}");
    // Before: the five reviews of 19.11 and carl's three; after: carl's under version 2.
    assert_eq!(meeting["before"]["reviews"], 8, "{meeting}");
    assert_eq!(meeting["after"]["reviews"], 1, "{meeting}");
    assert_eq!(meeting["after"]["judged"], 1, "{meeting}");
    // M1–M4 and D1–D4 entered «Встреча» in September, L1 a minute before T; M1–M4 and L1
    // are still there, so they were there after T too (tester37 F3: not only cards that left).
    assert_eq!(meeting["before"]["entered"], 9, "{meeting}");
    assert_eq!(meeting["after"]["entered"], 5, "{meeting}");
    assert_eq!(meeting["after"]["moved_on"], 0, "{meeting}");
}

/// The CRM renamed «Договор» to «Договор подписан»: the four contract cards stand at a stage the
/// funnel lacks and «Договор» holds none. The proposal is the old stage's new name as its alias,
/// not a new stage after it; and «Договор», with no card left, is not proposed for extra
/// control on its old reviews.
#[test]
fn a_stage_the_crm_renamed_is_proposed_as_an_alias_and_an_emptied_stage_for_no_extra_control() {
    let (desk, funnel) = desk();
    let before = json_of(&desk, &funnel, &["funnel", "suggest", "--json"]);
    let before = before["suggestions"].as_array().unwrap().clone();
    let control: Vec<&str> = (by_kind(&before, "extra_control").iter())
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(control, ["Встреча", "Договор"], "the story's premise");

    let mut lines = vec![HEADER.to_string()];
    for id in ["D1", "D2", "D3", "D4"] {
        lines.push(row(
            id,
            "Договор подписан",
            "Оля",
            "19.11.2026",
            "01.09.2026",
            "Студия",
        ));
    }
    let csv = desk.dir.path().join("renamed.csv");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    okk(&desk, &funnel, &["import", "--partial", &path_arg(&csv)]);

    let out = json_of(&desk, &funnel, &["funnel", "suggest", "--json"]);
    let list = out["suggestions"].as_array().unwrap().clone();
    let unknown = by_kind(&list, "unknown_stage");
    assert_eq!(unknown.len(), 1, "{list:#?}");
    assert_eq!(unknown[0]["stage"], "Договор подписан");
    assert_eq!(
        unknown[0]["evidence"]["renamed_from"], "Договор",
        "{:#}",
        unknown[0]
    );
    assert_eq!(unknown[0]["evidence"]["like"], "Договор");
    let control: Vec<&str> = (by_kind(&list, "extra_control").iter())
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(control, ["Встреча"], "«Договор» holds no card: {list:#?}");
    let said = okk(&desk, &funnel, &["--lang", "ru", "funnel", "suggest"]);
    assert!(
        said.contains(
            "Считайте «Договор подписан» этапом «Договор» — похоже, CRM его переименовала"
        ),
        "{said}"
    );
}

/// Three weekly exports without an edit column, imported one after another in one sitting
/// (`--today` naming each week): every move is dated by the import's clock, seconds after the
/// visit it ends, so each stay measures the sitting, not the card (tester37 F1). `funnel
/// suggest` draws no merge and no idle limit from them and says why; the stays' moves are
/// counted in `one_sitting`.
#[test]
fn a_history_from_one_sitting_proposes_no_merge_and_no_idle_limit_from_its_short_stays() {
    let desk = Desk::new();
    let funnel = funnel_copy(&desk);
    let ids = ["S1", "S2", "S3", "S4", "S5"];
    let week = |name: &str, stage: &str| {
        let mut text = "ID,Название сделки,Бюджет,Ответственный,Этап сделки,Воронка\n".to_string();
        for id in ids {
            text.push_str(&format!("{id},Сделка {id},100000,Оля,{stage},Продажи\n"));
        }
        let path = desk.dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    for (day, name, stage) in [
        ("2026-11-02", "w1.csv", "Лид"),
        ("2026-11-09", "w2.csv", "Звонок"),
        ("2026-11-16", "w3.csv", "Встреча"),
    ] {
        let file = week(name, stage);
        succeeded(
            desk.okk_funnel(&funnel)
                .args(["--today", day, "import"])
                .arg(&file),
        );
    }
    let suggest = |json: bool| {
        let mut cmd = desk.okk_funnel(&funnel);
        cmd.args(["--today", "2026-11-23", "funnel", "suggest"]);
        if json {
            cmd.arg("--json");
        }
        succeeded(&mut cmd)
    };
    let out: Json = serde_json::from_str(&suggest(true)).unwrap();
    let list = out["suggestions"].as_array().unwrap();
    for kind in ["merge_stage", "idle_limit"] {
        assert_eq!(by_kind(list, kind), Vec::<&Json>::new(), "{kind}: {out:#}");
    }
    assert_eq!(out["one_sitting"]["stays_left_out"], 10, "{out:#}");
    let text = suggest(false);
    assert!(
        text.contains("The store's history was recorded in one sitting")
            && text.contains("10 moves after a stay of a day or less were left out"),
        "{text}"
    );
}

/// tester42 F2: the report's «emptiest owner» cell counts the cards that leave the field empty,
/// as `okk fields` does — not the filled ones under a heading that says «empty».
#[test]
fn the_report_names_the_emptiest_owner_by_the_cards_left_empty() {
    let desk = common::Desk::demo();
    let fields = desk.run_ok(&["--lang", "ru", "fields", "--stage", "Отработка возражений"]);
    let page = desk.dir.path().join("report.html");
    desk.run_ok(&["--lang", "ru", "report", "--out", &path_arg(&page)]);
    let html = std::fs::read_to_string(&page).unwrap();
    let row = html
        .lines()
        .find(|l| {
            l.contains(
                "<td>Дата встречи в офисе продаж</td><td class=\"text\">Отработка возражений</td>",
            )
        })
        .unwrap_or_else(|| panic!("no such row:\n{html}"));
    // The same owner and count as `okk fields`.
    let mut lines = fields.lines();
    lines
        .find(|l| *l == "«Дата встречи в офисе продаж»")
        .unwrap_or_else(|| panic!("{fields}"));
    let said = (lines.next())
        .and_then(|l| l.split("больше всех пустых: ").nth(1))
        .unwrap_or_else(|| panic!("{fields}"));
    assert!(row.contains(said.trim()), "{said}\n{row}");
    assert!(said.contains("— пусто "), "{said}");
}
