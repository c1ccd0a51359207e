//! Choosing okk's language before the command line is parsed, since `--help` speaks it too:
//! `--lang`, then `OKK_LANG`, then the config file's `lang`, then the locale.

use std::ffi::OsString;
use std::path::PathBuf;

use crate::text::lang::Lang;

/// The language `args` (the whole command line) and the environment ask for. Wrong values are
/// skipped here; clap and the config loader report them with their place once okk runs.
pub fn choose(args: &[OsString], var: impl Fn(&str) -> Option<String>) -> Lang {
    if let Some(lang) = flag(args, "--lang").and_then(|v| Lang::from_code(&v)) {
        return lang;
    }
    if let Some(lang) = var("OKK_LANG").and_then(|v| Lang::from_code(&v)) {
        return lang;
    }
    if let Some(lang) = config_lang(args, &var) {
        return lang;
    }
    Lang::from_env_locale(var)
}

/// The value of `--name VALUE` or `--name=VALUE` before a `--`.
fn flag(args: &[OsString], name: &str) -> Option<String> {
    let mut args = args.iter().skip(1).map(|a| a.to_string_lossy());
    let with_eq = format!("{name}=");
    while let Some(a) = args.next() {
        if a == "--" {
            return None;
        }
        if a == name {
            return args.next().map(|v| v.into_owned());
        }
        if let Some(v) = a.strip_prefix(&with_eq) {
            return Some(v.to_string());
        }
    }
    None
}

fn config_lang(args: &[OsString], var: &impl Fn(&str) -> Option<String>) -> Option<Lang> {
    let path = flag(args, "--config")
        .or_else(|| var("OKK_CONFIG"))
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "okk")
                .map(|d| d.config_dir().join("config.toml"))
        })?;
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    Lang::from_code(table.get("lang")?.as_str()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        std::iter::once("okk")
            .chain(a.iter().copied())
            .map(OsString::from)
            .collect()
    }

    #[test]
    fn the_flag_outranks_okk_lang_which_outranks_the_locale() {
        let env = |name: &str| match name {
            "OKK_LANG" => Some("en".to_string()),
            "LANG" => Some("ru_RU.UTF-8".to_string()),
            "OKK_CONFIG" => Some("/nonexistent/config.toml".to_string()),
            _ => None,
        };
        assert_eq!(choose(&args(&["--lang", "ru", "stats"]), env), Lang::Ru);
        assert_eq!(choose(&args(&["stats", "--lang=ru"]), env), Lang::Ru);
        assert_eq!(choose(&args(&["stats"]), env), Lang::En);
        let locale_only = |name: &str| match name {
            "LANG" => Some("ru_RU.UTF-8".to_string()),
            "OKK_CONFIG" => Some("/nonexistent/config.toml".to_string()),
            _ => None,
        };
        assert_eq!(choose(&args(&["stats"]), locale_only), Lang::Ru);
        assert_eq!(choose(&args(&["--", "--lang", "ru"]), |_| None), Lang::En);
    }

    #[test]
    fn the_config_file_s_lang_counts_when_no_flag_or_variable_says() {
        let dir = std::env::temp_dir().join(format!("okk-lang-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("config.toml");
        std::fs::write(&config, "lang = \"ru\"\nauditor = \"Анна\"\n").unwrap();
        let path = config.display().to_string();
        let env = |name: &str| (name == "LANG").then(|| "en_US.UTF-8".to_string());
        assert_eq!(choose(&args(&["--config", &path]), env), Lang::Ru);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
