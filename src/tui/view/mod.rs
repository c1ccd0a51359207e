//! Drawing: a pure function of the state. Every string from the CRM passes `text::safe` before
//! it reaches a span, so a card cannot send the terminal an escape sequence.

mod bars;
mod card;
mod changed;
mod columns;
mod fields;
mod funnel;
mod hang;
mod lead;
mod popup;
mod queue;
mod stats;
mod suggestion;
mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Table, TableState};

pub use theme::Theme;

use super::state::{Screen, State};
use crate::text::tui as msg;

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// The screens cannot be drawn in `area`: a message asks for a larger terminal instead.
pub fn too_small(area: Rect) -> bool {
    area.width < MIN_WIDTH || area.height < MIN_HEIGHT
}

pub fn view(state: &State, theme: &Theme, frame: &mut Frame<'_>) {
    let area = frame.area();
    if too_small(area) {
        let p = Paragraph::new(wrapped(msg::too_small(area.width, area.height), area.width));
        frame.render_widget(p, area);
        return;
    }
    let status_lines = bars::status_lines(&state.shared, theme, area.width);
    let [title, body, status, hints] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length((status_lines.len() as u16).max(1)),
        Constraint::Length(1),
    ])
    .areas(area);
    bars::title(state, theme, frame, title);
    let shared = &state.shared;
    match state.screen {
        Screen::Funnel => funnel::draw(shared, &state.stages, theme, frame, body),
        Screen::Queue => {
            if let Some((q, row)) = state.queue.as_ref().zip(state.stage_row()) {
                queue::draw(q, row, &shared.keymap, theme, frame, body)
            }
        }
        Screen::Card => {
            if let Some(c) = &state.card {
                let sources = state.queue.as_ref().is_some_and(queue::several_sources);
                card::draw(shared, c, None, sources, theme, frame, body)
            }
        }
        Screen::Decide => {
            if let Some(c) = &state.card {
                let sources = state.lead.as_ref().is_some_and(lead::several_sources);
                card::draw(shared, c, state.lead.as_ref(), sources, theme, frame, body)
            }
        }
        Screen::Reviews => {
            if let Some(l) = &state.lead {
                lead::draw(shared, l, theme, frame, body)
            }
        }
        Screen::Stats => {
            if let Some(s) = &state.stats {
                match &s.fields {
                    Some(v) => fields::draw(v, theme, frame, body),
                    None => stats::draw(s, theme, frame, body),
                }
            }
        }
    }
    bars::status(shared, status_lines, theme, frame, status);
    bars::hints(state, theme, frame, hints);
    if state.popup.is_some() {
        popup::draw(state, theme, frame, body);
    }
}

/// A box of `w`×`h` centred in `area` (clamped to it).
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// At most `max` characters of untrusted one-line text, made safe; long values end in `…`.
fn clip(s: &str, max: usize) -> String {
    let safe = crate::text::safe::line(s);
    match safe.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &safe[..i]),
        None => safe.into_owned(),
    }
}

/// `text` wrapped whole to `width` columns as [`hang::hang`] wraps (a number keeps the word
/// after it): a message alone in a box, where ratatui's `Wrap` would part `5│cards`.
fn wrapped(text: impl Into<String>, width: u16) -> Vec<Line<'static>> {
    hang::hang(Line::from(text.into()), 0, usize::from(width))
}

/// Display width of text (Cyrillic 1, CJK and emoji 2).
fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` cut to at most `max` columns, ending in `…` when cut (right after the last letter kept:
/// "Академический …" reads as a word left out, not one cut).
fn fit(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        used += w;
        out.push(c);
    }
    out.truncate(out.trim_end().len());
    if max > 0 {
        out.push('…');
    }
    out
}

/// `s` (a name of a few words: a stage) in `cols` columns, its words shortened before it is
/// cut: the longest word first, each to three letters and a dot at the least, so
/// «Отработка возражений» reads «Отраб. возраж.» rather than «Отрабо…»; past that, cut.
fn abbreviate(s: &str, cols: usize) -> String {
    shorten_words(s, cols).unwrap_or_else(|floor| fit(&floor, cols))
}

/// [`abbreviate`] for a column that must not cut a name already shortened («Кон. пос…», tester42
/// F14): past three letters a word, the words after the first go to their initials from the
/// last one back («Контакт после встречи» reads «Кон. п. в.» in 10); cut only past that.
fn abbreviate_whole(s: &str, cols: usize) -> String {
    let floor = match shorten_words(s, cols) {
        Ok(fits) => return fits,
        Err(floor) => floor,
    };
    let mut words: Vec<String> = floor.split(' ').map(str::to_string).collect();
    for i in (1..words.len()).rev() {
        let letters = words[i].trim_end_matches('.');
        if letters.chars().count() > 1 && letters.chars().all(char::is_alphabetic) {
            let initial = letters.chars().next().map(String::from).unwrap_or_default();
            words[i] = initial + ".";
        }
        let now = words.join(" ");
        if width(&now) <= cols {
            return now;
        }
    }
    // Cut after all: one mark of it, not an abbreviation's dot and then the cut's.
    fit(&words.join(" "), cols).replace(".…", "…")
}

/// [`abbreviate`] before the cut: `Err` holds its words shortened as far as they go, which is
/// still wider than `cols`.
fn shorten_words(s: &str, cols: usize) -> Result<String, String> {
    let safe = crate::text::safe::line(s);
    if width(&safe) <= cols {
        return Ok(safe.into_owned());
    }
    let mut words: Vec<(Vec<char>, usize)> = (safe.split(' '))
        .map(|w| (w.chars().collect::<Vec<_>>(), w.chars().count()))
        .collect();
    let shown = |words: &[(Vec<char>, usize)]| {
        (words.iter())
            .map(|(w, kept)| {
                let head: String = w[..*kept].iter().collect();
                if *kept < w.len() { head + "." } else { head }
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    loop {
        let now = shown(&words);
        if width(&now) <= cols {
            return Ok(now);
        }
        // The longest word as shown gives a letter (a word cut to one letter shorter than it
        // is gains a dot, and saves nothing: it goes two at once).
        let longest = (0..words.len())
            .filter(|&i| words[i].1 > 3 && words[i].0.iter().all(|c| c.is_alphabetic()))
            .max_by_key(|&i| (words[i].1, std::cmp::Reverse(i)));
        let Some(i) = longest else {
            return Err(now);
        };
        let (w, kept) = &mut words[i];
        *kept = (*kept - if *kept == w.len() { 2 } else { 1 }).max(3);
        // A shortened word ends on a consonant, as abbreviations are written («возр.», not
        // «возра.»): a vowel or a soft sign before the dot goes too.
        while *kept > 3 && ends_soft(w[*kept - 1]) {
            *kept -= 1;
        }
    }
}

/// A letter an abbreviation does not end on: a vowel (Russian or Latin) or a soft or hard sign.
fn ends_soft(c: char) -> bool {
    "аеёиоуыэюяьъйaeiouy".contains(c.to_lowercase().next().unwrap_or(c))
}

/// `s` cut to at most `cols` columns at a word's end, ending in `…` when cut (mid-word only
/// when a word alone takes more than half the room): a message on a line of its own.
fn fit_words(s: &str, cols: usize) -> String {
    let cut = fit(s, cols);
    let Some(kept) = cut.strip_suffix('…') else {
        return cut;
    };
    let next = s[kept.len()..].chars().next();
    if next.is_some_and(char::is_whitespace) {
        return cut;
    }
    match kept.rfind(' ') {
        Some(i) if width(&kept[..i]) * 2 >= cols => format!("{}…", kept[..i].trim_end()),
        _ => cut,
    }
}

/// Untrusted one-line text made safe and cut to `cols` columns, ending in `…` when cut: a
/// table's cell in its column.
fn cell(s: &str, cols: usize) -> String {
    fit(&crate::text::safe::line(s), cols)
}

/// `spans` cut to `cols` columns: the span that runs past the edge ends in `…`, those after it
/// go.
fn fit_spans(spans: Vec<Span<'static>>, cols: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = span.width();
        if used + w <= cols {
            used += w;
            out.push(span);
            continue;
        }
        let rest = cols - used;
        if rest > 0 {
            out.push(Span::styled(fit(&span.content, rest), span.style));
        }
        break;
    }
    out
}

/// `text`'s parts (apart by `sep`) that fit in `cols` columns, whole: a box title's trailing
/// remarks give way before its name does; the first part alone too long ends in `…`.
fn fit_parts(text: &str, sep: &str, cols: usize) -> String {
    let mut parts = text.split(sep);
    let first = parts.next().unwrap_or("");
    if width(first) > cols {
        return fit(first, cols);
    }
    let mut out = first.to_string();
    for part in parts {
        if width(&out) + width(sep) + width(part) > cols {
            break;
        }
        out.push_str(sep);
        out.push_str(part);
    }
    out
}

/// A box title (` Этапы · карточки · … `) for a box `box_width` wide: its parts that fit between
/// the corners, whole (see [`fit_parts`]), `taken` columns left to another title on its row.
fn box_title(title: &str, box_width: u16, taken: usize) -> String {
    let room = (box_width as usize).saturating_sub(4 + taken);
    format!(" {} ", fit_parts(title.trim(), " · ", room))
}

/// `s` padded with spaces to `cols` columns (by display width, not characters).
fn pad(s: &str, cols: usize) -> String {
    format!("{s}{}", " ".repeat(cols.saturating_sub(width(s))))
}

/// A table's header cell: bold, cut to its column's `cols`. A figure's header (`figure`) sits at
/// the right, over its figures, as a printed table sets it.
fn head(h: &str, cols: usize, figure: bool, theme: &Theme) -> ratatui::widgets::Cell<'static> {
    let line = Line::from(fit(h, cols));
    let line = if figure { line.right_aligned() } else { line };
    ratatui::widgets::Cell::from(line).style(theme.bold)
}

/// A long list's table (its rows, header and box), the selected row marked as every long list
/// marks it: the queue's and the lead's. `selected` counts from the first row built.
fn draw_list(frame: &mut Frame<'_>, area: Rect, table: Table<'_>, selected: usize, theme: &Theme) {
    let table = table
        .row_highlight_style(theme.selected)
        .highlight_symbol("▶");
    let mut ts = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut ts);
}

/// The filter being typed (or kept) above a list: the queue's and the lead's.
fn filter_line(filter: &str, typing: bool, theme: &Theme, frame: &mut Frame<'_>, area: Rect) {
    let cursor = if typing { "▏" } else { "" };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!(" {}: ", msg::filter()), theme.bold),
            Span::raw(format!("{}{cursor}", clip(filter, 200))),
        ])),
        area,
    );
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_stage_name_is_abbreviated_by_its_words_before_it_is_cut() {
        let stage = "Отработка возражений";
        assert_eq!(super::abbreviate(stage, 30), stage);
        assert_eq!(super::abbreviate(stage, 14), "Отраб. возраж.");
        assert_eq!(super::abbreviate(stage, 10), "Отр. возр.");
        assert_eq!(super::abbreviate(stage, 9), "Отр. воз.");
        // Past three letters a word, the name is cut.
        assert_eq!(super::abbreviate(stage, 6), "Отр.…");
        assert_eq!(super::abbreviate("Встреча проведена", 12), "Встр. пров.");
        // A number is no word to shorten.
        assert_eq!(super::abbreviate("Этап 2026", 8), "Эта. 20…");
        // A name of three words keeps its first and the others' initials before it is cut.
        let contact = "Контакт после встречи";
        assert_eq!(super::abbreviate(contact, 10), "Кон. пос.…");
        assert_eq!(super::abbreviate_whole(contact, 14), "Кон. пос. вст.");
        assert_eq!(super::abbreviate_whole(contact, 12), "Кон. пос. в.");
        assert_eq!(super::abbreviate_whole(contact, 10), "Кон. п. в.");
        assert_eq!(super::abbreviate_whole(stage, 10), "Отр. возр.");
        assert_eq!(super::abbreviate_whole("Бронирование", 10), "Брониров.");
        assert_eq!(super::abbreviate_whole(contact, 8), "Кон. п…");
    }

    use super::*;

    #[test]
    fn a_cut_ends_in_an_ellipsis_after_the_last_letter_kept() {
        assert_eq!(fit("Морозов Алексей", 15), "Морозов Алексей");
        assert_eq!(fit("Морозов Алексей", 12), "Морозов Але…");
        // Cut at a space: the ellipsis comes right after the word.
        assert_eq!(fit("Морозов Алексей", 9), "Морозов…");
        // Wide characters count two columns, and are never split.
        assert_eq!(fit("中文中文", 4), "中…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn a_title_keeps_its_parts_that_fit_whole() {
        let title = "Менеджеры · бледные: < 5 проверок, вне рейтинга";
        assert_eq!(fit_parts(title, " · ", 40), "Менеджеры");
        assert_eq!(fit_parts(title, " · ", 60), title);
        assert_eq!(fit_parts("Заполнение доп. полей", " · ", 12), "Заполнение…");
        assert_eq!(box_title(" Этапы · карточки ", 20, 0), " Этапы · карточки ");
        assert_eq!(box_title(" Этапы · карточки ", 15, 0), " Этапы ");
    }

    #[test]
    fn a_message_is_cut_at_a_words_end() {
        let said = "«since:31.13.2026» is not a day: write DD.MM.YYYY or YYYY-MM-DD";
        assert_eq!(fit_words(said, 80), said);
        assert_eq!(
            fit_words(said, 40),
            "«since:31.13.2026» is not a day: write…"
        );
        // One word longer than half the room is cut where the room ends.
        assert_eq!(fit_words("ab Долгосрочнаяаренда", 12), "ab Долгосро…");
    }

    #[test]
    fn spans_are_cut_where_the_room_ends() {
        let spans = vec![Span::raw("Квартира"), Span::raw(" ↻ изменена")];
        let cut: Vec<String> = fit_spans(spans.clone(), 13)
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(cut, ["Квартира", " ↻ и…"]);
        assert_eq!(fit_spans(spans, 5)[0].content, "Квар…");
        assert_eq!(
            cell("Иван\u{1b}]0;x\u{7}", 40),
            crate::text::safe::line("Иван\u{1b}]0;x\u{7}")
        );
    }
}
