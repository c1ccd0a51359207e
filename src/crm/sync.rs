//! One connection's sync: read the CRM page by page and land each page through the file
//! import's profile, mapper and digest and the sync's write port (`store::sync_tx`: a store
//! file's `cards::Import`, a team server's `pg::sync`) in one transaction with its cursor, so a
//! sync killed at any moment resumes where it stopped.

use std::collections::HashSet;
use std::path::Path;

use crate::domain::fx::{FxMap, FxSet};
use std::io::IsTerminal;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;

use super::amocrm::AmoReader;
use super::client::{Client, CrmError, NetKind};
use super::config::{Connection, Kind};
use super::row::{Page, Reader, Step, iso};
use crate::domain::columns::{SourceColumns, absent_required};
use crate::domain::crm_stage;
use crate::domain::deal_note::{newest, notes_digest};
use crate::domain::funnel::{FieldRef, KnownStages};
use crate::domain::import_report::{DryHeld, UnknownStage, unknown_stages};
use crate::domain::rules::evaluate_with;
use crate::domain::stage_move::Entry;
use crate::domain::stage_rename::RenameWatch;
use crate::domain::sync_report::{Reading, SyncProgress};
pub use crate::domain::sync_report::{Reread, SyncReport};
use crate::domain::{Funnel, SystemField};
use crate::store::StoreError;
use crate::store::cards::{BatchCounts, BatchMeta, CardRow, Existing, Outcome};
use crate::store::crm::SyncState;
use crate::store::fields::{FieldKeys, FieldNames};
use crate::store::judged::NewJudgement;
use crate::store::sync_tx::{RunRows, SyncStore, SyncTx};
use crate::sync::change::{ReadColumns, change_of, settle_renamed};
use crate::sync::digest::Seed;
use crate::sync::import::{Judge, PassRules};
use crate::sync::mapper::{Mapper, Warning};
use crate::sync::profile::Profile;
use crate::text::crm as msg;

/// Deals are read again from this many seconds before the cursor: a deal saved in the CRM
/// while the last sync read may carry an update time a little older than the newest it saw.
pub const OVERLAP: i64 = 10;
const WARNING_SAMPLES: usize = 10;
/// A transaction lands the pages that come within this time of its first (a kill loses at
/// most these, to be read again; the store's write lock is held only while they land). A
/// group costs about the same whatever it holds (its commit, the rules' marker checked, the
/// journal): at 200 ms a CRM that answers a page at a time (Bitrix24's pages of 50) made a
/// group of nearly every page — 816 commits for 100,000 deals from the fake Bitrix24…
const TX_OPEN: Duration = Duration::from_secs(1);
/// …up to this many deals: fewer commits, each writing the pages of the indexes once.
const TX_DEALS: usize = 5000;
/// Pages the fetching thread may read ahead of the writer.
const PAGES_AHEAD: usize = 8;
/// The notes' bytes a run keeps for the deals still to land (`Lander::run_notes`); past it, a
/// deal's notes are read back from the store when it lands.
const RUN_NOTES_BYTES: usize = 64 << 20;
/// A deal with more notes than this is read back from the store (each note kept is compared
/// with those kept before it).
const RUN_NOTES_PER_DEAL: usize = 256;

/// The first deals of a connection's first sync looked for among file imports' cards.
const TWIN_SAMPLE: usize = 250;

/// Most of the deals looked for are there: half or more (one of one).
fn twins_are_most(matched: u64, read: usize) -> bool {
    matched > 0 && matched * 2 >= read as u64
}

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
    /// Set by Ctrl-C: the CRM is asked nothing more, what was read lands, the run stops.
    pub stop: Arc<AtomicBool>,
    /// A first sync lands deals the store holds from exports under another source all the
    /// same, as cards of their own (`--new-source`).
    pub new_source: bool,
}

/// What stopped a sync. Pages landed before it stay (with their cursor).
#[derive(Debug)]
pub enum Failure {
    Crm {
        what: String,
        error: CrmError,
    },
    Config(String),
    /// The connection's `pipelines` names one the CRM has not (`known`: the CRM's).
    UnknownPipeline {
        pipeline: String,
        known: Vec<String>,
    },
    Store(StoreError),
    /// A first sync whose deals the store holds from file imports under `source`: `matched`
    /// of the first `read` deals by CRM id and title. Nothing of the deals was written.
    TwinSource {
        source: String,
        matched: u64,
        read: u64,
    },
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

    /// The first of the pipelines `wanted` that the CRM has not (`known`: the CRM's names).
    pub fn unknown_pipeline(wanted: &[String], known: &[String]) -> Option<Failure> {
        let missing = wanted.iter().find(|w| !known.contains(w))?;
        Some(Failure::UnknownPipeline {
            pipeline: missing.clone(),
            known: known.to_vec(),
        })
    }

    /// The ids of the pipelines a connection's `pipelines` names among the CRM's (`names`: id,
    /// name), one the CRM renamed since the last sync (`last`) followed by its id and said in
    /// `warnings` ([`crm_stage::follow_renamed`]); a name the CRM has neither way is the failure.
    pub fn wanted_pipelines(
        wanted: &[String],
        last: &[crm_stage::CrmStage],
        names: &[(i64, String)],
        warnings: &mut Vec<String>,
    ) -> Result<Vec<i64>, Failure> {
        let ids: Vec<(String, String)> = (names.iter())
            .map(|(id, n)| (id.to_string(), n.clone()))
            .collect();
        let (wanted, followed) = crm_stage::follow_renamed(wanted, last, &ids);
        for r in followed {
            warnings.push(msg::pipeline_filter_renamed(&r.from, &r.to));
        }
        let known: Vec<String> = names.iter().map(|(_, n)| n.clone()).collect();
        if let Some(f) = Failure::unknown_pipeline(&wanted, &known) {
            return Err(f);
        }
        Ok(wanted
            .iter()
            .filter_map(|w| names.iter().find(|(_, n)| n == w).map(|(id, _)| *id))
            .collect())
    }

    /// The user stopped the run (Ctrl-C).
    pub fn is_interrupted(&self) -> bool {
        matches!(
            self,
            Failure::Crm {
                error: CrmError::Interrupted,
                ..
            }
        )
    }

    /// The team server stopped answering (its link hung and was cut, or dropped): the groups
    /// committed before stand, the one under way rolled back.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Failure::Store(e) if e.is_unreachable())
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

    /// What stopped a sync, in the user's words, by what it `left` in the store.
    /// `config`: the config file as `--config` named it, which the commands it suggests name.
    pub fn message(&self, conn: &Connection, left: Left, config: Option<&Path>) -> String {
        if self.is_interrupted() {
            return msg::interrupted(left.sweep, config);
        }
        self.said(conn, Some(left.pages), config)
    }

    /// What stopped `okk crm test` (which lands no pages to keep).
    pub fn test_message(&self, conn: &Connection) -> String {
        self.said(conn, None, None)
    }

    fn said(&self, conn: &Connection, in_sync: Option<bool>, config: Option<&Path>) -> String {
        let name = &conn.name;
        match self {
            Failure::Config(m) => m.clone(),
            Failure::UnknownPipeline { pipeline, known } => {
                let said = msg::unknown_pipeline(name, pipeline, known);
                let at = (conn.pipelines.iter().zip(&conn.pipelines_at))
                    .find(|(p, _)| *p == pipeline)
                    .map(|(_, at)| at);
                match at {
                    Some(at) => format!("{at}: {said}"),
                    None => said,
                }
            }
            Failure::Store(e) => format!("{name}: {e}"),
            Failure::TwinSource {
                source,
                matched,
                read,
            } => msg::twin_source(name, source, *matched, *read, config),
            Failure::Crm { what, error } => match error {
                CrmError::Refused(d) => {
                    msg::refused(name, &conn.shown_url(), conn.kind, d, in_sync.is_some())
                }
                CrmError::Forbidden(d) => msg::forbidden(name, conn.kind, what, d),
                CrmError::Status(s, d) => msg::http_status(name, what, *s, d),
                CrmError::GaveUp(s, n) => msg::gave_up(name, *s, *n, in_sync, config),
                CrmError::Network(f, n) => {
                    let reason = match f.kind {
                        NetKind::Refused => msg::net_refused(),
                        NetKind::NotResolved => msg::net_not_resolved(),
                        NetKind::TimedOut => msg::net_timed_out(),
                        NetKind::SetupTimedOut => {
                            msg::net_setup_timed_out(conn.base_url().starts_with("https:"))
                        }
                        NetKind::Tls => msg::net_tls(&f.detail),
                        NetKind::Other => f.detail.clone(),
                    };
                    // Nothing answers at that address: the address is what to check.
                    let address = matches!(
                        f.kind,
                        NetKind::Refused | NetKind::NotResolved | NetKind::SetupTimedOut
                    );
                    msg::network(
                        name,
                        &conn.shown_url(),
                        &reason,
                        *n,
                        in_sync,
                        address,
                        config,
                    )
                }
                CrmError::Body(d) => msg::bad_body(name, what, d),
                CrmError::Interrupted => msg::interrupted(false, config),
            },
        }
    }
}

/// What a sync that stopped left in the store, which its message tells the user.
#[derive(Debug, Clone, Copy, Default)]
pub struct Left {
    /// This run or an earlier one of the connection landed pages: they are kept, and the next
    /// sync goes on from them (else there is nothing to go on from: what to check instead).
    pub pages: bool,
    /// A full sweep is under way (this run's `--full`, or one it was finishing): the next sync
    /// finishes it.
    pub sweep: bool,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure::Store(e)
    }
}

pub fn sync(
    store: &mut dyn SyncStore,
    funnel: &Funnel,
    conn: &Connection,
    opts: &SyncOptions,
) -> Result<SyncReport, Failure> {
    let secret = conn.secret().map_err(Failure::Config)?;
    let opts = &own_moment(&*store, &conn.name, opts)?;
    let mut client = Client::new(conn, secret);
    client.stop_on(opts.stop.clone());
    let saved = store.crm_state(&conn.name)?;
    // A CRM that refuses the connection is retried for a quarter of a minute, one that takes it
    // and says nothing three times (`client::ANSWER_WAIT` each), before the first request as
    // after: the line counts the retries as they begin, not when a page comes.
    let line = progress(opts.progress).map(|bar| Arc::new(Line::new(bar, &conn.name)));
    if let Some(l) = &line {
        let l = l.clone();
        client.on_retry(Box::new(move |n| l.retried(n)));
    }
    let result = run(
        store,
        funnel,
        conn,
        opts,
        &mut client,
        &saved,
        line.as_deref(),
    );
    if let Some(l) = line {
        l.bar.finish_and_clear();
    }
    // Best effort, whatever stopped the run: a store left in the bulk load's journal (busy
    // readers kept it from switching back) works as well and is switched back when it is next
    // opened.
    let _ = store.end_run();
    result.map(|mut r| {
        r.requests = client.requests;
        r.retries = client.retries;
        r
    })
}

/// The options with the run's moment its own: `okk db imports` tells a connection's runs apart
/// by the moment their batches carry (`domain::import_runs`), so a run that would begin in the
/// second an earlier one of the connection began (back-to-back syncs of a small account, a
/// script's) waits for the next second. A dry run writes no batch.
fn own_moment(
    store: &dyn SyncStore,
    source: &str,
    opts: &SyncOptions,
) -> Result<SyncOptions, Failure> {
    use chrono::Timelike;
    let mut now = opts.now;
    while !opts.dry_run && store.sync_began_at(source, &crate::store::cards::fmt_time(&now))? {
        let next = now.with_nanosecond(0).unwrap_or(now) + chrono::Duration::seconds(1);
        // A moment given in the past (tests') moves on without waiting.
        let wait = (next - chrono::Local::now().naive_local()).to_std();
        std::thread::sleep(wait.unwrap_or_default().min(Duration::from_secs(1)));
        now = next;
    }
    Ok(SyncOptions {
        now,
        ..opts.clone()
    })
}

fn run(
    store: &mut dyn SyncStore,
    funnel: &Funnel,
    conn: &Connection,
    opts: &SyncOptions,
    client: &mut Client,
    saved: &SyncState,
    line: Option<&Line>,
) -> Result<SyncReport, Failure> {
    // A connection whose deals were read under an older way of writing values (an older okk)
    // has its every deal read again, once: an incremental sync would leave the cards of the
    // deals that did not change as that okk wrote them. No sweep: the deletions are another
    // matter, and a store never synced reads every deal anyway.
    let values = values_version(conn.kind);
    let reread = !opts.full && saved.cursor.is_some() && saved.values_version.unwrap_or(0) < values;
    let since = if opts.full || reread {
        None
    } else {
        saved.cursor
    };
    let from = since.map(|c| c - OVERLAP);
    // A full sweep an earlier run began and did not finish (stopped, killed, failed): this run
    // goes on from the cursors it landed (below), and finishes it.
    let resumed = store.crm_sweep(&conn.name)?.filter(|_| !opts.full);
    // A first sync (nothing of the connection ever landed) reads every deal of its pipelines
    // from the start: it sweeps as `--full` does, so that it counts as the last full pass (a
    // Bitrix24 report then has no `--full` to advise) and the cards of the source the CRM no
    // longer lists (imported from its exports) are found gone. Killed half-way, it is a sweep
    // under way that the next run finishes, from the deals it recorded: every deal read once.
    let first = *saved == SyncState::default();
    let sweeping = opts.full || resumed.is_some() || first;
    // The deals a sweep lists are kept (in the store, for a run killed half-way) only to find
    // the source's cards the CRM no longer lists: a sweep of a source whose every card it
    // brought itself (a first sync into a store without them) lists what it lands and has
    // nothing to find, so it keeps nothing (a tenth of a first sync's work).
    // A sweep under way goes on as it began: listing when it listed (or, killed before it
    // landed a page, when the source held cards from before it).
    let listing = sweeping
        && match &resumed {
            None => store.source_has_cards(&conn.name, None)?,
            Some(began) => {
                !store.crm_swept(&conn.name)?.is_empty()
                    || store.source_has_cards(&conn.name, Some(began))?
            }
        };
    let before = store.crm_stages_of(&conn.name)?;
    let mut reader = open_reader(conn, opts, client, saved, &before, from)?;
    // A stage or a pipeline the CRM renamed since the last sync (its ids carry another name):
    // the deals that did not change since would keep the old name, one CRM stage under two
    // names in the store, and the ones that did would read as moves or changes. Every deal is
    // read again, once, and a card whose only change is the new name is the card its reviews
    // saw.
    let pipelines = crm_stage::renamed_pipelines(&before, &reader.stages());
    let renamed = crm_stage::renamed(&before, &reader.stages(), |from, to| {
        let stage = funnel.resolve(from)?;
        (funnel.resolve(to) != Some(stage)).then(|| funnel.stage(stage).name.clone())
    });
    let reread = if !(renamed.is_empty() && pipelines.is_empty()) && since.is_some() {
        reader = open_reader(conn, opts, client, saved, &before, None)?;
        Some(Reread::Renamed)
    } else {
        reread.then_some(Reread::Values)
    };
    let since = since.filter(|_| reread.is_none());
    // A rename's reading of every deal is a full pass too: a deal deleted in the CRM is not read
    // again, and would keep the old name under the store's cards (Bitrix24 lists no deletions)
    // until a `--full`; listing the deals read finds it gone now.
    let renaming = reread == Some(Reread::Renamed);
    let begins_sweep = opts.full || first || (renaming && !sweeping);
    let listing = listing || (renaming && !sweeping);
    let sweeping = sweeping || renaming;
    let mut lander = Lander::new(reader.header(), conn, funnel, opts)?;
    lander.note_deals = store.crm_note_deals(&conn.name)?;
    // A run killed half-way: its history rows are this one's too (`RunMark`).
    lander.run_batch = RunMark::batch_of(conn.kind, saved);
    lander.stages = Some(reader.stages());
    lander.sweeping = sweeping;
    lander.listing = listing;
    if begins_sweep {
        lander.sweep_begins = Some(crate::store::cards::fmt_time(&opts.now));
    }
    for w in reader.warnings() {
        lander.warn(w);
    }
    // `synced_at` says when a sync last went through: it is written with the run's last
    // transaction, not its first (a run killed half-way did not sync).
    let mut state = saved.clone();
    // A run that began and did not end (killed, stopped, failed): this one continues it, and
    // keeps its moment until one ends. A `--full` starts over.
    let resumed_run = saved.run_begun_at.clone().filter(|_| !opts.full);
    state.run_begun_at = Some(
        resumed_run
            .clone()
            .unwrap_or_else(|| crate::store::cards::fmt_time(&opts.now)),
    );
    lander.report.resumed_run_begun_at = resumed_run.as_deref().map(utc_iso);
    if let Some(begun) = &resumed_run {
        // Read before this attempt writes: what the stopped attempts landed, for the report.
        let file = format!("{}:{}", conn.kind.name(), conn.name);
        let landed = store.sync_landed_since(&conn.name, &file, begun)?;
        lander.report.resumed_landed = Some(landed).filter(|l| l.rows > 0 || l.gone > 0);
    }
    lander.report.reread = reread;
    lander.report.renamed_stages = renamed.clone();
    lander.crm_renames = renamed;
    lander.report.funnel_names_old_pipeline = (funnel.stages.iter())
        .filter(|s| {
            s.pipelines
                .iter()
                .any(|p| pipelines.iter().any(|r| r.from == *p))
        })
        .map(|s| s.name.clone())
        .collect();
    lander.report.renamed_pipelines = pipelines.clone();
    lander.crm_pipeline_renames = pipelines;
    if *saved == SyncState::default() {
        // A first sync reads every deal, however often it is stopped and resumed.
        state.values_version = Some(values);
    }
    if opts.full {
        // A sweep reads every deal and note from the start, and its cursors are where it got
        // to: stopped half-way, the next sync goes on from there (amoCRM; Bitrix24 resumes by
        // the id it landed last, and moves its cursor at the end).
        state.cursor = None;
        state.notes_cursor = None;
    }
    // The deals this run listed, when it sweeps.
    let mut all_ids: HashSet<String> = HashSet::new();
    // The CRM is read on a thread of its own (HTTP, JSON, rows) while this one writes: the
    // pages that wait when a transaction begins, and those that come soon after, land in it.
    let (tx, rx) = mpsc::sync_channel::<Result<Fetched, Failure>>(PAGES_AHEAD);
    // The landed pages go back to the reading thread (`Reader::recycle`).
    let (landed_tx, landed_rx) = mpsc::channel::<Page>();
    let mut progress = SyncProgress::default();
    let stopped = std::thread::scope(|scope| {
        let fetcher = scope.spawn(move || fetch(reader, client, tx, landed_rx));
        let mut stopped = None;
        while let Some(batch) = next_batch(&rx, &mut stopped) {
            for f in &batch {
                for w in &f.warnings {
                    lander.warn(w.clone());
                }
                advance(&mut state, &f.page);
                if listing {
                    all_ids.extend(f.page.ids.iter().cloned());
                }
            }
            let pages: Vec<&Page> = batch.iter().map(|f| &f.page).collect();
            if let Err(e) = lander.land(store, &pages, &state) {
                // The fetcher stops at its next page, its channel gone.
                drop(rx);
                let _ = fetcher.join();
                return Err(e);
            }
            for f in batch {
                progressed(&mut progress, &f);
                // Once the reader is through, the page is freed here.
                let _ = landed_tx.send(f.page);
            }
            if let Some(l) = line {
                l.landed(&progress);
            }
        }
        fetcher.join().expect("the CRM reader thread panicked");
        Ok(stopped)
    })?;
    if let Some(f) = stopped {
        return Err(f);
    }
    let landed = lander.pages;
    // When the sync that went through began: a run resumed after a kill is that run, and keeps
    // its moment (what changed in the CRM after it is the next sync's to read).
    state.synced_at =
        (state.run_begun_at.take()).or_else(|| Some(crate::store::cards::fmt_time(&opts.now)));
    // The run's last transaction: it went through (`run_begun_at` taken above).
    if since.is_none() {
        // Every deal was read, each value written as this okk writes it.
        state.values_version = Some(values);
    }
    let mut last = Page::default();
    if sweeping {
        // Every deal was read, by this run or by the runs of the sweep before it: those the
        // store holds and the CRM no longer lists are gone.
        if listing {
            let mut listed = store.crm_swept(&conn.name)?;
            listed.extend(all_ids);
            last.deleted = missing(store, conn, &listed)?;
        }
        // When the pass began: a sweep resumed after a kill began with the run that started it.
        state.full_at = resumed.clone().or_else(|| state.synced_at.clone());
        lander.report.full = true;
        lander.report.deletions_checked = true;
        lander.report.full_sweep_begun_at = resumed.as_deref().map(utc_iso);
    }
    lander.finishing = true;
    lander.land(store, &[&last], &state)?;
    lander.report.notes_updated = lander.renoted.values().filter(|h| h.0 != h.1).count() as u64;
    if !opts.dry_run {
        store.build_deferred()?;
    }
    // The pages were judged as they landed; the summaries are filled once, for them all.
    if lander.report.judged && (landed > 0 || opts.full) && !opts.dry_run {
        store.fill_summaries()?;
    }
    let dry_held = std::mem::take(&mut lander.dry_held);
    let mut report = lander.report;
    // The stages the funnel does not know by the cards the store holds in them: the deals
    // read now are only those that changed. A dry run's, as it would leave the store.
    let held = match dry_held.held() {
        Some(held) => held,
        None => store.source_stages(&conn.name, &|s: &str| funnel.resolve(s).is_none())?,
    };
    // A rename is told by the stages' ids once the connection has synced (`renamed_stages`):
    // cards that left a stage for an unknown name are moves then, however many left it. Only a
    // first sync, over cards the store holds from the account's exports, has the names alone.
    if before.is_empty() {
        let at_new = |stage: &str| {
            let read = (report.unknown_stages.iter())
                .find(|u| u.stage == stage)
                .map_or(0, |u| u.read);
            // A name that held cards before this run is not a stage the CRM just renamed.
            let held = held.iter().find(|(s, _)| s == stage).map_or(0, |h| h.1);
            read.max(held)
        };
        report.probable_renames = lander.renames.probable(at_new);
        for r in &mut report.probable_renames {
            r.reviewed = store.reviewed_cards(&r.ids)?;
        }
    }
    let read = std::mem::take(&mut report.unknown_stages);
    report.unknown_stages = unknown_stages(|s| funnel.resolve(s).is_some(), read, held);
    report.since = since.map(iso);
    report.until = state.cursor.map(iso);
    // A dry run records no pass: the last full pass is still the one the store holds.
    let full_at = if opts.dry_run {
        &saved.full_at
    } else {
        &state.full_at
    };
    report.full_sweep_at = full_at.as_deref().map(utc_iso);
    Ok(report)
}

/// A time the store keeps on this machine's clock (when a sweep ran) as the report gives the
/// cursors: ISO 8601 UTC.
fn utc_iso(local: &str) -> String {
    use chrono::TimeZone;
    NaiveDateTime::parse_from_str(local, crate::store::cards::TIME_FORMAT)
        .ok()
        .and_then(|t| chrono::Local.from_local_datetime(&t).earliest())
        .map(|t| t.naive_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| local.to_string())
}

/// A page as the fetching thread hands it over, with what the client had done by then.
struct Fetched {
    page: Page,
    warnings: Vec<String>,
    requests: u64,
    retries: u64,
}

/// The progress line's figures after a landed page: what it was read for, and how much of
/// that has been read (the client's pacing waits are not counted: they are every request's).
fn progressed(p: &mut SyncProgress, f: &Fetched) {
    let page = &f.page;
    p.reading = page.reading;
    p.pages += 1;
    p.deals += page.rows.len() as u64;
    p.notes += page.notes.len() as u64;
    p.moves += (page.moves.len() + page.deleted.len()) as u64;
    p.requests = f.requests;
    p.retries = f.retries;
}

/// The fetching thread: pages in order until the reader is through, the channel is gone (the
/// writer stopped) or a request failed (sent last).
fn fetch(
    mut reader: Box<dyn Reader + Send>,
    client: &mut Client,
    tx: mpsc::SyncSender<Result<Fetched, Failure>>,
    landed: mpsc::Receiver<Page>,
) {
    loop {
        for page in landed.try_iter() {
            reader.recycle(page);
        }
        let sent = match reader.next(client) {
            Ok(Step::Done) => break,
            Ok(Step::Page(page)) => tx.send(Ok(Fetched {
                page,
                warnings: reader.warnings(),
                requests: client.requests,
                retries: client.retries,
            })),
            Err(f) => {
                let _ = tx.send(Err(f));
                break;
            }
        };
        if sent.is_err() {
            break;
        }
    }
}

/// The pages of the next transaction: the first to come, then those that come while it is
/// young and small. `None` once the reader is through or has failed (`stopped` says why).
fn next_batch(
    rx: &mpsc::Receiver<Result<Fetched, Failure>>,
    stopped: &mut Option<Failure>,
) -> Option<Vec<Fetched>> {
    if stopped.is_some() {
        return None;
    }
    let first = match rx.recv() {
        Ok(Ok(f)) => f,
        Ok(Err(f)) => {
            *stopped = Some(f);
            return None;
        }
        Err(_) => return None,
    };
    let began = Instant::now();
    let mut rows = first.page.rows.len();
    let mut batch = vec![first];
    while rows < TX_DEALS {
        let Some(left) = TX_OPEN.checked_sub(began.elapsed()) else {
            break;
        };
        match rx.recv_timeout(left) {
            Ok(Ok(f)) => {
                rows += f.page.rows.len();
                batch.push(f);
            }
            // The pages before a failure land; the failure is said after them.
            Ok(Err(f)) => {
                *stopped = Some(f);
                break;
            }
            Err(_) => break,
        }
    }
    Some(batch)
}

fn open_reader(
    conn: &Connection,
    opts: &SyncOptions,
    client: &mut Client,
    saved: &SyncState,
    last: &[crate::domain::crm_stage::CrmStage],
    from: Option<i64>,
) -> Result<Box<dyn Reader + Send>, Failure> {
    Ok(match conn.kind {
        Kind::AmoCrm | Kind::Kommo => Box::new(AmoReader::open(
            client,
            &conn.pipelines,
            last,
            from,
            saved.events_cursor.map(|c| c - OVERLAP),
            saved
                .notes_cursor
                .filter(|_| !opts.full)
                .map(|c| c - OVERLAP),
        )?),
        Kind::Bitrix24 => Box::new(super::bitrix24::BitrixReader::open(
            client,
            &conn.pipelines,
            last,
            from,
            saved.resume.as_deref(),
            opts.full,
            saved.events_cursor,
        )?),
    })
}

/// How the connection's reader writes values today (its `VALUES_VERSION`).
pub fn values_version(kind: Kind) -> i64 {
    match kind {
        Kind::AmoCrm | Kind::Kommo => super::amocrm::VALUES_VERSION,
        Kind::Bitrix24 => super::bitrix24::VALUES_VERSION,
    }
}

/// The cursors a landed page moves the sync to.
fn advance(state: &mut SyncState, page: &Page) {
    if let Some(c) = page.cursor {
        state.cursor = state.cursor.max(Some(c));
    }
    if page.events_cursor.is_some() {
        state.events_cursor = state.events_cursor.max(page.events_cursor);
    }
    if page.notes_cursor.is_some() {
        state.notes_cursor = state.notes_cursor.max(page.notes_cursor);
    }
    state.resume = page.resume.clone();
}

/// What a run under way keeps in `SyncState::resume` where its reader keeps no position
/// there (amoCRM's cursors move page by page): its first batch. amoCRM's events land in parts,
/// newest first, their cursor moving only with the last (`Page::older_moves`): a run killed
/// between two parts leaves the visits the newer parts gave, and the next run reads those
/// events again. Planned against those visits as older than the run, the older parts' visits,
/// which go before them, were lost; taken as the run's own (`RunRows`), they are planned again
/// with the older parts, as the killed run would have planned them. Written by every group of
/// the run, dropped by its last; a `--full` after a killed run keeps it too (it reads the
/// events from the same cursor).
#[derive(serde::Serialize, serde::Deserialize)]
struct RunMark {
    run_batch: i64,
}

impl RunMark {
    /// Whether a run of this kind keeps its mark in `resume` (Bitrix24's reader keeps its
    /// position there; its stage history is read oldest first, in no parts).
    fn kept(kind: Kind) -> bool {
        matches!(kind, Kind::AmoCrm | Kind::Kommo)
    }

    fn text(run_batch: i64) -> String {
        serde_json::to_string(&RunMark { run_batch }).expect("a number serialises")
    }

    /// The first batch of the run under way a saved state holds.
    fn batch_of(kind: Kind, saved: &SyncState) -> Option<i64> {
        let text = saved.resume.as_deref().filter(|_| RunMark::kept(kind))?;
        Some(serde_json::from_str::<RunMark>(text).ok()?.run_batch)
    }
}

/// After a full sweep: the live deals of the connection's pipelines the CRM no longer lists.
fn missing(
    store: &dyn SyncStore,
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

/// The progress line on a terminal: the connection's name, then what it asks for before the
/// first page or what it has read since, and the retries, told by the writing thread as pages
/// land and by the reading one as retries begin.
struct Line {
    bar: indicatif::ProgressBar,
    name: String,
    /// The figures of the pages landed (`None`: none yet, the CRM's metadata is being asked
    /// for) and the retries the client has begun.
    shown: std::sync::Mutex<(Option<SyncProgress>, u64)>,
}

impl Line {
    fn new(bar: indicatif::ProgressBar, name: &str) -> Line {
        let line = Line {
            bar,
            name: name.to_string(),
            shown: std::sync::Mutex::new((None, 0)),
        };
        line.show(&(None, 0));
        line
    }

    fn landed(&self, p: &SyncProgress) {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        // A retry begun after the page was read is already counted.
        shown.1 = shown.1.max(p.retries);
        shown.0 = Some(*p);
        self.show(&shown);
    }

    fn retried(&self, retries: u64) {
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        shown.1 = shown.1.max(retries);
        self.show(&shown);
    }

    fn show(&self, (read, retries): &(Option<SyncProgress>, u64)) {
        self.bar
            .set_message(msg::progress_line(&self.name, read.as_ref(), *retries));
    }
}

fn progress(wanted: bool) -> Option<indicatif::ProgressBar> {
    if !wanted || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_style(
        // `wide_msg`: cut to the terminal's width, a long connection name's line is never
        // wrapped (a wrapped spinner line is drawn again below itself at each tick).
        indicatif::ProgressStyle::with_template("{spinner} {wide_msg} {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    // The figures change as each group lands (up to a second apart); the spinner says the
    // sync is alive meanwhile.
    bar.enable_steady_tick(Duration::from_millis(120));
    Some(bar)
}

/// The card `id` as the store holds it, to settle a deal whose digest changed
/// ([`settle_renamed`]). `names`: the custom fields' names of the group's transaction, read at its
/// first card that asks.
fn stored_card(
    import: &mut dyn SyncTx<'_>,
    names: &mut Option<FieldNames>,
    id: i64,
) -> Result<Option<crate::domain::Card>, Failure> {
    let names = match names {
        Some(n) => n,
        None => names.insert(import.field_names()?),
    };
    Ok(import.stored_card(id, names)?)
}

/// A deal of a page, with the store's keys of the custom fields its row may carry.
#[derive(Clone, Copy)]
struct Deal<'r> {
    row: &'r [String],
    id: &'r str,
    keys: &'r FieldKeys,
}

/// Lands pages in the store: the file import's mapper and digest, the store's sync writer.
struct Lander<'a> {
    conn: &'a Connection,
    /// A dry run's stages the funnel does not know, as the run would leave the store.
    dry_held: DryHeld,
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
    /// The deals the store holds notes for (only theirs are looked up as they land).
    note_deals: FxSet<String>,
    /// The notes this run saved of deals the store held none of before (`note_deals` does not
    /// name them), as the store holds them: (note id, time, text). The card takes them from
    /// here instead of reading them back (a first sync saved every note and read it back).
    run_notes: FxMap<String, Vec<(String, i64, String)>>,
    /// The texts' bytes in `run_notes`.
    run_notes_bytes: usize,
    /// The connection had no cards when this run's first transaction began: every deal is new
    /// (one read twice, changed while the sync read, is found by its insert), so none is looked
    /// up first. `None` until that transaction.
    fresh: Option<bool>,
    /// A group of this run before the one landing landed rows of deals (until then a fresh
    /// run's source has no card for notes to go to but those of the group's own rows).
    rows_landed: bool,
    /// The reader's rows carry notes of their own (Bitrix24's «Комментарий»): a card's notes
    /// are the row's, then the CRM's notes, and those come with their deals' rows.
    rows_carry_notes: bool,
    /// The fields this sync carries, as an import records its file's columns: okk's fields
    /// its rows (and notes) fill, and the custom columns (the CRM's field metadata).
    columns: (Vec<&'static str>, Vec<String>),
    /// The columns the source's imports and syncs carried before this run, read by its first
    /// transaction (`None` until then).
    before: Option<SourceColumns>,
    /// This run's fields beside those (set with `before`): a field new to the source is no
    /// change of a card, one this run does not carry keeps its value ([`settle`]).
    read: ReadColumns,
    /// The custom fields the source's imports carried that this run does not, as the cards
    /// name them: their values are kept, written with their ids.
    kept: Vec<crate::domain::FieldName>,
    /// The required fields neither those nor this sync carry: said once, not flagged.
    absent: Vec<FieldRef>,
    /// The deals whose cards the store held took a value in a field new to the source.
    gained: FxSet<String>,
    /// The stage moves of the deals read, for the stages the CRM probably renamed.
    renames: RenameWatch,
    /// The stages and pipelines the CRM renamed since the connection's last sync (by ids).
    crm_renames: Vec<crm_stage::CrmRename>,
    crm_pipeline_renames: Vec<crm_stage::PipelineRename>,
    /// This run's columns are not all recorded yet. A source whose columns were known gets
    /// the new ones with the run's last transaction, so that a run stopped half-way and
    /// resumed still tells the fields it brings from the fields the cards had
    /// ([`settle`]); an unknown source's are recorded by the first.
    columns_pending: bool,
    /// The run's last transaction is landing (`run` sets it).
    finishing: bool,
    /// Deals whose cards took new notes in an earlier group of this run, their rows not landed
    /// yet, with the card's digest before the run's first new notes and now: each is counted
    /// once, by its row, or else as a card changed by its notes alone (unless it came back to
    /// what it was: a deal's notes parted between two groups of pages).
    renoted: FxMap<String, (i64, i64)>,
    /// The custom fields' names, for reading a stored card, in this group's transaction.
    names: Option<FieldNames>,
    /// This run sweeps (`--full`, a first sync, or finishing a sweep an earlier run began):
    /// the run's last transaction ends the sweep.
    sweeping: bool,
    /// The sweep finds the source's cards the CRM no longer lists (the source held cards
    /// before it began): each group records the deals it listed.
    listing: bool,
    /// A `--full` run's sweep begins with its first transaction, at this time.
    sweep_begins: Option<String>,
    /// The CRM's pipelines and stages as the reader read them, until the run's first
    /// transaction writes them (`okk funnel init --from-store` lists stages in their order).
    stages: Option<Vec<crate::domain::crm_stage::CrmStage>>,
    /// The run's first deals were looked for among the cards of file imports ([`Self::twins`]).
    twins_checked: bool,
    /// Deals whose cards this run moved and whose path the CRM's entries have not given yet:
    /// a move's visit waits for them (the CRM records every stage a deal passed through
    /// between two syncs), and the run's last transaction dates the rest by its own clock.
    unpathed: FxSet<String>,
    /// The run's first batch, or the first of the run it resumes ([`RunMark`]): the history
    /// rows of its batches are its own (`RunRows`).
    run_batch: Option<i64>,
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
        let mapper_has_notes = mapper.column_index(SystemField::Notes).is_some();
        let mut okk = mapper.system_field_names();
        // amoCRM's notes come from their own API, not from a column.
        if !okk.contains(&SystemField::Notes.name()) {
            okk.push(SystemField::Notes.name());
        }
        let custom = mapper
            .custom_fields()
            .iter()
            .map(|f| f.to_string())
            .collect();
        Ok(Lander {
            dry_held: DryHeld::default(),
            conn,
            funnel,
            opts,
            mapper,
            seed,
            profile: profile_name.to_string(),
            stage_col,
            stage_known: KnownStages::default(),
            renames: RenameWatch::default(),
            crm_renames: Vec::new(),
            crm_pipeline_renames: Vec::new(),
            report: SyncReport {
                connection: conn.name.clone(),
                kind: conn.kind.name(),
                url: conn.shown_url(),
                rows: 0,
                notes: 0,
                inserted: 0,
                updated: 0,
                unchanged: 0,
                gone: 0,
                deletions_checked: conn.kind.lists_deletions() || opts.full,
                stage_changes: 0,
                unknown_stages: Vec::new(),
                probable_renames: Vec::new(),
                renamed_stages: Vec::new(),
                stage_renames: 0,
                renamed_pipelines: Vec::new(),
                funnel_names_old_pipeline: Vec::new(),
                warnings: 0,
                warning_samples: Vec::new(),
                requests: 0,
                retries: 0,
                since: None,
                until: None,
                full: opts.full,
                full_sweep_at: None,
                dry_run: opts.dry_run,
                full_sweep_begun_at: None,
                resumed_run_begun_at: None,
                resumed_landed: None,
                reread: None,
                notes_updated: 0,
                absent_fields: Vec::new(),
                new_columns: Vec::new(),
                new_column_cards: 0,
                missing_columns: Vec::new(),
                judged: true,
                columns_changed: false,
            },
            pages: 0,
            digest: Vec::with_capacity(4096),
            note_deals: FxSet::default(),
            run_notes: FxMap::default(),
            run_notes_bytes: 0,
            fresh: None,
            rows_landed: false,
            rows_carry_notes: mapper_has_notes,
            columns: (okk, custom),
            before: None,
            read: ReadColumns::default(),
            kept: Vec::new(),
            absent: Vec::new(),
            gained: FxSet::default(),
            columns_pending: false,
            finishing: false,
            renoted: FxMap::default(),
            names: None,
            sweeping: false,
            listing: false,
            sweep_begins: None,
            stages: None,
            twins_checked: false,
            unpathed: FxSet::default(),
            run_batch: None,
        })
    }

    /// A desk that imported the account's exports and now syncs it under another name would
    /// get every deal twice, its reviews left on the old cards: the first deals a connection
    /// with no cards lands are looked for among the cards file imports brought, by CRM id and
    /// title, and when most are there the run stops before writing them (`--new-source`: the
    /// user says it is another account).
    fn twins(&mut self, store: &dyn SyncStore, pages: &[&Page]) -> Result<(), Failure> {
        if self.twins_checked {
            return Ok(());
        }
        let title = self.mapper.column_index(SystemField::Title);
        let deals: Vec<(&str, &str)> = pages
            .iter()
            .flat_map(|p| p.rows.iter().zip(&p.ids))
            .map(|(row, id)| {
                let title = title.and_then(|t| row.get(t)).map_or("", String::as_str);
                (id.as_str(), title)
            })
            .take(TWIN_SAMPLE)
            .collect();
        if deals.is_empty() {
            return Ok(());
        }
        self.twins_checked = true;
        if self.opts.new_source {
            return Ok(());
        }
        if let Some((source, matched)) = store.file_twin(&self.conn.name, &deals)?
            && twins_are_most(matched, deals.len())
        {
            return Err(Failure::TwinSource {
                source,
                matched,
                read: deals.len() as u64,
            });
        }
        Ok(())
    }

    /// The state a group saves: a run under way keeps its first batch with it ([`RunMark`]).
    fn to_save(&self, state: &SyncState) -> SyncState {
        let mut state = state.clone();
        if RunMark::kept(self.conn.kind) {
            let under_way = self.run_batch.filter(|_| state.run_begun_at.is_some());
            state.resume = under_way.map(RunMark::text);
        }
        state
    }

    fn warn(&mut self, w: String) {
        self.report.warnings += 1;
        if self.report.warning_samples.len() < WARNING_SAMPLES {
            self.report.warning_samples.push(w);
        }
    }

    /// The CRM's stages, to be written with this transaction. A run that found a stage renamed
    /// keeps them for its last: killed before it, the next run finds the rename again and
    /// reads the deals it did not reach (their cursor is no guide: they did not change).
    fn stages_to_save(&mut self) -> Option<Vec<crate::domain::crm_stage::CrmStage>> {
        if (self.crm_renames.is_empty() && self.crm_pipeline_renames.is_empty()) || self.finishing {
            self.stages.take()
        } else {
            None
        }
    }

    /// Pages in one transaction: their cards, their deletions, the cursor after the last.
    fn land(
        &mut self,
        store: &mut dyn SyncStore,
        pages: &[&Page],
        state: &SyncState,
    ) -> Result<(), Failure> {
        self.pages += pages.len() as u64;
        self.report.notes += pages.iter().map(|p| p.notes.len() as u64).sum::<u64>();
        let empty = |p: &&Page| {
            p.rows.is_empty()
                && p.deleted.is_empty()
                && p.moves.is_empty()
                && p.notes.is_empty()
                && p.notes_of.is_empty()
        };
        let ends_something =
            self.finishing && (self.columns_pending || self.sweeping || !self.unpathed.is_empty());
        if pages.iter().all(empty) && !ends_something && self.sweep_begins.is_none() {
            if !self.opts.dry_run {
                let stages = self.stages_to_save();
                let state = self.to_save(state);
                store.save_crm_state(&self.conn.name, &state, stages.as_deref())?;
            }
            return Ok(());
        }
        if let Err(refused) = self.twins(&*store, pages) {
            // Refused before its first card: the groups before it (the notes, read first)
            // leave nothing behind either.
            if matches!(refused, Failure::TwinSource { .. }) && !self.opts.dry_run {
                store.forget_refused_first_sync(&self.conn.name)?;
            }
            return Err(refused);
        }
        if self.opts.dry_run && self.dry_held.wants_before() {
            let funnel = self.funnel;
            let unknown = |s: &str| funnel.resolve(s).is_none();
            self.dry_held
                .before(store.source_stages(&self.conn.name, &unknown)?);
        }
        let label = format!("{}:{}", self.conn.kind.name(), self.conn.name);
        // The run's first group asks the store (where it can tell before the group begins), so
        // that a first sync lands every group as a bulk load, its first too.
        let fresh_run = match self.fresh {
            Some(fresh) => fresh,
            None => store.source_is_empty(&self.conn.name)?.unwrap_or(false),
        };
        let meta = BatchMeta {
            file: &label,
            profile: &self.profile,
            source: &self.conn.name,
            encoding: crate::store::cards::SYNC_ENCODING,
            partial: true,
            now: self.opts.now,
            bulk: false,
            fresh_run,
        };
        let rules = self.rules_for(store)?;
        let mut import = store.begin_sync(&meta)?;
        self.run_batch.get_or_insert(import.batch());
        if self.fresh.is_none() {
            self.fresh = Some(import.fresh());
        }
        self.names = None;
        self.columns(&mut *import)?;
        let mut custom = self.mapper.custom_fields();
        custom.extend(self.kept.iter().cloned());
        let keys = import.field_keys(&custom)?;
        // New deals are judged as they come (they are in memory); changed ones at the
        // commit, with the stage history the store holds. Fields the source never carried
        // before change the flags of its cards this run may not write: then the rules run over
        // the store after it (a server's judge what it writes all the same, and its rules run
        // follows: `app::sync`).
        let stale = self.report.columns_changed && import.rules_run_after();
        let mut judge_new = None;
        match rules.filter(|_| !stale) {
            Some((ran_for, today)) => {
                let funnel = self.funnel;
                let absent = self.absent.clone();
                judge_new = Some(Judge::new(funnel, today, self.opts.now, absent.clone()));
                let asked = import.asked_moves()?;
                import.judge_in_pass(
                    &ran_for,
                    Box::new(move |card, ctx| {
                        let asked = asked.get(&card.source, &card.external_id);
                        evaluate_with(card, ctx, funnel, today, &absent, asked)
                    }),
                    false,
                )?;
            }
            None => self.report.judged = false,
        }
        let mut counts = BatchCounts::default();
        let mut warnings = Vec::new();
        let mut gone = 0;
        // Cards renoted by this group whose rows it does not bring.
        let mut renoted = Vec::new();
        // The notes first: a deal of these pages lands with them.
        let mut touched: FxSet<&str> = FxSet::default();
        for page in pages {
            if page.notes.is_empty() && page.notes_of.is_empty() {
                continue;
            }
            // The deals whose notes the page holds whole lose those the store holds no longer:
            // only deals with notes stored (before this run, or by its earlier groups) can
            // have any (a first sync of Bitrix24 cleared 100,000 deals of nothing).
            let stored: Vec<String> = page
                .notes_of
                .iter()
                .filter(|d| {
                    self.note_deals.contains(d.as_str()) || self.run_notes.contains_key(d.as_str())
                })
                .cloned()
                .collect();
            import.save_notes(&self.conn.name, &page.notes, &stored)?;
            touched.extend(page.notes_of.iter().map(String::as_str));
            self.keep_notes(page);
            for n in &page.notes {
                touched.insert(&n.deal);
            }
        }
        // The stored notes of these pages' deals, asked for next (a server reads them at once).
        let with_notes: Vec<&str> = pages
            .iter()
            .flat_map(|p| &p.ids)
            .filter(|id| self.note_deals.contains(id.as_str()))
            .map(String::as_str)
            .collect();
        if !with_notes.is_empty() {
            import.prefetch_notes(&self.conn.name, &with_notes)?;
        }
        if self.read.known() && self.fresh != Some(true) {
            // The cards the deals are compared with, read at once (a server's round trip per
            // deal cost more than its row).
            let deals: Vec<(&str, Option<i64>)> = pages
                .iter()
                .flat_map(|p| &p.ids)
                .map(|id| (id.as_str(), None))
                .collect();
            import.prefetch_cards(&deals)?;
        }
        for page in pages {
            for (row, id) in page.rows.iter().zip(&page.ids) {
                if !touched.is_empty() {
                    touched.remove(id.as_str());
                }
                let deal = Deal {
                    row,
                    id,
                    keys: &keys,
                };
                let outcome =
                    self.land_deal(&mut *import, deal, judge_new.as_ref(), &mut warnings)?;
                // Its card took new notes in an earlier group of this run: it changed.
                let renoted = !self.renoted.is_empty()
                    && self.renoted.remove(id.as_str()).is_some_and(|h| h.0 != h.1);
                counts.rows += 1;
                match outcome {
                    Outcome::Inserted => counts.inserted += 1,
                    Outcome::Updated {
                        stage_changed,
                        stage_renamed,
                    } => {
                        counts.updated += 1;
                        self.report.stage_changes += stage_changed as u64;
                        // At a renamed stage and changed otherwise too: still no move.
                        self.report.stage_renames += stage_renamed as u64;
                        if stage_changed {
                            self.unpathed.insert(id.clone());
                        }
                    }
                    // The CRM renamed the deal's stage (the funnel has both names, or the
                    // CRM said so).
                    Outcome::StageRenamed => {
                        counts.updated += 1;
                        self.report.stage_renames += 1;
                    }
                    Outcome::Unchanged | Outcome::SameCard if renoted => counts.updated += 1,
                    // Only fields its source never carried are new, or fields this sync does
                    // not carry kept: the card its reviews saw.
                    Outcome::Unchanged | Outcome::SameCard => counts.unchanged += 1,
                    // Read twice in these pages: one deal, counted once.
                    Outcome::Duplicate => counts.rows -= 1,
                }
            }
            for id in &page.deleted {
                gone += import.mark_deleted(&self.conn.name, id)? as u64;
            }
        }
        self.paths(&mut *import, pages)?;
        // Notes on deals these pages did not bring: their cards take them as they are. (A
        // reader whose rows carry notes sends its notes with their deals' rows.)
        // Counted once its row lands (or at the run's end as changed by its notes alone).
        if !self.rows_carry_notes {
            for deal in touched {
                if let Some(hashes) = self.renote(&mut *import, deal)? {
                    renoted.push((deal.to_string(), hashes));
                }
            }
        }
        let unknown_before = self.before.as_ref().is_some_and(SourceColumns::is_empty);
        let record = self.columns_pending && (self.finishing || unknown_before);
        if record {
            let (okk, custom) = &self.columns;
            let custom: Vec<&str> = custom.iter().map(String::as_str).collect();
            import.record_columns(okk, &custom)?;
        }
        if self.sweeping {
            let name = &self.conn.name;
            if let Some(at) = self.sweep_begins.take() {
                import.begin_sweep(name, &at)?;
            }
            if self.listing {
                let listed: Vec<&str> = pages
                    .iter()
                    .flat_map(|p| &p.ids)
                    .map(String::as_str)
                    .collect();
                import.swept(name, &listed)?;
            }
            if self.finishing {
                import.end_sweep(name)?;
            }
        }
        if let Some(stages) = self.stages_to_save() {
            import.save_crm_stages(&self.conn.name, &stages)?;
        }
        import.save_crm_state(&self.conn.name, &self.to_save(state))?;
        let counts = if self.opts.dry_run {
            // Read in the group's transaction before it rolls back: the stages as it leaves
            // them (as a dry import's, `ImportTx::finish_dry`).
            let funnel = self.funnel;
            let unknown = |s: &str| funnel.resolve(s).is_none();
            let (counts, held) = import.finish_dry(counts, &[], &self.conn.name, &unknown)?;
            self.dry_held.group(held);
            counts
        } else {
            import.finish(counts, &[], true)?
        };
        if record && !self.opts.dry_run {
            self.columns_pending = false;
        }
        for (deal, (was, now)) in renoted {
            self.renoted.entry(deal).or_insert((was, now)).1 = now;
        }
        for w in warnings {
            let text = msg::deal_warning(w.line, &w.column, &w.message);
            self.warn(text);
        }
        self.report.rows += counts.rows;
        self.report.inserted += counts.inserted;
        self.report.updated += counts.updated;
        self.report.unchanged += counts.unchanged;
        self.report.gone += gone;
        self.rows_landed |= pages.iter().any(|p| !p.rows.is_empty());
        Ok(())
    }

    /// The CRM's record of the moves in these pages, a deal's together (after every row of
    /// the pages landed: a deal's move may come on a page before its row): each card's path
    /// takes the visits the record gives. The run's last transaction dates the visit of each
    /// card it moved and no record gave a path for by its own clock.
    ///
    /// amoCRM's events land in parts newest first (`Page::older_moves`): the visits a part
    /// gives are planned again with the older parts' entries, which go before them.
    fn paths(&mut self, import: &mut dyn SyncTx<'_>, pages: &[&Page]) -> Result<(), Failure> {
        // The group's last part of the record says whether older entries are still to come.
        let complete = !(pages.iter().rev())
            .find(|p| p.reading == Reading::Moves)
            .is_some_and(|p| p.older_moves);
        let run = RunRows {
            from_batch: self.run_batch.unwrap_or_else(|| import.batch()),
        };
        let mut by_deal: FxMap<&str, Vec<Entry>> = FxMap::default();
        for m in pages.iter().flat_map(|p| &p.moves) {
            by_deal.entry(m.deal.as_str()).or_default().push(Entry {
                stage: m.stage.clone(),
                pipeline: m.pipeline.clone(),
                at: m.at,
            });
        }
        // In the deals' order, so that a run writes the same batches whatever the map's.
        let mut deals: Vec<(&str, Vec<Entry>)> = by_deal.into_iter().collect();
        deals.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (deal, entries) in deals {
            let (_, appended) =
                import.stage_path(&self.conn.name, deal, &entries, false, run, complete)?;
            if appended {
                self.unpathed.remove(deal);
            }
        }
        if self.finishing {
            let mut rest: Vec<String> = std::mem::take(&mut self.unpathed).into_iter().collect();
            rest.sort_unstable();
            for deal in rest {
                import.stage_path(&self.conn.name, &deal, &[], true, run, true)?;
            }
        }
        Ok(())
    }

    /// At the run's first transaction: the columns the source carried before, and so the
    /// required fields neither they nor this sync carry (as an import records its file's
    /// columns: a field the CRM does not have is said once, not flagged on every card).
    fn columns(&mut self, import: &mut dyn SyncTx<'_>) -> Result<(), Failure> {
        if self.before.is_some() {
            return Ok(());
        }
        let before = import.source_columns()?;
        let (okk, custom) = &self.columns;
        let custom: Vec<&str> = custom.iter().map(String::as_str).collect();
        let carried = before.with(okk, &custom);
        // A source with no columns recorded has no absent fields (`AbsentFields`).
        let absent_before = if before.is_empty() {
            Vec::new()
        } else {
            absent_required(self.funnel, &before)
        };
        self.absent = absent_required(self.funnel, &carried);
        self.report.absent_fields = self.absent.iter().map(|f| f.label().to_string()).collect();
        self.report.columns_changed = self.absent != absent_before && self.fresh != Some(true);
        self.columns_pending = carried != before;
        let now = SourceColumns::new(
            okk.iter().map(|f| f.to_string()),
            custom.iter().map(|h| h.to_string()),
        );
        self.read = ReadColumns::new(before.clone(), now, &self.mapper);
        let missing = self.read.missing_custom();
        if !missing.is_empty() && self.fresh != Some(true) {
            let names = import.field_names()?;
            self.kept = names
                .names()
                .filter(|n| missing.contains(&crate::domain::names::fold(n).as_str()))
                .cloned()
                .collect();
        }
        self.report.new_columns = self.read.new_columns(&self.mapper);
        self.report.missing_columns = self.read.missing_columns(&self.kept);
        self.before = Some(before);
        Ok(())
    }

    /// One deal: unchanged (same digest), or mapped and written (a new one judged as it
    /// comes when the rules run in the pass).
    fn land_deal(
        &mut self,
        import: &mut dyn SyncTx<'_>,
        deal: Deal<'_>,
        judge_new: Option<&Judge<'_>>,
        warnings: &mut Vec<Warning>,
    ) -> Result<Outcome, Failure> {
        let Deal { row, id, keys } = deal;
        let cells: Vec<&str> = row.iter().map(String::as_str).collect();
        self.digest.clear();
        self.seed.add_row(&mut self.digest, &cells);
        let notes = if self.note_deals.contains(id) {
            import.crm_notes(&self.conn.name, id)?
        } else if let Some(kept) = self.run_notes.remove(id) {
            // Read again (the deal comes twice), they are the store's to give.
            self.note_deals.insert(id.to_string());
            self.run_notes_bytes -= kept.iter().map(|n| n.2.len()).sum::<usize>();
            newest(
                kept.into_iter()
                    .map(|(n, at, text)| (at, n, text))
                    .collect(),
            )
        } else {
            Vec::new()
        };
        let notes_hash = notes_digest(&notes);
        let hash = self.seed.finish(&self.digest) ^ notes_hash;
        self.note_stage(cells[self.stage_col].trim());
        let line: u64 = id.parse().unwrap_or(0);
        let fresh = self.fresh == Some(true);
        let existing = if fresh { None } else { import.lookup(id)? };
        Ok(match existing {
            Some(e) if e.hash == hash && !e.gone => {
                self.renames.saw(self.funnel, &e.stage, &e.stage, e.id);
                import.unchanged(e.id)
            }
            existing => {
                let mut card = self
                    .mapper
                    .card(line, cells.iter().copied(), warnings)
                    .map_err(|e| Failure::body(&msg::deal(id), &e.message))?;
                // The CRM said it renamed the card's stage: no move, and no guess to make.
                let crm_renamed = existing.as_ref().is_some_and(|e| {
                    crm_stage::is_renamed(
                        &self.crm_renames,
                        card.pipeline.as_deref(),
                        &e.stage,
                        &card.stage,
                    )
                });
                if let Some(e) = existing.as_ref().filter(|e| !e.gone && !crm_renamed) {
                    self.renames.saw(self.funnel, &e.stage, &card.stage, e.id);
                }
                card.notes.extend(notes);
                let mut row = CardRow::new(card, hash, keys);
                // A stage the CRM only renamed: the digest with its old name is the stored one.
                let (seed, stage_col) = (&self.seed, self.stage_col);
                let change_from = |existing: Option<&Existing>, card: &crate::domain::Card| {
                    change_of(self.funnel, existing, card, crm_renamed, |old| {
                        let mut buf = Vec::new();
                        let renamed = (card.stage.as_str(), old);
                        seed.add_row_with_stage(&mut buf, &cells, stage_col, renamed);
                        seed.finish(&buf) ^ notes_hash
                    })
                };
                let mut gained = false;
                let outcome = match (&existing, judge_new) {
                    (None, Some(judge)) => {
                        let flags = judge.flags(&row.card);
                        import.insert_judged(&row, NewJudgement::new(&row, flags))?
                    }
                    _ => {
                        let mut change = change_from(existing.as_ref(), &row.card);
                        // The card the store holds, when this run's fields differ from the
                        // source's or the deal's cells changed where it stands: what this run
                        // does not carry is kept, and a card that says what it said is the
                        // one its reviews saw.
                        if let Some(e) = existing.as_ref()
                            && self.read.compares(e.gone, change)
                            && let Some(old) = stored_card(import, &mut self.names, e.id)?
                        {
                            let pipeline_was = (self.crm_pipeline_renames.iter())
                                .find(|r| row.card.pipeline.as_deref() == Some(r.to.as_str()))
                                .map(|r| r.from.as_str());
                            let settled = settle_renamed(
                                &old,
                                &mut row.card,
                                change,
                                e.gone,
                                &self.read,
                                pipeline_was,
                            );
                            if settled.gained {
                                gained = true;
                            }
                            if settled.kept {
                                let card = std::mem::take(&mut row.card);
                                row = CardRow::new(card, hash, keys);
                            }
                            change = settled.change;
                        }
                        // A move is dated by the CRM's own record of it (`stage_entered_at`,
                        // below), which takes the place of the sync's time: not by the deal's
                        // edit, which it would not.
                        import.upsert(existing.as_ref(), &row, change, None)?
                    }
                };
                if gained && outcome != Outcome::Duplicate {
                    // Once a deal, read twice in a run or not.
                    self.gained.insert(id.to_string());
                    self.report.new_column_cards = self.gained.len() as u64;
                }
                match outcome {
                    // Not looked up: the deal came earlier in this run (it changed while the
                    // sync read), and the later read is the newer.
                    Outcome::Duplicate if fresh => {
                        let existing = import.lookup(id)?;
                        let change = change_from(existing.as_ref(), &row.card);
                        import.upsert(existing.as_ref(), &row, change, None)?
                    }
                    outcome => outcome,
                }
            }
        })
    }

    /// Keeps a page's notes (just saved) as the store now holds them: in `run_notes` for a deal
    /// the store held none of before this run, else the store has them (`note_deals`). A
    /// dry run's groups roll back: its deals read the store, as its later groups do.
    fn keep_notes(&mut self, page: &Page) {
        for deal in &page.notes_of {
            // Its notes are the page's alone.
            if let Some(old) = self.run_notes.get_mut(deal.as_str()) {
                self.run_notes_bytes -= old.iter().map(|n| n.2.len()).sum::<usize>();
                old.clear();
            }
        }
        for n in &page.notes {
            if self.note_deals.contains(&n.deal) {
                continue;
            }
            let full = self.opts.dry_run || self.run_notes_bytes > RUN_NOTES_BYTES;
            let kept = match self.run_notes.get_mut(n.deal.as_str()) {
                Some(kept) if !full && kept.len() < RUN_NOTES_PER_DEAL => kept,
                None if !full => self.run_notes.entry(n.deal.clone()).or_default(),
                _ => {
                    if let Some(old) = self.run_notes.remove(n.deal.as_str()) {
                        self.run_notes_bytes -= old.iter().map(|n| n.2.len()).sum::<usize>();
                    }
                    self.note_deals.insert(n.deal.clone());
                    continue;
                }
            };
            self.run_notes_bytes += n.text.len();
            // A note read again replaces its text (as the store's row does).
            match kept.iter_mut().find(|k| k.0 == n.id) {
                Some(k) => {
                    self.run_notes_bytes -= k.2.len();
                    (k.1, k.2) = (n.at, n.text.clone());
                }
                None => kept.push((n.id.clone(), n.at, n.text.clone())),
            }
        }
    }

    /// A card whose notes changed while its deal did not: it takes the notes the store now
    /// holds for it (its content hash with them). Its digest before and after, when it changed;
    /// a deal the store has no card of keeps its notes until its card comes.
    fn renote(
        &self,
        import: &mut dyn SyncTx<'_>,
        deal: &str,
    ) -> Result<Option<(i64, i64)>, Failure> {
        // A source with no cards when the run began has only the cards the run landed: none
        // before the group of its first rows, and those of the group's rows are not renoted
        // (amoCRM's notes come first: a first sync asked for a card of every deal with notes).
        if self.fresh == Some(true) && !self.rows_landed {
            return Ok(None);
        }
        let Some((id, was, old)) = import.card_notes(&self.conn.name, deal)? else {
            return Ok(None);
        };
        let notes = import.crm_notes(&self.conn.name, deal)?;
        if notes == old {
            return Ok(None);
        }
        let hash = was ^ notes_digest(&old) ^ notes_digest(&notes);
        import.set_card_notes(id, &notes, hash)?;
        Ok(Some((was, hash)))
    }

    /// The rules' marker and day, when the page's cards can be judged as it lands: every
    /// other card's flags are current for the marker.
    fn rules_for(&self, store: &dyn SyncStore) -> Result<Option<(String, NaiveDateTime)>, Failure> {
        let Some(r) = self.opts.rules.as_ref().filter(|_| !self.opts.dry_run) else {
            return Ok(None);
        };
        if !store.flags_current_for(&r.ran_for)? {
            return Ok(None);
        }
        Ok(Some((r.ran_for.clone(), r.today)))
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
                Some(u) => u.read += 1,
                None => self.report.unknown_stages.push(UnknownStage {
                    stage: stage.to_string(),
                    cards: 0,
                    read: 1,
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::deal_note::DealNote;
    use crate::domain::sync_report::Reading;
    use crate::text::lang::{Lang, with};

    /// An amoCRM run under way keeps its first batch in `resume` for the run that resumes
    /// it; Bitrix24's `resume` is its reader's, never read as a mark.
    #[test]
    fn an_amocrm_run_under_way_keeps_its_first_batch_for_the_run_that_resumes_it() {
        let saved = SyncState {
            resume: Some(RunMark::text(42)),
            ..SyncState::default()
        };
        assert_eq!(RunMark::batch_of(Kind::AmoCrm, &saved), Some(42));
        assert_eq!(RunMark::batch_of(Kind::Kommo, &saved), Some(42));
        assert_eq!(RunMark::batch_of(Kind::Bitrix24, &saved), None);
        let position = SyncState {
            resume: Some(r#"{"from":null,"after_id":7,"newest":null}"#.into()),
            ..SyncState::default()
        };
        assert_eq!(RunMark::batch_of(Kind::AmoCrm, &position), None);
        assert_eq!(RunMark::batch_of(Kind::AmoCrm, &SyncState::default()), None);
    }

    /// A run begun in the second an earlier run of the connection began (or the one after it)
    /// takes the next free second: `okk db imports` tells runs apart by their moment. Another
    /// connection's runs, and a dry run (which writes no batch), do not move it.
    #[test]
    fn a_run_that_would_begin_in_the_second_an_earlier_one_began_takes_the_next_free_one() {
        use crate::store::Store;
        use crate::store::cards::BatchCounts;
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("okk.db")).unwrap();
        let at = |t: &str| NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f").unwrap();
        for began in ["2026-11-20 10:00:00.100", "2026-11-20 10:00:01.900"] {
            let meta = BatchMeta {
                file: "amocrm:main",
                profile: "amocrm",
                source: "main",
                encoding: crate::store::cards::SYNC_ENCODING,
                partial: true,
                now: at(began),
                bulk: false,
                fresh_run: false,
            };
            let group = SyncStore::begin_sync(&mut store, &meta).unwrap();
            group.finish(BatchCounts::default(), &[], true).unwrap();
        }
        let opts = |now: &str, dry_run: bool| SyncOptions {
            full: false,
            dry_run,
            now: at(now),
            progress: false,
            rules: None,
            stop: Arc::default(),
            new_source: false,
        };
        let moment = |source: &str, o: SyncOptions| own_moment(&store, source, &o).unwrap().now;
        let now = "2026-11-20 10:00:00.700";
        assert_eq!(moment("main", opts(now, false)), at("2026-11-20 10:00:02"));
        assert_eq!(moment("other", opts(now, false)), at(now));
        assert_eq!(moment("main", opts(now, true)), at(now));
        let later = "2026-11-20 10:00:02.500";
        assert_eq!(moment("main", opts(later, false)), at(later));
    }

    fn fetched(page: Page, requests: u64, retries: u64) -> Fetched {
        Fetched {
            page,
            warnings: Vec::new(),
            requests,
            retries,
        }
    }

    fn notes(n: usize) -> Page {
        Page {
            reading: Reading::Notes,
            notes: (0..n)
                .filter_map(|i| DealNote::new("1".into(), i.to_string(), 0, "Перезвонить"))
                .collect(),
            ..Page::default()
        }
    }

    /// The line as a first amoCRM sync draws it: notes first, then deals, then stage moves.
    #[test]
    fn the_progress_line_names_what_the_sync_reads_and_never_counts_waits() {
        let mut p = SyncProgress::default();
        progressed(&mut p, &fetched(notes(250), 4, 0));
        progressed(&mut p, &fetched(notes(120), 5, 0));
        let line = |p: &SyncProgress| {
            (
                with(Lang::En, || msg::progress_line("fake", Some(p), p.retries)),
                with(Lang::Ru, || msg::progress_line("fake", Some(p), p.retries)),
            )
        };
        let (en, ru) = line(&p);
        assert_eq!(en, "fake: notes: 370 read, 2 pages, 5 requests");
        assert_eq!(
            ru,
            "fake: примечаний прочитано: 370, страниц: 2, запросов: 5"
        );

        let deals = Page {
            rows: vec![Vec::new(); 250],
            ..Page::default()
        };
        progressed(&mut p, &fetched(deals, 6, 1));
        let (en, ru) = line(&p);
        assert_eq!(en, "fake: deals: 250 read, 3 pages, 6 requests, 1 retry");
        assert_eq!(
            ru,
            "fake: сделок прочитано: 250, страниц: 3, запросов: 6, повторов: 1"
        );

        let moves = Page {
            reading: Reading::Moves,
            deleted: vec!["7".into()],
            moves: Vec::new(),
            ..Page::default()
        };
        progressed(&mut p, &fetched(moves, 7, 1));
        let (en, _) = line(&p);
        assert!(
            en.starts_with("fake: stage moves and deletions: 1 read, 4 pages, 7 requests"),
            "{en}"
        );
        assert_eq!(
            with(Lang::En, || msg::progress_line(
                "fake",
                Some(&SyncProgress {
                    pages: 1,
                    requests: 1,
                    ..SyncProgress::default()
                }),
                0
            )),
            "fake: deals: 0 read, 1 page, 1 request"
        );
    }

    /// A CRM that does not answer is retried for a quarter of a minute: the line says so as
    /// each retry begins, before the first page as after it, and names the connection in every
    /// phase (several connections are synced in turn).
    #[test]
    fn the_progress_line_counts_retries_as_they_begin_and_names_the_connection() {
        let line = with(Lang::Ru, || {
            Line::new(indicatif::ProgressBar::hidden(), "down-b24")
        });
        let shown = || with(Lang::Ru, || line.bar.message());
        assert!(
            shown().starts_with("down-b24: запрос воронок"),
            "{}",
            shown()
        );
        assert!(!shown().contains("повтор"), "{}", shown());
        with(Lang::Ru, || line.retried(2));
        assert_eq!(
            shown(),
            "down-b24: запрос воронок, пользователей и полей у CRM, повторов: 2"
        );
        let p = SyncProgress {
            deals: 7720,
            pages: 32,
            requests: 35,
            ..SyncProgress::default()
        };
        with(Lang::Ru, || line.landed(&p));
        assert_eq!(
            shown(),
            "down-b24: сделок прочитано: 7\u{202f}720, страниц: 32, запросов: 35, повторов: 2"
        );
        // The page read, the CRM stops answering: the retries climb while no page comes.
        with(Lang::Ru, || line.retried(3));
        assert!(shown().contains("запросов: 35, повторов: 3"), "{}", shown());
    }
}
