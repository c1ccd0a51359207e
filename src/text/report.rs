//! Words of `okk report`'s page: headings, captions, column names, and what `okk report` says
//! when done. Plain text: the report escapes all of it (and every CRM string) for HTML.

use std::path::Path;

use chrono::NaiveDate;

use super::lang::{self, Lang};
use crate::domain::analytics::{AsOf, WholeCards, Window};

/// The page's `<html lang>`: the language its words are in.
pub fn html_lang() -> &'static str {
    lang::current().code()
}

pub fn title(funnel_name: &str) -> String {
    crate::tr!("report-title", funnel = funnel_name)
}

/// The page's date line: the moment it is as of, or the day given (`--today`) with no time of
/// its own — and then, when reviews counted were made after that day (it judges the rules and
/// idle days, not which reviews count), the day of the latest.
pub fn generated(as_of: AsOf, window: &Window, last_review: Option<NaiveDate>) -> String {
    let scope = super::analytics::window(window);
    let scope = if scope.is_empty() {
        crate::tr!("report-all-reviews")
    } else {
        scope
    };
    let at = match as_of {
        AsOf::Day(day) => super::common::day(day),
        AsOf::Moment(at) => match lang::current() {
            Lang::En => at.format("%Y-%m-%d %H:%M").to_string(),
            Lang::Ru => at.format("%d.%m.%Y %H:%M").to_string(),
        },
    };
    match (as_of, last_review) {
        (AsOf::Day(day), Some(latest)) if latest > day => crate::tr!(
            "report-generated-reviews-after",
            at = at,
            scope = scope,
            latest = super::common::day(latest)
        ),
        _ => crate::tr!("report-generated", at = at, scope = scope),
    }
}

/// The words under a headline figure agree with it: `371 карточка`, `372 карточки`.
pub fn kpi_cards(n: u64) -> String {
    crate::tr!("report-kpi-cards", n = n)
}
pub fn kpi_judged(n: u64, reviews: u64) -> String {
    crate::tr!(
        "report-kpi-judged",
        n = n,
        reviews = count(reviews),
        reviews_n = reviews
    )
}
pub fn kpi_not_ok() -> String {
    crate::tr!("report-kpi-not-ok")
}
/// Under `~21 (10–32)`: of how many open cards; `lying` (in whole cards) picks the word's form;
/// `measured`: every open card there judged, the figure a count (`21`), worded so.
pub fn kpi_lying(lying: u64, open: u64, measured: bool) -> String {
    crate::tr!(
        "report-kpi-lying",
        measured = super::analytics::yes_no(measured),
        n = lying,
        open = count(open),
        open_n = open
    )
}

/// Under the headline figure's `—` with no card judged (in the window): no "of the 0 open
/// cards at the stages with cards judged".
pub fn kpi_lying_none() -> String {
    crate::tr!("report-kpi-lying-none")
}

/// Under the headline figure's `—` while the estimate waits for more cards judged.
pub fn kpi_lying_held(needed: u64) -> String {
    crate::tr!(
        "report-kpi-lying-held",
        needed = count(needed),
        min = crate::domain::analytics::tally::MIN_SAMPLE
    )
}

pub fn disputed(n: u64) -> String {
    crate::tr!("report-disputed", n = n, count = count(n))
}

pub fn returned(n: u64) -> String {
    crate::tr!("report-returned", n = n, count = count(n))
}

/// Reviews of cards the store no longer holds, left out of every figure.
pub fn without_card(n: u64) -> String {
    crate::tr!("report-without-card", n = n, count = count(n))
}

pub fn funnel() -> String {
    crate::tr!("report-funnel")
}
pub fn funnel_note() -> String {
    crate::tr!("report-funnel-note")
}
pub fn cards_now() -> String {
    crate::tr!("report-cards-now")
}
pub fn not_ok() -> String {
    crate::tr!("report-not-ok")
}
pub fn no_reviews() -> String {
    crate::tr!("report-no-reviews")
}

pub fn bottlenecks() -> String {
    crate::tr!("report-bottlenecks")
}
pub fn bottlenecks_note() -> String {
    crate::tr!("report-bottlenecks-note")
}
pub fn no_bottlenecks() -> String {
    crate::tr!("report-no-bottlenecks")
}
/// No bottleneck, the window holding none of the store's current reviews.
pub fn no_bottlenecks_in_window() -> String {
    crate::tr!("report-no-bottlenecks-in-window")
}
pub fn pairs() -> String {
    crate::tr!("report-pairs")
}

pub fn managers() -> String {
    crate::tr!("report-managers")
}
pub fn managers_note() -> String {
    crate::tr!("report-managers-note")
}
pub fn not_ranked() -> String {
    crate::tr!("report-not-ranked")
}

/// `3 stages with reviews not ok have fewer than 5 reviews: not ranked.`
pub fn unranked_stages(n: usize) -> String {
    crate::tr!(
        "report-unranked-stages",
        n = n,
        count = count(n as u64),
        min = crate::domain::analytics::tally::MIN_SAMPLE
    )
}

/// `3 managers at a stage with reviews not ok have fewer than 5 reviews: not ranked.`
pub fn unranked_pairs(n: usize) -> String {
    crate::tr!(
        "report-unranked-pairs",
        n = n,
        count = count(n as u64),
        min = crate::domain::analytics::tally::MIN_SAMPLE
    )
}

pub fn no_owner() -> String {
    crate::tr!("report-no-owner")
}

pub fn trend() -> String {
    crate::tr!("report-trend")
}
pub fn trend_note() -> String {
    crate::tr!("report-trend-note")
}
/// No week to draw: no reviews yet, or (said so) none in the window of the store's.
pub fn no_trend(a: &crate::domain::analytics::Analytics) -> String {
    match super::analytics::all_left_out(a, &count) {
        Some((window, reviews, span)) => crate::tr!(
            "report-no-trend-in-window",
            window = window,
            count = reviews,
            span = span
        ),
        None => crate::tr!("report-no-trend"),
    }
}

pub fn auditors() -> String {
    crate::tr!("report-auditors")
}
pub fn auditors_note() -> String {
    crate::tr!("report-auditors-note")
}
/// Under the auditors' table of a report of some days: the table is of all their reviews.
pub fn auditors_not_windowed(window: &Window) -> Option<String> {
    let named = super::analytics::window(window);
    (!named.is_empty()).then(|| crate::tr!("report-auditors-not-windowed", window = named))
}
pub fn no_auditors() -> String {
    crate::tr!("report-no-auditors")
}

pub fn stage_columns() -> [String; 9] {
    [
        crate::tr!("report-col-stage"),
        crate::tr!("report-col-cards"),
        crate::tr!("report-col-flagged"),
        crate::tr!("report-col-judged"),
        crate::tr!("report-col-not-ok"),
        crate::tr!("report-col-likely-lying"),
        crate::tr!("report-col-score"),
        crate::tr!("report-col-idle-days"),
        crate::tr!("report-col-fails-most"),
    ]
}
pub fn manager_columns() -> [String; 9] {
    let mut c = stage_columns();
    c[0] = crate::tr!("report-col-manager");
    c
}
pub fn bottleneck_columns() -> [String; 6] {
    [
        "#".to_string(),
        crate::tr!("report-col-where"),
        crate::tr!("report-col-likely-lying"),
        crate::tr!("report-col-open"),
        crate::tr!("report-col-not-ok"),
        crate::tr!("report-col-likely-cause"),
    ]
}
/// The sample of a share: `50% of 2`.
pub fn share_of(rate: Option<f64>, whole: u64) -> String {
    match rate {
        None => "—".into(),
        Some(_) => crate::tr!(
            "report-share-of",
            share = super::analytics::pct(rate),
            whole = count(whole)
        ),
    }
}
pub fn auditor_columns() -> [String; 9] {
    [
        crate::tr!("report-col-auditor"),
        crate::tr!("report-col-reviews"),
        crate::tr!("report-col-per-hour"),
        crate::tr!("report-col-median-s"),
        crate::tr!("report-col-decided"),
        crate::tr!("report-col-accepted"),
        crate::tr!("report-col-overridden"),
        crate::tr!("report-col-returned"),
        crate::tr!("report-col-reference"),
    ]
}

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

/// An estimated count, in whole cards: `~62 158`.
pub fn about(n: u64) -> String {
    format!("~{}", count(n))
}

/// An estimated count with its 95 % interval, in whole cards: `~21 (4–21)`. A count that is
/// no estimate (every open card judged: the interval is a point) is the count alone, as
/// `okk stats` writes it.
pub fn about_within(cards: WholeCards) -> String {
    if cards.low == cards.high {
        return count(cards.lying);
    }
    format!(
        "{} ({}–{})",
        about(cards.lying),
        count(cards.low),
        count(cards.high)
    )
}

/// `3 of 10 (30%)`.
pub fn of(part: u64, whole: u64, rate: Option<f64>) -> String {
    crate::tr!(
        "report-of",
        part = count(part),
        whole = count(whole),
        share = super::analytics::pct(rate)
    )
}

/// A failing item: `text ×n`.
pub fn item(text: &str, n: u64) -> String {
    format!("{text} ×{}", count(n))
}

pub fn week_axis(reviews_max: u64) -> String {
    crate::tr!(
        "report-week-axis",
        n = reviews_max,
        count = count(reviews_max)
    )
}

/// A bottleneck's bar: `~62 158 of 115 505 · 54% not ok`.
pub fn lying_of(lying: u64, cards: u64, rate: f64) -> String {
    crate::tr!(
        "report-lying-of",
        lying = about(lying),
        cards = count(cards),
        share = super::analytics::pct(Some(rate))
    )
}

/// A stage's share-not-ok bar: `54% · 12 198/22 667` (of the cards judged).
pub fn not_ok_of(rate: f64, mismatches: u64, judged: u64) -> String {
    format!(
        "{} · {}/{}",
        super::analytics::pct(Some(rate)),
        count(mismatches),
        count(judged)
    )
}

pub fn wrote(path: &Path) -> String {
    crate::tr!("report-wrote", path = super::common::output(path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_are_set_apart() {
        assert_eq!(super::count(0), "0");
        assert_eq!(super::count(999), "999");
        assert_eq!(super::count(1000), "1\u{202f}000");
        assert_eq!(super::count(1_000_000), "1\u{202f}000\u{202f}000");
        assert_eq!(super::about(62158), "~62\u{202f}158");
    }

    /// An interval that is a point (every open card judged) is a count: no `~`, no brackets,
    /// as `okk stats` writes it.
    #[test]
    fn a_count_is_written_without_its_interval_of_a_point() {
        use crate::domain::analytics::tally::WholeCards;
        let within = |lying, low, high| super::about_within(WholeCards { lying, low, high });
        assert_eq!(within(18, 7, 26), "~18 (7–26)");
        assert_eq!(within(2, 2, 2), "2");
        assert_eq!(within(1200, 1200, 1200), "1\u{202f}200");
    }

    #[test]
    fn the_words_under_a_headline_figure_agree_with_it_in_russian() {
        use crate::text::lang::{Lang, with};
        with(Lang::Ru, || {
            assert_eq!(super::kpi_cards(371), "карточка в воронке");
            assert_eq!(super::kpi_cards(372), "карточки в воронке");
            assert_eq!(super::kpi_cards(375), "карточек в воронке");
            assert_eq!(super::kpi_cards(311), "карточек в воронке");
            assert!(super::kpi_judged(21, 1).starts_with("карточка проверена (по 1 проверке)"));
            assert!(
                super::kpi_lying(2, 21, false)
                    .starts_with("карточки, вероятно, врут — из 21 открытой")
            );
        });
        with(Lang::Ru, || {
            // One review sent back is «её», several «их».
            assert!(super::returned(1).ends_with("не учтена, пока её не проведут заново."));
            assert!(super::returned(21).ends_with("не учтена, пока её не проведут заново."));
            assert!(super::returned(3).ends_with("не учтены, пока их не проведут заново."));
            let note = crate::tr!("analytics-returned", count = 1);
            assert!(note.contains("пока её не проведут заново"), "{note}");
        });
        with(Lang::En, || {
            assert_eq!(super::kpi_cards(1), "card in the funnel");
            assert_eq!(super::kpi_cards(371), "cards in the funnel");
        });
    }

    #[test]
    fn the_stages_too_small_to_rank_agree_with_their_count() {
        use crate::text::lang::{Lang, with};
        with(Lang::En, || {
            let one = super::unranked_stages(1);
            assert!(
                one.starts_with("1 stage with cards not ok has fewer"),
                "{one}"
            );
            let two = super::unranked_stages(2);
            assert!(
                two.starts_with("2 stages with cards not ok have fewer"),
                "{two}"
            );
            let pair = super::unranked_pairs(1);
            assert!(
                pair.contains("manager at a stage with cards not ok has fewer"),
                "{pair}"
            );
        });
        with(Lang::Ru, || {
            assert!(super::unranked_stages(1).starts_with("1 этап с ошибками имеет меньше"));
            assert!(super::unranked_stages(3).starts_with("3 этапа с ошибками имеют меньше"));
            assert!(super::unranked_stages(5).starts_with("5 этапов с ошибками имеют меньше"));
        });
    }
}
