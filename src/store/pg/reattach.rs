//! `store::reattach` on the server: the cards that changed only in their stage's name, once
//! the applied funnel takes both names for one stage, made the cards their reviews saw again.

use std::collections::HashSet;

use super::PgStore;
use crate::store::StoreError;
use crate::store::reattach::{CANDIDATES, JUDGED, OnlyRenamed, Row};

impl PgStore {
    /// The store file's [`crate::store::Store::reattach_renamed`]: the card's digest becomes the
    /// review's again, what the export said is kept beside it (`export_digest`); the cards'
    /// `judged` marks follow by the schema's trigger. A lead's or the owner's login.
    pub fn reattach_renamed(&mut self, judge: &OnlyRenamed<'_>) -> Result<u64, StoreError> {
        let rows: Vec<Row> = (self.conn.borrow_mut().query(CANDIDATES, &[])?)
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5)))
            .filter(|r: &Row| (judge.same_stage)(&r.1, &r.5))
            .collect();
        if rows.is_empty() {
            return Ok(0);
        }
        let names = super::written::field_names(&mut *self.conn.borrow_mut())?;
        let mut seen = HashSet::new();
        let mut back: Vec<(i64, i64, i64)> = Vec::new();
        for (card_id, judged_at, hash, review, content, _) in rows {
            if !seen.insert(card_id) {
                continue;
            }
            let judged: String = self.conn.borrow_mut().query_one(JUDGED, &[&review])?.get(0);
            let Some(as_judged) = crate::store::as_judged::decode(&judged, &names) else {
                continue;
            };
            let Some(detail) = self.card_detail(card_id)? else {
                continue;
            };
            if (judge.only_renamed)(&judged_at, &as_judged, &detail.card) {
                back.push((card_id, hash, content));
            }
        }
        if back.is_empty() {
            return Ok(0);
        }
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let mut n = 0;
        for (card_id, hash, content) in back {
            // Only a card no one wrote since it was read.
            n += tx.execute(
                "UPDATE cards SET export_digest = coalesce(export_digest, content_hash),
                     content_hash = $2
                 WHERE id = $1 AND content_hash = $3",
                &[&card_id, &hash, &content],
            )?;
        }
        tx.commit()?;
        Ok(n)
    }
}
