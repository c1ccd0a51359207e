//! What `okk fields` prints: per custom field and stage, how many cards keep it, and the
//! owner who leaves it empty most.

use crate::domain::fill::FillRow;
use crate::text::safe::line;

fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_string(), |r| format!("{:.0}%", r * 100.0))
}

/// The table: one line per field and stage, bound or required ones first.
pub fn table(rows: &[FillRow]) -> String {
    if rows.is_empty() {
        return format!("{}\n", crate::tr!("fields-none"));
    }
    let mut out = format!("{}\n", crate::tr!("fields-title"));
    let mut last_field = None;
    for r in rows {
        if last_field != Some(&r.field) {
            out.push_str(&format!("\n«{}»\n", line(&r.field)));
            last_field = Some(&r.field);
        }
        let mark = match (r.bound, r.required) {
            (true, true) => format!(" [{}]", crate::tr!("fields-bound-required")),
            (true, false) => format!(" [{}]", crate::tr!("fields-bound")),
            (false, true) => format!(" [{}]", crate::tr!("fields-required")),
            (false, false) => String::new(),
        };
        let worst = r
            .owners
            .iter()
            .find(|o| o.cards > 0 && o.filled < o.cards)
            .map(|o| {
                format!(
                    "  {}",
                    crate::tr!(
                        "fields-emptiest",
                        owner = o
                            .owner
                            .as_deref()
                            .map_or_else(no_owner, |o| line(o).into_owned()),
                        filled = o.filled,
                        cards = o.cards,
                        rate = pct(o.rate)
                    )
                )
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}{mark}: {}{worst}\n",
            line(&r.stage),
            crate::tr!(
                "fields-filled",
                filled = r.filled,
                cards = r.cards,
                rate = pct(r.rate)
            )
        ));
    }
    out
}

// The report's fields section.
pub fn report_title() -> String {
    crate::tr!("fields-report-title")
}

pub fn report_note() -> String {
    crate::tr!("fields-report-note")
}

pub fn report_none() -> String {
    crate::tr!("fields-report-none")
}

pub fn report_columns() -> [String; 6] {
    [
        crate::tr!("fields-column-field"),
        crate::tr!("fields-column-stage"),
        crate::tr!("fields-column-filled"),
        crate::tr!("fields-column-cards"),
        crate::tr!("fields-column-rate"),
        crate::tr!("fields-column-emptiest"),
    ]
}

pub fn no_owner() -> String {
    crate::tr!("fields-no-owner")
}

pub fn report_trend() -> String {
    crate::tr!("fields-report-trend")
}
