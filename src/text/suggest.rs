//! What `okk funnel suggest` says: each proposal's sentence, the names of stages it proposes,
//! the comments it writes into the funnel file, and `--apply`'s messages.

use std::path::Path;

use crate::domain::suggest::{Evidence, NewStage, Suggestion};
use crate::text::safe::line;

fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(|| "—".to_string(), |r| format!("{:.0}%", r * 100.0))
}

/// A stage okk proposes, named in the reader's language.
pub fn new_stage_name(stage: &NewStage) -> String {
    match stage {
        NewStage::SilentAfter(s) => format!("Silent after {}", s.trim()),
        NewStage::Between(a, b) => format!("Between {} and {}", a.trim(), b.trim()),
        NewStage::Named(s) => s.trim().to_string(),
    }
}

pub fn patch_after(after: &str) -> String {
    format!("a new stage right after «{}»", line(after))
}

pub fn patch_added(after: &str) -> String {
    format!(
        "Added by `okk funnel suggest` after «{}»: rename it as the desk calls it.",
        line(after)
    )
}

pub fn patch_removed(stage: &str) -> String {
    format!(
        "remove the stage «{}»; its names become aliases of:",
        line(stage)
    )
}

pub fn apply_no_stages() -> String {
    "the funnel file has no [[stages]] to change".to_string()
}

pub fn apply_no_stage(stage: &str) -> String {
    format!(
        "the funnel file has no stage «{}» any more: run `okk funnel suggest` again",
        line(stage)
    )
}

/// One sentence on what a proposal is and why.
pub fn summary(s: &Suggestion) -> String {
    let stage = line(&s.stage);
    match &s.evidence {
        Evidence::SilentTail {
            field,
            silent_days,
            open_cards,
            silent_cards,
            share,
            ..
        } => format!(
            "Split the silent tail off «{stage}»: {silent_cards} of its {open_cards} open cards \
             ({}) had «{}» {silent_days}+ days ago and no activity since; give them their own \
             stage and idle limit.",
            pct(*share),
            line(field)
        ),
        Evidence::BindField {
            field,
            declared,
            kept,
            not_kept,
            earliest,
        } => {
            let kept: Vec<String> = kept
                .iter()
                .map(|k| format!("«{}» {}", line(&k.stage), pct(k.rate)))
                .collect();
            let not: Vec<String> = not_kept
                .iter()
                .map(|k| format!("«{}» {}", line(&k.stage), pct(k.rate)))
                .collect();
            format!(
                "Bind {}«{}»: filled at {} but at {}; bind it there and require it from «{}».",
                if *declared { "" } else { "the column " },
                line(field),
                kept.join(", "),
                not.join(", "),
                line(earliest)
            )
        }
        Evidence::IdleLimit {
            limit,
            percentile,
            days,
            moves,
        } => format!(
            "Set «{stage}»'s idle limit to {days} days ({}): {percentile}% of the {moves} cards \
             that moved on from it did so within {days} days.",
            match limit {
                Some(l) => format!("now {l}"),
                None => "now none".to_string(),
            }
        ),
        Evidence::MergeStage {
            passing,
            skipped,
            within_a_day,
            share,
            into,
        } => format!(
            "Merge «{stage}» into «{}»: of {passing} cards passing it, {skipped} skipped it and \
             {within_a_day} left within a day ({}).",
            line(into),
            pct(*share)
        ),
        Evidence::DropStage {
            cards,
            last_entry,
            unused_days,
        } => format!(
            "Drop «{stage}»: no card has entered it in {unused_days} days ({}; {cards} cards \
             there now).",
            match last_entry {
                Some(d) => format!("the last on {d}"),
                None => "none ever".to_string(),
            }
        ),
        Evidence::ExtraControl {
            reviews,
            not_ok,
            share,
        } => format!(
            "Put «{stage}» under extra control: {not_ok} of {reviews} reviews there were not ok \
             ({}).",
            pct(*share)
        ),
        Evidence::MissingStage {
            from,
            to,
            reviews,
            known,
        } => {
            if *known {
                format!(
                    "Add a stage between «{}» and «{}»: auditors moved {reviews} cards from the \
                     one to the other; the funnel may lack the step in between.",
                    line(from),
                    line(to)
                )
            } else {
                format!(
                    "Add the stage «{}» after «{}»: auditors named it for {reviews} cards there.",
                    line(to),
                    line(from)
                )
            }
        }
    }
}

/// The human listing: each proposal's number, kind, sentence and patch.
pub fn listing(items: &[(Suggestion, String)]) -> String {
    if items.is_empty() {
        return "No suggestions: the data gives no reason to change the funnel.\n".to_string();
    }
    let mut out = String::new();
    for (s, patch) in items {
        let kind = serde_json::to_value(s.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        out.push_str(&format!("{}. [{kind}] {}\n", s.id, summary(s)));
        for l in patch.lines() {
            out.push_str(&format!("     {l}\n"));
        }
        out.push('\n');
    }
    out.push_str("Apply one with `okk funnel suggest --apply N`.\n");
    out
}

pub fn no_such_suggestion(n: usize, count: usize) -> String {
    format!("there is no suggestion {n}: this run has {count} (see `okk funnel suggest`)")
}

pub fn cannot_apply(path: &Path, why: &str) -> String {
    format!("cannot apply to {}: {why}", path.display())
}

pub fn applied(path: &Path, kept: &Path) -> String {
    format!(
        "Wrote {}; the previous funnel is kept as {}. The next run records the new version.",
        path.display(),
        kept.display()
    )
}

pub fn applied_but_invalid(problems: &str) -> String {
    format!("the change would make the funnel invalid, nothing written:\n{problems}")
}
