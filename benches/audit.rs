//! Audit-engine benchmark on the store the import benchmark leaves behind (bench/import.sh):
//! all rules over all cards, and the next 50 cards of a stage's queue.
//!
//!   bench/import.sh 1000000 && cargo bench --bench audit
//!
//! Prints wall times; targets are in docs/benchmarks.md. The rules judge the data's day
//! (`OKK_TODAY`, default 2026-11-20); last, they run once more 13 days later (`OKK_BENCH_LATER`
//! days), when most cards turn idle and most flags change.

use std::time::Instant;

// The allocator the `okk` binary runs with (src/main.rs), so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use okk::domain::rules::evaluate;
use okk::store::Store;
use okk::store::queue::QueueQuery;

/// The process's CPU time so far (user and system, all threads), from /proc: how much work a run
/// took, steadier than its wall time on a shared machine.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name in parentheses: state is field 3, utime 14 and stime 15.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i - 3).and_then(|f| f.parse::<f64>().ok());
    // Linux reports these in USER_HZ, which is 100 on every architecture.
    ticks(14)
        .zip(ticks(15))
        .map_or(0.0, |(u, s)| (u + s) / 100.0)
}

/// Bytes this process has had written to disk so far (`write_bytes` of /proc/self/io): what a
/// run costs the disk, which a busy disk turns into wall time.
fn written_mb() -> f64 {
    let io = std::fs::read_to_string("/proc/self/io").unwrap_or_default();
    io.lines()
        .find_map(|l| l.strip_prefix("write_bytes: "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map_or(0.0, |b| b / 1e6)
}

fn main() {
    let db = std::env::var("OKK_BENCH_DB").unwrap_or_else(|_| "bench/out/okk.db".into());
    let src = std::path::Path::new(&db);
    if !src.exists() {
        eprintln!("audit bench: {db} not found; run bench/import.sh first");
        return;
    }
    // Work on a copy: the import benchmark's store stays as it was.
    let copy = std::env::temp_dir().join(format!("okk-audit-bench-{}.db", std::process::id()));
    std::fs::copy(src, &copy).expect("copy the store");
    // The copy's gigabyte written back to disk now, not while the rules run.
    let _ = std::process::Command::new("sync").status();
    let funnel = okk::funnel_config::default_funnel();
    let day = std::env::var("OKK_TODAY").map_or_else(
        |_| chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a valid date"),
        |d| d.parse().expect("OKK_TODAY: YYYY-MM-DD"),
    );
    let now = day.and_hms_opt(12, 0, 0).expect("a valid time");
    let later_days: i64 = std::env::var("OKK_BENCH_LATER").map_or(13, |d| {
        d.parse().expect("OKK_BENCH_LATER: a number of days")
    });

    let t = Instant::now();
    let store = Store::open(&copy).expect("open the store");
    let cards = store.card_count().expect("count");
    println!(
        "open (and migrate) {cards} cards: {:.2} s",
        t.elapsed().as_secs_f64()
    );
    drop(store);

    // As the first import (`--no-check`) leaves a store: no flags, every card's standing zero.
    // The benchmark's store may hold flags of another day's run.
    let t = Instant::now();
    let conn = rusqlite::Connection::open(&copy).expect("open the copy");
    // Through the rollback journal: a cleared table's pages go to the free list unjournaled,
    // where the log would copy every one of them (a minute on a busy disk). The store opens
    // in WAL again below.
    conn.execute_batch(
        "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;
         DELETE FROM flags; DELETE FROM standings; PRAGMA journal_mode = WAL;",
    )
    .expect("clear the flags");
    drop(conn);
    println!(
        "(flags cleared, as after a first import: {:.1} s, not timed below)",
        t.elapsed().as_secs_f64()
    );

    let mut store = Store::open(&copy).expect("open the store");
    let rules = |store: &mut Store, run: &str, now: chrono::NaiveDateTime| {
        let t = Instant::now();
        let (cpu, written) = (cpu_s(), written_mb());
        let r = store
            .rerun_flags(|card, ctx| evaluate(card, ctx, &funnel, now))
            .expect("rules");
        // The log's pages reach the store file at the next checkpoint: count them too.
        store.checkpoint().expect("checkpoint");
        println!(
            "rules over all cards ({run}): {:.2} s (CPU {:.1} s, {:.0} MB written) — {} \
             flagged, {} flags",
            t.elapsed().as_secs_f64(),
            cpu_s() - cpu,
            written_mb() - written,
            r.flagged,
            r.flags
        );
    };
    rules(&mut store, "first, after the import", now);
    rules(&mut store, "again, the next day", now);

    let stage = "Встреча проведена".to_string();
    let page_of = |after: Option<&okk::store::queue::QueueKey>, text: Option<&str>| {
        store
            .queue(&QueueQuery {
                after,
                text,
                sources: None,
                with_calibration: after.is_none(),
                reviewed: false,
                crm_stages: std::slice::from_ref(&stage),
                auditor: "bench",
                limit: 50,
                all: false,
                closed_stage: false,
                now,
            })
            .expect("queue")
    };
    let page = |after: Option<&okk::store::queue::QueueKey>| page_of(after, None);
    let mut times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let q = page(None);
        assert_eq!(q.len(), 50);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "next 50 of «{stage}»: median {:.2} ms, worst {:.2} ms (50 runs)",
        times[times.len() / 2],
        times[times.len() - 1]
    );

    // A typed filter: the first page of the cards whose id, title or owner holds it.
    for needle in ["смирн", "нет такого"] {
        let mut times = Vec::new();
        for _ in 0..20 {
            let t = Instant::now();
            page_of(None, Some(needle));
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "first page of «{stage}» filtered by «{needle}»: median {:.2} ms, worst {:.2} ms (20 runs)",
            times[times.len() / 2],
            times[times.len() - 1]
        );
    }

    // The whole queue, page after page, as an auditor scrolling it would read it, and the page
    // that passes from the flagged cards to the rest (it once skipped every flagged card in the
    // cards' order) read 20 times more: its median is its own cost, not the disk's mood.
    let mut times = Vec::new();
    let mut crossing = None;
    let mut crossing_after = None;
    let mut after: Option<okk::store::queue::QueueKey> = None;
    loop {
        let t = Instant::now();
        let q = page(after.as_ref());
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let Some(last) = q.last() else { break };
        if after.as_ref().is_none_or(|k| k.flag_count > 0) && last.key.flag_count == 0 {
            crossing = Some(ms);
            crossing_after = Some(after.clone());
        }
        times.push(ms);
        after = Some(last.key.clone());
    }
    let pages = times.len();
    times.sort_by(f64::total_cmp);
    println!(
        "every page of «{stage}» ({pages} pages of 50): median {:.2} ms, p99 {:.2} ms, worst \
         {:.2} ms; from the flagged cards to the rest {}",
        times[pages / 2],
        times[(pages * 99 / 100).min(pages - 1)],
        times[pages - 1],
        crossing.map_or("-".to_string(), |ms| format!("{ms:.2} ms"))
    );
    if let Some(after) = crossing_after {
        let mut times: Vec<f64> = (0..20)
            .map(|_| {
                let t = Instant::now();
                page(after.as_ref());
                t.elapsed().as_secs_f64() * 1000.0
            })
            .collect();
        times.sort_by(f64::total_cmp);
        println!(
            "the page from the flagged cards to the rest again: median {:.2} ms, worst {:.2} ms \
             (20 runs)",
            times[10], times[19]
        );
    }

    // The day moved on past the export: most cards turn idle, most flags change.
    let later = now + chrono::Duration::days(later_days);
    rules(
        &mut store,
        &format!("{later_days} days later, most flags change"),
        later,
    );
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
}
