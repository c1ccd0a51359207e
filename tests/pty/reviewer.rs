//! The reviewer in a pseudo-terminal on a test desk: a stage opened, the card shown judged, the
//! reviewer left cleanly; what the auditor's and the lead's end-to-end stories share.

use super::{Spawn, Term, card_id};
use crate::common::Desk;

/// `okk --db DB --funnel assets/funnel.toml ARGS` in a `cols`×`rows` terminal.
pub fn okk(desk: &Desk, args: &[&str], cols: u16, rows: u16) -> Spawn {
    Spawn::new(&desk.okk_args(args), cols, rows)
}

/// `okk review --stage STAGE --auditor WHO` at 120×40, waited for until its first card shows.
pub fn review_stage(desk: &Desk, stage: &str, auditor: &str) -> Term {
    let term = okk(
        desk,
        &["review", "--stage", stage, "--auditor", auditor],
        120,
        40,
    )
    .start(desk.dir.path());
    term.wait_for(&format!("{auditor} · ? help"));
    term.wait_for("┌ #");
    term
}

/// Presses a verdict key on the card shown and waits for the status line to say it is saved;
/// the card's id.
pub fn verdict(term: &mut Term, key: &str, word: &str) -> String {
    let id = card_id(&term.screen());
    term.send(key);
    term.wait_for(&format!("#{id} saved: {word}"));
    id
}

/// Quits from a card: card → queue → funnel → exit, which must be clean.
pub fn quit_from_card(term: &mut Term) {
    term.send("q");
    term.wait_for("Title");
    term.send("q");
    term.wait_for("To review");
    term.send("q");
    term.wait_clean_exit("okk review");
}
