//! Words of `okk calibrate`.

use std::fmt::Write;

use crate::domain::Funnel;
use crate::domain::calibration::Calibration;
use crate::domain::calibration::Report;
use crate::text::safe::line;

pub fn too_few_auditors() -> String {
    "a calibration needs at least two auditors: --auditors anna,boris".into()
}

pub fn no_cards(stage: &str) -> String {
    format!("«{}» has no cards to draw a calibration from", line(stage))
}

pub fn not_found(id: Option<&str>) -> String {
    match id {
        Some(id) => format!("no calibration {id}: `okk calibrate report` shows the latest"),
        None => "no calibration yet: start one with `okk calibrate new --stage NAME --cards N \
                 --auditors A,B`"
            .into(),
    }
}

pub fn created(c: &Calibration, pool: usize) -> String {
    format!(
        "calibration {} of «{}» by {}: {} of {pool} cards (seed {}), for {}.\n\
         The cards come first in each auditor's queue, marked calibration; send them with \
         `okk bundle export`. Then: okk calibrate report {}",
        &c.id[..8],
        line(&c.stage),
        line(&c.created_by),
        c.cards.len(),
        c.seed,
        c.auditors.join(", "),
        &c.id[..8]
    )
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.3}"))
}

pub fn report(c: &Calibration, r: &Report, funnel: &Funnel) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "Calibration {} · «{}» · {} cards · seed {} · by {} · {}",
        &c.id[..8.min(c.id.len())],
        line(&c.stage),
        r.cards,
        c.seed,
        line(&c.created_by),
        c.created_at
    );
    for (a, n) in &r.judged {
        let _ = writeln!(s, "  {:<20} judged {n} of {}", line(a), r.cards);
    }
    let _ = writeln!(
        s,
        "Verdicts: agreement {}, Krippendorff's alpha {}{}",
        pct(r.percent),
        num(r.alpha),
        r.kappa
            .map(|k| format!(", Cohen's kappa {k:.3}"))
            .unwrap_or_default()
    );
    for p in &r.pairs {
        let _ = writeln!(
            s,
            "  {} × {}: {} cards, agreement {}, kappa {}",
            line(&p.a),
            line(&p.b),
            p.cards,
            pct(p.percent),
            num(p.kappa)
        );
    }
    if !r.items.is_empty() {
        let _ = writeln!(s, "Checklist items:");
        let stage = funnel.resolve(&c.stage).map(|i| funnel.stage(i));
        for it in &r.items {
            let text = stage
                .and_then(|st| st.checklist.iter().find(|x| x.id == it.item))
                .map_or(it.item.clone(), |x| x.text.clone());
            let unanswered = match it.unanswered {
                0 => String::new(),
                n => format!(" ({n} left unanswered, not counted)"),
            };
            let _ = writeln!(
                s,
                "  {:<50} agreement {:>4}, alpha {}{unanswered}",
                line(&text),
                pct(it.percent),
                num(it.alpha)
            );
        }
    }
    let _ = writeln!(s, "Disagreements: {}", r.disagreements.len());
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
                .map(|r| format!(" · lead: {}", r.as_str()))
                .unwrap_or_default()
        );
    }
    s
}
