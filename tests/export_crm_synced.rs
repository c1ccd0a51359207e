//! `okk export crm` of cards synced over a CRM's API (the fake CRM of tests/support, both
//! kinds): a move goes to the stage of the card's own CRM pipeline — by its id for Bitrix24,
//! by the CRM's own name for amoCRM — and a card whose pipeline has no such stage is left out
//! and named, never written as something the CRM would misread.
//!
//! The fake's pipelines: «Продажи недвижимости» (Неразобранное → Первичный контакт →
//! Переговоры → Принимают решение → won / lost; Bitrix24's ids NEW, PREPARATION,
//! PREPAYMENT_INVOICE, EXECUTING, WON, LOSE) and «Вторичный рынок» (Первичный контакт → Показ →
//! won / lost; C1:NEW, C1:PREPARATION, C1:WON, C1:LOSE). Deal `30000000 + i` is in the first for
//! `i % 7 < 5`, at the stage `i % (its stages)`.

mod common;
#[path = "support/fake_crm.rs"]
mod fake;

use std::collections::BTreeMap;
use std::path::PathBuf;

use assert_cmd::Command;
use common::{Desk, Verdict, succeeded};
use fake::{FakeCrm, State, TOKEN};
use serde_json::Value as Json;

const TOKEN_ENV: &str = "OKK_TEST_AMO_TOKEN";
const AT: &str = "2026-11-20 12:00:00";

/// A desk synced from the fake CRM, judged by the built-in funnel with «Показ» an alias of
/// «Встреча проведена» (the CRM's name for that stage).
struct Synced {
    desk: Desk,
    config: PathBuf,
    funnel: PathBuf,
}

impl Synced {
    fn amocrm(crm: &FakeCrm) -> Synced {
        Synced::with(|config| fake::write_config(config, "fake", &crm.url, TOKEN_ENV))
    }

    fn bitrix(crm: &FakeCrm) -> Synced {
        Synced::with(|config| fake::write_bitrix_config(config, "b24", &crm.url))
    }

    fn with(write: impl FnOnce(&std::path::Path)) -> Synced {
        let desk = Desk::new();
        let config = desk.dir.path().join("config.toml");
        write(&config);
        let funnel = desk.dir.path().join("funnel.toml");
        let text = std::fs::read_to_string(common::funnel_path()).unwrap();
        let aliases = r#"aliases = ["Встреча состоялась", "Проведена встреча"]"#;
        assert!(text.contains(aliases));
        let text = text.replace(
            aliases,
            r#"aliases = ["Встреча состоялась", "Проведена встреча", "Показ"]"#,
        );
        std::fs::write(&funnel, text).unwrap();
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

    /// A wrong-stage verdict on deal `30000000 + i`, to `stage`.
    fn move_to(&self, i: usize, stage: &str) {
        self.desk.review(
            &format!("{}", 30_000_000 + i),
            "anna",
            AT,
            &Verdict {
                stage: Some(stage),
                ..Verdict::of("wrong_stage")
            },
        );
    }

    /// `okk export crm --profile PROFILE EXTRA…`: (the file, stdout, stderr).
    fn export(&self, profile: &str, extra: &[&str]) -> (String, String, String) {
        let out = self.desk.file(&format!("{profile}.out"));
        let run = self
            .okk()
            .args([
                "export",
                "crm",
                "--force",
                "--profile",
                profile,
                "--out",
                &out,
            ])
            .args(extra)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
        assert!(run.status.success(), "export failed:\n{stderr}");
        let file = std::fs::read_to_string(&out).unwrap();
        (file, String::from_utf8(run.stdout).unwrap(), stderr)
    }
}

/// The REST lines' `STAGE_ID` by deal id (absent: the call sets no stage).
fn stage_ids(jsonl: &str) -> BTreeMap<u64, Option<String>> {
    jsonl
        .lines()
        .map(|l| {
            let call: Json = serde_json::from_str(l).unwrap();
            let params = &call["params"];
            let stage = params["fields"]["STAGE_ID"].as_str().map(String::from);
            (params["id"].as_u64().unwrap(), stage)
        })
        .collect()
}

#[test]
fn bitrix24_calls_move_a_synced_deal_to_its_own_categorys_stage_id_or_leave_it_out() {
    let crm = FakeCrm::start(State::with_deals(14), 0);
    let s = Synced::bitrix(&crm);
    // «Вторичный рынок» (C1) knows «Встреча проведена» as «Показ», the funnel's alias.
    s.move_to(12, "Встреча проведена");
    // «Первичный контакт» of «Продажи недвижимости» is PREPARATION: spelled as the funnel's
    // stage, it wins over «Неразобранное» (NEW), an alias of it.
    s.move_to(2, "Первичный контакт");
    // Dead: the funnel's lost stage, in the card's category.
    s.desk.review("30000005", "anna", AT, &Verdict::of("dead"));
    // «Продажи недвижимости» has no «Договор».
    s.move_to(3, "Договор");
    let (file, stdout, stderr) = s.export("bitrix24", &[]);
    assert_eq!(
        stage_ids(&file),
        BTreeMap::from([
            (30_000_002, Some("PREPARATION".to_string())),
            (30_000_005, Some("C1:LOSE".to_string())),
            (30_000_012, Some("C1:PREPARATION".to_string())),
        ]),
        "{file}"
    );
    assert!(!file.contains("Договор"), "{file}");
    assert!(
        stdout.contains("wrote 3 REST crm.deal.update calls"),
        "{stdout}"
    );
    assert!(
        stderr.contains(
            "okk: stage «Договор» is not in the CRM pipeline «Продажи недвижимости» of «b24»: \
             card 30000003 left out of the file; move it in the CRM by hand"
        ),
        "{stderr}"
    );
    let (_, _, stderr) = s.export("bitrix24", &["--lang", "ru"]);
    assert!(
        stderr.contains(
            "okk: этапа «Договор» нет в воронке «Продажи недвижимости» в CRM «b24»: карточка \
             30000003 не записана в файл; переведите её в CRM вручную"
        ),
        "{stderr}"
    );
}

/// Bitrix24's categories name their success and failure stages as the portal's admins chose,
/// not as the funnel's won and lost stages are named: a move to the funnel's won or lost stage
/// lands on the card's own category's `WON` / `LOSE` by their semantics (S, F).
#[test]
fn bitrix24_moves_to_won_or_lost_land_on_the_categorys_own_success_and_failure_stages() {
    let mut state = State::with_deals(14);
    state.b24_names = std::collections::HashMap::from([
        ("WON", "Сделка успешна"),
        ("LOSE", "Сделка провалена"),
        ("C1:WON", "Продано"),
        ("C1:LOSE", "Отказ клиента"),
    ]);
    let crm = FakeCrm::start(state, 0);
    let s = Synced::bitrix(&crm);
    // «Продажи недвижимости»: won; «Вторичный рынок» (C1): won, and lost («Мёртвая»).
    s.move_to(2, "Успешно реализовано");
    s.move_to(12, "Успешно реализовано");
    s.desk.review("30000005", "anna", AT, &Verdict::of("dead"));
    // An open stage still lands by name.
    s.move_to(3, "Первичный контакт");
    let (file, _, stderr) = s.export("bitrix24", &[]);
    assert_eq!(
        stage_ids(&file),
        BTreeMap::from([
            (30_000_002, Some("WON".to_string())),
            (30_000_003, Some("PREPARATION".to_string())),
            (30_000_005, Some("C1:LOSE".to_string())),
            (30_000_012, Some("C1:WON".to_string())),
        ]),
        "{file}\n{stderr}"
    );
    assert!(!stderr.contains("is not in the CRM pipeline"), "{stderr}");
}

/// The reviewer's stage picker marks what `okk export crm` leaves out: on cards synced from
/// Bitrix24, each card's marks are the stages its own category has no place for (the renamed
/// success and failure stages land by their semantics, «Показ» is the funnel's alias); a move
/// the auditor picks among the marked is left out of the file and named, one among the others
/// is in it.
#[test]
fn the_stage_picker_marks_the_moves_the_bitrix24_export_leaves_out() {
    use okk::tui::state::Popup;
    let mut state = State::with_deals(14);
    state.b24_names =
        std::collections::HashMap::from([("WON", "Продано"), ("C1:LOSE", "Отказ клиента")]);
    let crm = FakeCrm::start(state, 0);
    let s = Synced::bitrix(&crm);
    let funnel = std::sync::Arc::new(okk::funnel_config::load(&s.funnel).unwrap());
    let store = okk::store::Store::open(&s.desk.db).unwrap();
    let clock = okk::app::audit::today(&store, None).unwrap();
    let mut desk = okk::tui::desk::Desk::new(
        store,
        funnel.clone(),
        "anna".into(),
        "fp".into(),
        Some(clock),
    );
    let mut reviewer =
        okk::tui::state::State::new(funnel, "anna".into(), okk::tui::keymap::Keymap::default());
    okk::tui::update::load_stages(&mut reviewer, &desk).unwrap();
    let row = common::reviewer::stage_row(&reviewer, "Первичный контакт");
    okk::tui::update::start_at_stage(&mut reviewer, row, &desk).unwrap();
    let press = |r: &mut okk::tui::state::State, d: &mut okk::tui::desk::Desk, keys: &str| {
        common::reviewer::press(r, d, keys)
    };
    // «Продажи недвижимости» lands only «Первичный контакт» (its own), won and lost.
    let all_open_but = |keep: &[&str]| -> Vec<&str> {
        [
            "Квалификация",
            "Встреча назначена",
            "Встреча проведена",
            "Молчуны после встречи",
            "Отработка возражений",
            "Контакт после встречи",
            "Бронирование",
            "Договор",
        ]
        .into_iter()
        .filter(|s| !keep.contains(s))
        .collect()
    };
    // Deals 0 (NEW, «Неразобранное»), 1 and 7 of «Продажи недвижимости», 12 of «Вторичный
    // рынок» (C1:NEW).
    let mut seen = Vec::new();
    for _ in 0..4 {
        let id = common::reviewer::shown_card(&reviewer);
        press(&mut reviewer, &mut desk, "x");
        let Some(Popup::Picker(p)) = &reviewer.popup else {
            panic!("the stage picker: {:?}", reviewer.popup)
        };
        let marked = common::reviewer::marked(p);
        if id == "30000012" {
            assert_eq!(marked, all_open_but(&["Встреча проведена"]), "{id}");
        } else {
            assert_eq!(marked, all_open_but(&[]), "{id}");
        }
        // The same move for both pipelines: marked on deal 1, not on deal 12.
        match id.as_str() {
            "30000001" | "30000012" => press(&mut reviewer, &mut desk, "встреча пр<enter>"),
            _ => press(&mut reviewer, &mut desk, "<esc><space>"),
        }
        seen.push(id);
    }
    seen.sort();
    assert_eq!(seen, ["30000000", "30000001", "30000007", "30000012"]);
    drop((reviewer, desk));
    let (file, _, stderr) = s.export("bitrix24", &[]);
    assert_eq!(
        stage_ids(&file),
        BTreeMap::from([(30_000_012, Some("C1:PREPARATION".to_string()))]),
        "{file}\n{stderr}"
    );
    assert!(
        stderr.contains(
            "okk: stage «Встреча проведена» is not in the CRM pipeline «Продажи недвижимости» \
             of «b24»: card 30000001 left out of the file"
        ),
        "{stderr}"
    );
}

/// A card from Bitrix24's export file has no stage id okk could know: its move is not sent
/// with a name where the API wants the id.
#[test]
fn a_bitrix24_move_of_a_card_from_a_file_is_left_out_and_said_why() {
    let desk = Desk::new();
    desk.import(&[&common::fixture("bitrix24_deals.csv")]);
    desk.review("501", "anna", AT, &Verdict::of("dead"));
    desk.review(
        "503",
        "anna",
        AT,
        &Verdict {
            corrections: &[("title", "Новое название")],
            ..Verdict::of("ok")
        },
    );
    let out = desk.file("b24.jsonl");
    let run = desk
        .okk()
        .args(["export", "crm", "--profile", "bitrix24", "--out", &out])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    let file = std::fs::read_to_string(&out).unwrap();
    assert_eq!(stage_ids(&file), BTreeMap::from([(503, None)]), "{file}");
    assert!(
        String::from_utf8_lossy(&run.stdout).contains("wrote 1 REST"),
        "{:?}",
        run.stdout
    );
    assert!(
        stderr.contains(
            "okk: Bitrix24 takes a stage by its id, which okk knows only for deals synced over \
             the CRM's API"
        ) && stderr.contains("«Закрыто и не реализовано»")
            && stderr.contains("card 501 left out of the file"),
        "{stderr}"
    );
}

/// amoCRM's import matches a stage by its name within the pipeline: a synced card's move is
/// written as its pipeline spells the stage, and a move to a stage the pipeline lacks (the
/// built-in funnel's «Квалификация») is left out and said, not written for the import to
/// refuse or misplace.
#[test]
fn amocrm_rows_name_the_pipelines_own_stage_and_leave_out_a_stage_it_lacks() {
    let crm = FakeCrm::start(State::with_deals(14), 0);
    let s = Synced::amocrm(&crm);
    s.move_to(1, "Квалификация");
    s.move_to(12, "встреча ПРОВЕДЕНА");
    s.desk.review("30000003", "anna", AT, &Verdict::of("dead"));
    let (file, stdout, stderr) = s.export("amocrm", &[]);
    let rows: Vec<&str> = file.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(
        rows,
        [
            "ID,Воронка,Этап сделки,Ответственный",
            "30000003,Продажи недвижимости,Закрыто и не реализовано,",
            "30000012,Вторичный рынок,Показ,",
        ],
        "{file}"
    );
    assert!(stdout.contains("changes to 2 cards"), "{stdout}");
    assert!(
        stderr.contains(
            "okk: stage «Квалификация» is not in the CRM pipeline «Продажи недвижимости» of \
             «fake»: card 30000001 left out of the file"
        ),
        "{stderr}"
    );
    let (_, _, stderr) = s.export("amocrm", &["--lang", "ru"]);
    assert!(
        stderr.contains(
            "okk: этапа «Квалификация» нет в воронке «Продажи недвижимости» в CRM «fake»: \
             карточка 30000001 не записана в файл"
        ),
        "{stderr}"
    );
}

/// One CRM account takes one import file: a file of changes to cards of two sources (an
/// amoCRM export imported beside a synced connection) says so and how to export each alone;
/// `--source` keeps one source and says nothing.
#[test]
fn a_file_of_two_sources_changes_says_so_and_source_keeps_one() {
    let crm = FakeCrm::start(State::with_deals(14), 0);
    let s = Synced::amocrm(&crm);
    succeeded(
        s.okk().args([
            "import",
            "--source",
            "main",
            common::repo()
                .join("assets/demo/amocrm_deals.csv")
                .to_str()
                .unwrap(),
        ]),
    );
    s.desk.review("30000003", "anna", AT, &Verdict::of("dead"));
    s.desk.review("31999149", "anna", AT, &Verdict::of("dead"));
    let (file, _, stderr) = s.export("amocrm", &[]);
    assert_eq!(file.lines().count(), 3, "{file}");
    assert!(
        stderr.contains(
            "okk: warning: the file holds changes of cards from 2 sources (fake: 1, main: 1), \
             and a CRM's import loads a file into one account: export each source alone — \
             okk export crm --profile amocrm --source NAME"
        ),
        "{stderr}"
    );
    let (_, _, stderr) = s.export("amocrm", &["--lang", "ru"]);
    assert!(
        stderr.contains(
            "okk: внимание: в файле изменения карточек из 2 источников (fake: 1, main: 1), а \
             импорт CRM загружает файл в одну учётную запись: выгрузите каждый источник \
             отдельно — okk export crm --profile amocrm --source ИМЯ"
        ),
        "{stderr}"
    );
    let (file, _, stderr) = s.export("amocrm", &["--source", "fake"]);
    let rows: Vec<&str> = file.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(rows.len(), 2, "{file}");
    assert!(rows[1].starts_with("30000003,"), "{file}");
    assert!(!stderr.contains("sources"), "{stderr}");
}
