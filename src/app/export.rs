//! `okk export reviews` and `okk export crm`: read the current reviews (from a store file or a
//! team server: `ReviewExportSource`), lay them out, write the file whole or not at all.

use std::process::ExitCode;

use color_eyre::Result;

use super::{Paths, user};
use crate::cli::{ExportCommand, ExportCrmArgs, ExportReviewsArgs, ExportTarget};
use crate::domain::Funnel;
use crate::domain::calibration::Membership;
use crate::domain::crm_stage::AccountStages;
use crate::domain::decision::Decision;
use crate::domain::final_word::{AwaitingLead, Current, FinalWord, final_word};
use crate::domain::names::fold;
use crate::domain::settled::SettledCards;
use crate::domain::suggestion::{CardNow, Proposal, suggest};
use crate::export::crm::{Change, Sheet};
use crate::export::file::{io, write_output};
use crate::export::owners::OwnerMap;
use crate::export::profile::{ExportProfile, Format};
use crate::export::table::{Layout, Table};
use crate::export::{ExportError, crm, rest, reviews};
use crate::store::export::{ExportedReview, ReviewQuery, ReviewRow};
use crate::store::export_source::ReviewExportSource;
use crate::text::export as msg;
use crate::text::lang::{Lang, with};

/// Reviews handed from the reading thread to the writing one at a time.
const EXPORT_BATCH: usize = 512;

pub fn run(paths: &Paths, command: ExportCommand) -> Result<ExitCode> {
    match command {
        ExportCommand::Reviews(args) => export_reviews(paths, args),
        ExportCommand::Crm(args) => export_crm(paths, args),
    }
}

fn export_reviews(paths: &Paths, args: ExportReviewsArgs) -> Result<ExitCode> {
    let links = crate::crm::links::of(&super::config::load(&paths.config)?.crm);
    match paths.server() {
        Some(url) => {
            let store = paths.open_server(url)?;
            let (funnel, _) = super::stored_funnel::load_and_note(paths, &store)?;
            write_reviews(&store, &funnel, &links, &args)
        }
        None => {
            let funnel = paths.load_funnel()?;
            write_reviews(&paths.open_existing_store()?, &funnel, &links, &args)
        }
    }
}

/// `okk export reviews` from `store`: one layout from a store file and from a team server.
fn write_reviews<S: ReviewExportSource + crate::domain::ports::FunnelHistory>(
    store: &S,
    funnel: &Funnel,
    links: &crate::crm::links::CrmLinks,
    args: &ExportReviewsArgs,
) -> Result<ExitCode> {
    let stage = match &args.stage {
        Some(name) => Some(StageFilter::new(store, funnel, name)?),
        None => None,
    };
    let since = args.since.map(|d| format!("{d} 00:00:00"));
    let auditor = args.auditor.as_deref().map(str::trim);
    let query = ReviewQuery {
        since: since.as_deref(),
        auditor,
        ..ReviewQuery::default()
    };
    let layout = csv_layout(&args.layout);
    let headers = args
        .headers
        .as_deref()
        .and_then(Lang::from_code)
        .unwrap_or_else(crate::text::lang::current);
    let target = &args.target.out;
    let out = target.path();
    let mut written = 0u64;
    // A card's verdict is one: the lead's settling decision gives it to every row of the card.
    let settled = store.settled_cards()?;
    // Nor does it stand twice: on a card its auditors split on, it waits for the lead.
    let awaiting = store.awaiting_lead()?;
    let calibrations = store.calibrations()?;
    let calibrations = Membership::new(&calibrations);
    let past = super::funnel_versions::past_funnels(store, funnel)?;
    let rows = ReviewRows {
        funnel,
        past: &past,
        stage: stage.as_ref(),
        settled: &settled,
        awaiting: &awaiting,
        calibrations: &calibrations,
        links,
        headers,
        out,
    };
    place(&args.target, |file| {
        let mut table = Table::new(file, layout).map_err(io(out))?;
        table
            .header(&with(headers, reviews::header))
            .map_err(io(out))?;
        // Two cores, two halves: this thread reads the reviews from the store (a connection
        // stays on its thread), another turns them into CSV and writes it.
        std::thread::scope(|scope| {
            let (send, receive) = std::sync::mpsc::sync_channel::<Vec<ReviewRow>>(4);
            let rows = &rows;
            let writer = scope.spawn(move || rows.write(table, receive));
            let read = read_in_batches(store, &query, send, out);
            let wrote = writer
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p));
            // A writer that failed stopped the reading: its error is the one to report.
            match (wrote, read) {
                (Err(e), _) | (Ok(_), Err(e)) => Err(e),
                (Ok(n), Ok(())) => {
                    written = n;
                    Ok(())
                }
            }
        })
    })?;
    super::say_beside(target, msg::wrote_reviews(written, out))?;
    // Russian headers in the CRMs' own layout: a Russian Excel opens it as one column of
    // mojibake. Said, not switched: scripts and the CRMs' importers read this layout.
    if headers == Lang::Ru
        && args.layout.delimiter == ","
        && !args.layout.bom
        && !target.is_stdout()
    {
        super::say_beside(target, msg::for_russian_excel())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// What the writing thread of `okk export reviews` needs to turn a review into a row.
struct ReviewRows<'a> {
    funnel: &'a Funnel,
    /// What the stage a review was made at was then, where the funnel has it no longer.
    past: &'a crate::domain::past_checklist::PastFunnels,
    stage: Option<&'a StageFilter>,
    settled: &'a SettledCards,
    awaiting: &'a AwaitingLead,
    /// Which calibration each review belongs to.
    calibrations: &'a Membership<'a>,
    links: &'a crate::crm::links::CrmLinks,
    headers: Lang,
    out: &'a std::path::Path,
}

impl ReviewRows<'_> {
    /// Writes the rows of the batches as they come, and finishes the file; returns how many
    /// rows it wrote.
    fn write<W: std::io::Write>(
        &self,
        mut table: Table<W>,
        batches: std::sync::mpsc::Receiver<Vec<ReviewRow>>,
    ) -> Result<u64, ExportError> {
        let out = self.out;
        // English headers are okk's machine names, for scripts: fields and items by their keys.
        let reader = match self.headers {
            Lang::En => reviews::Reader::Scripts,
            Lang::Ru => reviews::Reader::People,
        };
        // The cells people read (verdicts, decisions) in the headers' language.
        with(self.headers, || {
            let mut written = 0;
            for batch in batches {
                for r in batch {
                    let r = r.parse();
                    if self
                        .stage
                        .is_some_and(|s| !s.matches(self.funnel, &r.stage))
                    {
                        continue;
                    }
                    let url = self.links.url(&r.source, &r.external_id);
                    let card = (r.source.as_str(), r.external_id.as_str());
                    let calibration = self.calibrations.of(card, &r.auditor, &r.created_at);
                    let fingerprint = r.funnel_fingerprint.as_deref();
                    let at = reviews::StageAt {
                        funnel: self.funnel,
                        gone: (self.past).gone_stage(self.funnel, &r.stage, fingerprint),
                    };
                    table
                        .row(&reviews::row(
                            at,
                            &r,
                            self.settled.get(&r.source, &r.external_id),
                            self.awaiting.get(&r.source, &r.external_id),
                            url,
                            calibration,
                            reader,
                        ))
                        .map_err(io(out))?;
                    written += 1;
                }
            }
            table.finish().map_err(io(out))?;
            Ok(written)
        })
    }
}

/// Reads the reviews `query` asks for and sends them on in batches of [`EXPORT_BATCH`]; stops
/// when the writer has gone (it failed).
fn read_in_batches(
    store: &impl ReviewExportSource,
    query: &ReviewQuery,
    send: std::sync::mpsc::SyncSender<Vec<ReviewRow>>,
    out: &std::path::Path,
) -> Result<(), ExportError> {
    let mut batch = Vec::with_capacity(EXPORT_BATCH);
    store.for_each_review_row(query, |r| {
        batch.push(r);
        if batch.len() == EXPORT_BATCH {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(EXPORT_BATCH));
            if send.send(full).is_err() {
                return Err(io(out)(std::io::ErrorKind::BrokenPipe.into()));
            }
        }
        Ok::<(), ExportError>(())
    })?;
    let _ = send.send(batch);
    Ok(())
}

fn export_crm(paths: &Paths, args: ExportCrmArgs) -> Result<ExitCode> {
    let profile = ExportProfile::builtin(&args.profile).ok_or_else(|| {
        let names: Vec<&str> = ExportProfile::names().collect();
        user(msg::unknown_profile(&args.profile, &names))
    })?;
    // The configured connections: a card of one is synced, whatever the store holds of it.
    let configured: Vec<String> = (super::config::load(&paths.config)?.crm.into_iter())
        .map(|c| c.name)
        .collect();
    let target = (&profile, &args, configured);
    match paths.server() {
        Some(url) => {
            let store = paths.open_server(url)?;
            let (funnel, _) = super::stored_funnel::load_and_note(paths, &store)?;
            // No owners map beside a server: `--owners` names one.
            write_changes(&store, &funnel, None, target)
        }
        None => {
            let funnel = paths.load_funnel()?;
            let beside = default_owners_map(&paths.db, &profile.name);
            write_changes(&paths.open_existing_store()?, &funnel, beside, target)
        }
    }
}

/// `okk export crm` from `store`; `beside`: the owners map kept beside a store file;
/// `configured`: the config's CRM connections.
fn write_changes<S: ReviewExportSource>(
    store: &S,
    funnel: &Funnel,
    beside: Option<std::path::PathBuf>,
    (profile, args, configured): (&ExportProfile, &ExportCrmArgs, Vec<String>),
) -> Result<ExitCode> {
    let source = args.source.as_deref();
    // The CRM's name as the interface's language writes it (Битрикс24).
    let label = msg::crm_name(&profile.label);
    // Cards this CRM exported, when the store has some; else every card, in this CRM's columns
    // (a desk moving to another CRM, or trying the demo in its own CRM's format), said plainly.
    let only_profile = store.has_profile(&profile.name)?;
    if !only_profile {
        super::warn(msg::no_cards_from(&label));
    }
    let Changes {
        changes,
        changed_since,
        needs_lead,
        gone,
    } = changes(
        store,
        funnel,
        only_profile.then_some(profile.name.as_str()),
        source,
        args.approved_only,
    )?;
    let owners = owner_map(args, beside, profile, store)?;
    let spellings = store.stage_spellings(&profile.name, source)?;
    let stages = AccountStages::new(store.crm_stages()?)
        .with_connections(store.crm_connections()?.into_iter().chain(configured));
    let exported = exported_columns(profile, store)?;
    let sheet = crm::sheet(
        profile,
        funnel,
        (&spellings, &stages, &exported),
        &owners,
        &changes,
    );
    // A name where the CRM wants an email or an id makes its import reject the whole row (the
    // stage move with it): stop before writing, unless the admin chose to leave those owners.
    if !sheet.unmapped_owners.is_empty() {
        let text = msg::unmapped_owners(
            &sheet.unmapped_owners,
            &label,
            profile.owner_form,
            args.skip_unmapped_owners,
        );
        if !args.skip_unmapped_owners {
            return Err(user(text));
        }
        super::warn(text);
    }
    let target = &args.target.out;
    let out = target.path();
    place(&args.target, |file| {
        write_sheet(file, profile, &sheet).map_err(io(out))
    })?;
    for w in &sheet.warnings {
        super::warn(msg::warning(w, &label));
    }
    if !gone.is_empty() {
        super::warn(msg::gone_from_crm(&gone));
    }
    // One CRM account takes one file: cards of several sources (a file import beside a synced
    // connection, two accounts) would land in whichever account the file is imported into.
    if source.is_none() {
        let mut by_source: std::collections::BTreeMap<&str, usize> = Default::default();
        for c in &changes {
            *by_source.entry(c.source.as_str()).or_default() += 1;
        }
        if by_source.len() > 1 {
            let counts: Vec<(&str, usize)> = by_source.into_iter().collect();
            super::warn(msg::sources_mixed(&counts, &profile.name));
        }
    }
    // Said only when a row carries such an id: the admin should know where it came from.
    if !sheet.learned_owners.is_empty() {
        let ids: Vec<(String, String, usize)> = (sheet.learned_owners.iter())
            .map(|(name, cards)| {
                let id = owners.resolve(profile.owner_form, name);
                (name.clone(), id.unwrap_or_default(), *cards)
            })
            .collect();
        super::warn(msg::owner_ids_from_export(&ids, &label));
    }
    super::say_beside(
        target,
        msg::wrote_changes(
            sheet.rows.len(),
            out,
            &label,
            profile.format,
            profile.method.as_deref(),
        ),
    )?;
    if !changed_since.is_empty() {
        super::say_beside(target, msg::changed_since_review(&changed_since))?;
    }
    // An empty file with --approved-only: no lead has approved a change yet, not nothing to do.
    if args.approved_only && sheet.rows.is_empty() {
        super::say_beside(target, msg::none_approved())?;
    }
    if !needs_lead.is_empty() {
        super::say_beside(target, msg::needs_lead(&needs_lead))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The columns the CRM's exports had: its import profile's headers of okk's fields, and each
/// source's custom columns (where a corrected custom field goes back).
fn exported_columns(
    profile: &ExportProfile,
    store: &impl ReviewExportSource,
) -> Result<crate::export::headers::ExportedColumns> {
    let import = crate::sync::profile::Profile::builtin(&profile.name);
    let system: Vec<String> = import
        .iter()
        .flat_map(|p| {
            (p.fields.values().flatten()).flat_map(|h| [h.clone(), p.custom_label(h).to_string()])
        })
        .collect();
    let own = import.map(|p| p.custom_field_prefixes).unwrap_or_default();
    Ok(crate::export::headers::ExportedColumns::new(
        system,
        own,
        store.source_columns()?,
    ))
}

/// Who is who in the CRM: `--owners`, else a map kept beside a store file (`beside`:
/// `owners-hubspot.csv`…; the demo has them), and for a CRM that names owners by id, the ids the
/// imports kept.
fn owner_map(
    args: &ExportCrmArgs,
    beside: Option<std::path::PathBuf>,
    profile: &ExportProfile,
    store: &impl ReviewExportSource,
) -> Result<OwnerMap> {
    let mut owners = match args.owners.as_ref().or(beside.as_ref()) {
        Some(path) => {
            let map = OwnerMap::load(path, profile.owner_form, &profile.label)
                .map_err(|e| user(e.to_string()))?;
            super::warn(msg::owners_loaded(map.len(), path));
            map
        }
        None => OwnerMap::default(),
    };
    // Bitrix24's export names owners `Name [17]`: the import kept the ids.
    if profile.owner_form == crate::export::profile::OwnerForm::NumericId {
        let known = store.owner_ids(crate::formats::values::OWNER_ID_FIELD)?;
        for (owner, id) in &known {
            owners.learn(owner, id);
        }
    }
    Ok(owners)
}

/// What the CRM export found: each card's change, those of the cards a sync changed since the
/// review, the cards left to the lead (auditors disagree, no decision settles them), and the
/// cards gone from the CRM whose change is left out (its import has no deal to apply it to, or
/// would make one anew).
struct Changes {
    changes: Vec<Change>,
    /// (card id, its stage now as the funnel names it, the CRM's name when another)
    changed_since: Vec<(String, String, Option<String>)>,
    needs_lead: Vec<String>,
    gone: Vec<String>,
}

/// Each card's change, from the word that stands on it: the lead's decision that settles the
/// card (`domain::settled`), whatever its auditors said after it; else [`final_word`] among its
/// undecided reviews. With `approved_only`, only the cards the lead settled.
fn changes(
    store: &impl ReviewExportSource,
    funnel: &Funnel,
    profile: Option<&str>,
    source: Option<&str>,
    approved_only: bool,
) -> Result<Changes> {
    let query = ReviewQuery {
        profile,
        source,
        by_card: true,
        ..ReviewQuery::default()
    };
    let mut out = Changes {
        changes: Vec::new(),
        changed_since: Vec::new(),
        needs_lead: Vec::new(),
        gone: Vec::new(),
    };
    let settled = store.settled_cards()?;
    let push = |out: &mut Changes,
                (card_source, external_id): (&str, &str),
                now: &CardNow,
                proposal: &Proposal,
                decision: Option<&Decision>,
                card_changed: Option<bool>,
                gone: bool| {
        if let Some(suggestion) = suggest(funnel, proposal, decision, now) {
            if gone {
                out.gone.push(external_id.to_string());
                return;
            }
            if card_changed == Some(true) {
                // Named as the funnel (and the rest of okk) names it, with the CRM's own name
                // where the funnel knows the stage by an alias.
                let named = funnel.resolve(&now.stage).map(|i| &funnel.stage(i).name);
                out.changed_since.push(match named {
                    Some(name) if *name != now.stage => (
                        external_id.to_string(),
                        name.clone(),
                        Some(now.stage.clone()),
                    ),
                    _ => (external_id.to_string(), now.stage.clone(), None),
                });
            }
            out.changes.push(Change {
                source: card_source.to_string(),
                external_id: external_id.to_string(),
                card: now.clone(),
                suggestion,
            });
        }
    };
    // Reviews come card by card, latest first: one card's are held until the next card's begin.
    let mut card: Vec<ExportedReview> = Vec::new();
    let settle = |card: &mut Vec<ExportedReview>, out: &mut Changes| {
        let reviews = std::mem::take(card);
        let Some(first) = reviews.first() else { return };
        // The lead's word stands until the lead decides again, whatever came after it.
        if let Some(s) = settled.get(&first.source, &first.external_id) {
            if let Some(now) = &first.card {
                let decision = Some(&s.decision.decision);
                push(
                    out,
                    (&first.source, &first.external_id),
                    now,
                    &s.proposal,
                    decision,
                    s.card_changed,
                    first.card_gone(),
                );
            }
            return;
        }
        let current: Vec<Current<'_>> = reviews
            .iter()
            .map(|r| Current {
                proposal: &r.proposal,
                decision: r.lead.as_ref().map(|d| &d.decision),
            })
            .collect();
        let chosen = match final_word(&current) {
            FinalWord::Review(i) => i,
            FinalWord::NeedsLead if !approved_only => {
                out.needs_lead.push(reviews[0].external_id.clone());
                return;
            }
            FinalWord::NeedsLead | FinalWord::Nothing => return,
        };
        drop(current);
        let r = reviews.into_iter().nth(chosen).expect("chosen among them");
        if approved_only && !r.lead.as_ref().is_some_and(|d| d.decision.approves()) {
            return;
        }
        let Some(now) = &r.card else { return };
        let decision = r.lead.as_ref().map(|d| &d.decision);
        push(
            out,
            (&r.source, &r.external_id),
            now,
            &r.proposal,
            decision,
            r.card_changed,
            r.card_gone(),
        );
    };
    store.for_each_current_review(&query, |r| -> Result<(), ExportError> {
        let same = card
            .first()
            .is_some_and(|c| c.source == r.source && c.external_id == r.external_id);
        if !same {
            settle(&mut card, &mut out);
        }
        card.push(r);
        Ok(())
    })?;
    settle(&mut card, &mut out);
    Ok(out)
}

fn write_sheet(
    file: &mut (impl std::io::Write + ?Sized),
    profile: &ExportProfile,
    sheet: &Sheet,
) -> std::io::Result<()> {
    match profile.format {
        Format::Csv => {
            let layout = Layout {
                delimiter: profile.delimiter as u8,
                bom: profile.bom,
                decimal_comma: false,
            };
            let mut table = Table::new(file, layout)?;
            table.header(&sheet.headers)?;
            for row in &sheet.rows {
                table.row(row)?;
            }
            table.finish().map(drop)
        }
        Format::RestJsonl => {
            let method = profile.method.as_deref().unwrap_or_default();
            rest::write_lines(file, method, sheet)
        }
    }
}

/// Writes the target whole or not at all (or to standard output, `--out -`); an existing file
/// without `--force` is the user's to sort out (exit 1), not a crash.
fn place(
    target: &ExportTarget,
    write: impl FnOnce(&mut (dyn std::io::Write + Send)) -> Result<(), ExportError>,
) -> Result<()> {
    write_output(&target.out, target.force, write).map_err(|e| match e {
        ExportError::Store(e) => color_eyre::Report::new(e),
        other => user(other.to_string()),
    })
}

/// `--stage`: the funnel stage it names (with every alias and CRM spelling of it), or a CRM
/// stage name the funnel does not know.
enum StageFilter {
    Funnel(usize),
    Crm(String),
}

impl StageFilter {
    fn new(store: &impl ReviewExportSource, funnel: &Funnel, name: &str) -> Result<StageFilter> {
        if let Some(i) = funnel.resolve(name) {
            return Ok(StageFilter::Funnel(i));
        }
        let key = fold(name);
        let mut known = store.reviewed_stage_names()?;
        known.extend(store.crm_stage_names()?);
        if known.iter().any(|n| fold(n) == key) {
            return Ok(StageFilter::Crm(key));
        }
        let stages: Vec<&str> = funnel.stages.iter().map(|s| s.name.as_str()).collect();
        let mut store_only: Vec<&str> = known
            .iter()
            .map(String::as_str)
            .filter(|n| funnel.resolve(n).is_none())
            .collect();
        store_only.sort_unstable();
        store_only.dedup();
        Err(user(crate::text::check::unknown_stage(
            name,
            &stages,
            &store_only,
        )))
    }

    fn matches(&self, funnel: &Funnel, crm_stage: &str) -> bool {
        match self {
            StageFilter::Funnel(i) => funnel.resolve(crm_stage) == Some(*i),
            StageFilter::Crm(key) => fold(crm_stage) == *key,
        }
    }
}

/// `owners-PROFILE.csv` (or `.toml`) in the store's directory, if there is one: an owners map
/// made once and found by every later export.
fn default_owners_map(db: &std::path::Path, profile: &str) -> Option<std::path::PathBuf> {
    let dir = db.parent()?;
    ["csv", "toml"]
        .iter()
        .map(|ext| dir.join(format!("owners-{profile}.{ext}")))
        .find(|p| p.is_file())
}

/// `--delimiter` and `--bom`, as `okk export reviews` and `okk stats --csv` take them.
pub(super) fn csv_layout(args: &crate::cli::CsvLayout) -> Layout {
    Layout::with_delimiter(args.delimiter.as_bytes()[0], args.bom)
}
