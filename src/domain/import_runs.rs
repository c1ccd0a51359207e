//! The store's import batches gathered into runs (`okk db imports`, `okk db prune --import`):
//! a file's import writes one batch, an `okk sync` one per group of pages it commits together.
//!
//! A sync's batches carry its connection (`file`: `KIND:CONNECTION`, and its source), the sync's
//! encoding ([`SYNC_ENCODING`]) and the moment the run began (`started_at`, the same for every
//! batch of one run, those its stage paths take included); no two runs of a connection begin in
//! the same second (`crm::sync` waits for the next). So the batches sharing the four are one run,
//! in a store older okks wrote as well (they dated every group by the run's start too).

use std::collections::{BTreeSet, HashMap};

use super::prune::ImportRun;

/// The `encoding` a sync's batches record (`import_batches.encoding`): a sync reads no file.
pub const SYNC_ENCODING: &str = "api";

/// The runs of `batches` (each batch as a run of its own, as the store lists them, in any
/// order), in the order of their first batches: a file's import stays as it is; a sync's
/// batches are one run, numbered by its first batch, its counts (rows, new, changed, unchanged,
/// gone, warnings, still here) added up and its end the latest of theirs.
pub fn runs(mut batches: Vec<ImportRun>) -> Vec<ImportRun> {
    batches.sort_by_key(|b| b.id);
    let mut out: Vec<ImportRun> = Vec::with_capacity(batches.len());
    // A sync's run by (source, file, moment): its place in `out`.
    let mut open: HashMap<(String, String, String), usize> = HashMap::new();
    for mut batch in batches {
        batch.sync = batch.encoding == SYNC_ENCODING;
        batch.batches = vec![batch.id];
        if !batch.sync {
            out.push(batch);
            continue;
        }
        let key = (
            batch.source.clone(),
            batch.file.clone(),
            batch.started_at.clone(),
        );
        match open.get(&key) {
            Some(&at) => add(&mut out[at], batch),
            None => {
                open.insert(key, out.len());
                out.push(batch);
            }
        }
    }
    out
}

/// A later batch of a sync's run into the run.
fn add(run: &mut ImportRun, batch: ImportRun) {
    run.batches.push(batch.id);
    run.partial |= batch.partial;
    run.rows += batch.rows;
    run.inserted += batch.inserted;
    run.updated += batch.updated;
    run.unchanged += batch.unchanged;
    run.gone += batch.gone;
    run.warnings += batch.warnings;
    run.still_here += batch.still_here;
    run.finished_at = run.finished_at.take().max(batch.finished_at);
}

/// The run `--import` names among `runs`: the one holding batch `n`, or (`None`) the latest,
/// the one that wrote the store's latest batch (a sync that resumed an interrupted one after a
/// file's import, say, is later than the import).
pub fn pick(runs: &[ImportRun], n: Option<i64>) -> Option<&ImportRun> {
    match n {
        Some(n) => runs.iter().find(|r| r.batches.contains(&n)),
        None => runs.iter().max_by_key(|r| r.batches.last().copied()),
    }
}

/// The runs a prune leaves bare: one of their batches is `named` by the cards that go, and
/// none is named `still` by what stays (a card, a history row, a fill snapshot). They go whole,
/// the groups no card ever named (a sync's last, empty one) included; a run one batch of which
/// is still named keeps them all, so that it reads as it did, under the same number.
pub fn bare<'r>(
    runs: &'r [ImportRun],
    named: &BTreeSet<i64>,
    still: &BTreeSet<i64>,
) -> Vec<&'r ImportRun> {
    runs.iter()
        .filter(|r| r.batches.iter().any(|b| named.contains(b)))
        .filter(|r| !r.batches.iter().any(|b| still.contains(b)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(id: i64, file: &str, source: &str, at: &str, inserted: u64) -> ImportRun {
        let sync = file.contains(':');
        ImportRun {
            id,
            batches: Vec::new(),
            sync: false,
            file: file.into(),
            profile: "bitrix24".into(),
            source: source.into(),
            encoding: if sync { SYNC_ENCODING } else { "UTF-8" }.into(),
            started_at: at.into(),
            finished_at: Some(at.into()),
            partial: sync,
            rows: inserted + 1,
            inserted,
            updated: 1,
            unchanged: 0,
            gone: 0,
            warnings: 0,
            still_here: inserted,
        }
    }

    const T1: &str = "2026-11-20 10:00:00";
    const T2: &str = "2026-11-20 10:05:00";

    /// The tester's store: an export, then a sync landed in 16 groups and one more run of it.
    fn store() -> Vec<ImportRun> {
        let mut batches = vec![batch(1, "bx.csv", "bitrix24", T1, 5200)];
        batches.extend((2..=17).map(|id| batch(id, "bitrix24:b24", "b24", T1, 125)));
        batches.extend((18..=20).map(|id| batch(id, "bitrix24:b24", "b24", T2, 0)));
        batches
    }

    #[test]
    fn a_sync_s_groups_are_one_run_numbered_by_its_first_and_counted_whole() {
        let runs = runs(store());
        let seen: Vec<(i64, bool, usize, u64, u64, u64)> = runs
            .iter()
            .map(|r| {
                let n = r.batches.len();
                (r.id, r.sync, n, r.rows, r.inserted, r.still_here)
            })
            .collect();
        assert_eq!(
            seen,
            [
                (1, false, 1, 5201, 5200, 5200),
                (2, true, 16, 16 * 126, 2000, 2000),
                (18, true, 3, 3, 0, 0),
            ]
        );
        assert_eq!(runs[1].batches, (2..=17).collect::<Vec<_>>());
        assert_eq!(runs[1].updated, 16);
    }

    #[test]
    fn two_connections_syncing_at_once_and_two_files_of_one_moment_stay_apart() {
        let batches = vec![
            batch(1, "a.csv", "x", T1, 3),
            batch(2, "a.csv", "x", T1, 3),
            batch(3, "amocrm:main", "main", T1, 5),
            batch(4, "bitrix24:b24", "b24", T1, 7),
            batch(5, "amocrm:main", "main", T1, 5),
            batch(6, "bitrix24:b24", "b24", T1, 7),
        ];
        let runs = runs(batches);
        let ids: Vec<Vec<i64>> = runs.iter().map(|r| r.batches.clone()).collect();
        assert_eq!(ids, [vec![1], vec![2], vec![3, 5], vec![4, 6]]);
    }

    #[test]
    fn last_is_the_run_that_wrote_the_latest_batch_and_a_number_inside_a_run_names_it() {
        // A sync's groups either side of an import of another source made meanwhile.
        let batches = vec![
            batch(1, "bitrix24:b24", "b24", T1, 5),
            batch(2, "a.csv", "x", T2, 3),
            batch(3, "bitrix24:b24", "b24", T1, 5),
        ];
        let runs = runs(batches);
        assert_eq!(pick(&runs, None).map(|r| r.id), Some(1));
        assert_eq!(pick(&runs, Some(3)).map(|r| r.id), Some(1));
        assert_eq!(pick(&runs, Some(2)).map(|r| r.id), Some(2));
        assert_eq!(pick(&runs, Some(4)), None);
        assert_eq!(pick(&[], None), None);
    }

    #[test]
    fn a_run_goes_whole_only_when_none_of_its_batches_is_named_any_more() {
        let runs = runs(store());
        let ids = |r: Vec<&ImportRun>| r.iter().map(|r| r.id).collect::<Vec<_>>();
        // The cards of the sync's first groups go; its last, empty group was never named.
        let named: BTreeSet<i64> = (2..=10).collect();
        assert_eq!(ids(bare(&runs, &named, &BTreeSet::new())), [2]);
        // A card of its 12th group stays: the whole run stays.
        assert!(bare(&runs, &named, &BTreeSet::from([12])).is_empty());
        // Runs the going cards do not name are not the prune's (the second sync's).
        let named: BTreeSet<i64> = (1..=17).collect();
        assert_eq!(ids(bare(&runs, &named, &BTreeSet::new())), [1, 2]);
    }
}
