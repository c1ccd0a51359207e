//! The desk imports a fresh export every morning: an unchanged export changes nothing, a changed
//! one updates just what moved (keeping the stage history), cards that left a full export are
//! marked gone but never deleted, and their reviews stay with them.

mod common;

use common::{Desk, Table, Verdict, assert_same, fixture, json_col, salesforce, text};
use serde_json::{Value as Json, json};

/// (inserted, updated, unchanged, gone) of a report.
fn tally(r: &Json) -> (u64, u64, u64, u64) {
    let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("no {k} in {r}"));
    (n("inserted"), n("updated"), n("unchanged"), n("gone"))
}

// ---- re-import idempotence --------------------------------------------------------------------

#[test]
fn reimporting_the_same_export_changes_nothing() {
    let desk = Desk::new();
    let first = desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(tally(&first), (5, 0, 0, 0));
    let before = desk.digest();

    let again = desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(tally(&again), (0, 0, 5, 0));
    assert_eq!(again["stage_changes"], 0);

    let mut after = desk.digest();
    let mut before = before;
    // Only the new batch's own row differs.
    assert_eq!(after["import_batches"].len(), 2);
    before.remove("import_batches");
    after.remove("import_batches");
    assert_same(&before, &after);
}

#[test]
fn reimporting_any_shipped_profile_export_changes_nothing() {
    let files = [
        (fixture("amocrm_cp1251.csv"), vec![]),
        (fixture("amocrm_koi8r.csv"), vec![]),
        (fixture("amocrm_utf16le.csv"), vec![]),
        (fixture("bitrix24_deals.csv"), vec![]),
        (
            fixture("hubspot-crm-exports-all-deals-2026-11-20.csv"),
            vec![],
        ),
        (fixture("pipedrive_deals.csv"), vec![]),
        (fixture("amocrm_two_sheets.xlsx"), vec![]),
        (salesforce("Opportunity.csv"), vec![]),
        (
            salesforce("Lead.csv"),
            vec![
                "--map",
                "external_id=Id,stage=Status,title=Company,owner=OwnerId",
            ],
        ),
    ];
    for (file, extra) in &files {
        let desk = Desk::new();
        let mut args: Vec<&str> = extra.clone();
        args.push(file);
        let first = desk.import_one(&args);
        let cards = first["cards"].as_u64().unwrap();
        let mut before = desk.digest();
        let again = desk.import_one(&args);
        assert_eq!(tally(&again), (0, 0, cards, 0), "{file}");
        let mut after = desk.digest();
        before.remove("import_batches");
        after.remove("import_batches");
        assert_same(&before, &after);
    }
}

#[test]
fn the_same_deals_with_columns_in_another_order_change_nothing() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("resync/v1.csv")]);
    let mut before = desk.digest();
    let r = desk.import_one(&[&fixture("resync/v1_columns_reordered.csv")]);
    assert_eq!(tally(&r), (0, 0, 5, 0));
    let mut after = desk.digest();
    before.remove("import_batches");
    after.remove("import_batches");
    assert_same(&before, &after);
}

#[test]
fn reimporting_a_file_with_a_bad_date_reports_the_same_warning() {
    let desk = Desk::new();
    let first = desk.import_one(&[&fixture("amocrm_bad_date.csv")]);
    assert_eq!(first["warnings"], 1);
    let again = desk.import_one(&[&fixture("amocrm_bad_date.csv")]);
    assert_eq!(tally(&again), (0, 0, 3, 0));
    assert_eq!(again["warnings"], 1);
    assert_eq!(again["warning_samples"], first["warning_samples"]);
}

// ---- change detection and stage history -------------------------------------------------------

#[test]
fn second_export_reports_moved_edited_vanished_and_new_cards() {
    let desk = Desk::new();
    assert_eq!(
        tally(&desk.import_one(&[&fixture("resync/v1.csv")])),
        (5, 0, 0, 0)
    );
    let r = desk.import_one(&[&fixture("resync/v2.csv")]);
    // 4006 new; 4002 moved and 4003 edited; 4001 and 4005 as they were; 4004 gone.
    assert_eq!(tally(&r), (1, 2, 2, 1));
    assert_eq!(r["stage_changes"], 1);
    assert_eq!(
        (r["rows"].as_u64(), r["cards"].as_u64()),
        (Some(5), Some(5))
    );

    assert_eq!(desk.history("4002"), ["Первичный контакт", "Квалификация"]);
    assert_eq!(desk.card("4002")["stage"], "Квалификация");
    // The move wrote the card's first visit (its row said it until then) and the new one, each
    // at its own batch's time.
    let history_of = |external_id: &str| {
        let card_id = desk.card(external_id)["id"].clone();
        let mut visits = desk.rows(Table::StageHistory);
        visits.retain(|h| h["card_id"] == card_id);
        visits.sort_by_key(|h| h["batch_id"].as_i64());
        visits
    };
    let batches = desk.rows(Table::ImportBatches);
    let started = |batch: &Json| {
        let b = batches
            .iter()
            .find(|b| b["id"] == *batch)
            .expect("its batch");
        b["started_at"].clone()
    };
    let rows: Vec<(i64, String, String)> = history_of("4002")
        .iter()
        .map(|h| {
            let at_batch_time = h["seen_at"] == started(&h["batch_id"]);
            (
                h["batch_id"].as_i64().unwrap(),
                text(h, "stage"),
                at_batch_time.to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (1, "Первичный контакт".to_string(), "true".to_string()),
            (2, "Квалификация".to_string(), "true".to_string())
        ]
    );
    assert_eq!(
        history_of("4003").len() + history_of("4006").len(),
        0,
        "cards that never moved have no history rows"
    );
    assert_eq!(desk.history("4003"), ["Квалификация"]);
    assert_eq!(
        json_col(&desk.card("4003"), "notes"),
        json!(["Планировки отправлены"])
    );
    assert_eq!(desk.history("4006"), ["Первичный контакт"]);

    // The vanished card is kept, marked gone by the second batch.
    let gone = desk.card("4004");
    assert!(gone["gone_at"].is_string(), "{gone:?}");
    let batch2 = batches.last().expect("two batches")["id"].as_i64().unwrap();
    assert_eq!(gone["gone_batch"], batch2);
    assert_eq!(gone["stage"], "Встреча назначена");
    assert_eq!(desk.rows(Table::Cards).len(), 6);

    // Unchanged and edited cards keep their place; only 4002/4003 changed in batch 2.
    assert_eq!(desk.card("4001")["changed_batch"], 1);
    assert_eq!(desk.card("4003")["changed_batch"], batch2);

    let met = desk.stats_row("Встреча назначена");
    assert_eq!((&met["cards"], &met["gone"]), (&json!(0), &json!(1)));
    let first = desk.stats_row("Первичный контакт");
    assert_eq!((&first["cards"], &first["gone"]), (&json!(2), &json!(0)));
    let qual = desk.stats_row("Квалификация");
    assert_eq!((&qual["cards"], &qual["gone"]), (&json!(2), &json!(0)));
    let total: u64 = desk.stats()["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["cards"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 5, "a gone card is not counted among the cards");
}

#[test]
fn a_vanished_card_that_comes_back_is_no_longer_gone() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("resync/v1.csv")]);
    desk.import_one(&[&fixture("resync/v2.csv")]);
    assert!(desk.card("4004")["gone_at"].is_string());

    let r = desk.import_one(&[&fixture("resync/v3.csv")]);
    assert_eq!(tally(&r), (0, 1, 5, 0));
    let back = desk.card("4004");
    assert_eq!(back["gone_at"], json!(null));
    assert_eq!(back["gone_batch"], json!(null));
    let met = desk.stats_row("Встреча назначена");
    assert_eq!((&met["cards"], &met["gone"]), (&json!(1), &json!(0)));
}

#[test]
fn a_card_missing_from_an_otherwise_unchanged_export_is_gone() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("resync/v1.csv")]);
    // Yesterday's export without 4004, nothing else changed: the deal was deleted in the CRM.
    let r = desk.import_one(&[&fixture("resync/v1_without_4004.csv")]);
    assert_eq!(tally(&r), (0, 0, 4, 1));
    assert!(desk.card("4004")["gone_at"].is_string());
    let met = desk.stats_row("Встреча назначена");
    assert_eq!((&met["cards"], &met["gone"]), (&json!(0), &json!(1)));
}

#[test]
fn partial_export_does_not_mark_missing_cards_gone() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("resync/v1.csv")]);
    let r = desk.import_one(&["--partial", &fixture("resync/v2.csv")]);
    assert_eq!(tally(&r), (1, 2, 2, 0));
    assert_eq!(desk.card("4004")["gone_at"], json!(null));
    let batches = desk.rows(Table::ImportBatches);
    assert_eq!(batches.last().expect("a batch")["partial"], 1);
    let met = desk.stats_row("Встреча назначена");
    assert_eq!((&met["cards"], &met["gone"]), (&json!(1), &json!(0)));
}

#[test]
fn full_export_of_one_pipeline_leaves_other_pipelines_alone() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("resync/two_pipelines.csv")]);
    assert_eq!(tally(&r), (4, 0, 0, 0));
    let r = desk.import_one(&[&fixture("resync/pipeline_a_only.csv")]);
    assert_eq!(tally(&r), (0, 0, 1, 1));
    assert!(desk.card("4102")["gone_at"].is_string());
    for id in ["4101", "4201", "4202"] {
        assert_eq!(desk.card(id)["gone_at"], json!(null), "card {id}");
    }
}

// ---- reviews survive -------------------------------------------------------------------------

#[test]
fn a_gone_card_keeps_its_reviews() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("resync/v1.csv")]);
    let card_id = desk.card("4004")["id"].as_i64().unwrap();
    let review = desk.review(
        "4004",
        "Аудитор",
        "2026-11-20 12:00:00",
        &Verdict {
            comment: "Встреча не подтверждена",
            ..Verdict::of("stale")
        },
    );
    let reviews_of = |desk: &Desk| {
        let mut reviews = desk.rows(Table::Reviews);
        reviews.retain(|r| r["id"] == review.as_str());
        reviews
    };

    let r = desk.import_one(&[&fixture("resync/v2.csv")]);
    assert_eq!(r["gone"], 1);
    let still = reviews_of(&desk);
    assert_eq!(still.len(), 1);
    assert_eq!(
        (&still[0]["card_id"], &still[0]["verdict"]),
        (&json!(card_id), &json!("stale"))
    );
    let card = desk.card("4004");
    assert_eq!(card["id"], card_id);
    assert!(card["gone_at"].is_string());

    // And when the card comes back it is the same card, with the same review.
    desk.import_one(&[&fixture("resync/v3.csv")]);
    assert_eq!(desk.card("4004")["id"], card_id);
    assert_eq!(
        desk.rows_where(Table::Reviews, |r| r["card_id"] == card_id),
        1
    );
}

// ---- a stage the CRM renamed -------------------------------------------------------------------

const RENAME_HEADER: &str =
    "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Примечание,Этап сделки,Воронка";

/// An amoCRM export of (id, note, stage) rows, written into the desk's folder; its path.
fn export_of(desk: &Desk, name: &str, deals: &[(&str, &str, &str)]) -> String {
    let mut text = format!("{RENAME_HEADER}\n");
    for (id, note, stage) in deals {
        text.push_str(&format!(
            "{id},Сделка {id},5000000,Смирнова Ольга,01.11.2026 10:00:00,{note},{stage},Продажи недвижимости\n"
        ));
    }
    let path = desk.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// `card_changed` of each review in `okk export reviews`, by the card's external id.
fn changed_since_review(desk: &Desk) -> Vec<(String, String)> {
    let out = desk.dir.path().join("reviews.csv");
    desk.run_ok(&[
        "export",
        "reviews",
        "--force",
        "--out",
        out.to_str().unwrap(),
    ]);
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, changed) = (at("external_id"), at("card_changed"));
    let mut rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[id].to_string(), r[changed].to_string())
        })
        .collect();
    rows.sort();
    rows
}

/// The CRM renamed «Встреча проведена» to «Встреча состоялась», a name the funnel has for the
/// same stage: its cards did not move and did not change for their reviews, and the next import
/// of the same export changes nothing. A card that really moved still moved, and one renamed and
/// edited changed without moving — and is at a renamed stage too: `stage_renames` counts every
/// card at one (tester27 counted 1 of 3), `stage_changes` only the moves.
#[test]
fn a_stage_the_crm_renamed_to_a_name_the_funnel_knows_is_no_move_and_no_change() {
    let desk = Desk::new();
    let v1 = export_of(
        &desk,
        "v1.csv",
        &[
            ("5001", "Встреча прошла", "Встреча проведена"),
            ("5002", "Встреча прошла", "Встреча проведена"),
            ("5003", "Встреча в субботу", "Встреча назначена"),
            ("5004", "Бронь до 25.11", "Бронирование"),
        ],
    );
    desk.import_one(&[&v1]);
    for id in ["5001", "5002"] {
        desk.review(id, "anna", "2026-11-20 12:00:00", &Verdict::of("ok"));
    }
    let renamed = [
        ("5001", "Встреча прошла", "Встреча состоялась"),
        ("5002", "Клиент думает", "Встреча состоялась"),
        ("5003", "Встреча в субботу", "Встреча проведена"),
        ("5004", "Бронь до 25.11", "Бронирование"),
    ];
    let v2 = export_of(&desk, "v2.csv", &renamed);
    let r = desk.import_one(&[&v2]);
    assert_eq!(tally(&r), (0, 3, 1, 0), "{r}");
    assert_eq!(
        (&r["stage_changes"], &r["stage_renames"]),
        (&json!(1), &json!(2))
    );

    // The renamed card carries the CRM's new name, with no visit to it.
    assert_eq!(desk.card("5001")["stage"], "Встреча состоялась");
    assert_eq!(desk.history("5001"), ["Встреча состоялась"]);
    assert_eq!(desk.card("5001")["changed_batch"], 1);
    assert_eq!(desk.history("5002"), ["Встреча состоялась"]);
    assert_eq!(
        desk.history("5003"),
        ["Встреча назначена", "Встреча проведена"]
    );
    assert_eq!(desk.stats_row("Встреча проведена")["cards"], 3);
    assert_eq!(
        changed_since_review(&desk),
        [("5001".into(), "no".into()), ("5002".into(), "yes".into())]
    );

    // The same export again: nothing to write.
    let again = desk.import_one(&[&v2]);
    assert_eq!(tally(&again), (0, 0, 4, 0), "{again}");
    // Back to the old name, and another after that: still the card its review saw…
    for (n, name) in ["Встреча проведена", "Проведена встреча"]
        .iter()
        .enumerate()
    {
        let file = format!("v3_{n}.csv");
        let v3 = export_of(&desk, &file, &[("5001", "Встреча прошла", name)]);
        let r = desk.import_one(&["--partial", &v3]);
        assert_eq!((&r["updated"], &r["stage_renames"]), (&json!(1), &json!(1)));
        assert_eq!(changed_since_review(&desk)[0], ("5001".into(), "no".into()));
    }
    // …until the CRM changes something else on it.
    let v4 = export_of(
        &desk,
        "v4.csv",
        &[("5001", "Клиент думает", "Проведена встреча")],
    );
    let r = desk.import_one(&["--partial", &v4]);
    assert_eq!(
        (&r["updated"], &r["stage_changes"], &r["stage_renames"]),
        (&json!(1), &json!(0), &json!(0)),
        "the name it had already: no rename"
    );
    assert_eq!(
        changed_since_review(&desk)[0],
        ("5001".into(), "yes".into())
    );
    assert_eq!(desk.history("5001"), ["Проведена встреча"]);
}

/// The CRM renamed «Встреча проведена» to «Встреча прошла», a name the funnel does not know:
/// the dry run says it is probably a rename, how many reviewed cards an import would send back,
/// and to add the alias first; the import says the same after the fact. A move to a known stage,
/// or a stage whose cards mostly stayed, is no rename.
#[test]
fn a_stage_the_crm_renamed_to_a_name_the_funnel_lacks_is_said_to_be_a_probable_rename() {
    let desk = Desk::new();
    let deals = |stage: &'static str| {
        vec![
            ("5001", "Встреча прошла", stage),
            ("5002", "Встреча прошла", stage),
            ("5003", "Встреча прошла", stage),
            ("5004", "Встреча прошла", stage),
            ("5005", "Встреча в субботу", "Встреча назначена"),
        ]
    };
    let v1 = export_of(&desk, "v1.csv", &deals("Встреча проведена"));
    desk.import_one(&[&v1]);
    // As the reviewer keeps them: with the card as judged.
    let ok = Verdict {
        keeps_card: true,
        ..Verdict::of("ok")
    };
    for id in ["5001", "5002"] {
        desk.review(id, "anna", "2026-11-20 12:00:00", &ok);
    }
    let v2 = export_of(&desk, "v2.csv", &deals("Встреча прошла"));

    let dry = desk.import_one(&["--dry-run", &v2]);
    assert_eq!(
        dry["probable_renames"],
        json!([{"from": "Встреча проведена", "to": "Встреча прошла",
                "cards": 4, "held": 4, "reviewed": 2}]),
        "{dry}"
    );
    let said = common::succeeded(
        desk.okk()
            .args(["--lang", "ru", "import", "--dry-run"])
            .arg(&v2),
    );
    assert!(
        said.contains(
            "похоже, CRM переименовала этап «Встреча проведена» в «Встреча прошла»: там теперь 4 из 4 прочитанных карточек этапа «Встреча проведена»"
        ) && said.contains("Сначала добавьте «Встреча прошла» в псевдонимы (aliases) этапа «Встреча проведена»")
            && said.contains("если сначала импортировать, 2 проверенные карточки вернутся аудиторам"),
        "{said}"
    );

    let r = desk.import_one(&[&v2]);
    assert_eq!(r["probable_renames"][0]["reviewed"], 2, "{r}");
    assert_eq!(
        changed_since_review(&desk),
        [("5001".into(), "yes".into()), ("5002".into(), "yes".into())],
        "imported before the alias: the reviews went back"
    );
    // Read again, nothing moves: nothing to say.
    let again = desk.import_one(&[&v2]);
    assert!(again.get("probable_renames").is_none(), "{again}");

    // The alias added after the import: the next command's rules run gives the cards whose only
    // change was the stage's name back to their reviews, and the same export again changes
    // nothing (the card 5003, reviewed by no one, was never "changed since review").
    let text = std::fs::read_to_string(common::funnel_path())
        .unwrap()
        .replace(
            "aliases = [\"Встреча состоялась\", \"Проведена встреча\"]",
            "aliases = [\"Встреча состоялась\", \"Проведена встреча\", \"Встреча прошла\"]",
        );
    let v2_funnel = desk.dir.path().join("funnel-v2.toml");
    std::fs::write(&v2_funnel, text).unwrap();
    let out = desk
        .okk_funnel(&v2_funnel)
        .args(["--lang", "ru", "stats"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success()
            && err.contains("у 2 проверенных карточек сменилось только название этапа"),
        "{err}"
    );
    assert_eq!(
        changed_since_review(&desk),
        [("5001".into(), "no".into()), ("5002".into(), "no".into())]
    );
    // A store left as an older okk left it (the alias there, the rules run for it, the cards
    // still "changed"): mended by the next command all the same, though the rules need no run.
    desk.okk_funnel(&v2_funnel).arg("stats").output().unwrap();
    for id in ["5001", "5002"] {
        // The export's digest as the card's own again: "changed since review".
        let export = desk.card(id)["export_digest"].as_i64().unwrap().to_string();
        desk.plant_card(id, "content_hash", &export);
    }
    // An older okk kept no mark of the funnel it gave renamed cards back for.
    desk.forget_meta(okk::store::reattach::RENAMES_CHECKED_FOR);
    let out = desk.okk_funnel(&v2_funnel).arg("stats").output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("2 reviewed cards changed only"),
        "{out:?}"
    );
    assert_eq!(
        changed_since_review(&desk),
        [("5001".into(), "no".into()), ("5002".into(), "no".into())]
    );
    let out = desk
        .okk_funnel(&v2_funnel)
        .args(["import", "--json", &v2])
        .output()
        .unwrap();
    let r: Json = serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    assert_eq!(tally(&r), (0, 0, 5, 0), "{r}");
    assert_eq!(desk.stats_row("Встреча проведена")["cards"], 0);

    // Half the stage moved, or the cards went to a stage the funnel knows: no rename.
    let desk = Desk::new();
    desk.import_one(&[&v1]);
    let mut half = deals("Встреча проведена");
    half[0].2 = "Встреча прошла";
    half[1].2 = "Встреча прошла";
    let half = export_of(&desk, "half.csv", &half);
    assert!(
        desk.import_one(&["--dry-run", &half])
            .get("probable_renames")
            .is_none()
    );
    let known = export_of(&desk, "known.csv", &deals("Бронирование"));
    assert!(
        desk.import_one(&["--dry-run", &known])
            .get("probable_renames")
            .is_none()
    );
}

/// Bitrix24's product rows make one card: a deal whose stage the CRM renamed on every row is
/// renamed, not moved or changed.
#[test]
fn a_bitrix24_deal_of_many_rows_whose_stage_was_renamed_is_renamed() {
    let desk = Desk::new();
    let text = std::fs::read_to_string(fixture("bitrix24_deals.csv")).unwrap();
    // Deal 501's three product rows, at two names the funnel has for «Договор».
    let at = |stage: &str, name: &str| {
        let path = desk.dir.path().join(name);
        let quoted = format!("\"{stage}\"");
        std::fs::write(&path, text.replace("\"Подготовка документов\"", &quoted)).unwrap();
        path.to_str().unwrap().to_string()
    };
    assert_eq!(text.matches("\"Подготовка документов\"").count(), 3);
    desk.import_one(&[&at("Подписание договора", "v1.csv")]);
    let renamed = at("Оформление договора", "v2.csv");
    let r = desk.import_one(&[&renamed]);
    assert_eq!(tally(&r).1, 1, "{r}");
    assert_eq!(
        (&r["stage_changes"], &r["stage_renames"]),
        (&json!(0), &json!(1)),
        "{r}"
    );
    assert_eq!(desk.history("501"), ["Оформление договора"]);
    let again = desk.import_one(&[&renamed]);
    assert_eq!(again["updated"], 0, "{again}");
}

// ---- dry run ---------------------------------------------------------------------------------

#[test]
fn dry_run_reports_the_counts_and_writes_nothing() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("resync/v1.csv")]);
    let before = desk.digest();

    let dry = desk.import_one(&["--dry-run", &fixture("resync/v2.csv")]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(tally(&dry), (1, 2, 2, 1));
    assert_eq!(dry["stage_changes"], 1);
    assert_same(&before, &desk.digest());

    // The real run then reports exactly what the dry run promised.
    let real = desk.import_one(&[&fixture("resync/v2.csv")]);
    assert_eq!(real["dry_run"], false);
    assert_eq!(tally(&real), tally(&dry));
}

#[test]
fn dry_run_on_a_fresh_store_counts_every_card_as_new() {
    let desk = Desk::new();
    // Create the (empty) store first, then make sure a dry run leaves it empty.
    desk.empty_store();
    let before = desk.digest();
    let dry = desk.import_one(&["--dry-run", &salesforce("Opportunity.csv")]);
    assert_eq!(tally(&dry), (50, 0, 0, 0));
    assert_same(&before, &desk.digest());
    assert_eq!(desk.rows(Table::Cards).len(), 0);
}

/// A dry run says the stages the funnel lacks as the import would leave the store: the cards
/// of the source there once the file is in, as the real run then says — never «(0)» cards
/// (tester27), and never the file's rows alone where the import would write cards.
#[test]
fn a_dry_run_says_the_file_s_cards_at_unknown_stages_not_zero_cards() {
    let desk = Desk::new();
    desk.empty_store();
    let opportunities = salesforce("Opportunity.csv");
    let run = |dry: bool| {
        let mut cmd = desk.okk();
        cmd.arg("import");
        if dry {
            cmd.arg("--dry-run");
        }
        let out = cmd.arg(&opportunities).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    let dry = run(true);
    assert!(!dry.contains("(0)"), "{dry}");
    assert!(
        dry.contains("cards of «salesforce»: «Discovery» (9), «Negotiation» (9)"),
        "{dry}"
    );
    assert!(!dry.contains("file rows at stages"), "{dry}");
    let real = run(false);
    assert!(
        real.contains("cards of «salesforce»: «Discovery» (9), «Negotiation» (9)"),
        "{real}"
    );
    assert!(!real.contains("file rows at stages"), "{real}");
}

/// The week the CRM moved every card out of a stage the funnel no longer has (tester37 F9):
/// the dry run reports the stage as the import would leave it — empty, so not at all — where
/// it warned of the cards the store held there before the file.
#[test]
fn a_dry_run_does_not_warn_of_a_stage_the_file_empties() {
    let desk = Desk::new();
    let deals = |stage: &'static str| -> Vec<(&'static str, &'static str, &'static str)> {
        vec![
            ("7001", "02.11.2026 10:00:00", stage),
            ("7002", "02.11.2026 11:00:00", stage),
        ]
    };
    let before = edited_export(&desk, "w1.csv", true, &deals("Старая бронь"));
    let r = desk.import_one(&["--today", "2026-11-02", &before]);
    assert_eq!(r["unknown_stages"][0]["cards"], 2, "{r}");
    let mut after = deals("Квалификация");
    after[0].1 = "08.11.2026 10:00:00";
    after[1].1 = "08.11.2026 11:00:00";
    let moved = edited_export(&desk, "w2.csv", true, &after);
    let dry = desk.import_one(&["--today", "2026-11-09", "--dry-run", &moved]);
    assert_eq!(dry["stage_changes"], 2);
    assert_eq!(dry["unknown_stages"], json!([]), "{dry}");
    let real = desk.import_one(&["--today", "2026-11-09", &moved]);
    assert_eq!(real["unknown_stages"], dry["unknown_stages"]);
}

// ---- another object under the same source ------------------------------------------------------

/// Cards of `desk`'s store marked gone.
fn gone_cards(desk: &Desk) -> usize {
    desk.rows_where(Table::Cards, |c| c["gone_at"].is_string())
}

/// Salesforce Leads after Opportunities, both under the source `salesforce` (docs/import.md's
/// own `okk import Lead.csv --map stage=Status`): the Lead file holds none of the 50
/// Opportunities, so it is no export of them, and none of them is marked gone. The report says
/// why, and how to keep the two apart; a dry run says the same.
#[test]
fn leads_after_opportunities_mark_no_opportunity_gone_and_say_why() {
    let desk = Desk::new();
    assert_eq!(
        tally(&desk.import_one(&[&salesforce("Opportunity.csv")])),
        (50, 0, 0, 0)
    );
    let leads = salesforce("Lead.csv");
    let dry = desk.import_one(&["--dry-run", "--map", "stage=Status", &leads]);
    // In the human report: shown first, without a line number.
    let out = desk
        .okk()
        .args(["import", "--dry-run", "--map", "stage=Status", &leads])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("  warnings  1\n    the file holds none of the 50 cards"),
        "{text}"
    );
    let real = desk.import_one(&["--map", "stage=Status", &leads]);
    for r in [&dry, &real] {
        assert_eq!(tally(r), (60, 0, 0, 0), "{r}");
        assert_eq!(r["warnings"], 1, "{r}");
        let w = &r["warning_samples"][0];
        // A warning about the file as a whole: no line, no column.
        assert_eq!((&w["line"], &w["column"]), (&json!(0), &json!("")), "{w}");
        let m = w["message"].as_str().unwrap();
        for says in [
            "none of the 50 cards",
            "«salesforce»",
            "--source",
            "--partial",
        ] {
            assert!(m.contains(says), "{says:?} in {m}");
        }
    }
    assert_eq!(gone_cards(&desk), 0);
    let batch = desk.rows(Table::ImportBatches).pop().expect("a batch");
    assert_eq!((&batch["gone"], &batch["warnings"]), (&json!(0), &json!(1)));

    // Kept apart as the warning says: nothing to warn about.
    let apart = desk.import_one(&["--map", "stage=Status", "--source", "sf-leads", &leads]);
    assert_eq!(
        (tally(&apart), &apart["warnings"]),
        ((60, 0, 0, 0), &json!(0))
    );
}

/// A full re-export that shares one card with the store is an export of the same cards: the
/// ones it no longer holds are gone, however many.
#[test]
fn a_full_export_sharing_one_card_marks_every_other_card_gone() {
    let desk = Desk::new();
    desk.import_one(&[&salesforce("Opportunity.csv")]);
    let all = std::fs::read_to_string(salesforce("Opportunity.csv")).unwrap();
    let one: Vec<&str> = all.lines().take(2).collect();
    let file = desk.dir.path().join("one_opportunity.csv");
    std::fs::write(&file, one.join("\n") + "\n").unwrap();
    let r = desk.import_one(&[file.to_str().unwrap()]);
    assert_eq!((tally(&r), &r["warnings"]), ((0, 0, 1, 49), &json!(0)));
    assert_eq!(gone_cards(&desk), 49);
}

/// An export with its header and no rows (a CRM filter that matched nothing) imports nothing and
/// marks nothing gone — with a pipeline column (amoCRM) or without one (Salesforce) — and says
/// so in a warning about the file, in either language, where it used to pass in silence.
#[test]
fn a_header_only_export_marks_nothing_gone_and_says_it_holds_no_rows() {
    for (full, cards, source) in [
        (fixture("amocrm_utf8_bom.csv"), 5, "amocrm"),
        (salesforce("Opportunity.csv"), 50, "salesforce"),
    ] {
        let desk = Desk::new();
        desk.import_one(&[&full]);
        let all = std::fs::read_to_string(&full).unwrap();
        let header = desk.dir.path().join("header_only.csv");
        std::fs::write(&header, format!("{}\n", all.lines().next().unwrap())).unwrap();
        let header = header.to_str().unwrap();
        for args in [vec!["--dry-run", header], vec![header]] {
            let r = desk.import_one(&args);
            assert_eq!(r["profile"], source);
            assert_eq!((r["rows"].as_u64(), tally(&r)), (Some(0), (0, 0, 0, 0)));
            assert_eq!(r["warnings"], 1, "{r}");
            let w = &r["warning_samples"][0];
            assert_eq!((&w["line"], &w["column"]), (&json!(0), &json!("")), "{w}");
            let m = w["message"].as_str().unwrap();
            for says in ["no rows", &format!("«{source}»"), "marked gone", "filter"] {
                assert!(m.contains(says), "{says:?} in {m}");
            }
        }
        assert_eq!(gone_cards(&desk), 0, "{source}");
        assert_eq!(desk.rows(Table::Cards).len(), cards, "{source}");
        let out = desk
            .okk()
            .env("OKK_LANG", "ru")
            .args(["import", header])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains(&format!(
                "  предупреждений 1\n    в файле есть заголовок, но нет ни одной строки: ни одна \
                 карточка не импортирована, и ни одна карточка источника «{source}» не отмечена \
                 как «нет в CRM»"
            )),
            "{text}"
        );
        assert_eq!(gone_cards(&desk), 0, "{source}");
    }
}

// ---- a field fed by two columns --------------------------------------------------------------

/// Fields that several columns feed: the card's phone («Рабочий телефон», «Мобильный
/// телефон» in amoCRM's profile), its notes («Примечание», «Примечание 2»), and the funnel's
/// «Дата встречи в офисе продаж» with its alias «Дата встречи». An export that carried each
/// twice with one value, then one that dropped one of the two columns while the other still
/// carries the value, says nothing new of the card: the re-import counts it unchanged, and the
/// review made in between still stands. A value that really changed is a change.
#[test]
fn a_field_fed_by_two_columns_that_loses_one_of_them_is_no_change_of_the_card() {
    let desk = Desk::new();
    let file = |name: &str, header: &str, rows: &[String]| {
        let path = desk.dir.path().join(name);
        std::fs::write(&path, format!("{header}\n{}", rows.concat())).unwrap();
        path.to_str().unwrap().to_string()
    };
    let base = "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Этап сделки,\
                Рабочий телефон,Примечание,Дата встречи в офисе продаж";
    let row = |id: &str, extra: &str| {
        format!(
            "{id},Сделка {id},5000000,Смирнова Ольга,01.11.2026 10:00:00,Встреча проведена,\
             +79001234567,Клиент думает,15.11.2026{extra}\n"
        )
    };
    let twice = ",+79001234567,Клиент думает,15.11.2026";
    let both = file(
        "both.csv",
        &format!("{base},Мобильный телефон,Примечание 2,Дата встречи"),
        &[row("6001", twice), row("6002", twice)],
    );
    assert_eq!(tally(&desk.import_one(&[&both])), (2, 0, 0, 0));
    desk.review("6001", "anna", "2026-11-20 12:00:00", &Verdict::of("ok"));
    let one = file("one.csv", base, &[row("6001", ""), row("6002", "")]);
    let r = desk.import_one(&[&one]);
    assert_eq!(tally(&r), (0, 0, 2, 0), "{r}");
    assert_eq!(changed_since_review(&desk), [("6001".into(), "no".into())]);
    // Again: still nothing.
    assert_eq!(tally(&desk.import_one(&[&one])), (0, 0, 2, 0));
    // Another phone is a change.
    let edited = file(
        "edited.csv",
        base,
        &[row("6001", "").replace("+79001234567", "+79007654321")],
    );
    let r = desk.import_one(&["--partial", &edited]);
    assert_eq!(tally(&r), (0, 1, 0, 0), "{r}");
    assert_eq!(changed_since_review(&desk), [("6001".into(), "yes".into())]);
}

// ---- when a move took place ---------------------------------------------------------------------

const EDITED_HEADER: &str = "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,Этап сделки,Воронка";

/// An amoCRM export of (id, «Дата редактирования» cell, stage) rows, written into the desk's
/// folder; its path. `edits: false`: the export without its edit-time column.
fn edited_export(desk: &Desk, name: &str, edits: bool, deals: &[(&str, &str, &str)]) -> String {
    let header = if edits {
        EDITED_HEADER.to_string()
    } else {
        EDITED_HEADER.replace("Дата редактирования,", "")
    };
    let mut text = format!("{header}\n");
    for (id, edited, stage) in deals {
        let edited = if edits {
            format!("{edited},")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "{id},Сделка {id},5000000,Смирнова Ольга,01.11.2026 10:00:00,{edited}{stage},Продажи недвижимости\n"
        ));
    }
    let path = desk.dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

/// The import's own clock, to the second, and a time that far from it as amoCRM writes it.
fn clock() -> chrono::NaiveDateTime {
    use chrono::Timelike;
    chrono::Local::now()
        .naive_local()
        .with_nanosecond(0)
        .unwrap()
}

fn amo(t: chrono::NaiveDateTime) -> String {
    t.format("%d.%m.%Y %H:%M:%S").to_string()
}

/// When each import of the desk ran, by batch id.
fn batch_started(desk: &Desk, id: i64) -> chrono::NaiveDateTime {
    let batches = desk.rows(Table::ImportBatches);
    let b = batches.iter().find(|b| b["id"] == id).expect("its batch");
    chrono::NaiveDateTime::parse_from_str(&text(b, "started_at"), "%Y-%m-%d %H:%M:%S").unwrap()
}

/// The desk's first import, as if it had run three days ago (so that the edits since fall
/// after it): the time of a card's first visit unless its deal's edit is earlier.
fn first_import_days_ago(desk: &Desk, deals: &[(&str, &str, &str)]) -> chrono::NaiveDateTime {
    desk.import_one(&[&edited_export(desk, "v1.csv", true, deals)]);
    let then = clock() - chrono::Duration::days(3);
    desk.plant_batch_time(1, then);
    then
}

/// An export imported a day after it was written: the moves it shows are dated by their deals'
/// last edits (the CRM's clock), not by the import's — also a card that moved twice between the
/// exports (one move, to the stage the file shows). The visit each move ends began no later
/// than the deal's edit the first export gave (five days ago), before the first import ran.
/// Where the edit cannot date the move (after the import, at or before the visit it ends began,
/// unreadable) the move is the import's as before. The same file again writes nothing.
#[test]
fn an_export_imported_a_day_late_dates_its_moves_by_the_deals_edits() {
    let desk = Desk::new();
    let now = clock();
    let days = |n: i64| now - chrono::Duration::days(n);
    let old = amo(days(5));
    let imported_first = first_import_days_ago(
        &desk,
        &[
            ("5001", &old, "Первичный контакт"),
            ("5002", &old, "Первичный контакт"),
            ("5003", &old, "Первичный контакт"),
            ("5004", &old, "Первичный контакт"),
            ("5005", &old, "Первичный контакт"),
        ],
    );
    let first = days(5);
    assert!(first < imported_first);
    let (yesterday, ahead, stale) = (days(1), amo(now + chrono::Duration::days(1)), amo(days(6)));
    let v2 = edited_export(
        &desk,
        "v2.csv",
        true,
        &[
            ("5001", &amo(yesterday), "Квалификация"),
            // Through «Квалификация» to «Встреча назначена» between the exports.
            ("5002", &amo(days(2)), "Встреча назначена"),
            ("5003", &ahead, "Квалификация"),
            ("5004", &stale, "Квалификация"),
            ("5005", "вчера", "Квалификация"),
        ],
    );
    let r = desk.import_one(&[&v2]);
    assert_eq!(r["stage_changes"], 5);
    let imported = batch_started(&desk, 2);
    let visits = |id: &str| desk.visits(id);
    assert_eq!(
        visits("5001"),
        [
            ("Первичный контакт".to_string(), first),
            ("Квалификация".to_string(), yesterday)
        ]
    );
    assert_eq!(
        visits("5002"),
        [
            ("Первичный контакт".to_string(), first),
            ("Встреча назначена".to_string(), days(2))
        ]
    );
    for (id, why) in [
        ("5003", "an edit after the import"),
        ("5004", "an edit before the card's visit began"),
        ("5005", "an edit time that does not read"),
    ] {
        assert_eq!(
            visits(id),
            [
                ("Первичный контакт".to_string(), first),
                ("Квалификация".to_string(), imported)
            ],
            "{why}: the import's clock"
        );
    }

    let history = desk.rows(Table::StageHistory);
    let again = desk.import_one(&[&v2]);
    assert_eq!(tally(&again), (0, 0, 5, 0));
    assert_eq!(again["stage_changes"], 0);
    assert_eq!(
        desk.rows(Table::StageHistory),
        history,
        "the same file again"
    );
}

/// A file older than what the store holds of a card (its export written before the move an
/// earlier import recorded, imported after it): its edit comes before the card's current visit
/// began, so it dates nothing — the move back it shows takes the import's clock, and the
/// card's visits stay in the order they were recorded, each after the one before.
#[test]
fn an_older_export_imported_after_a_newer_one_does_not_date_a_move_before_the_last() {
    let desk = Desk::new();
    let now = clock();
    let days = |n: i64| now - chrono::Duration::days(n);
    first_import_days_ago(&desk, &[("5101", &amo(days(5)), "Первичный контакт")]);
    // No later than the deal's edit the first export gave.
    let first = days(5);
    desk.import_one(&[&edited_export(
        &desk,
        "v2.csv",
        true,
        &[("5101", &amo(days(1)), "Квалификация")],
    )]);
    // Written two days ago, before the move the last import dated yesterday.
    let older = edited_export(
        &desk,
        "older.csv",
        true,
        &[("5101", &amo(days(2)), "Первичный контакт")],
    );
    let r = desk.import_one(&[&older]);
    assert_eq!(r["stage_changes"], 1);
    let visits = desk.visits("5101");
    assert_eq!(
        visits,
        [
            ("Первичный контакт".to_string(), first),
            ("Квалификация".to_string(), days(1)),
            ("Первичный контакт".to_string(), batch_started(&desk, 3)),
        ]
    );
    assert!(visits.windows(2).all(|w| w[0].1 < w[1].1), "{visits:?}");
}

/// An export without the edit-time column its source's earlier exports had: the card keeps the
/// edit time the store holds (the column says nothing), but that edit is no time of the move
/// this file shows — the move is the import's.
#[test]
fn an_export_without_the_edit_column_dates_its_moves_by_the_import() {
    let desk = Desk::new();
    let now = clock();
    let days = |n: i64| now - chrono::Duration::days(n);
    first_import_days_ago(&desk, &[("5201", &amo(days(5)), "Первичный контакт")]);
    // Edited, not moved: the store keeps the edit of two days ago.
    let edited = amo(days(2));
    desk.import_one(&[&edited_export(
        &desk,
        "v2.csv",
        true,
        &[("5201", &edited, "Первичный контакт")],
    )]);
    let r = desk.import_one(&[&edited_export(
        &desk,
        "v3.csv",
        false,
        &[("5201", "", "Квалификация")],
    )]);
    assert_eq!(r["stage_changes"], 1);
    assert_eq!(
        text(&desk.card("5201"), "updated_at"),
        days(2).format("%Y-%m-%d %H:%M:%S").to_string()
    );
    let visits = desk.visits("5201");
    assert_eq!(
        visits.last(),
        Some(&("Квалификация".to_string(), batch_started(&desk, 3)))
    );
}

/// A month of weekly exports imported one after another in one sitting, `--today` naming each
/// export's Monday, as a desk starting with last month's exports in hand does (tester37 F1):
/// a card's first visit began no later than the deal's edit the first file gave, and each move
/// a later file shows is dated by its deal's edit — weeks apart, as the files say, not the
/// seconds between the imports. A card the file left unchanged keeps its visit; a stale edit
/// still dates nothing.
#[test]
fn weekly_exports_imported_in_one_sitting_keep_the_files_dates() {
    let desk = Desk::new();
    let week = |name: &str, deals: &[(&str, &str, &str)]| edited_export(&desk, name, true, deals);
    let weeks = [
        (
            "2026-11-02",
            week(
                "w1.csv",
                &[
                    ("6001", "20.10.2026 11:00:00", "Первичный контакт"),
                    ("6002", "27.10.2026 12:00:00", "Первичный контакт"),
                    ("6003", "30.10.2026 09:00:00", "Квалификация"),
                ],
            ),
        ),
        (
            "2026-11-09",
            week(
                "w2.csv",
                &[
                    ("6001", "06.11.2026 15:00:00", "Квалификация"),
                    ("6002", "27.10.2026 12:00:00", "Первичный контакт"),
                    ("6003", "05.11.2026 10:00:00", "Встреча назначена"),
                ],
            ),
        ),
        (
            "2026-11-16",
            week(
                "w3.csv",
                &[
                    ("6001", "13.11.2026 22:00:00", "Встреча назначена"),
                    ("6002", "12.11.2026 10:00:00", "Квалификация"),
                    ("6003", "05.11.2026 10:00:00", "Встреча назначена"),
                ],
            ),
        ),
    ];
    for (day, file) in &weeks {
        desk.import_one(&["--today", day, file]);
    }
    let at = |t: &str| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M").unwrap();
    let path = |id: &str| -> Vec<(String, chrono::NaiveDateTime)> { desk.visits(id) };
    let visit = |stage: &str, t: &str| (stage.to_string(), at(t));
    assert_eq!(
        path("6001"),
        [
            visit("Первичный контакт", "2026-10-20 11:00"),
            visit("Квалификация", "2026-11-06 15:00"),
            visit("Встреча назначена", "2026-11-13 22:00"),
        ]
    );
    assert_eq!(
        path("6002"),
        [
            visit("Первичный контакт", "2026-10-27 12:00"),
            visit("Квалификация", "2026-11-12 10:00"),
        ]
    );
    assert_eq!(
        path("6003"),
        [
            visit("Квалификация", "2026-10-30 09:00"),
            visit("Встреча назначена", "2026-11-05 10:00"),
        ]
    );
    // The imports themselves ran minutes apart, on today's clock.
    let last = batch_started(&desk, 3);
    assert!(last - batch_started(&desk, 1) < chrono::Duration::hours(1));
    assert!(last > at("2026-11-20 00:00"));
}

/// A partial export of the cards that moved on: every one of them left «Встреча проведена» for
/// «Переговоры», a name the funnel lacks — as a rename would look in those rows alone — but
/// «Переговоры» held the source's cards before this file: a stage of its own, the cards moved.
#[test]
fn cards_moved_on_to_an_unknown_stage_that_held_cards_before_are_no_rename() {
    let desk = Desk::new();
    let mut first = vec![
        ("5001", "", "Встреча проведена"),
        ("5002", "", "Встреча проведена"),
        ("5003", "", "Встреча проведена"),
        ("5004", "", "Встреча проведена"),
    ];
    first.extend([
        ("5006", "", "Переговоры"),
        ("5007", "", "Переговоры"),
        ("5008", "", "Переговоры"),
        ("5009", "", "Переговоры"),
        ("5010", "", "Переговоры"),
    ]);
    let v1 = export_of(&desk, "v1.csv", &first);
    desk.import_one(&[&v1]);
    let moved: Vec<_> = first[..4]
        .iter()
        .map(|(id, note, _)| (*id, *note, "Переговоры"))
        .collect();
    let v2 = export_of(&desk, "v2.csv", &moved);
    for args in [&["--partial", "--dry-run"][..], &["--partial"]] {
        let r = desk.import_one(&[args, &[v2.as_str()]].concat());
        assert_eq!(r["stage_changes"], 4, "{args:?} {r}");
        assert!(r.get("probable_renames").is_none(), "{args:?} {r}");
    }
}
