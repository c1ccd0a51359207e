//! How well custom fields are kept: per field and stage, the cards there and how many of them
//! have the field filled, and the same per owner. Pure counting; the store streams cards in.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::funnel::{FieldRef, Funnel};
use super::fx::FxMap;
use super::names::fold;
use super::rules::values::parse_day;
use chrono::Datelike;

/// One card with its custom fields, as the store streams it (cards not gone).
#[derive(Debug, Clone, Copy)]
pub struct CardFields<'r> {
    pub id: i64,
    pub external_id: &'r str,
    /// The stage as the CRM names it.
    pub stage: &'r str,
    pub owner: Option<&'r str>,
    /// Where the card came from (an import's source, a CRM connection's name): which columns
    /// its exports ever had is known per source.
    pub source: &'r str,
    pub created: Option<NaiveDate>,
    /// Last activity, update or creation: the day idle days count from.
    pub touched: Option<NaiveDate>,
    pub closed: bool,
    pub won: bool,
    pub fields: &'r [CardField<'r>],
}

impl CardFields<'_> {
    /// Whether the card counts in fill rows asked for one owner (`owner`, folded) and for cards
    /// created on or after `since`.
    pub fn counts_for(&self, owner: Option<&str>, since: Option<NaiveDate>) -> bool {
        owner.is_none_or(|o| self.owner.map(fold).as_deref() == Some(o))
            && since.is_none_or(|s| self.created.is_some_and(|c| c >= s))
    }
}

/// One custom field of a card, as the store streams it: borrowed from the row where it can be
/// (a pass over a million cards copies no value).
#[derive(Debug, Clone, PartialEq)]
pub struct CardField<'r> {
    /// The store's number for the header (`field_names`), where it has one: one header has one
    /// number on every card of a pass, so a tally remembers it by number, not by hashing the
    /// name a dozen times a card.
    pub id: Option<u32>,
    /// The header as the export named it.
    pub name: Cow<'r, str>,
    pub value: Cow<'r, str>,
}

/// What the cards of one stage carry, for guessing the funnel's order and its won and lost
/// stages where the stage history says little.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StageStats {
    pub cards: u64,
    pub closed: u64,
    pub won: u64,
    /// Filled custom fields, summed over the cards.
    pub filled: u64,
    /// Creation days (days since 1970) summed, over `created` cards.
    pub created_days: i64,
    pub created: u64,
}

impl StageStats {
    /// Adds another count of cards' (the other half's, or another spelling's of the stage).
    pub fn add(&mut self, o: &StageStats) {
        self.cards += o.cards;
        self.closed += o.closed;
        self.won += o.won;
        self.filled += o.filled;
        self.created_days += o.created_days;
        self.created += o.created;
    }

    pub fn mean_filled(&self) -> f64 {
        if self.cards == 0 {
            0.0
        } else {
            self.filled as f64 / self.cards as f64
        }
    }

    /// The mean creation day (days since 1970); `None` without dates.
    pub fn mean_created(&self) -> Option<f64> {
        (self.created > 0).then(|| self.created_days as f64 / self.created as f64)
    }
}

/// The counts, kept by small indices: a million cards times a dozen fields hash no strings.
#[derive(Debug, Clone, Default)]
pub struct FillTally {
    /// CRM stage name → index into `stages` (the funnel's name where the funnel knows it).
    stage_of: FxMap<String, u32>,
    stages: Vec<String>,
    /// Per stage index.
    stage_stats: Vec<StageStats>,
    /// Header → index into `fields` (a declared field's aliases share its index).
    field_of: FxMap<String, u32>,
    /// The store's field number → index into `fields` + 1 (0: not met yet).
    field_by_id: Vec<u32>,
    fields: Vec<FieldInfo>,
    owner_of: FxMap<String, u32>,
    /// The index of "no owner", once a card without one was counted.
    unowned: Option<u32>,
    owners: Vec<Option<String>>,
    /// (stage, owner) → cards.
    cards: FxMap<(u32, u32), u64>,
    /// (stage, field, owner) → cards with the field filled.
    filled: FxMap<(u32, u32, u32), u64>,
    /// Source name → index into `sources`.
    source_of: FxMap<String, u32>,
    sources: Vec<String>,
    /// (stage, source) → cards.
    source_cards: FxMap<(u32, u32), u64>,
}

#[derive(Debug, Clone, Default)]
struct FieldInfo {
    name: String,
    /// Filled values, and how many of them read as a day: a column of dates is a date field.
    values: u64,
    dates: u64,
}

/// A field at a stage: cards there, and how many keep the field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FillRow {
    pub field: String,
    pub stage: String,
    /// The funnel binds the field to the stage (`fields`).
    pub bound: bool,
    /// The funnel requires it there (`required`).
    pub required: bool,
    pub cards: u64,
    pub filled: u64,
    /// filled ÷ cards, to four places; `None` for a stage without cards.
    pub rate: Option<f64>,
    /// The owners, the one who leaves it empty most first.
    pub owners: Vec<OwnerFill>,
    /// The rate at each import or sync run that recorded it, oldest first (the last is the
    /// latest run's); empty where no run recorded it, or for a part of the cards (`--owner`).
    pub trend: Vec<TrendPoint>,
    /// The sources whose exports never had the field's column, when none of the sources of
    /// the row's cards has (see [`mark_unexported`]): the row then has no rate, no owners and
    /// no trend.
    pub not_exported_by: Vec<String>,
    /// The sources the row's cards come from, by name; empty where not known (every source
    /// the store knows is taken then).
    #[serde(skip)]
    pub sources: Vec<String>,
}

/// Marks the rows of a field none of the sources of the row's cards has ever exported a column
/// for: a field the CRM never sends is empty on every card, and that is no manager's doing.
/// Such a row names those sources (`not_exported_by`) and loses its rate, its owners and its
/// trend, so that nothing ranks anyone by it. `sources`: every source whose columns okk knows.
/// A row with a card that has the field filled, with a card of a source whose columns okk does
/// not know, or a store with no source known, is left as it is (the value may come from
/// somewhere: an import okk kept no columns of); where one of the row's sources exports the
/// field, the others' cards count as empty.
pub fn mark_unexported(
    rows: &mut [FillRow],
    funnel: &Funnel,
    sources: &[(String, super::columns::SourceColumns)],
) {
    if sources.is_empty() {
        return;
    }
    for r in rows.iter_mut().filter(|r| r.filled == 0) {
        let field = FieldRef::Custom(r.field.clone());
        let of_row: Vec<&(String, super::columns::SourceColumns)> = if r.sources.is_empty() {
            sources.iter().collect()
        } else {
            let known: Vec<_> = (r.sources.iter())
                .filter_map(|name| sources.iter().find(|(s, _)| s == name))
                .collect();
            if known.len() < r.sources.len() {
                continue;
            }
            known
        };
        if of_row.iter().any(|(_, c)| c.exports(&field, funnel)) {
            continue;
        }
        r.not_exported_by = of_row.iter().map(|(s, _)| s.clone()).collect();
        r.rate = None;
        r.owners.clear();
        r.trend.clear();
    }
}

/// A field's fill rate at a stage as one import or sync run left the store.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrendPoint {
    /// The run (the import batch the snapshot was taken after).
    pub run: i64,
    /// When the run finished, `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub rate: Option<f64>,
}

/// One recorded (run, field, stage) figure, as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct FillSnapshot {
    pub run: i64,
    pub at: String,
    pub field: String,
    pub stage: String,
    pub cards: u64,
    pub filled: u64,
}

/// Gives each row its trend from the snapshots (any order): the rates of its field at its stage,
/// oldest run first, at most `keep` of the latest.
pub fn attach_trend(rows: &mut [FillRow], snapshots: &[FillSnapshot], keep: usize) {
    let mut by: HashMap<(String, &str), Vec<&FillSnapshot>> = HashMap::new();
    for s in snapshots {
        by.entry((fold(&s.field), s.stage.as_str()))
            .or_default()
            .push(s);
    }
    for row in rows {
        let Some(points) = by.get_mut(&(fold(&row.field), row.stage.as_str())) else {
            continue;
        };
        points.sort_by_key(|s| s.run);
        let skip = points.len().saturating_sub(keep);
        row.trend = points[skip..]
            .iter()
            .map(|s| TrendPoint {
                run: s.run,
                at: s.at.clone(),
                rate: share(s.filled, s.cards),
            })
            .collect();
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OwnerFill {
    /// `None`: cards without an owner.
    pub owner: Option<String>,
    pub cards: u64,
    pub filled: u64,
    pub rate: Option<f64>,
}

impl OwnerFill {
    /// The owner's cards at the stage that leave the field empty.
    pub fn empty(&self) -> u64 {
        self.cards.saturating_sub(self.filled)
    }
}

/// A share to four places, `None` where there is nothing to divide.
pub fn share(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 / whole as f64 * 10_000.0).round() / 10_000.0)
}

/// Whether a value counts as filled: blank text, and the JSON `null` a CRM's API may send, do not.
pub fn is_filled(value: &str) -> bool {
    let v = value.trim();
    !v.is_empty() && v != "null"
}

impl FillTally {
    /// Counts one card. A declared field is counted under its funnel name, whichever alias the
    /// export used.
    pub fn add(&mut self, funnel: &Funnel, card: &CardFields) {
        let stage = self.stage_index(funnel, card.stage);
        let owner = self.owner_index(card.owner);
        *self.cards.entry((stage, owner)).or_default() += 1;
        let source = self.source_index(card.source);
        *self.source_cards.entry((stage, source)).or_default() += 1;
        let stats = &mut self.stage_stats[stage as usize];
        stats.cards += 1;
        stats.closed += u64::from(card.closed);
        stats.won += u64::from(card.won);
        if let Some(d) = card.created {
            stats.created += 1;
            stats.created_days += i64::from(d.num_days_from_ce());
        }
        for field in card.fields {
            if !is_filled(&field.value) {
                continue;
            }
            self.stage_stats[stage as usize].filled += 1;
            let fi = self.field_index(funnel, field);
            let info = &mut self.fields[fi as usize];
            info.values += 1;
            if parse_day(&field.value).is_some() {
                info.dates += 1;
            }
            *self.filled.entry((stage, fi, owner)).or_default() += 1;
        }
    }

    /// Adds another tally's counts (the store counts halves of the cards on two threads).
    pub fn merge(&mut self, other: FillTally) {
        let stages: Vec<u32> = other.stages.iter().map(|s| self.named_stage(s)).collect();
        for (i, st) in other.stage_stats.iter().enumerate() {
            self.stage_stats[stages[i] as usize].add(st);
        }
        let owners: Vec<u32> = other.owners.iter().map(|o| self.named_owner(o)).collect();
        let fields: Vec<u32> = other
            .fields
            .iter()
            .map(|f| {
                let i = self.named_field(&f.name);
                let mine = &mut self.fields[i as usize];
                mine.values += f.values;
                mine.dates += f.dates;
                i
            })
            .collect();
        for (name, i) in other.field_of {
            self.field_of.entry(name).or_insert(fields[i as usize]);
        }
        for (id, &i) in other.field_by_id.iter().enumerate() {
            if i > 0 {
                self.remember_id(id as u32, fields[i as usize - 1]);
            }
        }
        for (name, i) in other.stage_of {
            self.stage_of.entry(name).or_insert(stages[i as usize]);
        }
        for ((s, o), n) in other.cards {
            *self
                .cards
                .entry((stages[s as usize], owners[o as usize]))
                .or_default() += n;
        }
        let sources: Vec<u32> = other.sources.iter().map(|s| self.source_index(s)).collect();
        for ((s, src), n) in other.source_cards {
            *self
                .source_cards
                .entry((stages[s as usize], sources[src as usize]))
                .or_default() += n;
        }
        for ((s, f, o), n) in other.filled {
            *self
                .filled
                .entry((stages[s as usize], fields[f as usize], owners[o as usize]))
                .or_default() += n;
        }
    }

    fn stage_index(&mut self, funnel: &Funnel, crm: &str) -> u32 {
        if let Some(&i) = self.stage_of.get(crm) {
            return i;
        }
        let name = funnel
            .resolve(crm)
            .map_or_else(|| crm.to_string(), |i| funnel.stage(i).name.clone());
        let i = self.named_stage(&name);
        self.stage_of.insert(crm.to_string(), i);
        i
    }

    fn named_stage(&mut self, name: &str) -> u32 {
        match self.stages.iter().position(|s| s == name) {
            Some(i) => i as u32,
            None => {
                self.stages.push(name.to_string());
                self.stage_stats.push(StageStats::default());
                (self.stages.len() - 1) as u32
            }
        }
    }

    fn source_index(&mut self, source: &str) -> u32 {
        if let Some(&i) = self.source_of.get(source) {
            return i;
        }
        self.sources.push(source.to_string());
        let i = (self.sources.len() - 1) as u32;
        self.source_of.insert(source.to_string(), i);
        i
    }

    /// The cards at a stage (funnel name, or the CRM's) per source, by source name.
    pub fn stage_sources(&self, stage: &str) -> Vec<(&str, u64)> {
        let Some(si) = self.stages.iter().position(|s| s == stage) else {
            return Vec::new();
        };
        let mut out: Vec<(&str, u64)> = (self.source_cards.iter())
            .filter(|((s, _), _)| *s as usize == si)
            .map(|(&(_, src), &n)| (self.sources[src as usize].as_str(), n))
            .collect();
        out.sort_unstable();
        out
    }

    fn owner_index(&mut self, owner: Option<&str>) -> u32 {
        let owner = owner.map(str::trim).filter(|o| !o.is_empty());
        // Looked up by a borrowed key first: owners repeat on every card.
        let known = match owner {
            Some(o) => self.owner_of.get(o).copied(),
            None => self.unowned,
        };
        known.unwrap_or_else(|| self.named_owner(&owner.map(str::to_string)))
    }

    fn named_owner(&mut self, owner: &Option<String>) -> u32 {
        let known = match owner {
            Some(o) => self.owner_of.get(o).copied(),
            None => self.unowned,
        };
        if let Some(i) = known {
            return i;
        }
        self.owners.push(owner.clone());
        let i = (self.owners.len() - 1) as u32;
        match owner {
            Some(o) => {
                self.owner_of.insert(o.clone(), i);
            }
            None => self.unowned = Some(i),
        }
        i
    }

    fn field_index(&mut self, funnel: &Funnel, field: &CardField) -> u32 {
        if let Some(id) = field.id
            && let Some(&i) = self.field_by_id.get(id as usize)
            && i > 0
        {
            return i - 1;
        }
        let i = match self.field_of.get(field.name.as_ref()) {
            Some(&i) => i,
            None => {
                let header = field.name.as_ref();
                let name = funnel
                    .custom_field(header)
                    .map_or_else(|| header.trim().to_string(), |f| f.name.clone());
                let i = self.named_field(&name);
                self.field_of.insert(header.to_string(), i);
                i
            }
        };
        if let Some(id) = field.id {
            self.remember_id(id, i);
        }
        i
    }

    /// Remembers field number `id` as index `i` (numbers are small: one per header ever seen).
    fn remember_id(&mut self, id: u32, i: u32) {
        // A number far past any real header's is not worth a table that long.
        if id > u32::from(u16::MAX) {
            return;
        }
        let id = id as usize;
        if id >= self.field_by_id.len() {
            self.field_by_id.resize(id + 1, 0);
        }
        self.field_by_id[id] = i + 1;
    }

    fn named_field(&mut self, name: &str) -> u32 {
        let key = fold(name);
        match self.fields.iter().position(|f| fold(&f.name) == key) {
            Some(i) => i as u32,
            None => {
                self.fields.push(FieldInfo {
                    name: name.to_string(),
                    ..FieldInfo::default()
                });
                (self.fields.len() - 1) as u32
            }
        }
    }

    /// Cards per stage (funnel name, or the CRM's for a stage the funnel does not know).
    pub fn stage_cards(&self) -> HashMap<&str, u64> {
        let mut out: HashMap<&str, u64> = HashMap::new();
        for (&(s, _), &n) in &self.cards {
            *out.entry(self.stages[s as usize].as_str()).or_default() += n;
        }
        out
    }

    /// Each stage with what its cards carry (funnel name, or the CRM's).
    pub fn stages(&self) -> impl Iterator<Item = (&str, &StageStats)> {
        self.stages
            .iter()
            .map(String::as_str)
            .zip(&self.stage_stats)
    }

    /// Every field seen filled, with its filled values and how many of them read as days.
    pub fn field_values(&self) -> Vec<(&str, u64, u64)> {
        self.fields
            .iter()
            .map(|f| (f.name.as_str(), f.values, f.dates))
            .collect()
    }

    /// Cards at each stage with the field filled.
    pub fn filled_by_stage(&self, field: &str) -> HashMap<&str, u64> {
        let key = fold(field);
        let Some(fi) = self.fields.iter().position(|f| fold(&f.name) == key) else {
            return HashMap::new();
        };
        let mut out: HashMap<&str, u64> = HashMap::new();
        for (&(s, f, _), &n) in &self.filled {
            if f as usize == fi {
                *out.entry(self.stages[s as usize].as_str()).or_default() += n;
            }
        }
        out
    }

    /// The rows `okk fields` prints: every declared field and every column filled somewhere,
    /// at every stage that has cards. Fields the funnel binds or requires somewhere come first
    /// (in the funnel's order), then the other columns by name; within a field, the stages that
    /// bind or require it first, each part in funnel order.
    pub fn rows(&self, funnel: &Funnel) -> Vec<FillRow> {
        let mut stage_order: Vec<(usize, &str)> = self
            .stages
            .iter()
            .map(|s| (funnel.resolve(s).unwrap_or(usize::MAX), s.as_str()))
            .collect();
        stage_order.sort();
        // A field the funnel binds or requires somewhere comes before those it does not.
        let checked = |field: &str| {
            (0..funnel.stages.len()).any(|i| {
                let (b, r) = funnel_binds(funnel, i, field);
                b || r
            })
        };
        let mut rows = Vec::new();
        for (rank, field) in self.field_order(funnel).iter().enumerate() {
            let unchecked = !checked(field);
            // The owner's CRM id is okk's own, for writing moves back, not a manager's field.
            if unchecked && super::columns::is_owner_id_column(field) {
                continue;
            }
            let key = fold(field);
            let fi = self.fields.iter().position(|f| fold(&f.name) == key);
            for &(stage_index, stage) in &stage_order {
                let si = self.stages.iter().position(|s| s == stage).unwrap_or(0) as u32;
                let (bound, required) = funnel_binds(funnel, stage_index, field);
                let owners = self.owner_fills(si, fi.map(|i| i as u32));
                let cards: u64 = owners.iter().map(|o| o.cards).sum();
                let filled: u64 = owners.iter().map(|o| o.filled).sum();
                let order = (unchecked, rank, !(bound || required), stage_index);
                rows.push((
                    (order, stage.to_string()),
                    FillRow {
                        field: field.clone(),
                        stage: stage.to_string(),
                        bound,
                        required,
                        cards,
                        filled,
                        rate: share(filled, cards),
                        owners,
                        trend: Vec::new(),
                        not_exported_by: Vec::new(),
                        sources: self
                            .stage_sources(stage)
                            .into_iter()
                            .map(|(s, _)| s.to_string())
                            .collect(),
                    },
                ));
            }
        }
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        rows.into_iter().map(|(_, r)| r).collect()
    }

    /// The funnel's declared fields in its order, then the other columns seen filled, by name.
    fn field_order(&self, funnel: &Funnel) -> Vec<String> {
        let mut fields: Vec<String> = funnel
            .custom_fields
            .iter()
            .map(|f| f.name.clone())
            .collect();
        let mut others: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.values > 0 && funnel.custom_field(&f.name).is_none())
            .map(|f| f.name.as_str())
            .collect();
        others.sort_unstable();
        fields.extend(others.into_iter().map(str::to_string));
        fields
    }

    /// Each owner's cards at stage `si` and how many fill field `fi` (`None`: a field no card
    /// fills), the one who leaves it empty on the most cards first: an owner of one card left
    /// empty is not the one to name while another leaves it empty on eight (tester39 F5). Of
    /// equal counts, the lower rate first.
    fn owner_fills(&self, si: u32, fi: Option<u32>) -> Vec<OwnerFill> {
        let mut owners: Vec<OwnerFill> = self
            .cards
            .iter()
            .filter(|((s, _), _)| *s == si)
            .map(|(&(_, o), &cards)| {
                let filled = fi.map_or(0, |fi| self.filled.get(&(si, fi, o)).copied().unwrap_or(0));
                OwnerFill {
                    owner: self.owners[o as usize].clone(),
                    cards,
                    filled,
                    rate: share(filled, cards),
                }
            })
            .collect();
        owners.sort_by(|a, b| {
            let ra = a.rate.unwrap_or(1.0);
            let rb = b.rate.unwrap_or(1.0);
            (b.empty().cmp(&a.empty()))
                .then(ra.total_cmp(&rb))
                .then(b.cards.cmp(&a.cards))
                .then(a.owner.cmp(&b.owner))
        });
        owners
    }
}

/// Whether the funnel binds (`fields`) or requires the field at the stage (`usize::MAX`: a stage
/// the funnel does not know, which binds nothing).
fn funnel_binds(funnel: &Funnel, stage: usize, field: &str) -> (bool, bool) {
    let Some(stage) = funnel.stages.get(stage) else {
        return (false, false);
    };
    let key = fold(field);
    let bound = stage.fields.iter().any(|f| fold(f) == key);
    let required = stage
        .required
        .iter()
        .any(|r| matches!(&r.field, FieldRef::Custom(name) if fold(name) == key));
    (bound, required)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funnel_config::default_funnel;

    fn fields<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<CardField<'a>> {
        pairs
            .iter()
            .map(|(k, v)| CardField {
                id: None,
                name: Cow::Borrowed(*k),
                value: Cow::Borrowed(*v),
            })
            .collect()
    }

    #[test]
    fn a_meeting_date_kept_in_two_of_three_cards_reads_two_thirds_and_names_who_left_it_empty() {
        let funnel = default_funnel();
        let mut tally = FillTally::default();
        let met = fields(&[("Дата встречи", "12.11.2026")]);
        let blank = fields(&[("Дата встречи", " ")]);
        let m = "Встреча назначена";
        let card = |owner, fields| CardFields {
            id: 1,
            external_id: "1",
            stage: m,
            owner: Some(owner),
            source: "amocrm",
            created: None,
            touched: None,
            closed: false,
            won: false,
            fields,
        };
        tally.add(&funnel, &card("Оля", &met));
        tally.add(&funnel, &card("Оля", &met));
        tally.add(&funnel, &card("Игорь", &blank));
        let rows = tally.rows(&funnel);
        let row = rows
            .iter()
            .find(|r| r.field == "Дата встречи в офисе продаж" && r.stage == m)
            .unwrap();
        assert!(row.bound && row.required);
        assert_eq!((row.cards, row.filled, row.rate), (3, 2, Some(0.6667)));
        assert_eq!(row.owners[0].owner.as_deref(), Some("Игорь"));
        assert_eq!((row.owners[0].cards, row.owners[0].filled), (1, 0));
        // Five of Оля's cards more, four of them blank: she leaves it empty on more cards
        // than Игорь's one, at a better rate (tester39 F5).
        for _ in 0..4 {
            tally.add(&funnel, &card("Оля", &blank));
        }
        tally.add(&funnel, &card("Оля", &met));
        let rows = tally.rows(&funnel);
        let row = rows
            .iter()
            .find(|r| r.field == "Дата встречи в офисе продаж" && r.stage == m)
            .unwrap();
        let first = &row.owners[0];
        assert_eq!(first.owner.as_deref(), Some("Оля"));
        assert_eq!((first.cards, first.filled, first.empty()), (7, 3, 4));
        // Bound and required rows come before the others.
        assert!(rows[0].bound || rows[0].required);
    }

    #[test]
    fn the_trend_lists_a_rows_rates_by_run_oldest_first_and_keeps_the_latest_few() {
        let snap = |run, field: &str, stage: &str, cards, filled| FillSnapshot {
            run,
            at: format!("2026-11-{:02} 10:00:00", 10 + run),
            field: field.into(),
            stage: stage.into(),
            cards,
            filled,
        };
        let row = |field: &str, stage: &str| FillRow {
            field: field.into(),
            stage: stage.into(),
            bound: false,
            required: false,
            cards: 4,
            filled: 3,
            rate: Some(0.75),
            owners: vec![],
            trend: vec![],
            not_exported_by: vec![],
            sources: vec![],
        };
        let mut rows = vec![row("Объект", "Встреча"), row("Объект", "Лид")];
        // Given out of order, a field's case differing, another stage's figure in between.
        let snaps = [
            snap(3, "объект", "Встреча", 4, 3),
            snap(1, "Объект", "Встреча", 4, 1),
            snap(2, "Объект", "Встреча", 5, 2),
            snap(2, "Объект", "Договор", 5, 5),
        ];
        attach_trend(&mut rows, &snaps, 2);
        let rates: Vec<(i64, Option<f64>)> =
            rows[0].trend.iter().map(|p| (p.run, p.rate)).collect();
        // 1 of 4, then 2 of 5 = 0.4, then 3 of 4 = 0.75; the two latest kept.
        assert_eq!(rates, [(2, Some(0.4)), (3, Some(0.75))]);
        assert_eq!(rows[0].trend[1].at, "2026-11-13 10:00:00");
        assert!(rows[1].trend.is_empty());
    }

    #[test]
    fn a_field_no_source_exports_is_said_so_and_ranks_no_owner() {
        use crate::domain::columns::SourceColumns;
        let funnel = crate::funnel_config::default_funnel();
        let field = "Дата встречи в офисе продаж";
        let owners = |filled| {
            vec![OwnerFill {
                owner: Some("Васильев Игорь".into()),
                cards: 4,
                filled,
                rate: share(filled, 4),
            }]
        };
        let row = |filled| FillRow {
            field: field.into(),
            stage: "Встреча проведена".into(),
            bound: true,
            required: true,
            cards: 4,
            filled,
            rate: share(filled, 4),
            owners: owners(filled),
            trend: vec![],
            not_exported_by: vec![],
            sources: vec![],
        };
        let without = SourceColumns::new(["external_id".to_string()], ["Бюджет".to_string()]);
        let with = SourceColumns::new(["external_id".to_string()], [field.to_string()]);
        let mut rows = vec![row(0)];
        mark_unexported(&mut rows, &funnel, &[("amocrm".into(), without.clone())]);
        assert_eq!(rows[0].not_exported_by, ["amocrm"]);
        assert_eq!((rows[0].rate, rows[0].owners.len()), (None, 0));
        // One source that exports it is enough to leave the row as counted.
        let mut rows = vec![row(0)];
        let both = [("amocrm".into(), without.clone()), ("b24".into(), with)];
        mark_unexported(&mut rows, &funnel, &both);
        assert!(rows[0].not_exported_by.is_empty());
        assert_eq!(rows[0].rate, Some(0.0));
        // A card that has it filled, or no source known: left alone.
        let mut rows = vec![row(1)];
        mark_unexported(&mut rows, &funnel, &[("amocrm".into(), without)]);
        assert!(rows[0].not_exported_by.is_empty());
        let mut rows = vec![row(0)];
        mark_unexported(&mut rows, &funnel, &[]);
        assert_eq!(rows[0].rate, Some(0.0));
    }
}
