//! Word wrap with a hanging indent: a flag's text, a field's value, a checklist item or a key's
//! help that runs past the edge goes on under its own text, not back at the first column where
//! it would read as the next row's label (ratatui's `Wrap` starts every row at the edge).

use ratatui::text::{Line, Span};
use unicode_width::UnicodeWidthStr;

/// The columns a line hangs from: its first span when more follow (a label, a mark, a key
/// column), else the blanks it opens with (a note's indent).
pub fn head(line: &Line<'_>) -> usize {
    match line.spans.as_slice() {
        [] => 0,
        [only] => only.content.len() - only.content.trim_start_matches(' ').len(),
        [first, ..] => first.content.width(),
    }
}

/// `lines` wrapped to `width` columns, each hanging from its [`head`].
pub fn hang_all(lines: Vec<Line<'static>>, width: usize) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .flat_map(|l| {
            let h = head(&l);
            hang(l, h, width)
        })
        .collect()
}

/// `line` word-wrapped to `width` columns: the first row as it starts, every further row
/// indented by `head` blanks (by at most four when the head would take half the width: a long
/// field name on a narrow terminal). A number keeps the word after it on its row (`7 дней`,
/// `12 сек`, `9 550 000 ₽`: see [`units`]) where a row can hold them. A word longer than a row
/// is cut where the row ends.
pub fn hang(line: Line<'static>, head: usize, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    if line.width() <= width {
        return vec![line];
    }
    let head = if head * 2 > width { head.min(4) } else { head };
    let style = line.style;
    let mut rows = Rows {
        done: Vec::new(),
        spans: Vec::new(),
        used: 0,
        width,
        head,
    };
    for span in line.spans {
        for unit in units(&span.content) {
            if unit.trim_end_matches(' ').width() <= width - head {
                rows.put(unit, span.style);
            } else {
                // Longer than a row: its words wrap one by one.
                for piece in pieces(unit) {
                    rows.put(piece, span.style);
                }
            }
        }
    }
    rows.finish()
        .into_iter()
        .map(|spans| Line::from(spans).style(style))
        .collect()
}

struct Rows {
    done: Vec<Vec<Span<'static>>>,
    spans: Vec<Span<'static>>,
    used: usize,
    width: usize,
    head: usize,
}

impl Rows {
    /// Puts a word with the blanks after it; blanks that reach the edge are dropped there.
    fn put(&mut self, piece: &str, style: ratatui::style::Style) {
        let word = piece.trim_end_matches(' ');
        let word_w = word.width();
        // A word that fits a fresh row moves there whole; a longer one starts where it is.
        let fits_a_row = word_w <= self.width - self.head;
        if self.used + word_w > self.width && self.used > self.head_here() && fits_a_row {
            self.break_row();
        }
        let mut word = word;
        // A word wider than a whole row: cut it at the row's end, as often as it takes.
        while self.used + word.width() > self.width {
            let (cut, rest) = split_at_width(word, self.width - self.used);
            if cut.is_empty() && self.used <= self.head_here() {
                // Not even one character fits after the head: put one anyway.
                let n = word.chars().next().map_or(0, char::len_utf8);
                self.push(&word[..n], style);
                word = &word[n..];
            } else {
                self.push(cut, style);
                word = rest;
            }
            self.break_row();
        }
        self.push(word, style);
        let blanks = &piece[piece.trim_end_matches(' ').len()..];
        let room = self.width.saturating_sub(self.used);
        self.push(&blanks[..blanks.len().min(room)], style);
    }

    /// Columns the current row starts with before any word: the head on every row but the
    /// first.
    fn head_here(&self) -> usize {
        if self.done.is_empty() { 0 } else { self.head }
    }

    fn push(&mut self, s: &str, style: ratatui::style::Style) {
        if s.is_empty() {
            return;
        }
        self.used += s.width();
        // One span per run of a style on a row, not one per word: the card is laid out anew on
        // every key, its notes up to 32 KB.
        match self.spans.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(s),
            _ => self.spans.push(Span::styled(s.to_string(), style)),
        }
    }

    fn break_row(&mut self) {
        // Blanks at a row's end would only widen it.
        if let Some(last) = self.spans.last_mut() {
            let trimmed = last.content.trim_end_matches(' ').to_string();
            last.content = trimmed.into();
        }
        self.done.push(std::mem::take(&mut self.spans));
        self.spans.push(Span::raw(" ".repeat(self.head)));
        self.used = self.head;
    }

    fn finish(mut self) -> Vec<Vec<Span<'static>>> {
        if self.used > self.head_here() || self.done.is_empty() {
            self.done.push(self.spans);
        }
        self.done
    }
}

/// `s` cut into words, each with the blanks that follow it (leading blanks are a piece alone).
fn pieces(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let word_end = rest.find(' ').unwrap_or(rest.len());
        let end = word_end
            + rest[word_end..]
                .find(|c| c != ' ')
                .unwrap_or(rest.len() - word_end);
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// `s` cut into [`pieces`], save that a word ending in a digit takes the next word with it (and
/// that one the next, if it ends in a digit too): a number and its unit, `(7 дней)`, `12 сек`,
/// `1 250 000 ₽`, `64–72 м²`, read as one and are not parted by a row's end.
fn units(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let mut end = 0;
        for piece in pieces(&rest[end..]) {
            end += piece.len();
            let word = piece.trim_end_matches(' ');
            let number = word.ends_with(|c: char| c.is_ascii_digit());
            // A number with blanks after it and a word to come: that word is part of it.
            if !(number && word.len() < piece.len() && end < rest.len()) {
                break;
            }
        }
        let (unit, tail) = rest.split_at(end);
        rest = tail;
        Some(unit)
    })
}

/// The longest start of `s` at most `cols` wide, and the rest.
fn split_at_width(s: &str, cols: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > cols {
            return s.split_at(i);
        }
        used += w;
    }
    (s, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(rows: &[Line<'_>]) -> Vec<String> {
        rows.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn a_flag_goes_on_under_its_text_not_under_its_mark() {
        let line = Line::from(vec![
            Span::raw("⚑ "),
            Span::raw("не заполнено поле «Телефон», обязательное на этапе «Отработка возражений»"),
        ]);
        let rows = hang_all(vec![line], 40);
        assert_eq!(
            text(&rows),
            [
                "⚑ не заполнено поле «Телефон»,",
                "  обязательное на этапе «Отработка",
                "  возражений»",
            ]
        );
        assert!(rows.iter().all(|r| r.width() <= 40));
    }

    #[test]
    fn a_line_that_fits_is_left_as_it_is_and_a_note_hangs_from_its_blanks() {
        let fits = Line::from(vec![Span::raw("Этап      "), Span::raw("Договор")]);
        assert_eq!(hang_all(vec![fits.clone()], 40), vec![fits]);
        let note = Line::from("  one two three four five six");
        assert_eq!(
            text(&hang_all(vec![note], 16)),
            ["  one two three", "  four five six"]
        );
    }

    #[test]
    fn a_word_wider_than_a_row_is_cut_and_styles_stay_with_their_words() {
        let bold = ratatui::style::Style::new().bold();
        let line = Line::from(vec![
            Span::raw("k  "),
            Span::styled("abcdefghijklmnop", bold),
            Span::raw(" end"),
        ]);
        let rows = hang_all(vec![line], 10);
        assert_eq!(text(&rows), ["k  abcdefg", "   hijklmn", "   op end"]);
        assert!(rows[1].spans.iter().any(|s| s.style == bold));
        assert!(rows.iter().all(|r| r.width() <= 10));
    }

    #[test]
    fn a_number_keeps_its_unit_on_its_row() {
        // «(7│ дней)» and «12│сек» were parted by the row's end.
        let flag = Line::from(vec![
            Span::raw("⚑ "),
            Span::raw("нет активности 9 дней (последняя 11.11.2026), дольше лимита (7 дней)"),
        ]);
        assert_eq!(
            text(&hang_all(vec![flag], 40)),
            [
                "⚑ нет активности 9 дней (последняя",
                "  11.11.2026), дольше лимита (7 дней)",
            ]
        );
        let spent = Line::from("  w5 ✔, затрачено 12 сек");
        assert_eq!(
            text(&hang_all(vec![spent], 22)),
            ["  w5 ✔, затрачено", "  12 сек"]
        );
        // Grouped digits stay with each other and with the currency.
        let budget = Line::from(vec![
            Span::raw("Бюджет "),
            Span::raw("до 12 550 000 ₽ всего"),
        ]);
        assert_eq!(
            text(&hang_all(vec![budget], 20)),
            ["Бюджет до", "       12 550 000 ₽", "       всего"]
        );
        // A run of numbers longer than a row wraps word by word.
        let figures = Line::from("1 2 3 4 5 6 7 8 9 10 11 12");
        assert_eq!(
            text(&hang_all(vec![figures], 10)),
            ["1 2 3 4 5", "6 7 8 9 10", "11 12"]
        );
    }

    #[test]
    fn a_head_wider_than_half_the_row_hangs_by_four_columns() {
        let line = Line::from(vec![
            Span::raw("a long label: "),
            Span::raw("one two three"),
        ]);
        assert_eq!(
            text(&hang_all(vec![line], 20)),
            ["a long label: one", "    two three"]
        );
    }
}
