//! `okk funnel suggest` and `okk funnel init --from-store` on a store filled by `okk sync` from
//! the fake amoCRM of tests/support: two pipelines, «Продажи недвижимости» (Неразобранное →
//! Первичный контакт → Переговоры → Принимают решение → won / lost) and «Вторичный рынок»
//! (Первичный контакт → Показ → won / lost), judged by the built-in funnel, which knows only
//! «Неразобранное» and «Первичный контакт» of them.

mod common;
#[path = "support/english.rs"]
mod english;
#[path = "support/fake_crm.rs"]
mod fake;

use std::path::PathBuf;

use assert_cmd::Command;
use common::{Desk, succeeded};
use fake::{FakeCrm, State, TOKEN};
use serde_json::Value as Json;

const TOKEN_ENV: &str = "OKK_TEST_AMO_TOKEN";

/// A desk synced from `crm`, judged by `funnel` (a copy of the built-in one it may edit).
struct Synced {
    desk: Desk,
    config: PathBuf,
    funnel: PathBuf,
}

impl Synced {
    fn new(crm: &FakeCrm) -> Synced {
        Synced::with(|config| fake::write_config(config, "main", &crm.url, TOKEN_ENV))
    }

    /// Synced from the fake's Bitrix24 (its incoming webhook).
    fn bitrix(crm: &FakeCrm) -> Synced {
        Synced::with(|config| fake::write_bitrix_config(config, "b24", &crm.url))
    }

    /// Synced by the connection `write` puts in the config file.
    fn with(write: impl FnOnce(&std::path::Path)) -> Synced {
        let desk = Desk::new();
        let config = desk.dir.path().join("config.toml");
        write(&config);
        let funnel = desk.dir.path().join("funnel.toml");
        std::fs::copy(common::funnel_path(), &funnel).unwrap();
        let synced = Synced {
            desk,
            config,
            funnel,
        };
        succeeded(synced.okk().args(["sync", "--json"]));
        synced
    }

    fn okk(&self) -> Command {
        let mut cmd = self.desk.okk_funnel(&self.funnel);
        cmd.arg("--config")
            .arg(&self.config)
            .env(TOKEN_ENV, TOKEN)
            .env("OKK_SYNC_RATE", "0")
            .env("OKK_SYNC_BACKOFF_MS", "5");
        cmd
    }

    fn suggest_json(&self) -> Json {
        let out = succeeded(self.okk().args(["funnel", "suggest", "--json"]));
        serde_json::from_str(&out).unwrap()
    }
}

/// The cards (not gone) at each CRM stage, as the store holds them.
fn cards_at(desk: &Desk, stage: &str) -> u64 {
    desk.stage_counts().get(stage).copied().unwrap_or(0) as u64
}

#[test]
fn on_a_synced_store_suggest_proposes_the_stages_the_funnel_lacks_and_no_chain_of_drops() {
    let crm = FakeCrm::start(State::with_deals(620), 0);
    let s = Synced::new(&crm);
    let out = s.suggest_json();
    let list = out["suggestions"].as_array().unwrap();

    // The stages holding cards the funnel lacks, each proposed with its cards, busiest first.
    let unknown: Vec<(&str, u64)> = list
        .iter()
        .filter(|p| p["kind"] == "unknown_stage")
        .map(|p| {
            (
                p["stage"].as_str().unwrap(),
                p["evidence"]["cards"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut expected: Vec<(&str, u64)> = ["Переговоры", "Принимают решение", "Показ"]
        .iter()
        .map(|&n| (n, cards_at(&s.desk, n)))
        .collect();
    expected.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    assert!(expected.iter().all(|(_, n)| *n > 0), "{expected:?}");
    assert_eq!(unknown, expected, "{out:#}");
    assert_eq!(list[0]["kind"], "unknown_stage", "the real problem first");

    // No stage is dropped into one proposed for dropping too: here the funnel hardly meets the
    // store, so no stage is proposed for dropping at all, and the mismatch is said once.
    let dropped: Vec<&str> = list
        .iter()
        .filter(|p| p["kind"] == "drop_stage")
        .map(|p| p["stage"].as_str().unwrap())
        .collect();
    assert_eq!(dropped, Vec::<&str>::new(), "{out:#}");
    let m = &out["funnel_mismatch"];
    assert_eq!(m["open"], 9, "{m}");
    assert!(m["unused"].as_u64().unwrap() >= 5, "{m}");

    // In Russian: the note once, pointing to a funnel drawn from the store; the proposals with
    // their cards.
    let ru = succeeded(s.okk().args(["--lang", "ru", "funnel", "suggest"]));
    english::assert_russian("okk funnel suggest", &ru, &["okk", "unknown_stage"]);
    assert_eq!(
        ru.matches("Воронка не подходит к хранилищу").count(),
        1,
        "{ru}"
    );
    assert!(
        ru.contains("`okk funnel init --from-store --out ФАЙЛ`"),
        "{ru}"
    );
    assert!(!ru.contains("[drop_stage]"), "{ru}");
    let (name, cards) = expected[0];
    assert!(
        ru.contains(&format!("Добавьте этап «{name}» после «")),
        "{ru}"
    );
    assert!(ru.contains(&format!("в нём {cards} карточ")), "{ru}");
    let en = succeeded(s.okk().args(["--lang", "en", "funnel", "suggest"]));
    assert!(en.contains("The funnel does not match the store"), "{en}");

    // Applied, the stage is the funnel's: its cards are no longer unknown.
    succeeded(s.okk().args(["funnel", "suggest", "--apply", "1"]));
    let funnel = okk::funnel_config::load(&s.funnel).unwrap();
    assert!(funnel.resolve(name).is_some());
    let again = s.suggest_json();
    assert!(
        !again["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["kind"] == "unknown_stage" && p["stage"] == name),
        "{again:#}"
    );
}

/// A stage whose name is a near spelling of a funnel stage is counted as it (an alias), not
/// added.
#[test]
fn a_near_spelling_becomes_an_alias() {
    let crm = FakeCrm::start(State::with_deals(620), 0);
    let s = Synced::new(&crm);
    // The funnel knows the fake's stages, «Переговоры» spelt a little otherwise.
    let text = std::fs::read_to_string(&s.funnel).unwrap();
    let aliases = r#"aliases = ["Квалификация клиента", "Выявление потребностей"]"#;
    assert!(text.contains(aliases), "the built-in funnel changed");
    let text = text.replace(
        aliases,
        r#"aliases = ["Квалификация клиента", "Выявление потребностей", "Переговры",
  "Принимают решение", "Показ"]"#,
    );
    std::fs::write(&s.funnel, text).unwrap();
    let out = s.suggest_json();
    let list = out["suggestions"].as_array().unwrap();
    let alias: Vec<&Json> = list
        .iter()
        .filter(|p| p["kind"] == "unknown_stage")
        .collect();
    assert_eq!(alias.len(), 1, "{out:#}");
    assert_eq!(alias[0]["stage"], "Переговоры");
    assert_eq!(alias[0]["evidence"]["like"], "Квалификация");
    assert_eq!(
        alias[0]["evidence"]["cards"].as_u64().unwrap(),
        cards_at(&s.desk, "Переговоры")
    );
    assert!(
        alias[0]["patch"]
            .as_str()
            .unwrap()
            .contains("aliases = [… \"Переговоры\"]"),
        "{out:#}"
    );
    let ru = succeeded(s.okk().args(["--lang", "ru", "funnel", "suggest"]));
    assert!(
        ru.contains("Считайте «Переговоры» этапом «Квалификация»"),
        "{ru}"
    );
}

/// The funnel drawn from a synced store is named after the CRM's pipelines; two pipelines
/// making one funnel are said, each with its cards; the order is said to be the CRM's.
#[test]
fn init_from_a_synced_store_names_the_pipelines_and_says_what_it_merged() {
    let crm = FakeCrm::start(State::with_deals(620), 0);
    let s = Synced::new(&crm);
    let per_pipeline = |name: &str| {
        s.desk
            .rows(common::Table::Cards)
            .iter()
            .filter(|c| c["pipeline"] == name && c["gone_at"].is_null())
            .count()
    };
    let (main, second) = (
        per_pipeline("Продажи недвижимости"),
        per_pipeline("Вторичный рынок"),
    );
    assert!(main > second && second > 0, "{main} {second}");
    for lang in ["en", "ru"] {
        let out = s
            .okk()
            .args(["--lang", lang, "funnel", "init", "--from-store"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8(out.stdout).unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        let funnel = okk::funnel_config::load_str(&text, std::path::Path::new("init.toml"))
            .expect("it loads");
        assert_eq!(funnel.name, "Продажи недвижимости + Вторичный рынок");
        // A stage only one pipeline has names it: the other's cards do not skip it (tester25
        // F8); one both have names none.
        let stage = |name: &str| {
            let i = funnel.resolve(name).unwrap();
            funnel.stage(i).pipelines.clone()
        };
        assert_eq!(stage("Переговоры"), ["Продажи недвижимости"], "{text}");
        assert_eq!(stage("Показ"), ["Вторичный рынок"], "{text}");
        assert!(stage("Первичный контакт").is_empty(), "{text}");
        let (merged, crm_order, cards) = match lang {
            "en" => (
                "the store's cards are in 2 pipelines",
                "the stages are in the CRM's own order, as the last `okk sync` read it",
                format!(
                    "«Продажи недвижимости» ({main} cards), «Вторичный рынок» ({second} cards)"
                ),
            ),
            _ => (
                "карточки хранилища лежат в 2 воронках CRM",
                "этапы идут в порядке самой CRM, как его прочитал последний `okk sync`",
                format!("«Продажи недвижимости» ({main} карточ"),
            ),
        };
        assert!(err.contains(merged), "{lang}: {err}");
        assert!(err.contains(crm_order), "{lang}: {err}");
        assert!(
            !err.contains("guess") && !err.contains("угадан"),
            "{lang}: {err}"
        );
        assert!(err.contains(&cards), "{lang}: {err}");
        if lang == "ru" {
            english::assert_russian("okk funnel init's notes", &err, &["okk"]);
        }
    }
}

/// The fake account with the CRM's own order of its pipelines and stages unlike their ids',
/// their names' and what the cards say: «Вторичный рынок» first, and in each pipeline the
/// stages shuffled (amoCRM's `sort`; Bitrix24's `SORT` of the same stages and `sort` of its
/// categories).
fn shuffled_crm() -> State {
    let mut state = State::with_deals(620);
    let (main, second) = (fake::PIPELINES[0].id, fake::PIPELINES[1].id);
    state.pipeline_sorts.extend([(second, 1), (main, 2)]);
    state.stage_sorts.extend([
        ((main, 60_000_003), 10),
        ((main, 60_000_001), 20),
        ((main, 60_000_004), 30),
        ((main, 60_000_002), 40),
        ((second, 61_000_002), 10),
        ((second, 61_000_001), 20),
    ]);
    state
}

/// [`shuffled_crm`]'s stages as `okk funnel init --from-store` lists them: the second
/// pipeline's, then the first's it has not listed yet; won and lost last.
const CRM_ORDER: [&str; 7] = [
    "Показ",
    "Первичный контакт",
    "Переговоры",
    "Неразобранное",
    "Принимают решение",
    "Успешно реализовано",
    "Закрыто и не реализовано",
];

/// `okk funnel init --from-store` on a synced store: its stages' names, and what it said on
/// stderr.
fn init_from_store(s: &Synced, lang: &str) -> (Vec<String>, String) {
    let out = s
        .okk()
        .args(["--lang", lang, "funnel", "init", "--from-store"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let funnel =
        okk::funnel_config::load_str(&text, std::path::Path::new("init.toml")).expect("it loads");
    let names = funnel.stages.iter().map(|st| st.name.clone()).collect();
    (names, String::from_utf8(out.stderr).unwrap())
}

/// A synced store's cards carry the nearest task: the funnel made from it runs `no_task` on
/// each open stage (and says so, in both languages), and a check by it flags the open cards
/// with nothing scheduled, as many as the rule on those stages by hand would.
#[test]
fn a_funnel_from_a_synced_store_runs_no_task_on_its_open_stages() {
    let crm = FakeCrm::start(State::with_deals(300), 0);
    let s = Synced::new(&crm);
    for (lang, said) in [
        ("en", "so the 5 open stages run the `no_task` rule"),
        (
            "ru",
            "поэтому на 5 открытых этапах включено правило `no_task`",
        ),
    ] {
        let out = s
            .okk()
            .args(["--lang", lang, "funnel", "init", "--from-store"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(said), "{lang}: {err}");
        let text = String::from_utf8(out.stdout).unwrap();
        let funnel = okk::funnel_config::load_str(&text, std::path::Path::new("init.toml"))
            .expect("it loads");
        for stage in &funnel.stages {
            let no_task = stage
                .rules
                .iter()
                .any(|r| matches!(r, okk::domain::rules::Rule::NoTask(_)));
            assert_eq!(
                no_task,
                stage.kind == okk::domain::StageKind::Open,
                "{lang}: {}",
                stage.name
            );
        }
        if lang == "ru" {
            english::assert_russian(
                "okk funnel init's notes",
                &err,
                &["okk", "no_task", "stages.rules", "CRM"],
            );
        }
    }
    let path = s.desk.dir.path().join("init.toml");
    succeeded(
        s.okk()
            .args(["funnel", "init", "--from-store", "--out"])
            .arg(&path),
    );
    let out = succeeded(
        s.desk
            .okk_funnel(&path)
            .env("OKK_TODAY", "2026-11-20")
            .args(["check", "--rule", "no_task", "--json"]),
    );
    let json: Json = serde_json::from_str(&out).unwrap();
    let flagged = json["cards"].as_array().unwrap().len();
    let open = crm.with(|st| {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        st.deals
            .iter()
            .filter(|d| d.closed_at.is_none())
            .filter(|d| match d.closest_task_at {
                None => true,
                Some(t) => chrono::DateTime::from_timestamp(t, 0).unwrap().date_naive() < today,
            })
            .count()
    });
    assert!(
        flagged > 0 && flagged == open,
        "{flagged} flagged, {open} expected"
    );
}

#[test]
fn amocrm_init_from_a_synced_store_lists_the_stages_in_the_crms_own_order() {
    let crm = FakeCrm::start(shuffled_crm(), 0);
    let s = Synced::new(&crm);
    let (names, err) = init_from_store(&s, "en");
    assert_eq!(names, CRM_ORDER, "{err}");
    assert!(err.contains("the CRM's own order"), "{err}");
    assert!(!err.contains("a guess"), "{err}");
    let (names, err) = init_from_store(&s, "ru");
    assert_eq!(names, CRM_ORDER);
    assert!(err.contains("этапы идут в порядке самой CRM"), "{err}");
    english::assert_russian("okk funnel init's notes", &err, &["okk", "CRM"]);
    // The file says where its order came from.
    let out = s
        .okk()
        .args(["--lang", "en", "funnel", "init", "--from-store"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("# Stages are in the CRM's own order, as the last `okk sync` read it"),
        "{text}"
    );

    // The CRM reorders its stages: the next sync keeps the new order (the table is the
    // last sync's, not the first's).
    crm.with(|st| {
        st.stage_sorts
            .insert((fake::PIPELINES[1].id, 61_000_002), 30);
    });
    succeeded(s.okk().args(["sync", "--json"]));
    let (names, _) = init_from_store(&s, "en");
    assert_eq!(names[..2], ["Первичный контакт", "Показ"], "{names:?}");
}

#[test]
fn bitrix24_init_from_a_synced_store_lists_the_stages_in_the_portals_own_order() {
    let crm = FakeCrm::start(shuffled_crm(), 0);
    let s = Synced::bitrix(&crm);
    let (names, err) = init_from_store(&s, "en");
    assert_eq!(names, CRM_ORDER, "{err}");
    assert!(err.contains("the CRM's own order"), "{err}");
}

/// What `okk funnel init --from-store` says of a stage, in the comment above it: `# N cards;
/// X% closed, Y% won; …`.
fn stage_comment(text: &str, stage: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let at = lines
        .iter()
        .position(|l| *l == format!("name = \"{stage}\""))
        .unwrap_or_else(|| panic!("no stage «{stage}» in {text}"));
    lines[..at]
        .iter()
        .rev()
        .find(|l| l.starts_with("# ") && l.contains("closed"))
        .unwrap_or_else(|| panic!("no comment above «{stage}» in {text}"))
        .to_string()
}

/// The CRM says which deals are won and lost (amoCRM's statuses 142 and 143, in every
/// pipeline; Bitrix24's `CLOSED` and the stage's semantics, `S` won and `F` lost): the synced
/// cards say so too, and `funnel init --from-store` counts the won stage 100 % won.
#[test]
fn synced_deals_at_the_won_and_lost_stages_are_closed_won_and_lost_in_both_crms() {
    let crm = FakeCrm::start(State::with_deals(620), 0);
    for s in [Synced::new(&crm), Synced::bitrix(&crm)] {
        let cards = s.desk.rows(common::Table::Cards);
        let at = |stage: &str| -> Vec<(Json, Json)> {
            cards
                .iter()
                .filter(|c| c["stage"] == stage)
                .map(|c| (c["closed"].clone(), c["won"].clone()))
                .collect()
        };
        let (won, lost, open) = (
            at("Успешно реализовано"),
            at("Закрыто и не реализовано"),
            at("Первичный контакт"),
        );
        assert!(!won.is_empty() && !lost.is_empty() && !open.is_empty());
        assert!(won.iter().all(|c| *c == (1.into(), 1.into())), "{won:?}");
        assert!(lost.iter().all(|c| *c == (1.into(), 0.into())), "{lost:?}");
        assert!(open.iter().all(|c| c.0 == 0), "{open:?}");
        let out = succeeded(
            s.okk()
                .args(["--lang", "en", "funnel", "init", "--from-store"]),
        );
        let won = stage_comment(&out, "Успешно реализовано");
        assert!(won.contains("100% closed, 100% won"), "{won}");
        let lost = stage_comment(&out, "Закрыто и не реализовано");
        assert!(lost.contains("100% closed, 0% won"), "{lost}");
        let open = stage_comment(&out, "Первичный контакт");
        assert!(open.contains("0% closed, 0% won"), "{open}");
    }
}

/// A sync whose stages the funnel lacks says, after its report, the funnel file to add them to
/// and `okk funnel init --from-store`.
#[test]
fn a_sync_with_stages_the_funnel_lacks_says_what_to_do_next() {
    let crm = FakeCrm::start(State::with_deals(50), 0);
    let s = Synced::new(&crm);
    let out = succeeded(s.okk().args(["--lang", "en", "sync"]));
    let next = out
        .lines()
        .find(|l| l.starts_with("next: add these stages"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(next.contains(s.funnel.to_str().unwrap()), "{next}");
    assert!(next.contains("`okk funnel init --from-store --out store-funnel.toml`"));
}
