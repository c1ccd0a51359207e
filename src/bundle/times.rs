//! The times a bundle carries (when a review, decision, withdrawal or the bundle was made) must
//! be real calendar times in the store's shape, within a sane window: none before 2000, none more
//! than a day ahead of the importing machine's clock (a review dated 9999 made reports of a
//! million lines).

use chrono::{NaiveDate, NaiveDateTime};

use crate::text::bundle as msg;

/// Checks `value` (the record's field `field`) against the window ending a day after `now`.
pub fn check(field: &str, value: &str, now: NaiveDateTime) -> Result<(), String> {
    let Ok(t) = NaiveDateTime::parse_from_str(value, "%Y-%m-%d %H:%M:%S") else {
        return Err(msg::bad_time(field, value));
    };
    // The parser takes a lone-digit or signed year too: the store's shape is exactly 19 bytes.
    if value.len() != 19 || !value.as_bytes()[0].is_ascii_digit() {
        return Err(msg::bad_time(field, value));
    }
    let earliest = NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .expect("a valid date");
    let latest = now + chrono::Duration::days(1);
    if t < earliest || t > latest {
        return Err(msg::time_out_of_window(field, value, &latest));
    }
    Ok(())
}

/// Like [`check`], for a field that may be empty.
pub fn check_opt(field: &str, value: Option<&str>, now: NaiveDateTime) -> Result<(), String> {
    value.map_or(Ok(()), |v| check(field, v, now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-11-20 12:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn real_times_in_the_window_pass_and_the_rest_are_refused() {
        assert!(check("created_at", "2026-11-20 12:00:00", now()).is_ok());
        assert!(check("created_at", "2026-11-21 11:59:59", now()).is_ok());
        assert!(check("created_at", "2000-01-01 00:00:00", now()).is_ok());
        for bad in [
            "9999-01-01 00:00:00",
            "2026-11-21 12:00:01",
            "1999-12-31 23:59:59",
            "2026-02-31 10:00:00",
            "31.02.2026",
            "2026-02-28 24:00:00",
            "2026-1-5 10:00:00",
            "",
            "2026-11-20T12:00:00",
        ] {
            let err = check("created_at", bad, now()).unwrap_err();
            assert!(err.contains("created_at"), "{bad}: {err}");
        }
    }
}
