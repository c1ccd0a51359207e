//! The stage rules judged in the import's own pass: what `okk import` leaves is what an import
//! without the rules and a separate rules run leave, on a fresh store and beside another source.

mod common;

use std::path::Path;

use common::{Desk, fixture, repo, succeeded};
use okk::store::Store;
use okk::sync::import::PassRules;
use okk::sync::{ImportOptions, import_file};

const TODAY: &str = "2026-11-20";

fn demo_csv() -> String {
    repo()
        .join("assets/demo/amocrm_deals.csv")
        .display()
        .to_string()
}

/// `okk --today TODAY ARGS` on the desk; its stdout.
fn okk(desk: &Desk, args: &[&str]) -> String {
    succeeded(desk.okk().env("OKK_TODAY", TODAY).args(args))
}

/// What the desk shows of the rules' work: every flagged card, and the stats (flagged cards
/// per stage, owners).
fn judged(desk: &Desk) -> (String, String) {
    let check = okk(desk, &["check", "--json"]);
    let stats = okk(desk, &["stats", "--json"]);
    (check, stats)
}

fn assert_same_judgement(files: &[&str]) {
    let in_pass = Desk::new();
    let after = Desk::new();
    for f in files {
        okk(&in_pass, &["import", f]);
        okk(&after, &["import", "--no-check", f]);
    }
    let (check_a, stats_a) = judged(&in_pass);
    let (check_b, stats_b) = judged(&after);
    assert!(
        check_a.contains("\"flags\""),
        "the files have flagged cards"
    );
    assert_eq!(check_a, check_b, "okk check");
    assert_eq!(stats_a, stats_b, "okk stats");
}

#[test]
fn import_judging_cards_as_they_go_by_flags_what_a_separate_rules_run_flags() {
    assert_same_judgement(&[&demo_csv()]);
}

#[test]
fn a_second_source_judged_in_its_import_leaves_the_first_sources_flags_as_they_were() {
    let bitrix = fixture("bitrix24_deals.csv");
    let hubspot = fixture("hubspot-crm-exports-all-deals-2026-11-20.csv");
    assert_same_judgement(&[&demo_csv(), &bitrix, &hubspot]);
}

#[test]
fn a_reimport_with_changes_judges_the_changed_cards_as_a_rules_run_would() {
    let v1 = fixture("../queue/v1.csv");
    let v2 = fixture("../queue/v2.csv");
    assert_same_judgement(&[&v1, &v2]);
}

#[test]
fn moves_gone_cards_and_returns_are_judged_in_the_pass_as_a_rules_run_would() {
    let files: Vec<String> = [
        "v1.csv",
        "v2.csv",
        "v1_without_4004.csv",
        "v3.csv",
        "v1.csv",
    ]
    .iter()
    .map(|f| fixture(&format!("resync/{f}")))
    .collect();
    let files: Vec<&str> = files.iter().map(String::as_str).collect();
    assert_same_judgement(&files);
}

fn import_with_rules(db: &Path, file: &str, day: u32) -> bool {
    let mut store = Store::open(db).unwrap();
    let funnel = okk::funnel_config::default_funnel();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap();
    let opts = ImportOptions {
        now: today,
        rules: Some(PassRules {
            today,
            ran_for: format!("fingerprint 2026-11-{day}"),
        }),
        ..Default::default()
    };
    import_file(&mut store, &funnel, Path::new(file), &opts)
        .unwrap()
        .judged
}

#[test]
fn the_pass_judges_only_when_every_other_card_was_judged_for_the_same_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("okk.db");
    assert!(import_with_rules(&db, &demo_csv(), 20), "a fresh store");
    // The same day again: the changed cards are judged from the store, the rest stay.
    assert!(import_with_rules(&db, &demo_csv(), 20));
    // Another day: every card's flags may change, so the rules run over the store after.
    assert!(!import_with_rules(&db, &demo_csv(), 21));
}
