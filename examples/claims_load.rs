//! Load on a team server's shared queue (not a timed test): simulated auditors each claim the
//! next card of a stage and judge it, as fast as they can, while a lead accepts their verdicts;
//! then prints the p50 and p99 of claim + verdict and checks that no card went to two auditors
//! and that every verdict is in the store.
//!
//!     cargo run --release --example claims_load -- postgres://… STAGE AUDITORS CARDS_EACH
//!
//! The store is one `okk db copy` made (docs/team-server.md); each auditor is `load-RUN-N`.

use std::collections::HashSet;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use okk::domain::decision::Decision;
use okk::domain::pending::PendingReview;
use okk::domain::ports::ReviewStore;
use okk::domain::queue::QueueQuery;
use okk::domain::review::{Review, Verdict};
use okk::domain::stored_review::ReviewedCard;
use okk::store::pg::PgStore;

const LEASE: Duration = Duration::from_secs(300);

fn now() -> chrono::NaiveDateTime {
    chrono::Local::now().naive_local()
}

/// One auditor's run: (card external id, seconds for claim + verdict, review id) per card.
fn auditor(
    url: &str,
    stage: &str,
    who: &str,
    cards: usize,
    done: mpsc::Sender<String>,
) -> Vec<(String, f64)> {
    let dir = std::env::temp_dir();
    let mut store = PgStore::open(url, &dir).expect("the server answers");
    let stages = [stage.to_string()];
    let mut out = Vec::new();
    while out.len() < cards {
        let started = Instant::now();
        let q = QueueQuery {
            crm_stages: &stages,
            auditor: who,
            limit: 1,
            all: false,
            closed_stage: false,
            now: now(),
            after: None,
            text: None,
            with_calibration: true,
        };
        let Some(entry) = store.claim(&q, 1, LEASE).expect("a claim").pop() else {
            break; // the stage ran dry
        };
        let detail = ReviewStore::card_detail(&store, entry.card_id)
            .expect("a card's detail")
            .expect("the claimed card is there");
        let id = uuid::Uuid::new_v4().to_string();
        let p = PendingReview {
            id: id.clone(),
            card: ReviewedCard {
                card_id: detail.card_id,
                source: detail.card.source.clone(),
                external_id: detail.card.external_id.clone(),
                stage: detail.card.stage.clone(),
                hash: detail.hash,
            },
            review: Review {
                verdict: Verdict::Ok,
                draft: Default::default(),
                score: None,
                seconds_spent: 1.0,
            },
            auditor: who.to_string(),
            funnel_fingerprint: "load".into(),
            now: now(),
        };
        store.save_review(&p).expect("the verdict saves");
        out.push((entry.id, started.elapsed().as_secs_f64()));
        let _ = done.send(id);
    }
    out
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
        let runs: Vec<Vec<(String, f64)>> =
            workers.into_iter().map(|w| w.join().unwrap()).collect();
        (runs, lead.join().unwrap())
    });
    let wall = started.elapsed();
    let mut seen = HashSet::new();
    let mut times: Vec<f64> = Vec::new();
    for (card, t) in runs.iter().flatten() {
        assert!(
            seen.insert(card.clone()),
            "card {card} was handed out twice"
        );
        times.push(*t);
    }
    times.sort_by(f64::total_cmp);
    let store = PgStore::open(url, &std::env::temp_dir()).expect("the server answers");
    let facts = store.review_facts().expect("the reviews");
    let kept = facts
        .iter()
        .filter(|f| f.auditor.starts_with(&prefix))
        .count();
    assert_eq!(kept, times.len(), "every verdict is in the store");
    println!(
        "{auditors} auditors, {} verdicts ({decided} accepted by the lead meanwhile) in {:.1} s: \
         claim + verdict p50 {:.1} ms, p99 {:.1} ms; no card twice, no verdict lost",
        times.len(),
        wall.as_secs_f64(),
        percentile(&times, 0.5) * 1000.0,
        percentile(&times, 0.99) * 1000.0
    );
}
