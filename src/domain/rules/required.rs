//! `required`: a field the stage requires is empty. The flag names the field, so a checklist
//! item bound to it can be pre-answered "fail".

use super::values::is_filled;
use super::{Cx, flag};
use crate::domain::flag::{Flag, RuleCode, Severity};
use crate::text::rules as text;

pub(super) fn check(cx: &Cx, severity: Severity, out: &mut Vec<Flag>) {
    for field in &cx.stage.required {
        if !is_filled(cx.card, field, cx.funnel) {
            out.push(flag(
                RuleCode::Required,
                severity,
                text::required_empty(field, &cx.stage.name),
                Some(field.label().to_string()),
            ));
        }
    }
}
