//! `okk db imports` and `okk db prune` on the server: the store file's prune (`store::prune`) in
//! one transaction of the server's, under the sync's lock so that no import or sync writes the
//! cards meanwhile. The server keeps no summaries or fill snapshots: the cards are what its
//! reads count.

use std::collections::BTreeSet;

use postgres::GenericClient;

use super::PgStore;
use super::import::SYNC_LOCK;
use crate::domain::import_runs;
use crate::domain::prune::{
    DeskWork, ImportRun, KeptByCalibration, PruneReport, Pruned, Selector, WorkRemoved, kept_for,
};
use crate::store::StoreError;

/// The tables of desk work that name a card, and how each finds the selected cards (`p`) it
/// names (`store::prune::DESK_WORK`'s, in PostgreSQL). The drafts' policy shows a lead only
/// their own: the cards with anyone's draft come from the owner's function (schema 20), which
/// tells their ids and nothing of the drafts.
pub(crate) const DESK_WORK: [(&str, DeskWork, &str); 4] = [
    (
        "reviews",
        DeskWork::Reviews,
        "p.id IN (SELECT card_id FROM reviews WHERE card_id IS NOT NULL)
         OR EXISTS (SELECT 1 FROM reviews r
                    WHERE r.card_source = p.source AND r.card_external_id = p.external_id)",
    ),
    (
        "drafts",
        DeskWork::Drafts,
        "p.id IN (SELECT okk_drafted_cards())",
    ),
    (
        "leases",
        DeskWork::Leases,
        "p.id IN (SELECT card_id FROM leases WHERE until > now())",
    ),
    (
        "calibration_cards",
        DeskWork::Calibrations,
        "EXISTS (SELECT 1 FROM calibration_cards c JOIN calibrations k ON k.id = c.calibration_id
                 WHERE c.card_source = p.source AND c.card_external_id = p.external_id
                   AND k.ended_at IS NULL)",
    ),
];

/// The open calibrations whose samples keep selected cards (`store::prune`'s).
const KEPT_BY_CALIBRATIONS: &str = "SELECT k.id, k.stage, count(DISTINCT p.id)
    FROM okk_prune_pick p
    JOIN calibration_cards c ON c.card_source = p.source AND c.card_external_id = p.external_id
    JOIN calibrations k ON k.id = c.calibration_id
    WHERE k.ended_at IS NULL
    GROUP BY k.id, k.stage, k.created_at ORDER BY k.created_at COLLATE \"C\", k.id COLLATE \"C\"";

/// The selected cards that go: those without desk work.
const GOING: &str = "SELECT id FROM okk_prune_pick WHERE work = 0";

/// The card `c` stays (an anti-join: `NOT IN` a million ids would be read once per card).
const STAYS: &str = "NOT EXISTS (SELECT 1 FROM okk_prune_pick g WHERE g.id = c.id AND g.work = 0)";

/// A card's own rows that go with it (`store::prune::CARD_OWN`'s).
pub(crate) const CARD_OWN: [(&str, &str); 5] = [
    (
        "stage_history",
        "card_id IN (SELECT id FROM okk_prune_pick WHERE work = 0)",
    ),
    (
        "flags",
        "card_id IN (SELECT id FROM okk_prune_pick WHERE work = 0)",
    ),
    (
        "standings",
        "card_id IN (SELECT id FROM okk_prune_pick WHERE work = 0)",
    ),
    (
        "leases",
        "card_id IN (SELECT id FROM okk_prune_pick WHERE work = 0)",
    ),
    (
        "crm_notes",
        "(connection, deal) IN (SELECT source, external_id FROM okk_prune_pick WHERE work = 0)",
    ),
];

/// A connection's own tables (`store::prune::CONNECTION_OWN`'s).
pub(crate) const CONNECTION_OWN: [&str; 6] = [
    "crm_sync",
    "crm_notes",
    "crm_notes_read",
    "crm_sweep",
    "crm_swept",
    "crm_stages",
];

/// Every table a prune deletes from.
const DELETES_FROM: [&str; 13] = [
    "cards",
    "stage_history",
    "flags",
    "standings",
    "leases",
    "crm_notes",
    "import_batches",
    "source_columns",
    "crm_sync",
    "crm_notes_read",
    "crm_sweep",
    "crm_swept",
    "crm_stages",
];

const PICK_TABLE: &str = "CREATE TEMP TABLE okk_prune_pick (
    id            bigint PRIMARY KEY,
    source        text NOT NULL,
    external_id   text NOT NULL,
    first_batch   bigint NOT NULL,
    changed_batch bigint NOT NULL,
    gone_batch    bigint,
    work          bigint NOT NULL DEFAULT 0,
    released      bigint NOT NULL DEFAULT 0
) ON COMMIT DROP";

const RUN_COLUMNS: &str = "b.id, b.file, b.profile, b.source, b.encoding, b.started_at, \
    b.finished_at, b.partial, b.rows, b.inserted, b.updated, b.unchanged, b.gone, b.warnings";

fn run_of(r: &postgres::Row) -> ImportRun {
    let count = |i| r.get::<_, i64>(i).max(0) as u64;
    ImportRun {
        id: r.get(0),
        batches: Vec::new(),
        sync: false,
        file: r.get(1),
        profile: r.get(2),
        source: r.get(3),
        encoding: r.get(4),
        started_at: r.get(5),
        finished_at: r.get(6),
        partial: r.get::<_, i64>(7) != 0,
        rows: count(8),
        inserted: count(9),
        updated: count(10),
        unchanged: count(11),
        gone: count(12),
        warnings: count(13),
        still_here: count(14),
    }
}

impl PgStore {
    /// See [`crate::domain::ports::PruneStore::import_runs`].
    pub fn import_runs(&self) -> Result<Vec<ImportRun>, StoreError> {
        runs(&mut *self.conn.borrow_mut())
    }

    /// See [`crate::domain::ports::PruneStore::prune`]: one transaction under the sync's lock
    /// (a dry run too, so that what it counts is what a prune then would find).
    pub fn prune(&mut self, selector: &Selector, dry_run: bool) -> Result<Pruned, StoreError> {
        self.prune_with(selector, dry_run, false)
    }

    /// [`PgStore::prune`], `with_work` as the port says: the work goes through the owner's
    /// `okk_release_work` (schema 21), which a lead's login may call, not an auditor's.
    pub fn prune_with(
        &mut self,
        selector: &Selector,
        dry_run: bool,
        with_work: bool,
    ) -> Result<Pruned, StoreError> {
        let owner = crate::domain::ports::UserStore::session(self)?.owner;
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        may_prune(&mut tx, owner, with_work)?;
        tx.batch_execute(&format!(
            "{SYNC_LOCK}; SET LOCAL application_name = 'okk db prune'; {PICK_TABLE}"
        ))?;
        let pruned = prune_in(&mut tx, selector, dry_run, with_work)?;
        if dry_run {
            tx.rollback()?;
        } else {
            tx.batch_execute(super::stage_counts::KEEP_STAGE_COUNTS)?;
            tx.commit()?;
        }
        Ok(pruned)
    }
}

/// Whether this session may prune: the database's owner does, and a login with okk_lead's
/// grants (`roles::GRANTS`). Any other is refused before anything is read or locked, naming
/// the first table it may not delete from, or the drafts, whose cards it may not list.
fn may_prune(tx: &mut impl GenericClient, owner: bool, with_work: bool) -> Result<(), StoreError> {
    if owner {
        return Ok(());
    }
    if with_work {
        let may: bool = tx
            .query_one(
                "SELECT has_function_privilege('okk_release_work(bigint[], boolean)', 'EXECUTE')",
                &[],
            )?
            .get(0);
        if !may {
            return Err(StoreError::Refused {
                table: "reviews".into(),
            });
        }
    }
    let tables: Vec<&str> = DELETES_FROM.to_vec();
    let missing: Option<String> = tx
        .query_one(
            "SELECT coalesce(
                 (SELECT t FROM unnest($1::text[]) WITH ORDINALITY AS x(t, n)
                  WHERE NOT has_table_privilege(t, 'DELETE') ORDER BY n LIMIT 1),
                 CASE WHEN NOT has_function_privilege('okk_drafted_cards()', 'EXECUTE')
                      THEN 'drafts' END)",
            &[&tables],
        )?
        .get(0);
    match missing {
        Some(table) => Err(StoreError::Refused { table }),
        None => Ok(()),
    }
}

fn count(
    tx: &mut impl GenericClient,
    sql: &str,
    args: &[&(dyn postgres::types::ToSql + Sync)],
) -> Result<u64, StoreError> {
    Ok(tx.query_one(sql, args)?.get::<_, i64>(0).max(0) as u64)
}

/// The store's runs, each batch's counts gathered into its run's (`domain::import_runs`).
fn runs(conn: &mut impl GenericClient) -> Result<Vec<ImportRun>, StoreError> {
    let rows = conn.query(
        &format!(
            "SELECT {RUN_COLUMNS}, coalesce(k.n, 0)
             FROM import_batches b
             LEFT JOIN (SELECT first_batch, count(*) AS n FROM cards GROUP BY first_batch) k
                  ON k.first_batch = b.id
             ORDER BY b.id"
        ),
        &[],
    )?;
    Ok(import_runs::runs(rows.iter().map(run_of).collect()))
}

fn prune_in(
    tx: &mut postgres::Transaction<'_>,
    selector: &Selector,
    dry_run: bool,
    with_work: bool,
) -> Result<Pruned, StoreError> {
    let mut report = PruneReport::new(dry_run);
    report.with_work = with_work;
    let pick = "INSERT INTO okk_prune_pick (id, source, external_id, first_batch, changed_batch,
                    gone_batch)
                SELECT id, source, external_id, first_batch, changed_batch, gone_batch
                FROM cards WHERE";
    // The selected cards locked before their desk work is looked for: a verdict being saved on
    // one (its call locks the card) commits first and keeps it, or waits for the prune; a claim
    // passes them by. A dry run locks nothing.
    let lock = if dry_run { "" } else { " FOR UPDATE" };
    let all = runs(tx)?;
    // The batches of the run `--import` names (none for another selector).
    let mut in_run: Vec<i64> = Vec::new();
    match selector {
        Selector::Import(wanted) => {
            let Some(run) = import_runs::pick(&all, *wanted) else {
                return Ok(match wanted {
                    Some(n) => Pruned::NoSuchRun(*n),
                    None => Pruned::NoRuns,
                });
            };
            in_run = run.batches.clone();
            report.import = Some(run.clone());
            report.selected =
                tx.execute(&format!("{pick} first_batch = ANY($1){lock}"), &[&in_run])?;
        }
        Selector::Source(source) => {
            let known: bool = tx
                .query_one(
                    "SELECT EXISTS (SELECT 1 FROM cards WHERE source = $1)
                         OR EXISTS (SELECT 1 FROM import_batches WHERE source = $1)",
                    &[source],
                )?
                .get(0);
            if !known {
                let sources = tx
                    .query(
                        "SELECT source FROM cards UNION SELECT source FROM import_batches
                         ORDER BY 1",
                        &[],
                    )?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                return Ok(Pruned::NoSuchSource { sources });
            }
            report.source = Some(source.clone());
            report.selected = tx.execute(&format!("{pick} source = $1{lock}"), &[source])?;
        }
        Selector::Gone => {
            report.gone = true;
            report.selected = tx.execute(&format!("{pick} gone_at IS NOT NULL{lock}"), &[])?;
        }
    }
    tx.batch_execute("ANALYZE okk_prune_pick")?;
    for (_, work, finds) in DESK_WORK {
        tx.execute(
            &format!(
                "UPDATE okk_prune_pick AS p SET work = p.work | {} WHERE {finds}",
                work.bit()
            ),
            &[],
        )?;
    }
    if with_work {
        release_work(tx, &mut report)?;
    }
    let kept: Vec<(String, i64)> = tx
        .query(
            "SELECT external_id, work FROM okk_prune_pick WHERE work <> 0",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    report.keep(&kept);
    report.calibrations = tx
        .query(KEPT_BY_CALIBRATIONS, &[])?
        .iter()
        .map(|r| KeptByCalibration {
            id: r.get(0),
            stage: r.get(1),
            cards: r.get::<_, i64>(2).max(0) as u64,
        })
        .collect();
    report.removed = report.selected - report.kept;
    if report.import.is_some() {
        report.updated_only = count(
            tx,
            "SELECT count(*) FROM cards c
             WHERE c.first_batch <> ALL($1)
               AND (c.changed_batch = ANY($1) OR c.gone_batch = ANY($1)
                    OR EXISTS (SELECT 1 FROM stage_history h
                               WHERE h.card_id = c.id AND h.batch_id = ANY($1)))",
            &[&in_run],
        )?;
    }
    let emptied: Vec<String> = tx
        .query(
            &format!(
                "SELECT s.source FROM (SELECT DISTINCT source FROM okk_prune_pick WHERE work = 0) s
                 WHERE NOT EXISTS (SELECT 1 FROM cards c
                                   WHERE c.source = s.source AND {STAYS})
                 ORDER BY 1"
            ),
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    report.connections_reset = tx
        .query(
            "SELECT s FROM unnest($1::text[]) s
             WHERE EXISTS (SELECT 1 FROM crm_sync WHERE connection = s)
                OR EXISTS (SELECT 1 FROM crm_notes_read WHERE connection = s)
                OR EXISTS (SELECT 1 FROM crm_sweep WHERE connection = s)
                OR EXISTS (SELECT 1 FROM crm_stages WHERE connection = s)
                OR EXISTS (SELECT 1 FROM crm_notes WHERE connection = s)
             ORDER BY 1",
            &[&emptied],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // The batches the cards that go name, and of those of their runs the ones what stays
    // names: a run the first name and the second do not is left bare (`import_runs::bare`).
    let named: BTreeSet<i64> = tx
        .query(
            &format!(
                "SELECT first_batch AS b FROM okk_prune_pick WHERE work = 0
                 UNION SELECT changed_batch FROM okk_prune_pick WHERE work = 0
                 UNION SELECT gone_batch FROM okk_prune_pick
                       WHERE work = 0 AND gone_batch IS NOT NULL
                 UNION SELECT h.batch_id FROM stage_history h WHERE h.card_id IN ({GOING})"
            ),
            &[],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let of_runs: Vec<i64> = (all.iter())
        .filter(|r| r.batches.iter().any(|b| named.contains(b)))
        .flat_map(|r| r.batches.iter().copied())
        .collect();
    let still: BTreeSet<i64> = tx
        .query(
            &format!(
                "SELECT first_batch FROM cards c WHERE first_batch = ANY($1) AND {STAYS}
                 UNION SELECT changed_batch FROM cards c
                       WHERE changed_batch = ANY($1) AND {STAYS}
                 UNION SELECT gone_batch FROM cards c WHERE gone_batch = ANY($1) AND {STAYS}
                 UNION SELECT h.batch_id FROM stage_history h
                       WHERE h.batch_id = ANY($1)
                         AND NOT EXISTS (SELECT 1 FROM okk_prune_pick g
                                         WHERE g.id = h.card_id AND g.work = 0)"
            ),
            &[&of_runs],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect();
    // A run goes whole or not at all: one batch of it named keeps its number and counts.
    let bare = import_runs::bare(&all, &named, &still);
    report.runs_removed = bare.iter().map(|r| r.id).collect();
    let batches: Vec<i64> = bare
        .iter()
        .flat_map(|r| r.batches.iter().copied())
        .collect();
    if !dry_run && report.removed > 0 {
        if with_work {
            // Before the cards: the function finds their keys from them.
            let row = tx.query_one(RELEASE_WORK, &[&false])?;
            let went = WorkRemoved {
                reviews: row.get::<_, i64>(0).max(0) as u64,
                decisions: row.get::<_, i64>(1).max(0) as u64,
                drafts: row.get::<_, i64>(2).max(0) as u64,
            };
            // What went is what was counted (the cards are locked: no verdict or draft came
            // since); anything else is refused, all or nothing.
            if went != report.work_removed {
                return Err(StoreError::Refused {
                    table: "reviews".into(),
                });
            }
        }
        for (table, rows) in CARD_OWN {
            tx.execute(&format!("DELETE FROM {table} WHERE {rows}"), &[])?;
        }
        let deleted = tx.execute(&format!("DELETE FROM cards WHERE id IN ({GOING})"), &[])?;
        // A policy that hides rows from the session would leave them, and the report would
        // say otherwise: all or nothing. (The leases' hides another's from a lead unless it
        // ran out, as every lease of a card that goes has.)
        let leases_left: bool = tx
            .query_one(
                &format!("SELECT EXISTS (SELECT 1 FROM leases WHERE card_id IN ({GOING}))"),
                &[],
            )?
            .get(0);
        for (table, refused) in [
            ("cards", deleted != report.removed),
            ("leases", leases_left),
        ] {
            if refused {
                return Err(StoreError::Refused {
                    table: table.to_string(),
                });
            }
        }
        tx.execute(
            "DELETE FROM source_columns WHERE source = ANY($1)",
            &[&emptied],
        )?;
        for table in CONNECTION_OWN {
            tx.execute(
                &format!("DELETE FROM {table} WHERE connection = ANY($1)"),
                &[&report.connections_reset],
            )?;
        }
        tx.execute("DELETE FROM import_batches WHERE id = ANY($1)", &[&batches])?;
        // Open reviewers refresh (a store file's see its version move): a card on screen that
        // went leaves their lists.
        tx.execute("SELECT pg_notify('okk', 'cards')", &[])?;
    }
    Ok(Pruned::Done(Box::new(report)))
}

/// The owner's function (schema 21) over the released cards: `$1` true counts what would go,
/// false takes it out; either way the counts of before. The drafts are everyone's, which a
/// lead's own reads would not see.
const RELEASE_WORK: &str = "SELECT * FROM okk_release_work(
    ARRAY(SELECT id FROM okk_prune_pick WHERE released <> 0), $1)";

/// `--with-work`: the selected cards whose desk work is only reviews and drafts go too (their
/// work marked released), and what would go with them is counted.
fn release_work(
    tx: &mut postgres::Transaction<'_>,
    report: &mut PruneReport,
) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "UPDATE okk_prune_pick SET released = work, work = 0
             WHERE work <> 0 AND (work & ~{}::bigint) = 0",
            DeskWork::RELEASABLE
        ),
        &[],
    )?;
    let released: Vec<(String, i64)> = tx
        .query(
            "SELECT external_id, released FROM okk_prune_pick WHERE released <> 0",
            &[],
        )?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    report.released_cards = released.len() as u64;
    report.released = kept_for(&released);
    let row = tx.query_one(RELEASE_WORK, &[&true])?;
    report.work_removed = WorkRemoved {
        reviews: row.get::<_, i64>(0).max(0) as u64,
        decisions: row.get::<_, i64>(1).max(0) as u64,
        drafts: row.get::<_, i64>(2).max(0) as u64,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every table of the server's schema that names a card (a column holding a card's id,
    /// external id or deal: the server has no foreign keys) is desk work, the card's own or its
    /// connection's, as on a store file (`store::prune`'s test): a table added later without a
    /// word here fails this test. Needs `OKK_TEST_PG` (skipped without it, outside CI).
    #[test]
    fn every_server_table_that_names_a_card_is_classified() {
        let Some(db) = crate::store::pg::test_db::Db::new("okk_prune") else {
            return;
        };
        let url = &db.url;
        let dir = tempfile::tempdir().unwrap();
        let found: Vec<String> = {
            let store = PgStore::open(url, dir.path()).unwrap();
            let rows = store
                .conn
                .borrow_mut()
                .query(
                    "SELECT DISTINCT table_name::text FROM information_schema.columns
                     WHERE table_schema = current_schema() AND table_name <> 'cards'
                       AND column_name IN ('card_id', 'card_external_id', 'external_id', 'deal')
                     ORDER BY 1",
                    &[],
                )
                .unwrap();
            rows.iter().map(|r| r.get(0)).collect()
        };
        drop(db);
        let classified: BTreeSet<&str> = DESK_WORK
            .iter()
            .map(|(t, _, _)| *t)
            .chain(CARD_OWN.iter().map(|(t, _)| *t))
            .chain(CONNECTION_OWN)
            .collect();
        assert!(found.iter().any(|t| t == "reviews"), "{found:?}");
        let unclassified: Vec<&String> = (found.iter())
            .filter(|t| !classified.contains(t.as_str()))
            .collect();
        assert!(
            unclassified.is_empty(),
            "server tables that name a card but are neither desk work, the card's own nor its \
             connection's in store::pg::prune: {unclassified:?}"
        );
        // What the prune deletes from is what it may need the right to delete from.
        for table in CARD_OWN.iter().map(|(t, _)| *t).chain(CONNECTION_OWN) {
            assert!(DELETES_FROM.contains(&table), "{table}");
        }
    }
}
