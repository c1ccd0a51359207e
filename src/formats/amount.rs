//! Amounts as CRMs and spreadsheets write them, in any locale: one reader for every profile,
//! so that `8 450 000,50 ₽` is the same sum whichever CRM's export it comes from.
//!
//! The decimal mark is told by the cell's own shape (docs/import.md "Amounts"):
//! - a comma and a dot both: the last of them is the decimal mark (`8,450,000.50`,
//!   `8.450.000,50`);
//! - one mark, twice or more: it groups thousands (`8,450,000`, `8.450.000`);
//! - one mark once, with anything but three digits after it (`8450000,50`, `0.5`), with space
//!   groups before it (`8 450 000,500`), or after a whole part no thousands group could be
//!   (`0,125`, `1250,000`): the decimal mark;
//! - one mark once, three digits after it and one to three before (`1,234`, `12.500`): either
//!   reading is some locale's. Only that shape is ambiguous: the profile's convention reads it
//!   ([`Amount::other`] keeps the other reading, for the import's warning).

/// What an amount cell says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Amount {
    pub value: f64,
    /// The cell could also mean this (`1,234`: 1234 or 1.234); `value` is the reading the
    /// profile's convention gives.
    pub other: Option<f64>,
}

/// How a mark between digits is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// Space, no-break space, narrow no-break space, thin space, apostrophe: only ever groups.
    Space,
    Comma,
    Dot,
}

/// Currency signs and words a cell may carry before or after the number (compared lowercased).
const CURRENCIES: [&str; 9] = ["₽", "руб.", "руб", "р.", "$", "€", "rub", "usd", "eur"];

/// Reads an amount; `decimal_comma`: the profile's convention for the one ambiguous shape
/// (true: `1,234` is 1.234 and `1.234` is 1234, as a comma-decimal locale writes them; false:
/// the reverse). `None`: not an amount.
pub fn read_amount(raw: &str, decimal_comma: bool) -> Option<Amount> {
    let raw = raw.trim();
    let plain =
        |value| Some(Amount { value, other: None }).filter(|a: &Amount| a.value.is_finite());
    // Most CRMs write plain whole numbers, and their APIs `150000.00`: no clean-up needed.
    if !raw.is_empty() && raw.len() < 16 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse::<u64>().ok().and_then(|v| plain(v as f64));
    }
    if let Some((whole, cents)) = raw.split_once('.')
        && !whole.is_empty()
        && (1..=2).contains(&cents.len())
        && raw.len() < 20
        && whole
            .bytes()
            .chain(cents.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return raw.parse::<f64>().ok().and_then(plain);
    }
    let body = strip_currency(raw);
    let (negative, body) = match body.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim_start()),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    let (groups, marks) = split(body)?;
    let (value, other) = read_groups(&groups, &marks, decimal_comma)?;
    let sign = if negative { -1.0 } else { 1.0 };
    Some(Amount {
        value: sign * value,
        other: other.map(|o| sign * o),
    })
    .filter(|a| a.value.is_finite())
}

/// [`read_amount`]'s value alone: where a reading has nobody to warn (a number typed into a
/// field correction, a product row's price).
pub fn parse_amount(raw: &str, decimal_comma: bool) -> Option<f64> {
    read_amount(raw, decimal_comma).map(|a| a.value)
}

/// The cell without a currency sign or word at either end (`12 000 руб.`, `$1,250`).
fn strip_currency(raw: &str) -> &str {
    let mut s = raw.trim();
    for c in CURRENCIES {
        let n = c.len();
        if s.len() >= n && s.is_char_boundary(s.len() - n) && s[s.len() - n..].to_lowercase() == c {
            s = s[..s.len() - n].trim_end();
        }
        if s.len() >= n && s.is_char_boundary(n) && s[..n].to_lowercase() == c {
            s = s[n..].trim_start();
        }
    }
    s
}

/// The digit groups of a number and the marks between them (`8 450 000,50` →
/// `["8", "450", "000", "50"]`, `[Space, Space, Comma]`); a mark may open (`,5`) or close (`5.`)
/// it. `None`: anything else in it, or two marks in a row.
fn split(body: &str) -> Option<(Vec<&str>, Vec<Mark>)> {
    let mut groups = Vec::new();
    let mut marks = Vec::new();
    let mut start = 0;
    let mut last_space = false;
    for (i, c) in body.char_indices() {
        let mark = match c {
            '0'..='9' => {
                last_space = false;
                continue;
            }
            ',' => Mark::Comma,
            '.' => Mark::Dot,
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'' | '’' => Mark::Space,
            _ => return None,
        };
        let group = &body[start..i];
        start = i + c.len_utf8();
        if group.is_empty() {
            // A run of spaces is one; a space beside a comma or dot, or two of those, is no
            // number's.
            if mark == Mark::Space && last_space {
                continue;
            }
            if !groups.is_empty() || mark == Mark::Space {
                return None;
            }
        }
        last_space = mark == Mark::Space;
        groups.push(group);
        marks.push(mark);
    }
    if last_space {
        return None;
    }
    groups.push(&body[start..]);
    if groups.iter().all(|g| g.is_empty()) {
        return None;
    }
    Some((groups, marks))
}

/// The value of the groups, and the other reading when the shape has two.
fn read_groups(groups: &[&str], marks: &[Mark], decimal_comma: bool) -> Option<(f64, Option<f64>)> {
    let count = |m: Mark| marks.iter().filter(|&&k| k == m).count();
    let (commas, dots, spaces) = (count(Mark::Comma), count(Mark::Dot), count(Mark::Space));
    let decimal = match (commas, dots) {
        (0, 0) => None,
        (_, 0) | (0, _) => {
            let mark = if commas > 0 { Mark::Comma } else { Mark::Dot };
            if commas + dots > 1 {
                // Grouping marks: a whole number.
                None
            } else {
                let at = marks.iter().position(|&m| m == mark)?;
                let after = groups[at + 1];
                let before = &groups[..=at];
                let whole = before.concat();
                let can_group = after.len() == 3
                    && spaces == 0
                    && (1..=3).contains(&whole.len())
                    && !whole.starts_with('0');
                if can_group {
                    let as_decimal = number(&whole, after)?;
                    let as_whole = number(&format!("{whole}{after}"), "")?;
                    let decimal_here = (mark == Mark::Comma) == decimal_comma;
                    return Some(if decimal_here {
                        (as_decimal, Some(as_whole))
                    } else {
                        (as_whole, Some(as_decimal))
                    });
                }
                Some(at)
            }
        }
        _ => {
            // Both: the last is the decimal mark, once; the other groups thousands before it.
            let at = marks.iter().rposition(|&m| m != Mark::Space)?;
            if count(marks[at]) != 1 {
                return None;
            }
            Some(at)
        }
    };
    let (whole, frac) = match decimal {
        // Nothing but digits after the decimal mark.
        Some(at) if at + 1 != marks.len() => return None,
        Some(at) => (&groups[..=at], groups[at + 1]),
        None => (groups, ""),
    };
    let grouping = &marks[..whole.len() - 1];
    // Thousands marks other than spaces must group by three: `1,2.5` is no number.
    if grouping.iter().any(|&m| m != Mark::Space)
        && (whole.iter().skip(1).any(|g| g.len() != 3) || !(1..=3).contains(&whole[0].len()))
    {
        return None;
    }
    if decimal.is_none() && whole.iter().any(|g| g.is_empty()) {
        return None;
    }
    Some((number(&whole.concat(), frac)?, None))
}

/// `whole.frac` as a number.
fn number(whole: &str, frac: &str) -> Option<f64> {
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    let text = format!("{}.{}", if whole.is_empty() { "0" } else { whole }, frac);
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `whole` grouped by three with `sep`.
    fn grouped(whole: u64, sep: &str) -> String {
        let digits = whole.to_string();
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    proptest! {
        /// Any sum with kopecks, as each locale and program writes it, reads back as itself by
        /// either convention, and never as ambiguous.
        #[test]
        fn a_sum_with_kopecks_reads_back_whichever_way_it_was_written(
            whole in 0u64..1_000_000_000_000,
            kopecks in 0u64..100,
            negative in any::<bool>(),
        ) {
            let sign = if negative { "-" } else { "" };
            let want: f64 = format!("{sign}{whole}.{kopecks:02}").parse().unwrap();
            for written in [
                format!("{sign}{},{kopecks:02}", grouped(whole, " ")),
                format!("{sign}{},{kopecks:02} ₽", grouped(whole, "\u{a0}")),
                format!("{sign}{},{kopecks:02}", grouped(whole, "\u{202f}")),
                format!("{sign}{},{kopecks:02}", grouped(whole, ".")),
                format!("{sign}{}.{kopecks:02}", grouped(whole, ",")),
                format!("{sign}{}.{kopecks:02}", grouped(whole, " ")),
                format!("{sign}{whole},{kopecks:02}"),
                format!("{sign}{whole}.{kopecks:02}"),
            ] {
                for comma in [true, false] {
                    let read = read_amount(&written, comma);
                    prop_assert!(read.is_some(), "{written:?}");
                    let read = read.unwrap();
                    prop_assert_eq!(read.value, want, "{:?}", written);
                    prop_assert_eq!(read.other, None, "{:?}", written);
                }
            }
        }
    }

    fn read(raw: &str, decimal_comma: bool) -> Option<(f64, Option<f64>)> {
        read_amount(raw, decimal_comma).map(|a| (a.value, a.other))
    }

    /// The shapes a Russian desk meets, read alike by either convention.
    #[test]
    fn every_shape_that_says_its_decimal_mark_reads_the_same_by_either_convention() {
        let cases: [(&str, f64); 24] = [
            ("8 450 000,50", 8_450_000.5),
            ("8\u{a0}450\u{a0}000,50 ₽", 8_450_000.5),
            ("8\u{202f}450\u{202f}000,50", 8_450_000.5),
            ("8450000,50", 8_450_000.5),
            ("8,450,000.50", 8_450_000.5),
            ("8.450.000,50", 8_450_000.5),
            ("8450000.50", 8_450_000.5),
            ("1 250 000", 1_250_000.0),
            ("12 000 руб.", 12_000.0),
            ("-5", -5.0),
            ("8 450 000.50", 8_450_000.5),
            ("8,450,000", 8_450_000.0),
            ("8.450.000", 8_450_000.0),
            ("$1,250,000.00", 1_250_000.0),
            ("1'250'000.5", 1_250_000.5),
            ("0,125", 0.125),
            ("1250,000", 1250.0),
            ("1 234,567", 1234.567),
            ("12,5", 12.5),
            ("−1 500,00 ₽", -1500.0),
            ("1234,5678", 1234.5678),
            (",5", 0.5),
            ("5,", 5.0),
            ("150000.00", 150_000.0),
        ];
        for (raw, want) in cases {
            for comma in [true, false] {
                assert_eq!(
                    read(raw, comma),
                    Some((want, None)),
                    "{raw:?}, comma {comma}"
                );
            }
        }
    }

    /// `1,234` and `1.234` say nothing of their mark: the convention reads them, and the other
    /// reading is kept for the warning.
    #[test]
    fn a_lone_mark_before_three_digits_reads_by_the_convention_and_keeps_the_other_reading() {
        assert_eq!(read("1,234", true), Some((1.234, Some(1234.0))));
        assert_eq!(read("1,234", false), Some((1234.0, Some(1.234))));
        assert_eq!(read("12.500", true), Some((12_500.0, Some(12.5))));
        assert_eq!(read("12.500", false), Some((12.5, Some(12_500.0))));
        assert_eq!(read("-250,000 ₽", false), Some((-250_000.0, Some(-250.0))));
    }

    #[test]
    fn what_is_no_amount_is_refused() {
        for raw in [
            "",
            "abc",
            "1.2.3",
            "1,2,3",
            "1,2.5",
            "8,450,000,50",
            "1.234.567.89,5,5",
            "1e6",
            "5-",
            "--5",
            "8 ,50",
            "8,,50",
            "12 5x",
            "₽",
            ",",
            "1,234.5.6",
            "inf",
            "NaN",
            "1,234 567",
            "8,450,000.50 5",
        ] {
            for comma in [true, false] {
                assert_eq!(read(raw, comma), None, "{raw:?}, comma {comma}");
            }
        }
    }

    #[test]
    fn dots_alone_read_as_before() {
        for comma in [true, false] {
            assert_eq!(parse_amount("0.5", comma), Some(0.5));
            assert_eq!(parse_amount(".5", comma), Some(0.5));
            assert_eq!(parse_amount("5.", comma), Some(5.0));
        }
    }
}
