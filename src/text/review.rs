//! Words of `okk review`, `okk keys` and bare `okk`.

use std::fmt::Write;
use std::path::Path;

pub fn no_cards(db: &Path) -> String {
    crate::tr!("review-no-cards", db = db.display().to_string())
}

pub fn needs_terminal() -> String {
    crate::tr!("review-needs-terminal")
}

/// `okk keys`: each screen (its keymap name), its keys, and for each action its keys, its name
/// and what it does there.
pub fn key_table(screens: &[(&str, Vec<(String, String, String)>)]) -> String {
    let mut s = String::new();
    for (screen, rows) in screens {
        let _ = writeln!(s, "[{screen}]");
        for (keys, name, help) in rows {
            let _ = writeln!(s, "  {keys:<18} {name:<14} {help}");
        }
        s.push('\n');
    }
    s
}
