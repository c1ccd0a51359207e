//! What `okk funnel history` says, and the diff summary of a funnel version.

use crate::domain::funnel_diff::FunnelDiff;
use crate::domain::funnel_diff::FunnelVersion;
use crate::text::safe::line;

pub fn not_recorded(why: &str) -> String {
    format!("note: this funnel version was not recorded in the store ({why})")
}

fn limit(l: Option<u32>) -> String {
    l.map_or_else(|| "none".to_string(), |d| d.to_string())
}

/// What changed, as one line per kind of change.
pub fn changes(d: &FunnelDiff) -> Vec<String> {
    if d.first {
        return vec!["the first version okk ran with on this store".to_string()];
    }
    let quote = |v: &[String]| {
        v.iter()
            .map(|s| format!("«{}»", line(s)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    if !d.stages_added.is_empty() {
        out.push(format!("stages added: {}", quote(&d.stages_added)));
    }
    if !d.stages_removed.is_empty() {
        out.push(format!("stages removed: {}", quote(&d.stages_removed)));
    }
    for (from, to) in &d.stages_renamed {
        out.push(format!("renamed «{}» → «{}»", line(from), line(to)));
    }
    for (s, f) in &d.fields_bound {
        out.push(format!("«{}» bound to «{}»", line(f), line(s)));
    }
    for (s, f) in &d.fields_unbound {
        out.push(format!("«{}» no longer bound to «{}»", line(f), line(s)));
    }
    for (s, a, b) in &d.limits_changed {
        out.push(format!("«{}» idle limit {} → {}", line(s), limit(*a), limit(*b)));
    }
    for (s, on) in &d.extra_control_changed {
        out.push(format!(
            "«{}» {}",
            line(s),
            if *on { "under extra control" } else { "no longer under extra control" }
        ));
    }
    if out.is_empty() {
        out.push("no change to stages, bound fields or limits (checklists, rules or wording)".into());
    }
    out
}

pub fn history(rows: &[(FunnelVersion, FunnelDiff)]) -> String {
    if rows.is_empty() {
        return "No funnel version recorded yet: one is recorded when okk first checks the cards \
                with a funnel.\n"
            .to_string();
    }
    let mut out = String::new();
    for (v, d) in rows {
        out.push_str(&format!(
            "{}. {} «{}», first used {} (hash {})\n",
            v.version,
            "version",
            line(&v.name),
            v.first_used,
            v.hash
        ));
        for c in changes(d) {
            out.push_str(&format!("   - {c}\n"));
        }
    }
    out
}
