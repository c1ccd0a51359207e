//! Calibration end to end: the lead draws a reproducible sample, it travels to the auditors'
//! laptops in a bundle, comes first in their queues, and the report's figures match a hand
//! computation.

mod common;
mod pty;

use std::path::{Path, PathBuf};

use common::{Desk, Table};
use okk::domain::review::{Review, ReviewDraft, Verdict};
use okk::store::Store;
use okk::store::inspect::Inspect;
use okk::store::reviews::{ReviewedCard, Stamp};

const MET: &str = "Встреча проведена";

/// `okk db roles`: the lead's team named on the store (the auditors a calibration names must be
/// ones the store knows).
fn name_team(desk: &Desk) {
    desk.okk()
        .args(["db", "roles", "--auditor", "anna", "--auditor", "boris"])
        .args(["--auditor", "vera", "--lead", "olga"])
        .assert()
        .success();
}

fn calibrate(desk: &Desk, seed: &str) -> serde_json::Value {
    name_team(desk);
    desk.okk()
        .args([
            "calibrate",
            "new",
            "--stage",
            MET,
            "--cards",
            "5",
            "--auditors",
            "anna,boris",
        ])
        .args(["--seed", seed, "--lead", "olga"])
        .assert()
        .success();
    report(desk)
}

fn report(desk: &Desk) -> serde_json::Value {
    desk.json_ok(&["calibrate", "report", "--json"])
}

fn queue(desk: &Desk, auditor: &str) -> Vec<serde_json::Value> {
    let args = ["queue", "--stage", MET, "--auditor", auditor];
    desk.json_ok(&[&args[..], &["--limit", "100", "--json"]].concat())["cards"]
        .as_array()
        .unwrap()
        .clone()
}

fn bundle(desk: &Desk, name: &str) -> PathBuf {
    let out = desk.dir.path().join(name);
    desk.okk()
        .args(["bundle", "export", "--force", "--out"])
        .arg(&out)
        .assert()
        .success();
    out
}

/// `okk bundle trust FILE --as NAME [--lead]`.
fn trust(desk: &Desk, file: &Path, name: &str, lead: bool) {
    let mut cmd = desk.okk();
    cmd.args(["bundle", "trust"]).arg(file).args(["--as", name]);
    if lead {
        cmd.arg("--lead");
    }
    cmd.assert().success();
}

fn import(desk: &Desk, file: &Path) {
    desk.okk()
        .args(["bundle", "import"])
        .arg(file)
        .assert()
        .success();
}

/// Judges card `external_id` on `db` as `auditor`, now.
fn judge(db: &Path, auditor: &str, external_id: &str, verdict: Verdict) {
    let mut store = Store::open(db).unwrap();
    let card = Inspect::open(db).unwrap().card(external_id).unwrap();
    let id = card.expect("the card")["id"].as_i64().unwrap();
    let d = store.card_detail(id).unwrap().unwrap();
    // Recorded times are the clock's (the calibration's too), whatever day the demo is judged.
    let now = chrono::Local::now().naive_local();
    store
        .save_review(
            &ReviewedCard::from(&d),
            &Review {
                verdict,
                draft: ReviewDraft::default(),
                score: None,
                seconds_spent: 1.0,
            },
            &Stamp {
                auditor,
                funnel_fingerprint: "fp",
                now,
            },
        )
        .unwrap();
}

#[test]
fn the_same_seed_draws_the_same_cards_on_any_store() {
    let (a, b) = (Desk::demo(), Desk::demo());
    calibrate(&a, "42");
    calibrate(&b, "42");
    let cards = |d: &Desk| {
        let s = Store::open(&d.db).unwrap();
        s.calibrations().unwrap()[0].cards.clone()
    };
    assert_eq!(cards(&a), cards(&b));
    assert_eq!(cards(&a).len(), 5);
    let c = Desk::demo();
    calibrate(&c, "43");
    assert_ne!(cards(&a), cards(&c));
}

#[test]
fn a_calibration_reaches_the_auditors_and_the_report_matches_a_hand_computation() {
    let lead = Desk::demo();
    calibrate(&lead, "7");
    let sample: Vec<String> = Store::open(&lead.db).unwrap().calibrations().unwrap()[0]
        .cards
        .iter()
        .map(|c| c.1.clone())
        .collect();
    let to_auditors = bundle(&lead, "calibration.okkb");
    let (anna, boris) = (Desk::demo(), Desk::demo());
    for auditor in [&anna, &boris] {
        trust(auditor, &to_auditors, "olga", true);
        import(auditor, &to_auditors);
    }
    // The sample comes first in each auditor's queue, marked.
    let q = queue(&anna, "anna");
    let first: Vec<&str> = q
        .iter()
        .take(5)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    let mut expected: Vec<&str> = sample.iter().map(String::as_str).collect();
    let mut got = first.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert!(q.iter().take(5).all(|c| c["calibration"] == true));
    assert!(q.iter().skip(5).all(|c| c.get("calibration").is_none()));
    // anna: ok ok dead stale ok; boris: ok stale dead stale unclear.
    use Verdict::*;
    let a = [Ok, Ok, Dead, Stale, Ok];
    let b = [Ok, Stale, Dead, Stale, Unclear];
    for (i, id) in sample.iter().enumerate() {
        judge(&anna.db, "anna", id, a[i]);
        judge(&boris.db, "boris", id, b[i]);
    }
    assert!(
        queue(&anna, "anna")
            .iter()
            .all(|c| c.get("calibration").is_none())
    );
    let (from_anna, from_boris) = (bundle(&anna, "anna.okkb"), bundle(&boris, "boris.okkb"));
    trust(&lead, &from_anna, "anna", false);
    trust(&lead, &from_boris, "boris", false);
    import(&lead, &from_anna);
    import(&lead, &from_boris);
    let r = report(&lead)["report"].clone();
    // Agreement on 3 of 5 cards (1, 3, 4). Cohen's kappa: p_o = 0.6; anna ok 3/5, dead 1/5,
    // stale 1/5; boris ok 1/5, stale 2/5, dead 1/5, unclear 1/5;
    // p_e = 3/25 + 1/25 + 2/25 = 0.24; kappa = 0.36 / 0.76.
    assert!((r["percent"].as_f64().unwrap() - 0.6).abs() < 1e-9, "{r}");
    assert!(
        (r["kappa"].as_f64().unwrap() - 0.36 / 0.76).abs() < 1e-9,
        "{r}"
    );
    assert_eq!(r["judged"]["anna"], 5);
    assert_eq!(r["pairs"][0]["cards"], 5);
    let dis: Vec<&str> = r["disagreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(dis, [sample[1].as_str(), sample[4].as_str()]);
    // The text report says the same.
    let text = lead.okk().args(["calibrate", "report"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("agreement 60%") && text.contains("kappa 0.474"),
        "{text}"
    );
    // tester31 F9: the overall figure is a share of auditor pairs, and says so (a share of
    // cards it is not).
    assert!(
        text.contains("Verdicts: pairwise agreement 60% (the share of auditor pairs"),
        "{text}"
    );
    // In Russian: the verdicts in words, decimals with a comma.
    let ru = lead
        .okk()
        .args(["--lang", "ru", "calibrate", "report"])
        .output()
        .unwrap();
    let ru = String::from_utf8(ru.stdout).unwrap();
    assert!(
        ru.contains("каппа Коэна 0,474")
            && ru.contains("anna в порядке, boris устарела")
            && ru.contains("оценено 5 из 5")
            && !ru.contains(" ok"),
        "{ru}"
    );
    // The lead settles card 2 by accepting boris's "stale": it becomes the reference.
    let reviews = lead.rows(Table::Reviews);
    let boris = reviews
        .iter()
        .find(|r| r["auditor"] == "boris" && r["card_external_id"] == sample[1].as_str());
    lead.decide(
        &common::text(boris.expect("boris's review of card 2"), "id"),
        "olga",
        "accept",
        (None, None, None),
        "2026-11-20 13:00:00",
    );
    let r = report(&lead)["report"].clone();
    assert_eq!(r["disagreements"][0]["reference"], "stale");
    let out = lead
        .okk()
        .args(["stats", "--auditors", "--json"])
        .output()
        .unwrap();
    let figures: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let who = |name: &str| {
        figures["auditors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["auditor"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(who("anna")["calibrated"], 1);
    assert_eq!(who("anna")["reference_agreement"], 0.0);
    assert_eq!(who("boris")["reference_agreement"], 1.0);
    assert_eq!(who("boris")["decided"], 1);
    assert_eq!(who("boris")["accepted"], 1.0);
    assert_eq!(who("anna")["reviews"], 5);
    // The funnel's figures count each calibration card once: 10 reviews of 5 cards. Card 1
    // ok (both); 2 stale (the lead accepted boris's); 3 dead, 4 stale (both); 5 ok against
    // unclear with no decision: disputed, no sample. 3 of 4 cards judged not ok — too few to
    // rank the stage, whatever 10 reviews would have said.
    let stats = lead.json_ok(&["stats", "--json"]);
    let met = stats["stages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage"] == MET)
        .unwrap();
    let n = |k: &str| met[k].as_u64().unwrap();
    assert_eq!(
        (n("reviews"), n("judged"), n("disputed"), n("mismatches")),
        (10, 4, 1, 3)
    );
    assert_eq!(met["ranked"], false);
    assert!(
        stats["bottlenecks"]["stages"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // The auditors' reviews add up to the stage's.
    let auditors =
        who("anna")["reviews"].as_u64().unwrap() + who("boris")["reviews"].as_u64().unwrap();
    assert_eq!(auditors, n("reviews"));
    // The report's per-item agreement says how many cards it rests on.
    let r = report(&lead)["report"].clone();
    assert_eq!(r["compared"], 5);
}

#[test]
fn a_calibration_bears_the_leads_name_and_every_summary_says_when_it_travels() {
    let lead = Desk::demo();
    name_team(&lead);
    let out = lead
        .okk()
        .args(["calibrate", "new", "--stage", MET, "--cards", "3"])
        .args(["--auditors", "anna,boris", "--seed", "3"])
        .env("OKK_LEAD", "olga")
        .output()
        .unwrap();
    assert!(out.status.success());
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains(&format!("of «{MET}» by olga")), "{said}");
    assert_eq!(report(&lead)["created_by"], "olga");
    let file = lead.dir.path().join("to-auditors.okkb");
    let out = lead
        .okk()
        .args(["bundle", "export", "--out"])
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("calibration ") && said.contains("by olga, for anna, boris (3 cards)"),
        "{said}"
    );
    let anna = Desk::demo();
    trust(&anna, &file, "olga", true);
    let merge = |desk: &Desk| {
        let out = desk
            .okk()
            .args(["bundle", "import"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let said = merge(&anna);
    assert!(said.contains("1 new calibration, 0 already here"), "{said}");
    assert!(said.contains("by olga, for anna, boris"), "{said}");
    let said = merge(&anna);
    assert!(
        said.contains("0 new calibrations, 1 already here"),
        "{said}"
    );
    // The text queue marks the calibration cards as the reviewer does.
    let out = anna
        .okk()
        .args(["queue", "--stage", MET, "--auditor", "anna", "--limit", "5"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.matches("◎ calibration").count(), 3, "{text}");
}

/// `okk calibrate new` for anna and `other` by olga on `desk`, in `lang`: refused (exit 1), its
/// stderr.
fn refused(desk: &Desk, lang: &str, other: &str) -> String {
    let out = desk
        .okk()
        .args([
            "--lang",
            lang,
            "calibrate",
            "new",
            "--stage",
            MET,
            "--cards",
            "3",
        ])
        .args(["--auditors", &format!("anna,{other}"), "--lead", "olga"])
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{err}");
    err
}

/// A name misspelt in `--auditors` would make a calibration nobody ever judges: refused, in
/// either language, naming the name and the known one it is like, and how to name a new
/// auditor; the store is left as it was (the lead's name not registered either).
#[test]
fn a_calibration_for_an_auditor_the_store_does_not_know_is_refused_naming_the_closest() {
    let desk = Desk::demo();
    desk.okk()
        .args(["db", "roles", "--auditor", "anna", "--auditor", "vera"])
        .args(["--auditor", "boris"])
        .assert()
        .success();
    let before = desk.digest();
    let en = refused(&desk, "en", "vrea");
    assert!(
        en.contains("«vrea» is not an auditor of this store: did you mean «vera»?"),
        "{en}"
    );
    assert!(
        en.contains("If the name is right, name the auditor first: okk db roles --auditor vrea"),
        "{en}"
    );
    let ru = refused(&desk, "ru", "vrea");
    assert!(
        ru.contains("«vrea» — не аудитор этого хранилища: может быть, «vera»?"),
        "{ru}"
    );
    assert!(
        ru.contains("Если имя верное, сначала назовите аудитора: okk db roles --auditor vrea"),
        "{ru}"
    );
    // Two alike, the likelier first; case is the least of differences.
    let en = refused(&desk, "en", "Bors");
    assert!(en.contains("did you mean «boris»?"), "{en}");
    let two = refused(&desk, "en", "vea,Anna");
    assert!(
        two.contains("«vea» is not an auditor of this store: did you mean «vera»?")
            && two.contains("«Anna» is not an auditor of this store: did you mean «anna»?")
            && two.contains("name the auditors first: okk db roles --auditor vea --auditor Anna"),
        "{two}"
    );
    // A name like none of them: the names the store knows instead.
    let en = refused(&desk, "en", "dmitry");
    assert!(
        en.contains("«dmitry» is not an auditor of this store: neither one of its users nor the author of a review in it")
            && en.contains("The store knows these reviewers: anna, boris, vera."),
        "{en}"
    );
    let ru = refused(&desk, "ru", "dmitry");
    assert!(
        ru.contains("Проверяющие, известные хранилищу: anna, boris, vera."),
        "{ru}"
    );
    common::assert_same(&before, &desk.digest());
    assert!(
        Store::open(&desk.db)
            .unwrap()
            .calibrations()
            .unwrap()
            .is_empty()
    );
}

/// A store nobody has reviewed in and no roles named: every name is unknown, and the refusal
/// says the store knows no reviewer yet; the command it suggests names the lead too (roles
/// named, only the users named act).
#[test]
fn a_calibration_on_a_store_that_knows_no_reviewer_says_so() {
    let desk = Desk::demo();
    let before = desk.digest();
    let en = refused(&desk, "en", "boris");
    assert!(
        en.contains("The store knows no reviewer yet")
            && en.contains("okk db roles --auditor anna --auditor boris --lead olga"),
        "{en}"
    );
    let ru = refused(&desk, "ru", "boris");
    assert!(ru.contains("Хранилище ещё не знает проверяющих"), "{ru}");
    common::assert_same(&before, &desk.digest());
}

/// The lead's store knows the auditors on laptops of their own by the reviews their bundles
/// brought (no roles named): a calibration for them is drawn.
#[test]
fn auditors_known_by_their_reviews_alone_are_calibrated() {
    let desk = Desk::demo();
    let cards = desk.rows(Table::Cards);
    let card = |i: usize| common::text(&cards[i], "external_id");
    judge(&desk.db, "anna", &card(0), Verdict::Ok);
    judge(&desk.db, "boris", &card(1), Verdict::Dead);
    let out = desk
        .okk()
        .args(["calibrate", "new", "--stage", MET, "--cards", "3"])
        .args(["--auditors", "anna,boris", "--lead", "olga"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(report(&desk)["created_by"], "olga");
}

/// A calibration of «Квалификация» for anna and boris over `cards`, planted as made at 09:00 on
/// 20.11.2026 (its reviews come after).
fn plant_calibration(desk: &Desk, cards: &[&str]) -> String {
    let c = okk::domain::calibration::Calibration {
        id: "5c0ffee0-0000-4000-8000-000000000001".into(),
        stage: "Квалификация".into(),
        seed: 1,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "olga".into(),
        created_at: "2026-11-20 09:00:00".into(),
        end: None,
        cards: cards
            .iter()
            .map(|id| ("amocrm".to_string(), id.to_string()))
            .collect(),
    };
    Store::open(&desk.db).unwrap().save_calibration(&c).unwrap();
    c.id
}

/// A calibration card is judged by each listed auditor on their own: it does not show another
/// auditor's verdict on it (that would be the verdict the lead then finds them agreeing with),
/// where a card outside the calibration that another judged says so (tester36 F2).
#[test]
fn a_calibration_card_keeps_another_auditor_s_verdict_out_of_sight() {
    let desk = Desk::demo();
    let (a, b) = ("31973177", "31969881");
    plant_calibration(&desk, &[a]);
    judge(&desk.db, "boris", a, Verdict::Dead);
    judge(&desk.db, "boris", b, Verdict::Dead);
    let (mut state, mut d) = common::reviewer::open_at_stage(&desk.db, "anna", "Квалификация");
    assert_eq!(
        common::reviewer::shown_card(&state),
        a,
        "the calibration card first"
    );
    assert_eq!(state.card.as_ref().unwrap().others, []);
    common::reviewer::press(&mut state, &mut d, &format!("q/{b}<enter><enter>"));
    assert_eq!(common::reviewer::shown_card(&state), b);
    let others = &state.card.as_ref().unwrap().others;
    assert_eq!(
        (others.iter().map(|o| (o.auditor.as_str(), o.verdict))).collect::<Vec<_>>(),
        [("boris", Verdict::Dead)]
    );
}

/// The demo export as the CRM gives it later, imported: `moved` at «Встреча назначена»,
/// `edited`'s title changed.
fn moved_and_edited(desk: &Desk, moved: &str, edited: &str) {
    let file = common::demo_export_moved(desk, "later.csv", &[(moved, "Встреча назначена")]);
    let mut rows = common::python_csv(&file, ',');
    let title = rows[0].iter().position(|h| h == "Название сделки").unwrap();
    let row = rows.iter_mut().find(|r| r[0] == edited).unwrap();
    row[title].push_str(" (уточнено)");
    let mut w = csv::Writer::from_path(&file).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    desk.import(&[&file]);
}

fn text_report(desk: &Desk, lang: &str) -> String {
    desk.run_ok(&["--lang", lang, "calibrate", "report"])
}

/// tester31 F2, F1, F9: a calibration of «Квалификация» where one card moved to «Встреча
/// назначена» before boris judged it, and another changed in the CRM between anna's review and
/// boris's. Only the like judgements are compared — two cards both called ok, so kappa and alpha
/// have nothing to say («—») — the stage's own items are listed by their text, «unanswered»
/// counts only the judgements made there, and the report names each judgement left out, in
/// either language.
#[test]
fn a_calibration_compares_one_card_at_its_stage_and_says_what_it_leaves_out() {
    let desk = Desk::demo();
    name_team(&desk);
    let (a, b, moved, edited) = ("31973177", "31969881", "31959178", "31957304");
    plant_calibration(&desk, &[a, b, moved, edited]);
    let asked = common::Verdict {
        answers: &[("decision_maker", "pass")],
        ..common::Verdict::of("ok")
    };
    for card in [a, b, moved, edited] {
        desk.review(card, "anna", "2026-11-20 10:00:00", &asked);
    }
    moved_and_edited(&desk, moved, edited);
    desk.review(a, "boris", "2026-11-20 11:00:00", &asked);
    desk.review(b, "boris", "2026-11-20 11:00:00", &asked);
    desk.review(
        moved,
        "boris",
        "2026-11-20 11:00:00",
        &common::Verdict {
            answers: &[("meeting_date_set", "fail"), ("address_sent", "pass")],
            ..common::Verdict::of("stale")
        },
    );
    desk.review(
        edited,
        "boris",
        "2026-11-20 11:00:00",
        &common::Verdict::of("dead"),
    );
    let r = report(&desk)["report"].clone();
    assert_eq!(r["compared"], 2, "{r}");
    assert_eq!(r["percent"], 1.0, "{r}");
    assert_eq!(r["disagreements"], serde_json::json!([]), "{r}");
    assert_eq!(
        r["moved"],
        serde_json::json!([{"source": "amocrm", "id": moved, "stage": "Встреча назначена",
                            "auditors": ["boris"]}])
    );
    assert_eq!(
        r["changed"],
        serde_json::json!([{"source": "amocrm", "id": edited, "auditors": ["anna", "boris"]}])
    );
    let items: Vec<&str> = (r["items"].as_array().unwrap().iter())
        .map(|i| i["item"].as_str().unwrap())
        .collect();
    assert_eq!(
        items,
        [
            "params_filled",
            "payment_method",
            "decision_maker",
            "options_sent",
            "meeting_offered",
            "next_step"
        ]
    );
    let en = text_report(&desk, "en");
    for said in [
        "Cohen's kappa —",
        "anna × boris: 2 cards, agreement 100%, kappa —",
        &format!(
            "#{moved} moved to «Встреча назначена» during the calibration: the verdict of boris \
             there is not compared"
        ),
        &format!(
            "#{edited} changed in the CRM between the auditors' reviews (anna, boris): they did \
             not judge the same card, so it is not compared"
        ),
        "Disagreements: 0",
    ] {
        assert!(en.contains(said), "{said:?} in:\n{en}");
    }
    let ru = text_report(&desk, "ru");
    for said in [
        "по 2 карточкам, оценённым двумя аудиторами и больше, альфа Криппендорфа —, каппа Коэна —",
        &format!(
            "#{moved} перешла в «Встреча назначена» во время калибровки: вердикт boris там не \
             сравнивается"
        ),
        &format!(
            "#{edited} изменилась в CRM между проверками аудиторов (anna, boris): они оценивали \
             не одну и ту же карточку, поэтому она не сравнивается"
        ),
    ] {
        assert!(ru.contains(said), "{said:?} in:\n{ru}");
    }
    // The stage's own items, by their text, none of «Встреча назначена»'s; the 5 judgements made
    // at «Квалификация» of cards judged as one (anna's of the moved card too), each asked every
    // item, and one answered by all of them.
    let row = |text: &str| {
        ru.lines()
            .find(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{text} in:\n{ru}"))
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert!(
        row("Определено, кто принимает решение о покупке").ends_with("100% из 2 — 0"),
        "{ru}"
    );
    assert!(row("Выяснен способ оплаты").ends_with("— — 5"), "{ru}");
    for other in ["meeting_date_set", "address_sent", "Дата и время встречи"] {
        assert!(!ru.contains(other) && !en.contains(other), "{other}: {ru}");
    }
}

/// The demo export as the CRM gives it later, imported: the titles of `ids` end in `note`.
fn edited_in_crm(desk: &Desk, name: &str, ids: &[&str], note: &str) {
    let file = common::demo_export_moved(desk, name, &[]);
    let mut rows = common::python_csv(&file, ',');
    let title = rows[0].iter().position(|h| h == "Название сделки").unwrap();
    for id in ids {
        let row = rows.iter_mut().find(|r| r[0] == *id).unwrap();
        row[title].push_str(note);
    }
    let mut w = csv::Writer::from_path(&file).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    w.flush().unwrap();
    desk.import(&[&file]);
}

/// The ids of the auditor's queue's first cards marked calibration, each with whether it is
/// marked changed since their review.
fn calibration_first(desk: &Desk, auditor: &str) -> Vec<(String, bool)> {
    let args = ["queue", "--stage", "Квалификация", "--auditor", auditor];
    let cards = desk.json_ok(&[&args[..], &["--limit", "100", "--json"]].concat())["cards"]
        .as_array()
        .unwrap()
        .clone();
    (cards.iter())
        .take_while(|c| c["calibration"] == true)
        .map(|c| {
            let changed = c["changed_since_review"].as_bool().unwrap();
            (c["id"].as_str().unwrap().to_string(), changed)
        })
        .collect()
}

/// The report's `again`: (card, auditors asked to judge it again).
fn asked_again(desk: &Desk) -> Vec<(String, Vec<String>)> {
    let r = report(desk)["report"]["again"].clone();
    (r.as_array().unwrap().iter())
        .map(|g| {
            let auditors = g["auditors"].as_array().unwrap().iter();
            let auditors = auditors.map(|a| a.as_str().unwrap().to_string()).collect();
            (g["id"].as_str().unwrap().to_string(), auditors)
        })
        .collect()
}

/// tester32 F3: anna judged the four calibration cards, the CRM changed them, boris judged
/// them as they are now. They are left out of the figures (not one card to both), and anna —
/// whose judgements are of the old cards — has them back first in her queue, marked ◎ and ↻;
/// the report says so per auditor and per card, in either language, until she judges them as
/// they are. Judged alike, a card the CRM changes after asks nothing; judged as two versions
/// it no longer is, it asks both; ended, the calibration asks nothing.
#[test]
fn a_card_changed_between_its_auditors_reviews_goes_back_first_to_who_judged_the_old() {
    let desk = Desk::demo();
    name_team(&desk);
    let cards = ["31973177", "31969881", "31959178", "31957304"];
    plant_calibration(&desk, &cards);
    let asked = common::Verdict {
        answers: &[("decision_maker", "pass")],
        ..common::Verdict::of("ok")
    };
    for card in cards {
        desk.review(card, "anna", "2026-11-20 10:00:00", &asked);
    }
    edited_in_crm(&desk, "later.csv", &cards, " (уточнено)");
    for card in cards {
        desk.review(card, "boris", "2026-11-20 11:00:00", &asked);
    }
    let mut first = calibration_first(&desk, "anna");
    first.sort();
    let mut expected: Vec<(String, bool)> = cards.iter().map(|c| (c.to_string(), true)).collect();
    expected.sort();
    assert_eq!(first, expected, "anna's queue: the four first, ◎ and ↻");
    assert_eq!(calibration_first(&desk, "boris"), [], "his stand");
    let mut again = asked_again(&desk);
    again.sort();
    let anna = vec!["anna".to_string()];
    let mut only_anna: Vec<(String, Vec<String>)> = cards
        .iter()
        .map(|c| (c.to_string(), anna.clone()))
        .collect();
    only_anna.sort();
    assert_eq!(again, only_anna);
    assert_eq!(report(&desk)["report"]["compared"], 0);
    let ru = text_report(&desk, "ru");
    let en = text_report(&desk, "en");
    let said = "anna: оцените заново 4 карточки — они снова первые в вашей очереди";
    assert!(ru.contains(said), "{said:?} in:\n{ru}");
    assert!(!ru.contains("boris: оцените"), "{ru}");
    assert!(
        en.contains("anna: judge 4 cards again — they come first in your queue again"),
        "{en}"
    );
    for card in cards {
        let said = format!(
            "#{card} изменилась в CRM между проверками аудиторов (anna, boris): они оценивали не \
             одну и ту же карточку, поэтому она не сравнивается, пока anna не оценит её заново"
        );
        assert!(ru.contains(&said), "{said:?} in:\n{ru}");
        let said = format!(
            "#{card} changed in the CRM between the auditors' reviews (anna, boris): they did \
             not judge the same card, so it is not compared until anna judges it again"
        );
        assert!(en.contains(&said), "{said:?} in:\n{en}");
    }

    // She judges one as it is now: it is compared, and three are left to her.
    desk.review(cards[0], "anna", "2026-11-20 12:00:00", &asked);
    assert_eq!(calibration_first(&desk, "anna").len(), 3);
    let ru = text_report(&desk, "ru");
    for said in [
        "по 1 карточке, оценённой двумя аудиторами и больше",
        "anna: оцените заново 3 карточки — они снова первые в вашей очереди",
    ] {
        assert!(ru.contains(said), "{said:?} in:\n{ru}");
    }
    let en = text_report(&desk, "en");
    assert!(
        en.contains("over 1 card two auditors") && en.contains("anna × boris: 1 card, agreement"),
        "{en}"
    );
    for card in &cards[1..3] {
        desk.review(card, "anna", "2026-11-20 12:00:00", &asked);
    }
    let ru = text_report(&desk, "ru");
    for said in [
        "по 3 карточкам, оценённым двумя аудиторами и больше",
        "anna: оцените заново 1 карточку — она снова первая в вашей очереди",
    ] {
        assert!(ru.contains(said), "{said:?} in:\n{ru}");
    }
    let en = text_report(&desk, "en");
    assert!(
        en.contains("anna: judge 1 card again — it comes first in your queue again"),
        "{en}"
    );

    // The CRM changes all four again: the three judged alike ask nothing; the fourth, judged as
    // two versions it no longer is, asks both.
    edited_in_crm(&desk, "later2.csv", &cards, " (ещё раз)");
    let both = vec!["anna".to_string(), "boris".to_string()];
    assert_eq!(asked_again(&desk), [(cards[3].to_string(), both)]);
    assert_eq!(
        calibration_first(&desk, "boris"),
        [(cards[3].to_string(), true)]
    );
    let ru = text_report(&desk, "ru");
    assert!(ru.contains("пока anna, boris не оценят её заново"), "{ru}");
    assert!(
        ru.contains("boris: оцените заново 1 карточку — она снова первая в вашей очереди"),
        "{ru}"
    );

    desk.okk()
        .args(["calibrate", "end", "--lead", "olga", "--yes"])
        .assert()
        .success();
    assert_eq!(asked_again(&desk), []);
    assert_eq!(calibration_first(&desk, "anna"), []);
    assert!(!text_report(&desk, "ru").contains("оцените заново"));
}

/// tester32 F6: `okk calibrate report` on an 80-column terminal: every line fits — the
/// checklist table's item texts cut to what its figures leave (no «Без ответа» or count wraps
/// onto a line of its own), the sentences broken at spaces — and at 120 the texts are whole.
#[test]
fn the_calibration_report_fits_an_80_column_terminal_in_either_language() {
    use unicode_width::UnicodeWidthStr;
    let desk = Desk::demo();
    name_team(&desk);
    desk.okk()
        .args([
            "calibrate",
            "new",
            "--stage",
            "Первичный контакт",
            "--cards",
            "3",
        ])
        .args(["--auditors", "anna,boris", "--seed", "3", "--lead", "olga"])
        .assert()
        .success();
    let sample: Vec<String> = Store::open(&desk.db).unwrap().calibrations().unwrap()[0]
        .cards
        .iter()
        .map(|c| c.1.clone())
        .collect();
    let answers = common::Verdict {
        answers: &[("first_call_in_time", "pass"), ("contact_saved", "pass")],
        ..common::Verdict::of("ok")
    };
    let at = chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string();
    for card in &sample {
        desk.review(card, "anna", &at, &answers);
        desk.review(card, "boris", &at, &answers);
    }
    const LONG: &str = "Первый звонок совершён в течение 15 минут после заявки";
    for (lang, unanswered) in [("ru", "Без ответа"), ("en", "Unanswered")] {
        // Off a terminal too the table is 80 columns wide (its sentences are left whole).
        let piped = text_report(&desk, lang);
        let table = (piped.lines())
            .skip_while(|l| !l.contains(unanswered))
            .take_while(|l| l.starts_with("  "));
        let rows: Vec<&str> = table.collect();
        assert!(rows.len() > 3, "{piped}");
        for l in rows {
            assert!(l.width() <= 80, "{} columns: {l:?} in:\n{piped}", l.width());
        }
        let args = desk.okk_args(&["--lang", lang, "calibrate", "report"]);
        let mut term = pty::Spawn::new(&args, 80, 200).start(desk.dir.path());
        term.wait_exit();
        let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
        let lines: Vec<&str> = raw.lines().map(|l| l.trim_end_matches('\r')).collect();
        for l in &lines {
            assert!(l.width() <= 80, "{} columns: {l:?} in:\n{raw}", l.width());
        }
        let header = (lines.iter())
            .find(|l| l.contains(unanswered))
            .unwrap_or_else(|| panic!("the items' header in:\n{raw}"));
        assert!(header.trim_start().starts_with(&lang_item(lang)), "{raw}");
        let row = (lines.iter())
            .find(|l| l.contains("Первый звонок"))
            .unwrap_or_else(|| panic!("the long item in:\n{raw}"));
        assert!(
            row.contains('…') && row.trim_end().ends_with(" 0"),
            "{row:?}"
        );
        // At 120 columns the item is whole.
        let mut term = pty::Spawn::new(&args, 120, 200).start(desk.dir.path());
        term.wait_exit();
        let raw = String::from_utf8_lossy(&term.raw_output()).into_owned();
        assert!(raw.contains(LONG), "{raw}");
        assert!(
            raw.lines().all(|l| l.trim_end_matches('\r').width() <= 120),
            "{raw}"
        );
    }
}

/// The items table's first header, as each language names it.
fn lang_item(lang: &str) -> String {
    match lang {
        "ru" => "Пункт".into(),
        _ => "Item".into(),
    }
}

/// `okk calibrate list --json`: one object per calibration.
fn listed(desk: &Desk) -> Vec<serde_json::Value> {
    desk.run_ok(&["calibrate", "list", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Whether any card of the auditor's queue of the calibration's stage is marked calibration.
fn any_first(desk: &Desk, auditor: &str) -> bool {
    queue(desk, auditor)
        .iter()
        .any(|c| c.get("calibration").is_some())
}

/// A time a day from now, as the store writes it: after any end made now.
fn tomorrow() -> String {
    (chrono::Local::now() + chrono::Duration::days(1))
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// tester31 F3: the lead ends a calibration. An auditor may not (refused in either language,
/// naming who may), nor may anyone off a terminal without `--yes`; the lead's end is recorded
/// with when and who, its cards leave the queues, its report and list say it ended and keep the
/// figures they had, and a second end says so and writes nothing.
#[test]
fn the_lead_ends_a_calibration_its_cards_leave_the_queues_and_its_report_keeps_its_figures() {
    let desk = Desk::demo();
    calibrate(&desk, "7");
    let sample: Vec<String> = Store::open(&desk.db).unwrap().calibrations().unwrap()[0]
        .cards
        .iter()
        .map(|c| c.1.clone())
        .collect();
    judge(&desk.db, "anna", &sample[0], Verdict::Ok);
    judge(&desk.db, "anna", &sample[1], Verdict::Dead);
    assert!(any_first(&desk, "anna") && any_first(&desk, "boris"));
    let before = desk.digest();

    let end = |args: &[&str]| {
        let mut cmd = desk.okk();
        cmd.args(args);
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Refused for who she is, with or without --yes (tester34 F4: off a terminal she was first
    // told to add --yes).
    for args in [
        &["calibrate", "end", "--lead", "anna", "--yes"][..],
        &["calibrate", "end", "--lead", "anna"][..],
    ] {
        let (code, _, err) = end(args);
        assert_eq!(code, Some(1));
        assert!(
            err.contains(
                "anna is an auditor on this store: only a lead ends a calibration (its leads: olga)"
            ),
            "{err}"
        );
    }
    let (code, _, err) = end(&[
        "--lang",
        "ru",
        "calibrate",
        "end",
        "--lead",
        "anna",
        "--yes",
    ]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(
            "anna — аудитор в этом хранилище: калибровку завершает только руководитель \
             (руководители хранилища: olga)"
        ),
        "{err}"
    );
    let (code, _, err) = end(&["calibrate", "end", "--lead", "olga"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("cannot ask here (not a terminal): add --yes"),
        "{err}"
    );
    common::assert_same(&before, &desk.digest());

    let id = listed(&desk)[0]["id"].as_str().unwrap().to_string();
    let short = &id[..8];
    let (code, said, err) = end(&["calibrate", "end", short, "--lead", "olga", "--yes"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        said.contains(&format!("calibration {short} of «{MET}» ended "))
            && said.contains(" by olga; 2 of 10 judgements in."),
        "{said}"
    );
    let r = report(&desk);
    assert_eq!(r["ended_by"], "olga");
    assert!(r["ended_at"].as_str().is_some_and(|t| t.len() == 19), "{r}");
    assert!(!any_first(&desk, "anna") && !any_first(&desk, "boris"));

    // What auditors do after the end leaves its figures as they were.
    desk.review(&sample[2], "boris", &tomorrow(), &common::Verdict::of("ok"));
    desk.review(
        &sample[0],
        "anna",
        &tomorrow(),
        &common::Verdict::of("stale"),
    );
    let after = report(&desk);
    assert_eq!(after["report"], r["report"], "the figures at the end");
    assert_eq!(after["report"]["judged"]["boris"], 0);
    assert_eq!(after["report"]["judged"]["anna"], 2);

    let text = desk.run_ok(&["calibrate", "report"]);
    assert!(
        text.lines().next().unwrap().contains(" · ended ")
            && text.contains("The figures are the reviews as they stood at its end."),
        "{text}"
    );
    let ru = desk.run_ok(&["--lang", "ru", "calibrate", "report"]);
    assert!(
        ru.contains(" · завершена ") && ru.contains("(olga)"),
        "{ru}"
    );

    // Ended once: a second end says so (exit 0) and writes nothing; with no id, the same.
    let now = desk.digest();
    for args in [
        &["calibrate", "end", short, "--lead", "olga", "--yes"][..],
        &["calibrate", "end"][..],
    ] {
        let (code, said, err) = end(args);
        assert_eq!(code, Some(0), "{err}");
        assert!(
            said.contains(&format!(
                "calibration {short} of «{MET}» has ended already (ended "
            )) && said.contains("by olga): nothing changed"),
            "{said}"
        );
    }
    let again = desk.json_ok(&["calibrate", "end", short, "--json"]);
    assert_eq!(
        (again["ended_now"].clone(), again["open"].clone()),
        (false.into(), false.into())
    );
    common::assert_same(&now, &desk.digest());

    let list = listed(&desk);
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["open"], false);
    assert_eq!(list[0]["ended_by"], "olga");
    assert_eq!(list[0]["ended_at"], r["ended_at"]);
    assert_eq!(
        (list[0]["judged"].clone(), list[0]["judgements"].clone()),
        (2.into(), 10.into())
    );
    let text = desk.run_ok(&["calibrate", "list"]);
    assert!(
        text.contains(short) && text.contains("by olga") && text.contains("judged 2 of 10"),
        "{text}"
    );
    let ru = desk.run_ok(&["--lang", "ru", "calibrate", "list"]);
    assert!(ru.contains("завершена") && ru.contains("2 из 10"), "{ru}");
}

/// The end travels in the lead's bundle: an auditor's laptop that imports it sees the
/// calibration ended (its cards no longer first), a bundle made before the end — carrying none
/// — still imports and never takes the end back, and of two ends the earlier stands.
#[test]
fn an_end_travels_in_the_lead_s_bundle_and_an_older_bundle_never_takes_it_back() {
    let lead = Desk::demo();
    calibrate(&lead, "7");
    let open = bundle(&lead, "open.okkb");
    assert!(!std::fs::read_to_string(&open).unwrap().contains("ended_at"));
    lead.run_ok(&["calibrate", "end", "--lead", "olga", "--yes"]);
    let ended = bundle(&lead, "ended.okkb");
    let lead_end = listed(&lead)[0]["ended_at"].clone();

    let anna = Desk::demo();
    trust(&anna, &open, "olga", true);
    import(&anna, &open);
    assert!(any_first(&anna, "anna"));
    let out = anna
        .okk()
        .args(["bundle", "import"])
        .arg(&ended)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        said.contains("1 calibration ended by the lead: its cards no longer come first")
            && said.contains(", ended ")
            && said.contains("by olga"),
        "{said}"
    );
    assert!(!any_first(&anna, "anna"));
    assert_eq!(listed(&anna)[0]["ended_at"], lead_end);
    // The bundle made before the end carries none: it imports, and the end stays.
    import(&anna, &open);
    assert_eq!(listed(&anna)[0]["open"], false);
    assert!(!any_first(&anna, "anna"));

    // boris's laptop ended it later on its own (a lead's end made there): the lead's earlier
    // end stands once it comes, whatever came first.
    let boris = Desk::demo();
    trust(&boris, &open, "olga", true);
    import(&boris, &open);
    let id = listed(&boris)[0]["id"].as_str().unwrap().to_string();
    let later = okk::domain::calibration::Ended {
        at: tomorrow(),
        by: "olga".into(),
    };
    assert!(
        Store::open(&boris.db)
            .unwrap()
            .end_calibration(&id, &later)
            .unwrap()
    );
    import(&boris, &ended);
    assert_eq!(listed(&boris)[0]["ended_at"], lead_end);
    // A laptop that never saw it open takes it ended: its cards never come first.
    let vera = Desk::demo();
    trust(&vera, &ended, "olga", true);
    let out = vera
        .okk()
        .args(["bundle", "import"])
        .arg(&ended)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("1 new calibration"), "{said}");
    assert!(
        !said.contains("come first in its auditors' queues"),
        "{said}"
    );
    assert!(!any_first(&vera, "anna"));
}

/// Only a lead ends a calibration, in bundles too: an auditor who ended one on her own laptop
/// (where no roles are named) signs the end with her key, and the lead's store refuses it,
/// saying why; nothing is merged and the calibration stays open there.
#[test]
fn an_end_signed_by_an_auditor_s_key_is_refused_by_the_lead_s_store() {
    let lead = Desk::demo();
    calibrate(&lead, "7");
    let to_anna = bundle(&lead, "to-anna.okkb");
    let anna = Desk::demo();
    trust(&anna, &to_anna, "olga", true);
    import(&anna, &to_anna);
    anna.run_ok(&["calibrate", "end", "--lead", "anna", "--yes"]);
    let from_anna = anna.dir.path().join("anna.okkb");
    anna.okk()
        .args(["bundle", "export", "--as", "anna", "--out"])
        .arg(&from_anna)
        .assert()
        .success();
    trust(&lead, &from_anna, "anna", false);
    let before = lead.digest();
    let out = lead
        .okk()
        .args(["bundle", "import"])
        .arg(&from_anna)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the end of calibration")
            && err.contains("anna is neither the lead who started it (olga) nor a key this store trusts as a lead's: only a lead ends a calibration; refused"),
        "{err}"
    );
    common::assert_same(&before, &lead.digest());
    assert_eq!(listed(&lead)[0]["open"], true);
}

/// `okk stats --auditors --json`: (calibrated, reference agreement) of `auditor`.
fn agreement_with_the_lead(desk: &Desk, auditor: &str) -> (serde_json::Value, serde_json::Value) {
    let figures = desk.json_ok(&["stats", "--auditors", "--json"]);
    let a = (figures["auditors"].as_array().unwrap().iter())
        .find(|a| a["auditor"] == auditor)
        .unwrap_or_else(|| panic!("{auditor} in {figures}"))
        .clone();
    (a["calibrated"].clone(), a["reference_agreement"].clone())
}

/// Session 29's note on tester31 F3: `okk stats --auditors`' agreement with the lead counted
/// calibration judgements the report leaves out. It compares what the report compares: the
/// card that moved before boris judged it (the lead decided on his review made at the other
/// stage) and the card the CRM changed between the reviews count for neither auditor; the card
/// both judged alike counts for both.
#[test]
fn agreement_with_the_lead_counts_only_what_the_calibration_report_compares() {
    let desk = Desk::demo();
    name_team(&desk);
    let (a, moved, edited) = ("31973177", "31959178", "31957304");
    plant_calibration(&desk, &[a, moved, edited]);
    let ok = common::Verdict::of("ok");
    let mut anna = Vec::new();
    for card in [a, moved, edited] {
        anna.push(desk.review(card, "anna", "2026-11-20 10:00:00", &ok));
    }
    moved_and_edited(&desk, moved, edited);
    let boris_a = desk.review(a, "boris", "2026-11-20 11:00:00", &ok);
    let boris_moved = desk.review(
        moved,
        "boris",
        "2026-11-20 11:00:00",
        &common::Verdict::of("stale"),
    );
    let boris_edited = desk.review(
        edited,
        "boris",
        "2026-11-20 11:00:00",
        &common::Verdict::of("dead"),
    );
    for review in [&anna[0], &boris_moved, &boris_edited] {
        desk.decide(
            review,
            "olga",
            "accept",
            (None, None, None),
            "2026-11-20 12:00:00",
        );
    }
    let _ = boris_a;
    // Counted before: anna 1 of 3 (a; moved ok against the lead's stale; edited ok against
    // dead), boris 3 of 3.
    assert_eq!(
        agreement_with_the_lead(&desk, "anna"),
        (1.into(), 1.0.into())
    );
    assert_eq!(
        agreement_with_the_lead(&desk, "boris"),
        (1.into(), 1.0.into())
    );
}
