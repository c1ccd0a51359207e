//! The reviewer's words: labels, hints, help lines and messages.

use crate::domain::review::Verdict;
use crate::tui::action::Action;

pub fn unknown_mode(name: &str) -> String {
    format!(
        "unknown screen `{name}`: expected funnel, queue, card, filter, picker, comment, input or help"
    )
}

pub fn unknown_action(name: &str) -> String {
    let names: Vec<String> = Action::all().into_iter().map(Action::name).collect();
    format!(
        "unknown action `{name}`: expected one of {}",
        names.join(", ")
    )
}

pub fn bad_key(key: &str) -> String {
    format!(
        "`{key}` is not a key: write a character (`a`, `G`), `ctrl-x`, `alt-x`, or enter, esc, \
         space, backspace, tab, up, down, left, right, pgup, pgdn, home, end, delete, f1…f12"
    )
}

pub fn key_taken(key: &str, action: &str) -> String {
    format!(
        "`{key}` already means `{action}` on this screen: rebind `{action}` too, or pick another key"
    )
}

pub fn bad_lang(value: &str) -> String {
    format!(
        "`lang = \"{}\"`: expected \"ru\" or \"en\"",
        crate::text::safe::line(value)
    )
}

pub fn bad_config(file: &str, line: usize, column: usize, message: &str) -> String {
    format!("{file}:{line}:{column}: {message}")
}

/// A moment as the screens show it: "2026-11-20 12:00:00".
pub fn moment(t: &chrono::NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

pub fn store_failed(e: &str) -> String {
    format!("not saved: {e} (press the key again to retry)")
}

pub fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Ok => "ok",
        Verdict::WrongStage => "wrong stage",
        Verdict::Stale => "stale",
        Verdict::Dead => "dead",
        Verdict::Unclear => "unclear",
    }
}

/// The queue's verdict mark in the legend.
pub fn verdict_given(v: Verdict) -> String {
    format!("my verdict this session: {}", verdict(v))
}

pub fn saved(v: Verdict, id: &str) -> String {
    format!("#{} saved: {}", crate::text::safe::line(id), verdict(v))
}

fn busy_because(blocker: Option<crate::domain::writer::Writer>) -> &'static str {
    use crate::domain::writer::Writer;
    match blocker {
        Some(Writer::Import) => "import running",
        Some(Writer::Rules) => "rules running",
        None => "another program is writing to it",
    }
}

/// A verdict waiting for the store's write lock (kept safe meanwhile in the pending journal).
pub fn saving(id: &str, blocker: Option<crate::domain::writer::Writer>) -> String {
    format!(
        "#{} saving… (store busy: {}); the card stays until it is saved",
        crate::text::safe::line(id),
        busy_because(blocker)
    )
}

/// Any other write (undo, a draft, a lead's decision) that found the store busy.
pub fn store_busy(blocker: Option<crate::domain::writer::Writer>) -> String {
    format!(
        "not saved: store busy ({}); press the key again when it is done",
        busy_because(blocker)
    )
}

pub fn saving_failed(id: &str, e: &str) -> String {
    format!(
        "#{} not saved yet: {e} (kept, trying again)",
        crate::text::safe::line(id)
    )
}

pub fn draft_busy_on_quit(blocker: Option<crate::domain::writer::Writer>) -> String {
    format!(
        "the comment draft is not saved: store busy ({}); quit again to leave without it",
        busy_because(blocker)
    )
}

/// Said on leaving the reviewer with a verdict still waiting for the store.
pub fn left_pending(file: &std::path::Path) -> String {
    format!(
        "okk: one verdict waits for the store (another program holds it); it is kept in {} \
         and okk writes it the next time it opens the store",
        file.display()
    )
}

/// Keys wait for writes the store has not finished.
pub fn writes_pending(writes: usize) -> String {
    match writes {
        1 => "writing to the store…".to_string(),
        n => format!("writing to the store ({n} writes)…"),
    }
}

pub fn nothing_to_undo() -> String {
    "nothing to undo".into()
}

pub fn undo_other_stage() -> String {
    "the last verdict was in another stage: open that stage to undo it".into()
}

pub fn undone(id: &str) -> String {
    format!("verdict on #{} withdrawn", crate::text::safe::line(id))
}

/// The stage the reviewer offers after one is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStage {
    pub name: String,
    pub to_review: u64,
}

/// The status line after a stage's last card: one line at 80 columns, so names are cut short.
pub fn stage_done(stage: &str, filter: &str, next: Option<&NextStage>) -> String {
    let short = |s: &str| {
        let s = crate::text::safe::line(s);
        match s.char_indices().nth(28) {
            Some((i, _)) => format!("{}…", &s[..i]),
            None => s.into_owned(),
        }
    };
    let done = if filter.is_empty() {
        format!("«{}» is done", short(stage))
    } else {
        format!(
            "«{}» is done for «{}» (esc clears the filter)",
            short(stage),
            short(filter)
        )
    };
    match next {
        Some(n) => format!(
            "{done}. enter: «{}» ({} to review); q: back",
            short(&n.name),
            n.to_review
        ),
        None => format!("{done}, and so is every other stage. q: back"),
    }
}

pub fn all_done() -> String {
    "No other stage has cards to review.".into()
}

/// The hint bar's word for an action.
pub fn hint(a: Action) -> String {
    match a {
        Action::Ok => "ok".into(),
        Action::WrongStage => "wrong stage".into(),
        Action::Stale => "stale".into(),
        Action::Dead => "dead".into(),
        Action::Unclear => "unclear".into(),
        Action::Item(_) => "checklist".into(),
        Action::Owner => "owner".into(),
        Action::Correct => "field".into(),
        Action::Comment => "comment".into(),
        Action::Undo => "undo".into(),
        Action::Open => "open".into(),
        Action::Filter => "filter".into(),
        Action::Help => "help".into(),
        Action::Back => "back".into(),
        Action::Choose => "choose".into(),
        Action::Close => "close".into(),
        Action::Accept => "accept".into(),
        Action::Override => "override".into(),
        Action::SendBack => "send back".into(),
        Action::ToggleAll => "all/awaiting".into(),
        Action::AllCards => "all cards".into(),
        Action::Stats => "stats".into(),
        Action::Down => "move".into(),
        other => describe(other),
    }
}

/// Help's line for an action.
pub fn describe(a: Action) -> String {
    match a {
        Action::Help => "show the keys of this screen".into(),
        Action::Back => "back one screen (quit from the funnel)".into(),
        Action::Quit => "quit at once".into(),
        Action::Down => "move down".into(),
        Action::Up => "move up".into(),
        Action::First => "go to the first line".into(),
        Action::Last => "go to the last line".into(),
        Action::Open => "open".into(),
        Action::Filter => "filter by text (id, title, owner)".into(),
        Action::Close => "close the popup, or clear the filter".into(),
        Action::PageDown => "page down".into(),
        Action::PageUp => "page up".into(),
        Action::NextStage => "next stage with cards to review".into(),
        Action::Ok => {
            "verdict ok: the card matches its stage; confirms the suggested answers; save, next card"
                .into()
        }
        Action::WrongStage => {
            "verdict wrong stage: pick the stage it belongs in; save, next".into()
        }
        Action::Stale => "verdict stale: the card's information is out of date; save, next".into(),
        Action::Dead => "verdict dead: the lead is lost but the card is open; save, next".into(),
        Action::Unclear => "verdict unclear: the manager must say; save, next".into(),
        Action::Item(n) => format!("checklist item {n}: pass → fail → n/a"),
        Action::Owner => "suggest another owner".into(),
        Action::Correct => "correct a field (kept as a suggestion)".into(),
        Action::Comment => "write a comment".into(),
        Action::Skip => "skip to the next card without a verdict".into(),
        Action::Prev => "back to the previous card".into(),
        Action::Undo => "undo the last verdict and show its card again".into(),
        Action::Choose => "choose".into(),
        Action::Accept => "accept the auditor's review as it is; next".into(),
        Action::Override => "override: pick the verdict (and stage) you hold right; next".into(),
        Action::SendBack => "send the review back to the auditor with a note; next".into(),
        Action::ToggleAll => "show decided reviews too, or only those awaiting a decision".into(),
        Action::AllCards => {
            "show closed and gone cards without flags too, or only the cards to look at".into()
        }
        Action::Stats => "where the funnel leaks: stages, managers, bottlenecks".into(),
        Action::OpenCrm => "open the card in the CRM (or show its address to copy)".into(),
        Action::Type(_) => "type".into(),
    }
}

pub const TOO_SMALL: &str = "okk needs a terminal of at least 80×24";
pub fn too_small(w: u16, h: u16) -> String {
    format!("{TOO_SMALL}; this one is {w}×{h}. Enlarge it, or press ctrl-c to quit.")
}

pub const HELP: &str = "help";
/// The mark of a store read under way (a page, a card, the stats).
pub const LOADING: &str = "loading…";
pub const HELP_TITLE: &str = "Keys";
pub const HELP_SCROLLS: &str = " j/k J/K scroll ";
pub const FUNNEL_COLUMNS: [&str; 6] = ["Stage", "Cards", "To review", "Flagged", "Mine", ""];
pub const EXTRA_CONTROL: &str = "extra control";
pub const NOT_IN_FUNNEL: &str = "not in the funnel";
pub const NO_CARDS: &str = "No cards yet: import a CRM export with `okk import FILE`.";
pub const QUEUE_COLUMNS: [&str; 6] = ["", "Id", "Title", "Owner", "Idle", "Flags"];
pub const QUEUE_EMPTY: &str = "Nothing to review here.";
pub const CHANGED: &str = "changed since your review";
pub const RETURNED: &str = "returned by lead";
pub const FILTER: &str = "filter";
pub const CHECKLIST: &str = "Checklist";
pub const NO_CHECKLIST: &str = "The funnel has no checklist for this stage.";
pub const SCORE: &str = "score";

/// The checklist's title: its score, and how many items it leaves out (not answered yet).
pub fn score_title(pct: &str, unanswered: usize) -> String {
    match unanswered {
        0 => format!("{SCORE} {pct}"),
        n => format!("{SCORE} {pct} · {n} unanswered"),
    }
}
pub const SUGGESTION: &str = "Suggestion";
pub const STAGE_ARROW: &str = "stage →";
pub const OWNER_ARROW: &str = "owner →";
pub const COMMENT: &str = "comment";
pub const YOUR_VERDICT: &str = "your verdict";
pub const OWNER: &str = "Owner";
pub const BUDGET: &str = "Budget";
pub const STAGE: &str = "Stage";
pub const SINCE: &str = "since";
pub const ACTIVITY: &str = "Activity";
pub const IDLE: &str = "idle";
pub const CREATED: &str = "Created";
pub const CONTACT: &str = "Contact";
pub const FIELDS: &str = "Fields";
pub const NOTES: &str = "Notes";
pub const TAGS: &str = "Tags";
pub const EMPTY: &str = "— empty";
pub const GONE: &str = "missing from the last export";
pub const CLOSED: &str = "closed";
pub const PICK_STAGE: &str = "Move to stage";
pub const PICK_OWNER: &str = "Hand to owner";
pub const PICK_FIELD: &str = "Correct field";
pub const COMMENT_TITLE: &str = "Comment (esc keeps it)";
pub const NO_MATCH: &str = "no match";

pub fn days_ago(d: i64) -> String {
    match d {
        0 => "today".into(),
        1 => "1 day ago".into(),
        d => format!("{d} days ago"),
    }
}

pub fn field_input_title(field: &str) -> String {
    format!(" New value of «{}» ", crate::text::safe::line(field))
}

/// The line under the value: what the field takes and how the box is used.
pub fn field_input_help(kind: crate::domain::funnel::FieldKind) -> String {
    use crate::domain::funnel::FieldKind as K;
    let how = "type to replace · ← → home end edit · empty removes";
    match kind {
        K::Date => format!("a date, 31.12.2026 · {how}"),
        K::Number => format!("a number, 1 250 000 · {how}"),
        K::Text | K::Bool | K::List => format!("{how} the correction"),
    }
}

/// A typed value that is not of the field's type.
pub fn not_typed(field: &str, kind: crate::domain::funnel::FieldKind, value: &str) -> String {
    use crate::domain::funnel::FieldKind as K;
    let (what, like) = match kind {
        K::Date => ("a date", "31.12.2026 or 2026-12-31"),
        K::Number => ("a number", "1 250 000 or 1250000,50"),
        K::Text | K::Bool | K::List => ("text", "anything"),
    };
    format!(
        "«{}» is not {what}: «{}» takes {what} like {like}",
        crate::text::safe::line(value),
        crate::text::safe::line(field),
    )
}

pub fn more_text(bytes: usize) -> String {
    format!("… {} KB more not shown", bytes.div_ceil(1024))
}

pub fn more_notes(n: usize) -> String {
    format!("… {n} more notes not shown")
}

/// How the card names a field: okk's own fields by a word, the CRM's by their header.
pub fn field_label(name: &str) -> &str {
    use crate::domain::SystemField as S;
    match S::from_name(name) {
        Some(S::Title) => "Title",
        Some(S::Pipeline) => "Pipeline",
        Some(S::Owner) => "Owner",
        Some(S::Amount) => "Budget",
        Some(S::Currency) => "Currency",
        Some(S::CreatedAt) => "Created",
        Some(S::UpdatedAt) => "Updated",
        Some(S::ClosedAt) => "Closed",
        Some(S::ExpectedCloseAt) => "Expected close",
        Some(S::LastActivityAt) => "Last activity",
        Some(S::Contact) => "Contact",
        Some(S::Company) => "Company",
        Some(S::Phone) => "Phone",
        Some(S::Email) => "Email",
        Some(S::Tags) => "Tags",
        Some(S::Notes) => "Notes",
        _ => name,
    }
}

pub fn card_not_synced(id: &str) -> String {
    format!(
        "card #{} has not arrived in a sync yet: import the CRM export first",
        crate::text::safe::line(id)
    )
}

pub fn decided(kind: &str, id: &str) -> String {
    let what = match kind {
        "accept" => "accepted",
        "override" => "overridden",
        _ => "sent back",
    };
    format!("#{} {what}", crate::text::safe::line(id))
}

pub fn all_decided() -> String {
    "No review is waiting for a decision.".into()
}

pub fn decision_undone() -> String {
    "decision withdrawn".into()
}

pub const LEAD: &str = "lead";
pub const PICK_VERDICT: &str = "Override with verdict";
pub const RETURN_NOTE: &str = " Note to the auditor (enter sends the review back) ";
pub const LEAD_COLUMNS: [&str; 8] = [
    "",
    "Card",
    "Stage",
    "Auditor",
    "Verdict",
    "Score",
    "Suggestion",
    "Age",
];
pub const REVIEWS_EMPTY: &str = "No review matches (t shows decided reviews too).";
pub const REVIEW: &str = "Review";
pub const SPENT: &str = "spent";
pub const DISAGREES: &str = "⚠ ok on a card the rules flag as critical";

pub fn by_auditor(auditor: &str) -> String {
    format!("auditor {}", crate::text::safe::line(auditor))
}

pub fn lead_decision(d: &crate::domain::decision::LeadDecision) -> String {
    use crate::domain::decision::DecisionKind as K;
    let who = crate::text::safe::line(&d.lead);
    match d.decision.kind {
        K::Accept => format!("lead {who}: accepted"),
        K::Override => format!(
            "lead {who}: overridden → {}{}",
            d.decision.verdict.map_or("", verdict),
            d.decision
                .suggested_stage
                .as_deref()
                .map(|s| format!(" «{}»", crate::text::safe::line(s)))
                .unwrap_or_default()
        ),
        K::Return => format!("lead {who}: sent back"),
    }
}

pub const CALIBRATION: &str = "calibration";
pub const OTHERS: &str = "others";
/// The card's auditors disagree and no decision settles it (the CRM export leaves it out).
pub const AUDITORS_SPLIT: &str = "auditors disagree, your word settles it";

pub fn note_needed() -> String {
    "write what the auditor should look at again, then enter".into()
}

pub fn reviews_title(waiting: usize, all: usize) -> String {
    format!(" Reviews · {waiting} awaiting a decision, of {all} ")
}

/// Help's line for an action on a given screen: the lead's screens say what the keys do there.
pub fn describe_in(mode: crate::tui::keymap::Mode, a: Action) -> String {
    use crate::tui::keymap::Mode;
    match (mode, a) {
        (Mode::Reviews, Action::Filter) => {
            "filter: auditor:NAME stage:TEXT verdict:NAME since:DATE until:DATE disagree \
             calibration, or any text of the card, stage, auditor or comment"
                .into()
        }
        (Mode::Reviews, Action::Back) => "quit".into(),
        (Mode::Reviews, Action::Open) => "open the review beside its card".into(),
        (Mode::Decide, Action::Undo) => "undo the last decision and show its review again".into(),
        (Mode::Decide, Action::Skip) => "the next review, without a decision".into(),
        (Mode::Decide, Action::Prev) => "the previous review".into(),
        (Mode::Decide, Action::Back) => "back to the list".into(),
        (Mode::Decide, Action::Item(n)) => {
            format!("correct checklist item {n} (your answers become the reference)")
        }
        (Mode::Decide, Action::Down | Action::Up) => "scroll the card".into(),
        _ => describe(a),
    }
}

pub fn flags_from(day: &str) -> String {
    format!(
        "flags as the rules found them on {day}; `okk check` (or the next import) brings them up to date"
    )
}

pub const STATS_STAGES: &str = " Stages · cards · share of reviews not ok ";
pub const STATS_MANAGERS: &str = " Managers · dimmed: under 5 reviews, not ranked ";
pub const STATS_MANAGER_COLUMNS: [&str; 5] = ["Manager", "Cards", "Rev.", "Not ok", "Idle"];
pub const STATS_BOTTLENECKS: &str = " Bottlenecks · ~lying (95 % interval) · not ok/reviews ";
pub const STATS_TOO_FEW: &str = "Too few reviews to rank: a stage or a manager needs 5 reviews \
    before its share not ok is ranked.";

/// The sample a share comes from: `n=12`; nothing without one.
pub fn of_reviews(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        format!("n={n}")
    }
}
pub const STATS_NO_REVIEWS: &str =
    "No reviews yet: the bottlenecks come from the auditors' verdicts.";

pub fn stats_trend(days: usize) -> String {
    format!(" Reviews per day, last {days} days ")
}

pub fn stats_last_week(week: &str, reviews: u64, not_ok: &str) -> String {
    format!("{week}: {not_ok} not ok of {reviews} reviews")
}

pub fn stats_totals(reviews: u64, not_ok: &str) -> String {
    format!("in all: {not_ok} not ok of {reviews} reviews")
}
pub const STATS_TITLE: &str = "where the funnel leaks";

/// Help's heading over the marks of the screen.
pub const MARKS: &str = "Marks";

/// A flag letter's meaning (the queue's Flags column shows one letter per flag).
pub fn flag_meaning(code: crate::domain::flag::RuleCode) -> &'static str {
    use crate::domain::flag::RuleCode as R;
    match code {
        R::Required => "a field the stage requires is empty",
        R::Idle => "idle longer than the stage allows",
        R::Date => "a date rule fails (past, missing, out of order)",
        R::Markers => "notes, tags or title say the deal is won or lost",
        R::ClosedOpen => "closed yet in an open stage, or open in a closed one",
        R::Backwards => "moved back in the funnel, or skipped a stage",
        R::Gone => "missing from the last export but not closed",
        R::UnknownStage => "the stage is not in the funnel",
        R::NoTask => "open, with no task scheduled in the CRM",
    }
}

/// The queue's one-line legend: a letter or mark and its short word.
pub fn flag_word(code: crate::domain::flag::RuleCode) -> &'static str {
    use crate::domain::flag::RuleCode as R;
    match code {
        R::Required => "required",
        R::Idle => "idle",
        R::Date => "date",
        R::Markers => "markers",
        R::ClosedOpen => "closed/open",
        R::Backwards => "backwards",
        R::Gone => "gone",
        R::UnknownStage => "unknown stage",
        R::NoTask => "no task",
    }
}

pub const LEGEND_MORE: &str = "? all marks";

/// The marks of each screen and what they mean, as help lists them under the keys (the
/// queue's flag letters and verdict marks are added from their own tables).
pub fn marks(mode: crate::tui::keymap::Mode) -> &'static [(&'static str, &'static str)] {
    use crate::tui::keymap::Mode;
    match mode {
        Mode::Funnel => &[
            ("◆", "an extra-control stage: reviewed first"),
            ("?", "a stage the cards name but the funnel does not know"),
            (
                "█░",
                "my progress: cards with my verdict of the stage's cards",
            ),
            ("Mine", "cards of the stage with my current verdict"),
        ],
        Mode::Queue => &[
            ("RR", "one letter per flag: RR is two flags of one rule"),
            ("Idle", "days since the last activity or change"),
            ("↻", "changed by a sync since my verdict: judge it again"),
            (
                "◎",
                "calibration: all auditors review it, the lead compares",
            ),
            ("↩", "returned by the lead, with the lead's note"),
            ("3/29", "(title) place in the queue, of the cards to review"),
        ],
        Mode::Card => &[
            ("⚑", "a rule's flag (red: critical, yellow: warning)"),
            ("✔ ✘ –", "checklist item passed / failed / not applicable"),
            (
                "✔? ✘?",
                "a suggested answer (dimmed): counts once confirmed; a confirms all",
            ),
            ("·", "an item not answered yet, nothing suggested"),
            ("3/5", "a scale item: 3 points of 5 (5/5 is a full pass)"),
            ("w4", "the item's weight in the score"),
            ("w4!", "critical: failing it makes the score 0"),
            (
                "score",
                "weighted share passed; n/a items count neither way",
            ),
            ("— empty", "a field this stage needs is empty (red)"),
            ("(?)", "a value the import could not read, kept as written"),
            ("⚠ idle", "no activity for longer than the stage allows"),
            ("X → Y", "(suggestion) field X corrected to Y"),
        ],
        Mode::Reviews => &[
            ("✔", "accepted by the lead"),
            ("≠", "overridden by the lead"),
            ("↩", "sent back to the auditor"),
            ("⚠", "ok on a card the rules flag as critical: look first"),
            ("◎", "a calibration card: compare the auditors"),
            ("↳", "a later review of the card above"),
            (
                "⇄",
                "auditors split on the card; no decision settles it yet",
            ),
            ("Age", "how long the review has waited"),
        ],
        Mode::Decide => &[
            ("✔ ✘ –", "checklist item passed / failed / not applicable"),
            ("3/5", "a scale item: 3 points of 5"),
            ("w4 w4!", "weight; ! critical: failing it makes the score 0"),
            ("⚠", "ok on a card the rules flag as critical"),
            ("◎", "calibration: other auditors' verdicts listed beside"),
        ],
        _ => &[],
    }
}

/// The queue's "all cards" toggle, as it now stands.
pub fn all_cards(all: bool) -> String {
    if all {
        "All cards: closed and gone cards without flags are listed too (t: only those to look at)"
            .into()
    } else {
        "Cards to look at: open cards, and closed or gone ones a rule flagged (t: all cards)".into()
    }
}

/// The queue's title when the toggle lists every card.
pub const QUEUE_ALL: &str = "all cards";

pub const CRM: &str = "CRM";

pub fn crm_opened(url: &str) -> String {
    format!("opened in the browser: {}", crate::text::safe::line(url))
}

pub fn crm_no_browser(url: &str) -> String {
    format!(
        "no browser here; the card's address: {}",
        crate::text::safe::line(url)
    )
}

pub fn crm_no_link() -> String {
    "no CRM link: the card's source is not a [[crm]] connection of the config file".into()
}
