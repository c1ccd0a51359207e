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
        out.push(format!(
            "«{}» idle limit {} → {}",
            line(s),
            limit(*a),
            limit(*b)
        ));
    }
    for (s, on) in &d.extra_control_changed {
        out.push(format!(
            "«{}» {}",
            line(s),
            if *on {
                "under extra control"
            } else {
                "no longer under extra control"
            }
        ));
    }
    if out.is_empty() {
        out.push(
            "no change to stages, bound fields or limits (checklists, rules or wording)".into(),
        );
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

pub fn no_such_version(version: i64) -> String {
    format!("this store has no funnel version {version}: see `okk funnel history`")
}

fn side(s: &crate::domain::version_split::Side) -> String {
    let pct = |r: Option<f64>| r.map_or_else(|| "—".to_string(), |r| format!("{:.0}%", r * 100.0));
    format!(
        "not ok {} of {} reviews ({}); moved on {} of {} entering ({}); median {} days in stage",
        s.mismatches,
        s.reviews,
        pct(s.mismatch_rate),
        s.moved_on,
        s.entered,
        pct(s.conversion),
        s.median_days
            .map_or_else(|| "—".to_string(), |d| d.to_string())
    )
}

/// `okk stats --funnel-version N`.
pub fn before_after(
    version: i64,
    day: chrono::NaiveDate,
    rows: &[crate::domain::version_split::StageSplit],
) -> String {
    let mut out = format!("Before and after funnel version {version} (first used {day}):\n");
    for r in rows {
        out.push_str(&format!("\n«{}»\n", line(&r.stage)));
        out.push_str(&format!("  before: {}\n", side(&r.before)));
        out.push_str(&format!("  after:  {}\n", side(&r.after)));
        if let Some(idle) = r.median_idle_days_now {
            out.push_str(&format!("  median idle days now: {idle:.1}\n"));
        }
    }
    out
}

pub fn report_title(version: i64) -> String {
    format!("Before and after funnel version {version}")
}

pub fn report_note(day: chrono::NaiveDate) -> String {
    format!(
        "The stages the change touched, on each side of {day}, the day okk first ran with it: \
         reviews not ok, cards moving on of those entering, and median days in the stage of \
         those that moved on — each with its sample."
    )
}

pub const REPORT_COLUMNS: [&str; 8] = [
    "Stage",
    "Not ok before",
    "Moved on before",
    "Days before",
    "Not ok after",
    "Moved on after",
    "Days after",
    "Idle days now",
];
