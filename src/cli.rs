//! The command line: every command, flag and its help text.

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Args, Parser, Subcommand};

use crate::domain::output::Output;

/// Where the global options stand in a command's help: after its own, which are what a reader of
/// `okk crm add --help` looks for (clap would interleave the two by declaration order).
const GLOBAL: usize = 1000;

#[derive(Debug, Parser)]
#[command(
    name = "okk",
    version,
    about = "Audit CRM sales funnels: import deal exports, check every card against its stage, \
             review them keyboard-first, export the verdicts.",
    after_help = "Start with `okk demo`. Exit codes: 0 success, 1 bad input or config, 2 wrong usage."
)]
pub struct Cli {
    /// The SQLite store, or a team server's PostgreSQL database (postgres://user@host/db)
    /// [default: the platform data dir, e.g. ~/.local/share/okk/okk.db]
    #[arg(long, global = true, display_order = GLOBAL, env = "OKK_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The funnel config [default: funnel.toml in the platform config dir, written from the
    /// built-in default on first use and never overwritten]
    #[arg(long, global = true, display_order = GLOBAL, env = "OKK_FUNNEL", value_name = "PATH")]
    pub funnel: Option<PathBuf>,

    /// The config file: the CRM connections (`[[crm]]`, written by `okk crm add`), `auditor =
    /// "name"` and key rebindings under `[keys.SCREEN]` [default: config.toml in the platform
    /// config dir]
    #[arg(long, global = true, display_order = GLOBAL, env = "OKK_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Judge the cards as of this day (YYYY-MM-DD): rules, idle days, "days ago". The times okk
    /// records (verdicts, decisions, syncs) stay the clock's [default: the store's own day (the
    /// demo's), else today]
    #[arg(long, global = true, display_order = GLOBAL, env = "OKK_TODAY", value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub today: Option<chrono::NaiveDate>,

    /// The language okk speaks: ru or en [default: the config's `lang`, else the locale
    /// (LC_ALL, LC_MESSAGES, LANG): Russian for ru*, English otherwise]
    #[arg(long, global = true, display_order = GLOBAL, env = "OKK_LANG", value_name = "LANG", value_parser = ["en", "ru"])]
    pub lang: Option<String>,

    /// Without a command: open the reviewer if the store has cards.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import CRM deal exports (CSV, XLSX, XLSB, XLS, ODS, or Bitrix24's HTML "Excel" export) into
    /// the store: new cards are added, changed cards updated (stage moves kept in their history),
    /// cards missing from a full export marked gone.
    Import(ImportArgs),
    /// Where the funnel leaks: per stage and per manager, cards judged and the share not ok,
    /// scores, idle days, the checklist items failed most; the bottlenecks; the weekly trend.
    Stats(StatsArgs),
    /// Write the figures of `okk stats` (and the auditors') as one self-contained HTML page with
    /// charts, for the head of sales: no scripts, nothing fetched from the network.
    Report(ReportArgs),
    /// How well custom fields are kept: per field (declared or not) and stage, the cards, how
    /// many have it filled and the rate, and per owner; declared stage-bound and required
    /// fields first.
    Fields(FieldsArgs),
    /// List the cards the stage rules flagged, with the evidence for each flag.
    Check(CheckArgs),
    /// The review queue of a stage, in the order an auditor meets the cards.
    Queue(QueueArgs),
    /// Review cards, keyboard only: the funnel, each stage's queue, one card at a time.
    Review(ReviewArgs),
    /// The team lead's desk: the auditors' reviews, to accept, override or send back.
    Lead(LeadArgs),
    /// Print the active key table (defaults with the config file's rebindings).
    Keys,
    /// Calibrate auditors: the same sample judged by each, and how far they agree.
    Calibrate {
        #[command(subcommand)]
        command: CalibrateCommand,
    },
    /// Move reviews and lead decisions between laptops.
    Bundle {
        #[command(subcommand)]
        command: BundleCommand,
    },
    /// Check or show the funnel config.
    Funnel {
        #[command(subcommand)]
        command: FunnelCommand,
    },
    /// Write the reviews as a table, or the changes they ask for in a CRM's import format.
    Export {
        #[command(subcommand)]
        command: ExportCommand,
    },
    /// Build a fresh demo store from the bundled demo export (a new temporary copy each run;
    /// your own store is never touched) and open the reviewer on it (or print its figures
    /// when not on a terminal).
    Demo(DemoArgs),
    /// Pull what changed in the CRM accounts of the config file's [[crm]] connections since the
    /// last sync, over their REST APIs, into the store.
    Sync(SyncArgs),
    /// The CRM connections of the config file: add, list, test.
    Crm {
        #[command(subcommand)]
        command: CrmCommand,
    },
    /// The store itself: move it between a laptop's SQLite file and a team server's
    /// PostgreSQL, name its users, list its imports, take a mistaken import's cards out.
    Db {
        #[command(subcommand)]
        command: DbCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy every card, flag, review, decision, draft and calibration of a SQLite store into an
    /// empty PostgreSQL one (one transaction: a failed copy leaves it empty).
    Copy {
        /// The SQLite store file.
        #[arg(value_name = "FROM")]
        from: PathBuf,
        /// The PostgreSQL database: postgres://user@host/db.
        #[arg(value_name = "TO")]
        to: PathBuf,
    },
    /// Who may do what on the store (--db): name its auditors and leads (on a server, each
    /// with the PostgreSQL login role they connect as); without names, list the users.
    Roles {
        /// An auditor: NAME, or on a server NAME=LOGIN.
        #[arg(long = "auditor", value_name = "NAME[=LOGIN]")]
        auditors: Vec<String>,
        /// A lead: NAME, or on a server NAME=LOGIN.
        #[arg(long = "lead", value_name = "NAME[=LOGIN]")]
        leads: Vec<String>,
    },
    /// Every import and sync run of the store (--db), oldest first: its number, when, the file
    /// or connection, profile, source, rows, cards new, updated and unchanged, and how many of
    /// the cards it first brought are still there.
    Imports {
        /// One JSON object per run and line instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// Take a mistaken import's cards back out of the store (--db), in one transaction, with
    /// their flags, stage history and notes. A card that carries desk work (a review in any
    /// state, a draft, a claim held, an open calibration's sample) stays; --with-work takes a
    /// card kept only for reviews and drafts out with them. On a team server: the database
    /// owner's login or a lead's.
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("cards")
        .args(["import", "source", "gone"])
        .required(true)
))]
pub struct PruneArgs {
    /// The cards this import or sync run first brought: its number as `okk db imports` lists
    /// it, or `last`. Cards it only updated stay as it left them.
    #[arg(long, value_name = "N|last", value_parser = parse_run)]
    pub import: Option<RunPick>,
    /// Every card of this source.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// The cards marked gone: no longer in the CRM, or missing from a full export.
    #[arg(long)]
    pub gone: bool,
    /// Say what would be taken out and what kept; change nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Take the cards out without asking (off a terminal, where okk cannot ask, it is needed).
    #[arg(long, conflicts_with = "dry_run")]
    pub yes: bool,
    /// Also take out the selected cards kept only for reviews and drafts, with those reviews
    /// (any state, and the lead's decisions on them) and drafts. A card an auditor holds now
    /// or an open calibration samples still stays.
    #[arg(long)]
    pub with_work: bool,
    /// The report as one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `--import N|last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunPick {
    Last,
    Number(i64),
}

/// `--import`: a run's number, or `last`.
fn parse_run(s: &str) -> Result<RunPick, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("last") {
        return Ok(RunPick::Last);
    }
    s.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(RunPick::Number)
        .ok_or_else(|| crate::text::prune::bad_run(s))
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The connections to sync [default: all].
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Read every deal, not only what changed, and mark the deals the CRM no longer lists gone.
    #[arg(long)]
    pub full: bool,
    /// Read and check everything, report what would change, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// One JSON object per connection and line instead of the text report.
    #[arg(long)]
    pub json: bool,
    /// Write the cards only; the stage rules run at the next read.
    #[arg(long)]
    pub no_check: bool,
    /// A first sync whose deals the store already holds from exports under another source: keep
    /// the connection's cards apart all the same (another account whose deals look alike).
    #[arg(long)]
    pub new_source: bool,
}

#[derive(Debug, Subcommand)]
pub enum CrmCommand {
    /// Add a connection to the config file.
    Add(CrmAddArgs),
    /// List the connections (addresses with secrets redacted, never a token).
    List,
    /// One cheap authenticated call: whose token it is and what it may read.
    Test {
        /// The connection's name, as `okk crm list` shows it.
        #[arg(value_name = "NAME")]
        name: String,
    },
    /// Remove a connection from the config file (the rest of the file as it was); the cards
    /// it synced stay in the store.
    Remove {
        /// The connection's name, as `okk crm list` shows it.
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct CrmAddArgs {
    /// The connection's name: the source its cards get.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Which CRM the account is in.
    #[arg(long, value_parser = ["amocrm", "kommo", "bitrix24"])]
    pub kind: Option<String>,
    /// The account's address (Bitrix24: the incoming webhook's).
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The environment variable that holds the token.
    #[arg(long, value_name = "VAR")]
    pub token_env: Option<String>,
    /// A file that holds the token (mode 0600).
    #[arg(long, value_name = "PATH")]
    pub token_file: Option<PathBuf>,
    /// Sync only this pipeline (repeat for more) [default: all].
    #[arg(long = "pipeline", value_name = "NAME")]
    pub pipelines: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Start on the first card of this stage's queue (its funnel name, an alias, or the CRM's
    /// name for it) instead of the funnel screen.
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
    /// Who reviews: stored with every verdict [default: $OKK_AUDITOR, else `auditor` in the
    /// config file, else the login name].
    #[arg(long, env = "OKK_AUDITOR", value_name = "NAME")]
    pub auditor: Option<String>,
    /// Take each card by claim, held for this auditor alone while on screen: for auditors
    /// sharing one store file (always so on a server, `--db postgres://…`).
    #[arg(long)]
    pub claim: bool,
    /// How long a claim holds a card with nothing pressed, in seconds (renewed while the
    /// reviewer runs; the store's clock).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub lease: u64,
}

#[derive(Debug, Args)]
pub struct LeadArgs {
    /// Who decides: stored with every decision [default: $OKK_LEAD, else `auditor` in the
    /// config file, else the login name].
    #[arg(long, env = "OKK_LEAD", value_name = "NAME")]
    pub lead: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub review: ReviewArgs,
    /// Print the demo's figures instead of opening the reviewer.
    #[arg(long)]
    pub print: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Export files: CSV (UTF-8, UTF-16, windows-1251, KOI8-R; `,` `;` or tab) or XLSX/XLS/ODS.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Which CRM wrote the file.
    #[arg(long, default_value = "auto", value_parser = PossibleValuesParser::new(crate::formats::crms::IMPORT_CHOICES))]
    pub profile: String,

    /// Map columns to okk's fields, e.g. `--map title=Deal,stage=Status,external_id=No`.
    /// Fields: external_id, title, stage, pipeline, owner, amount, currency, created_at,
    /// updated_at, closed_at, expected_close_at, last_activity_at, closed, won, status, contact,
    /// company, phone, email, tags, notes.
    #[arg(long, value_name = "FIELD=HEADER,...")]
    pub map: Vec<String>,

    /// Force the text encoding (utf-8, utf-16le, utf-16be, windows-1251, koi8-r) instead of
    /// detecting it.
    #[arg(long, value_name = "NAME")]
    pub encoding: Option<String>,

    /// The workbook sheet to read [default: the first].
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// The CRM account the cards belong to [default: the profile's name]. Use it to keep two
    /// accounts of one CRM apart.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,

    /// The file is a partial export (a filter or one stage): cards missing from it are not
    /// marked gone.
    #[arg(long)]
    pub partial: bool,

    /// Read and check everything, report what would change, write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// Do not run the stage rules after the import; they run at the next `okk check`,
    /// `okk queue` or `okk stats` (useful when importing several exports in a row).
    #[arg(long)]
    pub no_check: bool,

    /// Print each file's report as one JSON object per line.
    #[arg(long)]
    pub json: bool,

    /// Raise (or lower) what one file may cost, e.g. `--limit columns=5000,cell=8M`. Limits:
    /// columns (16384), cell (1M bytes), row (16M), rows (20000000), workbook (256M file),
    /// unpacked (2G, a zip workbook unpacked), part (256M, one unpacked part read whole),
    /// ratio (100, unpacked ÷ packed of a part over 1M), grid (8000000 cells of an ods/xls
    /// sheet, read whole).
    #[arg(long, value_name = "NAME=VALUE,...")]
    pub limit: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Only this stage (its funnel name, an alias, or the CRM's name for it).
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
    /// Only cards with this flag: required, idle, date, markers, closed_open, backwards, gone,
    /// unknown_stage, no_task.
    #[arg(long, value_name = "CODE")]
    pub rule: Option<String>,
    /// Print `{"cards":[{"id":..,"stage":..,"owner":..,"flags":[{"code","severity","message"}]}]}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
// A stage to list or claim from, or claims to give back (of a stage, or all): the usage line
// says so (`<--stage <NAME>|--release>`).
#[command(group(
    clap::ArgGroup::new("what")
        .args(["stage", "release"])
        .required(true)
        .multiple(true)
))]
pub struct QueueArgs {
    /// The stage (its funnel name, an alias, or the CRM's name for it).
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
    /// Whose queue: cards this auditor reviewed leave it until a sync changes them
    /// [default: $OKK_AUDITOR, else `auditor` in the config file, else the login name].
    #[arg(long, env = "OKK_AUDITOR", value_name = "NAME")]
    pub auditor: Option<String>,
    /// How many cards to show.
    #[arg(long, default_value_t = 50, value_name = "N")]
    pub limit: usize,
    /// Include gone and closed cards.
    #[arg(long)]
    pub all: bool,
    /// Print `{"cards":[{"id":..,"title":..,"flags":[CODE,..],"idle_days":N}, ...]}`.
    #[arg(long)]
    pub json: bool,
    /// Hand the next N cards to the auditor, each held for them alone for --lease seconds (a
    /// queue shared by several auditors); again, it returns their unexpired claims on the
    /// stage first and holds no more than the N it prints (the rest go back).
    #[arg(long, value_name = "N")]
    pub claim: Option<usize>,
    /// How long a claim holds its cards, in seconds (the store's clock, not --today).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    pub lease: u64,
    /// Give back the auditor's claims on the stage's cards (without --stage, on every stage):
    /// free for the next auditor at once.
    #[arg(long, conflicts_with_all = ["claim", "limit", "all"])]
    pub release: bool,
}

#[derive(Debug, Args)]
pub struct FieldsArgs {
    /// Only this stage (its funnel name, an alias, or the CRM's name for it).
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
    /// Only this owner's cards.
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Only cards created on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Print `{"fields":[{"field","stage","bound","required","cards","filled","rate",
    /// "owners":[{"owner","cards","filled","rate"}]}]}`.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(group(
    clap::ArgGroup::new("csv_layout")
        .args(["delimiter", "bom"])
        .multiple(true)
        .requires("csv")
))]
pub struct StatsArgs {
    /// Per auditor instead: reviews, cards per hour, median seconds per card, the lead's
    /// accepted / overridden / returned shares, agreement with the lead's calibration reference.
    #[arg(long, conflicts_with_all = ["table", "since", "until"])]
    pub auditors: bool,
    /// Print JSON: `{"stages":[{"stage":..,"cards":..,"gone":..,"mismatch_rate":..}, ...],
    /// "managers":[..], "bottlenecks":{"stages":[..],"pairs":[..]}, "trend":[..], ...}`.
    #[arg(long)]
    pub json: bool,
    /// Print one table as CSV (RFC 4180; cells a spreadsheet would run as a formula get a
    /// leading `'`): the one --table names, else stages.
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Only this table [default: all of them; with --csv, stages].
    #[arg(long, value_enum, value_name = "TABLE")]
    pub table: Option<StatsTable>,
    /// Only reviews made on or after this day (YYYY-MM-DD). Cards, flags and idle days are
    /// always as they are now.
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Only reviews made on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<chrono::NaiveDate>,
    /// Before and after funnel version N (`okk funnel history`): for the stages it touched,
    /// reviews and the share not ok, cards entering, conversion to a later stage and days in
    /// the stage, on each side of the day it was first used.
    #[arg(long, value_name = "N", conflicts_with_all = ["auditors", "csv", "table", "since", "until"])]
    pub funnel_version: Option<i64>,

    /// With --csv: the language of the column names and of values such as yes/no [default:
    /// the interface's]; `en` keeps okk's machine names (`mismatch_rate`) for scripts.
    #[arg(long, value_name = "LANG", value_parser = ["en", "ru"], requires = "csv")]
    pub headers: Option<String>,
    /// With --csv: the separator and the byte order mark, as `okk export reviews` takes them.
    #[command(flatten)]
    pub layout: CsvLayout,
}

/// How a CSV is laid out for the spreadsheet that opens it: `okk export reviews` and `okk stats
/// --csv` take the same flags and mean the same by them.
#[derive(Debug, Args)]
pub struct CsvLayout {
    /// The field separator; `;` also writes decimal commas, as Excel expects in locales such
    /// as Russian.
    #[arg(long, default_value = ",", value_parser = [",", ";"])]
    pub delimiter: String,
    /// Start with a UTF-8 byte order mark, so that Excel reads the file as UTF-8.
    #[arg(long)]
    pub bom: bool,
}

/// The tables of `okk stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatsTable {
    /// Per funnel stage: cards, flags, reviews, verdicts, the share not ok, score, idle days,
    /// the checklist items failed most.
    Stages,
    /// The same per manager (the cards' owner).
    Managers,
    /// Stages, and managers at a stage, by how many of their cards likely lie.
    Bottlenecks,
    /// Reviews and the share not ok per ISO week.
    Trend,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub target: ExportTarget,
    /// Only reviews made on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Only reviews made on or before this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<chrono::NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// One row per current review, its columns listed below the options. Cells a spreadsheet
    /// would run as a formula get a leading `'`.
    // The column list is the file's own header (`export::reviews::HEADER`), put under the
    // options by `app::help`, so the help cannot drift from the file.
    Reviews(ExportReviewsArgs),
    /// One row per card whose current review suggests a change (stage, owner, corrected
    /// fields), in the CRM's own import columns and formats; the lead's override replaces the
    /// auditor's suggestion, a review the lead returned is left out. Bitrix24 gets REST
    /// `crm.deal.update` calls as JSON lines: its file import cannot update deals.
    Crm(ExportCrmArgs),
}

#[derive(Debug, Args)]
pub struct ExportTarget {
    /// The file to write (written to a temp file beside it, then renamed into place); `-`
    /// writes to standard output.
    #[arg(long, value_name = "FILE", value_parser = output())]
    pub out: Output,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExportReviewsArgs {
    #[command(flatten)]
    pub target: ExportTarget,
    /// Only reviews made on or after this day (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<chrono::NaiveDate>,
    /// Only reviews of cards at this stage when reviewed (its funnel name, an alias, or the
    /// CRM's name for it).
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
    /// Only this auditor's reviews.
    #[arg(long, value_name = "NAME")]
    pub auditor: Option<String>,
    #[command(flatten)]
    pub layout: CsvLayout,
    /// The language of the column names and of values such as verdicts [default: the
    /// interface's]; `en` keeps okk's machine names (`review_id`, `wrong_stage`) for scripts.
    #[arg(long, value_name = "LANG", value_parser = ["en", "ru"])]
    pub headers: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportCrmArgs {
    #[command(flatten)]
    pub target: ExportTarget,
    /// The CRM to write for: the cards imported with this profile.
    #[arg(long, value_parser = PossibleValuesParser::new(crate::formats::crms::EXPORT_CHOICES))]
    pub profile: String,
    /// Only suggestions the team lead accepted or overrode.
    #[arg(long)]
    pub approved_only: bool,
    /// Only cards of this source (one CRM account, as given to `okk import --source`).
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// The owners map: okk's owner names → what the CRM's import takes (HubSpot: the user's
    /// email; Salesforce: the User Id; Bitrix24: the user id). CSV with a header row (UTF-8 or
    /// Windows-1251), or TOML `"okk name" = "CRM value"` lines.
    #[arg(long, value_name = "FILE")]
    pub owners: Option<PathBuf>,
    /// Where the CRM wants an email or an id and a suggested owner has none, write the card's
    /// other changes and leave its owner unchanged (default: stop and list those owners).
    #[arg(long)]
    pub skip_unmapped_owners: bool,
}

#[derive(Debug, Subcommand)]
pub enum FunnelCommand {
    /// Check the funnel config; every problem is reported as FILE:LINE:COLUMN: key: what to fix.
    Check {
        /// Also say, per source in the store, which stages require fields its exports never
        /// have a column for (those are not flagged on the cards), and warn of cards at stage
        /// names this funnel does not have.
        #[arg(long)]
        store: bool,
    },
    /// Print the funnel: stages in order, what each demands, its checklist.
    Show,
    /// Proposals for the funnel drawn from the store, each with its evidence and a TOML patch:
    /// silent_tail, bind_field, idle_limit, merge_stage, drop_stage, extra_control,
    /// missing_stage (thresholds: the funnel's [suggest]).
    Suggest {
        /// Print `{"suggestions":[{"id","kind","stage","summary","evidence","patch"}]}`.
        #[arg(long)]
        json: bool,
        /// Apply proposal N: show the diff, write the new funnel file, keep the previous one
        /// beside it.
        #[arg(long, value_name = "N")]
        apply: Option<usize>,
    },
    /// Write a starting funnel: the built-in one, or with --from-store one from the stages in
    /// the store (ordered by how cards move, won and lost guessed, near-duplicate spellings as
    /// aliases); commented TOML to edit.
    Init {
        /// Read the stages from the store (--db) [default: the built-in funnel].
        #[arg(long)]
        from_store: bool,
        /// The file to write (`-`: print it) [default: print it].
        #[arg(long, value_name = "FILE", value_parser = output())]
        out: Option<Output>,
        /// Replace FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Make FILE the funnel of the store (--db: a team server's, or a store file): every command
    /// on it judges by it from then on, whatever funnel file the machine holds (a lead's command).
    Apply {
        /// The funnel config to apply.
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// The lead applying it [default: $OKK_LEAD, else `auditor` in the config file, else
        /// the login name].
        #[arg(long, env = "OKK_LEAD", value_name = "NAME")]
        lead: Option<String>,
    },
    /// Every funnel version okk has run with on this store: its number, hash, when first used,
    /// and what changed from the one before.
    // `versions`: what the command shows, and the word a user reaches for first.
    #[command(alias = "versions")]
    History {
        /// Print `{"versions":[{"version","hash","first_used","name","changes"}]}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BundleCommand {
    /// Write this store's reviews and lead decisions to one file, every record signed with
    /// this okk's key (made on first use).
    Export(BundleExportArgs),
    /// Merge bundles into this store: importing twice, or in another order, gives the same
    /// store; a damaged, forged or conflicting bundle is refused whole.
    Import {
        /// The bundle files, each imported whole or not at all.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print the report as JSON, one object per file.
        #[arg(long)]
        json: bool,
        /// Trust a key this store does not know yet for the name its records claim, if that
        /// name has no trusted key (recorded; see `okk bundle keys`).
        #[arg(long)]
        trust_on_first_use: bool,
    },
    /// Trust an auditor's (or lead's) key: the key of a bundle they sent, or the key itself.
    Trust {
        /// A bundle file (its signer's key is taken) or a public key (64 hex digits).
        #[arg(value_name = "FILE|KEY")]
        source: String,
        /// The name the key's records may claim.
        #[arg(long = "as", value_name = "NAME")]
        name: String,
        /// The key is a lead's: it may withdraw anyone's review and vouch for others' keys.
        #[arg(long)]
        lead: bool,
        /// The name has a trusted key already and this is another of theirs, confirmed with
        /// them in person (without it, a second key in a name is refused).
        #[arg(long)]
        another_key: bool,
    },
    /// Print this okk's public key and the keys this store trusts.
    Keys {
        /// Print the keys as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct BundleExportArgs {
    /// The bundle file to write; `-` writes it to standard output.
    #[arg(long, value_name = "FILE", value_parser = output())]
    pub out: Output,
    /// Only what was made or withdrawn on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE", conflicts_with = "all")]
    pub since: Option<chrono::NaiveDate>,
    /// Everything (the default).
    #[arg(long)]
    pub all: bool,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
    /// Whose work the bundle carries: the records made here in this name, signed with this
    /// okk's key (others' go only as their authors signed them) [default: $OKK_AUDITOR, else
    /// the server login's okk user (or the one a copied file was made for), else the one name
    /// the records made in this store were made under, else the config's name, else the login
    /// name].
    #[arg(long = "as", env = "OKK_AUDITOR", value_name = "NAME")]
    pub signer: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum CalibrateCommand {
    /// Draw a reproducible sample of a stage's cards for the listed auditors; the cards come
    /// first in each one's queue, marked "calibration" (bundles carry the calibration to their
    /// laptops).
    New {
        /// The stage (its funnel name, an alias, or the CRM's name for it).
        #[arg(long, value_name = "NAME")]
        stage: String,
        /// How many cards.
        #[arg(long, value_name = "N")]
        cards: usize,
        /// Who judges them, comma-separated (at least two).
        #[arg(long, value_name = "A,B,...", value_delimiter = ',', required = true)]
        auditors: Vec<String>,
        /// The same seed draws the same cards [default: a random one, printed].
        #[arg(long, value_name = "S")]
        seed: Option<u64>,
        /// Who starts it, a lead [default: on a team server, the okk user the login is mapped
        /// to; else $OKK_LEAD, else the config's name, else the login name].
        #[arg(long, env = "OKK_LEAD", value_name = "NAME")]
        lead: Option<String>,
    },
    /// Agreement figures of a calibration [default: the latest].
    Report {
        /// Which calibration: its id, or the first characters of it as the report's head shows
        /// them [default: the latest].
        #[arg(value_name = "ID")]
        id: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The store's calibrations, oldest first: id, stage, cards, auditors, who started it and
    /// when, open or ended, and how many of its judgements are in.
    List {
        /// Print one JSON object per calibration.
        #[arg(long)]
        json: bool,
    },
    /// End a calibration (a lead's act): its cards no longer come first in its auditors'
    /// queues nor keep a card from okk db prune; its report keeps the figures it had at the end.
    /// Bundles carry the end to the auditors' laptops.
    End {
        /// Which calibration: its id, or the first characters of it as okk calibrate list shows
        /// them [default: the latest open one].
        #[arg(value_name = "ID")]
        id: Option<String>,
        /// Who ends it, a lead [default: on a team server, the okk user the login is mapped
        /// to; else $OKK_LEAD, else the config's name, else the login name].
        #[arg(long, env = "OKK_LEAD", value_name = "NAME")]
        lead: Option<String>,
        /// End it without asking (off a terminal, okk cannot ask).
        #[arg(long)]
        yes: bool,
        /// Print what was done as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `--out`: a file, or `-` for standard output.
fn output() -> impl clap::builder::TypedValueParser<Value = Output> {
    use clap::builder::TypedValueParser;
    clap::builder::PathBufValueParser::new().map(Output::from_arg)
}

/// `--today`: a calendar day, as `YYYY-MM-DD`.
fn parse_day(s: &str) -> Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| crate::text::app::bad_day(s))
}
