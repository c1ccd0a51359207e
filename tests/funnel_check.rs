//! The funnel file as a desk lead meets it: the built-in funnel loads, and every mistake in a
//! hand-edited funnel comes back with the line, column and key to fix.

use std::path::Path;

use okk::domain::card::SystemField;
use okk::domain::flag::Severity;
use okk::domain::funnel::{DefaultAnswer, FieldRef, StageKind};
use okk::domain::rules::Rule;
use okk::funnel_config::{DEFAULT_FUNNEL, Problem, load, load_str, show};

mod common;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/funnel")
        .join(name)
}

fn problems(src: &str) -> Vec<Problem> {
    match load_str(src, Path::new("funnel.toml")) {
        Ok(_) => panic!("expected problems, the funnel loaded:\n{src}"),
        Err(e) => e.problems,
    }
}

fn only_problem(src: &str) -> Problem {
    let mut all = problems(src);
    assert_eq!(all.len(), 1, "expected one problem, got {all:#?}");
    all.remove(0)
}

/// (line, column, key) — what a user needs to find the spot.
fn at(p: &Problem) -> (usize, usize, &str) {
    (p.line, p.column, p.key.as_str())
}

/// `p` says `part` (the whole message shown when it does not).
fn assert_says(p: &Problem, part: &str) {
    assert!(p.message.contains(part), "{}", p.message);
}

/// One mistake a desk lead makes by hand in a funnel, a case of tests/fixtures/funnel/mistakes.toml:
/// okk reports one problem, at (line, column, key), with each of `says` in its message.
#[derive(serde::Deserialize)]
struct Mistake {
    story: String,
    funnel: String,
    at: (usize, usize, String),
    #[serde(default)]
    says: Vec<String>,
}

#[test]
fn every_single_mistake_is_reported_at_its_place_with_what_to_write() {
    #[derive(serde::Deserialize)]
    struct Cases {
        mistake: Vec<Mistake>,
    }
    let text = std::fs::read_to_string(fixture("mistakes.toml")).expect("mistakes.toml");
    let cases: Cases = toml::from_str(&text).expect("mistakes.toml is a list of [[mistake]]");
    assert_eq!(cases.mistake.len(), 26, "every case read");
    for m in &cases.mistake {
        let p = only_problem(&m.funnel);
        assert_eq!(at(&p), (m.at.0, m.at.1, m.at.2.as_str()), "{}", m.story);
        for words in &m.says {
            assert!(
                p.message.contains(words.as_str()),
                "{}: «{words}» not in {}",
                m.story,
                p.message
            );
        }
    }
}

// ---- the built-in funnel ----

#[test]
fn default_funnel_loads_with_eleven_stages_in_order() {
    let funnel = load_str(DEFAULT_FUNNEL, Path::new("assets/funnel.toml")).unwrap();
    let names: Vec<&str> = funnel.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Первичный контакт",
            "Квалификация",
            "Встреча назначена",
            "Встреча проведена",
            "Молчуны после встречи",
            "Отработка возражений",
            "Контакт после встречи",
            "Бронирование",
            "Договор",
            "Успешно реализовано",
            "Закрыто и не реализовано",
        ]
    );
    assert_eq!(funnel.stages[9].kind, StageKind::Won);
    assert_eq!(funnel.stages[10].kind, StageKind::Lost);
    assert_eq!(funnel.checklist_default, DefaultAnswer::Pass);
    assert_eq!(funnel.custom_fields.len(), 5, "with «Дата договора»");
}

#[test]
fn default_funnel_puts_extra_control_stages_first_in_the_queue() {
    let funnel = okk::funnel_config::default_funnel();
    let queue: Vec<&str> = funnel
        .queue_order()
        .into_iter()
        .map(|i| funnel.stage(i).name.as_str())
        .collect();
    assert_eq!(
        &queue[..3],
        [
            "Отработка возражений",
            "Контакт после встречи",
            "Первичный контакт"
        ]
    );
}

#[test]
fn default_funnel_open_stages_require_an_owner_and_carry_a_real_checklist() {
    let funnel = okk::funnel_config::default_funnel();
    for stage in funnel.stages.iter().filter(|s| s.kind == StageKind::Open) {
        assert!(
            stage
                .required
                .iter()
                .any(|r| r.field == FieldRef::System(SystemField::Owner)),
            "{}",
            stage.name
        );
        assert!(
            (4..=7).contains(&stage.checklist.len()),
            "{}: {} items",
            stage.name,
            stage.checklist.len()
        );
    }
    let lost = &funnel.stages[10];
    let reason = lost
        .checklist
        .iter()
        .find(|c| c.id == "lost_reason")
        .unwrap();
    assert!(reason.critical);
}

#[test]
fn old_and_crm_stage_names_resolve_to_their_stage() {
    let funnel = okk::funnel_config::default_funnel();
    assert_eq!(funnel.resolve("встреча  СОСТОЯЛАСЬ"), Some(3));
    assert_eq!(funnel.resolve("Неразобранное"), Some(0));
    assert_eq!(funnel.resolve("Новая заявка"), Some(0));
    assert_eq!(funnel.resolve("бронь"), Some(7));
    assert_eq!(funnel.resolve("Подписание договора"), Some(8));
    assert_eq!(funnel.resolve("Успешно реализовано"), Some(9));
    assert_eq!(funnel.resolve("Отказ"), Some(10));
    assert_eq!(funnel.resolve("Закрыто и не реализовано"), Some(10));
    assert_eq!(funnel.resolve("Такого этапа нет"), None);
}

#[test]
fn custom_field_alias_resolves_to_the_canonical_name() {
    let funnel = load_str(
        r#"name = "Воронка"
[[custom_fields]]
name = "Дата встречи в офисе продаж"
type = "date"
aliases = ["Дата встречи"]
[[stages]]
name = "Встреча назначена"
required = ["OWNER", "дата  встречи"]
fields = ["Дата встречи"]
  [[stages.checklist]]
  id = "meeting_date_set"
  text = "Дата встречи внесена"
  field = "Дата встречи"
"#,
        Path::new("funnel.toml"),
    )
    .unwrap();
    let canonical = FieldRef::Custom("Дата встречи в офисе продаж".into());
    let stage = &funnel.stages[0];
    let required: Vec<&FieldRef> = stage.required.iter().map(|r| &r.field).collect();
    assert_eq!(
        required,
        [&FieldRef::System(SystemField::Owner), &canonical]
    );
    assert_eq!(stage.fields, ["Дата встречи в офисе продаж"]);
    assert_eq!(stage.checklist[0].field, Some(canonical));
    assert_eq!(stage.checklist[0].weight, 1, "weight defaults to 1");
    assert!(stage.skippable, "skippable defaults to true");
}

#[test]
fn show_prints_the_default_funnel() {
    insta::assert_snapshot!(show(&okk::funnel_config::default_funnel()));
}

// ---- TOML shape ----

#[test]
fn every_value_of_the_wrong_type_is_reported_at_once() {
    // A wrong `required` entry is read by hand and reported by the checks after the types, so it
    // is not among these (see a_wrong_required_entry_is_reported_where_it_is).
    let ps = problems(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
max_idle_days = "три"
  [[stages.checklist]]
  id = "a"
  text = "Бюджет назван"
  weight = "много"
[[stages]]
name = "Встреча"
required = ["owner"]
skippable = "нет"
"#,
    );
    let found: Vec<(usize, usize, &str)> = ps.iter().map(at).collect();
    assert_eq!(
        found,
        vec![
            (4, 17, "stages[0].max_idle_days"),
            (8, 12, "stages[0].checklist[0].weight"),
            (12, 13, "stages[1].skippable"),
        ],
        "{ps:#?}"
    );
}

#[test]
fn unknown_keys_come_with_every_other_problem_at_once() {
    let ps = problems(
        r#"name = "Воронка"
pipeline = "Продажи"
[[stages]]
name = "Квалификация"
kind = "opne"
max_idle_dayz = 3
  [[stages.checklist]]
  id = "a"
  text = "Бюджет назван"
  wieght = 3
  [[stages.rules]]
  kind = "date"
  field = "created_at"
  must_be = "past"
  severty = "critical"
[[custom_fields]]
name = "Дата визита"
typ = "date"
"#,
    );
    let found: Vec<(usize, usize, &str)> = ps.iter().map(at).collect();
    assert_eq!(
        found,
        vec![
            (2, 1, "pipeline"),
            (5, 8, "stages[0].kind"),
            (6, 1, "stages[0].max_idle_dayz"),
            (10, 3, "stages[0].checklist[0].wieght"),
            (15, 3, "stages[0].rules[0].severty"),
            (18, 1, "custom_fields[0].typ"),
        ],
        "{ps:#?}"
    );
    assert_says(&ps[5], "use one of: name, type, aliases");
}

#[test]
fn toml_syntax_error_gives_line_and_column() {
    let p = only_problem("name = \"Воронка\"\n[[stages]]\nname = \"Первичный контакт\n");
    assert_eq!((p.line, p.column), (3, 26));
    assert!(p.message.starts_with("not valid TOML"), "{}", p.message);
}

// ---- stages ----

#[test]
fn funnel_without_stages_is_refused() {
    let p = only_problem("name = \"Воронка\"\n");
    assert_eq!(at(&p), (1, 1, "stages"));
    let p = only_problem("name = \"Воронка\"\nstages = []\n");
    assert_eq!(at(&p), (2, 10, "stages"));
}

// ---- fields ----

#[test]
fn unknown_required_field_lists_what_exists() {
    let p = only_problem(
        r#"name = "Воронка"
[[custom_fields]]
name = "Бюджет"
[[stages]]
name = "Квалификация"
required = ["owner", "Телефон клиента"]
"#,
    );
    assert_eq!(at(&p), (6, 22, "stages[0].required[1]"));
    assert!(
        p.message.starts_with(
            "no profile or custom field provides «Телефон клиента»; declare it under [[custom_fields]] or use one of: external_id, title,"
        ),
        "{}",
        p.message
    );
    assert!(p.message.ends_with("notes, «Бюджет»"), "{}", p.message);
}

#[test]
fn a_required_entry_may_carry_its_own_severity() {
    let funnel = load_str(
        r#"name = "Воронка"
[[stages]]
name = "Встреча проведена"
required = ["owner", { field = "phone", severity = "critical" }]
"#,
        Path::new("funnel.toml"),
    )
    .unwrap();
    let required = &funnel.stages[0].required;
    assert_eq!(required[0].severity, None, "the rule's level");
    assert_eq!(
        (required[1].field.label(), required[1].severity),
        ("phone", Some(Severity::Critical))
    );
    // okk's own fields by the names the card gives them.
    assert!(show(&funnel).contains("required: Owner, Phone (critical)"));
}

#[test]
fn a_wrong_required_entry_is_reported_where_it_is() {
    let all = problems(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
required = [
  { field = "phone", severity = "urgent" },
  { severity = "critical" },
  { field = "owner", weight = 3 },
  7,
]
"#,
    );
    let found: Vec<(usize, &str)> = all.iter().map(|p| (p.line, p.key.as_str())).collect();
    assert_eq!(
        found,
        [
            (5, "stages[0].required[0].severity"),
            (6, "stages[0].required[1]"),
            (7, "stages[0].required[2]"),
            (8, "stages[0].required[3]"),
        ]
    );
    assert_says(&all[0], "urgent");
    assert_says(&all[1], "field = ");
    assert_says(&all[2], "\"weight\"");
    assert_says(&all[3], "found a number");
}

/// docs/funnel.md lists the built-in funnel's idle limits and the fields whose being empty is
/// critical, stage by stage; `okk funnel show` must say the same.
#[test]
fn the_docs_and_funnel_show_agree_on_every_default_severity() {
    let docs =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/funnel.md"))
            .unwrap();
    let funnel = okk::funnel_config::default_funnel();
    let shown = show(&funnel);
    let section = docs
        .split("## The built-in funnel's severities")
        .nth(1)
        .expect("docs/funnel.md has the section");
    let rows: Vec<Vec<String>> = section
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Stage"))
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(rows.len(), funnel.stages.len(), "one row per stage");
    for (row, stage) in rows.iter().zip(&funnel.stages) {
        assert_eq!(row[0], stage.name);
        let limit = stage
            .max_idle_days
            .map_or("—".to_string(), |d| d.to_string());
        assert_eq!(row[1], limit, "«{}»'s idle limit", stage.name);
        let critical: Vec<String> = stage
            .required
            .iter()
            .filter(|r| r.severity == Some(Severity::Critical))
            .map(|r| r.field.label().to_string())
            .collect();
        let listed: Vec<String> = if row[2] == "—" {
            Vec::new()
        } else {
            row[2].split(", ").map(str::to_string).collect()
        };
        assert_eq!(listed, critical, "«{}»'s critical fields", stage.name);
        let rules: Vec<String> = stage
            .rules
            .iter()
            .filter(|r| r.severity() == Some(Severity::Critical))
            .map(|r| match r {
                Rule::Date(d) => format!("date «{}» {}", d.field.label(), d.must_be.word()),
                Rule::Markers(m) => {
                    format!("markers {}", funnel.markers.list(m.list).unwrap().name)
                }
                Rule::NoTask(_) => "no_task".to_string(),
            })
            .collect();
        let listed: Vec<&str> = if row[3] == "—" {
            Vec::new()
        } else {
            row[3].split(", ").collect()
        };
        assert_eq!(listed, rules, "«{}»'s critical rules", stage.name);
        for rule in &rules {
            assert!(shown.contains(&format!("{rule}  (critical)")), "{rule}");
        }
        // And show says each of them is critical.
        for field in &critical {
            assert!(shown.contains(&format!("{field} (critical)")), "{field}");
        }
        assert!(
            stage
                .required
                .iter()
                .all(|r| r.severity.is_none() || r.severity == Some(Severity::Critical)),
            "the table lists critical entries only"
        );
    }
    // docs/rules.md's table of rule codes: each default severity as okk has it.
    let rules =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md"))
            .unwrap();
    for code in okk::domain::flag::RuleCode::ALL {
        let row = rules
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", code.as_str())))
            .unwrap_or_else(|| panic!("docs/rules.md has no row for {}", code.as_str()));
        let severity = row.trim_end_matches('|').rsplit('|').next().unwrap().trim();
        let default = okk::domain::rules::default_severity(code).as_str();
        assert!(
            severity.starts_with(default),
            "{}: docs say {severity:?}, okk {default}",
            code.as_str()
        );
        assert!(shown.contains(&format!("{} {default}", code.as_str())));
    }
}

#[test]
fn bound_fields_must_be_custom_fields() {
    let all = problems(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
fields = ["phone", "Бюджет"]
"#,
    );
    let found: Vec<_> = all.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (4, 11, "stages[0].fields[0]"),
            (4, 20, "stages[0].fields[1]")
        ]
    );
    assert_says(&all[0], "move it to `required`");
    assert_says(&all[1], "no custom field «Бюджет»");
}

#[test]
fn duplicate_custom_field_names_are_reported() {
    let all = problems(
        r#"name = "Воронка"
[[custom_fields]]
name = "Дата встречи в офисе продаж"
aliases = ["Дата встречи"]
[[custom_fields]]
name = "дата встречи"
[[custom_fields]]
name = "Owner"
[[stages]]
name = "Квалификация"
"#,
    );
    let found: Vec<_> = all.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (6, 8, "custom_fields[1].name"),
            (8, 8, "custom_fields[2].name")
        ]
    );
    assert_says(
        &all[0],
        "custom field «Дата встречи в офисе продаж» (line 4, column 12)",
    );
    assert_says(&all[1], "profile field");
}

// ---- checklist ----

#[test]
fn checklist_item_without_id_or_text_is_reported() {
    let all = problems(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
  [[stages.checklist]]
  weight = 3
  [[stages.checklist]]
  id = "budget"
  text = "  "
"#,
    );
    let found: Vec<_> = all.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (4, 3, "stages[0].checklist[0].id"),
            (4, 3, "stages[0].checklist[0].text"),
            (8, 10, "stages[0].checklist[1].text"),
        ]
    );
}

#[test]
fn weight_out_of_range_is_reported() {
    let all = problems(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
checklist = [
  { id = "a", text = "А", weight = 0 },
  { id = "b", text = "Б", weight = 101 },
  { id = "c", text = "В", weight = 100 },
]
"#,
    );
    let found: Vec<_> = all.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (5, 36, "stages[0].checklist[0].weight"),
            (6, 36, "stages[0].checklist[1].weight"),
        ]
    );
    assert_eq!(
        all[0].message,
        "weight 0 is out of range; use a whole number from 1 to 100"
    );
}

// ---- files ----

#[test]
fn all_problems_are_reported_at_once_one_per_line() {
    let path = fixture("many_problems.toml");
    let error = load(&path).unwrap_err();
    let found: Vec<_> = error.problems.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (5, 8, "custom_fields[0].type"),
            (9, 17, "stages[0].max_idle_days"),
            (10, 22, "stages[0].required[1]"),
            (15, 12, "stages[0].checklist[0].weight"),
            (18, 8, "stages[0].checklist[1].id"),
            (19, 10, "stages[0].checklist[1].text"),
            (22, 8, "stages[1].name"),
            (23, 8, "stages[1].kind"),
        ]
    );
    let shown = error.to_string();
    let first = shown.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "{}:5:8: custom_fields[0].type: type «money» is not known; \
             use \"text\", \"date\", \"number\", \"bool\" or \"list\"",
            path.display()
        )
    );
    assert_eq!(shown.lines().count(), 8);
}

#[test]
fn minimal_funnel_file_loads() {
    let funnel = load(&fixture("minimal.toml")).unwrap();
    assert_eq!(funnel.name, "Входящие");
    assert_eq!(funnel.stages[0].kind, StageKind::Open);
    assert!(funnel.stages[0].checklist.is_empty());
}

#[test]
fn funnel_saved_in_cp1251_is_refused_with_the_spot() {
    let error = load(&fixture("cp1251.toml")).unwrap_err();
    let p = &error.problems[0];
    assert_eq!((p.line, p.column), (1, 9));
    assert_says(p, "save it as UTF-8");
}

#[test]
fn missing_file_is_reported_without_a_position() {
    let path = fixture("no_such_funnel.toml");
    let error = load(&path).unwrap_err();
    assert_eq!(error.problems[0].line, 0);
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}: cannot read the funnel file", path.display()))
    );
}

/// `OKK_FUNNEL` naming a file that is not there, on a first run (fresh home, no store): okk
/// says how to get one — only the ways that work here, and each one it names works pasted as
/// it is.
#[test]
fn a_funnel_path_with_no_file_says_how_to_start_one_in_both_languages() {
    let desk = common::Desk::new();
    let missing = desk.dir.path().join("x/funnel.toml");
    let default = desk.dir.path().join("home/.config/okk/funnel.toml");
    let okk = |lang: &str, args: &[&str]| {
        desk.okk_bare()
            .env("OKK_FUNNEL", &missing)
            .args(["--db", &common::path_arg(&desk.db), "--lang", lang])
            .args(args)
            .output()
            .unwrap()
    };
    let refused = |lang: &str, args: &[&str]| {
        let out = okk(lang, args);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let builtin = format!("`okk funnel init --out {}`", missing.display());
    let from_store = format!("`okk funnel init --from-store --out {}`", missing.display());
    let says = [
        (
            "en",
            "no funnel file there (--funnel or OKK_FUNNEL names it)",
        ),
        (
            "ru",
            "здесь нет файла воронки (его называет --funnel или OKK_FUNNEL)",
        ),
    ];
    // An empty store and no default file yet: the built-in funnel, nothing else.
    for (lang, says) in says {
        for args in [&["check"][..], &["funnel", "show"]] {
            let err = refused(lang, args);
            assert!(err.contains(says), "{lang}: {err}");
            assert!(err.contains(&builtin), "{lang}: {err}");
            assert!(!err.contains("--from-store"), "{lang}: {err}");
            assert!(!err.contains(".config"), "{lang}: {err}");
            assert!(
                !err.contains("cannot read") && !err.contains("не удаётся"),
                "{err}"
            );
        }
    }
    assert!(!desk.db.exists(), "asking made no store");
    // The way it names works: the built-in funnel, written where the variable points.
    let wrote = okk(
        "ru",
        &["funnel", "init", "--out", &common::path_arg(&missing)],
    );
    assert!(wrote.status.success(), "{wrote:?}");
    let said = String::from_utf8(wrote.stdout).unwrap();
    assert!(said.contains("встроенная воронка, 11 этапов"), "{said}");
    assert_eq!(
        std::fs::read_to_string(&missing).unwrap(),
        okk::funnel_config::DEFAULT_FUNNEL
    );
    let shown = okk("en", &["funnel", "show"]);
    assert!(shown.status.success(), "{shown:?}");

    // A store with cards, and the default file written by a run without OKK_FUNNEL: each way.
    std::fs::remove_file(&missing).unwrap();
    desk.import_one(&[&common::fixture("amocrm_utf8_bom.csv")]);
    let plain = desk
        .okk_bare()
        .args(["--db", &common::path_arg(&desk.db), "funnel", "show"])
        .output()
        .unwrap();
    assert!(plain.status.success(), "{plain:?}");
    assert!(
        default.is_file(),
        "a run without OKK_FUNNEL wrote the default funnel"
    );
    for (lang, says) in says {
        let err = refused(lang, &["check"]);
        assert!(err.contains(says), "{lang}: {err}");
        assert!(err.contains(&from_store), "{lang}: {err}");
        assert!(err.contains(&builtin), "{lang}: {err}");
        assert!(
            err.contains(&default.display().to_string()),
            "{lang}: {err}"
        );
    }
    let wrote = okk(
        "en",
        &[
            "funnel",
            "init",
            "--from-store",
            "--out",
            &common::path_arg(&missing),
        ],
    );
    assert!(wrote.status.success(), "{wrote:?}");
    let loaded = okk("en", &["check"]);
    assert!(loaded.status.success(), "{loaded:?}");
}

#[test]
fn byte_order_mark_does_not_shift_columns() {
    let p = only_problem("\u{feff}name = \"В\"\nstages = []\n");
    assert_eq!(at(&p), (2, 10, "stages"));
}

// ---- stage rules, markers and [rules] ----

/// A funnel with one date field, one text field, a `lost` marker list and one stage; `rest` is
/// appended (a stage's `[[stages.rules]]` or more tables). The stage header is on line 9.
fn with_rules(rest: &str) -> String {
    format!(
        r#"name = "Воронка"
[[custom_fields]]
name = "Дата встречи в офисе продаж"
type = "date"
[[custom_fields]]
name = "Интересующие параметры"
[markers]
lost = ["отказ", "не актуально"]
[[stages]]
name = "Встреча назначена"
{rest}"#
    )
}

#[test]
fn default_funnel_ships_date_and_marker_rules() {
    use okk::domain::rules::{MustBe, Rule};
    let funnel = okk::funnel_config::default_funnel();
    let lost = funnel.markers.id("lost").unwrap();
    let sold = funnel.markers.id("sold").unwrap();
    let meeting = FieldRef::Custom("Дата встречи в офисе продаж".into());
    let booking = FieldRef::Custom("Срок действия брони".into());
    let rules_of = |name: &str| &funnel.stages[funnel.resolve(name).unwrap()].rules;
    let scheduled = rules_of("Встреча назначена");
    assert!(scheduled.iter().any(|r| matches!(r,
        Rule::Date(d) if d.field == meeting && d.must_be == MustBe::NotPassed
            && d.severity == Some(okk::domain::flag::Severity::Critical))));
    let booked = rules_of("Бронирование");
    assert!(booked.iter().any(|r| matches!(r,
        Rule::Date(d) if d.field == booking && d.must_be == MustBe::NotPassed)));
    for stage in funnel.stages.iter().filter(|s| s.kind == StageKind::Open) {
        assert!(
            stage
                .rules
                .iter()
                .any(|r| matches!(r, Rule::Markers(m) if m.list == lost)),
            "{}",
            stage.name
        );
    }
    let early = [
        "Первичный контакт",
        "Квалификация",
        "Встреча назначена",
        "Встреча проведена",
    ];
    for stage in &funnel.stages {
        let has_sold = stage
            .rules
            .iter()
            .any(|r| matches!(r, Rule::Markers(m) if m.list == sold));
        assert_eq!(
            has_sold,
            early.contains(&stage.name.as_str()),
            "{}",
            stage.name
        );
    }
    for name in &early[3..] {
        assert!(rules_of(name).iter().any(|r| matches!(r,
            Rule::Date(d) if d.field == meeting && d.must_be == MustBe::Past)));
    }
}

#[test]
fn markers_rule_naming_a_missing_list_is_refused() {
    let p = only_problem(&with_rules(
        "  [[stages.rules]]\n  kind = \"markers\"\n  markers = \"sold\"\n",
    ));
    assert_eq!(at(&p), (13, 13, "stages[0].rules[0].markers"));
    assert_eq!(
        p.message,
        "there is no marker list «sold»; declare it under [markers] or use one of: lost"
    );
}

#[test]
fn marker_that_is_not_text_or_has_no_words_is_refused() {
    let all = problems(&with_rules("").replace(
        "lost = [\"отказ\", \"не актуально\"]",
        "lost = [\"отказ\", 3, \" … \"]",
    ));
    let found: Vec<_> = all.iter().map(at).collect();
    assert_eq!(
        found,
        [(8, 18, "markers.lost[1]"), (8, 21, "markers.lost[2]")]
    );
    assert_says(&all[0], "found a number");
    assert_says(&all[1], "no words");
}

#[test]
fn date_rule_field_must_be_a_date_field() {
    let rule = |field: &str| {
        only_problem(&with_rules(&format!(
            "  [[stages.rules]]\n  kind = \"date\"\n  field = \"{field}\"\n  must_be = \"future\"\n"
        )))
    };
    let p = rule("Дата визита");
    assert_eq!(at(&p), (13, 11, "stages[0].rules[0].field"));
    assert!(
        p.message.starts_with("no profile or custom field provides «Дата визита»; a date rule reads one of: created_at, updated_at, closed_at, expected_close_at, last_activity_at, «Дата встречи в офисе продаж»"),
        "{}",
        p.message
    );
    let p = rule("owner");
    assert_eq!(at(&p), (13, 11, "stages[0].rules[0].field"));
    assert!(
        p.message.starts_with("«owner» is not a date field"),
        "{}",
        p.message
    );
    let p = rule("Интересующие параметры");
    assert_says(&p, "is of type text");
}

#[test]
fn date_rule_without_field_or_must_be_is_refused() {
    let all = problems(&with_rules("  [[stages.rules]]\n  kind = \"date\"\n"));
    let found: Vec<_> = all.iter().map(at).collect();
    assert_eq!(
        found,
        [
            (11, 3, "stages[0].rules[0].field"),
            (11, 3, "stages[0].rules[0].must_be"),
        ]
    );
}

#[test]
fn comparing_rule_without_other_is_refused() {
    let p = only_problem(&with_rules(
        "  [[stages.rules]]\n  kind = \"date\"\n  field = \"Дата встречи в офисе продаж\"\n  must_be = \"before_field\"\n",
    ));
    assert_eq!(at(&p), (14, 13, "stages[0].rules[0].other"));
    assert_says(&p, "add other = ");
    let p = only_problem(&with_rules(
        "  [[stages.rules]]\n  kind = \"date\"\n  field = \"created_at\"\n  must_be = \"past\"\n  other = \"closed_at\"\n",
    ));
    assert_eq!(at(&p), (15, 11, "stages[0].rules[0].other"));
}

#[test]
fn rules_table_takes_known_codes_and_levels() {
    let all = problems(&with_rules(
        "[rules]\nidel = \"off\"\nbackwards = \"never\"\ngone = \"off\"\n",
    ));
    let found: Vec<_> = all.iter().map(at).collect();
    assert_eq!(found, [(12, 1, "rules.idel"), (13, 13, "rules.backwards")]);
    assert_says(&all[0], "required, idle, date");
    let funnel = load_str(
        &with_rules("[rules]\nbackwards = \"off\"\nidle = \"critical\"\n"),
        Path::new("funnel.toml"),
    )
    .unwrap();
    use okk::domain::flag::{RuleCode, Severity};
    assert_eq!(funnel.rule_settings.level(RuleCode::Backwards), None);
    assert_eq!(
        funnel.rule_settings.level(RuleCode::Idle),
        Some(Severity::Critical)
    );
}

// ---- in Russian ----

#[path = "support/english.rs"]
mod english;

/// The file's own words a Russian message quotes: profile field keys, rule codes, list names,
/// checklist ids, table names and the values a user wrote.
const KEYS: &[&str] = &[
    "amount",
    "owner",
    "phone",
    "status",
    "title",
    "pipeline",
    "contact",
    "company",
    "currency",
    "email",
    "tags",
    "notes",
    "gone",
    "idle",
    "sold",
    "checklist",
    "need",
    "closed",
    "sent",
    "set",
    "named",
    "matches",
    // The built-in funnel's aliases: the CRMs' own stage names (Bitrix24's «Deal successful»).
    "deal",
];

/// A funnel with a mistake of most kinds a desk lead makes by hand.
const MANY_MISTAKES: &str = r#"
name = "Сломанная"
checklist_default = "maybe"

[markers]
lost = "отказ"

[rules]
idel = "warning"
gone = "loud"

[[stages]]
name = "Первичный контакт"
kind = "closed"
max_idle_days = 0
required = ["Бюджет сделки", 5]
  [[stages.checklist]]
  id = "need"
  text = "Выяснена потребность"
  weight = 500
  [[stages.checklist]]
  id = "need"
  text = "Ещё раз"
  scale = 20
  [[stages.rules]]
  kind = "date"
  field = "Бюджет сделки"
  must_be = "someday"
  [[stages.rules]]
  kind = "markers"
  markers = "sold"

[[stages]]
name = "Первичный контакт"

[[custom_fields]]
name = "Телефон"
type = "phone"
"#;

#[test]
fn a_russian_desk_lead_reads_every_funnel_mistake_in_russian_at_its_place() {
    use okk::text::lang::{Lang, with};
    let ru = with(Lang::Ru, || problems(MANY_MISTAKES));
    let en = with(Lang::En, || problems(MANY_MISTAKES));
    assert!(ru.len() >= 5, "{ru:#?}");
    // The same problems at the same places, only the words differ.
    let places = |ps: &[Problem]| {
        ps.iter()
            .map(|p| (p.line, p.column, p.key.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(places(&ru), places(&en));
    let text: Vec<String> = ru.iter().map(|p| p.to_string()).collect();
    let text = text.join("\n");
    english::assert_russian("funnel check", &text, KEYS);
    let wrong_type = "name = \"Ф\"\n[[stages]]\nname = \"А\"\nmax_idle_days = \"семь\"\n";
    let en = with(Lang::En, || only_problem(wrong_type)).message;
    let ru = with(Lang::Ru, || only_problem(wrong_type)).message;
    assert_eq!(
        en,
        "string \"семь\" is the wrong type here; write a whole number, without quotes"
    );
    assert_eq!(
        ru,
        "текст \"семь\" — здесь неверный тип; напишите целое число без кавычек"
    );
}

#[test]
fn every_single_mistake_reads_in_russian() {
    use okk::text::lang::{Lang, with};
    let cases = [
        "name = \"Ф\"\n",
        "[[stages]]\nname = \"А\"\n",
        "name = \"Ф\"\n[stages]\nname = \"А\"\n",
        "name = \"Ф\"\nrules = 5\n[[stages]]\nname = \"А\"\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\naliases = [\"\"]\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\nfields = [\"Нет такого\", \"owner\"]\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\n[[stages.checklist]]\nweight = 1\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\nrequired = [{ field = \"owner\", colour = \"x\" }, { severity = \"info\" }, true]\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\n[[stages.rules]]\nkind = \"idle\"\n[[stages.rules]]\n[[stages.rules]]\nkind = \"x\"\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\n[[stages.rules]]\nkind = \"date\"\nmust_be = \"future\"\nother = \"created_at\"\nmarkers = \"lost\"\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\n[[stages.rules]]\nkind = \"date\"\nfield = \"title\"\nmust_be = \"before_field\"\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\n[[stages.rules]]\nkind = \"markers\"\n",
        "name = \"Ф\"\n[markers]\nlost = [\"\", 5]\n[[stages]]\nname = \"А\"\n",
        "name = \"Ф\"\n[[custom_fields]]\ntype = \"text\"\n[[custom_fields]]\nname = \"Б\"\n[[custom_fields]]\nname = \"Б\"\n[[stages]]\nname = \"А\"\n",
        // The TOML reader's own complaints, which it words in English.
        "name = \"Ф\n[[stages]]\nname = \"А\"\n",
        "name = Ф\n[[stages]]\nname = \"А\"\n",
        "name = \"Ф\"\n[[stages]\nname = \"А\"\n",
        "name = \"Ф\"\n[[stages]]\nname \"А\"\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\" kind = \"open\"\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\naliases = [\"Б\" \"В\"]\n",
        "name = \"Ф\"\n[[stages]]\nname = \"А\"\naliases = [\"Б\"\n",
    ];
    for src in cases {
        let ru = with(Lang::Ru, || match load_str(src, Path::new("f.toml")) {
            Ok(_) => panic!("expected problems:\n{src}"),
            Err(e) => e.to_string(),
        });
        english::assert_russian(src, &ru, KEYS);
    }
}

#[test]
fn funnel_show_reads_in_russian() {
    use okk::text::lang::{Lang, with};
    let funnel = load_str(DEFAULT_FUNNEL, Path::new("assets/funnel.toml")).unwrap();
    let ru = with(Lang::Ru, || show(&funnel));
    english::assert_russian("okk funnel show", &ru, KEYS);
    assert!(ru.starts_with("Воронка: "), "{ru}");
    assert!(
        ru.contains("Отработка возражений  [открытый, доп. контроль"),
        "{ru}"
    );
    assert!(ru.contains("предел простоя: 7 дней"), "{ru}");
    let en = with(Lang::En, || show(&funnel));
    assert!(
        en.contains("Отработка возражений  [open, extra control"),
        "{en}"
    );
}

#[test]
fn okk_funnel_check_on_a_russian_locale_points_at_the_place_in_russian() {
    let desk = common::Desk::new();
    let (err, file) = desk.funnel_check_broken("ru_RU.UTF-8");
    assert!(
        err.contains(&format!(
            "{file}:5:8: stages[0].kind: kind «closed» — неизвестное значение; используйте \"open\", \"won\" или \"lost\""
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}:6:17: stages[0].max_idle_days: max_idle_days 0 — вне"
        )),
        "{err}"
    );
    english::assert_russian("okk funnel check", &err, KEYS);
}

/// A funnel that renames a stage without keeping the old name as an alias (or removes it)
/// would leave that stage's cards and their reviews «not in the funnel»: `funnel check --store`
/// says so before it is used, with the stage that looks renamed, in either language, and still
/// passes the file (a warning, exit 0).
#[test]
fn okk_funnel_check_store_warns_of_cards_a_funnel_would_leave_out() {
    let desk = common::Desk::new();
    desk.import_one(&[&common::fixture("resync/v1.csv")]);
    desk.review(
        "4004",
        "anna",
        "2026-11-20 12:00:00",
        &common::Verdict::of("ok"),
    );
    // The funnel the store runs with is recorded by the first command that judges the cards.
    desk.run_ok(&["stats"]);
    let text = std::fs::read_to_string(common::funnel_path()).unwrap();
    let renamed = desk.dir.path().join("renamed.toml");
    let from = "name = \"Встреча назначена\"";
    assert_eq!(text.matches(from).count(), 1);
    std::fs::write(
        &renamed,
        text.replace(from, "name = \"Встреча запланирована\""),
    )
    .unwrap();
    let check = |lang: &str| {
        let out = desk
            .okk_funnel(&renamed)
            .args(["--lang", lang, "funnel", "check", "--store"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stderr).unwrap()
    };
    let en = check("en");
    assert_eq!(
        en.trim_end(),
        "okk: warning: 1 card (and 1 review) is at «Встреча назначена», which this funnel no \
         longer has, so it would leave them out («not in the funnel»); add «Встреча назначена» to \
         the aliases of the stage they belong to (of «Встреча запланирована», if that is the \
         stage renamed)"
    );
    let ru = check("ru");
    assert!(
        ru.contains(
            "1 карточка (и проверок: 1) стоит на этапе «Встреча назначена», которого в этой \
             воронке больше нет"
        ),
        "{ru}"
    );
    assert!(ru.contains("этапа «Встреча запланирована»"), "{ru}");
    english::assert_russian("okk funnel check --store", &ru, KEYS);
    // The funnel the cards are in: nothing to say.
    let same = desk
        .okk()
        .args(["funnel", "check", "--store"])
        .output()
        .unwrap();
    assert!(
        same.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
}
