//! `okk db imports` and `okk db prune` on a store file: the import and sync runs, and a
//! mistaken run's (or source's, or the CRM's deleted) cards taken back out, desk work never.
//!
//! Every table that names a card is one of three kinds ([`DESK_WORK`], [`CARD_OWN`],
//! [`CONNECTION_OWN`]); a test fails when a new one is none of them, so that a table of desk
//! work added later cannot be deleted with its card unnoticed.

use std::collections::BTreeSet;

use rusqlite::types::Value;
use rusqlite::{Transaction, TransactionBehavior, params, params_from_iter};

use super::{Store, StoreError};
use crate::domain::import_runs;
use crate::domain::prune::{
    DeskWork, ImportRun, KeptByCalibration, PruneReport, Pruned, Selector, WorkRemoved, kept_for,
};

/// The tables of desk work that name a card, and how each finds its cards among the selected
/// (`p`, the temp table of them): a card one of them names is never pruned.
pub(crate) const DESK_WORK: [(&str, DeskWork, &str); 4] = [
    // By id, and by source and external id: a review made on another laptop names a card
    // this store may hold under the same key without having been attached to it.
    (
        "reviews",
        DeskWork::Reviews,
        "p.id IN (SELECT card_id FROM main.reviews WHERE card_id IS NOT NULL)
         OR EXISTS (SELECT 1 FROM main.reviews r
                    WHERE r.card_source = p.source AND r.card_external_id = p.external_id)",
    ),
    (
        "drafts",
        DeskWork::Drafts,
        "p.id IN (SELECT card_id FROM main.drafts)",
    ),
    // A lease past its time holds nothing (the card is back in the queue): it goes with the
    // card, as one released would have gone already.
    (
        "leases",
        DeskWork::Leases,
        "p.id IN (SELECT card_id FROM main.leases
                  WHERE until > (julianday('now') - 2440587.5) * 86400.0)",
    ),
    // Of an open calibration only: an ended one hands its cards out no more. (`calibrations`
    // unqualified: a store older than its end's columns, read as it is for a dry run, reads
    // them through a temporary view, `schema::OPEN_CALIBRATIONS`.)
    (
        "calibration_cards",
        DeskWork::Calibrations,
        "EXISTS (SELECT 1 FROM main.calibration_cards c JOIN calibrations k
                 ON k.id = c.calibration_id
                 WHERE c.card_source = p.source AND c.card_external_id = p.external_id
                   AND k.ended_at IS NULL)",
    ),
];

/// The open calibrations whose samples keep selected cards, with how many each keeps.
const KEPT_BY_CALIBRATIONS: &str = "SELECT k.id, k.stage, count(DISTINCT p.id)
    FROM temp.prune_pick p
    JOIN main.calibration_cards c ON c.card_source = p.source AND c.card_external_id = p.external_id
    JOIN calibrations k ON k.id = c.calibration_id
    WHERE k.ended_at IS NULL
    GROUP BY k.id, k.stage, k.created_at ORDER BY k.created_at, k.id";

/// The tables that belong to a card and go with it, and the rows of the cards that go: its
/// stage history, flags and queue standing, a lease that has run out (a live one is desk work,
/// above), and the notes a sync read for its deal. Before the card: the foreign keys are on.
pub(crate) const CARD_OWN: [(&str, &str); 5] = [
    (
        "stage_history",
        "card_id IN (SELECT id FROM temp.prune_pick WHERE work = 0)",
    ),
    (
        "flags",
        "card_id IN (SELECT id FROM temp.prune_pick WHERE work = 0)",
    ),
    (
        "standings",
        "card_id IN (SELECT id FROM temp.prune_pick WHERE work = 0)",
    ),
    (
        "leases",
        "card_id IN (SELECT id FROM temp.prune_pick WHERE work = 0)",
    ),
    (
        "crm_notes",
        "(connection, deal) IN (SELECT source, external_id FROM temp.prune_pick WHERE work = 0)",
    ),
];

/// A connection's own tables (by `connection`, the source its cards have): they go when a
/// prune leaves the connection without a card, so its next sync is a first one.
pub(crate) const CONNECTION_OWN: [&str; 6] = [
    "crm_sync",
    "crm_notes",
    "crm_notes_read",
    "crm_sweep",
    "crm_swept",
    "crm_stages",
];

/// The selected cards, with the desk work each carries (a mask of [`DeskWork::bit`]).
const PICK_TABLE: &str = "CREATE TEMP TABLE prune_pick (
    id            INTEGER PRIMARY KEY,
    source        TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    first_batch   INTEGER NOT NULL,
    changed_batch INTEGER NOT NULL,
    gone_batch    INTEGER,
    work          INTEGER NOT NULL DEFAULT 0,
    released      INTEGER NOT NULL DEFAULT 0
)";

/// `--with-work`: the reviews (any state) of the cards that go with their work, by id or key.
const RELEASED_REVIEWS: &str = "CREATE TEMP TABLE prune_reviews AS
    SELECT r.id FROM main.reviews r
    WHERE r.card_id IN (SELECT id FROM temp.prune_pick WHERE released <> 0)
       OR EXISTS (SELECT 1 FROM temp.prune_pick p
                  WHERE p.released <> 0 AND p.source = r.card_source
                    AND p.external_id = r.card_external_id)";

/// The selected cards that go: those without desk work.
const GOING: &str = "SELECT id FROM temp.prune_pick WHERE work = 0";

const RUN_COLUMNS: &str = "b.id, b.file, b.profile, b.source, b.encoding, b.started_at, \
    b.finished_at, b.partial, b.rows, b.inserted, b.updated, b.unchanged, b.gone, b.warnings";

fn run_of(r: &rusqlite::Row<'_>, still_here: i64) -> rusqlite::Result<ImportRun> {
    let count = |i| -> rusqlite::Result<u64> { Ok(r.get::<_, i64>(i)?.max(0) as u64) };
    Ok(ImportRun {
        id: r.get(0)?,
        batches: Vec::new(),
        sync: false,
        file: r.get(1)?,
        profile: r.get(2)?,
        source: r.get(3)?,
        encoding: r.get(4)?,
        started_at: r.get(5)?,
        finished_at: r.get(6)?,
        partial: r.get::<_, i64>(7)? != 0,
        rows: count(8)?,
        inserted: count(9)?,
        updated: count(10)?,
        unchanged: count(11)?,
        gone: count(12)?,
        warnings: count(13)?,
        still_here: still_here.max(0) as u64,
    })
}

impl Store {
    /// See [`crate::domain::ports::PruneStore::import_runs`].
    pub fn import_runs(&self) -> Result<Vec<ImportRun>, StoreError> {
        runs(&self.conn)
    }

    /// See [`crate::domain::ports::PruneStore::prune`]: one write transaction (a dry run: one
    /// read, the file untouched).
    pub fn prune(&mut self, selector: &Selector, dry_run: bool) -> Result<Pruned, StoreError> {
        self.prune_with(selector, dry_run, false)
    }

    /// [`Store::prune`]; `with_work`: a card whose desk work is only reviews and drafts goes
    /// too, with them (see [`crate::domain::ports::PruneStore::prune_with`]).
    pub fn prune_with(
        &mut self,
        selector: &Selector,
        dry_run: bool,
        with_work: bool,
    ) -> Result<Pruned, StoreError> {
        self.carried = None;
        let behavior = if dry_run {
            TransactionBehavior::Deferred
        } else {
            TransactionBehavior::Immediate
        };
        let tx = self.conn.transaction_with_behavior(behavior)?;
        let pruned = prune_in(&tx, selector, dry_run, with_work)?;
        tx.execute_batch(
            "DROP TABLE IF EXISTS temp.prune_pick; DROP TABLE IF EXISTS temp.prune_reviews",
        )?;
        if dry_run {
            tx.rollback()?;
        } else {
            tx.commit()?;
        }
        Ok(pruned)
    }
}

/// The store's runs, each batch's counts gathered into its run's (`domain::import_runs`): one
/// pass over the cards counts what each batch first brought.
fn runs(conn: &rusqlite::Connection) -> Result<Vec<ImportRun>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {RUN_COLUMNS}, coalesce(k.n, 0)
         FROM import_batches b
         LEFT JOIN (SELECT first_batch, count(*) AS n FROM cards GROUP BY first_batch) k
              ON k.first_batch = b.id
         ORDER BY b.id"
    ))?;
    let rows = stmt.query_map([], |r| run_of(r, r.get(14)?))?;
    Ok(import_runs::runs(rows.collect::<Result<_, _>>()?))
}

/// The batches of the run a prune names, in `temp.prune_run`.
const RUN_TABLE: &str = "DROP TABLE IF EXISTS temp.prune_run;
    CREATE TEMP TABLE prune_run (id INTEGER PRIMARY KEY)";

/// The run's batches.
const IN_RUN: &str = "SELECT id FROM temp.prune_run";

fn prune_in(
    tx: &Transaction<'_>,
    selector: &Selector,
    dry_run: bool,
    with_work: bool,
) -> Result<Pruned, StoreError> {
    let mut report = PruneReport::new(dry_run);
    report.with_work = with_work;
    let all = runs(tx)?;
    tx.execute_batch(RUN_TABLE)?;
    // What the selector names, and the condition on `cards` that takes its cards.
    let (condition, args): (&str, Vec<Value>) = match selector {
        Selector::Import(wanted) => {
            let Some(run) = import_runs::pick(&all, *wanted) else {
                return Ok(match wanted {
                    Some(n) => Pruned::NoSuchRun(*n),
                    None => Pruned::NoRuns,
                });
            };
            let mut insert = tx.prepare("INSERT INTO temp.prune_run (id) VALUES (?1)")?;
            for batch in &run.batches {
                insert.execute([batch])?;
            }
            report.import = Some(run.clone());
            ("first_batch IN (SELECT id FROM temp.prune_run)", Vec::new())
        }
        Selector::Source(source) => {
            let known: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM cards WHERE source = ?1)
                     OR EXISTS (SELECT 1 FROM import_batches WHERE source = ?1)",
                [source],
                |r| r.get(0),
            )?;
            if !known {
                let mut stmt = tx.prepare(
                    "SELECT source FROM cards UNION SELECT source FROM import_batches ORDER BY 1",
                )?;
                let sources = stmt
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<_, _>>()?;
                return Ok(Pruned::NoSuchSource { sources });
            }
            report.source = Some(source.clone());
            ("source = ?1", vec![source.clone().into()])
        }
        Selector::Gone => {
            report.gone = true;
            ("gone_at IS NOT NULL", Vec::new())
        }
    };
    tx.execute_batch(&format!(
        "DROP TABLE IF EXISTS temp.prune_pick; DROP TABLE IF EXISTS temp.prune_reviews;
         {PICK_TABLE}"
    ))?;
    report.selected = tx.execute(
        &format!(
            "INSERT INTO temp.prune_pick (id, source, external_id, first_batch, changed_batch,
                 gone_batch)
             SELECT id, source, external_id, first_batch, changed_batch, gone_batch
             FROM main.cards WHERE {condition}"
        ),
        params_from_iter(args),
    )? as u64;
    for (_, work, finds) in DESK_WORK {
        tx.execute(
            &format!(
                "UPDATE temp.prune_pick AS p SET work = work | {} WHERE {finds}",
                work.bit()
            ),
            [],
        )?;
    }
    if with_work {
        release_work(tx, &mut report)?;
    }
    let kept: Vec<(String, i64)> = tx
        .prepare("SELECT external_id, work FROM temp.prune_pick WHERE work <> 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    report.keep(&kept);
    report.calibrations = tx
        .prepare(KEPT_BY_CALIBRATIONS)?
        .query_map([], |r| {
            Ok(KeptByCalibration {
                id: r.get(0)?,
                stage: r.get(1)?,
                cards: r.get::<_, i64>(2)?.max(0) as u64,
            })
        })?
        .collect::<Result<_, _>>()?;
    report.removed = report.selected - report.kept;
    if report.import.is_some() {
        report.updated_only = tx.query_row(
            &format!(
                "SELECT count(*) FROM cards c
                 WHERE c.first_batch NOT IN ({IN_RUN})
                   AND (c.changed_batch IN ({IN_RUN}) OR c.gone_batch IN ({IN_RUN})
                        OR EXISTS (SELECT 1 FROM stage_history h
                                   WHERE h.card_id = c.id AND h.batch_id IN ({IN_RUN})))"
            ),
            [],
            |r| r.get::<_, i64>(0),
        )? as u64;
    }
    let emptied = emptied_sources(tx)?;
    report.connections_reset = connections_of(tx, &emptied)?;
    let snapshots = stale_snapshots(tx)?;
    let (named, still) = batches_named(tx, &snapshots)?;
    let bare = import_runs::bare(&all, &named, &still);
    report.runs_removed = bare.iter().map(|r| r.id).collect();
    let batches: Vec<i64> = bare
        .iter()
        .flat_map(|r| r.batches.iter().copied())
        .collect();
    tx.execute_batch("DROP TABLE temp.prune_run")?;
    if !dry_run && report.removed > 0 {
        remove(tx, &emptied, &report, &snapshots, &batches)?;
    }
    Ok(Pruned::Done(Box::new(report)))
}

/// `--with-work`: the selected cards whose desk work is only reviews and drafts go too (their
/// work marked released, no longer keeping them), and what would go with them is counted.
fn release_work(tx: &Transaction<'_>, report: &mut PruneReport) -> Result<(), StoreError> {
    tx.execute(
        &format!(
            "UPDATE temp.prune_pick SET released = work, work = 0
             WHERE work <> 0 AND (work & ~{}) = 0",
            DeskWork::RELEASABLE
        ),
        [],
    )?;
    let released: Vec<(String, i64)> = tx
        .prepare("SELECT external_id, released FROM temp.prune_pick WHERE released <> 0")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    report.released_cards = released.len() as u64;
    report.released = kept_for(&released);
    tx.execute_batch(RELEASED_REVIEWS)?;
    let count = |sql: &str| -> Result<u64, StoreError> {
        Ok(tx.query_row(sql, [], |r| r.get::<_, i64>(0))?.max(0) as u64)
    };
    report.work_removed = WorkRemoved {
        reviews: count("SELECT count(*) FROM temp.prune_reviews")?,
        decisions: count(
            "SELECT count(*) FROM main.lead_decisions
             WHERE review_id IN (SELECT id FROM temp.prune_reviews)",
        )?,
        drafts: count(
            "SELECT count(*) FROM main.drafts
             WHERE card_id IN (SELECT id FROM temp.prune_pick WHERE released <> 0)",
        )?,
    };
    Ok(())
}

/// The sources of the cards that go that keep no card after them.
fn emptied_sources(tx: &Transaction<'_>) -> Result<Vec<String>, StoreError> {
    // Per source, not per card: a source's cards are one range of its key's index.
    let mut stmt = tx.prepare(&format!(
        "SELECT s.source FROM (SELECT DISTINCT source FROM temp.prune_pick WHERE work = 0) s
         WHERE NOT EXISTS (SELECT 1 FROM main.cards c
                           WHERE c.source = s.source AND c.id NOT IN ({GOING}))
         ORDER BY 1"
    ))?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Which of `sources` are connections a sync keeps state for.
fn connections_of(tx: &Transaction<'_>, sources: &[String]) -> Result<Vec<String>, StoreError> {
    let mut found = Vec::new();
    for source in sources {
        let synced: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM crm_sync WHERE connection = ?1)
                 OR EXISTS (SELECT 1 FROM crm_notes_read WHERE connection = ?1)
                 OR EXISTS (SELECT 1 FROM crm_sweep WHERE connection = ?1)
                 OR EXISTS (SELECT 1 FROM crm_stages WHERE connection = ?1)
                 OR EXISTS (SELECT 1 FROM crm_notes WHERE connection = ?1)",
            [source],
            |r| r.get(0),
        )?;
        if synced {
            found.push(source.clone());
        }
    }
    Ok(found)
}

/// The runs whose fill snapshot counted a card that goes: it was not gone when the snapshot
/// was taken (its run came after the card's first and before the one that marked it gone).
/// The figures cannot be taken again for that moment, so the snapshot goes; the next read
/// takes the latest run's anew.
fn stale_snapshots(tx: &Transaction<'_>) -> Result<Vec<i64>, StoreError> {
    let spans: Vec<(i64, Option<i64>)> = tx
        .prepare(
            "SELECT first_batch, gone_batch FROM temp.prune_pick WHERE work = 0
             GROUP BY first_batch, gone_batch",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    if spans.is_empty() {
        return Ok(Vec::new());
    }
    let runs: Vec<i64> = tx
        .prepare("SELECT DISTINCT batch_id FROM fill_snapshots ORDER BY 1")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(runs
        .into_iter()
        .filter(|&run| {
            spans
                .iter()
                .any(|&(first, gone)| first <= run && gone.is_none_or(|g| run < g))
        })
        .collect())
}

/// The batches the cards that go name (first, changed, marked gone, moved), and of those the
/// ones something that stays names too: a card left, a history row, a fill snapshot that stays.
/// A run the first name and the second do not is left bare (`import_runs::bare`): its record
/// goes with the cards, so that the store reads as one it never ran on.
fn batches_named(
    tx: &Transaction<'_>,
    stale: &[i64],
) -> Result<(BTreeSet<i64>, BTreeSet<i64>), StoreError> {
    let named: BTreeSet<i64> = tx
        .prepare(&format!(
            "SELECT first_batch FROM temp.prune_pick WHERE work = 0
             UNION SELECT changed_batch FROM temp.prune_pick WHERE work = 0
             UNION SELECT gone_batch FROM temp.prune_pick WHERE work = 0 AND gone_batch IS NOT NULL
             UNION SELECT h.batch_id FROM main.stage_history h WHERE h.card_id IN ({GOING})"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    if named.is_empty() {
        return Ok((named, BTreeSet::new()));
    }
    // What stays names: one pass over the cards and one over the history.
    let mut still: BTreeSet<i64> = tx
        .prepare(&format!(
            "SELECT DISTINCT b FROM (
                 SELECT first_batch AS b FROM main.cards WHERE id NOT IN ({GOING})
                 UNION ALL SELECT changed_batch FROM main.cards WHERE id NOT IN ({GOING})
                 UNION ALL SELECT gone_batch FROM main.cards
                           WHERE gone_batch IS NOT NULL AND id NOT IN ({GOING})
                 UNION ALL SELECT batch_id FROM main.stage_history
                           WHERE card_id NOT IN ({GOING}))"
        ))?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let snapshots: Vec<i64> = tx
        .prepare("SELECT DISTINCT batch_id FROM fill_snapshots")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    still.extend(snapshots.into_iter().filter(|r| !stale.contains(r)));
    Ok((named, still))
}

/// The cards that go, with everything that hangs off them, and the summaries made again.
/// `batches`: those of the runs left bare.
fn remove(
    tx: &Transaction<'_>,
    emptied: &[String],
    report: &PruneReport,
    stale: &[i64],
    batches: &[i64],
) -> Result<(), StoreError> {
    if report.with_work {
        // A file copied from a server keeps where its records end past the rows that go.
        super::copied::keep_past(tx, "SELECT id FROM temp.prune_reviews")?;
        // The work of the cards released, before the cards (the foreign keys are on): the
        // lead's decisions on their reviews, the reviews, the drafts.
        tx.execute_batch(
            "DELETE FROM main.lead_decisions WHERE review_id IN (SELECT id FROM temp.prune_reviews);
             DELETE FROM main.reviews WHERE id IN (SELECT id FROM temp.prune_reviews);
             DELETE FROM main.drafts
             WHERE card_id IN (SELECT id FROM temp.prune_pick WHERE released <> 0);",
        )?;
    }
    for (table, rows) in CARD_OWN {
        tx.execute(&format!("DELETE FROM main.{table} WHERE {rows}"), [])?;
    }
    tx.execute(&format!("DELETE FROM main.cards WHERE id IN ({GOING})"), [])?;
    for run in stale {
        tx.execute("DELETE FROM fill_snapshots WHERE batch_id = ?1", [run])?;
    }
    for source in emptied {
        // The columns its imports had: a source imported again starts as a new one.
        tx.execute("DELETE FROM source_columns WHERE source = ?1", [source])?;
    }
    for connection in &report.connections_reset {
        for table in CONNECTION_OWN {
            tx.execute(
                &format!("DELETE FROM {table} WHERE connection = ?1"),
                [connection],
            )?;
        }
    }
    for batch in batches {
        tx.execute("DELETE FROM import_batches WHERE id = ?1", [batch])?;
    }
    // The rules run's summaries, where they were current: what a rules run over the cards
    // that stay would write (the flags of those cards are as they were: the rules judge each
    // card by itself).
    let current: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM meta WHERE key = ?1)",
        params![super::schema::SUMMARIES_KEY],
        |r| r.get(0),
    )?;
    if current {
        let summary = super::run_summary::RunSummary::of_store(tx)?;
        super::run_summary::store_run_summary(tx, &summary)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
