//! Stage rules: what a machine can check on a card, each finding a [`Flag`] that carries its
//! evidence as data. Pure functions over a card, its context and the funnel; no I/O.

mod backwards;
mod closed_open;
pub mod config;
mod date;
mod gone;
pub mod idle;
mod markers;
mod no_task;
mod required;
pub mod stem;
mod unknown_stage;
pub mod values;

use chrono::NaiveDateTime;

pub use config::{DateRule, MarkersRule, MustBe, NoTaskRule, Rule, RuleSettings, default_severity};
pub use no_task::TASK_FIELDS;
pub use stem::{MarkerList, MarkerListId, MarkerLists};

use crate::domain::card::{Card, CardContext};
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};
use crate::domain::funnel::{FieldRef, Funnel, Stage};
use crate::domain::settled::AskedMove;

/// Everything a rule may look at for one card.
struct Cx<'a> {
    card: &'a Card,
    ctx: &'a CardContext,
    funnel: &'a Funnel,
    stage: &'a Stage,
    now: NaiveDateTime,
    /// Fields the card's source never exports: not the card's fault (see `domain::columns`).
    absent: &'a [FieldRef],
    /// The stage move the lead asked for on the card, if any (`domain::settled`).
    asked: Option<&'a AskedMove>,
}

/// The flags of one card, most severe first, then by rule code (a rule's own flags keep the
/// order of the config: required fields in the stage's order, history events oldest first).
/// A card in a stage the funnel does not know gets only `unknown_stage` and `gone`: every other
/// rule depends on the stage.
pub fn evaluate(card: &Card, ctx: &CardContext, funnel: &Funnel, now: NaiveDateTime) -> Vec<Flag> {
    evaluate_with(card, ctx, funnel, now, &[], None)
}

/// [`evaluate`], for a card whose source never exports the fields in `absent` (a stage that
/// requires one of them does not flag the card for it) and on which the lead asked for the
/// stage move `asked` (the CRM carrying it out is no fault of the card's path).
pub fn evaluate_with(
    card: &Card,
    ctx: &CardContext,
    funnel: &Funnel,
    now: NaiveDateTime,
    absent: &[FieldRef],
    asked: Option<&AskedMove>,
) -> Vec<Flag> {
    let settings = &funnel.rule_settings;
    let mut flags = Vec::new();
    let Some(index) = funnel.resolve(&card.stage) else {
        if let Some(severity) = settings.level(RuleCode::UnknownStage) {
            flags.push(unknown_stage::check(card, severity));
        }
        if let Some(severity) = settings.level(RuleCode::Gone) {
            flags.extend(gone::check(ctx, None, severity));
        }
        sort(&mut flags);
        return flags;
    };
    let cx = Cx {
        card,
        ctx,
        funnel,
        stage: funnel.stage(index),
        now,
        absent,
        asked,
    };
    if let Some(severity) = settings.level(RuleCode::Required) {
        required::check(&cx, severity, &mut flags);
    }
    if let Some(severity) = settings.level(RuleCode::Idle) {
        flags.extend(idle::check(&cx, severity));
    }
    let mut markers_rules = Vec::new();
    for rule in &cx.stage.rules {
        let Some(level) = settings.level(rule.code()) else {
            continue;
        };
        let severity = rule.severity().unwrap_or(level);
        match rule {
            Rule::Date(r) => flags.extend(date::check(&cx, r, severity)),
            Rule::Markers(r) => markers_rules.push((r, severity)),
            Rule::NoTask(_) => flags.extend(no_task::check(&cx, severity)),
        }
    }
    if !markers_rules.is_empty() {
        markers::check(&cx, &markers_rules, &mut flags);
    }
    if let Some(severity) = settings.level(RuleCode::ClosedOpen) {
        flags.extend(closed_open::check(&cx, severity));
    }
    if let Some(severity) = settings.level(RuleCode::Backwards) {
        backwards::check(&cx, severity, &mut flags);
    }
    if let Some(severity) = settings.level(RuleCode::Gone) {
        flags.extend(gone::check(ctx, Some(cx.stage), severity));
    }
    sort(&mut flags);
    flags
}

fn sort(flags: &mut [Flag]) {
    flags.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.code.cmp(&b.code)));
}

fn flag(code: RuleCode, severity: Severity, evidence: Evidence, field: Option<String>) -> Flag {
    Flag {
        code,
        severity,
        evidence,
        field,
    }
}
