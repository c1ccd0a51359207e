//! A desk imports the export its CRM wrote, whichever CRM, encoding or layout: okk names the
//! profile and encoding it chose, counts the cards per stage, and stores each value where it
//! belongs (owner, amount, dates as 'YYYY-MM-DD HH:MM:SS', tags, notes, custom fields).

mod common;

use common::{Desk, Table, counts, fixture, json_col, path_arg, salesforce, succeeded, text};
use serde_json::json;

// ---- amoCRM -----------------------------------------------------------------------------------

#[test]
fn amocrm_utf8_export_with_bom_is_detected_and_mapped() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(r["profile"], "amocrm");
    assert_eq!(r["encoding"], "UTF-8 (BOM)");
    assert_eq!(r["delimiter"], ",");
    assert_eq!(r["source"], "amocrm");
    assert_eq!(
        (r["rows"].as_u64(), r["cards"].as_u64()),
        (Some(5), Some(5))
    );
    assert_eq!(r["inserted"], 5);
    assert_eq!(r["warnings"], 0);
    assert_eq!(r["unknown_stages"], json!([]));
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("Первичный контакт", 2),
            ("Квалификация", 1),
            ("Успешно реализовано", 1),
            ("Закрыто и не реализовано", 1),
        ])
    );

    let c = desk.card("1001");
    assert_eq!(c["source"], "amocrm");
    assert_eq!(c["title"], "Квартира в ЖК «Солнечный берег»");
    assert_eq!(c["owner"], "Смирнова Ольга");
    assert_eq!(c["amount"], 8_450_000.0);
    assert_eq!(c["pipeline"], "Продажи недвижимости");
    assert_eq!(c["created_at"], "2026-11-20 10:11:35");
    assert_eq!(c["updated_at"], "2026-11-20 10:11:35");
    assert_eq!(c["contact"], "Петров Павел Николаевич");
    assert_eq!(c["company"], "ООО «Ромашка»");
    assert_eq!(json_col(&c, "tags"), json!(["VIP", "ипотека", "сайт"]));
    assert_eq!(
        json_col(&c, "phones"),
        json!(["+7 907 636-56-65", "+7 912 000-11-22"])
    );
    assert_eq!(json_col(&c, "emails"), json!(["p.petrov@example.ru"]));
    assert_eq!(json_col(&c, "invalid"), json!({}));

    assert_eq!(desk.card("1003")["amount"], 20_180_000.5);
    assert_eq!(desk.card("1004")["closed_at"], "2026-11-15 18:00:00");
    assert_eq!(desk.card("1005")["closed_at"], "2026-11-10 12:00:00");
}

#[test]
fn amocrm_multiline_note_with_doubled_quotes_is_one_note() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let c = desk.card("1001");
    assert_eq!(
        json_col(&c, "notes"),
        json!([
            "Клиент сказал: \"перезвоните в четверг\"\nХочет 2-комнатную",
            "Отправил презентацию"
        ])
    );
    // The record after the two-line one is read whole, from its own first line.
    assert_eq!(desk.card("1002")["title"], "Павлов Павел");
}

#[test]
fn amocrm_not_closed_text_leaves_the_closing_date_empty_without_a_warning() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    assert_eq!(r["warnings"], 0);
    for id in ["1001", "1002", "1003"] {
        let c = desk.card(id);
        assert_eq!(c["closed_at"], json!(null), "card {id}");
        assert_eq!(json_col(&c, "invalid"), json!({}), "card {id}");
    }
}

#[test]
fn amocrm_padded_budget_header_maps_and_its_repeat_survives_as_budget_2() {
    let desk = Desk::new();
    desk.import_one(&[&fixture("amocrm_utf8_bom.csv")]);
    let c = desk.card("1001");
    // `"Бюджет "` is the amount; the account's own custom field «Бюджет» is kept apart.
    assert_eq!(c["amount"], 8_450_000.0);
    assert_eq!(
        json_col(&c, "fields"),
        json!({
            "Кем создана сделка": "Администратор",
            "Кем редактирована": "Смирнова Ольга",
            "Ответственный за контакт": "Смирнова Ольга",
            "Город": "Екатеринбург",
            "Источник": "Сайт",
            "Интересующие параметры": "2-комн., до 9 млн",
            "Бюджет (2)": "9 000 000",
            "utm_source": "yandex",
        })
    );
}

#[test]
fn amocrm_windows_1251_export_with_semicolons_quotes_and_crlf() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("amocrm_cp1251.csv")]);
    assert_eq!(r["profile"], "amocrm");
    assert_eq!(r["encoding"], "windows-1251");
    assert_eq!(r["delimiter"], ";");
    assert_eq!(
        (r["rows"].as_u64(), r["cards"].as_u64()),
        (Some(4), Some(4))
    );
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("Квалификация", 2),
            ("Встреча назначена", 1),
            ("Договор", 1)
        ])
    );
    let c = desk.card("2101");
    assert_eq!(c["title"], "Квартира для семьи с детьми");
    assert_eq!(c["owner"], "Кузнецова Елена");
    assert_eq!(c["amount"], 7_300_000.0);
    assert_eq!(c["created_at"], "2026-11-12 11:00:00");
    assert_eq!(c["closed_at"], json!(null));
    assert_eq!(json_col(&c, "tags"), json!(["ипотека", "семейная"]));
    assert_eq!(
        json_col(&c, "notes"),
        json!(["Нужна школа рядом; просит планировки"])
    );
    // The last column of a CRLF line carries no stray `\r`.
    assert_eq!(json_col(&c, "fields"), json!({"Город": "Екатеринбург"}));

    let c = desk.card("2102");
    assert_eq!(c["title"], "Студия «под сдачу»");
    assert_eq!(
        json_col(&c, "notes"),
        json!(["Клиент: \"возьму, если скидка\""])
    );
    assert_eq!(desk.card("2104")["closed_at"], "2026-11-18 17:05:00");
    // No carriage return left in any text a card keeps (its JSON columns parsed).
    let with_cr = desk.rows_where(Table::Cards, |c| {
        ["fields", "notes", "stage"].iter().any(|col| {
            let raw = c[*col].as_str().unwrap_or_default();
            let parsed = serde_json::from_str(raw).unwrap_or(json!(raw));
            raw.contains('\r') || parsed.to_string().contains("\\r")
        })
    });
    assert_eq!(with_cr, 0);
}

#[test]
fn amocrm_koi8r_export_is_told_from_windows_1251() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("amocrm_koi8r.csv")]);
    assert_eq!(r["profile"], "amocrm");
    assert_eq!(r["encoding"], "KOI8-R");
    assert_eq!(r["cards"], 3);
    assert_eq!(
        desk.stage_counts(),
        counts(&[("Встреча проведена", 2), ("Бронирование", 1)])
    );
    let c = desk.card("2201");
    assert_eq!(c["title"], "Трёхкомнатная квартира у парка");
    assert_eq!(c["owner"], "Орлова Светлана");
    assert_eq!(c["amount"], 12_500_000.0);
    assert_eq!(c["created_at"], "2026-11-03 09:15:00");
}

#[test]
fn amocrm_utf16le_tab_separated_export() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("amocrm_utf16le.csv")]);
    assert_eq!(r["profile"], "amocrm");
    assert_eq!(r["encoding"], "UTF-16LE");
    assert_eq!(r["delimiter"], "tab");
    assert_eq!(r["cards"], 3);
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("Первичный контакт", 1),
            ("Молчуны после встречи", 1),
            ("Отработка возражений", 1),
        ])
    );
    let c = desk.card("2301");
    assert_eq!(c["owner"], "Фёдорова Ирина");
    assert_eq!(c["amount"], 4_200_000.0);
    assert_eq!(c["created_at"], "2026-11-18 12:00:00");
    assert_eq!(json_col(&c, "tags"), json!(["выставка", "холодный"]));
    assert_eq!(json_col(&desk.card("2302"), "tags"), json!([]));
}

#[test]
fn forced_encoding_is_used_and_reported() {
    let desk = Desk::new();
    let r = desk.import_one(&["--encoding", "cp1251", &fixture("amocrm_cp1251.csv")]);
    assert_eq!(r["encoding"], "windows-1251");
    assert_eq!(r["encoding_reason"], "--encoding");
    assert_eq!(desk.card("2103")["title"], "Двухкомнатная квартира");
}

// ---- Bitrix24 ---------------------------------------------------------------------------------

#[test]
fn bitrix24_export_with_trailing_semicolons_owner_ids_and_product_rows() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("bitrix24_deals.csv")]);
    assert_eq!(r["profile"], "bitrix24");
    assert_eq!(r["encoding"], "UTF-8 (BOM)");
    assert_eq!(r["delimiter"], ";");
    assert_eq!(
        (r["cards"].as_u64(), r["inserted"].as_u64()),
        (Some(3), Some(3))
    );
    assert_eq!(r["warnings"], 0);
    // «Сделка успешна» is an alias in the funnel; the other two are not.
    assert_eq!(
        r["unknown_stages"],
        json!([
            {"stage": "Новая", "cards": 1, "read": 1},
            {"stage": "Подготовка документов", "cards": 1, "read": 1},
        ])
    );
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("Подготовка документов", 1),
            ("Сделка успешна", 1),
            ("Новая", 1)
        ])
    );
    assert_eq!(desk.rows(Table::Cards).len(), 3);

    // Three product rows of deal 501 are one card, its amount their sum.
    let c = desk.card("501");
    assert_eq!(c["amount"], 400_000.5);
    assert_eq!(c["owner"], "Смирнова Ольга");
    assert_eq!(c["closed"], 0);
    assert_eq!(c["currency"], "RUB");
    assert_eq!(c["pipeline"], "Общая");
    assert_eq!(c["created_at"], "2026-11-20 10:11:35");
    assert_eq!(c["expected_close_at"], "2026-12-30 00:00:00");
    assert_eq!(json_col(&c, "notes"), json!(["Ждём одобрение банка"]));
    assert_eq!(
        json_col(&c, "fields"),
        json!({
            // The owner's user id from «Смирнова Ольга [17]», under the API's own name.
            "ASSIGNED_BY_ID": "17",
            "Кем создана": "Администратор",
            "Источник": "Звонок",
            "Товар": "Квартира; Парковка; Кладовая",
            "Группа стадий": "В работе",
        })
    );
    assert_eq!(desk.history("501"), ["Подготовка документов"]);

    let c = desk.card("502");
    assert_eq!(c["owner"], "Иванов Пётр");
    assert_eq!(c["closed"], 1);
    assert_eq!(c["amount"], 1_200_000.0);
    assert_eq!(json_col(&c, "notes"), json!(["Оплата \"в два транша\""]));

    let c = desk.card("503");
    assert_eq!(c["owner"], "Козлова Мария");
    assert_eq!(c["amount"], json!(null));
    assert_eq!(c["expected_close_at"], json!(null));
}

#[test]
fn bitrix24_product_rows_are_counted_as_rows_of_the_file() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("bitrix24_deals.csv")]);
    // 5 data rows in the file, 3 deals.
    assert_eq!(
        (r["rows"].as_u64(), r["cards"].as_u64()),
        (Some(5), Some(3))
    );
}

#[test]
fn bitrix24_product_rows_add_up_their_lines_but_not_a_total_each_row_repeats() {
    let desk = Desk::new();
    let head = "\u{feff}\"ID\";\"Название сделки\";\"Стадия сделки\";\"Воронка\";\"Сумма\";\
                \"Товар\";\"Цена\";\"Количество\";\n";
    let row = |id: &str, sum: &str, product: &str, price: &str, qty: &str| {
        format!(
            "\"{id}\";\"Сделка {id}\";\"Первичный контакт\";\"Общая\";\"{sum}\";\"{product}\";\
             \"{price}\";\"{qty}\";\n"
        )
    };
    let file = desk.dir.path().join("b24_products.csv");
    let text = [
        head.to_string(),
        // Each row the line's amount, price × quantity: the deal is their sum.
        row("601", "200000", "Товар 1", "100000", "2"),
        row("601", "50000", "Товар 2", "50000", "1"),
        // Each row the deal's total: the deal is that total, once.
        row("602", "150000", "Товар 1", "100000", "1"),
        row("602", "150000", "Товар 2", "50000", "1"),
        // Two lines of the same amount that are their price × quantity: two lines.
        row("603", "70000", "Товар 1", "70000", "1"),
        row("603", "70000", "Товар 3", "35000", "2"),
    ]
    .concat();
    std::fs::write(&file, text).unwrap();
    let r = desk.import_one(&["--profile", "bitrix24", file.to_str().unwrap()]);
    assert_eq!(r["cards"], 3);
    assert_eq!(desk.card("601")["amount"], json!(250000.0));
    assert_eq!(desk.card("602")["amount"], json!(150000.0));
    assert_eq!(desk.card("603")["amount"], json!(140000.0));
}

/// A deal of three product lines (the tester's #501: a flat ×1, a parking space ×2, a storeroom
/// ×1): the card keeps each line's product, price and quantity in row order — «1; 2; 1», not
/// the quantities each once («1; 2»), which left the ×2 beside no product —, a line column
/// where a row has no value holds its place, and the deal's own columns, the same on every row,
/// stay one value even when it holds `; ` itself.
#[test]
fn bitrix24_product_lines_keep_their_columns_in_step_and_the_deal_s_own_columns_once() {
    let desk = Desk::new();
    let head = "\u{feff}\"ID\";\"Название сделки\";\"Стадия сделки\";\"Сумма\";\
                \"Дополнительно об источнике\";\"Товар\";\"Цена\";\"Количество\";\
                \"Скидка\";\n";
    let row = |sum: &str, product: &str, price: &str, qty: &str, discount: &str| {
        format!(
            "\"501\";\"ЖК «Северный»\";\"Первичный контакт\";\"{sum}\";\
             \"Заявка с сайта; \"\"горячая\"\"\";\"{product}\";\"{price}\";\"{qty}\";\
             \"{discount}\";\n"
        )
    };
    let file = desk.dir.path().join("b24_lines.csv");
    let text = [
        head.to_string(),
        row("10000000", "Квартира 3к", "10000000", "1", ""),
        row("3000000", "Машиноместо", "1500000", "2", "5%"),
        row("350000", "Кладовая", "350000", "1", ""),
        // One line: as it is.
        "\"502\";\"Студия\";\"Первичный контакт\";\"10\";\"\";\"Студия\";\"10\";\"1\";\"\";\n"
            .to_string(),
    ]
    .concat();
    std::fs::write(&file, text).unwrap();
    let r = desk.import_one(&["--profile", "bitrix24", file.to_str().unwrap()]);
    assert_eq!(r["cards"], 2);
    let c = desk.card("501");
    assert_eq!(c["amount"], json!(13_350_000.0));
    assert_eq!(
        json_col(&c, "fields"),
        json!({
            "Дополнительно об источнике": "Заявка с сайта; \"горячая\"",
            "Товар": "Квартира 3к; Машиноместо; Кладовая",
            "Цена": "10000000; 1500000; 350000",
            "Количество": "1; 2; 1",
            // Not a line column the profile names, but its rows differ: one value per row.
            "Скидка": "—; 5%; —",
        })
    );
    assert_eq!(
        json_col(&desk.card("502"), "fields"),
        json!({"Товар": "Студия", "Цена": "10", "Количество": "1"})
    );
}

// ---- HubSpot, Pipedrive -----------------------------------------------------------------------

#[test]
fn hubspot_all_quoted_export() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("hubspot-crm-exports-all-deals-2026-11-20.csv")]);
    assert_eq!(r["profile"], "hubspot");
    assert_eq!(r["encoding"], "UTF-8");
    assert_eq!(r["cards"], 4);
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("appointmentscheduled", 2),
            ("closedwon", 1),
            ("contractsent", 1)
        ])
    );
    let c = desk.card("18234567801");
    assert_eq!(c["source"], "hubspot");
    assert_eq!(c["title"], "Acme - 3 apartments");
    assert_eq!(c["owner"], "Anna Popova");
    assert_eq!(c["amount"], 12_500.5);
    assert_eq!(c["pipeline"], "Sales Pipeline");
    assert_eq!(c["created_at"], "2026-11-02 09:30:00");
    assert_eq!(c["expected_close_at"], "2026-12-15 00:00:00");
    assert_eq!(c["last_activity_at"], "2026-11-19 16:45:00");
    assert_eq!(json_col(&c, "tags"), json!(["newbusiness"]));
    assert_eq!(
        json_col(&c, "notes"),
        json!(["Wants a bulk discount, meeting on Friday"])
    );
    assert_eq!(json_col(&c, "fields"), json!({"Lead Source": "Website"}));
    assert_eq!(desk.card("18234567804")["title"], "Umbrella, \"phase 2\"");
}

/// Pipedrive keeps a won or lost deal in the stage it was closed from, its status saying the
/// rest: such a deal is the funnel's won or lost card (counted, queued and judged there), not a
/// card of that open stage flagged `closed_open`, critical, for being closed.
#[test]
fn hubspot_closedwon_and_closedlost_stages_are_the_funnels_closed_stages() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("hubspot_closed_deals.csv")]);
    assert_eq!(r["profile"], "hubspot");
    assert_eq!(r["warnings"], 0);
    // The default funnel knows them (aliases of its won and lost stages); the open one it does not.
    assert_eq!(
        r["unknown_stages"],
        json!([{"stage": "appointmentscheduled", "cards": 1, "read": 1}])
    );
    let won = desk.card("18234567811");
    assert_eq!((&won["closed"], &won["won"]), (&json!(1), &json!(1)));
    let lost = desk.card("18234567812");
    assert_eq!((&lost["closed"], &lost["won"]), (&json!(1), &json!(0)));
    let open = desk.card("18234567813");
    assert_eq!(
        (&open["closed"], &open["won"]),
        (&json!(null), &json!(null))
    );
    // No card is flagged for an unknown stage or for a closed flag that disagrees with its stage.
    let flags: Vec<String> = desk
        .rows(Table::Flags)
        .iter()
        .map(|f| text(f, "code"))
        .collect();
    assert_eq!(
        flags.iter().filter(|c| *c == "unknown_stage").count(),
        1,
        "{flags:?}"
    );
    assert!(!flags.iter().any(|c| c == "closed_open"), "{flags:?}");
}

/// A profile, its file's header, a row with `{id}`, `{stage}`, `{status}`, `{won}` to fill, and
/// the closing stages (or statuses) with the kind each means.
type ClosingFile = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// Each CRM okk has a profile for closes a deal into stages of its own names: amoCRM/Kommo's
/// 142 and 143 in Russian and English, Bitrix24's success and failure stages, HubSpot's
/// internal names and labels, Salesforce's `Closed Won`/`Closed Lost`, and Pipedrive's status.
/// The built-in funnel knows every one as its won or lost stage: none is an unknown stage,
/// queued flagged U and counted outside the funnel.
#[test]
fn every_crms_own_closing_stages_are_the_built_in_funnels_won_and_lost_stages() {
    let files: [ClosingFile; 5] = [
        (
            "amocrm",
            "ID,Название сделки,Этап сделки,Воронка\n",
            "{id},Сделка,{stage},Продажи\n",
            &[
                ("Успешно реализовано", "won"),
                ("Закрыто и не реализовано", "lost"),
                ("Closed - won", "won"),
                ("Closed - lost", "lost"),
            ],
        ),
        (
            "bitrix24",
            "\"ID\";\"Название сделки\";\"Стадия сделки\";\"Воронка\";\"Сделка закрыта\";\n",
            "\"{id}\";\"Сделка\";\"{stage}\";\"Общая\";\"Да\";\n",
            &[
                ("Сделка успешна", "won"),
                ("Сделка провалена", "lost"),
                ("Deal successful", "won"),
            ],
        ),
        (
            "hubspot",
            "\"Record ID\",\"Deal Name\",\"Deal Stage\",\"Pipeline\"\n",
            "\"{id}\",\"Deal\",\"{stage}\",\"Sales Pipeline\"\n",
            &[
                ("closedwon", "won"),
                ("closedlost", "lost"),
                ("Closed Won", "won"),
                ("Closed Lost", "lost"),
            ],
        ),
        (
            "salesforce",
            "Id,Name,StageName,IsClosed,IsWon\n",
            "{id},Deal,{stage},1,{won}\n",
            &[("Closed Won", "won"), ("Closed Lost", "lost")],
        ),
        (
            "pipedrive",
            "Deal - ID,Deal - Title,Deal - Stage,Deal - Status\n",
            "{id},Deal,Negotiations Started,{status}\n",
            &[("won", "won"), ("lost", "lost")],
        ),
    ];
    for (profile, header, row, stages) in files {
        let desk = Desk::new();
        std::fs::create_dir_all(desk.tmp_dir()).unwrap();
        let mut csv = header.to_string();
        for (i, (stage, kind)) in stages.iter().enumerate() {
            let won = if *kind == "won" { "1" } else { "" };
            csv.push_str(
                &row.replace("{id}", &(i + 1).to_string())
                    .replace("{stage}", stage)
                    .replace("{status}", stage)
                    .replace("{won}", won),
            );
        }
        let file = desk.tmp_dir().join(format!("{profile}.csv"));
        std::fs::write(&file, csv).unwrap();
        let r = desk.import_one(&[&path_arg(&file)]);
        assert_eq!(r["profile"], profile);
        assert_eq!(r["warnings"], 0, "{profile}: {r:#}");
        assert_eq!(r["unknown_stages"], json!([]), "{profile}");
        let (won, lost) = stages.iter().fold((0, 0), |(w, l), (_, kind)| {
            if *kind == "won" {
                (w + 1, l)
            } else {
                (w, l + 1)
            }
        });
        assert_eq!(
            (
                desk.stats_row("Успешно реализовано")["cards"].as_i64(),
                desk.stats_row("Закрыто и не реализовано")["cards"].as_i64()
            ),
            (Some(won), Some(lost)),
            "{profile}"
        );
        let flags: Vec<String> = (desk.rows(Table::Flags).iter())
            .map(|f| text(f, "code"))
            .collect();
        assert!(
            !flags
                .iter()
                .any(|c| c == "unknown_stage" || c == "closed_open"),
            "{profile}: {flags:?}"
        );
    }
}

#[test]
fn pipedrive_status_column_sets_closed_and_won() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("pipedrive_deals.csv")]);
    assert_eq!(r["profile"], "pipedrive");
    assert_eq!(r["cards"], 3);
    assert_eq!(r["warnings"], 0);
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("Qualified", 1),
            ("Успешно реализовано", 1),
            ("Закрыто и не реализовано", 1)
        ])
    );
    let open = desk.card("7");
    assert_eq!((&open["closed"], &open["won"]), (&json!(0), &json!(null)));
    assert_eq!(open["owner"], "Maria Lopez");
    assert_eq!(open["amount"], 9_500.0);
    assert_eq!(open["currency"], "EUR");
    assert_eq!(open["company"], "Riverside LLC");
    assert_eq!(open["created_at"], "2026-11-03 10:00:00");
    assert_eq!(open["expected_close_at"], "2026-12-31 00:00:00");
    assert_eq!(
        json_col(&open, "fields"),
        json!({"Total activities": "4", "Floor": "5"}),
        "a custom column of the deal is named by its label"
    );
    let won = desk.card("8");
    assert_eq!((&won["closed"], &won["won"]), (&json!(1), &json!(1)));
    let lost = desk.card("9");
    assert_eq!((&lost["closed"], &lost["won"]), (&json!(1), &json!(0)));
    assert_eq!(json_col(&lost, "notes"), json!(["Too expensive"]));
}

/// Pipedrive heads every custom field `Сделка - <label>` (`Deal - ` in English): the deal's
/// field is the funnel's field of that label — read, checked by the stage's rules, not reported
/// as missing from the export — while the linked person's and organization's columns keep their
/// whole header and fill none of the deal's fields.
#[test]
fn a_pipedrive_deal_field_meets_the_funnel_s_field_by_its_label_and_a_person_s_does_not() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("pipedrive_deals_ru.csv")]);
    assert_eq!(r["profile"], "pipedrive");
    let absent = r["absent_fields"].to_string();
    assert!(!absent.contains("Дата встречи в офисе продаж"), "{r}");
    assert!(
        absent.contains("Интересующие параметры"),
        "the organization's column is not the deal's field: {r}"
    );
    assert_eq!(
        json_col(&desk.card("201"), "fields"),
        json!({
            "Дата встречи в офисе продаж": "2026-11-03",
            "Контактное лицо - Дата встречи в офисе продаж": "2026-10-01",
            "Организация - Интересующие параметры": "2к до 9 млн"
        })
    );
    // «Встреча проведена» wants the meeting in the past: 202's is ahead of the day judged.
    let check = succeeded(
        desk.okk()
            .args(["--today", "2026-11-20", "check", "--json"]),
    );
    let check: serde_json::Value = serde_json::from_str(&check).unwrap();
    let flags = |id: &str| -> Vec<(String, String)> {
        (check["cards"].as_array().unwrap().iter())
            .filter(|c| c["id"] == id)
            .flat_map(|c| c["flags"].as_array().unwrap())
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
                (s("code"), s("field"))
            })
            .collect()
    };
    let meeting = "Дата встречи в офисе продаж".to_string();
    assert!(
        flags("202").contains(&("date".into(), meeting.clone())),
        "{check}"
    );
    for id in ["202", "203"] {
        assert!(
            !flags(id).contains(&("required".into(), meeting.clone())),
            "{id}: the meeting's date is filled: {check}"
        );
    }
}

/// The same in the desk's own funnel: a deal won from «Договор» is not flagged for being closed
/// on an open stage, nor judged by that stage's rules (idle, markers), and a deal still open
/// there is.
#[test]
fn a_pipedrive_deal_closed_by_status_is_judged_as_closed() {
    let desk = Desk::new();
    std::fs::create_dir_all(desk.tmp_dir()).unwrap();
    let csv = desk.tmp_dir().join("pipedrive-ru.csv");
    std::fs::write(
        &csv,
        "Deal - ID,Deal - Title,Deal - Stage,Deal - Owner,Deal - Status,Deal - Deal created,\
         Deal - Won time,Deal - Last activity date\n\
         1,Квартира,Договор,Иванов Пётр,won,2026-09-01 10:00:00,2026-10-01 10:00:00,2026-10-01\n\
         2,Студия,Договор,Иванов Пётр,lost,2026-09-01 10:00:00,2026-10-01 10:00:00,2026-10-01\n\
         3,Дом,Договор,Иванов Пётр,open,2026-09-01 10:00:00,,2026-10-01\n",
    )
    .unwrap();
    let r = desk.import_one(&[&path_arg(&csv)]);
    assert_eq!(r["profile"], "pipedrive");
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("Договор", 1),
            ("Успешно реализовано", 1),
            ("Закрыто и не реализовано", 1)
        ])
    );
    let check = succeeded(
        desk.okk()
            .args(["--today", "2026-11-20", "check", "--json"]),
    );
    let check: serde_json::Value = serde_json::from_str(&check).unwrap();
    let flagged = |id: &str| {
        check["cards"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] == id)
            .flat_map(|c| c["flags"].as_array().unwrap())
            .filter(|f| f["code"] == "closed_open" || f["code"] == "idle")
            .count()
    };
    assert_eq!((flagged("1"), flagged("2")), (0, 0));
    // The open one, idle since October, is flagged as before.
    assert!(flagged("3") > 0);
}

// ---- Salesforce (a real demo-org dump) --------------------------------------------------------

/// A partial export of one deal says the unknown stage by the cards the store holds there, as
/// `okk sync` does: the one row read is not what the user has to add to the funnel for.
#[test]
fn a_partial_export_counts_an_unknown_stage_by_the_cards_the_store_holds_there() {
    let desk = Desk::new();
    desk.import_one(&[&salesforce("Opportunity.csv")]);
    let whole =
        std::fs::read_to_string(common::repo().join("tests/fixtures/salesforce/Opportunity.csv"))
            .unwrap();
    let one: Vec<&str> = whole.lines().take(2).collect();
    assert!(one[1].contains("Qualification"), "{}", one[1]);
    let path = desk.dir.path().join("one.csv");
    std::fs::write(&path, one.join("\n") + "\n").unwrap();
    let r = desk.import_one(&["--partial", path.to_str().unwrap()]);
    let stages = r["unknown_stages"].as_array().unwrap();
    assert_eq!(stages.len(), 4, "{r}");
    assert!(
        stages.contains(&json!({"stage": "Qualification", "cards": 9, "read": 1})),
        "{r}"
    );
    assert!(
        stages.contains(&json!({"stage": "Discovery", "cards": 9, "read": 0})),
        "{r}"
    );
}

#[test]
fn salesforce_opportunity_export_is_detected_with_its_stage_counts() {
    let desk = Desk::new();
    let r = desk.import_one(&[&salesforce("Opportunity.csv")]);
    assert_eq!(r["profile"], "salesforce");
    assert_eq!(r["encoding"], "UTF-8 (BOM)");
    assert_eq!(
        (r["rows"].as_u64(), r["cards"].as_u64()),
        (Some(50), Some(50))
    );
    assert_eq!(r["warnings"], 0);
    // Counted in the file with `csv.DictReader`; none of the open ones is in the real-estate
    // funnel, whose won and lost stages have Salesforce's names for them.
    assert_eq!(
        r["unknown_stages"],
        json!([
            {"stage": "Discovery", "cards": 9, "read": 9},
            {"stage": "Negotiation", "cards": 9, "read": 9},
            {"stage": "Qualification", "cards": 9, "read": 9},
            {"stage": "Proposal/Quote", "cards": 8, "read": 8},
        ])
    );
    assert_eq!(
        desk.stage_counts(),
        counts(&[
            ("Qualification", 9),
            ("Closed Won", 12),
            ("Negotiation", 9),
            ("Discovery", 9),
            ("Proposal/Quote", 8),
            ("Closed Lost", 3),
        ])
    );
    let c = desk.card("006Ec00000AieKFIAZ");
    assert_eq!(
        c["title"],
        "Patterson-Hansen - Merchant Services - November 2024"
    );
    assert_eq!(c["owner"], "005Ec000004oBPNIA2");
    assert_eq!(c["company"], "001Ec00000GGw3iIAD");
    assert_eq!(c["amount"], 1_124_741.15);
    // `2024-01-22T16:14:25.000+0000` → UTC; `CloseDate` is a date.
    assert_eq!(c["created_at"], "2024-01-22 16:14:25");
    assert_eq!(c["updated_at"], "2024-01-22 16:14:25");
    assert_eq!(c["expected_close_at"], "2024-11-10 00:00:00");
    // Salesforce writes `1` or nothing: an open deal is closed = 0, won = 0.
    assert_eq!((&c["closed"], &c["won"]), (&json!(0), &json!(0)));
    let fields = json_col(&c, "fields");
    assert_eq!(fields["External_id__c"], "ext_opportunity_0");
    assert_eq!(fields["Product__c"], "Merchant Services");

    let won = desk.card("006Ec00000AieKGIAZ");
    assert_eq!((&won["closed"], &won["won"]), (&json!(1), &json!(1)));
    assert_eq!(
        desk.rows_where(Table::Cards, |c| c["closed"] == 1 && c["won"] == 1),
        12
    );
    // Lost deals: IsClosed 1, IsWon empty.
    assert_eq!(
        desk.rows_where(Table::Cards, |c| c["closed"] == 1 && c["won"] == 0),
        3
    );
}

#[test]
fn salesforce_leads_import_through_the_salesforce_profile_once_the_hint_names_their_stage() {
    let desk = Desk::new();
    let leads = salesforce("Lead.csv");
    // Leads have `Status` where opportunities have `StageName`: the refusal says which map fixes it.
    let err = desk.import_fails(&[&leads]);
    assert!(
        err.contains("profile salesforce looks for «StageName»"),
        "{err}"
    );
    assert!(err.contains("name it with --map stage=HEADER"), "{err}");
    // Following the hint keeps the profile the headers name, with the map on top of it.
    let r = desk.import_one(&["--map", "stage=Status", &leads]);
    assert_eq!(r["profile"], "salesforce");
    assert_eq!(r["source"], "salesforce");
    assert_eq!(r["cards"], 60);
    assert_eq!(
        desk.stage_counts(),
        counts(&[("Qualified", 24), ("New", 21), ("Working", 15)])
    );
    let c = desk.card("00QEc00000BBaeXMAT");
    assert_eq!(c["title"], "William Lee");
    assert_eq!(c["owner"], "005Ec000004oBPNIA2");
    assert_eq!(c["created_at"], "2024-01-22 20:36:47");
    // A lead's phone, email and company are the card's, not custom fields.
    assert_eq!(json_col(&c, "phones"), serde_json::json!(["8683896283"]));
    assert_eq!(
        json_col(&c, "emails"),
        serde_json::json!(["william.lee@example.com"])
    );
    assert_eq!(c["company"], "001Ec00000GINb1IAH");
}

#[test]
fn salesforce_leads_import_as_generic_with_a_column_map() {
    let desk = Desk::new();
    let r = desk.import_one(&[
        "--profile",
        "generic",
        "--map",
        "external_id=Id,stage=Status,title=Company,owner=OwnerId",
        &salesforce("Lead.csv"),
    ]);
    assert_eq!(r["profile"], "generic");
    assert_eq!(r["source"], "generic");
    assert_eq!(
        (r["rows"].as_u64(), r["cards"].as_u64()),
        (Some(60), Some(60))
    );
    // Counted in the file's `Status` column.
    assert_eq!(
        desk.stage_counts(),
        counts(&[("Qualified", 24), ("New", 21), ("Working", 15)])
    );
    let c = desk.card("00QEc00000BBaeXMAT");
    assert_eq!(c["stage"], "Qualified");
    assert_eq!(c["title"], "001Ec00000GINb1IAH");
    assert_eq!(c["owner"], "005Ec000004oBPNIA2");
    let fields = json_col(&c, "fields");
    assert_eq!(fields["Name"], "William Lee");
    assert_eq!(fields["Email"], "william.lee@example.com");
    // A quoted JSON cell with doubled quotes comes through intact.
    assert_eq!(
        fields["Address"],
        "{\"city\":\"East Kellyburgh\",\"country\":\"US\",\"geocodeAccuracy\":null,\
         \"latitude\":null,\"longitude\":null,\"postalCode\":\"11709\",\"state\":\"ME\",\
         \"street\":\"84011 Porter Springs Suite 653\"}"
    );
}

// ---- XLSX -------------------------------------------------------------------------------------

#[test]
fn xlsx_export_reads_the_first_sheet_by_default() {
    let desk = Desk::new();
    let r = desk.import_one(&[&fixture("amocrm_two_sheets.xlsx")]);
    assert_eq!(r["profile"], "amocrm");
    assert_eq!(r["encoding"], "xlsx");
    assert_eq!(r["sheet"], "Сделки");
    assert_eq!(r["cards"], 3);
    assert_eq!(
        desk.stage_counts(),
        counts(&[("Квалификация", 1), ("Первичный контакт", 2)])
    );
    let c = desk.card("5001");
    assert_eq!(c["title"], "Квартира из таблицы");
    assert_eq!(c["owner"], "Смирнова Ольга");
    assert_eq!(c["amount"], 7_500_000.0);
    // A real date cell (number format 22) and a text date both land as 'YYYY-MM-DD HH:MM:SS'.
    assert_eq!(c["created_at"], "2026-11-20 10:30:00");
    assert_eq!(desk.card("5002")["created_at"], "2026-11-19 18:31:35");
    assert_eq!(desk.card("5002")["amount"], 3_900_000.5);
    assert_eq!(json_col(&c, "fields"), json!({"Город": "Екатеринбург"}));
    // A row whose trailing cells are absent is padded, not refused.
    assert_eq!(json_col(&desk.card("5003"), "fields"), json!({}));
}

#[test]
fn xlsx_sheet_flag_picks_the_second_sheet() {
    let desk = Desk::new();
    let r = desk.import_one(&["--sheet", "Архив", &fixture("amocrm_two_sheets.xlsx")]);
    assert_eq!(r["sheet"], "Архив");
    assert_eq!(r["cards"], 2);
    assert_eq!(
        desk.stage_counts(),
        counts(&[("Успешно реализовано", 1), ("Закрыто и не реализовано", 1)])
    );
    assert_eq!(desk.card("5101")["amount"], 9_000_000.0);
    assert_eq!(
        desk.rows_where(Table::Cards, |c| text(c, "external_id").starts_with("500")),
        0
    );
}

/// The report names a workbook by what its bytes are: an OpenDocument sheet saved as `.ods`
/// was reported as «xlsx», which sent users looking for an Excel file they never had.
#[test]
fn an_ods_workbook_is_reported_as_ods_in_both_languages() {
    let desk = Desk::new();
    let ods = path_arg(&common::repo().join("tests/fixtures/import/hostile/deals.ods"));
    let r = desk.import_one(&["--dry-run", &ods]);
    assert_eq!(r["encoding"], "ods");
    assert_eq!(r["sheet"], "Сделки");
    let xlsx = desk.import_one(&["--dry-run", &fixture("amocrm_two_sheets.xlsx")]);
    assert_eq!(xlsx["encoding"], "xlsx", "the JSON word for xlsx stays");
    for (lang, said) in [
        ("en", "  format    ods (workbook), sheet «Сделки»\n"),
        ("ru", "  формат    ods (книга), лист «Сделки»\n"),
    ] {
        let out = succeeded(
            desk.okk()
                .args(["--lang", lang, "import", "--dry-run", &ods]),
        );
        assert!(out.contains(said), "{lang}:\n{out}");
        assert!(!out.contains("xlsx"), "{lang}:\n{out}");
    }
}

/// `amocrm_two_sheets.xlsx` with its first sheet's XML changed by `edit`, written to `name`
/// in the desk's temp dir.
fn edited_workbook(desk: &Desk, name: &str, edit: impl Fn(&str) -> String) -> String {
    use std::io::{Read, Write};
    let bytes = std::fs::read(fixture("amocrm_two_sheets.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut data = String::new();
        part.read_to_string(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            data = edit(&data);
        }
        out.start_file(name.as_str(), opts).unwrap();
        out.write_all(data.as_bytes()).unwrap();
    }
    let path = desk.dir.path().join(name);
    std::fs::write(&path, out.finish().unwrap().into_inner()).unwrap();
    path_arg(&path)
}

/// A date cell with no time of day (a meeting's date, formatted `dd.mm.yyyy hh:mm:ss` or not)
/// is a day, stored as one, not as its midnight: the card then shows it as it shows the same
/// field from a CSV (`tui::state::field_value`). A date cell with a time keeps it.
#[test]
fn an_xlsx_date_cell_without_a_time_is_a_day() {
    let desk = Desk::new();
    let file = edited_workbook(&desk, "dates.xlsx", |xml| {
        let edited = xml
            .replace("<t>Город</t>", "<t>Дата встречи в офисе продаж</t>")
            // 2026-11-05 as an Excel serial, in the date-time style (number format 22).
            .replace(
                r#"<c r="G2" t="inlineStr"><is><t>Екатеринбург</t></is></c>"#,
                r#"<c r="G2" s="1"><v>46331</v></c>"#,
            )
            .replace("<t>Тюмень</t>", "<t>05.11.2026</t>");
        assert_ne!(edited, xml);
        edited
    });
    let r = desk.import_one(&[&file]);
    assert_eq!(r["warnings"], 0, "{r}");
    let meeting =
        |id: &str| json_col(&desk.card(id), "fields")["Дата встречи в офисе продаж"].clone();
    assert_eq!(meeting("5001"), "2026-11-05");
    assert_eq!(meeting("5002"), "05.11.2026");
    // A date cell with its time of day is still the moment.
    assert_eq!(desk.card("5001")["created_at"], "2026-11-20 10:30:00");
}

/// A workbook a script or a report generator wrote keeps its formulas but not their values:
/// those cells read as empty, so the report says how many there are and where the first is,
/// instead of importing blanks without a word.
#[test]
fn xlsx_formula_cells_without_a_value_are_counted_and_the_first_is_named() {
    let desk = Desk::new();
    let file = edited_workbook(&desk, "formulas.xlsx", |xml| {
        let edited = xml
            .replace(
                r#"<c r="C2"><v>7500000</v></c>"#,
                r#"<c r="C2"><f>SUM(H2:J2)</f></c>"#,
            )
            .replace(
                r#"<c r="C3"><v>3900000.5</v></c>"#,
                r#"<c r="C3"><f>C2/2</f></c>"#,
            )
            // A formula with its value kept reads as that value.
            .replace(
                r#"<c r="G2" t="inlineStr"><is><t>Екатеринбург</t></is></c>"#,
                r#"<c r="G2" t="str"><f>"Екатеринбург"</f><v>Екатеринбург</v></c>"#,
            );
        assert_eq!(edited.matches("<f>").count(), 3, "the fixture changed");
        edited
    });
    let r = desk.import_one(&[&file]);
    assert_eq!(r["cards"], 3);
    assert_eq!(r["warnings"], 1, "{r}");
    let w = &r["warning_samples"][0];
    assert_eq!(
        (&w["line"], &w["column"]),
        (&json!(2), &json!("Бюджет")),
        "{w}"
    );
    let said = w["message"].as_str().unwrap();
    assert!(said.starts_with("2 formula cells hold no value"), "{said}");
    assert!(
        said.contains("the first: sheet «Сделки», cell C2 (column «Бюджет»)"),
        "{said}"
    );
    assert_eq!(desk.card("5001")["amount"], serde_json::Value::Null);
    assert_eq!(
        json_col(&desk.card("5001"), "fields"),
        json!({"Город": "Екатеринбург"})
    );

    // The text report, in Russian.
    let out = succeeded(
        desk.okk()
            .args(["--lang", "ru", "import", "--dry-run", &file]),
    );
    assert!(
        out.contains("2 ячейки с формулами без значений импортированы пустыми"),
        "{out}"
    );
    assert!(
        out.contains("первая: лист «Сделки», ячейка C2 (столбец «Бюджет»)"),
        "{out}"
    );

    // One such cell is said as one.
    let one = edited_workbook(&desk, "one_formula.xlsx", |xml| {
        xml.replace(
            r#"<c r="C4"><v>6000000</v></c>"#,
            r#"<c r="C4"><f>1+1</f><v></v></c>"#,
        )
    });
    let r = desk.import_one(&["--dry-run", &one]);
    let said = r["warning_samples"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        said.starts_with("a formula cell holds no value")
            && said.contains("cell C4 (column «Бюджет»)"),
        "{said}"
    );
    // The fixture itself has none.
    assert_eq!(
        Desk::new().import_one(&[&fixture("amocrm_two_sheets.xlsx")])["warnings"],
        0
    );
}

#[test]
fn xlsx_unknown_sheet_is_refused_with_the_sheets_it_has() {
    let desk = Desk::new();
    let file = fixture("amocrm_two_sheets.xlsx");
    let err = desk.import_fails(&["--sheet", "Нет такого", &file]);
    assert!(err.starts_with(&format!("okk: {file}: ")), "{err}");
    assert!(err.contains("«Нет такого»"), "{err}");
    assert!(err.contains("Сделки, Архив"), "{err}");
}
