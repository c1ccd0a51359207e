//! How a card an export changed stands to the store's copy, by the funnel: moved to another
//! stage, changed where it is, or only its stage renamed by the CRM (`store::cards::Change`).

use crate::domain::{Card, Funnel};
use crate::store::cards::{Change, Existing};

/// What changed between the store's `old` card and the export's `card` (whose digest differs).
/// `digest_as_named(old_stage)` is the digest the export's cells would have had with the
/// stage's old name: asked for only when the funnel resolves both names to one stage, and
/// equal to the stored digest only when nothing else changed.
pub fn change_of(
    funnel: &Funnel,
    old: Option<&Existing>,
    card: &Card,
    digest_as_named: impl FnOnce(&str) -> i64,
) -> Change {
    let Some(old) = old else {
        return Change::NEW;
    };
    if old.stage == card.stage {
        return Change::Content { moved: false };
    }
    if funnel.moved(&old.stage, &card.stage) {
        return Change::Content { moved: true };
    }
    if !old.gone && digest_as_named(&old.stage) == old.hash {
        Change::StageRenamed
    } else {
        Change::Content { moved: false }
    }
}
