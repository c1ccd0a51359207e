//! Cards read back as the rules run reads them (`store::read::RawCard`, stage history
//! included): those an import just wrote, judged before it commits, the server's rules run's,
//! and the reviewer's card.

use crate::store::StoreError;
use crate::store::fields::FieldNames;
use crate::store::read::{CARD_COLUMNS, RawCard};

/// The custom fields' names by id.
pub(super) fn field_names(tx: &mut impl postgres::GenericClient) -> Result<FieldNames, StoreError> {
    let rows = tx.query("SELECT id, name FROM field_names", &[])?;
    Ok(FieldNames::from_pairs(
        rows.iter()
            .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1))),
    ))
}

/// A card as the rules read it, from the columns `c` (a `cards` row) gives; a query selects
/// these first and its own columns after them ([`RAW_CARD_WIDTH`] on).
pub(super) fn raw_card_columns() -> String {
    format!(
        "{CARD_COLUMNS},
            (SELECT b.started_at FROM import_batches b WHERE b.id = c.first_batch),
            ARRAY(SELECT h.stage FROM stage_history h WHERE h.card_id = c.id
                  ORDER BY h.batch_id),
            ARRAY(SELECT h.seen_at FROM stage_history h WHERE h.card_id = c.id
                  ORDER BY h.batch_id)"
    )
}

/// How many columns [`raw_card_columns`] selects.
pub(super) const RAW_CARD_WIDTH: usize = 31;

/// The card a row of [`raw_card_columns`] holds.
pub(super) fn raw_card(r: &postgres::Row) -> RawCard {
    // The columns by CARD_COLUMNS' places: 7 amount, 14 closed, 15 won, 27 first batch.
    let texts: Vec<Option<String>> = (0..28)
        .map(|i| match i {
            0 | 7 | 14 | 15 | 27 => None,
            _ => r.get(i),
        })
        .collect();
    let stages: Vec<String> = r.get(29);
    let seen: Vec<String> = r.get(30);
    RawCard::from_texts(
        r.get(0),
        &texts,
        r.get(7),
        r.get::<_, Option<i64>>(14).map(|v| v != 0),
        r.get::<_, Option<i64>>(15).map(|v| v != 0),
        r.get(27),
        stages.into_iter().zip(seen).collect(),
        r.get(28),
    )
}

/// The cards with these ids as they stand, without the stage history (what a row whose
/// digest changed is compared with: `ImportTx::stored_card`).
pub(super) fn stored_cards(
    tx: &mut postgres::Transaction<'_>,
    ids: &[i64],
) -> Result<Vec<RawCard>, StoreError> {
    let rows = tx.query(
        &format!(
            "SELECT {CARD_COLUMNS}, NULL::text, ARRAY[]::text[], ARRAY[]::text[]
             FROM cards c WHERE c.id = ANY($1)"
        ),
        &[&ids],
    )?;
    Ok(rows.iter().map(raw_card).collect())
}

/// The cards with these ids, in id order.
pub(super) fn raw_cards(
    tx: &mut postgres::Transaction<'_>,
    ids: &[i64],
) -> Result<Vec<RawCard>, StoreError> {
    let rows = tx.query(
        &format!(
            "SELECT {} FROM cards c WHERE c.id = ANY($1) ORDER BY c.id",
            raw_card_columns()
        ),
        &[&ids],
    )?;
    Ok(rows.iter().map(raw_card).collect())
}
