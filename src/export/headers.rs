//! The header a corrected custom field goes back to the CRM under: the column its export had,
//! which the import named apart (`Бюджет (2)` for a header repeated, Pipedrive's `Deal - ` taken
//! off) — and whether the CRM's import can tell that column from another with the same header.

use std::collections::{HashMap, HashSet};

use crate::domain::columns::SourceColumns;
use crate::domain::names::{fold, numbered, numbered_base, strip_prefix_loosely};

use super::profile::ExportProfile;

/// What the CRM's exports had: the headers its import profile reads as okk's own fields, and
/// each source's custom columns (as the import named them).
#[derive(Debug, Clone, Default)]
pub struct ExportedColumns {
    /// Folded.
    system: HashSet<String>,
    /// What the import took off a custom field's header (Pipedrive's `Deal - `, `Сделка - `):
    /// a field named with it still (by an okk that kept it) has it taken off here too, so that
    /// it is not written twice.
    own_prefixes: Vec<String>,
    by_source: HashMap<String, SourceColumns>,
}

/// Where a corrected custom field goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    /// A column under this header.
    Header(String),
    /// The export had the field's column under `header`, and another column under the same
    /// header — one of the CRM's own fields (`system`) or another custom field of that label:
    /// the CRM's import, which matches columns by header, cannot tell which one the file sets.
    Ambiguous { header: String, system: bool },
    /// A field of another record the deal links to (Pipedrive's person or organization,
    /// exported beside the deal's): the deals import does not set it.
    OtherRecord,
}

impl ExportedColumns {
    /// `system`: the headers the CRM's import profile maps to okk's fields (as the import
    /// names them); `own_prefixes`: what it takes off a custom field's header; `sources`: each
    /// source's custom columns.
    pub fn new(
        system: impl IntoIterator<Item = String>,
        own_prefixes: Vec<String>,
        sources: impl IntoIterator<Item = (String, SourceColumns)>,
    ) -> ExportedColumns {
        ExportedColumns {
            system: system.into_iter().map(|h| fold(&h)).collect(),
            own_prefixes,
            by_source: sources.into_iter().collect(),
        }
    }

    /// The column `field`, a custom field of a card of `source`, is written to for `profile`.
    pub fn column(&self, profile: &ExportProfile, source: &str, field: &str) -> Column {
        let field = (self.own_prefixes.iter())
            .find_map(|p| strip_prefix_loosely(field, p))
            .unwrap_or(field);
        let foreign = |p: &String| strip_prefix_loosely(field, p).is_some();
        if profile.foreign_prefixes.iter().any(foreign) {
            return Column::OtherRecord;
        }
        let had = |name: &str| {
            self.by_source
                .get(source)
                .is_some_and(|c| c.carries_custom(name))
        };
        // A name the import numbered is a repeat of a header some column of the export had
        // before it; a header that is `Город (2)` itself has no `Город` beside it.
        let (header, beside) = match numbered_base(field) {
            Some((base, _)) if self.system.contains(&fold(base)) => (base, Some(true)),
            Some((base, _)) if had(base) => (base, Some(false)),
            // The first of two custom columns of one header.
            _ if had(&numbered(field, 2)) => (field, Some(false)),
            _ => (field, None),
        };
        let header = format!(
            "{}{header}",
            profile.custom_field_prefix.as_deref().unwrap_or_default()
        );
        match beside {
            Some(system) => Column::Ambiguous { header, system },
            None => Column::Header(header),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amocrm_with(custom: &[&str]) -> ExportedColumns {
        let columns = SourceColumns::new(
            ["external_id", "stage", "amount"].map(String::from),
            custom.iter().map(|c| c.to_string()),
        );
        ExportedColumns::new(
            ["ID", "Этап сделки", "Бюджет"].map(String::from),
            Vec::new(),
            [("amocrm".to_string(), columns)],
        )
    }

    #[test]
    fn a_repeated_header_goes_back_as_the_export_had_it_and_is_said_ambiguous() {
        let amocrm = ExportProfile::builtin("amocrm").unwrap();
        let c = amocrm_with(&["Бюджет (2)", "Город", "Город (2)", "Отдел (2)", "Источник"]);
        let column = |field| c.column(&amocrm, "amocrm", field);
        assert_eq!(
            column("Бюджет (2)"),
            Column::Ambiguous {
                header: "Бюджет".into(),
                system: true
            }
        );
        for field in ["Город", "Город (2)"] {
            assert_eq!(
                column(field),
                Column::Ambiguous {
                    header: "Город".into(),
                    system: false
                },
                "{field}"
            );
        }
        // A header that is `Отдел (2)` itself, and a plain one.
        assert_eq!(column("Отдел (2)"), Column::Header("Отдел (2)".into()));
        assert_eq!(column("Источник"), Column::Header("Источник".into()));
        // Another source's cards: its columns are not amocrm's.
        assert_eq!(
            c.column(&amocrm, "amo2", "Город"),
            Column::Header("Город".into())
        );
    }

    #[test]
    fn a_pipedrive_deal_field_goes_back_under_its_prefix_and_a_person_s_not_at_all() {
        let pipedrive = ExportProfile::builtin("pipedrive").unwrap();
        let own = ["Deal - ", "Сделка - "].map(String::from).to_vec();
        let c = ExportedColumns::new([], own, []);
        // The field as the import names it now, and as an okk that kept the prefix named it.
        for field in [
            "Дата встречи",
            "Deal - Дата встречи",
            "Сделка - Дата встречи",
        ] {
            assert_eq!(
                c.column(&pipedrive, "pipedrive", field),
                Column::Header("Deal - Дата встречи".into()),
                "{field}"
            );
        }
        for field in ["Person - Email", "Контактное лицо - Дата встречи"] {
            assert_eq!(
                c.column(&pipedrive, "pipedrive", field),
                Column::OtherRecord
            );
        }
    }
}
