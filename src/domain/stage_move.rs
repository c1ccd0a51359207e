//! When a stage move an import found took place: the time its visit to the new stage starts
//! with in the card's stage history.

use chrono::NaiveDateTime;

/// The time a move an import found (the card's stage in the file is not the store's) is
/// dated at: the deal's last edit as the file gives it (`edited`, the CRM's own clock), else
/// the import's own clock (`now`).
///
/// A move changes the deal, so its last edit is at or after the move: the CRM's clock, no
/// later than the truth by more than the edits that followed, where the import's clock is late
/// by however long the file waited to be imported. The edit time is taken only when it falls
/// after the start of the card's current visit (`visit_began`: the stage it moves out of) and
/// no later than the import: an edit at or before that start is older than what the store
/// already knows of the card (a stale file, or an edit time the CRM did not move), and
/// dating the move by it would put the new visit before the one it ends; an edit after the
/// import is a clock the import cannot trust. Either way, and with no edit time or no known
/// start, the move keeps the import's clock, as it did before okk read edit times.
pub fn move_time(
    edited: Option<NaiveDateTime>,
    visit_began: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> NaiveDateTime {
    match (edited, visit_began) {
        (Some(edited), Some(began)) if edited > began && edited <= now => edited,
        _ => now,
    }
}

#[cfg(test)]
mod tests {
    use super::move_time;
    use chrono::NaiveDateTime;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// The import a day after the export: the move is the edit's, not the import's.
    #[test]
    fn an_export_imported_a_day_late_dates_its_move_by_the_deal_s_edit() {
        let moved = move_time(
            Some(at("2026-11-18 15:40")),
            Some(at("2026-11-17 09:00")),
            at("2026-11-19 10:00"),
        );
        assert_eq!(moved, at("2026-11-18 15:40"));
    }

    #[test]
    fn without_an_edit_time_the_move_is_the_import_s() {
        let now = at("2026-11-19 10:00");
        assert_eq!(move_time(None, Some(at("2026-11-17 09:00")), now), now);
    }

    /// A file older than the visit the store holds (a sync read a later move): its edit is no
    /// time for the move, which would come before the visit it ends.
    #[test]
    fn an_edit_at_or_before_the_current_visit_began_leaves_the_import_s_clock() {
        let now = at("2026-11-19 10:00");
        let began = at("2026-11-18 12:00");
        assert_eq!(
            move_time(Some(at("2026-11-18 11:59")), Some(began), now),
            now
        );
        assert_eq!(move_time(Some(began), Some(began), now), now);
        assert_eq!(
            move_time(Some(at("2026-11-18 12:01")), Some(began), now),
            at("2026-11-18 12:01")
        );
    }

    /// An edit after the import (the CRM's clock ahead of this one, or a date typed wrong): not
    /// trusted; at the import's very second it is.
    #[test]
    fn an_edit_after_the_import_leaves_the_import_s_clock() {
        let now = at("2026-11-19 10:00");
        let began = Some(at("2026-11-17 09:00"));
        assert_eq!(move_time(Some(at("2026-11-19 10:01")), began, now), now);
        assert_eq!(move_time(Some(now), began, now), now);
    }

    #[test]
    fn with_no_known_start_of_the_visit_the_move_is_the_import_s() {
        let now = at("2026-11-19 10:00");
        assert_eq!(move_time(Some(at("2026-11-18 15:40")), None, now), now);
    }
}
