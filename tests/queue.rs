//! The review queue of a stage: its order, and how reviews take cards out and changes bring
//! them back. Flags are set by a hand-written judge here, so the order is known exactly whatever
//! the shipped rules say.

mod common;

use common::{Desk, fixture, path_arg, repo};
use okk::domain::flag::{Evidence, Flag, RuleCode, Severity};
use okk::store::Store;
use okk::store::queue::{QueueEntry, QueueQuery};

/// The moment idle days are counted to.
fn now() -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

fn flag(severity: Severity) -> Flag {
    Flag {
        code: RuleCode::Idle,
        severity,
        evidence: Evidence::Gone { since: None },
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

/// The auditor's queue of «Квалификация» as `okk queue` asks it (50 cards).
fn query(auditor: &str) -> QueueQuery<'_> {
    static STAGES: std::sync::LazyLock<[String; 1]> =
        std::sync::LazyLock::new(|| ["Квалификация".to_string()]);
    QueueQuery {
        after: None,
        text: None,
        sources: None,
        with_calibration: true,
        reviewed: false,
        crm_stages: &STAGES[..],
        auditor,
        limit: 50,
        all: false,
        closed_stage: false,
        now: now(),
    }
}

fn queue(store: &Store, auditor: &str, all: bool) -> Vec<QueueEntry> {
    store
        .queue(&QueueQuery {
            all,
            ..query(auditor)
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
    // Nor is it in another auditor's queue (as no claim would hand it to him), but under `t`
    // and a filter, marked anna's.
    assert!(!ids(&queue(&store, "boris", false)).contains(&"q4"));
    let every = store
        .queue(&QueueQuery {
            reviewed: true,
            ..query("boris")
        })
        .unwrap();
    let q4 = every.iter().find(|e| e.id == "q4").expect("q4 under t");
    assert!(q4.judged_by_other && q4.my_verdict.is_none());
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
    let v = desk.json_ok(&[
        "queue",
        "--stage",
        "квалификация",
        "--auditor",
        "anna",
        "--json",
        "--limit",
        "3",
    ]);
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

/// `okk queue` as text speaks the interface's language: each flag by its rule's name as
/// `okk check` writes it (the codes only in `--json`), and the queue titled by the funnel's
/// name of the stage, whichever of its names was typed.
#[test]
fn the_russian_queue_names_its_flags_rules_in_words_and_its_stage_as_the_funnel_does() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    // «Выявление потребностей» is an alias of the funnel's «Квалификация».
    let args = ["--lang", "ru", "queue", "--stage", "Выявление потребностей"];
    let out = desk.okk().args(args).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let title = text.lines().next().unwrap_or_default();
    assert!(title.starts_with("Очередь «Квалификация» для "), "{text}");
    let codes = okk::domain::flag::RuleCode::ALL.map(|c| c.as_str());
    let rows: Vec<&str> = text.lines().skip(1).collect();
    for row in &rows {
        for word in row.split(|c: char| c.is_whitespace() || c == ',') {
            assert!(!codes.contains(&word), "a rule's code in Russian: {row}");
        }
    }
    let json = desk.json_ok(&[&args[..], &["--json"]].concat());
    let flagged = json["cards"].as_array().unwrap().iter();
    let flagged: Vec<&serde_json::Value> = flagged
        .filter(|c| c["flags"] != serde_json::json!([]))
        .collect();
    assert!(!flagged.is_empty(), "{json}");
    for card in flagged {
        let id = card["id"].as_str().unwrap();
        let row = (rows.iter())
            .find(|r| r.trim_start().starts_with(&format!("#{id} ")))
            .unwrap_or_else(|| panic!("#{id}: {text}"));
        for code in card["flags"].as_array().unwrap() {
            let code = okk::domain::flag::RuleCode::from_name(code.as_str().unwrap()).unwrap();
            let word = okk::text::lang::with(okk::text::lang::Lang::Ru, || {
                okk::text::check::rule_name(code)
            });
            assert!(row.contains(&word), "{word}: {row}");
        }
    }
}

/// Two CRM connections that share ids (two accounts, a file and a connection): each queue
/// item says which source its card is of, in `--json` always, in the text when the list holds
/// more than one, as `okk check` does; a store of one source reads as before.
#[test]
fn queue_items_say_their_source_when_two_sources_share_ids() {
    let desk = Desk::new();
    let v1 = fixture("../queue/v1.csv");
    desk.import_one(&["--source", "amo-north", &v1]);
    let args = ["queue", "--stage", "квалификация", "--auditor", "anna"];
    let one = desk.json_ok(&[&args[..], &["--json"]].concat());
    let one = one["cards"].as_array().unwrap();
    assert!(one.iter().all(|c| c["source"] == "amo-north"), "{one:?}");
    let text = String::from_utf8(desk.okk().args(args).output().unwrap().stdout).unwrap();
    assert!(
        !text.contains("(amo-north)"),
        "one source: rows as before\n{text}"
    );

    desk.import_one(&["--source", "amo-south", &v1]);
    let two = desk.json_ok(&[&args[..], &["--json"]].concat());
    let two = two["cards"].as_array().unwrap();
    assert_eq!(two.len(), one.len() * 2);
    for c in one {
        let sources: Vec<&str> = two
            .iter()
            .filter(|t| t["id"] == c["id"])
            .map(|t| t["source"].as_str().unwrap())
            .collect();
        assert_eq!(sources.len(), 2, "{}: {sources:?}", c["id"]);
        assert!(sources.contains(&"amo-north") && sources.contains(&"amo-south"));
    }
    let text = String::from_utf8(desk.okk().args(args).output().unwrap().stdout).unwrap();
    let id = one[0]["id"].as_str().unwrap();
    for source in ["amo-north", "amo-south"] {
        assert!(
            text.contains(&format!("#{id} ({source})")),
            "{source}:\n{text}"
        );
    }
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

/// The figures of one stage as `okk review` asks for them, for each of the queue's filters,
/// and as counted from the cards.
fn figures_agree_with_the_cards(desk: &Desk, label: &str) {
    let store = Store::open(&desk.db).unwrap();
    // A flagged card is in its queue whatever it is; the filters keep the cards without flags.
    let flagged = "id IN (SELECT card_id FROM standings)";
    let filters = [
        (true, false, String::new()),
        (false, true, format!("AND ({flagged} OR gone_at IS NULL)")),
        (
            false,
            false,
            format!(
                "AND ({flagged} OR (gone_at IS NULL AND coalesce(closed, 0) = 0 \
                 AND closed_at IS NULL))"
            ),
        ),
    ];
    let stages = ["Квалификация".to_string(), "Встреча назначена".to_string()];
    let queries: Vec<QueueQuery<'_>> = (stages.iter())
        .flat_map(|stage| {
            filters
                .iter()
                .map(move |(all, closed_stage, _)| QueueQuery {
                    after: None,
                    text: None,
                    sources: None,
                    with_calibration: true,
                    reviewed: false,
                    crm_stages: std::slice::from_ref(stage),
                    auditor: "anna",
                    limit: 0,
                    all: *all,
                    closed_stage: *closed_stage,
                    now: now(),
                })
        })
        .collect();
    let one_by_one: Vec<_> = (queries.iter())
        .map(|q| store.queue_counts(q).unwrap())
        .collect();
    assert_eq!(
        store.queue_counts_many(&queries).unwrap(),
        one_by_one,
        "{label}: the funnel screen's figures read together are each stage's"
    );
    assert!(
        one_by_one.iter().any(|c| c.reviewed > 0) && one_by_one.iter().any(|c| c.others > 0),
        "{label}: the fixture has her reviews and others': {one_by_one:?}"
    );
    for stage in ["Квалификация", "Встреча назначена"] {
        for (all, closed_stage, filter) in &filters {
            let (all, closed_stage) = (*all, *closed_stage);
            let got = store
                .queue_counts(&QueueQuery {
                    after: None,
                    text: None,
                    sources: None,
                    with_calibration: true,
                    reviewed: false,
                    crm_stages: &[stage.to_string()],
                    auditor: "anna",
                    limit: 0,
                    all,
                    closed_stage,
                    now: now(),
                })
                .unwrap();
            let count = |more: &str| {
                desk.count(&format!(
                    "SELECT count(*) FROM cards WHERE stage = '{stage}' {filter} {more}"
                ))
            };
            assert_eq!(
                (got.cards as i64, got.flagged as i64),
                (count(""), count("AND id IN (SELECT card_id FROM flags)")),
                "{label}: «{stage}», all {all}, closed stage {closed_stage}"
            );
        }
    }
}

/// The queue fixture as a later full export gives it: q5 gone, q6 moved on to «Встреча назначена».
fn v3(desk: &Desk) -> std::path::PathBuf {
    let v1 = std::fs::read_to_string(repo().join("tests/fixtures/queue/v1.csv")).unwrap();
    let v3: String = v1
        .lines()
        .filter(|l| !l.starts_with("q5,"))
        .map(|l| match l.strip_prefix("q6,") {
            Some(rest) => format!(
                "q6,{}\n",
                rest.replace(",Квалификация,", ",Встреча назначена,")
            ),
            None => format!("{l}\n"),
        })
        .collect();
    let file = desk.tmp_dir().join("v3.csv");
    std::fs::write(&file, v3).unwrap();
    file
}

#[test]
fn stage_figures_kept_by_the_rules_run_follow_imports() {
    let desk = Desk::new();
    let kept = || desk.count("SELECT count(*) FROM meta WHERE key = 'summaries'");
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    // Her reviews and others' of open, closed, later gone and moved cards, one judged by both.
    for (card, auditor) in [
        ("q1", "anna"),
        ("q3", "anna"),
        ("q3", "boris"),
        ("q2", "boris"),
        ("q5", "boris"),
        ("q6", "boris"),
        ("q7", "boris"),
        ("q7", "vera"),
        ("q8", "anna"),
        ("q8", "boris"),
    ] {
        review(&desk.db, card, auditor);
    }
    assert_eq!(kept(), 1, "the import's rules run keeps the figures");
    figures_agree_with_the_cards(&desk, "after the first import");

    // A full export without q5 (gone) and with q6 moved on, imported without the rules.
    let file = v3(&desk);
    let r = desk.import_one(&["--no-check", &path_arg(&file)]);
    assert_eq!(
        (r["gone"].as_i64(), r["updated"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(kept(), 0, "an import drops the kept figures");
    figures_agree_with_the_cards(&desk, "after an import without the rules");

    let mut store = Store::open(&desk.db).unwrap();
    judge_fixed(&mut store);
    drop(store);
    assert_eq!(kept(), 1, "the rules run keeps them again");
    figures_agree_with_the_cards(&desk, "after the rules ran");
}

/// A standing copies its card's queue columns: an import that changes the card, or marks it gone,
/// takes the standing (and the flags) away, and the rules run writes them again from the card.
#[test]
fn a_changed_cards_standing_follows_the_card() {
    let desk = Desk::new();
    desk.import_one(&["--no-check", &fixture("../queue/v1.csv")]);
    let all_flagged = |desk: &Desk| {
        let mut store = Store::open(&desk.db).unwrap();
        store
            .rerun_flags(|_, _| vec![flag(Severity::Info)])
            .unwrap();
    };
    all_flagged(&desk);
    let file = v3(&desk);
    desk.import_one(&["--no-check", &path_arg(&file)]);
    let of = |id: &str| {
        desk.count(&format!(
            "SELECT count(*) FROM standings s JOIN flags f ON f.card_id = s.card_id
             WHERE s.external_id = '{id}'"
        ))
    };
    assert_eq!(
        (of("q5"), of("q6"), of("q1")),
        (0, 0, 1),
        "the import unjudged q5, q6"
    );
    // The same judgement as before for every card: only q5 and q6 are written again.
    all_flagged(&desk);
    let stale = desk.count(
        "SELECT count(*) FROM standings s JOIN cards c ON c.id = s.card_id
         WHERE (s.stage, nullif(s.touched_at, ''), s.external_id, s.gone_at, s.closed, s.closed_at, s.search)
           IS NOT (c.stage, c.touched_at, c.external_id, c.gone_at, c.closed, c.closed_at,
                   c.search)",
    );
    assert_eq!(stale, 0);
    assert_eq!(
        desk.count("SELECT count(*) FROM standings"),
        desk.count("SELECT count(*) FROM cards")
    );
    assert_eq!(
        desk.count(
            "SELECT count(*) FROM standings WHERE external_id = 'q6'
             AND stage = 'Встреча назначена'"
        ),
        1
    );
}

#[test]
fn owners_and_stage_names_are_the_distinct_values_sorted() {
    let desk = Desk::new();
    let distinct = |sql: &str| -> Vec<String> {
        let conn = desk.conn();
        let mut stmt = conn.prepare(sql).unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let check = |label: &str| {
        let store = Store::open(&desk.db).unwrap();
        assert_eq!(
            store.owners().unwrap(),
            distinct("SELECT DISTINCT owner FROM cards WHERE owner <> '' ORDER BY owner"),
            "{label}"
        );
        assert_eq!(
            store.crm_stage_names().unwrap(),
            distinct("SELECT DISTINCT stage FROM cards ORDER BY stage"),
            "{label}"
        );
    };
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    check("from the summary");
    assert_eq!(distinct("SELECT name FROM owners").len(), 4);

    // Another source, with a new owner, imported without the rules: the summary is dropped.
    let v1 = std::fs::read_to_string(repo().join("tests/fixtures/queue/v1.csv")).unwrap();
    let file = desk.tmp_dir().join("v1.csv");
    std::fs::write(&file, v1.replacen("Смирнова Ольга", "Зуева Дарья", 1)).unwrap();
    desk.import_one(&["--no-check", &path_arg(&file)]);
    check("from the cards");
    let store = Store::open(&desk.db).unwrap();
    assert!(store.owners().unwrap().contains(&"Зуева Дарья".to_string()));
    assert!(store.crm_stage_names().unwrap().len() >= 5);
    drop(store);

    let mut store = Store::open(&desk.db).unwrap();
    judge_fixed(&mut store);
    drop(store);
    assert_eq!(distinct("SELECT name FROM owners").len(), 5);
    check("from the summary again");
}

fn filtered(store: &Store, text: &str) -> Vec<String> {
    store
        .queue(&QueueQuery {
            after: None,
            text: Some(text),
            sources: None,
            with_calibration: true,
            reviewed: false,
            crm_stages: &["Квалификация".to_string()],
            auditor: "anna",
            limit: 50,
            all: false,
            closed_stage: false,
            now: now(),
        })
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect()
}

#[test]
fn the_text_filter_finds_id_title_and_owner_and_sees_a_later_import() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(filtered(&store, "q3"), ["q3"]);
    assert_eq!(filtered(&store, "сделка q1"), ["q1"]);
    // q1…q7: q7 is closed, and in the queue for the rules' `closed_open` on it.
    assert_eq!(filtered(&store, "смирнова ольга").len(), 7);
    assert!(filtered(&store, "зуева").is_empty());
    // A match never spans the id, the title and the owner.
    assert!(filtered(&store, "q1 смирнова").is_empty());
    assert!(filtered(&store, "q3сделка").is_empty());

    // Another okk imports a new owner for q1 while this store is open: the filter sees it.
    let v1 = std::fs::read_to_string(repo().join("tests/fixtures/queue/v1.csv")).unwrap();
    let file = desk.tmp_dir().join("v1.csv");
    std::fs::write(&file, v1.replacen("Смирнова Ольга", "Зуева Дарья", 1)).unwrap();
    desk.import_one(&[&path_arg(&file)]);
    assert_eq!(filtered(&store, "зуева"), ["q1"]);
    assert_eq!(filtered(&store, "смирнова ольга").len(), 6);
}

/// Page after page, a stage's queue is the same as in one read: no card skipped or repeated where
/// one page ends, where the flagged cards end, or among cards with the same dates.
#[test]
fn pages_join_up_into_the_whole_queue() {
    let desk = Desk::demo();
    let store = Store::open(&desk.db).unwrap();
    let stages: Vec<String> = store.crm_stage_names().unwrap();
    let mut crossed = 0;
    for stage in &stages {
        let stage = std::slice::from_ref(stage);
        let read = |after: Option<&okk::store::queue::QueueKey>, limit: usize| {
            store
                .queue(&QueueQuery {
                    after,
                    text: None,
                    sources: None,
                    with_calibration: false,
                    reviewed: false,
                    crm_stages: stage,
                    auditor: "anna",
                    limit,
                    all: true,
                    closed_stage: false,
                    now: now(),
                })
                .unwrap()
        };
        let whole = read(None, 100_000);
        let mut paged: Vec<QueueEntry> = Vec::new();
        loop {
            let page = read(paged.last().map(|e| &e.key), 3);
            if page.is_empty() {
                break;
            }
            paged.extend(page);
        }
        assert_eq!(ids(&paged), ids(&whole), "«{}»", stage[0]);
        if whole.first().is_some_and(|e| e.key.flag_count > 0)
            && whole.last().is_some_and(|e| e.key.flag_count == 0)
        {
            crossed += 1;
        }
    }
    assert!(crossed > 0, "some stage has flagged and unflagged cards");
}

/// The whole queue of «Квалификация» read one card a page.
fn paged(store: &Store, all: bool) -> Vec<String> {
    let mut out: Vec<QueueEntry> = Vec::new();
    loop {
        let page = store
            .queue(&QueueQuery {
                after: out.last().map(|e| &e.key),
                text: None,
                sources: None,
                with_calibration: false,
                reviewed: false,
                crm_stages: &["Квалификация".to_string()],
                auditor: "anna",
                limit: 1,
                all,
                closed_stage: false,
                now: now(),
            })
            .unwrap();
        if page.is_empty() {
            return out.into_iter().map(|e| e.id).collect();
        }
        out.extend(page);
    }
}

/// The cards without flags start where the last rules run found the first of them, not after
/// every flagged card that comes before it in the cards' order; after an import (which may take
/// flags away) the queue looks from the top again.
#[test]
fn the_cards_without_flags_follow_the_flagged_ones_however_the_oldest_are_judged() {
    let desk = Desk::new();
    desk.import_one(&["--no-check", &fixture("../queue/v1.csv")]);
    let mut store = Store::open(&desk.db).unwrap();
    // The two oldest cards flagged: the first card without flags is q7 (closed), then q1.
    store
        .rerun_flags(|card, _| match card.external_id.as_str() {
            "q5" | "q6" => vec![flag(Severity::Warning)],
            _ => vec![],
        })
        .unwrap();
    assert_eq!(
        ids(&queue(&store, "anna", false)),
        ["q5", "q6", "q1", "q4", "q3", "q2"]
    );
    assert_eq!(paged(&store, false), ["q5", "q6", "q1", "q4", "q3", "q2"]);
    assert_eq!(
        paged(&store, true),
        ["q5", "q6", "q7", "q1", "q4", "q3", "q2"]
    );
    // Every card flagged: nothing follows the flagged ones.
    store
        .rerun_flags(|_, _| vec![flag(Severity::Info)])
        .unwrap();
    assert_eq!(
        paged(&store, true),
        ["q5", "q6", "q7", "q1", "q4", "q3", "q2"]
    );
    // Only the newest flagged.
    store
        .rerun_flags(|card, _| match card.external_id.as_str() {
            "q2" => vec![flag(Severity::Warning)],
            _ => vec![],
        })
        .unwrap();
    assert_eq!(
        paged(&store, true),
        ["q2", "q5", "q6", "q7", "q1", "q4", "q3"]
    );
    store
        .rerun_flags(|card, _| match card.external_id.as_str() {
            "q5" | "q6" => vec![flag(Severity::Warning)],
            _ => vec![],
        })
        .unwrap();
    drop(store);
    // q5 gone and q6 moved on: the import takes their flags; q5 (gone, without flags now) is the
    // oldest card without flags of the stage.
    let file = v3(&desk);
    desk.import_one(&["--no-check", &path_arg(&file)]);
    let store = Store::open(&desk.db).unwrap();
    assert_eq!(paged(&store, true), ["q5", "q7", "q1", "q4", "q3", "q2"]);
    assert_eq!(paged(&store, false), ["q1", "q4", "q3", "q2"]);
}

/// A stage name found neither in the funnel nor among the store's stages: the error lists the
/// funnel's stages and the stages the store's cards are at that the funnel does not know (the
/// CRM's name the user may have meant), control characters shown as placeholders.
#[test]
fn a_stage_not_found_lists_the_store_s_unknown_stages_too() {
    let desk = Desk::new();
    let file = desk.dir.path().join("deals.csv");
    std::fs::write(
        &file,
        "ID,Название сделки,Этап сделки,Ответственный\n\
         1,Дом,Переговоры с банком,Иванов\n\
         2,Дача,Договор,Иванов\n\
         3,Сад,\"Торг\x1b[31m\",Иванов\n",
    )
    .unwrap();
    desk.import_one(&[file.to_str().unwrap()]);
    for args in [
        &["queue", "--stage", "Переговоры"][..],
        &["check", "--stage", "Переговоры"][..],
    ] {
        let out = desk.okk().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(
                "the store also has cards at stages the funnel does not know: \
                 Переговоры с банком, Торг␛[31m"
            ),
            "{err}"
        );
        assert!(!err.contains('\x1b'), "{err}");
    }
}

/// `okk queue` names the auditor as `okk review` does: `--auditor`, else `OKK_AUDITOR`, else
/// the config's `auditor` (the file `--config` names), else the login name. A claim is held
/// in that name, and the list says whose it is.
#[test]
fn the_queue_command_takes_the_auditor_from_the_config_as_review_does() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    let config = desk.dir.path().join("config.toml");
    std::fs::write(&config, "auditor = \"vika\"\n").unwrap();
    let queue = |env: Option<&str>, args: &[&str]| {
        let mut cmd = desk.okk();
        cmd.env_remove("OKK_AUDITOR").env("USER", "login");
        if let Some(name) = env {
            cmd.env("OKK_AUDITOR", name);
        }
        let out = cmd
            .arg("--config")
            .arg(&config)
            .args(["queue", "--stage", "квалификация"])
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let holders = || -> Vec<String> {
        (desk.rows(common::Table::Leases).iter())
            .map(|r| r["auditor"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        queue(None, &[]).contains("vika"),
        "the list is the config's auditor's"
    );
    queue(None, &["--claim", "1"]);
    assert_eq!(holders(), ["vika"], "the claim is the config's auditor's");
    queue(Some("boris"), &["--claim", "1"]);
    assert!(
        holders().contains(&"boris".to_string()),
        "OKK_AUDITOR before the config"
    );
    queue(Some("boris"), &["--auditor", "gleb", "--claim", "1"]);
    assert!(holders().contains(&"gleb".to_string()), "--auditor first");
    assert!(!holders().contains(&"login".to_string()));
}

/// The cards' activity (17–18.11.2026) is after the day judged (06.11.2026): each is 0 days
/// idle everywhere — the queue's text and JSON, the card, the stats — and `okk queue` and
/// `okk stats` say that cards have activity after the day judged, with the `--today` that fits.
#[test]
fn cards_active_after_the_day_judged_are_0_days_idle_everywhere_and_said_so() {
    let desk = Desk::new();
    let csv = desk.dir.path().join("late.csv");
    std::fs::write(
        &csv,
        "ID,Название сделки,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка\n\
         a1,Сделка a1,Смирнова Ольга,01.09.2026 10:00:00,18.11.2026 10:00:00,не закрыта,\
         Квалификация,Продажи недвижимости\n\
         a2,Сделка a2,Смирнова Ольга,01.09.2026 10:00:00,17.11.2026 10:00:00,не закрыта,\
         Квалификация,Продажи недвижимости\n",
    )
    .unwrap();
    desk.import_one(&[&path_arg(&csv)]);
    let run = |args: &[&str]| {
        let out = desk
            .okk()
            .args(["--today", "2026-11-06", "--lang", "ru"])
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        (
            String::from_utf8(out.stdout).unwrap(),
            String::from_utf8(out.stderr).unwrap(),
        )
    };
    let note = "у части карточек есть активность после оцениваемого дня (06.11.2026), \
                самая новая — 18.11.2026";
    let queue = ["queue", "--stage", "Квалификация", "--auditor", "anna"];
    let (text, err) = run(&queue);
    assert!(err.contains(note), "{err}");
    assert!(err.contains("--today 2026-11-18"), "{err}");
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("#a")).collect();
    assert_eq!(lines.len(), 2, "{text}");
    for l in lines {
        assert!(l.contains(" 0 дн."), "{l}");
        assert!(!l.contains('-'), "{l}");
    }
    let (json, _) = run(&[&queue[..], &["--json"]].concat());
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    for c in json["cards"].as_array().unwrap() {
        assert_eq!(c["idle_days"], 0, "{c}");
    }
    let (stats, err) = run(&["stats", "--json", "--table", "stages"]);
    assert!(err.contains(note), "{err}");
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    let row = stats["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["stage"] == "Квалификация")
        .unwrap()
        .clone();
    assert_eq!(row["median_idle_days"], 0.0, "{row}");

    // The card: its activity is after the day judged, not "today".
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 6);
    let (state, _desk) =
        common::reviewer::open_at_stage_as_of(&desk.db, "anna", "Квалификация", day);
    for (lang, said) in [
        (
            okk::text::lang::Lang::En,
            "after the day judged (2026-11-06): 0 days idle",
        ),
        (
            okk::text::lang::Lang::Ru,
            "после дня оценки (06.11.2026): простой 0 дн.",
        ),
    ] {
        let screen = okk::text::lang::with(lang, || common::reviewer::screen(&state, 160, 40));
        assert!(screen.contains(said), "{screen}");
        assert!(
            !screen.contains("today") && !screen.contains("сегодня"),
            "{screen}"
        );
    }
}

/// Roles set up, no name given: the refusal says no name was given, which name okk fell back on
/// and how to give one (tester32 F9: «auditor — не пользователь этого хранилища», a name the
/// user never typed); a name given that the store does not know keeps the plain refusal.
#[test]
fn a_queue_looked_at_with_no_name_given_says_how_to_give_one() {
    let desk = Desk::demo();
    desk.okk()
        .args(["db", "roles", "--auditor", "anna", "--lead", "olga"])
        .assert()
        .success();
    let refused = |lang: &str, extra: &[&str]| -> String {
        let out = desk
            .okk()
            .args(["--lang", lang, "queue", "--stage", "Квалификация"])
            .args(extra)
            .env_remove("OKK_AUDITOR")
            .env("USER", "zed")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        String::from_utf8(out.stderr).unwrap()
    };
    let en = refused("en", &[]);
    assert!(
        en.contains("no name given, and the one okk fell back on, zed (")
            && en.contains("Say who you are: --auditor NAME, the variable OKK_AUDITOR"),
        "{en}"
    );
    let ru = refused("ru", &[]);
    assert!(
        ru.contains("имя не названо") && ru.contains("Назовите себя: --auditor ИМЯ"),
        "{ru}"
    );
    let named = refused("en", &["--auditor", "zed"]);
    assert!(named.contains("zed is not a user of this store"), "{named}");
    assert!(!named.contains("no name given"), "{named}");
}

/// Her figures are kept between reads on her connection: after each change, whoever made it,
/// they are what a fresh connection reads, and each change here moves them (figures that were
/// kept when they should have been read again would stay as before).
#[test]
fn kept_figures_are_what_a_fresh_read_gives() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    for (card, auditor) in [
        ("q2", "boris"),
        ("q3", "boris"),
        ("q6", "boris"),
        ("q7", "vera"),
    ] {
        review(&desk.db, card, auditor);
    }
    let stages = figure_stages();
    let queries = figure_queries(&stages);
    let mut hers = Store::open(&desk.db).unwrap();
    let mut last = hers.queue_counts_many(&queries).unwrap();
    let mut step = |hers: &Store, what: &str| {
        let kept = hers.queue_counts_many(&queries).unwrap();
        let fresh = Store::open(&desk.db)
            .unwrap()
            .queue_counts_many(&queries)
            .unwrap();
        assert_eq!(kept, fresh, "{what}: kept figures against a fresh read");
        assert_ne!(kept, last, "{what}: the step moves the figures");
        last = kept;
    };
    let verdict = |hers: &mut Store, external_id: &str| her_verdict(&desk, hers, external_id);

    // Hers, on a card boris holds: it leaves the others' figure for her reviewed one.
    let id = verdict(&mut hers, "q3");
    step(&hers, "her verdict on a card another holds");
    hers.withdraw_review(&id, now()).unwrap();
    step(&hers, "her verdict taken back");
    verdict(&mut hers, "q4");
    step(&hers, "her verdict on a card nobody holds");
    // Others', through another connection: a verdict, then one taken back in place.
    review(&desk.db, "q1", "vera");
    step(&hers, "another auditor's verdict");
    desk.conn()
        .execute(
            "UPDATE reviews SET withdrawn_at = '2026-11-20 12:30:00'
             WHERE auditor = 'boris' AND card_external_id = 'q2'",
            [],
        )
        .unwrap();
    step(&hers, "another auditor's verdict withdrawn");
    // An import that moves q6 on to «Встреча назначена» and leaves q5 out (gone): boris's
    // verdict on q6 no longer holds it.
    desk.import_one(&["--no-check", &path_arg(&v3(&desk))]);
    step(&hers, "an import that changed cards");
    // Hers again after all that: kept from the fresh read the import made her connection do.
    verdict(&mut hers, "q7");
    step(
        &hers,
        "her verdict on the card vera holds, after the import",
    );
}

/// Her verdict on the card `external_id`, through her connection `hers`: its review id.
fn her_verdict(desk: &Desk, hers: &mut Store, external_id: &str) -> String {
    use okk::domain::ids::CardId;
    use okk::store::reviews::{ReviewedCard, Stamp};
    let conn = desk.conn();
    let card = conn
        .query_row(
            "SELECT id, source, stage, content_hash FROM cards WHERE external_id = ?1",
            [external_id],
            |r| {
                Ok(ReviewedCard {
                    card_id: CardId(r.get(0)?),
                    source: r.get(1)?,
                    external_id: external_id.to_string(),
                    stage: r.get(2)?,
                    hash: r.get(3)?,
                    as_judged: None,
                })
            },
        )
        .unwrap();
    let stamp = Stamp {
        auditor: "anna",
        funnel_fingerprint: "fp",
        now: now(),
    };
    (hers.save_review(&card, &common::figures::plain_review("ok"), &stamp)).unwrap()
}

/// A queue's title bar asks for its stage's figures alone: her connection counts that stage,
/// not every stage (a start on a card waited for the whole read), and each stage asked for
/// after is counted as it comes; after each change, whoever made it, every stage's figures
/// asked one by one are what a fresh connection reads whole.
#[test]
fn one_stage_at_a_time_her_figures_count_that_stage_alone_and_are_what_a_fresh_read_gives() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    for (card, auditor) in [("q2", "boris"), ("q3", "boris"), ("q8", "vera")] {
        review(&desk.db, card, auditor);
    }
    let stages = figure_stages();
    let queries = figure_queries(&stages);
    let mut hers = Store::open(&desk.db).unwrap();
    hers.queue_counts(&queries[0]).unwrap();
    assert_eq!(
        hers.kept_figures_stages(),
        Some(Some(vec![stages[0].clone()])),
        "one stage asked for: that stage counted alone"
    );
    let step = |hers: &Store, what: &str| {
        let kept: Vec<_> = (queries.iter())
            .map(|q| hers.queue_counts(q).unwrap())
            .collect();
        let fresh = Store::open(&desk.db)
            .unwrap()
            .queue_counts_many(&queries)
            .unwrap();
        assert_eq!(kept, fresh, "{what}: kept figures against a fresh read");
    };
    step(&hers, "first read, stage by stage");
    assert_eq!(
        hers.kept_figures_stages(),
        Some(Some(stages.to_vec())),
        "both stages asked for, each counted once"
    );
    let id = her_verdict(&desk, &mut hers, "q3");
    step(&hers, "her verdict on a card another holds");
    hers.withdraw_review(&id, now()).unwrap();
    step(&hers, "her verdict taken back");
    her_verdict(&desk, &mut hers, "q8");
    step(&hers, "her verdict on the other stage's card vera holds");
    review(&desk.db, "q4", "vera");
    step(&hers, "another auditor's verdict");
    desk.import_one(&["--no-check", &path_arg(&v3(&desk))]);
    step(&hers, "an import that moved a card to the other stage");
}

/// The whole read made aside (the reviewer's writer, after her first frame) is taken only
/// while her figures hold: her own verdict since it was read is looked at again on its card,
/// and another connection's commit since drops it. Without either, the figures would show
/// the store as it was when the read was made.
#[test]
fn the_figures_read_aside_are_taken_with_her_writes_since_and_dropped_for_others() {
    use okk::domain::ports::Reopen;
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    for (card, auditor) in [("q2", "boris"), ("q3", "boris"), ("q8", "vera")] {
        review(&desk.db, card, auditor);
    }
    let stages = figure_stages();
    let queries = figure_queries(&stages);
    let fresh = || {
        Store::open(&desk.db)
            .unwrap()
            .queue_counts_many(&queries)
            .unwrap()
    };
    let mut hers = Store::open(&desk.db).unwrap();
    hers.queue_counts(&queries[3]).unwrap();
    hers.keep_figures_aside("anna").unwrap();
    hers.wait_figures_aside();
    her_verdict(&desk, &mut hers, "q3");
    // Her stage's figures, kept, take her verdict in before the read aside is taken.
    hers.queue_counts(&queries[3]).unwrap();
    assert_eq!(
        hers.queue_counts_many(&queries).unwrap(),
        fresh(),
        "her verdict made after the read aside"
    );
    assert_eq!(hers.kept_figures_stages(), Some(None), "taken: every stage");

    let hers = Store::open(&desk.db).unwrap();
    hers.queue_counts(&queries[0]).unwrap();
    hers.keep_figures_aside("anna").unwrap();
    hers.wait_figures_aside();
    review(&desk.db, "q4", "vera");
    assert_eq!(
        hers.queue_counts_many(&queries).unwrap(),
        fresh(),
        "another auditor's verdict after the read aside"
    );
    // Read afresh for the funnel's figures, as they stopped holding: a read aside begins again
    // as the next stage alone is counted.
    review(&desk.db, "q5", "vera");
    hers.queue_counts(&queries[0]).unwrap();
    assert_eq!(
        hers.kept_figures_stages(),
        Some(Some(vec![stages[0].clone()]))
    );
    hers.wait_figures_aside();
    assert_eq!(hers.queue_counts_many(&queries).unwrap(), fresh());
}

fn figure_stages() -> [String; 2] {
    ["Квалификация".to_string(), "Встреча назначена".to_string()]
}

/// Her figures of both stages, with and without closed cards, and every card.
fn figure_queries(stages: &[String]) -> Vec<QueueQuery<'_>> {
    (stages.iter())
        .flat_map(|stage| {
            [(false, false), (false, true), (true, false)].map(|(all, closed_stage)| QueueQuery {
                crm_stages: std::slice::from_ref(stage),
                limit: 0,
                all,
                closed_stage,
                ..query("anna")
            })
        })
        .collect()
}

/// The reviewer's other connections (her reads, her writes) take the figures her first one
/// read, but only while nobody else has committed since.
#[test]
fn a_twin_takes_her_figures_only_while_they_hold() {
    use okk::domain::ports::Reopen;
    let desk = Desk::new();
    desk.import_one(&[&fixture("../queue/v1.csv")]);
    review(&desk.db, "q3", "boris");
    let (stages, hers) = (figure_stages(), Store::open(&desk.db).unwrap());
    let queries = figure_queries(&stages);
    let fresh = || {
        Store::open(&desk.db)
            .unwrap()
            .queue_counts_many(&queries)
            .unwrap()
    };
    let before = hers.queue_counts_many(&queries).unwrap();
    let twin = hers.reopen().unwrap();
    assert_eq!(twin.queue_counts_many(&queries).unwrap(), before);
    review(&desk.db, "q7", "vera");
    let late = hers.reopen().unwrap();
    let after = fresh();
    assert_ne!(after, before, "vera's verdict moves the figures");
    assert_eq!(
        late.queue_counts_many(&queries).unwrap(),
        after,
        "opened after it"
    );
    assert_eq!(
        twin.queue_counts_many(&queries).unwrap(),
        after,
        "opened before it"
    );
}
