//! `required`: a field the stage requires is empty. The flag names the field, so a checklist
//! item bound to it can be pre-answered "fail".

use super::values::is_filled;
use super::{Cx, flag};
use crate::domain::flag::{Evidence, Flag, RuleCode, Severity};

/// `severity`: the rule's level, for entries that set none of their own.
pub(super) fn check(cx: &Cx, severity: Severity, out: &mut Vec<Flag>) {
    for required in &cx.stage.required {
        let field = &required.field;
        // The source's absent fields first: a field no row has is looked for under every
        // alias, folded, in each card's fields, and never found.
        if !cx.absent.contains(field) && !is_filled(cx.card, field, cx.funnel) {
            out.push(flag(
                RuleCode::Required,
                required.severity.unwrap_or(severity),
                Evidence::RequiredEmpty {
                    field: field.clone(),
                    stage: cx.stage.name.clone(),
                },
                Some(field.label().to_string()),
            ));
        }
    }
}
