//! Each stage rule on small hand-made cards, as a QC specialist meets its flags: it fires on the
//! fault, stays quiet on a clean card, and its sentence cites the evidence.

use std::path::Path;

use chrono::{NaiveDate, NaiveDateTime};
use okk::domain::flag::{Flag, RuleCode, Severity};
use okk::domain::funnel::Funnel;
use okk::domain::rules::evaluate;
use okk::domain::{Card, CardContext, StageVisit};

const FUNNEL: &str = r#"
name = "Тест"

[[custom_fields]]
name = "Дата встречи в офисе продаж"
type = "date"
aliases = ["Дата встречи"]

[[custom_fields]]
name = "Срок действия брони"
type = "date"

[[custom_fields]]
name = "Интересующие параметры"

[markers]
lost = ["купил у конкурентов", "купили в другом", "не актуально", "отказ", "передумал"]
sold = ["договор подписан"]

[[stages]]
name = "Квалификация"
max_idle_days = 3
required = ["owner", "phone", "Интересующие параметры"]
  [[stages.rules]]
  kind = "markers"
  markers = "lost"
  severity = "critical"
  [[stages.rules]]
  kind = "markers"
  markers = "sold"

[[stages]]
name = "Встреча назначена"
max_idle_days = 7
skippable = false
  [[stages.rules]]
  kind = "date"
  field = "Дата встречи"
  must_be = "not_passed"
  severity = "critical"

[[stages]]
name = "Встреча проведена"
max_idle_days = 14
skippable = false
required = ["Дата встречи в офисе продаж"]
  [[stages.rules]]
  kind = "date"
  field = "Дата встречи в офисе продаж"
  must_be = "past"

[[stages]]
name = "Бронирование"
  [[stages.rules]]
  kind = "date"
  field = "Срок действия брони"
  must_be = "not_passed"
  severity = "critical"
  [[stages.rules]]
  kind = "date"
  field = "Дата встречи в офисе продаж"
  must_be = "before_field"
  other = "Срок действия брони"

[[stages]]
name = "Договор"
max_idle_days = 14
  [[stages.rules]]
  kind = "date"
  field = "expected_close_at"
  must_be = "future"
  [[stages.rules]]
  kind = "date"
  field = "expected_close_at"
  must_be = "after_field"
  other = "created_at"
  severity = "info"

[[stages]]
name = "Успешно реализовано"
kind = "won"

[[stages]]
name = "Закрыто и не реализовано"
kind = "lost"
"#;

fn funnel() -> Funnel {
    okk::funnel_config::load_str(FUNNEL, Path::new("test.toml")).unwrap()
}

/// The test funnel with more TOML tables after it.
fn funnel_with(tables: &str) -> Funnel {
    okk::funnel_config::load_str(&format!("{FUNNEL}\n{tables}"), Path::new("test.toml")).unwrap()
}

fn day(d: u32, m: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn at(d: u32, m: u32) -> NaiveDateTime {
    day(d, m).and_hms_opt(10, 0, 0).unwrap()
}

/// 20.11.2026, noon.
fn now() -> NaiveDateTime {
    day(20, 11).and_hms_opt(12, 0, 0).unwrap()
}

/// A clean card in `stage`: owner, phone, interest, touched today.
fn card(stage: &str) -> Card {
    Card {
        source: "amocrm".into(),
        external_id: "1".into(),
        stage: stage.into(),
        owner: Some("Смирнова Ольга".into()),
        phones: vec!["+7 912 000-00-00".into()],
        created_at: Some(at(1, 11)),
        last_activity_at: Some(at(20, 11)),
        fields: vec![("Интересующие параметры".into(), "2-к, до 9 млн".into())],
        ..Card::default()
    }
}

fn with_field(mut card: Card, name: &str, value: &str) -> Card {
    card.fields.push((name.into(), value.into()));
    card
}

fn flags(card: &Card) -> Vec<Flag> {
    flags_in(card, &CardContext::default(), &funnel())
}

fn flags_in(card: &Card, ctx: &CardContext, funnel: &Funnel) -> Vec<Flag> {
    evaluate(card, ctx, funnel, now())
}

/// The flags' sentences, as the reviewer and `okk check` render them.
fn messages(flags: &[Flag]) -> Vec<String> {
    flags.iter().map(okk::text::rules::message).collect()
}

fn codes(flags: &[Flag]) -> Vec<RuleCode> {
    flags.iter().map(|f| f.code).collect()
}

fn history(visits: &[(&str, NaiveDateTime)]) -> CardContext {
    CardContext {
        gone: false,
        gone_since: None,
        history: visits
            .iter()
            .map(|(stage, seen_at)| StageVisit {
                stage: stage.to_string(),
                seen_at: *seen_at,
            })
            .collect(),
    }
}

#[test]
fn a_clean_card_in_every_stage_has_no_flags() {
    let meeting_past = with_field(card("Встреча проведена"), "Дата встречи", "18.11.2026");
    let booking = with_field(
        with_field(card("Бронирование"), "Срок действия брони", "30.11.2026"),
        "Дата встречи",
        "18.11.2026",
    );
    let mut contract = card("Договор");
    contract.expected_close_at = Some(at(15, 12));
    for c in [
        card("Квалификация"),
        with_field(card("Встреча назначена"), "Дата встречи", "25.11.2026"),
        meeting_past,
        booking,
        contract,
        card("Успешно реализовано"),
        card("Закрыто и не реализовано"),
    ] {
        assert_eq!(flags(&c), [], "{}", c.stage);
    }
}

// ---- required ----

#[test]
fn required_flags_each_empty_field_by_name() {
    let mut c = card("Квалификация");
    c.phones.clear();
    c.fields.clear();
    let found = flags(&c);
    assert_eq!(
        messages(&found),
        [
            "the phone is empty, required in «Квалификация»",
            "«Интересующие параметры» is empty, required in «Квалификация»",
        ]
    );
    assert_eq!(found[0].field.as_deref(), Some("phone"));
    assert_eq!(found[1].field.as_deref(), Some("Интересующие параметры"));
    assert!(found.iter().all(|f| f.code == RuleCode::Required));
    assert!(found.iter().all(|f| f.severity == Severity::Warning));
}

#[test]
fn required_custom_field_is_found_under_an_alias_spelled_loosely() {
    let c = with_field(card("Встреча проведена"), "  дата ВСТРЕЧИ ", "18.11.2026");
    assert_eq!(flags(&c), []);
    let blank = with_field(card("Встреча проведена"), "Дата встречи", "   ");
    assert_eq!(
        messages(&flags(&blank)),
        ["«Дата встречи в офисе продаж» is empty, required in «Встреча проведена»"]
    );
}

// ---- idle ----

#[test]
fn idle_counts_days_since_the_last_touch() {
    let mut c = with_field(card("Встреча проведена"), "Дата встречи", "10.10.2026");
    c.created_at = Some(at(1, 10));
    c.updated_at = Some(at(13, 10));
    c.last_activity_at = Some(at(14, 10));
    let found = flags(&c);
    assert_eq!(codes(&found), [RuleCode::Idle]);
    // Past twice the limit: one severity up, and the sentence says how far past.
    assert_eq!(
        okk::text::rules::message(&found[0]),
        "no activity for 37 days (last 14.10.2026): 2.6× the 14 days «Встреча проведена» allows"
    );
    assert_eq!(found[0].severity, Severity::Critical);
    // Within twice the limit: the rule's own severity.
    c.last_activity_at = Some(at(1, 11));
    let found = flags(&c);
    assert_eq!(
        okk::text::rules::message(&found[0]),
        "no activity for 19 days (last 01.11.2026); «Встреча проведена» allows 14"
    );
    assert_eq!(found[0].severity, Severity::Warning);
}

#[test]
fn idle_allows_exactly_the_limit_and_ignores_closing_stages_and_dateless_cards() {
    let mut c = card("Квалификация");
    c.last_activity_at = Some(at(17, 11));
    assert_eq!(flags(&c), [], "3 days is within «allows 3»");
    c.last_activity_at = Some(at(16, 11));
    assert_eq!(codes(&flags(&c)), [RuleCode::Idle]);

    let mut won = card("Успешно реализовано");
    won.last_activity_at = Some(at(1, 1));
    assert_eq!(flags(&won), []);

    let mut dateless = card("Квалификация");
    dateless.created_at = None;
    dateless.last_activity_at = None;
    assert_eq!(flags(&dateless), []);
}

// ---- date ----

#[test]
fn booking_that_has_expired_is_flagged_critical() {
    let c = with_field(card("Бронирование"), "Срок действия брони", "10.11.2026");
    let found = flags(&c);
    assert_eq!(
        messages(&found),
        [
            "«Срок действия брони» 10.11.2026 has passed (10 days ago), yet the card is in «Бронирование»"
        ]
    );
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].field.as_deref(), Some("Срок действия брони"));
    let today = with_field(card("Бронирование"), "Срок действия брони", "20.11.2026");
    assert_eq!(flags(&today), [], "a booking that ends today still holds");
}

#[test]
fn scheduled_meeting_in_the_past_is_flagged() {
    let c = with_field(card("Встреча назначена"), "Дата встречи", "19.11.2026");
    assert_eq!(
        messages(&flags(&c)),
        [
            "«Дата встречи в офисе продаж» 19.11.2026 has passed (yesterday), yet the card is in «Встреча назначена»"
        ]
    );
    let today = with_field(card("Встреча назначена"), "Дата встречи", "2026-11-20");
    assert_eq!(flags(&today), []);
    let empty = card("Встреча назначена");
    assert_eq!(flags(&empty), [], "an empty date is left to `required`");
}

#[test]
fn held_meeting_dated_in_the_future_is_flagged() {
    let c = with_field(
        card("Встреча проведена"),
        "Дата встречи",
        "25.11.2026 15:00",
    );
    assert_eq!(
        messages(&flags(&c)),
        [
            "«Дата встречи в офисе продаж» 25.11.2026 is still ahead (in 5 days), yet the card is in «Встреча проведена»"
        ]
    );
    let today = with_field(card("Встреча проведена"), "Дата встречи", "20.11.2026");
    assert_eq!(flags(&today), [], "a meeting held this morning is past");
}

#[test]
fn a_date_field_that_holds_no_date_is_flagged() {
    let c = with_field(card("Встреча назначена"), "Дата встречи", "завтра");
    assert_eq!(
        messages(&flags(&c)),
        [
            "«Дата встречи в офисе продаж» holds «завтра», which is not a date (DD.MM.YYYY); «Встреча назначена» needs a date there"
        ]
    );
}

#[test]
fn future_and_field_relations_on_system_dates() {
    let mut c = card("Договор");
    c.expected_close_at = Some(at(20, 11));
    assert_eq!(
        messages(&flags(&c)),
        [
            "the expected close date 20.11.2026 is not in the future (today), yet the card is in «Договор»"
        ]
    );
    c.expected_close_at = Some(at(25, 10));
    let found = flags(&c);
    assert_eq!(
        messages(&found),
        [
            "the expected close date 25.10.2026 is not in the future (26 days ago), yet the card is in «Договор»",
            "the expected close date 25.10.2026 is before the creation date 01.11.2026; in «Договор» it must not be",
        ]
    );
    assert_eq!(found[1].severity, Severity::Info);
}

#[test]
fn meeting_after_the_booking_ends_is_flagged_only_when_both_are_known() {
    let c = with_field(
        with_field(card("Бронирование"), "Срок действия брони", "30.11.2026"),
        "Дата встречи",
        "01.12.2026",
    );
    assert_eq!(
        messages(&flags(&c)),
        [
            "«Дата встречи в офисе продаж» 01.12.2026 is after «Срок действия брони» 30.11.2026; in «Бронирование» it must not be"
        ]
    );
    let same_day = with_field(
        with_field(card("Бронирование"), "Срок действия брони", "30.11.2026"),
        "Дата встречи",
        "30.11.2026",
    );
    assert_eq!(flags(&same_day), []);
    let no_booking = with_field(card("Бронирование"), "Дата встречи", "01.12.2026");
    assert_eq!(flags(&no_booking), []);
}

// ---- markers ----

#[test]
fn notes_that_say_the_lead_is_lost_are_quoted() {
    let mut c = card("Квалификация");
    c.notes = vec![
        "Выслал планировки".into(),
        "Клиент сообщил, что купили в другом ЖК\nпросил больше не звонить".into(),
    ];
    let found = flags(&c);
    assert_eq!(
        messages(&found),
        ["notes say «купили в другом ЖК»: the lead looks lost, but the card is in «Квалификация»"]
    );
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn markers_match_word_forms_but_not_a_phrase_cut_short() {
    for note in [
        "Купила у конкурентов",
        "купили у конкурентов",
        "Передумали",
        "ОТКАЗ",
    ] {
        let mut c = card("Квалификация");
        c.notes = vec![note.into()];
        assert_eq!(codes(&flags(&c)), [RuleCode::Markers], "{note}");
    }
    for note in ["Вопрос актуально, перезвонить", "Клиент купит в декабре"]
    {
        let mut c = card("Квалификация");
        c.notes = vec![note.into()];
        assert_eq!(flags(&c), [], "{note}");
    }
}

#[test]
fn markers_read_tags_and_the_title_and_every_configured_list() {
    let mut c = card("Квалификация");
    c.tags = vec!["VIP".into(), "отказ".into()];
    assert_eq!(
        messages(&flags(&c)),
        ["tags say «отказ»: the lead looks lost, but the card is in «Квалификация»"]
    );
    let mut c = card("Квалификация");
    c.title = Some("Договор подписан, кв. 12".into());
    let found = flags(&c);
    assert_eq!(
        messages(&found),
        [
            "the title says «Договор подписан»: the deal looks sold, but the card is in «Квалификация»"
        ]
    );
    assert_eq!(found[0].severity, Severity::Warning);
    let mut elsewhere = card("Договор");
    elsewhere.notes = vec!["отказ".into()];
    assert_eq!(flags(&elsewhere), [], "no markers rule on this stage");
}

// ---- closed_open ----

#[test]
fn closed_card_in_an_open_stage_is_flagged() {
    let mut c = card("Квалификация");
    c.closed_at = Some(at(2, 11));
    let found = flags(&c);
    assert_eq!(
        messages(&found),
        ["closed on 02.11.2026 but «Квалификация» is an open stage"]
    );
    assert_eq!(found[0].severity, Severity::Critical);
    assert_eq!(found[0].field.as_deref(), Some("closed_at"));
    let mut c = card("Квалификация");
    c.closed = Some(true);
    assert_eq!(
        messages(&flags(&c)),
        ["marked closed but «Квалификация» is an open stage"]
    );
    c.closed = Some(false);
    assert_eq!(flags(&c), []);
}

#[test]
fn open_card_in_a_closing_stage_is_flagged() {
    let mut c = card("Успешно реализовано");
    c.closed = Some(false);
    assert_eq!(
        messages(&flags(&c)),
        ["marked not closed but «Успешно реализовано» is a closing stage"]
    );
    c.closed = Some(true);
    c.closed_at = Some(at(2, 11));
    assert_eq!(flags(&c), []);
}

// ---- backwards ----

#[test]
fn moving_back_and_skipping_a_stage_are_flagged_with_their_dates() {
    let c = card("Квалификация");
    let ctx = history(&[
        ("Квалификация", at(1, 11)),
        ("Договор", at(5, 11)),
        ("Квалификация", at(12, 11)),
    ]);
    let found = flags_in(&c, &ctx, &funnel());
    assert_eq!(
        messages(&found),
        [
            "skipped «Встреча назначена», «Встреча проведена» (not skippable) on the way to «Договор» (05.11.2026)",
            "moved back from «Договор» to «Квалификация» on 12.11.2026",
        ]
    );
    assert!(found.iter().all(|f| f.code == RuleCode::Backwards));
}

/// The lead accepted «wrong stage → Договор» on a card reviewed in «Квалификация»: the CRM
/// making that move is the desk's word carried out, not a skip; any other move still is, and so
/// is the same jump from another stage.
#[test]
fn the_move_the_lead_asked_for_is_not_a_skip_but_other_moves_still_are() {
    use okk::domain::rules::evaluate_with;
    use okk::domain::settled::AskedMove;
    let asked = |from: &str, to: &str| AskedMove {
        from: from.into(),
        to: to.into(),
    };
    let judged = |ctx: &CardContext, stage: &str, m: Option<&AskedMove>| {
        messages(&evaluate_with(&card(stage), ctx, &funnel(), now(), &[], m))
    };
    let jump = history(&[("Квалификация", at(1, 11)), ("Договор", at(5, 11))]);
    let skip = "skipped «Встреча назначена», «Встреча проведена» (not skippable) on the way to «Договор» (05.11.2026)";
    assert_eq!(judged(&jump, "Договор", None), [skip]);
    let to_contract = asked("Квалификация", "Договор");
    assert_eq!(
        judged(&jump, "Договор", Some(&to_contract)),
        Vec::<String>::new()
    );
    // Named as loosely as the funnel resolves names.
    let loosely = asked(" квалификация", "ДОГОВОР ");
    assert_eq!(
        judged(&jump, "Договор", Some(&loosely)),
        Vec::<String>::new()
    );
    // Asked from another stage: the jump from «Квалификация» was not the one asked for.
    let elsewhere = asked("Встреча назначена", "Договор");
    assert_eq!(judged(&jump, "Договор", Some(&elsewhere)), [skip]);
    // The move asked for, then one nobody asked for.
    let then_back = history(&[
        ("Квалификация", at(1, 11)),
        ("Договор", at(5, 11)),
        ("Квалификация", at(12, 11)),
    ]);
    assert_eq!(
        judged(&then_back, "Квалификация", Some(&to_contract)),
        ["moved back from «Договор» to «Квалификация» on 12.11.2026"]
    );
    // A move back the lead asked for is no fault either.
    let back = asked("Договор", "Квалификация");
    assert_eq!(
        judged(&then_back, "Квалификация", Some(&back)),
        [skip],
        "only the move asked for is passed over"
    );
}

/// A funnel merged from two pipelines (`okk funnel init --from-store`): a stage only one of them
/// has (`pipelines = [...]`) is no skip for a card of the other, and is for one of its own or a
/// card whose pipeline is not known.
#[test]
fn a_stage_only_other_pipelines_have_is_not_skipped() {
    let funnel = okk::funnel_config::load_str(
        &FUNNEL.replacen(
            "max_idle_days = 7\nskippable = false",
            "max_idle_days = 7\nskippable = false\npipelines = [\"Первичка\"]",
            1,
        ),
        Path::new("test.toml"),
    )
    .unwrap();
    let ctx = history(&[
        ("Квалификация", at(1, 11)),
        ("Встреча проведена", at(5, 11)),
    ]);
    let skips = |pipeline: Option<&str>| {
        let mut c = card("Встреча проведена");
        c.pipeline = pipeline.map(str::to_string);
        messages(&flags_in(&c, &ctx, &funnel))
            .into_iter()
            .filter(|m| m.starts_with("skipped"))
            .collect::<Vec<_>>()
    };
    let skipped = [
        "skipped «Встреча назначена» (not skippable) on the way to «Встреча проведена» (05.11.2026)",
    ];
    assert_eq!(skips(Some("Вторичка")), Vec::<String>::new());
    assert_eq!(skips(Some("Первичка")), skipped);
    assert_eq!(skips(Some(" первичка ")), skipped, "named loosely");
    assert_eq!(skips(None), skipped);
}

#[test]
fn forward_moves_losses_and_unknown_stages_in_history_are_fine() {
    let c = card("Закрыто и не реализовано");
    let ctx = history(&[
        ("Квалификация", at(1, 11)),
        ("квалификация", at(2, 11)),
        ("Переговоры", at(3, 11)),
        ("Встреча назначена", at(4, 11)),
        ("Закрыто и не реализовано", at(12, 11)),
    ]);
    assert_eq!(flags_in(&c, &ctx, &funnel()), []);
}

// ---- gone ----

#[test]
fn a_card_gone_from_the_export_while_open_is_flagged() {
    let ctx = CardContext {
        gone: true,
        gone_since: None,
        history: vec![],
    };
    let found = flags_in(&card("Квалификация"), &ctx, &funnel());
    assert_eq!(
        messages(&found),
        ["gone from the CRM (its latest export or sync) but not closed"]
    );
    let dated = CardContext {
        gone_since: Some(at(18, 11)),
        ..ctx.clone()
    };
    assert_eq!(
        messages(&flags_in(&card("Квалификация"), &dated, &funnel())),
        ["gone from the CRM (its export or its sync) since 18.11.2026 but not closed"]
    );
    assert_eq!(flags_in(&card("Успешно реализовано"), &ctx, &funnel()), []);
}

// ---- unknown_stage ----

#[test]
fn a_card_in_an_unknown_stage_gets_only_that_flag_and_gone() {
    let mut c = card("Переговоры");
    c.owner = None;
    c.closed_at = Some(at(2, 11));
    let found = flags(&c);
    assert_eq!(
        messages(&found),
        ["stage «Переговоры» is not in the funnel"]
    );
    assert_eq!(found[0].code, RuleCode::UnknownStage);
    let ctx = CardContext {
        gone: true,
        gone_since: None,
        history: vec![],
    };
    assert_eq!(
        codes(&flags_in(&c, &ctx, &funnel())),
        [RuleCode::Gone, RuleCode::UnknownStage]
    );
}

// ---- settings and order ----

#[test]
fn rules_section_changes_severities_and_turns_rules_off() {
    let funnel =
        funnel_with("[rules]\nrequired = \"off\"\nidle = \"critical\"\nmarkers = \"info\"\n");
    let mut c = card("Квалификация");
    c.owner = None;
    c.last_activity_at = Some(at(1, 11));
    c.notes = vec!["Договор подписан".into(), "отказ".into()];
    let found = flags_in(&c, &CardContext::default(), &funnel);
    let got: Vec<(RuleCode, Severity)> = found.iter().map(|f| (f.code, f.severity)).collect();
    // The lost list's own severity stays; the sold rule takes the [rules] default.
    assert_eq!(
        got,
        [
            (RuleCode::Idle, Severity::Critical),
            (RuleCode::Markers, Severity::Critical),
            (RuleCode::Markers, Severity::Info),
        ]
    );
}

#[test]
fn flags_come_most_severe_first_then_by_code() {
    let mut c = with_field(card("Бронирование"), "Срок действия брони", "01.11.2026");
    c.owner = None;
    c.closed_at = Some(at(2, 11));
    c.last_activity_at = Some(at(1, 11));
    let ctx = CardContext {
        gone: true,
        gone_since: None,
        history: vec![],
    };
    let found = flags_in(&c, &ctx, &funnel());
    let got: Vec<(Severity, RuleCode)> = found.iter().map(|f| (f.severity, f.code)).collect();
    assert_eq!(
        got,
        [
            (Severity::Critical, RuleCode::Date),
            (Severity::Critical, RuleCode::ClosedOpen),
            (Severity::Warning, RuleCode::Gone),
        ]
    );
}
