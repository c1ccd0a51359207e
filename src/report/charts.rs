//! The report's charts, as inline SVG: cards and the share not ok per stage, estimated lying
//! cards per bottleneck, reviews and the share not ok per week. Fixed sizes and no fonts
//! fetched: the page draws the same offline as on.

use std::fmt::Write;

use super::html::{cut, esc};
use crate::domain::analytics::{Bottleneck, StageRow, Week};
use crate::text::analytics::pct;
use crate::text::report as msg;

const WIDTH: f64 = 1000.0;
const ROW: f64 = 26.0;
const LABEL: f64 = 250.0;

/// A colour for a share not ok: green while most cards tell the truth, red when most lie.
fn heat(rate: f64) -> &'static str {
    match rate {
        r if r < 0.15 => "#4c9a5b",
        r if r < 0.35 => "#d9a227",
        r if r < 0.6 => "#e07b39",
        _ => "#c8423b",
    }
}

fn open(s: &mut String, height: f64, label: &str) {
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" aria-label="{}">"#,
        esc(label)
    );
}

/// Per stage: a bar of its cards (the likely lying part of its open cards in red) and a bar of
/// the share of the cards judged there not ok.
pub fn funnel(rows: &[StageRow]) -> String {
    let max = rows.iter().map(|r| r.base.cards).max().unwrap_or(0).max(1) as f64;
    // Room on the right of each bar for its label: `146 852`, `54% · 12 198/22 667`.
    let (cards_x, cards_w) = (LABEL + 10.0, 340.0);
    let (rate_x, rate_w) = (cards_x + cards_w + 70.0, 170.0);
    let height = 30.0 + ROW * rows.len() as f64;
    let mut s = String::new();
    open(&mut s, height, &msg::funnel());
    let _ = write!(
        s,
        r#"<text x="{cards_x}" y="16" class="axis">{}</text><text x="{rate_x}" y="16" class="axis">{}</text>"#,
        esc(&msg::cards_now()),
        esc(&msg::not_ok())
    );
    for (i, r) in rows.iter().enumerate() {
        let y = 26.0 + ROW * i as f64;
        let (b, f) = (&r.base, &r.figures);
        let w = cards_w * b.cards as f64 / max;
        // A stage the funnel does not list (a later version removed it, its reviews stay) is
        // marked as the table beside it marks it, and drawn muted.
        let mark = crate::text::analytics::stage_mark_word(b).filter(|_| !b.known);
        let (title, class) = match &mark {
            Some(mark) => (format!("{} — {mark}", b.stage), "label muted"),
            None => (b.stage.clone(), "label"),
        };
        let _ = write!(
            s,
            r#"<g><title>{}</title><text x="{LABEL}" y="{}" text-anchor="end" class="{class}">{}</text>"#,
            esc(&title),
            y + 15.0,
            esc(&cut(&b.stage, 34))
        );
        let _ = write!(
            s,
            r##"<rect x="{cards_x}" y="{}" width="{w:.1}" height="18" fill="#5b7db1"/>"##,
            y + 2.0
        );
        if let Some(lying) = f.estimated_lying.filter(|n| *n > 0.0) {
            let lw = cards_w * lying.min(b.cards as f64) / max;
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{}" width="{lw:.1}" height="18" fill="#c8423b"/>"##,
                cards_x + w - lw,
                y + 2.0
            );
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" class="value">{}</text>"#,
            cards_x + w + 5.0,
            y + 15.0,
            esc(&msg::count(b.cards))
        );
        let _ = write!(
            s,
            r##"<rect x="{rate_x}" y="{}" width="{rate_w}" height="18" fill="#eef0f3"/>"##,
            y + 2.0
        );
        match f.mismatch_rate {
            Some(rate) => {
                let _ = write!(
                    s,
                    r#"<rect x="{rate_x}" y="{}" width="{:.1}" height="18" fill="{}"/><text x="{}" y="{}" class="value">{}</text>"#,
                    y + 2.0,
                    rate_w * rate,
                    heat(rate),
                    rate_x + rate_w + 6.0,
                    y + 15.0,
                    esc(&msg::not_ok_of(rate, f.mismatches, f.judged))
                );
            }
            None => {
                let _ = write!(
                    s,
                    r#"<text x="{}" y="{}" class="muted">{}</text>"#,
                    rate_x + 6.0,
                    y + 15.0,
                    esc(&msg::no_reviews())
                );
            }
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// The top bottlenecks: a bar of estimated lying cards each, coloured by the share not ok.
pub fn bottlenecks(rows: &[Bottleneck], label: impl Fn(&Bottleneck) -> String) -> String {
    let max = rows
        .iter()
        .map(|b| b.estimated_lying)
        .fold(0.0, f64::max)
        .max(1.0);
    // Room on the right for the longest label: `~62 158 of 115 505 · 54% not ok`.
    let (x, bar_w) = (LABEL + 10.0, 470.0);
    let height = 10.0 + ROW * rows.len() as f64;
    let mut s = String::new();
    open(&mut s, height, &msg::bottlenecks());
    for (i, b) in rows.iter().enumerate() {
        let y = 6.0 + ROW * i as f64;
        let name = label(b);
        let w = bar_w * b.estimated_lying / max;
        let _ = write!(
            s,
            r#"<g><title>{}</title><text x="{LABEL}" y="{}" text-anchor="end" class="label">{}. {}</text><rect x="{x}" y="{}" width="{w:.1}" height="18" fill="{}"/><text x="{:.1}" y="{}" class="value">{}</text></g>"#,
            esc(&name),
            y + 15.0,
            b.rank,
            esc(&cut(&name, 32)),
            y + 2.0,
            heat(b.mismatch_rate),
            x + w + 6.0,
            y + 15.0,
            esc(&msg::lying_of(
                b.lying_cards.lying,
                b.covered_cards,
                b.mismatch_rate
            ))
        );
    }
    s.push_str("</svg>");
    s
}

/// Cards judged per week as bars (left scale) and their share not ok as a line (0–100%, right
/// scale).
pub fn trend(weeks: &[Week]) -> String {
    let height = 280.0;
    let (left, right, top, bottom) = (40.0, 60.0, 28.0, 50.0);
    let plot = TrendPlot {
        left,
        top,
        width: WIDTH - left - right,
        height: height - top - bottom,
        max: weeks.iter().map(|w| w.judged).max().unwrap_or(0).max(1),
        slot: (WIDTH - left - right) / weeks.len().max(1) as f64,
    };
    let mut s = String::new();
    open(&mut s, height, &msg::trend());
    plot.axes(&mut s);
    let points = plot.bars(&mut s, weeks);
    plot.line(&mut s, &points);
    if let (Some(first), Some(last)) = (weeks.first(), weeks.last()) {
        let _ = write!(
            s,
            r#"<text x="{left}" y="{}" class="axis">{} … {}</text>"#,
            height - 8.0,
            crate::text::common::day(first.starts),
            crate::text::common::day(last.starts)
        );
    }
    s.push_str("</svg>");
    s
}

/// Where the trend chart draws: its plot area, the reviews scale and each week's slot.
struct TrendPlot {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
    /// The most reviews in a week: the top of the left scale.
    max: u64,
    slot: f64,
}

impl TrendPlot {
    fn base(&self) -> f64 {
        self.top + self.height
    }

    /// The base line, the 0/50/100% guides of the right scale and the reviews scale.
    fn axes(&self, s: &mut String) {
        let (left, base) = (self.left, self.base());
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#999"/>"##,
            left + self.width
        );
        for frac in [0.0, 0.5, 1.0] {
            let label = pct(Some(frac));
            let y = base - self.height * frac;
            let _ = write!(
                s,
                r##"<line x1="{left}" y1="{y}" x2="{}" y2="{y}" stroke="#e3e6ea"/><text x="{}" y="{}" class="axis">{label}</text>"##,
                left + self.width,
                left + self.width + 6.0,
                y + 4.0
            );
        }
        // The cards' scale: its top above the plot (a long number never runs off the left edge).
        let _ = write!(
            s,
            r#"<text x="{left}" y="{}" class="axis">{}</text><text x="{}" y="{}" text-anchor="end" class="axis">0</text>"#,
            self.top - 10.0,
            esc(&msg::week_axis(self.max)),
            left - 6.0,
            base + 4.0
        );
    }

    /// A bar per week with its label (every n-th past about 20 weeks); the points of the share
    /// line, for the weeks that have one.
    fn bars(&self, s: &mut String, weeks: &[Week]) -> Vec<(f64, f64, f64)> {
        let (slot, base) = (self.slot, self.base());
        let every = (weeks.len() / 20).max(1);
        let mut points = Vec::new();
        for (i, w) in weeks.iter().enumerate() {
            let x = self.left + slot * i as f64;
            let h = self.height * w.judged as f64 / self.max as f64;
            let bar = (slot * 0.7).max(1.0);
            let _ = write!(
                s,
                r##"<rect x="{:.1}" y="{:.1}" width="{bar:.1}" height="{h:.1}" fill="#9db4d6"><title>{} · {} · {}</title></rect>"##,
                x + (slot - bar) / 2.0,
                base - h,
                esc(&w.week),
                w.judged,
                pct(w.mismatch_rate)
            );
            if i % every == 0 {
                let _ = write!(
                    s,
                    r#"<text x="{:.1}" y="{}" text-anchor="middle" class="axis">{}</text>"#,
                    x + slot / 2.0,
                    base + 16.0,
                    esc(w.week.get(5..).unwrap_or(&w.week))
                );
            }
            if let Some(rate) = w.mismatch_rate {
                points.push((x + slot / 2.0, base - self.height * rate, rate));
            }
        }
        points
    }

    /// The share not ok: a line through the points (two at least), each point coloured.
    fn line(&self, s: &mut String, points: &[(f64, f64, f64)]) {
        if points.len() > 1 {
            let path: Vec<String> = points
                .iter()
                .map(|(x, y, _)| format!("{x:.1},{y:.1}"))
                .collect();
            let _ = write!(
                s,
                r##"<polyline points="{}" fill="none" stroke="#c8423b" stroke-width="2"/>"##,
                path.join(" ")
            );
        }
        for (x, y, rate) in points {
            let _ = write!(
                s,
                r##"<circle cx="{x:.1}" cy="{y:.1}" r="3.5" fill="{}"/>"##,
                heat(*rate)
            );
        }
    }
}
