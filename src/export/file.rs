//! Writing an export whole or not at all: into a temp file beside the target, synced to disk,
//! then renamed onto it. An interrupted export leaves the old file (or none), never half a file;
//! an existing file is replaced only when the user said `--force`.

use std::fs::File;
use std::io::BufWriter;
use std::path::Path;

use super::ExportError;

/// Writes `path` through `write`. Without `force`, an existing `path` is refused before anything
/// is written (and again at the rename, in case one appeared meanwhile). The temp file (mode
/// 0600: exports hold customers' names) is removed if anything fails.
pub fn write_atomically(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    if !force && path.symlink_metadata().is_ok() {
        return Err(ExportError::Exists(path.to_path_buf()));
    }
    let io_err = |e: std::io::Error| ExportError::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{}.", name.as_deref().unwrap_or("okk-export")))
        .suffix(".part")
        .tempfile_in(dir)
        .map_err(io_err)?;
    let (file, temp_path) = temp.into_parts();
    let mut out = BufWriter::new(file);
    write(&mut out)?;
    let file = out.into_inner().map_err(|e| io_err(e.into_error()))?;
    file.sync_all().map_err(io_err)?;
    drop(file);
    let placed = if force {
        temp_path.persist(path).map(|_| ())
    } else {
        temp_path.persist_noclobber(path).map(|_| ())
    };
    match placed {
        Ok(()) => {}
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(ExportError::Exists(path.to_path_buf()));
        }
        Err(e) => return Err(io_err(e.error)),
    }
    sync_dir(dir);
    Ok(())
}

/// Makes the rename itself durable; a file system that cannot sync a directory loses nothing
/// worse than the rename after a power cut, so a failure here is not reported.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// For exporters that write through `write!`: the io error of the target file.
pub fn io(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |e| ExportError::Io {
        path: path.to_path_buf(),
        source: e,
    }
}
