//! The reviewer end to end: the real `okk` binary in a pseudo-terminal, driven key by key as an
//! auditor would, with the store read back afterwards. What the auditor saw on screen must be
//! what the store keeps, whatever the terminal does (resized, killed) and whatever the CRM sent.

mod common;
mod pty;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use common::{Desk, path_arg, repo};
use pty::reviewer::{okk, quit_from_card, review_stage, verdict};
use pty::{Term, card_id};
use serde_json::{Value as Json, json};

const STAGE: &str = "Встреча проведена";
const LOST: &str = "Закрыто и не реализовано";

// ---- helpers ----------------------------------------------------------------------------------

/// A desk holding the demo export (371 amoCRM deals).
fn demo_desk() -> Desk {
    let desk = Desk::new();
    desk.import(&[&path_arg(&repo().join("assets/demo/amocrm_deals.csv"))]);
    desk
}

/// The answer mark of checklist item `n` (`✔`, `✘`, `–` or `k/max`), from the right pane.
fn item_mark(screen: &str, n: u8) -> String {
    let needle = format!("││{n} ");
    let line = screen
        .lines()
        .find(|l| l.contains(&needle))
        .unwrap_or_else(|| panic!("no checklist item {n} on screen:\n{screen}"));
    let rest = &line[line.find(&needle).unwrap() + needle.len()..];
    rest.split_whitespace().next().unwrap().to_string()
}

/// The checklist score the screen shows, in percent.
fn score_shown(screen: &str) -> f64 {
    let line = screen.lines().find(|l| l.contains("Checklist")).unwrap();
    // The title: «Checklist ── 86% · 2 unanswered», the score first.
    let title = &line[line.find("Checklist").unwrap()..];
    let at = title.find(|c: char| c.is_ascii_digit()).expect("a score");
    let pct: String = (title[at..].chars())
        .take_while(char::is_ascii_digit)
        .collect();
    assert!(
        title[at + pct.len()..].starts_with('%'),
        "no score in {line}"
    );
    pct.parse().unwrap_or_else(|_| panic!("no score in {line}"))
}

/// One row of `reviews`, the columns a test checks.
#[derive(Debug, Clone, PartialEq)]
struct Review {
    card: String,
    source: String,
    auditor: String,
    stage: String,
    verdict: String,
    checklist: Json,
    score: Option<f64>,
    suggested_stage: Option<String>,
    suggested_owner: Option<String>,
    corrections: Json,
    comment: Option<String>,
    superseded: bool,
    withdrawn: bool,
}

/// Every review in the store, oldest first, by card external id.
fn reviews(desk: &Desk) -> Vec<Review> {
    let conn = desk.read_only();
    let mut stmt = conn
        .prepare(
            "SELECT card_external_id, card_source, auditor, stage, verdict, checklist, score,
                    suggested_stage, suggested_owner, corrections, comment,
                    superseded_by IS NOT NULL, withdrawn_at IS NOT NULL
             FROM reviews ORDER BY created_at, rowid",
        )
        .unwrap();
    let json = |s: Option<String>| s.map_or(Json::Null, |s| serde_json::from_str(&s).unwrap());
    stmt.query_map([], |r| {
        Ok(Review {
            card: r.get(0)?,
            source: r.get(1)?,
            auditor: r.get(2)?,
            stage: r.get(3)?,
            verdict: r.get(4)?,
            checklist: json(r.get(5)?),
            score: r.get(6)?,
            suggested_stage: r.get(7)?,
            suggested_owner: r.get(8)?,
            corrections: json(r.get(9)?),
            comment: r.get(10)?,
            superseded: r.get(11)?,
            withdrawn: r.get(12)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// The one review of `card` among `all`.
fn review_of<'a>(all: &'a [Review], card: &str) -> &'a Review {
    let mine: Vec<&Review> = all.iter().filter(|r| r.card == card).collect();
    assert_eq!(mine.len(), 1, "one review of #{card}: {mine:#?}");
    mine[0]
}

/// The comment drafts: (card external id, auditor) → text.
fn drafts(desk: &Desk) -> BTreeMap<(String, String), String> {
    let conn = desk.read_only();
    let mut stmt = conn
        .prepare(
            "SELECT c.external_id, d.auditor, d.comment FROM drafts d
             JOIN cards c ON c.id = d.card_id",
        )
        .unwrap();
    stmt.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

// ---- reviewing --------------------------------------------------------------------------------

/// Anna works through a stage using every key the card screen has, then leaves; each verdict,
/// suggestion, correction and comment is in the store as she gave it, and `okk stats` agrees.
#[test]
fn auditor_reviews_a_stage_with_every_card_key_and_the_store_keeps_what_she_saw() {
    let desk = demo_desk();
    let mut term = review_stage(&desk, STAGE, "anna");
    let first = term.screen();
    assert!(
        first.contains(&format!("okk · Продажи недвижимости · {STAGE} · 1/")),
        "title bar:\n{first}"
    );

    // 1: ok as it is.
    let ok_plain = verdict(&mut term, "a", "ok");

    // 2: item 1 flipped first; the store keeps the answer and score she saw.
    let screen = term.screen();
    let toggled = card_id(&screen);
    let before = item_mark(&screen, 1);
    term.send("1");
    term.wait_until("checklist item 1 to change", |s| {
        item_mark(&s.contents(), 1) != before
    });
    let screen = term.screen();
    let (mark, score) = (item_mark(&screen, 1), score_shown(&screen));
    // `a` confirms the suggestions too: a critical item suggested failed (an idle card's next
    // step, tester39 F1) makes the score 0 once confirmed.
    let critical_fail_suggested = screen.lines().any(|l| {
        (l.split("✘? w").nth(1))
            .and_then(|rest| rest.split_whitespace().next())
            .is_some_and(|weight| weight.ends_with('!'))
    });
    let score = if critical_fail_suggested { 0.0 } else { score };
    assert_eq!(verdict(&mut term, "a", "ok"), toggled);

    // 3: wrong stage, the stage picked by typing part of its name.
    let moved = card_id(&term.screen());
    term.send("x");
    term.wait_for("Move to stage");
    term.send("бронир");
    term.wait_for("▶ Бронирование");
    term.send("<enter>");
    term.wait_for(&format!("#{moved} saved: wrong stage"));

    // 4: another owner, a corrected field and a comment, then stale.
    let stale = card_id(&term.screen());
    term.send("r");
    term.wait_for("Hand to owner");
    term.send("морозов");
    term.wait_for("▶ Морозов Алексей");
    term.send("<enter>");
    term.wait_for("owner → Морозов Алексей");
    term.send("e");
    term.wait_for("Correct field");
    term.send("дата встречи");
    term.wait_for("▶ Дата встречи в офисе продаж");
    term.send("<enter>");
    term.wait_for("New value of «Дата встречи в офисе продаж»");
    // Whatever the field held goes: Home, then ctrl-k deletes to the end of the line.
    term.send("<home>");
    term.send("<C-k>25.11.2026");
    term.wait_for("│25.11.2026 ");
    term.send("<enter>");
    // A corrected field in lower case, as `stage →` is (tester39 F15).
    term.wait_for("дата встречи в офисе продаж → 25.11.2026");
    term.send("c");
    term.wait_for("Comment (enter saves · alt-enter: new line)");
    // Alt-enter, as a terminal sends it (esc, then enter), starts a new line; enter saves.
    term.send("Клиент просил перезвонить<A-enter>в среду");
    term.wait_for("│в среду");
    term.send("<enter>");
    term.wait_gone("Comment (enter saves · alt-enter: new line)");
    term.wait_for("comment:");
    assert_eq!(verdict(&mut term, "s", "stale"), stale);

    // 5: dead, which suggests the lost stage by itself.
    let dead = verdict(&mut term, "d", "dead");

    // 6: skipped, then back to it with p, and judged unclear.
    let skipped = card_id(&term.screen());
    term.send(" ");
    term.wait_until("the next card after a skip", |s| {
        card_id(&s.contents()) != skipped
    });
    let after_skip = card_id(&term.screen());
    term.send("p");
    term.wait_until("the skipped card again", |s| {
        card_id(&s.contents()) == skipped
    });
    assert_eq!(verdict(&mut term, "i", "unclear"), skipped);

    // 7: ok, then taken back: the card is shown again, its review withdrawn.
    assert_eq!(
        card_id(&term.screen()),
        after_skip,
        "the skipped-over card is next"
    );
    let undone = verdict(&mut term, "a", "ok");
    term.send("u");
    term.wait_for(&format!("verdict on #{undone} withdrawn"));
    assert_eq!(card_id(&term.screen()), undone);

    term.send("q");
    let queue = term.wait_for("Title");
    assert!(
        queue.contains(&format!("{STAGE} · mine 6 of ")),
        "the queue counts six reviewed:\n{queue}"
    );
    term.send("q");
    let funnel = term.wait_for("To review");
    term.send("q");
    term.wait_clean_exit("okk review");
    // The funnel row: cards, to review, flagged, mine; mine and to review make the cards.
    let figures: Vec<u64> = funnel
        .lines()
        .find_map(|l| l.split(&format!("{STAGE} ")).nth(1))
        .expect("the stage on the funnel screen")
        .split_whitespace()
        .map_while(|w| w.parse().ok())
        .collect();
    let [cards, to_review, _flagged, mine] = figures[..] else {
        panic!("funnel row figures: {figures:?}\n{funnel}")
    };
    assert_eq!((mine, cards), (6, to_review + 6), "{funnel}");

    let all = reviews(&desk);
    assert_eq!(all.len(), 7, "{all:#?}");
    for r in &all {
        assert_eq!(
            (r.auditor.as_str(), r.stage.as_str(), r.source.as_str()),
            ("anna", STAGE, "amocrm"),
            "{r:#?}"
        );
        assert!(!r.superseded, "{r:#?}");
        assert_eq!(r.withdrawn, r.card == undone, "{r:#?}");
    }
    let r = review_of(&all, &ok_plain);
    assert_eq!(r.verdict, "ok");
    assert_eq!(
        (&r.suggested_stage, &r.suggested_owner, &r.corrections),
        (&None, &None, &json!({}))
    );
    assert_eq!(r.comment.as_deref(), Some(""));

    let r = review_of(&all, &toggled);
    assert_eq!(r.verdict, "ok");
    let stored = match mark.as_str() {
        "✔" => "pass",
        "✘" => "fail",
        "–" => "na",
        other => panic!("item 1 shows {other}"),
    };
    assert_eq!(r.checklist["meeting_result"], stored, "{r:#?}");
    assert_eq!(r.score.map(f64::round), Some(score), "{r:#?}");

    let r = review_of(&all, &moved);
    assert_eq!(r.verdict, "wrong_stage");
    assert_eq!(r.suggested_stage.as_deref(), Some("Бронирование"));

    let r = review_of(&all, &stale);
    assert_eq!(r.verdict, "stale");
    assert_eq!(r.suggested_owner.as_deref(), Some("Морозов Алексей"));
    assert_eq!(
        r.corrections,
        json!({"Дата встречи в офисе продаж": "25.11.2026"})
    );
    assert_eq!(
        r.comment.as_deref(),
        Some("Клиент просил перезвонить\nв среду")
    );

    let r = review_of(&all, &dead);
    assert_eq!(r.verdict, "dead");
    assert_eq!(r.suggested_stage.as_deref(), Some(LOST));

    assert_eq!(review_of(&all, &skipped).verdict, "unclear");
    assert_eq!(review_of(&all, &undone).verdict, "ok");
    // Each verdict took its card's draft; the withdrawn one's card is back as it was before
    // `a`, nothing of anna's on it (the suggestions `a` confirmed are suggestions again): no
    // draft to keep.
    let left: Vec<(String, String)> = drafts(&desk).into_keys().collect();
    assert_eq!(left, [], "the drafts went with their verdicts");

    // stats counts current verdicts only (not the withdrawn one), in their own stage only.
    let row = desk.stats_row(STAGE);
    let current = all.iter().filter(|r| !r.withdrawn).count();
    assert_eq!(row["reviewed"], current, "{row:#}");
    assert_eq!(
        row["verdicts"],
        json!({"ok": 2, "wrong_stage": 1, "stale": 1, "dead": 1, "unclear": 1}),
        "{row:#}"
    );
    assert_eq!(
        row["reviewed"], mine,
        "stats and the funnel screen agree: {row:#}"
    );
    // The funnel screen counts the cards a queue can show; stats also counts closed ones.
    assert!(row["cards"].as_u64().unwrap() >= cards, "{row:#}");
    for other in desk.stats()["stages"].as_array().unwrap() {
        if other["stage"] != STAGE {
            assert_eq!(other["reviewed"], 0, "counted elsewhere: {other:#}");
        }
    }
}

/// An auditor who knows her verdicts types ahead: five `a` in one burst judge the first five
/// cards of the queue, in the order `okk queue` lists them, and Backspace takes the last back.
#[test]
fn typing_ahead_judges_cards_in_queue_order_and_backspace_undoes() {
    let desk = demo_desk();
    let out = desk
        .okk()
        .args(["queue", "--stage", STAGE, "--auditor", "anna", "--json"])
        .args(["--limit", "5"])
        .output()
        .unwrap();
    let queue: Json = serde_json::from_slice(&out.stdout).expect("queue --json");
    let first_five: Vec<String> = queue["cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();

    let mut term = review_stage(&desk, STAGE, "anna");
    assert_eq!(card_id(&term.screen()), first_five[0]);
    term.send("aaaaa");
    term.wait_for(&format!("#{} saved: ok", first_five[4]));
    term.wait_for(&format!("{STAGE} · 6/"));
    term.send("<backspace>");
    term.wait_for(&format!("verdict on #{} withdrawn", first_five[4]));
    assert_eq!(card_id(&term.screen()), first_five[4]);
    quit_from_card(&mut term);

    let all = reviews(&desk);
    let judged: Vec<(&str, &str, bool)> = all
        .iter()
        .map(|r| (r.card.as_str(), r.verdict.as_str(), r.withdrawn))
        .collect();
    let expected: Vec<(&str, &str, bool)> = first_five
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), "ok", i == 4))
        .collect();
    assert_eq!(judged, expected);
}

/// The tester's F3, replayed key by key: anna saves a verdict on card A, goes back to the list
/// and opens card B, whose verdict of hers from before the lead overrode, and presses `u`. It
/// is about B: refused, saying who decided, with B on screen; A's verdict, on a card no longer
/// shown, stays in the store. On a card she never judged, with A filtered out of the list,
/// `u` says where A is instead of withdrawing it unseen.
#[test]
fn u_on_another_card_never_withdraws_the_verdict_saved_on_the_card_before() {
    let desk = demo_desk();
    let out = desk
        .okk()
        .args(["queue", "--stage", STAGE, "--auditor", "anna", "--json"])
        .args(["--limit", "4"])
        .output()
        .unwrap();
    let queue: Json = serde_json::from_slice(&out.stdout).expect("queue --json");
    let ids: Vec<String> = (queue["cards"].as_array().unwrap().iter())
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    let (b, fresh) = (&ids[2], &ids[3]);
    let review = desk.review(b, "anna", "2026-11-19 10:00:00", &common::Verdict::of("ok"));
    desk.decide(
        &review,
        "lena",
        "override",
        (Some("dead"), None, None),
        "2026-11-19 11:00:00",
    );

    let mut term = review_stage(&desk, STAGE, "anna");
    let a = verdict(&mut term, "s", "stale");
    let open = |term: &mut Term, id: &str| {
        term.send("q");
        term.wait_for("Title");
        term.send(&format!("/<C-u>{id}"));
        term.wait_until(&format!("the queue filtered to #{id}"), |s| {
            let rows = queue_rows(&s.contents());
            rows.len() == 1 && rows[0].contains(id)
        });
        term.send("<enter>");
        term.wait_gone(&format!("{id}▏"));
        term.send("<enter>");
        term.wait_for(&format!("┌ #{id}"));
    };
    open(&mut term, b);
    term.send("u");
    term.wait_for(&format!("#{b}: lena overrode this verdict, so no undo"));
    assert_eq!(card_id(&term.screen()), *b, "the card stays on screen");

    open(&mut term, fresh);
    term.send("u");
    term.wait_for(&format!("your last verdict (#{a}) is not in this list"));
    assert_eq!(card_id(&term.screen()), *fresh);
    quit_from_card(&mut term);

    let all = reviews(&desk);
    let judged: Vec<(&str, &str, bool)> = (all.iter())
        .map(|r| (r.card.as_str(), r.verdict.as_str(), r.withdrawn))
        .collect();
    assert_eq!(
        judged,
        [(b.as_str(), "ok", false), (a.as_str(), "stale", false)],
        "nothing withdrawn"
    );
    let standing = desk.count("SELECT count(*) FROM lead_decisions WHERE withdrawn_at IS NULL");
    assert_eq!(standing, 1, "the lead's override stands");
}

/// The ids `okk queue` lists for anna at `stage`, in queue order.
fn queue_ids(desk: &Desk, stage: &str) -> Vec<String> {
    let out = (desk.okk())
        .args(["queue", "--stage", stage, "--auditor", "anna", "--json"])
        .args(["--limit", "100"])
        .output()
        .unwrap();
    let queue: Json = serde_json::from_slice(&out.stdout).expect("queue --json");
    (queue["cards"].as_array().unwrap().iter())
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

/// The tester's F3 (tester29), replayed key by key: one card of a stage left to review, `d`
/// on it, the queue says the stage is done, and `u` there takes that verdict back, its card
/// shown again (it used to do nothing, silently); the hint bar offers `u undo` there.
#[test]
fn u_after_the_last_card_of_a_stage_takes_its_verdict_back() {
    let desk = demo_desk();
    let ids = queue_ids(&desk, LOST);
    let (last, earlier) = ids.split_last().expect("cards to review");
    for id in earlier {
        desk.review(
            id,
            "anna",
            "2026-11-19 10:00:00",
            &common::Verdict::of("stale"),
        );
    }
    let mut term = review_stage(&desk, LOST, "anna");
    assert_eq!(card_id(&term.screen()), *last, "one card left");
    // Saved, the stage done: the status line says so, not «saved».
    term.send("d");
    term.wait_for("is done.");
    term.wait_for("enter: stage «");
    term.wait_for("u undo");
    term.send("u");
    term.wait_for(&format!("verdict on #{last} withdrawn: «dead»"));
    term.wait_for(&format!("┌ #{last}"));
    quit_from_card(&mut term);

    let mine = reviews(&desk);
    let r = review_of(&mine, last);
    assert_eq!((r.verdict.as_str(), r.withdrawn), ("dead", true));
    assert!(
        (mine.iter()).all(|r| r.card == *last || !r.withdrawn),
        "only the verdict just given is withdrawn"
    );
}

/// The tester's F4 (tester29), replayed key by key: `a` then `u` shows the card as it was
/// before `a` (its items suggested, `✔?`, no score), and a `d` after it saves a dead lead
/// without the answers `a` had confirmed (it used to save «dead» at 100%).
#[test]
fn undo_of_ok_then_dead_saves_no_answers_ok_confirmed() {
    let desk = demo_desk();
    let mut term = review_stage(&desk, STAGE, "anna");
    let before = term.screen();
    assert_eq!(item_mark(&before, 1), "✔?");
    let id = verdict(&mut term, "a", "ok");
    term.send("u");
    term.wait_for(&format!("verdict on #{id} withdrawn"));
    let shown = term.screen();
    assert_eq!(card_id(&shown), id);
    assert_eq!(item_mark(&shown, 1), "✔?", "unconfirmed again:\n{shown}");
    let title = (shown.lines()).find(|l| l.contains("Checklist")).unwrap();
    assert!(
        title.contains("unanswered") && !title.contains('%'),
        "no score, as before `a`:\n{shown}"
    );
    verdict(&mut term, "d", "dead");
    quit_from_card(&mut term);

    let all = reviews(&desk);
    let dead = (all.iter())
        .find(|r| r.card == id && !r.withdrawn)
        .expect("the dead lead");
    assert_eq!(dead.verdict, "dead");
    assert_eq!(dead.checklist, json!({}), "{dead:#?}");
    assert_eq!(dead.score, None);
    assert_eq!(dead.suggested_stage.as_deref(), Some(LOST));
}

/// From the funnel to one card by the keyboard: move down and up the stages (j k and the
/// arrows), open a queue, narrow it with `/`, open a card from it, clear the filter with Esc,
/// glance at help, and leave.
#[test]
fn from_the_funnel_through_a_filtered_queue_to_a_card_and_back() {
    let desk = demo_desk();
    let mut term = okk(&desk, &["review", "--auditor", "anna"], 120, 40).start(desk.dir.path());
    let funnel = term.wait_for("To review");
    let row_of = |screen: &str, text: &str| {
        screen
            .lines()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("«{text}» not on the funnel:\n{screen}"))
    };
    let steps = row_of(&funnel, &format!(" {STAGE} ")) - row_of(&funnel, "▶");
    assert!(steps >= 2, "{funnel}");
    // One past the stage and back, with every move key.
    let moves = format!(
        "{}{}{}k{}j",
        "j".repeat(steps - 1),
        "<down>",
        "<down>",
        "<up>"
    );
    term.send(&moves);
    term.wait_for(&format!("▶ {STAGE}"));
    term.send("<enter>");
    term.wait_for(&format!("┌ {STAGE} · mine 0 of "));

    term.send("/");
    term.wait_for("filter: ▏");
    term.send("морозов");
    term.wait_for("filter: морозов▏");
    // The queue is re-read once the typing pauses.
    term.wait_until("the queue filtered to Морозов", |s| {
        let rows = queue_rows(&s.contents());
        !rows.is_empty() && rows.iter().all(|r| r.contains("Морозов Алексей"))
    });
    let queue = term.screen();
    let rows = queue_rows(&queue);
    assert!(!rows.is_empty(), "{queue}");
    assert!(
        rows.iter().all(|r| r.contains("Морозов Алексей")),
        "{queue}"
    );
    // Enter keeps the filter and leaves the box; the next Enter opens the first match.
    term.send("<enter>");
    term.wait_gone("морозов▏");
    term.send("<enter>");
    let card = term.wait_for("┌ #");
    assert!(card.contains("Owner    Морозов Алексей"), "{card}");
    term.send("q");
    let queue = term.wait_for("filter: морозов");
    assert_eq!(queue_rows(&queue), rows, "the same filtered queue");
    term.send("<esc>");
    let queue = term.wait_gone("filter:");
    assert!(
        queue_rows(&queue)
            .iter()
            .any(|r| !r.contains("Морозов Алексей")),
        "the filter is cleared:\n{queue}"
    );

    term.send("?");
    term.wait_for("Keys · queue");
    term.send("<esc>");
    term.wait_gone("Keys · queue");
    term.send("q");
    term.wait_for("To review");
    term.send("q");
    assert!(term.wait_exit().success());
}

/// The queue table's card rows (an id in the first or second word, after a verdict mark).
fn queue_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .filter(|l| {
            l.split(|c: char| c == '│' || c.is_whitespace())
                .filter(|w| !w.is_empty())
                .take(2)
                .any(|w| w.len() >= 5 && w.chars().all(|c| c.is_ascii_digit()))
        })
        .map(str::to_string)
        .collect()
}

// ---- nothing lost -----------------------------------------------------------------------------

/// The power goes right after a verdict key, and again while a comment is half typed: the
/// verdict is in the store, the comment is kept as a draft, and the card shows it on return.
#[test]
fn a_verdict_and_a_comment_draft_survive_kill_9() {
    let desk = demo_desk();
    let mut term = review_stage(&desk, STAGE, "anna");
    let judged = verdict(&mut term, "a", "ok");
    term.kill();
    let all = reviews(&desk);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(
        (all[0].card.as_str(), all[0].verdict.as_str()),
        (judged.as_str(), "ok")
    );

    let mut term = review_stage(&desk, STAGE, "anna");
    let card = card_id(&term.screen());
    assert_ne!(card, judged, "a reviewed card leaves the queue");
    term.send("c");
    term.wait_for("Comment (enter saves · alt-enter: new line)");
    term.send("Менеджер не отвечает, перезвонить");
    term.wait_for("Менеджер не отвечает, перезвонить");
    // No key for a while: the idle tick (every 500 ms) keeps the draft.
    let key = (card.clone(), "anna".to_string());
    let text = wait_for_store(&desk, "the comment draft", |d| drafts(d).get(&key).cloned());
    assert_eq!(text, "Менеджер не отвечает, перезвонить");
    term.kill();
    assert_eq!(
        drafts(&desk).get(&key).map(String::as_str),
        Some("Менеджер не отвечает, перезвонить")
    );
    assert_eq!(reviews(&desk).len(), 1, "a draft is not a verdict");

    let mut term = review_stage(&desk, STAGE, "anna");
    let screen = term.screen();
    assert_eq!(
        card_id(&screen),
        card,
        "the unjudged card comes first again"
    );
    assert!(
        screen.contains("comment:") && screen.contains("Менеджер не отвечает, перезвонить"),
        "the draft is back on the card:\n{screen}"
    );
    quit_from_card(&mut term);
}

/// ctrl-c while a comment is half typed (before any idle tick): the reviewer quits at once,
/// and the comment is kept as a draft.
#[test]
fn ctrl_c_while_typing_a_comment_keeps_it_as_a_draft() {
    let desk = demo_desk();
    let mut term = review_stage(&desk, STAGE, "anna");
    let card = card_id(&term.screen());
    term.send("c");
    term.wait_for("Comment (enter saves · alt-enter: new line)");
    term.send("Не дозвонился");
    term.wait_for("Не дозвонился");
    term.send("<C-c>");
    term.wait_clean_exit("okk review");
    assert_eq!(
        drafts(&desk)
            .get(&(card, "anna".to_string()))
            .map(String::as_str),
        Some("Не дозвонился")
    );
    assert!(reviews(&desk).is_empty());
}

/// Anna and Boris review the same stage of one store at the same moment: neither is told the
/// store is locked, and every verdict of both is kept.
#[test]
fn two_auditors_on_one_store_both_save() {
    let desk = demo_desk();
    let mut anna = review_stage(&desk, STAGE, "anna");
    let mut boris = review_stage(&desk, STAGE, "boris");
    let mut judged: Vec<(String, String)> = Vec::new();
    for key in ["a", "s", "i", "a", "d"] {
        let (a, b) = (card_id(&anna.screen()), card_id(&boris.screen()));
        // Both keys go before either save is waited for: the writes race.
        anna.send(key);
        boris.send(key);
        for (term, id, who) in [(&anna, &a, "anna"), (&boris, &b, "boris")] {
            term.wait_until(&format!("{who}'s verdict on #{id}"), |s| {
                let text = s.contents();
                text.contains(&format!("#{id} saved:")) || text.contains("not saved")
            });
            let screen = term.screen();
            assert!(
                !screen.contains("not saved") && !screen.contains("locked"),
                "{who} was refused:\n{screen}"
            );
            judged.push((id.clone(), who.to_string()));
        }
    }
    quit_from_card(&mut anna);
    quit_from_card(&mut boris);

    let all = reviews(&desk);
    let mut stored: Vec<(String, String)> = all
        .iter()
        .map(|r| (r.card.clone(), r.auditor.clone()))
        .collect();
    stored.sort();
    judged.sort();
    assert_eq!(stored, judged);
    assert!(
        all.iter().all(|r| !r.superseded && !r.withdrawn),
        "{all:#?}"
    );
}

/// Polls the store until `ready` holds (the binary writes on its own schedule).
fn wait_for_store<T>(desk: &Desk, what: &str, ready: impl Fn(&Desk) -> Option<T>) -> T {
    let deadline = Instant::now() + pty::PATIENCE;
    loop {
        if let Some(v) = ready(desk) {
            return v;
        }
        assert!(Instant::now() < deadline, "the store never showed {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

// ---- the terminal -----------------------------------------------------------------------------

/// A card whose text is an attack on the terminal (escape sequences that retitle the window,
/// clear the screen or recolour it, a bidi override, a 5,000-character title, a 200 KB note)
/// is shown as inert text, with CJK and emoji intact, and the layout holds.
#[test]
fn hostile_card_text_is_shown_inert_and_the_layout_holds() {
    let desk = Desk::new();
    // The fixture holds the escapes; the sizes are built here rather than kept in a 200 KB file.
    let mut csv = std::fs::read_to_string(repo().join("tests/fixtures/tui/hostile_cards.csv"))
        .expect("the fixture");
    let title = format!("Огромная {}", "сделка ".repeat(714));
    assert!(title.chars().count() >= 5000);
    let note: String = (1..)
        .map(|i| format!("Строка {i} длинного примечания, которое никто не дочитает.\n"))
        .scan(0, |len, line| {
            *len += line.len();
            (*len <= 200 * 1024).then_some(line)
        })
        .collect();
    csv.push_str(&format!(
        "\"900003\",\"{title}\",\"1000000\",\"Попова Анна\",\"20.11.2026 10:00:00\",\
         \"20.11.2026 11:00:00\",\"\",\"{note}\",\"Квалификация\",\"Продажи недвижимости\",\
         \"Огромнов Олег\",\"+7 900 000-00-03\"\n"
    ));
    let file = desk.dir.path().join("hostile.csv");
    std::fs::write(&file, csv).unwrap();
    desk.import(&["--profile", "amocrm", &path_arg(&file)]);

    let mut term = review_stage(&desk, "Первичный контакт", "anna");
    let screen = term.wait_for("北京");
    // The escapes are on screen as pictures, not obeyed.
    for shown in [
        "␛]0;pwned␇",
        "␛[2J",
        "␛[31mКРАСНЫЙ␛[0m",
        "🚀",
        "😀",
        "中文备注",
    ] {
        assert!(screen.contains(shown), "«{shown}» not on screen:\n{screen}");
    }
    assert_layout(&term, 120, 40);
    let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
    // The bidi override became �, which vt100 keeps off its grid (a real terminal shows it).
    assert!(
        raw.contains("\u{fffd}наоборот"),
        "no placeholder for the bidi override"
    );
    assert_nothing_obeyed(&term);

    // The correction box shows the field's current value: still inert.
    term.send("e");
    term.wait_for("Correct field");
    // The picker and the box name okk's own field by its word, found by its key.
    term.send("title");
    term.wait_for("▶ Title");
    term.send("<enter>");
    term.wait_for("New value of «Title»");
    term.send("<esc>");
    term.wait_gone("New value of «Title»");
    assert_nothing_obeyed(&term);

    // The queue lists the same title, as inert.
    term.send("q");
    let queue = term.wait_for("Title");
    assert!(queue.contains("␛]0;pwned␇"), "{queue}");
    assert_layout(&term, 120, 40);

    // Next stage: the huge card, cut to fit, quick to open and to scroll.
    term.send("n");
    let screen = term.wait_for("#900003");
    assert!(screen.contains("Огромная сделка"), "{screen}");
    assert_layout(&term, 120, 40);
    term.send("<pgdn>");
    term.wait_gone("Owner    Попова Анна");
    term.send("G");
    let screen = term.wait_for("KB more not shown");
    assert!(screen.contains("┌ #900003"), "{screen}");
    assert_layout(&term, 120, 40);
    quit_from_card(&mut term);
    assert_nothing_obeyed(&term);
}

/// None of the fixture's sequences reached the terminal as bytes, and the terminal was never
/// asked to retitle the window or ring the bell.
fn assert_nothing_obeyed(term: &Term) {
    let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
    for sequence in [
        "\x1b]0;pwned",
        "\x1b]2;pwned",
        "\x1b[2J\x1b[31mКРАСНЫЙ",
        "\x1b[H\x1b[2Jпосле",
        "\x1b[5mмигает",
        "\x1b[8mневидимый",
        "\u{202e}",
    ] {
        assert!(!raw.contains(sequence), "{sequence:?} reached the terminal");
    }
    term.with_events(|e| {
        assert!(
            e.titles.iter().all(|t| !t.contains("pwned")),
            "the window was retitled: {:?}",
            e.titles
        );
        assert_eq!(e.bells, 0, "the card rang the bell");
    });
}

/// The frame of the reviewer: the title bar on top, the hint bar at the bottom, and every row of
/// the body boxed on both sides (a wide character or an escape that moved the cursor would
/// push a border out of place).
fn assert_layout(term: &Term, cols: u16, rows: u16) {
    let screen = term.screen();
    term.with_screen(|s| {
        assert_eq!(
            s.size(),
            (rows.try_into().unwrap(), cols.try_into().unwrap())
        );
        let row = |r: u16| s.contents_between(r, 0, r, cols);
        assert!(row(0).starts_with(" okk · "), "title bar:\n{screen}");
        assert!(
            row(0).trim_end().ends_with("? help"),
            "title bar:\n{screen}"
        );
        let corner = |r: u16, c: u16| s.cell(r, c).map(|c| c.contents().to_string());
        for r in 1..rows - 2 {
            let (first, last) = (corner(r, 0), corner(r, cols - 1));
            let edge =
                |c: &Option<String>| matches!(c.as_deref(), Some("│" | "┌" | "└" | "┐" | "┘"));
            assert!(
                edge(&first) && edge(&last),
                "row {r} is not boxed ({first:?} … {last:?}):\n{screen}"
            );
        }
        assert!(
            row(rows - 1)
                .trim_start()
                .starts_with(|c: char| c.is_alphanumeric()),
            "hint bar:\n{screen}"
        );
    });
}

/// The terminal is given back as it was found, whether the auditor quits with q or ctrl-c:
/// main screen, cursor visible, line editing and echo on.
#[test]
fn the_terminal_is_restored_after_q_and_after_ctrl_c() {
    let desk = demo_desk();
    for (how, keys) in [("q", "q"), ("ctrl-c", "<C-c>")] {
        let mut term = okk(&desk, &["review", "--auditor", "anna"], 100, 30).start(desk.dir.path());
        term.wait_for("To review");
        term.with_screen(|s| {
            assert!(
                s.alternate_screen() && s.hide_cursor(),
                "the reviewer owns the screen"
            );
        });
        assert!(!term.line_editing(), "raw mode while the reviewer runs");
        term.send(keys);
        term.wait_clean_exit(how);
        term.with_screen(|s| {
            assert!(
                !s.alternate_screen(),
                "{how}: still on the alternate screen"
            );
            assert!(!s.hide_cursor(), "{how}: the cursor is still hidden");
        });
        assert!(
            term.line_editing(),
            "{how}: the terminal is left in raw mode"
        );
    }
}

/// The auditor resizes the window: every size redraws the whole frame, too small a window
/// says so, and the reviewer carries on when it grows back.
#[test]
fn resizing_redraws_and_too_small_says_so() {
    let desk = demo_desk();
    let mut term = review_stage(&desk, STAGE, "anna");
    assert_layout(&term, 120, 40);
    for (cols, rows) in [(80, 24), (60, 20), (100, 30)] {
        term.resize(cols, rows);
        if cols < 80 {
            term.wait_for("okk needs a terminal of at least 80×24");
            let screen = term.screen();
            assert!(
                !screen.contains("┌ #"),
                "no card under the message:\n{screen}"
            );
            // Keys do nothing on the screen nobody sees (tester38 F7: `s` saved «stale»).
            term.send("sdj");
            std::thread::sleep(std::time::Duration::from_millis(300));
            assert!(reviews(&desk).is_empty(), "a verdict given blind");
        } else {
            term.wait_until(&format!("a {cols}×{rows} frame"), |s| {
                let last = s.contents_between(0, 0, 0, cols);
                last.trim_end().ends_with("? help") && !s.contents().contains("needs a terminal")
            });
            assert_layout(&term, cols, rows);
        }
    }
    // Still working at the new size.
    verdict(&mut term, "a", "ok");
    assert_layout(&term, 100, 30);
    quit_from_card(&mut term);
    assert_eq!(reviews(&desk).len(), 1);
}

/// With NO_COLOR the card screen draws without a single colour, and what is selected still
/// stands out, in reverse video.
#[test]
fn no_color_draws_without_colour_and_selection_in_reverse() {
    let desk = demo_desk();
    let mut term = okk(
        &desk,
        &["review", "--stage", STAGE, "--auditor", "anna"],
        120,
        40,
    )
    .env("NO_COLOR", "1")
    .start(desk.dir.path());
    term.wait_for("┌ #");
    term.wait_for("Checklist");
    assert_layout(&term, 120, 40);
    let uncoloured = |s: &vt100::Screen| {
        (0..40).all(|r| {
            (0..120).all(|c| {
                s.cell(r, c).is_none_or(|cell| {
                    cell.fgcolor() == vt100::Color::Default
                        && cell.bgcolor() == vt100::Color::Default
                })
            })
        })
    };
    term.with_screen(|s| assert!(uncoloured(s), "a colour on screen:\n{}", s.contents()));

    // The stage picker: the chosen row is the one in reverse video.
    term.send("x");
    term.wait_for("Move to stage");
    term.with_screen(|s| {
        assert!(uncoloured(s));
        let selected = reversed_rows(s);
        let rows: Vec<String> = selected
            .iter()
            .map(|r| s.contents_between(*r, 0, *r, 120))
            .collect();
        assert!(
            rows.iter().any(|r| r.contains("▶ Первичный контакт")),
            "the picked row is not reversed: {rows:#?}"
        );
        assert!(
            !rows.iter().any(|r| r.contains("Квалификация")),
            "an unpicked row is reversed: {rows:#?}"
        );
    });
    term.send("<esc>");
    term.wait_gone("Move to stage");

    // The queue: the selected card is the reversed row.
    let id = card_id(&term.screen());
    term.send("q");
    term.wait_for("Title");
    term.with_screen(|s| {
        let rows: Vec<String> = reversed_rows(s)
            .iter()
            .map(|r| s.contents_between(*r, 0, *r, 120))
            .collect();
        assert!(rows.iter().any(|r| r.contains(&id)), "{rows:#?}");
        assert_eq!(rows.len(), 2, "the title bar and one queue row: {rows:#?}");
    });
    term.send("q");
    term.wait_for("To review");
    term.send("q");
    assert!(term.wait_exit().success());
}

/// The rows with a stretch in reverse video (20 cells or more): the title bar is one.
fn reversed_rows(s: &vt100::Screen) -> Vec<u16> {
    let (rows, cols) = s.size();
    (0..rows.get())
        .filter(|&r| {
            let inverse = (0..cols.get())
                .filter(|&c| s.cell(r, c).is_some_and(|cell| cell.inverse()))
                .count();
            inverse >= 20
        })
        .collect()
}

// ---- command line and config ------------------------------------------------------------------

/// A new auditor runs bare `okk` on an empty store: a word on how to begin, not a blank
/// reviewer; and `okk keys` lists the card keys by their action names.
#[test]
fn bare_okk_on_an_empty_store_says_how_to_begin_and_keys_lists_the_actions() {
    let desk = Desk::new();
    for store in ["missing", "without cards"] {
        let mut term = okk(&desk, &[], 100, 30).start(desk.dir.path());
        term.wait_clean_exit(&format!("store {store}"));
        let screen = term.screen();
        assert!(
            screen.contains("has no cards yet") && screen.contains("okk demo"),
            "store {store}:\n{screen}"
        );
        let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
        assert!(
            !raw.contains("\x1b[?1049h"),
            "store {store}: the reviewer opened"
        );
        // The second round finds a store, empty (`okk stats` no longer makes one: it says there
        // is none).
        okk::store::Store::open(&desk.db).expect("an empty store");
    }

    let out = desk.okk().arg("keys").output().unwrap();
    assert!(out.status.success());
    let keys = String::from_utf8(out.stdout).unwrap();
    let card = keys.split("[card]").nth(1).expect("a [card] section");
    let x = card
        .lines()
        .find(|l| l.contains("wrong_stage"))
        .expect("wrong_stage listed");
    assert!(x.trim_start().starts_with("x "), "{x}");
}

/// An auditor who keeps `s` for something else binds stale to `z` in her config file: the
/// hint bar says so, `z` judges stale, `s` no longer does.
#[test]
fn a_rebound_key_from_the_config_file_works_and_shows_in_the_hint_bar() {
    let desk = demo_desk();
    let config = desk.dir.path().join("config.toml");
    std::fs::write(
        &config,
        "auditor = \"vera\"\n\n[keys.card]\nstale = \"z\"\n",
    )
    .unwrap();
    let config = path_arg(&config);

    let out = desk
        .okk()
        .args(["--config", &config, "keys"])
        .output()
        .unwrap();
    let keys = String::from_utf8(out.stdout).unwrap();
    assert!(
        keys.lines()
            .any(|l| l.split_whitespace().take(2).eq(["z", "stale"])),
        "{keys}"
    );

    let mut term = okk(&desk, &["review", "--stage", STAGE], 120, 40)
        .env("OKK_CONFIG", &config)
        .start(desk.dir.path());
    let screen = term.wait_for("vera · ? help");
    term.wait_for("┌ #");
    let hints = screen.lines().last().unwrap_or_default().to_string();
    assert!(hints.contains(" z stale"), "hint bar: {hints}");
    assert!(!hints.contains(" s stale"), "hint bar: {hints}");

    // Help is drawn from the same table.
    term.send("?");
    let help = term.wait_for("Keys · card");
    assert!(
        help.lines()
            .any(|l| l.contains("│ z ") && l.contains("verdict stale")),
        "{help}"
    );
    term.send("<esc>");
    term.wait_gone("Keys · card");

    let id = card_id(&term.screen());
    term.send("s");
    term.send("z");
    term.wait_for(&format!("#{id} saved: stale"));
    quit_from_card(&mut term);
    let all = reviews(&desk);
    assert_eq!(all.len(), 1, "s did nothing, z one verdict: {all:#?}");
    assert_eq!(
        (
            all[0].card.as_str(),
            all[0].verdict.as_str(),
            all[0].auditor.as_str()
        ),
        (id.as_str(), "stale", "vera")
    );
}

/// `okk demo` in a terminal: the reviewer opens on a fresh demo store, and after q the
/// terminal says where that store is (under TMPDIR); the desk's own store is never made.
#[test]
fn okk_demo_opens_the_reviewer_and_says_where_its_store_is() {
    let desk = Desk::new();
    let mut term = okk(&desk, &["demo"], 80, 24).start(desk.dir.path());
    let funnel = term.wait_for("To review");
    assert!(funnel.contains(&format!(" {STAGE} ")), "{funnel}");
    term.send("q");
    assert!(term.wait_exit().success());
    // Read from the bytes: a long temp path would wrap on screen.
    let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
    let at = raw
        .find("Demo database: ")
        .unwrap_or_else(|| panic!("no store named:\n{}", term.screen()));
    let demo_db = raw[at + "Demo database: ".len()..]
        .lines()
        .next()
        .unwrap()
        .trim_end();
    assert!(
        demo_db.starts_with(&path_arg(&desk.tmp_dir())),
        "{demo_db} is not under TMPDIR"
    );
    assert!(std::path::Path::new(demo_db).exists());
    assert!(!desk.db.exists(), "the demo made {}", desk.db.display());
    // Each command to try is one line, however narrow the terminal (tester38 F5: at 80
    // columns `stats` and `--json` were broken onto two lines, and copying the first ran
    // the wrong command); the store is named last, so a long path the terminal breaks
    // leaves `stats --json` whole (tester42).
    assert!(
        raw.contains(&format!("okk stats --json --db {demo_db}")),
        "{raw}"
    );
}

#[test]
fn at_80x24_the_card_keeps_the_verdicts_comment_and_help_and_the_queue_shows_the_stale_mark() {
    let desk = demo_desk();
    let mut term = okk(
        &desk,
        &["review", "--stage", STAGE, "--auditor", "anna"],
        80,
        24,
    )
    .start(desk.dir.path());
    let screen = term.wait_for("┌ #");
    let title = screen.lines().next().unwrap_or_default();
    assert_eq!(title.matches("anna").count(), 1, "{title}");
    let hints = screen.lines().last().unwrap_or_default();
    for hint in [
        "a ok",
        "s stale",
        "i unclear",
        "c comment",
        "u undo",
        "? help",
    ] {
        assert!(
            hints.contains(hint),
            "«{hint}» missing from the hint bar: {hints}"
        );
    }
    let id = verdict(&mut term, "s", "stale");
    term.send("q");
    let queue = term.wait_for("Title");
    let row = queue
        .lines()
        .find(|l| l.contains(&id))
        .unwrap_or_else(|| panic!("{queue}"));
    assert!(row.contains(&format!("⌛ {id}")), "{row}");
    // The legend on the queue's bottom edge explains the mark.
    assert!(
        queue
            .lines()
            .any(|l| l.starts_with('└') && l.contains("⌛ stale")),
        "{queue}"
    );
}

/// A reviewer started with no name given (no --auditor, OKK_AUDITOR or config `auditor`)
/// reviews under the login name and says so once on the status line, with how to set one; a
/// name given says nothing.
#[test]
fn a_reviewer_started_with_no_name_says_whose_name_it_saves_and_how_to_set_one() {
    let desk = demo_desk();
    for (lang, note) in [
        ("en", "Set your name with --auditor NAME or in config.toml"),
        (
            "ru",
            "Своё имя задайте через --auditor ИМЯ или в config.toml",
        ),
    ] {
        // Whole at 80 columns too: the status line is one row, and a cut note lost its end.
        for (width, height) in [(120, 40), (80, 24)] {
            let term =
                okk(&desk, &["--lang", lang, "review"], width, height).start(desk.dir.path());
            let screen = term.wait_for(note);
            // The name, which the title bar shows too, comes last: a long one may be cut.
            assert!(screen.contains("«tester»"), "{lang} {width}: {screen}");
            drop(term);
        }
    }
    let term = okk(&desk, &["review", "--auditor", "anna"], 120, 40).start(desk.dir.path());
    let screen = term.wait_for("anna · ? help");
    assert!(!screen.contains("Set your name"), "{screen}");
}

// ---- what a sync changed ----------------------------------------------------------------------

/// The card screen's right column (checklist and suggestion), its rows' words in one line.
fn right_pane_words(screen: &str) -> String {
    let rows: Vec<&str> = (screen.lines())
        .filter_map(|l| l.split('│').nth(3))
        .collect();
    rows.join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Anna judges a card; a later export retitles it and moves it to «Переговоры». Opened again
/// there, her card says under her verdict that it changed since, and what: the title and the
/// stage, each from what to what.
#[test]
fn a_card_judged_then_retitled_and_moved_by_a_reimport_lists_both_under_the_verdict() {
    const NOW_AT: &str = "Переговоры";
    const NEW_TITLE: &str = "Сделка, правка 2213";
    let desk = demo_desk();
    let mut term = review_stage(&desk, STAGE, "anna");
    let id = verdict(&mut term, "a", "ok");
    quit_from_card(&mut term);
    let judged_title = desk.card(&id)["title"].as_str().unwrap().to_string();

    // The CRM's export a day later: the card retitled and moved, every other as it was.
    let demo = repo().join("assets/demo/amocrm_deals.csv");
    let mut reader = csv::Reader::from_path(&demo).unwrap();
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (title, stage) = (column("Название сделки"), column("Этап сделки"));
    let later = desk.dir.path().join("later.csv");
    let mut out = csv::Writer::from_path(&later).unwrap();
    out.write_record(&header).unwrap();
    for row in reader.records() {
        let mut row: Vec<String> = row.unwrap().iter().map(String::from).collect();
        if row[0] == id {
            row[title] = NEW_TITLE.into();
            row[stage] = NOW_AT.into();
        }
        out.write_record(&row).unwrap();
    }
    out.flush().unwrap();
    desk.import(&[&path_arg(&later)]);

    let mut term = review_stage(&desk, NOW_AT, "anna");
    term.send("q");
    term.wait_for("Title");
    term.send("/");
    term.wait_for("filter: ▏");
    term.send(&id);
    term.wait_until("the queue filtered to the card", |s| {
        let rows = queue_rows(&s.contents());
        rows.len() == 1 && rows[0].contains(&id)
    });
    term.send("<enter>");
    term.wait_gone("▏");
    term.send("<enter>");
    let lines = [
        "↻ the card changed after your review:".to_string(),
        format!("Title: {judged_title} → {NEW_TITLE}"),
        format!("Stage: {STAGE} → {NOW_AT}"),
    ];
    let expected: Vec<String> = (lines.iter())
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    term.wait_until("the changes listed under the verdict", |s| {
        let pane = right_pane_words(&s.contents());
        expected.iter().all(|l| pane.contains(l.as_str()))
    });
    let screen = term.screen();
    assert_eq!(card_id(&screen), id, "{screen}");
    assert!(screen.contains("your verdict: ok"), "{screen}");
    term.send("q");
    term.wait_for("Title");
    term.send("q");
    term.wait_for("To review");
    term.send("q");
    term.wait_clean_exit("okk review");
}

/// Tester27's card #501 showed «Stage Первичный контакт  since 06.12 (0 d)» judged as of 20.11:
/// a mistaken import had marked it gone, the right one brought it back in the stage it never
/// left — a visit of that import's day, after the day judged. Judged with `--today` before the
/// imports, a card back from gone in its stage shows no «since» (it never moved); one that moved
/// in an import after the day judged is said to have come after it, not «since» a day to come.
#[test]
fn with_today_before_the_imports_a_card_back_from_gone_claims_no_move() {
    let desk = Desk::new();
    let head = "ID,Название сделки,Ответственный,Этап сделки,Воронка\n";
    let file = |name: &str, rows: &[&str]| {
        let path = desk.dir.path().join(name);
        std::fs::write(&path, format!("{head}{}\n", rows.join("\n"))).unwrap();
        path_arg(&path)
    };
    let first = file(
        "first.csv",
        &[
            "1,Вернувшаяся,Попова Анна,Первичный контакт,Продажи",
            "2,Переехавшая,Попова Анна,Первичный контакт,Продажи",
        ],
    );
    // A full export without deal 1: gone; deal 2 moved.
    let without = file(
        "without.csv",
        &["2,Переехавшая,Попова Анна,Квалификация,Продажи"],
    );
    let again = file(
        "again.csv",
        &[
            "1,Вернувшаяся,Попова Анна,Первичный контакт,Продажи",
            "2,Переехавшая,Попова Анна,Квалификация,Продажи",
        ],
    );
    for f in [&first, &without, &again] {
        desk.import(&["--profile", "amocrm", f]);
    }
    let today = chrono::Local::now().date_naive() - chrono::Days::new(3);
    let day = today.format("%Y-%m-%d").to_string();
    for (stage, id, shown) in [
        ("Первичный контакт", "1", None),
        (
            "Квалификация",
            "2",
            Some(format!("came here after the day judged ({day})")),
        ),
    ] {
        let mut term = okk(
            &desk,
            &[
                "--today",
                &day,
                "review",
                "--stage",
                stage,
                "--auditor",
                "anna",
            ],
            120,
            40,
        )
        .start(desk.dir.path());
        let screen = term.wait_for("┌ #");
        assert_eq!(card_id(&screen), id);
        let line = screen
            .lines()
            .find(|l| l.contains("Stage") && l.contains(stage))
            .unwrap_or_else(|| panic!("no stage line:\n{screen}"));
        assert!(!line.contains("since"), "{line}");
        match shown {
            Some(text) => assert!(line.contains(&text), "{line}"),
            None => assert!(!line.contains("after the day judged"), "{line}"),
        }
        quit_from_card(&mut term);
    }
}

/// The terminal window closed under the reviewer (SIGHUP): the card she held goes back at once,
/// as on `q`, not when its lease runs out; okk ends quietly, writing nothing more to a terminal
/// that is gone.
#[test]
fn a_closed_terminal_gives_back_the_held_card_and_okk_ends_quietly() {
    let desk = demo_desk();
    let mut term = okk(
        &desk,
        &["review", "--stage", STAGE, "--auditor", "anna", "--claim"],
        120,
        40,
    )
    .start(desk.dir.path());
    term.wait_for("┌ #");
    let held = card_id(&term.screen());
    let before = term.hang_up();
    let status = term.wait_exit();
    assert!(status.success(), "okk exited with {status}");
    // (A frame under way when the signal came may still end; no restore follows it.)
    let after = String::from_utf8_lossy(&term.raw_output()[before..]).to_string();
    assert!(
        !after.contains("\x1b[?1049l") && !after.contains("okk:"),
        "no restore, no message to a terminal that is gone: {after:?}"
    );
    let out = desk
        .okk()
        .args([
            "queue",
            "--stage",
            STAGE,
            "--auditor",
            "boris",
            "--claim",
            "1",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let claimed = common::card_ids(&serde_json::from_slice(&out.stdout).unwrap());
    assert_eq!(claimed, [held], "anna's card is free for boris at once");
}

/// The review of `card` by `auditor` standing now: its comment and the card's digest it was
/// made on, with the card's digest now.
fn standing_review(desk: &Desk, card: &str, auditor: &str) -> Option<(String, i64, i64)> {
    desk.read_only()
        .query_row(
            "SELECT r.comment, r.card_hash, c.content_hash FROM reviews r
             JOIN cards c ON c.id = r.card_id
             WHERE r.card_external_id = ?1 AND r.auditor = ?2
               AND r.superseded_by IS NULL AND r.withdrawn_at IS NULL",
            [card, auditor],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .ok()
}

/// Sends `signal` to the reviewer (SIGSTOP: a laptop that slept; SIGCONT: it wakes).
fn signal(term: &Term, signal: libc::c_int) {
    // SAFETY: signalling the test's own child process.
    assert_eq!(unsafe { libc::kill(term.pid() as libc::pid_t, signal) }, 0);
}

/// tester31 F1 end to end: anna has a card on screen, a comment typed on it, when an import in
/// another shell changes its budget and its note. The reviewer is frozen meanwhile (a laptop
/// that slept) and wakes with her verdict key already typed, so the key and the store's change
/// race: whichever comes first, no verdict stands on the content the card no longer has — the
/// store refuses it and the card is shown anew (the new budget, her comment kept, the status
/// saying what changed), or the refresh showed it anew before the key — and her verdict is on
/// the card's new digest. The next card, changed by another import while she looks at it, is
/// shown anew by the refresh alone, before any key, and judged as it is.
#[test]
fn a_card_an_import_changes_on_screen_is_shown_anew_and_judged_as_it_is_now() {
    const NOTE: &str = "Клиент отказался, снял офис у конкурента";
    let desk = demo_desk();
    let mut term = review_stage(&desk, STAGE, "anna");
    let first = card_id(&term.screen());
    term.send("c");
    term.wait_for("Comment (enter saves · alt-enter: new line)");
    term.send("перезвонить после обеда");
    term.wait_for("перезвонить после обеда");
    term.send("<enter>");
    term.wait_gone("Comment (enter saves · alt-enter: new line)");

    signal(&term, libc::SIGSTOP);
    desk.changed_in_the_crm(&[(&first, &[("Бюджет", "9990000"), ("Примечание", NOTE)])]);
    term.send("a");
    signal(&term, libc::SIGCONT);
    let saved = format!("#{first} saved: ok");
    term.wait_until(
        "the verdict refused, or saved on the card shown anew",
        |s| {
            let text = s.contents();
            text.contains(&saved) || text.contains("was not saved")
        },
    );
    let screen = term.screen();
    if screen.contains("was not saved") {
        // The key came first: refused, the card shown anew with what she built on it.
        let said = format!("#{first} changed in the CRM while it was on screen: Budget, Notes");
        assert!(
            screen
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .contains(&said),
            "{screen}"
        );
        assert_eq!(card_id(&screen), first, "{screen}");
        assert!(screen.contains("9 990 000"), "the new budget:\n{screen}");
        assert!(screen.contains("перезвонить после обеда"), "{screen}");
        assert_eq!(
            standing_review(&desk, &first, "anna"),
            None,
            "nothing written"
        );
        term.send("a");
        term.wait_for(&saved);
    }
    let (comment, judged, now) = standing_review(&desk, &first, "anna").expect("her verdict");
    assert_eq!(judged, now, "judged on the card as it is now");
    assert_eq!(comment, "перезвонить после обеда");

    // The next card: the refresh alone shows it anew.
    term.wait_until("the next card", |s| card_id(&s.contents()) != first);
    let second = card_id(&term.screen());
    desk.changed_in_the_crm(&[
        (&first, &[("Бюджет", "9990000"), ("Примечание", NOTE)]),
        (&second, &[("Бюджет", "1234567")]),
    ]);
    term.wait_for(&format!(
        "#{second} changed in the CRM while it was on screen: Budget — look at the card again"
    ));
    assert!(term.screen().contains("1 234 567"), "{}", term.screen());
    verdict(&mut term, "a", "ok");
    let (_, judged, now) = standing_review(&desk, &second, "anna").expect("her verdict");
    assert_eq!(judged, now);
    quit_from_card(&mut term);
}
