//! The rules run again when the funnel config changes: flags always follow the config in force.

mod common;

use common::{Desk, fixture, funnel_path, succeeded};

fn idle_flags(desk: &Desk, funnel: &std::path::Path) -> usize {
    let out = succeeded(
        desk.okk_funnel(funnel)
            .args(["check", "--json", "--rule", "idle"]),
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    v["cards"].as_array().unwrap().len()
}

#[test]
fn turning_a_rule_off_in_the_funnel_takes_its_flags_away_at_the_next_check() {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::copy(funnel_path(), &funnel).unwrap();
    succeeded(
        desk.okk_funnel(&funnel)
            .args(["import", &fixture("../queue/v1.csv")]),
    );
    // The fixture's cards were last edited in October and November 2026: idle by now.
    assert!(idle_flags(&desk, &funnel) > 0);

    let text = std::fs::read_to_string(&funnel).unwrap();
    std::fs::write(&funnel, format!("{text}\n[rules]\nidle = \"off\"\n")).unwrap();
    assert_eq!(idle_flags(&desk, &funnel), 0);

    // And back on.
    std::fs::write(&funnel, text).unwrap();
    assert!(idle_flags(&desk, &funnel) > 0);
}

#[test]
fn the_reviewer_opens_on_yesterdays_flags_instead_of_rejudging_every_card() {
    let desk = common::Desk::new();
    desk.import_one(&[&common::fixture("amocrm_utf8_bom.csv")]);
    let mut store = okk::store::Store::open(&desk.db).unwrap();
    let funnel = okk::funnel_config::load(&common::funnel_path()).unwrap();
    let fp = "fp";
    let today = okk::app::audit::today(&store, None).unwrap();
    okk::app::audit::refresh(&mut store, &funnel, fp, today, true).unwrap();
    // Same funnel, another day: left as they are, and the day is told.
    store.set_meta("rules_ran_for", "fp 2000-01-01").unwrap();
    let stale =
        okk::app::audit::refresh_unless_only_the_day(&mut store, &funnel, fp, today).unwrap();
    assert_eq!(stale.as_deref(), Some("2000-01-01"));
    assert_eq!(
        store.meta("rules_ran_for").unwrap().as_deref(),
        Some("fp 2000-01-01")
    );
    // Another funnel: the rules run.
    let stale =
        okk::app::audit::refresh_unless_only_the_day(&mut store, &funnel, "fp2", today).unwrap();
    assert_eq!(stale, None);
    assert!(
        store
            .meta("rules_ran_for")
            .unwrap()
            .unwrap()
            .starts_with("fp2 ")
    );
}
