//! Shared by the integration tests: a throw-away store in a temp dir, the real `okk` binary run
//! against it, and a digest of every table that shows what a command did or did not change.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

#[path = "../support/keys.rs"]
pub mod keys;
pub mod reviewer;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use rusqlite::types::Value;
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

/// Every row of every table (and the schema version), rows sorted, values spelled out.
pub type Digest = BTreeMap<String, Vec<String>>;

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
    pub fn new() -> Desk {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("okk.db");
        Desk { dir, db }
    }

    /// `okk --db DB --funnel assets/funnel.toml`, with HOME, the XDG dirs and TMPDIR inside the
    /// temp dir, so that nothing the test runs can reach the user's own store or config.
    pub fn okk(&self) -> Command {
        let mut cmd = self.okk_bare();
        cmd.arg("--db")
            .arg(&self.db)
            .arg("--funnel")
            .arg(funnel_path());
        cmd
    }

    /// The binary with the sandboxed environment but no `--db`/`--funnel`.
    pub fn okk_bare(&self) -> Command {
        let home = self.dir.path().join("home");
        let tmp = self.dir.path().join("tmp");
        std::fs::create_dir_all(&home).expect("home dir");
        std::fs::create_dir_all(&tmp).expect("tmp dir");
        let mut cmd = Command::cargo_bin("okk").expect("the okk binary is built");
        cmd.env_remove("OKK_DB")
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

    pub fn tmp_dir(&self) -> PathBuf {
        self.dir.path().join("tmp")
    }

    /// `okk import --json ARGS`, which must succeed; the reports, one per file.
    pub fn import(&self, args: &[&str]) -> Vec<Json> {
        let out = self
            .okk()
            .arg("import")
            .arg("--json")
            .args(args)
            .output()
            .expect("run okk");
        assert!(
            out.status.success(),
            "okk import {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout)
            .expect("UTF-8 stdout")
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
        let out = self
            .okk()
            .args(["stats", "--json"])
            .output()
            .expect("run okk");
        assert!(
            out.status.success(),
            "okk stats failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("stats --json prints JSON")
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

    pub fn conn(&self) -> Connection {
        let conn = Connection::open_with_flags(
            &self.db,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .expect("open the store");
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .expect("busy timeout");
        conn
    }

    /// The store, read-only: for tests that look while an okk may still have it open.
    pub fn read_only(&self) -> Connection {
        let conn = Connection::open_with_flags(
            &self.db,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .expect("open the store read-only");
        conn.busy_timeout(std::time::Duration::from_secs(10))
            .expect("busy timeout");
        conn
    }

    /// One card's row as column → value (TEXT, INTEGER, REAL or null).
    pub fn card(&self, external_id: &str) -> BTreeMap<String, Json> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT * FROM cards WHERE external_id = ?1")
            .unwrap();
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let mut rows = stmt.query([external_id]).unwrap();
        let row = rows
            .next()
            .unwrap()
            .unwrap_or_else(|| panic!("no card {external_id}"));
        let mut card = BTreeMap::new();
        for (i, name) in names.iter().enumerate() {
            let v = match row.get::<_, Value>(i).unwrap() {
                Value::Null => Json::Null,
                Value::Integer(n) => Json::from(n),
                Value::Real(f) => Json::from(f),
                Value::Text(s) => Json::from(s),
                Value::Blob(b) => Json::from(format!("{b:?}")),
            };
            card.insert(name.clone(), v);
        }
        assert!(rows.next().unwrap().is_none(), "two cards {external_id}");
        // The custom fields as {name: value}: the row keeps [[id, value], …] (store::fields).
        if let Some(Json::String(stored)) = card.get("fields") {
            let names: BTreeMap<i64, String> = conn
                .prepare("SELECT id, name FROM field_names")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            let pairs: Vec<(i64, String)> = serde_json::from_str(stored).unwrap();
            let by_name: serde_json::Map<String, Json> = pairs
                .into_iter()
                .map(|(id, v)| (names[&id].clone(), Json::from(v)))
                .collect();
            card.insert(
                "fields".into(),
                Json::from(Json::Object(by_name).to_string()),
            );
        }
        card
    }

    /// Cards not gone, per stage name as the CRM wrote it.
    pub fn stage_counts(&self) -> BTreeMap<String, i64> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare("SELECT stage, count(*) FROM cards WHERE gone_at IS NULL GROUP BY stage")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The store's journal mode (a property of the file: any connection reads it).
    pub fn journal_mode(&self) -> String {
        self.conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap()
    }

    pub fn count(&self, sql: &str) -> i64 {
        self.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// (card external id, auditor, verdict) of every current review (neither superseded nor
    /// withdrawn), by card then auditor. Read-only: an okk may still have the store open.
    pub fn current_reviews(&self) -> Vec<(String, String, String)> {
        let conn = self.read_only();
        let mut stmt = conn
            .prepare(
                "SELECT card_external_id, auditor, verdict FROM reviews
                 WHERE superseded_by IS NULL AND withdrawn_at IS NULL
                 ORDER BY card_external_id, auditor",
            )
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    }

    /// The stage history of one card, oldest first, as the store reads it (a card that never
    /// moved has no history rows: its first stage is its row's).
    pub fn history(&self, external_id: &str) -> Vec<String> {
        let store = okk::store::Store::open(&self.db).unwrap();
        let id: i64 = self
            .conn()
            .query_row(
                "SELECT id FROM cards WHERE external_id = ?1",
                [external_id],
                |r| r.get(0),
            )
            .unwrap();
        let detail = store.card_detail(id).unwrap().unwrap();
        detail
            .context
            .history
            .into_iter()
            .map(|v| v.stage)
            .collect()
    }

    pub fn digest(&self) -> Digest {
        digest(&self.db)
    }
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

/// Every table listed in `sqlite_schema`, every row, sorted; plus the schema itself and
/// `user_version`. Equal digests mean the store holds the same data.
pub fn digest(db: &Path) -> Digest {
    let conn =
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_WRITE).expect("open the store");
    let mut out = Digest::new();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    out.insert("PRAGMA user_version".into(), vec![version.to_string()]);
    let tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    };
    for table in ["sqlite_schema".to_string()].into_iter().chain(tables) {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get::<_, Value>(i).unwrap()))
                    .collect();
                Ok(cells.join(" | "))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.insert(table, rows);
    }
    out
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
// store's own `save_review`); lead decisions inserted as the lead's screen will write them.

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
        let funnel = okk::funnel::default_funnel();
        let stage: String = self
            .conn()
            .query_row(
                "SELECT stage FROM cards WHERE external_id = ?1",
                [external_id],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("no card {external_id}: {e}"));
        let items = funnel
            .resolve(&stage)
            .map_or(&[][..], |i| &funnel.stage(i).checklist[..]);
        let review = Review {
            verdict: V::from_name(v.verdict).expect("a verdict name"),
            score: score(items, &draft.answers),
            draft,
            seconds_spent: 42.25,
        };
        self.save_review(external_id, auditor, at, &review)
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
        use okk::store::reviews::{ReviewedCard, Stamp};
        let card: ReviewedCard = self
            .conn()
            .query_row(
                "SELECT id, source, external_id, stage, content_hash FROM cards
                 WHERE external_id = ?1",
                [external_id],
                |r| {
                    Ok(ReviewedCard {
                        card_id: r.get(0)?,
                        source: r.get(1)?,
                        external_id: r.get(2)?,
                        stage: r.get(3)?,
                        hash: r.get(4)?,
                    })
                },
            )
            .unwrap_or_else(|e| panic!("no card {external_id}: {e}"));
        let stamp = Stamp {
            auditor,
            funnel_fingerprint: "test",
            now: chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%d %H:%M:%S")
                .expect("YYYY-MM-DD HH:MM:SS"),
        };
        let mut store = okk::store::Store::open(&self.db).expect("open the store");
        store.save_review(&card, review, &stamp).expect("save")
    }

    /// The lead's decision on review `review_id` (`accept`, `override` with the lead's verdict
    /// and suggestion, or `return`), made at `at`.
    pub fn decide(
        &self,
        review_id: &str,
        lead: &str,
        decision: &str,
        overrides: (Option<&str>, Option<&str>, Option<&str>),
        at: &str,
    ) {
        let (verdict, stage, owner) = overrides;
        self.conn()
            .execute(
                "INSERT INTO lead_decisions (id, review_id, lead, decision, verdict,
                     suggested_stage, suggested_owner, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                rusqlite::params![
                    format!("{review_id}/{at}"),
                    review_id,
                    lead,
                    decision,
                    verdict,
                    stage,
                    owner,
                    at
                ],
            )
            .expect("insert a lead decision");
    }

    /// `okk ARGS`, which must succeed; its stdout.
    pub fn run_ok(&self, args: &[&str]) -> String {
        let out = self.okk().args(args).output().expect("run okk");
        assert!(
            out.status.success(),
            "okk {args:?} failed ({:?}):\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 stdout")
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
