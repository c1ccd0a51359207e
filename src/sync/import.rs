//! One file in, one transaction out: sniff the file, pick the profile, stream rows to cards on a
//! reader thread while the store writes them, and report what changed.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{Cursor, IsTerminal, Read};
use std::path::Path;
use std::sync::mpsc;

use chrono::NaiveDateTime;

use super::csv::{CsvError, CsvReader, sniff_delimiter};
use super::decode::{self, FileKind, SniffError, Utf8Reader};
use super::digest::Seed;
use super::limits::{Limit, Limits};
use super::mapper::{Mapper, Merged, RowError, Warning};
use super::profile::{self, Profile};
use super::rows::RowSource;
use super::xlsx;
use crate::domain::funnel::KnownStages;
pub use crate::domain::import_report::{ImportReport, UnknownStage};
use crate::domain::{Card, Funnel, SystemField};
use crate::store::Store;
use crate::store::cards::{BatchCounts, BatchMeta, CardRow, Existing, Outcome};
use crate::store::fields::FieldKeys;
use crate::text::import as msg;

/// How many warnings the report shows (all are counted).
const WARNING_SAMPLES: usize = 10;
const BATCH: usize = 512;
/// A batch also goes out once its cells hold this much text, so that the batches in flight
/// stay small however long the rows are.
const BATCH_BYTES: usize = 4 << 20;
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
    },
    /// Not mapped: on a re-sync most rows are unchanged, and only the writer, which looks the
    /// card up, knows which. Mapping waits until a row turns out to be new or changed.
    Raw {
        line: u64,
        hash: i64,
        record: Record,
    },
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

pub fn import_file(
    store: &mut Store,
    funnel: &Funnel,
    path: &Path,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let mut bulk = false;
    let result = import_into(store, funnel, path, opts, &mut bulk);
    if bulk {
        // Best effort: the next okk to open the store sets WAL again anyway.
        let _ = store.end_bulk_load();
    }
    result
}

fn import_into(
    store: &mut Store,
    funnel: &Funnel,
    path: &Path,
    opts: &ImportOptions,
    bulk: &mut bool,
) -> Result<ImportReport, ImportError> {
    let file_label = path.display().to_string();
    let fail = |line: Option<u64>, column: Option<usize>, message: String| ImportError {
        file: file_label.clone(),
        line,
        column,
        message,
    };
    let mut opened = open(path, opts).map_err(|m| fail(None, None, m))?;

    // The header.
    let header_line;
    let header: Vec<String> = {
        let rows = &mut opened.rows;
        if !rows.next_record().map_err(|e| csv_error(&file_label, e))? {
            return Err(fail(None, None, msg::empty_file()));
        }
        header_line = rows.line();
        (0..rows.len())
            .map(|i| rows.field(i).map(str::to_string))
            .collect::<Result<_, _>>()
            .map_err(|e| csv_error(&file_label, e))?
    };

    let (profile, profile_reason) =
        choose_profile(&header, opts).map_err(|m| fail(Some(header_line), None, m))?;
    let source = opts
        .source
        .clone()
        .unwrap_or_else(|| profile.source.clone());
    let profile_name = profile.name.clone();
    let mapper = Mapper::new(&header, profile, source.clone())
        .map_err(|m| fail(Some(header_line), None, m))?;

    *bulk = store
        .begin_bulk_load(&source)
        .map_err(|e| fail(None, None, e.to_string()))?;
    let meta = BatchMeta {
        file: &file_label,
        profile: &profile_name,
        source: &source,
        encoding: &opened.encoding,
        partial: opts.partial,
        now: opts.now,
        // Only into an empty store: rebuilding means sorting every card there is.
        rebuild_queue_index: *bulk
            && store
                .max_card_id()
                .map_err(|e| fail(None, None, e.to_string()))?
                == 0,
    };
    let mut import = store
        .begin_import(&meta)
        .map_err(|e| fail(None, None, e.to_string()))?;

    // What the source's exports have: a column it never had is said once, not flagged per card.
    let custom = mapper.custom_fields();
    let custom: Vec<&str> = custom.iter().map(|f| &**f).collect();
    import
        .record_columns(&mapper.system_field_names(), &custom)
        .map_err(|e| fail(None, None, e.to_string()))?;

    let seed = Seed::new(&mapper, &source);
    let keys = import
        .field_keys(&mapper.custom_fields())
        .map_err(|e| fail(None, None, e.to_string()))?;

    let mut counts = BatchCounts::default();
    let mut stage_changes = 0u64;
    let mut samples: Vec<Warning> = Vec::new();
    let mut facts = FileFacts::default();
    let mut note_warnings = |counts: &mut BatchCounts, ws: Vec<Warning>| {
        counts.warnings += ws.len() as u64;
        for w in ws {
            if samples.len() < WARNING_SAMPLES {
                samples.push(w);
            }
        }
    };

    let rows = opened.rows;
    let file_for_thread = file_label.clone();
    let result: Result<(), ImportError> = std::thread::scope(|scope| {
        let (tx, rx) = mpsc::sync_channel::<Chunk>(8);
        let (back_tx, back_rx) = mpsc::channel::<Vec<Item>>();
        let reader = Reader {
            mapper: &mapper,
            keys: &keys,
            funnel,
            fresh: import.fresh(),
            seed: &seed,
            file: &file_for_thread,
            stage_known: KnownStages::default(),
            unknown_at: HashMap::new(),
            pipelines_seen: HashSet::new(),
            no_pipeline_seen: false,
            limits: opts.limits,
            facts: FileFacts::default(),
        };
        std::thread::Builder::new()
            .name("okk-reader".into())
            .spawn_scoped(scope, move || reader.run(rows, tx, back_rx))
            .map_err(|e| fail(None, None, e.to_string()))?;
        for chunk in rx {
            let (items, warnings) = match chunk {
                Chunk::Items(items, w) => (items, w),
                Chunk::Done(f) => {
                    facts = f;
                    continue;
                }
                Chunk::Failed(e) => return Err(e),
            };
            note_warnings(&mut counts, warnings);
            for item in &items {
                let mut warnings = Vec::new();
                let (line, outcome) = apply(&mut import, &mapper, &keys, item, &mut warnings)
                    .map_err(|e| match e {
                        Applied::Row(e) => row_error(&file_label, e),
                        Applied::Store(line, e) => fail(Some(line), None, e.to_string()),
                    })?;
                note_warnings(&mut counts, warnings);
                match outcome {
                    Outcome::Inserted => counts.inserted += 1,
                    Outcome::Updated { stage_changed } => {
                        counts.updated += 1;
                        stage_changes += stage_changed as u64;
                    }
                    Outcome::Unchanged => counts.unchanged += 1,
                    Outcome::Duplicate => {
                        let w = Warning {
                            line,
                            column: String::new(),
                            message: msg::duplicate_id(),
                        };
                        note_warnings(&mut counts, vec![w]);
                    }
                }
            }
            // Freeing a batch is a good part of the writer's time on a bulk load, and the
            // reader has time to spare: it drops the batches the writer hands back.
            let _ = back_tx.send(items);
        }
        Ok(())
    });
    // On error `import` is dropped here, which rolls the transaction back.
    result?;
    let cards = counts.inserted + counts.updated + counts.unchanged;
    counts.rows = facts.rows;
    let columns = import
        .source_columns()
        .map_err(|e| fail(None, None, e.to_string()))?;
    let absent_fields = crate::domain::columns::absent_required(funnel, &columns)
        .iter()
        .map(|f| f.label().to_string())
        .collect();
    let counts = import
        .finish(counts, &facts.scopes, !opts.dry_run)
        .map_err(|e| fail(None, None, e.to_string()))?;
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
        stage_changes,
        warnings: counts.warnings,
        warning_samples: samples,
        unknown_stages: facts.unknown,
        absent_fields,
        dry_run: opts.dry_run,
    })
}

enum Applied {
    Row(RowError),
    Store(u64, crate::store::StoreError),
}

/// The writer's side of one item: look the card up (unless the source is fresh), and write it
/// if it is new or changed.
fn apply(
    import: &mut crate::store::cards::Import<'_>,
    mapper: &Mapper,
    keys: &FieldKeys,
    item: &Item,
    warnings: &mut Vec<Warning>,
) -> Result<(u64, Outcome), Applied> {
    let lookup = |import: &mut crate::store::cards::Import<'_>, line, id: &str| {
        if import.fresh() {
            Ok(None)
        } else {
            import.lookup(id).map_err(|e| Applied::Store(line, e))
        }
    };
    let write = |import: &mut crate::store::cards::Import<'_>,
                 line,
                 existing: Option<Existing>,
                 row: &CardRow| {
        import
            .upsert(existing.as_ref(), row)
            .map(|o| (line, o))
            .map_err(|e| Applied::Store(line, e))
    };
    match *item {
        Item::Card {
            line,
            hash,
            ref row,
        } => match lookup(import, line, &row.card.external_id)? {
            Some(e) if e.hash == hash && !e.gone => Ok((line, import.unchanged(e.id))),
            existing => write(import, line, existing, row),
        },
        Item::Raw {
            line,
            hash,
            ref record,
        } => {
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
                    Ok((line, import.unchanged(e.id)))
                }
                existing => {
                    let card = mapper
                        .card(line, record.cells(), warnings)
                        .map_err(Applied::Row)?;
                    write(import, line, existing, &CardRow::new(card, hash, keys))
                }
            }
        }
    }
}

/// The reader thread: rows → items, in batches. It never touches the store.
struct Reader<'a> {
    mapper: &'a Mapper,
    keys: &'a FieldKeys,
    funnel: &'a Funnel,
    /// The source has no cards yet: map every row here, the writer only inserts.
    fresh: bool,
    seed: &'a Seed,
    file: &'a str,
    stage_known: KnownStages,
    /// Where each unknown stage sits in `facts.unknown`, and the pipelines already in
    /// `facts.scopes`: a hostile file may hold a million of either.
    unknown_at: HashMap<String, usize>,
    pipelines_seen: HashSet<String>,
    no_pipeline_seen: bool,
    limits: Limits,
    facts: FileFacts,
}

impl Reader<'_> {
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

    /// `Err(None)`: the writer hung up.
    fn read(
        &mut self,
        mut rows: RowSource,
        tx: &mpsc::SyncSender<Chunk>,
        back: &mpsc::Receiver<Vec<Item>>,
    ) -> Result<(), Option<ImportError>> {
        let mapper = self.mapper;
        let group = mapper.profile().group_rows_by_id;
        let id_col = mapper
            .column_index(SystemField::ExternalId)
            .expect("checked by Mapper::new");
        let stage_col = mapper
            .column_index(SystemField::Stage)
            .expect("checked by Mapper::new");
        let pipeline_col = mapper.column_index(SystemField::Pipeline);
        let mut items: Vec<Item> = Vec::with_capacity(BATCH);
        let mut warnings = Vec::new();
        // Bitrix24: the card being built from consecutive rows with one ID.
        let mut pending: Option<(u64, Card, Vec<u8>)> = None;
        let mut digest_buf: Vec<u8> = Vec::with_capacity(4096);
        let mut batch_bytes = 0usize;
        let mut merged = Merged::default();
        loop {
            if !rows
                .next_record()
                .map_err(|e| Some(csv_error(self.file, e)))?
            {
                break;
            }
            let line = rows.line();
            self.facts.rows += 1;
            if self.facts.rows > self.limits.rows {
                return Err(Some(limit_error(
                    self.file,
                    line,
                    None,
                    Limit::Rows,
                    self.limits.rows,
                )));
            }
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
            batch_bytes += cells.iter().map(|c| c.len()).sum::<usize>();
            let id = cells[id_col].trim();
            if group {
                if let Some((_, card, h)) = pending.as_mut().filter(|(_, c, _)| c.external_id == id)
                {
                    self.seed.add_row(h, &cells);
                    let row = mapper
                        .card(line, cells.iter().copied(), &mut warnings)
                        .map_err(|e| Some(row_error(self.file, e)))?;
                    merged.merge(card, row);
                    continue;
                }
                let mut h = Vec::with_capacity(1024);
                self.seed.add_row(&mut h, &cells);
                let card = mapper
                    .card(line, cells.iter().copied(), &mut warnings)
                    .map_err(|e| Some(row_error(self.file, e)))?;
                merged = Merged::new(&card);
                if let Some((l, done, dh)) = pending.replace((line, card, h)) {
                    let hash = self.seed.finish(&dh);
                    let item = self.item(l, done, hash)?;
                    items.push(item);
                }
            } else {
                digest_buf.clear();
                self.seed.add_row(&mut digest_buf, &cells);
                let hash = self.seed.finish(&digest_buf);
                if self.fresh {
                    let card = mapper
                        .card(line, cells.iter().copied(), &mut warnings)
                        .map_err(|e| Some(row_error(self.file, e)))?;
                    self.note_card(&card.stage, card.pipeline.as_deref());
                    items.push(Item::Card {
                        line,
                        hash,
                        row: Box::new(CardRow::new(card, hash, self.keys)),
                    });
                } else {
                    let pipeline = pipeline_col
                        .map(|c| cells[c].trim())
                        .filter(|p| !p.is_empty());
                    self.note_card(cells[stage_col].trim(), pipeline);
                    items.push(Item::Raw {
                        line,
                        hash,
                        record: Record::new(&cells),
                    });
                }
            }
            if items.len() >= BATCH || batch_bytes >= BATCH_BYTES {
                batch_bytes = 0;
                while let Ok(done) = back.try_recv() {
                    drop(done);
                }
                let full = std::mem::replace(&mut items, Vec::with_capacity(BATCH));
                tx.send(Chunk::Items(full, std::mem::take(&mut warnings)))
                    .map_err(|_| None)?;
            }
        }
        if let Some((l, done, dh)) = pending {
            let hash = self.seed.finish(&dh);
            let item = self.item(l, done, hash)?;
            items.push(item);
        }
        tx.send(Chunk::Items(items, warnings)).map_err(|_| None)
    }

    /// A whole card (grouped rows are always mapped).
    fn item(&mut self, line: u64, card: Card, hash: i64) -> Result<Item, Option<ImportError>> {
        self.note_card(&card.stage, card.pipeline.as_deref());
        Ok(Item::Card {
            line,
            hash,
            row: Box::new(CardRow::new(card, hash, self.keys)),
        })
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
        let known = self.stage_known.knows(self.funnel, stage);
        if !known {
            match self.unknown_at.get(stage) {
                Some(&i) => self.facts.unknown[i].cards += 1,
                None => {
                    self.unknown_at
                        .insert(stage.to_string(), self.facts.unknown.len());
                    self.facts.unknown.push(UnknownStage {
                        stage: stage.to_string(),
                        cards: 1,
                    });
                }
            }
        }
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
    };
    match kind {
        FileKind::HtmlTable => Err(msg::html_table()),
        FileKind::Workbook => {
            drop(file);
            let sheet = xlsx::open(path, opts.sheet.as_deref(), &opts.limits)?;
            Ok(Opened {
                rows: RowSource::sheet(sheet.rows),
                encoding: "xlsx".into(),
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
            let rest: Box<dyn Read + Send> = if opts.progress
                && size > PROGRESS_BYTES
                && std::io::stderr().is_terminal()
            {
                let bar = indicatif::ProgressBar::new(size);
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {eta}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar.set_position(head.len() as u64);
                Box::new(bar.wrap_read(file))
            } else {
                Box::new(file)
            };
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
        None => match profile::detect(header) {
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
