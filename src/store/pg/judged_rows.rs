//! A judged card's rows for `COPY`: its flags and, when it has any, its standing (the import's
//! and the rules run's, `pg::import` and `pg::rules_run`).

use super::copy_text::CopyRows;
use crate::store::flag_write::JudgedFlag;
use crate::store::flags::place;
use crate::store::read::QueueColumns;

pub(super) fn push(
    flag_rows: &mut CopyRows,
    standing_rows: &mut CopyRows,
    id: i64,
    flags: &[JudgedFlag],
    columns: Option<&QueueColumns>,
) {
    for (seq, j) in flags.iter().enumerate() {
        let out = &mut *flag_rows;
        out.int(Some(id));
        out.int(Some(seq as i64));
        out.text(Some(j.code.as_str()));
        out.int(Some(j.severity.rank()));
        out.text(Some(&j.args));
        out.text(j.field.as_deref());
        out.end_row();
    }
    let Some(c) = columns.filter(|_| !flags.is_empty()) else {
        return;
    };
    let top = flags.iter().map(|f| f.severity.rank()).max().unwrap_or(0);
    let count = flags.len() as i64;
    let out = standing_rows;
    out.int(Some(id));
    out.int(Some(top));
    out.int(Some(count));
    out.int(Some(place(top, count)));
    out.text(Some(&c.stage));
    out.text(Some(c.touched_at.as_deref().unwrap_or_default()));
    out.text(Some(&c.external_id));
    out.text(c.gone_at.as_deref());
    out.int(c.closed.map(i64::from));
    out.text(c.closed_at.as_deref());
    out.text(Some(&c.search));
    out.end_row();
}
