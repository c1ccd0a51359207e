//! Words of `okk calibrate`.

use std::fmt::Write;

use crate::domain::calibration::Report;
use crate::domain::calibration::{Calibration, Ended, UnknownAuditor};
use crate::text::i18n::decimal;
use crate::text::lang;
use crate::text::safe::line;
use crate::text::shell::word;
use crate::text::tui::verdict;

pub fn too_few_auditors() -> String {
    crate::tr!("calibrate-too-few-auditors")
}

/// The known names shown when an unknown one is like none of them.
const KNOWN_SHOWN: usize = 12;

/// `--auditors` named someone the store does not know: each such name with the known ones it
/// may mean; when one is like none, the names the store knows; and how to name a new auditor
/// (with `lead`, the lead too: naming users sets the store's roles up).
pub fn unknown_auditors(
    unknown: &[UnknownAuditor],
    known: &[String],
    lead: Option<&str>,
) -> String {
    let quoted = |n: &str| format!("«{}»", line(n));
    let mut lines: Vec<String> = unknown
        .iter()
        .map(|u| {
            let name = line(&u.name).into_owned();
            let Some((last, first)) = u.like.split_last() else {
                return crate::tr!("calibrate-unknown-auditor", name = name);
            };
            let like = if first.is_empty() {
                quoted(last)
            } else {
                let first: Vec<String> = first.iter().map(|n| quoted(n)).collect();
                let or = crate::tr!("calibrate-unknown-or");
                format!("{} {or} {}", first.join(", "), quoted(last))
            };
            crate::tr!("calibrate-unknown-auditor-like", name = name, like = like)
        })
        .collect();
    if unknown.iter().any(|u| u.like.is_empty()) {
        lines.push(if known.is_empty() {
            crate::tr!("calibrate-no-auditor-known")
        } else {
            let mut names: Vec<String> = known
                .iter()
                .take(KNOWN_SHOWN)
                .map(|n| line(n).into_owned())
                .collect();
            if known.len() > KNOWN_SHOWN {
                names.push("…".into());
            }
            crate::tr!("calibrate-known-auditors", names = names.join(", "))
        });
    }
    let mut args: Vec<String> = unknown
        .iter()
        .map(|u| format!("--auditor {}", line(&word(&u.name))))
        .collect();
    args.extend(lead.map(|l| format!("--lead {}", line(&word(l)))));
    let args = args.join(" ");
    lines.push(match unknown {
        [_] => crate::tr!("calibrate-name-new-auditor", args = args),
        _ => crate::tr!("calibrate-name-new-auditors", args = args),
    });
    lines.join("\n")
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

/// A calibration's id as okk shows it: its first eight characters (what `okk calibrate report`
/// and `end` take).
fn short(id: &str) -> String {
    line(id.chars().take(8).collect::<String>().as_str()).into_owned()
}

/// When and by whom a calibration ended.
pub fn ended(end: &Ended) -> String {
    crate::tr!(
        "calibrate-ended",
        at = super::common::stored_time(&end.at),
        by = line(&end.by)
    )
}

/// An id prefix that names more than one calibration.
pub fn ambiguous(id: &str, matches: &[&Calibration]) -> String {
    let ids: Vec<String> = matches.iter().map(|c| line(&c.id).into_owned()).collect();
    crate::tr!(
        "calibrate-ambiguous",
        id = line(id),
        count = matches.len(),
        ids = ids.join(", ")
    )
}

/// `okk calibrate end` on a calibration that has ended: nothing written.
pub fn already_ended(c: &Calibration, end: &Ended) -> String {
    crate::tr!(
        "calibrate-already-ended",
        id = short(&c.id),
        stage = line(&c.stage),
        ended = ended(end)
    )
}

/// The question before ending a calibration on a terminal (answered on the same line).
pub fn ask_end(c: &Calibration, judged: usize) -> String {
    crate::tr!(
        "calibrate-ask-end",
        id = short(&c.id),
        stage = line(&c.stage),
        judged = judged,
        of = c.cards.len() * c.auditors.len(),
        auditors = names(&c.auditors)
    )
}

/// The answer was no (or nothing).
pub fn not_ended() -> String {
    crate::tr!("calibrate-not-ended")
}

/// Off a terminal without `--yes`.
pub fn end_needs_yes() -> String {
    crate::tr!("calibrate-end-needs-yes")
}

/// A calibration ended now.
pub fn ended_now(c: &Calibration, end: &Ended, judged: usize) -> String {
    crate::tr!(
        "calibrate-ended-now",
        id = short(&c.id),
        stage = line(&c.stage),
        ended = ended(end),
        judged = judged,
        of = c.cards.len() * c.auditors.len(),
        auditors = names(&c.auditors)
    )
}

/// Names joined for a sentence.
fn names(names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|n| line(n).into_owned()).collect();
    names.join(", ")
}

/// How wide a stage's name may run in the list.
const STAGE_COLUMNS: usize = 30;

/// `okk calibrate list`: every calibration with its judgements so far (`judged`: the listed
/// auditors' judgements in, each card once per auditor), oldest first.
pub fn list(all: &[(Calibration, usize)]) -> String {
    if all.is_empty() {
        return format!("{}\n", crate::tr!("calibrate-none-yet"));
    }
    let header = [
        crate::tr!("calibrate-col-id"),
        crate::tr!("calibrate-col-stage"),
        crate::tr!("calibrate-col-auditors"),
        crate::tr!("calibrate-col-started"),
        crate::tr!("calibrate-col-state"),
        crate::tr!("calibrate-col-cards"),
        crate::tr!("calibrate-col-judged"),
    ];
    let rows: Vec<Vec<String>> = all
        .iter()
        .map(|(c, judged)| {
            let state = match &c.end {
                Some(end) => ended(end),
                None => crate::tr!("calibrate-open"),
            };
            vec![
                short(&c.id),
                crate::text::common::column(&c.stage, STAGE_COLUMNS)
                    .trim_end()
                    .to_string(),
                names(&c.auditors),
                crate::tr!(
                    "calibrate-started",
                    at = super::common::stored_time(&c.created_at),
                    by = line(&c.created_by)
                ),
                state,
                c.cards.len().to_string(),
                crate::tr!(
                    "calibrate-judged-of",
                    n = *judged,
                    of = c.cards.len() * c.auditors.len()
                ),
            ]
        })
        .collect();
    crate::text::analytics::grid(&header, &rows, 5)
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{:.0}%", v * 100.0))
}

/// A coefficient as the language writes decimals (`0.667` / `0,667`).
fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| decimal(lang::current(), v, 3))
}

/// The calibration report: who judged how many cards, how much the verdicts agree (overall,
/// per pair of auditors, per checklist item), the judgements left out of those figures and
/// why, and the cards they disagree on.
pub fn report(c: &Calibration, r: &Report) -> String {
    let mut s = String::new();
    let end = c.end.as_ref().map(|e| format!(" · {}", ended(e)));
    let _ = writeln!(
        s,
        "{}{}",
        crate::tr!(
            "calibrate-report-head",
            id = &c.id[..8.min(c.id.len())],
            stage = line(&c.stage),
            cards = r.cards,
            seed = c.seed.to_string(),
            by = line(&c.created_by),
            at = super::common::stored_time(&c.created_at)
        ),
        end.unwrap_or_default()
    );
    if c.end.is_some() {
        let _ = writeln!(s, "{}", crate::tr!("calibrate-report-ended"));
    }
    for (a, n) in &r.judged {
        let judged = crate::tr!("calibrate-judged", n = *n, cards = r.cards);
        let _ = writeln!(s, "  {:<20} {judged}", line(a));
    }
    agreement(&mut s, r);
    left_out(&mut s, r);
    if !r.items.is_empty() {
        items(&mut s, r);
    }
    if !r.stage_known {
        let _ = writeln!(
            s,
            "{}",
            crate::tr!("calibrate-stage-unknown", stage = line(&c.stage))
        );
    }
    disagreements(&mut s, r);
    s
}

/// The judgements the figures leave out, card by card: made after the card moved to another
/// stage, or of a card the CRM changed between its auditors' reviews.
fn left_out(s: &mut String, r: &Report) {
    if r.moved.is_empty() && r.changed.is_empty() {
        return;
    }
    let _ = writeln!(s, "{}", crate::tr!("calibrate-left-out"));
    let names = |auditors: &[String]| {
        let names: Vec<String> = auditors.iter().map(|a| line(a).into_owned()).collect();
        names.join(", ")
    };
    for m in &r.moved {
        let said = crate::tr!(
            "calibrate-moved",
            id = line(&m.id),
            stage = line(&m.stage),
            auditors = names(&m.auditors),
            n = m.auditors.len()
        );
        let _ = writeln!(s, "  {said}");
    }
    for c in &r.changed {
        let said = crate::tr!(
            "calibrate-changed",
            id = line(&c.id),
            auditors = names(&c.auditors)
        );
        let _ = writeln!(s, "  {said}");
    }
}

/// How much the verdicts agree, overall and per pair of auditors. Cohen's kappa is a pair's:
/// overall only with two auditors, «—» where it is undefined.
fn agreement(s: &mut String, r: &Report) {
    let kappa = match r.auditors.len() {
        2 => format!(", {}", crate::tr!("calibrate-cohen", kappa = num(r.kappa))),
        _ => String::new(),
    };
    let _ = writeln!(
        s,
        "{}",
        crate::tr!(
            "calibrate-verdicts",
            agreement = pct(r.percent),
            cards = r.compared,
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

/// How wide an item's text may run in the items table.
const ITEM_COLUMNS: usize = 50;

/// Agreement per item of the calibration stage's checklist, each named by its text (cut to
/// fit at a character), with the cards it rests on, in aligned columns.
fn items(s: &mut String, r: &Report) {
    let _ = writeln!(s, "{}", crate::tr!("calibrate-items"));
    let texts: Vec<&str> = r.items.iter().map(|it| it.text.as_str()).collect();
    let width = texts
        .iter()
        .map(|t| unicode_width::UnicodeWidthStr::width(line(t).as_ref()))
        .chain([crate::tr!("calibrate-col-item").chars().count()])
        .max()
        .unwrap_or(0)
        .min(ITEM_COLUMNS);
    let header = [
        crate::tr!("calibrate-col-item"),
        crate::tr!("calibrate-col-agreement"),
        crate::tr!("calibrate-col-alpha"),
        crate::tr!("calibrate-col-unanswered"),
        String::new(),
    ];
    let rows: Vec<Vec<String>> = r
        .items
        .iter()
        .zip(&texts)
        .map(|(it, text)| {
            let agreement = match it.percent {
                Some(_) => crate::tr!(
                    "calibrate-of-cards",
                    share = pct(it.percent),
                    cards = it.cards
                ),
                None => "—".into(),
            };
            vec![
                crate::text::common::column(text, width),
                agreement,
                num(it.alpha),
                it.unanswered.to_string(),
                String::new(),
            ]
        })
        .collect();
    for l in crate::text::analytics::grid(&header, &rows, 1).lines() {
        let _ = writeln!(s, "{l}");
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
            .map(|(a, v)| format!("{} {}", line(a), verdict(*v)))
            .collect();
        let _ = writeln!(
            s,
            "  #{}: {}{}",
            line(&d.id),
            v.join(", "),
            d.reference
                .map(|r| format!(" · {}", crate::tr!("calibrate-lead", verdict = verdict(r))))
                .unwrap_or_default()
        );
    }
}
