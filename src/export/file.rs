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
/// ends the write quietly, as it does for other Unix tools. On a terminal the CRM's control
/// characters show as placeholders ([`TerminalSafe`]); a pipe gets the bytes.
pub fn write_output(
    out: &Output,
    force: bool,
    write: impl FnOnce(&mut (dyn Write + Send)) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    use std::io::IsTerminal;
    match out {
        Output::File(path) => write_atomically(path, force, |file| write(file)),
        Output::Stdout => {
            let terminal = std::io::stdout().is_terminal();
            let mut stdout = TerminalSafe::new(BufWriter::new(std::io::stdout()), terminal);
            let written = write(&mut stdout).and_then(|()| stdout.finish().map_err(io(out.path())));
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

/// Text on its way to a terminal, a line at a time, each line's control characters, escape
/// sequences and bidi controls shown as placeholders (`text::safe::line`): a deal's name must not
/// retitle the window or clear the screen. Line ends (`\n`, `\r\n`) stay. Off a terminal
/// (`safe` false) the bytes pass as they are.
pub struct TerminalSafe<W: Write> {
    inner: W,
    safe: bool,
    /// The line begun and not yet ended.
    line: Vec<u8>,
}

impl<W: Write> TerminalSafe<W> {
    pub fn new(inner: W, safe: bool) -> TerminalSafe<W> {
        TerminalSafe {
            inner,
            safe,
            line: Vec::new(),
        }
    }

    /// Writes the last line (one with no line end) and flushes.
    pub fn finish(&mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.line);
        self.shown(&rest)?;
        self.inner.flush()
    }

    /// One line's bytes (with its end, if any), shown.
    fn shown(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let (body, end): (&[u8], &[u8]) = match bytes {
            [body @ .., b'\r', b'\n'] => (body, b"\r\n"),
            [body @ .., b'\n'] => (body, b"\n"),
            body => (body, b""),
        };
        let text = String::from_utf8_lossy(body);
        self.inner
            .write_all(crate::text::safe::line(&text).as_bytes())?;
        self.inner.write_all(end)
    }
}

impl<W: Write> Write for TerminalSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if !self.safe {
            return self.inner.write(buf);
        }
        // A byte `\n` is never inside a UTF-8 letter: the lines split cleanly.
        let mut rest = buf;
        while let Some(end) = rest.iter().position(|&b| b == b'\n') {
            let (head, tail) = rest.split_at(end + 1);
            if self.line.is_empty() {
                self.shown(head)?;
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(head);
                self.shown(&line)?;
                line.clear();
                self.line = line;
            }
            rest = tail;
        }
        self.line.extend_from_slice(rest);
        Ok(buf.len())
    }

    /// Flushes the lines written whole; a line begun waits for its end (or [`Self::finish`]).
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
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
    /// On a terminal every line's controls show as placeholders, whatever chunks they came
    /// in, line ends kept; off one the bytes pass as they are.
    #[test]
    fn a_terminal_gets_placeholders_and_a_pipe_the_bytes() {
        let data = "id;title\r\n1;\x1b]0;pwned\x07Сделка\x1b[2J\r\n2;\"a\nb\"\n3;\u{202e}x";
        let mut out = TerminalSafe::new(Vec::new(), true);
        // Chunks that cut a letter and a line end in two.
        for chunk in data.as_bytes().chunks(3) {
            out.write_all(chunk).unwrap();
        }
        out.finish().unwrap();
        let shown = String::from_utf8(out.inner).unwrap();
        assert_eq!(
            shown,
            "id;title\r\n1;␛]0;pwned␇Сделка␛[2J\r\n2;\"a\nb\"\n3;\u{fffd}x"
        );
        let mut raw = TerminalSafe::new(Vec::new(), false);
        raw.write_all(data.as_bytes()).unwrap();
        raw.finish().unwrap();
        assert_eq!(raw.inner, data.as_bytes());
    }

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
