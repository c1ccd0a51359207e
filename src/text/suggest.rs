//! What `okk funnel suggest` says: each proposal's sentence, the names of stages it proposes,
//! the comments it writes into the funnel file, and `--apply`'s messages.

use std::path::Path;

use crate::domain::suggest::{Evidence, Mismatch, NewStage, OneSitting, StageShare, Suggestion};
use crate::text::safe::line;

fn pct(rate: Option<f64>) -> String {
    rate.map_or_else(
        || "—".to_string(),
        |r| format!("{}%", super::i18n::rounded(r * 100.0, 0)),
    )
}

/// A stage okk proposes, named in the funnel's language, not the reader's: the name goes into
/// the funnel file and the CRM beside the stage it is named after («Silent after Контакт после
/// встречи» came out of a Russian funnel on an English laptop).
pub fn new_stage_name(stage: &NewStage) -> String {
    use crate::text::lang::{Lang, with};
    let russian = |s: &str| s.chars().any(|c| matches!(c, 'А'..='я' | 'Ё' | 'ё'));
    let lang = |names: &[&str]| {
        if names.iter().any(|s| russian(s)) {
            Lang::Ru
        } else {
            Lang::En
        }
    };
    match stage {
        NewStage::SilentAfter(s) => with(lang(&[s]), || {
            crate::tr!("suggest-stage-silent-after", stage = s.trim())
        }),
        NewStage::Between(a, b) => with(lang(&[a, b]), || {
            crate::tr!("suggest-stage-between", from = a.trim(), to = b.trim())
        }),
        NewStage::Named(s) => s.trim().to_string(),
    }
}

pub fn patch_after(after: &str) -> String {
    crate::tr!("suggest-patch-after", stage = line(after))
}

pub fn patch_added(after: &str) -> String {
    crate::tr!("suggest-patch-added", stage = line(after))
}

pub fn patch_removed(stage: &str) -> String {
    crate::tr!("suggest-patch-removed", stage = line(stage))
}

pub fn apply_no_stages() -> String {
    crate::tr!("suggest-apply-no-stages")
}

pub fn apply_no_stage(stage: &str) -> String {
    crate::tr!("suggest-apply-no-stage", stage = line(stage))
}

/// One sentence on what a proposal is and why.
// A table, one arm per kind of proposal: read by looking a kind up, not top to bottom.
pub fn summary(s: &Suggestion) -> String {
    let stage = line(&s.stage);
    match &s.evidence {
        Evidence::UnknownStage {
            cards,
            like,
            after,
            renamed_from,
        } => match (like, after) {
            (Some(like), _) if renamed_from.is_some() => crate::tr!(
                "suggest-unknown-renamed",
                stage = stage,
                like = line(like),
                cards = *cards
            ),
            (Some(like), _) => crate::tr!(
                "suggest-unknown-alike",
                stage = stage,
                like = line(like),
                cards = *cards
            ),
            (None, after) => crate::tr!(
                "suggest-unknown-add",
                stage = stage,
                after = line(after.as_deref().unwrap_or_default()),
                cards = *cards
            ),
        },
        Evidence::SilentTail {
            field,
            silent_days,
            open_cards,
            silent_cards,
            share,
            ..
        } => crate::tr!(
            "suggest-silent-tail",
            stage = stage,
            silent = *silent_cards,
            open = *open_cards,
            share = pct(*share),
            field = line(field),
            days = *silent_days
        ),
        Evidence::BindField {
            field,
            declared,
            kept,
            not_kept,
            ..
        } => bind_field(field, *declared, kept, not_kept),
        Evidence::IdleLimit {
            limit,
            percentile,
            days,
            moves,
        } => crate::tr!(
            "suggest-idle-limit",
            stage = stage,
            days = *days,
            now = limit_now(*limit),
            percentile = *percentile,
            moves = *moves
        ),
        Evidence::MergeStage {
            passing,
            skipped,
            within_a_day,
            share,
            into,
        } => crate::tr!(
            "suggest-merge-stage",
            stage = stage,
            into = line(into),
            passing = *passing,
            skipped = *skipped,
            within_a_day = *within_a_day,
            share = pct(*share)
        ),
        Evidence::DropStage {
            cards,
            last_entry,
            unused_days,
        } => crate::tr!(
            "suggest-drop-stage",
            stage = stage,
            days = *unused_days,
            last = last_entry_text(*last_entry),
            cards = *cards
        ),
        Evidence::Removed {
            left,
            into,
            went,
            added,
            to_added,
        } => crate::tr!(
            "suggest-removed-stage",
            stage = stage,
            into = line(into),
            added = line(added),
            left = *left,
            went = *went,
            to_added = *to_added
        ),
        Evidence::ExtraControl {
            cards,
            not_ok,
            share,
        } => crate::tr!(
            "suggest-extra-control",
            stage = stage,
            not_ok = *not_ok,
            cards = *cards,
            share = pct(*share)
        ),
        Evidence::MissingStage {
            from,
            to,
            cards,
            known,
        } => missing_stage(from, to, *cards, *known),
    }
}

/// Binding a field to the stages that keep it, and requiring it there (as the patch does): the
/// stages that keep it and those that do not, each with its share.
fn bind_field(field: &str, declared: bool, kept: &[StageShare], not_kept: &[StageShare]) -> String {
    let shares = |list: &[StageShare]| {
        list.iter()
            .map(|k| format!("«{}» {}", line(&k.stage), pct(k.rate)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (field, kept, not_kept) = (line(field), shares(kept), shares(not_kept));
    if declared {
        crate::tr!(
            "suggest-bind-field",
            field = field,
            kept = kept,
            not_kept = not_kept
        )
    } else {
        crate::tr!(
            "suggest-bind-column",
            field = field,
            kept = kept,
            not_kept = not_kept
        )
    }
}

/// The stage's idle limit as the funnel has it now.
fn limit_now(limit: Option<u32>) -> String {
    match limit {
        Some(l) => crate::tr!("suggest-limit-now", limit = l),
        None => crate::tr!("suggest-limit-none"),
    }
}

/// When a card last entered a stage proposed for dropping.
fn last_entry_text(last_entry: Option<chrono::NaiveDate>) -> String {
    match last_entry {
        Some(d) => crate::tr!("suggest-last-entry", day = super::common::day(d)),
        None => crate::tr!("suggest-no-entry"),
    }
}

/// A stage the reviews say is missing: between two known stages, or one the team named.
fn missing_stage(from: &str, to: &str, cards: u64, known: bool) -> String {
    if known {
        crate::tr!(
            "suggest-missing-between",
            from = line(from),
            to = line(to),
            reviews = cards
        )
    } else {
        crate::tr!(
            "suggest-missing-named",
            to = line(to),
            from = line(from),
            reviews = cards
        )
    }
}

/// Said once, before the proposals, when the funnel and the store hardly meet.
pub fn mismatch(m: &Mismatch) -> String {
    crate::tr!(
        "suggest-mismatch",
        unused = m.unused as u64,
        open = m.open as u64,
        days = m.unused_days,
        unknown = m.unknown_cards,
        cards = m.cards
    )
}

/// The human listing: the mismatch, if any, then each proposal's number, kind, sentence and
/// patch.
pub fn listing(
    items: &[(Suggestion, String)],
    mismatch: Option<&Mismatch>,
    sitting: Option<&OneSitting>,
) -> String {
    let mut head = mismatch.map_or_else(String::new, |m| format!("{}\n\n", self::mismatch(m)));
    if let Some(s) = sitting {
        head.push_str(&format!("{}\n\n", one_sitting(s)));
    }
    head + &items_listing(items)
}

/// Why no idle limit or merge was drawn from the shortest stays.
pub fn one_sitting(s: &OneSitting) -> String {
    crate::tr!(
        "suggest-one-sitting",
        from = super::common::moment(s.from),
        to = super::common::moment(s.to),
        stays = s.stays_left_out
    )
}

fn items_listing(items: &[(Suggestion, String)]) -> String {
    if items.is_empty() {
        return format!(
            "{}
",
            crate::tr!("suggest-none")
        );
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
    out.push_str(&format!("{}\n", crate::tr!("suggest-apply-hint")));
    out
}

pub fn no_such_suggestion(n: usize, count: usize) -> String {
    crate::tr!("suggest-no-such", n = n, count = count)
}

pub fn cannot_apply(path: &Path, why: &str) -> String {
    crate::tr!(
        "suggest-cannot-apply",
        path = path.display().to_string(),
        why = why
    )
}

pub fn applied(path: &Path, kept: &Path) -> String {
    crate::tr!(
        "suggest-applied",
        path = path.display().to_string(),
        kept = kept.display().to_string()
    )
}

pub fn applied_but_invalid(problems: &str) -> String {
    crate::tr!("suggest-applied-but-invalid", problems = problems)
}
