//! Words of `okk review`, `okk keys` and bare `okk`.

use std::fmt::Write;
use std::path::Path;

pub fn no_cards(db: &Path) -> String {
    crate::tr!("review-no-cards", db = db.display().to_string())
}

pub fn needs_terminal() -> String {
    crate::tr!("review-needs-terminal")
}

/// One line of `okk keys`: an action's keys, its name in the keymap file, what it does.
pub struct KeyRow {
    pub keys: String,
    pub name: String,
    pub help: String,
}

/// `okk keys`: each screen (its keymap name) and its rows.
pub fn key_table(screens: &[(&str, Vec<KeyRow>)]) -> String {
    let mut s = String::new();
    for (screen, rows) in screens {
        let _ = writeln!(s, "[{screen}]");
        for KeyRow { keys, name, help } in rows {
            let _ = writeln!(s, "  {keys:<18} {name:<14} {help}");
        }
        s.push('\n');
    }
    s
}
