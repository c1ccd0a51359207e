//! The report page: a header with the headline figures and the stage that lies most, then one
//! section per view — funnel, bottlenecks, managers, trend, auditors — each a heading, a note,
//! and its chart or table. Well-formed XHTML-compatible markup, inline CSS, no scripts; the
//! content security policy forbids fetching anything, so the page works offline and a hostile
//! card cannot make it call out.

use std::fmt::Write;

use super::Report;
use super::charts;
use super::html::esc;
use crate::domain::analytics::make_up::JudgedBefore;
use crate::domain::analytics::{Bottleneck, FailingItem, Figures};
use crate::text::analytics::{num, pct};
use crate::text::report as msg;

/// How many (stage, manager) bottlenecks the page lists.
const PAIRS_SHOWN: usize = 15;
/// How many stage bottlenecks the chart draws.
const STAGES_SHOWN: usize = 10;

const STYLE: &str = "
body { font-family: -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif;
  color: #1f2933; background: #f6f7f9; margin: 0; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 20px; margin: 0 0 6px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
section { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: 18px 20px;
  margin: 18px 0; }
.muted, .note { color: #65717e; }
.note { margin: 0 0 12px; font-size: 14px; }
.kpis { display: flex; gap: 14px; margin: 16px 0; flex-wrap: wrap; }
.kpi { background: #fff; border: 1px solid #e3e6ea; border-radius: 8px; padding: 12px 16px;
  min-width: 180px; }
.kpi b { display: block; font-size: 26px; }
.headline { background: #fff4f2; border-left: 4px solid #c8423b; padding: 10px 14px;
  border-radius: 4px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { padding: 5px 8px; border-bottom: 1px solid #eef0f3; text-align: right;
  vertical-align: top; }
th { background: #f6f7f9; font-weight: 600; }
th:first-child, td:first-child, .text { text-align: left; }
td.items { text-align: left; color: #65717e; font-size: 12px; }
svg { display: block; margin: 6px 0 14px; }
svg .label { font-size: 13px; fill: #1f2933; }
svg .value { font-size: 12px; fill: #1f2933; }
svg .axis { font-size: 11px; fill: #65717e; }
svg .muted { font-size: 12px; fill: #9aa5b1; }
footer { color: #9aa5b1; font-size: 12px; text-align: center; }
";

pub fn render(r: &Report) -> String {
    let a = r.analytics;
    let mut s = String::with_capacity(64 * 1024);
    let title = esc(&msg::title(r.funnel_name));
    let lang = msg::html_lang();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
    );
    header(&mut s, r, &title);
    funnel(&mut s, r);
    bottlenecks(&mut s, r);
    managers(&mut s, r);
    section(&mut s, "trend", &msg::trend(), &msg::trend_note());
    if a.trend.is_empty() {
        let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&msg::no_trend(a)));
    }
    s.push_str(&charts::trend(&a.trend));
    s.push_str("\n</section>\n");
    auditors(&mut s, r);
    super::funnel::sections(&mut s, r);
    let _ = write!(
        s,
        "<footer>okk {}</footer>\n</main>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    s
}

fn header(s: &mut String, r: &Report, title: &str) {
    let a = r.analytics;
    let t = &a.totals;
    let f = &t.figures;
    // The funnel's likely lying cards as `okk stats` gives them (`totals`): each judged stage's
    // share over its own open cards, summed.
    // Held back, as `okk stats` holds it, while a stage it sums has too few cards judged.
    let short = a.estimate_short();
    let lying = match f.lying_cards {
        Some(cards) if short.shown() => msg::about_within(cards),
        _ => "—".into(),
    };
    let lying_label = if f.lying_cards.is_none() {
        msg::kpi_lying_none()
    } else if short.shown() {
        msg::kpi_lying(
            f.lying_cards.map_or(0, |c| c.lying),
            f.covered_cards,
            a.total_measured(),
        )
    } else {
        msg::kpi_lying_held(short.cards)
    };
    let _ = write!(
        s,
        "<header>\n<h1>{title}</h1>\n<p class=\"muted\">{}</p>\n<div class=\"kpis\">",
        esc(&msg::generated(r.generated, &a.window, a.last_review))
    );
    for (value, label) in [
        (msg::count(t.cards), msg::kpi_cards(t.cards)),
        (msg::count(f.judged), msg::kpi_judged(f.judged, f.reviews)),
        (pct(f.mismatch_rate), msg::kpi_not_ok()),
        (lying, lying_label),
    ] {
        let _ = write!(
            s,
            "<div class=\"kpi\"><b>{}</b><span class=\"muted\">{}</span></div>",
            esc(&value),
            esc(&label)
        );
    }
    s.push_str("</div>\n<p class=\"headline\">");
    let mut sentence = crate::text::analytics::headline(a, &msg::count);
    if !short.shown() && f.lying_cards.is_some() {
        sentence = crate::text::analytics::estimate_held(a, &msg::count) + "\n" + &sentence;
    }
    // The open cards the headline figure leaves out, a kind of card none judged at its stage.
    if let Some(unsampled) = crate::text::analytics::unsampled(a, &msg::count) {
        sentence = sentence + "\n" + &unsampled;
    }
    let lines: Vec<String> = sentence.lines().map(|l| esc(l.trim())).collect();
    s.push_str(&lines.join("<br/>"));
    s.push_str("</p>\n");
    if f.judged > 0 {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            esc(&crate::text::analytics::not_ok_note(f, &msg::count))
        );
    }
    if f.disputed > 0 {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            esc(&msg::disputed(f.disputed))
        );
    }
    if a.returned > 0 {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            esc(&msg::returned(a.returned))
        );
    }
    if a.without_card > 0 {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            esc(&msg::without_card(a.without_card))
        );
    }
    s.push_str("</header>\n");
}

fn items(items: &[FailingItem], with_stage: bool) -> String {
    let one = |i: &FailingItem| {
        let text = if with_stage {
            format!("{} [{}]", i.text, i.stage)
        } else {
            i.text.clone()
        };
        esc(&msg::item(&text, i.failed))
    };
    items.iter().map(one).collect::<Vec<_>>().join("<br/>")
}

/// A section's opening: its anchor `id`, its title and the note under it.
pub(super) fn section(s: &mut String, id: &str, title: &str, note: &str) {
    let _ = write!(
        s,
        "<section id=\"{id}\">\n<h2>{}</h2>\n<p class=\"note\">{}</p>\n",
        esc(title),
        esc(note)
    );
}

/// A table's head; the `text` columns are aligned left like their cells, the rest (figures)
/// right.
pub(super) fn head(s: &mut String, columns: &[String], text: &[usize]) {
    s.push_str("<table>\n<thead><tr>");
    for (i, c) in columns.iter().enumerate() {
        let class = if text.contains(&i) {
            " class=\"text\""
        } else {
            ""
        };
        let _ = write!(s, "<th{class}>{}</th>", esc(c));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
}

/// The cells every stage and manager row shares, after its name; `why` its estimate is marked
/// (judged mostly before a funnel version changed its stage's make-up).
fn figure_cells(
    s: &mut String,
    cards: u64,
    flagged: u64,
    f: &Figures,
    with_stage: bool,
    why: Option<String>,
) {
    let _ = write!(
        s,
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
         <td>{}</td><td class=\"items\">{}</td>",
        esc(&msg::count(cards)),
        esc(&msg::count(flagged)),
        esc(&msg::count(f.judged)),
        esc(&f
            .mismatch_rate
            .map_or("—".into(), |r| msg::of(f.mismatches, f.judged, Some(r)))),
        esc(&lying_cell(f, why)),
        esc(&crate::text::analytics::score(f)),
        esc(&num(f.median_idle_days)),
        items(&f.top_failing, with_stage)
    );
}

/// Likely lying with its interval, whether the sample is too small to rank (not said of a
/// measured one), and `why` it is marked.
fn lying_cell(f: &Figures, why: Option<String>) -> String {
    let Some(cards) = f.lying_cards else {
        return "—".into();
    };
    let mut within = msg::about_within(cards);
    // A measured group's figure is a count of its judged open cards: it holds nothing back,
    // however few they are (docs/analytics.md), and `okk stats` marks it no more.
    if !f.ranked && !f.measured {
        within = format!("{within} · {}", &msg::not_ranked());
    }
    if let Some(why) = why {
        within = format!("{within} · {why}");
    }
    within
}

/// Why a stage's, or a bottleneck's, estimate is marked.
fn stage_why(j: Option<&JudgedBefore>) -> Option<String> {
    j.map(|j| crate::text::analytics::judged_before_change(j, &msg::count))
}

fn funnel(s: &mut String, r: &Report) {
    section(s, "funnel", &msg::funnel(), &msg::funnel_note());
    s.push_str(&charts::funnel(r.rows));
    s.push('\n');
    head(s, &msg::stage_columns(), &[8]);
    for row in r.rows {
        let _ = write!(s, "<tr><td>{}", esc(&row.base.stage));
        if let Some(mark) = crate::text::analytics::stage_mark_word(&row.base) {
            let _ = write!(s, "<br/><span class=\"muted\">{}</span>", esc(&mark));
        }
        s.push_str("</td>");
        let why = stage_why(row.figures.judged_before_change.as_ref());
        figure_cells(
            s,
            row.base.cards,
            row.base.flagged,
            &row.figures,
            false,
            why,
        );
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n");
    let several = crate::text::analytics::several_stages(
        r.rows.iter().map(|r| &r.figures),
        r.analytics,
        &msg::count,
    );
    if let Some(several) = several {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&several));
    }
    let by_stage = r.rows.iter().map(|r| (r.base.stage.as_str(), &r.figures));
    if let Some(elsewhere) = crate::text::analytics::decided_elsewhere(by_stage, &msg::count) {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&elsewhere));
    }
    s.push_str("</section>\n");
}

fn bottleneck_rows(s: &mut String, rows: &[Bottleneck], label: impl Fn(&Bottleneck) -> String) {
    head(s, &msg::bottleneck_columns(), &[1, 5]);
    for b in rows {
        let cause: Vec<String> = b
            .likely_cause
            .iter()
            .map(|i| esc(&msg::item(&i.text, i.failed_in_mismatch)))
            .collect();
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td class=\"items\">{}</td></tr>",
            b.rank,
            esc(&label(b)),
            esc(&bottleneck_lying(b)),
            esc(&msg::count(b.covered_cards)),
            esc(&msg::of(b.mismatches, b.judged, Some(b.mismatch_rate))),
            cause.join("<br/>")
        );
    }
    s.push_str("</tbody>\n</table>\n");
}

/// A bottleneck's likely lying cards, and why they are marked.
fn bottleneck_lying(b: &Bottleneck) -> String {
    let within = msg::about_within(b.lying_cards);
    match stage_why(b.judged_before_change.as_ref()) {
        Some(why) => format!("{within} · {why}"),
        None => within,
    }
}

fn pair_label(b: &Bottleneck) -> String {
    format!(
        "{} · {}",
        b.stage,
        b.manager.as_deref().unwrap_or(&msg::no_owner())
    )
}

fn bottlenecks(s: &mut String, r: &Report) {
    let b = &r.analytics.bottlenecks;
    section(
        s,
        "bottlenecks",
        &msg::bottlenecks(),
        &msg::bottlenecks_note(),
    );
    // "None" only when no card judged is wrong: wrong cards at stages too small to rank are
    // named below instead (the page must not say none lie when every card judged does).
    if b.stages.is_empty() && b.unranked_stages == 0 {
        let none = match r.analytics.all_left_out {
            Some(_) => msg::no_bottlenecks_in_window(),
            None => msg::no_bottlenecks(),
        };
        let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&none));
    }
    let shown = &b.stages[..b.stages.len().min(STAGES_SHOWN)];
    s.push_str(&charts::bottlenecks(shown, |b| b.stage.clone()));
    s.push('\n');
    if !b.stages.is_empty() {
        bottleneck_rows(s, &b.stages, |b| b.stage.clone());
    }
    if b.unranked_stages > 0 {
        let _ = writeln!(
            s,
            "<p class=\"muted\">{}</p>",
            esc(&msg::unranked_stages(b.unranked_stages))
        );
    }
    if !b.stages.is_empty() {
        let _ = writeln!(s, "<h3>{}</h3>", esc(&msg::pairs()));
        if !b.pairs.is_empty() {
            bottleneck_rows(s, &b.pairs[..b.pairs.len().min(PAIRS_SHOWN)], pair_label);
        }
        if b.unranked_pairs > 0 {
            let _ = writeln!(
                s,
                "<p class=\"muted\">{}</p>",
                esc(&msg::unranked_pairs(b.unranked_pairs))
            );
        }
    }
    s.push_str("</section>\n");
}

fn managers(s: &mut String, r: &Report) {
    section(s, "managers", &msg::managers(), &msg::managers_note());
    head(s, &msg::manager_columns(), &[8]);
    for m in &r.analytics.managers {
        let _ = write!(
            s,
            "<tr><td>{}</td>",
            esc(m.manager.as_deref().unwrap_or(&msg::no_owner()))
        );
        let f = &m.group.figures;
        let why = (f.judged_before_change.as_ref()).map(|j| {
            crate::text::analytics::manager_judged_before_change(j, &m.changed_stages, &msg::count)
        });
        figure_cells(s, m.group.cards, m.group.flagged, f, true, why);
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}

fn auditors(s: &mut String, r: &Report) {
    section(s, "auditors", &msg::auditors(), &msg::auditors_note());
    // The figures above are the window's; these are not: said beside them, or a window that
    // holds no review reads against a table of many.
    if let Some(all) = msg::auditors_not_windowed(&r.analytics.window) {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&all));
    }
    if r.auditors.is_empty() {
        let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&msg::no_auditors()));
    }
    head(s, &msg::auditor_columns(), &[]);
    for a in r.auditors {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>\
             <td>{}</td><td>{}</td></tr>",
            esc(&a.auditor),
            esc(&msg::count(a.reviews)),
            esc(&num(a.cards_per_hour.map(|v| v.round()))),
            esc(&num(a.median_seconds.map(|v| v.round()))),
            a.decided,
            esc(&msg::share_of(a.accepted, a.decided)),
            esc(&msg::share_of(a.overridden, a.decided)),
            esc(&msg::share_of(a.returned, a.decided)),
            esc(&msg::share_of(a.reference_agreement, a.calibrated))
        );
    }
    s.push_str("</tbody>\n</table>\n</section>\n");
}
