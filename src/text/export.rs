//! Messages of `okk export`.

use std::path::Path;

pub fn exists(path: &Path) -> String {
    format!(
        "{}: the file exists; pass --force to replace it, or choose another --out",
        path.display()
    )
}

pub fn cannot_write(path: &Path, e: &std::io::Error) -> String {
    format!(
        "{}: cannot write the export: {e} (nothing was written there)",
        path.display()
    )
}
