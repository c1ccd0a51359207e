//! The desk's export changes shape: the CRM's export is given a column it did not have, or
//! loses one. Neither is a change of the deals: no card counts as updated for it, no review is
//! asked for again, no stage history is written; the report says once which columns came or
//! went. A new column's values are stored (the card shows them, the rules read them) and change
//! like any other from the next export on; a lost column's values stay as the last export that
//! had it said, not emptied as if the CRM had.

mod common;

use common::{
    Desk, Table, Verdict, fixture, json_col, path_arg, repo, salesforce, succeeded, text,
};
use serde_json::{Value as Json, json};

const TODAY: &str = "2026-11-20";

/// (inserted, updated, unchanged, gone) of a report.
fn tally(r: &Json) -> (u64, u64, u64, u64) {
    let n = |k: &str| r[k].as_u64().unwrap_or_else(|| panic!("no {k} in {r}"));
    (n("inserted"), n("updated"), n("unchanged"), n("gone"))
}

/// A CSV export as records, header first (the header's byte-order mark dropped).
fn records_of(path: &str, delimiter: u8) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .flexible(true)
        .from_path(path)
        .unwrap();
    let mut records: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let first = &mut records[0][0];
    *first = first.trim_start_matches('\u{feff}').to_string();
    records
}

/// The demo's amoCRM export (371 deals, 50 columns).
fn demo() -> Vec<Vec<String>> {
    records_of(
        repo()
            .join("assets/demo/amocrm_deals.csv")
            .to_str()
            .unwrap(),
        b',',
    )
}

fn at(records: &[Vec<String>], header: &str) -> usize {
    records[0]
        .iter()
        .position(|h| h.trim() == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

/// `records` without the columns `headers`.
fn without(records: &[Vec<String>], headers: &[&str]) -> Vec<Vec<String>> {
    let drop: Vec<usize> = headers.iter().map(|h| at(records, h)).collect();
    records
        .iter()
        .map(|r| {
            r.iter()
                .enumerate()
                .filter(|(i, _)| !drop.contains(i))
                .map(|(_, c)| c.clone())
                .collect()
        })
        .collect()
}

/// `records` with a column `header` after the ID, its cells `value(row)` (row 1 the first
/// deal).
fn with(
    records: &[Vec<String>],
    header: &str,
    value: impl Fn(usize) -> String,
) -> Vec<Vec<String>> {
    records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut r = r.clone();
            let cell = if i == 0 { header.to_string() } else { value(i) };
            r.insert(1, cell);
            r
        })
        .collect()
}

/// Writes `records` into the desk's folder as `name`; its path.
fn write(desk: &Desk, name: &str, records: &[Vec<String>], delimiter: u8) -> String {
    let path = desk.dir.path().join(name);
    let mut writer = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_path(&path)
        .unwrap();
    for r in records {
        writer.write_record(r).unwrap();
    }
    writer.flush().unwrap();
    path_arg(&path)
}

fn import(desk: &Desk, file: &str) -> Json {
    desk.import_one(&["--today", TODAY, file])
}

/// The text report of importing `file`, dry run (the same counts, nothing written), in `lang`.
fn said(desk: &Desk, lang: &str, file: &str) -> String {
    succeeded(desk.okk().args([
        "--lang",
        lang,
        "--today",
        TODAY,
        "import",
        "--dry-run",
        file,
    ]))
}

/// The cards whose reviews judged them as they are no longer (`card_hash` is not their content
/// hash): the ones the reviewers are asked to judge again.
fn changed_since_review(desk: &Desk) -> Vec<String> {
    let cards = desk.rows(Table::Cards);
    let mut ids: Vec<String> = desk
        .rows(Table::Reviews)
        .iter()
        .filter(|r| {
            let card = cards.iter().find(|c| c["id"] == r["card_id"]).unwrap();
            card["content_hash"] != r["card_hash"]
        })
        .map(|r| text(r, "card_external_id"))
        .collect();
    ids.sort();
    ids
}

/// A custom field of a card, as the store holds it.
fn field(desk: &Desk, id: &str, name: &str) -> Json {
    json_col(&desk.card(id), "fields")[name].clone()
}

/// (code, field) of the flags `okk check` shows on card `id`.
fn flags_of(desk: &Desk, id: &str) -> Vec<(String, Option<String>)> {
    let out = succeeded(desk.okk().args(["--today", TODAY, "check", "--json"]));
    let report: Json = serde_json::from_str(&out).unwrap();
    let cards = report["cards"].as_array().unwrap();
    cards
        .iter()
        .filter(|c| c["id"] == id)
        .flat_map(|c| c["flags"].as_array().unwrap().clone())
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["field"].as_str().map(String::from),
            )
        })
        .collect()
}

const WANTS: &str = "Интересующие параметры";

/// The desk imported the demo export without «Интересующие параметры» and reviewed three cards;
/// the next export carries the column. No card changed, the reviews stand, the history is as it
/// was; the report names the column and the cards that took a value. The values are on the cards
/// and the rules read them. A later change of one is a change of its card.
#[test]
fn an_export_given_a_column_changes_no_card_and_says_so_once() {
    let desk = Desk::new();
    let mut full = demo();
    let (id, stage) = (at(&full, "ID"), at(&full, "Этап сделки"));
    let wants = at(&full, WANTS);
    // Every demo card at «Квалификация» has its wishes written down; one has not.
    let blank = full
        .iter_mut()
        .find(|r| r[stage] == "Квалификация")
        .unwrap();
    blank[wants].clear();
    let lean = write(&desk, "lean.csv", &without(&full, &[WANTS]), b',');
    let first = import(&desk, &lean);
    assert_eq!(tally(&first), (371, 0, 0, 0));
    assert!(
        first["absent_fields"].to_string().contains(WANTS),
        "{first}"
    );
    // A card at «Квалификация» with its wishes in the new column, one without.
    let at_qualification = |has: bool| {
        full[1..]
            .iter()
            .find(|r| r[stage] == "Квалификация" && r[wants].is_empty() != has)
            .map(|r| r[id].clone())
            .unwrap()
    };
    let (wishing, silent) = (at_qualification(true), at_qualification(false));
    let other = full[1][id].clone();
    for card in [&wishing, &silent, &other] {
        desk.review(card, "anna", "2026-11-20 12:00:00", &Verdict::of("ok"));
    }
    let history = desk.rows(Table::StageHistory);
    // Not flagged for the column no export had.
    assert!(
        !flags_of(&desk, &silent)
            .iter()
            .any(|f| f.0 == "required" && f.1.as_deref() == Some(WANTS))
    );

    let given = write(&desk, "given.csv", &full, b',');
    let text = said(&desk, "en", &given);
    let ru = said(&desk, "ru", &given);
    let r = import(&desk, &given);
    let filled = full[1..].iter().filter(|r| !r[wants].is_empty()).count() as u64;
    assert_eq!(tally(&r), (0, 0, 371, 0), "{r}");
    assert_eq!(
        (
            &r["stage_changes"],
            &r["new_columns"],
            &r["new_column_cards"],
            &r["missing_columns"]
        ),
        (&json!(0), &json!([WANTS]), &json!(filled), &json!([])),
        "{r}"
    );
    // The terminal says what the JSON says, in English and in Russian.
    assert!(text.contains("0 updated"), "{text}");
    assert!(
        text.contains(&format!(
            "new column «{WANTS}» (no earlier import or sync of «amocrm» had it): {filled} cards took a value from it, not a change of the card"
        )),
        "{text}"
    );
    assert!(
        ru.contains(&format!(
            "новый столбец «{WANTS}» (его не было ни в одном прежнем импорте или синхронизации «amocrm»): значение из него получили {filled} карточек, изменением карточки это не считается"
        )),
        "{ru}"
    );
    assert!(changed_since_review(&desk).is_empty(), "the reviews stand");
    assert_eq!(desk.rows(Table::StageHistory), history, "no visit written");
    // The value is the card's: the card screen shows it, the rules read it (the column is no
    // longer absent: a card at «Квалификация» without it is flagged, one with it is not).
    let value = &full.iter().find(|r| r[id] == wishing).unwrap()[wants];
    assert_eq!(field(&desk, &wishing, WANTS), json!(value));
    assert!(!r["absent_fields"].to_string().contains(WANTS), "{r}");
    let missing = |card: &str| {
        flags_of(&desk, card)
            .iter()
            .any(|f| f.0 == "required" && f.1.as_deref() == Some(WANTS))
    };
    assert!(missing(&silent) && !missing(&wishing));

    // Said once: the same export again is the same export.
    let again = import(&desk, &given);
    assert_eq!(tally(&again), (0, 0, 371, 0), "{again}");
    assert_eq!(
        (&again["new_columns"], &again["new_column_cards"]),
        (&json!([]), &json!(0))
    );
    assert!(!said(&desk, "en", &given).contains("new column"));

    // From now on the column is the source's: another value in it is a change of the card.
    let mut edited = full.clone();
    let row = edited.iter_mut().find(|r| r[id] == wishing).unwrap();
    row[wants] = "3-комн., до 9 млн".into();
    let edited = write(&desk, "edited.csv", &edited, b',');
    let r = import(&desk, &edited);
    assert_eq!(tally(&r), (0, 1, 370, 0), "{r}");
    assert_eq!(changed_since_review(&desk), [wishing.as_str()]);
    assert_eq!(field(&desk, &wishing, WANTS), json!("3-комн., до 9 млн"));
}

/// The export lost two columns («Город», a custom field, and the creation date, okk's own). It
/// says nothing of them: the cards keep their values, none counts as updated, the reviews
/// stand, and the report says which columns the export lacks. A card edited elsewhere is
/// updated and keeps them too; the export with the columns back changes nothing.
#[test]
fn an_export_that_lost_columns_keeps_their_values_and_changes_no_card() {
    let desk = Desk::new();
    let full = demo();
    let whole = write(&desk, "whole.csv", &full, b',');
    assert_eq!(tally(&import(&desk, &whole)), (371, 0, 0, 0));
    let (id, title) = (at(&full, "ID"), at(&full, "Название сделки"));
    let reviewed: Vec<String> = full[1..4].iter().map(|r| r[id].clone()).collect();
    for card in &reviewed {
        desk.review(card, "anna", "2026-11-20 12:00:00", &Verdict::of("ok"));
    }
    let card = &reviewed[0];
    let (city, created) = (
        field(&desk, card, "Город"),
        desk.card(card)["created_at"].clone(),
    );
    assert!(city.is_string() && created.is_string());
    let history = desk.rows(Table::StageHistory);

    let lost = without(&full, &["Город", "Дата создания сделки"]);
    let lean = write(&desk, "lean.csv", &lost, b',');
    let text = said(&desk, "en", &lean);
    let ru = said(&desk, "ru", &lean);
    let r = import(&desk, &lean);
    assert_eq!(tally(&r), (0, 0, 371, 0), "{r}");
    assert_eq!(
        (&r["missing_columns"], &r["new_columns"]),
        (&json!(["created_at", "Город"]), &json!([])),
        "{r}"
    );
    assert!(
        text.contains(
            "not in this export: «Created», «Город» (earlier imports or syncs of «amocrm» had them); the cards keep the values they had, not emptied"
        ),
        "{text}"
    );
    assert!(
        ru.contains(
            "нет в этой выгрузке: «Создана», «Город» (были в прежних импортах или синхронизациях «amocrm»); карточки хранят прежние значения, они не стёрты"
        ),
        "{ru}"
    );
    assert_eq!(field(&desk, card, "Город"), city, "not emptied");
    assert_eq!(desk.card(card)["created_at"], created);
    assert!(changed_since_review(&desk).is_empty(), "the reviews stand");
    assert_eq!(desk.rows(Table::StageHistory), history);

    // The lean export again: nothing to write.
    assert_eq!(tally(&import(&desk, &lean)), (0, 0, 371, 0));
    // A deal retitled in the CRM: its card changed, and still has what the export lacks.
    let mut retitled = lost.clone();
    retitled[1][title].push_str(" (уточнено)");
    let r = import(&desk, &write(&desk, "retitled.csv", &retitled, b','));
    assert_eq!(tally(&r), (0, 1, 370, 0), "{r}");
    assert_eq!(changed_since_review(&desk), [card.as_str()]);
    assert_eq!(field(&desk, card, "Город"), city);
    assert_eq!(desk.card(card)["created_at"], created);
    // The columns back, the title as the CRM has it now: the cards as they are.
    let mut back = full.clone();
    back[1][title].push_str(" (уточнено)");
    let r = import(&desk, &write(&desk, "back.csv", &back, b','));
    assert_eq!(tally(&r), (0, 0, 371, 0), "{r}");
    assert_eq!(r["missing_columns"], json!([]), "{r}");
    assert_eq!(desk.rows(Table::StageHistory), history);
    // And a value of theirs that changed since is a change.
    let city_col = at(&back, "Город");
    back[2][city_col] = "Сысерть".into();
    let r = import(&desk, &write(&desk, "moved_city.csv", &back, b','));
    assert_eq!(tally(&r), (0, 1, 370, 0), "{r}");
    assert_eq!(field(&desk, &reviewed[1], "Город"), json!("Сысерть"));
}

/// A card that moved stage in an export that also lost a column: the move is in its history,
/// its values in the lost column stay.
#[test]
fn a_card_that_moved_as_its_export_lost_a_column_moves_and_keeps_the_column() {
    let desk = Desk::new();
    let full = demo();
    import(&desk, &write(&desk, "whole.csv", &full, b','));
    let (id, stage) = (at(&full, "ID"), at(&full, "Этап сделки"));
    let mut lost = without(&full, &["Город"]);
    let card = lost[1][id].clone();
    let city = field(&desk, &card, "Город");
    let was = lost[1][stage].clone();
    lost[1][stage] = "Встреча назначена".into();
    let r = import(&desk, &write(&desk, "moved.csv", &lost, b','));
    assert_eq!(tally(&r), (0, 1, 370, 0), "{r}");
    assert_eq!(r["stage_changes"], 1);
    assert_eq!(desk.history(&card), [was.as_str(), "Встреча назначена"]);
    assert_eq!(field(&desk, &card, "Город"), city);
}

/// The export of a pipeline lost its pipeline column: its cards keep their pipeline, and the
/// export is still a full one of it (a deal it no longer holds is gone).
#[test]
fn an_export_that_lost_its_pipeline_column_still_marks_its_missing_deals_gone() {
    let desk = Desk::new();
    let full = demo();
    import(&desk, &write(&desk, "whole.csv", &full, b','));
    let id = at(&full, "ID");
    let mut lost = without(&full, &["Воронка"]);
    let left = lost.remove(5)[id].clone();
    let r = import(&desk, &write(&desk, "lean.csv", &lost, b','));
    assert_eq!(tally(&r), (0, 0, 370, 1), "{r}");
    assert_eq!(r["missing_columns"], json!(["pipeline"]), "{r}");
    assert!(!desk.card(&left)["gone_at"].is_null(), "{left} is gone");
    let kept = &lost[1][id];
    assert_eq!(desk.card(kept)["pipeline"], "Продажи недвижимости");
}

/// Every shipped profile's export alike (Bitrix24's product rows, Salesforce's real sample
/// among them): a column more changes no card, two columns fewer change none either and empty
/// nothing, and the first shape again is the same export.
#[test]
fn any_shipped_export_given_or_losing_columns_changes_no_card() {
    let files: [(String, u8, [&str; 2]); 5] = [
        (
            fixture("amocrm_utf8_bom.csv"),
            b',',
            ["Город", "Дата создания сделки"],
        ),
        (fixture("bitrix24_deals.csv"), b';', ["Источник", "Контакт"]),
        (
            fixture("hubspot-crm-exports-all-deals-2026-11-20.csv"),
            b',',
            ["Lead Source", "Create Date"],
        ),
        (
            fixture("pipedrive_deals.csv"),
            b',',
            ["Deal - Floor", "Deal - Organization"],
        ),
        (salesforce("Opportunity.csv"), b',', ["Type", "CreatedDate"]),
    ];
    for (file, delimiter, lose) in &files {
        let desk = Desk::new();
        let records = records_of(file, *delimiter);
        let first = import(&desk, &write(&desk, "first.csv", &records, *delimiter));
        let cards = first["cards"].as_u64().unwrap();
        let before = desk.rows(Table::Cards);
        let history = desk.rows(Table::StageHistory);
        let hashes = |desk: &Desk| -> Vec<Json> {
            desk.rows(Table::Cards)
                .iter()
                .map(|c| c["content_hash"].clone())
                .collect()
        };
        let kept_hashes = hashes(&desk);

        let given = with(&records, "Новое поле", |i| format!("значение {i}"));
        let r = import(&desk, &write(&desk, "given.csv", &given, *delimiter));
        assert_eq!(tally(&r), (0, 0, cards, 0), "{file}: {r}");
        assert_eq!(r["new_columns"], json!(["Новое поле"]), "{file}");
        assert_eq!(r["new_column_cards"], json!(cards), "{file}");

        let lean = without(&given, lose);
        let r = import(&desk, &write(&desk, "lean.csv", &lean, *delimiter));
        assert_eq!(tally(&r), (0, 0, cards, 0), "{file}: {r}");
        assert_eq!(
            r["missing_columns"].as_array().unwrap().len(),
            2,
            "{file}: {r}"
        );
        // Every card as it was, with the new field: nothing the lost columns said is gone.
        for (was, now) in before.iter().zip(desk.rows(Table::Cards)) {
            for (column, value) in was {
                if ["fields", "export_digest", "content_hash"].contains(&column.as_str())
                    || column.starts_with("judged")
                {
                    continue;
                }
                assert_eq!(
                    &now[column], value,
                    "{file}: card {} {column}",
                    was["external_id"]
                );
            }
            let fields = json_col(&now, "fields");
            let fields = fields.as_object().unwrap();
            for (name, value) in json_col(was, "fields").as_object().unwrap() {
                assert_eq!(fields.get(name), Some(value), "{file}: {name}");
            }
            assert!(fields.contains_key("Новое поле"), "{file}");
        }
        let r = import(&desk, &write(&desk, "again.csv", &records, *delimiter));
        assert_eq!(tally(&r), (0, 0, cards, 0), "{file}: {r}");
        assert_eq!(
            hashes(&desk),
            kept_hashes,
            "{file}: the cards the reviews saw"
        );
        assert_eq!(desk.rows(Table::StageHistory), history, "{file}");
    }
}

/// Two sources: amoCRM deals under `fake` (a custom column «Объект»; no `CreatedById`) and a
/// Salesforce export (`CreatedById` on every opportunity; no «Объект»). `okk fields` says a
/// column is not exported only where the row's own cards come from a source that never had it,
/// and names that source alone: «CreatedById» at «Первичный контакт» (fake's cards) is not
/// exported by fake; at «Qualification» (Salesforce's) it is counted, 9 of 9.
#[test]
fn okk_fields_names_only_the_sources_of_a_rows_cards_that_never_export_the_column() {
    let desk = Desk::new();
    let amo = desk.dir.path().join("amo.csv");
    std::fs::write(
        &amo,
        "ID,Название сделки,Бюджет,Ответственный,Дата создания сделки,Дата редактирования,\
         Дата закрытия,Этап сделки,Воронка,Объект\n\
         1,A,100,Оля,01.11.2026 10:00:00,18.11.2026 10:00:00,не закрыта,Первичный контакт,\
         Продажи,Студия\n\
         2,B,100,Оля,01.11.2026 10:00:00,18.11.2026 10:00:00,не закрыта,Первичный контакт,\
         Продажи,Студия\n",
    )
    .unwrap();
    let today = ["--today", TODAY];
    succeeded(desk.okk().args(today).args([
        "import",
        "--source",
        "fake",
        "--profile",
        "amocrm",
        &path_arg(&amo),
    ]));
    let sf = repo().join("tests/fixtures/salesforce/Opportunity.csv");
    succeeded(
        desk.okk()
            .args(today)
            .args(["import", "--source", "salesforce", &path_arg(&sf)]),
    );
    let out: Json = serde_json::from_str(&succeeded(
        desk.okk().args(today).args(["fields", "--json"]),
    ))
    .unwrap();
    let row = |field: &str, stage: &str| {
        out["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["field"] == field && r["stage"] == stage)
            .unwrap_or_else(|| panic!("no row {field} at {stage}: {out}"))
            .clone()
    };
    let created_here = row("CreatedById", "Первичный контакт");
    assert_eq!(
        created_here["not_exported_by"],
        json!(["fake"]),
        "{created_here}"
    );
    let created_there = row("CreatedById", "Qualification");
    assert_eq!(
        created_there["not_exported_by"],
        json!([]),
        "{created_there}"
    );
    assert_eq!(
        (&created_there["cards"], &created_there["filled"]),
        (&json!(9), &json!(9))
    );
    let object_there = row("Объект", "Qualification");
    assert_eq!(object_there["not_exported_by"], json!(["salesforce"]));
    assert_eq!(object_there["rate"], Json::Null);
    assert_eq!(row("Объект", "Первичный контакт")["filled"], 2);
    // The text says the same, in Russian too.
    let text = succeeded(desk.okk().args(today).args([
        "--lang",
        "ru",
        "fields",
        "--stage",
        "Первичный контакт",
    ]));
    assert!(
        text.contains("Первичный контакт: не приходит из fake\n"),
        "{text}"
    );
    assert!(!text.contains("fake, salesforce"), "{text}");
}
