//! amoCRM / Kommo API v4, read side: pipelines and stages keyed by (pipeline, status), users,
//! custom-field metadata, then the deals' notes changed since the notes' cursor (account-wide,
//! keyset over `updated_at`), then deals changed since the cursor (the same keyset) and then
//! deletions and stage moves from `lead_deleted` and `lead_status_changed` events. Each deal
//! becomes a row of the amoCRM export's shape.

use crate::domain::fx::{FxMap, FxSet};

use serde_json::Value;

use super::amo_page::NotesPage;
use super::amo_rows::{self, Shape};
use super::client::{Client, CrmError};
use super::row::{Page, Reader, StageMove, Step};
use super::sync::Failure;
use crate::domain::crm_stage::{CrmStage, Semantics};
use crate::domain::deal_note::DealNote;
use crate::domain::sync_report::Reading;

/// How this reader writes a deal's values into its row (see `bitrix24::VALUES_VERSION`): bump
/// it whenever a value starts being written differently, and the next sync of each amoCRM
/// connection reads every deal again. 0: as okk has written them since before it kept the
/// number.
pub const VALUES_VERSION: i64 = 0;

/// amoCRM's biggest page.
pub(super) const LIMIT: usize = 250;
const EVENTS_LIMIT: usize = 100;

/// The columns every synced deal has, named as in amoCRM's own export (so the `amocrm` profile
/// maps them), then one per custom field.
const HEADER: [&str; 14] = [
    "ID",
    "Название сделки",
    "Бюджет",
    "Ответственный",
    crate::domain::columns::OWNER_ID_COLUMNS[0],
    "Дата создания сделки",
    "Дата редактирования",
    "Дата закрытия",
    "Ближайшая задача",
    "Теги",
    "Этап сделки",
    "Воронка",
    // Not in amoCRM's export: what the status says (142 won, 143 lost, in every pipeline),
    // `Y`/`N`, so the profile maps them to the card's closed and won.
    super::row::CLOSED_COLUMN,
    super::row::WON_COLUMN,
];

pub struct AmoReader {
    /// (pipeline id, status id) → (pipeline name, status name): 142/143 repeat per pipeline.
    stages: FxMap<(i64, i64), (String, String)>,
    /// The pipelines and stages with the CRM's `sort` of each.
    crm_stages: Vec<CrmStage>,
    pipelines_wanted: Vec<i64>,
    users: FxMap<i64, String>,
    /// Custom field id → (column, is a date).
    fields: FxMap<i64, (usize, bool)>,
    header: Vec<String>,
    warnings: Vec<String>,
    /// Where the deals' read stands.
    deals: Keyset,
    events_from: Option<i64>,
    events_page: u32,
    events_done: bool,
    /// The newest event time read so far this run (the cursor once every page has landed).
    events_newest: Option<i64>,
    deals_done: bool,
    seen_events: FxSet<String>,
    /// Where the notes' read stands.
    notes: Keyset,
    notes_done: bool,
    /// What landed pages leave to fill again.
    spare: Spare,
}

/// The rows and ids of landed pages, back from the sync ([`Reader::recycle`]): the next
/// pages' cells are written into their strings instead of new ones.
#[derive(Default)]
struct Spare {
    rows: Vec<Vec<String>>,
    ids: Vec<String>,
    /// A page's lists of rows and ids, empty.
    lists: Option<(Vec<Vec<String>>, Vec<String>)>,
}

impl Spare {
    /// Rows and ids kept for the pages to come: a group of pages the sync landed at once
    /// (5,000 deals), read again meanwhile.
    const KEEP: usize = 20 * LIMIT;

    fn id(&mut self, id: i64) -> String {
        let mut s = self.ids.pop().unwrap_or_default();
        s.clear();
        s.push_str(itoa::Buffer::new().format(id));
        s
    }
}

impl AmoReader {
    /// Reads the account's metadata. `cursor`: deals from this update time on (`None`: all);
    /// `events_cursor`: deletions and stage moves from this time on (`None`: every event the
    /// account keeps, for the times its deals entered their stages); `notes_cursor`: notes
    /// changed from this time on (`None`: all).
    pub fn open(
        client: &mut Client,
        pipelines: &[String],
        last: &[CrmStage],
        cursor: Option<i64>,
        events_cursor: Option<i64>,
        notes_cursor: Option<i64>,
    ) -> Result<AmoReader, Failure> {
        let mut r = AmoReader {
            stages: FxMap::default(),
            crm_stages: Vec::new(),
            pipelines_wanted: Vec::new(),
            users: FxMap::default(),
            fields: FxMap::default(),
            header: HEADER.iter().map(|h| h.to_string()).collect(),
            warnings: Vec::new(),
            deals: Keyset::new(cursor),
            events_from: events_cursor,
            events_page: 1,
            events_done: false,
            events_newest: None,
            deals_done: false,
            seen_events: FxSet::default(),
            notes: Keyset::new(notes_cursor),
            notes_done: false,
            spare: Spare::default(),
        };
        r.read_pipelines(client, pipelines, last)?;
        r.read_users(client)?;
        r.read_fields(client)?;
        Ok(r)
    }

    /// `last`: the stages the connection's last sync read, by which a pipeline `wanted` names
    /// that the CRM renamed since is followed ([`follow_renamed`]).
    fn read_pipelines(
        &mut self,
        client: &mut Client,
        wanted: &[String],
        last: &[CrmStage],
    ) -> Result<(), Failure> {
        let what = "/api/v4/leads/pipelines";
        let body = client.get(what).map_err(|e| Failure::at(what, e))?;
        let list = embedded(body.as_ref(), "pipelines");
        let mut names: Vec<(i64, String)> = Vec::new();
        for (i, p) in list.iter().enumerate() {
            let (Some(pid), name) = (int(p.get("id")), text(p.get("name"))) else {
                return Err(Failure::body(what, crate::text::crm::PIPELINE_WITHOUT_ID));
            };
            names.push((pid, name.clone()));
            // The CRM's order (`sort`); an answer without one keeps the order it lists them in.
            let pipeline_sort = int(p.get("sort")).unwrap_or(i as i64);
            for (k, s) in embedded(Some(p), "statuses").iter().enumerate() {
                let Some(sid) = int(s.get("id")) else {
                    return Err(Failure::body(what, crate::text::crm::STAGE_WITHOUT_ID));
                };
                let stage = text(s.get("name"));
                self.crm_stages.push(CrmStage {
                    pipeline_id: pid.to_string(),
                    pipeline: name.clone(),
                    pipeline_sort,
                    stage_id: sid.to_string(),
                    stage: stage.clone(),
                    sort: int(s.get("sort")).unwrap_or(k as i64),
                    // amoCRM's won and lost are 142 and 143 in every pipeline.
                    semantics: Some(match sid {
                        142 => Semantics::Won,
                        143 => Semantics::Lost,
                        _ => Semantics::Open,
                    }),
                });
                self.stages.insert((pid, sid), (name.clone(), stage));
            }
        }
        self.pipelines_wanted =
            Failure::wanted_pipelines(wanted, last, &names, &mut self.warnings)?;
        Ok(())
    }

    fn read_users(&mut self, client: &mut Client) -> Result<(), Failure> {
        let mut page = 1;
        loop {
            let what = format!("/api/v4/users?limit={LIMIT}&page={page}");
            let body = match client.get(&what) {
                Ok(b) => b,
                // A non-admin token: owners stay ids, said once.
                Err(CrmError::Forbidden(_)) => {
                    self.warnings.push(crate::text::crm::users_forbidden(
                        crate::domain::crm_connection::Kind::AmoCrm,
                    ));
                    return Ok(());
                }
                Err(e) => return Err(Failure::at(&what, e)),
            };
            for u in embedded(body.as_ref(), "users") {
                if let Some(id) = int(u.get("id")) {
                    self.users.insert(id, text(u.get("name")));
                }
            }
            if !has_next(body.as_ref()) {
                return Ok(());
            }
            page += 1;
        }
    }

    fn read_fields(&mut self, client: &mut Client) -> Result<(), Failure> {
        let mut page = 1;
        loop {
            let what = format!("/api/v4/leads/custom_fields?limit=50&page={page}");
            let body = client.get(&what).map_err(|e| Failure::at(&what, e))?;
            for f in embedded(body.as_ref(), "custom_fields") {
                let Some(id) = int(f.get("id")) else { continue };
                let date = matches!(
                    f.get("type").and_then(Value::as_str),
                    Some("date" | "date_time" | "birthday")
                );
                self.fields.insert(id, (self.header.len(), date));
                self.header.push(text(f.get("name")));
            }
            if !has_next(body.as_ref()) {
                return Ok(());
            }
            page += 1;
        }
    }

    /// The events since the cursor: deletions, and stage moves (read after the deals, so that a
    /// move finds its deal in the stage the deal's row put it in), all their pages as one:
    /// amoCRM lists events newest first, and a deal's path is written oldest move first (a
    /// move older than the visit a card holds only dates it: `domain::stage_move::path_plan`),
    /// so the pages land together, with the cursor of the newest (a run stopped before they
    /// land reads them all again). The run keeps every event's id already (`seen_events`).
    /// What one landing holds is bounded (`Client::events_held`, a first sync of a large
    /// account's whole history): past it the rest land after, older, the cursor moving with
    /// the last, and a card's visits they give go before those the newer parts gave
    /// (`Page::older_moves`; a run stopped between two parts, the next reads them all again
    /// and plans the visits it left as its own: `crm::sync::RunMark`).
    fn events(&mut self, client: &mut Client) -> Result<Step, Failure> {
        let from = self.events_from.unwrap_or(0);
        let mut page = Page {
            reading: Reading::Moves,
            ..Page::default()
        };
        let mut newest = self.events_newest.max(self.events_from);
        while !self.events_done && page.moves.len() + page.deleted.len() < client.events_held {
            let what = format!(
                "/api/v4/events?filter[type]=lead_deleted,lead_status_changed\
                 &filter[created_at][from]={from}&limit={EVENTS_LIMIT}&page={}",
                self.events_page
            );
            let body = client.get(&what).map_err(|e| Failure::at(&what, e))?;
            let events = embedded(body.as_ref(), "events");
            for e in events {
                let id = text(e.get("id"));
                if !self.seen_events.insert(id) {
                    continue;
                }
                let at = int(e.get("created_at"));
                if let Some(at) = at {
                    newest = newest.max(Some(at));
                }
                let deal = int(e.get("entity_id"))
                    .filter(|_| e.get("entity_type").and_then(Value::as_str) == Some("lead"));
                let Some(deal) = deal else { continue };
                match e.get("type").and_then(Value::as_str) {
                    Some("lead_deleted") => page.deleted.push(deal.to_string()),
                    Some("lead_status_changed") => {
                        let at = at.and_then(|t| chrono::DateTime::from_timestamp(t, 0));
                        if let (Some(at), Some((pipeline, stage))) = (at, self.status_after(e)) {
                            page.moves.push(StageMove {
                                deal: deal.to_string(),
                                stage,
                                pipeline,
                                at: at.naive_utc(),
                            });
                        }
                    }
                    _ => {}
                }
            }
            if has_next(body.as_ref()) && events.len() >= EVENTS_LIMIT {
                self.events_page += 1;
            } else {
                self.events_done = true;
            }
        }
        self.events_newest = newest;
        // Until the oldest have landed, a run stopped reads them all again from the cursor.
        page.events_cursor = if self.events_done { newest } else { None };
        page.older_moves = !self.events_done;
        Ok(Step::Page(page))
    }

    /// The pipeline and the name of the stage a `lead_status_changed` event moved its deal to.
    fn status_after(&self, event: &Value) -> Option<(Option<String>, String)> {
        let status = event
            .get("value_after")?
            .as_array()?
            .first()?
            .get("lead_status")?;
        let key = (int(status.get("pipeline_id"))?, int(status.get("id"))?);
        Some(match self.stages.get(&key) {
            Some((pipeline, name)) => (Some(pipeline.clone()), name.clone()),
            // As a deal's row names a stage added after the pipelines were read.
            None => (None, key.1.to_string()),
        })
    }

    /// A page of the deals' notes, account-wide, oldest change first (read before the deals,
    /// so that a new deal lands with its notes). Notes of deals the store has no card of wait
    /// in the store for their deal.
    fn notes(&mut self, client: &mut Client) -> Result<Step, Failure> {
        let what = format!("/api/v4/leads/notes?limit={LIMIT}{}", self.notes.query());
        let body = client
            .get_with(&what, |t| serde_json::from_str::<NotesPage>(t))
            .map_err(|e| Failure::at(&what, e))?
            .unwrap_or_default();
        let mut page = Page {
            reading: Reading::Notes,
            ..Page::default()
        };
        let mut newest = self.notes.from;
        for n in body.notes() {
            // A note without its ids cannot be kept current: it is left out.
            let (Some(id), Some(deal), Some(updated)) = (n.id.0, n.entity_id.0, n.updated_at.0)
            else {
                continue;
            };
            newest = newest.max(Some(updated));
            if !self.notes.seen.first_read(id, updated) {
                continue;
            }
            let at = n.created_at.0.unwrap_or(updated);
            let text = n.params.0.text.text();
            if let Some(note) = DealNote::new(deal.to_string(), id.to_string(), at, &text) {
                page.notes.push(note);
            }
        }
        page.notes_cursor = newest;
        let ended = body.notes().len() < LIMIT || !body.has_next();
        self.notes_done = self.notes.after_page(newest, ended);
        Ok(Step::Page(page))
    }

    fn deals(&mut self, client: &mut Client) -> Result<Step, Failure> {
        let mut what = format!("/api/v4/leads?limit={LIMIT}{}", self.deals.query());
        for (i, p) in self.pipelines_wanted.iter().enumerate() {
            what.push_str(&format!("&filter[pipeline_id][{i}]={p}"));
        }
        let shape = Shape {
            width: self.header.len(),
            stages: &self.stages,
            users: &self.users,
            fields: &self.fields,
        };
        let spare = &mut self.spare.rows;
        let body = client
            .get_with(&what, |t| amo_rows::read_page(t, &shape, spare))
            .map_err(|e| Failure::at(&what, e))?
            .unwrap_or_default();
        let mut page = Page::default();
        if let Some((rows, ids)) = self.spare.lists.take() {
            (page.rows, page.ids) = (rows, ids);
        }
        let mut newest = self.deals.from;
        let count = body.leads.len();
        page.rows.reserve(count);
        page.ids.reserve(count);
        for lead in body.leads {
            let (Some(id), Some(updated)) = (lead.id, lead.updated_at) else {
                return Err(Failure::body(
                    &what,
                    crate::text::crm::DEAL_WITHOUT_ID_OR_TIME,
                ));
            };
            newest = newest.max(Some(updated));
            if !self.deals.seen.first_read(id, updated) {
                self.spare.rows.push(lead.cells);
                continue;
            }
            page.rows.push(lead.cells);
            page.ids.push(self.spare.id(id));
        }
        page.cursor = newest;
        page.read = count as u64;
        self.deals_done = self
            .deals
            .after_page(newest, count < LIMIT || !body.has_next);
        Ok(Step::Page(page))
    }
}

/// Where a keyset read (`filter[updated_at][from]` + `order[updated_at]=asc`) stands: the
/// second it reads from (inclusive), the page within that second, and what it has handed over.
struct Keyset {
    from: Option<i64>,
    page: u32,
    /// The second paged by offset is being read once more.
    again: bool,
    seen: Overlap,
}

impl Keyset {
    fn new(from: Option<i64>) -> Keyset {
        Keyset {
            from,
            page: 1,
            again: false,
            seen: Overlap::default(),
        }
    }

    /// The query's page and filter.
    fn query(&self) -> String {
        let mut q = format!("&page={}&order[updated_at]=asc", self.page);
        if let Some(from) = self.from {
            q.push_str(&format!("&filter[updated_at][from]={from}"));
        }
        q
    }

    /// After a page whose newest entry changed at `newest` (`ended`: the list has no more):
    /// whether the read is done. A full page within one second pages on within it, by offset;
    /// an entry of that second changed meanwhile leaves it for a later one, the pages after it
    /// shift by one and the entry at the boundary goes unread (a bulk edit gives hundreds of
    /// deals one second). So a second paged by offset is read once more from its first page
    /// before the read moves on: what the shift hid comes then, the repeats are told apart.
    fn after_page(&mut self, newest: Option<i64>, ended: bool) -> bool {
        if !ended && newest == self.from {
            self.page += 1;
        } else if self.page > 1 && !self.again {
            self.again = true;
            self.page = 1;
        } else if ended {
            return true;
        } else {
            self.from = newest;
            self.page = 1;
            self.again = false;
        }
        self.seen.read_from(self.from);
        false
    }
}

/// What a keyset read (`filter[updated_at][from]` + `order[updated_at]`) has handed over of
/// the second it reads from on: the next page starts at that second again, so its first
/// entries may be repeats. Entries older than the cursor cannot come again and are dropped
/// (a sync of a million deals kept every one).
#[derive(Default)]
struct Overlap(FxSet<(i64, i64)>);

impl Overlap {
    /// Whether (id, updated_at) is read for the first time (an entry changed since it was read
    /// is another entry: its update time moved).
    fn first_read(&mut self, id: i64, updated: i64) -> bool {
        self.0.insert((id, updated))
    }

    /// The next page reads from `from` on.
    fn read_from(&mut self, from: Option<i64>) {
        self.0.retain(|&(_, updated)| Some(updated) >= from);
    }
}

impl Reader for AmoReader {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn stages(&self) -> Vec<CrmStage> {
        self.crm_stages.clone()
    }

    fn warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn recycle(&mut self, mut page: Page) {
        let spare = &mut self.spare;
        let room = Spare::KEEP.saturating_sub(spare.rows.len());
        spare.rows.extend(page.rows.drain(..).take(room));
        let room = Spare::KEEP.saturating_sub(spare.ids.len());
        spare.ids.extend(page.ids.drain(..).take(room));
        if spare.lists.is_none() && page.rows.capacity() > 0 {
            spare.lists = Some((page.rows, page.ids));
        }
    }

    fn next(&mut self, client: &mut Client) -> Result<Step, Failure> {
        if !self.notes_done {
            return self.notes(client);
        }
        if !self.deals_done {
            return self.deals(client);
        }
        if !self.events_done {
            return self.events(client);
        }
        Ok(Step::Done)
    }
}

/// The names of the pipelines in an answer of `/api/v4/leads/pipelines`.
pub fn pipeline_names(body: Option<&Value>) -> Vec<String> {
    embedded(body, "pipelines")
        .iter()
        .map(|p| text(p.get("name")))
        .collect()
}

/// `_embedded.{key}` of a HAL answer; nothing for a 204.
fn embedded<'a>(body: Option<&'a Value>, key: &str) -> &'a [Value] {
    body.and_then(|b| b.get("_embedded"))
        .and_then(|e| e.get(key))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

fn has_next(body: Option<&Value>) -> bool {
    body.and_then(|b| b.get("_links"))
        .and_then(|l| l.get("next"))
        .is_some_and(|n| !n.is_null())
}

/// A number the API may send as a number or a string.
pub fn int(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn text(v: Option<&Value>) -> String {
    v.map(scalar).unwrap_or_default()
}

/// A value as a cell: strings as they are, numbers and booleans written out, null empty.
pub fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_paged_by_offset_is_read_once_more_before_the_read_moves_on() {
        let mut k = Keyset::new(Some(20));
        // Full pages within second 20, then one that reaches second 30.
        assert!(!k.after_page(Some(20), false));
        assert!(!k.after_page(Some(20), false));
        assert_eq!((k.page, k.from), (3, Some(20)));
        assert!(!k.after_page(Some(30), false));
        assert_eq!((k.page, k.from, k.again), (1, Some(20), true));
        assert!(!k.after_page(Some(20), false));
        assert!(!k.after_page(Some(20), false));
        assert!(!k.after_page(Some(30), false));
        assert_eq!((k.page, k.from, k.again), (1, Some(30), false));
        // A second read in one page moves on at once; a list that ends within a second
        // paged by offset is read once more, then done.
        assert!(!k.after_page(Some(40), false));
        assert_eq!((k.page, k.from), (1, Some(40)));
        assert!(!k.after_page(Some(40), false));
        assert!(!k.after_page(Some(40), true));
        assert_eq!((k.page, k.again), (1, true));
        assert!(!k.after_page(Some(40), false));
        assert!(k.after_page(Some(40), true));
    }

    #[test]
    fn a_keyset_overlap_forgets_what_is_older_than_the_cursor() {
        let mut seen = Overlap::default();
        // A page ending in second 20: the next reads from 20 on.
        for (id, t) in [(1, 10), (2, 20), (3, 20)] {
            assert!(seen.first_read(id, t));
        }
        seen.read_from(Some(20));
        assert_eq!(seen.0.len(), 2);
        // The repeats of second 20 are told apart from a deal changed since (a later time).
        assert!(!seen.first_read(3, 20));
        assert!(seen.first_read(3, 25));
        // A full page within one second pages on within it: nothing is dropped.
        seen.read_from(Some(20));
        assert!(!seen.first_read(2, 20));
        seen.read_from(Some(25));
        assert_eq!(seen.0.len(), 1);
    }
}
