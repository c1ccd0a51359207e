//! The rule parts of the funnel TOML: `[markers]` (named phrase lists), `[rules]` (severity or
//! "off" per rule code) and each stage's `[[stages.rules]]`, checked with a problem per mistake.

use toml::Spanned;

use super::error::Report;
use super::fields::Fields;
use super::raw::{RawFunnel, RawMarkerList, RawRule, RawStage};
use super::show::kind_word;
use super::span::join;
use crate::domain::flag::{RuleCode, Severity};
use crate::domain::funnel::{FieldKind, FieldRef};
use crate::domain::rules::stem::phrase_stems;
use crate::domain::rules::values::SYSTEM_DATE_FIELDS;
use crate::domain::rules::{
    DateRule, MarkerLists, MarkersRule, MustBe, NoTaskRule, Rule, RuleSettings,
};
use crate::text::funnel_config as text;

/// The marker lists, stemmed; a list with problems is still declared (rules naming it are fine).
pub(super) fn markers(raw: &RawFunnel, report: &mut Report) -> MarkerLists {
    let mut lists = Vec::new();
    for (name, value) in &raw.markers {
        let name = name.get_ref().trim();
        let key = join("markers", name);
        let mut phrases = Vec::new();
        match value.get_ref() {
            RawMarkerList::NotAList(found) => {
                report.add(
                    value.span(),
                    &key,
                    text::marker_list_not_a_list(name, found),
                );
            }
            RawMarkerList::Items(items) => {
                for (i, item) in items.iter().enumerate() {
                    let item_key = format!("{key}[{i}]");
                    match item.get_ref() {
                        toml::Value::String(phrase) if phrase_stems(phrase).is_empty() => {
                            report.add(item.span(), item_key, text::marker_without_words());
                        }
                        toml::Value::String(phrase) => phrases.push(phrase.trim().to_string()),
                        other => {
                            let found = value_word(other);
                            report.add(item.span(), item_key, text::marker_not_text(found));
                        }
                    }
                }
            }
        }
        lists.push((name.to_string(), phrases));
    }
    MarkerLists::new(lists)
}

fn value_word(value: &toml::Value) -> &'static str {
    match value {
        toml::Value::String(_) => text::WORD_TEXT,
        toml::Value::Integer(_) | toml::Value::Float(_) => text::WORD_NUMBER,
        toml::Value::Boolean(_) => text::WORD_BOOL,
        toml::Value::Datetime(_) => text::WORD_DATE,
        toml::Value::Array(_) => text::WORD_LIST,
        toml::Value::Table(_) => text::WORD_TABLE,
    }
}

/// `[rules]`: every code starts at its default severity.
pub(super) fn settings(raw: &RawFunnel, report: &mut Report) -> RuleSettings {
    let mut settings = RuleSettings::default();
    for (code, value) in &raw.rules {
        let name = code.get_ref().trim();
        let key = join("rules", name);
        let Some(rule) = RuleCode::from_name(name) else {
            let codes: Vec<&str> = RuleCode::ALL.iter().map(|c| c.as_str()).collect();
            report.add(code.span(), key, text::rule_code_unknown(name, &codes));
            continue;
        };
        match value.get_ref().trim() {
            "off" => settings.set(rule, None),
            word => match severity_word(word) {
                Some(s) => settings.set(rule, Some(s)),
                None => report.add(value.span(), key, text::rule_level_unknown(word)),
            },
        }
    }
    settings
}

pub(super) fn severity_word(word: &str) -> Option<Severity> {
    match word.trim() {
        "info" => Some(Severity::Info),
        "warning" => Some(Severity::Warning),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

pub(super) fn stage_rules(
    stage: &RawStage,
    key: &str,
    fields: &Fields,
    markers: &MarkerLists,
    report: &mut Report,
) -> Vec<Rule> {
    stage
        .rules
        .iter()
        .enumerate()
        .filter_map(|(j, rule)| {
            stage_rule(rule, &format!("{key}.rules[{j}]"), fields, markers, report)
        })
        .collect()
}

fn stage_rule(
    raw: &Spanned<RawRule>,
    key: &str,
    fields: &Fields,
    markers: &MarkerLists,
    report: &mut Report,
) -> Option<Rule> {
    let rule = raw.get_ref();
    let severity = match &rule.severity {
        None => Some(None),
        Some(s) => {
            let found = severity_word(s.get_ref());
            if found.is_none() {
                let message = text::severity_unknown(s.get_ref().trim());
                report.add(s.span(), format!("{key}.severity"), message);
            }
            found.map(Some)
        }
    };
    let Some(kind) = &rule.kind else {
        report.add(raw.span(), format!("{key}.kind"), text::rule_kind_missing());
        return None;
    };
    let built = match kind.get_ref().trim() {
        "date" => {
            not_used(report, key, "date", &[("markers", &rule.markers)]);
            date_rule(raw, key, fields, report)
        }
        "markers" => {
            let unused = [
                ("field", &rule.field),
                ("must_be", &rule.must_be),
                ("other", &rule.other),
            ];
            not_used(report, key, "markers", &unused);
            markers_rule(raw, key, markers, report)
        }
        "no_task" => {
            let unused = [
                ("field", &rule.field),
                ("must_be", &rule.must_be),
                ("other", &rule.other),
                ("markers", &rule.markers),
            ];
            not_used(report, key, "no_task", &unused);
            Some(Rule::NoTask(NoTaskRule { severity: None }))
        }
        other => {
            let message = match RuleCode::from_name(other) {
                Some(_) => text::rule_kind_implicit(other),
                None => text::rule_kind_unknown(other),
            };
            report.add(kind.span(), format!("{key}.kind"), message);
            None
        }
    };
    let severity = severity?;
    Some(match built? {
        Rule::Date(r) => Rule::Date(DateRule { severity, ..r }),
        Rule::Markers(r) => Rule::Markers(MarkersRule { severity, ..r }),
        Rule::NoTask(_) => Rule::NoTask(NoTaskRule { severity }),
    })
}

fn not_used(report: &mut Report, key: &str, kind: &str, keys: &[(&str, &Option<Spanned<String>>)]) {
    for (name, value) in keys {
        if let Some(value) = value {
            let message = text::rule_key_not_used(name, kind);
            report.add(value.span(), format!("{key}.{name}"), message);
        }
    }
}

fn date_rule(
    raw: &Spanned<RawRule>,
    key: &str,
    fields: &Fields,
    report: &mut Report,
) -> Option<Rule> {
    let rule = raw.get_ref();
    let field = match &rule.field {
        Some(label) => date_field(label, &format!("{key}.field"), fields, report),
        None => {
            report.add(
                raw.span(),
                format!("{key}.field"),
                text::date_field_missing(),
            );
            None
        }
    };
    let Some(must_be) = &rule.must_be else {
        report.add(
            raw.span(),
            format!("{key}.must_be"),
            text::must_be_missing(),
        );
        return None;
    };
    let word = must_be.get_ref().trim();
    let compares = matches!(word, "before_field" | "after_field");
    let other = match (&rule.other, compares) {
        (Some(label), true) => date_field(label, &format!("{key}.other"), fields, report),
        (None, true) => {
            report.add(
                must_be.span(),
                format!("{key}.other"),
                text::other_missing(word),
            );
            None
        }
        (Some(label), false) => {
            report.add(
                label.span(),
                format!("{key}.other"),
                text::other_not_used(word),
            );
            None
        }
        (None, false) => None,
    };
    let must_be = match word {
        "future" => MustBe::Future,
        "past" => MustBe::Past,
        "not_passed" => MustBe::NotPassed,
        "before_field" => MustBe::BeforeField(other?),
        "after_field" => MustBe::AfterField(other?),
        _ => {
            report.add(
                must_be.span(),
                format!("{key}.must_be"),
                text::must_be_unknown(word),
            );
            return None;
        }
    };
    Some(Rule::Date(DateRule {
        field: field?,
        must_be,
        severity: None,
    }))
}

/// A field a date rule may read: a profile date field or a custom field of type date.
fn date_field(
    label: &Spanned<String>,
    key: &str,
    fields: &Fields,
    report: &mut Report,
) -> Option<FieldRef> {
    let value = label.get_ref().trim();
    let system: Vec<&str> = SYSTEM_DATE_FIELDS.iter().map(|f| f.name()).collect();
    let custom_dates = fields.custom_names_of(FieldKind::Date);
    let message = match fields.resolve(value) {
        Some(FieldRef::System(f)) if SYSTEM_DATE_FIELDS.contains(&f) => {
            return Some(FieldRef::System(f));
        }
        Some(FieldRef::System(_)) => text::date_field_not_date(value, &system, &custom_dates),
        Some(FieldRef::Custom(name)) => match fields.custom(&name).map(|f| f.kind) {
            Some(FieldKind::Date) => return Some(FieldRef::Custom(name)),
            Some(kind) => text::date_field_wrong_type(&name, kind_word(kind)),
            None => text::date_field_unknown(value, &system, &custom_dates),
        },
        None => text::date_field_unknown(value, &system, &custom_dates),
    };
    report.add(label.span(), key, message);
    None
}

fn markers_rule(
    raw: &Spanned<RawRule>,
    key: &str,
    markers: &MarkerLists,
    report: &mut Report,
) -> Option<Rule> {
    let names: Vec<String> = markers.lists().iter().map(|l| l.name.clone()).collect();
    let Some(name) = &raw.get_ref().markers else {
        let message = text::markers_list_missing(&names);
        report.add(raw.span(), format!("{key}.markers"), message);
        return None;
    };
    let Some(list) = markers.id(name.get_ref()) else {
        let message = text::markers_list_unknown(name.get_ref().trim(), &names);
        report.add(name.span(), format!("{key}.markers"), message);
        return None;
    };
    Some(Rule::Markers(MarkersRule {
        list,
        severity: None,
    }))
}
