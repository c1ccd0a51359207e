//! Messages of `okk stats`: the stage table with its analytics, the stage that lies most and
//! why, managers, bottlenecks, the weekly trend.

use std::fmt::Write;

use super::safe::line;
use crate::domain::analytics::{Analytics, Bottleneck, FailingItem, StageRow, Window};
use crate::domain::funnel::StageKind;

/// How many bottlenecks the text lists (JSON and CSV have them all).
const SHOWN: usize = 10;

/// A share as a whole percentage, `—` for none.
pub fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

/// A figure to at most one decimal (`9`, `9.5`), `—` for none.
pub fn num(v: Option<f64>) -> String {
    match v {
        None => "—".into(),
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.1}"),
    }
}

/// `~21 (4–21)`: an estimate of lying cards and its 95 % interval.
pub fn lying(estimate: f64, low: f64, high: f64) -> String {
    format!(
        "~{} ({}–{})",
        num(Some(estimate.round())),
        num(Some(low.round())),
        num(Some(high.round()))
    )
}

/// What the interval in brackets is, and what is left out of rankings.
pub const LYING_NOTE: &str = "Lying: estimated cards that likely lie (share not ok × cards there), \
     with its 95 % interval (Wilson) in brackets; groups with fewer than 5 reviews are not ranked.";

/// Untrusted text on one line, at most `max` characters (then `…`).
fn cut(s: &str, max: usize) -> String {
    let s = line(s);
    if s.chars().count() <= max {
        return s.into_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn width<'a>(names: impl Iterator<Item = &'a str>, min: usize) -> usize {
    names
        .map(|n| line(n).chars().count())
        .max()
        .unwrap_or(0)
        .max(min)
}

/// `reviews from … to …` for a window; empty for all reviews.
pub fn window(w: &Window) -> String {
    match (w.since, w.until) {
        (None, None) => String::new(),
        (Some(s), None) => format!("reviews from {s}"),
        (None, Some(u)) => format!("reviews up to {u}"),
        (Some(s), Some(u)) => format!("reviews from {s} to {u}"),
    }
}

pub fn since_after_until(w: &Window) -> String {
    format!(
        "--since {} is after --until {}: no review can fall between them",
        w.since.map(|d| d.to_string()).unwrap_or_default(),
        w.until.map(|d| d.to_string()).unwrap_or_default()
    )
}

/// Items as one cell: `text (n); text (n)`, each with its stage when `with_stage`; `n` is
/// `count` of it (fails, or fails in reviews not ok).
pub fn items_cell(
    items: &[FailingItem],
    with_stage: bool,
    count: impl Fn(&FailingItem) -> u64,
) -> String {
    let one = |i: &FailingItem| {
        if with_stage {
            format!("{} [{}] ({})", i.text, i.stage, count(i))
        } else {
            format!("{} ({})", i.text, count(i))
        }
    };
    items.iter().map(one).collect::<Vec<_>>().join("; ")
}

/// The stage table: the per-stage counts `okk stats` always printed, then reviews, the share
/// not ok, the mean score and the median idle days.
pub fn stages_table(funnel_name: &str, rows: &[StageRow], a: &Analytics) -> String {
    let w = width(rows.iter().map(|r| r.base.stage.as_str()), 5);
    let mut s = String::new();
    let scope = window(&a.window);
    if scope.is_empty() {
        let _ = writeln!(s, "{}", line(funnel_name));
    } else {
        let _ = writeln!(s, "{} — {scope}", line(funnel_name));
    }
    let _ = writeln!(
        s,
        "  {:<w$}  {:>7}  {:>7}  {:>8}  {:>5}  {:>7}  {:>6}  {:>5}  {:>6}",
        "Stage", "Cards", "Flagged", "Reviewed", "Gone", "Reviews", "Not ok", "Score", "Idle d"
    );
    let (mut gone, mut reviewed) = (0, 0);
    for r in rows {
        let (b, f) = (&r.base, &r.figures);
        let mark = match (b.known, b.kind, b.extra_control) {
            (false, _, _) => "  ? not in the funnel",
            (_, Some(StageKind::Won), _) => "  won",
            (_, Some(StageKind::Lost), _) => "  lost",
            (_, _, true) => "  extra control",
            _ => "",
        };
        let _ = writeln!(
            s,
            "  {:<w$}  {:>7}  {:>7}  {:>8}  {:>5}  {:>7}  {:>6}  {:>5}  {:>6}{mark}",
            line(&b.stage),
            b.cards,
            b.flagged,
            b.reviewed,
            b.gone,
            f.reviews,
            pct(f.mismatch_rate),
            num(f.average_score),
            num(f.median_idle_days),
        );
        gone += b.gone;
        reviewed += b.reviewed;
    }
    let t = &a.totals;
    let _ = writeln!(
        s,
        "  {:<w$}  {:>7}  {:>7}  {:>8}  {:>5}  {:>7}  {:>6}  {:>5}  {:>6}",
        "Total",
        t.cards,
        t.flagged,
        reviewed,
        gone,
        t.figures.reviews,
        pct(t.figures.mismatch_rate),
        num(t.figures.average_score),
        num(t.figures.median_idle_days),
    );
    if a.returned > 0 {
        let _ = writeln!(
            s,
            "  ({} reviews the lead sent back are left out until judged again)",
            a.returned
        );
    }
    s
}

/// The stage that lies most and why: the sentence `okk stats` ends its stage table with.
pub fn worst_stage(a: &Analytics) -> String {
    headline(a, &|n| n.to_string())
}

/// [`worst_stage`], with `count` writing its numbers (the report groups their thousands).
pub fn headline(a: &Analytics, count: &dyn Fn(u64) -> String) -> String {
    let Some(b) = a.worst_stage() else {
        return if a.totals.figures.reviews == 0 {
            "No reviews yet: once auditors judge cards, okk names the stage whose cards lie most.\n"
                .into()
        } else if a.bottlenecks.unranked_stages > 0 {
            format!(
                "Too few reviews to name the stage that lies most: {} with cards not ok {} fewer \
                 than {} reviews each.\n",
                count(a.bottlenecks.unranked_stages as u64),
                if a.bottlenecks.unranked_stages == 1 {
                    "stage has"
                } else {
                    "stages have"
                },
                crate::domain::analytics::tally::MIN_SAMPLE
            )
        } else {
            "No stage lies: every review found its card as its stage says.\n".into()
        };
    };
    let mut s = format!(
        "Lies most: «{}» — {} of {} reviews not ok ({}), so about {} of its {} cards \
         (95 % interval {}–{}).\n",
        line(&b.stage),
        count(b.mismatches),
        count(b.reviews),
        pct(Some(b.mismatch_rate)),
        count(b.estimated_lying.round() as u64),
        count(b.cards),
        count(b.estimated_lying_low.round() as u64),
        count(b.estimated_lying_high.round() as u64),
    );
    let _ = writeln!(s, "  {}", cause(b, count));
    s
}

fn cause(b: &Bottleneck, count: &dyn Fn(u64) -> String) -> String {
    if b.likely_cause.is_empty() {
        return "Why: no checklist item was failed in those reviews.".into();
    }
    let items: Vec<String> = b
        .likely_cause
        .iter()
        .map(|i| {
            format!(
                "«{}» (failed in {} of the {})",
                line(&i.text),
                count(i.failed_in_mismatch),
                count(b.mismatches)
            )
        })
        .collect();
    format!("Why: {}.", items.join(", "))
}

/// Lines of a table: each column as wide as its widest cell; the first `left` columns aligned
/// left, the others right; the last column is free text and not padded.
fn grid(header: &[&str], rows: &[Vec<String>], left: usize) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            let cells = rows.iter().map(|r| r[c].chars().count());
            cells.chain([header[c].chars().count()]).max().unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let last = cells.len() - 1;
        let mut l = String::from(" ");
        for (c, cell) in cells.into_iter().enumerate() {
            let w = widths[c];
            let gap = if c == 0 { " " } else { "  " };
            let _ = match (c == last, c < left) {
                (true, _) => write!(l, "{gap}{cell}"),
                (false, true) => write!(l, "{gap}{cell:<w$}"),
                (false, false) => write!(l, "{gap}{cell:>w$}"),
            };
        }
        l.trim_end().to_string() + "\n"
    };
    let mut s = line(header.to_vec());
    for r in rows {
        s.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    s
}

pub fn managers_table(a: &Analytics) -> String {
    let rows: Vec<Vec<String>> = a
        .managers
        .iter()
        .map(|m| {
            let f = &m.group.figures;
            let fails = f.top_failing.first().map_or(String::new(), |i| {
                format!("«{}» ×{}", cut(&i.text, 40), i.failed)
            });
            vec![
                cut(m.manager.as_deref().unwrap_or("(no owner)"), 30),
                m.group.cards.to_string(),
                m.group.flagged.to_string(),
                f.reviews.to_string(),
                pct(f.mismatch_rate),
                match (
                    f.estimated_lying,
                    f.estimated_lying_low,
                    f.estimated_lying_high,
                ) {
                    (Some(n), Some(lo), Some(hi)) if f.ranked => lying(n, lo, hi),
                    (Some(n), Some(lo), Some(hi)) => format!("{}*", lying(n, lo, hi)),
                    _ => "—".into(),
                },
                num(f.average_score),
                num(f.median_idle_days),
                fails,
            ]
        })
        .collect();
    let header = [
        "Manager",
        "Cards",
        "Flagged",
        "Reviews",
        "Not ok",
        "Lying",
        "Score",
        "Idle d",
        "Fails most",
    ];
    let unranked = a
        .managers
        .iter()
        .filter(|m| !m.group.figures.ranked)
        .count();
    let tail = if unranked > 0 {
        format!(
            "  * fewer than {} reviews: not ranked, listed last by cards ({unranked} {})\n",
            crate::domain::analytics::tally::MIN_SAMPLE,
            if unranked == 1 { "manager" } else { "managers" }
        )
    } else {
        String::new()
    };
    format!(
        "Managers (the cards' owners now; most likely lying cards first)\n{}{tail}  {LYING_NOTE}\n",
        grid(&header, &rows, 1)
    )
}

pub fn bottlenecks_table(a: &Analytics) -> String {
    let mut s = String::from("Bottlenecks: where cards likely lie (share not ok × cards there)\n");
    let b = &a.bottlenecks;
    let unranked = |n: usize, what: (&str, &str)| {
        if n == 0 {
            return String::new();
        }
        let what = if n == 1 { what.0 } else { what.1 };
        format!(
            "  ({n} {what} with cards not ok but fewer than {} reviews: not ranked)\n",
            crate::domain::analytics::tally::MIN_SAMPLE
        )
    };
    if b.stages.is_empty() {
        if b.unranked_stages > 0 {
            s.push_str(&unranked(b.unranked_stages, ("stage", "stages")));
        } else {
            s.push_str("  none: no review found a card that is not as its stage says\n");
        }
        return s;
    }
    list(&mut s, &b.stages, "Stage");
    s.push_str(&unranked(b.unranked_stages, ("more stage", "more stages")));
    s.push('\n');
    list(&mut s, &b.pairs, "Stage · manager");
    s.push_str(&unranked(
        b.unranked_pairs,
        ("more stage · manager pair", "more stage · manager pairs"),
    ));
    let _ = writeln!(s, "  {LYING_NOTE}");
    s
}

fn list(s: &mut String, rows: &[Bottleneck], what: &str) {
    let label = |b: &Bottleneck| match &b.manager {
        Some(m) => format!("{} · {}", cut(&b.stage, 30), cut(m, 30)),
        None => cut(&b.stage, 30),
    };
    let cells: Vec<Vec<String>> = rows
        .iter()
        .take(SHOWN)
        .map(|b| {
            let causes: Vec<String> = b
                .likely_cause
                .iter()
                .map(|i| format!("«{}» ×{}", cut(&i.text, 40), i.failed_in_mismatch))
                .collect();
            vec![
                format!("{:>2}", b.rank),
                label(b),
                lying(
                    b.estimated_lying,
                    b.estimated_lying_low,
                    b.estimated_lying_high,
                ),
                b.cards.to_string(),
                format!("{}/{}", b.mismatches, b.reviews),
                pct(Some(b.mismatch_rate)),
                causes.join(", "),
            ]
        })
        .collect();
    let header = [" #", what, "Lying", "Cards", "Not ok", "", "Likely cause"];
    s.push_str(&grid(&header, &cells, 2));
    if rows.len() > SHOWN {
        let _ = writeln!(
            s,
            "  … and {} more (okk stats --table bottlenecks --csv)",
            rows.len() - SHOWN
        );
    }
}

pub fn trend_table(a: &Analytics) -> String {
    let mut s = String::from("Trend by ISO week\n");
    if a.trend.is_empty() {
        s.push_str("  no reviews yet\n");
        return s;
    }
    let _ = writeln!(
        s,
        "  {:<8}  {:<10}  {:>7}  {:>6}",
        "Week", "From", "Reviews", "Not ok"
    );
    for w in &a.trend {
        let bar = w
            .mismatch_rate
            .map_or(String::new(), |r| "█".repeat((r * 20.0).round() as usize));
        let _ = writeln!(
            s,
            "  {:<8}  {:<10}  {:>7}  {:>6}  {bar}",
            w.week,
            w.starts,
            w.reviews,
            pct(w.mismatch_rate)
        );
    }
    s
}
