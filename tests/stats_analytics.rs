//! `okk stats` analytics and `okk report` on an eleven-card fixture whose every figure is worked
//! out by hand below: per stage, per manager, the bottlenecks, the weekly trend, `--since` and
//! `--until`, CSV that Python reads back, and a report page that parses and escapes CRM text.
//!
//! The sample is cards, not reviews: a card judged at a stage counts once there, by the verdict
//! that stands on it (the lead's where the lead decided; auditors who agree; a card whose
//! auditors split on ok / not ok with no decision is "disputed" and left out).
//!
//! The fixture (tests/fixtures/analytics/): the clock stands at 2026-11-20 12:00; the funnel's
//! only rule is `required = ["amount"]`, so the flagged cards are those without a budget at the
//! open stages (a2, a4, b2). Idle days count from «Дата редактирования».
//!
//! | card | stage (now = at review)  | owner            | budget | edited | idle |
//! |------|--------------------------|------------------|--------|--------|------|
//! | a1   | Квалификация (Q)         | Смирнова Ольга   | yes    | 10.11  | 10   |
//! | a2   | Q                        | Смирнова Ольга   | — flag | 18.11  | 2    |
//! | a3   | Q                        | Васильев Игорь   | yes    | 14.11  | 6    |
//! | a4   | Q                        | Васильев Игорь   | — flag | 20.11  | 0    |
//! | a5   | Q                        | Смирнова Ольга   | yes    | 16.11  | 4    |
//! | a6   | Q                        | Смирнова Ольга   | yes    | 12.11  | 8    |
//! | b1   | Встреча проведена (M)    | Смирнова Ольга   | yes    | 01.11  | 19   |
//! | b2   | M                        | <script>…        | — flag | 15.11  | 5    |
//! | b3   | M                        | Васильев Игорь   | yes    | 19.11  | 1    |
//! | c1   | Успешно реализовано (won)| Смирнова Ольга   | yes    | closed | —    |
//! | d1   | <b>Переговоры</b> (unknown) | Васильев Игорь | yes   | 12.11  | 8    |
//!
//! Reviews (anna unless named; Q items need, next_step (critical); M items result (critical),
//! objects):
//!
//! | id  | card | day   | week | verdict     | answers                    | score | lead            |
//! |-----|------|-------|------|-------------|----------------------------|-------|-----------------|
//! | R1  | a1   | 11-03 | W45  | ok          | need ✓ next_step ✓         | 100   |                 |
//! | R2  | a2   | 11-10 | W46  | stale       | need ✗ next_step ✓         | 50    |                 |
//! | R3' | a3   | 11-09 | W46  | ok          |                            | 100   | returned, then superseded by R3 |
//! | R3  | a3   | 11-11 | W46  | wrong_stage | need ✗ next_step ✗         | 0     |                 |
//! | R4  | a4   | 11-17 | W47  | ok          | need ✓ next_step n/a       | 100   | override → dead |
//! | R5  | b1   | 11-04 | W45  | stale       | result ✗ objects ✗         | 0     |                 |
//! | R6  | b2   | 11-18 | W47  | ok          | result ✓ objects ✗         | 50    | override → stale, withdrawn |
//! | R7  | b3   | 11-18 | W47  | dead        | result ✓ objects ✓         | 100   | returned: left out |
//! | R8  | c1   | 11-19 | W47  | wrong_stage |                            | —     |                 |
//! | R9  | d1   | 11-12 | W46  | unclear     |                            | —     |                 |
//! | R10 | a1   | 11-19 | W47  | wrong_stage | need ✓ next_step ✗ (boris) | 0     |                 |
//! | R11 | b1   | 11-12 | W46  | ok (boris)  |                            | 100   | withdrawn review|
//! | R12 | a5   | 11-16 | W47  | ok          | need ✓ next_step ✓         | 100   |                 |
//! | R13 | a5   | 11-16 | W47  | ok (boris)  | need ✓ next_step ✓         | 100   |                 |
//! | R14 | a6   | 11-13 | W46  | stale       | need ✓ next_step ✗         | 50    |                 |
//!
//! The cards judged, by the verdict that stands: a1 none (anna ok, boris wrong_stage: disputed);
//! a2 stale; a3 wrong_stage (R3); a4 dead (the lead's); a5 ok (anna and boris agree: one card);
//! a6 stale; b1 stale; b2 ok; b3 none (sent back); c1 wrong_stage; d1 unclear.

mod common;

use std::path::Path;

use common::{Desk, path_arg, python_csv, repo, succeeded, time};
use serde_json::{Value as Json, json};

const CLOCK: &str = "2026-11-20 12:00:00";
const Q: &str = "Квалификация";
const M: &str = "Встреча проведена";
const WON: &str = "Успешно реализовано";
const UNKNOWN: &str = "<b>Переговоры</b>";
const OLGA: &str = "Смирнова Ольга";
const IGOR: &str = "Васильев Игорь";
const SCRIPT: &str = "<script>alert(1)</script>";

fn funnel() -> String {
    path_arg(&repo().join("tests/fixtures/analytics/funnel.toml"))
}

/// `okk --db DB --funnel <the fixture's> ARGS`, which must succeed; its stdout.
fn okk(desk: &Desk, args: &[&str]) -> String {
    succeeded(desk.okk_funnel(Path::new(&funnel())).args(args))
}

/// Whether `text` says `words`, wherever its lines break (`okk stats` fits its lines to the
/// terminal, 80 columns off one): both with their runs of blanks and line breaks as one space.
fn says(text: &str, words: &str) -> bool {
    let flat = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    flat(text).contains(&flat(words))
}

fn stats(desk: &Desk, args: &[&str]) -> Json {
    let mut all = vec!["stats", "--json"];
    all.extend(args);
    serde_json::from_str(&okk(desk, &all)).expect("stats --json prints JSON")
}

/// Saves a review as the reviewer does, with the score given (the fixture's own funnel scores
/// it; the tests only need the number). The review's id.
fn review(
    desk: &Desk,
    card: &str,
    auditor: &str,
    day: &str,
    verdict: &str,
    answers: &[(&str, &str)],
    score: Option<f64>,
) -> String {
    use okk::domain::review::{Review, ReviewDraft, Verdict};
    let review = Review {
        verdict: Verdict::from_name(verdict).unwrap(),
        draft: ReviewDraft {
            answers: common::answers(answers),
            ..ReviewDraft::default()
        },
        score,
        seconds_spent: 30.0,
    };
    desk.save_review(card, auditor, &format!("{day} 15:00:00"), &review)
}

/// The fixture's cards, not reviewed yet, the store's clock set.
fn cards_only() -> Desk {
    let desk = Desk::new();
    okk(
        &desk,
        &[
            "import",
            &path_arg(&repo().join("tests/fixtures/analytics/deals.csv")),
        ],
    );
    okk::store::Store::open(&desk.db)
        .and_then(|store| store.set_meta("clock", CLOCK))
        .expect("set the store's clock");
    desk
}

/// The fixture, reviewed as the table at the top says.
fn fixture() -> Desk {
    let desk = cards_only();
    let (p, f, na) = ("pass", "fail", "na");
    review(
        &desk,
        "a1",
        "anna",
        "2026-11-03",
        "ok",
        &[("need", p), ("next_step", p)],
        Some(100.0),
    );
    review(
        &desk,
        "a2",
        "anna",
        "2026-11-10",
        "stale",
        &[("need", f), ("next_step", p)],
        Some(50.0),
    );
    let r3_first = review(&desk, "a3", "anna", "2026-11-09", "ok", &[], Some(100.0));
    desk.decide(
        &r3_first,
        "olga",
        "return",
        (None, None, None),
        "2026-11-10 10:00:00",
    );
    review(
        &desk,
        "a3",
        "anna",
        "2026-11-11",
        "wrong_stage",
        &[("need", f), ("next_step", f)],
        Some(0.0),
    );
    let r4 = review(
        &desk,
        "a4",
        "anna",
        "2026-11-17",
        "ok",
        &[("need", p), ("next_step", na)],
        Some(100.0),
    );
    review(
        &desk,
        "b1",
        "anna",
        "2026-11-04",
        "stale",
        &[("result", f), ("objects", f)],
        Some(0.0),
    );
    let r6 = review(
        &desk,
        "b2",
        "anna",
        "2026-11-18",
        "ok",
        &[("result", p), ("objects", f)],
        Some(50.0),
    );
    let r7 = review(
        &desk,
        "b3",
        "anna",
        "2026-11-18",
        "dead",
        &[("result", p), ("objects", p)],
        Some(100.0),
    );
    review(&desk, "c1", "anna", "2026-11-19", "wrong_stage", &[], None);
    review(&desk, "d1", "anna", "2026-11-12", "unclear", &[], None);
    review(
        &desk,
        "a1",
        "boris",
        "2026-11-19",
        "wrong_stage",
        &[("need", p), ("next_step", f)],
        Some(0.0),
    );
    let r11 = review(&desk, "b1", "boris", "2026-11-12", "ok", &[], Some(100.0));
    for auditor in ["anna", "boris"] {
        review(
            &desk,
            "a5",
            auditor,
            "2026-11-16",
            "ok",
            &[("need", p), ("next_step", p)],
            Some(100.0),
        );
    }
    review(
        &desk,
        "a6",
        "anna",
        "2026-11-13",
        "stale",
        &[("need", p), ("next_step", f)],
        Some(50.0),
    );
    desk.decide(
        &r4,
        "olga",
        "override",
        (Some("dead"), None, None),
        "2026-11-18 10:00:00",
    );
    let undone = desk.decide(
        &r6,
        "olga",
        "override",
        (Some("stale"), None, None),
        "2026-11-19 10:00:00",
    );
    okk::store::Store::open(&desk.db)
        .and_then(|mut store| store.withdraw_decision(&undone, time("2026-11-19 11:00:00")))
        .expect("withdraw the decision");
    desk.decide(
        &r7,
        "olga",
        "return",
        (None, None, None),
        "2026-11-19 10:00:00",
    );
    okk::store::Store::open(&desk.db)
        .unwrap()
        .withdraw_review(
            &r11,
            chrono::NaiveDateTime::parse_from_str("2026-11-13 09:00:00", "%Y-%m-%d %H:%M:%S")
                .unwrap(),
        )
        .unwrap();
    desk
}

fn row<'a>(rows: &'a Json, key: &str, name: &str) -> &'a Json {
    rows.as_array()
        .expect("an array")
        .iter()
        .find(|r| r[key] == name)
        .unwrap_or_else(|| panic!("no {key} «{name}» in {rows:#}"))
}

fn ids(items: &Json) -> Vec<&str> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}

#[test]
fn stage_figures_match_the_hand_count() {
    let desk = fixture();
    let s = stats(&desk, &[]);
    // Counted: R1–R6, R8–R10, R12–R14 (12 reviews). R7 was sent back; R3' was replaced, R11
    // withdrawn.
    assert_eq!(s["returned"], 1);

    // Q: 8 reviews (R1 R2 R3 R4 R10 R12 R13 R14) of 6 cards: a1 disputed (anna ok, boris
    // wrong_stage, no decision); a2 stale, a3 wrong_stage, a4 dead (the lead's override), a5 ok
    // (two auditors, one card), a6 stale: 4 of 5 cards not ok = 0.8. Its estimate is by
    // stratum: the flagged a2 a4, both judged, both not ok — a count, 2; the unflagged a1 a3 a5
    // a6, 3 judged (a1 disputed), 2 not ok: 2/3 × 4 = 2.67. 4.7 (not 0.8 × 6 = 4.8).
    // Scores of the verdicts that stand 50, 0, 100, 100, 50 → 60. Flagged a2, a4: 2 of 6.
    // Idle 0, 2, 4, 6, 8, 10 → median (4 + 6) / 2 = 5.
    // need: judged on 5 cards (a2 a3 a4 a5 a6), failed 2 (a2 a3), both not ok; next_step:
    // judged on 4 (a4 said n/a), failed 2 (a3 a6), both not ok. Equal counts: by id.
    let q = row(&s["stages"], "stage", Q);
    assert_eq!(q["cards"], 6);
    assert_eq!(q["flagged"], 2);
    assert_eq!(q["flagged_share"], 0.3333);
    assert_eq!(
        (
            q["reviews"].as_u64(),
            q["judged"].as_u64(),
            q["disputed"].as_u64()
        ),
        (Some(8), Some(5), Some(1))
    );
    assert_eq!(
        q["review_verdicts"],
        json!({"ok": 1, "wrong_stage": 1, "stale": 2, "dead": 1, "unclear": 0})
    );
    assert_eq!(q["mismatches"], 4);
    assert_eq!(q["mismatch_rate"], 0.8);
    assert_eq!(q["estimated_lying"], 4.7);
    // Wilson (95 %) of 2 of 3: 20.8 %–93.9 %, of 4 unflagged open cards (0.83–3.75), plus the
    // flagged ones' 2: 2.8–5.8.
    assert_eq!(
        (
            q["estimated_lying_low"].as_f64(),
            q["estimated_lying_high"].as_f64()
        ),
        (Some(2.8), Some(5.8))
    );
    assert_eq!(
        q["strata"],
        json!({
            "flagged": {"open": 2, "judged": 2, "not_ok": 2, "estimate": 2.0, "low": 2.0,
                        "high": 2.0, "measured": true},
            "unflagged": {"open": 4, "judged": 3, "not_ok": 2, "estimate": 2.7, "low": 0.8,
                          "high": 3.8, "measured": false}
        })
    );
    assert_eq!(q["covered_cards"], 6);
    assert_eq!(q["ranked"], true);
    assert_eq!(q["average_score"], 60.0);
    assert_eq!(q["open_cards"], 6);
    assert_eq!(q["median_idle_days"], 5.0);
    assert_eq!(ids(&q["top_failing"]), ["need", "next_step"]);
    let need = &q["top_failing"][0];
    assert_eq!(need["text"], "Запрос клиента выяснен");
    assert_eq!(
        (need["failed"].as_u64(), need["judged"].as_u64()),
        (Some(2), Some(5))
    );
    assert_eq!(need["fail_rate"], 0.4);
    assert_eq!(q["top_failing"][1]["critical"], true);
    assert_eq!(q["top_failing"][1]["judged"], 4);
    // The cards there now: 6 with a current review; by the verdict that stands on each, as
    // the sample takes them (a4 dead, the lead's; a5 ok once), a1 (disputed) in none.
    assert_eq!(q["reviewed"], 6);
    assert_eq!(q["verdicts"], q["review_verdicts"]);

    // M: R5 stale, R6 ok (its override withdrawn); R7 left out. 1 of 2; by stratum: b2
    // (flagged, ok) is its one flagged open card, judged: 0; b1 stale is 1 of 1 unflagged
    // judged, × b1 b3 = 2.
    // Scores 0, 50 → 25. Flagged b2: 1 of 3. Idle 1, 5, 19 → 5. objects failed 2 (b1 b2),
    // result 1 (b1).
    let m = row(&s["stages"], "stage", M);
    assert_eq!(
        (m["judged"].as_u64(), m["mismatches"].as_u64()),
        (Some(2), Some(1))
    );
    // b3, whose only review was sent back, waits for a new verdict: not reviewed, as the
    // text's and the report's sample say (it was 3 beside a sample of 2).
    assert_eq!(
        (m["reviewed"].as_u64(), m["verdicts"]["ok"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(m["mismatch_rate"], 0.5);
    assert_eq!(m["estimated_lying"], 2.0);
    assert_eq!(m["ranked"], false);
    assert_eq!(m["average_score"], 25.0);
    assert_eq!(m["flagged_share"], 0.3333);
    assert_eq!(m["median_idle_days"], 5.0);
    assert_eq!(ids(&m["top_failing"]), ["objects", "result"]);

    // Won: c1 wrong_stage; no score; a won card is never idle, and no open card lies there:
    // 1 of 1 not ok says nothing of the open cards.
    let won = row(&s["stages"], "stage", WON);
    assert_eq!(
        (won["judged"].as_u64(), won["mismatch_rate"].as_f64()),
        (Some(1), Some(1.0))
    );
    assert_eq!(won["average_score"], Json::Null);
    assert_eq!(
        (won["open_cards"].as_u64(), &won["median_idle_days"]),
        (Some(0), &Json::Null)
    );
    assert_eq!(
        (
            won["covered_cards"].as_u64(),
            won["estimated_lying"].as_f64()
        ),
        (Some(0), Some(0.0))
    );

    // The unknown stage: d1 unclear, 1 of 1 × 1 open card; idle 8.
    let unknown = row(&s["stages"], "stage", UNKNOWN);
    assert_eq!(unknown["known"], false);
    assert_eq!(unknown["mismatch_rate"], 1.0);
    assert_eq!(unknown["estimated_lying"], 1.0);
    assert_eq!(unknown["median_idle_days"], 8.0);

    // Everything: 11 cards, 3 flagged; 9 cards judged (5 + 2 + 1 + 1), 7 not ok, 1 disputed;
    // 12 reviews. Scores 50 0 100 100 50 0 50 → 350 / 7 = 50. Idle 0 1 2 4 5 6 8 8 10 19 →
    // (5 + 6) / 2.
    let t = &s["totals"];
    assert_eq!(
        (t["cards"].as_u64(), t["flagged"].as_u64()),
        (Some(11), Some(3))
    );
    assert_eq!(
        (
            t["reviews"].as_u64(),
            t["judged"].as_u64(),
            t["mismatches"].as_u64(),
            t["disputed"].as_u64()
        ),
        (Some(12), Some(9), Some(7), Some(1))
    );
    assert_eq!(t["mismatch_rate"], 0.7778);
    assert_eq!(t["average_score"], 50.0);
    assert_eq!(t["median_idle_days"], 5.5);
    // Likely lying in the funnel: each stage's estimate (by stratum), summed: Q 4.67 (of 6) +
    // M 2 (of 3) + won 0 (of 0) + unknown 1 (of 1) = 7.7 of 10 open cards — not the funnel's
    // 7 of 9 × 11 cards = 8.6. The interval's ends summed: 2.83 + 0.41 (1 of 1 is 20.7 %–100 %,
    // of M's 2 unflagged) + 0 + 1 = 4.2 (the unknown stage's one open card is judged there:
    // measured, its 1 exact, no interval); 5.75 + 2 + 0 + 1 = 8.8.
    assert_eq!(t["covered_cards"], 10);
    assert_eq!(t["estimated_lying"], 7.7);
    // People are not shown it: Q's unflagged cards (3 judged) have a1 left to judge, M's (1
    // judged) b3, and no more is asked of them; the unknown stage, its one card judged, and
    // the flagged cards of Q and M, all judged, are measured and ask nothing.
    assert_eq!(
        (t["estimate_shown"].as_bool(), t["judged_needed"].as_u64()),
        (Some(false), Some(2))
    );
    assert_eq!(
        (
            t["estimated_lying_low"].as_f64(),
            t["estimated_lying_high"].as_f64()
        ),
        (Some(4.2), Some(8.8))
    );
    // The strata summed over the stages with cards judged: flagged a2 a4 b2 (3 judged, 2 not
    // ok), unflagged a1 a3 a5 a6, b1 b3, d1 (c1 is won: no open card); every kind sampled.
    let strata = &t["strata"];
    assert_eq!(
        (
            &strata["flagged"]["open"],
            &strata["flagged"]["judged"],
            &strata["unflagged"]["open"],
            &strata["unflagged"]["judged"]
        ),
        (&json!(3), &json!(3), &json!(7), &json!(6))
    );
    // The text and the report give each mean score with the cards it is the mean of: a score
    // of two cards must not read as the stage's whole.
    let scored = q["scored"].as_u64().unwrap();
    assert_eq!(scored, 5);
    let text = okk(&desk, &["stats"]);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(Q))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("60 (n=5)"), "{line}");
    let total = text
        .lines()
        .find(|l| l.trim_start().starts_with("Total"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        total.contains(&format!("50 (n={})", t["scored"])),
        "{total}"
    );
    let html = desk.file("r.html");
    okk(&desk, &["report", "--out", &html]);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.contains("<td>60 (n=5)</td>"), "the report's stage row");
}

#[test]
fn a_stage_s_verdicts_count_each_card_by_the_lead_s_word_as_every_other_output_does() {
    let desk = cards_only();
    // anna finds a1 at the wrong stage; boris finds a1 and a2 ok. The lead accepts anna's
    // review of a1 and overrides boris's of a2 to wrong_stage: both cards are wrong_stage.
    let anna = review(&desk, "a1", "anna", "2026-11-17", "wrong_stage", &[], None);
    review(&desk, "a1", "boris", "2026-11-18", "ok", &[], None);
    let boris = review(&desk, "a2", "boris", "2026-11-18", "ok", &[], None);
    desk.decide(
        &anna,
        "olga",
        "accept",
        (None, None, None),
        "2026-11-19 09:00:00",
    );
    desk.decide(
        &boris,
        "olga",
        "override",
        (Some("wrong_stage"), Some(M), None),
        "2026-11-19 09:10:00",
    );
    let wrong_both = json!({"ok": 0, "wrong_stage": 2, "stale": 0, "dead": 0, "unclear": 0});
    let q = |s: &Json| row(&s["stages"], "stage", Q).clone();
    let s = stats(&desk, &[]);
    assert_eq!(q(&s)["verdicts"], wrong_both, "{:#}", q(&s));
    assert_eq!(q(&s)["review_verdicts"], wrong_both);
    assert_eq!(q(&s)["reviewed"], 2);
    // anna judges a1 again, ok: her decided review is replaced, the lead's word stands.
    review(&desk, "a1", "anna", "2026-11-20", "ok", &[], None);
    let s = stats(&desk, &[]);
    assert_eq!(q(&s)["verdicts"], wrong_both, "{:#}", q(&s));
    assert_eq!(q(&s)["review_verdicts"], wrong_both);
    // The text says the same: 2 cards judged at Q, both not ok.
    let text = okk(&desk, &["stats"]);
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with(Q))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("100%"), "{line}");
}

/// On the built-in funnel: 30 open cards at «Квалификация», 5 judged, 3 of them not ok. The
/// Wilson interval of 3 of 5 is 23.1 %–88.2 %: 6.92–26.47 of the 30 cards, 18 the estimate.
fn three_of_five_judged_over_thirty() -> Desk {
    judged_over_thirty(&["stale", "dead", "wrong_stage", "ok", "ok"])
}

/// Thirty open cards at «Квалификация», the first judged as `verdicts` say.
fn judged_over_thirty(verdicts: &[&str]) -> Desk {
    judged_over(30, verdicts)
}

/// `open` open cards at «Квалификация», the first judged as `verdicts` say.
fn judged_over(open: u32, verdicts: &[&str]) -> Desk {
    let reviews: Vec<common::Verdict> = verdicts.iter().map(|v| common::Verdict::of(v)).collect();
    judged_over_as(open, &reviews)
}

/// `open` open cards at «Квалификация», the first judged as `reviews` say (answers and all).
fn judged_over_as(open: u32, reviews: &[common::Verdict]) -> Desk {
    let desk = Desk::new();
    let mut csv = String::from(
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка\n",
    );
    for n in 1..=open {
        csv.push_str(&format!(
            "q{n},Сделка q{n},100000,Смирнова Ольга,01.09.2026 10:00:00,\
             18.11.2026 10:00:00,не закрыта,Квалификация,Продажи недвижимости\n"
        ));
    }
    let file = desk.file("deals.csv");
    std::fs::write(&file, csv).unwrap();
    succeeded(desk.okk().args(["import", &file]));
    okk::store::Store::open(&desk.db)
        .and_then(|store| store.set_meta("clock", CLOCK))
        .expect("set the store's clock");
    for (n, review) in reviews.iter().enumerate() {
        let at = format!("2026-11-19 1{n}:00:00");
        desk.review(&format!("q{}", n + 1), "anna", &at, review);
    }
    desk
}

/// «Unclear» is an auditor's "I cannot tell from the card": it counts as not ok (the card does
/// not show its stage), and every place the lead reads the share from says so and how many
/// of the cards not ok are only unclear — the figure goes upward.
#[test]
fn the_share_not_ok_says_it_counts_unclear_and_how_many_are() {
    let desk = judged_over_thirty(&["stale", "unclear", "wrong_stage", "ok", "ok"]);
    let text = succeeded(desk.okk().arg("stats"));
    assert!(
        says(&text, "judged not ok (60%; 1 of them unclear)"),
        "{text}"
    );
    assert!(
        says(
            &text,
            "Not ok: the verdict is wrong stage, stale, dead or unclear"
        ),
        "{text}"
    );
    assert!(says(&text, "unclear: 1 of the 3 not ok."), "{text}");
    let text = succeeded(desk.okk().args(["--lang", "ru", "stats"]));
    assert!(says(&text, "(60\u{a0}%; из них неясно: 1)"), "{text}");
    assert!(says(&text, "неясно 1 из 3 с ошибкой"), "{text}");
    let out = desk.file("report.html");
    succeeded(desk.okk().args(["report", "--out", &out]));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("1 of them unclear"), "{html}");
    assert!(html.contains("unclear: 1 of the 3 not ok"), "{html}");
    let (mut state, mut tui) = common::reviewer::open(&desk.db, "anna");
    okk::tui::update::load_stages(&mut state, &tui).unwrap();
    common::reviewer::press(&mut state, &mut tui, "4");
    let screen = common::reviewer::screen(&state, 120, 40);
    assert!(
        screen.contains("not ok: wrong stage, stale, dead or unclear")
            && screen.contains("(1 unclear)"),
        "{screen}"
    );
    // None unclear: the headline says nothing of them, the note says none.
    let text = succeeded(three_of_five_judged_over_thirty().okk().arg("stats"));
    assert!(says(&text, "judged not ok (60%), so about"), "{text}");
    assert!(says(&text, "unclear: 0 of the 3 not ok."), "{text}");
}

/// Six open cards at «Квалификация», every one of them judged, two not ok: the stage is
/// measured, not sampled, and what lies there is a count. The sentence on the stage that lies
/// most says so — no «about», no 95 % interval of a point — and so does every place the same
/// figure stands: the funnel's total in `okk stats`, and on the report's page its headline
/// figure and the words under it, the stage's row and the bottleneck's; in both languages. One
/// card not ok reads in the singular.
#[test]
fn a_stage_judged_whole_is_worded_as_counted_not_estimated() {
    let desk = judged_over(6, &["stale", "dead", "ok", "ok", "ok", "ok"]);
    let s = stats(&desk, &[]);
    let q = row(&s["stages"], "stage", Q);
    assert_eq!(q["measured"], json!(true), "{q:#}");
    assert_eq!(
        (
            q["estimated_lying"].as_f64(),
            q["estimated_lying_low"].as_f64(),
            q["estimated_lying_high"].as_f64()
        ),
        (Some(2.0), Some(2.0), Some(2.0))
    );
    let en = okk(&desk, &["stats"]);
    let lies_most = "Lies most: «Квалификация» — 2 of 6 cards judged not ok (33%): 2 of its 6 \
                     open cards lie, every one of them judged.";
    let total = "Lying: 2 of the 6 open cards at the stage with cards judged (6 cards judged, \
                 2 not ok); every one of those open cards judged: a count, not an estimate.";
    assert!(says(&en, lies_most), "{en}");
    assert!(says(&en, total), "{en}");
    for estimate in ["about 2 of its", "interval 2–2", "(2–2)"] {
        assert!(!says(&en, estimate), "«{estimate}» in\n{en}");
    }
    let ru = okk_ru(&desk, &["stats"]);
    let lies_most_ru = "Врёт больше всех: «Квалификация» — с ошибкой 2 из 6 проверенных карточек \
                        (33\u{a0}%): врут 2 из 6 его открытых карточек, проверены все.";
    assert!(says(&ru, lies_most_ru), "{ru}");
    assert!(
        says(
            &ru,
            "Врут: 2 из 6 открытых карточек на 1 этапе с проверенными карточками (проверено 6 \
             карточек, с ошибкой 2); все эти открытые карточки проверены: это счёт, а не оценка."
        ),
        "{ru}"
    );
    for estimate in ["примерно 2 из", "интервал 2–2", "(2–2)"] {
        assert!(!says(&ru, estimate), "«{estimate}» in\n{ru}");
    }
    for (lang, sentence, kpi) in [
        (
            "en",
            lies_most,
            "cards lying, of the 6 open cards at the stages with cards judged (every one of \
             them judged: a count, not an estimate)",
        ),
        (
            "ru",
            lies_most_ru,
            "карточки врут — из 6 открытых на этапах с проверенными карточками (проверены все: \
             это счёт, а не оценка)",
        ),
    ] {
        let out = desk.file(&format!("report-{lang}.html"));
        succeeded(desk.okk().args(["--lang", lang, "report", "--out", &out]));
        let html = std::fs::read_to_string(&out).unwrap();
        let text = page_text(&html);
        assert!(says(&text, sentence), "{lang}: {text}");
        assert!(says(&text, kpi), "{lang}: {text}");
        assert!(
            html.contains("<b>2</b>"),
            "{lang}: the headline figure, a count: {html}"
        );
        for estimate in ["~2 (2–2)", "(2–2)", "interval 2–2", "интервал 2–2"] {
            assert!(!says(&text, estimate), "{lang}: «{estimate}» in {text}");
        }
    }

    let one = judged_over(6, &["stale", "ok", "ok", "ok", "ok", "ok"]);
    let en = okk(&one, &["stats"]);
    assert!(
        says(
            &en,
            "(17%): 1 of its 6 open cards lies, every one of them judged."
        ),
        "{en}"
    );
    let ru = okk_ru(&one, &["stats"]);
    assert!(
        says(
            &ru,
            "(17\u{a0}%): врёт 1 из 6 его открытых карточек, проверены все."
        ),
        "{ru}"
    );
}

#[test]
fn an_interval_reads_the_same_in_the_text_the_report_and_the_stats_screen_rounded_once() {
    let desk = three_of_five_judged_over_thirty();
    // The JSON keeps tenths: 26.47 is 26.5 there, and rounding that again made 27.
    let s: Json = serde_json::from_str(&succeeded(desk.okk().args(["stats", "--json"]))).unwrap();
    let q = row(&s["stages"], "stage", Q);
    assert_eq!(
        (
            q["estimated_lying"].as_f64(),
            q["estimated_lying_low"].as_f64(),
            q["estimated_lying_high"].as_f64()
        ),
        (Some(18.0), Some(6.9), Some(26.5))
    );
    let once = "~18 (7–26)";
    // The text: the funnel's total, the stage that lies most, the bottlenecks table.
    let text = succeeded(desk.okk().arg("stats"));
    assert!(says(&text, &format!("Likely lying: {once}")), "{text}");
    assert!(!text.contains("7–27"), "{text}");
    assert!(says(&text, "Lies most: «Квалификация»"), "{text}");
    assert!(says(&text, "(95 % interval 7–26)."), "{text}");
    let bottlenecks = succeeded(desk.okk().args(["stats", "--table", "bottlenecks"]));
    assert!(bottlenecks.contains(once), "{bottlenecks}");
    // The report: the headline figure, the stage's row, the bottleneck's.
    let out = desk.file("report.html");
    succeeded(desk.okk().args(["report", "--out", &out]));
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.matches(once).count() >= 3, "{html}");
    assert!(!html.contains("7–27"));
    // The stats screen.
    let (mut state, mut tui) = common::reviewer::open(&desk.db, "anna");
    okk::tui::update::load_stages(&mut state, &tui).unwrap();
    common::reviewer::press(&mut state, &mut tui, "4");
    let screen = common::reviewer::screen(&state, 120, 40);
    assert!(screen.contains(once), "{screen}");
}

#[test]
fn managers_and_bottlenecks_match_the_hand_count() {
    let desk = fixture();
    let s = stats(&desk, &[]);

    // Игорь: a3 a4 b3 d1; a3 wrong, a4 dead, d1 unclear (b3 sent back): 3 of 3 → 1.0, by
    // stratum over his open cards at the stages where his cards were judged (a3 a4 at Q, d1;
    // not b3 at M): flagged a4, 1 of 1 × 1; unflagged a3 d1, 2 of 2 × 2.
    // Scores 0, 100 → 50. Idle 0 1 6 8 → 3.5. Flagged a4.
    // Ольга: a1 a2 a5 a6 b1 c1; a2 stale, a5 ok, a6 stale, b1 stale, c1 wrong (a1 disputed):
    // 4 of 5 → 0.8; by stratum over her 5 open cards at Q, M and won (c1 is won): flagged a2,
    // 1 of 1 × 1; unflagged a1 a5 a6 b1, a5 a6 b1 c1 judged, 3 of 4 × 4 = 3: 4.
    // Scores 50 100 50 0 → 50. Idle a1 10, a2 2, a5 4, a6 8, b1 19 (c1 won) → 8. need (a2),
    // next_step (a6) at Q and objects, result (b1) at M each failed once: the first three by
    // stage, then id.
    // <script>: b2; ok → 0 × 1 = 0.
    // Only Ольга has the 5 cards judged a ranking needs: she comes first, the others after her
    // by cards, not ranked (Игорь's 3 of 3 would otherwise top the list).
    let managers = &s["managers"];
    let order: Vec<(&str, bool)> = managers
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["manager"].as_str().unwrap(),
                m["ranked"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(order, [(OLGA, true), (IGOR, false), (SCRIPT, false)]);
    let igor = row(managers, "manager", IGOR);
    assert_eq!(
        (igor["cards"].as_u64(), igor["flagged"].as_u64()),
        (Some(4), Some(1))
    );
    assert_eq!(igor["mismatch_rate"], 1.0);
    assert_eq!(
        (
            igor["covered_cards"].as_u64(),
            igor["estimated_lying"].as_f64()
        ),
        (Some(3), Some(3.0))
    );
    // 1 of 1 is 20.7 %–100 % (Wilson, 95 %) of 1 card, 2 of 2 34.2 %–100 % of 2: 0.9 to 3.
    assert_eq!(
        (
            igor["estimated_lying_low"].as_f64(),
            igor["estimated_lying_high"].as_f64()
        ),
        (Some(0.9), Some(3.0))
    );
    assert_eq!(igor["average_score"], 50.0);
    assert_eq!(igor["median_idle_days"], 3.5);
    let olga = row(managers, "manager", OLGA);
    assert_eq!(
        (
            olga["reviews"].as_u64(),
            olga["judged"].as_u64(),
            olga["disputed"].as_u64()
        ),
        (Some(8), Some(5), Some(1))
    );
    assert_eq!(olga["mismatch_rate"], 0.8);
    assert_eq!(olga["covered_cards"], 5);
    assert_eq!(olga["estimated_lying"], 4.0);
    assert_eq!(olga["average_score"], 50.0);
    assert_eq!(olga["median_idle_days"], 8.0);
    assert_eq!(ids(&olga["top_failing"]), ["need", "next_step", "objects"]);
    assert_eq!(olga["top_failing"][2]["stage"], M);
    assert_eq!(row(managers, "manager", SCRIPT)["estimated_lying"], 0.0);

    // Stages: Q 4.7 (5 cards judged); M (2) and the unknown one (1) are too few to rank; won
    // 0 is no bottleneck.
    let stages = &s["bottlenecks"]["stages"];
    let order: Vec<(u64, &str, f64)> = stages
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["rank"].as_u64().unwrap(),
                b["stage"].as_str().unwrap(),
                b["estimated_lying"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(order, [(1, Q, 4.7)]);
    assert_eq!(
        (
            stages[0]["judged"].as_u64(),
            stages[0]["reviews"].as_u64(),
            stages[0]["covered_cards"].as_u64()
        ),
        (Some(5), Some(8), Some(6))
    );
    assert_eq!(s["bottlenecks"]["unranked_stages"], 2);
    // Q's likely cause: need failed on 2 of its 4 cards not ok (a2 a3), next_step on 2 (a3 a6).
    assert_eq!(ids(&stages[0]["likely_cause"]), ["need", "next_step"]);
    assert_eq!(stages[0]["likely_cause"][0]["failed_in_mismatch"], 2);
    // M's figures still name its failed items (b1 failed both; b2, ok, objects).
    let m = row(&s["stages"], "stage", M);
    assert_eq!(ids(&m["top_failing"]), ["objects", "result"]);

    // Pairs: (Q, Игорь) 2 of 2, (Q, Ольга) 2 of 3, (M, Ольга) 1 of 1, (unknown, Игорь) 1 of 1
    // (won, Ольга: 1 of 1 over no open card, lies nowhere): none has 5 cards judged, so none is
    // ranked (the ranking's order is a unit test's).
    let pairs: Vec<(&str, &str, f64)> = s["bottlenecks"]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["stage"].as_str().unwrap(),
                b["manager"].as_str().unwrap(),
                b["estimated_lying"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(pairs, []);
    assert_eq!(s["bottlenecks"]["unranked_pairs"], 4);

    // The text names the stage that lies most, and why.
    let text = okk(&desk, &["stats"]);
    assert!(
        says(
            &text,
            "Lies most: «Квалификация» — 4 of 5 cards judged not ok (80%), so about 5 of its 6 \
             open cards (95 % interval 3–6)."
        ),
        "{text}"
    );
    assert!(
        says(
            &text,
            "Why: «Запрос клиента выяснен» (failed in 2 of the 4), «Следующий шаг назначен» \
             (failed in 2 of the 4)."
        ),
        "{text}"
    );
    // The funnel's likely lying cards (7.7 in the JSON's totals) are held back: Q's unflagged
    // cards have 3 judged of 4 open, M's 1 of 2, and only the one left to judge at each is
    // asked for; the unknown stage, its 1 open card judged, is measured, and so are the
    // flagged cards of Q and M.
    assert!(
        says(
            &text,
            "Likely lying: not estimated yet: 9 cards judged, but 2 stages with open cards have \
             fewer than 5 cards judged among their flagged cards or among those without flags \
             (each kind is estimated on its own sample); judge 2 more cards there for an \
             estimate."
        ),
        "{text}"
    );
    assert!(
        says(
            &text,
            "(1 card whose auditors disagree on whether it is ok is left out"
        ),
        "{text}"
    );
    for heading in [
        "  Stage ",
        "  Total ",
        "Managers",
        "Bottlenecks",
        "Trend by ISO week",
    ] {
        assert!(text.contains(heading), "«{heading}» missing:\n{text}");
    }
    // No stage · manager pair is ranked: no header with no row under it (tester42), only the
    // pairs left out, without a "more" that speaks of rows above.
    assert!(!text.contains("Stage · manager"), "{text}");
    assert!(
        says(
            &text,
            "(no stage · manager pair has 5 cards judged; 4 pairs with cards not ok but fewer \
             than 5 cards judged: not ranked)"
        ),
        "{text}"
    );
    let ru = okk(&desk, &["--lang", "ru", "stats"]);
    assert!(!ru.contains("Этап · ответственный"), "{ru}");
    assert!(ru.contains("пар «этап · ответственный» хотя бы"), "{ru}");
    // A share as Russian writes it, «80 %» (tester42: «95%»), in every table of the text.
    assert!(ru.contains("(80\u{a0}%)"), "{ru}");
    let glued = ru
        .char_indices()
        .find(|&(i, c)| c.is_ascii_digit() && ru[i + 1..].starts_with('%'));
    assert_eq!(glued, None, "{ru}");
}

#[test]
fn the_weekly_trend_counts_cards_in_the_week_of_the_verdict_that_stands() {
    let desk = fixture();
    let s = stats(&desk, &["--table", "trend"]);
    // Reviews: W45 (from Mon 11-02) R1, R5; W46 R2, R3, R9, R14 (R3' replaced, R11
    // withdrawn); W47 R4, R6, R8, R10, R12, R13 (R7 sent back).
    // Cards, by the day of the verdict that stands: W45 b1 stale. W46 a2, a3, a6, d1, all not
    // ok. W47 a4 dead, a5 ok (R12 and R13: one card), b2 ok, c1 wrong; a1 disputed (R1 in
    // W45, R10 in W47) counts in no week.
    assert_eq!(
        s["trend"],
        json!([
            {"week": "2026-W45", "starts": "2026-11-02", "reviews": 2, "judged": 1, "mismatches": 1, "mismatch_rate": 1.0},
            {"week": "2026-W46", "starts": "2026-11-09", "reviews": 4, "judged": 4, "mismatches": 4, "mismatch_rate": 1.0},
            {"week": "2026-W47", "starts": "2026-11-16", "reviews": 6, "judged": 4, "mismatches": 2, "mismatch_rate": 0.5},
        ])
    );
    assert!(
        s.get("stages").is_none(),
        "--table trend prints the trend only"
    );
}

#[test]
fn since_and_until_select_reviews_by_day_both_ends_included() {
    let desk = fixture();
    // 11-10 … 11-12: R2 (11-10, 15:00), R3 (11-11), R9 (11-12).
    let s = stats(&desk, &["--since", "2026-11-10", "--until", "2026-11-12"]);
    assert_eq!(
        s["window"],
        json!({"since": "2026-11-10", "until": "2026-11-12"})
    );
    let q = row(&s["stages"], "stage", Q);
    // R2 stale, R3 wrong_stage: 2 of 2 × 6 open cards. Cards, flags and idle days stay as now.
    assert_eq!(
        (q["judged"].as_u64(), q["mismatch_rate"].as_f64()),
        (Some(2), Some(1.0))
    );
    assert_eq!(q["estimated_lying"], 6.0);
    assert_eq!(
        (q["cards"].as_u64(), q["median_idle_days"].as_f64()),
        (Some(6), Some(5.0))
    );
    // The old per-stage counts follow the window too: a2 and a3 have a verdict in it.
    assert_eq!(q["reviewed"], 2);
    assert_eq!(s["totals"]["judged"], 3);
    assert_eq!(s["trend"].as_array().unwrap().len(), 1);
    assert_eq!(s["trend"][0]["week"], "2026-W46");

    let after = stats(&desk, &["--since", "2026-11-11"]);
    // R3, R9, R14, R4, R6, R8, R10, R12, R13 (R7 still left out): a1 has only boris's R10 in
    // the window, so it is no longer disputed; a5 is one card.
    assert_eq!(after["totals"]["reviews"], 9);
    assert_eq!(
        (
            after["totals"]["judged"].as_u64(),
            after["totals"]["disputed"].as_u64()
        ),
        (Some(8), Some(0))
    );
    let before = stats(&desk, &["--until", "2026-11-10"]);
    // R1, R5, R2.
    assert_eq!(before["totals"]["judged"], 3);

    let out = desk
        .okk_bare()
        .arg("--db")
        .arg(&desk.db)
        .args(["--funnel", &funnel()])
        .args(["stats", "--since", "2026-11-12", "--until", "2026-11-10"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is after --until"));
}

/// `okk stats --csv --table NAME`, read back by Python's csv.
fn csv_table(desk: &Desk, table: &str) -> Vec<Vec<String>> {
    let text = okk(desk, &["stats", "--csv", "--table", table]);
    let path = desk.file(&format!("{table}.csv"));
    std::fs::write(&path, text).unwrap();
    python_csv(&path, ',')
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", rows[0]))
}

#[test]
fn every_table_as_csv_reads_back_in_python() {
    let desk = fixture();
    let stages = csv_table(&desk, "stages");
    let q = stages.iter().find(|r| r[0] == Q).unwrap();
    assert_eq!(q[column(&stages, "mismatch_rate")], "0.8");
    assert_eq!(q[column(&stages, "estimated_lying")], "4.7");
    assert_eq!(q[column(&stages, "median_idle_days")], "5");
    assert_eq!(q[column(&stages, "reviews")], "8");
    assert_eq!(q[column(&stages, "judged")], "5");
    assert_eq!(q[column(&stages, "disputed")], "1");
    assert_eq!(q[column(&stages, "covered_cards")], "6");
    assert_eq!(
        q[column(&stages, "top_failing_items")],
        "Запрос клиента выяснен (2); Следующий шаг назначен (2)"
    );
    assert_eq!(q[column(&stages, "top_failing_ids")], "need, next_step");
    assert!(stages.iter().any(|r| r[0] == UNKNOWN), "{stages:?}");
    assert_eq!(stages.len(), 1 + 4);

    let managers = csv_table(&desk, "managers");
    assert_eq!(managers[0][..3], ["manager", "cards", "flagged"]);
    let names: Vec<&str> = managers[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(names, [OLGA, IGOR, SCRIPT]);
    assert_eq!(managers[1][column(&managers, "estimated_lying")], "4");
    assert_eq!(managers[1][column(&managers, "ranked")], "yes");
    assert_eq!(managers[2][column(&managers, "ranked")], "no");

    let bottlenecks = csv_table(&desk, "bottlenecks");
    let levels: Vec<(&str, &str)> = bottlenecks[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(levels, [("stage", Q)]);
    assert_eq!(
        bottlenecks[1][column(&bottlenecks, "estimated_lying_low")],
        "2.8"
    );
    assert_eq!(bottlenecks[1][column(&bottlenecks, "judged")], "5");
    assert_eq!(bottlenecks[1][column(&bottlenecks, "covered_cards")], "6");

    let trend = csv_table(&desk, "trend");
    assert_eq!(
        trend,
        [
            vec![
                "week",
                "starts",
                "reviews",
                "mismatches",
                "mismatch_rate",
                "judged"
            ],
            vec!["2026-W45", "2026-11-02", "2", "1", "1", "1"],
            vec!["2026-W46", "2026-11-09", "4", "4", "1", "4"],
            vec!["2026-W47", "2026-11-16", "6", "2", "0.5", "4"],
        ]
    );

    let auditors = okk(&desk, &["stats", "--auditors", "--csv"]);
    let path = desk.file("auditors.csv");
    std::fs::write(&path, auditors).unwrap();
    let auditors = python_csv(&path, ',');
    assert_eq!(auditors[0][0], "auditor");
    // anna's current reviews: R1–R9, R12, R14 (11); R3', which she replaced by judging a3
    // again, counts once with R3. boris: R10, R13 (R11 withdrawn). They add up to the stats'
    // 12 reviews and 1 sent back.
    assert_eq!(auditors[1][..2], ["anna", "11"]);
    assert_eq!(auditors[2][..2], ["boris", "2"]);
    let s = stats(&desk, &[]);
    assert_eq!(
        s["totals"]["reviews"].as_u64().unwrap() + s["returned"].as_u64().unwrap(),
        11 + 2
    );
}

#[test]
fn a_csv_cell_a_spreadsheet_would_run_is_defused() {
    let desk = fixture();
    desk.plant_card("b2", "owner", "=HYPERLINK(\"x\")");
    let managers = csv_table(&desk, "managers");
    assert!(
        managers.iter().any(|r| r[0] == "'=HYPERLINK(\"x\")"),
        "{managers:?}"
    );
}

#[test]
fn stats_csv_opens_in_a_russian_excel_with_the_reviews_exports_delimiter_and_bom() {
    let desk = fixture();
    desk.plant_card("b2", "owner", "=HYPERLINK(\"x\")");
    let stages = okk_ru(&desk, &["stats", "--csv", "--delimiter", ";", "--bom"]);
    // A byte order mark first, `;` between cells, decimal commas, Cyrillic headers.
    assert!(stages.starts_with("\u{feff}Этап;В воронке;"), "{stages}");
    let path = desk.file("stages-excel.csv");
    std::fs::write(&path, &stages).unwrap();
    let rows = python_csv(&path, ';');
    let at = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let q = rows.iter().find(|r| r[0] == Q).unwrap();
    // 4.7 likely lying; 0.8 not ok.
    assert_eq!(q[at("Врут, оценка")], "4,7");
    assert_eq!(q[at("Выборка, карточек")], "5");
    // The same options, the same bytes as `okk export reviews` writes its header with.
    let reviews = desk.file("reviews.csv");
    okk_ru(
        &desk,
        &[
            "export",
            "reviews",
            "--out",
            &reviews,
            "--delimiter",
            ";",
            "--bom",
        ],
    );
    let exported = std::fs::read_to_string(&reviews).unwrap();
    assert!(exported.starts_with('\u{feff}') && exported.lines().next().unwrap().contains(';'));
    // A cell a spreadsheet would run is defused with `;` too.
    let managers = okk(
        &desk,
        &["stats", "--csv", "--table", "managers", "--delimiter", ";"],
    );
    let path = desk.file("managers-excel.csv");
    std::fs::write(&path, &managers).unwrap();
    let rows = python_csv(&path, ';');
    assert!(
        rows.iter().any(|r| r[0] == "'=HYPERLINK(\"x\")"),
        "{rows:?}"
    );
    // Without --csv the options have nothing to lay out: wrong usage.
    let out = desk
        .okk_funnel(Path::new(&funnel()))
        .args(["stats", "--delimiter", ";"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_field_the_crm_never_exports_is_said_so_not_blamed_on_managers() {
    let desk = fixture();
    // The fixture's funnel, with «Дата договора» declared and required at Квалификация: no
    // column of the fixture's export fills it.
    let text = std::fs::read_to_string(funnel()).unwrap().replace(
        "[[stages]]\nname = \"Квалификация\"\nrequired = [\"amount\"]",
        "[[custom_fields]]\nname = \"Дата договора\"\ntype = \"date\"\n\n\
         [[stages]]\nname = \"Квалификация\"\nrequired = [\"amount\", \"Дата договора\"]",
    );
    assert!(
        text.contains("Дата договора"),
        "the fixture's funnel changed"
    );
    let with_field = desk.dir.path().join("funnel-contract.toml");
    std::fs::write(&with_field, text).unwrap();
    let run = |args: &[&str]| succeeded(desk.okk_funnel(&with_field).args(args));
    let fields: Json = serde_json::from_str(&run(&["fields", "--json"])).unwrap();
    let row = fields["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["field"] == "Дата договора" && r["stage"] == Q)
        .unwrap_or_else(|| panic!("{fields:#}"));
    let source = desk.card("a1")["source"].as_str().unwrap().to_string();
    assert_eq!(row["not_exported_by"], json!([source]));
    assert_eq!((&row["rate"], &row["owners"]), (&Json::Null, &json!([])));
    assert_eq!(row["cards"], 6);
    // The CRM by its own name where the source is a profile's (tester39 F15).
    let source = if source == "amocrm" {
        "amoCRM".to_string()
    } else {
        source
    };
    let text = run(&["fields"]);
    assert!(
        text.contains(&format!("Квалификация [required]: not given by {source}")),
        "{text}"
    );
    let out = desk.file("fields.html");
    run(&["report", "--out", &out]);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains(&format!(
            "<tr><td>Дата договора</td><td class=\"text\">Квалификация</td><td>—</td><td>6</td>\
             <td class=\"text\">not given by {source}</td>"
        )),
        "{html}"
    );
    assert!(!html.contains("Дата договора</td><td class=\"text\">Квалификация</td><td>0</td>"));
}

/// Writes the report; its text.
fn report(desk: &Desk) -> String {
    let out = desk.file("report.html");
    let said = okk(desk, &["report", "--out", &out]);
    assert!(said.contains("report.html"), "{said}");
    std::fs::read_to_string(&out).unwrap()
}

/// The page parsed as XML by Python (the page is well-formed XHTML-compatible markup): per
/// section id, its h2 text, how many svg charts and table rows it holds.
fn sections(path: &Path) -> Json {
    let script = r#"
import json, sys
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
SVG = '{http://www.w3.org/2000/svg}svg'
out = {}
for s in root.iter('section'):
    out[s.get('id')] = {
        'h2': ''.join(s.find('h2').itertext()),
        'svg': len(list(s.iter(SVG))),
        'rows': len(list(s.iter('tr'))),
    }
out['_title'] = root.find('head/title').text
out['_charset'] = root.find('head/meta').get('charset')
out['_scripts'] = len(list(root.iter('script')))
print(json.dumps(out))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", script])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the report is not well-formed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_report_has_every_section_parses_and_escapes_crm_text() {
    let desk = fixture();
    let html = report(&desk);
    let parsed = sections(&desk.dir.path().join("report.html"));
    assert_eq!(parsed["_charset"], "utf-8");
    assert_eq!(parsed["_title"], "Funnel audit — Тестовая воронка");
    assert_eq!(parsed["_scripts"], 0);
    for (id, h2, charts) in [
        ("funnel", "The funnel", 1),
        ("bottlenecks", "Bottlenecks", 1),
        ("managers", "Managers", 0),
        ("trend", "Trend by week", 1),
        ("auditors", "Auditors", 0),
    ] {
        let s = &parsed[id];
        assert_eq!(s["h2"], h2, "section {id}: {parsed:#}");
        assert_eq!(s["svg"], charts, "section {id}: {parsed:#}");
    }
    // Header rows plus: 4 stages; 1 stage bottleneck (no pair has 5 cards judged); 3
    // managers; 2 auditors.
    assert_eq!(parsed["funnel"]["rows"], 1 + 4);
    assert_eq!(parsed["bottlenecks"]["rows"], 1 + 1);
    assert_eq!(parsed["managers"]["rows"], 1 + 3);
    assert_eq!(parsed["auditors"]["rows"], 1 + 2);

    // CRM text reads as text: the owner and the stage name are escaped wherever they appear.
    assert!(
        !html.contains("<script"),
        "raw markup from the CRM in the page"
    );
    assert!(
        !html.contains("<b>Переговоры"),
        "raw markup from the CRM in the page"
    );
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("&lt;b&gt;Переговоры&lt;/b&gt;"));
    // Nothing to fetch: no URL in the page but the SVG namespace.
    let urls = html.matches("http").count();
    assert_eq!(
        urls,
        html.matches("http://www.w3.org/2000/svg").count() + 1,
        "only the CSP's http-equiv"
    );
    assert!(html.contains("Lies most: «Квалификация»"));
    // Estimates carry their interval, and the page says what it is.
    assert!(
        html.contains("~5 (3–6)"),
        "the interval of Квалификация's estimate"
    );
    assert!(html.contains("95 % interval (Wilson)"));
    assert!(html.contains("not ranked: under 5 cards judged"));
    assert!(
        html.contains("4 managers at a stage with cards not ok have fewer than 5 cards judged")
    );
    // The headline's likely lying cards are `okk stats`' totals (7.7 of 10 open cards), held
    // back as there: 1 more unflagged card to judge at Q, 1 at M (the unknown stage, and the
    // flagged cards of both, are measured).
    assert!(
        html.contains(
            "<div class=\"kpi\"><b>—</b><span class=\"muted\">cards likely lying: not \
             estimated until every stage with cards judged has at least 5 judged among its \
             flagged cards, and among those without flags, wherever either kind is judged (2 \
             more to judge)"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<div class=\"kpi\"><b>9</b><span class=\"muted\">cards judged (from 12 \
             reviews)</span>"
        ),
        "{html}"
    );
}

#[test]
fn the_report_keeps_an_existing_file_unless_forced() {
    let desk = fixture();
    let out = desk.file("report.html");
    std::fs::write(&out, "mine").unwrap();
    let res = desk
        .okk_bare()
        .arg("--db")
        .arg(&desk.db)
        .args(["--funnel", &funnel(), "report", "--out", &out])
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
    okk(&desk, &["report", "--out", &out, "--force"]);
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("<!DOCTYPE html>")
    );
}

#[test]
fn an_empty_store_reports_no_reviews_yet() {
    let desk = Desk::new();
    desk.empty_store();
    let s = stats(&desk, &[]);
    assert_eq!(s["totals"]["reviews"], 0);
    assert!(s["bottlenecks"]["stages"].as_array().unwrap().is_empty());
    assert!(s["trend"].as_array().unwrap().is_empty());
    let text = okk(&desk, &["stats"]);
    assert!(text.contains("No reviews yet"), "{text}");
    let html = report(&desk);
    assert!(html.contains("<section id=\"trend\">"));
    sections(&desk.dir.path().join("report.html"));
}

#[test]
fn the_per_stage_counts_from_the_one_pass_are_what_the_stores_own_queries_say() {
    use okk::domain::analytics::Window;
    use okk::domain::analytics::stages::{add_reviewed, stage_table};
    let desk = fixture();
    // A gone card (its review no longer counts at its stage) and a second auditor on a2.
    desk.plant_card("b1", "gone_at", "2026-11-19 00:00:00");
    review(&desk, "a2", "boris", "2026-11-10", "dead", &[], None);
    okk(&desk, &["stats"]); // the rules run for the store's day
    let funnel = okk::funnel_config::load(Path::new(&funnel())).unwrap();
    let store = okk::store::Store::open(&desk.db).unwrap();
    let mut expected = stage_table(
        &funnel,
        &store.stage_counts().unwrap(),
        &store.flagged_per_stage().unwrap(),
    );
    add_reviewed(&funnel, &mut expected, &store.reviewed_per_stage().unwrap());
    let today = okk::app::audit::today(&store, None).unwrap();
    let got =
        okk::app::analytics::figures(&store, &funnel, today.date(), Window::default()).unwrap();
    let base: Vec<_> = got.rows.into_iter().map(|r| r.base).collect();
    let without_verdicts: Vec<_> = base
        .iter()
        .map(|r| okk::domain::analytics::stages::StageFigures {
            verdicts: Default::default(),
            ..r.clone()
        })
        .collect();
    assert_eq!(without_verdicts, expected);
    // b1 gone: M has 2 cards and 1 gone; b3's review was sent back, so only b2 is reviewed
    // and only b2's ok stands. a2, judged stale by anna and dead by boris in one second (not ok both:
    // they agree), counts once, by anna's (first by name, as the CRM export takes it).
    let m = base.iter().find(|r| r.stage == M).unwrap();
    assert_eq!((m.cards, m.gone, m.reviewed), (2, 1, 1));
    assert_eq!((m.verdicts.ok, m.verdicts.total()), (1, 1));
    let q = base.iter().find(|r| r.stage == Q).unwrap();
    assert_eq!((q.reviewed, q.verdicts.dead, q.verdicts.stale), (6, 1, 2));
}

// ---- in Russian ---------------------------------------------------------------------------------

#[path = "support/english.rs"]
mod english;

/// `okk --lang ru ARGS` on the fixture; its stdout.
fn okk_ru(desk: &Desk, args: &[&str]) -> String {
    let mut all = vec!["--lang", "ru"];
    all.extend(args);
    okk(desk, &all)
}

/// The words a person reads on a page: no style sheet, no markup.
fn page_text(html: &str) -> String {
    let body = match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b + 8..]),
        _ => html.to_string(),
    };
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

#[test]
fn a_russian_desk_reads_okk_stats_in_russian_with_its_columns_aligned() {
    let desk = fixture();
    let out = okk_ru(&desk, &["stats"]);
    english::assert_russian("okk stats", &out, &["script", "alert"]);
    assert!(out.contains("Врёт больше всех: «Квалификация»"), "{out}");
    assert!(out.contains("Ответственные"), "{out}");
    assert!(out.contains("Узкие места"), "{out}");
    assert!(out.contains("Тренд по неделям"), "{out}");
    assert!(out.contains("Итого"), "{out}");
    // Days in the trend as a Russian desk writes them; a week by its dates, not an ISO name
    // (`2026-W47`) a Russian lead does not read at a glance.
    assert!(out.contains("16.11–22.11  16.11.2026"), "{out}");
    assert!(!out.contains("-W4"), "{out}");
    // The stage table's header and rows end their figure columns at the same place.
    let table: Vec<&str> = out.lines().skip(1).take(6).collect();
    let end_of_idle = |l: &str| {
        let l = l.split("  ? ").next().unwrap();
        let l = l.split("  успех").next().unwrap();
        l.trim_end().chars().count()
    };
    let header = end_of_idle(table[0]);
    for row in &table[1..] {
        assert_eq!(end_of_idle(row), header, "{row:?} in\n{out}");
    }
}

#[test]
fn the_same_stats_read_in_english_when_asked_and_in_russian_on_a_russian_locale() {
    let desk = fixture();
    let en = okk(&desk, &["--lang", "en", "stats"]);
    let plain = okk(&desk, &["stats"]);
    assert_eq!(en, plain, "C.UTF-8 and --lang en agree");
    assert!(en.contains("Lies most: «Квалификация»"), "{en}");
    let ru = succeeded(
        desk.okk_funnel(Path::new(&funnel()))
            .env("LANG", "ru_RU.UTF-8")
            .arg("stats"),
    );
    assert_eq!(ru, okk_ru(&desk, &["stats"]));
}

#[test]
fn the_report_in_russian_says_so_in_its_html_lang_and_has_no_english_left() {
    let desk = fixture();
    let out = desk.file("отчёт.html");
    let said = okk_ru(&desk, &["report", "--out", &out]);
    assert!(said.starts_with("okk: отчёт записан в "), "{said}");
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("<html lang=\"ru\">"), "{html}");
    let parsed = sections(Path::new(&out));
    assert_eq!(parsed["_title"], "Аудит воронки — Тестовая воронка");
    assert_eq!(parsed["funnel"]["h2"], "Воронка");
    assert_eq!(parsed["auditors"]["h2"], "Аудиторы");
    let text = page_text(&html);
    english::assert_russian("okk report", &text, &["script", "alert"]);
    assert!(text.contains("Врёт больше всех: «Квалификация»"), "{text}");
    assert!(text.contains("На 20.11.2026 12:00"), "{text}");
    // The English page keeps its language.
    assert!(report(&desk).contains("<html lang=\"en\">"));
}

/// A day given (`--today`) dates the page by that day alone — no time it was not made at —
/// and, since the day judges the rules and idle days and not which reviews count, the page
/// says when reviews made after it are counted: the latest one's day. A day after every review,
/// or `--until` before the day, leaves nothing to say.
#[test]
fn the_report_dated_by_a_day_given_says_the_day_alone_and_the_reviews_made_after_it() {
    let desk = fixture();
    let head = |args: &[&str], lang: &str| -> String {
        let out = desk.file("report.html");
        let mut all = vec!["--lang", lang];
        all.extend(args);
        all.extend(["--force", "--out", &out]);
        okk(&desk, &all);
        let html = std::fs::read_to_string(&out).unwrap();
        let at = html.find("<p class=\"muted\">").expect("the date line") + 17;
        html[at..at + html[at..].find("</p>").unwrap()].to_string()
    };
    assert_eq!(
        head(&["--today", "2026-11-15", "report"], "ru"),
        "На 15.11.2026 · все текущие проверки, последняя сделана 19.11.2026, позже этого дня"
    );
    assert_eq!(
        head(&["--today", "2026-11-15", "report"], "en"),
        "As of 2026-11-15 · all current reviews, the latest made on 2026-11-19, after that day"
    );
    assert_eq!(
        head(&["--today", "2026-11-25", "report"], "ru"),
        "На 25.11.2026 · все текущие проверки"
    );
    assert_eq!(
        head(
            &["--today", "2026-11-15", "report", "--until", "2026-11-12"],
            "ru"
        ),
        "На 15.11.2026 · проверки по 12.11.2026"
    );
    // No day given: the store's own clock, a moment okk keeps.
    assert_eq!(
        head(&["report"], "ru"),
        "На 20.11.2026 12:00 · все текущие проверки"
    );
}

#[test]
fn stats_csv_speaks_russian_to_people_and_okk_s_machine_names_to_scripts() {
    let desk = fixture();
    for table in ["stages", "managers", "bottlenecks", "trend"] {
        let out = desk.file(&format!("{table}.csv"));
        let csv = okk_ru(&desk, &["stats", "--csv", "--table", table]);
        std::fs::write(&out, &csv).unwrap();
        let rows = python_csv(&out, ',');
        english::assert_russian(table, &rows[0].join(", "), &[]);
        // The same table for a script: the documented English names, whatever the interface.
        let machine = okk_ru(
            &desk,
            &["stats", "--csv", "--table", table, "--headers", "en"],
        );
        let english = csv_table(&desk, table);
        assert_eq!(machine, okk(&desk, &["stats", "--csv", "--table", table]));
        assert_eq!(rows[0].len(), english[0].len(), "{table}: one column each");
        assert_eq!(rows.len(), english.len(), "{table}: one row each");
    }
    let out = desk.file("stages-ru.csv");
    std::fs::write(&out, okk_ru(&desk, &["stats", "--csv"])).unwrap();
    let rows = python_csv(&out, ',');
    let at = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let q = rows.iter().find(|r| r[0] == Q).unwrap();
    assert_eq!(q[at("В воронке")], "да");
    assert_eq!(q[at("Тип этапа")], "открытый");
    let won = rows.iter().find(|r| r[0] == WON).unwrap();
    assert_eq!(won[at("Тип этапа")], "успех");
}

// ---- every card judged wrong, at a stage with too few to rank ------------------------------------

const OBJECTIONS: &str = "Отработка возражений";

/// The demo with five cards of «Отработка возражений» judged x, a, s, d, d; the lead accepts the
/// first, overrides the ok to stale and sends the last back: 4 cards judged there, all not ok,
/// under the 5 a stage needs to be ranked.
fn all_wrong_too_few_to_rank() -> Desk {
    let desk = Desk::demo();
    let queue = desk.json_ok(&[
        "queue",
        "--stage",
        OBJECTIONS,
        "--auditor",
        "anna",
        "--json",
    ]);
    let ids = common::card_ids(&queue);
    let verdicts = [
        common::Verdict {
            stage: Some("Договор"),
            ..common::Verdict::of("wrong_stage")
        },
        common::Verdict::of("ok"),
        common::Verdict::of("stale"),
        common::Verdict::of("dead"),
        common::Verdict::of("dead"),
    ];
    let reviews: Vec<String> = ids
        .iter()
        .zip(&verdicts)
        .map(|(id, v)| desk.review(id, "anna", "2026-11-20 10:00:00", v))
        .collect();
    let lead = "2026-11-20 11:00:00";
    desk.decide(&reviews[0], "lena", "accept", (None, None, None), lead);
    desk.decide(
        &reviews[1],
        "lena",
        "override",
        (Some("stale"), None, None),
        lead,
    );
    desk.send_back(&reviews[4], "lena", "look again", lead);
    desk
}

#[test]
fn a_stage_judged_all_wrong_but_too_few_to_rank_is_not_reported_as_no_bottleneck() {
    let desk = all_wrong_too_few_to_rank();
    let s = desk.stats();
    let row = row(&s["stages"], "stage", OBJECTIONS);
    assert_eq!(
        (row["judged"].as_u64(), row["mismatches"].as_u64()),
        (Some(4), Some(4)),
        "{row:#}"
    );
    assert_eq!(
        s["bottlenecks"]["unranked_stages"], 1,
        "{:#}",
        s["bottlenecks"]
    );
    for (lang, none, unranked, headline) in [
        (
            "en",
            "None: no card judged",
            "1 stage with cards not ok has fewer than 5 cards judged: not ranked.",
            "1 stage with cards not ok has fewer than 5 cards judged.",
        ),
        (
            "ru",
            "Нет: ни одна проверенная карточка",
            "1 этап с ошибками имеет меньше 5 проверенных карточек: вне рейтинга.",
            "1 этап с ошибками имеет меньше 5 проверенных карточек.",
        ),
    ] {
        let out = desk.file(&format!("report-{lang}.html"));
        succeeded(desk.okk().args(["--lang", lang, "report", "--out", &out]));
        let text = page_text(&std::fs::read_to_string(&out).unwrap());
        let section = &text[text
            .find(if lang == "en" {
                "Bottlenecks"
            } else {
                "Узкие места"
            })
            .unwrap()..];
        assert!(!section.contains(none), "{lang}: {section}");
        assert!(section.contains(unranked), "{lang}: {section}");
        // The headline above the page says the same, in one sentence that agrees with its count.
        assert!(text.contains(headline), "{lang}: {text}");
        let all = if lang == "en" { "100%" } else { "100\u{a0}%" };
        assert!(text.contains(all), "{lang}: {text}");
    }
    // `okk stats` said it right all along, and still does.
    let ru = succeeded(
        desk.okk()
            .args(["--lang", "ru", "stats", "--table", "bottlenecks"]),
    );
    assert!(
        ru.contains("(1 этап с ошибками, но меньше чем с 5 проверенными карточками"),
        "{ru}"
    );
    assert!(!ru.contains("ни одна проверенная карточка"), "{ru}");
}

/// A funnel that binds and requires no field: the report's fields section says so, without the
/// note that explains the table's trend column (there is no table).
#[test]
fn the_report_without_checked_fields_has_no_orphan_trend_note() {
    let desk = cards_only();
    let bare = desk.file("bare.toml");
    let text = std::fs::read_to_string(funnel()).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("required"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&bare, text).unwrap();
    let html = desk.file("r.html");
    succeeded(
        desk.okk_funnel(Path::new(&bare))
            .args(["--lang", "en", "report", "--out", &html]),
    );
    let page = page_text(&std::fs::read_to_string(&html).unwrap());
    assert!(
        page.contains("The funnel binds and requires no custom field."),
        "{page}"
    );
    assert!(!page.contains("Trend: the rate after each"), "{page}");
}

/// Five cards judged, none of their stages with the 5 a stage needs to be ranked: Q a1, a2
/// (2 of its 6 open cards), M b1, b2 (2 of 3), the unknown stage's d1 (1 of 1), all not ok, in
/// five quick reviews of 30 s. The funnel's estimate would say ~10 of 10 open cards lie; it
/// needs 5 more cards judged at 2 stages first, each kind of card (flagged now, or not) on
/// its own sample: at Q 1 flagged (a4: no more are open) and 3 unflagged (a3 a5 a6), at M 1
/// unflagged (b3); M's one flagged card, b2, is judged (measured), and so is the unknown
/// stage's one card.
fn five_judged_at_three_stages() -> Desk {
    let desk = cards_only();
    for (card, verdict) in [
        ("a1", "stale"),
        ("a2", "dead"),
        ("b1", "stale"),
        ("b2", "wrong_stage"),
        ("d1", "stale"),
    ] {
        review(&desk, card, "anna", "2026-11-19", verdict, &[], None);
    }
    desk
}

#[test]
fn a_funnel_estimate_from_too_few_cards_judged_is_held_back_and_says_how_many_more() {
    let desk = five_judged_at_three_stages();
    // The JSON keeps the figures, and says they stand on too few cards.
    let t = &stats(&desk, &[])["totals"];
    assert_eq!(t["judged"], 5, "{t:#}");
    assert!(t["estimated_lying"].as_f64().is_some(), "{t:#}");
    assert_eq!(
        (t["estimate_shown"].as_bool(), t["judged_needed"].as_u64()),
        (Some(false), Some(5)),
        "{t:#}"
    );
    for (lang, held, not) in [
        (
            "en",
            "Likely lying: not estimated yet: 5 cards judged, but 2 stages with open cards \
             have fewer than 5 cards judged among their flagged cards or among those without \
             flags (each kind is estimated on its own sample); judge 5 more cards there for an \
             estimate.",
            "Likely lying: ~",
        ),
        (
            "ru",
            "Сколько карточек врёт, пока не оценить: проверено 5 карточек, но на 2 этапах с \
             открытыми карточками среди карточек с флагами или среди карточек без флагов \
             проверено меньше 5 (каждый вид оценивается по своей выборке); проверьте там ещё 5 \
             карточек, чтобы получить оценку.",
            "Вероятно, врут: ~",
        ),
    ] {
        let text = okk(&desk, &["--lang", lang, "stats"]);
        assert!(says(&text, held), "{lang}: {text}");
        assert!(!says(&text, not), "{lang}: {text}");
        // The report's headline figure: no number, the same sentence beside it.
        let out = desk.file(&format!("report-{lang}.html"));
        okk(&desk, &["--lang", lang, "report", "--out", &out]);
        let html = std::fs::read_to_string(&out).unwrap();
        assert!(
            html.contains("<div class=\"kpi\"><b>—</b>"),
            "{lang}: {html}"
        );
        assert!(html.contains(held), "{lang}: {html}");
        assert!(!html.contains("<b>~"), "{lang}: {html}");
        // Five reviews in 150 s are not a pace: no "120 an hour".
        let auditors = &html[html.find("id=\"auditors\"").unwrap()..];
        let anna = &auditors[auditors.find("<td>anna</td>").unwrap()..];
        let anna = &anna[..anna.find("</tr>").unwrap()];
        assert!(
            anna.starts_with("<td>anna</td><td>5</td><td>—</td><td>30</td>"),
            "{lang}: {anna}"
        );
    }
    let auditors: Json =
        serde_json::from_str(&okk(&desk, &["stats", "--auditors", "--json"])).unwrap();
    let anna = &auditors
        .as_array()
        .map_or(&auditors["auditors"][0], |a| &a[0]);
    assert_eq!(anna["reviews"], 5, "{auditors:#}");
    assert_eq!(anna["cards_per_hour"], Json::Null, "{auditors:#}");
}

/// Enough cards at every stage judged: the estimate stands, and the JSON says so.
#[test]
fn the_funnel_estimate_stands_once_every_stage_judged_has_five_cards() {
    let desk = three_of_five_judged_over_thirty();
    let t = &desk.stats()["totals"];
    assert_eq!(
        (t["estimate_shown"].as_bool(), t["judged_needed"].as_u64()),
        (Some(true), Some(0)),
        "{t:#}"
    );
}

/// `okk stats` off a terminal writes 80 columns, in both languages: no line is wider (by
/// display width), the stage table's marks go under it and the columns it leaves out are named
/// (the TUI and `--json` keep them), and the notes break between words. `--json` is as ever.
#[test]
fn stats_text_fits_80_columns_in_both_languages() {
    use unicode_width::UnicodeWidthStr;
    let desk = fixture();
    for (lang, left_out, marked) in [
        (
            "en",
            "Left out to fit 80 columns (`okk stats --json` and a wider terminal show them):",
            "? not in the funnel: «<b>Переговоры</b>»",
        ),
        (
            "ru",
            "Не показаны, чтобы таблица уместилась в ширину 80 (их покажут `okk stats --json` \
             и терминал пошире):",
            "? нет в воронке: «<b>Переговоры</b>»",
        ),
    ] {
        let text = okk(&desk, &["--lang", lang, "stats"]);
        for l in text.lines() {
            assert!(
                l.width() <= 80,
                "{lang}: {} columns: {l}\n{text}",
                l.width()
            );
        }
        assert!(says(&text, left_out), "{lang}: {text}");
        assert!(text.contains(marked), "{lang}: {text}");
        // A command stays on one line.
        assert!(text.contains("`okk stats --json`"), "{lang}: {text}");
    }
    let json = stats(&desk, &[]);
    assert!(json["stages"][0]["gone"].is_number(), "{json}");
}

/// A window that leaves out every current review is not "no reviews yet": `okk stats` and the
/// report name the window, how many current reviews it leaves out and the days they were made
/// (the trend and the bottlenecks too), the share of the unclear is not "0 of the 0", and the
/// report says its auditors' table (all their reviews) is not the window's. In both languages;
/// a window that holds a review reads as before.
#[test]
fn a_window_that_leaves_out_every_review_says_so_and_how_many_it_leaves_out() {
    let desk = fixture();
    // 13 current reviews, made 11-03 … 11-19 (R3' was replaced, R11 withdrawn).
    let text = okk(&desk, &["stats", "--until", "2026-11-02"]);
    assert!(
        says(
            &text,
            "No reviews in the window (reviews up to 2026-11-02): it leaves out every current \
             review in the store (13, made from 2026-11-03 to 2026-11-19)."
        ),
        "{text}"
    );
    assert!(
        says(
            &text,
            "it does not show its stage). No reviews in the window"
        ),
        "the note on «not ok» ends without a share of none: {text}"
    );
    assert!(
        !text.contains("No reviews yet") && !says(&text, "0 of the 0"),
        "{text}"
    );
    assert!(says(&text, "none: no review in the window"), "{text}");
    assert!(
        says(
            &text,
            "none in the window (reviews up to 2026-11-02); current reviews in the store: 13, \
             made from 2026-11-03 to 2026-11-19"
        ),
        "{text}"
    );
    let ru = okk_ru(&desk, &["stats", "--since", "2026-11-20"]);
    assert!(
        says(
            &ru,
            "Проверок в окне нет (проверки с 20.11.2026): окно не захватывает ни одной текущей \
             проверки хранилища (всего 13, с 03.11.2026 по 19.11.2026)."
        ),
        "{ru}"
    );
    assert!(
        !ru.contains("Проверок пока нет") && !says(&ru, "0 из 0"),
        "{ru}"
    );
    assert!(says(&ru, "нет: в окне ни одной проверки"), "{ru}");
    // Between two reviews' days, one day: the days still named as the store's.
    let between = okk(
        &desk,
        &["stats", "--since", "2026-11-14", "--until", "2026-11-14"],
    );
    assert!(
        says(&between, "(13, made from 2026-11-03 to 2026-11-19)"),
        "{between}"
    );
    // A window that holds one review: no word of those it leaves out.
    let one = okk(&desk, &["stats", "--since", "2026-11-19"]);
    assert!(!one.contains("in the window"), "{one}");

    let out = desk.file("report.html");
    okk(&desk, &["report", "--out", &out, "--until", "2026-11-02"]);
    let page = page_text(&std::fs::read_to_string(&out).unwrap());
    for said in [
        "No reviews in the window (reviews up to 2026-11-02): it leaves out every current review \
         in the store (13, made from 2026-11-03 to 2026-11-19).",
        "None: no review in the window.",
        "No reviews in the window (reviews up to 2026-11-02); current reviews in the store: 13, \
         made from 2026-11-03 to 2026-11-19.",
        "All their reviews: the window of the figures above (reviews up to 2026-11-02) does not \
         apply to this table.",
        "cards likely lying: no card judged to estimate them from",
    ] {
        assert!(says(&page, said), "{said}\n{page}");
    }
    assert!(!page.contains("No reviews yet"), "{page}");
    assert!(!says(&page, "of the 0 open cards"), "{page}");
    okk_ru(
        &desk,
        &["report", "--out", &out, "--force", "--until", "2026-11-02"],
    );
    let page = page_text(&std::fs::read_to_string(&out).unwrap());
    for said in [
        "Проверок в окне нет (проверки по 02.11.2026): окно не захватывает ни одной текущей \
         проверки хранилища (всего 13, с 03.11.2026 по 19.11.2026).",
        "В окне проверок нет (проверки по 02.11.2026); текущих проверок в хранилище: 13, с \
         03.11.2026 по 19.11.2026.",
        "Здесь все их проверки: окно цифр выше (проверки по 02.11.2026) к этой таблице не \
         относится.",
    ] {
        assert!(says(&page, said), "{said}\n{page}");
    }
    // The report of every day says nothing of a window.
    okk(&desk, &["report", "--out", &out, "--force"]);
    let page = page_text(&std::fs::read_to_string(&out).unwrap());
    assert!(!page.contains("window"), "{page}");
    // Reviews of one day: that day.
    let one_day = judged_over_thirty(&["ok", "stale"]);
    let before = ["stats", "--until", "2026-11-18"];
    let text = succeeded(one_day.okk().args(before));
    assert!(says(&text, "(2, made on 2026-11-19)."), "{text}");
    let text = succeeded(one_day.okk().args(["--lang", "ru"]).args(before));
    assert!(says(&text, "(всего 2, за 19.11.2026)."), "{text}");
}

/// Judged all ok, the note on «not ok» gives no share of none ("unclear: 0 of the 0 not ok").
#[test]
fn with_no_card_not_ok_the_note_gives_no_share_of_the_unclear() {
    let desk = judged_over_thirty(&["ok", "ok"]);
    for (lang, ends) in [
        ("en", "it does not show its stage)."),
        ("ru", "её этап из неё не виден)."),
    ] {
        let text = succeeded(desk.okk().args(["--lang", lang, "stats"]));
        assert!(says(&text, ends), "{lang}: {text}");
        assert!(
            !says(&text, "0 of the 0") && !says(&text, "0 из 0"),
            "{lang}: {text}"
        );
    }
}

/// The «Why» under the stage that lies most: the items failed most on its cards not ok; where
/// those cards' checklists were not answered, it says so, on how many of them — not «no item
/// was failed», which a lead reads as «their checklists passed». Both languages; the report
/// says the same.
#[test]
fn why_a_stage_lies_says_when_its_cards_checklists_were_left_unanswered() {
    let v = |verdict, answers| common::Verdict {
        answers,
        ..common::Verdict::of(verdict)
    };
    let passed: &[(&str, &str)] = &[("params_filled", "pass"), ("next_step", "pass")];
    let failed: &[(&str, &str)] = &[("params_filled", "pass"), ("next_step", "fail")];
    let cases: [(Vec<common::Verdict>, &str, &str); 4] = [
        // Not one of the three answered.
        (
            vec![
                v("stale", &[]),
                v("dead", &[]),
                v("unclear", &[]),
                v("ok", passed),
                v("ok", &[]),
            ],
            "Why: not known — the checklist is unanswered on 3 of the 3 cards not ok (no item \
             marked pass or fail).",
            "Почему: неизвестно — на 3 из 3 карточек с ошибкой пункты чек-листа без ответа (ни \
             один не отмечен ни «да», ни «нет»).",
        ),
        // Two answered, nothing failed; one not answered.
        (
            vec![
                v("stale", passed),
                v("dead", passed),
                v("unclear", &[]),
                v("ok", passed),
                v("ok", &[]),
            ],
            "Why: not known — the checklist is unanswered on 1 of the 3 cards not ok (no item \
             marked pass or fail), and no item was failed on the other 2.",
            "Почему: неизвестно — на 1 из 3 карточек с ошибкой пункты чек-листа без ответа (ни \
             один не отмечен ни «да», ни «нет»), а на оставшихся 2 карточках ни один пункт не \
             провален.",
        ),
        // Failed on one, unanswered on two.
        (
            vec![
                v("stale", failed),
                v("dead", &[]),
                v("unclear", &[]),
                v("ok", passed),
                v("ok", &[]),
            ],
            "Why: «Следующий шаг назначен с датой» (failed in 1 of the 3); the checklist is \
             unanswered on 2 of the 3 cards not ok (no item marked pass or fail).",
            "Почему: «Следующий шаг назначен с датой» (провален в 1 из 3); на 2 из 3 карточек с \
             ошибкой пункты чек-листа без ответа (ни «да», ни «нет»).",
        ),
        // All answered, none failed: no item was failed is what it is.
        (
            vec![
                v("stale", passed),
                v("dead", passed),
                v("unclear", passed),
                v("ok", passed),
                v("ok", &[]),
            ],
            "Why: no checklist item was failed on those cards.",
            "Почему: на этих карточках ни один пункт чек-листа не провален.",
        ),
    ];
    for (reviews, en, ru) in cases {
        let desk = judged_over_as(30, &reviews);
        let text = succeeded(desk.okk().arg("stats"));
        assert!(says(&text, "Lies most: «Квалификация»"), "{text}");
        assert!(says(&text, en), "{en}\n{text}");
        let text = succeeded(desk.okk().args(["--lang", "ru", "stats"]));
        assert!(says(&text, ru), "{ru}\n{text}");
        let out = desk.file("report.html");
        succeeded(desk.okk().args(["report", "--out", &out, "--force"]));
        let page = page_text(&std::fs::read_to_string(&out).unwrap());
        assert!(says(&page, en), "{en}\n{page}");
    }
}

/// The stats screen's managers give the median idle days as `okk stats`, the report and the
/// JSON give them: 3.5, not 4.
#[test]
fn the_stats_screen_gives_a_managers_median_idle_days_as_every_other_output() {
    let desk = Desk::new();
    // Two open cards of one manager, idle 2 and 5 days on the clock's day: the median is 3.5.
    let csv = "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
               Дата закрытия,Этап сделки,Воронка\n\
               q1,Сделка q1,100000,Смирнова Ольга,01.09.2026 10:00:00,18.11.2026 10:00:00,\
               не закрыта,Квалификация,Продажи недвижимости\n\
               q2,Сделка q2,100000,Смирнова Ольга,01.09.2026 10:00:00,15.11.2026 10:00:00,\
               не закрыта,Квалификация,Продажи недвижимости\n";
    let file = desk.file("deals.csv");
    std::fs::write(&file, csv).unwrap();
    succeeded(desk.okk().args(["import", &file]));
    okk::store::Store::open(&desk.db)
        .and_then(|store| store.set_meta("clock", CLOCK))
        .expect("set the store's clock");
    let s: Json = serde_json::from_str(&succeeded(desk.okk().args(["stats", "--json"]))).unwrap();
    assert_eq!(s["managers"][0]["median_idle_days"], 3.5, "{s}");
    let text = succeeded(desk.okk().args(["stats", "--table", "managers"]));
    let olga = |screen: &str| -> String {
        (screen.lines())
            .find(|l| l.contains(OLGA))
            .unwrap_or_else(|| panic!("{screen}"))
            .to_string()
    };
    assert!(olga(&text).ends_with(" 3.5"), "{text}");
    let (mut state, mut tui) = common::reviewer::open(&desk.db, "anna");
    okk::tui::update::load_stages(&mut state, &tui).unwrap();
    common::reviewer::press(&mut state, &mut tui, "4");
    for (lang, idle) in [("en", "3.5"), ("ru", "3,5")] {
        let lang = okk::text::lang::Lang::from_code(lang).unwrap();
        let screen = okk::text::lang::with(lang, || common::reviewer::screen(&state, 120, 40));
        // The managers' box is the lower left one: its row, up to the box's right edge.
        let row = olga(&screen);
        let row = row.split('│').nth(1).unwrap_or_default().trim_end();
        assert!(row.ends_with(&format!(" {idle}")), "{row}\n{screen}");
    }
}

/// `okk stats --auditors --json` and `--csv` round as the other tables do (docs/analytics.md):
/// shares to four places, the median seconds to one decimal; the text shows them whole.
#[test]
fn the_auditors_figures_are_written_rounded_as_every_other_table() {
    use okk::domain::review::{Review, ReviewDraft, Verdict};
    let desk = cards_only();
    let mut ids = Vec::new();
    for (card, seconds) in [("a1", 12.34), ("a2", 12.36), ("a3", 20.0)] {
        let review = Review {
            verdict: Verdict::Stale,
            draft: ReviewDraft::default(),
            score: None,
            seconds_spent: seconds,
        };
        ids.push(desk.save_review(card, "anna", "2026-11-18 10:00:00", &review));
    }
    let none = (None, None, None);
    desk.decide(&ids[0], "olga", "accept", none, "2026-11-19 10:00:00");
    desk.decide(
        &ids[1],
        "olga",
        "override",
        (Some("dead"), None, None),
        "2026-11-19 10:01:00",
    );
    desk.send_back(&ids[2], "olga", "again", "2026-11-19 10:02:00");
    let json: Json = serde_json::from_str(&okk(&desk, &["stats", "--auditors", "--json"])).unwrap();
    let anna = &json["auditors"][0];
    assert_eq!(
        (
            &anna["median_seconds"],
            &anna["accepted"],
            &anna["overridden"],
            &anna["returned"]
        ),
        (&json!(12.4), &json!(0.3333), &json!(0.3333), &json!(0.3333)),
        "{json}"
    );
    let csv = okk(
        &desk,
        &[
            "stats",
            "--auditors",
            "--csv",
            "--delimiter",
            ";",
            "--headers",
            "en",
        ],
    );
    let row = csv.lines().nth(1).unwrap_or_default();
    // No answers: «need» and «next_step» unanswered on each of the three.
    assert_eq!(row, "anna;3;;12,4;3;0,3333;0,3333;0,3333;0;;6", "{csv}");
    let text = okk(&desk, &["stats", "--auditors"]);
    assert!(
        says(&text, "anna 3 — 12 3 33% of 3 33% of 3 33% of 3 —"),
        "{text}"
    );
}

/// tester42 F1: 7 flagged cards judged of «Контакт после встречи» (26 of its 67 open cards
/// flagged; one flagged card is closed), 6 not ok. okk said «врут примерно 68 из 68 (44–68)»:
/// the flagged cards' share spread over the unflagged cards nobody judged. Now the flagged
/// cards' share speaks for the 26 flagged open cards (6/7 × 26 = 22.3; Wilson 48.7 %–97.4 %:
/// 12.7–25.3), and the 41 without flags are said to be unsampled — in `okk stats`, its JSON,
/// the report and the stats screen alike.
#[test]
fn the_flagged_cards_share_speaks_for_the_flagged_open_cards_only() {
    let desk = common::Desk::demo();
    let stage = "Контакт после встречи";
    let flagged = [
        "31654770", "31654591", "31654176", "31652216", "31652190", "31624924", "31624841",
    ];
    for (i, card) in flagged.iter().enumerate() {
        let verdict = if i == 0 { "ok" } else { "stale" };
        let at = format!("2026-11-19 10:0{i}:00");
        desk.review(card, "anna", &at, &common::Verdict::of(verdict));
    }
    let s = desk.json_ok(&["stats", "--json"]);
    let row = (s["stages"].as_array().unwrap().iter())
        .find(|r| r["stage"] == stage)
        .unwrap();
    assert_eq!(
        (
            &row["open_cards"],
            &row["covered_cards"],
            &row["estimated_lying"]
        ),
        (&json!(67), &json!(26), &json!(22.3)),
        "{row:#}"
    );
    assert_eq!(
        row["strata"],
        json!({
            "flagged": {"open": 26, "judged": 7, "not_ok": 6, "estimate": 22.3, "low": 12.7,
                        "high": 25.3, "measured": false},
            "unflagged": {"open": 41, "judged": 0, "not_ok": 0, "estimate": null, "low": null,
                          "high": null, "measured": false}
        })
    );
    assert_eq!(
        (
            &s["totals"]["covered_cards"],
            &s["totals"]["estimate_shown"]
        ),
        (&json!(26), &json!(true))
    );
    let said = desk.run_ok(&["stats"]);
    for words in [
        "Likely lying: ~22 (13–25) of the 26 open cards at the stage with cards judged",
        "Lies most: «Контакт после встречи» — 6 of 7 cards judged not ok (86%), so about 22 of \
         its 26 flagged open cards (95 % interval 13–25).",
        "Not sampled, so left out of the estimate: «Контакт после встречи» 41 open cards \
         without flags: no card of that kind was judged at the stage",
    ] {
        assert!(says(&said, words), "{words}\n{said}");
    }
    assert!(!said.contains("not a random draw"), "{said}");
    let page = desk.dir.path().join("report.html");
    desk.run_ok(&["--lang", "ru", "report", "--out", page.to_str().unwrap()]);
    let html = std::fs::read_to_string(&page).unwrap();
    for words in [
        "значит, врут примерно 22 из 26 его открытых карточек с флагами (95-процентный \
         интервал 13–25).",
        "Нет выборки, поэтому не входят в оценку: «Контакт после встречи» — 41 открытая \
         карточка без флагов",
        "Карточки с флагами и без флагов оцениваются отдельно",
    ] {
        assert!(says(&html, words), "{words}\n{html}");
    }
    assert!(!html.contains("68 из 68"), "{html}");
}
