//! Everything the reviewer shows of one card, as the store hands it out: the card, its stage
//! history and context, its flags and the content digest a verdict is pinned to.

use chrono::NaiveDateTime;

use super::flag::Flag;
use super::ids::CardId;
use super::{Card, CardContext};

#[derive(Debug, Clone, PartialEq)]
pub struct CardDetail {
    pub card_id: CardId,
    pub card: Card,
    pub context: CardContext,
    pub flags: Vec<Flag>,
    pub hash: i64,
    /// When each of the card's notes was written (local time), in their order, where the store
    /// knows it: a live sync's notes; a file's have none.
    pub note_times: Vec<Option<NaiveDateTime>>,
    /// The fields its source's imports and syncs have carried, where the store knows them: a
    /// verdict keeps those the card has empty with the card as judged
    /// ([`super::as_judged::Carried`]).
    pub carried: Option<super::as_judged::Carried>,
}
