//! The funnel: stages in order, what each stage demands, and its checklist.
//! Built from the funnel TOML by `crate::funnel`; pure data and lookups here.

use std::collections::HashMap;

use super::card::SystemField;
use super::names::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

/// A field a stage can require or a checklist item can be bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldRef {
    System(SystemField),
    /// A custom field declared in the funnel's `[[custom_fields]]` (its canonical name).
    Custom(String),
}

impl FieldRef {
    pub fn label(&self) -> &str {
        match self {
            FieldRef::System(f) => f.name(),
            FieldRef::Custom(name) => name,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    Text,
    Date,
    Number,
    Bool,
    List,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CustomField {
    pub name: String,
    /// Other header labels CRMs use for this field.
    pub aliases: Vec<String>,
    pub kind: FieldKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistItem {
    pub id: String,
    pub text: String,
    /// 1..=100.
    pub weight: u32,
    /// A failed critical item makes the whole score 0.
    pub critical: bool,
    /// The field this item checks, so a rule can pre-answer it.
    pub field: Option<FieldRef>,
    /// `Some(n)`: answered on a 0..=n scale instead of pass/fail.
    pub scale: Option<u8>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub name: String,
    /// Older names and CRM spellings of this stage.
    pub aliases: Vec<String>,
    pub kind: StageKind,
    /// Stages of extra control come first in the review queue.
    pub extra_control: bool,
    pub max_idle_days: Option<u32>,
    pub required: Vec<FieldRef>,
    /// Custom fields bound to this stage (shown first on the card).
    pub fields: Vec<String>,
    pub checklist: Vec<ChecklistItem>,
    /// Whether a card may jump over this stage without a flag.
    pub skippable: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefaultAnswer {
    Pass,
    Fail,
    Na,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Funnel {
    pub name: String,
    pub stages: Vec<Stage>,
    pub custom_fields: Vec<CustomField>,
    pub checklist_default: DefaultAnswer,
    /// fold(name or alias) -> stage index.
    by_name: HashMap<String, usize>,
}

impl Funnel {
    /// Builds the lookup tables. The loader has already refused duplicate names and aliases.
    pub fn new(
        name: String,
        stages: Vec<Stage>,
        custom_fields: Vec<CustomField>,
        checklist_default: DefaultAnswer,
    ) -> Funnel {
        let mut by_name = HashMap::new();
        for (i, stage) in stages.iter().enumerate() {
            by_name.entry(fold(&stage.name)).or_insert(i);
            for alias in &stage.aliases {
                by_name.entry(fold(alias)).or_insert(i);
            }
        }
        Funnel {
            name,
            stages,
            custom_fields,
            checklist_default,
            by_name,
        }
    }

    /// The funnel stage a CRM stage name belongs to (by name or alias, loosely compared).
    pub fn resolve(&self, crm_stage: &str) -> Option<usize> {
        self.by_name.get(&fold(crm_stage)).copied()
    }

    pub fn stage(&self, index: usize) -> &Stage {
        &self.stages[index]
    }

    /// Stage indices in the order an auditor meets them: extra control first, then funnel order.
    pub fn queue_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.stages.len()).collect();
        order.sort_by_key(|&i| (!self.stages[i].extra_control, i));
        order
    }

    /// The declared custom field a header label names (by name or alias, loosely compared).
    pub fn custom_field(&self, label: &str) -> Option<&CustomField> {
        let key = fold(label);
        self.custom_fields
            .iter()
            .find(|f| fold(&f.name) == key || f.aliases.iter().any(|a| fold(a) == key))
    }
}
