//! `[suggest]`: the thresholds of `okk funnel suggest`, each a known key with a number in range.

use super::error::Report;
use super::raw::RawFunnel;
use crate::domain::suggest::SuggestSettings;
use crate::domain::suggest::settings::{KEYS, KeyKind};
use crate::text::funnel_config as text;

pub(super) fn settings(raw: &RawFunnel, report: &mut Report) -> SuggestSettings {
    let mut out = SuggestSettings::default();
    for (key, value) in &raw.suggest {
        let name = key.get_ref().trim();
        let path = format!("suggest.{name}");
        let Some(&(_, kind)) = KEYS.iter().find(|(k, _)| *k == name) else {
            let known: Vec<&str> = KEYS.iter().map(|(k, _)| *k).collect();
            report.add(key.span(), path, text::suggest_key_unknown(name, &known));
            continue;
        };
        let number = match value.get_ref() {
            toml::Value::Integer(i) => Some(*i as f64),
            toml::Value::Float(f) => Some(*f),
            _ => None,
        };
        let ok = number.filter(|n| match kind {
            KeyKind::Share => (0.0..=1.0).contains(n),
            KeyKind::Count => *n >= 1.0 && n.fract() == 0.0,
            KeyKind::Percent => (1.0..=100.0).contains(n) && n.fract() == 0.0,
        });
        match ok {
            Some(n) => out.set(name, n),
            None => report.add(value.span(), path, text::suggest_value_wrong(kind)),
        }
    }
    out
}
