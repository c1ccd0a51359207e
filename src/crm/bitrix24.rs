//! Bitrix24 REST, read side: pipelines (`crm.category.list`) and their stages
//! (`crm.status.list`, all in one `batch`), users (`user.get`), the open activities bound to
//! deals (`crm.activity.list`, account-wide: each deal's nearest one is its «nearest task»), then
//! deals changed since the cursor (`>DATE_MODIFY`, paged by `>ID` so pages never shift), each
//! page with its deals' timeline comments (one `batch`: `crm.timeline.comment.list` takes one
//! deal at a time), then the stage moves since the last one read (`crm.stagehistory.list`, by
//! `>ID`). Each deal becomes a row of the Bitrix24 export's shape. Bitrix24 lists no deletions:
//! `--full` reads every deal instead.

use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};

use crate::domain::fx::FxMap;

use serde_json::{Value, json};

use super::amo_page::Scalar;
use super::amocrm::{int, text};
use super::b24_page::{Activity, Batch, Comment, Deal, PageOf};
use super::bitrix_chain::{Chain, PAGE, php_query};
use super::client::{Client, CrmError};
use super::row::{Page, Reader, StageMove, Step, fmt_naive};
use super::sync::Failure;
use crate::domain::crm_stage::{CrmStage, Semantics};
use crate::domain::deal_note::{DealNote, NOTES_PER_CARD};
use crate::domain::sync_report::Reading;

/// How this reader writes a deal's values into its row, as a number kept with each
/// connection's sync state. Bump it whenever a value starts being written differently: a card
/// keeps what an earlier okk wrote until its deal changes, so the next sync of a connection
/// read under an older number reads every deal again (`crm::sync`). 0: an okk before it kept
/// the number (user fields as the deal list gives them); 1: a list field's items by name, a
/// date field as the portal's wall-clock time, a boolean «Да»/«Нет» (the portal's export);
/// 2: a `date` field (not a `datetime`) as its day alone, `15.03.2026`, as the export writes
/// it (1 wrote `15.03.2026 00:00:00`).
pub const VALUES_VERSION: i64 = 2;

/// The language the user fields' labels are asked in.
const USER_FIELD_LANG: &str = "ru";

const HEADER: [&str; 14] = [
    "ID",
    "Название сделки",
    "Стадия сделки",
    "Воронка",
    "Ответственный",
    "Сумма",
    "Валюта",
    "Дата создания",
    "Дата изменения",
    "Предполагаемая дата закрытия",
    "Сделка закрыта",
    "Комментарий",
    // Not in Bitrix24's export: the deal's nearest open activity (the `no_task` rule's column).
    "Ближайшая задача",
    // Nor this: whether a closed deal was won, by its stage's semantics.
    super::row::WON_COLUMN,
];
const TASK_COL: usize = 12;
const WON_COL: usize = 13;

/// Where an unfinished run stands (saved with each page, so a killed sync resumes).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
struct Position {
    /// The run's `>DATE_MODIFY` (Unix seconds; `None`: every deal).
    from: Option<i64>,
    /// The last deal id landed.
    after_id: i64,
    /// The newest DATE_MODIFY seen so far.
    newest: Option<i64>,
    /// The portal's clock when the run began (its first answer's `time.start`), less a second.
    /// Deals are paged by id, so one whose id was passed and that changes while the run goes
    /// on (or between a kill and the resume) is not read again; the cursor must not move past
    /// the run's start or the next sync would not read it either. A run resumed keeps the
    /// start of the run it resumes. `None`: the portal stated no time (no cap).
    #[serde(default)]
    started: Option<i64>,
}

impl Position {
    /// What the cursor becomes when the run ends: the newest change read, but no later than
    /// the run's start.
    fn cursor(&self) -> Option<i64> {
        match (self.newest, self.started) {
            (Some(newest), Some(started)) => Some(newest.min(started)),
            (newest, _) => newest,
        }
    }
}

pub struct BitrixReader {
    /// STAGE_ID → (pipeline name, stage name); category id → name.
    /// (The portal's few hundred stages and users: looked up for every deal, by the fast hash
    /// the per-card maps use, `domain::fx`.)
    stages: FxMap<String, (String, String)>,
    /// STAGE_ID → won (true) or lost (false), for the stages whose semantics say so.
    closing: FxMap<String, bool>,
    categories: HashMap<i64, String>,
    /// The pipelines and stages with the portal's `sort`/`SORT` of each.
    crm_stages: Vec<CrmStage>,
    wanted: Vec<i64>,
    users: FxMap<i64, String>,
    /// The fixed columns, then one per UF_CRM_* field of `crm.deal.userfield.list`, named by
    /// its label in the portal (as the portal's own export names it), else by its code.
    header: Vec<String>,
    /// A user field's code (`UF_CRM_…`) → its column in `header`.
    user_fields: HashMap<String, usize>,
    /// The codes of the multiple user fields (a multiselect, several dates): `UF_*` in a
    /// `select` leaves them out (crm-deal-list.md), so `select` names each.
    multiple: Vec<String>,
    /// A user field's code → how its value becomes a cell, for the fields whose value the
    /// deal list does not give as the portal's export writes it.
    kinds: HashMap<String, UserField>,
    warnings: Vec<String>,
    at: Position,
    done: bool,
    /// The last stage history item read (`None`: none yet, the first sync reads them all).
    history_after: Option<i64>,
    history_done: bool,
    /// Deal id → the deadline of its nearest open activity (the portal's wall-clock time).
    nearest: HashMap<i64, chrono::NaiveDateTime>,
    /// Pages read ahead (a request brings many) and not yet handed on: deals, stage moves.
    deal_pages: VecDeque<Vec<Deal>>,
    history_pages: VecDeque<Vec<Value>>,
    /// An incremental run: the deals whose activities changed since the cursor (an activity done
    /// or added leaves its deal's DATE_MODIFY as it was), read again after the changed deals
    /// unless they were among them.
    touched: BTreeSet<i64>,
    /// An incremental run: the deals read so far.
    seen: HashSet<i64>,
    /// The run's list reads (each learns how many pages to ask at a time).
    deal_chain: Option<Chain>,
    history_chain: Option<Chain>,
    /// Rows of landed pages, back from the sync ([`Reader::recycle`]): the next pages' user
    /// fields are written into their strings.
    spare: Vec<Vec<String>>,
}

/// Rows kept for the pages to come: a second's pages the sync landed at once.
const SPARE_ROWS: usize = 100 * PAGE;

impl BitrixReader {
    /// `cursor`: deals changed after this time (`None`: all). `resume`: a killed run's position.
    /// `history_after`: the last stage history item an earlier sync read.
    pub fn open(
        client: &mut Client,
        pipelines: &[String],
        last: &[CrmStage],
        cursor: Option<i64>,
        resume: Option<&str>,
        full: bool,
        history_after: Option<i64>,
    ) -> Result<BitrixReader, Failure> {
        let at = resume
            .and_then(|r| serde_json::from_str::<Position>(r).ok())
            .filter(|_| !full)
            // Asked for every deal (a values' re-read): a run killed while it read the changes
            // alone is not what this one continues.
            .filter(|p| cursor.is_some() || p.from.is_none())
            // A run killed by an okk that kept no start: its cursor stays where it began.
            .map(|p| Position {
                started: p.started.or(p.from),
                ..p
            })
            .unwrap_or(Position {
                from: cursor,
                after_id: 0,
                newest: cursor,
                started: None,
            });
        let mut r = BitrixReader {
            stages: FxMap::default(),
            closing: FxMap::default(),
            categories: HashMap::new(),
            crm_stages: Vec::new(),
            wanted: Vec::new(),
            users: FxMap::default(),
            header: HEADER.iter().map(|h| h.to_string()).collect(),
            user_fields: HashMap::new(),
            kinds: HashMap::new(),
            multiple: Vec::new(),
            warnings: Vec::new(),
            at,
            done: false,
            history_after,
            history_done: false,
            nearest: HashMap::new(),
            deal_pages: VecDeque::new(),
            history_pages: VecDeque::new(),
            touched: BTreeSet::new(),
            seen: HashSet::new(),
            deal_chain: None,
            history_chain: None,
            spare: Vec::new(),
        };
        r.read_stages(client, pipelines, last)?;
        r.read_users(client)?;
        r.read_activities(client)?;
        if let Some(from) = r.at.from {
            r.read_touched(client, from)?;
        }
        Ok(r)
    }

    /// `last`: as [`super::amocrm`]'s pipelines, a category the portal renamed is followed.
    fn read_stages(
        &mut self,
        client: &mut Client,
        wanted: &[String],
        last: &[CrmStage],
    ) -> Result<(), Failure> {
        let what = "/crm.category.list.json";
        let body = client
            .post(what, &json!({"entityTypeId": 2}))
            .map_err(|e| Failure::at(what, e))?;
        if self.at.started.is_none() {
            self.at.started = started(body.as_ref());
        }
        let categories = categories(body.as_ref());
        // The portal's order of its pipelines (`sort`; the default one, when it is left out,
        // first).
        let category_sort: HashMap<i64, i64> = array_at(body.as_ref(), "/result/categories")
            .iter()
            .filter_map(|c| Some((int(c.get("id"))?, int(c.get("sort"))?)))
            .collect();
        self.wanted = Failure::wanted_pipelines(wanted, last, &categories, &mut self.warnings)?;
        self.categories = categories.into_iter().collect();
        // Every pipeline's stages in one call.
        let mut ids: Vec<i64> = self.categories.keys().copied().collect();
        ids.sort_unstable();
        let cmd: serde_json::Map<String, Value> = ids
            .iter()
            .map(|id| {
                let entity = if *id == 0 {
                    "DEAL_STAGE".to_string()
                } else {
                    format!("DEAL_STAGE_{id}")
                };
                (
                    format!("c{id}"),
                    json!(format!("crm.status.list?filter[ENTITY_ID]={entity}")),
                )
            })
            .collect();
        let mut cmd = cmd;
        // With a language, the list gives each field's labels as texts (without, none) [U]:
        // Russian, the language of the portal's export the fixed columns are named after.
        cmd.insert(
            "uf".into(),
            json!(format!(
                "crm.deal.userfield.list?filter[LANG]={USER_FIELD_LANG}"
            )),
        );
        let what = "/batch.json";
        let body = client
            .post(what, &json!({"halt": 0, "cmd": cmd}))
            .map_err(|e| Failure::at(what, e))?;
        let results = body.as_ref().and_then(|b| b.pointer("/result/result"));
        let fields = results.and_then(|r| r.get("uf")).and_then(Value::as_array);
        for f in fields.into_iter().flatten() {
            let code = text(f.get("FIELD_NAME"));
            if !code.starts_with("UF_") || self.user_fields.contains_key(&code) {
                continue;
            }
            // The list's column label, else the form's; the code when neither is given or the
            // label is another column's already (two fields labelled alike stay apart).
            let label = [f.get("LIST_COLUMN_LABEL"), f.get("EDIT_FORM_LABEL")]
                .into_iter()
                .map(|v| text(v).trim().to_string())
                .find(|l| !l.is_empty())
                .filter(|l| !self.header.contains(l));
            let name = match label {
                Some(l) => l,
                None if !self.header.contains(&code) => code.clone(),
                None => continue,
            };
            if text(f.get("MULTIPLE")) == "Y" {
                self.multiple.push(code.clone());
            }
            if let Some(kind) = UserField::of(f) {
                self.kinds.insert(code.clone(), kind);
            }
            self.user_fields.insert(code, self.header.len());
            self.header.push(name);
        }
        for id in ids {
            let name = self.categories[&id].clone();
            let list = results
                .and_then(|r| r.get(format!("c{id}")))
                .and_then(Value::as_array);
            for (k, s) in list.into_iter().flatten().enumerate() {
                let stage = text(s.get("NAME"));
                let sem = [s.get("SEMANTICS"), s.pointer("/EXTRA/SEMANTICS")];
                let closing = sem.into_iter().find_map(|v| closes(&text(v)));
                if let Some(won) = closing {
                    self.closing.insert(text(s.get("STATUS_ID")), won);
                }
                // A process stage has SEMANTICS null and EXTRA.SEMANTICS `process`; a portal that
                // gives neither leaves it unknown.
                let said = sem.into_iter().flatten().any(|v| !v.is_null());
                let semantics = match closing {
                    Some(true) => Some(Semantics::Won),
                    Some(false) => Some(Semantics::Lost),
                    None => said.then_some(Semantics::Open),
                };
                self.crm_stages.push(CrmStage {
                    pipeline_id: id.to_string(),
                    pipeline: name.clone(),
                    pipeline_sort: category_sort.get(&id).copied().unwrap_or(0),
                    stage_id: text(s.get("STATUS_ID")),
                    stage: stage.clone(),
                    sort: int(s.get("SORT")).unwrap_or(k as i64),
                    semantics,
                });
                self.stages
                    .insert(text(s.get("STATUS_ID")), (name.clone(), stage));
            }
        }
        Ok(())
    }

    fn read_users(&mut self, client: &mut Client) -> Result<(), Failure> {
        let mut start = 0usize;
        loop {
            let what = "/user.get.json";
            let body = match client.post(what, &json!({"start": start})) {
                Ok(b) => b,
                // A webhook without the user scope: owners stay ids, said once.
                Err(CrmError::Forbidden(_)) => {
                    self.warnings.push(crate::text::crm::users_forbidden(
                        crate::domain::crm_connection::Kind::Bitrix24,
                    ));
                    return Ok(());
                }
                Err(e) => return Err(Failure::at(what, e)),
            };
            for u in array_at(body.as_ref(), "/result") {
                if let Some(id) = int(u.get("ID")) {
                    let name = format!("{} {}", text(u.get("LAST_NAME")), text(u.get("NAME")));
                    self.users.insert(id, name.trim().to_string());
                }
            }
            match body.as_ref().and_then(|b| int(b.get("next"))) {
                Some(n) if n as usize > start => start = n as usize,
                _ => return Ok(()),
            }
        }
    }

    /// The open activities bound to deals, account-wide (by `>ID`, many pages a request): each
    /// deal's nearest deadline. Read whole every sync: an activity done or added changes no
    /// deal's DATE_MODIFY, and open ones are few beside the deals.
    fn read_activities(&mut self, client: &mut Client) -> Result<(), Failure> {
        let mut chain = Chain::new(
            "crm.activity.list",
            json!({"filter": {"OWNER_TYPE_ID": 2, "COMPLETED": "N"},
                   "select": ["ID", "OWNER_ID", "OWNER_TYPE_ID", "DEADLINE"]}),
            None,
        )
        .whole(true);
        chain.each(client, |a: Activity| {
            if a.id.0.is_none() {
                return Err(Failure::body(
                    "/crm.activity.list.json",
                    crate::text::crm::DEAL_WITHOUT_ID,
                ));
            }
            let deadline = match &a.deadline {
                Scalar::Text(t) => chrono::DateTime::parse_from_rfc3339(t.trim()).ok(),
                _ => None,
            }
            .map(|t| t.naive_local());
            if let (Some(deal), Some(deadline)) = (a.owner_id.0, deadline) {
                let nearest = self.nearest.entry(deal).or_insert(deadline);
                *nearest = (*nearest).min(deadline);
            }
            Ok(())
        })
    }

    /// The deals whose activities (open or done) changed after `from`, the run's cursor: their
    /// nearest task may have moved while they did not change.
    fn read_touched(&mut self, client: &mut Client, from: i64) -> Result<(), Failure> {
        let mut chain = Chain::new(
            "crm.activity.list",
            json!({"filter": {"OWNER_TYPE_ID": 2, ">LAST_UPDATED": iso_utc(from)},
                   "select": ["ID", "OWNER_ID"]}),
            None,
        );
        chain.each(client, |a: Activity| {
            self.touched.extend(a.owner_id.0);
            Ok(())
        })
    }

    /// The page's deals' timeline comments, in one `batch` (a command per deal, each its 50
    /// newest): every deal's comments whole, so those deleted in the CRM go.
    fn comments(&mut self, client: &mut Client, page: &mut Page) -> Result<(), Failure> {
        if page.ids.is_empty() {
            return Ok(());
        }
        // Written straight into text (a tree of fifty commands built, written and freed for
        // every fifty deals cost more than the request): the ids are numbers (`land` writes
        // them from the deals' `ID`s read as integers), nothing to escape.
        // Pieces pushed, not `write!`: formatting the command a deal was a tenth of this.
        let mut body = String::with_capacity(64 + page.ids.len() * 160);
        body.push_str(r#"{"halt":0,"cmd":{"#);
        for (k, id) in page.ids.iter().enumerate() {
            if k > 0 {
                body.push(',');
            }
            body.push_str("\"d");
            body.push_str(id);
            body.push_str(
                r#"":"crm.timeline.comment.list?filter[ENTITY_TYPE]=deal&filter[ENTITY_ID]="#,
            );
            body.push_str(id);
            body.push_str(
                r#"&order[CREATED]=DESC&select[0]=ID&select[1]=CREATED&select[2]=COMMENT""#,
            );
        }
        body.push_str("}}");
        let what = "/batch.json";
        let mut batch = client
            .post_json_with(what, body.as_bytes(), |t| {
                serde_json::from_str::<Batch<PageOf<Comment>>>(t)
            })
            .map_err(|e| Failure::at(what, e))?
            .unwrap_or_default();
        page.notes_of.reserve(page.ids.len());
        let mut key = String::new();
        for id in &page.ids {
            key.clear();
            key.push('d');
            key.push_str(id);
            // A deal whose comments did not come keeps the notes it had.
            if let Some(error) = batch.error(&key) {
                self.warnings
                    .push(crate::text::crm::comments_unread(id, &error));
                continue;
            }
            let list = batch.take(&key).map(|p| p.0).unwrap_or_default();
            for c in list.into_iter().take(NOTES_PER_CARD) {
                let at = match &c.created {
                    Scalar::Text(t) => unix(t).unwrap_or(0),
                    _ => 0,
                };
                let note = DealNote::new(id.clone(), c.id.into_cell(), at, &c.comment.into_cell());
                page.notes.extend(note);
            }
            page.notes_of.push(id.clone());
        }
        Ok(())
    }

    fn deals(&mut self, client: &mut Client) -> Result<Step, Failure> {
        if self.deal_pages.is_empty() {
            let (from, wanted) = (self.at.from, &self.wanted);
            let select = select(&self.multiple);
            let chain = self.deal_chain.get_or_insert_with(|| {
                let mut filter = json!({});
                if let Some(from) = from {
                    filter[">DATE_MODIFY"] = json!(iso_utc(from));
                }
                if !wanted.is_empty() {
                    filter["@CATEGORY_ID"] = json!(wanted);
                }
                Chain::new(
                    "crm.deal.list",
                    json!({"select": select, "filter": filter}),
                    None,
                )
                .whole(from.is_none())
            });
            self.deal_pages = chain.read(client, self.at.after_id)?.into();
        }
        let deals = self.deal_pages.pop_front().unwrap_or_default();
        let full = deals.len() >= PAGE;
        let last = deals.iter().filter_map(|d| d.id.0).max();
        self.at.after_id = self.at.after_id.max(last.unwrap_or(0));
        let mut page = self.land(client, deals)?;
        if full {
            page.resume = serde_json::to_string(&self.at).ok();
        } else {
            self.done = true;
            self.touched.retain(|id| !self.seen.contains(id));
            self.end(&mut page);
        }
        Ok(Step::Page(page))
    }

    /// The deals whose activities changed and that did not change themselves, by `@ID`: 50 a
    /// command, 50 commands a `batch`.
    fn touched_deals(&mut self, client: &mut Client) -> Result<Step, Failure> {
        if self.deal_pages.is_empty() {
            let ids: Vec<i64> = self.touched.iter().copied().take(PAGE * PAGE).collect();
            for id in &ids {
                self.touched.remove(id);
            }
            let cmd: serde_json::Map<String, Value> = ids
                .chunks(PAGE)
                .enumerate()
                .map(|(k, ids)| {
                    let mut filter = json!({"@ID": ids});
                    if !self.wanted.is_empty() {
                        filter["@CATEGORY_ID"] = json!(self.wanted);
                    }
                    let params =
                        json!({"select": select(&self.multiple), "filter": filter, "start": -1});
                    (
                        format!("t{k}"),
                        json!(format!("crm.deal.list?{}", php_query(&params))),
                    )
                })
                .collect();
            let what = "/batch.json";
            let mut batch = client
                .post_with(what, &json!({"halt": 0, "cmd": cmd}), |t| {
                    serde_json::from_str::<Batch<PageOf<Deal>>>(t)
                })
                .map_err(|e| Failure::at(what, e))?
                .unwrap_or_default();
            for k in 0..cmd.len() {
                let key = format!("t{k}");
                if let Some(detail) = batch.error(&key) {
                    return Err(Failure::at(what, CrmError::Body(detail)));
                }
                self.deal_pages
                    .push_back(batch.take(&key).map(|p| p.0).unwrap_or_default());
            }
        }
        let deals = self.deal_pages.pop_front().unwrap_or_default();
        let mut page = self.land(client, deals)?;
        if self.deal_pages.is_empty() && self.touched.is_empty() {
            self.end(&mut page);
        } else {
            page.resume = serde_json::to_string(&self.at).ok();
        }
        Ok(Step::Page(page))
    }

    /// The run's last page of deals: the cursor moves, nothing left to resume; while deals
    /// touched by their activities remain, a kill resumes after the last id (and reads the
    /// activities again).
    fn end(&mut self, page: &mut Page) {
        if self.touched.is_empty() {
            page.cursor = self.at.cursor();
            page.resume = None;
        } else {
            page.resume = serde_json::to_string(&self.at).ok();
        }
    }

    /// A page of deals as rows, with their comments.
    fn land(&mut self, client: &mut Client, deals: Vec<Deal>) -> Result<Page, Failure> {
        let what = "/crm.deal.list.json";
        let mut page = Page {
            read: deals.len() as u64,
            ..Page::default()
        };
        for d in deals {
            let Some(id) = d.id.0 else {
                return Err(Failure::body(what, crate::text::crm::DEAL_WITHOUT_ID));
            };
            if self.at.from.is_some() {
                self.seen.insert(id);
            }
            if let Scalar::Text(m) = &d.date_modify {
                self.at.newest = self.at.newest.max(unix(m));
            }
            page.rows.push(self.row(d, id));
            page.ids.push(itoa::Buffer::new().format(id).to_owned());
        }
        self.comments(client, &mut page)?;
        Ok(page)
    }

    /// A page of stage moves (deals' stage history), read after the deals so that a move finds
    /// its deal in the stage the deal's row put it in.
    fn history(&mut self, client: &mut Client) -> Result<Step, Failure> {
        if self.history_pages.is_empty() {
            let whole = self.history_after.is_none();
            let chain = self.history_chain.get_or_insert_with(|| {
                Chain::new(
                    "crm.stagehistory.list",
                    json!({"entityTypeId": 2,
                           "select": ["ID", "OWNER_ID", "STAGE_ID", "CREATED_TIME"]}),
                    Some("items"),
                )
                .whole(whole)
            });
            let after = self.history_after.unwrap_or(0);
            self.history_pages = chain.read(client, after)?.into();
        }
        let what = "/crm.stagehistory.list.json";
        let items = self.history_pages.pop_front().unwrap_or_default();
        let mut page = Page {
            reading: Reading::Moves,
            ..Page::default()
        };
        for item in &items {
            let Some(id) = int(item.get("ID")) else {
                return Err(Failure::body(what, crate::text::crm::DEAL_WITHOUT_ID));
            };
            self.history_after = self.history_after.max(Some(id));
            let at = item
                .get("CREATED_TIME")
                .and_then(Value::as_str)
                .and_then(|t| chrono::DateTime::parse_from_rfc3339(t.trim()).ok());
            let (Some(deal), Some(at)) = (int(item.get("OWNER_ID")), at) else {
                continue;
            };
            let stage_id = text(item.get("STAGE_ID"));
            let (pipeline, stage) = match self.stages.get(&stage_id) {
                Some((pipeline, name)) => (Some(pipeline.clone()), name.clone()),
                None => (None, stage_id),
            };
            page.moves.push(StageMove {
                deal: deal.to_string(),
                stage,
                pipeline,
                at: at.naive_local(),
            });
        }
        page.events_cursor = self.history_after;
        self.history_done = items.len() < PAGE;
        Ok(Step::Page(page))
    }

    fn row(&mut self, d: Deal, id: i64) -> Vec<String> {
        let mut cells = super::row::empty_row(&mut self.spare, self.header.len());
        for (code, value) in d.custom() {
            // Only the fields the metadata listed: the columns are fixed for the run.
            if let Some(&col) = self.user_fields.get(code) {
                // A field given twice: its last value is the cell.
                let cell = &mut cells[col];
                cell.clear();
                match self.kinds.get(code) {
                    Some(kind) => kind.push_cell(value, cell),
                    None => cell.push_str(value),
                }
            }
        }
        let stage_id = d.stage_id.into_cell();
        // Won or lost by the stage's semantics; by its id (`WON`, `C1:LOSE`) for a stage the
        // list did not give.
        let won = self.closing.get(&stage_id).copied().or_else(|| {
            match stage_id.rsplit(':').next().unwrap_or_default() {
                "WON" => Some(true),
                "LOSE" | "APOLOGY" => Some(false),
                _ => None,
            }
        });
        let category = d.category_id.0.unwrap_or(0);
        let (pipeline, stage) = match self.stages.get(&stage_id) {
            Some(known) => known.clone(),
            None => {
                let p = self
                    .categories
                    .get(&category)
                    .cloned()
                    .unwrap_or_else(|| category.to_string());
                (p, stage_id)
            }
        };
        cells[0] = itoa::Buffer::new().format(id).to_owned();
        cells[1] = d.title.into_cell();
        cells[2] = stage;
        cells[3] = pipeline;
        cells[4] = d
            .assigned_by_id
            .0
            .map(|o| {
                // `Name [id]`, as the portal's export writes it (built by hand: a `format!`
                // a deal cost more than the rest of its owner).
                let mut id = itoa::Buffer::new();
                let id = id.format(o);
                // No name (no user scope): the id stands for it, and is kept as the id too.
                let name = self.users.get(&o).map_or(id, String::as_str);
                let mut cell = String::with_capacity(name.len() + id.len() + 3);
                cell.push_str(name);
                cell.push_str(" [");
                cell.push_str(id);
                cell.push(']');
                cell
            })
            .unwrap_or_default();
        cells[5] = d.opportunity.into_cell();
        cells[6] = d.currency_id.into_cell();
        cells[7] = local(d.date_create.into_cell());
        cells[8] = local(d.date_modify.into_cell());
        cells[9] = local(d.closedate.into_cell());
        cells[10] = d.closed.into_cell();
        if let Some(won) = won {
            cells[WON_COL] = if won { "Y" } else { "N" }.into();
            if cells[10].is_empty() {
                cells[10] = "Y".into();
            }
        }
        cells[11] = d.comments.into_cell();
        if let Some(t) = self.nearest.get(&id) {
            cells[TASK_COL] = fmt_naive(*t);
        }
        cells
    }
}

/// A boolean user field's values as the portal's export writes them.
const YES: &str = "Да";
const NO: &str = "Нет";

/// A user field whose value the deal list gives otherwise than the portal's export writes it.
enum UserField {
    /// A list (`enumeration`): the deal gives its item's id (`"8000402"`), the export and the
    /// deal card the item's name, from the field's `LIST` (id → name).
    List(FxMap<String, String>),
    /// A `datetime`: the deal gives ISO 8601 in the portal's offset, the export the portal's
    /// wall-clock time, as the deal's own dates are kept.
    Date,
    /// A `date`: the deal gives the day's midnight in ISO 8601 (or the day alone, as the REST
    /// docs' `date` type is written), the export the day alone (`15.03.2026`).
    Day,
    /// A `boolean`: the deal gives `"1"`/`"0"`, the export «Да»/«Нет» (as it writes «Сделка
    /// закрыта»), which the profile's yes/no words read.
    Bool,
}

impl UserField {
    /// From `crm.deal.userfield.list`'s entry for the field; `None`: its value is the cell.
    fn of(f: &Value) -> Option<UserField> {
        match text(f.get("USER_TYPE_ID")).as_str() {
            "datetime" => Some(UserField::Date),
            "date" => Some(UserField::Day),
            "boolean" => Some(UserField::Bool),
            _ => {
                let items: FxMap<String, String> = (f.get("LIST").and_then(Value::as_array))
                    .into_iter()
                    .flatten()
                    .map(|i| (text(i.get("ID")), text(i.get("VALUE"))))
                    .filter(|(id, name)| !id.is_empty() && !name.is_empty())
                    .collect();
                (!items.is_empty()).then_some(UserField::List(items))
            }
        }
    }

    /// The cell of a value (a multiple field's values joined by ", "), each part as the
    /// portal's export writes it, written at the end of `out`; a part that does not read stays
    /// as it came.
    fn push_cell(&self, value: &str, out: &mut String) {
        if value.is_empty() {
            return;
        }
        for (i, p) in value.split(", ").enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match self {
                UserField::List(items) => out.push_str(items.get(p).map_or(p, String::as_str)),
                UserField::Date => out.push_str(&local(p.to_string())),
                UserField::Day => out.push_str(&day(p)),
                UserField::Bool => out.push_str(match p {
                    "1" => YES,
                    "0" => NO,
                    other => other,
                }),
            }
        }
    }

    #[cfg(test)]
    fn cell(&self, value: &str) -> String {
        let mut out = String::new();
        self.push_cell(value, &mut out);
        out
    }
}

/// A deal's fields `crm.deal.list` is asked for: the standard ones, the user fields (`UF_*`,
/// which leaves the multiple ones out) and each multiple user field by its code.
fn select(multiple: &[String]) -> Vec<&str> {
    let mut select = vec!["*", "UF_*"];
    select.extend(multiple.iter().map(String::as_str));
    select
}

/// A stage's semantics as `crm.status.list` gives them (`SEMANTICS` `S`/`F`, or `EXTRA`'s
/// `success`/`failure`/`apology`): won, lost, or neither (in progress).
fn closes(semantics: &str) -> Option<bool> {
    match semantics {
        "S" | "success" => Some(true),
        "F" | "failure" | "apology" => Some(false),
        _ => None,
    }
}

impl Reader for BitrixReader {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn recycle(&mut self, mut page: Page) {
        let room = SPARE_ROWS.saturating_sub(self.spare.len());
        self.spare.extend(page.rows.drain(..).take(room));
    }

    fn stages(&self) -> Vec<CrmStage> {
        self.crm_stages.clone()
    }

    fn warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    fn next(&mut self, client: &mut Client) -> Result<Step, Failure> {
        if !self.done {
            return self.deals(client);
        }
        if !self.touched.is_empty() || !self.deal_pages.is_empty() {
            return self.touched_deals(client);
        }
        if !self.history_done {
            return self.history(client);
        }
        Ok(Step::Done)
    }
}

/// The deal pipelines (categories) in an answer of `crm.category.list`, by id; the default one
/// (id 0) is there even when the portal leaves it out.
pub fn categories(body: Option<&Value>) -> Vec<(i64, String)> {
    let mut out: Vec<(i64, String)> = array_at(body, "/result/categories")
        .iter()
        .filter_map(|c| Some((int(c.get("id"))?, text(c.get("name")))))
        .collect();
    if !out.iter().any(|(id, _)| *id == 0) {
        out.push((0, "General".into()));
    }
    out.sort_unstable_by_key(|(id, _)| *id);
    out.dedup_by_key(|(id, _)| *id);
    out
}

/// The array at `pointer` in an answer; nothing when it has none (or for a 204).
fn array_at<'a>(body: Option<&'a Value>, pointer: &str) -> &'a [Value] {
    body.and_then(|b| b.pointer(pointer))
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The portal's clock at an answer (`time.start`, Unix seconds with a fraction), less a
/// second: `>DATE_MODIFY` is strict and a deal may change within the second the run began.
fn started(body: Option<&Value>) -> Option<i64> {
    let start = body?.pointer("/time/start")?.as_f64()?;
    start.is_finite().then(|| start.floor() as i64 - 1)
}

/// Bitrix24's ISO 8601 with offset → Unix seconds.
fn unix(s: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|d| d.timestamp())
}

fn iso_utc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S+00:00").to_string())
        .unwrap_or_default()
}

/// A date as the portal's export writes it: its own wall-clock time.
fn local(s: String) -> String {
    if let Some(t) = wall_clock(s.trim()) {
        return fmt_naive(t);
    }
    match chrono::DateTime::parse_from_rfc3339(s.trim()) {
        Ok(d) => fmt_naive(d.naive_local()),
        Err(_) => s,
    }
}

/// A `date` user field's value as the portal's export writes it: its day on the portal's
/// clock, `15.03.2026`; a value that does not read as a date stays as it came.
fn day(s: &str) -> String {
    let s = s.trim();
    let date = wall_clock(s)
        .map(|t| t.date())
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(s)
                .ok()
                .map(|d| d.date_naive())
        })
        .or_else(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok());
    match date {
        Some(d) => d.format("%d.%m.%Y").to_string(),
        None => s.to_string(),
    }
}

/// The wall-clock time of a date in the shape the portal sends every one of them,
/// `2024-09-02T18:37:18+02:00` (or `Z`): its first nineteen characters, checked as a calendar
/// time; `None` for any other shape, which the full parse reads. Three dates a deal went through
/// chrono's RFC 3339 parser, 2 % of a Bitrix24 sync's instructions.
fn wall_clock(s: &str) -> Option<chrono::NaiveDateTime> {
    let b = s.as_bytes();
    let offset_ok = match b.get(19..)? {
        [b'Z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| {
                (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
            };
            matches!((two(*h1, *h2), two(*m1, *m2)), (Some(h), Some(m)) if h < 24 && m < 60)
        }
        _ => false,
    };
    if !offset_ok || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':'
    {
        return None;
    }
    let num = |from: usize, to: usize| -> Option<u32> {
        b[from..to].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    chrono::NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 7)?, num(8, 10)?)?.and_hms_opt(
        num(11, 13)?,
        num(14, 16)?,
        num(17, 19)?,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reading of the portal's dates gives what chrono's RFC 3339 parse gives, and
    /// leaves every other shape to it.
    #[test]
    fn the_portal_s_dates_read_as_the_full_parse_reads_them() {
        for s in [
            "2024-09-02T18:37:18+02:00",
            "2024-09-02T18:37:18-05:30",
            "2024-09-02T18:37:18Z",
            "2024-02-29T00:00:00+03:00",
            "2023-02-29T00:00:00+03:00",
            "2024-09-02T24:00:00+03:00",
            "2024-09-02T18:37:60+03:00",
            "2024-09-02T18:37:18.500+02:00",
            "2024-09-02t18:37:18+02:00",
            "2024-09-02 18:37:18+02:00",
            "2024-09-02T18:37:18+2:00",
            "2024-09-02T18:37:18+25:00",
            "2024-9-02T18:37:18+02:00",
            "2024-09-02T18:37:1x+02:00",
            "",
            "не дата",
        ] {
            let full = match chrono::DateTime::parse_from_rfc3339(s) {
                Ok(d) => fmt_naive(d.naive_local()),
                Err(_) => s.to_string(),
            };
            assert_eq!(local(s.to_string()), full, "{s}");
            if let Some(t) = wall_clock(s) {
                assert_eq!(fmt_naive(t), full, "{s}");
            }
        }
        assert!(wall_clock("2024-09-02T18:37:18+02:00").is_some());
    }

    /// A `date` field's value as the portal's export writes it: the day alone, on the
    /// portal's clock (its midnight, in its offset); a `datetime` keeps its time.
    #[test]
    fn a_date_user_field_reads_as_the_export_s_day_alone() {
        let day = UserField::of(&json!({"USER_TYPE_ID": "date"})).unwrap();
        assert_eq!(day.cell("2026-03-15T00:00:00+03:00"), "15.03.2026");
        assert_eq!(day.cell("2026-03-15T00:00:00Z"), "15.03.2026");
        assert_eq!(day.cell("2026-03-15"), "15.03.2026");
        assert_eq!(
            day.cell("2026-03-15T00:00:00+03:00, 2026-04-01T00:00:00+03:00"),
            "15.03.2026, 01.04.2026"
        );
        assert_eq!(day.cell("не дата"), "не дата");
        assert_eq!(day.cell(""), "");
        let time = UserField::of(&json!({"USER_TYPE_ID": "datetime"})).unwrap();
        assert_eq!(
            time.cell("2026-03-15T09:30:00+03:00"),
            "15.03.2026 09:30:00"
        );
    }

    /// A boolean field's `1`/`0` as the portal's export writes them, a multiple one's each;
    /// anything else stays as it came.
    #[test]
    fn a_boolean_user_field_reads_as_the_export_s_yes_and_no() {
        let kind = UserField::of(&json!({"USER_TYPE_ID": "boolean"})).unwrap();
        assert_eq!(kind.cell("1"), "Да");
        assert_eq!(kind.cell("0"), "Нет");
        assert_eq!(kind.cell("1, 0"), "Да, Нет");
        assert_eq!(kind.cell(""), "");
        assert_eq!(kind.cell("Y"), "Y");
        // The import profile's yes/no words read them.
        let p = crate::sync::profile::Profile::builtin("bitrix24").unwrap();
        let words = crate::formats::values::Bools::new(&p.true_values, &p.false_values);
        assert_eq!(words.parse(&kind.cell("1")), Some(true));
        assert_eq!(words.parse(&kind.cell("0")), Some(false));
    }

    #[test]
    fn the_cursor_never_passes_the_runs_start() {
        let at = |newest, started| Position {
            from: Some(100),
            after_id: 7,
            newest,
            started,
        };
        assert_eq!(at(Some(500), Some(300)).cursor(), Some(300));
        assert_eq!(at(Some(200), Some(300)).cursor(), Some(200));
        assert_eq!(at(Some(200), None).cursor(), Some(200));
        assert_eq!(at(None, Some(300)).cursor(), None);
    }

    #[test]
    fn the_runs_start_is_the_portals_clock_less_a_second() {
        assert_eq!(
            started(Some(&json!({"time": {"start": 1725292115.02}}))),
            Some(1725292114)
        );
        assert_eq!(started(Some(&json!({"time": {}}))), None);
        assert_eq!(started(Some(&json!({"time": {"start": "soon"}}))), None);
        assert_eq!(started(None), None);
    }

    #[test]
    fn a_position_saved_before_the_start_was_kept_still_resumes() {
        let p: Position =
            serde_json::from_str(r#"{"from":100,"after_id":7,"newest":150}"#).unwrap();
        assert_eq!(p.started, None);
        assert_eq!(p.after_id, 7);
    }
}
