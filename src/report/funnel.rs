//! The report's funnel sections: how well the bound and required fields are kept per stage,
//! and, once the funnel has changed, the stages the latest change touched before and after it.

use std::fmt::Write;

use super::Report;
use super::html::esc;
use super::page::{head, section};
use crate::domain::version_split::Side;
use crate::text::fields as fmsg;
use crate::text::versions as vmsg;

use crate::text::analytics::pct;

pub fn sections(s: &mut String, r: &Report) {
    fields(s, r);
    before_after(s, r);
}

fn fields(s: &mut String, r: &Report) {
    section(s, "fields", &fmsg::report_title(), &fmsg::report_note());
    let checked: Vec<_> = r.fields.iter().filter(|f| f.bound || f.required).collect();
    if checked.is_empty() {
        let _ = writeln!(s, "<p class=\"muted\">{}</p>", esc(&fmsg::report_none()));
    } else {
        head(s, &fmsg::report_columns(), &[]);
        for f in checked {
            if !f.not_exported_by.is_empty() {
                // Nothing to rate and no one to blame: the CRM never sends the field.
                let _ = writeln!(
                    s,
                    "<tr><td>{}</td><td class=\"text\">{}</td><td>—</td><td>{}</td>\
                     <td class=\"text\">{}</td><td class=\"text\">—</td><td class=\"text\">—</td></tr>",
                    esc(&f.field),
                    esc(&f.stage),
                    f.cards,
                    esc(&fmsg::not_exported(&f.not_exported_by)),
                );
                continue;
            }
            // Whoever leaves it empty on the most cards, by the empty ones, as `okk fields` and
            // the stats screen say it (the column's heading says «empty»).
            let worst = f
                .owners
                .iter()
                .find(|o| o.cards > 0 && o.empty() > 0)
                .map(|o| {
                    fmsg::report_emptiest(
                        &o.owner.clone().unwrap_or_else(fmsg::no_owner),
                        o.empty(),
                        o.cards,
                    )
                })
                .unwrap_or_default();
            let trend = fmsg::trend(&f.trend);
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td class=\"text\">{}</td><td>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
                esc(&f.field),
                esc(&f.stage),
                f.filled,
                f.cards,
                pct(f.rate),
                if trend.is_empty() {
                    "—"
                } else {
                    trend.as_str()
                },
                esc(&worst)
            );
        }
        s.push_str("</tbody>\n</table>\n");
        // What the table's trend column reads: no table, nothing to explain.
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&fmsg::report_trend()));
    }
    s.push_str("</section>\n");
}

fn side_cells(s: &mut String, side: &Side) {
    let _ = write!(
        s,
        "<td>{} / {} ({})</td><td>{} / {} ({})</td><td>{}</td>",
        side.mismatches,
        side.judged,
        pct(side.mismatch_rate),
        side.moved_on,
        side.entered,
        pct(side.conversion),
        side.median_days
            .map_or_else(|| "—".to_string(), |d| d.to_string())
    );
}

fn before_after(s: &mut String, r: &Report) {
    let Some(split) = r.before_after else {
        return;
    };
    section(
        s,
        "before-after",
        &vmsg::report_title(split.version),
        &vmsg::report_note(split),
    );
    head(s, &vmsg::report_columns(), &[]);
    for row in &split.stages {
        // The stage, and what the version did to it (added, removed: the version before's).
        let mut said = vmsg::stage_notes(split, row);
        said.extend(vmsg::emptied_into(row));
        let said = said.join("; ");
        let _ = write!(s, "<tr><td class=\"text\">{}", esc(&row.stage));
        if !said.is_empty() {
            let _ = write!(s, "<br/><span class=\"muted\">{}</span>", esc(&said));
        }
        s.push_str("</td>");
        match &row.before {
            Some(before) => side_cells(s, before),
            // An added stage had no before: one cell says so across the three.
            None => {
                let _ = write!(
                    s,
                    "<td colspan=\"3\" class=\"text muted\">{}</td>",
                    esc(&vmsg::no_before(split.version))
                );
            }
        }
        side_cells(s, &row.after);
        let _ = writeln!(
            s,
            "<td>{}</td></tr>",
            vmsg::idle_days(row.median_idle_days_now)
        );
    }
    s.push_str("</tbody>\n</table>\n");
    for line in vmsg::split_notes(split) {
        let _ = writeln!(s, "<p class=\"note\">{}</p>", esc(&line));
    }
    s.push_str("</section>\n");
}
