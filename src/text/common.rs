//! Counted words many areas share (1 card, 2 cards; 1 карточка, 5 карточек) and how numbers and
//! days read in the current language.

use super::i18n;
use super::lang;

pub fn cards(count: usize) -> String {
    crate::tr!("common-cards", count = count)
}

pub fn days(count: i64) -> String {
    crate::tr!("common-days", count = count)
}

pub fn reviews(count: usize) -> String {
    crate::tr!("common-reviews", count = count)
}

/// How long something took, to the second: `45 s`, `2 min 5 s` / `45 сек`, `2 мин 5 сек`.
pub fn duration(seconds: f64) -> String {
    // Negative or not a number only from a damaged row: nothing spent.
    let total = if seconds.is_finite() && seconds > 0.0 {
        seconds.round() as u64
    } else {
        0
    };
    let (minutes, seconds) = (total / 60, total % 60);
    if minutes == 0 {
        crate::tr!("common-seconds", seconds = seconds)
    } else {
        crate::tr!("common-minutes", minutes = minutes, seconds = seconds)
    }
}

/// Untrusted text as one cell of an aligned column: on one line, cut to at most `cols`
/// columns on a character boundary (ending in `…` when cut), padded with spaces to `cols` (by
/// display width: Cyrillic 1, CJK and emoji 2).
pub fn column(s: &str, cols: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let s = super::safe::line(s);
    let mut out = String::new();
    let mut used = 0;
    if s.width() <= cols {
        out.push_str(&s);
        used = s.width();
    } else if cols > 0 {
        for c in s.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > cols {
                break;
            }
            used += w;
            out.push(c);
        }
        out.push('…');
        used += 1;
    }
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(used)));
    out
}

/// A message broken into lines of at most `cols` columns at spaces (by display width), the
/// first line `lead` columns shorter (what goes before it: `okk: `). A word longer than a line
/// stands alone on its own.
pub fn wrap(s: &str, cols: usize, lead: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::new();
    let mut used = lead;
    let mut fresh = true;
    for word in s.split(' ').filter(|w| !w.is_empty()) {
        let w = word.width();
        if !fresh {
            if used + 1 + w > cols {
                out.push('\n');
                used = 0;
            } else {
                out.push(' ');
                used += 1;
            }
        }
        out.push_str(word);
        used += w;
        fresh = false;
    }
    out
}

/// Text for a terminal `cols` wide: a longer line breaks at spaces, its next lines indented two
/// columns past its own indent (a report's value stays under its label), instead of wherever
/// the terminal's edge cuts a word. Spaces inside a line (a label's column) stay; a word wider
/// than a line stands alone on its own. A command in backticks is one word: pasted as shown, it
/// is never broken across lines (it goes whole onto a line of its own when it does not fit).
pub fn fit(text: &str, cols: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::with_capacity(text.len() + 16);
    for piece in text.split_inclusive('\n') {
        let (line, end) = match piece.strip_suffix('\n') {
            Some(l) => (l, "\n"),
            None => (piece, ""),
        };
        if line.width() <= cols {
            out.push_str(piece);
            continue;
        }
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        let hang = (indent + 2).min(cols / 3);
        out.push_str(&line[..indent]);
        let mut used = indent;
        let mut fresh = true;
        let mut rest = body;
        while !rest.is_empty() {
            let gap = rest.len() - rest.trim_start_matches(' ').len();
            rest = &rest[gap..];
            let len = word_end(rest);
            let (word, after) = rest.split_at(len);
            rest = after;
            if word.is_empty() {
                break;
            }
            let w = word.width();
            if !fresh && used + gap + w > cols {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', hang));
                used = hang;
            } else if !fresh {
                out.extend(std::iter::repeat_n(' ', gap));
                used += gap;
            }
            out.push_str(word);
            used += w;
            fresh = false;
        }
        out.push_str(end);
    }
    out
}

/// Where the word at the start of `rest` ends: at the next space, but not inside backticks (a
/// command to paste); a backtick left open ends nothing.
fn word_end(rest: &str) -> usize {
    let mut ticked = false;
    for (i, c) in rest.char_indices() {
        match c {
            '`' => ticked = !ticked,
            ' ' if !ticked => return i,
            _ => {}
        }
    }
    if ticked {
        // Unclosed: the words are the spaces' as ever.
        rest.find(' ').unwrap_or(rest.len())
    } else {
        rest.len()
    }
}

/// Where a command wrote its file, as its messages name it: the path, or standard output for
/// `--out -`.
pub fn output(path: &std::path::Path) -> String {
    if crate::domain::output::is_stdout(path) {
        crate::tr!("common-stdout")
    } else {
        path.display().to_string()
    }
}

/// A whole number: `12345` / `12 345`.
pub fn int(n: i64) -> String {
    i18n::int(lang::current(), n)
}

/// A number with as many decimals as it has (up to six): `1234`, `1.234` / `1 234`, `1,234`.
pub fn number(x: f64) -> String {
    let places = (0..=6)
        .find(|&p| ((x * 10f64.powi(p)).round() - x * 10f64.powi(p)).abs() < 1e-6)
        .unwrap_or(6) as usize;
    if places == 0 && x.abs() < 9.0e15 {
        int(x.round() as i64)
    } else {
        i18n::decimal(lang::current(), x, places)
    }
}

/// The mark between a number's whole part and its fraction: `.` / `,`.
pub fn decimal_mark() -> char {
    match lang::current() {
        lang::Lang::En => '.',
        lang::Lang::Ru => ',',
    }
}

/// A day: `2026-12-03` / `03.12.2026`.
pub fn day(d: chrono::NaiveDate) -> String {
    i18n::day(lang::current(), d)
}

/// An ISO week by its Monday, as the language names weeks: `2026-W49` in English; in Russian
/// its dates, `30.11–06.12`, which a lead reads at a glance (no ISO week numbers there).
pub fn week(monday: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    // The catalogue says which form its language reads (`iso` or `dates`), not the text: the
    // two forms have different parts.
    if crate::tr!("common-week-form") == "dates" {
        let sunday = monday + chrono::Days::new(6);
        format!("{}–{}", monday.format("%d.%m"), sunday.format("%d.%m"))
    } else {
        let iso = monday.iso_week();
        format!("{}-W{:02}", iso.year(), iso.week())
    }
}

/// A day or moment as the store keeps it (`2026-12-03`, `2026-12-03 12:00:00`, or with a `T`),
/// in the reader's way when it reads as one, else as kept (made safe to print): a Russian
/// message says 03.12.2026 as every Russian screen does.
pub fn stored_time(stored: &str) -> String {
    let stored = stored.trim();
    if let Ok(d) = chrono::NaiveDate::parse_from_str(stored, "%Y-%m-%d") {
        return day(d);
    }
    ["%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
        .iter()
        .find_map(|f| chrono::NaiveDateTime::parse_from_str(stored, f).ok())
        .map_or_else(|| super::safe::line(stored).into_owned(), moment)
}

/// A moment: `2026-12-03 12:00:00` / `03.12.2026 12:00:00`.
pub fn moment(t: chrono::NaiveDateTime) -> String {
    i18n::moment(lang::current(), t)
}

/// An error from the operating system in the current language: what its kind means where okk
/// knows the kind (a missing file, no rights, a full disk …), else its own text. Other errors
/// are searched for one along their sources (a store that could not open its file).
pub fn error(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && let Some(said) = os_kind(io.kind())
        {
            return said;
        }
        cause = c.source();
    }
    e.to_string()
}

fn os_kind(kind: std::io::ErrorKind) -> Option<String> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => crate::tr!("common-os-not-found"),
        K::PermissionDenied => crate::tr!("common-os-permission-denied"),
        K::AlreadyExists => crate::tr!("common-os-already-exists"),
        K::IsADirectory => crate::tr!("common-os-is-a-directory"),
        K::NotADirectory => crate::tr!("common-os-not-a-directory"),
        K::StorageFull => crate::tr!("common-os-storage-full"),
        K::ReadOnlyFilesystem => crate::tr!("common-os-read-only"),
        K::FileTooLarge => crate::tr!("common-os-too-large"),
        K::InvalidFilename => crate::tr!("common-os-invalid-name"),
        K::UnexpectedEof => crate::tr!("common-os-unexpected-end"),
        K::OutOfMemory => crate::tr!("common-os-out-of-memory"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::{column, duration, fit, stored_time, week, wrap};
    use crate::text::lang::{Lang, with};

    /// The store's times in a message read as the language writes them (tester30 F10: «применил
    /// lena, 2026-12-06 09:25:49» in Russian).
    #[test]
    fn a_time_the_store_keeps_reads_the_language_s_way_in_a_message() {
        with(Lang::Ru, || {
            assert_eq!(stored_time("2026-12-06 09:25:49"), "06.12.2026 09:25:49");
            assert_eq!(stored_time("2026-12-06T09:25:49"), "06.12.2026 09:25:49");
            assert_eq!(stored_time("2026-12-06"), "06.12.2026");
            assert_eq!(stored_time("когда-то\u{1b}"), "когда-то␛");
            let said = crate::text::app::stored_funnel_used(
                std::path::Path::new("f.toml"),
                2,
                "lena",
                "2026-12-06 09:25:49",
            );
            assert!(
                said.contains("применил lena, 06.12.2026 09:25:49"),
                "{said}"
            );
            assert!(!said.contains("2026-12-06"), "{said}");
        });
        with(Lang::En, || {
            assert_eq!(stored_time("2026-12-06 09:25:49"), "2026-12-06 09:25:49");
        });
    }

    #[test]
    fn a_duration_reads_in_the_units_of_the_language() {
        with(Lang::Ru, || {
            assert_eq!(duration(2.4), "2 сек");
            assert_eq!(duration(125.0), "2 мин 5 сек");
        });
        with(Lang::En, || {
            assert_eq!(duration(2.4), "2 s");
            assert_eq!(duration(125.0), "2 min 5 s");
            assert_eq!(duration(f64::NAN), "0 s");
        });
    }

    #[test]
    fn a_long_message_breaks_at_spaces_within_its_columns() {
        let m = "прервано; то, что успело записаться, сохранено; запустите okk sync снова, \
                 чтобы продолжить";
        let w = wrap(m, 80, 5);
        assert_eq!(
            w,
            "прервано; то, что успело записаться, сохранено; запустите okk sync снова,\n\
             чтобы продолжить"
        );
        assert_eq!(wrap("short words", 80, 5), "short words");
        assert_eq!(wrap("a bb ccc", 4, 0), "a bb\nccc");
        // The lead counts on the first line only.
        assert_eq!(wrap("aaa bbb", 7, 4), "aaa\nbbb");
    }

    #[test]
    fn a_line_wider_than_the_terminal_breaks_at_spaces_under_its_value() {
        let report = "file.csv\n  profile   amocrm (13 of its headers found (ID, Название))\n";
        assert_eq!(
            fit(report, 40),
            "file.csv\n  profile   amocrm (13 of its headers\n    found (ID, Название))\n"
        );
        // Lines that fit are left alone, spaces and all; no newline is added at the end.
        assert_eq!(fit("a   b\nc", 40), "a   b\nc");
        // A word wider than a line stands alone; a next line never starts with a space.
        assert_eq!(fit("aa bbbbbbbbbb cc", 6), "aa\n  bbbbbbbbbb\n  cc");
        for line in fit(report, 20).lines() {
            assert!(
                !line.ends_with(' ') && line.chars().count() <= 20,
                "{line:?}"
            );
        }
    }

    #[test]
    fn a_column_cuts_long_text_at_a_character_and_pads_short_text() {
        assert_eq!(column("Расчёт отправлен", 10), "Расчёт от…");
        assert_eq!(column("Расчёт", 10), "Расчёт    ");
        // Two columns a character: the cut never splits one, and the padding makes up.
        assert_eq!(column("日本語テキスト", 6), "日本… ");
        assert_eq!(column("a\u{1b}[31mb", 20).trim_end(), "a␛[31mb");
    }

    #[test]
    fn a_week_reads_as_iso_in_english_and_as_its_dates_in_russian() {
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
        assert_eq!(with(Lang::En, || week(monday)), "2026-W49");
        assert_eq!(with(Lang::Ru, || week(monday)), "30.11–06.12");
        let late = chrono::NaiveDate::from_ymd_opt(2026, 12, 28).unwrap();
        assert_eq!(with(Lang::En, || week(late)), "2026-W53");
        assert_eq!(with(Lang::Ru, || week(late)), "28.12–03.01");
    }

    /// A command to paste stays whole on its line (the tester's `okk sync fake-b24` at 80
    /// columns broke it after `--config PATH`); the words around it still break at spaces.
    #[test]
    fn a_command_in_backticks_is_never_broken_across_lines() {
        let line = "  найти сделки, которых больше нет в CRM: `okk --config /tmp/t25/config.toml \
                    sync fake-b24 --full`";
        let fitted = fit(line, 80);
        assert_eq!(
            fitted,
            "  найти сделки, которых больше нет в CRM:\n    `okk --config /tmp/t25/config.toml \
             sync fake-b24 --full`"
        );
        // Wider than the line: alone on its own, whole, the words after it go on.
        let fitted = fit(
            "run `okk --config /a/long/path sync x` again, to resume",
            20,
        );
        assert_eq!(
            fitted,
            "run\n  `okk --config /a/long/path sync x`\n  again, to resume"
        );
        // A backtick left open breaks as any text.
        assert_eq!(fit("a `b c d e", 6), "a `b c\n  d e");
    }

    /// An error on a terminal breaks at spaces, never inside a word (`сое` / `динение`).
    #[test]
    fn an_error_breaks_between_words() {
        let e = "okk: down-b24: CRM недоступна после 6 попыток: соединение отклонено; проверьте \
                 адрес: `okk crm list`, `okk crm test down-b24`";
        for cols in [40, 60, 80] {
            let fitted = fit(e, cols);
            for word in [
                "соединение",
                "`okk crm list`,",
                "`okk crm test down-b24`",
                "down-b24:",
            ] {
                assert!(fitted.contains(word), "{word} at {cols}:\n{fitted}");
            }
        }
    }
}
