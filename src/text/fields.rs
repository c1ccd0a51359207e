//! What `okk fields` prints: per custom field and stage, how many cards keep it, and the
//! owner who leaves it empty most.

use crate::domain::fill::{FillRow, TrendPoint};
use crate::text::safe::line;

use super::analytics::pct;

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
            .find(|o| o.cards > 0 && o.empty() > 0)
            .map(|o| {
                format!(
                    "  {}",
                    crate::tr!(
                        "fields-emptiest",
                        owner = o
                            .owner
                            .as_deref()
                            .map_or_else(no_owner, |o| line(o).into_owned()),
                        empty = o.empty(),
                        cards = o.cards
                    )
                )
            })
            .unwrap_or_default();
        if !r.not_exported_by.is_empty() {
            out.push_str(&format!(
                "  {}{mark}: {}\n",
                line(&r.stage),
                not_exported(&r.not_exported_by)
            ));
            continue;
        }
        let trend = trend(&r.trend);
        let trend = if trend.is_empty() {
            trend
        } else {
            format!("  {}", crate::tr!("fields-trend", rates = trend))
        };
        out.push_str(&format!(
            "  {}{mark}: {}{worst}{trend}\n",
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

/// A field no source's exports have: `not given by amoCRM` in place of its rate.
pub fn not_exported(sources: &[String]) -> String {
    let sources: Vec<String> = sources.iter().map(|s| source_name(s)).collect();
    crate::tr!("fields-not-exported", sources = sources.join(", "))
}

/// A source by the CRM's own name where it is a profile's (`amocrm` → `amoCRM`: tester39 F15),
/// else as the import named it.
fn source_name(source: &str) -> String {
    let known = [
        ("amocrm", "amoCRM"),
        ("bitrix24", "Bitrix24"),
        ("hubspot", "HubSpot"),
        ("pipedrive", "Pipedrive"),
        ("salesforce", "Salesforce"),
    ];
    (known.iter())
        .find(|(id, _)| *id == source)
        .map_or_else(|| line(source).into_owned(), |(_, name)| name.to_string())
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

/// The report's «emptiest owner» cell: the owner and how many of their cards leave it empty.
pub fn report_emptiest(owner: &str, empty: u64, cards: u64) -> String {
    crate::tr!(
        "fields-report-emptiest",
        owner = owner.to_string(),
        empty = empty,
        cards = cards
    )
}

pub fn report_columns() -> [String; 7] {
    [
        crate::tr!("fields-column-field"),
        crate::tr!("fields-column-stage"),
        crate::tr!("fields-column-filled"),
        crate::tr!("fields-column-cards"),
        crate::tr!("fields-column-rate"),
        crate::tr!("fields-column-trend"),
        crate::tr!("fields-column-emptiest"),
    ]
}

/// Runs a trend shows in a line of text.
const TREND_SHOWN: usize = 5;

/// The rates at the latest runs, oldest first, `40% → 62% → 93%`; empty with fewer than two
/// runs recorded (no trend to read yet).
pub fn trend(points: &[TrendPoint]) -> String {
    if points.len() < 2 {
        return String::new();
    }
    let skip = points.len().saturating_sub(TREND_SHOWN);
    points[skip..]
        .iter()
        .map(|p| pct(p.rate))
        .collect::<Vec<_>>()
        .join(" → ")
}

pub fn no_owner() -> String {
    crate::tr!("fields-no-owner")
}

pub fn report_trend() -> String {
    crate::tr!("fields-report-trend")
}

#[cfg(test)]
mod tests {
    /// A CRM by its own name (tester39 F15: «не приходит из amocrm»); a source of the user's
    /// own naming as it is.
    #[test]
    fn a_field_no_export_gives_names_the_crm_by_its_own_name() {
        crate::text::lang::with(crate::text::lang::Lang::Ru, || {
            let said = super::not_exported(&["amocrm".into(), "moi_crm".into()]);
            assert_eq!(said, "не приходит из amoCRM, moi_crm");
        });
    }
}
