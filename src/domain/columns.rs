//! Which columns a source's exports have ever had, and so which required fields it cannot fill:
//! a column the CRM never exports is not a fault of every card, and is said once instead.

use super::card::SystemField;
use super::funnel::{FieldRef, Funnel, Stage};
use super::fx::FxSet;
use super::names::fold;
use super::rules::{Rule, TASK_FIELDS};

/// The columns of every import of one source: okk's fields the profile mapped, and the custom
/// columns' headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceColumns {
    okk: FxSet<String>,
    /// Folded, as the funnel's custom field keys are. Looked up per field of every card a
    /// changed export compares (`sync::change`).
    custom: FxSet<String>,
}

impl SourceColumns {
    /// `okk`: fields by [`SystemField::name`]; `custom`: headers as written (folded here).
    pub fn new(
        okk: impl IntoIterator<Item = String>,
        custom: impl IntoIterator<Item = String>,
    ) -> SourceColumns {
        SourceColumns {
            okk: okk.into_iter().collect(),
            custom: custom.into_iter().map(|h| fold(&h)).collect(),
        }
    }

    fn has_okk(&self, f: SystemField) -> bool {
        self.okk.contains(f.name())
    }

    /// No import or sync of the source recorded its columns (one made before okk kept them).
    pub fn is_empty(&self) -> bool {
        self.okk.is_empty() && self.custom.is_empty()
    }

    /// These columns and `okk` fields and `custom` headers more (folded here).
    pub fn with(&self, okk: &[&str], custom: &[&str]) -> SourceColumns {
        let mut out = self.clone();
        out.okk.extend(okk.iter().map(|f| f.to_string()));
        out.custom.extend(custom.iter().map(|h| fold(h)));
        out
    }

    /// Whether some import or sync of the source had a column that fills okk's field `f`.
    pub fn carries(&self, f: SystemField) -> bool {
        match f {
            // A status word is read into closed and won, and either column into status.
            SystemField::Closed | SystemField::Won => {
                self.has_okk(f) || self.has_okk(SystemField::Status)
            }
            SystemField::Status => [SystemField::Status, SystemField::Closed, SystemField::Won]
                .into_iter()
                .any(|f| self.has_okk(f)),
            f => self.has_okk(f),
        }
    }

    /// Whether some import or sync of the source carried the custom column `header`.
    pub fn carries_custom(&self, header: &str) -> bool {
        self.custom.contains(&fold(header))
    }

    /// [`SourceColumns::carries_custom`] for a header folded already.
    pub fn carries_folded(&self, folded: &str) -> bool {
        self.custom.contains(folded)
    }

    /// The custom columns recorded, folded, in order.
    pub fn custom_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.custom.iter().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// Whether some import of the source had a column that fills `field`.
    pub fn exports(&self, field: &FieldRef, funnel: &Funnel) -> bool {
        match field {
            FieldRef::System(f) => self.carries(*f),
            // A column the funnel does not declare is looked up by its own header.
            FieldRef::Custom(name) => match funnel.custom_keys(name) {
                [] => self.custom.contains(&fold(name)),
                keys => keys.iter().any(|k| self.custom.contains(k)),
            },
        }
    }
}

/// The columns a sync or an import keeps the owner's CRM user id in, for writing a move back
/// to the CRM: amoCRM's «ID ответственного» (what okk's amoCRM sync names it, as amoCRM's own
/// export does) and Bitrix24's `ASSIGNED_BY_ID`. okk fills them, not a manager.
pub const OWNER_ID_COLUMNS: [&str; 2] = ["ID ответственного", "ASSIGNED_BY_ID"];

/// Whether `header` is one of [`OWNER_ID_COLUMNS`] (loosely compared).
pub fn is_owner_id_column(header: &str) -> bool {
    OWNER_ID_COLUMNS.iter().any(|c| fold(c) == fold(header))
}

/// The nearest-task column as the rules name it: what the `no_task` rule reads.
pub fn task_field() -> FieldRef {
    FieldRef::Custom(TASK_FIELDS[0].to_string())
}

/// Whether `stage` needs `field` filled: requires it, or reads it (`no_task`, the nearest task).
pub fn needs(stage: &Stage, field: &FieldRef) -> bool {
    stage.required.iter().any(|r| r.field == *field)
        || (*field == task_field() && stage.rules.iter().any(|r| matches!(r, Rule::NoTask(_))))
}

/// The fields some stage of `funnel` requires that `columns` never had: each once, in funnel
/// order; and the nearest task when a stage runs `no_task` and no export of the source had
/// that column (an export without it is not every open card's fault, as for `required`).
pub fn absent_required(funnel: &Funnel, columns: &SourceColumns) -> Vec<FieldRef> {
    let mut out: Vec<FieldRef> = Vec::new();
    let task = task_field();
    for stage in &funnel.stages {
        for r in &stage.required {
            if !columns.exports(&r.field, funnel) && !out.contains(&r.field) {
                out.push(r.field.clone());
            }
        }
        if needs(stage, &task) && !out.contains(&task) && !carries_task(columns, funnel) {
            out.push(task.clone());
        }
    }
    out
}

/// Whether some export of the source had the nearest-task column, under any of its names.
pub fn carries_task(columns: &SourceColumns, funnel: &Funnel) -> bool {
    TASK_FIELDS.iter().any(|name| {
        columns.carries_custom(name) || columns.exports(&FieldRef::Custom(name.to_string()), funnel)
    })
}

/// Per source, the required fields its exports never had (sources whose columns are not known,
/// imported before okk kept them, have none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AbsentFields {
    by_source: Vec<(String, Vec<FieldRef>)>,
}

impl AbsentFields {
    pub fn new(
        funnel: &Funnel,
        sources: impl IntoIterator<Item = (String, SourceColumns)>,
    ) -> AbsentFields {
        AbsentFields {
            by_source: sources
                .into_iter()
                .map(|(s, c)| (s, absent_required(funnel, &c)))
                .filter(|(_, a)| !a.is_empty())
                .collect(),
        }
    }

    /// A store holds a few sources: a scan beats hashing every card's source.
    pub fn of(&self, source: &str) -> &[FieldRef] {
        self.by_source
            .iter()
            .find(|(s, _)| s == source)
            .map_or(&[], |(_, a)| a.as_slice())
    }

    pub fn sources(&self) -> impl Iterator<Item = (&str, &[FieldRef])> {
        self.by_source
            .iter()
            .map(|(s, a)| (s.as_str(), a.as_slice()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_absent_when_no_import_had_its_column() {
        let funnel = crate::funnel_config::default_funnel();
        let columns = SourceColumns::new(
            ["external_id", "stage", "owner", "status"].map(String::from),
            ["Дата встречи"].map(String::from),
        );
        let phone = FieldRef::System(SystemField::Phone);
        assert!(!columns.exports(&phone, &funnel));
        assert!(columns.exports(&FieldRef::System(SystemField::Closed), &funnel));
        // An alias's header counts for its custom field.
        let meeting = FieldRef::Custom("Дата встречи в офисе продаж".into());
        assert!(columns.exports(&meeting, &funnel));
        let absent = absent_required(&funnel, &columns);
        assert_eq!(absent.iter().filter(|f| **f == phone).count(), 1);
        assert!(!absent.contains(&meeting));
        let by_source = AbsentFields::new(&funnel, [("b24".to_string(), columns)]);
        assert_eq!(by_source.of("b24"), absent.as_slice());
        assert!(by_source.of("amocrm").is_empty());
    }

    #[test]
    fn the_nearest_task_is_absent_only_where_a_stage_runs_no_task_and_no_export_had_it() {
        let mut funnel = crate::funnel_config::default_funnel();
        let file = SourceColumns::new(["external_id", "stage"].map(String::from), []);
        let synced = file.with(&[], &["Ближайшая задача"]);
        let english = file.with(&[], &["Closest task"]);
        assert!(!absent_required(&funnel, &file).contains(&task_field()));
        let stage = &mut funnel.stages[0];
        stage
            .rules
            .push(Rule::NoTask(crate::domain::rules::NoTaskRule {
                severity: None,
            }));
        assert!(needs(&funnel.stages[0], &task_field()));
        assert!(!needs(&funnel.stages[1], &task_field()));
        let absent = absent_required(&funnel, &file);
        assert_eq!(absent.iter().filter(|f| **f == task_field()).count(), 1);
        assert!(!absent_required(&funnel, &synced).contains(&task_field()));
        assert!(!absent_required(&funnel, &english).contains(&task_field()));
    }
}
