//! The message catalogues (Project Fluent, `assets/i18n/LANG/AREA.ftl`, embedded at build time)
//! and the one way to read them: `tr!("area-id", name = value, …)` in the current language.
//!
//! Fluent brings CLDR plural rules (1 карточка, 2 карточки, 5 карточек) and lets a translator
//! reorder a sentence; okk adds how numbers read in each language (thin-space thousands in
//! Russian) and falls back to English for a message a catalogue lacks (a test forbids that).

use std::borrow::Cow;
use std::sync::LazyLock;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::types::FluentNumber;
pub use fluent_bundle::{FluentArgs, FluentValue};

use super::lang::{self, Lang};

include!(concat!(env!("OUT_DIR"), "/i18n.rs"));

/// One catalogue file as shipped: its language, its area (the file's stem, which prefixes every
/// message id in it) and its text.
pub struct Catalogue {
    pub lang: &'static str,
    pub area: &'static str,
    pub text: &'static str,
}

/// Every catalogue file okk ships, found by `build.rs`.
pub fn catalogues() -> &'static [Catalogue] {
    CATALOGUES
}

/// Each language's catalogue, parsed the first time a message in it is asked for: a session
/// in one language never parses the other's (English is parsed too only when a message is
/// missing from the chosen catalogue, which a test forbids).
static BUNDLES: [LazyLock<FluentBundle<FluentResource>>; 2] = [
    LazyLock::new(|| bundle(Lang::En)),
    LazyLock::new(|| bundle(Lang::Ru)),
];

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().expect("a language code");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around every placeable would reach terminals and CSV files.
    bundle.set_use_isolating(false);
    bundle.set_formatter(Some(match lang {
        Lang::En => |_: &FluentValue, _: &_| None,
        Lang::Ru => |v: &FluentValue, _: &_| match v {
            FluentValue::Number(n) => Some(number(Lang::Ru, n)),
            _ => None,
        },
    }));
    for c in CATALOGUES.iter().filter(|c| c.lang == lang.code()) {
        // A broken catalogue keeps what parsed; `tests/i18n.rs` fails on the errors.
        let resource = FluentResource::try_new(c.text.to_string()).unwrap_or_else(|(r, _)| r);
        bundle.add_resource_overriding(resource);
    }
    bundle
}

/// The message `id` in the current language, its placeables filled from `args`.
pub fn message(id: &str, args: Option<&FluentArgs>) -> String {
    message_in(lang::current(), id, args)
}

/// The message `id` in `lang`; English when that catalogue lacks it, the id itself when none has it.
pub fn message_in(lang: Lang, id: &str, args: Option<&FluentArgs>) -> String {
    let found = [lang, Lang::En].into_iter().find_map(|l| {
        let bundle = &*BUNDLES[l as usize];
        bundle.get_message(id)?.value().map(|p| (bundle, p))
    });
    let Some((bundle, pattern)) = found else {
        return id.to_string();
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors);
    text.into_owned()
}

/// Whether the catalogue of `lang` has the message `id` (tests and the help's fallbacks ask).
pub fn has(lang: Lang, id: &str) -> bool {
    BUNDLES[lang as usize].has_message(id)
}

/// A value a message's placeable takes: text as is, numbers as numbers (so plural rules see them).
pub trait Arg<'a> {
    fn arg(self) -> FluentValue<'a>;
}

impl<'a> Arg<'a> for &'a str {
    fn arg(self) -> FluentValue<'a> {
        FluentValue::String(Cow::Borrowed(self))
    }
}

impl<'a> Arg<'a> for &'a String {
    fn arg(self) -> FluentValue<'a> {
        FluentValue::String(Cow::Borrowed(self.as_str()))
    }
}

impl<'a> Arg<'a> for String {
    fn arg(self) -> FluentValue<'a> {
        FluentValue::String(Cow::Owned(self))
    }
}

impl<'a> Arg<'a> for Cow<'a, str> {
    fn arg(self) -> FluentValue<'a> {
        FluentValue::String(self)
    }
}

impl<'a> Arg<'a> for &'a Cow<'a, str> {
    fn arg(self) -> FluentValue<'a> {
        FluentValue::String(Cow::Borrowed(self.as_ref()))
    }
}

macro_rules! number_args {
    ($($t:ty),*) => {$(
        impl<'a> Arg<'a> for $t {
            fn arg(self) -> FluentValue<'a> {
                FluentValue::from(self)
            }
        }
    )*};
}
number_args!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

/// `tr!("area-id")` or `tr!("area-id", name = value, …)`: the message in the current language.
/// Names are the catalogue's variables (`$name`); `tests/i18n.rs` checks every call against both
/// catalogues.
#[macro_export]
macro_rules! tr {
    ($id:literal $(,)?) => {
        $crate::text::i18n::message($id, None)
    };
    ($id:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        let mut args = $crate::text::i18n::FluentArgs::new();
        $( args.set(stringify!($name), $crate::text::i18n::Arg::arg($value)); )+
        $crate::text::i18n::message($id, Some(&args))
    }};
}

/// A whole number as `lang` writes it: `12345` in English (as okk always has, for scripts and
/// snapshots), `12 345` with a narrow no-break space in Russian.
pub fn int(lang: Lang, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let sign = if n < 0 { "-" } else { "" };
    match lang {
        Lang::En => format!("{sign}{digits}"),
        Lang::Ru => format!("{sign}{}", group(&digits, '\u{202f}')),
    }
}

/// `x` to `places` decimals, a half rounded up (away from zero): 62.5 → `63`, 12.5 → `13`,
/// as a reader rounds, where Rust's formatting rounds a half to even (`62`, but `38` for 37.5:
/// tester42 F13). A figure a hair under the half by the float's error (0.285 × 100 is
/// 28.499…) counts as the half it stands for.
pub fn rounded(x: f64, places: usize) -> String {
    let scale = 10f64.powi(i32::try_from(places).unwrap_or(i32::MAX).min(15));
    let y = x * scale;
    let r = (y + y.signum() * y.abs().max(1.0) * 1e-12).round();
    format!("{:.places$}", r / scale)
}

/// A number with `places` decimals as `lang` writes it: `3.5` / `3,5`, rounded as
/// [`rounded`] says.
pub fn decimal(lang: Lang, x: f64, places: usize) -> String {
    let s = rounded(x, places);
    match lang {
        Lang::En => s,
        Lang::Ru => {
            let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
            let (sign, whole) = whole.strip_prefix('-').map_or(("", whole), |w| ("-", w));
            let whole = group(whole, '\u{202f}');
            if frac.is_empty() {
                format!("{sign}{whole}")
            } else {
                format!("{sign}{whole},{frac}")
            }
        }
    }
}

fn group(digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn number(lang: Lang, n: &FluentNumber) -> String {
    let places = n.options.minimum_fraction_digits.unwrap_or(0);
    if places == 0 && n.value.fract() == 0.0 && n.value.abs() < 9.0e15 {
        int(lang, n.value as i64)
    } else {
        decimal(lang, n.value, places.max(1))
    }
}

/// A day as `lang` writes it: `2026-12-03` / `03.12.2026`.
pub fn day(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::En => d.format("%Y-%m-%d").to_string(),
        Lang::Ru => d.format("%d.%m.%Y").to_string(),
    }
}

/// A moment as `lang` writes it: `2026-12-03 12:00:00` / `03.12.2026 12:00:00`.
pub fn moment(lang: Lang, t: chrono::NaiveDateTime) -> String {
    match lang {
        Lang::En => t.format("%Y-%m-%d %H:%M:%S").to_string(),
        Lang::Ru => t.format("%d.%m.%Y %H:%M:%S").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_groups_thousands_with_a_narrow_space_and_english_does_not() {
        assert_eq!(int(Lang::Ru, 1234567), "1\u{202f}234\u{202f}567");
        assert_eq!(int(Lang::Ru, 999), "999");
        assert_eq!(int(Lang::Ru, -1000), "-1\u{202f}000");
        assert_eq!(int(Lang::En, 1234567), "1234567");
        assert_eq!(decimal(Lang::Ru, 12345.24, 1), "12\u{202f}345,2");
        assert_eq!(decimal(Lang::En, 3.5, 1), "3.5");
    }

    /// tester42 F13: 62.5 % read «62 %» and 12.5 «12%» while 37.5 read «38%»: a half rounds
    /// up, whatever the digit before it, and a float's error under the half does not undo it.
    #[test]
    fn a_half_rounds_up_whatever_the_digit_before_it() {
        for (x, places, said) in [
            (62.5, 0, "63"),
            (12.5, 0, "13"),
            (37.5, 0, "38"),
            (0.5, 0, "1"),
            (62.4, 0, "62"),
            (0.285 * 100.0, 0, "29"),
            (9.75, 1, "9.8"),
            (9.65, 1, "9.7"),
            (22.45, 1, "22.5"),
            (-2.5, 0, "-3"),
            (100.0, 0, "100"),
        ] {
            assert_eq!(rounded(x, places), said, "{x} to {places}");
        }
        assert_eq!(decimal(Lang::Ru, 12345.25, 1), "12\u{202f}345,3");
    }

    #[test]
    fn days_read_the_way_each_language_writes_them() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert_eq!(day(Lang::Ru, d), "03.12.2026");
        assert_eq!(day(Lang::En, d), "2026-12-03");
    }
}
