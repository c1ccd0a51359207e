//! The review queue of a stage: its order, and how reviews take cards out and changes bring
//! them back. Flags are set by a hand-written judge here, so the order is known exactly whatever
//! the shipped rules say.

mod common;

use common::{Desk, fixture};
use okk::domain::flag::{Flag, RuleCode, Severity};
use okk::store::Store;
use okk::store::queue::{QueueEntry, QueueQuery};

const NOW: &str = "2026-11-20 12:00:00";

fn flag(severity: Severity) -> Flag {
    Flag {
        code: RuleCode::Idle,
        severity,
        message: "test".into(),
        field: None,
    }
}

fn judge_fixed(store: &mut Store) {
    store
        .rerun_flags(|card, _| match card.external_id.as_str() {
            "q2" => vec![flag(Severity::Critical)],
            "q3" => vec![flag(Severity::Warning), flag(Severity::Warning)],
            "q4" => vec![flag(Severity::Warning)],
            _ => vec![],
        })
        .unwrap();
}

fn queue(store: &Store, auditor: &str, all: bool) -> Vec<QueueEntry> {
    store
        .queue(&QueueQuery {
            after: None,
            text: None,
            with_calibration: true,
            crm_stages: &["Квалификация".to_string()],
            auditor,
            limit: 50,
            all,
            closed_stage: false,
            now: NOW,
        })
        .unwrap()
}

fn ids(q: &[QueueEntry]) -> Vec<&str> {
    q.iter().map(|e| e.id.as_str()).collect()
}

fn review(store_db: &std::path::Path, external_id: &str, auditor: &str) {
    let conn = rusqlite::Connection::open(store_db).unwrap();
    conn.execute(
        "INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage, verdict,
                              created_at, card_hash)
         SELECT ?2 || '-' || id, id, source, external_id, ?2, stage, 'ok', '2026-11-20 12:00:00',
                content_hash
         FROM cards WHERE external_id = ?1",
        [external_id, auditor],
    )
    .unwrap();
}

#[test]
fn flagged_cards_come_first_then_the_longest_idle_then_by_id() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    let mut store = Store::open(&desk.db).unwrap();
    judge_fixed(&mut store);
    let q = queue(&store, "anna", false);
    // q2 critical; q3 two warnings; q4 one warning; then idle: q5 and q6 (01.10, by id), q1 (10.11).
    // q7 is closed, q8 is in another stage.
    assert_eq!(ids(&q), ["q2", "q3", "q4", "q5", "q6", "q1"]);
    assert_eq!(q[3].idle_days, Some(50));
    assert_eq!(q[0].flags, ["idle"]);
    assert!(q.iter().all(|e| !e.changed_since_review));
    // --all brings the closed card back in.
    assert!(ids(&queue(&store, "anna", true)).contains(&"q7"));
}

#[test]
fn a_reviewed_card_leaves_the_auditors_queue_and_comes_back_when_it_changes() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    {
        let mut store = Store::open(&desk.db).unwrap();
        judge_fixed(&mut store);
    }
    review(&desk.db, "q4", "anna");
    let store = Store::open(&desk.db).unwrap();
    assert!(!ids(&queue(&store, "anna", false)).contains(&"q4"));
    // Another auditor's queue is not affected.
    assert!(ids(&queue(&store, "boris", false)).contains(&"q4"));
    drop(store);

    // A later sync changes q4's notes: it is back, marked.
    let r = desk.import_one(&[&fixture("../queue/v2.csv")]);
    assert_eq!(r["updated"], 1);
    let mut store = Store::open(&desk.db).unwrap();
    judge_fixed(&mut store);
    let q = queue(&store, "anna", false);
    let q4 = q.iter().find(|e| e.id == "q4").expect("q4 is back");
    assert!(q4.changed_since_review);
    assert_eq!(q.iter().filter(|e| e.changed_since_review).count(), 1);
}

#[test]
fn the_queue_command_prints_json_in_queue_order_and_refuses_an_unknown_stage() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    let out = desk
        .okk()
        .args([
            "queue",
            "--stage",
            "квалификация",
            "--auditor",
            "anna",
            "--json",
            "--limit",
            "3",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let cards = v["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 3);
    for c in cards {
        assert!(c["id"].is_string() && c["flags"].is_array() && c.get("idle_days").is_some());
    }
    let out = desk
        .okk()
        .args(["queue", "--stage", "Переговоры"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no stage «Переговоры»"));
}

#[test]
fn check_json_lists_each_flagged_card_with_its_flags() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    let out = desk.okk().args(["check", "--json"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for c in v["cards"].as_array().unwrap() {
        assert!(c["id"].is_string() && c["stage"].is_string());
        for f in c["flags"].as_array().unwrap() {
            assert!(f["code"].is_string() && f["severity"].is_string() && f["message"].is_string());
        }
    }
    let out = desk
        .okk()
        .args(["check", "--rule", "nonsense"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}
