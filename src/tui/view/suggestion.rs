//! The lines of a review's suggestion (stage, owner, field corrections, comment) and of the
//! lead's standing decision on it: the auditor's card and the lead's decide screen show them
//! alike, so that both read a review the same way.

use ratatui::text::{Line, Span};

use super::{Theme, clip};
use crate::domain::decision::LeadDecision;
use crate::domain::review::ReviewDraft;
use crate::text::tui as msg;

/// The lead's decision, and the lead's note under it if there is one: the lead's review pane,
/// which takes the rows it needs and scrolls.
pub fn decision_lines(dec: &LeadDecision, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![decision_line(dec, theme)];
    if !dec.decision.note.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("  «{}»", clip(&dec.decision.note, super::card::NOTE_LIMIT)),
            theme.warn,
        )));
    }
    lines
}

/// The lead's decision in one line, without the note: the auditor's suggestion pane, a few rows
/// under the checklist, where a note would be cut off; the card's pane shows it ([`note_line`]).
pub fn decision_line(dec: &LeadDecision, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(msg::lead_decision(dec), theme.warn))
}

/// The lead's note, whole, under the decision's mark (↩ on a review sent back), for the
/// auditor's card pane: it wraps under its own text and scrolls with the card, so the auditor
/// reads every word of what to mend. `None` without a note.
pub fn note_line(dec: &LeadDecision, theme: &Theme) -> Option<Line<'static>> {
    if dec.decision.note.is_empty() {
        return None;
    }
    Some(Line::from(vec![
        Span::styled(
            format!("{} ", super::lead::decision_mark(dec.decision.kind)),
            theme.warn,
        ),
        Span::styled(format!("{}: ", msg::lead_note(&dec.lead)), theme.bold),
        Span::styled(
            format!("«{}»", clip(&dec.decision.note, super::card::NOTE_LIMIT)),
            theme.warn,
        ),
    ]))
}

/// "stage → …" and "owner → …" (— for none), a line per field correction, then the comment.
/// `currency`: the card's, which a corrected budget is shown in.
pub fn suggestion_lines(
    d: &ReviewDraft,
    currency: Option<&str>,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = change_lines(d, currency, theme);
    lines.extend(comment_lines(d, theme));
    lines
}

/// "stage → …" and "owner → …" (— for none), a line per field correction: what the review
/// would change on the card, a budget in the card's `currency` as the card shows it.
pub fn change_lines(d: &ReviewDraft, currency: Option<&str>, theme: &Theme) -> Vec<Line<'static>> {
    let arrow = |label: &str, value: Option<&str>| {
        Line::from(vec![
            Span::styled(format!("{label} "), theme.dim),
            Span::raw(value.map_or("—".to_string(), |v| clip(v, 80))),
        ])
    };
    let mut lines = vec![
        arrow(&msg::stage_arrow(), d.suggested_stage.as_deref()),
        arrow(&msg::owner_arrow(), d.suggested_owner.as_deref()),
    ];
    // A field by the word the card and the field picker name it with, not by its key, in
    // lower case as `этап →` and `ответств. →` are (tester39 F15: «Бюджет → 5 000 000»); a
    // budget with its currency, as the card shows it.
    for (field, value) in &d.corrections {
        let amount = (crate::domain::SystemField::from_name(field)
            == Some(crate::domain::SystemField::Amount))
        .then(|| crate::formats::amount::parse_amount(value.trim(), true))
        .flatten();
        let shown = amount.map_or_else(|| clip(value, 80), |a| super::card::money(a, currency));
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} → ", clip(&lower_first(&msg::field_label(field)), 30)),
                theme.dim,
            ),
            Span::raw(shown),
        ]));
    }
    lines
}

/// `s` with its first letter in lower case, unless it opens an abbreviation (`ЖК`, `UTM`).
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_uppercase() && !second.is_uppercase() => {
            first.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

/// The comment under its heading (none without a comment).
pub fn comment_lines(d: &ReviewDraft, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if !d.comment.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("{}:", msg::comment()),
            theme.dim,
        )));
        // Only so much of a long comment: the pane is redrawn on every key.
        for l in d.comment.lines().take(20) {
            lines.push(Line::from(clip(l, 400)));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lang::{Lang, with};

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        (lines.iter())
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    /// tester39 F15: «Бюджет → 5 000 000» without ₽ and capitalised, beside `этап →` and
    /// `ответств. →`; a budget reads as the card writes it, in the card's currency.
    #[test]
    fn a_corrected_budget_reads_in_lower_case_with_the_card_s_currency() {
        let mut d = ReviewDraft::default();
        d.correct("amount".into(), "5000000".into(), None).unwrap();
        d.correct("ЖК".into(), "Речной".into(), None).unwrap();
        with(Lang::Ru, || {
            let lines = text(&change_lines(&d, None, &Theme::plain()));
            assert!(
                lines.contains(&"бюджет → 5 000 000 ₽".to_string()),
                "{lines:?}"
            );
            // An abbreviation keeps its capitals.
            assert!(lines.contains(&"ЖК → Речной".to_string()), "{lines:?}");
            let lines = text(&change_lines(&d, Some("USD"), &Theme::plain()));
            assert!(
                lines.contains(&"бюджет → 5 000 000 $".to_string()),
                "{lines:?}"
            );
        });
    }
}
