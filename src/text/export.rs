//! Messages of `okk export`.

use std::path::Path;

use super::safe::line;
use crate::domain::crm_export::{ColumnType, Format, OwnerForm, Problem, Warning};

pub fn exists(path: &Path) -> String {
    crate::tr!("export-exists", path = path.display().to_string())
}

pub fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    crate::tr!(
        "export-cannot-write",
        path = path.display().to_string(),
        error = e.to_string()
    )
}

/// `names`: the export profiles there are.
pub fn unknown_profile(name: &str, names: &[&str]) -> String {
    crate::tr!(
        "export-unknown-profile",
        name = line(name),
        names = names.join(", ")
    )
}

pub fn wrote_reviews(n: u64, path: &Path) -> String {
    crate::tr!(
        "export-wrote-reviews",
        count = n,
        path = path.display().to_string()
    )
}

/// `crm`: the export profile's label; `method`: its REST method, for the REST-lines format.
pub fn wrote_changes(
    n: usize,
    path: &Path,
    crm: &str,
    format: Format,
    method: Option<&str>,
) -> String {
    let what = match format {
        Format::Csv => crate::tr!("export-changes-csv", count = n),
        Format::RestJsonl => crate::tr!(
            "export-changes-rest",
            count = n,
            method = method.unwrap_or_default()
        ),
    };
    crate::tr!(
        "export-wrote-changes",
        what = what,
        crm = crm,
        path = path.display().to_string()
    )
}

pub fn changed_since_review(n: usize) -> String {
    crate::tr!("export-changed-since-review", count = n)
}

/// Cards listed by id at most; the rest are counted.
const NEEDS_LEAD_LISTED: usize = 50;

/// Cards left out of the CRM file because their auditors disagree and no lead decision settles it.
pub fn needs_lead(ids: &[String]) -> String {
    let n = ids.len();
    let mut listed: Vec<String> = ids
        .iter()
        .take(NEEDS_LEAD_LISTED)
        .map(|id| format!("#{}", super::safe::line(id)))
        .collect();
    if n > NEEDS_LEAD_LISTED {
        listed.push(crate::tr!("export-and-more", count = n - NEEDS_LEAD_LISTED));
    }
    crate::tr!("export-needs-lead", count = n, cards = listed.join(", "))
}

pub fn warning(w: &Warning, crm: &str) -> String {
    match w {
        Warning::CannotSet { field, cards } => crate::tr!(
            "export-cannot-set",
            crm = crm,
            field = line(field),
            count = *cards
        ),
        Warning::BadValue {
            external_id,
            field,
            value,
            kind,
        } => crate::tr!(
            "export-bad-value",
            id = line(external_id),
            field = line(field),
            value = line(value),
            kind = match kind {
                ColumnType::Number => crate::tr!("export-kind-number"),
                ColumnType::Date => crate::tr!("export-kind-date"),
                ColumnType::Text => crate::tr!("export-kind-text"),
            }
        ),
    }
}

pub fn no_cards_from(crm: &str) -> String {
    crate::tr!("export-no-cards-from", crm = crm)
}

/// What the owner column of a CRM takes, for messages: "an email", "a numeric user id", …
pub fn owner_form(form: OwnerForm) -> String {
    match form {
        OwnerForm::Name => crate::tr!("export-owner-name"),
        OwnerForm::Email => crate::tr!("export-owner-email"),
        OwnerForm::NumericId => crate::tr!("export-owner-numeric-id"),
        OwnerForm::SalesforceId => crate::tr!("export-owner-salesforce-id"),
    }
}

pub fn owners_unreadable(path: &Path, e: &std::io::Error) -> String {
    crate::tr!(
        "export-owners-unreadable",
        path = path.display().to_string(),
        error = e.to_string()
    )
}

pub fn owners_problems(path: &Path, problems: &[Problem]) -> String {
    let lines: Vec<String> = problems
        .iter()
        .map(|p| format!("{}:{p}", path.display()))
        .collect();
    crate::tr!("export-owners-problems", problems = lines.join("\n"))
}

pub fn owners_not_utf8() -> String {
    crate::tr!("export-owners-not-utf8")
}

pub fn owners_not_text(encoding: &str) -> String {
    crate::tr!("export-owners-not-text", encoding = encoding)
}

pub fn owners_bad_csv(e: &csv::Error) -> String {
    crate::tr!("export-owners-bad-csv", error = e.to_string())
}

pub fn owners_bad_toml(e: &str) -> String {
    crate::tr!("export-owners-bad-toml", error = e.trim())
}

pub fn owners_not_string(name: &str) -> String {
    crate::tr!("export-owners-not-string", name = line(name))
}

pub fn owners_line_break() -> String {
    crate::tr!("export-owners-line-break")
}

pub fn owners_empty() -> String {
    crate::tr!("export-owners-empty")
}

pub fn owners_no_name(value: &str) -> String {
    crate::tr!("export-owners-no-name", value = line(value))
}

pub fn owners_no_value(name: &str, crm: &str) -> String {
    crate::tr!("export-owners-no-value", crm = crm, name = line(name))
}

pub fn owners_bad_value(name: &str, value: &str, form: OwnerForm, crm: &str) -> String {
    crate::tr!(
        "export-owners-bad-value",
        value = line(value),
        name = line(name),
        form = owner_form(form),
        crm = crm
    )
}

pub fn owners_twice(name: &str, first_line: usize, first: &str, value: &str) -> String {
    crate::tr!(
        "export-owners-twice",
        name = line(name),
        line = first_line,
        first = line(first),
        value = line(value)
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
            format!(
                "  {}",
                crate::tr!("export-unmapped-owner", name = line(name), count = *n)
            )
        })
        .collect();
    let template: Vec<String> = unmapped
        .iter()
        .map(|(name, _)| format!("  {},", csv_name(name)))
        .collect();
    let head = if skipped {
        crate::tr!("export-unmapped-skipped", crm = crm, form = &form)
    } else {
        crate::tr!("export-unmapped-stopped", crm = crm, form = &form)
    };
    let fix = if skipped {
        crate::tr!("export-unmapped-fix-skipped")
    } else {
        crate::tr!("export-unmapped-fix-stopped")
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
    crate::tr!("export-owner-ids-known", count = n, crm = crm)
}

pub fn owners_loaded(n: usize, path: &Path) -> String {
    crate::tr!(
        "export-owners-loaded",
        count = n,
        path = path.display().to_string()
    )
}
