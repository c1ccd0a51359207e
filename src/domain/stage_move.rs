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

/// When a card's first visit began: the visit its first import found it in, which gets a
/// history row only when the card first moves. No later than that import (`first_seen`, okk's
/// clock), nor than the deal's last edit as the store held it there (`edited`): the move into
/// the stage changed the deal, so its last edit is at or after the card came. The edit is the
/// file's own date where the import's clock is not: a file imported days or weeks after it was
/// written (a backfill of last month's exports in one sitting) saw the card there no later
/// than its edit, and a later file's move dated by its deal's edit after that one
/// ([`move_time`]) keeps its date. An edit after `first_seen` (a clock ahead of okk's) dates
/// nothing.
pub fn first_visit(first_seen: NaiveDateTime, edited: Option<NaiveDateTime>) -> NaiveDateTime {
    match edited {
        Some(edited) if edited < first_seen => edited,
        _ => first_seen,
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
/// entry too, one after the visit before it began (any, for a first visit a file dated by its
/// deal's edit: [`first_visit`]) — an entry before that is one of an earlier visit to the same
/// stage.
pub fn entry_dates(visit: &LastVisit, at: NaiveDateTime) -> bool {
    if visit.seen == visit.ran || at > visit.seen {
        return true;
    }
    visit.by_file && at < visit.seen && visit.before.is_none_or(|b| at > b)
}

/// A move into a stage as the CRM recorded it (amoCRM's `lead_status_changed`, Bitrix24's
/// stage history): one visit of the deal's path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The stage's name, as the deal's rows name it.
    pub stage: String,
    /// The pipeline the stage is of (a move may cross pipelines).
    pub pipeline: Option<String>,
    pub at: NaiveDateTime,
}

/// What the store holds of the card's path where the CRM's entries come to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tail<'a> {
    /// The card's last history row, into `stage`.
    Row { stage: &'a str, visit: LastVisit },
    /// No history rows: the card has been in its stage since okk first saw it, at `since`
    /// (okk's clock), and any path may still be written from its first row on.
    Unmoved {
        stage: &'a str,
        since: NaiveDateTime,
    },
}

/// How the CRM's entries extend a card's stored path.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PathPlan<'e> {
    /// Visits before the card's first one (only for [`Tail::Unmoved`]: a first sync reads the
    /// account's whole history), oldest first.
    pub before: Vec<&'e Entry>,
    /// The tail's visit begins at this time instead.
    pub redate: Option<NaiveDateTime>,
    /// Visits after the tail's, oldest first.
    pub after: Vec<&'e Entry>,
}

impl PathPlan<'_> {
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.redate.is_none() && self.after.is_empty()
    }
}

/// Where the CRM's `entries` for one card (any order) go in its path, given what the store
/// holds of it (`tail`) and the stage the card is in now (`current`).
///
/// An entry after the tail's visit began is a visit of its own, in the order of their times:
/// a deal moved twice between two syncs keeps the stage it passed through. An entry at or
/// before it can only date the tail's visit ([`entry_dates`]): the store writes no visit
/// before one it holds (its history is ordered by the run that wrote each visit), except for
/// a card with no history rows, whose whole path the entries may give (a first sync), when
/// they reach the stage it is in. Entries into one stage one after the other are one visit,
/// dated by the latest, as for the tail's own stage.
///
/// A tail dated by okk's clock that the card has left since (it moved in this run) was seen
/// before the moves the entries record; when the CRM's clock puts none of them into the
/// card's stage after okk's (the two clocks disagree), the entries after the latest into the
/// tail's stage (all of them, if none is) are its moves since.
///
/// A run may land the CRM's record in parts, newest first (amoCRM lists events so): the
/// entries of a later part are older than the visits an earlier part gave, so the store
/// plans again from the tail it held before the run, with those visits among the entries.
/// `complete`: no older entries of the run are still to come. Until then an entry into the
/// tail's stage after it began is a visit of its own, not a later date of the tail's: an
/// older part may hold the move out of that stage between them (the tail's own time, once
/// changed, could not be had back).
pub fn path_plan<'e>(
    tail: Tail<'_>,
    current: &str,
    entries: &'e [Entry],
    complete: bool,
) -> PathPlan<'e> {
    let mut sorted: Vec<&Entry> = entries.iter().collect();
    sorted.sort_by_key(|e| e.at);
    let (stage, began) = match tail {
        Tail::Row { stage, visit } => (stage, visit.seen),
        Tail::Unmoved { stage, since } => (stage, since),
    };
    let mut split = sorted.partition_point(|e| e.at <= began);
    if let Tail::Row { visit, .. } = tail
        && visit.seen == visit.ran
        && stage != current
        && !sorted[split..].iter().any(|e| e.stage == current)
    {
        split = sorted.iter().rposition(|e| e.stage == stage).unwrap_or(0);
    }
    let (old, new) = sorted.split_at(split);
    let mut plan = PathPlan::default();
    match tail {
        Tail::Row { visit, .. } => {
            plan.redate = old
                .iter()
                .rev()
                .find(|e| e.stage == stage && e.at != visit.seen && entry_dates(&visit, e.at))
                .map(|e| e.at);
        }
        Tail::Unmoved { since, .. } => {
            // Okk's clock: the latest entry into its stage before okk saw it there dates it,
            // and the entries before that one are the path that led there.
            if let Some(i) = old.iter().rposition(|e| e.stage == stage) {
                plan.before = collapse(&old[..i]);
                if plan.before.last().is_some_and(|e| e.stage == stage) {
                    plan.before.pop();
                }
                plan.redate = (old[i].at != since).then_some(old[i].at);
            }
        }
    }
    let mut after = collapse(new);
    if complete && after.first().is_some_and(|e| e.stage == stage) {
        plan.redate = Some(after.remove(0).at);
    }
    plan.after = after;
    plan
}

/// Entries into one stage one after the other are one visit: the latest of them.
fn collapse<'e>(entries: &[&'e Entry]) -> Vec<&'e Entry> {
    let mut out: Vec<&Entry> = Vec::with_capacity(entries.len());
    for e in entries {
        match out.last_mut() {
            Some(last) if last.stage == e.stage => *last = e,
            _ => out.push(e),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{Entry, LastVisit, PathPlan, Tail, entry_dates, first_visit, move_time, path_plan};
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

    /// A backfill: the week-old file imported now saw the card no later than its deal's
    /// edit, and the next week's file moves it by its own edit, after that one.
    #[test]
    fn a_first_visit_begins_no_later_than_the_deal_s_edit_the_store_held() {
        let imported = at("2026-12-06 18:57");
        let edited = at("2026-10-20 11:00");
        let began = first_visit(imported, Some(edited));
        assert_eq!(began, edited);
        let moved = at("2026-11-07 15:00");
        assert_eq!(move_time(Some(moved), Some(began), imported), moved);
        // Today's export imported today: the edit, minutes before the import.
        let today = at("2026-11-19 09:05");
        assert_eq!(
            first_visit(today, Some(at("2026-11-19 08:55"))),
            at("2026-11-19 08:55")
        );
        // No edit, or one after okk's clock (the CRM's clock ahead): the import's.
        assert_eq!(first_visit(today, None), today);
        assert_eq!(first_visit(today, Some(at("2026-11-19 10:00"))), today);
    }

    /// A first visit a file dated by its deal's edit has no visit before it: the CRM's entry
    /// into the stage, before the edit, dates it.
    #[test]
    fn a_first_visit_dated_by_an_edit_takes_the_crm_s_earlier_entry() {
        let first = visit("2026-10-20 11:00", "2026-12-06 18:57", true, None);
        assert!(entry_dates(&first, at("2026-10-18 09:00")));
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
    fn entry(stage: &str, time: &str) -> Entry {
        Entry {
            stage: stage.into(),
            pipeline: Some("Продажи".into()),
            at: at(time),
        }
    }

    fn stages<'e>(entries: &[&'e Entry]) -> Vec<&'e str> {
        entries.iter().map(|e| e.stage.as_str()).collect()
    }

    /// tester25 F2: two moves between syncs are two visits, in the CRM's order, whatever
    /// order the events come in.
    #[test]
    fn two_moves_after_the_last_visit_are_two_visits_in_order() {
        let last = visit("2026-11-18 09:00", "2026-11-18 09:00", false, None);
        let entries = [
            entry("Принимают решение", "2026-11-21 10:00"),
            entry("Переговоры", "2026-11-20 10:00"),
        ];
        let tail = Tail::Row {
            stage: "Первичный контакт",
            visit: last,
        };
        let plan = path_plan(tail, "Принимают решение", &entries, true);
        assert_eq!(stages(&plan.after), ["Переговоры", "Принимают решение"]);
        assert_eq!(plan.redate, None);
        assert!(plan.before.is_empty());
    }

    /// A resumed sync reads the same events again: the visits they gave are held, nothing new.
    #[test]
    fn entries_the_path_holds_already_add_nothing() {
        let last = visit("2026-11-21 10:00", "2026-11-22 08:00", false, None);
        let entries = [
            entry("Переговоры", "2026-11-20 10:00"),
            entry("Принимают решение", "2026-11-21 10:00"),
        ];
        let tail = Tail::Row {
            stage: "Принимают решение",
            visit: last,
        };
        assert!(path_plan(tail, "Принимают решение", &entries, true).is_empty());
    }

    /// A visit the sync dated by its own clock (a store synced by an older okk): the entry into
    /// its stage dates it; the stage passed before it cannot be written before a visit held.
    #[test]
    fn entries_before_a_visit_held_only_date_it() {
        let seen = visit("2026-11-22 08:00", "2026-11-22 08:00", false, None);
        let entries = [
            entry("Переговоры", "2026-11-20 10:00"),
            entry("Принимают решение", "2026-11-21 10:00"),
        ];
        let tail = Tail::Row {
            stage: "Принимают решение",
            visit: seen,
        };
        let plan = path_plan(tail, "Принимают решение", &entries, true);
        assert_eq!(plan.redate, Some(at("2026-11-21 10:00")));
        assert!(plan.after.is_empty() && plan.before.is_empty());
    }

    /// A first sync: the card has no rows, and the account's events give its whole path up to
    /// the stage it is in.
    #[test]
    fn a_card_with_no_rows_takes_the_whole_path_that_led_to_its_stage() {
        let entries = [
            entry("Первичный контакт", "2026-11-18 09:00"),
            entry("Переговоры", "2026-11-20 10:00"),
            entry("Переговоры", "2026-11-20 11:00"),
            entry("Принимают решение", "2026-11-21 10:00"),
        ];
        let tail = Tail::Unmoved {
            stage: "Принимают решение",
            since: at("2026-11-22 08:00"),
        };
        let plan = path_plan(tail, "Принимают решение", &entries, true);
        assert_eq!(stages(&plan.before), ["Первичный контакт", "Переговоры"]);
        assert_eq!(plan.before[1].at, at("2026-11-20 11:00"));
        assert_eq!(plan.redate, Some(at("2026-11-21 10:00")));
        assert!(plan.after.is_empty());
        // Entries that never reach its stage are no path to it.
        let elsewhere = Tail::Unmoved {
            stage: "Квалификация",
            since: at("2026-11-22 08:00"),
        };
        assert!(path_plan(elsewhere, "Квалификация", &entries[..2], true).is_empty());
    }

    /// A card okk has seen in its stage since an earlier sync, moved away and back since: its
    /// first visit stays, the two moves follow it.
    #[test]
    fn a_card_with_no_rows_moved_away_and_back_keeps_its_first_visit() {
        let entries = [
            entry("Переговоры", "2026-11-20 10:00"),
            entry("Первичный контакт", "2026-11-21 10:00"),
        ];
        let tail = Tail::Unmoved {
            stage: "Первичный контакт",
            since: at("2026-11-18 09:00"),
        };
        let plan = path_plan(tail, "Первичный контакт", &entries, true);
        assert!(plan.before.is_empty());
        assert_eq!(plan.redate, None);
        assert_eq!(stages(&plan.after), ["Переговоры", "Первичный контакт"]);
    }

    /// A later entry into the tail's own stage, the move out of it not recorded: the latest
    /// counts, as ever.
    #[test]
    fn a_later_entry_into_the_tail_s_stage_dates_it() {
        let dated = visit("2026-11-18 15:00", "2026-11-19 10:00", false, None);
        let entries = [entry("Переговоры", "2026-11-20 10:00")];
        let tail = Tail::Row {
            stage: "Переговоры",
            visit: dated,
        };
        let plan = path_plan(tail, "Переговоры", &entries, true);
        assert_eq!(plan.redate, Some(at("2026-11-20 10:00")));
        assert!(plan.after.is_empty());
        let plan: PathPlan = path_plan(tail, "Переговоры", &[], true);
        assert!(plan.is_empty());
    }

    /// Issue 15's leftover: the deal went Квалификация → Переговоры → Квалификация →
    /// Переговоры since its last visit, and the events come newest first in two parts. The
    /// first part alone must not date the last visit by its re-entry into «Квалификация»: the
    /// older part holds the move out between them, and planned again with the visits the
    /// first gave, the path is the one all the entries give at once.
    #[test]
    fn a_stage_entered_twice_since_the_last_visit_keeps_both_visits_landed_in_parts() {
        let last = visit("2026-11-16 09:00", "2026-11-16 09:00", false, None);
        let tail = Tail::Row {
            stage: "Квалификация",
            visit: last,
        };
        let all = [
            entry("Переговоры", "2026-11-17 10:00"),
            entry("Квалификация", "2026-11-17 12:00"),
            entry("Переговоры", "2026-11-18 09:00"),
        ];
        let path = ["Переговоры", "Квалификация", "Переговоры"];
        let whole = path_plan(tail, "Переговоры", &all, true);
        assert_eq!(stages(&whole.after), path);
        assert_eq!(whole.redate, None);
        // The newest two first, more to come: two visits after the tail, the tail as it was.
        let newest = path_plan(tail, "Переговоры", &all[1..], false);
        assert_eq!(stages(&newest.after), ["Квалификация", "Переговоры"]);
        assert_eq!(newest.redate, None);
        // Then the oldest, with the visits the first part gave among the entries.
        let again: Vec<Entry> = all[..1]
            .iter()
            .chain(newest.after.iter().copied())
            .cloned()
            .collect();
        let plan = path_plan(tail, "Переговоры", &again, true);
        assert_eq!(stages(&plan.after), path);
        assert_eq!(plan.redate, None);
        assert_eq!(plan.after[2].at, at("2026-11-18 09:00"));
        // Landed whole, a re-entry with no recorded move out still dates the tail.
        let plan = path_plan(tail, "Переговоры", &all[1..], true);
        assert_eq!(stages(&plan.after), ["Переговоры"]);
        assert_eq!(plan.redate, Some(at("2026-11-17 12:00")));
    }

    /// The CRM's clock behind okk's: the moves of a card okk saw at its stage before (by its
    /// own clock) still follow that visit, after the latest entry into its stage.
    #[test]
    fn moves_the_crm_dates_before_okk_s_visit_still_follow_it_when_the_card_left_it() {
        let seen = visit("2026-12-05 10:00", "2026-12-05 10:00", false, None);
        let tail = Tail::Row {
            stage: "Первичный контакт",
            visit: seen,
        };
        let moves = [
            entry("Переговоры", "2026-11-20 10:00"),
            entry("Принимают решение", "2026-11-21 10:00"),
        ];
        let plan = path_plan(tail, "Принимают решение", &moves, true);
        assert_eq!(stages(&plan.after), ["Переговоры", "Принимают решение"]);
        assert_eq!(plan.redate, None);
        let back = [
            entry("Переговоры", "2026-11-19 10:00"),
            entry("Первичный контакт", "2026-11-20 09:00"),
            entry("Принимают решение", "2026-11-21 10:00"),
        ];
        let plan = path_plan(tail, "Принимают решение", &back, true);
        assert_eq!(stages(&plan.after), ["Принимают решение"]);
        assert_eq!(plan.redate, Some(at("2026-11-20 09:00")));
        // The clocks agreeing, the time tells.
        let later = visit("2026-11-18 10:00", "2026-11-18 10:00", false, None);
        let tail = Tail::Row {
            stage: "Первичный контакт",
            visit: later,
        };
        let plan = path_plan(tail, "Принимают решение", &back, true);
        let path = ["Переговоры", "Первичный контакт", "Принимают решение"];
        assert_eq!(stages(&plan.after), path);
    }
}
