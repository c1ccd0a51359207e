//! Shared by the integration tests: a throw-away store in a temp dir, the real `okk` binary run
//! against it, and a digest of every table that shows what a command did or did not change.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

pub mod figures;
pub mod funnel;
#[path = "../support/keys.rs"]
pub mod keys;
pub mod reviewer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use okk::store::inspect::Inspect;
pub use okk::store::inspect::{Digest, Row, Table};
use rusqlite::{Connection, OpenFlags};
use serde_json::Value as Json;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `tests/fixtures/import/` (built by `make_fixtures.py`), as a command argument.
pub fn fixture(rel: &str) -> String {
    path_arg(&repo().join("tests/fixtures/import").join(rel))
}

/// The real Salesforce demo-org dump under `tests/fixtures/salesforce/`.
pub fn salesforce(name: &str) -> String {
    path_arg(&repo().join("tests/fixtures/salesforce").join(name))
}

pub fn funnel_path() -> PathBuf {
    repo().join("assets/funnel.toml")
}

pub fn path_arg(p: &Path) -> String {
    p.to_str().expect("test paths are UTF-8").to_string()
}

/// One desk: a temp dir holding the store, the home and temp dirs the binary sees.
pub struct Desk {
    pub dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Default for Desk {
    fn default() -> Self {
        Self::new()
    }
}

impl Desk {
    /// `--db DB --funnel assets/funnel.toml ARGS`: okk's arguments on this desk's store, for a
    /// run in a terminal.
    pub fn okk_args(&self, args: &[&str]) -> Vec<String> {
        let mut all = vec![
            "--db".to_string(),
            path_arg(&self.db),
            "--funnel".to_string(),
            path_arg(&funnel_path()),
        ];
        all.extend(args.iter().map(|a| a.to_string()));
        all
    }

    pub fn new() -> Desk {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("okk.db");
        Desk { dir, db }
    }

    /// `okk --db DB --funnel assets/funnel.toml`, with HOME, the XDG dirs and TMPDIR inside the
    /// temp dir, so that nothing the test runs can reach the user's own store or config.
    pub fn okk(&self) -> Command {
        self.okk_funnel(&funnel_path())
    }

    /// `okk --db DB --funnel FUNNEL`, sandboxed as [`Desk::okk`].
    pub fn okk_funnel(&self, funnel: &Path) -> Command {
        let mut cmd = self.okk_bare();
        cmd.arg("--db").arg(&self.db).arg("--funnel").arg(funnel);
        cmd
    }

    /// The binary with the sandboxed environment but no `--db`/`--funnel`.
    pub fn okk_bare(&self) -> Command {
        let okk = std::process::Command::new(env!("CARGO_BIN_EXE_okk"));
        Command::from_std(self.sandboxed(okk))
    }

    /// `cmd` with HOME, the XDG dirs and TMPDIR inside the desk's temp dir and none of okk's
    /// variables from the test's environment.
    pub fn sandboxed(&self, mut cmd: std::process::Command) -> std::process::Command {
        let home = self.dir.path().join("home");
        let tmp = self.dir.path().join("tmp");
        std::fs::create_dir_all(&home).expect("home dir");
        std::fs::create_dir_all(&tmp).expect("tmp dir");
        cmd.env_remove("OKK_DB")
            .env_remove("OKK_LANG")
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C.UTF-8")
            .env_remove("OKK_FUNNEL")
            .env_remove("OKK_TODAY")
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("TMPDIR", &tmp)
            .env("NO_COLOR", "1")
            .env("RUST_BACKTRACE", "0");
        cmd
    }

    /// An empty store at `--db`, as a first use of okk leaves it (the commands that read the
    /// store say there is none rather than make one).
    pub fn empty_store(&self) {
        okk::store::Store::open(&self.db).expect("an empty store");
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    /// `okk import --json ARGS`, which must succeed; the reports, one per file.
    pub fn import(&self, args: &[&str]) -> Vec<Json> {
        succeeded(self.okk().arg("import").arg("--json").args(args))
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
            .collect()
    }

    /// `okk import --json ARGS` for one file: its report.
    pub fn import_one(&self, args: &[&str]) -> Json {
        let mut reports = self.import(args);
        assert_eq!(reports.len(), 1, "one report per file: {reports:#?}");
        reports.remove(0)
    }

    /// `okk import ARGS`, which must fail with exit code 1; its stderr.
    pub fn import_fails(&self, args: &[&str]) -> String {
        let out = self
            .okk()
            .arg("import")
            .args(args)
            .output()
            .expect("run okk");
        let stderr = String::from_utf8(out.stderr).expect("UTF-8 stderr");
        assert_eq!(
            out.status.code(),
            Some(1),
            "okk import {args:?} should exit 1; stderr:\n{stderr}"
        );
        stderr
    }

    /// `okk stats --json`.
    pub fn stats(&self) -> Json {
        self.json_ok(&["stats", "--json"])
    }

    /// The `okk stats --json` row of one stage.
    pub fn stats_row(&self, stage: &str) -> Json {
        let stats = self.stats();
        stats["stages"]
            .as_array()
            .expect("stages array")
            .iter()
            .find(|s| s["stage"] == stage)
            .unwrap_or_else(|| panic!("no stage «{stage}» in {stats:#}"))
            .clone()
    }

    /// SQL straight at the store's file: for store tests (tests/store_*.rs, queue.rs,
    /// rules_rerun.rs, import_bulk.rs), for planting a state no command makes, and for the TUI
    /// harnesses until they move. Other tests read through [`Desk::look`].
    pub fn conn(&self) -> Connection {
        self.connect(OpenFlags::SQLITE_OPEN_READ_WRITE, 5)
    }

    /// The store, read-only: for tests that look while an okk may still have it open.
    pub fn read_only(&self) -> Connection {
        self.connect(OpenFlags::SQLITE_OPEN_READ_ONLY, 10)
    }

    /// A connection to the store's file opened `mode`, waiting up to `busy_secs` for a lock.
    fn connect(&self, mode: OpenFlags, busy_secs: u64) -> Connection {
        let conn = Connection::open_with_flags(&self.db, mode | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .unwrap_or_else(|e| panic!("open the store ({mode:?}): {e}"));
        conn.busy_timeout(std::time::Duration::from_secs(busy_secs))
            .expect("busy timeout");
        conn
    }

    /// A read-only look at the store through its inspection reads (`okk::store::inspect`).
    pub fn look(&self) -> Inspect {
        let look = Inspect::open(&self.db).expect("open the store to look");
        if let Err(okk::store::StoreError::ReadOnly { .. }) = look.card("") {
            // A process killed mid-write leaves a WAL that the next connection must recover,
            // which a read-only one may not do (SQLITE_READONLY_RECOVERY): the next okk would
            // recover it on opening, so a connection that may write does it here.
            drop(look);
            let conn = Connection::open(&self.db).expect("open the store to recover it");
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .expect("recover the store");
            drop(conn);
            return Inspect::open(&self.db).expect("open the store to look");
        }
        look
    }

    /// Every row of one table, in the order written.
    pub fn rows(&self, table: Table) -> Vec<Row> {
        self.look().rows(table).expect("read the store")
    }

    /// The custom fields of `names` on each card (card id → (name, value), sorted): a CRM
    /// account's fields, of a store that holds fields of okk's and the API's own beside them.
    pub fn account_fields(&self, names: &[&str]) -> BTreeMap<String, Vec<(String, String)>> {
        (self.rows(Table::Cards).iter())
            .map(|c| {
                let all: Json = serde_json::from_str(&text(c, "fields")).unwrap();
                let mine = (all.as_object().unwrap().iter())
                    .filter(|(k, _)| names.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect();
                (text(c, "external_id"), mine)
            })
            .collect()
    }

    /// How many rows of `table` `keep` keeps.
    pub fn rows_where(&self, table: Table, keep: impl Fn(&Row) -> bool) -> usize {
        self.rows(table).iter().filter(|r| keep(r)).count()
    }

    /// One card's row as column → value (TEXT, INTEGER, REAL or null); its custom fields as
    /// `{name: value}`.
    pub fn card(&self, external_id: &str) -> BTreeMap<String, Json> {
        self.look()
            .card(external_id)
            .expect("read the store")
            .unwrap_or_else(|| panic!("no card {external_id}"))
    }

    /// Cards not gone, per stage name as the CRM wrote it.
    pub fn stage_counts(&self) -> BTreeMap<String, i64> {
        let mut counts = BTreeMap::new();
        for card in self.rows(Table::Cards) {
            if card["gone_at"].is_null() {
                *counts.entry(text(&card, "stage")).or_default() += 1;
            }
        }
        counts
    }

    /// The queue indexes of the cards and of their standings.
    pub fn queue_indexes(&self) -> Vec<String> {
        let look = self.look();
        let mut names = look.indexes(Table::Cards).expect("read the indexes");
        names.extend(look.indexes(Table::Standings).expect("read the indexes"));
        names
    }

    /// The store's journal mode (a property of the file: any connection reads it).
    pub fn journal_mode(&self) -> String {
        self.look().journal_mode().expect("read the journal mode")
    }

    /// One number from SQL: for the tests [`Desk::conn`] names.
    pub fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// (card external id, auditor, verdict) of every current review (neither superseded nor
    /// withdrawn), by card then auditor. Read-only: an okk may still have the store open.
    pub fn current_reviews(&self) -> Vec<(String, String, String)> {
        let mut current: Vec<_> = self
            .rows(Table::Reviews)
            .iter()
            .filter(|r| r["superseded_by"].is_null() && r["withdrawn_at"].is_null())
            .map(|r| {
                (
                    text(r, "card_external_id"),
                    text(r, "auditor"),
                    text(r, "verdict"),
                )
            })
            .collect();
        current.sort();
        current
    }

    /// The stage history of one card, oldest first, as the store reads it (a card that never
    /// moved has no history rows: its first stage is its row's).
    pub fn history(&self, external_id: &str) -> Vec<String> {
        let visits = self.visits(external_id).into_iter();
        visits.map(|(stage, _)| stage).collect()
    }

    /// A card's stage history as (stage, when it entered it).
    pub fn visits(&self, external_id: &str) -> Vec<(String, chrono::NaiveDateTime)> {
        let store = okk::store::Store::open(&self.db).unwrap();
        let id = self.card(external_id)["id"].as_i64().expect("a card id");
        let detail = store.card_detail(id).unwrap().unwrap();
        detail
            .context
            .history
            .into_iter()
            .map(|v| (v.stage, v.seen_at))
            .collect()
    }

    pub fn digest(&self) -> Digest {
        digest(&self.db)
    }
}

/// A time as tests write it: `YYYY-MM-DD HH:MM:SS`.
pub fn time(at: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S").expect("YYYY-MM-DD HH:MM:SS")
}

/// Builds the expected stage counts from pairs.
pub fn counts(pairs: &[(&str, i64)]) -> BTreeMap<String, i64> {
    pairs.iter().map(|(s, n)| (s.to_string(), *n)).collect()
}

/// A JSON column of a card (`tags`, `notes`, `fields`, …), parsed.
pub fn json_col(card: &BTreeMap<String, Json>, column: &str) -> Json {
    let text = card[column]
        .as_str()
        .unwrap_or_else(|| panic!("{column} is not text: {:?}", card[column]));
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{column} is not JSON ({e}): {text}"))
}

/// Every table's rows, sorted, the schema and `user_version` (`okk::store::inspect`): equal
/// digests mean the store holds the same data.
pub fn digest(db: &Path) -> Digest {
    Inspect::open(db)
        .and_then(|look| look.digest())
        .expect("digest the store")
}

/// A text column of a row (panics on another type: the test is wrong about the schema).
pub fn text(row: &Row, column: &str) -> String {
    row[column]
        .as_str()
        .unwrap_or_else(|| panic!("{column} is not text: {:?}", row[column]))
        .to_string()
}

/// Asserts two digests are equal, naming the first table that differs.
pub fn assert_same(before: &Digest, after: &Digest) {
    for (table, rows) in before {
        assert_eq!(
            after.get(table),
            Some(rows),
            "table {table} changed (before → after)"
        );
    }
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the set of tables changed"
    );
}

// Reviews and lead decisions, for the export tests: saved as the reviewer saves them (the
// store's own `save_review`); lead decisions by the store's own `decide`.

/// The demo store (353 amoCRM cards, clock frozen), built once per test binary: building it
/// imports and checks every card, copying it is a file copy.
fn demo_template() -> &'static Path {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let (store, ..) = okk::app::demo::build(dir.path(), None).expect("the demo builds");
        drop(store); // checkpoints the WAL into okk.db
        dir
    })
    .path()
}

/// A review as a test writes it: `verdict` and the draft's parts.
#[derive(Debug, Clone, Default)]
pub struct Verdict<'a> {
    pub verdict: &'a str,
    pub stage: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub corrections: &'a [(&'a str, &'a str)],
    /// Checklist item id → `pass`, `fail`, `na` or a scale number.
    pub answers: &'a [(&'a str, &'a str)],
    pub comment: &'a str,
    /// The review keeps the card as judged, as the reviewer's do (else it is as an older okk
    /// wrote reviews: without it).
    pub keeps_card: bool,
}

impl Verdict<'_> {
    pub fn of(verdict: &str) -> Verdict<'_> {
        Verdict {
            verdict,
            ..Verdict::default()
        }
    }
}

/// Checklist answers written as a test writes them: item id → `pass`, `fail`, `na` or a scale
/// number.
pub fn answers(written: &[(&str, &str)]) -> okk::domain::score::Answers {
    use okk::domain::score::Answer;
    written
        .iter()
        .map(|(id, a)| {
            let answer = match *a {
                "pass" => Answer::Pass,
                "fail" => Answer::Fail,
                "na" => Answer::Na,
                n => Answer::Scale(n.parse().expect("pass, fail, na or a number")),
            };
            (id.to_string(), answer)
        })
        .collect()
}

impl Desk {
    /// A desk on its own copy of the demo store (see [`demo_template`]).
    pub fn demo() -> Desk {
        let desk = Desk::new();
        std::fs::copy(demo_template().join("okk.db"), &desk.db).expect("copy the demo store");
        desk
    }

    /// Saves `v` as `auditor`'s review of card `external_id`, made at `at`
    /// (`YYYY-MM-DD HH:MM:SS`) after 42.25 seconds of looking; the review's id. The score is the
    /// built-in funnel's for the card's stage.
    pub fn review(&self, external_id: &str, auditor: &str, at: &str, v: &Verdict) -> String {
        use okk::domain::review::{Review, ReviewDraft, Verdict as V};
        use okk::domain::score::score;
        let draft = ReviewDraft {
            answers: answers(v.answers),
            suggested_stage: v.stage.map(String::from),
            suggested_owner: v.owner.map(String::from),
            corrections: v
                .corrections
                .iter()
                .map(|(f, x)| (f.to_string(), x.to_string()))
                .collect(),
            comment: v.comment.to_string(),
        };
        let funnel = okk::funnel_config::default_funnel();
        let stage = text(&self.card(external_id), "stage");
        let items = funnel
            .resolve(&stage)
            .map_or(&[][..], |i| &funnel.stage(i).checklist[..]);
        let review = Review {
            verdict: V::from_name(v.verdict).expect("a verdict name"),
            score: score(items, &draft.answers),
            draft,
            seconds_spent: 42.25,
        };
        self.save_review_as_judged(external_id, auditor, at, "test", &review, v.keeps_card)
    }

    /// Saves `review` as `auditor`'s review of card `external_id`, made at `at`
    /// (`YYYY-MM-DD HH:MM:SS`), as the reviewer saves one (the store's own `save_review`); the
    /// review's id.
    pub fn save_review(
        &self,
        external_id: &str,
        auditor: &str,
        at: &str,
        review: &okk::domain::review::Review,
    ) -> String {
        self.save_review_under(external_id, auditor, at, "test", review)
    }

    /// [`Desk::save_review`], made under the funnel with this fingerprint.
    pub fn save_review_under(
        &self,
        external_id: &str,
        auditor: &str,
        at: &str,
        fingerprint: &str,
        review: &okk::domain::review::Review,
    ) -> String {
        self.save_review_as_judged(external_id, auditor, at, fingerprint, review, false)
    }

    /// [`Desk::save_review_under`], the card as judged kept with the review (`keeps_card`) as
    /// the reviewer keeps it, or not (as a review made before okk kept it).
    pub fn save_review_as_judged(
        &self,
        external_id: &str,
        auditor: &str,
        at: &str,
        fingerprint: &str,
        review: &okk::domain::review::Review,
        keeps_card: bool,
    ) -> String {
        use okk::store::reviews::{ReviewedCard, Stamp};
        let row = self.card(external_id);
        let card_id = row["id"].as_i64().expect("a card id");
        let mut store = okk::store::Store::open(&self.db).expect("open the store");
        let as_judged = keeps_card.then(|| {
            let detail = store.card_detail(card_id).expect("read the card");
            okk::domain::as_judged::AsJudged::of(&detail.expect("the card").card)
        });
        let card = ReviewedCard {
            card_id: okk::domain::ids::CardId(card_id),
            source: text(&row, "source"),
            external_id: text(&row, "external_id"),
            stage: text(&row, "stage"),
            hash: row["content_hash"].as_i64().expect("a content hash"),
            as_judged,
        };
        let stamp = Stamp {
            auditor,
            funnel_fingerprint: fingerprint,
            now: time(at),
        };
        store.save_review(&card, review, &stamp).expect("save")
    }

    /// The lead's decision on review `review_id` (`accept`, `override` with the lead's verdict
    /// and suggestion, or `return`), made at `at`, as the lead's desk records it (the store's
    /// own `decide`); the decision's id.
    pub fn decide(
        &self,
        review_id: &str,
        lead: &str,
        decision: &str,
        overrides: (Option<&str>, Option<&str>, Option<&str>),
        at: &str,
    ) -> String {
        use okk::domain::decision::{Decision, DecisionKind};
        let (verdict, stage, owner) = overrides;
        let decision = Decision {
            kind: DecisionKind::from_name(decision).expect("accept, override or return"),
            verdict: verdict
                .map(|v| okk::domain::review::Verdict::from_name(v).expect("a verdict")),
            suggested_stage: stage.map(String::from),
            suggested_owner: owner.map(String::from),
            note: String::new(),
            answers: None,
        };
        let mut store = okk::store::Store::open(&self.db).expect("open the store");
        store
            .decide(review_id, lead, &decision, time(at))
            .expect("record a lead decision")
    }

    /// The lead `lead` sends review `review_id` back with `note` at `at`, as `b` on the decide
    /// screen does; the decision's id.
    pub fn send_back(&self, review_id: &str, lead: &str, note: &str, at: &str) -> String {
        let decision = okk::domain::decision::Decision::send_back(note.into());
        let mut store = okk::store::Store::open(&self.db).expect("open the store");
        store
            .decide(review_id, lead, &decision, time(at))
            .expect("record a lead decision")
    }

    /// Replaces card `external_id`'s stage history with `visits` ((YYYY-MM-DD, stage), in
    /// order), each as a sync of its own on that day saw it: the moves a series of syncs over
    /// months would have recorded, which no single fixture import can.
    pub fn plant_history(&self, external_id: &str, visits: &[(&str, &str)]) {
        let conn = self.conn();
        let card: i64 = conn
            .query_row(
                "SELECT id FROM cards WHERE external_id = ?1",
                [external_id],
                |r| r.get(0),
            )
            .expect("the card");
        conn.execute("DELETE FROM stage_history WHERE card_id = ?1", [card])
            .unwrap();
        for (day, stage) in visits {
            conn.execute(
                "INSERT INTO import_batches (file, profile, source, encoding, started_at)
                 VALUES ('planted', 'amocrm', 'amocrm', 'utf-8', ?1)",
                [day],
            )
            .unwrap();
            let batch = conn.last_insert_rowid();
            conn.execute(
                "INSERT INTO stage_history (card_id, batch_id, seen_at, stage)
                 VALUES (?1, ?2, ?3, ?4)",
                // A day alone is seen at 09:00; a moment as given.
                rusqlite::params![
                    card,
                    batch,
                    if day.len() > 10 {
                        day.to_string()
                    } else {
                        format!("{day} 09:00:00")
                    },
                    stage
                ],
            )
            .unwrap();
        }
    }

    /// Dates import batch `batch` at `at`, as if it had run then: the clock of an import that
    /// ran days ago (the time of the first visits it recorded), which a test cannot wait for.
    pub fn plant_batch_time(&self, batch: i64, at: chrono::NaiveDateTime) {
        let changed = self
            .conn()
            .execute(
                "UPDATE import_batches SET started_at = ?1 WHERE id = ?2",
                rusqlite::params![at.format("%Y-%m-%d %H:%M:%S").to_string(), batch],
            )
            .expect("plant a batch's time");
        assert_eq!(changed, 1, "no batch {batch}");
    }

    /// Sets one column of card `external_id` as a sync could have left it (a hostile title, a
    /// formula for an owner, a gone card): planting a CRM value no fixture carries is the one
    /// write tests outside the store tests make in SQL.
    pub fn plant_card(&self, external_id: &str, column: &str, value: &str) {
        let changed = self
            .conn()
            .execute(
                &format!("UPDATE cards SET \"{column}\" = ?1 WHERE external_id = ?2"),
                [value, external_id],
            )
            .expect("plant a card's value");
        assert_eq!(changed, 1, "no card {external_id}");
    }

    /// Forgets the store's `meta` entry `key`, as a store an older okk wrote never had it.
    #[allow(dead_code)]
    pub fn forget_meta(&self, key: &str) {
        (self.conn())
            .execute("DELETE FROM meta WHERE key = ?1", [key])
            .expect("forget a meta entry");
    }

    /// Imports the demo export again with card `external_id`'s note changed, as a later sync
    /// brings a card the CRM changed since it was reviewed.
    pub fn changed_by_a_later_sync(&self, external_id: &str) {
        let mut reader = csv::Reader::from_reader(okk::app::demo::DEMO_CSV);
        let header = reader.headers().expect("the demo's header").clone();
        let note = header
            .iter()
            .position(|h| h.ends_with("Примечание"))
            .expect("a note column");
        let mut out = csv::Writer::from_path(self.dir.path().join("later.csv")).unwrap();
        out.write_record(&header).unwrap();
        let mut found = false;
        for row in reader.records() {
            let mut row: Vec<String> = row.unwrap().iter().map(String::from).collect();
            if row[0] == external_id {
                row[note].push_str(" (changed in the CRM)");
                found = true;
            }
            out.write_record(&row).unwrap();
        }
        out.flush().unwrap();
        assert!(found, "no card {external_id} in the demo export");
        self.import(&[&self.file("later.csv")]);
    }

    /// Imports the demo export again with each card's `columns` (by header, spaces around it
    /// aside) set to their values, as `okk import` of a later export the CRM changed those
    /// cards in: every other card as it was.
    pub fn changed_in_the_crm(&self, cards: &[(&str, &[(&str, &str)])]) {
        self.import(&[&self.crm_later(cards)]);
    }

    /// The demo export as the CRM gives it later, each card's `columns` (by header, spaces
    /// around it aside) set to their values, every other card as it was: the file's path.
    pub fn crm_later(&self, cards: &[(&str, &[(&str, &str)])]) -> String {
        let mut reader = csv::Reader::from_reader(okk::app::demo::DEMO_CSV);
        let header = reader.headers().expect("the demo's header").clone();
        let at = |name: &str| {
            (header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').trim() == name))
            .unwrap_or_else(|| panic!("no column {name} in the demo export"))
        };
        let mut out = csv::Writer::from_path(self.dir.path().join("crm-later.csv")).unwrap();
        out.write_record(&header).unwrap();
        let mut found = 0;
        for row in reader.records() {
            let mut row: Vec<String> = row.unwrap().iter().map(String::from).collect();
            if let Some((_, columns)) = cards.iter().find(|(id, _)| row[0] == *id) {
                for (column, value) in columns.iter() {
                    row[at(column)] = value.to_string();
                }
                found += 1;
            }
            out.write_record(&row).unwrap();
        }
        out.flush().unwrap();
        assert_eq!(
            found,
            cards.len(),
            "not every card of {cards:?} is in the demo"
        );
        self.file("crm-later.csv")
    }

    /// Imports the demo export again without the cards `gone`, as a later full import brings an
    /// export the CRM no longer lists them in: they are marked gone.
    pub fn gone_by_a_later_sync(&self, gone: &[&str]) {
        let mut reader = csv::Reader::from_reader(okk::app::demo::DEMO_CSV);
        let header = reader.headers().expect("the demo's header").clone();
        let mut out = csv::Writer::from_path(self.dir.path().join("later.csv")).unwrap();
        out.write_record(&header).unwrap();
        let mut left_out = 0;
        for row in reader.records() {
            let row = row.unwrap();
            if gone.contains(&&row[0]) {
                left_out += 1;
                continue;
            }
            out.write_record(&row).unwrap();
        }
        out.flush().unwrap();
        assert_eq!(
            left_out,
            gone.len(),
            "not every card of {gone:?} is in the demo"
        );
        self.import_one(&[&self.file("later.csv")]);
        for id in gone {
            assert!(self.card(id)["gone_at"].is_string(), "{id} is not gone");
        }
    }

    /// `okk ARGS`, which must succeed; its stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        succeeded(self.okk().args(args))
    }

    /// `okk ARGS`, which must succeed and print one JSON value: the value.
    pub fn json_ok(&self, args: &[&str]) -> Json {
        let out = self.run_ok(args);
        serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("okk {args:?}: not JSON ({e}):\n{out}"))
    }

    /// A path in the desk's temp dir, as an argument.
    pub fn file(&self, name: &str) -> String {
        path_arg(&self.dir.path().join(name))
    }
}

/// The store at `db` refuses every new draft with `reason` (`Some`), as a team server does to
/// a connection whose grant was revoked, or takes them again (`None`): a write that fails is a
/// state no key makes.
pub fn refuse_drafts(db: &Path, reason: Option<&str>) {
    let conn = Connection::open(db).expect("open the store");
    let sql = match reason {
        Some(reason) => format!(
            "CREATE TRIGGER refuse_drafts BEFORE INSERT ON drafts
             BEGIN SELECT RAISE(ABORT, '{}'); END;",
            reason.replace('\'', "''")
        ),
        None => "DROP TRIGGER refuse_drafts".to_string(),
    };
    conn.execute_batch(&sql)
        .expect("the drafts refused or taken");
}

/// Runs `cmd`, which must succeed (else the test fails with its stderr); its stdout.
pub fn succeeded(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run okk");
    assert!(
        out.status.success(),
        "{cmd:?} failed ({:?}):\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 stdout")
}

/// Parses CSV with Python's `csv` module (the reference reader): the rows, BOM dropped.
pub fn python_csv(path: &str, delimiter: char) -> Vec<Vec<String>> {
    let script = "import csv, json, sys\n\
        with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:\n\
        \x20   rows = list(csv.reader(f, delimiter=sys.argv[2], strict=True))\n\
        print(json.dumps(rows))";
    let out = std::process::Command::new("python3")
        .args(["-c", script, path, &delimiter.to_string()])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python's csv could not read {path}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python prints JSON")
}

/// The ids of the cards a `--json` listing (`okk queue`, `okk check`) names, in its order.
pub fn card_ids(listing: &Json) -> Vec<String> {
    listing["cards"]
        .as_array()
        .expect("cards")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_string())
        .collect()
}

/// The demo's amoCRM export as the CRM would give it after moving deals: each (external id,
/// stage) of `moves` put in its deal's stage cell, written as `name` in `desk`'s folder; its
/// path.
pub fn demo_export_moved(desk: &Desk, name: &str, moves: &[(&str, &str)]) -> String {
    let demo = repo().join("assets/demo/amocrm_deals.csv");
    let mut rows = python_csv(&path_arg(&demo), ',');
    let stage = rows[0]
        .iter()
        .position(|h| h == "Этап сделки")
        .expect("a stage column");
    for (id, to) in moves {
        let row = (rows.iter_mut().find(|r| r[0] == *id)).unwrap_or_else(|| panic!("deal {id}"));
        row[stage] = to.to_string();
    }
    let out = desk.file(name);
    let mut w = csv::Writer::from_path(&out).expect("a file");
    for row in &rows {
        w.write_record(row).expect("written");
    }
    w.flush().expect("flushed");
    out
}
