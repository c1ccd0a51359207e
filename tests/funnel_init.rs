//! `okk funnel init --from-store` on exports okk has never seen: the stages ordered by what the
//! cards carry (one import, so no stage history), won and lost guessed, a misspelt stage kept as
//! an alias; the funnel passes `okk funnel check`, and `okk funnel suggest` with it proposes
//! binding the meeting-date column to the stage where meetings start — whatever order the
//! funnel's stages are in. Then the real Salesforce sample.
//!
//! The export (amoCRM-shaped, stage names no funnel of okk's knows), created and edited days:
//!
//! | stage           | cards | created    | Источник | Бюджет клиента | Дата показа | Итог показа | closed |
//! |-----------------|-------|------------|----------|----------------|-------------|-------------|--------|
//! | Новая заявка    | 8     | 15.11.2026 | yes      | —              | —           | —           | no     |
//! | Подбор объекта  | 6     | 01.11.2026 | yes      | yes            | —           | —           | no     |
//! | Подбор обьекта  | 2     | 01.11.2026 | yes      | yes            | —           | —           | no     |
//! | Показ назначен  | 6     | 20.10.2026 | yes      | yes            | yes         | —           | no     |
//! | Показ проведён  | 6     | 01.10.2026 | yes      | yes            | yes         | yes         | no     |
//! | Оплачено        | 4     | 01.09.2026 | yes      | yes            | yes         | yes         | 18.11  |
//! | Отказ клиента   | 4     | 01.09.2026 | yes      | —              | —           | —           | 18.11  |
//!
//! Fields filled per card: 1, 2, 2, 3, 4 at the open stages, so that is their order; the two
//! spellings of «Подбор объекта» (ъ/ь) are one stage (8 cards); Оплачено is won (the word),
//! Отказ клиента lost. «Дата показа» is kept in 6 of 6 cards at both Показ stages and in 0 of 8
//! and 0 of 8 before them: bind it to both and require it at both (the earliest, by what the
//! cards carry: «Показ назначен»).

mod common;

#[path = "support/english.rs"]
mod english;

use std::path::{Path, PathBuf};

use common::{Desk, path_arg, salesforce, succeeded};
use serde_json::Value as Json;

const TODAY: &str = "2026-11-20";

fn okk(desk: &Desk, funnel: &Path, args: &[&str]) -> String {
    succeeded(desk.okk_funnel(funnel).args(["--today", TODAY]).args(args))
}

fn export(desk: &Desk) -> PathBuf {
    let mut lines = vec![
        "ID,Название сделки,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка,Источник,Бюджет клиента,Дата показа,Итог показа"
            .to_string(),
    ];
    let stages: [(&str, usize, &str, u8, &str); 7] = [
        ("Новая заявка", 8, "15.11.2026", 1, "не закрыта"),
        ("Подбор объекта", 6, "01.11.2026", 2, "не закрыта"),
        ("Подбор обьекта", 2, "01.11.2026", 2, "не закрыта"),
        ("Показ назначен", 6, "20.10.2026", 3, "не закрыта"),
        ("Показ проведён", 6, "01.10.2026", 4, "не закрыта"),
        ("Оплачено", 4, "01.09.2026", 4, "18.11.2026 12:00:00"),
        ("Отказ клиента", 4, "01.09.2026", 1, "18.11.2026 12:00:00"),
    ];
    let mut id = 100;
    for (stage, cards, created, fields, closed) in stages {
        for n in 0..cards {
            id += 1;
            let owner = if n % 2 == 0 { "Оля" } else { "Игорь" };
            let cols = ["Авито", "8 млн", "05.11.2026", "понравилось"];
            let vals: Vec<&str> = (0..4)
                .map(|k| if k < fields as usize { cols[k] } else { "" })
                .collect();
            lines.push(format!(
                "{id},Сделка {id},{owner},{created} 10:00:00,19.11.2026 10:00:00,{closed},\
                 {stage},Продажи,{}",
                vals.join(",")
            ));
        }
    }
    let path = desk.dir.path().join("never_seen.csv");
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

#[test]
fn a_funnel_from_an_unseen_export_orders_its_stages_and_suggest_binds_the_meeting_date() {
    let desk = Desk::new();
    let builtin = common::funnel_path();
    okk(&desk, &builtin, &["import", &path_arg(&export(&desk))]);
    let out = desk.dir.path().join("init.toml");
    okk(
        &desk,
        &builtin,
        &["funnel", "init", "--from-store", "--out", &path_arg(&out)],
    );
    let funnel = okk::funnel_config::load(&out).expect("init's funnel loads");
    let names: Vec<&str> = funnel.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Новая заявка",
            "Подбор объекта",
            "Показ назначен",
            "Показ проведён",
            "Оплачено",
            "Отказ клиента"
        ]
    );
    assert_eq!(funnel.stages[1].aliases, ["Подбор обьекта"]);
    use okk::domain::StageKind::{Lost, Open, Won};
    let kinds: Vec<_> = funnel.stages.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [Open, Open, Open, Open, Won, Lost]);
    assert!(funnel.stages.iter().all(|s| s.fields.is_empty()));
    // The export has no nearest-task column: no stage runs `no_task`.
    assert!(funnel.stages.iter().all(|s| s.rules.is_empty()));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("# [[custom_fields]]\n# name = \"Дата показа\"\n# type = \"date\""));
    let check = okk(&desk, &out, &["funnel", "check"]);
    assert!(check.contains(": ok"), "{check}");
    // No sync ever read the CRM's own order: the order is said to be a guess, in the file and
    // on stderr.
    assert!(text.contains("# Stages are in the order cards move through them"));
    let printed = desk
        .okk_funnel(&builtin)
        .args(["--lang", "en", "funnel", "init", "--from-store"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&printed.stderr);
    assert!(err.contains("the stage order is a guess"), "{err}");
    assert!(!err.contains("CRM's own order"), "{err}");
    // Written again only with --force.
    let again = desk
        .okk()
        .args(["funnel", "init", "--from-store", "--out", &path_arg(&out)])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1));
    // Without --from-store: the built-in funnel's own text, printed or written.
    let bare = desk.okk().args(["funnel", "init"]).output().unwrap();
    assert!(bare.status.success(), "{bare:?}");
    assert_eq!(
        String::from_utf8_lossy(&bare.stdout),
        okk::funnel_config::DEFAULT_FUNNEL
    );
    let builtin = desk.dir.path().join("builtin.toml");
    let wrote = desk
        .okk()
        .args(["funnel", "init", "--out", &path_arg(&builtin)])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&wrote.stdout);
    assert!(said.contains("the built-in funnel, 11 stages"), "{said}");
    assert_eq!(
        okk::funnel_config::load(&builtin).unwrap(),
        okk::funnel_config::default_funnel()
    );
    let again = desk
        .okk()
        .args(["funnel", "init", "--out", &path_arg(&builtin)])
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(1), "replaced only with --force");

    let meeting = |funnel: &Path| -> Json {
        let out: Json =
            serde_json::from_str(&okk(&desk, funnel, &["funnel", "suggest", "--json"])).unwrap();
        out["suggestions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["kind"] == "bind_field" && s["evidence"]["field"] == "Дата показа")
            .cloned()
            .unwrap_or_else(|| panic!("no binding of «Дата показа»: {out:#}"))
    };
    let s = meeting(&out);
    assert_eq!(s["stage"], "Показ назначен");
    assert_eq!(s["evidence"]["earliest"], "Показ назначен");
    assert_eq!(s["evidence"]["declared"], false);
    let kept: Vec<(&str, u64, u64)> = s["evidence"]["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["stage"].as_str().unwrap(),
                k["cards"].as_u64().unwrap(),
                k["part"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(kept, [("Показ назначен", 6, 6), ("Показ проведён", 6, 6)]);
    let not_kept: Vec<(&str, u64)> = s["evidence"]["not_kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["stage"].as_str().unwrap(), k["cards"].as_u64().unwrap()))
        .collect();
    assert_eq!(not_kept, [("Новая заявка", 8), ("Подбор объекта", 8)]);
    assert!(s["patch"].as_str().unwrap().contains("type = \"date\""));

    // The funnel's order does not matter: the two Показ stages swapped, the same proposal.
    let swapped = desk.dir.path().join("swapped.toml");
    let text = std::fs::read_to_string(&out).unwrap();
    let a = text.find("[[stages]]\nname = \"Показ назначен\"").unwrap();
    let b = text.find("[[stages]]\nname = \"Показ проведён\"").unwrap();
    let c = text.find("[[stages]]\nname = \"Оплачено\"").unwrap();
    let swapped_text = format!("{}{}{}{}", &text[..a], &text[b..c], &text[a..b], &text[c..]);
    std::fs::write(&swapped, swapped_text).unwrap();
    let s = meeting(&swapped);
    assert_eq!(s["evidence"]["earliest"], "Показ назначен");

    // Applying it binds the column where meetings start and the funnel still checks.
    let id = s["id"].as_u64().unwrap().to_string();
    okk(&desk, &out, &["funnel", "suggest", "--apply", &id]);
    let funnel = okk::funnel_config::load(&out).unwrap();
    assert_eq!(funnel.stages[2].fields, ["Дата показа"]);
    assert_eq!(funnel.custom_fields[0].name, "Дата показа");
}

#[test]
fn the_salesforce_sample_gives_a_funnel_with_closed_stages_last() {
    let desk = Desk::new();
    let builtin = common::funnel_path();
    // The real sample (a copy of /work/shared/data/salesforce/Opportunity.csv).
    okk(&desk, &builtin, &["import", &salesforce("Opportunity.csv")]);
    let text = okk(&desk, &builtin, &["funnel", "init", "--from-store"]);
    let funnel = okk::funnel_config::load_str(&text, Path::new("init.toml"))
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    use okk::domain::StageKind;
    let kind = |name: &str| {
        funnel
            .stages
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no stage {name}:\n{text}"))
            .kind
    };
    assert_eq!(kind("Closed Won"), StageKind::Won);
    assert_eq!(kind("Closed Lost"), StageKind::Lost);
    // One import, no history, fields alike: Salesforce's own stage names place them.
    let open: Vec<&str> = funnel
        .stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        open,
        [
            "Qualification",
            "Discovery",
            "Proposal/Quote",
            "Negotiation"
        ]
    );
    // Every open stage comes before every closed one.
    let first_closed = funnel
        .stages
        .iter()
        .position(|s| s.kind != StageKind::Open)
        .unwrap();
    assert!(
        funnel.stages[first_closed..]
            .iter()
            .all(|s| s.kind != StageKind::Open),
        "{text}"
    );
}

#[test]
fn in_russian_init_writes_russian_comments_and_english_keys_and_the_funnel_still_loads() {
    let desk = Desk::new();
    let builtin = common::funnel_path();
    okk(&desk, &builtin, &["import", &path_arg(&export(&desk))]);
    let out = desk.dir.path().join("init_ru.toml");
    let said = okk(
        &desk,
        &builtin,
        &[
            "--lang",
            "ru",
            "funnel",
            "init",
            "--from-store",
            "--out",
            &path_arg(&out),
        ],
    );
    english::assert_russian("okk funnel init", &said, &[]);
    assert!(said.contains("6 этапов"), "{said}");
    let text = std::fs::read_to_string(&out).unwrap();
    let comments: String = text
        .lines()
        .filter(|l| l.starts_with("# ") && !l.contains(" = ") && !l.starts_with("# ["))
        .map(|l| format!("{l}\n"))
        .collect();
    english::assert_russian("okk funnel init's comments", &comments, &[]);
    assert!(
        text.contains(
            "# Начальная воронка, записанная `okk funnel init --from-store` по 36 карточкам."
        ),
        "{text}"
    );
    assert!(text.contains("[[stages]]") && text.contains("name = \"Новая заявка\""));
    // The same funnel as in English: the keys are the file format's, whatever the comments say.
    let funnel = okk::funnel_config::load(&out).expect("the Russian init's funnel loads");
    assert_eq!(funnel.stages.len(), 6);
    // Named after the export's one pipeline.
    assert_eq!(funnel.name, "Продажи");
}

/// An import whose stages the funnel lacks says what to do next, naming the funnel file in use
/// and `okk funnel init --from-store`; the funnel that writes says how to make it the one okk
/// uses.
#[test]
fn unknown_stages_lead_to_the_funnel_file_and_to_a_funnel_from_the_store() {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("my funnel.toml");
    std::fs::copy(common::funnel_path(), &funnel).unwrap();
    let file = path_arg(&export(&desk));
    for (lang, next) in [
        (
            "en",
            "next: add these stages, or their names as aliases of a stage, to the funnel",
        ),
        (
            "ru",
            "дальше: добавьте эти этапы или их названия как псевдонимы (aliases) этапа в воронку",
        ),
    ] {
        let out = okk(&desk, &funnel, &["--lang", lang, "import", &file]);
        let line = out
            .lines()
            .find(|l| l.contains(next))
            .unwrap_or_else(|| panic!("{lang}: {out}"));
        assert!(line.contains(&path_arg(&funnel)), "{lang}: {line}");
        assert!(
            line.contains("`okk funnel init --from-store --out store-funnel.toml`"),
            "{lang}: {line}"
        );
    }
    let out = desk.dir.path().join("store-funnel.toml");
    for (lang, use_it) in [
        ("en", "Then, to make it the funnel okk uses: `okk --funnel "),
        ("ru", "Затем, чтобы okk работал с ней: `okk --funnel "),
    ] {
        let said = okk(
            &desk,
            &funnel,
            &[
                "--lang",
                lang,
                "funnel",
                "init",
                "--from-store",
                "--force",
                "--out",
                &path_arg(&out),
            ],
        );
        assert!(said.contains(use_it), "{lang}: {said}");
        assert!(said.contains("OKK_FUNNEL"), "{lang}: {said}");
        // The default funnel file it may replace instead.
        assert!(
            said.contains("home/.config/okk/funnel.toml"),
            "{lang}: {said}"
        );
    }
}
