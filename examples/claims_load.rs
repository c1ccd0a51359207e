//! Load on a team server's shared queue (not a timed test): simulated auditors each claim the
//! next card of a stage and judge it, as fast as they can, while a lead accepts their verdicts;
//! then prints the p50 and p99 of claim + verdict (and of the claim, the card read and the
//! verdict each), how many cards went to two auditors and how many verdicts are missing from
//! the store (the run fails on either), the machine's load average before and after, and the
//! round trips one claim + card + verdict takes (counted on one auditor's connection through a
//! relay before the load starts).
//!
//!     cargo run --release --example claims_load -- postgres://… STAGE AUDITORS CARDS_EACH
//!
//! The store is one `okk db copy` made (docs/team-server.md); each auditor is `load-RUN-N`.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use okk::domain::decision::Decision;
use okk::domain::pending::PendingReview;
use okk::domain::ports::{QueueStore, ReviewStore};
use okk::domain::queue::QueueQuery;
use okk::domain::review::{Review, Verdict};
use okk::domain::stored_review::{Given, ReviewedCard};
use okk::store::pg::PgStore;

const LEASE: Duration = Duration::from_secs(300);

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// One claim, the card read and a verdict on it; the card's external id and the review's id,
/// or none when the stage ran dry. `trips` is read between the steps when counting.
fn judge_next(
    store: &mut PgStore,
    stage: &str,
    who: &str,
    mut step: impl FnMut(usize),
) -> Option<(String, String)> {
    let stages = [stage.to_string()];
    let q = QueueQuery {
        crm_stages: &stages,
        auditor: who,
        limit: 1,
        all: false,
        closed_stage: false,
        now: now(),
        after: None,
        text: None,
        sources: None,
        with_calibration: true,
        reviewed: false,
    };
    let entry = QueueStore::claim(store, &q, 1, LEASE)
        .expect("a claim")
        .pop()?;
    step(0);
    let detail = ReviewStore::card_detail(store, entry.card_id)
        .expect("a card's detail")
        .expect("the claimed card is there");
    step(1);
    let id = uuid::Uuid::new_v4().to_string();
    let p = PendingReview {
        id: id.clone(),
        card: ReviewedCard::from(&detail),
        review: Review {
            verdict: Verdict::Ok,
            draft: Default::default(),
            score: None,
            seconds_spent: 1.0,
        },
        auditor: who.to_string(),
        funnel_fingerprint: "load".into(),
        now: now(),
        withdrawn_at: None,
    };
    store
        .save_review(&p, Given::Now)
        .expect("the verdict saves");
    step(2);
    Some((entry.id, id))
}

/// One card judged: its external id, and the seconds its claim, its card read and its verdict
/// took.
struct Judged {
    card: String,
    steps: [f64; 3],
}

impl Judged {
    fn total(&self) -> f64 {
        self.steps.iter().sum()
    }
}

/// One auditor's run, card by card.
fn auditor(
    url: &str,
    stage: &str,
    who: &str,
    cards: usize,
    done: mpsc::Sender<String>,
) -> Vec<Judged> {
    let mut store = PgStore::open(url, &std::env::temp_dir()).expect("the server answers");
    let mut out = Vec::new();
    while out.len() < cards {
        let mut steps = [0.0; 3];
        let mut last = Instant::now();
        let step = |i: usize| {
            steps[i] = last.elapsed().as_secs_f64();
            last = Instant::now();
        };
        let Some((card, review)) = judge_next(&mut store, stage, who, step) else {
            break; // the stage ran dry
        };
        out.push(Judged { card, steps });
        let _ = done.send(review);
    }
    out
}

/// A TCP relay to the server that counts round trips: a client write after the server has
/// written is one more (a statement's messages go out in one write, its answer comes back).
struct Relay {
    port: u16,
    trips: Arc<AtomicU64>,
}

impl Relay {
    fn to(host: &str, port: u16) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a local port");
        let trips = Arc::new(AtomicU64::new(0));
        let relay = Relay {
            port: listener.local_addr().expect("its address").port(),
            trips: trips.clone(),
        };
        let server = format!("{host}:{port}");
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let server = TcpStream::connect(&server).expect("the server answers");
                let answered = Arc::new(AtomicBool::new(true));
                let pipe = |mut from: TcpStream, mut to: TcpStream, up: bool| {
                    let (answered, trips) = (answered.clone(), trips.clone());
                    move || {
                        let mut buf = vec![0u8; 64 * 1024];
                        while let Ok(n @ 1..) = from.read(&mut buf) {
                            if up && answered.swap(false, Ordering::SeqCst) {
                                trips.fetch_add(1, Ordering::SeqCst);
                            } else if !up {
                                answered.store(true, Ordering::SeqCst);
                            }
                            if to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Write);
                    }
                };
                let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                std::thread::spawn(pipe(client, server, true));
                std::thread::spawn(pipe(s2, c2, false));
            }
        });
        relay
    }

    fn count(&self) -> u64 {
        self.trips.load(Ordering::SeqCst)
    }
}

/// The round trips of one claim, one card read and one verdict, each averaged over `cards`
/// by one auditor alone, through a relay; and what it judged.
fn round_trips(url: &str, stage: &str, who: &str, cards: usize) -> ([f64; 3], Vec<String>) {
    let config = postgres::Config::from_str(url).expect("a PostgreSQL URL");
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => "127.0.0.1".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let relay = Relay::to(&host, port);
    let user = config.get_user().unwrap_or("postgres");
    let password = config.get_password().map_or(String::new(), |p| {
        format!(":{}", String::from_utf8_lossy(p))
    });
    let db = config.get_dbname().unwrap_or(user);
    let relayed = format!("postgres://{user}{password}@127.0.0.1:{}/{db}", relay.port);
    let mut store = PgStore::open(&relayed, &std::env::temp_dir()).expect("the server answers");
    let mut sums = [0u64; 3];
    let mut judged = Vec::new();
    for _ in 0..cards {
        let mut last = relay.count();
        let step = |i: usize| {
            let at = relay.count();
            sums[i] += at - last;
            last = at;
        };
        let Some((card, _)) = judge_next(&mut store, stage, who, step) else {
            break;
        };
        judged.push(card);
    }
    let n = judged.len().max(1) as f64;
    (sums.map(|s| s as f64 / n), judged)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, stage, auditors, cards] = &args[..] else {
        eprintln!("usage: claims_load postgres://… STAGE AUDITORS CARDS_EACH");
        std::process::exit(2);
    };
    let auditors: usize = auditors.parse().expect("AUDITORS is a number");
    let cards: usize = cards.parse().expect("CARDS_EACH is a number");
    // This run's auditors, apart from an earlier run's on the same store.
    let run = uuid::Uuid::new_v4().simple().to_string()[..8].to_string();
    let prefix = format!("load-{run}-");
    println!("load average before: {}", load_average());
    // Counted first, on a quiet queue: a session's statements are prepared on its first
    // cards, so the first ten are left out of the count.
    let counter = format!("{prefix}rt");
    let (_, warm) = round_trips(url, stage, &counter, 10);
    let (trips, counted) = round_trips(url, stage, &counter, 20);
    println!(
        "round trips (one auditor, mean of {}): claim {:.1}, card {:.1}, verdict {:.1}; \
         claim + card + verdict {:.1}",
        counted.len(),
        trips[0],
        trips[1],
        trips[2],
        trips.iter().sum::<f64>()
    );
    let (tx, rx) = mpsc::channel::<String>();
    let started = Instant::now();
    let (runs, decided) = std::thread::scope(|s| {
        let lead = s.spawn(|| {
            let mut store = PgStore::open(url, &std::env::temp_dir()).expect("the server answers");
            let mut n = 0;
            for review in rx {
                store
                    .decide(&review, "load-lead", &Decision::accept(), now())
                    .expect("the lead's decision saves");
                n += 1;
            }
            n
        });
        let workers: Vec<_> = (0..auditors)
            .map(|i| {
                let done = tx.clone();
                let who = format!("{prefix}{i}");
                s.spawn(move || auditor(url, stage, &who, cards, done))
            })
            .collect();
        drop(tx);
        let runs: Vec<Vec<Judged>> = workers.into_iter().map(|w| w.join().unwrap()).collect();
        (runs, lead.join().unwrap())
    });
    let wall = started.elapsed();
    let mut seen: HashSet<String> = HashSet::new();
    let mut twice = 0;
    for card in warm.iter().chain(&counted) {
        twice += usize::from(!seen.insert(card.clone()));
    }
    let mut times: Vec<f64> = Vec::new();
    let mut steps: [Vec<f64>; 3] = Default::default();
    for j in runs.iter().flatten() {
        twice += usize::from(!seen.insert(j.card.clone()));
        times.push(j.total());
        for (all, t) in steps.iter_mut().zip(j.steps) {
            all.push(t);
        }
    }
    times.sort_by(f64::total_cmp);
    for s in &mut steps {
        s.sort_by(f64::total_cmp);
    }
    let store = PgStore::open(url, &std::env::temp_dir()).expect("the server answers");
    let facts = store.review_facts().expect("the reviews");
    let kept = facts
        .iter()
        .filter(|f| f.auditor.starts_with(&prefix))
        .count();
    let lost = (seen.len() + twice).saturating_sub(kept);
    println!(
        "{auditors} auditors, {} verdicts ({decided} accepted by the lead meanwhile) in {:.1} s: \
         claim + verdict p50 {:.1} ms, p99 {:.1} ms",
        times.len(),
        wall.as_secs_f64(),
        percentile(&times, 0.5) * 1000.0,
        percentile(&times, 0.99) * 1000.0
    );
    let ms = |s: &[f64], p: f64| percentile(s, p) * 1000.0;
    println!(
        "each step p50/p99: claim {:.1}/{:.1} ms, card {:.1}/{:.1} ms, verdict {:.1}/{:.1} ms",
        ms(&steps[0], 0.5),
        ms(&steps[0], 0.99),
        ms(&steps[1], 0.5),
        ms(&steps[1], 0.99),
        ms(&steps[2], 0.5),
        ms(&steps[2], 0.99)
    );
    println!("cards handed out twice: {twice}; verdicts lost: {lost}");
    println!("load average after: {}", load_average());
    if twice > 0 || lost > 0 {
        std::process::exit(1);
    }
}
