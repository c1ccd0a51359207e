//! Messages of `okk export`.

use std::path::Path;

use super::safe::line;
use crate::domain::crm_export::{ColumnType, Format, OwnerForm, Problem, Warning};

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

/// `names`: the export profiles there are.
pub fn unknown_profile(name: &str, names: &[&str]) -> String {
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

/// `crm`: the export profile's label; `method`: its REST method, for the REST-lines format.
pub fn wrote_changes(
    n: usize,
    path: &Path,
    crm: &str,
    format: Format,
    method: Option<&str>,
) -> String {
    let cards = if n == 1 { "card" } else { "cards" };
    let what = match format {
        Format::Csv => format!("changes to {n} {cards}"),
        Format::RestJsonl => format!(
            "{n} REST {} calls (one per line; its file import cannot update deals)",
            method.unwrap_or_default()
        ),
    };
    format!("okk: wrote {what} for {crm} to {}", path.display())
}

pub fn changed_since_review(n: usize) -> String {
    let cards = if n == 1 { "card has" } else { "cards have" };
    format!(
        "okk: {n} of these {cards} changed in the CRM since the review: check them before the \
         import (`okk export reviews` marks them in card_changed)"
    )
}

/// Cards listed by id at most; the rest are counted.
const NEEDS_LEAD_LISTED: usize = 50;

/// Cards left out of the CRM file because their auditors disagree and no lead decision settles it.
pub fn needs_lead(ids: &[String]) -> String {
    let n = ids.len();
    let cards = if n == 1 { "card needs" } else { "cards need" };
    let mut listed: Vec<String> = ids
        .iter()
        .take(NEEDS_LEAD_LISTED)
        .map(|id| format!("#{}", super::safe::line(id)))
        .collect();
    if n > NEEDS_LEAD_LISTED {
        listed.push(format!("… and {} more", n - NEEDS_LEAD_LISTED));
    }
    format!(
        "okk: {n} {cards} the lead, not exported: their auditors disagree and no decision settles          it (`okk lead`, filter `disagree`): {}",
        listed.join(", ")
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

/// What the owner column of a CRM takes, for messages: "an email", "a numeric user id", …
pub fn owner_form(form: OwnerForm) -> &'static str {
    match form {
        OwnerForm::Name => "a user's name",
        OwnerForm::Email => "an email",
        OwnerForm::NumericId => "a numeric user id",
        OwnerForm::SalesforceId => "a Salesforce User Id (15 or 18 letters and digits, 005…)",
    }
}

pub fn owners_unreadable(path: &Path, e: &std::io::Error) -> String {
    format!("{}: cannot read the owners map: {e}", path.display())
}

pub fn owners_problems(path: &Path, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}:{p}", path.display()))
        .collect();
    format!(
        "{}\n(an owners map: a header row, then one row per owner: okk's name for them, the \
         CRM's value; or TOML lines `\"okk name\" = \"CRM value\"`; nothing was written)",
        lines.join("\n")
    )
}

pub fn owners_not_utf8() -> String {
    "not UTF-8: save the TOML file as UTF-8".into()
}

pub fn owners_not_text(encoding: &str) -> String {
    format!("cannot read the file as {encoding} text: save it as UTF-8 CSV")
}

pub fn owners_bad_csv(e: &csv::Error) -> String {
    format!("not a CSV file okk can read ({e}): a quote never closed?")
}

pub fn owners_bad_toml(e: &str) -> String {
    format!(
        "{}: write one `\"okk name\" = \"CRM value\"` per line",
        e.trim()
    )
}

pub fn owners_not_string(name: &str) -> String {
    format!(
        "the value for «{}» is not text: put it in quotes",
        line(name)
    )
}

pub fn owners_line_break() -> String {
    "a line break inside a cell: a quote that never closed? (names and values fit on one line)"
        .into()
}

pub fn owners_empty() -> String {
    "no owners in the map: after the header row, one row per owner (okk's name, the CRM's value)"
        .into()
}

pub fn owners_no_name(value: &str) -> String {
    format!(
        "«{}» has no okk owner name before it: the first column is the name okk shows",
        line(value)
    )
}

pub fn owners_no_value(name: &str, crm: &str) -> String {
    format!(
        "no {crm} value for «{}»: fill in the second column or delete the row",
        line(name)
    )
}

pub fn owners_bad_value(name: &str, value: &str, form: OwnerForm, crm: &str) -> String {
    format!(
        "«{}» for «{}» is not {}, which {crm}'s import wants for the owner (columns swapped?)",
        line(value),
        line(name),
        owner_form(form)
    )
}

pub fn owners_twice(name: &str, first_line: usize, first: &str, value: &str) -> String {
    format!(
        "«{}» is already mapped on line {first_line} to «{}», here to «{}»: keep one",
        line(name),
        line(first),
        line(value)
    )
}

/// The owners the map did not cover, with how many cards each; and how to go on.
/// `crm`: the export profile's label; `form`: what its owner column takes.
pub fn unmapped_owners(
    unmapped: &[(String, usize)],
    crm: &str,
    form: OwnerForm,
    skipped: bool,
) -> String {
    let form = owner_form(form);
    let list: Vec<String> = unmapped
        .iter()
        .map(|(name, n)| {
            let cards = if *n == 1 { "card" } else { "cards" };
            format!("  «{}» ({n} {cards})", line(name))
        })
        .collect();
    let template: Vec<String> = unmapped
        .iter()
        .map(|(name, _)| format!("  {},", csv_name(name)))
        .collect();
    let head = if skipped {
        format!(
            "okk: warning: {crm}'s import takes {form} as the owner, and these suggested owners \
             have none: their cards' owner is left unchanged (their other changes are written)"
        )
    } else {
        format!(
            "{crm}'s import takes {form} as the owner, and these suggested owners have none \
             (a name there would make the CRM reject the row); nothing was written"
        )
    };
    let fix = if skipped {
        "To move them too, add them to the owners map and export again:".to_string()
    } else {
        "Add them to an owners map and pass it with --owners FILE (or pass \
         --skip-unmapped-owners to write the other changes and leave these owners unchanged). \
         A map to fill in:"
            .to_string()
    };
    format!(
        "{head}:\n{}\n{fix}\n  okk owner,{crm}\n{}",
        list.join("\n"),
        template.join("\n")
    )
}

/// A name as one CSV cell of the template.
fn csv_name(name: &str) -> String {
    let name = line(name);
    if name.contains([',', ';', '"']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.into_owned()
    }
}

pub fn owner_ids_known(n: usize, crm: &str) -> String {
    let owners = if n == 1 { "owner" } else { "owners" };
    format!("okk: user ids of {n} {owners} from the {crm} export's «Name [id]»")
}

pub fn owners_loaded(n: usize, path: &Path) -> String {
    let owners = if n == 1 { "owner" } else { "owners" };
    format!("okk: owners map {}: {n} {owners}", path.display())
}
