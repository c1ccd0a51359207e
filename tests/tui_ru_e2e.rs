//! The reviewer speaks the desk's language in a real terminal: `okk demo` under a Russian locale
//! draws Russian screens, and `--lang en` brings the English ones back under the same locale.

mod common;
mod pty;

use common::Desk;
use pty::Spawn;

#[path = "support/english.rs"]
mod english;

/// `okk ARGS` at 100×30 with the locale `LANG=ru_RU.UTF-8`.
fn okk_ru(args: &[&str]) -> Spawn {
    Spawn::new(args, 100, 30).env("LANG", "ru_RU.UTF-8")
}

#[test]
fn under_a_russian_locale_okk_demo_shows_a_russian_reviewer() {
    let desk = Desk::new();
    let mut term = okk_ru(&["demo"]).start(desk.dir.path());
    let funnel = term.wait_for("Проверить");
    assert!(funnel.contains("? помощь"), "{funnel}");
    assert!(funnel.contains("доп. контроль"), "{funnel}");
    english::assert_russian("okk demo's funnel", &funnel, &[]);
    term.send("<enter>");
    let queue = term.wait_for("Название");
    assert!(queue.contains("enter открыть"), "{queue}");
    english::assert_russian("okk demo's queue", &queue, &[]);
    term.send("<enter>");
    let card = term.wait_for("┌ #");
    // At 100 columns every verdict by its name: the hints of lower rank give way.
    assert!(
        card.contains("a в порядке") && card.contains("d мёртвый лид") && card.contains("Чек-лист"),
        "{card}"
    );
    term.send("?");
    let help = term.wait_for("Клавиши · карточка");
    assert!(help.contains("вердикт «в порядке»"), "{help}");
    term.send("<esc>qqq");
    assert!(term.wait_exit().success());
}

#[test]
fn lang_en_brings_the_english_reviewer_back_under_a_russian_locale() {
    let desk = Desk::new();
    let mut term = okk_ru(&["--lang", "en", "demo"]).start(desk.dir.path());
    let funnel = term.wait_for("To review");
    assert!(funnel.contains("? help"), "{funnel}");
    assert!(!funnel.contains("помощь"), "{funnel}");
    term.send("q");
    assert!(term.wait_exit().success());
}

/// An auditor writes her comment in Russian and presses the verdict key with the layout still
/// Russian: `с` (the `c` key) opens the comment, `ф` (the `a` key) saves «в порядке» with it, as
/// `c` and `a` would.
#[test]
fn keys_pressed_in_the_russian_layout_act_as_the_keys_they_sit_on() {
    let desk = Desk::new();
    desk.import(&[&common::path_arg(
        &common::repo().join("assets/demo/amocrm_deals.csv"),
    )]);
    let args = desk.okk_args(&[
        "review",
        "--stage",
        "Встреча проведена",
        "--auditor",
        "anna",
    ]);
    let mut term = Spawn::new(&args, 100, 30)
        .env("LANG", "ru_RU.UTF-8")
        .start(desk.dir.path());
    let card = term.wait_for("┌ #");
    let id = pty::card_id(&card);
    term.send("?");
    term.wait_for("Клавиши · карточка");
    // The help's last line, past the card's keys: paged down to.
    term.send("JJJ");
    term.wait_for("Клавиши работают и в русской раскладке");
    term.send("<esc>");
    term.wait_gone("Клавиши · карточка");
    term.send("с");
    term.wait_for("Комментарий (enter сохраняет");
    term.send("Клиент не отвечает");
    term.wait_for("│Клиент не отвечает");
    term.send("<enter>");
    term.wait_gone("Комментарий (enter сохраняет");
    term.send("ф");
    term.wait_for(&format!("#{id} сохранено: в порядке"));
    term.send("<C-c>");
    assert!(term.wait_exit().success());
    let reviews = desk.rows(common::Table::Reviews);
    let review = reviews
        .iter()
        .find(|r| r["card_external_id"] == id.as_str())
        .unwrap_or_else(|| panic!("no review of #{id}: {reviews:?}"));
    assert_eq!(
        (&review["verdict"], &review["comment"]),
        (
            &serde_json::json!("ok"),
            &serde_json::json!("Клиент не отвечает")
        )
    );
}

/// `okk keys` in a language: the key table with each action's line in it.
fn keys(lang: &str) -> String {
    common::succeeded(Desk::new().okk_bare().args(["--lang", lang, "keys"]))
}

#[test]
fn okk_keys_reads_each_action_s_help_from_the_action_table_in_either_language() {
    let en = keys("en");
    assert!(en.contains("[card]"), "{en}");
    assert!(
        en.contains("  x                  wrong_stage    verdict wrong stage: pick the stage"),
        "{en}"
    );
    let ru = keys("ru");
    // Screen, key and action names are the config file's words: the same in both languages.
    assert!(
        ru.contains("  x                  wrong_stage    вердикт «не тот этап»"),
        "{ru}"
    );
    assert_eq!(en.lines().count(), ru.lines().count());
    let mut names: Vec<String> = okk::tui::action::Action::all()
        .into_iter()
        // `all_cards`: the finder reads `cards` as a word of its own.
        .flat_map(|a| a.name().split('_').map(String::from).collect::<Vec<_>>())
        .chain(okk::tui::keymap::Mode::ALL.map(|m| m.name().to_string()))
        .collect();
    // Keys with a legend of their own show by it (↓, PgDn, Home), as in the help and the hint
    // bar: not by the config file's words, which read as English here (the file takes both).
    // (The keys' column: the action's name after it is the config file's word, `down`.)
    let key_columns: Vec<String> = (ru.lines())
        .filter_map(|l| l.strip_prefix("  "))
        .map(|k| k.chars().take(19).collect())
        .collect();
    for word in ["down", "up", "pgdn", "pgup", "home", "delete"] {
        assert!(
            !key_columns
                .iter()
                .any(|k| k.split_whitespace().any(|w| w == word)),
            "`okk keys` names the key {word}:\n{ru}"
        );
    }
    assert!(ru.contains("  j ↓  ") && ru.contains("  J PgDn  "), "{ru}");
    names.extend(["enter", "esc", "space", "backspace"].map(String::from));
    // The lead's filter takes its keywords in English too, and its Russian help names them so.
    names.extend(okk::text::lang::with(okk::text::lang::Lang::En, || {
        (okk::domain::filter_key::FilterKey::ALL.into_iter())
            .flat_map(okk::text::tui::filter_words)
            .collect::<Vec<_>>()
    }));
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    english::assert_russian("okk keys", &ru, &names);
}

/// tester43 F1, the real binary: a lead's `okk funnel apply` while the reviewer is open on the
/// same store reaches her screen through the watcher, in Russian, and stays said after a key.
#[test]
fn a_funnel_applied_while_the_reviewer_is_open_is_said_on_her_screen_in_russian() {
    let desk = Desk::demo();
    let args = desk.okk_args(&["review", "--auditor", "anna"]);
    let mut term = Spawn::new(&args, 100, 30)
        .env("LANG", "ru_RU.UTF-8")
        .start(desk.dir.path());
    term.wait_for("Проверить");
    let other = desk.funnel_without_booking();
    common::succeeded(
        desk.okk()
            .args(["funnel", "apply", &other, "--lead", "lena"]),
    );
    let said = "воронка хранилища сменилась (версия";
    term.wait_for(said);
    term.send("<enter>");
    let queue = term.wait_for("Название");
    assert!(queue.contains(said), "{queue}");
    term.send("qq");
    assert!(term.wait_exit().success());
}
