//! English a fresh pair of eyes found in the Russian interface, each said in Russian now: the
//! filter word `okk lead` shows for disputed cards, an environment variable's bad value named as
//! the variable, a command left without its subcommand.

mod common;

#[path = "support/english.rs"]
mod english;

use common::{Desk, Verdict};

const AT: &str = "2026-11-20 12:00:00";

/// `okk --lang LANG ARGS` on `desk` (with `OKK_TODAY` as `today` when given): exit code,
/// stdout, stderr.
fn run(desk: &Desk, lang: &str, today: Option<&str>, args: &[&str]) -> (i32, String, String) {
    let mut cmd = desk.okk();
    if let Some(today) = today {
        cmd.env("OKK_TODAY", today);
    }
    let out = cmd.args(["--lang", lang]).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Two auditors split on whether a card is ok, and no lead has decided: `okk stats` and
/// `okk export crm` send the lead to `okk lead`'s filter by the word its filter bar shows.
#[test]
fn disputed_cards_point_to_the_filter_word_the_lead_s_list_shows() {
    let desk = Desk::demo();
    desk.review("31999149", "anna", AT, &Verdict::of("ok"));
    desk.review("31999149", "boris", AT, &Verdict::of("dead"));
    let (_, ru, err) = run(&desk, "ru", None, &["stats"]);
    assert!(
        ru.contains("пока не решит руководитель: `okk lead`, фильтр `спор`)"),
        "{ru}{err}"
    );
    assert!(!ru.contains("disagree"), "{ru}");
    let (_, en, _) = run(&desk, "en", None, &["stats"]);
    assert!(en.contains("`okk lead`, filter `disagree`)"), "{en}");

    let out = desk.file("to_amo.csv");
    let args = [
        "export",
        "crm",
        "--profile",
        "amocrm",
        "--out",
        out.as_str(),
    ];
    let (code, ru, err) = run(&desk, "ru", None, &args);
    assert_eq!(code, 0, "{err}");
    assert!(
        ru.contains("(`okk lead`, фильтр `спор`): #31999149"),
        "{ru}"
    );
    let (_, en, _) = run(&desk, "en", None, &[&args[..], &["--force"]].concat());
    assert!(en.contains("(`okk lead`, filter `disagree`)"), "{en}");
}

/// A bad `OKK_TODAY` is named as the variable the user set, not as `--today`, which they never
/// typed; a bad `--today` as the flag.
#[test]
fn a_bad_value_from_the_environment_names_the_variable() {
    let desk = Desk::demo();
    let (code, _, ru) = run(&desk, "ru", Some("garbage"), &["stats"]);
    assert_eq!(code, 2, "{ru}");
    assert!(
        ru.starts_with(
            "ошибка: недопустимое значение «garbage» в переменной окружения OKK_TODAY (читается \
             как «--today <ГГГГ-ММ-ДД>»): «garbage» — не день"
        ),
        "{ru}"
    );
    assert!(!ru.contains("Использование"), "{ru}");
    let (code, _, en) = run(&desk, "en", Some("garbage"), &["stats"]);
    assert_eq!(code, 2, "{en}");
    assert!(
        en.starts_with(
            "error: invalid value 'garbage' in the environment variable OKK_TODAY (read as \
             '--today <YYYY-MM-DD>'): «garbage» is not a day"
        ),
        "{en}"
    );
    // Typed on the command line: the flag, as before.
    let (code, _, ru) = run(&desk, "ru", None, &["stats", "--today", "garbage"]);
    assert_eq!(code, 2, "{ru}");
    assert!(
        ru.contains("недопустимое значение «garbage» для «--today <ГГГГ-ММ-ДД>»"),
        "{ru}"
    );
    assert!(!ru.contains("OKK_TODAY"), "{ru}");
    let (_, _, en) = run(&desk, "en", None, &["stats", "--today=garbage"]);
    assert!(en.contains("invalid value 'garbage' for '--today"), "{en}");
    assert!(!en.contains("OKK_TODAY"), "{en}");
}

/// `okk db` alone, with a global option set (`OKK_TODAY` in the environment: without one clap
/// prints the command's help): Russian, listing the commands, where clap's English kind name
/// showed.
#[test]
fn a_command_without_its_subcommand_is_said_in_russian_with_the_commands() {
    let desk = Desk::new();
    let (code, _, ru) = run(&desk, "ru", Some("2026-11-20"), &["db"]);
    assert_eq!(code, 2, "{ru}");
    assert!(
        ru.starts_with(
            "ошибка: после «okk db» нужна команда, а она не указана\n  [команды: copy, roles"
        ),
        "{ru}"
    );
    assert!(!ru.contains("MissingSubcommand"), "{ru}");
    english::assert_russian("okk db", &ru, &["okk", "db", "copy", "roles", "help"]);
    let (code, _, en) = run(&desk, "en", Some("2026-11-20"), &["bundle"]);
    assert_eq!(code, 2, "{en}");
    assert!(
        en.contains("'okk bundle' requires a subcommand but one was not provided"),
        "{en}"
    );
}
