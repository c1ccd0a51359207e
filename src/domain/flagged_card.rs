//! A flagged card as `okk check` lists it.

use super::flag::Flag;

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FlaggedCard {
    pub id: String,
    pub source: String,
    pub stage: String,
    pub owner: Option<String>,
    pub flags: Vec<Flag>,
}
