//! Words of `okk report`'s page: headings, captions, column names, and what `okk report` says
//! when done. Plain text: the report escapes all of it (and every CRM string) for HTML.

use std::path::Path;

use chrono::NaiveDateTime;

use crate::domain::analytics::Window;

pub fn title(funnel_name: &str) -> String {
    format!("Funnel audit — {funnel_name}")
}

pub fn generated(at: NaiveDateTime, window: &Window) -> String {
    let scope = super::analytics::window(window);
    let scope = if scope.is_empty() {
        "all current reviews".to_string()
    } else {
        scope
    };
    format!("As of {} · {scope}", at.format("%Y-%m-%d %H:%M"))
}

pub const KPI_CARDS: &str = "cards in the funnel";
pub const KPI_REVIEWS: &str = "reviews";
pub const KPI_NOT_OK: &str = "of reviews not ok";
pub const KPI_LYING: &str = "cards likely lying (95 % intervals summed)";

pub fn returned(n: u64) -> String {
    format!(
        "{} reviews the lead sent back are left out until judged again.",
        count(n)
    )
}

pub const FUNNEL: &str = "The funnel";
pub const FUNNEL_NOTE: &str = "Cards at each stage now (red: the share likely lying) and the share \
    of the stage's reviews whose verdict is not ok (the lead's verdict where the lead overrode \
    one).";
pub const CARDS_NOW: &str = "Cards now";
pub const NOT_OK: &str = "Reviews not ok";
pub const NO_REVIEWS: &str = "no reviews";

pub const BOTTLENECKS: &str = "Bottlenecks";
pub const BOTTLENECKS_NOTE: &str = "Where cards likely lie: the share of reviews not ok times the \
    cards there now, with its 95 % interval (Wilson) in brackets: a few reviews say little. \
    Stages and managers with fewer than 5 reviews are not ranked. The likely cause is the \
    checklist items failed most in those reviews.";
pub const NO_BOTTLENECKS: &str = "None: no review found a card that is not as its stage says.";
pub const PAIRS: &str = "Managers at a stage";

pub const MANAGERS: &str = "Managers";
pub const MANAGERS_NOTE: &str = "The cards' owners now, most likely lying cards first; likely \
    lying carries its 95 % interval (Wilson); managers with fewer than 5 reviews are not ranked \
    (listed last). Idle days: the median days since the last activity of their open cards.";
pub const NOT_RANKED: &str = "not ranked: under 5 reviews";
pub const UNRANKED_STAGES: &str = "stages";
pub const UNRANKED_PAIRS: &str = "managers at a stage";

/// `3 stages with reviews not ok have fewer than 5 reviews: not ranked.`
pub fn unranked(n: usize, what: &str) -> String {
    format!(
        "{} {what} with reviews not ok have fewer than {} reviews: not ranked.",
        count(n as u64),
        crate::domain::analytics::tally::MIN_SAMPLE
    )
}
pub const NO_OWNER: &str = "(no owner)";

pub const TREND: &str = "Trend by week";
pub const TREND_NOTE: &str = "Reviews per ISO week (bars) and the share not ok (line).";
pub const NO_TREND: &str = "No reviews yet.";

pub const AUDITORS: &str = "Auditors";
pub const AUDITORS_NOTE: &str = "Reviews, pace, and how the lead decided on them; reference: \
    agreement with the lead on calibration cards.";
pub const NO_AUDITORS: &str = "No reviews yet.";

pub const STAGE_COLUMNS: [&str; 9] = [
    "Stage",
    "Cards",
    "Flagged",
    "Reviews",
    "Not ok",
    "Likely lying",
    "Score",
    "Idle days",
    "Fails most",
];
pub const MANAGER_COLUMNS: [&str; 9] = [
    "Manager",
    "Cards",
    "Flagged",
    "Reviews",
    "Not ok",
    "Likely lying",
    "Score",
    "Idle days",
    "Fails most",
];
pub const BOTTLENECK_COLUMNS: [&str; 6] = [
    "#",
    "Where",
    "Likely lying",
    "Cards",
    "Not ok",
    "Likely cause",
];
/// The sample of a share: `50% of 2`.
pub fn share_of(rate: Option<f64>, whole: u64) -> String {
    match rate {
        None => "—".into(),
        Some(_) => format!("{} of {}", super::analytics::pct(rate), count(whole)),
    }
}
pub const AUDITOR_COLUMNS: [&str; 9] = [
    "Auditor",
    "Reviews",
    "Per hour",
    "Median s",
    "Decided",
    "Accepted",
    "Overridden",
    "Returned",
    "Reference",
];

/// A count with its thousands set apart by a narrow no-break space, as Russian typography
/// writes them: `1 000 000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(d);
    }
    out
}

/// An estimated count: `~62 158`.
pub fn about(n: f64) -> String {
    format!("~{}", count(n.max(0.0).round() as u64))
}

/// An estimated count with its 95 % interval: `~21 (4–21)`.
pub fn about_within(n: f64, low: f64, high: f64) -> String {
    format!(
        "{} ({}–{})",
        about(n),
        count(low.max(0.0).round() as u64),
        count(high.max(0.0).round() as u64)
    )
}

/// `3 of 10 (30%)`.
pub fn of(part: u64, whole: u64, rate: Option<f64>) -> String {
    format!(
        "{} of {} ({})",
        count(part),
        count(whole),
        super::analytics::pct(rate)
    )
}

/// A failing item: `text ×n`.
pub fn item(text: &str, n: u64) -> String {
    format!("{text} ×{}", count(n))
}

pub fn week_axis(reviews_max: u64) -> String {
    format!("{} reviews", count(reviews_max))
}

/// A bottleneck's bar: `~62 158 of 115 505 · 54% not ok`.
pub fn lying_of(lying: f64, cards: u64, rate: f64) -> String {
    format!(
        "{} of {} · {} not ok",
        about(lying),
        count(cards),
        super::analytics::pct(Some(rate))
    )
}

/// A stage's share-not-ok bar: `54% · 12 198/22 667`.
pub fn not_ok_of(rate: f64, mismatches: u64, reviews: u64) -> String {
    format!(
        "{} · {}/{}",
        super::analytics::pct(Some(rate)),
        count(mismatches),
        count(reviews)
    )
}

pub fn wrote(path: &Path) -> String {
    format!("okk: wrote the report to {}", path.display())
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_set_apart() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1\u{202f}000");
        assert_eq!(super::count(1_000_000), "1\u{202f}000\u{202f}000");
        assert_eq!(super::about(62157.6), "~62\u{202f}158");
    }
}
