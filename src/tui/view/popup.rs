//! Popups over the screen: help (generated from the keymap), pickers, the comment box and the
//! one-line field editor.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, List, ListItem, ListState, Paragraph};
use ratatui_textarea::TextArea;

use super::{Theme, centered, clip, queue};
use crate::text::tui as msg;
use crate::tui::keymap::Mode;
use crate::tui::picker::{Picker, PickerFor};
use crate::tui::state::{FieldInput, InputFor, Popup, State};

pub fn draw(state: &State, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    match &state.popup {
        Some(Popup::Help { scroll }) => help(state, scroll, theme, frame, area),
        Some(Popup::Picker(p)) => {
            let source = state.card.as_ref().map(|c| c.detail.card.source.as_str());
            // The keys that move down a picker, as the keymap binds them (help reads it too).
            let down = (state.shared.keymap.rows(Mode::Picker).into_iter())
                .find(|(a, _)| *a == crate::tui::action::Action::Down)
                .map(|(_, keys)| keys.iter().map(ToString::to_string).collect::<Vec<_>>())
                .unwrap_or_default()
                .join("/");
            picker(p, source.unwrap_or(""), &down, theme, frame, area)
        }
        Some(Popup::Comment { area: text, .. }) => comment(text, frame, area),
        Some(Popup::Input(input)) => field_input(state, input, theme, frame, area),
        None => {}
    }
}

/// A picker; `source`, the card's (an owner marked is one only other sources' cards name);
/// `down`, the keys that move down its list.
fn picker(p: &Picker, source: &str, down: &str, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let title = match p.purpose {
        PickerFor::WrongStage => msg::pick_stage(),
        PickerFor::Owner => msg::pick_owner(),
        PickerFor::Field => msg::pick_field(),
        PickerFor::Verdict => msg::pick_verdict(),
        PickerFor::LeadStage => msg::pick_stage(),
    };
    const WIDTH: u16 = 60;
    // Marked items (stages the card's CRM pipeline has no place for, owners of other sources):
    // a line under the list says what the mark means, wrapped whole.
    let (mark, means) = match p.purpose {
        PickerFor::Owner => (msg::other_source(), msg::other_source_means(source)),
        _ => (msg::not_in_crm_pipeline(), msg::not_in_crm_pipeline_means()),
    };
    let inner_width = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let mut footer = Vec::new();
    if let Some(note) = &p.note {
        let line = Line::from(Span::styled(note.clone(), theme.warn));
        footer.extend(super::hang::hang(line, 0, inner_width));
    }
    if p.any_marked() {
        let line = Line::from(Span::styled(means, theme.dim));
        footer.extend(super::hang::hang(line, 0, inner_width));
    }
    let height = (p.items.len() as u16 + 4).clamp(6, 20) + footer.len() as u16;
    let rect = centered(area, WIDTH, height);
    frame.render_widget(Clear, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
        .title(Line::from(format!(" {}/{} ", p.matches.len(), p.items.len())).right_aligned());
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [query, list, below] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(footer.len() as u16),
    ])
    .areas(inner);
    frame.render_widget(Paragraph::new(footer), below);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled("> ", theme.key),
            Span::raw(format!("{}▏", clip(&p.query, 200))),
        ])),
        query,
    );
    if p.matches.is_empty() {
        let none = Line::from(Span::styled(msg::picker_no_match(down), theme.dim));
        let none = super::hang::hang(none, 0, usize::from(list.width));
        frame.render_widget(Paragraph::new(none), list);
        return;
    }
    // The highlight symbol's columns are every row's.
    const SYMBOL: &str = "▶ ";
    let room = usize::from(list.width).saturating_sub(super::width(SYMBOL));
    let mark = format!(" · {mark}");
    let items: Vec<ListItem> = p
        .matches
        .iter()
        .map(|&i| {
            let label = clip(&p.labels[i], 200);
            if !p.is_marked(i) {
                return ListItem::new(label);
            }
            // Dimmed, the mark kept whole: the name gives way.
            let label = super::fit(&label, room.saturating_sub(super::width(&mark)));
            ListItem::new(Line::from(vec![
                Span::styled(label, theme.dim),
                Span::styled(mark.clone(), theme.dim),
            ]))
        })
        .collect();
    let mut ls = ListState::default().with_selected(Some(p.selected));
    frame.render_stateful_widget(
        List::new(items)
            .highlight_style(theme.selected)
            .highlight_symbol(SYMBOL),
        list,
        &mut ls,
    );
}

fn comment(text: &TextArea<'static>, frame: &mut Frame<'_>, area: Rect) {
    text_box(text, &msg::comment_title(), frame, area);
}

/// A box of text that takes sentences: the auditor's comment and the lead's note to the auditor
/// alike, every line wrapped at its words in the box's width (tester42 F8: the lead's note was
/// one row scrolling sideways, its start gone while it was typed).
fn text_box(text: &TextArea<'static>, title: &str, frame: &mut Frame<'_>, area: Rect) {
    let rect = centered(area, 70, 12);
    frame.render_widget(Clear, rect);
    let mut text = text.clone();
    text.set_wrap_mode(ratatui_textarea::WrapMode::WordOrGlyph);
    text.set_block(
        Block::default()
            .borders(Borders::ALL)
            .title(format!(" {title} ")),
    );
    frame.render_widget(&text, rect);
}

fn field_input(
    state: &State,
    input: &FieldInput,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    if input.purpose == InputFor::ReturnNote {
        return text_box(&input.area, msg::return_note().trim(), frame, area);
    }
    const WIDTH: u16 = 70;
    // A correction's box says what the field takes and how to edit, wrapped whole under the
    // value: a date's or a number's help is wider than the box.
    let help = match input.purpose {
        InputFor::Correction => super::hang::hang(
            Line::from(Span::styled(
                msg::field_input_help(state.shared.funnel.field_kind(&input.field)),
                theme.dim,
            )),
            0,
            usize::from(WIDTH.min(area.width).saturating_sub(2)),
        ),
        InputFor::ReturnNote => Vec::new(),
    };
    let rect = centered(area, WIDTH, 3 + help.len() as u16);
    frame.render_widget(Clear, rect);
    let title = match input.purpose {
        InputFor::Correction => msg::field_input_title(&msg::field_label(&input.field)),
        InputFor::ReturnNote => msg::return_note().to_string(),
    };
    let block = Block::default().borders(Borders::ALL).title(title);
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    let [value, below] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let mut text = input.area.clone();
    text.set_selection_style(theme.selected);
    frame.render_widget(&text, value);
    frame.render_widget(Paragraph::new(help), below);
}

fn help(
    state: &State,
    scroll: &crate::tui::state::Scroll,
    theme: &Theme,
    frame: &mut Frame<'_>,
    area: Rect,
) {
    // Checklist keys beyond the card's checklist do nothing there: not listed.
    let items = state
        .card
        .as_ref()
        .and_then(|c| c.stage)
        .map_or(9, |i| state.shared.funnel.stage(i).checklist.len());
    let rows: Vec<_> = state
        .shared
        .keymap
        .rows(state.screen_mode())
        .into_iter()
        .filter(
            |(a, _)| !matches!(a, crate::tui::action::Action::Item(n) if usize::from(*n) > items),
        )
        .collect();
    // A scale item's key steps down its scale: its line says so (the card's checklist).
    let scale = |action: &crate::tui::action::Action| match action {
        crate::tui::action::Action::Item(n) => (state.card.as_ref())
            .and_then(|c| {
                c.checklist(&state.shared.funnel)
                    .get(usize::from(*n).wrapping_sub(1))
            })
            .and_then(|i| i.scale),
        _ => None,
    };
    let marks = legend(state.screen_mode());
    let keys_of = |keys: &[crate::tui::keymap::Key]| {
        let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
        keys.join(" ")
    };
    // The keys' and marks' column as wide as its widest, two columns off the meanings: the
    // room left is the meanings' (16 at most, a user's keymap may bind many keys).
    let col = (rows.iter().map(|(_, k)| super::width(&keys_of(k))))
        .chain(marks.iter().map(|(m, _)| super::width(m)))
        .max()
        .map_or(16, |w| (w + 2).min(16));
    let mut lines: Vec<Line> = rows
        .iter()
        .map(|(action, keys)| {
            Line::from(vec![
                Span::styled(format!(" {}", super::pad(&keys_of(keys), col)), theme.key),
                Span::raw(action.help_scaled(state.screen_mode(), scale(action))),
            ])
        })
        .collect();
    if !marks.is_empty() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!(" {}", msg::marks_heading()),
            theme.bold,
        )));
        lines.extend(marks.into_iter().map(|(mark, meaning)| {
            Line::from(vec![
                Span::styled(format!(" {}", super::pad(&mark, col)), theme.bold),
                Span::raw(meaning),
            ])
        }));
    }
    if !state.screen_mode().takes_text() {
        lines.push(Line::default());
        lines.push(Line::from(format!(" {}", msg::help_layout())));
    }
    let w = area.width.saturating_sub(4).min(110);
    // Each line opens with a space off the frame; wrapped one column short, none ends on it
    // either (tester42 F14: «его цифра│»).
    let inner = w.saturating_sub(3).max(1) as usize;
    let lines = super::hang::hang_all(lines, inner);
    let rows = lines.len();
    let rect = centered(area, w, rows as u16 + 2);
    frame.render_widget(Clear, rect);
    let scrolls = rows as u16 + 2 > rect.height;
    let scroll = scroll.shown((rows as u16 + 2).saturating_sub(rect.height));
    let block = Block::default()
        .borders(Borders::ALL)
        .title(format!(
            " {} · {} ",
            msg::help_title(),
            msg::screen(state.screen_mode().name())
        ))
        .title(
            Line::from(if scrolls {
                msg::help_scrolls()
            } else {
                String::new()
            })
            .right_aligned(),
        );
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .scroll((scroll, 0)),
        rect,
    );
}

/// The marks a screen shows and what they mean: the queue's flag letters and verdict marks
/// from their own tables, the rest from the text layer.
pub fn legend(mode: Mode) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    if mode == Mode::Queue {
        out.extend(crate::domain::flag::RuleCode::ALL.into_iter().map(|c| {
            (
                queue::flag_icon(c.as_str()).to_string(),
                msg::flag_meaning(c).to_string(),
            )
        }));
        out.extend(
            queue::VERDICTS
                .iter()
                .map(|&v| (queue::verdict_icon(v).to_string(), msg::verdict_given(v))),
        );
    }
    out.extend(msg::marks(mode.name()));
    out
}
