//! Ids that cross the store's boundary as their own types, so that a card's row id is never
//! passed where a count, a rank or another table's id is meant.

use serde::{Deserialize, Serialize};

/// A card's id in the store (not the CRM's id: that is `external_id`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct CardId(pub i64);

impl std::fmt::Display for CardId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
