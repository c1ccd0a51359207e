//! The lead's word is the final word: two auditors review on their own laptops, their bundles
//! reach the lead, and the lead's accept and override decide what `okk export reviews` calls
//! the final verdict and what `okk export crm` moves; a split the lead has not settled moves
//! nothing and is listed.

mod common;

use std::collections::BTreeMap;

use common::{Desk, Verdict, path_arg, python_csv};

const AT: &str = "2026-11-20 10:00:00";
const LATER: &str = "2026-11-20 11:00:00";
const LEAD_AT: &str = "2026-11-21 09:00:00";

/// `okk bundle export --as WHO` on `from`; `to` trusts its key as WHO's and imports it.
fn carry(from: &Desk, to: &Desk, who: &str) {
    let out = from.dir.path().join(format!("{who}.okkbundle"));
    from.okk()
        .args(["bundle", "export", "--force", "--as", who, "--out"])
        .arg(&out)
        .assert()
        .success();
    to.run_ok(&["bundle", "trust", &path_arg(&out), "--as", who]);
    to.run_ok(&["bundle", "import", &path_arg(&out)]);
}

/// `okk export reviews` read back: review id → column → value.
fn reviews(desk: &Desk) -> BTreeMap<String, BTreeMap<String, String>> {
    let out = desk.file("reviews.csv");
    let _ = std::fs::remove_file(&out);
    desk.run_ok(&["export", "reviews", "--out", &out]);
    let mut rows = python_csv(&out, ',').into_iter();
    let header = rows.next().expect("a header");
    rows.map(|r| {
        let row: BTreeMap<String, String> = header.iter().cloned().zip(r).collect();
        (row["review_id"].clone(), row)
    })
    .collect()
}

/// `okk export crm --profile amocrm`: the ids of the cards it moves, and its stdout.
fn crm(desk: &Desk) -> (Vec<String>, String) {
    let out = desk.file("amocrm.csv");
    let _ = std::fs::remove_file(&out);
    let stdout = desk.run_ok(&["export", "crm", "--profile", "amocrm", "--out", &out]);
    let rows = python_csv(&out, ',');
    let ids = rows.iter().skip(1).map(|r| r[0].clone()).collect();
    (ids, stdout)
}

#[test]
fn two_auditors_and_a_lead_through_bundles_the_leads_word_is_final() {
    let (anna, boris, lena) = (Desk::demo(), Desk::demo(), Desk::demo());
    // Card A: anna says ok; boris, later, wants it moved. The lead accepts anna's ok.
    let a_ok = anna.review("31999149", "anna", AT, &Verdict::of("ok"));
    let a_move = boris.review(
        "31999149",
        "boris",
        LATER,
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("wrong_stage")
        },
    );
    // Card B: anna ok, boris dead, and the lead has not looked yet: a split.
    anna.review("31973177", "anna", AT, &Verdict::of("ok"));
    boris.review("31973177", "boris", LATER, &Verdict::of("dead"));
    // Card C: anna says ok; the lead overrides it: the card is dead.
    let c_ok = anna.review("31957017", "anna", AT, &Verdict::of("ok"));
    // Card D: both say stale with no move: they agree, nothing to settle.
    anna.review("31898005", "anna", AT, &Verdict::of("stale"));
    boris.review("31898005", "boris", LATER, &Verdict::of("stale"));

    carry(&anna, &lena, "anna");
    carry(&boris, &lena, "boris");
    assert_eq!(lena.current_reviews().len(), 7);

    // Before the lead's word: card A is a split too (ok vs a move), so nothing moves it.
    let (moved, said) = crm(&lena);
    assert!(!moved.contains(&"31999149".to_string()), "{moved:?}");
    assert!(
        said.contains("#31999149") && said.contains("#31973177"),
        "{said}"
    );
    assert!(
        !said.contains("#31898005"),
        "the auditors agree on D: {said}"
    );

    lena.decide(&a_ok, "lena", "accept", (None, None, None), LEAD_AT);
    lena.decide(
        &c_ok,
        "lena",
        "override",
        (Some("dead"), None, None),
        LEAD_AT,
    );

    let rows = reviews(&lena);
    assert_eq!(rows[&a_ok]["final_verdict"], "ok");
    assert_eq!(rows[&a_ok]["lead_decision"], "accept");
    // Boris's later review is still undecided: his own word, for what it is worth.
    assert_eq!(rows[&a_move]["lead_decision"], "");
    let c = &rows[&c_ok];
    assert_eq!(
        (
            c["verdict"].as_str(),
            c["lead_verdict"].as_str(),
            c["final_verdict"].as_str()
        ),
        ("ok", "dead", "dead"),
        "the lead's override is in the export"
    );

    let (moved, said) = crm(&lena);
    // A: the accepted ok wins over boris's later, undecided move.
    assert!(!moved.contains(&"31999149".to_string()), "{moved:?}");
    // C: the lead's dead moves the card to the lost stage.
    assert!(moved.contains(&"31957017".to_string()), "{moved:?}");
    // B: still a split nobody settled: not exported, listed for the lead.
    assert!(!moved.contains(&"31973177".to_string()), "{moved:?}");
    assert!(said.contains("1 card needs the lead"), "{said}");
    assert!(
        said.contains("#31973177") && !said.contains("#31999149"),
        "{said}"
    );

    // The lead settles B by accepting boris's dead: now it moves.
    let b_dead = rows
        .values()
        .find(|r| r["external_id"] == "31973177" && r["auditor"] == "boris")
        .map(|r| r["review_id"].clone())
        .unwrap();
    lena.decide(&b_dead, "lena", "accept", (None, None, None), LEAD_AT);
    let (moved, said) = crm(&lena);
    assert!(moved.contains(&"31973177".to_string()), "{moved:?}");
    assert!(!said.contains("needs the lead"), "{said}");
}
