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
        return "No cards with custom fields match.\n".to_string();
    }
    let mut out = String::from("Custom fields kept per stage (filled of cards):\n");
    let mut last_field = None;
    for r in rows {
        if last_field != Some(&r.field) {
            out.push_str(&format!("\n«{}»\n", line(&r.field)));
            last_field = Some(&r.field);
        }
        let mark = match (r.bound, r.required) {
            (true, true) => " [bound, required]",
            (true, false) => " [bound]",
            (false, true) => " [required]",
            (false, false) => "",
        };
        let worst = r
            .owners
            .iter()
            .find(|o| o.cards > 0 && o.filled < o.cards)
            .map(|o| {
                format!(
                    "  emptiest: {} {} of {} ({})",
                    o.owner.as_deref().map_or("(no owner)".into(), line),
                    o.filled,
                    o.cards,
                    pct(o.rate)
                )
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "  {}{mark}: {} of {} ({}){worst}\n",
            line(&r.stage),
            r.filled,
            r.cards,
            pct(r.rate)
        ));
    }
    out
}

// The report's fields section.
pub const REPORT_TITLE: &str = "Fields kept";
pub const REPORT_NOTE: &str = "The custom fields the funnel binds to a stage or requires there: \
how many of the stage's cards have them filled, and the owner who leaves them empty most. \
`okk fields` lists every column, declared or not.";
pub const REPORT_NONE: &str = "The funnel binds and requires no custom field.";
pub const REPORT_COLUMNS: [&str; 6] = [
    "Field",
    "Stage",
    "Filled",
    "Cards",
    "Rate",
    "Emptiest owner",
];
pub const NO_OWNER: &str = "(no owner)";
pub const REPORT_TREND: &str = "The trend per sync is not shown: the store keeps the cards as \
they are now, not each sync's fill rates.";
