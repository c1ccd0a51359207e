//! Messages of `okk check` and `okk queue`.

use std::fmt::Write;

use super::safe::line;
use crate::domain::flagged_card::FlaggedCard;
use crate::domain::queue::QueueEntry;

pub fn unknown_rule(code: &str) -> String {
    let codes: Vec<&str> = crate::domain::flag::RuleCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    format!("unknown rule «{code}»; use one of: {}", codes.join(", "))
}

pub fn unknown_stage(name: &str, stages: &[&str]) -> String {
    format!(
        "no stage «{}» in the funnel or the store; the funnel's stages are: {}",
        line(name),
        stages.join(", ")
    )
}

pub fn card(c: &FlaggedCard) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "#{}  {}  {}",
        line(&c.id),
        line(&c.stage),
        c.owner.as_deref().map(line).unwrap_or_default()
    );
    for f in &c.flags {
        let _ = writeln!(
            s,
            "  {:<8} {:<13} {}",
            f.severity.as_str(),
            f.code.as_str(),
            line(&f.message)
        );
    }
    s
}

pub fn total(n: u64) -> String {
    format!("{n} flagged cards")
}

pub fn queue(stage: &str, auditor: &str, cards: &[QueueEntry]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Queue of «{}» for {} ({} cards shown)",
        line(stage),
        line(auditor),
        cards.len()
    );
    for c in cards {
        let title: String = c
            .title
            .as_deref()
            .map(line)
            .unwrap_or_default()
            .chars()
            .take(48)
            .collect();
        let idle = c
            .idle_days
            .map(|d| format!("{d} d"))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            s,
            "  #{:<10} {:<48} {:>6}  {}{}",
            line(&c.id),
            title,
            idle,
            c.flags.join(" "),
            queue_marks(c)
        );
    }
    s
}

/// The marks the reviewer's queue shows beside a title, in the same words: ↻ changed, ◎
/// calibration, ↩ returned by the lead with the lead's note.
fn queue_marks(c: &QueueEntry) -> String {
    use super::tui as t;
    let mut out = String::new();
    if c.changed_since_review {
        let _ = write!(out, "  ↻ {}", t::CHANGED);
    }
    if c.calibration {
        let _ = write!(out, "  ◎ {}", t::CALIBRATION);
    }
    if let Some(note) = &c.returned {
        let note: String = line(note).chars().take(200).collect();
        let _ = write!(out, "  ↩ {}: {note}", t::RETURNED);
    }
    out
}

pub fn flags_not_refreshed() -> String {
    "okk: another okk is writing to the store; flags are shown as the last run left them".into()
}

/// The cards' newest activity is long before the day judged: likely an old export.
pub fn old_export(newest: chrono::NaiveDate, days: i64, judged: chrono::NaiveDate) -> String {
    format!(
        "note: the newest activity of any card is {}, {days} days before the day judged ({}); \
         if the export is that old, judge it as of its day: --today {}",
        newest.format("%d.%m.%Y"),
        judged.format("%d.%m.%Y"),
        newest.format("%Y-%m-%d")
    )
}
