//! `okk bundle export|import`.

use std::io::Write;
use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
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
    let now = crate::store::cards::fmt_time(&chrono::Local::now().naive_local());
    let since = args.since.map(|d| d.format("%Y-%m-%d").to_string());
    let bundle = store.bundle(since.as_deref(), &now)?;
    let bytes = crate::bundle::write(&bundle);
    crate::export::file::write_atomically(&args.out, args.force, |out| {
        out.write_all(&bytes)
            .map_err(crate::export::file::io(&args.out))
    })
    .map_err(|e| user(e.to_string()))?;
    super::say(msg::wrote(
        &args.out,
        bundle.reviews.len(),
        bundle.decisions.len(),
        &bundle.calibrations,
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
            super::say_json(
                &serde_json::json!({"file": f.display().to_string(), "report": report}),
            )?;
        } else {
            super::say(msg::merged(f, &report, &bundle.calibrations))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
