//! `okk import`.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, in_pass, user};
use crate::cli::ImportArgs;
use crate::domain::Funnel;
use crate::store::import_tx::ImportStore;
use crate::store::pg::PgStore;
use crate::store::writer::{Writer, WriterNote};
use crate::sync::import::{ImportError, PassRules};
use crate::sync::profile::parse_map;
use crate::sync::{ImportOptions, import_file};
use crate::text::app as msg_app;
use crate::text::import as msg;

pub fn run(paths: &Paths, args: ImportArgs) -> Result<ExitCode> {
    if let Some(url) = paths.server() {
        return on_server(paths, url, args);
    }
    let (funnel, fingerprint) = paths.load_funnel_for(args.dry_run)?;
    // A store this run creates is removed again if nothing lands in it: a mistyped path or a
    // refused first file must not leave an empty store that later commands take for real.
    let created = !paths.db.exists();
    let made_folder = super::paths::missing_folder(&paths.db);
    let mut store = paths.open_store_to_write()?;
    // Each file is one transaction (a failed file changes nothing), so the import does not
    // give the write lock up midway; the note lets a waiting reviewer say what it waits for.
    let _note = (!args.dry_run).then(|| WriterNote::hold(&paths.db, Writer::Import));
    // Without `--no-check` the rules judge each new card in the import's pass.
    let skip = args.no_check || args.dry_run;
    let rules = in_pass::rules(paths, &store, &fingerprint, skip)?;
    let opts = options(&args, rules)?;
    let Imported {
        files: imported,
        all_judged,
        failure,
        unknown_stages,
    } = import_files(&mut store, &funnel, &args, &opts)?;
    if unknown_stages {
        super::say(msg::unknown_stages_next(&paths.funnel))?;
    }
    // The rules run over the whole store once the files are in (or at the next read), unless
    // they judged every file's cards in its pass.
    if !args.dry_run && imported > 0 {
        in_pass::after(
            paths,
            &mut store,
            &funnel,
            &fingerprint,
            opts.now,
            args.no_check,
            all_judged,
        )?;
    }
    if created && (imported == 0 || args.dry_run) {
        drop(store);
        super::paths::remove_store(&paths.db);
        if let Some(folder) = &made_folder {
            super::paths::remove_made_folders(&paths.db, folder);
        }
    }
    match failure {
        Some(f) => Err(user(f.to_string())),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// `okk import` onto a team server's store: the same pipeline, each file one transaction of the
/// server's, the rules judging every card it writes (the server has no rules run of its own:
/// docs/team-server.md "The import on a server").
fn on_server(paths: &Paths, url: &str, args: ImportArgs) -> Result<ExitCode> {
    if args.no_check {
        return Err(user(msg_app::import_no_check_on_server()));
    }
    let mut store = paths.open_server(url)?;
    may_import(&store)?;
    let (funnel, fingerprint) = super::stored_funnel::load_for(paths, &store, args.dry_run)?;
    let today = paths.server_today();
    let rules = (!args.dry_run).then(|| in_pass::judging(&fingerprint, today));
    let opts = options(&args, rules)?;
    let done = import_files(&mut store, &funnel, &args, &opts)?;
    // The import judged what it wrote; the rest were judged for another day or funnel (the
    // mark says so), so the server's rules run judges them all, as a store file's would.
    if !args.dry_run && done.failure.is_none() {
        super::audit::refresh_server(&mut store, &funnel, &fingerprint, today, true)?;
    }
    match done.failure {
        Some(f) => Err(user(f.to_string())),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// The database owner and a lead's login write the server's cards: an auditor's login (or a
/// login okk does not know) is refused before anything is read (the server's grants would
/// refuse it too).
fn may_import(store: &PgStore) -> Result<()> {
    may_write_cards(store, msg_app::import_owner_only)
}

/// Whether the session's login may write the server's cards (`okk import`, `okk sync`): the
/// refusal `refused(login)` otherwise.
pub(super) fn may_write_cards(store: &PgStore, refused: fn(&str) -> String) -> Result<()> {
    if writes_cards(store)? {
        return Ok(());
    }
    use crate::domain::ports::UserStore;
    let session = store.session().map_err(|e| user(e.to_string()))?;
    Err(user(refused(session.login.as_deref().unwrap_or_default())))
}

/// Whether this session may write the server's cards and flags: the owner's login or a lead's.
pub(super) fn writes_cards(store: &PgStore) -> Result<bool> {
    use crate::domain::ports::UserStore;
    use crate::domain::roles::Role;
    let session = store.session().map_err(|e| user(e.to_string()))?;
    Ok(session.owner || matches!(session.mapped, Some((_, Role::Lead))))
}

fn options(args: &ImportArgs, rules: Option<PassRules>) -> Result<ImportOptions> {
    let mut map = Vec::new();
    for spec in &args.map {
        map.extend(parse_map(spec).map_err(user)?);
    }
    let mut limits = crate::sync::limits::Limits::default();
    for spec in &args.limit {
        limits.apply(spec).map_err(user)?;
    }
    Ok(ImportOptions {
        profile: Some(args.profile.clone()),
        map,
        encoding: args.encoding.clone(),
        sheet: args.sheet.clone(),
        source: args.source.clone(),
        dry_run: args.dry_run,
        partial: args.partial,
        now: chrono::Local::now().naive_local(),
        progress: !args.json,
        limits,
        rules,
    })
}

/// What the files of one `okk import` came to.
struct Imported {
    /// Files imported, each in its own transaction.
    files: usize,
    /// Whether the rules judged every file's cards in its pass.
    all_judged: bool,
    /// The file that failed, after which none was read.
    failure: Option<Failure>,
    /// Some report named stages the funnel does not have (said as text, not in `--json`).
    unknown_stages: bool,
}

/// The file that stopped the import, and the files after it, which were not read.
struct Failure {
    error: ImportError,
    /// The files before it, imported (each its own transaction: they stay). Empty on a dry run.
    imported: Vec<String>,
    skipped: Vec<String>,
}

/// The error, then a line for each file not read: every file named on the command line is
/// accounted for.
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.error)?;
        for file in &self.imported {
            write!(f, "\n{}", msg::imported_before(file, &self.error.file))?;
        }
        for file in &self.skipped {
            write!(f, "\n{}", msg::not_read(file, &self.error.file))?;
        }
        Ok(())
    }
}

/// `--json`: the line of the file that failed, beside the imported files' reports (`file` as
/// theirs; where in the file and what is wrong, as the error on stderr says it).
#[derive(serde::Serialize)]
struct FailedJson<'a> {
    file: &'a str,
    line: Option<u64>,
    column: Option<usize>,
    error: &'a str,
}

/// `--json`: the line of a file not read because an earlier one failed.
#[derive(serde::Serialize)]
struct SkippedJson<'a> {
    file: &'a str,
    skipped: bool,
}

/// Each file is its own transaction: earlier files stay imported if a later one fails, and
/// the files after it are not read.
fn import_files(
    store: &mut dyn ImportStore,
    funnel: &Funnel,
    args: &ImportArgs,
    opts: &ImportOptions,
) -> Result<Imported> {
    let mut done = Imported {
        files: 0,
        all_judged: true,
        failure: None,
        unknown_stages: false,
    };
    for (i, file) in args.files.iter().enumerate() {
        match import_file(store, funnel, file, opts) {
            Ok(report) => {
                done.files += 1;
                done.all_judged &= report.judged;
                if args.json {
                    super::say_json(&report)?;
                } else {
                    super::say_raw(msg::report(&report))?;
                    done.unknown_stages |= !report.unknown_stages.is_empty();
                }
            }
            Err(error) => {
                let skipped: Vec<String> = args.files[i + 1..]
                    .iter()
                    .map(|f| f.display().to_string())
                    .collect();
                if args.json {
                    super::say_json(&FailedJson {
                        file: &error.file,
                        line: error.line,
                        column: error.column,
                        error: &error.message,
                    })?;
                    for file in &skipped {
                        super::say_json(&SkippedJson {
                            file,
                            skipped: true,
                        })?;
                    }
                }
                let imported = if args.dry_run {
                    Vec::new()
                } else {
                    args.files[..i]
                        .iter()
                        .map(|f| f.display().to_string())
                        .collect()
                };
                done.failure = Some(Failure {
                    error,
                    imported,
                    skipped,
                });
                break;
            }
        }
    }
    Ok(done)
}
