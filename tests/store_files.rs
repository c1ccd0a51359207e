//! The files okk keeps beside the user's: the store (refused when it is someone else's file,
//! private either way), the temp files of exports killed midway, and what stderr gets.

mod common;

use std::os::unix::fs::PermissionsExt;

use common::{Desk, path_arg};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn an_existing_empty_file_given_as_db_becomes_a_private_store() {
    let desk = Desk::new();
    std::fs::write(&desk.db, b"").unwrap();
    std::fs::set_permissions(&desk.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    desk.okk().args(["stats", "--json"]).assert().success();
    assert_eq!(mode(&desk.db), 0o600, "the store must be private");
    assert_eq!(desk.count("SELECT count(*) FROM cards"), 0);
}

#[test]
fn a_store_left_readable_by_others_is_made_private_on_open() {
    let desk = Desk::demo();
    std::fs::set_permissions(&desk.db, std::fs::Permissions::from_mode(0o664)).unwrap();
    desk.okk().args(["stats", "--json"]).assert().success();
    assert_eq!(mode(&desk.db), 0o600);
}

#[test]
fn a_foreign_file_given_as_db_is_refused_and_left_as_it_was() {
    let desk = Desk::new();
    let text = "Имя,Телефон\nАнна,+7 900 000-00-01\n";
    std::fs::write(&desk.db, text).unwrap();
    std::fs::set_permissions(&desk.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = desk.okk().args(["stats"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("not an okk database"), "{err}");
    assert_eq!(std::fs::read_to_string(&desk.db).unwrap(), text);
    assert_eq!(mode(&desk.db), 0o644, "a refused file keeps its mode");
    let beside: Vec<_> = std::fs::read_dir(desk.dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("okk.db"))
        .collect();
    assert_eq!(beside, ["okk.db"], "nothing was made beside it");

    // Another program's SQLite database, likewise.
    let other = desk.dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&other).unwrap();
    conn.execute_batch("CREATE TABLE contacts (name TEXT); INSERT INTO contacts VALUES ('x')")
        .unwrap();
    drop(conn);
    let out = desk
        .okk_bare()
        .args(["--db", &path_arg(&other), "stats"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not an okk database"));
}

/// An export killed before its rename leaves `.NAME.PID.RANDOM.part`: the next export to that
/// directory removes it, and leaves a running export's file (its writer alive, or its lock
/// held) alone.
#[test]
fn the_next_export_removes_what_a_killed_export_left_and_only_that() {
    let desk = Desk::demo();
    let out_dir = desk.dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    // A process that has ended, and one that runs.
    let mut done = std::process::Command::new("true").spawn().unwrap();
    let dead = done.id();
    done.wait().unwrap();
    let mut running = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let alive = running.id();

    let killed = out_dir.join(format!(".reviews.csv.{dead}.Ab3xYz.part"));
    let killed_other_name = out_dir.join(format!(".crm.csv.{dead}.Qw3rTy.part"));
    let still_writing = out_dir.join(format!(".reviews.csv.{alive}.Zx9cVb.part"));
    let locked = out_dir.join(format!(".report.html.{dead}.Lk4dEd.part"));
    let not_ours = out_dir.join(".reviews.csv.Ab3xYz.part");
    let users = out_dir.join("notes.part");
    for f in [
        &killed,
        &killed_other_name,
        &still_writing,
        &locked,
        &not_ours,
        &users,
    ] {
        std::fs::write(f, "half a file").unwrap();
    }
    // Held as a running export holds its file (its pid could be anyone's by now).
    let holder = std::fs::File::open(&locked).unwrap();
    holder.lock().unwrap();

    let target = out_dir.join("reviews.csv");
    desk.run_ok(&["export", "reviews", "--out", &path_arg(&target)]);
    assert!(target.exists());
    assert!(
        !killed.exists() && !killed_other_name.exists(),
        "stale temp files stay"
    );
    for kept in [&still_writing, &locked, &not_ours, &users] {
        assert!(kept.exists(), "{} was removed", kept.display());
    }
    let left: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(&std::process::id().to_string()))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    drop(holder);
    running.kill().unwrap();
    running.wait().unwrap();
}

/// Off a terminal (and with NO_COLOR) stderr carries no colour codes; errors name their cause.
#[test]
fn errors_off_a_terminal_carry_no_colour() {
    let desk = Desk::demo();
    // A store damaged behind okk's back: an error okk does not word itself, with its causes.
    desk.conn().execute_batch("DROP TABLE reviews").unwrap();
    for no_color in [None, Some("1")] {
        let mut cmd = desk.okk();
        cmd.env_remove("NO_COLOR");
        if let Some(v) = no_color {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.args(["stats"]).output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("okk: ") && err.contains("no such table"),
            "{err}"
        );
        assert!(!err.contains('\u{1b}'), "colour on a pipe: {err:?}");
    }
}

/// Where the store is kept read-only for the test, and put back writable after it (a folder
/// left 0555 is one `tempfile` cannot remove).
struct ReadOnlyFolder(std::path::PathBuf);

impl Drop for ReadOnlyFolder {
    fn drop(&mut self) {
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
    }
}

/// The binary as a user who may not write in a folder of mode 0555: this user when it is not
/// root, else `nobody` through setpriv; `None` where neither is possible (root without
/// setpriv). `owner`: the uid that must own the store file for that user to read it.
fn reader(desk: &Desk) -> Option<(std::process::Command, Option<u32>)> {
    // SAFETY: geteuid(2) has no arguments and cannot fail.
    if unsafe { libc::geteuid() } != 0 {
        let okk = std::process::Command::new(env!("CARGO_BIN_EXE_okk"));
        return Some((desk.sandboxed(okk), None));
    }
    let nobody = ["--reuid=65534", "--regid=65534", "--clear-groups"];
    let works = std::process::Command::new("setpriv")
        .args(nobody)
        .arg("true")
        .status()
        .is_ok_and(|s| s.success());
    if !works {
        eprintln!("skipped: run as root and no setpriv to drop to a user who may not write");
        return None;
    }
    let mut cmd = std::process::Command::new("setpriv");
    cmd.args(nobody).arg("--").arg(env!("CARGO_BIN_EXE_okk"));
    Some((desk.sandboxed(cmd), Some(65534)))
}

/// A store in a folder its user may not write to (SQLite keeps the write-ahead log and its
/// index there) is read as it is: stats and the queue work, the flags of another day are shown
/// as they were, and a write is refused once, naming the file and what to make writable, in
/// the user's language; the store is left as it was.
#[test]
fn a_store_in_a_folder_okk_may_not_write_is_read_and_a_write_says_where_and_why() {
    let desk = Desk::new();
    let folder = desk.dir.path().join("ro");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("olga.db");
    let export = common::fixture("resync/v1.csv");
    let okk = |cmd: &mut std::process::Command, args: &[&str]| {
        let funnel = common::funnel_path();
        cmd.arg("--db").arg(&db).arg("--funnel").arg(funnel);
        cmd.args(["--today", "2026-11-20"]).args(args);
        cmd.output().unwrap()
    };
    let owner_okk = || desk.sandboxed(std::process::Command::new(env!("CARGO_BIN_EXE_okk")));
    let out = okk(&mut owner_okk(), &["import", &export]);
    assert!(out.status.success());
    let stats = okk(&mut owner_okk(), &["stats", "--json"]).stdout;
    let Some((_, owner)) = reader(&desk) else {
        return;
    };
    if let Some(uid) = owner {
        std::os::unix::fs::chown(&db, Some(uid), Some(uid)).unwrap();
    }
    let before = common::digest(&db);
    let everyone = std::fs::Permissions::from_mode(0o755);
    std::fs::set_permissions(desk.dir.path(), everyone.clone()).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let _back = ReadOnlyFolder(folder.clone());
    let as_reader = |args: &[&str]| okk(&mut reader(&desk).unwrap().0, args);

    let read = as_reader(&["stats", "--json"]);
    let err = String::from_utf8_lossy(&read.stderr);
    assert!(read.status.success(), "{err}");
    assert_eq!(read.stdout, stats, "the same figures");
    let queue = as_reader(&["queue", "--stage", "Квалификация", "--auditor", "olga"]);
    assert!(
        queue.status.success(),
        "{}",
        String::from_utf8_lossy(&queue.stderr)
    );
    // Another day's flags cannot be judged here: shown as they are, and said so.
    let later = as_reader(&["check", "--rule", "idle"]);
    assert!(later.status.success());
    let funnel2 = desk.dir.path().join("funnel2.toml");
    let text = std::fs::read_to_string(common::funnel_path()).unwrap();
    std::fs::write(&funnel2, format!("{text}\n# another version\n")).unwrap();
    let mut cmd = reader(&desk).unwrap().0;
    cmd.arg("--db")
        .arg(&db)
        .arg("--funnel")
        .arg(&funnel2)
        .arg("check");
    let other = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(other.status.success(), "{err}");
    assert!(
        err.contains("the flags are shown as their last run left them"),
        "{err}"
    );

    let import = as_reader(&["import", &export]);
    assert_eq!(import.status.code(), Some(1));
    let err = String::from_utf8(import.stderr).unwrap();
    let shown = db.display().to_string();
    assert_eq!(
        err,
        format!(
            "okk: {shown}: cannot write to the store: okk may not write in its folder {} (or to \
             the file), and SQLite writes its journal there; it can be read, not changed. Make \
             the folder and the file writable for this user, or copy the store to a folder that \
             is\n",
            folder.display()
        )
    );
    let ru = as_reader(&["--lang", "ru", "import", &export]);
    let err = String::from_utf8(ru.stderr).unwrap();
    assert!(
        err.starts_with(&format!(
            "okk: {shown}: не удаётся записать в хранилище: okk не может писать в его папку"
        )),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(common::digest(&db), before, "the store is as it was");
}

/// A store older than a calibration's end (schema 28), in a folder okk may not write to, is
/// read as it is: its calibrations read as open (`schema::OPEN_CALIBRATIONS`), so `okk calibrate
/// list` and `report` work and the queue still puts their cards first.
#[test]
fn a_store_older_than_a_calibration_s_end_read_as_it_is_reads_its_calibrations_open() {
    let desk = Desk::new();
    let folder = desk.dir.path().join("ro");
    std::fs::create_dir(&folder).unwrap();
    let db = folder.join("olga.db");
    let okk = |cmd: &mut std::process::Command, args: &[&str]| {
        cmd.arg("--db")
            .arg(&db)
            .arg("--funnel")
            .arg(common::funnel_path());
        cmd.args(["--today", "2026-11-20"]).args(args);
        cmd.output().unwrap()
    };
    let owner_okk = || desk.sandboxed(std::process::Command::new(env!("CARGO_BIN_EXE_okk")));
    let out = okk(
        &mut owner_okk(),
        &["import", &common::fixture("resync/v1.csv")],
    );
    assert!(out.status.success());
    let c = okk::domain::calibration::Calibration {
        id: "01d5c0de-0000-4000-8000-000000000001".into(),
        stage: "Первичный контакт".into(),
        seed: 1,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "olga".into(),
        created_at: "2026-11-19 09:00:00".into(),
        cards: vec![("amocrm".into(), "4002".into())],
        end: None,
    };
    okk::store::Store::open(&db)
        .unwrap()
        .save_calibration(&c)
        .unwrap();
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch(
            "ALTER TABLE calibrations DROP COLUMN ended_at;
             ALTER TABLE calibrations DROP COLUMN ended_by;
             ALTER TABLE calibrations DROP COLUMN end_signature;
             PRAGMA user_version = 28;",
        )
        .unwrap();
    let Some((_, owner)) = reader(&desk) else {
        return;
    };
    if let Some(uid) = owner {
        std::os::unix::fs::chown(&db, Some(uid), Some(uid)).unwrap();
    }
    let before = common::digest(&db);
    std::fs::set_permissions(desk.dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let _back = ReadOnlyFolder(folder.clone());
    let as_reader = |args: &[&str]| {
        let out = okk(&mut reader(&desk).unwrap().0, args);
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "okk {args:?}: {err}");
        String::from_utf8(out.stdout).unwrap()
    };
    let listed: serde_json::Value =
        serde_json::from_str(&as_reader(&["calibrate", "list", "--json"])).unwrap();
    assert_eq!(listed["open"], true, "{listed}");
    assert_eq!(listed["ended_at"], serde_json::Value::Null);
    let report: serde_json::Value =
        serde_json::from_str(&as_reader(&["calibrate", "report", "--json"])).unwrap();
    assert_eq!(report["report"]["cards"], 1, "{report}");
    let queue: serde_json::Value = serde_json::from_str(&as_reader(&[
        "queue",
        "--stage",
        "Первичный контакт",
        "--auditor",
        "anna",
        "--json",
    ]))
    .unwrap();
    let first = &queue["cards"][0];
    assert_eq!(
        (first["id"].clone(), first["calibration"].clone()),
        ("4002".into(), true.into())
    );
    assert_eq!(common::digest(&db), before, "the store is as it was");
}
