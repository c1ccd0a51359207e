//! Reviews whose card changed only in its stage's name, once the funnel takes both names for one
//! stage (an alias added after the import that brought the CRM's new name): each card is made the
//! card its review saw again. The domain decides (`domain::stage_rename::only_renamed`); this
//! finds the candidates and writes, on a store file.

use std::collections::HashSet;

use rusqlite::params;

use super::{Store, StoreError};
use crate::domain::Card;
use crate::domain::as_judged::AsJudged;

/// A live review kept with its card as judged, whose card has another digest and another stage
/// name now: newest first, so a card several reviews saw takes the digest of the latest that
/// fits. The card as judged (kilobytes) is read after, only for the rows whose two stage names
/// are one stage: cards moved on since their review are most rows, on every command.
pub(crate) const CANDIDATES: &str =
    "SELECT r.card_id, r.stage, r.card_hash, r.id, c.content_hash, c.stage
    FROM reviews r JOIN cards c ON c.id = r.card_id
    WHERE r.superseded_by IS NULL AND r.withdrawn_at IS NULL AND r.judged IS NOT NULL
      AND r.card_hash IS NOT NULL AND r.card_hash <> c.content_hash AND r.stage <> c.stage
      AND c.gone_at IS NULL
    ORDER BY r.created_at DESC, r.id";

/// `meta` key: the funnel fingerprint the renamed stages' cards were last given back for.
pub const RENAMES_CHECKED_FOR: &str = "renames_checked_for";

/// How long a command waits to note that nothing was to be given back.
const NOTE_WAIT: std::time::Duration = std::time::Duration::from_millis(50);

/// The card as judged a review keeps (`$1`/`?1`: the review).
pub(crate) const JUDGED: &str = "SELECT judged FROM reviews WHERE id = $1";

/// Whether a review's card (at `judged_at`, kept as `as_judged`) is `now` but for its stage's
/// name; and, asked first so that only those cards are read, whether its two stage names (then,
/// now) may be one stage at all.
pub struct OnlyRenamed<'a> {
    pub same_stage: &'a dyn Fn(&str, &str) -> bool,
    pub only_renamed: &'a dyn Fn(&str, &AsJudged, &Card) -> bool,
}

/// The candidates' rows: card, stage judged at, review's digest, review, card's digest, stage now.
pub(crate) type Row = (i64, String, i64, String, i64, String);

impl Store {
    /// Gives back to their reviews the cards `only_renamed` says changed in nothing but their
    /// stage's name: the card's digest becomes the review's again, and what the export said is
    /// kept beside it (`export_digest`, as an import of a renamed stage keeps it), so the next
    /// import of the same export finds the card unchanged. The number of cards.
    ///
    /// Once per funnel (`fingerprint`, kept in `meta`): only a funnel that changed can take two
    /// names for one stage that it did not before (an import under an alias already there takes
    /// the new name for no change), and the search reads every live review with its card — a
    /// second on 200,000 reviews — which no command should pay each time it starts.
    pub fn reattach_renamed(
        &mut self,
        judge: &OnlyRenamed<'_>,
        fingerprint: &str,
    ) -> Result<u64, StoreError> {
        if self.meta(RENAMES_CHECKED_FOR)?.as_deref() == Some(fingerprint) {
            return Ok(0);
        }
        let back = self.renamed_only(judge)?;
        if back.is_empty() {
            // Nothing to give back: the mark is a note a reader leaves, never a wait on an
            // import that holds the store (busy, the next command looks again).
            let noted =
                self.waiting_at_most(NOTE_WAIT, |s| s.set_meta(RENAMES_CHECKED_FOR, fingerprint));
            return match noted {
                Some(Err(e)) if !e.is_busy() => Err(e),
                _ => Ok(0),
            };
        }
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut n = 0;
        for (card_id, hash, content) in back {
            // Only a card no one wrote since it was read.
            n += tx.execute(
                "UPDATE cards SET export_digest = coalesce(export_digest, content_hash),
                     content_hash = ?2
                 WHERE id = ?1 AND content_hash = ?3",
                params![card_id, hash, content],
            )? as u64;
        }
        super::flags::set_meta_on(&tx, RENAMES_CHECKED_FOR, fingerprint)?;
        tx.commit()?;
        Ok(n)
    }

    /// The cards to give back: (card, the review's digest, the card's digest now).
    fn renamed_only(
        &mut self,
        judge: &OnlyRenamed<'_>,
    ) -> Result<Vec<(i64, i64, i64)>, StoreError> {
        let rows: Vec<Row> = self
            .conn
            .prepare(CANDIDATES)?
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })?
            .collect::<Result<Vec<Row>, _>>()?
            .into_iter()
            .filter(|r| (judge.same_stage)(&r.1, &r.5))
            .collect();
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let names = self.field_names()?;
        let mut seen = HashSet::new();
        let mut back: Vec<(i64, i64, i64)> = Vec::new();
        for (card_id, judged_at, hash, review, content, _) in rows {
            if !seen.insert(card_id) {
                continue;
            }
            let judged: String = self.conn.query_row(JUDGED, [review], |r| r.get(0))?;
            let Some(as_judged) = super::as_judged::decode(&judged, &names) else {
                continue;
            };
            let Some(detail) = self.card_detail(card_id)? else {
                continue;
            };
            if (judge.only_renamed)(&judged_at, &as_judged, &detail.card) {
                back.push((card_id, hash, content));
            }
        }
        Ok(back)
    }
}
