//! Export profiles: the columns and value formats each CRM's import takes back, as data
//! (`assets/crm/NAME/export.toml`) — beside its import profile. A new CRM is a new folder.

use serde::Deserialize;

use crate::domain::SystemField;
pub use crate::domain::crm_export::{ColumnType, Format, OwnerForm, StageForm};
use crate::domain::funnel::StageKind;
use crate::formats::crms::CRMS;

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

impl OwnerForm {
    /// Whether `value` is already in this form (a name is any non-empty text).
    pub fn accepts(self, value: &str) -> bool {
        let v = value.trim();
        match self {
            OwnerForm::Name => !v.is_empty(),
            OwnerForm::Email => is_email(v),
            OwnerForm::NumericId => {
                !v.is_empty() && v.len() <= 18 && v.bytes().all(|b| b.is_ascii_digit())
            }
            OwnerForm::SalesforceId => {
                matches!(v.len(), 15 | 18)
                    && v.starts_with("005")
                    && v.bytes().all(|b| b.is_ascii_alphanumeric())
            }
        }
    }

    /// The value in this form that `owner` carries itself, if any: the whole text, or an email
    /// inside it (`Anna Popova <anna@example.com>`).
    pub fn carried(self, owner: &str) -> Option<&str> {
        let owner = owner.trim();
        if self.accepts(owner) {
            return Some(owner);
        }
        if self != OwnerForm::Email {
            return None;
        }
        let mut found = owner
            .split(|c: char| c.is_whitespace() || "<>()[],;\"'".contains(c))
            .filter(|t| is_email(t));
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }
}

/// `local@domain.tld`, no spaces: enough to tell an email from a name, not a full RFC 5322 check.
fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control())
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
    /// How the CRM's import names custom fields, when it matches columns by that name alone
    /// (Salesforce: `__c`): a header without it is written and warned of.
    #[serde(default)]
    pub custom_field_suffix: Option<String>,
    /// What the CRM's export wrote before each custom field of the deal, and its import
    /// matches (Pipedrive's `Deal - `): the import took it off, the export puts it back.
    #[serde(default)]
    pub custom_field_prefix: Option<String>,
    /// How the export heads the fields of other records linked to the deal (Pipedrive's
    /// `Person - …`): a correction of one is left out, the deals import does not set it.
    #[serde(default)]
    pub foreign_prefixes: Vec<String>,
    #[serde(default)]
    pub closed_stage: ByKind,
    /// Won and lost are a status, not a stage: the stage cell stays empty on such a move.
    #[serde(default)]
    pub closed_by_status: bool,
    #[serde(default)]
    pub status: ByKind,
    /// What the owner column takes.
    #[serde(default)]
    pub owner_form: OwnerForm,
    /// What the stage column takes.
    #[serde(default)]
    pub stage_form: StageForm,
}

fn default_delimiter() -> char {
    ','
}

fn default_date_format() -> String {
    "%Y-%m-%d".into()
}

impl ExportProfile {
    pub fn builtin(name: &str) -> Option<ExportProfile> {
        CRMS.iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .and_then(|c| Some(parse_builtin(c.name, c.export?)))
    }

    pub fn names() -> impl Iterator<Item = &'static str> {
        CRMS.iter().filter(|c| c.export.is_some()).map(|c| c.name)
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
    fn owner_forms_tell_ids_and_emails_from_names() {
        use OwnerForm::*;
        assert!(Email.accepts("anna.popova@example.com"));
        assert!(!Email.accepts("Anna Popova"));
        assert!(!Email.accepts("anna@localhost"));
        assert_eq!(
            Email.carried("Anna Popova <anna@example.com>"),
            Some("anna@example.com")
        );
        assert_eq!(Email.carried("a@b.co, c@d.co"), None, "two emails: which?");
        assert!(NumericId.accepts("17") && !NumericId.accepts("Смирнова Ольга [17]"));
        assert!(SalesforceId.accepts("005Ec000004oBPNIA2"));
        assert!(SalesforceId.accepts("005Ec000004oBPN"));
        assert!(!SalesforceId.accepts("001Ec00000GGw3iIAD"), "an Account id");
        assert!(!SalesforceId.accepts("005Ec000004oBPNIA"));
        assert_eq!(Name.carried("  Попова Анна "), Some("Попова Анна"));
        assert_eq!(ExportProfile::builtin("hubspot").unwrap().owner_form, Email);
        assert_eq!(
            ExportProfile::builtin("salesforce").unwrap().owner_form,
            SalesforceId
        );
        assert_eq!(
            ExportProfile::builtin("bitrix24").unwrap().owner_form,
            NumericId
        );
        assert_eq!(ExportProfile::builtin("amocrm").unwrap().owner_form, Name);
    }

    #[test]
    fn every_import_profile_but_generic_has_its_mirror() {
        for name in CRMS.iter().map(|c| &c.name) {
            assert_eq!(
                ExportProfile::builtin(name).is_some(),
                *name != "generic",
                "{name}"
            );
        }
    }
}
