//! A fake CRM account on 127.0.0.1 for tests and for trying `okk sync` by hand
//! (`cargo run --example fake_crm`): amoCRM's API v4 and Bitrix24's REST (under `/rest/`) over
//! the same deals, in the shapes of ../shared/data/CRM_API.md, plus faults.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};

pub const TOKEN: &str = "fake-token-0123456789";
/// The secret of the Bitrix24 incoming webhook `{url}/rest/1/{WEBHOOK_CODE}/`.
pub const WEBHOOK_CODE: &str = "h00ksecret42";

/// Bitrix24's stage ids for the stages of [`PIPELINES`], index by index (pipeline 0 is the
/// default category, the other carries the `C1:` prefix).
pub const B24_STAGES: [&[&str]; 2] = [
    &[
        "NEW",
        "PREPARATION",
        "PREPAYMENT_INVOICE",
        "EXECUTING",
        "WON",
        "LOSE",
    ],
    &["C1:NEW", "C1:PREPARATION", "C1:WON", "C1:LOSE"],
];
const BASE_TIME: i64 = 1_795_000_000;

#[derive(Debug, Clone)]
pub struct Deal {
    pub id: i64,
    pub name: String,
    pub price: i64,
    pub owner: i64,
    pub pipeline: i64,
    pub status: i64,
    pub created_at: i64,
    pub updated_at: i64,
    pub closed_at: Option<i64>,
    pub closest_task_at: Option<i64>,
    pub tags: Vec<String>,
    /// Custom field id → value (date fields hold Unix seconds).
    pub custom: Vec<(i64, Value)>,
}

/// A deal's move to another stage, as the CRM records it.
#[derive(Debug, Clone)]
pub struct Move {
    pub event: String,
    pub deal: i64,
    pub pipeline: i64,
    pub before: i64,
    pub after: i64,
    pub at: i64,
}

/// A note on a deal (amoCRM's note; Bitrix24 shows the text ones as timeline comments).
#[derive(Debug, Clone)]
pub struct Note {
    pub id: i64,
    pub deal: i64,
    /// amoCRM's `note_type`: `common`, `service_message`, `sms_in` carry `params.text`;
    /// `call_in` has none.
    pub kind: &'static str,
    pub text: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Note {
    /// Text a user reads: what a CRM export writes in its note columns.
    pub fn has_text(&self) -> bool {
        self.kind != "call_in" && !self.text.trim().is_empty()
    }
}

/// A Bitrix24 activity (a call, a meeting, a to-do) bound to a deal.
#[derive(Debug, Clone)]
pub struct Activity {
    pub id: i64,
    pub deal: i64,
    pub deadline: i64,
    pub completed: bool,
    /// LAST_UPDATED: when it was added or last changed (done, moved).
    pub updated_at: i64,
}

/// A deal id no deal has: the fake keeps a note on it (as a CRM does for a deal a sync has
/// not seen, created while it read).
pub const UNSEEN_DEAL: i64 = 39_999_999;

/// Faults the next requests meet.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// The next this many requests get 429.
    pub too_many: u32,
    /// The token is refused (401), as an expired one is.
    pub expired: bool,
    /// The users list answers 403, as for a non-admin token.
    pub not_admin: bool,
    /// The next this many pages of deals are cut off mid-body.
    pub cut_pages: u32,
    /// Each page of deals takes this long.
    pub page_delay: Duration,
    /// Bitrix24: this deal's comments answer ACCESS_DENIED inside a `batch`.
    pub comments_denied: Option<i64>,
    /// Bitrix24: `$result[…]` in a batch command is left as it is (a portal that does not
    /// chain).
    pub literal_refs: bool,
    /// Each page of notes takes this long (Bitrix24: each `batch` of comments).
    pub note_page_delay: Duration,
    /// amoCRM: each page of events takes this long (so that okk lands each on its own).
    pub event_page_delay: Duration,
    /// amoCRM: this many more requests for events are answered; every one after it (each
    /// retry too) has its connection dropped mid-answer, so that a sync stops between two
    /// parts of its events as a kill there would stop it.
    pub events_answered: Option<u32>,
    /// (path, detail): this path (amoCRM: without the query; Bitrix24: the method, e.g.
    /// `crm.category.list`) answers 403 with this detail, `{path}` in it the request's path
    /// (as a proxy or a portal that quotes what it refused).
    pub forbidden: Option<(&'static str, &'static str)>,
}

#[derive(Debug, Default)]
pub struct State {
    pub deals: Vec<Deal>,
    /// (event id, deal id, created_at).
    pub deleted: Vec<(String, i64, i64)>,
    /// Stage moves as amoCRM's `lead_status_changed` events (Bitrix24's stage history).
    pub moves: Vec<Move>,
    pub notes: Vec<Note>,
    pub activities: Vec<Activity>,
    pub faults: Faults,
    pub requests: u64,
    /// Requests per path (without the query).
    pub by_path: HashMap<String, u64>,
    /// Bitrix24: batches of comments served.
    pub comment_batches: u64,
    /// Bitrix24: pages of deals served (`crm.deal.list`, alone or as a command of a `batch`).
    pub deal_pages: u64,
    pub clock: i64,
    /// amoCRM: the account's custom fields (id, name, type), [`FIELDS`] until a test adds or
    /// deletes one. A deal's value of a field the account no longer has is not given.
    pub fields: Vec<(i64, &'static str, &'static str)>,
    /// The CRM's own order of its stages, by (pipeline id, amoCRM status id) (Bitrix24's
    /// `SORT` of the stage at the same index), where a test set one; else [`stage_sort`].
    pub stage_sorts: HashMap<(i64, i64), i64>,
    /// The CRM's own order of its pipelines, by id, where a test set one; else
    /// [`pipeline_sort`].
    pub pipeline_sorts: HashMap<i64, i64>,
    /// Bitrix24: a stage's name by its id where a test renamed it, as a portal's admins name
    /// each category's success and failure stages as they choose (`C1:WON` «Сделка успешна»);
    /// else the name of [`PIPELINES`]' stage at its index.
    pub b24_names: HashMap<&'static str, &'static str>,
    /// amoCRM: a stage's name by (pipeline id, status id) where a test renamed it (as an
    /// account's admin renames a stage: its id stays); else the name of [`PIPELINES`]'.
    pub amo_names: HashMap<(i64, i64), &'static str>,
    /// A pipeline's (Bitrix24: category's) name by its id where a test renamed it.
    pub pipeline_names: HashMap<i64, &'static str>,
    /// Bitrix24: the user fields' labels are given (for the language asked), as a portal's
    /// `crm.deal.userfield.list` gives them; off, the codes alone (a portal before labels, or
    /// a store synced before okk read them).
    pub b24_labels: bool,
    /// Bitrix24: the user fields are listed with no type nor items (each a `string`), so that
    /// okk writes each value as the deal list gives it (a list item's id, a boolean's `1`, a
    /// date in ISO 8601): as an okk before it read them left a store.
    pub b24_untyped: bool,
    /// The options of the account's select and multiselect fields beyond [`FIELDS`], by field
    /// id (an option's `enum_id` is its place in them; «Источник» has none, as ever).
    pub field_options: HashMap<i64, &'static [&'static str]>,
    /// Bitrix24: the portal's user fields are every one of `fields` (the many-field shape);
    /// off, «Источник» alone, as the fake's portal always had.
    pub b24_all_fields: bool,
}

pub struct Pipeline {
    pub id: i64,
    pub name: &'static str,
    pub statuses: &'static [(i64, &'static str)],
}

pub const PIPELINES: [Pipeline; 2] = [
    Pipeline {
        id: 7_000_001,
        name: "Продажи недвижимости",
        statuses: &[
            (60_000_001, "Неразобранное"),
            (60_000_002, "Первичный контакт"),
            (60_000_003, "Переговоры"),
            (60_000_004, "Принимают решение"),
            (142, "Успешно реализовано"),
            (143, "Закрыто и не реализовано"),
        ],
    },
    Pipeline {
        id: 7_000_002,
        name: "Вторичный рынок",
        statuses: &[
            (61_000_001, "Первичный контакт"),
            (61_000_002, "Показ"),
            (142, "Успешно реализовано"),
            (143, "Закрыто и не реализовано"),
        ],
    },
];

pub const USERS: [(i64, &str); 4] = [
    (9_000_001, "Смирнова Ольга"),
    (9_000_002, "Васильев Игорь"),
    (9_000_003, "Морозов Алексей"),
    (9_000_004, "Попова Анна"),
];

/// (id, name, type)
pub const FIELDS: [(i64, &str, &str); 2] = [
    (5_000_001, "Источник", "select"),
    (5_000_002, "Дата встречи в офисе продаж", "date"),
];

/// The many-field shape's fields after [`FIELDS`] (`fake_crm --fields N`), in order: (name,
/// amoCRM type, the values a deal draws from: a select's or multiselect's options, sample
/// texts and numbers; none for a date or a checkbox). Beyond them, «Поле N» of the same kinds
/// again. Names no funnel of okk's or profile column has, so that they stay custom fields.
pub const MORE_FIELDS: [(&str, &str, &[&str]); 28] = [
    (
        "Бюджет клиента",
        "numeric",
        &["4500000", "6200000", "8750000", "12300000", "5900000"],
    ),
    (
        "Район",
        "select",
        &[
            "Центральный",
            "Ленинский",
            "Кировский",
            "Октябрьский",
            "Советский",
        ],
    ),
    ("Комнат", "numeric", &["1", "2", "3", "4", "1", "2"]),
    ("Ипотека одобрена", "checkbox", &[]),
    (
        "Комментарий менеджера",
        "textarea",
        &[
            "Перезвонить после 18:00",
            "Клиент сравнивает с соседним ЖК, просит скидку за 100% оплату",
            "Хочет квартиру «с видом», не выше 10 этажа",
            "Ждёт одобрения ипотеки в Сбербанке.\nЕсли откажут — рассрочка",
            "Нужна парковка",
        ],
    ),
    (
        "Интересы",
        "multiselect",
        &["Парковка", "Кладовая", "Отделка", "Вид на парк", "Балкон"],
    ),
    ("Дата следующего звонка", "date", &[]),
    (
        "Сайт агентства",
        "url",
        &[
            "https://etazhi.ru/agent/1432",
            "https://an-kvartal.ru",
            "https://dom-rielt.ru/o/77",
        ],
    ),
    (
        "Телефон для связи",
        "text",
        &["+7 912 345-67-89", "+7 (343) 210-44-05", "89221234567"],
    ),
    (
        "Тип недвижимости",
        "select",
        &["Квартира", "Апартаменты", "Таунхаус", "Коммерция"],
    ),
    (
        "Площадь, м²",
        "numeric",
        &["34.5", "48", "56.2", "72", "95.8", "41"],
    ),
    ("Этаж", "numeric", &["2", "5", "9", "12", "17", "24"]),
    (
        "Способ оплаты",
        "select",
        &["Наличные", "Ипотека", "Рассрочка", "Материнский капитал"],
    ),
    (
        "Банк",
        "select",
        &["Сбербанк", "ВТБ", "Альфа-Банк", "Газпромбанк", "Дом.РФ"],
    ),
    (
        "Первоначальный взнос",
        "numeric",
        &["500000", "1200000", "950000", "2000000"],
    ),
    ("Дата брони", "date", &[]),
    (
        "Очередь строительства",
        "text",
        &["1 очередь", "2 очередь", "3 очередь, корпус 4"],
    ),
    ("Промокод", "text", &["ВЕСНА24", "DOM10", "ДРУГ"]),
    (
        "Рекламная кампания",
        "text",
        &["yandex_direct_ekb", "vk_target_novostroyki", "avito_pro"],
    ),
    ("Повторное обращение", "checkbox", &[]),
    (
        "Сопровождение сделки",
        "multiselect",
        &["Юрист", "Дизайн-проект", "Страхование", "Переезд"],
    ),
    ("Корпус", "select", &["1", "2", "3", "4А"]),
    (
        "Срок покупки",
        "select",
        &["В течение месяца", "Три месяца", "Полгода", "Год и больше"],
    ),
    (
        "Причина отказа",
        "text",
        &["Дорого", "Не устроил район", "Купили вторичку"],
    ),
    (
        "Email клиента",
        "text",
        &[
            "ivanova.m@mail.ru",
            "petrov1984@yandex.ru",
            "a.sokolova@gmail.com",
        ],
    ),
    ("Дата показа", "date", &[]),
    ("Согласие на рассылку", "checkbox", &[]),
    ("Номер квартиры", "text", &["14", "127", "305", "41"]),
];

/// The account's fields for `fake_crm --fields n`: [`FIELDS`] first (as many as `n` takes),
/// then [`MORE_FIELDS`] (ids on from 5_000_003), then «Поле N» of their kinds again.
pub fn fields_of(n: usize) -> Vec<(i64, &'static str, &'static str)> {
    let mut out: Vec<(i64, &'static str, &'static str)> = FIELDS.iter().copied().take(n).collect();
    for k in 0..n.saturating_sub(FIELDS.len()) {
        let (name, kind, _) = MORE_FIELDS[k % MORE_FIELDS.len()];
        let name: &'static str = if k < MORE_FIELDS.len() {
            name
        } else {
            // A fake's few field names live as long as the process.
            Box::leak(format!("Поле {}", FIELDS.len() + k + 1).into_boxed_str())
        };
        out.push((5_000_003 + k as i64, name, kind));
    }
    out
}

/// The values a field beyond [`FIELDS`] draws from (see [`MORE_FIELDS`]).
fn pool_of(field: i64) -> &'static [&'static str] {
    let k = (field - 5_000_003).max(0) as usize;
    MORE_FIELDS[k % MORE_FIELDS.len()].2
}

/// A select or multiselect option's `enum_id` (and Bitrix24's list item `ID`).
fn enum_id(field: i64, index: usize) -> i64 {
    8_000_000 + (field % 10_000) * 100 + index as i64
}

/// A well-mixed number for (deal, field): which fields a deal fills and with what.
fn mix(i: usize, k: usize) -> u64 {
    let mut z = (i as u64) << 20 ^ k as u64;
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The i-th deal's values of the fields beyond [`FIELDS`] (created at `created`): none for a
/// deal with no custom fields at all (every third, as [`deal`] leaves them), else each field
/// filled or not, 45–85 % of them by deal: short words and numbers, now and then a sentence,
/// Cyrillic; dates at midnight (UTC), as a date field holds a day.
fn more_values(
    i: usize,
    created: i64,
    fields: &[(i64, &'static str, &'static str)],
) -> Vec<(i64, Value)> {
    if i.is_multiple_of(3) {
        return Vec::new();
    }
    let share = 45 + (i * 7 % 41) as u64;
    let mut out = Vec::new();
    for &(id, _, kind) in fields.iter().filter(|f| f.0 >= 5_000_003) {
        let k = (id - 5_000_003) as usize;
        let h = mix(i, k);
        if h % 100 >= share {
            continue;
        }
        let pool = pool_of(id);
        let pick = |salt: u64| pool[((h >> 8).wrapping_add(salt) % pool.len() as u64) as usize];
        let v = match kind {
            "date" => json!((created / 86_400 + 1 + (h >> 8) as i64 % 30) * 86_400),
            "checkbox" => json!((h >> 8).is_multiple_of(3)),
            "multiselect" => {
                let n = 1 + (h >> 16) as usize % 3;
                let start = (h >> 8) as usize % pool.len();
                let picked: Vec<&str> = (0..n.min(pool.len()))
                    .map(|j| pool[(start + j) % pool.len()])
                    .collect();
                json!(picked)
            }
            _ => json!(pick(0)),
        };
        out.push((id, v));
    }
    out
}

/// A stage's `sort` as amoCRM gives it by default: in [`PIPELINES`]' order, ten apart, won
/// and lost last (amoCRM gives them 10000 and 11000).
pub fn stage_sort(status: i64, index: usize) -> i64 {
    match status {
        142 => 10_000,
        143 => 11_000,
        _ => (index as i64 + 1) * 10,
    }
}

/// A pipeline's `sort` by default: in [`PIPELINES`]' order.
pub fn pipeline_sort(index: usize) -> i64 {
    index as i64 + 1
}

impl State {
    /// The `sort` of the stage `status` of pipeline `pipeline`, at `index` in its list.
    pub fn sort_of(&self, pipeline: i64, status: i64, index: usize) -> i64 {
        self.stage_sorts
            .get(&(pipeline, status))
            .copied()
            .unwrap_or_else(|| stage_sort(status, index))
    }

    /// The `sort` of the pipeline at `index` of [`PIPELINES`].
    pub fn pipeline_sort_of(&self, index: usize) -> i64 {
        self.pipeline_sorts
            .get(&PIPELINES[index].id)
            .copied()
            .unwrap_or_else(|| pipeline_sort(index))
    }

    /// The name the CRM gives pipeline `p` (its own, unless renamed).
    pub fn pipeline_name(&self, p: &Pipeline) -> &'static str {
        self.pipeline_names.get(&p.id).copied().unwrap_or(p.name)
    }

    /// The name amoCRM gives stage `status` of pipeline `pipeline` (`name`, unless renamed).
    pub fn amo_name(&self, pipeline: i64, status: i64, name: &'static str) -> &'static str {
        self.amo_names
            .get(&(pipeline, status))
            .copied()
            .unwrap_or(name)
    }

    pub fn with_deals(n: usize) -> State {
        State::with_deals_and_fields(n, FIELDS.len())
    }

    /// [`State::with_deals`] in an account of `fields` custom fields ([`fields_of`]): beyond
    /// [`FIELDS`], the many-field shape of `fake_crm --fields N`, whose deals fill a share of
    /// them and whose Bitrix24 portal has them all as user fields.
    pub fn with_deals_and_fields(n: usize, fields: usize) -> State {
        let fields = fields_of(fields);
        let mut s = State {
            clock: BASE_TIME + n as i64 * 60 + 3600,
            b24_labels: true,
            b24_all_fields: fields.len() > FIELDS.len(),
            field_options: fields
                .iter()
                .filter(|f| f.0 > FIELDS[1].0 && matches!(f.2, "select" | "multiselect"))
                .map(|f| (f.0, pool_of(f.0)))
                .collect(),
            fields,
            ..State::default()
        };
        for i in 0..n {
            let mut d = deal(i);
            d.custom.retain(|c| s.fields.iter().any(|f| f.0 == c.0));
            d.custom.extend(more_values(i, d.created_at, &s.fields));
            notes_of(i, &d, &mut s.notes);
            activities_of(i, &d, &mut s.activities);
            s.deals.push(d);
        }
        let at = BASE_TIME + 120;
        s.notes.push(Note {
            id: 69_999_999,
            deal: UNSEEN_DEAL,
            kind: "common",
            text: "Клиент сказал, что уже купили".into(),
            created_at: at,
            updated_at: at,
        });
        s
    }

    /// Adds a text note to a deal; returns its id.
    pub fn add_note(&mut self, deal: i64, text: &str) -> i64 {
        let t = self.tick();
        let id = 70_000_000 + self.notes.len() as i64 + 1_000_000;
        self.notes.push(Note {
            id,
            deal,
            kind: "common",
            text: text.to_string(),
            created_at: t,
            updated_at: t,
        });
        id
    }

    /// Edits a note's text (its deal does not change).
    pub fn edit_note(&mut self, id: i64, text: &str) {
        let t = self.tick();
        let n = self
            .notes
            .iter_mut()
            .find(|n| n.id == id)
            .expect("no such note");
        n.text = text.to_string();
        n.updated_at = t;
    }

    /// The id the next deal [`State::add`] makes will have.
    pub fn next_id(&self) -> i64 {
        deal(self.deals.len() + self.deleted.len() + 100_000).id
    }

    /// A deal's notes with text, newest first (as the card shows them).
    pub fn texts_of(&self, deal: i64) -> Vec<String> {
        let mut notes: Vec<&Note> = self
            .notes
            .iter()
            .filter(|n| n.deal == deal && n.has_text())
            .collect();
        notes.sort_by_key(|n| std::cmp::Reverse((n.created_at, n.id)));
        notes.iter().map(|n| n.text.clone()).collect()
    }

    /// The deal's nearest open activity (Bitrix24's «nearest task»).
    pub fn nearest_activity(&self, deal: i64) -> Option<i64> {
        self.activities
            .iter()
            .filter(|a| a.deal == deal && !a.completed)
            .map(|a| a.deadline)
            .min()
    }

    /// Marks the deal's open activities done, as a manager does in the portal: the deal's own
    /// DATE_MODIFY stays.
    pub fn complete_activities(&mut self, deal: i64) {
        let at = self.tick();
        for a in self.activities.iter_mut().filter(|a| a.deal == deal) {
            if !a.completed {
                a.completed = true;
                a.updated_at = at;
            }
        }
    }

    /// Schedules an open activity on the deal (its DATE_MODIFY stays).
    pub fn add_activity(&mut self, deal: i64, deadline: i64) {
        let at = self.tick();
        let id = self.activities.iter().map(|a| a.id).max().unwrap_or(0) + 1;
        self.activities.push(Activity {
            id,
            deal,
            deadline,
            completed: false,
            updated_at: at,
        });
    }

    /// amoCRM: the account is given a custom field (no deal has a value in it yet).
    pub fn add_field(&mut self, id: i64, name: &'static str, kind: &'static str) {
        self.fields.push((id, name, kind));
    }

    /// amoCRM: the account's custom field `id` is deleted, and with it every deal's value.
    pub fn delete_field(&mut self, id: i64) {
        self.fields.retain(|f| f.0 != id);
        for d in &mut self.deals {
            d.custom.retain(|c| c.0 != id);
        }
    }

    /// A manager fills in a custom field of a deal (the deal's update time moves).
    pub fn set_field(&mut self, deal: i64, field: i64, value: Value) {
        let t = self.tick();
        let d = self.find(deal);
        d.custom.retain(|c| c.0 != field);
        d.custom.push((field, value));
        d.updated_at = t;
    }

    /// Time passes in the CRM with nothing changed.
    pub fn pass(&mut self, seconds: i64) {
        self.clock += seconds;
    }

    fn tick(&mut self) -> i64 {
        self.clock += 7;
        self.clock
    }

    fn find(&mut self, id: i64) -> &mut Deal {
        self.deals
            .iter_mut()
            .find(|d| d.id == id)
            .expect("no such deal")
    }

    /// Moves a deal to another stage of its pipeline.
    pub fn move_deal(&mut self, id: i64, status: i64) {
        let t = self.tick();
        let d = self.find(id);
        let (pipeline, before) = (d.pipeline, d.status);
        d.status = status;
        d.updated_at = t;
        let event = format!("02ev{:06}", self.moves.len());
        self.moves.push(Move {
            event,
            deal: id,
            pipeline,
            before,
            after: status,
            at: t,
        });
    }

    /// Moves deal `id` along `path` (statuses of the first pipeline), a move a round, each
    /// move followed by one of each of `others` other open deals of the pipeline, between
    /// «Переговоры» and «Принимают решение» by turns: with 99 others, a round is a page of
    /// events (100), and a sync that lands the events a page at a time lands a round a part,
    /// the newest first.
    pub fn move_in_rounds(&mut self, id: i64, path: &[i64], others: usize) {
        let pipeline = PIPELINES[0].id;
        let ids: Vec<i64> = (self.deals.iter())
            .filter(|d| d.id != id && d.pipeline == pipeline && !matches!(d.status, 142 | 143))
            .map(|d| d.id)
            .take(others)
            .collect();
        assert_eq!(ids.len(), others, "open deals of the first pipeline");
        for (round, status) in path.iter().enumerate() {
            self.move_deal(id, *status);
            for (k, other) in ids.iter().enumerate() {
                self.move_deal(*other, [60_000_003, 60_000_004][(round + k) % 2]);
            }
        }
    }

    pub fn rename(&mut self, id: i64, name: &str) {
        let t = self.tick();
        let d = self.find(id);
        d.name = name.to_string();
        d.updated_at = t;
    }

    pub fn delete(&mut self, id: i64) {
        let t = self.tick();
        self.deals.retain(|d| d.id != id);
        let n = self.deleted.len();
        self.deleted.push((format!("01ev{n:06}"), id, t));
    }

    /// Renames the first `n` deals, as users editing them in the CRM would (the fake's
    /// `edit N`); how many it renamed.
    pub fn edit_first(&mut self, n: usize) -> usize {
        let ids: Vec<i64> = self.deals.iter().take(n).map(|d| d.id).collect();
        for (k, id) in ids.iter().enumerate() {
            self.rename(*id, &format!("Сделка, правка {k}"));
        }
        ids.len()
    }

    /// Deletes the first `n` deals, as users deleting them in the CRM would (the fake's
    /// `delete N`): amoCRM lists each as a `lead_deleted` event, Bitrix24 lists none. How many
    /// it deleted.
    pub fn delete_first(&mut self, n: usize) -> usize {
        let ids: Vec<i64> = self.deals.iter().take(n).map(|d| d.id).collect();
        for id in &ids {
            self.delete(*id);
        }
        ids.len()
    }

    /// Moves the first `n` deals that can move on to the next stage of their pipeline (the
    /// fake's `move N`), each a `lead_status_changed` event and a stage history item; how many
    /// it moved. See [`next_stage`] for the deals that stay.
    pub fn move_first(&mut self, n: usize) -> usize {
        let moves: Vec<(i64, i64)> = self
            .deals
            .iter()
            .filter_map(|d| next_stage(d).map(|to| (d.id, to)))
            .take(n)
            .collect();
        for (id, to) in &moves {
            self.move_deal(*id, *to);
        }
        moves.len()
    }

    pub fn add(&mut self) -> i64 {
        let t = self.tick();
        let i = self.deals.len() + self.deleted.len() + 100_000;
        let mut d = deal(i);
        d.custom.extend(more_values(i, d.created_at, &self.fields));
        d.created_at = t;
        d.updated_at = t;
        let id = d.id;
        self.deals.push(d);
        id
    }

    /// Adds `n` new deals, as users creating them in the CRM would (the fake's `add N`): the
    /// next sync has `n` new deals to read, in either API.
    #[allow(dead_code)] // for fake_crm's `add N` and some tests
    pub fn add_n(&mut self, n: usize) -> usize {
        for _ in 0..n {
            self.add();
        }
        n
    }

    /// The deals as amoCRM's web UI exports them (the same columns as a sync's rows).
    pub fn export_csv(&self, path: &std::path::Path) {
        let mut w = csv::Writer::from_path(path).unwrap();
        let mut header = vec![
            "ID",
            "Название сделки",
            "Бюджет",
            "Ответственный",
            "Дата создания сделки",
            "Дата редактирования",
            "Дата закрытия",
            "Теги",
            "Этап сделки",
            "Воронка",
            "Примечание",
            "Примечание 2",
            "Примечание 3",
        ];
        header.extend(self.fields.iter().map(|f| f.1));
        w.write_record(&header).unwrap();
        let fmt = |t: i64| {
            chrono::DateTime::from_timestamp(t, 0)
                .unwrap()
                .naive_utc()
                .format("%d.%m.%Y %H:%M:%S")
                .to_string()
        };
        for d in &self.deals {
            let p = PIPELINES.iter().find(|p| p.id == d.pipeline).unwrap();
            let s = p.statuses.iter().find(|s| s.0 == d.status).unwrap();
            let s = (s.0, self.amo_name(p.id, s.0, s.1));
            let mut row = vec![
                d.id.to_string(),
                d.name.clone(),
                d.price.to_string(),
                USERS.iter().find(|u| u.0 == d.owner).unwrap().1.to_string(),
                fmt(d.created_at),
                fmt(d.updated_at),
                d.closed_at.map(fmt).unwrap_or_else(|| "не закрыта".into()),
                d.tags.join(", "),
                s.1.to_string(),
                self.pipeline_name(p).to_string(),
            ];
            let mut texts = self.texts_of(d.id);
            assert!(texts.len() <= 3, "the export has three note columns");
            texts.resize(3, String::new());
            row.extend(texts);
            for f in &self.fields {
                let v = d.custom.iter().find(|c| c.0 == f.0).map(|c| &c.1);
                // As a sync's row has them (amoCRM's own export of a date field's time and of
                // a checkbox is not on record in ../shared/data): a date with its time (UTC),
                // a multiselect's options joined by ", ", a checkbox `true`/`false`.
                row.push(match v {
                    Some(Value::Number(n)) if f.2 == "date" => fmt(n.as_i64().unwrap()),
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Array(options)) => options
                        .iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                    Some(Value::Bool(b)) => b.to_string(),
                    _ => String::new(),
                });
            }
            w.write_record(&row).unwrap();
        }
        w.flush().unwrap();
    }
}

impl State {
    /// The deals as the Bitrix24 portal's CSV export writes them (../shared/data/FORMATS.md):
    /// every field quoted and followed by `;`, names not codes, «Да»/«Нет» for yes and no,
    /// several values joined by ", ", then the user fields under their labels (an
    /// enumeration's items by name). Dates as the portal's wall-clock time; a `date` field
    /// (the REST docs' `date` type: a day, no time) as its day alone, `15.03.2026`.
    pub fn export_bitrix_csv(&self, path: &std::path::Path) {
        let yes_no = |b: bool| if b { "Да" } else { "Нет" }.to_string();
        // The portal's clock: UTC+3 (its answers' offset).
        let wall = |t: i64| {
            chrono::DateTime::from_timestamp(t + 3 * 3600, 0)
                .unwrap()
                .naive_utc()
                .format("%d.%m.%Y %H:%M:%S")
                .to_string()
        };
        let fields = bitrix::user_fields(self);
        let mut header: Vec<&str> = vec![
            "ID",
            "Название сделки",
            "Стадия сделки",
            "Воронка",
            "Ответственный",
            "Сумма",
            "Валюта",
            "Дата создания",
            "Дата изменения",
            "Сделка закрыта",
            "Комментарий",
        ];
        let name_of = |id: i64| self.fields.iter().find(|f| f.0 == id).map(|f| f.1);
        header.extend(fields.iter().filter_map(|f| name_of(f.0)));
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            for c in cells {
                out.push('"');
                out.push_str(&c.replace('"', "\"\""));
                out.push_str("\";");
            }
            out.push('\n');
        };
        line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
        for d in &self.deals {
            let p = bitrix::pipeline_index(d);
            let j = PIPELINES[p].statuses.iter().position(|s| s.0 == d.status);
            let stage_id = bitrix::stage_id(d);
            let stage = self
                .b24_names
                .get(stage_id)
                .copied()
                .unwrap_or(PIPELINES[p].statuses[j.unwrap()].1);
            let owner = USERS.iter().position(|u| u.0 == d.owner).unwrap();
            let mut row = vec![
                d.id.to_string(),
                d.name.clone(),
                stage.to_string(),
                self.pipeline_name(&PIPELINES[p]).to_string(),
                format!("{} [{}]", USERS[owner].1, owner + 1),
                d.price.to_string(),
                "RUB".to_string(),
                wall(d.created_at),
                wall(d.updated_at),
                yes_no(d.closed_at.is_some()),
                d.tags.join(", "),
            ];
            for (id, _, kind, _) in &fields {
                let v = d.custom.iter().find(|c| c.0 == *id).map(|c| &c.1);
                row.push(match (v, *kind) {
                    (None, _) => String::new(),
                    (Some(Value::Bool(b)), _) => yes_no(*b),
                    // A date field holds the portal's midnight: its day alone.
                    (Some(Value::Number(t)), "date") => {
                        wall(t.as_i64().unwrap() - 3 * 3600)[..10].to_string()
                    }
                    (Some(Value::Number(t)), _) => wall(t.as_i64().unwrap()),
                    (Some(Value::Array(items)), _) => (items.iter())
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(", "),
                    (Some(Value::String(s)), _) => s.clone(),
                    (Some(other), _) => other.to_string(),
                });
            }
            line(&row);
        }
        std::fs::write(path, out).unwrap();
    }
}

/// The open stage after the deal's in its pipeline's order, for the fake's `move N`; none for a
/// closed deal (won and lost stay), one at its pipeline's last open stage, and one in
/// «Неразобранное»: amoCRM's unsorted stage, which a deal leaves by being accepted, and which
/// okk's built-in funnel reads as «Первичный контакт» too, so that moving it on would show the
/// user no stage change.
pub fn next_stage(d: &Deal) -> Option<i64> {
    let p = PIPELINES.iter().find(|p| p.id == d.pipeline)?;
    let at = p.statuses.iter().position(|s| s.0 == d.status)?;
    let (status, name) = p.statuses[at];
    let (next, _) = *p.statuses.get(at + 1)?;
    let closed = |s: i64| matches!(s, 142 | 143);
    (!closed(status) && !closed(next) && name != "Неразобранное").then_some(next)
}

/// The i-th deal's notes: some text notes (one with a phrase of the `lost` markers), service
/// messages, SMS, calls (no text); at most three with text.
fn notes_of(i: usize, d: &Deal, out: &mut Vec<Note>) {
    let mut add = |kind: &'static str, text: &str, after: i64| {
        let at = d.created_at + after;
        out.push(Note {
            id: 70_000_000 + out.len() as i64,
            deal: d.id,
            kind,
            text: text.to_string(),
            created_at: at,
            updated_at: at,
        });
    };
    match i % 6 {
        1 => add("common", "Клиент сообщил, что купили в другом ЖК", 600),
        3 => {
            add("service_message", "Заявка с сайта: просит перезвонить", 300);
            add("sms_in", "Перезвоните после обеда, пожалуйста", 900);
        }
        5 => add("call_in", "", 700),
        _ => {}
    }
    if i % 10 == 7 {
        add("common", "Отправили планировки на почту", 1200);
    }
}

/// The i-th deal's activities for Bitrix24: an open one due at the deal's nearest task (so
/// both APIs say the same of it), and for some deals with no task one done long ago.
fn activities_of(i: usize, d: &Deal, out: &mut Vec<Activity>) {
    if let Some(t) = d.closest_task_at {
        out.push(Activity {
            id: 1 + out.len() as i64,
            deal: d.id,
            deadline: t,
            completed: false,
            updated_at: d.created_at,
        });
    }
    if i % 8 == 4 {
        out.push(Activity {
            id: 1 + out.len() as i64,
            deal: d.id,
            deadline: d.created_at + 100,
            completed: true,
            updated_at: d.created_at + 100,
        });
    }
}

/// The i-th deal of a generated account: every pipeline and stage, some with no custom
/// fields at all (`null`), some closed, some with no task.
pub fn deal(i: usize) -> Deal {
    let p = &PIPELINES[i % 7 / 5];
    let (status, _) = p.statuses[i % p.statuses.len()];
    let created = BASE_TIME + i as i64 * 60;
    let closed = matches!(status, 142 | 143).then_some(created + 3000);
    let custom = if i.is_multiple_of(3) {
        Vec::new()
    } else {
        vec![
            (5_000_001, json!(["Сайт", "ЦИАН", "Авито"][i % 3])),
            (5_000_002, json!(created + 86_400)),
        ]
    };
    Deal {
        id: 30_000_000 + i as i64,
        name: format!("Сделка #{}", 30_000_000 + i),
        price: 1_000_000 + (i as i64 % 97) * 10_000,
        owner: USERS[i % USERS.len()].0,
        pipeline: p.id,
        status,
        created_at: created,
        updated_at: created + 1800,
        closed_at: closed,
        closest_task_at: (!i.is_multiple_of(4)).then_some(created + 172_800),
        tags: if i.is_multiple_of(2) {
            vec!["ипотека".into(), "сайт".into()]
        } else {
            Vec::new()
        },
        custom,
    }
}

fn deal_json(d: &Deal, s: &State, base: &str) -> Value {
    let custom = if d.custom.is_empty() {
        Value::Null
    } else {
        Value::Array(
            d.custom
                .iter()
                .map(|(id, v)| {
                    let f = s.fields.iter().find(|f| f.0 == *id).unwrap();
                    json!({"field_id": id, "field_name": f.1, "field_code": null,
                           "field_type": f.2, "values": amo_values(s, *id, v)})
                })
                .collect(),
        )
    };
    json!({
        "id": d.id, "name": d.name, "price": d.price, "responsible_user_id": d.owner,
        "group_id": 0, "status_id": d.status, "pipeline_id": d.pipeline,
        "loss_reason_id": null, "created_by": d.owner, "updated_by": d.owner,
        "created_at": d.created_at, "updated_at": d.updated_at, "closed_at": d.closed_at,
        "closest_task_at": d.closest_task_at, "is_deleted": false,
        "custom_fields_values": custom, "score": null, "account_id": 31_296_422,
        "labor_cost": null,
        "_links": {"self": {"href": format!("{base}/api/v4/leads/{}", d.id)}},
        "_embedded": {"tags": d.tags.iter().enumerate()
            .map(|(i, t)| json!({"id": 1_252_595 + i, "name": t})).collect::<Vec<_>>(),
            "companies": []}
    })
}

/// A field's `values` on a deal as amoCRM gives them: one `{"value": …}`; a select's option
/// and each of a multiselect's with its `enum_id` (and `enum_code`, null) where the account
/// lists its options.
fn amo_values(s: &State, field: i64, v: &Value) -> Value {
    let options = s.field_options.get(&field).copied().unwrap_or_default();
    let one = |v: &Value| match options.iter().position(|o| Some(*o) == v.as_str()) {
        Some(i) => json!({"value": v, "enum_id": enum_id(field, i), "enum_code": null}),
        None => json!({"value": v}),
    };
    match v {
        Value::Array(many) => Value::Array(many.iter().map(one).collect()),
        v => json!([one(v)]),
    }
}

/// A note as `/api/v4/leads/notes` gives it: the text in `params.text`, none for a call.
fn note_json(n: &Note, base: &str) -> Value {
    let params = match n.kind {
        "call_in" => json!({"uniq": format!("call-{}", n.id), "duration": 60,
            "source": "Телефония", "link": "https://example.com/rec.mp3", "phone": "+79990000000"}),
        "service_message" => json!({"service": "Сайт", "text": n.text}),
        "sms_in" => json!({"text": n.text, "phone": "+79990000000"}),
        _ => json!({"text": n.text}),
    };
    json!({
        "id": n.id, "entity_id": n.deal, "created_by": USERS[0].0, "updated_by": USERS[0].0,
        "created_at": n.created_at, "updated_at": n.updated_at,
        "responsible_user_id": USERS[0].0, "group_id": 0, "note_type": n.kind,
        "params": params, "account_id": 31_296_422,
        "_links": {"self": {"href": format!("{base}/api/v4/leads/{}/notes/{}", n.deal, n.id)}}
    })
}

pub struct FakeCrm {
    pub url: String,
    pub state: Arc<Mutex<State>>,
    server: Arc<tiny_http::Server>,
    thread: Option<JoinHandle<()>>,
}

/// A listener on 127.0.0.1 whose connections send at once (`TCP_NODELAY`, which Linux gives
/// each accepted connection): tiny_http writes a response's head and body apart, and Nagle's
/// algorithm held the body until the client's delayed acknowledgement of the head, 40 ms a
/// request, where a CRM's web server answers at once.
fn listener(port: u16) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None)?;
    socket.set_tcp_nodelay(true)?;
    socket.set_reuse_address(true)?;
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

impl FakeCrm {
    /// Serves `state` on an ephemeral port of 127.0.0.1 (`port` 0) until dropped.
    pub fn start(state: State, port: u16) -> FakeCrm {
        Self::try_start(state, port).unwrap()
    }

    /// As [`FakeCrm::start`], or why the port could not be had (in use, say).
    pub fn try_start(
        state: State,
        port: u16,
    ) -> Result<FakeCrm, Box<dyn std::error::Error + Send + Sync + 'static>> {
        let server = Arc::new(tiny_http::Server::from_listener(listener(port)?, None)?);
        let port = server.server_addr().to_ip().unwrap().port();
        let url = format!("http://127.0.0.1:{port}");
        let state = Arc::new(Mutex::new(state));
        let (s, st, base) = (server.clone(), state.clone(), url.clone());
        let thread = std::thread::spawn(move || {
            for req in s.incoming_requests() {
                serve(req, &st, &base);
            }
        });
        Ok(FakeCrm {
            url,
            state,
            server,
            thread: Some(thread),
        })
    }

    pub fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap())
    }

    pub fn requests(&self) -> u64 {
        self.with(|s| s.requests)
    }
}

impl Drop for FakeCrm {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn query(url: &str) -> (String, HashMap<String, String>) {
    let (path, q) = url.split_once('?').unwrap_or((url, ""));
    let mut map = HashMap::new();
    for pair in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let dec = |s: &str| s.replace("%5B", "[").replace("%5D", "]");
        map.insert(dec(k), dec(v));
    }
    (path.to_string(), map)
}

fn send(req: tiny_http::Request, status: u16, body: Option<Value>) {
    let (text, ctype) = match body {
        Some(b) => (
            b.to_string(),
            if status >= 400 {
                "application/problem+json"
            } else {
                "application/hal+json"
            },
        ),
        None => (String::new(), "application/hal+json"),
    };
    let resp = tiny_http::Response::from_string(text)
        .with_status_code(status)
        .with_header(tiny_http::Header::from_bytes("Content-Type", ctype).unwrap());
    let _ = req.respond(resp);
}

fn problem(status: u16, title: &str, detail: &str) -> Value {
    json!({"title": title, "type": format!("https://httpstatus.es/{status}"),
           "status": status, "detail": detail})
}

fn serve(mut req: tiny_http::Request, state: &Mutex<State>, base: &str) {
    let (path, q) = query(req.url());
    let mut s = state.lock().unwrap();
    s.requests += 1;
    *s.by_path.entry(path.clone()).or_default() += 1;
    if path.starts_with("/rest/") {
        let mut body = String::new();
        let _ = std::io::Read::read_to_string(req.as_reader(), &mut body);
        let body: Value = serde_json::from_str(&body).unwrap_or(json!({}));
        return bitrix::serve(req, s, &path, &body);
    }
    let auth = req
        .headers()
        .iter()
        .find(|h| h.field.equiv("Authorization"))
        .map(|h| h.value.as_str().to_string());
    if s.faults.too_many > 0 {
        s.faults.too_many -= 1;
        drop(s);
        return send(
            req,
            429,
            Some(problem(429, "Too Many Requests", "Too many requests")),
        );
    }
    if s.faults.expired || auth.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        drop(s);
        return send(
            req,
            401,
            Some(problem(401, "Unauthorized", "Token has expired")),
        );
    }
    let page: usize = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let limit: usize = q
        .get("limit")
        .and_then(|p| p.parse().ok())
        .unwrap_or(50)
        .clamp(1, 250);
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    if let Some((p, detail)) = s.faults.forbidden
        && p == path
    {
        drop(s);
        let detail = detail.replace("{path}", &path);
        return send(req, 403, Some(problem(403, "Forbidden", &detail)));
    }
    match path.as_str() {
        "/api/v4/account" => {
            drop(s);
            send(
                req,
                200,
                Some(
                    json!({"id": 31_296_422, "name": "Фейк", "subdomain": "fake",
                "current_user_id": USERS[0].0}),
                ),
            );
        }
        p if p.starts_with("/api/v4/users/") => {
            let id: i64 = p["/api/v4/users/".len()..].parse().unwrap_or(0);
            let u = USERS.iter().find(|u| u.0 == id);
            drop(s);
            match u {
                Some(u) => send(req, 200, Some(json!({"id": u.0, "name": u.1}))),
                None => send(req, 404, Some(problem(404, "Not Found", "no such user"))),
            }
        }
        "/api/v4/users" => {
            let not_admin = s.faults.not_admin;
            drop(s);
            if not_admin {
                return send(req, 403, Some(problem(403, "Forbidden", "Access denied")));
            }
            let users: Vec<Value> = USERS
                .iter()
                .map(|u| {
                    json!({"id": u.0, "name": u.1, "email": "", "lang": "ru",
                    "rights": {"is_admin": false, "is_active": true}})
                })
                .collect();
            send(
                req,
                200,
                Some(json!({"_page": 1, "_links": {"self": {"href": ""}},
                "_embedded": {"users": users}})),
            );
        }
        "/api/v4/leads/pipelines" => {
            let ps: Vec<Value> = PIPELINES
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    json!({"id": p.id, "name": s.pipeline_name(p), "sort": s.pipeline_sort_of(i),
                    "is_main": i == 0,
                    "_embedded": {"statuses": p.statuses.iter().enumerate().map(|(k, (id, name))| json!({
                        "id": id, "name": s.amo_name(p.id, *id, name), "sort": s.sort_of(p.id, *id, k),
                        "pipeline_id": p.id,
                        "type": i64::from(*id == p.statuses[0].0)})).collect::<Vec<_>>()}})
                })
                .collect();
            drop(s);
            send(
                req,
                200,
                Some(json!({"_total_items": ps.len(),
                "_embedded": {"pipelines": ps}})),
            );
        }
        "/api/v4/leads/custom_fields" => {
            // At most 50 a page, as amoCRM lists them.
            let limit = limit.min(50);
            let fs: Vec<Value> = s
                .fields
                .iter()
                .skip((page - 1) * limit)
                .take(limit)
                .map(|f| {
                    let mut field = json!({"id": f.0, "name": f.1, "type": f.2});
                    if let Some(options) = s.field_options.get(&f.0) {
                        field["enums"] = options
                            .iter()
                            .enumerate()
                            .map(|(i, o)| json!({"id": enum_id(f.0, i), "value": o, "sort": (i + 1) * 10}))
                            .collect();
                    }
                    field
                })
                .collect();
            let more = s.fields.len() > page * limit;
            drop(s);
            let mut body = json!({"_page": page, "_embedded": {"custom_fields": fs}});
            if more {
                body["_links"] = json!({"next": {"href": format!(
                    "{base}/api/v4/leads/custom_fields?limit={limit}&page={}", page + 1)}});
            }
            send(req, 200, Some(body));
        }
        "/api/v4/events" => {
            match s.faults.events_answered {
                Some(0) => {
                    drop(s);
                    return cut_off(req, br#"{"_embedded": {"events": ["#);
                }
                Some(n) => s.faults.events_answered = Some(n - 1),
                None => {}
            }
            let from = num("filter[created_at][from]").unwrap_or(i64::MIN);
            let limit = limit.min(100);
            // `filter[type]` takes several types, comma-separated.
            let types: Vec<&str> = q
                .iter()
                .filter(|(k, _)| k.starts_with("filter[type]"))
                .flat_map(|(_, v)| v.split(','))
                .collect();
            let mut all: Vec<(i64, Value)> = Vec::new();
            if types.contains(&"lead_deleted") {
                all.extend(
                    s.deleted
                        .iter()
                        .filter(|e| e.2 >= from)
                        .map(|(id, deal, at)| {
                            let e = json!({"id": id, "type": "lead_deleted",
                    "entity_id": deal, "entity_type": "lead", "created_by": USERS[0].0,
                    "created_at": at, "value_before": [], "value_after": [],
                    "account_id": 31_296_422});
                            (*at, e)
                        }),
                );
            }
            if types.contains(&"lead_status_changed") {
                all.extend(s.moves.iter().filter(|m| m.at >= from).map(|m| {
                    let status =
                        |id| json!([{"lead_status": {"id": id, "pipeline_id": m.pipeline}}]);
                    let e = json!({"id": m.event, "type": "lead_status_changed",
                    "entity_id": m.deal, "entity_type": "lead", "created_by": USERS[1].0,
                    "created_at": m.at, "value_before": status(m.before),
                    "value_after": status(m.after), "account_id": 31_296_422});
                    (m.at, e)
                }));
            }
            let delay = s.faults.event_page_delay;
            drop(s);
            std::thread::sleep(delay);
            // Newest first, as amoCRM lists events.
            all.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
            let all = all.into_iter().map(|(_, e)| e).collect();
            hal_page(req, base, "events", all, page, limit);
        }
        "/api/v4/leads/notes" => {
            let from = num("filter[updated_at][from]").unwrap_or(i64::MIN);
            let mut notes: Vec<&Note> = s.notes.iter().filter(|n| n.updated_at >= from).collect();
            let total = notes.len();
            let items: Vec<Value> = window(&mut notes, |n| (n.updated_at, n.id), page, limit)
                .iter()
                .map(|n| note_json(n, base))
                .collect();
            let delay = s.faults.note_page_delay;
            drop(s);
            std::thread::sleep(delay);
            hal_window(req, base, "leads/notes", items, total, page, limit);
        }
        "/api/v4/leads" => {
            let from = num("filter[updated_at][from]").unwrap_or(i64::MIN);
            let pipelines: Vec<i64> = q
                .iter()
                .filter(|(k, _)| k.starts_with("filter[pipeline_id]"))
                .filter_map(|(_, v)| v.parse().ok())
                .collect();
            let mut deals: Vec<&Deal> = s
                .deals
                .iter()
                .filter(|d| d.updated_at >= from)
                .filter(|d| pipelines.is_empty() || pipelines.contains(&d.pipeline))
                .collect();
            let total = deals.len();
            // Only the page asked for is ordered and written out: a big account stays quick to
            // page (sorting 100,000 deals for each of 400 pages took the fake 17 s).
            let items: Vec<Value> = window(&mut deals, |d| (d.updated_at, d.id), page, limit)
                .iter()
                .map(|d| deal_json(d, &s, base))
                .collect();
            let delay = s.faults.page_delay;
            let cut = s.faults.cut_pages > 0 && total > (page - 1) * limit;
            if cut {
                s.faults.cut_pages -= 1;
            }
            drop(s);
            std::thread::sleep(delay);
            if cut {
                // The connection drops mid-page: half the body arrives.
                let body = json!({"_embedded": {"leads": items}}).to_string();
                return cut_off(req, &body.as_bytes()[..body.len() / 2]);
            }
            hal_window(req, base, "leads", items, total, page, limit);
        }
        _ => {
            drop(s);
            send(req, 404, Some(problem(404, "Not Found", "no such method")));
        }
    }
}

/// An answer whose connection drops after `part` of its body.
fn cut_off(req: tiny_http::Request, part: &[u8]) {
    let resp = tiny_http::Response::from_data(part).with_status_code(200);
    let _ = req.respond(resp);
}

/// The items of page `page` (from 1) of `limit` in the order of `key`, ordered: only they are
/// sorted, the rest is partitioned around them.
fn window<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K, page: usize, limit: usize) -> &[T] {
    let start = (page - 1) * limit;
    if start >= items.len() {
        return &[];
    }
    let end = (start + limit).min(items.len());
    let by = |a: &T, b: &T| key(a).cmp(&key(b));
    if start > 0 {
        items.select_nth_unstable_by(start, by);
    }
    let rest = &mut items[start..];
    if end - start < rest.len() {
        rest.select_nth_unstable_by(end - start, by);
    }
    let page = &mut rest[..end - start];
    page.sort_by(by);
    page
}

/// One HAL page; 204 with no body when it is empty.
fn hal_page(
    req: tiny_http::Request,
    base: &str,
    key: &str,
    all: Vec<Value>,
    page: usize,
    limit: usize,
) {
    let start = ((page - 1) * limit).min(all.len());
    let end = (start + limit).min(all.len());
    let items = all[start..end].to_vec();
    hal_window(req, base, key, items, all.len(), page, limit);
}

/// One HAL page of `total` items, its own given; 204 with no body when it is empty.
fn hal_window(
    req: tiny_http::Request,
    base: &str,
    key: &str,
    items: Vec<Value>,
    total: usize,
    page: usize,
    limit: usize,
) {
    let start = (page - 1) * limit;
    if start >= total {
        return send(req, 204, None);
    }
    let end = (start + limit).min(total);
    let mut links = json!({"self": {"href": format!("{base}{}", req.url())}});
    if end < total {
        links["next"] = json!({"href": format!("{base}/api/v4/{key}?page={}", page + 1)});
    }
    send(
        req,
        200,
        // `leads/notes` lists its items under `notes`.
        Some(json!({"_page": page, "_links": links,
            "_embedded": {key.rsplit('/').next().unwrap_or(key): items}})),
    );
}

/// Writes a config.toml with one connection to `url`.
pub fn write_config(path: &std::path::Path, name: &str, url: &str, token_env: &str) {
    let mut f = std::fs::File::create(path).unwrap();
    writeln!(
        f,
        "[[crm]]\nname = \"{name}\"\nkind = \"amocrm\"\nurl = \"{url}\"\ntoken_env = \"{token_env}\""
    )
    .unwrap();
}

/// Bitrix24's side of the fake: `/rest/{user}/{code}/{method}[.json]`, POST with a JSON body.
mod bitrix {
    use super::*;

    fn reply(req: tiny_http::Request, status: u16, body: Value) {
        let resp = tiny_http::Response::from_string(body.to_string())
            .with_status_code(status)
            .with_header(
                tiny_http::Header::from_bytes("Content-Type", "application/json").unwrap(),
            );
        let _ = req.respond(resp);
    }

    /// The answer, or (`cut`) its first half and a dropped connection.
    fn reply_or_cut(req: tiny_http::Request, out: Value, cut: bool) {
        if cut {
            let text = out.to_string();
            let resp = tiny_http::Response::from_data(&text.as_bytes()[..text.len() / 2]);
            let _ = req.respond(resp);
            return;
        }
        reply(req, 200, out)
    }

    /// The portal's clock as its answers state it: the fake's own time, which every change
    /// moves on (so that a deal changed while a sync runs is newer than the run's start).
    fn time(clock: i64) -> Value {
        let start = clock as f64 + 0.02;
        json!({"start": start, "finish": start + 0.88, "duration": 0.88,
               "processing": 0.5, "operating": 0})
    }

    fn iso(t: i64) -> String {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .with_timezone(&chrono::FixedOffset::east_opt(3 * 3600).unwrap())
            .to_rfc3339()
    }

    pub fn pipeline_index(d: &Deal) -> usize {
        PIPELINES.iter().position(|p| p.id == d.pipeline).unwrap()
    }

    pub fn stage_id(d: &Deal) -> &'static str {
        let p = pipeline_index(d);
        let j = PIPELINES[p]
            .statuses
            .iter()
            .position(|s| s.0 == d.status)
            .unwrap();
        B24_STAGES[p][j]
    }

    /// A field's user field code: `UF_CRM_SOURCE` for «Источник», as ever.
    pub fn code_of(field: i64) -> String {
        match field {
            5_000_001 => "UF_CRM_SOURCE".into(),
            5_000_002 => "UF_CRM_MEETING_DATE".into(),
            id => format!("UF_CRM_{id}"),
        }
    }

    /// The portal's user fields: (field id, code, `USER_TYPE_ID`, multiple). «Источник» alone
    /// unless the account is of the many-field shape ([`State::b24_all_fields`]).
    pub fn user_fields(s: &State) -> Vec<(i64, String, &'static str, bool)> {
        let fields = if s.b24_all_fields {
            s.fields.clone()
        } else {
            FIELDS[..1].to_vec()
        };
        fields
            .iter()
            .map(|f| {
                let kind = match f.2 {
                    _ if f.0 == FIELDS[0].0 => "string",
                    "numeric" => "double",
                    "select" | "multiselect" => "enumeration",
                    "date" if f.0 == FIELDS[1].0 => "datetime",
                    "date" => "date",
                    "checkbox" => "boolean",
                    _ => "string",
                };
                (f.0, code_of(f.0), kind, f.2 == "multiselect")
            })
            .collect()
    }

    /// A user field's value on a deal as `crm.deal.list` gives it: strings (a number too), an
    /// enumeration's item `ID` (a multiple one's as an array), a boolean `1`/`0`, a date or a
    /// date-time in ISO 8601 on the portal's clock; empty: null (a multiple field: `[]`).
    fn user_value(s: &State, field: i64, kind: &str, multiple: bool, v: Option<&Value>) -> Value {
        let options = s.field_options.get(&field).copied().unwrap_or_default();
        let item = |v: &Value| match options.iter().position(|o| Some(*o) == v.as_str()) {
            Some(i) => json!(enum_id(field, i).to_string()),
            None => v.clone(),
        };
        match (v, kind) {
            (None, _) if multiple => json!([]),
            (None, _) => Value::Null,
            (Some(Value::Array(many)), _) => Value::Array(many.iter().map(item).collect()),
            (Some(v), "enumeration") => item(v),
            (Some(Value::Bool(b)), _) => json!(if *b { "1" } else { "0" }),
            // A date field holds the portal's midnight.
            (Some(Value::Number(t)), "date") => json!(iso(t.as_i64().unwrap_or(0) - 3 * 3600)),
            (Some(Value::Number(t)), _) => json!(iso(t.as_i64().unwrap_or(0))),
            (Some(v), _) => v.clone(),
        }
    }

    /// A deal as `crm.deal.list` gives it: nearly every value a string; of the user fields
    /// those `select` asks for (`UF_*`: every one but the multiple ones, which the portal gives
    /// only by their code, crm-deal-list.md).
    pub fn deal_json(s: &State, d: &Deal, select: &Value) -> Value {
        let p = pipeline_index(d);
        let owner = USERS.iter().position(|u| u.0 == d.owner).unwrap() + 1;
        let source = d
            .custom
            .iter()
            .find(|c| c.0 == FIELDS[0].0)
            .map(|c| c.1.clone());
        let mut out = json!({
            "ID": d.id.to_string(), "TITLE": d.name, "TYPE_ID": "SALE",
            "CATEGORY_ID": p.to_string(), "STAGE_ID": stage_id(d),
            "OPPORTUNITY": format!("{}.00", d.price), "IS_MANUAL_OPPORTUNITY": "N",
            "CURRENCY_ID": "RUB", "ASSIGNED_BY_ID": owner.to_string(),
            "DATE_CREATE": iso(d.created_at), "DATE_MODIFY": iso(d.updated_at),
            "CLOSED": if d.closed_at.is_some() { "Y" } else { "N" },
            "CLOSEDATE": d.closed_at.map(iso).unwrap_or_default(),
            "COMMENTS": if d.tags.is_empty() { Value::Null } else { json!(d.tags.join(", ")) },
            "UF_CRM_SOURCE": source.unwrap_or(Value::Null),
        });
        let select: Vec<&str> = match select.as_array() {
            Some(a) => a.iter().filter_map(Value::as_str).collect(),
            // The portal's default: `*` and `UF_*`.
            None => vec!["*", "UF_*"],
        };
        let more = user_fields(s).into_iter().filter(|f| f.0 != FIELDS[0].0);
        for (field, code, kind, multiple) in more {
            let asked = select.contains(&code.as_str()) || (!multiple && select.contains(&"UF_*"));
            if asked {
                let v = d.custom.iter().find(|c| c.0 == field).map(|c| &c.1);
                out[&code] = user_value(s, field, kind, multiple, v);
            }
        }
        out
    }

    fn statuses(s: &State, entity: &str) -> Vec<Value> {
        let p = match entity {
            "DEAL_STAGE" => 0,
            "DEAL_STAGE_1" => 1,
            _ => return Vec::new(),
        };
        PIPELINES[p]
            .statuses
            .iter()
            .zip(B24_STAGES[p].iter())
            .enumerate()
            .map(|(i, ((status, name), id))| {
                let (sem, extra) = match *id {
                    s if s.ends_with("WON") => (json!("S"), "success"),
                    s if s.ends_with("LOSE") => (json!("F"), "failure"),
                    _ => (Value::Null, "process"),
                };
                let name = s.b24_names.get(id).unwrap_or(name);
                json!({"ID": (100 + i).to_string(), "ENTITY_ID": entity, "STATUS_ID": id,
                       "NAME": name, "SORT": s.sort_of(PIPELINES[p].id, *status, i).to_string(),
                       "SYSTEM": "N", "CATEGORY_ID": if p == 0 { Value::Null } else { json!(p.to_string()) },
                       "SEMANTICS": sem, "EXTRA": {"SEMANTICS": extra}})
            })
            .collect()
    }

    /// A deal's timeline comments as `crm.timeline.comment.list` gives them: its text notes,
    /// newest first.
    fn comments(notes: &[&Note], deal: i64) -> Vec<Value> {
        let mut notes: Vec<&Note> = notes.iter().copied().filter(|n| n.has_text()).collect();
        notes.sort_by_key(|n| std::cmp::Reverse((n.created_at, n.id)));
        notes
            .iter()
            .take(50)
            .map(|n| {
                json!({"ID": n.id.to_string(), "ENTITY_ID": deal.to_string(),
                    "ENTITY_TYPE": "deal", "CREATED": iso(n.created_at), "COMMENT": n.text,
                    "AUTHOR_ID": "1", "FILES": {}})
            })
            .collect()
    }

    /// The notes of the deals whose comments a `batch`'s commands list, by deal.
    fn notes_of_batch<'s>(s: &'s State, cmd: &Value) -> HashMap<i64, Vec<&'s Note>> {
        let mut by: HashMap<i64, Vec<&Note>> = cmd
            .as_object()
            .into_iter()
            .flat_map(|m| m.values())
            .filter_map(|c| c.as_str())
            .filter(|c| c.starts_with("crm.timeline.comment.list"))
            .filter_map(|c| super::amo_int(&php_params(c).1["filter"]["ENTITY_ID"]))
            .map(|deal| (deal, Vec::new()))
            .collect();
        // A batch's deals are a page's: close together, and most notes are outside them.
        let lo = by.keys().min().copied().unwrap_or(0);
        let hi = by.keys().max().copied().unwrap_or(-1);
        if !by.is_empty() {
            for n in s.notes.iter().filter(|n| (lo..=hi).contains(&n.deal)) {
                if let Some(list) = by.get_mut(&n.deal) {
                    list.push(n);
                }
            }
        }
        by
    }

    /// The deals' user fields; with a language asked (`filter[LANG]`), their labels as texts,
    /// as the portal's export names the column («Источник»).
    /// The many-field shape's fields are labelled in Russian whatever the language (the
    /// portal's admins named them so); an enumeration lists its items (`LIST`).
    fn userfields(s: &State, lang: Option<&str>) -> Vec<Value> {
        user_fields(s)
            .into_iter()
            .enumerate()
            .map(|(i, (id, code, kind, multiple))| {
                let kind = if s.b24_untyped { "string" } else { kind };
                let mut field = json!({"ID": (201 + i).to_string(), "ENTITY_ID": "CRM_DEAL",
                    "FIELD_NAME": code, "USER_TYPE_ID": kind,
                    "MULTIPLE": if multiple { "Y" } else { "N" }});
                let name = s
                    .fields
                    .iter()
                    .find(|f| f.0 == id)
                    .map_or(code.as_str(), |f| f.1);
                let label = match lang {
                    Some(_) if id != FIELDS[0].0 => Some(name),
                    Some("ru") => Some("Источник"),
                    Some(_) => Some("Source"),
                    None => None,
                };
                if let Some(label) = label.filter(|_| s.b24_labels) {
                    field["LIST_COLUMN_LABEL"] = json!(label);
                    field["EDIT_FORM_LABEL"] = json!(label);
                }
                if let Some(options) = s.field_options.get(&id).filter(|_| !s.b24_untyped) {
                    field["LIST"] = options
                        .iter()
                        .enumerate()
                        .map(|(k, o)| {
                            json!({"ID": enum_id(id, k).to_string(), "VALUE": o,
                            "SORT": ((k + 1) * 10).to_string(), "DEF": "N"})
                        })
                        .collect();
                }
                field
            })
            .collect()
    }

    pub fn serve(
        req: tiny_http::Request,
        mut s: std::sync::MutexGuard<'_, State>,
        path: &str,
        body: &Value,
    ) {
        let parts: Vec<&str> = path.trim_start_matches("/rest/").split('/').collect();
        let (code, method) = match parts.as_slice() {
            [_, code, method] => (*code, method.trim_end_matches(".json")),
            _ => {
                return reply(
                    req,
                    404,
                    json!({"error": "ERROR_METHOD_NOT_FOUND",
                "error_description": "Method not found!"}),
                );
            }
        };
        if s.faults.too_many > 0 {
            s.faults.too_many -= 1;
            return reply(
                req,
                503,
                json!({"error": "QUERY_LIMIT_EXCEEDED",
                "error_description": "Too many requests"}),
            );
        }
        if s.faults.expired {
            return reply(
                req,
                401,
                json!({"error": "expired_token",
                "error_description": "The access token provided has expired."}),
            );
        }
        if code != WEBHOOK_CODE {
            return reply(
                req,
                401,
                json!({"error": "INVALID_CREDENTIALS",
                "error_description": "Invalid request credentials"}),
            );
        }
        if let Some((m, detail)) = s.faults.forbidden
            && m == method
        {
            return reply(
                req,
                403,
                json!({"error": "ACCESS_DENIED",
                "error_description": detail.replace("{path}", path)}),
            );
        }
        match method {
            "profile" => reply(
                req,
                200,
                json!({"result": {"ID": "1", "ADMIN": true,
                "NAME": "Ольга", "LAST_NAME": "Смирнова"}, "time": time(s.clock)}),
            ),
            "scope" => reply(
                req,
                200,
                json!({"result": ["crm", "user"], "time": time(s.clock)}),
            ),
            "crm.category.list" => {
                let cats: Vec<Value> = PIPELINES
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        json!({
                    "id": i, "name": s.pipeline_name(p), "sort": s.pipeline_sort_of(i) * 100, "entityTypeId": 2,
                    "isDefault": if i == 0 { "Y" } else { "N" }})
                    })
                    .collect();
                reply(
                    req,
                    200,
                    json!({"result": {"categories": cats}, "total": cats.len(),
                    "time": time(s.clock)}),
                )
            }
            "user.get" => {
                if s.faults.not_admin {
                    return reply(
                        req,
                        401,
                        json!({"error": "insufficient_scope",
                        "error_description": "The request requires higher privileges"}),
                    );
                }
                let users: Vec<Value> = USERS
                    .iter()
                    .enumerate()
                    .map(|(i, u)| {
                        let (last, first) = u.1.split_once(' ').unwrap();
                        json!({"ID": (i + 1).to_string(), "ACTIVE": true, "NAME": first,
                           "LAST_NAME": last, "EMAIL": ""})
                    })
                    .collect();
                reply(
                    req,
                    200,
                    json!({"result": users, "total": USERS.len(), "time": time(s.clock)}),
                )
            }
            "batch" => {
                let halt = super::amo_int(&body["halt"]).unwrap_or(0) != 0;
                let mut results = serde_json::Map::new();
                let mut errors = serde_json::Map::new();
                let (mut delays, mut comments) = (0u32, false);
                // The batch's deals' notes, found in one pass over the account's (a pass per
                // deal made the fake, not okk, the slow side of a 100,000-deal sync).
                let notes = notes_of_batch(&s, &body["cmd"]);
                for (key, cmd) in body["cmd"].as_object().cloned().unwrap_or_default() {
                    let cmd = cmd.as_str().unwrap_or("");
                    let literal = s.faults.literal_refs;
                    let answer = substitute(cmd, &results, literal).and_then(|cmd| {
                        let (m, params) = php_params(&cmd);
                        delays += u32::from(m == "crm.deal.list");
                        comments |= m == "crm.timeline.comment.list";
                        command(&s, &m, &params, &notes)
                    });
                    match answer {
                        Ok(v) => {
                            results.insert(key, v);
                        }
                        Err(e) => {
                            errors.insert(key, e);
                            if halt {
                                break;
                            }
                        }
                    }
                }
                s.deal_pages += u64::from(delays);
                s.comment_batches += u64::from(comments);
                let cut = delays > 0 && s.faults.cut_pages > 0;
                if cut {
                    s.faults.cut_pages -= 1;
                }
                let mut delay = s.faults.page_delay * delays;
                if comments {
                    delay += s.faults.note_page_delay;
                }
                let clock = s.clock;
                drop(s);
                std::thread::sleep(delay);
                let out = json!({"result": {"result": results, "result_error": errors,
                    "result_total": [], "result_next": [], "result_time": {}}, "time": time(clock)});
                reply_or_cut(req, out, cut)
            }
            "crm.activity.list" => {
                let out = json!({"result": activity_list(&s, body), "time": time(s.clock)});
                reply(req, 200, out)
            }
            "crm.stagehistory.list" => {
                let out = json!({"result": stage_history(&s, body), "total": s.moves.len(),
                                 "time": time(s.clock)});
                reply(req, 200, out)
            }
            "crm.deal.list" => {
                let out = deal_list(&s, body);
                s.deal_pages += 1;
                let cut = s.faults.cut_pages > 0;
                if cut {
                    s.faults.cut_pages -= 1;
                }
                let delay = s.faults.page_delay;
                drop(s);
                std::thread::sleep(delay);
                reply_or_cut(req, out, cut)
            }
            _ => reply(
                req,
                404,
                json!({"error": "ERROR_METHOD_NOT_FOUND",
                "error_description": "Method not found!"}),
            ),
        }
    }
    /// A `batch` command's answer (its `result`), or its entry of `result_error`.
    fn command(
        s: &State,
        method: &str,
        params: &Value,
        notes: &HashMap<i64, Vec<&Note>>,
    ) -> Result<Value, Value> {
        match method {
            "crm.status.list" => {
                let e = params["filter"]["ENTITY_ID"].as_str().unwrap_or_default();
                Ok(json!(statuses(s, e)))
            }
            "crm.deal.userfield.list" => {
                Ok(json!(userfields(s, params["filter"]["LANG"].as_str())))
            }
            "crm.deal.list" => Ok(deal_list(s, params)["result"].take()),
            "crm.activity.list" => Ok(activity_list(s, params)),
            "crm.stagehistory.list" => Ok(stage_history(s, params)),
            "crm.timeline.comment.list" => {
                // Per deal only: ENTITY_TYPE and ENTITY_ID are required.
                let deal = super::amo_int(&params["filter"]["ENTITY_ID"]);
                match (params["filter"]["ENTITY_TYPE"].as_str(), deal) {
                    (Some("deal"), Some(deal)) if s.faults.comments_denied == Some(deal) => Err(
                        json!({"error": "ACCESS_DENIED", "error_description": "Access denied."}),
                    ),
                    (Some("deal"), Some(deal)) => {
                        // A deal named by a reference to an earlier command's result is not in
                        // the batch's index.
                        let scanned: Vec<&Note>;
                        let notes = match notes.get(&deal) {
                            Some(n) => n,
                            None => {
                                scanned = s.notes.iter().filter(|n| n.deal == deal).collect();
                                &scanned
                            }
                        };
                        Ok(json!(comments(notes, deal)))
                    }
                    _ => Err(json!({"error": "",
                        "error_description": "ENTITY_ID is not defined or invalid."})),
                }
            }
            _ => Err(json!({"error": "ERROR_METHOD_NOT_FOUND",
                "error_description": "Method not found!"})),
        }
    }

    /// `$result[key][i][FIELD]` in a command replaced by that value of an earlier command's
    /// answer (batch.md); a reference to nothing is an error of the command.
    fn substitute(
        cmd: &str,
        results: &serde_json::Map<String, Value>,
        literal: bool,
    ) -> Result<String, Value> {
        if literal {
            return Ok(cmd.to_string());
        }
        let mut out = String::new();
        let mut rest = cmd;
        while let Some(at) = rest.find("$result[") {
            out.push_str(&rest[..at]);
            rest = &rest[at + "$result".len()..];
            let mut v: Option<&Value> = None;
            let mut first = true;
            while let Some(inner) = rest.strip_prefix('[') {
                let Some(close) = inner.find(']') else { break };
                let key = &inner[..close];
                v = if first {
                    results.get(key)
                } else {
                    v.and_then(|v| match v {
                        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i)),
                        other => other.get(key),
                    })
                };
                first = false;
                rest = &inner[close + 1..];
            }
            match v {
                Some(Value::String(t)) => out.push_str(t),
                Some(Value::Number(n)) => out.push_str(&n.to_string()),
                _ => {
                    return Err(json!({"error": "",
                        "error_description": "Batch result reference not found."}));
                }
            }
        }
        out.push_str(rest);
        Ok(out)
    }

    /// A command `method?a[b][0]=v&…` as its method and its parameters as JSON (PHP's nested
    /// keys; an object of keys 0, 1, … becomes an array).
    fn php_params(cmd: &str) -> (String, Value) {
        let (method, q) = cmd.split_once('?').unwrap_or((cmd, ""));
        let mut root = json!({});
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            let mut parts: Vec<&str> = Vec::new();
            let (head, tail) = k.split_once('[').unwrap_or((&k, ""));
            parts.push(head);
            for p in tail.split('[') {
                parts.push(p.trim_end_matches(']'));
            }
            let parts: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
            let mut at = &mut root;
            for p in &parts[..parts.len() - 1] {
                at = &mut at[*p];
            }
            at[parts[parts.len() - 1]] = json!(v.into_owned());
        }
        fn arrays(v: &mut Value) {
            if let Value::Object(m) = v {
                m.values_mut().for_each(arrays);
                if !m.is_empty() && m.keys().enumerate().all(|(i, k)| k == &i.to_string()) {
                    *v = Value::Array(std::mem::take(m).into_iter().map(|(_, v)| v).collect());
                }
            }
        }
        arrays(&mut root);
        (method.to_string(), root)
    }

    /// `crm.deal.list`'s whole answer: by `>ID`, `>DATE_MODIFY` and `@CATEGORY_ID`, id order,
    /// 50 a page, counted unless `start` is -1.
    fn deal_list(s: &State, body: &Value) -> Value {
        let filter = &body["filter"];
        let after: i64 = super::amo_int(&filter[">ID"]).unwrap_or(0);
        let since = filter[">DATE_MODIFY"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp());
        let cats: Vec<i64> = filter["@CATEGORY_ID"]
            .as_array()
            .map(|a| a.iter().filter_map(super::amo_int).collect())
            .unwrap_or_default();
        let ids: Option<Vec<i64>> = filter["@ID"]
            .as_array()
            .map(|a| a.iter().filter_map(super::amo_int).collect());
        // Deals are kept in id order unless a test reordered them: then the page starts
        // after `>ID` at once (a scan of every deal a page made the fake, not okk, the slow
        // side of a 100,000-deal sync).
        let sorted = s.deals.is_sorted_by_key(|d| d.id);
        let from = if sorted {
            s.deals.partition_point(|d| d.id <= after)
        } else {
            0
        };
        let mut deals: Vec<&Deal> = s.deals[from..]
            .iter()
            .filter(|d| d.id > after)
            .filter(|d| ids.as_ref().is_none_or(|ids| ids.contains(&d.id)))
            .filter(|d| since.is_none_or(|t| d.updated_at > t))
            .filter(|d| cats.is_empty() || cats.contains(&(pipeline_index(d) as i64)))
            .collect();
        if !sorted {
            deals.sort_by_key(|d| d.id);
        }
        let start = super::amo_int(&body["start"]).unwrap_or(0);
        let skip = start.max(0) as usize;
        let page: Vec<Value> = deals
            .iter()
            .skip(skip)
            .take(50)
            .map(|d| deal_json(s, d, &body["select"]))
            .collect();
        let mut out = json!({"result": page, "time": time(s.clock)});
        if start >= 0 {
            out["total"] = json!(deals.len());
            if skip + 50 < deals.len() {
                out["next"] = json!(skip + 50);
            }
        }
        out
    }

    /// `crm.activity.list`'s items: account-wide, by owner type and COMPLETED; strings.
    fn activity_list(s: &State, body: &Value) -> Value {
        let f = &body["filter"];
        let after = super::amo_int(&f[">ID"]).unwrap_or(0);
        let owner_type = super::amo_int(&f["OWNER_TYPE_ID"]);
        let completed = f["COMPLETED"].as_str();
        let since = f[">LAST_UPDATED"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.timestamp());
        let items: Vec<Value> = s
            .activities
            .iter()
            .filter(|a| a.id > after)
            .filter(|a| since.is_none_or(|t| a.updated_at > t))
            .filter(|_| owner_type.is_none_or(|t| t == 2))
            .filter(|a| completed.is_none_or(|c| (c == "Y") == a.completed))
            .take(50)
            .map(|a| {
                json!({"ID": a.id.to_string(), "OWNER_ID": a.deal.to_string(),
                    "OWNER_TYPE_ID": "2", "TYPE_ID": "6", "PROVIDER_ID": "CRM_TODO",
                    "SUBJECT": "Перезвонить", "DEADLINE": iso(a.deadline),
                    "COMPLETED": if a.completed { "Y" } else { "N" },
                    "LAST_UPDATED": iso(a.updated_at), "RESPONSIBLE_ID": "1"})
            })
            .collect();
        json!(items)
    }

    /// `crm.stagehistory.list`'s `result`: the moves in order, ids from 1; ints, not strings,
    /// nested under `items`.
    fn stage_history(s: &State, body: &Value) -> Value {
        let after = super::amo_int(&body["filter"][">ID"]).unwrap_or(0);
        let items: Vec<Value> = s
            .moves
            .iter()
            .enumerate()
            .map(|(i, m)| (i as i64 + 1, m))
            .filter(|(id, _)| *id > after)
            .take(50)
            .map(|(id, m)| {
                let p = PIPELINES.iter().position(|p| p.id == m.pipeline).unwrap();
                let j = PIPELINES[p]
                    .statuses
                    .iter()
                    .position(|s| s.0 == m.after)
                    .unwrap();
                json!({"ID": id, "TYPE_ID": 2, "OWNER_ID": m.deal,
                    "CREATED_TIME": iso(m.at), "CATEGORY_ID": p,
                    "STAGE_SEMANTIC_ID": "P", "STAGE_ID": B24_STAGES[p][j]})
            })
            .collect();
        json!({"items": items})
    }
}

fn amo_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

/// Writes a config.toml with one Bitrix24 connection (the webhook of `url`).
pub fn write_bitrix_config(path: &std::path::Path, name: &str, url: &str) {
    std::fs::write(
        path,
        format!("[[crm]]\nname = \"{name}\"\nkind = \"bitrix24\"\nurl = \"{url}/rest/1/{WEBHOOK_CODE}/\"\n"),
    )
    .unwrap();
}
