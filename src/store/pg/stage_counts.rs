//! Each stage's figures for the queue's title and the funnel screen on the server: the cards
//! and flagged cards kept per stage (`stage_counts`, schema 24), and the reviews of every stage
//! read once, counted by the card's stage and kind (`store::queue`'s way on a store file).

use std::collections::HashMap;

use postgres::GenericClient;

use super::prepared::Prepared;
use super::queue::OWED;
use crate::domain::queue::QueueQuery;
use crate::store::StoreError;

/// Keeps the figures counted again, if a write left them stale: as a writer that counts its
/// cards anyway commits (the first desk to ask would count them else).
pub(super) const KEEP_STAGE_COUNTS: &str = "SELECT count(*) FROM okk_stage_counts()";

/// A stage's figures as the server keeps them (`stage_counts`, schema 24).
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct StageFigures {
    cards: i64,
    flagged: i64,
    /// Not gone.
    live: i64,
    live_flagged: i64,
    /// Not gone, no closed flag, no closed date.
    open: i64,
    open_flagged: i64,
}

/// Every stage's kept figures, by the stage as the CRM names it: kept as the cards are
/// written, or counted now when a write since left them stale.
pub(super) fn kept(
    conn: &mut impl GenericClient,
) -> Result<HashMap<String, StageFigures>, StoreError> {
    let rows = conn.query(
        "SELECT stage, cards, flagged, live, live_flagged, open, open_flagged
         FROM okk_stage_counts()",
        &[],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
            let figures = StageFigures {
                cards: r.get(1),
                flagged: r.get(2),
                live: r.get(3),
                live_flagged: r.get(4),
                open: r.get(5),
                open_flagged: r.get(6),
            };
            (r.get(0), figures)
        })
        .collect())
}

/// The cards and the flagged cards of `q`'s stages its queue keeps: every flagged card, and
/// those without flags that the query's filter keeps ([`super::queue::kept`]).
pub(super) fn cards_and_flagged(
    figures: &HashMap<String, StageFigures>,
    q: &QueueQuery<'_>,
) -> (u64, u64) {
    let mut stages: Vec<&String> = q.crm_stages.iter().collect();
    stages.sort_unstable();
    stages.dedup();
    let (mut cards, mut flagged) = (0, 0);
    for f in stages.into_iter().filter_map(|s| figures.get(s)) {
        cards += if q.all {
            f.cards
        } else if q.closed_stage {
            f.live + f.flagged - f.live_flagged
        } else {
            f.open + f.flagged - f.open_flagged
        };
        flagged += f.flagged;
    }
    (cards.max(0) as u64, flagged.max(0) as u64)
}

/// What a card is to the queue's filters: 3 open (kept, flagged or not), 0 closed or gone but
/// flagged (kept), 1 gone, 2 closed; [`keeps_kind`] says which a query keeps, as
/// [`super::queue::kept`] does. Its standing is looked up only where the kind needs it.
const CARD_KIND: &str = "CASE WHEN c.gone_at IS NULL AND coalesce(c.closed, 0) = 0
                                AND c.closed_at IS NULL THEN 3
                           WHEN EXISTS (SELECT 1 FROM standings s WHERE s.card_id = c.id) THEN 0
                           WHEN c.gone_at IS NOT NULL THEN 1 ELSE 2 END";

/// Whether `q` keeps the cards of this [`CARD_KIND`].
fn keeps_kind(q: &QueueQuery<'_>, kind: usize) -> bool {
    match kind {
        1 => q.all,
        2 => q.all || q.closed_stage,
        _ => true,
    }
}

/// Per stage and [`CARD_KIND`]: her cards judged as they are now ([`JUDGED`]), and the cards
/// other auditors hold that are not hers ([`OTHERS`]).
pub(super) type Reviewed = HashMap<String, [[i64; 2]; 4]>;

pub(super) const JUDGED: usize = 0;
pub(super) const OTHERS: usize = 1;

/// The cards of `which` ([`JUDGED`], [`OTHERS`]) in `q`'s stages that it keeps.
pub(super) fn kept_of(reviewed: &Reviewed, q: &QueueQuery<'_>, which: usize) -> u64 {
    let mut stages: Vec<&String> = q.crm_stages.iter().collect();
    stages.sort_unstable();
    stages.dedup();
    let n: i64 = (stages.into_iter())
        .filter_map(|s| reviewed.get(s))
        .flat_map(|kinds| {
            (0..4)
                .filter(|k| keeps_kind(q, *k))
                .map(move |k| kinds[k][which])
        })
        .sum();
    n as u64
}

/// Every current review read once, with its card's figures from `cards_figures` alone
/// (schema 24), and told apart by card (`$1`: the auditor): hers that judged it as it is now
/// and were not sent back (`QueueCounts::reviewed`), and whether another auditor holds it and
/// she does not ([`others_hold`](super::queue::others_hold)); her pending calibration cards
/// ([`PENDING_CALIBRATION`](super::queue::PENDING_CALIBRATION), found from the few
/// calibration cards) are neither. The lead's returns are found once (each review's latest
/// standing decision), not looked up review by review. Every stage's: the caller keeps the
/// stages asked (a filter on the stage, a list of every funnel name and alias, cost more
/// than it kept out).
pub(super) fn reviewed_by_stage(
    conn: &mut impl GenericClient,
    prepared: &Prepared,
    auditor: &str,
) -> Result<Reviewed, StoreError> {
    let sql = format!(
        "WITH returned AS (
             SELECT review_id FROM (
                 SELECT DISTINCT ON (d.review_id) d.review_id, d.decision FROM lead_decisions d
                 WHERE d.withdrawn_at IS NULL
                 ORDER BY d.review_id, d.seq DESC, d.created_at DESC, d.id DESC) latest
             WHERE decision = 'return'),
         pending AS (
             SELECT c.id FROM calibration_cards cc JOIN calibrations k ON k.id = cc.calibration_id
             JOIN cards c ON c.source = cc.card_source AND c.external_id = cc.card_external_id
             WHERE k.ended_at IS NULL AND k.auditors::jsonb ? $1 AND {owed}),
         per_card AS (
             SELECT c.stage, {CARD_KIND} AS kind,
                    bool_or(r.auditor = $1 AND r.card_hash = c.content_hash
                            AND t.review_id IS NULL) AS judged,
                    bool_or(r.auditor = $1 AND (r.card_hash = c.content_hash
                                                OR t.review_id IS NOT NULL)) AS hers,
                    bool_or(r.auditor <> $1 AND (r.card_hash = c.content_hash
                                                 OR t.review_id IS NOT NULL)) AS theirs
             FROM reviews r JOIN cards c ON c.id = r.card_id
             LEFT JOIN returned t ON t.review_id = r.id
             WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL
               AND c.id NOT IN (SELECT id FROM pending)
             GROUP BY c.id)
         SELECT stage, kind, count(*) FILTER (WHERE judged),
                count(*) FILTER (WHERE theirs AND NOT hers)
         FROM per_card GROUP BY stage, kind",
        owed = OWED.replace("$2", "$1"),
    );
    let mut out = Reviewed::new();
    let sql = prepared.get(conn, &sql)?;
    for r in conn.query(&sql, &[&auditor])? {
        let (stage, kind): (String, i32) = (r.get(0), r.get(1));
        let figures = &mut out.entry(stage).or_default()[kind as usize];
        figures[JUDGED] += r.get::<_, i64>(2);
        figures[OTHERS] += r.get::<_, i64>(3);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::store::pg::PgStore;
    use crate::store::pg::test_db::Db;

    /// A server store holding the amoCRM fixture's cards, imported and judged.
    fn store(db: &Db) -> (PgStore, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = PgStore::open(&db.url, dir.path()).unwrap();
        crate::store::pg::test_db::import_fixture(&mut store, "amocrm_utf8_bom.csv");
        (store, dir)
    }

    type Figures = Vec<(String, [i64; 6])>;

    fn figures(c: &mut impl postgres::GenericClient, sql: &str) -> Figures {
        (c.query(&format!("{sql} ORDER BY stage"), &[])
            .unwrap()
            .iter())
        .map(|r| (r.get(0), [1, 2, 3, 4, 5, 6].map(|i| r.get(i))))
        .collect()
    }

    fn kept(c: &mut postgres::Client) -> Figures {
        figures(c, "SELECT * FROM okk_stage_counts()")
    }

    fn counted(c: &mut postgres::Client) -> Figures {
        figures(c, "SELECT * FROM okk_stage_counts_counted()")
    }

    fn stale(c: &mut postgres::Client) -> i64 {
        (c.query_one("SELECT count(*) FROM stage_counts_stale", &[])
            .unwrap())
        .get(0)
    }

    #[test]
    fn the_kept_figures_follow_any_write_of_cards_or_standings_and_a_verdicts_mark_keeps_them() {
        let Some(db) = Db::new("okk_stage_counts") else {
            return;
        };
        let (_store, _dir) = store(&db);
        let mut c = db.client();
        assert_eq!(stale(&mut c), 0, "the import kept the figures it changed");
        let before = kept(&mut c);
        assert_eq!(before, counted(&mut c));
        assert!(before.len() > 1, "{before:?}");

        let first = "(SELECT min(id) FROM cards)";
        let open = "(SELECT max(id) FROM cards
                     WHERE gone_at IS NULL AND coalesce(closed, 0) = 0 AND closed_at IS NULL)";
        let flagged_card = "(SELECT min(card_id) FROM standings)";
        for write in [
            // A flag on an open card, as a rules run stands it.
            format!(
                "INSERT INTO standings (card_id, flag_rank, flag_count, place, stage, touched_at,
                                        external_id, search)
                 SELECT id, 3, 1, 1, stage, coalesce(touched_at, ''), external_id, search
                 FROM cards WHERE id = {open}"
            ),
            format!("UPDATE cards SET stage = 'Где-то ещё' WHERE id = {first}"),
            format!("UPDATE cards SET gone_at = '2026-11-20 12:00:00' WHERE id = {first}"),
            format!("UPDATE cards SET closed = 1 WHERE id = {open}"),
            format!("UPDATE cards SET closed_at = '2026-11-20' WHERE id = {open}"),
            format!("DELETE FROM standings WHERE card_id = {flagged_card}"),
            "DELETE FROM cards WHERE id = (SELECT max(id) FROM cards)".to_string(),
        ] {
            let was = kept(&mut c);
            c.batch_execute(&write).unwrap();
            assert_eq!(stale(&mut c), 1, "{write}: marked stale once");
            let now = kept(&mut c);
            assert_ne!(now, was, "{write}");
            assert_eq!(now, counted(&mut c), "{write}");
            assert_eq!(stale(&mut c), 0, "{write}: kept again");
        }
        // A verdict marks its card judged (and a claim locks it): the figures stay kept.
        c.batch_execute(&format!(
            "UPDATE cards SET judged = NOT judged WHERE id = {first};
             UPDATE standings SET judged = NOT judged WHERE card_id = {flagged_card}"
        ))
        .unwrap();
        assert_eq!(stale(&mut c), 0);
    }

    #[test]
    fn a_write_under_way_while_the_figures_are_kept_again_is_counted_once_it_commits() {
        let Some(db) = Db::new("okk_stage_counts") else {
            return;
        };
        let (_store, _dir) = store(&db);
        let (mut writer, mut reader) = (db.client(), db.client());
        reader
            .batch_execute(
                "UPDATE cards SET stage = 'Раньше' WHERE id = (SELECT min(id) FROM cards)",
            )
            .unwrap();
        let mut tx = writer.transaction().unwrap();
        tx.batch_execute("UPDATE cards SET stage = 'Позже' WHERE id = (SELECT max(id) FROM cards)")
            .unwrap();
        let seen = kept(&mut reader);
        assert!(seen.iter().any(|(s, _)| s == "Раньше"));
        assert!(!seen.iter().any(|(s, _)| s == "Позже"), "not committed yet");
        assert_eq!(stale(&mut reader), 0);
        tx.commit().unwrap();
        assert_eq!(
            stale(&mut reader),
            1,
            "the writer's mark outlived the keeping"
        );
        let now = kept(&mut reader);
        assert!(
            now.iter().any(|(s, f)| s == "Позже" && f[0] == 1),
            "{now:?}"
        );
        assert_eq!(now, counted(&mut reader));
    }

    #[test]
    fn stale_figures_are_counted_without_keeping_them_in_a_read_only_transaction_or_while_kept_elsewhere()
     {
        let Some(db) = Db::new("okk_stage_counts") else {
            return;
        };
        let (_store, _dir) = store(&db);
        let (mut other, mut c) = (db.client(), db.client());
        c.batch_execute(
            "UPDATE cards SET stage = 'Где-то ещё' WHERE id = (SELECT min(id) FROM cards)",
        )
        .unwrap();
        let mut tx = c.build_transaction().read_only(true).start().unwrap();
        let read = figures(&mut tx, "SELECT * FROM okk_stage_counts()");
        assert_eq!(
            read,
            figures(&mut tx, "SELECT * FROM okk_stage_counts_counted()")
        );
        tx.commit().unwrap();
        assert_eq!(
            stale(&mut c),
            1,
            "nothing written in a read-only transaction"
        );

        // Another session keeping them: this one counts, and waits for no lock.
        let mut keeping = other.transaction().unwrap();
        keeping
            .batch_execute("SELECT pg_advisory_xact_lock(hashtext('okk stage_counts'))")
            .unwrap();
        c.batch_execute("SET lock_timeout = 100").unwrap();
        assert_eq!(kept(&mut c), counted(&mut c));
        assert_eq!(stale(&mut c), 1);
        keeping.rollback().unwrap();
        kept(&mut c);
        assert_eq!(stale(&mut c), 0);
    }
}
