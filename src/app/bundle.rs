//! `okk bundle export|import|trust|keys`: bundles are signed with this okk's key (a file in the
//! data dir, made on first export), and merged only as far as the store trusts their signers.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, config, user};
use crate::bundle::merge::{MergeError, MergeInput, MergeOptions, merge_bundles};
use crate::bundle::outgoing::Outgoing;
use crate::bundle::sign::{Keypair, PublicKey};
use crate::bundle::{Vouch, Writer};
use crate::cli::{BundleCommand, BundleExportArgs};
use crate::domain::ports::{BundleSource, UserStore};
use crate::domain::roles::Role;
use crate::domain::trust::other_keys_of;
use crate::store::trust::TrustedKey;
use crate::text::bundle as msg;

pub fn run(paths: &Paths, command: BundleCommand) -> Result<ExitCode> {
    match command {
        BundleCommand::Export(args) => export(paths, args),
        BundleCommand::Import {
            files,
            json,
            trust_on_first_use,
        } => import(paths, &files, json, trust_on_first_use),
        BundleCommand::Trust {
            source,
            name,
            lead,
            another_key,
        } => trust(paths, &source, &name, lead, another_key),
        BundleCommand::Keys { json } => keys(paths, json),
    }
}

/// Where this okk's signing key lives: `$OKK_SIGNING_KEY`, else `signing.key` in the platform
/// data dir (owner-only, like the store).
pub fn key_path() -> Result<PathBuf> {
    if let Some(p) = std::env::var_os("OKK_SIGNING_KEY").filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let dirs = directories::ProjectDirs::from("", "", "okk")
        .ok_or_else(|| user(crate::text::app::no_home_dir()))?;
    Ok(dirs.data_dir().join("signing.key"))
}

fn export(paths: &Paths, args: BundleExportArgs) -> Result<ExitCode> {
    let config = config::load(&paths.config)?;
    match paths.server() {
        Some(url) => write_bundle(&paths.open_server(url)?, &args, &config),
        None => write_bundle(&paths.open_existing_store()?, &args, &config),
    }
}

/// Whether `signer` signs as a lead here with the key `public`: the store's users name them a
/// lead (`okk db roles`, or `okk lead` registering them), or they made a lead's records here
/// (decisions, calibrations), and nothing okk knows says the signer is someone else: the
/// laptop's config names another user, the store was copied for another, or the store trusts
/// another key in the signer's name (a copy of the lead's store on an auditor's laptop holds
/// the lead's roles and records, never her key). A new key's note tells a lead what the
/// auditors do with it, an auditor what the lead does: told wrong, every auditor would trust
/// an auditor's key as the lead's.
fn signs_as_lead(
    store: &(impl BundleSource + UserStore),
    signer: &str,
    public: &str,
    config: &config::Config,
) -> Result<bool> {
    let lead_user = (store.users()?.iter()).any(|u| u.name == signer && u.role == Role::Lead);
    if !(lead_user || store.own_leads()?.iter().any(|n| n == signer)) {
        return Ok(false);
    }
    let other = |name: Option<&str>| {
        name.map(str::trim)
            .is_some_and(|n| !n.is_empty() && n != signer)
    };
    if other(config.auditor.as_deref()) || other(store.signs_as()?.as_deref()) {
        return Ok(false);
    }
    let trusted = store.trusted_keys()?;
    Ok(!trusted.iter().any(|k| k.name == signer && k.key != public))
}

/// A server's login is one okk user: it signs as that user only, as it acts as no one else
/// in any other command (`okk lead --lead NAME` is refused the same way).
fn refuse_other_name(store: &impl UserStore, given: Option<&str>) -> Result<()> {
    let session = store.session().map_err(|e| user(e.to_string()))?;
    let given = given.map(str::trim).filter(|g| !g.is_empty());
    if let (Some((mapped, _)), Some(given)) = (&session.mapped, given)
        && mapped != given
    {
        return Err(user(crate::text::app::roles_other_name(mapped, given)));
    }
    Ok(())
}

/// A store file copied from the server by a user's login (`okk db copy`) is that user's laptop:
/// its bundles sign for them only (docs/team-server.md), or an auditor's copy would sign as the
/// lead, and the lead, told to, would trust the auditor's key in her own name.
fn refuse_other_than_copied_for(store: &impl BundleSource, given: Option<&str>) -> Result<()> {
    let given = given.map(str::trim).filter(|g| !g.is_empty());
    if let (Some(copied), Some(given)) = (store.signs_as()?, given)
        && copied != given
    {
        return Err(user(crate::text::app::copy_signs_as_other(&copied, given)));
    }
    Ok(())
}

/// The name a bundle's header gives its signer, whose records made here the key signs:
/// `--as` (or `OKK_AUDITOR`); else the store's own (a server's: the session's okk user; a file
/// copied from a server: the user it was copied for); else the config's name, the laptop's
/// user's (on a copy of the lead's store file the lead's records are not theirs to sign);
/// else the one name the records made in this store were made under (an auditor's laptop:
/// the auditor; the lead's: the lead); else the login name, when no record or one of them is
/// in it; else refused, naming whose records there are.
fn signer_name(
    given: Option<&str>,
    store: &impl BundleSource,
    config: &config::Config,
) -> Result<String> {
    if let Some(given) = given.map(str::trim).filter(|s| !s.is_empty()) {
        return Ok(given.to_string());
    }
    if let Some(name) = store.signs_as()? {
        return Ok(name);
    }
    if let Some(name) = config.auditor.as_deref().map(str::trim)
        && !name.is_empty()
    {
        return Ok(name.to_string());
    }
    let login = super::review::auditor(None, config);
    match &store.own_authors()?[..] {
        [one] => Ok(one.clone()),
        // Several people's work on one store (a desk's shared machine): the login's when it is
        // one of them; else okk would sign for a name with no record here and send nothing.
        authors if authors.is_empty() || authors.contains(&login) => Ok(login),
        authors => Err(user(msg::signer_unnamed(authors))),
    }
}

/// `store`'s records since `args.since` into `args.out`, signed with `key`: one format from a
/// store file and from a team server.
fn write_bundle(
    store: &(impl BundleSource + UserStore),
    args: &BundleExportArgs,
    config: &config::Config,
) -> Result<ExitCode> {
    // Refused before a key is made: a refusal leaves nothing behind.
    refuse_other_name(store, args.signer.as_deref())?;
    refuse_other_than_copied_for(store, args.signer.as_deref())?;
    let signer = signer_name(args.signer.as_deref(), store, config)?;
    let key_file = key_path()?;
    let (key, made) = Keypair::load_or_create(&key_file)
        .map_err(|e| user(format!("{}: {e}", key_file.display())))?;
    let key = &key;
    if made {
        let public = key.public().to_string();
        let lead = signs_as_lead(store, &signer, &public, config)?;
        eprintln!(
            "{}",
            msg::key_made(&key_file, &public, &signer, lead, args.out.path())
        );
    }
    let now = crate::store::cards::fmt_time(&chrono::Local::now().naive_local());
    let since = args.since.map(|d| d.format("%Y-%m-%d").to_string());
    let vouches = store
        .trusted_keys()?
        .into_iter()
        .map(|k| Vouch {
            name: k.name,
            key: k.key,
        })
        .collect();
    let (mut reviews, mut decisions, mut calibrations) = (0, 0, Vec::new());
    let path = args.out.path();
    let mut outgoing = Outgoing::new(&signer);
    let mut from_server = 0;
    crate::export::file::write_output(&args.out, args.force, |out| {
        let io = crate::export::file::io(path);
        let mut w = Writer::new(out, key, &signer, &now, vouches).map_err(&io)?;
        from_server = store.bundle_records(since.as_deref(), |record| {
            let Some(record) = outgoing.take(record) else {
                return Ok(());
            };
            match &record {
                crate::bundle::Record::Review(_) => reviews += 1,
                crate::bundle::Record::Decision(_) => decisions += 1,
                crate::bundle::Record::Calibration(c) => calibrations.push(c.calibration_ended()),
            }
            w.record(record).map_err(&io)
        })?;
        w.finish().map_err(&io)?;
        Ok(())
    })
    .map_err(|e| user(e.to_string()))?;
    let mut said = msg::wrote(path, reviews, decisions, &calibrations);
    if from_server > 0 {
        said.push('\n');
        said.push_str(&msg::from_server(from_server));
    }
    if !outgoing.left_out.is_empty() {
        said.push('\n');
        said.push_str(&msg::left_out(&signer, &outgoing.left_out));
    }
    super::say_beside(&args.out, said)?;
    Ok(ExitCode::SUCCESS)
}

fn open(f: &Path) -> Result<BufReader<File>> {
    Ok(BufReader::with_capacity(
        1 << 16,
        File::open(f).map_err(|e| user(format!("{}: {e}", f.display())))?,
    ))
}

fn import(paths: &Paths, files: &[PathBuf], json: bool, first_use: bool) -> Result<ExitCode> {
    // On a server, who may merge comes first: an auditor's login is told so, not what the
    // bundle's signatures would be refused for.
    let server = match paths.server() {
        Some(url) => {
            let server = paths.open_server(url)?;
            super::import::may_write_cards(&server, crate::text::app::bundle_import_owner_only)?;
            Some(server)
        }
        None => None,
    };
    // Every file is read whole and checked (complete, unaltered, signed by its header's key)
    // before the store is touched; then all are merged in one transaction, or none.
    let mut carried = Vec::new();
    for f in files {
        let mut calibrations = Vec::new();
        crate::bundle::check_each(open(f)?, |record| {
            if let crate::bundle::Record::Calibration(c) = record {
                calibrations.push(c.calibration_ended());
            }
        })
        .map_err(|e| user(msg::refused(f, &e.to_string())))?;
        carried.push(calibrations);
    }
    let mut inputs = Vec::new();
    for f in files {
        let reader = crate::bundle::Reader::new(open(f)?)
            .map_err(|e| user(msg::refused(f, &e.to_string())))?;
        inputs.push(MergeInput {
            name: f.display().to_string(),
            reader,
        });
    }
    let own = Keypair::load(&key_path()?)
        .map_err(|e| user(e.to_string()))?
        .map(|k| k.public());
    let mut store: Box<dyn crate::domain::ports::MergeStore> = match server {
        Some(server) => Box::new(server),
        None => Box::new(paths.open_store()?),
    };
    let opts = MergeOptions {
        own,
        trust_on_first_use: first_use,
        now: chrono::Local::now().naive_local(),
    };
    let reports = match merge_bundles(&mut *store, inputs, &opts) {
        Ok(r) => r,
        Err(e @ MergeError::Store(_)) => return Err(e.into()),
        Err(e) => {
            let f = &files[e.file().unwrap_or(0)];
            return Err(user(msg::refused(f, &e.to_string())));
        }
    };
    for ((f, report), calibrations) in files.iter().zip(reports).zip(&carried) {
        if json {
            super::say_json(
                &serde_json::json!({"file": f.display().to_string(), "report": report}),
            )?;
        } else {
            super::say(msg::merged(f, &report, calibrations))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The key `source` names: a bundle's signer's, or the key itself.
fn key_of(source: &str) -> Result<PublicKey> {
    if let Some(k) = PublicKey::parse(source) {
        return Ok(k);
    }
    let path = Path::new(source);
    if path.is_file() {
        let header = crate::bundle::check(open(path)?)
            .map_err(|e| user(msg::refused(path, &e.to_string())))?;
        return PublicKey::parse(&header.key).ok_or_else(|| user(msg::bad_key(&header.key)));
    }
    Err(user(msg::not_a_key(source)))
}

/// `okk bundle trust`: a name's first key is taken on the user's word; another key in a name
/// that has one only with `another_key` (an impostor's bundle comes in a trusted name).
fn trust(
    paths: &Paths,
    source: &str,
    name: &str,
    lead: bool,
    another_key: bool,
) -> Result<ExitCode> {
    let key = key_of(source)?;
    let name = name.trim();
    if name.is_empty() {
        return Err(user(msg::empty_name()));
    }
    let trusted = TrustedKey {
        key: key.to_string(),
        name: name.to_string(),
        lead,
        added_at: crate::store::cards::fmt_time(&chrono::Local::now().naive_local()),
        how: crate::domain::trust::HOW_TRUSTED.into(),
    };
    let refuse_another = |known: &[TrustedKey]| {
        let others = other_keys_of(known, &trusted.key, name);
        if others.is_empty() || another_key {
            Ok(())
        } else {
            Err(user(msg::another_key(&trusted.key, name, &others)))
        }
    };
    let outcome = match paths.server() {
        Some(url) => {
            let mut server = paths.open_server(url)?;
            refuse_another(&server.trusted_keys()?)?;
            server
                .trust_key(&trusted)
                .map_err(|e| user(e.to_string()))?
        }
        None => {
            let mut store = paths.open_store()?;
            refuse_another(&store.trusted_keys()?)?;
            store.trust_key(&trusted)?
        }
    };
    if matches!(outcome, crate::store::trust::Trusted::OtherName(_)) {
        return Err(user(msg::trusted(&key.to_string(), name, lead, &outcome)));
    }
    super::say(msg::trusted(&key.to_string(), name, lead, &outcome))?;
    Ok(ExitCode::SUCCESS)
}

fn keys(paths: &Paths, json: bool) -> Result<ExitCode> {
    let own = Keypair::load(&key_path()?)
        .map_err(|e| user(e.to_string()))?
        .map(|k| k.public());
    let trusted = match paths.server() {
        Some(url) => paths.open_server(url)?.trusted_keys()?,
        None => paths.open_store()?.trusted_keys()?,
    };
    if json {
        super::say(serde_json::json!({
            "own": own.map(|k| k.to_string()),
            "trusted": trusted,
        }))?;
    } else {
        super::say_raw(msg::keys(own.map(|k| k.to_string()).as_deref(), &trusted))?;
    }
    Ok(ExitCode::SUCCESS)
}
