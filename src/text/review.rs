//! Words of `okk review`, `okk keys` and bare `okk`.

use std::fmt::Write;
use std::path::Path;

use crate::tui::keymap::{Keymap, Mode};

pub fn no_cards(db: &Path) -> String {
    format!(
        "okk: the store {} has no cards yet.\n  okk demo           try the reviewer on demo data\n  \
         okk import FILE    import a CRM export, then run okk again\n  okk --help         all commands",
        db.display()
    )
}

pub fn needs_terminal() -> String {
    "the reviewer needs a terminal (stdin and stdout): run it in a terminal window, or use \
     `okk queue`, `okk check` and `okk stats` in scripts"
        .into()
}

/// `okk keys`: each screen, its keys and what they do.
pub fn key_table(keymap: &Keymap) -> String {
    let mut s = String::new();
    for mode in Mode::ALL {
        let _ = writeln!(s, "[{}]", mode.name());
        for (action, keys) in keymap.rows(mode) {
            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
            let _ = writeln!(
                s,
                "  {:<18} {:<14} {}",
                keys.join(" "),
                action.name(),
                super::tui::describe_in(mode, action)
            );
        }
        s.push('\n');
    }
    s
}
