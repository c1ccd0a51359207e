//! The reviewer's and the lead's words: labels, status lines, marks and messages, read from the
//! catalogues `assets/i18n/LANG/tui.ftl` (an action's hint and help: `tui-action.ftl`).

use crate::domain::filter_key::FilterKey;
use crate::domain::review::Verdict;
use crate::domain::writer::Writer;
use crate::text::safe;
use crate::tr;

pub fn unknown_mode(name: &str) -> String {
    tr!("tui-unknown-mode", name = name)
}

/// `names`: every action's name, as the keymap file writes it.
pub fn unknown_action(name: &str, names: &[String]) -> String {
    tr!("tui-unknown-action", name = name, names = names.join(", "))
}

pub fn bad_key(key: &str) -> String {
    tr!("tui-bad-key", key = key)
}

/// A rebinding of Ctrl-C, which quits on every screen.
pub fn key_reserved(key: &str) -> String {
    tr!("tui-key-reserved", key = key)
}

pub fn key_taken(key: &str, action: &str) -> String {
    tr!("tui-key-taken", key = key, action = action)
}

pub fn bad_lang(value: &str) -> String {
    tr!("tui-bad-lang", value = safe::line(value))
}

pub fn bad_config(file: &str, line: usize, column: usize, message: &str) -> String {
    format!("{file}:{line}:{column}: {message}")
}

/// A moment as the screens show it: "2026-11-20 12:00:00" / "20.11.2026 12:00:00".
pub fn moment(t: &chrono::NaiveDateTime) -> String {
    super::common::moment(*t)
}

/// A day as the screens show it: "2026-11-20" / "20.11.2026".
pub fn day(d: chrono::NaiveDate) -> String {
    super::common::day(d)
}

/// When a verdict was given, as short as the suggestion box at 80 columns needs it to stay on
/// the verdict's line (tester39 F14: with its seconds it wrapped): the time alone on the day
/// judged, the day and month within its year, else the day.
pub fn judged_when(t: &chrono::NaiveDateTime, today: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    if t.date() == today {
        t.format("%H:%M").to_string()
    } else if t.year() == today.year() {
        day_month(t.date())
    } else {
        day(t.date())
    }
}

/// A whole percentage (`v` of 100) as the language writes it: `95%`; in Russian after a no-break
/// space, `95 %`, as the screens' legends have it (tester39 F15: «95 %» beside «0%»).
pub fn percent(v: f64) -> String {
    tr!("tui-percent", n = super::i18n::rounded(v, 0))
}

/// A day of the month without the year, as the card's "since" shows it: "20.11".
pub fn day_month(d: chrono::NaiveDate) -> String {
    d.format("%d.%m").to_string()
}

pub fn store_failed(e: &str) -> String {
    tr!("tui-store-failed", error = e)
}

pub fn verdict(v: Verdict) -> String {
    match v {
        Verdict::Ok => tr!("tui-verdict-ok"),
        Verdict::WrongStage => tr!("tui-verdict-wrong-stage"),
        Verdict::Stale => tr!("tui-verdict-stale"),
        Verdict::Dead => tr!("tui-verdict-dead"),
        Verdict::Unclear => tr!("tui-verdict-unclear"),
    }
}

/// `u` on a card with no verdict of this session to take back: where her earlier verdicts are
/// (`all`: the queue's key that lists them). Short enough to show whole on an 80-column status
/// line in both languages (tests/tui_snapshots.rs holds it there); the key she pressed is not
/// named, she just pressed it.
pub fn nothing_to_undo_card(all: &str) -> String {
    tr!("tui-nothing-to-undo-card", all = all)
}

/// [`nothing_to_undo_card`] on a card she reviewed before: changing it takes another verdict
/// (`verdicts`: their keys).
pub fn nothing_to_undo_reviewed(verdicts: &str) -> String {
    tr!("tui-nothing-to-undo-reviewed", verdicts = verdicts)
}

/// The queue's verdict mark in the legend.
pub fn verdict_given(v: Verdict) -> String {
    tr!("tui-verdict-given", verdict = verdict(v))
}

pub fn saved(v: Verdict, id: &str) -> String {
    tr!("tui-saved", id = safe::line(id), verdict = verdict(v))
}

/// [`saved`] of a verdict that confirmed a critical item's suggested fail (`item`).
pub fn saved_critical_failed(v: Verdict, id: &str, item: &str) -> String {
    tr!(
        "tui-saved-critical-failed",
        id = safe::line(id),
        verdict = verdict(v),
        item = safe::line(item)
    )
}

fn busy_because(blocker: Option<Writer>) -> String {
    match blocker {
        Some(Writer::Import) => tr!("tui-busy-import"),
        Some(Writer::Rules) => tr!("tui-busy-rules"),
        None => tr!("tui-busy-other"),
    }
}

/// A verdict waiting for the store's write lock (kept safe meanwhile in the pending journal).
pub fn saving(id: &str, blocker: Option<Writer>) -> String {
    tr!(
        "tui-saving",
        id = safe::line(id),
        why = busy_because(blocker)
    )
}

/// Any other write (undo, a draft, a lead's decision) that found the store busy.
pub fn store_busy(blocker: Option<Writer>) -> String {
    tr!("tui-store-busy", why = busy_because(blocker))
}

pub fn saving_failed(id: &str, e: &str) -> String {
    tr!("tui-saving-failed", id = safe::line(id), error = e)
}

pub fn draft_busy_on_quit(blocker: Option<Writer>) -> String {
    tr!("tui-draft-busy-on-quit", why = busy_because(blocker))
}

/// Said on leaving the reviewer with verdicts still waiting for the store: the file of one,
/// the folder of several.
pub fn left_pending(files: &[std::path::PathBuf]) -> String {
    let shown = match files {
        [one] => one.display().to_string(),
        _ => (files.first().and_then(|f| f.parent()))
            .map_or_else(String::new, |d| d.display().to_string()),
    };
    tr!("tui-left-pending", count = files.len(), file = shown)
}

/// A verdict kept on this machine: the server cannot be reached.
pub fn kept_here(id: &str) -> String {
    tr!("tui-kept-here", id = safe::line(id))
}

/// The link to the server is lost: okk keeps trying.
pub fn no_link() -> String {
    tr!("tui-no-link")
}

/// The link to the server is back; `written`: the verdicts kept meanwhile, now in the store.
pub fn link_back(written: usize) -> String {
    tr!("tui-link-back", count = written)
}

/// Quitting with a comment draft the server cannot take.
pub fn draft_unreachable_on_quit() -> String {
    tr!("tui-draft-unreachable-on-quit")
}

/// Keys wait for writes the store has not finished.
pub fn writes_pending(writes: usize) -> String {
    tr!("tui-writes-pending", count = writes)
}

/// Enter's word in the hint bar under the lead's note box: it sends the review back.
pub fn return_note_enter() -> String {
    tr!("tui-return-note-enter")
}

/// Enter's word on the hint bar of the comment box: it keeps the comment.
/// The hint bar's word for `q` on the funnel screen, the first one: it quits.
pub fn funnel_back_quits() -> String {
    tr!("tui-funnel-back-quits")
}

pub fn comment_enter() -> String {
    tr!("tui-comment-enter")
}

/// Esc's word on the hint bar of a text box: it closes without keeping what was typed.
pub fn text_esc() -> String {
    tr!("tui-text-esc")
}

/// Esc's word on the comment box's hint bar when the box holds the card's comment that the
/// store refused: it closes the box and the comment stays on the card.
pub fn comment_esc_kept() -> String {
    tr!("tui-comment-esc-kept")
}

/// Esc over typed text in a text box: a second one drops it.
pub fn discard_asked() -> String {
    tr!("tui-discard-asked")
}

/// The comment box closed on enter: the comment is the card's draft now (or taken out), and
/// goes with its verdict; said, as the box may close over a card whose comment is out of sight.
pub fn comment_kept(empty: bool) -> String {
    if empty {
        tr!("tui-comment-removed")
    } else {
        tr!("tui-comment-kept")
    }
}

/// A decide key pressed on the lead's list (`open`: the key that opens a review).
pub fn open_review_first(open: &str) -> String {
    tr!("tui-open-review-first", open = open)
}

pub fn nothing_to_undo() -> String {
    tr!("tui-nothing-to-undo")
}

/// `u` would take back the last verdict, given on a card of another stage (`stage`).
pub fn undo_other_stage(id: &str, stage: &str) -> String {
    tr!(
        "tui-undo-other-stage",
        id = safe::line(id),
        stage = safe::line(stage)
    )
}

/// `u` would take back the last verdict, on a card the open list does not show (a filter, or
/// a list read again without the cards she judged; `all`: the key that lists them): nothing is
/// withdrawn out of sight.
pub fn undo_not_listed(id: &str, all: &str) -> String {
    tr!("tui-undo-not-listed", id = safe::line(id), all = all)
}

/// `u` on a card she has not judged, after moving away from her last verdict: that verdict's
/// card is shown, and `key` there takes it back.
pub fn undo_shows_last(id: &str, v: Verdict, key: &str) -> String {
    tr!(
        "tui-undo-shows-last",
        id = safe::line(id),
        verdict = verdict(v),
        key = key
    )
}

/// `u` on a card whose verdict of hers is from before okk opened, while verdicts of this
/// session stand elsewhere: no undo here; a new verdict (`verdicts`: their keys) replaces it.
/// Whole on an 80-column status line, as [`nothing_to_undo_reviewed`].
pub fn undo_earlier(verdicts: &str) -> String {
    tr!("tui-undo-earlier", verdicts = verdicts)
}

/// Verdict `withdrawn` on card `id` is taken back; `stands`: the auditor's earlier verdict on
/// it, current again (else the card has none of hers now). Says both, as a second `u` on a
/// re-judged card takes back the earlier one with the same card named.
pub fn undone(id: &str, withdrawn: Verdict, stands: Option<Verdict>) -> String {
    match stands {
        Some(before) => tr!(
            "tui-undone-back",
            id = safe::line(id),
            verdict = verdict(withdrawn),
            before = verdict(before)
        ),
        None => tr!(
            "tui-undone",
            id = safe::line(id),
            verdict = verdict(withdrawn)
        ),
    }
}

/// The verdict is withdrawn, and its card is `auditor`'s now (their claim).
/// `u` on a verdict the lead has decided on: refused, and why.
pub fn undo_decided(
    id: &str,
    lead: &str,
    decision: crate::domain::decision::DecisionKind,
) -> String {
    tr!(
        "tui-undo-decided",
        id = safe::line(id),
        lead = safe::line(lead),
        decision = decision.as_str()
    )
}

pub fn undone_held_by(id: &str, auditor: &str) -> String {
    tr!(
        "tui-undone-held-by",
        id = safe::line(id),
        auditor = safe::line(auditor)
    )
}

/// The stage the reviewer offers after one is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextStage {
    pub name: String,
    pub to_review: u64,
}

/// The status line after a stage's last card, or on a stage with nothing in it (`empty`): what
/// is done on its first row, where `enter` goes on the second, so that at 80 columns the next
/// stage's name is never parted by a row's end (a long name is cut short, as in the funnel).
pub fn stage_done(stage: &str, filter: &str, next: Option<&NextStage>, empty: bool) -> String {
    let done = if !filter.is_empty() {
        tr!(
            "tui-stage-done-filtered",
            stage = cut(stage, 40),
            filter = cut(filter, 28)
        )
    } else if empty {
        tr!("tui-stage-empty", stage = cut(stage, 40))
    } else {
        tr!("tui-stage-done", stage = cut(stage, 40))
    };
    match next {
        Some(n) => {
            let then = tr!(
                "tui-stage-done-next",
                next = cut(&n.name, 40),
                count = n.to_review
            );
            format!("{done}.\n{then}")
        }
        None => tr!("tui-stage-done-last", done = done),
    }
}

/// `s` made safe and cut to `chars` characters, `…` the last of them when cut.
fn cut(s: &str, chars: usize) -> String {
    let s = safe::line(s);
    if s.chars().count() <= chars {
        return s.into_owned();
    }
    let keep: String = s.chars().take(chars.saturating_sub(1)).collect();
    format!("{keep}…")
}

pub fn all_done() -> String {
    tr!("tui-all-done")
}

/// An action's hint or help line, by the message id the action table names (`item`: the
/// checklist item's number, for the messages that say it).
pub fn action(id: &str, item: Option<u8>) -> String {
    let mut args = super::i18n::FluentArgs::new();
    if let Some(n) = item {
        args.set("n", n);
    }
    if id.starts_with("tui-action-filter-help") {
        filter_keyword_args(&mut args);
    }
    super::i18n::message(id, Some(&args))
}

/// A checklist item key's help where the item is answered on a `0..=max` scale: its steps
/// down from the maximum, all of them when few.
pub fn action_scale(id: &str, item: u8, max: u8) -> String {
    let steps: Vec<String> = if max <= 3 {
        (0..=max).rev().map(|k| k.to_string()).collect()
    } else {
        [
            max.to_string(),
            (max - 1).to_string(),
            "…".into(),
            "0".into(),
        ]
        .into()
    };
    let mut args = super::i18n::FluentArgs::new();
    args.set("n", item);
    args.set("max", max);
    args.set("steps", steps.join(" → "));
    super::i18n::message(id, Some(&args))
}

pub fn too_small(w: u16, h: u16) -> String {
    tr!("tui-too-small", width = w, height = h)
}

pub fn help() -> String {
    tr!("tui-help")
}

pub fn help_title() -> String {
    tr!("tui-help-title")
}

/// The help's last line on screens whose letters are keys: the Russian layout's letters work.
pub fn help_layout() -> String {
    tr!("tui-help-layout")
}

pub fn help_scrolls() -> String {
    format!(" {} ", tr!("tui-help-scrolls"))
}

/// A screen's name in help's title (`name`: the keymap's, `card`, `queue`, …).
pub fn screen(name: &str) -> String {
    match name {
        "funnel" => tr!("tui-screen-funnel"),
        "queue" => tr!("tui-screen-queue"),
        "card" => tr!("tui-screen-card"),
        "filter" => tr!("tui-screen-filter"),
        "picker" => tr!("tui-screen-picker"),
        "comment" => tr!("tui-screen-comment"),
        "input" => tr!("tui-screen-input"),
        "help" => tr!("tui-screen-help"),
        "reviews" => tr!("tui-screen-reviews"),
        "decide" => tr!("tui-screen-decide"),
        "stats" => tr!("tui-screen-stats"),
        "fields" => tr!("tui-screen-fields"),
        other => other.to_string(),
    }
}

pub fn funnel_columns() -> [String; 6] {
    [
        tr!("tui-funnel-stage"),
        tr!("tui-funnel-cards"),
        tr!("tui-funnel-to-review"),
        tr!("tui-funnel-flagged"),
        tr!("tui-funnel-mine"),
        String::new(),
    ]
}

pub fn extra_control() -> String {
    tr!("tui-extra-control")
}

pub fn not_in_funnel() -> String {
    tr!("tui-not-in-funnel")
}

pub fn no_cards() -> String {
    tr!("tui-no-cards")
}

pub fn queue_columns() -> [String; 6] {
    [
        String::new(),
        tr!("tui-queue-id"),
        tr!("tui-queue-title"),
        tr!("tui-queue-owner"),
        tr!("tui-queue-idle"),
        tr!("tui-queue-flags"),
    ]
}

/// Under a shared queue's list: her judged cards it leaves out, and the key of the filter
/// that narrows it.
pub fn judged_unlisted(count: u64, key: &str) -> String {
    tr!("tui-queue-judged-unlisted", count = count, key = key)
}

pub fn queue_empty() -> String {
    tr!("tui-queue-empty")
}

/// A filter that lists nothing to the auditor finds cards other auditors judged: whose each
/// is, and how a second opinion is asked for.
pub fn queue_judged_by_others(
    filter: &str,
    cards: &[crate::domain::queue::JudgedByOthers],
) -> String {
    let cards: Vec<String> = (cards.iter())
        .map(|c| {
            let auditors = c.auditors.join(", ");
            tr!(
                "tui-judged-by-others",
                id = safe::line(&c.external_id),
                count = c.auditors.len(),
                auditors = safe::line(&auditors)
            )
        })
        .collect();
    tr!(
        "tui-queue-judged-by-others",
        filter = safe::line(filter),
        cards = cards.join("; ")
    )
}

/// A queue whose filter matches none of its cards.
pub fn queue_no_match(filter: &str) -> String {
    tr!(
        "tui-queue-no-match",
        filter = crate::text::safe::line(filter)
    )
}

pub fn changed() -> String {
    tr!("tui-changed")
}

pub fn returned() -> String {
    tr!("tui-returned")
}

/// A queue row's word for ◇: another auditor holds the card (listed under `t` or a filter).
pub fn judged_by_other() -> String {
    tr!("tui-judged-by-other")
}

/// The card's line for another auditor's current review of it (`earlier`: of a version of the
/// card the CRM has changed since), the lead's word on it after.
pub fn others_review(r: &crate::domain::others_review::OthersReview) -> String {
    let auditor = safe::line(&r.auditor);
    let said = if r.card_changed {
        tr!(
            "tui-others-review-earlier",
            auditor = auditor,
            verdict = verdict(r.verdict)
        )
    } else {
        tr!(
            "tui-others-review",
            auditor = auditor,
            verdict = verdict(r.verdict)
        )
    };
    match &r.decision {
        Some(d) => format!("{said} · {}", lead_decision(d)),
        None => said,
    }
}

pub fn filter() -> String {
    tr!("tui-filter")
}

pub fn checklist() -> String {
    tr!("tui-checklist")
}

pub fn no_checklist() -> String {
    tr!("tui-no-checklist")
}

/// The mark of a store read under way (a page, a card, the stats).
pub fn loading() -> String {
    tr!("tui-loading")
}

/// The checklist's title beside its name: its score (`None`: nothing counted yet) and how many
/// items it leaves out (not answered yet), in one wording at every width.
pub fn score_title(pct: Option<&str>, unanswered: usize) -> String {
    let open = (unanswered > 0).then(|| tr!("tui-score-unanswered", count = unanswered));
    match (pct, open) {
        (Some(pct), Some(open)) => format!("{pct} · {open}"),
        (Some(pct), None) => pct.to_string(),
        (None, Some(open)) => open,
        (None, None) => "—".to_string(),
    }
}

/// The checklist's box cut short: `count` items hidden above the ones it shows.
pub fn items_above(count: usize) -> String {
    tr!("tui-items-above", count = count)
}

/// The checklist's box cut short: `count` items hidden below the ones it shows.
/// The checklist's edge: `count` items above (`above`) or below the box, `fails` of them
/// suggested ✘? and not answered yet.
pub fn items_out_of_sight(above: bool, count: usize, fails: usize) -> String {
    let items = if above {
        items_above(count)
    } else {
        items_below(count)
    };
    if fails == 0 {
        items
    } else {
        tr!("tui-items-failing", items = items, count = fails)
    }
}

pub fn items_below(count: usize) -> String {
    tr!("tui-items-below", count = count)
}

pub fn suggestion() -> String {
    tr!("tui-suggestion")
}

pub fn stage_arrow() -> String {
    tr!("tui-stage-arrow")
}

pub fn owner_arrow() -> String {
    tr!("tui-owner-arrow")
}

/// A new owner suggestion replaced `was` (a review suggests one owner).
pub fn owner_already(owner: &str) -> String {
    tr!("tui-owner-already", owner = safe::line(owner))
}

pub fn owner_replaced(owner: &str, was: &str) -> String {
    tr!(
        "tui-owner-replaced",
        owner = safe::line(owner),
        was = safe::line(was)
    )
}

pub fn comment() -> String {
    tr!("tui-comment")
}

pub fn your_verdict() -> String {
    tr!("tui-your-verdict")
}

pub fn owner() -> String {
    tr!("tui-owner")
}

pub fn budget() -> String {
    tr!("tui-budget")
}

pub fn stage() -> String {
    tr!("tui-stage")
}

/// The card's path through the funnel: its label.
pub fn path() -> String {
    tr!("tui-path")
}

pub fn since() -> String {
    tr!("tui-since")
}

/// How long a card has been in its stage, beside the day it came: "12 d" / "12 дн.".
pub fn since_days(days: i64) -> String {
    tr!("tui-since-days", count = days)
}

pub fn activity() -> String {
    tr!("tui-activity")
}

pub fn idle() -> String {
    tr!("tui-idle")
}

pub fn created() -> String {
    tr!("tui-created")
}

pub fn contact() -> String {
    tr!("tui-contact")
}

pub fn fields() -> String {
    tr!("tui-fields")
}

pub fn notes() -> String {
    tr!("tui-notes")
}

pub fn tags() -> String {
    tr!("tui-tags")
}

pub fn empty() -> String {
    tr!("tui-empty")
}

pub fn gone() -> String {
    tr!("tui-gone")
}

/// The stage as the CRM names it, beside the funnel's name for it.
pub fn stage_in_crm(name: &str) -> String {
    tr!("tui-stage-in-crm", name = name)
}

pub fn closed() -> String {
    tr!("tui-closed")
}

pub fn pick_stage() -> String {
    tr!("tui-pick-stage")
}

/// A stage picker's mark on a stage the card's own CRM pipeline has no place for.
pub fn not_in_crm_pipeline() -> String {
    tr!("tui-not-in-crm-pipeline")
}

/// What the mark means, under the picker's list.
pub fn not_in_crm_pipeline_means() -> String {
    tr!("tui-not-in-crm-pipeline-means")
}

/// An owner in the owner picker whom only other sources' cards name.
pub fn other_source() -> String {
    tr!("tui-other-source")
}

/// What that mark means, under the picker's list: `source`, the card's.
pub fn other_source_means(source: &str) -> String {
    tr!("tui-other-source-means", source = safe::line(source))
}

pub fn pick_owner() -> String {
    tr!("tui-pick-owner")
}

pub fn pick_field() -> String {
    tr!("tui-pick-field")
}

pub fn comment_title() -> String {
    tr!("tui-comment-title")
}

/// A picker that finds nothing for what was typed: letters search there, and `keys` (the
/// keymap's for moving down) move down the list (tester42 F15: `j` typed «j», found nothing).
pub fn picker_no_match(keys: &str) -> String {
    tr!("tui-picker-no-match", keys = keys.to_string())
}

pub fn days_ago(d: i64) -> String {
    tr!("tui-days-ago", count = d)
}

/// A card came to its stage after the day judged (a later import saw the move): said instead
/// of a date to come.
pub fn came_after_day_judged(judged: chrono::NaiveDate) -> String {
    tr!(
        "tui-came-after-day-judged",
        judged = crate::text::common::day(judged)
    )
}

/// A card's last activity is after the day judged (0 days idle): said instead of "today".
pub fn after_day_judged(judged: chrono::NaiveDate) -> String {
    tr!(
        "tui-after-day-judged",
        judged = crate::text::common::day(judged)
    )
}

pub fn field_input_title(field: &str) -> String {
    format!(
        " {} ",
        tr!("tui-field-input-title", field = safe::line(field))
    )
}

/// The line under the value: what the field takes and how the box is used.
pub fn field_input_help(kind: crate::domain::funnel::FieldKind) -> String {
    use crate::domain::funnel::FieldKind as K;
    let how = tr!("tui-field-input-how");
    match kind {
        K::Date => tr!("tui-field-input-date", how = how),
        K::Number => tr!("tui-field-input-number", how = how),
        K::Text | K::Bool | K::List => tr!("tui-field-input-text", how = how),
    }
}

/// A typed value that is not of the field's type; the field by the name the card and the field
/// picker give it («Budget»), not its key (`amount`).
pub fn not_typed(field: &str, kind: crate::domain::funnel::FieldKind, value: &str) -> String {
    use crate::domain::funnel::FieldKind as K;
    let field = field_label(field);
    let (field, value) = (safe::line(&field), safe::line(value));
    match kind {
        K::Date => tr!("tui-not-a-date", value = value, field = field),
        K::Number => tr!("tui-not-a-number", value = value, field = field),
        K::Text | K::Bool | K::List => tr!("tui-not-text", value = value, field = field),
    }
}

/// A budget below zero; the field named as [`not_typed`] names it.
pub fn negative_amount(field: &str, value: &str) -> String {
    let field = field_label(field);
    tr!(
        "tui-negative-amount",
        value = safe::line(value),
        field = safe::line(&field)
    )
}

pub fn more_text(bytes: usize) -> String {
    tr!("tui-more-text", kb = bytes.div_ceil(1024))
}

pub fn more_notes(n: usize) -> String {
    tr!("tui-more-notes", count = n)
}

/// How the card and the field picker name a field: okk's own fields by a word of the current
/// language, the CRM's by their header.
pub fn field_label(name: &str) -> String {
    use crate::domain::SystemField as S;
    match S::from_name(name) {
        Some(S::Title) => tr!("tui-field-title"),
        Some(S::Stage) => tr!("tui-field-stage"),
        Some(S::Pipeline) => tr!("tui-field-pipeline"),
        Some(S::Owner) => tr!("tui-field-owner"),
        Some(S::Amount) => tr!("tui-field-amount"),
        Some(S::Currency) => tr!("tui-field-currency"),
        Some(S::CreatedAt) => tr!("tui-field-created-at"),
        Some(S::UpdatedAt) => tr!("tui-field-updated-at"),
        Some(S::ClosedAt) => tr!("tui-field-closed-at"),
        Some(S::ExpectedCloseAt) => tr!("tui-field-expected-close-at"),
        Some(S::LastActivityAt) => tr!("tui-field-last-activity-at"),
        Some(S::Contact) => tr!("tui-field-contact"),
        Some(S::Company) => tr!("tui-field-company"),
        Some(S::Phone) => tr!("tui-field-phone"),
        Some(S::Email) => tr!("tui-field-email"),
        Some(S::Tags) => tr!("tui-field-tags"),
        Some(S::Notes) => tr!("tui-field-notes"),
        Some(S::ExternalId) => tr!("tui-field-external-id"),
        Some(S::Closed) => tr!("tui-field-closed"),
        Some(S::Won) => tr!("tui-field-won"),
        Some(S::Status) => tr!("tui-field-status"),
        None => name.to_string(),
    }
}

pub fn card_not_synced(id: &str) -> String {
    tr!("tui-card-not-synced", id = safe::line(id))
}

pub fn decided(kind: &str, id: &str) -> String {
    let id = safe::line(id);
    match kind {
        "accept" => tr!("tui-accepted", id = id),
        "override" => tr!("tui-overridden", id = id),
        _ => tr!("tui-sent-back", id = id),
    }
}

/// The reviews the filter shows are all decided; `awaiting` outside it still wait.
pub fn all_decided_here(awaiting: usize) -> String {
    tr!("tui-all-decided-here", count = awaiting)
}

pub fn all_decided() -> String {
    tr!("tui-all-decided")
}

pub fn decision_undone() -> String {
    tr!("tui-decision-undone")
}

pub fn lead() -> String {
    tr!("tui-lead")
}

pub fn pick_verdict() -> String {
    tr!("tui-pick-verdict")
}

pub fn return_note() -> String {
    format!(" {} ", tr!("tui-return-note"))
}

pub fn lead_columns() -> [String; 8] {
    [
        String::new(),
        tr!("tui-lead-card"),
        tr!("tui-lead-stage"),
        tr!("tui-lead-auditor"),
        tr!("tui-lead-verdict"),
        tr!("tui-lead-score"),
        tr!("tui-lead-suggestion"),
        tr!("tui-lead-age"),
    ]
}

/// The fields a review corrects, as the lead's list names them beside the stage or owner: the
/// one field by its label («поле: Телефон»), several by their count.
pub fn lead_fields(fields: &[String]) -> String {
    match fields {
        [] => String::new(),
        [one] => tr!("tui-lead-field", field = field_label(one)),
        many => tr!("tui-lead-fields", count = many.len()),
    }
}

/// The lead's filter word `word` (`since:…`, `until:…`) holds a day in no form okk reads.
pub fn filter_bad_day(word: &str) -> String {
    tr!("tui-filter-bad-day", word = safe::line(word))
}

/// The lead's list's bottom line: the filter's keywords, each by its first word in the current
/// language (the table the filter reads, [`filter_keywords`]).
pub fn lead_filter_help() -> String {
    let [
        auditor,
        stage,
        verdict,
        since,
        until,
        disagree,
        calibration,
        source,
    ] = FilterKey::ALL.map(|key| filter_words(key).into_iter().next().unwrap_or_default());
    format!(
        " {} ",
        tr!(
            "tui-lead-filter-help",
            auditor = &auditor,
            stage = &stage,
            verdict = &verdict,
            since = &since,
            until = &until,
            disagree = &disagree,
            calibration = &calibration,
            source = &source,
        )
    )
}

/// The words the filter keyword `key` answers to in the current language, the one the help
/// shows first (never empty: a catalogue without it falls back to English).
pub fn filter_words(key: FilterKey) -> Vec<String> {
    let words = match key {
        FilterKey::Auditor => tr!("tui-filter-word-auditor"),
        FilterKey::Stage => tr!("tui-filter-word-stage"),
        FilterKey::Verdict => tr!("tui-filter-word-verdict"),
        FilterKey::Since => tr!("tui-filter-word-since"),
        FilterKey::Until => tr!("tui-filter-word-until"),
        FilterKey::Disagree => tr!("tui-filter-word-disagree"),
        FilterKey::Calibration => tr!("tui-filter-word-calibration"),
        FilterKey::Source => tr!("tui-filter-word-source"),
    };
    words.split_whitespace().map(str::to_string).collect()
}

/// The word `okk lead`'s filter bar shows for the cards whose auditors disagree, as other
/// commands name that filter (`спор` in Russian).
pub fn disagree_word() -> String {
    filter_words(FilterKey::Disagree)
        .into_iter()
        .next()
        .unwrap_or_default()
}

/// Every language's words for every filter keyword, folded (`names::fold`): what the filter
/// takes whichever language the interface speaks — a Russian lead types what the list and help
/// say, an English one too.
pub fn filter_keywords() -> &'static [(String, FilterKey)] {
    static ALL: std::sync::OnceLock<Vec<(String, FilterKey)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all = Vec::new();
        for lang in super::lang::Lang::ALL {
            super::lang::with(lang, || {
                for key in FilterKey::ALL {
                    for word in filter_words(key) {
                        all.push((crate::domain::names::fold(&word), key));
                    }
                }
            })
        }
        all
    })
}

/// The filter keyword `word` names, by any of its words in any language ([`filter_keywords`]);
/// case and ё/е do not matter.
pub fn filter_keyword(word: &str) -> Option<FilterKey> {
    let word = crate::domain::names::fold(word);
    (filter_keywords().iter())
        .find(|(w, _)| *w == word)
        .map(|(_, key)| *key)
}

/// A filter's help names its keywords by the words the filter takes: in the current language
/// (`auditor`, …; several as `спор/расходятся`), and every other language's as `other`.
fn filter_keyword_args(args: &mut super::i18n::FluentArgs<'_>) {
    for key in FilterKey::ALL {
        args.set(filter_arg(key), filter_words(key).join("/"));
    }
    let current = super::lang::current();
    let other: Vec<String> = (super::lang::Lang::ALL.into_iter())
        .filter(|l| *l != current)
        .flat_map(|lang| {
            super::lang::with(lang, || {
                (FilterKey::ALL.into_iter())
                    .flat_map(|key| {
                        let colon = if key.takes_value() { ":" } else { "" };
                        filter_words(key)
                            .into_iter()
                            .map(move |w| format!("{w}{colon}"))
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    args.set("other", other.join(", "));
}

/// The placeable a filter's help names keyword `key` by.
fn filter_arg(key: FilterKey) -> &'static str {
    match key {
        FilterKey::Auditor => "auditor",
        FilterKey::Stage => "stage",
        FilterKey::Verdict => "verdict",
        FilterKey::Since => "since",
        FilterKey::Until => "until",
        FilterKey::Disagree => "disagree",
        FilterKey::Calibration => "calibration",
        FilterKey::Source => "source",
    }
}

/// "3 d", "5 h", "now": how long a review has waited.
pub fn age(days: i64, hours: i64) -> String {
    if days > 0 {
        tr!("tui-age-days", count = days)
    } else if hours > 0 {
        tr!("tui-age-hours", count = hours)
    } else {
        tr!("tui-age-now")
    }
}

pub fn reviews_empty() -> String {
    tr!("tui-reviews-empty")
}

pub fn review() -> String {
    tr!("tui-review")
}

/// How long the auditor looked at the card before her verdict.
pub fn spent(seconds: f64) -> String {
    tr!("tui-spent", time = super::common::duration(seconds))
}

pub fn disagrees() -> String {
    tr!("tui-disagrees")
}

pub fn by_auditor(auditor: &str) -> String {
    tr!("tui-by-auditor", auditor = safe::line(auditor))
}

pub fn lead_decision(d: &crate::domain::decision::LeadDecision) -> String {
    use crate::domain::decision::DecisionKind as K;
    let who = safe::line(&d.lead);
    match d.decision.kind {
        K::Accept => tr!("tui-lead-accepted", lead = who),
        K::Override => tr!(
            "tui-lead-overridden",
            lead = who,
            verdict = d.decision.verdict.map(verdict).unwrap_or_default(),
            stage = d
                .decision
                .suggested_stage
                .as_deref()
                .map(|s| format!(" «{}»", safe::line(s)))
                .unwrap_or_default(),
            owner = d
                .decision
                .suggested_owner
                .as_deref()
                .map(|o| format!(", {} {}", owner_arrow(), safe::line(o)))
                .unwrap_or_default()
        ),
        K::Return => tr!("tui-lead-sent-back", lead = who),
    }
}

/// Under the lead's override pickers: the auditor's owner suggestion stands with the lead's
/// verdict, and reaches the CRM file.
pub fn override_keeps_owner(owner: &str) -> String {
    tr!("tui-override-keeps-owner", owner = safe::line(owner))
}

/// The label of the lead's note on the auditor's card.
pub fn lead_note(lead: &str) -> String {
    tr!("tui-lead-note", lead = safe::line(lead))
}

pub fn calibration() -> String {
    tr!("tui-calibration")
}

pub fn others() -> String {
    tr!("tui-others")
}

/// Beside another auditor's word on the card: the stage they judged it at, where it is not the
/// one the review open was made at.
pub fn others_at_stage(stage: &str) -> String {
    tr!("tui-others-at-stage", stage = safe::line(stage))
}

/// The card's auditors disagree and no decision settles it (the CRM export leaves it out).
pub fn auditors_split() -> String {
    tr!("tui-auditors-split")
}

/// The decision that settles the review's card, when it is on another review of the card.
pub fn card_settled(s: &crate::domain::settled::Settled) -> String {
    let at = super::common::stored_time(&s.decision.created_at);
    tr!(
        "tui-card-settled",
        verdict = verdict(s.verdict()),
        lead = safe::line(&s.decision.lead),
        auditor = safe::line(&s.auditor),
        at = at
    )
}

/// A review made after the decision that settles its card.
pub fn came_after_decision() -> String {
    tr!("tui-came-after-decision")
}

/// On the lead's decide screen: a sync changed the card after the review, in its stage.
pub fn review_card_changed() -> String {
    tr!("tui-review-card-changed")
}

/// On the lead's decide screen: a sync moved the card to stage `now` after the review made at
/// stage `then`, whose checklist the review answers.
pub fn review_card_moved(now: &str, then: &str) -> String {
    tr!(
        "tui-review-card-moved",
        now = safe::line(now),
        then = safe::line(then)
    )
}

/// On the auditor's card: a sync changed it after her review of it.
pub fn your_review_card_changed() -> String {
    tr!("tui-your-review-card-changed")
}

/// On the auditor's card: a sync moved it from stage `then`, where she judged it, to `now`.
pub fn your_review_card_moved(then: &str, now: &str) -> String {
    tr!(
        "tui-your-review-card-moved",
        then = safe::line(then),
        now = safe::line(now)
    )
}

/// On the auditor's card: a sync changed it after her review of it; the fields it changed
/// follow.
pub fn your_review_changed_fields() -> String {
    tr!("tui-your-review-changed-fields")
}

/// A field a sync changed, by the name the card shows it with: the word the ↻ list under a
/// verdict and the status line both use.
pub fn changed_field(f: &crate::domain::as_judged::Field) -> String {
    use crate::domain::as_judged::Field;
    match f {
        Field::System(s) => field_label(s.name()),
        Field::Custom(name) => safe::line(name).into_owned(),
        Field::Others => other_fields(),
    }
}

/// Fields named at most in a status line; the rest are counted.
const FIELDS_SAID: usize = 4;

/// The card on screen (`id`) changed in the store since it was read (an import, a sync wrote
/// it): shown again as it is now, the fields that changed named (none: only what the card does
/// not show changed), and the auditor asked to look again. `refused`: the verdict the store
/// refused on the old content.
pub fn changed_on_screen(
    id: &str,
    fields: &[crate::domain::as_judged::Field],
    refused: Option<Verdict>,
) -> String {
    let id = safe::line(id);
    let named = fields_said(fields);
    match (refused, named.is_empty()) {
        (None, false) => tr!("tui-changed-on-screen", id = id, fields = named),
        (None, true) => tr!("tui-changed-on-screen-unlisted", id = id),
        (Some(v), false) => tr!(
            "tui-changed-on-screen-refused",
            id = id,
            fields = named,
            verdict = verdict(v)
        ),
        (Some(v), true) => tr!(
            "tui-changed-on-screen-refused-unlisted",
            id = id,
            verdict = verdict(v)
        ),
    }
}

/// The lead's card on the decide screen (`id`) changed in the store since it was drawn, and the
/// store refused the lead's decision `refused` on it: shown again as it is now, the fields that
/// changed named in the words [`changed_on_screen`] uses, the lead asked to look again.
pub fn decision_changed_on_screen(
    id: &str,
    fields: &[crate::domain::as_judged::Field],
    refused: crate::domain::decision::DecisionKind,
) -> String {
    let id = safe::line(id);
    let named = fields_said(fields);
    let decision = refused.as_str();
    if named.is_empty() {
        tr!(
            "tui-changed-on-screen-decision-unlisted",
            id = id,
            decision = decision
        )
    } else {
        tr!(
            "tui-changed-on-screen-decision",
            id = id,
            fields = named,
            decision = decision
        )
    }
}

/// The fields a change names on the status line: the first few by the card's words, the rest
/// counted.
fn fields_said(fields: &[crate::domain::as_judged::Field]) -> String {
    let mut named: Vec<String> = fields.iter().take(FIELDS_SAID).map(changed_field).collect();
    if fields.len() > FIELDS_SAID {
        named.push(more_changes(fields.len() - FIELDS_SAID));
    }
    named.join(", ")
}

/// On the lead's decide screen: a sync changed the card after the review; the fields follow.
pub fn review_changed_fields() -> String {
    tr!("tui-review-changed-fields")
}

/// Under the fields a sync changed: how many more it changed than are listed.
pub fn more_changes(n: usize) -> String {
    tr!("tui-more-changes", count = n)
}

/// A change of the custom fields kept together (a card of very many fields).
pub fn other_fields() -> String {
    tr!("tui-other-fields")
}

/// A field whose value is too long to show changed.
pub fn value_changed() -> String {
    tr!("tui-value-changed")
}

/// A yes/no field's value.
pub fn yes() -> String {
    tr!("tui-yes")
}

pub fn no() -> String {
    tr!("tui-no")
}

/// On the lead's decide screen: the stage the review was made at is gone from the funnel.
/// A checklist item a review answered that no funnel version the store recorded names: its id.
pub fn item_not_in_funnel(id: &str) -> String {
    tr!("tui-item-not-in-funnel", id = safe::line(id))
}

pub fn review_stage_gone(stage: &str) -> String {
    tr!("tui-review-stage-gone", stage = safe::line(stage))
}

/// A review settled with its card by the decision on another auditor's review.
pub fn settled_with_card() -> String {
    tr!("tui-settled-with-card")
}

pub fn note_needed() -> String {
    tr!("tui-note-needed")
}

pub fn reviews_title(waiting: usize, all: usize) -> String {
    format!(
        " {} ",
        tr!("tui-reviews-title", waiting = waiting, all = all)
    )
}

/// The reviewer started with no name given: whose name its verdicts are saved under, and how
/// to set one.
pub fn auditor_unnamed(name: &str) -> String {
    tr!("tui-auditor-unnamed", name = name)
}

pub fn flags_from(day: &str) -> String {
    tr!("tui-flags-from", day = super::common::stored_time(day))
}

/// Under the stats screen's stages: what the share not ok counts, and how many of the cards
/// not ok are only unclear.
pub fn stats_not_ok(unclear: u64) -> String {
    tr!("tui-stats-not-ok-counts", unclear = unclear)
}

/// Under the stats screen's totals, when cards judged at more than one stage make the stages'
/// samples add up to more (`rows`) than the cards judged in all.
pub fn stats_several_stages(rows: u64) -> String {
    tr!(
        "tui-stats-several-stages",
        rows = super::common::int(rows as i64)
    )
}

pub fn stats_stages() -> String {
    format!(" {} ", tr!("tui-stats-stages"))
}

pub fn stats_managers() -> String {
    format!(" {} ", tr!("tui-stats-managers"))
}

pub fn stats_manager_columns() -> [String; 5] {
    [
        tr!("tui-stats-manager"),
        tr!("tui-stats-cards"),
        tr!("tui-stats-reviews"),
        tr!("tui-stats-not-ok"),
        tr!("tui-stats-idle"),
    ]
}

pub fn stats_bottlenecks() -> String {
    format!(" {} ", tr!("tui-stats-bottlenecks"))
}

pub fn stats_too_few() -> String {
    tr!("tui-stats-too-few")
}

/// The line under the stats screen's managers or bottlenecks when an estimate there is marked:
/// most of its cards judged predate `version` (the latest of the changes marked there, which
/// every card counted predates); `okk stats` has a sentence for each.
pub fn stats_before_change(version: i64) -> String {
    tr!("tui-stats-before-change", version = version)
}

/// The line under the stats screen's bottlenecks when their stages' estimates leave out open
/// cards of a kind (flagged now, or not) none of which was judged there; `okk stats` says where.
pub fn stats_unsampled(count: u64) -> String {
    tr!(
        "tui-stats-unsampled",
        count = super::common::int(count as i64),
        count_n = count
    )
}

/// The sample a share comes from: `n=12`; nothing without one.
pub fn of_reviews(n: u64) -> String {
    if n == 0 {
        String::new()
    } else {
        tr!("tui-stats-n", count = n)
    }
}

pub fn stats_no_reviews() -> String {
    tr!("tui-stats-no-reviews")
}

pub fn stats_trend(days: usize) -> String {
    format!(" {} ", tr!("tui-stats-trend", days = days))
}

pub fn stats_last_week(week: &str, reviews: u64, not_ok: &str) -> String {
    tr!(
        "tui-stats-last-week",
        week = week,
        share = not_ok,
        count = reviews
    )
}

/// The head of [`stats_last_week`] on a line of its own, where the whole does not fit.
pub fn stats_week_head(week: &str) -> String {
    tr!("tui-stats-week-head", week = week)
}

/// [`stats_last_week`] under [`stats_week_head`]: the share, its words and its sample whole.
pub fn stats_week_figure(reviews: u64, not_ok: &str) -> String {
    tr!("tui-stats-week-figure", share = not_ok, count = reviews)
}

pub fn stats_totals(reviews: u64, not_ok: &str) -> String {
    tr!("tui-stats-totals", share = not_ok, count = reviews)
}

pub fn fields_title() -> String {
    format!(" {} ", tr!("tui-fields-title"))
}

pub fn fields_none() -> String {
    tr!("tui-fields-none")
}

pub fn fields_columns() -> [String; 8] {
    [
        tr!("tui-fields-field"),
        tr!("tui-fields-stage"),
        tr!("tui-fields-kept-as"),
        tr!("tui-stats-cards"),
        tr!("tui-fields-filled"),
        tr!("tui-fields-rate"),
        tr!("tui-fields-trend"),
        tr!("tui-fields-emptiest"),
    ]
}

/// How the funnel holds the field at the stage: bound, required, both or neither.
pub fn fields_mark(bound: bool, required: bool) -> String {
    match (bound, required) {
        (true, true) => tr!("tui-fields-bound-required"),
        (true, false) => tr!("tui-fields-bound"),
        (false, true) => tr!("tui-fields-required"),
        (false, false) => String::new(),
    }
}

/// A checklist item's weight as its line shows it (`вес 4`, `w4`), `!` after a critical one's.
pub fn item_weight(weight: u32, critical: bool) -> String {
    let critical = if critical { "yes" } else { "no" };
    tr!("tui-item-weight", weight = weight, critical = critical)
}

/// A card or a manager with no owner, wherever the reviewer's screens name an owner.
pub fn no_owner() -> String {
    tr!("tui-no-owner")
}

pub fn stats_title() -> String {
    tr!("tui-stats-title")
}

/// Help's heading over the marks of the screen.
pub fn marks_heading() -> String {
    tr!("tui-marks")
}

/// A flag letter's meaning (the queue's Flags column shows one letter per flag).
pub fn flag_meaning(code: crate::domain::flag::RuleCode) -> String {
    use crate::domain::flag::RuleCode as R;
    match code {
        R::Required => tr!("tui-flag-required"),
        R::Idle => tr!("tui-flag-idle"),
        R::Date => tr!("tui-flag-date"),
        R::Markers => tr!("tui-flag-markers"),
        R::ClosedOpen => tr!("tui-flag-closed-open"),
        R::Backwards => tr!("tui-flag-backwards"),
        R::Gone => tr!("tui-flag-gone"),
        R::UnknownStage => tr!("tui-flag-unknown-stage"),
        R::NoTask => tr!("tui-flag-no-task"),
    }
}

/// The queue's one-line legend: a letter or mark and its short word.
pub fn flag_word(code: crate::domain::flag::RuleCode) -> String {
    use crate::domain::flag::RuleCode as R;
    match code {
        R::Required => tr!("tui-word-required"),
        R::Idle => tr!("tui-word-idle"),
        R::Date => tr!("tui-word-date"),
        R::Markers => tr!("tui-word-markers"),
        R::ClosedOpen => tr!("tui-word-closed-open"),
        R::Backwards => tr!("tui-word-backwards"),
        R::Gone => tr!("tui-word-gone"),
        R::UnknownStage => tr!("tui-word-unknown-stage"),
        R::NoTask => tr!("tui-word-no-task"),
    }
}

/// Beside a checklist item suggested failed because the card has its field empty (no flag).
pub fn why_empty() -> String {
    tr!("tui-why-empty")
}

/// The queue legend's word for ↩ (a card the lead sent back), short: the row says the rest.
pub fn legend_returned() -> String {
    tr!("tui-legend-returned")
}

/// The queue legend's word for ↻ (a card changed since the auditor's review), short.
/// The queue's legend: a card holding her draft.
pub fn legend_draft() -> String {
    tr!("tui-legend-draft")
}

pub fn legend_changed() -> String {
    tr!("tui-legend-changed")
}

/// The queue legend's word for ◇ (a card another auditor holds), short.
pub fn legend_judged_by_other() -> String {
    tr!("tui-legend-judged-by-other")
}

/// The end of a line of filter keywords cut short: the rest are in help.
pub fn filter_more() -> String {
    tr!("tui-filter-more")
}

pub fn legend_more() -> String {
    tr!("tui-legend-more")
}

/// The marks of a screen (`screen`: the keymap's name of it) and what they mean, as help lists
/// them under the keys (the queue's flag letters and verdict marks are added from their own
/// tables).
pub fn marks(screen: &str) -> Vec<(String, String)> {
    let m = |mark: &str, meaning: String| (mark.to_string(), meaning);
    match screen {
        "funnel" => vec![
            m("◆", tr!("tui-mark-funnel-extra")),
            m("?", tr!("tui-mark-funnel-unknown")),
            m("█░", tr!("tui-mark-funnel-progress")),
            (
                tr!("tui-mark-funnel-mine-label"),
                tr!("tui-mark-funnel-mine"),
            ),
        ],
        "queue" => vec![
            m("RR", tr!("tui-mark-queue-flags")),
            (tr!("tui-mark-queue-idle-label"), tr!("tui-mark-queue-idle")),
            m("✎", tr!("tui-mark-queue-draft")),
            m("↻", tr!("tui-mark-queue-changed")),
            m("◎", tr!("tui-mark-queue-calibration")),
            m("↩", tr!("tui-mark-queue-returned")),
            m("◇", tr!("tui-mark-queue-judged-by-other")),
            m("3/29", tr!("tui-mark-queue-place")),
        ],
        "card" => vec![
            m("⚑", tr!("tui-mark-card-flag")),
            m("✔ ✘ –", tr!("tui-mark-card-items")),
            m("✔? ✘?", tr!("tui-mark-card-suggested")),
            m("·", tr!("tui-mark-card-unanswered")),
            m("3/5", tr!("tui-mark-card-scale")),
            m("↓ 2", tr!("tui-mark-card-hidden")),
            m(&item_weight(4, false), tr!("tui-mark-card-weight")),
            m(&item_weight(4, true), tr!("tui-mark-card-critical")),
            (tr!("tui-mark-card-score-label"), tr!("tui-mark-card-score")),
            (tr!("tui-mark-card-empty-label"), tr!("tui-mark-card-empty")),
            m("(?)", tr!("tui-mark-card-unread")),
            (tr!("tui-mark-card-idle-label"), tr!("tui-mark-card-idle")),
            m("X → Y", tr!("tui-mark-card-correction")),
            m("↩", tr!("tui-mark-card-lead-note")),
        ],
        // In the order of the list's mark columns (`view::lead::marks`).
        "reviews" => vec![
            m("⚠⇄◎", tr!("tui-mark-reviews-column")),
            m("⚠", tr!("tui-mark-reviews-disagrees")),
            m("✔", tr!("tui-mark-reviews-accepted")),
            m("≠", tr!("tui-mark-reviews-overridden")),
            m("↩", tr!("tui-mark-reviews-returned")),
            m("≡", tr!("tui-mark-reviews-settled")),
            m("↻", tr!("tui-mark-reviews-after")),
            m("⇄", tr!("tui-mark-reviews-split")),
            m("◎", tr!("tui-mark-reviews-calibration")),
            m("↳", tr!("tui-mark-reviews-later")),
            (
                tr!("tui-mark-reviews-age-label"),
                tr!("tui-mark-reviews-age"),
            ),
        ],
        "decide" => vec![
            m("✔ ✘ –", tr!("tui-mark-card-items")),
            m("3/5", tr!("tui-mark-decide-scale")),
            (
                format!("{} {}", item_weight(4, false), item_weight(4, true)),
                tr!("tui-mark-decide-weight"),
            ),
            m("⚠", tr!("tui-mark-decide-disagrees")),
            m("⇄", tr!("tui-mark-decide-split")),
            m("◎", tr!("tui-mark-decide-calibration")),
        ],
        _ => Vec::new(),
    }
}

/// A shared queue read again (a new filter, `t`) that leaves out `count` cards she held: they
/// are the others' to take again.
/// Cards the lead sent back came to the auditor's list of a shared queue.
/// The card on screen was taken out of the store (`okk db prune`) meanwhile: noticed by a
/// refresh (`verdict`: None), or by the store's refusal of a verdict (or of a draft: `Some(None)`).
pub fn card_removed(id: &str, refused: Option<Option<Verdict>>) -> String {
    let id = safe::line(id);
    match refused {
        None => tr!("tui-card-removed", id = id),
        Some(Some(v)) => tr!("tui-card-removed-verdict", id = id, verdict = verdict(v)),
        Some(None) => tr!("tui-card-removed-draft", id = id),
    }
}

/// The open queue's stage, one the funnel does not know, has no card left in the store: a
/// prune took them all out.
pub fn stage_emptied(stage: &str) -> String {
    tr!("tui-stage-emptied", stage = safe::line(stage))
}

/// Cards of the open list (not the one on screen) taken out of the store meanwhile.
pub fn cards_removed(count: usize) -> String {
    tr!("tui-cards-removed", count = count)
}

pub fn sent_back_listed(count: usize) -> String {
    tr!("tui-sent-back-listed", count = count)
}

/// A lead applied another funnel to the store while the screen was open.
pub fn funnel_changed(version: i64) -> String {
    tr!("tui-funnel-changed", version = version)
}

pub fn given_back_unlisted(count: usize) -> String {
    tr!("tui-given-back-unlisted", count = count)
}

/// The queue's "all cards" toggle, as it now stands.
pub fn all_cards(all: bool) -> String {
    if all {
        tr!("tui-all-cards-on")
    } else {
        tr!("tui-all-cards-off")
    }
}

/// The queue's title when the toggle lists every card.
/// The queue box's figures: the stage's cards the auditor judged, of all its cards (the funnel
/// screen's «Мои» and «Всего»).
pub fn queue_mine_of(mine: u64, cards: u64) -> String {
    tr!("tui-queue-mine-of", mine = mine, cards = cards)
}

pub fn queue_all() -> String {
    tr!("tui-queue-all")
}

pub const CRM: &str = "CRM";

pub fn crm_opened(url: &str) -> String {
    tr!("tui-crm-opened", url = safe::line(url))
}

pub fn crm_no_browser(url: &str) -> String {
    tr!("tui-crm-no-browser", url = safe::line(url))
}

pub fn crm_no_link(source: &str) -> String {
    tr!("tui-crm-no-link", source = safe::line(source).into_owned())
}

/// A verdict key the Russian layout's letter `typed` stands for came right after another key
/// typed: taken for a word typed where no box is open, not a verdict.
pub fn typed_not_verdict(typed: String) -> String {
    crate::tr!(
        "tui-typed-not-verdict",
        key = super::safe::line(&typed).into_owned()
    )
}

/// The fields view's count of an owner's cards that leave the field empty, of all theirs.
pub fn fields_empty_of(empty: u64, cards: u64) -> String {
    tr!("tui-fields-empty-of", empty = empty, cards = cards)
}

#[cfg(test)]
mod tests {
    use super::given_back_unlisted;
    use crate::text::lang::{Lang, with};

    /// One name for a stage outside the funnel (tester39 F15: «U чужой этап» in the queue's
    /// legend, «? нет в воронке» on the funnel screen; tester42: `okk check` said «чужой этап»
    /// too, where English keeps the rule's code that `--rule` takes).
    #[test]
    fn a_stage_outside_the_funnel_has_one_name_on_every_screen() {
        use crate::domain::flag::RuleCode;
        for lang in [Lang::Ru, Lang::En] {
            with(lang, || {
                let word = super::flag_word(RuleCode::UnknownStage);
                assert_eq!(word, super::not_in_funnel());
            });
        }
        with(Lang::Ru, || {
            let check = crate::text::check::rule_name(RuleCode::UnknownStage);
            assert_eq!(check, super::not_in_funnel());
        });
    }

    /// One style of per cent on the screens (tester39 F15: «95 %» beside «0%»): Russian after
    /// a no-break space, English without one.
    #[test]
    fn a_percentage_is_written_as_the_language_writes_it() {
        with(Lang::Ru, || assert_eq!(super::percent(95.4), "95\u{a0}%"));
        with(Lang::En, || assert_eq!(super::percent(0.0), "0%"));
    }

    /// A verdict's moment fits the suggestion box's row at 80 columns beside its word (tester39
    /// F14: «06.12.2026 22:41:39» wrapped): the time on the day judged, else the day.
    #[test]
    fn a_verdict_s_moment_is_the_time_on_the_day_judged_else_the_day_without_seconds() {
        let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        with(Lang::Ru, || {
            assert_eq!(
                super::judged_when(&at("2026-12-06 22:41:39"), today),
                "22:41"
            );
            assert_eq!(
                super::judged_when(&at("2026-11-20 09:05:00"), today),
                "20.11"
            );
            assert_eq!(
                super::judged_when(&at("2025-12-31 23:59:59"), today),
                "31.12.2025"
            );
        });
    }

    /// The stats screen's day box names the unclear verdicts only when there are some: «(неясно:
    /// 0)» read as a figure to look into (tui2's item 4).
    #[test]
    fn the_day_box_leaves_out_unclear_when_there_is_none() {
        let ru = with(Lang::Ru, || super::stats_not_ok(0));
        assert_eq!(ru, "ошибки: не тот этап, устарела, мёртвый лид или неясно");
        let ru = with(Lang::Ru, || super::stats_not_ok(3));
        assert_eq!(
            ru,
            "ошибки: не тот этап, устарела, мёртвый лид или неясно (неясно: 3)"
        );
        let en = with(Lang::En, || super::stats_not_ok(0));
        assert_eq!(en, "not ok: wrong stage, stale, dead or unclear");
        let en = with(Lang::En, || super::stats_not_ok(2));
        assert_eq!(
            en,
            "not ok: wrong stage, stale, dead or unclear (2 unclear)"
        );
    }

    /// A card changed on screen: its fields by the card's words for them, four at most and the
    /// rest counted; a CRM's field name shown inert; none named when only what the card does not
    /// show changed; the refused verdict said in its words.
    #[test]
    fn a_card_changed_on_screen_names_its_fields_in_the_card_s_words() {
        use super::changed_on_screen;
        use crate::domain::SystemField as S;
        use crate::domain::as_judged::Field;
        use crate::domain::review::Verdict;
        let fields = [
            Field::System(S::Amount),
            Field::System(S::Notes),
            Field::Custom("Дата\u{1b}[2J встречи".into()),
            Field::System(S::Owner),
            Field::System(S::Title),
            Field::Others,
        ];
        let en = with(Lang::En, || changed_on_screen("77", &fields, None));
        assert!(
            en.starts_with("#77 changed in the CRM while it was on screen: Budget, Notes, "),
            "{en}"
        );
        assert!(!en.contains('\u{1b}'), "{en}");
        assert!(
            en.contains("Owner, … and 2 more — look at the card again"),
            "{en}"
        );
        let ru = with(Lang::Ru, || {
            changed_on_screen("77", &fields[..2], Some(Verdict::Ok))
        });
        assert_eq!(
            ru,
            "карточка #77 изменилась в CRM, пока была на экране: Бюджет, Примечания — вердикт \
             «в порядке» не сохранён; посмотрите её ещё раз"
        );
        let unlisted = with(Lang::En, || {
            changed_on_screen("77", &[], Some(Verdict::Dead))
        });
        assert_eq!(
            unlisted,
            "#77 changed in the CRM while it was on screen — the verdict «dead» was not \
             saved; look at the card again"
        );
    }

    /// Every field of okk's own is named by a word of the language wherever a person reads it
    /// (the card, the field picker, the import's report, the reviews export), never by its key:
    /// «Сделка закрыта», not `closed`; and no two fields by one word.
    #[test]
    fn okk_s_own_fields_are_named_in_words_of_each_language() {
        use crate::domain::SystemField;
        for lang in [Lang::En, Lang::Ru] {
            let labels: Vec<String> = (SystemField::ALL.iter())
                .map(|f| with(lang, || super::field_label(f.name())))
                .collect();
            for (f, label) in SystemField::ALL.iter().zip(&labels) {
                assert_ne!(label, f.name(), "{lang:?}");
                if lang == Lang::Ru {
                    let latin = label.chars().filter(char::is_ascii_lowercase).count();
                    assert_eq!(latin, 0, "{lang:?} {}: {label}", f.name());
                }
            }
            let mut unique = labels.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), labels.len(), "{lang:?}: {labels:?}");
        }
    }

    /// The status line's word for cards a filter gave back: whole at 80 columns (the status
    /// line's width less its margins), in both languages and their plural forms.
    #[test]
    fn the_cards_a_filter_gave_back_are_said_whole_in_both_languages() {
        assert_eq!(
            with(Lang::En, || given_back_unlisted(2)),
            "2 cards you held are back in the shared queue: the list leaves them out"
        );
        assert_eq!(
            with(Lang::Ru, || given_back_unlisted(1)),
            "1 карточка, которую вы держали, снова в общей очереди: её нет в списке"
        );
        assert!(with(Lang::Ru, || given_back_unlisted(3)).starts_with("3 карточки, которые"));
        assert!(with(Lang::Ru, || given_back_unlisted(5)).starts_with("5 карточек, которые"));
        for lang in [Lang::En, Lang::Ru] {
            for n in [1, 2, 5, 21, 1000] {
                let said = with(lang, || given_back_unlisted(n));
                assert!(said.chars().count() <= 76, "{lang:?}: {said}");
            }
        }
    }

    /// An undo says which verdict it took back and what stands now (tester29: two undos on one
    /// re-judged card said the same words), whole on an 80-column status line at the longest.
    #[test]
    fn an_undo_says_the_verdict_it_took_back_and_what_stands_now() {
        use crate::domain::review::Verdict;
        assert_eq!(
            with(Lang::Ru, || super::undone(
                "14049",
                Verdict::Stale,
                Some(Verdict::Ok)
            )),
            "вердикт по #14049 отозван: «устарела»; снова в силе ваш «в порядке»"
        );
        assert_eq!(
            with(Lang::En, || super::undone("14049", Verdict::Ok, None)),
            "verdict on #14049 withdrawn: «ok»; no verdict of yours on the card now"
        );
        for lang in [Lang::En, Lang::Ru] {
            let said = with(lang, || {
                super::undone("31646591", Verdict::WrongStage, Some(Verdict::Unclear))
            });
            assert!(said.chars().count() <= 78, "{lang:?}: {said}");
        }
    }
}
