//! `okk fields` and `okk funnel init` on a server store: every card not gone streamed with its custom fields, counted
//! by `domain::fill` as on a store file (`store::funnel_facts`). The server keeps no fill
//! snapshots, so its rows carry no trend.

use chrono::NaiveDate;

use super::PgStore;
use crate::domain::Funnel;
use crate::domain::fill::{CardFields, FillRow, FillTally};
use crate::domain::names::fold;
use crate::store::StoreError;

/// Rows a portal hands over per round trip.
const PAGE: i32 = 4096;

impl PgStore {
    /// The fill rows over the cards not gone, of `owner` and created on or after `since` when
    /// given (`Store::fill_rows_of`, without the trend).
    pub fn fill_rows_of(
        &self,
        funnel: &Funnel,
        owner: Option<&str>,
        since: Option<NaiveDate>,
    ) -> Result<Vec<FillRow>, StoreError> {
        let owner = owner.map(fold);
        let mut tally = FillTally::default();
        self.for_each_card_fields(|card| {
            if card.counts_for(owner.as_deref(), since) {
                tally.add(funnel, card);
            }
        })?;
        let mut rows = tally.rows(funnel);
        crate::domain::fill::mark_unexported(&mut rows, funnel, &self.all_source_columns()?);
        Ok(rows)
    }

    /// Calls `f` with every card not gone, in id order, read through a portal a page at a time.
    pub fn for_each_card_fields(&self, mut f: impl FnMut(&CardFields)) -> Result<(), StoreError> {
        let mut conn = self.conn.borrow_mut();
        let mut tx = conn.transaction()?;
        let names = super::written::field_names(&mut tx)?;
        let portal = tx.bind(
            "SELECT id, external_id, stage, owner, created_at, touched_at,
                    coalesce(closed, 0) <> 0 OR closed_at IS NOT NULL, coalesce(won, 0) <> 0,
                    fields, source
             FROM cards WHERE gone_at IS NULL ORDER BY id",
            &[],
        )?;
        loop {
            let rows = tx.query_portal(&portal, PAGE)?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let fields = names.decode_borrowed(r.get::<_, Option<&str>>(8));
                let day = |i| {
                    crate::store::analytics::day(r.get::<_, Option<&str>>(i).map(str::as_bytes))
                };
                f(&CardFields {
                    id: r.get(0),
                    external_id: r.get(1),
                    stage: r.get::<_, Option<&str>>(2).unwrap_or_default(),
                    owner: r.get(3),
                    source: r.get::<_, Option<&str>>(9).unwrap_or_default(),
                    created: day(4),
                    touched: day(5),
                    closed: r.get(6),
                    won: r.get(7),
                    fields: &fields,
                });
            }
        }
        Ok(())
    }
}
