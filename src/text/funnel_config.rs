//! Messages of the funnel config: problems found in the funnel TOML and the labels of `okk funnel show`.
//! Each problem says what is wrong and how to fix it; the position is added by the caller.

use std::fmt::Write as _;

/// Quotes a name the way the desk writes it in Russian text, so spaces inside stay visible.
fn q(name: &str) -> String {
    format!("«{name}»")
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".to_string()
    } else {
        names.join(", ")
    }
}

// ---- reading and TOML shape ----

pub fn cannot_read(error: &str) -> String {
    format!("cannot read the funnel file ({error}); check the path and that the file is readable")
}

pub fn not_utf8() -> String {
    "the file is not UTF-8 text; save it as UTF-8 (in Notepad: Save as → Encoding → UTF-8)"
        .to_string()
}

pub fn syntax(detail: &str) -> String {
    format!("not valid TOML: {detail}; fix the text at this spot")
}

pub fn unknown_key(key: &str, expected: &[String]) -> String {
    if expected.is_empty() {
        format!(
            "unknown key {}; this table takes no keys, remove it",
            q(key)
        )
    } else {
        format!(
            "unknown key {}; remove it or use one of: {}",
            q(key),
            expected.join(", ")
        )
    }
}

pub fn duplicate_key() -> String {
    "this key is set twice in the same table; keep only one".to_string()
}

/// `found` and `expected` come from the TOML reader's own words (`string "x"`, `i64`, …).
pub fn wrong_type(found: &str, expected: &str) -> String {
    if found == "map" && expected == "a sequence" {
        return "a single [table] stands where a list of tables belongs; \
                write its header with double brackets, [[…]]"
            .to_string();
    }
    let want = match expected {
        "i64" | "u64" | "u32" | "u8" | "an integer" => "a whole number, without quotes",
        "a string" | "a borrowed string" => "text in double quotes",
        "a boolean" => "true or false, without quotes",
        "a sequence" => "a list in square brackets, e.g. [\"a\", \"b\"]",
        "struct RawStage" | "struct RawChecklistItem" | "struct RawCustomField" => {
            "a table ([[…]] header or { … })"
        }
        other => other,
    };
    format!("{found} is the wrong type here; write {want}")
}

// ---- funnel ----

pub fn funnel_name_missing() -> String {
    "the funnel has no name; add name = \"…\" at the top of the file".to_string()
}

pub fn checklist_default_unknown(value: &str) -> String {
    format!(
        "checklist_default {} is not known; use \"pass\", \"fail\" or \"na\"",
        q(value)
    )
}

pub fn checks_unknown(value: &str) -> String {
    format!(
        "checks {} is not known; use \"filled\" (the field is filled in) or \"valid\" (its value \
         passes the stage's rules)",
        q(value)
    )
}

pub fn no_stages() -> String {
    "the funnel has no stages; add at least one [[stages]] table with a name".to_string()
}

// ---- stages ----

pub fn stage_name_missing() -> String {
    "the stage has no name; add name = \"…\" with the stage name as the CRM shows it".to_string()
}

pub fn alias_empty() -> String {
    "an empty alias matches nothing; remove it or write the other name".to_string()
}

pub fn duplicate_stage_name(name: &str, first_stage: &str, line: usize, column: usize) -> String {
    format!(
        "{} is already a name or alias of stage {} (line {line}, column {column}); \
         every stage name and alias must be unique, so remove or rename one of them",
        q(name),
        q(first_stage)
    )
}

pub fn stage_kind_unknown(value: &str) -> String {
    format!(
        "kind {} is not known; use \"open\", \"won\" or \"lost\"",
        q(value)
    )
}

pub fn idle_days_out_of_range(days: i64) -> String {
    format!(
        "max_idle_days {days} is out of range; use a whole number of days from 1 up, \
         or remove the key to turn the idle limit off"
    )
}

pub fn field_unknown(label: &str, system: &[String], custom: &[String]) -> String {
    let options: Vec<String> = system
        .iter()
        .cloned()
        .chain(custom.iter().map(|c| q(c)))
        .collect();
    format!(
        "no profile or custom field provides {}; declare it under [[custom_fields]] or use one of: {}",
        q(label),
        list(&options)
    )
}

pub fn bound_field_not_custom(label: &str) -> String {
    format!(
        "{} is a profile field, and `fields` binds custom fields only; move it to `required`",
        q(label)
    )
}

pub fn bound_field_unknown(label: &str, custom: &[String]) -> String {
    format!(
        "no custom field {} is declared; declare it under [[custom_fields]] or bind one of: {}",
        q(label),
        list(&custom.iter().map(|c| q(c)).collect::<Vec<_>>())
    )
}

// ---- checklist ----

pub fn checklist_id_missing() -> String {
    "the checklist item has no id; add id = \"…\" (a short latin name, unique within the stage)"
        .to_string()
}

pub fn checklist_text_missing() -> String {
    "the checklist item has no text; add text = \"…\" with what the auditor checks".to_string()
}

pub fn checklist_id_duplicate(id: &str, line: usize, column: usize) -> String {
    format!(
        "checklist id {} is already used in this stage (line {line}, column {column}); \
         give each item its own id",
        q(id)
    )
}

pub fn weight_out_of_range(weight: i64) -> String {
    format!("weight {weight} is out of range; use a whole number from 1 to 100")
}

pub fn scale_out_of_range(scale: i64) -> String {
    format!(
        "scale {scale} is out of range; use a whole number from 1 to 10, \
         or remove the key for a pass/fail item"
    )
}

// ---- custom fields ----

pub fn custom_field_name_missing() -> String {
    "the custom field has no name; add name = \"…\" with the column header the CRM exports"
        .to_string()
}

pub fn custom_field_type_unknown(value: &str) -> String {
    format!(
        "type {} is not known; use \"text\", \"date\", \"number\", \"bool\" or \"list\"",
        q(value)
    )
}

pub fn custom_field_duplicate(name: &str, first: &str, line: usize, column: usize) -> String {
    format!(
        "{} is already a name or alias of custom field {} (line {line}, column {column}); \
         remove or rename one of them",
        q(name),
        q(first)
    )
}

pub fn custom_field_is_system(name: &str) -> String {
    format!(
        "{} is the name of a profile field; rename the custom field so the two cannot be confused",
        q(name)
    )
}

// ---- markers and rules ----

pub fn marker_list_not_a_list(name: &str, found: &str) -> String {
    format!(
        "marker list {} must be a list of phrases, found {found}; write e.g. {name} = [\"отказ\", \"не актуально\"]",
        q(name)
    )
}

pub fn marker_not_text(found: &str) -> String {
    format!("a marker is a phrase in double quotes, found {found}; write it as \"…\"")
}

pub fn marker_without_words() -> String {
    "this marker has no words to match; remove it or write the phrase".to_string()
}

pub fn rule_code_unknown(code: &str, codes: &[&str]) -> String {
    format!(
        "there is no rule {}; [rules] takes: {}",
        q(code),
        codes.join(", ")
    )
}

pub fn rule_level_unknown(value: &str) -> String {
    format!(
        "{} is not a severity; use \"info\", \"warning\", \"critical\" or \"off\"",
        q(value)
    )
}

pub fn severity_unknown(value: &str) -> String {
    format!(
        "severity {} is not known; use \"info\", \"warning\" or \"critical\" \
         (to turn a rule off, remove it)",
        q(value)
    )
}

pub fn rule_kind_missing() -> String {
    "the rule has no kind; add kind = \"date\" or kind = \"markers\"".to_string()
}

pub fn rule_kind_unknown(kind: &str) -> String {
    format!(
        "rule kind {} is not known; a stage configures \"date\" or \"markers\" rules",
        q(kind)
    )
}

/// `kind` names one of the rules that follow from the stage itself.
pub fn rule_kind_implicit(kind: &str) -> String {
    format!(
        "{} needs no [[stages.rules]] entry: it follows from the stage (required, max_idle_days, \
         kind, skippable); set its severity or \"off\" under [rules]",
        q(kind)
    )
}

pub fn rule_key_not_used(key: &str, kind: &str) -> String {
    format!("{} is not read by a {kind} rule; remove it", q(key))
}

pub fn date_field_missing() -> String {
    "the date rule has no field; add field = \"…\" with a date field's name".to_string()
}

fn date_fields(system: &[&str], custom: &[String]) -> String {
    let options: Vec<String> = system
        .iter()
        .map(|s| s.to_string())
        .chain(custom.iter().map(|c| q(c)))
        .collect();
    list(&options)
}

pub fn date_field_unknown(label: &str, system: &[&str], custom_dates: &[String]) -> String {
    format!(
        "no profile or custom field provides {}; a date rule reads one of: {}",
        q(label),
        date_fields(system, custom_dates)
    )
}

pub fn date_field_not_date(label: &str, system: &[&str], custom_dates: &[String]) -> String {
    format!(
        "{} is not a date field; a date rule reads one of: {}",
        q(label),
        date_fields(system, custom_dates)
    )
}

pub fn date_field_wrong_type(label: &str, kind: &str) -> String {
    format!(
        "custom field {} is of type {kind}; a date rule needs type = \"date\" \
         (change the field's type or name another field)",
        q(label)
    )
}

pub fn must_be_missing() -> String {
    "the date rule has no must_be; add must_be = \"future\", \"past\", \"not_passed\", \
     \"before_field\" or \"after_field\""
        .to_string()
}

pub fn must_be_unknown(value: &str) -> String {
    format!(
        "must_be {} is not known; use \"future\", \"past\", \"not_passed\", \"before_field\" \
         or \"after_field\"",
        q(value)
    )
}

pub fn other_missing(must_be: &str) -> String {
    format!(
        "must_be = \"{must_be}\" compares with another field; add other = \"…\" with that date field"
    )
}

pub fn other_not_used(must_be: &str) -> String {
    format!(
        "other is read only with \"before_field\" or \"after_field\", not with \"{must_be}\"; remove it"
    )
}

pub fn markers_list_missing(lists: &[String]) -> String {
    format!(
        "the markers rule names no list; add markers = \"…\" with one of: {}",
        list(lists)
    )
}

pub fn markers_list_unknown(name: &str, lists: &[String]) -> String {
    format!(
        "there is no marker list {}; declare it under [markers] or use one of: {}",
        q(name),
        list(lists)
    )
}

// ---- `okk funnel show` ----

pub const SHOW_STAGES: &str = "Stages, in funnel order:";
pub const SHOW_CUSTOM_FIELDS: &str = "Custom fields:";
pub const SHOW_NO_CUSTOM_FIELDS: &str = "Custom fields: none";
pub const SHOW_EXTRA_CONTROL: &str = "extra control";
pub const SHOW_NOT_SKIPPABLE: &str = "may not be skipped";
pub const SHOW_CRITICAL: &str = "critical";
pub const SHOW_CHECKS_VALID: &str = "its value, not only that it is filled";
pub const SHOW_NONE: &str = "—";
pub const SHOW_RULES: &str = "rules:";
pub const SHOW_MARKERS: &str = "Marker lists:";
pub const SHOW_NO_MARKERS: &str = "Marker lists: none";
pub const SHOW_OFF: &str = "off";

pub fn show_title(name: &str) -> String {
    format!("Funnel: {name}")
}

pub fn show_checklist_default(answer: &str) -> String {
    format!("Checklist items suggest: {answer} (until a flag suggests otherwise)")
}

pub fn show_queue_order(stages: &[String]) -> String {
    format!("Review queue order: {}", stages.join(" → "))
}

pub fn show_aliases(aliases: &[String]) -> String {
    format!("also named: {}", aliases.join(", "))
}

/// `step_up`: past this many times the limit, an idle flag is one severity worse.
pub fn show_idle_limit(days: Option<u32>, step_up: i64) -> String {
    match days {
        Some(days) => format!(
            "idle limit: {days} days (idle past {}: one severity up)",
            i64::from(days) * step_up
        ),
        None => "idle limit: none".to_string(),
    }
}

pub fn show_required(fields: &[String]) -> String {
    format!("required: {}", list_or_dash(fields))
}

pub fn show_bound(fields: &[String]) -> String {
    format!("fields: {}", list_or_dash(fields))
}

pub fn show_checklist(items: usize) -> String {
    format!("checklist ({items}):")
}

pub fn show_weight(weight: u32) -> String {
    format!("w{weight}")
}

pub fn show_scale(scale: u8) -> String {
    format!("scale 0..{scale}")
}

pub fn show_checks_field(label: &str) -> String {
    format!("checks {}", q(label))
}

pub fn show_custom_field(name: &str, kind: &str, aliases: &[String]) -> String {
    let mut out = format!("{} ({kind})", q(name));
    if !aliases.is_empty() {
        let _ = write!(out, "; {}", show_aliases(aliases));
    }
    out
}

pub fn show_date_rule(field: &str, must_be: &str, other: Option<&str>) -> String {
    match other {
        Some(other) => format!("date {} {must_be} {}", q(field), q(other)),
        None => format!("date {} {must_be}", q(field)),
    }
}

pub fn show_markers_rule(list: &str) -> String {
    format!("markers {list}")
}

pub fn show_marker_list(name: &str, phrases: &[String]) -> String {
    format!("{name} ({}): {}", phrases.len(), list_or_dash(phrases))
}

/// `levels`: (rule code, severity word or "off").
pub fn show_rule_levels(levels: &[(&str, &str)]) -> String {
    let parts: Vec<String> = levels.iter().map(|(c, l)| format!("{c} {l}")).collect();
    format!("Rule severities: {}", parts.join(", "))
}

fn list_or_dash(names: &[String]) -> String {
    if names.is_empty() {
        SHOW_NONE.to_string()
    } else {
        names.join(", ")
    }
}

/// A `required` entry as a table, with a key it does not take.
pub fn required_key_unknown(key: &str) -> String {
    format!(
        "unknown key {:?} in a required entry; use {{ field = \"…\", severity = \"…\" }}",
        crate::text::safe::line(key)
    )
}

/// A `required` entry as a table, without `field`.
pub fn required_field_missing() -> String {
    "a required entry as a table needs field = \"…\" (and may set severity)".into()
}

/// A `required` entry that is neither a name nor a table.
pub fn required_wrong_shape(found: &str) -> String {
    format!("expected a field name or {{ field = \"…\", severity = \"…\" }}, found {found}")
}

pub fn show_no_task_rule() -> String {
    "no_task: an open card needs a task scheduled (the nearest-task column)".to_string()
}

// What a TOML value is, as a message says what was found or expected.
pub const WORD_TEXT: &str = "text";
pub const WORD_NUMBER: &str = "a number";
pub const WORD_BOOL: &str = "true or false";
pub const WORD_DATE: &str = "a date";
pub const WORD_LIST: &str = "a list";
pub const WORD_TABLE: &str = "a table";
pub const WORD_TABLE_OR_DATE: &str = "a table or a date";
pub const EXPECTING_PHRASES: &str = "a list of phrases";
pub const EXPECTING_REQUIRED: &str = "a field name or { field = \"…\", severity = \"…\" }";

/// A `[suggest]` key okk does not know.
pub fn suggest_key_unknown(key: &str, known: &[&str]) -> String {
    format!(
        "unknown threshold {:?}; [suggest] takes {}",
        crate::text::safe::line(key),
        known.join(", ")
    )
}

/// A `[suggest]` value out of its range or of the wrong type.
pub fn suggest_value_wrong(kind: crate::domain::suggest::settings::KeyKind) -> String {
    use crate::domain::suggest::settings::KeyKind;
    match kind {
        KeyKind::Share => "expected a share from 0 to 1, such as 0.8".into(),
        KeyKind::Count => "expected a whole number of 1 or more".into(),
        KeyKind::Percent => "expected a whole percentile from 1 to 100".into(),
    }
}
