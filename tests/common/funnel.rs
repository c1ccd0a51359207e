//! Funnel files as a desk lead leaves them after a hand edit, and `okk funnel check` run on one:
//! what the CLI tests in either language share.

use std::path::PathBuf;

use super::Desk;

/// A funnel with two mistakes: stage kind «closed» at line 5, column 8, and `max_idle_days = 0`
/// at line 6, column 17.
pub const BROKEN: &str = "name = \"Сломанная\"\n\n[[stages]]\nname = \"Первичный контакт\"\nkind = \"closed\"\nmax_idle_days = 0\n";

impl Desk {
    /// The built-in funnel with «Бронирование» renamed and its aliases dropped: the CRM's
    /// «Бронирование» is a stage it does not know. Written into the desk's dir; its path.
    pub fn funnel_without_booking(&self) -> String {
        let text = std::fs::read_to_string(super::funnel_path()).unwrap();
        let text = text.replace(
            "name = \"Бронирование\"\naliases = [\"Бронь\", \"Платная бронь\"]",
            "name = \"Бронь клиента\"",
        );
        assert!(
            text.contains("Бронь клиента"),
            "the stage is there to rename"
        );
        let path = self.dir.path().join("desk-funnel.toml");
        std::fs::write(&path, text).unwrap();
        super::path_arg(&path)
    }

    /// [`BROKEN`] written to `broken.toml` in the desk's dir.
    pub fn broken_funnel(&self) -> PathBuf {
        let broken = self.dir.path().join("broken.toml");
        std::fs::write(&broken, BROKEN).expect("write the broken funnel");
        broken
    }

    /// `okk funnel check` on [`BROKEN`] under the locale `lang`, which must exit 1: its stderr
    /// and the funnel file's path as messages spell it.
    pub fn funnel_check_broken(&self, lang: &str) -> (String, String) {
        let broken = self.broken_funnel();
        let out = self
            .okk_funnel(&broken)
            .env("LANG", lang)
            .args(["funnel", "check"])
            .output()
            .expect("run okk");
        let err = String::from_utf8(out.stderr).expect("UTF-8 stderr");
        assert_eq!(out.status.code(), Some(1), "{err}");
        (err, super::path_arg(&broken))
    }
}
