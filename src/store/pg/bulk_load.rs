//! A first import into an empty server store: the cards' keys and the queue indexes dropped
//! and built once at the end, and the per-row `judged` triggers off while the cards go in, as
//! the SQLite import builds its queue index once into an empty store. Maintaining them row by
//! row cost three times the COPY itself (300,000 cards: 33 s against 8–10 s). All in the
//! import's transaction: a failure rolls the keys, indexes and triggers back with the cards.
//! The locks this takes (the tables' exclusive lock until the commit) hold nobody up on a
//! store with no cards yet.

use crate::store::StoreError;

/// The keys of `cards` (primary, and unique by source and external id), checked by the import
/// itself while it loads (`pg::known` finds a repeated id) and built again at the end.
const CARD_KEYS: &str = "SELECT conname::text, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = 'cards'::regclass AND contype IN ('p', 'u') ORDER BY contype";

/// The indexes of `cards` and `standings` a bulk load rebuilds: the queue's, and the funnel
/// figures' (`cards_figures`).
const QUEUE_INDEXES: &str = "SELECT indexname::text, indexdef FROM pg_indexes
    WHERE schemaname = current_schema() AND tablename IN ('cards', 'standings')
      AND indexname IN ('cards_queue', 'cards_open', 'cards_figures', 'standings_queue',
                        'standings_open')";

/// The triggers that mark a card `judged` as it is inserted: off during the load, each card's
/// mark set at the end from the reviews that name it.
const TRIGGERS_OFF: &str = "ALTER TABLE cards DISABLE TRIGGER cards_judged;
    ALTER TABLE standings DISABLE TRIGGER standings_judged;";

/// What the triggers would have done: a new card is judged only by a review that names it
/// (none can, but a review copied in earlier might), and its standing copies its mark.
const TRIGGERS_ON: &str = "ALTER TABLE cards ENABLE TRIGGER cards_judged;
    ALTER TABLE standings ENABLE TRIGGER standings_judged;
    UPDATE cards c SET judged = okk_judged(c.id, c.content_hash)
        WHERE c.id IN (SELECT card_id FROM reviews WHERE card_id IS NOT NULL);
    UPDATE standings s SET judged = c.judged FROM cards c WHERE c.id = s.card_id AND c.judged;";

/// The dropped keys' and indexes' definitions, to build them again.
pub(super) struct BulkLoad {
    keys: Vec<(String, String)>,
    indexes: Vec<String>,
}

impl BulkLoad {
    /// Starts a bulk load; the caller has checked the store holds no cards.
    pub(super) fn begin(tx: &mut postgres::Transaction<'_>) -> Result<BulkLoad, StoreError> {
        let found: Vec<(String, String)> = tx
            .query(QUEUE_INDEXES, &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        let names: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        if !names.is_empty() {
            tx.batch_execute(&format!("DROP INDEX {}", names.join(", ")))?;
        }
        let keys: Vec<(String, String)> = tx
            .query(CARD_KEYS, &[])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        for (name, _) in &keys {
            tx.batch_execute(&format!("ALTER TABLE cards DROP CONSTRAINT {name}"))?;
        }
        tx.batch_execute(TRIGGERS_OFF)?;
        Ok(BulkLoad {
            keys,
            indexes: found.into_iter().map(|(_, sql)| sql).collect(),
        })
    }

    /// The triggers back on, the marks set, the indexes built: before the commit.
    pub(super) fn finish(self, tx: &mut postgres::Transaction<'_>) -> Result<(), StoreError> {
        for (name, def) in &self.keys {
            tx.batch_execute(&format!("ALTER TABLE cards ADD CONSTRAINT {name} {def}"))?;
        }
        tx.batch_execute(TRIGGERS_ON)?;
        for sql in &self.indexes {
            tx.batch_execute(sql)?;
        }
        Ok(())
    }
}
