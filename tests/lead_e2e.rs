//! The team lead's round trip with the real binary: two auditors review on their own laptops
//! (`okk review` in a pseudo-terminal), bundle their work to the lead, who accepts, overrides,
//! sends back, undoes and redoes in `okk lead`; the lead's bundle goes back to an auditor, whose
//! queue shows the returned card with the note, and whose card screen shows the decision. The
//! stores are read back with SQL after every step.

mod common;
mod pty;

use std::collections::BTreeMap;

use common::Desk;
use pty::reviewer::{okk, quit_from_card, review_stage, verdict};
use pty::{Term, card_id};

const MET: &str = "Встреча проведена";
const BOOKING: &str = "Бронирование";
const NOTE: &str = "где дата встречи?";

/// `auditor` opens `stage` in the reviewer and presses each verdict key on the card shown,
/// waiting for it to be saved; then leaves. Card external id → verdict word, in order.
fn review(desk: &Desk, auditor: &str, stage: &str, verdicts: &[(&str, &str)]) -> Vec<String> {
    let mut term = review_stage(desk, stage, auditor);
    let ids = verdicts
        .iter()
        .map(|(key, word)| verdict(&mut term, key, word))
        .collect();
    quit_from_card(&mut term);
    ids
}

/// One row of `lead_decisions`, with the card and auditor of its review.
#[derive(Debug, Clone, PartialEq)]
struct DecisionRow {
    card: String,
    auditor: String,
    lead: String,
    decision: String,
    verdict: Option<String>,
    suggested_stage: Option<String>,
    note: String,
    withdrawn: bool,
}

/// Every lead decision, by card, then standing ones after withdrawn ones.
fn decisions(desk: &Desk) -> Vec<DecisionRow> {
    let conn = desk.read_only();
    let mut stmt = conn
        .prepare(
            "SELECT r.card_external_id, r.auditor, d.lead, d.decision, d.verdict,
                    d.suggested_stage, d.note, d.withdrawn_at IS NOT NULL
             FROM lead_decisions d JOIN reviews r ON r.id = d.review_id
             ORDER BY r.card_external_id, d.withdrawn_at IS NULL, d.rowid",
        )
        .unwrap();
    stmt.query_map([], |r| {
        Ok(DecisionRow {
            card: r.get(0)?,
            auditor: r.get(1)?,
            lead: r.get(2)?,
            decision: r.get(3)?,
            verdict: r.get(4)?,
            suggested_stage: r.get(5)?,
            note: r.get(6)?,
            withdrawn: r.get(7)?,
        })
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// `okk bundle export --out NAME` in the desk's dir; the file.
fn export(desk: &Desk, name: &str) -> String {
    let out = desk.file(name);
    desk.run_ok(&["bundle", "export", "--out", &out]);
    assert!(std::path::Path::new(&out).is_file(), "{out} written");
    out
}

/// The lead's decide screen: waits for a review of `auditor` and returns its card's id, after
/// checking that the review pane shows the verdict the auditor gave that card.
fn opened(term: &Term, auditor: &str, verdict_of: &BTreeMap<String, &str>) -> String {
    let screen = term.wait_for(&format!("auditor {auditor}: "));
    let id = card_id(&screen);
    let verdict = verdict_of
        .get(&id)
        .unwrap_or_else(|| panic!("#{id} was not reviewed:\n{screen}"));
    assert!(
        screen.contains(&format!("auditor {auditor}: {verdict} ")),
        "#{id}: {auditor}'s verdict {verdict}:\n{screen}"
    );
    id
}

/// Waits for the decide screen to show a card other than `id`; its id.
fn next_card(term: &Term, id: &str) -> String {
    term.wait_until(&format!("a card other than #{id}"), |s| {
        let screen = s.contents();
        screen.contains("┌ #") && card_id(&screen) != id
    });
    card_id(&term.screen())
}

#[test]
fn reviews_go_to_the_lead_and_a_returned_one_comes_back_to_its_auditor() {
    // ---- two auditors, each on a laptop of their own ----------------------------------------
    let anna = Desk::demo();
    let boris = Desk::demo();
    let lead = Desk::demo();
    let anna_ids = review(
        &anna,
        "anna",
        MET,
        &[("a", "ok"), ("s", "stale"), ("d", "dead")],
    );
    let boris_ids = review(&boris, "boris", BOOKING, &[("a", "ok"), ("i", "unclear")]);
    let verdict_of: BTreeMap<String, &str> = anna_ids
        .iter()
        .cloned()
        .zip(["ok", "stale", "dead"])
        .chain(boris_ids.iter().cloned().zip(["ok", "unclear"]))
        .collect();
    assert_eq!(verdict_of.len(), 5, "five different cards: {verdict_of:?}");
    let mine = |who: &str, ids: &[String], verdicts: &[&str]| {
        let mut v: Vec<(String, String, String)> = ids
            .iter()
            .zip(verdicts)
            .map(|(id, v)| (id.clone(), who.to_string(), v.to_string()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        anna.current_reviews(),
        mine("anna", &anna_ids, &["ok", "stale", "dead"])
    );
    assert_eq!(
        boris.current_reviews(),
        mine("boris", &boris_ids, &["ok", "unclear"])
    );
    assert!(decisions(&anna).is_empty() && decisions(&boris).is_empty());

    // ---- their bundles reach the lead ---------------------------------------------------------
    let from_anna = export(&anna, "anna.okkb");
    let from_boris = export(&boris, "boris.okkb");
    lead.run_ok(&["bundle", "trust", &from_anna, "--as", "anna"]);
    lead.run_ok(&["bundle", "trust", &from_boris, "--as", "boris"]);
    lead.run_ok(&["bundle", "import", &from_anna, &from_boris]);
    let mut all = mine("anna", &anna_ids, &["ok", "stale", "dead"]);
    all.extend(mine("boris", &boris_ids, &["ok", "unclear"]));
    all.sort();
    assert_eq!(lead.current_reviews(), all);
    assert!(decisions(&lead).is_empty());

    // ---- the lead decides -----------------------------------------------------------------------
    let mut term = okk(&lead, &["lead", "--lead", "olga"], 120, 40).start(lead.dir.path());
    term.wait_for("lead olga");
    term.wait_for("Reviews · 5 awaiting a decision, of 5");
    // Anna's three first: the filter narrows the list to them.
    term.send("/");
    term.wait_for("filter: ▏");
    term.send("auditor:anna");
    term.wait_for("filter: auditor:anna▏");
    term.send("<enter>");
    term.wait_for(" · 1/3 ");
    term.wait_gone("auditor:anna▏");
    term.send("<enter>");

    // Accept the first; the next of hers opens.
    let accepted = opened(&term, "anna", &verdict_of);
    term.send("a");
    term.wait_for(&format!("#{accepted} accepted"));

    // Override the second: wrong stage, and the stage she should have named.
    let overridden = next_card(&term, &accepted);
    assert_eq!(opened(&term, "anna", &verdict_of), overridden);
    term.send("o");
    term.wait_for("Override with verdict");
    term.send("wrong");
    term.wait_for("▶ wrong stage");
    term.send("<enter>");
    term.wait_for("Move to stage");
    term.send("догов");
    term.wait_for("▶ Договор");
    term.send("<enter>");
    term.wait_for(&format!("#{overridden} overridden"));

    // Send the third back with a note; none of hers is left, the list says so.
    let returned = next_card(&term, &overridden);
    assert_eq!(opened(&term, "anna", &verdict_of), returned);
    term.send("b");
    term.wait_for("Note to the auditor");
    term.send(NOTE);
    term.wait_for(NOTE);
    term.send("<enter>");
    // The last one in view: the list comes back, its status in place of "#… sent back" — and,
    // under the filter, the two of boris's that still wait (tester42 F9).
    let list = term.wait_for(
        "No review this filter shows is waiting for a decision; 2 others wait outside it",
    );
    assert!(
        list.contains("Reviews · 2 awaiting a decision, of 5"),
        "{list}"
    );
    let anna_decided = [&accepted, &overridden, &returned];
    for id in anna_decided {
        assert!(
            anna_ids.contains(id),
            "#{id} is one of anna's: {anna_ids:?}"
        );
    }
    let mut sorted = anna_decided.map(String::as_str).to_vec();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), 3, "three different cards");

    // Esc clears the filter: boris's two. Accept one, undo (it shows again), accept again.
    term.send("<esc>");
    term.wait_for(" · 1/2 ");
    term.send("<enter>");
    let redone = opened(&term, "boris", &verdict_of);
    term.send("a");
    term.wait_for(&format!("#{redone} accepted"));
    let waiting = next_card(&term, &redone);
    assert!(boris_ids.contains(&waiting) && waiting != redone);
    term.send("u");
    term.wait_for("decision withdrawn");
    assert_eq!(
        next_card(&term, &waiting),
        redone,
        "undo shows its review again"
    );
    term.wait_for("auditor boris: ");
    {
        // Between the undo and the redo the store holds the accept as withdrawn.
        let now = decisions(&lead);
        let on_redone: Vec<_> = now.iter().filter(|d| d.card == redone).collect();
        assert_eq!(on_redone.len(), 1, "{now:#?}");
        assert!(on_redone[0].withdrawn, "{now:#?}");
    }
    term.send("a");
    term.wait_for(&format!("#{redone} accepted"));
    assert_eq!(next_card(&term, &redone), waiting);

    // Back to the list (one awaiting), then out.
    term.send("q");
    let list = term.wait_for("Reviews · 1 awaiting a decision, of 5");
    assert!(list.contains(&format!("{waiting} ")), "{list}");
    term.send("q");
    term.wait_clean_exit("okk lead");
    assert!(term.line_editing(), "the terminal is restored");

    // ---- what the lead's store keeps ----------------------------------------------------------
    let row = |card: &str,
               auditor: &str,
               decision: &str,
               verdict: Option<&str>,
               stage: Option<&str>,
               note: &str,
               withdrawn: bool| DecisionRow {
        card: card.to_string(),
        auditor: auditor.to_string(),
        lead: "olga".to_string(),
        decision: decision.to_string(),
        verdict: verdict.map(String::from),
        suggested_stage: stage.map(String::from),
        note: note.to_string(),
        withdrawn,
    };
    let mut expected = vec![
        row(&accepted, "anna", "accept", None, None, "", false),
        row(
            &overridden,
            "anna",
            "override",
            Some("wrong_stage"),
            Some("Договор"),
            "",
            false,
        ),
        row(&returned, "anna", "return", None, None, NOTE, false),
        row(&redone, "boris", "accept", None, None, "", true),
        row(&redone, "boris", "accept", None, None, "", false),
    ];
    expected.sort_by(|a, b| (&a.card, !a.withdrawn).cmp(&(&b.card, !b.withdrawn)));
    assert_eq!(decisions(&lead), expected);
    // The auditors' reviews are as they made them: a decision never rewrites one.
    assert_eq!(lead.current_reviews(), all);

    // ---- the lead's bundle goes back to anna ----------------------------------------------------
    let from_lead = export(&lead, "olga.okkb");
    anna.run_ok(&["bundle", "trust", &from_lead, "--as", "olga", "--lead"]);
    anna.run_ok(&["bundle", "import", &from_lead]);
    assert_eq!(
        decisions(&anna),
        expected,
        "anna's store has every decision"
    );
    assert_eq!(anna.current_reviews(), all);

    // Her queue starts with the returned card (her other two stay reviewed): the card screen
    // shows the lead's decision and note.
    let mut term = review_stage(&anna, MET, "anna");
    let card = term.screen();
    assert_eq!(card_id(&card), returned, "{card}");
    let card = term.wait_for("lead olga: sent back");
    assert!(card.contains(&format!("«{NOTE}»")), "{card}");
    let hers = verdict_of[&returned];
    assert!(card.contains(&format!("your verdict: {hers}")), "{card}");
    // The queue marks it.
    term.send("q");
    let queue = term.wait_for("Title");
    let line = queue
        .lines()
        .find(|l| l.contains(&returned))
        .unwrap_or_else(|| panic!("#{returned} in the queue:\n{queue}"));
    assert!(
        line.contains(&format!("↩ returned by lead: {NOTE}")),
        "{line}"
    );
    for id in [&accepted, &overridden] {
        assert!(
            !queue.contains(id.as_str()),
            "#{id} stays reviewed:\n{queue}"
        );
    }
    // She judges it again; the new review replaces the returned one and waits for the lead.
    term.send("<enter>");
    term.wait_for("lead olga: sent back");
    assert_eq!(card_id(&term.screen()), returned);
    term.send("s");
    term.wait_for(&format!("#{returned} saved: stale"));
    term.send("q");
    term.wait_for("Title");
    term.send("q");
    term.wait_for("To review");
    term.send("q");
    assert!(term.wait_exit().success());
    let now = anna.current_reviews();
    let hers: Vec<_> = now.iter().filter(|r| r.0 == returned).collect();
    assert_eq!(
        hers,
        [&(returned.clone(), "anna".to_string(), "stale".to_string())]
    );
}

/// Sends `signal` to okk in the terminal (SIGSTOP: a laptop that slept; SIGCONT: it wakes).
fn signal(term: &Term, signal: libc::c_int) {
    // SAFETY: signalling the test's own child process.
    assert_eq!(unsafe { libc::kill(term.pid() as libc::pid_t, signal) }, 0);
}

/// The screen's text with its line breaks and runs of spaces as single spaces (a status line
/// wraps).
fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The lead has boris's review open on the decide screen when an import in another shell
/// changes its card's budget and note. The lead's okk is frozen meanwhile (a laptop that slept)
/// and wakes with the accept already typed, so the key and the store's change race: whichever
/// comes first, no decision stands on a card the lead was not shown — the store refuses it and
/// the card is shown anew (the new budget, the status saying what changed and that the accept
/// was not recorded), or the refresh showed it anew before the key — and the accept is recorded
/// on the card as it is. The next review's card, changed by another import while the lead looks
/// at it, is shown anew by the refresh alone, before any key.
#[test]
fn a_card_an_import_changes_under_the_decide_screen_is_shown_anew_and_decided_as_it_is() {
    const CHANGED: &str = "Клиент отказался, снял офис у конкурента";
    let lead = Desk::demo();
    let ids = review(&lead, "boris", MET, &[("a", "ok"), ("s", "stale")]);
    let verdict_of: BTreeMap<String, &str> = ids.iter().cloned().zip(["ok", "stale"]).collect();
    let mut term = okk(&lead, &["lead", "--lead", "olga"], 120, 40).start(lead.dir.path());
    term.wait_for("Reviews · 2 awaiting a decision, of 2");
    term.send("<enter>");
    let first = opened(&term, "boris", &verdict_of);

    signal(&term, libc::SIGSTOP);
    lead.changed_in_the_crm(&[(&first, &[("Бюджет", "9990000"), ("Примечание", CHANGED)])]);
    term.send("a");
    signal(&term, libc::SIGCONT);
    let accepted = format!("#{first} accepted");
    term.wait_until(
        "the accept refused, or recorded on the card shown anew",
        |s| {
            let text = s.contents();
            text.contains(&accepted) || text.contains("was not recorded")
        },
    );
    let screen = term.screen();
    if screen.contains("was not recorded") {
        // The key came first: refused, nothing written, the card shown anew.
        let said = format!(
            "#{first} changed in the CRM while it was on screen: Budget, Notes — the decision \
             «accept» was not recorded; look at the card again"
        );
        assert!(flat(&screen).contains(&said), "{screen}");
        assert_eq!(card_id(&screen), first, "{screen}");
        assert!(screen.contains("9 990 000"), "the new budget:\n{screen}");
        assert!(decisions(&lead).is_empty(), "nothing written");
        term.send("a");
        term.wait_for(&accepted);
    } else {
        // The refresh came first: the card was drawn anew, saying so, before the key.
        let drawn = String::from_utf8_lossy(&term.raw_output()).into_owned();
        assert!(
            drawn.contains(&format!(
                "#{first} changed in the CRM while it was on screen"
            )),
            "the card was not drawn anew before the accept"
        );
    }
    let standing = |card: &str| -> Vec<String> {
        (decisions(&lead).into_iter())
            .filter(|d| d.card == card && !d.withdrawn)
            .map(|d| d.decision)
            .collect()
    };
    assert_eq!(standing(&first), ["accept"]);

    // The next review: the refresh alone shows its card anew.
    let second = next_card(&term, &first);
    assert_eq!(opened(&term, "boris", &verdict_of), second);
    lead.changed_in_the_crm(&[
        (&first, &[("Бюджет", "9990000"), ("Примечание", CHANGED)]),
        (&second, &[("Бюджет", "1234567")]),
    ]);
    term.wait_for(&format!(
        "#{second} changed in the CRM while it was on screen: Budget — look at the card again"
    ));
    assert!(term.screen().contains("1 234 567"), "{}", term.screen());
    term.send("a");
    term.wait_for("No review is waiting for a decision.");
    assert_eq!(standing(&second), ["accept"]);
    term.send("q");
    term.wait_clean_exit("okk lead");
}
