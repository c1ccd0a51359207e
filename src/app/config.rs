//! The user's config file (`config.toml` beside the funnel): the auditor's name and key
//! rebindings. Missing is fine; wrong is an error with line and column.

use std::path::Path;

use color_eyre::Result;

use super::user;
use crate::formats::line_col::LineIndex;
use crate::text::tui as msg;
use crate::tui::keymap::{Keymap, KeysTable};

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    auditor: Option<String>,
    /// Read before the command line is parsed (`app::lang`); checked here so a wrong value is an
    /// error with its place.
    lang: Option<toml::Spanned<String>>,
    #[serde(default)]
    keys: KeysTable,
    #[serde(default)]
    crm: Vec<crate::crm::config::RawConnection>,
}

#[derive(Debug, Default)]
pub struct Config {
    pub auditor: Option<String>,
    pub keymap: Keymap,
    /// The `[[crm]]` connections.
    pub crm: Vec<crate::crm::config::Connection>,
    /// A warning for each connection that reads deals an earlier one reads too (the same
    /// account, a pipeline in common): `okk crm list` and `okk sync` say them.
    pub same_account: Vec<String>,
}

pub fn load(path: &Path) -> Result<Config> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(user(format!("{}: {e}", path.display()))),
    };
    parse(path, &text)
}

/// The config from its text (`path` names it in errors).
pub fn parse(path: &Path, text: &str) -> Result<Config> {
    let index = LineIndex::new(text);
    let at = |offset: usize, message: &str| {
        let (line, column) = index.position(offset);
        user(msg::bad_config(
            &path.display().to_string(),
            line,
            column,
            message,
        ))
    };
    // The reader's and serde's English, put in the user's words (as the funnel's are).
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        at(
            offset,
            &crate::text::funnel_config::toml_error_at(text, offset, e.message()),
        )
    })?;
    if let Some(lang) = &raw.lang
        && crate::text::lang::Lang::from_code(lang.get_ref()).is_none()
    {
        return Err(at(lang.span().start, &msg::bad_lang(lang.get_ref())));
    }
    let keymap = Keymap::with_overrides(&raw.keys).map_err(|e| at(e.offset, &e.message))?;
    let mut crm = crate::crm::config::check(&raw.crm).map_err(|e| at(e.offset, &e.message))?;
    for (c, r) in crm.iter_mut().zip(&raw.crm) {
        // A token file written by hand as a relative path is the config file's neighbour, not
        // the working folder's (a sync runs from cron, from another terminal).
        if let crate::crm::config::TokenSource::File(file) = &mut c.token
            && file.is_relative()
            && let Some(dir) = path.parent()
        {
            *file = dir.join(&*file);
        }
        let place = |offset| {
            let (line, column) = index.position(offset);
            format!("{}:{line}:{column}", path.display())
        };
        c.token_at = r.token_offset().map(place);
        c.pipelines_at = r.pipeline_offsets().map(place).collect();
    }
    let same_account = crate::crm::config::same_account(&crm)
        .into_iter()
        .map(|(first, later)| {
            let (line, column) = index.position(raw.crm[later].name_offset());
            let (first_line, _) = index.position(raw.crm[first].name_offset());
            crate::text::crm::same_account(
                &format!("{}:{line}:{column}", path.display()),
                &crm[later].name,
                &crm[first].name,
                first_line,
                &crm[first].account(),
            )
        })
        .collect();
    Ok(Config {
        auditor: raw.auditor.filter(|a| !a.trim().is_empty()),
        keymap,
        crm,
        same_account,
    })
}
