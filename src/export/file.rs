//! Writing an export whole or not at all: into a temp file beside the target, synced to disk,
//! then renamed onto it. An interrupted export leaves the old file (or none), never half a file;
//! an existing file is replaced only when the user said `--force`. A killed export's temp file
//! is removed by the next export to that directory. `--out -` writes to standard output instead.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use super::ExportError;
use crate::domain::output::Output;

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
    remove_stale_parts(dir);
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let temp = tempfile::Builder::new()
        .prefix(&format!(
            ".{}.{}.",
            name.as_deref().unwrap_or("okk-export"),
            std::process::id()
        ))
        .suffix(PART)
        .tempfile_in(dir)
        .map_err(io_err)?;
    let (file, temp_path) = temp.into_parts();
    // Held until the file is renamed or removed: the next export's clean-up sees it is alive.
    file.lock().map_err(io_err)?;
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

/// Writes `out` through `write`: a file as [`write_atomically`] does, or standard output
/// (`--out -`) as it comes, `force` meaningless there. A reader that stops early (`| head`)
/// ends the write quietly, as it does for other Unix tools.
pub fn write_output(
    out: &Output,
    force: bool,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    match out {
        Output::File(path) => write_atomically(path, force, |file| write(file)),
        Output::Stdout => {
            let mut stdout = BufWriter::new(std::io::stdout());
            let written = write(&mut stdout).and_then(|()| stdout.flush().map_err(io(out.path())));
            match written {
                Err(ExportError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::BrokenPipe =>
                {
                    Ok(())
                }
                other => other,
            }
        }
    }
}

const PART: &str = ".part";

/// The writer's pid in a temp file's name, `.NAME.PID.RANDOM.part`; `None` for any other name
/// (not okk's, or an okk older than this naming: left alone).
fn part_writer(file_name: &str) -> Option<u32> {
    let stem = file_name.strip_prefix('.')?.strip_suffix(PART)?;
    let mut parts = stem.rsplitn(3, '.');
    let _random = parts.next()?;
    let pid = parts.next()?;
    let _name = parts.next().filter(|n| !n.is_empty())?;
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` may still be running (where that cannot be told, it may).
fn may_be_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc the lock alone tells: an export that is running holds it.
        false
    }
}

/// Removes the temp files that exports killed before their rename left in `dir`: okk's own
/// naming, a writer process that is gone, and no lock on the file (a running export holds one
/// from the moment it creates its file; the pid covers the instant between the two). Best
/// effort: a file that cannot be checked or removed is left.
fn remove_stale_parts(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(part_writer) else {
            continue;
        };
        if may_be_alive(pid) || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let path = entry.path();
        let Ok(file) = File::open(&path) else {
            continue;
        };
        if file.try_lock().is_ok() {
            let _ = std::fs::remove_file(&path);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_okks_own_temp_names_carry_a_writer() {
        assert_eq!(part_writer(".reviews.csv.4242.Ab3xYz.part"), Some(4242));
        assert_eq!(part_writer(".okk-export.7.q1w2e3.part"), Some(7));
        // The naming before pids, someone else's file, a name without a pid.
        assert_eq!(part_writer(".reviews.csv.Ab3xYz.part"), None);
        assert_eq!(part_writer("reviews.csv.4242.Ab3xYz.part"), None);
        assert_eq!(part_writer(".4242.Ab3xYz.part"), None);
        assert_eq!(part_writer(".reviews.csv.4242.Ab3xYz"), None);
    }

    #[test]
    fn the_temp_file_is_named_for_this_process_and_locked_while_written() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("reviews.csv");
        write_atomically(&target, false, |_| {
            let parts: Vec<_> = std::fs::read_dir(dir.path())
                .unwrap()
                .flatten()
                .filter(|e| e.file_name().to_string_lossy().ends_with(PART))
                .collect();
            assert_eq!(parts.len(), 1);
            let name = parts[0].file_name().into_string().unwrap();
            assert_eq!(part_writer(&name), Some(std::process::id()));
            // A second open file (as another export's clean-up would have) cannot take the lock.
            let other = File::open(parts[0].path()).unwrap();
            assert!(
                other.try_lock().is_err(),
                "the running export's file is not locked"
            );
            Ok(())
        })
        .unwrap();
        assert!(target.exists());
    }
}
