//! No screen cuts a word short without saying so: every screen kept in tests/snapshots (the
//! reviewer's and the lead's, English and Russian, 80×24 and 120×40) is read word by word, and a
//! word that is only the first letters of a word okk or its data writes — «Алек» of «Алексей»,
//! «Встреча н» of «назначена» — must end in `…`. A column too narrow for its text, a box title
//! longer than its box, a hint wider than the terminal: each shows here as a word cut mid-way.
//! Nor does a wrapped line part a number from the word after it («(7│дней)», «12│сек»).
//!
//! Over a popup, a word touching the popup's box from outside is the screen below, cut by the
//! box, and passes; a word touching a box's edge from inside is that box's own text and is read
//! like any other (a popup's hint cut at its right edge, «пусто — уда│», passed unseen when every
//! word touching a border on a popup's screen passed).

use std::collections::BTreeSet;
use std::path::Path;

/// The words okk and the data the snapshots are drawn from can write, lower-cased: the
/// catalogues, the funnel, the demo's export and the fixtures, the rules' sentences, and what
/// the scenarios type (comments, notes, filters).
fn vocabulary() -> BTreeSet<String> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut texts: Vec<String> = okk::text::i18n::catalogues()
        .iter()
        .map(|c| c.text.to_string())
        .collect();
    for file in [
        "assets/funnel.toml",
        "assets/demo/amocrm_deals.csv",
        "tests/fixtures/tui/hostile_amocrm.csv",
        "src/text/rules.rs",
        "tests/tui_snapshots.rs",
        "tests/lead_snapshots.rs",
    ] {
        let bytes = std::fs::read(repo.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        texts.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    texts
        .iter()
        .flat_map(|t| words(t).map(|(w, _)| w.to_lowercase()).collect::<Vec<_>>())
        .collect()
}

/// The words of `text` (runs of letters) with the character that follows each.
fn words(text: &str) -> impl Iterator<Item = (&str, Option<char>)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_alphabetic(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((&text[s..i], Some(c)));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((&text[s..], None));
    }
    out.into_iter()
}

/// A box-drawing character: a border.
fn border(c: char) -> bool {
    ('\u{2500}'..='\u{257f}').contains(&c)
}

/// The rows of a snapshot's screen: TestBackend quotes each row, and may note the cells a wide
/// character hides after it.
fn rows(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .map(|line| line.split("\" Hidden by ").next().unwrap_or(line))
        .map(|line| match (line.find('"'), line.rfind('"')) {
            (Some(a), Some(b)) if a < b => &line[a + 1..b],
            _ => line,
        })
        .collect()
}

/// The screen as cells: each row's characters at the columns they are drawn at (a wide one
/// takes two; the cell it hides reads as `'\0'`).
fn grid(rows: &[&str]) -> Vec<Vec<char>> {
    rows.iter()
        .map(|row| {
            let mut cells = Vec::new();
            for c in row.chars() {
                cells.push(c);
                let hidden = unicode_width::UnicodeWidthChar::width(c).unwrap_or(1);
                cells.extend(std::iter::repeat_n('\0', hidden.saturating_sub(1)));
            }
            cells
        })
        .collect()
}

/// Which side of its box the border at (`row`, `col`) is, read from the corner above it: `Some
/// (true)` a left edge (`┌`), `Some(false)` a right one (`┐`), `None` when it is no box's edge
/// there.
fn left_edge(grid: &[Vec<char>], row: usize, col: usize) -> Option<bool> {
    for y in (0..=row).rev() {
        match grid[y].get(col)? {
            '┌' => return Some(true),
            '┐' => return Some(false),
            '│' | '├' | '┤' => {}
            _ => return None,
        }
    }
    None
}

/// The words of `screen` cut short without a `…`: not words of `vocabulary` themselves, but the
/// first letters of one. Flag letters (`RR`, `IM`: capitals only) are no words, and a word
/// being typed (the cursor after it) is whole so far. With `popup`, a word touching a box's
/// edge from outside is the screen below cut by the popup's box, and passes.
fn cut_words(screen: &str, vocabulary: &BTreeSet<String>, popup: bool) -> BTreeSet<String> {
    let rows = rows(screen);
    let grid = grid(&rows);
    rows.iter()
        .enumerate()
        .flat_map(|(y, line)| {
            let grid = &grid;
            words(line)
                .filter(move |(w, next)| {
                    let at = line.find(w).unwrap_or(0);
                    let before = line[..at].chars().next_back();
                    let col = unicode_width::UnicodeWidthStr::width(&line[..at]);
                    let width = unicode_width::UnicodeWidthStr::width(*w);
                    // Outside the box whose edge it touches: a right edge before it, a left
                    // one after it (or an edge that is no box's, as far as the screen shows).
                    let outside_before = before.is_some_and(border)
                        && col > 0
                        && left_edge(grid, y, col - 1) != Some(true);
                    let outside_after =
                        next.is_some_and(border) && left_edge(grid, y, col + width) != Some(false);
                    let under_popup = popup && (outside_before || outside_after);
                    let flags = w.chars().all(|c| c.is_ascii_uppercase());
                    let lower = w.to_lowercase();
                    // Being typed (the cursor after it) is not cut either.
                    let typing = *next == Some('▏');
                    // A dot marks a word shortened on purpose (a stage's «Отр. возр.»).
                    let abbreviated = *next == Some('.');
                    *next != Some('…')
                        && !abbreviated
                        && !typing
                        && !under_popup
                        && !flags
                        && !vocabulary.contains(&lower)
                        && (vocabulary.range(lower.clone()..).next())
                            .is_some_and(|v| v.starts_with(&lower))
                })
                .map(|(w, _)| w.to_string())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The words okk writes after a number, lower-cased: in its catalogues, the first word after a
/// placeable (`{ $days } дней`, `{ $seconds } сек`, `needs { $n } cards`).
fn units() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in okk::text::i18n::catalogues() {
        for (_, after) in c
            .text
            .match_indices("} ")
            .map(|(i, _)| c.text.split_at(i + 2))
        {
            let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
            // One letter is an article or a preposition («a», «в»), not a unit: an input's
            // number above its hint «a number, …» is no number parted from its word.
            if word.chars().count() > 1 {
                out.insert(word.to_lowercase());
            }
        }
    }
    out
}

/// The numbers of `screen` a wrapped line parted from the word okk writes after them: a box's
/// row ending in a number (`(7`, `12`) whose next row, in the same box, starts with one of
/// `units` (`дней)`, `сек`), as `7│дней`.
fn parted_numbers(screen: &str, units: &BTreeSet<String>) -> BTreeSet<String> {
    let rows = rows(screen);
    let grid = grid(&rows);
    // A row's stretches between vertical borders: (first column, past the last, the text).
    let boxes = |cells: &[char]| -> Vec<(usize, usize, String)> {
        let mut out = Vec::new();
        let mut start = 0;
        for (x, c) in cells.iter().chain(std::iter::once(&'│')).enumerate() {
            if *c == '│' {
                if x > start {
                    let text = cells[start..x].iter().filter(|c| **c != '\0').collect();
                    out.push((start, x, text));
                }
                start = x + 1;
            }
        }
        out
    };
    let mut found = BTreeSet::new();
    for pair in grid.windows(2) {
        let below = boxes(&pair[1]);
        for (a, b, text) in boxes(&pair[0]) {
            let Some(last) = text.split_whitespace().next_back() else {
                continue;
            };
            let Some((_, _, next)) = below.iter().find(|(c, d, _)| (*c, *d) == (a, b)) else {
                continue;
            };
            let Some(first) = next.split_whitespace().next() else {
                continue;
            };
            let word: String = first.chars().take_while(|c| c.is_alphabetic()).collect();
            // A row that opens with a label (`этап →`, `lead olga:`, `in all:`) is a line of
            // its own, not the rest of the one above.
            let label = (next.split_whitespace().take(3)).any(|w| w.ends_with(':') || w == "→");
            // A wrap parts a word only from a row it would not fit on: a row with room left for
            // it ended there (the fields view's `0/1` over a field named «Ответственный …»).
            let room = b - a;
            let wrapped = text.trim_end().chars().count() + 1 + first.chars().count() > room;
            if last.ends_with(|c: char| c.is_ascii_digit())
                && units.contains(&word.to_lowercase())
                && !label
                && wrapped
            {
                found.insert(format!("{last}│{first}"));
            }
        }
    }
    found
}

/// A screen with a popup over it (a picker, a text box, help): the snapshot's name says.
fn has_popup(name: &str) -> bool {
    ["picker", "input", "comment", "help_", "send_back"]
        .iter()
        .any(|p| name.contains(p))
}

#[test]
fn the_check_finds_a_cut_word_and_passes_a_whole_or_marked_one() {
    let vocabulary: BTreeSet<String> = ["морозов", "алексей", "встреча", "назначена"]
        .map(String::from)
        .into();
    let cut = cut_words("\"│Морозов Алек    2│ Встреча н│\"", &vocabulary, false);
    assert_eq!(cut, ["Алек", "н"].map(String::from).into());
    let whole = "\"│Морозов Алек…  2│ Встреча назначена│\"";
    assert!(cut_words(whole, &vocabulary, false).is_empty());
    // Shortened with a dot, as the lead's list writes a stage at 80 columns.
    assert!(cut_words("\"│Вст. наз.│\"", &vocabulary, false).is_empty());
    // Under a popup's border: the screen below, not a word cut by its own column.
    assert!(cut_words("\"│Морозов Алек┌ Поле ─┐\"", &vocabulary, true).is_empty());
    let popup = [
        "\"┌ Карточка ───────┐      \"",
        "\"│Морозов Ал┌ Поле ─────┐\"",
        "\"│Морозов Ал│встреча наз│ле\"",
        "\"│Морозов Ал└───────────┘ле\"",
    ]
    .join("\n");
    // Beside the popup's box, outside it: the card below, cut by the box. Inside, at its own
    // right edge: the popup's text, cut.
    assert_eq!(
        cut_words(&popup, &vocabulary, true),
        ["наз"].map(String::from).into()
    );
}

#[test]
fn the_check_finds_a_number_parted_from_its_word() {
    let screen = [
        "\"│⚑ допускает этап (7    ││w5 ✔ · затрачено 12│\"",
        "\"│  дней)                ││сек                │\"",
        "\"│ 2026-11-20            ││в 12               │\"",
        "\"│ 12:00:00              ││дней: 3            │\"",
    ]
    .join("\n");
    let some = ["дней", "сек", "дня"].map(String::from).into();
    assert_eq!(
        parted_numbers(&screen, &some),
        ["(7│дней)", "12│сек"].map(String::from).into()
    );
    // A row with room for the word ended before it: a line of its own, not a wrap.
    let listed = [
        "\"│  Переговоры   3   3 100%  Попова 0/1          │\"",
        "\"│Дней в работе                                  │\"",
    ]
    .join("\n");
    assert!(parted_numbers(&listed, &some).is_empty());
    // The catalogues' own: what follows a number okk writes.
    let all = units();
    for unit in ["дней", "сек", "days", "cards"] {
        assert!(all.contains(unit), "{unit}: {all:?}");
    }
}

#[test]
fn no_screen_cuts_a_word_mid_way() {
    let vocabulary = vocabulary();
    let units = units();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut checked = 0;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots") {
        let path = entry.expect("a snapshot").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let screen_test = name.starts_with("tui_snapshots") || name.starts_with("lead_snapshots");
        // A debug dump of a buffer holds one cell per entry, not lines of words.
        if !screen_test || !name.ends_with(".snap") || name.contains("_colour_") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable snapshot");
        // The header (`source:`, `expression:`) is insta's, not the screen's.
        let screen = text.splitn(3, "---").nth(2).unwrap_or(&text);
        checked += 1;
        let cut = cut_words(screen, &vocabulary, has_popup(&name));
        if !cut.is_empty() {
            found.push(format!("{name}: {cut:?}"));
        }
        let parted = parted_numbers(screen, &units);
        if !parted.is_empty() {
            found.push(format!(
                "{name}: numbers parted from their words {parted:?}"
            ));
        }
    }
    found.sort();
    assert!(
        checked >= 150,
        "the screens' snapshots are there ({checked})"
    );
    assert!(
        found.is_empty(),
        "words cut mid-way on {} screens:\n{}",
        found.len(),
        found.join("\n")
    );
}
