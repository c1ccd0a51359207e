//! The keys a store trusts: whose signatures a bundle's records may carry, under which name,
//! and whether the key is a lead's (may withdraw anyone's review, vouch for others' keys).

use rusqlite::{OptionalExtension, params};

use super::{Store, StoreError};

pub use crate::domain::trust::{Trusted, TrustedKey};

impl Store {
    /// Every trusted key, by name.
    pub fn trusted_keys(&self) -> Result<Vec<TrustedKey>, StoreError> {
        trusted_keys(&self.conn)
    }

    /// Trusts `k.key` under `k.name` (a key has one name; a name may have several keys).
    pub fn trust_key(&mut self, k: &TrustedKey) -> Result<Trusted, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let known: Option<String> = tx
            .query_row(
                "SELECT name FROM trusted_keys WHERE key = ?1",
                [&k.key],
                |r| r.get(0),
            )
            .optional()?;
        let outcome = match known {
            Some(name) if name != k.name => Trusted::OtherName(name),
            Some(_) => {
                tx.execute(
                    "UPDATE trusted_keys SET lead = ?2 WHERE key = ?1",
                    params![k.key, k.lead],
                )?;
                Trusted::Updated
            }
            None => {
                insert(&tx, k)?;
                Trusted::Added
            }
        };
        tx.commit()?;
        Ok(outcome)
    }
}

pub(super) fn trusted_keys(conn: &rusqlite::Connection) -> Result<Vec<TrustedKey>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT key, name, lead, added_at, how FROM trusted_keys ORDER BY name, added_at, key",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(TrustedKey {
            key: r.get(0)?,
            name: r.get(1)?,
            lead: r.get(2)?,
            added_at: r.get(3)?,
            how: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(super) fn insert(conn: &rusqlite::Connection, k: &TrustedKey) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO trusted_keys (key, name, lead, added_at, how) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![k.key, k.name, k.lead, k.added_at, k.how],
    )?;
    Ok(())
}
