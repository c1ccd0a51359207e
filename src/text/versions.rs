//! What `okk funnel history` says, and the diff summary of a funnel version.

use crate::domain::funnel_diff::FunnelDiff;
use crate::domain::funnel_diff::FunnelVersion;
use crate::domain::version_split::{StageChange, StageSplit, VersionSplit};
use crate::text::safe::line;

pub fn not_recorded(why: &str) -> String {
    crate::tr!("versions-not-recorded", why = why)
}

fn limit(l: Option<u32>) -> String {
    l.map_or_else(|| crate::tr!("versions-no-limit"), |d| d.to_string())
}

/// What changed, as one line per kind of change.
pub fn changes(d: &FunnelDiff) -> Vec<String> {
    if d.first {
        return vec![crate::tr!("versions-first")];
    }
    let quote = |v: &[String]| {
        v.iter()
            .map(|s| format!("«{}»", line(s)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    if !d.stages_added.is_empty() {
        out.push(crate::tr!(
            "versions-stages-added",
            stages = quote(&d.stages_added)
        ));
    }
    // A stage merged into another is said so, not as a stage removed and a name given.
    let merged = |stage: &str| (d.stages_merged.iter()).any(|(gone, _)| gone == stage);
    let removed: Vec<String> = (d.stages_removed.iter())
        .filter(|s| !merged(s))
        .cloned()
        .collect();
    if !removed.is_empty() {
        out.push(crate::tr!(
            "versions-stages-removed",
            stages = quote(&removed)
        ));
    }
    for (stage, into) in &d.stages_merged {
        out.push(crate::tr!(
            "versions-merged",
            stage = line(stage),
            into = line(into)
        ));
    }
    for (from, to) in &d.stages_renamed {
        out.push(crate::tr!(
            "versions-renamed",
            from = line(from),
            to = line(to)
        ));
    }
    let fold = crate::domain::names::fold;
    let told = |s: &str, a: &str| {
        (d.stages_merged.iter()).any(|(gone, into)| into == s && fold(gone) == fold(a))
    };
    for (s, a) in d.aliases_added.iter().filter(|(s, a)| !told(s, a)) {
        out.push(crate::tr!(
            "versions-alias-added",
            alias = line(a),
            stage = line(s)
        ));
    }
    for (s, a) in &d.aliases_removed {
        out.push(crate::tr!(
            "versions-alias-removed",
            alias = line(a),
            stage = line(s)
        ));
    }
    for (s, f) in &d.fields_bound {
        out.push(crate::tr!(
            "versions-bound",
            field = line(f),
            stage = line(s)
        ));
    }
    for (s, f) in &d.fields_unbound {
        out.push(crate::tr!(
            "versions-unbound",
            field = line(f),
            stage = line(s)
        ));
    }
    for (s, a, b) in &d.limits_changed {
        out.push(crate::tr!(
            "versions-limit",
            stage = line(s),
            from = limit(*a),
            to = limit(*b)
        ));
    }
    for (s, on) in &d.extra_control_changed {
        out.push(if *on {
            crate::tr!("versions-extra-control-on", stage = line(s))
        } else {
            crate::tr!("versions-extra-control-off", stage = line(s))
        });
    }
    if out.is_empty() {
        out.push(crate::tr!("versions-no-change"));
    }
    out
}

pub fn history(rows: &[(FunnelVersion, FunnelDiff)]) -> String {
    if rows.is_empty() {
        return format!("{}\n", crate::tr!("versions-none"));
    }
    let mut out = String::new();
    for (v, d) in rows {
        out.push_str(&format!(
            "{}. {}\n",
            v.version,
            crate::tr!(
                "versions-version",
                name = line(&v.name),
                day = super::common::stored_time(&v.first_used),
                hash = &v.hash
            )
        ));
        for c in changes(d) {
            out.push_str(&format!("   - {c}\n"));
        }
    }
    out
}

pub fn no_such_version(version: i64) -> String {
    crate::tr!("versions-no-such", version = version)
}

fn side(s: &crate::domain::version_split::Side) -> String {
    use super::analytics::pct;
    crate::tr!(
        "versions-side",
        mismatches = s.mismatches,
        judged = s.judged,
        mismatch_rate = pct(s.mismatch_rate),
        moved_on = s.moved_on,
        entered = s.entered,
        conversion = pct(s.conversion),
        days = s
            .median_days
            .map_or_else(|| "—".to_string(), |d| d.to_string())
    )
}

/// What the version did to a stage's row, and where its cards stand: the notes beside its name.
pub fn stage_notes(split: &VersionSplit, row: &StageSplit) -> Vec<String> {
    let version = split.version;
    let mut out = Vec::new();
    match row.change {
        Some(StageChange::Added) => out.push(crate::tr!("versions-stage-added", version = version)),
        Some(StageChange::Removed) => out.push(match &row.merged_into {
            Some(into) => crate::tr!(
                "versions-stage-merged",
                version = version,
                into = line(into),
                previous = split.previous.unwrap_or(version - 1)
            ),
            None => crate::tr!(
                "versions-stage-removed",
                version = version,
                previous = split.previous.unwrap_or(version - 1)
            ),
        }),
        Some(StageChange::Renamed) => out.push(crate::tr!(
            "versions-stage-renamed",
            version = version,
            from = line(row.renamed_from.as_deref().unwrap_or("—"))
        )),
        Some(StageChange::Split) => {
            let stages = (row.split_with.iter())
                .map(|s| format!("«{}»", line(s)))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(crate::tr!(
                "versions-stage-split",
                version = version,
                stages = stages,
                count = row.split_with.len()
            ))
        }
        Some(StageChange::Changed) => {
            out.push(crate::tr!("versions-stage-changed", version = version))
        }
        None => {}
    }
    if !row.merged_from.is_empty() {
        let stages = (row.merged_from.iter())
            .map(|s| format!("«{}»", line(s)))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(crate::tr!(
            "versions-stage-merged-from",
            version = version,
            stages = stages
        ));
    }
    // A stage the version removed is not in its funnel, nor (unless added back since) in the
    // one of now: what is worth saying is the cards left in it — none, merged into another.
    if row.change == Some(StageChange::Removed) {
        if row.cards_now > 0 && row.merged_into.is_none() {
            out.push(crate::tr!(
                "versions-cards-not-in-version",
                count = row.cards_now,
                version = version
            ));
        }
    } else if !row.in_current_funnel {
        out.push(crate::tr!("versions-stage-not-current"));
        if row.cards_now > 0 {
            out.push(crate::tr!("versions-cards-now", count = row.cards_now));
        }
    }
    out
}

/// A removed stage's moves on before the version that most likely were its removal (see
/// [`crate::domain::version_split::Emptied`]): said under its before.
pub fn emptied_into(row: &StageSplit) -> Option<String> {
    let e = row.emptied_into.as_ref()?;
    Some(crate::tr!(
        "versions-emptied-into",
        moves = e.moves,
        stage = line(&e.stage)
    ))
}

/// What the split as a whole has to say: the cards the version has no stage for, a version
/// read with the funnel of now.
pub fn split_notes(split: &VersionSplit) -> Vec<String> {
    let mut out = Vec::new();
    if !split.not_in_version.is_empty() {
        let stages = (split.not_in_version.iter())
            .map(|s| format!("«{}» {}", line(&s.stage), s.cards))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(crate::tr!(
            "versions-not-in-version",
            version = split.version,
            stages = stages
        ));
    }
    if !split.removed_unread.is_empty() {
        let stages = (split.removed_unread.iter())
            .map(|s| format!("«{}»", line(s)))
            .collect::<Vec<_>>()
            .join(", ");
        out.push(crate::tr!(
            "versions-removed-unread",
            version = split.version,
            stages = stages
        ));
    }
    if split.unchanged_left_out > 0 {
        out.push(crate::tr!(
            "versions-unchanged-left-out",
            version = split.version,
            count = split.unchanged_left_out
        ));
    }
    if split.read_with_current_funnel {
        out.push(crate::tr!(
            "versions-read-with-current",
            version = split.version
        ));
    }
    out
}

/// `okk stats --funnel-version N`.
pub fn before_after(split: &VersionSplit) -> String {
    let mut out = format!(
        "{}\n",
        crate::tr!(
            "versions-before-after",
            version = split.version,
            moment = split_moment(split)
        )
    );
    for r in &split.stages {
        let notes = stage_notes(split, r);
        if notes.is_empty() {
            out.push_str(&format!("\n«{}»\n", line(&r.stage)));
        } else {
            out.push_str(&format!("\n«{}» — {}\n", line(&r.stage), notes.join("; ")));
        }
        let before = match &r.before {
            Some(b) => crate::tr!("versions-before", side = side(b)),
            None => crate::tr!("versions-before-none", version = split.version),
        };
        out.push_str(&format!("  {before}\n"));
        if let Some(emptied) = emptied_into(r) {
            out.push_str(&format!("    {emptied}\n"));
        }
        out.push_str(&format!(
            "  {}\n",
            crate::tr!("versions-after", side = side(&r.after))
        ));
        if let Some(idle) = r.median_idle_days_now {
            out.push_str(&format!(
                "  {}\n",
                crate::tr!("versions-idle-now", days = idle_days(Some(idle)))
            ));
        }
    }
    let notes = split_notes(split);
    if !notes.is_empty() {
        out.push('\n');
    }
    for n in notes {
        out.push_str(&n);
        out.push('\n');
    }
    out
}

/// Days idle now, to one decimal in the language's form (`0.5`; `0,5` in Russian), `—` for none:
/// the text's and the report's alike.
pub fn idle_days(days: Option<f64>) -> String {
    days.map_or_else(
        || "—".to_string(),
        |d| crate::text::i18n::decimal(crate::text::lang::current(), d, 1),
    )
}

pub fn report_title(version: i64) -> String {
    crate::tr!("versions-report-title", version = version)
}

pub fn report_note(split: &VersionSplit) -> String {
    crate::tr!("versions-report-note", moment = split_moment(split))
}

/// When the split's version was first used, as the language writes a moment.
fn split_moment(split: &VersionSplit) -> String {
    super::common::moment(split.first_used)
}

/// The report's cells for the before of a stage the version added.
pub fn no_before(version: i64) -> String {
    crate::tr!("versions-no-before", version = version)
}

pub fn report_columns() -> [String; 8] {
    [
        crate::tr!("versions-column-stage"),
        crate::tr!("versions-column-not-ok-before"),
        crate::tr!("versions-column-moved-before"),
        crate::tr!("versions-column-days-before"),
        crate::tr!("versions-column-not-ok-after"),
        crate::tr!("versions-column-moved-after"),
        crate::tr!("versions-column-days-after"),
        crate::tr!("versions-column-idle-now"),
    ]
}
