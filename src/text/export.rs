//! Messages of `okk export`.

use std::path::Path;

use super::safe::line;
use crate::export::crm::Warning;
use crate::export::profile::{ColumnType, ExportProfile, Format};

pub fn exists(path: &Path) -> String {
    format!(
        "{}: the file exists; pass --force to replace it, or choose another --out",
        path.display()
    )
}

pub fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    format!(
        "{}: cannot write the export: {e} (nothing was written there)",
        path.display()
    )
}

pub fn unknown_profile(name: &str) -> String {
    let names: Vec<&str> = crate::export::profile::ExportProfile::names().collect();
    format!(
        "no export profile «{}»; use one of: {}",
        line(name),
        names.join(", ")
    )
}

pub fn wrote_reviews(n: u64, path: &Path) -> String {
    let rows = if n == 1 { "review" } else { "reviews" };
    format!("okk: wrote {n} {rows} to {}", path.display())
}

pub fn wrote_changes(n: usize, path: &Path, profile: &ExportProfile) -> String {
    let cards = if n == 1 { "card" } else { "cards" };
    let what = match profile.format {
        Format::Csv => format!("changes to {n} {cards}"),
        Format::RestJsonl => format!(
            "{n} REST {} calls (one per line; its file import cannot update deals)",
            profile.method.as_deref().unwrap_or_default()
        ),
    };
    format!(
        "okk: wrote {what} for {} to {}",
        profile.label,
        path.display()
    )
}

pub fn changed_since_review(n: usize) -> String {
    let cards = if n == 1 { "card has" } else { "cards have" };
    format!(
        "okk: {n} of these {cards} changed in the CRM since the review: check them before the \
         import (`okk export reviews` marks them in card_changed)"
    )
}

pub fn warning(w: &Warning, crm: &str) -> String {
    match w {
        Warning::CannotSet { field, cards } => format!(
            "okk: warning: {crm}'s import cannot set «{}»: left out for {cards} {}",
            line(field),
            if *cards == 1 { "card" } else { "cards" }
        ),
        Warning::BadValue {
            external_id,
            field,
            value,
            kind,
        } => format!(
            "okk: warning: card {}: «{}» = «{}» is not {}: written as text",
            line(external_id),
            line(field),
            line(value),
            match kind {
                ColumnType::Number => "a number",
                ColumnType::Date => "a date",
                ColumnType::Text => "text",
            }
        ),
    }
}

pub fn no_cards_from(crm: &str) -> String {
    format!(
        "okk: no cards in this store came from {crm}: writing every card's change in {crm}'s \
         columns (its ids are the other CRM's: check before importing)"
    )
}
