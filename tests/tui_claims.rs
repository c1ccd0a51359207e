//! Auditors sharing one store (a file with `okk review --claim`; a server always): the reviewer
//! takes each card by claim, so two auditors never see one card as their next; a skip or a quit
//! gives the card back; a pause renews what is held; and others' writes refresh the figures on
//! screen and the lead's list without a key (the runtime's watcher).

mod common;

use std::time::{Duration, Instant};

use common::{Desk, Table};
use okk::domain::decision::Decision;
use okk::tui::effect::{Effect, Msg, Outcome};
use okk::tui::state::{Screen, State, Status};
use okk::tui::update::{start_at_stage, update};

const MET: &str = "Встреча проведена";
const LEASE: Duration = Duration::from_secs(30);

/// `who`'s reviewer on the shared store, taking its cards by claim, at the stage's first card.
fn claiming(desk: &Desk, who: &str) -> (State, okk::tui::desk::Desk) {
    claiming_for(desk, who, LEASE)
}

/// [`claiming`], each card held for `lease`.
fn claiming_for(desk: &Desk, who: &str, lease: Duration) -> (State, okk::tui::desk::Desk) {
    let (mut state, d) = common::reviewer::open(&desk.db, who);
    let d = d.claiming(lease);
    okk::tui::update::load_stages(&mut state, &d).unwrap();
    let row = (state.stages.rows.iter())
        .position(|r| r.name == MET)
        .unwrap();
    start_at_stage(&mut state, row, &d).unwrap();
    (state, d)
}

fn shown(state: &State) -> Option<String> {
    (state.card.as_ref()).map(|c| c.detail.card.external_id.clone())
}

fn press(state: &mut State, d: &mut okk::tui::desk::Desk, seq: &str) {
    common::reviewer::press(state, d, seq);
}

/// The first card `who` holds, by the CLI's claim of one (unexpired claims come back first).
fn held_by(desk: &Desk, who: &str) -> Vec<String> {
    let out = desk
        .okk()
        .args(["queue", "--stage", MET, "--auditor", who, "--claim", "1"])
        .args(["--json"])
        .output()
        .unwrap();
    common::card_ids(&serde_json::from_slice(&out.stdout).unwrap())
}

#[test]
fn two_auditors_judging_one_stage_by_claim_never_see_the_same_card() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let (mut boris, mut b) = claiming(&desk, "boris");
    let mut seen_a = Vec::new();
    let mut seen_b = Vec::new();
    for _ in 0..6 {
        let (Some(x), Some(y)) = (shown(&anna), shown(&boris)) else {
            break;
        };
        assert_ne!(x, y, "one card on both screens");
        seen_a.push(x);
        seen_b.push(y);
        press(&mut anna, &mut a, "a");
        press(&mut boris, &mut b, "a");
    }
    assert!(seen_a.len() >= 3, "{seen_a:?}");
    for x in &seen_a {
        assert!(
            !seen_b.contains(x),
            "{x} judged by both: {seen_a:?} {seen_b:?}"
        );
    }
    // Every verdict is in, one per card.
    let reviews = desk.current_reviews();
    assert_eq!(reviews.len(), seen_a.len() + seen_b.len(), "{reviews:?}");
}

#[test]
fn a_skipped_card_goes_to_the_next_auditor_and_never_back_to_the_one_who_skipped() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let first = shown(&anna).expect("a card");
    press(&mut anna, &mut a, "<space>");
    let next = shown(&anna).expect("the next card");
    assert_ne!(next, first);
    let (boris, _b) = claiming(&desk, "boris");
    assert_eq!(shown(&boris), Some(first.clone()), "given back, it is free");
    // Anna judges on: the card she gave back is not hers again.
    for _ in 0..4 {
        press(&mut anna, &mut a, "a");
        assert_ne!(shown(&anna), Some(first.clone()));
    }
}

#[test]
fn a_card_whose_verdict_is_undone_is_the_auditors_again_and_not_handed_to_the_next() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let first = shown(&anna).expect("a card");
    press(&mut anna, &mut a, "a");
    let next = shown(&anna).expect("the next card");
    assert_ne!(next, first);
    press(&mut anna, &mut a, "u");
    assert_eq!(shown(&anna), Some(first.clone()), "back on the card");
    assert!(
        matches!(&anna.shared.status, Some(Status::Info(m))
            if m.contains(&format!("#{first} withdrawn: «ok»"))),
        "{:?}",
        anna.shared.status
    );
    // Boris opens the stage: neither of anna's cards is his.
    let (boris, _b) = claiming(&desk, "boris");
    let his = shown(&boris).expect("a card for boris");
    assert!(his != first && his != next, "{his} is anna's");
    assert_eq!(
        held_by(&desk, "anna")[0],
        first,
        "held again, first of hers"
    );
    // Judged again, it is hers to judge once.
    press(&mut anna, &mut a, "a");
    assert_eq!(shown(&anna), Some(next));
    assert!(
        desk.current_reviews()
            .iter()
            .any(|r| r.0 == first && r.1 == "anna")
    );
}

#[test]
fn an_undo_on_a_card_another_auditor_took_meanwhile_says_whose_it_is_and_moves_on() {
    let desk = Desk::demo();
    // Anna's claims run out at once (as when her reviewer stood still past the lease).
    let (mut anna, mut a) = claiming_for(&desk, "anna", Duration::ZERO);
    let first = shown(&anna).expect("a card");
    let (boris, _b) = claiming(&desk, "boris");
    assert_eq!(
        shown(&boris),
        Some(first.clone()),
        "her claim ran out: boris has it"
    );
    press(&mut anna, &mut a, "a");
    let next = shown(&anna).expect("the next card");
    press(&mut anna, &mut a, "u");
    let Some(Status::Info(said)) = &anna.shared.status else {
        panic!("{:?}", anna.shared.status);
    };
    assert!(
        said.contains(&format!("#{first} withdrawn")) && said.contains("with boris"),
        "{said}"
    );
    assert_eq!(shown(&anna), Some(next.clone()), "she stays on her card");
    let q = anna.queue.as_ref().unwrap();
    assert!(
        q.items.iter().all(|i| i.entry.id != first),
        "boris's card is off her list"
    );
    assert_eq!(q.items[anna.card.as_ref().unwrap().index].entry.id, next);
    assert!(
        !desk.current_reviews().iter().any(|r| r.0 == first),
        "the verdict is withdrawn all the same"
    );
    assert_eq!(
        held_by(&desk, "boris")[0],
        first,
        "and the card is still boris's"
    );
    // Judging on never brings it back to her.
    for _ in 0..3 {
        press(&mut anna, &mut a, "a");
        assert_ne!(shown(&anna), Some(first.clone()));
    }
}

#[test]
fn quitting_gives_back_the_cards_held_and_leaving_a_queue_does_too() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let first = shown(&anna).expect("a card");
    assert_eq!(held_by(&desk, "anna")[0], first, "held while on screen");
    press(&mut anna, &mut a, "<ctrl-c>");
    assert!(anna.shared.quit);
    let (boris, _b) = claiming(&desk, "boris");
    assert_eq!(shown(&boris), Some(first));

    let (mut clara, mut c) = claiming(&desk, "clara");
    let hers = shown(&clara).expect("a card");
    press(&mut clara, &mut c, "qq");
    assert!(clara.queue.is_none(), "back at the funnel");
    let (dmitri, _d) = claiming(&desk, "dmitri");
    assert_eq!(shown(&dmitri), Some(hers), "clara's card is free again");
}

/// The terminal closed under her (SIGHUP): her card goes back as on `q`, and the comment she
/// was typing is kept as her draft, nobody asked anything.
#[test]
fn a_closed_terminal_gives_back_the_card_held_and_keeps_the_comment_typed() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let first = shown(&anna).expect("a card");
    let card_id = anna.card.as_ref().expect("a card").detail.card_id;
    press(&mut anna, &mut a, "cпозвонить");
    okk::tui::run::dispatch(&mut anna, Msg::HangUp, &mut a);
    assert!(anna.shared.quit);
    let (boris, _b) = claiming(&desk, "boris");
    assert_eq!(shown(&boris), Some(first), "anna's card is free again");
    let draft = a.draft(card_id).unwrap().expect("her draft kept");
    assert_eq!(draft.comment, "позвонить");
}

/// The external ids the open queue lists, in order.
fn listed(state: &State) -> Vec<String> {
    let q = state.queue.as_ref().expect("a queue");
    q.items.iter().map(|i| i.entry.id.clone()).collect()
}

/// On a shared queue a filter narrows the list, never out of sight what she holds: the card she
/// holds stays listed, and selected, under a filter it matches (it was dropped until her next
/// claim); under one it does not match it is given back, which the status line says, and the
/// next auditor may take it.
#[test]
fn a_filter_keeps_the_card_she_holds_in_sight_or_gives_it_back_saying_so() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let held = shown(&anna).expect("a card");
    press(&mut anna, &mut a, "q");
    assert_eq!(anna.screen, Screen::Queue);
    assert_eq!(listed(&anna), std::slice::from_ref(&held));

    // Its id matches it: hers, listed and selected, still held.
    press(&mut anna, &mut a, &format!("/{held}<enter>"));
    assert_eq!(
        listed(&anna),
        std::slice::from_ref(&held),
        "{:?}",
        anna.shared.status
    );
    let q = anna.queue.as_ref().unwrap();
    assert_eq!(q.items[q.selected].entry.id, held);
    assert_eq!(anna.shared.status, None);
    let (boris, _b) = claiming(&desk, "boris");
    assert_ne!(shown(&boris), Some(held.clone()), "still anna's");
    // Open from the list: the card she holds.
    press(&mut anna, &mut a, "<enter>");
    assert_eq!(shown(&anna), Some(held.clone()));
    press(&mut anna, &mut a, "q");

    // A filter that leaves it out (another owner's cards): given back, and said. She holds
    // what she sees, no more: the card the new list starts with.
    let owner = desk.card(&held)["owner"].clone();
    let other = desk
        .rows(Table::Cards)
        .into_iter()
        .find(|c| c["stage"] == MET && c["owner"] != owner && c["owner"].is_string())
        .expect("a card of another owner");
    let other = other["owner"].as_str().unwrap().to_string();
    press(&mut anna, &mut a, &format!("/<C-u>{other}<enter>"));
    let now = listed(&anna);
    assert!(!now.is_empty() && !now.contains(&held), "{now:?}");
    assert!(
        matches!(&anna.shared.status, Some(Status::Info(m))
            if m == "1 card you held is back in the shared queue: the list leaves it out"),
        "{:?}",
        anna.shared.status
    );
    let hers = |desk: &Desk| {
        let mut ids: Vec<i64> = (desk.rows(Table::Leases).iter())
            .filter(|l| l["auditor"] == "anna")
            .map(|l| l["card_id"].as_i64().unwrap())
            .collect();
        ids.sort();
        ids
    };
    let mut shows: Vec<i64> = anna
        .queue
        .as_ref()
        .unwrap()
        .held()
        .iter()
        .map(|c| c.0)
        .collect();
    shows.sort();
    assert_eq!(hers(&desk), shows, "she holds what she sees");
    // One card for the one wanted, as when the queue opened: a new filter takes no more.
    assert_eq!(shows.len(), 1, "{now:?}");
    let (clara, _c) = claiming(&desk, "clara");
    assert_eq!(shown(&clara), Some(held), "free for the next auditor");

    // A filter nothing matches: nothing listed, nothing held.
    press(&mut anna, &mut a, "/<C-u>нет такой карточки<enter>");
    assert!(listed(&anna).is_empty(), "{:?}", listed(&anna));
    assert!(hers(&desk).is_empty(), "{:?}", hers(&desk));
}

/// The shared queue read again (`t`, all cards) lists the cards she holds first, as they were,
/// and the one she had selected stays selected: nothing she holds drops out of her list.
#[test]
fn a_shared_queue_read_again_keeps_the_cards_she_holds_and_the_one_selected() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    press(&mut anna, &mut a, "qjj");
    let before = listed(&anna);
    assert_eq!(
        before.len(),
        3,
        "one read ahead of the one selected: {before:?}"
    );
    assert_eq!(anna.queue.as_ref().unwrap().selected, 1);
    press(&mut anna, &mut a, "t");
    assert_eq!(listed(&anna), before);
    assert_eq!(
        anna.queue.as_ref().unwrap().selected,
        1,
        "the card she was on"
    );
    assert!(
        matches!(&anna.shared.status, Some(Status::Info(m)) if !m.contains("back in")),
        "{:?}",
        anna.shared.status
    );
}

#[test]
fn a_pause_renews_the_cards_held_once_a_third_of_the_lease_has_passed() {
    let desk = Desk::demo();
    let (mut anna, a) = claiming(&desk, "anna");
    let card = anna.card.as_ref().unwrap().detail.card_id;
    assert!(
        !update(&mut anna, Msg::Tick, &a).contains(&Effect::Renew(vec![card])),
        "just claimed"
    );
    anna.queue.as_mut().unwrap().renewed = Instant::now() - LEASE;
    let effects = update(&mut anna, Msg::Tick, &a);
    assert!(effects.contains(&Effect::Renew(vec![card])), "{effects:?}");
    // A skip asks the writer to give the card back (the reader claims the next).
    let effects = update(&mut anna, Msg::Key(common::keys::parse("<space>")[0]), &a);
    assert_eq!(effects[0], Effect::Release(vec![card]), "{effects:?}");
}

#[test]
fn without_claim_a_laptop_reviewer_lists_its_queue_and_holds_nothing() {
    let desk = Desk::demo();
    let (mut state, mut d) = common::reviewer::open(&desk.db, "anna");
    okk::tui::update::load_stages(&mut state, &d).unwrap();
    let row = (state.stages.rows.iter())
        .position(|r| r.name == MET)
        .unwrap();
    start_at_stage(&mut state, row, &d).unwrap();
    assert!(
        state.queue.as_ref().unwrap().items.len() > 1,
        "a page listed"
    );
    let first = shown(&state).unwrap();
    press(&mut state, &mut d, "<space><ctrl-c>");
    let (boris, _b) = claiming(&desk, "boris");
    assert_eq!(shown(&boris), Some(first), "nothing held by anna");
}

#[test]
fn the_lead_sending_a_review_back_changes_the_auditors_figures_without_a_key() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    press(&mut anna, &mut a, "a");
    let before = anna.queue.as_ref().unwrap().counts;
    let mut watch = a.watch().unwrap();

    // The lead, in another process on the same file, sends the verdict back.
    let (_, mut lead) = common::reviewer::open(&desk.db, "lena");
    let row = lead.lead_rows().unwrap().pop().expect("anna's review");
    lead.decide(&row.review_id, &Decision::send_back("look again".into()))
        .unwrap();

    assert!(
        watch.wait(Duration::from_secs(5)).unwrap(),
        "the write seen"
    );
    okk::tui::run::dispatch(&mut anna, Msg::Done(Box::new(Outcome::OthersActed)), &mut a);
    let after = anna.queue.as_ref().unwrap().counts;
    assert_eq!(
        after.reviewed + 1,
        before.reviewed,
        "{before:?} → {after:?}"
    );
}

/// tester43 F1 on a store file: a lead's `okk funnel apply` reaches the open reviewer.
#[test]
fn a_funnel_applied_while_the_reviewer_is_open_is_said_on_her_screen() {
    let desk = Desk::demo();
    let (mut anna, mut a) = common::reviewer::open_at_stage(&desk.db, "anna", MET);
    let other = desk.funnel_without_booking();
    common::reviewer::hears_the_funnel_applied(&mut anna, &mut a, || {
        common::succeeded(
            desk.okk()
                .args(["funnel", "apply", &other, "--lead", "lena"]),
        );
    });
}

#[test]
fn an_auditors_verdict_shows_in_the_leads_list_without_a_key() {
    let desk = Desk::demo();
    let (mut lead, mut l) = common::reviewer::open(&desk.db, "lena");
    okk::tui::lead::load(&mut lead, &l).unwrap();
    let before = lead.lead.as_ref().unwrap().rows.len();
    let mut watch = l.watch().unwrap();
    assert!(!watch.wait(Duration::ZERO).unwrap(), "nothing yet");

    let (mut anna, mut a) = claiming(&desk, "anna");
    press(&mut anna, &mut a, "a");

    assert!(
        watch.wait(Duration::from_secs(5)).unwrap(),
        "the verdict seen"
    );
    okk::tui::run::dispatch(&mut lead, Msg::Done(Box::new(Outcome::OthersActed)), &mut l);
    assert_eq!(lead.lead.as_ref().unwrap().rows.len(), before + 1);
}

/// The place counter of a queue shared by claim says the truth: its `N` is what she judged in
/// her list and what a claim may still hand her. The cards another auditor holds or judged
/// never come to her list, so they are not counted; a card she gives back leaves the count;
/// others' verdicts heard (the watcher) count at once; and when nothing is left for her, the
/// counter reads k/k, never k/N with cards that were never hers.
#[test]
fn on_a_shared_queue_the_place_counter_counts_what_is_left_for_her() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let total = |s: &State| s.queue.as_ref().unwrap().total();
    let cards = anna.queue.as_ref().unwrap().counts.to_review();
    assert_eq!(
        total(&anna),
        cards,
        "alone on the stage, every card is hers"
    );
    let (mut boris, mut b) = claiming(&desk, "boris");
    assert_eq!(total(&boris), cards - 1, "anna holds one");
    // Her verdict, then the next card claimed: boris's card is off her count.
    press(&mut anna, &mut a, "a");
    assert_eq!(total(&anna), cards - 1);
    // A card she skips goes to the others, never back to her.
    press(&mut anna, &mut a, "<space>");
    assert_eq!(total(&anna), cards - 2);
    // Boris judges his card, then the one she gave back (the first free), and takes another:
    // heard, that one is off her count without a key of hers.
    let mut watch = a.watch().unwrap();
    press(&mut boris, &mut b, "aa");
    assert!(
        watch.wait(Duration::from_secs(5)).unwrap(),
        "the write seen"
    );
    okk::tui::run::dispatch(&mut anna, Msg::Done(Box::new(Outcome::OthersActed)), &mut a);
    assert_eq!(total(&anna), cards - 3);
    // An undo gives her the card again: judged no more, it is still hers to judge.
    press(&mut anna, &mut a, "a");
    let after_verdict = total(&anna);
    press(&mut anna, &mut a, "u");
    assert_eq!(total(&anna), after_verdict);
    // Both judge on until the stage has nothing left for anna.
    while anna.card.is_some() {
        press(&mut anna, &mut a, "a");
        if boris.card.is_some() {
            press(&mut boris, &mut b, "a");
        }
    }
    let q = anna.queue.as_ref().unwrap();
    let judged = q.done() as u64;
    assert!(
        judged < cards - 3,
        "boris took his share: {judged} of {cards}"
    );
    assert_eq!(q.total(), judged);
    let title = common::reviewer::screen(&anna, 120, 40);
    let title = title.lines().next().unwrap();
    assert!(title.contains(&format!(" {judged}/{judged} ")), "{title}");
}

/// The verdicts others gave while the lead had a review open are on the list she comes back to
/// (the watcher's word came while the list was not up), and `t` reads the list again: neither
/// waits for the next write of others' or a restart.
#[test]
fn the_leads_list_shows_verdicts_given_while_a_review_was_open_and_t_reads_it_again() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    press(&mut anna, &mut a, "a");
    let (mut lead, mut l) = common::reviewer::open(&desk.db, "lena");
    okk::tui::lead::load(&mut lead, &l).unwrap();
    let rows = |s: &State| s.lead.as_ref().unwrap().rows.len();
    let before = rows(&lead);
    assert!(before >= 1, "anna's review listed");
    let mut watch = l.watch().unwrap();

    // The lead opens a review; anna judges meanwhile, and the watcher says so.
    press(&mut lead, &mut l, "<enter>");
    assert_eq!(lead.screen, Screen::Decide);
    press(&mut anna, &mut a, "a");
    assert!(
        watch.wait(Duration::from_secs(5)).unwrap(),
        "the verdict seen"
    );
    okk::tui::run::dispatch(&mut lead, Msg::Done(Box::new(Outcome::OthersActed)), &mut l);
    press(&mut lead, &mut l, "q");
    assert_eq!(lead.screen, Screen::Reviews);
    assert_eq!(
        rows(&lead),
        before + 1,
        "back on the list, anna's new verdict"
    );

    // Anna judges again, the watcher unheard: `t` reads the list afresh (and `t` again too).
    press(&mut anna, &mut a, "a");
    press(&mut lead, &mut l, "t");
    assert_eq!(rows(&lead), before + 2, "t shows every current review");
    assert!(lead.lead.as_ref().unwrap().all);
    press(&mut anna, &mut a, "a");
    press(&mut lead, &mut l, "t");
    assert_eq!(rows(&lead), before + 3);
    let shown = lead.lead.as_ref().unwrap().shown.len();
    assert_eq!(shown, before + 3, "all three await a decision");
}

/// The lead's undo withdraws her own last decision even when the list read again meanwhile put
/// others' reviews above it: its row is found by its review, not by its old place.
#[test]
fn the_leads_undo_after_the_list_was_read_again_withdraws_her_own_decision() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let hers = shown(&anna).unwrap();
    press(&mut anna, &mut a, "a");
    let (mut lead, mut l) = common::reviewer::open(&desk.db, "lena");
    okk::tui::lead::load(&mut lead, &l).unwrap();
    press(&mut lead, &mut l, "<enter>a");
    assert_eq!(lead.screen, Screen::Reviews, "nothing else awaits");
    // Boris's review, older than hers, now sorts above it in the list read again.
    let other = (desk.rows(Table::Cards).into_iter())
        .map(|c| c["external_id"].as_str().unwrap().to_string())
        .find(|id| *id != hers)
        .unwrap();
    desk.review(
        &other,
        "boris",
        "2020-01-01 09:00:00",
        &common::Verdict::of("stale"),
    );
    press(&mut lead, &mut l, "t");
    let list = lead.lead.as_ref().unwrap();
    assert_eq!(list.rows[0].external_id, other, "boris's first");
    let at = (list.shown.iter())
        .position(|&i| list.rows[i].external_id == hers)
        .unwrap();
    press(&mut lead, &mut l, &format!("{}<enter>u", "j".repeat(at)));
    let list = lead.lead.as_ref().unwrap();
    let of = |id: &str| list.rows.iter().find(|r| r.external_id == id).unwrap();
    assert!(of(&hers).decision.is_none(), "her accept withdrawn");
    assert!(
        desk.rows(Table::LeadDecisions)
            .iter()
            .all(|d| !d["withdrawn_at"].is_null()),
        "{:?}",
        desk.rows(Table::LeadDecisions)
    );
}

/// On a shared queue `t` and a filter list the cards she judged before, marked with her
/// verdict and not claimed (they are hers already): opened, one shows her review, and a new
/// verdict replaces hers. Fresh cards are still claimed one at a time.
#[test]
fn on_a_shared_queue_t_and_a_filter_list_her_earlier_verdicts_to_change_them() {
    let desk = Desk::demo();
    let (mut anna, mut a) = claiming(&desk, "anna");
    let judged = shown(&anna).unwrap();
    press(&mut anna, &mut a, "a");
    let next = shown(&anna).unwrap();
    press(&mut anna, &mut a, "q");
    assert_eq!(listed(&anna), [judged.clone(), next.clone()], "as judged");

    // Read afresh by a filter of its id: listed, marked with her verdict, not held.
    press(&mut anna, &mut a, &format!("/{judged}<enter>"));
    assert_eq!(listed(&anna), std::slice::from_ref(&judged));
    let q = anna.queue.as_ref().unwrap();
    assert!(q.items[0].done.is_some(), "her verdict marks it");
    assert!(q.held().is_empty(), "a card she judged is not claimed");
    // Opened: her review; a new verdict replaces hers.
    press(&mut anna, &mut a, "<enter>");
    assert_eq!(shown(&anna), Some(judged.clone()));
    let mine = anna
        .card
        .as_ref()
        .unwrap()
        .previous
        .as_ref()
        .map(|r| r.verdict);
    assert_eq!(mine, Some(okk::domain::review::Verdict::Ok));
    press(&mut anna, &mut a, "s");
    assert!(
        desk.current_reviews()
            .contains(&(judged.clone(), "anna".into(), "stale".into())),
        "{:?}",
        desk.current_reviews()
    );

    // `t` with no filter: her judged card listed beside the one she holds, the held one
    // still selected and held.
    // The filtered list is done: back on it, the filter cleared.
    assert_eq!(anna.screen, Screen::Queue);
    press(&mut anna, &mut a, "<esc>");
    assert_eq!(
        listed(&anna),
        std::slice::from_ref(&next),
        "{:?}",
        anna.shared.status
    );
    press(&mut anna, &mut a, "t");
    let now = listed(&anna);
    assert!(now.contains(&judged) && now.contains(&next), "{now:?}");
    let q = anna.queue.as_ref().unwrap();
    assert_eq!(
        q.held(),
        [anna_card(q, &next)],
        "only the fresh card is held"
    );
    assert_eq!(q.items[q.selected].entry.id, next, "the card she was on");
    let (boris, _b) = claiming(&desk, "boris");
    assert!(shown(&boris) != Some(next.clone()) && shown(&boris) != Some(judged));
}

/// tester43 F7: under `t` a shared queue lists the cards another auditor holds too, marked ◇ and
/// never claimed, as a queue read whole does (a server's `t` listed only hers).
#[test]
fn under_t_a_shared_queue_lists_the_cards_another_auditor_holds_marked_theirs() {
    let desk = Desk::demo();
    let (mut boris, mut b) = claiming(&desk, "boris");
    let mut his = Vec::new();
    for _ in 0..2 {
        his.push(shown(&boris).unwrap());
        press(&mut boris, &mut b, "a");
    }
    let (mut anna, mut a) = claiming(&desk, "anna");
    let hers = shown(&anna).unwrap();
    assert!(!his.contains(&hers));
    press(&mut anna, &mut a, "q");
    assert!(
        !his.iter().any(|id| listed(&anna).contains(id)),
        "{:?}",
        listed(&anna)
    );
    press(&mut anna, &mut a, "t");
    let q = anna.queue.as_ref().unwrap();
    for id in &his {
        let item = (q.items.iter()).find(|i| &i.entry.id == id);
        assert!(
            item.is_some_and(|i| i.entry.judged_by_other && i.entry.my_verdict.is_none()),
            "{id}: {:?}",
            listed(&anna)
        );
    }
    assert_eq!(q.held(), [anna_card(q, &hers)], "his cards are not claimed");
    let screen = common::reviewer::screen(&anna, 120, 40);
    let marked = screen.lines().filter(|l| l.contains('◇')).count();
    assert!(marked >= 2, "{screen}");
}

fn anna_card(q: &okk::tui::state::Queue, id: &str) -> okk::domain::ids::CardId {
    q.items
        .iter()
        .find(|i| i.entry.id == id)
        .unwrap()
        .entry
        .card_id
}

/// Her judged cards a shared queue lists under `t` are bounded (a list holds them in memory):
/// those left out are counted under the list, with the key of the filter that narrows it, in
/// both languages, whole at 80 columns. A filter that finds fewer lists them all and says
/// nothing.
#[test]
fn on_a_shared_queue_her_judged_cards_beyond_the_bound_are_counted_and_a_filter_narrows_them() {
    let desk = Desk::demo();
    let (mut anna, a) = claiming(&desk, "anna");
    let mut a = a.judged_cap(1);
    let mut judged = Vec::new();
    for _ in 0..3 {
        judged.push(shown(&anna).unwrap());
        press(&mut anna, &mut a, "a");
    }
    let held = shown(&anna).unwrap();
    press(&mut anna, &mut a, "q");
    press(&mut anna, &mut a, "t");
    let q = anna.queue.as_ref().unwrap();
    assert_eq!(q.judged_unlisted, 2, "{:?}", listed(&anna));
    assert!(listed(&anna).contains(&held), "{:?}", listed(&anna));
    for (lang, said) in [
        (
            okk::text::lang::Lang::En,
            " 2 more judged cards are not listed: narrow the list with a filter (/)",
        ),
        (
            okk::text::lang::Lang::Ru,
            " ещё 2 проверенные карточки не показаны: сузьте список фильтром (/)",
        ),
    ] {
        let screen = okk::text::lang::with(lang, || common::reviewer::screen(&anna, 80, 24));
        assert!(screen.contains(said), "{lang:?}:\n{screen}");
    }
    // A filter of one judged card's id: it alone, nothing left out, nothing said.
    press(&mut anna, &mut a, &format!("/{}<enter>", judged[2]));
    let q = anna.queue.as_ref().unwrap();
    assert_eq!(listed(&anna), std::slice::from_ref(&judged[2]));
    assert_eq!(q.judged_unlisted, 0);
    let screen = common::reviewer::screen(&anna, 80, 24);
    assert!(!screen.contains("not listed"), "{screen}");
}

/// The ids of the cards `state` shows one after another while pressing `a` up to `n` times.
fn judge_on(state: &mut State, d: &mut okk::tui::desk::Desk, n: usize) -> Vec<String> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let Some(id) = shown(state) else { break };
        seen.push(id);
        press(state, d, "a");
    }
    seen
}

/// A review the lead sends back while its auditor's shared queue is open: never handed to
/// another auditor; heard (the watcher), it is in its auditor's list without a key, marked ↩
/// with the lead's note, and comes next after the card on screen, though judged above it
/// this session; the auditor's new verdict answers the return.
#[test]
fn a_review_sent_back_comes_back_to_its_own_auditor_and_to_nobody_else() {
    let desk = Desk::demo();
    let (mut boris, mut b) = claiming(&desk, "boris");
    let judged = shown(&boris).unwrap();
    press(&mut boris, &mut b, "a");
    let on_screen = shown(&boris).unwrap();
    let mut watch = b.watch().unwrap();

    let (_, mut lead) = common::reviewer::open(&desk.db, "lena");
    let row = (lead.lead_rows().unwrap().into_iter())
        .find(|r| r.external_id == judged && r.auditor == "boris")
        .expect("boris's review");
    lead.decide(&row.review_id, &Decision::send_back("Нет звонка".into()))
        .unwrap();

    let (mut anna, mut a) = claiming(&desk, "anna");
    let hers = judge_on(&mut anna, &mut a, 4);
    assert!(
        !hers.contains(&judged),
        "anna was handed {judged}: {hers:?}"
    );

    assert!(
        watch.wait(Duration::from_secs(5)).unwrap(),
        "the return seen"
    );
    okk::tui::run::dispatch(
        &mut boris,
        Msg::Done(Box::new(Outcome::OthersActed)),
        &mut b,
    );
    let q = boris.queue.as_ref().unwrap();
    let item = (q.items.iter())
        .find(|i| i.entry.id == judged)
        .expect("back in his list");
    assert_eq!(item.entry.returned.as_deref(), Some("Нет звонка"));
    assert_eq!(item.done, None, "to judge again");
    assert!(
        q.held().contains(&item.entry.card_id),
        "held for him while listed"
    );
    assert!(
        matches!(&boris.shared.status, Some(Status::Info(s)) if s.contains('↩')),
        "{:?}",
        boris.shared.status
    );
    assert_eq!(shown(&boris), Some(on_screen), "the card on screen stays");
    press(&mut boris, &mut b, "a");
    assert_eq!(
        shown(&boris),
        Some(judged.clone()),
        "the card sent back next"
    );
    press(&mut boris, &mut b, "d");
    assert!(
        desk.current_reviews()
            .contains(&(judged.clone(), "boris".into(), "dead".into())),
        "{:?}",
        desk.current_reviews()
    );
    let rows = lead.lead_rows().unwrap();
    assert!(
        !rows
            .iter()
            .any(|r| r.external_id == judged && r.auditor == "anna"),
        "nobody but boris judged it"
    );
}

/// `t` (the list read again) brings in a card sent back to her while her queue was open.
#[test]
fn t_brings_a_card_sent_back_into_the_open_shared_queue() {
    let desk = Desk::demo();
    let (mut vera, mut v) = claiming(&desk, "vera");
    let judged = shown(&vera).unwrap();
    press(&mut vera, &mut v, "aq");
    let (_, mut lead) = common::reviewer::open(&desk.db, "lena");
    let row = (lead.lead_rows().unwrap().into_iter())
        .find(|r| r.external_id == judged)
        .expect("vera's review");
    lead.decide(&row.review_id, &Decision::send_back("Звонок?".into()))
        .unwrap();
    press(&mut vera, &mut v, "t");
    let q = vera.queue.as_ref().unwrap();
    let item = (q.items.iter())
        .find(|i| i.entry.id == judged)
        .unwrap_or_else(|| panic!("{judged} not in {:?}", listed(&vera)));
    assert_eq!(item.entry.returned.as_deref(), Some("Звонок?"));
    assert_eq!(item.done, None);
}
