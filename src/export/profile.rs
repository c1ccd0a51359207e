//! Export profiles: the columns and value formats each CRM's import takes back, as data
//! (`assets/export/*.toml`) — the mirror of the import profiles. A new CRM is a new file.

use serde::Deserialize;

use crate::domain::SystemField;
use crate::domain::funnel::StageKind;

/// The profiles okk ships.
pub const BUILTIN: &[(&str, &str)] = &[
    ("amocrm", include_str!("../../assets/export/amocrm.toml")),
    (
        "bitrix24",
        include_str!("../../assets/export/bitrix24.toml"),
    ),
    ("hubspot", include_str!("../../assets/export/hubspot.toml")),
    (
        "pipedrive",
        include_str!("../../assets/export/pipedrive.toml"),
    ),
    (
        "salesforce",
        include_str!("../../assets/export/salesforce.toml"),
    ),
];

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

/// What fills one of the columns every row has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    ExternalId,
    /// The corrected pipeline, else the card's own when its stage moves.
    Pipeline,
    Stage,
    Owner,
    /// The status word of the stage moved to (`[status]`).
    Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub header: String,
    pub value: Value,
}

/// An okk field the CRM's import can set.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub field: SystemField,
    pub header: String,
    #[serde(default, rename = "type")]
    pub kind: ColumnType,
}

/// Names per kind of stage (`won`, `lost`; `open` for status words).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByKind {
    pub open: Option<String>,
    pub won: Option<String>,
    pub lost: Option<String>,
}

impl ByKind {
    pub fn get(&self, kind: StageKind) -> Option<&str> {
        match kind {
            StageKind::Open => self.open.as_deref(),
            StageKind::Won => self.won.as_deref(),
            StageKind::Lost => self.lost.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportProfile {
    pub name: String,
    pub label: String,
    pub format: Format,
    #[serde(default = "default_delimiter")]
    pub delimiter: char,
    #[serde(default)]
    pub bom: bool,
    #[serde(default = "default_date_format")]
    pub date_format: String,
    /// The REST method of `rest_jsonl` lines.
    #[serde(default)]
    pub method: Option<String>,
    /// Written on every row, in order; the first holds the record id.
    pub columns: Vec<Column>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// Corrected custom fields are written under their own header.
    #[serde(default)]
    pub custom_fields: bool,
    #[serde(default)]
    pub closed_stage: ByKind,
    /// Won and lost are a status, not a stage: the stage cell stays empty on such a move.
    #[serde(default)]
    pub closed_by_status: bool,
    #[serde(default)]
    pub status: ByKind,
}

fn default_delimiter() -> char {
    ','
}

fn default_date_format() -> String {
    "%Y-%m-%d".into()
}

impl ExportProfile {
    pub fn builtin(name: &str) -> Option<ExportProfile> {
        BUILTIN
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(n, src)| parse_builtin(n, src))
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    pub fn has(&self, value: Value) -> bool {
        self.columns.iter().any(|c| c.value == value)
    }

    pub fn correction(&self, field: SystemField) -> Option<&Correction> {
        self.corrections.iter().find(|c| c.field == field)
    }
}

fn parse_builtin(name: &str, src: &str) -> ExportProfile {
    // Built-in profiles are part of the binary; a broken one is a bug caught by the tests below.
    toml::from_str(src).unwrap_or_else(|e| panic!("built-in export profile {name} is invalid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses_and_leads_with_the_record_id() {
        for name in ExportProfile::names() {
            let p = ExportProfile::builtin(name).unwrap();
            assert_eq!(p.name, name);
            assert_eq!(p.columns[0].value, Value::ExternalId, "{name}");
            assert!(p.has(Value::Stage) && p.has(Value::Owner), "{name}");
            assert!(p.delimiter.is_ascii(), "{name}");
            assert_eq!(p.format == Format::RestJsonl, p.method.is_some(), "{name}");
            if p.closed_by_status {
                assert!(p.has(Value::Status) && p.status.lost.is_some(), "{name}");
            }
        }
    }

    #[test]
    fn every_import_profile_but_generic_has_its_mirror() {
        for (name, _) in crate::sync::profile::BUILTIN {
            assert_eq!(
                ExportProfile::builtin(name).is_some(),
                *name != "generic",
                "{name}"
            );
        }
    }
}
