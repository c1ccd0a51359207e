//! The funnel: stages in order, what each stage demands, and its checklist.
//! Built from the funnel TOML by `crate::funnel_config`; pure data and lookups here.

use std::collections::HashMap;

use super::card::SystemField;
use super::names::fold;
use super::rules::{MarkerLists, Rule, RuleSettings};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Open,
    Won,
    Lost,
}

/// A field a stage can require or a checklist item can be bound to. Serialized as a flag's
/// evidence names it: `{"system":"amount"}`, `{"custom":"Бюджет"}`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
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

/// A field a stage requires, and how bad its being empty is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Required {
    pub field: FieldRef,
    /// `None`: the `required` rule's severity (`[rules]`, warning by default). A stage's key
    /// date (the meeting held, the booking's term) is worth more than an optional detail.
    pub severity: Option<crate::domain::flag::Severity>,
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
    /// The field this item checks, so a rule's flag can suggest an answer.
    pub field: Option<FieldRef>,
    /// What the item asks of its field: which flags on it suggest a fail.
    pub checks: Checks,
    /// `Some(n)`: answered on a 0..=n scale instead of pass/fail.
    pub scale: Option<u8>,
    /// Rules whose flag on the card speaks against this item, whatever field the flag names
    /// (`flags = ["idle", "no_task"]`): a card idle for months has no next step set, though
    /// no field of it says so.
    pub flags: Vec<super::flag::RuleCode>,
}

/// What a checklist item bound to a field judges. «Срок брони внесён» is about presence: a
/// booking date that has passed is still entered. «Бронь действует» is about the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Checks {
    /// The field is filled: only its being empty (a `required` flag, or empty on the card)
    /// suggests a fail.
    #[default]
    Filled,
    /// The field holds a right value: any flag naming the field, or its being empty, suggests a
    /// fail.
    Valid,
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
    pub required: Vec<Required>,
    /// Custom fields bound to this stage (shown first on the card).
    pub fields: Vec<String>,
    pub checklist: Vec<ChecklistItem>,
    /// Whether a card may jump over this stage without a flag.
    pub skippable: bool,
    /// The CRM pipelines that have this stage (`pipelines = [...]`, written by `okk funnel
    /// init --from-store` when it merges several): a card of another pipeline cannot pass
    /// through it, so does not skip it. Empty: every pipeline.
    pub pipelines: Vec<String>,
    /// Rules configured on this stage (`[[stages.rules]]`); the implicit rules come from the
    /// fields above.
    pub rules: Vec<Rule>,
}

impl Stage {
    /// Whether a card of `pipeline` (`None`: not known) may stand at this stage.
    pub fn in_pipeline(&self, pipeline: Option<&str>) -> bool {
        match pipeline.map(str::trim) {
            Some(p) if !self.pipelines.is_empty() => self
                .pipelines
                .iter()
                .any(|q| crate::domain::names::fold(q) == crate::domain::names::fold(p)),
            _ => true,
        }
    }
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
    /// Named phrase lists the `markers` rules look for (`[markers]`), pre-stemmed.
    pub markers: MarkerLists,
    /// Severity or "off" of every rule code (`[rules]`).
    pub rule_settings: RuleSettings,
    /// `[suggest]`: when `okk funnel suggest` proposes a change.
    pub suggest: super::suggest::SuggestSettings,
    /// fold(name or alias) -> stage index.
    by_name: HashMap<String, usize>,
    /// Name or alias exactly as written -> stage index: most CRM stage names hit it, without
    /// folding (rules resolve every card's stage and history).
    by_exact: HashMap<String, usize>,
    /// Custom field name -> fold(name) and fold(alias)…, so rules match headers without folding
    /// the field's names again for every card.
    custom_keys: HashMap<String, Vec<String>>,
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
        let mut by_exact = HashMap::new();
        for (i, stage) in stages.iter().enumerate() {
            for label in std::iter::once(&stage.name).chain(&stage.aliases) {
                let index = *by_name.entry(fold(label)).or_insert(i);
                by_exact.entry(label.clone()).or_insert(index);
            }
        }
        let custom_keys = custom_fields
            .iter()
            .map(|f| {
                let keys = std::iter::once(&f.name).chain(&f.aliases).map(|n| fold(n));
                (f.name.clone(), keys.collect())
            })
            .collect();
        Funnel {
            name,
            stages,
            custom_fields,
            checklist_default,
            markers: MarkerLists::default(),
            rule_settings: RuleSettings::default(),
            suggest: Default::default(),
            by_name,
            by_exact,
            custom_keys,
        }
    }

    /// The funnel with these marker lists (the ids in stage rules index into them).
    pub fn with_markers(mut self, markers: MarkerLists) -> Funnel {
        self.markers = markers;
        self
    }

    /// The funnel with these rule severities and switches.
    pub fn with_rule_settings(mut self, settings: RuleSettings) -> Funnel {
        self.rule_settings = settings;
        self
    }

    /// The funnel with these `[suggest]` thresholds.
    pub fn with_suggest(mut self, settings: super::suggest::SuggestSettings) -> Funnel {
        self.suggest = settings;
        self
    }

    /// The folded name and aliases of a declared custom field (by its canonical name); empty for
    /// a field the funnel does not declare.
    pub fn custom_keys(&self, name: &str) -> &[String] {
        self.custom_keys.get(name).map_or(&[], Vec::as_slice)
    }

    /// The funnel stage a CRM stage name belongs to (by name or alias, loosely compared).
    pub fn resolve(&self, crm_stage: &str) -> Option<usize> {
        if let Some(&i) = self.by_exact.get(crm_stage) {
            return Some(i);
        }
        self.by_name.get(&fold(crm_stage)).copied()
    }

    /// Whether a card the CRM had at stage `old` and now has at `new` moved: to another stage
    /// of this funnel, or between names it does not know. Another name of the same stage (the
    /// CRM renamed it and the funnel keeps both) is no move.
    pub fn moved(&self, old: &str, new: &str) -> bool {
        if old == new {
            return false;
        }
        match (self.resolve(old), self.resolve(new)) {
            (Some(a), Some(b)) => a != b,
            _ => true,
        }
    }

    pub fn stage(&self, index: usize) -> &Stage {
        &self.stages[index]
    }

    /// The stages a move from stage `from` to stage `to` of a card of `pipeline` jumps over
    /// though they may not be skipped (`skippable = false`): none for a move back, to the next
    /// stage, or into a lost stage (a deal may be lost at any stage), nor a stage only other
    /// pipelines have ([`Stage::pipelines`]).
    pub fn skipped(&self, from: usize, to: usize, pipeline: Option<&str>) -> Vec<&Stage> {
        if to <= from + 1 || self.stages[to].kind == StageKind::Lost {
            return Vec::new();
        }
        (self.stages[from + 1..to].iter())
            .filter(|s| !s.skippable && s.in_pipeline(pipeline))
            .collect()
    }

    /// Stage indices in the order an auditor meets them: extra control first, then funnel order.
    pub fn queue_order(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.stages.len()).collect();
        order.sort_by_key(|&i| (!self.stages[i].extra_control, i));
        order
    }

    /// What a field holds, for checking a value typed for it: okk's own dates and amount by
    /// their nature, a declared custom field by its `type`, anything else text.
    pub fn field_kind(&self, name: &str) -> FieldKind {
        use crate::domain::SystemField as S;
        match S::from_name(name) {
            Some(S::Amount) => FieldKind::Number,
            Some(
                S::CreatedAt | S::UpdatedAt | S::ClosedAt | S::ExpectedCloseAt | S::LastActivityAt,
            ) => FieldKind::Date,
            Some(S::Closed | S::Won) => FieldKind::Bool,
            Some(_) => FieldKind::Text,
            None => self.custom_field(name).map_or(FieldKind::Text, |f| f.kind),
        }
    }

    /// The declared custom field a header label names (by name or alias, loosely compared).
    pub fn custom_field(&self, label: &str) -> Option<&CustomField> {
        let key = fold(label);
        self.custom_fields
            .iter()
            .find(|f| fold(&f.name) == key || f.aliases.iter().any(|a| fold(a) == key))
    }
}

/// Whether the funnel knows a CRM stage name, remembered per name: an import asks for every row,
/// and a million rows name a dozen stages.
#[derive(Debug, Default)]
pub struct KnownStages(std::collections::HashMap<String, bool>);

impl KnownStages {
    pub fn knows(&mut self, funnel: &Funnel, stage: &str) -> bool {
        if let Some(&known) = self.0.get(stage) {
            return known;
        }
        let known = funnel.resolve(stage).is_some();
        self.0.insert(stage.to_string(), known);
        known
    }
}
