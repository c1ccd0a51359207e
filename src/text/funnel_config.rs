//! Messages of the funnel config: problems found in the funnel TOML and the labels of `okk funnel show`,
//! and the TOML reader's errors in any TOML file the user writes (config.toml's too).
//! Each problem says what is wrong and how to fix it; the position is added by the caller.

use std::fmt::Write as _;

use crate::domain::flag::{RuleCode, Severity};
use crate::domain::funnel::{DefaultAnswer, FieldKind, FieldRef, StageKind};
use crate::domain::rules::MustBe;
use crate::tr;

/// Quotes a name the way the desk writes it in Russian text, so spaces inside stay visible.
fn q(name: &str) -> String {
    format!("«{name}»")
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        tr!("funnel_config-none")
    } else {
        names.join(", ")
    }
}

/// A word okk passes around as a token (`WORD_*`, `EXPECTING_*`), in the reader's language; any
/// other text (a TOML reader's own words) as it is.
fn word(w: &str) -> String {
    match w {
        WORD_TEXT => tr!("funnel_config-word-text"),
        WORD_NUMBER => tr!("funnel_config-word-number"),
        WORD_BOOL => tr!("funnel_config-word-bool"),
        WORD_DATE => tr!("funnel_config-word-date"),
        WORD_LIST => tr!("funnel_config-word-list"),
        WORD_TABLE => tr!("funnel_config-word-table"),
        WORD_TABLE_OR_DATE => tr!("funnel_config-word-table-or-date"),
        EXPECTING_PHRASES => tr!("funnel_config-expecting-phrases"),
        EXPECTING_REQUIRED => tr!("funnel_config-expecting-required"),
        EXPECTING_KEYS => tr!("funnel_config-expecting-keys"),
        other => other.to_string(),
    }
}

/// What the TOML reader found (`string "x"`, `integer \`5\``, `map`), its kind in the reader's
/// language and the value as written.
fn found_word(found: &str) -> String {
    if super::lang::current() == super::lang::Lang::En {
        return found.to_string();
    }
    let (kind, rest) = found.split_once(' ').unwrap_or((found, ""));
    let kind = match kind {
        "string" => WORD_TEXT,
        "integer" | "float" => WORD_NUMBER,
        "boolean" => WORD_BOOL,
        "sequence" => WORD_LIST,
        "map" => WORD_TABLE,
        _ => return word(found),
    };
    if rest.is_empty() {
        word(kind)
    } else {
        format!("{} {rest}", word(kind))
    }
}

// ---- reading and TOML shape ----

pub fn cannot_read(error: &str) -> String {
    tr!("funnel_config-cannot-read", error = error)
}

pub fn not_utf8() -> String {
    tr!("funnel_config-not-utf8")
}

pub fn syntax(detail: &str) -> String {
    tr!("funnel_config-syntax", detail = detail)
}

pub fn unknown_key(key: &str, expected: &[String]) -> String {
    if expected.is_empty() {
        tr!("funnel_config-unknown-key-none", key = key)
    } else {
        tr!(
            "funnel_config-unknown-key",
            key = key,
            expected = expected.join(", ")
        )
    }
}

pub fn duplicate_key() -> String {
    tr!("funnel_config-duplicate-key")
}

/// `found` and `expected` come from the TOML reader's own words (`string "x"`, `i64`, …).
pub fn wrong_type(found: &str, expected: &str) -> String {
    if found == "map" && expected == "a sequence" {
        return tr!("funnel_config-table-for-list");
    }
    let want = match expected {
        "i64" | "u64" | "u32" | "u8" | "an integer" => tr!("funnel_config-want-integer"),
        "a string" | "a borrowed string" => tr!("funnel_config-want-string"),
        "a boolean" => tr!("funnel_config-want-bool"),
        "a sequence" => tr!("funnel_config-want-list"),
        "a map"
        | "struct RawStage"
        | "struct RawChecklistItem"
        | "struct RawCustomField"
        | "struct RawConnection" => tr!("funnel_config-want-table"),
        other => word(other),
    };
    tr!(
        "funnel_config-wrong-type",
        found = found_word(found),
        want = want
    )
}

/// The TOML reader's or serde's message about a TOML file the user wrote (the funnel,
/// config.toml), in the shape "what is wrong; how to fix it" and in the reader's language. The
/// reader's own words are kept (in parentheses) only where no kind below matches.
pub fn toml_error(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let mut names = backticked(rest).into_iter();
        let key = names.next().unwrap_or_default();
        return unknown_key(&key, &names.collect::<Vec<_>>());
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        let key = backticked(rest).into_iter().next().unwrap_or_default();
        return tr!("funnel_config-missing-key", key = key);
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        let mut names = backticked(rest).into_iter();
        let value = names.next().unwrap_or_default();
        let expected: Vec<String> = names.map(|n| format!("\"{n}\"")).collect();
        return tr!(
            "funnel_config-unknown-value",
            value = value,
            expected = expected.join(", ")
        );
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        // An integer past what any key takes is read as i128 and then refused as one.
        if let Some(n) = found.strip_suffix(" as i128")
            && n.starts_with("integer ")
        {
            return too_big(n);
        }
        return wrong_type(found, expected);
    }
    if let Some(rest) = message.strip_prefix("invalid value: ")
        && let Some((found, _)) = rest.split_once(", expected ")
        && found.starts_with("integer ")
    {
        return too_big(found);
    }
    if message == "duplicate key" {
        return duplicate_key();
    }
    // The parser's: "KIND, expected WHAT" (what it expected is in its own terms: `=`, newline).
    let kind = message.split(", expected").next().unwrap_or(message);
    match kind {
        "key with no value" => tr!("funnel_config-syntax-no-value"),
        "string values must be quoted" => tr!("funnel_config-syntax-unquoted"),
        "invalid basic string"
        | "invalid literal string"
        | "invalid multi-line basic string"
        | "invalid multi-line literal string"
        | "invalid string" => tr!("funnel_config-syntax-unclosed-string"),
        "unclosed table" | "unclosed array table" => tr!("funnel_config-syntax-unclosed-header"),
        "unclosed array" => tr!("funnel_config-syntax-unclosed-list"),
        "missing comma between array elements" => tr!("funnel_config-syntax-list-comma"),
        "unexpected key or value" | "unexpected content" => {
            tr!("funnel_config-syntax-one-per-line")
        }
        "unquoted keys cannot be empty" | "invalid key" | "invalid unquoted key" => {
            tr!("funnel_config-syntax-bad-key")
        }
        _ => syntax(message),
    }
}

/// An integer no key takes (`integer `99999999999999999999``): too big, not of the wrong type.
fn too_big(found: &str) -> String {
    let value = backticked(found).into_iter().next().unwrap_or_default();
    tr!("funnel_config-number-too-big", value = value)
}

/// [`toml_error`] for the error at byte `at` of `src`: a text the reader refuses for a control
/// character written raw in it (an escape, a bell) says so, where the reader's words would call
/// it unclosed.
pub fn toml_error_at(src: &str, at: usize, message: &str) -> String {
    let kind = message.split(", expected").next().unwrap_or(message).trim();
    let in_string = matches!(
        kind,
        "invalid basic string"
            | "invalid literal string"
            | "invalid multi-line basic string"
            | "invalid multi-line literal string"
            | "invalid string"
    );
    let at = at.min(src.len());
    let start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = src[at..].find('\n').map_or(src.len(), |i| at + i);
    let raw_control = src.get(start..end).is_some_and(|line| {
        line.chars()
            .any(|c| c.is_control() && c != '\t' && c != '\r')
    });
    if in_string && raw_control {
        return tr!("funnel_config-syntax-control-in-string");
    }
    // A table's header written twice (`[crm]` for each of two connections): what a list of
    // tables needs is the double brackets, not one of the two headers gone.
    let header = src.get(start..end).map(str::trim).and_then(|line| {
        let name = line.strip_prefix('[')?.split(']').next()?;
        (!line.starts_with("[[")).then(|| name.trim().to_string())
    });
    if kind == "duplicate key"
        && let Some(name) = header
    {
        return tr!("funnel_config-table-twice", name = name);
    }
    toml_error(message)
}

/// The `quoted` words of a serde message, in order.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

// ---- funnel ----

pub fn funnel_name_missing() -> String {
    tr!("funnel_config-funnel-name-missing")
}

pub fn checklist_default_unknown(value: &str) -> String {
    tr!("funnel_config-checklist-default-unknown", value = value)
}

pub fn checks_unknown(value: &str) -> String {
    tr!("funnel_config-checks-unknown", value = value)
}

pub fn no_stages() -> String {
    tr!("funnel_config-no-stages")
}

// ---- stages ----

pub fn stage_name_missing() -> String {
    tr!("funnel_config-stage-name-missing")
}

pub fn alias_empty() -> String {
    tr!("funnel_config-alias-empty")
}

pub fn duplicate_stage_name(name: &str, first_stage: &str, line: usize, column: usize) -> String {
    tr!(
        "funnel_config-duplicate-stage-name",
        name = name,
        first = first_stage,
        line = line,
        column = column
    )
}

pub fn stage_kind_unknown(value: &str) -> String {
    tr!("funnel_config-stage-kind-unknown", value = value)
}

pub fn idle_days_out_of_range(days: i64) -> String {
    // As written: a figure past 2^53 read as a number would print rounded, as a fraction.
    tr!(
        "funnel_config-idle-days-out-of-range",
        days = days.to_string()
    )
}

pub fn field_unknown(label: &str, system: &[String], custom: &[String]) -> String {
    let options: Vec<String> = system
        .iter()
        .cloned()
        .chain(custom.iter().map(|c| q(c)))
        .collect();
    tr!(
        "funnel_config-field-unknown",
        label = label,
        options = list(&options)
    )
}

pub fn bound_field_not_custom(label: &str) -> String {
    tr!("funnel_config-bound-field-not-custom", label = label)
}

pub fn bound_field_unknown(label: &str, custom: &[String]) -> String {
    tr!(
        "funnel_config-bound-field-unknown",
        label = label,
        options = list(&custom.iter().map(|c| q(c)).collect::<Vec<_>>())
    )
}

// ---- checklist ----

pub fn checklist_id_missing() -> String {
    tr!("funnel_config-checklist-id-missing")
}

pub fn checklist_text_missing() -> String {
    tr!("funnel_config-checklist-text-missing")
}

pub fn checklist_id_duplicate(id: &str, line: usize, column: usize) -> String {
    tr!(
        "funnel_config-checklist-id-duplicate",
        id = id,
        line = line,
        column = column
    )
}

pub fn weight_out_of_range(weight: i64) -> String {
    tr!(
        "funnel_config-weight-out-of-range",
        weight = weight.to_string()
    )
}

pub fn scale_out_of_range(scale: i64) -> String {
    tr!(
        "funnel_config-scale-out-of-range",
        scale = scale.to_string()
    )
}

// ---- custom fields ----

pub fn custom_field_name_missing() -> String {
    tr!("funnel_config-custom-field-name-missing")
}

pub fn custom_field_type_unknown(value: &str) -> String {
    tr!("funnel_config-custom-field-type-unknown", value = value)
}

pub fn custom_field_duplicate(name: &str, first: &str, line: usize, column: usize) -> String {
    tr!(
        "funnel_config-custom-field-duplicate",
        name = name,
        first = first,
        line = line,
        column = column
    )
}

pub fn custom_field_is_system(name: &str) -> String {
    tr!("funnel_config-custom-field-is-system", name = name)
}

// ---- markers and rules ----

pub fn marker_list_not_a_list(name: &str, found: &str) -> String {
    tr!(
        "funnel_config-marker-list-not-a-list",
        name = name,
        found = word(found)
    )
}

pub fn marker_not_text(found: &str) -> String {
    tr!("funnel_config-marker-not-text", found = word(found))
}

pub fn marker_without_words() -> String {
    tr!("funnel_config-marker-without-words")
}

/// A checklist item's `flags` names no rule.
pub fn item_flag_unknown(code: &str, codes: &[&str]) -> String {
    tr!(
        "funnel_config-item-flag-unknown",
        code = code,
        codes = codes.join(", ")
    )
}

/// `failed by the flags idle, no_task` among an item's extras in `okk funnel show`: each rule
/// as `okk check` names it (its code in English, a word of the language in another).
pub fn show_item_flags(codes: &[crate::domain::flag::RuleCode]) -> String {
    let names: Vec<String> = codes.iter().map(|c| super::check::rule_name(*c)).collect();
    tr!("funnel_config-show-item-flags", codes = names.join(", "))
}

pub fn rule_code_unknown(code: &str, codes: &[&str]) -> String {
    tr!(
        "funnel_config-rule-code-unknown",
        code = code,
        codes = codes.join(", ")
    )
}

pub fn rule_level_unknown(value: &str) -> String {
    tr!("funnel_config-rule-level-unknown", value = value)
}

pub fn severity_unknown(value: &str) -> String {
    tr!("funnel_config-severity-unknown", value = value)
}

pub fn rule_kind_missing() -> String {
    tr!("funnel_config-rule-kind-missing")
}

pub fn rule_kind_unknown(kind: &str) -> String {
    tr!("funnel_config-rule-kind-unknown", kind = kind)
}

/// `kind` names one of the rules that follow from the stage itself.
pub fn rule_kind_implicit(kind: &str) -> String {
    tr!("funnel_config-rule-kind-implicit", kind = kind)
}

pub fn rule_key_not_used(key: &str, kind: &str) -> String {
    tr!("funnel_config-rule-key-not-used", key = key, kind = kind)
}

pub fn date_field_missing() -> String {
    tr!("funnel_config-date-field-missing")
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
    tr!(
        "funnel_config-date-field-unknown",
        label = label,
        options = date_fields(system, custom_dates)
    )
}

pub fn date_field_not_date(label: &str, system: &[&str], custom_dates: &[String]) -> String {
    tr!(
        "funnel_config-date-field-not-date",
        label = label,
        options = date_fields(system, custom_dates)
    )
}

pub fn date_field_wrong_type(label: &str, kind: &str) -> String {
    tr!(
        "funnel_config-date-field-wrong-type",
        label = label,
        kind = kind
    )
}

pub fn must_be_missing() -> String {
    tr!("funnel_config-must-be-missing")
}

pub fn must_be_unknown(value: &str) -> String {
    tr!("funnel_config-must-be-unknown", value = value)
}

pub fn other_missing(must_be: &str) -> String {
    tr!("funnel_config-other-missing", must_be = must_be)
}

pub fn other_not_used(must_be: &str) -> String {
    tr!("funnel_config-other-not-used", must_be = must_be)
}

pub fn markers_list_missing(lists: &[String]) -> String {
    tr!("funnel_config-markers-list-missing", lists = list(lists))
}

pub fn markers_list_unknown(name: &str, lists: &[String]) -> String {
    tr!(
        "funnel_config-markers-list-unknown",
        name = name,
        lists = list(lists)
    )
}

// ---- `okk funnel show` ----

pub fn show_stages() -> String {
    tr!("funnel_config-show-stages")
}
pub fn show_custom_fields() -> String {
    tr!("funnel_config-show-custom-fields")
}
pub fn show_no_custom_fields() -> String {
    tr!("funnel_config-show-no-custom-fields")
}
pub fn show_extra_control() -> String {
    tr!("funnel_config-show-extra-control")
}
pub fn show_not_skippable() -> String {
    tr!("funnel_config-show-not-skippable")
}
pub fn show_critical() -> String {
    tr!("funnel_config-show-critical")
}
pub fn show_checks_valid() -> String {
    tr!("funnel_config-show-checks-valid")
}
pub const SHOW_NONE: &str = "—";
pub fn show_rules() -> String {
    tr!("funnel_config-show-rules")
}
pub fn show_markers() -> String {
    tr!("funnel_config-show-markers")
}
pub fn show_no_markers() -> String {
    tr!("funnel_config-show-no-markers")
}
pub fn show_off() -> String {
    tr!("funnel_config-show-off")
}

pub fn show_title(name: &str) -> String {
    tr!("funnel_config-show-title", name = name)
}

pub fn show_checklist_default(answer: DefaultAnswer) -> String {
    let answer = match answer {
        DefaultAnswer::Pass => tr!("funnel_config-show-answer-pass"),
        DefaultAnswer::Fail => tr!("funnel_config-show-answer-fail"),
        DefaultAnswer::Na => tr!("funnel_config-show-answer-na"),
    };
    tr!("funnel_config-show-checklist-default", answer = answer)
}

/// A stage's kind: the TOML's own word in English, a word of the language in another.
pub fn show_stage_kind(kind: StageKind) -> String {
    match kind {
        StageKind::Open => tr!("funnel_config-show-kind-open"),
        StageKind::Won => tr!("funnel_config-show-kind-won"),
        StageKind::Lost => tr!("funnel_config-show-kind-lost"),
    }
}

/// A custom field's type: the TOML's own word in English, a word of the language in another.
pub fn show_field_kind(kind: FieldKind) -> String {
    match kind {
        FieldKind::Text => tr!("funnel_config-show-type-text"),
        FieldKind::Date => tr!("funnel_config-show-type-date"),
        FieldKind::Number => tr!("funnel_config-show-type-number"),
        FieldKind::Bool => tr!("funnel_config-show-type-bool"),
        FieldKind::List => tr!("funnel_config-show-type-list"),
    }
}

/// A date rule's `must_be`: the TOML's own word in English, words of the language in another.
pub fn show_must_be(must_be: &MustBe) -> String {
    match must_be {
        MustBe::Future => tr!("funnel_config-show-must-be-future"),
        MustBe::Past => tr!("funnel_config-show-must-be-past"),
        MustBe::NotPassed => tr!("funnel_config-show-must-be-not-passed"),
        MustBe::BeforeField(_) => tr!("funnel_config-show-must-be-before-field"),
        MustBe::AfterField(_) => tr!("funnel_config-show-must-be-after-field"),
    }
}

/// A field as the card names it: okk's own by a word of the language, a custom one by its name.
pub fn show_field(field: &FieldRef) -> String {
    super::tui::field_label(field.label())
}

/// A severity as `okk check` writes it.
pub fn show_severity(severity: Severity) -> String {
    super::check::severity(severity)
}

/// A required field with the severity its stage gives it.
pub fn show_severe(field: &str, severity: Severity) -> String {
    format!("{field} ({})", show_severity(severity))
}

pub fn show_queue_order(stages: &[String]) -> String {
    tr!(
        "funnel_config-show-queue-order",
        stages = stages.join(" → ")
    )
}

pub fn show_aliases(aliases: &[String]) -> String {
    tr!("funnel_config-show-aliases", aliases = aliases.join(", "))
}

/// `step_up`: past this many times the limit, an idle flag is one severity worse.
pub fn show_idle_limit(days: Option<u32>, step_up: i64) -> String {
    match days {
        Some(days) => tr!(
            "funnel_config-show-idle-limit",
            days = days,
            step = i64::from(days) * step_up
        ),
        None => tr!("funnel_config-show-no-idle-limit"),
    }
}

pub fn show_required(fields: &[String]) -> String {
    tr!("funnel_config-show-required", fields = list_or_dash(fields))
}

pub fn show_bound(fields: &[String]) -> String {
    let fields: Vec<String> = fields.iter().map(|f| super::tui::field_label(f)).collect();
    tr!("funnel_config-show-bound", fields = list_or_dash(&fields))
}

pub fn show_checklist(items: usize) -> String {
    tr!("funnel_config-show-checklist", count = items)
}

pub fn show_weight(weight: u32) -> String {
    tr!("funnel_config-show-weight", weight = weight)
}

pub fn show_scale(scale: u8) -> String {
    tr!("funnel_config-show-scale", scale = scale)
}

pub fn show_checks_field(label: &str) -> String {
    tr!("funnel_config-show-checks-field", label = label)
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
        Some(other) => tr!(
            "funnel_config-show-date-rule-other",
            field = field,
            must_be = must_be,
            other = other
        ),
        None => tr!(
            "funnel_config-show-date-rule",
            field = field,
            must_be = must_be
        ),
    }
}

pub fn show_markers_rule(list: &str) -> String {
    tr!("funnel_config-show-markers-rule", list = list)
}

pub fn show_marker_list(name: &str, phrases: &[String]) -> String {
    tr!(
        "funnel_config-show-marker-list",
        list = name,
        count = phrases.len(),
        phrases = list_or_dash(phrases)
    )
}

/// `levels`: each rule with its severity, `None` for a rule turned off.
pub fn show_rule_levels(levels: &[(RuleCode, Option<Severity>)]) -> String {
    let parts: Vec<String> = (levels.iter())
        .map(|&(rule, level)| {
            tr!(
                "funnel_config-show-rule-level",
                rule = super::check::rule_name(rule),
                level = level.map_or_else(show_off, show_severity)
            )
        })
        .collect();
    tr!("funnel_config-show-rule-levels", levels = parts.join(", "))
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
    tr!(
        "funnel_config-required-key-unknown",
        key = format!("{:?}", crate::text::safe::line(key))
    )
}

/// A `required` entry as a table, without `field`.
pub fn required_field_missing() -> String {
    tr!("funnel_config-required-field-missing")
}

/// A `required` entry that is neither a name nor a table.
pub fn required_wrong_shape(found: &str) -> String {
    tr!("funnel_config-required-wrong-shape", found = word(found))
}

pub fn show_no_task_rule() -> String {
    tr!("funnel_config-show-no-task-rule")
}

// What a TOML value is, as a message says what was found or expected: tokens the config reader
// passes around (serde's `expecting` among them), put in words by the message that shows them.
pub const WORD_TEXT: &str = "text";
pub const WORD_NUMBER: &str = "a number";
pub const WORD_BOOL: &str = "true or false";
pub const WORD_DATE: &str = "a date";
pub const WORD_LIST: &str = "a list";
pub const WORD_TABLE: &str = "a table";
pub const WORD_TABLE_OR_DATE: &str = "a table or a date";
pub const EXPECTING_PHRASES: &str = "a list of phrases";
pub const EXPECTING_REQUIRED: &str = "a field name or { field = \"…\", severity = \"…\" }";
/// config.toml's `[keys.SCREEN]` values.
pub const EXPECTING_KEYS: &str = "a key or a list of keys";

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
