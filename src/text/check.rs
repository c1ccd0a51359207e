//! Messages of `okk check` and `okk queue`.

use std::fmt::Write;

use serde::Serialize;

use super::safe::line;
use crate::domain::flag::{Evidence, RuleCode, Severity};
use crate::domain::flagged_card::FlaggedCard;
use crate::domain::queue::QueueEntry;

pub fn unknown_rule(code: &str) -> String {
    let codes: Vec<&str> = crate::domain::flag::RuleCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    crate::tr!("check-unknown-rule", code = code, codes = codes.join(", "))
}

/// `stages`: the funnel's; `store_only`: the stages the store's cards are at that the funnel
/// does not know (a name from the CRM the user may have meant).
pub fn unknown_stage(name: &str, stages: &[&str], store_only: &[&str]) -> String {
    let list = |names: &[&str]| {
        names
            .iter()
            .map(|n| line(n).into_owned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let said = crate::tr!(
        "check-unknown-stage",
        name = line(name),
        stages = list(stages)
    );
    if store_only.is_empty() {
        said
    } else {
        let more = crate::tr!("check-unknown-stage-store", stages = list(store_only));
        format!("{said}; {more}")
    }
}

/// A stage no card is at now that current reviews were made at (the funnel does not list it,
/// and the CRM moved every card on): `count` of them. `stages`: the funnel's.
pub fn stage_reviews_only(name: &str, count: u64, stages: &[&str]) -> String {
    let stages: Vec<String> = stages.iter().map(|n| line(n).into_owned()).collect();
    crate::tr!(
        "check-stage-reviews-only",
        name = line(name),
        count = super::common::int(count as i64),
        count_n = count,
        stages = stages.join(", ")
    )
}

/// `name` was another name of `stage`, which funnel version `version` removed; `about`: what is
/// true of that stage now.
pub fn removed_alias(name: &str, stage: &str, version: i64, about: &str) -> String {
    crate::tr!(
        "check-removed-alias",
        name = line(name),
        stage = line(stage),
        version = version,
        about = about
    )
}

/// A flag's severity as a word of the language (the JSON keeps the code).
pub fn severity(s: Severity) -> String {
    match s {
        Severity::Info => crate::tr!("check-severity-info"),
        Severity::Warning => crate::tr!("check-severity-warning"),
        Severity::Critical => crate::tr!("check-severity-critical"),
    }
}

/// A rule's name as `okk check` prints it beside a flag: the code `--rule` takes in English, a
/// word of the language in another (the JSON keeps the code).
pub fn rule_name(code: RuleCode) -> String {
    match code {
        RuleCode::Required => crate::tr!("check-rule-required"),
        RuleCode::Idle => crate::tr!("check-rule-idle"),
        RuleCode::Date => crate::tr!("check-rule-date"),
        RuleCode::Markers => crate::tr!("check-rule-markers"),
        RuleCode::ClosedOpen => crate::tr!("check-rule-closed-open"),
        RuleCode::Backwards => crate::tr!("check-rule-backwards"),
        RuleCode::Gone => crate::tr!("check-rule-gone"),
        RuleCode::UnknownStage => crate::tr!("check-rule-unknown-stage"),
        RuleCode::NoTask => crate::tr!("check-rule-no-task"),
    }
}

/// `text` padded with spaces to `width` columns (as the terminal counts them).
fn pad(text: &str, width: usize) -> String {
    let w = unicode_width::UnicodeWidthStr::width(text);
    format!("{text}{}", " ".repeat(width.saturating_sub(w)))
}

/// `sources`: the store holds more than one source, and the card says which it is of.
pub fn card(c: &FlaggedCard, sources: bool) -> String {
    let mut s = String::new();
    let from = if sources {
        format!(" ({})", line(&c.source))
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "#{}{from}  {}  {}",
        line(&c.id),
        line(&c.stage),
        c.owner.as_deref().map(line).unwrap_or_default()
    );
    let width = RuleCode::ALL
        .into_iter()
        .map(|c| unicode_width::UnicodeWidthStr::width(rule_name(c).as_str()))
        .max()
        .unwrap_or(0);
    for f in &c.flags {
        let _ = writeln!(
            s,
            "  {} {} {}",
            pad(&severity(f.severity), 8),
            pad(&rule_name(f.code), width),
            line(&super::rules::message(f))
        );
    }
    s
}

/// A flagged card as `okk check --json` writes it: each flag's sentence rendered (`message`)
/// beside its evidence as data (`args`), for scripts that read either.
#[derive(Serialize)]
struct CardJson<'a> {
    id: &'a str,
    source: &'a str,
    stage: &'a str,
    owner: Option<&'a str>,
    flags: Vec<FlagJson<'a>>,
}

#[derive(Serialize)]
struct FlagJson<'a> {
    code: RuleCode,
    severity: Severity,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
    args: &'a Evidence,
}

/// One card of `okk check --json`, as one line of terminal-safe JSON.
pub fn card_json(c: &FlaggedCard) -> serde_json::Result<String> {
    let flags = c
        .flags
        .iter()
        .map(|f| FlagJson {
            code: f.code,
            severity: f.severity,
            message: super::rules::message(f),
            field: f.field.as_deref(),
            args: &f.evidence,
        })
        .collect();
    super::json::to_string(&CardJson {
        id: &c.id,
        source: &c.source,
        stage: &c.stage,
        owner: c.owner.as_deref(),
        flags,
    })
}

pub fn total(n: u64) -> String {
    crate::tr!("check-total", n = n)
}

/// `sources`: the store holds cards of more than one source, and each row says which it is of.
/// `okk queue --release`: how many of the auditor's claims went back, on `stage` (the funnel's
/// name) or, without one, on every stage.
pub fn queue_released(count: u64, auditor: &str, stage: Option<&str>) -> String {
    match stage {
        Some(stage) => crate::tr!(
            "check-queue-released-stage",
            count = count,
            auditor = line(auditor),
            stage = line(stage)
        ),
        None => crate::tr!(
            "check-queue-released-all",
            count = count,
            auditor = line(auditor)
        ),
    }
}

pub fn queue(stage: &str, auditor: &str, cards: &[QueueEntry], sources: bool) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{}",
        crate::tr!(
            "check-queue",
            stage = line(stage),
            auditor = line(auditor),
            count = cards.len()
        )
    );
    // Two connections (or a file and a connection) may share ids: in a store of several
    // sources each row says its own, as `okk check` does, whichever rows this listing reaches
    // (a short listing of one source's cards is not the other source's same ids).
    let ids: Vec<String> = cards
        .iter()
        .map(|c| {
            if sources {
                format!("{} ({})", line(&c.id), line(&c.source))
            } else {
                line(&c.id).into_owned()
            }
        })
        .collect();
    // The titles keep one column whatever the ids' and sources' widths (display width: a
    // source in Cyrillic is as wide as its letters).
    let id_cols = ids
        .iter()
        .map(|i| unicode_width::UnicodeWidthStr::width(i.as_str()))
        .max()
        .unwrap_or(0)
        .max(10);
    for (c, id) in cards.iter().zip(&ids) {
        let title = super::common::column(c.title.as_deref().unwrap_or_default(), 48);
        let idle = c
            .idle_days
            .map(|d| crate::tr!("check-idle-days", days = d))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            s,
            "  #{} {} {:>6}  {}{}",
            super::common::column(id, id_cols),
            title,
            idle,
            flag_rules(&c.flags),
            queue_marks(c)
        );
    }
    s
}

/// A queue row's flags by their rules' names, as `okk check` writes them (codes in
/// English, words of the language in another); a code okk does not know stays as it is.
fn flag_rules(codes: &[String]) -> String {
    let names: Vec<String> = (codes.iter())
        .map(|c| RuleCode::from_name(c).map_or_else(|| line(c).into_owned(), rule_name))
        .collect();
    names.join(", ")
}

/// The marks the reviewer's queue shows beside a title, in the same words: ↻ changed, ◎
/// calibration, ↩ returned by the lead with the lead's note, ◇ another auditor's.
fn queue_marks(c: &QueueEntry) -> String {
    use super::tui as t;
    let mut out = String::new();
    if c.changed_since_review {
        let _ = write!(out, "  ↻ {}", t::changed());
    }
    if c.calibration {
        let _ = write!(out, "  ◎ {}", t::calibration());
    }
    if let Some(note) = &c.returned {
        let note: String = line(note).chars().take(200).collect();
        let _ = write!(out, "  ↩ {}: {note}", t::returned());
    }
    if c.judged_by_other {
        let _ = write!(out, "  ◇ {}", t::judged_by_other());
    }
    out
}

pub fn flags_not_refreshed() -> String {
    crate::tr!("check-flags-not-refreshed")
}

/// On a team server, to an auditor: the flags are another day's (or funnel's), and only a lead
/// or the owner re-judges them.
/// A store okk may not write, whose flags were judged for another day or funnel.
pub fn flags_of_read_only_store() -> String {
    crate::tr!("check-flags-read-only")
}

pub fn flags_of_another_day() -> String {
    crate::tr!("check-flags-of-another-day")
}

/// `count` reviewed cards changed only in their stage's name, which the funnel now has as an
/// alias: the cards their reviews saw again.
pub fn reattached(count: u64) -> String {
    crate::tr!("check-reattached", count = count)
}

/// Some cards' activity is after the day judged: they count 0 idle days.
pub fn activity_after_day(newest: chrono::NaiveDate, judged: chrono::NaiveDate) -> String {
    crate::tr!(
        "check-activity-after-day",
        newest = newest.format("%d.%m.%Y").to_string(),
        judged = judged.format("%d.%m.%Y").to_string(),
        today = newest.format("%Y-%m-%d").to_string()
    )
}

/// The cards' newest activity is long before the day judged: likely an old export.
pub fn old_export(newest: chrono::NaiveDate, days: i64, judged: chrono::NaiveDate) -> String {
    crate::tr!(
        "check-old-export",
        newest = newest.format("%d.%m.%Y").to_string(),
        days = days,
        judged = judged.format("%d.%m.%Y").to_string(),
        today = newest.format("%Y-%m-%d").to_string()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lang::{Lang, with};

    fn entry(id: &str, source: &str, title: &str) -> QueueEntry {
        QueueEntry {
            card_id: crate::domain::ids::CardId(0),
            id: id.into(),
            source: source.into(),
            title: Some(title.into()),
            owner: None,
            flags: Vec::new(),
            idle_days: Some(0),
            changed_since_review: false,
            returned: None,
            calibration: false,
            my_verdict: None,
            judged_by_other: false,
            key: Default::default(),
        }
    }

    /// The `backwards` rule flags a card that moved back and one that jumped over a stage it
    /// may not skip: its Russian name says both, not «назад» alone.
    #[test]
    fn the_backwards_rule_is_named_for_a_skipped_stage_too() {
        with(Lang::Ru, || {
            let name = rule_name(RuleCode::Backwards);
            assert_eq!(name, "переход не по порядку");
            assert!(!name.contains("назад"), "{name}");
        });
        with(Lang::En, || {
            assert_eq!(
                rule_name(RuleCode::Backwards),
                "backwards",
                "the code --rule takes"
            );
        });
    }

    /// With cards of several sources, each id says its source: the titles and the idle days
    /// still keep their columns, by display width (a Cyrillic source is as wide as its letters).
    #[test]
    fn the_queue_s_titles_keep_their_column_whatever_the_sources() {
        let cards = [
            entry("30000008", "fake-b24", "Сделка, правка 3"),
            entry("30000032", "fake", "Сделка #30000032"),
            entry(
                "7",
                "амо",
                "Очень длинное название сделки, которое не влезает в колонку",
            ),
        ];
        let text = with(Lang::Ru, || {
            queue("Принимают решение", "anna", &cards, true)
        });
        let rows: Vec<&str> = text.lines().skip(1).collect();
        let at = |row: &str, what: &str| {
            let byte = row.find(what).unwrap();
            unicode_width::UnicodeWidthStr::width(&row[..byte])
        };
        assert_eq!(at(rows[0], "Сделка"), at(rows[1], "Сделка"), "{text}");
        assert_eq!(at(rows[0], "Сделка"), at(rows[2], "Очень"), "{text}");
        assert_eq!(at(rows[0], "0 дн."), at(rows[1], "0 дн."), "{text}");
        assert_eq!(at(rows[0], "0 дн."), at(rows[2], "0 дн."), "{text}");
        assert!(rows[2].contains("…"), "{text}");
    }

    /// In a store of several sources a row names its source even when every row listed is of
    /// one (tester32 F4: `--limit 6` printed `#30000001` bare, the other source's card had the
    /// same id); a store of one source keeps the ids bare.
    #[test]
    fn a_store_of_several_sources_names_each_row_s_source() {
        let cards = [entry("30000001", "fake-b24", "Сделка #30000001")];
        let text = with(Lang::Ru, || {
            queue("Первичный контакт", "anna", &cards, true)
        });
        assert!(text.contains("#30000001 (fake-b24)"), "{text}");
        let text = with(Lang::Ru, || {
            queue("Первичный контакт", "anna", &cards, false)
        });
        assert!(
            text.contains("#30000001 ") && !text.contains("fake-b24"),
            "{text}"
        );
    }
}
