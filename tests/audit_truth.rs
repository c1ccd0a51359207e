//! The audit tells the truth: the cards a QC desk must see are in their queues, a stage's key
//! date missing outranks every lesser finding, a column the CRM never exports is not a fault of
//! every card, and an export is judged as of the day `--today` names. On the demo and on a
//! Bitrix24 export unlike it (tests/fixtures/truth, faults planted as its README says).

mod common;

use std::collections::BTreeMap;

use common::{Desk, Table, fixture, repo, text};
use serde_json::Value as Json;

/// The day the Bitrix24 fixture was exported.
const EXPORT_DAY: &str = "2026-11-06";
const MET: &str = "Встреча проведена";
const MEETING: &str = "Дата встречи в офисе продаж";

/// One flag as `okk check --json` gives it: (code, severity, field).
type FlagRow = (String, String, Option<String>);
/// Every flagged card's flags, by external id.
type Flags = BTreeMap<String, Vec<FlagRow>>;

fn truth(name: &str) -> String {
    fixture(&format!("../truth/{name}"))
}

/// `okk --today DAY ARGS --json`.
fn json_on(desk: &Desk, day: &str, args: &[&str]) -> Json {
    let mut all = vec!["--today", day];
    all.extend_from_slice(args);
    all.push("--json");
    desk.json_ok(&all)
}

/// A stage's whole queue (ids in order) for `anna`, as of `day`.
fn queue_ids(desk: &Desk, day: &str, stage: &str, all: bool) -> Vec<String> {
    let mut args = vec![
        "queue",
        "--stage",
        stage,
        "--auditor",
        "anna",
        "--limit",
        "5000",
    ];
    if all {
        args.push("--all");
    }
    common::card_ids(&json_on(desk, day, &args))
}

/// Every flagged card's flags as `okk check --json` lists them: id → [(code, severity, field)].
fn flags(desk: &Desk, day: &str) -> Flags {
    json_on(desk, day, &["check"])["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .map(|c| {
            let flags = c["flags"]
                .as_array()
                .expect("flags")
                .iter()
                .map(|f| {
                    (
                        f["code"].as_str().unwrap().to_string(),
                        f["severity"].as_str().unwrap().to_string(),
                        f["field"].as_str().map(str::to_string),
                    )
                })
                .collect();
            (c["id"].as_str().unwrap().to_string(), flags)
        })
        .collect()
}

fn is_meeting_missing(flags: &[FlagRow]) -> bool {
    flags
        .iter()
        .any(|(code, _, field)| code == "required" && field.as_deref() == Some(MEETING))
}

fn only_warnings(flags: &[FlagRow]) -> bool {
    !flags.is_empty() && flags.iter().all(|(_, s, _)| s != "critical")
}

/// In `queue`, every card `first` picks comes before every card `after` picks.
fn assert_ranked_above(
    queue: &[String],
    flags: &Flags,
    first: impl Fn(&[FlagRow]) -> bool,
    after: impl Fn(&[FlagRow]) -> bool,
    label: &str,
) -> usize {
    let pick = |f: &dyn Fn(&[FlagRow]) -> bool| -> Vec<usize> {
        queue
            .iter()
            .enumerate()
            .filter(|(_, id)| flags.get(*id).is_some_and(|fl| f(fl)))
            .map(|(i, _)| i)
            .collect()
    };
    let (firsts, afters) = (pick(&first), pick(&after));
    if let (Some(last_first), Some(first_after)) = (firsts.iter().max(), afters.iter().min()) {
        assert!(
            last_first < first_after,
            "{label}: ranks {firsts:?} should all come before {afters:?} in {queue:?}"
        );
    }
    firsts.len()
}

#[test]
fn closed_in_an_open_stage_and_gone_cards_are_in_their_queue_without_all() {
    let desk = Desk::new();
    desk.import_one(&["--today", EXPORT_DAY, &truth("bitrix24_v1.csv")]);
    let met = queue_ids(&desk, EXPORT_DAY, MET, false);
    // b3 is closed in an open stage: critical, so among the first.
    assert!(met.iter().take(4).any(|id| id == "b3"), "{met:?}");
    let contract = queue_ids(&desk, EXPORT_DAY, "Договор", false);
    assert_eq!(
        contract.first().map(String::as_str),
        Some("c1"),
        "{contract:?}"
    );

    // A week on, b8 has left the export without being closed: still in the queue, flagged gone.
    desk.import_one(&["--today", EXPORT_DAY, &truth("bitrix24_v2.csv")]);
    let met = queue_ids(&desk, EXPORT_DAY, MET, false);
    assert!(met.contains(&"b8".to_string()), "{met:?}");
    let gone = &flags(&desk, EXPORT_DAY)["b8"];
    assert!(gone.iter().any(|(code, ..)| code == "gone"), "{gone:?}");

    // The won card without a flag stays in its won stage's queue; the figures agree with the
    // queue in every stage.
    assert_eq!(
        queue_ids(&desk, EXPORT_DAY, "Успешно реализовано", false),
        ["w1"]
    );
    let stats = json_on(&desk, EXPORT_DAY, &["stats"]);
    for row in stats["stages"].as_array().unwrap() {
        let stage = row["stage"].as_str().unwrap();
        let listed = queue_ids(&desk, EXPORT_DAY, stage, false).len() as u64;
        let cards = row["cards"].as_u64().unwrap() + row["gone"].as_u64().unwrap();
        assert_eq!(
            listed, cards,
            "«{stage}»: the queue lists its cards and its gone ones"
        );
    }
}

#[test]
fn meeting_held_without_a_date_outranks_every_card_with_only_warnings() {
    let desk = Desk::new();
    desk.import_one(&["--today", EXPORT_DAY, &truth("bitrix24_v1.csv")]);
    let flags = flags(&desk, EXPORT_DAY);
    let met = queue_ids(&desk, EXPORT_DAY, MET, false);
    let n = assert_ranked_above(&met, &flags, is_meeting_missing, only_warnings, "fixture");
    assert_eq!(n, 2, "b1 and b2");
    // Idle past twice the limit is critical too; within it, a warning.
    assert!(
        flags["b9"]
            .iter()
            .any(|(c, s, _)| c == "idle" && s == "critical")
    );
    assert!(
        flags["b5"]
            .iter()
            .any(|(c, s, _)| c == "idle" && s == "warning")
    );
}

#[test]
fn on_the_demo_every_planted_closed_card_is_queued_and_missing_meetings_come_first() {
    let desk = Desk::demo();
    let planted: Json = serde_json::from_str(
        &std::fs::read_to_string(repo().join("assets/demo/planted.json")).unwrap(),
    )
    .unwrap();
    let day = planted["today"].as_str().unwrap();
    let flags = flags(&desk, day);
    let mut queues: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let (mut closed, mut missing) = (0, 0);
    for card in planted["cards"].as_array().unwrap() {
        let id = card["id"].as_str().unwrap();
        let stage = card["stage"].as_str().unwrap().to_string();
        let faults: Vec<&str> = card["faults"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap())
            .collect();
        let queue = queues
            .entry(stage.clone())
            .or_insert_with(|| queue_ids(&desk, day, &stage, false));
        if faults.contains(&"closed_on_open") {
            closed += 1;
            assert!(
                queue.iter().any(|q| q == id),
                "{id} not in «{stage}»'s queue"
            );
        }
        if faults.contains(&"meeting_missing") {
            missing += 1;
            assert!(flags.get(id).is_some_and(|f| is_meeting_missing(f)), "{id}");
        }
    }
    assert!(
        closed >= 8 && missing >= 10,
        "{closed} closed, {missing} missing"
    );
    for (stage, queue) in &queues {
        assert_ranked_above(queue, &flags, is_meeting_missing, only_warnings, stage);
    }
}

#[test]
fn a_column_the_source_never_exports_is_said_once_and_flags_no_card() {
    let desk = Desk::new();
    let report = desk.import_one(&["--today", EXPORT_DAY, &truth("bitrix24_v1.csv")]);
    let absent: Vec<&str> = report["absent_fields"]
        .as_array()
        .expect("absent_fields")
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert_eq!(absent, ["phone", "Срок действия брони", "Дата договора"]);
    let flags = flags(&desk, EXPORT_DAY);
    let on = |field: &str| {
        flags
            .values()
            .flatten()
            .filter(|(_, _, f)| f.as_deref() == Some(field))
            .count()
    };
    assert_eq!(
        (on("phone"), on("Срок действия брони"), on("Дата договора")),
        (0, 0, 0)
    );
    // The stage that demands it is named, and okk's own field by the word the card uses for it
    // (in either language), not by its `--map` key.
    let out = desk.run_ok(&["funnel", "check", "--store"]);
    assert!(
        out.contains("«bitrix24» never exports")
            && out.contains("Срок действия брони: required at Бронирование")
            && out.contains("\n  Phone: required at Квалификация")
            && !out.contains("phone:"),
        "{out}"
    );
    let ru = desk
        .okk()
        .env("OKK_LANG", "ru")
        .args(["funnel", "check", "--store"])
        .output()
        .unwrap();
    let ru = String::from_utf8(ru.stdout).unwrap();
    assert!(
        ru.contains("\n  Телефон: требуется на этапах Квалификация")
            && ru.contains("Срок действия брони: требуется на этапах Бронирование")
            && !ru.contains("phone:"),
        "{ru}"
    );

    // A later export of the same source has the phone column: the empty phone is flagged again,
    // and the source no longer lacks it.
    let report = desk.import_one(&["--today", EXPORT_DAY, &truth("bitrix24_v3_with_phone.csv")]);
    assert!(
        !report["absent_fields"].to_string().contains("\"phone\""),
        "{report}"
    );
    let flags = self::flags(&desk, EXPORT_DAY);
    let phone: Vec<&String> = flags
        .iter()
        .filter(|(_, f)| {
            f.iter()
                .any(|(_, _, field)| field.as_deref() == Some("phone"))
        })
        .map(|(id, _)| id)
        .collect();
    assert_eq!(phone, ["q1"]);
}

#[test]
fn today_sets_the_day_judged_and_changing_it_reruns_the_rules() {
    let desk = Desk::new();
    desk.import_one(&["--today", EXPORT_DAY, &truth("bitrix24_v1.csv")]);
    let idle = |day: &str| {
        flags(&desk, day)
            .values()
            .filter(|f| f.iter().any(|(c, ..)| c == "idle"))
            .count()
    };
    assert_eq!(idle(EXPORT_DAY), 3, "b5, b6, b9");
    // A month later every open card is idle; back to the export's day, the same three.
    assert!(idle("2026-12-06") >= 10);
    assert_eq!(idle(EXPORT_DAY), 3);
    // The environment variable does the same.
    let out = desk
        .okk()
        .env("OKK_TODAY", "2026-12-06")
        .args(["check", "--rule", "idle", "--json"])
        .output()
        .unwrap();
    let v: Json = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["cards"].as_array().unwrap().len() >= 10);
    // A day chosen is judged as asked, however long after the export's newest activity: no
    // command repeats the note that says how to choose one.
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("--today"), "{stderr}");
    for args in [
        &["check", "--json"][..],
        &["stats", "--json"],
        &["queue", "--stage", MET, "--auditor", "anna", "--json"],
    ] {
        for chosen in [
            desk.okk()
                .env("OKK_TODAY", "2026-12-06")
                .args(args)
                .output(),
            desk.okk()
                .args(["--today", "2026-12-06"])
                .args(args)
                .output(),
        ] {
            let stderr = String::from_utf8_lossy(&chosen.unwrap().stderr).to_string();
            assert!(!stderr.contains("--today"), "{args:?}: {stderr}");
        }
    }
    // On the wall clock's day, a month after the newest activity, the export looks old, and okk
    // says how to judge it as of its own day (the note is the clock's: said when the machine's
    // day is more than a week past the export's).
    let out = desk.okk().args(["check", "--json"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let newest = chrono::NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
    let old = (chrono::Local::now().date_naive() - newest).num_days() > 7;
    assert_eq!(
        stderr.contains("judge it as of its day: --today 2026-11-05"),
        old,
        "{stderr}"
    );

    // Idle days agree: the queue's, the flag's sentence.
    let q = json_on(
        &desk,
        EXPORT_DAY,
        &["queue", "--stage", MET, "--auditor", "anna"],
    );
    let b5 = q["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "b5")
        .unwrap();
    assert_eq!(b5["idle_days"], 10);
    let check = json_on(&desk, EXPORT_DAY, &["check", "--rule", "idle"]);
    assert!(
        check
            .to_string()
            .contains("no activity for 10 days (last 27.10.2026)")
    );

    // What okk records stays the clock's: the import batch is stamped today, not on the day judged.
    let batches = desk.rows(Table::ImportBatches);
    let started = text(batches.last().expect("an import batch"), "started_at");
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    assert!(started.starts_with(&today), "{started}");

    // A day that is not one is refused with what was expected.
    let out = desk
        .okk()
        .args(["--today", "06.11.2026", "check"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("expected YYYY-MM-DD"));
}
