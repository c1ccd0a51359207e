//! Reads the funnel TOML into the raw structs. The TOML reader stops at its first error (a syntax
//! error, an unknown key, a wrong type); that error is reworded here and given its line and key.

use super::error::Report;
use super::raw::RawFunnel;
use super::span::{key_at, key_before};
use crate::text::funnel as text;

pub(super) fn raw(src: &str, report: &mut Report) -> Option<RawFunnel> {
    match toml::from_str::<RawFunnel>(src) {
        Ok(raw) => Some(raw),
        Err(error) => {
            let span = error.span().unwrap_or(0..0);
            let key = match error.message() {
                "duplicate key" => {
                    let written = src.get(span.clone()).unwrap_or_default();
                    key_before(src, span.start, written.trim().trim_matches(['"', '\'']))
                }
                _ => key_at(src, span.start),
            };
            report.add(span, key, reword(error.message()));
            None
        }
    }
}

/// Serde's and the TOML parser's messages, in the shape "what is wrong; how to fix it".
fn reword(message: &str) -> String {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let mut names = backticked(rest).into_iter();
        let key = names.next().unwrap_or_default();
        return text::unknown_key(&key, &names.collect::<Vec<_>>());
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return text::wrong_type(found, expected);
    }
    if message == "duplicate key" {
        return text::duplicate_key();
    }
    text::syntax(message)
}

/// The `quoted` words of a serde message, in order.
fn backticked(s: &str) -> Vec<String> {
    s.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_field_message_lists_the_known_keys() {
        let m = reword("unknown field `wieght`, expected one of `id`, `text`, `weight`");
        assert_eq!(
            m,
            text::unknown_key("wieght", &["id".into(), "text".into(), "weight".into()])
        );
    }

    #[test]
    fn type_errors_say_what_to_write() {
        let m = reword("invalid type: string \"3\", expected i64");
        assert!(m.contains("a whole number"), "{m}");
    }
}
