//! What a sync changed on a card since a review of it, field by field (`domain::as_judged`), as
//! the auditor's card and the lead's review pane list it under the review: a field by the name
//! the card shows it with, from what to what where the values are short.

use ratatui::text::{Line, Span};

use super::{Theme, clip};
use crate::domain::as_judged::{self, Change, Field, Side};
use crate::domain::{Card, Funnel, SystemField};
use crate::text::tui as msg;

/// Changes listed at most: the suggestion's pane holds the checklist too; the rest are counted.
const LISTED: usize = 5;
/// Characters of a value shown (a field name's: [`NAME_COLS`]); a longer one ends in `…`.
const VALUE_COLS: usize = 40;
const NAME_COLS: usize = 30;

/// A line per change (the first [`LISTED`]), then how many more; each hangs under its value.
pub fn lines(changes: &[Change], now: &Card, funnel: &Funnel, theme: &Theme) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = (changes.iter().take(LISTED))
        .map(|c| {
            Line::from(vec![
                Span::styled(
                    format!("  {}: ", clip(&label(&c.field), NAME_COLS)),
                    theme.dim,
                ),
                Span::raw(values(c, now, funnel)),
            ])
        })
        .collect();
    if changes.len() > LISTED {
        out.push(Line::from(Span::styled(
            format!("  {}", msg::more_changes(changes.len() - LISTED)),
            theme.dim,
        )));
    }
    out
}

/// The field as the card and the field picker name it (the status line of a card that changed
/// on screen names it so too).
fn label(f: &Field) -> String {
    msg::changed_field(f)
}

/// «then → now», each short or cut; a side kept only as its digest: that it changed.
fn values(c: &Change, now: &Card, funnel: &Funnel) -> String {
    let shown = |side: &Side| match side {
        Side::Empty => Some("—".to_string()),
        Side::Value(v) => Some(clip(&value(&c.field, v, now, funnel), VALUE_COLS)),
        Side::Long => None,
    };
    match (shown(&c.then), shown(&c.now)) {
        (Some(then), Some(now)) => format!("{then} → {now}"),
        _ => msg::value_changed(),
    }
}

/// A kept value as the card shows its field: a budget as money, a date as dates are shown,
/// a yes/no in words; a custom field's as the card's list of fields shows it.
fn value(f: &Field, v: &str, now: &Card, funnel: &Funnel) -> String {
    let s = match f {
        Field::System(s) => s,
        Field::Custom(name) => return crate::tui::state::column_value(funnel, name, v),
        Field::Others => return v.to_string(),
    };
    match s {
        SystemField::Amount => v.parse::<f64>().map_or_else(
            |_| v.to_string(),
            |a| super::card::money(a, now.currency.as_deref()),
        ),
        SystemField::ClosedAt | SystemField::ExpectedCloseAt | SystemField::LastActivityAt => {
            as_judged::kept_time(v).map_or_else(
                || v.to_string(),
                |t| {
                    if t.time() == chrono::NaiveTime::MIN {
                        t.format("%d.%m.%Y").to_string()
                    } else {
                        t.format("%d.%m.%Y %H:%M").to_string()
                    }
                },
            )
        }
        SystemField::Closed | SystemField::Won => match v {
            "true" => msg::yes(),
            "false" => msg::no(),
            _ => v.to_string(),
        },
        _ => v.to_string(),
    }
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

    fn change(field: Field, then: Side, now: Side) -> Change {
        Change { field, then, now }
    }

    /// Each value as the card shows its field, a side kept only as a digest said changed, a
    /// control character of the CRM's shown as its placeholder, the list cut after five.
    #[test]
    fn changes_read_as_the_card_shows_its_fields_and_nothing_reaches_the_terminal_raw() {
        let v = |s: &str| Side::Value(s.to_string());
        let funnel = crate::funnel_config::default_funnel();
        let now = Card {
            currency: Some("RUB".into()),
            ..Card::default()
        };
        let changes = [
            change(
                Field::System(SystemField::Title),
                v("Сделка \u{1b}]0;pwned\u{7}"),
                v("Сделка, правка 2213"),
            ),
            change(
                Field::System(SystemField::Amount),
                v("9550000"),
                Side::Empty,
            ),
            change(
                Field::System(SystemField::LastActivityAt),
                v("2026-11-18 00:00:00"),
                v("2026-11-20 10:30:00"),
            ),
            change(Field::System(SystemField::Closed), Side::Empty, v("true")),
            change(Field::Custom("Интересы".into()), Side::Long, v("2-к")),
            change(Field::Others, Side::Long, Side::Long),
            change(Field::System(SystemField::Owner), v("a"), v("b")),
            // amoCRM's checkbox, in words as the card shows it; what is kept stays `false`.
            change(
                Field::Custom("Ипотека одобрена".into()),
                v("false"),
                v("true"),
            ),
        ];
        let en = with(Lang::En, || {
            text(&lines(&changes, &now, &funnel, &Theme::plain()))
        });
        assert_eq!(
            en,
            [
                "  Title: Сделка ␛]0;pwned␇ → Сделка, правка 2213",
                "  Budget: 9 550 000 ₽ → —",
                "  Last activity: 18.11.2026 → 20.11.2026 10:30",
                "  Is closed: — → yes",
                "  Интересы: changed",
                "  … and 3 more",
            ]
        );
        assert!(en.iter().flat_map(|l| l.chars()).all(|c| !c.is_control()));
        let ru = with(Lang::Ru, || {
            text(&lines(&changes[3..], &now, &funnel, &Theme::plain()))
        });
        assert_eq!(
            ru,
            [
                "  Сделка закрыта: — → да",
                "  Интересы: изменено",
                "  другие поля: изменено",
                "  Ответственный: a → b",
                "  Ипотека одобрена: нет → да",
            ]
        );
    }
}
