//! Where a command writes the file it makes (`--out`): a path, or standard output for `--out -`,
//! as Unix tools take it, so an export can go straight into a pipe. Parsed once, at the command
//! line; a file really named `-` is `./-`.

use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Output {
    Stdout,
    File(PathBuf),
}

impl Output {
    /// `-` is standard output; anything else a file.
    pub fn from_arg(arg: PathBuf) -> Output {
        if arg.as_os_str() == "-" {
            Output::Stdout
        } else {
            Output::File(arg)
        }
    }

    /// The path as the user wrote it (`-` for standard output): what messages about it name.
    pub fn path(&self) -> &Path {
        match self {
            Output::Stdout => Path::new("-"),
            Output::File(p) => p,
        }
    }

    pub fn is_stdout(&self) -> bool {
        matches!(self, Output::Stdout)
    }
}

/// Whether `path` is how messages name standard output (see [`Output::path`]).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dash_is_standard_output_and_any_other_path_a_file() {
        assert_eq!(Output::from_arg("-".into()), Output::Stdout);
        assert_eq!(
            Output::from_arg("./-".into()),
            Output::File(PathBuf::from("./-"))
        );
        assert_eq!(
            Output::from_arg("r.html".into()),
            Output::File(PathBuf::from("r.html"))
        );
        assert!(is_stdout(Output::Stdout.path()));
        assert!(!is_stdout(Path::new("-x")));
    }
}
