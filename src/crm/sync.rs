//! One connection's sync: read the CRM page by page and land each page through the file
//! import's write path (profile, mapper, digest, `store::cards::Import`) in one transaction with
//! its cursor, so a sync killed at any moment resumes where it stopped.

use std::collections::HashSet;
use std::io::IsTerminal;

use chrono::NaiveDateTime;

use super::amocrm::AmoReader;
use super::client::{Client, CrmError};
use super::config::{Connection, Kind};
use super::row::{Page, Reader, Step, iso};
use crate::domain::columns::AbsentFields;
use crate::domain::funnel::{FieldRef, KnownStages};
use crate::domain::import_report::UnknownStage;
use crate::domain::rules::evaluate_with;
pub use crate::domain::sync_report::SyncReport;
use crate::domain::{Funnel, SystemField};
use crate::store::cards::{BatchCounts, BatchMeta, CardRow, Outcome};
use crate::store::crm::SyncState;
use crate::store::{Store, StoreError};
use crate::sync::digest::Seed;
use crate::sync::import::{Judge, PassRules};
use crate::sync::mapper::Mapper;
use crate::sync::profile::Profile;
use crate::text::crm as msg;

/// Deals are read again from this many seconds before the cursor: a deal saved in the CRM
/// while the last sync read may carry an update time a little older than the newest it saw.
pub const OVERLAP: i64 = 10;
const WARNING_SAMPLES: usize = 10;

#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Read every deal, not only the changed ones, and mark the ones the CRM no longer lists
    /// gone.
    pub full: bool,
    pub dry_run: bool,
    pub now: NaiveDateTime,
    pub progress: bool,
    /// The stage rules, judged as each page lands (as a file import's pass does).
    pub rules: Option<PassRules>,
}

/// What stopped a sync. Pages landed before it stay (with their cursor).
#[derive(Debug)]
pub enum Failure {
    Crm { what: String, error: CrmError },
    Config(String),
    Store(StoreError),
}

impl Failure {
    pub fn at(what: &str, error: CrmError) -> Failure {
        // The query carries no secret; the path is what the user can look up in the API docs.
        let what = what.split('?').next().unwrap_or(what).to_string();
        Failure::Crm { what, error }
    }

    pub fn body(what: &str, detail: &str) -> Failure {
        Failure::at(what, CrmError::Body(detail.to_string()))
    }

    /// The token was refused: the sync wrote nothing (the refusal comes on the first request).
    pub fn is_refused(&self) -> bool {
        matches!(
            self,
            Failure::Crm {
                error: CrmError::Refused(_),
                ..
            }
        )
    }

    pub fn message(&self, conn: &Connection) -> String {
        let name = &conn.name;
        match self {
            Failure::Config(m) => m.clone(),
            Failure::Store(e) => format!("{name}: {e}"),
            Failure::Crm { what, error } => match error {
                CrmError::Refused(d) => msg::refused(name, &conn.shown_url(), conn.kind, d),
                CrmError::Forbidden(d) => msg::forbidden(name, what, d),
                CrmError::Status(s, d) => msg::http_status(name, what, *s, d),
                CrmError::GaveUp(s, n) => msg::gave_up(name, *s, *n),
                CrmError::Network(d, n) => msg::network(name, &conn.shown_url(), d, *n),
                CrmError::Body(d) => msg::bad_body(name, what, d),
            },
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}

pub fn sync(
    store: &mut Store,
    funnel: &Funnel,
    conn: &Connection,
    opts: &SyncOptions,
) -> Result<SyncReport, Failure> {
    let secret = conn.secret().map_err(Failure::Config)?;
    let mut client = Client::new(conn, secret);
    let saved = store.crm_state(&conn.name)?;
    let result = run(store, funnel, conn, opts, &mut client, &saved);
    result.map(|mut r| {
        r.requests = client.requests;
        r.retries = client.retries;
        r
    })
}

fn run(
    store: &mut Store,
    funnel: &Funnel,
    conn: &Connection,
    opts: &SyncOptions,
    client: &mut Client,
    saved: &SyncState,
) -> Result<SyncReport, Failure> {
    let since = if opts.full { None } else { saved.cursor };
    let from = since.map(|c| c - OVERLAP);
    let mut reader = open_reader(conn, opts, client, saved, from)?;
    let mut lander = Lander::new(reader.header(), conn, funnel, opts)?;
    for w in reader.warnings() {
        lander.warn(w);
    }
    let mut state = saved.clone();
    state.synced_at = Some(crate::store::cards::fmt_time(&opts.now));
    let mut all_ids: HashSet<String> = HashSet::new();
    let bar = progress(opts.progress);
    loop {
        let page = match reader.next(client)? {
            Step::Done => break,
            Step::Page(p) => p,
        };
        for w in reader.warnings() {
            lander.warn(w);
        }
        advance(&mut state, &page);
        if opts.full {
            all_ids.extend(page.ids.iter().cloned());
        }
        lander.land(store, &page, &state)?;
        if let Some(b) = &bar {
            b.set_message(format!(
                "{} deals, {} pages, {} requests, {} waits",
                lander.report.rows, lander.pages, client.requests, client.waits
            ));
            b.tick();
        }
    }
    if opts.full {
        // Every deal was read: those the store holds and the CRM no longer lists are gone.
        let ids = reader.all_ids().unwrap_or(&all_ids);
        let page = Page {
            deleted: missing(store, conn, ids)?,
            ..Page::default()
        };
        state.full_at = state.synced_at.clone();
        lander.land(store, &page, &state)?;
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    // The pages were judged as they landed; the summaries are filled once, for them all.
    if lander.report.judged && lander.pages > 0 && !opts.dry_run {
        store.fill_summaries()?;
    }
    let mut report = lander.report;
    report.since = since.map(iso);
    report.until = state.cursor.map(iso);
    report.full_sweep_at = state.full_at.clone();
    Ok(report)
}

fn open_reader(
    conn: &Connection,
    opts: &SyncOptions,
    client: &mut Client,
    saved: &SyncState,
    from: Option<i64>,
) -> Result<Box<dyn Reader>, Failure> {
    Ok(match conn.kind {
        Kind::AmoCrm | Kind::Kommo => Box::new(AmoReader::open(
            client,
            &conn.pipelines,
            from,
            saved.events_cursor.map(|c| c - OVERLAP),
        )?),
        Kind::Bitrix24 => Box::new(super::bitrix24::BitrixReader::open(
            client,
            &conn.pipelines,
            from,
            saved.resume.as_deref(),
            opts.full,
            saved.events_cursor,
        )?),
    })
}

/// The cursors a landed page moves the sync to.
fn advance(state: &mut SyncState, page: &Page) {
    if let Some(c) = page.cursor {
        state.cursor = state.cursor.max(Some(c));
    }
    if page.events_cursor.is_some() {
        state.events_cursor = state.events_cursor.max(page.events_cursor);
    }
    state.resume = page.resume.clone();
}

/// After a full sweep: the live deals of the connection's pipelines the CRM no longer lists.
fn missing(
    store: &Store,
    conn: &Connection,
    listed: &HashSet<String>,
) -> Result<Vec<String>, Failure> {
    let wanted = |p: &Option<String>| {
        conn.pipelines.is_empty() || p.as_ref().is_some_and(|p| conn.pipelines.contains(p))
    };
    Ok(store
        .crm_live_ids(&conn.name)?
        .into_iter()
        .filter(|(id, p)| !listed.contains(id) && wanted(p))
        .map(|(id, _)| id)
        .collect())
}

fn progress(wanted: bool) -> Option<indicatif::ProgressBar> {
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    Some(bar)
}

/// Lands pages in the store: the file import's mapper and digest, the store's import writer.
struct Lander<'a> {
    conn: &'a Connection,
    funnel: &'a Funnel,
    opts: &'a SyncOptions,
    mapper: Mapper,
    seed: Seed,
    profile: String,
    stage_col: usize,
    stage_known: KnownStages,
    report: SyncReport,
    pages: u64,
    digest: Vec<u8>,
}

impl<'a> Lander<'a> {
    fn new(
        header: &[String],
        conn: &'a Connection,
        funnel: &'a Funnel,
        opts: &'a SyncOptions,
    ) -> Result<Lander<'a>, Failure> {
        let profile_name = conn.kind.profile();
        let profile = Profile::builtin(profile_name).expect("the CRM profiles are built in");
        let mapper = Mapper::new(header, profile, conn.name.clone())
            .map_err(|e| Failure::body("metadata", &e))?;
        let seed = Seed::new(&mapper, &conn.name);
        let stage_col = mapper
            .column_index(SystemField::Stage)
            .expect("checked by Mapper::new");
        Ok(Lander {
            conn,
            funnel,
            opts,
            mapper,
            seed,
            profile: profile_name.to_string(),
            stage_col,
            stage_known: KnownStages::default(),
            report: SyncReport {
                connection: conn.name.clone(),
                kind: conn.kind.name(),
                url: conn.shown_url(),
                rows: 0,
                inserted: 0,
                updated: 0,
                unchanged: 0,
                gone: 0,
                stage_changes: 0,
                unknown_stages: Vec::new(),
                warnings: 0,
                warning_samples: Vec::new(),
                requests: 0,
                retries: 0,
                since: None,
                until: None,
                full: opts.full,
                full_sweep_at: None,
                dry_run: opts.dry_run,
                judged: true,
            },
            pages: 0,
            digest: Vec::with_capacity(4096),
        })
    }

    fn warn(&mut self, w: String) {
        self.report.warnings += 1;
        if self.report.warning_samples.len() < WARNING_SAMPLES {
            self.report.warning_samples.push(w);
        }
    }

    /// One page, one transaction: its cards, its deletions, the cursor.
    fn land(&mut self, store: &mut Store, page: &Page, state: &SyncState) -> Result<(), Failure> {
        self.pages += 1;
        self.report.rows += page.rows.len() as u64;
        if page.rows.is_empty() && page.deleted.is_empty() && page.moves.is_empty() {
            if !self.opts.dry_run {
                store.save_crm_state(&self.conn.name, state)?;
            }
            return Ok(());
        }
        let label = format!("{}:{}", self.conn.kind.name(), self.conn.name);
        let meta = BatchMeta {
            file: &label,
            profile: &self.profile,
            source: &self.conn.name,
            encoding: "api",
            partial: true,
            now: self.opts.now,
            bulk: false,
        };
        let rules = self.rules_for(store)?;
        let mut import = store.begin_import(&meta)?;
        let keys = import.field_keys(&self.mapper.custom_fields())?;
        // New deals are judged as they come (they are in memory); changed ones at the page's
        // commit, with the stage history the store holds.
        let mut judge_new = None;
        match rules {
            Some((ran_for, today, absent)) => {
                let funnel = self.funnel;
                judge_new = Some(Judge::new(funnel, today, self.opts.now, absent.clone()));
                import.judge_in_pass(
                    &ran_for,
                    Box::new(move |card, ctx| evaluate_with(card, ctx, funnel, today, &absent)),
                    false,
                )?;
            }
            None => self.report.judged = false,
        }
        let mut counts = BatchCounts::default();
        let mut warnings = Vec::new();
        for (row, id) in page.rows.iter().zip(&page.ids) {
            let cells: Vec<&str> = row.iter().map(String::as_str).collect();
            self.digest.clear();
            self.seed.add_row(&mut self.digest, &cells);
            let hash = self.seed.finish(&self.digest);
            counts.rows += 1;
            self.note_stage(cells[self.stage_col].trim());
            let line: u64 = id.parse().unwrap_or(0);
            let outcome = match import.lookup(id)? {
                Some(e) if e.hash == hash && !e.gone => import.unchanged(e.id),
                existing => {
                    let card = self
                        .mapper
                        .card(line, cells.iter().copied(), &mut warnings)
                        .map_err(|e| Failure::body(&msg::deal(id), &e.message))?;
                    match (&existing, &judge_new) {
                        (None, Some(judge)) => {
                            let flags = judge.flags(&card);
                            import.insert_judged(&CardRow::new(card, hash, &keys), flags)?
                        }
                        _ => import.upsert(existing.as_ref(), &CardRow::new(card, hash, &keys))?,
                    }
                }
            };
            match outcome {
                Outcome::Inserted => counts.inserted += 1,
                Outcome::Updated { stage_changed } => {
                    counts.updated += 1;
                    self.report.stage_changes += stage_changed as u64;
                }
                Outcome::Unchanged => counts.unchanged += 1,
                Outcome::Duplicate => {}
            }
        }
        let mut gone = 0;
        for id in &page.deleted {
            gone += import.mark_deleted(&self.conn.name, id)? as u64;
        }
        for m in &page.moves {
            import.stage_entered_at(&self.conn.name, &m.deal, &m.stage, &m.at)?;
        }
        import.save_crm_state(&self.conn.name, state)?;
        let counts = import.finish(counts, &[], !self.opts.dry_run)?;
        for w in warnings {
            let text = msg::deal_warning(w.line, &w.column, &w.message);
            self.warn(text);
        }
        self.report.inserted += counts.inserted;
        self.report.updated += counts.updated;
        self.report.unchanged += counts.unchanged;
        self.report.gone += gone;
        Ok(())
    }

    /// The rules' marker, day and the source's absent fields, when the page's cards can be
    /// judged as it lands: every other card's flags are current for the marker.
    fn rules_for(
        &self,
        store: &Store,
    ) -> Result<Option<(String, NaiveDateTime, Vec<FieldRef>)>, Failure> {
        let Some(r) = self.opts.rules.as_ref().filter(|_| !self.opts.dry_run) else {
            return Ok(None);
        };
        if !store.flags_current_for(&r.ran_for)? {
            return Ok(None);
        }
        let absent = AbsentFields::new(self.funnel, store.source_columns()?);
        Ok(Some((
            r.ran_for.clone(),
            r.today,
            absent.of(&self.conn.name).to_vec(),
        )))
    }

    fn note_stage(&mut self, stage: &str) {
        let known = self.stage_known.knows(self.funnel, stage);
        if !known {
            match self
                .report
                .unknown_stages
                .iter_mut()
                .find(|u| u.stage == stage)
            {
                Some(u) => u.cards += 1,
                None => self.report.unknown_stages.push(UnknownStage {
                    stage: stage.to_string(),
                    cards: 1,
                }),
            }
        }
    }
}
