//! The funnel a team server's store judges by: `okk funnel apply FILE` (a lead's) makes a file
//! the store's funnel, and every command on the store loads it instead of the local file.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::Result;

use super::roles::LeadWork;
use super::{Paths, user};
use crate::domain::Funnel;
use crate::domain::funnel_diff::{FunnelDiff, FunnelVersion, diff};
use crate::store::pg::PgStore;
use crate::text::app as msg;

/// `okk funnel apply FILE`: checks the file, then records it as the store's funnel in the
/// lead's name (an auditor is refused here, and by the server's policies if this check is
/// passed by).
pub fn apply(paths: &Paths, file: &Path, lead: Option<&str>) -> Result<ExitCode> {
    let Some(url) = paths.server() else {
        return Err(user(msg::funnel_apply_on_file()));
    };
    let funnel = crate::funnel_config::load(file).map_err(|e| user(e.to_string()))?;
    let text = std::fs::read_to_string(file).map_err(|e| {
        user(crate::text::funnel_config::cannot_read(
            &crate::text::common::error(&e),
        ))
    })?;
    let config = super::config::load(&paths.config)?;
    let mut store = paths.open_server(url)?;
    let fallback = super::review::auditor(None, &config);
    let who = super::roles::leading(&mut store, lead, &fallback, LeadWork::ApplyFunnel)?;
    let changes = match store.applied_funnel().map_err(|e| user(e.to_string()))? {
        Some((prev, _, _)) => crate::funnel_config::load_str(&prev.content, Path::new("previous"))
            .map(|old| diff(&old, &funnel))
            .unwrap_or_default(),
        None => FunnelDiff {
            first: true,
            ..FunnelDiff::default()
        },
    };
    let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let version = FunnelVersion {
        version: 0,
        hash: super::paths::fingerprint(text.as_bytes()),
        first_used: at.clone(),
        name: funnel.name.clone(),
        content: text,
        changes: serde_json::to_string(&changes).unwrap_or_default(),
    };
    let number = store
        .apply_funnel(&version, &who, &at)
        .map_err(|e| user(e.to_string()))?;
    super::say(msg::funnel_applied(number, store.shown()))?;
    Ok(ExitCode::SUCCESS)
}

/// The funnel (and its fingerprint) commands on a server store judge by: the store's when its
/// lead applied one, a `--funnel` file that differs named and not used; else the local file.
pub fn load(paths: &Paths, store: &PgStore) -> Result<(Funnel, String)> {
    load_for(paths, store, false)
}

/// [`load`] for a command that may be a dry run: the local file is not written
/// ([`Paths::load_funnel_for`]).
pub fn load_for(paths: &Paths, store: &PgStore, dry_run: bool) -> Result<(Funnel, String)> {
    let Some((version, by, at)) = store.applied_funnel().map_err(|e| user(e.to_string()))? else {
        return paths.load_funnel_for(dry_run);
    };
    let name = PathBuf::from(format!(
        "{}#funnel-{}",
        store.shown().display(),
        version.version
    ));
    let funnel =
        crate::funnel_config::load_str(&version.content, &name).map_err(|e| user(e.to_string()))?;
    if paths.funnel_given()
        && let Ok(local) = std::fs::read(&paths.funnel)
        && super::paths::fingerprint(&local) != version.hash
    {
        super::warn(msg::stored_funnel_used(
            &paths.funnel,
            version.version,
            &by,
            &at,
        ));
    }
    Ok((funnel, version.hash))
}
