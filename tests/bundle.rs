//! Moving work between laptops: two auditors review on their own stores, bundles go to the
//! lead's store and back; merging is idempotent, order-independent, keeps withdrawals, and a
//! damaged bundle changes nothing.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use common::{Desk, assert_same, digest, path_arg};
use okk::domain::review::{Review, ReviewDraft, Verdict};
use okk::store::Store;
use okk::store::reviews::{ReviewedCard, Stamp};
use proptest::prelude::*;
use rusqlite::Connection;

struct Laptop {
    desk: Desk,
    auditor: &'static str,
    clock: i64,
}

impl Laptop {
    /// A laptop on its own copy of the demo store.
    fn new(auditor: &'static str) -> Laptop {
        Laptop {
            desk: Desk::demo(),
            auditor,
            clock: 0,
        }
    }

    fn empty(auditor: &'static str) -> Laptop {
        Laptop {
            desk: Desk::new(),
            auditor,
            clock: 0,
        }
    }

    fn store(&self) -> Store {
        Store::open(&self.desk.db).unwrap()
    }

    fn tick(&mut self) -> NaiveDateTime {
        self.clock += 1;
        NaiveDateTime::parse_from_str("2026-11-20 12:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
            + chrono::Duration::seconds(self.clock)
    }

    /// The `n`th card of the demo (by id) judged `verdict`; returns the review id.
    fn review(&mut self, n: i64, verdict: Verdict) -> String {
        let now = self.tick();
        let mut store = self.store();
        let d = store.card_detail(n).unwrap().expect("demo card");
        let card = ReviewedCard {
            card_id: d.card_id,
            source: d.card.source.clone(),
            external_id: d.card.external_id.clone(),
            stage: d.card.stage.clone(),
            hash: d.hash,
        };
        let review = Review {
            verdict,
            draft: ReviewDraft {
                comment: format!("{} on {n}", self.auditor),
                ..ReviewDraft::default()
            },
            score: Some(100.0),
            seconds_spent: 5.0,
        };
        store
            .save_review(
                &card,
                &review,
                &Stamp {
                    auditor: self.auditor,
                    funnel_fingerprint: "fp",
                    now,
                },
            )
            .unwrap()
    }

    fn withdraw(&mut self, id: &str) {
        let now = self.tick();
        self.store().withdraw_review(id, now).unwrap();
    }

    fn decide(&mut self, review_id: &str, decision: &str) {
        let now = self.tick();
        let conn = Connection::open(&self.desk.db).unwrap();
        conn.execute(
            "INSERT INTO lead_decisions (id, review_id, lead, decision, note, created_at)
             VALUES (?1, ?2, ?3, ?4, 'see the date', ?5)",
            rusqlite::params![
                format!("{}-{review_id}-{decision}", self.auditor),
                review_id,
                self.auditor,
                decision,
                okk::store::cards::fmt_time(&now)
            ],
        )
        .unwrap();
    }

    fn export(&self, name: &str) -> PathBuf {
        let out = self.desk.dir.path().join(name);
        self.desk
            .okk()
            .args(["bundle", "export", "--force", "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    }

    fn import(&self, bundle: &Path) -> serde_json::Value {
        self.desk
            .json_ok(&["bundle", "import", "--json", &path_arg(bundle)])["report"]
            .clone()
    }

    /// (card, auditor, verdict) of every current review, sorted.
    fn current(&self) -> Vec<(String, String, String)> {
        self.desk.current_reviews()
    }

    /// Reviews and decisions, without the store-local card id.
    fn work(&self) -> Vec<String> {
        let d = digest(&self.desk.db);
        ["reviews", "lead_decisions"]
            .iter()
            .flat_map(|t| d.get(*t).cloned().unwrap_or_default())
            .collect()
    }
}

#[test]
fn a_bundle_brings_an_auditors_reviews_to_the_lead_once() {
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    anna.review(2, Verdict::Dead);
    let lead = Laptop::new("olga");
    let bundle = anna.export("anna.okkb");
    let first = lead.import(&bundle);
    assert_eq!(first["reviews_added"], 2);
    assert_eq!(lead.current(), anna.current());
    let before = digest(&lead.desk.db);
    let again = lead.import(&bundle);
    assert_eq!(
        (
            again["reviews_added"].as_u64(),
            again["reviews_known"].as_u64()
        ),
        (Some(0), Some(2))
    );
    assert_same(&before, &digest(&lead.desk.db));
}

#[test]
fn the_order_of_bundles_does_not_matter() {
    let mut anna = Laptop::new("anna");
    let mut boris = Laptop::new("boris");
    anna.review(1, Verdict::Ok);
    boris.review(1, Verdict::Stale);
    let r = boris.review(2, Verdict::Ok);
    boris.review(2, Verdict::Unclear); // judged again
    boris.withdraw(&r); // the superseded one withdrawn: nothing changes what is current
    let (a, b) = (anna.export("a.okkb"), boris.export("b.okkb"));
    let one = Laptop::new("olga");
    one.import(&a);
    one.import(&b);
    let two = Laptop::new("olga");
    two.import(&b);
    two.import(&a);
    two.import(&b);
    assert_eq!(one.work(), two.work());
    assert_eq!(one.current(), two.current());
    assert_eq!(one.current().len(), 3);
}

#[test]
fn an_older_bundle_never_undoes_a_newer_decision() {
    let mut anna = Laptop::new("anna");
    let first = anna.review(3, Verdict::Ok);
    let old = anna.export("old.okkb");
    anna.withdraw(&first);
    let second = anna.review(4, Verdict::Dead);
    let rejudged = anna.review(4, Verdict::WrongStage);
    let new = anna.export("new.okkb");
    let lead = Laptop::new("olga");
    lead.import(&new);
    lead.import(&old);
    assert_eq!(lead.current(), anna.current());
    assert!(lead.current().iter().all(|(_, _, v)| v == "wrong_stage"));
    // The lead's decisions go back, and the auditor's laptop takes them.
    let mut lead = lead;
    lead.decide(&rejudged, "return");
    let back = lead.export("back.okkb");
    let report = anna.import(&back);
    assert_eq!(report["decisions_added"], 1);
    let _ = second;
}

#[test]
fn a_damaged_or_foreign_bundle_is_refused_whole() {
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    anna.review(2, Verdict::Ok);
    let good = std::fs::read(anna.export("a.okkb")).unwrap();
    let lead = Laptop::new("olga");
    let before = digest(&lead.desk.db);
    let dir = lead.desk.dir.path();
    let mut cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "truncated",
            good[..good.len() * 2 / 3].to_vec(),
            "cut short",
        ),
        ("empty", Vec::new(), "empty"),
        ("csv", b"id,stage\n1,x\n".to_vec(), "not an okk bundle"),
    ];
    let mut altered = good.clone();
    let at = altered.windows(4).position(|w| w == b"anna").unwrap();
    altered[at] = b'A';
    cases.push(("altered", altered, "checksum"));
    let text = String::from_utf8(good.clone()).unwrap();
    cases.push((
        "v9",
        text.replacen("\"okk_bundle\":1", "\"okk_bundle\":9", 1)
            .into_bytes(),
        "version 9",
    ));
    for (name, bytes, says) in cases {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        // A good bundle in the same call is not merged either.
        let good_path = dir.join("good.okkb");
        std::fs::write(&good_path, &good).unwrap();
        let out = lead
            .desk
            .okk()
            .args(["bundle", "import"])
            .arg(&good_path)
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(says) && err.contains(&path_arg(&path)),
            "{name}: {err}"
        );
        assert_same(&before, &digest(&lead.desk.db));
    }
}

#[test]
fn reviews_of_cards_not_synced_yet_wait_for_them() {
    let mut anna = Laptop::new("anna");
    anna.review(5, Verdict::Stale);
    let bundle = anna.export("a.okkb");
    let fresh = Laptop::empty("olga");
    let report = fresh.import(&bundle);
    assert_eq!(report["waiting_for_cards"], 1);
    let demo = okk::app::demo::DEMO_CSV;
    let csv = fresh.desk.dir.path().join("amocrm_deals.csv");
    std::fs::write(&csv, demo).unwrap();
    fresh
        .desk
        .okk()
        .args(["import", "--no-check"])
        .arg(&csv)
        .assert()
        .success();
    assert_eq!(
        fresh
            .desk
            .count("SELECT count(*) FROM reviews WHERE card_id IS NULL"),
        0
    );
    assert_eq!(fresh.current(), anna.current());
}

#[test]
fn an_existing_bundle_file_is_kept_unless_forced() {
    let anna = Laptop::new("anna");
    let out = anna.desk.dir.path().join("x.okkb");
    std::fs::write(&out, "mine").unwrap();
    let res = anna
        .desk
        .okk()
        .args(["bundle", "export", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "mine");
}

// ---- three laptops, any interleaving --------------------------------------------------------

#[derive(Debug, Clone)]
enum Step {
    Review {
        laptop: usize,
        card: i64,
        verdict: usize,
    },
    Withdraw {
        laptop: usize,
        nth: usize,
    },
    Export {
        laptop: usize,
    },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..3usize, 1..6i64, 0..5usize).prop_map(|(laptop, card, verdict)| Step::Review { laptop, card, verdict }),
        1 => (0..3usize, 0..8usize).prop_map(|(laptop, nth)| Step::Withdraw { laptop, nth }),
        2 => (0..3usize).prop_map(|laptop| Step::Export { laptop }),
    ]
}

/// Merges the same work through the library (no process per bundle: the property runs many
/// cases).
fn merge_all(db: &Path, bundles: &[Vec<u8>]) {
    let mut store = Store::open(db).unwrap();
    for b in bundles {
        store.merge_bundle(&okk::bundle::read(b).unwrap()).unwrap();
    }
}

fn work_of(db: &Path) -> (Vec<String>, Vec<String>) {
    let d = digest(db);
    (
        d.get("reviews").cloned().unwrap_or_default(),
        d.get("lead_decisions").cloned().unwrap_or_default(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn bundles_from_three_laptops_merge_to_one_answer_in_any_order(
        steps in proptest::collection::vec(step(), 1..25),
        order in any::<proptest::sample::Index>(),
        dupes in proptest::collection::vec(any::<proptest::sample::Index>(), 0..4),
    ) {
        let mut laptops = [Laptop::new("anna"), Laptop::new("boris"), Laptop::new("vera")];
        let mut made: [Vec<String>; 3] = Default::default();
        let mut sent: Vec<Vec<u8>> = Vec::new();
        for s in steps {
            match s {
                Step::Review { laptop, card, verdict } => {
                    let id = laptops[laptop].review(card, Verdict::ALL[verdict]);
                    made[laptop].push(id);
                }
                Step::Withdraw { laptop, nth } => {
                    if let Some(id) = made[laptop].get(nth).cloned() {
                        laptops[laptop].withdraw(&id);
                    }
                }
                Step::Export { laptop } => {
                    let store = laptops[laptop].store();
                    sent.push(okk::bundle::write(&store.bundle(None, "now").unwrap()));
                }
            }
        }
        // Each laptop's final bundle goes too (what the lead eventually gets).
        for l in &laptops {
            sent.push(okk::bundle::write(&l.store().bundle(None, "now").unwrap()));
        }
        let a = Laptop::new("olga");
        merge_all(&a.desk.db, &sent);
        // Another lead gets them rotated, with some sent twice.
        let mut shuffled = sent.clone();
        let k = order.index(shuffled.len());
        shuffled.rotate_left(k);
        shuffled.reverse();
        for d in &dupes {
            let again = shuffled[d.index(shuffled.len())].clone();
            shuffled.push(again);
        }
        let b = Laptop::new("olga");
        merge_all(&b.desk.db, &shuffled);
        prop_assert_eq!(work_of(&a.desk.db), work_of(&b.desk.db));
        // Nothing lost or doubled: the lead holds every review each laptop made, once.
        let all: usize = made.iter().map(Vec::len).sum();
        prop_assert_eq!(a.desk.count("SELECT count(*) FROM reviews") as usize, all);
        // And each laptop's own view of its current reviews is what the lead sees for it.
        for l in &laptops {
            let mine: Vec<_> = a.current().into_iter().filter(|c| c.1 == l.auditor).collect();
            prop_assert_eq!(mine, l.current());
        }
    }
}
