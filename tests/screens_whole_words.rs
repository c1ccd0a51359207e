//! No screen cuts a word short without saying so: every screen kept in tests/snapshots (the
//! reviewer's and the lead's, English and Russian, 80×24 and 120×40) is read word by word, and a
//! word that is only the first letters of a word okk or its data writes — «Алек» of «Алексей»,
//! «Встреча н» of «назначена» — must end in `…`. A column too narrow for its text, a box title
//! longer than its box, a hint wider than the terminal: each shows here as a word cut mid-way.

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

/// The words of `screen` cut short without a `…`: not words of `vocabulary` themselves, but the
/// first letters of one. Flag letters (`RR`, `IM`: capitals only) are no words, and a word
/// being typed (the cursor after it) is whole so far. With `popup`, a word touching a border
/// is the screen below cut by the popup's box, and passes.
fn cut_words(screen: &str, vocabulary: &BTreeSet<String>, popup: bool) -> BTreeSet<String> {
    screen
        .lines()
        // TestBackend quotes each row, and may note the cells a wide character hides after it.
        .map(|line| line.split("\" Hidden by ").next().unwrap_or(line))
        .map(|line| match (line.find('"'), line.rfind('"')) {
            (Some(a), Some(b)) if a < b => &line[a + 1..b],
            _ => line,
        })
        .flat_map(|line| {
            words(line)
                .filter(|(w, next)| {
                    let before = line[..line.find(w).unwrap_or(0)].chars().next_back();
                    let under_popup =
                        popup && (before.is_some_and(border) || next.is_some_and(border));
                    let flags = w.chars().all(|c| c.is_ascii_uppercase());
                    let lower = w.to_lowercase();
                    // Being typed (the cursor after it) is not cut either.
                    let typing = *next == Some('▏');
                    *next != Some('…')
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
    // Under a popup's border: the screen below, not a word cut by its own column.
    assert!(cut_words("\"│Морозов Алек┌ Поле ─┐\"", &vocabulary, true).is_empty());
}

#[test]
fn no_screen_cuts_a_word_mid_way() {
    let vocabulary = vocabulary();
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
