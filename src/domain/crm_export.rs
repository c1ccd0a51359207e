//! What a CRM's import takes back, as okk's export profiles describe it (file format, column
//! types, the owner column's form), and what an export tells the user about: values it could
//! not write as the CRM wants them, problems of an owners map file.

use std::fmt;

use serde::Deserialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    /// One REST call per line: `{"method":..,"params":{"id":..,"fields":{..}}}`.
    RestJsonl,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    #[default]
    Text,
    /// Written as a number, never as text (and so never defused).
    Number,
    /// Written in the profile's `date_format`.
    Date,
}

/// What the CRM's import takes in its owner column. Anything but a name cannot be guessed from
/// what okk knows, so it comes from the store's own values (already in that form) or from an
/// owners map (`okk export crm --owners FILE`). Its checks live with the export
/// (`export::profile`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum OwnerForm {
    /// The user's name as the CRM shows it (amoCRM, Pipedrive).
    #[default]
    Name,
    /// The user's email (HubSpot's `Deal owner`).
    Email,
    /// A numeric user id (Bitrix24's `ASSIGNED_BY_ID`).
    NumericId,
    /// A Salesforce User Id: 15 or 18 letters and digits starting `005` (`OwnerId`).
    SalesforceId,
}

/// What the stage column takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum StageForm {
    /// The stage's name, matched within the pipeline by the CRM's import (amoCRM).
    #[default]
    Name,
    /// The CRM's id of the stage (Bitrix24's `STAGE_ID`: `C1:PREPARATION`), which only a sync
    /// of the account knows.
    Id,
}

/// A change the CRM's file could not carry as the review asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Warning {
    /// The CRM's import cannot set this field; left out of `cards` rows.
    /// `ids`: the cards' external ids, to set by hand; `rest`: the file is REST lines (the API
    /// could set it; okk's lines do not), not an import file.
    CannotSet {
        field: String,
        cards: usize,
        ids: Vec<String>,
        rest: bool,
    },
    /// A custom field written under a header the CRM's import will not match to a field by
    /// itself (Salesforce's Data Loader takes API names, custom ones ending in `__c`): the
    /// column is there, to be mapped by hand.
    NotApiName {
        field: String,
        suffix: String,
        cards: usize,
    },
    /// A corrected custom field whose column the CRM's export had under a header it had
    /// twice (`header`; beside one of the CRM's own fields when `system`): its import matches
    /// columns by header and could not tell which field the file sets. Left out of the file,
    /// to be set in the CRM by hand.
    AmbiguousHeader {
        external_id: String,
        field: String,
        header: String,
        system: bool,
        value: String,
    },
    /// A corrected value that is not a number or a date where the CRM wants one: written as
    /// text.
    BadValue {
        external_id: String,
        field: String,
        value: String,
        kind: ColumnType,
    },
    /// A corrected text that begins as a formula would (`-10% скидка`, `+7 912…`): written with
    /// the `'` that keeps a spreadsheet from running it, which the CRM's import keeps too.
    Defused {
        external_id: String,
        field: String,
        value: String,
    },
    /// Cards of a synced connection whose move goes to a stage their CRM pipeline does not
    /// have (by the funnel's names and aliases): left out of the file.
    StageNotInPipeline {
        stage: String,
        pipeline: String,
        connection: String,
        cards: Vec<String>,
    },
    /// Cards of a synced connection whose pipeline its last sync did not read: left out.
    PipelineNotSynced {
        pipeline: String,
        connection: String,
        cards: Vec<String>,
    },
    /// Cards moved to `stage` where the CRM takes a stage's id, which okk knows only for cards
    /// synced from the CRM (these came from a file): left out rather than a name sent as an id.
    NoStageId { stage: String, cards: Vec<String> },
    /// Cards of a CRM connection (configured, or synced into the store) moved to `stage` where
    /// the CRM takes a stage's id, and the store holds none of the connection's stages: its
    /// last sync came before okk kept them. One sync teaches okk the ids.
    StagesNotSynced {
        stage: String,
        connection: String,
        cards: Vec<String>,
    },
    /// A corrected date-time whose time of day the CRM's file does not carry (its dates are
    /// days): the day is written, the time said dropped rather than lost unseen.
    TimeDropped {
        external_id: String,
        field: String,
        value: String,
    },
}

/// One problem of an owners map file, where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}
