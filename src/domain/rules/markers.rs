//! `markers`: the card's own words contradict its stage — notes that say the client bought
//! elsewhere while the card sits in an early stage. Notes are read first, then tags, then the
//! title; the first phrase found is quoted with the rest of its clause.

use std::ops::Range;

use super::config::MarkersRule;
use super::stem::{Found, Scratch};
use super::{Cx, flag};
use crate::domain::flag::{Evidence, Flag, Place, RuleCode, Severity};

/// Words of the clause quoted after the phrase itself: «купили в другом» + «ЖК».
const QUOTE_EXTRA_WORDS: usize = 3;
/// A quote longer than this is cut back to the phrase alone.
const QUOTE_MAX_CHARS: usize = 80;

/// The flags of a stage's markers rules, in their order: each text of the card is split into
/// words once for all of them.
pub(super) fn check(cx: &Cx, rules: &[(&MarkersRule, Severity)], out: &mut Vec<Flag>) {
    let markers = &cx.funnel.markers;
    let card = cx.card;
    let texts = (card.notes.iter().map(|n| (Place::Notes, n.as_str())))
        .chain(card.tags.iter().map(|t| (Place::Tags, t.as_str())))
        .chain(card.title.iter().map(|t| (Place::Title, t.as_str())));
    let mut scratch = Scratch::default();
    // Per rule: its first finding, in reading order.
    let mut found: Vec<Option<(Place, &str, Found)>> = vec![None; rules.len()];
    for (place, text) in texts {
        if found.iter().all(Option::is_some) {
            break;
        }
        markers.read(text, &mut scratch);
        for (slot, (rule, _)) in found.iter_mut().zip(rules) {
            if slot.is_none() {
                *slot = markers
                    .find_read(rule.list, text, &mut scratch)
                    .map(|f| (place, text, f));
            }
        }
    }
    for (slot, (rule, severity)) in found.into_iter().zip(rules) {
        let (Some((place, text, f)), Some(list)) = (slot, markers.list(rule.list)) else {
            continue;
        };
        out.push(flag(
            RuleCode::Markers,
            *severity,
            Evidence::Marker {
                place,
                quote: quote(text, f.span),
                list: list.name.clone(),
                stage: cx.stage.name.clone(),
            },
            None,
        ));
    }
}

/// The found phrase with the rest of its clause (up to a few words), on one line.
fn quote(text: &str, span: Range<usize>) -> String {
    let mut end = span.end;
    let mut words = 0;
    let mut in_word = false;
    for (i, c) in text[span.end..].char_indices() {
        if is_clause_break(c) {
            break;
        }
        let letter = c.is_alphanumeric();
        if letter && !in_word {
            words += 1;
            if words > QUOTE_EXTRA_WORDS {
                break;
            }
        }
        in_word = letter;
        if letter {
            end = span.end + i + c.len_utf8();
        }
    }
    let mut quoted = &text[span.start..end];
    if quoted.chars().count() > QUOTE_MAX_CHARS {
        quoted = &text[span];
    }
    // Evidence stays verbatim; only line breaks and runs of spaces become one space.
    quoted.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ',' | ';' | ':' | '!' | '?' | '(' | ')' | '"' | '«' | '»' | '—' | '–' | '\n' | '\r'
    ) || c.is_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str, phrase: &str) -> String {
        let start = text.find(phrase).unwrap();
        quote(text, start..start + phrase.len())
    }

    #[test]
    fn quotes_run_to_the_end_of_the_clause() {
        assert_eq!(
            q("Клиент сообщил, что купили в другом ЖК", "купили в другом"),
            "купили в другом ЖК"
        );
        assert_eq!(
            q(
                "Купил у конкурентов, в ЖК «Европейский»",
                "Купил у конкурентов"
            ),
            "Купил у конкурентов"
        );
        assert_eq!(
            q(
                "клиент сказал, что купили в другом ЖК\nпросил больше не звонить",
                "купили в другом"
            ),
            "купили в другом ЖК"
        );
        assert_eq!(
            q(
                "Передумала покупать квартиру в этом году совсем",
                "Передумала"
            ),
            "Передумала покупать квартиру в"
        );
        assert_eq!(q("не\nактуально", "не\nактуально"), "не актуально");
    }
}
