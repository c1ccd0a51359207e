//! Which language okk speaks: English or Russian, chosen once at start-up (`--lang`, `OKK_LANG`,
//! the config's `lang`, else the locale) and readable from anywhere in the strings layer.

use std::cell::Cell;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Ru,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ru];

    /// The code `--lang` takes and the catalogue folder's name.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            _ => None,
        }
    }

    /// The language a POSIX locale asks for: Russian for `ru*`, English for anything else.
    pub fn from_locale(locale: &str) -> Lang {
        if locale.trim().to_ascii_lowercase().starts_with("ru") {
            Lang::Ru
        } else {
            Lang::En
        }
    }

    /// The language the locale variables ask for, in POSIX precedence: the first of `LC_ALL`,
    /// `LC_MESSAGES`, `LANG` that is set and not empty decides.
    pub fn from_env_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .into_iter()
            .filter_map(var)
            .find(|v| !v.trim().is_empty())
            .map_or(Lang::En, |v| Lang::from_locale(&v))
    }

    fn index(self) -> u8 {
        self as u8
    }

    fn from_index(i: u8) -> Lang {
        if i == Lang::Ru as u8 {
            Lang::Ru
        } else {
            Lang::En
        }
    }
}

// The process's language is set once by `app` at start-up; a thread may speak another for a while
// (tests render the same screen in both languages side by side in one process).
static PROCESS: AtomicU8 = AtomicU8::new(0);

thread_local! {
    static THREAD: Cell<Option<Lang>> = const { Cell::new(None) };
}

/// The language this thread speaks now.
pub fn current() -> Lang {
    THREAD
        .with(Cell::get)
        .unwrap_or_else(|| Lang::from_index(PROCESS.load(Ordering::Relaxed)))
}

/// Sets the process's language (every thread without its own).
pub fn set(lang: Lang) {
    PROCESS.store(lang.index(), Ordering::Relaxed);
}

/// Runs `f` with this thread speaking `lang`, then restores what it spoke before.
pub fn with<R>(lang: Lang, f: impl FnOnce() -> R) -> R {
    struct Restore(Option<Lang>);
    impl Drop for Restore {
        fn drop(&mut self) {
            THREAD.with(|t| t.set(self.0));
        }
    }
    let _restore = Restore(THREAD.with(|t| t.replace(Some(lang))));
    f()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_russian_locale_asks_for_russian_and_anything_else_for_english() {
        assert_eq!(Lang::from_locale("ru_RU.UTF-8"), Lang::Ru);
        assert_eq!(Lang::from_locale("ru"), Lang::Ru);
        assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
        assert_eq!(Lang::from_locale("C"), Lang::En);
        assert_eq!(Lang::from_locale("uk_UA.UTF-8"), Lang::En);
    }

    #[test]
    fn lc_all_outranks_lc_messages_which_outranks_lang_and_empty_ones_are_skipped() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            Lang::from_env_locale(env(&[("LC_ALL", "C"), ("LANG", "ru_RU.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_env_locale(env(&[("LC_ALL", ""), ("LC_MESSAGES", "ru_RU")])),
            Lang::Ru
        );
        assert_eq!(
            Lang::from_env_locale(env(&[("LANG", "ru_RU.UTF-8")])),
            Lang::Ru
        );
        assert_eq!(Lang::from_env_locale(env(&[])), Lang::En);
    }

    #[test]
    fn a_thread_speaks_its_own_language_only_inside_with() {
        let before = current();
        let inside = with(Lang::Ru, current);
        assert_eq!(inside, Lang::Ru);
        assert_eq!(current(), before);
    }
}
