//! Import profiles: what a CRM's export looks like, as data (`assets/crm/NAME/import.toml`).
//! Adding a CRM means adding its folder there, not a module.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::domain::SystemField;
pub use crate::domain::import_report::{Detection, NearMiss};
use crate::domain::names::fold;
use crate::formats::crms::CRMS;

pub use crate::formats::values::OwnerFormat;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct StatusWords {
    #[serde(default)]
    pub open: Vec<String>,
    #[serde(default)]
    pub won: Vec<String>,
    #[serde(default)]
    pub lost: Vec<String>,
}

/// A profile as written in TOML.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub name: String,
    pub label: String,
    /// The `source` cards imported with this profile get unless `--source` says otherwise.
    pub source: String,
    /// chrono formats, tried in order. Formats with `%z` parse an offset and are stored as UTC.
    #[serde(default)]
    pub date_formats: Vec<String>,
    /// Cell values that mean "nothing here" (amoCRM writes `не закрыта` in the closing date).
    #[serde(default)]
    pub empty_values: Vec<String>,
    #[serde(default)]
    pub owner_format: OwnerFormat,
    /// Separator of several values in one cell (tags).
    #[serde(default = "default_list_separator")]
    pub list_separator: String,
    /// How the one amount shape that does not say its decimal mark reads (`1,234`, `12.500`:
    /// one mark, three digits after it): true, the CRM's own writing has a decimal comma
    /// (1,234 = 1.234 and 12.500 = 12500); false, a decimal point (1,234 = 1234). Every other
    /// shape reads alike in every profile, and that one is warned about
    /// (`formats::amount`, docs/import.md "Amounts").
    #[serde(default)]
    pub decimal_comma: bool,
    #[serde(default = "default_true_values")]
    pub true_values: Vec<String>,
    #[serde(default = "default_false_values")]
    pub false_values: Vec<String>,
    /// An empty yes/no cell means "no" (Salesforce writes `1` or nothing).
    #[serde(default)]
    pub blank_is_false: bool,
    /// Consecutive rows with one ID are one card, their amounts summed (Bitrix24 product rows).
    #[serde(default)]
    pub group_rows_by_id: bool,
    /// With `group_rows_by_id`: the columns of a product line (product, price, quantity), whose
    /// values the card keeps one per row, in row order, even where the rows agree.
    #[serde(default)]
    pub line_columns: Vec<String>,
    #[serde(default)]
    pub status: StatusWords,
    /// Won and lost are a status beside the stage (Pipedrive): a closed deal stays in the stage
    /// it was closed from.
    #[serde(default)]
    pub closed_by_status: bool,
    /// System field → the headers that may hold it (any of; multi-value fields take all of them).
    #[serde(default)]
    pub fields: BTreeMap<SystemField, Vec<String>>,
    /// What the export writes before each of the card's own custom fields (Pipedrive's
    /// `Deal - `, translated: `Сделка - `): such a column is the field named by the rest, so
    /// that it meets the funnel's custom field of that name. Columns of the record's other
    /// entities (`Person - …`, `Организация - …`) keep their whole header.
    #[serde(default)]
    pub custom_field_prefixes: Vec<String>,
}

fn default_list_separator() -> String {
    ",".into()
}
fn default_true_values() -> Vec<String> {
    crate::formats::values::YES_WORDS.map(String::from).to_vec()
}
fn default_false_values() -> Vec<String> {
    crate::formats::values::NO_WORDS.map(String::from).to_vec()
}

impl Profile {
    pub fn builtin(name: &str) -> Option<Profile> {
        CRMS.iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| parse_builtin(c.name, c.import))
    }

    pub fn all_builtin() -> Vec<Profile> {
        CRMS.iter()
            .map(|c| parse_builtin(c.name, c.import))
            .collect()
    }

    /// The custom field a column headed `header` holds: the header without the card's own
    /// prefix ([`Profile::custom_field_prefixes`]), else the header.
    pub fn custom_label<'h>(&self, header: &'h str) -> &'h str {
        self.custom_field_prefixes
            .iter()
            .find_map(|p| crate::domain::names::strip_prefix_loosely(header, p))
            .unwrap_or(header)
    }

    /// Adds `--map field=Header` pairs on top of the profile; a mapped field replaces the
    /// profile's own headers for it.
    pub fn apply_map(&mut self, map: &[(SystemField, String)]) {
        let mut replaced = Vec::new();
        for (field, header) in map {
            if !replaced.contains(field) {
                self.fields.insert(*field, Vec::new());
                replaced.push(*field);
            }
            self.fields.get_mut(field).unwrap().push(header.clone());
        }
    }
}

fn parse_builtin(name: &str, src: &str) -> Profile {
    // Built-in profiles are part of the binary; a broken one is a bug caught by the tests below.
    toml::from_str(src).unwrap_or_else(|e| panic!("built-in profile {name} is invalid: {e}"))
}

/// How many of a file's headers a profile must know by its own names to be named: a lone
/// `Email` or `ID` column names no CRM.
const KNOWN_HEADERS_TO_NAME: usize = 2;

/// The built-in CRM profiles (not `generic`), in the order detection prefers on a tie.
fn crm_profiles() -> impl Iterator<Item = Profile> {
    Profile::all_builtin()
        .into_iter()
        .filter(|p| p.name != "generic")
}

/// Picks the built-in profile whose headers the file has most of. A candidate must find both an
/// ID and a stage column. `generic` is never picked by headers alone.
pub fn detect(headers: &[String]) -> Option<Detection> {
    detect_among(headers, crm_profiles())
}

/// [`detect`] for a file that names some columns with `--map`, when no profile finds its ID
/// and stage columns alone: each profile with the map on top of it, so that naming the one
/// column a CRM's export lacks (Salesforce's leads have `Status`, not `StageName`) keeps that
/// CRM's profile rather than falling back to `generic`. A profile must know a few of the
/// file's headers by its own names, or any map would make every profile a candidate.
pub fn detect_with_map(headers: &[String], map: &[(SystemField, String)]) -> Option<Detection> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let candidates = crm_profiles()
        .filter(|p| known_headers(p, &folded).len() >= KNOWN_HEADERS_TO_NAME)
        .map(|mut p| {
            p.apply_map(map);
            p
        });
    detect_among(headers, candidates)
}

/// The file's columns (indices into `folded`, in file order) some header of `profile` names.
fn known_headers(profile: &Profile, folded: &[String]) -> Vec<usize> {
    let mut at: Vec<usize> = profile
        .fields
        .values()
        .flatten()
        .filter_map(|h| folded.iter().position(|x| *x == fold(h)))
        .collect();
    at.sort_unstable();
    at.dedup();
    at
}

fn detect_among(headers: &[String], profiles: impl Iterator<Item = Profile>) -> Option<Detection> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let has = |h: &str| folded.iter().any(|x| *x == fold(h));
    let mut scored: Vec<(String, Vec<String>, usize, bool)> = Vec::new();
    for profile in profiles {
        let finds = |f: SystemField| {
            profile
                .fields
                .get(&f)
                .is_some_and(|hs| hs.iter().any(|h| has(h)))
        };
        let eligible = finds(SystemField::ExternalId) && finds(SystemField::Stage);
        let mut matched: Vec<String> = Vec::new();
        let mut known = 0;
        for hs in profile.fields.values() {
            for h in hs {
                known += 1;
                if has(h) && !matched.iter().any(|m| fold(m) == fold(h)) {
                    matched.push(h.clone());
                }
            }
        }
        // Show matched headers in file order, which reads naturally in the report.
        matched.sort_by_key(|m| folded.iter().position(|x| *x == fold(m)));
        scored.push((profile.name.clone(), matched, known, eligible));
    }
    // Stable: on a tie the earlier profile in `CRMS` wins.
    let mut eligible: Vec<_> = scored.into_iter().filter(|s| s.3).collect();
    eligible.sort_by_key(|s| std::cmp::Reverse(s.1.len()));
    let mut it = eligible.into_iter();
    let best = it.next()?;
    let runner_up = it.next().map(|s| (s.0, s.1.len()));
    Some(Detection {
        profile: best.0,
        matched: best.1,
        known: best.2,
        runner_up,
    })
}

/// The built-in profile that knows most of `headers` (two at least, so that a lone `Email`
/// column names no CRM), when `detect` finds none.
pub fn near_miss(headers: &[String]) -> Option<NearMiss> {
    let folded: Vec<String> = headers.iter().map(|h| fold(h)).collect();
    let at = |h: &str| folded.iter().position(|x| *x == fold(h));
    let mut best: Option<NearMiss> = None;
    for profile in crm_profiles() {
        let matched = known_headers(&profile, &folded);
        let missing: Vec<(SystemField, Vec<String>)> =
            [SystemField::ExternalId, SystemField::Stage]
                .into_iter()
                .map(|f| (f, profile.fields.get(&f).cloned().unwrap_or_default()))
                .filter(|(_, hs)| !hs.iter().any(|h| at(h).is_some()))
                .collect();
        let better = best
            .as_ref()
            .is_none_or(|b| matched.len() > b.matched.len());
        if matched.len() >= KNOWN_HEADERS_TO_NAME && !missing.is_empty() && better {
            best = Some(NearMiss {
                profile: profile.name.clone(),
                matched: matched.into_iter().map(|i| headers[i].clone()).collect(),
                missing,
            });
        }
    }
    best
}

/// Parses `--map title=Deal,stage=Status` into system fields and headers.
pub fn parse_map(spec: &str) -> Result<Vec<(SystemField, String)>, String> {
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((field, header)) = part.split_once('=') else {
            return Err(crate::text::import::map_entry_without_equals(part));
        };
        let Some(field) = SystemField::from_name(field) else {
            return Err(crate::text::import::map_unknown_field(field.trim()));
        };
        let header = header.trim();
        if header.is_empty() {
            return Err(crate::text::import::map_empty_header(field.name()));
        }
        out.push((field, header.to_string()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses_and_names_itself() {
        for name in CRMS.iter().map(|c| c.name) {
            let p = Profile::builtin(name).unwrap();
            assert_eq!(p.name, name);
            if name != "generic" {
                assert!(p.fields.contains_key(&SystemField::Stage), "{name}");
                assert!(p.fields.contains_key(&SystemField::ExternalId), "{name}");
            }
        }
    }

    #[test]
    fn a_map_naming_the_missing_stage_keeps_the_crm_profile() {
        let headers: Vec<String> = ["Id", "Name", "Company", "Status", "OwnerId", "CreatedDate"]
            .map(String::from)
            .to_vec();
        assert!(detect(&headers).is_none());
        let map = [(SystemField::Stage, "Status".to_string())];
        let d = detect_with_map(&headers, &map).unwrap();
        assert_eq!(d.profile, "salesforce");
        // A file only the map describes names no CRM.
        let headers: Vec<String> = ["No", "Deal", "State"].map(String::from).to_vec();
        let map = [
            (SystemField::ExternalId, "No".to_string()),
            (SystemField::Stage, "State".to_string()),
        ];
        assert!(detect_with_map(&headers, &map).is_none());
    }

    #[test]
    fn map_spec_parses_and_rejects_unknown_fields() {
        let m = parse_map("title=Deal, stage = Status").unwrap();
        assert_eq!(m[0], (SystemField::Title, "Deal".into()));
        assert_eq!(m[1], (SystemField::Stage, "Status".into()));
        assert!(parse_map("colour=Red").unwrap_err().contains("colour"));
        assert!(parse_map("title").is_err());
    }
}
