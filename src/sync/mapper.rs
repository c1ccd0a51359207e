//! Turns a file's header and rows into cards through a profile: which column feeds which field,
//! how values are parsed, what becomes a custom field.

use std::collections::{HashMap, HashSet};

pub use crate::domain::import_report::Warning;
use crate::domain::names::fold;
use crate::domain::{Card, FieldName, SystemField};
use crate::text::import as msg;

use super::profile::Profile;
use crate::formats::amount::read_amount;
use crate::formats::values;

#[derive(Debug, Clone, PartialEq)]
enum Target {
    System(SystemField),
    Custom(FieldName),
}

/// A problem with a row that stops the import (the file is rolled back).
#[derive(Debug, Clone, PartialEq)]
pub struct RowError {
    pub line: u64,
    /// 1-based column number, when one column is at fault.
    pub column: Option<usize>,
    pub message: String,
}

pub struct Mapper {
    profile: Profile,
    source: String,
    targets: Vec<Target>,
    /// Header names as shown in messages and stored for custom fields (trimmed, repeats numbered).
    names: Vec<String>,
    /// Number of columns each row must have (the header's, not counting a trailing empty one).
    width: usize,
    trailing_empty: bool,
    /// The profile's "means empty" values, folded once; cells longer than the longest skip the
    /// comparison (folding every cell was the import's hottest path).
    empty_values: Vec<String>,
    empty_lens: Vec<usize>,
    /// The first bytes a cell meaning empty can start with (any byte of a character beyond
    /// ASCII, whose fold may start with an ASCII letter): a date of ten bytes, as long as "not
    /// closed", is told apart at its first byte.
    empty_firsts: [bool; 256],
    dates: values::DateParser,
    bools: values::Bools,
    /// Where a card keeps its owner's CRM id, when the profile's owners carry one (`Name [17]`):
    /// one name for every card.
    owner_id_field: Option<FieldName>,
    /// The profile's won and lost words (folded, with whether they mean won), read in the stage
    /// column when the file has no status column: HubSpot closes a deal by moving it to
    /// `closedwon` or `closedlost`, and its export has no other column that says so.
    stage_closes: Vec<(String, bool)>,
    /// The funnel's won and lost stages, for a profile whose deals close by status
    /// ([`Mapper::close_by_status`]).
    closing: Option<Closing>,
}

#[derive(Debug, Clone, Default)]
struct Closing {
    won: Option<String>,
    lost: Option<String>,
}

impl Mapper {
    /// Every custom field a card of this file may carry: the custom columns' headers and, when
    /// the owners carry one, the owner's CRM id.
    pub fn custom_fields(&self) -> Vec<FieldName> {
        self.targets
            .iter()
            .filter_map(|t| match t {
                Target::Custom(name) => Some(name.clone()),
                Target::System(_) => None,
            })
            .chain(self.owner_id_field.clone())
            .collect()
    }

    /// Each column's header (as [`Mapper::names`]) and okk's field it feeds (`None`: a custom
    /// field under the header).
    pub fn columns(&self) -> impl Iterator<Item = (&str, Option<SystemField>)> {
        self.names.iter().zip(&self.targets).map(|(n, t)| match t {
            Target::System(f) => (n.as_str(), Some(*f)),
            Target::Custom(_) => (n.as_str(), None),
        })
    }

    /// okk's fields some column of this file feeds, by name.
    pub fn system_field_names(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = self
            .targets
            .iter()
            .filter_map(|t| match t {
                Target::System(f) => Some(f.name()),
                Target::Custom(_) => None,
            })
            .collect();
        out.dedup();
        out
    }

    /// For a profile whose deals close by status (Pipedrive keeps a won deal in its last stage,
    /// status `won`): a closed deal is the funnel's won or lost card. Left in the open stage it
    /// was closed from, it was counted there, queued there, and flagged `closed_open`, critical,
    /// on every won deal. (The CRM change file writes a move to those stages back as the status.)
    pub fn close_by_status(&mut self, funnel: &crate::domain::Funnel) {
        use crate::domain::funnel::StageKind;
        if !self.profile.closed_by_status {
            return;
        }
        let first = |kind| {
            funnel
                .stages
                .iter()
                .find(|s| s.kind == kind)
                .map(|s| s.name.clone())
        };
        self.closing = Some(Closing {
            won: first(StageKind::Won),
            lost: first(StageKind::Lost),
        });
    }

    /// Plans the columns. Fails when the ID or stage column is missing.
    pub fn new(raw_header: &[String], profile: Profile, source: String) -> Result<Mapper, String> {
        let mut header: Vec<String> = raw_header.iter().map(|h| h.trim().to_string()).collect();
        let trailing_empty = header.len() > 1 && header.last().is_some_and(|h| h.is_empty());
        if trailing_empty {
            header.pop();
        }
        let width = header.len();
        let folded: Vec<String> = header.iter().map(|h| fold(h)).collect();
        let mut targets: Vec<Option<Target>> = vec![None; width];
        let mut fields: Vec<(&SystemField, &Vec<String>)> = profile.fields.iter().collect();
        fields.sort_by_key(|(f, _)| **f);
        for (field, aliases) in fields {
            for alias in aliases {
                let key = fold(alias);
                // First occurrence only: a repeated header is a different (custom) field.
                let Some(col) = folded.iter().position(|h| *h == key) else {
                    continue;
                };
                if targets[col].is_some() {
                    continue;
                }
                targets[col] = Some(Target::System(*field));
                if !field.is_multi() {
                    break;
                }
            }
        }
        // A custom column is named by its field's label (the profile's prefix off); numbered
        // among all the columns, so that two never share a name.
        let labels: Vec<String> = header
            .iter()
            .zip(&targets)
            .map(|(h, t)| match t {
                Some(_) => h.clone(),
                None => profile.custom_label(h).to_string(),
            })
            .collect();
        let names = column_names(&labels);
        let targets: Vec<Target> = targets
            .into_iter()
            .enumerate()
            .map(|(i, t)| t.unwrap_or_else(|| Target::Custom(FieldName::from(names[i].as_str()))))
            .collect();
        let empty_values: Vec<String> = profile.empty_values.iter().map(|e| fold(e)).collect();
        // Case folding keeps the UTF-8 length of Russian and English letters (ё→е aside), so
        // a cell of another length cannot be one of these.
        let mut empty_lens: Vec<usize> = profile.empty_values.iter().map(|e| e.len()).collect();
        empty_lens.extend(empty_values.iter().map(|e| e.len()));
        let mut empty_firsts = [false; 256];
        empty_firsts[0x80..].fill(true);
        for e in &empty_values {
            if let Some(&b) = e.as_bytes().first().filter(|b| b.is_ascii()) {
                empty_firsts[usize::from(b)] = true;
                empty_firsts[usize::from(b.to_ascii_uppercase())] = true;
            }
        }
        let owner_id_field = (profile.owner_format == super::profile::OwnerFormat::NameWithId)
            .then(|| FieldName::from(values::OWNER_ID_FIELD));
        let has_status = targets.contains(&Target::System(SystemField::Status));
        let stage_closes = if has_status {
            Vec::new()
        } else {
            let words = |ws: &[String], won: bool| ws.iter().map(move |w| (fold(w), won)).collect();
            let mut closes: Vec<(String, bool)> = words(&profile.status.won, true);
            closes.extend(words(&profile.status.lost, false));
            closes
        };
        let mapper = Mapper {
            stage_closes,
            owner_id_field,
            closing: None,
            dates: values::DateParser::new(&profile.date_formats),
            bools: values::Bools::new(&profile.true_values, &profile.false_values),
            empty_values,
            empty_lens,
            empty_firsts,
            profile,
            source,
            targets,
            names,
            width,
            trailing_empty,
        };
        for required in [SystemField::ExternalId, SystemField::Stage] {
            if !mapper.targets.contains(&Target::System(required)) {
                let expected = mapper
                    .profile
                    .fields
                    .get(&required)
                    .cloned()
                    .unwrap_or_default();
                return Err(msg::missing_column(
                    required,
                    &mapper.profile.name,
                    &expected,
                ));
            }
        }
        Ok(mapper)
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn width(&self) -> usize {
        self.width
    }

    /// Header names as used for custom fields: trimmed, repeats numbered.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The index of the column feeding `field`.
    pub fn column_index(&self, field: SystemField) -> Option<usize> {
        self.targets
            .iter()
            .position(|t| *t == Target::System(field))
    }

    /// Checks a sheet row's width: shorter than the header is fine (empty cells are not
    /// stored), a value beyond it is an error as a CSV field beyond it is.
    pub fn check_sheet_width(&self, line: u64, len: usize) -> Result<usize, RowError> {
        if len <= self.width {
            Ok(self.width)
        } else {
            Err(RowError {
                line,
                column: Some(len),
                message: msg::sheet_beyond_header(len, self.width),
            })
        }
    }

    /// Checks a row's width, accepting one extra empty last field when the header had one.
    pub fn check_width(
        &self,
        line: u64,
        len: usize,
        last_is_empty: bool,
    ) -> Result<usize, RowError> {
        let ok =
            len == self.width || (len == self.width + 1 && (self.trailing_empty || last_is_empty));
        if ok {
            Ok(self.width)
        } else {
            Err(RowError {
                line,
                column: None,
                message: msg::wrong_field_count(len, self.width),
            })
        }
    }

    /// Builds a card from one row's fields (already checked for width).
    pub fn card<'a>(
        &self,
        line: u64,
        cells: impl Iterator<Item = &'a str>,
        warnings: &mut Vec<Warning>,
    ) -> Result<Card, RowError> {
        let mut card = Card {
            source: self.source.clone(),
            ..Card::default()
        };
        for (col, raw) in cells.enumerate().take(self.width) {
            let value = trim_cell(raw);
            if value.is_empty() || self.means_empty(value) {
                continue;
            }
            let read = match &self.targets[col] {
                Target::Custom(name) => {
                    card.fields.push((name.clone(), raw.to_string()));
                    continue;
                }
                Target::System(field) => self.system_value(&mut card, *field, value, raw),
            };
            let message = match read {
                Ok(None) => continue,
                // Read, but the report should say how.
                Ok(Some(message)) => message,
                Err(message) => {
                    card.invalid
                        .push((self.names[col].clone(), raw.to_string()));
                    message
                }
            };
            warnings.push(Warning {
                line,
                column: self.names[col].clone(),
                message,
            });
        }
        self.complete(line, card)
    }

    /// Puts one system field's value on the card; `Ok(Some)`: a warning about how the value
    /// was read; `Err`: why the value does not parse.
    fn system_value(
        &self,
        card: &mut Card,
        field: SystemField,
        value: &str,
        raw: &str,
    ) -> Result<Option<String>, String> {
        let p = &self.profile;
        match field {
            SystemField::ExternalId => card.external_id = value.to_string(),
            SystemField::Title => card.title = Some(raw.to_string()),
            SystemField::Stage => card.stage = value.to_string(),
            SystemField::Pipeline => card.pipeline = Some(value.to_string()),
            SystemField::Owner => {
                card.owner = Some(values::clean_owner(value, p.owner_format));
                // The id the CRM's import or API wants back (Bitrix24's ASSIGNED_BY_ID).
                if let (Some(field), Some(id)) = (
                    &self.owner_id_field,
                    values::owner_id(value, p.owner_format),
                ) {
                    card.fields.push((field.clone(), id.to_string()));
                }
            }
            SystemField::Currency => card.currency = Some(value.to_string()),
            SystemField::Contact => card.contact = Some(value.to_string()),
            SystemField::Company => card.company = Some(value.to_string()),
            SystemField::Phone => card.phones.push(value.to_string()),
            SystemField::Email => card.emails.push(value.to_string()),
            SystemField::Notes => card.notes.push(raw.to_string()),
            SystemField::Tags => card
                .tags
                .extend(values::split_list(value, &p.list_separator)),
            SystemField::Amount => match read_amount(value, p.decimal_comma) {
                Some(a) => {
                    card.amount = Some(a.value);
                    // `1,234`: the cell does not say which reading it means.
                    if let Some(other) = a.other {
                        return Ok(Some(msg::ambiguous_amount(value, a.value, other, &p.name)));
                    }
                }
                None => return Err(msg::bad_amount(value)),
            },
            SystemField::CreatedAt
            | SystemField::UpdatedAt
            | SystemField::ClosedAt
            | SystemField::ExpectedCloseAt
            | SystemField::LastActivityAt => match self.dates.parse(value) {
                Some(d) => {
                    let slot = match field {
                        SystemField::CreatedAt => &mut card.created_at,
                        SystemField::UpdatedAt => &mut card.updated_at,
                        SystemField::ClosedAt => &mut card.closed_at,
                        SystemField::ExpectedCloseAt => &mut card.expected_close_at,
                        _ => &mut card.last_activity_at,
                    };
                    *slot = Some(d);
                }
                None if self.dates.no_such_day(value) => return Err(msg::no_such_day(value)),
                None => return Err(msg::bad_date(value, &p.date_formats)),
            },
            SystemField::Closed | SystemField::Won => match self.bools.parse(value) {
                Some(b) if field == SystemField::Closed => card.closed = Some(b),
                Some(b) => card.won = Some(b),
                None => return Err(msg::bad_bool(value)),
            },
            SystemField::Status => {
                let k = fold(value);
                let is = |words: &[String]| words.iter().any(|w| fold(w) == k);
                if is(&p.status.won) {
                    card.closed = Some(true);
                    card.won = Some(true);
                } else if is(&p.status.lost) {
                    card.closed = Some(true);
                    card.won = Some(false);
                } else if is(&p.status.open) {
                    card.closed = Some(false);
                } else {
                    return Err(msg::bad_status(value));
                }
            }
        }
        Ok(None)
    }

    /// The checks and defaults of a whole row: its id and stage present, blank flags false.
    fn complete(&self, line: u64, mut card: Card) -> Result<Card, RowError> {
        let p = &self.profile;
        if card.external_id.is_empty() {
            return Err(self.empty_required(line, SystemField::ExternalId));
        }
        self.check_id(line, &card.external_id)?;
        if p.blank_is_false {
            for field in [SystemField::Closed, SystemField::Won] {
                let slot = if field == SystemField::Closed {
                    &mut card.closed
                } else {
                    &mut card.won
                };
                if slot.is_none() && self.column_index(field).is_some() {
                    *slot = Some(false);
                }
            }
        }
        if card.stage.is_empty() {
            return Err(self.empty_required(line, SystemField::Stage));
        }
        if !self.stage_closes.is_empty() {
            let stage = fold(&card.stage);
            let closes = self.stage_closes.iter().find(|(w, _)| *w == stage);
            // A closed or won column, where there is one, has said so already.
            if let Some(&(_, won)) = closes {
                card.closed.get_or_insert(true);
                card.won.get_or_insert(won);
            }
        }
        if let (Some(c), Some(true)) = (&self.closing, card.closed) {
            let to = if card.won == Some(true) {
                &c.won
            } else {
                &c.lost
            };
            if let Some(stage) = to {
                card.stage.clone_from(stage);
            }
        }
        Ok(card)
    }

    /// Refuses an ID Excel turned into scientific notation (`1.23457E+13`): its digits are
    /// gone, so the card could never match its CRM record again, and two deals whose IDs round
    /// alike would collapse into one card. A warning let that happen; only a new export fixes it.
    pub fn check_id(&self, line: u64, id: &str) -> Result<(), RowError> {
        if !values::looks_like_scientific(id) {
            return Ok(());
        }
        let crm = (self.profile.name != "generic").then_some(self.profile.label.as_str());
        Err(RowError {
            line,
            column: self.column_index(SystemField::ExternalId).map(|c| c + 1),
            message: msg::scientific_id(id, crm),
        })
    }

    fn means_empty(&self, value: &str) -> bool {
        self.empty_lens.contains(&value.len())
            && value
                .as_bytes()
                .first()
                .is_some_and(|&b| self.empty_firsts[usize::from(b)])
            && self.empty_values.iter().any(|e| {
                // fold() without allocating: most cells differ at the first character.
                crate::domain::names::fold_chars(value).eq(e.chars())
            })
    }

    fn empty_required(&self, line: u64, field: SystemField) -> RowError {
        let col = self
            .targets
            .iter()
            .position(|t| *t == Target::System(field));
        RowError {
            line,
            column: col.map(|c| c + 1),
            message: msg::empty_required(field, col.map(|c| self.names[c].as_str())),
        }
    }
}

/// [`trimmed`], without decoding a character at either end when its bytes say it is no space
/// nor a byte-order mark (a byte Unicode's spaces and U+FEFF never start with; a last character
/// of two bytes other than U+0085 and U+00A0): trimming every cell of a row was a twentieth of
/// the import's reading.
fn trim_cell(cell: &str) -> &str {
    let b = cell.as_bytes();
    let (Some(&first), Some(&last)) = (b.first(), b.last()) else {
        return cell;
    };
    let plain_start = !matches!(first, 0x09..=0x0D | 0x20 | 0xC2 | 0xE1..=0xE3 | 0xEF);
    let plain_end = if last < 0x80 {
        !matches!(last, 0x09..=0x0D | 0x20)
    } else {
        b.len() >= 2 && (0xC3..=0xDF).contains(&b[b.len() - 2])
    };
    if plain_start && plain_end {
        cell
    } else {
        trimmed(cell)
    }
}

/// A cell without the spaces around it, nor a byte-order mark before it: files pasted together
/// carry the second one's BOM into the row where it begins, and an invisible U+FEFF before an id
/// made a card that reads as `2002` and is another (tester33 F7).
fn trimmed(cell: &str) -> &str {
    cell.trim().trim_start_matches('\u{feff}').trim_start()
}

/// Names every column: empty headers by position, repeats numbered (`Имя`, `Имя (2)`), so no
/// column is lost or merged. Linear: the names taken and each name's last number are looked up,
/// not searched for (3,000 columns of one header took 11 minutes when they were searched).
fn column_names(header: &[String]) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::with_capacity(header.len());
    let mut last_n: HashMap<String, usize> = HashMap::new();
    let mut names = Vec::with_capacity(header.len());
    for (i, h) in header.iter().enumerate() {
        let base = if h.is_empty() {
            msg::unnamed_column(i + 1)
        } else {
            h.clone()
        };
        let folded = fold(&base);
        let name = if taken.insert(folded.clone()) {
            base
        } else {
            let n = last_n.entry(folded).or_insert(1);
            loop {
                *n += 1;
                let candidate = crate::domain::names::numbered(&base, *n);
                if taken.insert(fold(&candidate)) {
                    break candidate;
                }
            }
        };
        names.push(name);
    }
    names
}

/// A Bitrix24 deal being built from its product rows. The deal's own columns say the same on
/// every row and stay one value; a product line's columns (the profile's `line_columns`, and
/// any column whose rows differ) keep one value per row, in row order, so that the third
/// product stays beside the third quantity. Each field's values are held by row rather than
/// searched, and a value the rows repeat is counted, not copied: a deal of many wide rows
/// costs what its rows cost, and its own columns what one row's do.
#[derive(Default)]
pub struct Merged {
    /// The deal's rows so far.
    rows: usize,
    /// Where each custom field sits in the card.
    at: HashMap<FieldName, usize>,
    /// Per field (as `at` places it): its values so far.
    seen: Vec<Values>,
    /// The profile's product-line columns, folded.
    lines: HashSet<String>,
    decimal_comma: bool,
    /// The first row's amount, and whether every row since carried the same one.
    first: Option<f64>,
    same: bool,
    /// The rows' amounts added up.
    sum: f64,
    /// A row's amount was not its price × quantity: the export repeats the deal's total on each
    /// product row rather than the line's amount.
    not_lines: bool,
}

/// One custom field's values over a deal's rows.
#[derive(Debug, Clone, PartialEq)]
enum Values {
    /// The rows `from..=to`, each with the value the card holds (its first).
    Same { from: usize, to: usize },
    /// The rows that had a value, each with it, in row order.
    ByRow(Vec<(usize, String)>),
}

impl Values {
    /// Row `r`'s value `v`, `first` the field's first value (the card's). A row's second value
    /// of one name (none the import makes) is dropped.
    fn add(&mut self, r: usize, v: String, first: &str) {
        match self {
            Values::Same { to, .. } if *to + 1 == r && v == first => *to = r,
            Values::Same { to, .. } if *to == r => {}
            Values::Same { from, to } => {
                let mut rows: Vec<(usize, String)> =
                    (*from..=*to).map(|x| (x, first.to_string())).collect();
                rows.push((r, v));
                *self = Values::ByRow(rows);
            }
            Values::ByRow(rows) => {
                if rows.last().is_none_or(|(at, _)| *at != r) {
                    rows.push((r, v));
                }
            }
        }
    }
}

/// The product columns of Bitrix24's export (Russian and English labels).
const PRICE: [&str; 2] = ["Цена", "Price"];
const QUANTITY: [&str; 2] = ["Количество", "Quantity"];

/// What a product row without a value in a line's column shows in that row's place.
const NO_VALUE: &str = "—";

impl Merged {
    /// Starts from a deal's first row; `profile` names its product-line columns.
    pub fn new(card: &Card, profile: &Profile) -> Merged {
        let mut m = Merged {
            rows: 1,
            lines: profile.line_columns.iter().map(|c| fold(c)).collect(),
            decimal_comma: profile.decimal_comma,
            first: card.amount,
            same: true,
            sum: card.amount.unwrap_or(0.0),
            ..Merged::default()
        };
        m.not_lines = m.not_a_line(card);
        for (i, (k, _)) in card.fields.iter().enumerate() {
            m.at.entry(k.clone()).or_insert(i);
            m.seen.push(Values::Same { from: 0, to: 0 });
        }
        m
    }

    /// Whether the row's amount is known not to be its price × quantity.
    fn not_a_line(&self, row: &Card) -> bool {
        let number = |names: [&str; 2]| {
            row.fields
                .iter()
                .find(|(k, _)| names.contains(&k.as_ref()))
                .and_then(|(_, v)| crate::formats::amount::parse_amount(v, self.decimal_comma))
        };
        match (row.amount, number(PRICE), number(QUANTITY)) {
            (Some(a), Some(p), Some(q)) => (a - p * q).abs() > 0.005,
            _ => false,
        }
    }

    /// Folds a later product row of the same deal into `into`: the lines' amounts add up —
    /// unless every row carries one amount that is not its price × quantity, the deal's total
    /// repeated on each —; its custom values are laid out by [`Merged::finish`].
    pub fn merge(&mut self, into: &mut Card, row: Card) {
        let r = self.rows;
        self.rows += 1;
        self.not_lines |= self.not_a_line(&row);
        self.same &= row.amount == self.first;
        self.sum += row.amount.unwrap_or(0.0);
        if self.first.is_some() || row.amount.is_some() {
            into.amount = Some(if self.same && self.not_lines {
                self.first.unwrap_or(0.0)
            } else {
                self.sum
            });
        }
        for (k, v) in row.fields {
            match self.at.get(&k) {
                Some(&i) => self.seen[i].add(r, v, &into.fields[i].1),
                None => {
                    self.at.insert(k.clone(), into.fields.len());
                    self.seen.push(Values::Same { from: r, to: r });
                    into.fields.push((k, v));
                }
            }
        }
    }

    /// Writes the merged custom values into the deal's card once its last row is in: a column
    /// with one value on every row keeps it; a product line's column (or one whose rows differ,
    /// or that some rows lack) takes every row's value in row order, joined by `; `, a row
    /// without one as `—`.
    pub fn finish(&mut self, into: &mut Card) {
        if self.rows < 2 {
            return;
        }
        for (i, values) in self.seen.iter_mut().enumerate() {
            let (name, value) = &mut into.fields[i];
            // A name twice in the first row (none the import makes): its first place only.
            if self.at.get(name) != Some(&i) {
                continue;
            }
            let every_row = Values::Same {
                from: 0,
                to: self.rows - 1,
            };
            if *values == every_row && !self.lines.contains(&fold(name)) {
                continue;
            }
            let mut joined = String::new();
            for r in 0..self.rows {
                if r > 0 {
                    joined.push_str("; ");
                }
                let here = match values {
                    Values::Same { from, to } => (*from..=*to).contains(&r).then_some(&**value),
                    Values::ByRow(rows) => rows
                        .binary_search_by_key(&r, |(at, _)| *at)
                        .ok()
                        .map(|k| rows[k].1.as_str()),
                };
                joined.push_str(here.unwrap_or(NO_VALUE));
            }
            *value = joined;
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Merged, Values, trim_cell};
    use crate::domain::Card;

    fn row(fields: &[(&str, &str)]) -> Card {
        Card {
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).into(), v.to_string()))
                .collect(),
            ..Card::default()
        }
    }

    /// A deal's own column repeated on every product row is counted, not copied (a deal of
    /// thousands of rows holds one value of it); a line's column whose rows agree is written
    /// out per row all the same, and one a later row brings first holds the earlier rows'
    /// places.
    #[test]
    fn merged_rows_count_a_repeated_value_and_lay_the_lines_out_by_row() {
        let profile = super::Profile::builtin("bitrix24").unwrap();
        let first = row(&[("Источник", "Сайт"), ("Количество", "1")]);
        let mut card = first.clone();
        let mut m = Merged::new(&first, &profile);
        for _ in 0..999 {
            m.merge(&mut card, row(&[("Источник", "Сайт"), ("Количество", "1")]));
        }
        m.merge(&mut card, row(&[("Источник", "Сайт"), ("Скидка", "5%")]));
        assert_eq!(m.seen[0], Values::Same { from: 0, to: 1000 });
        m.finish(&mut card);
        let value = |k: &str| &card.fields.iter().find(|(n, _)| &**n == k).unwrap().1;
        assert_eq!(value("Источник"), "Сайт");
        let quantities = value("Количество");
        assert!(quantities.starts_with("1; 1; 1") && quantities.ends_with("1; —"));
        assert_eq!(quantities.matches("; ").count(), 1000);
        assert_eq!(value("Скидка"), &format!("{}5%", "—; ".repeat(1000)));
    }

    #[test]
    fn a_cell_is_trimmed_of_every_unicode_space() {
        for cell in [
            "",
            " ",
            "\u{a0}Бюджет\u{a0}",
            "\u{85}x\u{85}",
            "\u{3000}да\u{2029}",
            " 12 ",
            "ё",
            "«Юг»",
            "x\u{1680}",
            "\u{202f}",
            "Сделка\t",
            "\u{b}1\u{c}",
        ] {
            assert_eq!(trim_cell(cell), cell.trim(), "{cell:?}");
        }
        assert_eq!(trim_cell("\u{feff}2002"), "2002");
        assert_eq!(trim_cell(" \u{feff}\u{feff} 2002 "), "2002");
        assert_eq!(
            trim_cell("20\u{feff}02"),
            "20\u{feff}02",
            "only before the value"
        );
        assert_eq!(trim_cell("Ａ"), "Ａ");
    }

    proptest! {
        #[test]
        fn trim_cell_is_str_trim(cell in any::<String>()) {
            prop_assert_eq!(trim_cell(&cell), super::trimmed(&cell));
        }

        #[test]
        fn trim_cell_is_str_trim_on_cells_like_an_export(
            cell in "[ \\t\u{a0}\u{85}\u{2000}-\u{200b}\u{3000}\u{feff}a-zA-Z0-9Ѐ-ӿ«».,]{0,12}"
        ) {
            prop_assert_eq!(trim_cell(&cell), super::trimmed(&cell));
        }
    }
}
