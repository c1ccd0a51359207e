//! Bundles out of a server store (`okk bundle export`): the SQLite store's `bundle_records` on
//! PostgreSQL, the same records in the same order, read from one snapshot.

use postgres::fallible_iterator::FallibleIterator;

use super::PgStore;
use super::bundle::{
    DECISION_COLUMNS, REVIEW_COLUMNS, decision_of, review_judged_of, trusted_keys_in,
};
use super::desk::calibrations_in;
use crate::domain::records::{CalibrationRecord, Record};
use crate::domain::trust::TrustedKey;
use crate::store::StoreError;

impl PgStore {
    /// Every trusted key, by name (the bundle's vouches).
    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>, StoreError> {
        trusted_keys_in(&mut *self.conn.borrow_mut())
    }

    /// Hands `emit` every review and lead decision made (or withdrawn) at or after `since`,
    /// the reviews those decisions are about, then every calibration: the SQLite store's
    /// `bundle_records`, a row at a time. One read-only snapshot, so a decision never comes
    /// without the review a verdict saved meanwhile. `seq` is SQLite's rowid (the order
    /// reviews were written in); times compare byte by byte, as SQLite compares text.
    pub fn bundle_records<E: From<StoreError>>(
        &self,
        since: Option<&str>,
        mut emit: impl FnMut(Record) -> Result<(), E>,
    ) -> Result<(), E> {
        let since = since.unwrap_or("");
        let mut conn = self.conn.borrow_mut();
        let mut tx = super::snapshot(&mut conn).map_err(StoreError::from)?;
        let names = super::written::field_names(&mut tx)?;
        let reviews = format!(
            "SELECT {REVIEW_COLUMNS}, judged, judged_signature FROM reviews
             WHERE created_at >= $1 COLLATE \"C\" OR withdrawn_at >= $1 COLLATE \"C\"
                OR id IN (SELECT review_id FROM lead_decisions
                          WHERE created_at >= $1 COLLATE \"C\"
                             OR withdrawn_at >= $1 COLLATE \"C\")
             ORDER BY created_at COLLATE \"C\", seq"
        );
        each(&mut tx, &reviews, since, &mut |row| {
            emit(Record::Review(review_judged_of(row, &names)))
        })?;
        // Decisions have no rowid here: at one time, by their place and id.
        let decisions = format!(
            "SELECT {DECISION_COLUMNS} FROM lead_decisions
             WHERE created_at >= $1 COLLATE \"C\" OR withdrawn_at >= $1 COLLATE \"C\"
             ORDER BY created_at COLLATE \"C\", seq, id COLLATE \"C\""
        );
        each(&mut tx, &decisions, since, &mut |row| {
            emit(Record::Decision(decision_of(row)))
        })?;
        // Calibrations are few and small: every one goes, whatever `since` says, with its end.
        let signatures: std::collections::HashMap<String, crate::store::bundle::Signatures> = tx
            .query("SELECT id, signature, end_signature FROM calibrations", &[])
            .map_err(StoreError::from)?
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();
        for c in calibrations_in(&mut tx)? {
            let (signature, end) = signatures.get(&c.id).cloned().unwrap_or_default();
            emit(Record::Calibration(CalibrationRecord::of(
                c, signature, end,
            )))?;
        }
        tx.commit().map_err(StoreError::from)?;
        Ok(())
    }
}

/// Each row `sql` answers for `since`, streamed (a bundle is never held whole), handed to `f`.
fn each<E: From<StoreError>>(
    tx: &mut postgres::Transaction<'_>,
    sql: &str,
    since: &str,
    f: &mut dyn FnMut(&postgres::Row) -> Result<(), E>,
) -> Result<(), E> {
    let mut rows = tx.query_raw(sql, [since]).map_err(StoreError::from)?;
    while let Some(row) = rows.next().map_err(StoreError::from)? {
        f(&row)?;
    }
    Ok(())
}

impl crate::domain::ports::BundleSource for PgStore {
    fn trusted_keys(&self) -> Result<Vec<TrustedKey>, StoreError> {
        PgStore::trusted_keys(self)
    }

    fn own_authors(&self) -> Result<Vec<String>, StoreError> {
        let rows = (self.conn.borrow_mut()).query(crate::store::bundle::OWN_AUTHORS, &[])?;
        let mut names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        names.sort();
        Ok(names)
    }

    fn own_leads(&self) -> Result<Vec<String>, StoreError> {
        let rows = (self.conn.borrow_mut()).query(crate::store::bundle::OWN_LEADS, &[])?;
        let mut names: Vec<String> = rows.iter().map(|r| r.get(0)).collect();
        names.sort();
        Ok(names)
    }

    fn signs_as(&self) -> Result<Option<String>, StoreError> {
        use crate::domain::ports::UserStore;
        Ok(self.session()?.mapped.map(|(name, _)| name))
    }

    /// A server store holds no copy of another store's records: it passes none over.
    fn bundle_records<E: From<StoreError>>(
        &self,
        since: Option<&str>,
        emit: impl FnMut(Record) -> Result<(), E>,
    ) -> Result<u64, E> {
        PgStore::bundle_records(self, since, emit)?;
        Ok(0)
    }
}
