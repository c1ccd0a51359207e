//! The command line as a user meets it: help that names every flag, exit code 2 for wrong usage
//! and 1 for bad input, machine-readable `--json` reports, the demo, and `okk funnel check`.

mod common;

use common::{Desk, fixture, funnel_path, path_arg, succeeded};
use serde_json::Value as Json;

// ---- help and usage ---------------------------------------------------------------------------

/// A command's own flags come first in its help, the global ones after them (not scattered
/// among them), in either language; `--config` says the CRM connections live there.
#[test]
fn a_commands_own_flags_come_before_the_global_ones_in_its_help() {
    let desk = Desk::new();
    for (lang, command, own) in [
        (
            "en",
            "crm add",
            &[
                "--kind",
                "--url",
                "--token-env",
                "--token-file",
                "--pipeline",
            ][..],
        ),
        (
            "ru",
            "crm add",
            &[
                "--kind",
                "--url",
                "--token-env",
                "--token-file",
                "--pipeline",
            ],
        ),
        (
            "en",
            "sync",
            &["--full", "--dry-run", "--json", "--no-check"],
        ),
        (
            "ru",
            "sync",
            &["--full", "--dry-run", "--json", "--no-check"],
        ),
    ] {
        let help = succeeded(
            desk.okk_bare()
                .args(["--lang", lang])
                .args(command.split(' '))
                .arg("--help"),
        );
        let at = |flag: &str| {
            help.find(&format!("  {flag} "))
                .unwrap_or_else(|| panic!("{flag} missing from okk {command} --help:\n{help}"))
        };
        let last_own = own.iter().map(|f| at(f)).max().unwrap();
        for global in ["--db", "--funnel", "--config", "--today", "--lang"] {
            assert!(
                at(global) > last_own,
                "{lang} okk {command} --help:\n{help}"
            );
        }
        assert!(
            help.contains("`[[crm]]`"),
            "{lang} okk {command} --help:\n{help}"
        );
    }
}

#[test]
fn help_names_every_command_and_global_flag() {
    let desk = Desk::new();
    let help = succeeded(desk.okk_bare().arg("--help"));
    for word in [
        "import",
        "stats",
        "funnel",
        "demo",
        "--db",
        "--funnel",
        "--help",
        "--version",
    ] {
        assert!(
            help.contains(word),
            "«{word}» missing from okk --help:\n{help}"
        );
    }
    assert!(help.contains("Exit codes: 0 success, 1 bad input or config, 2 wrong usage"));
}

#[test]
fn import_help_names_every_flag() {
    let desk = Desk::new();
    let help = succeeded(desk.okk_bare().args(["import", "--help"]));
    for flag in [
        "<FILE>...",
        "--profile",
        "--map",
        "--encoding",
        "--sheet",
        "--source",
        "--partial",
        "--dry-run",
        "--json",
        "--db",
        "--funnel",
        "--help",
    ] {
        assert!(
            help.contains(flag),
            "«{flag}» missing from okk import --help:\n{help}"
        );
    }
    for profile in [
        "amocrm",
        "bitrix24",
        "hubspot",
        "pipedrive",
        "salesforce",
        "generic",
    ] {
        assert!(help.contains(profile), "profile {profile} not listed");
    }
}

#[test]
fn wrong_usage_exits_2_and_touches_nothing() {
    let desk = Desk::new();
    let cases: [&[&str]; 5] = [
        &["--no-such-flag", "stats"],
        &["import", "--no-such-flag", "x.csv"],
        &["import"],
        &["import", "--profile", "zoho", "x.csv"],
        &["no-such-command"],
    ];
    for args in cases {
        let out = desk.okk().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "okk {args:?}");
        assert!(!out.stderr.is_empty(), "okk {args:?} says nothing");
    }
    assert!(!desk.db.exists(), "wrong usage created the store");
}

/// okk's variables set in the shell (`OKK_TODAY`, `OKK_DB`, `OKK_LANG`) are not arguments the
/// command requires: a usage error shows the command's own usage line, as its help does.
#[test]
fn a_usage_error_shows_the_command_s_usage_whatever_okk_s_variables_say() {
    let desk = Desk::new();
    for lang in ["en", "ru"] {
        let out = desk
            .okk_bare()
            .env("OKK_TODAY", "2026-11-20")
            .env("OKK_DB", &desk.db)
            .env("OKK_LANG", lang)
            .arg("queue")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        let usage = err
            .lines()
            .find(|l| l.contains("okk queue"))
            .expect("a usage line");
        assert!(usage.contains("--stage"), "{err}");
        for given in ["--today", "--db", "--lang"] {
            assert!(!usage.contains(given), "{lang}: {err}");
        }
    }
}

/// `okk funnel versions` is `okk funnel history`: the word for what it lists.
#[test]
fn funnel_versions_is_funnel_history() {
    let desk = Desk::new();
    desk.import_one(&[&common::fixture("resync/v1.csv")]);
    let history = desk.run_ok(&["funnel", "history", "--json"]);
    assert!(history.contains("\"version\":1"), "{history}");
    assert_eq!(desk.run_ok(&["funnel", "versions", "--json"]), history);
}

/// A version that only adds an alias (cards at that name now count at the stage) or drops one
/// says so in `okk funnel history`, where it said "no change".
#[test]
fn funnel_history_lists_aliases_added_and_removed() {
    let desk = Desk::new();
    desk.import_one(&[&common::fixture("resync/v1.csv")]);
    let text = std::fs::read_to_string(funnel_path()).unwrap();
    let from = "aliases = [\"Назначена встреча\", \"Запись на встречу\"]";
    assert_eq!(text.matches(from).count(), 1);
    let versions = [
        "aliases = [\"Назначена встреча\", \"Запись на встречу\", \"Встреча в офисе\"]",
        "aliases = [\"Назначена встреча\", \"Встреча в офисе\"]",
    ];
    for (i, aliases) in versions.iter().enumerate() {
        let funnel = desk.dir.path().join(format!("funnel{i}.toml"));
        std::fs::write(&funnel, text.replace(from, aliases)).unwrap();
        succeeded(desk.okk_funnel(&funnel).arg("stats"));
    }
    let history = desk.run_ok(&["funnel", "history"]);
    assert!(
        history.contains(
            "2. version «Продажи недвижимости»"
        ) && history.contains("   - «Встреча в офисе» now an alias of «Встреча назначена» (its cards count there)\n3."),
        "{history}"
    );
    assert!(
        history.contains("   - «Запись на встречу» no longer an alias of «Встреча назначена»\n"),
        "{history}"
    );
    let json = desk.run_ok(&["funnel", "history", "--json"]);
    assert!(
        json.contains(r#""aliases_added":[["Встреча назначена","Встреча в офисе"]]"#),
        "{json}"
    );
}

/// A mistyped `--db` (or nothing imported yet): the commands that read the store say there is
/// none, exit 1 and leave no empty store behind (they printed "0 flagged cards" of a store made
/// for the occasion).
#[test]
fn reading_a_store_that_is_not_there_says_so_and_makes_none() {
    let desk = Desk::new();
    let cases: [&[&str]; 7] = [
        &["check"],
        &["stats"],
        &["queue", "--stage", "Квалификация"],
        &["fields"],
        &["report", "--out", "r.html"],
        &["export", "reviews", "--out", "r.csv"],
        &["funnel", "suggest"],
    ];
    for args in cases {
        let out = desk.okk().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "okk {args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no store here yet"), "okk {args:?}: {err}");
        assert!(!desk.db.exists(), "okk {args:?} made an empty store");
    }
    // Once there is one, they read it.
    desk.import(&[&fixture("amocrm_utf8_bom.csv")]);
    succeeded(desk.okk().arg("check"));
}

/// The same export imported under two sources (two connections of one account, or a file and
/// a connection): `okk check` says which source each card is of, where it printed two identical
/// `#1001` lines.
#[test]
fn check_names_the_source_when_the_store_holds_more_than_one() {
    let desk = Desk::new();
    let file = path_arg(&common::repo().join("assets/demo/amocrm_deals.csv"));
    desk.import(&[&file]);
    let one = succeeded(desk.okk().args(["--today", "2026-11-20", "check"]));
    assert!(!one.contains("(amocrm)"), "{one}");
    desk.import(&["--source", "second", &file]);
    let two = succeeded(desk.okk().args(["--today", "2026-11-20", "check"]));
    let headers: Vec<&str> = two.lines().filter(|l| l.starts_with('#')).collect();
    assert!(!headers.is_empty(), "{two}");
    assert!(
        headers
            .iter()
            .all(|l| l.contains(" (amocrm) ") || l.contains(" (second) ")),
        "{two}"
    );
    assert!(headers.iter().any(|l| l.contains(" (second) ")), "{two}");
}

#[test]
fn import_without_a_file_names_the_missing_argument() {
    let desk = Desk::new();
    let out = desk.okk().arg("import").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("<FILE>"), "{err}");
}

// ---- import --json ----------------------------------------------------------------------------

#[test]
fn import_json_prints_one_object_per_file() {
    let desk = Desk::new();
    let files = [
        fixture("amocrm_utf8_bom.csv"),
        fixture("amocrm_cp1251.csv"),
        fixture("bitrix24_deals.csv"),
    ];
    let out = succeeded(desk.okk().args(["import", "--json"]).args(&files));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    let reports: Vec<Json> = lines
        .iter()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
        .collect();
    for (r, file) in reports.iter().zip(&files) {
        assert!(r.is_object());
        for key in [
            "file",
            "profile",
            "encoding",
            "rows",
            "inserted",
            "updated",
            "unchanged",
            "gone",
            "warnings",
            "unknown_stages",
        ] {
            assert!(r.get(key).is_some(), "no «{key}» in {r}");
        }
        assert_eq!(r["file"], file.as_str());
        assert!(r["unknown_stages"].is_array());
    }
    let summary: Vec<(&str, &str, u64, u64)> = reports
        .iter()
        .map(|r| {
            (
                r["profile"].as_str().unwrap(),
                r["encoding"].as_str().unwrap(),
                r["inserted"].as_u64().unwrap(),
                r["gone"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("amocrm", "UTF-8 (BOM)", 5, 0),
            // Same source, no card in common: no export of 1001–1005, which are not marked
            // gone (the report warns; see the next test).
            ("amocrm", "windows-1251", 4, 0),
            ("bitrix24", "UTF-8 (BOM)", 3, 0),
        ]
    );
}

/// Two full exports under one source that share no card (1001–1005, then 2101–2104): not two
/// exports of the same deals — another account, or another object of the CRM — so the second
/// marks none of the first's cards gone, and its report says why.
#[test]
fn second_amocrm_export_sharing_no_card_marks_none_gone_and_says_why() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let r = desk.import_one(&[&fixture("amocrm_cp1251.csv")]);
    assert_eq!(
        (&r["gone"], &r["warnings"]),
        (&Json::from(0), &Json::from(1))
    );
    let says = r["warning_samples"][0]["message"].as_str().unwrap();
    assert!(says.contains("none of the 5 cards"), "{says}");
}

/// `okk import --dry-run` on a machine okk never ran on: the default funnel is used from
/// memory, and nothing lands in the home folder (no funnel config, no data folder); the first
/// real import writes both.
#[test]
fn a_dry_run_import_on_a_new_machine_writes_nothing_in_the_home_folder() {
    let desk = Desk::new();
    let home = desk.dir.path().join("home");
    let funnel = home.join(".config/okk/funnel.toml");
    let import = |args: &[&str]| {
        let out = desk
            .okk_bare()
            .arg("import")
            .args(args)
            .arg(fixture("amocrm_utf8_bom.csv"))
            .output()
            .unwrap();
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(out.status.success(), "{err}");
        (String::from_utf8(out.stdout).unwrap(), err)
    };
    let (report, err) = import(&["--dry-run"]);
    assert!(report.contains("5 new"), "{report}");
    let left: Vec<_> = std::fs::read_dir(&home).unwrap().collect();
    assert!(
        left.is_empty(),
        "a dry run left {left:?} in the home folder"
    );
    assert!(
        err.contains(&format!(
            "would write the default funnel config to {}",
            funnel.display()
        )),
        "{err}"
    );
    // The real import writes them, as before.
    let (report, err) = import(&[]);
    assert!(report.contains("5 new"), "{report}");
    assert!(funnel.exists());
    assert!(home.join(".local/share/okk/okk.db").exists());
    assert!(err.contains("wrote the default funnel config to"), "{err}");
}

#[test]
fn import_errors_go_to_stderr_with_exit_1() {
    let desk = Desk::new();
    let missing = path_arg(&desk.dir.path().join("no-such-export.csv"));
    let out = desk.okk().args(["import", &missing]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with(&format!("okk: {missing}: cannot read the file")),
        "{err}"
    );
}

// ---- stats --json -----------------------------------------------------------------------------

#[test]
fn stats_json_lists_funnel_stages_in_order_then_unknown_ones() {
    let desk = Desk::new();
    desk.import(&[
        &fixture("amocrm_utf8_bom.csv"),
        &fixture("bitrix24_deals.csv"),
    ]);
    let stats = desk.stats();
    let stages = stats["stages"].as_array().expect("{\"stages\": [...]}");
    let names: Vec<&str> = stages
        .iter()
        .map(|s| s["stage"].as_str().unwrap())
        .collect();
    // The funnel's stages in its order (tests/funnel_check.rs pins them), then the ones not in
    // the funnel: most cards first, then by name.
    let funnel = okk::funnel_config::load(&funnel_path()).unwrap();
    let mut expected: Vec<&str> = funnel.stages.iter().map(|s| s.name.as_str()).collect();
    expected.extend(["Новая", "Подготовка документов"]);
    assert_eq!(names, expected);
    let figures: Vec<(u64, u64)> = stages
        .iter()
        .map(|s| (s["cards"].as_u64().unwrap(), s["gone"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        figures,
        [
            (2, 0),
            (1, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            (0, 0),
            // amoCRM's 1004 and Bitrix24's «Сделка успешна» (an alias).
            (2, 0),
            (1, 0),
            (1, 0),
            (1, 0),
        ]
    );
    assert_eq!(stages[9]["known"], true);
    assert_eq!(stages[11]["known"], false);
}

#[test]
fn stats_on_an_empty_store_lists_every_funnel_stage_with_zero() {
    let desk = Desk::new();
    okk::store::Store::open(&desk.db).expect("an empty store");
    let stats = desk.stats();
    let stages = stats["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 11);
    assert!(stages.iter().all(|s| s["cards"] == 0 && s["gone"] == 0));
}

// ---- demo -------------------------------------------------------------------------------------

#[test]
fn demo_prints_the_stats_and_never_touches_the_db_path() {
    let desk = Desk::new();
    let out = succeeded(desk.okk().arg("demo"));
    assert!(out.contains("Продажи недвижимости"), "{out}");
    assert!(out.contains("  Stage "), "{out}");
    assert!(out.contains("  Первичный контакт "), "{out}");
    assert!(out.contains("  Total "), "{out}");
    assert!(!desk.db.exists(), "the demo created {}", desk.db.display());
    // Its own store lives in a fresh temporary directory.
    let demo_db = out
        .lines()
        .find_map(|l| l.strip_prefix("Demo database: "))
        .expect("the demo says where its store is");
    assert!(
        demo_db.starts_with(&path_arg(&desk.tmp_dir())),
        "{demo_db} is not under TMPDIR"
    );
    assert!(std::path::Path::new(demo_db).exists());
    // The commands to try name the store last: a long path a terminal breaks does not break
    // `stats --json` at 80 columns (tester42), in either language.
    for lang in ["en", "ru"] {
        let out = succeeded(desk.okk().args(["--lang", lang, "demo"]));
        let tried: Vec<&str> = (out.lines())
            .skip_while(|l| !l.contains(": okk "))
            .take_while(|l| l.contains("okk "))
            .collect();
        assert_eq!(tried.len(), 3, "{out}");
        for line in tried {
            let before_db = line.find(" --db ").expect("the store is named");
            let shown = line[..before_db].chars().count();
            assert!(shown < 80, "{lang}: {line}");
            assert!(line.ends_with("okk.db"), "{lang}: {line}");
        }
    }
}

// ---- funnel check -----------------------------------------------------------------------------

#[test]
fn funnel_check_on_a_broken_funnel_points_at_file_line_column() {
    let desk = Desk::new();
    let (err, file) = desk.funnel_check_broken("C.UTF-8");
    assert!(
        err.contains(&format!("{file}:5:8: stages[0].kind: ")),
        "{err}"
    );
    assert!(
        err.contains(&format!("{file}:6:17: stages[0].max_idle_days: ")),
        "{err}"
    );
    assert!(!desk.db.exists());
}

#[test]
fn funnel_check_on_the_shipped_funnel_is_ok() {
    let desk = Desk::new();
    let out = succeeded(desk.okk().args(["funnel", "check"]));
    assert!(
        out.starts_with(&format!("{}: ok", path_arg(&funnel_path()))),
        "{out}"
    );
    assert!(out.contains("11 stages"), "{out}");
}

// ---- bare okk ---------------------------------------------------------------------------------

#[test]
fn bare_okk_says_how_to_begin_on_an_empty_store_and_needs_a_terminal_on_a_full_one() {
    let desk = Desk::new();
    for _ in ["no store file", "a store without cards"] {
        let out = desk.okk().output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(text.contains("has no cards yet"), "{text}");
        assert!(
            text.contains("okk sync"),
            "the API's door is named too: {text}"
        );
        // The second round: a store, empty (`okk stats` says there is none rather than make it).
        okk::store::Store::open(&desk.db).expect("an empty store");
    }

    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let out = desk.okk().output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("needs a terminal"), "{err}");
}

// ---- `--out -`: standard output ------------------------------------------------------------------

/// `okk ARGS` run in the desk's own directory (where a file named `-` would land): (stdout,
/// stderr); it must succeed.
fn in_desk_dir(desk: &Desk, args: &[&str]) -> (Vec<u8>, String) {
    let run = desk
        .okk()
        .current_dir(desk.dir.path())
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "okk {args:?}:\n{stderr}");
    (run.stdout, stderr)
}

#[test]
fn out_dash_writes_every_export_to_stdout_and_its_note_to_stderr() {
    let desk = Desk::demo();
    desk.review(
        "31999149",
        "anna",
        "2026-11-20 12:00:00",
        &common::Verdict::of("dead"),
    );
    let dash = desk.dir.path().join("-");
    for (args, starts, said) in [
        (
            &["report"][..],
            &b"<!DOCTYPE html>"[..],
            "okk: wrote the report to standard output",
        ),
        (
            &["export", "reviews"],
            b"review_id,",
            "okk: wrote 1 review to standard output",
        ),
        (
            &["export", "crm", "--profile", "amocrm"],
            "\u{feff}ID,Воронка".as_bytes(),
            "okk: wrote changes to 1 card for amoCRM / Kommo to standard output",
        ),
        (
            &["bundle", "export", "--as", "anna"],
            b"{\"okk_bundle\":",
            "standard output: 1 review and 0 lead decisions",
        ),
    ] {
        let mut with_dash = args.to_vec();
        with_dash.extend(["--out", "-"]);
        let (stdout, stderr) = in_desk_dir(&desk, &with_dash);
        assert!(!dash.exists(), "okk {with_dash:?} made a file named «-»");
        assert!(
            stdout.starts_with(starts),
            "okk {with_dash:?}: {}",
            String::from_utf8_lossy(&stdout)
        );
        assert!(stderr.contains(said), "okk {with_dash:?}: {stderr}");
        assert!(
            !String::from_utf8_lossy(&stdout).contains(said),
            "okk {with_dash:?}: the note is in the file"
        );
        // The same bytes as the file, where the file does not carry the moment it was made.
        if args[0] != "bundle" {
            let file = desk.file(&format!("{}.out", args.join("-")));
            let mut to_file = args.to_vec();
            to_file.extend(["--out", &file]);
            let (stdout_of_file, _) = in_desk_dir(&desk, &to_file);
            assert_eq!(std::fs::read(&file).unwrap(), stdout, "okk {args:?}");
            assert!(
                String::from_utf8_lossy(&stdout_of_file).contains(&file),
                "{}",
                String::from_utf8_lossy(&stdout_of_file)
            );
        }
    }
    // `okk funnel init --out -` prints the funnel, as it does without --out.
    let (printed, _) = in_desk_dir(&desk, &["funnel", "init", "--from-store"]);
    let (dashed, _) = in_desk_dir(&desk, &["funnel", "init", "--from-store", "--out", "-"]);
    assert_eq!(dashed, printed);
    assert!(!dash.exists());
    // In Russian, the note names standard output in Russian; a file really named `-` is `./-`.
    let (_, stderr) = in_desk_dir(&desk, &["--lang", "ru", "export", "reviews", "--out", "-"]);
    assert!(stderr.contains("в стандартный вывод"), "{stderr}");
    in_desk_dir(&desk, &["export", "reviews", "--out", "./-"]);
    assert!(dash.is_file(), "./- is a file");
}

#[test]
fn out_dash_into_a_pipe_whose_reader_has_gone_is_no_error() {
    let desk = Desk::demo();
    for id in ["31999149", "31973177", "31957017"] {
        desk.review(
            id,
            "anna",
            "2026-11-20 12:00:00",
            &common::Verdict::of("dead"),
        );
    }
    // A reader gone before okk writes (`| head` that has had its lines): okk stops quietly.
    let cmd = desk.okk();
    let program = cmd.get_program().to_owned();
    let args: Vec<_> = cmd.get_args().map(|a| a.to_owned()).collect();
    let mut okk = desk.sandboxed(std::process::Command::new(program));
    let mut child = okk
        .args(args)
        .args(["report", "--out", "-"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains("cannot write"), "{stderr}");
}
