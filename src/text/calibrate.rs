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
    // Three lines a calibration, under its id: a table of its seven columns was a hundred and
    // more wide, and wrapped on an 80-column terminal (`--json` is the form for scripts).
    let mut s = String::new();
    for (c, judged) in all {
        let state = match &c.end {
            Some(end) => crate::tr!("calibrate-ended", at = minute(&end.at), by = line(&end.by)),
            None => crate::tr!("calibrate-open"),
        };
        let id = short(&c.id);
        let pad = " ".repeat(id.chars().count());
        let what = crate::tr!(
            "calibrate-list-what",
            stage = crate::text::common::column(&c.stage, STAGE_COLUMNS)
                .trim_end()
                .to_string(),
            cards = c.cards.len(),
            judged = crate::tr!(
                "calibrate-judged-of",
                n = *judged,
                of = c.cards.len() * c.auditors.len()
            )
        );
        let started = crate::tr!(
            "calibrate-started",
            at = minute(&c.created_at),
            by = line(&c.created_by)
        );
        let when = crate::tr!("calibrate-list-when", started = started, state = state);
        let auditors = crate::text::common::column(&names(&c.auditors), 70);
        let _ = writeln!(s, "{id}  {what}");
        let _ = writeln!(s, "{pad}  {}", auditors.trim_end());
        let _ = writeln!(s, "{pad}  {when}");
    }
    s
}

/// A stored moment to the minute, as the list shows it (the report keeps its seconds).
fn minute(stored: &str) -> String {
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(stored.trim(), f).ok())
        .map_or_else(
            || super::common::stored_time(stored),
            |t| format!("{} {}", super::common::day(t.date()), t.format("%H:%M")),
        )
}

fn pct(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| {
        format!("{}%", super::i18n::rounded(v * 100.0, 0))
    })
}

/// A coefficient as the language writes decimals (`0.667` / `0,667`).
fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| decimal(lang::current(), v, 3))
}

/// The calibration report for a terminal `cols` wide (its items table fitted to it; its
/// sentences are broken at spaces where it is printed): who judged how many cards, how much
/// the verdicts agree (overall, per pair of auditors, per checklist item), the judgements left
/// out of those figures and why, who is to judge which again, and the cards they disagree on.
pub fn report(c: &Calibration, r: &Report, cols: usize) -> String {
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
    again(&mut s, c, r);
    if !r.items.is_empty() {
        items(&mut s, r, cols);
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
        let again = (r.again.iter()).find(|g| (&g.source, &g.id) == (&c.source, &c.id));
        let said = match again {
            Some(g) => crate::tr!(
                "calibrate-changed-again",
                id = line(&c.id),
                auditors = names(&c.auditors),
                again = names(&g.auditors),
                n = g.auditors.len()
            ),
            None => crate::tr!(
                "calibrate-changed",
                id = line(&c.id),
                auditors = names(&c.auditors)
            ),
        };
        let _ = writeln!(s, "  {said}");
    }
}

/// Who is to judge which cards again (an open calibration's cards the CRM changed after their
/// review, where another auditor judged other contents): per auditor, how many — they are
/// first in that auditor's queue again.
fn again(s: &mut String, c: &Calibration, r: &Report) {
    let per = crate::domain::judge_again::by_auditor(c, &r.again);
    if per.is_empty() {
        return;
    }
    let _ = writeln!(s, "{}", crate::tr!("calibrate-again-head"));
    for (auditor, cards) in per {
        let said = crate::tr!("calibrate-again", auditor = line(auditor), n = cards.len());
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

/// The narrowest an item's text is cut to, however narrow the terminal.
const ITEM_MIN: usize = 10;

/// Agreement per item of the calibration stage's checklist, each named by its text, with the
/// cards it rests on, in aligned columns that fit `cols`: the figures whole, the text cut (at
/// a character, with `…`) to what is left of the line.
fn items(s: &mut String, r: &Report, cols: usize) {
    use unicode_width::UnicodeWidthStr;
    let _ = writeln!(s, "{}", crate::tr!("calibrate-items"));
    let header = [
        crate::tr!("calibrate-col-item"),
        crate::tr!("calibrate-col-agreement"),
        crate::tr!("calibrate-col-alpha"),
        crate::tr!("calibrate-col-unanswered"),
    ];
    let figures: Vec<[String; 3]> = (r.items.iter())
        .map(|it| {
            let agreement = match it.percent {
                Some(_) => crate::tr!(
                    "calibrate-of-cards",
                    share = pct(it.percent),
                    cards = it.cards
                ),
                None => "—".into(),
            };
            [agreement, num(it.alpha), it.unanswered.to_string()]
        })
        .collect();
    let mut widths = [0; 3];
    for (i, w) in widths.iter_mut().enumerate() {
        *w = (figures.iter().map(|f| f[i].width()))
            .chain([header[i + 1].width()])
            .max()
            .unwrap_or(0);
    }
    // Two columns before the table, two before each figure.
    let figures_width: usize = 2 + widths.iter().map(|w| w + 2).sum::<usize>();
    let texts = (r.items.iter()).map(|it| line(&it.text).width());
    let widest = texts.chain([header[0].width()]).max().unwrap_or(0);
    let width = widest.min(cols.saturating_sub(figures_width).max(ITEM_MIN));
    let row = |first: &str, cells: [&str; 3]| {
        let mut l = format!("  {}", crate::text::common::column(first, width));
        for (cell, w) in cells.iter().zip(widths) {
            let pad = w.saturating_sub(cell.width());
            let _ = write!(l, "  {}{cell}", " ".repeat(pad));
        }
        l.trim_end().to_string()
    };
    let _ = writeln!(
        s,
        "{}",
        row(&header[0], [&header[1], &header[2], &header[3]])
    );
    for (it, f) in r.items.iter().zip(&figures) {
        let _ = writeln!(s, "{}", row(&it.text, [&f[0], &f[1], &f[2]]));
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use unicode_width::UnicodeWidthStr;

    use crate::domain::calibration::{Calibration, ItemAgreement, Report};
    use crate::domain::judge_again::Again;
    use crate::text::lang::{Lang, with};

    fn calibration() -> Calibration {
        Calibration {
            id: "baa7a657-0000-4000-8000-000000000001".into(),
            stage: "Первичный контакт".into(),
            seed: 3,
            auditors: vec!["anna".into(), "boris".into()],
            created_by: "olga".into(),
            created_at: "2026-11-20 09:00:00".into(),
            cards: (0..21).map(|i| ("amocrm".into(), format!("{i}"))).collect(),
            end: None,
        }
    }

    /// `okk calibrate list` fits 80 columns in both languages, an ended calibration too (its
    /// seven-column table was over a hundred wide).
    #[test]
    fn the_list_fits_80_columns() {
        let mut ended = calibration();
        ended.stage = "Контакт после встречи с клиентом в офисе".into();
        ended.auditors = vec!["anna".into(), "boris".into(), "vera".into()];
        ended.end = Some(crate::domain::calibration::Ended {
            at: "2026-11-21 18:00:00".into(),
            by: "olga".into(),
        });
        for lang in [Lang::En, Lang::Ru] {
            let text = with(lang, || {
                super::list(&[(calibration(), 3), (ended.clone(), 42)])
            });
            assert_eq!(text.lines().count(), 6, "{text}");
            for line in text.lines() {
                assert!(line.width() <= 80, "{} columns: {line}", line.width());
            }
        }
    }

    fn item(text: &str, cards: usize) -> ItemAgreement {
        ItemAgreement {
            item: "x".into(),
            text: text.into(),
            cards,
            percent: Some(1.0),
            alpha: Some(-0.125),
            unanswered: 12,
        }
    }

    fn report(items: Vec<ItemAgreement>, again: Vec<Again>) -> Report {
        Report {
            cards: 21,
            auditors: vec!["anna".into(), "boris".into()],
            judged: BTreeMap::new(),
            compared: 1,
            percent: Some(1.0),
            kappa: None,
            alpha: None,
            pairs: Vec::new(),
            items,
            stage_known: true,
            disagreements: Vec::new(),
            moved: Vec::new(),
            changed: Vec::new(),
            again,
        }
    }

    /// The items table's lines, from its header on.
    fn table(text: &str, header: &str) -> Vec<String> {
        (text.lines())
            .skip_while(|l| !l.starts_with(&format!("  {header} ")))
            .take_while(|l| l.starts_with("  "))
            .map(String::from)
            .collect()
    }

    /// tester32 F6: the table fits the terminal whatever its texts (Cyrillic, wide CJK, a
    /// control character shown as its placeholder), its figures whole and aligned; the texts
    /// are cut only where they must be.
    #[test]
    fn the_items_table_fits_the_terminal_and_keeps_its_figures() {
        let long = "Первый звонок совершён в течение 15 минут после заявки";
        let wide = "確認".repeat(30);
        let items = vec![
            item(long, 20),
            item(&wide, 3),
            item("Имя\u{1b}[2J сохранено", 1),
            item("Источник", 20),
        ];
        let r = report(items, Vec::new());
        for (lang, header) in [(Lang::Ru, "Пункт"), (Lang::En, "Item")] {
            for cols in [40, 80, 120] {
                let text = with(lang, || super::report(&calibration(), &r, cols));
                let rows = table(&text, header);
                assert_eq!(rows.len(), 5, "{text}");
                let widths: Vec<usize> = rows.iter().map(|l| l.width()).collect();
                // The figures end every row at one column; the narrowest screen still gives
                // the texts ten columns.
                assert!(widths[1..].iter().all(|w| *w == widths[1]), "{rows:#?}");
                assert!(widths.iter().all(|w| *w <= cols.max(44)), "{rows:#?}");
                let figures: Vec<&str> = rows[1].split_whitespace().rev().take(2).collect();
                assert!(
                    figures == ["12", "-0,125"] || figures == ["12", "-0.125"],
                    "{rows:?}"
                );
                assert!(!rows[3].contains('\u{1b}'), "{rows:?}");
                assert_eq!(rows[1].contains(long), cols >= 120, "{rows:#?}");
            }
        }
    }

    /// «оцените заново»: the count's form, and «она … первая» for one card alone (21 is
    /// «21 карточку — они»).
    #[test]
    fn who_judges_again_is_said_per_auditor_with_the_count_s_form() {
        let again = |n: usize, who: &[&str]| -> Vec<Again> {
            (0..n)
                .map(|i| Again {
                    source: "amocrm".into(),
                    id: format!("{i}"),
                    auditors: who.iter().map(|a| a.to_string()).collect(),
                })
                .collect()
        };
        let said = |n: usize, lang: Lang| {
            let r = report(Vec::new(), again(n, &["anna"]));
            with(lang, || super::report(&calibration(), &r, 80))
        };
        for (n, form) in [
            (
                1,
                "anna: оцените заново 1 карточку — она снова первая в вашей очереди",
            ),
            (
                2,
                "anna: оцените заново 2 карточки — они снова первые в вашей очереди",
            ),
            (
                5,
                "anna: оцените заново 5 карточек — они снова первые в вашей очереди",
            ),
            (
                21,
                "anna: оцените заново 21 карточку — они снова первые в вашей очереди",
            ),
        ] {
            let text = said(n, Lang::Ru);
            assert!(text.contains(form), "{form:?} in:\n{text}");
        }
        assert!(said(1, Lang::En).contains("anna: judge 1 card again — it comes first"));
        assert!(said(5, Lang::En).contains("anna: judge 5 cards again — they come first"));
        let r = report(Vec::new(), Vec::new());
        let none = with(Lang::Ru, || super::report(&calibration(), &r, 80));
        assert!(!none.contains("заново"), "{none}");
    }
}
