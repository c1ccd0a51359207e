//! The command line in Russian: `okk --help` and every subcommand's help, clap's own words too,
//! and wrong usage answered in Russian with exit code 2; English help stays what clap writes.

mod common;

#[path = "support/english.rs"]
mod english;

use clap::CommandFactory;
use common::{Desk, succeeded};
use english::assert_russian;
use okk::text::lang::{self, Lang};

/// Data and names the help shows as they are: CRM and file-format names, codes and keys.
const NAMES: &[&str] = &[
    "okk",
    "amocrm",
    "bitrix24",
    "hubspot",
    "pipedrive",
    "salesforce",
    "kommo",
    "generic",
    "auto",
    "SQLite",
    "CSV",
    "XLSX",
    "XLSB",
    "XLS",
    "ODS",
    "JSON",
    "HTML",
    "REST",
    "API",
    "APIs",
    "Excel",
    "HubSpot",
    "Salesforce",
    "Bitrix24",
    "User",
    "Id",
    "TOML",
    "UTF",
    "windows",
    "koi8",
    "KOI8",
    "zip",
    "ods",
    "xls",
    "RFC",
    "webhook",
    "demo",
    "help",
    "version",
];

/// The names of commands and flags (machine contracts, English in both languages) and [`NAMES`].
fn allowed() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        out.push(cmd.get_name().to_string());
        for arg in cmd.get_arguments() {
            if let Some(long) = arg.get_long() {
                out.extend(long.split('-').map(str::to_string));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out: Vec<String> = NAMES.iter().map(|n| n.to_string()).collect();
    walk(&okk::cli::Cli::command(), &mut out);
    out
}

fn assert_russian_cli(what: &str, text: &str) {
    let allowed = allowed();
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    assert_russian(what, text, &allowed);
}

/// Every command's path in the tree (`""` is okk itself), in the tree's order.
fn paths(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
    out.push(path.to_string());
    for sub in cmd.get_subcommands() {
        let p = if path.is_empty() {
            sub.get_name().to_string()
        } else {
            format!("{path} {}", sub.get_name())
        };
        paths(sub, &p, out);
    }
}

fn find<'a>(cmd: &'a mut clap::Command, path: &str) -> &'a mut clap::Command {
    path.split_whitespace().fold(cmd, |c, name| {
        c.find_subcommand_mut(name).expect("a subcommand")
    })
}

#[test]
fn every_command_s_help_reads_in_russian_clap_s_words_too() {
    let mut all = Vec::new();
    paths(&okk::cli::Cli::command(), "", &mut all);
    assert!(all.len() > 20, "{all:?}");
    lang::with(Lang::Ru, || {
        let mut cmd = okk::app::help::command();
        cmd.build();
        for path in &all {
            let help = find(&mut cmd, path).render_help().to_string();
            assert_russian_cli(&format!("okk {path} --help"), &help);
            for word in [
                "Usage",
                "Options",
                "Commands",
                "Arguments",
                "[default",
                "[env",
                "possible",
            ] {
                assert!(!help.contains(word), "okk {path} --help: «{word}»\n{help}");
            }
            assert!(help.contains("Использование: okk"), "okk {path}:\n{help}");
            assert!(help.contains("Показать справку"), "okk {path}:\n{help}");
        }
    });
}

#[test]
fn the_russian_help_keeps_flags_defaults_env_and_choices_in_its_own_words() {
    let desk = Desk::new();
    let help = succeeded(desk.okk_bare().args(["--lang", "ru", "import", "--help"]));
    assert!(
        help.contains("Использование: okk import [ПАРАМЕТРЫ] <ФАЙЛ>..."),
        "{help}"
    );
    assert!(help.contains("Аргументы:\n  <ФАЙЛ>..."), "{help}");
    assert!(help.contains("      --db <ПУТЬ> "), "{help}");
    assert!(help.contains("[по умолчанию: auto]"), "{help}");
    assert!(help.contains("[варианты: auto, amocrm, bitrix24"), "{help}");
    assert!(help.contains("[переменная окружения: OKK_DB]"), "{help}");
    assert!(help.contains("--dry-run "), "{help}");
    let root = succeeded(desk.okk_bare().env("OKK_LANG", "ru").arg("--help"));
    assert!(root.contains("Команды:\n  import "), "{root}");
    assert!(root.contains("  help       Показать эту справку"), "{root}");
    assert!(
        root.contains("  -V, --version             Показать версию"),
        "{root}"
    );
    assert!(root.contains("Начните с `okk demo`."), "{root}");
    assert_russian_cli("okk --help", &root);
    // `okk help CMD` is the same page as `okk CMD --help`.
    let via_help = succeeded(desk.okk_bare().args(["--lang", "ru", "help", "import"]));
    assert_eq!(via_help, help);
    let nested = succeeded(
        desk.okk_bare()
            .args(["--lang", "ru", "bundle", "help", "import"]),
    );
    assert!(
        nested.contains("Использование: okk bundle import"),
        "{nested}"
    );
}

#[test]
fn the_english_help_is_clap_s_and_the_english_catalogue_says_the_same_as_the_doc_comments() {
    let desk = Desk::new();
    let help = succeeded(desk.okk_bare().args(["--lang", "en", "--help"]));
    let expected = okk::cli::Cli::command().render_help().to_string();
    assert_eq!(help, expected);
    assert!(help.contains("Usage: okk [OPTIONS] [COMMAND]"));

    // The English messages mirror the doc comments, so the Russian ones translate what is shown.
    let mut cmd = okk::cli::Cli::command();
    cmd.build();
    let mut all = Vec::new();
    paths(&okk::cli::Cli::command(), "", &mut all);
    let mut silent = Vec::new();
    lang::with(Lang::En, || {
        for path in all.iter().filter(|p| !p.ends_with("help")) {
            let c = find(&mut cmd, path);
            let about = c.get_about().map(|a| a.to_string());
            assert_eq!(okk::text::cli::about(path), about, "okk {path}: about");
            let after = c.get_after_help().map(|a| a.to_string());
            assert_eq!(
                okk::text::cli::after_help(path),
                after,
                "okk {path}: after help"
            );
            for arg in c.get_arguments() {
                // Globals are checked once, on okk itself.
                if arg.is_global_set() && !path.is_empty() {
                    continue;
                }
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                let help = arg.get_help().map(|h| h.to_string());
                // Every argument says what it is (`okk calibrate report --help` showed `[ID]`
                // with nothing beside it).
                if help.is_none() {
                    silent.push(format!("okk {path} {id}"));
                }
                assert_eq!(okk::text::cli::arg(path, id), help, "okk {path} --{id}");
            }
        }
    });
    assert!(silent.is_empty(), "arguments without a help: {silent:#?}");
}

/// `okk --help` names every kind of file `okk import` reads: it said «CSV or XLSX» while ODS,
/// XLS and XLSB were read too (and Bitrix24's HTML table, since).
#[test]
fn the_help_names_every_file_kind_import_reads() {
    let desk = Desk::new();
    for lang in ["en", "ru"] {
        let help = succeeded(desk.okk_bare().args(["--lang", lang, "--help"]));
        let import = help
            .lines()
            .find(|l| l.trim_start().starts_with("import "))
            .unwrap_or_else(|| panic!("{lang}: no import line:\n{help}"));
        for kind in ["CSV", "XLSX", "XLSB", "XLS", "ODS", "HTML"] {
            assert!(import.contains(kind), "{lang}: {kind} missing: {import}");
        }
    }
}

fn failed_with_2(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty());
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn wrong_usage_is_answered_in_russian_with_the_usage_and_exit_code_2() {
    let desk = Desk::new();
    let ru = |args: &[&str]| {
        let mut cmd = desk.okk_bare();
        cmd.env("LANG", "ru_RU.UTF-8").args(args);
        failed_with_2(&mut cmd)
    };
    let unknown = ru(&["stats", "--jsn"]);
    assert!(
        unknown.starts_with("ошибка: неожиданный аргумент «--jsn»"),
        "{unknown}"
    );
    assert!(
        unknown.contains("подсказка: может быть, «--json»?"),
        "{unknown}"
    );
    assert!(
        unknown.contains("Использование: okk stats [ПАРАМЕТРЫ]"),
        "{unknown}"
    );
    assert!(unknown.ends_with("Подробнее — в «--help».\n"), "{unknown}");

    let command = ru(&["importt"]);
    assert!(
        command.contains("неизвестная команда «importt»"),
        "{command}"
    );
    assert!(command.contains("«import»"), "{command}");

    let missing = ru(&["import"]);
    assert!(
        missing.contains("не указаны обязательные аргументы:\n  <ФАЙЛ>..."),
        "{missing}"
    );

    let choice = ru(&["import", "--profile", "amo", "x.csv"]);
    assert!(
        choice.contains("недопустимое значение «amo» для «--profile <ПРОФИЛЬ>»"),
        "{choice}"
    );
    assert!(choice.contains("[варианты: auto, amocrm,"), "{choice}");

    let number = ru(&["queue", "--stage", "a", "--limit", "x"]);
    assert!(
        number.contains("«x» для «--limit <N>»: ожидается целое число"),
        "{number}"
    );

    let conflict = ru(&["stats", "--json", "--csv"]);
    assert!(
        conflict.contains("«--json» нельзя указывать вместе с «--csv»"),
        "{conflict}"
    );

    let twice = ru(&["--lang", "ru", "--lang", "en", "stats"]);
    assert!(twice.contains("нельзя указывать несколько раз"), "{twice}");

    for text in [unknown, command, missing, choice, number, conflict, twice] {
        assert_russian_cli("a Russian usage error", &text);
    }
}

#[test]
fn wrong_usage_in_english_is_clap_s_own_message() {
    let desk = Desk::new();
    let text = failed_with_2(desk.okk_bare().args(["stats", "--jsn"]));
    assert!(
        text.starts_with("error: unexpected argument '--jsn' found"),
        "{text}"
    );
    assert!(text.contains("Usage: okk stats"), "{text}");
}

/// Words of the data in the fixtures (Latin headers, file names), not okk's.
const DATA: &[&str] = &[
    "phone",
    "amocrm_bad_date",
    "bitrix24_deals",
    "csv",
    "fixtures",
    "import",
];

fn with_data(text: &str) -> String {
    // File paths are data: their Latin words are the file system's, not okk's.
    text.lines()
        .filter(|l| !l.starts_with('/'))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_import_report_reads_in_russian_with_plural_forms_and_the_file_line_kept() {
    let desk = Desk::new();
    let out = succeeded(desk.okk().args([
        "--lang",
        "ru",
        "import",
        &common::fixture("amocrm_bad_date.csv"),
        &common::fixture("bitrix24_deals.csv"),
    ]));
    assert!(
        out.contains("  профиль   amocrm (найдено заголовков профиля: 7 ("),
        "{out}"
    );
    assert!(
        out.contains("  кодировка UTF-8 (корректный UTF-8), разделитель «,»"),
        "{out}"
    );
    assert!(out.contains("  строк     3 (карточек: 3)"), "{out}");
    assert!(
        out.contains("  карточки  новых 3, обновлено 0 (сменили этап 0)"),
        "{out}"
    );
    // Cards a full export lacks are never deleted: the report calls them what the desk does.
    assert!(out.contains("без изменений 0, нет в CRM 0\n"), "{out}");
    assert!(!out.contains("удал"), "{out}");
    assert!(out.contains("  предупреждений 1\n    строка 3 [Дата создания сделки]: «32.13.2026 10:00:00» — не дата"), "{out}");
    // Counted among the source's cards, and said so: another source's there are not in it.
    assert!(
        out.contains(
            "неизвестные этапы (их нет в воронке; добавьте их или их псевдонимы), карточек \
             источника «bitrix24»: «Новая» (1)"
        ),
        "{out}"
    );
    let mut allowed = allowed();
    allowed.extend(DATA.iter().map(|d| d.to_string()));
    let allowed: Vec<&str> = allowed.iter().map(String::as_str).collect();
    assert_russian("okk import", &with_data(&out), &allowed);

    // The same import in English reads as it always has.
    let desk = Desk::new();
    let en = succeeded(
        desk.okk()
            .args(["import", &common::fixture("amocrm_bad_date.csv")]),
    );
    assert!(en.contains("  rows      3 (3 cards)"), "{en}");
    let en = succeeded(
        desk.okk()
            .args(["import", &common::fixture("bitrix24_deals.csv")]),
    );
    assert!(
        en.contains(
            "unknown stages (not in the funnel; add them or their aliases), cards of \
             «bitrix24»: «Новая» (1)"
        ),
        "{en}"
    );
    assert!(
        en.contains("  cards     3 new, 0 updated (0 moved stage), 0 unchanged, 0 gone"),
        "{en}"
    );
}

#[test]
fn okk_check_counts_and_refuses_in_russian() {
    let desk = Desk::new();
    succeeded(
        desk.okk()
            .args(["import", &common::fixture("bitrix24_deals.csv")]),
    );
    let out = succeeded(
        desk.okk()
            .args(["--lang", "ru", "--today", "2026-11-20", "check"]),
    );
    let total = out.lines().last().unwrap_or_default();
    assert!(
        total.ends_with("карточки с флагами")
            || total.ends_with("карточек с флагами")
            || total.ends_with("карточка с флагами"),
        "{out}"
    );
    assert_russian_cli("okk check: the total", total);
    // Each flag's severity and rule are words of the language (the rule's code, which --rule
    // takes, read «внимание required» beside them).
    let flag_lines: Vec<&str> = out.lines().filter(|l| l.starts_with("  ")).collect();
    assert!(!flag_lines.is_empty(), "{out}");
    let codes = okk::domain::flag::RuleCode::ALL.map(|c| c.as_str());
    for l in &flag_lines {
        assert!(
            ["  инфо ", "  внимание ", "  критично "]
                .iter()
                .any(|w| l.starts_with(w)),
            "{l}"
        );
        let words: Vec<&str> = l.split_whitespace().collect();
        assert!(
            !codes.iter().any(|c| words.get(1) == Some(c)),
            "the rule's code in English: {l}"
        );
    }
    assert!(
        flag_lines
            .iter()
            .any(|l| l.starts_with("  внимание нет в воронке ")),
        "{out}"
    );

    let out = desk
        .okk()
        .args(["--lang", "ru", "check", "--rule", "nope"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("okk: неизвестное правило «nope»; используйте одно из: required,"),
        "{err}"
    );
    assert_russian_cli("okk check --rule nope", &err);
}

#[test]
fn a_broken_file_is_refused_in_russian_with_its_place() {
    let desk = Desk::new();
    let file = common::fixture("malformed/field_count_mid.csv");
    let out = desk
        .okk()
        .args(["--lang", "ru", "import", &file])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    // file:line:column first, then the sentence in Russian.
    assert!(err.starts_with(&format!("okk: {file}:")), "{err}");
    assert!(err.contains("в этой строке полей:"), "{err}");
    let without_path = err.replace(&file, "FILE");
    assert_russian_cli("a malformed CSV", &without_path);
}

/// The operating system's own error text is English only: okk says what its kind means.
#[test]
fn a_missing_file_or_a_store_that_cannot_open_is_said_in_russian() {
    let desk = Desk::new();
    let missing = desk.dir.path().join("нет.csv");
    let store_in_a_file = desk.dir.path().join("file");
    std::fs::write(&store_in_a_file, "").unwrap();
    for (db, args, said) in [
        (
            desk.db.clone(),
            vec!["import".to_string(), missing.display().to_string()],
            "не удаётся прочитать файл: нет такого файла или каталога",
        ),
        (
            store_in_a_file.join("okk.db"),
            vec!["import".to_string(), common::fixture("amocrm_utf8_bom.csv")],
            "не удаётся открыть базу: файл или каталог с таким именем уже есть",
        ),
    ] {
        let out = desk
            .okk_bare()
            .arg("--db")
            .arg(db)
            .arg("--funnel")
            .arg(common::funnel_path())
            .arg("--lang")
            .arg("ru")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(err.contains(said) && !err.contains("os error"), "{err}");
    }
}

#[test]
fn counted_messages_take_russian_plural_forms() {
    lang::with(Lang::Ru, || {
        use okk::text::app::pending_saved;
        assert!(
            pending_saved(1).contains("сохранён 1 вердикт,"),
            "{}",
            pending_saved(1)
        );
        assert!(pending_saved(3).contains("сохранены 3 вердикта,"));
        assert!(pending_saved(5).contains("сохранено 5 вердиктов,"));
        assert!(pending_saved(21).contains("сохранён 21 вердикт,"));
        assert_eq!(okk::text::check::total(1), "1 карточка с флагами");
        assert_eq!(okk::text::check::total(22), "22 карточки с флагами");
        assert_eq!(okk::text::check::total(111), "111 карточек с флагами");
        assert_eq!(
            okk::text::check::total(12345),
            "12\u{202f}345 карточек с флагами"
        );
    });
    lang::with(Lang::En, || {
        assert_eq!(okk::text::check::total(1), "1 flagged card");
        assert_eq!(okk::text::check::total(2), "2 flagged cards");
        assert_eq!(
            okk::text::app::pending_saved(1),
            "okk: saved 1 verdict left waiting for the store by a reviewer that was stopped"
        );
    });
}

#[test]
fn cards_missing_from_the_crm_are_never_called_deleted_in_russian() {
    lang::with(Lang::Ru, || {
        let report = okk::domain::sync_report::SyncReport {
            connection: "main".into(),
            kind: "amocrm",
            url: "https://example.amocrm.ru".into(),
            rows: 10,
            notes: 0,
            inserted: 1,
            updated: 2,
            unchanged: 5,
            notes_updated: 0,
            gone: 2,
            deletions_checked: true,
            stage_changes: 1,
            unknown_stages: Vec::new(),
            probable_renames: Vec::new(),
            renamed_stages: Vec::new(),
            stage_renames: 0,
            renamed_pipelines: Vec::new(),
            funnel_names_old_pipeline: Vec::new(),
            warnings: 0,
            warning_samples: Vec::new(),
            requests: 3,
            retries: 0,
            since: None,
            until: None,
            full: true,
            full_sweep_at: None,
            full_sweep_begun_at: None,
            resumed_run_begun_at: None,
            resumed_landed: None,
            reread: None,
            dry_run: false,
            absent_fields: Vec::new(),
            new_columns: Vec::new(),
            new_column_cards: 0,
            missing_columns: Vec::new(),
            judged: true,
            columns_changed: false,
        };
        let text = okk::text::crm::report(&report, None);
        assert!(text.contains("нет в CRM: 2"), "{text}");
        assert!(!text.contains("удал"), "{text}");
        // Nor by a Bitrix24 sync that could not look for them.
        let unchecked = okk::domain::sync_report::SyncReport {
            kind: "bitrix24",
            deletions_checked: false,
            full: false,
            ..report
        };
        let text = okk::text::crm::report(&unchecked, None);
        assert!(text.contains("нет в CRM: не проверялось"), "{text}");
        assert!(!text.contains("удал"), "{text}");
        // Nor in the help of the commands that mark them.
        let mut cmd = okk::app::help::command();
        cmd.build();
        for path in ["", "import", "queue", "sync"] {
            let help = find(&mut cmd, path).render_long_help().to_string();
            assert!(!help.contains("удалён"), "okk {path} --help:\n{help}");
        }
    });
}

/// The real Salesforce sample carries no phone column the funnel requires: the report names that
/// field as the card does («Телефон»), not by okk's key.
#[test]
fn a_field_the_export_never_carries_is_named_in_russian() {
    let desk = Desk::new();
    let out = succeeded(desk.okk().args([
        "--lang",
        "ru",
        "import",
        &common::salesforce("Opportunity.csv"),
    ]));
    let line = out
        .lines()
        .find(|l| l.contains("не выгружаются"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(line.contains("«Телефон»"), "{line}");
    assert!(!line.contains("«phone»"), "{line}");
}

/// An export without a stage or an ID column, or with an empty one, is refused naming the
/// field as the desk says it («этапа», «ID сделки»), the headers the profile looked for and the
/// `--map` that fixes it — not okk's key alone («нет столбца stage»).
#[test]
fn a_missing_or_empty_required_column_is_named_in_russian() {
    let desk = Desk::new();
    let refused = |file: &str, extra: &[&str]| {
        let out = desk
            .okk()
            .args(["--lang", "ru", "import"])
            .args(extra)
            .arg(file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        let without_path = err.replace(file, "FILE");
        assert_russian_cli(file, &without_path);
        err
    };
    let no_stage = common::fixture("malformed/no_stage_column.csv");
    for profile in [&[][..], &["--profile", "amocrm"][..]] {
        let err = refused(&no_stage, profile);
        assert!(err.contains("в заголовке нет столбца этапа ("), "{err}");
        assert!(
            err.contains("профиль amocrm ищет «Этап сделки», «Этап», «Lead status», «Stage»)"),
            "{err}"
        );
        assert!(
            err.contains("укажите его через --map stage=СТОЛБЕЦ"),
            "{err}"
        );
        assert!(!err.contains("столбца stage"), "{err}");
    }
    let no_id = desk.dir.path().join("no_id.csv");
    std::fs::write(
        &no_id,
        "Название сделки,Этап сделки,Бюджет,Ответственный\nКвартира,Первичный контакт,100,Анна\n",
    )
    .unwrap();
    let err = refused(&no_id.display().to_string(), &[]);
    assert!(err.contains("нет столбца ID сделки ("), "{err}");
    assert!(err.contains("--map external_id=СТОЛБЕЦ"), "{err}");
    assert!(!err.contains("столбца external_id"), "{err}");

    let err = refused(&common::fixture("malformed/empty_id.csv"), &[]);
    assert!(err.contains("столбец ID сделки «ID» пуст"), "{err}");
}

/// config.toml's mistakes (a wrong type, an unknown or missing key, broken TOML) are said in
/// Russian at FILE:LINE:COLUMN with what to write, not in the TOML reader's English.
#[test]
fn config_mistakes_are_said_in_russian_at_their_place() {
    let desk = Desk::new();
    let config = desk.dir.path().join("config.toml");
    let said = |text: &str| {
        std::fs::write(&config, text).unwrap();
        let out = desk
            .okk()
            .args(["--lang", "ru", "--config"])
            .arg(&config)
            .args(["crm", "list"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{text}");
        let err = String::from_utf8(out.stderr).unwrap();
        let err = err.replace(&config.display().to_string(), "FILE");
        assert_russian_cli(text, &err);
        err
    };
    assert_eq!(
        said("auditor = 5\n"),
        "okk: FILE:1:11: число `5` — здесь неверный тип; напишите текст в двойных кавычках\n"
    );
    assert_eq!(
        said("auditr = \"anna\"\n"),
        "okk: FILE:1:1: неизвестный ключ «auditr»; удалите его или используйте один из: \
         auditor, lang, keys, crm\n"
    );
    assert_eq!(
        said("[[crm]]\nname = \"amo\"\nkind = \"amocrm\"\ntoken_env = \"T\"\n"),
        "okk: FILE:1:1: нет ключа «url»; добавьте url = … в эту таблицу\n"
    );
    assert_eq!(
        said("auditor = \"anna\nlang = \"ru\"\n"),
        "okk: FILE:1:16: ошибка TOML: текст не закрыт; закончите его той же кавычкой, с \
         которой он начат\n"
    );
    assert_eq!(
        said("auditor \"anna\"\n"),
        "okk: FILE:1:9: ошибка TOML: у ключа нет значения; пишите ключ = значение\n"
    );
    let err = said("[keys.card]\nstale = 5\n");
    assert!(
        err.starts_with("okk: FILE:2:9: число `5` — здесь неверный тип; напишите клавишу"),
        "{err}"
    );
    // A complaint okk has no words for keeps the reader's own, in parentheses.
    std::fs::write(&config, "auditor = 1.2.3\n").unwrap();
    let out = desk
        .okk()
        .args(["--lang", "ru", "--config"])
        .arg(&config)
        .args(["crm", "list"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains(":1:14: ошибка TOML (invalid float"), "{err}");
}
