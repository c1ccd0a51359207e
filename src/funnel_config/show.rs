//! `okk funnel show`: the loaded funnel as plain text, so a desk lead can check what okk understood
//! from the TOML without reading it. Words come from `text::funnel_config`; layout lives here.

use std::fmt::Write as _;

use crate::domain::flag::RuleCode;
use crate::domain::funnel::{ChecklistItem, DefaultAnswer, FieldKind, Funnel, Stage, StageKind};
use crate::domain::rules::{MarkerLists, MustBe, Rule};
use crate::text::funnel_config as text;

pub fn show(funnel: &Funnel) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", text::show_title(&funnel.name));
    let _ = writeln!(
        out,
        "{}",
        text::show_checklist_default(answer_word(funnel.checklist_default))
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
            let line = text::show_custom_field(&field.name, kind_word(field.kind), &field.aliases);
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
    let off = text::show_off();
    let levels: Vec<(&str, &str)> = RuleCode::ALL
        .iter()
        .map(|&c| {
            let level = funnel.rule_settings.level(c);
            (c.as_str(), level.map_or(off.as_str(), |s| s.as_str()))
        })
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
    let mut marks = vec![stage_kind_word(stage.kind).to_string()];
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
            Some(s) => format!("{} ({})", r.field.label(), s.as_str()),
            None => r.field.label().to_string(),
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
                    MustBe::BeforeField(o) | MustBe::AfterField(o) => Some(o.label()),
                    _ => None,
                };
                text::show_date_rule(d.field.label(), d.must_be.word(), other)
            }
            Rule::Markers(m) => {
                let name = markers.list(m.list).map_or("?", |l| l.name.as_str());
                text::show_markers_rule(name)
            }
            Rule::NoTask(_) => text::show_no_task_rule(),
        };
        if let Some(severity) = rule.severity() {
            let _ = write!(line, "  ({})", severity.as_str());
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
    for item in &stage.checklist {
        let _ = writeln!(
            out,
            "{indent}  {:<id_width$}  {:>4}  {}{}",
            item.id,
            text::show_weight(item.weight),
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
        extras.push(text::show_checks_field(field.label()));
        if item.checks == crate::domain::funnel::Checks::Valid {
            extras.push(text::show_checks_valid());
        }
    }
    if extras.is_empty() {
        String::new()
    } else {
        format!("  ({})", extras.join(", "))
    }
}

/// The words of the TOML itself, so what `show` prints can be pasted back into the file.
fn stage_kind_word(kind: StageKind) -> &'static str {
    match kind {
        StageKind::Open => "open",
        StageKind::Won => "won",
        StageKind::Lost => "lost",
    }
}

pub(super) fn kind_word(kind: FieldKind) -> &'static str {
    match kind {
        FieldKind::Text => "text",
        FieldKind::Date => "date",
        FieldKind::Number => "number",
        FieldKind::Bool => "bool",
        FieldKind::List => "list",
    }
}

fn answer_word(answer: DefaultAnswer) -> &'static str {
    match answer {
        DefaultAnswer::Pass => "pass",
        DefaultAnswer::Fail => "fail",
        DefaultAnswer::Na => "na",
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
}
