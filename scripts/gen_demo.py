#!/usr/bin/env python3
"""Generate the amoCRM demo export and the list of faults planted in it.

    python3 scripts/gen_demo.py [OUT_DIR]        (default: assets/demo next to this script's repo)

Writes
  amocrm_deals.csv  an amoCRM deals export (UTF-8 with BOM, comma-delimited, every field quoted,
                    LF line ends) of ~370 cards of a real-estate developer, "today" = 2026-11-20;
  planted.json      every card that carries a planted fault: {"today", "cards": [{id, stage,
                    faults[, missing]}], "unknown_stage": [{id, stage}]}. Clean cards are absent.

Standard library only, fixed seed: two runs give byte-identical files.

Fault types:
  meeting_missing     Встреча проведена or a later open stage, no meeting date, no note on the meeting
  lost_in_notes       an open stage, but a note says the client bought elsewhere / is not interested
  idle                an open card whose "Дата редактирования" is 2-6 months old (or, in the silent
                      tail of «Контакт после встречи», 18-48 days, after its meeting)
  booking_expired     Бронирование with "Срок действия брони" in the past
  closed_on_open      an open stage with a real date in "Дата закрытия"
  meeting_date_wrong  Встреча назначена with a meeting date in the past
  required_empty      no phone (Квалификация or later) or no owner ("missing" says which)

Clean cards: owner and a mobile phone always; «Интересующие параметры» from Квалификация on; meeting
date in the future for Встреча назначена, in the past (with a note on the result) from Встреча
проведена on; booking date in the future for Бронирование; edited within the last 3 days (open
stages); "не закрыта" in "Дата закрытия" for open stages; no lost-markers anywhere in the notes.

The funnel's story, for `okk funnel suggest` (drawn from a second random stream, so the cards
above keep their IDs and contents):
  silent_tail  nobody moves cards to «Молчуны после встречи»: its cards stay in «Контакт после
               встречи», with 18 more silent ones (meeting long past, untouched for weeks);
  bind_field   the undeclared column «Результат встречи», filled in ~95 % of the cards from
               Встреча проведена on and in none before;
  drop_stage   «Молчуны после встречи», which no card has entered.
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import sys
from datetime import date, datetime, timedelta

SEED = 20261120
TODAY = date(2026, 11, 20)
# The moment of the export: every timestamp in the file is before it.
NOW = datetime(2026, 11, 20, 10, 30, 0)

# Columns in amoCRM's order. "Бюджет" is written with a stray trailing space, as real exports do.
SYSTEM_COLUMNS = [
    "ID", "Название сделки", "Бюджет", "Ответственный", "Дата создания сделки",
    "Кем создана сделка", "Дата редактирования", "Кем редактирована", "Дата закрытия", "Теги",
    "Примечание", "Примечание 2", "Примечание 3", "Примечание 4", "Примечание 5",
    "Этап сделки", "Воронка", "Полное имя контакта", "Компания контакта",
    "Ответственный за контакт", "Компания", "Рабочий телефон", "Рабочий прямой телефон",
    "Мобильный телефон", "Факс", "Домашний телефон", "Другой телефон", "Рабочий email",
    "Личный email", "Другой email", "Web", "Адрес", "Город", "Источник", "Должность",
]
CUSTOM_COLUMNS = [
    "Дата встречи в офисе продаж", "Срок действия брони", "Дата договора",
    "Интересующие параметры", "Интерес к доп. услугам", "Результат встречи",
]
# A column the built-in funnel does not declare, kept by the managers from Встреча проведена on.
MEETING_RESULT = "Результат встречи"
UTM_COLUMNS = [
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "roistat", "gclid",
    "yclid", "fbclid", "_ym_uid",
]
COLUMNS = SYSTEM_COLUMNS + CUSTOM_COLUMNS + UTM_COLUMNS
HEADER = ["Бюджет " if c == "Бюджет" else c for c in COLUMNS]
NOTE_COLUMNS = ["Примечание", "Примечание 2", "Примечание 3", "Примечание 4", "Примечание 5"]
PHONE_COLUMNS = [
    "Рабочий телефон", "Рабочий прямой телефон", "Мобильный телефон", "Факс", "Домашний телефон",
    "Другой телефон",
]

PIPELINE = "Продажи недвижимости"

# The silent tail of «Контакт после встречи»: cards last touched this many days ago, after their
# meeting, and how many.
SILENT_AGE = (18, 48)
SILENT_CARDS = 18
MEETING_RESULTS = [
    "понравилась планировка, думает", "выбрал 2 варианта, ждет расчет ипотеки",
    "хочет скидку за 100% оплату", "сравнивает с соседним ЖК", "готов бронировать",
    "нужно согласовать с семьей", "смотрели шоурум, понравилась отделка",
]

# (stage, count, kind, depth). depth orders the funnel; the unknown stage sits after the meeting.
STAGES = [
    ("Первичный контакт", 50, "open", 0),
    ("Квалификация", 45, "open", 1),
    ("Встреча назначена", 40, "open", 2),
    ("Встреча проведена", 45, "open", 3),
    ("Молчуны после встречи", 25, "open", 4),
    ("Отработка возражений", 30, "open", 5),
    ("Контакт после встречи", 25, "open", 6),
    ("Бронирование", 25, "open", 7),
    ("Договор", 20, "open", 8),
    ("Успешно реализовано", 25, "won", 9),
    ("Закрыто и не реализовано", 20, "lost", 10),
    # Not in the funnel: shows the "unknown stage" report. Complete and fault-free otherwise.
    ("Переговоры", 3, "open", 5),
]
UNKNOWN_STAGES = {"Переговоры"}
STAGE_INFO = {name: (kind, depth) for name, _, kind, depth in STAGES}

# Planted faults: (stage, faults, missing). Anything not listed here is a clean card.
PK, KV, VN, VP, ML, OV, KP, BR, DG, WON, LOST = (s[0] for s in STAGES[:11])
PLANS = [
    # meeting_missing
    (VP, ["meeting_missing"], None), (VP, ["meeting_missing"], None),
    (VP, ["meeting_missing"], None), (ML, ["meeting_missing"], None),
    (OV, ["meeting_missing"], None), (KP, ["meeting_missing"], None),
    (BR, ["meeting_missing"], None), (DG, ["meeting_missing"], None),
    # lost_in_notes
    (PK, ["lost_in_notes"], None), (PK, ["lost_in_notes"], None), (PK, ["lost_in_notes"], None),
    (KV, ["lost_in_notes"], None), (KV, ["lost_in_notes"], None), (KV, ["lost_in_notes"], None),
    (VN, ["lost_in_notes"], None), (VP, ["lost_in_notes"], None), (ML, ["lost_in_notes"], None),
    (OV, ["lost_in_notes"], None),
    # idle
    (PK, ["idle"], None), (PK, ["idle"], None), (KV, ["idle"], None), (KV, ["idle"], None),
    (VP, ["idle"], None), (VP, ["idle"], None), (ML, ["idle"], None), (OV, ["idle"], None),
    (KP, ["idle"], None), (DG, ["idle"], None),
    # booking_expired
    (BR, ["booking_expired"], None), (BR, ["booking_expired"], None),
    (BR, ["booking_expired"], None), (BR, ["booking_expired"], None),
    (BR, ["booking_expired"], None), (BR, ["booking_expired"], None),
    # closed_on_open
    (PK, ["closed_on_open"], None), (KV, ["closed_on_open"], None),
    (KV, ["closed_on_open"], None), (VP, ["closed_on_open"], None),
    (OV, ["closed_on_open"], None), (KP, ["closed_on_open"], None),
    (DG, ["closed_on_open"], None),
    # meeting_date_wrong
    (VN, ["meeting_date_wrong"], None), (VN, ["meeting_date_wrong"], None),
    (VN, ["meeting_date_wrong"], None), (VN, ["meeting_date_wrong"], None),
    (VN, ["meeting_date_wrong"], None), (VN, ["meeting_date_wrong"], None),
    # required_empty
    (KV, ["required_empty"], ["phone"]), (KV, ["required_empty"], ["phone"]),
    (VP, ["required_empty"], ["phone"]), (OV, ["required_empty"], ["phone"]),
    (DG, ["required_empty"], ["phone"]), (KP, ["required_empty"], ["phone"]),
    (PK, ["required_empty"], ["owner"]), (BR, ["required_empty"], ["owner"]),
    (WON, ["required_empty"], ["owner"]), (LOST, ["required_empty"], ["owner"]),
    # two faults on one card
    (PK, ["idle", "lost_in_notes"], None), (KV, ["idle", "lost_in_notes"], None),
    (ML, ["idle", "lost_in_notes"], None), (VN, ["idle", "meeting_date_wrong"], None),
    (BR, ["idle", "booking_expired"], None), (KP, ["idle", "meeting_missing"], None),
    (OV, ["meeting_missing", "required_empty"], ["phone"]),
    (VP, ["lost_in_notes", "closed_on_open"], None),
]

# ---------------------------------------------------------------------------------------------
# Vocabulary

MANAGERS = [
    "Смирнова Ольга", "Кузнецов Дмитрий", "Попова Анна", "Васильев Игорь", "Соколова Марина",
    "Морозов Алексей", "Новикова Екатерина",
]
ADMIN = "Администратор"

JK = [
    ("ЖК «Северный парк»", "severny_park"),
    ("ЖК «Речной квартал»", "rechnoy_kvartal"),
    ("ЖК «Солнечный берег»", "solnechny_bereg"),
    ("ЖК «Академический сад»", "akadem_sad"),
    ("ЖК «Липовая аллея»", "lipovaya_alleya"),
]
# rooms label, slug, area range m², budget range in millions
ROOMS = [
    ("студия", "studio", (24, 32), (4.2, 6.3)),
    ("1-к", "1k", (34, 45), (5.4, 8.1)),
    ("2-к", "2k", (52, 68), (7.6, 11.9)),
    ("3-к", "3k", (74, 92), (10.2, 15.8)),
    ("4-к", "4k", (98, 126), (14.1, 21.5)),
]
BANKS = ["Сбербанк", "ВТБ", "Альфа-Банк", "Дом.РФ", "Газпромбанк"]
PAYMENT = [
    "ипотека, первоначальный взнос 20%", "семейная ипотека", "100% оплата",
    "рассрочка на 12 месяцев", "ипотека + материнский капитал", "trade-in своей квартиры",
]
EXTRAS = ["Паркинг", "Кладовая", "Отделка под ключ", "Мебельный пакет", "Юридическое сопровождение"]
SOURCES = [
    ("Сайт", 30), ("Яндекс.Директ", 20), ("ЦИАН", 18), ("Авито", 12), ("Звонок", 8),
    ("Рекомендация", 6), ("ВКонтакте", 4), ("Выставка", 2),
]
CITIES = [("Екатеринбург", 80), ("Верхняя Пышма", 6), ("Челябинск", 5), ("Тюмень", 4),
          ("Пермь", 3), ("Москва", 2)]
STREETS = ["ул. Малышева", "ул. Ленина", "ул. Белинского", "ул. Вайнера", "ул. Куйбышева",
           "ул. Академика Шварца", "пр. Космонавтов"]
JOBS = ["Инженер", "Врач", "Предприниматель", "Менеджер", "Учитель", "IT-специалист",
        "Бухгалтер", "Юрист"]
TAG_POOL = ["ипотека", "сайт", "семейная ипотека", "рассрочка", "ЦИАН", "Авито", "trade-in",
            "повторный", "VIP", "инвестиция", "маткапитал"]

MALE_SURNAMES = ["Иванов", "Петров", "Сидоров", "Козлов", "Лебедев", "Волков", "Зайцев",
                 "Павлов", "Семенов", "Голубев", "Виноградов", "Богданов", "Воробьев",
                 "Федоров", "Михайлов", "Беляев", "Тарасов", "Белов", "Комаров", "Орлов",
                 "Киселев", "Макаров", "Андреев", "Ковалев", "Ильин", "Гусев", "Титов"]
MALE_NAMES = ["Сергей", "Андрей", "Алексей", "Дмитрий", "Максим", "Иван", "Павел", "Роман",
              "Олег", "Николай", "Артем", "Евгений", "Владимир", "Михаил", "Константин"]
FEMALE_NAMES = ["Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Юлия", "Анна",
                "Мария", "Екатерина", "Дарья", "Ксения", "Виктория", "Людмила", "Алина"]
PATRONYMICS_M = ["Сергеевич", "Андреевич", "Александрович", "Викторович", "Игоревич",
                 "Николаевич", "Петрович", "Олегович", "Юрьевич"]
PATRONYMICS_F = ["Сергеевна", "Андреевна", "Александровна", "Викторовна", "Игоревна",
                 "Николаевна", "Петровна", "Олеговна", "Юрьевна"]

TRANSLIT = dict(zip(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
     "s", "t", "u", "f", "kh", "ts", "ch", "sh", "sch", "", "y", "", "e", "yu", "ya"]))
MAIL_DOMAINS = ["mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru"]

# ---------------------------------------------------------------------------------------------
# Notes. Templates take {jk} {rooms} {area} {floor} {floor2} {budget_m} {bank} {pay} {meet}
# {meet_time} {book} {apt} {manager}. None of the clean ones may contain a lost-marker (checked).

PK_NOTES = [
    "Входящая заявка с сайта {jk}, перезвонить",
    "Заявка с ЦИАН по {jk}, клиент просил перезвонить после 18:00",
    "Перезвонить в четверг",
    "Не дозвонился, отправил сообщение в WhatsApp",
    "Клиент спрашивал про сроки сдачи {jk}, выслал презентацию",
    "Первичный звонок, запрос: {rooms}, бюджет уточняет",
    "Выслал прайс и презентацию на почту",
    "Заявка через квиз на сайте.\nОтветы: {rooms}, {pay}.\nПерезвонить в рабочее время",
]
KV_NOTES = [
    "Выслал планировки",
    "Квалификация:\n- {rooms}, {area} м²\n- бюджет до {budget_m} млн\n- {pay}",
    "Интересует {jk}, этаж {floor}, вид во двор",
    "Предварительное одобрение ипотеки в {bank} на {budget_m} млн",
    "Подобрал 3 варианта, выслал планировки в Telegram",
    'Клиент: "Нам важна сдача дома до конца 2027 года"',
    "Перезвонить в понедельник, хочет обсудить варианты с семьей",
    "Уточнил параметры: {rooms}, не выше {floor} этажа, нужна кладовая",
]
VN_NOTES = [
    "Подтвердил встречу по телефону, приедут всей семьей",
    "Выслал схему проезда до офиса продаж",
    "Напомнить о встрече за день, отправить напоминание в WhatsApp",
    'Клиент просил подготовить "шахматку" по {jk} к встрече',
]
VN_SCHEDULED = "Встреча назначена на {meet} {meet_time} в офисе продаж {jk}"
MEET_RESULT = [
    "Встреча проведена {meet}: показали макет и шоурум, клиент выбрал 2 варианта",
    "Итоги встречи {meet}:\n- понравилась планировка {rooms}, {area} м²\n- смущает срок сдачи\n"
    "- нужна ипотека с господдержкой",
    "Встреча в офисе продаж {meet} состоялась, клиенту понравился {jk}, выбирает между "
    "{floor} и {floor2} этажом",
    'По итогам встречи {meet} клиент сказал: "Берем, если будет скидка за 100% оплату"',
    "Встреча {meet} прошла хорошо.\nСмотрели {rooms} на {floor} этаже, клиент попросил расчет "
    "ипотеки в {bank}",
]
ML_NOTES = [
    "После встречи не выходит на связь, звонил дважды",
    "Отправил подборку в WhatsApp, сообщения прочитаны, ответа нет",
    "Перезвонить через неделю",
    "Звонок не принят, оставил голосовое сообщение",
]
OV_NOTES = [
    "Возражение: дорого. Предложил рассрочку на 12 месяцев",
    "Сравнивает с соседними ЖК, выслал сравнение по цене за м²",
    "Возражение по сроку сдачи, выслал фотоотчет со стройки",
    'Клиент: "Ипотека под 6% нам не подходит", подобрали семейную ипотеку',
    "Сомневается в районе.\nВыслал карту инфраструктуры: школа, детский сад, парк",
]
KP_NOTES = [
    "Повторный звонок: ждут одобрения ипотеки в {bank}",
    "Выслал обновленный прайс, цены с 1 декабря растут",
    "Клиент попросил расчет рассрочки, отправил на почту",
    "Созвонились, клиент выбирает между {floor} и {floor2} этажом, перезвонить в пятницу",
]
BR_NOTES = [
    "Платная бронь 30 000 ₽ внесена",
    "Собираем документы на ДДУ",
    "Ипотека в {bank} одобрена, готовим сделку",
]
BR_SET = "Оформлена бронь кв. {apt} до {book}"
DG_NOTES = [
    "ДДУ на кв. {apt} направлен клиенту на согласование",
    "Клиент подписал ДДУ, передали на регистрацию",
    "Ждем открытия аккредитива в {bank}",
    "Юрист проверил документы.\nЗамечаний нет, назначено подписание",
]
WON_NOTES = [
    "ДДУ зарегистрирован, оплата поступила",
    "Сделка закрыта, клиенту вручены документы",
    "Клиент доволен, обещал рекомендовать знакомым",
]
LOST_NOTES = [
    "Ипотеку не одобрили, клиент решил подождать до следующего года",
    "Не устроили сроки сдачи, сделку закрываем",
    "Бюджет клиента не совпадает с нашими ценами",
    "Клиент уезжает работать в другой регион, покупку отложил",
    "Нужна была готовая квартира, у нас только строящиеся дома",
]
# The planted "lost in notes" markers: the client bought elsewhere or is not interested.
LOST_MARKERS = [
    "Клиент сообщил, что купили в другом ЖК",
    "Купил у конкурентов, в ЖК «Европейский», вопрос закрыт",
    "Не актуально",
    "Звонок: отказ, передумали",
    "Передумала покупать, семейные обстоятельства",
    "Перезвонил: не актуально, уже купили квартиру на вторичке",
    "Звонок {today}:\nклиент сказал, что купили в другом ЖК\nпросил больше не звонить",
    'Клиент: "Мы передумали, квартира уже не нужна". Отказ',
]
# Lower-cased (ё folded) substrings that must not appear in any clean note.
FORBIDDEN_IN_CLEAN = ["купил", "конкурент", "не актуал", "неактуал", "отказ", "передумал",
                      "другом жк", "не интерес", "неинтерес"]


def fold(s: str) -> str:
    return s.lower().replace("ё", "е")


# ---------------------------------------------------------------------------------------------
# Time helpers


def fmt_dt(d: datetime) -> str:
    return d.strftime("%d.%m.%Y %H:%M:%S")


def fmt_d(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def pick(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    """A random moment in [lo, hi], preferring office hours (8:00-21:00)."""
    if hi < lo:
        raise ValueError(f"empty interval {lo} .. {hi}")
    span = int((hi - lo).total_seconds())
    best = lo
    for _ in range(20):
        best = lo + timedelta(seconds=rng.randint(0, span))
        if 8 <= best.hour < 21:
            break
    return best


def pick_day(rng: random.Random, lo: date, hi: date) -> date:
    if hi < lo:
        raise ValueError(f"empty interval {lo} .. {hi}")
    return lo + timedelta(days=rng.randint(0, (hi - lo).days))


def days_ago(n: float) -> datetime:
    return NOW - timedelta(days=n)


def start_of(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def end_of(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, 23, 59, 59)


def weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


# ---------------------------------------------------------------------------------------------
# Cards


def phone(rng: random.Random) -> str:
    return "+7 9%02d %03d-%02d-%02d" % (rng.randint(0, 99), rng.randint(0, 999),
                                         rng.randint(0, 99), rng.randint(0, 99))


def translit(s: str) -> str:
    return "".join(TRANSLIT.get(ch, ch) for ch in s.lower())


def person(rng: random.Random):
    male = rng.random() < 0.5
    surname = rng.choice(MALE_SURNAMES)
    if male:
        return surname, rng.choice(MALE_NAMES), rng.choice(PATRONYMICS_M)
    return surname + "а", rng.choice(FEMALE_NAMES), rng.choice(PATRONYMICS_F)


def build_card(rng: random.Random, stage: str, faults: list[str], missing: list[str] | None,
               lost_depth: int | None = None, silent: bool = False) -> dict:
    """One card as {column: value} plus private keys starting with '_'. `silent`: an idle card
    of the silent tail, last touched 3-7 weeks ago (after its meeting) rather than months ago."""
    kind, depth = STAGE_INFO[stage]
    f = set(faults)
    missing = set(missing or [])
    c: dict[str, str] = {}

    # --- who and what
    surname, name, patronymic = person(rng)
    jk, jk_slug = rng.choice(JK)
    rooms, rooms_slug, (a_lo, a_hi), (b_lo, b_hi) = rng.choice(ROOMS)
    area = round(rng.uniform(a_lo, a_hi), 1)
    budget = int(round(rng.uniform(b_lo, b_hi) * 1_000_000, -4))
    floor = rng.randint(2, 20)
    floor2 = min(floor + rng.randint(2, 6), 25)
    owner = rng.choice(MANAGERS)
    source = weighted(rng, SOURCES)
    vars_ = {
        "jk": jk, "rooms": rooms, "area": str(area).replace(".", ","), "floor": floor,
        "floor2": floor2, "budget_m": str(round(budget / 1e6 + 0.4, 1)).replace(".", ","),
        "bank": rng.choice(BANKS), "pay": rng.choice(PAYMENT), "apt": rng.randint(12, 480),
        "manager": owner,
    }

    # Lost cards fall out at some stage of the funnel: that decides how far they got.
    if kind == "lost":
        reached = lost_depth if lost_depth is not None else rng.randint(0, 8)
    elif kind == "won":
        reached = 8
    else:
        reached = depth

    # --- timeline
    idle = "idle" in f
    closed_at = None
    if kind == "open":
        if silent:
            edited = pick(rng, days_ago(SILENT_AGE[1]), days_ago(SILENT_AGE[0]))
            created = pick(rng, edited - timedelta(days=30), edited - timedelta(days=12))
        elif idle:
            edited = pick(rng, days_ago(165), days_ago(62))
            created = pick(rng, edited - timedelta(days=16), edited - timedelta(days=4))
        else:
            lo, hi = {0: (0, 14), 1: (2, 30), 2: (4, 45), 3: (7, 90), 4: (14, 120),
                      5: (10, 120), 6: (14, 150), 7: (20, 160), 8: (30, 175)}[depth]
            created = pick(rng, days_ago(hi), days_ago(lo))
            edited = pick(rng, max(created, days_ago(3)), NOW)
    else:
        created = pick(rng, days_ago(180), days_ago(20))
        closed_at = pick(rng, created + timedelta(days=6 if kind == "won" else 1), days_ago(1))
        edited = min(closed_at + timedelta(minutes=rng.randint(1, 2 * 24 * 60)), NOW)

    # --- meeting date
    meeting: date | None = None
    if stage == VN:
        if "meeting_date_wrong" in f:
            if idle:
                meeting = pick_day(rng, edited.date() + timedelta(days=1),
                                   edited.date() + timedelta(days=10))
            else:
                meeting = TODAY - timedelta(days=rng.randint(2, 30))
                # the card was created (and the meeting set) before the meeting day
                if created.date() >= meeting:
                    created = pick(rng, start_of(meeting - timedelta(days=12)),
                                   start_of(meeting - timedelta(days=2)))
        else:
            meeting = TODAY + timedelta(days=rng.randint(1, 14))
    elif reached >= 3 and "meeting_missing" not in f:
        hi = min(edited.date(), TODAY - timedelta(days=1))
        if closed_at is not None:
            hi = min(hi, closed_at.date())
        lo = created.date() + timedelta(days=1)
        if hi < lo:  # a short-lived card: move creation back
            created = pick(rng, start_of(hi - timedelta(days=8)), start_of(hi - timedelta(days=2)))
            lo = created.date() + timedelta(days=1)
        meeting = pick_day(rng, lo, hi)

    # --- booking date
    booking: date | None = None
    if stage == BR:
        if "booking_expired" in f:
            if idle:
                booking = edited.date() + timedelta(days=rng.randint(7, 14))
            else:
                booking = TODAY - timedelta(days=rng.randint(2, 40))
                if created.date() > booking - timedelta(days=14):
                    created = pick(rng, start_of(booking - timedelta(days=40)),
                                   start_of(booking - timedelta(days=16)))
                if meeting is not None and not (created.date() < meeting <= booking):
                    meeting = pick_day(rng, created.date() + timedelta(days=1),
                                       booking - timedelta(days=7))
        else:
            booking = TODAY + timedelta(days=rng.randint(3, 25))

    # --- closing date on an open card
    if "closed_on_open" in f:
        closed_at = pick(rng, created, edited)

    vars_["today"] = fmt_d(edited.date())  # the day of the last note
    meet_time = "%02d:%02d" % (rng.randint(10, 19), rng.choice([0, 30]))
    vars_["meet"] = fmt_d(meeting) if meeting else ""
    vars_["meet_time"] = meet_time
    vars_["book"] = fmt_d(booking) if booking else ""

    # --- notes
    no_meeting_talk = "meeting_missing" in f

    def some(pool, k=1):
        pool = [p for p in pool if not (no_meeting_talk and "встреч" in p)]
        return [p for p in rng.sample(pool, min(k, len(pool)))]

    notes: list[str] = []
    if reached == 0:
        notes += some(PK_NOTES, rng.randint(1, 2))
    elif reached == 1:
        notes += some(PK_NOTES) + some(KV_NOTES, rng.randint(1, 2))
    elif reached == 2:
        notes += some(KV_NOTES, rng.randint(1, 2))
        if kind == "open":
            notes.append(VN_SCHEDULED)
            notes += some(VN_NOTES, rng.randint(0, 1))
    else:
        notes += some(KV_NOTES, 1 if reached >= 5 else rng.randint(1, 2))
        if not no_meeting_talk:
            notes += some(MEET_RESULT)
        if stage in UNKNOWN_STAGES:
            notes += some(OV_NOTES)
        elif silent or reached == 4 or (kind == "lost" and rng.random() < 0.3):
            notes += some(ML_NOTES, rng.randint(1, 2))
        elif reached == 5:
            notes += some(OV_NOTES, rng.randint(1, 2))
        elif reached == 6:
            notes += some(KP_NOTES, rng.randint(1, 2))
        elif reached == 7:
            notes += ([BR_SET] if booking else []) + some(BR_NOTES, rng.randint(0, 1))
        elif reached == 8:
            notes += some(DG_NOTES, rng.randint(1, 2))
    if kind == "won":
        notes = notes[-3:] + some(WON_NOTES, rng.randint(1, 2))
    if kind == "lost":
        notes = notes[-3:] + some(LOST_NOTES)
    if "lost_in_notes" in f:
        notes = notes[-4:] + [rng.choice(LOST_MARKERS)]
    notes = [n.format(**vars_) for n in notes[-5:]]

    # --- columns
    full_name = f"{surname} {name} {patronymic}"
    title_kind = rng.random()
    if title_kind < 0.3:
        title = "Сделка #{id}"  # filled in when the ID is known
    elif title_kind < 0.55:
        title = f"{surname} {name}"
    elif title_kind < 0.8:
        title = f"{rooms}, {jk}"
    elif title_kind < 0.9:
        title = f'Квартира в ЖК "{jk[4:-1]}"'
    else:
        title = f"Заявка с сайта {jk}"

    has_owner = "owner" not in missing
    c["Название сделки"] = title
    c["Бюджет"] = str(budget)
    c["Ответственный"] = owner if has_owner else ""
    c["Дата создания сделки"] = fmt_dt(created)
    c["Кем создана сделка"] = ADMIN if (source in ("Сайт", "Яндекс.Директ", "ЦИАН", "Авито")
                                        or not has_owner) else owner
    c["Дата редактирования"] = fmt_dt(edited)
    c["Кем редактирована"] = owner if (has_owner and rng.random() < 0.8) else rng.choice(MANAGERS)
    c["Дата закрытия"] = fmt_dt(closed_at) if closed_at else "не закрыта"
    tags = []
    if rng.random() < 0.6:
        tags = rng.sample(TAG_POOL, rng.randint(1, 3))
    if source == "Сайт" and "сайт" not in tags and rng.random() < 0.5:
        tags.append("сайт")
    c["Теги"] = ", ".join(tags)
    for col, note in zip(NOTE_COLUMNS, notes):
        c[col] = note
    c["Этап сделки"] = stage
    c["Воронка"] = PIPELINE
    c["Полное имя контакта"] = full_name
    c["Ответственный за контакт"] = owner if has_owner else ""
    if "phone" not in missing:
        c["Мобильный телефон"] = phone(rng)
        if rng.random() < 0.15:
            c["Рабочий телефон"] = phone(rng)
        if rng.random() < 0.05:
            c["Другой телефон"] = phone(rng)
    if rng.random() < 0.55:
        c["Личный email"] = "%s.%s%s@%s" % (translit(name)[0], translit(surname),
                                            rng.choice(["", str(rng.randint(1, 99))]),
                                            rng.choice(MAIL_DOMAINS))
    if rng.random() < 0.06:
        c["Компания контакта"] = rng.choice(["ООО «Уралстрой»", "ИП " + surname,
                                             "АО «Техпром»"])
        c["Рабочий email"] = "%s@%s" % (translit(surname), "company.ru")
    city = weighted(rng, CITIES)
    c["Город"] = city
    if rng.random() < 0.25:
        c["Адрес"] = "%s, %d, кв. %d" % (rng.choice(STREETS), rng.randint(1, 120),
                                         rng.randint(1, 300))
    c["Источник"] = source
    if rng.random() < 0.2:
        c["Должность"] = rng.choice(JOBS)

    # custom fields
    if meeting:
        c["Дата встречи в офисе продаж"] = fmt_d(meeting)
    if booking:
        c["Срок действия брони"] = fmt_d(booking)
    # The built-in funnel requires it at «Договор»: the signing day set a week after the last
    # edit, or the day a won deal closed. Drawn from no random stream, so the cards keep theirs.
    if reached >= 8 and kind == "open":
        c["Дата договора"] = fmt_d(edited.date() + timedelta(days=7))
    elif kind == "won":
        c["Дата договора"] = fmt_d(closed_at.date())
    if reached >= 1 or stage in UNKNOWN_STAGES:
        c["Интересующие параметры"] = "%s, %d–%d м², %d–%d этаж, %s" % (
            rooms, int(area) - 3, int(area) + 5, max(1, floor - 3), floor2, jk)
    if reached >= 3 and rng.random() < 0.6:
        c["Интерес к доп. услугам"] = ", ".join(
            sorted(rng.sample(EXTRAS, rng.randint(1, 3)), key=EXTRAS.index))

    # utm
    if source == "Яндекс.Директ":
        c["utm_source"] = "yandex"
        c["utm_medium"] = "cpc"
        c["utm_campaign"] = f"{jk_slug}_{rooms_slug}"
        c["utm_term"] = rng.choice(["купить квартиру в новостройке", "квартира от застройщика",
                                    f"{jk[4:-1].lower()} цены", "семейная ипотека новостройка"])
        c["utm_content"] = "ad_%d" % rng.randint(1000, 9999)
        c["yclid"] = str(rng.randint(10**18, 10**19 - 1))
    elif source == "ВКонтакте":
        c["utm_source"] = "vk"
        c["utm_medium"] = "social"
        c["utm_campaign"] = f"{jk_slug}_target"
    elif source == "Сайт" and rng.random() < 0.4:
        c["utm_source"] = "google"
        c["utm_medium"] = "organic"
        c["gclid"] = "Cj0KCQiA" + "".join(rng.choice("abcdefghijkLMNOPQRSTuvwxyz0123456789")
                                          for _ in range(24))
    if source in ("Сайт", "Яндекс.Директ", "ВКонтакте"):
        c["roistat"] = str(rng.randint(10000, 99999))
        c["_ym_uid"] = str(rng.randint(10**18, 10**19 - 1))

    c["_created"] = created
    c["_reached"] = reached
    c["_silent"] = silent
    c["_faults"] = list(faults)
    c["_missing"] = sorted(missing)
    return c


def check(card: dict) -> None:
    """The generator's own promises: a clean card is clean, a planted fault is really there."""
    stage = card["Этап сделки"]
    kind, depth = STAGE_INFO[stage]
    f = set(card["_faults"])
    notes = [card.get(col, "") for col in NOTE_COLUMNS]
    folded = fold("\n".join(notes))
    has_marker = any(m in folded for m in FORBIDDEN_IN_CLEAN)
    assert has_marker == ("lost_in_notes" in f), (card["ID"], notes)
    edited = datetime.strptime(card["Дата редактирования"], "%d.%m.%Y %H:%M:%S")
    created = datetime.strptime(card["Дата создания сделки"], "%d.%m.%Y %H:%M:%S")
    assert created <= edited <= NOW, card["ID"]
    age = (NOW - edited).days
    if kind == "open":
        assert (age >= 60 or card["_silent"]) == ("idle" in f), (card["ID"], age)
        assert (60 <= age <= 183) or age <= 3 or (
            card["_silent"] and SILENT_AGE[0] <= age <= SILENT_AGE[1]), (card["ID"], age)
        assert (card["Дата закрытия"] != "не закрыта") == ("closed_on_open" in f), card["ID"]
    else:
        assert card["Дата закрытия"] != "не закрыта"
        assert not f - {"required_empty"}
    assert (created >= NOW - timedelta(days=190)), card["ID"]
    meeting = card.get("Дата встречи в офисе продаж")
    mday = datetime.strptime(meeting, "%d.%m.%Y").date() if meeting else None
    if mday:
        assert mday >= created.date(), card["ID"]
    if stage == VN:
        assert mday is not None
        assert (mday < TODAY) == ("meeting_date_wrong" in f), card["ID"]
    elif kind == "open" and depth >= 3:
        no_meeting = mday is None and "встреч" not in fold("\n".join(notes))
        assert no_meeting == ("meeting_missing" in f), card["ID"]
        if mday:
            assert mday < TODAY
    booking = card.get("Срок действия брони")
    if stage == BR:
        bday = datetime.strptime(booking, "%d.%m.%Y").date()
        assert (bday < TODAY) == ("booking_expired" in f), card["ID"]
    else:
        assert not booking
    has_phone = any(card.get(col) for col in PHONE_COLUMNS)
    has_owner = bool(card.get("Ответственный"))
    assert (not has_phone or not has_owner) == ("required_empty" in f), card["ID"]
    if depth >= 1 or stage in UNKNOWN_STAGES:
        if kind != "lost":
            assert card.get("Интересующие параметры"), card["ID"]
    if "idle" in f or "lost_in_notes" in f or "meeting_missing" in f or "closed_on_open" in f:
        assert kind == "open"


def generate(rng: random.Random) -> list[dict]:
    plans_by_stage: dict[str, list] = {}
    for stage, faults, missing in PLANS:
        plans_by_stage.setdefault(stage, []).append((faults, missing))
    cards = []
    for stage, count, _, _ in STAGES:
        plans = plans_by_stage.get(stage, [])
        assert len(plans) <= count
        lost_depths = [rng.randint(0, 8) for _ in range(count)]
        for i in range(count):
            faults, missing = plans[i] if i < len(plans) else ([], None)
            cards.append(build_card(rng, stage, faults, missing, lost_depths[i]))
    # amoCRM IDs grow with creation time: random, unique, 8 digits, ordered by creation.
    ids = sorted(rng.sample(range(31245817, 31999999), len(cards)))
    cards.sort(key=lambda c: c["_created"])
    for card, id_ in zip(cards, ids):
        card["ID"] = str(id_)
        card["Название сделки"] = card["Название сделки"].replace("{id}", str(id_))
    # The funnel's story comes from its own random stream, so every card above stays as it was.
    plant_story(cards, random.Random(SEED + 1))
    # The export lists the newest deals first.
    cards.sort(key=lambda c: -int(c["ID"]))
    for card in cards:
        check(card)
    check_story(cards)
    return cards


def plant_story(cards: list[dict], rng: random.Random) -> None:
    """What `okk funnel suggest` should find: nobody moves cards to «Молчуны после встречи»
    (its cards stay in «Контакт после встречи», where the silent ones pile up), and the managers
    keep an undeclared «Результат встречи» from Встреча проведена on."""
    for card in cards:
        if card["Этап сделки"] == ML:
            card["Этап сделки"] = KP
    silent = [build_card(rng, KP, ["idle"], None, silent=True) for _ in range(SILENT_CARDS)]
    # Each new card's ID falls between its neighbours' by creation time, so IDs still grow
    # with it and no older card's ID changes.
    taken = sorted(int(c["ID"]) for c in cards)
    by_created = sorted(cards, key=lambda c: c["_created"])
    for card in sorted(silent, key=lambda c: c["_created"]):
        before = [int(c["ID"]) for c in by_created if c["_created"] <= card["_created"]]
        after = [int(c["ID"]) for c in by_created if c["_created"] > card["_created"]]
        lo = max(before, default=taken[0] - 1000) + 1
        hi = min(after, default=taken[-1] + 1000) - 1
        id_ = rng.randint(lo, hi)
        assert id_ not in taken and lo <= hi
        taken.append(id_)
        card["ID"] = str(id_)
        card["Название сделки"] = card["Название сделки"].replace("{id}", str(id_))
        by_created.append(card)
        by_created.sort(key=lambda c: c["_created"])
    cards.extend(silent)
    for card in sorted(cards, key=lambda c: int(c["ID"])):
        if (card["_reached"] >= 3 and card.get("Дата встречи в офисе продаж")
                and rng.random() < 0.97):
            card[MEETING_RESULT] = rng.choice(MEETING_RESULTS)


def check_story(cards: list[dict]) -> None:
    """The thresholds of `okk funnel suggest` (its defaults) are met, with room to spare."""
    stages: dict[str, list[dict]] = {}
    for card in cards:
        stages.setdefault(card["Этап сделки"], []).append(card)
    assert ML not in stages
    kp = [c for c in stages[KP] if c["Дата закрытия"] == "не закрыта"]
    silent = [c for c in kp if c["_silent"] or ("idle" in c["_faults"] and
                                                c.get("Дата встречи в офисе продаж"))]
    assert len(silent) >= 0.28 * len(kp), (len(silent), len(kp))
    for stage, _, kind, depth in STAGES:
        if kind != "open" or stage not in stages or stage in UNKNOWN_STAGES:
            continue
        rate = sum(bool(c.get(MEETING_RESULT)) for c in stages[stage]) / len(stages[stage])
        assert (rate >= 0.84) if depth >= 3 else (rate <= 0.2), (stage, rate)


def write_csv(cards: list[dict], path: str) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n")
    w.writerow(HEADER)
    for card in cards:
        w.writerow([card.get(col, "") for col in COLUMNS])
    with open(path, "wb") as fh:
        fh.write(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def write_planted(cards: list[dict], path: str) -> None:
    planted = []
    for card in sorted(cards, key=lambda c: int(c["ID"])):
        if card["_faults"]:
            entry = {"id": card["ID"], "stage": card["Этап сделки"], "faults": card["_faults"]}
            if card["_missing"]:
                entry["missing"] = card["_missing"]
            planted.append(entry)
    unknown = [{"id": c["ID"], "stage": c["Этап сделки"]}
               for c in sorted(cards, key=lambda c: int(c["ID"]))
               if c["Этап сделки"] in UNKNOWN_STAGES]
    # One card per line: readable, diffable, still plain JSON.
    def lines(items):
        return ",\n".join("  " + json.dumps(x, ensure_ascii=False) for x in items)

    text = ('{\n "today": %s,\n "cards": [\n%s\n ],\n "unknown_stage": [\n%s\n ]\n}\n'
            % (json.dumps(TODAY.isoformat()), lines(planted), lines(unknown)))
    json.loads(text)
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


def main(argv: list[str]) -> int:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out_dir = argv[1] if len(argv) > 1 else os.path.join(root, "assets", "demo")
    os.makedirs(out_dir, exist_ok=True)
    cards = generate(random.Random(SEED))
    write_csv(cards, os.path.join(out_dir, "amocrm_deals.csv"))
    write_planted(cards, os.path.join(out_dir, "planted.json"))

    by_stage: dict[str, int] = {}
    faulty = 0
    fault_counts: dict[str, int] = {}
    for card in cards:
        by_stage[card["Этап сделки"]] = by_stage.get(card["Этап сделки"], 0) + 1
        faulty += bool(card["_faults"])
        for fault in card["_faults"]:
            fault_counts[fault] = fault_counts.get(fault, 0) + 1
    print(f"{len(cards)} cards, {faulty} with planted faults ({100 * faulty / len(cards):.1f}%)",
          file=sys.stderr)
    for stage, _, _, _ in STAGES:
        print(f"  {stage:<28} {by_stage.get(stage, 0)}", file=sys.stderr)
    for fault in sorted(fault_counts):
        print(f"  {fault:<20} {fault_counts[fault]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
