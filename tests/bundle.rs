//! Moving work between laptops: two auditors review on their own stores, signed bundles go to
//! the lead's store and back; merging is idempotent, order-independent, keeps withdrawals, and a
//! damaged, forged or conflicting bundle changes nothing.

mod common;

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use common::{Desk, Table, assert_same, digest, path_arg, text};
use okk::bundle::merge::{MergeError, MergeInput, MergeOptions, merge_bundles};
use okk::bundle::sign::Keypair;
use okk::bundle::{Reader, Record, Writer};
use okk::domain::merge::MergeReport;
use okk::domain::review::{Review, ReviewDraft, Verdict};
use okk::store::Store;
use okk::store::reviews::{ReviewedCard, Stamp};
use okk::store::trust::TrustedKey;
use proptest::prelude::*;

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
        self.review_timed(n, verdict, 5.0, Some(100.0))
    }

    /// [`Laptop::review`] after `seconds_spent` on the card, scored `score`.
    fn review_timed(
        &mut self,
        n: i64,
        verdict: Verdict,
        seconds_spent: f64,
        score: Option<f64>,
    ) -> String {
        let now = self.tick();
        let mut store = self.store();
        let d = store.card_detail(n).unwrap().expect("demo card");
        let card = ReviewedCard::from(&d);
        let review = Review {
            verdict,
            draft: ReviewDraft {
                comment: format!("{} on {n}", self.auditor),
                ..ReviewDraft::default()
            },
            score,
            seconds_spent,
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

    /// The lead's decision on `review_id`; returns its id.
    fn decide(&mut self, review_id: &str, decision: &str) -> String {
        let now = self.tick();
        let decision = okk::domain::decision::Decision {
            kind: okk::domain::decision::DecisionKind::from_name(decision).unwrap(),
            verdict: None,
            suggested_stage: None,
            suggested_owner: None,
            note: "see the date".into(),
            answers: None,
        };
        self.store()
            .decide(review_id, self.auditor, &decision, now)
            .unwrap()
    }

    /// The lead takes her decision `id` back.
    fn take_back(&mut self, id: &str) {
        let now = self.tick();
        self.store().withdraw_decision(id, now).unwrap();
    }

    fn export(&self, name: &str) -> PathBuf {
        let out = self.desk.dir.path().join(name);
        self.desk
            .okk()
            .args(["bundle", "export", "--force", "--as", self.auditor, "--out"])
            .arg(&out)
            .assert()
            .success();
        out
    }

    /// `okk bundle trust BUNDLE --as NAME [--lead]`: this store trusts the bundle's signer.
    fn trust(&self, bundle: &Path, name: &str, lead: bool) {
        let mut cmd = self.desk.okk();
        cmd.args(["bundle", "trust"])
            .arg(bundle)
            .args(["--as", name]);
        if lead {
            cmd.arg("--lead");
        }
        cmd.assert().success();
    }

    /// `okk bundle import FILE…` that must be refused: its stderr, after checking the store is
    /// as it was.
    fn import_refused(&self, bundles: &[&Path], extra: &[&str]) -> String {
        let before = digest(&self.desk.db);
        let out = self
            .desk
            .okk()
            .args(["bundle", "import"])
            .args(extra)
            .args(bundles)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_same(&before, &digest(&self.desk.db));
        err
    }

    /// `okk --lang LANG bundle import FILE`: what it says.
    fn import_said(&self, bundle: &Path, lang: &str) -> String {
        let out = self
            .desk
            .okk()
            .args(["--lang", lang, "bundle", "import"])
            .arg(bundle)
            .output()
            .unwrap();
        let said = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        said
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
    lead.trust(&bundle, "anna", false);
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
fn a_review_timed_to_seventeen_digits_merges_and_keeps_its_time_exactly() {
    // 3.4816269699999998 s read back as the double next to it, and the genuine review was
    // refused as "edited after signing".
    let mut anna = Laptop::new("anna");
    anna.review_timed(
        1,
        Verdict::Dead,
        3.4816269699999998,
        Some(66.66666666666667),
    );
    let bundle = anna.export("anna.okkb");
    let lead = Laptop::new("olga");
    lead.trust(&bundle, "anna", false);
    assert_eq!(lead.import(&bundle)["reviews_added"], 1);
    let review = &lead.desk.rows(Table::Reviews)[0];
    assert_eq!(review["seconds_spent"].as_f64(), Some(3.4816269699999998));
    assert_eq!(review["score"].as_f64(), Some(66.66666666666667));
    // And the lead's store sends it on with anna's signature, which still fits.
    let on = lead.export("on.okkb");
    let boris = Laptop::new("boris");
    boris.trust(&bundle, "anna", false);
    assert_eq!(boris.import(&on)["reviews_added"], 1);
    assert_eq!(boris.work(), lead.work());
}

#[test]
fn a_bundle_an_earlier_okk_wrote_with_a_seventeen_digit_time_merges() {
    // Written by okk before the fix, as a tester's laptop sent it: refused then.
    let bundle = common::repo().join("tests/fixtures/bundle/seconds_17_digits.okkb");
    let lead = Laptop::empty("olga");
    lead.trust(&bundle, "anna", false);
    let report = lead.import(&bundle);
    assert_eq!(report["reviews_added"], 8, "{report}");
    let spent: Vec<f64> = lead
        .desk
        .rows(Table::Reviews)
        .iter()
        .filter_map(|r| r["seconds_spent"].as_f64())
        .collect();
    assert!(spent.contains(&3.4816269699999998), "{spent:?}");
}

#[test]
fn reviews_timed_to_any_number_of_digits_all_merge_bit_for_bit() {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4816269699999998);
    let mut anna = Laptop::new("anna");
    let mut made = Vec::new();
    for i in 0..300 {
        // Seconds as a clock gives them (nanoseconds over minutes), and any positive double.
        let seconds = if i % 3 == 2 {
            f64::from_bits(rng.random::<u64>() >> 2)
        } else {
            rng.random_range(0.0..600.0)
        };
        let score = rng.random_range(0.0..=100.0);
        anna.review_timed(
            1 + i % 7,
            Verdict::ALL[i as usize % 5],
            seconds,
            Some(score),
        );
        made.push((seconds.to_bits(), score.to_bits()));
    }
    let bundle = anna.export("anna.okkb");
    let lead = Laptop::new("olga");
    lead.trust(&bundle, "anna", false);
    assert_eq!(lead.import(&bundle)["reviews_added"], 300);
    let bits = |l: &Laptop| {
        let mut b: Vec<(u64, u64)> = l
            .desk
            .rows(Table::Reviews)
            .iter()
            .map(|r| {
                let f = |c: &str| r[c].as_f64().expect("a number").to_bits();
                (f("seconds_spent"), f("score"))
            })
            .collect();
        b.sort();
        b
    };
    made.sort();
    assert_eq!(bits(&lead), made);
}

/// The signer's name in the header of the bundle `okk bundle export EXTRA…` writes from `l`'s
/// store, with the login name `login-name` and no `OKK_AUDITOR`.
fn signer_named(l: &Laptop, extra: &[&str]) -> String {
    let out = l.desk.dir.path().join("signed.okkb");
    l.desk
        .okk()
        .env_remove("OKK_AUDITOR")
        .env("USER", "login-name")
        .args(["bundle", "export", "--force", "--out"])
        .arg(&out)
        .args(extra)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    header["signer"].as_str().unwrap().to_string()
}

#[test]
fn a_bundles_header_names_whose_work_its_key_signs() {
    // An auditor's laptop: its records are anna's, whatever the login name.
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    assert_eq!(signer_named(&anna, &[]), "anna");
    assert_eq!(signer_named(&anna, &["--as", "Anna P."]), "Anna P.");
    // The lead's laptop signs the lead's decisions; anna's reviews there keep her signature.
    let bundle = anna.export("a.okkb");
    let mut lead = Laptop::new("olga");
    lead.trust(&bundle, "anna", false);
    lead.import(&bundle);
    let review = text(&lead.desk.rows(Table::Reviews)[0], "id");
    lead.decide(&review, "accept");
    assert_eq!(signer_named(&lead, &[]), "olga");
    // Two people's work made on one store: the name it is told, or the login's when it is one
    // of them; else refused, naming whose work there is (tester34 F3: it
    // signed for the login, wrote an empty bundle and said so with exit 0).
    let mut shared = Laptop::new("anna");
    shared.review(1, Verdict::Ok);
    shared.auditor = "boris";
    shared.review(2, Verdict::Dead);
    assert_eq!(signer_named(&shared, &["--as", "boris"]), "boris");
    let refused = shared
        .desk
        .okk()
        .env_remove("OKK_AUDITOR")
        .env("USER", "login-name")
        .args(["bundle", "export", "--force", "--out", "-"])
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&refused.get_output().stderr).to_string();
    assert!(
        err.contains("(anna, boris)") && err.contains("--as NAME"),
        "{err}"
    );
    assert!(refused.get_output().stdout.is_empty());
    let by_login = shared.desk.dir.path().join("by-login.okkb");
    shared
        .desk
        .okk()
        .env_remove("OKK_AUDITOR")
        .env("USER", "boris")
        .args(["bundle", "export", "--force", "--out"])
        .arg(&by_login)
        .assert()
        .success();
    let text = std::fs::read_to_string(&by_login).unwrap();
    let header: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(header["signer"], "boris");
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
    let two = Laptop::new("olga");
    for lead in [&one, &two] {
        lead.trust(&a, "anna", false);
        lead.trust(&b, "boris", false);
    }
    one.import(&a);
    one.import(&b);
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
    lead.trust(&new, "anna", false);
    lead.import(&new);
    lead.import(&old);
    assert_eq!(lead.current(), anna.current());
    assert!(lead.current().iter().all(|(_, _, v)| v == "wrong_stage"));
    // The lead's decisions go back, and the auditor's laptop takes them.
    let mut lead = lead;
    lead.decide(&rejudged, "return");
    let back = lead.export("back.okkb");
    // Anna's store has not met the lead's key yet: refused, until she trusts it.
    let err = anna.import_refused(&[&back], &[]);
    assert!(err.contains("does not trust"), "{err}");
    anna.trust(&back, "olga", true);
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
        text.replacen("\"okk_bundle\":2", "\"okk_bundle\":9", 1)
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
    fresh.trust(&bundle, "anna", false);
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
            .rows_where(Table::Reviews, |r| r["card_id"].is_null()),
        0
    );
    assert_eq!(fresh.current(), anna.current());
}

/// Two bundles in one call: each file's report counts its own reviews that wait for their cards
/// (tester33 F11: both were given the store's whole count).
#[test]
fn each_bundle_of_one_import_counts_its_own_reviews_waiting_for_cards() {
    let mut anna = Laptop::new("anna");
    anna.review(3, Verdict::Stale);
    anna.review(4, Verdict::Stale);
    let a = anna.export("a.okkb");
    let mut boris = Laptop::new("boris");
    boris.review(2, Verdict::Dead);
    let b = boris.export("b.okkb");
    let fresh = Laptop::empty("olga");
    fresh.trust(&a, "anna", false);
    fresh.trust(&b, "boris", false);
    let out = fresh
        .desk
        .okk()
        .args(["bundle", "import", "--json"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let waiting: Vec<u64> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["report"]["waiting_for_cards"].as_u64().unwrap()
        })
        .collect();
    assert_eq!(waiting, [2, 1]);
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

// ---- signed bundles through the library: forgeries and conflicts ----------------------------

/// A person's signing key (fixed per name, so that tests can forge with anyone's).
fn key(name: &str) -> Keypair {
    let mut seed = [0u8; 32];
    for (i, b) in name.bytes().enumerate() {
        seed[i % 32] ^= b;
    }
    seed[31] ^= 0x5a;
    Keypair::from_seed(seed)
}

/// A bundle of `records` signed by `signer` (records without a signature are signed by it).
fn sign(signer: &str, records: Vec<Record>) -> Vec<u8> {
    let k = key(signer);
    let mut w = Writer::new(Vec::new(), &k, signer, "2026-11-20 13:00:00", Vec::new()).unwrap();
    for r in records {
        w.record(r).unwrap();
    }
    w.finish().unwrap().0
}

/// What a laptop's store would send, signed with its owner's key.
fn bundle_of(l: &Laptop) -> Vec<u8> {
    sign(l.auditor, records_in(&l.store()))
}

fn records_in(store: &Store) -> Vec<Record> {
    let mut out = Vec::new();
    store
        .bundle_records(None, |r| {
            out.push(r);
            Ok::<_, okk::store::StoreError>(())
        })
        .unwrap();
    out
}

fn records_of(bytes: &[u8]) -> Vec<Record> {
    let mut r = Reader::new(bytes).unwrap();
    let mut out = Vec::new();
    while let Some((_, rec)) = r.next_record().unwrap() {
        out.push(rec);
    }
    out
}

fn trust_all(db: &Path, names: &[(&str, bool)]) {
    let mut store = Store::open(db).unwrap();
    for (name, lead) in names {
        store
            .trust_key(&TrustedKey {
                key: key(name).public().to_string(),
                name: name.to_string(),
                lead: *lead,
                added_at: "2026-11-20 12:00:00".into(),
                how: "trusted".into(),
            })
            .unwrap();
    }
}

fn now() -> NaiveDateTime {
    NaiveDateTime::parse_from_str("2026-11-25 12:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
}

/// Merges `bundles` in one call into the store at `db`, whose owner is `owner`.
fn merge(
    db: &Path,
    owner: &str,
    bundles: &[&[u8]],
    first_use: bool,
) -> Result<Vec<MergeReport>, MergeError> {
    let mut store = Store::open(db).unwrap();
    let inputs = bundles
        .iter()
        .enumerate()
        .map(|(i, b)| {
            okk::bundle::check(*b).map_err(|error| MergeError::Bundle { file: i, error })?;
            Ok(MergeInput {
                name: format!("bundle{i}"),
                reader: Reader::new(*b).unwrap(),
            })
        })
        .collect::<Result<Vec<_>, MergeError>>()?;
    merge_bundles(
        &mut store,
        inputs,
        &MergeOptions {
            own: Some(key(owner).public()),
            trust_on_first_use: first_use,
            now: now(),
        },
    )
}

/// Like [`merge`], which must be refused leaving the store as it was: the refusal's text.
fn refused(db: &Path, owner: &str, bundles: &[&[u8]], first_use: bool) -> String {
    let before = digest(db);
    let err = merge(db, owner, bundles, first_use).expect_err("refused");
    assert_same(&before, &digest(db));
    err.to_string()
}

fn first_review(records: &[Record]) -> okk::bundle::ReviewRecord {
    records
        .iter()
        .find_map(|r| match r {
            Record::Review(r) => Some(r.clone()),
            _ => None,
        })
        .expect("a review")
}

#[test]
fn a_review_in_another_auditors_name_is_refused() {
    let mut boris = Laptop::new("boris");
    boris.review(1, Verdict::Dead);
    let lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false), ("boris", false)]);
    let mut r = first_review(&records_in(&boris.store()));
    r.auditor = "anna".into();
    let forged = sign("boris", vec![Record::Review(r)]);
    let err = refused(&lead.desk.db, "olga", &[&forged], false);
    assert!(err.contains("signed by boris's key, not anna's"), "{err}");
    // What to do: the signer exports again with an okk that leaves others' records out.
    assert!(
        err.contains("have them export it again with this version of okk"),
        "{err}"
    );
    let ru = okk::text::lang::with(okk::text::lang::Lang::Ru, || {
        refused(&lead.desk.db, "olga", &[&forged], false)
    });
    assert!(
        ru.contains("пусть выгрузит его заново этой версией okk"),
        "{ru}"
    );
    // Even taking keys on first use: anna has a key here already.
    let forged_by_stranger = {
        let mut r = first_review(&records_in(&boris.store()));
        r.auditor = "anna".into();
        r.signature = None;
        sign("mallory", vec![Record::Review(r)])
    };
    let err = refused(&lead.desk.db, "olga", &[&forged_by_stranger], true);
    assert!(
        err.contains("it trusts another key as anna")
            && err.contains("--trust-on-first-use does not take it"),
        "{err}"
    );
}

#[test]
fn an_edited_verdict_with_a_recomputed_trailer_is_refused() {
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    let lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false), ("vera", false)]);
    let good = bundle_of(&anna);
    // The verdict edited and the checksum recomputed: the signer's signature no longer fits.
    let text = String::from_utf8(good.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let body = format!("{}\n{}\n", lines[0], lines[1].replace("\"ok\"", "\"dead\""));
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(body.as_bytes()))
    };
    let end: serde_json::Value = serde_json::from_str(lines[lines.len() - 1]).unwrap();
    let forged = format!(
        "{body}{{\"end\":{{\"records\":1,\"sha256\":\"{sha}\",\"signature\":{}}}}}\n",
        end["end"]["signature"]
    );
    let err = refused(&lead.desk.db, "olga", &[forged.as_bytes()], false);
    assert!(err.contains("signature does not match"), "{err}");
    // Re-signed whole by another trusted auditor: anna's record signature still does not fit.
    let mut r = first_review(&records_of(&good));
    r.verdict = "dead".into();
    let resigned = sign("vera", vec![Record::Review(r)]);
    let err = refused(&lead.desk.db, "olga", &[&resigned], false);
    assert!(err.contains("edited after signing"), "{err}");
    // The genuine one goes in.
    merge(&lead.desk.db, "olga", &[&good], false).unwrap();
}

#[test]
fn only_the_author_or_a_lead_may_withdraw_a_review() {
    let mut anna = Laptop::new("anna");
    let id = anna.review(1, Verdict::Ok);
    let lead = Laptop::new("olga");
    trust_all(
        &lead.desk.db,
        &[("anna", false), ("boris", false), ("ivan", true)],
    );
    let good = bundle_of(&anna);
    merge(&lead.desk.db, "olga", &[&good], false).unwrap();
    let withdrawn_by = |who: &str| {
        let mut r = first_review(&records_of(&good));
        r.withdrawn_at = Some("2026-11-21 09:00:00".into());
        r.withdrawal_signature = None;
        sign(who, vec![Record::Review(r)])
    };
    let err = refused(&lead.desk.db, "olga", &[&withdrawn_by("boris")], false);
    assert!(
        err.contains("withdrawal") && err.contains("neither its author nor a lead"),
        "{err}"
    );
    // Ivan is trusted as a lead: his withdrawal stands.
    merge(&lead.desk.db, "olga", &[&withdrawn_by("ivan")], false).unwrap();
    assert_eq!(
        lead.desk
            .rows_where(Table::Reviews, |r| r["id"] == id.as_str()
                && !r["withdrawn_at"].is_null()),
        1
    );
}

/// The review `id`'s row in `db` is withdrawn, and how many of the lead's decisions on it stand.
fn withdrawn_and_decisions(l: &Laptop, id: &str) -> (bool, usize) {
    let withdrawn = l.desk.rows_where(Table::Reviews, |r| {
        r["id"] == id && !r["withdrawn_at"].is_null()
    }) == 1;
    let standing = l.desk.rows_where(Table::LeadDecisions, |d| {
        d["review_id"] == id && d["withdrawn_at"].is_null()
    });
    (withdrawn, standing)
}

#[test]
fn an_offline_undo_of_a_verdict_the_lead_decided_on_is_not_applied_and_the_report_says_so() {
    let mut anna = Laptop::new("anna");
    let decided = anna.review(1, Verdict::Ok);
    let undecided = anna.review(2, Verdict::Stale);
    let mut lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false)]);
    merge(&lead.desk.db, "olga", &[&bundle_of(&anna)], false).unwrap();
    lead.decide(&decided, "accept");
    // On her laptop, before the lead's decision reaches it, anna takes both verdicts back.
    anna.withdraw(&decided);
    anna.withdraw(&undecided);
    let undo = bundle_of(&anna);
    let reports = merge(&lead.desk.db, "olga", &[&undo], false).unwrap();
    let card = lead
        .store()
        .card_detail(1)
        .unwrap()
        .unwrap()
        .card
        .external_id;
    assert_eq!(reports[0].reviews_withdrawn, 1, "{reports:?}");
    let kept = &reports[0].withdrawals_kept;
    assert_eq!(kept.len(), 1, "{reports:?}");
    assert_eq!(
        (kept[0].review_id.as_str(), kept[0].card.as_str()),
        (decided.as_str(), card.as_str())
    );
    assert_eq!(
        (kept[0].auditor.as_str(), kept[0].lead.as_str()),
        ("anna", "olga")
    );
    // The decided verdict and the decision stand; the undecided one is withdrawn as before.
    assert_eq!(withdrawn_and_decisions(&lead, &decided), (false, 1));
    assert_eq!(withdrawn_and_decisions(&lead, &undecided), (true, 0));
    assert!(
        lead.current()
            .iter()
            .any(|(c, a, v)| (c, a, v.as_str()) == (&card, &"anna".to_string(), "ok"))
    );
    // The same bundle again: still not applied, still said.
    let again = merge(&lead.desk.db, "olga", &[&undo], false).unwrap();
    assert_eq!(again[0].withdrawals_kept.len(), 1);
    assert_eq!(again[0].reviews_withdrawn, 0);
    // The report says which card, who decided and what to do, in both languages.
    let said = |lang| {
        okk::text::lang::with(lang, || {
            okk::text::bundle::merged(Path::new("undo.okkb"), &again[0], &[])
        })
    };
    let en = said(okk::text::lang::Lang::En);
    for part in [
        format!("the withdrawal of the verdict on #{card} (anna) is not applied"),
        "the lead olga has already accepted it".into(),
        "judge the card again".into(),
    ] {
        assert!(en.contains(&part), "{en}");
    }
    let ru = said(okk::text::lang::Lang::Ru);
    for part in [
        format!("отзыв вердикта по #{card} (anna) не применён"),
        "руководитель olga уже принял его".into(),
        "проверьте карточку заново".into(),
    ] {
        assert!(ru.contains(&part), "{ru}");
    }
}

#[test]
fn a_withdrawal_and_the_lead_s_decision_in_one_import_keep_the_decision_in_either_order() {
    let mut anna = Laptop::new("anna");
    let decided = anna.review(1, Verdict::Ok);
    let mut lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false)]);
    merge(&lead.desk.db, "olga", &[&bundle_of(&anna)], false).unwrap();
    lead.decide(&decided, "return");
    let decision = sign("olga", records_in(&lead.store()));
    anna.withdraw(&decided);
    let undo = bundle_of(&anna);
    let mut work = Vec::new();
    for order in [[&undo, &decision], [&decision, &undo]] {
        let third = Laptop::new("ivan");
        trust_all(&third.desk.db, &[("anna", false), ("olga", true)]);
        let reports = merge(&third.desk.db, "ivan", &[order[0], order[1]], false).unwrap();
        let kept: Vec<_> = reports.iter().flat_map(|r| &r.withdrawals_kept).collect();
        assert_eq!(kept.len(), 1, "{reports:?}");
        assert_eq!(
            kept[0].decision,
            okk::domain::decision::DecisionKind::Return
        );
        assert_eq!(withdrawn_and_decisions(&third, &decided), (false, 1));
        work.push(third.work());
    }
    assert_eq!(work[0], work[1]);
}

/// Anna's two verdicts reach the lead, who accepts one; on her laptop, before the accept
/// reaches it, anna takes both back. Then the lead's bundle comes to her laptop (`how`: the
/// import's flags): it is returned with the accepted review, the lead and the undecided one.
fn undone_before_the_accept_came(how: &[&str]) -> (Laptop, Laptop, String, String, String) {
    let mut anna = Laptop::new("anna");
    let decided = anna.review(1, Verdict::Ok);
    let undecided = anna.review(2, Verdict::Stale);
    let sent = anna.export("a1.okkb");
    let mut lead = Laptop::new("olga");
    lead.trust(&sent, "anna", false);
    lead.import(&sent);
    lead.decide(&decided, "accept");
    anna.withdraw(&decided);
    anna.withdraw(&undecided);
    let back = lead.export("back.okkb");
    anna.trust(&back, "olga", true);
    let said = match how {
        ["--json"] => anna.import(&back).to_string(),
        ["--lang", lang] => anna.import_said(&back, lang),
        _ => unreachable!("{how:?}"),
    };
    (anna, lead, decided, undecided, said)
}

#[test]
fn the_lead_s_decision_after_an_offline_undo_lifts_the_undo_and_the_report_says_so() {
    let (anna, lead, decided, undecided, said) = undone_before_the_accept_came(&["--json"]);
    let report: serde_json::Value = serde_json::from_str(&said).unwrap();
    let card = anna
        .store()
        .card_detail(1)
        .unwrap()
        .unwrap()
        .card
        .external_id;
    let lifted = &report["withdrawals_lifted"];
    assert_eq!(lifted.as_array().map(Vec::len), Some(1), "{said}");
    assert_eq!(lifted[0]["review_id"], decided.as_str(), "{said}");
    assert_eq!(lifted[0]["card"], card.as_str(), "{said}");
    assert_eq!(
        (
            &lifted[0]["auditor"],
            &lifted[0]["lead"],
            &lifted[0]["decision"]
        ),
        (
            &serde_json::Value::from("anna"),
            &serde_json::Value::from("olga"),
            &serde_json::Value::from("accept")
        ),
        "{said}"
    );
    assert_eq!(report["withdrawals_kept"], serde_json::json!([]), "{said}");
    // On her laptop the accepted verdict stands again with the accept, as on the lead's; the
    // undecided one stays withdrawn.
    assert_eq!(withdrawn_and_decisions(&anna, &decided), (false, 1));
    assert_eq!(withdrawn_and_decisions(&anna, &undecided), (true, 0));
    assert!(
        anna.current()
            .iter()
            .any(|(c, a, v)| (c, a, v.as_str()) == (&card, &"anna".to_string(), "ok"))
    );
    // Her next bundle brings the lead the undecided undo alone: the two stores agree.
    let undo = anna.export("a2.okkb");
    let report = lead.import(&undo);
    assert_eq!(report["reviews_withdrawn"], 1, "{report}");
    assert_eq!(
        report["withdrawals_kept"],
        serde_json::json!([]),
        "{report}"
    );
    assert_eq!(withdrawn_and_decisions(&lead, &decided), (false, 1));
    assert_eq!(withdrawn_and_decisions(&lead, &undecided), (true, 0));
    assert_eq!(anna.current(), lead.current());
    // The import names the card, the lead and what stands, in both languages.
    let (_, _, _, _, en) = undone_before_the_accept_came(&["--lang", "en"]);
    for part in [
        format!("the withdrawal of the verdict on #{card} (anna) is lifted"),
        "the lead olga had already accepted it".into(),
        "the verdict and the decision stand".into(),
        "judge the card again".into(),
    ] {
        assert!(en.contains(&part), "{en}");
    }
    let (_, _, _, _, ru) = undone_before_the_accept_came(&["--lang", "ru"]);
    for part in [
        format!("отзыв вердикта по #{card} (anna) снят"),
        "руководитель olga уже принял его".into(),
        "вердикт и решение в силе".into(),
        "проверьте карточку заново".into(),
    ] {
        assert!(ru.contains(&part), "{ru}");
    }
}

/// What `report` says, in English and in Russian.
fn said_both(report: &MergeReport) -> (String, String) {
    let said = |lang| {
        okk::text::lang::with(lang, || {
            okk::text::bundle::merged(Path::new("b.okkb"), report, &[])
        })
    };
    (
        said(okk::text::lang::Lang::En),
        said(okk::text::lang::Lang::Ru),
    )
}

/// Anna's verdict reaches the lead, who accepts it; anna, offline, takes it back, and her undo
/// reaches the lead while the accept stands. Then the lead takes the accept back: after the
/// undo was made. Every store keeps the verdict, whichever bundle it met first, and says the
/// undo is not applied because the decision was taken back only after it.
#[test]
fn a_decision_taken_back_after_an_offline_undo_keeps_the_undo_out_in_every_store() {
    let mut anna = Laptop::new("anna");
    let id = anna.review(1, Verdict::Ok);
    let mut lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false)]);
    merge(&lead.desk.db, "olga", &[&bundle_of(&anna)], false).unwrap();
    let d = lead.decide(&id, "accept");
    anna.withdraw(&id);
    let from_anna = bundle_of(&anna);
    let reports = merge(&lead.desk.db, "olga", &[&from_anna], false).unwrap();
    assert_eq!(reports[0].withdrawals_kept.len(), 1, "{reports:?}");
    lead.clock = lead.clock.max(anna.clock) + 60;
    lead.take_back(&d);
    let from_lead = sign("olga", records_in(&lead.store()));
    trust_all(&anna.desk.db, &[("olga", true)]);
    let reports = merge(&anna.desk.db, "anna", &[&from_lead], false).unwrap();
    let lifted = &reports[0].withdrawals_lifted;
    assert_eq!(lifted.len(), 1, "{reports:?}");
    assert!(lifted[0].taken_back, "{reports:?}");
    let card = (anna.store().card_detail(1).unwrap().unwrap().card).external_id;
    let (en, ru) = said_both(&reports[0]);
    for part in [
        format!("the withdrawal of the verdict on #{card} (anna) is lifted"),
        "the lead olga had accepted it and took the decision back only after the withdrawal".into(),
        "the verdict stands: to change it, judge the card again".into(),
    ] {
        assert!(en.contains(&part), "{en}");
    }
    for part in [
        format!("отзыв вердикта по #{card} (anna) снят"),
        "руководитель olga принял его и отменил решение уже после отзыва".into(),
        "вердикт в силе — чтобы изменить его, проверьте карточку заново".into(),
    ] {
        assert!(ru.contains(&part), "{ru}");
    }
    assert!(!en.contains("the decision stand"), "{en}");
    assert!(!ru.contains("решение в силе"), "{ru}");
    let mut stores = vec![anna, lead];
    for order in [[&from_lead, &from_anna], [&from_anna, &from_lead]] {
        let third = Laptop::new("ivan");
        trust_all(&third.desk.db, &[("anna", false), ("olga", true)]);
        merge(&third.desk.db, "ivan", &[order[0]], false).unwrap();
        let reports = merge(&third.desk.db, "ivan", &[order[1]], false).unwrap();
        let told: Vec<_> = (reports.iter())
            .flat_map(|r| r.withdrawals_kept.iter().chain(&r.withdrawals_lifted))
            .collect();
        assert_eq!(told.len(), 1, "{reports:?}");
        assert!(told[0].taken_back, "{reports:?}");
        stores.push(third);
    }
    // A store that meets the undo after both: kept out, and said so in the same words.
    let (en, ru) = {
        let third = &stores[2];
        let again = merge(&third.desk.db, "ivan", &[&from_anna], false).unwrap();
        said_both(&again[0])
    };
    assert!(
        en.contains(&format!(
            "the withdrawal of the verdict on #{card} (anna) is not applied: the lead olga \
             accepted it and took the decision back only after the withdrawal"
        )),
        "{en}"
    );
    assert!(
        ru.contains(&format!(
            "отзыв вердикта по #{card} (anna) не применён: руководитель olga принял его и \
             отменил решение уже после отзыва"
        )),
        "{ru}"
    );
    for s in &stores {
        assert_eq!(withdrawn_and_decisions(s, &id), (false, 0));
        assert_eq!(standing(s), standing(&stores[0]));
    }
    // The decision taken back, the undo is anna's to make again: it applies, here and there.
    let [mut anna, lead, ..] = <[Laptop; 4]>::try_from(stores).ok().unwrap();
    anna.clock = anna.clock.max(lead.clock) + 60;
    anna.withdraw(&id);
    assert_eq!(withdrawn_and_decisions(&anna, &id), (true, 0));
    let reports = merge(&lead.desk.db, "olga", &[&bundle_of(&anna)], false).unwrap();
    assert_eq!(reports[0].reviews_withdrawn, 1, "{reports:?}");
    assert_eq!(standing(&lead), standing(&anna));
}

/// The same story with the clocks apart: anna's laptop runs ten hours ahead, so her undo is
/// stamped after the lead's take-back although it reached the lead first. By the records'
/// times the decision was taken back before the undo: every store applies the undo, the lead's
/// too (it held the undo out while the accept stood), whichever bundles it met and in whatever
/// order.
#[test]
fn an_undo_stamped_after_the_take_back_applies_in_every_store_whatever_the_clocks() {
    let mut anna = Laptop::new("anna");
    let id = anna.review(1, Verdict::Ok);
    let mut lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false)]);
    merge(&lead.desk.db, "olga", &[&bundle_of(&anna)], false).unwrap();
    let d = lead.decide(&id, "accept");
    let accepted = sign("olga", records_in(&lead.store()));
    anna.clock += 10 * 3600;
    anna.withdraw(&id);
    let from_anna = bundle_of(&anna);
    let reports = merge(&lead.desk.db, "olga", &[&from_anna], false).unwrap();
    assert_eq!(reports[0].withdrawals_kept.len(), 1, "{reports:?}");
    assert_eq!(withdrawn_and_decisions(&lead, &id), (false, 1));
    // Taken back an hour of the lead's clock later: still hours before anna's stamp.
    lead.clock += 3600;
    lead.take_back(&d);
    assert_eq!(withdrawn_and_decisions(&lead, &id), (true, 0));
    let from_lead = sign("olga", records_in(&lead.store()));
    trust_all(&anna.desk.db, &[("olga", true)]);
    merge(&anna.desk.db, "anna", &[&accepted], false).unwrap();
    assert_eq!(withdrawn_and_decisions(&anna, &id), (false, 1));
    merge(&anna.desk.db, "anna", &[&from_lead], false).unwrap();
    let mut stores = vec![anna, lead];
    let orders: [&[&[&[u8]]]; 5] = [
        &[&[&from_anna], &[&from_lead]],
        &[&[&from_lead], &[&from_anna]],
        &[&[&accepted], &[&from_anna], &[&from_lead]],
        &[&[&from_anna, &accepted], &[&from_lead]],
        &[&[&accepted], &[&from_lead]],
    ];
    for calls in orders {
        let third = Laptop::new("ivan");
        trust_all(&third.desk.db, &[("anna", false), ("olga", true)]);
        for bundles in calls {
            merge(&third.desk.db, "ivan", bundles, false).unwrap();
        }
        stores.push(third);
    }
    for s in &stores {
        assert_eq!(withdrawn_and_decisions(s, &id), (true, 0));
        assert_eq!(standing(s), standing(&stores[0]));
    }
}

/// What a store holds of reviews and decisions, as any store can compare it: each review's id,
/// whether it is withdrawn and what replaced it; each decision's id, its review, whether taken
/// back; and the current reviews.
fn standing(l: &Laptop) -> (Vec<String>, Vec<(String, String, String)>) {
    let mut rows: Vec<String> = (l.desk.rows(Table::Reviews).iter())
        .map(|r| {
            format!(
                "review {} withdrawn={} superseded_by={}",
                r["id"],
                !r["withdrawn_at"].is_null(),
                r["superseded_by"]
            )
        })
        .chain(l.desk.rows(Table::LeadDecisions).iter().map(|d| {
            format!(
                "decision {} on {} withdrawn={}",
                d["id"],
                d["review_id"],
                !d["withdrawn_at"].is_null()
            )
        }))
        .collect();
    rows.sort();
    (rows, l.current())
}

/// What the lead does with one of anna's verdicts before anna's undos reach her.
#[derive(Debug, Clone, Copy)]
enum Decided {
    Not,
    Accept,
    Return,
    /// Accepted, then taken back.
    TakenBack,
    /// Accepted, and taken back after anna's bundle with her undos reached the lead.
    TakenBackLater,
}

fn decided() -> impl Strategy<Value = Decided> {
    prop_oneof![
        Just(Decided::Not),
        Just(Decided::Accept),
        Just(Decided::Return),
        Just(Decided::TakenBack),
        Just(Decided::TakenBackLater)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8, ..ProptestConfig::default() })]

    /// Anna's verdicts reach the lead; the lead decides on some, anna (offline) takes some back
    /// and judges some cards again. Her store, the lead's, and stores that take the two bundles
    /// one after the other in either order or together in one import, end with the same
    /// reviews withdrawn, the same decisions and the same current reviews.
    #[test]
    fn undos_and_the_lead_s_decisions_merge_to_one_answer_in_either_order(
        fates in proptest::collection::vec((decided(), any::<bool>(), any::<bool>()), 1..4),
    ) {
        let mut anna = Laptop::new("anna");
        let ids: Vec<String> = (1..=fates.len() as i64)
            .map(|n| anna.review(n, Verdict::Ok))
            .collect();
        let mut lead = Laptop::new("olga");
        trust_all(&lead.desk.db, &[("anna", false)]);
        merge(&lead.desk.db, "olga", &[&bundle_of(&anna)], false).unwrap();
        let mut later = Vec::new();
        for (id, (fate, ..)) in ids.iter().zip(&fates) {
            match fate {
                Decided::Not => {}
                Decided::Accept => {
                    lead.decide(id, "accept");
                }
                Decided::Return => {
                    lead.decide(id, "return");
                }
                Decided::TakenBack => {
                    let d = lead.decide(id, "accept");
                    lead.take_back(&d);
                }
                Decided::TakenBackLater => {
                    later.push(lead.decide(id, "accept"));
                }
            }
        }
        for (n, (id, (_, undo, again))) in ids.iter().zip(&fates).enumerate() {
            if *undo {
                anna.withdraw(id);
            }
            if *again {
                anna.review(n as i64 + 1, Verdict::Dead);
            }
        }
        let from_anna = bundle_of(&anna);
        merge(&lead.desk.db, "olga", &[&from_anna], false).unwrap();
        // The lead takes these back once anna's undos are in: after them, by both clocks.
        lead.clock = lead.clock.max(anna.clock);
        for d in &later {
            lead.take_back(d);
        }
        let from_lead = sign("olga", records_in(&lead.store()));
        trust_all(&anna.desk.db, &[("olga", true)]);
        merge(&anna.desk.db, "anna", &[&from_lead], false).unwrap();
        let mut stores = vec![anna, lead];
        let orders: [&[&[&[u8]]]; 4] = [
            &[&[&from_anna], &[&from_lead]],
            &[&[&from_lead], &[&from_anna]],
            &[&[&from_anna, &from_lead]],
            &[&[&from_lead, &from_anna]],
        ];
        for calls in orders {
            let third = Laptop::new("ivan");
            trust_all(&third.desk.db, &[("anna", false), ("olga", true)]);
            for bundles in calls {
                merge(&third.desk.db, "ivan", bundles, false).unwrap();
            }
            stores.push(third);
        }
        let first = standing(&stores[0]);
        for s in &stores[1..] {
            prop_assert_eq!(&standing(s), &first, "{:?}", fates);
        }
        // The stores that took both bundles from others hold them alike, signatures and all.
        for s in &stores[3..] {
            prop_assert_eq!(work_of(&s.desk.db), work_of(&stores[2].desk.db));
        }
    }
}

#[test]
fn a_record_already_here_with_other_content_is_a_conflict_and_refused() {
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    anna.review(2, Verdict::Stale);
    let lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false)]);
    let good = bundle_of(&anna);
    merge(&lead.desk.db, "olga", &[&good], false).unwrap();
    // Anna's laptop (a bug, or an old copy edited) signs another content under the same id.
    let mut r = first_review(&records_of(&good));
    r.comment = "rewritten".into();
    r.signature = None;
    let other = sign("anna", vec![Record::Review(r.clone())]);
    let err = refused(&lead.desk.db, "olga", &[&other], false);
    assert!(
        err.contains("already in this store with other content"),
        "{err}"
    );
    // Both in one call, either order: refused, nothing merged.
    let fresh = Laptop::new("olga");
    trust_all(&fresh.desk.db, &[("anna", false)]);
    for pair in [[&good, &other], [&other, &good]] {
        let err = refused(&fresh.desk.db, "olga", &[pair[0], pair[1]], false);
        assert!(err.contains("conflict"), "{err}");
    }
}

#[test]
fn an_unknown_key_is_refused_unless_trusted_or_taken_on_first_use() {
    let mut vera = Laptop::new("vera");
    vera.review(3, Verdict::Unclear);
    let b = bundle_of(&vera);
    let lead = Laptop::new("olga");
    let err = refused(&lead.desk.db, "olga", &[&b], false);
    assert!(
        err.contains("does not trust") && err.contains("okk bundle trust"),
        "{err}"
    );
    // On first use: taken, and the key recorded with how it came.
    let report = merge(&lead.desk.db, "olga", &[&b], true).unwrap();
    assert_eq!(report[0].keys_added, 1);
    let keys = Store::open(&lead.desk.db).unwrap().trusted_keys().unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].name, "vera");
    assert_eq!(keys[0].key, key("vera").public().to_string());
    assert!(
        keys[0].how.starts_with("first use: bundle0"),
        "{}",
        keys[0].how
    );
    // A trusted key: taken without asking.
    let other = Laptop::new("olga");
    trust_all(&other.desk.db, &[("vera", false)]);
    assert_eq!(
        merge(&other.desk.db, "olga", &[&b], false).unwrap()[0].reviews_added,
        1
    );
    assert_eq!(work_of(&other.desk.db), work_of(&lead.desk.db));
}

#[test]
fn bundle_times_out_of_the_window_or_not_on_the_calendar_are_refused_with_their_line() {
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    let lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false)]);
    for (bad, says) in [
        ("9999-01-01 00:00:00", "outside the times"),
        ("1970-01-01 00:00:00", "outside the times"),
        ("2026-11-27 12:00:00", "outside the times"),
        ("31.02.2026", "not a time"),
        ("2026-02-31 10:00:00", "not a time"),
    ] {
        let mut r = first_review(&records_in(&anna.store()));
        r.created_at = bad.into();
        let b = sign("anna", vec![Record::Review(r)]);
        let err = refused(&lead.desk.db, "olga", &[&b], false);
        assert!(
            err.contains("line 2") && err.contains(says) && err.contains("created_at"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn the_round_trip_through_the_lead_brings_others_work_vouched_for_by_the_lead() {
    // Anna and Boris send to the lead; the lead's bundle goes to Anna, who trusts only the lead.
    let mut anna = Laptop::new("anna");
    let mut boris = Laptop::new("boris");
    anna.review(1, Verdict::Ok);
    boris.review(2, Verdict::Dead);
    let (a, b) = (anna.export("a.okkb"), boris.export("b.okkb"));
    let mut lead = Laptop::new("olga");
    lead.trust(&a, "anna", false);
    lead.trust(&b, "boris", false);
    lead.desk
        .run_ok(&["bundle", "import", &path_arg(&a), &path_arg(&b)]);
    let rid = lead.current().len();
    assert_eq!(rid, 2);
    let reviews = lead.desk.rows(Table::Reviews);
    let boris = reviews.iter().find(|r| r["auditor"] == "boris");
    let boris_review = text(boris.expect("boris's review"), "id");
    lead.decide(&boris_review, "return");
    let back = lead.export("back.okkb");
    anna.trust(&back, "olga", true);
    let report = anna.import(&back);
    assert_eq!(report["reviews_added"], 1);
    assert_eq!(report["decisions_added"], 1);
    assert_eq!(report["keys_added"], 1);
    let keys = anna.desk.json_ok(&["bundle", "keys", "--json"]);
    let names: Vec<&str> = keys["trusted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["boris", "olga"]);
    assert!(keys["own"].as_str().unwrap().len() == 64);
    // One key, one name: the lead's key cannot be trusted as someone else too.
    let out = anna
        .desk
        .okk()
        .args(["bundle", "trust"])
        .arg(&back)
        .args(["--as", "boris"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("trusted as olga already"));
    // Importing again changes nothing.
    let before = digest(&anna.desk.db);
    anna.import(&back);
    assert_same(&before, &digest(&anna.desk.db));
}

/// A store file two auditors share (or a laptop's copy of another's store): a bundle signed
/// with anna's key carries her work, and the lead takes it; boris's verdict made there is left
/// out, and the export says so — anna's key may not sign it, and the lead would refuse the
/// whole file. Before, it went signed by anna's key and nothing went in.
#[test]
fn a_bundle_from_a_shared_store_carries_its_signer_s_work_and_says_what_it_left_out() {
    let mut shared = Laptop::new("anna");
    shared.review(1, Verdict::Ok);
    shared.auditor = "boris";
    shared.review(2, Verdict::Dead);
    let out = shared.desk.dir.path().join("anna.okkb");
    let said = |lang: &str| {
        common::succeeded(
            shared
                .desk
                .okk()
                .args([
                    "--lang", lang, "bundle", "export", "--force", "--as", "anna",
                ])
                .arg("--out")
                .arg(&out),
        )
    };
    let en = said("en");
    assert!(
        en.contains("left out: 1 record made in this store in other names (boris — 1)")
            && en.contains("signs only for anna"),
        "{en}"
    );
    let ru = said("ru");
    assert!(
        ru.contains("не вошли в пакет: 1 запись от чужих имён")
            && ru.contains("(boris — 1)")
            && ru.contains("только за anna"),
        "{ru}"
    );
    let lead = Laptop::new("olga");
    lead.trust(&out, "anna", false);
    let report = lead.import(&out);
    assert_eq!(report["reviews_added"], 1, "{report}");
    let current = lead.current();
    assert_eq!(current.len(), 1, "{current:?}");
    assert_eq!(current[0].1, "anna");
}

#[test]
fn an_unsigned_bundle_of_the_old_format_is_refused_whole_with_exit_1() {
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    let lead = Laptop::new("olga");
    let old = lead.desk.dir.path().join("old.okkb");
    std::fs::write(
        &old,
        "{\"okk_bundle\":1,\"created_at\":\"2026-11-20 12:00:00\"}\n{\"end\":{\"records\":0,\"sha256\":\"x\"}}\n",
    )
    .unwrap();
    let err = lead.import_refused(&[&old], &["--trust-on-first-use"]);
    assert!(err.contains("unsigned"), "{err}");
    // And a bundle from an unknown laptop, by the binary: refused, store untouched.
    let a = anna.export("a.okkb");
    let err = lead.import_refused(&[&a], &[]);
    assert!(
        err.contains("does not trust") && err.contains("line 2"),
        "{err}"
    );
}

fn work_of(db: &Path) -> (Vec<String>, Vec<String>) {
    let d = digest(db);
    (
        d.get("reviews").cloned().unwrap_or_default(),
        d.get("lead_decisions").cloned().unwrap_or_default(),
    )
}

// ---- three laptops, any interleaving, with forgers ------------------------------------------

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

/// Forgeries of a genuine bundle's first review: in another's name, edited, withdrawn by
/// someone else, by an unknown key, and conflicting content signed by a key the name lacks.
fn forgeries(genuine: &[u8]) -> Vec<Vec<u8>> {
    let recs = records_of(genuine);
    let Some(r) = recs.iter().find_map(|r| match r {
        Record::Review(r) => Some(r.clone()),
        _ => None,
    }) else {
        return Vec::new();
    };
    let other = if r.auditor == "vera" { "boris" } else { "vera" };
    let mut named = r.clone();
    named.auditor = other.to_string();
    let mut edited = r.clone();
    edited.verdict = if r.verdict == "ok" { "dead" } else { "ok" }.into();
    let mut withdrawn = r.clone();
    withdrawn.withdrawn_at = Some("2026-11-24 10:00:00".into());
    withdrawn.withdrawal_signature = None;
    let mut conflicting = r.clone();
    conflicting.comment.push_str(" (rewritten)");
    conflicting.signature = None;
    vec![
        sign(&r.auditor, vec![Record::Review(named)]),
        sign(other, vec![Record::Review(edited)]),
        sign(other, vec![Record::Review(withdrawn)]),
        sign("mallory", vec![Record::Review(conflicting)]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn bundles_from_three_laptops_and_forgers_merge_to_one_answer_in_any_order(
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
                Step::Export { laptop } => sent.push(bundle_of(&laptops[laptop])),
            }
        }
        // Each laptop's final bundle goes too (what the lead eventually gets).
        for l in &laptops {
            sent.push(bundle_of(l));
        }
        // Forgeries of what each laptop finally sent.
        let forged: Vec<Vec<u8>> = sent[sent.len() - 3..].iter().flat_map(|b| forgeries(b)).collect();
        let mut all: Vec<(bool, Vec<u8>)> = sent.iter().map(|b| (true, b.clone())).collect();
        all.extend(forged.into_iter().map(|b| (false, b)));
        let trusted = [("anna", false), ("boris", false), ("vera", false)];
        let a = Laptop::new("olga");
        trust_all(&a.desk.db, &trusted);
        for (genuine, b) in &all {
            let res = merge(&a.desk.db, "olga", &[b], false);
            prop_assert_eq!(res.is_ok(), *genuine, "{:?}", res.err().map(|e| e.to_string()));
        }
        // Another lead gets them rotated and reversed, with some sent twice.
        let mut shuffled = all.clone();
        let k = order.index(shuffled.len());
        shuffled.rotate_left(k);
        shuffled.reverse();
        for d in &dupes {
            let again = shuffled[d.index(shuffled.len())].clone();
            shuffled.push(again);
        }
        let b = Laptop::new("olga");
        trust_all(&b.desk.db, &trusted);
        for (genuine, bundle) in &shuffled {
            let res = merge(&b.desk.db, "olga", &[bundle], false);
            prop_assert_eq!(res.is_ok(), *genuine);
        }
        prop_assert_eq!(work_of(&a.desk.db), work_of(&b.desk.db));
        // Nothing lost or doubled: the lead holds every review each laptop made, once.
        let total: usize = made.iter().map(Vec::len).sum();
        prop_assert_eq!(a.desk.rows(Table::Reviews).len(), total);
        // And each laptop's own view of its current reviews is what the lead sees for it.
        for l in &laptops {
            let mine: Vec<_> = a.current().into_iter().filter(|c| c.1 == l.auditor).collect();
            prop_assert_eq!(mine, l.current());
        }
    }
}

/// The card as anna judged it travels with her review, signed by her apart from the review:
/// the lead's store reads it back as she kept it and tells from it what a later sync changed.
/// Edited on the way, signed by another key, or beyond the bounds okk writes it in, it is
/// refused with its line, and nothing is merged.
#[test]
fn the_card_as_judged_travels_signed_with_its_review_and_is_refused_edited_or_unbounded() {
    use okk::domain::as_judged::{AsJudged, Field};
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    let kept = anna.store().current_review(1, "anna").unwrap().unwrap();
    let judged = kept.as_judged.clone().expect("the reviewer keeps the card");
    let lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false), ("vera", false)]);
    let good = bundle_of(&anna);
    let r = first_review(&records_of(&good));
    assert_eq!(r.judged.as_deref(), Some(judged.to_text().as_str()));
    assert!(r.judged_signature.is_some());

    // Edited on the way (another title), the review's own signature still fitting.
    let edited = {
        let mut r = r.clone();
        let mut j = judged.clone();
        j.card[0].1 = okk::domain::as_judged::Kept::Value("Другое название".into());
        r.judged = Some(j.to_text());
        sign("anna", vec![Record::Review(r)])
    };
    let err = refused(&lead.desk.db, "olga", &[&edited], false);
    assert!(
        err.contains("the card as judged: its signature does not match"),
        "{err}"
    );
    // Signed by another trusted auditor's key.
    let unsigned = okk::bundle::ReviewRecord {
        judged_signature: None,
        ..r.clone()
    };
    let by_vera = {
        let mut r = unsigned.clone();
        let bytes = r.judged_bytes().unwrap();
        r.judged_signature = Some(key("vera").sign(&bytes).to_string());
        sign("anna", vec![Record::Review(r)])
    };
    let err = refused(&lead.desk.db, "olga", &[&by_vera], false);
    assert!(err.contains("its signature does not match"), "{err}");
    // Beyond the bounds okk writes in, though signed by anna: a value kept whole that is
    // longer than okk keeps whole.
    let unbounded = {
        let mut r = unsigned.clone();
        let mut j = judged.clone();
        let long = "x".repeat(okk::domain::as_judged::VALUE_LIMIT + 1);
        j.fields[0].1 = okk::domain::as_judged::Kept::Value(long);
        r.judged = Some(j.to_text());
        r.judged_signature = None;
        sign("anna", vec![Record::Review(r)])
    };
    let err = refused(&lead.desk.db, "olga", &[&unbounded], false);
    let field = &judged.fields[0].0;
    assert!(
        err.contains("line 2:")
            && err.contains(&format!(
                "the value of «{field}» longer than okk keeps whole"
            )),
        "{err}"
    );
    let ru = okk::text::lang::with(okk::text::lang::Lang::Ru, || {
        refused(&lead.desk.db, "olga", &[&unbounded], false)
    });
    assert!(ru.contains("снимок карточки на момент проверки"), "{ru}");

    // The genuine one goes in: the lead reads the card as anna judged it.
    merge(&lead.desk.db, "olga", &[&good], false).unwrap();
    let store = lead.store();
    let at_lead = store.current_review(1, "anna").unwrap().unwrap();
    assert_eq!(at_lead.as_judged.as_ref(), Some(&judged));
    // Exported again by the lead, it goes on as anna signed it.
    let again = first_review(&records_in(&store));
    assert_eq!(
        (&again.judged, &again.judged_signature),
        (&r.judged, &r.judged_signature)
    );
    // And what a sync changes since is told from it.
    let mut now = store.card_detail(1).unwrap().unwrap().card;
    now.title = Some("Сделка, правка 2213".into());
    let changes = AsJudged::changes(&judged, &now);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        changes[0].field,
        Field::System(okk::domain::SystemField::Title)
    );
}

/// An okk that keeps no card as judged reads a review that carries one as it read any: the
/// review's signature is over the review alone. And a review without one (an older okk's)
/// merges as before, read back without it.
#[test]
fn a_review_s_signature_covers_the_review_alone_and_one_without_the_card_merges_as_before() {
    let mut anna = Laptop::new("anna");
    anna.review(1, Verdict::Ok);
    let good = bundle_of(&anna);
    let r = first_review(&records_of(&good));
    assert!(r.judged.is_some());
    let bare = okk::bundle::ReviewRecord {
        judged: None,
        judged_signature: None,
        ..r.clone()
    };
    let sig = okk::bundle::sign::Signature::parse(r.signature.as_deref().unwrap()).unwrap();
    assert!(sig.verifies(&bare.signed_bytes()));
    let line = serde_json::to_string(&Record::Review(bare.clone())).unwrap();
    assert!(!line.contains("judged"), "{line}");
    let older = sign("anna", vec![Record::Review(bare)]);
    let lead = Laptop::new("olga");
    trust_all(&lead.desk.db, &[("anna", false)]);
    merge(&lead.desk.db, "olga", &[&older], false).unwrap();
    let at_lead = lead.store().current_review(1, "anna").unwrap().unwrap();
    assert_eq!(at_lead.as_judged, None);
}
