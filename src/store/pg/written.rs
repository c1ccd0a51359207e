//! Cards an import just wrote, read back in its transaction as the rules run reads them
//! (`store::read::RawCard`, stage history included), to be judged before it commits.

use crate::store::StoreError;
use crate::store::fields::FieldNames;
use crate::store::read::{CARD_COLUMNS, RawCard};

/// The custom fields' names by id.
pub(super) fn field_names(tx: &mut postgres::Transaction<'_>) -> Result<FieldNames, StoreError> {
    let rows = tx.query("SELECT id, name FROM field_names", &[])?;
    Ok(FieldNames::from_pairs(
        rows.iter()
            .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1))),
    ))
}

/// The cards with these ids, in id order.
pub(super) fn raw_cards(
    tx: &mut postgres::Transaction<'_>,
    ids: &[i64],
) -> Result<Vec<RawCard>, StoreError> {
    let rows = tx.query(
        &format!(
            "SELECT {CARD_COLUMNS},
                (SELECT b.started_at FROM import_batches b WHERE b.id = c.first_batch),
                ARRAY(SELECT h.stage FROM stage_history h WHERE h.card_id = c.id
                      ORDER BY h.batch_id),
                ARRAY(SELECT h.seen_at FROM stage_history h WHERE h.card_id = c.id
                      ORDER BY h.batch_id)
             FROM cards c WHERE c.id = ANY($1) ORDER BY c.id"
        ),
        &[&ids],
    )?;
    Ok(rows
        .iter()
        .map(|r| {
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
        })
        .collect())
}
