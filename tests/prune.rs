//! `okk db imports` and `okk db prune` from the command line: a file imported by mistake taken
//! back out leaves the store as one that never had it; a dry run writes nothing; off a terminal
//! the prune will not go without `--yes`, on one it asks; desk work always stays; on a team
//! server the prune is the owner's or a lead's (the PostgreSQL stories need `OKK_TEST_PG`).

mod common;
mod pty;
#[path = "support/server_db.rs"]
mod server_db;

use common::{Desk, Verdict, path_arg, repo, succeeded};
use okk::domain::stored_review::Given;
use serde_json::Value as Json;
use server_db::ServerDb;

const TODAY: &str = "2026-11-20";

fn demo() -> String {
    path_arg(&repo().join("assets/demo/amocrm_deals.csv"))
}

/// Another department's export (Bitrix24): three cards of source «bitrix24».
fn other_department() -> String {
    common::fixture("bitrix24_deals.csv")
}

/// `okk --db DB --funnel assets/funnel.toml --today TODAY ARGS` on the desk: exit, stdout, stderr.
fn run_on(desk: &Desk, db: &str, args: &[&str]) -> (bool, String, String) {
    let out = desk
        .okk_bare()
        .args(["--db", db, "--funnel"])
        .arg(common::funnel_path())
        .args(["--today", TODAY])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok_on(desk: &Desk, db: &str, args: &[&str]) -> String {
    let (ok, out, err) = run_on(desk, db, args);
    assert!(ok, "okk {args:?} on {db}: {err}");
    out
}

fn json_on(desk: &Desk, db: &str, args: &[&str]) -> Json {
    let out = ok_on(desk, db, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("okk {args:?}: not JSON ({e}): {out}"))
}

/// A desk that imported the demo and then, by mistake, the other department's file; and the
/// rules run.
fn mistaken_desk() -> Desk {
    let desk = Desk::new();
    let db = path_arg(&desk.db);
    ok_on(&desk, &db, &["import", &demo()]);
    // `okk fields` records each run's fill figures as it reads them.
    ok_on(&desk, &db, &["fields", "--json"]);
    ok_on(&desk, &db, &["import", &other_department()]);
    ok_on(&desk, &db, &["fields", "--json"]);
    desk
}

/// The store file's bytes (every okk closed: the log is in the file).
fn bytes(desk: &Desk) -> Vec<u8> {
    std::fs::read(&desk.db).unwrap()
}

/// The times a run happened at (the clock's, so they differ between two stores) left out.
fn timeless(text: &str) -> String {
    // 'YYYY-MM-DD HH:MM:SS': digits and separators in this shape.
    const SHAPE: &[u8] = b"0000-00-00 00:00:00";
    let chars: Vec<char> = text.chars().collect();
    let fits = |at: usize| {
        SHAPE.iter().enumerate().all(|(i, &s)| {
            chars.get(at + i).is_some_and(|&c| {
                if s == b'0' {
                    c.is_ascii_digit()
                } else {
                    c == s as char
                }
            })
        })
    };
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if fits(i) {
            out.push_str("TIME");
            i += SHAPE.len();
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// What the desk, the lead and the head of sales read of a store: the stats, the auditors', the
/// report, the flags, the fill rates and their trend, every stage's queue, and the runs.
fn everything_read(desk: &Desk, db: &str) -> Vec<(String, String)> {
    let mut read = Vec::new();
    for args in [
        &["stats", "--json"][..],
        &["stats", "--auditors", "--json"],
        &["stats"],
        &["report", "--out", "-"],
        &["check", "--json"],
        &["fields", "--json"],
        &["db", "imports", "--json"],
    ] {
        read.push((args.join(" "), timeless(&ok_on(desk, db, args))));
    }
    let stats = json_on(desk, db, &["stats", "--json"]);
    let stages: Vec<String> = (stats["stages"].as_array().unwrap().iter())
        .map(|s| s["stage"].as_str().unwrap().to_string())
        .collect();
    assert!(stages.len() >= 10, "{stages:?}");
    for stage in &stages {
        for all in [&[][..], &["--all"]] {
            let args = [
                &["queue", "--stage", stage, "--json", "--limit", "500"][..],
                all,
            ]
            .concat();
            read.push((args.join(" "), ok_on(desk, db, &args)));
        }
    }
    read
}

#[test]
fn an_import_pruned_leaves_the_store_reading_as_one_that_never_had_it() {
    let once = Desk::new();
    let once_db = path_arg(&once.db);
    ok_on(&once, &once_db, &["import", &demo()]);
    ok_on(&once, &once_db, &["fields", "--json"]);
    let twice = mistaken_desk();
    let twice_db = path_arg(&twice.db);
    let expected = everything_read(&once, &once_db);
    assert_ne!(
        everything_read(&twice, &twice_db),
        expected,
        "the other department's cards show"
    );
    let report = json_on(
        &twice,
        &twice_db,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    assert_eq!(report["removed"], 3, "{report}");
    assert_eq!(report["kept"], 0);
    assert_eq!(report["import"]["id"], 2);
    assert_eq!(report["import"]["source"], "bitrix24");
    assert_eq!(report["runs_removed"], serde_json::json!([2]));
    let read = everything_read(&twice, &twice_db);
    for ((what, got), (_, want)) in read.iter().zip(&expected) {
        assert_eq!(got, want, "okk {what}");
    }
    assert_eq!(read.len(), expected.len());
    // And what the reviewer's screens read besides: each stage's counts and where its cards
    // without flags start, the owners, the newest activity, the fill figures of each run.
    use common::Table;
    for table in [
        Table::StageCounts,
        Table::Owners,
        Table::Meta,
        Table::FillSnapshots,
    ] {
        assert_eq!(twice.rows(table), once.rows(table), "{table:?}");
    }
}

#[test]
fn a_dry_run_leaves_the_store_file_byte_for_byte_as_it_was_and_says_what_would_go() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    let before = bytes(&desk);
    let said = ok_on(&desk, &db, &["db", "prune", "--import", "2", "--dry-run"]);
    assert!(said.contains("Would remove 3 cards from"), "{said}");
    assert!(said.contains("a dry run: nothing changed"), "{said}");
    assert!(said.contains("Import 2 ("), "{said}");
    let json = json_on(
        &desk,
        &db,
        &["db", "prune", "--source", "bitrix24", "--dry-run", "--json"],
    );
    assert_eq!(
        (json["dry_run"].as_bool(), json["removed"].as_u64()),
        (Some(true), Some(3))
    );
    ok_on(&desk, &db, &["db", "prune", "--gone", "--dry-run"]);
    let ru = ok_on(
        &desk,
        &db,
        &[
            "--lang",
            "ru",
            "db",
            "prune",
            "--import",
            "last",
            "--dry-run",
        ],
    );
    assert!(ru.contains("было бы убрано: 3 карточки"), "{ru}");
    assert!(bytes(&desk) == before, "the store file changed");
    assert!(
        !desk.db.with_extension("db-wal").exists(),
        "no log left beside it"
    );
}

#[test]
fn off_a_terminal_the_prune_refuses_without_yes_and_changes_nothing() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    let before = bytes(&desk);
    for (lang, words) in [
        ("en", "cannot ask here (not a terminal): add --yes"),
        (
            "ru",
            "спросить здесь не может (это не терминал): добавьте --yes",
        ),
    ] {
        let (ok, out, err) = run_on(
            &desk,
            &db,
            &["--lang", lang, "db", "prune", "--import", "last"],
        );
        assert!(!ok, "{out}");
        assert!(err.contains(words), "{err}");
        assert!(
            err.contains("--dry-run"),
            "the hint names the dry run: {err}"
        );
    }
    assert!(bytes(&desk) == before, "the store file changed");
    // With --yes it goes.
    let said = ok_on(&desk, &db, &["db", "prune", "--import", "last", "--yes"]);
    assert!(said.contains("Removed 3 cards from"), "{said}");
    assert!(
        said.contains("Run 2's record (okk db imports) went too"),
        "{said}"
    );
    let runs = ok_on(&desk, &db, &["db", "imports", "--json"]);
    assert_eq!(runs.lines().count(), 1, "{runs}");
}

/// On a terminal the prune shows what it would do and asks: Enter (no) keeps everything and
/// exits 1 (declined is not done), `y` takes the cards out.
#[test]
fn on_a_terminal_the_prune_asks_and_only_yes_removes() {
    let desk = mistaken_desk();
    let before = bytes(&desk);
    let args = desk.okk_args(&["db", "prune", "--import", "last"]);
    let mut term = pty::Spawn::new(&args, 160, 30).start(desk.dir.path());
    term.wait_for("Would remove 3 cards from");
    term.wait_for("for good? [y/N]");
    term.send("<enter>");
    term.wait_for("Nothing removed: the answer was no.");
    // Declined is not done: a script tells the two apart by the exit code.
    let status = term.wait_exit();
    assert!(!status.success(), "answered no: okk exited with {status}");
    assert!(bytes(&desk) == before, "the store file changed");

    let mut term = pty::Spawn::new(&args, 160, 30).start(desk.dir.path());
    term.wait_for("for good? [y/N]");
    term.send("y<enter>");
    term.wait_for("Removed 3 cards from");
    term.wait_clean_exit("answered yes");
    let runs = succeeded(desk.okk().args(["db", "imports", "--json"]));
    assert_eq!(runs.lines().count(), 1, "{runs}");

    // In Russian: «д» says yes.
    let desk = mistaken_desk();
    let args = desk.okk_args(&["--lang", "ru", "db", "prune", "--source", "bitrix24"]);
    let mut term = pty::Spawn::new(&args, 160, 30).start(desk.dir.path());
    term.wait_for("насовсем? [д/Н]");
    term.send("д<enter>");
    term.wait_for("убрано: 3 карточки");
    term.wait_clean_exit("answered д");
}

/// A card of the mistaken file that an auditor already judged stays (its review is desk work),
/// and the report names it and why; the others go.
#[test]
fn a_judged_card_of_the_mistaken_import_stays_and_the_report_says_why() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    desk.review("503", "anna", "2026-11-20 10:00:00", &Verdict::of("dead"));
    let said = ok_on(&desk, &db, &["db", "prune", "--import", "last", "--yes"]);
    assert!(said.contains("Removed 2 cards from"), "{said}");
    assert!(
        said.contains("Kept 1 card: it carries desk work, which a prune keeps:"),
        "{said}"
    );
    assert!(said.contains("reviews: 1 card (503)"), "{said}");
    assert!(
        !said.contains("record (okk db imports)"),
        "the run still brought 503: {said}"
    );
    let runs: Vec<Json> = ok_on(&desk, &db, &["db", "imports", "--json"])
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(runs[1]["still_here"], 1);
    // Again: nothing left to take, and 503 stays, in Russian too.
    let ru = ok_on(
        &desk,
        &db,
        &["--lang", "ru", "db", "prune", "--import", "2", "--yes"],
    );
    assert!(ru.contains("Убирать из"), "{ru}");
    assert!(ru.contains("Оставлена 1 карточка — на ней"), "{ru}");
    assert!(ru.contains("проверки: 1 карточка (503)"), "{ru}");
}

#[test]
fn a_run_or_source_the_store_lacks_is_refused_with_what_it_holds() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--import", "9", "--dry-run"]);
    assert!(
        !ok && err.contains("holds no import 9: okk db imports lists them"),
        "{err}"
    );
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--source", "nope", "--yes"]);
    assert!(
        !ok && err.contains("its sources: amocrm, bitrix24"),
        "{err}"
    );
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--import", "x", "--yes"]);
    assert!(!ok && err.contains("expected an import's number"), "{err}");
    let (ok, _, err) = run_on(
        &desk,
        &db,
        &["db", "prune", "--gone", "--source", "a", "--yes"],
    );
    assert!(!ok && err.contains("cannot be used with"), "{err}");
    let (ok, _, err) = run_on(&desk, &db, &["db", "prune", "--yes"]);
    assert!(
        !ok && err.contains("--import"),
        "one selector is required: {err}"
    );
}

/// A file name and a source from outside okk reach the terminal as placeholders, never as
/// escape sequences; JSON escapes them.
#[test]
fn the_runs_list_shows_hostile_names_as_placeholders() {
    let desk = Desk::new();
    let db = path_arg(&desk.db);
    let file = desk.dir.path().join("отдел \u{1b}]0;pwned\u{7}.csv");
    std::fs::copy(
        repo().join("tests/fixtures/import/bitrix24_deals.csv"),
        &file,
    )
    .unwrap();
    let source = "отдел\u{1b}[2J\u{202e}";
    ok_on(
        &desk,
        &db,
        &["import", "--source", source, &path_arg(&file)],
    );
    let table = ok_on(&desk, &db, &["db", "imports"]);
    assert!(
        !table.contains('\u{1b}') && !table.contains('\u{202e}'),
        "{table:?}"
    );
    assert!(table.contains("отдел ␛]0;pwned␇.csv"), "{table}");
    assert!(table.contains("отдел␛[2J"), "{table}");
    let json = ok_on(&desk, &db, &["db", "imports", "--json"]);
    assert!(json.contains("\\u001b]0;pwned"), "{json}");
    let said = ok_on(
        &desk,
        &db,
        &["db", "prune", "--source", source, "--dry-run"],
    );
    assert!(
        !said.contains('\u{1b}') && said.contains("«отдел␛[2J"),
        "{said:?}"
    );
}

// The team server.

/// A server store holding the demo and, by mistake, the other department's file.
fn mistaken_server(desk: &Desk, server: &ServerDb) {
    ok_on(desk, &server.url, &["import", &demo()]);
    ok_on(desk, &server.url, &["import", &other_department()]);
}

/// A login role of the test's and the URL that connects as it.
struct Login {
    role: String,
    url: String,
}

/// The server store's people (`okk db roles`): the auditors anna and boris, the lead lena.
struct Team {
    anna: Login,
    boris: Login,
    lena: Login,
}

fn team(desk: &Desk, server: &mut ServerDb) -> Team {
    let mut login = |who| {
        let (role, url) = server.login(who);
        Login { role, url }
    };
    let team = Team {
        anna: login("anna"),
        boris: login("boris"),
        lena: login("lena"),
    };
    give_roles(desk, &server.url, &team);
    team
}

/// `okk db roles` naming the team's logins (the groups' grants given again).
fn give_roles(desk: &Desk, url: &str, team: &Team) {
    ok_on(
        desk,
        url,
        &[
            "db",
            "roles",
            "--auditor",
            &format!("anna={}", team.anna.role),
            "--auditor",
            &format!("boris={}", team.boris.role),
            "--lead",
            &format!("lena={}", team.lena.role),
        ],
    );
}

fn connect(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// The server's id of a card, none once it is gone.
fn card_id(conn: &mut postgres::Client, source: &str, external_id: &str) -> Option<i64> {
    conn.query_opt(
        "SELECT id FROM cards WHERE source = $1 AND external_id = $2",
        &[&source, &external_id],
    )
    .unwrap()
    .map(|r| r.get(0))
}

/// Every table of a server store with the rows it holds.
fn rows_per_table(url: &str) -> Vec<(String, i64)> {
    let mut conn = connect(url);
    let tables: Vec<String> = (conn.query(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
        &[],
    ))
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect();
    tables
        .into_iter()
        .map(|t| {
            let n = conn.query_one(&format!("SELECT count(*) FROM {t}"), &[]);
            (t, n.unwrap().get(0))
        })
        .collect()
}

/// What a session may write beyond reading: each table's rights to insert, update, delete and
/// empty (a right on some columns only is named as such), and the owner's functions
/// (`SECURITY DEFINER`) it may call.
fn write_rights(conn: &mut postgres::Client) -> Vec<String> {
    let tables = conn
        .query(
            "SELECT t.tablename || ' ' || p FROM pg_tables t
                 CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p
             WHERE t.schemaname = current_schema() AND has_table_privilege(t.tablename, p)
             UNION ALL
             SELECT t.tablename || ' ' || p || ' (some columns)' FROM pg_tables t
                 CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE']) AS p
             WHERE t.schemaname = current_schema() AND NOT has_table_privilege(t.tablename, p)
               AND has_any_column_privilege(t.tablename, p)
             UNION ALL
             SELECT 'calls ' || proname FROM pg_proc
             WHERE prosecdef AND pronamespace = current_schema()::regnamespace
               AND has_function_privilege(oid, 'EXECUTE')
             ORDER BY 1",
            &[],
        )
        .unwrap();
    tables.iter().map(|r| r.get(0)).collect()
}

/// The server's refusal of `sql` (permission denied, SQLSTATE 42501).
fn refused(conn: &mut postgres::Client, sql: &str) {
    let e = conn.batch_execute(sql).expect_err(sql);
    assert_eq!(
        e.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{sql}: {e:?}"
    );
}

/// On the server a lead's login prunes as the owner's does (server schema 20): the report is
/// the owner's dry run's, another auditor's lease that ran out on a card that goes goes with
/// it, and the store reads as the file that never had the cards and holds, table by table, as
/// many rows as a server store that never had them.
#[test]
fn on_the_server_a_lead_s_login_prunes_and_the_store_reads_as_one_that_never_had_the_cards() {
    let (Some(mut server), Some(never)) = (ServerDb::new(), ServerDb::new()) else {
        return;
    };
    let desk = Desk::new();
    let file = path_arg(&desk.db);
    ok_on(&desk, &file, &["import", &demo()]);
    ok_on(&desk, &never.url, &["import", &demo()]);
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    give_roles(&desk, &never.url, &team);
    let runs = ok_on(&desk, &team.lena.url, &["db", "imports"]);
    assert!(runs.contains("bitrix24"), "{runs}");
    let mut owner = connect(&server.url);
    let lapsed = card_id(&mut owner, "bitrix24", "502").unwrap();
    owner
        .execute(
            "INSERT INTO leases (card_id, auditor, until)
             VALUES ($1, 'boris', now() - interval '1 hour')",
            &[&lapsed],
        )
        .unwrap();
    let dry = json_on(
        &desk,
        &server.url,
        &["db", "prune", "--import", "last", "--dry-run", "--json"],
    );
    assert_eq!(dry["removed"], 3, "{dry}");
    let (ok, _, err) = run_on(&desk, &team.lena.url, &["db", "prune", "--import", "last"]);
    assert!(!ok && err.contains("add --yes"), "{err}");
    let report = json_on(
        &desk,
        &team.lena.url,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    let mut expected = dry.clone();
    expected["dry_run"] = Json::Bool(false);
    assert_eq!(report, expected);
    for args in [
        &["stats", "--json"][..],
        &["check", "--json"],
        &[
            "queue",
            "--stage",
            "Квалификация",
            "--auditor",
            "anna",
            "--json",
            "--all",
            "--limit",
            "500",
        ],
    ] {
        assert_eq!(
            ok_on(&desk, &server.url, args),
            ok_on(&desk, &file, args),
            "okk {args:?}"
        );
    }
    assert_eq!(
        timeless(&ok_on(&desk, &server.url, &["db", "imports", "--json"])),
        timeless(&ok_on(&desk, &file, &["db", "imports", "--json"])),
    );
    // The custom fields' names the file brought stay, on a store file too: reviews keep the
    // card as judged by the names' ids, and a name costs nothing where no card has it.
    let rows = |url| {
        let mut rows = rows_per_table(url);
        rows.retain(|(t, _)| t != "field_names");
        rows
    };
    assert_eq!(rows(&server.url), rows(&never.url));
}

/// The drafts' policy shows a lead only their own, yet a lead's prune keeps the card another
/// auditor is writing a verdict on: the owner's function names the drafted cards (their ids,
/// nothing of the drafts) from the store's drafts, even when the lead's session made a table
/// of that name.
#[test]
fn on_the_server_a_lead_s_prune_keeps_the_card_of_another_auditor_s_draft_it_cannot_see() {
    use okk::domain::review::ReviewDraft;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let drafted = card_id(&mut connect(&server.url), "bitrix24", "502").unwrap();
    let journal = desk.dir.path().join("journal");
    let draft = ReviewDraft {
        comment: "перезвонить в пятницу".into(),
        ..Default::default()
    };
    PgStore::open(&team.anna.url, &journal)
        .unwrap()
        .save_draft(drafted, "anna", &draft, common::time("2026-11-20 09:00:00"))
        .unwrap();
    let mut lena = connect(&team.lena.url);
    let seen: i64 = lena
        .query_one("SELECT count(*) FROM drafts", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        seen, 0,
        "the drafts' policy hides anna's draft from the lead"
    );
    lena.batch_execute("CREATE TEMP TABLE drafts (card_id bigint)")
        .unwrap();
    let listed: Vec<i64> = (lena.query("SELECT okk_drafted_cards()", &[]).unwrap())
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        listed,
        [drafted],
        "the store's drafts, not the session's table"
    );
    drop(lena);
    let report = json_on(
        &desk,
        &team.lena.url,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    assert_eq!(
        (&report["removed"], &report["kept"]),
        (&serde_json::json!(2), &serde_json::json!(1)),
        "{report}"
    );
    assert_eq!(
        report["kept_for"],
        serde_json::json!([{"work": "drafts", "cards": 1, "first": ["502"]}])
    );
    let anna = PgStore::open(&team.anna.url, &journal).unwrap();
    assert_eq!(anna.draft(drafted, "anna").unwrap(), Some(draft));
}

/// The rights an auditor's login has on a server store: the desk's (reviews, its drafts and
/// leases, the claim's lock on a card) and no more. The owner's functions it may call are
/// those every login could call before schema 20.
const AUDITOR_S_RIGHTS: [&str; 11] = [
    "calls okk_mark_judged",
    // The desk's figures, counted again and kept when a write left them stale.
    "calls okk_stage_counts",
    "cards UPDATE (some columns)",
    "drafts DELETE",
    "drafts INSERT",
    "drafts UPDATE",
    "leases DELETE",
    "leases INSERT",
    "leases UPDATE",
    "reviews INSERT",
    "reviews UPDATE",
];

/// An auditor's login is refused before anything is read, in okk's words, and the server
/// refuses it too: no right to delete from a table a prune empties (nor another's lease that
/// ran out), nor to list the drafted cards; its rights are the desk's. A lead's login whose
/// group lost a right is refused naming it, and `okk db roles` gives it back.
#[test]
fn on_the_server_an_auditor_may_not_prune_through_okk_or_by_sql_and_nothing_changes() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let mut owner = connect(&server.url);
    let lapsed = card_id(&mut owner, "bitrix24", "502").unwrap();
    owner
        .execute(
            "INSERT INTO leases (card_id, auditor, until)
             VALUES ($1, 'boris', now() - interval '1 hour')",
            &[&lapsed],
        )
        .unwrap();
    let before = rows_per_table(&server.url);
    let runs = ok_on(&desk, &server.url, &["db", "imports", "--json"]);
    for args in [&["--dry-run"][..], &["--yes"]] {
        let all = [&["db", "prune", "--import", "last"][..], args].concat();
        let (ok, _, err) = run_on(&desk, &team.anna.url, &all);
        assert!(
            !ok && err.contains(&format!(
                "is the database owner's or a lead's command: the login role {}",
                team.anna.role
            )),
            "{err}"
        );
    }
    let (ok, _, err) = run_on(
        &desk,
        &team.anna.url,
        &["--lang", "ru", "db", "prune", "--gone", "--yes"],
    );
    assert!(
        !ok && err.contains("команда владельца базы или руководителя"),
        "{err}"
    );
    let mut anna = connect(&team.anna.url);
    for table in [
        "cards",
        "import_batches",
        "stage_history",
        "source_columns",
        "flags",
        "standings",
        "crm_notes",
        "crm_sync",
        "crm_notes_read",
        "crm_sweep",
        "crm_swept",
        "crm_stages",
    ] {
        refused(&mut anna, &format!("DELETE FROM {table}"));
    }
    refused(&mut anna, "SELECT okk_drafted_cards()");
    let gone = anna
        .execute("DELETE FROM leases WHERE auditor = 'boris'", &[])
        .unwrap();
    assert_eq!(gone, 0, "boris's lease is not anna's to end");
    assert_eq!(write_rights(&mut anna), AUDITOR_S_RIGHTS);
    assert_eq!(rows_per_table(&server.url), before);
    assert_eq!(
        ok_on(&desk, &server.url, &["db", "imports", "--json"]),
        runs
    );

    // A lead's login without a right the prune needs: refused before anything is read, the
    // table named, and okk db roles gives the right back.
    owner
        .batch_execute("REVOKE DELETE ON import_batches FROM okk_lead")
        .unwrap();
    for lang in ["en", "ru"] {
        let (ok, _, err) = run_on(
            &desk,
            &team.lena.url,
            &["--lang", lang, "db", "prune", "--import", "last", "--yes"],
        );
        assert!(!ok && err.contains(&team.lena.role), "{err}");
        assert!(err.contains("import_batches"), "{err}");
        assert!(err.contains("okk db roles"), "{err}");
    }
    assert_eq!(rows_per_table(&server.url), before);
    give_roles(&desk, &server.url, &team);
    let report = json_on(
        &desk,
        &team.lena.url,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    assert_eq!(report["removed"], 3, "{report}");
}

/// Sessions of the test's database waiting for a lock, but `conn`'s own.
fn waiting_for_locks(conn: &mut postgres::Client) -> i64 {
    conn.query_one(
        "SELECT count(*) FROM pg_stat_activity
         WHERE datname = current_database() AND wait_event_type = 'Lock'
           AND pid <> pg_backend_pid()",
        &[],
    )
    .unwrap()
    .get(0)
}

/// Until `n` sessions wait for a lock (each step of a race in its place).
fn until_waiting(conn: &mut postgres::Client, n: i64) {
    let began = std::time::Instant::now();
    while waiting_for_locks(conn) < n {
        if began.elapsed() > std::time::Duration::from_secs(60) {
            let sessions: Vec<String> = (conn.query(
                "SELECT concat_ws(' ', usename, application_name, state, wait_event_type,
                     wait_event, query)
                 FROM pg_stat_activity WHERE datname = current_database()",
                &[],
            ))
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
            panic!("{n} sessions never waited for a lock: {sessions:#?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// tester43 F5, F6: auditors sharing one home, each with a login on the server. Boris's
/// verdict left in the journal (his reviewer killed) is not anna's okk's to write — the server
/// takes a login's own user's verdicts only —, so her commands leave it, unsaid (they said it
/// was "not saved yet: refused" on every command). Anna judges the card meanwhile; boris's next
/// okk writes his and says that anna has a verdict on the card too.
#[test]
fn a_verdict_kept_under_a_shared_home_waits_for_its_auditor_and_names_whom_it_meets() {
    use okk::domain::ports::ReviewStore;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let mut owner = connect(&server.url);
    let b = card_id(&mut owner, "bitrix24", "502").unwrap();
    let shared = desk.dir.path().join("home/.local/share/okk/pending");
    let boris = PgStore::open(&team.boris.url, &shared).unwrap();
    drop(
        boris
            .keep_pending(&verdict_on(&boris, b, "boris", "boris-502"))
            .unwrap(),
    );
    drop(boris);
    let kept = || std::fs::read_dir(&shared).map_or(0, |d| d.count());
    assert_eq!(kept(), 1);

    let (ok, _, said) = run_on(&desk, &team.anna.url, &["stats", "--json"]);
    assert!(ok, "{said}");
    assert!(!said.contains("verdict"), "{said}");
    assert_eq!(kept(), 1, "boris's, for his okk");
    let mut anna = PgStore::open(&team.anna.url, &desk.dir.path().join("anna")).unwrap();
    let hers = verdict_on(&anna, b, "anna", "anna-502");
    anna.save_review(&hers, Given::Now).unwrap();

    let (ok, _, said) = run_on(&desk, &team.boris.url, &["stats", "--json"]);
    assert!(ok, "{said}");
    assert!(
        said.contains("okk: saved 1 verdict left waiting for the store"),
        "{said}"
    );
    assert!(
        said.contains("okk: #502: anna has a verdict on this card too: both stand"),
        "{said}"
    );
    assert_eq!(kept(), 0);
}

/// The verdict `id` of `auditor` (dead) on the card as their store reads it now.
fn verdict_on(
    store: &okk::store::pg::PgStore,
    card: i64,
    auditor: &str,
    id: &str,
) -> okk::domain::pending::PendingReview {
    use okk::domain::ports::ReviewStore;
    let detail = ReviewStore::card_detail(store, okk::domain::ids::CardId(card))
        .unwrap()
        .unwrap();
    okk::domain::pending::PendingReview {
        id: id.into(),
        card: okk::domain::stored_review::ReviewedCard::from(&detail),
        review: okk::domain::review::Review {
            verdict: okk::domain::review::Verdict::Dead,
            draft: Default::default(),
            score: None,
            seconds_spent: 3.0,
        },
        auditor: auditor.into(),
        funnel_fingerprint: "fp".into(),
        now: common::time("2026-11-20 09:00:00"),
        withdrawn_at: None,
    }
}

/// A lead's prune of the latest run on a session of its own, the report it made.
fn prune_aside(
    url: &str,
    journal: &std::path::Path,
) -> std::thread::JoinHandle<okk::domain::prune::PruneReport> {
    use okk::domain::prune::{Pruned, Selector};
    let (url, journal) = (url.to_string(), journal.to_path_buf());
    std::thread::spawn(move || {
        let mut store = okk::store::pg::PgStore::open(&url, &journal).unwrap();
        match store.prune(&Selector::Import(None), false).unwrap() {
            Pruned::Done(report) => *report,
            other => panic!("{other:?}"),
        }
    })
}

/// Each review's card id and the id of the card its key names (none for a card not there).
fn reviews_and_cards(conn: &mut postgres::Client) -> Vec<(String, Option<i64>, Option<i64>)> {
    (conn.query(
        "SELECT r.id, r.card_id, c.id FROM reviews r
         LEFT JOIN cards c ON c.source = r.card_source AND c.external_id = r.card_external_id
         ORDER BY r.id",
        &[],
    ))
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1), r.get(2)))
    .collect()
}

/// Verdicts that wait for their cards' locks while a lead's prune takes the cards out (the
/// prune locked them first and found no desk work): the usual verdict given now is refused
/// (the card is not in the store: the reviewer says so and moves on), and so is a draft typed
/// on the card, which does not stay on the server without its card; a late verdict from the
/// journal, acknowledged before the prune, is kept by the card's key with no card id (never
/// the id an import gives the next card). The import that brings the card back attaches it,
/// and the card then stays for it.
#[test]
fn on_the_server_verdicts_and_drafts_on_cards_a_prune_takes_are_refused_and_late_ones_wait() {
    use okk::domain::ports::ReviewStore;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let mut owner = connect(&server.url);
    let [a, b] = ["501", "502"].map(|e| card_id(&mut owner, "bitrix24", e).unwrap());
    // Anna and boris opened their cards before the prune; boris's verdict waits in his
    // journal (the server was busy when he gave it).
    let (anna_journal, boris_journal) =
        (desk.dir.path().join("anna"), desk.dir.path().join("boris"));
    let mut anna = PgStore::open(&team.anna.url, &anna_journal).unwrap();
    let anna_s = verdict_on(&anna, a, "anna", "anna-501");
    let mut anna_typing = PgStore::open(&team.anna.url, &anna_journal).unwrap();
    let mut boris = PgStore::open(&team.boris.url, &boris_journal).unwrap();
    drop(
        boris
            .keep_pending(&verdict_on(&boris, b, "boris", "boris-502"))
            .unwrap(),
    );
    // The prune stops at its first delete (the test holds the history table against writes):
    // its cards locked, their desk work looked for.
    let mut holder = connect(&server.url);
    holder
        .batch_execute("BEGIN; LOCK TABLE stage_history IN SHARE MODE")
        .unwrap();
    let prune = prune_aside(&team.lena.url, &desk.dir.path().join("lena"));
    until_waiting(&mut owner, 1);
    let saved = std::thread::spawn(move || anna.save_review(&anna_s, Given::Now));
    let replayed = std::thread::spawn(move || boris.replay_pending());
    let drafted = std::thread::spawn(move || {
        let draft = okk::domain::review::ReviewDraft {
            comment: "перезвонить".into(),
            ..Default::default()
        };
        let now = common::time("2026-11-20 09:00:00");
        ReviewStore::save_draft(
            &mut anna_typing,
            okk::domain::ids::CardId(a),
            "anna",
            &draft,
            now,
        )
    });
    until_waiting(&mut owner, 4);
    holder.batch_execute("ROLLBACK").unwrap();
    let report = prune.join().unwrap();
    assert_eq!((report.removed, report.kept), (3, 0), "{report:?}");
    let refused = saved.join().unwrap().unwrap_err();
    assert!(refused.is_card_gone(), "{refused:?}");
    assert!(refused.to_string().contains("#501"), "{refused}");
    let refused = drafted.join().unwrap().unwrap_err();
    assert!(refused.is_card_gone(), "{refused:?}");
    assert_eq!(replayed.join().unwrap().unwrap().saved, 1);
    assert_eq!(
        reviews_and_cards(&mut owner),
        [("boris-502".to_string(), None, None)],
        "the late one kept by its card's key, under no card's id"
    );
    let drafts: i64 = owner
        .query_one("SELECT count(*) FROM drafts", &[])
        .unwrap()
        .get(0);
    assert_eq!(drafts, 0, "no draft left on a card that is not there");
    ok_on(&desk, &server.url, &["import", &other_department()]);
    let back = reviews_and_cards(&mut owner);
    assert!(
        back.iter()
            .all(|(_, card, now)| card.is_some() && card == now),
        "attached to the cards come back: {back:?}"
    );
    let report = json_on(
        &desk,
        &team.lena.url,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    assert_eq!(
        report["kept_for"],
        serde_json::json!([{"work": "reviews", "cards": 1, "first": ["502"]}]),
        "{report}"
    );
}

/// The other order: a verdict that locked its card first and is still being written when a
/// lead's prune comes keeps the card: the prune waits for the card and then finds the review.
#[test]
fn on_the_server_a_prune_that_waits_for_a_verdict_s_card_finds_the_verdict_and_keeps_the_card() {
    use okk::domain::ports::ReviewStore;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let mut owner = connect(&server.url);
    let card = card_id(&mut owner, "bitrix24", "503").unwrap();
    let mut anna = PgStore::open(&team.anna.url, &desk.dir.path().join("anna")).unwrap();
    let verdict = verdict_on(&anna, card, "anna", "anna-503");
    // The verdict stops at its insert, its card locked: the test writes a review under the
    // same id and holds it, uncommitted, until the prune waits too.
    let mut holder = connect(&server.url);
    holder
        .batch_execute(
            "BEGIN; INSERT INTO reviews (id, card_source, card_external_id, auditor, stage,
                 verdict, created_at)
             VALUES ('anna-503', '-', '-', 'anna', '-', 'ok', '2026-11-20 08:00:00')",
        )
        .unwrap();
    let saved = std::thread::spawn(move || anna.save_review(&verdict, Given::Now));
    until_waiting(&mut owner, 1);
    let prune = prune_aside(&team.lena.url, &desk.dir.path().join("lena"));
    until_waiting(&mut owner, 2);
    holder.batch_execute("ROLLBACK").unwrap();
    saved.join().unwrap().unwrap();
    let report = prune.join().unwrap();
    assert_eq!((report.removed, report.kept), (2, 1), "{report:?}");
    assert_eq!(
        reviews_and_cards(&mut owner),
        [("anna-503".to_string(), Some(card), Some(card))]
    );
}

/// A server store an older okk kept (schema 19), its roles given before the upgrade: opened by
/// this okk, it grants the lead's login what a prune needs (and the auditor's nothing more),
/// and the reviews an older okk saved under the id of a card a prune had taken out wait for
/// their cards by their keys again (one attached to the card its key names, the card that had
/// the id no longer judged by it).
#[test]
fn a_server_store_of_schema_19_lets_its_lead_prune_once_migrated_and_its_auditor_nothing_more() {
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let mut owner = connect(&server.url);
    // Stepped back to schema 19 by hand: schema 20's grants, policies and function gone, the
    // verdict's call schema 18's (its migration runs again as it is).
    owner
        .batch_execute(&format!(
            "REVOKE DELETE ON cards, import_batches, stage_history, source_columns, crm_sync,
                 crm_notes_read FROM okk_lead;
             DROP POLICY IF EXISTS cards_pruned_by_lead ON cards;
             DROP POLICY IF EXISTS leases_run_out_pruned_by_lead ON leases;
             DROP FUNCTION okk_drafted_cards();
             DROP FUNCTION okk_release_work(bigint[], boolean);
             GRANT EXECUTE ON FUNCTION okk_attach_reviews(), okk_mark_rules_run(text) TO PUBLIC;
             {}
             UPDATE okk_meta SET value = '19' WHERE key = 'schema_version';",
            okk::store::pg::schema::MIGRATIONS[17]
        ))
        .unwrap();
    let mut lena = connect(&team.lena.url);
    let may: bool = lena
        .query_one("SELECT has_table_privilege('cards', 'DELETE')", &[])
        .unwrap()
        .get(0);
    assert!(!may, "stepped back: the lead may not delete cards");
    drop(lena);
    let mut anna = connect(&team.anna.url);
    let rights = write_rights(&mut anna);
    drop(anna);
    // What an older okk's verdict saved while a prune took its card left: 501's review under
    // an id no card has, 502's under a demo card's id (as if an import had given it that id
    // since) which it marked judged.
    let [c501, c502] = ["501", "502"].map(|e| card_id(&mut owner, "bitrix24", e).unwrap());
    let other: (i64, i64) = owner
        .query_one(
            "SELECT id, content_hash FROM cards WHERE source = 'amocrm' AND NOT judged
             ORDER BY id LIMIT 1",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    owner
        .execute(
            "INSERT INTO reviews (id, card_id, card_source, card_external_id, auditor, stage,
                 verdict, card_hash, created_at)
             VALUES ('r-501', $1, 'bitrix24', '501', 'anna', '-', 'dead', 0,
                     '2026-11-19 10:00:00'),
                    ('r-502', $2, 'bitrix24', '502', 'anna', '-', 'dead', $3,
                     '2026-11-19 10:00:00')",
            &[&(c501 + 1_000_000), &other.0, &other.1],
        )
        .unwrap();
    let judged = |owner: &mut postgres::Client| -> bool {
        owner
            .query_one("SELECT judged FROM cards WHERE id = $1", &[&other.0])
            .unwrap()
            .get(0)
    };
    assert!(
        judged(&mut owner),
        "the dangling review marked the card it names"
    );

    let said = ok_on(&desk, &server.url, &["db", "imports"]);
    assert!(said.contains("bitrix24"), "{said}");
    let version: String = owner
        .query_one(
            "SELECT value FROM okk_meta WHERE key = 'schema_version'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(version, okk::store::pg::schema::latest().to_string());
    assert_eq!(
        reviews_and_cards(&mut owner),
        [
            ("r-501".to_string(), Some(c501), Some(c501)),
            ("r-502".to_string(), Some(c502), Some(c502))
        ]
    );
    assert!(
        !judged(&mut owner),
        "no review judges the card that had the id"
    );
    let mut anna = connect(&team.anna.url);
    // Schema 21 takes the owner's functions an import and a rules run call from her.
    let lost = ["calls okk_attach_reviews", "calls okk_mark_rules_run"];
    assert!(
        lost.iter().all(|l| rights.iter().any(|r| r == l)),
        "{rights:?}"
    );
    let kept: Vec<String> = (rights.iter())
        .filter(|r| !lost.contains(&r.as_str()))
        .cloned()
        .collect();
    assert_eq!(write_rights(&mut anna), kept, "the auditor gains nothing");
    assert_eq!(kept, AUDITOR_S_RIGHTS);
    let report = json_on(
        &desk,
        &team.lena.url,
        &["db", "prune", "--import", "last", "--yes", "--json"],
    );
    assert_eq!(
        (&report["removed"], &report["kept"]),
        (&serde_json::json!(1), &serde_json::json!(2)),
        "{report}"
    );
}

/// tester29 F2, end to end: a reviewer left open on a card of the mistaken import notices the
/// prune another process runs (its write moves the store file's version): the card is no
/// longer shown, and its stage, which only the mistaken import had, gives way to the funnel
/// with a word why; nothing is written for the card.
#[test]
fn an_open_reviewer_notices_a_prune_and_lets_the_pruned_card_go() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    let args = desk.okk_args(&[
        "--today",
        TODAY,
        "review",
        "--stage",
        "Подготовка документов",
        "--auditor",
        "anna",
    ]);
    let mut term = pty::Spawn::new(&args, 120, 40).start(desk.dir.path());
    term.wait_for("┌ #501");
    ok_on(&desk, &db, &["db", "prune", "--import", "last", "--yes"]);
    term.wait_for("has no card left in the store (okk db prune removed them)");
    assert!(!term.screen().contains("#501"), "{}", term.screen());
    term.send("q");
    term.wait_clean_exit("quit from the funnel");
    let stats = json_on(&desk, &db, &["stats", "--json"]);
    assert_eq!(stats["totals"]["reviews"], 0, "{stats}");
    assert_eq!(stats["reviews_without_card"], 0, "{stats}");
}

/// Rows of `sql` (one count) on the store file.
fn count_on(desk: &Desk, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(&desk.db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// tester29 F1: the cards a prune kept for desk work stayed in every figure, and nothing said
/// so nor how to let them go. The report says what kept cards do and names `--with-work`,
/// which takes the cards kept only for reviews and drafts out with that work (the lead's
/// decisions on those reviews too), dry run and JSON alike; a card an auditor holds now stays,
/// with all its work, and the report does not offer to release it.
#[test]
fn with_work_takes_the_kept_cards_out_with_their_reviews_and_drafts_and_the_report_says_how() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    desk.review("503", "anna", "2026-11-20 10:00:00", &Verdict::of("dead"));
    let conn = rusqlite::Connection::open(&desk.db).unwrap();
    conn.execute_batch(
        "INSERT INTO lead_decisions (id, review_id, lead, decision, created_at)
             SELECT 'd1', id, 'lena', 'accept', '2026-11-20 11:00:00' FROM reviews;
         INSERT INTO drafts (card_id, auditor, comment, updated_at)
             SELECT id, 'boris', 'перезвонить', '2026-11-20 11:00:00' FROM cards
             WHERE source = 'bitrix24' AND external_id = '501';",
    )
    .unwrap();
    drop(conn);
    let said = ok_on(
        &desk,
        &db,
        &["db", "prune", "--import", "last", "--dry-run"],
    );
    assert!(
        said.contains("They stay in every figure: okk stats and okk report count them"),
        "{said}"
    );
    assert!(
        said.contains("okk db prune --import 2 --with-work (try --dry-run first)"),
        "{said}"
    );
    let before = bytes(&desk);
    let dry = json_on(
        &desk,
        &db,
        &[
            "db",
            "prune",
            "--import",
            "last",
            "--with-work",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(bytes(&desk), before, "a dry run writes nothing");
    assert_eq!(
        (&dry["removed"], &dry["kept"]),
        (&3.into(), &0.into()),
        "{dry}"
    );
    assert_eq!(dry["released_cards"], 2, "{dry}");
    assert_eq!(
        dry["work_removed"],
        serde_json::json!({"reviews": 1, "decisions": 1, "drafts": 1}),
        "{dry}"
    );
    let said = ok_on(
        &desk,
        &db,
        &["db", "prune", "--import", "last", "--with-work", "--yes"],
    );
    assert!(said.contains("Removed 3 cards from"), "{said}");
    assert!(
        said.contains("Went with their desk work (--with-work): 2 cards:"),
        "{said}"
    );
    assert!(
        said.contains("desk work taken out: reviews 1 (the lead's decisions on them 1), drafts 1"),
        "{said}"
    );
    for table in ["reviews", "lead_decisions", "drafts"] {
        assert_eq!(count_on(&desk, &format!("SELECT count(*) FROM {table}")), 0);
    }
    let stats = json_on(&desk, &db, &["stats", "--json"]);
    assert_eq!(stats["totals"]["reviews"], 0, "{stats}");
    let stages = stats["stages"].as_array().unwrap();
    assert!(
        stages.iter().all(|s| s["stage"] != "Новая"),
        "no stage of the other department left: {stats}"
    );

    // A card an auditor holds now stays, its review with it, and no release is offered.
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    desk.review("503", "anna", "2026-11-20 10:00:00", &Verdict::of("dead"));
    rusqlite::Connection::open(&desk.db)
        .unwrap()
        .execute_batch(
            "INSERT INTO leases (card_id, auditor, until)
                 SELECT id, 'anna', 99999999999.0 FROM cards
                 WHERE source = 'bitrix24' AND external_id = '503';",
        )
        .unwrap();
    let said = ok_on(
        &desk,
        &db,
        &["db", "prune", "--import", "last", "--with-work", "--yes"],
    );
    assert!(said.contains("Removed 2 cards from"), "{said}");
    assert!(said.contains("a claim held now: 1 card (503)"), "{said}");
    assert!(!said.contains("--with-work (try"), "{said}");
    assert_eq!(count_on(&desk, "SELECT count(*) FROM reviews"), 1);
}

/// On the server `--with-work` is the lead's: the owner's function takes the reviews, the
/// lead's decisions on them and every auditor's drafts of the cards (drafts the lead cannot
/// see among them), and an auditor may call neither it nor the functions an import and a
/// rules run call (schema 21).
#[test]
fn on_the_server_a_lead_s_prune_with_work_takes_others_work_and_an_auditor_calls_none_of_it() {
    use okk::domain::ports::ReviewStore;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let mut owner = connect(&server.url);
    let [a, b] = ["501", "503"].map(|e| card_id(&mut owner, "bitrix24", e).unwrap());
    let mut anna = PgStore::open(&team.anna.url, &desk.dir.path().join("anna")).unwrap();
    anna.save_review(&verdict_on(&anna, a, "anna", "anna-501"), Given::Now)
        .unwrap();
    let mut boris = PgStore::open(&team.boris.url, &desk.dir.path().join("boris")).unwrap();
    let draft = okk::domain::review::ReviewDraft {
        comment: "перезвонить".into(),
        ..Default::default()
    };
    let now = common::time("2026-11-20 09:00:00");
    ReviewStore::save_draft(
        &mut boris,
        okk::domain::ids::CardId(b),
        "boris",
        &draft,
        now,
    )
    .unwrap();
    let mut anna_sql = connect(&team.anna.url);
    for sql in [
        "SELECT okk_attach_reviews()",
        "SELECT okk_mark_rules_run('x')",
        "SELECT * FROM okk_release_work(ARRAY[1::bigint], false)",
    ] {
        refused(&mut anna_sql, sql);
    }
    let (ok, _, err) = run_on(
        &desk,
        &team.anna.url,
        &["db", "prune", "--import", "last", "--with-work", "--yes"],
    );
    assert!(!ok && err.contains(&team.anna.role), "{err}");
    let dry = json_on(
        &desk,
        &team.lena.url,
        &[
            "db",
            "prune",
            "--import",
            "last",
            "--with-work",
            "--dry-run",
            "--json",
        ],
    );
    assert_eq!(
        dry["work_removed"],
        serde_json::json!({"reviews": 1, "decisions": 0, "drafts": 1}),
        "{dry}"
    );
    let report = json_on(
        &desk,
        &team.lena.url,
        &[
            "db",
            "prune",
            "--import",
            "last",
            "--with-work",
            "--yes",
            "--json",
        ],
    );
    assert_eq!(
        (&report["removed"], &report["kept"]),
        (&3.into(), &0.into()),
        "{report}"
    );
    for table in ["reviews", "drafts", "cards WHERE source = 'bitrix24'"] {
        let n: i64 = owner
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "{table}");
    }
}

/// A bundle merged while a lead's prune takes the cards its reviews name (the prune locked
/// them first and found no desk work) waits for the prune, as a verdict does: its review is
/// then kept by the card's key with no card id, never under the id of a card the prune
/// deleted. (Read without the card's lock, the review named the card being deleted.)
#[test]
fn on_the_server_a_bundle_merged_during_a_prune_waits_and_keeps_its_review_by_the_key() {
    use okk::domain::ports::MergeStore;
    use okk::store::pg::PgStore;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    let team = team(&desk, &mut server);
    let mut owner = connect(&server.url);
    let mut holder = connect(&server.url);
    holder
        .batch_execute("BEGIN; LOCK TABLE stage_history IN SHARE MODE")
        .unwrap();
    let prune = prune_aside(&team.lena.url, &desk.dir.path().join("lena"));
    until_waiting(&mut owner, 1);
    let (url, journal) = (server.url.clone(), desk.dir.path().join("owner"));
    let merged = std::thread::spawn(move || {
        let mut store = PgStore::open(&url, &journal).unwrap();
        let tx = store.begin_merge().unwrap();
        tx.insert_review(&okk::domain::records::ReviewRecord {
            id: "laptop-501".into(),
            card_source: "bitrix24".into(),
            card_external_id: "501".into(),
            auditor: "anna".into(),
            stage: "Подготовка документов".into(),
            verdict: "dead".into(),
            checklist: "{}".into(),
            score: None,
            suggested_stage: None,
            suggested_owner: None,
            corrections: "{}".into(),
            comment: String::new(),
            card_hash: None,
            funnel_fingerprint: None,
            created_at: "2026-11-20 08:00:00".into(),
            seconds_spent: None,
            supersedes: None,
            withdrawn_at: None,
            signature: None,
            withdrawal_signature: None,
            judged: None,
            judged_signature: None,
        })
        .unwrap();
        tx.commit().unwrap();
    });
    until_waiting(&mut owner, 2);
    holder.batch_execute("ROLLBACK").unwrap();
    let report = prune.join().unwrap();
    assert_eq!((report.removed, report.kept), (3, 0), "{report:?}");
    merged.join().unwrap();
    assert_eq!(
        reviews_and_cards(&mut owner),
        [("laptop-501".to_string(), None, None)]
    );
}

/// tester31 F3: the mistaken import's cards in a calibration's sample stay while it is open,
/// and the report names the calibration with its way out (`okk calibrate end ID`) instead of
/// offering `--with-work`, which would release none of them; once the lead ends it, the report
/// offers `--with-work` for the judged one and the prune takes the rest, and with it all.
#[test]
fn a_calibration_s_cards_stay_while_it_is_open_and_the_report_names_the_way_out() {
    let desk = mistaken_desk();
    let db = path_arg(&desk.db);
    ok_on(
        &desk,
        &db,
        &[
            "db",
            "roles",
            "--auditor",
            "anna",
            "--auditor",
            "boris",
            "--lead",
            "olga",
        ],
    );
    let id = "0ddba11a-0000-4000-8000-000000000001";
    let c = okk::domain::calibration::Calibration {
        id: id.into(),
        stage: "Квалификация".into(),
        seed: 1,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "olga".into(),
        created_at: "2026-11-20 09:00:00".into(),
        cards: ["501", "503"]
            .map(|c| ("bitrix24".to_string(), c.to_string()))
            .to_vec(),
        end: None,
    };
    okk::store::Store::open(&desk.db)
        .unwrap()
        .save_calibration(&c)
        .unwrap();
    desk.review("503", "anna", "2026-11-20 10:00:00", &Verdict::of("dead"));
    let dry = ["db", "prune", "--import", "2", "--dry-run"];
    let said = ok_on(&desk, &db, &dry);
    assert!(said.contains("Would remove 1 card from"), "{said}");
    assert!(
        said.contains(
            "Kept while calibration 0ddba11a («Квалификация») is open: 2 cards. Once the lead \
             ends it (okk calibrate end 0ddba11a), a prune takes them"
        ),
        "{said}"
    );
    assert!(
        !said.contains("--with-work (try"),
        "it would release none: {said}"
    );
    let ru = ok_on(&desk, &db, &[&["--lang", "ru"][..], &dry].concat());
    assert!(
        ru.contains(
            "Пока открыта калибровка 0ddba11a («Квалификация»), она держит: 2 карточки. Когда \
             руководитель её завершит (okk calibrate end 0ddba11a)"
        ),
        "{ru}"
    );
    let json = json_on(&desk, &db, &[&dry[..], &["--json"]].concat());
    assert_eq!(
        json["calibrations"],
        serde_json::json!([{"id": id, "stage": "Квалификация", "cards": 2}])
    );
    assert_eq!(json["releasable"], 0);

    ok_on(
        &desk,
        &db,
        &["calibrate", "end", "0ddba11a", "--lead", "olga", "--yes"],
    );
    let said = ok_on(&desk, &db, &dry);
    assert!(said.contains("Would remove 2 cards from"), "{said}");
    assert!(!said.contains("Kept while calibration"), "{said}");
    assert!(
        said.contains("reviews: 1 card (503)")
            && said.contains("okk db prune --import 2 --with-work (try --dry-run first)"),
        "{said}"
    );
    let said = ok_on(
        &desk,
        &db,
        &["db", "prune", "--import", "2", "--with-work", "--yes"],
    );
    assert!(said.contains("Removed 3 cards from"), "{said}");
    for card in ["501", "502", "503"] {
        assert!(desk.look().card(card).unwrap().is_none(), "{card} stayed");
    }
}

/// tester31 F3 on the server, on a store an older okk kept (schema 22, migrated to 23 on open):
/// while a calibration of the mistaken import's cards is open, a lead's prune keeps them and
/// names it; once the lead's login ends it, `--with-work` takes the card anna judged with her
/// review (`okk_release_work` leaves only an open calibration's cards) and the rest go.
#[test]
fn on_the_server_a_lead_s_prune_takes_an_ended_calibration_s_cards_with_their_work() {
    use okk::domain::ports::ReviewStore;
    use okk::store::pg::PgStore;
    use okk::store::pg::schema::MIGRATIONS;
    let Some(mut server) = ServerDb::new() else {
        return;
    };
    let desk = Desk::new();
    mistaken_server(&desk, &server);
    // As okk of schema 22 left it: no end's columns, schema 21's okk_release_work.
    let mut owner = connect(&server.url);
    owner
        .batch_execute(&format!(
            "ALTER TABLE calibrations DROP COLUMN ended_at, DROP COLUMN ended_by,
                 DROP COLUMN end_signature;
             {}
             {}
             UPDATE okk_meta SET value = '22' WHERE key = 'schema_version';",
            MIGRATIONS[20], MIGRATIONS[21]
        ))
        .unwrap();
    let team = team(&desk, &mut server);
    let [a, b] = ["501", "503"].map(|e| card_id(&mut owner, "bitrix24", e).unwrap());
    let id = "0ddba11a-0000-4000-8000-000000000002";
    let c = okk::domain::calibration::Calibration {
        id: id.into(),
        stage: "Квалификация".into(),
        seed: 1,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "lena".into(),
        created_at: "2026-11-20 08:00:00".into(),
        cards: ["501", "503"]
            .map(|c| ("bitrix24".to_string(), c.to_string()))
            .to_vec(),
        end: None,
    };
    let mut lena = PgStore::open(&team.lena.url, &desk.dir.path().join("lena")).unwrap();
    assert!(lena.save_calibration(&c).unwrap(), "migrated on open");
    drop(lena);
    let mut anna = PgStore::open(&team.anna.url, &desk.dir.path().join("anna")).unwrap();
    anna.save_review(&verdict_on(&anna, a, "anna", "anna-501"), Given::Now)
        .unwrap();
    drop(anna);
    let _ = b;
    let dry = [
        "db",
        "prune",
        "--import",
        "last",
        "--with-work",
        "--dry-run",
    ];
    let said = ok_on(&desk, &team.lena.url, &dry);
    assert!(
        said.contains("Kept while calibration 0ddba11a («Квалификация») is open: 2 cards.")
            && said.contains("Would remove 1 card from"),
        "{said}"
    );
    ok_on(
        &desk,
        &team.lena.url,
        &["calibrate", "end", "0ddba11a", "--yes"],
    );
    let said = ok_on(&desk, &team.lena.url, &dry);
    assert!(!said.contains("Kept while calibration"), "{said}");
    let said = ok_on(
        &desk,
        &team.lena.url,
        &["db", "prune", "--import", "last", "--with-work", "--yes"],
    );
    assert!(said.contains("Removed 3 cards from"), "{said}");
    assert!(said.contains("reviews 1"), "{said}");
    for e in ["501", "502", "503"] {
        assert_eq!(card_id(&mut owner, "bitrix24", e), None, "{e} stayed");
    }
    let reviews: i64 = owner
        .query_one("SELECT count(*) FROM reviews", &[])
        .unwrap()
        .get(0);
    assert_eq!(reviews, 0);
}
