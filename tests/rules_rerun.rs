//! Re-running the rules writes only what changed: flags that hold are kept, flags that no
//! longer hold go, and the cards' standings (the queue's order) follow, whether a few cards
//! changed or most of them (then the queue index is rebuilt).

mod common;

use common::Desk;
use okk::domain::flag::{Evidence, Flag, RuleCode, Severity};
use okk::store::Store;

/// A flag whose evidence is `stage`: a changed word is a changed flag.
fn flag(severity: Severity, stage: String) -> Flag {
    Flag {
        code: RuleCode::Idle,
        severity,
        evidence: Evidence::UnknownStage { stage },
        field: None,
    }
}

/// Every card's flags as stored: (external id, [(seq, severity, evidence)]).
fn stored(desk: &Desk) -> Vec<(String, i64, String)> {
    let conn = desk.conn();
    let mut stmt = conn
        .prepare(
            "SELECT c.external_id, f.seq, f.severity || ' ' || json_extract(f.args, '$.stage') FROM flags f
             JOIN cards c ON c.id = f.card_id ORDER BY c.external_id, f.seq",
        )
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Cards whose standing disagrees with their stored flags.
fn wrong_standings(desk: &Desk) -> i64 {
    desk.count(
        "SELECT count(*) FROM cards c LEFT JOIN standings s ON s.card_id = c.id
         WHERE (coalesce(s.flag_rank, 0), coalesce(s.flag_count, 0)) IS NOT
             (SELECT coalesce(max(f.severity), 0), count(*) FROM flags f WHERE f.card_id = c.id)
            OR (s.card_id IS NOT NULL AND (s.stage, nullif(s.touched_at, ''), s.external_id, s.gone_at,
                    s.closed, s.closed_at, s.search)
                IS NOT (c.stage, c.touched_at, c.external_id, c.gone_at, c.closed, c.closed_at,
                        c.search))",
    )
}

fn queue_index_used(desk: &Desk) -> bool {
    let plan: String = desk
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT card_id FROM standings WHERE stage = 'x'
             ORDER BY place, touched_at, external_id",
            [],
            |r| r.get(3),
        )
        .unwrap();
    plan.contains("standings_queue")
}

fn digits(id: &str) -> u64 {
    id.bytes()
        .filter(u8::is_ascii_digit)
        .fold(0, |n, b| n * 10 + u64::from(b - b'0'))
}

/// The judgement most cards get: by the digits of their id, none, one warning, or a critical
/// flag and a note.
fn usual(external_id: &str) -> Vec<Flag> {
    let n = digits(external_id);
    match n % 4 {
        0 => vec![],
        1 => vec![flag(Severity::Warning, format!("w {n}"))],
        _ => vec![
            flag(Severity::Critical, format!("c {n}")),
            flag(Severity::Info, format!("i {n}")),
        ],
    }
}

#[test]
fn a_rerun_keeps_what_holds_and_replaces_what_changed() {
    let desk = Desk::demo();
    let cards = desk.count("SELECT count(*) FROM cards") as u64;
    assert!(cards > 300, "the demo has hundreds of cards");

    // Most cards flagged, none before: the standings are written with their index built after.
    let mut store = Store::open(&desk.db).unwrap();
    let run = store
        .rerun_flags(|card, _| usual(&card.external_id))
        .unwrap();
    drop(store);
    assert_eq!(run.cards, cards);
    let first = stored(&desk);
    assert_eq!(first.len() as u64, run.flags);
    assert!(run.flagged * 2 > cards, "{run:?}");
    assert_eq!(wrong_standings(&desk), 0);
    assert!(queue_index_used(&desk), "the standings' index is back");
    assert_eq!(
        desk.journal_mode(),
        "wal",
        "the first run's rollback journal is switched back"
    );

    // The same judgement: nothing changes.
    let mut store = Store::open(&desk.db).unwrap();
    let again = store
        .rerun_flags(|card, _| usual(&card.external_id))
        .unwrap();
    drop(store);
    assert_eq!(again, run);
    assert_eq!(stored(&desk), first);

    // A few cards change: one loses its flags, one gains, one's sentence changes, one's
    // severity; the rest are as they were.
    let ids: Vec<String> = {
        let conn = desk.conn();
        let mut stmt = conn
            .prepare("SELECT external_id FROM cards ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    let pick = |rest: u64| {
        ids.iter()
            .find(|id| digits(id) % 4 == rest)
            .unwrap()
            .clone()
    };
    let (loses, gains, reworded, graver) = (pick(1), pick(0), pick(2), pick(3));
    let mut store = Store::open(&desk.db).unwrap();
    store
        .rerun_flags(|card, _| {
            let id = card.external_id.as_str();
            let n = digits(id);
            if id == loses {
                return vec![];
            }
            if id == gains {
                return vec![flag(Severity::Info, format!("new {n}"))];
            }
            if id == reworded {
                return vec![
                    flag(Severity::Critical, format!("c {n}, reworded")),
                    flag(Severity::Info, format!("i {n}")),
                ];
            }
            if id == graver {
                return vec![
                    flag(Severity::Critical, format!("c {n}")),
                    flag(Severity::Critical, format!("i {n}")),
                ];
            }
            usual(id)
        })
        .unwrap();
    drop(store);
    let now = stored(&desk);
    let of = |rows: &[(String, i64, String)], id: &str| -> Vec<(i64, String)> {
        rows.iter()
            .filter(|r| r.0 == id)
            .map(|r| (r.1, r.2.clone()))
            .collect()
    };
    let (n_gains, n_reworded, n_graver) = (digits(&gains), digits(&reworded), digits(&graver));
    assert!(of(&now, &loses).is_empty());
    assert_eq!(of(&now, &gains), [(0, format!("1 new {n_gains}"))]);
    assert_eq!(
        of(&now, &reworded),
        [
            (0, format!("3 c {n_reworded}, reworded")),
            (1, format!("1 i {n_reworded}"))
        ]
    );
    assert_eq!(
        of(&now, &graver),
        [
            (0, format!("3 c {n_graver}")),
            (1, format!("3 i {n_graver}"))
        ]
    );
    let untouched = |rows: &[(String, i64, String)]| -> Vec<(String, i64, String)> {
        rows.iter()
            .filter(|r| ![&loses, &gains, &reworded, &graver].contains(&&r.0))
            .cloned()
            .collect()
    };
    assert_eq!(untouched(&now), untouched(&first));
    assert_eq!(wrong_standings(&desk), 0);
    assert!(queue_index_used(&desk));
}

/// The first run switches to the rollback journal only when nobody else has the store open: with
/// a reader at it, the run keeps to WAL, and the reader goes on reading.
#[test]
fn a_first_run_beside_a_reader_stays_in_wal() {
    let desk = Desk::demo();
    desk.conn()
        .execute_batch("DELETE FROM flags; DELETE FROM standings;")
        .unwrap();
    let reader = desk.read_only();
    let cards: i64 = reader
        .query_row("SELECT count(*) FROM cards", [], |r| r.get(0))
        .unwrap();
    let mut store = Store::open(&desk.db).unwrap();
    let run = store
        .rerun_flags(|card, _| usual(&card.external_id))
        .unwrap();
    drop(store);
    assert_eq!(run.cards as i64, cards);
    assert_eq!(wrong_standings(&desk), 0);
    assert_eq!(desk.journal_mode(), "wal");
    let flagged: i64 = reader
        .query_row("SELECT count(*) FROM standings", [], |r| r.get(0))
        .unwrap();
    assert_eq!(flagged as u64, run.flagged);
}

/// The indexes on the flags and the standings, by name.
fn flag_indexes(desk: &Desk) -> Vec<String> {
    let conn = desk.conn();
    let mut stmt = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL
               AND tbl_name IN ('flags', 'standings') ORDER BY name",
        )
        .unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// The day moved on and most cards are judged differently (as when an export is judged two
/// weeks after its day): the rerun writes without the indexes and builds them again, and
/// stores exactly what a first run of the same judgement stores.
#[test]
fn a_rerun_that_changes_most_cards_stores_what_a_first_run_would() {
    let desk = Desk::demo();
    let indexes = flag_indexes(&desk);
    assert!(
        indexes.contains(&"standings_queue".to_string()),
        "{indexes:?}"
    );
    let mut store = Store::open(&desk.db).unwrap();
    store
        .rerun_flags(|card, _| usual(&card.external_id))
        .unwrap();
    // Most cards move on by one judgement: none to one, one to two, two to none.
    let later = |id: &str| usual(&format!("{}", digits(id) + 1));
    let run = store
        .rerun_flags(|card, _| later(&card.external_id))
        .unwrap();
    drop(store);
    let rerun = stored(&desk);
    assert_eq!(rerun.len() as u64, run.flags);
    assert_eq!(wrong_standings(&desk), 0);
    assert_eq!(flag_indexes(&desk), indexes, "every index is back");
    assert!(queue_index_used(&desk));

    desk.conn()
        .execute_batch("DELETE FROM flags; DELETE FROM standings;")
        .unwrap();
    let mut store = Store::open(&desk.db).unwrap();
    let first = store
        .rerun_flags(|card, _| later(&card.external_id))
        .unwrap();
    drop(store);
    assert_eq!(first, run);
    assert_eq!(stored(&desk), rerun);
    assert_eq!(flag_indexes(&desk), indexes);
}
