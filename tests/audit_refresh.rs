//! The rules run again when the funnel config changes: flags always follow the config in force.

mod common;

use common::{Desk, fixture, funnel_path};

fn idle_flags(desk: &Desk, funnel: &std::path::Path) -> usize {
    let out = desk
        .okk_bare()
        .arg("--db")
        .arg(&desk.db)
        .arg("--funnel")
        .arg(funnel)
        .args(["check", "--json", "--rule", "idle"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["cards"].as_array().unwrap().len()
}

#[test]
fn turning_a_rule_off_in_the_funnel_takes_its_flags_away_at_the_next_check() {
    let desk = Desk::new();
    let funnel = desk.dir.path().join("funnel.toml");
    std::fs::copy(funnel_path(), &funnel).unwrap();
    let out = desk
        .okk_bare()
        .arg("--db")
        .arg(&desk.db)
        .arg("--funnel")
        .arg(&funnel)
        .args(["import", &fixture("../queue/v1.csv")])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
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
