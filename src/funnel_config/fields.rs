//! Custom fields of the funnel and how a field label in `required`, `fields` or a checklist item
//! resolves: a profile (system) field first, then a declared custom field by name or alias.

use toml::Spanned;

use super::error::Report;
use super::raw::RawCustomField;
use super::unique::FirstSeen;
use crate::domain::card::SystemField;
use crate::domain::funnel::{CustomField, FieldKind, FieldRef};
use crate::domain::names::fold;
use crate::text::funnel_config as text;

pub(super) fn custom_fields(
    raw: &[Spanned<RawCustomField>],
    report: &mut Report,
) -> Vec<CustomField> {
    let mut seen = FirstSeen::default();
    let mut out = Vec::new();
    for (i, item) in raw.iter().enumerate() {
        let key = format!("custom_fields[{i}]");
        let field = item.get_ref();
        let kind = field_kind(field, &key, report);
        let Some(name) = field
            .name
            .as_ref()
            .filter(|n| !n.get_ref().trim().is_empty())
        else {
            let span = field.name.as_ref().map_or(item.span(), |n| n.span());
            report.add(
                span,
                format!("{key}.name"),
                text::custom_field_name_missing(),
            );
            continue;
        };
        let mut ok = claim(
            name,
            name.get_ref(),
            &format!("{key}.name"),
            &mut seen,
            report,
        );
        let mut aliases = Vec::new();
        for (j, alias) in field.aliases.iter().enumerate() {
            let alias_key = format!("{key}.aliases[{j}]");
            if alias.get_ref().trim().is_empty() {
                report.add(alias.span(), alias_key, text::alias_empty());
                ok = false;
                continue;
            }
            ok &= claim(alias, name.get_ref(), &alias_key, &mut seen, report);
            aliases.push(alias.get_ref().trim().to_string());
        }
        // A field with a bad type is still declared: stages naming it should not report it too.
        if ok {
            out.push(CustomField {
                name: name.get_ref().trim().to_string(),
                aliases,
                kind: kind.unwrap_or(FieldKind::Text),
            });
        }
    }
    out
}

/// A custom field may not wear a profile field's name: `required = ["owner"]` must mean one thing.
fn claim(
    label: &Spanned<String>,
    owner: &str,
    key: &str,
    seen: &mut FirstSeen,
    report: &mut Report,
) -> bool {
    let name = label.get_ref().trim();
    if SystemField::from_name(name).is_some() {
        report.add(label.span(), key, text::custom_field_is_system(name));
        return false;
    }
    if let Some((first, span)) = seen.claim(name, owner.trim(), label.span()) {
        let (line, column) = report.position(&span);
        report.add(
            label.span(),
            key,
            text::custom_field_duplicate(name, &first, line, column),
        );
        return false;
    }
    true
}

fn field_kind(field: &RawCustomField, key: &str, report: &mut Report) -> Option<FieldKind> {
    let Some(kind) = &field.kind else {
        return Some(FieldKind::Text);
    };
    let parsed = match kind.get_ref().trim() {
        "text" => Some(FieldKind::Text),
        "date" => Some(FieldKind::Date),
        "number" => Some(FieldKind::Number),
        "bool" => Some(FieldKind::Bool),
        "list" => Some(FieldKind::List),
        _ => None,
    };
    if parsed.is_none() {
        report.add(
            kind.span(),
            format!("{key}.type"),
            text::custom_field_type_unknown(kind.get_ref()),
        );
    }
    parsed
}

/// The field vocabulary a stage may use, for resolving labels and for listing them in messages.
pub(super) struct Fields<'a> {
    custom: &'a [CustomField],
}

impl<'a> Fields<'a> {
    pub fn new(custom: &'a [CustomField]) -> Fields<'a> {
        Fields { custom }
    }

    pub fn resolve(&self, label: &str) -> Option<FieldRef> {
        if let Some(system) = SystemField::from_name(label) {
            return Some(FieldRef::System(system));
        }
        self.custom(label).map(|f| FieldRef::Custom(f.name.clone()))
    }

    pub fn custom(&self, label: &str) -> Option<&'a CustomField> {
        let key = fold(label);
        self.custom
            .iter()
            .find(|f| fold(&f.name) == key || f.aliases.iter().any(|a| fold(a) == key))
    }

    pub fn system_names(&self) -> Vec<String> {
        SystemField::ALL
            .iter()
            .map(|f| f.name().to_string())
            .collect()
    }

    pub fn custom_names(&self) -> Vec<String> {
        self.custom.iter().map(|f| f.name.clone()).collect()
    }

    /// Names of the custom fields of one type (a date rule lists the date fields).
    pub fn custom_names_of(&self, kind: FieldKind) -> Vec<String> {
        self.custom
            .iter()
            .filter(|f| f.kind == kind)
            .map(|f| f.name.clone())
            .collect()
    }
}
