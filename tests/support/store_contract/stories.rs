//! The stories of the store contract, each a function of a [`Backend`]: set up through the
//! factory, then asked and told through the ports only.

use chrono::{NaiveDate, NaiveDateTime};
use okk::domain::calibration::{Calibration, Ended};
use okk::domain::decision::{Decision, DecisionKind};
use okk::domain::flag::Severity::{Critical, Warning};
use okk::domain::ids::CardId;
use okk::domain::pending::PendingReview;
use okk::domain::ports::{DeskStore, StoreError};
use okk::domain::prune::{DeskWork, KeptByCalibration, PruneReport, Pruned, Selector};
use okk::domain::queue::{QueueEntry, QueueKey, QueueQuery, Reclaimed};
use okk::domain::review::{Review, ReviewDraft, Verdict};
use okk::domain::stored_review::{Given, ReviewedCard};

use super::{Backend, OTHER_STAGE, STAGE, Seed};

/// The moment the stories happen: idle days count to its day.
fn now() -> NaiveDateTime {
    at(20, 12)
}

/// A moment in November 2026.
fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

const fn seed(
    id: &'static str,
    touched_day: u32,
    flags: &'static [okk::domain::flag::Severity],
) -> Seed {
    Seed {
        id,
        stage: STAGE,
        touched_day,
        flags,
        closed: false,
        owner: "Смирнова Ольга",
        meeting: None,
    }
}

/// A deal closed on its last day of activity.
const fn closed(
    id: &'static str,
    touched_day: u32,
    flags: &'static [okk::domain::flag::Severity],
) -> Seed {
    Seed {
        closed: true,
        ..seed(id, touched_day, flags)
    }
}

/// Six cards whose queue order is known: `c1` critical; `w2` two warnings; `w1` one; then
/// without flags the longest idle first, `i1` before `i2` (same day) by id, `i0` last.
const SIX: &[Seed] = &[
    seed("i0", 10, &[]),
    seed("w1", 16, &[Warning]),
    seed("i2", 1, &[]),
    seed("c1", 18, &[Critical]),
    seed("i1", 1, &[]),
    seed("w2", 17, &[Warning, Warning]),
];
const SIX_IN_ORDER: [&str; 6] = ["c1", "w2", "w1", "i1", "i2", "i0"];

fn stages() -> Vec<String> {
    vec![STAGE.to_string()]
}

fn query<'a>(
    stages: &'a [String],
    auditor: &'a str,
    after: Option<&'a QueueKey>,
    limit: usize,
) -> QueueQuery<'a> {
    QueueQuery {
        crm_stages: stages,
        auditor,
        limit,
        all: false,
        closed_stage: false,
        now: now(),
        after,
        text: None,
        sources: None,
        with_calibration: after.is_none(),
        reviewed: false,
    }
}

/// The auditor's whole queue, read `limit` cards a page.
fn pages(store: &dyn DeskStore, auditor: &str, limit: usize) -> Vec<QueueEntry> {
    let stages = stages();
    let mut out: Vec<QueueEntry> = Vec::new();
    loop {
        let page = store
            .queue(&query(&stages, auditor, out.last().map(|e| &e.key), limit))
            .unwrap();
        assert!(page.len() <= limit, "a page holds at most its limit");
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

fn ids(entries: &[QueueEntry]) -> Vec<&str> {
    entries.iter().map(|e| e.id.as_str()).collect()
}

/// The card with CRM id `id`, as the auditor's queue lists it.
fn entry(store: &dyn DeskStore, auditor: &str, id: &str) -> QueueEntry {
    pages(store, auditor, 100)
        .into_iter()
        .find(|e| e.id == id)
        .unwrap_or_else(|| panic!("{id} is not in {auditor}'s queue"))
}

/// The card with CRM id `id` (of the seeded source), closed or gone as well.
fn card_id(store: &dyn DeskStore, id: &str) -> CardId {
    let stages = stages();
    let every = QueueQuery {
        all: true,
        reviewed: true,
        ..query(&stages, "nobody", None, 1000)
    };
    let listed = store.queue(&every).unwrap();
    let mut it = listed.iter().filter(|e| e.id == id);
    let card = it.next().unwrap_or_else(|| panic!("no card {id}")).card_id;
    assert!(it.next().is_none(), "{id} is of one source");
    card
}

/// The source of the card with CRM id `id`.
fn card_source(store: &dyn DeskStore, id: &str) -> String {
    let stages = stages();
    let every = QueueQuery {
        all: true,
        reviewed: true,
        ..query(&stages, "nobody", None, 1000)
    };
    let listed = store.queue(&every).unwrap();
    (listed.into_iter().find(|e| e.id == id))
        .unwrap_or_else(|| panic!("no card {id}"))
        .source
}

/// `auditor`'s verdict on card `id`, under review id `review_id`, made at `when`.
fn verdict(
    store: &dyn DeskStore,
    auditor: &str,
    id: &str,
    v: Verdict,
    review_id: &str,
    when: NaiveDateTime,
) -> PendingReview {
    let detail = store
        .card_detail(card_id(store, id))
        .unwrap()
        .expect("the listed card has a detail");
    PendingReview {
        id: review_id.into(),
        card: ReviewedCard::from(&detail),
        review: Review {
            verdict: v,
            draft: ReviewDraft {
                comment: format!("{auditor} on {id}"),
                ..ReviewDraft::default()
            },
            score: Some(50.0),
            seconds_spent: 12.5,
        },
        auditor: auditor.into(),
        funnel_fingerprint: "fp".into(),
        now: when,
        withdrawn_at: None,
    }
}

fn save(store: &mut dyn DeskStore, p: &PendingReview) {
    store.save_review(p, Given::Now).expect("the verdict saves");
}

fn current(store: &dyn DeskStore, auditor: &str, id: &str) -> Option<(String, Verdict)> {
    store
        .current_review(card_id(store, id), auditor)
        .unwrap()
        .map(|r| (r.id, r.verdict))
}

pub fn queue_order<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let store = backend.open(&handle).unwrap();
    let stages = stages();
    let q = store.queue(&query(&stages, "anna", None, 100)).unwrap();
    assert_eq!(ids(&q), SIX_IN_ORDER);
    assert_eq!(q[0].flags.len(), 1, "c1's one flag is listed");
    assert_eq!(q[1].flags.len(), 2);
    assert!(q[3..].iter().all(|e| e.flags.is_empty()));
    assert_eq!(q[3].idle_days, Some(19), "idle from 1 to 20 November");
    assert!(
        q.iter()
            .all(|e| !e.changed_since_review && e.returned.is_none())
    );
    assert_eq!(store.crm_stage_names().unwrap(), [STAGE]);
    // Each entry says its card's source: two sources may share ids.
    let source = &store.calibration_pool(&stages, false).unwrap()[0].0;
    assert!(q.iter().all(|e| &e.source == source), "{q:?}");
}

pub fn paging_and_counts<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let stages = stages();
    for limit in [1, 2, 4, 100] {
        assert_eq!(
            ids(&pages(&*store, "anna", limit)),
            SIX_IN_ORDER,
            "pages of {limit}"
        );
    }
    let counts = store
        .queue_counts(&query(&stages, "anna", None, 0))
        .unwrap();
    assert_eq!((counts.cards, counts.flagged, counts.reviewed), (6, 3, 0));
    assert_eq!(counts.to_review(), 6);
    assert!(store.reviewed_stages().unwrap().is_empty());

    let p = verdict(&*store, "anna", "w2", Verdict::Ok, "r-w2", now());
    save(&mut *store, &p);
    // The stage the review was made at, with its current reviews: what `okk queue` names for
    // a stage no card is at any more.
    assert_eq!(store.reviewed_stages().unwrap(), [(STAGE.to_string(), 1)]);
    let paged = pages(&*store, "anna", 2);
    assert_eq!(ids(&paged), ["c1", "w1", "i1", "i2", "i0"]);
    let counts = store
        .queue_counts(&query(&stages, "anna", None, 0))
        .unwrap();
    assert_eq!((counts.cards, counts.reviewed), (6, 1));
    assert_eq!(
        counts.to_review() as usize,
        paged.len(),
        "the counts are the pages"
    );
    let boris = store
        .queue_counts(&query(&stages, "boris", None, 0))
        .unwrap();
    assert_eq!(boris.reviewed, 0, "anna's verdict is not boris's");
}

pub fn verdict_survives_reopen<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    {
        let mut store = backend.open(&handle).unwrap();
        let p = verdict(&*store, "anna", "w1", Verdict::Stale, "r-1", now());
        save(&mut *store, &p);
        let r = store
            .current_review(p.card.card_id, "anna")
            .unwrap()
            .expect("read back");
        assert_eq!((r.id.as_str(), r.verdict), ("r-1", Verdict::Stale));
        assert_eq!(r.draft.comment, "anna on w1");
        assert_eq!(r.card_hash, Some(p.card.hash));
        assert_eq!(r.created_at, now());
    }
    let store = backend.open(&handle).unwrap();
    assert_eq!(
        current(&*store, "anna", "w1"),
        Some(("r-1".into(), Verdict::Stale))
    );
    assert_eq!(current(&*store, "boris", "w1"), None);
    assert!(!ids(&pages(&*store, "anna", 100)).contains(&"w1"));
    assert!(
        !ids(&pages(&*store, "boris", 100)).contains(&"w1"),
        "anna's, as no claim would hand it to boris"
    );
}

pub fn verdict_at_most_once_and_undo<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let first = verdict(&*store, "anna", "i0", Verdict::Ok, "r-1", at(20, 10));
    save(&mut *store, &first);
    let mut again = first.clone();
    again.review.verdict = Verdict::Dead;
    save(&mut *store, &again);
    assert_eq!(
        current(&*store, "anna", "i0"),
        Some(("r-1".into(), Verdict::Ok)),
        "a second write under one id changes nothing"
    );
    let second = verdict(&*store, "anna", "i0", Verdict::Unclear, "r-2", at(20, 11));
    save(&mut *store, &second);
    assert_eq!(current(&*store, "anna", "i0").unwrap().0, "r-2");
    store.withdraw_review("r-2", now()).unwrap();
    assert_eq!(
        current(&*store, "anna", "i0"),
        Some(("r-1".into(), Verdict::Ok)),
        "undo restores the verdict it replaced"
    );
}

/// A draft with every part of a review filled: answers, suggestions, corrections, comment.
fn whole_draft() -> ReviewDraft {
    use okk::domain::score::Answer;
    ReviewDraft {
        answers: [
            ("phone_set".into(), Answer::Fail),
            ("budget".into(), Answer::Na),
        ]
        .into(),
        suggested_stage: Some("Договор".into()),
        suggested_owner: Some("Иванов Пётр".into()),
        corrections: [("phone".into(), "+7 912 000-11-22".into())].into(),
        comment: "перезвонить в пятницу".into(),
    }
}

pub fn skip_keeps_card_and_draft<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    {
        let mut store = backend.open(&handle).unwrap();
        let card = card_id(&*store, "c1");
        store
            .save_draft(card, "anna", &whole_draft(), now())
            .unwrap();
    }
    let store = backend.open(&handle).unwrap();
    let card = card_id(&*store, "c1");
    assert_eq!(
        store.draft(card, "anna").unwrap(),
        Some(whole_draft()),
        "the whole review being built, not only its comment"
    );
    assert_eq!(store.draft(card, "boris").unwrap(), None);
    assert_eq!(
        ids(&pages(&*store, "anna", 3)),
        SIX_IN_ORDER,
        "skipped, not judged"
    );
    assert_eq!(current(&*store, "anna", "c1"), None);
}

pub fn verdict_takes_the_draft<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let (c1, c2) = (card_id(&*store, "c1"), card_id(&*store, "w2"));
    store.save_draft(c1, "anna", &whole_draft(), now()).unwrap();
    store.save_draft(c2, "anna", &whole_draft(), now()).unwrap();
    // Her queue marks the cards she left a draft on (tui2 F9): hers, not another's.
    let drafted = |store: &dyn DeskStore, auditor: &str| {
        let mut ids = store.drafted(auditor).unwrap();
        ids.sort();
        ids
    };
    let mut both = vec![c1, c2];
    both.sort();
    assert_eq!(drafted(&*store, "anna"), both);
    assert_eq!(drafted(&*store, "boris"), Vec::<CardId>::new());
    // Changed on the card since: the draft follows.
    let mut fewer = whole_draft();
    fewer.answers.clear();
    fewer.suggested_owner = None;
    store.save_draft(c2, "anna", &fewer, now()).unwrap();
    assert_eq!(store.draft(c2, "anna").unwrap(), Some(fewer));
    // Nothing left of it: no draft.
    store
        .save_draft(c2, "anna", &ReviewDraft::default(), now())
        .unwrap();
    assert_eq!(store.draft(c2, "anna").unwrap(), None);
    assert_eq!(drafted(&*store, "anna"), [c1]);
    let judged = verdict(&*store, "anna", "c1", Verdict::Stale, "r-1", now());
    save(&mut *store, &judged);
    assert_eq!(
        store.draft(c1, "anna").unwrap(),
        None,
        "the verdict took it"
    );
    assert_eq!(drafted(&*store, "anna"), Vec::<CardId>::new());
}

pub fn pending_replay<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let p = {
        let mut store = backend.open(&handle).unwrap();
        let p = verdict(&*store, "anna", "c1", Verdict::WrongStage, "r-late", now());
        let kept = store.keep_pending(&p).unwrap();
        let replay = store.replay_pending().unwrap();
        assert_eq!(
            (replay.saved, replay.waiting),
            (0, 1),
            "a live reviewer's verdict is left to it"
        );
        drop(kept); // the reviewer dies before the store frees
        p
    };
    let mut store = backend.open(&handle).unwrap();
    assert_eq!(current(&*store, "anna", "c1"), None);
    let replay = store.replay_pending().unwrap();
    assert_eq!((replay.saved, replay.waiting), (1, 0));
    assert!(replay.unreadable.is_empty());
    assert_eq!(
        current(&*store, "anna", "c1"),
        Some((p.id.clone(), Verdict::WrongStage))
    );
    assert_eq!(store.replay_pending().unwrap().saved, 0, "written once");
}

/// A reviewer killed while it wrote a verdict to the journal (kill -9 right after the key)
/// leaves the entry under its temp name: whole, the replay finishes its rename and writes it;
/// torn, the replay drops it and names its card; never silently, never half-read.
pub fn pending_left_mid_write<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let (whole, torn_file) = {
        let store = backend.open(&handle).unwrap();
        let whole = verdict(&*store, "anna", "c1", Verdict::Dead, "r-whole", now());
        let torn = verdict(&*store, "anna", "w1", Verdict::Stale, "r-torn", now());
        // The temp file as a kill before the rename leaves it: the verdict written, unrenamed.
        let kept = store.keep_pending(&whole).unwrap();
        let path = kept.path().to_path_buf();
        drop(kept);
        let temp = |p: &std::path::Path| {
            let mut name = p.as_os_str().to_owned();
            name.push(".tmp");
            std::path::PathBuf::from(name)
        };
        std::fs::rename(&path, temp(&path)).unwrap();
        // And one cut short mid-write: the card's id in it, the rest missing.
        let kept = store.keep_pending(&torn).unwrap();
        let path = kept.path().to_path_buf();
        drop(kept);
        let text = std::fs::read_to_string(&path).unwrap();
        let cut = text.find("\"review\"").unwrap();
        std::fs::remove_file(&path).unwrap();
        std::fs::write(temp(&path), &text[..cut]).unwrap();
        (whole, temp(&path))
    };
    let mut store = backend.open(&handle).unwrap();
    let replay = store.replay_pending().unwrap();
    assert_eq!((replay.saved, replay.waiting), (1, 0), "{replay:?}");
    assert_eq!(
        current(&*store, "anna", "c1"),
        Some((whole.id.clone(), Verdict::Dead)),
        "the whole one is written"
    );
    assert_eq!(current(&*store, "anna", "w1"), None);
    assert_eq!(replay.torn.len(), 1, "{replay:?}");
    assert_eq!(replay.torn[0].card.as_deref(), Some("w1"));
    assert_eq!(replay.torn[0].file, torn_file);
    assert!(!torn_file.exists());
    let again = store.replay_pending().unwrap();
    assert_eq!(
        (again.saved, again.torn.len()),
        (0, 0),
        "said once, written once"
    );
}

/// An auditor's undo of verdicts still in the pending journal: one never sent leaves it and
/// nothing is written; one the store may have had (sent before the link hung) stays as its
/// withdrawal, which the replay writes and withdraws, whether the store had it or not.
pub fn pending_taken_back<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    {
        let mut store = backend.open(&handle).unwrap();
        let never_sent = verdict(&*store, "anna", "c1", Verdict::Ok, "r-never-sent", now());
        store.keep_pending(&never_sent).unwrap().discard().unwrap();
        let withdrawn = |p: PendingReview| PendingReview {
            withdrawn_at: Some(at(20, 13)),
            ..p
        };
        // Sent, and the store had it after all.
        let arrived = verdict(&*store, "anna", "w1", Verdict::Stale, "r-arrived", now());
        save(&mut *store, &arrived);
        let kept = store.keep_pending(&arrived).unwrap();
        drop(store.keep_pending(&withdrawn(arrived)).unwrap());
        drop(kept);
        // Sent, and lost on the way.
        let lost = verdict(&*store, "anna", "w2", Verdict::Dead, "r-lost", now());
        drop(store.keep_pending(&withdrawn(lost)).unwrap());
    }
    let mut store = backend.open(&handle).unwrap();
    let replay = store.replay_pending().unwrap();
    assert_eq!((replay.saved, replay.withdrawn, replay.waiting), (0, 2, 0));
    for id in ["c1", "w1", "w2"] {
        assert_eq!(current(&*store, "anna", id), None, "{id} stands nowhere");
    }
    let stages = stages();
    let q = store.queue(&query(&stages, "anna", None, 100)).unwrap();
    assert_eq!(ids(&q), SIX_IN_ORDER, "every card is hers to judge again");
    assert_eq!(
        store.replay_pending().unwrap(),
        Default::default(),
        "done once"
    );
}

pub fn lead_decisions<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let anna = verdict(&*store, "anna", "c1", Verdict::Ok, "r-anna", at(20, 9));
    let mut boris = verdict(&*store, "boris", "c1", Verdict::Dead, "r-boris", at(20, 10));
    // boris gives a new owner and corrects the phone: the lead's list names the field, not the
    // owner's correction, which is the owner suggested (tester42 F11).
    let draft = &mut boris.review.draft;
    draft.suggested_owner = Some("Попова Анна".into());
    draft
        .corrections
        .insert("phone".into(), "+7 900 000-00-00".into());
    let late = verdict(&*store, "anna", "w1", Verdict::Stale, "r-w1", at(20, 11));
    for p in [&anna, &boris, &late] {
        save(&mut *store, p);
    }
    let split = |store: &dyn DeskStore| -> Vec<(String, bool)> {
        store
            .lead_rows()
            .unwrap()
            .into_iter()
            .map(|r| (r.review_id, r.split))
            .collect()
    };
    let rows = store.lead_rows().unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].created_at, at(20, 9));
    assert_eq!(rows[1].suggested_owner.as_deref(), Some("Попова Анна"));
    assert_eq!(rows[1].corrected, ["phone"]);
    assert!(rows[0].corrected.is_empty());
    assert_eq!(rows[0].card_id, Some(anna.card.card_id));
    assert_eq!(
        split(&*store),
        [
            ("r-anna".into(), true),
            ("r-boris".into(), true),
            ("r-w1".into(), false)
        ],
        "anna and boris split on c1"
    );

    let accept = store
        .decide("r-anna", "lena", &Decision::accept(), at(20, 12))
        .unwrap();
    assert!(
        split(&*store).iter().all(|(_, s)| !s),
        "the accept settles c1"
    );
    let d = store.latest_decision("r-anna").unwrap().expect("it stands");
    assert_eq!((d.id.as_str(), d.lead.as_str()), (accept.as_str(), "lena"));
    assert_eq!(d.decision.kind, DecisionKind::Accept);

    store.withdraw_decision(&accept, at(20, 13)).unwrap();
    assert_eq!(store.latest_decision("r-anna").unwrap(), None);
    assert!(split(&*store)[0].1, "undone: split again");

    // The override keeps boris's owner, as the lead's screen says (tester42 F10).
    let overrule = Decision {
        suggested_owner: Some("Попова Анна".into()),
        ..Decision::overrule(Verdict::WrongStage, Some("Переговоры".into()))
    };
    store
        .decide("r-boris", "lena", &overrule, at(20, 14))
        .unwrap();
    let d = store.latest_decision("r-boris").unwrap().unwrap();
    assert_eq!(d.decision.kind, DecisionKind::Override);
    assert_eq!(d.decision.verdict, Some(Verdict::WrongStage));
    assert_eq!(d.decision.suggested_owner.as_deref(), Some("Попова Анна"));
    assert!(!split(&*store)[0].1, "the override is the final word");

    store
        .decide(
            "r-w1",
            "lena",
            &Decision::send_back("проверь телефон".into()),
            at(20, 15),
        )
        .unwrap();
    let back = entry(&*store, "anna", "w1");
    assert_eq!(back.returned.as_deref(), Some("проверь телефон"));
    let counts = store
        .queue_counts(&query(&stages(), "anna", None, 0))
        .unwrap();
    assert_eq!(counts.reviewed, 1, "a review sent back is to do again");
}

/// The lead overrides anna's ok on c1 to dead; anna judges c1 ok again after it; boris's ok,
/// made before the decision, is settled with the card. The decision stands until the lead
/// decides again: on the list, in the stats.
/// An auditor's undo of a verdict the lead has decided on is refused, naming the lead and the
/// decision: the verdict, the decision and the lead's list stay as they were. Once the lead
/// takes the decision back, the undo goes through.
pub fn undo_of_a_decided_verdict_is_refused<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let anna = verdict(
        &*store,
        "anna",
        "c1",
        Verdict::WrongStage,
        "r-anna",
        at(20, 9),
    );
    let late = verdict(&*store, "anna", "w1", Verdict::Stale, "r-w1", at(20, 10));
    save(&mut *store, &anna);
    save(&mut *store, &late);
    let accept = store
        .decide("r-anna", "lena", &Decision::accept(), at(20, 11))
        .unwrap();
    store
        .decide(
            "r-w1",
            "lena",
            &Decision::send_back("звонок?".into()),
            at(20, 12),
        )
        .unwrap();
    let rows = |store: &dyn DeskStore| -> Vec<String> {
        store
            .lead_rows()
            .unwrap()
            .into_iter()
            .map(|r| r.review_id)
            .collect()
    };
    let before = rows(&*store);
    for (id, kind) in [
        ("r-anna", DecisionKind::Accept),
        ("r-w1", DecisionKind::Return),
    ] {
        match store.withdraw_review(id, at(20, 13)) {
            Err(StoreError::Decided { lead, decision }) => {
                assert_eq!((lead.as_str(), decision), ("lena", kind), "{id}")
            }
            other => panic!("{id}: the undo of a decided verdict went {other:?}"),
        }
    }
    assert_eq!(rows(&*store), before, "the lead's list as it was");
    assert_eq!(
        current(&*store, "anna", "c1"),
        Some(("r-anna".into(), Verdict::WrongStage))
    );
    assert!(
        store.latest_decision("r-anna").unwrap().is_some(),
        "it stands"
    );
    store.withdraw_decision(&accept, at(20, 14)).unwrap();
    store.withdraw_review("r-anna", at(20, 15)).unwrap();
    assert_eq!(
        current(&*store, "anna", "c1"),
        None,
        "undecided, it is undone"
    );
}

pub fn lead_decision_stands_over_a_later_review<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let first = verdict(&*store, "anna", "c1", Verdict::Ok, "r-anna", at(20, 9));
    let boris = verdict(&*store, "boris", "c1", Verdict::Ok, "r-boris", at(20, 10));
    save(&mut *store, &first);
    save(&mut *store, &boris);
    let dead = Decision::overrule(Verdict::Dead, None);
    store.decide("r-anna", "lena", &dead, at(20, 12)).unwrap();
    let again = verdict(&*store, "anna", "c1", Verdict::Ok, "r-again", at(20, 13));
    save(&mut *store, &again);
    let source = store.lead_rows().unwrap()[0].source.clone();
    let settled = |store: &dyn DeskStore| {
        let s = store
            .settled(&source, "c1")
            .unwrap()
            .expect("c1 is settled");
        (s.review_id.clone(), s.verdict())
    };
    // (review, awaits the lead, settled with the card, came after the decision, split).
    let rows = |store: &dyn DeskStore| -> Vec<(String, bool, bool, bool, bool)> {
        let rows = store.lead_rows().unwrap();
        rows.into_iter()
            .map(|r| {
                let marks = (r.awaits(), r.settled_with_card(), r.after_decision());
                (r.review_id, marks.0, marks.1, marks.2, r.split)
            })
            .collect()
    };
    let landed = |store: &dyn DeskStore, v: Verdict| {
        let funnel = okk::funnel_config::default_funnel();
        let figures = store
            .stats_figures(&funnel, now().date(), Default::default())
            .unwrap();
        figures.analytics.totals.figures.review_verdicts.get(v)
    };
    assert_eq!(settled(&*store), ("r-anna".into(), Verdict::Dead));
    assert_eq!(
        rows(&*store),
        [
            ("r-boris".into(), false, true, false, false),
            ("r-again".into(), true, false, true, false),
        ]
    );
    // One card, one sample: dead, whatever the new review says.
    assert_eq!(
        (landed(&*store, Verdict::Dead), landed(&*store, Verdict::Ok)),
        (1, 0)
    );
    // Sending the new review back leaves the card where the override put it.
    let back = store
        .decide(
            "r-again",
            "lena",
            &Decision::send_back("нет".into()),
            at(20, 14),
        )
        .unwrap();
    assert_eq!(settled(&*store), ("r-anna".into(), Verdict::Dead));
    store.withdraw_decision(&back, at(20, 14)).unwrap();
    // The lead decides again: anna's new ok is the card's word.
    let accept = store
        .decide("r-again", "lena", &Decision::accept(), at(20, 15))
        .unwrap();
    assert_eq!(settled(&*store), ("r-again".into(), Verdict::Ok));
    assert_eq!(
        (landed(&*store, Verdict::Dead), landed(&*store, Verdict::Ok)),
        (0, 1)
    );
    // Undone: the override stands again.
    store.withdraw_decision(&accept, at(20, 16)).unwrap();
    assert_eq!(settled(&*store), ("r-anna".into(), Verdict::Dead));
}

/// A window of days that holds none of the current reviews says how many it leaves out and the
/// days of the first and the last (a replaced review and a withdrawn one are not current); a
/// window holding one says nothing of the others.
pub fn a_window_of_no_review_counts_those_it_leaves_out<B: Backend>(backend: &B) {
    use okk::domain::analytics::{LeftOut, Window};
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    for (auditor, id, review, when) in [
        ("anna", "c1", "r-replaced", at(2, 9)),
        ("anna", "c1", "r-c1", at(3, 9)),
        ("boris", "w1", "r-w1", at(10, 9)),
        ("anna", "w2", "r-w2", at(18, 23)),
        ("anna", "i0", "r-withdrawn", at(19, 9)),
    ] {
        let v = verdict(&*store, auditor, id, Verdict::Stale, review, when);
        save(&mut *store, &v);
    }
    store.withdraw_review("r-withdrawn", at(19, 10)).unwrap();
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    let funnel = okk::funnel_config::default_funnel();
    let left_out = |since: Option<u32>, until: Option<u32>| {
        let window = Window {
            since: since.map(day),
            until: until.map(day),
            side: None,
        };
        let f = store.stats_figures(&funnel, now().date(), window).unwrap();
        f.analytics.all_left_out
    };
    let three = Some(LeftOut {
        reviews: 3,
        first: Some(day(3)),
        last: Some(day(18)),
    });
    assert_eq!(left_out(None, Some(2)), three, "before them all");
    assert_eq!(left_out(Some(19), None), three, "after them all");
    assert_eq!(left_out(Some(4), Some(9)), three, "between them");
    assert_eq!(left_out(Some(10), Some(10)), None, "it holds one");
    assert_eq!(left_out(None, None), None, "every day");
}

/// The estimate of lying cards is made by stratum (tester42 F1): the open cards flagged now
/// (a flags row, as the queues tell a flagged card) and those not, each with the cards judged
/// in it. A closed card is in neither; a card judged flagged whose flags an import cleared
/// counts among the unflagged.
pub fn estimate_strata_open_cards<B: Backend>(backend: &B) {
    use okk::domain::flag::Severity::Warning;
    const CARDS: &[Seed] = &[
        seed("f1", 10, &[Warning]),
        seed("f2", 11, &[Warning]),
        seed("f3", 12, &[Warning]),
        seed("u1", 13, &[]),
        seed("u2", 14, &[]),
        seed("u3", 15, &[]),
        seed("u4", 16, &[]),
        Seed {
            closed: true,
            ..seed("fc", 17, &[Warning])
        },
        Seed {
            closed: true,
            ..seed("uc", 18, &[])
        },
    ];
    let handle = backend.seeded(CARDS);
    let mut store = backend.open(&handle).unwrap();
    for (id, v, review) in [("f1", Verdict::Stale, "r-f1"), ("f2", Verdict::Ok, "r-f2")] {
        let p = verdict(&*store, "anna", id, v, review, at(19, 9));
        save(&mut *store, &p);
    }
    let funnel = okk::funnel_config::default_funnel();
    let strata = |store: &dyn okk::domain::ports::DeskStore| {
        let f = store
            .stats_figures(&funnel, now().date(), Default::default())
            .unwrap();
        let stage = (f.analytics.stages.iter())
            .find(|s| s.stage == STAGE)
            .expect("the stage's row");
        let s = stage.group.figures.strata.expect("a stage's strata");
        (
            (s.flagged.open, s.flagged.judged, s.flagged.not_ok),
            (s.unflagged.open, s.unflagged.judged, s.unflagged.unsampled),
            stage.group.figures.covered_cards,
        )
    };
    // Flagged: f1 f2 f3 open (fc closed), f1 f2 judged, f1 not ok; unflagged: u1–u4, none
    // judged, so left out of the estimate.
    assert_eq!(strata(&*store), ((3, 2, 1), (4, 0, 4), 3));
    // A later export clears f1's flags: judged flagged, it is an unflagged card now.
    drop(store);
    let mut cleared = CARDS.to_vec();
    cleared[0].flags = &[];
    backend.import(&handle, None, &cleared);
    let store = backend.open(&handle).unwrap();
    assert_eq!(strata(&*store), ((2, 1, 0), (5, 1, 0), 7));
}

pub fn calibration_handout<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let mut pool = store.calibration_pool(&stages(), false).unwrap();
    pool.sort();
    let mut pool_ids: Vec<&str> = pool.iter().map(|(_, id)| id.as_str()).collect();
    pool_ids.sort();
    assert_eq!(pool_ids, ["c1", "i0", "i1", "i2", "w1", "w2"]);
    let source = pool[0].0.clone();
    let cal = Calibration {
        id: "cal-1".into(),
        stage: STAGE.into(),
        seed: 7,
        auditors: vec!["anna".into()],
        created_by: "lena".into(),
        created_at: "2026-11-20 08:00:00".into(),
        end: None,
        cards: vec![(source.clone(), "i0".into())],
    };
    assert!(store.save_calibration(&cal).unwrap());
    assert!(
        !store.save_calibration(&cal).unwrap(),
        "once: its id is its identity"
    );
    assert_eq!(store.calibrations().unwrap(), [cal]);

    let stages = stages();
    let first = store.queue(&query(&stages, "anna", None, 3)).unwrap();
    assert_eq!(
        ids(&first),
        ["i0", "c1", "w2"],
        "the calibration card first"
    );
    assert!(first[0].calibration && !first[1].calibration);
    assert!(first.iter().all(|e| e.source == source), "{first:?}");
    assert_eq!(
        ids(&pages(&*store, "anna", 2)),
        ["i0", "c1", "w2", "w1", "i1", "i2"],
        "listed once"
    );
    assert_eq!(
        ids(&pages(&*store, "boris", 100)),
        SIX_IN_ORDER,
        "not boris's"
    );

    let p = verdict(&*store, "anna", "i0", Verdict::Ok, "r-cal", now());
    save(&mut *store, &p);
    let first = store.queue(&query(&stages, "anna", None, 100)).unwrap();
    assert_eq!(
        ids(&first),
        ["c1", "w2", "w1", "i1", "i2"],
        "judged: handed out"
    );
}

pub fn newer_schema_refused<B: Backend>(backend: &B) {
    let handle = backend.seeded(&SIX[..1]);
    backend.make_newer(&handle);
    match backend.open(&handle) {
        Err(StoreError::NewerSchema { found, known, .. }) => assert!(found > known),
        Err(e) => panic!("refused for another reason: {e}"),
        Ok(_) => panic!("a newer store was opened"),
    }
}

/// A lease long enough never to run out during a story.
const LEASE: std::time::Duration = std::time::Duration::from_secs(300);

fn claim(store: &mut dyn DeskStore, auditor: &str, n: usize) -> Vec<QueueEntry> {
    claim_for(store, auditor, n, LEASE)
}

fn claim_for(
    store: &mut dyn DeskStore,
    auditor: &str,
    n: usize,
    lease: std::time::Duration,
) -> Vec<QueueEntry> {
    let stages = stages();
    store
        .claim(&query(&stages, auditor, None, 100), n, lease)
        .expect("the claim is made")
}

/// `count` cards, a third of them flagged, on a few days of November.
fn many(count: usize) -> Vec<Seed> {
    const FLAGS: [&[okk::domain::flag::Severity]; 3] = [&[], &[Warning], &[Critical]];
    (0..count)
        .map(|i| {
            seed(
                Box::leak(format!("m{i:03}").into_boxed_str()),
                1 + (i % 17) as u32,
                FLAGS[i % 3],
            )
        })
        .collect()
}

pub fn claims_never_overlap<B: Backend + Sync>(backend: &B) {
    let cards = many(40);
    let handle = backend.seeded(&cards);
    let auditors = ["anna", "boris", "vera"];
    let claimed: Vec<Vec<String>> = std::thread::scope(|s| {
        let workers: Vec<_> = auditors
            .iter()
            .map(|&auditor| {
                let mut store = backend.open(&handle).unwrap();
                s.spawn(move || {
                    let mut mine: Vec<String> = Vec::new();
                    loop {
                        let got = claim(&mut *store, auditor, 2);
                        if got.is_empty() {
                            return mine;
                        }
                        for e in got {
                            let p = verdict(
                                &*store,
                                auditor,
                                &e.id,
                                Verdict::Ok,
                                &format!("r-{auditor}-{}", e.id),
                                now(),
                            );
                            save(&mut *store, &p);
                            mine.push(e.id);
                        }
                    }
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).collect()
    });
    let mut all: Vec<&str> = claimed.iter().flatten().map(String::as_str).collect();
    all.sort();
    let mut expected: Vec<&str> = cards.iter().map(|c| c.id).collect();
    expected.sort();
    assert_eq!(all, expected, "every card claimed once, none twice");
}

pub fn claims_held_first<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let held = claim(&mut *anna, "anna", 2);
    assert_eq!(ids(&held), ["c1", "w2"]);
    let source = &anna.calibration_pool(&stages(), false).unwrap()[0].0;
    assert!(held.iter().all(|e| &e.source == source), "{held:?}");
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 2)),
        ["w1", "i1"],
        "boris gets the next cards nobody holds"
    );
    assert_eq!(
        ids(&claim(&mut *anna, "anna", 3)),
        ["c1", "w2", "i2"],
        "anna's claims first, then the next free card"
    );
    let p = verdict(&*anna, "anna", "c1", Verdict::Ok, "r-c1", now());
    save(&mut *anna, &p);
    assert_eq!(
        ids(&claim(&mut *anna, "anna", 3)),
        ["w2", "i2", "i0"],
        "a verdict ends the claim"
    );
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 6)),
        ["w1", "i1"],
        "judged or held: nothing else is free for boris"
    );
    let again = backend.open(&handle).unwrap();
    assert_eq!(
        ids(&pages(&*again, "anna", 100)),
        ["w2", "w1", "i1", "i2", "i0"],
        "the auditor's own queue lists what others hold"
    );
}

/// A card another auditor holds leaves her queue as no claim hands it to her, on a store file
/// with no claims too (a laptop copied from the server, a file several auditors share): one
/// they judged as it is now, accepted by the lead or not, or one the lead sent back to them. A
/// card whose review judged another version, one sent back to her and a calibration card she
/// owes stay hers. Under `t` and a filter (`reviewed`) the others' cards are listed, marked, and
/// the card says whose verdict stands on it; the figures count what the pages list.
pub fn a_card_another_holds_leaves_her_queue_as_no_claim_hands_it_out<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let stages = stages();
    for card in ["c1", "w2", "w1", "i1", "i2"] {
        let p = verdict(
            &*store,
            "boris",
            card,
            Verdict::Ok,
            &format!("b-{card}"),
            now(),
        );
        save(&mut *store, &p);
    }
    let p = verdict(&*store, "anna", "i0", Verdict::Dead, "a-i0", now());
    save(&mut *store, &p);
    store
        .decide("b-c1", "lena", &Decision::accept(), now())
        .unwrap();
    store
        .decide(
            "b-w1",
            "lena",
            &Decision::send_back("звонок?".into()),
            now(),
        )
        .unwrap();
    store
        .decide(
            "a-i0",
            "lena",
            &Decision::send_back("ещё раз".into()),
            now(),
        )
        .unwrap();
    // i1 changed in the CRM after boris judged it; i2 is in a calibration naming anna.
    let later: Vec<Seed> = (SIX.iter())
        .map(|&c| if c.id == "i1" { seed("i1", 2, &[]) } else { c })
        .collect();
    backend.import(&handle, None, &later);
    let mut store = backend.open(&handle).unwrap();
    let source = card_source(&*store, "i2");
    let cal = Calibration {
        id: "cal-i2".into(),
        stage: STAGE.into(),
        seed: 3,
        auditors: vec!["anna".into(), "olga".into()],
        created_by: "lena".into(),
        created_at: "2026-11-20 08:00:00".into(),
        end: None,
        cards: vec![(source, "i2".into())],
    };
    assert!(store.save_calibration(&cal).unwrap());

    let listed = pages(&*store, "anna", 2);
    assert_eq!(
        ids(&listed),
        ["i2", "i1", "i0"],
        "the calibration card first, then what no other auditor holds"
    );
    assert!(listed[0].calibration && !listed[1].changed_since_review);
    assert_eq!(listed[2].returned.as_deref(), Some("ещё раз"));
    assert!(listed.iter().all(|e| !e.judged_by_other), "{listed:?}");
    let counts = store
        .queue_counts(&query(&stages, "anna", None, 0))
        .unwrap();
    assert_eq!((counts.cards, counts.reviewed, counts.others), (6, 0, 3));
    let both = [
        query(&stages, "anna", None, 0),
        QueueQuery {
            all: true,
            ..query(&stages, "anna", None, 0)
        },
    ];
    assert_eq!(
        store.queue_counts_many(&both).unwrap(),
        [counts, store.queue_counts(&both[1]).unwrap()],
        "the funnel screen's figures, read together"
    );
    assert_eq!(
        counts.to_review() as usize,
        listed.len(),
        "the counts are the pages"
    );
    let mut claimed = ids(&claim(&mut *store, "anna", 10))
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>();
    claimed.sort();
    let mut queued: Vec<String> = ids(&listed).into_iter().map(String::from).collect();
    queued.sort();
    assert_eq!(claimed, queued, "what a claim on the same store hands her");

    // Boris: his card sent back and the one changed since are his; anna's sent back is hers.
    let his = pages(&*store, "boris", 100);
    assert_eq!(ids(&his), ["w1", "i1"]);
    let counts = store
        .queue_counts(&query(&stages, "boris", None, 0))
        .unwrap();
    assert_eq!(
        (counts.reviewed, counts.others),
        (3, 1),
        "c1 w2 i2 his, i0 anna's"
    );
    assert_eq!(counts.to_review() as usize, his.len());

    // Under `t` and a filter every card is listed, the others' marked.
    let every = store
        .queue(&QueueQuery {
            all: true,
            reviewed: true,
            ..query(&stages, "anna", None, 100)
        })
        .unwrap();
    let others: Vec<&str> = (every.iter())
        .filter(|e| e.judged_by_other)
        .map(|e| e.id.as_str())
        .collect();
    assert_eq!(others, ["c1", "w2", "w1"]);
    let c1 = store
        .others_reviews(card_id(&*store, "c1"), "anna")
        .unwrap();
    assert_eq!(c1.len(), 1);
    assert_eq!(
        (c1[0].auditor.as_str(), c1[0].verdict),
        ("boris", Verdict::Ok)
    );
    assert!(c1[0].holds() && !c1[0].card_changed);
    let accepted = c1[0].decision.as_ref().expect("lena's accept");
    assert_eq!(
        (accepted.lead.as_str(), accepted.decision.kind),
        ("lena", DecisionKind::Accept)
    );
    let i1 = store
        .others_reviews(card_id(&*store, "i1"), "anna")
        .unwrap();
    assert!(i1[0].card_changed && !i1[0].holds(), "{i1:?}");
    let w1 = store
        .others_reviews(card_id(&*store, "w1"), "anna")
        .unwrap();
    assert!(w1[0].holds(), "sent back to boris: his to answer");
    assert_eq!(
        store
            .others_reviews(card_id(&*store, "i0"), "anna")
            .unwrap(),
        [],
        "her own review is not another's"
    );
}

/// What a shared queue counts to: the cards a claim may still hand an auditor, her own claims
/// among them; not those another holds or anyone judged, nor those she gave back; a card sent
/// back or whose claim ran out counts again, and a calibration card she has still to judge
/// counts whoever else judged it.
pub fn claimable_counts_what_a_claim_may_still_hand_out<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let stages = stages();
    let left = |store: &dyn DeskStore, auditor: &str, except: &[CardId]| {
        store
            .claimable(&query(&stages, auditor, None, 100), except)
            .unwrap()
    };
    assert_eq!(left(&*anna, "anna", &[]), 6, "nothing held, nothing judged");
    let mine = claim(&mut *anna, "anna", 2);
    assert_eq!(ids(&mine), ["c1", "w2"]);
    assert_eq!(
        left(&*anna, "anna", &[]),
        6,
        "her own claims are hers to judge"
    );
    assert_eq!(
        left(&*boris, "boris", &[]),
        4,
        "anna's claims are not boris's"
    );
    let p = verdict(&*anna, "anna", "c1", Verdict::Ok, "r-c1", now());
    save(&mut *anna, &p);
    assert_eq!(left(&*anna, "anna", &[]), 5, "her verdict takes c1 off");
    assert_eq!(
        left(&*boris, "boris", &[]),
        4,
        "judged by anna: not boris's either"
    );
    let lapsed = claim_for(&mut *boris, "boris", 1, std::time::Duration::ZERO);
    assert_eq!(ids(&lapsed), ["w1"]);
    assert_eq!(
        left(&*anna, "anna", &[]),
        5,
        "boris's claim ran out: w1 is free"
    );
    assert_eq!(ids(&claim(&mut *boris, "boris", 1)), ["w1"]);
    assert_eq!(left(&*anna, "anna", &[]), 4, "boris holds w1");
    // Anna skips w2: free for boris, never hers again this session.
    let w2 = mine[1].card_id;
    anna.release(w2, "anna").unwrap();
    assert_eq!(left(&*anna, "anna", &[w2]), 3);
    assert_eq!(left(&*boris, "boris", &[]), 5, "w2 is free for boris");
    boris
        .decide(
            "r-c1",
            "lena",
            &Decision::send_back("ещё раз".into()),
            now(),
        )
        .unwrap();
    assert_eq!(
        left(&*anna, "anna", &[w2]),
        4,
        "c1 sent back: hers to judge again"
    );
    // A calibration naming anna: its card counts for her though boris judged it.
    let source = anna.calibration_pool(&stages, false).unwrap()[0].0.clone();
    let cal = Calibration {
        id: "cal-1".into(),
        stage: STAGE.into(),
        seed: 7,
        auditors: vec!["anna".into()],
        created_by: "lena".into(),
        created_at: "2026-11-20 08:00:00".into(),
        end: None,
        cards: vec![(source, "i0".into())],
    };
    assert!(anna.save_calibration(&cal).unwrap());
    let p = verdict(&*boris, "boris", "i0", Verdict::Ok, "r-i0", now());
    save(&mut *boris, &p);
    assert_eq!(left(&*anna, "anna", &[w2]), 4, "i0 is anna's to judge");
    assert_eq!(
        left(&*boris, "boris", &[]),
        4,
        "c1 sent back to anna is hers alone, i0 judged by him"
    );
    let before = left(&*anna, "anna", &[]);
    assert_eq!(
        claim(&mut *anna, "anna", 10).len() as u64,
        before,
        "what a claim hands out"
    );
    assert_eq!(left(&*anna, "anna", &[]), before, "and holds for her");
}

pub fn expired_claim_returns<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let lapsed = claim_for(&mut *anna, "anna", 2, std::time::Duration::ZERO);
    assert_eq!(ids(&lapsed), ["c1", "w2"]);
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 2)),
        ["c1", "w2"],
        "anna's claims ran out: the cards are back in the queue"
    );
    assert_eq!(
        ids(&claim(&mut *anna, "anna", 2)),
        ["w1", "i1"],
        "and anna holds none of them now"
    );
    let c1 = lapsed[0].card_id;
    boris.release(c1, "boris").unwrap();
    assert_eq!(
        ids(&claim(&mut *anna, "anna", 3)),
        ["w1", "i1", "c1"],
        "anna's claims first; a card given back is free at once"
    );
    anna.renew("anna", &[c1], LEASE).unwrap();
    assert_eq!(ids(&claim(&mut *boris, "boris", 1)), ["w2"]);
}

/// [`claim_for`] on `stage`.
fn claim_on(
    store: &mut dyn DeskStore,
    stage: &str,
    auditor: &str,
    n: usize,
    lease: std::time::Duration,
) -> Vec<QueueEntry> {
    let stages = vec![stage.to_string()];
    store
        .claim(&query(&stages, auditor, None, 100), n, lease)
        .expect("the claim is made")
}

/// `n` cards on [`OTHER_STAGE`] without flags, `o1` the longest idle.
fn elsewhere(ids: &[&'static str]) -> Vec<Seed> {
    (ids.iter().enumerate())
        .map(|(i, &id)| Seed {
            stage: OTHER_STAGE,
            ..seed(id, 2 + i as u32, &[])
        })
        .collect()
}

/// A claim answers for her claims in its own query only (tester36 F5): it hands them back
/// first, holds the ones it returns no shorter than they were held (a script's claim for no
/// time at all leaves the card open in her reviewer held), gives back those beyond the `n` it
/// returns, and leaves her claims on another stage as they are: neither given back nor renewed
/// (a reviewer working on one stage does not keep a script's cards of another out of reach).
pub fn claim_holds_only_what_it_hands_out<B: Backend>(backend: &B) {
    let mut cards = SIX.to_vec();
    cards.extend(elsewhere(&["o1", "o2", "o3", "o4"]));
    let handle = backend.seeded(&cards);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let mut vera = backend.open(&handle).unwrap();
    let there = claim_on(&mut *anna, OTHER_STAGE, "anna", 2, LEASE);
    assert_eq!(ids(&there), ["o1", "o2"]);
    assert_eq!(ids(&claim(&mut *anna, "anna", 3)), ["c1", "w2", "w1"]);
    assert_eq!(
        ids(&claim_for(&mut *anna, "anna", 1, std::time::Duration::ZERO)),
        ["c1"],
        "her claims first"
    );
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 3)),
        ["w2", "w1", "i1"],
        "the two she held beyond the one printed went back; c1 is still hers: a claim for \
         no time at all did not shorten its lease"
    );
    assert_eq!(
        ids(&claim_on(&mut *boris, OTHER_STAGE, "boris", 1, LEASE)),
        ["o3"],
        "her claims on the other stage stand: a claim on this one gave none of them back"
    );

    // Vera holds o4 briefly, then works on this stage: her claims here do not renew it.
    let brief = std::time::Duration::from_secs(2);
    assert_eq!(
        ids(&claim_on(&mut *vera, OTHER_STAGE, "vera", 1, brief)),
        ["o4"]
    );
    assert_eq!(ids(&claim(&mut *vera, "vera", 2)), ["i2", "i0"]);
    assert_eq!(ids(&claim(&mut *vera, "vera", 2)), ["i2", "i0"]);
    std::thread::sleep(brief + std::time::Duration::from_millis(500));
    assert_eq!(
        ids(&claim_on(&mut *boris, OTHER_STAGE, "boris", 2, LEASE)),
        ["o3", "o4"],
        "vera's claim on the other stage ran out: her claims on this one did not renew it"
    );
}

/// `okk queue --release`: an auditor's claims given back on one stage's cards or on every
/// stage's, free for the next auditor at once, counted as the claims that were held (one that
/// ran out held nothing); another auditor's claims stay.
pub fn claims_given_back_by_stage<B: Backend>(backend: &B) {
    let mut cards = SIX.to_vec();
    cards.extend(elsewhere(&["o1", "o2", "o3"]));
    let handle = backend.seeded(&cards);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let mut vera = backend.open(&handle).unwrap();
    let there = claim_on(&mut *anna, OTHER_STAGE, "anna", 2, LEASE);
    assert_eq!(ids(&there), ["o1", "o2"]);
    assert_eq!(ids(&claim(&mut *anna, "anna", 2)), ["c1", "w2"]);
    assert_eq!(
        ids(&claim_for(&mut *anna, "anna", 3, std::time::Duration::ZERO)),
        ["c1", "w2", "w1"],
        "w1's claim ran out at once; c1 and w2 are held as long as they were"
    );
    assert_eq!(
        anna.release_claims("anna", Some(&stages())).unwrap(),
        2,
        "the two held on this stage; w1's claim held nothing"
    );
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 3)),
        ["c1", "w2", "w1"],
        "free at once"
    );
    assert_eq!(
        ids(&claim_on(&mut *vera, OTHER_STAGE, "vera", 1, LEASE)),
        ["o3"],
        "her claims on the other stage stand"
    );
    assert_eq!(anna.release_claims("anna", None).unwrap(), 2, "every stage");
    assert_eq!(anna.release_claims("anna", None).unwrap(), 0, "none left");
    assert_eq!(
        ids(&claim_on(&mut *vera, OTHER_STAGE, "vera", 3, LEASE)),
        ["o3", "o1", "o2"]
    );
    assert_eq!(
        ids(&claim(&mut *vera, "vera", 1)),
        ["i1"],
        "boris's claims stay his"
    );
}

/// `okk calibrate end`: a calibration ended hands its cards first to nobody (the queue, a
/// claim), ends once, and its judgements are the reviews that stood at its end — a card judged
/// again after it, or judged only after it, leaves them as they were.
pub fn calibration_ended<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let source = store.calibration_pool(&stages(), false).unwrap()[0]
        .0
        .clone();
    let cal = Calibration {
        id: "cal-e".into(),
        stage: STAGE.into(),
        seed: 7,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "lena".into(),
        created_at: "2026-11-20 08:00:00".into(),
        end: None,
        cards: vec![(source.clone(), "i0".into()), (source, "i1".into())],
    };
    assert!(store.save_calibration(&cal).unwrap());
    let before = verdict(&*store, "anna", "i0", Verdict::Ok, "r-before", at(20, 10));
    save(&mut *store, &before);
    let first = store.queue(&query(&stages(), "boris", None, 2)).unwrap();
    assert_eq!(ids(&first), ["i1", "i0"], "open: the calibration first");
    assert!(first.iter().all(|e| e.calibration));

    let end = Ended {
        at: "2026-11-20 11:00:00".into(),
        by: "lena".into(),
    };
    assert!(store.end_calibration("cal-e", &end).unwrap());
    let later = Ended {
        at: "2026-11-20 11:30:00".into(),
        by: "olga".into(),
    };
    assert!(
        !store.end_calibration("cal-e", &later).unwrap(),
        "ended once: the first end stands"
    );
    let stored = store.calibrations().unwrap();
    assert_eq!(stored[0].end.as_ref(), Some(&end));
    let ended = &stored[0];

    // Nobody's queue puts its cards first any more: boris's reads as vera's (never listed).
    let boris = pages(&*store, "boris", 100);
    assert!(boris.iter().all(|e| !e.calibration), "{boris:?}");
    assert_eq!(ids(&boris), ids(&pages(&*store, "vera", 100)));
    assert_eq!(
        ids(&claim(&mut *store, "boris", 1)),
        ["c1"],
        "a claim hands out the queue's first, not a calibration card"
    );

    // After the end anna judges i0 again and boris judges i1: the calibration's judgements are
    // as they stood at 11:00 (anna's «ok» on i0 alone); read as open, they would be the later.
    let again = verdict(&*store, "anna", "i0", Verdict::Dead, "r-again", at(20, 13));
    save(&mut *store, &again);
    let late = verdict(&*store, "boris", "i1", Verdict::Stale, "r-late", at(20, 14));
    save(&mut *store, &late);
    let judged = |c: &Calibration| -> Vec<(String, String, Verdict)> {
        let (judged, _) = store.calibration_judgements(c).unwrap();
        let mut out: Vec<_> = (judged.into_iter())
            .map(|j| (j.card.1, j.auditor, j.verdict))
            .collect();
        out.sort();
        out
    };
    assert_eq!(
        judged(ended),
        [("i0".into(), "anna".into(), Verdict::Ok)],
        "as at its end"
    );
    assert_eq!(
        judged(&cal),
        [
            ("i0".into(), "anna".into(), Verdict::Dead),
            ("i1".into(), "boris".into(), Verdict::Stale)
        ],
        "an open calibration reads the current reviews"
    );
}

/// `okk db prune` after a calibration: while it is open its sample keeps its cards, and the
/// report names it (the way out is `okk calibrate end`) and offers `--with-work` for none of
/// them; once it ended, a card it alone kept goes, and one with reviews goes with them under
/// `--with-work`.
pub fn prune_after_a_calibration_ends<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let wrong = [seed("x1", 5, &[]), seed("x2", 6, &[]), seed("x3", 7, &[])];
    backend.import(&handle, Some("wrong"), &wrong);
    {
        let mut store = backend.open(&handle).unwrap();
        let cal = Calibration {
            id: "cal-w".into(),
            stage: STAGE.into(),
            seed: 3,
            auditors: vec!["anna".into(), "boris".into()],
            created_by: "lena".into(),
            created_at: "2026-11-20 08:00:00".into(),
            end: None,
            cards: vec![("wrong".into(), "x1".into()), ("wrong".into(), "x2".into())],
        };
        assert!(store.save_calibration(&cal).unwrap());
        let p = verdict(&*store, "anna", "x2", Verdict::Stale, "r-x2", at(20, 9));
        save(&mut *store, &p);
    }
    let wrong = || Selector::Source("wrong".into());
    let mut store = backend.open_prune(&handle).unwrap();
    let open = pruned(store.prune_with(&wrong(), true, true).unwrap());
    assert_eq!((open.selected, open.removed, open.kept), (3, 1, 2));
    assert_eq!(
        open.releasable, 0,
        "the calibration holds both: no --with-work to offer"
    );
    assert_eq!(open.released_cards, 0);
    assert_eq!(
        open.calibrations,
        [KeptByCalibration {
            id: "cal-w".into(),
            stage: STAGE.into(),
            cards: 2,
        }]
    );
    drop(store);
    {
        let mut store = backend.open(&handle).unwrap();
        let end = Ended {
            at: "2026-11-20 10:00:00".into(),
            by: "lena".into(),
        };
        assert!(store.end_calibration("cal-w", &end).unwrap());
    }
    let mut store = backend.open_prune(&handle).unwrap();
    let ended = pruned(store.prune(&wrong(), true).unwrap());
    assert_eq!((ended.removed, ended.kept, ended.releasable), (2, 1, 1));
    assert!(ended.calibrations.is_empty());
    let kept: Vec<(DeskWork, Vec<String>)> = (ended.kept_for.iter())
        .map(|k| (k.work, k.first.clone()))
        .collect();
    assert_eq!(kept, [(DeskWork::Reviews, vec!["x2".to_string()])]);
    let report = pruned(store.prune_with(&wrong(), false, true).unwrap());
    assert_eq!(
        (report.removed, report.kept, report.released_cards),
        (3, 0, 1)
    );
    assert_eq!(report.work_removed.reviews, 1);
    drop(store);
    let (listed, ..) = as_the_desk_reads(backend, &handle);
    assert!(
        listed.iter().all(|c| !c.starts_with("wrong/")),
        "{listed:?}"
    );
    let store = backend.open(&handle).unwrap();
    assert_eq!(
        store.calibrations().unwrap().len(),
        1,
        "the calibration stays, ended; its report reads what is left"
    );
}

/// The cards of `cal` each auditor is asked to judge (again) first: their queue's calibration
/// entries, and whether each is marked changed since their review.
fn firsts(store: &dyn DeskStore, auditor: &str) -> Vec<(String, bool)> {
    let stages = stages();
    let q = store.queue(&query(&stages, auditor, None, 100)).unwrap();
    (q.into_iter())
        .take_while(|e| e.calibration)
        .map(|e| (e.id, e.changed_since_review))
        .collect()
}

/// Who the domain asks to judge which card again, from what the store reads of `cal` (its
/// judgements and its cards now): `(card, auditors)`.
fn asked_again(store: &dyn DeskStore, cal: &Calibration) -> Vec<(String, Vec<String>)> {
    let (judged, _) = store.calibration_judgements(cal).unwrap();
    let now = store.calibration_cards_now(cal).unwrap();
    okk::domain::judge_again::judge_again(cal, &judged, &now)
        .into_iter()
        .map(|g| (g.id, g.auditors))
        .collect()
}

/// tester32 F3: a calibration card the CRM changed between its auditors' reviews goes back,
/// first and marked (changed since her review, calibration), to the auditor whose judgement is
/// of the old card — in her queue and her claim — until she judges it as it is; the store hands
/// out what the domain's rule asks (the report's). Judged alike, a card that changed after all
/// of them asks nothing; judged as two versions it no longer is, it asks both; ended, nothing.
pub fn calibration_judged_again<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let source = store.calibration_pool(&stages(), false).unwrap()[0]
        .0
        .clone();
    let cal = Calibration {
        id: "cal-a".into(),
        stage: STAGE.into(),
        seed: 7,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "lena".into(),
        created_at: "2026-11-20 08:00:00".into(),
        end: None,
        cards: vec![(source.clone(), "i0".into()), (source, "i1".into())],
    };
    assert!(store.save_calibration(&cal).unwrap());
    for (card, review) in [("i0", "a-i0"), ("i1", "a-i1")] {
        let p = verdict(&*store, "anna", card, Verdict::Ok, review, at(20, 9));
        save(&mut *store, &p);
    }
    drop(store);
    // The CRM hands i0 and i1 to another manager; boris judges i0 as it is now.
    let handed = |ids: &[&str], owner: &'static str| -> Vec<Seed> {
        (SIX.iter())
            .map(|s| match ids.contains(&s.id) {
                true => Seed { owner, ..*s },
                false => *s,
            })
            .collect()
    };
    backend.import(&handle, None, &handed(&["i0", "i1"], "Попова Анна"));
    let mut store = backend.open(&handle).unwrap();
    let p = verdict(&*store, "boris", "i0", Verdict::Dead, "b-i0", at(20, 10));
    save(&mut *store, &p);

    // Both first again, marked: boris judged another version of i0, and will judge i1 as it
    // is now, so her judgement of the old one would never be compared (tester34 F1: i1 waited
    // for his review before it went back to her).
    let mut anna_first = firsts(&*store, "anna");
    anna_first.sort();
    assert_eq!(
        anna_first,
        [("i0".to_string(), true), ("i1".to_string(), true)],
        "i0 and i1 first again for anna, marked"
    );
    assert_eq!(
        firsts(&*store, "boris"),
        [("i1".to_string(), false)],
        "his i0 stands; i1 he has still to judge"
    );
    let anna = vec!["anna".to_string()];
    assert_eq!(
        asked_again(&*store, &cal),
        [
            ("i0".to_string(), anna.clone()),
            ("i1".to_string(), anna.clone())
        ],
        "the report asks what the queue hands out"
    );
    let mine = claim(&mut *store, "anna", 2);
    let mut claimed = ids(&mine);
    claimed.sort();
    assert_eq!(claimed, ["i0", "i1"], "a claim hands them first too");
    assert!(mine.iter().all(|m| m.calibration && m.changed_since_review));
    // She judges i0 as it is now: of it, nothing more to ask of her.
    let p = verdict(
        &*store,
        "anna",
        "i0",
        Verdict::Dead,
        "a-i0-again",
        at(20, 11),
    );
    save(&mut *store, &p);
    assert_eq!(firsts(&*store, "anna"), [("i1".to_string(), true)]);
    assert_eq!(asked_again(&*store, &cal), [("i1".to_string(), anna)]);
    let (judged, _) = store.calibration_judgements(&cal).unwrap();
    let of_i0: Vec<Option<i64>> = (judged.iter())
        .filter(|j| j.card.1 == "i0")
        .map(|j| j.digest)
        .collect();
    assert!(
        of_i0.len() == 2 && of_i0[0] == of_i0[1],
        "one version now: {of_i0:?}"
    );

    // Boris judges i1; then the CRM changes i0 (judged alike) and i1 (judged as two versions).
    let p = verdict(&*store, "boris", "i1", Verdict::Ok, "b-i1", at(20, 12));
    save(&mut *store, &p);
    assert_eq!(firsts(&*store, "anna"), [("i1".to_string(), true)]);
    drop(store);
    backend.import(&handle, None, &handed(&["i0", "i1"], "Орлов Павел"));
    let mut store = backend.open(&handle).unwrap();
    let both = vec!["anna".to_string(), "boris".to_string()];
    assert_eq!(
        asked_again(&*store, &cal),
        [("i1".to_string(), both)],
        "i0 judged alike asks nothing; i1 asks both"
    );
    assert_eq!(firsts(&*store, "anna"), [("i1".to_string(), true)]);
    assert_eq!(firsts(&*store, "boris"), [("i1".to_string(), true)]);
    let end = Ended {
        at: "2026-11-20 13:00:00".into(),
        by: "lena".into(),
    };
    assert!(store.end_calibration("cal-a", &end).unwrap());
    assert_eq!(firsts(&*store, "anna"), [], "ended: closed");
    assert_eq!(firsts(&*store, "boris"), []);
    let ended = &store.calibrations().unwrap()[0];
    assert_eq!(asked_again(&*store, ended), []);
}

pub fn calibration_not_held<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let source = anna.calibration_pool(&stages(), false).unwrap()[0]
        .0
        .clone();
    let cal = Calibration {
        id: "cal-1".into(),
        stage: STAGE.into(),
        seed: 7,
        auditors: vec!["anna".into(), "boris".into()],
        created_by: "lena".into(),
        created_at: "2026-11-20 08:00:00".into(),
        end: None,
        cards: vec![(source, "i0".into())],
    };
    assert!(anna.save_calibration(&cal).unwrap());
    let a = claim(&mut *anna, "anna", 2);
    assert_eq!(ids(&a), ["i0", "c1"]);
    assert!(a[0].calibration);
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 2)),
        ["i0", "w2"],
        "both listed auditors judge the calibration card"
    );
}

pub fn judged_card_sent_back_or_withdrawn_is_handed_out_again<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    assert_eq!(ids(&claim(&mut *anna, "anna", 2)), ["c1", "w2"]);
    for card in ["c1", "w2"] {
        let p = verdict(
            &*anna,
            "anna",
            card,
            Verdict::Ok,
            &format!("r-{card}"),
            now(),
        );
        save(&mut *anna, &p);
    }
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 1)),
        ["w1"],
        "judged cards are not handed out"
    );
    boris
        .decide(
            "r-c1",
            "lena",
            &Decision::send_back("look again".into()),
            now(),
        )
        .unwrap();
    anna.withdraw_review("r-w2", now()).unwrap();
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 3)),
        ["w1", "w2", "i1"],
        "a card whose verdict was withdrawn is free again; one sent back is anna's"
    );
    assert_eq!(
        ids(&claim(&mut *anna, "anna", 1)),
        ["c1"],
        "the card sent back comes back to its auditor"
    );
}

/// A card the lead sends back goes back to its own auditor on a shared queue: a claim hands
/// it to her first (before earlier free cards), with the lead's note, and to nobody else while
/// the return is open, given back or not; her new verdict answers it. `claim_returned` hands
/// her the cards sent back alone (what the reviewer asks when others wrote), and a lead's
/// later decision over the return settles the card for everyone.
pub fn a_card_sent_back_goes_to_its_own_auditor_alone<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let stages = stages();
    let q = |auditor| query(&stages, auditor, None, 100);
    let mine = claim(&mut *anna, "anna", 3);
    assert_eq!(ids(&mine), ["c1", "w2", "w1"]);
    let p = verdict(&*anna, "anna", "w1", Verdict::Ok, "r-w1", now());
    save(&mut *anna, &p);
    // She skips c1 and w2: free for all again.
    for e in &mine[..2] {
        anna.release(e.card_id, "anna").unwrap();
    }
    boris
        .decide(
            "r-w1",
            "lena",
            &Decision::send_back("Нет звонка".into()),
            now(),
        )
        .unwrap();
    assert_eq!(
        ids(&boris.claim_returned(&q("boris"), LEASE, &[]).unwrap()),
        Vec::<&str>::new(),
        "nothing was sent back to boris"
    );
    assert_eq!(
        boris.claimable(&q("boris"), &[]).unwrap(),
        5,
        "w1 waits for anna: not boris's to count"
    );
    let back = claim(&mut *anna, "anna", 1);
    assert_eq!(ids(&back), ["w1"], "sent back: hers first");
    assert_eq!(back[0].returned.as_deref(), Some("Нет звонка"));
    assert_eq!(anna.claimable(&q("anna"), &[]).unwrap(), 6);
    anna.release(back[0].card_id, "anna").unwrap();
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 6)),
        ["c1", "w2", "i1", "i2", "i0"],
        "given back or not, w1 is anna's while the return is open"
    );
    let again = anna.claim_returned(&q("anna"), LEASE, &[]).unwrap();
    assert_eq!(ids(&again), ["w1"], "the cards sent back to her alone");
    assert_eq!(again[0].returned.as_deref(), Some("Нет звонка"));
    assert_eq!(
        ids(&claim(&mut *anna, "anna", 2)),
        ["w1"],
        "hers, held; boris holds the rest"
    );
    let p = verdict(&*anna, "anna", "w1", Verdict::Dead, "r-w1-again", now());
    save(&mut *anna, &p);
    assert_eq!(
        current(&*anna, "anna", "w1"),
        Some(("r-w1-again".into(), Verdict::Dead)),
        "her new verdict answers the return"
    );
    assert_eq!(
        ids(&anna.claim_returned(&q("anna"), LEASE, &[]).unwrap()),
        Vec::<&str>::new()
    );
    assert_eq!(anna.claimable(&q("anna"), &[]).unwrap(), 0);
    // Boris's review of i1 sent back, and the lead overrides it later (boris is away): the
    // card is settled, nobody's to judge.
    let i1 = card_id(&*boris, "i1");
    let p = verdict(&*boris, "boris", "i1", Verdict::Ok, "r-i1", now());
    save(&mut *boris, &p);
    boris
        .decide(
            "r-i1",
            "lena",
            &Decision::send_back("Звонок?".into()),
            now(),
        )
        .unwrap();
    boris.release(i1, "boris").unwrap();
    assert_eq!(ids(&claim(&mut *anna, "anna", 6)), Vec::<&str>::new());
    assert_eq!(
        ids(&boris.claim_returned(&q("boris"), LEASE, &[]).unwrap()),
        ["i1"]
    );
    boris.release(i1, "boris").unwrap();
    boris
        .decide(
            "r-i1",
            "lena",
            &Decision::overrule(Verdict::Dead, None),
            now(),
        )
        .unwrap();
    assert_eq!(
        ids(&boris.claim_returned(&q("boris"), LEASE, &[]).unwrap()),
        Vec::<&str>::new()
    );
    assert_eq!(ids(&claim(&mut *anna, "anna", 6)), Vec::<&str>::new());
}

/// An undo on a shared queue: the card whose verdict is withdrawn is taken back for its
/// auditor (the lease taken before the withdrawal, as the reviewer does), so nobody else is
/// handed it; a card another auditor holds is left theirs, and named.
pub fn undo_takes_the_card_back_unless_another_holds_it<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut anna = backend.open(&handle).unwrap();
    let mut boris = backend.open(&handle).unwrap();
    let mut vera = backend.open(&handle).unwrap();
    let mine = claim(&mut *anna, "anna", 2);
    assert_eq!(ids(&mine), ["c1", "w2"]);
    let lapsed = claim_for(&mut *vera, "vera", 1, std::time::Duration::ZERO);
    assert_eq!(ids(&lapsed), ["w1"]);
    let c1 = mine[0].card_id;
    let p = verdict(&*anna, "anna", "c1", Verdict::Ok, "r-c1", now());
    save(&mut *anna, &p);
    assert_eq!(anna.reclaim(c1, "anna", LEASE).unwrap(), Reclaimed::Held);
    anna.withdraw_review("r-c1", now()).unwrap();
    assert_eq!(
        anna.reclaim(lapsed[0].card_id, "anna", LEASE).unwrap(),
        Reclaimed::Held,
        "vera's claim ran out: the card is free to take"
    );
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 6)),
        ["i1", "i2", "i0"],
        "the card whose verdict was withdrawn is anna's again, not boris's"
    );
    let i1 = card_id(&*boris, "i1");
    assert_eq!(
        anna.reclaim(i1, "anna", LEASE).unwrap(),
        Reclaimed::HeldBy("boris".into()),
        "boris holds it"
    );
    assert_eq!(
        ids(&claim(&mut *boris, "boris", 6)),
        ["i1", "i2", "i0"],
        "and still does"
    );
    assert_eq!(
        ids(&claim(&mut *anna, "anna", 6)),
        ["c1", "w2", "w1"],
        "anna's claims, the two taken back among them; nothing is free"
    );
    assert_eq!(
        anna.reclaim(c1, "anna", LEASE).unwrap(),
        Reclaimed::Held,
        "her own claim is held longer"
    );
}

/// The fill rates through the port (`okk fields`, the report, the reviewer's fields view): the
/// seeded cards carry no custom field, and their source's export has no column for any, so each
/// field the funnel declares reads "not given by" that source — 0 of 6 cards at their one
/// stage, no rate, no owner to blame — in the funnel's order, from every backend alike.
pub fn fill_rows_of_cards_without_fields<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let store = backend.open(&handle).unwrap();
    let funnel = okk::funnel_config::default_funnel();
    let rows = store.fill_rows(&funnel).unwrap();
    let declared: Vec<&str> = funnel
        .custom_fields
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    let fields: Vec<&str> = rows.iter().map(|r| r.field.as_str()).collect();
    assert_eq!(fields, declared);
    for r in &rows {
        assert_eq!(
            (r.stage.as_str(), r.cards, r.filled, r.rate),
            (STAGE, 6, 0, None),
            "{r:?}"
        );
        assert_eq!(r.not_exported_by.len(), 1, "{r:?}");
        assert!(r.owners.is_empty(), "{r:?}");
    }
}

/// `okk stats` through the port, from every backend alike: each card judged once, by the
/// verdict that stands on it (docs/analytics.md), the estimate over the open cards.
///
/// | card | anna          | boris       | lead               | stands               |
/// |------|---------------|-------------|--------------------|----------------------|
/// | c1   | stale (10:00) | dead (11:00)|                    | dead (both not ok)   |
/// | w2   | ok            | stale       |                    | disputed: no sample  |
/// | w1   | dead          |             | override → ok      | ok (the lead's)      |
/// | i1   | ok            | ok          |                    | ok (one card)        |
/// | i2   | stale         |             | sent back          | nothing              |
/// | i0   |               |             |                    | not judged           |
///
/// 7 reviews landed, 3 cards judged, 1 not ok. The estimate is by stratum: the flagged c1 w1
/// judged, 1 not ok: 1/2 × the 3 flagged open cards (c1 w1 w2) = 1.5, Wilson(1, 2) = 9.5 %–
/// 90.5 % → 0.28–2.72; the unflagged i1 judged, ok: 0/1 × 3 (i0 i1 i2) = 0, Wilson(0, 1) = 0–
/// 79.3 % → 0–2.38. 1.5 (0.3–5.1), where one share over the 6 said 2 (0.4–4.8). anna's 5
/// reviews and boris's 3 are the 7 and the one sent back.
pub fn stats_count_each_card_once<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let reviews = [
        ("anna", "c1", Verdict::Stale, "a-c1", at(20, 10)),
        ("boris", "c1", Verdict::Dead, "b-c1", at(20, 11)),
        ("anna", "w2", Verdict::Ok, "a-w2", at(20, 10)),
        ("boris", "w2", Verdict::Stale, "b-w2", at(20, 11)),
        ("anna", "w1", Verdict::Dead, "a-w1", at(20, 10)),
        ("anna", "i1", Verdict::Ok, "a-i1", at(20, 10)),
        ("boris", "i1", Verdict::Ok, "b-i1", at(20, 11)),
        ("anna", "i2", Verdict::Stale, "a-i2", at(20, 10)),
    ];
    for (auditor, card, v, id, when) in reviews {
        let p = verdict(&*store, auditor, card, v, id, when);
        save(&mut *store, &p);
    }
    store
        .decide(
            "a-w1",
            "lena",
            &Decision::overrule(Verdict::Ok, None),
            at(20, 12),
        )
        .unwrap();
    store
        .decide(
            "a-i2",
            "lena",
            &Decision::send_back("look again".into()),
            at(20, 12),
        )
        .unwrap();
    let funnel = okk::funnel_config::default_funnel();
    let f = store
        .stats_figures(&funnel, now().date(), Default::default())
        .unwrap();
    let a = &f.analytics;
    let stage = a
        .stages
        .iter()
        .find(|s| s.stage == STAGE)
        .expect("the stories' stage");
    let g = &stage.group.figures;
    assert_eq!(
        (g.reviews, g.judged, g.disputed, g.mismatches, a.returned),
        (7, 3, 1, 1, 1)
    );
    assert_eq!(g.review_verdicts.dead, 1);
    assert_eq!(g.review_verdicts.ok, 2);
    // The cards there now: four reviewed (i2, sent back, waits for a new verdict: not
    // reviewed), by the verdict that stands on each as the sample counts them (w1 ok by the
    // lead's override; w2 split: none). Reviewed is what the sample and the split make, as
    // `okk stats` and the report count them.
    let row = f.rows.iter().find(|r| r.base.stage == STAGE).unwrap();
    assert_eq!(
        (row.base.reviewed, row.base.verdicts),
        (4, g.review_verdicts)
    );
    assert_eq!(row.base.reviewed, g.judged + g.disputed);
    assert_eq!(
        (
            g.covered_cards,
            g.estimated_lying,
            g.estimated_lying_low,
            g.estimated_lying_high
        ),
        (6, Some(1.5), Some(0.3), Some(5.1))
    );
    assert!(!g.ranked);
    assert_eq!(a.totals.figures.estimated_lying, Some(1.5));
    let auditors = okk::domain::auditors::figures(
        &store.review_facts().unwrap(),
        &[],
        &funnel,
        &okk::domain::past_checklist::PastFunnels::default(),
    );
    let reviews: Vec<(&str, u64)> = auditors
        .iter()
        .map(|x| (x.auditor.as_str(), x.reviews))
        .collect();
    assert_eq!(reviews, [("anna", 5), ("boris", 3)]);
}

/// The cards of the `judged` story: `c1` critical, `x2` closed yet flagged (in every queue),
/// `w1` flagged, `x1` closed without flags, `g1`, `i1` and `i2` open without flags (`g1` goes).
const JUDGED: &[Seed] = &[
    seed("c1", 18, &[Critical]),
    closed("x2", 12, &[Warning]),
    seed("w1", 16, &[Warning]),
    closed("x1", 3, &[]),
    seed("g1", 5, &[]),
    seed("i1", 7, &[]),
    seed("i2", 9, &[]),
];

/// `judged` on `q` as (id, her verdict), and `q`'s queue read with her reviewed cards kept
/// (`reviewed`), as the same pairs for the cards she judged: what the two must agree on.
fn judged_and_queued(store: &dyn DeskStore, q: &QueueQuery<'_>) -> [Vec<(String, Verdict)>; 2] {
    let pairs = |entries: Vec<QueueEntry>| -> Vec<(String, Verdict)> {
        entries
            .into_iter()
            .filter_map(|e| Some((e.id, e.my_verdict?)))
            .collect()
    };
    let judged = store.judged(q).unwrap();
    assert!(judged.entries.len() <= q.limit, "{judged:?}");
    assert_eq!(judged.unlisted, 0, "all listed under the limit: {judged:?}");
    let judged = judged.entries;
    let queued = store
        .queue(&QueueQuery {
            reviewed: true,
            limit: 100,
            ..*q
        })
        .unwrap();
    [pairs(judged), pairs(queued)]
}

/// `QueueStore::held_by_others`: the cards another auditor holds, as the queue read whole
/// (`reviewed`) marks them `judged_by_other`, in its order, under `t` and a filter alike: what a
/// claiming reviewer lists under `t` (tester43 F7: the server's `t` hid them). Not a card she
/// holds herself, nor one whose review judged a version the CRM changed since; a card sent back
/// to its auditor is theirs.
pub fn held_by_others_as_the_queue_marks_them<B: Backend>(backend: &B) {
    use Verdict::*;
    let handle = backend.seeded(JUDGED);
    let mut store = backend.open(&handle).unwrap();
    for (who, card, v) in [
        ("anna", "c1", Ok),
        ("anna", "x2", Ok),
        ("anna", "w1", Stale),
        ("anna", "x1", Dead),
        ("anna", "i1", Ok),
        ("boris", "c1", Dead),
        ("boris", "i2", Ok),
    ] {
        let p = verdict(&*store, who, card, v, &format!("{who}-{card}"), at(20, 9));
        save(&mut *store, &p);
    }
    let later: Vec<Seed> = (JUDGED.iter())
        .map(|&c| match c.id {
            "i1" => seed("i1", 19, &[]),
            _ => c,
        })
        .collect();
    backend.import(&handle, None, &later);
    let mut store = backend.open(&handle).unwrap();
    (store.decide(
        "anna-w1",
        "lena",
        &Decision::send_back("ещё раз".into()),
        now(),
    ))
    .unwrap();
    let stages = stages();
    let held = |who: &str, all: bool, text: Option<&str>| {
        let q = QueueQuery {
            all,
            text,
            ..query(&stages, who, None, 5000)
        };
        let listed = store.held_by_others(&q).unwrap();
        assert_eq!(listed.unlisted, 0, "{listed:?}");
        let listed: Vec<String> = listed.entries.iter().map(|e| e.id.clone()).collect();
        let read = (store.queue(&QueueQuery {
            reviewed: true,
            limit: 100,
            ..q
        }))
        .unwrap();
        let marked: Vec<String> = (read.into_iter())
            .filter(|e| e.judged_by_other)
            .map(|e| e.id)
            .collect();
        assert_eq!(
            listed, marked,
            "{who} (t: {all}, filter {text:?}): as the queue"
        );
        listed
    };
    assert_eq!(held("anna", true, None), ["i2"], "c1 she holds herself");
    assert_eq!(
        held("boris", true, None),
        ["x2", "w1", "x1"],
        "w1 sent back to anna is hers; i1 changed since"
    );
    assert_eq!(
        held("boris", false, None),
        ["x2", "w1"],
        "x1 closed: under t"
    );
    assert_eq!(held("boris", true, Some("x")), ["x2", "x1"]);
    let first = (store.held_by_others(&query(&stages, "boris", None, 1))).unwrap();
    assert_eq!(first.entries.len(), 1);
    assert_eq!(first.unlisted, 1, "the other left out, and said");
    assert!(held("carol", true, None).len() >= 4);
}

/// `QueueStore::judged_by_others`, what a filter that lists nothing to the auditor says: the
/// stage's cards matching it that other auditors have a current verdict on, and who, by id,
/// up to the limit; not her own, not a verdict taken back.
pub fn judged_by_others_says_whose<B: Backend>(backend: &B) {
    let handle = backend.seeded(JUDGED);
    let mut store = backend.open(&handle).unwrap();
    for (who, card) in [
        ("anna", "c1"),
        ("boris", "i2"),
        ("boris", "c1"),
        ("anna", "i1"),
    ] {
        let p = verdict(
            &*store,
            who,
            card,
            Verdict::Ok,
            &format!("{who}-{card}"),
            at(20, 9),
        );
        save(&mut *store, &p);
    }
    let p = verdict(&*store, "boris", "w1", Verdict::Ok, "boris-w1", at(20, 9));
    save(&mut *store, &p);
    store.withdraw_review("boris-w1", at(20, 10)).unwrap();
    let stages = stages();
    let others = |auditor: &str, text: Option<&str>, limit: usize| -> Vec<(String, Vec<String>)> {
        let q = QueueQuery {
            text,
            ..query(&stages, auditor, None, limit)
        };
        (store.judged_by_others(&q).unwrap().into_iter())
            .map(|j| (j.external_id, j.auditors))
            .collect()
    };
    let said = |list: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
        (list.iter())
            .map(|(id, who)| (id.to_string(), who.iter().map(|w| w.to_string()).collect()))
            .collect()
    };
    assert_eq!(
        others("olga", None, 10),
        said(&[
            ("c1", &["anna", "boris"]),
            ("i1", &["anna"]),
            ("i2", &["boris"])
        ]),
        "by id, each card's auditors once; w1's verdict taken back"
    );
    assert_eq!(
        others("anna", None, 10),
        said(&[("c1", &["boris"]), ("i2", &["boris"])]),
        "not hers"
    );
    assert_eq!(others("olga", Some("i1"), 10), said(&[("i1", &["anna"])]));
    assert_eq!(
        others("olga", None, 1),
        said(&[("c1", &["anna", "boris"])]),
        "up to the limit"
    );
}

/// `QueueStore::judged`, what a shared queue lists under `t` and a filter after the cards
/// handed out: the auditor's own current verdicts in the stage, in queue order. Not another
/// auditor's, not a card changed since her verdict (a later export), not a review the lead
/// sent back; a closed or gone card without flags only under `t` (a flagged one always), the
/// text filter and the limit applied as the queue applies them.
pub fn judged_lists_her_current_verdicts<B: Backend>(backend: &B) {
    use Verdict::{Dead, Ok, Stale};
    let handle = backend.seeded(JUDGED);
    let mut store = backend.open(&handle).unwrap();
    let anna = [
        ("c1", Ok),
        ("x2", Ok),
        ("w1", Stale),
        ("x1", Dead),
        ("g1", Ok),
        ("i1", Ok),
    ];
    for (card, v) in anna {
        let p = verdict(&*store, "anna", card, v, &format!("a-{card}"), at(20, 9));
        save(&mut *store, &p);
    }
    for (card, v) in [("c1", Dead), ("i2", Ok)] {
        let p = verdict(&*store, "boris", card, v, &format!("b-{card}"), at(20, 10));
        save(&mut *store, &p);
    }
    let stages = stages();
    let mine = |store: &dyn DeskStore, auditor: &str, all: bool, text: Option<&str>| {
        let q = QueueQuery {
            all,
            text,
            ..query(&stages, auditor, None, 5000)
        };
        let [judged, queued] = judged_and_queued(store, &q);
        assert_eq!(
            judged, queued,
            "{auditor} (t: {all}, filter {text:?}): as the queue"
        );
        judged
    };
    let pairs = |list: &[(&str, Verdict)]| -> Vec<(String, Verdict)> {
        list.iter().map(|&(id, v)| (id.to_string(), v)).collect()
    };
    assert_eq!(
        mine(&*store, "anna", false, None),
        pairs(&[
            ("c1", Ok),
            ("x2", Ok),
            ("w1", Stale),
            ("g1", Ok),
            ("i1", Ok)
        ]),
        "her verdicts, in queue order; x1 is closed and unflagged"
    );
    assert_eq!(
        mine(&*store, "anna", true, None),
        pairs(&[
            ("c1", Ok),
            ("x2", Ok),
            ("w1", Stale),
            ("x1", Dead),
            ("g1", Ok),
            ("i1", Ok)
        ]),
        "under t, the closed card too"
    );
    assert_eq!(
        mine(&*store, "boris", false, None),
        pairs(&[("c1", Dead), ("i2", Ok)]),
        "boris's, not anna's"
    );

    // A later export: i1 changed in the CRM, g1 no longer in it (gone). The lead sends w1 back.
    let later: Vec<Seed> = JUDGED
        .iter()
        .filter(|c| c.id != "g1")
        .map(|&c| match c.id {
            "i1" => seed("i1", 19, &[]),
            _ => c,
        })
        .collect();
    backend.import(&handle, None, &later);
    let mut store = backend.open(&handle).unwrap();
    store
        .decide(
            "a-w1",
            "lena",
            &Decision::send_back("ещё раз".into()),
            now(),
        )
        .unwrap();
    let changed = entry(&*store, "anna", "i1");
    assert!(changed.changed_since_review, "{changed:?}");
    assert_eq!(
        mine(&*store, "anna", false, None),
        pairs(&[("c1", Ok), ("x2", Ok)]),
        "not w1 sent back, i1 changed since, nor g1 gone"
    );
    assert_eq!(
        mine(&*store, "anna", true, None),
        pairs(&[("c1", Ok), ("x2", Ok), ("x1", Dead), ("g1", Ok)]),
        "under t, the closed card and the gone one"
    );
    assert_eq!(
        mine(&*store, "anna", true, Some("x")),
        pairs(&[("x2", Ok), ("x1", Dead)]),
        "a filter keeps the cards it finds"
    );
    assert_eq!(
        mine(&*store, "anna", false, Some("x")),
        pairs(&[("x2", Ok)]),
        "and, without t, the flagged closed card alone"
    );
    assert_eq!(mine(&*store, "anna", false, Some("i")), []);
    let first = store.judged(&query(&stages, "anna", None, 1)).unwrap();
    assert_eq!(ids(&first.entries), ["c1"], "up to the limit");
    assert_eq!(first.unlisted, 1, "x2 left out, and said");
    // What the limit leaves out is counted as the list keeps cards: under t, the closed and
    // the gone card too; under a filter, only what it finds.
    let capped = |all: bool, text: Option<&str>, limit: usize| {
        let judged = store
            .judged(&QueueQuery {
                all,
                text,
                ..query(&stages, "anna", None, limit)
            })
            .unwrap();
        (ids(&judged.entries).join(" "), judged.unlisted)
    };
    assert_eq!(
        capped(true, None, 2),
        ("c1 x2".into(), 2),
        "x1 and g1 left out"
    );
    assert_eq!(capped(true, Some("x"), 1), ("x2".into(), 1), "x1 left out");
    assert_eq!(capped(false, Some("x"), 1), ("x2".into(), 0));
    let gone = store
        .judged(&QueueQuery {
            all: true,
            ..query(&stages, "anna", None, 100)
        })
        .unwrap()
        .entries;
    let source = card_source(&*store, "i2");
    assert!(gone.iter().all(|e| e.source == source), "{gone:?}");
    assert!(
        gone.iter()
            .all(|e| !e.changed_since_review && e.returned.is_none()),
        "{gone:?}"
    );
}

/// `ReviewStore::owners_of`: the owners a source's cards name, which the owner picker puts
/// first on a card of that source; `owners` names every source's.
pub fn owners_of_a_source_are_its_own_cards_owners<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    const SF_USER: &str = "005Ec000004oBPNIA2";
    let salesforce = |id| Seed {
        owner: SF_USER,
        ..seed(id, 6, &[])
    };
    let both = Seed {
        owner: "Попова Анна",
        ..seed("s3", 6, &[])
    };
    backend.import(
        &handle,
        Some("salesforce"),
        &[salesforce("s1"), salesforce("s2"), both],
    );
    backend.import(&handle, None, &[both, seed("i0", 10, &[])]);
    let store = backend.open(&handle).unwrap();
    let mine = (store.sources().unwrap().into_iter())
        .find(|s| s != "salesforce")
        .expect("the seeded cards' source");
    assert_eq!(
        store.owners_of(&mine).unwrap(),
        ["Попова Анна", "Смирнова Ольга"]
    );
    assert_eq!(
        store.owners_of("salesforce").unwrap(),
        [SF_USER, "Попова Анна"]
    );
    assert!(store.owners_of("nobody").unwrap().is_empty());
    let mut all = store.owners().unwrap();
    all.sort();
    assert_eq!(all, [SF_USER, "Попова Анна", "Смирнова Ольга"]);
}

/// `QueueStore::several_sources`, which tells a list to name each card's source beside its
/// id (two CRM connections may share ids). A source whose cards are all gone still counts: its
/// cards stay in the store, `t` lists them and the lead's desk their reviews, beside the other
/// source's cards of the same ids.
pub fn several_sources_counts_every_source_in_the_store<B: Backend>(backend: &B) {
    let empty = backend.seeded(&[]);
    let store = backend.open(&empty).unwrap();
    assert!(
        store.crm_stage_names().unwrap().is_empty(),
        "an empty store"
    );
    assert!(!store.several_sources().unwrap(), "no source");
    drop(store);

    let handle = backend.seeded(SIX);
    assert!(
        !backend.open(&handle).unwrap().several_sources().unwrap(),
        "one source"
    );
    backend.import(
        &handle,
        Some("second"),
        &[seed("i0", 4, &[]), seed("s1", 6, &[])],
    );
    assert!(
        backend.open(&handle).unwrap().several_sources().unwrap(),
        "two sources"
    );
    backend.deleted_in_crm(&handle, "second", &["i0", "s1"]);
    let store = backend.open(&handle).unwrap();
    assert!(
        store.several_sources().unwrap(),
        "a source whose cards are all gone is still in the store"
    );
    let stages = stages();
    let all = QueueQuery {
        all: true,
        ..query(&stages, "anna", None, 100)
    };
    let listed: Vec<(String, String)> = store
        .queue(&all)
        .unwrap()
        .into_iter()
        .filter(|e| e.id == "i0")
        .map(|e| (e.id, e.source))
        .collect();
    assert_eq!(listed.len(), 2, "under t, i0 of each source: {listed:?}");
    assert_ne!(listed[0].1, listed[1].1, "{listed:?}");
    assert!(
        !pages(&*store, "anna", 100)
            .iter()
            .any(|e| e.source == "second"),
        "without t, the gone cards are out of her queue"
    );
}

/// The notes a sync read with their deal show on its card with the times the CRM wrote them
/// (the screens' wall clock), newest first.
pub fn synced_notes_read_with_their_times<B: Backend>(backend: &B) {
    let handle = backend.seeded(&[seed("f1", 3, &[])]);
    backend.import(&handle, Some("main"), &[seed("n1", 4, &[])]);
    let first = 1_795_000_000;
    let second = first + 86_400 + 3_600;
    backend.notes_in_crm(
        &handle,
        "main",
        "n1",
        &[
            ("11", first, "Первый звонок"),
            ("12", second, "Перезвонить"),
        ],
    );
    let store = backend.open(&handle).unwrap();
    let local = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .unwrap()
            .with_timezone(&chrono::Local)
            .naive_local()
    };
    let synced = store.card_detail(card_id(&*store, "n1")).unwrap().unwrap();
    assert_eq!(synced.card.notes, ["Перезвонить", "Первый звонок"]);
    assert_eq!(synced.note_times, [Some(local(second)), Some(local(first))]);
}

/// The CRM's pipelines and stages a sync kept are the desk's to read (the stage pickers mark
/// by them): in the CRM's order, with what each stage means; a source no sync read has none.
pub fn the_desk_reads_the_crms_stages<B: Backend>(backend: &B) {
    use okk::domain::crm_stage::{AccountStages, CrmStage, Semantics};
    let handle = backend.seeded(&[seed("f1", 3, &[])]);
    let stage = |id: &str, name: &str, sort: i64, semantics: Semantics| CrmStage {
        pipeline_id: "1".into(),
        pipeline: "Вторичный рынок".into(),
        pipeline_sort: 1,
        stage_id: id.into(),
        stage: name.into(),
        sort,
        semantics: Some(semantics),
    };
    let stages = [
        stage("C1:WON", "Продано", 30, Semantics::Won),
        stage("C1:NEW", "Первичный контакт", 10, Semantics::Open),
        stage("C1:LOSE", "Отказ клиента", 40, Semantics::Lost),
    ];
    backend.stages_in_crm(&handle, "b24", &stages);
    let store = backend.open(&handle).unwrap();
    let rows = okk::domain::ports::FunnelHistory::crm_stages(&*store).unwrap();
    let ids: Vec<(&str, &str, Option<Semantics>)> = (rows.iter())
        .map(|(c, s)| (c.as_str(), s.stage_id.as_str(), s.semantics))
        .collect();
    assert_eq!(
        ids,
        [
            ("b24", "C1:NEW", Some(Semantics::Open)),
            ("b24", "C1:WON", Some(Semantics::Won)),
            ("b24", "C1:LOSE", Some(Semantics::Lost)),
        ]
    );
    let funnel = okk::funnel_config::default_funnel();
    let targets = ["Квалификация", "Успешно реализовано"].map(String::from);
    let account = AccountStages::new(rows);
    let marks = |source: &str| account.unlanded(source, Some("Вторичный рынок"), &funnel, &targets);
    assert_eq!(marks("b24"), [true, false]);
    assert_eq!(marks("amocrm"), [false, false], "no sync read its stages");
}

/// A queue filter's `source:NAME` (`QueueQuery::sources`): the queue, flagged cards and the
/// rest, page by page, her judged cards and a claim keep the cards of the sources asked;
/// `sources` names every source once.
pub fn a_queue_keeps_the_sources_asked<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    backend.import(
        &handle,
        Some("second"),
        &[seed("s1", 6, &[]), seed("s2", 7, &[Critical])],
    );
    let mut store = backend.open(&handle).unwrap();
    let sources = store.sources().unwrap();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(sources.iter().any(|s| s == "second"), "{sources:?}");
    let (second, first): (Vec<String>, Vec<String>) =
        sources.into_iter().partition(|s| s == "second");
    let stages = stages();
    let of = |sources| QueueQuery {
        sources: Some(sources),
        ..query(&stages, "anna", None, 100)
    };
    assert_eq!(ids(&store.queue(&of(&second)).unwrap()), ["s2", "s1"]);
    assert_eq!(ids(&store.queue(&of(&first)).unwrap()), SIX_IN_ORDER);
    let page = store
        .queue(&QueueQuery {
            limit: 1,
            ..of(&second)
        })
        .unwrap();
    assert_eq!(ids(&page), ["s2"], "the flagged card first");
    let next = QueueQuery {
        limit: 5,
        after: Some(&page[0].key),
        with_calibration: false,
        ..of(&second)
    };
    assert_eq!(ids(&store.queue(&next).unwrap()), ["s1"], "then the rest");
    assert!(store.queue(&of(&[])).unwrap().is_empty(), "no source asked");

    for card in ["s1", "i0"] {
        let p = verdict(
            &*store,
            "anna",
            card,
            Verdict::Ok,
            &format!("a-{card}"),
            at(20, 9),
        );
        save(&mut *store, &p);
    }
    let judged = store
        .judged(&QueueQuery {
            reviewed: true,
            ..of(&second)
        })
        .unwrap();
    assert_eq!(
        ids(&judged.entries),
        ["s1"],
        "her judged cards of that source"
    );
    let held = store.claim(&of(&second), 5, LEASE).unwrap();
    assert_eq!(
        ids(&held),
        ["s2"],
        "a claim hands out that source's cards alone"
    );
}

/// A verdict keeps the card as its auditor judged it: read back, from a store opened again, it
/// is the card she saw, and it tells which fields a later import changed and from what (the
/// owner, a closing date, a custom field filled and one emptied). A review made before okk kept
/// the card (an older okk's verdict) reads back without it.
pub fn the_card_as_judged_tells_what_an_import_changed<B: Backend>(backend: &B) {
    use okk::domain::SystemField;
    use okk::domain::as_judged::{Change, Field, Side};
    let meeting = |id, date| Seed {
        meeting: Some(date),
        ..seed(id, 1, &[])
    };
    let handle = backend.seeded(&[meeting("i1", "12.11.2026"), meeting("i2", "13.11.2026")]);
    let mut store = backend.open(&handle).unwrap();
    let judged = verdict(&*store, "anna", "i1", Verdict::Ok, "r-i1", now());
    let kept = judged
        .card
        .as_judged
        .clone()
        .expect("a verdict keeps the card");
    assert!(
        kept.fields
            .iter()
            .any(|(n, _)| n == "Дата встречи в офисе продаж"),
        "{kept:?}"
    );
    // The columns its export had that the card has empty are kept empty, on either backend: a
    // field no export carried is told from one the CRM filled since.
    let blank = okk::domain::as_judged::Kept::Value(String::new());
    assert!(
        kept.card.contains(&(SystemField::ClosedAt, blank.clone()))
            && kept.card.contains(&(SystemField::Notes, blank)),
        "{kept:?}"
    );
    save(&mut *store, &judged);
    let mut older = verdict(&*store, "anna", "i2", Verdict::Stale, "r-i2", now());
    older.card.as_judged = None;
    save(&mut *store, &older);
    drop(store);

    let store = backend.open(&handle).unwrap();
    let review = |id: &str| {
        store
            .current_review(card_id(&*store, id), "anna")
            .unwrap()
            .expect("the review")
    };
    assert_eq!(
        review("i1").as_judged.as_ref(),
        Some(&kept),
        "read back whole"
    );
    assert_eq!(review("i2").as_judged, None);
    drop(store);

    // A later export: i1 handed to another manager and closed, its meeting date cleared; i2
    // has a new meeting date.
    backend.import(
        &handle,
        None,
        &[
            Seed {
                owner: "Попова Анна",
                closed: true,
                ..seed("i1", 1, &[])
            },
            Seed {
                owner: "Смирнова Ольга",
                ..meeting("i2", "20.11.2026")
            },
        ],
    );
    let store = backend.open(&handle).unwrap();
    let now = store
        .card_detail(card_id(&*store, "i1"))
        .unwrap()
        .expect("the card");
    let review = store
        .current_review(now.card_id, "anna")
        .unwrap()
        .expect("her review");
    assert_ne!(
        review.card_hash,
        Some(now.hash),
        "the import changed the card"
    );
    let value = |s: &str| Side::Value(s.to_string());
    assert_eq!(
        review.as_judged.expect("kept").changes(&now.card),
        [
            Change {
                field: Field::System(SystemField::Owner),
                then: value("Смирнова Ольга"),
                now: value("Попова Анна"),
            },
            Change {
                field: Field::System(SystemField::ClosedAt),
                then: Side::Empty,
                now: value("2026-11-01 10:00:00"),
            },
            Change {
                field: Field::Custom("Дата встречи в офисе продаж".into()),
                then: value("12.11.2026"),
                now: Side::Empty,
            },
        ]
    );
}

/// tester31 F1: a verdict given on the card on screen after an import changed it (the auditor
/// saw the old budget and notes) was saved on the old content. Given now, it is refused
/// (`CardChanged`) and nothing is written, on a first verdict as on one that replaces an earlier
/// review; read again, the card takes the verdict. A verdict said saved before — kept while the
/// server was out of reach, or replayed late from the journal — stands on the card as judged,
/// which comes back to its auditor marked ↻.
pub fn a_verdict_on_a_card_changed_since_read_is_refused<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    // c1 judged by anna before the import (she judges it again on the old screen after it).
    let before = verdict(&*store, "anna", "c1", Verdict::Ok, "r-c1", at(20, 9));
    save(&mut *store, &before);
    // On screen (read) before the import.
    let first = verdict(&*store, "anna", "i1", Verdict::Ok, "r-i1", now());
    let again = verdict(&*store, "anna", "c1", Verdict::Dead, "r-c1-again", now());
    let kept = verdict(&*store, "anna", "w1", Verdict::Stale, "r-w1-kept", now());
    let late = verdict(&*store, "boris", "i2", Verdict::Ok, "r-i2-late", now());
    drop(store);
    // The import: i1, c1, w1 and i2 handed to another manager; the others as they were.
    let handed: Vec<Seed> = SIX
        .iter()
        .map(|s| match s.id {
            "i1" | "c1" | "w1" | "i2" => Seed {
                owner: "Попова Анна",
                ..*s
            },
            _ => *s,
        })
        .collect();
    backend.import(&handle, None, &handed);

    let mut store = backend.open(&handle).unwrap();
    let digest = |store: &dyn DeskStore, id: &str| {
        let detail = store.card_detail(card_id(store, id)).unwrap().unwrap();
        detail.hash
    };
    assert_ne!(
        digest(&*store, "i1"),
        first.card.hash,
        "the import changed i1"
    );
    for (p, was) in [
        (&first, None),
        (&again, Some(("r-c1".to_string(), Verdict::Ok))),
    ] {
        let refused = store.save_review(p, Given::Now).unwrap_err();
        assert!(
            matches!(&refused, StoreError::CardChanged { external_id } if *external_id == p.card.external_id),
            "{refused:?}"
        );
        assert_eq!(
            current(&*store, "anna", &p.card.external_id),
            was,
            "nothing written"
        );
    }
    // Not judged on what it says now: still hers to judge, i1 unjudged, c1 marked ↻.
    assert!(!entry(&*store, "anna", "i1").changed_since_review);
    assert!(entry(&*store, "anna", "c1").changed_since_review);
    // Read again, the card takes the verdict, on its digest now.
    let seen = verdict(&*store, "anna", "i1", Verdict::Ok, "r-i1-seen", now());
    store
        .save_review(&seen, Given::Now)
        .expect("on the card as it is");
    let mine = store
        .current_review(seen.card.card_id, "anna")
        .unwrap()
        .unwrap();
    assert_eq!(
        (mine.id.as_str(), mine.card_hash),
        ("r-i1-seen", Some(digest(&*store, "i1")))
    );
    // Said saved before: kept while the server was out of reach, written by her reviewer now.
    store
        .save_review(&kept, Given::Kept)
        .expect("a verdict kept stands");
    assert_eq!(
        current(&*store, "anna", "w1"),
        Some(("r-w1-kept".into(), Verdict::Stale))
    );
    assert!(
        entry(&*store, "anna", "w1").changed_since_review,
        "↻: judged as it was"
    );
    // Replayed late from the journal after its reviewer was gone.
    drop(store.keep_pending(&late).unwrap());
    let replay = store.replay_pending().unwrap();
    assert_eq!((replay.saved, replay.waiting), (1, 0), "{replay:?}");
    assert_eq!(
        current(&*store, "boris", "i2"),
        Some(("r-i2-late".into(), Verdict::Ok))
    );
    assert!(entry(&*store, "boris", "i2").changed_since_review);
}

/// The lead has anna's review of i1 on screen when an import hands the card to another
/// manager: the lead's decision, given on the card as drawn, is refused (`CardChanged`, naming
/// the card) and nothing is written; given on the card as it is now, it stands, as one on a
/// card the import left as it was.
pub fn a_leads_decision_on_a_card_changed_since_drawn_is_refused<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let mut store = backend.open(&handle).unwrap();
    let anna = verdict(&*store, "anna", "i1", Verdict::Ok, "r-i1", at(20, 9));
    let w1 = verdict(&*store, "anna", "w1", Verdict::Stale, "r-w1", at(20, 9));
    save(&mut *store, &anna);
    save(&mut *store, &w1);
    let digest = |store: &dyn DeskStore, id: &str| {
        let detail = store.card_detail(card_id(store, id)).unwrap().unwrap();
        detail.hash
    };
    let drawn = digest(&*store, "i1");
    drop(store);
    let handed: Vec<Seed> = SIX
        .iter()
        .map(|s| match s.id {
            "i1" => Seed {
                owner: "Попова Анна",
                ..*s
            },
            _ => *s,
        })
        .collect();
    backend.import(&handle, None, &handed);

    let mut store = backend.open(&handle).unwrap();
    let now_digest = digest(&*store, "i1");
    assert_ne!(now_digest, drawn, "the import changed i1");
    let refused = store
        .decide_as_seen("r-i1", "lena", &Decision::accept(), drawn, at(20, 12))
        .unwrap_err();
    assert!(
        matches!(&refused, StoreError::CardChanged { external_id } if external_id == "i1"),
        "{refused:?}"
    );
    assert_eq!(
        store.latest_decision("r-i1").unwrap(),
        None,
        "nothing written"
    );
    assert!(store.settled(&anna.card.source, "i1").unwrap().is_none());
    // On the card as it is now, it stands.
    let id = store
        .decide_as_seen("r-i1", "lena", &Decision::accept(), now_digest, at(20, 12))
        .expect("decided on the card as it is");
    let d = store.latest_decision("r-i1").unwrap().expect("it stands");
    assert_eq!((d.id, d.decision.kind), (id, DecisionKind::Accept));
    // w1, unchanged: its digest as drawn is its digest now.
    let back = Decision::send_back("проверь телефон".into());
    let w1_digest = digest(&*store, "w1");
    store
        .decide_as_seen("r-w1", "lena", &back, w1_digest, at(20, 13))
        .expect("an unchanged card takes the decision");
    assert_eq!(
        entry(&*store, "anna", "w1").returned.as_deref(),
        Some("проверь телефон")
    );
}

fn pruned(p: Pruned) -> PruneReport {
    match p {
        Pruned::Done(report) => *report,
        other => panic!("the prune named nothing: {other:?}"),
    }
}

/// What the desk reads of a store: every queue's cards in order (gone and closed too), the
/// stats' rows and analytics, and whether it holds several sources.
fn as_the_desk_reads<B: Backend>(backend: &B, handle: &B::Handle) -> (Vec<String>, String, bool) {
    let store = backend.open(handle).unwrap();
    let stages = stages();
    let every = QueueQuery {
        all: true,
        ..query(&stages, "anna", None, 1000)
    };
    let listed = store.queue(&every).unwrap();
    let funnel = okk::funnel_config::default_funnel();
    let f = store
        .stats_figures(&funnel, now().date(), Default::default())
        .unwrap();
    (
        listed
            .iter()
            .map(|e| format!("{}/{}", e.source, e.id))
            .collect(),
        format!("{:?} {:?}", f.rows, f.analytics),
        store.several_sources().unwrap(),
    )
}

/// `okk db prune --import last` after a file imported by mistake (another source's cards, one
/// flagged): a dry run writes nothing and says what the prune does; the prune takes the run's
/// cards and its record out, and the queues, the stats and the runs read as before it.
pub fn a_mistaken_import_pruned_leaves_the_store_as_before_it<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let before = as_the_desk_reads(backend, &handle);
    let runs = backend.open_prune(&handle).unwrap().import_runs().unwrap();
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].still_here, 6);
    backend.import(
        &handle,
        Some("wrong"),
        &[
            seed("x1", 5, &[Warning]),
            seed("x2", 6, &[]),
            seed("x3", 19, &[]),
        ],
    );
    let imported = as_the_desk_reads(backend, &handle);
    assert_ne!(imported, before);
    let mut store = backend.open_prune(&handle).unwrap();
    let dry = pruned(store.prune(&Selector::Import(None), true).unwrap());
    assert_eq!((dry.selected, dry.removed, dry.kept), (3, 3, 0));
    let run = dry.import.clone().expect("the run named");
    assert_eq!(
        (run.source.as_str(), run.inserted, run.still_here),
        ("wrong", 3, 3)
    );
    assert_eq!(dry.runs_removed, [run.id], "nothing else names it");
    drop(store);
    assert_eq!(
        as_the_desk_reads(backend, &handle),
        imported,
        "a dry run writes nothing"
    );
    let mut store = backend.open_prune(&handle).unwrap();
    let report = pruned(store.prune(&Selector::Import(Some(run.id)), false).unwrap());
    assert_eq!(
        report,
        PruneReport {
            dry_run: false,
            ..dry
        }
    );
    assert_eq!(store.import_runs().unwrap(), runs);
    drop(store);
    assert_eq!(as_the_desk_reads(backend, &handle), before);
}

/// `okk db prune --source`: of a source's cards, one judged, one with a draft and one in a
/// calibration's sample stay, and the report names them under what kept them; the rest go.
pub fn a_pruned_source_keeps_its_cards_with_desk_work<B: Backend>(backend: &B) {
    let handle = backend.seeded(SIX);
    let wrong = [
        seed("x1", 5, &[]),
        seed("x2", 6, &[]),
        seed("x3", 7, &[]),
        seed("x4", 8, &[Warning]),
    ];
    backend.import(&handle, Some("wrong"), &wrong);
    {
        let mut store = backend.open(&handle).unwrap();
        let p = verdict(&*store, "anna", "x1", Verdict::Stale, "r-x1", at(20, 9));
        save(&mut *store, &p);
        store
            .withdraw_review("r-x1", at(20, 10))
            .expect("a verdict withdrawn is desk work all the same");
        let x2 = card_id(&*store, "x2");
        store
            .save_draft(x2, "boris", &whole_draft(), now())
            .unwrap();
        let cal = Calibration {
            id: "cal-x".into(),
            stage: STAGE.into(),
            seed: 3,
            auditors: vec!["anna".into(), "boris".into()],
            created_by: "lena".into(),
            created_at: "2026-11-20 08:00:00".into(),
            end: None,
            cards: vec![("wrong".into(), "x3".into())],
        };
        assert!(store.save_calibration(&cal).unwrap());
    }
    let mut store = backend.open_prune(&handle).unwrap();
    let report = pruned(
        store
            .prune(&Selector::Source("wrong".into()), false)
            .unwrap(),
    );
    assert_eq!(report.source.as_deref(), Some("wrong"));
    assert_eq!((report.selected, report.removed, report.kept), (4, 1, 3));
    let kept: Vec<(DeskWork, u64, Vec<String>)> = report
        .kept_for
        .iter()
        .map(|k| (k.work, k.cards, k.first.clone()))
        .collect();
    assert_eq!(
        kept,
        [
            (DeskWork::Reviews, 1, vec!["x1".to_string()]),
            (DeskWork::Drafts, 1, vec!["x2".to_string()]),
            (DeskWork::Calibrations, 1, vec!["x3".to_string()]),
        ]
    );
    assert!(
        report.runs_removed.is_empty(),
        "the run brought cards that stay"
    );
    drop(store);
    let (listed, ..) = as_the_desk_reads(backend, &handle);
    let mut wrong: Vec<&str> = (listed.iter())
        .map(String::as_str)
        .filter(|c| c.starts_with("wrong/"))
        .collect();
    wrong.sort_unstable();
    assert_eq!(wrong, ["wrong/x1", "wrong/x2", "wrong/x3"]);
    let store = backend.open(&handle).unwrap();
    assert_eq!(
        store.draft(card_id(&*store, "x2"), "boris").unwrap(),
        Some(whole_draft())
    );
    assert_eq!(store.calibrations().unwrap().len(), 1);
}

/// The cards a queue of `stage` lists under a filter (`all`, or `closed_stage`), and its
/// figures (cards, flagged), each stage's read alone and with the other's.
fn figures_and_listed(
    store: &dyn DeskStore,
    stage: &str,
    all: bool,
    closed_stage: bool,
) -> ((u64, u64), usize) {
    let one = [stage.to_string()];
    let both = [STAGE.to_string(), OTHER_STAGE.to_string()];
    let queries: Vec<QueueQuery<'_>> = [&one[..], &both[..1], &both[1..]]
        .into_iter()
        .map(|stages| QueueQuery {
            all,
            closed_stage,
            ..query(stages, "anna", None, 100)
        })
        .collect();
    let alone = store.queue_counts(&queries[0]).unwrap();
    let together = store.queue_counts_many(&queries[1..]).unwrap();
    let at = usize::from(stage == OTHER_STAGE);
    assert_eq!(alone, together[at], "{stage}: read alone and together");
    let listed = store.queue(&queries[0]).unwrap().len();
    ((alone.cards, alone.flagged), listed)
}

/// Every stage's figures under the three filters: ((cards, flagged), cards listed) for the
/// queue's default, a won or lost stage's (`closed_stage`) and `t` (`all`).
fn stage_figures(store: &dyn DeskStore, stage: &str) -> [((u64, u64), usize); 3] {
    [
        figures_and_listed(store, stage, false, false),
        figures_and_listed(store, stage, false, true),
        figures_and_listed(store, stage, true, false),
    ]
}

pub fn stage_figures_follow_every_write<B: Backend>(backend: &B) {
    let o1 = Seed {
        stage: OTHER_STAGE,
        ..closed("o1", 12, &[Warning])
    };
    let o2 = Seed {
        stage: OTHER_STAGE,
        ..seed("o2", 12, &[])
    };
    let mut cards = SIX.to_vec();
    cards.extend([o1, o2]);
    let handle = backend.seeded(&cards);
    let store = backend.open(&handle).unwrap();
    assert_eq!(stage_figures(&*store, STAGE), [((6, 3), 6); 3]);
    assert_eq!(
        stage_figures(&*store, OTHER_STAGE),
        [((2, 1), 2); 3],
        "a closed card with a flag is in every queue"
    );
    drop(store);

    // i0 moves on, w1 and i2 close (w1 keeps its flag), c1 leaves the export: gone.
    let later: Vec<Seed> = cards
        .iter()
        .filter(|c| c.id != "c1")
        .map(|&c| match c.id {
            "i0" => Seed {
                stage: OTHER_STAGE,
                ..c
            },
            "w1" => closed("w1", 16, &[Warning]),
            "i2" => closed("i2", 1, &[]),
            _ => c,
        })
        .collect();
    backend.import(&handle, None, &later);
    let store = backend.open(&handle).unwrap();
    assert_eq!(
        stage_figures(&*store, STAGE),
        [((3, 2), 3), ((4, 2), 4), ((5, 2), 5)],
        "w2 w1 i1 open or flagged; i2 closed; c1 gone"
    );
    assert_eq!(stage_figures(&*store, OTHER_STAGE), [((3, 1), 3); 3]);
    let source = card_source(&*store, "i1");
    drop(store);

    backend.deleted_in_crm(&handle, &source, &["i1"]);
    let store = backend.open(&handle).unwrap();
    assert_eq!(
        stage_figures(&*store, STAGE),
        [((2, 2), 2), ((3, 2), 3), ((5, 2), 5)],
        "i1 gone too"
    );
    assert_eq!(stage_figures(&*store, OTHER_STAGE), [((3, 1), 3); 3]);
}
