//! The funnel TOML exactly as written, every value with its span.
//! Nearly everything is optional and enums are plain strings so that `check`, not serde, says what
//! is missing or misspelled — all problems at once instead of the first one.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFunnel {
    pub name: Option<Spanned<String>>,
    pub checklist_default: Option<Spanned<String>>,
    #[serde(default)]
    pub custom_fields: Vec<Spanned<RawCustomField>>,
    pub stages: Option<Spanned<Vec<Spanned<RawStage>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCustomField {
    pub name: Option<Spanned<String>>,
    #[serde(rename = "type")]
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
}

/// Stage rules (`[[stages.rules]]`) will join as one more defaulted field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub name: Option<Spanned<String>>,
    #[serde(default)]
    pub aliases: Vec<Spanned<String>>,
    pub kind: Option<Spanned<String>>,
    #[serde(default)]
    pub extra_control: bool,
    /// Signed so that `-1` gets our range message rather than serde's type error.
    pub max_idle_days: Option<Spanned<i64>>,
    pub skippable: Option<bool>,
    #[serde(default)]
    pub required: Vec<Spanned<String>>,
    #[serde(default)]
    pub fields: Vec<Spanned<String>>,
    #[serde(default)]
    pub checklist: Vec<Spanned<RawChecklistItem>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawChecklistItem {
    pub id: Option<Spanned<String>>,
    pub text: Option<Spanned<String>>,
    pub weight: Option<Spanned<i64>>,
    #[serde(default)]
    pub critical: bool,
    pub field: Option<Spanned<String>>,
    pub scale: Option<Spanned<i64>>,
}
