//! Turns the raw TOML into a domain `Funnel`, reporting every problem instead of stopping at the
//! first, each at the span it is about so the message lands on the line to fix.

use std::ops::Range;

use toml::Spanned;

use super::error::Report;
use super::fields::{Fields, custom_fields};
use super::raw::{RawChecklistItem, RawFunnel, RawRequired, RawStage};
use super::rules;
use super::unique::FirstSeen;
use crate::domain::funnel::{
    ChecklistItem, Checks, DefaultAnswer, FieldRef, Funnel, Required, Stage, StageKind,
};
use crate::domain::rules::MarkerLists;
use crate::text::funnel_config as text;

/// Weight of a checklist item that does not set one: every item counts, none dominates.
const DEFAULT_WEIGHT: u32 = 1;

/// The funnel as far as it could be built; meaningful only when `report` stays empty.
pub(super) fn funnel(raw: &RawFunnel, report: &mut Report) -> Funnel {
    let name = match non_empty(&raw.name) {
        Some(name) => name.get_ref().trim().to_string(),
        None => {
            let span = raw.name.as_ref().map_or(0..0, |n| n.span());
            report.add(span, "name", text::funnel_name_missing());
            String::new()
        }
    };
    let checklist_default = checklist_default(raw, report);
    let custom = custom_fields(&raw.custom_fields, report);
    let fields = Fields::new(&custom);
    let markers = rules::markers(raw, report);
    let settings = rules::settings(raw, report);
    let suggest = super::suggest::settings(raw, report);
    let stages = match &raw.stages {
        Some(stages) if !stages.get_ref().is_empty() => {
            let mut names = FirstSeen::default();
            let stages = stages.get_ref();
            stages
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let key = format!("stages[{i}]");
                    stage(s, &key, &fields, &markers, &mut names, report)
                })
                .collect()
        }
        other => {
            let span = other.as_ref().map_or(0..0, |s| s.span());
            report.add(span, "stages", text::no_stages());
            Vec::new()
        }
    };
    Funnel::new(name, stages, custom, checklist_default)
        .with_markers(markers)
        .with_rule_settings(settings)
        .with_suggest(suggest)
}

fn checklist_default(raw: &RawFunnel, report: &mut Report) -> DefaultAnswer {
    let Some(value) = &raw.checklist_default else {
        return DefaultAnswer::Pass;
    };
    match value.get_ref().trim() {
        "pass" => DefaultAnswer::Pass,
        "fail" => DefaultAnswer::Fail,
        "na" => DefaultAnswer::Na,
        other => {
            report.add(
                value.span(),
                "checklist_default",
                text::checklist_default_unknown(other),
            );
            DefaultAnswer::Pass
        }
    }
}

fn stage(
    raw: &Spanned<RawStage>,
    key: &str,
    fields: &Fields,
    markers: &MarkerLists,
    names: &mut FirstSeen,
    report: &mut Report,
) -> Stage {
    let stage = raw.get_ref();
    let name = match non_empty(&stage.name) {
        Some(label) => {
            let name = label.get_ref().trim();
            unique_stage_name(label, name, &format!("{key}.name"), names, report);
            name.to_string()
        }
        None => {
            let span = stage.name.as_ref().map_or(raw.span(), |n| n.span());
            report.add(span, format!("{key}.name"), text::stage_name_missing());
            String::new()
        }
    };
    let mut aliases = Vec::new();
    for (j, alias) in stage.aliases.iter().enumerate() {
        let alias_key = format!("{key}.aliases[{j}]");
        let value = alias.get_ref().trim();
        if value.is_empty() {
            report.add(alias.span(), alias_key, text::alias_empty());
            continue;
        }
        unique_stage_name(alias, &name, &alias_key, names, report);
        aliases.push(value.to_string());
    }
    Stage {
        kind: stage_kind(stage, key, report),
        extra_control: stage.extra_control,
        max_idle_days: max_idle_days(stage, key, report),
        required: required(stage, key, fields, report),
        fields: bound_fields(stage, key, fields, report),
        checklist: checklist(stage, key, fields, report),
        skippable: stage.skippable.unwrap_or(true),
        pipelines: (stage.pipelines.iter())
            .map(|p| p.get_ref().trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        rules: rules::stage_rules(stage, key, fields, markers, report),
        name,
        aliases,
    }
}

/// Names and aliases share one namespace across the funnel: a CRM stage name must lead to one stage.
fn unique_stage_name(
    label: &Spanned<String>,
    stage: &str,
    key: &str,
    names: &mut FirstSeen,
    report: &mut Report,
) {
    let name = label.get_ref().trim();
    if let Some((first, span)) = names.claim(name, stage, label.span()) {
        let (line, column) = report.position(&span);
        report.add(
            label.span(),
            key,
            text::duplicate_stage_name(name, &first, line, column),
        );
    }
}

fn stage_kind(stage: &RawStage, key: &str, report: &mut Report) -> StageKind {
    let Some(kind) = &stage.kind else {
        return StageKind::Open;
    };
    match kind.get_ref().trim() {
        "open" => StageKind::Open,
        "won" => StageKind::Won,
        "lost" => StageKind::Lost,
        other => {
            report.add(
                kind.span(),
                format!("{key}.kind"),
                text::stage_kind_unknown(other),
            );
            StageKind::Open
        }
    }
}

fn max_idle_days(stage: &RawStage, key: &str, report: &mut Report) -> Option<u32> {
    let days = stage.max_idle_days.as_ref()?;
    let value = *days.get_ref();
    match u32::try_from(value) {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            report.add(
                days.span(),
                format!("{key}.max_idle_days"),
                text::idle_days_out_of_range(value),
            );
            None
        }
    }
}

fn required(stage: &RawStage, key: &str, fields: &Fields, report: &mut Report) -> Vec<Required> {
    let mut out = Vec::new();
    for (j, entry) in stage.required.iter().enumerate() {
        let key = format!("{key}.required[{j}]");
        let (label, severity) = match entry.get_ref() {
            RawRequired::Field(name) => (Spanned::new(entry.span(), name.clone()), None),
            RawRequired::Table {
                field,
                severity,
                unknown,
            } => {
                for k in unknown {
                    report.add(entry.span(), &key, text::required_key_unknown(k));
                }
                let severity = match severity {
                    None => None,
                    Some(s) => match rules::severity_word(s.get_ref()) {
                        Some(found) => Some(found),
                        None => {
                            let message = text::severity_unknown(s.get_ref().trim());
                            report.add(s.span(), format!("{key}.severity"), message);
                            continue;
                        }
                    },
                };
                let Some(field) = field else {
                    report.add(entry.span(), &key, text::required_field_missing());
                    continue;
                };
                (field.clone(), severity)
            }
            RawRequired::Wrong(found) => {
                report.add(entry.span(), &key, text::required_wrong_shape(found));
                continue;
            }
        };
        if let Some(field) = field_ref(&label, &key, fields, report) {
            out.push(Required { field, severity });
        }
    }
    out
}

fn bound_fields(stage: &RawStage, key: &str, fields: &Fields, report: &mut Report) -> Vec<String> {
    let mut out = Vec::new();
    for (j, label) in stage.fields.iter().enumerate() {
        let value = label.get_ref().trim();
        let item_key = format!("{key}.fields[{j}]");
        if let Some(custom) = fields.custom(value) {
            out.push(custom.name.clone());
        } else if fields.resolve(value).is_some() {
            report.add(label.span(), item_key, text::bound_field_not_custom(value));
        } else {
            let message = text::bound_field_unknown(value, &fields.custom_names());
            report.add(label.span(), item_key, message);
        }
    }
    out
}

fn field_ref(
    label: &Spanned<String>,
    key: &str,
    fields: &Fields,
    report: &mut Report,
) -> Option<FieldRef> {
    let value = label.get_ref().trim();
    let found = fields.resolve(value);
    if found.is_none() {
        let message = text::field_unknown(value, &fields.system_names(), &fields.custom_names());
        report.add(label.span(), key, message);
    }
    found
}

fn checklist(
    stage: &RawStage,
    key: &str,
    fields: &Fields,
    report: &mut Report,
) -> Vec<ChecklistItem> {
    let mut ids = FirstSeen::default();
    stage
        .checklist
        .iter()
        .enumerate()
        .filter_map(|(j, item)| {
            checklist_item(
                item,
                &format!("{key}.checklist[{j}]"),
                fields,
                &mut ids,
                report,
            )
        })
        .collect()
}

fn checklist_item(
    raw: &Spanned<RawChecklistItem>,
    key: &str,
    fields: &Fields,
    ids: &mut FirstSeen,
    report: &mut Report,
) -> Option<ChecklistItem> {
    let item = raw.get_ref();
    let id = checklist_id(raw, key, ids, report);
    let text = match non_empty(&item.text) {
        Some(t) => Some(t.get_ref().trim().to_string()),
        None => {
            let span = item.text.as_ref().map_or(raw.span(), |t| t.span());
            report.add(span, format!("{key}.text"), text::checklist_text_missing());
            None
        }
    };
    let weight = match &item.weight {
        None => Some(DEFAULT_WEIGHT),
        Some(w) => in_range(
            w,
            1..101,
            &format!("{key}.weight"),
            report,
            text::weight_out_of_range,
        ),
    };
    let scale = match &item.scale {
        None => Some(None),
        Some(s) => in_range(
            s,
            1..11,
            &format!("{key}.scale"),
            report,
            text::scale_out_of_range,
        )
        .map(|n| Some(n as u8)),
    };
    let field = match &item.field {
        None => Some(None),
        Some(label) => field_ref(label, &format!("{key}.field"), fields, report).map(Some),
    };
    let checks = checks(item.checks.as_ref(), key, report);
    let flags = item_flags(&item.flags, key, report);
    Some(ChecklistItem {
        id: id?,
        text: text?,
        weight: weight?,
        critical: item.critical,
        field: field?,
        checks: checks?,
        scale: scale?,
        flags: flags?,
    })
}

/// The rules whose flag speaks against an item (`flags = ["idle", "no_task"]`): each a rule
/// code, as `[rules]` names them.
fn item_flags(
    raw: &[Spanned<String>],
    key: &str,
    report: &mut Report,
) -> Option<Vec<crate::domain::flag::RuleCode>> {
    use crate::domain::flag::RuleCode;
    let mut codes = Vec::new();
    let mut ok = true;
    for (i, name) in raw.iter().enumerate() {
        let word = name.get_ref().trim();
        match RuleCode::from_name(word) {
            Some(code) if !codes.contains(&code) => codes.push(code),
            Some(_) => {}
            None => {
                let known: Vec<&str> = RuleCode::ALL.iter().map(|c| c.as_str()).collect();
                let message = text::item_flag_unknown(word, &known);
                report.add(name.span(), format!("{key}.flags[{i}]"), message);
                ok = false;
            }
        }
    }
    ok.then_some(codes)
}

/// The item's id, trimmed; a missing one or one the stage already has is reported.
fn checklist_id(
    raw: &Spanned<RawChecklistItem>,
    key: &str,
    ids: &mut FirstSeen,
    report: &mut Report,
) -> Option<String> {
    let item = raw.get_ref();
    let Some(id) = non_empty(&item.id) else {
        let span = item.id.as_ref().map_or(raw.span(), |i| i.span());
        report.add(span, format!("{key}.id"), text::checklist_id_missing());
        return None;
    };
    let value = id.get_ref().trim();
    if let Some((_, span)) = ids.claim(value, value, id.span()) {
        let (line, column) = report.position(&span);
        let message = text::checklist_id_duplicate(value, line, column);
        report.add(id.span(), format!("{key}.id"), message);
    }
    Some(value.to_string())
}

/// What an item with a field checks of it: `filled` (the default) or `valid`.
fn checks(raw: Option<&Spanned<String>>, key: &str, report: &mut Report) -> Option<Checks> {
    let Some(c) = raw else {
        return Some(Checks::Filled);
    };
    match c.get_ref().trim() {
        "filled" => Some(Checks::Filled),
        "valid" => Some(Checks::Valid),
        other => {
            report.add(
                c.span(),
                format!("{key}.checks"),
                text::checks_unknown(other),
            );
            None
        }
    }
}

fn in_range(
    value: &Spanned<i64>,
    range: Range<i64>,
    key: &str,
    report: &mut Report,
    message: fn(i64) -> String,
) -> Option<u32> {
    let n = *value.get_ref();
    if range.contains(&n) {
        u32::try_from(n).ok()
    } else {
        report.add(value.span(), key, message(n));
        None
    }
}

/// A key that is present but blank is as good as missing.
fn non_empty(value: &Option<Spanned<String>>) -> Option<&Spanned<String>> {
    value.as_ref().filter(|v| !v.get_ref().trim().is_empty())
}
