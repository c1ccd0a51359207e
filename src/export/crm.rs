//! The changes reviews ask for, laid out in one CRM's columns and value formats: a sheet that
//! the CSV writer or the REST-lines writer puts out. What the CRM's import cannot set is left
//! out and reported, never written where the CRM would misread it.

use std::collections::BTreeMap;

use crate::domain::crm_stage::{AccountStages, NoLanding, landing};
use crate::domain::funnel::{FieldKind, StageKind};
use crate::domain::suggestion::{CardNow, StageTarget, Suggestion};
use crate::domain::{Funnel, SystemField};
use crate::formats::amount::parse_amount;
use crate::formats::values::{DateParser, TYPED_DATES};

use super::cell::Cell;
use super::headers::{Column, ExportedColumns};
use super::owners::OwnerMap;
use super::profile::{ColumnType, ExportProfile, Format, StageForm, Value};
pub use crate::domain::crm_export::Warning;

/// One card's change.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The card's source: a `[[crm]]` connection's name for a synced card.
    pub source: String,
    pub external_id: String,
    pub card: CardNow,
    pub suggestion: Suggestion,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell<'static>>>,
    pub warnings: Vec<Warning>,
    /// Suggested owners with nothing the CRM's owner column takes (no entry in the owners map,
    /// and not already an email or id), with how many cards each; their owner cells are empty.
    pub unmapped_owners: Vec<(String, usize)>,
    /// Suggested owners written as the id the CRM's own export gave (`OwnerMap::learn`: Bitrix24's
    /// `Name [17]`), not from an owners map, with how many cards each.
    pub learned_owners: Vec<(String, usize)>,
}

/// Where a corrected field goes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Target {
    /// The profile's corrections first, in their order; custom fields after, by header.
    rank: usize,
    header: String,
    kind: ColumnType,
}

/// The sheet of `changes` for `profile`. `spellings` are the stage names the CRM's own cards
/// carry (with counts): a stage is written as the CRM spells it. `stages` are the synced
/// connections' pipelines: a card of one moves to a stage of its own pipeline — by id where the
/// profile's stage column takes ids, else by the pipeline's name of it — or not at all (left
/// out and said).
/// Owners are written as `owners` maps them into the profile's `owner_form`; a corrected
/// custom field under the header the CRM's export had (`exported`).
pub fn sheet(
    profile: &ExportProfile,
    funnel: &Funnel,
    (spellings, stages, exported): (&[(String, u64)], &AccountStages, &ExportedColumns),
    owners: &OwnerMap,
    changes: &[Change],
) -> Sheet {
    let mut layout = Layout {
        profile,
        funnel,
        spellings,
        stages,
        exported,
        owners,
        dates: DateParser::new(&TYPED_DATES.map(String::from)),
        cannot: BTreeMap::new(),
        unmapped: BTreeMap::new(),
        learned: BTreeMap::new(),
        left_out: BTreeMap::new(),
        warnings: Vec::new(),
    };
    let laid: Vec<Laid> = changes.iter().filter_map(|c| layout.lay(c)).collect();
    let left_out = layout
        .left_out
        .into_iter()
        .map(|(why, cards)| why.warning(cards));
    let unmatched = not_api_names(profile, &laid);
    let (headers, rows) = columns(profile, laid);
    let rest = profile.format != Format::Csv;
    let cannot = layout
        .cannot
        .into_iter()
        .map(|(field, ids)| Warning::CannotSet {
            field,
            cards: ids.len(),
            ids,
            rest,
        });
    Sheet {
        headers,
        rows,
        warnings: (cannot.chain(unmatched).chain(left_out))
            .chain(layout.warnings)
            .collect(),
        unmapped_owners: layout.unmapped.into_iter().collect(),
        learned_owners: layout.learned.into_iter().collect(),
    }
}

/// Custom-field columns whose header the CRM's import will not take for a field's name, with
/// how many cards fill them.
fn not_api_names(profile: &ExportProfile, laid: &[Laid]) -> Vec<Warning> {
    let Some(suffix) = &profile.custom_field_suffix else {
        return Vec::new();
    };
    let mut cards: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, corrected) in laid {
        for t in corrected.keys() {
            if t.rank == profile.corrections.len() && !t.header.ends_with(suffix.as_str()) {
                *cards.entry(&t.header).or_default() += 1;
            }
        }
    }
    cards
        .into_iter()
        .map(|(field, cards)| Warning::NotApiName {
            field: field.to_string(),
            suffix: suffix.clone(),
            cards,
        })
        .collect()
}

/// One change's fixed cells (the profile's columns) and its corrections by target.
type Laid = (Vec<Cell<'static>>, BTreeMap<Target, Cell<'static>>);

/// What laying out the changes reads, and what it counts on the way for the warnings.
struct Layout<'a> {
    profile: &'a ExportProfile,
    funnel: &'a Funnel,
    spellings: &'a [(String, u64)],
    stages: &'a AccountStages,
    exported: &'a ExportedColumns,
    owners: &'a OwnerMap,
    dates: DateParser,
    /// Fields the CRM's import cannot set, with the cards that asked for them.
    cannot: BTreeMap<String, Vec<String>>,
    unmapped: BTreeMap<String, usize>,
    learned: BTreeMap<String, usize>,
    /// Cards whose move has nowhere to land in the CRM, by why.
    left_out: BTreeMap<LeftOut, Vec<String>>,
    warnings: Vec<Warning>,
}

/// Why a card's move is left out of the file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LeftOut {
    NotInPipeline {
        stage: String,
        pipeline: String,
        connection: String,
    },
    PipelineNotSynced {
        pipeline: String,
        connection: String,
    },
    NoStageId {
        stage: String,
    },
    StagesNotSynced {
        stage: String,
        connection: String,
    },
}

impl LeftOut {
    fn warning(self, cards: Vec<String>) -> Warning {
        match self {
            LeftOut::NotInPipeline {
                stage,
                pipeline,
                connection,
            } => Warning::StageNotInPipeline {
                stage,
                pipeline,
                connection,
                cards,
            },
            LeftOut::PipelineNotSynced {
                pipeline,
                connection,
            } => Warning::PipelineNotSynced {
                pipeline,
                connection,
                cards,
            },
            LeftOut::NoStageId { stage } => Warning::NoStageId { stage, cards },
            LeftOut::StagesNotSynced { stage, connection } => Warning::StagesNotSynced {
                stage,
                connection,
                cards,
            },
        }
    }
}

impl Layout<'_> {
    /// One change's cells, or `None` when it changes nothing the CRM can take, or its move has
    /// nowhere to land there (counted in `left_out`).
    fn lay(&mut self, change: &Change) -> Option<Laid> {
        let (s, profile) = (&change.suggestion, self.profile);
        let stage = match (&s.stage, profile.has(Value::Stage)) {
            (Some(target), true) => match self.stage_cell(change, target) {
                Ok(cell) => cell,
                Err(why) => {
                    let cards = self.left_out.entry(why).or_default();
                    cards.push(change.external_id.clone());
                    return None;
                }
            },
            _ => None,
        };
        for (value, given) in [
            (Value::Stage, s.stage.is_some()),
            (Value::Owner, s.owner.is_some()),
            (Value::Pipeline, s.pipeline.is_some()),
        ] {
            if given && !profile.has(value) {
                self.unset(value_field(value), change);
            }
        }
        let fixed: Vec<Cell<'static>> = (profile.columns.iter())
            .map(|c| {
                let text = match c.value {
                    Value::Stage => stage.clone(),
                    value => self.fixed(value, change),
                };
                text.map_or(Cell::Empty, Cell::text)
            })
            .collect();
        // The id, and a pipeline that only says where the stage is, change nothing by themselves.
        let changes_something = profile.columns.iter().zip(&fixed).any(|(c, cell)| {
            let echo = c.value == Value::ExternalId
                || (c.value == Value::Pipeline && s.pipeline.is_none());
            !echo && *cell != Cell::Empty
        });
        let corrected = self.corrected(change);
        (changes_something || !corrected.is_empty()).then_some((fixed, corrected))
    }

    /// The stage cell of a move to `target`: for a card of a synced connection, the stage of
    /// its own pipeline the move lands on, by id or name as the profile takes it; else as the
    /// CRM's cards spell it (`stage_name`). `Err` where the CRM has no such stage, or takes ids
    /// and okk knows none for the card.
    fn stage_cell(&self, change: &Change, target: &StageTarget) -> Result<Option<String>, LeftOut> {
        let (profile, funnel) = (self.profile, self.funnel);
        let closed = match target {
            StageTarget::Funnel(i) => funnel.stage(*i).kind != StageKind::Open,
            StageTarget::Named(_) => false,
        };
        if profile.closed_by_status && closed {
            return Ok(None);
        }
        let name = match target {
            StageTarget::Funnel(i) => funnel.stage(*i).name.clone(),
            StageTarget::Named(name) => name.clone(),
        };
        let by_id = profile.stage_form == StageForm::Id;
        let Some(stages) = self.stages.of(&change.source) else {
            // A card of a connection synced before okk kept the stages: one sync teaches them.
            if by_id && self.stages.is_connection(&change.source) {
                return Err(LeftOut::StagesNotSynced {
                    stage: name,
                    connection: change.source.clone(),
                });
            }
            if by_id {
                return Err(LeftOut::NoStageId { stage: name });
            }
            return Ok(stage_name(profile, funnel, self.spellings, target));
        };
        let pipeline = (change.suggestion.pipeline.as_deref()).or(change.card.pipeline.as_deref());
        match landing(stages, pipeline, funnel, target) {
            Ok(s) if by_id => Ok(Some(s.stage_id.clone())),
            Ok(s) => Ok(Some(s.stage.clone())),
            Err(NoLanding::Stage) => Err(LeftOut::NotInPipeline {
                stage: name,
                pipeline: pipeline.unwrap_or_default().to_string(),
                connection: change.source.clone(),
            }),
            Err(NoLanding::Pipeline) => Err(LeftOut::PipelineNotSynced {
                pipeline: pipeline.unwrap_or_default().to_string(),
                connection: change.source.clone(),
            }),
        }
    }

    fn unset(&mut self, field: &str, change: &Change) {
        (self.cannot.entry(field.to_string()).or_default()).push(change.external_id.clone());
    }

    /// The text of one of the profile's own columns for `change`.
    fn fixed(&mut self, value: Value, change: &Change) -> Option<String> {
        let s = &change.suggestion;
        let (profile, funnel) = (self.profile, self.funnel);
        match value {
            Value::ExternalId => Some(change.external_id.clone()),
            // Laid out by `stage_cell`, which may leave the card out.
            Value::Stage => None,
            Value::Owner => s.owner.as_ref().and_then(|o| {
                let value = self.owners.resolve(profile.owner_form, o);
                if value.is_none() {
                    *self.unmapped.entry(o.clone()).or_default() += 1;
                } else if self.owners.is_learned(o) {
                    *self.learned.entry(o.clone()).or_default() += 1;
                }
                value
            }),
            Value::Pipeline => s
                .pipeline
                .clone()
                .or_else(|| (change.card.pipeline.clone()).filter(|_| s.stage.is_some())),
            Value::Status => match &s.stage {
                Some(StageTarget::Funnel(i)) => {
                    profile.status.get(funnel.stage(*i).kind).map(String::from)
                }
                _ => None,
            },
        }
    }

    /// The change's corrected fields, typed for the columns they go to; a field the CRM cannot
    /// take is counted, a value not of its column's type is written as text and reported.
    fn corrected(&mut self, change: &Change) -> BTreeMap<Target, Cell<'static>> {
        let mut corrected = BTreeMap::new();
        for (field, raw) in &change.suggestion.corrections {
            let Some(target) = target(self.profile, self.funnel, field) else {
                self.unset(field, change);
                continue;
            };
            let target = match self.custom_column(target, change, field, raw) {
                Some(t) => t,
                None => continue,
            };
            // Only a file a spreadsheet may open defuses its text (REST lines go to the API as
            // they are): a warning of a `'` not written would send the desk to remove nothing.
            if target.kind == ColumnType::Text
                && self.profile.format == Format::Csv
                && matches!(super::cell::defuse(raw), std::borrow::Cow::Owned(_))
            {
                self.warnings.push(Warning::Defused {
                    external_id: change.external_id.clone(),
                    field: field.clone(),
                    value: raw.clone(),
                });
            }
            if target.kind == ColumnType::Date && drops_time(self.profile, &self.dates, raw) {
                self.warnings.push(Warning::TimeDropped {
                    external_id: change.external_id.clone(),
                    field: field.clone(),
                    value: raw.clone(),
                });
            }
            let cell = typed(self.profile, &self.dates, target.kind, raw).unwrap_or_else(|| {
                self.warnings.push(Warning::BadValue {
                    external_id: change.external_id.clone(),
                    field: field.clone(),
                    value: raw.clone(),
                    kind: target.kind,
                });
                Cell::text(raw.clone())
            });
            corrected.insert(target, cell);
        }
        corrected
    }
}

impl Layout<'_> {
    /// A custom field's target under the header the CRM's export had; `None` (said) where the
    /// CRM's import could not set it or tell its column from another.
    fn custom_column(
        &mut self,
        mut target: Target,
        change: &Change,
        field: &str,
        raw: &str,
    ) -> Option<Target> {
        if target.rank < self.profile.corrections.len() {
            return Some(target);
        }
        match self.exported.column(self.profile, &change.source, field) {
            Column::Header(header) => {
                target.header = header;
                Some(target)
            }
            Column::Ambiguous { header, system } => {
                self.warnings.push(Warning::AmbiguousHeader {
                    external_id: change.external_id.clone(),
                    field: field.to_string(),
                    header,
                    system,
                    value: raw.to_string(),
                });
                None
            }
            Column::OtherRecord => {
                self.unset(field, change);
                None
            }
        }
    }
}

/// The headers (the profile's columns, then every corrected field any change has) and the rows,
/// each change's corrections under their headers.
fn columns(profile: &ExportProfile, laid: Vec<Laid>) -> (Vec<String>, Vec<Vec<Cell<'static>>>) {
    let mut targets: Vec<Target> = laid.iter().flat_map(|(_, c)| c.keys().cloned()).collect();
    targets.sort();
    targets.dedup();
    let mut headers: Vec<String> = profile.columns.iter().map(|c| c.header.clone()).collect();
    headers.extend(targets.iter().map(|t| t.header.clone()));
    let rows = laid
        .into_iter()
        .map(|(mut cells, mut corrected)| {
            cells.extend(
                targets
                    .iter()
                    .map(|t| corrected.remove(t).unwrap_or(Cell::Empty)),
            );
            cells
        })
        .collect();
    (headers, rows)
}

fn value_field(value: Value) -> &'static str {
    match value {
        Value::ExternalId => SystemField::ExternalId.name(),
        Value::Pipeline => SystemField::Pipeline.name(),
        Value::Stage => SystemField::Stage.name(),
        Value::Owner => SystemField::Owner.name(),
        Value::Status => SystemField::Status.name(),
    }
}

/// The column a corrected field goes to, if the CRM's import can set it.
fn target(profile: &ExportProfile, funnel: &Funnel, field: &str) -> Option<Target> {
    if let Some(system) = SystemField::from_name(field) {
        let (rank, c) = profile
            .corrections
            .iter()
            .enumerate()
            .find(|(_, c)| c.field == system)?;
        return Some(Target {
            rank,
            header: c.header.clone(),
            kind: c.kind,
        });
    }
    if !profile.custom_fields {
        return None;
    }
    let kind = match funnel.custom_field(field).map(|f| f.kind) {
        Some(FieldKind::Number) => ColumnType::Number,
        Some(FieldKind::Date) => ColumnType::Date,
        _ => ColumnType::Text,
    };
    Some(Target {
        rank: profile.corrections.len(),
        header: field.to_string(),
        kind,
    })
}

/// A date typed with a time of day («25.11.2026 14:30») for a CRM file whose dates are days.
fn drops_time(profile: &ExportProfile, dates: &DateParser, raw: &str) -> bool {
    let day_only = !["%H", "%I", "%T", "%R", "%+", "%c"]
        .iter()
        .any(|t| profile.date_format.contains(t));
    day_only
        && dates
            .parse(raw)
            .is_some_and(|d| d.time() != chrono::NaiveTime::MIN)
}

/// The corrected value in the column's type; `None` when it is not one.
fn typed(
    profile: &ExportProfile,
    dates: &DateParser,
    kind: ColumnType,
    raw: &str,
) -> Option<Cell<'static>> {
    Some(match kind {
        ColumnType::Text => Cell::text(raw.to_string()),
        // Auditors type amounts the Russian way: spaces group thousands, `,` is the point.
        ColumnType::Number => Cell::Number(parse_amount(raw.trim(), true)?),
        ColumnType::Date => Cell::text(dates.parse(raw)?.format(&profile.date_format).to_string()),
    })
}

/// The name the CRM knows the stage by: as its own cards spell it (the funnel's name if they
/// use it, else their most common spelling), else the profile's name for a won or lost stage,
/// else the funnel's name. `None` where the CRM closes deals by status instead.
pub fn stage_name(
    profile: &ExportProfile,
    funnel: &Funnel,
    spellings: &[(String, u64)],
    target: &StageTarget,
) -> Option<String> {
    let i = match target {
        StageTarget::Named(name) => return Some(name.clone()),
        StageTarget::Funnel(i) => *i,
    };
    let stage = funnel.stage(i);
    if profile.closed_by_status && stage.kind != StageKind::Open {
        return None;
    }
    let seen = spellings
        .iter()
        .filter(|(name, _)| funnel.resolve(name) == Some(i));
    let best = seen
        .max_by_key(|(name, n)| (*name == stage.name, *n, std::cmp::Reverse(name.clone())))
        .map(|(name, _)| name.clone());
    best.or_else(|| profile.closed_stage.get(stage.kind).map(String::from))
        .or_else(|| Some(stage.name.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::review::{Corrections, Verdict};

    fn funnel() -> Funnel {
        crate::funnel_config::default_funnel()
    }

    fn change(id: &str, stage: Option<StageTarget>, fixes: &[(&str, &str)]) -> Change {
        Change {
            source: "amocrm".into(),
            external_id: id.into(),
            card: CardNow {
                stage: "Квалификация".into(),
                owner: Some("Попова Анна".into()),
                pipeline: Some("Продажи".into()),
            },
            suggestion: Suggestion {
                verdict: Verdict::WrongStage,
                stage,
                owner: None,
                pipeline: None,
                corrections: fixes
                    .iter()
                    .map(|(f, v)| (f.to_string(), v.to_string()))
                    .collect::<Corrections>(),
            },
        }
    }

    fn lost(f: &Funnel) -> StageTarget {
        StageTarget::Funnel(f.resolve("Закрыто и не реализовано").unwrap())
    }

    #[test]
    fn a_stage_is_written_as_the_crms_own_cards_spell_it() {
        let f = funnel();
        let amocrm = ExportProfile::builtin("amocrm").unwrap();
        let booking = StageTarget::Funnel(f.resolve("Бронирование").unwrap());
        let seen = |names: &[(&str, u64)]| -> Vec<(String, u64)> {
            names.iter().map(|(n, c)| (n.to_string(), *c)).collect()
        };
        let name = |spellings: &[(String, u64)], t: &StageTarget| {
            stage_name(&amocrm, &f, spellings, t).unwrap()
        };
        assert_eq!(name(&[], &booking), "Бронирование");
        assert_eq!(name(&seen(&[("Бронь", 3)]), &booking), "Бронь");
        assert_eq!(
            name(&seen(&[("Бронь", 3), ("Бронирование", 1)]), &booking),
            "Бронирование",
            "the funnel's own name wins where the CRM uses it"
        );
        let hubspot = ExportProfile::builtin("hubspot").unwrap();
        assert_eq!(
            stage_name(&hubspot, &f, &[], &lost(&f)).as_deref(),
            Some("closedlost")
        );
        let pipedrive = ExportProfile::builtin("pipedrive").unwrap();
        assert_eq!(stage_name(&pipedrive, &f, &[], &lost(&f)), None);
    }

    #[test]
    fn pipedrive_closes_by_status_and_keeps_the_pipeline_beside_the_move() {
        let f = funnel();
        let p = ExportProfile::builtin("pipedrive").unwrap();
        let sheet = sheet(
            &p,
            &f,
            (&[], &AccountStages::default(), &ExportedColumns::default()),
            &OwnerMap::default(),
            &[change("7", Some(lost(&f)), &[])],
        );
        assert_eq!(
            sheet.headers,
            [
                "Deal - ID",
                "Deal - Pipeline",
                "Deal - Stage",
                "Deal - Owner",
                "Deal - Status"
            ]
        );
        assert_eq!(
            sheet.rows,
            [vec![
                Cell::text("7"),
                Cell::text("Продажи"),
                Cell::Empty,
                Cell::Empty,
                Cell::text("lost")
            ]]
        );
    }

    #[test]
    fn corrections_get_typed_columns_in_profile_order_and_the_rest_is_reported() {
        let f = funnel();
        let p = ExportProfile::builtin("salesforce").unwrap();
        let changes = [
            change(
                "006A",
                None,
                &[
                    ("phone", "+7 999"),
                    ("expected_close_at", "31.12.2026"),
                    ("amount", "1 250 000,50"),
                    ("title", "New name"),
                    ("Product__c", "GC1060"),
                ],
            ),
            change("006B", None, &[("amount", "lots"), ("phone", "+7 998")]),
            change("006C", None, &[("email", "a@b.c")]),
        ];
        let sheet = sheet(
            &p,
            &f,
            (&[], &AccountStages::default(), &ExportedColumns::default()),
            &OwnerMap::default(),
            &changes,
        );
        assert_eq!(
            sheet.headers,
            [
                "Id",
                "StageName",
                "OwnerId",
                "Name",
                "Amount",
                "CloseDate",
                "Product__c"
            ]
        );
        assert_eq!(
            sheet.rows.len(),
            2,
            "006C asks only for what Salesforce cannot take"
        );
        assert_eq!(
            sheet.rows[0][3..],
            [
                Cell::text("New name"),
                Cell::Number(1_250_000.5),
                Cell::text("2026-12-31"),
                Cell::text("GC1060")
            ]
        );
        assert_eq!(sheet.rows[1][4], Cell::text("lots"));
        assert_eq!(
            sheet.warnings,
            [
                Warning::CannotSet {
                    field: "email".into(),
                    cards: 1,
                    ids: vec!["006C".into()],
                    rest: false,
                },
                Warning::CannotSet {
                    field: "phone".into(),
                    cards: 2,
                    ids: vec!["006A".into(), "006B".into()],
                    rest: false,
                },
                Warning::BadValue {
                    external_id: "006B".into(),
                    field: "amount".into(),
                    value: "lots".into(),
                    kind: ColumnType::Number
                },
            ]
        );
    }
}
