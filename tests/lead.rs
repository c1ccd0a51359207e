//! The team lead's desk, driven key by key against a real store: accept, override and send
//! back reviews, undo, filter; a returned review comes back to its auditor's queue, marked.

mod common;

use common::reviewer::{press, shown_card};
use okk::domain::decision::DecisionKind;
use okk::domain::review::Verdict;
use okk::store::inspect::{Inspect, Table};
use okk::tui::desk::Desk;
use okk::tui::state::{Popup, Screen, State};

const MET: &str = "Встреча проведена";

/// boris judges the first four cards of «Встреча проведена»: ok, stale, dead, unclear.
fn boris_reviews(db: &std::path::Path) -> Vec<String> {
    let (mut s, mut d) = common::reviewer::open_at_stage(db, "boris", MET);
    let mut ids = Vec::new();
    for k in ["a", "s", "d", "i"] {
        ids.push(shown_card(&s));
        press(&mut s, &mut d, k);
    }
    ids
}

fn lead(db: &std::path::Path) -> (State, Desk) {
    let (mut s, d) = common::reviewer::open(db, "olga");
    okk::tui::lead::load(&mut s, &d).unwrap();
    (s, d)
}

/// (lead, decision, verdict, suggested stage, note).
type DecisionRow = (String, String, Option<String>, Option<String>, String);

fn decisions(db: &std::path::Path) -> Vec<DecisionRow> {
    let text = |v: &serde_json::Value| v.as_str().map(String::from);
    Inspect::open(db)
        .and_then(|look| look.rows(Table::LeadDecisions))
        .unwrap()
        .iter()
        .filter(|d| d["withdrawn_at"].is_null())
        .map(|d| {
            (
                text(&d["lead"]).unwrap(),
                text(&d["decision"]).unwrap(),
                text(&d["verdict"]),
                text(&d["suggested_stage"]),
                text(&d["note"]).unwrap(),
            )
        })
        .collect()
}

/// One column of every row of `table`, in the order written.
fn column(db: &std::path::Path, table: Table, name: &str) -> Vec<serde_json::Value> {
    let rows = Inspect::open(db).and_then(|look| look.rows(table)).unwrap();
    rows.iter().map(|r| r[name].clone()).collect()
}

#[test]
fn the_lead_accepts_overrides_and_sends_back_in_turn() {
    let store = common::Desk::demo();
    boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    assert_eq!(s.screen, Screen::Reviews);
    assert_eq!(s.lead.as_ref().unwrap().shown.len(), 4);
    press(&mut s, &mut d, "<enter>");
    assert_eq!(s.screen, Screen::Decide);
    press(&mut s, &mut d, "ao");
    assert!(matches!(s.popup, Some(Popup::Picker(_))));
    press(&mut s, &mut d, "wrong");
    press(&mut s, &mut d, "<enter>");
    press(&mut s, &mut d, "догов");
    press(&mut s, &mut d, "<enter>b");
    press(&mut s, &mut d, "проверь дату встречи");
    press(&mut s, &mut d, "<enter>");
    assert_eq!(
        decisions(&store.db),
        vec![
            ("olga".into(), "accept".into(), None, None, String::new()),
            (
                "olga".into(),
                "override".into(),
                Some("wrong_stage".into()),
                Some("Договор".into()),
                String::new()
            ),
            (
                "olga".into(),
                "return".into(),
                None,
                None,
                "проверь дату встречи".into()
            ),
        ]
    );
    // The auditor's originals stay as they were.
    let verdicts = column(&store.db, Table::Reviews, "verdict");
    assert_eq!(verdicts, ["ok", "stale", "dead", "unclear"]);
    // One left awaiting; `t` shows all four.
    press(&mut s, &mut d, "q");
    assert_eq!(s.lead.as_ref().unwrap().shown.len(), 1);
    press(&mut s, &mut d, "t");
    assert_eq!(s.lead.as_ref().unwrap().shown.len(), 4);
}

/// The note box keeps the comment box's keys: enter sends, esc over a typed note asks once,
/// then drops it and sends nothing.
#[test]
fn esc_over_a_typed_note_asks_once_then_sends_nothing() {
    let store = common::Desk::demo();
    boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter>bпроверь дату<esc>");
    assert!(
        matches!(s.popup, Some(Popup::Input(_))),
        "the first esc asks"
    );
    press(&mut s, &mut d, "<esc>");
    assert!(s.popup.is_none(), "the second esc drops the note");
    assert!(decisions(&store.db).is_empty());
    // An empty note box closes at once.
    press(&mut s, &mut d, "b<esc>");
    assert!(s.popup.is_none());
    assert!(decisions(&store.db).is_empty());
}

#[test]
fn undo_withdraws_the_decision_and_shows_the_review_again() {
    let store = common::Desk::demo();
    let ids = boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter>a");
    assert_eq!(decisions(&store.db).len(), 1);
    press(&mut s, &mut d, "u");
    assert!(decisions(&store.db).is_empty());
    assert_eq!(shown_card(&s), ids[0]);
    let l = s.lead.as_ref().unwrap();
    assert!(l.rows[l.open.unwrap()].decision.is_none());
}

#[test]
fn a_returned_review_comes_back_to_the_auditors_queue_with_the_note() {
    let store = common::Desk::demo();
    let ids = boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter><space>b");
    press(&mut s, &mut d, "где дата?");
    press(&mut s, &mut d, "<enter>");
    drop((s, d));
    let (mut s, mut d) = common::reviewer::open_at_stage(&store.db, "boris", MET);
    let q = s.queue.as_ref().unwrap();
    let back = q
        .items
        .iter()
        .find(|i| i.entry.id == ids[1])
        .expect("back in the queue");
    assert_eq!(back.entry.returned.as_deref(), Some("где дата?"));
    // `okk queue` marks it as the reviewer does.
    let text = store.run_ok(&[
        "queue",
        "--stage",
        MET,
        "--auditor",
        "boris",
        "--limit",
        "500",
    ]);
    let line = text
        .lines()
        .find(|l| l.contains(&format!("#{}", ids[1])))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("↩ returned by lead: где дата?"), "{line}");
    // The auditor sees the decision on the card, read-only, and judges again.
    let idx = q.items.iter().position(|i| i.entry.id == ids[1]).unwrap();
    while s.card.as_ref().unwrap().index != idx {
        press(&mut s, &mut d, "<space>");
    }
    let dec = s.card.as_ref().unwrap().decision.clone().unwrap();
    assert_eq!(
        (dec.lead.as_str(), dec.decision.kind),
        ("olga", DecisionKind::Return)
    );
    press(&mut s, &mut d, "s");
    drop((s, d));
    // The new review waits for the lead; the returned one is no longer current.
    let (s, _d) = lead(&store.db);
    let l = s.lead.as_ref().unwrap();
    let mine: Vec<_> = l.rows.iter().filter(|r| r.external_id == ids[1]).collect();
    assert_eq!(mine.len(), 1);
    assert!(mine[0].decision.is_none());
    assert_eq!(mine[0].verdict, Verdict::Stale);
}

#[test]
fn the_filter_narrows_by_verdict_auditor_and_disagreement() {
    let store = common::Desk::demo();
    boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "/");
    press(&mut s, &mut d, "verdict:dead");
    assert_eq!(s.lead.as_ref().unwrap().shown.len(), 1);
    press(&mut s, &mut d, "<esc>");
    assert_eq!(s.lead.as_ref().unwrap().shown.len(), 4);
    press(&mut s, &mut d, "/");
    press(&mut s, &mut d, "auditor:anna");
    assert!(s.lead.as_ref().unwrap().shown.is_empty());
}

/// The list's columns are measured once per change of the reviews shown: the filter forgets
/// the measure, and the next frame draws the columns a list that never measured draws.
#[test]
fn the_filter_has_the_columns_measured_again() {
    let store = common::Desk::demo();
    boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    let draw = |s: &State| common::reviewer::screen(s, 120, 40);
    draw(&s);
    let l = s.lead.as_ref().unwrap();
    assert_eq!(l.measure.rows(), 4, "measured by the frame");
    // The review whose card has the longest title, then one with a shorter.
    let titles: Vec<(usize, String)> = (l.rows.iter())
        .map(|r| {
            let title = r.title.as_deref().unwrap_or("").chars().count();
            (title, r.external_id.clone())
        })
        .collect();
    let (long, long_id) = titles.iter().max().unwrap().clone();
    let (short, short_id) = titles.iter().min().unwrap().clone();
    assert!(short < long);
    press(&mut s, &mut d, "/");
    press(&mut s, &mut d, &long_id);
    assert_eq!(s.lead.as_ref().unwrap().shown.len(), 1);
    let long_screen = draw(&s);
    press(&mut s, &mut d, &"<backspace>".repeat(long_id.len()));
    press(&mut s, &mut d, &short_id);
    let l = s.lead.as_ref().unwrap();
    assert_eq!((l.shown.len(), l.measure.rows()), (1, 0), "forgotten");
    let short_screen = draw(&s);
    assert_ne!(short_screen, long_screen);
    s.lead.as_mut().unwrap().measure = Default::default();
    assert_eq!(draw(&s), short_screen);
}

#[test]
fn the_leads_checklist_corrections_are_kept_as_the_reference() {
    let store = common::Desk::demo();
    boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter>2aa");
    let lists: Vec<Option<String>> = column(&store.db, Table::LeadDecisions, "checklist")
        .iter()
        .map(|c| c.as_str().map(String::from))
        .collect();
    assert_eq!(lists.len(), 2);
    assert!(
        lists[0].as_deref().is_some_and(|j| j.contains("fail")),
        "{lists:?}"
    );
    assert_eq!(lists[1], None, "an untouched checklist is not copied");
}

/// The lead's list names a review's one owner suggestion, also when the auditor gave it as a
/// correction of the owner field (the way the decide screen and the exports read it).
#[test]
fn the_leads_list_names_the_owner_a_correction_suggested() {
    let store = common::Desk::demo();
    store.review(
        "31999149",
        "anna",
        "2026-11-20 11:00:00",
        &common::Verdict {
            corrections: &[("owner", "Попова Анна")],
            ..common::Verdict::of("stale")
        },
    );
    let (s, _d) = lead(&store.db);
    let rows = &s.lead.as_ref().unwrap().rows;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].suggested_owner.as_deref(), Some("Попова Анна"));
}

#[test]
fn accepting_one_auditors_review_settles_the_others_on_the_card_and_undo_reopens_them() {
    let store = common::Desk::demo();
    // Anna and boris judge the same first card of the stage: ok and dead, a split (boris finds
    // it by a filter: judged by anna, it is not in his queue).
    let (mut s, mut d) = common::reviewer::open_at_stage(&store.db, "anna", MET);
    let card = shown_card(&s);
    press(&mut s, &mut d, "a");
    let (mut s, mut d) = common::reviewer::open_at_stage(&store.db, "boris", MET);
    assert_ne!(shown_card(&s), card, "anna's");
    press(&mut s, &mut d, &format!("q/{card}<enter><enter>d"));
    let (mut s, mut d) = lead(&store.db);
    let awaiting = |s: &State| {
        let l = s.lead.as_ref().unwrap();
        l.rows.iter().filter(|r| r.awaits()).count()
    };
    assert_eq!(awaiting(&s), 2);
    assert!(s.lead.as_ref().unwrap().rows.iter().all(|r| r.split));
    // The lead accepts anna's ok: boris's dead, on the card when the lead decided, is settled
    // with it; nothing else awaits.
    press(&mut s, &mut d, "<enter>a");
    assert_eq!(awaiting(&s), 0);
    let l = s.lead.as_ref().unwrap();
    let boris = l.rows.iter().find(|r| r.auditor == "boris").unwrap();
    assert!(boris.settled_with_card() && !boris.split, "{boris:?}");
    assert_eq!(
        boris
            .settled
            .as_ref()
            .map(|x| (x.auditor.as_str(), x.verdict())),
        Some(("anna", Verdict::Ok))
    );
    // Undone (from a decided review, `t` showing them): both await the lead again, split.
    assert_eq!(s.screen, Screen::Reviews, "nothing left to decide");
    press(&mut s, &mut d, "t<enter>u");
    assert_eq!(awaiting(&s), 2);
    let l = s.lead.as_ref().unwrap();
    assert!(l.rows.iter().all(|r| r.settled.is_none() && r.split));
}

/// anna says «wrong stage → Договор»; the lead holds it is the wrong stage too, but for
/// another: the override picker offers «wrong stage», the stage picker leaves out anna's stage
/// and the card's own, and the lead's stage is what `okk export crm` moves the card to and what
/// `okk export reviews` names as the lead's.
#[test]
fn the_lead_overrides_a_wrong_stage_with_another_stage_and_the_crm_file_takes_it() {
    let store = common::Desk::demo();
    let (mut s, mut d) = common::reviewer::open_at_stage(&store.db, "anna", "Бронирование");
    let id = shown_card(&s);
    press(&mut s, &mut d, "xдогов<enter>");
    drop((s, d));
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter>o");
    let Some(Popup::Picker(p)) = &s.popup else {
        panic!("the override picker: {:?}", s.popup)
    };
    let wrong = okk::text::tui::verdict(Verdict::WrongStage);
    assert!(p.items.contains(&wrong), "{:?}", p.items);
    press(&mut s, &mut d, "wrong<enter>");
    let Some(Popup::Picker(p)) = &s.popup else {
        panic!("the stage picker: {:?}", s.popup)
    };
    for not in ["Договор", "Бронирование"] {
        assert!(!p.items.iter().any(|i| i == not), "{not}: {:?}", p.items);
    }
    press(&mut s, &mut d, "Успешно<enter>");
    assert_eq!(
        decisions(&store.db),
        [(
            "olga".into(),
            "override".into(),
            Some("wrong_stage".into()),
            Some("Успешно реализовано".into()),
            String::new()
        )]
    );
    drop((s, d));
    let out = store.file("amocrm.csv");
    store.run_ok(&["export", "crm", "--profile", "amocrm", "--out", &out]);
    let rows = common::python_csv(&out, ',');
    let row = (rows.iter().find(|r| r[0] == id))
        .unwrap_or_else(|| panic!("{id} in the CRM file: {rows:?}"));
    assert!(row.iter().any(|c| c == "Успешно реализовано"), "{row:?}");
    assert!(!row.iter().any(|c| c == "Договор"), "{row:?}");
    let out = store.file("reviews.csv");
    store.run_ok(&["export", "reviews", "--out", &out]);
    let rows = common::python_csv(&out, ',');
    let col = |name: &str| rows[0].iter().position(|h| h == name).expect(name);
    let row = (rows.iter().find(|r| r[col("external_id")] == id))
        .unwrap_or_else(|| panic!("{id} in the reviews: {rows:?}"));
    assert_eq!(row[col("suggested_stage")], "Договор", "anna's stays");
    assert_eq!(row[col("lead_verdict")], "wrong_stage");
    assert_eq!(row[col("lead_suggested_stage")], "Успешно реализовано");
    assert_eq!(row[col("final_verdict")], "wrong_stage");
}

/// tester42 F10: anna says ok and suggests a new owner; the lead overrides with «wrong stage →
/// Договор». Both pickers say the owner goes to the CRM too, the decision keeps it, the review
/// pane's decision line names it, and `okk export crm` moves the card and hands it over.
#[test]
fn an_override_keeps_the_auditor_s_owner_and_says_so_and_the_crm_file_takes_both() {
    let store = common::Desk::demo();
    let id = "31417588";
    store.review(
        id,
        "anna",
        "2026-11-20 11:00:00",
        &common::Verdict {
            owner: Some("Попова Анна"),
            ..common::Verdict::of("ok")
        },
    );
    let (mut s, mut d) = lead(&store.db);
    let note = |s: &State| match &s.popup {
        Some(Popup::Picker(p)) => p.note.clone().unwrap_or_default(),
        other => panic!("a picker: {other:?}"),
    };
    press(&mut s, &mut d, "<enter>o");
    assert!(note(&s).contains("Попова Анна"), "{}", note(&s));
    press(&mut s, &mut d, "wrong<enter>");
    assert!(note(&s).contains("Попова Анна"), "{}", note(&s));
    press(&mut s, &mut d, "Договор<enter>");
    let owners = column(&store.db, Table::LeadDecisions, "suggested_owner");
    assert_eq!(owners, [serde_json::json!("Попова Анна")]);
    // The list again: `t` shows the review decided, and its pane names the owner.
    press(&mut s, &mut d, "t<enter>");
    let said = (s.card.as_ref().and_then(|c| c.decision.as_ref()))
        .or_else(|| s.lead.as_ref()?.rows[0].decision.as_ref())
        .map(okk::text::tui::lead_decision)
        .expect("the decision");
    assert!(
        said.contains("Попова Анна") && said.contains("Договор"),
        "{said}"
    );
    drop((s, d));
    let out = store.file("amocrm.csv");
    store.run_ok(&["export", "crm", "--profile", "amocrm", "--out", &out]);
    let rows = common::python_csv(&out, ',');
    let row = (rows.iter().find(|r| r[0] == id))
        .unwrap_or_else(|| panic!("{id} in the CRM file: {rows:?}"));
    assert!(row.iter().any(|c| c == "Договор"), "{row:?}");
    assert!(row.iter().any(|c| c == "Попова Анна"), "{row:?}");
}

/// The lead's stage picker marks the stages the card's own CRM pipeline has no place for, as
/// read when the lead's desk opens; a marked stage is taken all the same, and `okk export crm`
/// leaves that move out and names it, as the mark said.
#[test]
fn the_leads_stage_picker_marks_what_the_export_leaves_out() {
    let store = common::Desk::demo();
    let (mut s, mut d) = common::reviewer::open_at_stage(&store.db, "anna", "Бронирование");
    let id = shown_card(&s);
    press(&mut s, &mut d, "xдогов<enter>");
    drop((s, d));
    let mut planted = okk::store::Store::open(&store.db).unwrap();
    common::reviewer::plant_crm_stages(&mut planted, "amocrm", common::reviewer::DEMO_PIPELINE);
    drop(planted);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter>owrong<enter>");
    let Some(Popup::Picker(p)) = &s.popup else {
        panic!("the stage picker: {:?}", s.popup)
    };
    // Neither the card's own stage (Бронирование) nor anna's is offered.
    assert_eq!(
        common::reviewer::marked(p),
        ["Квалификация", "Молчуны после встречи"]
    );
    press(&mut s, &mut d, "квал<enter>");
    assert_eq!(decisions(&store.db)[0].3.as_deref(), Some("Квалификация"));
    drop((s, d));
    let out = store.file("amocrm.csv");
    let run = store
        .okk()
        .args(["export", "crm", "--profile", "amocrm", "--out", &out])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stderr}");
    assert!(
        stderr.contains("«Квалификация»")
            && stderr.contains("«Продажи недвижимости»")
            && stderr.contains(&format!("card {id} left out")),
        "{stderr}"
    );
    let file = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(!file.contains(&id), "{file}");
}

/// On the list, the decide keys say the review must be opened first, instead of doing nothing.
#[test]
fn a_decide_key_on_the_list_says_to_open_the_review_first() {
    let store = common::Desk::demo();
    boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    for key in ["a", "o", "b", "u"] {
        s.shared.status = None;
        press(&mut s, &mut d, key);
        assert_eq!(s.screen, Screen::Reviews, "{key}");
        assert!(s.popup.is_none(), "{key}");
        let Some(okk::tui::state::Status::Info(said)) = &s.shared.status else {
            panic!("{key}: {:?}", s.shared.status)
        };
        assert_eq!(*said, okk::text::tui::open_review_first("enter"), "{key}");
    }
    assert!(decisions(&store.db).is_empty());
    // A key that means nothing anywhere on the desk still says nothing.
    s.shared.status = None;
    press(&mut s, &mut d, "z");
    assert_eq!(s.shared.status, None);
}

/// Others wrote (the runtime's watcher says so: on a store file any write, on a server the
/// import's notification).
fn others_acted(s: &mut State, d: &mut Desk) {
    use okk::tui::effect::{Msg, Outcome};
    okk::tui::run::dispatch(s, Msg::Done(Box::new(Outcome::OthersActed)), d);
}

fn status(s: &State) -> String {
    match &s.shared.status {
        Some(okk::tui::state::Status::Info(m) | okk::tui::state::Status::Error(m)) => m.clone(),
        None => String::new(),
    }
}

/// The card on the decide screen's budget in the store and on screen, and its content digest
/// in each.
fn budget_and_digest(store: &common::Desk, s: &State) -> [(Option<f64>, i64); 2] {
    let c = &s.card.as_ref().expect("a card on screen").detail;
    let row = store.card(&c.card.external_id);
    [
        (
            row["amount"].as_f64(),
            row["content_hash"].as_i64().unwrap(),
        ),
        (c.card.amount, c.hash),
    ]
}

/// The standing decisions' kinds and notes, oldest first.
fn kinds_and_notes(db: &std::path::Path) -> Vec<(String, String)> {
    (decisions(db).into_iter())
        .map(|(_, kind, _, _, note)| (kind, note))
        .collect()
}

/// The lead has boris's review open, a checklist answer corrected, when an import in another
/// shell changes the card's budget. The refresh the import brings shows the card as it is now
/// before any key, saying what changed in the words the reviewer's ↻ list uses; the lead's
/// correction stays, and the accept that follows is recorded with it. A refresh that finds the
/// card as drawn leaves the screen and the status be.
#[test]
fn a_refresh_after_an_import_shows_the_leads_card_as_it_changed() {
    let store = common::Desk::demo();
    let ids = boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter>2");
    assert_eq!((s.screen, shown_card(&s)), (Screen::Decide, ids[0].clone()));
    let corrected = s.card.as_ref().unwrap().draft.clone();
    others_acted(&mut s, &mut d);
    assert_eq!(status(&s), "", "nothing changed");

    store.changed_in_the_crm(&[(&ids[0], &[("Бюджет", "9990000")])]);
    let [(now, _), (shown, _)] = budget_and_digest(&store, &s);
    assert_eq!(now, Some(9_990_000.0));
    assert_ne!(shown, now, "the screen still shows the old budget");
    others_acted(&mut s, &mut d);
    assert_eq!(
        status(&s),
        format!(
            "#{} changed in the CRM while it was on screen: Budget — look at the card again",
            ids[0]
        )
    );
    let [in_store, on_screen] = budget_and_digest(&store, &s);
    assert_eq!(on_screen, in_store, "as the store holds it now");
    assert_eq!((s.screen, shown_card(&s)), (Screen::Decide, ids[0].clone()));
    assert_eq!(
        s.card.as_ref().unwrap().draft,
        corrected,
        "the correction stays"
    );

    press(&mut s, &mut d, "a");
    assert_eq!(
        kinds_and_notes(&store.db),
        [("accept".into(), String::new())]
    );
    let lists = column(&store.db, Table::LeadDecisions, "checklist");
    assert!(
        lists[0].as_str().is_some_and(|j| j.contains("fail")),
        "{lists:?}"
    );
}

/// The lead's key came before the refresh: the card changed under the decide screen (its budget,
/// its note) and the lead's accept was given on what it no longer says. The store refuses it,
/// nothing is written; the card is read again and shown as it is now, the lead's correction
/// kept, the status saying what changed and that the accept was not recorded; the next `a`
/// records it. The next review's card changes likewise under a note sending it back: refused,
/// the note is offered again by `b`, and sent on the card as it is.
#[test]
fn a_decision_on_a_card_an_import_changed_on_screen_is_refused_and_the_card_shown_anew() {
    const NOTE: &str = "Клиент отказался, снял офис у конкурента";
    let store = common::Desk::demo();
    let ids = boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "<enter>2");
    let corrected = s.card.as_ref().unwrap().draft.clone();
    let first: &[(&str, &str)] = &[("Бюджет", "9990000"), ("Примечание", NOTE)];
    store.changed_in_the_crm(&[(&ids[0], first)]);

    press(&mut s, &mut d, "a");
    assert_eq!(
        status(&s),
        format!(
            "#{} changed in the CRM while it was on screen: Budget, Notes — the decision \
             «accept» was not recorded; look at the card again",
            ids[0]
        )
    );
    assert!(kinds_and_notes(&store.db).is_empty(), "nothing written");
    assert_eq!((s.screen, shown_card(&s)), (Screen::Decide, ids[0].clone()));
    let [in_store, on_screen] = budget_and_digest(&store, &s);
    assert_eq!(on_screen, in_store, "as the store holds it now");
    let c = s.card.as_ref().unwrap();
    assert_eq!(c.draft, corrected, "the correction stays");
    assert!(
        c.detail.card.notes.iter().any(|n| n.contains("снял офис")),
        "{:?}",
        c.detail.card.notes
    );
    press(&mut s, &mut d, "a");
    assert_eq!(
        kinds_and_notes(&store.db),
        [("accept".into(), String::new())]
    );
    let lists = column(&store.db, Table::LeadDecisions, "checklist");
    assert!(
        lists[0].as_str().is_some_and(|j| j.contains("fail")),
        "the correction recorded: {lists:?}"
    );

    // The next review: its card changes under the note sending it back.
    assert_eq!(shown_card(&s), ids[1]);
    store.changed_in_the_crm(&[(&ids[0], first), (&ids[1], &[("Бюджет", "1234567")])]);
    press(&mut s, &mut d, "bпроверь бюджет<enter>");
    assert_eq!(
        status(&s),
        format!(
            "#{} changed in the CRM while it was on screen: Budget — the decision «send back» \
             was not recorded; look at the card again",
            ids[1]
        )
    );
    assert_eq!(kinds_and_notes(&store.db).len(), 1, "nothing more written");
    assert_eq!(
        s.card.as_ref().unwrap().detail.card.amount,
        Some(1_234_567.0)
    );
    press(&mut s, &mut d, "b");
    assert!(
        matches!(&s.popup, Some(Popup::Input(i)) if i.area.lines().join(" ") == "проверь бюджет"),
        "the note offered again: {:?}",
        s.popup
    );
    press(&mut s, &mut d, "<enter>");
    assert_eq!(
        kinds_and_notes(&store.db),
        [
            ("accept".into(), String::new()),
            ("return".into(), "проверь бюджет".into())
        ]
    );
    // Recorded, the note is not offered on the review again.
    press(&mut s, &mut d, "q");
    assert!(s.lead.as_ref().unwrap().kept_note.is_none());
}

/// tester42 F9: the last review a filter shows, decided, does not say that nothing waits while
/// reviews outside the filter still do.
#[test]
fn the_last_review_a_filter_shows_decided_says_how_many_wait_outside_it() {
    let store = common::Desk::demo();
    boris_reviews(&store.db);
    let (mut s, mut d) = lead(&store.db);
    press(&mut s, &mut d, "/");
    press(&mut s, &mut d, "verdict:dead");
    press(&mut s, &mut d, "<enter>");
    assert_eq!(s.lead.as_ref().unwrap().shown.len(), 1);
    press(&mut s, &mut d, "<enter>");
    assert_eq!(s.screen, Screen::Decide);
    press(&mut s, &mut d, "a");
    assert_eq!(s.screen, Screen::Reviews);
    assert_eq!(
        s.shared.status,
        Some(okk::tui::state::Status::Info(
            "No review this filter shows is waiting for a decision; 3 others wait outside it \
             (esc clears the filter)."
                .into()
        ))
    );
    press(&mut s, &mut d, "<esc>");
    assert_eq!(
        s.lead.as_ref().unwrap().shown.len(),
        3,
        "the three still waiting"
    );
}
