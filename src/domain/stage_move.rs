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

/// A card's last visit as the store holds it, when the CRM's record of an entry into its stage
/// arrives (a sync's events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastVisit {
    /// When the visit began, as recorded.
    pub seen: NaiveDateTime,
    /// When the import or sync that recorded it ran: a visit dated so is dated by okk's clock.
    pub ran: NaiveDateTime,
    /// A file's import recorded it (not a sync).
    pub by_file: bool,
    /// When the visit before it began (`None`: it is the card's first).
    pub before: Option<NaiveDateTime>,
}

/// Whether the CRM's record that the card entered its stage at `at` dates its last visit
/// instead of the time it holds. A visit dated by okk's clock (the sync or import that found
/// it) takes it; so does any visit for a later entry: of several entries into one stage, the
/// latest counts, whatever order they come in. A visit a file dated by its deal's edit
/// ([`move_time`]) holds a time no earlier than the move, but the CRM's: it takes an earlier
/// entry too, one after the visit before it began — an entry before that is one of an earlier
/// visit to the same stage.
pub fn entry_dates(visit: &LastVisit, at: NaiveDateTime) -> bool {
    if visit.seen == visit.ran || at > visit.seen {
        return true;
    }
    visit.by_file && at < visit.seen && visit.before.is_some_and(|b| at > b)
}

#[cfg(test)]
mod tests {
    use super::{LastVisit, entry_dates, move_time};
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

    fn visit(seen: &str, ran: &str, by_file: bool, before: Option<&str>) -> LastVisit {
        LastVisit {
            seen: at(seen),
            ran: at(ran),
            by_file,
            before: before.map(at),
        }
    }

    /// A visit a sync saw (dated when it ran) takes the CRM's entry; once dated by an entry,
    /// only a later one moves it.
    #[test]
    fn a_visit_dated_by_okk_s_clock_takes_the_crm_s_entry_then_only_a_later_one() {
        let seen = visit("2026-11-19 10:00", "2026-11-19 10:00", false, None);
        assert!(entry_dates(&seen, at("2026-11-18 15:00")));
        let dated = visit("2026-11-18 15:00", "2026-11-19 10:00", false, None);
        assert!(entry_dates(&dated, at("2026-11-18 16:00")));
        assert!(!entry_dates(&dated, at("2026-11-18 14:00")));
        assert!(!entry_dates(&dated, at("2026-11-18 15:00")));
    }

    /// A file dated the move by the deal's later edit: the entry itself takes its place, if it
    /// falls after the visit before began (else it is an earlier visit's to the same stage).
    #[test]
    fn a_visit_a_file_dated_by_an_edit_takes_the_entry_before_it() {
        let edited = visit(
            "2026-11-18 17:00",
            "2026-11-19 10:00",
            true,
            Some("2026-11-16 09:00"),
        );
        assert!(entry_dates(&edited, at("2026-11-18 15:00")));
        assert!(!entry_dates(&edited, at("2026-11-15 12:00")));
        assert!(
            entry_dates(&edited, at("2026-11-18 18:00")),
            "a later entry"
        );
        let synced = LastVisit {
            by_file: false,
            ..edited
        };
        assert!(!entry_dates(&synced, at("2026-11-18 15:00")));
    }
}
