//! Words of a command okk suggests (`okk crm test NAME`, `chmod 600 PATH`) written so that a
//! shell reads each back as one word, as it was: pasted as shown, the command works.

use std::borrow::Cow;

/// `s` as a POSIX shell reads it back as one word: as it is when it holds only characters no
/// shell treats specially (letters of any script, digits, `-_.,/:@%+=`), else in single quotes
/// (a `'` inside written `'\''`).
pub fn word(s: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_alphanumeric() || "-_.,/:@%+=".contains(c);
    // zsh expands a word that begins with `=` to a command's path.
    if !s.is_empty() && !s.starts_with('=') && s.chars().all(plain) {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{}'", s.replace('\'', r"'\''")))
    }
}

/// A positional argument at the end of an okk command: [`word`], after `--` when it begins
/// with a `-` (which the command line would take for an option).
pub fn last_arg(s: &str) -> String {
    if s.starts_with('-') {
        format!("-- {}", word(s))
    } else {
        word(s).into_owned()
    }
}

/// ` --config PATH` when the config file was named on the command line (a command suggested
/// without it would read the default one), else nothing.
pub fn config_flag(path: Option<&std::path::Path>) -> String {
    match path {
        Some(p) => format!(" --config {}", word(&p.display().to_string())),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_a_shell_would_split_or_expand_are_quoted() {
        assert_eq!(word("main"), "main");
        assert_eq!(word("амо-2"), "амо-2");
        assert_eq!(word("/tmp/t-sync/tok"), "/tmp/t-sync/tok");
        assert_eq!(word("bad name"), "'bad name'");
        assert_eq!(word("it's"), r"'it'\''s'");
        assert_eq!(word("$HOME"), "'$HOME'");
        assert_eq!(word("~x"), "'~x'");
        assert_eq!(word("a*"), "'a*'");
        assert_eq!(word(""), "''");
        assert_eq!(word("=x"), "'=x'");
        assert_eq!(last_arg("-x"), "-- -x");
        assert_eq!(last_arg("a b"), "'a b'");
    }
}
