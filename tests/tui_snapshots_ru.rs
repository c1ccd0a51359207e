//! The scenarios of tests/tui_snapshots.rs, every screen drawn again in Russian at 80×24 and
//! 120×40 (snapshots `tui_snapshots_ru__scenarios__*`), and the Russian screens checked for
//! English words of okk's own catalogue.

/// The language the scenarios speak in this test binary.
pub const LANG: okk::text::lang::Lang = okk::text::lang::Lang::Ru;

#[path = "tui_snapshots.rs"]
mod scenarios;

#[path = "support/english.rs"]
mod english;

/// Every Russian screen of both desks (this file's and tests/lead_snapshots_ru.rs's), as kept in
/// tests/snapshots: no English word of okk's own catalogue left in it. The data is Latin in places
/// (the lead scenarios' auditors, the hostile fixture's text): those words are allowed by name.
#[test]
fn every_russian_screen_is_in_russian() {
    // The auditors' names, and what the lead typed into the filter.
    const DATA: &[&str] = &["anna", "boris", "olga", "lena", "wrong"];
    let data: Vec<String> = DATA
        .iter()
        .map(|w| w.to_string())
        .chain(flag_words_until_rules_speak_russian())
        .chain(english_filter_words())
        .collect();
    let data: Vec<&str> = data.iter().map(String::as_str).collect();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut checked = 0;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/snapshots") {
        let path = entry.expect("a snapshot").path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !(name.starts_with("tui_snapshots_ru__") || name.starts_with("lead_snapshots_ru__"))
            || !name.ends_with(".snap")
            // A debug dump of the buffer: its style names (`Red`) are ratatui's, not the screen's.
            || name.contains("_colour_")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a readable snapshot");
        // The header (`source:`, `expression:`) is insta's, not the screen's.
        let screen = text.splitn(3, "---").nth(2).unwrap_or(&text);
        checked += 1;
        let words = english::english_in(screen, &data);
        if !words.is_empty() {
            found.push(format!("{name}: {words:?}"));
        }
    }
    assert!(checked >= 40, "the Russian snapshots are there ({checked})");
    assert!(
        found.is_empty(),
        "English left on Russian screens:\n{}",
        found.join("\n")
    );
}

/// The lead's filter takes its keywords in English too, and the Russian help names them so
/// (`since:` and the like, read from the table the filter reads).
fn english_filter_words() -> Vec<String> {
    use okk::domain::filter_key::FilterKey;
    okk::text::lang::with(okk::text::lang::Lang::En, || {
        (FilterKey::ALL.into_iter())
            .flat_map(okk::text::tui::filter_words)
            .collect()
    })
}

/// The flags' sentences are the rules area's (src/text/rules.rs), translated on another branch:
/// until a Russian `rules.ftl` ships, their English words are let through here; from then on
/// this returns nothing and the check above holds the flags to Russian too.
fn flag_words_until_rules_speak_russian() -> Vec<String> {
    let russian_rules = okk::text::i18n::catalogues()
        .iter()
        .any(|c| c.lang == "ru" && c.area == "rules");
    if russian_rules {
        return Vec::new();
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/text/rules.rs");
    let text = std::fs::read_to_string(src).expect("src/text/rules.rs");
    // The words of its string literals (every other quote opens one).
    text.split('"')
        .skip(1)
        .step_by(2)
        .flat_map(|lit| {
            lit.split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 3)
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
        })
        .collect()
}
