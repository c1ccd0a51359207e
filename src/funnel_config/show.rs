//! `okk funnel show`: the loaded funnel as plain text, so a desk lead can check what okk understood
//! from the TOML without reading it. Words come from `text::funnel_config`; layout lives here.

use std::fmt::Write as _;

use crate::domain::flag::RuleCode;
use crate::domain::funnel::{ChecklistItem, FieldKind, Funnel, Stage};
use crate::domain::rules::{MarkerLists, MustBe, Rule};
use crate::text::funnel_config as text;

pub fn show(funnel: &Funnel) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", text::show_title(&funnel.name));
    let _ = writeln!(
        out,
        "{}",
        text::show_checklist_default(funnel.checklist_default)
    );
    let queue: Vec<String> = funnel
        .queue_order()
        .into_iter()
        .map(|i| funnel.stage(i).name.clone())
        .collect();
    let _ = writeln!(out, "{}", text::show_queue_order(&queue));
    let _ = writeln!(out, "\n{}", text::show_stages());
    let number_width = funnel.stages.len().to_string().len();
    for (i, stage) in funnel.stages.iter().enumerate() {
        stage_block(&mut out, i + 1, number_width, stage, &funnel.markers);
    }
    out.push('\n');
    if funnel.custom_fields.is_empty() {
        let _ = writeln!(out, "{}", text::show_no_custom_fields());
    } else {
        let _ = writeln!(out, "{}", text::show_custom_fields());
        for field in &funnel.custom_fields {
            let kind = text::show_field_kind(field.kind);
            let line = text::show_custom_field(&field.name, &kind, &field.aliases);
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push('\n');
    if funnel.markers.is_empty() {
        let _ = writeln!(out, "{}", text::show_no_markers());
    } else {
        let _ = writeln!(out, "{}", text::show_markers());
        for list in funnel.markers.lists() {
            let phrases: Vec<String> = list.phrases.iter().map(|p| p.text.clone()).collect();
            let _ = writeln!(out, "  {}", text::show_marker_list(&list.name, &phrases));
        }
    }
    let levels: Vec<_> = (RuleCode::ALL.iter())
        .map(|&c| (c, funnel.rule_settings.level(c)))
        .collect();
    let _ = writeln!(out, "{}", text::show_rule_levels(&levels));
    out
}

fn stage_block(
    out: &mut String,
    number: usize,
    width: usize,
    stage: &Stage,
    markers: &MarkerLists,
) {
    let mut marks = vec![text::show_stage_kind(stage.kind)];
    if stage.extra_control {
        marks.push(text::show_extra_control());
    }
    if !stage.skippable {
        marks.push(text::show_not_skippable());
    }
    let _ = writeln!(
        out,
        "\n{number:>width$}. {}  [{}]",
        stage.name,
        marks.join(", ")
    );
    let indent = " ".repeat(width + 2);
    if !stage.aliases.is_empty() {
        let _ = writeln!(out, "{indent}{}", text::show_aliases(&stage.aliases));
    }
    let _ = writeln!(
        out,
        "{indent}{}",
        text::show_idle_limit(stage.max_idle_days, crate::domain::rules::idle::STEP_UP)
    );
    let required: Vec<String> = stage
        .required
        .iter()
        .map(|r| match r.severity {
            Some(s) => text::show_severe(&text::show_field(&r.field), s),
            None => text::show_field(&r.field),
        })
        .collect();
    let _ = writeln!(out, "{indent}{}", text::show_required(&required));
    let _ = writeln!(out, "{indent}{}", text::show_bound(&stage.fields));
    stage_rules(out, &indent, stage, markers);
    checklist(out, &indent, stage);
}

/// The stage's own rules, a line each with its severity where the stage sets one.
fn stage_rules(out: &mut String, indent: &str, stage: &Stage, markers: &MarkerLists) {
    if stage.rules.is_empty() {
        return;
    }
    let _ = writeln!(out, "{indent}{}", text::show_rules());
    for rule in &stage.rules {
        let mut line = match rule {
            Rule::Date(d) => {
                let other = match &d.must_be {
                    MustBe::BeforeField(o) | MustBe::AfterField(o) => Some(text::show_field(o)),
                    _ => None,
                };
                let field = text::show_field(&d.field);
                text::show_date_rule(&field, &text::show_must_be(&d.must_be), other.as_deref())
            }
            Rule::Markers(m) => {
                let name = markers.list(m.list).map_or("?", |l| l.name.as_str());
                text::show_markers_rule(name)
            }
            Rule::NoTask(_) => text::show_no_task_rule(),
        };
        if let Some(severity) = rule.severity() {
            let _ = write!(line, "  ({})", text::show_severity(severity));
        }
        let _ = writeln!(out, "{indent}  {line}");
    }
}

/// The stage's checklist: id, weight and question per item, ids padded to one width.
fn checklist(out: &mut String, indent: &str, stage: &Stage) {
    if stage.checklist.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{indent}{}",
        text::show_checklist(stage.checklist.len())
    );
    let id_width = stage
        .checklist
        .iter()
        .map(|c| c.id.chars().count())
        .max()
        .unwrap_or(0);
    let weights: Vec<String> = (stage.checklist.iter())
        .map(|c| text::show_weight(c.weight))
        .collect();
    // At least four columns: room for `w10` and the gap before it.
    let weight_width = (weights.iter().map(|w| w.chars().count())).fold(4, usize::max);
    for (item, weight) in stage.checklist.iter().zip(&weights) {
        let _ = writeln!(
            out,
            "{indent}  {:<id_width$}  {weight:>weight_width$}  {}{}",
            item.id,
            item.text,
            item_extras(item)
        );
    }
}

/// `  (critical, scale 1–5, checks FIELD)` after an item, or nothing.
fn item_extras(item: &ChecklistItem) -> String {
    let mut extras = Vec::new();
    if item.critical {
        extras.push(text::show_critical());
    }
    if let Some(scale) = item.scale {
        extras.push(text::show_scale(scale));
    }
    if let Some(field) = &item.field {
        extras.push(text::show_checks_field(&text::show_field(field)));
        if item.checks == crate::domain::funnel::Checks::Valid {
            extras.push(text::show_checks_valid());
        }
    }
    if !item.flags.is_empty() {
        extras.push(text::show_item_flags(&item.flags));
    }
    if extras.is_empty() {
        String::new()
    } else {
        format!("  ({})", extras.join(", "))
    }
}

/// A custom field's `type` as the TOML writes it.
pub(super) fn kind_word(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Date => "date",
        FieldKind::Number => "number",
        FieldKind::Bool => "bool",
        FieldKind::List => "list",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_lists_stages_checklist_and_custom_fields() {
        let out = show(&crate::funnel_config::default_funnel());
        assert!(out.starts_with("Funnel: "), "{out}");
        assert!(
            out.contains("Отработка возражений  [open, extra control"),
            "{out}"
        );
        assert!(out.contains("lost_reason"), "{out}");
        assert!(out.contains("«Срок действия брони» (date)"), "{out}");
    }

    /// In Russian `show` speaks Russian: kinds, severities, answers, rules, okk's own fields
    /// and weights in words of the language; the funnel's own names (stages, items' ids, marker
    /// lists, custom fields, phrases) as the TOML writes them.
    #[test]
    fn in_russian_show_reads_in_russian_but_for_the_funnel_s_own_names() {
        use crate::text::lang::{Lang, with};
        let funnel = crate::funnel_config::default_funnel();
        let out = with(Lang::Ru, || show(&funnel));
        let mut names: Vec<&str> = vec![funnel.name.as_str()];
        for stage in &funnel.stages {
            names.push(&stage.name);
            names.extend(stage.aliases.iter().map(String::as_str));
            names.extend(stage.checklist.iter().map(|c| c.id.as_str()));
        }
        for field in &funnel.custom_fields {
            names.push(&field.name);
            names.extend(field.aliases.iter().map(String::as_str));
        }
        for list in funnel.markers.lists() {
            names.push(&list.name);
            names.extend(list.phrases.iter().map(|p| p.text.as_str()));
        }
        let allowed: Vec<&str> = (names.iter())
            .flat_map(|n| n.split(|c: char| !(c.is_alphanumeric() || c == '_')))
            .collect();
        let english: Vec<&str> = (out.split(|c: char| !(c.is_alphanumeric() || c == '_')))
            .filter(|w| w.chars().any(|c| c.is_ascii_lowercase()))
            .filter(|w| !allowed.contains(w))
            .collect();
        assert!(english.is_empty(), "{english:?}\n{out}");
        assert!(
            out.contains("Отработка возражений  [открытый, доп. контроль"),
            "{out}"
        );
        assert!(
            out.contains("маркеры из списка «lost»  (критично)"),
            "{out}"
        );
        assert!(out.contains("обязательные: Ответственный\n"), "{out}");
        assert!(out.contains("«Срок действия брони» (дата)"), "{out}");
        assert!(out.contains("закрыта/открыта — критично"), "{out}");
    }
}
