//! The funnel file as a desk lead meets it: the built-in funnel loads, and every mistake in a
//! hand-edited funnel comes back with the line, column and key to fix.

use std::path::Path;

use okk::domain::card::SystemField;
use okk::domain::funnel::{DefaultAnswer, FieldRef, StageKind};
use okk::funnel::{DEFAULT_FUNNEL, Problem, load, load_str, show};

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
    assert_eq!(funnel.custom_fields.len(), 4);
}

#[test]
fn default_funnel_puts_extra_control_stages_first_in_the_queue() {
    let funnel = okk::funnel::default_funnel();
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
    let funnel = okk::funnel::default_funnel();
    for stage in funnel.stages.iter().filter(|s| s.kind == StageKind::Open) {
        assert!(
            stage
                .required
                .contains(&FieldRef::System(SystemField::Owner)),
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
    let funnel = okk::funnel::default_funnel();
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
    assert_eq!(
        stage.required,
        [FieldRef::System(SystemField::Owner), canonical.clone()]
    );
    assert_eq!(stage.fields, ["Дата встречи в офисе продаж"]);
    assert_eq!(stage.checklist[0].field, Some(canonical));
    assert_eq!(stage.checklist[0].weight, 1, "weight defaults to 1");
    assert!(stage.skippable, "skippable defaults to true");
}

#[test]
fn show_prints_the_default_funnel() {
    insta::assert_snapshot!(show(&okk::funnel::default_funnel()));
}

// ---- TOML shape ----

#[test]
fn unknown_key_is_reported_with_its_line() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Первичный контакт"
max_idle_dayz = 3
"#,
    );
    assert_eq!(at(&p), (4, 1, "stages[0].max_idle_dayz"));
    assert!(
        p.message.contains("unknown key «max_idle_dayz»"),
        "{}",
        p.message
    );
    assert!(p.message.contains("max_idle_days"), "{}", p.message);
}

#[test]
fn unknown_key_in_a_checklist_item_names_the_item() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Первичный контакт"
  [[stages.checklist]]
  id = "next_step"
  text = "Следующий шаг назначен"
  wieght = 3
"#,
    );
    assert_eq!(at(&p), (7, 3, "stages[0].checklist[0].wieght"));
}

#[test]
fn unknown_top_level_key_is_reported() {
    let p = only_problem("name = \"Воронка\"\npipeline = \"Продажи\"\n");
    assert_eq!(at(&p), (2, 1, "pipeline"));
}

#[test]
fn toml_syntax_error_gives_line_and_column() {
    let p = only_problem("name = \"Воронка\"\n[[stages]]\nname = \"Первичный контакт\n");
    assert_eq!((p.line, p.column), (3, 26));
    assert!(p.message.starts_with("not valid TOML"), "{}", p.message);
}

#[test]
fn wrong_value_type_says_what_to_write() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Первичный контакт"
max_idle_days = "три"
"#,
    );
    assert_eq!(at(&p), (4, 17, "stages[0].max_idle_days"));
    assert!(p.message.contains("a whole number"), "{}", p.message);
}

#[test]
fn key_set_twice_is_reported_at_the_second_one() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
kind = "open"
name = "Встреча назначена"
"#,
    );
    assert_eq!(at(&p), (5, 1, "stages[0].name"));
    assert!(p.message.contains("set twice"), "{}", p.message);
}

#[test]
fn single_bracket_stage_header_asks_for_double_brackets() {
    let p = only_problem("name = \"Воронка\"\n[stages]\nname = \"Квалификация\"\n");
    assert_eq!(at(&p), (2, 1, "stages"));
    assert!(p.message.contains("[[…]]"), "{}", p.message);
}

// ---- stages ----

#[test]
fn funnel_without_stages_is_refused() {
    let p = only_problem("name = \"Воронка\"\n");
    assert_eq!(at(&p), (1, 1, "stages"));
    let p = only_problem("name = \"Воронка\"\nstages = []\n");
    assert_eq!(at(&p), (2, 10, "stages"));
}

#[test]
fn funnel_without_a_name_is_refused() {
    let p = only_problem("[[stages]]\nname = \"Первичный контакт\"\n");
    assert_eq!(at(&p), (1, 1, "name"));
}

#[test]
fn missing_stage_name_points_at_the_stage_header() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Первичный контакт"
[[stages]]
kind = "won"
"#,
    );
    assert_eq!(at(&p), (4, 1, "stages[1].name"));
    assert!(p.message.contains("add name ="), "{}", p.message);
}

#[test]
fn duplicate_stage_name_says_where_the_first_one_is() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
[[stages]]
name = "Встреча назначена"
[[stages]]
name = "квалификация "
"#,
    );
    assert_eq!(at(&p), (7, 8, "stages[2].name"));
    assert!(
        p.message
            .contains("stage «Квалификация» (line 3, column 8)"),
        "{}",
        p.message
    );
}

#[test]
fn alias_equal_to_another_stages_name_is_a_duplicate() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Встреча назначена"
[[stages]]
name = "Встреча проведена"
aliases = ["Встреча состоялась", "ВСТРЕЧА  назначена"]
"#,
    );
    assert_eq!(at(&p), (6, 34, "stages[1].aliases[1]"));
    assert!(p.message.contains("(line 3, column 8)"), "{}", p.message);
}

#[test]
fn unknown_stage_kind_is_refused() {
    let p = only_problem("name = \"В\"\n[[stages]]\nname = \"Сделка\"\nkind = \"win\"\n");
    assert_eq!(at(&p), (4, 8, "stages[0].kind"));
    assert!(p.message.contains("\"won\""), "{}", p.message);
}

#[test]
fn zero_idle_days_is_refused() {
    let p = only_problem("name = \"В\"\n[[stages]]\nname = \"Сделка\"\nmax_idle_days = 0\n");
    assert_eq!(at(&p), (4, 17, "stages[0].max_idle_days"));
    assert!(p.message.contains("remove the key"), "{}", p.message);
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
    assert!(
        all[0].message.contains("move it to `required`"),
        "{}",
        all[0].message
    );
    assert!(
        all[1].message.contains("no custom field «Бюджет»"),
        "{}",
        all[1].message
    );
}

#[test]
fn checklist_field_must_exist() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
  [[stages.checklist]]
  id = "budget"
  text = "Бюджет указан"
  field = "Бюджет"
"#,
    );
    assert_eq!(at(&p), (7, 11, "stages[0].checklist[0].field"));
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
    assert!(
        all[0]
            .message
            .contains("custom field «Дата встречи в офисе продаж» (line 4, column 12)"),
        "{}",
        all[0].message
    );
    assert!(
        all[1].message.contains("profile field"),
        "{}",
        all[1].message
    );
}

#[test]
fn unknown_custom_field_type_is_refused() {
    let p = only_problem(
        "name = \"В\"\n[[custom_fields]]\nname = \"Бюджет\"\ntype = \"money\"\n[[stages]]\nname = \"С\"\n",
    );
    assert_eq!(at(&p), (4, 8, "custom_fields[0].type"));
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
fn duplicate_checklist_id_within_a_stage_is_reported() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Квалификация"
  [[stages.checklist]]
  id = "next_step"
  text = "Следующий шаг назначен"
  [[stages.checklist]]
  id = "next_step"
  text = "Дата следующего шага указана"
[[stages]]
name = "Встреча назначена"
  [[stages.checklist]]
  id = "next_step"
  text = "В другом этапе тот же id можно"
"#,
    );
    assert_eq!(at(&p), (8, 8, "stages[0].checklist[1].id"));
    assert!(p.message.contains("(line 5, column 8)"), "{}", p.message);
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

#[test]
fn scale_out_of_range_is_reported() {
    let p = only_problem(
        r#"name = "Воронка"
[[stages]]
name = "Встреча проведена"
  [[stages.checklist]]
  id = "meeting_quality"
  text = "Качество встречи"
  scale = 11
"#,
    );
    assert_eq!(at(&p), (7, 11, "stages[0].checklist[0].scale"));
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
    assert!(p.message.contains("save it as UTF-8"), "{}", p.message);
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

#[test]
fn byte_order_mark_does_not_shift_columns() {
    let p = only_problem("\u{feff}name = \"В\"\nstages = []\n");
    assert_eq!(at(&p), (2, 10, "stages"));
}
