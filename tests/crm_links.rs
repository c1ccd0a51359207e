//! Every card of a configured CRM account links back to it: the card screen shows the address,
//! `l` opens it in the browser (or shows it to copy where there is none), and the reviews export
//! carries it in its column `crm_url`.

mod common;

use std::sync::Arc;

use common::{Desk, Verdict};
use okk::crm::links::CrmLinks;
use okk::tui::state::Status;

/// The demo's cards come from the `amocrm` source: a connection of that name links them.
const CONFIG: &str = "[[crm]]\nname = \"amocrm\"\nkind = \"amocrm\"\n\
                      url = \"https://demo.amocrm.ru\"\ntoken_env = \"OKK_DEMO_TOKEN\"\n";

fn links() -> CrmLinks {
    let config = okk::app::config::parse(std::path::Path::new("config.toml"), CONFIG).unwrap();
    okk::crm::links::of(&config.crm)
}

#[test]
fn l_on_a_card_opens_its_crm_page_or_shows_the_address_when_there_is_no_browser() {
    let common::Desk { dir: _dir, db } = Desk::demo();
    let (mut state, mut desk) = common::reviewer::open_at_stage(&db, "anna", "Встреча проведена");
    let id = common::reviewer::shown_card(&state);
    let url = format!("https://demo.amocrm.ru/leads/detail/{id}");

    // Without connections: no link, and it says why.
    common::reviewer::press(&mut state, &mut desk, "l");
    assert!(
        matches!(&state.shared.status, Some(Status::Error(m)) if m.contains("«amocrm» is not a connected CRM"))
    );

    state.shared.crm_links = Arc::new(links());
    state.shared.open_url = |_| false;
    common::reviewer::press(&mut state, &mut desk, "l");
    assert_eq!(
        state.shared.status,
        Some(Status::Info(format!("{url} — copy it (no browser opened)")))
    );
    // At 80 columns the address is whole on screen: in the status line with all its message
    // (in both languages), and on the card, scheme included, on lines of its own broken after
    // a slash.
    let screen = common::reviewer::screen(&state, 80, 24);
    let status = format!(" {url} — copy it (no browser opened)");
    assert!(screen.lines().any(|l| l.contains(&status)), "{screen}");
    let first = "│https://demo.amocrm.ru/leads/detail/ ";
    assert!(screen.lines().any(|l| l.contains(first)), "{screen}");
    assert!(
        screen.lines().any(|l| l.contains(&format!("│{id} "))),
        "{screen}"
    );
    let ru = okk::text::lang::with(okk::text::lang::Lang::Ru, || {
        common::reviewer::press(&mut state, &mut desk, "l");
        common::reviewer::screen(&state, 80, 24)
    });
    let status = format!(" {url} — скопируйте (браузера нет)");
    assert!(ru.lines().any(|l| l.contains(&status)), "{ru}");
    // Wide, it sits beside its label.
    let screen = common::reviewer::screen(&state, 160, 40);
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&format!("CRM      {url}"))),
        "{screen}"
    );
    state.shared.open_url = |_| true;
    common::reviewer::press(&mut state, &mut desk, "l");
    assert_eq!(
        state.shared.status,
        Some(Status::Info(format!("opened in the browser: {url}")))
    );
    // The card is still open: the key judged nothing.
    assert_eq!(common::reviewer::shown_card(&state), id);
}

/// `l` is on the card's hint bar where the card has a CRM link (not where it has none), in
/// both languages and at 80 columns too, beside the five verdicts, comment and help; a long
/// address at 80 columns is kept whole over lines, never cut.
#[test]
fn the_card_bar_offers_l_for_a_linked_card_and_a_cut_address_is_marked() {
    let common::Desk { dir: _dir, db } = Desk::demo();
    let (mut state, _desk) = common::reviewer::open_at_stage(&db, "anna", "Встреча проведена");
    let bar = |state: &okk::tui::state::State, w: u16| {
        let screen = common::reviewer::screen(state, w, 30);
        screen.lines().last().unwrap().to_string()
    };
    assert!(!bar(&state, 120).contains(" l "), "{}", bar(&state, 120));
    state.shared.crm_links = Arc::new(links());
    assert!(bar(&state, 120).contains(" l CRM "), "{}", bar(&state, 120));
    let ru = okk::text::lang::with(okk::text::lang::Lang::Ru, || bar(&state, 120));
    assert!(ru.contains(" l CRM "), "{ru}");
    let en = bar(&state, 80);
    let ru = okk::text::lang::with(okk::text::lang::Lang::Ru, || bar(&state, 80));
    assert_eq!(
        [
            en.trim_matches('"').trim_end(),
            ru.trim_matches('"').trim_end()
        ],
        [
            " a ok  x wrong stage  s stale  d dead  i unclear  c comment  l CRM  ? help",
            // A verdict's name before comment's whole word: «устарела», «комм.».
            " a ок  x не тот этап  s устарела  d мёртвый  i неясно  c комм.  l CRM  ? помощь",
        ]
    );

    let long = CONFIG.replace(
        "demo.amocrm.ru",
        "a-very-long-subdomain-of-a-real-estate-agency-in-novosibirsk.amocrm.ru",
    );
    let config = okk::app::config::parse(std::path::Path::new("config.toml"), &long).unwrap();
    state.shared.crm_links = Arc::new(okk::crm::links::of(&config.crm));
    let screen = common::reviewer::screen(&state, 80, 24);
    assert!(
        screen
            .lines()
            .any(|l| l.contains("│https://a-very-long-subdomain")),
        "{screen}"
    );
    assert!(!screen.contains('…'), "{screen}");
}

#[test]
fn a_link_is_made_only_from_a_plain_crm_id() {
    let l = links();
    assert_eq!(
        l.url("amocrm", "31999149").as_deref(),
        Some("https://demo.amocrm.ru/leads/detail/31999149")
    );
    assert_eq!(l.url("amocrm", "../../admin"), None);
    assert_eq!(l.url("amocrm", "1?x=y"), None);
    assert_eq!(l.url("bitrix24", "17"), None);
}

#[test]
fn the_reviews_export_carries_the_cards_crm_url() {
    let desk = Desk::demo();
    desk.review(
        "31999149",
        "anna",
        "2026-11-20 10:00:00",
        &Verdict::of("ok"),
    );
    let config = desk.dir.path().join("config.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let out = desk.dir.path().join("reviews.csv");
    let status = desk
        .okk()
        .arg("--config")
        .arg(&config)
        .args(["export", "reviews", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(status.status.success(), "{status:?}");
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = header.iter().position(|h| h == "crm_url");
    let row = reader.records().next().unwrap().unwrap();
    assert_eq!(
        column.and_then(|c| row.get(c)),
        Some("https://demo.amocrm.ru/leads/detail/31999149")
    );
}
