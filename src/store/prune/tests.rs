//! The prune on a store file, each selector and each kind of desk work, planted by SQL (the
//! store's own tests may).

use std::collections::BTreeSet;

use super::*;
use crate::domain::prune::{DeskWork, Kept, PruneReport, Pruned, Selector};
use crate::store::inspect::{Digest, Inspect};

fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("okk.db")).unwrap();
    (dir, store)
}

fn digest(store: &Store) -> Digest {
    Inspect::open(store.path()).unwrap().digest().unwrap()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn ids(store: &Store, sql: &str) -> Vec<String> {
    let mut stmt = store.conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

/// Run 1 of source `a`: cards a1 (flagged, moved once), a2, a3 (gone by run 1 itself is
/// impossible; gone later by run 3 when `gone` is planted).
const RUN_A: &str = r#"
INSERT INTO import_batches (id, file, profile, source, encoding, started_at, finished_at, rows,
                            inserted)
    VALUES (1, 'a.csv', 'amocrm', 'a', 'UTF-8', '2026-11-01 10:00:00', '2026-11-01 10:00:01', 3, 3);
INSERT INTO cards (id, source, external_id, stage, owner, touched_at, content_hash, first_batch,
                   changed_batch, changed_at)
    VALUES (1, 'a', 'a1', 'Квалификация', 'Анна', '2026-10-30 09:00:00', 11, 1, 1, '2026-11-01 10:00:00'),
           (2, 'a', 'a2', 'Переговоры', 'Борис', '2026-10-29 09:00:00', 12, 1, 1, '2026-11-01 10:00:00'),
           (3, 'a', 'a3', 'Переговоры', 'Анна', '2026-10-28 09:00:00', 13, 1, 1, '2026-11-01 10:00:00');
INSERT INTO flags (card_id, seq, code, severity, field, args)
    VALUES (1, 0, 'idle', 2, NULL, '{}');
INSERT INTO standings (card_id, flag_rank, flag_count, place, stage, touched_at, external_id,
                       search)
    VALUES (1, 2, 1, -2000001, 'Квалификация', '2026-10-30 09:00:00', 'a1', 'a1');
INSERT INTO stage_history (card_id, batch_id, seen_at, stage)
    VALUES (1, 1, '2026-11-01 10:00:00', 'Квалификация');
INSERT INTO source_columns (source, kind, name) VALUES ('a', 'okk', 'stage');
"#;

/// Run 2 of source `b` (another department's file): cards b1, b2 with a flag, a standing,
/// history and a note each, and a newer activity than any of `a`'s.
const RUN_B: &str = r#"
INSERT INTO import_batches (id, file, profile, source, encoding, started_at, finished_at, rows,
                            inserted)
    VALUES (2, 'b.csv', 'bitrix24', 'b', 'UTF-8', '2026-11-02 10:00:00', '2026-11-02 10:00:01', 2, 2);
INSERT INTO cards (id, source, external_id, stage, owner, touched_at, content_hash, first_batch,
                   changed_batch, changed_at)
    VALUES (4, 'b', 'b1', 'Новая', 'Вера', '2026-11-02 08:00:00', 21, 2, 2, '2026-11-02 10:00:00'),
           (5, 'b', 'b2', 'Квалификация', 'Глеб', '2026-11-01 08:00:00', 22, 2, 2, '2026-11-02 10:00:00');
INSERT INTO flags (card_id, seq, code, severity, field, args)
    VALUES (4, 0, 'unknown_stage', 3, NULL, '{}'), (5, 0, 'idle', 2, NULL, '{}');
INSERT INTO standings (card_id, flag_rank, flag_count, place, stage, touched_at, external_id,
                       search)
    VALUES (4, 3, 1, -3000001, 'Новая', '2026-11-02 08:00:00', 'b1', 'b1'),
           (5, 2, 1, -2000001, 'Квалификация', '2026-11-01 08:00:00', 'b2', 'b2');
INSERT INTO stage_history (card_id, batch_id, seen_at, stage)
    VALUES (4, 2, '2026-11-02 10:00:00', 'Новая');
INSERT INTO crm_notes (connection, deal, note, at, body) VALUES ('b', 'b1', '1', 1795000000, 'x');
INSERT INTO source_columns (source, kind, name) VALUES ('b', 'okk', 'stage');
"#;

fn plant(store: &Store, sql: &str) {
    store.conn.execute_batch(sql).unwrap();
}

fn done(p: Pruned) -> PruneReport {
    match p {
        Pruned::Done(r) => *r,
        other => panic!("not done: {other:?}"),
    }
}

/// Every table of the schema that names a card (a foreign key to `cards`, or a column that
/// holds a card's id, external id or deal) is desk work, the card's own or its connection's:
/// a table added later without a word here fails this test, before a prune deletes it unseen.
#[test]
fn every_table_that_names_a_card_is_classified_as_desk_work_or_the_card_s_own() {
    let (_dir, store) = store();
    let tables = ids(
        &store,
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'cards'
         AND name NOT LIKE 'sqlite_%' ORDER BY name",
    );
    let names_a_card = |table: &str| -> bool {
        let fk: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM pragma_foreign_key_list(?1) WHERE \"table\" = 'cards'",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        let columns: i64 = store
            .conn
            .query_row(
                "SELECT count(*) FROM pragma_table_info(?1)
                 WHERE name IN ('card_id', 'card_external_id', 'external_id', 'deal')",
                [table],
                |r| r.get(0),
            )
            .unwrap();
        fk + columns > 0
    };
    let classified: BTreeSet<&str> = DESK_WORK
        .iter()
        .map(|(t, _, _)| *t)
        .chain(CARD_OWN.iter().map(|(t, _)| *t))
        .chain(CONNECTION_OWN)
        .collect();
    let found: Vec<&str> = tables
        .iter()
        .map(String::as_str)
        .filter(|t| names_a_card(t))
        .collect();
    assert!(
        found.contains(&"reviews") && found.contains(&"leases"),
        "{found:?}"
    );
    let unclassified: Vec<&&str> = found.iter().filter(|t| !classified.contains(**t)).collect();
    assert!(
        unclassified.is_empty(),
        "tables that name a card but are neither desk work (DESK_WORK), the card's own \
         (CARD_OWN) nor its connection's (CONNECTION_OWN) in store::prune: {unclassified:?}"
    );
    // And nothing classified is a table the schema does not have.
    for t in &classified {
        assert!(tables.iter().any(|n| n == t), "{t} is not a table");
    }
    // Each kind of desk work has its table.
    for work in DeskWork::ALL {
        assert!(DESK_WORK.iter().any(|(_, w, _)| *w == work), "{work:?}");
    }
}

#[test]
fn an_import_s_cards_go_with_all_that_hangs_off_them_and_cards_it_only_updated_stay() {
    let (_dir, mut store) = store();
    plant(&store, RUN_A);
    plant(&store, RUN_B);
    // Run 2 also moved a2 (a card of run 1) and marked a3 gone.
    plant(
        &store,
        "UPDATE cards SET changed_batch = 2, stage = 'Договор' WHERE external_id = 'a2';
         INSERT INTO stage_history (card_id, batch_id, seen_at, stage)
             VALUES (2, 2, '2026-11-02 10:00:00', 'Договор');
         UPDATE cards SET gone_at = '2026-11-02 10:00:00', gone_batch = 2 WHERE external_id = 'a3';",
    );
    let report = done(store.prune(&Selector::Import(Some(2)), false).unwrap());
    assert_eq!((report.selected, report.removed, report.kept), (2, 2, 0));
    assert_eq!(report.updated_only, 2, "a2 moved, a3 marked gone");
    assert_eq!(
        report.import.as_ref().map(|r| (r.id, r.still_here)),
        Some((2, 2))
    );
    assert_eq!(
        report.runs_removed,
        Vec::<i64>::new(),
        "run 2 still names a2 and a3"
    );
    assert_eq!(
        ids(&store, "SELECT external_id FROM cards ORDER BY id"),
        ["a1", "a2", "a3"]
    );
    for table in ["flags", "standings", "stage_history"] {
        let left = count(
            &store,
            &format!("SELECT count(*) FROM {table} WHERE card_id IN (4, 5)"),
        );
        assert_eq!(left, 0, "{table}");
    }
    assert_eq!(
        count(&store, "SELECT count(*) FROM crm_notes"),
        0,
        "b1's note"
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM flags"),
        1,
        "a1's flag stays"
    );
    assert_eq!(
        ids(&store, "SELECT source FROM source_columns ORDER BY 1"),
        ["a"],
        "b has no card left: its columns go"
    );
    // `last` is the latest run: run 2 still, now with nothing of its own.
    let again = done(store.prune(&Selector::Import(None), false).unwrap());
    assert_eq!((again.selected, again.removed), (0, 0));
    assert_eq!(again.import.map(|r| r.id), Some(2));
}

#[test]
fn a_run_left_with_nothing_goes_with_its_cards_and_the_store_is_as_before_it() {
    let (_dir, mut twice) = store();
    plant(&twice, RUN_A);
    twice.fill_summaries().unwrap();
    plant(
        &twice,
        "INSERT INTO fill_snapshots VALUES (1, 'stage', 'Квалификация', 1, 1);",
    );
    let (_other, mut once) = store();
    plant(&once, RUN_A);
    once.fill_summaries().unwrap();
    plant(
        &once,
        "INSERT INTO fill_snapshots VALUES (1, 'stage', 'Квалификация', 1, 1);",
    );
    plant(&twice, RUN_B);
    twice.fill_summaries().unwrap();
    plant(
        &twice,
        "INSERT INTO fill_snapshots VALUES (2, 'stage', 'Квалификация', 2, 2);",
    );
    assert_ne!(digest(&twice), digest(&once));
    let report = done(twice.prune(&Selector::Import(Some(2)), false).unwrap());
    assert_eq!(report.runs_removed, [2]);
    assert_eq!(report.removed, 2);
    // Every table: cards, history, flags, standings, notes, the run's record, its fill
    // snapshot, the source's columns, the stage counts, owners and the newest activity.
    assert_eq!(digest(&twice), digest(&once));
}

#[test]
fn a_source_s_cards_go_and_its_connection_is_synced_anew() {
    let (_dir, mut store) = store();
    plant(&store, RUN_A);
    plant(&store, RUN_B);
    plant(
        &store,
        "INSERT INTO crm_sync (connection, cursor) VALUES ('b', 1795000000);
         INSERT INTO crm_notes_read (connection, cursor) VALUES ('b', 1795000000);
         INSERT INTO crm_stages (connection, pipeline_id, pipeline, pipeline_sort, stage_id,
                                 stage, sort) VALUES ('b', '1', 'Main', 1, '10', 'Новая', 1);
         INSERT INTO crm_sync (connection, cursor) VALUES ('a', 1795000000);",
    );
    let report = done(store.prune(&Selector::Source("b".into()), false).unwrap());
    assert_eq!((report.selected, report.removed), (2, 2));
    assert_eq!(report.connections_reset, ["b"]);
    assert_eq!(report.runs_removed, [2]);
    assert_eq!(ids(&store, "SELECT connection FROM crm_sync"), ["a"]);
    for table in CONNECTION_OWN {
        let left = count(
            &store,
            &format!("SELECT count(*) FROM {table} WHERE connection = 'b'"),
        );
        assert_eq!(left, 0, "{table}");
    }
    assert_eq!(
        ids(&store, "SELECT external_id FROM cards ORDER BY id"),
        ["a1", "a2", "a3"]
    );
}

#[test]
fn the_gone_cards_go_and_the_live_ones_stay() {
    let (_dir, mut store) = store();
    plant(&store, RUN_A);
    plant(&store, RUN_B);
    plant(
        &store,
        "INSERT INTO import_batches (id, file, profile, source, encoding, started_at, gone)
             VALUES (3, 'a-full.csv', 'amocrm', 'a', 'UTF-8', '2026-11-03 10:00:00', 2);
         UPDATE cards SET gone_at = '2026-11-03 10:00:00', gone_batch = 3, changed_batch = 3
             WHERE external_id IN ('a1', 'a3');
         INSERT INTO fill_snapshots VALUES (1, 'stage', 'Переговоры', 2, 2),
                                           (2, 'stage', 'Переговоры', 2, 2),
                                           (3, 'stage', 'Переговоры', 1, 1);",
    );
    let report = done(store.prune(&Selector::Gone, false).unwrap());
    assert!(report.gone);
    assert_eq!((report.selected, report.removed), (2, 2));
    assert_eq!(
        ids(&store, "SELECT external_id FROM cards ORDER BY id"),
        ["a2", "b1", "b2"]
    );
    // Runs 1 and 2 counted a1 and a3 while they were not gone; run 3's figures did not.
    assert_eq!(
        ids(
            &store,
            "SELECT DISTINCT CAST(batch_id AS TEXT) FROM fill_snapshots"
        ),
        ["3"]
    );
    // Run 3 marked them gone and named nothing else, but its figures stay, and so does its
    // record; run 1 brought a2 too.
    assert_eq!(report.runs_removed, Vec::<i64>::new());
    assert_eq!(report.connections_reset, Vec::<String>::new());
}

/// One card of `b` per kind of desk work (and a review known only by its card's key, and a
/// lease run out): every one stays, the report says which work kept how many and names them.
#[test]
fn a_card_with_any_desk_work_stays_and_the_report_says_why() {
    let (_dir, mut store) = store();
    plant(&store, RUN_A);
    plant(&store, RUN_B);
    plant(
        &store,
        "INSERT INTO import_batches (id, file, profile, source, encoding, started_at)
             VALUES (3, 'b-more.csv', 'bitrix24', 'b', 'UTF-8', '2026-11-03 10:00:00');
         INSERT INTO cards (id, source, external_id, stage, content_hash, first_batch,
                            changed_batch, changed_at)
             VALUES (6, 'b', 'b3', 'Новая', 1, 3, 3, '2026-11-03 10:00:00'),
                    (7, 'b', 'b4', 'Новая', 1, 3, 3, '2026-11-03 10:00:00'),
                    (8, 'b', 'b5', 'Новая', 1, 3, 3, '2026-11-03 10:00:00'),
                    (9, 'b', 'b6', 'Новая', 1, 3, 3, '2026-11-03 10:00:00'),
                    (10, 'b', 'b7', 'Новая', 1, 3, 3, '2026-11-03 10:00:00');
         -- b1: a withdrawn review (any state keeps); b2: a review not attached by id.
         INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage,
                              verdict, created_at, withdrawn_at)
             VALUES ('r1', 4, 'b', 'b1', 'anna', 'Новая', 'ok', '2026-11-03 11:00:00',
                     '2026-11-03 12:00:00'),
                    ('r2', NULL, 'b', 'b2', 'anna', 'Новая', 'stale', '2026-11-03 11:00:00', NULL);
         INSERT INTO lead_decisions (id, review_id, lead, decision, created_at)
             VALUES ('d1', 'r2', 'lena', 'accept', '2026-11-03 13:00:00');
         INSERT INTO drafts (card_id, auditor, comment, updated_at)
             VALUES (6, 'anna', 'half-written', '2026-11-03 11:00:00');
         INSERT INTO leases (card_id, auditor, until)
             VALUES (7, 'boris', (julianday('now') - 2440587.5) * 86400.0 + 600),
                    (9, 'boris', (julianday('now') - 2440587.5) * 86400.0 - 600);
         INSERT INTO calibrations (id, stage, seed, auditors, created_by, created_at)
             VALUES ('c1', 'Новая', 7, '[\"anna\",\"boris\"]', 'lena', '2026-11-03 10:30:00');
         INSERT INTO calibration_cards (calibration_id, position, card_source, card_external_id)
             VALUES ('c1', 0, 'b', 'b5');",
    );
    let before = digest(&store);
    let dry = done(store.prune(&Selector::Source("b".into()), true).unwrap());
    assert_eq!(digest(&store), before, "a dry run writes nothing");
    let report = done(store.prune(&Selector::Source("b".into()), false).unwrap());
    assert_eq!(
        PruneReport {
            dry_run: true,
            ..report.clone()
        },
        dry,
        "the dry run reports what the prune does"
    );
    assert_eq!((report.selected, report.removed, report.kept), (7, 2, 5));
    let kept = |work, cards: u64, first: &[&str]| Kept {
        work,
        cards,
        first: first.iter().map(|s| s.to_string()).collect(),
    };
    assert_eq!(
        report.kept_for,
        [
            kept(DeskWork::Reviews, 2, &["b1", "b2"]),
            kept(DeskWork::Drafts, 1, &["b3"]),
            kept(DeskWork::Leases, 1, &["b4"]),
            kept(DeskWork::Calibrations, 1, &["b5"]),
        ]
    );
    assert_eq!(
        ids(
            &store,
            "SELECT external_id FROM cards WHERE source = 'b' ORDER BY id"
        ),
        ["b1", "b2", "b3", "b4", "b5"],
        "b6 (its lease ran out) and b7 go"
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM leases"),
        1,
        "the live lease"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM reviews"), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM lead_decisions"), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM drafts"), 1);
    assert_eq!(count(&store, "SELECT count(*) FROM calibration_cards"), 1);
    assert_eq!(
        report.connections_reset,
        Vec::<String>::new(),
        "b keeps cards"
    );
    assert_eq!(
        report.runs_removed,
        Vec::<i64>::new(),
        "runs 2 and 3 brought kept cards"
    );
}

#[test]
fn a_run_or_source_the_store_does_not_hold_is_said_with_what_it_holds() {
    let (_dir, mut store) = store();
    assert_eq!(
        store.prune(&Selector::Import(None), false).unwrap(),
        Pruned::NoRuns
    );
    plant(&store, RUN_A);
    plant(&store, RUN_B);
    assert_eq!(
        store.prune(&Selector::Import(Some(7)), false).unwrap(),
        Pruned::NoSuchRun(7)
    );
    assert_eq!(
        store.prune(&Selector::Source("c".into()), true).unwrap(),
        Pruned::NoSuchSource {
            sources: vec!["a".into(), "b".into()]
        }
    );
    let runs = store.import_runs().unwrap();
    assert_eq!(
        runs.iter()
            .map(|r| (r.id, r.file.as_str(), r.still_here))
            .collect::<Vec<_>>(),
        [(1, "a.csv", 3), (2, "b.csv", 2)]
    );
}

/// A prune that fails partway (here the store refuses to delete a card) leaves the store as it
/// was: one transaction.
#[test]
fn a_prune_that_fails_partway_changes_nothing() {
    let (_dir, mut store) = store();
    plant(&store, RUN_A);
    plant(&store, RUN_B);
    plant(
        &store,
        "CREATE TRIGGER no_b2 BEFORE DELETE ON cards WHEN old.external_id = 'b2'
         BEGIN SELECT RAISE(ABORT, 'planted failure'); END;",
    );
    let before = digest(&store);
    let err = store.prune(&Selector::Import(Some(2)), false).unwrap_err();
    assert!(err.to_string().contains("planted failure"), "{err}");
    assert_eq!(digest(&store), before);
}

/// An auditor who judged a card while a prune took it out (the store file's writes take turns:
/// the prune first) is refused, in words: nothing lands on the card that took the id since, nor
/// waits for a card nobody asked for; her draft on it is refused the same way (not by the
/// foreign key). A verdict replayed late from the journal (acknowledged before the prune, its
/// reviewer gone) is kept by the card's key, as a review from another laptop is, and an import
/// that brings the card back attaches it.
#[test]
fn a_verdict_on_a_card_pruned_meanwhile_is_refused_and_a_late_one_kept_by_the_card_s_key() {
    use crate::domain::review::{Review, ReviewDraft, Verdict};
    use crate::domain::stored_review::{Given, ReviewedCard, Stamp};
    let (_dir, mut store) = store();
    plant(&store, RUN_A);
    plant(&store, RUN_B);
    let on_screen = ReviewedCard {
        card_id: crate::domain::ids::CardId(5),
        source: "b".into(),
        external_id: "b2".into(),
        stage: "Квалификация".into(),
        hash: 22,
        as_judged: None,
    };
    done(store.prune(&Selector::Source("b".into()), false).unwrap());
    let review = Review {
        verdict: Verdict::Dead,
        draft: ReviewDraft::default(),
        score: None,
        seconds_spent: 3.0,
    };
    let stamp = Stamp {
        auditor: "anna",
        funnel_fingerprint: "fp",
        now: chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap(),
    };
    // Meanwhile an import brought another card, which took the pruned card's id (a store file
    // gives a new row the highest id plus one): the verdict must not land on it, nor end its
    // auditor's claim or draft there.
    plant(
        &store,
        "INSERT INTO cards (id, source, external_id, stage, content_hash, first_batch,
                            changed_batch, changed_at)
             VALUES (5, 'a', 'a9', 'Квалификация', 31, 1, 1, '2026-11-20 11:00:00');
         INSERT INTO leases (card_id, auditor, until) VALUES (5, 'anna', 2461000.0);",
    );
    let refused = store.save_review(&on_screen, &review, &stamp).unwrap_err();
    assert!(
        matches!(&refused, StoreError::CardGone { external_id: Some(id) } if id == "b2"),
        "{refused:?}"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM reviews"), 0);
    // A draft typed on a card pruned a moment before (its id free, or another card's now).
    let draft = ReviewDraft {
        comment: "перезвонить".into(),
        ..ReviewDraft::default()
    };
    let refused = (store.save_draft(6, "anna", &draft, stamp.now)).unwrap_err();
    assert!(
        matches!(refused, StoreError::CardGone { external_id: None }),
        "{refused:?}"
    );
    assert_eq!(count(&store, "SELECT count(*) FROM drafts"), 0);
    // Late, from the journal: kept by the key.
    store
        .save_review_as("late-1", &on_screen, &review, &stamp, Given::Late)
        .unwrap();
    assert_eq!(
        ids(
            &store,
            "SELECT card_source || '/' || card_external_id || '/' || coalesce(card_id, 'none')
             FROM reviews"
        ),
        ["b/b2/none"]
    );
    assert_eq!(
        count(&store, "SELECT count(*) FROM leases WHERE card_id = 5"),
        1
    );
}
