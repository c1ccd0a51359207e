//! Audit-engine benchmark on the store the import benchmark leaves behind (bench/import.sh):
//! all rules over all cards, and the next 50 cards of a stage's queue.
//!
//!   bench/import.sh 1000000 && cargo bench --bench audit
//!
//! Prints wall times; targets are in docs/benchmarks.md.

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
    let now = chrono::NaiveDate::from_ymd_opt(2026, 11, 20)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("a valid date");

    let t = Instant::now();
    let mut store = Store::open(&copy).expect("open the store");
    let cards = store.card_count().expect("count");
    println!(
        "open (and migrate) {cards} cards: {:.2} s",
        t.elapsed().as_secs_f64()
    );

    // As the first import (`--no-check`) leaves a store: no flags, every card's standing zero.
    // The benchmark's store may hold flags of another day's run.
    let t = Instant::now();
    let conn = rusqlite::Connection::open(&copy).expect("open the copy");
    conn.execute_batch(
        "DELETE FROM flags; DELETE FROM standings; PRAGMA wal_checkpoint(TRUNCATE);",
    )
    .expect("clear the flags");
    drop(conn);
    println!(
        "(flags cleared, as after a first import: {:.1} s, not timed below)",
        t.elapsed().as_secs_f64()
    );

    for run in ["first, after the import", "again, the next day"] {
        let t = Instant::now();
        let cpu = cpu_s();
        let r = store
            .rerun_flags(|card, ctx| evaluate(card, ctx, &funnel, now))
            .expect("rules");
        println!(
            "rules over all cards ({run}): {:.2} s (CPU {:.1} s) — {} flagged, {} flags",
            t.elapsed().as_secs_f64(),
            cpu_s() - cpu,
            r.flagged,
            r.flags
        );
    }

    let stage = "Встреча проведена".to_string();
    let page_of = |after: Option<&okk::store::queue::QueueKey>, text: Option<&str>| {
        store
            .queue(&QueueQuery {
                after,
                text,
                with_calibration: after.is_none(),
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

    // The whole queue, page after page, as an auditor scrolling it would read it: the page that
    // passes from the flagged cards to the rest skips every flagged card in the cards' order.
    let mut times = Vec::new();
    let mut crossing = None;
    let mut after: Option<okk::store::queue::QueueKey> = None;
    loop {
        let t = Instant::now();
        let q = page(after.as_ref());
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        let Some(last) = q.last() else { break };
        if after.as_ref().is_none_or(|k| k.flag_count > 0) && last.key.flag_count == 0 {
            crossing = Some(ms);
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
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
}
