//! Messages of the commands themselves: paths, `okk funnel check`, the demo, the auditors'
//! table of `okk stats --auditors`.

use std::path::Path;

use crate::domain::Funnel;

pub fn no_home_dir() -> String {
    "cannot find the home directory for the default --db and --funnel paths; pass them explicitly"
        .into()
}

pub fn upgrading_store(path: &Path, from: i64, to: i64) -> String {
    format!(
        "okk: upgrading the store {} from schema {from} to {to} (once; a million cards take \
         about a minute)…",
        path.display()
    )
}

pub fn wrote_default_funnel(path: &Path) -> String {
    format!(
        "okk: wrote the default funnel config to {} (edit it to match your CRM)",
        path.display()
    )
}

pub fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    format!("{}: cannot write: {e}", path.display())
}

pub fn funnel_ok(path: &Path, funnel: &Funnel) -> String {
    let checklist: usize = funnel.stages.iter().map(|s| s.checklist.len()).sum();
    format!(
        "{}: ok — «{}», {} stages, {} custom fields, {} checklist items",
        path.display(),
        funnel.name,
        funnel.stages.len(),
        funnel.custom_fields.len(),
        checklist
    )
}

pub fn demo_where(db: &Path) -> String {
    let db = db.display();
    format!(
        "Demo database: {db}\nTry: okk --db {db} stats --json\n     okk --db {db} check\n     \
         okk --db {db} queue --stage \"Отработка возражений\""
    )
}

pub fn auditors_table(rows: &[crate::domain::auditors::AuditorFigures]) -> String {
    use std::fmt::Write;
    let num = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.0}"));
    let mut s = String::new();
    // The report's column names: one translation for both.
    let [
        who,
        reviews,
        per_hour,
        median,
        decided,
        accepted,
        overridden,
        returned,
        reference,
    ] = super::report::auditor_columns();
    let _ = writeln!(
        s,
        "  {who:<20} {reviews:>7} {per_hour:>9} {median:>8} {decided:>7} {accepted:>10} \
         {overridden:>10} {returned:>10} {reference:>11}"
    );
    let of = super::report::share_of;
    for r in rows {
        let _ = writeln!(
            s,
            "  {:<20} {:>7} {:>9} {:>8} {:>7} {:>10} {:>10} {:>10} {:>11}",
            super::safe::line(&r.auditor),
            r.reviews,
            num(r.cards_per_hour),
            num(r.median_seconds),
            r.decided,
            of(r.accepted, r.decided),
            of(r.overridden, r.decided),
            of(r.returned, r.decided),
            of(r.reference_agreement, r.calibrated)
        );
        if !r.items.is_empty() {
            let items: Vec<String> = r
                .items
                .iter()
                .map(|(id, a)| format!("{} {:.0}%", super::safe::line(id), a * 100.0))
                .collect();
            let _ = writeln!(s, "    alignment with the lead: {}", items.join(", "));
        }
        if r.unanswered > 0 {
            let _ = writeln!(
                s,
                "    {} checklist answers left unanswered (counted neither pass nor fail)",
                r.unanswered
            );
        }
    }
    s
}

/// `--today` / `OKK_TODAY` is not a day.
pub fn bad_day(given: &str) -> String {
    format!(
        "«{}» is not a day: expected YYYY-MM-DD, e.g. 2026-11-20",
        crate::text::safe::line(given)
    )
}

/// `okk funnel check --store`: per source, the required fields its exports never have, and the
/// stages that require them.
pub fn absent_fields(funnel: &Funnel, absent: &crate::domain::columns::AbsentFields) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for (source, fields) in absent.sources() {
        let _ = writeln!(
            out,
            "«{}» never exports (not flagged on its cards):",
            crate::text::safe::line(source)
        );
        for field in fields {
            let stages: Vec<&str> = funnel
                .stages
                .iter()
                .filter(|s| s.required.iter().any(|r| r.field == *field))
                .map(|s| s.name.as_str())
                .collect();
            let _ = writeln!(
                out,
                "  {}: required at {}",
                field.label(),
                stages.join(", ")
            );
        }
    }
    if out.is_empty() {
        out.push_str("Every source exports every field the funnel requires.\n");
    }
    out
}

/// A cause under an error report's first line.
pub fn caused_by(cause: &str) -> String {
    format!("\n  caused by: {cause}")
}

pub fn pending_saved(n: usize) -> String {
    let s = if n == 1 { "verdict" } else { "verdicts" };
    format!("okk: saved {n} {s} left waiting for the store by a reviewer that was stopped")
}

pub fn pending_unreadable(file: &Path) -> String {
    format!(
        "okk: {}: a verdict left waiting for the store cannot be read; it is kept there",
        file.display()
    )
}

pub fn pending_failed(e: &str) -> String {
    format!("okk: verdicts left waiting for the store are not saved yet: {e}")
}
