//! `okk export crm`: for every CRM, the file its import takes back, compared with a golden file
//! under `tests/fixtures/export/` (reviewed by hand; `OKK_BLESS=1` rewrites them after a
//! deliberate change). Reviews are saved as the reviewer saves them, lead decisions as the
//! lead's screen will write them.

mod common;

use std::path::Path;

use common::{Desk, Table, Verdict, path_arg, repo, succeeded, text};

const AT: &str = "2026-11-20 12:00:00";
const LATER: &str = "2026-11-21 09:00:00";

/// Compares `actual` with the golden file `name`, or writes it under `OKK_BLESS=1`.
fn golden(name: &str, actual: &[u8]) {
    let path = repo().join("tests/fixtures/export").join(name);
    if name.ends_with(".csv") {
        // Whatever the CRM, the file is CSV that Python's reference reader takes as a table.
        let tmp = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(tmp.path(), actual).unwrap();
        let rows = common::python_csv(&path_arg(tmp.path()), ',');
        assert!(rows.iter().all(|r| r.len() == rows[0].len()), "{rows:?}");
    }
    if std::env::var_os("OKK_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (OKK_BLESS=1 writes it)", path.display()));
    assert_eq!(
        String::from_utf8_lossy(actual),
        String::from_utf8_lossy(&expected),
        "{name} differs from the golden file"
    );
}

/// `okk export crm --profile PROFILE EXTRA…` into a fresh file: (file bytes, stdout, stderr).
fn export(desk: &Desk, profile: &str, extra: &[&str]) -> (Vec<u8>, String, String) {
    let out = desk.file(&format!("{profile}-{}.out", extra.len()));
    let run = desk
        .okk()
        .args(["export", "crm", "--profile", profile, "--out", &out])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "export failed:\n{stderr}");
    let bytes = std::fs::read(&out).unwrap();
    std::fs::remove_file(&out).unwrap();
    (bytes, String::from_utf8(run.stdout).unwrap(), stderr)
}

/// The demo's amoCRM desk after a morning of reviews and the lead's decisions on some.
fn reviewed_demo() -> Desk {
    let desk = Desk::demo();
    // Dead without a stage: the funnel's lost stage.
    desk.review("31999149", "anna", AT, &Verdict::of("dead"));
    // A move by alias, a new owner, corrections (a custom date field among them); the lead
    // accepts it.
    let moved = desk.review(
        "31973177",
        "anna",
        AT,
        &Verdict {
            stage: Some("Бронь"),
            owner: Some("Попова Анна"),
            corrections: &[
                ("title", "Комаров Михаил, 2-к \"Северный парк\""),
                ("amount", "7 500 000"),
                ("Срок действия брони", "2026-12-31"),
                ("phone", "+7 912 000-00-00"),
            ],
            ..Verdict::of("wrong_stage")
        },
    );
    desk.decide(&moved, "lena", "accept", (None, None, None), LATER);
    // Only the owner.
    desk.review(
        "31957017",
        "boris",
        AT,
        &Verdict {
            owner: Some("Морозов Алексей"),
            ..Verdict::of("stale")
        },
    );
    // `ok`: a stage picked first and then thought better of moves nothing.
    desk.review(
        "31898005",
        "boris",
        AT,
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("ok")
        },
    );
    // Returned by the lead: not exported.
    let returned = desk.review(
        "31874040",
        "boris",
        AT,
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("wrong_stage")
        },
    );
    desk.decide(&returned, "lena", "return", (None, None, None), LATER);
    // Overridden by the lead: the lead's stage, not the auditor's.
    let overridden = desk.review(
        "31801109",
        "anna",
        AT,
        &Verdict {
            stage: Some("Договор"),
            ..Verdict::of("wrong_stage")
        },
    );
    desk.decide(
        &overridden,
        "lena",
        "override",
        (Some("wrong_stage"), Some("Бронирование"), None),
        LATER,
    );
    desk
}

#[test]
fn amocrm_gets_stage_owner_and_corrections_by_name_with_the_leads_word_applied() {
    let desk = reviewed_demo();
    let (file, stdout, stderr) = export(&desk, "amocrm", &[]);
    golden("amocrm.csv", &file);
    assert!(stdout.contains("changes to 4 cards"), "{stdout}");
    assert!(
        stderr.contains("cannot set «Phone»: left out for 1 card"),
        "{stderr}"
    );
}

/// A meeting corrected to «25.11.2026 14:30» (the reviewer takes a time): amoCRM's file takes
/// the day; the export says the time is not written rather than drop it unseen.
#[test]
fn a_corrected_time_of_day_the_crm_file_cannot_take_is_said_dropped() {
    let desk = Desk::demo();
    desk.review(
        "31973177",
        "anna",
        AT,
        &Verdict {
            corrections: &[
                ("Дата встречи в офисе продаж", "25.11.2026 14:30"),
                ("Срок действия брони", "31.12.2026"),
            ],
            ..Verdict::of("ok")
        },
    );
    let (file, _, stderr) = export(&desk, "amocrm", &[]);
    assert!(String::from_utf8_lossy(&file).contains("25.11.2026"));
    assert!(
        stderr.contains(
            "card 31973177: «Дата встречи в офисе продаж» = «25.11.2026 14:30»: the amoCRM / Kommo \
             file takes the day only; the time is not written"
        ),
        "{stderr}"
    );
    // A day alone is no time dropped.
    assert_eq!(stderr.matches("time is not written").count(), 1, "{stderr}");
}

/// A corrected title that begins as a formula would is written defused (`'-10% …`) — and the
/// CRM's import would keep the `'`: the export says so, card and field.
#[test]
fn a_defused_correction_is_pointed_out_for_the_crm_import() {
    let desk = Desk::demo();
    desk.review(
        "31973177",
        "anna",
        AT,
        &Verdict {
            corrections: &[("title", "-10% скидка на 2-к")],
            ..Verdict::of("ok")
        },
    );
    let (file, _, stderr) = export(&desk, "amocrm", &[]);
    assert!(String::from_utf8_lossy(&file).contains("'-10% скидка на 2-к"));
    // The field by the label the card shows it under, not okk's key for it.
    assert!(
        stderr.contains(
            "card 31973177: «Title» = «-10% скидка на 2-к» begins as a spreadsheet formula \
             would: written with a ' in front, which the amoCRM / Kommo import keeps"
        ),
        "{stderr}"
    );
    let (_, _, stderr) = export(&desk, "amocrm", &["--lang", "ru"]);
    assert!(
        stderr.contains(
            "карточка 31973177: «Название» = «-10% скидка на 2-к» начинается как формула таблицы"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("«title»"), "{stderr}");
}

/// Bitrix24's REST lines go to its API, not to a spreadsheet: a title that begins as a formula
/// would is written as it is, and no warning speaks of a `'` that is not there.
#[test]
fn a_rest_export_writes_a_formula_like_correction_as_it_is_and_says_nothing_of_a_quote() {
    let desk = Desk::new();
    desk.import(&[&common::fixture("bitrix24_deals.csv")]);
    desk.review(
        "503",
        "anna",
        AT,
        &Verdict {
            corrections: &[("title", "=cmd|' /C calc'!A0")],
            ..Verdict::of("ok")
        },
    );
    let (file, _, stderr) = export(&desk, "bitrix24", &[]);
    let text = String::from_utf8(file).unwrap();
    assert!(text.contains(r#""TITLE":"=cmd|' /C calc'!A0""#), "{text}");
    assert!(!stderr.contains("written with a ' in front"), "{stderr}");
    assert!(!stderr.contains("=cmd"), "{stderr}");
}

/// amoCRM exports a custom field labelled like a system one (` Бюджет` beside `Бюджет `) and two
/// custom fields of one label (`Город` twice); the import keeps them apart as «Бюджет (2)» and
/// «Город (2)». A correction of one goes back under no header the CRM lacks: its export's header
/// is the other column's too, which amoCRM's import cannot tell apart, so it is left out and the
/// warning names the card, the field, the header and the value to set by hand.
#[test]
fn a_correction_of_a_repeated_column_is_not_written_under_a_header_the_crm_lacks() {
    let desk = Desk::new();
    desk.import(&[&common::fixture("amocrm_repeated_headers.csv")]);
    desk.review(
        "31000003",
        "anna",
        AT,
        &Verdict {
            corrections: &[
                ("Бюджет (2)", "8 450 000,50"),
                ("Город (2)", "Мытищи"),
                ("title", "Квартира на Садовой, 3-к"),
            ],
            ..Verdict::of("ok")
        },
    );
    desk.review(
        "31000004",
        "anna",
        AT,
        &Verdict {
            corrections: &[("amount", "3 300 000")],
            ..Verdict::of("ok")
        },
    );
    let (file, stdout, stderr) = export(&desk, "amocrm", &[]);
    let file = String::from_utf8(file).unwrap();
    let header = file.lines().next().unwrap().trim_start_matches('\u{feff}');
    assert_eq!(
        header,
        "ID,Воронка,Этап сделки,Ответственный,Название сделки,Бюджет"
    );
    assert!(file.contains("31000004,,,,,3300000"), "{file}");
    assert!(
        !file.contains("8 450 000") && !file.contains("Мытищи"),
        "{file}"
    );
    assert!(stdout.contains("changes to 2 cards"), "{stdout}");
    assert!(
        stderr.contains(
            "card 31000003: «Бюджет (2)» was the column «Бюджет» of the amoCRM / Kommo export, \
             which also heads a system field of amoCRM / Kommo so"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "set «8 450 000,50» in that field of deal 31000003 in amoCRM / Kommo by hand"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "card 31000003: «Город (2)» was the column «Город» of the amoCRM / Kommo export, \
             which has another field of that name"
        ),
        "{stderr}"
    );
    let (_, _, stderr) = export(&desk, "amocrm", &["--lang", "ru"]);
    assert!(
        stderr.contains(
            "карточка 31000003: «Бюджет (2)» — это столбец «Бюджет» выгрузки amoCRM / Kommo, а под \
             тем же заголовком там и системное поле amoCRM / Kommo"
        ),
        "{stderr}"
    );
}

/// Pipedrive's deal fields go back under the `Deal - ` its export heads them with (the import
/// read the label: `Сделка - Дата встречи…` is the funnel's field), and a field of the linked
/// person is not the deals import's to set.
#[test]
fn pipedrive_gets_a_deal_field_under_its_prefix_and_leaves_a_person_s_out() {
    let desk = Desk::new();
    desk.import(&[&common::fixture("pipedrive_deals_ru.csv")]);
    desk.review(
        "202",
        "anna",
        AT,
        &Verdict {
            corrections: &[
                ("Дата встречи в офисе продаж", "2026-11-18"),
                (
                    "Контактное лицо - Дата встречи в офисе продаж",
                    "2026-11-18",
                ),
            ],
            ..Verdict::of("ok")
        },
    );
    let (file, _, stderr) = export(&desk, "pipedrive", &[]);
    let file = String::from_utf8(file).unwrap();
    assert_eq!(
        file.lines().collect::<Vec<_>>(),
        [
            "Deal - ID,Deal - Pipeline,Deal - Stage,Deal - Owner,Deal - Status,\
             Deal - Дата встречи в офисе продаж",
            "202,,,,,2026-11-18"
        ]
    );
    assert!(
        stderr.contains(
            "Pipedrive's import cannot set «Контактное лицо - Дата встречи в офисе продаж»: left \
             out for 1 card; set it by hand in Pipedrive: 202"
        ),
        "{stderr}"
    );
}

#[test]
fn approved_only_keeps_what_the_lead_accepted_or_set() {
    let desk = reviewed_demo();
    let (file, stdout, _) = export(&desk, "amocrm", &["--approved-only"]);
    golden("amocrm_approved.csv", &file);
    assert!(stdout.contains("changes to 2 cards"), "{stdout}");
}

/// Reviews but no decision of a lead: `--approved-only` writes an empty file and says why, and
/// where the lead decides.
#[test]
fn approved_only_with_no_decision_yet_says_the_lead_has_approved_nothing() {
    let desk = Desk::demo();
    desk.review("31999149", "anna", AT, &Verdict::of("dead"));
    let (_, stdout, _) = export(&desk, "amocrm", &["--approved-only"]);
    assert!(stdout.contains("changes to 0 cards"), "{stdout}");
    assert!(
        stdout.contains("no change a lead has approved yet") && stdout.contains("`okk lead`"),
        "{stdout}"
    );
    // With a decision that approves a change, the line goes.
    let (_, stdout, _) = export(&reviewed_demo(), "amocrm", &["--approved-only"]);
    assert!(
        !stdout.contains("no change a lead has approved"),
        "{stdout}"
    );
}

#[test]
fn the_latest_lead_decision_counts() {
    let desk = reviewed_demo();
    // The lead changes their mind about the returned review: now it is accepted.
    let decisions = desk.rows(Table::LeadDecisions);
    let returned = decisions.iter().find(|d| d["decision"] == "return");
    let id = text(returned.expect("a returned review"), "review_id");
    desk.decide(
        &id,
        "lena",
        "accept",
        (None, None, None),
        "2026-11-22 10:00:00",
    );
    let (_, stdout, _) = export(&desk, "amocrm", &["--approved-only"]);
    assert!(stdout.contains("changes to 3 cards"), "{stdout}");
}

#[test]
fn a_card_changed_since_its_review_is_pointed_out() {
    let desk = reviewed_demo();
    desk.changed_by_a_later_sync("31957017");
    let (_, stdout, _) = export(&desk, "amocrm", &[]);
    assert!(
        stdout.contains("1 of these cards has changed in the CRM since the review"),
        "{stdout}"
    );
    // Named, with the stage it is at now, so the lead can find it without a second export.
    assert!(
        stdout.contains("card_changed): #31957017 (now at «"),
        "{stdout}"
    );
}

/// tester36 F6: a card the CRM moved to a stage the funnel knows by an alias is named with the
/// funnel's name, as the queue and the reviewer name it, the CRM's own beside it.
#[test]
fn a_changed_card_at_an_aliased_stage_is_named_as_the_funnel_names_it() {
    let desk = reviewed_demo();
    desk.changed_in_the_crm(&[("31957017", &[("Этап сделки", "Неразобранное")])]);
    let (_, stdout, _) = export(&desk, "amocrm", &[]);
    assert!(
        stdout.contains("#31957017 (now at «Первичный контакт», «Неразобранное» in the CRM)"),
        "{stdout}"
    );
}

#[test]
fn a_card_gone_from_the_crm_has_its_change_left_out_and_named() {
    let desk = reviewed_demo();
    let (before, stdout, _) = export(&desk, "amocrm", &[]);
    let before = String::from_utf8(before).unwrap();
    assert!(before.contains("\n31999149,"), "{before}");
    assert!(stdout.contains("changes to 4 cards"), "{stdout}");
    // A later full import no longer has the dead card: the CRM has no deal to move.
    desk.gone_by_a_later_sync(&["31999149"]);
    let (file, stdout, stderr) = export(&desk, "amocrm", &[]);
    let file = String::from_utf8(file).unwrap();
    assert!(!file.contains("31999149"), "{file}");
    assert_eq!(file.lines().count(), before.lines().count() - 1, "{file}");
    assert!(stdout.contains("changes to 3 cards"), "{stdout}");
    assert!(
        stderr.contains(
            "card 31999149 is gone from the CRM (a later full import or sync no longer had it): \
             its change is left out of the file"
        ),
        "{stderr}"
    );
    // A card the lead settled goes the same way, and several are counted and listed.
    desk.gone_by_a_later_sync(&["31999149", "31973177"]);
    let (file, stdout, stderr) = export(&desk, "amocrm", &["--lang", "ru"]);
    let file = String::from_utf8(file).unwrap();
    assert!(!file.contains("31973177"), "{file}");
    assert!(stdout.contains("2 карточ"), "{stdout}");
    assert!(
        stderr.contains(
            "okk: 2 карточек больше нет в CRM (их не было в более поздней полной выгрузке или \
             синхронизации): их изменения не попали в файл: 31973177, 31999149"
        ),
        "{stderr}"
    );
    // The approved-only file leaves the settled gone card out as well.
    let (file, _, stderr) = export(&desk, "amocrm", &["--approved-only"]);
    assert!(!String::from_utf8(file).unwrap().contains("31973177"));
    assert!(
        stderr.contains("card 31973177 is gone from the CRM"),
        "{stderr}"
    );
}

#[test]
fn hubspot_gets_record_id_pipeline_stage_and_owner() {
    let desk = Desk::new();
    desk.import(&[&common::fixture(
        "hubspot-crm-exports-all-deals-2026-11-20.csv",
    )]);
    desk.review("18234567801", "anna", AT, &Verdict::of("dead"));
    desk.review(
        "18234567802",
        "anna",
        AT,
        &Verdict {
            owner: Some("anna.popova@example.com"),
            corrections: &[("amount", "48 500,50"), ("expected_close_at", "15.01.2027")],
            ..Verdict::of("stale")
        },
    );
    desk.review(
        "18234567804",
        "anna",
        AT,
        &Verdict {
            stage: Some("decisionmakerboughtin"),
            ..Verdict::of("wrong_stage")
        },
    );
    let (file, _, _) = export(&desk, "hubspot", &[]);
    golden("hubspot.csv", &file);
}

#[test]
fn pipedrive_closes_a_dead_deal_by_status() {
    let desk = Desk::new();
    desk.import(&[&common::fixture("pipedrive_deals.csv")]);
    desk.review("7", "anna", AT, &Verdict::of("dead"));
    desk.review(
        "9",
        "anna",
        AT,
        &Verdict {
            stage: Some("Proposal Made"),
            owner: Some("John Smith"),
            corrections: &[("Deal - Floor", "7"), ("title", "Old town loft")],
            ..Verdict::of("wrong_stage")
        },
    );
    let (file, _, _) = export(&desk, "pipedrive", &[]);
    golden("pipedrive.csv", &file);
}

#[test]
fn salesforce_gets_api_names_and_the_orgs_own_stage_names() {
    let desk = Desk::new();
    let funnel = path_arg(&repo().join("tests/fixtures/export/salesforce_funnel.toml"));
    let okk = |args: &[&str]| succeeded(desk.okk_funnel(Path::new(&funnel)).args(args));
    okk(&["import", &common::salesforce("Opportunity.csv")]);
    desk.review(
        "006Ec00000AieKFIAZ",
        "anna",
        AT,
        &Verdict {
            stage: Some("Proposal"),
            corrections: &[
                ("expected_close_at", "31.01.2025"),
                ("amount", "1124741.15"),
            ],
            ..Verdict::of("wrong_stage")
        },
    );
    desk.review("006Ec00000AieKJIAZ", "anna", AT, &Verdict::of("dead"));
    desk.review(
        "006Ec00000AieKIIAZ",
        "anna",
        AT,
        &Verdict {
            owner: Some("005Ec000004oBPXIA2"),
            ..Verdict::of("stale")
        },
    );
    let out = desk.file("sf.csv");
    okk(&["export", "crm", "--profile", "salesforce", "--out", &out]);
    golden("salesforce.csv", &std::fs::read(&out).unwrap());
}

/// Data Loader maps a column to a field by its API name: a custom field corrected under its
/// label («Город») is written and warned of; one under an API name (`City__c`) is not.
#[test]
fn salesforce_warns_of_a_custom_column_that_is_no_api_name() {
    let desk = Desk::new();
    desk.import(&[&common::salesforce("Opportunity.csv")]);
    desk.review(
        "006Ec00000AieKFIAZ",
        "anna",
        AT,
        &Verdict {
            corrections: &[("Город", "Москва"), ("City__c", "Moscow")],
            ..Verdict::of("stale")
        },
    );
    desk.review(
        "006Ec00000AieKJIAZ",
        "anna",
        AT,
        &Verdict {
            corrections: &[("Город", "Казань")],
            ..Verdict::of("stale")
        },
    );
    let (file, _, stderr) = export(&desk, "salesforce", &[]);
    let file = String::from_utf8(file).unwrap();
    let header = file.lines().next().unwrap();
    assert!(
        header.contains("City__c") && header.contains("Город"),
        "{header}"
    );
    assert!(
        stderr.contains(
            "Salesforce Opportunity's import matches a column to a field by its API name, \
             and «Город» is none (custom fields end in __c): written for 2 cards"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("«City__c» is none"), "{stderr}");
}

#[test]
fn bitrix24_gets_rest_update_calls_as_json_lines() {
    let desk = Desk::new();
    desk.import(&[&common::fixture("bitrix24_deals.csv")]);
    desk.review("501", "anna", AT, &Verdict::of("dead"));
    desk.review(
        "503",
        "anna",
        AT,
        &Verdict {
            owner: Some("Смирнова Ольга"),
            corrections: &[
                ("amount", "120 000"),
                ("expected_close_at", "30.12.2026"),
                ("Интересующие параметры", "2-к, 60 м²"),
            ],
            ..Verdict::of("stale")
        },
    );
    // Bitrix24 takes a user id, which its export shows beside the name (`Смирнова Ольга [17]`):
    // the import kept it, so no map is needed.
    let (file, stdout, stderr) = export(&desk, "bitrix24", &[]);
    golden("bitrix24.jsonl", &file);
    // Where the owner's id came from, said once a call carries one: the reason no map was needed.
    assert!(
        stderr.contains(
            "okk: 1 card gets a new owner by Bitrix24 user id, which its import takes instead of \
             a name; the id was taken from «Name [id]» in Bitrix24's own export, so no owners map \
             was needed: Смирнова Ольга [17]."
        ),
        "{stderr}"
    );
    // The move of 501 would send a stage's name where Bitrix24 wants its id, which a file
    // does not give: left out, and said (tests/export_crm_synced.rs has the synced ids).
    assert!(stdout.contains("1 REST crm.deal.update call ("), "{stdout}");
    assert!(stderr.contains("card 501 left out of the file"), "{stderr}");
    // A REST file is not an import: what its lines leave out is said as theirs, with the card
    // to set it on by hand (tester41 F7).
    assert!(
        stderr.contains(
            "the REST lines okk writes for Bitrix24 do not set «Интересующие параметры»: left out \
             for 1 card; set it by hand in Bitrix24: 503"
        ),
        "{stderr}"
    );
    for line in String::from_utf8(file).unwrap().lines() {
        let call: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(call["method"], "crm.deal.update");
        assert!(call["params"]["id"].is_u64(), "{line}");
    }
    // A map made by hand wins over the export's ids.
    let owners = desk.file("owners.csv");
    std::fs::write(&owners, "Ответственный;ID\nСмирнова Ольга;99\n").unwrap();
    let (file, _, stderr) = export(&desk, "bitrix24", &["--owners", &owners]);
    let text = String::from_utf8(file).unwrap();
    assert!(text.contains(r#""ASSIGNED_BY_ID":"99""#), "{text}");
    assert!(!text.contains(r#""ASSIGNED_BY_ID":"17""#), "{text}");
    assert!(!stderr.contains("«Name [id]»"), "{stderr}");
}

#[test]
fn bitrix24_owner_ids_from_its_export_are_mentioned_only_when_a_call_uses_one() {
    let desk = Desk::new();
    desk.import(&[&common::fixture("bitrix24_deals.csv")]);
    // No review yet: no call, and nothing said of the owners' ids the import kept.
    let (file, stdout, stderr) = export(&desk, "bitrix24", &[]);
    assert!(file.is_empty());
    assert!(stdout.contains("0 REST crm.deal.update calls"), "{stdout}");
    assert!(!stderr.contains("[id]"), "{stderr}");
    // A call that moves a card but keeps its owner: still nothing to say.
    desk.review("501", "anna", AT, &Verdict::of("dead"));
    let (_, _, stderr) = export(&desk, "bitrix24", &["--lang", "ru"]);
    assert!(!stderr.contains("[id]"), "{stderr}");
    // Two cards handed to owners the export named with their ids, said in Russian.
    for (id, owner) in [("501", "Иванов Пётр"), ("503", "Иванов Пётр")] {
        desk.review(
            id,
            "anna",
            AT,
            &Verdict {
                owner: Some(owner),
                ..Verdict::of("stale")
            },
        );
    }
    let (file, _, stderr) = export(&desk, "bitrix24", &["--lang", "ru"]);
    assert!(
        String::from_utf8(file)
            .unwrap()
            .contains(r#""ASSIGNED_BY_ID":"23""#)
    );
    assert!(
        stderr.contains(
            "okk: 2 карточкам назначен новый ответственный по id пользователя Битрикс24 — его \
             импорт принимает id, а не имя; id взят из «Имя [id]» собственной выгрузки Битрикс24, \
             поэтому таблица ответственных не понадобилась: Иванов Пётр [23]."
        ),
        "{stderr}"
    );
}

#[test]
fn another_crms_columns_take_every_card_until_that_crm_has_cards_here() {
    let desk = reviewed_demo();
    // Only amoCRM cards: the demo's changes in HubSpot's columns, and said so; its owners are
    // names, which HubSpot cannot take, so they are left out.
    let (file, stdout, stderr) = export(&desk, "hubspot", &["--skip-unmapped-owners"]);
    let text = String::from_utf8(file).unwrap();
    assert!(
        text.starts_with("Record ID,Pipeline,Deal Stage,Deal owner"),
        "{text}"
    );
    assert!(text.lines().count() > 1, "{text}");
    assert!(
        stderr.contains("no cards in this store came from HubSpot"),
        "{stderr}"
    );
    assert!(!stdout.contains("changes to 0 cards"), "{stdout}");
    // Once HubSpot's own cards are here, only they are exported (none of them reviewed).
    desk.okk()
        .args(["import", "--no-check"])
        .arg(common::fixture(
            "hubspot-crm-exports-all-deals-2026-11-20.csv",
        ))
        .assert()
        .success();
    let (file, stdout, _) = export(&desk, "hubspot", &[]);
    assert_eq!(file, b"Record ID,Pipeline,Deal Stage,Deal owner\r\n");
    assert!(stdout.contains("changes to 0 cards"), "{stdout}");
}

/// `okk export crm --profile PROFILE EXTRA…` expected to fail: (exit code, stderr); no file.
fn refused(desk: &Desk, profile: &str, extra: &[&str]) -> (i32, String) {
    let out = desk.file("refused.out");
    let run = desk
        .okk()
        .args(["export", "crm", "--profile", profile, "--out", &out])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        !std::path::Path::new(&out).exists(),
        "a refused export wrote its file"
    );
    (
        run.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

/// The demo's cards (amoCRM) exported for HubSpot: two suggested owners, both names.
fn hubspot_desk() -> Desk {
    reviewed_demo()
}

#[test]
fn hubspot_owners_come_from_the_map_as_emails() {
    let desk = hubspot_desk();
    let owners = desk.file("owners.csv");
    // Saved by Excel on a Russian Windows: Windows-1251, `;`, CRLF, a notes column.
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(
        "Менеджер в okk;Email в HubSpot;Заметка\r\nпопова анна;anna.popova@example.com;\r\n\
         Морозов Алексей;a.morozov@example.com;с мая\r\n",
    );
    std::fs::write(&owners, &bytes).unwrap();
    let (file, _, stderr) = export(&desk, "hubspot", &["--owners", &owners]);
    golden("hubspot_owners.csv", &file);
    let text = String::from_utf8(file).unwrap();
    assert!(text.contains(",anna.popova@example.com"), "{text}");
    assert!(text.contains(",a.morozov@example.com"), "{text}");
    assert!(!text.contains("Попова"), "{text}");
    assert!(stderr.contains("2 owners"), "{stderr}");
}

#[test]
fn an_owner_without_an_email_stops_the_hubspot_export_and_says_how_to_fix_it() {
    let desk = hubspot_desk();
    let owners = desk.file("owners.toml");
    std::fs::write(&owners, "\"Попова Анна\" = \"anna.popova@example.com\"\n").unwrap();
    let (code, stderr) = refused(&desk, "hubspot", &["--owners", &owners]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("«Морозов Алексей» (1 card)"), "{stderr}");
    assert!(!stderr.contains("«Попова Анна»"), "mapped: {stderr}");
    assert!(stderr.contains("--owners FILE"), "{stderr}");
    assert!(stderr.contains("--skip-unmapped-owners"), "{stderr}");
    assert!(
        stderr.contains("  Морозов Алексей,"),
        "a template to fill in: {stderr}"
    );
    // Asked to, it writes the rest and leaves that owner unchanged, saying so.
    let (file, _, stderr) = export(
        &desk,
        "hubspot",
        &["--owners", &owners, "--skip-unmapped-owners"],
    );
    let text = String::from_utf8(file).unwrap();
    assert!(text.contains(",anna.popova@example.com"), "{text}");
    assert!(!text.contains("Морозов"), "{text}");
    assert!(
        stderr.contains("warning") && stderr.contains("Морозов Алексей"),
        "{stderr}"
    );
}

#[test]
fn a_bad_owners_map_is_refused_with_every_line_that_is_wrong() {
    let desk = hubspot_desk();
    let owners = desk.file("owners.csv");
    std::fs::write(
        &owners,
        "okk,hubspot\nПопова Анна,Anna Popova\nМорозов Алексей,\nПетров Иван,ivan@example.com\n\
         петров  иван,other@example.com\n",
    )
    .unwrap();
    let (code, stderr) = refused(&desk, "hubspot", &["--owners", &owners]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{owners}:2:2: «Anna Popova» for «Попова Анна» is not an email"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{owners}:3:2: no HubSpot value")),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "{owners}:5:1: «петров  иван» is already mapped on line 4"
        )),
        "{stderr}"
    );
    let toml = desk.file("owners.toml");
    std::fs::write(
        &toml,
        "\"Попова Анна\" = \"anna@example.com\"\nМорозов = \"x@y.z\"\n",
    )
    .unwrap();
    let (code, stderr) = refused(&desk, "hubspot", &["--owners", &toml]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains(&format!("{toml}:2:")), "{stderr}");
    let (code, stderr) = refused(&desk, "hubspot", &["--owners", &desk.file("missing.csv")]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("cannot read the owners map"), "{stderr}");
}

#[test]
fn salesforce_owner_ids_from_its_own_export_need_no_map_but_names_do() {
    let desk = Desk::new();
    desk.import(&[&common::salesforce("Opportunity.csv")]);
    desk.review(
        "006Ec00000AieKIIAZ",
        "anna",
        AT,
        &Verdict {
            owner: Some("Попова Анна"),
            ..Verdict::of("stale")
        },
    );
    let (code, stderr) = refused(&desk, "salesforce", &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("Salesforce User Id"), "{stderr}");
    let owners = desk.file("owners.csv");
    std::fs::write(&owners, "owner,OwnerId\nПопова Анна,005Ec000004oBPXIA2\n").unwrap();
    let (file, _, _) = export(&desk, "salesforce", &["--owners", &owners]);
    let text = String::from_utf8(file).unwrap();
    assert!(
        text.contains("006Ec00000AieKIIAZ,,005Ec000004oBPXIA2"),
        "{text}"
    );
}

#[test]
fn an_owners_map_beside_the_store_is_used_without_being_named() {
    let desk = hubspot_desk();
    let dir = desk.db.parent().unwrap();
    std::fs::copy(
        common::repo().join("assets/demo/owners-hubspot.csv"),
        dir.join("owners-hubspot.csv"),
    )
    .unwrap();
    let (file, _, stderr) = export(&desk, "hubspot", &[]);
    let text = String::from_utf8(file).unwrap();
    assert!(text.contains(",a.popova@demo-developer.example"), "{text}");
    assert!(text.contains(",a.morozov@demo-developer.example"), "{text}");
    assert!(stderr.contains("owners-hubspot.csv: 7 owners"), "{stderr}");
    // Named on the command line, a map wins over the one beside the store.
    let owners = desk.file("mine.toml");
    std::fs::write(
        &owners,
        "\"Попова Анна\" = \"anna@example.com\"\n\"Морозов Алексей\" = \"am@example.com\"\n",
    )
    .unwrap();
    let (file, _, _) = export(&desk, "hubspot", &["--owners", &owners]);
    let text = String::from_utf8(file).unwrap();
    assert!(text.contains(",anna@example.com"), "{text}");
    // amoCRM takes names: no map is read for it.
    let (_, _, stderr) = export(&desk, "amocrm", &[]);
    assert!(!stderr.contains("owners map"), "{stderr}");
}

#[test]
fn the_demo_comes_with_owners_maps_for_the_crms_that_want_ids() {
    let desk = Desk::new();
    let out = desk.okk_bare().args(["demo", "--print"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let db = text
        .split_whitespace()
        .find(|w| w.ends_with("okk.db"))
        .unwrap_or_else(|| panic!("no demo path in:\n{text}"));
    let dir = std::path::Path::new(db).parent().unwrap();
    for profile in ["hubspot", "salesforce", "bitrix24"] {
        let map = dir.join(format!("owners-{profile}.csv"));
        assert!(map.is_file(), "{}", map.display());
        // Each is a map its CRM's export accepts: every demo owner, in that CRM's form.
        let run = desk
            .okk_bare()
            .args(["--db", db, "export", "crm", "--profile", profile, "--out"])
            .arg(dir.join(format!("{profile}.out")))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(run.status.success(), "{profile}: {stderr}");
        assert!(stderr.contains(": 7 owners"), "{profile}: {stderr}");
    }
}
