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
    let funnel = crate::funnel_config::load(file).map_err(|e| user(e.to_string()))?;
    let text = std::fs::read_to_string(file).map_err(|e| {
        user(crate::text::funnel_config::cannot_read(
            &crate::text::common::error(&e),
        ))
    })?;
    let config = super::config::load(&paths.config)?;
    let fallback = super::review::auditor(None, &config);
    let Some(url) = paths.server() else {
        return apply_on_file(paths, (&funnel, text), lead, &fallback);
    };
    let mut store = paths.open_server(url)?;
    let who = super::roles::leading(&mut store, lead, &fallback, LeadWork::ApplyFunnel)?;
    let previous = store.applied_funnel().map_err(|e| user(e.to_string()))?;
    let version = version_of(&funnel, text, previous.map(|(v, _, _)| v));
    let at = version.first_used.clone();
    let number = store
        .apply_funnel(&version, &who, &at)
        .map_err(|e| user(e.to_string()))?;
    // Every command judges by the version from now on, so the flags must too: a lead's apply
    // re-judges every card at once, as her `okk check` would, rather than leave the old
    // funnel's flags («нет в воронке» on a stage the version has) until someone runs it.
    let hash = version.hash;
    match super::audit::rerun_server(&mut store, &funnel, &hash, paths.server_today()) {
        Ok(run) => super::say(msg::funnel_applied(
            number,
            store.shown(),
            run.flagged,
            run.cards,
        ))?,
        Err(e) => {
            super::say(msg::funnel_applied_unjudged(number, store.shown()))?;
            super::warn(msg::funnel_apply_rules_failed(&e.to_string()));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `funnel` (its `text`) as a version to record, its changes from `previous` (the store's
/// funnel until now; none: the first the store is given), dated now.
fn version_of(funnel: &Funnel, text: String, previous: Option<FunnelVersion>) -> FunnelVersion {
    let changes = match previous {
        Some(prev) => crate::funnel_config::load_str(&prev.content, Path::new("previous"))
            .map(|old| diff(&old, funnel))
            .unwrap_or_default(),
        None => FunnelDiff {
            first: true,
            ..FunnelDiff::default()
        },
    };
    let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    FunnelVersion {
        version: 0,
        hash: super::paths::fingerprint(text.as_bytes()),
        first_used: at,
        name: funnel.name.clone(),
        content: text,
        changes: serde_json::to_string(&changes).unwrap_or_default(),
    }
}

/// `okk funnel apply FILE` on a store file: FILE becomes the file's funnel as on a server (the
/// way a lead moves a file copied back from a server, which judges by the server's version,
/// onto another funnel); the cards are judged by it at once.
fn apply_on_file(
    paths: &Paths,
    (funnel, text): (&Funnel, String),
    lead: Option<&str>,
    fallback: &str,
) -> Result<ExitCode> {
    let mut store = paths.open_existing_store()?;
    let who = super::roles::leading(&mut store, lead, fallback, LeadWork::ApplyFunnel)?;
    // What the store judged by until now: its applied version, else the last one it ran with.
    let previous = match store.applied_funnel()? {
        Some((v, _, _)) => Some(v),
        None => store.last_funnel_version()?,
    };
    let version = version_of(funnel, text, previous);
    let at = version.first_used.clone();
    let number = store.apply_funnel(&version, &who, &at)?;
    super::paths::remember_text(&version.hash, version.content.as_bytes());
    let today = paths.today(&store)?;
    let run = super::audit::refresh(&mut store, funnel, &version.hash, today, true)?;
    let run = run.unwrap_or_default();
    super::say(msg::funnel_applied(
        number,
        &paths.db,
        run.flagged,
        run.cards,
    ))?;
    Ok(ExitCode::SUCCESS)
}

/// The funnel (and its fingerprint) a command on a store file judges by when the file has an
/// applied funnel (a server's, carried by `okk db copy`; or `okk funnel apply` on the file):
/// the store's version, a `--funnel` file that differs named and not used, as on a server.
/// `None`: no applied funnel (a laptop's store, the demo's), and the local file is the funnel.
pub fn on_file(paths: &Paths) -> Result<Option<(Funnel, String)>> {
    let Some((version, by, at)) = applied_on_file(paths)? else {
        return Ok(None);
    };
    let (funnel, _) = applied(&paths.db, &version)?;
    if given_differs(paths, &version.hash) {
        super::warn(msg::stored_funnel_used(
            &paths.funnel,
            version.version,
            &by,
            &at,
        ));
    }
    super::paths::remember_text(&version.hash, version.content.as_bytes());
    Ok(Some((funnel, version.hash)))
}

/// The applied funnel of the store file `--db` names, if it names one that is there.
fn applied_on_file(paths: &Paths) -> Result<Option<(FunnelVersion, String, String)>> {
    if paths.server().is_some() || !paths.db.is_file() {
        return Ok(None);
    }
    // A file that cannot be read as a store is said so by the store's own opening, in its
    // words ("not an okk database"), once the command opens it.
    Ok(crate::store::funnel_versions::applied_in(&paths.db).unwrap_or(None))
}

/// [`to_read`] on a store file: its applied version, said so; `None` without one.
pub fn to_read_on_file(paths: &Paths) -> Result<Option<(Funnel, PathBuf)>> {
    let Some(applied) = applied_on_file(paths)? else {
        return Ok(None);
    };
    to_read_applied(paths, &paths.db, applied)
}

/// The funnel (and its fingerprint) commands on a server store judge by: the store's when its
/// lead applied one, a `--funnel` file that differs named and not used; else the local file.
pub fn load(paths: &Paths, store: &PgStore) -> Result<(Funnel, String)> {
    load_for(paths, store, false)
}

/// [`load`] for a command that may be a dry run: the local file is not written
/// ([`Paths::load_funnel_for`]).
pub fn load_for(paths: &Paths, store: &PgStore, dry_run: bool) -> Result<(Funnel, String)> {
    Ok(load_version(paths, store, dry_run)?.0)
}

/// [`load`] for a command that shows the flags as the last rules run left them (stats, the
/// queues, the reviewer, reports, exports): says when that run judged by another funnel than
/// the store's applied version — a version applied with no rules run after it, which a lead's
/// `okk check` (or the next import) puts right. The reviewer takes the words for its status line.
pub fn load_reading(paths: &Paths, store: &PgStore) -> Result<(Funnel, String, Option<String>)> {
    let ((funnel, fingerprint), version) = load_version(paths, store, false)?;
    let note = match version {
        Some(v) if flags_of_another_funnel(store, &fingerprint)? => {
            Some(msg::flags_of_another_funnel(v))
        }
        _ => None,
    };
    Ok((funnel, fingerprint, note))
}

/// [`load_reading`] for a command that prints: the note goes to stderr.
pub fn load_and_note(paths: &Paths, store: &PgStore) -> Result<(Funnel, String)> {
    let (funnel, fingerprint, note) = load_reading(paths, store)?;
    if let Some(note) = note {
        super::warn(note);
    }
    Ok((funnel, fingerprint))
}

/// Whether the server's flags were last judged by a funnel other than `fingerprint`'s (a store
/// whose rules never ran has no flags to be wrong).
fn flags_of_another_funnel(store: &PgStore, fingerprint: &str) -> Result<bool> {
    let ran = store.rules_ran_for().map_err(|e| user(e.to_string()))?;
    Ok(crate::domain::funnel_diff::judged_by_another(
        ran.as_deref(),
        fingerprint,
    ))
}

/// The funnel and its fingerprint (as [`load_for`]), and the number of the store's applied
/// version when that is what they are.
fn load_version(
    paths: &Paths,
    store: &PgStore,
    dry_run: bool,
) -> Result<((Funnel, String), Option<i64>)> {
    let Some((version, by, at)) = store.applied_funnel().map_err(|e| user(e.to_string()))? else {
        return Ok((paths.load_funnel_for(dry_run)?, None));
    };
    let (funnel, _) = applied(store.shown(), &version)?;
    if given_differs(paths, &version.hash) {
        super::warn(msg::stored_funnel_used(
            &paths.funnel,
            version.version,
            &by,
            &at,
        ));
    }
    Ok(((funnel, version.hash), Some(version.version)))
}

/// The funnel `okk funnel show` and `okk funnel check --store` read on a server store, and the
/// name to call it by: the store's applied version (said so), or — with `--funnel FILE` that
/// differs from it — the file, said to be not the store's. `None`: the store has no applied
/// funnel, and commands judge by the local file as on a store file.
pub fn to_read(paths: &Paths, store: &PgStore) -> Result<Option<(Funnel, PathBuf)>> {
    let Some(applied) = store.applied_funnel().map_err(|e| user(e.to_string()))? else {
        return Ok(None);
    };
    to_read_applied(paths, store.shown(), applied)
}

/// [`to_read`] of the store shown as `shown`, whose applied funnel is `version`.
fn to_read_applied(
    paths: &Paths,
    shown: &Path,
    (version, by, at): (FunnelVersion, String, String),
) -> Result<Option<(Funnel, PathBuf)>> {
    if given_differs(paths, &version.hash) {
        // A file being made ready for `funnel apply`: read as given, said not to be the store's.
        super::warn(msg::given_funnel_not_stores(
            &paths.funnel,
            version.version,
            &by,
            &at,
        ));
        let (funnel, _) = paths.local_funnel_for(true)?;
        return Ok(Some((funnel, paths.funnel.clone())));
    }
    let (funnel, name) = applied(shown, &version)?;
    super::warn(msg::stores_funnel_shown(version.version, &by, &at));
    Ok(Some((funnel, name)))
}

/// The applied funnel `version` of the store shown as `shown`, read, and the name it goes by
/// (`URL#funnel-N`, `FILE#funnel-N`).
fn applied(shown: &Path, version: &FunnelVersion) -> Result<(Funnel, PathBuf)> {
    let name = PathBuf::from(format!("{}#funnel-{}", shown.display(), version.version));
    let funnel =
        crate::funnel_config::load_str(&version.content, &name).map_err(|e| user(e.to_string()))?;
    Ok((funnel, name))
}

/// Whether `--funnel` named a file that is not the store's funnel (fingerprint `hash`).
fn given_differs(paths: &Paths, hash: &str) -> bool {
    paths.funnel_given()
        && std::fs::read(&paths.funnel).is_ok_and(|local| super::paths::fingerprint(&local) != hash)
}
