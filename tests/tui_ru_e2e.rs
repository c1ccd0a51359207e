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
    assert!(funnel.contains("? справка"), "{funnel}");
    assert!(funnel.contains("доп. контроль"), "{funnel}");
    english::assert_russian("okk demo's funnel", &funnel, &[]);
    term.send("<enter>");
    let queue = term.wait_for("Название");
    assert!(queue.contains("enter открыть"), "{queue}");
    english::assert_russian("okk demo's queue", &queue, &[]);
    term.send("<enter>");
    let card = term.wait_for("┌ #");
    assert!(card.contains("a ок") && card.contains("Чек-лист"), "{card}");
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
    assert!(!funnel.contains("справка"), "{funnel}");
    term.send("q");
    assert!(term.wait_exit().success());
}
