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
