//! The owners map of `okk export crm --owners FILE`: okk's owner names → what the CRM's import
//! takes in its owner column (an email, a user id), read from CSV or TOML and checked line by line.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::profile::OwnerForm;
pub use crate::domain::crm_export::Problem;
use crate::domain::names::fold;
use crate::formats::line_col::LineIndex;
use crate::text::export as msg;

/// Names (folded: case, spaces, ё/е) → the CRM's value.
#[derive(Debug, Clone, Default)]
pub struct OwnerMap {
    by_name: HashMap<String, String>,
    /// The names whose value the store knew (`learn`), not a map file: the export says when it
    /// writes one of those.
    learned: HashSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum OwnersError {
    #[error("{}", msg::owners_unreadable(.path, .source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Every problem found, in file order.
    #[error("{}", msg::owners_problems(.path, .problems))]
    Bad {
        path: PathBuf,
        problems: Vec<Problem>,
    },
}

impl OwnerMap {
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Reads a map file: TOML when it ends in `.toml`, CSV otherwise. Every value must be in
    /// `form` (what `crm`'s import wants), so swapped columns are caught here, not in the CRM.
    pub fn load(path: &Path, form: OwnerForm, crm: &str) -> Result<OwnerMap, OwnersError> {
        let bytes = std::fs::read(path).map_err(|source| OwnersError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let toml = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
        let parsed = if toml {
            match std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes)) {
                Ok(text) => parse_toml(text, form, crm),
                Err(e) => Err(vec![at_offset(
                    &bytes,
                    e.valid_up_to(),
                    msg::owners_not_utf8(),
                )]),
            }
        } else {
            parse_csv(&bytes, form, crm)
        };
        parsed.map_err(|problems| OwnersError::Bad {
            path: path.to_path_buf(),
            problems,
        })
    }

    /// Adds what the store knows of `owner` (an id its CRM's export gave), unless the map says
    /// otherwise: a map made by hand wins.
    pub fn learn(&mut self, owner: &str, value: &str) {
        let key = fold(owner);
        if !self.by_name.contains_key(&key) {
            self.by_name.insert(key.clone(), value.to_string());
            self.learned.insert(key);
        }
    }

    /// Whether `owner`'s value is one the store knew ([`OwnerMap::learn`]) rather than the map's.
    pub fn is_learned(&self, owner: &str) -> bool {
        self.learned.contains(&fold(owner))
    }

    /// The value to write for `owner`: the map's, else what the owner already carries in the
    /// CRM's form (a Salesforce OwnerId the export gave, an email); `None`: nothing fit to write.
    pub fn resolve(&self, form: OwnerForm, owner: &str) -> Option<String> {
        self.by_name
            .get(&fold(owner))
            .cloned()
            .or_else(|| form.carried(owner).map(String::from))
    }
}

fn at_offset(bytes: &[u8], offset: usize, message: String) -> Problem {
    let line = bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
    Problem {
        line,
        column: 1,
        message,
    }
}

/// Collects entries, one problem per bad one; a name mapped twice to one value is fine.
struct Builder<'a> {
    form: OwnerForm,
    crm: &'a str,
    map: OwnerMap,
    /// Folded name → (line, value) of its first entry.
    seen: HashMap<String, usize>,
    problems: Vec<Problem>,
}

impl<'a> Builder<'a> {
    fn new(form: OwnerForm, crm: &'a str) -> Builder<'a> {
        Builder {
            form,
            crm,
            map: OwnerMap::default(),
            seen: HashMap::new(),
            problems: Vec::new(),
        }
    }

    fn problem(&mut self, line: usize, column: usize, message: String) {
        self.problems.push(Problem {
            line,
            column,
            message,
        });
    }

    /// One entry: `name` at (line, name_col), `value` at (line, value_col).
    fn add(&mut self, line: usize, name_col: usize, value_col: usize, name: &str, value: &str) {
        // No name, email or id holds a line break: a cell that does was opened by a quote that
        // never closed and swallowed the lines after it.
        for (cell, column) in [(name, name_col), (value, value_col)] {
            if cell.contains(['\n', '\r']) {
                return self.problem(line, column, msg::owners_line_break());
            }
        }
        // The template okk prints defuses a name a spreadsheet would run (`'=…`).
        let (name, value) = (super::cell::undefuse(name.trim()), value.trim());
        if name.is_empty() {
            return self.problem(line, name_col, msg::owners_no_name(value));
        }
        if value.is_empty() {
            return self.problem(line, value_col, msg::owners_no_value(name, self.crm));
        }
        if !self.form.accepts(value) {
            let m = msg::owners_bad_value(name, value, self.form, self.crm);
            return self.problem(line, value_col, m);
        }
        let key = fold(name);
        match self.map.by_name.get(&key) {
            Some(first) if first != value => {
                let m = msg::owners_twice(name, self.seen[&key], first, value);
                self.problem(line, name_col, m);
            }
            Some(_) => {}
            None => {
                self.seen.insert(key.clone(), line);
                self.map.by_name.insert(key, value.to_string());
            }
        }
    }

    fn finish(mut self) -> Result<OwnerMap, Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(self.map)
        } else {
            self.problems.sort_by_key(|p| (p.line, p.column));
            Err(self.problems)
        }
    }
}

/// CSV as spreadsheets save it: UTF-8 (with or without BOM) or Windows-1251/KOI8-R, `,` `;` or
/// tab; the first row is a header (any names), then `okk owner, CRM value` per row; further
/// columns are the admin's notes and are ignored.
pub fn parse_csv(bytes: &[u8], form: OwnerForm, crm: &str) -> Result<OwnerMap, Vec<Problem>> {
    use crate::formats::decode;
    let chosen = decode::sniff(bytes, true);
    let body = &bytes[chosen.bom_len..];
    let Some(text) = chosen
        .encoding
        .decode_without_bom_handling_and_without_replacement(body)
    else {
        return Err(vec![Problem {
            line: 1,
            column: 1,
            message: msg::owners_not_text(&chosen.label()),
        }]);
    };
    let delimiter = crate::formats::delimiter::sniff_delimiter(text.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut b = Builder::new(form, crm);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(0, |p| p.line() as usize);
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let name = record.get(0).unwrap_or_default();
                let value = record.get(1).unwrap_or_default();
                b.add(line, 1, 2, name, value);
            }
            Err(e) => {
                let line = e.position().map_or(1, |p| p.line() as usize);
                b.problem(line, 1, msg::owners_bad_csv(&e));
                break;
            }
        }
    }
    if b.map.is_empty() && b.problems.is_empty() {
        b.problem(1, 1, msg::owners_empty());
    }
    b.finish()
}

/// TOML: `"Попова Анна" = "anna@example.com"`, one line per owner (top-level keys).
pub fn parse_toml(text: &str, form: OwnerForm, crm: &str) -> Result<OwnerMap, Vec<Problem>> {
    let lines = LineIndex::new(text);
    let table: toml::Spanned<HashMap<String, toml::Spanned<Entry>>> = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = lines.position(e.span().map_or(0, |s| s.start));
            return Err(vec![Problem {
                line,
                column,
                message: msg::owners_bad_toml(e.message()),
            }]);
        }
    };
    let mut b = Builder::new(form, crm);
    let mut entries: Vec<_> = table.into_inner().into_iter().collect();
    entries.sort_by_key(|(_, v)| v.span().start);
    for (name, value) in entries {
        let (line, column) = lines.position(value.span().start);
        match value.into_inner() {
            Entry::Value(v) => b.add(line, 1, column, &name, &v),
            Entry::Other(_) => b.problem(line, column, msg::owners_not_string(&name)),
        }
    }
    if b.map.is_empty() && b.problems.is_empty() {
        b.problem(1, 1, msg::owners_empty());
    }
    b.finish()
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Entry {
    Value(String),
    Other(#[allow(dead_code)] toml::Value),
}

#[cfg(test)]
mod tests {
    use super::*;

    const HUBSPOT: &str = "HubSpot";

    fn csv(text: &[u8]) -> Result<OwnerMap, Vec<Problem>> {
        parse_csv(text, OwnerForm::Email, HUBSPOT)
    }

    /// The template okk prints defuses a name a spreadsheet would run; filled in a text editor
    /// the `'` stays, and the map reads it off (a spreadsheet drops it when it saves).
    #[test]
    fn a_defused_name_reads_as_the_name_it_stands_for() {
        let map = csv("okk owner,HubSpot\n'=cmd|' /C calc'!A0 Менеджер,x@example.com\n".as_bytes())
            .unwrap();
        let form = OwnerForm::Email;
        assert_eq!(
            map.resolve(form, "=cmd|' /C calc'!A0 Менеджер").as_deref(),
            Some("x@example.com")
        );
        let map = csv("okk owner,HubSpot\n'Анна,a@example.com\n".as_bytes()).unwrap();
        assert_eq!(
            map.resolve(form, "Анна"),
            None,
            "a quote before a plain name is its own"
        );
    }

    #[test]
    fn a_spreadsheet_csv_maps_names_loosely_and_ignores_notes() {
        let map = csv(
            "okk owner;HubSpot email;note\r\nПопова Анна;anna@example.com;\r\n\r\n\
             Петров  Иван ; ivan@example.com ;since May\r\n"
                .as_bytes(),
        )
        .unwrap();
        assert_eq!(map.len(), 2);
        let form = OwnerForm::Email;
        assert_eq!(
            map.resolve(form, "попова анна").as_deref(),
            Some("anna@example.com")
        );
        assert_eq!(
            map.resolve(form, "Петров Иван").as_deref(),
            Some("ivan@example.com")
        );
        assert_eq!(map.resolve(form, "Сидоров Пётр"), None);
        assert_eq!(
            map.resolve(form, "petr@example.com").as_deref(),
            Some("petr@example.com"),
            "an owner the store holds as an email needs no entry"
        );
    }

    #[test]
    fn windows_1251_is_read_like_the_importers_read_it() {
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("owner,email\nПопова Анна,anna@example.com\n");
        let map = csv(&bytes).unwrap();
        assert_eq!(
            map.resolve(OwnerForm::Email, "Попова Анна").as_deref(),
            Some("anna@example.com")
        );
    }

    #[test]
    fn every_bad_line_is_reported_with_its_line_and_column() {
        let problems = csv(
            b"owner,email\nAnna,anna@example.com\nBoris\n,x@y.z\nVera,Vera Smirnova\nanna,other@example.com\nANNA,anna@example.com\n",
        )
        .unwrap_err();
        let at: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(at, [(3, 2), (4, 1), (5, 2), (6, 1)], "{problems:#?}");
        assert!(
            problems[2].message.contains("not an email"),
            "{}",
            problems[2]
        );
        assert!(problems[3].message.contains("line 2"), "{}", problems[3]);
    }

    #[test]
    fn a_header_alone_or_an_unclosed_quote_is_an_error() {
        assert_eq!(csv(b"owner,email\n").unwrap_err()[0].line, 1);
        let problems =
            csv(b"owner,email\nAnna,\"anna@example.com\nBoris,boris@example.com\n").unwrap_err();
        assert_eq!(
            (problems[0].line, problems[0].column),
            (2, 2),
            "{problems:#?}"
        );
        assert!(problems[0].message.contains("quote"), "{}", problems[0]);
    }

    #[test]
    fn toml_values_must_be_strings_in_the_crms_form() {
        let text = "# okk owner = Salesforce User Id\n\"Попова Анна\" = \"005Ec000004oBPNIA2\"\n\"Борис\" = 17\nVera = \"001Ec00000GGw3iIAD\"\n";
        let problems = parse_toml(text, OwnerForm::SalesforceId, "Salesforce").unwrap_err();
        let at: Vec<(usize, usize)> = problems.iter().map(|p| (p.line, p.column)).collect();
        assert_eq!(at, [(3, 11), (4, 8)], "{problems:#?}");
        let ok = parse_toml(
            "\"Попова Анна\" = \"005Ec000004oBPNIA2\"",
            OwnerForm::SalesforceId,
            "Salesforce",
        )
        .unwrap();
        assert_eq!(
            ok.resolve(OwnerForm::SalesforceId, "ПОПОВА анна")
                .as_deref(),
            Some("005Ec000004oBPNIA2")
        );
        let broken = parse_toml("a = \"x\"\na = \"y\"\n", OwnerForm::Name, "amoCRM").unwrap_err();
        assert_eq!(broken[0].line, 2, "{broken:#?}");
    }
}
