//! `okk report` in a real browser: headless Chromium parses the page (its DOM has every
//! section, the charts, and no script element though a card's owner is `<script>`) and draws
//! it (a screenshot of the page, not of a blank one).
//!
//! Skipped, saying so, when Chromium is not installed (Debian: `apt-get install -y chromium`);
//! `OKK_REQUIRE_CHROMIUM=1` (set by `.ci/run`) turns the skip into a failure.
//! `scripts/check_report.sh` does the same on the demo with 250 reviews, for a person to look at.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Desk, Verdict};

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

fn headless(chrome: &Path, args: &[&str], page: &Path) -> std::process::Output {
    let out = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
        ])
        .args(args)
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn the_report_renders_in_headless_chromium() {
    let Some(chrome) = chromium() else {
        assert!(
            std::env::var_os("OKK_REQUIRE_CHROMIUM").is_none(),
            "OKK_REQUIRE_CHROMIUM is set but Chromium is not installed"
        );
        eprintln!(
            "skipped: Chromium not found (Debian: apt-get install -y chromium, or set CHROMIUM)"
        );
        return;
    };
    let desk = Desk::demo();
    desk.plant_card("31588109", "owner", "<script>document.title=1</script>");
    for (card, verdict) in [
        ("31588109", "stale"),
        ("31894580", "ok"),
        ("31522512", "wrong_stage"),
        ("31278946", "dead"),
    ] {
        desk.review(
            card,
            "anna",
            "2026-11-18 12:00:00",
            &Verdict {
                answers: &[("meeting_result", "fail")],
                ..Verdict::of(verdict)
            },
        );
    }
    let page = desk.dir.path().join("report.html");
    desk.run_ok(&["report", "--out", page.to_str().unwrap()]);

    let dom = String::from_utf8(headless(&chrome, &["--dump-dom"], &page).stdout).unwrap();
    for id in ["funnel", "bottlenecks", "managers", "trend", "auditors"] {
        assert!(
            dom.contains(&format!("<section id=\"{id}\">")),
            "no section {id} in the browser's DOM"
        );
    }
    assert_eq!(dom.matches("<svg").count(), 3, "three charts");
    assert_eq!(
        dom.matches("<script").count(),
        0,
        "a script element in the DOM"
    );
    assert!(dom.contains("&lt;script&gt;document.title=1&lt;/script&gt;"));

    let png = desk.dir.path().join("report.png");
    let shot = format!("--screenshot={}", png.display());
    headless(&chrome, &["--window-size=1280,1600", &shot], &page);
    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert_eq!(&bytes[1..4], b"PNG");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    assert_eq!(width, 1280);
    // A blank 1280×1600 page compresses to a few kilobytes; charts and tables do not.
    assert!(
        bytes.len() > 60_000,
        "the screenshot is {} bytes: a blank page?",
        bytes.len()
    );
}
