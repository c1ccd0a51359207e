//! One file in, one transaction out: sniff the file, pick the profile, stream rows to cards on a
//! reader thread while the store writes them, and report what changed.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Cursor, IsTerminal, Read};
use std::path::Path;
use std::sync::mpsc;

use chrono::NaiveDateTime;

use super::change::{ReadColumns, change_of, settle};
use super::csv::{CsvError, CsvReader, sniff_delimiter};
use super::decode::{self, FileKind, SniffError, Utf8Reader};
use super::digest::Seed;
use super::limits::{Limit, Limits};
use super::mapper::{Mapper, Merged, RowError, Warning};
use super::profile::{self, Profile};
use super::rows::RowSource;
use super::xlsx;
use crate::domain::card::StageVisit;
use crate::domain::columns::{SourceColumns, absent_required};
use crate::domain::funnel::{FieldRef, KnownStages};
use crate::domain::import_report::unknown_stages;
pub use crate::domain::import_report::{ImportReport, UnknownStage};
use crate::domain::names::fold;
use crate::domain::rules::evaluate_with;
use crate::domain::stage_rename::RenameWatch;
use crate::domain::{Card, CardContext, FieldName, Funnel, SystemField};
use crate::store::cards::{
    BatchCounts, BatchMeta, CardRow, Existing, Outcome, fmt_time, parse_time,
};
use crate::store::fields::{FieldKeys, FieldNames};
use crate::store::flag_write::JudgedFlag;
use crate::store::import_tx::{ImportStore, ImportTx};
use crate::store::judged::NewJudgement;
use crate::text::import as msg;

/// How many warnings the report shows (all are counted).
const WARNING_SAMPLES: usize = 10;
const BATCH: usize = 512;
/// A batch also goes out once its cells hold this much text, so that the batches in flight
/// stay small however long the rows are.
const BATCH_BYTES: usize = 4 << 20;
/// Batches waiting between two threads: with the judge's two queues, at most about
/// `2 × IN_FLIGHT × BATCH_BYTES` of cells in memory.
const IN_FLIGHT: usize = 4;
/// Files bigger than this get a progress bar when stderr is a terminal.
const PROGRESS_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// `None` or `auto`: pick by headers.
    pub profile: Option<String>,
    pub map: Vec<(SystemField, String)>,
    pub encoding: Option<String>,
    pub sheet: Option<String>,
    pub source: Option<String>,
    pub dry_run: bool,
    /// The file is not a full export: cards missing from it are not marked gone.
    pub partial: bool,
    pub now: NaiveDateTime,
    pub progress: bool,
    /// What one file may cost (`--limit`).
    pub limits: Limits,
    /// The stage rules, judged in the import's own pass when they can be (see
    /// [`ImportReport::judged`]).
    pub rules: Option<PassRules>,
}

/// The stage rules as the import's pass judges new cards.
#[derive(Debug, Clone)]
pub struct PassRules {
    /// The day judged (`app::audit::today`).
    pub today: NaiveDateTime,
    /// The rules' marker for the funnel and day (`app::audit::ran_for`): the store's other
    /// cards must have been judged for it, and the import's commit stores it.
    pub ran_for: String,
}

/// An import that stopped; the store is unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    pub file: String,
    pub line: Option<u64>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.file, self.message),
            (Some(l), None) => write!(f, "{}:{l}: {}", self.file, self.message),
            _ => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ImportError {}

/// One card of the file, as the reader thread sends it to the writer.
enum Item {
    /// Mapped already: every card of a fresh source, and grouped product rows.
    Card {
        line: u64,
        hash: i64,
        row: Box<CardRow>,
        /// The rows it was merged from, when the store may hold the card (grouped rows of a
        /// source that is not fresh): a stage the CRM renamed is told by them (`change_of`).
        rows: Vec<Record>,
        /// Judged on the judge thread (the rules run in the import's pass).
        flags: Option<NewJudgement>,
    },
    /// Not mapped: on a re-sync most rows are unchanged, and only the writer, which looks the
    /// card up, knows which. Mapping waits until a row turns out to be new or changed.
    Raw {
        line: u64,
        hash: i64,
        record: Record,
    },
}

impl Item {
    /// The card's external id.
    fn id<'i>(&'i self, mapper: &Mapper) -> &'i str {
        match self {
            Item::Card { row, .. } => row.card.external_id.as_str(),
            Item::Raw { record, .. } => {
                let id_col = mapper
                    .column_index(SystemField::ExternalId)
                    .expect("checked by Mapper::new");
                record.cell(id_col).trim()
            }
        }
    }

    /// The card's external id and the digest of its rows, unless it is a new card of a fresh
    /// source.
    fn key<'i>(&'i self, mapper: &Mapper) -> Option<(&'i str, Option<i64>)> {
        match self {
            Item::Card { flags: Some(_), .. } => None,
            Item::Card { hash, row, .. } => Some((row.card.external_id.as_str(), Some(*hash))),
            Item::Raw { hash, record, .. } => {
                let id_col = mapper
                    .column_index(SystemField::ExternalId)
                    .expect("checked by Mapper::new");
                Some((record.cell(id_col).trim(), Some(*hash)))
            }
        }
    }
}

/// A row's cells, owned, in one buffer.
struct Record {
    text: String,
    ends: Vec<usize>,
}

impl Record {
    fn new(cells: &[&str]) -> Record {
        let mut text = String::with_capacity(cells.iter().map(|c| c.len()).sum());
        let mut ends = Vec::with_capacity(cells.len());
        for c in cells {
            text.push_str(c);
            ends.push(text.len());
        }
        Record { text, ends }
    }

    fn cells(&self) -> impl Iterator<Item = &str> + Clone {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| &self.text[a..b])
    }

    fn cell(&self, i: usize) -> &str {
        let a = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[a..self.ends[i]]
    }
}

/// What the reader learnt about the file as a whole.
#[derive(Default)]
struct FileFacts {
    /// Data records read (Bitrix24 product rows count one each).
    rows: u64,
    unknown: Vec<UnknownStage>,
    /// The pipelines the file held: a full export of them makes their absentees gone.
    scopes: Vec<Option<String>>,
    /// A workbook's formula cells that hold no value (imported empty).
    uncalculated: xlsx::Uncalculated,
    /// An HTML table's merged cells in deal rows (the cells they cover imported empty).
    merged: xlsx::MergedCells,
}

/// What the reader thread sends the writer.
enum Chunk {
    Items(Vec<Item>, Vec<Warning>),
    Done(FileFacts),
    Failed(ImportError),
}

struct Opened {
    rows: RowSource,
    encoding: String,
    encoding_reason: String,
    delimiter: Option<String>,
    sheet: Option<String>,
}

/// Errors of one file, with its name.
#[derive(Clone, Copy)]
struct Fail<'a>(&'a str);

impl Fail<'_> {
    fn at(self, line: Option<u64>, column: Option<usize>, message: String) -> ImportError {
        ImportError {
            file: self.0.to_string(),
            line,
            column,
            message,
        }
    }

    fn store(self, e: crate::store::StoreError) -> ImportError {
        self.at(None, None, e.to_string())
    }
}

/// The file opened and its header read: what it is, and how its rows become cards.
struct Prepared {
    opened: Opened,
    profile_name: String,
    profile_reason: String,
    source: String,
    mapper: Mapper,
    /// The header's quote not doubled, if it has one.
    header_warning: Option<Warning>,
}

fn prepare(path: &Path, opts: &ImportOptions, fail: Fail<'_>) -> Result<Prepared, ImportError> {
    let mut opened = open(path, opts).map_err(|m| fail.at(None, None, m))?;
    let rows = &mut opened.rows;
    if !rows.next_record().map_err(|e| csv_error(fail.0, e))? {
        return Err(fail.at(None, None, msg::empty_file()));
    }
    let header_line = rows.line();
    let header: Vec<String> = (0..rows.len())
        .map(|i| rows.field(i).map(str::to_string))
        .collect::<Result<_, _>>()
        .map_err(|e| csv_error(fail.0, e))?;
    let (profile, profile_reason) =
        choose_profile(&header, opts).map_err(|m| fail.at(Some(header_line), None, m))?;
    let source = opts
        .source
        .clone()
        .unwrap_or_else(|| profile.source.clone());
    let profile_name = profile.name.clone();
    let mapper = Mapper::new(&header, profile, source.clone())
        .map_err(|m| fail.at(Some(header_line), None, m))?;
    let header_warning = opened
        .rows
        .stray_quote()
        .map(|(line, field)| stray_quote_warning(line, field, &mapper));
    Ok(Prepared {
        opened,
        profile_name,
        profile_reason,
        source,
        mapper,
        header_warning,
    })
}

pub fn import_file(
    store: &mut dyn ImportStore,
    funnel: &Funnel,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let file_label = path.display().to_string();
    let fail = Fail(&file_label);
    let Prepared {
        opened,
        profile_name,
        profile_reason,
        source,
        mut mapper,
        header_warning,
    } = prepare(path, opts, fail)?;
    mapper.close_by_status(funnel);
    // The rules judge the cards in this pass when every other card's flags are current.
    let rules = match &opts.rules {
        Some(r)
            if !opts.dry_run
                && store
                    .flags_current_for(&r.ran_for)
                    .map_err(|e| fail.store(e))? =>
        {
            Some(r)
        }
        _ => None,
    };
    let meta = BatchMeta {
        file: &file_label,
        profile: &profile_name,
        source: &source,
        encoding: &opened.encoding,
        partial: opts.partial,
        now: opts.now,
        bulk: true,
        fresh_run: false,
    };
    let mut import = store.begin_import(&meta).map_err(|e| fail.store(e))?;
    let setup = Setup::new(&mut *import, &mapper, funnel, opts, &source, rules)
        .map_err(|e| fail.store(e))?;
    let pumped = pump(&mut *import, &setup, opened.rows, fail)?;
    let judged = setup.in_pass;
    let Pumped { mut tally, facts } = pumped;
    name_duplicates(path, opts, fail, &mut tally);
    tally.warn_all_first(
        merged_warnings(&facts.merged.first, &mapper),
        facts.merged.count,
    );
    if let Some(w) = uncalculated_warning(&facts.uncalculated, opened.sheet.as_deref(), &mapper) {
        tally.warn_first(w);
    }
    if let Some(w) = header_warning {
        tally.warn_first(w);
    }
    // A header and no rows: no scope to mark anything gone in, and almost always a filter in
    // the CRM that matched nothing rather than a CRM that holds no deals.
    if facts.rows == 0 {
        tally.warn_first(Warning {
            line: 0,
            column: String::new(),
            message: msg::no_rows(&source),
        });
    }
    let cards = tally.counts.inserted + tally.counts.updated + tally.counts.unchanged;
    let mut counts = tally.counts;
    counts.rows = facts.rows;
    let mut scopes = facts.scopes;
    for p in std::mem::take(&mut tally.kept_scopes) {
        if !scopes.contains(&p) {
            scopes.push(p);
        }
    }
    // The stages the funnel does not know by the cards the store holds in them once the file
    // is in (the file's rows alone say little of a partial export's): a dry run reads them
    // in its transaction before the rollback, so that a stage the file empties is not named.
    let unknown = |s: &str| funnel.resolve(s).is_none();
    let (counts, held) = if opts.dry_run {
        import.finish_dry(counts, &scopes, &source, &unknown)
    } else {
        import
            .finish(counts, &scopes, true)
            .and_then(|counts| Ok((counts, store.source_stages(&source, &unknown)?)))
    }
    .map_err(|e| fail.store(e))?;
    // The cards at the new name: those read there, or all the source's there after the read
    // when more (a name that held cards before this file is not a stage it renamed).
    let at_new = |stage: &str| {
        let read = (facts.unknown.iter())
            .find(|u| u.stage == stage)
            .map_or(0, |u| u.read);
        let held = held.iter().find(|(s, _)| s == stage).map_or(0, |h| h.1);
        read.max(held)
    };
    let mut probable_renames = std::mem::take(&mut tally.renames).probable(at_new);
    let unknown = unknown_stages(|s| funnel.resolve(s).is_some(), facts.unknown, held);
    for r in &mut probable_renames {
        r.reviewed = (store.reviewed_cards(&r.ids)).map_err(|e| fail.store(e))?;
    }
    if counts.gone_withheld > 0 {
        // Counted by the store, in the batch's row too.
        tally
            .samples
            .insert(0, gone_withheld_warning(counts.gone_withheld, &source));
        tally.samples.truncate(WARNING_SAMPLES);
    }
    Ok(ImportReport {
        file: file_label,
        profile: profile_name,
        profile_reason,
        encoding: opened.encoding,
        encoding_reason: opened.encoding_reason,
        delimiter: opened.delimiter,
        sheet: opened.sheet,
        source,
        rows: counts.rows,
        cards,
        inserted: counts.inserted,
        updated: counts.updated,
        unchanged: counts.unchanged,
        gone: counts.gone,
        stage_changes: tally.stage_changes,
        stage_renames: tally.stage_renames,
        warnings: counts.warnings,
        warning_samples: tally.samples,
        unknown_stages: unknown,
        probable_renames,
        absent_fields: setup.absent_fields,
        new_columns: setup.new_columns,
        new_column_cards: tally.gained,
        missing_columns: setup.missing_columns,
        dry_run: opts.dry_run,
        judged,
    })
}

/// What the import knows before its first row: the store's field keys, the source's absent
/// fields, and the rules' judge when they run in this pass.
struct Setup<'a> {
    mapper: &'a Mapper,
    funnel: &'a Funnel,
    limits: Limits,
    keys: FieldKeys,
    seed: Seed,
    /// The stage's column (the digest of a stage the CRM renamed reads it).
    stage_col: usize,
    absent_fields: Vec<String>,
    /// The file's columns beside its source's earlier ones.
    columns: ReadColumns,
    /// The store's custom fields by id, to read back the cards whose rows changed
    /// (`ReadColumns::compares`); `None` when none is read.
    names: Option<FieldNames>,
    /// The report's: the file's columns new to the source (headers), and the fields of the
    /// source's it has no column for.
    new_columns: Vec<String>,
    missing_columns: Vec<String>,
    judge: Option<Judge<'a>>,
    /// The rules judge every card this import writes (see `store::judged`).
    in_pass: bool,
}

impl<'a> Setup<'a> {
    fn new<'i>(
        import: &mut (dyn ImportTx<'i> + 'i),
        mapper: &'a Mapper,
        funnel: &'a Funnel,
        opts: &ImportOptions,
        source: &str,
        rules: Option<&PassRules>,
    ) -> Result<Setup<'a>, crate::store::StoreError>
    where
        'a: 'i,
    {
        let before = import.source_columns()?;
        let absent_before = absent_required(funnel, &before);
        // What the source's exports have: a column it never had is said once, not flagged per
        // card.
        let custom = mapper.custom_fields();
        let custom_names: Vec<&str> = custom.iter().map(|f| &**f).collect();
        let okk = mapper.system_field_names();
        import.record_columns(&okk, &custom_names)?;
        let now = SourceColumns::new(
            okk.iter().map(|f| f.to_string()),
            custom_names.iter().map(|h| h.to_string()),
        );
        let columns = ReadColumns::new(before, now, mapper);
        let names = (!import.fresh() && columns.known())
            .then(|| import.field_names())
            .transpose()?;
        // The custom fields this file has no column for, as the cards name them: kept on the
        // cards (written with their ids), and said in the report.
        let missing_custom = columns.missing_custom();
        let mut kept: Vec<FieldName> = names
            .iter()
            .flat_map(FieldNames::names)
            .filter(|n| missing_custom.contains(&fold(n).as_str()))
            .cloned()
            .collect();
        kept.sort();
        let missing_columns = columns.missing_columns(&kept);
        let keys = import.field_keys(&[custom.as_slice(), kept.as_slice()].concat())?;
        let new_columns = columns.new_columns(mapper);
        let absent = absent_required(funnel, &import.source_columns()?);
        // A file that brings a required field the source's exports lacked changes the flags of
        // cards it does not write: then the rules run over the store after it.
        // Where no rules run can follow (a server), the import judges what it writes all the same.
        let rules = rules
            .filter(|_| import.fresh() || absent == absent_before || !import.rules_run_after());
        let mut judge = None;
        if let Some(r) = rules {
            let (today, judged_absent) = (r.today, absent.clone());
            let asked = import.asked_moves()?;
            import.judge_in_pass(
                &r.ran_for,
                Box::new(move |card, ctx| {
                    let asked = asked.get(&card.source, &card.external_id);
                    evaluate_with(card, ctx, funnel, today, &judged_absent, asked)
                }),
                true,
            )?;
            // A fresh source's rows are all mapped on the reader: its cards are judged on a
            // thread of their own before the writer gets them.
            judge = import
                .fresh()
                .then(|| Judge::new(funnel, r.today, opts.now, absent.clone()));
        }
        Ok(Setup {
            mapper,
            funnel,
            limits: opts.limits,
            seed: Seed::new(mapper, source),
            stage_col: mapper
                .column_index(SystemField::Stage)
                .expect("checked by Mapper::new"),
            keys,
            absent_fields: absent.iter().map(|f| f.label().to_string()).collect(),
            columns,
            names,
            new_columns,
            missing_columns,
            judge,
            in_pass: rules.is_some(),
        })
    }
}

/// The stage rules, judging new cards between the reader and the writer (and a sync's new
/// deals as they land).
pub struct Judge<'a> {
    funnel: &'a Funnel,
    today: NaiveDateTime,
    /// When the import began, as the store keeps it: a new card's first visit to its stage.
    first_seen: NaiveDateTime,
    absent: Vec<FieldRef>,
}

impl<'a> Judge<'a> {
    /// The rules as of `today`, for cards new in an import that began at `now`; `absent`: the
    /// required fields the source's exports lack (not flagged per card).
    pub fn new(
        funnel: &'a Funnel,
        today: NaiveDateTime,
        now: NaiveDateTime,
        absent: Vec<FieldRef>,
    ) -> Judge<'a> {
        Judge {
            funnel,
            today,
            first_seen: parse_time(&fmt_time(&now)).unwrap_or(now),
            absent,
        }
    }

    fn run(&self, from_reader: mpsc::Receiver<Chunk>, to_writer: mpsc::SyncSender<Chunk>) {
        let mut ctx = self.context();
        for mut chunk in from_reader {
            if let Chunk::Items(items, _) = &mut chunk {
                for item in items {
                    if let Item::Card { row, flags, .. } = item {
                        let judged = self.flags_in(&row.card, &mut ctx);
                        *flags = Some(NewJudgement::new(row, judged));
                    }
                }
            }
            if to_writer.send(chunk).is_err() {
                break;
            }
        }
    }

    /// A new card's flags, as the rules run would judge it once stored (their evidence
    /// encoded here, off the writer's thread).
    pub fn flags(&self, card: &Card) -> Vec<JudgedFlag> {
        self.flags_in(card, &mut self.context())
    }

    /// A new card's context: seen once, in its stage, when the import began.
    fn context(&self) -> CardContext {
        CardContext {
            gone: false,
            gone_since: None,
            history: vec![StageVisit {
                stage: String::new(),
                seen_at: self.first_seen,
            }],
        }
    }

    /// [`Judge::flags`] in a context reused card after card (from [`Judge::context`]): only
    /// the stage's name is written into it, where each card cost a list and a copy of it.
    fn flags_in(&self, card: &Card, ctx: &mut CardContext) -> Vec<JudgedFlag> {
        let stage = &mut ctx.history[0].stage;
        stage.clear();
        stage.push_str(&card.stage);
        // A card new to the store has no reviews, so no move the lead asked for.
        evaluate_with(card, ctx, self.funnel, self.today, &self.absent, None)
            .into_iter()
            .map(JudgedFlag::new)
            .collect()
    }
}

/// The writer's running counts and warning samples.
#[derive(Default)]
struct Tally {
    counts: BatchCounts,
    stage_changes: u64,
    stage_renames: u64,
    samples: Vec<Warning>,
    /// Cards the store held that took a value in a column new to the source.
    gained: u64,
    /// The pipelines of the cards the store held that the file holds, when it has no pipeline
    /// column the source had: they keep theirs, and it is a full export of those.
    kept_scopes: Vec<Option<String>>,
    /// The duplicate rows among the warnings shown, for [`name_duplicates`].
    duplicates: Vec<Duplicate>,
    /// The stage moves, for the stages the CRM probably renamed.
    renames: RenameWatch,
}

/// A row repeating an earlier row's ID whose warning is shown: the sample's index, the ID, and
/// the row's line (a group's first).
struct Duplicate {
    sample: usize,
    id: String,
    line: u64,
}

impl Tally {
    /// A warning about the file as a whole: counted, and shown before the rows' own.
    fn warn_first(&mut self, w: Warning) {
        self.counts.warnings += 1;
        self.samples.insert(0, w);
        self.samples.truncate(WARNING_SAMPLES);
    }

    /// Warnings about the file's rows known only once it is read through (`count` of them,
    /// `ws` the first): counted, and shown before the rows' own, in their order.
    fn warn_all_first(&mut self, ws: Vec<Warning>, count: u64) {
        self.counts.warnings += count.saturating_sub(ws.len() as u64);
        for w in ws.into_iter().rev() {
            self.warn_first(w);
        }
    }

    fn warn(&mut self, ws: Vec<Warning>) {
        self.counts.warnings += ws.len() as u64;
        for w in ws {
            if self.samples.len() < WARNING_SAMPLES {
                self.samples.push(w);
            }
        }
    }

    /// `duplicate`: for a row repeating an earlier row's ID, the ID and whether the row differs
    /// from the row its card was imported from.
    fn count(&mut self, line: u64, outcome: Outcome, duplicate: Option<(&str, bool)>) {
        match outcome {
            Outcome::Inserted => self.counts.inserted += 1,
            Outcome::Updated {
                stage_changed,
                stage_renamed,
            } => {
                self.counts.updated += 1;
                self.stage_changes += stage_changed as u64;
                // At a renamed stage and changed otherwise too: still no move.
                self.stage_renames += stage_renamed as u64;
            }
            Outcome::StageRenamed => {
                self.counts.updated += 1;
                self.stage_renames += 1;
            }
            // Written as read (a column new to the source, one the file lacks), and the card
            // its reviews saw.
            Outcome::Unchanged | Outcome::SameCard => self.counts.unchanged += 1,
            Outcome::Duplicate => {
                let (id, differs) = duplicate.unwrap_or_default();
                if self.samples.len() < WARNING_SAMPLES {
                    self.duplicates.push(Duplicate {
                        sample: self.samples.len(),
                        id: id.to_string(),
                        line,
                    });
                }
                self.warn(vec![Warning {
                    line,
                    column: String::new(),
                    message: msg::duplicate_id(differs),
                }])
            }
        }
    }
}

struct Pumped {
    tally: Tally,
    facts: FileFacts,
}

/// Rows → cards on the reader thread (and flags on the judge's), written on this one.
fn pump<'i>(
    import: &mut (dyn ImportTx<'i> + 'i),
    setup: &Setup<'_>,
    rows: RowSource,
    fail: Fail<'_>,
) -> Result<Pumped, ImportError> {
    let mut tally = Tally::default();
    let mut facts = FileFacts::default();
    std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Chunk>(IN_FLIGHT);
        let (back_tx, back_rx) = mpsc::channel::<Vec<Item>>();
        let reader = Reader::new(setup, import.fresh(), fail.0);
        std::thread::Builder::new()
            .name("okk-reader".into())
            .spawn_scoped(scope, move || reader.run(rows, tx, back_rx))
            .map_err(|e| fail.at(None, None, e.to_string()))?;
        let rx = match &setup.judge {
            None => rx,
            Some(judge) => {
                let (jtx, jrx) = mpsc::sync_channel::<Chunk>(IN_FLIGHT);
                std::thread::Builder::new()
                    .name("okk-judge".into())
                    .spawn_scoped(scope, move || judge.run(rx, jtx))
                    .map_err(|e| fail.at(None, None, e.to_string()))?;
                jrx
            }
        };
        for chunk in rx {
            let (mut items, warnings) = match chunk {
                Chunk::Items(items, w) => (items, w),
                Chunk::Done(f) => {
                    facts = f;
                    continue;
                }
                Chunk::Failed(e) => return Err(e),
            };
            tally.warn(warnings);
            if setup.names.is_some() {
                // The cards the batch's changed rows are compared with, read at once.
                let rows: Vec<(&str, Option<i64>)> =
                    items.iter().filter_map(|i| i.key(setup.mapper)).collect();
                import.prefetch_cards(&rows).map_err(|e| fail.store(e))?;
            }
            for item in &mut items {
                let mut warnings = Vec::new();
                let written = apply(import, setup, item, &mut warnings, &mut tally.renames)
                    .map_err(|e| match e {
                        Applied::Row(e) => row_error(fail.0, e),
                        Applied::Store(line, e) => fail.at(Some(line), None, e.to_string()),
                    })?;
                tally.warn(warnings);
                let duplicate = match written.outcome {
                    Outcome::Duplicate => Some((
                        item.id(setup.mapper),
                        differs_from_first(import, setup.mapper, item)
                            .map_err(|e| fail.at(Some(written.line), None, e.to_string()))?,
                    )),
                    _ => None,
                };
                tally.count(written.line, written.outcome, duplicate);
                if written.outcome != Outcome::Duplicate {
                    tally.gained += u64::from(written.gained);
                    if let Some(p) = written.pipeline
                        && !tally.kept_scopes.contains(&p)
                    {
                        tally.kept_scopes.push(p);
                    }
                }
            }
            // Freeing a batch is a good part of the writer's time on a bulk load, and the
            // reader has time to spare: it drops the batches the writer hands back.
            let _ = back_tx.send(items);
        }
        Ok(())
    })?;
    // On error `import` is dropped by the caller, which rolls the transaction back.
    Ok(Pumped { tally, facts })
}

enum Applied {
    Row(RowError),
    Store(u64, crate::store::StoreError),
}

/// Whether a row the store found a duplicate differs from the row its card was imported from
/// earlier in the file: the digest the import wrote for the card (the store's lookup sees the
/// import's own writes) against the row's. Rare, so looked up again rather than remembered for
/// every row.
fn differs_from_first<'i>(
    import: &mut (dyn ImportTx<'i> + 'i),
    mapper: &Mapper,
    item: &Item,
) -> Result<bool, crate::store::StoreError> {
    let hash = match item {
        Item::Card { hash, .. } | Item::Raw { hash, .. } => *hash,
    };
    Ok(import
        .lookup(item.id(mapper))?
        .is_none_or(|first| first.hash != hash))
}

/// The rows behind the duplicate warnings shown, read again from the file: each warning names
/// the line of the row (or group) its ID was imported from and the columns, by header, in which
/// the later one differs, so that the user can tell which to keep. Duplicates are rare, and only
/// the sampled ones are looked for: the file is read again up to the last of them instead of
/// every row's line being remembered. A file that no longer reads as it did keeps the warnings
/// as they were.
fn name_duplicates(path: &Path, opts: &ImportOptions, fail: Fail<'_>, tally: &mut Tally) {
    let Some(last) = tally.duplicates.iter().map(|d| d.line).max() else {
        return;
    };
    let opts = ImportOptions {
        progress: false,
        ..opts.clone()
    };
    let Ok(Prepared {
        mut opened, mapper, ..
    }) = prepare(path, &opts, fail)
    else {
        return;
    };
    let id_col = mapper
        .column_index(SystemField::ExternalId)
        .expect("checked by Mapper::new");
    let group = mapper.profile().group_rows_by_id;
    let wanted: HashSet<&str> = tally.duplicates.iter().map(|d| d.id.as_str()).collect();
    // Per ID wanted: each run of its rows (one row, or a group), from its first line.
    let mut found: HashMap<String, Vec<Run>> = HashMap::new();
    let mut previous = String::new();
    let rows = &mut opened.rows;
    while let Ok(true) = rows.next_record() {
        let line = rows.line();
        let id = rows.field(id_col).unwrap_or_default().trim();
        let same_group = group && id == previous;
        if line > last && !same_group {
            break;
        }
        if wanted.contains(id) {
            let cells: Vec<String> = (0..mapper.width())
                .map(|i| rows.field(i).unwrap_or_default().to_string())
                .collect();
            let runs = found.entry(id.to_string()).or_default();
            match runs.last_mut() {
                Some((_, run)) if same_group => run.push(cells),
                _ => runs.push((line, vec![cells])),
            }
        }
        if group && !same_group {
            previous.clear();
            previous.push_str(id);
        }
    }
    for d in &tally.duplicates {
        let Some(runs) = found.get(&d.id) else {
            continue;
        };
        let (Some((first, imported)), Some((_, this))) =
            (runs.first(), runs.iter().find(|(l, _)| *l == d.line))
        else {
            continue;
        };
        if *first == d.line {
            continue;
        }
        let differing = differing_columns(imported, this, mapper.names());
        tally.samples[d.sample].message = msg::duplicate_id_at(*first, &differing);
    }
}

/// One ID's consecutive rows (one row, or a Bitrix24 group): its first line and the rows' cells.
type Run = (u64, Vec<Vec<String>>);

/// The headers of the columns whose cells differ between two runs of one ID's rows (a cell of
/// blanks is an empty one, as the digest takes it), in the file's order.
fn differing_columns(a: &[Vec<String>], b: &[Vec<String>], names: &[String]) -> Vec<String> {
    names
        .iter()
        .enumerate()
        .filter(|&(i, _)| values(a, i) != values(b, i))
        .map(|(_, n)| n.clone())
        .collect()
}

/// A run's values in column `i`, each once: a deal's own column repeats one value on every
/// product row, however many rows its group has.
fn values(run: &[Vec<String>], i: usize) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for row in run {
        let c = row.get(i).map_or("", String::as_str);
        let c = if c.trim().is_empty() { "" } else { c };
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// What the writer did with one item.
struct Written {
    line: u64,
    outcome: Outcome,
    /// A card the store held took a value in a column new to the source.
    gained: bool,
    /// The pipeline of a card the store held, when the file has no pipeline column the source
    /// had (the card keeps it).
    pipeline: Option<Option<String>>,
}

impl Written {
    fn new(line: u64, outcome: Outcome) -> Written {
        Written {
            line,
            outcome,
            gained: false,
            pipeline: None,
        }
    }
}

/// The writer's side of one item: look the card up (unless the source is fresh), and write it
/// if it is new or changed.
fn apply<'i>(
    import: &mut (dyn ImportTx<'i> + 'i),
    setup: &Setup<'_>,
    item: &mut Item,
    warnings: &mut Vec<Warning>,
    renames: &mut RenameWatch,
) -> Result<Written, Applied> {
    let lookup = |import: &mut (dyn ImportTx<'i> + 'i), line, id: &str| {
        if import.fresh() {
            Ok(None)
        } else {
            import.lookup(id).map_err(|e| Applied::Store(line, e))
        }
    };
    // A card the store holds, when the file has no pipeline column its source had: the
    // pipeline it keeps is one the file holds.
    let kept_pipeline = |existing: &Existing| {
        setup
            .columns
            .lacks_pipeline()
            .then(|| existing.pipeline().map(String::from))
    };
    let unchanged = |import: &mut (dyn ImportTx<'i> + 'i), line, e: &Existing| Written {
        pipeline: kept_pipeline(e),
        ..Written::new(line, import.unchanged(e.id))
    };
    // What changed, by the funnel: a card the CRM only moved to another name of its stage
    // is told by the digest its rows would have had with the stage's old name; one whose
    // columns changed, by the card the store holds (`settle`).
    let write = |import: &mut (dyn ImportTx<'i> + 'i),
                 line,
                 existing: Option<Existing>,
                 row: &mut CardRow,
                 rows: &mut dyn Iterator<Item = Vec<&str>>| {
        // A file cannot say that the CRM renamed a stage: only the funnel's aliases tell.
        let mut change = change_of(setup.funnel, existing.as_ref(), &row.card, false, |old| {
            let stage = setup.stage_col;
            let mut buf = Vec::new();
            for cells in rows {
                let renamed = (row.card.stage.as_str(), old);
                setup
                    .seed
                    .add_row_with_stage(&mut buf, &cells, stage, renamed);
            }
            setup.seed.finish(&buf)
        });
        // The deal's last edit as the file gives it, before `settle` may give the card the
        // edit time the store kept from an earlier export (a file without the column): that
        // one is no time of a move this file shows.
        let edited = row.card.updated_at;
        let mut gained = false;
        if let Some(e) = existing.as_ref()
            && let Some(names) = &setup.names
            && setup.columns.compares(e.gone, change)
            && let Some(old) = import
                .stored_card(e.id, names)
                .map_err(|err| Applied::Store(line, err))?
        {
            let settled = settle(&old, &mut row.card, change, e.gone, &setup.columns);
            if settled.kept {
                // Written with the values it kept.
                let card = std::mem::take(&mut row.card);
                *row = CardRow::new(card, row.hash, &setup.keys);
            }
            (change, gained) = (settled.change, settled.gained);
        }
        let outcome = import
            .upsert(existing.as_ref(), row, change, edited)
            .map_err(|e| Applied::Store(line, e))?;
        Ok(Written {
            gained,
            pipeline: existing.as_ref().and_then(kept_pipeline),
            ..Written::new(line, outcome)
        })
    };
    match item {
        Item::Card {
            line, row, flags, ..
        } if flags.is_some() => {
            let (line, judgement) = (*line, flags.take().unwrap_or_default());
            import
                .insert_judged(row, judgement)
                .map(|o| Written::new(line, o))
                .map_err(|e| Applied::Store(line, e))
        }
        Item::Card {
            line,
            hash,
            row,
            rows,
            ..
        } => match lookup(import, *line, &row.card.external_id)? {
            Some(e) if e.hash == *hash && !e.gone => {
                renames.saw(setup.funnel, &e.stage, &e.stage, e.id);
                Ok(unchanged(import, *line, &e))
            }
            existing => {
                if let Some(e) = existing.as_ref().filter(|e| !e.gone) {
                    renames.saw(setup.funnel, &e.stage, &row.card.stage, e.id);
                }
                let mut cells = rows.iter().map(|r| r.cells().collect());
                write(import, *line, existing, row, &mut cells)
            }
        },
        Item::Raw { line, hash, record } => {
            let (line, hash) = (*line, *hash);
            let mapper = setup.mapper;
            let id_col = mapper
                .column_index(SystemField::ExternalId)
                .expect("checked by Mapper::new");
            let existing = lookup(import, line, record.cell(id_col).trim())?;
            match existing {
                Some(e) if e.hash == hash && !e.gone => {
                    if e.has_invalid {
                        // Unchanged, but its bad values are reported again.
                        mapper
                            .card(line, record.cells(), warnings)
                            .map_err(Applied::Row)?;
                    }
                    renames.saw(setup.funnel, &e.stage, &e.stage, e.id);
                    Ok(unchanged(import, line, &e))
                }
                existing => {
                    let card = mapper
                        .card(line, record.cells(), warnings)
                        .map_err(Applied::Row)?;
                    if let Some(e) = existing.as_ref().filter(|e| !e.gone) {
                        renames.saw(setup.funnel, &e.stage, &card.stage, e.id);
                    }
                    let mut row = CardRow::new(card, hash, &setup.keys);
                    let mut cells = std::iter::once(record.cells().collect());
                    write(import, line, existing, &mut row, &mut cells)
                }
            }
        }
    }
}

/// The reader thread: rows → items, in batches. It never touches the store.
struct Reader<'a> {
    setup: &'a Setup<'a>,
    /// The source has no cards yet: map every row here, the writer only inserts.
    fresh: bool,
    file: &'a str,
    stage_known: KnownStages,
    /// Where each unknown stage sits in `facts.unknown`, and the pipelines already in
    /// `facts.scopes`: a hostile file may hold a million of either.
    unknown_at: HashMap<String, usize>,
    pipelines_seen: HashSet<String>,
    no_pipeline_seen: bool,
    facts: FileFacts,
    /// Items and warnings of the batch being filled, and the size of its cells.
    items: Vec<Item>,
    warnings: Vec<Warning>,
    batch_bytes: usize,
    /// Bitrix24: the card being built from consecutive rows with one ID (with its digest's
    /// input, and its rows when the store may hold it), and the product rows merged into it
    /// so far.
    pending: Option<Pending>,
    merged: Merged,
    digest_buf: Vec<u8>,
}

/// A grouped card being built: its first line, the card, its digest's input, its rows.
type Pending = (u64, Card, Vec<u8>, Vec<Record>);

/// `Err(None)`: the writer hung up (it reports why).
type ReadResult<T> = Result<T, Option<ImportError>>;

impl<'a> Reader<'a> {
    fn new(setup: &'a Setup<'a>, fresh: bool, file: &'a str) -> Reader<'a> {
        Reader {
            setup,
            fresh,
            file,
            stage_known: KnownStages::default(),
            unknown_at: HashMap::new(),
            pipelines_seen: HashSet::new(),
            no_pipeline_seen: false,
            facts: FileFacts::default(),
            items: Vec::with_capacity(BATCH),
            warnings: Vec::new(),
            batch_bytes: 0,
            pending: None,
            merged: Merged::default(),
            digest_buf: Vec::with_capacity(4096),
        }
    }

    fn run(
        mut self,
        rows: RowSource,
        tx: mpsc::SyncSender<Chunk>,
        back: mpsc::Receiver<Vec<Item>>,
    ) {
        match self.read(rows, &tx, &back) {
            Ok(()) => {
                let _ = tx.send(Chunk::Done(self.facts));
            }
            Err(Some(e)) => {
                let _ = tx.send(Chunk::Failed(e));
            }
            // The writer stopped; it reports why.
            Err(None) => {}
        }
    }

    fn read(
        &mut self,
        mut rows: RowSource,
        tx: &mpsc::SyncSender<Chunk>,
        back: &mpsc::Receiver<Vec<Item>>,
    ) -> ReadResult<()> {
        let group = self.setup.mapper.profile().group_rows_by_id;
        while rows
            .next_record()
            .map_err(|e| Some(csv_error(self.file, e)))?
        {
            let line = rows.line();
            if let Some((at, field)) = rows.stray_quote() {
                let w = stray_quote_warning(at, field, self.setup.mapper);
                self.warnings.push(w);
            }
            self.facts.rows += 1;
            let limit = self.setup.limits.rows;
            if self.facts.rows > limit {
                return Err(Some(limit_error(self.file, line, None, Limit::Rows, limit)));
            }
            let cells = self.cells(&rows, line)?;
            if let Some(e) = self.emptied_by_merged_cell(&rows, line, &cells) {
                return Err(Some(row_error(self.file, e)));
            }
            self.batch_bytes += cells.iter().map(|c| c.len()).sum::<usize>();
            if group {
                self.grouped_row(line, &cells)?;
            } else {
                self.row(line, &cells)?;
            }
            if self.items.len() >= BATCH || self.batch_bytes >= BATCH_BYTES {
                self.batch_bytes = 0;
                while let Ok(done) = back.try_recv() {
                    drop(done);
                }
                self.send(tx)?;
            }
        }
        if let Some((l, mut done, dh, rows)) = self.pending.take() {
            self.merged.finish(&mut done);
            let hash = self.setup.seed.finish(&dh);
            let item = self.item(l, done, hash, rows);
            self.items.push(item);
        }
        self.facts.uncalculated = rows.uncalculated();
        self.facts.merged = rows.merged();
        self.send(tx)
    }

    fn send(&mut self, tx: &mpsc::SyncSender<Chunk>) -> ReadResult<()> {
        let full = std::mem::replace(&mut self.items, Vec::with_capacity(BATCH));
        tx.send(Chunk::Items(full, std::mem::take(&mut self.warnings)))
            .map_err(|_| None)
    }

    /// The record's cells, as many as the header has columns (a sheet's short rows padded).
    fn cells<'r>(&self, rows: &'r RowSource, line: u64) -> ReadResult<Vec<&'r str>> {
        let mapper = self.setup.mapper;
        let len = rows.len();
        let width = if rows.pads_short_rows() {
            mapper
                .check_sheet_width(line, len)
                .map_err(|e| Some(row_error(self.file, e)))?
        } else {
            let last_empty = len > 0 && rows.field(len - 1).is_ok_and(|f| f.trim().is_empty());
            mapper
                .check_width(line, len, last_empty)
                .map_err(|e| Some(row_error(self.file, e)))?
        };
        let mut cells: Vec<&str> = Vec::with_capacity(width);
        for i in 0..width {
            let cell = if i < len {
                rows.field(i).map_err(|e| Some(csv_error(self.file, e)))?
            } else {
                ""
            };
            cells.push(cell);
        }
        Ok(cells)
    }

    /// A cell every row needs (the deal's ID, its stage) that a merged cell of an HTML table
    /// covers, read empty: the error names the cell that covers it, as the warning does for
    /// the other columns — "empty" alone sends the user looking for a value the file has, one
    /// row up or one column left.
    fn emptied_by_merged_cell(
        &self,
        rows: &RowSource,
        line: u64,
        cells: &[&str],
    ) -> Option<RowError> {
        let mapper = self.setup.mapper;
        [SystemField::ExternalId, SystemField::Stage]
            .into_iter()
            .find_map(|field| {
                let c = mapper.column_index(field)?;
                if !cells.get(c)?.trim().is_empty() {
                    return None;
                }
                let by = rows.covered(c + 1)?;
                let names = mapper.names();
                let header = |column: usize| {
                    (names.get(column - 1).cloned()).unwrap_or_else(|| column.to_string())
                };
                Some(RowError {
                    line,
                    column: Some(c + 1),
                    message: msg::html_merged_emptied(
                        field,
                        &names[c],
                        by.row,
                        by.line,
                        by.across,
                        by.down,
                        &header(by.column),
                    ),
                })
            })
    }

    fn map(&mut self, line: u64, cells: &[&str]) -> ReadResult<Card> {
        self.setup
            .mapper
            .card(line, cells.iter().copied(), &mut self.warnings)
            .map_err(|e| Some(row_error(self.file, e)))
    }

    /// One row, one card: mapped here for a fresh source, else left to the writer.
    fn row(&mut self, line: u64, cells: &[&str]) -> ReadResult<()> {
        let setup = self.setup;
        self.digest_buf.clear();
        setup.seed.add_row(&mut self.digest_buf, cells);
        let hash = setup.seed.finish(&self.digest_buf);
        if self.fresh {
            let card = self.map(line, cells)?;
            let item = self.item(line, card, hash, Vec::new());
            self.items.push(item);
            return Ok(());
        }
        let mapper = setup.mapper;
        // Checked here too: an unchanged row is never mapped, and a store written before this
        // check may hold such an ID already.
        let id_col = mapper
            .column_index(SystemField::ExternalId)
            .expect("checked by Mapper::new");
        mapper
            .check_id(line, cells[id_col].trim())
            .map_err(|e| Some(row_error(self.file, e)))?;
        let stage_col = mapper
            .column_index(SystemField::Stage)
            .expect("checked by Mapper::new");
        let pipeline = mapper
            .column_index(SystemField::Pipeline)
            .map(|c| cells[c].trim())
            .filter(|p| !p.is_empty());
        self.note_card(cells[stage_col].trim(), pipeline);
        self.items.push(Item::Raw {
            line,
            hash,
            record: Record::new(cells),
        });
        Ok(())
    }

    /// Bitrix24: consecutive product rows with one ID are one card.
    fn grouped_row(&mut self, line: u64, cells: &[&str]) -> ReadResult<()> {
        let setup = self.setup;
        let id_col = setup
            .mapper
            .column_index(SystemField::ExternalId)
            .expect("checked by Mapper::new");
        let id = cells[id_col].trim();
        let row = self.map(line, cells)?;
        let keep = !self.fresh;
        if let Some((_, card, h, rows)) = self
            .pending
            .as_mut()
            .filter(|(_, c, _, _)| c.external_id == id)
        {
            setup.seed.add_row(h, cells);
            if keep {
                rows.push(Record::new(cells));
            }
            self.merged.merge(card, row);
            return Ok(());
        }
        let mut h = Vec::with_capacity(1024);
        setup.seed.add_row(&mut h, cells);
        let rows = if keep {
            vec![Record::new(cells)]
        } else {
            Vec::new()
        };
        let merged = Merged::new(&row, setup.mapper.profile());
        if let Some((l, mut done, dh, rows)) = self.pending.replace((line, row, h, rows)) {
            self.merged.finish(&mut done);
            let hash = setup.seed.finish(&dh);
            let item = self.item(l, done, hash, rows);
            self.items.push(item);
        }
        self.merged = merged;
        Ok(())
    }

    /// A whole card, mapped (with the rows it came from, for a card the store may hold).
    fn item(&mut self, line: u64, card: Card, hash: i64, rows: Vec<Record>) -> Item {
        self.note_card(&card.stage, card.pipeline.as_deref());
        Item::Card {
            line,
            hash,
            row: Box::new(CardRow::new(card, hash, &self.setup.keys)),
            rows,
            flags: None,
        }
    }

    /// Notes what the file holds: its pipelines, and stages the funnel does not know.
    fn note_card(&mut self, stage: &str, pipeline: Option<&str>) {
        let new = match pipeline {
            None => !std::mem::replace(&mut self.no_pipeline_seen, true),
            Some(p) => !self.pipelines_seen.contains(p) && self.pipelines_seen.insert(p.into()),
        };
        if new {
            self.facts.scopes.push(pipeline.map(String::from));
        }
        let known = self.stage_known.knows(self.setup.funnel, stage);
        if !known {
            match self.unknown_at.get(stage) {
                Some(&i) => self.facts.unknown[i].read += 1,
                None => {
                    self.unknown_at
                        .insert(stage.to_string(), self.facts.unknown.len());
                    self.facts.unknown.push(UnknownStage {
                        stage: stage.to_string(),
                        cards: 0,
                        read: 1,
                    });
                }
            }
        }
    }
}

/// A warning per merged cell of a deal row named (`html::read`): its row, the column its value
/// went to, and the columns and rows it left empty by header. Without it a hand-merged cell
/// would empty the column beside it (the pipeline, say) without a word.
fn merged_warnings(cells: &[xlsx::MergedCell], mapper: &Mapper) -> Vec<Warning> {
    let names = mapper.names();
    let header = |column: usize| {
        names
            .get(column - 1)
            .cloned()
            .unwrap_or_else(|| column.to_string())
    };
    cells
        .iter()
        .map(|m| {
            let first = header(m.column);
            let beside: Vec<String> = (m.column + 1..m.column + m.across as usize)
                .filter_map(|c| names.get(c - 1).cloned())
                .collect();
            Warning {
                line: m.row,
                column: first.clone(),
                message: msg::html_merged_cell(m.line, m.across, m.down, &first, &beside),
            }
        })
        .collect()
}

/// One warning for a workbook's formula cells that hold no value: how many, and the first's
/// sheet, cell and column header. Without it they would be imported empty without a word.
fn uncalculated_warning(
    u: &xlsx::Uncalculated,
    sheet: Option<&str>,
    mapper: &Mapper,
) -> Option<Warning> {
    let (r, c, column) = u.first.filter(|_| u.cells > 0)?;
    let header = column
        .and_then(|i| mapper.names().get(i))
        .map(String::as_str)
        .unwrap_or_default();
    Some(Warning {
        line: r as u64 + 1,
        column: header.to_string(),
        message: msg::formulas_without_values(
            u.cells,
            sheet.unwrap_or_default(),
            &xlsx::cell_ref(r, c),
            header,
        ),
    })
}

/// A quote not doubled inside a quoted field (`CsvReader::stray_quote`): the value is kept as
/// read, and the warning names its line, its column and the column's header.
fn stray_quote_warning(line: u64, field: usize, mapper: &Mapper) -> Warning {
    Warning {
        line,
        column: mapper.names().get(field - 1).cloned().unwrap_or_default(),
        message: msg::quote_not_doubled(field),
    }
}

/// The cards a full export did not mark gone because it holds none of them
/// (`store::cards::marks_gone`): a warning about the file as a whole (line 0), shown first.
fn gone_withheld_warning(cards: u64, source: &str) -> Warning {
    Warning {
        line: 0,
        column: String::new(),
        message: msg::gone_withheld(cards, source),
    }
}

fn row_error(file: &str, e: RowError) -> ImportError {
    ImportError {
        file: file.to_string(),
        line: Some(e.line),
        column: e.column,
        message: e.message,
    }
}

fn limit_error(
    file: &str,
    line: u64,
    column: Option<usize>,
    limit: Limit,
    value: u64,
) -> ImportError {
    ImportError {
        file: file.to_string(),
        line: Some(line),
        column,
        message: msg::limit_exceeded(limit, value),
    }
}

fn csv_error(file: &str, e: CsvError) -> ImportError {
    let (line, column, message) = match e {
        CsvError::Limit {
            line,
            column,
            limit,
            value,
        } => return limit_error(file, line, column, limit, value),
        CsvError::Sheet {
            line,
            column,
            message,
        } => (line, column, message),
        CsvError::UnclosedQuote { line } => (Some(line), None, msg::unclosed_quote()),
        CsvError::NotUtf8 { line, field } => (Some(line), Some(field), msg::not_utf8()),
        CsvError::Nul { line, field } => (Some(line), Some(field), msg::nul_in_field()),
        CsvError::Io(io) => match io
            .get_ref()
            .and_then(|inner| inner.downcast_ref::<decode::MalformedAt>())
        {
            Some(at) => (None, None, msg::undecodable(at.0)),
            None => (None, None, io.to_string()),
        },
    };
    ImportError {
        file: file.to_string(),
        line,
        column,
        message,
    }
}

fn open(path: &Path, opts: &ImportOptions) -> Result<Opened, String> {
    let mut file = File::open(path).map_err(|e| msg::cannot_read(&e))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = Vec::with_capacity(decode::SNIFF_BYTES);
    (&mut file)
        .take(decode::SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| msg::cannot_read(&e))?;
    let whole = (head.len() as u64) >= size;
    let kind = match decode::file_kind(&head) {
        Ok(k) => k,
        Err(SniffError::Empty) => return Err(msg::empty_file()),
        Err(SniffError::Binary(at)) => return Err(msg::binary_file(at)),
        Err(SniffError::XmlWorkbook) => return Err(msg::xml_workbook()),
    };
    // A sheet asked of a file that has none is a mistake about the file, said before a row is
    // read: imported anyway, it would be whatever the file holds.
    if let Some(sheet) = opts.sheet.as_deref()
        && kind != FileKind::Workbook
    {
        return Err(msg::sheet_without_sheets(
            sheet,
            kind == FileKind::HtmlTable,
        ));
    }
    match kind {
        FileKind::HtmlTable => {
            let chosen = super::html::encoding(&head, whole, opts.encoding.as_deref())?;
            let body = Cursor::new(head[chosen.bom_len..].to_vec());
            let rest = with_progress(file, size, head.len() as u64, opts);
            let text = Utf8Reader::new(body.chain(rest), chosen.encoding);
            Ok(Opened {
                rows: RowSource::table(super::html::rows(text, &opts.limits)),
                encoding: chosen.label(),
                encoding_reason: msg::html_reason(&msg::encoding_reason(chosen.reason)),
                delimiter: None,
                sheet: None,
            })
        }
        FileKind::Workbook => {
            drop(file);
            let sheet = xlsx::open(path, opts.sheet.as_deref(), &opts.limits)?;
            Ok(Opened {
                rows: RowSource::sheet(sheet.rows),
                encoding: sheet.format.as_str().into(),
                encoding_reason: msg::workbook_reason(),
                delimiter: None,
                sheet: Some(sheet.name),
            })
        }
        FileKind::Text => {
            let chosen = match &opts.encoding {
                Some(label) => {
                    decode::forced(label, &head).ok_or_else(|| msg::unknown_encoding(label))?
                }
                None => decode::sniff(&head, whole),
            };
            let (sample, _) = chosen
                .encoding
                .decode_without_bom_handling(&head[chosen.bom_len..]);
            let delimiter = sniff_delimiter(sample.as_bytes());
            let body = Cursor::new(head[chosen.bom_len..].to_vec());
            let rest = with_progress(file, size, head.len() as u64, opts);
            let stream: Box<dyn Read + Send> =
                Box::new(Utf8Reader::new(body.chain(rest), chosen.encoding));
            Ok(Opened {
                rows: RowSource::Csv(Box::new(
                    CsvReader::new(stream, delimiter).with_limits(&opts.limits),
                )),
                encoding: chosen.label(),
                encoding_reason: msg::encoding_reason(chosen.reason),
                delimiter: Some(msg::delimiter_name(delimiter)),
                sheet: None,
            })
        }
    }
}

/// The rest of a text file (`read` bytes of `size` read already), with a progress bar on
/// stderr when the file is big and stderr a terminal.
fn with_progress(file: File, size: u64, read: u64, opts: &ImportOptions) -> Box<dyn Read + Send> {
    if opts.progress && size > PROGRESS_BYTES && std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new(size);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_position(read);
        Box::new(bar.wrap_read(file))
    } else {
        Box::new(file)
    }
}

fn choose_profile(header: &[String], opts: &ImportOptions) -> Result<(Profile, String), String> {
    let named = opts
        .profile
        .as_deref()
        .filter(|p| !p.eq_ignore_ascii_case("auto"));
    let (mut profile, reason) = match named {
        Some(name) => {
            let p = Profile::builtin(name).ok_or_else(|| msg::unknown_profile(name))?;
            (p, msg::profile_forced())
        }
        None => match profile::detect(header).or_else(|| {
            // The map on top of the profile the headers name, as `--profile NAME --map` would.
            (!opts.map.is_empty())
                .then(|| profile::detect_with_map(header, &opts.map))
                .flatten()
        }) {
            Some(d) => {
                let reason = msg::profile_detected(&d);
                (
                    Profile::builtin(&d.profile).expect("detected profiles are built in"),
                    reason,
                )
            }
            None if !opts.map.is_empty() => (
                Profile::builtin("generic").expect("generic is built in"),
                msg::profile_generic_by_map(),
            ),
            None => {
                return Err(match profile::near_miss(header) {
                    Some(near) => msg::profile_near_miss(&near),
                    None => msg::profile_not_recognised(header),
                });
            }
        },
    };
    profile.apply_map(&opts.map);
    if let Some((field, h)) = opts.map.iter().find(|(_, h)| {
        !header
            .iter()
            .any(|x| crate::domain::names::fold(x) == crate::domain::names::fold(h))
    }) {
        return Err(msg::map_header_missing(field.name(), h, header));
    }
    Ok((profile, reason))
}
