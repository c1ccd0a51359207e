//! Flags are stored as data (code, severity, evidence) and put in words when read: the demo's
//! store, judged once, reads in Russian to a Russian desk and in English to an English one, the
//! same flags either way, with no English left in the Russian sentences.

mod common;

#[path = "support/english.rs"]
mod english;

use std::collections::BTreeMap;

use common::Desk;
use okk::domain::flag::Flag;
use okk::text::lang::{Lang, with};

/// The demo desk after `okk check` has judged its cards (in English, as an English desk would).
fn judged_demo() -> Desk {
    let desk = Desk::demo();
    let out = desk.okk().arg("check").output().expect("okk check runs");
    assert!(out.status.code().is_some_and(|c| c <= 1), "{out:?}");
    desk
}

/// The store's flags, by card id, as the store hands them back.
fn stored_flags(desk: &Desk) -> BTreeMap<String, Vec<Flag>> {
    let store = okk::store::Store::open(&desk.db).expect("the demo store opens");
    let mut flags = BTreeMap::new();
    store
        .flagged_cards(None, None, |c| {
            flags.insert(c.id, c.flags);
            Ok(())
        })
        .expect("the flags read back");
    flags
}

fn sentences(lang: Lang, flags: &[Flag]) -> Vec<String> {
    with(lang, || {
        flags.iter().map(okk::text::rules::message).collect()
    })
}

#[test]
fn a_store_judged_once_reads_in_either_language() {
    let desk = judged_demo();
    let flags = stored_flags(&desk);
    assert!(
        flags.len() > 50,
        "the demo flags dozens of cards: {}",
        flags.len()
    );
    let both = |id: &str| {
        (
            sentences(Lang::En, &flags[id]),
            sentences(Lang::Ru, &flags[id]),
        )
    };

    let (en, ru) = both("31322133");
    assert_eq!(
        en,
        ["«Дата встречи в офисе продаж» is empty, required in «Договор»"]
    );
    assert_eq!(
        ru,
        ["не заполнено поле «Дата встречи в офисе продаж», обязательное на этапе «Договор»"]
    );

    let (en, ru) = both("31757010");
    assert_eq!(
        en,
        ["notes say «купили в другом ЖК»: the lead looks lost, but the card is in «Квалификация»"]
    );
    assert_eq!(
        ru,
        [
            "в примечаниях «купили в другом ЖК»: похоже на мёртвый лид, а карточка на этапе «Квалификация»"
        ]
    );

    let (en, ru) = both("31307490");
    assert_eq!(
        en,
        [
            "no activity for 111 days (last 01.08.2026): 16× the 7 days «Бронирование» allows",
            "«Срок действия брони» 10.08.2026 has passed (102 days ago), yet the card is in «Бронирование»",
        ]
    );
    assert_eq!(
        ru,
        [
            "нет активности 111 дней (последняя — 01.08.2026): в 16 раз дольше, чем допускает этап «Бронирование» (7 дней)",
            "поле «Срок действия брони»: 10.08.2026 — уже в прошлом (102 дня назад), а карточка на этапе «Бронирование»",
        ]
    );

    let (en, ru) = both("31394511");
    assert_eq!(en, ["the phone is empty, required in «Договор»"]);
    assert_eq!(
        ru,
        ["не заполнено поле «Телефон», обязательное на этапе «Договор»"]
    );

    let (en, ru) = both("31310942");
    assert_eq!(
        en,
        ["closed on 05.09.2026 but «Контакт после встречи» is an open stage"]
    );
    assert_eq!(
        ru,
        ["закрыта 05.09.2026, но этап «Контакт после встречи» — открытый"]
    );
}

#[test]
fn no_russian_flag_sentence_of_the_demo_keeps_an_english_word() {
    let desk = judged_demo();
    let flags = stored_flags(&desk);
    let mut all = String::new();
    for f in flags.values() {
        for s in sentences(Lang::Ru, f) {
            all.push_str(&s);
            all.push('\n');
        }
    }
    english::assert_russian("the demo's flags", &all, &[]);
    // Reading in Russian changed nothing stored: English reads as before, flag for flag.
    let again = stored_flags(&desk);
    assert_eq!(flags, again);
}

#[test]
fn every_kind_of_evidence_has_a_russian_sentence() {
    use chrono::NaiveDate;
    use okk::domain::card::SystemField;
    use okk::domain::flag::{Evidence, Place};
    use okk::domain::funnel::FieldRef;
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let stage = || "Договор".to_string();
    let all = [
        Evidence::RequiredEmpty {
            field: FieldRef::System(SystemField::Amount),
            stage: stage(),
        },
        Evidence::Idle {
            days: 21,
            last: day(1),
            allowed: 7,
            stage: stage(),
        },
        Evidence::NotADate {
            field: FieldRef::Custom("Дата встречи".into()),
            raw: "завтра".into(),
            stage: stage(),
        },
        Evidence::DateNotFuture {
            field: FieldRef::System(SystemField::ExpectedCloseAt),
            day: day(20),
            from_today: 0,
            stage: stage(),
        },
        Evidence::DateNotPast {
            field: FieldRef::Custom("Дата встречи".into()),
            day: day(22),
            from_today: 2,
            stage: stage(),
        },
        Evidence::DateAfterOther {
            field: FieldRef::System(SystemField::CreatedAt),
            day: day(10),
            other: FieldRef::System(SystemField::ClosedAt),
            other_day: day(5),
            stage: stage(),
        },
        Evidence::DateBeforeOther {
            field: FieldRef::System(SystemField::ClosedAt),
            day: day(5),
            other: FieldRef::System(SystemField::CreatedAt),
            other_day: day(10),
            stage: stage(),
        },
        Evidence::Marker {
            place: Place::Tags,
            quote: "договор подписан".into(),
            list: "sold".into(),
            stage: stage(),
        },
        Evidence::Marker {
            place: Place::Title,
            quote: "дубль".into(),
            list: "duplicates".into(),
            stage: stage(),
        },
        Evidence::MarkedClosedOnOpen { stage: stage() },
        Evidence::NotClosedOnClosing { stage: stage() },
        Evidence::MovedBack {
            from: "Договор".into(),
            to: "Квалификация".into(),
            on: day(3),
        },
        Evidence::Skipped {
            stages: vec!["Встреча назначена".into()],
            to: "Договор".into(),
            on: day(4),
        },
        Evidence::Skipped {
            stages: vec!["Встреча назначена".into(), "Встреча проведена".into()],
            to: "Договор".into(),
            on: day(4),
        },
        Evidence::Gone {
            since: Some(day(2)),
        },
        Evidence::Gone { since: None },
        Evidence::UnknownStage { stage: stage() },
        Evidence::NoTask { stage: stage() },
        Evidence::TaskOverdue {
            due: day(19),
            from_today: -1,
            stage: stage(),
        },
    ];
    let ru: Vec<String> = with(Lang::Ru, || {
        all.iter().map(okk::text::rules::sentence).collect()
    });
    english::assert_russian("every flag sentence", &ru.join("\n"), &["duplicates"]);
    assert_eq!(
        ru[1],
        "нет активности 21 день (последняя — 01.11.2026); на этапе «Договор» допустимо 7"
    );
    assert_eq!(
        ru[12],
        "на пути к этапу «Договор» (04.11.2026) пропущен этап «Встреча назначена», а его пропускать нельзя"
    );
    assert!(ru[13].contains("пропущены этапы «Встреча назначена», «Встреча проведена»"));
    assert!(ru[18].contains("(вчера)"), "{}", ru[18]);
    // English reads as it always has.
    let en: Vec<String> = with(Lang::En, || {
        all.iter().map(okk::text::rules::sentence).collect()
    });
    assert_eq!(en[0], "the amount is empty, required in «Договор»");
    assert_eq!(
        en[12],
        "skipped «Встреча назначена» (not skippable) on the way to «Договор» (04.11.2026)"
    );
}
