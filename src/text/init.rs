//! The comments `okk funnel init --from-store` writes into the funnel it makes, and its messages.

use std::path::Path;

use crate::domain::fill::StageStats;

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "—".to_string()
    } else {
        format!("{:.0}%", part as f64 / whole as f64 * 100.0)
    }
}

pub fn header(cards: u64, moved: u64) -> String {
    format!(
        "A starting funnel written by `okk funnel init --from-store` from {cards} cards.\n\
         Stages are in the order cards move through them: by stage history ({moved} cards seen \
         moving),\nelse by what the cards carry (more fields filled and older cards come later); \
         closed stages last.\nCheck each stage's kind, add idle limits, required fields and \
         checklists, then run `okk funnel check`.\nThe format: docs/funnel.md and the built-in \
         funnel (assets/funnel.toml)."
    )
}

pub fn columns_intro() -> String {
    "Custom columns the cards carry, filled in the share of cards shown. Declare those worth \
     checking\n(uncomment), bind them to stages with `fields`, require them with `required`; \
     `okk fields` shows\nhow well each is kept per stage, and `okk funnel suggest` proposes \
     bindings."
        .to_string()
}

pub fn column_note(filled: u64, cards: u64) -> String {
    format!("filled in {} of the cards", pct(filled, cards))
}

pub fn stage_note(s: &StageStats) -> String {
    format!(
        "{} cards; {} closed, {} won; {:.1} custom fields filled per card",
        s.cards,
        pct(s.closed, s.cards),
        pct(s.won, s.cards),
        s.mean_filled()
    )
}

pub fn aliases_note() -> String {
    "spellings close to the name: check they are the same stage".to_string()
}

pub fn idle_note() -> String {
    "days without activity before a card is flagged".to_string()
}

pub fn funnel_name(store: &Path) -> String {
    format!(
        "Funnel from {}",
        store
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned())
    )
}

pub fn store_has_no_cards(store: &Path) -> String {
    format!(
        "{} has no cards to read stages from: import an export first",
        store.display()
    )
}

pub fn only_from_store() -> String {
    "`okk funnel init` makes a funnel from the store's cards: pass --from-store (or copy the \
     built-in funnel with `okk funnel show`)"
        .to_string()
}

pub fn wrote(path: &Path, stages: usize) -> String {
    format!(
        "Wrote {} with {stages} stages; edit it, then `okk funnel check --funnel {}`.",
        path.display(),
        path.display()
    )
}

pub fn exists(path: &Path) -> String {
    format!("{} exists; pass --force to replace it", path.display())
}
