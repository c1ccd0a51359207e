//! A stage whose make-up a funnel version changed says so on its estimate: funnel version 2
//! merges «Неразобранное» into «Первичный контакт» (the removed stage's name becomes its alias),
//! whose share not ok was judged mostly under version 1, on other cards than the ones it now
//! speaks for. `okk stats` (text, `--json`, `--csv`) and `okk report` mark it, on a store file
//! and on the team server alike, until most of its cards judged are judged after the change.
//!
//! | cards  | stage (CRM)       | reviews                                              |
//! |--------|-------------------|------------------------------------------------------|
//! | P1–P5  | Первичный контакт | P1–P4 stale under version 1; later P5 ok under 2     |
//! | N1–N3  | Неразобранное     | N1 ok under version 2; later N2, N3 ok under 2       |
//! | Q1–Q5  | Квалификация      | Q1 stale, Q2–Q5 ok under version 1 (stage unchanged) |

mod common;

#[path = "support/server_db.rs"]
mod server_db;

use std::path::PathBuf;

use common::figures::{TODAY, flat, manager_row, plain_review, stage_row};
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

[[stages]]
name = "Первичный контакт"

[[stages]]
name = "Квалификация"

[[stages]]
name = "Успех"
kind = "won"
"#;

/// The cards imported under version 1, P and Q judged under it, the merge recorded as version
/// 2 and N1 judged under it. The desk, its funnel file, and the two versions' fingerprints.
fn merged_desk() -> (Desk, PathBuf, [String; 2]) {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::write(&funnel, FUNNEL_V1).unwrap();
    let mut lines = vec![
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка"
            .to_string(),
    ];
    for (prefix, stage, n) in [
        ("P", "Первичный контакт", 5),
        ("N", "Неразобранное", 3),
        ("Q", "Квалификация", 5),
    ] {
        for i in 1..=n {
            lines.push(format!(
                "{prefix}{i},Сделка {prefix}{i},100000,Оля,01.11.2026 10:00:00,\
                 19.11.2026 10:00:00,не закрыта,{stage},Продажи"
            ));
        }
    }
    let csv = desk.dir.path().join("deals.csv");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    desk.okk_on(&funnel, &["import", &path_arg(&csv)]);
    let v1 = desk.version_hash(&funnel, 0);
    for card in ["P1", "P2", "P3", "P4", "Q1"] {
        desk.save_review_under(
            card,
            "anna",
            "2026-11-18 12:00:00",
            &v1,
            &plain_review("stale"),
        );
    }
    for card in ["Q2", "Q3", "Q4", "Q5"] {
        desk.save_review_under(
            card,
            "anna",
            "2026-11-18 12:00:00",
            &v1,
            &plain_review("ok"),
        );
    }
    // Version 2: «Неразобранное» merged into «Первичный контакт».
    let merged = FUNNEL_V1
        .replace("[[stages]]\nname = \"Неразобранное\"\n\n", "")
        .replace(
            "name = \"Первичный контакт\"\n",
            "name = \"Первичный контакт\"\naliases = [\"Неразобранное\"]\n",
        );
    assert_ne!(merged, FUNNEL_V1);
    std::fs::write(&funnel, merged).unwrap();
    desk.okk_on(&funnel, &["check"]);
    let v2 = desk.version_hash(&funnel, 1);
    desk.save_review_under(
        "N1",
        "anna",
        "2026-11-21 12:00:00",
        &v2,
        &plain_review("ok"),
    );
    (desk, funnel, [v1, v2])
}

const EN: &str = "* «Первичный контакт»: estimated from reviews made before funnel version 2 \
                  changed this stage (a merge): 4 of 5 cards were judged before it";
const RU: &str = "* «Первичный контакт»: оценка по проверкам до версии 2 воронки, изменившей \
                  этап (слияние): 4 из 5 проверены до неё";

#[test]
fn a_stage_that_took_in_another_s_cards_says_its_estimate_rests_on_reviews_made_before() {
    let (desk, funnel, [_, v2]) = merged_desk();
    let stats = desk.json_on(&funnel, &["stats", "--json"]);
    let contact = stage_row(&stats, "Первичный контакт");
    assert_eq!(contact["judged"], 5, "{contact}");
    assert_eq!(contact["covered_cards"], 8, "{contact}");
    assert_eq!(
        contact["judged_before_change"],
        json!({"version": 2, "change": "merge", "before": 4, "of": 5}),
        "{contact}"
    );
    // A stage the version left as it was is not marked, however old its reviews.
    let qualified = stage_row(&stats, "Квалификация");
    assert_eq!(qualified["judged"], 5, "{qualified}");
    assert!(
        qualified.get("judged_before_change").is_none(),
        "{qualified}"
    );

    // The text: the share marked in the row, the sentence under the table and under the
    // stage that lies most; every line within 80 columns.
    let text = desk.okk_on(&funnel, &["stats"]);
    let marked = text
        .lines()
        .find(|l| l.trim_start().starts_with("Первичный контакт"))
        .unwrap();
    assert!(marked.contains("80%*"), "{text}");
    let unmarked = text
        .lines()
        .find(|l| l.trim_start().starts_with("Квалификация"))
        .unwrap();
    assert!(!unmarked.contains('*'), "{text}");
    assert!(flat(&text).contains(EN), "{text}");
    let lies_most = flat(&text);
    let lies_most = &lies_most[lies_most.find("Lies most").unwrap()..];
    assert!(
        lies_most.contains(
            "Estimated from reviews made before funnel version 2 changed this \
                            stage (a merge): 4 of 5 cards were judged before it."
        ),
        "{text}"
    );
    let russian = desk.okk_on(&funnel, &["--lang", "ru", "stats"]);
    assert!(flat(&russian).contains(RU), "{russian}");
    assert!(
        flat(&russian).contains(
            "Оценка по проверкам до версии 2 воронки, изменившей этап \
                                 (слияние): 4 из 5 проверены до неё."
        ),
        "{russian}"
    );
    for t in [&text, &russian] {
        for l in t.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(l) <= 80,
                "wider than 80 columns: {l}"
            );
        }
    }

    // The CSV's last two columns: the version and the cards judged before it.
    let csv = desk.okk_on(
        &funnel,
        &["stats", "--csv", "--headers", "en", "--table", "stages"],
    );
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        header[header.len() - 2..],
        ["changed_by_version", "judged_before_change"]
    );
    let tail = |stage: &str| {
        let l = csv.lines().find(|l| l.starts_with(stage)).unwrap();
        let cells: Vec<&str> = l.split(',').collect();
        cells[cells.len() - 2..].join(",")
    };
    assert_eq!(tail("Первичный контакт"), "2,4");
    assert_eq!(tail("Квалификация"), ",");

    // The report: beside the stage's estimate, under the stage that lies most, and beside its
    // bottleneck and Оля's there (her cards are the stage's sample).
    let page = desk.okk_on(&funnel, &["report", "--out", "-"]);
    let said = "stimated from reviews made before funnel version 2 changed this stage (a \
                merge): 4 of 5 cards were judged before it";
    assert_eq!(page.matches(said).count(), 4, "{page}");

    // Judged after the merge, the mark goes once most of its cards judged are: N2 and N3 make
    // 4 of 7 before it, P5 4 of 8.
    for card in ["N2", "N3"] {
        desk.save_review_under(
            card,
            "boris",
            "2026-11-21 13:00:00",
            &v2,
            &plain_review("ok"),
        );
    }
    let stats = desk.json_on(&funnel, &["stats", "--json"]);
    assert_eq!(
        stage_row(&stats, "Первичный контакт")["judged_before_change"],
        json!({"version": 2, "change": "merge", "before": 4, "of": 7})
    );
    desk.save_review_under(
        "P5",
        "boris",
        "2026-11-21 13:00:00",
        &v2,
        &plain_review("ok"),
    );
    let stats = desk.json_on(&funnel, &["stats", "--json"]);
    let contact = stage_row(&stats, "Первичный контакт");
    assert_eq!(contact["judged"], 8, "{contact}");
    assert!(contact.get("judged_before_change").is_none(), "{contact}");
    assert!(!desk.okk_on(&funnel, &["stats"]).contains("80%*"));
}

/// The reviewer's stats screen (`4`) reads the same figures: «Первичный контакт»'s share is
/// marked there and `okk stats`'s sentence stands under the stages, in either language.
#[test]
fn the_stats_screen_marks_the_merged_stage_s_estimate_as_okk_stats_does() {
    let (desk, funnel, _) = merged_desk();
    let store = okk::store::Store::open(&desk.db).expect("open the store");
    let funnel = std::sync::Arc::new(okk::funnel_config::load(&funnel).expect("the funnel"));
    let day = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let clock = okk::app::audit::today(&store, Some(day)).expect("the store's day");
    let mut tui = okk::tui::desk::Desk::new(
        store,
        funnel.clone(),
        "anna".into(),
        "fp".into(),
        Some(clock),
    );
    let keymap = okk::tui::keymap::Keymap::default();
    let mut state = okk::tui::state::State::new(funnel, "anna".into(), keymap);
    state.shared.now = tui.now();
    state.shared.today = tui.today();
    okk::tui::update::load_stages(&mut state, &tui).expect("stages");
    common::reviewer::press(&mut state, &mut tui, "4");
    let figures = &state.stats.as_ref().expect("the stats screen").figures;
    let at = |stage: &str| {
        let r = figures.rows.iter().find(|r| r.base.stage == stage).unwrap();
        r.figures.judged_before_change
    };
    assert_eq!(
        at("Первичный контакт"),
        Some(okk::domain::analytics::make_up::JudgedBefore {
            version: 2,
            change: okk::domain::analytics::make_up::MakeUp::Merge,
            before: 4,
            of: 5,
        })
    );
    assert_eq!(at("Квалификация"), None);
    for (lang, said) in [
        (okk::text::lang::Lang::En, EN),
        (okk::text::lang::Lang::Ru, RU),
    ] {
        let screen = okk::text::lang::with(lang, || common::reviewer::screen(&state, 120, 40));
        let rows: Vec<&str> = screen.lines().collect();
        let contact = rows
            .iter()
            .find(|l| l.contains("Первичный контакт"))
            .unwrap();
        let marked = okk::text::lang::with(lang, || okk::text::tui::percent(80.0));
        assert!(contact.contains(&format!("{marked}*")), "{screen}");
        let quali = rows.iter().find(|l| l.contains("Квалификация")).unwrap();
        assert!(!quali.contains('*'), "{screen}");
        // The stage box's text, its lines joined: the sentence wraps in it.
        let inside: String = rows
            .iter()
            .filter_map(|l| l.split('│').nth(1))
            .collect::<Vec<_>>()
            .join(" ");
        assert!(flat(&inside).contains(said), "{screen}");
    }
}

#[test]
fn on_the_server_the_merged_stage_s_estimate_is_marked_as_on_a_file() {
    let Some(server) = server_db::ServerDb::new() else {
        return;
    };
    let (desk, funnel, _) = merged_desk();
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
    let file = path_arg(&desk.db);
    let stats = on(&server.url, &["stats", "--json"]);
    assert_eq!(stats, on(&file, &["stats", "--json"]));
    let stats: Json = serde_json::from_str(&stats).unwrap();
    assert_eq!(
        stage_row(&stats, "Первичный контакт")["judged_before_change"],
        json!({"version": 2, "change": "merge", "before": 4, "of": 5}),
        "{stats}"
    );
    let russian = on(&server.url, &["--lang", "ru", "stats"]);
    assert_eq!(russian, on(&file, &["--lang", "ru", "stats"]));
    assert!(flat(&russian).contains(RU), "{russian}");
    let csv = ["stats", "--csv", "--headers", "en"];
    assert_eq!(on(&server.url, &csv), on(&file, &csv));
}

/// The merge of version 2 with two managers, so the bottlenecks and the managers' estimates can
/// be marked apart from their stage's:
///
/// | cards  | stage (CRM)       | owner | reviews                                        |
/// |--------|-------------------|-------|------------------------------------------------|
/// | P1–P6  | Первичный контакт | Оля   | P1–P4 stale, P5–P6 ok under version 1          |
/// | N1–N5  | Неразобранное     | Игорь | N1–N2 stale, N3–N5 ok under version 2          |
/// | Q1–Q5  | Квалификация      | Игорь | Q1 stale, Q2–Q5 ok under version 1 (unchanged) |
///
/// «Первичный контакт» now holds P and N: 6 of its 11 cards judged predate the merge. Оля's
/// cards there were all judged before it; Игорь's all after (his old reviews are at a stage
/// the version left as it was).
fn two_managers_desk() -> (Desk, PathBuf) {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::write(&funnel, FUNNEL_V1).unwrap();
    let mut lines = vec![
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка"
            .to_string(),
    ];
    for (prefix, stage, owner, n) in [
        ("P", "Первичный контакт", "Оля", 6),
        ("N", "Неразобранное", "Игорь", 5),
        ("Q", "Квалификация", "Игорь", 5),
    ] {
        for i in 1..=n {
            lines.push(format!(
                "{prefix}{i},Сделка {prefix}{i},100000,{owner},01.11.2026 10:00:00,\
                 19.11.2026 10:00:00,не закрыта,{stage},Продажи"
            ));
        }
    }
    let csv = desk.dir.path().join("deals.csv");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    desk.okk_on(&funnel, &["import", &path_arg(&csv)]);
    let v1 = desk.version_hash(&funnel, 0);
    let at = "2026-11-18 12:00:00";
    for (cards, verdict) in [
        (&["P1", "P2", "P3", "P4", "Q1"][..], "stale"),
        (&["P5", "P6", "Q2", "Q3", "Q4", "Q5"][..], "ok"),
    ] {
        for card in cards {
            desk.save_review_under(card, "anna", at, &v1, &plain_review(verdict));
        }
    }
    let merged = FUNNEL_V1
        .replace("[[stages]]\nname = \"Неразобранное\"\n\n", "")
        .replace(
            "name = \"Первичный контакт\"\n",
            "name = \"Первичный контакт\"\naliases = [\"Неразобранное\"]\n",
        );
    std::fs::write(&funnel, merged).unwrap();
    desk.okk_on(&funnel, &["check"]);
    let v2 = desk.version_hash(&funnel, 1);
    let at = "2026-11-21 12:00:00";
    for (cards, verdict) in [
        (&["N1", "N2"][..], "stale"),
        (&["N3", "N4", "N5"][..], "ok"),
    ] {
        for card in cards {
            desk.save_review_under(card, "anna", at, &v2, &plain_review(verdict));
        }
    }
    (desk, funnel)
}

/// The bottleneck of `stage` (and `manager`, for a pair) in `--json`.
fn bottleneck<'a>(stats: &'a Json, stage: &str, manager: Option<&str>) -> &'a Json {
    let level = if manager.is_some() { "pairs" } else { "stages" };
    stats["bottlenecks"][level]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["stage"] == stage && b["manager"].as_str() == manager)
        .unwrap_or_else(|| panic!("no bottleneck «{stage}» {manager:?} in {stats}"))
}

/// What the two-manager desk's `--json` must mark, and must not.
fn assert_lists_marked(stats: &Json) {
    let merge =
        |before: u64, of: u64| json!({"version": 2, "change": "merge", "before": before, "of": of});
    let contact = "Первичный контакт";
    assert_eq!(
        stage_row(stats, contact)["judged_before_change"],
        merge(6, 11)
    );
    let b = bottleneck(stats, contact, None);
    assert_eq!(b["judged_before_change"], merge(6, 11), "{b}");
    let b = bottleneck(stats, contact, Some("Оля"));
    assert_eq!(b["judged_before_change"], merge(6, 6), "{b}");
    // The rule is the pair's own sample: Игорь's cards there were judged after the merge.
    let b = bottleneck(stats, contact, Some("Игорь"));
    assert_eq!(b["judged"], 5, "{b}");
    assert!(b.get("judged_before_change").is_none(), "{b}");
    for b in [
        bottleneck(stats, "Квалификация", None),
        bottleneck(stats, "Квалификация", Some("Игорь")),
    ] {
        assert!(b.get("judged_before_change").is_none(), "{b}");
    }
    let olya = manager_row(stats, "Оля");
    assert_eq!(olya["judged_before_change"], merge(6, 6), "{olya}");
    assert_eq!(olya["changed_stages"], json!([contact]), "{olya}");
    // Игорь's old reviews are at a stage the version left as it was.
    let igor = manager_row(stats, "Игорь");
    assert_eq!(igor["judged"], 10, "{igor}");
    assert!(igor.get("judged_before_change").is_none(), "{igor}");
    assert!(igor.get("changed_stages").is_none(), "{igor}");
}

const PAIR_EN: &str = "* «Первичный контакт · Оля»: estimated from reviews made before funnel \
                       version 2 changed this stage (a merge): 6 of 6 cards were judged before it";
const PAIR_RU: &str = "* «Первичный контакт · Оля»: оценка по проверкам до версии 2 воронки, \
                       изменившей этап (слияние): 6 из 6 проверены до неё";
const STAGE_EN: &str = "* «Первичный контакт»: estimated from reviews made before funnel \
                        version 2 changed this stage (a merge): 6 of 11 cards were judged before it";
const MANAGER_EN: &str = "* «Оля»: estimated from reviews made at «Первичный контакт» before \
                          funnel version 2 changed that stage (a merge): 6 of 6 cards were \
                          judged before it";
const MANAGER_RU: &str = "* «Оля»: оценка по проверкам на этапе «Первичный контакт» до версии 2 \
                          воронки, изменившей этап (слияние): 6 из 6 проверены до неё";

/// The text's lines from the one starting with `from` to the one starting with `to`, joined.
fn between(text: &str, from: &str, to: &str) -> String {
    let start = text
        .find(from)
        .unwrap_or_else(|| panic!("no {from}: {text}"));
    let rest = &text[start..];
    let end = rest[from.len()..]
        .find(to)
        .map_or(rest.len(), |e| e + from.len());
    flat(&rest[..end])
}

#[test]
fn the_bottlenecks_and_the_managers_mark_an_estimate_judged_before_its_stage_changed() {
    let (desk, funnel) = two_managers_desk();
    let stats = desk.json_on(&funnel, &["stats", "--json"]);
    assert_lists_marked(&stats);
    // Each table's JSON alone says it too.
    let bottlenecks = desk.json_on(&funnel, &["stats", "--json", "--table", "bottlenecks"]);
    assert_eq!(bottlenecks["bottlenecks"], stats["bottlenecks"]);
    let managers = desk.json_on(&funnel, &["stats", "--json", "--table", "managers"]);
    assert_eq!(managers["managers"], stats["managers"]);

    // The text: the estimate marked in the bottleneck lists (a count: every card there is
    // judged), the share in the managers' table,
    // a sentence under each; the unmarked rows without `*`.
    let text = desk.okk_on(&funnel, &["stats"]);
    let lists = &text[text.find("Bottlenecks").unwrap()..];
    let line_of = |label: &str| {
        (lists.lines())
            .find(|l| l.contains(label) && !l.trim_start().starts_with('*'))
            .unwrap_or_else(|| panic!("no {label}: {text}"))
    };
    assert!(line_of("Первичный контакт · Оля").contains('*'), "{text}");
    assert!(
        !line_of("Первичный контакт · Игорь").contains('*'),
        "{text}"
    );
    assert!(!line_of("Квалификация · Игорь").contains('*'), "{text}");
    let stage_line = (lists.lines())
        .find(|l| l.contains("Первичный контакт") && !l.contains('·') && !l.contains('«'))
        .unwrap();
    assert!(stage_line.contains('*'), "{text}");
    let bottleneck_notes = between(lists, "Bottlenecks", "Trend");
    assert!(bottleneck_notes.contains(STAGE_EN), "{text}");
    assert!(bottleneck_notes.contains(PAIR_EN), "{text}");
    assert!(
        !bottleneck_notes.contains("«Первичный контакт · Игорь»:"),
        "{text}"
    );
    let managers = between(&text, "Managers", "Bottlenecks");
    assert!(managers.contains(MANAGER_EN), "{text}");
    let olya = (text.lines())
        .find(|l| l.trim_start().starts_with("Оля"))
        .unwrap();
    assert!(olya.contains("67%*"), "{text}");
    let igor = (text.lines())
        .find(|l| l.trim_start().starts_with("Игорь"))
        .unwrap();
    assert!(!igor.contains('*'), "{text}");
    let russian = desk.okk_on(&funnel, &["--lang", "ru", "stats"]);
    assert!(flat(&russian).contains(PAIR_RU), "{russian}");
    assert!(flat(&russian).contains(MANAGER_RU), "{russian}");
    for t in [&text, &russian] {
        for l in t.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(l) <= 80,
                "wider than 80 columns: {l}"
            );
        }
    }

    // The CSV: the bottlenecks' and the managers' last columns, as the stages' have them.
    let csv = |table: &str| {
        desk.okk_on(
            &funnel,
            &["stats", "--csv", "--headers", "en", "--table", table],
        )
    };
    let sheet = csv("bottlenecks");
    let header: Vec<&str> = sheet.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header[header.len() - 2..],
        ["changed_by_version", "judged_before_change"]
    );
    let tail = |sheet: &str, start: &str, n: usize| {
        let l = (sheet.lines())
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no {start}: {sheet}"));
        let cells: Vec<&str> = l.split(',').collect();
        cells[cells.len() - n..].join(",")
    };
    assert_eq!(tail(&sheet, "stage,1,Первичный контакт,", 2), "2,6");
    assert_eq!(tail(&sheet, "manager,1,Первичный контакт,Оля,", 2), "2,6");
    let igor_pair = (sheet.lines())
        .find(|l| l.contains("Первичный контакт,Игорь,"))
        .unwrap();
    assert!(igor_pair.ends_with(",,"), "{sheet}");
    let sheet = csv("managers");
    let header: Vec<&str> = sheet.lines().next().unwrap().split(',').collect();
    assert_eq!(
        header[header.len() - 3..],
        [
            "changed_by_version",
            "judged_before_change",
            "changed_stages"
        ]
    );
    assert_eq!(tail(&sheet, "Оля,", 3), "2,6,Первичный контакт");
    assert_eq!(tail(&sheet, "Игорь,", 3), ",,");

    // The report: beside the stage's estimate in the funnel's table and in the bottlenecks',
    // under the stage that lies most; beside the pair's and the manager's.
    let page = desk.okk_on(&funnel, &["report", "--out", "-"]);
    let stage = "stimated from reviews made before funnel version 2 changed this stage (a \
                 merge): 6 of 11 cards were judged before it";
    assert_eq!(page.matches(stage).count(), 3, "{page}");
    let pair = "estimated from reviews made before funnel version 2 changed this stage (a \
                merge): 6 of 6 cards were judged before it";
    assert_eq!(page.matches(pair).count(), 1, "{page}");
    let olya = "estimated from reviews made at «Первичный контакт» before funnel version 2 \
                changed that stage (a merge): 6 of 6 cards were judged before it";
    assert_eq!(page.matches(olya).count(), 1, "{page}");
}

/// The stats screen's managers and bottlenecks carry the mark, and a line under each says what
/// it means (a sentence per row is `okk stats`'s: the boxes are small).
#[test]
fn the_stats_screen_marks_the_bottlenecks_and_the_managers_as_okk_stats_does() {
    let (desk, funnel) = two_managers_desk();
    let store = okk::store::Store::open(&desk.db).expect("open the store");
    let funnel = std::sync::Arc::new(okk::funnel_config::load(&funnel).expect("the funnel"));
    let day = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let clock = okk::app::audit::today(&store, Some(day)).expect("the store's day");
    let mut tui = okk::tui::desk::Desk::new(
        store,
        funnel.clone(),
        "anna".into(),
        "fp".into(),
        Some(clock),
    );
    let keymap = okk::tui::keymap::Keymap::default();
    let mut state = okk::tui::state::State::new(funnel, "anna".into(), keymap);
    state.shared.now = tui.now();
    state.shared.today = tui.today();
    okk::tui::update::load_stages(&mut state, &tui).expect("stages");
    common::reviewer::press(&mut state, &mut tui, "4");
    let figures = &state.stats.as_ref().expect("the stats screen").figures;
    let a = &figures.analytics;
    let olya = a
        .managers
        .iter()
        .find(|m| m.manager.as_deref() == Some("Оля"));
    assert!(olya.unwrap().group.figures.judged_before_change.is_some());
    let marked = (a.bottlenecks.pairs.iter()).filter(|b| b.judged_before_change.is_some());
    assert_eq!(marked.count(), 1);
    for (lang, legend) in [
        (
            okk::text::lang::Lang::En,
            "* most cards judged before funnel version 2 changed their stage (okk stats says \
             more)",
        ),
        (
            okk::text::lang::Lang::Ru,
            "* большинство карточек проверены до версии 2 воронки, изменившей их этап \
             (подробнее — okk stats)",
        ),
    ] {
        for (w, h) in [(120, 40), (80, 24)] {
            let screen = okk::text::lang::with(lang, || common::reviewer::screen(&state, w, h));
            let rows: Vec<&str> = screen.lines().collect();
            // The managers' box is the bottom left, the bottlenecks' the bottom right.
            let left = |l: &&str| l.split('│').nth(1).unwrap_or("").to_string();
            let right = |l: &&str| l.split('│').nth(3).unwrap_or("").to_string();
            let bottom = &rows[rows.len() / 2..];
            let olya_row = bottom.iter().map(left).find(|l| l.contains("Оля")).unwrap();
            let marked = okk::text::lang::with(lang, || okk::text::tui::percent(67.0));
            assert!(olya_row.contains(&format!("{marked}*")), "{screen}");
            let igor_row = bottom
                .iter()
                .map(left)
                .find(|l| l.contains("Игорь"))
                .unwrap();
            assert!(!igor_row.contains('*'), "{screen}");
            let pair_row = (bottom.iter().map(right))
                .find(|l| l.contains("· Оля"))
                .unwrap_or_else(|| panic!("{screen}"));
            assert!(pair_row.contains('*'), "{screen}");
            let igor_pair = (bottom.iter().map(right))
                .find(|l| l.contains("· Иго"))
                .unwrap_or_else(|| panic!("{screen}"));
            assert!(!igor_pair.contains('*'), "{screen}");
            let inside = |side: &dyn Fn(&&str) -> String| {
                flat(&bottom.iter().map(side).collect::<Vec<_>>().join(" "))
            };
            assert!(inside(&right).contains(legend), "{screen}");
            assert!(inside(&left).contains(legend), "{screen}");
        }
    }
}

#[test]
fn on_the_server_the_bottlenecks_and_the_managers_are_marked_as_on_a_file() {
    let Some(server) = server_db::ServerDb::new() else {
        return;
    };
    let (desk, funnel) = two_managers_desk();
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
    let file = path_arg(&desk.db);
    let stats = on(&server.url, &["stats", "--json"]);
    assert_eq!(stats, on(&file, &["stats", "--json"]));
    assert_lists_marked(&serde_json::from_str(&stats).unwrap());
    let russian = on(&server.url, &["--lang", "ru", "stats"]);
    assert_eq!(russian, on(&file, &["--lang", "ru", "stats"]));
    assert!(flat(&russian).contains(PAIR_RU), "{russian}");
    assert!(flat(&russian).contains(MANAGER_RU), "{russian}");
    for table in ["bottlenecks", "managers"] {
        let csv = ["stats", "--csv", "--headers", "en", "--table", table];
        let sheet = on(&server.url, &csv);
        assert_eq!(sheet, on(&file, &csv));
        assert!(sheet.contains(",2,6"), "{sheet}");
    }
    let page = ["report", "--out", "-"];
    let html = on(&server.url, &page);
    assert!(
        html.contains("6 of 6 cards were judged before it"),
        "{html}"
    );
}

const FUNNEL_TALKS: &str = r#"name = "Продажи"

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
name = "Договор"

[[stages]]
name = "Успех"
kind = "won"
"#;

/// An export of cards `T1`…`T{n}`, each at the stage `stage_of` gives it.
fn talks_export(desk: &Desk, name: &str, n: usize, stage_of: impl Fn(usize) -> &'static str) {
    let mut lines = vec![
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка"
            .to_string(),
    ];
    for i in 1..=n {
        lines.push(format!(
            "T{i},Сделка T{i},100000,Оля,01.11.2026 10:00:00,19.11.2026 10:00:00,не закрыта,{},\
             Продажи",
            stage_of(i)
        ));
    }
    std::fs::write(desk.dir.path().join(name), lines.join("\n") + "\n").unwrap();
}

/// The desk of the two tester findings below: 20 cards at «Переговоры», 6 of them judged under
/// version 1 (T1–T3 stale, T4–T6 ok).
fn talks_desk() -> (Desk, PathBuf, String) {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::write(&funnel, FUNNEL_TALKS).unwrap();
    talks_export(&desk, "deals.csv", 20, |_| "Переговоры");
    let csv = path_arg(&desk.dir.path().join("deals.csv"));
    desk.okk_on(&funnel, &["import", &csv]);
    let v1 = desk.version_hash(&funnel, 0);
    for (cards, verdict) in [(["T1", "T2", "T3"], "stale"), (["T4", "T5", "T6"], "ok")] {
        for card in cards {
            desk.save_review_under(
                card,
                "anna",
                "2026-11-18 12:00:00",
                &v1,
                &plain_review(verdict),
            );
        }
    }
    (desk, funnel, v1)
}

/// tester31 F4: the CRM renamed «Переговоры» to «Переговоры с клиентом»; the import said so and
/// told the desk to add the new name as an alias, which the desk did (version 2). No funnel
/// stage ever had that name: the cards it brings back are the stage's own, the same ones its
/// reviews judged. A rename kept as an alias marks nothing (docs/analytics.md) — not the stage,
/// not «Лжёт больше всех», not the managers' table, not the report.
#[test]
fn an_alias_for_the_name_the_crm_renamed_a_stage_to_marks_nothing() {
    let (desk, funnel, _) = talks_desk();
    talks_export(&desk, "renamed.csv", 20, |_| "Переговоры с клиентом");
    let csv = path_arg(&desk.dir.path().join("renamed.csv"));
    desk.okk_on(&funnel, &["import", &csv]);
    let aliased = FUNNEL_TALKS.replace(
        "name = \"Переговоры\"\n",
        "name = \"Переговоры\"\naliases = [\"Переговоры с клиентом\"]\n",
    );
    std::fs::write(&funnel, aliased).unwrap();
    desk.okk_on(&funnel, &["check"]);
    let history = desk.json_on(&funnel, &["funnel", "history", "--json"]);
    assert_eq!(
        history["versions"][1]["changes"]["aliases_added"],
        json!([["Переговоры", "Переговоры с клиентом"]]),
        "{history}"
    );
    let stats = desk.json_on(&funnel, &["stats", "--json"]);
    let talks = stage_row(&stats, "Переговоры");
    assert_eq!(
        (talks["cards"].clone(), talks["judged"].clone()),
        (json!(20), json!(6))
    );
    assert!(talks.get("judged_before_change").is_none(), "{talks}");
    let olya = manager_row(&stats, "Оля");
    assert!(olya.get("judged_before_change").is_none(), "{olya}");
    let b = bottleneck(&stats, "Переговоры", None);
    assert!(b.get("judged_before_change").is_none(), "{b}");
    for lang in ["en", "ru"] {
        let text = desk.okk_on(&funnel, &["--lang", lang, "stats"]);
        assert!(!text.contains('*'), "{text}");
    }
    let page = desk.okk_on(&funnel, &["report", "--out", "-"]);
    assert!(!page.contains("before funnel version"), "{page}");
}

/// tester30 F7: version 2 adds «Торг», and the next import finds half of «Переговоры»'s cards
/// there (T2, T4 … T20; T2, T4 and T6 were judged). The funnel file says only "added"; the
/// cards' moves say the CRM split «Переговоры»: its estimate rests on reviews of the stage as it
/// was, and is marked (a split) in `okk stats`, `--json`, the report and the stats screen.
/// `okk stats --funnel-version 2` lists «Переговоры» as split by «Торг», and «Торг», which did
/// not exist before version 2, has no before: the moves into it, which the CRM dates before
/// okk first ran with version 2, are its after.
#[test]
fn a_stage_the_crm_split_into_a_stage_a_version_added_is_marked_and_the_new_one_has_no_before() {
    let (desk, funnel, _) = talks_desk();
    let with_bargain = FUNNEL_TALKS.replace(
        "[[stages]]\nname = \"Договор\"\n",
        "[[stages]]\nname = \"Торг\"\n\n[[stages]]\nname = \"Договор\"\n",
    );
    std::fs::write(&funnel, with_bargain).unwrap();
    desk.okk_on(&funnel, &["check"]);
    talks_export(&desk, "split.csv", 20, |i| {
        if i % 2 == 0 {
            "Торг"
        } else {
            "Переговоры"
        }
    });
    let csv = path_arg(&desk.dir.path().join("split.csv"));
    desk.okk_on(&funnel, &["import", &csv]);

    let split = json!({"version": 2, "change": "split", "before": 6, "of": 6});
    let stats = desk.json_on(&funnel, &["stats", "--json"]);
    let talks = stage_row(&stats, "Переговоры");
    assert_eq!(talks["cards"], 10, "{talks}");
    assert_eq!(talks["judged_before_change"], split, "{talks}");
    assert!(
        stage_row(&stats, "Торг")
            .get("judged_before_change")
            .is_none()
    );
    assert_eq!(manager_row(&stats, "Оля")["judged_before_change"], split);
    let text = desk.okk_on(&funnel, &["stats"]);
    assert!(
        flat(&text).contains(
            "* «Переговоры»: estimated from reviews made before funnel version 2 changed this \
             stage (a split): 6 of 6 cards were judged before it"
        ),
        "{text}"
    );
    let russian = desk.okk_on(&funnel, &["--lang", "ru", "stats"]);
    assert!(
        flat(&russian).contains("(разделение): 6 из 6 проверены до неё"),
        "{russian}"
    );

    let by_version = desk.json_on(&funnel, &["stats", "--funnel-version", "2", "--json"]);
    let stages = by_version["stages"].as_array().unwrap();
    let names: Vec<&str> = stages
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Переговоры", "Торг"], "{by_version}");
    let (talks, bargain) = (&stages[0], &stages[1]);
    assert_eq!(talks["change"], "split", "{talks}");
    assert_eq!(talks["split_with"], json!(["Торг"]), "{talks}");
    assert_eq!(talks["before"]["judged"], 6, "{talks}");
    assert_eq!(talks["before"]["mismatches"], 3, "{talks}");
    assert_eq!(bargain["change"], "added", "{bargain}");
    assert_eq!(bargain["before"], Json::Null, "{bargain}");
    assert_eq!(bargain["after"]["entered"], 10, "{bargain}");
    assert_eq!(bargain["cards_now"], 10, "{bargain}");
    let text = desk.okk_on(&funnel, &["stats", "--funnel-version", "2"]);
    assert!(
        text.contains(
            "«Переговоры» — split by version 2: a share of its cards moved to «Торг», the stage \
             it added"
        ),
        "{text}"
    );
    assert!(
        text.contains("before: none — version 2 added the stage"),
        "{text}"
    );
    let russian = desk.okk_on(&funnel, &["--lang", "ru", "stats", "--funnel-version", "2"]);
    assert!(
        russian.contains("«Переговоры» — разделён версией 2"),
        "{russian}"
    );
    assert!(
        russian.contains("до:    нет — этап добавила версия 2"),
        "{russian}"
    );

    // The report: the mark beside the estimate, and the before/after section says the same.
    let page = desk.okk_on(&funnel, &["report", "--out", "-"]);
    assert!(
        page.contains("changed this stage (a split): 6 of 6 cards were judged before it"),
        "{page}"
    );
    let section = page.split("<section id=\"before-after\">").nth(1).unwrap();
    let section = section.split("</section>").next().unwrap();
    assert!(section.contains("split by version 2"), "{section}");
    assert!(
        section.contains(
            "<td colspan=\"3\" class=\"text muted\">none: version 2 added the stage</td>"
        ),
        "{section}"
    );

    // The stats screen reads the same marks.
    let store = okk::store::Store::open(&desk.db).expect("open the store");
    let funnel = std::sync::Arc::new(okk::funnel_config::load(&funnel).expect("the funnel"));
    let day = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let clock = okk::app::audit::today(&store, Some(day)).expect("the store's day");
    let tui = okk::tui::desk::Desk::new(store, funnel, "anna".into(), "fp".into(), Some(clock));
    let figures = tui.figures().expect("the figures");
    let talks = figures
        .rows
        .iter()
        .find(|r| r.base.stage == "Переговоры")
        .unwrap();
    assert_eq!(
        talks.figures.judged_before_change.map(|j| j.change),
        Some(okk::domain::analytics::make_up::MakeUp::Split)
    );
}

/// The split read from the team server's stage histories: the same marks and the same split
/// of version 2 as on the file it was copied from.
#[test]
fn on_the_server_a_split_by_a_new_stage_is_marked_as_on_a_file() {
    let Some(server) = server_db::ServerDb::new() else {
        return;
    };
    let (desk, funnel, _) = talks_desk();
    let with_bargain = FUNNEL_TALKS.replace(
        "[[stages]]\nname = \"Договор\"\n",
        "[[stages]]\nname = \"Торг\"\n\n[[stages]]\nname = \"Договор\"\n",
    );
    std::fs::write(&funnel, with_bargain).unwrap();
    desk.okk_on(&funnel, &["check"]);
    talks_export(&desk, "split.csv", 20, |i| {
        if i % 2 == 0 {
            "Торг"
        } else {
            "Переговоры"
        }
    });
    let csv = path_arg(&desk.dir.path().join("split.csv"));
    desk.okk_on(&funnel, &["import", &csv]);
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
    let file = path_arg(&desk.db);
    let stats = on(&server.url, &["stats", "--json"]);
    assert_eq!(stats, on(&file, &["stats", "--json"]));
    let stats: Json = serde_json::from_str(&stats).unwrap();
    assert_eq!(
        stage_row(&stats, "Переговоры")["judged_before_change"],
        json!({"version": 2, "change": "split", "before": 6, "of": 6}),
        "{stats}"
    );
    let by_version = ["stats", "--funnel-version", "2", "--json"];
    let split = on(&server.url, &by_version);
    assert_eq!(split, on(&file, &by_version));
    assert!(split.contains("\"split_with\":[\"Торг\"]"), "{split}");
}
