//! `okk bundle export|import`.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, audit, user};
use crate::cli::{BundleCommand, BundleExportArgs};
use crate::text::bundle as msg;

pub fn run(paths: &Paths, command: BundleCommand) -> Result<ExitCode> {
    match command {
        BundleCommand::Export(args) => export(paths, args),
        BundleCommand::Import { files, json } => import(paths, &files, json),
    }
}

fn export(paths: &Paths, args: BundleExportArgs) -> Result<ExitCode> {
    let store = paths.open_store()?;
    let now = crate::store::cards::fmt_time(&audit::now(&store)?);
    let since = args.since.map(|d| d.format("%Y-%m-%d").to_string());
    let bundle = store.bundle(since.as_deref(), &now)?;
    write_new(&args.out, &crate::bundle::write(&bundle), args.force)?;
    super::say(msg::wrote(
        &args.out,
        bundle.reviews.len(),
        bundle.decisions.len(),
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn import(paths: &Paths, files: &[std::path::PathBuf], json: bool) -> Result<ExitCode> {
    // Every file is read and checked before anything is merged.
    let mut bundles = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| user(format!("{}: {e}", f.display())))?;
        let bundle =
            crate::bundle::read(&bytes).map_err(|e| user(msg::refused(f, &e.to_string())))?;
        bundles.push((f, bundle));
    }
    let mut store = paths.open_store()?;
    for (f, bundle) in bundles {
        let report = store.merge_bundle(&bundle)?;
        if json {
            super::say(serde_json::json!({"file": f.display().to_string(), "report": report}))?;
        } else {
            super::say(msg::merged(f, &report))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes `bytes` to `path` through a temp file in the same dir and a rename, so a reader never
/// sees half a file; an existing file is replaced only with `force`.
pub fn write_new(path: &Path, bytes: &[u8], force: bool) -> Result<()> {
    if path.exists() && !force {
        return Err(user(crate::text::app::exists(path)));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // Dropped on any error before the rename: no temp file is left behind.
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .map_err(|e| user(format!("{}: {e}", dir.display())))?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path)
        .map_err(|e| user(format!("{}: {}", path.display(), e.error)))?;
    Ok(())
}
