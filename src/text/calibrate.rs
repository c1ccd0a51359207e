//! Words of `okk calibrate`.

use std::fmt::Write;

use crate::domain::Funnel;
use crate::domain::calibration::Calibration;
use crate::domain::calibration::Report;
use crate::text::safe::line;

pub fn too_few_auditors() -> String {
    crate::tr!("calibrate-too-few-auditors")
}

pub fn no_cards(stage: &str) -> String {
    crate::tr!("calibrate-no-cards", stage = line(stage))
}

pub fn not_found(id: Option<&str>) -> String {
    match id {
        Some(id) => crate::tr!("calibrate-not-found", id = id),
        None => crate::tr!("calibrate-none-yet"),
    }
}

pub fn created(c: &Calibration, pool: usize) -> String {
    crate::tr!(
        "calibrate-created",
        id = &c.id[..8],
        stage = line(&c.stage),
        by = line(&c.created_by),
        cards = c.cards.len(),
        pool = pool,
        seed = c.seed.to_string(),
        auditors = c.auditors.join(", ")
    )
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.3}"))
}

/// The calibration report: who judged how many cards, how much the verdicts agree (overall,
/// per pair of auditors, per checklist item) and the cards they disagree on.
pub fn report(c: &Calibration, r: &Report, funnel: &Funnel) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        crate::tr!(
            "calibrate-report-head",
            id = &c.id[..8.min(c.id.len())],
            stage = line(&c.stage),
            cards = r.cards,
            seed = c.seed.to_string(),
            by = line(&c.created_by),
            at = c.created_at.to_string()
        )
    );
    for (a, n) in &r.judged {
        let judged = crate::tr!("calibrate-judged", n = *n, cards = r.cards);
        let _ = writeln!(s, "  {:<20} {judged}", line(a));
    }
    agreement(&mut s, r);
    if !r.items.is_empty() {
        items(&mut s, c, r, funnel);
    }
    disagreements(&mut s, r);
    s
}

/// How much the verdicts agree, overall and per pair of auditors.
fn agreement(s: &mut String, r: &Report) {
    let kappa = r
        .kappa
        .map(|k| {
            format!(
                ", {}",
                crate::tr!("calibrate-cohen", kappa = format!("{k:.3}"))
            )
        })
        .unwrap_or_default();
    let _ = writeln!(
        s,
        "{}",
        crate::tr!(
            "calibrate-verdicts",
            agreement = pct(r.percent),
            alpha = num(r.alpha),
            kappa = kappa
        )
    );
    for p in &r.pairs {
        let _ = writeln!(
            s,
            "  {}",
            crate::tr!(
                "calibrate-pair",
                a = line(&p.a),
                b = line(&p.b),
                cards = p.cards,
                agreement = pct(p.percent),
                kappa = num(p.kappa)
            )
        );
    }
}

/// Agreement per checklist item, each named by its text in the stage's checklist.
fn items(s: &mut String, c: &Calibration, r: &Report, funnel: &Funnel) {
    let _ = writeln!(s, "{}", crate::tr!("calibrate-items"));
    let stage = funnel.resolve(&c.stage).map(|i| funnel.stage(i));
    for it in &r.items {
        let text = stage
            .and_then(|st| st.checklist.iter().find(|x| x.id == it.item))
            .map_or(it.item.clone(), |x| x.text.clone());
        let unanswered = match it.unanswered {
            0 => String::new(),
            n => format!(" ({})", crate::tr!("calibrate-unanswered", n = n)),
        };
        let _ = writeln!(
            s,
            "  {:<50} {}{unanswered}",
            line(&text),
            crate::tr!(
                "calibrate-item",
                agreement = format!("{:>4}", pct(it.percent)),
                alpha = num(it.alpha)
            )
        );
    }
}

/// The cards the auditors judged differently, each with every verdict and the lead's.
fn disagreements(s: &mut String, r: &Report) {
    let _ = writeln!(
        s,
        "{}",
        crate::tr!("calibrate-disagreements", n = r.disagreements.len())
    );
    for d in &r.disagreements {
        let v: Vec<String> = d
            .verdicts
            .iter()
            .map(|(a, v)| format!("{} {}", line(a), v.as_str()))
            .collect();
        let _ = writeln!(
            s,
            "  #{}: {}{}",
            line(&d.id),
            v.join(", "),
            d.reference
                .map(|r| format!(" · {}", crate::tr!("calibrate-lead", verdict = r.as_str())))
                .unwrap_or_default()
        );
    }
}
