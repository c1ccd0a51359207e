//! A CRM card (deal or lead) as okk understands it, whatever CRM it came from.
//! Parsed at the import edge; everything inside okk trusts these types.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A custom field's name (the export's header). Shared: every card of an import has the same
/// few dozen names.
pub type FieldName = std::sync::Arc<str>;

/// The fields okk itself understands. Profiles map CRM headers onto these; funnel configs name them
/// in `required` lists. Anything else a CRM exports is kept as a custom field under its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemField {
    ExternalId,
    Title,
    Stage,
    Pipeline,
    Owner,
    Amount,
    Currency,
    CreatedAt,
    UpdatedAt,
    ClosedAt,
    ExpectedCloseAt,
    LastActivityAt,
    /// A yes/no "closed" column (Bitrix24 `Сделка закрыта`, Salesforce `IsClosed`).
    Closed,
    /// A yes/no "won" column (Salesforce `IsWon`).
    Won,
    /// A status word mapped to closed/won through the profile (Pipedrive `Deal - Status`).
    Status,
    Contact,
    Company,
    Phone,
    Email,
    Tags,
    Notes,
}

impl SystemField {
    pub const ALL: [SystemField; 21] = [
        SystemField::ExternalId,
        SystemField::Title,
        SystemField::Stage,
        SystemField::Pipeline,
        SystemField::Owner,
        SystemField::Amount,
        SystemField::Currency,
        SystemField::CreatedAt,
        SystemField::UpdatedAt,
        SystemField::ClosedAt,
        SystemField::ExpectedCloseAt,
        SystemField::LastActivityAt,
        SystemField::Closed,
        SystemField::Won,
        SystemField::Status,
        SystemField::Contact,
        SystemField::Company,
        SystemField::Phone,
        SystemField::Email,
        SystemField::Tags,
        SystemField::Notes,
    ];

    /// The name used in profiles, funnel configs and `--map` (snake_case).
    pub fn name(self) -> &'static str {
        match self {
            SystemField::ExternalId => "external_id",
            SystemField::Title => "title",
            SystemField::Stage => "stage",
            SystemField::Pipeline => "pipeline",
            SystemField::Owner => "owner",
            SystemField::Amount => "amount",
            SystemField::Currency => "currency",
            SystemField::CreatedAt => "created_at",
            SystemField::UpdatedAt => "updated_at",
            SystemField::ClosedAt => "closed_at",
            SystemField::ExpectedCloseAt => "expected_close_at",
            SystemField::LastActivityAt => "last_activity_at",
            SystemField::Closed => "closed",
            SystemField::Won => "won",
            SystemField::Status => "status",
            SystemField::Contact => "contact",
            SystemField::Company => "company",
            SystemField::Phone => "phone",
            SystemField::Email => "email",
            SystemField::Tags => "tags",
            SystemField::Notes => "notes",
        }
    }

    pub fn from_name(name: &str) -> Option<SystemField> {
        let name = name.trim();
        SystemField::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// Fields that may be filled from several columns at once (all non-empty values are kept).
    pub fn is_multi(self) -> bool {
        matches!(
            self,
            SystemField::Phone | SystemField::Email | SystemField::Notes | SystemField::Tags
        )
    }
}

/// A card as read from one CRM export row (or several Bitrix24 product rows of one deal).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Card {
    /// Which CRM account the card belongs to (`amocrm`, `bitrix24`, … or `--source`).
    pub source: String,
    pub external_id: String,
    pub pipeline: Option<String>,
    /// The stage exactly as the CRM names it; resolved against the funnel when read.
    pub stage: String,
    pub title: Option<String>,
    pub owner: Option<String>,
    pub amount: Option<f64>,
    pub currency: Option<String>,
    pub created_at: Option<NaiveDateTime>,
    pub updated_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub expected_close_at: Option<NaiveDateTime>,
    pub last_activity_at: Option<NaiveDateTime>,
    pub closed: Option<bool>,
    pub won: Option<bool>,
    pub contact: Option<String>,
    pub company: Option<String>,
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub tags: Vec<String>,
    pub notes: Vec<String>,
    /// Columns no profile field maps, under their (trimmed) header, in file order. Repeated headers
    /// are kept apart as `Header (2)`, `Header (3)`. Empty cells are not kept.
    pub fields: Vec<(FieldName, String)>,
    /// Values that did not parse (a date like `32.13.2024`), kept raw under the field's name.
    pub invalid: Vec<(String, String)>,
}

impl Card {
    /// Value of a custom field by name, compared trimmed and case-insensitively.
    pub fn field(&self, name: &str) -> Option<&str> {
        let key = crate::domain::names::fold(name);
        self.fields
            .iter()
            .find(|(k, _)| crate::domain::names::fold(k) == key)
            .map(|(_, v)| v.as_str())
    }

    /// The latest moment anything happened to the card, as far as the export tells.
    pub fn last_touched(&self) -> Option<NaiveDateTime> {
        [self.last_activity_at, self.updated_at, self.created_at]
            .into_iter()
            .flatten()
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_field_names_round_trip() {
        for f in SystemField::ALL {
            assert_eq!(SystemField::from_name(f.name()), Some(f));
        }
        assert_eq!(SystemField::from_name(" Stage "), Some(SystemField::Stage));
        assert_eq!(SystemField::from_name("nope"), None);
    }
}

/// One stage a sync saw the card in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageVisit {
    pub stage: String,
    pub seen_at: NaiveDateTime,
}

/// What the store knows about a card beyond the export row: rules need it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CardContext {
    /// Missing from a later full export of its source and pipeline.
    pub gone: bool,
    /// When the sync that first missed it ran.
    pub gone_since: Option<NaiveDateTime>,
    /// Stages the syncs saw, oldest first (the first entry is where the card was first seen).
    pub history: Vec<StageVisit>,
}
